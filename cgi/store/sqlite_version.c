/* store/sqlite_version: the content version of the page cache (sql/016_content_version.sql):
 * one read of a one-row table that triggers move on every write of a row a page may show. */
#include "core/util.h"
#include "store/sqlite.h"

static const char version_sql[] = "SELECT v FROM content_version";

int fc_sqlite_content_version(struct fc_store *s, int64_t *version)
{
    sqlite3_stmt *st = fc_sqlite_cached(s, version_sql);
    int rc = FC_ERR;
    if (!st)
        return FC_ERR;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *version = sqlite3_column_int64(st, 0);
        rc = FC_OK;
    } else {
        fc_sqlite_fail(fc_sqlite_db(s), "content_version");
    }
    sqlite3_reset(st);
    return rc;
}
