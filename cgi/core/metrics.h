/* metrics: request counts, statuses and latencies (and other counters) for the admin
 * health page. */
#ifndef FC_METRICS_H
#define FC_METRICS_H

#include <stdint.h>

#include "store/store.h"

struct fc_app;

/* Records one finished request: its route pattern ("-" when none matched), its status and
 * the server time in milliseconds. Must be cheap: it runs on every request. */
void fc_metrics_request(struct fc_app *app, const char *route, int status, double ms);

/* Adds n to the counter name for the current minute: "rec.fallback" (the recommender fell
 * back to popularity), "store.error" (a store call failed)... Names longer than 63 bytes are
 * cut. Shown, summed over every process, on the admin health page. */
void fc_metrics_count(struct fc_app *app, const char *name, long n);

/* Writes what this process has buffered to the store now (the admin pages call it before
 * reading). FC_OK or FC_ERR. */
int fc_metrics_flush(struct fc_app *app);

/* fc_metrics_request at a given time (unix seconds), for tests. */
void fc_metrics_request_at(struct fc_app *app, int64_t now, const char *route, int status,
                           double ms);

/* ---- latency histogram -------------------------------------------------- */

/* Bucket i holds times in (upper(i-1), upper(i)] ms, bucket 0 everything <= 0.1 ms; upper(i)
 * = 0.1 * 2^(i/2) ms (about 41% wider each), up to 52 s; the last bucket is open-ended. */
int fc_metrics_bucket(double ms);
/* Upper end of bucket i in ms (HUGE_VAL for the last). */
double fc_metrics_bucket_upper(int i);
/* The p-quantile (0 < p <= 1) of the histogram in ms, interpolated inside its bucket and never
 * above max_ms when max_ms > 0; 0 for an empty histogram. */
double fc_metrics_percentile(const long hist[FC_METRIC_BUCKETS], double p, double max_ms);
/* Adds from's count, sums, max and histogram to into. */
void fc_metrics_row_merge(struct fc_metric_row *into, const struct fc_metric_row *from);

/* ---- the per-process buffer (exposed for tests) ------------------------- */

#define FC_METRICS_MAX_ROWS     256
#define FC_METRICS_MAX_COUNTERS 64

struct fc_metrics_buf {
    struct fc_metric_row rows[FC_METRICS_MAX_ROWS];
    int nrows;
    struct fc_metric_counter ctrs[FC_METRICS_MAX_COUNTERS];
    int nctrs;
    long dropped; /* samples that found the buffer full */
};

/* Counts a request at time now into the row of its minute, route and status. FC_OK, or
 * FC_ETOOBIG when that needs a new row and the buffer is full. */
int fc_metrics_buf_add(struct fc_metrics_buf *b, int64_t now, const char *route, int status,
                       double ms);
/* Adds n to counter name of now's minute. FC_OK or FC_ETOOBIG. */
int fc_metrics_buf_count(struct fc_metrics_buf *b, int64_t now, const char *name, long n);
/* Adds the buffer to the store (one transaction) and empties it. FC_OK, or FC_ERR with the
 * buffer kept for the next try. A backend without metrics operations just empties it. */
int fc_metrics_buf_flush(struct fc_metrics_buf *b, struct fc_store *s);
/* Deletes stored metrics of minutes older than keep_minutes before now. */
int fc_metrics_prune(struct fc_store *s, int64_t now, int keep_minutes);

#endif
