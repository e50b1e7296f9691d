/* rec/reasons: a recommendation's reason as the viewer may read it now. A model names the
 * friends who rated a place as they were when it was built, up to Rec.RefreshSeconds ago;
 * before the home page or the API shows a reason, what each named friend is to the viewer now
 * is read from the store and the reason rewritten when one of them may no longer be named. */
#include "core/util.h"
#include "rec/rec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int may_name(const struct fc_rec_named *f)
{
    return f->exists && !f->disabled && (f->rel & FC_REL_FRIEND) &&
           !(f->rel & (FC_REL_BLOCKED | FC_REL_BLOCKED_BY));
}

int fc_rec_reason_now(struct rec_result *r, const struct fc_rec_named *named)
{
    int k = r->n_friends < 3 ? r->n_friends : 3, ok = named && k > 0;
    for (int i = 0; ok && i < k; i++)
        ok = may_name(&named[i]);
    if (ok || (r->n_friends == 0 && r->reason != REC_WHY_FRIENDS))
        return 0;
    /* the count and the average include that friend's rating: the friends part goes */
    memset(r->friend_ids, 0, sizeof r->friend_ids);
    r->n_friends = 0;
    r->friends_avg = 0;
    if (r->reason == REC_WHY_FRIENDS)
        r->reason = r->because_item ? REC_WHY_BECAUSE
                    : r->cuisine[0] ? REC_WHY_CUISINE
                                    : REC_WHY_POPULAR;
    return 1;
}

size_t fc_rec_named_ids(const struct rec_result *res, size_t n, int64_t *ids, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int m = res[i].n_friends < 3 ? res[i].n_friends : 3;
        if (res[i].reason != REC_WHY_FRIENDS)
            continue;
        for (int f = 0; f < m; f++) {
            size_t j = 0;
            while (j < k && ids[j] != res[i].friend_ids[f])
                j++;
            if (j == k && k < max)
                ids[k++] = res[i].friend_ids[f];
        }
    }
    return k;
}

const struct fc_user_seen *fc_rec_seen_find(const struct fc_user_seen *seen, size_t nseen,
                                            int64_t id)
{
    for (size_t i = 0; seen && i < nseen; i++)
        if (seen[i].id == id)
            return &seen[i];
    return NULL;
}

void fc_rec_reasons_known(struct rec_result *res, size_t n, const struct fc_user_seen *seen,
                          size_t nseen)
{
    for (size_t i = 0; i < n; i++) {
        struct fc_rec_named named[3];
        int k = res[i].n_friends < 3 ? res[i].n_friends : 3, known = 1;
        if (res[i].reason != REC_WHY_FRIENDS) {
            fc_rec_reason_now(&res[i], NULL); /* names nobody: unread friend details go */
            continue;
        }
        for (int f = 0; f < k && known; f++) {
            const struct fc_user_seen *u = fc_rec_seen_find(seen, nseen, res[i].friend_ids[f]);
            if (!u) {
                known = 0;
                break;
            }
            named[f].exists = u->exists;
            named[f].disabled = u->disabled;
            named[f].rel = u->rel;
        }
        fc_rec_reason_now(&res[i], known ? named : NULL);
    }
}

int fc_rec_reasons_check_seen(struct fc_store *s, int64_t viewer, struct rec_result *res, size_t n,
                              struct fc_user_seen **seen, size_t *nseen)
{
    int64_t *ids = NULL;
    size_t k = 0;
    int rc = FC_OK;

    *seen = NULL;
    *nseen = 0;
    /* each friend is read once however many reasons name them, all with one store read */
    if (n && (ids = calloc(3 * n, sizeof *ids)))
        k = fc_rec_named_ids(res, n, ids, 3 * n);
    if (n && !ids)
        rc = FC_ERR;
    if (k && (!(*seen = calloc(k, sizeof **seen)) ||
              s->ops->users_seen(s, viewer, ids, (int)k, *seen) != FC_OK)) {
        free(*seen);
        *seen = NULL;
        rc = FC_ERR;
    }
    if (rc)
        fprintf(stderr,
                "forkcast: recommender: could not read the %zu friends the reasons name: "
                "the reasons name no friend\n",
                k);
    else
        *nseen = k;
    fc_rec_reasons_known(res, n, *seen, *nseen);
    free(ids);
    return rc;
}

int fc_rec_reasons_check(struct fc_store *s, int64_t viewer, struct rec_result *res, size_t n)
{
    struct fc_user_seen *seen;
    size_t nseen;
    int rc = fc_rec_reasons_check_seen(s, viewer, res, n, &seen, &nseen);
    free(seen);
    return rc;
}
