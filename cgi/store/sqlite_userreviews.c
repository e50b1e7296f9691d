/* store/sqlite_userreviews: the profile page's reviews and their count with the existing
 * queries (cheap on SQLite; DynamoDB saves the author's and the relation's reads and the count's
 * Query: store/dynamodb_userreviews.c). */
#include "core/util.h"
#include "store/store.h"

int fc_sqlite_reviews_by_user_seen(struct fc_store *s, const struct fc_user *author, int64_t viewer,
                                   int is_friend, struct fc_review_row *out, int max, int *n,
                                   int *total)
{
    int rc;
    (void)is_friend; /* the query knows */
    *n = 0;
    *total = 0;
    if ((rc = s->ops->reviews_by_user(s, author->id, viewer, out, max, n)))
        return rc;
    if ((rc = s->ops->review_count_user(s, author->id, total))) {
        fc_review_rows_clear(out, *n);
        *n = 0;
    }
    return rc;
}
