/* pages/instances: EC2 instances in the admin console (/admin/instances, admin role only): the
 * list (DescribeInstances, every page, by state and tag), the launch form (idempotent
 * RunInstances, then 303 to the instance page while the worker follows the launch), the
 * instance page with its state history and a JSON status endpoint that static/instances.js
 * polls, start / stop / reboot / terminate behind a confirmation page, and DryRun checks. */
#include "aws/ec2.h"
#include "core/config.h"
#include "core/route.h"
#include "core/util.h"
#include "pages/pages.h"
#include "worker/ec2_follow.h"
#include "worker/jobs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TAGS      40
#define MAX_GROUPS    16
#define MAX_USER_DATA 16384
#define MAX_HISTORY   200
#define MAX_MINE      50

static const char *const STATES[] = {"pending", "running",       "stopping",
                                     "stopped", "shutting-down", "terminated"};

/* ---- helpers ------------------------------------------------------------------- */

static void kset(struct fc_ctx *c, const char *value, const char *kfmt, ...) FC_PRINTF(3, 4);
static void kset(struct fc_ctx *c, const char *value, const char *kfmt, ...)
{
    char key[256];
    va_list ap;
    va_start(ap, kfmt);
    vsnprintf(key, sizeof key, kfmt, ap);
    va_end(ap);
    fc_set(c, key, value);
}

/* One EC2 client per FastCGI process: its connection and credentials are reused. */
static struct aws_client *ec2(struct fc_ctx *c)
{
    static struct aws_client *client;
    if (!client && fc_ec2_client_new(c->app->cfg, &client) != AWS_OK) {
        client = NULL;
        fprintf(stderr, "forkcast: [%s] cannot make an EC2 client (region or endpoint)\n",
                c->request_id);
    }
    return client;
}

static int no_client(struct fc_ctx *c)
{
    fc_set(c, "Error.Message",
           "EC2 is not configured correctly: check AWS.Region and "
           "AWS.Endpoint.EC2 (or AWS_REGION, AWS_ENDPOINT_URL_EC2).");
    return 500;
}

#define NOT_CONFIGURED                                                                             \
    "EC2 is not configured: forkcast found no AWS credentials. Give lighttpd's environment "       \
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile in ~/.aws/credentials "             \
    "(AWS_PROFILE), or run forkcast on an EC2 instance with an IAM role; set AWS.Region too "      \
    "(docs/ec2.md)."

/* No credentials anywhere in the chain: EC2 is not set up here, which is no outage. Like the
 * backups page, say so politely with what to configure (Instances.NotConfigured; 200 on the list);
 * the chain's details (files looked at, the metadata service's address) go to the log only. */
static int not_configured(struct fc_ctx *c, int rc, const struct aws_error *err)
{
    if (rc != AWS_E_CREDS)
        return 0;
    fprintf(stderr, "forkcast: [%s] EC2: no AWS credentials: %s\n", c->request_id, err->message);
    fc_set(c, "Instances.NotConfigured", NOT_CONFIGURED);
    return 1;
}

/* fc_ec2_strerror for a page: without credentials, what to configure instead of the chain. */
static const char *ec2_strerror(struct fc_ctx *c, int rc, const struct aws_error *err, char *buf,
                                size_t n)
{
    if (not_configured(c, rc, err)) {
        fc_strlcpy(buf, NOT_CONFIGURED, n);
        return buf;
    }
    return fc_ec2_strerror(rc, err, buf, n);
}

/* The HTTP status for a failed AWS call shown on a form: 400 when AWS refused what was
 * asked, 503 when it could not be reached or failed on its side. */
static int aws_status(int rc, const struct aws_error *err)
{
    return rc == AWS_E_HTTP && err->http_status < 500 && !aws_error_is_throttle(err->code) ? 400
                                                                                           : 503;
}

/* Milliseconds as "2024-05-01 12:00:03 UTC" and ISO 8601 under prefix / prefix.Iso. */
static void set_time_ms(struct fc_ctx *c, const char *prefix, int64_t at_ms)
{
    time_t t = (time_t)(at_ms / 1000);
    struct tm tm;
    char buf[40];
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    fc_set(c, prefix, buf);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    kset(c, buf, "%s.Iso", prefix);
}

/* 32 random hex digits: one form's submission id. */
static int new_nonce(char out[33])
{
    unsigned char r[16];
    if (fc_random(r, sizeof r))
        return FC_ERR;
    fc_hex(out, r, sizeof r);
    return FC_OK;
}

static int valid_nonce(const char *s)
{
    return strlen(s) == 32 && strspn(s, "0123456789abcdef") == 32;
}

/* Text fit for a single-line field: at most max bytes, valid UTF-8, no control characters. */
static int field_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max || !fc_utf8_valid(s, n))
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20)
            return 0;
    return 1;
}

static int stores_instances(struct fc_ctx *c)
{
    return c->app->store->ops->instance_get != NULL;
}

/* ---- list --------------------------------------------------------------------- */

static int by_launch_desc(const void *a, const void *b)
{
    const struct fc_ec2_instance *x = a, *y = b;
    int d = strcmp(y->launch_time, x->launch_time);
    return d ? d : strcmp(x->id, y->id);
}

static void set_mine(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    struct fc_instance *mine;
    int n = 0;
    if (!stores_instances(c) || !(mine = calloc(MAX_MINE, sizeof *mine)))
        return;
    if (s->ops->instance_list(s, mine, MAX_MINE, &n) == FC_OK)
        for (int i = 0; i < n; i++) {
            kset(c, mine[i].instance_id, "Instances.Mine.%d.Id", i);
            kset(c, mine[i].name, "Instances.Mine.%d.Name", i);
            kset(c, mine[i].state, "Instances.Mine.%d.State", i);
            kset(c, mine[i].public_ip, "Instances.Mine.%d.PublicIp", i);
            kset(c, mine[i].status, "Instances.Mine.%d.Status", i);
            kset(c, mine[i].message, "Instances.Mine.%d.Message", i);
            char k[64];
            snprintf(k, sizeof k, "Instances.Mine.%d.Created", i);
            set_time_ms(c, k, mine[i].created_at * 1000);
        }
    free(mine);
}

static int inst_list(struct fc_ctx *c)
{
    const char *state = fc_query(c, "state"), *tag = fc_query(c, "tag");
    struct fc_ec2_filter filters[2];
    const char *values[1], *states[1];
    char tagkey[160], tagval[260];
    struct fc_ec2_query q = {.filters = filters};
    struct fc_ec2_instance *v = NULL;
    struct aws_client *cl = ec2(c);
    struct aws_error err;
    int n = 0, pages = 0, rc, known = 0;

    if (!cl)
        return no_client(c);
    for (size_t i = 0; i < FC_ARRAY_LEN(STATES); i++)
        known |= strcmp(state, STATES[i]) == 0;
    if (*state && !known) {
        fc_set(c, "Error.Message", "Unknown state: choose one from the list.");
        return 400;
    }
    if (!field_ok(tag, 300)) {
        fc_set(c, "Error.Message", "The tag filter is too long or has control characters.");
        return 400;
    }
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
            fc_set(c, "Error.Message", "Write the tag filter as KEY=VALUE or KEY.");
            return 400;
        }
    }
    fc_set(c, "Instances.State", state);
    fc_set(c, "Instances.Tag", tag);
    for (size_t i = 0; i < FC_ARRAY_LEN(STATES); i++)
        kset(c, STATES[i], "Instances.States.%zu", i);
    q.page_size = aws_config_int(c->app->cfg, "EC2.PageSize", 100);
    rc = fc_ec2_describe(cl, &q, &v, &n, &pages, &err);
    if (not_configured(c, rc, &err)) {
        c->resp.status = 200;
    } else if (rc != AWS_OK) {
        char msg[700];
        fc_set(c, "Instances.Error", ec2_strerror(c, rc, &err, msg, sizeof msg));
        c->resp.status = aws_status(rc, &err) == 400 ? 200 : 503;
    } else {
        if (n > 1)
            qsort(v, (size_t)n, sizeof *v, by_launch_desc);
        for (int i = 0; i < n; i++) {
            kset(c, v[i].id, "Instances.List.%d.Id", i);
            kset(c, v[i].name, "Instances.List.%d.Name", i);
            kset(c, v[i].type, "Instances.List.%d.Type", i);
            kset(c, v[i].state, "Instances.List.%d.State", i);
            kset(c, v[i].public_ip, "Instances.List.%d.PublicIp", i);
            kset(c, v[i].launch_time, "Instances.List.%d.LaunchTime", i);
        }
        fc_set_int(c, "Instances.Count", n);
        fc_set_int(c, "Instances.Pages", pages);
        fc_set_int(c, "Instances.Listed", 1);
    }
    free(v);
    set_mine(c);
    fc_set(c, "Page.Title", "Instances");
    return fc_render(c, "instances.cs") ? 500 : 0;
}

/* ---- launch ---------------------------------------------------------------------- */

static const char *const LAUNCH_FIELDS[] = {"image_id",        "instance_type", "count", "key_name",
                                            "security_groups", "subnet_id",     "name",  "tags",
                                            "user_data"};

static int render_launch(struct fc_ctx *c, int status, const char *nonce)
{
    char fresh[33];
    if (!nonce || !valid_nonce(nonce)) {
        if (new_nonce(fresh))
            return 500;
        nonce = fresh;
    }
    fc_set(c, "Form.nonce", nonce);
    fc_set_int(c, "Form.MaxCount", FC_EC2_MAX_COUNT);
    fc_set(c, "Page.Title", "Launch an instance");
    c->resp.status = status;
    return fc_render(c, "instances_launch.cs") ? 500 : 0;
}

static int inst_launch_form(struct fc_ctx *c)
{
    HDF *cfg = c->app->cfg;
    fc_set(c, "Form.image_id", aws_config_str(cfg, "EC2.Launch.ImageId", ""));
    fc_set(c, "Form.instance_type", aws_config_str(cfg, "EC2.Launch.InstanceType", "t3.micro"));
    fc_set(c, "Form.count", "1");
    fc_set(c, "Form.key_name", aws_config_str(cfg, "EC2.Launch.KeyName", ""));
    fc_set(c, "Form.security_groups", aws_config_str(cfg, "EC2.Launch.SecurityGroups", ""));
    fc_set(c, "Form.subnet_id", aws_config_str(cfg, "EC2.Launch.SubnetId", ""));
    return render_launch(c, 200, NULL);
}

/* The launch request parsed from the form; strings point into bufs or the form. */
struct launch_req {
    struct fc_ec2_launch l;
    struct fc_ec2_kv tags[MAX_TAGS + 1];
    char tagbuf[4096];
    const char *groups[MAX_GROUPS];
    char groupbuf[2048];
};

static void form_error(struct fc_ctx *c, int *bad, const char *field, const char *msg)
{
    kset(c, msg, "Form.Errors.%s", field);
    *bad = 1;
}

/* Validates the form into r; FC_OK or FC_EINVAL (errors set under Form.Errors). */
static int parse_launch(struct fc_ctx *c, struct launch_req *r)
{
    const char *image = fc_form(c, "image_id"), *type = fc_form(c, "instance_type");
    const char *name = fc_form(c, "name"), *key = fc_form(c, "key_name");
    const char *subnet = fc_form(c, "subnet_id"), *tags = fc_form(c, "tags");
    const char *ud = fc_form(c, "user_data");
    long count = 0;
    int bad = 0;
    size_t nt = 0, ng = 0;
    char *save = NULL, *line;

    memset(r, 0, sizeof *r);
    if (!*image)
        form_error(c, &bad, "image_id", "Give the AMI id (ami-...).");
    else if (!field_ok(image, 64) || strchr(image, ' '))
        form_error(c, &bad, "image_id", "An AMI id is short and has no spaces (ami-...).");
    if (!*type)
        form_error(c, &bad, "instance_type", "Give an instance type, such as t3.micro.");
    else if (strlen(type) > 32 ||
             strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789.-") != strlen(type))
        form_error(c, &bad, "instance_type", "An instance type looks like t3.micro.");
    if (fc_parse_int(fc_form(c, "count"), 1, FC_EC2_MAX_COUNT, &count))
        form_error(c, &bad, "count", "Launch between 1 and 20 instances.");
    if (!field_ok(key, 255))
        form_error(c, &bad, "key_name", "A key pair name has at most 255 characters.");
    if (*subnet && (!field_ok(subnet, 64) || strncmp(subnet, "subnet-", 7)))
        form_error(c, &bad, "subnet_id", "A subnet id looks like subnet-0123456789abcdef0.");
    if (!field_ok(name, 255))
        form_error(c, &bad, "name", "The name has at most 255 characters, on one line.");
    if (strlen(ud) > MAX_USER_DATA || !fc_utf8_valid(ud, strlen(ud)))
        form_error(c, &bad, "user_data", "User data is limited to 16 KB of text.");

    if (*name) {
        r->tags[nt].key = "Name";
        r->tags[nt++].value = name;
    }
    if (strlen(tags) >= sizeof r->tagbuf || !fc_utf8_valid(tags, strlen(tags))) {
        form_error(c, &bad, "tags", "Too many tags (4 KB at most).");
    } else {
        fc_strlcpy(r->tagbuf, tags, sizeof r->tagbuf);
        for (line = strtok_r(r->tagbuf, "\r\n", &save); line;
             line = strtok_r(NULL, "\r\n", &save)) {
            char *eq;
            fc_trim(line);
            if (!*line)
                continue;
            eq = strchr(line, '=');
            if (!eq || eq == line) {
                form_error(c, &bad, "tags", "Write one tag per line as KEY=VALUE.");
                break;
            }
            *eq = '\0';
            fc_trim(line);
            if (!*line || strlen(line) > 128 || strncmp(line, "aws:", 4) == 0 ||
                strlen(eq + 1) > 256 || strcmp(line, "Name") == 0) {
                form_error(c, &bad, "tags",
                           "Tag keys have 1 to 128 characters and do not start "
                           "with aws: (give Name in its own field); values at "
                           "most 256.");
                break;
            }
            if (nt >= MAX_TAGS) {
                form_error(c, &bad, "tags", "At most 40 tags.");
                break;
            }
            r->tags[nt].key = line;
            r->tags[nt++].value = fc_trim(eq + 1);
        }
    }
    if (strlen(fc_form(c, "security_groups")) >= sizeof r->groupbuf) {
        form_error(c, &bad, "security_groups", "Too many security groups.");
    } else {
        fc_strlcpy(r->groupbuf, fc_form(c, "security_groups"), sizeof r->groupbuf);
        save = NULL;
        for (char *g = strtok_r(r->groupbuf, ", \r\n\t", &save); g;
             g = strtok_r(NULL, ", \r\n\t", &save)) {
            if (ng >= MAX_GROUPS || !field_ok(g, 255)) {
                form_error(c, &bad, "security_groups",
                           "At most 16 security groups (ids sg-... "
                           "or names), separated by commas.");
                break;
            }
            r->groups[ng++] = g;
        }
    }
    r->l.image_id = image;
    r->l.instance_type = type;
    r->l.count = (int)count;
    r->l.key_name = key;
    r->l.subnet_id = subnet;
    r->l.security_groups = r->groups;
    r->l.n_security_groups = ng;
    r->l.tags = r->tags;
    r->l.n_tags = nt;
    r->l.user_data = ud;
    r->l.user_data_len = strlen(ud);
    return bad ? FC_EINVAL : FC_OK;
}

/* The ClientToken of one form submission: the HMAC of its submission id and of what it asks
 * for, so that sending the same form twice (or a retried request) launches once. */
static void launch_token(struct fc_ctx *c, const char *nonce, char out[65])
{
    STRING s;
    string_init(&s);
    string_append(&s, "ec2.launch");
    string_append_char(&s, '\n');
    string_append(&s, nonce);
    for (size_t i = 0; i < FC_ARRAY_LEN(LAUNCH_FIELDS); i++) {
        string_append_char(&s, '\n');
        string_append(&s, fc_form(c, LAUNCH_FIELDS[i]));
    }
    fc_hmac_hex(out, c->app->secret, sizeof c->app->secret, s.buf ? s.buf : "",
                s.buf ? (size_t)s.len : 0);
    string_clear(&s);
}

static void refill_launch(struct fc_ctx *c)
{
    for (size_t i = 0; i < FC_ARRAY_LEN(LAUNCH_FIELDS); i++)
        kset(c, fc_form(c, LAUNCH_FIELDS[i]), "Form.%s", LAUNCH_FIELDS[i]);
}

/* Records a launched instance, its first history line and the job that follows it. */
static void record_launch(struct fc_ctx *c, const struct fc_ec2_instance *in, const char *token)
{
    struct fc_store *s = c->app->store;
    struct fc_instance rec;
    char key[64], detail[256];
    int64_t job = 0;
    int rc;

    memset(&rec, 0, sizeof rec);
    fc_ec2_instance_to_store(in, &rec);
    fc_strlcpy(rec.client_token, token, sizeof rec.client_token);
    fc_strlcpy(rec.status, "following", sizeof rec.status);
    snprintf(rec.message, sizeof rec.message, "Launched; waiting for %s to be running.", in->id);
    rec.launched_by = c->user.id;
    if (s->ops->instance_put(s, &rec, fc_now()))
        return;
    snprintf(key, sizeof key, "ec2.launch:%s", in->id);
    rc = fc_ec2_follow_enqueue(c->app->cfg, s, in->id, "running", 1, key, &job);
    if (rc == FC_OK) {
        snprintf(detail, sizeof detail, "launched by %s (%s, %s)", c->user.username, in->type,
                 in->image_id);
        fc_ec2_history_add(s, in->id, in->state[0] ? in->state : "pending", detail,
                           fc_job_now_ms());
    } else if (rc != FC_EXISTS) {
        fprintf(stderr, "forkcast: [%s] cannot queue the job following %s\n", c->request_id,
                in->id);
    }
}

static int inst_launch(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    struct launch_req *r = calloc(1, sizeof *r);
    struct fc_ec2_instance *out = NULL;
    struct fc_instance *seen = NULL;
    struct aws_client *cl = ec2(c);
    struct aws_error err;
    const char *nonce = fc_form(c, "nonce");
    char token[65], msg[900], path[64];
    int n = 0, rc, status = 500;

    if (!r)
        return 500;
    if (!cl) {
        free(r);
        return no_client(c);
    }
    refill_launch(c);
    if (!valid_nonce(nonce)) {
        fc_set(c, "Form.Error",
               "This form is missing its submission id: it was opened before "
               "an update. Check the values and send it again.");
        status = render_launch(c, 400, NULL);
        goto out;
    }
    if (parse_launch(c, r)) {
        fc_set(c, "Form.Error", "Some values need fixing: see below.");
        status = render_launch(c, 400, nonce);
        goto out;
    }
    launch_token(c, nonce, token);
    r->l.client_token = token;
    if (strcmp(fc_form(c, "do"), "check") == 0) {
        r->l.dry_run = 1;
        rc = fc_ec2_run_instances(cl, &r->l, NULL, NULL, &err);
        fc_set(c, fc_ec2_dry_run_ok(rc, &err) ? "Form.CheckOk" : "Form.Error",
               ec2_strerror(c, rc, &err, msg, sizeof msg));
        status = render_launch(c, fc_ec2_dry_run_ok(rc, &err) ? 200 : aws_status(rc, &err), nonce);
        goto out;
    }
    /* the same form sent again: show what it launched, do not ask AWS again */
    if (stores_instances(c) && (seen = calloc(FC_EC2_MAX_COUNT, sizeof *seen)) &&
        s->ops->instance_by_token(s, token, seen, FC_EC2_MAX_COUNT, &n) == FC_OK && n > 0) {
        snprintf(path, sizeof path, "/admin/instances/%s", seen[0].instance_id);
        status = fc_redirect(c, path,
                             "This launch was already sent: here is what it launched (nothing "
                             "was launched twice).");
        goto out;
    }
    rc = fc_ec2_run_instances(cl, &r->l, &out, &n, &err);
    if (rc != AWS_OK) {
        fc_set(c, "Form.Error", ec2_strerror(c, rc, &err, msg, sizeof msg));
        status = render_launch(c, aws_status(rc, &err), nonce);
        goto out;
    }
    if (stores_instances(c))
        for (int i = 0; i < n; i++)
            record_launch(c, &out[i], token);
    snprintf(path, sizeof path, "/admin/instances/%s", out[0].id);
    if (n == 1) {
        snprintf(msg, sizeof msg, "Launched %s. This page follows it until it is running.",
                 out[0].id);
    } else {
        int len = snprintf(msg, sizeof msg, "Launched %d instances:", n);
        for (int i = 0; i < n && len < (int)sizeof msg - 40; i++)
            len += snprintf(msg + len, sizeof msg - (size_t)len, " %s", out[i].id);
        snprintf(msg + len, sizeof msg - (size_t)len, ". Each is followed until it is running.");
    }
    status = fc_redirect(c, path, msg);
out:
    free(seen);
    free(out);
    free(r);
    return status;
}

/* ---- one instance ------------------------------------------------------------------ */

struct view {
    struct fc_instance rec;
    int stored;
    struct fc_ec2_instance live;
    int have_live;
};

/* Loads what the store knows and, unless the worker is following it (then the store is
 * current), what EC2 says now (recorded as an observation). */
static int load_view(struct fc_ctx *c, const char *id, struct view *v, int live)
{
    struct fc_store *s = c->app->store;
    struct aws_client *cl;
    struct aws_error err;
    int rc;

    memset(v, 0, sizeof *v);
    if (stores_instances(c)) {
        rc = s->ops->instance_get(s, id, &v->rec);
        if (rc == FC_ERR)
            return 500;
        v->stored = rc == FC_OK;
    }
    if (!live || (v->stored && strcmp(v->rec.status, "following") == 0))
        return 0;
    if (!(cl = ec2(c)))
        return no_client(c);
    rc = fc_ec2_describe_one(cl, id, &v->live, &err);
    if (rc == AWS_OK) {
        v->have_live = 1;
        if (v->stored && fc_ec2_observe(s, &v->live, fc_job_now_ms()) == FC_OK)
            s->ops->instance_get(s, id, &v->rec);
        return 0;
    }
    if (!v->stored && rc == AWS_E_HTTP && strcmp(err.code, "InvalidInstanceID.NotFound") == 0) {
        fc_set(c, "Error.Message", "EC2 knows no such instance in this region.");
        return 404;
    }
    {
        char msg[700];
        fc_set(c, "Instance.LiveError", ec2_strerror(c, rc, &err, msg, sizeof msg));
    }
    if (!v->stored) {
        c->resp.status = 503;
        fc_set(c, "Error.Message", hdf_get_value(c->hdf, "Instance.LiveError", NULL));
        return 503;
    }
    return 0;
}

static void set_actions(struct fc_ctx *c, const char *state)
{
    static const struct {
        const char *state, *actions;
    } by_state[] = {{"pending", "terminate"},
                    {"running", "stop reboot terminate"},
                    {"stopping", "terminate"},
                    {"stopped", "start terminate"}};
    int k = 0;
    for (size_t i = 0; i < FC_ARRAY_LEN(by_state); i++) {
        char list[64], *save = NULL;
        if (strcmp(state, by_state[i].state))
            continue;
        fc_strlcpy(list, by_state[i].actions, sizeof list);
        for (char *a = strtok_r(list, " ", &save); a; a = strtok_r(NULL, " ", &save), k++)
            kset(c, a, "Instance.Actions.%d", k);
    }
}

static void set_view(struct fc_ctx *c, const char *id, const struct view *v)
{
    struct fc_store *s = c->app->store;
    struct fc_instance_event *ev;
    const struct fc_instance *r = &v->rec;
    const struct fc_ec2_instance *l = &v->live;
    int n = 0;

    fc_set(c, "Instance.Id", id);
    fc_set(c, "Instance.Name", v->have_live ? l->name : r->name);
    fc_set(c, "Instance.State", v->have_live ? l->state : r->state);
    fc_set(c, "Instance.PublicIp", v->have_live ? l->public_ip : r->public_ip);
    fc_set(c, "Instance.PrivateIp", v->have_live ? l->private_ip : r->private_ip);
    fc_set(c, "Instance.Type", v->have_live ? l->type : r->instance_type);
    fc_set(c, "Instance.ImageId", v->have_live ? l->image_id : r->image_id);
    fc_set(c, "Instance.SubnetId", v->have_live ? l->subnet_id : r->subnet_id);
    fc_set(c, "Instance.LaunchTime", v->have_live ? l->launch_time : r->launch_time);
    if (v->have_live) {
        char reason[400];
        snprintf(reason, sizeof reason, "%s", l->reason_message[0] ? l->reason_message : "");
        if (strcmp(l->state, "pending") && strcmp(l->state, "running"))
            fc_set(c, "Instance.StateReason", reason);
        fc_set(c, "Instance.PublicDns", l->public_dns);
        fc_set(c, "Instance.KeyName", l->key_name);
        fc_set(c, "Instance.Zone", l->az);
    }
    fc_set_int(c, "Instance.Stored", v->stored);
    fc_set(c, "Instance.Status", r->status);
    fc_set(c, "Instance.Message", r->message);
    fc_set_int(c, "Instance.Following", v->stored && strcmp(r->status, "following") == 0);
    set_actions(c, v->have_live ? l->state : r->state);
    if (!v->stored || !(ev = calloc(MAX_HISTORY, sizeof *ev)))
        return;
    if (s->ops->instance_events(s, id, ev, MAX_HISTORY, &n) == FC_OK)
        for (int i = 0; i < n; i++) {
            char k[64];
            snprintf(k, sizeof k, "Instance.History.%d.At", i);
            set_time_ms(c, k, ev[i].at_ms);
            kset(c, ev[i].state, "Instance.History.%d.State", i);
            kset(c, ev[i].detail, "Instance.History.%d.Detail", i);
        }
    free(ev);
}

static int check_id(struct fc_ctx *c, const char *id)
{
    if (fc_ec2_valid_instance_id(id))
        return 0;
    fc_set(c, "Error.Message", "That is not an instance id (i- and 8 or 17 hexadecimal digits).");
    return 404;
}

static int inst_page(struct fc_ctx *c)
{
    const char *id = c->args[0];
    struct view *v = calloc(1, sizeof *v);
    int rc;
    if (!v)
        return 500;
    if ((rc = check_id(c, id)) || (rc = load_view(c, id, v, 1))) {
        free(v);
        return rc;
    }
    set_view(c, id, v);
    free(v);
    fc_setf(c, "Page.Title", "Instance %s", id);
    return fc_render(c, "instances_view.cs") ? 500 : 0;
}

/* GET /admin/instances/:id/status: what the store knows, as JSON (polled by instances.js). */
static int inst_status(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    const char *id = c->args[0];
    struct fc_instance rec;
    struct fc_instance_event *ev = NULL;
    json_object *o = NULL, *hist;
    char when[32];
    int n = 0, rc;

    fc_resp_header(&c->resp, "Content-Type", "application/json");
    rc = check_id(c, id);
    if (!rc && !stores_instances(c))
        rc = 404;
    if (!rc) {
        rc = s->ops->instance_get(s, id, &rec);
        rc = rc == FC_OK ? 0 : rc == FC_NOTFOUND ? 404 : 500;
    }
    if (rc) {
        c->resp.status = rc;
        string_appendf(&c->resp.body, "{\"error\":\"%s\"}",
                       rc == 404 ? "forkcast has no record of this instance" : "store error");
        return 0;
    }
    if (!(o = json_object_new_object()) || !(hist = json_object_new_array()) ||
        !(ev = calloc(MAX_HISTORY, sizeof *ev))) {
        json_object_put(o);
        return 500;
    }
    json_object_object_add(o, "instance_id", json_object_new_string(rec.instance_id));
    json_object_object_add(o, "name", json_object_new_string(rec.name));
    json_object_object_add(o, "state", json_object_new_string(rec.state));
    json_object_object_add(o, "public_ip", json_object_new_string(rec.public_ip));
    json_object_object_add(o, "private_ip", json_object_new_string(rec.private_ip));
    json_object_object_add(o, "status", json_object_new_string(rec.status));
    json_object_object_add(o, "message", json_object_new_string(rec.message));
    json_object_object_add(o, "following",
                           json_object_new_boolean(strcmp(rec.status, "following") == 0));
    if (s->ops->instance_events(s, id, ev, MAX_HISTORY, &n) == FC_OK)
        for (int i = 0; i < n; i++) {
            json_object *e = json_object_new_object();
            time_t t = (time_t)(ev[i].at_ms / 1000);
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
            json_object_object_add(e, "at", json_object_new_string(when));
            json_object_object_add(e, "at_ms", json_object_new_int64(ev[i].at_ms));
            json_object_object_add(e, "state", json_object_new_string(ev[i].state));
            json_object_object_add(e, "detail", json_object_new_string(ev[i].detail));
            json_object_array_add(hist, e);
        }
    json_object_object_add(o, "history", hist);
    string_append(&c->resp.body, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    free(ev);
    return 0;
}

/* ---- start / stop / reboot / terminate ------------------------------------------- */

static const struct {
    enum fc_ec2_action a;
    const char *question, *explain, *button, *doing;
    int danger;
} ACTIONS[] = {
    {FC_EC2_START, "Start this instance?",
     "It boots again from its EBS volume and gets a new public IP (unless it has an Elastic IP). "
     "Running instances are billed.",
     "Start", "Starting", 0},
    {FC_EC2_STOP, "Stop this instance?",
     "It shuts down; its EBS volumes are kept, its public IP is released (an Elastic IP stays), "
     "anything on instance-store volumes is lost.",
     "Stop", "Stopping", 1},
    {FC_EC2_REBOOT, "Reboot this instance?",
     "The operating system restarts; the instance keeps its IP addresses and volumes.", "Reboot",
     "Rebooting", 0},
    {FC_EC2_TERMINATE, "Terminate this instance?",
     "This cannot be undone: the instance is deleted, and so are its volumes marked "
     "DeleteOnTermination (the root volume usually is).",
     "Terminate", "Terminating", 1},
};

static int find_action(const char *word)
{
    enum fc_ec2_action a;
    if (fc_ec2_action_parse(word, &a))
        return -1;
    for (int i = 0; i < (int)FC_ARRAY_LEN(ACTIONS); i++)
        if (ACTIONS[i].a == a)
            return i;
    return -1;
}

static int render_confirm(struct fc_ctx *c, int k, const char *nonce, int status)
{
    char fresh[33];
    if (!nonce || !valid_nonce(nonce)) {
        if (new_nonce(fresh))
            return 500;
        nonce = fresh;
    }
    fc_set(c, "Confirm.Action", fc_ec2_action_word(ACTIONS[k].a));
    fc_set(c, "Confirm.Question", ACTIONS[k].question);
    fc_set(c, "Confirm.Explain", ACTIONS[k].explain);
    fc_set(c, "Confirm.Button", ACTIONS[k].button);
    fc_set_int(c, "Confirm.Danger", ACTIONS[k].danger);
    fc_set(c, "Confirm.nonce", nonce);
    fc_setf(c, "Page.Title", "%s %s", ACTIONS[k].button, c->args[0]);
    c->resp.status = status;
    return fc_render(c, "instances_confirm.cs") ? 500 : 0;
}

static int inst_confirm(struct fc_ctx *c)
{
    const char *id = c->args[0];
    struct view *v;
    int k = find_action(c->args[1]), rc;
    if (k < 0)
        return 404;
    if ((rc = check_id(c, id)))
        return rc;
    if (!(v = calloc(1, sizeof *v)))
        return 500;
    rc = load_view(c, id, v, 0);
    if (!rc)
        set_view(c, id, v);
    free(v);
    return rc ? rc : render_confirm(c, k, NULL, 200);
}

static int inst_action(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    const char *id = c->args[0], *nonce = fc_form(c, "nonce");
    struct fc_ec2_state_change ch[1];
    struct aws_client *cl = ec2(c);
    struct aws_error err;
    struct view *v = NULL;
    char msg[800], key[128], path[64];
    int k = find_action(c->args[1]), rc, n = 0, status = 500;
    enum fc_ec2_action a;
    const char *target;

    if (k < 0)
        return 404;
    if ((rc = check_id(c, id)))
        return rc;
    if (!cl)
        return no_client(c);
    if (!(v = calloc(1, sizeof *v)))
        return 500;
    if ((status = load_view(c, id, v, 0)))
        goto out;
    set_view(c, id, v);
    a = ACTIONS[k].a;
    target = fc_ec2_action_target(a);
    if (!valid_nonce(nonce)) {
        fc_set(c, "Confirm.Refused", "This form is missing its submission id: confirm again.");
        status = render_confirm(c, k, NULL, 400);
        goto out;
    }
    if (strcmp(fc_form(c, "do"), "check") == 0) {
        rc = fc_ec2_change_state(cl, a, &id, 1, 1, NULL, 0, NULL, &err);
        fc_set(c, fc_ec2_dry_run_ok(rc, &err) ? "Confirm.CheckOk" : "Confirm.Refused",
               ec2_strerror(c, rc, &err, msg, sizeof msg));
        status =
            render_confirm(c, k, nonce, fc_ec2_dry_run_ok(rc, &err) ? 200 : aws_status(rc, &err));
        goto out;
    }
    rc = fc_ec2_change_state(cl, a, &id, 1, 0, ch, 1, &n, &err);
    if (rc != AWS_OK) {
        fc_set(c, "Confirm.Refused", ec2_strerror(c, rc, &err, msg, sizeof msg));
        status = render_confirm(c, k, nonce, aws_status(rc, &err));
        goto out;
    }
    if (stores_instances(c)) {
        int64_t now = fc_job_now_ms();
        if (!v->stored) {
            /* launched elsewhere: from now on forkcast keeps its history too */
            fc_strlcpy(v->rec.instance_id, id, sizeof v->rec.instance_id);
            if (n)
                fc_strlcpy(v->rec.state, ch[0].previous, sizeof v->rec.state);
            s->ops->instance_put(s, &v->rec, now / 1000);
        }
        if (n)
            snprintf(msg, sizeof msg, "%s requested by %s (%s -> %s)", fc_ec2_action_word(a),
                     c->user.username, ch[0].previous, ch[0].current);
        else
            snprintf(msg, sizeof msg, "%s requested by %s", fc_ec2_action_word(a),
                     c->user.username);
        fc_ec2_history_add(s, id, n ? ch[0].current : "", msg, now);
        if (n && strcmp(v->rec.state, ch[0].current)) {
            fc_strlcpy(v->rec.state, ch[0].current, sizeof v->rec.state);
            s->ops->instance_put(s, &v->rec, now / 1000);
        }
        if (*target) {
            snprintf(key, sizeof key, "ec2.%s:%s:%s", fc_ec2_action_word(a), id, nonce);
            fc_ec2_follow_enqueue(c->app->cfg, s, id, target, 0, key, NULL);
        }
    }
    snprintf(msg, sizeof msg, "%s %s.%s", ACTIONS[k].doing, id,
             *target ? " This page follows it." : "");
    snprintf(path, sizeof path, "/admin/instances/%s", id);
    status = fc_redirect(c, path, msg);
out:
    free(v);
    return status;
}

static const struct fc_route routes[] = {
    {"GET", "/admin/instances", inst_list, FC_ROUTE_ADMIN},
    {"GET", "/admin/instances/launch", inst_launch_form, FC_ROUTE_ADMIN},
    {"POST", "/admin/instances/launch", inst_launch, FC_ROUTE_ADMIN},
    {"GET", "/admin/instances/:id", inst_page, FC_ROUTE_ADMIN},
    {"GET", "/admin/instances/:id/status", inst_status, FC_ROUTE_ADMIN},
    {"GET", "/admin/instances/:id/:action", inst_confirm, FC_ROUTE_ADMIN},
    {"POST", "/admin/instances/:id/:action", inst_action, FC_ROUTE_ADMIN},
};

const struct fc_route_group fc_instances_group = {routes, FC_ARRAY_LEN(routes)};
