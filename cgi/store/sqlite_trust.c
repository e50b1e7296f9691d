/* store/sqlite_trust: what recommendations shown now are checked against: a user's own
 * ratings, read with one query. */
#include "core/util.h"
#include "store/sqlite.h"

#include <stdio.h>

static const struct fc_sqlite_col rating_cols[] = {
    FC_SQLITE_COL('n', struct fc_rating, restaurant_id),
    FC_SQLITE_COL('n', struct fc_rating, stars)};

int fc_sqlite_ratings_of_user(struct fc_store *s, int64_t user_id, struct fc_rating *out, int max,
                              int *n)
{
    return fc_sqlite_list(fc_sqlite_db(s),
                          "SELECT restaurant_id, stars FROM reviews WHERE user_id = ? "
                          "ORDER BY created_at DESC, id DESC LIMIT ?",
                          user_id, rating_cols, FC_ARRAY_LEN(rating_cols), out, sizeof *out, max, n,
                          "ratings of user");
}
