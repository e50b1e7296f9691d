/* store/dynamodb_usersseen: users as a viewer sees them now (exists, disabled, relation bits,
 * names) with one BatchGetItem of the viewer's profile and theirs, however many they are (100
 * keys a call): the friends a recommendation names cost one call, not two per friend. */
#include "core/util.h"
#include "store/dynamodb.h"

#include <string.h>

/* The viewer's FC_REL_* bits towards other, from the viewer's profile item (its relation sets,
 * kept in the same transactions as the relation items: dynamo_relation reads the same). */
static int rel_from(json_object *me, int64_t other)
{
    static const struct {
        const char *set;
        int bit;
    } sets[] = {{"friends", FC_REL_FRIEND},
                {"req_out", FC_REL_REQ_OUT},
                {"req_in", FC_REL_REQ_IN},
                {"blocked", FC_REL_BLOCKED},
                {"blocked_by", FC_REL_BLOCKED_BY}};
    int rel = 0;
    for (size_t i = 0; me && i < FC_ARRAY_LEN(sets); i++)
        if (dynamo_ns_contains(me, sets[i].set, other))
            rel |= sets[i].bit;
    return rel;
}

int dynamo_users_seen(struct fc_store *s, int64_t viewer, const int64_t *ids, int n,
                      struct fc_user_seen *out)
{
    struct fc_dynamo *d = (struct fc_dynamo *)s;
    struct dynamo_keys k;
    json_object *found = NULL, *me = NULL;
    char pk[32];
    int rc;

    if (n <= 0)
        return FC_OK;
    memset(out, 0, (size_t)n * sizeof *out);
    dynamo_keys_init(&k);
    if (viewer)
        dynamo_keys_add_user(&k, viewer);
    for (int i = 0; i < n; i++)
        dynamo_keys_add_user(&k, ids[i]);
    rc = dynamo_batch_get(d, &k,
                          "#id, #username, #display_name, #disabled, #friends, #req_out, #req_in, "
                          "#blocked, #blocked_by",
                          &found);
    dynamo_keys_free(&k);
    if (rc) {
        json_object_put(found);
        return FC_ERR;
    }
    if (viewer) {
        dynamo_user_pk(pk, viewer);
        me = dynamo_found(found, pk, "PROFILE");
    }
    for (int i = 0; i < n; i++) {
        json_object *it;
        out[i].id = ids[i];
        dynamo_user_pk(pk, ids[i]);
        if (!(it = dynamo_found(found, pk, "PROFILE")))
            continue;
        out[i].exists = 1;
        out[i].disabled = dynamo_get_n(it, "disabled") != 0;
        out[i].rel = viewer ? rel_from(me, ids[i]) : 0;
        dynamo_copy_s(it, "username", out[i].username, sizeof out[i].username);
        dynamo_copy_s(it, "display_name", out[i].display_name, sizeof out[i].display_name);
    }
    json_object_put(found);
    return FC_OK;
}
