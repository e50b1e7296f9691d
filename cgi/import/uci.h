/* import/uci: loads the UCI "Restaurant & consumer data" set as forkcast's demo data. */
#ifndef FC_IMPORT_UCI_H
#define FC_IMPORT_UCI_H

#include <stdio.h>

#include "auth/password.h"
#include "store/store.h"

struct fc_uci_counts {
    int restaurants; /* written (made or updated) */
    int users_new, users_existing, reviews_new, reviews_existing, friendships_new,
        friendships_existing;
    /* When the import fails: what it was doing ("adding user U1077"), and whether the
     * store undid everything (SQLite: the import is one transaction) or the writes counted
     * above stay (DynamoDB: a second run completes the import). */
    char failed[160];
    int undone;
};

/* One UCI CSV file read row by row (no field holds a comma or a quote). */
#define FC_UCI_CSV_FIELDS 32
struct fc_uci_csv {
    FILE *f;
    char line[4096];
    char *field[FC_UCI_CSV_FIELDS]; /* the row's fields, trimmed; a missing value ("?") is "" */
    int n;
};
/* Opens dir/name and reads its header: FC_OK, or FC_ERR with a message on stderr. */
int fc_uci_csv_open(struct fc_uci_csv *c, const char *dir, const char *name);
/* Reads the next row into c->field; 1 when there is one. */
int fc_uci_csv_next(struct fc_uci_csv *c);
/* Closes the file (again: nothing). */
void fc_uci_csv_close(struct fc_uci_csv *c);

/* Demo friendships: users who rated at least this many of the same restaurants. */
#define FC_UCI_FRIEND_MIN 3

/* The data set's users share the publicly known demo password: their hashes cost at most
 * this (scrypt ln=10, r as configured, p=1), and the first log-in re-hashes them at the
 * configured cost (fc_password_needs_rehash). The admin account gets the configured cost. */
#define FC_UCI_DEMO_LOGN 10
void fc_uci_demo_params(const struct fc_scrypt_params *full, struct fc_scrypt_params *demo);

/* Imports dir/{geoplaces2,chefmozcuisine,chefmozhours4,userprofile,usercuisine,
 * rating_final}.csv. Idempotent: a second run changes nothing, and completes a run that
 * failed halfway. Users get the password demo_password, hashed with demo_prm (the admin
 * account: prm). Progress and problems go to stderr. FC_OK or FC_ERR (counts say what was
 * done and what failed). */
int fc_uci_import(struct fc_store *s, const char *dir, const char *demo_password,
                  const struct fc_scrypt_params *prm, const struct fc_scrypt_params *demo_prm,
                  struct fc_uci_counts *counts);

/* Whether the store holds the demo data of dir already: *present is 1 when the demo admin
 * and the data set's last user exist (a whole users phase done; the SQLite import is one
 * transaction, so there it means the whole import), 0 otherwise. FC_OK or FC_ERR. */
int fc_uci_present(struct fc_store *s, const char *dir, int *present);

/* Stars (1..5) from the data set's rating, food and service scores (each 0..2):
 * 1 + round(2 * (2*rating + food + service) / 4). */
int fc_uci_stars(int rating, int food, int service);
/* The demo city of a place or user from its (messy) city text and its coordinates. */
const char *fc_uci_city(const char *text, double lat, double lon);

#endif
