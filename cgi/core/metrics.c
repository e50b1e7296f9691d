/* metrics: per-request counters for the admin health page (placeholder until the metrics
 * store lands: it records nothing yet). */
#include "core/metrics.h"

void fc_metrics_request(struct fc_app *app, const char *route, int status, double ms)
{
    (void)app;
    (void)route;
    (void)status;
    (void)ms;
}
