/* store/sqlite_trust: what recommendations shown now are checked against: a user's own
 * ratings, read with one query. */
#include "core/util.h"
#include "store/sqlite.h"

#include <stdio.h>

int fc_sqlite_ratings_of_user(struct fc_store *s, int64_t user_id, struct fc_rating *out, int max,
                              int *n)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int r, rc = FC_ERR;

    *n = 0;
    if (max <= 0)
        return FC_OK;
    if (sqlite3_prepare_v2(db,
                           "SELECT restaurant_id, stars FROM reviews WHERE user_id = ? "
                           "ORDER BY created_at DESC, id DESC LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int(st, 2, max);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        out[*n].restaurant_id = sqlite3_column_int64(st, 0);
        out[*n].stars = sqlite3_column_int(st, 1);
        (*n)++;
    }
    if (r == SQLITE_DONE)
        rc = FC_OK;
out:
    return fc_sqlite_finish(db, st, rc, "ratings of user");
}
