/* rec/engine: forkcast's built-in recommender: an immutable model built from ratings, saves,
 * views, friendships, blocks and profiles, answering "for you" and "more like this". */
#ifndef FC_REC_ENGINE_H
#define FC_REC_ENGINE_H

#include <stddef.h>
#include <stdint.h>

/* The data a model is built from. Ids are the store's ids (any int64 but 0, which the
 * results use for "none"); strings are NUL-terminated UTF-8. */
struct rec_item {
    int64_t id;
    char city[64];
    char price[8];      /* "low", "medium", "high" (or "$".."$$$"); "" unknown */
    char cuisines[256]; /* comma-separated (';' also accepted) */
    char name[128];     /* not used by the engine */
};
struct rec_user {
    int64_t id;
    char city[64];
    char price[8];
    char cuisines[1024]; /* favourite cuisines, comma-separated */
    char name[64];       /* not used by the engine */
};
struct rec_rating {
    int64_t user, item;
    int stars; /* 1..5; other values are ignored */
    int64_t at;
};
enum rec_event_type { REC_EV_VIEW = 1, REC_EV_SAVE = 2 };
struct rec_event {
    int64_t user, item;
    int type; /* enum rec_event_type */
    int64_t at;
};
struct rec_edge {
    int64_t a, b;
}; /* friendships (undirected) or blocks (a blocked b) */
struct rec_dataset {
    struct rec_item *items;
    size_t n_items;
    struct rec_user *users;
    size_t n_users;
    struct rec_rating *ratings;
    size_t n_ratings;
    struct rec_event *events;
    size_t n_events;
    struct rec_edge *friends;
    size_t n_friends;
    struct rec_edge *blocks;
    size_t n_blocks;
};

/* How the signals are blended. Each signal is scaled to 0..1 per request before weighting. */
struct rec_weights {
    double cf, social, content, popularity; /* blend weights (Rec.Weight.*) */
    double shrinkage;            /* similarity * n / (n + shrinkage), n = co-rating users */
    double save, view;           /* strength of a save / a view; a 5-star rating is 1 */
    double city, cuisine, price; /* parts of the content match (relative) */
    double neutral;              /* stars that say nothing (2): below is dislike, above like */
    /* The item-to-item similarity, sim(i -> j) = dot(i, j) / (N(i)^sim_alpha * N(j)^sim_beta)
     * * n / (n + shrinkage), where dot weighs each user by 1 / (their interactions)^user_decay
     * and N is an item's squared norm (its number of users when binary): 0.5 / 0.5 / 0 is the
     * cosine, 1 / beta / 1 with binary input is RP3beta's random walk. */
    double sim_alpha, sim_beta, user_decay;
    double binary;  /* 1: a rating's strength for similarity and popularity is 1 whatever its
                       stars (else stars / 5); 2: also in the user's own history (every rating
                       counts as interest; the stars then only choose the reasons) */
    int neighbors;  /* neighbours kept per item (sparse similarity lists) */
    int candidates; /* popular items per city / cuisine list considered per request */
};

/* Why an item is recommended; the fields of rec_result that go with each reason are filled. */
enum rec_why {
    REC_WHY_FRIENDS = 1,      /* friend_ids, n_friends, friends_avg */
    REC_WHY_BECAUSE = 2,      /* because_item */
    REC_WHY_POPULAR_CITY = 3, /* city */
    REC_WHY_CUISINE = 4,      /* cuisine */
    REC_WHY_POPULAR = 5,
};

struct rec_result {
    int64_t item;
    double score;
    int reason;            /* enum rec_why */
    int64_t friend_ids[3]; /* friends who rated the item, best stars first */
    int n_friends;         /* how many friends rated it (may exceed 3) */
    double friends_avg;    /* their average stars */
    int64_t because_item;  /* the liked item that contributed most (0: none) */
    char cuisine[64];      /* the matching cuisine ("" none) */
    char city[64];         /* the item's city */
};

struct rec_model;

struct rec_model_info {
    size_t n_users, n_items, n_interactions, n_neighbors, n_friend_links, n_cities, n_cuisines;
    size_t n_skipped; /* ratings with stars outside 1..5, events of an unknown type */
    size_t bytes;     /* memory held by the model */
};

/* Fills w with the defaults (see docs/recommendations.md). */
void rec_weights_default(struct rec_weights *w);
/* Sets the weight named by a configuration key without the "Rec." prefix ("Weight.CF",
 * "Shrinkage", ...); FC_OK, or FC_EINVAL for an unknown key or a negative value. */
int rec_weights_set(struct rec_weights *w, const char *key, double value);
/* The i-th configuration key rec_weights_set knows (NULL after the last). */
const char *rec_weights_key(size_t i);
/* The value of key in w; FC_OK or FC_EINVAL. */
int rec_weights_get(const struct rec_weights *w, const char *key, double *value);

/* Builds a model from d (which may be freed afterwards). A pure function of d and w: the
 * model is immutable and may be shared by threads. FC_OK, FC_ERR (memory) or FC_EINVAL. */
int rec_model_build(const struct rec_dataset *d, const struct rec_weights *w,
                    struct rec_model **out);
void rec_model_free(struct rec_model *m);
void rec_model_info(const struct rec_model *m, struct rec_model_info *info);

/* The top n items for user (at most n written to out, count in *nout), best first, never an
 * item the user rated; friends and blocks are the user's. A user the model does not know is
 * treated as a new user without a profile (popular items). FC_OK or FC_ERR. Thread-safe. */
int rec_recommend(const struct rec_model *m, int64_t user, size_t n, struct rec_result *out,
                  size_t *nout);
/* The same for a profile the model may not know yet (a user who just signed up): p's city,
 * price and cuisines are used; if p->id is known its history and friends are used too. */
int rec_recommend_profile(const struct rec_model *m, const struct rec_user *p, size_t n,
                          struct rec_result *out, size_t *nout);
/* Items like item ("More like this"): co-liked first, then same cuisine and city. FC_OK,
 * FC_NOTFOUND when the model does not know item, FC_ERR. Thread-safe. */
int rec_similar(const struct rec_model *m, int64_t item, size_t n, struct rec_result *out,
                size_t *nout);
/* The shrunk similarity the model holds between two items (0 when not neighbours). */
double rec_model_similarity(const struct rec_model *m, int64_t a, int64_t b);

/* A short name for a reason ("friends", "because", "popular-city", "cuisine", "popular"). */
const char *rec_why_name(int reason);

/* Demo friendships: users a < b are friends when they rated at least min_common of the same
 * items. *out (malloc'd, sorted by a then b) gets *n edges. FC_OK or FC_ERR. */
int rec_demo_friends(const struct rec_dataset *d, int min_common, struct rec_edge **out, size_t *n);

/* Where x is or would go in the ascending array a[n]: the first index whose value is not
 * below x (n when every value is). */
size_t rec_lower_bound(const int64_t *a, size_t n, int64_t x);
/* Turns the row sizes of a compressed-rows index, counted into off[1..n], into where each row
 * starts: off[r] is the first index of row r and off[n] the total (off[0] stays 0). */
void rec_csr_offsets(size_t *off, size_t n);
/* Sorts each row r < n of the lists v[off[r]..off[r+1]) and drops the repeats within it,
 * moving the rows down so that they stay contiguous; off is updated (off[n] the new total). */
void rec_csr_sort_unique(size_t *off, uint32_t *v, size_t n);
/* qsort orders, ascending, of int64_t, uint32_t and double arrays. */
int rec_cmp_i64(const void *a, const void *b);
int rec_cmp_u32(const void *a, const void *b);
int rec_cmp_double(const void *a, const void *b);

/* Frees every array of d and zeroes it (for datasets whose arrays were malloc'd). */
void rec_dataset_free(struct rec_dataset *d);

#endif
