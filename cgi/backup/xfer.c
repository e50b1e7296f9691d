/* backup/xfer: parallel S3 transfers on libcurl multi, SigV4 per attempt, retries. */
#include "backup/backup.h"
#include "core/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#define USER_AGENT     "forkcast-backup/1.0"
#define MAX_ERROR_BODY (1u << 20)
/* a transfer that moves no byte for this long is abandoned (then retried); at most one
 * whole-exchange timeout (AWS.Timeout.TotalMs), so a peer that never answers costs no more
 * than it does for the other AWS calls */
#define STALL_SECONDS 60L
#define TICK_SECONDS  0.2

struct req_priv {
    CURL *easy;
    struct curl_slist *slist;
    char *url;
    uint64_t pos;  /* upload read position */
    double due;    /* when a delayed retry may start */
    int status_ok; /* -1 unknown, 1 the answer is 2xx (body to the sink), 0 not */
    int sink_failed;
    int completed; /* for backup_xfer_call */
    struct backup_req *next;
    char errbuf[CURL_ERROR_SIZE];
};

struct req_full {
    struct backup_req r;
    struct req_priv p;
};

struct backup_xfer {
    struct aws_client *client;
    char bucket[256];
    char base[AWS_URL_MAX + 320]; /* scheme://host[:port][/bucket] */
    char region[AWS_REGION_MAX];
    CURLM *multi;
    int max_active;
    int active;
    struct backup_req *ready, *ready_tail;
    struct backup_req *delayed;
    CURL **pool;
    int npool;
    struct aws_retry_policy retry;
    long connect_ms;
    long stall_s;
    struct backup_xfer_stats st;
    void (*tick)(void *);
    void *tick_ctx;
    double last_tick;
};

static struct req_priv *P(struct backup_req *r)
{
    return (struct req_priv *)r->priv;
}

/* ---- requests ---------------------------------------------------------------- */

struct backup_req *backup_req_new(const char *method, const char *key, const char *query)
{
    struct req_full *f = calloc(1, sizeof(*f));

    if (!f)
        return NULL;
    f->r.priv = &f->p;
    f->r.method = method;
    f->r.fd = -1;
    f->p.status_ok = -1;
    if ((key && !(f->r.key = strdup(key))) || (query && !(f->r.query = strdup(query)))) {
        backup_req_free(&f->r);
        return NULL;
    }
    return &f->r;
}

int backup_req_header(struct backup_req *r, const char *name, const char *value)
{
    if (r->n_hdrs >= BACKUP_REQ_HEADERS)
        return -1;
    r->hname[r->n_hdrs] = strdup(name);
    r->hval[r->n_hdrs] = strdup(value);
    if (!r->hname[r->n_hdrs] || !r->hval[r->n_hdrs]) {
        free(r->hname[r->n_hdrs]);
        free(r->hval[r->n_hdrs]);
        return -1;
    }
    r->n_hdrs++;
    return 0;
}

void backup_req_body(struct backup_req *r, void *p, size_t len, int owned)
{
    if (r->body_owned)
        free(r->body);
    r->body = p;
    r->body_len = len;
    r->body_owned = owned;
    r->fd = -1;
}

void backup_req_body_file(struct backup_req *r, int fd, uint64_t off, uint64_t len)
{
    backup_req_body(r, NULL, 0, 0);
    r->fd = fd;
    r->off = off;
    r->body_len = len;
}

void backup_req_reset_answer(struct backup_req *r)
{
    aws_headers_free(&r->headers);
    free(r->resp);
    r->resp = NULL;
    r->resp_len = r->resp_cap = 0;
    r->status = 0;
    P(r)->status_ok = -1;
    P(r)->sink_failed = 0;
}

void backup_req_free(struct backup_req *r)
{
    if (!r)
        return;
    backup_req_reset_answer(r);
    for (size_t i = 0; i < r->n_hdrs; i++) {
        free(r->hname[i]);
        free(r->hval[i]);
    }
    if (r->body_owned)
        free(r->body);
    free(r->key);
    free(r->query);
    free(P(r)->url);
    if (P(r)->slist)
        curl_slist_free_all(P(r)->slist);
    free(r);
}

const char *backup_req_strerror(const struct backup_req *r, char *buf, size_t n)
{
    const char *code = r->err.code[0] ? r->err.code : "Error";
    const char *hint = r->err.http_status ? aws_error_hint(r->err.http_status, code) : NULL;
    char status[32] = "";
    int k;

    if (r->err.http_status)
        snprintf(status, sizeof status, " (HTTP %d)", r->err.http_status);
    /* A HEAD answer has no body, so no message: say nothing rather than "-". */
    if (r->err.message[0])
        k = snprintf(buf, n, "%s: %s%s", code, r->err.message, status);
    else
        k = snprintf(buf, n, "%s%s", code, status);
    if (hint && k >= 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, ": %s", hint);
    return buf;
}

/* ---- engine -------------------------------------------------------------------- */

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

static int bucket_ok(const char *b)
{
    if (!*b || strlen(b) > 255)
        return 0;
    for (; *b; b++)
        if (!((*b >= 'a' && *b <= 'z') || (*b >= 'A' && *b <= 'Z') || (*b >= '0' && *b <= '9') ||
              *b == '-' || *b == '.' || *b == '_'))
            return 0;
    return 1;
}

int backup_xfer_new(HDF *cfg, const char *bucket, int concurrency, struct backup_xfer **out,
                    char *err, size_t errlen)
{
    struct backup_xfer *x = NULL;
    const struct aws_endpoint *ep;
    const char *host;
    int rc = FC_ERR, v;

    *out = NULL;
    if (!bucket || !bucket_ok(bucket)) {
        snprintf(err, errlen, "no valid bucket name (give --bucket or set Backup.Bucket)");
        return FC_ERR;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    x = calloc(1, sizeof(*x));
    if (!x)
        goto out;
    if (aws_client_new(cfg, "s3", &x->client) != AWS_OK) {
        snprintf(err, errlen, "cannot set up the S3 client (check the region and endpoint)");
        goto out;
    }
    fc_strlcpy(x->bucket, bucket, sizeof x->bucket);
    fc_strlcpy(x->region, aws_client_region(x->client), sizeof x->region);
    ep = aws_client_endpoint(x->client);
    host = strstr(ep->url, "://") + 3;
    if (!ep->overridden && bucket_virtual_ok(bucket))
        snprintf(x->base, sizeof x->base, "%.*s%s.%s", (int)(host - ep->url), ep->url, bucket,
                 host);
    else
        snprintf(x->base, sizeof x->base, "%s/%s", ep->url, bucket);
    x->max_active = concurrency > 0 ? concurrency : 1;
    x->multi = curl_multi_init();
    x->pool = calloc((size_t)x->max_active, sizeof(*x->pool));
    if (!x->multi || !x->pool)
        goto out;
    curl_multi_setopt(x->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)x->max_active);
    curl_multi_setopt(x->multi, CURLMOPT_MAXCONNECTS, (long)x->max_active);
    v = aws_config_int(cfg, "AWS.Retry.MaxAttempts", AWS_RETRY_MAX_ATTEMPTS);
    x->retry.max_attempts = v >= 1 ? v : AWS_RETRY_MAX_ATTEMPTS;
    v = aws_config_int(cfg, "AWS.Retry.BaseMs", AWS_RETRY_BASE_MS);
    x->retry.base_ms = v >= 0 ? (unsigned)v : AWS_RETRY_BASE_MS;
    v = aws_config_int(cfg, "AWS.Retry.CapMs", AWS_RETRY_CAP_MS);
    x->retry.cap_ms = v >= 0 ? (unsigned)v : AWS_RETRY_CAP_MS;
    x->retry.rand = aws_rand_default;
    v = aws_config_int(cfg, "AWS.Timeout.ConnectMs", AWS_CONNECT_TIMEOUT_MS);
    x->connect_ms = v > 0 ? v : AWS_CONNECT_TIMEOUT_MS;
    v = aws_config_int(cfg, "AWS.Timeout.TotalMs", AWS_TOTAL_TIMEOUT_MS);
    x->stall_s = v > 0 ? (v + 999) / 1000 : STALL_SECONDS;
    if (x->stall_s > STALL_SECONDS)
        x->stall_s = STALL_SECONDS;
    *out = x;
    x = NULL;
    rc = FC_OK;
out:
    if (rc != FC_OK && err[0] == '\0')
        snprintf(err, errlen, "out of memory");
    backup_xfer_free(x);
    return rc;
}

static void free_list(struct backup_req *r)
{
    while (r) {
        struct backup_req *next = P(r)->next;
        backup_req_free(r);
        r = next;
    }
}

void backup_xfer_free(struct backup_xfer *x)
{
    if (!x)
        return;
    free_list(x->ready);
    free_list(x->delayed);
    for (int i = 0; i < x->npool; i++)
        curl_easy_cleanup(x->pool[i]);
    free(x->pool);
    if (x->multi)
        curl_multi_cleanup(x->multi);
    aws_client_free(x->client);
    free(x);
}

void backup_xfer_on_tick(struct backup_xfer *x, void (*tick)(void *), void *ctx)
{
    x->tick = tick;
    x->tick_ctx = ctx;
}

void backup_xfer_get_stats(const struct backup_xfer *x, struct backup_xfer_stats *out)
{
    *out = x->st;
}

int backup_xfer_concurrency(const struct backup_xfer *x)
{
    return x->max_active;
}

const char *backup_xfer_endpoint(const struct backup_xfer *x)
{
    return x->base;
}

static void push_ready(struct backup_xfer *x, struct backup_req *r)
{
    P(r)->next = NULL;
    if (x->ready_tail)
        P(x->ready_tail)->next = r;
    else
        x->ready = r;
    x->ready_tail = r;
}

static struct backup_req *pop_ready(struct backup_xfer *x)
{
    struct backup_req *r = x->ready;

    if (r) {
        x->ready = P(r)->next;
        if (!x->ready)
            x->ready_tail = NULL;
        P(r)->next = NULL;
    }
    return r;
}

/* The URL of r: base, the encoded key, the query. */
static char *build_url(const struct backup_xfer *x, const struct backup_req *r)
{
    char *enc = NULL, *url = NULL;
    size_t n;

    if (r->key) {
        enc = aws_uri_encode(r->key, 1);
        if (!enc)
            return NULL;
    }
    n = strlen(x->base) + (enc ? strlen(enc) : 0) + (r->query ? strlen(r->query) : 0) + 4;
    url = malloc(n);
    if (url) {
        const char *slash = strstr(x->base + 8, "/") ? "" : "/"; /* virtual-hosted: "/" */
        if (enc)
            snprintf(url, n, "%s/%s%s%s", x->base, enc, r->query ? "?" : "",
                     r->query ? r->query : "");
        else
            snprintf(url, n, "%s%s%s%s", x->base, slash, r->query ? "?" : "",
                     r->query ? r->query : "");
    }
    free(enc);
    return url;
}

void backup_xfer_submit(struct backup_xfer *x, struct backup_req *r)
{
    r->rc = AWS_ERR;
    r->attempts = 0;
    aws_error_clear(&r->err);
    if (!r->payload_hash[0]) {
        if (r->fd >= 0)
            fc_strlcpy(r->payload_hash, SIGV4_UNSIGNED_PAYLOAD, sizeof r->payload_hash);
        else
            fc_sha256_hex(r->payload_hash, r->body ? (const void *)r->body : "",
                          (size_t)r->body_len);
    }
    push_ready(x, r);
}

/* ---- libcurl callbacks ------------------------------------------------------------ */

static size_t on_read(char *buf, size_t size, size_t nmemb, void *userp)
{
    struct backup_req *r = userp;
    struct req_priv *p = P(r);
    size_t want = size * nmemb;
    uint64_t left = r->body_len - p->pos;

    if (want > left)
        want = (size_t)left;
    if (!want)
        return 0;
    if (r->fd >= 0) {
        ssize_t got;
        do
            got = pread(r->fd, buf, want, (off_t)(r->off + p->pos));
        while (got < 0 && errno == EINTR);
        if (got <= 0)
            return CURL_READFUNC_ABORT;
        want = (size_t)got;
    } else {
        memcpy(buf, r->body + p->pos, want);
    }
    p->pos += want;
    return want;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct backup_req *r = userp;
    size_t n = size * nmemb;
    const char *colon;

    if (n >= 5 && !memcmp(data, "HTTP/", 5)) {
        aws_headers_free(&r->headers);
        P(r)->status_ok = -1;
        return n;
    }
    colon = memchr(data, ':', n);
    if (!colon || colon == data || data[0] == ' ' || data[0] == '\t')
        return n;
    {
        char name[128], value[1024];
        size_t nl = (size_t)(colon - data), vl = n - nl - 1;
        if (nl >= sizeof name)
            return n;
        memcpy(name, data, nl);
        name[nl] = '\0';
        if (vl >= sizeof value)
            vl = sizeof value - 1;
        memcpy(value, colon + 1, vl);
        value[vl] = '\0';
        if (aws_headers_add(&r->headers, name, value))
            return 0;
    }
    return n;
}

static int mem_append(struct backup_req *r, const char *data, size_t n, size_t limit)
{
    if (n > limit - r->resp_len)
        return -1;
    if (r->resp_len + n + 1 > r->resp_cap) {
        size_t cap = r->resp_cap ? r->resp_cap : 4096;
        while (cap < r->resp_len + n + 1)
            cap *= 2;
        char *p = realloc(r->resp, cap);
        if (!p)
            return -1;
        r->resp = p;
        r->resp_cap = cap;
    }
    memcpy(r->resp + r->resp_len, data, n);
    r->resp_len += n;
    r->resp[r->resp_len] = '\0';
    return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct backup_req *r = userp;
    struct req_priv *p = P(r);
    size_t n = size * nmemb;

    if (p->status_ok < 0) {
        long st = 0;
        curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &st);
        p->status_ok = st >= 200 && st < 300;
    }
    if (p->status_ok && r->sink) {
        if (r->sink(r->sink_ctx, data, n)) {
            p->sink_failed = 1;
            return 0;
        }
        return n;
    }
    if (mem_append(r, data, n, p->status_ok ? AWS_HTTP_MAX_BODY : MAX_ERROR_BODY))
        return 0;
    return n;
}

/* ---- starting and finishing -------------------------------------------------------- */

static int curl_retryable(CURLcode rc)
{
    switch (rc) {
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

static void finish(struct backup_xfer *x, struct backup_req *r)
{
    if (r->rc == AWS_OK) {
        if (!strcmp(r->method, "PUT") || !strcmp(r->method, "POST"))
            x->st.puts++;
        else if (!strcmp(r->method, "GET"))
            x->st.gets++;
    }
    P(r)->completed = 1;
    if (r->done)
        r->done(r);
}

/* Schedules another attempt of r, or finishes it. */
static void retry_or_finish(struct backup_xfer *x, struct backup_req *r, int retryable)
{
    if (retryable && r->attempts < x->retry.max_attempts) {
        unsigned ms = aws_retry_delay_ms(&x->retry, r->attempts - 1);
        x->st.retries++;
        backup_req_reset_answer(r);
        P(r)->due = backup_now() + ms / 1000.0;
        P(r)->next = x->delayed;
        x->delayed = r;
        return;
    }
    finish(x, r);
}

static struct curl_slist *add(struct curl_slist *l, const char *name, const char *value, int *bad)
{
    char line[2048];
    struct curl_slist *n;

    if (*value)
        snprintf(line, sizeof line, "%s: %s", name, value);
    else
        snprintf(line, sizeof line, "%s:", name);
    n = curl_slist_append(l, line);
    if (!n) {
        *bad = 1;
        return l;
    }
    return n;
}

static void start(struct backup_xfer *x, struct backup_req *r)
{
    struct req_priv *p = P(r);
    const struct aws_creds *creds = NULL;
    struct sigv4_header hdrs[BACKUP_REQ_HEADERS];
    struct sigv4_signed sig = {0};
    struct sigv4_credentials sc;
    int bad = 0, has_ct = 0;
    CURL *c;

    r->attempts++;
    backup_req_reset_answer(r);
    p->pos = 0;
    if (!p->url && !(p->url = build_url(x, r))) {
        aws_error_set(&r->err, "OutOfMemory", "cannot build the URL");
        r->rc = AWS_ERR;
        finish(x, r);
        return;
    }
    if (aws_client_credentials(x->client, &creds, &r->err) != AWS_OK) {
        r->rc = AWS_E_CREDS;
        finish(x, r);
        return;
    }
    for (size_t i = 0; i < r->n_hdrs; i++) {
        hdrs[i] = (struct sigv4_header){r->hname[i], r->hval[i]};
        if (!strcasecmp(r->hname[i], "Content-Type"))
            has_ct = 1;
    }
    sc.access_key_id = creds->access_key_id;
    sc.secret_access_key = creds->secret_access_key;
    sc.session_token = creds->session_token;
    struct sigv4_request sr = {
        .method = r->method,
        .url = p->url,
        .headers = hdrs,
        .n_headers = r->n_hdrs,
        .payload_hash = r->payload_hash,
        .region = x->region,
        .service = "s3",
        .time = time(NULL),
        .flags = SIGV4_S3,
    };
    if (sigv4_sign(&sr, &sc, &sig)) {
        sigv4_signed_free(&sig);
        aws_error_set(&r->err, "InvalidArgument", "cannot sign the request");
        r->rc = AWS_ERR;
        finish(x, r);
        return;
    }
    if (p->slist) {
        curl_slist_free_all(p->slist);
        p->slist = NULL;
    }
    for (size_t i = 0; i < r->n_hdrs; i++)
        p->slist = add(p->slist, r->hname[i], r->hval[i], &bad);
    for (size_t i = 0; i < sig.n_headers; i++)
        p->slist = add(p->slist, sig.headers[i].name, sig.headers[i].value, &bad);
    sigv4_signed_free(&sig);
    p->slist = add(p->slist, "Expect", "", &bad);
    if (!has_ct)
        p->slist = add(p->slist, "Content-Type", "", &bad);
    if (bad) {
        aws_error_set(&r->err, "OutOfMemory", "cannot build the headers");
        r->rc = AWS_ERR;
        finish(x, r);
        return;
    }

    c = x->npool ? x->pool[--x->npool] : curl_easy_init();
    if (!c) {
        aws_error_set(&r->err, "OutOfMemory", "no curl handle");
        r->rc = AWS_ERR;
        finish(x, r);
        return;
    }
    p->easy = c;
    p->errbuf[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, p->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, p->slist);
    curl_easy_setopt(c, CURLOPT_USERAGENT, USER_AGENT);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PRIVATE, r);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, p->errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, x->connect_ms);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, x->stall_s);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 256L * 1024L);
    curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, 1024L * 1024L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, r);
    if (!strcmp(r->method, "GET")) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (!strcmp(r->method, "HEAD")) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (!strcmp(r->method, "PUT")) {
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->body_len);
    } else if (!strcmp(r->method, "POST")) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
    }
    if (r->sink && r->reset)
        r->reset(r->sink_ctx);
    x->st.requests++;
    if (curl_multi_add_handle(x->multi, c) != CURLM_OK) {
        curl_easy_reset(c);
        x->pool[x->npool++] = c;
        p->easy = NULL;
        aws_error_set(&r->err, "InternalError", "curl_multi_add_handle failed");
        r->rc = AWS_ERR;
        finish(x, r);
        return;
    }
    x->active++;
}

static void done_transfer(struct backup_xfer *x, CURL *c, CURLcode cr)
{
    struct backup_req *r;
    struct req_priv *p;
    char *priv = NULL;
    long status = 0;
    int retryable = 0;

    curl_easy_getinfo(c, CURLINFO_PRIVATE, &priv);
    r = (struct backup_req *)(void *)priv;
    p = P(r);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    {
        curl_off_t up = 0, down = 0;
        curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &up);
        curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &down);
        x->st.bytes_up += (uint64_t)up;
        x->st.bytes_down += (uint64_t)down;
    }
    curl_multi_remove_handle(x->multi, c);
    curl_easy_reset(c);
    x->pool[x->npool++] = c;
    p->easy = NULL;
    x->active--;
    aws_error_clear(&r->err);
    r->err.attempts = r->attempts;
    if (cr != CURLE_OK) {
        r->rc = AWS_E_TRANSPORT;
        r->err.transport = 1;
        if (p->sink_failed) {
            aws_error_set(&r->err, "LocalError", "the answer could not be stored or verified");
            r->rc = AWS_ERR;
        } else {
            aws_error_set(&r->err, cr == CURLE_OPERATION_TIMEDOUT ? "Timeout" : "TransportError",
                          "%s", p->errbuf[0] ? p->errbuf : curl_easy_strerror(cr));
            retryable = curl_retryable(cr);
        }
        r->err.retryable = retryable;
        retry_or_finish(x, r, retryable);
        return;
    }
    r->status = (int)status;
    if (status >= 200 && status < 300) {
        r->rc = AWS_OK;
        finish(x, r);
        return;
    }
    aws_error_parse(&r->err, (int)status, &r->headers, r->resp, r->resp_len);
    r->err.attempts = r->attempts;
    r->rc = AWS_E_HTTP;
    retry_or_finish(x, r, r->err.retryable);
}

static void promote_due(struct backup_xfer *x, double now, double *next_due)
{
    struct backup_req **pp = &x->delayed;

    *next_due = 0;
    while (*pp) {
        struct backup_req *r = *pp;
        if (P(r)->due <= now) {
            *pp = P(r)->next;
            push_ready(x, r);
        } else {
            if (!*next_due || P(r)->due < *next_due)
                *next_due = P(r)->due;
            pp = &P(r)->next;
        }
    }
}

int backup_xfer_run(struct backup_xfer *x, backup_feed_fn feed, void *ctx)
{
    for (;;) {
        double now = backup_now(), next_due;
        int running = 0, queued;
        CURLMsg *m;

        promote_due(x, now, &next_due);
        while (x->active < x->max_active) {
            struct backup_req *r = pop_ready(x);
            if (!r) {
                if (!feed || feed(ctx) <= 0)
                    break;
                continue;
            }
            start(x, r);
        }
        if (!x->active && !x->ready) {
            if (!x->delayed) {
                if (feed && feed(ctx) > 0)
                    continue;
                break;
            }
        }
        if (x->active) {
            int ms = 100;
            if (next_due) {
                double d = (next_due - now) * 1000;
                if (d < ms)
                    ms = d < 1 ? 1 : (int)d;
            }
            curl_multi_perform(x->multi, &running);
            while ((m = curl_multi_info_read(x->multi, &queued)))
                if (m->msg == CURLMSG_DONE)
                    done_transfer(x, m->easy_handle, m->data.result);
            if (x->active)
                curl_multi_poll(x->multi, NULL, 0, ms, NULL);
        } else if (!x->ready && next_due > now) {
            aws_sleep_default(NULL, (unsigned)((next_due - now) * 1000) + 1);
        }
        if (x->tick && backup_now() - x->last_tick >= TICK_SECONDS) {
            x->last_tick = backup_now();
            x->tick(x->tick_ctx);
        }
    }
    if (x->tick)
        x->tick(x->tick_ctx);
    return FC_OK;
}

int backup_xfer_call(struct backup_xfer *x, struct backup_req *r)
{
    r->done = NULL;
    P(r)->completed = 0;
    backup_xfer_submit(x, r);
    backup_xfer_run(x, NULL, NULL);
    return r->rc;
}
