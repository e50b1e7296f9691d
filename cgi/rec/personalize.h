/* rec/personalize: the Amazon Personalize backend: GetRecommendations for the home page (short
 * timeout, circuit breaker), PutEvents for reviews and saves through the worker queue, and the
 * dataset export. See docs/personalize.md. */
#ifndef FC_REC_PERSONALIZE_H
#define FC_REC_PERSONALIZE_H

#include <stddef.h>
#include <stdint.h>

#include <ClearSilver.h>
#include <json-c/json.h>

#include "store/store.h"
#include "svc/svc.h"
#include "worker/jobs.h"

struct fc_ctx;
struct aws_client_hooks;

/* The worker job that sends one interaction with PutEvents. */
#define FC_PERSONALIZE_JOB "personalize.put_events"

/* Rec.Personalize.* (read with aws_config_*: the file's value, else FORKCAST_REC_PERSONALIZE_*,
 * else the default). */
struct fc_personalize_cfg {
    char campaign_arn[256];    /* CampaignArn: a custom solution's campaign */
    char recommender_arn[256]; /* RecommenderArn: a domain recommender (used when no campaign) */
    char filter_arn[256];      /* FilterArn: optional */
    char tracking_id[128];     /* TrackingId: the event tracker; empty = no PutEvents */
    int timeout_ms;            /* TimeoutMs (300): the whole GetRecommendations call */
    int breaker_failures;      /* BreakerFailures (3): failures in a row that open the breaker */
    int breaker_seconds;       /* BreakerSeconds (30): how long Personalize is then skipped */
    int context;               /* Context (0): 1 sends the profile's CITY and PRICE as context */
};

void fc_personalize_cfg_load(HDF *cfg, struct fc_personalize_cfg *pc);

/* 1 when Rec.Backend is "personalize" and a campaign or recommender ARN is set. */
int fc_personalize_enabled(HDF *cfg);

/* ---- GetRecommendations (the web process) ------------------------------------------------- */

struct fc_personalize;

/* A client for personalize-runtime with the short timeout and one attempt per call.
 * FC_OK, or FC_ERR (not configured, bad endpoint: logged). */
int fc_personalize_open(HDF *cfg, struct fc_personalize **out);
void fc_personalize_close(struct fc_personalize *p);
/* Test seam: the client's transport, clock... (aws_client_set_hooks) and fixed credentials. */
void fc_personalize_set_hooks(struct fc_personalize *p, const struct aws_client_hooks *hooks,
                              const char *key_id, const char *secret);

struct fc_personalize_item {
    int64_t item; /* the restaurant id (Personalize's itemId) */
    double score;
};

/* Asks for the top n for user u (numResults = n, at most 500): the items whose itemId is a
 * restaurant id, in Personalize's order, without duplicates; *nout may be 0. FC_OK, or
 * FC_ERR with a reason for the log in why (error code and message; never a secret). While
 * the breaker is open (BreakerFailures failures in a row, for BreakerSeconds) it fails at
 * once without a call. Not thread-safe: one caller at a time. */
int fc_personalize_recommend(struct fc_personalize *p, const struct fc_user *u, size_t n,
                             struct fc_personalize_item *out, size_t *nout, char *why,
                             size_t why_len);

/* Parses a GetRecommendations answer ({"itemList":[{"itemId","score"}...]}) into at most max
 * items (ids that are not positive integers and repeats are skipped); borrows resp. FC_OK or
 * FC_EINVAL when there is no itemList array. */
int fc_personalize_parse_items(json_object *resp, struct fc_personalize_item *out, size_t max,
                               size_t *nout);

/* ---- PutEvents (through the worker) ------------------------------------------------------- */

/* Queues a PutEvents job for an interaction (type "review" with the stars as value, or
 * "save"; other types are ignored) when Rec.Personalize.TrackingId is set; a no-op otherwise.
 * The job is queued after the answer (fc_svc_defer: the request's fc_app_defer): the person
 * does not wait for that store write. Never fails the caller: an enqueue failure is logged and
 * counted (personalize.enqueue_error). The service operations (cgi/svc) call it. */
void fc_personalize_event_sv(const struct fc_svc *sv, int64_t user_id, int64_t restaurant_id,
                             const char *type, double value, int64_t at);
/* The same with an explicit configuration and store (the CLI, tests). */
int fc_personalize_event_enqueue(HDF *cfg, struct fc_store *s, int64_t user_id,
                                 int64_t restaurant_id, const char *type, double value, int64_t at);

/* The job handler: sends the job's event; retried with the worker's backoff on throttling,
 * 5xx, timeouts and credential errors, failed for good (kept, see `forkcast personalize
 * resend`) on other 4xx or after Worker.MaxAttempts. */
extern const struct fc_job_type fc_personalize_put_events_job;

/* ---- the command -------------------------------------------------------------------------- */

/* forkcast personalize export|resend ... (rec/personalize_cli.c). */
int fc_personalize_cli(HDF *cfg, int argc, char **argv);

#endif
