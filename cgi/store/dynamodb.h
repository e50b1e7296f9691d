/* store/dynamodb: the DynamoDB backend's shared internals: one table (docs/dynamodb.md), item
 * keys, json-c helpers for attribute values and expressions, calls with typed results,
 * paged queries, batched reads and writes, transactions, id counters. */
#ifndef FC_STORE_DYNAMODB_H
#define FC_STORE_DYNAMODB_H

#include <stddef.h>
#include <stdint.h>

#include <ClearSilver.h>
#include <json-c/json.h>

#include "aws/client.h"
#include "store/store.h"

/* Results of the helpers besides FC_OK and FC_ERR. */
enum {
    DYNAMO_COND = -100,  /* ConditionalCheckFailedException */
    DYNAMO_CANCEL = -101 /* TransactionCanceledException: a condition failed (cancel_index) */
};

/* Widths of the numbers in sort keys, so that string order is number order. */
#define DYNAMO_TIME_FMT "%012lld"
#define DYNAMO_ID_FMT   "%010lld"

struct dynamo_import;

struct fc_dynamo {
    struct fc_store base;
    struct aws_client *c;
    char table[256];
    int consistent;       /* ConsistentRead on base-table reads (Store.DynamoDB.ConsistentRead) */
    int search_max;       /* items a search may read (Store.DynamoDB.SearchMaxItems) */
    int fanout_max;       /* friends a feed fan-out writes to (Store.DynamoDB.FanoutMax) */
    int reviews_per_page; /* reviews in a 1 MB Query page (Store.DynamoDB.ReviewsPerPage) */
    int max_pages;        /* pages one Query or Scan may follow (Store.DynamoDB.MaxPages) */
    int64_t idle_timeout; /* Session.IdleTimeout, for the sessions' TTL */
    int64_t max_age;      /* Session.MaxAge */
    int batch;            /* inside batch_begin/batch_end */
    int bump_pending;     /* a rec-version bump deferred to batch_end */
    int cancel_index;     /* first failed action of the last cancelled transaction */
    char cancel_reasons[256];       /* its reasons, as DynamoDB's message lists them */
    struct dynamo_import *imp;      /* a copy being imported (dynamodb_copy.c) */
    struct dynamo_catalog *catalog; /* the catalog index's items, kept (dynamodb_catalog.c) */
    int catalog_seconds;            /* for so long (Store.DynamoDB.CatalogSeconds; 0: never) */
};

/* Opens the backend: Store.DynamoDB.Table, the AWS.* settings (region, endpoint, retries). */
int fc_dynamo_open(HDF *cfg, struct fc_store **out);

/* ---- attribute values ------------------------------------------------------------------------ */

/* json-c references: every helper below either TAKES a json_object argument (the caller's
 * reference passes to it: the caller must not put it afterwards) or BORROWS it (the caller
 * keeps it and puts it), as its comment says; an argument it does not name is borrowed. A
 * returned json_object is NEW (the caller puts it, or hands it to a helper that takes it) or
 * BORROWED (it lives as long as the object it came from; json_object_get to keep it). */

/* Attribute values {"S": s}, {"N": v}...: new. */
json_object *dynamo_s(const char *s);
json_object *dynamo_n(int64_t v);
json_object *dynamo_d(double v);
/* A number set (new); NULL when n is 0 (sets cannot be empty). */
json_object *dynamo_ns(const int64_t *v, size_t n);
/* {"pk": {"S": pk}, "sk": {"S": sk}}: new. */
json_object *dynamo_key(const char *pk, const char *sk);
/* Sets item[name] (borrows item, takes v; v may be NULL: nothing is set). */
void dynamo_set(json_object *item, const char *name, json_object *v);

/* Reading an item (borrowed): "" / 0 when the attribute is absent or of another type; the
 * strings are borrowed from item. */
const char *dynamo_get_s(json_object *item, const char *name);
int64_t dynamo_get_n(json_object *item, const char *name);
double dynamo_get_d(json_object *item, const char *name);
int dynamo_has(json_object *item, const char *name);
/* The members of a number set of item (borrowed), malloc'ed into *out (NULL when empty); the
 * count, or -1. */
long dynamo_get_ns(json_object *item, const char *name, int64_t **out);
int dynamo_ns_contains(json_object *item, const char *name, int64_t v);
/* The array member name of o (an answer's "Items"...), borrowed from o, or NULL when absent or
 * not an array. */
json_object *dynamo_get_array(json_object *o, const char *name);
/* Copies a string attribute of item (borrowed) into dst of size n. */
void dynamo_copy_s(json_object *item, const char *name, char *dst, size_t n);

/* ---- requests -------------------------------------------------------------------------------- */

/* {"TableName": table}: new. */
json_object *dynamo_req(struct fc_dynamo *d);
/* Sets req[field] = expr and adds every #name token of expr to ExpressionAttributeNames (borrows
 * req). */
void dynamo_expr(json_object *req, const char *field, const char *expr);
/* ExpressionAttributeValues[ph] = v (borrows req, takes v). */
void dynamo_val(json_object *req, const char *ph, json_object *v);

/* One call. FC_OK with *resp (may be NULL: not wanted) new, owned by the caller; DYNAMO_COND;
 * DYNAMO_CANCEL (d->cancel_index); FC_ERR (logged). Borrows req. */
int dynamo_call(struct fc_dynamo *d, const char *op, json_object *req, json_object **resp);

/* GetItem of (pk, sk) with projection (NULL: the whole item): FC_OK with *item (new: the
 * caller puts it), FC_NOTFOUND or FC_ERR. */
int dynamo_get(struct fc_dynamo *d, const char *pk, const char *sk, const char *projection,
               json_object **item);
/* PutItem of item (taken), under condition when not NULL (DYNAMO_COND when it does not
 * hold): dynamo_call's result. */
int dynamo_put(struct fc_dynamo *d, json_object *item, const char *condition);

/* Appends a TransactWriteItems action (kind "Put", "Update", "Delete" or "ConditionCheck") to
 * the array items (borrowed) and returns its body (TableName set; borrowed from items) to fill
 * with dynamo_expr/dynamo_val and Item or Key. */
json_object *dynamo_tx_add(struct fc_dynamo *d, json_object *items, const char *kind);
/* Runs the transaction (borrows items); a TransactionConflict is retried. FC_OK,
 * DYNAMO_CANCEL (d->cancel_index: the first action whose condition failed), FC_ERR. */
int dynamo_transact(struct fc_dynamo *d, json_object *items);

/* Called for each item of a Query or Scan (borrowed from the page's answer: json_object_get to
 * keep it past the call): 0 goes on, 1 stops, anything else is returned. */
typedef int (*dynamo_item_fn)(void *ctx, json_object *item);
/* Before asking for the page after page number page (from 1) of op: lek is that page's
 * LastEvaluatedKey, req the request that got it (its ExclusiveStartKey, if any, is what was
 * sent). FC_OK to go on; FC_ERR, logged and noted as an unavailable store, when lek is not a
 * key, is the key just sent (the endpoint is not moving on: following it would loop forever)
 * or page reached Store.DynamoDB.MaxPages. Every loop over LastEvaluatedKey goes through it.
 * Borrows req and lek. */
int dynamo_page_next(struct fc_dynamo *d, const char *op, json_object *req, json_object *lek,
                     int page);
/* Runs op ("Query" or "Scan") page after page (LastEvaluatedKey) until the end, fn stops, or
 * max_pages pages (0: up to Store.DynamoDB.MaxPages, past which it is an error: see
 * dynamo_page_next). FC_OK or an error. Borrows req (its ExclusiveStartKey is set while it
 * runs and removed at the end). */
int dynamo_each(struct fc_dynamo *d, const char *op, json_object *req, int max_pages,
                dynamo_item_fn fn, void *ctx);
/* Counts the items of a Query (Select COUNT, every page, guarded like dynamo_each) into *n
 * (set on FC_OK only); borrows req. */
int dynamo_count(struct fc_dynamo *d, json_object *req, int *n);
/* Sets ConsistentRead on a read of the table or of a local index (borrows req) when
 * Store.DynamoDB.ConsistentRead is on. */
void dynamo_consistent(struct fc_dynamo *d, json_object *req);
/* A Query (new) of partition pk for the items whose sort key begins with prefix (NULL: every
 * item): the table's #sk, or on index ("lsi1": a local index, its sort key the attribute of that
 * name); read as dynamo_consistent says. The placeholders it uses are :pk and :pre. */
json_object *dynamo_query_prefix(struct fc_dynamo *d, const char *index, const char *pk,
                                 const char *prefix);
/* Counts an item a search reads (*seen): 1 past Store.DynamoDB.SearchMaxItems, logged ("what
 * stopped after N unit"), to stop; else 0. */
int dynamo_search_over(struct fc_dynamo *d, long *seen, const char *what, const char *unit);
/* Newest first and at most max items: ScanIndexForward false, Limit max (borrows req). */
void dynamo_newest(json_object *req, int max);
/* Deletes every item that op ("Query" or "Scan") finds with req (taken: put here), in
 * BatchWriteItem calls; FC_OK or the first error. */
int dynamo_delete_found(struct fc_dynamo *d, const char *op, json_object *req);

/* A set of keys to read with BatchGetItem (duplicates dropped). */
struct dynamo_keys {
    json_object *list; /* array of keys (owned: dynamo_keys_free) */
    json_object *seen; /* "pk\x1fsk" -> null (owned) */
};
void dynamo_keys_init(struct dynamo_keys *k);
void dynamo_keys_add(struct dynamo_keys *k, const char *pk, const char *sk);
/* Adds the key of user uid's profile item. */
void dynamo_keys_add_user(struct dynamo_keys *k, int64_t uid);
void dynamo_keys_free(struct dynamo_keys *k);
/* Reads every key (100 per call, unprocessed keys again) with projection (NULL: whole items)
 * into *found (new: the caller puts it), an object from "pk\x1fsk" to the item. */
int dynamo_batch_get(struct fc_dynamo *d, struct dynamo_keys *k, const char *projection,
                     json_object **found);
/* The item read for (pk, sk), borrowed from found, or NULL. */
json_object *dynamo_found(json_object *found, const char *pk, const char *sk);
/* Adds item (taken) to found (a dynamo_batch_get answer, or a new object) under its pk and sk. */
void dynamo_found_put(json_object *found, json_object *item);

/* BatchWriteItem, 25 requests per call, unprocessed ones sent again. */
struct dynamo_writer {
    struct fc_dynamo *d;
    json_object *reqs; /* array of WriteRequests not sent yet (owned: dynamo_writer_free) */
    json_object *keys; /* their keys, to never send one twice in a call (owned) */
    long puts, dels;   /* sent so far */
    int err;           /* the first failure: every later call returns it */
};
void dynamo_writer_init(struct dynamo_writer *w, struct fc_dynamo *d);
int dynamo_writer_put(struct dynamo_writer *w, json_object *item); /* takes item */
int dynamo_writer_del(struct dynamo_writer *w, const char *pk, const char *sk);
int dynamo_writer_flush(struct dynamo_writer *w);
void dynamo_writer_free(struct dynamo_writer *w);

/* Allocates the next id of a counter ("user", "restaurant", "review", "save"...). */
int dynamo_next_id(struct fc_dynamo *d, const char *counter, int64_t *id);
/* Raises a counter to at least v (copies keep their ids). */
int dynamo_raise_id(struct fc_dynamo *d, const char *counter, int64_t v);
/* Notes a change of what rec_load returns (deferred to batch_end inside a batch). */
int dynamo_bump(struct fc_dynamo *d);

/* ASCII lower case, like SQLite's NOCASE and LIKE. */
void dynamo_lower(char *dst, size_t n, const char *src);
/* 1 when needle (already lower case) occurs in hay compared without ASCII case. */
int dynamo_icontains(const char *hay, const char *needle_lower);
/* 16 random hex digits (unique suffixes of sort keys). */
void dynamo_rand_hex(char out[17]);
/* Sleeps ms milliseconds (between rounds of unprocessed items). */
void dynamo_sleep_ms(long ms);

/* ---- items the modules share ----------------------------------------------------------------- */

/* dynamo_item_X(it, out) read an item (borrowed) into a record; dynamo_X_item(...) build a new
 * item (the caller puts it, or hands it to dynamo_writer_put or a Put's "Item", which take it). */

/* A new item with its key (pk, sk) and its "type" attribute, to fill with dynamo_set. */
json_object *dynamo_item_new(const char *pk, const char *sk, const char *type);

/* A field of a record kept as the attribute name: a string (a char array) or a number (an int
 * or int64_t), at offset off, size bytes. A table of them reads and writes the plain part of a
 * record's item, both ways from one list. */
struct dynamo_field {
    const char *name;
    char kind; /* 's' or 'n' */
    size_t off, size;
};
#define DYNAMO_FIELD(kind, type, member, name)                                                     \
    {                                                                                              \
        name, kind, offsetof(type, member), sizeof(((type *)0)->member)                            \
    }
/* Sets item[f.name] from rec for each of the n fields (borrows item). */
void dynamo_fields_set(json_object *item, const void *rec, const struct dynamo_field *f, size_t n);
/* A new item (dynamo_item_new) with the n fields of rec set. */
json_object *dynamo_item_of(const char *pk, const char *sk, const char *type, const void *rec,
                            const struct dynamo_field *f, size_t n);
/* Reads each of the n fields of rec from item (borrowed): "" / 0 when absent. */
void dynamo_fields_get(json_object *item, void *rec, const struct dynamo_field *f, size_t n);
/* rec (size bytes) zeroed, then its n fields read from item as dynamo_fields_get does. */
void dynamo_record_get(json_object *item, void *rec, size_t size, const struct dynamo_field *f,
                       size_t n);
/* Runs req (op "Query" or "Scan"; freed here) into out: at most max items of elem bytes, each
 * zeroed and read by the nf fields f; *n the items read. FC_OK (also for max <= 0, without a
 * call) or an error, *n 0. */
/* GetItem of (pk, sk) read into rec (size bytes, zeroed) by the nf fields f: FC_OK,
 * FC_NOTFOUND (rec untouched) or FC_ERR. */
int dynamo_get_fields(struct fc_dynamo *d, const char *pk, const char *sk,
                      const struct dynamo_field *f, size_t nf, void *rec, size_t size);
/* Adds to the transaction items a Put of the uniqueness item (pk, "UNIQUE") whose attribute
 * attr is id, on condition that there is none yet. */
void dynamo_tx_unique(struct fc_dynamo *d, json_object *items, const char *pk, const char *attr,
                      int64_t id);
int dynamo_rows(struct fc_dynamo *d, const char *op, json_object *req, const struct dynamo_field *f,
                size_t nf, void *out, size_t elem, int max, int *n);

/* The profile attributes (not the relation sets) as a projection. */
#define DYNAMO_USER_PROJ                                                                           \
    "#id, #username, #email, #pw_hash, #ext_id, #display_name, #bio, #city, #cuisines, #price, "   \
    "#visibility, #is_admin, #disabled, #created_at, #auth_id, #saves_private"
/* Fills u (overwritten) from an item, its bio and cuisines malloc'ed: FC_OK, or FC_ERR (no
 * memory) with nothing in u to free. */
int dynamo_item_user(json_object *it, struct fc_user *u);
/* The user profile item of u (with its search and index attributes). */
json_object *dynamo_user_item(const struct fc_user *u);
/* FC_OK, or FC_ERR (no memory) with nothing in r to free. */
int dynamo_item_rest(json_object *it, struct fc_restaurant *r);
json_object *dynamo_rest_item(const struct fc_restaurant *r, int64_t count, int64_t sum);
int dynamo_item_review(json_object *it, struct fc_review *r); /* FC_ERR: no memory */
json_object *dynamo_review_item(const struct fc_review *r);
/* The feed entry of an item by author for reader; stars 0 for a save. */
json_object *dynamo_feed_item(int64_t reader, int kind, int64_t id, int64_t at, int64_t author,
                              int64_t restaurant, int stars);
void dynamo_feed_sk(char *out, size_t n, int64_t at, int kind, int64_t id);

json_object *dynamo_save_item(int64_t id, int64_t uid, int64_t rid, int64_t at);
/* The item that finds a review by id (RV#id -> user, restaurant). */
json_object *dynamo_pointer_item(int64_t id, int64_t uid, int64_t rid);
/* A photo's index item: which review carries the photo (PHOTO#photo / R#id -> user,
 * restaurant), written and deleted with the review. */
#define DYNAMO_PHOTO_PK 160 /* "PHOTO#" and a photo key (struct fc_review's photo) */
json_object *dynamo_photo_item(const char *photo, int64_t id, int64_t uid, int64_t rid);
/* Its key (sk may be NULL: only the partition). */
void dynamo_photo_keys(char pk[DYNAMO_PHOTO_PK], char sk[32], const char *photo, int64_t id);
/* A relation item: user's friend (kind "F"), request out/in ("RO", "RI"), block ("B"),
 * blocked by ("BB"). */
json_object *dynamo_rel_item(int64_t user, const char *kind, int64_t other, int64_t at);
/* An interaction (sort key type#time#suffix, suffix unique). */
json_object *dynamo_event_item(int64_t uid, int64_t rid, const char *type, double value, int64_t at,
                               const char *suffix);
/* A session's partition key, S#<hash> (its sort key: SESSION); the session item of hash (the
 * attributes of projection), as dynamo_get reads it; a request (dynamo_req) with the session
 * item's Key, for UpdateItem or DeleteItem. */
void dynamo_session_pk(char out[160], const char *hash);
int dynamo_session_get(struct fc_dynamo *d, const char *hash, const char *projection,
                       json_object **item);
json_object *dynamo_session_req(struct fc_dynamo *d, const char *hash);
json_object *dynamo_session_item(struct fc_dynamo *d, const char *hash, int64_t uid,
                                 int64_t created, int64_t last_seen);
json_object *dynamo_failure_item(const char *key, int64_t at);

/* Key builders. */
void dynamo_user_pk(char out[32], int64_t id);
void dynamo_rest_pk(char out[32], int64_t id);

/* The operations of the other modules (dynamodb_social.c, dynamodb_admin.c,
 * dynamodb_jobs.c, dynamodb_copy.c). */
int dynamo_review_put(struct fc_store *s, struct fc_review *r, int overwrite);
int dynamo_review_count_user(struct fc_store *s, int64_t uid, int *count);
int dynamo_review_get(struct fc_store *s, int64_t id, struct fc_review *out);
int dynamo_review_get_by(struct fc_store *s, int64_t uid, int64_t rid, struct fc_review *out);
int dynamo_review_delete(struct fc_store *s, int64_t id);
int dynamo_reviews_of_restaurant(struct fc_store *s, int64_t rid, int64_t viewer,
                                 struct fc_review_row *out, int max, int *n);
int dynamo_reviews_by_user(struct fc_store *s, int64_t uid, int64_t viewer,
                           struct fc_review_row *out, int max, int *n);
int dynamo_reviews_with_photo(struct fc_store *s, const char *photo, int64_t viewer,
                              struct fc_review *out, int max, int *n);
int dynamo_friends_rating(struct fc_store *s, int64_t viewer, int64_t rid, int *count, double *avg);
int dynamo_relation(struct fc_store *s, int64_t v, int64_t o, int *rel);
int dynamo_relation_set(struct fc_store *s, int64_t a, int64_t b, int expect, int want,
                        int64_t now);
int dynamo_people(struct fc_store *s, enum fc_person_list which, int64_t v, struct fc_person *out,
                  int max, int *n);
int dynamo_people_search(struct fc_store *s, const char *q, int64_t v, struct fc_person *out,
                         int max, int *n);
int dynamo_mutual_count(struct fc_store *s, int64_t a, int64_t b, int *count);
int dynamo_save_put(struct fc_store *s, int64_t uid, int64_t rid, int64_t now);
int dynamo_save_delete(struct fc_store *s, int64_t uid, int64_t rid);
int dynamo_save_exists(struct fc_store *s, int64_t uid, int64_t rid, int *yes);
int dynamo_saves_of_user(struct fc_store *s, int64_t uid, struct fc_restaurant *out, int max,
                         int *n);
int dynamo_event_add(struct fc_store *s, int64_t uid, int64_t rid, const char *type, double value,
                     int64_t at);
int dynamo_event_count(struct fc_store *s, int64_t uid, const char *type, int *count);
int dynamo_feed(struct fc_store *s, int64_t v, const struct fc_feed_cursor *after,
                struct fc_feed_item *out, int max, int *n);
int dynamo_friends_recommend(struct fc_store *s, int64_t v, int window, struct fc_friend_rec *out,
                             int max, int *n);
/* Writes (del = 0) or deletes the feed entries of author's reviews and saves in reader's feed
 * (a friendship begins or ends). */
int dynamo_feed_backfill(struct fc_dynamo *d, int64_t author, int64_t reader, int del);

int dynamo_rec_load(struct fc_store *s, struct rec_dataset *out);
int dynamo_rec_version(struct fc_store *s, int64_t *version);
int dynamo_user_search(struct fc_store *s, const struct fc_user_query *q, struct fc_user *out,
                       int *n, int *total);
int dynamo_session_delete_user(struct fc_store *s, int64_t user_id);
int dynamo_metrics_add(struct fc_store *s, const struct fc_metric_row *rows, int nrows,
                       const struct fc_metric_counter *ctrs, int nctrs);
int dynamo_metrics_query(struct fc_store *s, int64_t since, enum fc_metric_group group,
                         struct fc_metric_row **out, int *n);
int dynamo_metrics_counters(struct fc_store *s, int64_t since, struct fc_metric_counter **out,
                            int *n);
int dynamo_metrics_prune(struct fc_store *s, int64_t before);
int dynamo_store_health(struct fc_store *s, struct fc_store_check *out, int max, int *n);

/* A user's own ratings (dynamodb_trust.c). */
int dynamo_ratings_of_user(struct fc_store *s, int64_t uid, struct fc_rating *out, int max, int *n);

/* Jobs, EC2 instances and Cognito session tokens (dynamodb_jobs.c). */
json_object *dynamo_job_item(const struct fc_job *j);
json_object *dynamo_instance_item(const struct fc_instance *in);
json_object *dynamo_instance_event_item(const struct fc_instance_event *e);
int dynamo_job_get(struct fc_store *s, int64_t id, struct fc_job *out);
int dynamo_job_by_key(struct fc_store *s, const char *key, struct fc_job *out);
int dynamo_job_enqueue(struct fc_store *s, struct fc_job *j, int64_t now);
int dynamo_job_claim(struct fc_store *s, const char *types, const char *worker, int64_t now_ms,
                     int64_t lease_ms, struct fc_job *out);
int dynamo_job_update(struct fc_store *s, const struct fc_job *j, int64_t now);
int dynamo_job_list(struct fc_store *s, const char *type, const char *state, struct fc_job *out,
                    int max, int *n);
int dynamo_job_next_due(struct fc_store *s, const char *types, int64_t *at_ms);
int dynamo_job_prune(struct fc_store *s, int64_t before, int *n);
int dynamo_instance_get(struct fc_store *s, const char *instance_id, struct fc_instance *out);
int dynamo_instance_put(struct fc_store *s, const struct fc_instance *in, int64_t now);
int dynamo_instance_by_token(struct fc_store *s, const char *client_token, struct fc_instance *out,
                             int max, int *n);
int dynamo_instance_list(struct fc_store *s, struct fc_instance *out, int max, int *n);
int dynamo_instance_event_add(struct fc_store *s, struct fc_instance_event *e);
int dynamo_instance_events(struct fc_store *s, const char *instance_id,
                           struct fc_instance_event *out, int max, int *n);
int dynamo_session_tokens_put(struct fc_store *s, const char *hash, const char *sealed,
                              int64_t access_exp, int64_t now);
int dynamo_session_tokens_get(struct fc_store *s, const char *hash, char **sealed,
                              int64_t *access_exp, int64_t *updated_at);

/* Bulk copies (dynamodb_copy.c; see store.h: emit and import_row borrow row). */
int dynamo_export_rows(struct fc_store *s,
                       int (*emit)(void *ctx, const char *table, struct json_object *row),
                       void *ctx);
int dynamo_import_row(struct fc_store *s, const char *table, struct json_object *row);
int dynamo_wipe(struct fc_store *s);
/* Avatars (dynamodb_avatar.c): the item (U#<id>, "AVATAR") with user_id, photo, updated_at
 * (new), also for dynamodb_copy.c. */
json_object *dynamo_avatar_item(int64_t user_id, const char *key, int64_t now);
int dynamo_avatar_get(struct fc_store *s, int64_t user_id, char *key, size_t n);
int dynamo_avatar_set(struct fc_store *s, int64_t user_id, const char *key, int64_t now);
/* store/dynamodb_savenote.c */
int dynamo_save_note_set(struct fc_store *s, int64_t user_id, int64_t restaurant_id,
                         const char *note);
int dynamo_save_notes_of_user(struct fc_store *s, int64_t user_id, struct fc_save_note *out,
                              int max, int *n);
/* store/dynamodb_sessionuser: a session and its user in one BatchGetItem. */
int dynamo_session_user_get(struct fc_store *s, const char *hash, int64_t user_id, int64_t *created,
                            int64_t *last_seen, struct fc_user *u);
/* store/dynamodb_restview: the restaurant page's reads in one BatchGetItem. */
int dynamo_rest_view_get(struct fc_store *s, int64_t rid, int64_t viewer,
                         struct fc_restaurant *rest, int *saved, struct fc_review *mine,
                         int *friends_count, double *friends_avg);
/* dynamo_rest_view_get for a logged-in viewer, with the items it read (the restaurant, the
 * viewer's profile, save and review, the friends' reviews) into *found (new, the caller puts
 * it; NULL unless FC_OK): what the reviews' read needs (dynamo_reviews_of_restaurant_in).
 * friends_count NULL: the friends' rating is not read (the caller has it from the reviews). */
int dynamo_rest_view_read(struct fc_store *s, int64_t rid, int64_t viewer,
                          struct fc_restaurant *rest, int *saved, struct fc_review *mine,
                          int *friends_count, double *friends_avg, json_object **found);
/* dynamo_reviews_of_restaurant with context (NULL: read here), the items of the restaurant
 * and the viewer's profile and own review of it as dynamo_rest_view_read gives them (items
 * are added to it); stars (NULL: not asked) the star counts of every review when the whole
 * index was read (*stars_counted 1), else untouched and *stars_counted 0; friends_count (NULL:
 * not asked) the viewer's friends' rating as dynamo_friends_rating gives it, from the same
 * friends' reviews (dynamodb_social.c). */
int dynamo_reviews_of_restaurant_in(struct fc_dynamo *d, int64_t rid, int64_t viewer,
                                    json_object *context, struct fc_review_row *out, int max,
                                    int *n, int stars[5], int *stars_counted, int *friends_count,
                                    double *friends_avg);
/* store/dynamodb_restpage: the restaurant page's reads in one operation. */
int dynamo_rest_page_get(struct fc_store *s, int64_t rid, int64_t viewer, int offset,
                         struct fc_rest_page *out, struct fc_review_row *rows, int max, int *n);
/* The friends' rating of restaurant rid (dynamo_friends_rating) from found, which holds the
 * viewer's profile (relation sets) and the restaurant (review_count); adds the friends' items
 * to found. */
int dynamo_friends_rating_from(struct fc_dynamo *d, int64_t viewer, int64_t rid, json_object *found,
                               int *count, double *avg);
/* Drops an unfinished import. */
void dynamo_import_abort(struct fc_dynamo *d);
/* Rewrites every feed from the friendships, reviews and saves (after a failed fan-out). */
int dynamo_rebuild_feeds(struct fc_dynamo *d, long *deleted, long *written);
/* Brings the photo items in line with the reviews: writes the missing ones, deletes the
 * stale ones (a table written before photo items existed). */
int dynamo_rebuild_photos(struct fc_dynamo *d, long *deleted, long *written);
/* Password reset links (dynamodb_reset.c). */
int dynamo_reset_create(struct fc_store *s, const char *hash, int64_t user_id, int64_t expires);
int dynamo_reset_take(struct fc_store *s, const char *hash, int64_t now, int64_t *user_id,
                      int64_t *expires);

/* Discovery (dynamodb_discovery.c; see store.h). The search of restaurants ids[0..n) (the
 * catalog's matches) in q's order and open at q->open_at; the centre of restaurants ids. */
int dynamo_rest_sorted(struct fc_store *s, const struct fc_rest_query *q, const int64_t *ids,
                       size_t n, struct fc_restaurant **out, int *nout, int *total);
int dynamo_rest_centre_of(struct fc_store *s, const int64_t *ids, size_t n, double *lat,
                          double *lon);
int dynamo_rest_star_counts(struct fc_store *s, int64_t rid, int counts[5]);
int dynamo_reviews_of_restaurant_from(struct fc_store *s, int64_t rid, int64_t viewer, int offset,
                                      struct fc_review_row *out, int max, int *n);
/* Conversation (dynamodb_talk.c); see store.h. */
int dynamo_like_put(struct fc_store *s, int64_t review_id, int64_t restaurant_id, int64_t user_id,
                    int64_t now);
int dynamo_like_delete(struct fc_store *s, int64_t review_id, int64_t user_id);
int dynamo_talk_counts(struct fc_store *s, const int64_t *ids, int n, int64_t viewer,
                       struct fc_talk_count *out);
int dynamo_comment_add(struct fc_store *s, struct fc_comment *c);
int dynamo_comment_get(struct fc_store *s, int64_t id, struct fc_comment *out);
int dynamo_comment_delete(struct fc_store *s, int64_t id);
int dynamo_comments_of(struct fc_store *s, int64_t restaurant_id, int64_t review_id, int64_t viewer,
                       struct fc_comment_row *out, int max, int *n);
int dynamo_note_add(struct fc_store *s, struct fc_note *n);
int dynamo_notes_list(struct fc_store *s, int64_t user_id, struct fc_note_row *out, int max,
                      int *n);
int dynamo_notes_unread(struct fc_store *s, int64_t user_id, int *count);
int dynamo_notes_mark_read(struct fc_store *s, int64_t user_id, int64_t upto);
/* Copies of conversation (dynamodb_copy.c calls these): the SQLite table and row of an item
 * (NULL: not one of them; *row new), and the import of such rows, with the review counts and
 * id counters written at the end (after the review id items). */
const char *dynamo_talk_row(json_object *it, json_object **row);
struct dynamo_talk_import {
    json_object *counts; /* review id -> [likes, comments] */
    int64_t max_comment, max_note;
};
int dynamo_talk_import_row(struct dynamo_writer *w, struct dynamo_talk_import *ti,
                           const char *table, json_object *row);
int dynamo_talk_import_end(struct fc_dynamo *d, struct dynamo_talk_import *ti);
void dynamo_talk_import_free(struct dynamo_talk_import *ti);

/* uid's reviews newest first (one lsi1 Query, then their restaurants' names in one
 * BatchGetItem), as rows marked by_friend = is_friend, without the author's names (the caller
 * has them); *read_all 1 when the Query read every review of uid (fewer than max). Whether the
 * viewer may see them is the caller's check (dynamodb_social.c). */
int dynamo_author_reviews(struct fc_dynamo *d, int64_t uid, int is_friend,
                          struct fc_review_row *out, int max, int *n, int *read_all);
/* store/dynamodb_userreviews: the profile page's reviews with their count. */
int dynamo_reviews_by_user_seen(struct fc_store *s, const struct fc_user *author, int64_t viewer,
                                int is_friend, struct fc_review_row *out, int max, int *n,
                                int *total);
/* store/dynamodb_catalog: the catalog index (gsi2 partition RESTS) for the searches, kept per
 * handle for Store.DynamoDB.CatalogSeconds. dynamo_catalog_each calls fn on each of its items
 * as dynamo_each would on req's Query (req: that Query), from the kept items while they are
 * fresh; dynamo_catalog_forget drops them (a restaurant written through this handle). */
#define DYNAMO_CATALOG_PROJ "#id, #name, #lname, #city, #price, #cuis" /* of a catalog Query */
int dynamo_catalog_init(struct fc_dynamo *d);
int dynamo_catalog_each(struct fc_dynamo *d, json_object *req, dynamo_item_fn fn, void *ctx);
void dynamo_catalog_forget(struct fc_dynamo *d);
/* dynamo_batch_get of restaurant items (keys RST#id/RESTAURANT) for their catalog name and
 * city only: from the kept catalog when it is fresh and holds every one, else the BatchGetItem
 * (projection: what to read then). */
int dynamo_catalog_names(struct fc_dynamo *d, struct dynamo_keys *k, const char *projection,
                         json_object **found);
void dynamo_catalog_free(struct fc_dynamo *d);
/* The store op rest_places, from the whole catalog kept with the index's items. */
int dynamo_rest_places(struct fc_store *s, const char *city, int max, struct fc_restaurant **out,
                       int *n);
/* store/dynamodb_usersseen: users as a viewer sees them, one BatchGetItem. */
int dynamo_users_seen(struct fc_store *s, int64_t viewer, const int64_t *ids, int n,
                      struct fc_user_seen *out);

#endif
