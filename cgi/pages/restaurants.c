/* pages/restaurants: the searchable list and a restaurant's page. */
#include "core/util.h"
#include "pages/pages.h"
#include "svc/content.h"
#include "svc/visual.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int page_restaurants(struct fc_ctx *c)
{
    struct fc_svc_result res;
    struct fc_svc_search_in in;
    struct fc_svc_search_out out;
    struct fc_svc_origin origin, by;

    /* the filters' choices (cuisines, cities) come with the search: one read on DynamoDB */
    if (pages_search(c, 1, &in, &out, &origin, &by, &res))
        return fc_error_result(c, &res);
    for (int i = 0; i < out.n; i++) {
        char p[32];
        snprintf(p, sizeof p, "Results.%d", i);
        pages_set_restaurant(c, p, &out.rows[i]);
        if (out.sort == FC_SORT_FRIENDS && out.rows[i].friends_count) {
            char k[64];
            snprintf(k, sizeof k, "%s.FriendsRated", p);
            fc_set_int(c, k, out.rows[i].friends_count);
            snprintf(k, sizeof k, "%s.FriendsAvg", p);
            fc_setf(c, k, "%.1f", out.rows[i].friends_avg);
        }
        pages_set_distance(c, p, out.sort == FC_SORT_NEAREST ? &by : &origin, &out.rows[i]);
    }
    /* the map of the results on this page */
    pages_set_strlist(c, "Choices.Cuisines", &out.cuisines);
    pages_set_strlist(c, "Choices.Cities", &out.cities);
    if (pages_set_map(c, out.rows, out.n, 0, &origin)) {
        fc_svc_search_free(&out);
        return 500;
    }
    fc_svc_search_free(&out);
    fc_set(c, "Search.sort", out.sort_name);
    fc_set(c, "Search.near", in.near);
    fc_set(c, "Search.open", strcmp(in.open, "1") == 0 ? "1" : "");
    fc_set(c, "Search.open_at", in.open_at);
    if (out.has_near)
        fc_set(c, "Search.NearFrom", out.near_from);
    fc_set(c, "Page.Title", "Restaurants");
    fc_set(c, "Search.q", in.text);
    fc_set(c, "Search.cuisine", in.cuisine);
    fc_set(c, "Search.price", in.price);
    fc_set(c, "Search.city", in.city);
    pages_set_pager(c, "Search", out.total, out.page, out.pages, out.first, out.last);
    return fc_render(c, "restaurants.cs") ? 500 : 0;
}

int page_restaurant(struct fc_ctx *c)
{
    int64_t id;
    if (!(id = pages_arg_id(c, 0)))
        return 404;
    /* the interaction log: a logged-in view of an existing restaurant */
    return pages_restaurant_view(c, id, 1);
}

int page_restaurant_hit(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    int64_t id = pages_arg_id(c, 0);
    /* the view page_restaurant logs when it renders (fc_svc_restaurant_view's log) */
    if (id)
        fc_svc_restaurant_viewed(&sv, id);
    return 0;
}
