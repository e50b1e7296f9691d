/* rec/reasons: a recommendation's reason as the viewer may read it now. A model names the
 * friends who rated a place as they were when it was built, up to Rec.RefreshSeconds ago;
 * before the home page or the API shows a reason, what each named friend is to the viewer now
 * is read from the store and the reason rewritten when one of them may no longer be named. */
#include "core/util.h"
#include "rec/rec.h"

#include <inttypes.h>
#include <stdio.h>
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

/* What friend id is to viewer now; FC_OK or FC_ERR. */
static int named_now(struct fc_store *s, int64_t viewer, int64_t id, struct fc_rec_named *f)
{
    struct fc_user u;
    int rc = s->ops->user_get(s, id, &u);
    fc_user_clear(&u); /* whether they are there is what counts */
    memset(f, 0, sizeof *f);
    if (rc == FC_NOTFOUND)
        return FC_OK;
    if (rc || s->ops->relation(s, viewer, id, &f->rel))
        return FC_ERR;
    f->exists = 1;
    f->disabled = u.disabled;
    return FC_OK;
}

int fc_rec_reasons_check(struct fc_store *s, int64_t viewer, struct rec_result *res, size_t n)
{
    /* each friend is read once however many reasons name them */
    int64_t seen_id[3 * 50];
    struct fc_rec_named seen[3 * 50];
    size_t nseen = 0;
    int rc = FC_OK;

    for (size_t i = 0; i < n; i++) {
        struct fc_rec_named named[3];
        int k = res[i].n_friends < 3 ? res[i].n_friends : 3, known = 1;
        if (res[i].reason != REC_WHY_FRIENDS) {
            fc_rec_reason_now(&res[i], NULL); /* names nobody: unread friend details go */
            continue;
        }
        for (int f = 0; f < k; f++) {
            size_t j = 0;
            while (j < nseen && seen_id[j] != res[i].friend_ids[f])
                j++;
            if (j == nseen) {
                if (nseen == FC_ARRAY_LEN(seen) ||
                    named_now(s, viewer, res[i].friend_ids[f], &seen[j])) {
                    fprintf(stderr,
                            "forkcast: recommender: could not read user %" PRId64
                            ": the reason names no friend\n",
                            res[i].friend_ids[f]);
                    rc = FC_ERR;
                    known = 0;
                    break;
                }
                seen_id[nseen++] = res[i].friend_ids[f];
            }
            named[f] = seen[j];
        }
        fc_rec_reason_now(&res[i], known ? named : NULL);
    }
    return rc;
}
