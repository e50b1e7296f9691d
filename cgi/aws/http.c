/* aws/http: libcurl transport (one reused easy handle), header lists and backoff with jitter. */
#include "aws/http.h"
#include "aws/error.h"
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

struct aws_http {
    CURL *curl;
    char errbuf[CURL_ERROR_SIZE];
};

/* ---- header lists ------------------------------------------------------- */

const char *aws_headers_get(const struct aws_headers *h, const char *name)
{
    if (!h || !name)
        return NULL;
    for (size_t i = 0; i < h->n; i++)
        if (!strcasecmp(h->v[i].name, name))
            return h->v[i].value;
    return NULL;
}

static char *dup_trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static int headers_addn(struct aws_headers *h, const char *name, size_t name_len, const char *value,
                        size_t value_len)
{
    int rc = AWS_ERR;
    char *n = NULL, *v = NULL;

    if (fc_grow(&h->v, &h->cap, h->n + 1, sizeof *h->v, 16))
        goto out;
    n = dup_trimmed(name, name_len);
    v = dup_trimmed(value, value_len);
    if (!n || !v)
        goto out;
    h->v[h->n].name = n;
    h->v[h->n].value = v;
    h->n++;
    n = v = NULL;
    rc = AWS_OK;
out:
    free(n);
    free(v);
    return rc;
}

int aws_headers_add(struct aws_headers *h, const char *name, const char *value)
{
    if (!h || !name || !value)
        return AWS_ERR;
    return headers_addn(h, name, strlen(name), value, strlen(value));
}

void aws_headers_free(struct aws_headers *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++) {
        free(h->v[i].name);
        free(h->v[i].value);
    }
    free(h->v);
    memset(h, 0, sizeof(*h));
}

void aws_http_response_free(struct aws_http_response *resp)
{
    if (!resp)
        return;
    aws_headers_free(&resp->headers);
    free(resp->body);
    memset(resp, 0, sizeof(*resp));
}

/* ---- libcurl transport -------------------------------------------------- */

int aws_http_new(struct aws_http **out)
{
    struct aws_http *h;

    if (!out)
        return AWS_ERR;
    *out = NULL;
    h = calloc(1, sizeof(*h));
    if (!h)
        return AWS_ERR;
    h->curl = curl_easy_init();
    if (!h->curl) {
        free(h);
        return AWS_ERR;
    }
    *out = h;
    return AWS_OK;
}

void aws_http_free(struct aws_http *h)
{
    if (!h)
        return;
    curl_easy_cleanup(h->curl);
    free(h);
}

struct recv_state {
    struct aws_http_response *resp;
    size_t cap;
    int too_big;
    int oom;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct recv_state *st = userp;
    struct aws_http_response *r = st->resp;
    size_t n = size * nmemb;

    if (n > AWS_HTTP_MAX_BODY - r->body_len) {
        st->too_big = 1;
        return 0;
    }
    if (fc_grow(&r->body, &st->cap, r->body_len + n + 1, 1, 4096)) {
        st->oom = 1;
        return 0;
    }
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
    r->body[r->body_len] = '\0';
    return n;
}

int aws_http_header_line(struct aws_headers *h, const char *data, size_t n)
{
    const char *colon;

    /* A new status line (after a 100 Continue, say): forget the previous headers. */
    if (n >= 5 && !memcmp(data, "HTTP/", 5)) {
        aws_headers_free(h);
        return AWS_OK;
    }
    if (n && (data[0] == ' ' || data[0] == '\t'))
        return AWS_OK; /* obsolete line folding: ignored */
    colon = memchr(data, ':', n);
    if (!colon || colon == data)
        return AWS_OK; /* the blank line ending the headers, or garbage */
    return headers_addn(h, data, (size_t)(colon - data), colon + 1, n - (size_t)(colon - data) - 1);
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct recv_state *st = userp;
    size_t n = size * nmemb;

    if (aws_http_header_line(&st->resp->headers, data, n)) {
        st->oom = 1;
        return 0;
    }
    return n;
}

static int has_header(const struct sigv4_header *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(h[i].name, name))
            return 1;
    return 0;
}

struct curl_slist *aws_http_curl_headers(const struct sigv4_header *headers, size_t n)
{
    struct curl_slist *list = NULL, *tmp;

    for (size_t i = 0; i < n; i++) {
        const char *name = headers[i].name, *value = headers[i].value;
        size_t len = strlen(name) + strlen(value) + 3;
        char *line = malloc(len);
        if (!line)
            goto fail;
        if (*value)
            snprintf(line, len, "%s: %s", name, value);
        else
            snprintf(line, len, "%s;", name); /* curl's way to send an empty header */
        tmp = curl_slist_append(list, line);
        free(line);
        if (!tmp)
            goto fail;
        list = tmp;
    }
    if (!has_header(headers, n, "Expect")) {
        if (!(tmp = curl_slist_append(list, "Expect:")))
            goto fail;
        list = tmp;
    }
    if (!has_header(headers, n, "Content-Type")) {
        if (!(tmp = curl_slist_append(list, "Content-Type:")))
            goto fail;
        list = tmp;
    }
    return list;
fail:
    curl_slist_free_all(list);
    return NULL;
}

int aws_http_curl_retryable(int curl_code)
{
    switch ((CURLcode)curl_code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
        return 1;
    default:
        return 0;
    }
}

void aws_http_transport_error(struct aws_error *err, int curl_code, const char *detail)
{
    const char *why = detail && *detail ? detail : curl_easy_strerror((CURLcode)curl_code);
    if (!err)
        return;
    err->transport = 1;
    err->http_status = 0;
    err->retryable = aws_http_curl_retryable(curl_code);
    aws_error_set(err, curl_code == CURLE_OPERATION_TIMEDOUT ? "Timeout" : "TransportError", "%s",
                  why);
}

int aws_http_perform(struct aws_http *h, const struct aws_http_request *req,
                     struct aws_http_response *resp, struct aws_error *err)
{
    int rc = AWS_ERR;
    struct curl_slist *hdrs = NULL;
    struct recv_state st = {.resp = resp};
    CURL *c;
    CURLcode cr;
    long status = 0;

    if (!h || !req || !resp || !req->method || !req->url || (req->n_headers && !req->headers) ||
        (req->body_len && !req->body) || req->connect_timeout_ms <= 0 || req->timeout_ms <= 0) {
        aws_error_set(err, "InvalidArgument", "bad HTTP request");
        return AWS_ERR;
    }
    memset(resp, 0, sizeof(*resp));
    c = h->curl;
    curl_easy_reset(c); /* keeps the live connections, DNS and TLS session caches */
    h->errbuf[0] = '\0';
    hdrs = aws_http_curl_headers(req->headers, req->n_headers);
    if (!hdrs) {
        aws_error_set(err, "OutOfMemory", "cannot build the request headers");
        goto out;
    }
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_USERAGENT, AWS_HTTP_USER_AGENT);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &st);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &st);
    if (req->no_proxy)
        curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    if (!strcmp(req->method, "GET") && !req->body_len) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (!strcmp(req->method, "HEAD")) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
        if (req->body_len || !strcmp(req->method, "PUT") || !strcmp(req->method, "POST")) {
            /* Content-Length is always sent, 0 included (S3 wants it on an empty PUT). */
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body_len ? req->body : "");
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        }
    }

    cr = curl_easy_perform(c);
    if (cr != CURLE_OK) {
        if (st.oom) {
            aws_error_set(err, "OutOfMemory", "out of memory reading the answer");
            goto out;
        }
        aws_http_transport_error(err, cr, h->errbuf);
        if (st.too_big) {
            aws_error_set(err, "ResponseTooLarge", "answer body over %u bytes", AWS_HTTP_MAX_BODY);
            if (err)
                err->retryable = 0;
        }
        rc = AWS_E_TRANSPORT;
        goto out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    resp->status = (int)status;
    if (!resp->body) {
        resp->body = calloc(1, 1);
        if (!resp->body) {
            aws_error_set(err, "OutOfMemory", "out of memory");
            goto out;
        }
    }
    rc = AWS_OK;
out:
    curl_slist_free_all(hdrs);
    /* The handle keeps pointers to the options until the next reset: drop the dangling ones. */
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, NULL);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, NULL);
    if (rc != AWS_OK)
        aws_http_response_free(resp);
    return rc;
}

/* ---- retry policy ------------------------------------------------------- */

unsigned aws_retry_delay_ms(const struct aws_retry_policy *p, int retry)
{
    uint64_t ceiling;
    aws_rand_fn rnd;

    if (!p || retry < 0)
        return 0;
    ceiling = p->base_ms;
    for (int i = 0; i < retry && ceiling < p->cap_ms; i++)
        ceiling *= 2;
    if (ceiling > p->cap_ms)
        ceiling = p->cap_ms;
    if (!ceiling)
        return 0;
    rnd = p->rand ? p->rand : aws_rand_default;
    return (unsigned)(rnd(p->ctx) % (ceiling + 1));
}

void aws_sleep_default(void *ctx, unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

    (void)ctx;
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

uint32_t aws_rand_default(void *ctx)
{
    uint32_t r = 0;

    (void)ctx;
    if (fc_random(&r, sizeof r) != FC_OK) {
        /* No randomness: fall back to the clock's nanoseconds; jitter only, not a secret. */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        r = (uint32_t)ts.tv_nsec;
    }
    return r;
}
