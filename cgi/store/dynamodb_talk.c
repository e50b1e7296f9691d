/* store/dynamodb_talk: the DynamoDB side of conversation (docs/dynamodb.md "Conversation"):
 * likes and comments on reviews, with their counts kept on the review's id item (RV#id) so a
 * list of reviews gets them in one BatchGetItem, and notifications in one partition per
 * recipient (N#user) ordered by id, the last one seen kept beside them. Plain data access: the
 * rules are store/rules_talk.c's (applied here only to count the unread notifications). */
#include "core/util.h"
#include "store/dynamodb.h"
#include "store/rules_talk.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct fc_dynamo *D(struct fc_store *s)
{
    return (struct fc_dynamo *)s;
}

static void rv_pk(char out[32], int64_t review)
{
    snprintf(out, 32, "RV#%" PRId64, review);
}

static void like_sk(char out[32], int64_t user)
{
    snprintf(out, 32, "L#%" PRId64, user);
}

static void thread_pk(char out[32], int64_t restaurant)
{
    snprintf(out, 32, "RC#%" PRId64, restaurant);
}

/* A comment's sort key in its restaurant's thread partition: C#review#id (prefix C#review#
 * when id is 0: one review's comments). */
static void thread_sk(char out[48], int64_t review, int64_t id)
{
    if (id)
        snprintf(out, 48, "C#" DYNAMO_ID_FMT "#" DYNAMO_ID_FMT, (long long)review, (long long)id);
    else
        snprintf(out, 48, "C#" DYNAMO_ID_FMT "#", (long long)review);
}

static void comment_pk(char out[32], int64_t id)
{
    snprintf(out, 32, "CM#%" PRId64, id);
}

static void note_pk(char out[32], int64_t user)
{
    snprintf(out, 32, "N#%" PRId64, user);
}

static void note_sk(char out[32], int64_t id)
{
    snprintf(out, 32, "N#" DYNAMO_ID_FMT, (long long)id);
}

/* ADD n to a counter of the review's id item, on condition that the review is there. */
static void tx_count(struct fc_dynamo *d, json_object *items, int64_t review, const char *what,
                     int n)
{
    json_object *a = dynamo_tx_add(d, items, "Update");
    char pk[32], expr[64];
    rv_pk(pk, review);
    json_object_object_add(a, "Key", dynamo_key(pk, "REVIEW"));
    snprintf(expr, sizeof expr, "ADD #%s :n", what);
    dynamo_expr(a, "UpdateExpression", expr);
    dynamo_expr(a, "ConditionExpression", "attribute_exists(#pk)");
    dynamo_val(a, ":n", dynamo_n(n));
}

int dynamo_like_put(struct fc_store *s, int64_t review_id, int64_t restaurant_id, int64_t user_id,
                    int64_t now)
{
    struct fc_dynamo *d = D(s);
    json_object *items = json_object_new_array(), *a, *it;
    char pk[32], sk[32];
    int rc;
    rv_pk(pk, review_id);
    like_sk(sk, user_id);
    it = dynamo_item_new(pk, sk, "like");
    dynamo_set(it, "review_id", dynamo_n(review_id));
    dynamo_set(it, "restaurant_id", dynamo_n(restaurant_id));
    dynamo_set(it, "user_id", dynamo_n(user_id));
    dynamo_set(it, "created_at", dynamo_n(now));
    a = dynamo_tx_add(d, items, "Put");
    json_object_object_add(a, "Item", it);
    dynamo_expr(a, "ConditionExpression", "attribute_not_exists(#pk)");
    tx_count(d, items, review_id, "likes", 1);
    rc = dynamo_transact(d, items);
    json_object_put(items);
    if (rc == DYNAMO_CANCEL)
        return d->cancel_index == 0 ? FC_EXISTS : FC_NOTFOUND;
    return rc;
}

int dynamo_like_delete(struct fc_store *s, int64_t review_id, int64_t user_id)
{
    struct fc_dynamo *d = D(s);
    json_object *items = json_object_new_array(), *a;
    char pk[32], sk[32];
    int rc;
    rv_pk(pk, review_id);
    like_sk(sk, user_id);
    a = dynamo_tx_add(d, items, "Delete");
    json_object_object_add(a, "Key", dynamo_key(pk, sk));
    dynamo_expr(a, "ConditionExpression", "attribute_exists(#pk)");
    tx_count(d, items, review_id, "likes", -1);
    rc = dynamo_transact(d, items);
    json_object_put(items);
    if (rc == DYNAMO_CANCEL)
        return FC_NOTFOUND; /* not liked, or the review is gone */
    return rc;
}

int dynamo_talk_counts(struct fc_store *s, const int64_t *ids, int n, int64_t viewer,
                       struct fc_talk_count *out)
{
    struct fc_dynamo *d = D(s);
    struct dynamo_keys k;
    json_object *found = NULL;
    char pk[32], sk[32];
    int rc;

    for (int i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].review_id = ids[i];
    }
    if (n <= 0)
        return FC_OK;
    dynamo_keys_init(&k);
    like_sk(sk, viewer);
    for (int i = 0; i < n; i++) {
        rv_pk(pk, ids[i]);
        dynamo_keys_add(&k, pk, "REVIEW");
        if (viewer)
            dynamo_keys_add(&k, pk, sk);
    }
    rc = dynamo_batch_get(d, &k, "#likes, #comments", &found);
    dynamo_keys_free(&k);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++) {
        json_object *it;
        rv_pk(pk, ids[i]);
        if ((it = dynamo_found(found, pk, "REVIEW"))) {
            out[i].likes = (int)dynamo_get_n(it, "likes");
            out[i].comments = (int)dynamo_get_n(it, "comments");
        }
        out[i].liked = viewer && dynamo_found(found, pk, sk) != NULL;
    }
    json_object_put(found);
    return FC_OK;
}

/* A comment's attributes (its items also have the keys of comment_item's callers). */
#define COMMENT_FIELD(kind, member) DYNAMO_FIELD(kind, struct fc_comment, member, #member)
static const struct dynamo_field comment_fields[] = {
    COMMENT_FIELD('n', id),      COMMENT_FIELD('n', review_id), COMMENT_FIELD('n', restaurant_id),
    COMMENT_FIELD('n', user_id), COMMENT_FIELD('s', body),      COMMENT_FIELD('n', created_at)};

static json_object *comment_item(const struct fc_comment *c, const char *pk, const char *sk)
{
    return dynamo_item_of(pk, sk, "comment", c, comment_fields, FC_ARRAY_LEN(comment_fields));
}

static void item_comment(json_object *it, struct fc_comment *c)
{
    dynamo_record_get(it, c, sizeof *c, comment_fields, FC_ARRAY_LEN(comment_fields));
}

/* One transaction: the comment in its restaurant's thread, its id item (CM#id, for reads and
 * deletes by id) and the review's comment count, on condition that the review is there. */
int dynamo_comment_add(struct fc_store *s, struct fc_comment *c)
{
    struct fc_dynamo *d = D(s);
    json_object *items, *a;
    char pk[32], sk[48], cpk[32];
    int rc;
    if ((rc = dynamo_next_id(d, "comment", &c->id)))
        return rc;
    thread_pk(pk, c->restaurant_id);
    thread_sk(sk, c->review_id, c->id);
    comment_pk(cpk, c->id);
    items = json_object_new_array();
    a = dynamo_tx_add(d, items, "Put");
    json_object_object_add(a, "Item", comment_item(c, pk, sk));
    a = dynamo_tx_add(d, items, "Put");
    json_object_object_add(a, "Item", comment_item(c, cpk, "COMMENT"));
    tx_count(d, items, c->review_id, "comments", 1);
    rc = dynamo_transact(d, items);
    json_object_put(items);
    return rc == DYNAMO_CANCEL ? FC_NOTFOUND : rc;
}

int dynamo_comment_get(struct fc_store *s, int64_t id, struct fc_comment *out)
{
    char pk[32];
    comment_pk(pk, id);
    return dynamo_get_fields(D(s), pk, "COMMENT", comment_fields, FC_ARRAY_LEN(comment_fields), out,
                             sizeof *out);
}

int dynamo_comment_delete(struct fc_store *s, int64_t id)
{
    struct fc_dynamo *d = D(s);
    struct fc_comment c;
    json_object *items, *a;
    char pk[32], sk[48], cpk[32];
    int rc = dynamo_comment_get(s, id, &c);
    if (rc)
        return rc;
    thread_pk(pk, c.restaurant_id);
    thread_sk(sk, c.review_id, c.id);
    comment_pk(cpk, c.id);
    items = json_object_new_array();
    a = dynamo_tx_add(d, items, "Delete");
    json_object_object_add(a, "Key", dynamo_key(cpk, "COMMENT"));
    dynamo_expr(a, "ConditionExpression", "attribute_exists(#pk)");
    a = dynamo_tx_add(d, items, "Delete");
    json_object_object_add(a, "Key", dynamo_key(pk, sk));
    tx_count(d, items, c.review_id, "comments", -1);
    rc = dynamo_transact(d, items);
    json_object_put(items);
    if (rc == DYNAMO_CANCEL && d->cancel_index == 2) {
        /* the review went first: the comment goes without a count to keep */
        items = json_object_new_array();
        a = dynamo_tx_add(d, items, "Delete");
        json_object_object_add(a, "Key", dynamo_key(cpk, "COMMENT"));
        a = dynamo_tx_add(d, items, "Delete");
        json_object_object_add(a, "Key", dynamo_key(pk, sk));
        rc = dynamo_transact(d, items);
        json_object_put(items);
    }
    return rc == DYNAMO_CANCEL ? FC_NOTFOUND : rc;
}

/* The viewer's friend and block bits towards other, from their profile's sets. */
static int rel_of(json_object *prof, int64_t other)
{
    int r = 0;
    if (!prof)
        return 0;
    if (dynamo_ns_contains(prof, "friends", other))
        r |= FC_REL_FRIEND;
    if (dynamo_ns_contains(prof, "blocked", other))
        r |= FC_REL_BLOCKED;
    if (dynamo_ns_contains(prof, "blocked_by", other))
        r |= FC_REL_BLOCKED_BY;
    return r;
}

struct collect {
    json_object *arr;
    int max;
};

static int collect_each(void *ctx, json_object *item)
{
    struct collect *c = ctx;
    json_object_array_add(c->arr, json_object_get(item));
    return (int)json_object_array_length(c->arr) >= c->max;
}

#define PEOPLE_PROJ "#username, #display_name, #disabled, #friends, #blocked, #blocked_by"

/* Query then one BatchGetItem of the authors and the viewer's profile. */
int dynamo_comments_of(struct fc_store *s, int64_t restaurant_id, int64_t review_id, int64_t viewer,
                       struct fc_comment_row *out, int max, int *n)
{
    struct fc_dynamo *d = D(s);
    json_object *req = dynamo_req(d), *found = NULL, *me = NULL;
    struct collect col = {json_object_new_array(), max};
    struct dynamo_keys k;
    char pk[32], prefix[48], upk[32];
    int rc = FC_OK, len, kept = 0;

    *n = 0;
    thread_pk(pk, restaurant_id);
    if (review_id)
        thread_sk(prefix, review_id, 0);
    else
        fc_strlcpy(prefix, "C#", sizeof prefix);
    dynamo_expr(req, "KeyConditionExpression", "#pk = :pk AND begins_with(#sk, :c)");
    dynamo_val(req, ":pk", dynamo_s(pk));
    dynamo_val(req, ":c", dynamo_s(prefix));
    if (d->consistent)
        json_object_object_add(req, "ConsistentRead", json_object_new_boolean(1));
    rc = max > 0 ? dynamo_each(d, "Query", req, 0, collect_each, &col) : FC_OK;
    json_object_put(req);
    if (rc)
        goto out;
    len = (int)json_object_array_length(col.arr);
    if (!len)
        goto out;
    dynamo_keys_init(&k);
    for (int i = 0; i < len; i++) {
        json_object *it = json_object_array_get_idx(col.arr, (size_t)i);
        dynamo_user_pk(upk, dynamo_get_n(it, "user_id"));
        dynamo_keys_add(&k, upk, "PROFILE");
        rv_pk(upk, dynamo_get_n(it, "review_id")); /* its author, for the blocks */
        dynamo_keys_add(&k, upk, "REVIEW");
    }
    if (viewer) {
        dynamo_user_pk(upk, viewer);
        dynamo_keys_add(&k, upk, "PROFILE");
    }
    rc = dynamo_batch_get(d, &k, PEOPLE_PROJ ", #user_id", &found);
    dynamo_keys_free(&k);
    if (rc)
        goto out;
    if (viewer) {
        dynamo_user_pk(upk, viewer);
        me = dynamo_found(found, upk, "PROFILE");
    }
    /* a thread sorts by review, then id: order the whole by id (oldest first) */
    for (int i = 0; i < len; i++) {
        json_object *it = json_object_array_get_idx(col.arr, (size_t)i), *u, *rv;
        struct fc_comment_row *r = &out[kept];
        memset(r, 0, sizeof *r);
        item_comment(it, &r->c);
        dynamo_user_pk(upk, r->c.user_id);
        if (!(u = dynamo_found(found, upk, "PROFILE")))
            continue; /* no such user any more */
        dynamo_copy_s(u, "username", r->username, sizeof r->username);
        dynamo_copy_s(u, "display_name", r->display_name, sizeof r->display_name);
        r->disabled = (int)dynamo_get_n(u, "disabled");
        r->rel = viewer ? rel_of(me, r->c.user_id) : 0;
        rv_pk(upk, r->c.review_id);
        if ((rv = dynamo_found(found, upk, "REVIEW")))
            r->author_block = (rel_of(u, dynamo_get_n(rv, "user_id")) &
                               (FC_REL_BLOCKED | FC_REL_BLOCKED_BY)) != 0;
        kept++;
    }
    for (int i = 1; i < kept; i++) /* insertion sort by id: threads are short */
        for (int j = i; j > 0 && out[j - 1].c.id > out[j].c.id; j--) {
            struct fc_comment_row t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    *n = kept;
out:
    json_object_put(found);
    json_object_put(col.arr);
    return rc;
}

/* A notification's attributes (its item N#user / N#id). */
#define NOTE_FIELD(kind, member) DYNAMO_FIELD(kind, struct fc_note, member, #member)
static const struct dynamo_field note_fields[] = {
    NOTE_FIELD('n', id),         NOTE_FIELD('n', user_id),   NOTE_FIELD('n', actor_id),
    NOTE_FIELD('n', kind),       NOTE_FIELD('n', review_id), NOTE_FIELD('n', restaurant_id),
    NOTE_FIELD('n', comment_id), NOTE_FIELD('n', created_at)};

int dynamo_note_add(struct fc_store *s, struct fc_note *nt)
{
    struct fc_dynamo *d = D(s);
    json_object *it;
    char pk[32], sk[32];
    int rc;
    if ((rc = dynamo_next_id(d, "note", &nt->id)))
        return rc;
    note_pk(pk, nt->user_id);
    note_sk(sk, nt->id);
    it = dynamo_item_of(pk, sk, "note", nt, note_fields, FC_ARRAY_LEN(note_fields));
    return dynamo_put(d, it, NULL) ? FC_ERR : FC_OK;
}

static void item_note(json_object *it, struct fc_note *nt)
{
    dynamo_record_get(it, nt, sizeof *nt, note_fields, FC_ARRAY_LEN(note_fields));
}

/* The notes of user with ids above after (newest first, at most max) into arr. */
static int notes_query(struct fc_dynamo *d, int64_t user, int64_t after, int max, json_object *arr)
{
    json_object *req = dynamo_req(d);
    struct collect col = {arr, max};
    char pk[32], lo[32];
    int rc;
    note_pk(pk, user);
    note_sk(lo, after + 1);
    dynamo_expr(req, "KeyConditionExpression", "#pk = :pk AND #sk BETWEEN :lo AND :hi");
    dynamo_val(req, ":pk", dynamo_s(pk));
    dynamo_val(req, ":lo", dynamo_s(lo));
    dynamo_val(req, ":hi", dynamo_s("N#~"));
    dynamo_newest(req, max);
    dynamo_consistent(d, req);
    rc = dynamo_each(d, "Query", req, 1, collect_each, &col);
    json_object_put(req);
    return rc;
}

/* The notes' actors, their reviews' and comments' id items, restaurants, the recipient's
 * profile (*me, within *found) and last seen note, in one BatchGetItem. */
static int notes_context(struct fc_dynamo *d, int64_t user, json_object *arr, int names,
                         json_object **found, json_object **me)
{
    struct dynamo_keys k;
    char pk[32];
    int len = (int)json_object_array_length(arr), rc;
    dynamo_keys_init(&k);
    dynamo_user_pk(pk, user);
    dynamo_keys_add(&k, pk, "PROFILE");
    note_pk(pk, user);
    dynamo_keys_add(&k, pk, "SEEN");
    for (int i = 0; i < len; i++) {
        struct fc_note nt;
        item_note(json_object_array_get_idx(arr, (size_t)i), &nt);
        dynamo_user_pk(pk, nt.actor_id);
        dynamo_keys_add(&k, pk, "PROFILE");
        if (nt.review_id) {
            rv_pk(pk, nt.review_id);
            dynamo_keys_add(&k, pk, "REVIEW");
        }
        if (nt.comment_id) {
            comment_pk(pk, nt.comment_id);
            dynamo_keys_add(&k, pk, "COMMENT");
        }
        if (names && nt.restaurant_id) {
            dynamo_rest_pk(pk, nt.restaurant_id);
            dynamo_keys_add(&k, pk, "RESTAURANT");
        }
    }
    rc = dynamo_batch_get(d, &k, PEOPLE_PROJ ", #v, #name, #id", found);
    dynamo_keys_free(&k);
    dynamo_user_pk(pk, user);
    *me = rc ? NULL : dynamo_found(*found, pk, "PROFILE");
    return rc;
}

/* Is a like or comment note's review (and comment) still there? */
static int note_live(json_object *found, const struct fc_note *nt)
{
    char pk[32];
    if (nt->kind == FC_NOTE_LIKE || nt->kind == FC_NOTE_COMMENT) {
        rv_pk(pk, nt->review_id);
        if (!dynamo_found(found, pk, "REVIEW"))
            return 0;
    }
    if (nt->kind == FC_NOTE_COMMENT) {
        comment_pk(pk, nt->comment_id);
        if (!dynamo_found(found, pk, "COMMENT"))
            return 0;
    }
    return 1;
}

int dynamo_notes_list(struct fc_store *s, int64_t user_id, struct fc_note_row *out, int max, int *n)
{
    struct fc_dynamo *d = D(s);
    json_object *arr = json_object_new_array(), *found = NULL, *me, *seen_it;
    char pk[32];
    int64_t seen;
    int rc = FC_OK, len, kept = 0;

    *n = 0;
    if (max <= 0 || (rc = notes_query(d, user_id, 0, max, arr)))
        goto out;
    if (!(len = (int)json_object_array_length(arr)))
        goto out;
    if ((rc = notes_context(d, user_id, arr, 1, &found, &me)))
        goto out;
    note_pk(pk, user_id);
    seen_it = dynamo_found(found, pk, "SEEN");
    seen = seen_it ? dynamo_get_n(seen_it, "v") : 0;
    for (int i = 0; i < len; i++) {
        struct fc_note_row *r = &out[kept];
        json_object *u, *x;
        memset(r, 0, sizeof *r);
        item_note(json_object_array_get_idx(arr, (size_t)i), &r->n);
        dynamo_user_pk(pk, r->n.actor_id);
        if (!(u = dynamo_found(found, pk, "PROFILE")) || !note_live(found, &r->n))
            continue;
        dynamo_copy_s(u, "username", r->username, sizeof r->username);
        dynamo_copy_s(u, "display_name", r->display_name, sizeof r->display_name);
        r->disabled = (int)dynamo_get_n(u, "disabled");
        r->rel = rel_of(me, r->n.actor_id);
        dynamo_rest_pk(pk, r->n.restaurant_id);
        if (r->n.restaurant_id && (x = dynamo_found(found, pk, "RESTAURANT")))
            dynamo_copy_s(x, "name", r->rest_name, sizeof r->rest_name);
        r->unread = r->n.id > seen;
        kept++;
    }
    *n = kept;
out:
    json_object_put(found);
    json_object_put(arr);
    return rc;
}

/* The newest notes of the header's unread count read with the last seen id (below). */
#define UNREAD_FIRST 20

struct unread_top {
    json_object *arr; /* the notes after the last seen id, newest first */
    int64_t seen;
    int notes;   /* notes read (seen or not) */
    int stopped; /* a note at or below the last seen id was reached */
};

static int unread_top_each(void *ctx, json_object *it)
{
    struct unread_top *u = ctx;
    const char *sk = dynamo_get_s(it, "sk");
    if (sk && strcmp(sk, "SEEN") == 0) {
        u->seen = dynamo_get_n(it, "v");
        return 0;
    }
    u->notes++;
    if (dynamo_get_n(it, "id") <= u->seen) {
        u->stopped = 1;
        return 1;
    }
    json_object_array_add(u->arr, json_object_get(it));
    return 0;
}

/* One Query of the recipient's partition from its top: "SEEN" sorts after every "N#id", so
 * newest first it gives the last seen id, then the newest notes (usually none after it: done,
 * one call). When the UNREAD_FIRST newest are all unread, a Query of the notes after the last
 * seen id (at most 100). Then one BatchGetItem of their actors and the recipient's profile for
 * the rule. */
int dynamo_notes_unread(struct fc_store *s, int64_t user_id, int *count)
{
    struct fc_dynamo *d = D(s);
    json_object *arr = json_object_new_array(), *found = NULL, *me, *req = dynamo_req(d);
    struct unread_top top = {arr, 0, 0, 0};
    char pk[32];
    int rc = FC_OK, len, k = 0;

    *count = 0;
    note_pk(pk, user_id);
    dynamo_expr(req, "KeyConditionExpression", "#pk = :pk AND #sk BETWEEN :lo AND :hi");
    dynamo_val(req, ":pk", dynamo_s(pk));
    dynamo_val(req, ":lo", dynamo_s("N#"));
    dynamo_val(req, ":hi", dynamo_s("SEEN"));
    json_object_object_add(req, "ScanIndexForward", json_object_new_boolean(0));
    json_object_object_add(req, "Limit", json_object_new_int(UNREAD_FIRST + 1));
    if (d->consistent)
        json_object_object_add(req, "ConsistentRead", json_object_new_boolean(1));
    if ((rc = dynamo_each(d, "Query", req, 1, unread_top_each, &top)))
        goto out;
    if (!top.stopped && top.notes >= UNREAD_FIRST) {
        /* more unread than the first read holds (a page ends at Limit items) */
        json_object_put(arr);
        top.arr = arr = json_object_new_array();
        if ((rc = notes_query(d, user_id, top.seen, 100, arr)))
            goto out;
    }
    if (!(len = (int)json_object_array_length(arr)))
        goto out;
    if ((rc = notes_context(d, user_id, arr, 0, &found, &me)))
        goto out;
    for (int i = 0; i < len; i++) {
        struct fc_note nt;
        json_object *u;
        item_note(json_object_array_get_idx(arr, (size_t)i), &nt);
        dynamo_user_pk(pk, nt.actor_id);
        if ((u = dynamo_found(found, pk, "PROFILE")) && note_live(found, &nt))
            k += fc_rules_talk_note_shown(user_id, nt.actor_id, (int)dynamo_get_n(u, "disabled"),
                                          rel_of(me, nt.actor_id));
    }
    *count = k;
out:
    json_object_put(req);
    json_object_put(found);
    json_object_put(arr);
    return rc;
}

/* The last seen id only goes up (a condition), like SQLite's max(). */
int dynamo_notes_mark_read(struct fc_store *s, int64_t user_id, int64_t upto)
{
    struct fc_dynamo *d = D(s);
    json_object *req = dynamo_req(d);
    char pk[32];
    int rc;
    note_pk(pk, user_id);
    json_object_object_add(req, "Key", dynamo_key(pk, "SEEN"));
    dynamo_expr(req, "UpdateExpression", "SET #v = :v, #type = :t");
    dynamo_expr(req, "ConditionExpression", "attribute_not_exists(#v) OR #v < :v");
    dynamo_val(req, ":v", dynamo_n(upto));
    dynamo_val(req, ":t", dynamo_s("note-seen"));
    rc = dynamo_call(d, "UpdateItem", req, NULL);
    json_object_put(req);
    return rc == DYNAMO_COND ? FC_OK : rc ? FC_ERR : FC_OK;
}

/* ---- copies (dynamodb_copy.c): the SQLite tables likes, comments, notes, notes_seen ---------- */

static json_object *row_new(void)
{
    return json_object_new_object();
}

static void row_num(json_object *row, const char *col, int64_t v)
{
    json_object_object_add(row, col, json_object_new_int64(v));
}

/* The copy's row of the fields of item it (their attribute names are the columns). */
static json_object *fields_row(json_object *it, const struct dynamo_field *f, size_t n)
{
    json_object *r = row_new();
    for (size_t i = 0; i < n; i++) {
        if (f[i].kind == 's')
            json_object_object_add(r, f[i].name,
                                   json_object_new_string(dynamo_get_s(it, f[i].name)));
        else
            row_num(r, f[i].name, dynamo_get_n(it, f[i].name));
    }
    return r;
}

const char *dynamo_talk_row(json_object *it, json_object **row)
{
    const char *pk = dynamo_get_s(it, "pk"), *sk = dynamo_get_s(it, "sk");
    json_object *r;
    *row = NULL;
    if (strncmp(pk, "RV#", 3) == 0 && strncmp(sk, "L#", 2) == 0) {
        r = row_new();
        row_num(r, "review_id", dynamo_get_n(it, "review_id"));
        row_num(r, "user_id", dynamo_get_n(it, "user_id"));
        row_num(r, "created_at", dynamo_get_n(it, "created_at"));
        *row = r;
        return "likes";
    }
    if (strncmp(pk, "RC#", 3) == 0 && strncmp(sk, "C#", 2) == 0) {
        *row = fields_row(it, comment_fields, FC_ARRAY_LEN(comment_fields));
        return "comments";
    }
    if (strncmp(pk, "N#", 2) == 0 && strncmp(sk, "N#", 2) == 0) {
        *row = fields_row(it, note_fields, FC_ARRAY_LEN(note_fields));
        return "notes";
    }
    if (strncmp(pk, "N#", 2) == 0 && strcmp(sk, "SEEN") == 0) {
        r = row_new();
        row_num(r, "user_id", strtoll(pk + 2, NULL, 10));
        row_num(r, "seen_id", dynamo_get_n(it, "v"));
        *row = r;
        return "notes_seen";
    }
    return NULL; /* not conversation; CM#: the id copy of a comment, derived */
}

static int64_t col_n(json_object *row, const char *col)
{
    json_object *v;
    return json_object_object_get_ex(row, col, &v) ? json_object_get_int64(v) : 0;
}

static const char *col_s(json_object *row, const char *col)
{
    json_object *v;
    const char *s = json_object_object_get_ex(row, col, &v) ? json_object_get_string(v) : NULL;
    return s ? s : "";
}

/* Counts per review, kept until the end: "id" -> [likes, comments]. */
static int count_add(struct dynamo_talk_import *ti, int64_t review, int which)
{
    char key[24];
    json_object *pair;
    if (!ti->counts && !(ti->counts = json_object_new_object()))
        return FC_ERR;
    snprintf(key, sizeof key, "%" PRId64, review);
    if (!json_object_object_get_ex(ti->counts, key, &pair)) {
        pair = json_object_new_array();
        json_object_array_add(pair, json_object_new_int64(0));
        json_object_array_add(pair, json_object_new_int64(0));
        json_object_object_add(ti->counts, key, pair);
    }
    json_object *v = json_object_array_get_idx(pair, (size_t)which);
    json_object_set_int64(v, json_object_get_int64(v) + 1);
    return FC_OK;
}

int dynamo_talk_import_row(struct dynamo_writer *w, struct dynamo_talk_import *ti,
                           const char *table, json_object *row)
{
    char pk[32], sk[48];
    json_object *it;
    if (strcmp(table, "likes") == 0) {
        int64_t review = col_n(row, "review_id"), user = col_n(row, "user_id");
        rv_pk(pk, review);
        like_sk(sk, user);
        it = dynamo_item_new(pk, sk, "like");
        dynamo_set(it, "review_id", dynamo_n(review));
        dynamo_set(it, "restaurant_id", dynamo_n(col_n(row, "restaurant_id")));
        dynamo_set(it, "user_id", dynamo_n(user));
        dynamo_set(it, "created_at", dynamo_n(col_n(row, "created_at")));
        return count_add(ti, review, 0) ? FC_ERR : dynamo_writer_put(w, it);
    }
    if (strcmp(table, "comments") == 0) {
        struct fc_comment c = {0};
        char cpk[32];
        c.id = col_n(row, "id");
        c.review_id = col_n(row, "review_id");
        c.restaurant_id = col_n(row, "restaurant_id");
        c.user_id = col_n(row, "user_id");
        fc_strlcpy(c.body, col_s(row, "body"), sizeof c.body);
        c.created_at = col_n(row, "created_at");
        if (c.id > ti->max_comment)
            ti->max_comment = c.id;
        thread_pk(pk, c.restaurant_id);
        thread_sk(sk, c.review_id, c.id);
        comment_pk(cpk, c.id);
        if (count_add(ti, c.review_id, 1) || dynamo_writer_put(w, comment_item(&c, pk, sk)))
            return FC_ERR;
        return dynamo_writer_put(w, comment_item(&c, cpk, "COMMENT"));
    }
    if (strcmp(table, "notes") == 0) {
        int64_t id = col_n(row, "id"), user = col_n(row, "user_id");
        if (id > ti->max_note)
            ti->max_note = id;
        note_pk(pk, user);
        note_sk(sk, id);
        it = dynamo_item_new(pk, sk, "note");
        dynamo_set(it, "id", dynamo_n(id));
        dynamo_set(it, "user_id", dynamo_n(user));
        dynamo_set(it, "actor_id", dynamo_n(col_n(row, "actor_id")));
        dynamo_set(it, "kind", dynamo_n(col_n(row, "kind")));
        dynamo_set(it, "review_id", dynamo_n(col_n(row, "review_id")));
        dynamo_set(it, "restaurant_id", dynamo_n(col_n(row, "restaurant_id")));
        dynamo_set(it, "comment_id", dynamo_n(col_n(row, "comment_id")));
        dynamo_set(it, "created_at", dynamo_n(col_n(row, "created_at")));
        return dynamo_writer_put(w, it);
    }
    if (strcmp(table, "notes_seen") == 0) {
        note_pk(pk, col_n(row, "user_id"));
        it = dynamo_item_new(pk, "SEEN", "note-seen");
        dynamo_set(it, "v", dynamo_n(col_n(row, "seen_id")));
        return dynamo_writer_put(w, it);
    }
    return FC_EINVAL;
}

/* After the review id items are written: each review's counts, and the id counters. */
int dynamo_talk_import_end(struct fc_dynamo *d, struct dynamo_talk_import *ti)
{
    int rc = FC_OK;
    if (ti->counts) {
        json_object_object_foreach(ti->counts, key, pair)
        {
            json_object *req = dynamo_req(d);
            char pk[32];
            snprintf(pk, sizeof pk, "RV#%s", key);
            json_object_object_add(req, "Key", dynamo_key(pk, "REVIEW"));
            dynamo_expr(req, "UpdateExpression", "SET #likes = :l, #comments = :c");
            dynamo_expr(req, "ConditionExpression", "attribute_exists(#pk)");
            dynamo_val(req, ":l",
                       dynamo_n(json_object_get_int64(json_object_array_get_idx(pair, 0))));
            dynamo_val(req, ":c",
                       dynamo_n(json_object_get_int64(json_object_array_get_idx(pair, 1))));
            rc = dynamo_call(d, "UpdateItem", req, NULL);
            json_object_put(req);
            if (rc == DYNAMO_COND)
                rc = FC_OK; /* likes of a review that was not copied */
            if (rc)
                break;
        }
    }
    if (rc == FC_OK && ((ti->max_comment && dynamo_raise_id(d, "comment", ti->max_comment)) ||
                        (ti->max_note && dynamo_raise_id(d, "note", ti->max_note))))
        rc = FC_ERR;
    return rc;
}

void dynamo_talk_import_free(struct dynamo_talk_import *ti)
{
    json_object_put(ti->counts);
    memset(ti, 0, sizeof *ti);
}
