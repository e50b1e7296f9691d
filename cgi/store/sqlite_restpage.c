/* store/sqlite_restpage: the restaurant page's reads with the existing queries (cheap on
 * SQLite; DynamoDB shares their reads: store/dynamodb_restpage.c). */
#include "core/util.h"
#include "store/store.h"

#include <string.h>

int fc_sqlite_rest_page_get(struct fc_store *s, int64_t rid, int64_t viewer, int offset,
                            struct fc_rest_page *out, struct fc_review_row *rows, int max, int *n)
{
    int rc;
    memset(out, 0, sizeof *out);
    *n = 0;
    if ((rc = s->ops->rest_view_get(s, rid, viewer, &out->rest, &out->saved, &out->mine,
                                    &out->friends_count, &out->friends_avg)))
        return rc;
    if ((rc = s->ops->reviews_of_restaurant_from(s, rid, viewer, offset, rows, max, n)) == FC_OK &&
        (rc = s->ops->rest_star_counts(s, rid, out->stars))) {
        fc_review_rows_clear(rows, *n);
        *n = 0;
    }
    if (rc) { /* nothing to free on failure */
        fc_rest_page_clear(out);
        memset(out, 0, sizeof *out);
    }
    return rc;
}
