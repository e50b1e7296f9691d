/* store/dynamodb_jobs: background jobs (a sparse index of the queued and running ones by due
 * time, claims by conditional update), EC2 instances with their state history, and the
 * Cognito tokens kept on session items. */
#include "core/util.h"
#include "store/dynamodb.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct fc_dynamo *D(struct fc_store *s)
{
    return (struct fc_dynamo *)s;
}

/* ---- jobs ------------------------------------------------------------------------------------ */

/* Job items: JOB#id / JOB. Every job is in gsi1 partition JOBLIST (by id); queued and running
 * ones also in gsi2 partition JOBS, sorted by when they are due (run_at_ms when queued, the
 * lease's end when running), so that a claim reads the head of one index partition. */
#define DUE_FMT "%015lld#" DYNAMO_ID_FMT

static void job_pk(char out[32], int64_t id)
{
    snprintf(out, 32, "JOB#%" PRId64, id);
}

static int64_t due_of(const struct fc_job *j)
{
    return strcmp(j->state, "running") == 0 ? j->lease_until_ms : j->run_at_ms;
}

static void due_sk(char *out, size_t n, int64_t due, int64_t id)
{
    if (due < 0)
        due = 0;
    if (due > 999999999999999LL)
        due = 999999999999999LL;
    snprintf(out, n, DUE_FMT, (long long)due, (long long)id);
}

/* A job's attributes (its item also has the keys and index attributes of dynamo_job_item). */
#define JOB_FIELD(kind, member, name) DYNAMO_FIELD(kind, struct fc_job, member, name)
static const struct dynamo_field job_fields[] = {
    JOB_FIELD('n', id, "id"),
    JOB_FIELD('s', type, "job_type"),
    JOB_FIELD('s', dedupe_key, "dedupe_key"),
    JOB_FIELD('s', state, "state"),
    JOB_FIELD('s', payload, "payload"),
    JOB_FIELD('s', progress, "progress"),
    JOB_FIELD('s', message, "message"),
    JOB_FIELD('n', attempts, "attempts"),
    JOB_FIELD('n', max_attempts, "max_attempts"),
    JOB_FIELD('n', runs, "runs"),
    JOB_FIELD('n', run_at_ms, "run_at_ms"),
    JOB_FIELD('s', worker, "worker"),
    JOB_FIELD('n', lease_until_ms, "lease_until_ms"),
    JOB_FIELD('n', created_at, "created_at"),
    JOB_FIELD('n', updated_at, "updated_at"),
    JOB_FIELD('n', finished_at, "finished_at"),
};

static void item_job(json_object *it, struct fc_job *j)
{
    dynamo_record_get(it, j, sizeof *j, job_fields, FC_ARRAY_LEN(job_fields));
}

/* The job's item (exported for copies). */
json_object *dynamo_job_item(const struct fc_job *j)
{
    json_object *it;
    char pk[32], g[48];
    job_pk(pk, j->id);
    it = dynamo_item_of(pk, "JOB", "job", j, job_fields, FC_ARRAY_LEN(job_fields));
    if (!j->payload[0])
        dynamo_set(it, "payload", dynamo_s("{}"));
    if (!j->progress[0])
        dynamo_set(it, "progress", dynamo_s("{}"));
    dynamo_set(it, "gsi1pk", dynamo_s("JOBLIST"));
    snprintf(g, sizeof g, DYNAMO_ID_FMT, (long long)j->id);
    dynamo_set(it, "gsi1sk", dynamo_s(g));
    if (strcmp(j->state, "queued") == 0 || strcmp(j->state, "running") == 0) {
        dynamo_set(it, "gsi2pk", dynamo_s("JOBS"));
        due_sk(g, sizeof g, due_of(j), j->id);
        dynamo_set(it, "gsi2sk", dynamo_s(g));
    }
    return it;
}

int dynamo_job_get(struct fc_store *s, int64_t id, struct fc_job *out)
{
    char pk[32];
    job_pk(pk, id);
    return dynamo_get_fields(D(s), pk, "JOB", job_fields, FC_ARRAY_LEN(job_fields), out,
                             sizeof *out);
}

int dynamo_job_by_key(struct fc_store *s, const char *key, struct fc_job *out)
{
    json_object *it;
    char pk[256];
    int64_t id;
    int rc;
    if (!key || !*key)
        return FC_NOTFOUND;
    snprintf(pk, sizeof pk, "JOBKEY#%s", key);
    rc = dynamo_get(D(s), pk, "UNIQUE", "#jid", &it);
    if (rc)
        return rc;
    id = dynamo_get_n(it, "jid");
    json_object_put(it);
    return dynamo_job_get(s, id, out);
}

int dynamo_job_enqueue(struct fc_store *s, struct fc_job *j, int64_t now)
{
    struct fc_dynamo *d = D(s);
    struct fc_job n;
    json_object *items, *a;
    int64_t id;
    int rc;

    if (!j->type[0])
        return FC_EINVAL;
    if ((rc = dynamo_next_id(d, "job", &id)))
        return rc;
    memset(&n, 0, sizeof n);
    n.id = id;
    fc_strlcpy(n.type, j->type, sizeof n.type);
    fc_strlcpy(n.dedupe_key, j->dedupe_key, sizeof n.dedupe_key);
    fc_strlcpy(n.state, "queued", sizeof n.state);
    fc_strlcpy(n.payload, j->payload[0] ? j->payload : "{}", sizeof n.payload);
    fc_strlcpy(n.progress, "{}", sizeof n.progress);
    fc_strlcpy(n.message, j->message, sizeof n.message);
    n.max_attempts = j->max_attempts > 0 ? j->max_attempts : 0;
    n.run_at_ms = j->run_at_ms;
    n.created_at = n.updated_at = now;
    items = json_object_new_array();
    if (n.dedupe_key[0]) {
        char pk[256];
        snprintf(pk, sizeof pk, "JOBKEY#%s", n.dedupe_key);
        dynamo_tx_unique(d, items, pk, "jid", id);
    }
    a = dynamo_tx_add(d, items, "Put");
    json_object_object_add(a, "Item", dynamo_job_item(&n));
    dynamo_expr(a, "ConditionExpression", "attribute_not_exists(#pk)");
    rc = dynamo_transact(d, items);
    json_object_put(items);
    if (rc == DYNAMO_CANCEL && n.dedupe_key[0]) {
        /* a job with this key exists, whatever its state: it is the answer */
        rc = dynamo_job_by_key(s, n.dedupe_key, j);
        return rc == FC_OK ? FC_EXISTS : FC_ERR;
    }
    if (rc)
        return rc == DYNAMO_CANCEL ? FC_ERR : rc;
    *j = n;
    return FC_OK;
}

/* 1 when type is in the comma-separated list types ("" = any). */
static int type_in(const char *types, const char *type)
{
    size_t n = strlen(type);
    if (!types || !*types)
        return 1;
    for (const char *p = types; *p;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == n && strncmp(p, type, n) == 0)
            return 1;
        if (!c)
            break;
        p = c + 1;
    }
    return 0;
}

/* The due job candidates: (id, state, gsi2sk) of the head of the JOBS partition. */
struct due {
    int64_t id;
    char state[16];
    char sk[48];
};

struct due_ctx {
    const char *types;
    struct due *v;
    int n, max;
};

static int due_each(void *ctx, json_object *it)
{
    struct due_ctx *c = ctx;
    if (!type_in(c->types, dynamo_get_s(it, "job_type")))
        return 0;
    c->v[c->n].id = dynamo_get_n(it, "id");
    dynamo_copy_s(it, "state", c->v[c->n].state, sizeof c->v[c->n].state);
    dynamo_copy_s(it, "gsi2sk", c->v[c->n].sk, sizeof c->v[c->n].sk);
    return ++c->n >= c->max ? 1 : 0;
}

/* Up to max due jobs of types (due <= until_ms; until_ms < 0: any time), soonest first. */
static int due_jobs(struct fc_dynamo *d, const char *types, int64_t until_ms, struct due *v,
                    int max, int *n)
{
    json_object *req = dynamo_req(d);
    struct due_ctx c = {types, v, 0, max};
    char to[48];
    int rc;
    json_object_object_add(req, "IndexName", json_object_new_string("gsi2"));
    if (until_ms >= 0) {
        due_sk(to, sizeof to, until_ms, 9999999999LL);
        dynamo_expr(req, "KeyConditionExpression", "#gsi2pk = :p AND #gsi2sk <= :to");
        dynamo_val(req, ":to", dynamo_s(to));
    } else {
        dynamo_expr(req, "KeyConditionExpression", "#gsi2pk = :p");
    }
    dynamo_expr(req, "ProjectionExpression", "#id, #state, #job_type, #gsi2sk");
    dynamo_val(req, ":p", dynamo_s("JOBS"));
    rc = dynamo_each(d, "Query", req, 0, due_each, &c);
    json_object_put(req);
    *n = c.n;
    return rc;
}

int dynamo_job_claim(struct fc_store *s, const char *types, const char *worker, int64_t now_ms,
                     int64_t lease_ms, struct fc_job *out)
{
    struct fc_dynamo *d = D(s);
    struct due v[16];
    int n = 0, rc;

    if ((rc = due_jobs(d, types, now_ms, v, (int)FC_ARRAY_LEN(v), &n)))
        return rc;
    /* the first one whose state and due time are still what the index said wins; another
     * worker's claim in between makes the condition fail and the next one is tried */
    for (int i = 0; i < n; i++) {
        json_object *req = dynamo_req(d), *resp = NULL, *attrs;
        char pk[32], sk[48];
        int was_running = strcmp(v[i].state, "running") == 0;
        job_pk(pk, v[i].id);
        due_sk(sk, sizeof sk, now_ms + lease_ms, v[i].id);
        json_object_object_add(req, "Key", dynamo_key(pk, "JOB"));
        dynamo_expr(req, "UpdateExpression",
                    "SET #state = :running, #worker = :w, #lease_until_ms = :lease, #runs = "
                    "#runs + :one, #attempts = #attempts + :inc, #updated_at = :now, #gsi2sk = "
                    ":sk");
        dynamo_expr(req, "ConditionExpression", "#state = :old AND #gsi2sk = :oldsk");
        dynamo_val(req, ":running", dynamo_s("running"));
        dynamo_val(req, ":w", dynamo_s(worker));
        dynamo_val(req, ":lease", dynamo_n(now_ms + lease_ms));
        dynamo_val(req, ":one", dynamo_n(1));
        dynamo_val(req, ":inc", dynamo_n(was_running));
        dynamo_val(req, ":now", dynamo_n(now_ms / 1000));
        dynamo_val(req, ":sk", dynamo_s(sk));
        dynamo_val(req, ":old", dynamo_s(v[i].state));
        dynamo_val(req, ":oldsk", dynamo_s(v[i].sk));
        json_object_object_add(req, "ReturnValues", json_object_new_string("ALL_NEW"));
        rc = dynamo_call(d, "UpdateItem", req, &resp);
        if (rc == FC_OK && json_object_object_get_ex(resp, "Attributes", &attrs))
            item_job(attrs, out);
        json_object_put(resp);
        json_object_put(req);
        if (rc != DYNAMO_COND)
            return rc;
    }
    return FC_NOTFOUND;
}

int dynamo_job_update(struct fc_store *s, const struct fc_job *j, int64_t now)
{
    struct fc_dynamo *d = D(s);
    json_object *req;
    char pk[32], sk[48];
    int running = strcmp(j->state, "running") == 0, queued = strcmp(j->state, "queued") == 0;
    int finished = strcmp(j->state, "done") == 0 || strcmp(j->state, "failed") == 0, rc;

    if (!running && !queued && !finished)
        return FC_EINVAL;
    req = dynamo_req(d);
    job_pk(pk, j->id);
    json_object_object_add(req, "Key", dynamo_key(pk, "JOB"));
    dynamo_expr(req, "UpdateExpression",
                finished ? "SET #state = :st, #progress = :pr, #message = :msg, #attempts = :at, "
                           "#run_at_ms = :run, #lease_until_ms = :lease, #updated_at = :now, "
                           "#finished_at = :fin REMOVE #gsi2pk, #gsi2sk"
                         : "SET #state = :st, #progress = :pr, #message = :msg, #attempts = :at, "
                           "#run_at_ms = :run, #lease_until_ms = :lease, #updated_at = :now, "
                           "#finished_at = :fin, #gsi2pk = :g2, #gsi2sk = :sk");
    dynamo_expr(req, "ConditionExpression", "#state = :running AND #worker = :w");
    dynamo_val(req, ":st", dynamo_s(j->state));
    dynamo_val(req, ":pr", dynamo_s(j->progress[0] ? j->progress : "{}"));
    dynamo_val(req, ":msg", dynamo_s(j->message));
    dynamo_val(req, ":at", dynamo_n(j->attempts));
    dynamo_val(req, ":run", dynamo_n(j->run_at_ms));
    dynamo_val(req, ":lease", dynamo_n(running ? j->lease_until_ms : 0));
    dynamo_val(req, ":now", dynamo_n(now));
    dynamo_val(req, ":fin", dynamo_n(finished ? now : 0));
    dynamo_val(req, ":running", dynamo_s("running"));
    dynamo_val(req, ":w", dynamo_s(j->worker));
    if (!finished) {
        due_sk(sk, sizeof sk, running ? j->lease_until_ms : j->run_at_ms, j->id);
        dynamo_val(req, ":g2", dynamo_s("JOBS"));
        dynamo_val(req, ":sk", dynamo_s(sk));
    }
    rc = dynamo_call(d, "UpdateItem", req, NULL);
    json_object_put(req);
    return rc == DYNAMO_COND ? FC_NOTFOUND : rc;
}

struct list_ctx {
    struct fc_dynamo *d;
    const char *type, *state;
    struct fc_job *out;
    int n, max;
    long seen;
    int64_t before; /* prune: finished before this; 0 for a list */
    struct dynamo_writer *w;
};

static int list_each(void *ctx, json_object *it)
{
    struct list_ctx *c = ctx;
    const char *state = dynamo_get_s(it, "state");
    if (c->w) {
        char pk[256];
        if ((strcmp(state, "done") && strcmp(state, "failed")) ||
            dynamo_get_n(it, "finished_at") >= c->before)
            return 0;
        if (dynamo_writer_del(c->w, dynamo_get_s(it, "pk"), "JOB"))
            return FC_ERR;
        if (*dynamo_get_s(it, "dedupe_key")) {
            snprintf(pk, sizeof pk, "JOBKEY#%s", dynamo_get_s(it, "dedupe_key"));
            if (dynamo_writer_del(c->w, pk, "UNIQUE"))
                return FC_ERR;
        }
        c->n++;
        return 0;
    }
    if (++c->seen > c->d->search_max)
        return 1;
    if ((c->type && *c->type && strcmp(dynamo_get_s(it, "job_type"), c->type)) ||
        (c->state && *c->state && strcmp(state, c->state)))
        return 0;
    item_job(it, &c->out[c->n]);
    return ++c->n >= c->max ? 1 : 0;
}

static int job_scan(struct fc_dynamo *d, struct list_ctx *c, int newest_first)
{
    json_object *req = dynamo_req(d);
    int rc;
    json_object_object_add(req, "IndexName", json_object_new_string("gsi1"));
    dynamo_expr(req, "KeyConditionExpression", "#gsi1pk = :p");
    dynamo_val(req, ":p", dynamo_s("JOBLIST"));
    json_object_object_add(req, "ScanIndexForward", json_object_new_boolean(!newest_first));
    rc = dynamo_each(d, "Query", req, 0, list_each, c);
    json_object_put(req);
    return rc;
}

int dynamo_job_list(struct fc_store *s, const char *type, const char *state, struct fc_job *out,
                    int max, int *n)
{
    struct list_ctx c = {D(s), type, state, out, 0, max, 0, 0, NULL};
    int rc;
    *n = 0;
    if (max <= 0)
        return FC_OK;
    rc = job_scan(D(s), &c, 1);
    if (rc == FC_OK)
        *n = c.n;
    return rc;
}

int dynamo_job_next_due(struct fc_store *s, const char *types, int64_t *at_ms)
{
    struct due v[1];
    int n = 0, rc = due_jobs(D(s), types, -1, v, 1, &n);
    if (rc)
        return rc;
    if (!n)
        return FC_NOTFOUND;
    *at_ms = strtoll(v[0].sk, NULL, 10);
    return FC_OK;
}

int dynamo_job_prune(struct fc_store *s, int64_t before, int *n)
{
    struct dynamo_writer w;
    struct list_ctx c = {D(s), NULL, NULL, NULL, 0, 0, 0, before, &w};
    int rc;
    *n = 0;
    dynamo_writer_init(&w, D(s));
    rc = job_scan(D(s), &c, 0);
    if (rc == FC_OK)
        rc = dynamo_writer_flush(&w);
    dynamo_writer_free(&w);
    if (rc == FC_OK)
        *n = c.n;
    return rc;
}

/* ---- EC2 instances --------------------------------------------------------------------------- */

/* Instance items: EC2#id / INSTANCE, all in gsi1 partition EC2LIST by creation time; their
 * history in the same partition: EC2#id / EV#at_ms#id. */
#define INST_FIELD(kind, member) DYNAMO_FIELD(kind, struct fc_instance, member, #member)
static const struct dynamo_field instance_fields[] = {
    INST_FIELD('s', instance_id),   INST_FIELD('s', name),       INST_FIELD('s', image_id),
    INST_FIELD('s', instance_type), INST_FIELD('s', state),      INST_FIELD('s', public_ip),
    INST_FIELD('s', private_ip),    INST_FIELD('s', subnet_id),  INST_FIELD('s', launch_time),
    INST_FIELD('s', client_token),  INST_FIELD('s', status),     INST_FIELD('s', message),
    INST_FIELD('n', launched_by),   INST_FIELD('n', created_at), INST_FIELD('n', updated_at),
};

static void item_instance(json_object *it, struct fc_instance *in)
{
    dynamo_record_get(it, in, sizeof *in, instance_fields, FC_ARRAY_LEN(instance_fields));
}

json_object *dynamo_instance_item(const struct fc_instance *in)
{
    json_object *it;
    char pk[64], g[96];
    snprintf(pk, sizeof pk, "EC2#%s", in->instance_id);
    it = dynamo_item_of(pk, "INSTANCE", "instance", in, instance_fields,
                        FC_ARRAY_LEN(instance_fields));
    dynamo_set(it, "gsi1pk", dynamo_s("EC2LIST"));
    snprintf(g, sizeof g, DYNAMO_TIME_FMT "#%s",
             (long long)(in->created_at > 0 ? in->created_at : 0), in->instance_id);
    dynamo_set(it, "gsi1sk", dynamo_s(g));
    return it;
}

int dynamo_instance_get(struct fc_store *s, const char *instance_id, struct fc_instance *out)
{
    char pk[64];
    snprintf(pk, sizeof pk, "EC2#%s", instance_id);
    return dynamo_get_fields(D(s), pk, "INSTANCE", instance_fields, FC_ARRAY_LEN(instance_fields),
                             out, sizeof *out);
}

int dynamo_instance_put(struct fc_store *s, const struct fc_instance *in, int64_t now)
{
    struct fc_dynamo *d = D(s);
    struct fc_instance *old = NULL, *n = NULL;
    json_object *req = NULL;
    int rc;

    if (!in->instance_id[0])
        return FC_EINVAL;
    old = calloc(1, sizeof *old);
    n = malloc(sizeof *n);
    rc = FC_ERR;
    if (!old || !n)
        goto out;
    /* created_at, launched_by and client_token keep their first values; the put is
     * conditional on what was read, so a concurrent first put is not overwritten blindly */
    rc = dynamo_instance_get(s, in->instance_id, old);
    if (rc != FC_OK && rc != FC_NOTFOUND)
        goto out;
    *n = *in;
    n->updated_at = now;
    if (rc == FC_OK) {
        n->created_at = old->created_at;
        if (old->client_token[0])
            fc_strlcpy(n->client_token, old->client_token, sizeof n->client_token);
        if (old->launched_by)
            n->launched_by = old->launched_by;
    } else {
        n->created_at = now;
    }
    req = dynamo_req(d);
    json_object_object_add(req, "Item", dynamo_instance_item(n));
    if (rc == FC_OK) {
        dynamo_expr(req, "ConditionExpression", "#created_at = :c");
        dynamo_val(req, ":c", dynamo_n(old->created_at));
    } else {
        dynamo_expr(req, "ConditionExpression", "attribute_not_exists(#pk)");
    }
    rc = dynamo_call(d, "PutItem", req, NULL);
    if (rc == DYNAMO_COND) /* raced with another first put: it has the first values now */
        rc = FC_ERR;
out:
    json_object_put(req);
    free(old);
    free(n);
    return rc;
}

struct inst_ctx {
    const char *token;
    struct fc_instance *v;
    size_t n, cap;
};

static int inst_each(void *ctx, json_object *it)
{
    struct inst_ctx *c = ctx;
    if (c->token && strcmp(dynamo_get_s(it, "client_token"), c->token))
        return 0;
    if (fc_grow(&c->v, &c->cap, c->n + 1, sizeof *c->v, 16))
        return FC_ERR;
    item_instance(it, &c->v[c->n++]);
    return 0;
}

static int cmp_inst_new(const void *a, const void *b)
{
    const struct fc_instance *x = a, *y = b;
    if (x->created_at != y->created_at)
        return x->created_at < y->created_at ? 1 : -1;
    return strcmp(x->instance_id, y->instance_id);
}

static int cmp_inst_old(const void *a, const void *b)
{
    const struct fc_instance *x = a, *y = b;
    if (x->created_at != y->created_at)
        return x->created_at < y->created_at ? -1 : 1;
    return strcmp(x->instance_id, y->instance_id);
}

/* Every instance (forkcast follows a handful), optionally of one launch. */
static int instances(struct fc_dynamo *d, const char *token, int newest_first,
                     struct fc_instance *out, int max, int *n)
{
    json_object *req = dynamo_req(d);
    struct inst_ctx c = {token, NULL, 0, 0};
    int rc;
    *n = 0;
    json_object_object_add(req, "IndexName", json_object_new_string("gsi1"));
    dynamo_expr(req, "KeyConditionExpression", "#gsi1pk = :p");
    dynamo_val(req, ":p", dynamo_s("EC2LIST"));
    rc = dynamo_each(d, "Query", req, 0, inst_each, &c);
    json_object_put(req);
    if (rc == FC_OK) {
        if (c.n > 1)
            qsort(c.v, c.n, sizeof *c.v, newest_first ? cmp_inst_new : cmp_inst_old);
        for (size_t i = 0; i < c.n && *n < max; i++)
            out[(*n)++] = c.v[i];
    }
    free(c.v);
    return rc;
}

int dynamo_instance_by_token(struct fc_store *s, const char *client_token, struct fc_instance *out,
                             int max, int *n)
{
    *n = 0;
    if (!client_token || !*client_token)
        return FC_OK;
    return instances(D(s), client_token, 0, out, max, n);
}

int dynamo_instance_list(struct fc_store *s, struct fc_instance *out, int max, int *n)
{
    return instances(D(s), NULL, 1, out, max, n);
}

#define EVENT_FIELD(kind, member) DYNAMO_FIELD(kind, struct fc_instance_event, member, #member)
static const struct dynamo_field event_fields[] = {
    EVENT_FIELD('n', id),     EVENT_FIELD('s', instance_id), EVENT_FIELD('s', state),
    EVENT_FIELD('s', detail), EVENT_FIELD('n', at_ms),
};

json_object *dynamo_instance_event_item(const struct fc_instance_event *e)
{
    char pk[64], sk[64];
    snprintf(pk, sizeof pk, "EC2#%s", e->instance_id);
    snprintf(sk, sizeof sk, "EV#%015lld#" DYNAMO_ID_FMT, (long long)(e->at_ms > 0 ? e->at_ms : 0),
             (long long)e->id);
    return dynamo_item_of(pk, sk, "instance-event", e, event_fields, FC_ARRAY_LEN(event_fields));
}

int dynamo_instance_event_add(struct fc_store *s, struct fc_instance_event *e)
{
    int rc;
    if (!e->instance_id[0])
        return FC_EINVAL;
    if ((rc = dynamo_next_id(D(s), "ec2event", &e->id)))
        return rc;
    return dynamo_put(D(s), dynamo_instance_event_item(e), NULL);
}

int dynamo_instance_events(struct fc_store *s, const char *instance_id,
                           struct fc_instance_event *out, int max, int *n)
{
    json_object *req;
    char pk[64];
    int rc;
    /* the last max lines (newest first), then put back in time order */
    snprintf(pk, sizeof pk, "EC2#%s", instance_id);
    req = dynamo_query_prefix(D(s), NULL, pk, "EV#");
    dynamo_newest(req, max);
    rc = dynamo_rows(D(s), "Query", req, event_fields, FC_ARRAY_LEN(event_fields), out, sizeof *out,
                     max, n);
    for (int i = 0; i < *n / 2; i++) {
        struct fc_instance_event t = out[i];
        out[i] = out[*n - 1 - i];
        out[*n - 1 - i] = t;
    }
    return rc;
}

/* ---- Cognito tokens of a session ------------------------------------------------------------- */

/* Kept on the session's item: they go when it goes (session_delete, session_delete_user, its
 * TTL). */
int dynamo_session_tokens_put(struct fc_store *s, const char *hash, const char *sealed,
                              int64_t access_exp, int64_t now)
{
    struct fc_dynamo *d = D(s);
    json_object *req = dynamo_session_req(d, hash);
    int rc;
    dynamo_expr(req, "UpdateExpression",
                "SET #sealed = :s, #access_exp = :e, #tokens_updated_at = :now");
    dynamo_expr(req, "ConditionExpression", "attribute_exists(#pk)");
    dynamo_val(req, ":s", dynamo_s(sealed));
    dynamo_val(req, ":e", dynamo_n(access_exp));
    dynamo_val(req, ":now", dynamo_n(now));
    rc = dynamo_call(d, "UpdateItem", req, NULL);
    json_object_put(req);
    return rc == DYNAMO_COND ? FC_NOTFOUND : rc; /* no such session */
}

int dynamo_session_tokens_get(struct fc_store *s, const char *hash, char **sealed,
                              int64_t *access_exp, int64_t *updated_at)
{
    json_object *it;
    int rc;
    *sealed = NULL;
    rc = dynamo_session_get(D(s), hash, "#sealed, #access_exp, #tokens_updated_at", &it);
    if (rc == FC_OK) {
        if (!dynamo_has(it, "sealed"))
            rc = FC_NOTFOUND;
        else if (!(*sealed = strdup(dynamo_get_s(it, "sealed"))))
            rc = FC_ERR;
        if (rc == FC_OK) {
            *access_exp = dynamo_get_n(it, "access_exp");
            *updated_at = dynamo_get_n(it, "tokens_updated_at");
        }
    }
    json_object_put(it);
    return rc;
}
