/* pages/recs: recommendations turned into page data: the restaurant, and the reason in a
 * form the template words ("Rated 5 stars by Ana and 2 other friends", ...). */
#include "core/util.h"
#include "pages/pages.h"
#include "rec/rec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Puts results under prefix.N: the restaurant fields and Why.* for the reason, which names
 * only friends the viewer may name now (fc_rec_reasons_check rewrites res). The restaurants
 * (and those "because" names) are read with one store call; results whose restaurant cannot be
 * read are left out, as they were when each was read alone. */
static void set_results(struct fc_ctx *c, const char *prefix, struct rec_result *res, size_t n)
{
    struct fc_store *s = c->app->store;
    int64_t ids[2 * 50];
    int because[50], m = 0, k = 0;
    struct fc_restaurant *rs;

    if (n > 50)
        n = 50;
    fc_rec_reasons_check(s, c->logged_in ? c->user.id : 0, res, n); /* logs its failures */
    for (size_t i = 0; i < n; i++)
        ids[m++] = res[i].item;
    for (size_t i = 0; i < n; i++) {
        because[i] = -1;
        if (res[i].reason == REC_WHY_BECAUSE) {
            because[i] = m;
            ids[m++] = res[i].because_item;
        }
    }
    if (!(rs = calloc((size_t)(m ? m : 1), sizeof *rs)))
        return;
    if (s->ops->rest_get_many(s, ids, m, rs) != FC_OK) {
        fprintf(stderr, "forkcast: [%s] could not read the recommended restaurants\n",
                c->request_id);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const struct fc_restaurant *r = &rs[i];
        char p[64], key[128];
        if (!r->id)
            continue;
        snprintf(p, sizeof p, "%s.%d", prefix, k++);
        pages_set_restaurant(c, p, r);
        snprintf(key, sizeof key, "%s.Why", p);
        fc_set(c, key, fc_rec_why_name(res[i].reason));
        switch (res[i].reason) {
        case REC_WHY_FRIENDS: {
            int shown = 0;
            for (int f = 0; f < res[i].n_friends && f < 3; f++) {
                struct fc_user u;
                if (s->ops->user_get(s, res[i].friend_ids[f], &u) != FC_OK)
                    continue;
                snprintf(key, sizeof key, "%s.Friends.%d.Username", p, shown);
                fc_set(c, key, u.username);
                snprintf(key, sizeof key, "%s.Friends.%d.Name", p, shown);
                fc_set(c, key, u.display_name[0] ? u.display_name : u.username);
                shown++;
                break; /* the sentence names the best-rating friend */
            }
            snprintf(key, sizeof key, "%s.FriendCount", p);
            fc_set_int(c, key, res[i].n_friends);
            snprintf(key, sizeof key, "%s.FriendOthers", p);
            fc_set_int(c, key, res[i].n_friends - shown);
            snprintf(key, sizeof key, "%s.FriendStars", p);
            fc_set_int(c, key, (long long)(res[i].friends_avg + 0.5));
            break;
        }
        case REC_WHY_BECAUSE: {
            const struct fc_restaurant *b = &rs[because[i]];
            if (b->id) {
                snprintf(key, sizeof key, "%s.Because.Id", p);
                fc_set_int(c, key, b->id);
                snprintf(key, sizeof key, "%s.Because.Name", p);
                fc_set(c, key, b->name);
            } else {
                snprintf(key, sizeof key, "%s.Why", p);
                fc_set(c, key, "popular");
            }
            break;
        }
        case REC_WHY_POPULAR_CITY:
            snprintf(key, sizeof key, "%s.WhyCity", p);
            fc_set(c, key, res[i].city);
            break;
        case REC_WHY_CUISINE:
            snprintf(key, sizeof key, "%s.WhyCuisine", p);
            fc_set(c, key, res[i].cuisine);
            break;
        default:
            break;
        }
    }
out:
    free(rs);
}

int pages_set_recommendations(struct fc_ctx *c, const char *prefix, size_t n)
{
    struct rec_result res[50];
    size_t got = 0;
    if (n > 50)
        n = 50; /* fallbacks count in this app's metrics */
    if (fc_rec_for_user(c->app->rec, &c->user, n, res, &got))
        return FC_ERR;
    set_results(c, prefix, res, got);
    return FC_OK;
}

int pages_set_similar(struct fc_ctx *c, const char *prefix, int64_t item, size_t n)
{
    struct rec_result res[20];
    size_t got = 0;
    int rc;
    if (n > 20)
        n = 20;
    rc = fc_rec_similar(c->app->rec, item, n, res, &got);
    if (rc == FC_NOTFOUND)
        return FC_OK;
    if (rc)
        return FC_ERR;
    set_results(c, prefix, res, got);
    return FC_OK;
}
