/* store/dynamodb_reset: the DynamoDB side of password reset links: item (RESET#<hash>, RESET)
 * {user_id, expires_at, ttl}; only the token's hash is stored; taking a link deletes the item
 * (DeleteItem answering the old item, so two requests with one link get it once). */
#include "core/util.h"
#include "store/dynamodb.h"

#include <stdio.h>

static struct fc_dynamo *D(struct fc_store *s)
{
    return (struct fc_dynamo *)s;
}

int dynamo_reset_create(struct fc_store *s, const char *hash, int64_t user_id, int64_t expires)
{
    json_object *it;
    char pk[160];
    int rc;

    snprintf(pk, sizeof pk, "RESET#%s", hash);
    it = dynamo_item_new(pk, "RESET", "reset");
    dynamo_set(it, "user_id", dynamo_n(user_id));
    dynamo_set(it, "expires_at", dynamo_n(expires));
    dynamo_set(it, "ttl", dynamo_n(expires)); /* DynamoDB deletes it some time after */
    rc = dynamo_put(D(s), it, "attribute_not_exists(#pk)");
    return rc == DYNAMO_COND ? FC_EXISTS : rc;
}

int dynamo_reset_take(struct fc_store *s, const char *hash, int64_t now, int64_t *user_id,
                      int64_t *expires)
{
    struct fc_dynamo *d = D(s);
    json_object *req = dynamo_req(d), *resp = NULL, *old;
    char pk[160];
    int rc;

    snprintf(pk, sizeof pk, "RESET#%s", hash);
    json_object_object_add(req, "Key", dynamo_key(pk, "RESET"));
    json_object_object_add(req, "ReturnValues", json_object_new_string("ALL_OLD"));
    rc = dynamo_call(d, "DeleteItem", req, &resp);
    if (rc == FC_OK) {
        if (json_object_object_get_ex(resp, "Attributes", &old) &&
            dynamo_get_n(old, "expires_at") > now) {
            *user_id = dynamo_get_n(old, "user_id");
            *expires = dynamo_get_n(old, "expires_at");
        } else {
            rc = FC_NOTFOUND;
        }
    }
    json_object_put(resp);
    json_object_put(req);
    return rc;
}
