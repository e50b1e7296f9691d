/* store/dynamodb_userreviews: the profile page's reviews and their count, the author and the
 * relation already read and checked by the caller: one lsi1 Query (and the restaurants'
 * BatchGetItem); the count is that Query's when it read every review (docs/dynamodb.md). */
#include "core/util.h"
#include "store/dynamodb.h"

int dynamo_reviews_by_user_seen(struct fc_store *s, const struct fc_user *author, int64_t viewer,
                                int is_friend, struct fc_review_row *out, int max, int *n,
                                int *total)
{
    struct fc_dynamo *d = (struct fc_dynamo *)s;
    int all = 0, rc;

    (void)viewer; /* the caller checked what viewer may see */
    *n = 0;
    *total = 0;
    if ((rc = dynamo_author_reviews(d, author->id, is_friend, out, max, n, &all)))
        return rc;
    for (int i = 0; i < *n; i++) {
        fc_strlcpy(out[i].username, author->username, sizeof out[i].username);
        fc_strlcpy(out[i].display_name, author->display_name, sizeof out[i].display_name);
    }
    /* every review was read: they are the count (lsi1 holds each review, read consistently
     * like the count's Query of R#); else one COUNT Query */
    if (all) {
        *total = *n;
        return FC_OK;
    }
    if ((rc = dynamo_review_count_user(s, author->id, total))) {
        fc_review_rows_clear(out, *n);
        *n = 0;
    }
    return rc;
}
