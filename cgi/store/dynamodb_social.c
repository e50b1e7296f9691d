/* store/dynamodb_social: reviews (with the restaurant's rating totals), friends, requests and
 * blocks (items plus the relation sets on each profile), people lists, saves, the interaction
 * log, and the friends' feed kept by fan-out on write (docs/dynamodb.md). */
#include "core/util.h"
#include "store/dynamodb.h"
#include "store/rules.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct fc_dynamo *D(struct fc_store *s)
{
    return (struct fc_dynamo *)s;
}

/* The relation sets a profile carries, kept in the same transactions as the relation items. */
#define REL_PROJ    "#id, #friends, #req_out, #req_in, #blocked, #blocked_by, #disabled"
#define PERSON_PROJ "#id, #username, #display_name, #city, #visibility, #disabled, #friends"

/* ---- id sets --------------------------------------------------------------------------------- */

/* A sorted array of ids. */
struct ids {
    int64_t *v;
    long n;
};

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int ids_load(struct ids *s, json_object *item, const char *name)
{
    s->n = dynamo_get_ns(item, name, &s->v);
    if (s->n < 0) {
        s->n = 0;
        return FC_ERR;
    }
    if ((size_t)s->n > 1)
        qsort(s->v, (size_t)s->n, sizeof *s->v, cmp_id);
    return FC_OK;
}

static int ids_has(const struct ids *s, int64_t id)
{
    return s->n && bsearch(&id, s->v, (size_t)s->n, sizeof id, cmp_id) != NULL;
}

static void ids_free(struct ids *s)
{
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

/* Friends in common: |friends(a) ∩ friends(b)|, from two profile items. */
static int mutual(json_object *a, json_object *b)
{
    struct ids x, y;
    int n = 0;
    ids_load(&x, a, "friends");
    ids_load(&y, b, "friends");
    for (long i = 0; i < y.n; i++)
        if (ids_has(&x, y.v[i]))
            n++;
    ids_free(&x);
    ids_free(&y);
    return n;
}

/* ---- keys ------------------------------------------------------------------------------------ */

static void review_sk(char out[32], int64_t rid)
{
    snprintf(out, 32, "R#%" PRId64, rid);
}

static void save_sk(char out[32], int64_t rid)
{
    snprintf(out, 32, "SV#%" PRId64, rid);
}

/* A relation item's sort key: G#F# (friend), G#RO# / G#RI# (request out / in), G#B# (blocked),
 * G#BB# (blocked by). */
static void graph_sk(char out[40], const char *kind, int64_t other)
{
    snprintf(out, 40, "G#%s#%" PRId64, kind, other);
}

static void feed_pk(char out[32], int64_t reader)
{
    snprintf(out, 32, "FEED#%" PRId64, reader);
}

void dynamo_photo_keys(char pk[DYNAMO_PHOTO_PK], char sk[32], const char *photo, int64_t id)
{
    snprintf(pk, DYNAMO_PHOTO_PK, "PHOTO#%s", photo);
    if (sk)
        snprintf(sk, 32, "R#" DYNAMO_ID_FMT, (long long)(id > 0 ? id : 0));
}

void dynamo_feed_sk(char *out, size_t n, int64_t at, int kind, int64_t id)
{
    if (at < 0)
        at = 0;
    if (at > 999999999999LL)
        at = 999999999999LL;
    if (kind < 0)
        kind = 0;
    if (kind > 9)
        kind = 9;
    if (id < 0)
        id = 0;
    if (id > 9999999999LL)
        id = 9999999999LL;
    snprintf(out, n, DYNAMO_TIME_FMT "#%d#" DYNAMO_ID_FMT, (long long)at, kind, (long long)id);
}

/* ---- items ----------------------------------------------------------------------------------- */

int dynamo_item_review(json_object *it, struct fc_review *r)
{
    memset(r, 0, sizeof *r);
    r->id = dynamo_get_n(it, "id");
    r->user_id = dynamo_get_n(it, "user_id");
    r->restaurant_id = dynamo_get_n(it, "restaurant_id");
    r->stars = (int)dynamo_get_n(it, "stars");
    dynamo_copy_s(it, "photo", r->photo, sizeof r->photo);
    dynamo_copy_s(it, "visited", r->visited, sizeof r->visited);
    r->created_at = dynamo_get_n(it, "created_at");
    r->updated_at = dynamo_get_n(it, "updated_at");
    return fc_review_set_body(r, dynamo_get_s(it, "body"));
}

json_object *dynamo_review_item(const struct fc_review *r)
{
    json_object *it;
    char pk[32], sk[32], buf[64];
    dynamo_user_pk(pk, r->user_id);
    review_sk(sk, r->restaurant_id);
    it = dynamo_item_new(pk, sk, "review");
    dynamo_set(it, "id", dynamo_n(r->id));
    dynamo_set(it, "user_id", dynamo_n(r->user_id));
    dynamo_set(it, "restaurant_id", dynamo_n(r->restaurant_id));
    dynamo_set(it, "stars", dynamo_n(r->stars));
    dynamo_set(it, "body", dynamo_s(r->body ? r->body : ""));
    dynamo_set(it, "photo", dynamo_s(r->photo));
    if (r->visited[0])
        dynamo_set(it, "visited", dynamo_s(r->visited));
    dynamo_set(it, "created_at", dynamo_n(r->created_at));
    dynamo_set(it, "updated_at", dynamo_n(r->updated_at));
    /* lsi1: the author's reviews newest first; gsi1: the restaurant's reviews newest first */
    snprintf(buf, sizeof buf, "T#" DYNAMO_TIME_FMT "#" DYNAMO_ID_FMT,
             (long long)(r->created_at > 0 ? r->created_at : 0), (long long)r->id);
    dynamo_set(it, "lsi1", dynamo_s(buf));
    snprintf(buf, sizeof buf, "REST#%" PRId64, r->restaurant_id);
    dynamo_set(it, "gsi1pk", dynamo_s(buf));
    snprintf(buf, sizeof buf, DYNAMO_TIME_FMT "#" DYNAMO_ID_FMT,
             (long long)(r->created_at > 0 ? r->created_at : 0), (long long)r->id);
    dynamo_set(it, "gsi1sk", dynamo_s(buf));
    return it;
}

json_object *dynamo_photo_item(const char *photo, int64_t id, int64_t uid, int64_t rid)
{
    json_object *it;
    char pk[DYNAMO_PHOTO_PK], sk[32];
    dynamo_photo_keys(pk, sk, photo, id);
    it = dynamo_item_new(pk, sk, "photo");
    dynamo_set(it, "id", dynamo_n(id));
    dynamo_set(it, "user_id", dynamo_n(uid));
    dynamo_set(it, "restaurant_id", dynamo_n(rid));
    return it;
}

json_object *dynamo_feed_item(int64_t reader, int kind, int64_t id, int64_t at, int64_t author,
                              int64_t restaurant, int stars)
{
    json_object *it;
    char pk[32], sk[64], l[72];
    feed_pk(pk, reader);
    dynamo_feed_sk(sk, sizeof sk, at, kind, id);
    it = dynamo_item_new(pk, sk, "feed");
    dynamo_set(it, "kind", dynamo_n(kind));
    dynamo_set(it, "id", dynamo_n(id));
    dynamo_set(it, "at", dynamo_n(at));
    dynamo_set(it, "user_id", dynamo_n(author));
    dynamo_set(it, "restaurant_id", dynamo_n(restaurant));
    if (kind == FC_FEED_REVIEW) {
        dynamo_set(it, "stars", dynamo_n(stars));
        /* sparse lsi1: only friends' 4-5 star reviews, for "friends recommend" */
        if (stars >= 4) {
            snprintf(l, sizeof l, "K#%s", sk);
            dynamo_set(it, "lsi1", dynamo_s(l));
        }
    }
    return it;
}

json_object *dynamo_save_item(int64_t id, int64_t uid, int64_t rid, int64_t at)
{
    json_object *it;
    char pk[32], sk[32], l[64];
    dynamo_user_pk(pk, uid);
    save_sk(sk, rid);
    it = dynamo_item_new(pk, sk, "save");
    dynamo_set(it, "id", dynamo_n(id));
    dynamo_set(it, "user_id", dynamo_n(uid));
    dynamo_set(it, "restaurant_id", dynamo_n(rid));
    dynamo_set(it, "created_at", dynamo_n(at));
    snprintf(l, sizeof l, "V#" DYNAMO_TIME_FMT "#" DYNAMO_ID_FMT, (long long)(at > 0 ? at : 0),
             (long long)id);
    dynamo_set(it, "lsi1", dynamo_s(l));
    return it;
}

/* A user's profile with its relation sets (*it new: the caller puts it). */
static int profile(struct fc_dynamo *d, int64_t uid, const char *proj, json_object **it)
{
    char pk[32];
    dynamo_user_pk(pk, uid);
    return dynamo_get(d, pk, "PROFILE", proj, it);
}

/* ---- the feed fan-out ------------------------------------------------------------------------ */

/* Writes (or deletes) one entry in the feed of every friend of the author (friends: the
 * author's profile item). A failure is logged: the write it follows has been made. */
static int fanout(struct fc_dynamo *d, json_object *author_profile, int kind, int64_t id,
                  int64_t at, int64_t author, int64_t rid, int stars, int del)
{
    struct ids fr;
    struct dynamo_writer w;
    int rc = FC_OK;
    ids_load(&fr, author_profile, "friends");
    dynamo_writer_init(&w, d);
    for (long i = 0; i < fr.n && i < d->fanout_max && rc == FC_OK; i++) {
        if (del) {
            char pk[32], sk[64];
            feed_pk(pk, fr.v[i]);
            dynamo_feed_sk(sk, sizeof sk, at, kind, id);
            rc = dynamo_writer_del(&w, pk, sk);
        } else {
            rc = dynamo_writer_put(&w, dynamo_feed_item(fr.v[i], kind, id, at, author, rid, stars));
        }
    }
    if (rc == FC_OK)
        rc = dynamo_writer_flush(&w);
    if (fr.n > d->fanout_max)
        fprintf(stderr,
                "forkcast: dynamodb: user %" PRId64 " has %ld friends; the feed fan-out "
                "stops at %d (Store.DynamoDB.FanoutMax)\n",
                author, fr.n, d->fanout_max);
    if (rc)
        fprintf(stderr,
                "forkcast: dynamodb: feed fan-out of %s %" PRId64 " failed; run "
                "'forkcast dynamodb rebuild-feeds'\n",
                kind == FC_FEED_REVIEW ? "review" : "save", id);
    dynamo_writer_free(&w);
    ids_free(&fr);
    return rc;
}

struct backfill {
    struct dynamo_writer *w;
    int64_t author, reader;
    int del;
};

static int backfill_each(void *ctx, json_object *it)
{
    struct backfill *b = ctx;
    const char *sk = dynamo_get_s(it, "sk");
    int kind = sk[0] == 'R' ? FC_FEED_REVIEW : FC_FEED_SAVE;
    int64_t id = dynamo_get_n(it, "id"), at = dynamo_get_n(it, "created_at");
    if (strncmp(sk, "R#", 2) && strncmp(sk, "SV#", 3))
        return 0;
    if (b->del) {
        char pk[32], fsk[64];
        feed_pk(pk, b->reader);
        dynamo_feed_sk(fsk, sizeof fsk, at, kind, id);
        return dynamo_writer_del(b->w, pk, fsk);
    }
    return dynamo_writer_put(b->w, dynamo_feed_item(b->reader, kind, id, at, b->author,
                                                    dynamo_get_n(it, "restaurant_id"),
                                                    (int)dynamo_get_n(it, "stars")));
}

int dynamo_feed_backfill(struct fc_dynamo *d, int64_t author, int64_t reader, int del)
{
    json_object *req = dynamo_req(d);
    struct dynamo_writer w;
    struct backfill b = {&w, author, reader, del};
    char pk[32];
    int rc;
    dynamo_writer_init(&w, d);
    dynamo_user_pk(pk, author);
    /* the author's reviews (R#...) and saves (SV#...) are one key range */
    dynamo_expr(req, "KeyConditionExpression", "#pk = :pk AND #sk BETWEEN :a AND :b");
    dynamo_expr(req, "ProjectionExpression", "#sk, #id, #created_at, #restaurant_id, #stars");
    dynamo_val(req, ":pk", dynamo_s(pk));
    dynamo_val(req, ":a", dynamo_s("R#"));
    dynamo_val(req, ":b", dynamo_s("SV$"));
    dynamo_consistent(d, req);
    rc = dynamo_each(d, "Query", req, 0, backfill_each, &b);
    if (rc == FC_OK)
        rc = dynamo_writer_flush(&w);
    if (rc)
        fprintf(stderr,
                "forkcast: dynamodb: feed %s of user %" PRId64 " for %" PRId64
                " failed; run 'forkcast dynamodb rebuild-feeds'\n",
                del ? "clean-up" : "backfill", author, reader);
    dynamo_writer_free(&w);
    json_object_put(req);
    return rc;
}

/* ---- reviews --------------------------------------------------------------------------------- */

/* Adds the rating totals' change of the restaurant to a transaction. */
static void tx_rating(struct fc_dynamo *d, json_object *items, int64_t rid, int dcount, int dstars)
{
    json_object *a = dynamo_tx_add(d, items, "Update");
    char pk[32];
    dynamo_rest_pk(pk, rid);
    json_object_object_add(a, "Key", dynamo_key(pk, "RESTAURANT"));
    dynamo_expr(a, "UpdateExpression", "ADD #review_count :c, #stars_sum :s");
    dynamo_expr(a, "ConditionExpression", "attribute_exists(#pk)");
    dynamo_val(a, ":c", dynamo_n(dcount));
    dynamo_val(a, ":s", dynamo_n(dstars));
}

/* Conditions a transaction's action on the review item to still be ov as read: the same
 * review (id), stars (the rating totals change by the difference) and photo (the photo items
 * follow it). */
static void tx_unchanged(json_object *a, const struct fc_review *ov)
{
    dynamo_expr(a, "ConditionExpression",
                ov->photo[0] ? "#id = :id AND #stars = :os AND #photo = :op"
                             : "#id = :id AND #stars = :os AND (attribute_not_exists(#photo) OR "
                               "#photo = :op)");
    dynamo_val(a, ":id", dynamo_n(ov->id));
    dynamo_val(a, ":os", dynamo_n(ov->stars));
    dynamo_val(a, ":op", dynamo_s(ov->photo));
}

/* Adds to a transaction the photo index items of review id changing photo from old to new
 * ("" for none): the old one's goes, the new one's is (re)written. After the review's actions,
 * which keep their indexes (cancellation reasons). */
static void tx_photo(struct fc_dynamo *d, json_object *items, const char *old, const char *new,
                     int64_t id, int64_t uid, int64_t rid)
{
    json_object *a;
    if (old[0] && strcmp(old, new) != 0) {
        char pk[DYNAMO_PHOTO_PK], sk[32];
        dynamo_photo_keys(pk, sk, old, id);
        a = dynamo_tx_add(d, items, "Delete");
        json_object_object_add(a, "Key", dynamo_key(pk, sk));
    }
    if (new[0]) {
        a = dynamo_tx_add(d, items, "Put");
        json_object_object_add(a, "Item", dynamo_photo_item(new, id, uid, rid));
    }
}

json_object *dynamo_pointer_item(int64_t id, int64_t uid, int64_t rid)
{
    json_object *it;
    char pk[32];
    snprintf(pk, sizeof pk, "RV#%" PRId64, id);
    it = dynamo_item_new(pk, "REVIEW", "review-id");
    dynamo_set(it, "user_id", dynamo_n(uid));
    dynamo_set(it, "restaurant_id", dynamo_n(rid));
    return it;
}

/* A user's review item (upk, sk) and their profile, in one BatchGetItem: *found for the caller
 * to put, *old and *prof in it (NULL when absent). */
static int review_and_profile(struct fc_dynamo *d, const char *upk, const char *sk,
                              json_object **found, json_object **old, json_object **prof)
{
    struct dynamo_keys k;
    int rc;
    dynamo_keys_init(&k);
    dynamo_keys_add(&k, upk, sk);
    dynamo_keys_add(&k, upk, "PROFILE");
    rc = dynamo_batch_get(d, &k, NULL, found);
    dynamo_keys_free(&k);
    if (rc)
        return rc;
    *old = dynamo_found(*found, upk, sk);
    *prof = dynamo_found(*found, upk, "PROFILE");
    return FC_OK;
}

int dynamo_review_put(struct fc_store *s, struct fc_review *r, int overwrite)
{
    struct fc_dynamo *d = D(s);
    char upk[32], sk[32];
    int rc = FC_ERR;

    dynamo_user_pk(upk, r->user_id);
    review_sk(sk, r->restaurant_id);
    for (int tries = 0; tries < 3; tries++) {
        json_object *found = NULL, *old, *prof, *items, *a;
        struct fc_review nr, ov;
        if ((rc = review_and_profile(d, upk, sk, &found, &old, &prof)))
            return rc;
        if (!prof || (old && !overwrite)) {
            json_object_put(found);
            return FC_EXISTS; /* no such user (a foreign key in SQL), or already reviewed */
        }
        nr = *r; /* borrows r's body */
        if (old) {
            if (dynamo_item_review(old, &ov)) {
                fc_review_clear(&ov);
                json_object_put(found);
                return FC_ERR;
            }
            fc_review_clear(&ov); /* its id, stars, photo and time are what counts */
            nr.id = ov.id;
            nr.created_at = ov.created_at; /* an edit keeps the review's place */
        } else if ((rc = dynamo_next_id(d, "review", &nr.id))) {
            json_object_put(found);
            return rc;
        }
        nr.updated_at = r->updated_at ? r->updated_at : r->created_at;
        items = json_object_new_array();
        a = dynamo_tx_add(d, items, "Put");
        json_object_object_add(a, "Item", dynamo_review_item(&nr));
        if (old) {
            tx_unchanged(a, &ov);
            tx_rating(d, items, nr.restaurant_id, 0, nr.stars - ov.stars);
        } else {
            dynamo_expr(a, "ConditionExpression", "attribute_not_exists(#pk)");
            a = dynamo_tx_add(d, items, "Put");
            json_object_object_add(a, "Item",
                                   dynamo_pointer_item(nr.id, nr.user_id, nr.restaurant_id));
            tx_rating(d, items, nr.restaurant_id, 1, nr.stars);
        }
        tx_photo(d, items, old ? ov.photo : "", nr.photo, nr.id, nr.user_id, nr.restaurant_id);
        rc = dynamo_transact(d, items);
        json_object_put(items);
        if (rc == FC_OK) {
            fanout(d, prof, FC_FEED_REVIEW, nr.id, nr.created_at, nr.user_id, nr.restaurant_id,
                   nr.stars, 0);
            dynamo_bump(d);
        }
        json_object_put(found);
        if (rc != DYNAMO_CANCEL)
            return rc;
        if (d->cancel_index == 1 + !old) /* the restaurant does not exist */
            return FC_EXISTS;
        rc = FC_EXISTS; /* changed meanwhile: read again */
    }
    return rc;
}

int dynamo_review_count_user(struct fc_store *s, int64_t uid, int *count)
{
    struct fc_dynamo *d = D(s);
    json_object *req;
    char pk[32];
    int rc;
    dynamo_user_pk(pk, uid);
    req = dynamo_query_prefix(d, NULL, pk, "R#");
    rc = dynamo_count(d, req, count);
    json_object_put(req);
    return rc;
}

int dynamo_review_get_by(struct fc_store *s, int64_t uid, int64_t rid, struct fc_review *out)
{
    json_object *it;
    char pk[32], sk[32];
    int rc;
    dynamo_user_pk(pk, uid);
    review_sk(sk, rid);
    rc = dynamo_get(D(s), pk, sk, NULL, &it);
    if (rc == FC_OK && (rc = dynamo_item_review(it, out)))
        fc_review_clear(out);
    json_object_put(it);
    return rc;
}

/* The (user, restaurant) of a review id, from its pointer item. */
static int review_where(struct fc_dynamo *d, int64_t id, int64_t *uid, int64_t *rid)
{
    json_object *it;
    char pk[32];
    int rc;
    snprintf(pk, sizeof pk, "RV#%" PRId64, id);
    rc = dynamo_get(d, pk, "REVIEW", "#user_id, #restaurant_id", &it);
    if (rc == FC_OK) {
        *uid = dynamo_get_n(it, "user_id");
        *rid = dynamo_get_n(it, "restaurant_id");
    }
    json_object_put(it);
    return rc;
}

int dynamo_review_get(struct fc_store *s, int64_t id, struct fc_review *out)
{
    int64_t uid, rid;
    int rc = review_where(D(s), id, &uid, &rid);
    if (rc)
        return rc;
    rc = dynamo_review_get_by(s, uid, rid, out);
    if (rc == FC_OK && out->id != id) {
        fc_review_clear(out);
        rc = FC_NOTFOUND;
    }
    return rc;
}

int dynamo_review_delete(struct fc_store *s, int64_t id)
{
    struct fc_dynamo *d = D(s);
    int64_t uid, rid;
    int rc = review_where(d, id, &uid, &rid);
    char upk[32], sk[32], ppk[32];
    json_object *found = NULL, *old, *prof, *items, *a;
    struct fc_review ov;

    if (rc)
        return rc == FC_NOTFOUND ? FC_OK : rc; /* like DELETE ... WHERE id = ? */
    dynamo_user_pk(upk, uid);
    review_sk(sk, rid);
    snprintf(ppk, sizeof ppk, "RV#%" PRId64, id);
    if ((rc = review_and_profile(d, upk, sk, &found, &old, &prof)))
        return rc;
    items = json_object_new_array();
    if (old) {
        rc = dynamo_item_review(old, &ov);
        fc_review_clear(&ov); /* its id, stars and photo are what counts */
        if (rc) {
            json_object_put(items);
            json_object_put(found);
            return rc;
        }
        if (ov.id != id)
            old = NULL;
    }
    if (old) {
        a = dynamo_tx_add(d, items, "Delete");
        json_object_object_add(a, "Key", dynamo_key(upk, sk));
        tx_unchanged(a, &ov);
        tx_rating(d, items, rid, -1, -ov.stars);
        tx_photo(d, items, ov.photo, "", id, uid, rid);
    }
    a = dynamo_tx_add(d, items, "Delete");
    json_object_object_add(a, "Key", dynamo_key(ppk, "REVIEW"));
    rc = dynamo_transact(d, items);
    if (rc == DYNAMO_CANCEL)
        rc = FC_ERR; /* edited meanwhile: let the person try again */
    if (rc == FC_OK && old) {
        if (prof)
            fanout(d, prof, FC_FEED_REVIEW, id, ov.created_at, uid, rid, ov.stars, 1);
        dynamo_bump(d);
    }
    json_object_put(items);
    json_object_put(found);
    return rc;
}

/* ---- reading reviews with their authors ------------------------------------------------------ */

/* The viewer may see content by author (author: profile item): their own, or not blocked
 * either way and public or by a friend: fc_store_may_see, as SQLite's fc_may_see. Disabled
 * authors show nothing. */
static int visible(int64_t viewer, const struct ids *friends, const struct ids *blocked,
                   const struct ids *blocked_by, json_object *author)
{
    int64_t a = dynamo_get_n(author, "id");
    int rel = (ids_has(friends, a) ? FC_REL_FRIEND : 0) |
              (ids_has(blocked, a) ? FC_REL_BLOCKED : 0) |
              (ids_has(blocked_by, a) ? FC_REL_BLOCKED_BY : 0);
    return author && fc_store_may_see(viewer, a, dynamo_get_s(author, "visibility"),
                                      dynamo_get_n(author, "disabled") != 0, rel);
}

/* One candidate row: the review item and whether a friend wrote it. */
struct cand {
    json_object *it;
    int64_t created, id, author;
    int by_friend;
};

static int cmp_cand(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->by_friend != y->by_friend)
        return y->by_friend - x->by_friend;
    if (x->created != y->created)
        return x->created < y->created ? 1 : -1;
    return (x->id < y->id) - (x->id > y->id);
}

struct rev_list {
    struct cand *c;
    size_t n, cap;
};

static int cand_add(struct rev_list *l, json_object *it, int by_friend)
{
    int64_t id = dynamo_get_n(it, "id");
    for (size_t i = 0; i < l->n; i++)
        if (l->c[i].id == id)
            return FC_OK;
    if (fc_grow(&l->c, &l->cap, l->n + 1, sizeof *l->c, 32))
        return FC_ERR;
    l->c[l->n].it = json_object_get(it);
    l->c[l->n].created = dynamo_get_n(it, "created_at");
    l->c[l->n].id = id;
    l->c[l->n].author = dynamo_get_n(it, "user_id");
    l->c[l->n].by_friend = by_friend;
    l->n++;
    return FC_OK;
}

static void rev_list_free(struct rev_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        json_object_put(l->c[i].it);
    free(l->c);
    memset(l, 0, sizeof *l);
}

/* The viewer's relation sets (all empty for an anonymous viewer). */
struct viewer {
    int64_t id;
    struct ids friends, blocked, blocked_by, req_out, req_in;
    json_object *prof;
};

static int viewer_load(struct fc_dynamo *d, int64_t id, struct viewer *v)
{
    int rc;
    memset(v, 0, sizeof *v);
    v->id = id;
    if (!id)
        return FC_OK;
    rc = profile(d, id, REL_PROJ, &v->prof);
    if (rc == FC_NOTFOUND)
        return FC_OK;
    if (rc)
        return rc;
    if (ids_load(&v->friends, v->prof, "friends") || ids_load(&v->blocked, v->prof, "blocked") ||
        ids_load(&v->blocked_by, v->prof, "blocked_by") ||
        ids_load(&v->req_out, v->prof, "req_out") || ids_load(&v->req_in, v->prof, "req_in"))
        return FC_ERR;
    return FC_OK;
}

/* The viewer's sets from a profile item read with others (borrows prof and keeps a reference
 * of its own, put by viewer_free). */
static int viewer_from(struct viewer *v, int64_t id, json_object *prof)
{
    memset(v, 0, sizeof *v);
    v->id = id;
    if (!id || !prof)
        return FC_OK;
    v->prof = json_object_get(prof);
    if (ids_load(&v->friends, prof, "friends") || ids_load(&v->blocked, prof, "blocked") ||
        ids_load(&v->blocked_by, prof, "blocked_by") || ids_load(&v->req_out, prof, "req_out") ||
        ids_load(&v->req_in, prof, "req_in"))
        return FC_ERR;
    return FC_OK;
}

static void viewer_free(struct viewer *v)
{
    ids_free(&v->friends);
    ids_free(&v->blocked);
    ids_free(&v->blocked_by);
    ids_free(&v->req_out);
    ids_free(&v->req_in);
    json_object_put(v->prof);
}

/* Fills review rows from candidates (sorted) whose authors are in found; FC_ERR (nothing
 * left to free) when out of memory. */
static int fill_rows(struct rev_list *l, json_object *found, const char *rest_name, int64_t rid,
                     struct fc_review_row *out, int max, int *n)
{
    int k = 0;
    for (size_t i = 0; i < l->n && k < max; i++) {
        struct fc_review_row *o = &out[k++];
        char pk[32], rpk[32];
        json_object *au, *rest;
        memset(o, 0, sizeof *o);
        if (dynamo_item_review(l->c[i].it, &o->r)) {
            fc_review_rows_clear(out, k);
            return FC_ERR;
        }
        dynamo_user_pk(pk, l->c[i].author);
        au = dynamo_found(found, pk, "PROFILE");
        dynamo_copy_s(au, "username", o->username, sizeof o->username);
        dynamo_copy_s(au, "display_name", o->display_name, sizeof o->display_name);
        if (rest_name) {
            fc_strlcpy(o->rest_name, rest_name, sizeof o->rest_name);
        } else {
            dynamo_rest_pk(rpk, rid ? rid : o->r.restaurant_id);
            rest = dynamo_found(found, rpk, "RESTAURANT");
            dynamo_copy_s(rest, "name", o->rest_name, sizeof o->rest_name);
        }
        o->by_friend = l->c[i].by_friend;
    }
    *n = k;
    return FC_OK;
}

/* Merges the items of more into found (both "pk\x1fsk" -> item objects); borrows found, takes
 * more. */
static void merge_found(json_object *found, json_object *more)
{
    if (!more)
        return;
    json_object_object_foreach(more, key, val)
    {
        json_object_object_add(found, key, json_object_get(val));
    }
    json_object_put(more);
}

/* The restaurant's reviews are read from its gsi1 partition whole when that takes no more
 * calls than reading each friend's review by key (100 keys per BatchGetItem); a Query page
 * (1 MB) holds about Store.DynamoDB.ReviewsPerPage reviews. */
static int whole_partition(struct fc_dynamo *d, int64_t review_count, long friends)
{
    int64_t per = d->reviews_per_page;
    return review_count <= per || (review_count + per - 1) / per <= (friends + 1 + 99) / 100;
}

/* The restaurant's reviews from gsi1, newest first: one page of up to limit (0: all of them,
 * page after page). *lek is where the next page starts (NULL at the end); it is taken (put
 * here) and replaced by a new one the caller puts. *pages counts the pages read one at a time
 * (dynamo_page_next). */
static int restaurant_reviews(struct fc_dynamo *d, int64_t rid, int limit, json_object **lek,
                              int *pages, dynamo_item_fn fn, void *ctx)
{
    json_object *req = dynamo_req(d), *resp = NULL, *items, *x;
    char g1[40];
    int rc;
    json_object_object_add(req, "IndexName", json_object_new_string("gsi1"));
    snprintf(g1, sizeof g1, "REST#%" PRId64, rid);
    dynamo_expr(req, "KeyConditionExpression", "#gsi1pk = :p");
    dynamo_val(req, ":p", dynamo_s(g1));
    json_object_object_add(req, "ScanIndexForward", json_object_new_boolean(0));
    if (!limit) {
        rc = dynamo_each(d, "Query", req, 0, fn, ctx);
        json_object_put(req);
        return rc;
    }
    json_object_object_add(req, "Limit", json_object_new_int(limit));
    if (*lek)
        json_object_object_add(req, "ExclusiveStartKey", json_object_get(*lek));
    rc = dynamo_call(d, "Query", req, &resp);
    json_object_put(*lek);
    *lek = NULL;
    if (rc == FC_OK) {
        if ((items = dynamo_get_array(resp, "Items")))
            for (size_t i = 0; i < json_object_array_length(items) && rc == FC_OK; i++)
                rc = fn(ctx, json_object_array_get_idx(items, i));
        if (rc == FC_OK && json_object_object_get_ex(resp, "LastEvaluatedKey", &x) &&
            (rc = dynamo_page_next(d, "Query", req, x, ++*pages)) == FC_OK)
            *lek = json_object_get(x);
    }
    json_object_put(resp);
    json_object_put(req);
    return rc;
}

/* Sorts one review of the restaurant: a friend's, or another's (pending the author's
 * visibility), minus those of users blocked either way. */
struct sort_ctx {
    const struct viewer *v;
    struct rev_list *friends, *others;
    int *stars; /* non-NULL: counts every review's stars (the whole index is read) */
};

static int sort_review(void *ctx, json_object *it)
{
    struct sort_ctx *c = ctx;
    int64_t author = dynamo_get_n(it, "user_id");
    if (c->stars) {
        int64_t st = dynamo_get_n(it, "stars");
        if (st >= 1 && st <= 5)
            c->stars[st - 1]++;
    }
    if (ids_has(&c->v->friends, author))
        return cand_add(c->friends, it, 1);
    if (ids_has(&c->v->blocked, author) || ids_has(&c->v->blocked_by, author))
        return FC_OK;
    return cand_add(c->others, it, 0);
}

/* Reads into found the profiles of the authors of l->c[from..to) not there yet. */
static int fetch_authors(struct fc_dynamo *d, json_object *found, struct rev_list *l, size_t from,
                         size_t to)
{
    struct dynamo_keys k;
    json_object *more = NULL;
    int rc = FC_OK;
    dynamo_keys_init(&k);
    for (size_t i = from; i < to && i < l->n; i++) {
        char pk[32];
        dynamo_user_pk(pk, l->c[i].author);
        if (!dynamo_found(found, pk, "PROFILE"))
            dynamo_keys_add(&k, pk, "PROFILE");
    }
    if (json_object_array_length(k.list)) {
        rc =
            dynamo_batch_get(d, &k, "#id, #username, #display_name, #visibility, #disabled", &more);
        if (rc == FC_OK)
            merge_found(found, more);
    }
    dynamo_keys_free(&k);
    return rc;
}

/* The profile of c's author, borrowed from found, or NULL. */
static json_object *author_of(json_object *found, const struct cand *c)
{
    char pk[32];
    dynamo_user_pk(pk, c->author);
    return dynamo_found(found, pk, "PROFILE");
}

/* The rating of the reviews in l whose authors (in found, fetch_authors) are not disabled: how
 * many and their average stars. */
static void enabled_rating(json_object *found, const struct rev_list *l, int *count, double *avg)
{
    long sum = 0;
    int n = 0;
    for (size_t i = 0; i < l->n; i++) {
        json_object *au = author_of(found, &l->c[i]);
        if (!au || dynamo_get_n(au, "disabled"))
            continue;
        n++;
        sum += (long)dynamo_get_n(l->c[i].it, "stars");
    }
    *count = n;
    *avg = n ? (double)sum / n : 0.0;
}

int dynamo_reviews_of_restaurant(struct fc_store *s, int64_t rid, int64_t viewer,
                                 struct fc_review_row *out, int max, int *n)
{
    return dynamo_reviews_of_restaurant_in(D(s), rid, viewer, NULL, out, max, n, NULL, NULL, NULL,
                                           NULL);
}

/* The viewer's friends' reviews of a restaurant (its review sort key sk), each read by its key in
 * one BatchGetItem (the attributes of projection; NULL: all) and added to l. */
static int friends_reviews_by_key(struct fc_dynamo *d, const struct viewer *v, const char *sk,
                                  const char *projection, struct rev_list *l)
{
    struct dynamo_keys k;
    json_object *more = NULL;
    int rc;
    dynamo_keys_init(&k);
    for (long i = 0; i < v->friends.n; i++) {
        char pk[32];
        dynamo_user_pk(pk, v->friends.v[i]);
        dynamo_keys_add(&k, pk, sk);
    }
    rc = dynamo_batch_get(d, &k, projection, &more);
    dynamo_keys_free(&k);
    if (rc)
        return rc;
    json_object_object_foreach(more, key, val)
    {
        (void)key;
        if ((rc = cand_add(l, val, 1)))
            break;
    }
    json_object_put(more);
    return rc;
}

int dynamo_reviews_of_restaurant_in(struct fc_dynamo *d, int64_t rid, int64_t viewer,
                                    json_object *context, struct fc_review_row *out, int max,
                                    int *n, int stars[5], int *stars_counted, int *friends_count,
                                    double *friends_avg)
{
    struct viewer v;
    struct rev_list rows = {0}, friends = {0}, others = {0};
    struct sort_ctx sc = {&v, &friends, &others, NULL};
    struct dynamo_keys k;
    json_object *found = NULL, *lek = NULL, *rest;
    char rpk[32], vpk[32], sk[32], rest_name[256] = "";
    int rc, whole, need, fetched = 0, pages = 0;
    size_t done = 0;

    *n = 0;
    if (stars_counted)
        *stars_counted = 0;
    memset(&v, 0, sizeof v);
    if (max <= 0)
        return FC_OK;
    dynamo_keys_init(&k);
    /* 1. the viewer (friends, blocks) and the restaurant (name, number of reviews): the
       caller's context when it has read them, else one BatchGetItem */
    dynamo_rest_pk(rpk, rid);
    dynamo_user_pk(vpk, viewer);
    review_sk(sk, rid);
    if (context) {
        found = json_object_get(context);
    } else {
        dynamo_keys_add(&k, rpk, "RESTAURANT");
        if (viewer) {
            dynamo_keys_add(&k, vpk, "PROFILE");
            dynamo_keys_add(&k, vpk, sk); /* the viewer's own review, strongly consistent */
        }
        if ((rc = dynamo_batch_get(d, &k, NULL, &found)))
            goto out;
    }
    rest = dynamo_found(found, rpk, "RESTAURANT");
    dynamo_copy_s(rest, "name", rest_name, sizeof rest_name);
    if ((rc = viewer_from(&v, viewer, viewer ? dynamo_found(found, vpk, "PROFILE") : NULL)))
        goto out;
    /* 2. the friends' reviews: the whole restaurant index when that is cheap, else by key */
    whole = whole_partition(d, dynamo_get_n(rest, "review_count"), v.friends.n);
    if (whole) {
        /* every review of the restaurant passes by: their stars too, when asked */
        if (stars) {
            memset(stars, 0, 5 * sizeof *stars);
            sc.stars = stars;
        }
        if ((rc = restaurant_reviews(d, rid, 0, &lek, &pages, sort_review, &sc)))
            goto out;
        sc.stars = NULL;
        if (stars_counted)
            *stars_counted = stars != NULL;
    } else if (v.friends.n && (rc = friends_reviews_by_key(d, &v, sk, NULL, &friends))) {
        goto out;
    }
    if ((rc = fetch_authors(d, found, &friends, 0, friends.n)))
        goto out;
    /* the friends' rating (dynamo_friends_rating_from) from the same friends' reviews: the
       disabled ones do not count */
    if (friends_count) {
        enabled_rating(found, &friends, friends_count, friends_avg);
    }
    for (size_t i = 0; i < friends.n; i++)
        if (visible(viewer, &v.friends, &v.blocked, &v.blocked_by,
                    author_of(found, &friends.c[i])) &&
            (rc = cand_add(&rows, friends.c[i].it, 1)))
            goto out;
    /* 3. the others' reviews, newest first, until enough are visible (the authors decide) */
    need = max - (int)rows.n;
    if (others.n > 1)
        qsort(others.c, others.n, sizeof *others.c, cmp_cand);
    while (need > 0) {
        size_t upto = done + (size_t)need + 4;
        if (!whole && upto > others.n && (!fetched || lek)) {
            /* another page of the index (or the first) */
            size_t before = others.n;
            if ((rc = restaurant_reviews(d, rid, need + 8, &lek, &pages, sort_review, &sc)))
                goto out;
            fetched = 1;
            if (others.n > 1)
                qsort(others.c + before, others.n - before, sizeof *others.c, cmp_cand);
            if (others.n == before && lek)
                continue;
        }
        if (done >= others.n)
            break;
        if ((rc = fetch_authors(d, found, &others, done, upto)))
            goto out;
        for (; done < others.n && done < upto && need > 0; done++)
            if (visible(viewer, &v.friends, &v.blocked, &v.blocked_by,
                        author_of(found, &others.c[done]))) {
                if ((rc = cand_add(&rows, others.c[done].it, 0)))
                    goto out;
                need--;
            }
        if (!whole && !lek && done >= others.n)
            break;
    }
    /* the viewer's own review, read by key: there even if the index has not caught up (it
     * takes its place by time among the newest others, all of which were considered) */
    if (viewer && dynamo_found(found, vpk, sk) &&
        visible(viewer, &v.friends, &v.blocked, &v.blocked_by,
                dynamo_found(found, vpk, "PROFILE")) &&
        (rc = cand_add(&rows, dynamo_found(found, vpk, sk), 0)))
        goto out;
    if (rows.n > 1)
        qsort(rows.c, rows.n, sizeof *rows.c, cmp_cand);
    rc = fill_rows(&rows, found, rest_name, rid, out, max, n);
out:
    json_object_put(lek);
    json_object_put(found);
    rev_list_free(&rows);
    rev_list_free(&friends);
    rev_list_free(&others);
    dynamo_keys_free(&k);
    viewer_free(&v);
    return rc;
}

/* dynamo_each callback: collects the items into a rev_list, up to max of them. */
struct cap_ctx {
    struct rev_list *l;
    long max;
};

static int cap_each(void *ctx, json_object *it)
{
    struct cap_ctx *c = ctx;
    if (cand_add(c->l, it, 0))
        return FC_ERR;
    return (long)c->l->n >= c->max ? 1 : 0;
}

int dynamo_author_reviews(struct fc_dynamo *d, int64_t uid, int is_friend,
                          struct fc_review_row *out, int max, int *n, int *read_all)
{
    struct dynamo_keys k;
    struct rev_list l = {0};
    struct cap_ctx c = {&l, max};
    json_object *req, *found = NULL;
    char apk[32];
    int rc;

    *n = 0;
    *read_all = 0;
    if (max <= 0)
        return FC_OK;
    /* the author's reviews, newest first, from lsi1 */
    dynamo_user_pk(apk, uid);
    dynamo_keys_init(&k);
    req = dynamo_req(d);
    json_object_object_add(req, "IndexName", json_object_new_string("lsi1"));
    dynamo_expr(req, "KeyConditionExpression", "#pk = :pk AND begins_with(#lsi1, :t)");
    dynamo_val(req, ":pk", dynamo_s(apk));
    dynamo_val(req, ":t", dynamo_s("T#"));
    json_object_object_add(req, "ScanIndexForward", json_object_new_boolean(0));
    json_object_object_add(req, "Limit", json_object_new_int(max));
    if (d->consistent)
        json_object_object_add(req, "ConsistentRead", json_object_new_boolean(1));
    if ((rc = dynamo_each(d, "Query", req, 0, cap_each, &c)))
        goto out;
    /* fewer than max: the Query went to the end of them */
    *read_all = (long)l.n < max;
    for (size_t i = 0; i < l.n; i++) {
        char rpk[32];
        dynamo_rest_pk(rpk, dynamo_get_n(l.c[i].it, "restaurant_id"));
        dynamo_keys_add(&k, rpk, "RESTAURANT");
        l.c[i].by_friend = is_friend;
    }
    if ((rc = dynamo_batch_get(d, &k, "#name", &found)))
        goto out;
    rc = fill_rows(&l, found, NULL, 0, out, max, n);
out:
    json_object_put(req);
    json_object_put(found);
    rev_list_free(&l);
    dynamo_keys_free(&k);
    return rc;
}

int dynamo_reviews_by_user(struct fc_store *s, int64_t uid, int64_t viewer,
                           struct fc_review_row *out, int max, int *n)
{
    struct fc_dynamo *d = D(s);
    struct dynamo_keys k;
    json_object *found = NULL, *author;
    char apk[32], vpk[32], sk[40];
    int rc, ok, rel = 0, all;

    *n = 0;
    if (max <= 0)
        return FC_OK;
    /* the author and what the viewer is to them, in one call */
    dynamo_user_pk(apk, uid);
    dynamo_user_pk(vpk, viewer);
    dynamo_keys_init(&k);
    dynamo_keys_add(&k, apk, "PROFILE");
    if (viewer && viewer != uid) {
        graph_sk(sk, "F", uid);
        dynamo_keys_add(&k, vpk, sk);
        graph_sk(sk, "B", uid);
        dynamo_keys_add(&k, vpk, sk);
        graph_sk(sk, "BB", uid);
        dynamo_keys_add(&k, vpk, sk);
    }
    if ((rc = dynamo_batch_get(d, &k, NULL, &found)))
        goto out;
    author = dynamo_found(found, apk, "PROFILE");
    if (viewer && viewer != uid) {
        graph_sk(sk, "F", uid);
        rel |= dynamo_found(found, vpk, sk) ? FC_REL_FRIEND : 0;
        graph_sk(sk, "B", uid);
        rel |= dynamo_found(found, vpk, sk) ? FC_REL_BLOCKED : 0;
        graph_sk(sk, "BB", uid);
        rel |= dynamo_found(found, vpk, sk) ? FC_REL_BLOCKED_BY : 0;
    }
    ok = author && fc_store_may_see(viewer, uid, dynamo_get_s(author, "visibility"),
                                    dynamo_get_n(author, "disabled") != 0, rel);
    if (!ok)
        goto out;
    if ((rc = dynamo_author_reviews(d, uid, (rel & FC_REL_FRIEND) != 0, out, max, n, &all)))
        goto out;
    for (int i = 0; i < *n; i++) {
        dynamo_copy_s(author, "username", out[i].username, sizeof out[i].username);
        dynamo_copy_s(author, "display_name", out[i].display_name, sizeof out[i].display_name);
    }
out:
    json_object_put(found);
    dynamo_keys_free(&k);
    return rc;
}

int dynamo_reviews_with_photo(struct fc_store *s, const char *photo, int64_t viewer,
                              struct fc_review *out, int max, int *n)
{
    struct fc_dynamo *d = D(s);
    struct rev_list refs = {0}, rows = {0};
    struct cap_ctx pc = {&refs, d->search_max};
    struct dynamo_keys k;
    struct viewer v;
    json_object *req = NULL, *found = NULL;
    char pk[DYNAMO_PHOTO_PK], vpk[32];
    int rc = FC_OK;

    *n = 0;
    memset(&v, 0, sizeof v);
    dynamo_keys_init(&k);
    if (max <= 0 || !photo || !photo[0])
        goto out;
    /* 1. the reviews carrying it: the photo's items, written with the reviews */
    dynamo_photo_keys(pk, NULL, photo, 0);
    req = dynamo_req(d);
    dynamo_expr(req, "KeyConditionExpression", "#pk = :pk");
    dynamo_val(req, ":pk", dynamo_s(pk));
    dynamo_consistent(d, req);
    if ((rc = dynamo_each(d, "Query", req, 0, cap_each, &pc)) || !refs.n)
        goto out;
    /* 2. one BatchGetItem: those reviews, their authors, the viewer's relation sets */
    dynamo_user_pk(vpk, viewer);
    if (viewer)
        dynamo_keys_add(&k, vpk, "PROFILE");
    for (size_t i = 0; i < refs.n; i++) {
        char upk[32], sk[32];
        dynamo_user_pk(upk, refs.c[i].author);
        review_sk(sk, dynamo_get_n(refs.c[i].it, "restaurant_id"));
        dynamo_keys_add(&k, upk, sk);
        dynamo_keys_add(&k, upk, "PROFILE");
    }
    if ((rc = dynamo_batch_get(d, &k, NULL, &found)) ||
        (rc = viewer_from(&v, viewer, viewer ? dynamo_found(found, vpk, "PROFILE") : NULL)))
        goto out;
    /* 3. those the viewer may see, by the rule of the restaurant and profile pages; the review
     * must still be that one with that photo */
    for (size_t i = 0; i < refs.n; i++) {
        char upk[32], sk[32];
        json_object *rv;
        dynamo_user_pk(upk, refs.c[i].author);
        review_sk(sk, dynamo_get_n(refs.c[i].it, "restaurant_id"));
        rv = dynamo_found(found, upk, sk);
        if (rv && dynamo_get_n(rv, "id") == refs.c[i].id &&
            strcmp(dynamo_get_s(rv, "photo"), photo) == 0 &&
            visible(viewer, &v.friends, &v.blocked, &v.blocked_by,
                    dynamo_found(found, upk, "PROFILE")) &&
            (rc = cand_add(&rows, rv, 0)))
            goto out;
    }
    if (rows.n > 1)
        qsort(rows.c, rows.n, sizeof *rows.c, cmp_cand); /* newest first */
    for (size_t i = 0; i < rows.n && (int)i < max; i++)
        if ((rc = dynamo_item_review(rows.c[i].it, &out[(*n)++]))) {
            while (*n > 0)
                fc_review_clear(&out[--*n]);
            break;
        }
out:
    json_object_put(req);
    json_object_put(found);
    rev_list_free(&refs);
    rev_list_free(&rows);
    dynamo_keys_free(&k);
    viewer_free(&v);
    return rc;
}

struct rating_ctx {
    const struct viewer *v;
    struct rev_list *l;
};

static int rating_each(void *ctx, json_object *it)
{
    struct rating_ctx *c = ctx;
    return ids_has(&c->v->friends, dynamo_get_n(it, "user_id")) ? cand_add(c->l, it, 1) : FC_OK;
}

int dynamo_friends_rating(struct fc_store *s, int64_t viewer, int64_t rid, int *count, double *avg)
{
    struct fc_dynamo *d = D(s);
    struct dynamo_keys k;
    json_object *found = NULL;
    char vpk[32], rpk[32];
    int rc;

    *count = 0;
    *avg = 0;
    if (!viewer)
        return FC_OK; /* nobody's friends */
    dynamo_keys_init(&k);
    dynamo_user_pk(vpk, viewer);
    dynamo_rest_pk(rpk, rid);
    dynamo_keys_add(&k, vpk, "PROFILE");
    dynamo_keys_add(&k, rpk, "RESTAURANT");
    rc = dynamo_batch_get(d, &k,
                          "#id, #friends, #blocked, #blocked_by, #req_out, "
                          "#req_in, #review_count",
                          &found);
    dynamo_keys_free(&k);
    if (rc == FC_OK)
        rc = dynamo_friends_rating_from(d, viewer, rid, found, count, avg);
    json_object_put(found);
    return rc;
}

int dynamo_friends_rating_from(struct fc_dynamo *d, int64_t viewer, int64_t rid, json_object *found,
                               int *count, double *avg)
{
    struct viewer v;
    struct rev_list l = {0};
    struct rating_ctx c = {&v, &l};
    json_object *lek = NULL;
    char vpk[32], rpk[32], sk[32];
    int rc, pages = 0;

    *count = 0;
    *avg = 0;
    memset(&v, 0, sizeof v);
    dynamo_user_pk(vpk, viewer);
    dynamo_rest_pk(rpk, rid);
    review_sk(sk, rid);
    if ((rc = viewer_from(&v, viewer, dynamo_found(found, vpk, "PROFILE"))))
        goto out;
    if (!v.friends.n)
        goto out;
    /* the friends' reviews of the restaurant: its whole index, or each by key */
    if (whole_partition(d, dynamo_get_n(dynamo_found(found, rpk, "RESTAURANT"), "review_count"),
                        v.friends.n)) {
        if ((rc = restaurant_reviews(d, rid, 0, &lek, &pages, rating_each, &c)))
            goto out;
    } else if ((rc = friends_reviews_by_key(d, &v, sk, "#id, #stars, #user_id, #created_at", &l))) {
        goto out;
    }
    /* disabled friends do not count */
    if ((rc = fetch_authors(d, found, &l, 0, l.n)))
        goto out;
    enabled_rating(found, &l, count, avg);
out:
    json_object_put(lek);
    rev_list_free(&l);
    viewer_free(&v);
    return rc;
}

/* ---- friends, requests, blocks --------------------------------------------------------------- */

/* The viewer's FC_REL_* bits towards o. */
static int viewer_rel(const struct viewer *w, int64_t o)
{
    int r = 0;
    if (ids_has(&w->friends, o))
        r |= FC_REL_FRIEND;
    if (ids_has(&w->req_out, o))
        r |= FC_REL_REQ_OUT;
    if (ids_has(&w->req_in, o))
        r |= FC_REL_REQ_IN;
    if (ids_has(&w->blocked, o))
        r |= FC_REL_BLOCKED;
    if (ids_has(&w->blocked_by, o))
        r |= FC_REL_BLOCKED_BY;
    return r;
}

int dynamo_relation(struct fc_store *s, int64_t v, int64_t o, int *rel)
{
    struct viewer w;
    int rc = viewer_load(D(s), v, &w);
    if (rc == FC_OK)
        *rel = viewer_rel(&w, o);
    viewer_free(&w);
    return rc;
}

json_object *dynamo_rel_item(int64_t user, const char *kind, int64_t other, int64_t at)
{
    json_object *it;
    char pk[32], sk[40];
    dynamo_user_pk(pk, user);
    graph_sk(sk, kind, other);
    it = dynamo_item_new(pk, sk, "relation");
    dynamo_set(it, "user_id", dynamo_n(user));
    dynamo_set(it, "other_id", dynamo_n(other));
    dynamo_set(it, "created_at", dynamo_n(at));
    return it;
}

/* A relation item (pk user, sk G#kind#other) with its time. */
static void tx_rel_put(struct fc_dynamo *d, json_object *items, int64_t user, const char *kind,
                       int64_t other, int64_t now, int must_be_new)
{
    json_object *a = dynamo_tx_add(d, items, "Put");
    json_object_object_add(a, "Item", dynamo_rel_item(user, kind, other, now));
    if (must_be_new)
        dynamo_expr(a, "ConditionExpression", "attribute_not_exists(#pk)");
}

static void tx_rel_del(struct fc_dynamo *d, json_object *items, int64_t user, const char *kind,
                       int64_t other, int must_exist)
{
    json_object *a = dynamo_tx_add(d, items, "Delete");
    char pk[32], sk[40];
    dynamo_user_pk(pk, user);
    graph_sk(sk, kind, other);
    json_object_object_add(a, "Key", dynamo_key(pk, sk));
    if (must_exist)
        dynamo_expr(a, "ConditionExpression", "attribute_exists(#pk)");
}

/* An update of user's relation sets: expr uses :o (the other user as a one-member set). Its
 * body is returned borrowed from items (borrowed too). */
static json_object *tx_sets(struct fc_dynamo *d, json_object *items, int64_t user, const char *expr,
                            int64_t other)
{
    json_object *a = dynamo_tx_add(d, items, "Update");
    char pk[32];
    dynamo_user_pk(pk, user);
    json_object_object_add(a, "Key", dynamo_key(pk, "PROFILE"));
    dynamo_expr(a, "UpdateExpression", expr);
    dynamo_expr(a, "ConditionExpression", "attribute_exists(#pk)");
    dynamo_val(a, ":o", dynamo_ns(&other, 1));
    return a;
}

/* What each relation bit (from a's side) stands for: a's relation item of kind ka towards b
 * and b's of kind kb towards a, and the profile sets (a's set sa holds b, b's set sb holds a). */
static const struct {
    int bit;
    const char *ka, *kb, *sa, *sb;
} rel_items[] = {
    {FC_REL_FRIEND, "F", "F", "friends", "friends"},
    {FC_REL_REQ_OUT, "RO", "RI", "req_out", "req_in"},
    {FC_REL_REQ_IN, "RI", "RO", "req_in", "req_out"},
    {FC_REL_BLOCKED, "B", "BB", "blocked", "blocked_by"},
    {FC_REL_BLOCKED_BY, "BB", "B", "blocked_by", "blocked"},
};

/* Appends " #set :o" to the ADD (add) or DELETE clause of a set update being built. */
static void set_clause(char *out, size_t size, const char *verb, const char *set, int *first)
{
    size_t n = strlen(out);
    snprintf(out + n, size - n, "%s #%s :o", *first ? verb : ",", set);
    *first = 0;
}

/* The update of one profile's sets for the bits of add and drop (side 0: a's sets, 1: b's). */
static void sets_expr(char *out, size_t size, int add, int drop, int side)
{
    int first = 1;
    out[0] = '\0';
    for (size_t i = 0; i < FC_ARRAY_LEN(rel_items); i++)
        if (add & rel_items[i].bit)
            set_clause(out, size, " ADD", side ? rel_items[i].sb : rel_items[i].sa, &first);
    first = 1;
    for (size_t i = 0; i < FC_ARRAY_LEN(rel_items); i++)
        if (drop & rel_items[i].bit)
            set_clause(out, size, " DELETE", side ? rel_items[i].sb : rel_items[i].sa, &first);
}

/* One transaction: the relation items both ways and both profiles' sets, on condition that a's
 * sets still say expect (so a change meanwhile cancels it), then the feed fan-out of a
 * friendship begun or ended. */
int dynamo_relation_set(struct fc_store *s, int64_t a, int64_t b, int expect, int want, int64_t now)
{
    struct fc_dynamo *d = D(s);
    json_object *items, *upd;
    char expr[256], cond[512];
    int rel, add, drop, rc, change;
    if (a == b)
        return FC_EINVAL;
    if (dynamo_relation(s, a, b, &rel))
        return FC_ERR;
    if (rel != expect)
        return FC_EXISTS;
    fc_rules_rel_diff(rel, want, &add, &drop);
    if (!add && !drop)
        return FC_OK;
    items = json_object_new_array();
    for (size_t i = 0; i < FC_ARRAY_LEN(rel_items); i++) {
        if (drop & rel_items[i].bit) {
            tx_rel_del(d, items, a, rel_items[i].ka, b, 0);
            tx_rel_del(d, items, b, rel_items[i].kb, a, 0);
        } else if (add & rel_items[i].bit) {
            tx_rel_put(d, items, a, rel_items[i].ka, b, now, 0);
            tx_rel_put(d, items, b, rel_items[i].kb, a, now, 0);
        }
    }
    /* a's sets, conditioned on being what expect says */
    sets_expr(expr, sizeof expr, add, drop, 0);
    upd = tx_sets(d, items, a, expr + 1, b);
    snprintf(cond, sizeof cond, "attribute_exists(#pk)");
    for (size_t i = 0; i < FC_ARRAY_LEN(rel_items); i++) {
        size_t n = strlen(cond);
        snprintf(cond + n, sizeof cond - n, " AND %scontains(#%s, :on)",
                 (expect & rel_items[i].bit) ? "" : "NOT ", rel_items[i].sa);
    }
    dynamo_expr(upd, "ConditionExpression", cond);
    dynamo_val(upd, ":on", dynamo_n(b));
    sets_expr(expr, sizeof expr, add, drop, 1);
    tx_sets(d, items, b, expr + 1, a);
    rc = dynamo_transact(d, items);
    json_object_put(items);
    if (rc == DYNAMO_CANCEL)
        return FC_EXISTS; /* changed meanwhile (or a user is missing) */
    if (rc)
        return rc;
    change = fc_rules_friendship_change(rel, want);
    if (change) {
        dynamo_feed_backfill(d, b, a, change < 0);
        dynamo_feed_backfill(d, a, b, change < 0);
    }
    dynamo_bump(d);
    return FC_OK;
}

/* ---- people lists ---------------------------------------------------------------------------- */

struct pers {
    struct fc_person p;
    int64_t order; /* created_at for requests */
};

static int cmp_by_name(const void *a, const void *b)
{
    const struct pers *x = a, *y = b;
    int c = strcmp(x->p.display_name, y->p.display_name);
    return c ? c : (x->p.id > y->p.id) - (x->p.id < y->p.id);
}

static int cmp_by_order_desc(const void *a, const void *b)
{
    const struct pers *x = a, *y = b;
    if (x->order != y->order)
        return x->order < y->order ? 1 : -1;
    return (x->p.id < y->p.id) - (x->p.id > y->p.id);
}

static int cmp_by_mutual(const void *a, const void *b)
{
    const struct pers *x = a, *y = b;
    if (x->p.mutual != y->p.mutual)
        return y->p.mutual - x->p.mutual;
    return cmp_by_name(a, b);
}

/* The profile attributes a person in a list shows. */
#define PERSON_FIELD(kind, member) DYNAMO_FIELD(kind, struct fc_person, member, #member)
static const struct dynamo_field person_fields[] = {
    PERSON_FIELD('n', id), PERSON_FIELD('s', username), PERSON_FIELD('s', display_name),
    PERSON_FIELD('s', city), PERSON_FIELD('s', visibility)};

static void person_from(json_object *it, struct fc_person *p)
{
    dynamo_record_get(it, p, sizeof *p, person_fields, FC_ARRAY_LEN(person_fields));
}

/* Reads the profiles of ids (with order values, or NULL) into a malloc'ed array of people,
 * skipping disabled ones when skip_disabled, with mutual counts against me (a profile item,
 * or NULL for 0). */
static int people_of(struct fc_dynamo *d, const int64_t *ids, const int64_t *order, long nids,
                     json_object *me, int skip_disabled, struct pers **out, long *n)
{
    struct dynamo_keys k;
    json_object *found = NULL;
    int rc;
    *out = NULL;
    *n = 0;
    if (!nids)
        return FC_OK;
    dynamo_keys_init(&k);
    for (long i = 0; i < nids; i++)
        dynamo_keys_add_user(&k, ids[i]);
    rc = dynamo_batch_get(d, &k, PERSON_PROJ, &found);
    dynamo_keys_free(&k);
    if (rc)
        return rc;
    *out = calloc((size_t)nids, sizeof **out);
    if (!*out) {
        json_object_put(found);
        return FC_ERR;
    }
    for (long i = 0; i < nids; i++) {
        char pk[32];
        json_object *it;
        dynamo_user_pk(pk, ids[i]);
        it = dynamo_found(found, pk, "PROFILE");
        if (!it || (skip_disabled && dynamo_get_n(it, "disabled")))
            continue;
        person_from(it, &(*out)[*n].p);
        (*out)[*n].p.mutual = me ? mutual(me, it) : 0;
        (*out)[*n].order = order ? order[i] : 0;
        (*n)++;
    }
    json_object_put(found);
    return FC_OK;
}

struct req_ctx {
    int64_t *ids, *at;
    long n, cap;
};

static int req_each(void *ctx, json_object *it)
{
    struct req_ctx *c = ctx;
    if (c->n == c->cap) {
        long cap = c->cap ? 2 * c->cap : 32;
        int64_t *ni = realloc(c->ids, (size_t)cap * sizeof *ni), *na;
        if (!ni)
            return FC_ERR;
        c->ids = ni;
        na = realloc(c->at, (size_t)cap * sizeof *na);
        if (!na)
            return FC_ERR;
        c->at = na;
        c->cap = cap;
    }
    c->ids[c->n] = dynamo_get_n(it, "other_id");
    c->at[c->n] = dynamo_get_n(it, "created_at");
    c->n++;
    return 0;
}

/* Friends of friends not yet related to the viewer, most friends in common first. */
static int suggest(struct fc_dynamo *d, struct viewer *v, struct fc_person *out, int max, int *n)
{
    struct pers *cand = NULL;
    long nc = 0, k = 0;
    int64_t *cid = NULL, *cnt = NULL;
    struct dynamo_keys keys;
    json_object *found = NULL;
    int rc;

    *n = 0;
    dynamo_keys_init(&keys);
    /* the friends' own friend sets */
    for (long i = 0; i < v->friends.n; i++)
        dynamo_keys_add_user(&keys, v->friends.v[i]);
    if ((rc = dynamo_batch_get(d, &keys, "#id, #friends", &found)))
        goto out;
    json_object_object_foreach(found, key, val)
    {
        struct ids f;
        (void)key;
        if (ids_load(&f, val, "friends")) {
            rc = FC_ERR;
            goto out;
        }
        for (long j = 0; j < f.n; j++) {
            int64_t c = f.v[j];
            long at;
            if (c == v->id || ids_has(&v->friends, c) || ids_has(&v->req_out, c) ||
                ids_has(&v->req_in, c) || ids_has(&v->blocked, c) || ids_has(&v->blocked_by, c))
                continue;
            for (at = 0; at < nc && cid[at] != c; at++)
                ;
            if (at == nc) {
                int64_t *a = realloc(cid, (size_t)(nc + 1) * sizeof *a), *b;
                if (!a) {
                    ids_free(&f);
                    rc = FC_ERR;
                    goto out;
                }
                cid = a;
                b = realloc(cnt, (size_t)(nc + 1) * sizeof *b);
                if (!b) {
                    ids_free(&f);
                    rc = FC_ERR;
                    goto out;
                }
                cnt = b;
                cid[nc] = c;
                cnt[nc++] = 0;
            }
            cnt[at]++;
        }
        ids_free(&f);
    }
    /* their profiles (names for the order, disabled ones dropped) */
    if ((rc = people_of(d, cid, NULL, nc, NULL, 1, &cand, &k)))
        goto out;
    for (long i = 0; i < k; i++)
        for (long j = 0; j < nc; j++)
            if (cid[j] == cand[i].p.id)
                cand[i].p.mutual = (int)cnt[j];
    if ((size_t)k > 1)
        qsort(cand, (size_t)k, sizeof *cand, cmp_by_mutual);
    for (long i = 0; i < k && *n < max; i++) {
        out[*n] = cand[i].p;
        out[(*n)++].rel = viewer_rel(v, cand[i].p.id);
    }
out:
    free(cid);
    free(cnt);
    free(cand);
    json_object_put(found);
    dynamo_keys_free(&keys);
    return rc;
}

int dynamo_people(struct fc_store *s, enum fc_person_list which, int64_t v, struct fc_person *out,
                  int max, int *n)
{
    struct fc_dynamo *d = D(s);
    struct viewer w;
    struct pers *ps = NULL;
    struct req_ctx rq = {0};
    json_object *req = NULL;
    long np = 0;
    int rc;

    *n = 0;
    if ((rc = viewer_load(d, v, &w)))
        goto out;
    if (max <= 0)
        goto out;
    switch (which) {
    case FC_LIST_FRIENDS:
        if ((rc = people_of(d, w.friends.v, NULL, w.friends.n, w.prof, 1, &ps, &np)))
            goto out;
        if ((size_t)np > 1)
            qsort(ps, (size_t)np, sizeof *ps, cmp_by_name);
        break;
    case FC_LIST_REQ_IN:
    case FC_LIST_REQ_OUT: {
        char pk[32];
        dynamo_user_pk(pk, v);
        req = dynamo_query_prefix(d, NULL, pk, which == FC_LIST_REQ_IN ? "G#RI#" : "G#RO#");
        dynamo_expr(req, "ProjectionExpression", "#other_id, #created_at");
        if ((rc = dynamo_each(d, "Query", req, 0, req_each, &rq)))
            goto out;
        if ((rc = people_of(d, rq.ids, rq.at, rq.n, w.prof, 1, &ps, &np)))
            goto out;
        if ((size_t)np > 1)
            qsort(ps, (size_t)np, sizeof *ps, cmp_by_order_desc);
        break;
    }
    case FC_LIST_SUGGEST:
        rc = suggest(d, &w, out, max, n);
        goto out;
    case FC_LIST_BLOCKED:
        if ((rc = people_of(d, w.blocked.v, NULL, w.blocked.n, NULL, 0, &ps, &np)))
            goto out;
        if ((size_t)np > 1)
            qsort(ps, (size_t)np, sizeof *ps, cmp_by_name);
        break;
    default:
        rc = FC_ERR;
        goto out;
    }
    for (long i = 0; i < np && *n < max; i++) {
        out[*n] = ps[i].p;
        out[(*n)++].rel = viewer_rel(&w, ps[i].p.id);
    }
out:
    free(ps);
    free(rq.ids);
    free(rq.at);
    json_object_put(req);
    viewer_free(&w);
    return rc;
}

struct search_ctx {
    struct fc_dynamo *d;
    struct viewer *v;
    char q[256];
    int64_t *ids;
    int n, max;
    long seen;
};

static int search_each(void *ctx, json_object *it)
{
    struct search_ctx *c = ctx;
    int64_t id = dynamo_get_n(it, "id");
    if (dynamo_search_over(c->d, &c->seen, "people search", "users"))
        return 1;
    if (id == c->v->id || dynamo_get_n(it, "disabled") || ids_has(&c->v->blocked_by, id))
        return 0;
    if (!dynamo_icontains(dynamo_get_s(it, "username"), c->q) &&
        !dynamo_icontains(dynamo_get_s(it, "display_name"), c->q))
        return 0;
    c->ids[c->n++] = id;
    return c->n >= c->max ? 1 : 0;
}

int dynamo_people_search(struct fc_store *s, const char *q, int64_t v, struct fc_person *out,
                         int max, int *n)
{
    struct fc_dynamo *d = D(s);
    struct viewer w;
    struct search_ctx c;
    struct pers *ps = NULL;
    json_object *req = NULL;
    long np = 0;
    int rc;

    *n = 0;
    memset(&c, 0, sizeof c);
    if (max <= 0)
        return FC_OK;
    if ((rc = viewer_load(d, v, &w)))
        goto out;
    c.d = d;
    c.v = &w;
    c.max = max;
    dynamo_lower(c.q, sizeof c.q, q ? q : "");
    rc = FC_ERR;
    if (!(c.ids = calloc((size_t)max, sizeof *c.ids)))
        goto out;
    /* the users index is sorted by display name, then id: stop at max matches */
    req = dynamo_req(d);
    json_object_object_add(req, "IndexName", json_object_new_string("gsi2"));
    dynamo_expr(req, "KeyConditionExpression", "#gsi2pk = :p");
    dynamo_expr(req, "ProjectionExpression", "#id, #username, #display_name, #disabled");
    dynamo_val(req, ":p", dynamo_s("USERS"));
    if ((rc = dynamo_each(d, "Query", req, 0, search_each, &c)))
        goto out;
    if ((rc = people_of(d, c.ids, NULL, c.n, w.prof, 1, &ps, &np)))
        goto out;
    if ((size_t)np > 1)
        qsort(ps, (size_t)np, sizeof *ps, cmp_by_name);
    for (long i = 0; i < np && *n < max; i++) {
        out[*n] = ps[i].p;
        out[(*n)++].rel = viewer_rel(&w, ps[i].p.id);
    }
out:
    free(ps);
    free(c.ids);
    json_object_put(req);
    viewer_free(&w);
    return rc;
}

int dynamo_mutual_count(struct fc_store *s, int64_t a, int64_t b, int *count)
{
    struct fc_dynamo *d = D(s);
    struct dynamo_keys k;
    json_object *found = NULL;
    char pa[32], pb[32];
    int rc;
    dynamo_user_pk(pa, a);
    dynamo_user_pk(pb, b);
    dynamo_keys_init(&k);
    dynamo_keys_add(&k, pa, "PROFILE");
    dynamo_keys_add(&k, pb, "PROFILE");
    rc = dynamo_batch_get(d, &k, "#friends", &found);
    if (rc == FC_OK)
        *count = mutual(dynamo_found(found, pa, "PROFILE"), dynamo_found(found, pb, "PROFILE"));
    json_object_put(found);
    dynamo_keys_free(&k);
    return rc;
}

/* ---- saves ----------------------------------------------------------------------------------- */

int dynamo_save_put(struct fc_store *s, int64_t uid, int64_t rid, int64_t now)
{
    struct fc_dynamo *d = D(s);
    struct dynamo_keys k;
    json_object *found = NULL, *prof;
    char pk[32], sk[32], rpk[32];
    int64_t id;
    int rc;

    dynamo_user_pk(pk, uid);
    save_sk(sk, rid);
    dynamo_keys_init(&k);
    dynamo_rest_pk(rpk, rid);
    dynamo_keys_add(&k, pk, sk);
    dynamo_keys_add(&k, pk, "PROFILE");
    dynamo_keys_add(&k, rpk, "RESTAURANT");
    if ((rc = dynamo_batch_get(d, &k, "#id, #friends", &found)))
        goto out;
    prof = dynamo_found(found, pk, "PROFILE");
    if (dynamo_found(found, pk, sk))
        goto out; /* already on the list: INSERT OR IGNORE */
    if (!prof || !dynamo_found(found, rpk, "RESTAURANT")) {
        rc = FC_EXISTS; /* no such user or restaurant (foreign keys in SQL) */
        goto out;
    }
    if ((rc = dynamo_next_id(d, "save", &id)))
        goto out;
    rc = dynamo_put(d, dynamo_save_item(id, uid, rid, now), "attribute_not_exists(#pk)");
    if (rc == DYNAMO_COND) {
        rc = FC_OK;
        goto out;
    }
    if (rc)
        goto out;
    fanout(d, prof, FC_FEED_SAVE, id, now, uid, rid, 0, 0);
    dynamo_bump(d);
out:
    json_object_put(found);
    dynamo_keys_free(&k);
    return rc;
}

int dynamo_save_delete(struct fc_store *s, int64_t uid, int64_t rid)
{
    struct fc_dynamo *d = D(s);
    struct dynamo_keys k;
    json_object *found = NULL, *req = NULL, *prof, *sv, *resp = NULL, *old;
    char pk[32], sk[32];
    int rc;

    dynamo_user_pk(pk, uid);
    save_sk(sk, rid);
    dynamo_keys_init(&k);
    dynamo_keys_add(&k, pk, "PROFILE");
    if ((rc = dynamo_batch_get(d, &k, "#id, #friends", &found)))
        goto out;
    prof = dynamo_found(found, pk, "PROFILE");
    req = dynamo_req(d);
    json_object_object_add(req, "Key", dynamo_key(pk, sk));
    json_object_object_add(req, "ReturnValues", json_object_new_string("ALL_OLD"));
    if ((rc = dynamo_call(d, "DeleteItem", req, &resp)))
        goto out;
    if (json_object_object_get_ex(resp, "Attributes", &old)) {
        sv = old;
        if (prof)
            fanout(d, prof, FC_FEED_SAVE, dynamo_get_n(sv, "id"), dynamo_get_n(sv, "created_at"),
                   uid, rid, 0, 1);
        dynamo_bump(d);
    }
out:
    json_object_put(resp);
    json_object_put(req);
    json_object_put(found);
    dynamo_keys_free(&k);
    return rc;
}

int dynamo_save_exists(struct fc_store *s, int64_t uid, int64_t rid, int *yes)
{
    json_object *it;
    char pk[32], sk[32];
    int rc;
    dynamo_user_pk(pk, uid);
    save_sk(sk, rid);
    rc = dynamo_get(D(s), pk, sk, "#id", &it);
    json_object_put(it);
    if (rc == FC_OK || rc == FC_NOTFOUND) {
        *yes = rc == FC_OK;
        return FC_OK;
    }
    return rc;
}

struct saves_ctx {
    int64_t *rid;
    int n, max;
};

static int saves_each(void *ctx, json_object *it)
{
    struct saves_ctx *c = ctx;
    c->rid[c->n++] = dynamo_get_n(it, "restaurant_id");
    return c->n >= c->max ? 1 : 0;
}

int dynamo_saves_of_user(struct fc_store *s, int64_t uid, struct fc_restaurant *out, int max,
                         int *n)
{
    struct fc_dynamo *d = D(s);
    struct saves_ctx c = {NULL, 0, max};
    struct dynamo_keys k;
    json_object *req = NULL, *found = NULL;
    char pk[32];
    int rc = FC_ERR;

    *n = 0;
    if (max <= 0)
        return FC_OK;
    dynamo_keys_init(&k);
    if (!(c.rid = calloc((size_t)max, sizeof *c.rid)))
        goto out;
    dynamo_user_pk(pk, uid);
    req = dynamo_query_prefix(d, "lsi1", pk, "V#");
    dynamo_expr(req, "ProjectionExpression", "#restaurant_id");
    dynamo_newest(req, max);
    if ((rc = dynamo_each(d, "Query", req, 0, saves_each, &c)))
        goto out;
    for (int i = 0; i < c.n; i++) {
        char rpk[32];
        dynamo_rest_pk(rpk, c.rid[i]);
        dynamo_keys_add(&k, rpk, "RESTAURANT");
    }
    if ((rc = dynamo_batch_get(d, &k, NULL, &found)))
        goto out;
    for (int i = 0; i < c.n; i++) {
        char rpk[32];
        json_object *it;
        dynamo_rest_pk(rpk, c.rid[i]);
        if ((it = dynamo_found(found, rpk, "RESTAURANT"))) {
            if ((rc = dynamo_item_rest(it, &out[*n]))) {
                for (int j = 0; j < *n; j++)
                    fc_restaurant_clear(&out[j]);
                *n = 0;
                goto out;
            }
            (*n)++;
        }
    }
out:
    free(c.rid);
    json_object_put(req);
    json_object_put(found);
    dynamo_keys_free(&k);
    return rc;
}

/* ---- the interaction log --------------------------------------------------------------------- */

json_object *dynamo_event_item(int64_t uid, int64_t rid, const char *type, double value, int64_t at,
                               const char *suffix)
{
    json_object *it;
    char pk[32], sk[160];
    snprintf(pk, sizeof pk, "EV#%" PRId64, uid);
    snprintf(sk, sizeof sk, "%s#" DYNAMO_TIME_FMT "#%s", type, (long long)(at > 0 ? at : 0),
             suffix);
    it = dynamo_item_new(pk, sk, "event");
    dynamo_set(it, "event", dynamo_s(type));
    dynamo_set(it, "user_id", dynamo_n(uid));
    dynamo_set(it, "restaurant_id", dynamo_n(rid));
    dynamo_set(it, "value", dynamo_d(value));
    dynamo_set(it, "created_at", dynamo_n(at));
    return it;
}

int dynamo_event_add(struct fc_store *s, int64_t uid, int64_t rid, const char *type, double value,
                     int64_t at)
{
    struct fc_dynamo *d = D(s);
    struct timespec ts;
    char rnd[17], suffix[40];
    int rc;
    /* within a second, the order they were logged in (then a random tie-breaker) */
    clock_gettime(CLOCK_REALTIME, &ts);
    dynamo_rand_hex(rnd);
    snprintf(suffix, sizeof suffix, "%016llx%.4s",
             (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec, rnd);
    if (d->batch) { /* an import: the recommender's version is bumped once at its end */
        rc = dynamo_put(d, dynamo_event_item(uid, rid, type, value, at, suffix), NULL);
        if (rc == FC_OK)
            dynamo_bump(d);
        return rc;
    }
    /* the event and the recommender's version (dynamo_bump's ADD) in one call */
    {
        json_object *items = json_object_new_array(), *put, *up;
        put = dynamo_tx_add(d, items, "Put");
        json_object_object_add(put, "Item", dynamo_event_item(uid, rid, type, value, at, suffix));
        up = dynamo_tx_add(d, items, "Update");
        json_object_object_add(up, "Key", dynamo_key("META", "RECVER"));
        dynamo_expr(up, "UpdateExpression", "ADD #v :one");
        dynamo_val(up, ":one", dynamo_n(1));
        rc = dynamo_transact(d, items);
        json_object_put(items);
    }
    return rc == FC_OK ? FC_OK : FC_ERR;
}

int dynamo_event_count(struct fc_store *s, int64_t uid, const char *type, int *count)
{
    struct fc_dynamo *d = D(s);
    json_object *req;
    char pk[32], pre[128];
    int rc;
    snprintf(pk, sizeof pk, "EV#%" PRId64, uid);
    snprintf(pre, sizeof pre, "%s#", type);
    req = dynamo_query_prefix(d, NULL, pk, pre);
    rc = dynamo_count(d, req, count);
    json_object_put(req);
    return rc;
}

/* ---- the feed -------------------------------------------------------------------------------- */

int dynamo_feed(struct fc_store *s, int64_t v, const struct fc_feed_cursor *after,
                struct fc_feed_item *out, int max, int *n)
{
    struct fc_dynamo *d = D(s);
    json_object *req = NULL, *lek = NULL;
    char pk[32], cur[64];
    int rc = FC_OK, k = 0, pages = 0;

    *n = 0;
    if (max <= 0)
        return FC_OK;
    if (after && after->at < 0)
        return FC_OK; /* nothing is older than the beginning */
    feed_pk(pk, v);
    req = dynamo_req(d);
    if (after) {
        dynamo_feed_sk(cur, sizeof cur, after->at, after->kind, after->id);
        if (after->at > 999999999999LL)
            after = NULL;
    }
    dynamo_expr(req, "KeyConditionExpression", after ? "#pk = :pk AND #sk < :c" : "#pk = :pk");
    dynamo_val(req, ":pk", dynamo_s(pk));
    if (after)
        dynamo_val(req, ":c", dynamo_s(cur));
    json_object_object_add(req, "ScanIndexForward", json_object_new_boolean(0));
    /* the entries of a page, then their reviews, authors and restaurants in one batch */
    while (k < max) {
        json_object *resp = NULL, *items, *x, *found = NULL;
        struct dynamo_keys keys;
        size_t ni;
        json_object_object_add(req, "Limit", json_object_new_int(max - k));
        if (lek)
            json_object_object_add(req, "ExclusiveStartKey", json_object_get(lek));
        if ((rc = dynamo_call(d, "Query", req, &resp)))
            break;
        json_object_put(lek);
        lek = NULL;
        if (json_object_object_get_ex(resp, "LastEvaluatedKey", &x)) {
            if ((rc = dynamo_page_next(d, "Query", req, x, ++pages))) {
                json_object_put(resp);
                break;
            }
            lek = json_object_get(x);
        }
        items = dynamo_get_array(resp, "Items");
        ni = items ? json_object_array_length(items) : 0;
        dynamo_keys_init(&keys);
        for (size_t i = 0; i < ni; i++) {
            json_object *e = json_object_array_get_idx(items, i);
            char upk[32], rpk[32], rsk[32];
            dynamo_user_pk(upk, dynamo_get_n(e, "user_id"));
            dynamo_rest_pk(rpk, dynamo_get_n(e, "restaurant_id"));
            dynamo_keys_add(&keys, upk, "PROFILE");
            dynamo_keys_add(&keys, rpk, "RESTAURANT");
            if (dynamo_get_n(e, "kind") == FC_FEED_REVIEW) {
                review_sk(rsk, dynamo_get_n(e, "restaurant_id"));
                dynamo_keys_add(&keys, upk, rsk);
            }
        }
        if (ni)
            rc = dynamo_batch_get(d, &keys,
                                  "#id, #username, #display_name, #disabled, #saves_private, "
                                  "#name, #stars, #body, #photo, #visited, #created_at",
                                  &found);
        dynamo_keys_free(&keys);
        for (size_t i = 0; i < ni && rc == FC_OK && k < max; i++) {
            json_object *e = json_object_array_get_idx(items, i), *au, *rest, *rv = NULL;
            struct fc_feed_item *it = &out[k];
            int64_t uid = dynamo_get_n(e, "user_id"), rid = dynamo_get_n(e, "restaurant_id");
            int kind = (int)dynamo_get_n(e, "kind");
            char upk[32], rpk[32], rsk[32];
            dynamo_user_pk(upk, uid);
            dynamo_rest_pk(rpk, rid);
            au = dynamo_found(found, upk, "PROFILE");
            rest = dynamo_found(found, rpk, "RESTAURANT");
            if (kind == FC_FEED_REVIEW) {
                review_sk(rsk, rid);
                rv = dynamo_found(found, upk, rsk);
                if (!rv || dynamo_get_n(rv, "id") != dynamo_get_n(e, "id"))
                    continue; /* deleted since (or its entry is stale) */
            }
            if (!au || dynamo_get_n(au, "disabled") || !rest ||
                !fc_rules_feed_shown(kind, dynamo_get_n(au, "saves_private") != 0))
                continue;
            memset(it, 0, sizeof *it);
            it->kind = kind;
            it->id = dynamo_get_n(e, "id");
            it->at = dynamo_get_n(e, "at");
            it->user_id = uid;
            dynamo_copy_s(au, "username", it->username, sizeof it->username);
            dynamo_copy_s(au, "display_name", it->display_name, sizeof it->display_name);
            it->restaurant_id = rid;
            dynamo_copy_s(rest, "name", it->rest_name, sizeof it->rest_name);
            if (rv) {
                it->stars = (int)dynamo_get_n(rv, "stars");
                dynamo_copy_s(rv, "photo", it->photo, sizeof it->photo);
                dynamo_copy_s(rv, "visited", it->visited, sizeof it->visited);
            }
            if (!(it->body = strdup(rv ? dynamo_get_s(rv, "body") : ""))) {
                rc = FC_ERR;
                break;
            }
            k++;
        }
        json_object_put(found);
        json_object_put(resp);
        if (rc || !lek)
            break;
    }
    json_object_put(lek);
    json_object_put(req);
    if (rc == FC_OK)
        *n = k;
    else
        fc_feed_items_clear(out, k);
    return rc;
}

/* One friend's 4-5 star review, from the sparse lsi1 of the viewer's feed. */
struct rec_entry {
    int64_t rid, uid, at;
    int stars;
};

struct rec_ctx {
    struct fc_dynamo *d;
    struct rec_entry *e;
    size_t n, cap, max; /* max: how many to read */
};

static int rec_each(void *ctx, json_object *it)
{
    struct rec_ctx *c = ctx;
    if (c->n >= c->max)
        return 1;
    if (fc_grow(&c->e, &c->cap, c->n + 1, sizeof *c->e, 64))
        return FC_ERR;
    c->e[c->n].rid = dynamo_get_n(it, "restaurant_id");
    c->e[c->n].uid = dynamo_get_n(it, "user_id");
    c->e[c->n].at = dynamo_get_n(it, "at");
    c->e[c->n].stars = (int)dynamo_get_n(it, "stars");
    c->n++;
    return c->n >= c->max; /* 1: enough, no further page asked for */
}

static int cmp_rec_entry(const void *a, const void *b)
{
    const struct rec_entry *x = a, *y = b;
    if (x->rid != y->rid)
        return (x->rid > y->rid) - (x->rid < y->rid);
    return (x->uid > y->uid) - (x->uid < y->uid);
}

static int cmp_friend_rec(const void *a, const void *b)
{
    const struct fc_friend_rec *x = a, *y = b;
    if (x->friends != y->friends)
        return y->friends - x->friends;
    if (x->latest != y->latest)
        return x->latest < y->latest ? 1 : -1;
    return (x->restaurant_id > y->restaurant_id) - (x->restaurant_id < y->restaurant_id);
}

int dynamo_friends_recommend(struct fc_store *s, int64_t v, int window, struct fc_friend_rec *out,
                             int max, int *n)
{
    struct fc_dynamo *d = D(s);
    struct rec_ctx c = {d, NULL, 0, 0, (size_t)d->search_max};
    struct dynamo_keys k;
    struct fc_friend_rec *g = NULL;
    json_object *req = NULL, *au = NULL, *rest = NULL;
    char pk[32];
    size_t ng = 0;
    int rc;

    *n = 0;
    dynamo_keys_init(&k);
    if (max <= 0)
        return FC_OK;
    feed_pk(pk, v);
    req = dynamo_req(d);
    json_object_object_add(req, "IndexName", json_object_new_string("lsi1"));
    dynamo_expr(req, "KeyConditionExpression", "#pk = :pk AND begins_with(#lsi1, :k)");
    dynamo_expr(req, "ProjectionExpression", "#restaurant_id, #user_id, #at, #stars");
    dynamo_val(req, ":pk", dynamo_s(pk));
    dynamo_val(req, ":k", dynamo_s("K#"));
    if (window > 0) {
        /* the window latest: lsi1 is K# then the feed's sort key (time, kind, id), read
           backwards, a page at most the window long */
        if ((size_t)window < c.max)
            c.max = (size_t)window;
        json_object_object_add(req, "ScanIndexForward", json_object_new_boolean(0));
        json_object_object_add(req, "Limit", json_object_new_int((int)c.max));
    }
    if ((rc = dynamo_each(d, "Query", req, 0, rec_each, &c)))
        goto out;
    for (size_t i = 0; i < c.n; i++)
        dynamo_keys_add_user(&k, c.e[i].uid);
    if ((rc = dynamo_batch_get(d, &k, "#display_name, #disabled", &au)))
        goto out;
    if (c.n > 1)
        qsort(c.e, c.n, sizeof *c.e, cmp_rec_entry);
    rc = FC_ERR;
    if (!(g = calloc(c.n ? c.n : 1, sizeof *g)))
        goto out;
    for (size_t i = 0; i < c.n; i++) {
        char upk[32];
        json_object *p;
        struct fc_friend_rec *f;
        double total;
        dynamo_user_pk(upk, c.e[i].uid);
        p = dynamo_found(au, upk, "PROFILE");
        if (!p || dynamo_get_n(p, "disabled"))
            continue;
        if (!ng || g[ng - 1].restaurant_id != c.e[i].rid) {
            memset(&g[ng], 0, sizeof g[ng]);
            g[ng++].restaurant_id = c.e[i].rid;
        }
        f = &g[ng - 1];
        /* who: display names joined by ", " (empty ones too, like group_concat) */
        if (f->friends)
            fc_strlcpy(f->who + strlen(f->who), ", ", sizeof f->who - strlen(f->who));
        total = f->avg * f->friends + c.e[i].stars;
        f->friends++;
        f->avg = total / f->friends;
        if (c.e[i].at > f->latest)
            f->latest = c.e[i].at;
        fc_strlcpy(f->who + strlen(f->who), dynamo_get_s(p, "display_name"),
                   sizeof f->who - strlen(f->who));
    }
    if (ng > 1)
        qsort(g, ng, sizeof *g, cmp_friend_rec);
    if (ng > (size_t)max)
        ng = (size_t)max;
    dynamo_keys_free(&k);
    dynamo_keys_init(&k);
    for (size_t i = 0; i < ng; i++) {
        char rpk[32];
        dynamo_rest_pk(rpk, g[i].restaurant_id);
        dynamo_keys_add(&k, rpk, "RESTAURANT");
    }
    if ((rc = dynamo_catalog_names(d, &k, "#name, #city", &rest))) /* usually kept */
        goto out;
    for (size_t i = 0; i < ng; i++) {
        char rpk[32];
        json_object *r;
        dynamo_rest_pk(rpk, g[i].restaurant_id);
        if (!(r = dynamo_found(rest, rpk, "RESTAURANT")))
            continue;
        out[*n] = g[i];
        dynamo_copy_s(r, "name", out[*n].name, sizeof out[*n].name);
        dynamo_copy_s(r, "city", out[*n].city, sizeof out[*n].city);
        (*n)++;
    }
out:
    free(c.e);
    free(g);
    json_object_put(req);
    json_object_put(au);
    json_object_put(rest);
    dynamo_keys_free(&k);
    return rc;
}
