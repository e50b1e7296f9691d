/* store/sqlite_reset: the SQLite side of password reset links (sql/012_password_resets.sql):
 * only the token's hash is stored; taking a link deletes it. */
#include "core/util.h"
#include "store/sqlite.h"

#include <stdio.h>

static int run(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
    return fc_sqlite_prepare(db, sql, st, "prepare (reset)");
}

int fc_sqlite_reset_create(struct fc_store *s, const char *hash, int64_t user_id, int64_t expires)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR;

    /* the links that expired go first: the table holds only live ones */
    if (run(db, "DELETE FROM password_resets WHERE expires_at <= ?", &st))
        return FC_ERR;
    sqlite3_bind_int64(st, 1, fc_now());
    if (sqlite3_step(st) != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(st);
    if (run(db, "INSERT INTO password_resets (hash, user_id, expires_at) VALUES (?, ?, ?)", &st))
        return FC_ERR;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, expires);
    if (sqlite3_step(st) == SQLITE_DONE)
        rc = FC_OK;
    else
        goto fail;
    sqlite3_finalize(st);
    return rc;
fail:
    fprintf(stderr, "forkcast: password reset link: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return FC_ERR;
}

int fc_sqlite_reset_take(struct fc_store *s, const char *hash, int64_t now, int64_t *user_id,
                         int64_t *expires)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR, step;

    /* one statement deletes and answers: two requests with one link get it once */
    if (run(db, "DELETE FROM password_resets WHERE hash = ? RETURNING user_id, expires_at", &st))
        return FC_ERR;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *user_id = sqlite3_column_int64(st, 0);
        *expires = sqlite3_column_int64(st, 1);
        step = sqlite3_step(st);
    } else if (step == SQLITE_DONE) {
        rc = FC_NOTFOUND;
        goto out;
    }
    if (step != SQLITE_DONE) {
        fprintf(stderr, "forkcast: password reset link: %s\n", sqlite3_errmsg(db));
        goto out;
    }
    rc = *expires > now ? FC_OK : FC_NOTFOUND;
out:
    sqlite3_finalize(st);
    return rc;
}
