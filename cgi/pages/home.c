/* pages/home: the front page and the load balancers' health check. */
#include "pages/pages.h"
#include "core/util.h"
#include "svc/content.h"

#include <stdlib.h>
#include <string.h>

int page_home(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_restaurant *rows = NULL;
    struct fc_friend_rec *trend = NULL;
    const char *city = "";
    int n = 0, total = 0, mine = -1, nt = 0;

    /* the viewer's review count comes with their recommendations (one read less) */
    if (fc_svc_home(&sv, 6, &rows, &n, &total, NULL, &city, &res))
        return fc_error_result(c, &res);
    fc_set(c, "Home.City", city);
    for (int i = 0; i < n; i++) {
        char p[32];
        snprintf(p, sizeof p, "Featured.%d", i);
        pages_set_restaurant(c, p, &rows[i]);
    }
    fc_restaurants_free(rows, n);
    fc_set_int(c, "Home.RestaurantCount", total);
    if (c->logged_in) {
        if (pages_set_recommendations(c, "Recs", 10, &mine))
            return 500;
        if (mine >= 0)
            fc_set_int(c, "Home.MyReviews", mine);
        /* the session the sign-up began (the account and its first session made in the same
           request), nothing reviewed yet: a welcome, not a welcome back */
        if (mine <= 0 && llabs(c->session_created - c->user.created_at) <= 5)
            fc_set_int(c, "Home.New", 1);
        /* trending among friends: what they rated 4-5 stars in their latest such reviews, most
           friends then most recent */
        if (fc_svc_friends_recommend(&sv, FC_SVC_TRENDING_WINDOW, &trend, &nt, &res))
            return fc_error_result(c, &res);
        for (int i = 0; i < nt && i < 6; i++) {
            char p[32];
            snprintf(p, sizeof p, "Trending.%d", i);
            pages_set_friend_rec(c, p, &trend[i]);
        }
        free(trend);
    }
    return fc_render(c, "home.cs") ? 500 : 0;
}

int page_healthz(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    fc_resp_header(&c->resp, "Content-Type", "text/plain; charset=utf-8");
    if (fc_svc_health(&sv, &res)) {
        c->resp.status = 503;
        string_append(&c->resp.body, "store unavailable\n");
    } else {
        string_append(&c->resp.body, "ok\n");
    }
    return 0;
}
