/* store/dynamodb_trust: what recommendations shown now are checked against: a user's own
 * ratings, read with one Query of the user's partition (its lsi1, newest first). */
#include "core/util.h"
#include "store/dynamodb.h"

#include <stdio.h>

static struct fc_dynamo *D(struct fc_store *s)
{
    return (struct fc_dynamo *)s;
}

struct ratings_ctx {
    struct fc_rating *out;
    int max, n;
};

static int rating_each(void *ctx, json_object *it)
{
    struct ratings_ctx *c = ctx;
    c->out[c->n].restaurant_id = dynamo_get_n(it, "restaurant_id");
    c->out[c->n].stars = (int)dynamo_get_n(it, "stars");
    c->n++;
    return c->n >= c->max ? 1 : 0;
}

int dynamo_ratings_of_user(struct fc_store *s, int64_t uid, struct fc_rating *out, int max, int *n)
{
    struct fc_dynamo *d = D(s);
    struct ratings_ctx c = {out, max, 0};
    json_object *req;
    char pk[32];
    int rc;

    *n = 0;
    if (max <= 0)
        return FC_OK;
    dynamo_user_pk(pk, uid);
    req = dynamo_query_prefix(d, "lsi1", pk, "T#");
    dynamo_expr(req, "ProjectionExpression", "#restaurant_id, #stars");
    dynamo_newest(req, max);
    rc = dynamo_each(d, "Query", req, 0, rating_each, &c);
    json_object_put(req);
    if (rc == FC_OK)
        *n = c.n;
    return rc;
}
