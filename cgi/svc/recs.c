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

/* Fills out[0..) from the recommender's res[0..n): the reasons checked for the actor now
 * (fc_rec_reasons_check), the restaurants (and the "because" ones) read with one store call;
 * results whose restaurant cannot be read are left out. */
static int fill(const struct fc_svc *sv, struct rec_result *res, size_t n, struct fc_svc_rec *out,
                size_t *got, struct fc_svc_result *res_out)
{
    struct fc_store *s = sv->app->store;
    int64_t ids[2 * FC_SVC_RECS_MAX];
    int because[FC_SVC_RECS_MAX], m = 0;
    struct fc_restaurant *rs;

    *got = 0;
    if (n > FC_SVC_RECS_MAX)
        n = FC_SVC_RECS_MAX;
    fc_rec_reasons_check(s, fc_svc_actor_id(sv), res, n); /* logs its failures */
    for (size_t i = 0; i < n; i++)
        ids[m++] = res[i].item;
    for (size_t i = 0; i < n; i++) {
        because[i] = -1;
        if (res[i].reason == REC_WHY_BECAUSE) {
            because[i] = m;
            ids[m++] = res[i].because_item;
        }
    }
    if (!(rs = malloc((size_t)(m ? m : 1) * sizeof *rs))) /* rest_get_many sets each one */
        return fc_svc_fail_store(sv, res_out, "recommended restaurants (no memory)");
    if (m && s->ops->rest_get_many(s, ids, m, rs) != FC_OK) {
        free(rs);
        return fc_svc_fail_store(sv, res_out, "recommended restaurants");
    }
    for (size_t i = 0; i < n; i++) {
        struct fc_svc_rec *o = &out[*got];
        if (!rs[i].id)
            continue; /* deleted since the model was built */
        memset(o, 0, sizeof *o);
        o->why = res[i];
        o->rest = rs[i];
        if (res[i].reason == REC_WHY_BECAUSE) {
            const struct fc_restaurant *b = &rs[because[i]];
            if (b->id) {
                o->because_id = b->id;
                fc_strlcpy(o->because_name, b->name, sizeof o->because_name);
            } else {
                o->why.reason = REC_WHY_POPULAR;
            }
        }
        if (res[i].reason == REC_WHY_FRIENDS) {
            for (int f = 0; f < res[i].n_friends && f < 3; f++) {
                struct fc_user u;
                if (s->ops->user_get(s, res[i].friend_ids[f], &u) != FC_OK || u.disabled)
                    continue;
                fc_strlcpy(o->names[o->n_names].username, u.username, sizeof o->names[0].username);
                fc_strlcpy(o->names[o->n_names].display_name, u.display_name,
                           sizeof o->names[0].display_name);
                o->n_names++;
            }
        }
        (*got)++;
    }
    free(rs);
    return FC_OK;
}

int fc_svc_recs_for_user(const struct fc_svc *sv, size_t n, struct fc_svc_rec *out, size_t *got,
                         struct fc_svc_result *res)
{
    struct rec_result r[FC_SVC_RECS_MAX];
    size_t k = 0;
    fc_svc_ok(res, 200);
    *got = 0;
    if (!sv->actor)
        return fc_svc_fail(res, 401, NULL, NULL, "Log in for recommendations.");
    if (n > FC_SVC_RECS_MAX)
        n = FC_SVC_RECS_MAX;
    if (fc_rec_for_user(sv->app->rec, sv->actor, n, r, &k))
        return fc_svc_fail_store(sv, res, "recommendations");
    return fill(sv, r, k, out, got, res);
}

int fc_svc_recs_similar(const struct fc_svc *sv, int64_t item, size_t n, struct fc_svc_rec *out,
                        size_t *got, struct fc_svc_result *res)
{
    struct rec_result r[FC_SVC_RECS_MAX];
    size_t k = 0;
    int rc;
    fc_svc_ok(res, 200);
    *got = 0;
    if (n > FC_SVC_RECS_MAX)
        n = FC_SVC_RECS_MAX;
    rc = fc_rec_similar(sv->app->rec, item, n, r, &k);
    if (rc == FC_NOTFOUND)
        return FC_OK;
    if (rc)
        return fc_svc_fail_store(sv, res, "similar");
    return fill(sv, r, k, out, got, res);
}
