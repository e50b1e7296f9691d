/* store/sqlite_cognito: the SQLite backend's Cognito session tokens (sql/006_cognito.sql). */
#include "core/util.h"
#include "store/sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

static int prepare(struct fc_store *s, const char *sql, sqlite3_stmt **st)
{
    return fc_sqlite_prepare(fc_sqlite_db(s), sql, st, "session tokens");
}

int fc_sqlite_session_tokens_put(struct fc_store *s, const char *hash, const char *sealed,
                                 int64_t access_exp, int64_t now)
{
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR, step;
    if (prepare(s,
                "INSERT INTO session_tokens (token_hash, sealed, access_exp, updated_at) "
                "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (token_hash) DO UPDATE SET "
                "sealed = ?2, access_exp = ?3, updated_at = ?4",
                &st))
        goto out;
    fc_sqlite_bind(st, "ttll", hash, sealed, access_exp, now);
    step = sqlite3_step(st);
    if (step == SQLITE_DONE)
        rc = FC_OK;
    else if (step == SQLITE_CONSTRAINT)
        rc = FC_NOTFOUND; /* no such session */
    else
        fc_sqlite_fail(fc_sqlite_db(s), "session tokens");
out:
    sqlite3_finalize(st);
    return rc;
}

int fc_sqlite_session_tokens_get(struct fc_store *s, const char *hash, char **sealed,
                                 int64_t *access_exp, int64_t *updated_at)
{
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR, step;
    *sealed = NULL;
    if (prepare(s, "SELECT sealed, access_exp, updated_at FROM session_tokens WHERE token_hash = ?",
                &st))
        goto out;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = FC_NOTFOUND;
    } else if (step == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        if (!v || !(*sealed = strdup((const char *)v)))
            goto out;
        *access_exp = sqlite3_column_int64(st, 1);
        *updated_at = sqlite3_column_int64(st, 2);
        rc = FC_OK;
    } else {
        fc_sqlite_fail(fc_sqlite_db(s), "session tokens");
    }
out:
    sqlite3_finalize(st);
    return rc;
}
