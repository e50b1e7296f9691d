/* store/sqlite_rec: loads the recommender's dataset (items, users, ratings, saves and views,
 * friendships, blocks) from SQLite in a few sequential scans. */
#include "core/util.h"
#include "rec/engine.h"
#include "store/sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs sql and calls row() for each row into a growing array of elem bytes. */
static int scan(sqlite3 *db, const char *sql, size_t elem, void **arr, size_t *n,
                void (*row)(sqlite3_stmt *st, void *out))
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int rc = FC_ERR, step;
    char *a = NULL;
    *arr = NULL;
    *n = 0;
    if (fc_sqlite_prepare(db, sql, &st, "rec load"))
        goto out;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            char *na;
            cap = cap ? 2 * cap : 256;
            na = realloc(a, cap * elem);
            if (!na)
                goto out;
            a = na;
        }
        memset(a + *n * elem, 0, elem);
        row(st, a + *n * elem);
        (*n)++;
    }
    if (step != SQLITE_DONE)
        goto out;
    rc = FC_OK;
out:
    sqlite3_finalize(st);
    if (rc) {
        free(a);
        *n = 0;
    } else {
        *arr = a;
    }
    return rc;
}

static void row_item(sqlite3_stmt *st, void *o)
{
    struct rec_item *it = o;
    it->id = sqlite3_column_int64(st, 0);
    fc_sqlite_text(st, 1, it->city, sizeof it->city);
    fc_sqlite_text(st, 2, it->price, sizeof it->price);
    fc_sqlite_text(st, 3, it->cuisines, sizeof it->cuisines);
    fc_sqlite_text(st, 4, it->name, sizeof it->name);
}

static void row_user(sqlite3_stmt *st, void *o)
{
    struct rec_user *u = o;
    u->id = sqlite3_column_int64(st, 0);
    fc_sqlite_text(st, 1, u->city, sizeof u->city);
    fc_sqlite_text(st, 2, u->price, sizeof u->price);
    fc_sqlite_text(st, 3, u->cuisines, sizeof u->cuisines);
    fc_sqlite_text(st, 4, u->name, sizeof u->name);
}

static void row_rating(sqlite3_stmt *st, void *o)
{
    struct rec_rating *r = o;
    r->user = sqlite3_column_int64(st, 0);
    r->item = sqlite3_column_int64(st, 1);
    r->stars = sqlite3_column_int(st, 2);
    r->at = sqlite3_column_int64(st, 3);
}

static void row_event(sqlite3_stmt *st, void *o)
{
    struct rec_event *e = o;
    e->user = sqlite3_column_int64(st, 0);
    e->item = sqlite3_column_int64(st, 1);
    e->type = sqlite3_column_int(st, 2);
    e->at = sqlite3_column_int64(st, 3);
}

static void row_edge(sqlite3_stmt *st, void *o)
{
    struct rec_edge *e = o;
    e->a = sqlite3_column_int64(st, 0);
    e->b = sqlite3_column_int64(st, 1);
}

int fc_sqlite_rec_load(struct fc_store *s, struct rec_dataset *d)
{
    sqlite3 *db = fc_sqlite_db(s);
    int rc = FC_ERR;
    void *p;
    memset(d, 0, sizeof *d);
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return FC_ERR;
    /* one read transaction: a consistent snapshot */
    if (scan(db, "SELECT id, city, price, cuisines, name FROM restaurants", sizeof *d->items, &p,
             &d->n_items, row_item))
        goto out;
    d->items = p;
    if (scan(db, "SELECT id, city, price, cuisines, display_name FROM users WHERE disabled = 0",
             sizeof *d->users, &p, &d->n_users, row_user))
        goto out;
    d->users = p;
    if (scan(db, "SELECT user_id, restaurant_id, stars, created_at FROM reviews",
             sizeof *d->ratings, &p, &d->n_ratings, row_rating))
        goto out;
    d->ratings = p;
    /* saves still on the list, and views (repeated views of one place count once) */
    if (scan(db,
             "SELECT user_id, restaurant_id, 2, created_at FROM saves UNION ALL "
             "SELECT user_id, restaurant_id, 1, max(created_at) FROM events WHERE type = 'view' "
             "GROUP BY user_id, restaurant_id",
             sizeof *d->events, &p, &d->n_events, row_event))
        goto out;
    d->events = p;
    if (scan(db, "SELECT user_id, friend_id FROM friendships WHERE user_id < friend_id",
             sizeof *d->friends, &p, &d->n_friends, row_edge))
        goto out;
    d->friends = p;
    if (scan(db, "SELECT user_id, blocked_id FROM blocks", sizeof *d->blocks, &p, &d->n_blocks,
             row_edge))
        goto out;
    d->blocks = p;
    rc = FC_OK;
out:
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc)
        rec_dataset_free(d);
    return rc;
}

int fc_sqlite_rec_version(struct fc_store *s, int64_t *version)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR;
    /* every write the dataset sees moves one of these */
    if (sqlite3_prepare_v2(
            db,
            "SELECT (SELECT coalesce(max(id), 0) FROM events) * 7 + "
            "(SELECT count(*) FROM reviews) * 11 + (SELECT coalesce(sum(stars), 0) "
            "FROM reviews) * 13 + (SELECT count(*) FROM friendships) * 17 + "
            "(SELECT count(*) FROM blocks) * 19 + (SELECT count(*) FROM saves) * 23 + "
            "(SELECT count(*) FROM users) * 29 + (SELECT coalesce(sum(disabled), 0) "
            "FROM users) * 31",
            -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        *version = sqlite3_column_int64(st, 0);
        rc = FC_OK;
    }
    sqlite3_finalize(st);
    return rc;
}
