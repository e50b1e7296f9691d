/* rec/personalize: Amazon Personalize: GetRecommendations with a short timeout and a circuit
 * breaker, and PutEvents for reviews and saves as worker jobs. */
#include "rec/personalize.h"
#include "aws/client.h"
#include "core/app.h"
#include "core/config.h"
#include "core/metrics.h"
#include "core/util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- settings ----------------------------------------------------------------------------- */

static void cfg_str(HDF *cfg, const char *key, char *out, size_t n)
{
    char tmp[1024];
    fc_strlcpy(tmp, aws_config_str(cfg, key, ""), sizeof tmp);
    fc_strlcpy(out, fc_trim(tmp), n);
}

void fc_personalize_cfg_load(HDF *cfg, struct fc_personalize_cfg *pc)
{
    memset(pc, 0, sizeof *pc);
    cfg_str(cfg, "Rec.Personalize.CampaignArn", pc->campaign_arn, sizeof pc->campaign_arn);
    cfg_str(cfg, "Rec.Personalize.RecommenderArn", pc->recommender_arn, sizeof pc->recommender_arn);
    cfg_str(cfg, "Rec.Personalize.FilterArn", pc->filter_arn, sizeof pc->filter_arn);
    cfg_str(cfg, "Rec.Personalize.TrackingId", pc->tracking_id, sizeof pc->tracking_id);
    pc->timeout_ms = aws_config_int_min(cfg, "Rec.Personalize.TimeoutMs", 300, 1);
    pc->breaker_failures = aws_config_int(cfg, "Rec.Personalize.BreakerFailures", 3);
    pc->breaker_seconds = aws_config_int_min(cfg, "Rec.Personalize.BreakerSeconds", 30, 0);
    pc->context = aws_config_int(cfg, "Rec.Personalize.Context", 0);
}

int fc_personalize_enabled(HDF *cfg)
{
    struct fc_personalize_cfg pc;
    if (strcmp(aws_config_str(cfg, "Rec.Backend", "builtin"), "personalize") != 0)
        return 0;
    fc_personalize_cfg_load(cfg, &pc);
    return pc.campaign_arn[0] || pc.recommender_arn[0];
}

/* ---- GetRecommendations ------------------------------------------------------------------- */

struct fc_personalize {
    struct fc_personalize_cfg pc;
    struct aws_client *client;
    int failures;       /* calls failed in a row */
    int64_t open_until; /* breaker: no call before this (monotonic ms) */
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int fc_personalize_open(HDF *cfg, struct fc_personalize **out)
{
    struct fc_personalize *p = calloc(1, sizeof *p);
    long connect_ms;
    *out = NULL;
    if (!p)
        return FC_ERR;
    fc_personalize_cfg_load(cfg, &p->pc);
    if (!p->pc.campaign_arn[0] && !p->pc.recommender_arn[0]) {
        fprintf(stderr, "forkcast: personalize: Rec.Personalize.CampaignArn or RecommenderArn "
                        "must be set\n");
        free(p);
        return FC_ERR;
    }
    if (aws_client_new(cfg, "personalize-runtime", &p->client) != AWS_OK) {
        fprintf(stderr, "forkcast: personalize: cannot create the personalize-runtime client "
                        "(region or endpoint)\n");
        free(p);
        return FC_ERR;
    }
    /* one attempt within TimeoutMs, connection included: the page must not wait longer */
    connect_ms = aws_config_int(cfg, "AWS.Timeout.ConnectMs", AWS_CONNECT_TIMEOUT_MS);
    if (connect_ms > p->pc.timeout_ms)
        connect_ms = p->pc.timeout_ms;
    aws_client_set_timeouts(p->client, connect_ms, p->pc.timeout_ms);
    aws_client_set_retry(p->client, 1, 0, 0);
    *out = p;
    return FC_OK;
}

void fc_personalize_close(struct fc_personalize *p)
{
    if (!p)
        return;
    aws_client_free(p->client);
    free(p);
}

void fc_personalize_set_hooks(struct fc_personalize *p, const struct aws_client_hooks *hooks,
                              const char *key_id, const char *secret)
{
    aws_client_set_hooks(p->client, hooks);
    if (key_id && secret)
        aws_client_set_credentials(p->client, key_id, secret, NULL);
}

/* Parses a positive decimal int64 that is the whole string. */
static int parse_id(const char *s, int64_t *out)
{
    char *end;
    long long v;
    if (!s || *s < '1' || *s > '9')
        return FC_EINVAL;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v <= 0)
        return FC_EINVAL;
    *out = v;
    return FC_OK;
}

int fc_personalize_parse_items(json_object *resp, struct fc_personalize_item *out, size_t max,
                               size_t *nout)
{
    json_object *list, *it, *v;
    size_t len, k = 0;
    *nout = 0;
    if (!resp || !json_object_object_get_ex(resp, "itemList", &list) ||
        !json_object_is_type(list, json_type_array))
        return FC_EINVAL;
    len = json_object_array_length(list);
    for (size_t i = 0; i < len && k < max; i++) {
        int64_t id;
        int dup = 0;
        it = json_object_array_get_idx(list, i);
        if (!json_object_is_type(it, json_type_object) ||
            !json_object_object_get_ex(it, "itemId", &v) ||
            !json_object_is_type(v, json_type_string) || parse_id(json_object_get_string(v), &id))
            continue;
        for (size_t j = 0; j < k; j++)
            dup |= out[j].item == id;
        if (dup)
            continue;
        out[k].item = id;
        out[k].score = json_object_object_get_ex(it, "score", &v) ? json_object_get_double(v) : 0;
        k++;
    }
    *nout = k;
    return FC_OK;
}

static void add_str(json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, json_object_new_string(value));
}

/* The GetRecommendations body. NULL when out of memory. */
static json_object *recommend_body(const struct fc_personalize_cfg *pc, const struct fc_user *u,
                                   size_t n)
{
    json_object *o = json_object_new_object(), *ctx;
    char id[32];
    if (!o)
        return NULL;
    snprintf(id, sizeof id, "%" PRId64, u->id);
    if (pc->campaign_arn[0])
        add_str(o, "campaignArn", pc->campaign_arn);
    else
        add_str(o, "recommenderArn", pc->recommender_arn);
    add_str(o, "userId", id);
    json_object_object_add(o, "numResults", json_object_new_int((int)n));
    if (pc->filter_arn[0])
        add_str(o, "filterArn", pc->filter_arn);
    if (pc->context && (u->city[0] || u->price[0]) && (ctx = json_object_new_object())) {
        if (u->city[0])
            add_str(ctx, "CITY", u->city);
        if (u->price[0])
            add_str(ctx, "PRICE", u->price);
        json_object_object_add(o, "context", ctx);
    }
    return o;
}

int fc_personalize_recommend(struct fc_personalize *p, const struct fc_user *u, size_t n,
                             struct fc_personalize_item *out, size_t *nout, char *why,
                             size_t why_len)
{
    struct aws_error err;
    json_object *req = NULL, *resp = NULL;
    int64_t now = mono_ms();
    int rc = FC_ERR, arc;

    *nout = 0;
    why[0] = '\0';
    if (p->failures >= p->pc.breaker_failures && p->pc.breaker_failures > 0 &&
        now < p->open_until) {
        snprintf(why, why_len, "not called for %lld ms more, after %d failures in a row",
                 (long long)(p->open_until - now), p->failures);
        return FC_ERR;
    }
    if (n > 500)
        n = 500;
    if (n == 0)
        return FC_OK;
    req = recommend_body(&p->pc, u, n);
    if (!req) {
        snprintf(why, why_len, "out of memory");
        goto out;
    }
    arc = aws_rest_json_call(p->client, "POST", "/recommendations", req, &resp, &err);
    if (arc != AWS_OK) {
        if (err.http_status)
            snprintf(why, why_len, "%s (HTTP %d): %s", err.code, err.http_status, err.message);
        else
            snprintf(why, why_len, "%s: %s", err.code, err.message);
        goto out;
    }
    if (fc_personalize_parse_items(resp, out, n, nout)) {
        snprintf(why, why_len, "the answer has no itemList");
        goto out;
    }
    rc = FC_OK;
out:
    if (rc == FC_OK) {
        p->failures = 0;
    } else if (++p->failures >= p->pc.breaker_failures && p->pc.breaker_failures > 0) {
        p->open_until = mono_ms() + (int64_t)p->pc.breaker_seconds * 1000;
        if (p->failures == p->pc.breaker_failures)
            fprintf(stderr,
                    "forkcast: personalize: %d failures in a row: not calling it for %d s\n",
                    p->failures, p->pc.breaker_seconds);
    }
    json_object_put(req);
    json_object_put(resp);
    return rc;
}

/* ---- PutEvents ---------------------------------------------------------------------------- */

int fc_personalize_event_enqueue(HDF *cfg, struct fc_store *s, int64_t user_id,
                                 int64_t restaurant_id, const char *type, double value, int64_t at)
{
    struct fc_personalize_cfg pc;
    json_object *o = NULL;
    unsigned char rnd[12];
    char id[32], session[48], event_id[40];
    struct tm tm;
    time_t t = (time_t)at;
    int rc;

    if (!type || (strcmp(type, "review") != 0 && strcmp(type, "save") != 0))
        return FC_OK;
    fc_personalize_cfg_load(cfg, &pc);
    if (!pc.tracking_id[0])
        return FC_OK;
    if (fc_random(rnd, sizeof rnd))
        return FC_ERR;
    o = json_object_new_object();
    if (!o)
        return FC_ERR;
    /* one session per user and day: Personalize wants one; our users are always known */
    gmtime_r(&t, &tm);
    snprintf(session, sizeof session, "%" PRId64 "-%04d%02d%02d", user_id, tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday);
    memcpy(event_id, "fc-", 3);
    fc_hex(event_id + 3, rnd, sizeof rnd);
    snprintf(id, sizeof id, "%" PRId64, user_id);
    add_str(o, "userId", id);
    add_str(o, "sessionId", session);
    add_str(o, "eventId", event_id);
    add_str(o, "eventType", type);
    json_object_object_add(o, "eventValue", json_object_new_double(value));
    snprintf(id, sizeof id, "%" PRId64, restaurant_id);
    add_str(o, "itemId", id);
    json_object_object_add(o, "sentAt", json_object_new_int64(at));
    rc = fc_job_enqueue(s, FC_PERSONALIZE_JOB, o, NULL, 0, NULL);
    json_object_put(o);
    return rc;
}

/* An interaction waiting for the end of the answer. */
struct pending_event {
    int64_t user_id, restaurant_id, at;
    double value;
    char type[16];
};

static void event_after(struct fc_app *app, void *arg)
{
    const struct pending_event *e = arg;
    int rc = fc_personalize_event_enqueue(app->cfg, app->store, e->user_id, e->restaurant_id,
                                          e->type, e->value, e->at);
    if (rc != FC_OK) {
        fprintf(stderr,
                "forkcast: personalize: could not queue the %s event of user %" PRId64
                " on %" PRId64 " (%d)\n",
                e->type, e->user_id, e->restaurant_id, rc);
        fc_metrics_count(app, "personalize.enqueue_error", 1);
    }
}

void fc_personalize_event_sv(const struct fc_svc *sv, int64_t user_id, int64_t restaurant_id,
                             const char *type, double value, int64_t at)
{
    struct fc_personalize_cfg pc;
    struct pending_event *e;
    if (!type || (strcmp(type, "review") != 0 && strcmp(type, "save") != 0))
        return;
    fc_personalize_cfg_load(sv->app->cfg, &pc);
    if (!pc.tracking_id[0])
        return;
    e = calloc(1, sizeof *e);
    if (!e) {
        fprintf(stderr, "forkcast: personalize: no memory to queue the %s event\n", type);
        fc_metrics_count(sv->app, "personalize.enqueue_error", 1);
        return;
    }
    e->user_id = user_id;
    e->restaurant_id = restaurant_id;
    e->at = at;
    e->value = value;
    fc_strlcpy(e->type, type, sizeof e->type);
    fc_svc_defer(sv, event_after, e);
}

/* The worker's per-process client. */
static int events_init(HDF *cfg, void **state)
{
    struct aws_client *c = NULL;
    if (aws_client_new(cfg, "personalize-events", &c) != AWS_OK) {
        fprintf(stderr, "forkcast: personalize: cannot create the personalize-events client "
                        "(region or endpoint)\n");
        return FC_ERR;
    }
    *state = c;
    return FC_OK;
}

static void events_fini(void *state)
{
    aws_client_free(state);
}

static const char *payload_str(json_object *p, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(p, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* The PutEvents body for the job's payload; NULL with r->message set when it is malformed. */
static json_object *events_body(struct fc_job_run *r, const char *tracking_id)
{
    const char *user = payload_str(r->payload, "userId");
    const char *session = payload_str(r->payload, "sessionId");
    const char *item = payload_str(r->payload, "itemId");
    const char *type = payload_str(r->payload, "eventType");
    const char *eid = payload_str(r->payload, "eventId");
    json_object *o, *list, *ev, *v;

    if (!user || !session || !item || !type ||
        !json_object_object_get_ex(r->payload, "sentAt", &v)) {
        snprintf(r->message, sizeof r->message, "The event's payload lacks a field.");
        return NULL;
    }
    o = json_object_new_object();
    list = json_object_new_array();
    ev = json_object_new_object();
    if (!o || !list || !ev) {
        json_object_put(o);
        json_object_put(list);
        json_object_put(ev);
        snprintf(r->message, sizeof r->message, "Out of memory.");
        return NULL;
    }
    add_str(o, "trackingId", tracking_id);
    add_str(o, "userId", user);
    add_str(o, "sessionId", session);
    if (eid)
        add_str(ev, "eventId", eid);
    add_str(ev, "eventType", type);
    if (json_object_object_get_ex(r->payload, "eventValue", &v))
        json_object_object_add(ev, "eventValue", json_object_get(v));
    add_str(ev, "itemId", item);
    json_object_object_get_ex(r->payload, "sentAt", &v);
    json_object_object_add(ev, "sentAt", json_object_get(v));
    json_object_array_add(list, ev);
    json_object_object_add(o, "eventList", list);
    return o;
}

static int events_run(struct fc_job_run *r)
{
    struct fc_personalize_cfg pc;
    struct aws_error err;
    json_object *req, *resp = NULL;
    int rc;

    fc_personalize_cfg_load(r->cfg, &pc);
    if (!pc.tracking_id[0]) {
        snprintf(r->message, sizeof r->message,
                 "Rec.Personalize.TrackingId is not set in this worker's configuration.");
        return FC_JOB_RETRY;
    }
    req = events_body(r, pc.tracking_id);
    if (!req)
        return strcmp(r->message, "Out of memory.") == 0 ? FC_JOB_RETRY : FC_JOB_FAIL;
    rc = aws_rest_json_call(r->state, "POST", "/events", req, &resp, &err);
    json_object_put(req);
    json_object_put(resp);
    if (rc == AWS_OK || rc == AWS_E_PARSE) { /* a 2xx is an accepted event, whatever it says */
        snprintf(r->message, sizeof r->message, "Sent %s of item %s to Personalize.",
                 payload_str(r->payload, "eventType"), payload_str(r->payload, "itemId"));
        return FC_JOB_DONE;
    }
    if (err.http_status)
        snprintf(r->message, sizeof r->message, "PutEvents: %.100s (HTTP %d, %d attempts): %.300s",
                 err.code, err.http_status, err.attempts, err.message);
    else
        snprintf(r->message, sizeof r->message, "PutEvents: %.100s (%d attempts): %.300s", err.code,
                 err.attempts, err.message);
    /* retried: throttling, 5xx, no answer, no credentials, refused credentials (rotated keys,
     * clock skew); anything else is a request Personalize will never take as it is */
    if (rc != AWS_E_HTTP || err.retryable || err.http_status == 401 || err.http_status == 403)
        return FC_JOB_RETRY;
    return FC_JOB_FAIL;
}

static void events_failed(struct fc_job_run *r)
{
    fprintf(stderr,
            "forkcast: personalize: event job %" PRId64 " failed for good and is kept "
            "(forkcast personalize resend sends it again): %s\n",
            r->job->id, r->message);
}

const struct fc_job_type fc_personalize_put_events_job = {
    .type = FC_PERSONALIZE_JOB,
    .run = events_run,
    .max_attempts = 0,
    .init = events_init,
    .fini = events_fini,
    .failed = events_failed,
};
