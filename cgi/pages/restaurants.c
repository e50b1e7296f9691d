/* pages/restaurants: the searchable list and a restaurant's page. */
#include "core/util.h"
#include "pages/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PER_PAGE 20

int page_restaurants(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    struct fc_restaurant *rows = NULL;
    struct fc_rest_query q = {
        .text = fc_query(c, "q"),
        .cuisine = fc_query(c, "cuisine"),
        .price = fc_query(c, "price"),
        .city = fc_query(c, "city"),
        .limit = PER_PAGE,
    };
    long page = 1;
    int n = 0, total = 0, pages;
    HDF *cuis = NULL, *cities = NULL;
    NEOERR *err;

    if (*fc_query(c, "page") && fc_parse_int(fc_query(c, "page"), 1, 100000, &page)) {
        fc_set(c, "Error.Message", "The page number must be a whole number from 1.");
        return 400;
    }
    if (strlen(q.text) > 100) {
        fc_set(c, "Error.Message", "Search text is too long (at most 100 characters).");
        return 400;
    }
    q.offset = (int)(page - 1) * PER_PAGE;
    if (s->ops->rest_search(s, &q, &rows, &n, &total))
        return 500;
    for (int i = 0; i < n; i++) {
        char p[32];
        snprintf(p, sizeof p, "Results.%d", i);
        pages_set_restaurant(c, p, &rows[i]);
    }
    free(rows);
    pages = (total + PER_PAGE - 1) / PER_PAGE;
    fc_set(c, "Page.Title", "Restaurants");
    fc_set(c, "Search.q", q.text);
    fc_set(c, "Search.cuisine", q.cuisine);
    fc_set(c, "Search.price", q.price);
    fc_set(c, "Search.city", q.city);
    fc_set_int(c, "Search.Total", total);
    fc_set_int(c, "Search.Page", page);
    fc_set_int(c, "Search.Pages", pages);
    fc_set_int(c, "Search.First", total ? q.offset + 1 : 0);
    fc_set_int(c, "Search.Last", q.offset + n);
    if (page > 1)
        fc_set_int(c, "Search.Prev", page - 1);
    if (page < pages)
        fc_set_int(c, "Search.Next", page + 1);
    err = hdf_get_node(c->hdf, "Choices.Cuisines", &cuis);
    if (!err)
        err = hdf_get_node(c->hdf, "Choices.Cities", &cities);
    if (err) {
        nerr_ignore(&err);
        return 500;
    }
    if (s->ops->rest_facets(s, cuis, cities))
        return 500;
    return fc_render(c, "restaurants.cs") ? 500 : 0;
}

int page_restaurant(struct fc_ctx *c)
{
    long id;
    int status;
    if (fc_parse_int(c->args[0], 1, 0x7fffffffL, &id))
        return 404;
    status = pages_restaurant_view(c, id, NULL);
    /* the interaction log: a logged-in view of an existing restaurant */
    if (status == 0 && c->logged_in)
        pages_log_view(c, id);
    return status;
}
