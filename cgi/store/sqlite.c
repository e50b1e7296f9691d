/* store/sqlite: the embedded default store; one connection per process, WAL, cached
 * prepared statements, numbered migrations from sql/. */
#include "store/sqlite.h"
#include "core/config.h"
#include "core/util.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

enum {
    Q_USER_INSERT,
    Q_USER_GET,
    Q_USER_BY_NAME,
    Q_USER_BY_EXT,
    Q_USER_UPDATE,
    Q_USER_SET_PW,
    Q_USER_SET_FLAGS,
    Q_SESS_INSERT,
    Q_SESS_GET,
    Q_SESS_TOUCH,
    Q_SESS_DELETE,
    Q_FAIL_INSERT,
    Q_FAIL_COUNT,
    Q_FAIL_CLEAR,
    Q_FAIL_EXPIRE,
    Q_REST_UPSERT,
    Q_REST_ID_BY_EXT,
    Q_REST_CUISINE_CLEAR,
    Q_REST_CUISINE_ADD,
    Q_REST_GET,
    Q_REST_SEARCH,
    Q_REST_COUNT,
    Q_REST_CUISINES,
    Q_REST_CITIES,
    Q_REVIEW_UPSERT,
    Q_REVIEW_INSERT,
    Q_REVIEW_COUNT_USER,
    Q__COUNT
};

#define USER_COLS                                                                                  \
    "id, username, email, pw_hash, coalesce(ext_id,''), display_name, bio, city, cuisines, "       \
    "price, visibility, is_admin, disabled, created_at"

#define REST_COLS                                                                                  \
    "r.id, coalesce(r.ext_id,''), r.name, r.address, r.city, r.state, r.country, r.lat, "          \
    "r.lon, r.price, r.cuisines, r.hours, r.alcohol, r.smoking, r.url, "                           \
    "(SELECT avg(stars) FROM reviews WHERE restaurant_id = r.id), "                                \
    "(SELECT count(*) FROM reviews WHERE restaurant_id = r.id)"

#define REST_WHERE                                                                                 \
    " WHERE (?1 = '' OR r.name LIKE '%' || ?1 || '%' ESCAPE '\\')"                                 \
    " AND (?2 = '' OR EXISTS (SELECT 1 FROM restaurant_cuisines c WHERE"                           \
    " c.restaurant_id = r.id AND c.cuisine = ?2))"                                                 \
    " AND (?3 = '' OR r.price = ?3) AND (?4 = '' OR r.city = ?4)"

static const char *const SQL[Q__COUNT] = {
    [Q_USER_INSERT] = "INSERT INTO users (username, email, pw_hash, ext_id, display_name, bio, "
                      "city, cuisines, price, visibility, is_admin, disabled, created_at) "
                      "VALUES (?,?,?,nullif(?,''),?,?,?,?,?,?,?,?,?)",
    [Q_USER_GET] = "SELECT " USER_COLS " FROM users WHERE id = ?",
    [Q_USER_BY_NAME] = "SELECT " USER_COLS " FROM users WHERE username = ?",
    [Q_USER_BY_EXT] = "SELECT " USER_COLS " FROM users WHERE ext_id = ?",
    [Q_USER_UPDATE] = "UPDATE users SET display_name = ?, bio = ?, city = ?, cuisines = ?, "
                      "price = ?, visibility = ? WHERE id = ?",
    [Q_USER_SET_PW] = "UPDATE users SET pw_hash = ? WHERE id = ?",
    [Q_USER_SET_FLAGS] = "UPDATE users SET is_admin = ?, disabled = ? WHERE id = ?",
    [Q_SESS_INSERT] = "INSERT INTO sessions (token_hash, user_id, created_at, last_seen) "
                      "VALUES (?,?,?,?)",
    [Q_SESS_GET] = "SELECT user_id, created_at, last_seen FROM sessions WHERE token_hash = ?",
    [Q_SESS_TOUCH] = "UPDATE sessions SET last_seen = ? WHERE token_hash = ?",
    [Q_SESS_DELETE] = "DELETE FROM sessions WHERE token_hash = ?",
    [Q_FAIL_INSERT] = "INSERT INTO login_failures (key, at) VALUES (?,?)",
    [Q_FAIL_COUNT] = "SELECT count(*) FROM login_failures WHERE key = ? AND at >= ?",
    [Q_FAIL_CLEAR] = "DELETE FROM login_failures WHERE key = ?",
    [Q_FAIL_EXPIRE] = "DELETE FROM login_failures WHERE at < ?",
    [Q_REST_UPSERT] =
        "INSERT INTO restaurants (ext_id, name, address, city, state, country, lat, lon, price, "
        "cuisines, hours, alcohol, smoking, url) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(ext_id) DO UPDATE SET name=excluded.name, address=excluded.address, "
        "city=excluded.city, state=excluded.state, country=excluded.country, lat=excluded.lat, "
        "lon=excluded.lon, price=excluded.price, cuisines=excluded.cuisines, "
        "hours=excluded.hours, alcohol=excluded.alcohol, smoking=excluded.smoking, "
        "url=excluded.url",
    [Q_REST_ID_BY_EXT] = "SELECT id FROM restaurants WHERE ext_id = ?",
    [Q_REST_CUISINE_CLEAR] = "DELETE FROM restaurant_cuisines WHERE restaurant_id = ?",
    [Q_REST_CUISINE_ADD] =
        "INSERT OR IGNORE INTO restaurant_cuisines (restaurant_id, cuisine) VALUES (?,?)",
    [Q_REST_GET] = "SELECT " REST_COLS " FROM restaurants r WHERE r.id = ?",
    [Q_REST_SEARCH] = "SELECT " REST_COLS " FROM restaurants r" REST_WHERE
                      " ORDER BY r.name COLLATE NOCASE, r.id LIMIT ?5 OFFSET ?6",
    [Q_REST_COUNT] = "SELECT count(*) FROM restaurants r" REST_WHERE,
    [Q_REST_CUISINES] = "SELECT cuisine FROM restaurant_cuisines GROUP BY cuisine "
                        "ORDER BY cuisine",
    [Q_REST_CITIES] = "SELECT city FROM restaurants WHERE city <> '' GROUP BY city "
                      "ORDER BY city",
    [Q_REVIEW_UPSERT] =
        "INSERT INTO reviews (user_id, restaurant_id, stars, body, photo, created_at, "
        "updated_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT(user_id, restaurant_id) DO UPDATE SET "
        "stars=excluded.stars, body=excluded.body, photo=excluded.photo, "
        "updated_at=excluded.updated_at",
    [Q_REVIEW_INSERT] = "INSERT INTO reviews (user_id, restaurant_id, stars, body, photo, "
                        "created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
    [Q_REVIEW_COUNT_USER] = "SELECT count(*) FROM reviews WHERE user_id = ?",
};

struct sqlite_store {
    struct fc_store base;
    sqlite3 *db;
    sqlite3_stmt *stmt[Q__COUNT];
};

static sqlite3 *DB(struct fc_store *s)
{
    return ((struct sqlite_store *)s)->db;
}

/* The cached statement for q, reset and unbound; NULL on a prepare error (logged). */
static sqlite3_stmt *Q(struct fc_store *s, int q)
{
    struct sqlite_store *ss = (struct sqlite_store *)s;
    if (!ss->stmt[q]) {
        if (sqlite3_prepare_v3(ss->db, SQL[q], -1, SQLITE_PREPARE_PERSISTENT, &ss->stmt[q], NULL) !=
            SQLITE_OK) {
            fprintf(stderr, "forkcast: sqlite prepare %d: %s\n", q, sqlite3_errmsg(ss->db));
            return NULL;
        }
    }
    sqlite3_reset(ss->stmt[q]);
    sqlite3_clear_bindings(ss->stmt[q]);
    return ss->stmt[q];
}

static int step_done(struct fc_store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    int out = FC_OK;
    if (rc == SQLITE_CONSTRAINT)
        out = FC_EXISTS;
    else if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "forkcast: sqlite: %s\n", sqlite3_errmsg(DB(s)));
        out = FC_ERR;
    }
    sqlite3_reset(st);
    return out;
}

static void col_text(sqlite3_stmt *st, int i, char *dst, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    fc_strlcpy(dst, t ? (const char *)t : "", n);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

static void row_user(sqlite3_stmt *st, struct fc_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, u->username, sizeof u->username);
    col_text(st, 2, u->email, sizeof u->email);
    col_text(st, 3, u->pw_hash, sizeof u->pw_hash);
    col_text(st, 4, u->ext_id, sizeof u->ext_id);
    col_text(st, 5, u->display_name, sizeof u->display_name);
    col_text(st, 6, u->bio, sizeof u->bio);
    col_text(st, 7, u->city, sizeof u->city);
    col_text(st, 8, u->cuisines, sizeof u->cuisines);
    col_text(st, 9, u->price, sizeof u->price);
    col_text(st, 10, u->visibility, sizeof u->visibility);
    u->is_admin = sqlite3_column_int(st, 11);
    u->disabled = sqlite3_column_int(st, 12);
    u->created_at = sqlite3_column_int64(st, 13);
}

/* Steps a one-row query into a user. */
static int one_user(struct fc_store *s, sqlite3_stmt *st, struct fc_user *out)
{
    int rc = sqlite3_step(st), r;
    if (rc == SQLITE_ROW) {
        row_user(st, out);
        r = FC_OK;
    } else if (rc == SQLITE_DONE) {
        r = FC_NOTFOUND;
    } else {
        fprintf(stderr, "forkcast: sqlite: %s\n", sqlite3_errmsg(DB(s)));
        r = FC_ERR;
    }
    sqlite3_reset(st);
    return r;
}

static int s_user_create(struct fc_store *s, struct fc_user *u)
{
    sqlite3_stmt *st = Q(s, Q_USER_INSERT);
    int rc;
    if (!st)
        return FC_ERR;
    bind_text(st, 1, u->username);
    bind_text(st, 2, u->email);
    bind_text(st, 3, u->pw_hash);
    bind_text(st, 4, u->ext_id);
    bind_text(st, 5, u->display_name);
    bind_text(st, 6, u->bio);
    bind_text(st, 7, u->city);
    bind_text(st, 8, u->cuisines);
    bind_text(st, 9, u->price);
    bind_text(st, 10, u->visibility[0] ? u->visibility : "public");
    sqlite3_bind_int(st, 11, u->is_admin);
    sqlite3_bind_int(st, 12, u->disabled);
    sqlite3_bind_int64(st, 13, u->created_at ? u->created_at : fc_now());
    rc = step_done(s, st);
    if (rc == FC_OK)
        u->id = sqlite3_last_insert_rowid(DB(s));
    return rc;
}

static int s_user_get(struct fc_store *s, int64_t id, struct fc_user *out)
{
    sqlite3_stmt *st = Q(s, Q_USER_GET);
    if (!st)
        return FC_ERR;
    sqlite3_bind_int64(st, 1, id);
    return one_user(s, st, out);
}

static int s_user_by_name(struct fc_store *s, const char *name, struct fc_user *out)
{
    sqlite3_stmt *st = Q(s, Q_USER_BY_NAME);
    if (!st)
        return FC_ERR;
    bind_text(st, 1, name);
    return one_user(s, st, out);
}

static int s_user_by_ext(struct fc_store *s, const char *ext, struct fc_user *out)
{
    sqlite3_stmt *st = Q(s, Q_USER_BY_EXT);
    if (!st)
        return FC_ERR;
    bind_text(st, 1, ext);
    return one_user(s, st, out);
}

static int s_user_update_profile(struct fc_store *s, const struct fc_user *u)
{
    sqlite3_stmt *st = Q(s, Q_USER_UPDATE);
    if (!st)
        return FC_ERR;
    bind_text(st, 1, u->display_name);
    bind_text(st, 2, u->bio);
    bind_text(st, 3, u->city);
    bind_text(st, 4, u->cuisines);
    bind_text(st, 5, u->price);
    bind_text(st, 6, u->visibility);
    sqlite3_bind_int64(st, 7, u->id);
    return step_done(s, st);
}

static int s_user_set_password(struct fc_store *s, int64_t id, const char *hash)
{
    sqlite3_stmt *st = Q(s, Q_USER_SET_PW);
    if (!st)
        return FC_ERR;
    bind_text(st, 1, hash);
    sqlite3_bind_int64(st, 2, id);
    return step_done(s, st);
}

static int s_user_set_flags(struct fc_store *s, int64_t id, int is_admin, int disabled)
{
    sqlite3_stmt *st = Q(s, Q_USER_SET_FLAGS);
    if (!st)
        return FC_ERR;
    sqlite3_bind_int(st, 1, is_admin);
    sqlite3_bind_int(st, 2, disabled);
    sqlite3_bind_int64(st, 3, id);
    return step_done(s, st);
}

static int s_session_create(struct fc_store *s, const char *hash, int64_t uid, int64_t now)
{
    sqlite3_stmt *st = Q(s, Q_SESS_INSERT);
    if (!st)
        return FC_ERR;
    bind_text(st, 1, hash);
    sqlite3_bind_int64(st, 2, uid);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int64(st, 4, now);
    return step_done(s, st);
}

static int s_session_get(struct fc_store *s, const char *hash, int64_t *uid, int64_t *created,
                         int64_t *last_seen)
{
    sqlite3_stmt *st = Q(s, Q_SESS_GET);
    int rc, r = FC_NOTFOUND;
    if (!st)
        return FC_ERR;
    bind_text(st, 1, hash);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *uid = sqlite3_column_int64(st, 0);
        *created = sqlite3_column_int64(st, 1);
        *last_seen = sqlite3_column_int64(st, 2);
        r = FC_OK;
    } else if (rc != SQLITE_DONE) {
        r = FC_ERR;
    }
    sqlite3_reset(st);
    return r;
}

static int s_session_touch(struct fc_store *s, const char *hash, int64_t now)
{
    sqlite3_stmt *st = Q(s, Q_SESS_TOUCH);
    if (!st)
        return FC_ERR;
    sqlite3_bind_int64(st, 1, now);
    bind_text(st, 2, hash);
    return step_done(s, st);
}

static int s_session_delete(struct fc_store *s, const char *hash)
{
    sqlite3_stmt *st = Q(s, Q_SESS_DELETE);
    if (!st)
        return FC_ERR;
    bind_text(st, 1, hash);
    return step_done(s, st);
}

static int s_fail_record(struct fc_store *s, const char *key, int64_t now)
{
    sqlite3_stmt *st = Q(s, Q_FAIL_EXPIRE);
    if (!st)
        return FC_ERR;
    /* failures older than a day are of no use to any window */
    sqlite3_bind_int64(st, 1, now - 86400);
    if (step_done(s, st))
        return FC_ERR;
    st = Q(s, Q_FAIL_INSERT);
    if (!st)
        return FC_ERR;
    bind_text(st, 1, key);
    sqlite3_bind_int64(st, 2, now);
    return step_done(s, st);
}

static int s_fail_count(struct fc_store *s, const char *key, int64_t since, int *count)
{
    sqlite3_stmt *st = Q(s, Q_FAIL_COUNT);
    int r = FC_ERR;
    if (!st)
        return FC_ERR;
    bind_text(st, 1, key);
    sqlite3_bind_int64(st, 2, since);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *count = sqlite3_column_int(st, 0);
        r = FC_OK;
    }
    sqlite3_reset(st);
    return r;
}

static int s_fail_clear(struct fc_store *s, const char *key)
{
    sqlite3_stmt *st = Q(s, Q_FAIL_CLEAR);
    if (!st)
        return FC_ERR;
    bind_text(st, 1, key);
    return step_done(s, st);
}

static int exec(struct fc_store *s, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(DB(s), sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "forkcast: sqlite: %s\n", msg ? msg : "?");
        sqlite3_free(msg);
        return FC_ERR;
    }
    return FC_OK;
}

static int s_rest_upsert(struct fc_store *s, struct fc_restaurant *r)
{
    sqlite3_stmt *st;
    int rc = FC_ERR;
    char *list = NULL, *save = NULL;

    if (exec(s, "SAVEPOINT rest_upsert"))
        return FC_ERR;
    st = Q(s, Q_REST_UPSERT);
    if (!st)
        goto out;
    bind_text(st, 1, r->ext_id);
    bind_text(st, 2, r->name);
    bind_text(st, 3, r->address);
    bind_text(st, 4, r->city);
    bind_text(st, 5, r->state);
    bind_text(st, 6, r->country);
    if (r->has_coords) {
        sqlite3_bind_double(st, 7, r->lat);
        sqlite3_bind_double(st, 8, r->lon);
    }
    bind_text(st, 9, r->price);
    bind_text(st, 10, r->cuisines);
    bind_text(st, 11, r->hours);
    bind_text(st, 12, r->alcohol);
    bind_text(st, 13, r->smoking);
    bind_text(st, 14, r->url);
    if ((rc = step_done(s, st)))
        goto out;
    rc = FC_ERR;
    st = Q(s, Q_REST_ID_BY_EXT);
    if (!st)
        goto out;
    bind_text(st, 1, r->ext_id);
    if (sqlite3_step(st) != SQLITE_ROW)
        goto out;
    r->id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    st = Q(s, Q_REST_CUISINE_CLEAR);
    if (!st)
        goto out;
    sqlite3_bind_int64(st, 1, r->id);
    if (step_done(s, st))
        goto out;
    list = strdup(r->cuisines);
    if (!list)
        goto out;
    for (char *c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
        fc_trim(c);
        if (!*c)
            continue;
        st = Q(s, Q_REST_CUISINE_ADD);
        if (!st)
            goto out;
        sqlite3_bind_int64(st, 1, r->id);
        bind_text(st, 2, c);
        if (step_done(s, st))
            goto out;
    }
    rc = FC_OK;
out:
    free(list);
    if (rc == FC_OK)
        return exec(s, "RELEASE rest_upsert");
    exec(s, "ROLLBACK TO rest_upsert");
    exec(s, "RELEASE rest_upsert");
    return rc;
}

static void row_rest(sqlite3_stmt *st, struct fc_restaurant *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, r->ext_id, sizeof r->ext_id);
    col_text(st, 2, r->name, sizeof r->name);
    col_text(st, 3, r->address, sizeof r->address);
    col_text(st, 4, r->city, sizeof r->city);
    col_text(st, 5, r->state, sizeof r->state);
    col_text(st, 6, r->country, sizeof r->country);
    r->has_coords = sqlite3_column_type(st, 7) != SQLITE_NULL;
    r->lat = sqlite3_column_double(st, 7);
    r->lon = sqlite3_column_double(st, 8);
    col_text(st, 9, r->price, sizeof r->price);
    col_text(st, 10, r->cuisines, sizeof r->cuisines);
    col_text(st, 11, r->hours, sizeof r->hours);
    col_text(st, 12, r->alcohol, sizeof r->alcohol);
    col_text(st, 13, r->smoking, sizeof r->smoking);
    col_text(st, 14, r->url, sizeof r->url);
    r->avg_stars = sqlite3_column_double(st, 15);
    r->review_count = sqlite3_column_int(st, 16);
}

static int s_rest_get(struct fc_store *s, int64_t id, struct fc_restaurant *out)
{
    sqlite3_stmt *st = Q(s, Q_REST_GET);
    int rc, r = FC_NOTFOUND;
    if (!st)
        return FC_ERR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        row_rest(st, out);
        r = FC_OK;
    } else if (rc != SQLITE_DONE) {
        r = FC_ERR;
    }
    sqlite3_reset(st);
    return r;
}

/* Escapes LIKE wildcards so a search for "50%" means the text "50%". */
static char *like_escape(const char *t)
{
    size_t n = strlen(t);
    char *o = malloc(2 * n + 1), *p = o;
    if (!o)
        return NULL;
    for (; *t; t++) {
        if (*t == '%' || *t == '_' || *t == '\\')
            *p++ = '\\';
        *p++ = *t;
    }
    *p = '\0';
    return o;
}

static void bind_rest_query(sqlite3_stmt *st, const struct fc_rest_query *q, const char *text)
{
    bind_text(st, 1, text);
    bind_text(st, 2, q->cuisine);
    bind_text(st, 3, q->price);
    bind_text(st, 4, q->city);
}

static int s_rest_search(struct fc_store *s, const struct fc_rest_query *q,
                         struct fc_restaurant **out, int *n, int *total)
{
    sqlite3_stmt *st;
    struct fc_restaurant *rows = NULL;
    int cnt = 0, rc = FC_ERR, step;
    char *text = like_escape(q->text ? q->text : "");

    *out = NULL;
    *n = 0;
    if (!text)
        goto out;
    st = Q(s, Q_REST_COUNT);
    if (!st)
        goto out;
    bind_rest_query(st, q, text);
    if (sqlite3_step(st) != SQLITE_ROW)
        goto out;
    *total = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    st = Q(s, Q_REST_SEARCH);
    if (!st)
        goto out;
    rows = calloc((size_t)(q->limit > 0 ? q->limit : 1), sizeof *rows);
    if (!rows)
        goto out;
    bind_rest_query(st, q, text);
    sqlite3_bind_int(st, 5, q->limit);
    sqlite3_bind_int(st, 6, q->offset);
    while ((step = sqlite3_step(st)) == SQLITE_ROW && cnt < q->limit)
        row_rest(st, &rows[cnt++]);
    sqlite3_reset(st);
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        goto out;
    *out = rows;
    rows = NULL;
    *n = cnt;
    rc = FC_OK;
out:
    free(rows);
    free(text);
    return rc;
}

static int list_into(struct fc_store *s, int q, HDF *node)
{
    sqlite3_stmt *st = Q(s, q);
    int i = 0, step;
    if (!st)
        return FC_ERR;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        char key[16];
        NEOERR *err;
        snprintf(key, sizeof key, "%d", i++);
        err = hdf_set_value(node, key, (const char *)sqlite3_column_text(st, 0));
        if (err) {
            nerr_ignore(&err);
            sqlite3_reset(st);
            return FC_ERR;
        }
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? FC_OK : FC_ERR;
}

static int s_rest_facets(struct fc_store *s, HDF *cuisines, HDF *cities)
{
    if (cuisines && list_into(s, Q_REST_CUISINES, cuisines))
        return FC_ERR;
    if (cities && list_into(s, Q_REST_CITIES, cities))
        return FC_ERR;
    return FC_OK;
}

static int s_review_put(struct fc_store *s, struct fc_review *r, int overwrite)
{
    sqlite3_stmt *st = Q(s, overwrite ? Q_REVIEW_UPSERT : Q_REVIEW_INSERT);
    if (!st)
        return FC_ERR;
    sqlite3_bind_int64(st, 1, r->user_id);
    sqlite3_bind_int64(st, 2, r->restaurant_id);
    sqlite3_bind_int(st, 3, r->stars);
    bind_text(st, 4, r->body);
    bind_text(st, 5, r->photo);
    sqlite3_bind_int64(st, 6, r->created_at);
    sqlite3_bind_int64(st, 7, r->updated_at ? r->updated_at : r->created_at);
    return step_done(s, st);
}

static int s_review_count_user(struct fc_store *s, int64_t uid, int *count)
{
    sqlite3_stmt *st = Q(s, Q_REVIEW_COUNT_USER);
    int r = FC_ERR;
    if (!st)
        return FC_ERR;
    sqlite3_bind_int64(st, 1, uid);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *count = sqlite3_column_int(st, 0);
        r = FC_OK;
    }
    sqlite3_reset(st);
    return r;
}

static int s_batch_begin(struct fc_store *s)
{
    return exec(s, "BEGIN IMMEDIATE");
}

static int s_batch_end(struct fc_store *s, int commit)
{
    return exec(s, commit ? "COMMIT" : "ROLLBACK");
}

static void s_close(struct fc_store *s)
{
    struct sqlite_store *ss = (struct sqlite_store *)s;
    for (int i = 0; i < Q__COUNT; i++)
        sqlite3_finalize(ss->stmt[i]);
    sqlite3_close(ss->db);
    free(ss);
}

static const struct fc_store_ops sqlite_ops = {
    .name = "sqlite",
    .close = s_close,
    .batch_begin = s_batch_begin,
    .batch_end = s_batch_end,
    .user_create = s_user_create,
    .user_get = s_user_get,
    .user_by_name = s_user_by_name,
    .user_by_ext = s_user_by_ext,
    .user_update_profile = s_user_update_profile,
    .user_set_password = s_user_set_password,
    .user_set_flags = s_user_set_flags,
    .session_create = s_session_create,
    .session_get = s_session_get,
    .session_touch = s_session_touch,
    .session_delete = s_session_delete,
    .fail_record = s_fail_record,
    .fail_count = s_fail_count,
    .fail_clear = s_fail_clear,
    .rest_upsert = s_rest_upsert,
    .rest_get = s_rest_get,
    .rest_search = s_rest_search,
    .rest_facets = s_rest_facets,
    .review_put = s_review_put,
    .review_count_user = s_review_count_user,
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Applies sql/NNN_*.sql files whose number is above the stored schema version, each in its
 * own transaction. */
int fc_sqlite_migrate(struct fc_store *s, const char *sql_dir)
{
    DIR *d = NULL;
    struct dirent *e;
    char **files = NULL;
    size_t nfiles = 0;
    int version = 0, rc = FC_ERR;
    sqlite3_stmt *st = NULL;
    char *script = NULL;

    if (exec(s, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))
        goto out;
    if (sqlite3_prepare_v2(DB(s), "SELECT coalesce(max(version), 0) FROM schema_version", -1, &st,
                           NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        goto out;
    version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    st = NULL;

    d = opendir(sql_dir);
    if (!d) {
        fprintf(stderr, "forkcast: cannot open migrations folder %s\n", sql_dir);
        goto out;
    }
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        char **nf;
        if (n < 8 || strcmp(e->d_name + n - 4, ".sql") || e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        nf = realloc(files, (nfiles + 1) * sizeof *files);
        if (!nf)
            goto out;
        files = nf;
        files[nfiles] = strdup(e->d_name);
        if (!files[nfiles])
            goto out;
        nfiles++;
    }
    qsort(files, nfiles, sizeof *files, cmp_str);
    for (size_t i = 0; i < nfiles; i++) {
        int num = atoi(files[i]);
        char path[PATH_MAX], ver[64];
        FILE *f;
        long len;
        if (num <= version)
            continue;
        snprintf(path, sizeof path, "%s/%s", sql_dir, files[i]);
        f = fopen(path, "rb");
        if (!f)
            goto out;
        fseek(f, 0, SEEK_END);
        len = ftell(f);
        fseek(f, 0, SEEK_SET);
        script = malloc((size_t)len + 1);
        if (!script || fread(script, 1, (size_t)len, f) != (size_t)len) {
            fclose(f);
            goto out;
        }
        fclose(f);
        script[len] = '\0';
        if (exec(s, "BEGIN IMMEDIATE"))
            goto out;
        snprintf(ver, sizeof ver, "INSERT INTO schema_version VALUES (%d)", num);
        if (exec(s, script) || exec(s, ver)) {
            fprintf(stderr, "forkcast: migration %s failed\n", files[i]);
            exec(s, "ROLLBACK");
            goto out;
        }
        if (exec(s, "COMMIT"))
            goto out;
        free(script);
        script = NULL;
    }
    rc = FC_OK;
out:
    sqlite3_finalize(st);
    free(script);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    if (d)
        closedir(d);
    return rc;
}

int fc_sqlite_exec(struct fc_store *s, const char *sql)
{
    return exec(s, sql);
}

int fc_sqlite_open(const char *path, const char *sql_dir, struct fc_store **out)
{
    struct sqlite_store *ss = calloc(1, sizeof *ss);
    int rc = FC_ERR;
    if (!ss)
        return FC_ERR;
    ss->base.ops = &sqlite_ops;
    if (sqlite3_open_v2(path, &ss->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        fprintf(stderr, "forkcast: cannot open %s: %s\n", path, sqlite3_errmsg(ss->db));
        goto out;
    }
    sqlite3_busy_timeout(ss->db, 5000);
    if (exec(&ss->base, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                        "PRAGMA synchronous=NORMAL"))
        goto out;
    if (fc_sqlite_migrate(&ss->base, sql_dir))
        goto out;
    rc = FC_OK;
out:
    if (rc) {
        s_close(&ss->base);
        return rc;
    }
    *out = &ss->base;
    return FC_OK;
}
