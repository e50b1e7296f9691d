/* store/sqlite_stmt: the statement helpers the SQLite backend's modules (sqlite_*.c) share:
 * preparing with the failure logged, a text column into a buffer, and the end of an operation
 * (log a failure, finalize). */
#include "core/util.h"
#include "store/sqlite.h"

#include <stdio.h>

void fc_sqlite_fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "forkcast: sqlite %s: %s\n", what, sqlite3_errmsg(db));
}

int fc_sqlite_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, const char *what)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
        fc_sqlite_fail(db, what);
        *st = NULL;
        return FC_ERR;
    }
    return FC_OK;
}

void fc_sqlite_text(sqlite3_stmt *st, int i, char *dst, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    fc_strlcpy(dst, t ? (const char *)t : "", n);
}

int fc_sqlite_finish(sqlite3 *db, sqlite3_stmt *st, int rc, const char *what)
{
    if (rc == FC_ERR)
        fc_sqlite_fail(db, what);
    sqlite3_finalize(st);
    return rc;
}
