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
#include "svc/instances.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TAGS      40
#define MAX_GROUPS    16
#define MAX_USER_DATA 16384

static const char *const STATES[] = {"pending", "running",       "stopping",
                                     "stopped", "shutting-down", "terminated"};

/* ---- helpers ------------------------------------------------------------------- */

/* 1 when res is EC2's answer (or that it is not configured), which a form shows in place; else
 * the error page answers it. */
static int aws_answer(const struct fc_svc_result *res)
{
    return fc_svc_is_not_configured(res) || (res->code && strcmp(res->code, "aws_error") == 0);
}

/* Milliseconds as "2024-05-01 12:00:03 UTC" and ISO 8601 under prefix / prefix.Iso. */
static void set_time_ms(struct fc_ctx *c, const char *prefix, int64_t at_ms)
{
    time_t t = (time_t)(at_ms / 1000);
    struct tm tm;
    char buf[40];
    fc_set(c, prefix, fc_utc_text(at_ms / 1000, buf, sizeof buf));
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fc_setk(c, buf, "%s.Iso", prefix);
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

/* ---- list --------------------------------------------------------------------- */

static int inst_list(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_instance_list_in in = {.state = fc_query(c, "state"), .tag = fc_query(c, "tag")};
    struct fc_svc_instance_list out;
    struct fc_svc_result res;
    int rc;

    if (fc_svc_instance_list(&sv, &in, &out, &res)) {
        if (fc_svc_is_not_configured(&res)) {
            fc_set(c, "Instances.NotConfigured", res.message); /* nothing broken: 200 */
        } else if (res.code && strcmp(res.code, "aws_error") == 0) {
            fc_set(c, "Instances.Error", res.message);
            c->resp.status = res.status == 400 ? 200 : 503;
        } else {
            fc_svc_instance_list_free(&out);
            return fc_error_result(c, &res);
        }
    }
    fc_set(c, "Instances.State", in.state);
    fc_set(c, "Instances.Tag", in.tag);
    for (size_t i = 0; i < FC_ARRAY_LEN(STATES); i++)
        fc_setk(c, STATES[i], "Instances.States.%zu", i);
    if (out.listed) {
        for (int i = 0; i < out.n; i++) {
            fc_setk(c, out.live[i].id, "Instances.List.%d.Id", i);
            fc_setk(c, out.live[i].name, "Instances.List.%d.Name", i);
            fc_setk(c, out.live[i].type, "Instances.List.%d.Type", i);
            fc_setk(c, out.live[i].state, "Instances.List.%d.State", i);
            fc_setk(c, out.live[i].public_ip, "Instances.List.%d.PublicIp", i);
            fc_setk(c, out.live[i].launch_time, "Instances.List.%d.LaunchTime", i);
        }
        fc_set_int(c, "Instances.Count", out.n);
        fc_set_int(c, "Instances.Pages", out.pages);
        fc_set_int(c, "Instances.Listed", 1);
    }
    for (int i = 0; i < out.nmine; i++) {
        const struct fc_instance *m = &out.mine[i];
        char k[64];
        fc_setk(c, m->instance_id, "Instances.Mine.%d.Id", i);
        fc_setk(c, m->name, "Instances.Mine.%d.Name", i);
        fc_setk(c, m->state, "Instances.Mine.%d.State", i);
        fc_setk(c, m->public_ip, "Instances.Mine.%d.PublicIp", i);
        fc_setk(c, m->status, "Instances.Mine.%d.Status", i);
        fc_setk(c, m->message, "Instances.Mine.%d.Message", i);
        snprintf(k, sizeof k, "Instances.Mine.%d.Created", i);
        set_time_ms(c, k, m->created_at * 1000);
    }
    fc_svc_instance_list_free(&out);
    fc_set(c, "Page.Title", "Instances");
    rc = fc_render(c, "instances.cs") ? 500 : 0;
    return rc;
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
    if (strcmp(fc_query(c, "as"), "app-host") == 0) {
        /* Add app host: the launch form with the user data that installs this site */
        struct fc_svc sv = fc_app_svc(c);
        struct fc_svc_result res;
        STRING ud;
        string_init(&ud);
        if (fc_svc_instance_app_host_data(&sv, &ud, &res)) {
            string_clear(&ud);
            return fc_error_result(c, &res);
        }
        fc_set(c, "Form.user_data", ud.buf);
        string_clear(&ud);
        fc_set(c, "Form.name", "forkcast app host");
        fc_set(c, "Form.tags", "role=forkcast-app");
        fc_set(c, "Form.AppHost", "1");
    }
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
    fc_setk(c, msg, "Form.Errors.%s", field);
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
    else if (!fc_svc_instance_field_ok(image, 64) || strchr(image, ' '))
        form_error(c, &bad, "image_id", "An AMI id is short and has no spaces (ami-...).");
    if (!*type)
        form_error(c, &bad, "instance_type", "Give an instance type, such as t3.micro.");
    else if (strlen(type) > 32 ||
             strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789.-") != strlen(type))
        form_error(c, &bad, "instance_type", "An instance type looks like t3.micro.");
    if (fc_parse_int(fc_form(c, "count"), 1, FC_EC2_MAX_COUNT, &count))
        form_error(c, &bad, "count", "Launch between 1 and 20 instances.");
    if (!fc_svc_instance_field_ok(key, 255))
        form_error(c, &bad, "key_name", "A key pair name has at most 255 characters.");
    if (*subnet && (!fc_svc_instance_field_ok(subnet, 64) || strncmp(subnet, "subnet-", 7)))
        form_error(c, &bad, "subnet_id", "A subnet id looks like subnet-0123456789abcdef0.");
    if (!fc_svc_instance_field_ok(name, 255))
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
            if (ng >= MAX_GROUPS || !fc_svc_instance_field_ok(g, 255)) {
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
        fc_setk(c, fc_form(c, LAUNCH_FIELDS[i]), "Form.%s", LAUNCH_FIELDS[i]);
}

static int inst_launch(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_instance_launched out;
    struct fc_svc_result res;
    struct launch_req *r = calloc(1, sizeof *r);
    const char *nonce = fc_form(c, "nonce");
    int check = strcmp(fc_form(c, "do"), "check") == 0;
    char token[65], path[64];
    int status;

    if (!r)
        return 500;
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
    if (fc_svc_instance_launch(&sv, &r->l, check, &out, &res)) {
        if (!aws_answer(&res)) {
            status = fc_error_result(c, &res);
            goto out;
        }
        fc_set(c, "Form.Error", res.message);
        status = render_launch(c, res.status, nonce);
        goto out;
    }
    if (check) {
        fc_set(c, "Form.CheckOk", res.message);
        status = render_launch(c, 200, nonce);
        goto out;
    }
    snprintf(path, sizeof path, "/admin/instances/%s", out.ids[0]);
    status = fc_redirect(c, path, res.message);
out:
    free(r);
    return status;
}

/* ---- one instance ------------------------------------------------------------------ */

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
            fc_setk(c, a, "Instance.Actions.%d", k);
    }
}

static void set_view(struct fc_ctx *c, const char *id, const struct fc_svc_instance_view *v)
{
    const struct fc_instance *r = &v->rec;
    const struct fc_ec2_instance *l = &v->live;

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
    if (v->live_error[0])
        fc_set(c, "Instance.LiveError", v->live_error);
    for (int i = 0; i < v->nhistory; i++) {
        char k[64];
        snprintf(k, sizeof k, "Instance.History.%d.At", i);
        set_time_ms(c, k, v->history[i].at_ms);
        fc_setk(c, v->history[i].state, "Instance.History.%d.State", i);
        fc_setk(c, v->history[i].detail, "Instance.History.%d.Detail", i);
    }
}

/* Instance.*: the instance the path names, as the store knows it (and EC2, when live). FC_OK,
 * or FC_ERR with the handler's answer in *status (500, or the error page's). */
static int set_instance(struct fc_ctx *c, int live, int *status)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_instance_view *v = calloc(1, sizeof *v);
    int rc = FC_ERR;
    if (!v) {
        *status = 500;
        return FC_ERR;
    }
    if (fc_svc_instance_get(&sv, c->args[0], live, v, &res))
        *status = fc_error_result(c, &res);
    else {
        set_view(c, c->args[0], v);
        rc = FC_OK;
    }
    fc_svc_instance_view_free(v);
    free(v);
    return rc;
}

static int inst_page(struct fc_ctx *c)
{
    int rc;
    if (set_instance(c, 1, &rc))
        return rc;
    fc_setf(c, "Page.Title", "Instance %s", c->args[0]);
    return fc_render(c, "instances_view.cs") ? 500 : 0;
}

/* GET /admin/instances/:id/status: what the store knows, as JSON (polled by instances.js). */
static int inst_status(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    const char *id = c->args[0];
    struct fc_svc_instance_view *v = calloc(1, sizeof *v);
    const struct fc_instance *rec;
    json_object *o = NULL, *hist;
    char when[32];
    int rc = 0;

    fc_resp_header(&c->resp, "Content-Type", "application/json");
    if (!v)
        return 500;
    if (fc_svc_instance_get(&sv, id, 0, v, &res) == FC_OK && !v->stored)
        fc_svc_fail(&res, 404, "not_found", NULL, "forkcast has no record of this instance");
    if (!FC_SVC_OK(&res)) {
        c->resp.status = res.status;
        string_appendf(&c->resp.body, "{\"error\":\"%s\"}",
                       res.status == 500   ? "store error"
                       : res.status == 404 ? "forkcast has no record of this instance"
                                           : "administrators only");
        goto out;
    }
    rec = &v->rec;
    if (!(o = json_object_new_object()) || !(hist = json_object_new_array())) {
        rc = 500;
        goto out;
    }
    json_object_object_add(o, "instance_id", json_object_new_string(rec->instance_id));
    json_object_object_add(o, "name", json_object_new_string(rec->name));
    json_object_object_add(o, "state", json_object_new_string(rec->state));
    json_object_object_add(o, "public_ip", json_object_new_string(rec->public_ip));
    json_object_object_add(o, "private_ip", json_object_new_string(rec->private_ip));
    json_object_object_add(o, "status", json_object_new_string(rec->status));
    json_object_object_add(o, "message", json_object_new_string(rec->message));
    json_object_object_add(o, "following",
                           json_object_new_boolean(strcmp(rec->status, "following") == 0));
    for (int i = 0; i < v->nhistory; i++) {
        const struct fc_instance_event *ev = &v->history[i];
        json_object *e = json_object_new_object();
        json_object_object_add(
            e, "at", json_object_new_string(fc_utc_text(ev->at_ms / 1000, when, sizeof when)));
        json_object_object_add(e, "at_ms", json_object_new_int64(ev->at_ms));
        json_object_object_add(e, "state", json_object_new_string(ev->state));
        json_object_object_add(e, "detail", json_object_new_string(ev->detail));
        json_object_array_add(hist, e);
    }
    json_object_object_add(o, "history", hist);
    string_append(&c->resp.body, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
out:
    json_object_put(o);
    fc_svc_instance_view_free(v);
    free(v);
    return rc;
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
    int k = find_action(c->args[1]), rc;
    if (k < 0)
        return 404;
    if (set_instance(c, 0, &rc))
        return rc;
    return render_confirm(c, k, NULL, 200);
}

static int inst_action(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    const char *id = c->args[0], *nonce = fc_form(c, "nonce");
    int check = strcmp(fc_form(c, "do"), "check") == 0;
    char msg[800], path[300];
    int k = find_action(c->args[1]), status;
    enum fc_ec2_action a;

    if (k < 0)
        return 404;
    if (set_instance(c, 0, &status))
        return status;
    a = ACTIONS[k].a;
    if (!valid_nonce(nonce)) {
        fc_set(c, "Confirm.Refused", "This form is missing its submission id: confirm again.");
        return render_confirm(c, k, NULL, 400);
    }
    if (fc_svc_instance_act(&sv, id, a, nonce, check, &res)) {
        if (!aws_answer(&res))
            return fc_error_result(c, &res);
        fc_set(c, "Confirm.Refused", res.message);
        return render_confirm(c, k, nonce, res.status);
    }
    if (check) {
        fc_set(c, "Confirm.CheckOk", res.message);
        return render_confirm(c, k, nonce, 200);
    }
    snprintf(msg, sizeof msg, "%s %s.%s", ACTIONS[k].doing, id,
             *fc_ec2_action_target(a) ? " This page follows it." : "");
    snprintf(path, sizeof path, "/admin/instances/%s", id);
    return fc_redirect(c, path, msg);
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
