/* metrics: per-process, per-minute request buckets (count, status, latency histogram) and
 * named counters, added to the store every Metrics.FlushSeconds and when the process ends, so
 * that the admin health page sums every FastCGI process; rows older than Metrics.KeepHours
 * are deleted. */
#include "core/metrics.h"
#include "aws/client.h"
#include "aws/endpoint.h"
#include "core/app.h"
#include "core/config.h"
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* How often (seconds) a process deletes rows past the retention. */
#define PRUNE_EVERY 600

/* ---- histogram ---------------------------------------------------------- */

double fc_metrics_bucket_upper(int i)
{
    if (i < 0)
        return 0;
    if (i >= FC_METRIC_BUCKETS - 1)
        return HUGE_VAL;
    return 0.1 * pow(2.0, i / 2.0);
}

int fc_metrics_bucket(double ms)
{
    int lo = 0, hi = FC_METRIC_BUCKETS - 1;
    if (!(ms > 0.1)) /* also NaN and negatives */
        return 0;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (ms <= fc_metrics_bucket_upper(mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

double fc_metrics_percentile(const long hist[FC_METRIC_BUCKETS], double p, double max_ms)
{
    long total = 0, cum = 0;
    double rank;
    for (int i = 0; i < FC_METRIC_BUCKETS; i++)
        total += hist[i] > 0 ? hist[i] : 0;
    if (total == 0)
        return 0;
    if (p > 1)
        p = 1;
    rank = p * (double)total;
    if (rank < 1)
        rank = 1;
    for (int i = 0; i < FC_METRIC_BUCKETS; i++) {
        double lo, hi, v;
        if (hist[i] <= 0)
            continue;
        if ((double)(cum + hist[i]) < rank) {
            cum += hist[i];
            continue;
        }
        lo = fc_metrics_bucket_upper(i - 1);
        hi = fc_metrics_bucket_upper(i);
        if (i == FC_METRIC_BUCKETS - 1)
            v = max_ms > lo ? max_ms : lo;
        else
            v = lo + (hi - lo) * (rank - (double)cum) / (double)hist[i];
        return max_ms > 0 && v > max_ms ? max_ms : v;
    }
    return max_ms;
}

void fc_metrics_row_merge(struct fc_metric_row *into, const struct fc_metric_row *from)
{
    into->count += from->count;
    into->sum_ms += from->sum_ms;
    if (from->max_ms > into->max_ms)
        into->max_ms = from->max_ms;
    for (int i = 0; i < FC_METRIC_BUCKETS; i++)
        into->hist[i] += from->hist[i];
}

/* ---- buffer ------------------------------------------------------------- */

int fc_metrics_buf_add(struct fc_metrics_buf *b, int64_t now, const char *route, int status,
                       double ms)
{
    int64_t minute = now / 60;
    struct fc_metric_row *r = NULL;
    char name[sizeof r->route];

    fc_strlcpy(name, route && *route ? route : "-", sizeof name);
    if (status < 0 || status > 999)
        status = 0;
    if (!(ms >= 0)) /* NaN or negative */
        ms = 0;
    /* the newest rows are the likeliest */
    for (int i = b->nrows - 1; i >= 0; i--) {
        struct fc_metric_row *x = &b->rows[i];
        if (x->minute == minute && x->status == status && strcmp(x->route, name) == 0) {
            r = x;
            break;
        }
    }
    if (!r) {
        if (b->nrows == FC_METRICS_MAX_ROWS)
            return FC_ETOOBIG;
        r = &b->rows[b->nrows++];
        memset(r, 0, sizeof *r);
        r->minute = minute;
        r->status = status;
        memcpy(r->route, name, sizeof r->route);
    }
    r->count++;
    r->sum_ms += ms;
    if (ms > r->max_ms)
        r->max_ms = ms;
    r->hist[fc_metrics_bucket(ms)]++;
    return FC_OK;
}

int fc_metrics_buf_count(struct fc_metrics_buf *b, int64_t now, const char *name, long n)
{
    int64_t minute = now / 60;
    struct fc_metric_counter *c = NULL;
    char key[sizeof c->name];

    fc_strlcpy(key, name && *name ? name : "-", sizeof key);
    for (int i = b->nctrs - 1; i >= 0; i--) {
        if (b->ctrs[i].minute == minute && strcmp(b->ctrs[i].name, key) == 0) {
            c = &b->ctrs[i];
            break;
        }
    }
    if (!c) {
        if (b->nctrs == FC_METRICS_MAX_COUNTERS)
            return FC_ETOOBIG;
        c = &b->ctrs[b->nctrs++];
        memset(c, 0, sizeof *c);
        c->minute = minute;
        memcpy(c->name, key, sizeof c->name);
    }
    c->n += n;
    return FC_OK;
}

int fc_metrics_buf_flush(struct fc_metrics_buf *b, struct fc_store *s)
{
    int rc = FC_OK;
    if (!b->nrows && !b->nctrs)
        return FC_OK;
    if (s && s->ops->metrics_add)
        rc = s->ops->metrics_add(s, b->rows, b->nrows, b->ctrs, b->nctrs);
    if (rc == FC_OK)
        b->nrows = b->nctrs = 0;
    return rc;
}

int fc_metrics_prune(struct fc_store *s, int64_t now, int keep_minutes)
{
    if (!s || !s->ops->metrics_prune)
        return FC_OK;
    return s->ops->metrics_prune(s, now / 60 - keep_minutes);
}

/* ---- the process's state ------------------------------------------------ */

/* One per process: the FastCGI process serves one application. */
static struct {
    struct fc_app *app;
    struct fc_store *store; /* the store whose ops the exit hook wraps */
    const struct fc_store_ops *orig;
    struct fc_store_ops wrap;
    struct fc_metrics_buf buf;
    int flush_seconds, keep_minutes;
    int64_t last_flush, last_prune;
    struct aws_stats aws_seen[AWS_SVC_COUNT];
} M;

/* Adds the AWS client's call counters (per process, since start) that grew since the last
 * flush as counters of this minute. */
static void aws_deltas(int64_t now)
{
    for (int i = 0; i < AWS_SVC_COUNT; i++) {
        const struct aws_service *svc = aws_service_get((enum aws_service_id)i);
        struct aws_stats st, *seen = &M.aws_seen[i];
        struct {
            const char *what;
            unsigned long long cur, old;
        } f[6];
        if (!svc || aws_stats_get(svc->name, &st) != AWS_OK)
            continue;
        f[0].what = "calls", f[0].cur = st.calls, f[0].old = seen->calls;
        f[1].what = "errors", f[1].cur = st.errors, f[1].old = seen->errors;
        f[2].what = "retries", f[2].cur = st.retries, f[2].old = seen->retries;
        f[3].what = "throttles", f[3].cur = st.throttles, f[3].old = seen->throttles;
        f[4].what = "ms", f[4].cur = st.latency_ms, f[4].old = seen->latency_ms;
        f[5].what = "budget_stops", f[5].cur = st.budget_stops, f[5].old = seen->budget_stops;
        for (size_t k = 0; k < FC_ARRAY_LEN(f); k++) {
            char name[64];
            /* counters that went down were reset: count them from zero */
            unsigned long long d = f[k].cur >= f[k].old ? f[k].cur - f[k].old : f[k].cur;
            if (!d)
                continue;
            snprintf(name, sizeof name, "aws.%s.%s", svc->name, f[k].what);
            fc_metrics_buf_count(&M.buf, now, name, (long)d);
        }
        *seen = st;
    }
}

static int flush(struct fc_store *s, int64_t now)
{
    int rc;
    aws_deltas(now);
    if (M.buf.dropped &&
        fc_metrics_buf_count(&M.buf, now, "metrics.dropped", M.buf.dropped) == FC_OK)
        M.buf.dropped = 0;
    rc = fc_metrics_buf_flush(&M.buf, s);
    M.last_flush = now;
    if (now - M.last_prune >= PRUNE_EVERY || now < M.last_prune) {
        fc_metrics_prune(s, now, M.keep_minutes);
        M.last_prune = now;
    }
    return rc;
}

/* The store's close, wrapped: flushes what this process still holds before the store goes. */
static void close_hook(struct fc_store *s)
{
    if (s == M.store) {
        s->ops = M.orig;
        flush(s, fc_now());
        memset(&M, 0, sizeof M);
    }
    s->ops->close(s);
}

/* Binds the process's state to app on first use; 0 when metrics are off for it. */
static int attach(struct fc_app *app)
{
    int v;
    if (!app || !app->store)
        return 0;
    if (M.app == app && M.store == app->store)
        return 1;
    if (M.store) /* another application still holds the state (tests only) */
        return 0;
    memset(&M, 0, sizeof M);
    M.app = app;
    v = fc_config_int(app->cfg, "Metrics.FlushSeconds", 5);
    M.flush_seconds = v < 0 ? 0 : v;
    v = fc_config_int(app->cfg, "Metrics.KeepHours", 24);
    M.keep_minutes = (v < 1 ? 1 : v) * 60;
    M.last_flush = fc_now();
    /* the exit hook: the store's ops table copied with close replaced */
    M.store = app->store;
    M.orig = app->store->ops;
    M.wrap = *M.orig;
    M.wrap.close = close_hook;
    app->store->ops = &M.wrap;
    return 1;
}

void fc_metrics_request_at(struct fc_app *app, int64_t now, const char *route, int status,
                           double ms)
{
    if (!attach(app))
        return;
    if (fc_metrics_buf_add(&M.buf, now, route, status, ms) == FC_ETOOBIG) {
        flush(app->store, now);
        if (fc_metrics_buf_add(&M.buf, now, route, status, ms) != FC_OK)
            M.buf.dropped++;
    }
    if (now - M.last_flush >= M.flush_seconds || now < M.last_flush)
        flush(app->store, now);
}

void fc_metrics_request(struct fc_app *app, const char *route, int status, double ms)
{
    fc_metrics_request_at(app, fc_now(), route, status, ms);
}

void fc_metrics_count(struct fc_app *app, const char *name, long n)
{
    int64_t now = fc_now();
    if (!attach(app))
        return;
    if (fc_metrics_buf_count(&M.buf, now, name, n) == FC_ETOOBIG) {
        flush(app->store, now);
        if (fc_metrics_buf_count(&M.buf, now, name, n) != FC_OK)
            M.buf.dropped++;
    }
}

int fc_metrics_flush(struct fc_app *app)
{
    if (!attach(app))
        return FC_OK;
    return flush(app->store, fc_now());
}
