/* rec/proto: the standard offline protocol: per-user K-fold or leave-one-out splits, forkcast's
 * engine against baselines (popularity, city popularity, item-kNN, RP3beta, EASE^R) whose
 * hyper-parameters are chosen by nested validation inside the training folds only, and
 * HitRate / NDCG / recall @k with standard errors and paired bootstrap comparisons. */
#ifndef FC_REC_PROTO_H
#define FC_REC_PROTO_H

#include "rec/engine.h"

#include <stddef.h>
#include <stdint.h>

/* The models, in the order of the table. */
enum rec_proto_model {
    REC_PM_POP = 0,    /* most interactions in training */
    REC_PM_CITYPOP,    /* popularity within the user's city (side data only) */
    REC_PM_ITEMKNN,    /* item-kNN, cosine with shrinkage, binary input */
    REC_PM_RP3,        /* RP3beta: the 3-step random walk, popularity-penalised */
    REC_PM_EASE,       /* EASE^R: the closed-form shallow auto-encoder */
    REC_PM_ENGINE_DEF, /* forkcast's engine with the weights given (the site's defaults) */
    REC_PM_ENGINE,     /* forkcast's engine, blend and similarity learnt by nested validation */
    REC_PM_N
};

/* "popularity", "city-popularity", "item-knn", "rp3beta", "ease", "forkcast-defaults",
 * "forkcast". */
const char *rec_proto_model_name(int model);

#define REC_PROTO_MAX_FOLDS 20

struct rec_proto_opts {
    struct rec_weights w; /* forkcast-defaults' weights, and the base of forkcast's search */
    int folds;            /* outer K (per user) */
    int loo;              /* 1: leave one relevant rating out per user instead */
    int inner;            /* K of the nested validation inside each training fold */
    int k;                /* cut-off (10) */
    int relevant;         /* a rating >= relevant is relevant (4) */
    int side;             /* also the variant with side data (items, users, demo friends) */
    int demo_friends;     /* with side data: friendships from each training set, rec_demo_friends
                             with this min_common (0: none) */
    int quick;            /* small grids (tests) */
    unsigned models;      /* bit (1 << model) per model to run; 0: all */
    uint64_t seed;
};

/* 5 folds, 5 inner folds, k 10, relevant 4, seed 1, demo friends 3, default weights. */
void rec_proto_defaults(struct rec_proto_opts *o);

/* The per-user split: the ratings of each user are shuffled (seed) and dealt round-robin from
 * a random start into folds, so every rating is held out exactly once and each user's ratings
 * spread evenly over the folds. With loo, one relevant (>= relevant) rating of each user who
 * has at least two ratings is held out (fold 0), the others get -1 (always training).
 * fold[i] is for d->ratings[i]. FC_OK, FC_EINVAL or FC_ERR. */
int rec_proto_split(const struct rec_dataset *d, int folds, int loo, int relevant, uint64_t seed,
                    int *fold);

struct rec_proto_metrics {
    double hit, ndcg, recall;
};
/* One ranked list against the relevant items: hit (any of the first k relevant), NDCG with
 * binary gains and the ideal DCG over min(nrel, k), recall = relevant hits / nrel. rel need not
 * be sorted. */
void rec_proto_score(const int64_t *list, size_t n, const int64_t *rel, size_t nrel, int k,
                     struct rec_proto_metrics *out);

/* One row of the table: a model, with or without side data. */
struct rec_proto_row {
    int ran;
    struct rec_proto_metrics mean, se;     /* se: standard errors, clustered by user */
    struct rec_proto_metrics *unit;        /* per evaluation unit (report's order) */
    char chosen[REC_PROTO_MAX_FOLDS][200]; /* hyper-parameters picked in each outer fold */
};

struct rec_proto_report {
    struct rec_proto_row row[2][REC_PM_N]; /* [0] ratings only, [1] with side data */
    size_t n_units;                        /* (user, fold) pairs with a relevant held-out rating */
    uint32_t *unit_user;                   /* the user (dense index) of each unit */
    size_t n_eval_users;                   /* users with at least one unit */
    size_t n_ratings, n_users, n_items, n_relevant;
    int n_folds; /* outer folds run (1 for leave-one-out) */
};

/* Runs the protocol. FC_OK, FC_EINVAL (bad options, no ratings) or FC_ERR. */
int rec_proto_run(const struct rec_dataset *d, const struct rec_proto_opts *o,
                  struct rec_proto_report *r);
void rec_proto_report_free(struct rec_proto_report *r);

/* Learns the engine's weights by the same validation on the whole of d (every rating is
 * training; o->inner folds inside it): *out gets o->w with the chosen blend and similarity
 * (side: content and social too, from d's items, users and demo friendships). FC_OK,
 * FC_EINVAL or FC_ERR. */
int rec_proto_tune(const struct rec_dataset *d, const struct rec_proto_opts *o, int side,
                   struct rec_weights *out);

struct rec_proto_diff {
    double mean, lo, hi; /* a - b, and its 95% percentile interval */
    double p_le0;        /* share of resamples where a - b <= 0 */
};
/* Paired bootstrap over users: the users are resampled with replacement (boot times, seed),
 * each with all their units, and the difference of the mean metric (0 hit, 1 ndcg, 2 recall)
 * of row (sa, a) minus row (sb, b) recomputed. FC_OK, FC_EINVAL (a row did not run), FC_ERR. */
int rec_proto_compare(const struct rec_proto_report *r, int sa, int a, int sb, int b, int metric,
                      int boot, uint64_t seed, struct rec_proto_diff *out);

#endif
