/* Unit tests: the DynamoDB backend reading malformed answers (found by t/fuzz/dynamodb): an
 * attribute of the wrong type reads as absent, "Items" that is not an array reads as no items,
 * number sets with non-string members, numbers beyond int64; on an injected transport, no
 * endpoint needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/dynamodb.h"
#include "store/store.h"

static const char *answer; /* the body of every answer (status 200) */
static int calls;
/* instead of answer: 1, the same LastEvaluatedKey every time; 2, a new one every time; 3, a
 * LastEvaluatedKey that is not a key */
static int lek_mode;

static int fake_transport(void *ctx, const struct aws_http_request *req,
                          struct aws_http_response *resp, struct aws_error *err)
{
    (void)ctx;
    (void)req;
    (void)err;
    calls++;
    memset(resp, 0, sizeof *resp);
    resp->status = 200;
    if (lek_mode) {
        char buf[200];
        if (lek_mode == 3)
            snprintf(buf, sizeof buf, "{\"Items\": [], \"LastEvaluatedKey\": null}");
        else
            snprintf(buf, sizeof buf,
                     "{\"Items\": [], \"Count\": 1, \"LastEvaluatedKey\": {\"pk\": {\"S\": "
                     "\"REST#1\"}, \"sk\": {\"S\": \"K%d\"}}}",
                     lek_mode == 1 ? 0 : calls);
        resp->body = strdup(buf);
    } else {
        /* the first call gets the answer, later ones an empty object (no further page) */
        resp->body = strdup(calls == 1 ? answer : "{}");
    }
    resp->body_len = strlen(resp->body);
    return AWS_OK;
}

static struct fc_store *open_store(void)
{
    struct fc_store *s = NULL;
    struct aws_client_hooks h = {.transport = fake_transport};
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_DYNAMODB");
    setenv("AWS_REGION", "us-east-1", 1);
    assert_int_equal(fc_dynamo_open(NULL, &s), FC_OK);
    aws_client_set_hooks(((struct fc_dynamo *)s)->c, &h);
    aws_client_set_retry(((struct fc_dynamo *)s)->c, 1, 1, 1);
    assert_int_equal(
        aws_client_set_credentials(((struct fc_dynamo *)s)->c, "AKIDTEST", "secret", NULL), AWS_OK);
    return s;
}

static json_object *parse(const char *s)
{
    json_object *o = json_tokener_parse(s);
    assert_non_null(o);
    return o;
}

static void test_attribute_types(void **state)
{
    json_object *it = parse("{\"a\":{\"S\":5},\"b\":{\"N\":{}},\"c\":{\"NS\":\"12\"},"
                            "\"d\":{\"NS\":[null,\"5\",{}]},\"e\":{\"SS\":{\"x\":1}},"
                            "\"f\":{\"S\":\"ok\"},\"g\":{\"N\":\"42\"}}");
    int64_t *v = NULL;
    (void)state;
    assert_string_equal(dynamo_get_s(it, "a"), ""); /* not a string: absent */
    assert_int_equal(dynamo_get_n(it, "b"), 0);
    assert_int_equal(dynamo_get_ns(it, "c", &v), 0); /* not an array: empty */
    assert_null(v);
    assert_int_equal(dynamo_get_ns(it, "d", &v), 3); /* null member: 0, not a crash */
    assert_int_equal(v[0], 0);
    assert_int_equal(v[1], 5);
    free(v);
    assert_true(dynamo_ns_contains(it, "d", 5));
    assert_false(dynamo_ns_contains(it, "c", 12));
    assert_string_equal(dynamo_get_s(it, "f"), "ok");
    assert_int_equal(dynamo_get_n(it, "g"), 42);
    assert_null(dynamo_get_array(it, "f"));
    json_object_put(it);
    /* numbers beyond int64 (1e400 is inf for strtod) read as 0, not as undefined behaviour */
    it = parse("{\"a\":{\"N\":\"1e400\"},\"b\":{\"N\":\"-1e400\"},\"c\":{\"N\":\"12.7\"},"
               "\"d\":{\"N\":\"nan\"},\"e\":{\"N\":\"1e19\"}}");
    assert_int_equal(dynamo_get_n(it, "a"), 0);
    assert_int_equal(dynamo_get_n(it, "b"), 0);
    assert_int_equal(dynamo_get_n(it, "c"), 12);
    assert_int_equal(dynamo_get_n(it, "d"), 0);
    assert_int_equal(dynamo_get_n(it, "e"), 0);
    json_object_put(it);
}

static void test_items_not_an_array(void **state)
{
    struct fc_store *s = open_store();
    struct fc_metric_row *rows = NULL;
    struct fc_job jobs[4];
    int n = -1;
    (void)state;
    /* json-c aborts on json_object_array_length of a non-array: read as no items */
    answer = "{\"Items\": \"1.5\"}";
    calls = 0;
    assert_int_equal(s->ops->metrics_query(s, 0, FC_METRIC_BY_ROUTE, &rows, &n), FC_OK);
    assert_int_equal(n, 0);
    free(rows);
    answer = "{\"Items\": {\"pk\": {\"S\": \"x\"}}}";
    calls = 0;
    n = -1;
    assert_int_equal(s->ops->job_list(s, "", "", jobs, 4, &n), FC_OK);
    assert_int_equal(n, 0);
    assert_true(calls >= 1);
    fc_store_close(s);
}

static int count_item(void *ctx, json_object *it)
{
    (void)it;
    (*(int *)ctx)++;
    return 0;
}

/* An endpoint that keeps sending a LastEvaluatedKey: every loop stops with an error (the store
 * is unavailable), after 2 calls when the key does not move on, else Store.DynamoDB.MaxPages. */
static void test_paging_bounded(void **state)
{
    struct fc_store *s = open_store();
    struct fc_dynamo *d = (struct fc_dynamo *)s;
    struct fc_review_row rows[4];
    struct fc_feed_item feed[4];
    json_object *req = dynamo_req(d), *x;
    int items = 0, n = -1;
    int count = -1;
    (void)state;
    assert_int_equal(d->max_pages, 10000);

    lek_mode = 1;
    calls = 0;
    fc_store_fault_clear();
    assert_int_equal(dynamo_each(d, "Query", req, 0, count_item, &items), FC_ERR);
    assert_int_equal(calls, 2);
    assert_int_equal(fc_store_fault(), FC_STORE_FAULT_UNAVAILABLE);
    assert_false(json_object_object_get_ex(req, "ExclusiveStartKey", &x));
    calls = 0;
    assert_int_equal(dynamo_count(d, req, &count), FC_ERR);
    assert_int_equal(calls, 2);
    json_object_put(req);
    calls = 0;
    assert_int_equal(s->ops->feed(s, 1, NULL, feed, 4, &n), FC_ERR);
    assert_int_equal(calls, 2);
    calls = 0;
    assert_int_equal(s->ops->reviews_of_restaurant(s, 1, 0, rows, 4, &n), FC_ERR);
    assert_int_equal(calls, 3); /* BatchGetItem, then two pages of the index */

    /* a new key every time: up to the configured number of pages */
    lek_mode = 2;
    d->max_pages = 7;
    req = dynamo_req(d);
    calls = 0;
    fc_store_fault_clear();
    assert_int_equal(dynamo_each(d, "Scan", req, 0, count_item, &items), FC_ERR);
    assert_int_equal(calls, 7);
    assert_int_equal(fc_store_fault(), FC_STORE_FAULT_UNAVAILABLE);
    /* the caller's own bound below it stops quietly, as before */
    calls = 0;
    fc_store_fault_clear();
    assert_int_equal(dynamo_each(d, "Scan", req, 3, count_item, &items), FC_OK);
    assert_int_equal(calls, 3);
    assert_int_equal(fc_store_fault(), 0);
    json_object_put(req);

    /* a LastEvaluatedKey that is not a key is not followed */
    lek_mode = 3;
    req = dynamo_req(d);
    calls = 0;
    assert_int_equal(dynamo_each(d, "Query", req, 0, count_item, &items), FC_ERR);
    assert_int_equal(calls, 1);
    json_object_put(req);
    lek_mode = 0;
    fc_store_fault_clear();
    fc_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attribute_types),
        cmocka_unit_test(test_items_not_an_array),
        cmocka_unit_test(test_paging_bounded),
    };
    return cmocka_run_group_tests_name("dynamodb answers", tests, NULL, NULL);
}
