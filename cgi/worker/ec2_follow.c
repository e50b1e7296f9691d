/* worker/ec2_follow: the "ec2.follow" job: one DescribeInstances poll per step (backoff and
 * jitter from aws/ec2.c), each state change recorded with its time, the instance's record
 * kept current, and the outcome said plainly (running with its IP, no public IP, terminated
 * with its StateReason, gave up). Its progress (struct fc_ec2_wait) survives restarts. */
#include "worker/ec2_follow.h"
#include "core/config.h"
#include "core/util.h"
#include "worker/jobs.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct follow_state {
    struct aws_client *ec2;
    struct fc_ec2_wait_opts o;
};

int fc_ec2_history_add(struct fc_store *s, const char *id, const char *state, const char *detail,
                       int64_t at_ms)
{
    struct fc_instance_event e;
    memset(&e, 0, sizeof e);
    fc_strlcpy(e.instance_id, id, sizeof e.instance_id);
    fc_strlcpy(e.state, state ? state : "", sizeof e.state);
    fc_strlcpy(e.detail, detail ? detail : "", sizeof e.detail);
    e.at_ms = at_ms;
    return s->ops->instance_event_add(s, &e);
}

void fc_ec2_instance_to_store(const struct fc_ec2_instance *in, struct fc_instance *out)
{
    fc_strlcpy(out->instance_id, in->id, sizeof out->instance_id);
    fc_strlcpy(out->name, in->name, sizeof out->name);
    if (in->image_id[0])
        fc_strlcpy(out->image_id, in->image_id, sizeof out->image_id);
    if (in->type[0])
        fc_strlcpy(out->instance_type, in->type, sizeof out->instance_type);
    fc_strlcpy(out->state, in->state, sizeof out->state);
    fc_strlcpy(out->public_ip, in->public_ip, sizeof out->public_ip);
    fc_strlcpy(out->private_ip, in->private_ip, sizeof out->private_ip);
    if (in->subnet_id[0])
        fc_strlcpy(out->subnet_id, in->subnet_id, sizeof out->subnet_id);
    if (in->launch_time[0])
        fc_strlcpy(out->launch_time, in->launch_time, sizeof out->launch_time);
}

int fc_ec2_observe(struct fc_store *s, const struct fc_ec2_instance *in, int64_t now_ms)
{
    struct fc_instance *rec = calloc(1, sizeof *rec);
    int rc;
    if (!rec)
        return FC_ERR;
    rc = s->ops->instance_get(s, in->id, rec);
    if (rc)
        goto out;
    if (strcmp(rec->state, in->state) != 0) {
        char reason[400] = "";
        if (in->reason_message[0])
            snprintf(reason, sizeof reason, "%s", in->reason_message);
        else if (in->public_ip[0])
            snprintf(reason, sizeof reason, "public IP %s", in->public_ip);
        fc_ec2_history_add(s, in->id, in->state, reason, now_ms);
    } else if (in->public_ip[0] && strcmp(rec->public_ip, in->public_ip) != 0) {
        char detail[128];
        snprintf(detail, sizeof detail, "public IP %s assigned", in->public_ip);
        fc_ec2_history_add(s, in->id, in->state, detail, now_ms);
    }
    fc_ec2_instance_to_store(in, rec);
    rc = s->ops->instance_put(s, rec, now_ms / 1000);
out:
    free(rec);
    return rc;
}

int fc_ec2_follow_enqueue(HDF *cfg, struct fc_store *s, const char *id, const char *target,
                          int after_launch, const char *dedupe_key, int64_t *job_id)
{
    struct fc_ec2_wait_opts o;
    struct fc_instance *rec = NULL;
    json_object *payload = json_object_new_object();
    uint32_t rnd = (uint32_t)fc_job_now_ms();
    int rc = FC_ERR;

    if (!payload)
        return FC_ERR;
    fc_random(&rnd, sizeof rnd);
    fc_ec2_wait_opts_load(cfg, &o);
    json_object_object_add(payload, "instance_id", json_object_new_string(id));
    json_object_object_add(payload, "target", json_object_new_string(target));
    json_object_object_add(payload, "launch", json_object_new_boolean(after_launch));
    rc = fc_job_enqueue(s, FC_EC2_FOLLOW_JOB, payload, dedupe_key, fc_ec2_wait_delay_ms(&o, 0, rnd),
                        job_id);
    if (rc == FC_OK && (rec = calloc(1, sizeof *rec)) &&
        s->ops->instance_get(s, id, rec) == FC_OK) {
        fc_strlcpy(rec->status, "following", sizeof rec->status);
        snprintf(rec->message, sizeof rec->message, "Waiting for %s to be %s.", id, target);
        s->ops->instance_put(s, rec, fc_now());
    }
    free(rec);
    json_object_put(payload);
    return rc;
}

/* ---- the job ------------------------------------------------------------------ */

static int follow_init(HDF *cfg, void **state)
{
    struct follow_state *st = calloc(1, sizeof *st);
    if (!st)
        return FC_ERR;
    if (fc_ec2_client_new(cfg, &st->ec2) != AWS_OK) {
        fprintf(stderr, "forkcast: worker: cannot make an EC2 client (region or endpoint)\n");
        free(st);
        return FC_ERR;
    }
    fc_ec2_wait_opts_load(cfg, &st->o);
    *state = st;
    return FC_OK;
}

static void follow_fini(void *state)
{
    struct follow_state *st = state;
    if (!st)
        return;
    aws_client_free(st->ec2);
    free(st);
}

static const char *payload_str(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : "";
}

/* Sets the stored instance's status and message (and what EC2 said, when inst). */
static void set_status(struct fc_store *s, const char *id, const struct fc_ec2_instance *inst,
                       const char *status, const char *message, int64_t now_ms)
{
    struct fc_instance *rec = calloc(1, sizeof *rec);
    int rc;
    if (!rec)
        return;
    rc = s->ops->instance_get(s, id, rec);
    if (rc == FC_NOTFOUND) {
        memset(rec, 0, sizeof *rec);
        fc_strlcpy(rec->instance_id, id, sizeof rec->instance_id);
    } else if (rc) {
        goto out;
    }
    if (inst)
        fc_ec2_instance_to_store(inst, rec);
    fc_strlcpy(rec->status, status, sizeof rec->status);
    fc_strlcpy(rec->message, message, sizeof rec->message);
    s->ops->instance_put(s, rec, now_ms / 1000);
out:
    free(rec);
}

/* 1 when inst carries the tag an app host gets (Add app host, docs/deploy.md). */
static int is_app_host(const struct fc_ec2_instance *inst)
{
    for (int i = 0; i < inst->ntags; i++)
        if (strcmp(inst->tags[i].key, "role") == 0 &&
            strcmp(inst->tags[i].value, "forkcast-app") == 0)
            return 1;
    return 0;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

/* GET http://ip:port/healthz: the HTTP status, or 0 when nothing answered. */
static long healthz(const char *ip, long port)
{
    CURL *c = curl_easy_init();
    char url[128];
    long status = 0;
    if (!c)
        return 0;
    snprintf(url, sizeof url, "http://%s:%ld/healthz", ip, port);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

/* The app-host phase after "running with a public IP": asks the new host's /healthz every
 * few seconds until it answers 200 ("serving") or Release.HealthSeconds (900) have passed
 * since the instance was running ("no-health"). */
static int follow_health(struct fc_job_run *r, json_object *h)
{
    json_object *v;
    const char *id = payload_str(r->payload, "instance_id");
    const char *ip = json_object_object_get_ex(h, "ip", &v) ? json_object_get_string(v) : "";
    int64_t since = json_object_object_get_ex(h, "since_ms", &v) ? json_object_get_int64(v) : 0;
    long port = fc_config_int(r->cfg, "Release.HostPort", 8080);
    long limit = fc_config_int(r->cfg, "Release.HealthSeconds", 900);
    long got = healthz(ip, port);

    if (got == 200) {
        snprintf(r->message, sizeof r->message,
                 "Serving: http://%s:%ld/healthz answers. Register it behind the load balancer.",
                 ip, port);
        fc_ec2_history_add(r->store, id, "running", "serving the site (/healthz answered)",
                           r->now_ms);
        set_status(r->store, id, NULL, "serving", r->message, r->now_ms);
        return FC_JOB_DONE;
    }
    if (r->now_ms - since > limit * 1000) {
        snprintf(r->message, sizeof r->message,
                 "Running, but http://%s:%ld/healthz did not answer within %ld s: see the "
                 "instance's console output (cloud-init log).",
                 ip, port, limit);
        fc_ec2_history_add(r->store, id, "running", r->message, r->now_ms);
        set_status(r->store, id, NULL, "no-health", r->message, r->now_ms);
        return FC_JOB_FAIL;
    }
    snprintf(r->message, sizeof r->message,
             "Running at %s; waiting for the site to answer on port %ld (%s).", ip, port,
             got ? "not yet healthy" : "installing");
    set_status(r->store, id, NULL, "following", r->message, r->now_ms);
    r->again_ms = 5000;
    return FC_JOB_AGAIN;
}

static int follow_run(struct fc_job_run *r)
{
    struct follow_state *st = r->state;
    struct fc_store *s = r->store;
    struct fc_ec2_wait w;
    struct fc_ec2_wait_result *res = NULL;
    json_object *saved = NULL, *p = r->payload;
    const char *id = payload_str(p, "instance_id"), *target = payload_str(p, "target");
    json_object *launch;
    int outcome = FC_JOB_RETRY;
    const char *status = "following";

    if (!fc_ec2_valid_instance_id(id) ||
        (*target && strcmp(target, "running") && strcmp(target, "stopped") &&
         strcmp(target, "terminated"))) {
        snprintf(r->message, sizeof r->message, "Bad payload: no valid instance_id / target.");
        return FC_JOB_FAIL;
    }
    if (json_object_object_get_ex(r->progress, "health", &saved))
        return follow_health(r, saved);
    if (!json_object_object_get_ex(r->progress, "wait", &saved) ||
        fc_ec2_wait_from_json(saved, &w) != FC_OK) {
        int after_launch =
            json_object_object_get_ex(p, "launch", &launch) && json_object_get_boolean(launch);
        fc_ec2_wait_init(&w, id, target, after_launch, r->job->created_at * 1000);
    }
    if (!(res = malloc(sizeof *res)))
        return FC_JOB_RETRY;
    fc_ec2_wait_step(st->ec2, &st->o, &w, r->now_ms, r->rnd, res);
    for (int i = 0; i < res->n_notes; i++)
        fc_ec2_history_add(s, id, res->notes[i].state, res->notes[i].detail, r->now_ms);
    fc_strlcpy(r->message, res->message, sizeof r->message);
    switch (res->status) {
    case FC_EC2_WAIT_AGAIN:
        r->again_ms = res->delay_ms;
        outcome = FC_JOB_AGAIN;
        break;
    case FC_EC2_WAIT_DONE:
        status = strcmp(w.target, "running") == 0 ? "ready" : "done";
        outcome = FC_JOB_DONE;
        if (strcmp(w.target, "running") == 0 && res->have_inst && is_app_host(&res->inst) &&
            res->inst.public_ip[0]) {
            /* an app host: ready once the site answers, not when EC2 says running */
            json_object *h = json_object_new_object();
            json_object_object_add(h, "ip", json_object_new_string(res->inst.public_ip));
            json_object_object_add(h, "since_ms", json_object_new_int64(r->now_ms));
            json_object_object_add(r->progress, "health", h);
            status = "following";
            snprintf(r->message, sizeof r->message,
                     "Running at %s; waiting for the site to answer.", res->inst.public_ip);
            fc_strlcpy(res->message, r->message, sizeof res->message);
            r->again_ms = 5000;
            outcome = FC_JOB_AGAIN;
        }
        break;
    case FC_EC2_WAIT_NO_IP:
        status = "no-ip";
        fc_ec2_history_add(s, id, "", res->message, r->now_ms);
        outcome = FC_JOB_DONE;
        break;
    case FC_EC2_WAIT_ENDED:
        status = "ended";
        outcome = FC_JOB_FAIL;
        break;
    case FC_EC2_WAIT_TIMEOUT:
        status = "timeout";
        fc_ec2_history_add(s, id, "", res->message, r->now_ms);
        outcome = FC_JOB_FAIL;
        break;
    default:
        /* credentials or permissions may be fixed meanwhile: retried with backoff; the
         * failed hook records the final word */
        if (!r->last_attempt) {
            char msg[600];
            snprintf(msg, sizeof msg, "%s (will try again)", res->message);
            fc_strlcpy(r->message, msg, sizeof r->message);
        }
        outcome = FC_JOB_RETRY;
        break;
    }
    if (outcome != FC_JOB_RETRY)
        set_status(s, id, res->have_inst ? &res->inst : NULL, status, res->message, r->now_ms);
    else if (!r->last_attempt)
        set_status(s, id, NULL, "following", r->message, r->now_ms);
    saved = fc_ec2_wait_to_json(&w);
    if (saved)
        json_object_object_add(r->progress, "wait", saved);
    free(res);
    return outcome;
}

static void follow_failed(struct fc_job_run *r)
{
    const char *id = payload_str(r->payload, "instance_id");
    struct fc_instance rec;
    if (!fc_ec2_valid_instance_id(id) || r->store->ops->instance_get(r->store, id, &rec) != FC_OK)
        return;
    if (strcmp(rec.status, "following") == 0) {
        fc_ec2_history_add(r->store, id, "", r->message, r->now_ms);
        set_status(r->store, id, NULL, "error", r->message, r->now_ms);
    }
}

const struct fc_job_type fc_ec2_follow_job = {
    .type = FC_EC2_FOLLOW_JOB,
    .run = follow_run,
    .max_attempts = 0,
    .init = follow_init,
    .fini = follow_fini,
    .failed = follow_failed,
};
