/* store/sqlite_discovery: the SQLite side of discovery (issue #16): restaurant searches in an
 * order other than by name (best rated, most reviewed, nearest, friends' rating) or open at a
 * time, each one query whatever the page; a city's centre; a restaurant's star counts. The
 * rules (the Bayesian average, distance, opening hours) are C functions registered as SQL
 * functions, so both backends order by the same arithmetic. */
#include "core/geo.h"
#include "core/hours.h"
#include "core/util.h"
#include "store/rules.h"
#include "store/sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* fc_bayes(stars_sum, count): fc_rules_bayes */
static void sql_bayes(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_result_double(
        cx, fc_rules_bayes(sqlite3_value_int64(argv[0]), sqlite3_value_int64(argv[1])));
}

/* fc_km(lat1, lon1, lat2, lon2): fc_geo_km, NULL when a coordinate is */
static void sql_km(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    for (int i = 0; i < argc; i++)
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
            sqlite3_result_null(cx);
            return;
        }
    sqlite3_result_double(cx,
                          fc_geo_km(sqlite3_value_double(argv[0]), sqlite3_value_double(argv[1]),
                                    sqlite3_value_double(argv[2]), sqlite3_value_double(argv[3])));
}

static const char *text_arg(sqlite3_value *v)
{
    const unsigned char *t = sqlite3_value_text(v);
    return t ? (const char *)t : "";
}

/* fc_open_at(hours, state, city, country, t): fc_hours_open_now (1, 0, -1 unknown) */
static void sql_open_at(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_result_int(cx,
                       fc_hours_open_now(text_arg(argv[0]), text_arg(argv[1]), text_arg(argv[2]),
                                         text_arg(argv[3]), sqlite3_value_int64(argv[4])));
}

int fc_sqlite_discovery_functions(sqlite3 *db)
{
    int rc = sqlite3_create_function(db, "fc_bayes", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                     sql_bayes, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "fc_km", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                     sql_km, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "fc_open_at", 5, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                     sql_open_at, NULL, NULL);
    return rc;
}

/* ?7: open at (0: any) */
#define OPEN_WHERE " AND (?7 = 0 OR fc_open_at(r.hours, r.state, r.city, r.country, ?7) = 1)"

/* The stars of each restaurant (st), and its reviews by the viewer's (?10) friends (fr: the
 * friends_rating rule: friends' reviews, disabled authors left out). */
#define SORT_FROM                                                                                  \
    " FROM restaurants r LEFT JOIN restaurant_stats st ON st.restaurant_id = r.id"                 \
    " LEFT JOIN (SELECT rv.restaurant_id AS rid, count(*) AS n, avg(rv.stars) AS avg"              \
    " FROM friendships f JOIN reviews rv ON rv.user_id = f.friend_id JOIN users u ON"              \
    " u.id = rv.user_id WHERE f.user_id = ?10 AND u.disabled = 0 GROUP BY rv.restaurant_id) fr"    \
    " ON fr.rid = r.id"

/* The same without the friends' figures (every order but FC_SORT_FRIENDS): the friends'
 * aggregate reads all their reviews, which a page sorted otherwise does not show. */
#define SORT_FROM_PLAIN                                                                            \
    " FROM restaurants r LEFT JOIN restaurant_stats st ON st.restaurant_id = r.id"

#define BAYES   "fc_bayes(coalesce(st.stars, 0), coalesce(st.reviews, 0))"
#define BY_NAME "r.name COLLATE NOCASE, r.id"

static const char *order_by(int sort)
{
    switch (sort) {
    case FC_SORT_RATING:
        return BAYES " DESC, coalesce(st.reviews, 0) DESC, " BY_NAME;
    case FC_SORT_REVIEWS:
        return "coalesce(st.reviews, 0) DESC, " BAYES " DESC, " BY_NAME;
    case FC_SORT_NEAREST:
        return "r.lat IS NULL OR r.lon IS NULL, fc_km(?8, ?9, r.lat, r.lon), " BY_NAME;
    case FC_SORT_FRIENDS:
        return "fr.n IS NULL, fr.avg DESC, fr.n DESC, " BY_NAME;
    default:
        return BY_NAME;
    }
}

static void bind_query(sqlite3_stmt *st, const struct fc_rest_query *q, const char *text)
{
    /* a statement leaves out the parameters it does not use: SQLITE_RANGE, harmless */
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, q->cuisine ? q->cuisine : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, q->price ? q->price : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, q->city ? q->city : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, q->open_at > 0 ? q->open_at : 0);
}

int fc_sqlite_rest_search_sorted(struct fc_store *s, const struct fc_rest_query *q,
                                 const char *text, struct fc_restaurant **out, int *n, int *total)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    struct fc_restaurant *rows = NULL;
    char *sql = NULL;
    int rc = FC_ERR, step = SQLITE_DONE, cnt = 0, limit = q->limit > 0 ? q->limit : 0;

    *out = NULL;
    *n = 0;
    /* the count */
    if (!(sql = sqlite3_mprintf("SELECT count(*) FROM restaurants r%s" OPEN_WHERE,
                                fc_sqlite_rest_where)) ||
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fc_sqlite_fail(db, "restaurant count");
        goto out;
    }
    bind_query(st, q, text);
    if (sqlite3_step(st) != SQLITE_ROW) {
        fc_sqlite_fail(db, "restaurant count");
        goto out;
    }
    *total = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    sqlite3_free(sql);
    /* the page */
    if (!(sql = sqlite3_mprintf(
              "SELECT %s, %s%s%s" OPEN_WHERE " ORDER BY %s LIMIT ?5 OFFSET ?6", fc_sqlite_rest_cols,
              q->sort == FC_SORT_FRIENDS ? "coalesce(fr.n, 0), coalesce(fr.avg, 0)" : "0, 0",
              q->sort == FC_SORT_FRIENDS ? SORT_FROM : SORT_FROM_PLAIN, fc_sqlite_rest_where,
              order_by(q->sort))) ||
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fc_sqlite_fail(db, "restaurant search");
        goto out;
    }
    if (!(rows = calloc((size_t)(limit > 0 ? limit : 1), sizeof *rows)))
        goto out;
    bind_query(st, q, text);
    sqlite3_bind_int(st, 5, limit);
    sqlite3_bind_int(st, 6, q->offset > 0 ? q->offset : 0);
    sqlite3_bind_double(st, 8, q->near_lat);
    sqlite3_bind_double(st, 9, q->near_lon);
    sqlite3_bind_int64(st, 10, q->viewer);
    while (cnt < limit && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (fc_sqlite_rest_row(st, &rows[cnt]))
            goto out;
        rows[cnt].friends_count = sqlite3_column_int(st, 17);
        rows[cnt].friends_avg = sqlite3_column_double(st, 18);
        cnt++;
    }
    if (cnt < limit && step != SQLITE_DONE) {
        fc_sqlite_fail(db, "restaurant search");
        goto out;
    }
    *out = rows;
    rows = NULL;
    *n = cnt;
    rc = FC_OK;
out:
    sqlite3_finalize(st);
    sqlite3_free(sql);
    fc_restaurants_free(rows, cnt);
    return rc;
}

int fc_sqlite_rest_city_centre(struct fc_store *s, const char *city, double *lat, double *lon)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR;
    if (fc_sqlite_prepare(db,
                          "SELECT count(*), avg(lat), avg(lon) FROM restaurants WHERE city = ?1 "
                          "AND lat IS NOT NULL AND lon IS NOT NULL",
                          &st, "city centre"))
        return FC_ERR;
    sqlite3_bind_text(st, 1, city ? city : "", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        fc_sqlite_fail(db, "city centre");
        goto out;
    }
    rc = FC_NOTFOUND;
    if (sqlite3_column_int(st, 0) > 0) {
        *lat = sqlite3_column_double(st, 1);
        *lon = sqlite3_column_double(st, 2);
        rc = FC_OK;
    }
out:
    sqlite3_finalize(st);
    return rc;
}

int fc_sqlite_rest_star_counts(struct fc_store *s, int64_t rid, int counts[5])
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int step;
    memset(counts, 0, 5 * sizeof *counts);
    if (fc_sqlite_prepare(db,
                          "SELECT stars, count(*) FROM reviews WHERE restaurant_id = ?1 "
                          "GROUP BY stars",
                          &st, "star counts"))
        return FC_ERR;
    sqlite3_bind_int64(st, 1, rid);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int stars = sqlite3_column_int(st, 0);
        if (stars >= 1 && stars <= 5)
            counts[stars - 1] = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE) {
        fc_sqlite_fail(db, "star counts");
        return FC_ERR;
    }
    return FC_OK;
}
