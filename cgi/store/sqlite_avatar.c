/* store/sqlite_avatar: members' uploaded pictures (sql/013_avatars.sql). */
#include "core/util.h"
#include "store/sqlite.h"

#include <stdio.h>

int fc_sqlite_avatar_get(struct fc_store *s, int64_t user_id, char *key, size_t n)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR, r;

    key[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT photo FROM avatars WHERE user_id = ?", -1, &st, NULL) !=
        SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, user_id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        fc_sqlite_text(st, 0, key, n);
        rc = FC_OK;
    } else if (r == SQLITE_DONE) {
        rc = FC_OK;
    }
out:
    return fc_sqlite_finish(db, st, rc, "avatar_get");
}

int fc_sqlite_avatar_set(struct fc_store *s, int64_t user_id, const char *key, int64_t now)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR;

    if (sqlite3_prepare_v2(db,
                           *key ? "INSERT INTO avatars (user_id, photo, updated_at) VALUES "
                                  "(?1, ?2, ?3) ON CONFLICT (user_id) DO UPDATE SET photo = "
                                  "excluded.photo, updated_at = excluded.updated_at"
                                : "DELETE FROM avatars WHERE user_id = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, user_id);
    if (*key) {
        sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, now);
    }
    if (sqlite3_step(st) == SQLITE_DONE)
        rc = FC_OK;
out:
    return fc_sqlite_finish(db, st, rc, "avatar_set");
}
