/* aws/client: a signed, retrying AWS API client per service (DynamoDB, S3, EC2, Cognito,
 * Personalize): awsJson calls, query (form POST) calls, REST-JSON calls, generic requests for
 * S3, presigned URLs, and per-service call counters. See docs/aws.md. */
#ifndef FORKCAST_AWS_CLIENT_H
#define FORKCAST_AWS_CLIENT_H

#include <stddef.h>
#include <time.h>

#include <ClearSilver.h>
#include <json-c/json.h>
#include <libxml/tree.h>

#include "aws/creds.h"
#include "aws/endpoint.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/sigv4.h"

/* Client defaults, each overridable by a config key (or FORKCAST_* variable, see
 * aws_config_int): AWS.Retry.MaxAttempts, AWS.Retry.BaseMs, AWS.Retry.CapMs,
 * AWS.Timeout.ConnectMs, AWS.Timeout.TotalMs (one attempt), AWS.Timeout.CallMs (one call,
 * its retries and their backoff included; 0: no limit but the attempts'). */
#define AWS_CONNECT_TIMEOUT_MS 2000
#define AWS_TOTAL_TIMEOUT_MS   10000
#define AWS_CALL_TIMEOUT_MS    15000
/* A retry is not started with less time than this left of the call's budget. */
#define AWS_MIN_ATTEMPT_MS 100

struct aws_client;

/* Creates a client for service (a name such as "dynamodb", "s3", "ec2", "cognito-idp",
 * "personalize-runtime", "personalize-events", or its config key "DynamoDB"...) with the
 * region, endpoint and settings resolved from cfg (may be NULL) and the environment.
 * Credentials are resolved at the first call. Returns AWS_OK or AWS_ERR (unknown service,
 * bad region or endpoint, allocation failure). */
int aws_client_new(HDF *cfg, const char *service, struct aws_client **out);
/* Closes the connection and frees c, wiping its credentials. c may be NULL. */
void aws_client_free(struct aws_client *c);

const struct aws_service *aws_client_service(const struct aws_client *c);
const char *aws_client_region(const struct aws_client *c);
const struct aws_endpoint *aws_client_endpoint(const struct aws_client *c);

/* Timeouts for the following calls (<= 0 keeps the current value). */
void aws_client_set_timeouts(struct aws_client *c, long connect_ms, long total_ms);
/* The time budget of each following call, retries included (0: none; < 0 keeps it). */
void aws_client_set_call_timeout(struct aws_client *c, long call_ms);
/* Retry policy for the following calls (max_attempts <= 0 keeps the current value). */
void aws_client_set_retry(struct aws_client *c, int max_attempts, unsigned base_ms,
                          unsigned cap_ms);
/* Uses these credentials instead of the chain (token may be NULL). AWS_OK or AWS_ERR. */
int aws_client_set_credentials(struct aws_client *c, const char *access_key_id,
                               const char *secret_access_key, const char *session_token);
/* on = 1: send requests unsigned, without credentials (Cognito's public operations such as
 * InitiateAuth, SignUp, ConfirmSignUp need none). on = 0: sign again (the default). */
void aws_client_set_anonymous(struct aws_client *c, int on);
/* The credentials the next call will use (resolving them if needed), for diagnostics: never
 * print the secret. AWS_OK or AWS_E_CREDS. */
int aws_client_credentials(struct aws_client *c, const struct aws_creds **out,
                           struct aws_error *err);

/* The settings the client was made with (AWS.Retry.*, AWS.Timeout.*, or what
 * aws_client_set_retry / aws_client_set_timeouts set since), for transfers that run their
 * own exchanges (backup/xfer.c) with the same policy. */
const struct aws_retry_policy *aws_client_retry(const struct aws_client *c);
long aws_client_connect_ms(const struct aws_client *c);
long aws_client_total_ms(const struct aws_client *c);

/* The URL aws_request sends to: the endpoint, the bucket (S3 only: virtual-hosted or by path,
 * see struct aws_request), path ("/..." in wire form, or NULL) and query (or NULL). Malloc'ed
 * (the caller frees); NULL for a bad bucket name or path, or out of memory. */
char *aws_client_url(const struct aws_client *c, const char *bucket, const char *path,
                     const char *query);
/* Signs one attempt of a request to url (as made by aws_client_url) with the client's
 * credentials (resolved if needed), region, service and clock, like aws_request does: sig
 * gets the headers to send besides headers (free it with sigv4_signed_free). payload_hash: 64
 * hex digits or SIGV4_UNSIGNED_PAYLOAD. AWS_OK, AWS_E_CREDS or AWS_ERR. */
int aws_client_sign(struct aws_client *c, const char *method, const char *url,
                    const struct sigv4_header *headers, size_t n_headers, const char *payload_hash,
                    struct sigv4_signed *sig, struct aws_error *err);
/* 1 when name is a bucket name forkcast sends requests for (1-255 of [A-Za-z0-9._-]). */
int aws_s3_bucket_ok(const char *name);

/* Test seams. Any NULL member keeps the default. */
typedef time_t (*aws_clock_fn)(void *ctx);
/* A monotonic clock in milliseconds (the call's time budget). */
typedef unsigned long long (*aws_ms_clock_fn)(void *ctx);
/* Sends one signed request; same contract as aws_http_perform(). */
typedef int (*aws_transport_fn)(void *ctx, const struct aws_http_request *req,
                                struct aws_http_response *resp, struct aws_error *err);
struct aws_client_hooks {
    aws_sleep_fn sleep;         /* between attempts */
    aws_rand_fn rand;           /* jitter */
    aws_clock_fn now;           /* signing time (seconds) */
    aws_ms_clock_fn ms;         /* the call's time budget */
    aws_transport_fn transport; /* instead of libcurl */
    void *ctx;
};
void aws_client_set_hooks(struct aws_client *c, const struct aws_client_hooks *hooks);

/* A request for aws_request(). Strings are in wire form (already percent-encoded). */
struct aws_request {
    const char *method; /* "GET", "PUT", "POST", "HEAD", "DELETE" */
    /* S3: the bucket, addressed virtual-hosted (bucket.s3.region.amazonaws.com) on the AWS
     * endpoint when its name allows, by path (endpoint/bucket/...) when the endpoint is
     * overridden or the name has dots or capitals. NULL for other services. */
    const char *bucket;
    const char *path;  /* "/key" after the bucket, or the API path; NULL means "/" */
    const char *query; /* without '?', or NULL */
    const struct sigv4_header *headers; /* extra headers to sign and send (Content-Type...) */
    size_t n_headers;
    const void *body;
    size_t body_len;
    /* NULL: the SHA-256 of the body; or 64 hex digits; or SIGV4_UNSIGNED_PAYLOAD. */
    const char *payload_hash;
    long connect_timeout_ms; /* 0: the client's */
    long timeout_ms;         /* 0: the client's */
    int max_attempts;        /* 0: the client's */
};

/* Signs (again at each attempt) and sends req, retrying throttling answers, 5xx and
 * transport errors with backoff. S3 requests carry x-amz-content-sha256. resp gets the last
 * answer (free it with aws_http_response_free() whatever the result). Returns AWS_OK on a
 * 2xx answer; AWS_E_HTTP on another status (err parsed from the body); AWS_E_TRANSPORT,
 * AWS_E_CREDS or AWS_ERR otherwise. err (may be NULL) is cleared first; err->attempts is
 * set in every case. */
int aws_request(struct aws_client *c, const struct aws_request *req, struct aws_http_response *resp,
                struct aws_error *err);

/* An awsJson call (DynamoDB, Cognito): POST / with X-Amz-Target: target (e.g.
 * "DynamoDB_20120810.PutItem") and the service's Content-Type (x-amz-json-1.0 or 1.1). req
 * may be NULL ({}); borrowed (the caller puts it). On AWS_OK *resp is the parsed answer (an
 * object, {} for an empty body), new: owned by the caller (json_object_put); else *resp is
 * NULL. Returns like aws_request, plus
 * AWS_E_PARSE for an unparseable 2xx body. */
int aws_json_call(struct aws_client *c, const char *target, json_object *req, json_object **resp,
                  struct aws_error *err);

/* A REST-JSON call (Personalize): method on path (wire form, may hold a query after '?')
 * with req as an application/json body (none when NULL; borrowed). *resp as for
 * aws_json_call (new). */
int aws_rest_json_call(struct aws_client *c, const char *method, const char *path, json_object *req,
                       json_object **resp, struct aws_error *err);

/* One name=value parameter of a query API call (raw text: encoded here). */
struct aws_param {
    const char *name;
    const char *value;
};

/* A query-protocol call (EC2, STS...): POST / with the form body Action=action&
 * Version=version&name=value... (application/x-www-form-urlencoded: a space is sent as '+',
 * like botocore). On AWS_OK *resp is the parsed XML answer, freed by the
 * caller with xmlFreeDoc; else NULL. Returns like aws_json_call. */
int aws_query_call(struct aws_client *c, const char *action, const char *version,
                   const struct aws_param *params, size_t n_params, xmlDoc **resp,
                   struct aws_error *err);

/* A presigned URL (S3 GET/PUT links) for method on bucket/path valid for expires seconds
 * (1..SIGV4_MAX_EXPIRES) into *url (malloc'ed, the caller frees). AWS_OK, AWS_E_CREDS or
 * AWS_ERR. */
int aws_presign(struct aws_client *c, const char *method, const char *bucket, const char *path,
                unsigned expires, char **url, struct aws_error *err);

/* Percent-encodes s (RFC 3986 unreserved kept; '/' kept when keep_slash) into a malloc'ed
 * string, for S3 keys (keep_slash = 1) and query values. NULL on allocation failure. */
char *aws_uri_encode(const char *s, int keep_slash);

/* Counters of one service since the process started (or aws_stats_reset), summed over all
 * of its clients: for a metrics page. */
struct aws_stats {
    unsigned long calls;           /* aws_request calls (json/query/rest calls included) */
    unsigned long errors;          /* calls that did not end in AWS_OK */
    unsigned long retries;         /* attempts beyond the first */
    unsigned long throttles;       /* throttling answers seen (each attempt) */
    unsigned long budget_stops;    /* calls that ended with a retry left: no time for it */
    unsigned long long latency_ms; /* wall time spent in calls, retries and sleeps included */
};
/* Counters of service (a name accepted by aws_client_new). AWS_OK or AWS_ERR. */
int aws_stats_get(const char *service, struct aws_stats *out);
/* Zeroes every counter. */
void aws_stats_reset(void);

#endif
