/* store/sqlite_usersseen: users as a viewer sees them now, with the existing queries, one user
 * at a time (cheap on SQLite; DynamoDB reads them in one call: store/dynamodb_usersseen.c). */
#include "core/util.h"
#include "store/store.h"

#include <string.h>

int fc_sqlite_users_seen(struct fc_store *s, int64_t viewer, const int64_t *ids, int n,
                         struct fc_user_seen *out)
{
    int rc = FC_OK;
    if (n > 0)
        memset(out, 0, (size_t)n * sizeof *out);
    for (int i = 0; i < n && rc == FC_OK; i++) {
        struct fc_user u;
        out[i].id = ids[i];
        rc = s->ops->user_get(s, ids[i], &u);
        if (rc == FC_NOTFOUND) {
            rc = FC_OK;
            continue;
        }
        if (rc == FC_OK && viewer)
            rc = s->ops->relation(s, viewer, ids[i], &out[i].rel);
        if (rc == FC_OK) {
            out[i].exists = 1;
            out[i].disabled = u.disabled;
            fc_strlcpy(out[i].username, u.username, sizeof out[i].username);
            fc_strlcpy(out[i].display_name, u.display_name, sizeof out[i].display_name);
        }
        fc_user_clear(&u);
    }
    if (rc != FC_OK) {
        if (n > 0)
            memset(out, 0, (size_t)n * sizeof *out);
        return FC_ERR;
    }
    return FC_OK;
}
