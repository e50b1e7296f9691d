/* rec/uci: converts the UCI restaurant data set into the recommender's CSV files. */
#ifndef FC_REC_UCI_H
#define FC_REC_UCI_H

#include <stdio.h>

/* The demo-friendship threshold used for the UCI data: users who rated at least this many
 * of the same restaurants are friends (see docs/recommendations.md for the degree table). */
#define REC_UCI_MIN_COMMON 3

/* How a UCI rating row becomes stars. */
enum rec_uci_stars {
    REC_UCI_BLENDED = 0, /* as the importer: 1 + round((2*rating + food + service) / 2) */
    REC_UCI_OVERALL = 1, /* the overall rating alone: 0, 1, 2 -> 1, 3, 5 (the usual protocol) */
};

/* Reads dir/{geoplaces2,chefmozcuisine,userprofile,usercuisine,rating_final}.csv and writes
 * outdir/{ratings,items,users,friends}.csv (outdir is created if missing): stars as the importer
 * computes them (fc_uci_stars) or, with stars = REC_UCI_OVERALL, the overall rating alone, cities
 * by fc_uci_city, demo friendships by rec_demo_friends(min_common). Prints a summary to report
 * (NULL: nothing). FC_OK or FC_ERR (message on stderr). */
int rec_uci_convert(const char *dir, const char *outdir, int min_common, int stars, FILE *report);

#endif
