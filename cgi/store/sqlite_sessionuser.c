/* store/sqlite_sessionuser: a session and its user for every request, with the existing
 * queries (two cheap reads on SQLite; DynamoDB reads both in one call). */
#include "core/util.h"
#include "store/store.h"

#include <string.h>

int fc_sqlite_session_user_get(struct fc_store *s, const char *hash, int64_t user_id,
                               int64_t *created, int64_t *last_seen, struct fc_user *u)
{
    int64_t owner = 0;
    int rc;

    memset(u, 0, sizeof *u);
    rc = s->ops->session_get(s, hash, &owner, created, last_seen);
    if (rc != FC_OK)
        return rc;
    if (owner != user_id)
        return FC_NOTFOUND;
    rc = s->ops->user_get(s, user_id, u);
    if (rc == FC_NOTFOUND)
        memset(u, 0, sizeof *u);
    return rc == FC_ERR ? FC_ERR : FC_OK;
}
