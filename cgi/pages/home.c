/* pages/home: the front page and the load balancers' health check. */
#include "pages/pages.h"
#include "core/util.h"

#include <string.h>

int page_home(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    struct fc_rest_query q = {.text = "", .cuisine = "", .price = "", .city = "", .limit = 6};
    struct fc_restaurant *rows = NULL;
    int n = 0, total = 0, rc;

    fc_set(c, "Page.Title", "forkcast");
    rc = s->ops->rest_search(s, &q, &rows, &n, &total);
    if (rc)
        return 500;
    for (int i = 0; i < n; i++) {
        char p[32];
        snprintf(p, sizeof p, "Featured.%d", i);
        pages_set_restaurant(c, p, &rows[i]);
    }
    free(rows);
    fc_set_int(c, "Home.RestaurantCount", total);
    if (c->logged_in) {
        int count = 0;
        if (s->ops->review_count_user(s, c->user.id, &count) == FC_OK)
            fc_set_int(c, "Home.MyReviews", count);
        if (pages_set_recommendations(c, "Recs", 10))
            return 500;
    }
    return fc_render(c, "home.cs") ? 500 : 0;
}

int page_healthz(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    struct fc_user u;
    int rc = s->ops->user_get(s, 0, &u);
    fc_resp_header(&c->resp, "Content-Type", "text/plain; charset=utf-8");
    if (rc == FC_ERR) {
        c->resp.status = 503;
        string_append(&c->resp.body, "store unavailable\n");
    } else {
        string_append(&c->resp.body, "ok\n");
    }
    return 0;
}
