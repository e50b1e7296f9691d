/* store/dynamodb_trust: what recommendations shown now are checked against: a user's own
 * ratings, read with one Query of the user's partition (its lsi1, newest first). */
#include "core/util.h"
#include "store/dynamodb.h"

#include <stdio.h>

static struct fc_dynamo *D(struct fc_store *s)
{
    return (struct fc_dynamo *)s;
}

static const struct dynamo_field rating_fields[] = {
    DYNAMO_FIELD('n', struct fc_rating, restaurant_id, "restaurant_id"),
    DYNAMO_FIELD('n', struct fc_rating, stars, "stars")};

int dynamo_ratings_of_user(struct fc_store *s, int64_t uid, struct fc_rating *out, int max, int *n)
{
    json_object *req;
    char pk[32];

    dynamo_user_pk(pk, uid);
    req = dynamo_query_prefix(D(s), "lsi1", pk, "T#");
    dynamo_expr(req, "ProjectionExpression", "#restaurant_id, #stars");
    dynamo_newest(req, max);
    return dynamo_rows(D(s), "Query", req, rating_fields, FC_ARRAY_LEN(rating_fields), out,
                       sizeof *out, max, n);
}
