/* store/sqlite_restview: the restaurant page's reads for a logged-in viewer, with the existing
 * queries (cheap on SQLite; DynamoDB reads them in one call: store/dynamodb_restview.c). */
#include "core/util.h"
#include "store/store.h"

#include <string.h>

int fc_sqlite_rest_view_get(struct fc_store *s, int64_t rid, int64_t viewer,
                            struct fc_restaurant *rest, int *saved, struct fc_review *mine,
                            int *friends_count, double *friends_avg)
{
    int rc;

    memset(mine, 0, sizeof *mine);
    *saved = *friends_count = 0;
    *friends_avg = 0;
    if ((rc = s->ops->rest_get(s, rid, rest)) || !viewer)
        return rc;
    if (s->ops->friends_rating(s, viewer, rid, friends_count, friends_avg) ||
        s->ops->save_exists(s, viewer, rid, saved)) {
        fc_restaurant_clear(rest);
        return FC_ERR;
    }
    rc = s->ops->review_get_by(s, viewer, rid, mine);
    if (rc == FC_NOTFOUND) {
        memset(mine, 0, sizeof *mine);
        return FC_OK;
    }
    if (rc != FC_OK)
        fc_restaurant_clear(rest);
    return rc == FC_OK ? FC_OK : FC_ERR;
}
