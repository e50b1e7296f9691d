/* Unit tests of the Amazon Personalize backend on an injected transport: settings, the
 * GetRecommendations body (campaign or recommender, filter, context, numResults), one attempt
 * within TimeoutMs, the answer's parsing, the circuit breaker, event enqueueing and the
 * PutEvents job's outcomes (done, retried, failed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/testutil.h"
#include "aws/client.h"
#include "core/config.h"
#include "core/util.h"
#include "rec/personalize.h"
#include "store/store.h"
#include "worker/jobs.h"

#define MAX_CALLS 16

static char dir[64];
static HDF *cfg;
static struct fc_store *S;

/* The fake transport: answers status/body (status 0: a timeout), records requests. */
static struct {
    int status;
    const char *body;
    int calls;
    char url[MAX_CALLS][256];
    char req[MAX_CALLS][2048];
    long timeout_ms[MAX_CALLS], connect_ms[MAX_CALLS];
} F;

static int fake_transport(void *ctx, const struct aws_http_request *req,
                          struct aws_http_response *resp, struct aws_error *err)
{
    int k = F.calls++;
    (void)ctx;
    assert_true(k < MAX_CALLS);
    snprintf(F.url[k], sizeof F.url[k], "%s", req->url);
    snprintf(F.req[k], sizeof F.req[k], "%.*s", (int)req->body_len,
             req->body ? (const char *)req->body : "");
    F.timeout_ms[k] = req->timeout_ms;
    F.connect_ms[k] = req->connect_timeout_ms;
    memset(resp, 0, sizeof *resp);
    if (F.status == 0) {
        err->transport = 1;
        err->retryable = 1;
        aws_error_set(err, "Timeout", "fake timeout");
        return AWS_E_TRANSPORT;
    }
    resp->status = F.status;
    resp->body = strdup(F.body ? F.body : "");
    resp->body_len = strlen(resp->body);
    return AWS_OK;
}

static void fake_sleep(void *ctx, unsigned ms)
{
    (void)ctx;
    (void)ms;
}

static const struct aws_client_hooks HOOKS = {.transport = fake_transport, .sleep = fake_sleep};

static void answer(int status, const char *body)
{
    memset(&F, 0, sizeof F);
    F.status = status;
    F.body = body;
}

static void clear_env(void)
{
    static const char *const vars[] = {
        "FORKCAST_REC_BACKEND",
        "FORKCAST_REC_PERSONALIZE_CAMPAIGNARN",
        "FORKCAST_REC_PERSONALIZE_RECOMMENDERARN",
        "FORKCAST_REC_PERSONALIZE_FILTERARN",
        "FORKCAST_REC_PERSONALIZE_TRACKINGID",
        "FORKCAST_REC_PERSONALIZE_TIMEOUTMS",
        "FORKCAST_REC_PERSONALIZE_BREAKERFAILURES",
        "FORKCAST_REC_PERSONALIZE_BREAKERSECONDS",
        "FORKCAST_REC_PERSONALIZE_CONTEXT",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_PERSONALIZE_RUNTIME",
        "AWS_ENDPOINT_URL_PERSONALIZE_EVENTS",
        "FORKCAST_AWS_ENDPOINT_PERSONALIZERUNTIME",
        "FORKCAST_AWS_ENDPOINT_PERSONALIZEEVENTS",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    };
    for (size_t i = 0; i < FC_ARRAY_LEN(vars); i++)
        unsetenv(vars[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

static int setup(void **state)
{
    (void)state;
    clear_env();
    cfg = testutil_config(dir);
    if (!cfg || fc_store_open(cfg, &S))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fc_store_close(S);
    hdf_destroy(&cfg);
    testutil_cleanup(dir);
    return 0;
}

/* Sets Rec.Personalize.key (or removes it with NULL). */
static void set(const char *key, const char *value)
{
    char full[128];
    snprintf(full, sizeof full, "Rec.Personalize.%s", key);
    if (value)
        hdf_set_value(cfg, full, value);
    else
        fc_config_remove(cfg, full);
}

static void reset_cfg(void)
{
    static const char *const keys[] = {"CampaignArn",    "RecommenderArn", "FilterArn",
                                       "TrackingId",     "TimeoutMs",      "BreakerFailures",
                                       "BreakerSeconds", "Context"};
    for (size_t i = 0; i < FC_ARRAY_LEN(keys); i++)
        set(keys[i], NULL);
    hdf_set_value(cfg, "Rec.Backend", "builtin");
}

static void test_settings(void **state)
{
    struct fc_personalize_cfg pc;
    (void)state;
    reset_cfg();
    fc_personalize_cfg_load(cfg, &pc);
    assert_int_equal(pc.timeout_ms, 300);
    assert_int_equal(pc.breaker_failures, 3);
    assert_int_equal(pc.breaker_seconds, 30);
    assert_int_equal(pc.context, 0);
    assert_string_equal(pc.tracking_id, "");
    assert_false(fc_personalize_enabled(cfg));
    set("CampaignArn", "arn:aws:personalize:us-east-1:1:campaign/c");
    assert_false(fc_personalize_enabled(cfg)); /* Rec.Backend is still builtin */
    hdf_set_value(cfg, "Rec.Backend", "personalize");
    assert_true(fc_personalize_enabled(cfg));
    set("CampaignArn", NULL);
    assert_false(fc_personalize_enabled(cfg)); /* no ARN */
    setenv("FORKCAST_REC_PERSONALIZE_RECOMMENDERARN", " arn:aws:personalize:r/x ", 1);
    assert_true(fc_personalize_enabled(cfg)); /* from the environment, trimmed */
    fc_personalize_cfg_load(cfg, &pc);
    assert_string_equal(pc.recommender_arn, "arn:aws:personalize:r/x");
    unsetenv("FORKCAST_REC_PERSONALIZE_RECOMMENDERARN");
    reset_cfg();
}

static void test_parse_items(void **state)
{
    struct fc_personalize_item it[4];
    size_t n = 99;
    json_object *o;
    (void)state;
    o = json_tokener_parse("{\"itemList\":[{\"itemId\":\"12\",\"score\":0.5},{\"itemId\":\"abc\"},"
                           "{\"itemId\":\"0\"},{\"itemId\":\"-3\"},{\"itemId\":\"7x\"},"
                           "{\"itemId\":7},{\"itemId\":\"12\"},{\"score\":1},\"x\","
                           "{\"itemId\":\"9\"},{\"itemId\":\"4\"},{\"itemId\":\"5\"},"
                           "{\"itemId\":\"6\"}],\"recommendationId\":\"r\"}");
    assert_int_equal(fc_personalize_parse_items(o, it, 4, &n), FC_OK);
    assert_int_equal(n, 4); /* capped */
    assert_int_equal(it[0].item, 12);
    assert_true(it[0].score == 0.5);
    assert_int_equal(it[1].item, 9); /* junk and the repeated 12 skipped */
    assert_true(it[1].score == 0);
    assert_int_equal(it[2].item, 4);
    assert_int_equal(it[3].item, 5);
    json_object_put(o);
    o = json_tokener_parse("{\"itemList\":[]}");
    assert_int_equal(fc_personalize_parse_items(o, it, 4, &n), FC_OK);
    assert_int_equal(n, 0);
    json_object_put(o);
    o = json_tokener_parse("{\"items\":[]}");
    assert_int_equal(fc_personalize_parse_items(o, it, 4, &n), FC_EINVAL);
    json_object_put(o);
    o = json_tokener_parse("{\"itemList\":{}}");
    assert_int_equal(fc_personalize_parse_items(o, it, 4, &n), FC_EINVAL);
    json_object_put(o);
    assert_int_equal(fc_personalize_parse_items(NULL, it, 4, &n), FC_EINVAL);
}

static struct fc_personalize *open_client(void)
{
    struct fc_personalize *p = NULL;
    hdf_set_value(cfg, "Rec.Backend", "personalize");
    assert_int_equal(fc_personalize_open(cfg, &p), FC_OK);
    fc_personalize_set_hooks(p, &HOOKS, "AKIDEXAMPLE", "secret/EXAMPLE");
    return p;
}

static void test_recommend_request(void **state)
{
    struct fc_personalize *p;
    struct fc_personalize_item it[10];
    struct fc_user u;
    size_t n = 0;
    char why[256];
    json_object *body, *v, *ctx;
    (void)state;
    reset_cfg();
    memset(&u, 0, sizeof u);
    u.id = 1042;
    strcpy(u.city, "Cuernavaca");
    strcpy(u.price, "medium");

    /* a recommender, no filter, no context */
    set("RecommenderArn", "arn:aws:personalize:us-east-1:1:recommender/r");
    p = open_client();
    answer(200, "{\"itemList\":[{\"itemId\":\"3\",\"score\":0.9},{\"itemId\":\"8\"}]}");
    assert_int_equal(fc_personalize_recommend(p, &u, 10, it, &n, why, sizeof why), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(it[0].item, 3);
    assert_int_equal(it[1].item, 8);
    assert_int_equal(F.calls, 1);
    assert_non_null(
        strstr(F.url[0], "personalize-runtime.us-east-1.amazonaws.com/recommendations"));
    assert_int_equal(F.timeout_ms[0], 300);
    assert_true(F.connect_ms[0] <= 300);
    body = json_tokener_parse(F.req[0]);
    assert_non_null(body);
    assert_true(json_object_object_get_ex(body, "recommenderArn", &v));
    assert_string_equal(json_object_get_string(v), "arn:aws:personalize:us-east-1:1:recommender/r");
    assert_false(json_object_object_get_ex(body, "campaignArn", NULL));
    assert_false(json_object_object_get_ex(body, "filterArn", NULL));
    assert_false(json_object_object_get_ex(body, "context", NULL));
    assert_true(json_object_object_get_ex(body, "userId", &v));
    assert_string_equal(json_object_get_string(v), "1042");
    assert_true(json_object_object_get_ex(body, "numResults", &v));
    assert_int_equal(json_object_get_int(v), 10);
    json_object_put(body);
    fc_personalize_close(p);

    /* a campaign (wins over the recommender), a filter, context, numResults capped at 500 */
    set("CampaignArn", "arn:aws:personalize:us-east-1:1:campaign/c");
    set("FilterArn", "arn:aws:personalize:us-east-1:1:filter/f");
    set("Context", "1");
    set("TimeoutMs", "150");
    p = open_client();
    answer(200, "{\"itemList\":[]}");
    assert_int_equal(fc_personalize_recommend(p, &u, 900, it, &n, why, sizeof why), FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(F.timeout_ms[0], 150);
    body = json_tokener_parse(F.req[0]);
    assert_true(json_object_object_get_ex(body, "campaignArn", &v));
    assert_false(json_object_object_get_ex(body, "recommenderArn", NULL));
    assert_true(json_object_object_get_ex(body, "filterArn", &v));
    assert_string_equal(json_object_get_string(v), "arn:aws:personalize:us-east-1:1:filter/f");
    assert_true(json_object_object_get_ex(body, "numResults", &v));
    assert_int_equal(json_object_get_int(v), 500);
    assert_true(json_object_object_get_ex(body, "context", &ctx));
    assert_true(json_object_object_get_ex(ctx, "CITY", &v));
    assert_string_equal(json_object_get_string(v), "Cuernavaca");
    assert_true(json_object_object_get_ex(ctx, "PRICE", &v));
    assert_string_equal(json_object_get_string(v), "medium");
    json_object_put(body);
    fc_personalize_close(p);
    reset_cfg();
}

static void test_failures_and_breaker(void **state)
{
    struct fc_personalize *p;
    struct fc_personalize_item it[10];
    struct fc_user u;
    size_t n = 0;
    char why[256];
    (void)state;
    reset_cfg();
    memset(&u, 0, sizeof u);
    u.id = 7;
    set("CampaignArn", "arn:aws:personalize:us-east-1:1:campaign/c");
    set("BreakerFailures", "3");
    set("BreakerSeconds", "60");
    p = open_client();

    answer(500, "{\"__type\":\"InternalServerError\",\"message\":\"boom\"}");
    assert_int_equal(fc_personalize_recommend(p, &u, 5, it, &n, why, sizeof why), FC_ERR);
    assert_int_equal(F.calls, 1); /* one attempt: no retry within the page's budget */
    assert_non_null(strstr(why, "InternalServerError"));
    assert_non_null(strstr(why, "500"));
    answer(0, NULL);
    assert_int_equal(fc_personalize_recommend(p, &u, 5, it, &n, why, sizeof why), FC_ERR);
    assert_non_null(strstr(why, "Timeout"));
    /* a success resets the count */
    answer(200, "{\"itemList\":[{\"itemId\":\"1\"}]}");
    assert_int_equal(fc_personalize_recommend(p, &u, 5, it, &n, why, sizeof why), FC_OK);
    answer(200, "not json");
    assert_int_equal(fc_personalize_recommend(p, &u, 5, it, &n, why, sizeof why), FC_ERR);
    answer(200, "{\"noItems\":1}");
    assert_int_equal(fc_personalize_recommend(p, &u, 5, it, &n, why, sizeof why), FC_ERR);
    assert_non_null(strstr(why, "itemList"));
    assert_int_equal(F.calls, 1);
    answer(404, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"no campaign\"}");
    assert_int_equal(fc_personalize_recommend(p, &u, 5, it, &n, why, sizeof why), FC_ERR);
    assert_int_equal(F.calls, 1);
    /* 3 failures in a row: the breaker is open, no call is made */
    answer(200, "{\"itemList\":[{\"itemId\":\"1\"}]}");
    assert_int_equal(fc_personalize_recommend(p, &u, 5, it, &n, why, sizeof why), FC_ERR);
    assert_int_equal(F.calls, 0);
    assert_non_null(strstr(why, "3 failures in a row"));
    fc_personalize_close(p);

    /* BreakerFailures = 0: never open */
    set("BreakerFailures", "0");
    p = open_client();
    answer(500, "{}");
    for (int i = 0; i < 5; i++)
        assert_int_equal(fc_personalize_recommend(p, &u, 5, it, &n, why, sizeof why), FC_ERR);
    assert_int_equal(F.calls, 5);
    fc_personalize_close(p);
    reset_cfg();
}

/* The PutEvents jobs in the store, newest first. */
static int queued(struct fc_job *out, int max)
{
    int n = 0;
    assert_int_equal(S->ops->job_list(S, FC_PERSONALIZE_JOB, "", out, max, &n), FC_OK);
    return n;
}

static void test_enqueue(void **state)
{
    struct fc_job *jobs = calloc(8, sizeof *jobs);
    json_object *p, *v;
    int before;
    (void)state;
    assert_non_null(jobs);
    reset_cfg();
    before = queued(jobs, 8);
    /* not configured: nothing */
    assert_int_equal(fc_personalize_event_enqueue(cfg, S, 1, 2, "review", 4, 1735689600), FC_OK);
    assert_int_equal(queued(jobs, 8), before);
    set("TrackingId", "tracker-1");
    assert_int_equal(fc_personalize_event_enqueue(cfg, S, 1, 2, "review", 4, 1735689600), FC_OK);
    assert_int_equal(fc_personalize_event_enqueue(cfg, S, 1, 3, "save", 1, 1735689700), FC_OK);
    /* unsaves and views are not sent */
    assert_int_equal(fc_personalize_event_enqueue(cfg, S, 1, 3, "unsave", 1, 1735689800), FC_OK);
    assert_int_equal(fc_personalize_event_enqueue(cfg, S, 1, 3, "view", 1, 1735689800), FC_OK);
    assert_int_equal(queued(jobs, 8), before + 2);
    p = json_tokener_parse(jobs[1].payload); /* the review */
    assert_non_null(p);
    assert_true(json_object_object_get_ex(p, "userId", &v));
    assert_string_equal(json_object_get_string(v), "1");
    assert_true(json_object_object_get_ex(p, "itemId", &v));
    assert_string_equal(json_object_get_string(v), "2");
    assert_true(json_object_object_get_ex(p, "eventType", &v));
    assert_string_equal(json_object_get_string(v), "review");
    assert_true(json_object_object_get_ex(p, "eventValue", &v));
    assert_true(json_object_get_double(v) == 4);
    assert_true(json_object_object_get_ex(p, "sentAt", &v));
    assert_int_equal(json_object_get_int64(v), 1735689600);
    assert_true(json_object_object_get_ex(p, "sessionId", &v));
    assert_string_equal(json_object_get_string(v), "1-20250101");
    assert_true(json_object_object_get_ex(p, "eventId", &v));
    assert_int_equal(strlen(json_object_get_string(v)), 27);
    assert_false(json_object_object_get_ex(p, "trackingId", NULL)); /* read when sent */
    json_object_put(p);
    free(jobs);
    reset_cfg();
}

/* Runs the PutEvents handler once on payload with the fake transport. */
static int run_job(const char *payload, char *message, size_t n)
{
    static struct fc_job job;
    struct fc_job_run r;
    struct aws_client *c = NULL;
    int outcome;
    memset(&r, 0, sizeof r);
    assert_int_equal(aws_client_new(cfg, "personalize-events", &c), AWS_OK);
    aws_client_set_hooks(c, &HOOKS);
    aws_client_set_credentials(c, "AKIDEXAMPLE", "secret/EXAMPLE", NULL);
    aws_client_set_retry(c, 1, 0, 0);
    job.id = 1;
    r.cfg = cfg;
    r.store = S;
    r.job = &job;
    r.payload = json_tokener_parse(payload);
    r.progress = json_object_new_object();
    r.state = c;
    outcome = fc_personalize_put_events_job.run(&r);
    snprintf(message, n, "%s", r.message);
    json_object_put(r.payload);
    json_object_put(r.progress);
    aws_client_free(c);
    return outcome;
}

static void test_put_events_job(void **state)
{
    const char *ev = "{\"userId\":\"5\",\"sessionId\":\"5-20250101\",\"eventId\":\"fc-1\","
                     "\"eventType\":\"save\",\"eventValue\":1.0,\"itemId\":\"77\","
                     "\"sentAt\":1735689600}";
    char msg[512];
    json_object *body, *v, *list, *e;
    (void)state;
    reset_cfg();
    assert_ptr_equal(fc_job_type_find(FC_PERSONALIZE_JOB), &fc_personalize_put_events_job);

    /* no tracker in the worker's configuration: retried later */
    answer(200, "");
    assert_int_equal(run_job(ev, msg, sizeof msg), FC_JOB_RETRY);
    assert_int_equal(F.calls, 0);
    assert_non_null(strstr(msg, "TrackingId"));

    set("TrackingId", "tracker-1");
    answer(200, "");
    assert_int_equal(run_job(ev, msg, sizeof msg), FC_JOB_DONE);
    assert_int_equal(F.calls, 1);
    assert_non_null(strstr(F.url[0], "personalize-events.us-east-1.amazonaws.com/events"));
    body = json_tokener_parse(F.req[0]);
    assert_non_null(body);
    assert_true(json_object_object_get_ex(body, "trackingId", &v));
    assert_string_equal(json_object_get_string(v), "tracker-1");
    assert_true(json_object_object_get_ex(body, "userId", &v));
    assert_string_equal(json_object_get_string(v), "5");
    assert_true(json_object_object_get_ex(body, "sessionId", &v));
    assert_string_equal(json_object_get_string(v), "5-20250101");
    assert_true(json_object_object_get_ex(body, "eventList", &list));
    assert_int_equal(json_object_array_length(list), 1);
    e = json_object_array_get_idx(list, 0);
    assert_true(json_object_object_get_ex(e, "eventType", &v));
    assert_string_equal(json_object_get_string(v), "save");
    assert_true(json_object_object_get_ex(e, "itemId", &v));
    assert_string_equal(json_object_get_string(v), "77");
    assert_true(json_object_object_get_ex(e, "eventId", &v));
    assert_string_equal(json_object_get_string(v), "fc-1");
    assert_true(json_object_object_get_ex(e, "sentAt", &v));
    assert_int_equal(json_object_get_int64(v), 1735689600);
    assert_true(json_object_object_get_ex(e, "eventValue", &v));
    assert_true(json_object_get_double(v) == 1.0);
    json_object_put(body);

    /* retried: 5xx, throttling, timeouts, refused credentials */
    answer(500, "{\"__type\":\"InternalServerError\",\"message\":\"x\"}");
    assert_int_equal(run_job(ev, msg, sizeof msg), FC_JOB_RETRY);
    assert_non_null(strstr(msg, "InternalServerError"));
    answer(400, "{\"__type\":\"ThrottlingException\",\"message\":\"slow down\"}");
    assert_int_equal(run_job(ev, msg, sizeof msg), FC_JOB_RETRY);
    answer(0, NULL);
    assert_int_equal(run_job(ev, msg, sizeof msg), FC_JOB_RETRY);
    answer(403, "{\"__type\":\"UnrecognizedClientException\",\"message\":\"bad key\"}");
    assert_int_equal(run_job(ev, msg, sizeof msg), FC_JOB_RETRY);
    /* failed for good: a request Personalize refuses as it is */
    answer(400, "{\"__type\":\"InvalidInputException\",\"message\":\"bad\"}");
    assert_int_equal(run_job(ev, msg, sizeof msg), FC_JOB_FAIL);
    assert_non_null(strstr(msg, "InvalidInputException"));
    answer(404, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"no tracker\"}");
    assert_int_equal(run_job(ev, msg, sizeof msg), FC_JOB_FAIL);
    answer(200, "");
    assert_int_equal(run_job("{\"userId\":\"5\"}", msg, sizeof msg), FC_JOB_FAIL);
    assert_int_equal(F.calls, 0);
    reset_cfg();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settings),          cmocka_unit_test(test_parse_items),
        cmocka_unit_test(test_recommend_request), cmocka_unit_test(test_failures_and_breaker),
        cmocka_unit_test(test_enqueue),           cmocka_unit_test(test_put_events_job),
    };
    return cmocka_run_group_tests_name("personalize", tests, setup, teardown);
}
