/* Unit tests of the metrics: histogram buckets and percentiles, per-minute roll-over of the
 * process buffer, summing in the store across processes, 24 h pruning, the flush when the
 * store closes, and the admin store operations (user search, ending a user's sessions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/testutil.h"
#include "core/app.h"
#include "core/metrics.h"
#include "core/util.h"
#include "store/store.h"

static char dir[64];
static HDF *cfg;
static struct fc_store *S;

/* 2024-01-01T00:00:00Z, a minute boundary */
#define T0 1704067200

static int setup(void **state)
{
    (void)state;
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

static struct fc_metrics_buf *new_buf(void)
{
    struct fc_metrics_buf *b = calloc(1, sizeof *b);
    assert_non_null(b);
    return b;
}

/* The stored (route, status) row, or NULL; rows from metrics_query. */
static const struct fc_metric_row *find(const struct fc_metric_row *rows, int n, const char *route,
                                        int status)
{
    for (int i = 0; i < n; i++)
        if (strcmp(rows[i].route, route) == 0 && rows[i].status == status)
            return &rows[i];
    return NULL;
}

static void test_buckets(void **state)
{
    (void)state;
    assert_int_equal(fc_metrics_bucket(0), 0);
    assert_int_equal(fc_metrics_bucket(-3), 0);
    assert_int_equal(fc_metrics_bucket(NAN), 0);
    assert_int_equal(fc_metrics_bucket(0.1), 0);
    assert_int_equal(fc_metrics_bucket(0.1001), 1);
    assert_int_equal(fc_metrics_bucket(0.14), 1); /* upper(1) = 0.1414 */
    assert_int_equal(fc_metrics_bucket(0.15), 2); /* upper(2) = 0.2 */
    assert_int_equal(fc_metrics_bucket(1.0), 7);  /* upper(6) = 0.8, upper(7) = 1.13 */
    assert_int_equal(fc_metrics_bucket(1e9), FC_METRIC_BUCKETS - 1);
    assert_true(isinf(fc_metrics_bucket_upper(FC_METRIC_BUCKETS - 1)));
    assert_true(fc_metrics_bucket_upper(FC_METRIC_BUCKETS - 2) > 30000); /* 52 s */
    for (int i = 0; i < FC_METRIC_BUCKETS - 1; i++) {
        double u = fc_metrics_bucket_upper(i);
        assert_true(u < fc_metrics_bucket_upper(i + 1));
        assert_int_equal(fc_metrics_bucket(u), i);              /* ends are inclusive */
        assert_int_equal(fc_metrics_bucket(u * 1.0001), i + 1); /* and just above */
        if (i > 0) /* log-spaced: each bucket sqrt(2) times as wide as the one before */
            assert_true(fabs(u / fc_metrics_bucket_upper(i - 1) - sqrt(2)) < 1e-9);
    }
}

static void test_percentiles(void **state)
{
    long hist[FC_METRIC_BUCKETS] = {0};
    double p50, p90, p99;
    (void)state;
    assert_true(fc_metrics_percentile(hist, 0.5, 0) == 0); /* empty */

    /* one sample: every percentile is inside its bucket and never above the max */
    hist[fc_metrics_bucket(3.0)] = 1;
    p50 = fc_metrics_percentile(hist, 0.5, 3.0);
    assert_true(p50 > fc_metrics_bucket_upper(fc_metrics_bucket(3.0) - 1) && p50 <= 3.0);
    assert_true(fc_metrics_percentile(hist, 0.99, 3.0) <= 3.0);

    /* 1..1000 ms, one sample each: the estimates stay within a bucket's width (41%) and in
     * practice much closer, thanks to the interpolation */
    memset(hist, 0, sizeof hist);
    for (int ms = 1; ms <= 1000; ms++)
        hist[fc_metrics_bucket(ms)]++;
    p50 = fc_metrics_percentile(hist, 0.50, 1000);
    p90 = fc_metrics_percentile(hist, 0.90, 1000);
    p99 = fc_metrics_percentile(hist, 0.99, 1000);
    assert_true(fabs(p50 - 500) / 500 < 0.10);
    assert_true(fabs(p90 - 900) / 900 < 0.10);
    assert_true(fabs(p99 - 990) / 990 < 0.10);
    assert_true(p50 < p90 && p90 < p99 && p99 <= 1000);

    /* 99 fast requests and one slow one: p50 is fast, p99 still fast, p100 is the slow one */
    memset(hist, 0, sizeof hist);
    hist[fc_metrics_bucket(2)] = 99;
    hist[fc_metrics_bucket(4000)] = 1;
    assert_true(fc_metrics_percentile(hist, 0.5, 4000) <=
                fc_metrics_bucket_upper(fc_metrics_bucket(2)));
    assert_true(fc_metrics_percentile(hist, 0.99, 4000) <=
                fc_metrics_bucket_upper(fc_metrics_bucket(2)));
    assert_true(fc_metrics_percentile(hist, 1.0, 4000) > 2000);

    /* the open-ended last bucket answers with the max */
    memset(hist, 0, sizeof hist);
    hist[FC_METRIC_BUCKETS - 1] = 3;
    assert_true(fc_metrics_percentile(hist, 0.5, 90000) == 90000);
}

static void test_rollover(void **state)
{
    struct fc_metrics_buf *b = new_buf();
    (void)state;
    /* the same minute, route and status share a row */
    assert_int_equal(fc_metrics_buf_add(b, T0 + 5, "/feed", 200, 2.0), FC_OK);
    assert_int_equal(fc_metrics_buf_add(b, T0 + 59, "/feed", 200, 8.0), FC_OK);
    assert_int_equal(b->nrows, 1);
    assert_int_equal(b->rows[0].count, 2);
    assert_int_equal(b->rows[0].minute, T0 / 60);
    assert_true(b->rows[0].sum_ms == 10.0 && b->rows[0].max_ms == 8.0);
    assert_int_equal(b->rows[0].hist[fc_metrics_bucket(2.0)], 1);
    assert_int_equal(b->rows[0].hist[fc_metrics_bucket(8.0)], 1);
    /* the next second is the next minute: a new row */
    assert_int_equal(fc_metrics_buf_add(b, T0 + 60, "/feed", 200, 1.0), FC_OK);
    assert_int_equal(b->nrows, 2);
    assert_int_equal(b->rows[1].minute, T0 / 60 + 1);
    assert_int_equal(b->rows[1].count, 1);
    /* another status or route: another row; no route is "-" */
    assert_int_equal(fc_metrics_buf_add(b, T0 + 61, "/feed", 500, 1.0), FC_OK);
    assert_int_equal(fc_metrics_buf_add(b, T0 + 61, NULL, 404, 1.0), FC_OK);
    assert_int_equal(b->nrows, 4);
    assert_string_equal(b->rows[3].route, "-");
    /* counters roll over the same way */
    assert_int_equal(fc_metrics_buf_count(b, T0 + 1, "rec.fallback", 1), FC_OK);
    assert_int_equal(fc_metrics_buf_count(b, T0 + 2, "rec.fallback", 2), FC_OK);
    assert_int_equal(fc_metrics_buf_count(b, T0 + 61, "rec.fallback", 1), FC_OK);
    assert_int_equal(b->nctrs, 2);
    assert_int_equal(b->ctrs[0].n, 3);
    /* a full buffer says so instead of growing */
    for (int i = b->nrows; i < FC_METRICS_MAX_ROWS; i++)
        assert_int_equal(fc_metrics_buf_add(b, T0 + 120, "/x", i, 1.0), FC_OK);
    assert_int_equal(fc_metrics_buf_add(b, T0 + 120, "/y", 200, 1.0), FC_ETOOBIG);
    assert_int_equal(fc_metrics_buf_add(b, T0 + 120, "/x", 200, 1.0), FC_OK); /* existing row */
    free(b);
}

/* Two processes' buffers flushed to one store sum up; old rows are pruned after 24 h. */
static void test_store_sum_and_prune(void **state)
{
    struct fc_metrics_buf *p1 = new_buf(), *p2 = new_buf();
    struct fc_metric_row *rows = NULL;
    struct fc_metric_counter *ctrs = NULL;
    const struct fc_metric_row *r;
    int64_t now = T0 + 3 * 86400;
    int n, nc;
    (void)state;

    for (int i = 0; i < 5; i++)
        assert_int_equal(fc_metrics_buf_add(p1, now, "/restaurants", 200, 3.0), FC_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(fc_metrics_buf_add(p2, now, "/restaurants", 200, 30.0), FC_OK);
    assert_int_equal(fc_metrics_buf_add(p2, now, "/restaurants", 500, 100.0), FC_OK);
    assert_int_equal(fc_metrics_buf_add(p2, now - 60, "/restaurants", 200, 1.0), FC_OK);
    /* 25 hours ago: past the retention */
    assert_int_equal(fc_metrics_buf_add(p1, now - 25 * 3600, "/restaurants", 200, 1.0), FC_OK);
    assert_int_equal(fc_metrics_buf_count(p1, now, "rec.fallback", 2), FC_OK);
    assert_int_equal(fc_metrics_buf_count(p2, now, "rec.fallback", 1), FC_OK);
    assert_int_equal(fc_metrics_buf_count(p2, now - 25 * 3600, "rec.fallback", 7), FC_OK);
    assert_int_equal(fc_metrics_buf_flush(p1, S), FC_OK);
    assert_int_equal(fc_metrics_buf_flush(p2, S), FC_OK);
    assert_int_equal(p1->nrows + p1->nctrs + p2->nrows + p2->nctrs, 0); /* emptied */
    assert_int_equal(fc_metrics_buf_flush(p1, S), FC_OK);               /* nothing to do */

    /* by route over everything: both processes and the old row summed */
    assert_int_equal(S->ops->metrics_query(S, 0, FC_METRIC_BY_ROUTE, &rows, &n), FC_OK);
    r = find(rows, n, "/restaurants", 200);
    assert_non_null(r);
    assert_int_equal(r->count, 5 + 3 + 1 + 1);
    assert_true(r->max_ms == 30.0);
    assert_int_equal(r->hist[fc_metrics_bucket(3.0)], 5);
    assert_int_equal(r->hist[fc_metrics_bucket(30.0)], 3);
    assert_int_equal(find(rows, n, "/restaurants", 500)->count, 1);
    free(rows);

    /* by minute, since the current minute */
    assert_int_equal(S->ops->metrics_query(S, now / 60, FC_METRIC_BY_MINUTE, &rows, &n), FC_OK);
    assert_int_equal(n, 2); /* statuses 200 and 500 of this minute */
    assert_int_equal(rows[0].minute, now / 60);
    assert_int_equal(rows[0].status, 200);
    assert_int_equal(rows[0].count, 8);
    assert_string_equal(rows[0].route, "");
    free(rows);

    assert_int_equal(S->ops->metrics_counters(S, 0, &ctrs, &nc), FC_OK);
    assert_int_equal(nc, 1);
    assert_string_equal(ctrs[0].name, "rec.fallback");
    assert_int_equal(ctrs[0].n, 10);
    free(ctrs);

    /* pruning keeps the last 24 hours only */
    assert_int_equal(fc_metrics_prune(S, now, 24 * 60), FC_OK);
    assert_int_equal(S->ops->metrics_query(S, 0, FC_METRIC_BY_ROUTE, &rows, &n), FC_OK);
    assert_int_equal(find(rows, n, "/restaurants", 200)->count, 9);
    free(rows);
    assert_int_equal(S->ops->metrics_counters(S, 0, &ctrs, &nc), FC_OK);
    assert_int_equal(ctrs[0].n, 3);
    free(ctrs);
    /* a day later everything is gone */
    assert_int_equal(fc_metrics_prune(S, now + 86400 + 120, 24 * 60), FC_OK);
    assert_int_equal(S->ops->metrics_query(S, 0, FC_METRIC_BY_ROUTE, &rows, &n), FC_OK);
    assert_int_equal(n, 0);
    free(rows);
    free(p1);
    free(p2);
}

/* The process-level path: requests are buffered until Metrics.FlushSeconds pass, and what is
 * still buffered reaches the store when the application (and so the store) closes. */
static void test_process_flush_and_exit(void **state)
{
    struct fc_app app;
    struct fc_store *s2 = NULL;
    struct fc_metric_row *rows = NULL;
    int64_t now;
    int n;
    (void)state;

    setenv("FORKCAST_METRICS_FLUSHSECONDS", "3600", 1); /* only if conf has the key */
    assert_int_equal(fc_app_init(&app, "conf/forkcast.hdf"), FC_OK);
    assert_int_equal(hdf_set_value(app.cfg, "Metrics.FlushSeconds", "3600"), STATUS_OK);
    /* the first call binds the process state and starts its flush clock; "now" is read after
     * it, so a slow start-up (valgrind) cannot make now earlier than the last flush */
    fc_metrics_count(&app, "rec.fallback", 1);
    now = fc_now();
    fc_metrics_request_at(&app, now, "/exit-test", 200, 1.5);
    fc_metrics_request_at(&app, now + 1, "/exit-test", 200, 2.5);
    /* not flushed yet: another connection sees nothing */
    assert_int_equal(fc_store_open(cfg, &s2), FC_OK);
    assert_int_equal(s2->ops->metrics_query(s2, now / 60 - 1, FC_METRIC_BY_ROUTE, &rows, &n),
                     FC_OK);
    assert_null(find(rows, n, "/exit-test", 200));
    free(rows);
    /* closing the application flushes */
    fc_app_free(&app);
    assert_int_equal(s2->ops->metrics_query(s2, now / 60 - 1, FC_METRIC_BY_ROUTE, &rows, &n),
                     FC_OK);
    assert_non_null(find(rows, n, "/exit-test", 200));
    assert_int_equal(find(rows, n, "/exit-test", 200)->count, 2);
    free(rows);

    /* with FlushSeconds = 0 every request is written at once */
    assert_int_equal(fc_app_init(&app, "conf/forkcast.hdf"), FC_OK);
    assert_int_equal(hdf_set_value(app.cfg, "Metrics.FlushSeconds", "0"), STATUS_OK);
    fc_metrics_request_at(&app, now, "/exit-test", 200, 1.0);
    assert_int_equal(s2->ops->metrics_query(s2, now / 60 - 1, FC_METRIC_BY_ROUTE, &rows, &n),
                     FC_OK);
    assert_int_equal(find(rows, n, "/exit-test", 200)->count, 3);
    free(rows);
    fc_app_free(&app);
    fc_store_close(s2);
    unsetenv("FORKCAST_METRICS_FLUSHSECONDS");
}

static int64_t mkuser(const char *name, const char *display, int admin, int disabled)
{
    struct fc_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.username, sizeof u.username, "%s", name);
    snprintf(u.email, sizeof u.email, "%s@example.com", name);
    snprintf(u.display_name, sizeof u.display_name, "%s", display);
    snprintf(u.pw_hash, sizeof u.pw_hash, "x");
    snprintf(u.visibility, sizeof u.visibility, "public");
    u.is_admin = admin;
    u.disabled = disabled;
    assert_int_equal(S->ops->user_create(S, &u), FC_OK);
    return u.id;
}

static void test_user_search_and_sessions(void **state)
{
    struct fc_user out[3];
    struct fc_user_query q = {.text = "", .limit = 3};
    int64_t ann, uid, created, seen;
    int n, total;
    (void)state;

    ann = mkuser("ann", "Ann Admin", 1, 0);
    mkuser("bea", "Beatriz 50%", 0, 1);
    mkuser("cal", "Cal", 0, 0);
    mkuser("dee", "Dee", 0, 0);
    assert_int_equal(S->ops->user_search(S, &q, out, &n, &total), FC_OK);
    assert_int_equal(total, 4);
    assert_int_equal(n, 3);
    assert_string_equal(out[0].username, "ann");
    assert_true(out[0].is_admin);
    assert_string_equal(out[0].pw_hash, ""); /* never loaded */
    q.offset = 3;
    assert_int_equal(S->ops->user_search(S, &q, out, &n, &total), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(out[0].username, "dee");
    q.offset = 0;
    q.text = "BEATRIZ"; /* display name, any case */
    assert_int_equal(S->ops->user_search(S, &q, out, &n, &total), FC_OK);
    assert_int_equal(n, 1);
    assert_true(out[0].disabled);
    q.text = "cal@example"; /* e-mail */
    assert_int_equal(S->ops->user_search(S, &q, out, &n, &total), FC_OK);
    assert_int_equal(n, 1);
    q.text = "%"; /* a wildcard is a plain character */
    assert_int_equal(S->ops->user_search(S, &q, out, &n, &total), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(out[0].username, "bea");
    q.text = "";
    q.role = FC_ROLE_ADMIN;
    assert_int_equal(S->ops->user_search(S, &q, out, &n, &total), FC_OK);
    assert_int_equal(total, 1);
    q.role = FC_ROLE_DISABLED;
    q.limit = 0; /* count only */
    assert_int_equal(S->ops->user_search(S, &q, NULL, &n, &total), FC_OK);
    assert_int_equal(total, 1);
    assert_int_equal(n, 0);

    assert_int_equal(S->ops->session_create(S, "h1", ann, 100), FC_OK);
    assert_int_equal(S->ops->session_create(S, "h2", ann, 100), FC_OK);
    assert_int_equal(S->ops->session_delete_user(S, ann), FC_OK);
    assert_int_equal(S->ops->session_get(S, "h1", &uid, &created, &seen), FC_NOTFOUND);
    assert_int_equal(S->ops->session_get(S, "h2", &uid, &created, &seen), FC_NOTFOUND);
}

static void test_store_health(void **state)
{
    struct fc_store_check v[FC_STORE_MAX_CHECKS], few[2];
    int ok = 0, n = -1;
    (void)state;
    assert_int_equal(S->ops->store_health(S, v, FC_STORE_MAX_CHECKS, &n), FC_OK);
    assert_true(n > 2 && n <= FC_STORE_MAX_CHECKS);
    for (int i = 0; i < n; i++)
        if (strstr(v[i].name, "quick_check") && strncmp(v[i].value, "ok", 2) == 0 && v[i].ok)
            ok = 1;
    assert_true(ok);
    /* no room for every figure: an error, nothing written past the end */
    assert_int_equal(S->ops->store_health(S, few, 2, &n), FC_ERR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buckets),
        cmocka_unit_test(test_percentiles),
        cmocka_unit_test(test_rollover),
        cmocka_unit_test(test_store_sum_and_prune),
        cmocka_unit_test(test_process_flush_and_exit),
        cmocka_unit_test(test_user_search_and_sessions),
        cmocka_unit_test(test_store_health),
    };
    return cmocka_run_group_tests_name("metrics", tests, setup, teardown);
}
