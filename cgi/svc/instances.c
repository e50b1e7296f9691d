/* svc/instances: the EC2 operations of the admin console (see svc/instances.h): the role
 * check, the EC2 calls, what the store records of them and the jobs that follow them. */
#include "svc/instances.h"
#include "release/release.h"

#include "core/app.h"
#include "svc/admin.h"
#include "worker/ec2_follow.h"
#include "worker/jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const STATES[] = {"pending", "running",       "stopping",
                                     "stopped", "shutting-down", "terminated"};

#define NOT_CONFIGURED                                                                             \
    "EC2 is not configured: forkcast found no AWS credentials. Give lighttpd's environment "       \
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile in ~/.aws/credentials "             \
    "(AWS_PROFILE), or run forkcast on an EC2 instance with an IAM role; set AWS.Region too "      \
    "(docs/ec2.md)."

/* One EC2 client per FastCGI process: its connection and credentials are reused. */
static struct aws_client *ec2(const struct fc_svc *sv, struct fc_svc_result *res)
{
    static struct aws_client *client;
    if (!client && fc_ec2_client_new(sv->app->cfg, &client) != AWS_OK) {
        client = NULL;
        fprintf(stderr, "forkcast: [%s] cannot make an EC2 client (region or endpoint)\n",
                sv->request_id ? sv->request_id : "-");
        fc_svc_fail(res, 500, "misconfigured", NULL,
                    "EC2 is not configured correctly: check AWS.Region and "
                    "AWS.Endpoint.EC2 (or AWS_REGION, AWS_ENDPOINT_URL_EC2).");
    }
    return client;
}

/* A failed EC2 call as a result: without credentials EC2 is not set up here, which is no
 * outage (what to configure; the chain's details, such as the files looked at and the
 * metadata service's address, go to the log only); else "aws_error", 400 when AWS refused
 * what was asked, 503 when it could not be reached or failed on its side. */
static int aws_failed(const struct fc_svc *sv, int rc, const struct aws_error *err,
                      struct fc_svc_result *res)
{
    char msg[sizeof res->message];
    if (rc == AWS_E_CREDS) {
        fprintf(stderr, "forkcast: [%s] EC2: no AWS credentials: %s\n",
                sv->request_id ? sv->request_id : "-", err->message);
        return fc_svc_not_configured(res, "%s", NOT_CONFIGURED);
    }
    fc_ec2_strerror(rc, err, msg, sizeof msg);
    return fc_svc_fail(
        res,
        rc == AWS_E_HTTP && err->http_status < 500 && !aws_error_is_throttle(err->code) ? 400 : 503,
        "aws_error", NULL, "%s", msg);
}

/* The answer of a DryRun: success (with AWS's words) when it would have been done. */
static int dry_run_result(const struct fc_svc *sv, int rc, const struct aws_error *err,
                          struct fc_svc_result *res)
{
    if (!fc_ec2_dry_run_ok(rc, err))
        return aws_failed(sv, rc, err, res);
    fc_svc_ok(res, 200);
    fc_ec2_strerror(rc, err, res->message, sizeof res->message);
    return FC_OK;
}

int fc_svc_instance_field_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max || !fc_utf8_valid(s, n))
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20)
            return 0;
    return 1;
}

static int stores_instances(const struct fc_svc *sv)
{
    return sv->app->store->ops->instance_get != NULL;
}

/* ---- list ------------------------------------------------------------------------ */

static int by_launch_desc(const void *a, const void *b)
{
    const struct fc_ec2_instance *x = a, *y = b;
    int d = strcmp(y->launch_time, x->launch_time);
    return d ? d : strcmp(x->id, y->id);
}

static void load_mine(const struct fc_svc *sv, struct fc_svc_instance_list *out)
{
    struct fc_store *s = sv->app->store;
    if (!stores_instances(sv) || !(out->mine = calloc(FC_SVC_INSTANCE_MAX_MINE, sizeof *out->mine)))
        return;
    if (s->ops->instance_list(s, out->mine, FC_SVC_INSTANCE_MAX_MINE, &out->nmine) != FC_OK)
        out->nmine = 0;
}

int fc_svc_instance_list(const struct fc_svc *sv, const struct fc_svc_instance_list_in *in,
                         struct fc_svc_instance_list *out, struct fc_svc_result *res)
{
    const char *state = in->state ? in->state : "", *tag = in->tag ? in->tag : "";
    struct fc_ec2_filter filters[2];
    const char *values[1], *states[1];
    char tagkey[160], tagval[260];
    struct fc_ec2_query q = {.filters = filters};
    struct aws_client *cl;
    struct aws_error err;
    int rc, known = 0;

    memset(out, 0, sizeof *out);
    if (fc_svc_admin_check(sv, res))
        return FC_EINVAL;
    for (size_t i = 0; i < FC_ARRAY_LEN(STATES); i++)
        known |= strcmp(state, STATES[i]) == 0;
    if (*state && !known)
        return fc_svc_fail(res, 400, "invalid_value", "state",
                           "Unknown state: choose one from the list.");
    if (!fc_svc_instance_field_ok(tag, 300))
        return fc_svc_fail(res, 400, "invalid_value", "tag",
                           "The tag filter is too long or has control characters.");
    if (*state) {
        states[0] = state;
        filters[q.n_filters++] = (struct fc_ec2_filter){"instance-state-name", states, 1};
    }
    if (*tag) {
        const char *eq = strchr(tag, '=');
        if (eq && eq > tag && (size_t)(eq - tag) <= 128) {
            snprintf(tagkey, sizeof tagkey, "tag:%.*s", (int)(eq - tag), tag);
            fc_strlcpy(tagval, eq + 1, sizeof tagval);
            values[0] = tagval;
            filters[q.n_filters++] = (struct fc_ec2_filter){tagkey, values, 1};
        } else if (!eq) {
            fc_strlcpy(tagval, tag, sizeof tagval);
            values[0] = tagval;
            filters[q.n_filters++] = (struct fc_ec2_filter){"tag-key", values, 1};
        } else {
            return fc_svc_fail(res, 400, "invalid_value", "tag",
                               "Write the tag filter as KEY=VALUE or KEY.");
        }
    }
    if (!(cl = ec2(sv, res)))
        return FC_EINVAL;
    load_mine(sv, out);
    q.page_size = aws_config_int(sv->app->cfg, "EC2.PageSize", 100);
    rc = fc_ec2_describe(cl, &q, &out->live, &out->n, &out->pages, &err);
    if (rc != AWS_OK) {
        free(out->live);
        out->live = NULL;
        out->n = 0;
        return aws_failed(sv, rc, &err, res);
    }
    if (out->n > 1)
        qsort(out->live, (size_t)out->n, sizeof *out->live, by_launch_desc);
    out->listed = 1;
    return FC_OK;
}

void fc_svc_instance_list_free(struct fc_svc_instance_list *out)
{
    free(out->live);
    free(out->mine);
    memset(out, 0, sizeof *out);
}

/* ---- launch ---------------------------------------------------------------------- */

/* Records a launched instance, its first history line and the job that follows it. */
static void record_launch(const struct fc_svc *sv, const struct fc_ec2_instance *in,
                          const char *token)
{
    struct fc_store *s = sv->app->store;
    struct fc_instance rec;
    char key[64], detail[256];
    int64_t job = 0;
    int rc;

    memset(&rec, 0, sizeof rec);
    fc_ec2_instance_to_store(in, &rec);
    fc_strlcpy(rec.client_token, token, sizeof rec.client_token);
    fc_strlcpy(rec.status, "following", sizeof rec.status);
    snprintf(rec.message, sizeof rec.message, "Launched; waiting for %s to be running.", in->id);
    rec.launched_by = sv->actor->id;
    if (s->ops->instance_put(s, &rec, fc_now()))
        return;
    snprintf(key, sizeof key, "ec2.launch:%s", in->id);
    rc = fc_ec2_follow_enqueue(sv->app->cfg, s, in->id, "running", 1, key, &job);
    if (rc == FC_OK) {
        snprintf(detail, sizeof detail, "launched by %s (%s, %s)", sv->actor->username, in->type,
                 in->image_id);
        fc_ec2_history_add(s, in->id, in->state[0] ? in->state : "pending", detail,
                           fc_job_now_ms());
    } else if (rc != FC_EXISTS) {
        fprintf(stderr, "forkcast: [%s] cannot queue the job following %s\n",
                sv->request_id ? sv->request_id : "-", in->id);
    }
}

int fc_svc_instance_launch(const struct fc_svc *sv, const struct fc_ec2_launch *l, int check,
                           struct fc_svc_instance_launched *out, struct fc_svc_result *res)
{
    struct fc_store *s;
    struct fc_ec2_launch dry;
    struct fc_ec2_instance *got = NULL;
    struct fc_instance *seen = NULL;
    struct aws_client *cl;
    struct aws_error err;
    int n = 0, rc;

    memset(out, 0, sizeof *out);
    if (fc_svc_admin_check(sv, res))
        return FC_EINVAL;
    s = sv->app->store;
    if (!l->client_token || !*l->client_token)
        return fc_svc_fail(res, 400, "invalid_value", "nonce", "The launch has no client token.");
    if (!(cl = ec2(sv, res)))
        return FC_EINVAL;
    if (check) {
        dry = *l;
        dry.dry_run = 1;
        rc = fc_ec2_run_instances(cl, &dry, NULL, NULL, &err);
        return dry_run_result(sv, rc, &err, res);
    }
    /* the same launch sent again: show what it launched, do not ask AWS again */
    if (stores_instances(sv) && (seen = calloc(FC_EC2_MAX_COUNT, sizeof *seen)) &&
        s->ops->instance_by_token(s, l->client_token, seen, FC_EC2_MAX_COUNT, &n) == FC_OK &&
        n > 0) {
        for (int i = 0; i < n && i < FC_EC2_MAX_COUNT; i++)
            fc_strlcpy(out->ids[out->n++], seen[i].instance_id, sizeof out->ids[0]);
        out->repeated = 1;
        free(seen);
        fc_svc_ok(res, 200);
        fc_strlcpy(res->message,
                   "This launch was already sent: here is what it launched (nothing was "
                   "launched twice).",
                   sizeof res->message);
        return FC_OK;
    }
    free(seen);
    rc = fc_ec2_run_instances(cl, l, &got, &n, &err);
    if (rc != AWS_OK)
        return aws_failed(sv, rc, &err, res);
    for (int i = 0; i < n && out->n < FC_EC2_MAX_COUNT; i++) {
        if (stores_instances(sv))
            record_launch(sv, &got[i], l->client_token);
        fc_strlcpy(out->ids[out->n++], got[i].id, sizeof out->ids[0]);
    }
    free(got);
    fc_svc_ok(res, 201);
    if (out->n == 1) {
        snprintf(res->message, sizeof res->message,
                 "Launched %s. This page follows it until it is running.", out->ids[0]);
    } else {
        size_t cap = sizeof res->message;
        int len = snprintf(res->message, cap, "Launched %d instances:", out->n);
        for (int i = 0; i < out->n && len < (int)cap - 60; i++)
            len += snprintf(res->message + len, cap - (size_t)len, " %s", out->ids[i]);
        snprintf(res->message + len, cap - (size_t)len, ". Each is followed until it is running.");
    }
    return out->n ? FC_OK : fc_svc_fail(res, 503, "aws_error", NULL, "EC2 launched nothing.");
}

/* ---- one instance ---------------------------------------------------------------- */

static int check_id(const char *id, struct fc_svc_result *res)
{
    if (id && fc_ec2_valid_instance_id(id))
        return FC_OK;
    return fc_svc_fail(res, 404, "not_found", NULL,
                       "That is not an instance id (i- and 8 or 17 hexadecimal digits).");
}

int fc_svc_instance_get(const struct fc_svc *sv, const char *id, int live,
                        struct fc_svc_instance_view *v, struct fc_svc_result *res)
{
    struct fc_store *s;
    struct aws_client *cl;
    struct aws_error err;
    int rc;

    memset(v, 0, sizeof *v);
    if (fc_svc_admin_check(sv, res) || check_id(id, res))
        return FC_EINVAL;
    s = sv->app->store;
    if (stores_instances(sv)) {
        rc = s->ops->instance_get(s, id, &v->rec);
        if (rc == FC_ERR)
            return fc_svc_fail_store(sv, res, "instances: get");
        v->stored = rc == FC_OK;
    }
    if (live && !(v->stored && strcmp(v->rec.status, "following") == 0)) {
        if (!(cl = ec2(sv, res)))
            return FC_EINVAL;
        rc = fc_ec2_describe_one(cl, id, &v->live, &err);
        if (rc == AWS_OK) {
            v->have_live = 1;
            if (v->stored && fc_ec2_observe(s, &v->live, fc_job_now_ms()) == FC_OK)
                s->ops->instance_get(s, id, &v->rec);
        } else if (!v->stored && rc == AWS_E_HTTP &&
                   strcmp(err.code, "InvalidInstanceID.NotFound") == 0) {
            return fc_svc_fail(res, 404, "not_found", NULL,
                               "EC2 knows no such instance in this region.");
        } else {
            aws_failed(sv, rc, &err, res);
            if (!v->stored)
                return FC_EINVAL;
            fc_strlcpy(v->live_error, res->message, sizeof v->live_error);
        }
    }
    if (v->stored && (v->history = calloc(FC_SVC_INSTANCE_MAX_HISTORY, sizeof *v->history)) &&
        s->ops->instance_events(s, id, v->history, FC_SVC_INSTANCE_MAX_HISTORY, &v->nhistory) !=
            FC_OK)
        v->nhistory = 0;
    fc_svc_ok(res, 200);
    return FC_OK;
}

void fc_svc_instance_view_free(struct fc_svc_instance_view *v)
{
    free(v->history);
    v->history = NULL;
    v->nhistory = 0;
}

int fc_svc_instance_act(const struct fc_svc *sv, const char *id, enum fc_ec2_action a,
                        const char *nonce, int check, struct fc_svc_result *res)
{
    struct fc_store *s;
    struct fc_ec2_state_change ch[1];
    struct fc_instance *rec = NULL;
    struct aws_client *cl;
    struct aws_error err;
    const char *target = fc_ec2_action_target(a);
    char msg[800], key[128];
    int rc, n = 0, stored = 0;

    if (fc_svc_admin_check(sv, res) || check_id(id, res))
        return FC_EINVAL;
    s = sv->app->store;
    if (!(cl = ec2(sv, res)))
        return FC_EINVAL;
    if (check) {
        rc = fc_ec2_change_state(cl, a, &id, 1, 1, NULL, 0, NULL, &err);
        return dry_run_result(sv, rc, &err, res);
    }
    if (stores_instances(sv)) {
        if (!(rec = calloc(1, sizeof *rec)))
            return fc_svc_fail(res, 500, NULL, NULL, "Out of memory.");
        rc = s->ops->instance_get(s, id, rec);
        if (rc == FC_ERR) {
            free(rec);
            return fc_svc_fail_store(sv, res, "instances: get");
        }
        stored = rc == FC_OK;
    }
    rc = fc_ec2_change_state(cl, a, &id, 1, 0, ch, 1, &n, &err);
    if (rc != AWS_OK) {
        free(rec);
        return aws_failed(sv, rc, &err, res);
    }
    if (rec) {
        int64_t now = fc_job_now_ms();
        if (!stored) {
            /* launched elsewhere: from now on forkcast keeps its history too */
            memset(rec, 0, sizeof *rec);
            fc_strlcpy(rec->instance_id, id, sizeof rec->instance_id);
            if (n)
                fc_strlcpy(rec->state, ch[0].previous, sizeof rec->state);
            s->ops->instance_put(s, rec, now / 1000);
        }
        if (n)
            snprintf(msg, sizeof msg, "%s requested by %s (%s -> %s)", fc_ec2_action_word(a),
                     sv->actor->username, ch[0].previous, ch[0].current);
        else
            snprintf(msg, sizeof msg, "%s requested by %s", fc_ec2_action_word(a),
                     sv->actor->username);
        fc_ec2_history_add(s, id, n ? ch[0].current : "", msg, now);
        if (n && strcmp(rec->state, ch[0].current)) {
            fc_strlcpy(rec->state, ch[0].current, sizeof rec->state);
            s->ops->instance_put(s, rec, now / 1000);
        }
        if (*target) {
            snprintf(key, sizeof key, "ec2.%s:%s:%s", fc_ec2_action_word(a), id,
                     nonce ? nonce : "");
            fc_ec2_follow_enqueue(sv->app->cfg, s, id, target, 0, key, NULL);
        }
        free(rec);
    }
    fc_svc_ok(res, 200);
    return FC_OK;
}

int fc_svc_instance_app_host_data(const struct fc_svc *sv, STRING *out, struct fc_svc_result *res)
{
    struct fc_release rel;
    char why[256];
    int rc;
    if (fc_svc_admin_check(sv, res))
        return FC_EINVAL;
    if (fc_release_current(sv->app->cfg, &rel, why, sizeof why))
        return fc_svc_fail(res, 409, "no_release", NULL,
                           "No app host can be launched yet: %s. Upload a release with "
                           "`forkcast release upload build/forkcast_VERSION_amd64.deb` "
                           "(make deb makes it).",
                           why);
    rc = fc_release_user_data(sv->app->cfg, &rel, 0, out, why, sizeof why);
    if (rc == FC_EINVAL)
        return fc_svc_fail(res, 409, "no_release", NULL, "The user data cannot be written: %s.",
                           why);
    if (rc)
        return fc_svc_fail_store(sv, res, "app host user data");
    fc_svc_ok(res, 200);
    return FC_OK;
}
