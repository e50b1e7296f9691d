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

struct notes_ctx {
    struct fc_save_note *out;
    int n, max;
};

static int notes_each(void *ctx, json_object *it)
{
    struct notes_ctx *c = ctx;
    if (c->n >= c->max)
        return 1;
    c->out[c->n].restaurant_id = dynamo_get_n(it, "restaurant_id");
    dynamo_copy_s(it, "note", c->out[c->n].note, sizeof c->out[c->n].note);
    c->n++;
    return 0;
}

int dynamo_save_notes_of_user(struct fc_store *s, int64_t user_id, struct fc_save_note *out,
                              int max, int *n)
{
    struct fc_dynamo *d = D(s);
    struct notes_ctx c = {out, 0, max};
    json_object *req;
    char pk[32];
    int rc;

    *n = 0;
    if (max <= 0)
        return FC_OK;
    dynamo_user_pk(pk, user_id);
    req = dynamo_query_prefix(d, NULL, pk, "SV#");
    dynamo_expr(req, "FilterExpression", "attribute_exists(#note)");
    dynamo_expr(req, "ProjectionExpression", "#restaurant_id, #note");
    rc = dynamo_each(d, "Query", req, 0, notes_each, &c);
    json_object_put(req);
    *n = c.n;
    return rc;
}
