/* aws/http: one HTTP exchange over a reused libcurl easy handle, response header lists, and
 * the retry policy (exponential backoff with full jitter) used by the AWS client. */
#ifndef FORKCAST_AWS_HTTP_H
#define FORKCAST_AWS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "aws/sigv4.h"

struct aws_error;

/* Response headers, in arrival order; names as received. */
struct aws_header {
    char *name;
    char *value;
};
struct aws_headers {
    struct aws_header *v;
    size_t n;
    size_t cap;
};

/* Value of the first header named name (ASCII case-insensitive), or NULL. h may be NULL. */
const char *aws_headers_get(const struct aws_headers *h, const char *name);
/* Appends a copy of name/value (value trimmed). Returns AWS_OK or AWS_ERR. */
int aws_headers_add(struct aws_headers *h, const char *name, const char *value);
/* Frees every header and empties the list. h may be NULL. */
void aws_headers_free(struct aws_headers *h);

/* One request as sent on the wire: everything already signed. */
struct aws_http_request {
    const char *method; /* "GET", "PUT", "POST", "HEAD", "DELETE" */
    const char *url;    /* absolute http(s) URL */
    const struct sigv4_header *headers;
    size_t n_headers;
    const void *body; /* may be NULL when body_len is 0 */
    size_t body_len;
    long connect_timeout_ms; /* > 0 */
    long timeout_ms;         /* whole exchange, > 0 */
    int no_proxy;            /* 1: never use a proxy (instance metadata) */
};

/* One answer. body is malloc'ed and NUL-terminated (body_len excludes the NUL). */
struct aws_http_response {
    int status;
    struct aws_headers headers;
    char *body;
    size_t body_len;
};

/* Frees what resp holds and zeroes it. resp may be NULL. */
void aws_http_response_free(struct aws_http_response *resp);

/* The User-Agent of every AWS request (the client's and the backup transfers'). */
#define AWS_HTTP_USER_AGENT "forkcast-aws/1.0"

/* ---- pieces shared with transfers of their own (backup/xfer.c, on libcurl multi) ---- */

/* 1 when a libcurl failure (a CURLcode) may pass if tried again: name resolution, connect,
 * timeouts, an exchange cut or garbled on the way. */
int aws_http_curl_retryable(int curl_code);
/* Sets err for an exchange that got no answer: transport = 1, http_status 0, code "Timeout"
 * or "TransportError" with detail (libcurl's error buffer, or NULL for its words for
 * curl_code), retryable from aws_http_curl_retryable. err may be NULL. */
void aws_http_transport_error(struct aws_error *err, int curl_code, const char *detail);
/* Adds one header line as libcurl hands it to a header callback: a status line ("HTTP/...",
 * after a 100 Continue, say) forgets the headers so far; folded and blank lines are ignored.
 * AWS_OK, or AWS_ERR when out of memory. */
int aws_http_header_line(struct aws_headers *h, const char *data, size_t n);
/* The libcurl header list for headers: each as "Name: value" (an empty value sent as such),
 * then empty "Expect:" and "Content-Type:" entries, unless given, that stop libcurl from adding
 * its own. NULL when out of memory; the caller frees it with curl_slist_free_all. */
struct curl_slist;
struct curl_slist *aws_http_curl_headers(const struct sigv4_header *headers, size_t n);

/* Largest response body accepted (bigger ones fail as a non-retryable transport error). */
#define AWS_HTTP_MAX_BODY (256u * 1024u * 1024u)

/* An HTTP connection holder: one libcurl easy handle, reused so that connections are kept
 * alive between requests to the same host. */
struct aws_http;

/* Creates a handle into *out. Returns AWS_OK or AWS_ERR. */
int aws_http_new(struct aws_http **out);
/* Closes the connections and frees h. h may be NULL. */
void aws_http_free(struct aws_http *h);

/* Sends req and reads the whole answer into resp (which must be zeroed or freed). Returns
 * AWS_OK when an HTTP answer arrived, whatever its status; AWS_E_TRANSPORT when none did, with
 * err->transport = 1, err->code "Timeout" or "TransportError" (err->retryable says whether
 * trying again may help); AWS_ERR on bad arguments. */
int aws_http_perform(struct aws_http *h, const struct aws_http_request *req,
                     struct aws_http_response *resp, struct aws_error *err);

/* ---- retry policy ------------------------------------------------------- */

/* Sleeps ms milliseconds (injectable so that tests do not sleep). */
typedef void (*aws_sleep_fn)(void *ctx, unsigned ms);
/* Returns a uniformly distributed 32-bit random number. */
typedef uint32_t (*aws_rand_fn)(void *ctx);

struct aws_retry_policy {
    int max_attempts; /* total attempts, >= 1 (4 = one call and three retries) */
    unsigned base_ms; /* backoff base */
    unsigned cap_ms;  /* backoff ceiling */
    aws_sleep_fn sleep;
    aws_rand_fn rand;
    void *ctx; /* passed to sleep and rand */
};

/* Defaults: 4 attempts, base 100 ms, cap 5000 ms, nanosleep and a CSPRNG. */
#define AWS_RETRY_MAX_ATTEMPTS 4
#define AWS_RETRY_BASE_MS      100
#define AWS_RETRY_CAP_MS       5000

/* The delay before retry number retry (0 for the first retry): full jitter, a uniformly
 * random value in [0, min(cap_ms, base_ms * 2^retry)], drawn from p->rand. */
unsigned aws_retry_delay_ms(const struct aws_retry_policy *p, int retry);

/* The default sleep (nanosleep, resumed after signals) and random source (getrandom). */
void aws_sleep_default(void *ctx, unsigned ms);
uint32_t aws_rand_default(void *ctx);

#endif
