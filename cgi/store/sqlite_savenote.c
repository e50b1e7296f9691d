/* store/sqlite_savenote: private notes on saved places (sql/014_save_notes.sql). */
#include "core/util.h"
#include "store/sqlite.h"

#include <stdio.h>

int fc_sqlite_save_note_set(struct fc_store *s, int64_t user_id, int64_t restaurant_id,
                            const char *note)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR;

    if (sqlite3_prepare_v2(db,
                           "UPDATE saves SET note = ?3 WHERE user_id = ?1 AND restaurant_id = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int64(st, 2, restaurant_id);
    sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_DONE)
        rc = sqlite3_changes(db) ? FC_OK : FC_NOTFOUND;
out:
    return fc_sqlite_finish(db, st, rc, "save_note_set");
}

int fc_sqlite_save_notes_of_user(struct fc_store *s, int64_t user_id, struct fc_save_note *out,
                                 int max, int *n)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR, r;

    *n = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT restaurant_id, note FROM saves WHERE user_id = ? AND note <> '' "
                           "ORDER BY created_at DESC LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int(st, 2, max);
    while ((r = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        out[*n].restaurant_id = sqlite3_column_int64(st, 0);
        fc_sqlite_text(st, 1, out[*n].note, sizeof out[*n].note);
        (*n)++;
    }
    if (r == SQLITE_DONE || r == SQLITE_ROW)
        rc = FC_OK;
out:
    return fc_sqlite_finish(db, st, rc, "save_notes_of_user");
}
