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
    fc_sqlite_bind(st, "llt", user_id, restaurant_id, note);
    if (sqlite3_step(st) == SQLITE_DONE)
        rc = sqlite3_changes(db) ? FC_OK : FC_NOTFOUND;
out:
    return fc_sqlite_finish(db, st, rc, "save_note_set");
}

static const struct fc_sqlite_col note_cols[] = {
    FC_SQLITE_COL('n', struct fc_save_note, restaurant_id),
    FC_SQLITE_COL('s', struct fc_save_note, note)};

int fc_sqlite_save_notes_of_user(struct fc_store *s, int64_t user_id, struct fc_save_note *out,
                                 int max, int *n)
{
    return fc_sqlite_list(fc_sqlite_db(s),
                          "SELECT restaurant_id, note FROM saves WHERE user_id = ? AND note <> '' "
                          "ORDER BY created_at DESC LIMIT ?",
                          user_id, note_cols, FC_ARRAY_LEN(note_cols), out, sizeof *out, max, n,
                          "save_notes_of_user");
}
