/* store/dynamodb_sessionuser: a session and its user in one BatchGetItem (the cookie names the
 * user, so both keys are known before the first read: docs/dynamodb.md). */
#include "core/util.h"
#include "store/dynamodb.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int dynamo_session_user_get(struct fc_store *s, const char *hash, int64_t user_id, int64_t *created,
                            int64_t *last_seen, struct fc_user *u)
{
    struct fc_dynamo *d = (struct fc_dynamo *)s;
    struct dynamo_keys k;
    json_object *found = NULL, *sess, *it;
    char spk[160], upk[32];
    int rc;

    memset(u, 0, sizeof *u);
    if (user_id <= 0)
        return FC_NOTFOUND;
    snprintf(spk, sizeof spk, "S#%s", hash);
    dynamo_user_pk(upk, user_id);
    dynamo_keys_init(&k);
    dynamo_keys_add(&k, spk, "SESSION");
    dynamo_keys_add(&k, upk, "PROFILE");
    /* the profile's created_at is the session's too: each item has its own */
    rc = dynamo_batch_get(d, &k, "#user_id, #last_seen, " DYNAMO_USER_PROJ, &found);
    dynamo_keys_free(&k);
    if (rc)
        return FC_ERR;
    sess = dynamo_found(found, spk, "SESSION");
    if (!sess || dynamo_get_n(sess, "user_id") != user_id) {
        rc = FC_NOTFOUND;
        goto out;
    }
    *created = dynamo_get_n(sess, "created_at");
    *last_seen = dynamo_get_n(sess, "last_seen");
    if ((it = dynamo_found(found, upk, "PROFILE")))
        dynamo_item_user(it, u);
out:
    json_object_put(found);
    return rc;
}
