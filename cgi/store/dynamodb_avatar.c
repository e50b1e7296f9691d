/* store/dynamodb_avatar: members' uploaded pictures: the item (U#<id>, "AVATAR") beside the
 * profile, with the blob key in "photo" (docs/dynamodb.md). */
#include "core/util.h"
#include "store/dynamodb.h"

#include <string.h>

static struct fc_dynamo *D(struct fc_store *s)
{
    return (struct fc_dynamo *)s;
}

json_object *dynamo_avatar_item(int64_t user_id, const char *key, int64_t now)
{
    char pk[32];
    json_object *item;
    dynamo_user_pk(pk, user_id);
    item = dynamo_key(pk, "AVATAR");
    dynamo_set(item, "user_id", dynamo_n(user_id));
    dynamo_set(item, "photo", dynamo_s(key));
    dynamo_set(item, "updated_at", dynamo_n(now));
    return item;
}

int dynamo_avatar_get(struct fc_store *s, int64_t user_id, char *key, size_t n)
{
    json_object *it = NULL;
    char pk[32];
    int rc;
    key[0] = '\0';
    dynamo_user_pk(pk, user_id);
    rc = dynamo_get(D(s), pk, "AVATAR", "#photo", &it);
    if (rc == FC_NOTFOUND)
        return FC_OK;
    if (rc)
        return rc;
    dynamo_copy_s(it, "photo", key, n);
    json_object_put(it);
    return FC_OK;
}

int dynamo_avatar_set(struct fc_store *s, int64_t user_id, const char *key, int64_t now)
{
    struct fc_dynamo *d = D(s);
    json_object *req;
    char pk[32];
    int rc;
    dynamo_user_pk(pk, user_id);
    if (*key)
        return dynamo_put(d, dynamo_avatar_item(user_id, key, now), NULL);
    req = dynamo_req(d);
    json_object_object_add(req, "Key", dynamo_key(pk, "AVATAR"));
    rc = dynamo_call(d, "DeleteItem", req, NULL);
    json_object_put(req);
    return rc;
}
