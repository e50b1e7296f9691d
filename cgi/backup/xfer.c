/* backup/xfer: parallel S3 transfers on libcurl multi, SigV4 per attempt, retries. */
#include "backup/backup.h"
#include "core/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

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
    struct aws_client *client; /* the URLs, signatures, retry policy and timeouts */
    char bucket[256];
    char base[AWS_URL_MAX + 320]; /* scheme://host[:port][/bucket] */
    CURLM *multi;
    int max_active;
    int active;
    struct backup_req *ready, *ready_tail;
    struct backup_req *delayed;
    CURL **pool;
    int npool;
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

int backup_xfer_new(HDF *cfg, const char *bucket, int concurrency, struct backup_xfer **out,
                    char *err, size_t errlen)
{
    struct backup_xfer *x = NULL;
    char *url = NULL;
    size_t n;
    int rc = FC_ERR;
    long total_ms;

    *out = NULL;
    if (!aws_s3_bucket_ok(bucket)) {
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
    /* the bucket's URL, "https://bucket.s3..." or "endpoint/bucket", without a final '/' */
    if (!(url = aws_client_url(x->client, bucket, NULL, NULL)))
        goto out;
    n = strlen(url);
    if (n && url[n - 1] == '/')
        url[--n] = '\0';
    fc_strlcpy(x->base, url, sizeof x->base);
    x->max_active = concurrency > 0 ? concurrency : 1;
    x->multi = curl_multi_init();
    x->pool = calloc((size_t)x->max_active, sizeof(*x->pool));
    if (!x->multi || !x->pool)
        goto out;
    curl_multi_setopt(x->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)x->max_active);
    curl_multi_setopt(x->multi, CURLMOPT_MAXCONNECTS, (long)x->max_active);
    total_ms = aws_client_total_ms(x->client);
    x->stall_s = (total_ms + 999) / 1000;
    if (x->stall_s > STALL_SECONDS)
        x->stall_s = STALL_SECONDS;
    *out = x;
    x = NULL;
    rc = FC_OK;
out:
    if (rc != FC_OK && err[0] == '\0')
        snprintf(err, errlen, "out of memory");
    free(url);
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

/* The URL of r: the bucket's, the encoded key, the query. */
static char *build_url(const struct backup_xfer *x, const struct backup_req *r)
{
    char *path = NULL, *url;

    if (r->key && *r->key) {
        char *enc = aws_uri_encode(r->key, 1);
        if (!enc || asprintf(&path, "/%s", enc) < 0)
            path = NULL;
        free(enc);
        if (!path)
            return NULL;
    }
    url = aws_client_url(x->client, x->bucket, path, r->query);
    free(path);
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

    if (n >= 5 && !memcmp(data, "HTTP/", 5))
        P(r)->status_ok = -1; /* a new answer (after a 100 Continue, say) */
    return aws_http_header_line(&r->headers, data, n) ? 0 : n;
}

static int mem_append(struct backup_req *r, const char *data, size_t n, size_t limit)
{
    if (n > limit - r->resp_len)
        return -1;
    if (fc_grow(&r->resp, &r->resp_cap, r->resp_len + n + 1, 1, 4096))
        return -1;
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
    const struct aws_retry_policy *policy = aws_client_retry(x->client);
    if (retryable && r->attempts < policy->max_attempts) {
        unsigned ms = aws_retry_delay_ms(policy, r->attempts - 1);
        x->st.retries++;
        backup_req_reset_answer(r);
        P(r)->due = backup_now() + ms / 1000.0;
        P(r)->next = x->delayed;
        x->delayed = r;
        return;
    }
    finish(x, r);
}

static void start(struct backup_xfer *x, struct backup_req *r)
{
    struct req_priv *p = P(r);
    struct sigv4_header hdrs[BACKUP_REQ_HEADERS + SIGV4_MAX_OUT_HEADERS];
    struct sigv4_signed sig = {0};
    size_t n = 0;
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
    for (size_t i = 0; i < r->n_hdrs; i++)
        hdrs[n++] = (struct sigv4_header){r->hname[i], r->hval[i]};
    r->rc = aws_client_sign(x->client, r->method, p->url, hdrs, n, r->payload_hash, &sig, &r->err);
    if (r->rc != AWS_OK) {
        finish(x, r);
        return;
    }
    for (size_t i = 0; i < sig.n_headers; i++)
        hdrs[n++] = (struct sigv4_header){sig.headers[i].name, sig.headers[i].value};
    if (p->slist)
        curl_slist_free_all(p->slist);
    p->slist = aws_http_curl_headers(hdrs, n);
    sigv4_signed_free(&sig);
    if (!p->slist) {
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
    curl_easy_setopt(c, CURLOPT_USERAGENT, AWS_HTTP_USER_AGENT);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PRIVATE, r);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, p->errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, aws_client_connect_ms(x->client));
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
            aws_http_transport_error(&r->err, cr, p->errbuf);
            retryable = r->err.retryable;
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
