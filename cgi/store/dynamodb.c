/* store/dynamodb: the DynamoDB backend of the store: opening, the shared call helpers, users,
 * sessions, log-in failures and restaurants (docs/dynamodb.md has the table design). */
#include "store/dynamodb.h"
#include "aws/endpoint.h"
#include "core/config.h"
#include "core/util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct fc_dynamo *D(struct fc_store *s)
{
    return (struct fc_dynamo *)s;
}

/* ---- attribute values ------------------------------------------------------------------------ */

json_object *dynamo_s(const char *s)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "S", json_object_new_string(s ? s : ""));
    return o;
}

json_object *dynamo_n(int64_t v)
{
    char buf[32];
    json_object *o = json_object_new_object();
    snprintf(buf, sizeof buf, "%" PRId64, v);
    json_object_object_add(o, "N", json_object_new_string(buf));
    return o;
}

json_object *dynamo_d(double v)
{
    char buf[64];
    json_object *o = json_object_new_object();
    snprintf(buf, sizeof buf, "%.17g", v);
    json_object_object_add(o, "N", json_object_new_string(buf));
    return o;
}

json_object *dynamo_ns(const int64_t *v, size_t n)
{
    json_object *o, *a;
    if (!n)
        return NULL;
    o = json_object_new_object();
    a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%" PRId64, v[i]);
        json_object_array_add(a, json_object_new_string(buf));
    }
    json_object_object_add(o, "NS", a);
    return o;
}

json_object *dynamo_key(const char *pk, const char *sk)
{
    json_object *k = json_object_new_object();
    json_object_object_add(k, "pk", dynamo_s(pk));
    json_object_object_add(k, "sk", dynamo_s(sk));
    return k;
}

void dynamo_set(json_object *item, const char *name, json_object *v)
{
    if (v)
        json_object_object_add(item, name, v);
}

/* The value of attribute name when it has the given type ("S", "N": a JSON string; "SS",
 * "NS": an array), borrowed from item, else NULL: answers are checked, never trusted. */
static json_object *attr(json_object *item, const char *name, const char *type)
{
    json_object *a, *v;
    if (!item || !json_object_object_get_ex(item, name, &a) ||
        !json_object_object_get_ex(a, type, &v))
        return NULL;
    if (!json_object_is_type(v, type[1] == 'S' ? json_type_array : json_type_string))
        return NULL;
    return v;
}

json_object *dynamo_get_array(json_object *o, const char *name)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_array))
        return NULL;
    return v;
}

const char *dynamo_get_s(json_object *item, const char *name)
{
    json_object *v = attr(item, name, "S");
    const char *s = v ? json_object_get_string(v) : NULL;
    return s ? s : "";
}

int64_t dynamo_get_n(json_object *item, const char *name)
{
    json_object *v = attr(item, name, "N");
    const char *s = v ? json_object_get_string(v) : NULL;
    if (!s)
        return 0;
    if (strpbrk(s, ".eEnN")) {
        double d = strtod(s, NULL); /* "1e400" is inf, "nan" too: not an int64 */
        return d >= -9.2e18 && d <= 9.2e18 ? (int64_t)d : 0;
    }
    return strtoll(s, NULL, 10);
}

double dynamo_get_d(json_object *item, const char *name)
{
    json_object *v = attr(item, name, "N");
    const char *s = v ? json_object_get_string(v) : NULL;
    return s ? strtod(s, NULL) : 0.0;
}

int dynamo_has(json_object *item, const char *name)
{
    json_object *a;
    return item && json_object_object_get_ex(item, name, &a);
}

long dynamo_get_ns(json_object *item, const char *name, int64_t **out)
{
    json_object *v = attr(item, name, "NS");
    size_t n = v ? json_object_array_length(v) : 0;
    *out = NULL;
    if (!n)
        return 0;
    *out = malloc(n * sizeof **out);
    if (!*out)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(v, i));
        (*out)[i] = s ? strtoll(s, NULL, 10) : 0;
    }
    return (long)n;
}

int dynamo_ns_contains(json_object *item, const char *name, int64_t x)
{
    json_object *v = attr(item, name, "NS");
    size_t n = v ? json_object_array_length(v) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(v, i));
        if (s && strtoll(s, NULL, 10) == x)
            return 1;
    }
    return 0;
}

void dynamo_copy_s(json_object *item, const char *name, char *dst, size_t n)
{
    fc_strlcpy(dst, dynamo_get_s(item, name), n);
}

/* ---- requests -------------------------------------------------------------------------------- */

json_object *dynamo_req(struct fc_dynamo *d)
{
    json_object *r = json_object_new_object();
    json_object_object_add(r, "TableName", json_object_new_string(d->table));
    return r;
}

void dynamo_expr(json_object *req, const char *field, const char *expr)
{
    json_object *names;
    json_object_object_add(req, field, json_object_new_string(expr));
    if (!json_object_object_get_ex(req, "ExpressionAttributeNames", &names)) {
        names = json_object_new_object();
        json_object_object_add(req, "ExpressionAttributeNames", names);
    }
    for (const char *p = strchr(expr, '#'); p; p = strchr(p + 1, '#')) {
        char tok[64];
        size_t n = 1;
        while (n < sizeof tok - 1 && (p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z') ||
                                      (p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= '0' && p[n] <= '9')))
            n++;
        if (n == 1)
            continue;
        memcpy(tok, p, n);
        tok[n] = '\0';
        if (!json_object_object_get_ex(names, tok, NULL))
            json_object_object_add(names, tok, json_object_new_string(tok + 1));
    }
}

void dynamo_val(json_object *req, const char *ph, json_object *v)
{
    json_object *vals;
    if (!json_object_object_get_ex(req, "ExpressionAttributeValues", &vals)) {
        vals = json_object_new_object();
        json_object_object_add(req, "ExpressionAttributeValues", vals);
    }
    json_object_object_add(vals, ph, v);
}

/* Reads the reasons list "[None, ConditionalCheckFailed]" of a cancelled transaction. */
static void cancel_reasons(struct fc_dynamo *d, const char *msg)
{
    const char *b = strchr(msg, '['), *e = b ? strchr(b, ']') : NULL;
    int i = 0;
    d->cancel_index = -1;
    d->cancel_reasons[0] = '\0';
    if (!b || !e)
        return;
    snprintf(d->cancel_reasons, sizeof d->cancel_reasons, "%.*s", (int)(e - b - 1), b + 1);
    for (const char *p = b + 1; p < e; i++) {
        const char *c = memchr(p, ',', (size_t)(e - p));
        const char *end = c ? c : e;
        while (p < end && *p == ' ')
            p++;
        if (end - p != 4 || strncmp(p, "None", 4) != 0) {
            if (d->cancel_index < 0)
                d->cancel_index = i;
        }
        p = c ? c + 1 : e;
    }
}

int dynamo_call(struct fc_dynamo *d, const char *op, json_object *req, json_object **resp)
{
    char target[96];
    struct aws_error err;
    json_object *r = NULL;
    int rc;

    if (resp)
        *resp = NULL;
    snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
    rc = aws_json_call(d->c, target, req, &r, &err);
    if (rc == AWS_OK) {
        if (resp)
            *resp = r;
        else
            json_object_put(r);
        return FC_OK;
    }
    if (rc == AWS_E_HTTP && strcmp(err.code, "ConditionalCheckFailedException") == 0)
        return DYNAMO_COND;
    if (rc == AWS_E_HTTP && strcmp(err.code, "TransactionCanceledException") == 0) {
        cancel_reasons(d, err.message);
        return DYNAMO_CANCEL;
    }
    fprintf(stderr, "forkcast: dynamodb: %s on table %s failed after %d attempt(s): %s: %s%s%s\n",
            op, d->table, err.attempts, err.code[0] ? err.code : "error", err.message,
            err.request_id[0] ? " request id " : "", err.request_id);
    /* not answering, or failing on its side until the retries ran out: the page says so */
    if (rc == AWS_E_TRANSPORT || (rc == AWS_E_HTTP && err.retryable))
        fc_store_fault_note(FC_STORE_FAULT_UNAVAILABLE);
    return FC_ERR;
}

json_object *dynamo_tx_add(struct fc_dynamo *d, json_object *items, const char *kind)
{
    json_object *wrap = json_object_new_object(), *body = dynamo_req(d);
    json_object_object_add(wrap, kind, body);
    json_object_array_add(items, wrap);
    return body;
}

int dynamo_transact(struct fc_dynamo *d, json_object *items)
{
    json_object *req = json_object_new_object();
    int rc = FC_ERR;
    json_object_object_add(req, "TransactItems", json_object_get(items));
    for (int attempt = 0; attempt < 5; attempt++) {
        rc = dynamo_call(d, "TransactWriteItems", req, NULL);
        if (rc != DYNAMO_CANCEL)
            break;
        /* a conflict with another transaction or throttling: again after a while */
        if (strstr(d->cancel_reasons, "TransactionConflict") ||
            strstr(d->cancel_reasons, "Throttl") ||
            strstr(d->cancel_reasons, "ProvisionedThroughputExceeded")) {
            dynamo_sleep_ms(20L << attempt);
            rc = FC_ERR;
            continue;
        }
        if (!strstr(d->cancel_reasons, "ConditionalCheckFailed")) {
            fprintf(stderr, "forkcast: dynamodb: transaction cancelled: [%s]\n", d->cancel_reasons);
            rc = FC_ERR;
        }
        break;
    }
    json_object_put(req);
    return rc;
}

int dynamo_page_next(struct fc_dynamo *d, const char *op, json_object *req, json_object *lek,
                     int page)
{
    json_object *sent;
    char why[128];

    if (!json_object_is_type(lek, json_type_object) || json_object_object_length(lek) == 0)
        snprintf(why, sizeof why, "its LastEvaluatedKey is not a key");
    else if (json_object_object_get_ex(req, "ExclusiveStartKey", &sent) &&
             json_object_equal(sent, lek))
        snprintf(why, sizeof why,
                 "its LastEvaluatedKey is the ExclusiveStartKey sent (the endpoint is not "
                 "moving on)");
    else if (page < d->max_pages)
        return FC_OK;
    else
        snprintf(why, sizeof why,
                 "a LastEvaluatedKey still to follow at Store.DynamoDB.MaxPages (%d)",
                 d->max_pages);
    fprintf(stderr, "forkcast: dynamodb: %s on table %s stopped after page %d: %s\n", op, d->table,
            page, why);
    fc_store_fault_note(FC_STORE_FAULT_UNAVAILABLE);
    return FC_ERR;
}

int dynamo_each(struct fc_dynamo *d, const char *op, json_object *req, int max_pages,
                dynamo_item_fn fn, void *ctx)
{
    json_object *resp = NULL, *items, *lek;
    int pages = 0, rc;

    json_object_object_del(req, "ExclusiveStartKey");
    for (;;) {
        if ((rc = dynamo_call(d, op, req, &resp)))
            goto out;
        pages++;
        if ((items = dynamo_get_array(resp, "Items"))) {
            size_t n = json_object_array_length(items);
            for (size_t i = 0; i < n; i++) {
                int r = fn(ctx, json_object_array_get_idx(items, i));
                if (r == 1)
                    goto out;
                if (r) {
                    rc = r;
                    goto out;
                }
            }
        }
        if (!json_object_object_get_ex(resp, "LastEvaluatedKey", &lek) ||
            (max_pages > 0 && pages >= max_pages))
            break;
        if ((rc = dynamo_page_next(d, op, req, lek, pages)))
            goto out;
        json_object_object_add(req, "ExclusiveStartKey", json_object_get(lek));
        json_object_put(resp);
        resp = NULL;
    }
out:
    json_object_put(resp);
    json_object_object_del(req, "ExclusiveStartKey");
    return rc;
}

int dynamo_count(struct fc_dynamo *d, json_object *req, int *n)
{
    json_object *resp = NULL, *lek, *c;
    int64_t total = 0;
    int pages = 0, rc;
    json_object_object_add(req, "Select", json_object_new_string("COUNT"));
    json_object_object_del(req, "ExclusiveStartKey");
    for (;;) {
        if ((rc = dynamo_call(d, "Query", req, &resp)))
            break;
        if (json_object_object_get_ex(resp, "Count", &c))
            total += json_object_get_int64(c);
        if (!json_object_object_get_ex(resp, "LastEvaluatedKey", &lek))
            break;
        if ((rc = dynamo_page_next(d, "Query", req, lek, ++pages)))
            break;
        json_object_object_add(req, "ExclusiveStartKey", json_object_get(lek));
        json_object_put(resp);
        resp = NULL;
    }
    json_object_put(resp);
    if (rc == FC_OK)
        *n = (int)total;
    return rc;
}

int dynamo_search_over(struct fc_dynamo *d, long *seen, const char *what, const char *unit)
{
    if (++*seen <= d->search_max)
        return 0;
    fprintf(stderr, "forkcast: dynamodb: %s stopped after %d %s (Store.DynamoDB.SearchMaxItems)\n",
            what, d->search_max, unit);
    return 1;
}

void dynamo_consistent(struct fc_dynamo *d, json_object *req)
{
    if (d->consistent)
        json_object_object_add(req, "ConsistentRead", json_object_new_boolean(1));
}

json_object *dynamo_query_prefix(struct fc_dynamo *d, const char *index, const char *pk,
                                 const char *prefix)
{
    json_object *req = dynamo_req(d);
    char cond[128] = "#pk = :pk";
    if (prefix)
        snprintf(cond, sizeof cond, "#pk = :pk AND begins_with(#%s, :pre)", index ? index : "sk");
    if (index)
        json_object_object_add(req, "IndexName", json_object_new_string(index));
    dynamo_expr(req, "KeyConditionExpression", cond);
    dynamo_val(req, ":pk", dynamo_s(pk));
    if (prefix)
        dynamo_val(req, ":pre", dynamo_s(prefix));
    dynamo_consistent(d, req);
    return req;
}

void dynamo_newest(json_object *req, int max)
{
    json_object_object_add(req, "ScanIndexForward", json_object_new_boolean(0));
    json_object_object_add(req, "Limit", json_object_new_int(max));
}

static int del_each(void *ctx, json_object *it)
{
    return dynamo_writer_del(ctx, dynamo_get_s(it, "pk"), dynamo_get_s(it, "sk"));
}

int dynamo_delete_found(struct fc_dynamo *d, const char *op, json_object *req)
{
    struct dynamo_writer w;
    int rc;
    dynamo_expr(req, "ProjectionExpression", "#pk, #sk");
    dynamo_writer_init(&w, d);
    rc = dynamo_each(d, op, req, 0, del_each, &w);
    if (rc == FC_OK)
        rc = dynamo_writer_flush(&w);
    dynamo_writer_free(&w);
    json_object_put(req);
    return rc;
}

/* ---- batched reads and writes ---------------------------------------------------------------- */

static void key_string(char *out, size_t n, const char *pk, const char *sk)
{
    snprintf(out, n, "%s\x1f%s", pk, sk);
}

void dynamo_keys_init(struct dynamo_keys *k)
{
    k->list = json_object_new_array();
    k->seen = json_object_new_object();
}

void dynamo_keys_add(struct dynamo_keys *k, const char *pk, const char *sk)
{
    char ks[1024];
    key_string(ks, sizeof ks, pk, sk);
    if (json_object_object_get_ex(k->seen, ks, NULL))
        return;
    json_object_object_add(k->seen, ks, NULL);
    json_object_array_add(k->list, dynamo_key(pk, sk));
}

void dynamo_keys_add_user(struct dynamo_keys *k, int64_t uid)
{
    char pk[32];
    dynamo_user_pk(pk, uid);
    dynamo_keys_add(k, pk, "PROFILE");
}

void dynamo_keys_free(struct dynamo_keys *k)
{
    json_object_put(k->list);
    json_object_put(k->seen);
    k->list = k->seen = NULL;
}

/* found[key of item] = item (borrows both; found keeps a reference of its own). */
static void found_add(json_object *found, json_object *item)
{
    char ks[1024];
    key_string(ks, sizeof ks, dynamo_get_s(item, "pk"), dynamo_get_s(item, "sk"));
    json_object_object_add(found, ks, json_object_get(item));
}

void dynamo_found_put(json_object *found, json_object *item)
{
    found_add(found, item);
    json_object_put(item);
}

json_object *dynamo_found(json_object *found, const char *pk, const char *sk)
{
    char ks[1024];
    json_object *it;
    key_string(ks, sizeof ks, pk, sk);
    return json_object_object_get_ex(found, ks, &it) ? it : NULL;
}

void dynamo_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

/* What round (from 0) of a batch call left unprocessed (left, borrowed; NULL or empty: nothing)
 * goes again: *again a new reference to it, after a backoff; FC_ERR (logged: "what
 * unprocessed") past 8 rounds. */
static int batch_again(const char *what, int round, json_object *left, json_object **again)
{
    if (!left || json_object_array_length(left) == 0)
        return FC_OK;
    if (round >= 8) {
        fprintf(stderr, "forkcast: dynamodb: %s unprocessed\n", what);
        return FC_ERR;
    }
    *again = json_object_get(left);
    dynamo_sleep_ms(25L << round);
    return FC_OK;
}

int dynamo_batch_get(struct fc_dynamo *d, struct dynamo_keys *k, const char *projection,
                     json_object **found)
{
    size_t total = json_object_array_length(k->list);
    int rc = FC_OK;
    char proj[2048];

    *found = json_object_new_object();
    if (projection)
        snprintf(proj, sizeof proj, "#pk, #sk, %s", projection);
    for (size_t off = 0; off < total && rc == FC_OK; off += 100) {
        json_object *keys = json_object_new_array();
        for (size_t i = off; i < total && i < off + 100; i++)
            json_object_array_add(keys, json_object_get(json_object_array_get_idx(k->list, i)));
        for (int round = 0; keys; round++) {
            json_object *req = json_object_new_object(), *ri = json_object_new_object();
            json_object *tr = json_object_new_object(), *resp = NULL, *x, *items;
            json_object_object_add(tr, "Keys", keys);
            keys = NULL;
            dynamo_consistent(d, tr);
            if (projection)
                dynamo_expr(tr, "ProjectionExpression", proj);
            json_object_object_add(ri, d->table, tr);
            json_object_object_add(req, "RequestItems", ri);
            rc = dynamo_call(d, "BatchGetItem", req, &resp);
            if (rc == FC_OK && json_object_object_get_ex(resp, "Responses", &x) &&
                (items = dynamo_get_array(x, d->table))) {
                size_t n = json_object_array_length(items);
                for (size_t i = 0; i < n; i++)
                    found_add(*found, json_object_array_get_idx(items, i));
            }
            if (rc == FC_OK && json_object_object_get_ex(resp, "UnprocessedKeys", &x) &&
                json_object_object_get_ex(x, d->table, &x))
                rc = batch_again("BatchGetItem left keys", round, dynamo_get_array(x, "Keys"),
                                 &keys);
            json_object_put(resp);
            json_object_put(req);
            if (rc)
                break;
        }
        json_object_put(keys);
    }
    if (rc) {
        json_object_put(*found);
        *found = NULL;
    }
    return rc;
}

void dynamo_writer_init(struct dynamo_writer *w, struct fc_dynamo *d)
{
    w->d = d;
    w->reqs = json_object_new_array();
    w->keys = json_object_new_object();
    w->puts = w->dels = 0;
    w->err = FC_OK;
}

int dynamo_writer_flush(struct dynamo_writer *w)
{
    json_object *reqs = w->reqs;
    int rc = FC_OK;
    size_t n = json_object_array_length(reqs);
    long puts = 0, dels = 0;

    if (w->err || !n)
        return w->err;
    for (size_t i = 0; i < n; i++) {
        if (json_object_object_get_ex(json_object_array_get_idx(reqs, i), "PutRequest", NULL))
            puts++;
        else
            dels++;
    }
    w->reqs = json_object_new_array();
    json_object_put(w->keys);
    w->keys = json_object_new_object();
    for (int round = 0; reqs; round++) {
        json_object *req = json_object_new_object(), *ri = json_object_new_object();
        json_object *resp = NULL, *x;
        json_object_object_add(ri, w->d->table, reqs);
        reqs = NULL;
        json_object_object_add(req, "RequestItems", ri);
        rc = dynamo_call(w->d, "BatchWriteItem", req, &resp);
        if (rc == FC_OK && json_object_object_get_ex(resp, "UnprocessedItems", &x))
            rc = batch_again("BatchWriteItem left items", round, dynamo_get_array(x, w->d->table),
                             &reqs);
        json_object_put(resp);
        json_object_put(req);
        if (rc)
            break;
    }
    json_object_put(reqs);
    if (rc == FC_OK) {
        w->puts += puts;
        w->dels += dels;
    }
    w->err = rc;
    return rc;
}

/* Queues the WriteRequest wr (takes it, also when it fails) for (pk, sk). */
static int writer_add(struct dynamo_writer *w, const char *pk, const char *sk, json_object *wr)
{
    char ks[1024];
    int rc = FC_OK;
    if (w->err) {
        json_object_put(wr);
        return w->err;
    }
    key_string(ks, sizeof ks, pk, sk);
    if (json_object_object_get_ex(w->keys, ks, NULL) && (rc = dynamo_writer_flush(w))) {
        json_object_put(wr);
        return rc;
    }
    json_object_object_add(w->keys, ks, NULL);
    json_object_array_add(w->reqs, wr);
    if (json_object_array_length(w->reqs) >= 25)
        rc = dynamo_writer_flush(w);
    return rc;
}

int dynamo_writer_put(struct dynamo_writer *w, json_object *item)
{
    json_object *wr = json_object_new_object(), *pr = json_object_new_object();
    char pk[1024], sk[1024];
    fc_strlcpy(pk, dynamo_get_s(item, "pk"), sizeof pk);
    fc_strlcpy(sk, dynamo_get_s(item, "sk"), sizeof sk);
    json_object_object_add(pr, "Item", item);
    json_object_object_add(wr, "PutRequest", pr);
    return writer_add(w, pk, sk, wr);
}

int dynamo_writer_del(struct dynamo_writer *w, const char *pk, const char *sk)
{
    json_object *wr = json_object_new_object(), *dr = json_object_new_object();
    json_object_object_add(dr, "Key", dynamo_key(pk, sk));
    json_object_object_add(wr, "DeleteRequest", dr);
    return writer_add(w, pk, sk, wr);
}

void dynamo_writer_free(struct dynamo_writer *w)
{
    json_object_put(w->reqs);
    json_object_put(w->keys);
    w->reqs = w->keys = NULL;
}

/* ---- counters -------------------------------------------------------------------------------- */

int dynamo_next_id(struct fc_dynamo *d, const char *counter, int64_t *id)
{
    json_object *req = dynamo_req(d), *resp = NULL, *a;
    char pk[96];
    int rc;
    snprintf(pk, sizeof pk, "SEQ#%s", counter);
    json_object_object_add(req, "Key", dynamo_key(pk, "SEQ"));
    dynamo_expr(req, "UpdateExpression", "ADD #v :one");
    dynamo_val(req, ":one", dynamo_n(1));
    json_object_object_add(req, "ReturnValues", json_object_new_string("UPDATED_NEW"));
    rc = dynamo_call(d, "UpdateItem", req, &resp);
    if (rc == FC_OK) {
        if (json_object_object_get_ex(resp, "Attributes", &a) && dynamo_get_n(a, "v") > 0)
            *id = dynamo_get_n(a, "v");
        else
            rc = FC_ERR;
    } else if (rc != FC_ERR) {
        rc = FC_ERR;
    }
    json_object_put(resp);
    json_object_put(req);
    return rc;
}

int dynamo_raise_id(struct fc_dynamo *d, const char *counter, int64_t v)
{
    json_object *req = dynamo_req(d);
    char pk[96];
    int rc;
    snprintf(pk, sizeof pk, "SEQ#%s", counter);
    json_object_object_add(req, "Key", dynamo_key(pk, "SEQ"));
    dynamo_expr(req, "UpdateExpression", "SET #v = :v");
    dynamo_expr(req, "ConditionExpression", "attribute_not_exists(#v) OR #v < :v");
    dynamo_val(req, ":v", dynamo_n(v));
    rc = dynamo_call(d, "UpdateItem", req, NULL);
    json_object_put(req);
    return rc == DYNAMO_COND ? FC_OK : rc;
}

int dynamo_bump(struct fc_dynamo *d)
{
    json_object *req;
    int rc;
    if (d->batch) {
        d->bump_pending = 1;
        return FC_OK;
    }
    req = dynamo_req(d);
    json_object_object_add(req, "Key", dynamo_key("META", "RECVER"));
    dynamo_expr(req, "UpdateExpression", "ADD #v :one");
    dynamo_val(req, ":one", dynamo_n(1));
    rc = dynamo_call(d, "UpdateItem", req, NULL);
    json_object_put(req);
    if (rc)
        fprintf(stderr, "forkcast: dynamodb: the recommender will see this change late\n");
    return FC_OK;
}

/* ---- small helpers --------------------------------------------------------------------------- */

void dynamo_lower(char *dst, size_t n, const char *src)
{
    size_t i = 0;
    if (!n)
        return;
    for (; src[i] && i + 1 < n; i++)
        dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] + 32) : src[i];
    dst[i] = '\0';
}

int dynamo_icontains(const char *hay, const char *needle)
{
    size_t nl = strlen(needle);
    if (!nl)
        return 1;
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < nl && hay[i]) {
            char c = hay[i];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            if (c != needle[i])
                break;
            i++;
        }
        if (i == nl)
            return 1;
    }
    return 0;
}

void dynamo_rand_hex(char out[17])
{
    unsigned char r[8];
    if (fc_random(r, sizeof r)) {
        static unsigned long long n;
        unsigned long long v = (unsigned long long)time(NULL) ^ (++n * 0x9e3779b97f4a7c15ULL);
        memcpy(r, &v, sizeof r);
    }
    fc_hex(out, r, sizeof r);
}

void dynamo_user_pk(char out[32], int64_t id)
{
    snprintf(out, 32, "U#%" PRId64, id);
}

void dynamo_rest_pk(char out[32], int64_t id)
{
    snprintf(out, 32, "RST#%" PRId64, id);
}

int dynamo_put(struct fc_dynamo *d, json_object *item, const char *condition)
{
    json_object *req = dynamo_req(d);
    int rc;
    json_object_object_add(req, "Item", item);
    if (condition)
        dynamo_expr(req, "ConditionExpression", condition);
    rc = dynamo_call(d, "PutItem", req, NULL);
    json_object_put(req);
    return rc;
}

int dynamo_get(struct fc_dynamo *d, const char *pk, const char *sk, const char *projection,
               json_object **item)
{
    json_object *req = dynamo_req(d), *resp = NULL, *it;
    int rc;
    *item = NULL;
    json_object_object_add(req, "Key", dynamo_key(pk, sk));
    dynamo_consistent(d, req);
    if (projection)
        dynamo_expr(req, "ProjectionExpression", projection);
    rc = dynamo_call(d, "GetItem", req, &resp);
    if (rc == FC_OK) {
        if (json_object_object_get_ex(resp, "Item", &it))
            *item = json_object_get(it);
        else
            rc = FC_NOTFOUND;
    } else {
        rc = FC_ERR;
    }
    json_object_put(resp);
    json_object_put(req);
    return rc;
}

/* ---- users ----------------------------------------------------------------------------------- */

/* A user's plain attributes (the profile item's; bio and cuisines are heap strings, visibility
 * has a default and saves_private is a flag: by hand). */
#define USER_FIELD(kind, member) DYNAMO_FIELD(kind, struct fc_user, member, #member)
static const struct dynamo_field user_fields[] = {
    USER_FIELD('n', id),           USER_FIELD('s', username), USER_FIELD('s', email),
    USER_FIELD('s', pw_hash),      USER_FIELD('s', ext_id),   USER_FIELD('s', auth_id),
    USER_FIELD('s', display_name), USER_FIELD('s', city),     USER_FIELD('s', price),
    USER_FIELD('n', is_admin),     USER_FIELD('n', disabled), USER_FIELD('n', created_at)};

int dynamo_item_user(json_object *it, struct fc_user *u)
{
    dynamo_record_get(it, u, sizeof *u, user_fields, FC_ARRAY_LEN(user_fields));
    dynamo_copy_s(it, "visibility", u->visibility, sizeof u->visibility);
    u->saves_private = dynamo_get_n(it, "saves_private") != 0;
    if (fc_user_set_bio(u, dynamo_get_s(it, "bio")) ||
        fc_user_set_cuisines(u, dynamo_get_s(it, "cuisines"))) {
        fc_user_clear(u);
        return FC_ERR;
    }
    return FC_OK;
}

/* The users index's sort key: display name, then id (people lists' order). */
static void user_sort_key(char *out, size_t n, const char *display_name, int64_t id)
{
    snprintf(out, n, "%s\x01" DYNAMO_ID_FMT, display_name, (long long)id);
}

json_object *dynamo_item_new(const char *pk, const char *sk, const char *type)
{
    json_object *it = json_object_new_object();
    dynamo_set(it, "pk", dynamo_s(pk));
    dynamo_set(it, "sk", dynamo_s(sk));
    dynamo_set(it, "type", dynamo_s(type));
    return it;
}

void dynamo_fields_set(json_object *item, const void *rec, const struct dynamo_field *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *p = (const char *)rec + f[i].off;
        int64_t v;
        int iv;
        if (f[i].kind == 's') {
            dynamo_set(item, f[i].name, dynamo_s(p));
            continue;
        }
        if (f[i].size == sizeof v) {
            memcpy(&v, p, sizeof v);
        } else {
            memcpy(&iv, p, sizeof iv);
            v = iv;
        }
        dynamo_set(item, f[i].name, dynamo_n(v));
    }
}

json_object *dynamo_item_of(const char *pk, const char *sk, const char *type, const void *rec,
                            const struct dynamo_field *f, size_t n)
{
    json_object *it = dynamo_item_new(pk, sk, type);
    dynamo_fields_set(it, rec, f, n);
    return it;
}

void dynamo_fields_get(json_object *item, void *rec, const struct dynamo_field *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *p = (char *)rec + f[i].off;
        int64_t v;
        int iv;
        if (f[i].kind == 's') {
            dynamo_copy_s(item, f[i].name, p, f[i].size);
            continue;
        }
        v = dynamo_get_n(item, f[i].name);
        if (f[i].size == sizeof v) {
            memcpy(p, &v, sizeof v);
        } else {
            iv = (int)v;
            memcpy(p, &iv, sizeof iv);
        }
    }
}

void dynamo_record_get(json_object *item, void *rec, size_t size, const struct dynamo_field *f,
                       size_t n)
{
    memset(rec, 0, size);
    dynamo_fields_get(item, rec, f, n);
}

int dynamo_get_fields(struct fc_dynamo *d, const char *pk, const char *sk,
                      const struct dynamo_field *f, size_t nf, void *rec, size_t size)
{
    json_object *it;
    int rc = dynamo_get(d, pk, sk, NULL, &it);
    if (rc == FC_OK) {
        dynamo_record_get(it, rec, size, f, nf);
    }
    json_object_put(it);
    return rc;
}

struct rows_ctx {
    const struct dynamo_field *f;
    size_t nf, elem;
    char *out;
    int n, max;
};

static int rows_each(void *ctx, json_object *it)
{
    struct rows_ctx *c = ctx;
    char *rec = c->out + (size_t)c->n++ * c->elem;
    dynamo_record_get(it, rec, c->elem, c->f, c->nf);
    return c->n >= c->max ? 1 : 0;
}

int dynamo_rows(struct fc_dynamo *d, const char *op, json_object *req, const struct dynamo_field *f,
                size_t nf, void *out, size_t elem, int max, int *n)
{
    struct rows_ctx c = {f, nf, elem, out, 0, max};
    int rc = max > 0 ? dynamo_each(d, op, req, 0, rows_each, &c) : FC_OK;
    json_object_put(req);
    *n = rc == FC_OK ? c.n : 0;
    return rc;
}

json_object *dynamo_user_item(const struct fc_user *u)
{
    json_object *it;
    char pk[32], sk2[600];
    dynamo_user_pk(pk, u->id);
    it = dynamo_item_of(pk, "PROFILE", "user", u, user_fields, FC_ARRAY_LEN(user_fields));
    dynamo_set(it, "bio", dynamo_s(u->bio));
    dynamo_set(it, "cuisines", dynamo_s(u->cuisines));
    dynamo_set(it, "visibility", dynamo_s(u->visibility[0] ? u->visibility : "public"));
    dynamo_set(it, "saves_private", dynamo_n(u->saves_private != 0));
    dynamo_set(it, "gsi2pk", dynamo_s("USERS"));
    user_sort_key(sk2, sizeof sk2, u->display_name, u->id);
    dynamo_set(it, "gsi2sk", dynamo_s(sk2));
    return it;
}

void dynamo_tx_unique(struct fc_dynamo *d, json_object *items, const char *pk, const char *attr,
                      int64_t id)
{
    json_object *a = dynamo_tx_add(d, items, "Put"), *it = json_object_new_object();
    dynamo_set(it, "pk", dynamo_s(pk));
    dynamo_set(it, "sk", dynamo_s("UNIQUE"));
    dynamo_set(it, attr, dynamo_n(id));
    json_object_object_add(a, "Item", it);
    dynamo_expr(a, "ConditionExpression", "attribute_not_exists(#pk)");
}

static int d_user_create(struct fc_store *s, struct fc_user *u)
{
    struct fc_dynamo *d = D(s);
    json_object *items = NULL, *a;
    char key[400], low[300];
    int64_t id, created = u->created_at ? u->created_at : fc_now();
    int64_t old_created = u->created_at, old_id = u->id;
    int rc;

    if ((rc = dynamo_next_id(d, "user", &id)))
        return rc;
    items = json_object_new_array();
    dynamo_lower(low, sizeof low, u->username);
    snprintf(key, sizeof key, "UNAME#%s", low);
    dynamo_tx_unique(d, items, key, "uid", id);
    dynamo_lower(low, sizeof low, u->email);
    snprintf(key, sizeof key, "EMAIL#%s", low);
    dynamo_tx_unique(d, items, key, "uid", id);
    if (u->ext_id[0]) {
        snprintf(key, sizeof key, "UEXT#%s", u->ext_id);
        dynamo_tx_unique(d, items, key, "uid", id);
    }
    if (u->auth_id[0]) {
        snprintf(key, sizeof key, "UEXT#%s", u->auth_id);
        dynamo_tx_unique(d, items, key, "uid", id);
    }
    u->id = id;
    u->created_at = created;
    a = dynamo_tx_add(d, items, "Put");
    json_object_object_add(a, "Item", dynamo_user_item(u));
    dynamo_expr(a, "ConditionExpression", "attribute_not_exists(#pk)");
    rc = dynamo_transact(d, items);
    json_object_put(items);
    if (rc == DYNAMO_CANCEL)
        rc = FC_EXISTS;
    if (rc) {
        u->id = old_id;
        u->created_at = old_created;
        return rc;
    }
    dynamo_bump(d);
    return FC_OK;
}

static int user_by_id(struct fc_dynamo *d, int64_t id, struct fc_user *out)
{
    json_object *it;
    char pk[32];
    int rc;
    dynamo_user_pk(pk, id);
    rc = dynamo_get(d, pk, "PROFILE", DYNAMO_USER_PROJ, &it);
    if (rc == FC_OK)
        rc = dynamo_item_user(it, out);
    else
        memset(out, 0, sizeof *out); /* nothing to free */
    json_object_put(it);
    return rc;
}

static int d_user_get(struct fc_store *s, int64_t id, struct fc_user *out)
{
    return user_by_id(D(s), id, out);
}

/* Follows a uniqueness item (UNAME#, UEXT#) to its user. */
static int user_by_unique(struct fc_dynamo *d, const char *pk, struct fc_user *out)
{
    json_object *it;
    int64_t uid;
    int rc = dynamo_get(d, pk, "UNIQUE", "#uid", &it);
    if (rc) {
        memset(out, 0, sizeof *out); /* nothing to free */
        return rc;
    }
    uid = dynamo_get_n(it, "uid");
    json_object_put(it);
    return user_by_id(d, uid, out);
}

static int d_user_by_name(struct fc_store *s, const char *name, struct fc_user *out)
{
    char low[300], pk[320];
    dynamo_lower(low, sizeof low, name);
    snprintf(pk, sizeof pk, "UNAME#%s", low);
    return user_by_unique(D(s), pk, out);
}

static int d_user_by_ext(struct fc_store *s, const char *ext, struct fc_user *out)
{
    char pk[320];
    if (!ext || !*ext) {
        memset(out, 0, sizeof *out);
        return FC_NOTFOUND;
    }
    snprintf(pk, sizeof pk, "UEXT#%s", ext);
    return user_by_unique(D(s), pk, out);
}

static int d_user_by_email(struct fc_store *s, const char *email, struct fc_user *out)
{
    char low[300], pk[320];
    dynamo_lower(low, sizeof low, email);
    snprintf(pk, sizeof pk, "EMAIL#%s", low);
    return user_by_unique(D(s), pk, out);
}

/* The uniqueness item of the identity (shared with ext_id's, so user_by_ext finds both) and
 * the profile's auth_id, in one transaction that fails when either is taken. */
static int d_user_link_auth(struct fc_store *s, int64_t id, const char *auth_id)
{
    struct fc_dynamo *d = D(s);
    json_object *items = json_object_new_array(), *a;
    char key[400], pk[32];
    int rc;

    snprintf(key, sizeof key, "UEXT#%s", auth_id);
    dynamo_tx_unique(d, items, key, "uid", id);
    a = dynamo_tx_add(d, items, "Update");
    dynamo_user_pk(pk, id);
    json_object_object_add(a, "Key", dynamo_key(pk, "PROFILE"));
    dynamo_expr(a, "UpdateExpression", "SET #auth_id = :auth");
    dynamo_expr(a, "ConditionExpression",
                "attribute_exists(#pk) AND (attribute_not_exists(#auth_id) OR #auth_id = :none)");
    dynamo_val(a, ":auth", dynamo_s(auth_id));
    dynamo_val(a, ":none", dynamo_s(""));
    rc = dynamo_transact(d, items);
    json_object_put(items);
    if (rc == DYNAMO_CANCEL)
        rc = FC_EXISTS;
    if (rc == FC_OK)
        dynamo_bump(d);
    return rc;
}

/* UpdateItem on an existing profile; a missing user changes nothing (like SQL's UPDATE). */
static int update_profile_item(struct fc_dynamo *d, json_object *req, int64_t id)
{
    char pk[32];
    int rc;
    dynamo_user_pk(pk, id);
    json_object_object_add(req, "Key", dynamo_key(pk, "PROFILE"));
    dynamo_expr(req, "ConditionExpression", "attribute_exists(#pk)");
    rc = dynamo_call(d, "UpdateItem", req, NULL);
    json_object_put(req);
    return rc == DYNAMO_COND ? FC_OK : rc;
}

static int d_user_update_profile(struct fc_store *s, const struct fc_user *u)
{
    struct fc_dynamo *d = D(s);
    json_object *req = dynamo_req(d);
    char sk2[600];
    int rc;
    dynamo_expr(req, "UpdateExpression",
                "SET #display_name = :dn, #bio = :bio, #city = :city, "
                "#cuisines = :cu, #price = :price, #visibility = :vis, #saves_private = :sp, "
                "#gsi2sk = :g2");
    dynamo_val(req, ":dn", dynamo_s(u->display_name));
    dynamo_val(req, ":bio", dynamo_s(u->bio));
    dynamo_val(req, ":city", dynamo_s(u->city));
    dynamo_val(req, ":cu", dynamo_s(u->cuisines));
    dynamo_val(req, ":price", dynamo_s(u->price));
    dynamo_val(req, ":vis", dynamo_s(u->visibility));
    dynamo_val(req, ":sp", dynamo_n(u->saves_private != 0));
    user_sort_key(sk2, sizeof sk2, u->display_name, u->id);
    dynamo_val(req, ":g2", dynamo_s(sk2));
    rc = update_profile_item(d, req, u->id);
    if (rc == FC_OK)
        dynamo_bump(d);
    return rc;
}

static int d_user_set_password(struct fc_store *s, int64_t id, const char *hash)
{
    struct fc_dynamo *d = D(s);
    json_object *req = dynamo_req(d);
    dynamo_expr(req, "UpdateExpression", "SET #pw_hash = :h");
    dynamo_val(req, ":h", dynamo_s(hash));
    return update_profile_item(d, req, id);
}

static int d_user_set_flags(struct fc_store *s, int64_t id, int is_admin, int disabled)
{
    struct fc_dynamo *d = D(s);
    json_object *req = dynamo_req(d);
    int rc;
    dynamo_expr(req, "UpdateExpression", "SET #is_admin = :a, #disabled = :d");
    dynamo_val(req, ":a", dynamo_n(is_admin));
    dynamo_val(req, ":d", dynamo_n(disabled));
    rc = update_profile_item(d, req, id);
    if (rc == FC_OK)
        dynamo_bump(d);
    return rc;
}

/* ---- sessions -------------------------------------------------------------------------------- */

/* When DynamoDB may delete a session: its idle or absolute end, whichever comes first (the
 * session layer checks both on every request as well). */
static int64_t session_ttl(struct fc_dynamo *d, int64_t created, int64_t last_seen)
{
    int64_t a = created + d->max_age, b = last_seen + d->idle_timeout;
    return a < b ? a : b;
}

void dynamo_session_pk(char out[160], const char *hash)
{
    snprintf(out, 160, "S#%s", hash);
}

int dynamo_session_get(struct fc_dynamo *d, const char *hash, const char *projection,
                       json_object **item)
{
    char pk[160];
    dynamo_session_pk(pk, hash);
    return dynamo_get(d, pk, "SESSION", projection, item);
}

json_object *dynamo_session_req(struct fc_dynamo *d, const char *hash)
{
    json_object *req = dynamo_req(d);
    char pk[160];
    dynamo_session_pk(pk, hash);
    json_object_object_add(req, "Key", dynamo_key(pk, "SESSION"));
    return req;
}

json_object *dynamo_session_item(struct fc_dynamo *d, const char *hash, int64_t uid,
                                 int64_t created, int64_t last_seen)
{
    json_object *it;
    char pk[160], g1[48];
    dynamo_session_pk(pk, hash);
    snprintf(g1, sizeof g1, "USESS#%" PRId64, uid);
    it = dynamo_item_new(pk, "SESSION", "session");
    dynamo_set(it, "user_id", dynamo_n(uid));
    dynamo_set(it, "created_at", dynamo_n(created));
    dynamo_set(it, "last_seen", dynamo_n(last_seen));
    dynamo_set(it, "ttl", dynamo_n(session_ttl(d, created, last_seen)));
    dynamo_set(it, "gsi1pk", dynamo_s(g1));
    dynamo_set(it, "gsi1sk", dynamo_s(hash));
    return it;
}

/* The site's key: item (SITE, SECRET) {value: 64 hex digits}, put only when absent, then read
 * back with a consistent read, so every host ends up with the first host's key. */
static int d_site_secret(struct fc_store *s, const unsigned char candidate[32],
                         unsigned char out[32])
{
    struct fc_dynamo *d = D(s);
    json_object *req, *it = dynamo_item_new("SITE", "SECRET", "site_secret");
    json_object *resp = NULL, *item;
    char hex[65];
    const char *v;
    int rc;

    fc_hex(hex, candidate, 32);
    dynamo_set(it, "value", dynamo_s(hex));
    rc = dynamo_put(d, it, "attribute_not_exists(#pk)");
    OPENSSL_cleanse(hex, sizeof hex);
    if (rc != FC_OK && rc != DYNAMO_COND)
        return FC_ERR;
    req = dynamo_req(d);
    json_object_object_add(req, "Key", dynamo_key("SITE", "SECRET"));
    json_object_object_add(req, "ConsistentRead", json_object_new_boolean(1));
    rc = dynamo_call(d, "GetItem", req, &resp);
    json_object_put(req);
    if (rc != FC_OK || !json_object_object_get_ex(resp, "Item", &item) ||
        !(v = dynamo_get_s(item, "value")) || fc_unhex(out, 32, v) != 32) {
        fprintf(stderr, "forkcast: the site's key in DynamoDB (SITE/SECRET) cannot be read\n");
        rc = FC_ERR;
    }
    json_object_put(resp);
    return rc;
}

static int d_session_create(struct fc_store *s, const char *hash, int64_t uid, int64_t now)
{
    struct fc_dynamo *d = D(s);
    int rc =
        dynamo_put(d, dynamo_session_item(d, hash, uid, now, now), "attribute_not_exists(#pk)");
    return rc == DYNAMO_COND ? FC_EXISTS : rc;
}

static int d_session_get(struct fc_store *s, const char *hash, int64_t *uid, int64_t *created,
                         int64_t *last_seen)
{
    json_object *it;
    int rc = dynamo_session_get(D(s), hash, "#user_id, #created_at, #last_seen", &it);
    if (rc == FC_OK) {
        *uid = dynamo_get_n(it, "user_id");
        *created = dynamo_get_n(it, "created_at");
        *last_seen = dynamo_get_n(it, "last_seen");
    }
    json_object_put(it);
    return rc;
}

static int d_session_touch(struct fc_store *s, const char *hash, int64_t now)
{
    struct fc_dynamo *d = D(s);
    json_object *req = NULL, *it;
    /* the TTL depends on the creation time: read it (a touch happens at most once a minute) */
    int rc = dynamo_session_get(d, hash, "#created_at", &it);
    if (rc == FC_OK) {
        req = dynamo_session_req(d, hash);
        dynamo_expr(req, "UpdateExpression", "SET #last_seen = :now, #ttl = :ttl");
        dynamo_expr(req, "ConditionExpression", "attribute_exists(#pk)");
        dynamo_val(req, ":now", dynamo_n(now));
        dynamo_val(req, ":ttl", dynamo_n(session_ttl(d, dynamo_get_n(it, "created_at"), now)));
        rc = dynamo_call(d, "UpdateItem", req, NULL);
    }
    json_object_put(it);
    json_object_put(req);
    return rc == DYNAMO_COND || rc == FC_NOTFOUND ? FC_OK : rc;
}

static int d_session_delete(struct fc_store *s, const char *hash)
{
    struct fc_dynamo *d = D(s);
    json_object *req = dynamo_session_req(d, hash);
    int rc = dynamo_call(d, "DeleteItem", req, NULL);
    json_object_put(req);
    return rc;
}

/* ---- log-in failures ------------------------------------------------------------------------- */

json_object *dynamo_failure_item(const char *key, int64_t now)
{
    json_object *it;
    char pk[400], sk[64], rnd[17];
    snprintf(pk, sizeof pk, "FAIL#%s", key);
    dynamo_rand_hex(rnd);
    snprintf(sk, sizeof sk, DYNAMO_TIME_FMT "#%s", (long long)(now > 0 ? now : 0), rnd);
    it = dynamo_item_new(pk, sk, "failure");
    dynamo_set(it, "key", dynamo_s(key));
    dynamo_set(it, "at", dynamo_n(now));
    /* failures older than a day are of no use to any window: DynamoDB deletes them */
    dynamo_set(it, "ttl", dynamo_n(now + 86400));
    return it;
}

static int d_fail_record(struct fc_store *s, const char *key, int64_t now)
{
    return dynamo_put(D(s), dynamo_failure_item(key, now), NULL);
}

static int d_fail_count(struct fc_store *s, const char *key, int64_t since, int *count)
{
    struct fc_dynamo *d = D(s);
    json_object *req = dynamo_req(d);
    char pk[400], from[32];
    int rc;
    snprintf(pk, sizeof pk, "FAIL#%s", key);
    snprintf(from, sizeof from, DYNAMO_TIME_FMT, (long long)(since > 0 ? since : 0));
    dynamo_expr(req, "KeyConditionExpression", "#pk = :pk AND #sk >= :from");
    dynamo_val(req, ":pk", dynamo_s(pk));
    dynamo_val(req, ":from", dynamo_s(from));
    dynamo_consistent(d, req);
    rc = dynamo_count(d, req, count);
    json_object_put(req);
    return rc;
}

static int d_fail_clear(struct fc_store *s, const char *key)
{
    struct fc_dynamo *d = D(s);
    char pk[400];
    snprintf(pk, sizeof pk, "FAIL#%s", key);
    return dynamo_delete_found(d, "Query", dynamo_query_prefix(d, NULL, pk, NULL));
}

/* ---- restaurants ----------------------------------------------------------------------------- */

/* dynamo_get_s for fc_restaurant_set_texts. */
static const char *item_text(void *it, const char *name)
{
    return dynamo_get_s(it, name);
}

int dynamo_item_rest(json_object *it, struct fc_restaurant *r)
{
    int64_t count = dynamo_get_n(it, "review_count");
    memset(r, 0, sizeof *r);
    r->id = dynamo_get_n(it, "id");
    dynamo_copy_s(it, "ext_id", r->ext_id, sizeof r->ext_id);
    dynamo_copy_s(it, "state", r->state, sizeof r->state);
    dynamo_copy_s(it, "country", r->country, sizeof r->country);
    r->has_coords = dynamo_has(it, "lat") && dynamo_has(it, "lon");
    r->lat = dynamo_get_d(it, "lat");
    r->lon = dynamo_get_d(it, "lon");
    dynamo_copy_s(it, "price", r->price, sizeof r->price);
    dynamo_copy_s(it, "alcohol", r->alcohol, sizeof r->alcohol);
    dynamo_copy_s(it, "smoking", r->smoking, sizeof r->smoking);
    r->review_count = (int)count;
    r->avg_stars = count > 0 ? (double)dynamo_get_n(it, "stars_sum") / (double)count : 0.0;
    if (fc_restaurant_set_texts(r, item_text, it)) {
        fc_restaurant_clear(r);
        return FC_ERR;
    }
    return FC_OK;
}

/* The restaurant's cuisines as a string set (new; trimmed, no empties, no duplicates): NULL
 * when there is none. */
static json_object *cuisine_set(const char *cuisines)
{
    char *list = strdup(cuisines ? cuisines : ""), *save = NULL;
    json_object *arr = json_object_new_array(), *o = NULL;
    if (list) {
        for (char *c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
            int dup = 0;
            fc_trim(c);
            if (!*c)
                continue;
            for (size_t i = 0; i < json_object_array_length(arr); i++)
                if (strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), c) == 0)
                    dup = 1;
            if (!dup)
                json_object_array_add(arr, json_object_new_string(c));
        }
    }
    free(list);
    if (json_object_array_length(arr)) {
        o = json_object_new_object();
        json_object_object_add(o, "SS", arr);
    } else {
        json_object_put(arr);
    }
    return o;
}

json_object *dynamo_rest_item(const struct fc_restaurant *r, int64_t count, int64_t sum)
{
    json_object *it;
    char pk[32], low[512], g2[32];
    dynamo_rest_pk(pk, r->id);
    it = dynamo_item_new(pk, "RESTAURANT", "restaurant");
    dynamo_set(it, "id", dynamo_n(r->id));
    dynamo_set(it, "ext_id", dynamo_s(r->ext_id));
    dynamo_set(it, "name", dynamo_s(r->name));
    dynamo_lower(low, sizeof low, r->name ? r->name : "");
    dynamo_set(it, "lname", dynamo_s(low));
    dynamo_set(it, "address", dynamo_s(r->address));
    dynamo_set(it, "city", dynamo_s(r->city));
    dynamo_set(it, "state", dynamo_s(r->state));
    dynamo_set(it, "country", dynamo_s(r->country));
    if (r->has_coords) {
        dynamo_set(it, "lat", dynamo_d(r->lat));
        dynamo_set(it, "lon", dynamo_d(r->lon));
    }
    dynamo_set(it, "price", dynamo_s(r->price));
    dynamo_set(it, "cuisines", dynamo_s(r->cuisines));
    dynamo_set(it, "cuis", cuisine_set(r->cuisines));
    dynamo_set(it, "hours", dynamo_s(r->hours));
    dynamo_set(it, "alcohol", dynamo_s(r->alcohol));
    dynamo_set(it, "smoking", dynamo_s(r->smoking));
    dynamo_set(it, "url", dynamo_s(r->url));
    dynamo_set(it, "review_count", dynamo_n(count));
    dynamo_set(it, "stars_sum", dynamo_n(sum));
    dynamo_set(it, "gsi2pk", dynamo_s("RESTS"));
    snprintf(g2, sizeof g2, DYNAMO_ID_FMT, (long long)r->id);
    dynamo_set(it, "gsi2sk", dynamo_s(g2));
    return it;
}

/* Rewrites the descriptive attributes of an existing restaurant (not its rating totals). */
static int rest_update(struct fc_dynamo *d, const struct fc_restaurant *r)
{
    json_object *req = dynamo_req(d), *cs = cuisine_set(r->cuisines);
    char pk[32], low[512], expr[1024];
    int rc;
    dynamo_rest_pk(pk, r->id);
    json_object_object_add(req, "Key", dynamo_key(pk, "RESTAURANT"));
    /* what the restaurant no longer has is removed */
    snprintf(expr, sizeof expr,
             "SET #name = :name, #lname = :lname, #address = :address, #city = :city, "
             "#state = :state, #country = :country, #price = :price, #cuisines = :cuisines, "
             "#hours = :hours, #alcohol = :alcohol, #smoking = :smoking, #url = :url, "
             "#ext_id = :ext%s%s%s%s%s",
             r->has_coords ? ", #lat = :lat, #lon = :lon" : "", cs ? ", #cuis = :cuis" : "",
             r->has_coords && cs ? "" : " REMOVE ", r->has_coords ? "" : "#lat, #lon",
             cs ? "" : (r->has_coords ? "#cuis" : ", #cuis"));
    dynamo_expr(req, "UpdateExpression", expr);
    dynamo_expr(req, "ConditionExpression", "attribute_exists(#pk)");
    dynamo_val(req, ":name", dynamo_s(r->name));
    dynamo_lower(low, sizeof low, r->name ? r->name : "");
    dynamo_val(req, ":lname", dynamo_s(low));
    dynamo_val(req, ":address", dynamo_s(r->address));
    dynamo_val(req, ":city", dynamo_s(r->city));
    dynamo_val(req, ":state", dynamo_s(r->state));
    dynamo_val(req, ":country", dynamo_s(r->country));
    dynamo_val(req, ":price", dynamo_s(r->price));
    dynamo_val(req, ":cuisines", dynamo_s(r->cuisines));
    dynamo_val(req, ":hours", dynamo_s(r->hours));
    dynamo_val(req, ":alcohol", dynamo_s(r->alcohol));
    dynamo_val(req, ":smoking", dynamo_s(r->smoking));
    dynamo_val(req, ":url", dynamo_s(r->url));
    dynamo_val(req, ":ext", dynamo_s(r->ext_id));
    if (r->has_coords) {
        dynamo_val(req, ":lat", dynamo_d(r->lat));
        dynamo_val(req, ":lon", dynamo_d(r->lon));
    }
    if (cs)
        dynamo_val(req, ":cuis", cs);
    rc = dynamo_call(d, "UpdateItem", req, NULL);
    json_object_put(req);
    return rc == DYNAMO_COND ? FC_NOTFOUND : rc;
}

static int d_rest_upsert(struct fc_store *s, struct fc_restaurant *r)
{
    struct fc_dynamo *d = D(s);
    char pk[320];
    int rc = FC_ERR;
    snprintf(pk, sizeof pk, "REXT#%s", r->ext_id);
    for (int tries = 0; tries < 3; tries++) {
        json_object *it = NULL, *items, *a;
        int64_t id;
        rc = dynamo_get(d, pk, "UNIQUE", "#rid", &it);
        if (rc == FC_OK) {
            r->id = dynamo_get_n(it, "rid");
            json_object_put(it);
            if ((rc = rest_update(d, r)) != FC_NOTFOUND)
                break;
            /* the id item points nowhere (a half-made copy): make the restaurant again */
        } else if (rc != FC_NOTFOUND) {
            break;
        }
        if ((rc = dynamo_next_id(d, "restaurant", &id)))
            break;
        r->id = id;
        items = json_object_new_array();
        a = dynamo_tx_add(d, items, "Put");
        it = json_object_new_object();
        dynamo_set(it, "pk", dynamo_s(pk));
        dynamo_set(it, "sk", dynamo_s("UNIQUE"));
        dynamo_set(it, "rid", dynamo_n(id));
        json_object_object_add(a, "Item", it);
        if (tries == 0)
            dynamo_expr(a, "ConditionExpression", "attribute_not_exists(#pk)");
        a = dynamo_tx_add(d, items, "Put");
        json_object_object_add(a, "Item", dynamo_rest_item(r, 0, 0));
        dynamo_expr(a, "ConditionExpression", "attribute_not_exists(#pk)");
        rc = dynamo_transact(d, items);
        json_object_put(items);
        if (rc != DYNAMO_CANCEL)
            break;
        rc = FC_ERR; /* someone made it meanwhile: update theirs */
    }
    if (rc == FC_OK)
        dynamo_bump(d);
    dynamo_catalog_forget(d);
    return rc;
}

static int d_rest_get(struct fc_store *s, int64_t id, struct fc_restaurant *out)
{
    json_object *it;
    char pk[32];
    int rc;
    dynamo_rest_pk(pk, id);
    memset(out, 0, sizeof *out);
    rc = dynamo_get(D(s), pk, "RESTAURANT", NULL, &it);
    if (rc == FC_OK)
        rc = dynamo_item_rest(it, out);
    json_object_put(it);
    return rc;
}

static int d_rest_get_many(struct fc_store *s, const int64_t *ids, int n, struct fc_restaurant *out)
{
    struct dynamo_keys keys;
    json_object *found = NULL;
    int rc;
    dynamo_keys_init(&keys);
    for (int i = 0; i < n; i++) {
        char pk[32];
        memset(&out[i], 0, sizeof out[i]);
        dynamo_rest_pk(pk, ids[i]);
        dynamo_keys_add(&keys, pk, "RESTAURANT");
    }
    rc = n > 0 ? dynamo_batch_get(D(s), &keys, NULL, &found) : FC_OK;
    for (int i = 0; rc == FC_OK && i < n; i++) {
        char pk[32];
        json_object *it;
        dynamo_rest_pk(pk, ids[i]);
        if ((it = dynamo_found(found, pk, "RESTAURANT")))
            rc = dynamo_item_rest(it, &out[i]);
        else
            rc = fc_restaurant_fill(&out[i]); /* no restaurant: "" text */
    }
    json_object_put(found);
    dynamo_keys_free(&keys);
    if (rc)
        for (int i = 0; i < n; i++)
            fc_restaurant_clear(&out[i]);
    return rc;
}

/* One restaurant of the catalog index (gsi2: id, name, city, price, cuisines). */
struct cat_row {
    int64_t id;
    char *lname;
};

struct cat_ctx {
    struct fc_dynamo *d;
    const struct fc_rest_query *q;
    char text[512];
    struct cat_row *rows;
    size_t n, cap;
    long seen;
    json_object *cuisines, *cities; /* facets: name -> null */
    int facets_only;                /* rest_facets: no search */
};

static int cmp_cat(const void *a, const void *b)
{
    const struct cat_row *x = a, *y = b;
    int c = strcmp(x->lname, y->lname);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int set_has(json_object *it, const char *name, const char *value)
{
    json_object *v = attr(it, name, "SS");
    size_t n = v ? json_object_array_length(v) : 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(v, i)), value) == 0)
            return 1;
    return 0;
}

static int cat_each(void *ctx, json_object *it)
{
    struct cat_ctx *c = ctx;
    if (dynamo_search_over(c->d, &c->seen, "restaurant search", "items"))
        return 1;
    if (c->cuisines) {
        json_object *v = attr(it, "cuis", "SS");
        const char *city = dynamo_get_s(it, "city");
        size_t n = v ? json_object_array_length(v) : 0;
        for (size_t i = 0; i < n; i++)
            json_object_object_add(c->cuisines,
                                   json_object_get_string(json_object_array_get_idx(v, i)), NULL);
        if (*city)
            json_object_object_add(c->cities, city, NULL);
        if (c->facets_only)
            return 0;
    }
    if (c->text[0] && !strstr(dynamo_get_s(it, "lname"), c->text))
        return 0;
    if (c->q->cuisine && *c->q->cuisine && !set_has(it, "cuis", c->q->cuisine))
        return 0;
    if (c->q->price && *c->q->price && strcmp(dynamo_get_s(it, "price"), c->q->price))
        return 0;
    if (c->q->city && *c->q->city && strcmp(dynamo_get_s(it, "city"), c->q->city))
        return 0;
    if (fc_grow(&c->rows, &c->cap, c->n + 1, sizeof *c->rows, 256))
        return FC_ERR;
    c->rows[c->n].id = dynamo_get_n(it, "id");
    c->rows[c->n].lname = strdup(dynamo_get_s(it, "lname"));
    if (!c->rows[c->n].lname)
        return FC_ERR;
    c->n++;
    return 0;
}

/* Reads the whole restaurant catalog from the gsi2 index (small projected items). */
static int catalog(struct fc_dynamo *d, struct cat_ctx *c)
{
    json_object *req = dynamo_req(d);
    int rc;
    json_object_object_add(req, "IndexName", json_object_new_string("gsi2"));
    dynamo_expr(req, "KeyConditionExpression", "#gsi2pk = :p");
    dynamo_expr(req, "ProjectionExpression", DYNAMO_CATALOG_PROJ);
    dynamo_val(req, ":p", dynamo_s("RESTS"));
    rc = dynamo_catalog_each(d, req, cat_each, c); /* kept for a while: dynamodb_catalog.c */
    json_object_put(req);
    return rc;
}

/* The catalog's matches (c) whole, in another order or open at a time (dynamodb_discovery.c). */
static int sorted_search(struct fc_store *s, const struct cat_ctx *c, const struct fc_rest_query *q,
                         struct fc_restaurant **out, int *n, int *total)
{
    int64_t *ids = calloc(c->n ? c->n : 1, sizeof *ids);
    int rc = FC_ERR;
    if (ids) {
        for (size_t i = 0; i < c->n; i++)
            ids[i] = c->rows[i].id;
        rc = dynamo_rest_sorted(s, q, ids, c->n, out, n, total);
    }
    free(ids);
    return rc;
}

/* The mean of the coordinates of city's restaurants: the catalog, then those restaurants. */
static int d_rest_city_centre(struct fc_store *s, const char *city, double *lat, double *lon)
{
    struct fc_rest_query q = {.text = "", .cuisine = "", .price = "", .city = city};
    struct cat_ctx c;
    int64_t *ids = NULL;
    int rc;
    memset(&c, 0, sizeof c);
    c.d = D(s);
    c.q = &q;
    if ((rc = catalog(D(s), &c)))
        goto out;
    rc = FC_ERR;
    if (!(ids = calloc(c.n ? c.n : 1, sizeof *ids)))
        goto out;
    for (size_t i = 0; i < c.n; i++)
        ids[i] = c.rows[i].id;
    rc = dynamo_rest_centre_of(s, ids, c.n, lat, lon);
out:
    for (size_t i = 0; i < c.n; i++)
        free(c.rows[i].lname);
    free(c.rows);
    free(ids);
    return rc;
}

static int facet_out(json_object *set, struct fc_strlist *l);

static int d_rest_search(struct fc_store *s, const struct fc_rest_query *q,
                         struct fc_restaurant **out, int *n, int *total)
{
    struct fc_dynamo *d = D(s);
    struct cat_ctx c;
    struct fc_restaurant *rows = NULL;
    struct dynamo_keys keys;
    json_object *found = NULL;
    int rc, cnt = 0, limit = q->limit > 0 ? q->limit : 0;
    size_t off = q->offset > 0 ? (size_t)q->offset : 0;

    *out = NULL;
    *n = 0;
    memset(&c, 0, sizeof c);
    c.d = d;
    c.q = q;
    dynamo_lower(c.text, sizeof c.text, q->text ? q->text : "");
    dynamo_keys_init(&keys);
    if (q->facet_cuisines || q->facet_cities) { /* the list page's choices, from the same read */
        c.cuisines = json_object_new_object();
        c.cities = json_object_new_object();
    }
    if ((rc = catalog(d, &c)))
        goto out;
    if (c.cuisines && ((q->facet_cuisines && (rc = facet_out(c.cuisines, q->facet_cuisines))) ||
                       (q->facet_cities && (rc = facet_out(c.cities, q->facet_cities)))))
        goto out;
    if (q->sort != FC_SORT_NAME || q->open_at) {
        rc = sorted_search(s, &c, q, out, n, total);
        goto out;
    }
    if (c.n > 1)
        qsort(c.rows, c.n, sizeof *c.rows, cmp_cat);
    *total = (int)c.n;
    rows = calloc((size_t)(limit > 0 ? limit : 1), sizeof *rows);
    rc = FC_ERR;
    if (!rows)
        goto out;
    for (size_t i = off; i < c.n && i < off + (size_t)limit; i++) {
        char pk[32];
        dynamo_rest_pk(pk, c.rows[i].id);
        dynamo_keys_add(&keys, pk, "RESTAURANT");
    }
    if ((rc = dynamo_batch_get(d, &keys, NULL, &found)))
        goto out;
    for (size_t i = off; i < c.n && i < off + (size_t)limit; i++) {
        char pk[32];
        json_object *it;
        dynamo_rest_pk(pk, c.rows[i].id);
        if ((it = dynamo_found(found, pk, "RESTAURANT"))) {
            if ((rc = dynamo_item_rest(it, &rows[cnt])))
                goto out;
            cnt++;
        }
    }
    *out = rows;
    rows = NULL;
    *n = cnt;
out:
    for (size_t i = 0; i < c.n; i++)
        free(c.rows[i].lname);
    free(c.rows);
    fc_restaurants_free(rows, cnt);
    json_object_put(c.cuisines);
    json_object_put(c.cities);
    json_object_put(found);
    dynamo_keys_free(&keys);
    return rc;
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends the names of set (an object used as a set) to l, sorted. */
static int facet_out(json_object *set, struct fc_strlist *l)
{
    size_t n = (size_t)json_object_object_length(set), i = 0;
    const char **names = calloc(n ? n : 1, sizeof *names);
    int rc = FC_OK;
    if (!names)
        return FC_ERR;
    json_object_object_foreach(set, k, v)
    {
        (void)v;
        names[i++] = k;
    }
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_strp);
    for (i = 0; i < n && rc == FC_OK; i++)
        rc = fc_strlist_add(l, names[i]);
    free(names);
    return rc;
}

static int d_rest_facets(struct fc_store *s, struct fc_strlist *cuisines, struct fc_strlist *cities)
{
    struct fc_dynamo *d = D(s);
    struct cat_ctx c;
    int rc;
    memset(&c, 0, sizeof c);
    c.d = d;
    c.cuisines = json_object_new_object();
    c.cities = json_object_new_object();
    c.facets_only = 1;
    rc = catalog(d, &c);
    if (rc == FC_OK && cuisines)
        rc = facet_out(c.cuisines, cuisines);
    if (rc == FC_OK && cities)
        rc = facet_out(c.cities, cities);
    json_object_put(c.cuisines);
    json_object_put(c.cities);
    return rc;
}

/* ---- batches, opening, closing --------------------------------------------------------------- */

static int d_batch_begin(struct fc_store *s)
{
    D(s)->batch++;
    return FC_OK;
}

/* DynamoDB has no transaction spanning many calls: the writes of a batch are made as they
 * come and stay when it ends without commit (batch_undoes is 0: the caller says so; the
 * import is idempotent, so running it again completes it). A batch only defers the
 * recommender's version bump to its end. */
static int d_batch_end(struct fc_store *s, int commit)
{
    struct fc_dynamo *d = D(s);
    (void)commit;
    if (d->batch > 0)
        d->batch--;
    if (!d->batch && d->bump_pending) {
        d->bump_pending = 0;
        dynamo_bump(d);
    }
    return FC_OK;
}

static void d_close(struct fc_store *s)
{
    struct fc_dynamo *d = D(s);
    if (!d)
        return;
    dynamo_import_abort(d);
    dynamo_catalog_free(d);
    aws_client_free(d->c);
    free(d);
}

static const struct fc_store_ops dynamo_ops = {
    .name = "dynamodb",
    .close = d_close,
    .batch_begin = d_batch_begin,
    .batch_end = d_batch_end,
    .batch_undoes = 0,
    .user_create = d_user_create,
    .user_get = d_user_get,
    .user_by_name = d_user_by_name,
    .user_by_ext = d_user_by_ext,
    .user_by_email = d_user_by_email,
    .user_link_auth = d_user_link_auth,
    .user_update_profile = d_user_update_profile,
    .user_set_password = d_user_set_password,
    .user_set_flags = d_user_set_flags,
    .site_secret = d_site_secret,
    .session_create = d_session_create,
    .session_get = d_session_get,
    .session_touch = d_session_touch,
    .session_delete = d_session_delete,
    .fail_record = d_fail_record,
    .fail_count = d_fail_count,
    .fail_clear = d_fail_clear,
    .rest_upsert = d_rest_upsert,
    .rest_get = d_rest_get,
    .rest_get_many = d_rest_get_many,
    .rest_search = d_rest_search,
    .rest_facets = d_rest_facets,
    .review_put = dynamo_review_put,
    .review_count_user = dynamo_review_count_user,
    .review_get = dynamo_review_get,
    .review_get_by = dynamo_review_get_by,
    .review_delete = dynamo_review_delete,
    .reviews_of_restaurant = dynamo_reviews_of_restaurant,
    .reviews_by_user = dynamo_reviews_by_user,
    .reviews_with_photo = dynamo_reviews_with_photo,
    .friends_rating = dynamo_friends_rating,
    .relation = dynamo_relation,
    .relation_set = dynamo_relation_set,
    .people = dynamo_people,
    .people_search = dynamo_people_search,
    .mutual_count = dynamo_mutual_count,
    .save_put = dynamo_save_put,
    .save_delete = dynamo_save_delete,
    .save_exists = dynamo_save_exists,
    .saves_of_user = dynamo_saves_of_user,
    .event_add = dynamo_event_add,
    .event_count = dynamo_event_count,
    .feed = dynamo_feed,
    .friends_recommend = dynamo_friends_recommend,
    .rec_load = dynamo_rec_load,
    .rec_version = dynamo_rec_version,
    .user_search = dynamo_user_search,
    .session_delete_user = dynamo_session_delete_user,
    .metrics_add = dynamo_metrics_add,
    .metrics_query = dynamo_metrics_query,
    .metrics_counters = dynamo_metrics_counters,
    .metrics_prune = dynamo_metrics_prune,
    .store_health = dynamo_store_health,
    .job_enqueue = dynamo_job_enqueue,
    .job_get = dynamo_job_get,
    .job_by_key = dynamo_job_by_key,
    .job_claim = dynamo_job_claim,
    .job_update = dynamo_job_update,
    .job_list = dynamo_job_list,
    .job_next_due = dynamo_job_next_due,
    .job_prune = dynamo_job_prune,
    .instance_put = dynamo_instance_put,
    .instance_get = dynamo_instance_get,
    .instance_by_token = dynamo_instance_by_token,
    .instance_list = dynamo_instance_list,
    .instance_event_add = dynamo_instance_event_add,
    .instance_events = dynamo_instance_events,
    .session_tokens_put = dynamo_session_tokens_put,
    .session_tokens_get = dynamo_session_tokens_get,
    .export_rows = dynamo_export_rows,
    .import_row = dynamo_import_row,
    .wipe = dynamo_wipe,
    .rest_city_centre = d_rest_city_centre,
    .rest_star_counts = dynamo_rest_star_counts,
    .reviews_of_restaurant_from = dynamo_reviews_of_restaurant_from,
    .like_put = dynamo_like_put,
    .like_delete = dynamo_like_delete,
    .talk_counts = dynamo_talk_counts,
    .comment_add = dynamo_comment_add,
    .comment_get = dynamo_comment_get,
    .comment_delete = dynamo_comment_delete,
    .comments_of = dynamo_comments_of,
    .note_add = dynamo_note_add,
    .notes_list = dynamo_notes_list,
    .notes_unread = dynamo_notes_unread,
    .notes_mark_read = dynamo_notes_mark_read,
    .reset_create = dynamo_reset_create,
    .reset_take = dynamo_reset_take,
    .ratings_of_user = dynamo_ratings_of_user,
    .avatar_get = dynamo_avatar_get,
    .avatar_set = dynamo_avatar_set,
    .save_note_set = dynamo_save_note_set,
    .save_notes_of_user = dynamo_save_notes_of_user,
    .session_user_get = dynamo_session_user_get,
    .rest_view_get = dynamo_rest_view_get,
    .reviews_by_user_seen = dynamo_reviews_by_user_seen,
    .rest_page_get = dynamo_rest_page_get,
    .users_seen = dynamo_users_seen,
    .rest_places = dynamo_rest_places,
};

int fc_dynamo_open(HDF *cfg, struct fc_store **out)
{
    struct fc_dynamo *d = calloc(1, sizeof *d);
    const char *table;
    if (!d)
        return FC_ERR;
    d->base.ops = &dynamo_ops;
    table = aws_config_str(cfg, "Store.DynamoDB.Table", "forkcast");
    if (!table || !*table || strlen(table) >= sizeof d->table) {
        fprintf(stderr, "forkcast: Store.DynamoDB.Table must name a table\n");
        free(d);
        return FC_ERR;
    }
    fc_strlcpy(d->table, table, sizeof d->table);
    d->consistent = aws_config_int(cfg, "Store.DynamoDB.ConsistentRead", 1) != 0;
    d->search_max = aws_config_int(cfg, "Store.DynamoDB.SearchMaxItems", 50000);
    if (d->search_max < 1)
        d->search_max = 1;
    d->fanout_max = aws_config_int(cfg, "Store.DynamoDB.FanoutMax", 5000);
    d->reviews_per_page = aws_config_int(cfg, "Store.DynamoDB.ReviewsPerPage", 1000);
    if (d->reviews_per_page < 1)
        d->reviews_per_page = 1;
    d->max_pages = aws_config_int(cfg, "Store.DynamoDB.MaxPages", 10000);
    if (d->max_pages < 1)
        d->max_pages = 1;
    d->idle_timeout = cfg ? fc_config_int(cfg, "Session.IdleTimeout", 604800) : 604800;
    d->max_age = cfg ? fc_config_int(cfg, "Session.MaxAge", 2592000) : 2592000;
    if (aws_client_new(cfg, "dynamodb", &d->c) != AWS_OK) {
        fprintf(stderr, "forkcast: dynamodb: cannot make the AWS client (region or endpoint)\n");
        free(d);
        return FC_ERR;
    }
    d->catalog_seconds = aws_config_int(cfg, "Store.DynamoDB.CatalogSeconds", 60);
    if (dynamo_catalog_init(d)) {
        aws_client_free(d->c);
        free(d);
        return FC_ERR;
    }
    *out = &d->base;
    return FC_OK;
}
