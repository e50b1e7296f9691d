/* store/sqlite_rec: loads the recommender's dataset (items, users, ratings, saves and views,
 * friendships, blocks) from SQLite in a few sequential scans. */
#include "core/util.h"
#include "rec/engine.h"
#include "store/sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs sql and reads each row by cols (n of them) into a growing array of elem bytes. */
static int scan(sqlite3 *db, const char *sql, const struct fc_sqlite_col *cols, size_t ncols,
                size_t elem, void **arr, size_t *n)
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
        if (fc_grow(&a, &cap, *n + 1, elem, 256))
            goto out;
        memset(a + *n * elem, 0, elem);
        fc_sqlite_cols(st, 0, cols, ncols, a + *n * elem);
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

/* The columns of each scan, in the order its SELECT names them. */
#define COL(kind, type, member) FC_SQLITE_COL(kind, struct type, member)
static const struct fc_sqlite_col item_cols[] = {
    COL('n', rec_item, id), COL('s', rec_item, city), COL('s', rec_item, price),
    COL('s', rec_item, cuisines), COL('s', rec_item, name)};
static const struct fc_sqlite_col user_cols[] = {
    COL('n', rec_user, id), COL('s', rec_user, city), COL('s', rec_user, price),
    COL('s', rec_user, cuisines), COL('s', rec_user, name)};
static const struct fc_sqlite_col rating_cols[] = {
    COL('n', rec_rating, user), COL('n', rec_rating, item), COL('n', rec_rating, stars),
    COL('n', rec_rating, at)};
static const struct fc_sqlite_col event_cols[] = {
    COL('n', rec_event, user), COL('n', rec_event, item), COL('n', rec_event, type),
    COL('n', rec_event, at)};
static const struct fc_sqlite_col edge_cols[] = {COL('n', rec_edge, a), COL('n', rec_edge, b)};

/* Scans sql by cols into the dataset d's array field (and its count n_field), via p: FC_OK or
 * FC_ERR. */
#define SCAN(sql, cols, field)                                                                     \
    (scan(db, sql, cols, FC_ARRAY_LEN(cols), sizeof *d->field, &p, &d->n_##field)                  \
         ? FC_ERR                                                                                  \
         : (d->field = p, FC_OK))

int fc_sqlite_rec_load(struct fc_store *s, struct rec_dataset *d)
{
    sqlite3 *db = fc_sqlite_db(s);
    int rc = FC_ERR;
    void *p;
    memset(d, 0, sizeof *d);
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return FC_ERR;
    /* one read transaction: a consistent snapshot */
    if (SCAN("SELECT id, city, price, cuisines, name FROM restaurants", item_cols, items) ||
        SCAN("SELECT id, city, price, cuisines, display_name FROM users WHERE disabled = 0",
             user_cols, users) ||
        SCAN("SELECT user_id, restaurant_id, stars, created_at FROM reviews", rating_cols,
             ratings) ||
        /* saves still on the list, and views (repeated views of one place count once) */
        SCAN("SELECT user_id, restaurant_id, 2, created_at FROM saves UNION ALL "
             "SELECT user_id, restaurant_id, 1, max(created_at) FROM events WHERE type = 'view' "
             "GROUP BY user_id, restaurant_id",
             event_cols, events) ||
        SCAN("SELECT user_id, friend_id FROM friendships WHERE user_id < friend_id", edge_cols,
             friends) ||
        SCAN("SELECT user_id, blocked_id FROM blocks", edge_cols, blocks))
        goto out;
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
