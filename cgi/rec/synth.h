/* rec/synth: synthetic data for the recommender benchmark: power-law item popularity, user
 * activity and friend counts, cities and cuisines, written as the engine's CSV files. */
#ifndef FC_REC_SYNTH_H
#define FC_REC_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct rec_synth_opts {
    size_t users, items, ratings; /* ratings: target total (within a few percent) */
    double friends;               /* mean friends per user */
    size_t events;                /* saves and views (0: none) */
    uint64_t seed;
};

/* Writes dir/{ratings,friends,items,users}.csv (dir is created if missing) (and events.csv when
 * o->events) and prints the counts to report (NULL: nothing). The same options and seed give the
 * same files. FC_OK, FC_EINVAL or FC_ERR (message on stderr). */
int rec_synth_write(const struct rec_synth_opts *o, const char *dir, FILE *report);

#endif
