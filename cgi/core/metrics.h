/* metrics: request counts, statuses and latencies (and other counters) for the admin
 * health page. */
#ifndef FC_METRICS_H
#define FC_METRICS_H

struct fc_app;

/* Records one finished request: its route pattern ("-" when none matched), its status and
 * the server time in milliseconds. Must be cheap: it runs on every request. */
void fc_metrics_request(struct fc_app *app, const char *route, int status, double ms);

#endif
