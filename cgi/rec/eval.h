/* rec/eval: offline evaluation of the engine against a popularity baseline (K-fold or
 * leave-one-out, plus a cold-start experiment), and the shared random number generator. */
#ifndef FC_REC_EVAL_H
#define FC_REC_EVAL_H

#include "rec/engine.h"

#include <stdint.h>

/* splitmix64: a small seeded generator (the state is the caller's). */
uint64_t rec_rand(uint64_t *state);
/* A uniform double in [0, 1). */
double rec_rand_unit(uint64_t *state);

struct rec_eval_opts {
    struct rec_weights w;
    int folds;        /* K >= 2: K-fold over ratings (and over users for cold start) */
    int loo;          /* 1: leave one relevant rating out per user instead of K-fold */
    uint64_t seed;    /* shuffles of folds and held-out ratings */
    int demo_friends; /* > 0: friendships re-derived per fold from its training ratings with
                         rec_demo_friends(min_common = demo_friends), replacing d->friends */
    int k;            /* cut-off (10) */
    int relevant;     /* a rating >= relevant is relevant (4) */
};

struct rec_eval_metrics {
    double hit, ndcg, precision, coverage; /* @k, averaged over users; coverage of the catalogue */
    size_t users;                          /* users evaluated */
};

struct rec_eval_report {
    struct rec_eval_metrics engine, popularity, cold_engine, cold_popularity;
    size_t n_ratings, n_users, n_items, n_relevant;
};

/* Fills o with the defaults: 5 folds, seed 1, k 10, relevant 4, default weights. */
void rec_eval_defaults(struct rec_eval_opts *o);
/* Runs the evaluation of o on d. FC_OK, FC_EINVAL (bad options, no ratings) or FC_ERR. */
int rec_eval_run(const struct rec_dataset *d, const struct rec_eval_opts *o,
                 struct rec_eval_report *r);

#endif
