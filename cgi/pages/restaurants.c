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
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_search_in in = {
        .text = fc_query(c, "q"),
        .cuisine = fc_query(c, "cuisine"),
        .price = fc_query(c, "price"),
        .city = fc_query(c, "city"),
        .page = fc_query(c, "page"),
        .sort = fc_query(c, "sort"),
        .near = fc_query(c, "near"),
        .open = fc_query(c, "open"),
        .open_at = fc_query(c, "open_at"),
    };
    struct fc_svc_search_out out;
    struct fc_svc_origin origin;
    HDF *cuis = NULL, *cities = NULL;
    NEOERR *err;

    /* the filters' choices (cuisines, cities) come with the search: one read on DynamoDB */
    err = hdf_get_node(c->hdf, "Choices.Cuisines", &cuis);
    if (!err)
        err = hdf_get_node(c->hdf, "Choices.Cities", &cities);
    if (err) {
        nerr_ignore(&err);
        return 500;
    }
    in.facet_cuisines = cuis;
    in.facet_cities = cities;
    if (fc_svc_origin(&sv, fc_query(c, "near"), &origin, &res))
        return fc_error_result(c, &res);
    if (fc_svc_restaurant_search(&sv, &in, &out, &res))
        return fc_error_result(c, &res);
    /* sorted by distance: the distances from the sort's point, as the API gives them */
    struct fc_svc_origin by = {.set = out.has_near, .lat = out.near_lat, .lon = out.near_lon};
    by.chosen = out.has_near && out.near_from && strcmp(out.near_from, "point") == 0;
    if (out.has_near && out.near_from && !by.chosen)
        fc_strlcpy(by.city, out.near_from, sizeof by.city);
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
    fc_set_int(c, "Search.Total", out.total);
    fc_set_int(c, "Search.Page", out.page);
    fc_set_int(c, "Search.Pages", out.pages);
    fc_set_int(c, "Search.First", out.first);
    fc_set_int(c, "Search.Last", out.last);
    if (out.page > 1)
        fc_set_int(c, "Search.Prev", out.page - 1);
    if (out.page < out.pages)
        fc_set_int(c, "Search.Next", out.page + 1);
    return fc_render(c, "restaurants.cs") ? 500 : 0;
}

int page_restaurant(struct fc_ctx *c)
{
    long id;
    if (fc_parse_int(c->args[0], 1, 0x7fffffffL, &id))
        return 404;
    /* the interaction log: a logged-in view of an existing restaurant */
    return pages_restaurant_view(c, id, 1);
}
