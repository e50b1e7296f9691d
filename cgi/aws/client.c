/* aws/client: signed AWS calls with retries (full-jitter backoff), protocol helpers, counters. */
#include "aws/client.h"
#include "core/buf.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <openssl/crypto.h>
#include <zlib.h>

#define MAX_CALLER_HEADERS 32
/* Per-attempt headers the client adds before signing: amz-sdk-invocation-id, -request. */
#define OWN_HEADERS 2

struct aws_client {
    const struct aws_service *svc;
    char region[AWS_REGION_MAX];
    struct aws_endpoint ep;
    struct aws_http *http;
    struct aws_creds_provider *provider;
    struct aws_creds fixed; /* aws_client_set_credentials */
    int use_fixed;
    int anonymous; /* aws_client_set_anonymous */
    struct aws_retry_policy retry;
    long connect_ms;
    long total_ms;
    long call_ms; /* 0: no budget for a whole call */
    aws_clock_fn now;
    aws_ms_clock_fn ms;
    aws_transport_fn transport;
    void *hook_ctx;
};

/* The only state shared between clients: the counters of the metrics page. */
static struct aws_stats stats[AWS_SVC_COUNT];

/* ---- life cycle --------------------------------------------------------- */

static unsigned clamp_ms(int v, unsigned def)
{
    return v >= 0 ? (unsigned)v : def;
}

int aws_client_new(HDF *cfg, const char *service, struct aws_client **out)
{
    struct aws_client *c = NULL;
    int rc = AWS_ERR, v;

    if (!out)
        return AWS_ERR;
    *out = NULL;
    c = calloc(1, sizeof(*c));
    if (!c)
        goto out;
    c->svc = aws_service_find(service);
    if (!c->svc || aws_region_resolve(cfg, c->region, sizeof c->region) ||
        aws_endpoint_resolve(cfg, c->svc, c->region, &c->ep))
        goto out;
    if (aws_http_new(&c->http) || aws_creds_provider_new(c->http, &c->provider))
        goto out;
    v = aws_config_int(cfg, "AWS.Retry.MaxAttempts", AWS_RETRY_MAX_ATTEMPTS);
    c->retry.max_attempts = v >= 1 ? v : AWS_RETRY_MAX_ATTEMPTS;
    c->retry.base_ms =
        clamp_ms(aws_config_int(cfg, "AWS.Retry.BaseMs", AWS_RETRY_BASE_MS), AWS_RETRY_BASE_MS);
    c->retry.cap_ms =
        clamp_ms(aws_config_int(cfg, "AWS.Retry.CapMs", AWS_RETRY_CAP_MS), AWS_RETRY_CAP_MS);
    c->retry.sleep = aws_sleep_default;
    c->retry.rand = aws_rand_default;
    v = aws_config_int(cfg, "AWS.Timeout.ConnectMs", AWS_CONNECT_TIMEOUT_MS);
    c->connect_ms = v > 0 ? v : AWS_CONNECT_TIMEOUT_MS;
    v = aws_config_int(cfg, "AWS.Timeout.TotalMs", AWS_TOTAL_TIMEOUT_MS);
    c->total_ms = v > 0 ? v : AWS_TOTAL_TIMEOUT_MS;
    v = aws_config_int(cfg, "AWS.Timeout.CallMs", AWS_CALL_TIMEOUT_MS);
    c->call_ms = v >= 0 ? v : AWS_CALL_TIMEOUT_MS;
    *out = c;
    c = NULL;
    rc = AWS_OK;
out:
    aws_client_free(c);
    return rc;
}

void aws_client_free(struct aws_client *c)
{
    if (!c)
        return;
    aws_creds_provider_free(c->provider);
    aws_http_free(c->http);
    aws_creds_clear(&c->fixed);
    free(c);
}

const struct aws_service *aws_client_service(const struct aws_client *c)
{
    return c ? c->svc : NULL;
}

const char *aws_client_region(const struct aws_client *c)
{
    return c ? c->region : NULL;
}

const struct aws_endpoint *aws_client_endpoint(const struct aws_client *c)
{
    return c ? &c->ep : NULL;
}

void aws_client_set_timeouts(struct aws_client *c, long connect_ms, long total_ms)
{
    if (!c)
        return;
    if (connect_ms > 0)
        c->connect_ms = connect_ms;
    if (total_ms > 0)
        c->total_ms = total_ms;
}

void aws_client_set_call_timeout(struct aws_client *c, long call_ms)
{
    if (c && call_ms >= 0)
        c->call_ms = call_ms;
}

void aws_client_set_retry(struct aws_client *c, int max_attempts, unsigned base_ms, unsigned cap_ms)
{
    if (!c || max_attempts <= 0)
        return;
    c->retry.max_attempts = max_attempts;
    c->retry.base_ms = base_ms;
    c->retry.cap_ms = cap_ms;
}

int aws_client_set_credentials(struct aws_client *c, const char *access_key_id,
                               const char *secret_access_key, const char *session_token)
{
    if (!c || !access_key_id || !*access_key_id || !secret_access_key || !*secret_access_key)
        return AWS_ERR;
    aws_creds_clear(&c->fixed);
    if (fc_strlcpy(c->fixed.access_key_id, access_key_id, sizeof c->fixed.access_key_id) >=
            sizeof c->fixed.access_key_id ||
        fc_strlcpy(c->fixed.secret_access_key, secret_access_key,
                   sizeof c->fixed.secret_access_key) >= sizeof c->fixed.secret_access_key ||
        fc_strlcpy(c->fixed.session_token, session_token ? session_token : "",
                   sizeof c->fixed.session_token) >= sizeof c->fixed.session_token) {
        aws_creds_clear(&c->fixed);
        c->use_fixed = 0;
        return AWS_ERR;
    }
    c->use_fixed = 1;
    return AWS_OK;
}

void aws_client_set_anonymous(struct aws_client *c, int on)
{
    if (c)
        c->anonymous = on != 0;
}

void aws_client_set_hooks(struct aws_client *c, const struct aws_client_hooks *hooks)
{
    if (!c || !hooks)
        return;
    if (hooks->sleep)
        c->retry.sleep = hooks->sleep;
    if (hooks->rand)
        c->retry.rand = hooks->rand;
    c->retry.ctx = hooks->ctx;
    c->now = hooks->now;
    c->ms = hooks->ms;
    c->transport = hooks->transport;
    c->hook_ctx = hooks->ctx;
}

static time_t client_now(const struct aws_client *c)
{
    return c->now ? c->now(c->hook_ctx) : time(NULL);
}

int aws_client_credentials(struct aws_client *c, const struct aws_creds **out,
                           struct aws_error *err)
{
    if (!c || !out)
        return AWS_ERR;
    if (c->use_fixed) {
        *out = &c->fixed;
        return AWS_OK;
    }
    return aws_creds_provider_get(c->provider, client_now(c), out, err);
}

/* ---- helpers ------------------------------------------------------------ */

/* Percent-encodes s: RFC 3986 unreserved bytes kept, '/' kept when keep_slash. With form,
 * a space becomes '+' (application/x-www-form-urlencoded, as botocore's urlencode writes query
 * bodies; moto rebuilds the body that way to check the signature). */
static void buf_encode_mode(struct fc_buf *b, const char *s, int keep_slash, int form)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '.' || ch == '_' || ch == '~' || (keep_slash && ch == '/')) {
            fc_buf_putn(b, (const char *)&ch, 1);
        } else if (form && ch == ' ') {
            fc_buf_putn(b, "+", 1);
        } else {
            char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            fc_buf_putn(b, e, 3);
        }
    }
}

static void buf_encode(struct fc_buf *b, const char *s, int keep_slash)
{
    buf_encode_mode(b, s, keep_slash, 0);
}

static void buf_form(struct fc_buf *b, const char *s)
{
    buf_encode_mode(b, s, 0, 1);
}

char *aws_uri_encode(const char *s, int keep_slash)
{
    struct fc_buf b = {0};

    if (!s)
        return NULL;
    fc_buf_putn(&b, "", 0);
    buf_encode(&b, s, keep_slash);
    if (b.err) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* A bucket name usable as a DNS label under TLS: 3-63 of [a-z0-9-], no dots. */
static int bucket_virtual_ok(const char *b)
{
    size_t n = strlen(b);

    if (n < 3 || n > 63 || b[0] == '-' || b[n - 1] == '-')
        return 0;
    for (; *b; b++)
        if (!((*b >= 'a' && *b <= 'z') || (*b >= '0' && *b <= '9') || *b == '-'))
            return 0;
    return 1;
}

int aws_s3_bucket_ok(const char *b)
{
    if (!b || !*b || strlen(b) > 255)
        return 0;
    for (; *b; b++)
        if (!((*b >= 'a' && *b <= 'z') || (*b >= 'A' && *b <= 'Z') || (*b >= '0' && *b <= '9') ||
              *b == '-' || *b == '.' || *b == '_'))
            return 0;
    return 1;
}

/* The request URL: endpoint (with the bucket as host label or first path segment), path,
 * query. */
static int build_url(const struct aws_client *c, const char *bucket, const char *path,
                     const char *query, struct fc_buf *b)
{
    const char *url = c->ep.url;
    const char *host = strstr(url, "://") + 3;

    if (path && *path != '/')
        return AWS_ERR;
    if (bucket) {
        if (!aws_s3_bucket_ok(bucket))
            return AWS_ERR;
        if (!c->ep.overridden && bucket_virtual_ok(bucket)) {
            fc_buf_putn(b, url, (size_t)(host - url));
            fc_buf_puts(b, bucket);
            fc_buf_puts(b, ".");
            fc_buf_puts(b, host);
        } else {
            fc_buf_puts(b, url);
            fc_buf_puts(b, "/");
            fc_buf_puts(b, bucket);
            if (!path || !strcmp(path, "/"))
                path = ""; /* "/bucket", as botocore sends bucket operations */
        }
    } else {
        fc_buf_puts(b, url);
    }
    fc_buf_puts(b, path ? path : "/");
    if (query && *query) {
        fc_buf_puts(b, "?");
        fc_buf_puts(b, query);
    }
    return b->err ? AWS_ERR : AWS_OK;
}

char *aws_client_url(const struct aws_client *c, const char *bucket, const char *path,
                     const char *query)
{
    struct fc_buf url = {0};
    if (!c || build_url(c, bucket, path, query, &url)) {
        free(url.p);
        return NULL;
    }
    return url.p;
}

const struct aws_retry_policy *aws_client_retry(const struct aws_client *c)
{
    return c ? &c->retry : NULL;
}

long aws_client_connect_ms(const struct aws_client *c)
{
    return c ? c->connect_ms : AWS_CONNECT_TIMEOUT_MS;
}

long aws_client_total_ms(const struct aws_client *c)
{
    return c ? c->total_ms : AWS_TOTAL_TIMEOUT_MS;
}

static unsigned long long monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000ull + (unsigned long long)ts.tv_nsec / 1000000ull;
}

static unsigned long long client_ms(const struct aws_client *c)
{
    return c->ms ? c->ms(c->hook_ctx) : monotonic_ms();
}

/* 1 when the answer carries an x-amz-crc32 (DynamoDB) that does not match its body. */
static int crc32_mismatch(const struct aws_http_response *resp)
{
    const char *h = aws_headers_get(&resp->headers, "x-amz-crc32");
    unsigned long want, got;
    char *end;

    if (!h || !*h)
        return 0;
    want = strtoul(h, &end, 10);
    if (*end)
        return 0;
    got = crc32(0L, (const Bytef *)resp->body, (uInt)resp->body_len);
    return want != got;
}

/* Signs one attempt with creds (the body stands for itself through hash). 0 or -1. */
static int sign_with(const struct aws_client *c, const struct aws_creds *creds, const char *method,
                     const char *url, const struct sigv4_header *hdrs, size_t n, const char *hash,
                     struct sigv4_signed *sig)
{
    struct sigv4_credentials sc = {creds->access_key_id, creds->secret_access_key,
                                   creds->session_token};
    struct sigv4_request sr = {
        .method = method,
        .url = url,
        .headers = hdrs,
        .n_headers = n,
        .payload_hash = hash,
        .region = c->region,
        .service = c->svc->signing_name,
        .time = client_now(c),
        .flags = c->svc->id == AWS_SVC_S3 ? SIGV4_S3 : 0,
    };
    return sigv4_sign(&sr, &sc, sig);
}

int aws_client_sign(struct aws_client *c, const char *method, const char *url,
                    const struct sigv4_header *headers, size_t n_headers, const char *payload_hash,
                    struct sigv4_signed *sig, struct aws_error *err)
{
    const struct aws_creds *creds = NULL;
    int rc;

    if (!c || !method || !url || !payload_hash || (n_headers && !headers) || !sig) {
        aws_error_set(err, "InvalidArgument", "bad request to sign");
        return AWS_ERR;
    }
    rc = aws_client_credentials(c, &creds, err);
    if (rc != AWS_OK)
        return rc;
    if (sign_with(c, creds, method, url, headers, n_headers, payload_hash, sig)) {
        sigv4_signed_free(sig);
        aws_error_set(err, "InvalidArgument", "cannot sign the request");
        return AWS_ERR;
    }
    return AWS_OK;
}

/* ---- the request loop --------------------------------------------------- */

int aws_request(struct aws_client *c, const struct aws_request *req, struct aws_http_response *resp,
                struct aws_error *err)
{
    struct aws_error local;
    struct fc_buf url = {0};
    struct sigv4_header hdrs[MAX_CALLER_HEADERS + OWN_HEADERS + SIGV4_MAX_OUT_HEADERS];
    struct sigv4_signed sig = {0};
    char payload_hash[65], invocation[37], attempt_hdr[64];
    unsigned char rnd[16];
    const char *hash;
    int rc = AWS_ERR, max_attempts, attempt = 0, is_s3;
    unsigned long long started = monotonic_ms(), deadline = 0;
    struct aws_stats *st;

    if (!err)
        err = &local;
    aws_error_clear(err);
    if (resp)
        memset(resp, 0, sizeof(*resp));
    if (!c || !req || !resp || !req->method || (req->n_headers && !req->headers) ||
        req->n_headers > MAX_CALLER_HEADERS || (req->body_len && !req->body)) {
        aws_error_set(err, "InvalidArgument", "bad AWS request");
        return AWS_ERR;
    }
    st = &stats[c->svc->id];
    st->calls++;
    is_s3 = c->svc->id == AWS_SVC_S3;
    max_attempts = req->max_attempts > 0 ? req->max_attempts : c->retry.max_attempts;
    if (c->call_ms > 0)
        deadline = client_ms(c) + (unsigned long long)c->call_ms;
    if (build_url(c, req->bucket, req->path, req->query, &url)) {
        aws_error_set(err, "InvalidArgument", "bad bucket or path");
        goto out;
    }
    /* The body is hashed once; the signature is made again at every attempt. */
    if (req->payload_hash) {
        hash = req->payload_hash;
    } else {
        if (sigv4_sha256_hex(req->body, req->body_len, payload_hash)) {
            aws_error_set(err, "InternalError", "cannot hash the body");
            goto out;
        }
        hash = payload_hash;
    }
    if (fc_random(rnd, sizeof rnd) != FC_OK) {
        aws_error_set(err, "InternalError", "no randomness");
        goto out;
    }
    rnd[6] = (unsigned char)((rnd[6] & 0x0f) | 0x40); /* a version 4 UUID */
    rnd[8] = (unsigned char)((rnd[8] & 0x3f) | 0x80);
    snprintf(invocation, sizeof invocation,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
             rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7], rnd[8], rnd[9], rnd[10], rnd[11],
             rnd[12], rnd[13], rnd[14], rnd[15]);

    for (attempt = 1; attempt <= max_attempts; attempt++) {
        const struct aws_creds *creds = NULL;
        size_t n = 0;
        int retry = 0;
        long timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : c->total_ms;
        long connect_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms : c->connect_ms;

        if (attempt > 1) {
            unsigned delay = aws_retry_delay_ms(&c->retry, attempt - 2);
            /* no retry that the call's budget cannot wait for and give a fair chance: the
             * last attempt's error stands */
            if (deadline && client_ms(c) + delay + AWS_MIN_ATTEMPT_MS > deadline) {
                st->budget_stops++;
                attempt--;
                break;
            }
            st->retries++;
            c->retry.sleep(c->retry.ctx, delay);
        }
        if (deadline) {
            unsigned long long now = client_ms(c);
            long left = now < deadline ? (long)(deadline - now) : 1;
            if (timeout_ms > left)
                timeout_ms = left;
            if (connect_ms > timeout_ms)
                connect_ms = timeout_ms;
        }
        aws_http_response_free(resp);
        sigv4_signed_free(&sig);
        if (!c->anonymous) {
            rc = aws_client_credentials(c, &creds, err);
            if (rc != AWS_OK)
                break; /* no credentials: trying again will not help */
        }

        for (size_t i = 0; i < req->n_headers; i++)
            hdrs[n++] = req->headers[i];
        snprintf(attempt_hdr, sizeof attempt_hdr, "attempt=%d; max=%d", attempt, max_attempts);
        hdrs[n++] = (struct sigv4_header){"amz-sdk-invocation-id", invocation};
        hdrs[n++] = (struct sigv4_header){"amz-sdk-request", attempt_hdr};
        if (creds) {
            if (sign_with(c, creds, req->method, url.p, hdrs, n, hash, &sig)) {
                aws_error_set(err, "InvalidArgument", "cannot sign the request");
                rc = AWS_ERR;
                break;
            }
            for (size_t i = 0; i < sig.n_headers; i++)
                hdrs[n++] = (struct sigv4_header){sig.headers[i].name, sig.headers[i].value};
        } else if (is_s3) {
            hdrs[n++] = (struct sigv4_header){"x-amz-content-sha256", hash};
        }

        struct aws_http_request hr = {
            .method = req->method,
            .url = url.p,
            .headers = hdrs,
            .n_headers = n,
            .body = req->body,
            .body_len = req->body_len,
            .connect_timeout_ms = connect_ms,
            .timeout_ms = timeout_ms,
        };
        aws_error_clear(err);
        rc = c->transport ? c->transport(c->hook_ctx, &hr, resp, err)
                          : aws_http_perform(c->http, &hr, resp, err);
        if (rc == AWS_E_TRANSPORT) {
            retry = err->retryable;
        } else if (rc != AWS_OK) {
            break;
        } else if (resp->status >= 200 && resp->status < 300) {
            if (!crc32_mismatch(resp)) {
                rc = AWS_OK;
                break;
            }
            aws_error_set(err, "CRC32CheckFailed", "the answer's x-amz-crc32 does not match");
            err->http_status = resp->status;
            err->transport = err->retryable = retry = 1;
            rc = AWS_E_TRANSPORT;
        } else {
            aws_error_parse(err, resp->status, &resp->headers, resp->body, resp->body_len);
            if (aws_error_is_throttle(err->code) || resp->status == 429)
                st->throttles++;
            retry = err->retryable;
            rc = AWS_E_HTTP;
        }
        if (!retry)
            break;
    }
    if (attempt > max_attempts)
        attempt = max_attempts;
out:
    err->attempts = attempt;
    if (rc != AWS_OK)
        st->errors++;
    st->latency_ms += monotonic_ms() - started;
    sigv4_signed_free(&sig);
    free(url.p);
    return rc;
}

/* ---- protocols ---------------------------------------------------------- */

/* Parses a JSON answer body into *out (new: the caller puts it): {} when empty. AWS_OK or
 * AWS_E_PARSE. */
static int parse_json_body(const struct aws_http_response *resp, json_object **out,
                           struct aws_error *err)
{
    json_tokener *tok;
    json_object *o = NULL;
    size_t i = 0;

    while (i < resp->body_len && strchr(" \t\r\n", resp->body[i]))
        i++;
    if (i == resp->body_len) {
        *out = json_object_new_object();
        return *out ? AWS_OK : AWS_ERR;
    }
    if (resp->body_len > 0x7fffffff || !(tok = json_tokener_new()))
        return AWS_ERR;
    o = json_tokener_parse_ex(tok, resp->body, (int)resp->body_len);
    if (!o || json_tokener_get_error(tok) != json_tokener_success ||
        !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        o = NULL;
    }
    json_tokener_free(tok);
    if (!o) {
        if (err) {
            err->http_status = resp->status;
            aws_error_set(err, "ParseError", "the answer is not a JSON object");
        }
        return AWS_E_PARSE;
    }
    *out = o;
    return AWS_OK;
}

static int json_request(struct aws_client *c, const char *method, const char *path,
                        const char *target, json_object *req, json_object **resp,
                        struct aws_error *err)
{
    struct sigv4_header hdrs[2];
    struct aws_http_response r = {0};
    struct fc_buf p = {0}, q = {0};
    const char *body = NULL, *qmark;
    size_t n = 0;
    int rc;

    if (resp)
        *resp = NULL;
    if (!c || !resp || !path) {
        aws_error_clear(err);
        aws_error_set(err, "InvalidArgument", "bad JSON call");
        return AWS_ERR;
    }
    if (req || target) {
        body = req ? json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN) : "{}";
        if (!body) {
            aws_error_clear(err);
            aws_error_set(err, "OutOfMemory", "cannot serialise the request");
            return AWS_ERR;
        }
    }
    hdrs[n++] = (struct sigv4_header){"Content-Type", target && c->svc->json_content_type
                                                          ? c->svc->json_content_type
                                                          : "application/json"};
    if (target)
        hdrs[n++] = (struct sigv4_header){"X-Amz-Target", target};
    qmark = strchr(path, '?');
    fc_buf_putn(&p, path, qmark ? (size_t)(qmark - path) : strlen(path));
    if (qmark)
        fc_buf_puts(&q, qmark + 1);
    if (p.err || q.err) {
        rc = AWS_ERR;
        goto out;
    }
    struct aws_request ar = {
        .method = method,
        .path = p.p,
        .query = q.p,
        .headers = hdrs,
        .n_headers = n,
        .body = body,
        .body_len = body ? strlen(body) : 0,
    };
    rc = aws_request(c, &ar, &r, err);
    if (rc == AWS_OK)
        rc = parse_json_body(&r, resp, err);
out:
    aws_http_response_free(&r);
    free(p.p);
    free(q.p);
    return rc;
}

int aws_json_call(struct aws_client *c, const char *target, json_object *req, json_object **resp,
                  struct aws_error *err)
{
    if (!target) {
        aws_error_clear(err);
        aws_error_set(err, "InvalidArgument", "no X-Amz-Target");
        return AWS_ERR;
    }
    return json_request(c, "POST", "/", target, req, resp, err);
}

int aws_rest_json_call(struct aws_client *c, const char *method, const char *path, json_object *req,
                       json_object **resp, struct aws_error *err)
{
    return json_request(c, method, path, NULL, req, resp, err);
}

int aws_query_call(struct aws_client *c, const char *action, const char *version,
                   const struct aws_param *params, size_t n_params, xmlDoc **resp,
                   struct aws_error *err)
{
    static const struct sigv4_header ct = {"Content-Type",
                                           "application/x-www-form-urlencoded; charset=utf-8"};
    struct aws_http_response r = {0};
    struct fc_buf body = {0};
    int rc;

    if (resp)
        *resp = NULL;
    if (!c || !action || !version || !resp || (n_params && !params)) {
        aws_error_clear(err);
        aws_error_set(err, "InvalidArgument", "bad query call");
        return AWS_ERR;
    }
    fc_buf_puts(&body, "Action=");
    buf_form(&body, action);
    fc_buf_puts(&body, "&Version=");
    buf_form(&body, version);
    for (size_t i = 0; i < n_params; i++) {
        if (!params[i].name || !params[i].value) {
            free(body.p);
            aws_error_clear(err);
            aws_error_set(err, "InvalidArgument", "bad query parameter");
            return AWS_ERR;
        }
        fc_buf_puts(&body, "&");
        buf_form(&body, params[i].name);
        fc_buf_puts(&body, "=");
        buf_form(&body, params[i].value);
    }
    if (body.err) {
        free(body.p);
        aws_error_clear(err);
        aws_error_set(err, "OutOfMemory", "cannot build the query");
        return AWS_ERR;
    }
    struct aws_request ar = {
        .method = "POST",
        .path = "/",
        .headers = &ct,
        .n_headers = 1,
        .body = body.p,
        .body_len = body.len,
    };
    rc = aws_request(c, &ar, &r, err);
    if (rc == AWS_OK) {
        if (r.body_len > 0x7fffffff ||
            !(*resp = xmlReadMemory(r.body, (int)r.body_len, NULL, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING))) {
            if (err) {
                err->http_status = r.status;
                aws_error_set(err, "ParseError", "the answer is not XML");
            }
            rc = AWS_E_PARSE;
        }
    }
    aws_http_response_free(&r);
    free(body.p);
    return rc;
}

int aws_presign(struct aws_client *c, const char *method, const char *bucket, const char *path,
                unsigned expires, char **url, struct aws_error *err)
{
    struct fc_buf u = {0};
    struct sigv4_signed sig = {0};
    const struct aws_creds *creds = NULL;
    struct sigv4_credentials sc;
    int rc;

    aws_error_clear(err);
    if (url)
        *url = NULL;
    if (!c || !method || !url || build_url(c, bucket, path, NULL, &u)) {
        aws_error_set(err, "InvalidArgument", "bad presign request");
        rc = AWS_ERR;
        goto out;
    }
    rc = aws_client_credentials(c, &creds, err);
    if (rc != AWS_OK)
        goto out;
    sc.access_key_id = creds->access_key_id;
    sc.secret_access_key = creds->secret_access_key;
    sc.session_token = creds->session_token;
    struct sigv4_request sr = {
        .method = method,
        .url = u.p,
        .payload_hash = SIGV4_UNSIGNED_PAYLOAD,
        .region = c->region,
        .service = c->svc->signing_name,
        .time = client_now(c),
        .flags = c->svc->id == AWS_SVC_S3 ? SIGV4_S3 : 0,
    };
    if (sigv4_presign(&sr, &sc, expires, &sig)) {
        aws_error_set(err, "InvalidArgument", "cannot presign");
        rc = AWS_ERR;
        goto out;
    }
    *url = sig.url;
    sig.url = NULL;
    rc = AWS_OK;
out:
    sigv4_signed_free(&sig);
    free(u.p);
    return rc;
}

/* ---- counters ----------------------------------------------------------- */

int aws_stats_get(const char *service, struct aws_stats *out)
{
    const struct aws_service *s = aws_service_find(service);

    if (!s || !out)
        return AWS_ERR;
    *out = stats[s->id];
    return AWS_OK;
}

void aws_stats_reset(void)
{
    memset(stats, 0, sizeof stats);
}
