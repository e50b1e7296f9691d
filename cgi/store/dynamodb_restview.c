/* store/dynamodb_restview: the restaurant page's reads for a logged-in viewer in one
 * BatchGetItem: the restaurant, the viewer's profile (relation sets), their save and their
 * review of it; then the friends' reviews, when they have friends (docs/dynamodb.md). */
#include "core/util.h"
#include "store/dynamodb.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int dynamo_rest_view_get(struct fc_store *s, int64_t rid, int64_t viewer,
                         struct fc_restaurant *rest, int *saved, struct fc_review *mine,
                         int *friends_count, double *friends_avg)
{
    json_object *found = NULL;
    int rc;
    if (!viewer) {
        memset(mine, 0, sizeof *mine);
        *saved = *friends_count = 0;
        *friends_avg = 0;
        return s->ops->rest_get(s, rid, rest);
    }
    rc = dynamo_rest_view_read(s, rid, viewer, rest, saved, mine, friends_count, friends_avg,
                               &found);
    json_object_put(found);
    return rc;
}

int dynamo_rest_view_read(struct fc_store *s, int64_t rid, int64_t viewer,
                          struct fc_restaurant *rest, int *saved, struct fc_review *mine,
                          int *friends_count, double *friends_avg, json_object **found_out)
{
    struct fc_dynamo *d = (struct fc_dynamo *)s;
    struct dynamo_keys k;
    json_object *found = NULL, *it;
    char rpk[32], vpk[32], ssk[32], rsk[32];
    int rc;

    memset(mine, 0, sizeof *mine);
    memset(rest, 0, sizeof *rest);
    *saved = 0;
    if (friends_count) {
        *friends_count = 0;
        *friends_avg = 0;
    }
    *found_out = NULL;
    dynamo_rest_pk(rpk, rid);
    dynamo_user_pk(vpk, viewer);
    snprintf(ssk, sizeof ssk, "SV#%" PRId64, rid);
    snprintf(rsk, sizeof rsk, "R#%" PRId64, rid);
    dynamo_keys_init(&k);
    dynamo_keys_add(&k, rpk, "RESTAURANT");
    dynamo_keys_add(&k, vpk, "PROFILE");
    dynamo_keys_add(&k, vpk, ssk);
    dynamo_keys_add(&k, vpk, rsk);
    rc = dynamo_batch_get(d, &k, NULL, &found);
    dynamo_keys_free(&k);
    if (rc)
        return FC_ERR;
    if (!(it = dynamo_found(found, rpk, "RESTAURANT"))) {
        rc = FC_NOTFOUND;
        goto out;
    }
    if ((rc = dynamo_item_rest(it, rest)))
        goto out;
    *saved = dynamo_found(found, vpk, ssk) != NULL;
    if ((it = dynamo_found(found, vpk, rsk)) && dynamo_item_review(it, mine)) {
        fc_review_clear(mine);
        memset(mine, 0, sizeof *mine);
        rc = FC_ERR;
        goto out;
    }
    if (friends_count &&
        (rc = dynamo_friends_rating_from(d, viewer, rid, found, friends_count, friends_avg))) {
        fc_review_clear(mine);
        memset(mine, 0, sizeof *mine);
        rc = FC_ERR;
    }
out:
    if (rc == FC_OK) {
        *found_out = found;
    } else {
        fc_restaurant_clear(rest);
        json_object_put(found);
    }
    return rc;
}
