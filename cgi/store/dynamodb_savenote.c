/* store/dynamodb_savenote: private notes on saved places: the attribute "note" of the save item
 * (U#<id>, SV#<restaurant>), absent for none (docs/dynamodb.md). */
#include "core/util.h"
#include "store/dynamodb.h"

#include <inttypes.h>
#include <stdio.h>

static struct fc_dynamo *D(struct fc_store *s)
{
    return (struct fc_dynamo *)s;
}

int dynamo_save_note_set(struct fc_store *s, int64_t user_id, int64_t restaurant_id,
                         const char *note)
{
    struct fc_dynamo *d = D(s);
    json_object *req = dynamo_req(d);
    char pk[32], sk[32];
    int rc;

    dynamo_user_pk(pk, user_id);
    snprintf(sk, sizeof sk, "SV#%" PRId64, restaurant_id);
    json_object_object_add(req, "Key", dynamo_key(pk, sk));
    dynamo_expr(req, "ConditionExpression", "attribute_exists(#pk)");
    if (*note) {
        dynamo_expr(req, "UpdateExpression", "SET #note = :n");
        dynamo_val(req, ":n", dynamo_s(note));
    } else {
        dynamo_expr(req, "UpdateExpression", "REMOVE #note");
    }
    rc = dynamo_call(d, "UpdateItem", req, NULL);
    json_object_put(req);
    return rc == DYNAMO_COND ? FC_NOTFOUND : rc;
}

static const struct dynamo_field note_fields[] = {
    DYNAMO_FIELD('n', struct fc_save_note, restaurant_id, "restaurant_id"),
    DYNAMO_FIELD('s', struct fc_save_note, note, "note")};

int dynamo_save_notes_of_user(struct fc_store *s, int64_t user_id, struct fc_save_note *out,
                              int max, int *n)
{
    json_object *req;
    char pk[32];

    dynamo_user_pk(pk, user_id);
    req = dynamo_query_prefix(D(s), NULL, pk, "SV#");
    dynamo_expr(req, "FilterExpression", "attribute_exists(#note)");
    dynamo_expr(req, "ProjectionExpression", "#restaurant_id, #note");
    return dynamo_rows(D(s), "Query", req, note_fields, FC_ARRAY_LEN(note_fields), out, sizeof *out,
                       max, n);
}
