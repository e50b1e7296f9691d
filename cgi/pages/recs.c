/* pages/recs: recommendations turned into page data: the restaurant, and the reason in a
 * form the template words ("Rated 5 stars by Ana and 2 other friends", ...). */
#include "core/util.h"
#include "pages/pages.h"
#include "rec/rec.h"
#include "svc/content.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Puts recommendations under prefix.N: the restaurant fields and Why.* for the reason, in a
 * form the template words; the sentence names the best-rating friend the viewer may name. */
static void set_results(struct fc_ctx *c, const char *prefix, const struct fc_svc_rec *recs,
                        size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct fc_svc_rec *r = &recs[i];
        char p[64], key[128];
        snprintf(p, sizeof p, "%s.%zu", prefix, i);
        pages_set_restaurant(c, p, &r->rest);
        snprintf(key, sizeof key, "%s.Why", p);
        fc_set(c, key, fc_rec_why_name(r->why.reason));
        switch (r->why.reason) {
        case REC_WHY_FRIENDS: {
            int shown = r->n_names > 0;
            if (shown) {
                snprintf(key, sizeof key, "%s.Friends.0.Username", p);
                fc_set(c, key, r->names[0].username);
                snprintf(key, sizeof key, "%s.Friends.0.Name", p);
                fc_set(c, key,
                       r->names[0].display_name[0] ? r->names[0].display_name
                                                   : r->names[0].username);
            }
            snprintf(key, sizeof key, "%s.FriendCount", p);
            fc_set_int(c, key, r->why.n_friends);
            snprintf(key, sizeof key, "%s.FriendOthers", p);
            fc_set_int(c, key, r->why.n_friends - shown);
            snprintf(key, sizeof key, "%s.FriendStars", p);
            fc_set_int(c, key, (long long)(r->why.friends_avg + 0.5));
            break;
        }
        case REC_WHY_BECAUSE:
            snprintf(key, sizeof key, "%s.Because.Id", p);
            fc_set_int(c, key, r->because_id);
            snprintf(key, sizeof key, "%s.Because.Name", p);
            fc_set(c, key, r->because_name);
            break;
        case REC_WHY_POPULAR_CITY:
            snprintf(key, sizeof key, "%s.WhyCity", p);
            fc_set(c, key, r->why.city);
            break;
        case REC_WHY_CUISINE:
            snprintf(key, sizeof key, "%s.WhyCuisine", p);
            fc_set(c, key, r->why.cuisine);
            break;
        default:
            break;
        }
    }
}

/* Room for the n picks the service fills (it fills each one it gives, so no zeroing): a
 * recommendation holds a restaurant record (3 kB); FC_SVC_RECS_MAX of them were 225 kB. */
static struct fc_svc_rec *rec_array(size_t n)
{
    if (n > FC_SVC_RECS_MAX)
        n = FC_SVC_RECS_MAX;
    return malloc((n ? n : 1) * sizeof(struct fc_svc_rec));
}

/* The viewer's recommendations (item 0) or those like item under prefix.N; *reviews (when not
 * NULL, item 0) the viewer's review count (fc_svc_recs_for_user_counted). */
static int set_recs(struct fc_ctx *c, const char *prefix, int64_t item, size_t n, int *reviews)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_rec *recs = rec_array(n);
    size_t got = 0;
    int rc;
    if (!recs)
        return FC_ERR;
    rc = item ? fc_svc_recs_similar(&sv, item, n, recs, &got, &res)
              : fc_svc_recs_for_user_counted(&sv, n, recs, &got, reviews, &res);
    if (rc == FC_OK)
        set_results(c, prefix, recs, got);
    fc_svc_recs_clear(recs, got);
    free(recs);
    return rc ? FC_ERR : FC_OK;
}

int pages_set_recommendations(struct fc_ctx *c, const char *prefix, size_t n, int *reviews)
{
    return set_recs(c, prefix, 0, n, reviews);
}

int pages_set_similar(struct fc_ctx *c, const char *prefix, int64_t item, size_t n)
{
    return set_recs(c, prefix, item, n, NULL);
}
