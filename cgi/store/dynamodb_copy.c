/* store/dynamodb_copy: bulk copies of a DynamoDB store (forkcast dynamodb copy): the table's
 * items as rows of the SQLite schema's tables, rows written back as items (with the derived
 * items: uniqueness keys, review ids, photo items, relation sets, rating totals, feeds, id
 * counters), emptying the table, and rebuilding every feed or every photo item. */
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

/* ---- rows ------------------------------------------------------------------------------------ */

static const char *rs(json_object *row, const char *col)
{
    json_object *v;
    const char *s;
    if (!json_object_object_get_ex(row, col, &v) || !v)
        return "";
    s = json_object_get_string(v);
    return s ? s : "";
}

static int64_t rn(json_object *row, const char *col)
{
    json_object *v;
    return json_object_object_get_ex(row, col, &v) && v ? json_object_get_int64(v) : 0;
}

static double rd(json_object *row, const char *col)
{
    json_object *v;
    return json_object_object_get_ex(row, col, &v) && v ? json_object_get_double(v) : 0.0;
}

static int rnull(json_object *row, const char *col)
{
    json_object *v;
    return !json_object_object_get_ex(row, col, &v) || !v;
}

static void row_s(json_object *row, const char *col, const char *v)
{
    json_object_object_add(row, col, json_object_new_string(v ? v : ""));
}

static void row_n(json_object *row, const char *col, int64_t v)
{
    json_object_object_add(row, col, json_object_new_int64(v));
}

/* The item's attributes of the n names into row under the same names: strings (kind 's') or
 * numbers ('n'). */
static void row_copy(json_object *row, json_object *it, char kind, const char *const *names,
                     size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (kind == 's')
            row_s(row, names[i], dynamo_get_s(it, names[i]));
        else
            row_n(row, names[i], dynamo_get_n(it, names[i]));
    }
}

/* The item's string attribute col into row, SQL NULL when empty (a unique key it may lack). */
static void row_s_null(json_object *row, json_object *it, const char *col)
{
    const char *v = dynamo_get_s(it, col);
    json_object_object_add(row, col, *v ? json_object_new_string(v) : NULL);
}

/* ---- export ---------------------------------------------------------------------------------- */

struct exp_ctx {
    int (*emit)(void *ctx, const char *table, struct json_object *row);
    void *ctx;
    int stop; /* what emit returned when it stopped the export */
};

/* Emits row as a row of table (and puts it). */
static int out(struct exp_ctx *c, const char *table, json_object *row)
{
    int r = c->emit(c->ctx, table, row);
    json_object_put(row);
    if (r) {
        c->stop = r;
        return 1;
    }
    return 0;
}

static int user_row(struct exp_ctx *c, json_object *it)
{
    json_object *row = json_object_new_object();
    static const char *const text[] = {"username", "email",    "pw_hash", "display_name", "bio",
                                       "city",     "cuisines", "price",   "visibility"};
    static const char *const num[] = {"is_admin", "disabled", "created_at", "saves_private"};
    row_n(row, "id", dynamo_get_n(it, "id"));
    row_copy(row, it, 's', text, FC_ARRAY_LEN(text));
    row_s_null(row, it, "ext_id");
    row_s_null(row, it, "auth_id");
    row_copy(row, it, 'n', num, FC_ARRAY_LEN(num));
    return out(c, "users", row);
}

static int rest_row(struct exp_ctx *c, json_object *it)
{
    json_object *row = json_object_new_object();
    static const char *const text[] = {"name",    "address", "city",     "state",
                                       "country", "price",   "cuisines", "hours",
                                       "alcohol", "smoking", "url"};
    row_n(row, "id", dynamo_get_n(it, "id"));
    row_s_null(row, it, "ext_id");
    row_copy(row, it, 's', text, FC_ARRAY_LEN(text));
    if (dynamo_has(it, "lat") && dynamo_has(it, "lon")) {
        json_object_object_add(row, "lat", json_object_new_double(dynamo_get_d(it, "lat")));
        json_object_object_add(row, "lon", json_object_new_double(dynamo_get_d(it, "lon")));
    } else {
        json_object_object_add(row, "lat", NULL);
        json_object_object_add(row, "lon", NULL);
    }
    return out(c, "restaurants", row);
}

static int pair_row(struct exp_ctx *c, const char *table, const char *a, const char *b,
                    json_object *it)
{
    json_object *row = json_object_new_object();
    row_n(row, a, dynamo_get_n(it, "user_id"));
    row_n(row, b, dynamo_get_n(it, "other_id"));
    row_n(row, "created_at", dynamo_get_n(it, "created_at"));
    return out(c, table, row);
}

static int review_row(struct exp_ctx *c, json_object *it)
{
    json_object *row = json_object_new_object();
    static const char *const num[] = {"id",    "user_id",    "restaurant_id",
                                      "stars", "created_at", "updated_at"};
    static const char *const text[] = {"body", "photo", "visited"};
    row_copy(row, it, 'n', num, FC_ARRAY_LEN(num));
    row_copy(row, it, 's', text, FC_ARRAY_LEN(text));
    return out(c, "reviews", row);
}

static int event_row(struct exp_ctx *c, json_object *it)
{
    json_object *row = json_object_new_object();
    row_n(row, "user_id", dynamo_get_n(it, "user_id"));
    row_n(row, "restaurant_id", dynamo_get_n(it, "restaurant_id"));
    row_s(row, "type", dynamo_get_s(it, "event"));
    json_object_object_add(row, "value", json_object_new_double(dynamo_get_d(it, "value")));
    row_n(row, "created_at", dynamo_get_n(it, "created_at"));
    return out(c, "events", row);
}

static int session_rows(struct exp_ctx *c, json_object *it)
{
    json_object *row = json_object_new_object();
    const char *hash = dynamo_get_s(it, "pk") + 2;
    row_s(row, "token_hash", hash);
    row_n(row, "user_id", dynamo_get_n(it, "user_id"));
    row_n(row, "created_at", dynamo_get_n(it, "created_at"));
    row_n(row, "last_seen", dynamo_get_n(it, "last_seen"));
    if (out(c, "sessions", row))
        return 1;
    if (!dynamo_has(it, "sealed"))
        return 0;
    row = json_object_new_object();
    row_s(row, "token_hash", hash);
    row_s(row, "sealed", dynamo_get_s(it, "sealed"));
    row_n(row, "access_exp", dynamo_get_n(it, "access_exp"));
    row_n(row, "updated_at", dynamo_get_n(it, "tokens_updated_at"));
    return out(c, "session_tokens", row);
}

static int metric_row(struct exp_ctx *c, json_object *it, int counter)
{
    json_object *row = json_object_new_object();
    row_n(row, "minute", dynamo_get_n(it, "minute"));
    if (counter) {
        row_s(row, "name", dynamo_get_s(it, "name"));
        row_n(row, "n", dynamo_get_n(it, "n"));
        return out(c, "metrics_counters", row);
    }
    row_s(row, "route", dynamo_get_s(it, "route"));
    row_n(row, "status", dynamo_get_n(it, "status"));
    row_n(row, "count", dynamo_get_n(it, "count"));
    json_object_object_add(row, "sum_ms", json_object_new_double(dynamo_get_d(it, "sum_ms")));
    json_object_object_add(row, "max_ms", json_object_new_double(dynamo_get_d(it, "max_ms")));
    for (int b = 0; b < FC_METRIC_BUCKETS; b++) {
        char name[16];
        snprintf(name, sizeof name, "b%d", b);
        row_n(row, name, dynamo_get_n(it, name));
    }
    return out(c, "metrics_requests", row);
}

static int job_row(struct exp_ctx *c, json_object *it)
{
    json_object *row = json_object_new_object();
    static const char *const text[] = {"state", "payload", "progress", "message", "worker"};
    static const char *const num[] = {"id",         "attempts",   "max_attempts",
                                      "runs",       "run_at_ms",  "lease_until_ms",
                                      "created_at", "updated_at", "finished_at"};
    row_s(row, "type", dynamo_get_s(it, "job_type"));
    row_s_null(row, it, "dedupe_key");
    row_copy(row, it, 's', text, FC_ARRAY_LEN(text));
    row_copy(row, it, 'n', num, FC_ARRAY_LEN(num));
    return out(c, "jobs", row);
}

static int instance_row(struct exp_ctx *c, json_object *it)
{
    json_object *row = json_object_new_object();
    static const char *const text[] = {"instance_id", "name",         "image_id",   "instance_type",
                                       "state",       "public_ip",    "private_ip", "subnet_id",
                                       "launch_time", "client_token", "status",     "message"};
    static const char *const num[] = {"launched_by", "created_at", "updated_at"};
    row_copy(row, it, 's', text, FC_ARRAY_LEN(text));
    row_copy(row, it, 'n', num, FC_ARRAY_LEN(num));
    return out(c, "ec2_instances", row);
}

static int instance_event_row(struct exp_ctx *c, json_object *it)
{
    json_object *row = json_object_new_object();
    row_n(row, "id", dynamo_get_n(it, "id"));
    row_s(row, "instance_id", dynamo_get_s(it, "instance_id"));
    row_s(row, "state", dynamo_get_s(it, "state"));
    row_s(row, "detail", dynamo_get_s(it, "detail"));
    row_n(row, "at_ms", dynamo_get_n(it, "at_ms"));
    return out(c, "ec2_instance_events", row);
}

static int export_each(void *ctx, json_object *it)
{
    static const char *const save_cols[] = {"id", "user_id", "restaurant_id", "created_at"};
    struct exp_ctx *c = ctx;
    const char *pk = dynamo_get_s(it, "pk"), *sk = dynamo_get_s(it, "sk");

    if (strncmp(pk, "U#", 2) == 0) {
        if (strcmp(sk, "PROFILE") == 0)
            return user_row(c, it);
        if (strncmp(sk, "G#F#", 4) == 0)
            return pair_row(c, "friendships", "user_id", "friend_id", it);
        if (strncmp(sk, "G#RO#", 5) == 0)
            return pair_row(c, "friend_requests", "from_id", "to_id", it);
        if (strncmp(sk, "G#B#", 4) == 0)
            return pair_row(c, "blocks", "user_id", "blocked_id", it);
        if (strncmp(sk, "R#", 2) == 0)
            return review_row(c, it);
        if (strncmp(sk, "SV#", 3) == 0) { /* with its note (store/dynamodb_savenote.c) */
            json_object *row = json_object_new_object();
            for (size_t i = 0; i < FC_ARRAY_LEN(save_cols); i++)
                row_n(row, save_cols[i], dynamo_get_n(it, save_cols[i]));
            row_s(row, "note", dynamo_get_s(it, "note"));
            return out(c, "saves", row);
        }
        if (strcmp(sk, "AVATAR") == 0) { /* store/dynamodb_avatar.c */
            json_object *row = json_object_new_object();
            row_n(row, "user_id", dynamo_get_n(it, "user_id"));
            row_s(row, "photo", dynamo_get_s(it, "photo"));
            row_n(row, "updated_at", dynamo_get_n(it, "updated_at"));
            return out(c, "avatars", row);
        }
        return 0; /* G#RI#, G#BB#: the other side of a request or block */
    }
    if (strncmp(pk, "RST#", 4) == 0 && strcmp(sk, "RESTAURANT") == 0)
        return rest_row(c, it);
    if (strncmp(pk, "EV#", 3) == 0)
        return event_row(c, it);
    if (strncmp(pk, "S#", 2) == 0 && strcmp(sk, "SESSION") == 0)
        return session_rows(c, it);
    if (strncmp(pk, "FAIL#", 5) == 0) {
        json_object *row = json_object_new_object();
        row_s(row, "key", dynamo_get_s(it, "key"));
        row_n(row, "at", dynamo_get_n(it, "at"));
        return out(c, "login_failures", row);
    }
    if (strcmp(pk, "METRICS") == 0 && strlen(sk) > 13)
        return metric_row(c, it, sk[13] == 'C');
    if (strncmp(pk, "JOB#", 4) == 0 && strcmp(sk, "JOB") == 0)
        return job_row(c, it);
    if (strncmp(pk, "EC2#", 4) == 0)
        return strcmp(sk, "INSTANCE") == 0 ? instance_row(c, it) : instance_event_row(c, it);
    {
        json_object *row;
        const char *table = dynamo_talk_row(it, &row); /* likes, comments, notifications */
        if (table)
            return out(c, table, row);
    }
    return 0; /* derived: uniqueness keys, review ids, photo items, feeds, counters */
}

int dynamo_export_rows(struct fc_store *s,
                       int (*emit)(void *ctx, const char *table, struct json_object *row),
                       void *ctx)
{
    struct fc_dynamo *d = D(s);
    struct exp_ctx c = {emit, ctx, 0};
    json_object *req = dynamo_req(d);
    int rc;
    dynamo_expr(req, "FilterExpression", "NOT begins_with(#pk, :feed)");
    dynamo_val(req, ":feed", dynamo_s("FEED#"));
    dynamo_consistent(d, req);
    rc = dynamo_each(d, "Scan", req, 0, export_each, &c);
    json_object_put(req);
    return rc ? rc : c.stop;
}

/* ---- import ---------------------------------------------------------------------------------- */

/* What an import keeps until its end to write the derived items. */
enum { E_FRIEND, E_REQ_OUT, E_REQ_IN, E_BLOCKED, E_BLOCKED_BY, E__COUNT };
static const char *const SET_NAME[E__COUNT] = {"friends", "req_out", "req_in", "blocked",
                                               "blocked_by"};

struct edge {
    int64_t user, other;
    int kind;
};

struct content {
    int64_t author, id, at, rid;
    int kind, stars;
};

struct token {
    char *hash, *sealed;
    int64_t exp, upd;
};

struct dynamo_import {
    struct dynamo_writer w;
    struct edge *e;
    size_t ne, cape;
    struct content *c;
    size_t nc, capc;
    struct token *t;
    size_t nt, capt;
    int64_t max_user, max_rest, max_review, max_save, max_job, max_ec2ev;
    struct dynamo_talk_import talk; /* likes, comments, notifications (dynamodb_talk.c) */
};

#define PUSH(arr, n, cap, val)                                                                     \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            size_t nc_ = (cap) ? 2 * (cap) : 256;                                                  \
            void *na_ = realloc((arr), nc_ * sizeof *(arr));                                       \
            if (!na_)                                                                              \
                return FC_ERR;                                                                     \
            (arr) = na_;                                                                           \
            (cap) = nc_;                                                                           \
        }                                                                                          \
        (arr)[(n)++] = (val);                                                                      \
    } while (0)

static int edge(struct dynamo_import *im, int64_t user, int64_t other, int kind)
{
    struct edge e = {user, other, kind};
    PUSH(im->e, im->ne, im->cape, e);
    return FC_OK;
}

static int content(struct dynamo_import *im, int64_t author, int kind, int64_t id, int64_t at,
                   int64_t rid, int stars)
{
    struct content c = {author, id, at, rid, kind, stars};
    PUSH(im->c, im->nc, im->capc, c);
    return FC_OK;
}

static void import_free(struct dynamo_import *im)
{
    if (!im)
        return;
    dynamo_writer_free(&im->w);
    for (size_t i = 0; i < im->nt; i++) {
        free(im->t[i].hash);
        free(im->t[i].sealed);
    }
    free(im->t);
    free(im->e);
    free(im->c);
    dynamo_talk_import_free(&im->talk);
    free(im);
}

static void unique_put(struct dynamo_import *im, const char *prefix, const char *value,
                       const char *attr, int64_t id, int lower)
{
    json_object *it = json_object_new_object();
    char key[600], low[520];
    if (lower)
        dynamo_lower(low, sizeof low, value);
    snprintf(key, sizeof key, "%s%s", prefix, lower ? low : value);
    dynamo_set(it, "pk", dynamo_s(key));
    dynamo_set(it, "sk", dynamo_s("UNIQUE"));
    dynamo_set(it, attr, dynamo_n(id));
    dynamo_writer_put(&im->w, it);
}

#define MAX(a, b) ((a) > (b) ? (a) : (b))

static int import_users(struct dynamo_import *im, json_object *row)
{
    struct fc_user *u = calloc(1, sizeof *u);
    if (!u)
        return FC_ERR;
    u->id = rn(row, "id");
    fc_strlcpy(u->username, rs(row, "username"), sizeof u->username);
    fc_strlcpy(u->email, rs(row, "email"), sizeof u->email);
    fc_strlcpy(u->pw_hash, rs(row, "pw_hash"), sizeof u->pw_hash);
    fc_strlcpy(u->ext_id, rs(row, "ext_id"), sizeof u->ext_id);
    fc_strlcpy(u->auth_id, rs(row, "auth_id"), sizeof u->auth_id);
    fc_strlcpy(u->display_name, rs(row, "display_name"), sizeof u->display_name);
    fc_strlcpy(u->city, rs(row, "city"), sizeof u->city);
    fc_strlcpy(u->price, rs(row, "price"), sizeof u->price);
    fc_strlcpy(u->visibility, rs(row, "visibility"), sizeof u->visibility);
    u->saves_private = rn(row, "saves_private") != 0;
    u->is_admin = (int)rn(row, "is_admin");
    u->disabled = (int)rn(row, "disabled");
    u->created_at = rn(row, "created_at");
    if (fc_user_set_bio(u, rs(row, "bio")) || fc_user_set_cuisines(u, rs(row, "cuisines"))) {
        fc_user_clear(u);
        free(u);
        return FC_ERR;
    }
    im->max_user = MAX(im->max_user, u->id);
    dynamo_writer_put(&im->w, dynamo_user_item(u));
    unique_put(im, "UNAME#", u->username, "uid", u->id, 1);
    unique_put(im, "EMAIL#", u->email, "uid", u->id, 1);
    if (u->ext_id[0])
        unique_put(im, "UEXT#", u->ext_id, "uid", u->id, 0);
    if (u->auth_id[0])
        unique_put(im, "UEXT#", u->auth_id, "uid", u->id, 0);
    fc_user_clear(u);
    free(u);
    return FC_OK;
}

/* rs for fc_restaurant_set_texts. */
static const char *row_text(void *row, const char *col)
{
    return rs(row, col);
}

static int import_restaurants(struct dynamo_import *im, json_object *row)
{
    struct fc_restaurant *r = calloc(1, sizeof *r);
    if (!r)
        return FC_ERR;
    r->id = rn(row, "id");
    fc_strlcpy(r->ext_id, rs(row, "ext_id"), sizeof r->ext_id);
    if (fc_restaurant_set_texts(r, row_text, row)) {
        fc_restaurant_clear(r);
        free(r);
        return FC_ERR;
    }
    fc_strlcpy(r->state, rs(row, "state"), sizeof r->state);
    fc_strlcpy(r->country, rs(row, "country"), sizeof r->country);
    r->has_coords = !rnull(row, "lat") && !rnull(row, "lon");
    r->lat = rd(row, "lat");
    r->lon = rd(row, "lon");
    fc_strlcpy(r->price, rs(row, "price"), sizeof r->price);
    fc_strlcpy(r->alcohol, rs(row, "alcohol"), sizeof r->alcohol);
    fc_strlcpy(r->smoking, rs(row, "smoking"), sizeof r->smoking);
    im->max_rest = MAX(im->max_rest, r->id);
    dynamo_writer_put(&im->w, dynamo_rest_item(r, 0, 0));
    unique_put(im, "REXT#", r->ext_id, "rid", r->id, 0);
    fc_restaurant_clear(r);
    free(r);
    return FC_OK;
}

static int import_one(struct fc_dynamo *d, struct dynamo_import *im, const char *table,
                      json_object *row)
{
    struct dynamo_writer *w = &im->w;
    if (strcmp(table, "users") == 0)
        return import_users(im, row);
    if (strcmp(table, "avatars") == 0)
        return dynamo_writer_put(
            w, dynamo_avatar_item(rn(row, "user_id"), rs(row, "photo"), rn(row, "updated_at")));
    if (strcmp(table, "restaurants") == 0)
        return import_restaurants(im, row);
    if (strcmp(table, "friendships") == 0) {
        int64_t a = rn(row, "user_id"), b = rn(row, "friend_id");
        dynamo_writer_put(w, dynamo_rel_item(a, "F", b, rn(row, "created_at")));
        return edge(im, a, b, E_FRIEND);
    }
    if (strcmp(table, "friend_requests") == 0) {
        int64_t a = rn(row, "from_id"), b = rn(row, "to_id"), at = rn(row, "created_at");
        dynamo_writer_put(w, dynamo_rel_item(a, "RO", b, at));
        dynamo_writer_put(w, dynamo_rel_item(b, "RI", a, at));
        return edge(im, a, b, E_REQ_OUT) || edge(im, b, a, E_REQ_IN) ? FC_ERR : FC_OK;
    }
    if (strcmp(table, "blocks") == 0) {
        int64_t a = rn(row, "user_id"), b = rn(row, "blocked_id"), at = rn(row, "created_at");
        dynamo_writer_put(w, dynamo_rel_item(a, "B", b, at));
        dynamo_writer_put(w, dynamo_rel_item(b, "BB", a, at));
        return edge(im, a, b, E_BLOCKED) || edge(im, b, a, E_BLOCKED_BY) ? FC_ERR : FC_OK;
    }
    if (strcmp(table, "reviews") == 0) {
        struct fc_review *r = calloc(1, sizeof *r);
        int rc;
        if (!r)
            return FC_ERR;
        r->id = rn(row, "id");
        r->user_id = rn(row, "user_id");
        r->restaurant_id = rn(row, "restaurant_id");
        r->stars = (int)rn(row, "stars");
        if (fc_review_set_body(r, rs(row, "body"))) {
            free(r);
            return FC_ERR;
        }
        fc_strlcpy(r->photo, rs(row, "photo"), sizeof r->photo);
        fc_strlcpy(r->visited, rs(row, "visited"), sizeof r->visited);
        r->created_at = rn(row, "created_at");
        r->updated_at = rn(row, "updated_at");
        im->max_review = MAX(im->max_review, r->id);
        dynamo_writer_put(w, dynamo_review_item(r));
        dynamo_writer_put(w, dynamo_pointer_item(r->id, r->user_id, r->restaurant_id));
        if (r->photo[0])
            dynamo_writer_put(w, dynamo_photo_item(r->photo, r->id, r->user_id, r->restaurant_id));
        rc = content(im, r->user_id, FC_FEED_REVIEW, r->id, r->created_at, r->restaurant_id,
                     r->stars);
        fc_review_clear(r);
        free(r);
        return rc;
    }
    if (strcmp(table, "saves") == 0) {
        int64_t id = rn(row, "id"), u = rn(row, "user_id"), r = rn(row, "restaurant_id");
        int64_t at = rn(row, "created_at");
        im->max_save = MAX(im->max_save, id);
        json_object *it = dynamo_save_item(id, u, r, at);
        if (*rs(row, "note"))
            dynamo_set(it, "note", dynamo_s(rs(row, "note")));
        dynamo_writer_put(w, it);
        return content(im, u, FC_FEED_SAVE, id, at, r, 0);
    }
    if (strcmp(table, "events") == 0) {
        char suffix[17];
        if (rnull(row, "id"))
            dynamo_rand_hex(suffix);
        else
            snprintf(suffix, sizeof suffix, "%016" PRIx64, (uint64_t)rn(row, "id"));
        return dynamo_writer_put(w, dynamo_event_item(rn(row, "user_id"), rn(row, "restaurant_id"),
                                                      rs(row, "type"), rd(row, "value"),
                                                      rn(row, "created_at"), suffix));
    }
    if (strcmp(table, "sessions") == 0)
        return dynamo_writer_put(w,
                                 dynamo_session_item(d, rs(row, "token_hash"), rn(row, "user_id"),
                                                     rn(row, "created_at"), rn(row, "last_seen")));
    if (strcmp(table, "session_tokens") == 0) {
        struct token t = {strdup(rs(row, "token_hash")), strdup(rs(row, "sealed")),
                          rn(row, "access_exp"), rn(row, "updated_at")};
        if (!t.hash || !t.sealed) {
            free(t.hash);
            free(t.sealed);
            return FC_ERR;
        }
        PUSH(im->t, im->nt, im->capt, t);
        return FC_OK;
    }
    if (strcmp(table, "login_failures") == 0)
        return dynamo_writer_put(w, dynamo_failure_item(rs(row, "key"), rn(row, "at")));
    if (strcmp(table, "metrics_requests") == 0 || strcmp(table, "metrics_counters") == 0) {
        json_object *it;
        char sk[200];
        int req = table[8] == 'r';
        int64_t minute = rn(row, "minute");
        if (req)
            snprintf(sk, sizeof sk, DYNAMO_TIME_FMT "#R#%d#%s",
                     (long long)(minute > 0 ? minute : 0), (int)rn(row, "status"),
                     rs(row, "route"));
        else
            snprintf(sk, sizeof sk, DYNAMO_TIME_FMT "#C#%s", (long long)(minute > 0 ? minute : 0),
                     rs(row, "name"));
        it = dynamo_item_new("METRICS", sk, req ? "metric" : "counter");
        dynamo_set(it, "minute", dynamo_n(minute));
        if (req) {
            dynamo_set(it, "route", dynamo_s(rs(row, "route")));
            dynamo_set(it, "status", dynamo_n(rn(row, "status")));
            dynamo_set(it, "count", dynamo_n(rn(row, "count")));
            dynamo_set(it, "sum_ms", dynamo_d(rd(row, "sum_ms")));
            dynamo_set(it, "max_ms", dynamo_d(rd(row, "max_ms")));
            for (int b = 0; b < FC_METRIC_BUCKETS; b++) {
                char name[16];
                snprintf(name, sizeof name, "b%d", b);
                if (rn(row, name))
                    dynamo_set(it, name, dynamo_n(rn(row, name)));
            }
        } else {
            dynamo_set(it, "name", dynamo_s(rs(row, "name")));
            dynamo_set(it, "n", dynamo_n(rn(row, "n")));
        }
        return dynamo_writer_put(w, it);
    }
    if (strcmp(table, "jobs") == 0) {
        struct fc_job *j = calloc(1, sizeof *j);
        if (!j)
            return FC_ERR;
        j->id = rn(row, "id");
        fc_strlcpy(j->type, rs(row, "type"), sizeof j->type);
        fc_strlcpy(j->dedupe_key, rs(row, "dedupe_key"), sizeof j->dedupe_key);
        fc_strlcpy(j->state, rs(row, "state"), sizeof j->state);
        fc_strlcpy(j->payload, rs(row, "payload"), sizeof j->payload);
        fc_strlcpy(j->progress, rs(row, "progress"), sizeof j->progress);
        fc_strlcpy(j->message, rs(row, "message"), sizeof j->message);
        j->attempts = (int)rn(row, "attempts");
        j->max_attempts = (int)rn(row, "max_attempts");
        j->runs = (int)rn(row, "runs");
        j->run_at_ms = rn(row, "run_at_ms");
        fc_strlcpy(j->worker, rs(row, "worker"), sizeof j->worker);
        j->lease_until_ms = rn(row, "lease_until_ms");
        j->created_at = rn(row, "created_at");
        j->updated_at = rn(row, "updated_at");
        j->finished_at = rn(row, "finished_at");
        im->max_job = MAX(im->max_job, j->id);
        dynamo_writer_put(w, dynamo_job_item(j));
        if (j->dedupe_key[0])
            unique_put(im, "JOBKEY#", j->dedupe_key, "jid", j->id, 0);
        free(j);
        return FC_OK;
    }
    if (strcmp(table, "ec2_instances") == 0) {
        struct fc_instance *in = calloc(1, sizeof *in);
        if (!in)
            return FC_ERR;
        fc_strlcpy(in->instance_id, rs(row, "instance_id"), sizeof in->instance_id);
        fc_strlcpy(in->name, rs(row, "name"), sizeof in->name);
        fc_strlcpy(in->image_id, rs(row, "image_id"), sizeof in->image_id);
        fc_strlcpy(in->instance_type, rs(row, "instance_type"), sizeof in->instance_type);
        fc_strlcpy(in->state, rs(row, "state"), sizeof in->state);
        fc_strlcpy(in->public_ip, rs(row, "public_ip"), sizeof in->public_ip);
        fc_strlcpy(in->private_ip, rs(row, "private_ip"), sizeof in->private_ip);
        fc_strlcpy(in->subnet_id, rs(row, "subnet_id"), sizeof in->subnet_id);
        fc_strlcpy(in->launch_time, rs(row, "launch_time"), sizeof in->launch_time);
        fc_strlcpy(in->client_token, rs(row, "client_token"), sizeof in->client_token);
        fc_strlcpy(in->status, rs(row, "status"), sizeof in->status);
        fc_strlcpy(in->message, rs(row, "message"), sizeof in->message);
        in->launched_by = rn(row, "launched_by");
        in->created_at = rn(row, "created_at");
        in->updated_at = rn(row, "updated_at");
        dynamo_writer_put(w, dynamo_instance_item(in));
        free(in);
        return FC_OK;
    }
    if (strcmp(table, "ec2_instance_events") == 0) {
        struct fc_instance_event e;
        memset(&e, 0, sizeof e);
        e.id = rn(row, "id");
        fc_strlcpy(e.instance_id, rs(row, "instance_id"), sizeof e.instance_id);
        fc_strlcpy(e.state, rs(row, "state"), sizeof e.state);
        fc_strlcpy(e.detail, rs(row, "detail"), sizeof e.detail);
        e.at_ms = rn(row, "at_ms");
        im->max_ec2ev = MAX(im->max_ec2ev, e.id);
        return dynamo_writer_put(w, dynamo_instance_event_item(&e));
    }
    return dynamo_talk_import_row(w, &im->talk, table, row);
}

static int cmp_edge(const void *a, const void *b)
{
    const struct edge *x = a, *y = b;
    if (x->user != y->user)
        return (x->user > y->user) - (x->user < y->user);
    if (x->kind != y->kind)
        return x->kind - y->kind;
    return (x->other > y->other) - (x->other < y->other);
}

static int cmp_content_rid(const void *a, const void *b)
{
    const struct content *x = a, *y = b;
    return (x->rid > y->rid) - (x->rid < y->rid);
}

/* The relation sets of each user, from the copied relations. */
static int write_sets(struct fc_dynamo *d, struct dynamo_import *im)
{
    int rc = FC_OK;
    if (im->ne > 1)
        qsort(im->e, im->ne, sizeof *im->e, cmp_edge);
    for (size_t i = 0; i < im->ne && rc == FC_OK;) {
        json_object *req = dynamo_req(d);
        char pk[32], expr[512] = "ADD ", ph[8];
        size_t j = i;
        int first = 1;
        dynamo_user_pk(pk, im->e[i].user);
        json_object_object_add(req, "Key", dynamo_key(pk, "PROFILE"));
        while (j < im->ne && im->e[j].user == im->e[i].user) {
            int kind = im->e[j].kind;
            size_t k = j;
            int64_t *ids;
            while (k < im->ne && im->e[k].user == im->e[i].user && im->e[k].kind == kind)
                k++;
            if (!(ids = malloc((k - j) * sizeof *ids))) {
                rc = FC_ERR;
                break;
            }
            for (size_t m = j; m < k; m++)
                ids[m - j] = im->e[m].other;
            snprintf(ph, sizeof ph, ":s%d", kind);
            snprintf(expr + strlen(expr), sizeof expr - strlen(expr), "%s#%s %s", first ? "" : ", ",
                     SET_NAME[kind], ph);
            dynamo_val(req, ph, dynamo_ns(ids, k - j));
            free(ids);
            first = 0;
            j = k;
        }
        if (rc == FC_OK) {
            dynamo_expr(req, "UpdateExpression", expr);
            dynamo_expr(req, "ConditionExpression", "attribute_exists(#pk)");
            rc = dynamo_call(d, "UpdateItem", req, NULL);
            if (rc == DYNAMO_COND) {
                fprintf(stderr,
                        "forkcast: dynamodb copy: relations of a missing user %" PRId64
                        " dropped\n",
                        im->e[i].user);
                rc = FC_OK;
            }
        }
        json_object_put(req);
        i = j;
    }
    return rc;
}

/* Each restaurant's rating totals, from the copied reviews. */
static int write_totals(struct fc_dynamo *d, struct dynamo_import *im)
{
    int rc = FC_OK;
    if (im->nc > 1)
        qsort(im->c, im->nc, sizeof *im->c, cmp_content_rid);
    for (size_t i = 0; i < im->nc && rc == FC_OK;) {
        json_object *req;
        char pk[32];
        int64_t count = 0, sum = 0;
        size_t j = i;
        for (; j < im->nc && im->c[j].rid == im->c[i].rid; j++)
            if (im->c[j].kind == FC_FEED_REVIEW) {
                count++;
                sum += im->c[j].stars;
            }
        if (count) {
            req = dynamo_req(d);
            dynamo_rest_pk(pk, im->c[i].rid);
            json_object_object_add(req, "Key", dynamo_key(pk, "RESTAURANT"));
            dynamo_expr(req, "UpdateExpression", "SET #review_count = :c, #stars_sum = :s");
            dynamo_expr(req, "ConditionExpression", "attribute_exists(#pk)");
            dynamo_val(req, ":c", dynamo_n(count));
            dynamo_val(req, ":s", dynamo_n(sum));
            rc = dynamo_call(d, "UpdateItem", req, NULL);
            if (rc == DYNAMO_COND)
                rc = FC_OK; /* reviews of a restaurant that was not copied */
            json_object_put(req);
        }
        i = j;
    }
    return rc;
}

/* Every friend's feed entry of every review and save (friendships: the F edges, sorted). */
static int write_feeds(struct dynamo_writer *w, const struct edge *e, size_t ne,
                       const struct content *c, size_t nc, long *entries)
{
    int rc = FC_OK;
    for (size_t i = 0; i < nc && rc == FC_OK; i++) {
        /* the author's friends: a range of the sorted edges */
        size_t lo = 0, hi = ne;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (e[mid].user < c[i].author || (e[mid].user == c[i].author && e[mid].kind < E_FRIEND))
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo;
             k < ne && e[k].user == c[i].author && e[k].kind == E_FRIEND && rc == FC_OK; k++) {
            rc = dynamo_writer_put(w, dynamo_feed_item(e[k].other, c[i].kind, c[i].id, c[i].at,
                                                       c[i].author, c[i].rid, c[i].stars));
            (*entries)++;
        }
    }
    return rc;
}

static int import_end(struct fc_dynamo *d, struct dynamo_import *im)
{
    long entries = 0;
    int rc = dynamo_writer_flush(&im->w);
    if (rc == FC_OK)
        rc = write_sets(d, im); /* sorts the edges */
    if (rc == FC_OK)
        rc = write_feeds(&im->w, im->e, im->ne, im->c, im->nc, &entries);
    if (rc == FC_OK)
        rc = dynamo_writer_flush(&im->w);
    if (rc == FC_OK)
        rc = write_totals(d, im);
    if (rc == FC_OK)
        rc = dynamo_talk_import_end(d, &im->talk);
    for (size_t i = 0; i < im->nt && rc == FC_OK; i++) {
        rc = dynamo_session_tokens_put(&d->base, im->t[i].hash, im->t[i].sealed, im->t[i].exp,
                                       im->t[i].upd);
        if (rc == FC_NOTFOUND)
            rc = FC_OK; /* tokens of a session that was not copied */
    }
    if (rc == FC_OK && ((im->max_user && dynamo_raise_id(d, "user", im->max_user)) ||
                        (im->max_rest && dynamo_raise_id(d, "restaurant", im->max_rest)) ||
                        (im->max_review && dynamo_raise_id(d, "review", im->max_review)) ||
                        (im->max_save && dynamo_raise_id(d, "save", im->max_save)) ||
                        (im->max_job && dynamo_raise_id(d, "job", im->max_job)) ||
                        (im->max_ec2ev && dynamo_raise_id(d, "ec2event", im->max_ec2ev))))
        rc = FC_ERR;
    if (rc == FC_OK)
        dynamo_bump(d);
    return rc;
}

int dynamo_import_row(struct fc_store *s, const char *table, struct json_object *row)
{
    struct fc_dynamo *d = D(s);
    int rc;
    dynamo_catalog_forget(d); /* restaurants may come (or the copy's end writes them) */
    if (!table) {
        rc = d->imp ? import_end(d, d->imp) : FC_OK;
        import_free(d->imp);
        d->imp = NULL;
        return rc;
    }
    if (!d->imp) {
        if (!(d->imp = calloc(1, sizeof *d->imp)))
            return FC_ERR;
        dynamo_writer_init(&d->imp->w, d);
    }
    rc = import_one(d, d->imp, table, row);
    if (rc != FC_OK && rc != FC_EINVAL) {
        import_free(d->imp);
        d->imp = NULL;
    }
    return rc;
}

void dynamo_import_abort(struct fc_dynamo *d)
{
    import_free(d->imp);
    d->imp = NULL;
}

/* ---- emptying, rebuilding feeds -------------------------------------------------------------- */

int dynamo_wipe(struct fc_store *s)
{
    struct fc_dynamo *d = D(s);
    dynamo_catalog_forget(d);
    return dynamo_delete_found(d, "Scan", dynamo_req(d));
}

struct feeds_ctx {
    struct dynamo_import im;
    struct dynamo_writer *del;
};

static int feeds_each(void *ctx, json_object *it)
{
    struct feeds_ctx *c = ctx;
    const char *pk = dynamo_get_s(it, "pk"), *sk = dynamo_get_s(it, "sk");
    if (strncmp(pk, "FEED#", 5) == 0)
        return dynamo_writer_del(c->del, pk, sk);
    if (strncmp(pk, "U#", 2))
        return 0;
    if (strncmp(sk, "G#F#", 4) == 0)
        return edge(&c->im, dynamo_get_n(it, "user_id"), dynamo_get_n(it, "other_id"), E_FRIEND);
    if (strncmp(sk, "R#", 2) == 0 || strncmp(sk, "SV#", 3) == 0)
        return content(&c->im, dynamo_get_n(it, "user_id"),
                       sk[0] == 'R' ? FC_FEED_REVIEW : FC_FEED_SAVE, dynamo_get_n(it, "id"),
                       dynamo_get_n(it, "created_at"), dynamo_get_n(it, "restaurant_id"),
                       (int)dynamo_get_n(it, "stars"));
    return 0;
}

int dynamo_rebuild_feeds(struct fc_dynamo *d, long *deleted, long *written)
{
    struct feeds_ctx c;
    struct dynamo_writer del;
    json_object *req = dynamo_req(d);
    int rc;
    memset(&c, 0, sizeof c);
    *deleted = *written = 0;
    dynamo_writer_init(&del, d);
    dynamo_writer_init(&c.im.w, d);
    c.del = &del;
    /* every friendship, review, save and feed entry in one scan; stale entries go first */
    dynamo_expr(req, "ProjectionExpression",
                "#pk, #sk, #user_id, #other_id, #id, #created_at, #restaurant_id, #stars");
    dynamo_consistent(d, req);
    rc = dynamo_each(d, "Scan", req, 0, feeds_each, &c);
    if (rc == FC_OK)
        rc = dynamo_writer_flush(&del);
    *deleted = del.dels;
    if (rc == FC_OK) {
        if (c.im.ne > 1)
            qsort(c.im.e, c.im.ne, sizeof *c.im.e, cmp_edge);
        rc = write_feeds(&c.im.w, c.im.e, c.im.ne, c.im.c, c.im.nc, written);
    }
    if (rc == FC_OK)
        rc = dynamo_writer_flush(&c.im.w);
    dynamo_writer_free(&del);
    dynamo_writer_free(&c.im.w);
    free(c.im.e);
    free(c.im.c);
    json_object_put(req);
    return rc;
}

/* ---- rebuilding the photo items -------------------------------------------------------------- */

struct photos_ctx {
    json_object *have; /* "pk sk" of each photo item there -> null */
    json_object *want; /* "pk sk" of each review's photo item -> the item */
};

static void photos_key(char *out, size_t n, const char *pk, const char *sk)
{
    snprintf(out, n, "%s %s", pk, sk);
}

static int photos_each(void *ctx, json_object *it)
{
    struct photos_ctx *c = ctx;
    const char *pk = dynamo_get_s(it, "pk"), *sk = dynamo_get_s(it, "sk");
    const char *photo = dynamo_get_s(it, "photo");
    char key[DYNAMO_PHOTO_PK + 40], ppk[DYNAMO_PHOTO_PK], psk[32];
    int64_t id = dynamo_get_n(it, "id");
    if (strncmp(pk, "PHOTO#", 6) == 0) {
        photos_key(key, sizeof key, pk, sk);
        return json_object_object_add(c->have, key, NULL) ? FC_ERR : 0;
    }
    if (strncmp(pk, "U#", 2) || strncmp(sk, "R#", 2) || !photo[0])
        return 0;
    dynamo_photo_keys(ppk, psk, photo, id);
    photos_key(key, sizeof key, ppk, psk);
    return json_object_object_add(c->want, key,
                                  dynamo_photo_item(photo, id, dynamo_get_n(it, "user_id"),
                                                    dynamo_get_n(it, "restaurant_id")))
               ? FC_ERR
               : 0;
}

int dynamo_rebuild_photos(struct fc_dynamo *d, long *deleted, long *written)
{
    struct photos_ctx c = {json_object_new_object(), json_object_new_object()};
    struct dynamo_writer w;
    json_object *req = dynamo_req(d);
    int rc;
    *deleted = *written = 0;
    dynamo_writer_init(&w, d);
    /* one scan: every review and photo item; then the items no review wants go and the
     * missing ones are written (those in place stay: their photos keep being served) */
    dynamo_expr(req, "ProjectionExpression", "#pk, #sk, #id, #user_id, #restaurant_id, #photo");
    dynamo_consistent(d, req);
    rc = dynamo_each(d, "Scan", req, 0, photos_each, &c);
    if (rc == FC_OK) {
        json_object_object_foreach(c.have, key, val)
        {
            (void)val;
            if (!json_object_object_get_ex(c.want, key, NULL)) {
                const char *sp = strrchr(key, ' ');
                char pk[DYNAMO_PHOTO_PK];
                snprintf(pk, sizeof pk, "%.*s", (int)(sp - key), key);
                if ((rc = dynamo_writer_del(&w, pk, sp + 1)))
                    break;
            }
        }
    }
    if (rc == FC_OK) {
        json_object_object_foreach(c.want, key, item)
        {
            if (!json_object_object_get_ex(c.have, key, NULL) &&
                (rc = dynamo_writer_put(&w, json_object_get(item))))
                break;
        }
    }
    if (rc == FC_OK)
        rc = dynamo_writer_flush(&w);
    *deleted = w.dels;
    *written = w.puts;
    dynamo_writer_free(&w);
    json_object_put(c.have);
    json_object_put(c.want);
    json_object_put(req);
    return rc;
}
