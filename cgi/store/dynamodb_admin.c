/* store/dynamodb_admin: the DynamoDB side of the admin console (user search, ending a user's
 * sessions, request metrics, health figures) and the recommender's input (a full scan) and
 * its change counter. */
#include "core/util.h"
#include "rec/engine.h"
#include "store/dynamodb.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct fc_dynamo *D(struct fc_store *s)
{
    return (struct fc_dynamo *)s;
}

/* ---- user search ----------------------------------------------------------------------------- */

struct usearch {
    struct fc_dynamo *d;
    const struct fc_user_query *q;
    char text[256];
    struct fc_user *u;
    char (*lname)[64];
    size_t n, cap;
    long seen;
};

static int usearch_each(void *ctx, json_object *it)
{
    struct usearch *c = ctx;
    if (dynamo_search_over(c->d, &c->seen, "user search", "users"))
        return 1;
    if (c->text[0] && !dynamo_icontains(dynamo_get_s(it, "username"), c->text) &&
        !dynamo_icontains(dynamo_get_s(it, "display_name"), c->text) &&
        !dynamo_icontains(dynamo_get_s(it, "email"), c->text))
        return 0;
    if ((c->q->role == FC_ROLE_ADMIN && dynamo_get_n(it, "is_admin") != 1) ||
        (c->q->role == FC_ROLE_DISABLED && dynamo_get_n(it, "disabled") != 1))
        return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        struct fc_user *nu = realloc(c->u, cap * sizeof *nu);
        char(*nl)[64];
        if (!nu)
            return FC_ERR;
        c->u = nu;
        nl = realloc(c->lname, cap * sizeof *nl);
        if (!nl)
            return FC_ERR;
        c->lname = nl;
        c->cap = cap;
    }
    if (dynamo_item_user(it, &c->u[c->n]))
        return FC_ERR;
    fc_user_clear(&c->u[c->n]); /* the console's rows carry no bio or cuisines */
    dynamo_lower(c->lname[c->n], sizeof c->lname[c->n], c->u[c->n].username);
    c->n++;
    return 0;
}

static struct usearch *sort_ctx;

static int cmp_usearch(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(sort_ctx->lname[i], sort_ctx->lname[j]);
    int64_t x = sort_ctx->u[i].id, y = sort_ctx->u[j].id;
    return c ? c : (x > y) - (x < y);
}

int dynamo_user_search(struct fc_store *s, const struct fc_user_query *q, struct fc_user *out,
                       int *n, int *total)
{
    struct fc_dynamo *d = D(s);
    struct usearch c;
    json_object *req = dynamo_req(d);
    size_t *order = NULL, off = q->offset > 0 ? (size_t)q->offset : 0;
    int rc;

    *n = 0;
    *total = 0;
    memset(&c, 0, sizeof c);
    c.d = d;
    c.q = q;
    dynamo_lower(c.text, sizeof c.text, q->text ? q->text : "");
    /* every user, from the users index (gsi2): the admin console only */
    json_object_object_add(req, "IndexName", json_object_new_string("gsi2"));
    dynamo_expr(req, "KeyConditionExpression", "#gsi2pk = :p");
    dynamo_expr(req, "ProjectionExpression",
                "#id, #username, #email, #display_name, #city, #visibility, #is_admin, "
                "#disabled, #created_at");
    dynamo_val(req, ":p", dynamo_s("USERS"));
    if ((rc = dynamo_each(d, "Query", req, 0, usearch_each, &c)))
        goto out;
    rc = FC_ERR;
    if (!(order = malloc((c.n ? c.n : 1) * sizeof *order)))
        goto out;
    for (size_t i = 0; i < c.n; i++)
        order[i] = i;
    sort_ctx = &c;
    if (c.n > 1)
        qsort(order, c.n, sizeof *order, cmp_usearch);
    sort_ctx = NULL;
    *total = (int)c.n;
    for (size_t i = off; i < c.n && *n < q->limit; i++)
        out[(*n)++] = c.u[order[i]];
    rc = FC_OK;
out:
    free(order);
    free(c.u);
    free(c.lname);
    json_object_put(req);
    return rc;
}

/* ---- sessions of a user ---------------------------------------------------------------------- */

int dynamo_session_delete_user(struct fc_store *s, int64_t user_id)
{
    struct fc_dynamo *d = D(s);
    json_object *req = dynamo_req(d);
    char g1[48];
    /* the user's sessions are one partition of gsi1 */
    snprintf(g1, sizeof g1, "USESS#%" PRId64, user_id);
    json_object_object_add(req, "IndexName", json_object_new_string("gsi1"));
    dynamo_expr(req, "KeyConditionExpression", "#gsi1pk = :p");
    dynamo_val(req, ":p", dynamo_s(g1));
    return dynamo_delete_found(d, "Query", req);
}

/* ---- metrics --------------------------------------------------------------------------------- */

/* Metrics live in one partition, METRICS, sorted by minute: request rows
 * "MINUTE#R#STATUS#ROUTE" and counters "MINUTE#C#NAME". */
static void metric_sk(char *out, size_t n, int64_t minute, const struct fc_metric_row *r,
                      const struct fc_metric_counter *c)
{
    if (r)
        snprintf(out, n, DYNAMO_TIME_FMT "#R#%d#%s", (long long)(minute > 0 ? minute : 0),
                 r->status, r->route);
    else
        snprintf(out, n, DYNAMO_TIME_FMT "#C#%s", (long long)(minute > 0 ? minute : 0), c->name);
}

int dynamo_metrics_add(struct fc_store *s, const struct fc_metric_row *rows, int nrows,
                       const struct fc_metric_counter *ctrs, int nctrs)
{
    struct fc_dynamo *d = D(s);
    json_object *items = NULL;
    int rc = FC_OK, total = (nrows > 0 ? nrows : 0) + (nctrs > 0 ? nctrs : 0);

    /* the sums in transactions of up to 100 updates (all of a flush, in practice) */
    for (int i = 0; i < total && rc == FC_OK; i++) {
        json_object *a;
        char sk[160], expr[2048], ph[16];
        if (!items)
            items = json_object_new_array();
        a = dynamo_tx_add(d, items, "Update");
        if (i < nrows) {
            const struct fc_metric_row *r = &rows[i];
            size_t len;
            metric_sk(sk, sizeof sk, r->minute, r, NULL);
            len = (size_t)snprintf(expr, sizeof expr,
                                   "SET #type = :t, #minute = :m, #route = :r, #status = :st "
                                   "ADD #count :c, #sum_ms :s");
            for (int b = 0; b < FC_METRIC_BUCKETS; b++) {
                if (!r->hist[b])
                    continue;
                len += (size_t)snprintf(expr + len, sizeof expr - len, ", #b%d :b%d", b, b);
                snprintf(ph, sizeof ph, ":b%d", b);
                dynamo_val(a, ph, dynamo_n(r->hist[b]));
            }
            dynamo_val(a, ":t", dynamo_s("metric"));
            dynamo_val(a, ":m", dynamo_n(r->minute));
            dynamo_val(a, ":r", dynamo_s(r->route));
            dynamo_val(a, ":st", dynamo_n(r->status));
            dynamo_val(a, ":c", dynamo_n(r->count));
            dynamo_val(a, ":s", dynamo_d(r->sum_ms));
        } else {
            const struct fc_metric_counter *c = &ctrs[i - nrows];
            metric_sk(sk, sizeof sk, c->minute, NULL, c);
            snprintf(expr, sizeof expr, "SET #type = :t, #minute = :m, #name = :nm ADD #n :n");
            dynamo_val(a, ":t", dynamo_s("counter"));
            dynamo_val(a, ":m", dynamo_n(c->minute));
            dynamo_val(a, ":nm", dynamo_s(c->name));
            dynamo_val(a, ":n", dynamo_n(c->n));
        }
        json_object_object_add(a, "Key", dynamo_key("METRICS", sk));
        dynamo_expr(a, "UpdateExpression", expr);
        if (json_object_array_length(items) == 100 || i == total - 1) {
            rc = dynamo_transact(d, items);
            json_object_put(items);
            items = NULL;
        }
    }
    json_object_put(items);
    if (rc)
        return rc == DYNAMO_CANCEL ? FC_ERR : rc;
    /* the largest time: raised only when bigger (a condition of its own) */
    for (int i = 0; i < nrows && rc == FC_OK; i++) {
        json_object *req;
        char sk[160];
        if (rows[i].max_ms <= 0)
            continue;
        req = dynamo_req(d);
        metric_sk(sk, sizeof sk, rows[i].minute, &rows[i], NULL);
        json_object_object_add(req, "Key", dynamo_key("METRICS", sk));
        dynamo_expr(req, "UpdateExpression", "SET #max_ms = :x");
        dynamo_expr(req, "ConditionExpression", "attribute_not_exists(#max_ms) OR #max_ms < :x");
        dynamo_val(req, ":x", dynamo_d(rows[i].max_ms));
        rc = dynamo_call(d, "UpdateItem", req, NULL);
        if (rc == DYNAMO_COND)
            rc = FC_OK;
        json_object_put(req);
    }
    return rc;
}

struct mq {
    enum fc_metric_group group;
    int counters; /* 1: read counters, 0: request rows */
    struct fc_metric_row *rows;
    struct fc_metric_counter *ctrs;
    int n;
    size_t cap;
};

static int mq_each(void *ctx, json_object *it)
{
    struct mq *c = ctx;
    const char *sk = dynamo_get_s(it, "sk");
    int is_counter = strlen(sk) > 13 && sk[13] == 'C';
    if (is_counter != c->counters)
        return 0;
    if (c->counters) {
        const char *name = dynamo_get_s(it, "name");
        int i;
        for (i = 0; i < c->n && strcmp(c->ctrs[i].name, name); i++)
            ;
        if (i == c->n) {
            if (fc_grow(&c->ctrs, &c->cap, (size_t)c->n + 1, sizeof *c->ctrs, 32))
                return FC_ERR;
            memset(&c->ctrs[i], 0, sizeof c->ctrs[i]);
            fc_strlcpy(c->ctrs[i].name, name, sizeof c->ctrs[i].name);
            c->n++;
        }
        c->ctrs[i].n += (long)dynamo_get_n(it, "n");
    } else {
        int64_t minute = c->group == FC_METRIC_BY_MINUTE ? dynamo_get_n(it, "minute") : 0;
        const char *route = c->group == FC_METRIC_BY_ROUTE ? dynamo_get_s(it, "route") : "";
        int status = (int)dynamo_get_n(it, "status"), i;
        struct fc_metric_row *m;
        double mx;
        for (i = 0; i < c->n; i++)
            if (c->rows[i].minute == minute && c->rows[i].status == status &&
                strcmp(c->rows[i].route, route) == 0)
                break;
        if (i == c->n) {
            if (fc_grow(&c->rows, &c->cap, (size_t)c->n + 1, sizeof *c->rows, 64))
                return FC_ERR;
            memset(&c->rows[i], 0, sizeof c->rows[i]);
            c->rows[i].minute = minute;
            c->rows[i].status = status;
            fc_strlcpy(c->rows[i].route, route, sizeof c->rows[i].route);
            c->n++;
        }
        m = &c->rows[i];
        m->count += (long)dynamo_get_n(it, "count");
        m->sum_ms += dynamo_get_d(it, "sum_ms");
        mx = dynamo_get_d(it, "max_ms");
        if (mx > m->max_ms)
            m->max_ms = mx;
        for (int b = 0; b < FC_METRIC_BUCKETS; b++) {
            char name[16];
            snprintf(name, sizeof name, "b%d", b);
            m->hist[b] += (long)dynamo_get_n(it, name);
        }
    }
    return 0;
}

/* Reads the METRICS partition from minute since on. */
static int cmp_metric(const void *a, const void *b)
{
    const struct fc_metric_row *x = a, *y = b;
    int c;
    if (x->minute != y->minute)
        return x->minute < y->minute ? -1 : 1;
    if ((c = strcmp(x->route, y->route)))
        return c;
    return (x->status > y->status) - (x->status < y->status);
}

static int cmp_counter(const void *a, const void *b)
{
    return strcmp(((const struct fc_metric_counter *)a)->name,
                  ((const struct fc_metric_counter *)b)->name);
}

/* Reads the request rows (or the counters: c->counters) since since into c, sorted; on an
 * error nothing is kept (c->rows, c->ctrs NULL, c->n 0). */
static int metrics_read(struct fc_dynamo *d, int64_t since, struct mq *c)
{
    json_object *req = dynamo_req(d);
    char from[32];
    int rc;
    snprintf(from, sizeof from, DYNAMO_TIME_FMT, (long long)(since > 0 ? since : 0));
    dynamo_expr(req, "KeyConditionExpression", "#pk = :pk AND #sk >= :from");
    dynamo_val(req, ":pk", dynamo_s("METRICS"));
    dynamo_val(req, ":from", dynamo_s(from));
    dynamo_consistent(d, req);
    rc = dynamo_each(d, "Query", req, 0, mq_each, c);
    json_object_put(req);
    if (rc) {
        free(c->rows);
        free(c->ctrs);
        c->rows = NULL;
        c->ctrs = NULL;
        c->n = 0;
    } else if (c->n > 1 && c->counters) {
        qsort(c->ctrs, (size_t)c->n, sizeof *c->ctrs, cmp_counter);
    } else if (c->n > 1) {
        qsort(c->rows, (size_t)c->n, sizeof *c->rows, cmp_metric);
    }
    return rc;
}

int dynamo_metrics_query(struct fc_store *s, int64_t since, enum fc_metric_group group,
                         struct fc_metric_row **out, int *n)
{
    struct mq c = {.group = group};
    int rc = metrics_read(D(s), since, &c);
    *out = c.rows;
    *n = c.n;
    return rc;
}

int dynamo_metrics_counters(struct fc_store *s, int64_t since, struct fc_metric_counter **out,
                            int *n)
{
    struct mq c = {.counters = 1};
    int rc = metrics_read(D(s), since, &c);
    *out = c.ctrs;
    *n = c.n;
    return rc;
}

int dynamo_metrics_prune(struct fc_store *s, int64_t before)
{
    struct fc_dynamo *d = D(s);
    json_object *req;
    char to[32];
    if (before <= 0)
        return FC_OK;
    req = dynamo_req(d);
    snprintf(to, sizeof to, DYNAMO_TIME_FMT, (long long)before);
    dynamo_expr(req, "KeyConditionExpression", "#pk = :pk AND #sk < :to");
    dynamo_val(req, ":pk", dynamo_s("METRICS"));
    dynamo_val(req, ":to", dynamo_s(to));
    return dynamo_delete_found(d, "Query", req);
}

/* ---- health ---------------------------------------------------------------------------------- */

static const char *jstr(json_object *o, const char *k1, const char *k2)
{
    json_object *v;
    if (!json_object_object_get_ex(o, k1, &v))
        return "";
    if (k2 && !json_object_object_get_ex(v, k2, &v))
        return "";
    return json_object_get_string(v) ? json_object_get_string(v) : "";
}

int dynamo_store_health(struct fc_store *s, struct fc_store_check *v, int max, int *n)
{
    struct fc_store_checks out = {v, max, 0};
    struct fc_dynamo *d = D(s);
    json_object *req = dynamo_req(d), *resp = NULL, *t, *gsis, *ttl = NULL, *tt;
    const struct aws_endpoint *ep = aws_client_endpoint(d->c);
    struct aws_stats st;
    struct timespec t0, t1;
    int rc = FC_ERR, r;
    double ms;

    *n = 0;
    if (fc_store_check_put(&out, "Backend", 1, "DynamoDB table %s in %s (%s)", d->table,
                           aws_client_region(d->c), ep ? ep->url : "?"))
        goto out;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = dynamo_call(d, "DescribeTable", req, &resp);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    if (r || !json_object_object_get_ex(resp, "Table", &t)) {
        fc_store_check_put(&out, "Table", 0, "DescribeTable failed (see the error log)");
    } else {
        fc_store_check_put(&out, "Table status",
                           strcmp(jstr(t, "TableStatus", NULL), "ACTIVE") == 0,
                           "%s (DescribeTable took %.1f ms)", jstr(t, "TableStatus", NULL), ms);
        fc_store_check_put(&out, "Items (approximate, updated every few hours)", 1, "%s",
                           jstr(t, "ItemCount", NULL));
        fc_store_check_put(&out, "Size (approximate)", 1, "%s bytes",
                           jstr(t, "TableSizeBytes", NULL));
        fc_store_check_put(&out, "Billing", 1, "%s",
                           *jstr(t, "BillingModeSummary", "BillingMode")
                               ? jstr(t, "BillingModeSummary", "BillingMode")
                               : "PROVISIONED");
        if ((gsis = dynamo_get_array(t, "GlobalSecondaryIndexes"))) {
            for (size_t k = 0; k < json_object_array_length(gsis); k++) {
                json_object *g = json_object_array_get_idx(gsis, k);
                char name[264];
                snprintf(name, sizeof name, "Index %s", jstr(g, "IndexName", NULL));
                fc_store_check_put(&out, name, strcmp(jstr(g, "IndexStatus", NULL), "ACTIVE") == 0,
                                   "%s", jstr(g, "IndexStatus", NULL));
            }
        }
        if (dynamo_call(d, "DescribeTimeToLive", req, &ttl) == FC_OK &&
            json_object_object_get_ex(ttl, "TimeToLiveDescription", &tt))
            fc_store_check_put(
                &out, "Time to live", strcmp(jstr(tt, "TimeToLiveStatus", NULL), "ENABLED") == 0,
                "%s on attribute %s (sessions and log-in failures expire)",
                jstr(tt, "TimeToLiveStatus", NULL),
                *jstr(tt, "AttributeName", NULL) ? jstr(tt, "AttributeName", NULL) : "-");
    }
    if (aws_stats_get("dynamodb", &st) == AWS_OK)
        fc_store_check_put(&out, "Calls by this process", st.errors == 0,
                           "%lu calls, %lu errors, %lu retries, %lu throttled, %.1f ms average",
                           st.calls, st.errors, st.retries, st.throttles,
                           st.calls ? (double)st.latency_ms / (double)st.calls : 0.0);
    rc = FC_OK;
    *n = out.n;
out:
    json_object_put(ttl);
    json_object_put(resp);
    json_object_put(req);
    return rc;
}

/* ---- the recommender's input ----------------------------------------------------------------- */

struct grow {
    void *a;
    size_t n, cap, elem;
};

static void *grow_next(struct grow *g)
{
    if (fc_grow(&g->a, &g->cap, g->n + 1, g->elem, 256))
        return NULL;
    memset((char *)g->a + g->n * g->elem, 0, g->elem);
    return (char *)g->a + g->n++ * g->elem;
}

struct load {
    struct grow items, users, ratings, events, views, friends, blocks;
};

/* The attributes of a restaurant, a profile, a review and a save or view read into the
 * recommender's records (an event's type is its sort key's). */
static const struct dynamo_field item_fields[] = {
    DYNAMO_FIELD('n', struct rec_item, id, "id"), DYNAMO_FIELD('s', struct rec_item, city, "city"),
    DYNAMO_FIELD('s', struct rec_item, price, "price"),
    DYNAMO_FIELD('s', struct rec_item, cuisines, "cuisines"),
    DYNAMO_FIELD('s', struct rec_item, name, "name")};
static const struct dynamo_field user_fields[] = {
    DYNAMO_FIELD('n', struct rec_user, id, "id"), DYNAMO_FIELD('s', struct rec_user, city, "city"),
    DYNAMO_FIELD('s', struct rec_user, price, "price"),
    DYNAMO_FIELD('s', struct rec_user, cuisines, "cuisines"),
    DYNAMO_FIELD('s', struct rec_user, name, "display_name")};
static const struct dynamo_field rating_fields[] = {
    DYNAMO_FIELD('n', struct rec_rating, user, "user_id"),
    DYNAMO_FIELD('n', struct rec_rating, item, "restaurant_id"),
    DYNAMO_FIELD('n', struct rec_rating, stars, "stars"),
    DYNAMO_FIELD('n', struct rec_rating, at, "created_at")};
static const struct dynamo_field event_fields[] = {
    DYNAMO_FIELD('n', struct rec_event, user, "user_id"),
    DYNAMO_FIELD('n', struct rec_event, item, "restaurant_id"),
    DYNAMO_FIELD('n', struct rec_event, at, "created_at")};

/* A new record of g read from it by the n fields f; NULL when out of memory. */
static void *load_fields(struct grow *g, json_object *it, const struct dynamo_field *f, size_t n)
{
    void *x = grow_next(g);
    if (x)
        dynamo_fields_get(it, x, f, n);
    return x;
}

static int load_each(void *ctx, json_object *it)
{
    struct load *l = ctx;
    const char *pk = dynamo_get_s(it, "pk"), *sk = dynamo_get_s(it, "sk");
    if (strcmp(sk, "RESTAURANT") == 0 && strncmp(pk, "RST#", 4) == 0) {
        if (!load_fields(&l->items, it, item_fields, FC_ARRAY_LEN(item_fields)))
            return FC_ERR;
    } else if (strncmp(pk, "U#", 2) != 0 && strncmp(pk, "EV#", 3) != 0) {
        return 0;
    } else if (strcmp(sk, "PROFILE") == 0) {
        if (dynamo_get_n(it, "disabled"))
            return 0;
        if (!load_fields(&l->users, it, user_fields, FC_ARRAY_LEN(user_fields)))
            return FC_ERR;
    } else if (strncmp(sk, "R#", 2) == 0) {
        if (!load_fields(&l->ratings, it, rating_fields, FC_ARRAY_LEN(rating_fields)))
            return FC_ERR;
    } else if (strncmp(sk, "SV#", 3) == 0 || strncmp(sk, "view#", 5) == 0) {
        struct rec_event *x = load_fields(sk[0] == 'S' ? &l->events : &l->views, it, event_fields,
                                          FC_ARRAY_LEN(event_fields));
        if (!x)
            return FC_ERR;
        x->type = sk[0] == 'S' ? REC_EV_SAVE : REC_EV_VIEW;
    } else if (strncmp(sk, "G#F#", 4) == 0 || strncmp(sk, "G#B#", 4) == 0) {
        int64_t a = dynamo_get_n(it, "user_id"), b = dynamo_get_n(it, "other_id");
        struct rec_edge *x;
        if (sk[2] == 'F' && a >= b)
            return 0; /* each friendship once */
        if (!(x = grow_next(sk[2] == 'F' ? &l->friends : &l->blocks)))
            return FC_ERR;
        x->a = a;
        x->b = b;
    }
    return 0;
}

static int cmp_view(const void *a, const void *b)
{
    const struct rec_event *x = a, *y = b;
    if (x->user != y->user)
        return (x->user > y->user) - (x->user < y->user);
    if (x->item != y->item)
        return (x->item > y->item) - (x->item < y->item);
    return (x->at > y->at) - (x->at < y->at);
}

static int cmp_item_id(const void *a, const void *b)
{
    int64_t x = ((const struct rec_item *)a)->id, y = ((const struct rec_item *)b)->id;
    return (x > y) - (x < y);
}

static int cmp_user_id(const void *a, const void *b)
{
    int64_t x = ((const struct rec_user *)a)->id, y = ((const struct rec_user *)b)->id;
    return (x > y) - (x < y);
}

int dynamo_rec_load(struct fc_store *s, struct rec_dataset *d)
{
    struct fc_dynamo *dy = D(s);
    struct load l;
    json_object *req = dynamo_req(dy);
    int rc;

    memset(d, 0, sizeof *d);
    memset(&l, 0, sizeof l);
    l.items.elem = sizeof(struct rec_item);
    l.users.elem = sizeof(struct rec_user);
    l.ratings.elem = sizeof(struct rec_rating);
    l.events.elem = l.views.elem = sizeof(struct rec_event);
    l.friends.elem = l.blocks.elem = sizeof(struct rec_edge);
    /* one scan of the table (feed entries, sessions and metrics filtered out by DynamoDB) */
    dynamo_expr(req, "ProjectionExpression",
                "#pk, #sk, #id, #city, #price, #cuisines, #name, #display_name, #disabled, "
                "#user_id, #other_id, #restaurant_id, #stars, #created_at");
    dynamo_expr(req, "FilterExpression",
                "begins_with(#pk, :u) OR begins_with(#pk, :r) OR begins_with(#pk, :e)");
    dynamo_val(req, ":u", dynamo_s("U#"));
    dynamo_val(req, ":r", dynamo_s("RST#"));
    dynamo_val(req, ":e", dynamo_s("EV#"));
    dynamo_consistent(dy, req);
    rc = dynamo_each(dy, "Scan", req, 0, load_each, &l);
    json_object_put(req);
    if (rc)
        goto out;
    rc = FC_ERR;
    /* views: the last one of each (user, place), like the SQL's GROUP BY */
    if (l.views.n > 1)
        qsort(l.views.a, l.views.n, l.views.elem, cmp_view);
    for (size_t i = 0; i < l.views.n; i++) {
        struct rec_event *v = (struct rec_event *)l.views.a + i, *x;
        if (i + 1 < l.views.n && v[1].user == v->user && v[1].item == v->item)
            continue;
        if (!(x = grow_next(&l.events)))
            goto out;
        *x = *v;
    }
    free(l.views.a);
    l.views.a = NULL;
    if (l.items.n > 1)
        qsort(l.items.a, l.items.n, l.items.elem, cmp_item_id);
    if (l.users.n > 1)
        qsort(l.users.a, l.users.n, l.users.elem, cmp_user_id);
/* the dataset's array f (and its count n_f) is what l gathered in its f */
#define TAKE(f) (d->f = l.f.a, d->n_##f = l.f.n)
    TAKE(items);
    TAKE(users);
    TAKE(ratings);
    TAKE(events);
    TAKE(friends);
    TAKE(blocks);
#undef TAKE
    return FC_OK;
out:
    free(l.items.a);
    free(l.users.a);
    free(l.ratings.a);
    free(l.events.a);
    free(l.views.a);
    free(l.friends.a);
    free(l.blocks.a);
    return rc ? rc : FC_ERR;
}

int dynamo_rec_version(struct fc_store *s, int64_t *version)
{
    json_object *it;
    int rc = dynamo_get(D(s), "META", "RECVER", "#v", &it);
    if (rc == FC_OK)
        *version = dynamo_get_n(it, "v");
    else if (rc == FC_NOTFOUND)
        *version = 0;
    json_object_put(it);
    return rc == FC_NOTFOUND ? FC_OK : rc;
}
