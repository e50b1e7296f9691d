/* Unit tests: the AWS client's retry loop and protocols with an injected transport, clock,
 * sleep and random source: backoff schedule (full jitter, cap, attempt limit), what is and
 * is not retried, re-signing at each attempt, awsJson/query/S3 request shapes, counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include <curl/curl.h>

#include "aws/client.h"

#define MAX_CALLS 16

struct step {
    int status;       /* HTTP status, or 0 for a transport error */
    const char *body; /* answer body */
    int fatal;        /* transport error that must not be retried */
    const char *crc;  /* x-amz-crc32 value to send, if any */
};

struct fake {
    const struct step *steps;
    size_t n_steps;
    size_t calls;
    char url[MAX_CALLS][256];
    char method[MAX_CALLS][8];
    char date[MAX_CALLS][20];
    char auth[MAX_CALLS][300];
    char sdk_request[MAX_CALLS][64];
    char invocation[MAX_CALLS][40];
    char target[MAX_CALLS][64];
    char ctype[MAX_CALLS][80];
    char sha[MAX_CALLS][70];
    char token[MAX_CALLS][64];
    char body[MAX_CALLS][512];
    unsigned sleeps[MAX_CALLS];
    size_t n_sleeps;
    uint32_t rand_value;
    time_t clock;
    /* the call's budget: a monotonic clock that sleeps move on, and (advance = 1) every
     * transport failure too, by the whole timeout it was given (an endpoint that never
     * answers) */
    int advance;
    unsigned long long ms;
    long timeout_ms[MAX_CALLS], connect_ms[MAX_CALLS];
};

static struct fake F;

static void copy_header(const struct aws_http_request *req, const char *name, char *dst, size_t n)
{
    dst[0] = '\0';
    for (size_t i = 0; i < req->n_headers; i++)
        if (!strcasecmp(req->headers[i].name, name))
            snprintf(dst, n, "%s", req->headers[i].value);
}

static int fake_transport(void *ctx, const struct aws_http_request *req,
                          struct aws_http_response *resp, struct aws_error *err)
{
    struct fake *f = ctx;
    size_t k = f->calls++;
    const struct step *s = k < f->n_steps ? &f->steps[k] : NULL;

    assert_true(k < MAX_CALLS);
    snprintf(f->url[k], sizeof f->url[k], "%s", req->url);
    snprintf(f->method[k], sizeof f->method[k], "%s", req->method);
    copy_header(req, "X-Amz-Date", f->date[k], sizeof f->date[k]);
    copy_header(req, "Authorization", f->auth[k], sizeof f->auth[k]);
    copy_header(req, "amz-sdk-request", f->sdk_request[k], sizeof f->sdk_request[k]);
    copy_header(req, "amz-sdk-invocation-id", f->invocation[k], sizeof f->invocation[k]);
    copy_header(req, "X-Amz-Target", f->target[k], sizeof f->target[k]);
    copy_header(req, "Content-Type", f->ctype[k], sizeof f->ctype[k]);
    copy_header(req, "x-amz-content-sha256", f->sha[k], sizeof f->sha[k]);
    copy_header(req, "X-Amz-Security-Token", f->token[k], sizeof f->token[k]);
    snprintf(f->body[k], sizeof f->body[k], "%.*s", (int)req->body_len,
             req->body ? (const char *)req->body : "");
    f->timeout_ms[k] = req->timeout_ms;
    f->connect_ms[k] = req->connect_timeout_ms;
    memset(resp, 0, sizeof(*resp));
    if (s && s->status == 0) {
        if (f->advance)
            f->ms += (unsigned long long)req->timeout_ms;
        err->transport = 1;
        err->retryable = !s->fatal;
        aws_error_set(err, s->fatal ? "TransportError" : "Timeout", "fake transport failure");
        return AWS_E_TRANSPORT;
    }
    resp->status = s ? s->status : 200;
    resp->body = strdup(s && s->body ? s->body : "{}");
    resp->body_len = strlen(resp->body);
    if (s && s->crc)
        aws_headers_add(&resp->headers, "x-amz-crc32", s->crc);
    aws_headers_add(&resp->headers, "x-amzn-RequestId", "REQ-1");
    return AWS_OK;
}

static void fake_sleep(void *ctx, unsigned ms)
{
    struct fake *f = ctx;
    assert_true(f->n_sleeps < MAX_CALLS);
    f->sleeps[f->n_sleeps++] = ms;
    f->ms += ms;
}

static unsigned long long fake_ms(void *ctx)
{
    return ((struct fake *)ctx)->ms;
}

static uint32_t fake_rand(void *ctx)
{
    return ((struct fake *)ctx)->rand_value;
}

static time_t fake_now(void *ctx)
{
    /* Each signature is made one second after the previous one. */
    return ((struct fake *)ctx)->clock++;
}

static void clear_aws_env(void)
{
    static const char *const vars[] = {
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_ENDPOINT_URL_EC2",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "FORKCAST_AWS_RETRY_MAXATTEMPTS",
        "FORKCAST_AWS_RETRY_BASEMS",
        "FORKCAST_AWS_RETRY_CAPMS",
        "FORKCAST_AWS_TIMEOUT_CALLMS",
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
    };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
}

/* A client on the fake transport, with fixed credentials. */
static struct aws_client *make_client(HDF *cfg, const char *service, const struct step *steps,
                                      size_t n_steps)
{
    struct aws_client *c = NULL;
    struct aws_client_hooks hooks = {
        .sleep = fake_sleep,
        .rand = fake_rand,
        .now = fake_now,
        .ms = fake_ms,
        .transport = fake_transport,
        .ctx = &F,
    };
    memset(&F, 0, sizeof F);
    F.steps = steps;
    F.n_steps = n_steps;
    F.clock = 1715949296; /* 2024-05-17T12:34:56Z */
    F.rand_value = 12345;
    assert_int_equal(aws_client_new(cfg, service, &c), AWS_OK);
    aws_client_set_hooks(c, &hooks);
    assert_int_equal(aws_client_set_credentials(c, "AKIDEXAMPLE",
                                                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL),
                     AWS_OK);
    return c;
}

static int setup(void **state)
{
    (void)state;
    clear_aws_env();
    aws_stats_reset();
    return 0;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- backoff ------------------------------------------------------------ */

static void test_delay_schedule(void **state)
{
    (void)state;
    struct fake f = {0};
    struct aws_retry_policy p = {
        .max_attempts = 4, .base_ms = 100, .cap_ms = 1000, .rand = fake_rand, .ctx = &f};
    static const unsigned ceilings[] = {100, 200, 400, 800, 1000, 1000};

    for (int retry = 0; retry < (int)N(ceilings); retry++) {
        unsigned c = ceilings[retry];
        f.rand_value = c; /* the largest draw gives the ceiling itself (inclusive) */
        assert_int_equal(aws_retry_delay_ms(&p, retry), c);
        f.rand_value = c + 1; /* wraps to 0: the smallest */
        assert_int_equal(aws_retry_delay_ms(&p, retry), 0);
        f.rand_value = UINT32_MAX;
        assert_true(aws_retry_delay_ms(&p, retry) <= c);
    }
    /* No overflow far out: stays at the cap. */
    f.rand_value = 20000;
    p.cap_ms = 20000;
    assert_int_equal(aws_retry_delay_ms(&p, 63), 20000);
    assert_int_equal(aws_retry_delay_ms(&p, 1000), 20000);
    p.base_ms = 0;
    assert_int_equal(aws_retry_delay_ms(&p, 3), 0);
}

static void test_delay_full_jitter(void **state)
{
    (void)state;
    struct aws_retry_policy p = {.max_attempts = 4, .base_ms = 100, .cap_ms = 5000};
    unsigned lo = UINT32_MAX, hi = 0;

    /* Full jitter with the real random source: uniform over [0, 800] for the 4th retry, so
     * both ends are reached (equal jitter would never go below 400). */
    for (int i = 0; i < 2000; i++) {
        unsigned d = aws_retry_delay_ms(&p, 3);
        assert_true(d <= 800);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    assert_true(lo < 100);
    assert_true(hi > 700);
}

/* ---- the retry loop ----------------------------------------------------- */

static const char VALIDATION[] = "{\"__type\":\"com.amazon.coral.validate#ValidationException\","
                                 "\"message\":\"1 validation error detected\"}";
static const char THROTTLE[] = "{\"__type\":\"com.amazon.coral.availability#ThrottlingException\","
                               "\"message\":\"Rate exceeded\"}";
static const char INTERNAL[] = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
                               "InternalServerError\",\"message\":\"Internal server error\"}";

static void test_retry_then_success(void **state)
{
    (void)state;
    static const struct step steps[] = {
        {500, INTERNAL, 0, NULL},
        {503, "", 0, NULL},
        {400, THROTTLE, 0, NULL},
        {200, "{\"Item\":{\"pk\":{\"S\":\"a\"}}}", 0, NULL},
    };
    struct aws_client *c = make_client(NULL, "dynamodb", steps, N(steps));
    struct aws_error e;
    struct aws_stats st;
    json_object *resp = NULL, *item;

    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.GetItem", NULL, &resp, &e), AWS_OK);
    assert_int_equal(e.attempts, 4);
    assert_int_equal(F.calls, 4);
    assert_true(json_object_object_get_ex(resp, "Item", &item));
    json_object_put(resp);

    /* Three sleeps, each drawn with full jitter under base * 2^retry. */
    assert_int_equal(F.n_sleeps, 3);
    assert_int_equal(F.sleeps[0], 12345 % 101);
    assert_int_equal(F.sleeps[1], 12345 % 201);
    assert_int_equal(F.sleeps[2], 12345 % 401);

    /* Signed again at every attempt: fresh X-Amz-Date, new signature, attempt counter. */
    for (size_t i = 0; i < F.calls; i++) {
        char want[64];
        snprintf(want, sizeof want, "attempt=%zu; max=4", i + 1);
        assert_string_equal(F.sdk_request[i], want);
        assert_string_equal(F.invocation[i], F.invocation[0]);
        assert_int_equal(strlen(F.invocation[i]), 36);
        assert_true(strstr(F.auth[i], "SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;"));
        if (i) {
            assert_string_not_equal(F.date[i], F.date[i - 1]);
            assert_string_not_equal(F.auth[i], F.auth[i - 1]);
        }
    }
    assert_string_equal(F.date[0], "20240517T123456Z");
    assert_string_equal(F.date[3], "20240517T123459Z");

    assert_int_equal(aws_stats_get("dynamodb", &st), AWS_OK);
    assert_int_equal(st.calls, 1);
    assert_int_equal(st.errors, 0);
    assert_int_equal(st.retries, 3);
    assert_int_equal(st.throttles, 1);
    aws_client_free(c);
}

static void test_gives_up_after_cap(void **state)
{
    (void)state;
    static const struct step steps[] = {
        {500, INTERNAL, 0, NULL}, {500, INTERNAL, 0, NULL}, {500, INTERNAL, 0, NULL},
        {500, INTERNAL, 0, NULL}, {200, "{}", 0, NULL},
    };
    struct aws_client *c = make_client(NULL, "dynamodb", steps, N(steps));
    struct aws_error e;
    struct aws_stats st;
    json_object *resp = (json_object *)&e;

    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.GetItem", NULL, &resp, &e), AWS_E_HTTP);
    assert_null(resp);
    assert_int_equal(F.calls, 4); /* default: 4 attempts, the 5th answer is never asked for */
    assert_int_equal(F.n_sleeps, 3);
    assert_int_equal(e.attempts, 4);
    assert_int_equal(e.http_status, 500);
    assert_string_equal(e.code, "InternalServerError");
    assert_string_equal(e.message, "Internal server error");
    assert_string_equal(e.request_id, "REQ-1");
    assert_int_equal(e.retryable, 1);
    assert_int_equal(e.transport, 0);
    aws_stats_get("dynamodb", &st);
    assert_int_equal(st.calls, 1);
    assert_int_equal(st.errors, 1);
    assert_int_equal(st.retries, 3);
    aws_client_free(c);
}

static void test_no_retry_on_validation(void **state)
{
    (void)state;
    static const struct step steps[] = {{400, VALIDATION, 0, NULL}, {200, "{}", 0, NULL}};
    struct aws_client *c = make_client(NULL, "dynamodb", steps, N(steps));
    struct aws_error e;
    json_object *resp = NULL;

    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.PutItem", NULL, &resp, &e), AWS_E_HTTP);
    assert_int_equal(F.calls, 1);
    assert_int_equal(F.n_sleeps, 0);
    assert_int_equal(e.attempts, 1);
    assert_int_equal(e.http_status, 400);
    assert_string_equal(e.code, "ValidationException");
    assert_string_equal(e.message, "1 validation error detected");
    assert_int_equal(e.retryable, 0);
    aws_client_free(c);

    /* Nor other 4xx, nor 501. */
    static const struct step others[] = {{403, "<Error><Code>AccessDenied</Code></Error>", 0, 0},
                                         {404, "", 0, NULL},
                                         {501, "", 0, NULL}};
    for (size_t i = 0; i < N(others); i++) {
        c = make_client(NULL, "dynamodb", &others[i], 1);
        assert_int_equal(aws_json_call(c, "DynamoDB_20120810.PutItem", NULL, &resp, &e),
                         AWS_E_HTTP);
        assert_int_equal(F.calls, 1);
        aws_client_free(c);
    }
}

static void test_throttle_codes_retried(void **state)
{
    (void)state;
    static const char *const codes[] = {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "TooManyRequestsException",
        "RequestThrottled",
        "SlowDown",
    };
    for (size_t i = 0; i < N(codes); i++) {
        char body[256];
        struct step steps[2] = {{400, body, 0, NULL}, {200, "{}", 0, NULL}};
        struct aws_error e;
        json_object *resp = NULL;
        snprintf(body, sizeof body, "{\"__type\":\"ns#%s\",\"message\":\"slow down\"}", codes[i]);
        struct aws_client *c = make_client(NULL, "dynamodb", steps, 2);
        assert_int_equal(aws_json_call(c, "DynamoDB_20120810.Query", NULL, &resp, &e), AWS_OK);
        assert_int_equal(F.calls, 2);
        json_object_put(resp);
        aws_client_free(c);
    }
    /* 429 without a body, and an XML throttle (EC2) too. */
    static const struct step s429[] = {{429, "", 0, NULL}, {200, "{}", 0, NULL}};
    struct aws_client *c = make_client(NULL, "dynamodb", s429, 2);
    json_object *resp = NULL;
    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.Query", NULL, &resp, NULL), AWS_OK);
    assert_int_equal(F.calls, 2);
    json_object_put(resp);
    aws_client_free(c);
}

static void test_transport_errors(void **state)
{
    (void)state;
    static const struct step timeouts[] = {
        {0, NULL, 0, NULL}, {0, NULL, 0, NULL}, {0, NULL, 0, NULL}, {0, NULL, 0, NULL}};
    struct aws_client *c = make_client(NULL, "dynamodb", timeouts, N(timeouts));
    struct aws_error e;
    json_object *resp = NULL;
    struct aws_stats st;

    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.GetItem", NULL, &resp, &e),
                     AWS_E_TRANSPORT);
    assert_int_equal(F.calls, 4);
    assert_int_equal(e.attempts, 4);
    assert_int_equal(e.transport, 1);
    assert_int_equal(e.http_status, 0);
    assert_string_equal(e.code, "Timeout");
    aws_client_free(c);

    static const struct step fatal[] = {{0, NULL, 1, NULL}, {200, "{}", 0, NULL}};
    c = make_client(NULL, "dynamodb", fatal, N(fatal));
    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.GetItem", NULL, &resp, &e),
                     AWS_E_TRANSPORT);
    assert_int_equal(F.calls, 1);
    aws_client_free(c);

    static const struct step recover[] = {{0, NULL, 0, NULL}, {200, "{}", 0, NULL}};
    c = make_client(NULL, "dynamodb", recover, N(recover));
    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.GetItem", NULL, &resp, &e), AWS_OK);
    assert_int_equal(F.calls, 2);
    json_object_put(resp);
    aws_client_free(c);
    aws_stats_get("dynamodb", &st);
    assert_int_equal(st.calls, 3);
    assert_int_equal(st.errors, 2);
    assert_int_equal(st.retries, 4);
}

static void test_max_attempts_settings(void **state)
{
    (void)state;
    static const struct step fail[] = {{503, "", 0, NULL}, {503, "", 0, NULL}, {503, "", 0, NULL},
                                       {503, "", 0, NULL}, {503, "", 0, NULL}, {503, "", 0, NULL}};
    HDF *cfg = NULL;
    struct aws_client *c;
    struct aws_http_response r;
    struct aws_error e;
    json_object *resp = NULL;

    /* From the configuration. */
    assert_null(hdf_init(&cfg));
    assert_null(hdf_set_value(cfg, "AWS.Retry.MaxAttempts", "2"));
    assert_null(hdf_set_value(cfg, "AWS.Retry.BaseMs", "10"));
    assert_null(hdf_set_value(cfg, "AWS.Retry.CapMs", "15"));
    c = make_client(cfg, "dynamodb", fail, N(fail));
    F.rand_value = 1000;
    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.Scan", NULL, &resp, &e), AWS_E_HTTP);
    assert_int_equal(F.calls, 2);
    assert_int_equal(e.attempts, 2);
    assert_int_equal(F.sleeps[0], 1000 % 11);
    aws_client_free(c);
    hdf_destroy(&cfg);

    /* From the environment while the key is not in the configuration. */
    setenv("FORKCAST_AWS_RETRY_MAXATTEMPTS", "6", 1);
    setenv("FORKCAST_AWS_RETRY_CAPMS", "150", 1);
    c = make_client(NULL, "dynamodb", fail, N(fail));
    F.rand_value = UINT32_MAX;
    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.Scan", NULL, &resp, &e), AWS_E_HTTP);
    assert_int_equal(F.calls, 6);
    for (size_t i = 0; i < F.n_sleeps; i++)
        assert_true(F.sleeps[i] <= 150); /* capped */
    unsetenv("FORKCAST_AWS_RETRY_MAXATTEMPTS");
    unsetenv("FORKCAST_AWS_RETRY_CAPMS");

    /* Per request, and set on the client. */
    c = (aws_client_free(c), make_client(NULL, "s3", fail, N(fail)));
    struct aws_request req = {.method = "GET", .bucket = "b1", .path = "/k", .max_attempts = 1};
    assert_int_equal(aws_request(c, &req, &r, &e), AWS_E_HTTP);
    aws_http_response_free(&r);
    assert_int_equal(F.calls, 1);
    aws_client_set_retry(c, 3, 1, 1);
    req.max_attempts = 0;
    assert_int_equal(aws_request(c, &req, &r, &e), AWS_E_HTTP);
    assert_int_equal(r.status, 503);
    aws_http_response_free(&r);
    assert_int_equal(F.calls, 4);
    aws_client_free(c);
}

static void test_crc32(void **state)
{
    (void)state;
    static const char body[] = "{\"Count\":0}";
    char good[16];
    snprintf(good, sizeof good, "%lu", crc32(0L, (const Bytef *)body, sizeof body - 1));
    const struct step steps[] = {{200, body, 0, "12345"}, {200, body, 0, good}};
    struct aws_client *c = make_client(NULL, "dynamodb", steps, N(steps));
    struct aws_error e;
    json_object *resp = NULL;

    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.Query", NULL, &resp, &e), AWS_OK);
    assert_int_equal(F.calls, 2); /* the damaged answer was fetched again */
    json_object_put(resp);
    aws_client_free(c);
}

/* ---- protocols ---------------------------------------------------------- */

static void test_json_call_shape(void **state)
{
    (void)state;
    struct aws_client *c = make_client(NULL, "dynamodb", NULL, 0);
    json_object *req = json_tokener_parse("{\"TableName\":\"forkcast\"}"), *resp = NULL;

    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.DescribeTable", req, &resp, NULL), AWS_OK);
    assert_string_equal(F.url[0], "https://dynamodb.us-east-1.amazonaws.com/");
    assert_string_equal(F.method[0], "POST");
    assert_string_equal(F.target[0], "DynamoDB_20120810.DescribeTable");
    assert_string_equal(F.ctype[0], "application/x-amz-json-1.0");
    assert_string_equal(F.body[0], "{\"TableName\":\"forkcast\"}");
    assert_true(strstr(F.auth[0], "/us-east-1/dynamodb/aws4_request") != NULL);
    assert_string_equal(F.sha[0], ""); /* only S3 sends x-amz-content-sha256 */
    json_object_put(resp);
    aws_client_free(c);

    c = make_client(NULL, "cognito-idp", NULL, 0);
    assert_int_equal(
        aws_json_call(c, "AWSCognitoIdentityProviderService.ListUsers", req, &resp, NULL), AWS_OK);
    assert_string_equal(F.url[0], "https://cognito-idp.us-east-1.amazonaws.com/");
    assert_string_equal(F.ctype[0], "application/x-amz-json-1.1");
    assert_true(strstr(F.auth[0], "/cognito-idp/aws4_request") != NULL);
    json_object_put(resp);
    aws_client_free(c);

    c = make_client(NULL, "personalize-runtime", NULL, 0);
    assert_int_equal(aws_rest_json_call(c, "POST", "/recommendations?x=1", req, &resp, NULL),
                     AWS_OK);
    assert_string_equal(F.url[0],
                        "https://personalize-runtime.us-east-1.amazonaws.com/recommendations?x=1");
    assert_string_equal(F.ctype[0], "application/json");
    assert_string_equal(F.target[0], "");
    assert_true(strstr(F.auth[0], "/us-east-1/personalize/aws4_request") != NULL);
    json_object_put(resp);
    aws_client_free(c);
    json_object_put(req);

    /* A 2xx answer that is not JSON. */
    static const struct step bad[] = {{200, "<html>", 0, NULL}};
    c = make_client(NULL, "dynamodb", bad, 1);
    struct aws_error e;
    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.Scan", NULL, &resp, &e), AWS_E_PARSE);
    assert_null(resp);
    assert_string_equal(e.code, "ParseError");
    aws_client_free(c);
}

static void test_query_call_shape(void **state)
{
    (void)state;
    static const struct step ok[] = {
        {200,
         "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
         "<requestId>r1</requestId><reservationSet/></DescribeInstancesResponse>",
         0, NULL}};
    struct aws_client *c = make_client(NULL, "ec2", ok, 1);
    const struct aws_param params[] = {{"Filter.1.Name", "tag:Name"},
                                       {"Filter.1.Value.1", "web server & co"}};
    xmlDoc *doc = NULL;

    assert_int_equal(aws_query_call(c, "DescribeInstances", "2016-11-15", params, 2, &doc, NULL),
                     AWS_OK);
    assert_non_null(doc);
    assert_string_equal((const char *)xmlDocGetRootElement(doc)->name, "DescribeInstancesResponse");
    xmlFreeDoc(doc);
    assert_string_equal(F.url[0], "https://ec2.us-east-1.amazonaws.com/");
    assert_string_equal(F.ctype[0], "application/x-www-form-urlencoded; charset=utf-8");
    assert_string_equal(F.body[0], "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name="
                                   "tag%3AName&Filter.1.Value.1=web+server+%26+co");
    assert_true(strstr(F.auth[0], "/ec2/aws4_request") != NULL);
    aws_client_free(c);
}

static void test_s3_request_shape(void **state)
{
    (void)state;
    static const char body[] = "Spring menu";
    char want[65];
    struct aws_client *c = make_client(NULL, "s3", NULL, 0);
    struct sigv4_header h = {"Content-Type", "text/plain"};
    struct aws_request req = {.method = "PUT",
                              .bucket = "forkcast-media",
                              .path = "/menus/spring%20menu.txt",
                              .headers = &h,
                              .n_headers = 1,
                              .body = body,
                              .body_len = strlen(body)};
    struct aws_http_response r;
    char *url = NULL;

    assert_int_equal(aws_request(c, &req, &r, NULL), AWS_OK);
    aws_http_response_free(&r);
    sigv4_sha256_hex(body, strlen(body), want);
    assert_string_equal(F.sha[0], want);
    assert_string_equal(
        F.url[0], "https://forkcast-media.s3.us-east-1.amazonaws.com/menus/spring%20menu.txt");
    assert_true(strstr(F.auth[0], "x-amz-content-sha256") != NULL);
    assert_string_equal(F.ctype[0], "text/plain");

    /* Dotted bucket: path style even on AWS (TLS names). Unsigned payload on request. */
    req.bucket = "forkcast.media";
    req.payload_hash = SIGV4_UNSIGNED_PAYLOAD;
    assert_int_equal(aws_request(c, &req, &r, NULL), AWS_OK);
    aws_http_response_free(&r);
    assert_string_equal(
        F.url[1], "https://s3.us-east-1.amazonaws.com/forkcast.media/menus/spring%20menu.txt");
    assert_string_equal(F.sha[1], "UNSIGNED-PAYLOAD");

    assert_int_equal(aws_presign(c, "GET", "forkcast-media", "/a.jpg", 900, &url, NULL), AWS_OK);
    assert_true(strncmp(url, "https://forkcast-media.s3.us-east-1.amazonaws.com/a.jpg?", 56) == 0);
    assert_true(strstr(url, "X-Amz-Expires=900") != NULL);
    free(url);
    req.bucket = "bad/bucket";
    assert_int_equal(aws_request(c, &req, &r, NULL), AWS_ERR);
    aws_client_free(c);

    /* Overridden endpoint: path style. */
    setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000/", 1);
    c = make_client(NULL, "s3", NULL, 0);
    req.bucket = "forkcast-media";
    req.query = "uploads";
    assert_int_equal(aws_request(c, &req, &r, NULL), AWS_OK);
    aws_http_response_free(&r);
    assert_string_equal(F.url[0],
                        "http://127.0.0.1:9000/forkcast-media/menus/spring%20menu.txt?uploads");
    /* Bucket operations: "/bucket" by path, "/" on the bucket's host. */
    struct aws_request breq = {.method = "PUT", .bucket = "forkcast-media"};
    assert_int_equal(aws_request(c, &breq, &r, NULL), AWS_OK);
    aws_http_response_free(&r);
    assert_string_equal(F.url[1], "http://127.0.0.1:9000/forkcast-media");
    unsetenv("AWS_ENDPOINT_URL_S3");
    aws_client_free(c);
    c = make_client(NULL, "s3", NULL, 0);
    assert_int_equal(aws_request(c, &breq, &r, NULL), AWS_OK);
    aws_http_response_free(&r);
    assert_string_equal(F.url[0], "https://forkcast-media.s3.us-east-1.amazonaws.com/");
    breq.path = "no-slash";
    assert_int_equal(aws_request(c, &breq, &r, NULL), AWS_ERR);
    aws_client_free(c);
}

static void test_session_token(void **state)
{
    (void)state;
    struct aws_client *c = make_client(NULL, "dynamodb", NULL, 0);
    json_object *resp = NULL;

    assert_int_equal(aws_client_set_credentials(c, "ASIAEXAMPLE", "secret", "FwoGZXIvYXdzEXAMPLE"),
                     AWS_OK);
    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.ListTables", NULL, &resp, NULL), AWS_OK);
    assert_string_equal(F.token[0], "FwoGZXIvYXdzEXAMPLE");
    assert_true(strstr(F.auth[0], "Credential=ASIAEXAMPLE/20240517/") != NULL);
    assert_true(strstr(F.auth[0], "x-amz-security-token") != NULL);
    json_object_put(resp);
    aws_client_free(c);
}

static void test_no_credentials(void **state)
{
    (void)state;
    struct aws_client *c = NULL;
    struct aws_client_hooks hooks = {.transport = fake_transport, .sleep = fake_sleep, .ctx = &F};
    struct aws_error e;
    json_object *resp = NULL;

    memset(&F, 0, sizeof F);
    assert_int_equal(aws_client_new(NULL, "dynamodb", &c), AWS_OK);
    aws_client_set_hooks(c, &hooks);
    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.ListTables", NULL, &resp, &e),
                     AWS_E_CREDS);
    assert_int_equal(F.calls, 0);
    assert_int_equal(F.n_sleeps, 0);
    assert_string_equal(e.code, "NoCredentials");
    assert_true(strstr(e.message, "instance metadata disabled") != NULL);
    aws_client_free(c);

    /* Anonymous (Cognito's public operations): sent unsigned, no credentials needed. */
    assert_int_equal(aws_client_new(NULL, "cognito-idp", &c), AWS_OK);
    aws_client_set_hooks(c, &hooks);
    aws_client_set_anonymous(c, 1);
    assert_int_equal(
        aws_json_call(c, "AWSCognitoIdentityProviderService.InitiateAuth", NULL, &resp, &e),
        AWS_OK);
    assert_int_equal(F.calls, 1);
    assert_string_equal(F.auth[0], "");
    assert_string_equal(F.date[0], "");
    assert_string_equal(F.sdk_request[0], "attempt=1; max=4");
    json_object_put(resp);
    aws_client_set_anonymous(c, 0);
    assert_int_equal(
        aws_json_call(c, "AWSCognitoIdentityProviderService.ListUsers", NULL, &resp, &e),
        AWS_E_CREDS);
    aws_client_free(c);
}

/* ---- the call's time budget (AWS.Timeout.CallMs) ------------------------ */

static void test_call_budget(void **state)
{
    (void)state;
    static const struct step hang[] = {{0, NULL, 0, NULL}, {0, NULL, 0, NULL}, {0, NULL, 0, NULL},
                                       {0, NULL, 0, NULL}, {0, NULL, 0, NULL}, {0, NULL, 0, NULL}};
    static const struct step slow_ok[] = {{0, NULL, 0, NULL}, {200, "{}", 0, NULL}};
    HDF *cfg = NULL;
    struct aws_client *c;
    struct aws_error e;
    struct aws_stats st;
    json_object *resp = NULL;
    unsigned long long spent = 0;

    /* An endpoint that never answers: 6 attempts of 1 s would take 6 s and more; the call
     * budget of 2.5 s (from the configuration) stops it, the last attempt getting only what
     * is left, and the error is the last attempt's. */
    assert_null(hdf_init(&cfg));
    assert_null(hdf_set_value(cfg, "AWS.Retry.MaxAttempts", "6"));
    assert_null(hdf_set_value(cfg, "AWS.Retry.BaseMs", "100"));
    assert_null(hdf_set_value(cfg, "AWS.Retry.CapMs", "200"));
    assert_null(hdf_set_value(cfg, "AWS.Timeout.ConnectMs", "800"));
    assert_null(hdf_set_value(cfg, "AWS.Timeout.TotalMs", "1000"));
    assert_null(hdf_set_value(cfg, "AWS.Timeout.CallMs", "2500"));
    c = make_client(cfg, "dynamodb", hang, N(hang));
    F.advance = 1;
    F.rand_value = 1000; /* delays 1000 % 101 = 91, then 1000 % 201 = 196 */
    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.GetItem", NULL, &resp, &e),
                     AWS_E_TRANSPORT);
    assert_string_equal(e.code, "Timeout");
    assert_int_equal(F.calls, 3);
    assert_int_equal(e.attempts, 3);
    assert_int_equal(F.timeout_ms[0], 1000);
    assert_int_equal(F.timeout_ms[1], 1000);
    assert_int_equal(F.sleeps[0], 91);
    assert_int_equal(F.sleeps[1], 196);
    /* what was left: 2500 - 1000 - 91 - 1000 - 196 */
    assert_int_equal(F.timeout_ms[2], 213);
    assert_int_equal(F.connect_ms[0], 800);
    assert_int_equal(F.connect_ms[2], 213);
    assert_true(F.ms == 2500);
    assert_int_equal(aws_stats_get("dynamodb", &st), AWS_OK);
    assert_int_equal(st.budget_stops, 1);
    assert_int_equal(st.retries, 2);
    aws_client_free(c);
    hdf_destroy(&cfg);

    /* No retry is started with less than AWS_MIN_ATTEMPT_MS left after its backoff. */
    c = make_client(NULL, "dynamodb", hang, N(hang));
    aws_client_set_retry(c, 6, 100, 100);
    aws_client_set_timeouts(c, 0, 1000);
    aws_client_set_call_timeout(c, 1000 + 50 + AWS_MIN_ATTEMPT_MS - 1);
    F.advance = 1;
    F.rand_value = 50; /* every delay 50 */
    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.GetItem", NULL, &resp, &e),
                     AWS_E_TRANSPORT);
    assert_int_equal(F.calls, 1);
    assert_int_equal(F.n_sleeps, 0);
    assert_int_equal(e.attempts, 1);
    aws_client_free(c);

    /* Budget 0: only the attempts' own limits, every attempt made. */
    c = make_client(NULL, "dynamodb", hang, N(hang));
    aws_client_set_retry(c, 6, 100, 100);
    aws_client_set_timeouts(c, 0, 1000);
    aws_client_set_call_timeout(c, 0);
    F.advance = 1;
    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.GetItem", NULL, &resp, &e),
                     AWS_E_TRANSPORT);
    assert_int_equal(F.calls, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(F.timeout_ms[i], 1000);
    aws_client_free(c);

    /* The default (AWS_CALL_TIMEOUT_MS, 15 s) with the default attempts (4 of 10 s): a
     * never-answering endpoint costs at most the budget, not the 40 s of four attempts. */
    c = make_client(NULL, "dynamodb", hang, N(hang));
    F.advance = 1;
    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.GetItem", NULL, &resp, &e),
                     AWS_E_TRANSPORT);
    for (size_t i = 0; i < F.calls; i++)
        spent += (unsigned long long)F.timeout_ms[i];
    for (size_t i = 0; i < F.n_sleeps; i++)
        spent += F.sleeps[i];
    assert_true(spent == F.ms);
    assert_true(F.ms <= AWS_CALL_TIMEOUT_MS);
    assert_int_equal(F.calls, 2);
    aws_client_free(c);

    /* A retry that succeeds within the budget is unaffected. */
    c = make_client(NULL, "dynamodb", slow_ok, N(slow_ok));
    aws_client_set_timeouts(c, 0, 1000);
    aws_client_set_call_timeout(c, 2500);
    F.advance = 1;
    assert_int_equal(aws_json_call(c, "DynamoDB_20120810.GetItem", NULL, &resp, &e), AWS_OK);
    assert_int_equal(F.calls, 2);
    assert_int_equal(F.timeout_ms[1], 1000);
    json_object_put(resp);
    aws_client_free(c);
}

/* One list of the libcurl failures worth another attempt, for the client and the backup
 * transfers alike (the transfers' own copy had CURLE_WEIRD_SERVER_REPLY, the client's not). */
static void test_curl_failures_shared(void **state)
{
    struct aws_error e;
    (void)state;
    assert_true(aws_http_curl_retryable(CURLE_COULDNT_CONNECT));
    assert_true(aws_http_curl_retryable(CURLE_OPERATION_TIMEDOUT));
    assert_true(aws_http_curl_retryable(CURLE_WEIRD_SERVER_REPLY));
    assert_false(aws_http_curl_retryable(CURLE_URL_MALFORMAT));
    assert_false(aws_http_curl_retryable(CURLE_PEER_FAILED_VERIFICATION));
    aws_error_clear(&e);
    e.http_status = 503;
    aws_http_transport_error(&e, CURLE_OPERATION_TIMEDOUT, "timed out after 400 ms");
    assert_string_equal(e.code, "Timeout");
    assert_string_equal(e.message, "timed out after 400 ms");
    assert_int_equal(e.http_status, 0);
    assert_true(e.transport && e.retryable);
    aws_http_transport_error(&e, CURLE_URL_MALFORMAT, "");
    assert_string_equal(e.code, "TransportError");
    assert_true(e.message[0] != '\0'); /* libcurl's words */
    assert_false(e.retryable);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_delay_schedule, setup),
        cmocka_unit_test_setup(test_delay_full_jitter, setup),
        cmocka_unit_test_setup(test_retry_then_success, setup),
        cmocka_unit_test_setup(test_gives_up_after_cap, setup),
        cmocka_unit_test_setup(test_no_retry_on_validation, setup),
        cmocka_unit_test_setup(test_throttle_codes_retried, setup),
        cmocka_unit_test_setup(test_transport_errors, setup),
        cmocka_unit_test_setup(test_max_attempts_settings, setup),
        cmocka_unit_test_setup(test_crc32, setup),
        cmocka_unit_test_setup(test_json_call_shape, setup),
        cmocka_unit_test_setup(test_query_call_shape, setup),
        cmocka_unit_test_setup(test_s3_request_shape, setup),
        cmocka_unit_test_setup(test_session_token, setup),
        cmocka_unit_test_setup(test_no_credentials, setup),
        cmocka_unit_test_setup(test_call_budget, setup),
        cmocka_unit_test(test_curl_failures_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
