/* store: the data interface every backend (SQLite, DynamoDB) implements, and its records. */
#ifndef FC_STORE_H
#define FC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <ClearSilver.h>

/* A member. bio and cuisines are malloc'ed, owned by the record (fc_user_clear): never NULL in
 * a record a store read filled (but the admin search's rows, which carry neither); a writer's
 * NULL stores "". The other text fields are fixed buffers no smaller than what is accepted
 * into them: the sign-up checks (auth/local.c: username 3-32 characters of [A-Za-z0-9._-],
 * e-mail at most 254 bytes) and the profile's (svc/profiles.c: display name 60 characters,
 * city 80, at most 4 bytes each), price and visibility from fixed lists; imports and Cognito
 * cut longer values to them. */
struct fc_user {
    int64_t id;
    char username[64];
    char email[256];
    char pw_hash[256];
    char ext_id[64];  /* the identity the account was made with (import id, cognito:<sub>) */
    char auth_id[64]; /* a sign-in identity linked later (cognito:<sub>), or "" */
    char display_name[256];
    char *bio;
    char city[384];
    char *cuisines; /* comma-separated */
    char price[16]; /* low | medium | high | "" */
    char visibility[16];
    int is_admin;
    int disabled;
    int64_t created_at;
    int saves_private; /* 1: the want-to-go list is theirs alone (no saves in friends' feeds) */
};

/* Frees a user's bio and cuisines (the record itself is the caller's); both NULL after it.
 * Safe on a zeroed record. */
void fc_user_clear(struct fc_user *u);
/* Set u->bio / u->cuisines to a copy of v (NULL: ""), freeing the one it had (u zeroed or
 * filled before). FC_OK, or FC_ERR (no memory: the field is NULL). */
int fc_user_set_bio(struct fc_user *u, const char *v);
int fc_user_set_cuisines(struct fc_user *u, const char *v);
/* *dst = *src with its own copies of the owned text (dst is overwritten, not cleared: clear it
 * first if it held a user). FC_ERR (no memory): dst holds nothing to free. */
int fc_user_copy(struct fc_user *dst, const struct fc_user *src);

/* A restaurant. name, address, city, cuisines, hours and url are malloc'ed, owned by the record
 * (fc_restaurant_clear; an array of them: fc_restaurants_free): never NULL in a record a store
 * read filled; a writer's NULL stores "". The other text fields are short codes from the
 * import (its to_utf8/fc_strlcpy cut longer values to them). */
struct fc_restaurant {
    int64_t id;
    char ext_id[64];
    char *name;
    char *address;
    char *city;
    char state[128];
    char country[64];
    double lat, lon;
    int has_coords;
    char price[16];
    char *cuisines; /* comma-separated */
    char *hours;    /* "Mon-Fri 08:00-21:00; Sat ..." */
    char alcohol[64];
    char smoking[64];
    char *url;
    /* aggregates, filled on reads */
    double avg_stars;
    int review_count;
    /* the viewer's friends' reviews of it (rest_search with FC_SORT_FRIENDS only) */
    int friends_count;
    double friends_avg;
};

/* Frees a restaurant's owned text (the record itself is the caller's); all NULL after it. Safe on
 * a zeroed record. */
void fc_restaurant_clear(struct fc_restaurant *r);
/* fc_restaurant_clear on rows[0..n), then free(rows). rows may be NULL. */
void fc_restaurants_free(struct fc_restaurant *rows, int n);
/* Set one owned text field to a copy of v (NULL: ""), freeing the one it had (r zeroed or
 * filled before). FC_OK, or FC_ERR (no memory: the field is NULL). */
int fc_restaurant_set_name(struct fc_restaurant *r, const char *v);
int fc_restaurant_set_address(struct fc_restaurant *r, const char *v);
int fc_restaurant_set_city(struct fc_restaurant *r, const char *v);
int fc_restaurant_set_cuisines(struct fc_restaurant *r, const char *v);
int fc_restaurant_set_hours(struct fc_restaurant *r, const char *v);
int fc_restaurant_set_url(struct fc_restaurant *r, const char *v);
/* Sets each owned text field as those do, to get(src, its name) (a record's reader
 * of the attribute of that name). FC_OK, or FC_ERR (no memory): clear r. */
int fc_restaurant_set_texts(struct fc_restaurant *r,
                            const char *(*get)(void *src, const char *name), void *src);
/* Gives every owned text field that is NULL the empty string (a record built by hand before a
 * write, or one a read filled). FC_OK, or FC_ERR (no memory). */
int fc_restaurant_fill(struct fc_restaurant *r);
/* *dst = *src with its own copies of the owned text (dst is overwritten, not cleared: clear it
 * first if it held a restaurant). FC_ERR (no memory): dst holds nothing to free. */
int fc_restaurant_copy(struct fc_restaurant *dst, const struct fc_restaurant *src);

struct fc_review {
    int64_t id;
    int64_t user_id;
    int64_t restaurant_id;
    int stars;
    char *body; /* malloc'ed, owned by the record (fc_review_clear); never NULL in a record
                 * the store filled; a writer's NULL stores "" */
    char photo[128];
    char visited[8]; /* the month of the visit, "YYYY-MM", or "" */
    int64_t created_at;
    int64_t updated_at;
};

/* Frees a review's body (the record itself is the caller's); body is NULL after it. */
void fc_review_clear(struct fc_review *r);
/* Sets r->body to a copy of body (NULL: ""), freeing the one it had (r zeroed or filled
 * before). FC_OK, or FC_ERR (no memory: r->body is NULL). */
int fc_review_set_body(struct fc_review *r, const char *body);

/* A user as shown in lists (friends, requests, search, suggestions). Stores fill every
 * field; what a page may show of it is fc_store_person_redact's answer. */
struct fc_person {
    int64_t id;
    char username[64];
    char display_name[256];
    char city[384];
    int mutual;          /* friends in common with the viewer */
    char visibility[16]; /* theirs: public | friends */
    int rel;             /* the viewer's FC_REL_* bits towards them */
};

/* A review with its author and restaurant, as pages show it. */
struct fc_review_row {
    struct fc_review r;
    char username[64];
    char display_name[256];
    char rest_name[256];
    int by_friend;
};

/* Review lists: a store operation that fills rows[0..*n) gives each row its body (the
 * caller frees them with fc_review_rows_clear, or with fc_review_rows_free when the array is
 * malloc'ed too); when it fails, it leaves nothing to free. */
void fc_review_rows_clear(struct fc_review_row *rows, int n);
void fc_review_rows_free(struct fc_review_row *rows, int n); /* the bodies, then rows */

enum { FC_FEED_REVIEW = 1, FC_FEED_SAVE = 2 };

/* Keyset position in the feed: items strictly older than (at, kind, id). */
struct fc_feed_cursor {
    int64_t at;
    int kind;
    int64_t id;
};

struct fc_feed_item {
    int kind; /* FC_FEED_* */
    int64_t id;
    int64_t at;
    int64_t user_id;
    char username[64];
    char display_name[256];
    int64_t restaurant_id;
    char rest_name[256];
    int stars;
    char *body; /* as struct fc_review's: malloc'ed, owned by the item ("" for a save) */
    char photo[128];
    char visited[8]; /* as struct fc_review's */
};

/* Frees the bodies of items[0..n) (the feed op gives each its own, as review lists do). */
void fc_feed_items_clear(struct fc_feed_item *items, int n);
/* One of a user's own ratings (ratings_of_user). */
struct fc_rating {
    int64_t restaurant_id;
    int stars;
};

/* A restaurant friends rated 4-5 stars. */
struct fc_friend_rec {
    int64_t restaurant_id;
    char name[256];
    char city[384];
    int friends;
    double avg;
    int64_t latest;
    char who[512]; /* display names, comma-separated */
};

/* Relation of the viewer to another user (bit set). */
enum {
    FC_REL_FRIEND = 1,
    FC_REL_REQ_OUT = 2, /* viewer asked */
    FC_REL_REQ_IN = 4,  /* other asked */
    FC_REL_BLOCKED = 8, /* viewer blocked other */
    FC_REL_BLOCKED_BY = 16,
};

enum fc_person_list {
    FC_LIST_FRIENDS,
    FC_LIST_REQ_IN,
    FC_LIST_REQ_OUT,
    FC_LIST_SUGGEST,
    FC_LIST_BLOCKED
};

/* A list of strings, each malloc'ed and owned by the list (fc_strlist_free): the catalog's
 * cuisines or cities. Zeroed is empty. */
struct fc_strlist {
    char **v;
    size_t n, cap;
};
/* Appends a copy of str. FC_OK, or FC_ERR (no memory: the list is as it was). */
int fc_strlist_add(struct fc_strlist *l, const char *str);
/* Frees the strings and the array; the list is empty after it. */
void fc_strlist_free(struct fc_strlist *l);

struct fc_rest_query {
    const char *text;    /* name substring, or "" */
    const char *cuisine; /* exact cuisine, or "" */
    const char *price;   /* low|medium|high, or "" */
    const char *city;    /* exact city, or "" */
    int offset, limit;
    /* discovery (issue #16): the order (FC_SORT_*; 0 is by name), and what it needs */
    int sort;
    int64_t viewer;            /* FC_SORT_FRIENDS: whose friends (0: nobody's) */
    double near_lat, near_lon; /* FC_SORT_NEAREST: from where (degrees) */
    int64_t open_at;           /* only places open at this unix time (core/hours.h); 0: any */
    /* when set, rest_search also fills them as rest_facets does (the list page's choices):
     * on DynamoDB from the same read of the catalog */
    struct fc_strlist *facet_cuisines, *facet_cities;
};

/* Orders of a restaurant search; ties go by name (ASCII case-insensitive), then id. */
enum fc_rest_sort {
    FC_SORT_NAME = 0,
    FC_SORT_RATING,  /* best rated: fc_rules_bayes of its reviews, highest first */
    FC_SORT_REVIEWS, /* most reviewed, then best rated */
    FC_SORT_NEAREST, /* fc_geo_km from (near_lat, near_lon); places without coordinates last */
    FC_SORT_FRIENDS, /* the viewer's friends' average stars, then their number; unrated last */
};

/* Admin console: which users a search returns. */
enum fc_user_role { FC_ROLE_ANY, FC_ROLE_ADMIN, FC_ROLE_DISABLED };

struct fc_user_query {
    const char *text; /* substring of username, display name or e-mail, or "" */
    enum fc_user_role role;
    int offset, limit;
};

/* Request metrics of one minute, route and status (admin health page). The latency
 * histogram has fixed log-spaced buckets (core/metrics.h says where each one ends). */
#define FC_METRIC_BUCKETS 40

struct fc_metric_row {
    int64_t minute; /* unix time / 60 */
    char route[64]; /* route pattern, "-" when none matched */
    int status;
    long count;
    double sum_ms, max_ms;
    long hist[FC_METRIC_BUCKETS];
};

/* A named counter of one minute ("rec.fallback", "aws.s3.calls"...). */
struct fc_metric_counter {
    int64_t minute;
    char name[64];
    long n;
};

/* One figure of the store's health (admin health page): size, integrity, table status... */
#define FC_STORE_MAX_CHECKS 40
struct fc_store_check {
    char name[264];   /* "Database file", "Index " and a DynamoDB index name (<= 255)... */
    char value[1024]; /* what was found, in words (a database path, an endpoint URL...) */
    int ok;           /* 0 when the figure is a problem */
};
/* A backend's health figures so far: n of max in v. */
struct fc_store_checks {
    struct fc_store_check *v;
    int max, n;
};
/* Adds one figure: name, ok and a printf-style value; FC_ERR when out is full. */
int fc_store_check_put(struct fc_store_checks *out, const char *name, int ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

enum fc_metric_group {
    FC_METRIC_BY_ROUTE, /* one row per (route, status): minute is 0 */
    FC_METRIC_BY_MINUTE /* one row per (minute, status): route is "" */
};

/* Conversation (docs/social.md "Conversation"): a comment on a review. */
struct fc_comment {
    int64_t id;
    int64_t review_id;
    int64_t restaurant_id; /* the review's */
    int64_t user_id;       /* who wrote it */
    char body[2048];       /* Limits.MaxComment (500) characters of up to 4 bytes each */
    int64_t created_at;
};

/* A comment as lists show it: with its author and the viewer's relation to them. */
struct fc_comment_row {
    struct fc_comment c;
    char username[64];
    char display_name[256];
    int disabled;     /* the author's account */
    int rel;          /* the viewer's FC_REL_* bits towards the author */
    int author_block; /* a block stands, either way, between the author and the review's */
};

/* The likes and comments of one review, for a list of reviews. */
struct fc_talk_count {
    int64_t review_id;
    int likes;
    int comments; /* all of them: a count reveals no comment (like a restaurant's average) */
    int liked;    /* by the viewer */
};

/* A notification: actor did kind (FC_NOTE_*) to or for user. */
enum { FC_NOTE_LIKE = 1, FC_NOTE_COMMENT = 2, FC_NOTE_REQUEST = 3, FC_NOTE_ACCEPT = 4 };
struct fc_note {
    int64_t id; /* increasing: a later notification has a larger id */
    int64_t user_id;
    int64_t actor_id;
    int kind;
    int64_t review_id;     /* like, comment: the review; else 0 */
    int64_t restaurant_id; /* like, comment: the review's restaurant; else 0 */
    int64_t comment_id;    /* comment: the comment; else 0 */
    int64_t created_at;
};

/* A notification as the list shows it: with the actor, the recipient's relation to them, the
 * restaurant's name and whether it is new. */
struct fc_note_row {
    struct fc_note n;
    char username[64];
    char display_name[256];
    int disabled; /* the actor's account */
    int rel;      /* the recipient's FC_REL_* bits towards the actor */
    char rest_name[256];
    int unread;
};

struct fc_store;
struct rec_dataset;
struct fc_job;      /* background jobs: below */
struct fc_instance; /* EC2 instances: below */
struct fc_instance_event;
struct json_object; /* bulk copies: rows as json-c objects */

/* Every function returns FC_OK, FC_NOTFOUND, FC_EXISTS or FC_ERR (see core/util.h). */
/* A private note on a saved place (a want-to-go list's), as its owner wrote it. */
#define FC_SAVE_NOTE_CHARS 280                          /* the longest note, in characters */
#define FC_SAVE_NOTE_SIZE  (FC_SAVE_NOTE_CHARS * 4 + 1) /* in bytes, UTF-8 */
struct fc_save_note {
    int64_t restaurant_id;
    char note[FC_SAVE_NOTE_SIZE];
};

/* The restaurant page's reads besides its reviews (rest_page_get). */
struct fc_rest_page {
    struct fc_restaurant rest;
    int saved;             /* the viewer saved it */
    struct fc_review mine; /* the viewer's review of it (id 0: none) */
    int friends_count;     /* the viewer's friends' rating (friends_rating) */
    double friends_avg;
    int stars[5]; /* how many reviews gave 1..5 stars (rest_star_counts) */
};
/* Frees the text of the page's restaurant and review (the record itself is the caller's). */
void fc_rest_page_clear(struct fc_rest_page *pg);

/* A user as a viewer sees them now (store op users_seen). */
struct fc_user_seen {
    int64_t id;
    int exists;   /* the account is there (else the rest is zero) */
    int disabled; /* an admin disabled it */
    int rel;      /* the viewer's FC_REL_* bits towards them (0 for an anonymous viewer) */
    char username[64];
    char display_name[256];
};

struct fc_store_ops {
    const char *name;
    void (*close)(struct fc_store *s);

    /* Groups many writes (imports) into one unit; end commits when commit is set. */
    int (*batch_begin)(struct fc_store *s);
    int (*batch_end)(struct fc_store *s, int commit);
    /* 1 when batch_end without commit undoes the batch's writes (SQLite: a transaction);
     * 0 when they stay (DynamoDB: no transaction spans many calls). */
    int batch_undoes;

    /* users */
    int (*user_create)(struct fc_store *s, struct fc_user *u); /* sets u->id */
    /* The user reads overwrite *out (clear it first if it held a user): on FC_OK it has its
     * own bio and cuisines (fc_user_clear); otherwise it is zeroed, with nothing to free. */
    int (*user_get)(struct fc_store *s, int64_t id, struct fc_user *out);
    int (*user_by_name)(struct fc_store *s, const char *username, struct fc_user *out);
    /* The user whose ext_id or auth_id is ext_id. */
    int (*user_by_ext)(struct fc_store *s, const char *ext_id, struct fc_user *out);
    int (*user_by_email)(struct fc_store *s, const char *email, struct fc_user *out);
    /* Links a sign-in identity to a user that has none (sets auth_id). FC_EXISTS when the
     * user has one already, another user has this identity or there is no such user. */
    int (*user_link_auth)(struct fc_store *s, int64_t id, const char *auth_id);
    int (*user_update_profile)(struct fc_store *s, const struct fc_user *u);
    int (*user_set_password)(struct fc_store *s, int64_t id, const char *pw_hash);
    int (*user_set_flags)(struct fc_store *s, int64_t id, int is_admin, int disabled);

    /* sessions: only the SHA-256 of the token is ever stored */
    /* The site's key shared by every app host (CSRF tokens, signed links): the one the store
     * holds, or candidate, stored now when it holds none (the first host to start wins, the
     * others read it). NULL in a backend whose data lives on one host (SQLite: the key is
     * Data.Dir/secret). FC_OK or FC_ERR. */
    int (*site_secret)(struct fc_store *s, const unsigned char candidate[32],
                       unsigned char out[32]);
    int (*session_create)(struct fc_store *s, const char *hash, int64_t user_id, int64_t now);
    int (*session_get)(struct fc_store *s, const char *hash, int64_t *user_id, int64_t *created,
                       int64_t *last_seen);
    int (*session_touch)(struct fc_store *s, const char *hash, int64_t now);
    int (*session_delete)(struct fc_store *s, const char *hash);

    /* log-in throttling */
    int (*fail_record)(struct fc_store *s, const char *key, int64_t now);
    int (*fail_count)(struct fc_store *s, const char *key, int64_t since, int *count);
    int (*fail_clear)(struct fc_store *s, const char *key);

    /* restaurants */
    int (*rest_upsert)(struct fc_store *s, struct fc_restaurant *r); /* by ext_id; sets id */
    /* The restaurant reads overwrite *out (clear it first if it held a restaurant): on FC_OK it
     * has its own text (fc_restaurant_clear); otherwise it is zeroed, with nothing to free. */
    int (*rest_get)(struct fc_store *s, int64_t id, struct fc_restaurant *out);
    /* The restaurants of ids[0..n) into out[0..n), in the same order, with one read (SQLite:
     * one query; DynamoDB: BatchGetItem) instead of n; out[i].id is 0 when ids[i] is no
     * restaurant (and its text ""). Repeated ids are allowed. On FC_OK the caller clears every
     * out[i]; otherwise out holds nothing to free. */
    int (*rest_get_many)(struct fc_store *s, const int64_t *ids, int n, struct fc_restaurant *out);
    /* Matching restaurants in q->sort's order: *out is malloc'ed (fc_restaurants_free(*out,
     * *n)), *n rows, *total the count of all matches. */
    int (*rest_search)(struct fc_store *s, const struct fc_rest_query *q,
                       struct fc_restaurant **out, int *n, int *total);
    /* The distinct cuisines and cities of the catalog, sorted, appended to each list given
     * (NULL: not wanted); on failure the lists may hold part of them (the caller frees) */
    int (*rest_facets)(struct fc_store *s, struct fc_strlist *cuisines, struct fc_strlist *cities);

    /* reviews */
    /* Writes r keyed by (user, restaurant); an existing review is replaced only when
     * overwrite is set (FC_EXISTS otherwise). */
    int (*review_put)(struct fc_store *s, struct fc_review *r, int overwrite);
    int (*review_count_user)(struct fc_store *s, int64_t user_id, int *count);
    int (*review_get)(struct fc_store *s, int64_t id, struct fc_review *out);
    int (*review_get_by)(struct fc_store *s, int64_t user_id, int64_t restaurant_id,
                         struct fc_review *out);
    int (*review_delete)(struct fc_store *s, int64_t id);
    /* Reviews of a restaurant the viewer may see (0: anonymous), friends' first, newest
     * next; at most max rows into out. */
    int (*reviews_of_restaurant)(struct fc_store *s, int64_t restaurant_id, int64_t viewer,
                                 struct fc_review_row *out, int max, int *n);
    /* Reviews by a user that the viewer may see, newest first. */
    int (*reviews_by_user)(struct fc_store *s, int64_t user_id, int64_t viewer,
                           struct fc_review_row *out, int max, int *n);
    /* Reviews carrying photo (a blob key, never "") that the viewer may see (0: anonymous),
     * by the same rule as the two lists above, newest first; at most max into out. Whether
     * GET /photos/:key may serve the photo to this viewer (*n > 0). */
    int (*reviews_with_photo)(struct fc_store *s, const char *photo, int64_t viewer,
                              struct fc_review *out, int max, int *n);
    /* (Every read of reviews or feed items gives each record filled its malloc'ed body:
     * fc_review_clear, fc_review_rows_clear, fc_feed_items_clear.) */
    /* How many of the viewer's friends reviewed a restaurant, and their average stars. */
    int (*friends_rating)(struct fc_store *s, int64_t viewer, int64_t restaurant_id, int *count,
                          double *avg);

    /* friends, requests and blocks: plain data. What an action may do is the friend rule's
     * business (store/rules.h); fc_store_relate reads, decides and calls relation_set. */
    /* The viewer's FC_REL_* bits towards other. */
    int (*relation)(struct fc_store *s, int64_t viewer, int64_t other, int *rel);
    /* Makes a's relation to b go from expect to want (FC_REL_* bits from a's side), writing
     * and deleting only what the bits that differ stand for (fc_rules_rel_diff): the
     * friendship both ways, a request either way, a block either way; with its derived data
     * (the feed fan-out of a friendship begun or ended). All or nothing; FC_EXISTS (nothing
     * written) when the stored relation is no longer expect; FC_EINVAL when a is b. */
    int (*relation_set)(struct fc_store *s, int64_t a, int64_t b, int expect, int want,
                        int64_t now);
    int (*people)(struct fc_store *s, enum fc_person_list which, int64_t viewer,
                  struct fc_person *out, int max, int *n);
    /* Users matching q by username or display name, minus those who blocked the viewer. */
    int (*people_search)(struct fc_store *s, const char *q, int64_t viewer, struct fc_person *out,
                         int max, int *n);
    int (*mutual_count)(struct fc_store *s, int64_t a, int64_t b, int *count);

    /* want to go */
    int (*save_put)(struct fc_store *s, int64_t user_id, int64_t restaurant_id, int64_t now);
    int (*save_delete)(struct fc_store *s, int64_t user_id, int64_t restaurant_id);
    int (*save_exists)(struct fc_store *s, int64_t user_id, int64_t restaurant_id, int *yes);
    int (*saves_of_user)(struct fc_store *s, int64_t user_id, struct fc_restaurant *out, int max,
                         int *n);

    /* the interaction log: type is "review", "save", "unsave" or "view" */
    int (*event_add)(struct fc_store *s, int64_t user_id, int64_t restaurant_id, const char *type,
                     double value, int64_t at);
    int (*event_count)(struct fc_store *s, int64_t user_id, const char *type, int *count);

    /* friends' reviews and saves, newest first, strictly after cursor (NULL: from the top) */
    int (*feed)(struct fc_store *s, int64_t viewer, const struct fc_feed_cursor *after,
                struct fc_feed_item *out, int max, int *n);
    /* restaurants the viewer's friends rated 4-5 stars, by number of friends then recency;
     * window > 0: only from the window most recent such reviews (the viewer's feed order:
     * time, then id, newest first), authors disabled since still taking their place in it;
     * window <= 0: from all of them */
    int (*friends_recommend)(struct fc_store *s, int64_t viewer, int window,
                             struct fc_friend_rec *out, int max, int *n);

    /* recommender input: everything the model is built from (rec/engine.h), malloc'ed;
     * free with rec_dataset_free */
    int (*rec_load)(struct fc_store *s, struct rec_dataset *out);
    /* a number that changes whenever rec_load's result would */
    int (*rec_version)(struct fc_store *s, int64_t *version);

    /* admin console */
    /* Users matching q ordered by username: at most q->limit into out (caller-sized), *total
     * the count of all matches. The rows carry no bio or cuisines (NULL). */
    int (*user_search)(struct fc_store *s, const struct fc_user_query *q, struct fc_user *out,
                       int *n, int *total);
    /* Ends every session of a user (when the account is disabled). */
    int (*session_delete_user)(struct fc_store *s, int64_t user_id);
    /* Adds request rows and counters to the stored ones (summing counts and histograms), in
     * one transaction. */
    int (*metrics_add)(struct fc_store *s, const struct fc_metric_row *rows, int nrows,
                       const struct fc_metric_counter *ctrs, int nctrs);
    /* Stored request rows of minutes >= since, summed by group: *out is malloc'ed (caller
     * frees), *n rows. */
    int (*metrics_query)(struct fc_store *s, int64_t since, enum fc_metric_group group,
                         struct fc_metric_row **out, int *n);
    /* Stored counters of minutes >= since summed by name (minute 0), ordered by name. */
    int (*metrics_counters)(struct fc_store *s, int64_t since, struct fc_metric_counter **out,
                            int *n);
    /* Deletes request rows and counters of minutes < before. */
    int (*metrics_prune)(struct fc_store *s, int64_t before);
    /* Health figures of the backend (size, integrity...): at most max of them into out, their
     * number in *n. */
    int (*store_health)(struct fc_store *s, struct fc_store_check *out, int max, int *n);

    /* background jobs (worker/jobs.h). Job times ending in _ms are milliseconds. */
    /* Inserts j (type, dedupe_key, payload, max_attempts, run_at_ms) as queued with progress
     * "{}"; sets j->id and the other fields. FC_EXISTS when a job with the same non-empty
     * dedupe_key exists (whatever its state): *j is then that job. */
    int (*job_enqueue)(struct fc_store *s, struct fc_job *j, int64_t now);
    int (*job_get)(struct fc_store *s, int64_t id, struct fc_job *out);
    int (*job_by_key)(struct fc_store *s, const char *dedupe_key, struct fc_job *out);
    /* Atomically claims the job that is due first among types (comma-separated; "" = any):
     * queued with run_at_ms <= now_ms, or running with a lease that ended (its worker
     * stopped; attempts + 1). It becomes running, held by worker until now_ms + lease_ms;
     * runs + 1. FC_NOTFOUND when nothing is due. */
    int (*job_claim)(struct fc_store *s, const char *types, const char *worker, int64_t now_ms,
                     int64_t lease_ms, struct fc_job *out);
    /* The lease holder (j->worker) records a run: j->state "queued" (run again at
     * j->run_at_ms), "done" or "failed" (finished), or "running" (still at it: lease extended
     * to j->lease_until_ms), with j->progress, j->message and j->attempts. FC_NOTFOUND when
     * j->worker no longer holds the job (its lease ended and another worker took it). */
    int (*job_update)(struct fc_store *s, const struct fc_job *j, int64_t now);
    /* Jobs of type and state ("" = any), newest first, at most max into out. */
    int (*job_list)(struct fc_store *s, const char *type, const char *state, struct fc_job *out,
                    int max, int *n);
    /* When the next queued job of types ("" = any) is due; FC_NOTFOUND when none is queued. */
    int (*job_next_due)(struct fc_store *s, const char *types, int64_t *at_ms);
    /* Deletes done and failed jobs that finished before `before` (seconds); *n deleted. */
    int (*job_prune)(struct fc_store *s, int64_t before, int *n);

    /* EC2 instances launched or followed by forkcast (pages/instances.c, worker) */
    /* Inserts or updates by instance_id; created_at, launched_by and client_token keep their
     * first values. */
    int (*instance_put)(struct fc_store *s, const struct fc_instance *in, int64_t now);
    int (*instance_get)(struct fc_store *s, const char *instance_id, struct fc_instance *out);
    /* Instances launched with client_token (one launch), oldest first. */
    int (*instance_by_token)(struct fc_store *s, const char *client_token, struct fc_instance *out,
                             int max, int *n);
    /* Stored instances, newest first. */
    int (*instance_list)(struct fc_store *s, struct fc_instance *out, int max, int *n);
    /* Appends one line to an instance's state history (sets e->id). */
    int (*instance_event_add)(struct fc_store *s, struct fc_instance_event *e);
    /* An instance's state history, oldest first (the last max lines). */
    int (*instance_events)(struct fc_store *s, const char *instance_id,
                           struct fc_instance_event *out, int max, int *n);

    /* Cognito sessions (auth/cognito.c). The tokens of a session, sealed (encrypted and
     * authenticated) by the auth backend, with the time its access token expires; replaced on
     * every refresh and deleted with the session (session_delete, session_delete_user). */
    int (*session_tokens_put)(struct fc_store *s, const char *hash, const char *sealed,
                              int64_t access_exp, int64_t now);
    /* *sealed is malloc'ed (the caller frees it); FC_NOTFOUND when the session has none. */
    int (*session_tokens_get)(struct fc_store *s, const char *hash, char **sealed,
                              int64_t *access_exp, int64_t *updated_at);

    /* Bulk copies between backends (forkcast dynamodb copy): every stored row, as a json-c
     * object {column: value} of the SQLite schema's table (users, reviews, friendships...),
     * ids and times kept. Derived data (indexes, counts, feeds) is not exported: the
     * importing backend rebuilds it. */
    /* Calls emit(ctx, table, row) for each row (SQLite: parents before children; DynamoDB:
     * in scan order); a non-zero return of emit stops the export and is returned. emit
     * borrows row (the exporter puts it after the call: json_object_get to keep it). */
    int (*export_rows)(struct fc_store *s,
                       int (*emit)(void *ctx, const char *table, struct json_object *row),
                       void *ctx);
    /* Stores one exported row (FC_EINVAL: a table this backend does not keep); table NULL
     * ends the copy: derived data is written and id counters moved past the copied ids.
     * Borrows row. */
    int (*import_row)(struct fc_store *s, const char *table, struct json_object *row);
    /* Deletes every row (copy --force onto a non-empty store). */
    int (*wipe)(struct fc_store *s);

    /* discovery (issue #16) */
    /* The mean of the coordinates of city's restaurants (FC_NOTFOUND: none has any). */
    int (*rest_city_centre)(struct fc_store *s, const char *city, double *lat, double *lon);
    /* How many reviews of a restaurant gave 1..5 stars: counts[0] is 1 star (all its reviews,
     * as its average counts them). */
    int (*rest_star_counts)(struct fc_store *s, int64_t restaurant_id, int counts[5]);
    /* reviews_of_restaurant from the offset-th row on (the pages of a restaurant's reviews). */
    int (*reviews_of_restaurant_from)(struct fc_store *s, int64_t restaurant_id, int64_t viewer,
                                      int offset, struct fc_review_row *out, int max, int *n);
    /* Conversation (store/sqlite_talk.c, store/dynamodb_talk.c): likes, comments and
     * notifications, plain data; who may do and see what is store/rules_talk.h's business. */
    /* user likes review (of restaurant): FC_OK, FC_EXISTS (liked already), FC_NOTFOUND (no
     * such review). */
    int (*like_put)(struct fc_store *s, int64_t review_id, int64_t restaurant_id, int64_t user_id,
                    int64_t now);
    /* FC_OK, or FC_NOTFOUND when user did not like review. */
    int (*like_delete)(struct fc_store *s, int64_t review_id, int64_t user_id);
    /* The like and comment counts of reviews ids[0..n) and whether viewer (0: nobody) liked
     * each, into out[0..n) in the same order, with one read for the whole list (SQLite: one
     * query; DynamoDB: one BatchGetItem), never one per review. */
    int (*talk_counts)(struct fc_store *s, const int64_t *ids, int n, int64_t viewer,
                       struct fc_talk_count *out);
    /* Adds c (review_id, restaurant_id, user_id, body, created_at); sets c->id. FC_NOTFOUND
     * when the review is not there. */
    int (*comment_add)(struct fc_store *s, struct fc_comment *c);
    int (*comment_get)(struct fc_store *s, int64_t id, struct fc_comment *out);
    int (*comment_delete)(struct fc_store *s, int64_t id);
    /* Comments on review_id, or (review_id 0) on every review of restaurant_id, oldest first,
     * with their authors, viewer's FC_REL_* bits towards each and whether a block stands
     * between each and the review's author; at most max into out. */
    int (*comments_of)(struct fc_store *s, int64_t restaurant_id, int64_t review_id, int64_t viewer,
                       struct fc_comment_row *out, int max, int *n);
    /* Adds a notification (sets n->id). */
    int (*note_add)(struct fc_store *s, struct fc_note *n);
    /* user's notifications, newest first (at most max), each with unread set when its id is
     * above the last one marked read. */
    int (*notes_list)(struct fc_store *s, int64_t user_id, struct fc_note_row *out, int max,
                      int *n);
    /* How many of user's unread notifications fc_rules_talk_note_shown lets them see (at
     * most 100): one cheap read for the header of every page. */
    int (*notes_unread)(struct fc_store *s, int64_t user_id, int *count);
    /* Marks user's notifications up to id upto read. */
    int (*notes_mark_read)(struct fc_store *s, int64_t user_id, int64_t upto);
    /* Password reset links (store/sqlite_reset.c, store/dynamodb_reset.c): only the token's
     * SHA-256 (hash: 64 hex digits) is kept. reset_create stores one for user_id until
     * expires (seconds). reset_take deletes it and gives its user when it was there and not
     * expired at now (and its expiry), else FC_NOTFOUND: a link works once, and two requests racing
     * with one link get it once between them. Not exported or copied: links are minutes-long. */
    int (*reset_create)(struct fc_store *s, const char *hash, int64_t user_id, int64_t expires);
    int (*reset_take)(struct fc_store *s, const char *hash, int64_t now, int64_t *user_id,
                      int64_t *expires);
    /* The user's own ratings (restaurant and stars), newest first, at most max, in one read
     * (SQLite: one query; DynamoDB: one Query of the user's partition): what a recommendation
     * shown now must leave out and what "Because you liked X" may name. */
    int (*ratings_of_user)(struct fc_store *s, int64_t user_id, struct fc_rating *out, int max,
                           int *n);
    /* avatars (store/sqlite_avatar.c, store/dynamodb_avatar.c): the blob key of a user's
     * uploaded photo into key (at least 80 bytes; "" for none); set "" to remove it. */
    int (*avatar_get)(struct fc_store *s, int64_t user_id, char *key, size_t n);
    int (*avatar_set)(struct fc_store *s, int64_t user_id, const char *key, int64_t now);
    /* private notes on saved places (store/sqlite_savenote.c, store/dynamodb_savenote.c): set
     * user_id's note ("" clears it) on a place of the list (FC_NOTFOUND: not on the list); the
     * notes of a user's list (those not "") into out, as many as max. */
    int (*save_note_set)(struct fc_store *s, int64_t user_id, int64_t restaurant_id,
                         const char *note);
    int (*save_notes_of_user)(struct fc_store *s, int64_t user_id, struct fc_save_note *out,
                              int max, int *n);
    /* A session and its user, read together for every request (core/session.c; the cookie
     * names the user: docs/security.md). FC_OK when the session of hash exists and belongs to
     * user_id: *created, *last_seen and *u (u->id 0 when the user is gone); FC_NOTFOUND when
     * there is no such session or it belongs to someone else (a cookie naming another user
     * authenticates no one); FC_ERR. DynamoDB: one BatchGetItem of both items
     * (store/dynamodb_sessionuser.c); SQLite: one SELECT of the session LEFT JOIN its user
     * (store/sqlite.c). */
    int (*session_user_get)(struct fc_store *s, const char *hash, int64_t user_id, int64_t *created,
                            int64_t *last_seen, struct fc_user *u);
    /* The restaurant page's reads for viewer (0: a visitor, the restaurant alone): restaurant
     * rid into *rest (FC_NOTFOUND: none), whether viewer saved it, their own review of it into
     * *mine (mine->id 0: none; the caller clears it) and their friends' rating as
     * friends_rating gives it. DynamoDB: one BatchGetItem of the restaurant and the viewer's
     * profile, save and review, then the friends' reviews when there are friends
     * (store/dynamodb_restview.c); SQLite: rest_get, friends_rating, save_exists and
     * review_get_by (store/sqlite_restview.c). */
    int (*rest_view_get)(struct fc_store *s, int64_t rid, int64_t viewer,
                         struct fc_restaurant *rest, int *saved, struct fc_review *mine,
                         int *friends_count, double *friends_avg);
    /* The content version (core/pagecache.c): a number that changes with every write of a row
     * a page may show, by any process on any host, read cheaply before each cached page.
     * SQLite: a one-row table moved by triggers (sql/016_content_version.sql,
     * store/sqlite_version.c). NULL where the backend has no such number (DynamoDB): the page
     * cache is off there. */
    int (*content_version)(struct fc_store *s, int64_t *version);
    /* The profile page's reviews: reviews_by_user's rows of author for viewer, when the caller
     * has already checked that viewer may see author's reviews (fc_store_may_see with the
     * author as read and their relation; is_friend: viewer is author's friend), and *total
     * author's review count (review_count_user). DynamoDB: the author and the relation are not
     * read again; the count comes from the reviews' own Query when it read all of them
     * (store/dynamodb_userreviews.c); SQLite: reviews_by_user and review_count_user
     * (store/sqlite_userreviews.c). */
    int (*reviews_by_user_seen)(struct fc_store *s, const struct fc_user *author, int64_t viewer,
                                int is_friend, struct fc_review_row *out, int max, int *n,
                                int *total);
    /* The restaurant page in one operation: rest_view_get's answers into out (the caller clears
     * out->rest and out->mine; on any failure, FC_NOTFOUND included, out holds nothing to free),
     * reviews_of_restaurant_from's rows (from
     * offset, at most max; the caller clears them) and rest_star_counts's counts. DynamoDB:
     * rest_view_get's BatchGetItem is the reviews' context too, and the star counts come from
     * the reviews' Query when it reads the whole index (store/dynamodb_restpage.c); SQLite:
     * the three operations (store/sqlite_restpage.c). */
    int (*rest_page_get)(struct fc_store *s, int64_t rid, int64_t viewer, int offset,
                         struct fc_rest_page *out, struct fc_review_row *rows, int max, int *n);
    /* Users ids[0..n) as viewer (0: anonymous) sees them now, into out[0..n) in the same order
     * (repeated ids allowed): whether each exists, is disabled, the viewer's relation bits
     * towards them (relation's) and their names; for the friends a recommendation's reason
     * names (rec/reasons.c). One read whatever n (DynamoDB: one BatchGetItem of the viewer's
     * profile and theirs, 100 keys a call: store/dynamodb_usersseen.c); SQLite: user_get and
     * relation for each (store/sqlite_usersseen.c). FC_OK, or FC_ERR (out zeroed). */
    int (*users_seen)(struct fc_store *s, int64_t viewer, const int64_t *ids, int n,
                      struct fc_user_seen *out);
    /* The restaurants of city, in rest_search's name order, at most max, with their catalog
     * fields only: what an import writes (names, address, coordinates, cuisines, price,
     * hours...), never the rating totals (avg_stars and review_count are 0): for what shows no
     * rating (a place's neighbours on its map, a city's centre). *out malloc'ed
     * (fc_restaurants_free(*out, *n)). DynamoDB: the whole catalog kept per store handle for
     * Store.DynamoDB.CatalogSeconds, so usually no call (store/dynamodb_catalog.c says how
     * stale it may be); SQLite: rest_search (store/sqlite_places.c). */
    int (*rest_places)(struct fc_store *s, const char *city, int max, struct fc_restaurant **out,
                       int *n);
};

struct fc_store {
    const struct fc_store_ops *ops;
};

/* Opens the backend named by Store.Backend in cfg (migrating it if needed). */
int fc_store_open(HDF *cfg, struct fc_store **out);
void fc_store_close(struct fc_store *s);

/* The visibility rule, written once: code that has the author and the relation at hand calls
 * it, the DynamoDB backend on the items it read, and the SQLite queries as the SQL function
 * fc_may_see (VISIBLE in store/sqlite.c gives it the relation bits): may viewer (0: anonymous) see
 * what author wrote? Theirs, or, when no block stands either way, a public author or a friend;
 * never a disabled author's. rel is the viewer's FC_REL_* bits towards the author. It is
 * fc_store_profile_fields's FC_FIELD_REVIEWS. */
int fc_store_may_see(int64_t viewer, int64_t author, const char *visibility, int disabled, int rel);

/* Does act (store/rules.h) of a towards b: reads their relation, asks fc_rules_friend and
 * writes what it decided; when the relation changed between the read and the write (another
 * request), it reads and decides again. *refusal is the rule's answer (FC_RULE_OK: done);
 * before and after (each may be NULL) the relation around it, as a's FC_REL_* bits towards b.
 * Returns FC_OK (done or refused) or FC_ERR. */
int fc_store_relate(struct fc_store *s, int64_t a, int64_t b, int act, int64_t now, int *refusal,
                    int *before, int *after);
/* fc_store_relate's answer as one code, for callers that need no more (the demo import, the
 * contract tests): FC_OK done; FC_EXISTS already so (friends, or asked already); FC_NOTFOUND
 * no such request or friendship; FC_EINVAL refused (oneself, a block); FC_ERR. */
int fc_store_relate_rc(struct fc_store *s, int64_t a, int64_t b, int act, int64_t now);

/* The parts of a member's profile (bit set of FC_FIELD_*). */
enum {
    FC_FIELD_NAME = 1,    /* username, display name, the visibility setting */
    FC_FIELD_PROFILE = 2, /* bio, home city, favourite cuisines, price level */
    FC_FIELD_REVIEWS = 4, /* reviews, their photos, the review count */
};
/* The profile rule (docs/social.md "Privacy"), for every place that shows a member (profile
 * page, people lists and search, the API): which fields of member may viewer (0: anonymous)
 * see, given member's visibility and the viewer's FC_REL_* bits towards them? Herself: all.
 * Someone she blocked: nothing (her profile is a 404 to them). Anyone else: the name; the
 * profile fields when she is public or a friend; her reviews too unless the viewer blocked
 * her. Being an admin adds nothing: admins see accounts in the admin console. Whether the
 * account is disabled is the caller's business (lists leave disabled members out, profiles
 * are a 404 but to admins). */
unsigned fc_store_profile_fields(int64_t viewer, int64_t member, const char *visibility, int rel);
/* Blanks the fields of u outside fields (fc_store_profile_fields's answer); id, username and
 * visibility always stay. The e-mail address is left alone: only the user themself is ever
 * shown it. */
void fc_store_user_redact(struct fc_user *u, unsigned fields);
/* Blanks what viewer may not see of p (its visibility and rel as the store filled them). */
void fc_store_person_redact(struct fc_person *p, int64_t viewer);

/* A background job (worker/jobs.h). */
struct fc_job {
    int64_t id;
    char type[64];        /* the handler: "ec2.follow", "s3.backup", ... */
    char dedupe_key[192]; /* unique over all jobs when not empty */
    char state[16];       /* queued | running | done | failed */
    char payload[4096];   /* JSON from the enqueuer */
    char progress[4096];  /* JSON the handler keeps between runs ("{}" at first) */
    char message[512];    /* the handler's latest words, for people */
    int attempts;         /* failed runs so far */
    int max_attempts;     /* failed runs allowed before it fails for good; 0: the worker's */
    int runs;             /* times claimed */
    int64_t run_at_ms;    /* due time */
    char worker[64];      /* the lease holder while running */
    int64_t lease_until_ms;
    int64_t created_at, updated_at, finished_at; /* seconds; finished_at 0 until done/failed */
};

/* An EC2 instance as forkcast last saw it, and what forkcast is doing with it. */
struct fc_instance {
    char instance_id[32];
    char name[256]; /* the Name tag */
    char image_id[64];
    char instance_type[32];
    char state[24]; /* EC2's: pending | running | stopping | stopped | shutting-down | ... */
    char public_ip[64];
    char private_ip[64];
    char subnet_id[64];
    char launch_time[32];  /* as EC2 gives it (ISO 8601) */
    char client_token[72]; /* the RunInstances ClientToken of its launch */
    char status[16];       /* following | ready | no-ip | done | timeout | ended | error | "" */
    char message[512];     /* status in plain words */
    int64_t launched_by;   /* user id; 0 when not launched from the admin pages */
    int64_t created_at, updated_at;
};

/* One line of an instance's state history. */
struct fc_instance_event {
    int64_t id;
    char instance_id[32];
    char state[24];   /* the EC2 state entered, or "" for a note */
    char detail[512]; /* public IP, StateReason, who asked... */
    int64_t at_ms;
};

/* The SQLite backend's recommendation-trust operations (store/sqlite_trust.c). */
int fc_sqlite_ratings_of_user(struct fc_store *s, int64_t user_id, struct fc_rating *out, int max,
                              int *n);

/* The SQLite backend's jobs and instances operations (store/sqlite_jobs.c). */
int fc_sqlite_job_enqueue(struct fc_store *s, struct fc_job *j, int64_t now);
int fc_sqlite_job_get(struct fc_store *s, int64_t id, struct fc_job *out);
int fc_sqlite_job_by_key(struct fc_store *s, const char *dedupe_key, struct fc_job *out);
int fc_sqlite_job_claim(struct fc_store *s, const char *types, const char *worker, int64_t now_ms,
                        int64_t lease_ms, struct fc_job *out);
int fc_sqlite_job_update(struct fc_store *s, const struct fc_job *j, int64_t now);
int fc_sqlite_job_list(struct fc_store *s, const char *type, const char *state, struct fc_job *out,
                       int max, int *n);
int fc_sqlite_job_next_due(struct fc_store *s, const char *types, int64_t *at_ms);
int fc_sqlite_job_prune(struct fc_store *s, int64_t before, int *n);
int fc_sqlite_instance_put(struct fc_store *s, const struct fc_instance *in, int64_t now);
int fc_sqlite_instance_get(struct fc_store *s, const char *instance_id, struct fc_instance *out);
int fc_sqlite_instance_by_token(struct fc_store *s, const char *client_token,
                                struct fc_instance *out, int max, int *n);
int fc_sqlite_instance_list(struct fc_store *s, struct fc_instance *out, int max, int *n);
int fc_sqlite_instance_event_add(struct fc_store *s, struct fc_instance_event *e);
int fc_sqlite_instance_events(struct fc_store *s, const char *instance_id,
                              struct fc_instance_event *out, int max, int *n);

/* The SQLite backend's Cognito session operations (store/sqlite_cognito.c). */
int fc_sqlite_session_tokens_put(struct fc_store *s, const char *hash, const char *sealed,
                                 int64_t access_exp, int64_t now);
int fc_sqlite_session_tokens_get(struct fc_store *s, const char *hash, char **sealed,
                                 int64_t *access_exp, int64_t *updated_at);

/* The SQLite backend's bulk copy operations (store/sqlite_export.c). */
int fc_sqlite_export_rows(struct fc_store *s,
                          int (*emit)(void *ctx, const char *table, struct json_object *row),
                          void *ctx);
int fc_sqlite_import_row(struct fc_store *s, const char *table, struct json_object *row);
int fc_sqlite_wipe(struct fc_store *s);

/* The SQLite backend's avatars (store/sqlite_avatar.c). */
int fc_sqlite_avatar_get(struct fc_store *s, int64_t user_id, char *key, size_t n);
int fc_sqlite_avatar_set(struct fc_store *s, int64_t user_id, const char *key, int64_t now);

/* The SQLite backend's notes on saved places (store/sqlite_savenote.c). */
int fc_sqlite_save_note_set(struct fc_store *s, int64_t user_id, int64_t restaurant_id,
                            const char *note);
int fc_sqlite_save_notes_of_user(struct fc_store *s, int64_t user_id, struct fc_save_note *out,
                                 int max, int *n);

/* The SQLite backend's restaurant page reads (store/sqlite_restview.c). */
int fc_sqlite_rest_view_get(struct fc_store *s, int64_t rid, int64_t viewer,
                            struct fc_restaurant *rest, int *saved, struct fc_review *mine,
                            int *friends_count, double *friends_avg);

/* The SQLite backend's profile reviews with their count (store/sqlite_userreviews.c). */
int fc_sqlite_reviews_by_user_seen(struct fc_store *s, const struct fc_user *author, int64_t viewer,
                                   int is_friend, struct fc_review_row *out, int max, int *n,
                                   int *total);

/* The SQLite backend's restaurant page (store/sqlite_restpage.c). */
int fc_sqlite_rest_page_get(struct fc_store *s, int64_t rid, int64_t viewer, int offset,
                            struct fc_rest_page *out, struct fc_review_row *rows, int max, int *n);

/* The SQLite backend's users as a viewer sees them (store/sqlite_usersseen.c). */
int fc_sqlite_users_seen(struct fc_store *s, int64_t viewer, const int64_t *ids, int n,
                         struct fc_user_seen *out);

/* The SQLite backend's catalog fields of a city's restaurants (store/sqlite_places.c). */
int fc_sqlite_rest_places(struct fc_store *s, const char *city, int max, struct fc_restaurant **out,
                          int *n);

/* Storage faults: why the last failing store call of this thread failed, noted by the
 * backends, so that a request can say "storage full", "read-only" or "not answering"
 * instead of a bare 500 (core/app.c). */
enum {
    FC_STORE_FAULT_FULL = 1,        /* SQLITE_FULL, or a write refused for lack of room */
    FC_STORE_FAULT_READONLY = 2,    /* SQLITE_READONLY (Store.SQLite.ReadOnly, read-only files) */
    FC_STORE_FAULT_BUSY = 3,        /* SQLITE_BUSY or SQLITE_LOCKED after the busy timeout */
    FC_STORE_FAULT_IOERR = 4,       /* other I/O errors */
    FC_STORE_FAULT_UNAVAILABLE = 5, /* a remote store (DynamoDB) failing or not answering */
};
/* The last fault noted (0: none) since fc_store_fault_clear; per thread. */
int fc_store_fault(void);
void fc_store_fault_note(int fault);
void fc_store_fault_clear(void);

#endif
