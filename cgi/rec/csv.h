/* rec/csv: reads the recommender's CSV files into a rec_dataset, mapping string ids
 * (U1077, 135085) to int64 ids and back. */
#ifndef FC_REC_CSV_H
#define FC_REC_CSV_H

#include "rec/engine.h"

#include <stdint.h>
#include <stdio.h>

/* A table of string ids: the i-th distinct string gets the id i (1, 2, ...). */
struct rec_ids;

/* A new empty table; FC_OK or FC_ERR. */
int rec_ids_new(struct rec_ids **out);
void rec_ids_free(struct rec_ids *t);
/* The id of s[0..len), added when new; FC_OK, FC_EINVAL (empty) or FC_ERR. */
int rec_ids_intern(struct rec_ids *t, const char *s, size_t len, int64_t *id);
/* The id of s, or 0 when the table does not hold it. */
int64_t rec_ids_find(const struct rec_ids *t, const char *s);
/* The string of id, or NULL. */
const char *rec_ids_name(const struct rec_ids *t, int64_t id);
size_t rec_ids_count(const struct rec_ids *t);

/* Which files to read (NULL: not given). Formats, each with an optional header line:
 *   ratings  user,item,rating[,timestamp]       rating 1..5 (rounded)
 *   friends  user,friend                         undirected
 *   blocks   user,blocked
 *   events   user,item,view|save[,timestamp]
 *   items    item,city,price,cuisines[,name]     cuisines separated by ';'
 *   users    user,city,price,cuisines[,name] */
struct rec_paths {
    const char *ratings, *friends, *blocks, *events, *items, *users;
};

/* A dataset read from files, with the id tables of its users and items. */
struct rec_files {
    struct rec_dataset d;
    struct rec_ids *users, *items;
    size_t skipped; /* malformed rows (reported on stderr) */
};

/* Reads the files in p into f (zeroed first). FC_OK, or FC_ERR with a message on stderr. */
int rec_files_load(struct rec_files *f, const struct rec_paths *p);
void rec_files_free(struct rec_files *f);

/* Creates (or empties) dir/name for writing; NULL with a message on stderr when it cannot. */
FILE *rec_csv_create(const char *dir, const char *name);

/* The engine's CSV files being written (rec synth, rec convert-uci). */
struct rec_csv_out {
    FILE *items, *users, *ratings, *friends, *events; /* events NULL unless asked for */
};
/* Creates dir when missing and dir/{items,users,ratings,friends}.csv (and events.csv when events)
 * into o (zeroed first). FC_OK, or FC_ERR with a message on stderr (what was opened stays in o
 * for rec_csv_out_close). */
int rec_csv_out_open(struct rec_csv_out *o, const char *dir, int events);
/* 1 when a write to any of o's files failed. */
int rec_csv_out_failed(const struct rec_csv_out *o);
/* Closes what o holds; FC_ERR when a close failed (the last buffered writes), else FC_OK. */
int rec_csv_out_close(struct rec_csv_out *o);

#endif
