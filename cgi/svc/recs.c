/* svc/recs: recommendations with what their reasons need (the restaurants, the "because" one,
 * the friends who may be named now), for the home page, the restaurant page's "More like
 * this" and the API (svc/content.h). */
#include "core/app.h"
#include "core/util.h"
#include "rec/rec.h"
#include "svc/content.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most ratings read to check recommendations against (one query): a user with more has
 * the older ones left out by the model already. */
#define RATINGS_MAX 2000

/* The actor as they are now (their ratings: one store read; their favourite cuisines) into
 * now; *rated malloc'd. Anonymous: nothing rated, no favourites. FC_OK or FC_ERR. */
static int now_of(const struct fc_svc *sv, struct fc_rec_now *now, struct fc_rating **rated)
{
    struct fc_store *s = sv->app->store;
    int n = 0;
    memset(now, 0, sizeof *now);
    now->favourites = sv->actor && sv->actor->cuisines ? sv->actor->cuisines : "";
    *rated = NULL;
    if (!sv->actor)
        return FC_OK;
    if (!(*rated = calloc(RATINGS_MAX, sizeof **rated)))
        return FC_ERR;
    if (s->ops->ratings_of_user(s, sv->actor->id, *rated, RATINGS_MAX, &n)) {
        free(*rated);
        *rated = NULL;
        return FC_ERR;
    }
    now->rated = *rated;
    now->n_rated = (size_t)n;
    return FC_OK;
}

/* Fills out[0..) from the recommender's res[0..n): the places rated now left out, each reason
 * made true now (fc_rec_reason_true: the user's ratings and favourite cuisines) and checked for
 * the friends it names (fc_rec_reasons_check_seen: one store read, whose users give the names
 * too), the reasons varied (fc_rec_reasons_vary), the
 * restaurants (and the liked ones reasons may name) read with one store call; results whose
 * restaurant cannot be read are left out. */
static int fill(const struct fc_svc *sv, const struct fc_rec_now *now, struct rec_result *res,
                size_t n, size_t want, struct fc_svc_rec *out, size_t *got,
                struct fc_svc_result *res_out)
{
    struct fc_store *s = sv->app->store;
    int64_t ids[2 * FC_SVC_RECS_MAX];
    int because[FC_SVC_RECS_MAX], m = 0;
    struct fc_restaurant *rs;
    struct fc_user_seen *seen = NULL;
    size_t nseen = 0;

    *got = 0;
    n = fc_rec_leave_out_rated(res, n, now);
    if (n > want)
        n = want;
    if (n > FC_SVC_RECS_MAX)
        n = FC_SVC_RECS_MAX;
    for (size_t i = 0; i < n; i++)
        ids[m++] = res[i].item;
    if (!(rs = calloc(n ? 2 * n : 1, sizeof *rs)))
        return fc_svc_fail_store(sv, res_out, "recommended restaurants (no memory)");
    if (m && s->ops->rest_get_many(s, ids, m, rs) != FC_OK) {
        free(rs);
        return fc_svc_fail_store(sv, res_out, "recommended restaurants");
    }
    for (size_t i = 0; i < n; i++)
        fc_rec_reason_true(&res[i], rs[i].id ? rs[i].cuisines : NULL, now);
    /* the friends the reasons name, read once (one store call) for the check and the names */
    fc_rec_reasons_check_seen(s, fc_svc_actor_id(sv), res, n, &seen, &nseen); /* logs failures */
    fc_rec_reasons_vary(res, n, now);
    /* the liked places the reasons name, read with one more call */
    m = 0;
    for (size_t i = 0; i < n; i++) {
        because[i] = -1;
        if (res[i].reason == REC_WHY_BECAUSE) {
            because[i] = m;
            ids[m++] = res[i].because_item;
        }
    }
    if (m && s->ops->rest_get_many(s, ids, m, rs + n) != FC_OK) {
        fc_restaurants_free(rs, (int)n);
        free(seen);
        return fc_svc_fail_store(sv, res_out, "recommended restaurants");
    }
    for (size_t i = 0; i < n; i++) {
        struct fc_svc_rec *o = &out[*got];
        if (!rs[i].id)
            continue; /* deleted since the model was built */
        memset(o, 0, sizeof *o);
        o->why = res[i];
        o->rest = rs[i]; /* its text moves to out */
        memset(&rs[i], 0, sizeof rs[i]);
        if (res[i].reason == REC_WHY_BECAUSE) {
            const struct fc_restaurant *b = &rs[n + (size_t)because[i]];
            if (b->id) {
                o->because_id = b->id;
                fc_strlcpy(o->because_name, b->name, sizeof o->because_name);
            } else {
                o->why.reason = o->why.cuisine[0] ? REC_WHY_CUISINE : REC_WHY_POPULAR;
            }
        }
        if (res[i].reason == REC_WHY_FRIENDS) {
            for (int f = 0; f < res[i].n_friends && f < 3; f++) {
                const struct fc_user_seen *u = fc_rec_seen_find(seen, nseen, res[i].friend_ids[f]);
                if (!u || !u->exists || u->disabled)
                    continue;
                fc_strlcpy(o->names[o->n_names].username, u->username, sizeof o->names[0].username);
                fc_strlcpy(o->names[o->n_names].display_name, u->display_name,
                           sizeof o->names[0].display_name);
                o->n_names++;
            }
        }
        (*got)++;
    }
    fc_restaurants_free(rs, (int)(n + (size_t)m));
    free(seen);
    return FC_OK;
}

void fc_svc_recs_clear(struct fc_svc_rec *out, size_t n)
{
    for (size_t i = 0; out && i < n; i++)
        fc_restaurant_clear(&out[i].rest);
}

int fc_svc_recs_for_user(const struct fc_svc *sv, size_t n, struct fc_svc_rec *out, size_t *got,
                         struct fc_svc_result *res)
{
    return fc_svc_recs_for_user_counted(sv, n, out, got, NULL, res);
}

int fc_svc_recs_for_user_counted(const struct fc_svc *sv, size_t n, struct fc_svc_rec *out,
                                 size_t *got, int *reviews, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct rec_result r[FC_SVC_RECS_MAX];
    struct fc_rec_now now;
    struct fc_rating *rated = NULL;
    size_t k = 0;
    int rc;
    fc_svc_ok(res, 200);
    *got = 0;
    if (reviews)
        *reviews = -1;
    if (!sv->actor)
        return fc_svc_fail(res, 401, NULL, NULL, "Log in for recommendations.");
    if (n > FC_SVC_RECS_MAX)
        n = FC_SVC_RECS_MAX;
    if (now_of(sv, &now, &rated))
        return fc_svc_fail_store(sv, res, "recommendations (your ratings)");
    /* the ratings are the actor's reviews: all of them unless the read stopped at its most */
    if (reviews && (now.n_rated < RATINGS_MAX ||
                    s->ops->review_count_user(s, sv->actor->id, reviews) != FC_OK))
        *reviews = now.n_rated < RATINGS_MAX ? (int)now.n_rated : -1;
    if (fc_rec_for_user(sv->app->rec, sv->actor, &now, n, r, &k))
        rc = fc_svc_fail_store(sv, res, "recommendations");
    else
        rc = fill(sv, &now, r, k, n, out, got, res);
    free(rated);
    return rc;
}

int fc_svc_recs_similar(const struct fc_svc *sv, int64_t item, size_t n, struct fc_svc_rec *out,
                        size_t *got, struct fc_svc_result *res)
{
    struct rec_result r[FC_SVC_RECS_MAX + FC_REC_ASK_MORE];
    struct fc_rec_now now;
    struct fc_rating *rated = NULL;
    size_t k = 0;
    int rc;
    fc_svc_ok(res, 200);
    *got = 0;
    if (n > FC_SVC_RECS_MAX)
        n = FC_SVC_RECS_MAX;
    if (now_of(sv, &now, &rated))
        return fc_svc_fail_store(sv, res, "similar (your ratings)");
    rc = fc_rec_similar(sv->app->rec, item, n + FC_REC_ASK_MORE, r, &k);
    if (rc == FC_NOTFOUND)
        rc = FC_OK;
    else if (rc)
        rc = fc_svc_fail_store(sv, res, "similar");
    else {
        /* the engine's cuisine here is the one the place shares with item: "You like X" is
         * told only of the profile's favourites (fc_rec_reason_true finds them) */
        for (size_t i = 0; i < k; i++)
            if (!fc_rec_is_favourite(&now, r[i].cuisine)) {
                r[i].cuisine[0] = 0;
                if (r[i].reason == REC_WHY_CUISINE)
                    r[i].reason = r[i].city[0] ? REC_WHY_POPULAR_CITY : REC_WHY_POPULAR;
            }
        rc = fill(sv, &now, r, k, n, out, got, res);
    }
    free(rated);
    return rc;
}
