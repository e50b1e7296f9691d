/* store: the data interface every backend (SQLite, DynamoDB) implements, and its records. */
#ifndef FC_STORE_H
#define FC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <ClearSilver.h>

struct fc_user {
    int64_t id;
    char username[64];
    char email[256];
    char pw_hash[256];
    char ext_id[64];
    char display_name[128];
    char bio[2048];
    char city[128];
    char cuisines[2048]; /* comma-separated */
    char price[16];      /* low | medium | high | "" */
    char visibility[16];
    int is_admin;
    int disabled;
    int64_t created_at;
};

struct fc_restaurant {
    int64_t id;
    char ext_id[64];
    char name[256];
    char address[256];
    char city[128];
    char state[128];
    char country[64];
    double lat, lon;
    int has_coords;
    char price[16];
    char cuisines[512]; /* comma-separated */
    char hours[1024];   /* "Mon-Fri 08:00-21:00; Sat ..." */
    char alcohol[64];
    char smoking[64];
    char url[256];
    /* aggregates, filled on reads */
    double avg_stars;
    int review_count;
};

struct fc_review {
    int64_t id;
    int64_t user_id;
    int64_t restaurant_id;
    int stars;
    char body[4096];
    char photo[128];
    int64_t created_at;
    int64_t updated_at;
};

/* A user as shown in lists (friends, requests, search, suggestions). */
struct fc_person {
    int64_t id;
    char username[64];
    char display_name[128];
    char city[128];
    int mutual; /* friends in common with the viewer */
};

/* A review with its author and restaurant, as pages show it. */
struct fc_review_row {
    struct fc_review r;
    char username[64];
    char display_name[128];
    char rest_name[256];
    int by_friend;
};

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
    char display_name[128];
    int64_t restaurant_id;
    char rest_name[256];
    int stars;
    char body[4096];
    char photo[128];
};

/* A restaurant friends rated 4-5 stars. */
struct fc_friend_rec {
    int64_t restaurant_id;
    char name[256];
    char city[128];
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

struct fc_rest_query {
    const char *text;    /* name substring, or "" */
    const char *cuisine; /* exact cuisine, or "" */
    const char *price;   /* low|medium|high, or "" */
    const char *city;    /* exact city, or "" */
    int offset, limit;
};

struct fc_store;

/* Every function returns FC_OK, FC_NOTFOUND, FC_EXISTS or FC_ERR (see core/util.h). */
struct fc_store_ops {
    const char *name;
    void (*close)(struct fc_store *s);

    /* Groups many writes (imports) into one unit; end commits when commit is set. */
    int (*batch_begin)(struct fc_store *s);
    int (*batch_end)(struct fc_store *s, int commit);

    /* users */
    int (*user_create)(struct fc_store *s, struct fc_user *u); /* sets u->id */
    int (*user_get)(struct fc_store *s, int64_t id, struct fc_user *out);
    int (*user_by_name)(struct fc_store *s, const char *username, struct fc_user *out);
    int (*user_by_ext)(struct fc_store *s, const char *ext_id, struct fc_user *out);
    int (*user_update_profile)(struct fc_store *s, const struct fc_user *u);
    int (*user_set_password)(struct fc_store *s, int64_t id, const char *pw_hash);
    int (*user_set_flags)(struct fc_store *s, int64_t id, int is_admin, int disabled);

    /* sessions: only the SHA-256 of the token is ever stored */
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
    int (*rest_get)(struct fc_store *s, int64_t id, struct fc_restaurant *out);
    /* Matching restaurants ordered by name: *out is malloc'ed (caller frees), *n rows,
     * *total the count of all matches. */
    int (*rest_search)(struct fc_store *s, const struct fc_rest_query *q,
                       struct fc_restaurant **out, int *n, int *total);
    /* Distinct cuisines and cities, as HDF children "0", "1"... under node */
    int (*rest_facets)(struct fc_store *s, HDF *cuisines, HDF *cities);

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
    /* How many of the viewer's friends reviewed a restaurant, and their average stars. */
    int (*friends_rating)(struct fc_store *s, int64_t viewer, int64_t restaurant_id, int *count,
                          double *avg);

    /* friends; every change is refused (FC_EINVAL) when either side blocked the other */
    int (*relation)(struct fc_store *s, int64_t viewer, int64_t other, int *rel);
    /* Sends a request; if other had asked viewer already, they become friends. */
    int (*friend_request)(struct fc_store *s, int64_t viewer, int64_t other, int64_t now);
    int (*friend_accept)(struct fc_store *s, int64_t viewer, int64_t from, int64_t now);
    /* Deletes the request from->to (decline: to is the viewer; cancel: from is). */
    int (*friend_request_delete)(struct fc_store *s, int64_t from, int64_t to);
    int (*friend_remove)(struct fc_store *s, int64_t viewer, int64_t other);
    /* Both directions at once (demo import). */
    int (*friend_add)(struct fc_store *s, int64_t a, int64_t b, int64_t now);
    /* Blocks other: also ends friendship and requests both ways. */
    int (*block)(struct fc_store *s, int64_t viewer, int64_t other, int64_t now);
    int (*unblock)(struct fc_store *s, int64_t viewer, int64_t other);
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
    /* restaurants the viewer's friends rated 4-5 stars, by number of friends then recency */
    int (*friends_recommend)(struct fc_store *s, int64_t viewer, struct fc_friend_rec *out, int max,
                             int *n);
};

struct fc_store {
    const struct fc_store_ops *ops;
};

/* Opens the backend named by Store.Backend in cfg (migrating it if needed). */
int fc_store_open(HDF *cfg, struct fc_store **out);
void fc_store_close(struct fc_store *s);

#endif
