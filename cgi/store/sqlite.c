/* store/sqlite: the embedded default store; one connection per process, WAL, cached
 * prepared statements, numbered migrations from sql/. */
#include "store/sqlite.h"
#include "core/config.h"
#include "core/util.h"
#include "store/rules.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

enum {
    Q_USER_INSERT,
    Q_USER_GET,
    Q_USER_BY_NAME,
    Q_USER_BY_EXT,
    Q_USER_BY_EMAIL,
    Q_USER_LINK_AUTH,
    Q_USER_UPDATE,
    Q_USER_SET_PW,
    Q_USER_SET_FLAGS,
    Q_SESS_INSERT,
    Q_SESS_GET,
    Q_SESS_USER_GET,
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
    Q_REST_GET_MANY,
    Q_REST_SEARCH,
    Q_REST_COUNT,
    Q_REST_CUISINES,
    Q_REST_CITIES,
    Q_REVIEW_UPSERT,
    Q_REVIEW_INSERT,
    Q_REVIEW_COUNT_USER,
    Q_REVIEW_GET,
    Q_REVIEW_GET_BY,
    Q_REVIEW_DELETE,
    Q_REVIEWS_OF_REST,
    Q_REVIEWS_BY_USER,
    Q_REVIEWS_WITH_PHOTO,
    Q_FRIENDS_RATING,
    Q_REL_FRIEND,
    Q_REL_REQ,
    Q_REL_BLOCK,
    Q_REQ_INSERT,
    Q_REQ_DELETE,
    Q_FRIEND_INSERT,
    Q_FRIEND_DELETE,
    Q_BLOCK_INSERT,
    Q_BLOCK_DELETE,
    Q_PEOPLE_FRIENDS,
    Q_PEOPLE_REQ_IN,
    Q_PEOPLE_REQ_OUT,
    Q_PEOPLE_SUGGEST,
    Q_PEOPLE_BLOCKED,
    Q_PEOPLE_SEARCH,
    Q_MUTUAL,
    Q_SAVE_INSERT,
    Q_SAVE_DELETE,
    Q_SAVE_EXISTS,
    Q_SAVES_OF_USER,
    Q_EVENT_INSERT,
    Q_EVENT_COUNT,
    Q_FEED,
    Q_FRIENDS_RECOMMEND,
    Q_FRIENDS_TRENDING,
    Q__COUNT
};

#define USER_COLS                                                                                  \
    "id, username, email, pw_hash, coalesce(ext_id,''), display_name, bio, city, cuisines, "       \
    "price, visibility, is_admin, disabled, created_at, coalesce(auth_id,''), saves_private"

#define REST_COLS                                                                                  \
    "r.id, coalesce(r.ext_id,''), r.name, r.address, r.city, r.state, r.country, r.lat, "          \
    "r.lon, r.price, r.cuisines, r.hours, r.alcohol, r.smoking, r.url, "                           \
    "(SELECT 1.0 * stars / reviews FROM restaurant_stats WHERE restaurant_id = r.id), "            \
    "coalesce((SELECT reviews FROM restaurant_stats WHERE restaurant_id = r.id), 0)"

#define REST_WHERE                                                                                 \
    " WHERE (?1 = '' OR r.name LIKE '%' || ?1 || '%' ESCAPE '\\')"                                 \
    " AND (?2 = '' OR EXISTS (SELECT 1 FROM restaurant_cuisines c WHERE"                           \
    " c.restaurant_id = r.id AND c.cuisine = ?2))"                                                 \
    " AND (?3 = '' OR r.price = ?3) AND (?4 = '' OR r.city = ?4)"

const char fc_sqlite_rest_cols[] = REST_COLS;
const char fc_sqlite_rest_where[] = REST_WHERE;

/* The viewer (?1) may see content by author with visibility vis, disabled or not: the
 * visibility rule itself is C (fc_store_may_see, registered as the SQL function fc_may_see),
 * the query only gives it the data: the viewer's friend and block bits towards the author. Their
 * own is theirs without a look-up. */
#define VISIBLE(author, vis, disabled)                                                             \
    "(" author " = ?1 AND " disabled " = 0 OR fc_may_see(?1, " author ", " vis ", " disabled       \
    ", EXISTS (SELECT 1 FROM friendships vf WHERE vf.user_id = ?1 AND vf.friend_id = " author      \
    ") + 8 * EXISTS (SELECT 1 FROM blocks vb WHERE vb.user_id = ?1 AND vb.blocked_id = " author    \
    ") + 16 * EXISTS (SELECT 1 FROM blocks vc WHERE vc.user_id = " author                          \
    " AND vc.blocked_id = ?1)))"

/* The review r by user u is shown to the viewer (?1): every query that returns reviews to a
 * viewer carries this (restaurant and profile lists, photos). */
#define REVIEW_SHOWN VISIBLE("r.user_id", "u.visibility", "u.disabled")

#define REVIEW_ROW_COLS                                                                            \
    "r.id, r.user_id, r.restaurant_id, r.stars, r.body, r.photo, r.created_at, r.updated_at, "     \
    "r.visited, u.username, u.display_name, x.name, "                                              \
    "EXISTS (SELECT 1 FROM friendships ff WHERE ff.user_id = ?1 AND ff.friend_id = r.user_id)"

/* The viewer's (?1) relation to user u as FC_REL_* bits (friend 1, asked 2, was asked 4,
 * blocked 8, blocked by 16), for the page to apply the profile rule to each person. */
#define PERSON_REL                                                                                 \
    "(EXISTS (SELECT 1 FROM friendships p1 WHERE p1.user_id = ?1 AND p1.friend_id = u.id) + 2 * "  \
    "EXISTS (SELECT 1 FROM friend_requests p2 WHERE p2.from_id = ?1 AND p2.to_id = u.id) + 4 * "   \
    "EXISTS (SELECT 1 FROM friend_requests p3 WHERE p3.from_id = u.id AND p3.to_id = ?1) + 8 * "   \
    "EXISTS (SELECT 1 FROM blocks p4 WHERE p4.user_id = ?1 AND p4.blocked_id = u.id) + 16 * "      \
    "EXISTS (SELECT 1 FROM blocks p5 WHERE p5.user_id = u.id AND p5.blocked_id = ?1))"

_Static_assert(FC_REL_FRIEND == 1 && FC_REL_REQ_OUT == 2 && FC_REL_REQ_IN == 4 &&
                   FC_REL_BLOCKED == 8 && FC_REL_BLOCKED_BY == 16,
               "PERSON_REL spells the FC_REL_* bits");

/* A person's columns after id, name, city and mutual count (person_cols). */
#define PERSON_TAIL "u.visibility, " PERSON_REL

#define PERSON_COLS                                                                                \
    "u.id, u.username, u.display_name, u.city, (SELECT count(*) FROM friendships m1 JOIN "         \
    "friendships m2 ON m2.friend_id = m1.friend_id WHERE m1.user_id = ?1 AND m2.user_id = "        \
    "u.id), " PERSON_TAIL

#define NOT_BLOCKED(other)                                                                         \
    "NOT EXISTS (SELECT 1 FROM blocks nb WHERE (nb.user_id = ?1 AND nb.blocked_id = " other        \
    ") OR (nb.user_id = " other " AND nb.blocked_id = ?1))"

static const char *const SQL[Q__COUNT] = {
    [Q_USER_INSERT] = "INSERT INTO users (username, email, pw_hash, ext_id, display_name, bio, "
                      "city, cuisines, price, visibility, is_admin, disabled, created_at, auth_id) "
                      "VALUES (?,?,?,nullif(?,''),?,?,?,?,?,?,?,?,?,nullif(?,''))",
    [Q_USER_GET] = "SELECT " USER_COLS " FROM users WHERE id = ?",
    [Q_USER_BY_NAME] = "SELECT " USER_COLS " FROM users WHERE username = ?",
    [Q_USER_BY_EXT] = "SELECT " USER_COLS " FROM users WHERE ext_id = ?1 OR auth_id = ?1",
    [Q_USER_BY_EMAIL] = "SELECT " USER_COLS " FROM users WHERE email = ?",
    [Q_USER_LINK_AUTH] = "UPDATE users SET auth_id = ?2 WHERE id = ?1 AND auth_id IS NULL AND "
                         "NOT EXISTS (SELECT 1 FROM users WHERE ext_id = ?2)",
    [Q_USER_UPDATE] = "UPDATE users SET display_name = ?, bio = ?, city = ?, cuisines = ?, "
                      "price = ?, visibility = ?, saves_private = ? WHERE id = ?",
    [Q_USER_SET_PW] = "UPDATE users SET pw_hash = ? WHERE id = ?",
    [Q_USER_SET_FLAGS] = "UPDATE users SET is_admin = ?, disabled = ? WHERE id = ?",
    [Q_SESS_INSERT] = "INSERT INTO sessions (token_hash, user_id, created_at, last_seen) "
                      "VALUES (?,?,?,?)",
    [Q_SESS_GET] = "SELECT user_id, created_at, last_seen FROM sessions WHERE token_hash = ?",
    /* the session's columns renamed so that USER_COLS's names are the user's alone */
    [Q_SESS_USER_GET] = "SELECT " USER_COLS ", s_user, s_created, s_seen FROM (SELECT user_id AS "
                        "s_user, created_at AS s_created, last_seen AS s_seen FROM sessions WHERE "
                        "token_hash = ?) LEFT JOIN users ON users.id = s_user",
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
    /* ?1: the ids as a JSON array */
    [Q_REST_GET_MANY] = "SELECT " REST_COLS " FROM restaurants r WHERE r.id IN (SELECT value "
                        "FROM json_each(?1))",
    [Q_REST_SEARCH] = "SELECT " REST_COLS " FROM restaurants r" REST_WHERE
                      " ORDER BY r.name COLLATE NOCASE, r.id LIMIT ?5 OFFSET ?6",
    [Q_REST_COUNT] = "SELECT count(*) FROM restaurants r" REST_WHERE,
    [Q_REST_CUISINES] = "SELECT cuisine FROM restaurant_cuisines GROUP BY cuisine "
                        "ORDER BY cuisine",
    [Q_REST_CITIES] = "SELECT city FROM restaurants WHERE city <> '' GROUP BY city "
                      "ORDER BY city",
    [Q_REVIEW_UPSERT] =
        "INSERT INTO reviews (user_id, restaurant_id, stars, body, photo, created_at, "
        "updated_at, visited) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(user_id, restaurant_id) DO "
        "UPDATE SET stars=excluded.stars, body=excluded.body, photo=excluded.photo, "
        "updated_at=excluded.updated_at, visited=excluded.visited",
    [Q_REVIEW_INSERT] = "INSERT INTO reviews (user_id, restaurant_id, stars, body, photo, "
                        "created_at, updated_at, visited) VALUES (?,?,?,?,?,?,?,?)",
    [Q_REVIEW_COUNT_USER] = "SELECT count(*) FROM reviews WHERE user_id = ?",
    [Q_REVIEW_GET] = "SELECT id, user_id, restaurant_id, stars, body, photo, created_at, "
                     "updated_at, visited FROM reviews WHERE id = ?",
    [Q_REVIEW_GET_BY] = "SELECT id, user_id, restaurant_id, stars, body, photo, created_at, "
                        "updated_at, visited FROM reviews WHERE user_id = ? AND restaurant_id = ?",
    [Q_REVIEW_DELETE] = "DELETE FROM reviews WHERE id = ?",
    [Q_REVIEWS_OF_REST] =
        "SELECT " REVIEW_ROW_COLS " FROM reviews r JOIN users u ON u.id = r.user_id "
        "JOIN restaurants x ON x.id = r.restaurant_id WHERE r.restaurant_id = ?2 AND " REVIEW_SHOWN
        " ORDER BY 13 DESC, r.created_at DESC, r.id DESC LIMIT ?3 OFFSET ?4",
    [Q_REVIEWS_BY_USER] =
        "SELECT " REVIEW_ROW_COLS " FROM reviews r JOIN users u ON u.id = r.user_id "
        "JOIN restaurants x ON x.id = r.restaurant_id WHERE r.user_id = ?2 AND " REVIEW_SHOWN
        " ORDER BY r.created_at DESC, r.id DESC LIMIT ?3",
    /* reviews_photo (sql/009_photo_index.sql) is partial: "photo <> ''" lets it be used */
    [Q_REVIEWS_WITH_PHOTO] =
        "SELECT r.id, r.user_id, r.restaurant_id, r.stars, r.body, r.photo, r.created_at, "
        "r.updated_at, r.visited FROM reviews r JOIN users u ON u.id = r.user_id WHERE "
        "r.photo = ?2 AND r.photo <> '' AND " REVIEW_SHOWN
        " ORDER BY r.created_at DESC, r.id DESC LIMIT ?3",
    [Q_FRIENDS_RATING] = "SELECT count(*), coalesce(avg(r.stars), 0) FROM friendships f JOIN "
                         "reviews r ON r.user_id = f.friend_id JOIN users u ON u.id = "
                         "r.user_id WHERE f.user_id = ?1 AND r.restaurant_id = ?2 AND "
                         "u.disabled = 0",
    [Q_REL_FRIEND] = "SELECT 1 FROM friendships WHERE user_id = ? AND friend_id = ?",
    [Q_REL_REQ] = "SELECT 1 FROM friend_requests WHERE from_id = ? AND to_id = ?",
    [Q_REL_BLOCK] = "SELECT 1 FROM blocks WHERE user_id = ? AND blocked_id = ?",
    [Q_REQ_INSERT] = "INSERT INTO friend_requests (from_id, to_id, created_at) VALUES (?,?,?)",
    [Q_REQ_DELETE] = "DELETE FROM friend_requests WHERE from_id = ? AND to_id = ?",
    [Q_FRIEND_INSERT] = "INSERT OR IGNORE INTO friendships (user_id, friend_id, created_at) "
                        "VALUES (?1,?2,?3), (?2,?1,?3)",
    [Q_FRIEND_DELETE] = "DELETE FROM friendships WHERE (user_id = ?1 AND friend_id = ?2) OR "
                        "(user_id = ?2 AND friend_id = ?1)",
    [Q_BLOCK_INSERT] = "INSERT OR IGNORE INTO blocks (user_id, blocked_id, created_at) "
                       "VALUES (?,?,?)",
    [Q_BLOCK_DELETE] = "DELETE FROM blocks WHERE user_id = ? AND blocked_id = ?",
    [Q_PEOPLE_FRIENDS] = "SELECT " PERSON_COLS " FROM friendships f JOIN users u ON u.id = "
                         "f.friend_id WHERE f.user_id = ?1 AND u.disabled = 0 ORDER BY "
                         "u.display_name, u.id LIMIT ?2",
    [Q_PEOPLE_REQ_IN] = "SELECT " PERSON_COLS " FROM friend_requests q JOIN users u ON u.id = "
                        "q.from_id WHERE q.to_id = ?1 AND u.disabled = 0 ORDER BY "
                        "q.created_at DESC LIMIT ?2",
    [Q_PEOPLE_REQ_OUT] = "SELECT " PERSON_COLS " FROM friend_requests q JOIN users u ON u.id "
                         "= q.to_id WHERE q.from_id = ?1 AND u.disabled = 0 ORDER BY "
                         "q.created_at DESC LIMIT ?2",
    [Q_PEOPLE_SUGGEST] =
        "SELECT u.id, u.username, u.display_name, u.city, count(*) AS mutual, " PERSON_TAIL
        " FROM friendships "
        "a JOIN friendships b ON b.user_id = a.friend_id JOIN users u ON u.id = b.friend_id "
        "WHERE a.user_id = ?1 AND b.friend_id <> ?1 AND u.disabled = 0 AND NOT EXISTS "
        "(SELECT 1 FROM friendships c WHERE c.user_id = ?1 AND c.friend_id = b.friend_id) "
        "AND NOT EXISTS (SELECT 1 FROM friend_requests q WHERE (q.from_id = ?1 AND q.to_id = "
        "u.id) OR (q.from_id = u.id AND q.to_id = ?1)) AND " NOT_BLOCKED(
            "u.id") " GROUP BY u.id ORDER BY mutual DESC, u.display_name LIMIT ?2",
    [Q_PEOPLE_BLOCKED] =
        "SELECT u.id, u.username, u.display_name, u.city, 0, " PERSON_TAIL " FROM blocks b "
        "JOIN users u ON u.id = b.blocked_id WHERE b.user_id = ?1 ORDER BY "
        "u.display_name LIMIT ?2",
    [Q_PEOPLE_SEARCH] = "SELECT " PERSON_COLS " FROM users u WHERE (u.username LIKE '%' || ?3 "
                        "|| '%' ESCAPE '\\' OR u.display_name LIKE '%' || ?3 || '%' ESCAPE "
                        "'\\') AND u.id <> ?1 AND u.disabled = 0 AND NOT EXISTS (SELECT 1 "
                        "FROM blocks nb WHERE nb.user_id = u.id AND nb.blocked_id = ?1) ORDER "
                        "BY u.display_name, u.id LIMIT ?2",
    [Q_MUTUAL] = "SELECT count(*) FROM friendships a JOIN friendships b ON b.friend_id = "
                 "a.friend_id WHERE a.user_id = ? AND b.user_id = ?",
    [Q_SAVE_INSERT] = "INSERT OR IGNORE INTO saves (user_id, restaurant_id, created_at) VALUES "
                      "(?,?,?)",
    [Q_SAVE_DELETE] = "DELETE FROM saves WHERE user_id = ? AND restaurant_id = ?",
    [Q_SAVE_EXISTS] = "SELECT 1 FROM saves WHERE user_id = ? AND restaurant_id = ?",
    [Q_SAVES_OF_USER] = "SELECT " REST_COLS " FROM saves s JOIN restaurants r ON r.id = "
                        "s.restaurant_id WHERE s.user_id = ? ORDER BY s.created_at DESC, s.id "
                        "DESC LIMIT ?",
    [Q_EVENT_INSERT] = "INSERT INTO events (user_id, restaurant_id, type, value, created_at) "
                       "VALUES (?,?,?,?,?)",
    [Q_EVENT_COUNT] = "SELECT count(*) FROM events WHERE user_id = ? AND type = ?",
    /* feed_items (sql/007_feed.sql) holds the viewer's friends' items: one range of its
     * primary key, newest first, stopping after ?5 rows of authors who are not disabled */
    [Q_FEED] =
        "SELECT fi.kind, fi.item_id, fi.at, fi.author_id, u.username, u.display_name, "
        "coalesce(r.restaurant_id, s.restaurant_id), x.name, coalesce(r.stars, 0), "
        "coalesce(r.body, ''), coalesce(r.photo, ''), coalesce(r.visited, '') FROM feed_items fi "
        "JOIN users u ON u.id = fi.author_id LEFT JOIN reviews r ON fi.kind = 1 AND r.id = "
        "fi.item_id LEFT JOIN saves s ON fi.kind = 2 AND s.id = fi.item_id JOIN restaurants x "
        "ON x.id = "
        "coalesce(r.restaurant_id, s.restaurant_id) WHERE fi.viewer_id = ?1 AND (fi.at, "
        "fi.kind, fi.item_id) < (?2, ?3, ?4) AND u.disabled = 0 AND fc_feed_shown(fi.kind, "
        "u.saves_private) ORDER BY fi.at DESC, fi.kind "
        "DESC, fi.item_id DESC LIMIT ?5",
    [Q_FRIENDS_RECOMMEND] =
        "SELECT x.id, x.name, x.city, count(*) AS n, avg(r.stars), max(r.created_at) AS latest, "
        "group_concat(u.display_name, ', ') FROM friendships f JOIN reviews r ON r.user_id = "
        "f.friend_id AND r.stars >= 4 JOIN users u ON u.id = r.user_id JOIN restaurants x ON "
        "x.id = r.restaurant_id WHERE f.user_id = ?1 AND u.disabled = 0 GROUP BY x.id ORDER BY "
        "n DESC, latest DESC, x.id LIMIT ?2",
    /* the same from w: the ?3 latest 4-5 star friends' reviews, read newest first along the
       viewer's feed (its primary key: "+fi.kind" so that the kind is a filter, not a key
       that would sort), whoever wrote them; then the enabled authors', ordered by restaurant
       and author so that the names are joined in author order as above */
    [Q_FRIENDS_TRENDING] =
        "SELECT x.id, x.name, x.city, count(*) AS n, avg(a.stars), max(a.at) AS latest, "
        "group_concat(a.name, ', ') FROM (SELECT w.rid, w.stars, w.at, u.display_name AS name "
        "FROM (SELECT r.restaurant_id AS rid, r.user_id AS uid, r.stars, fi.at FROM feed_items "
        "fi JOIN reviews r ON r.id = fi.item_id WHERE fi.viewer_id = ?1 AND +fi.kind = 1 AND "
        "r.stars >= 4 ORDER BY fi.at DESC, fi.kind DESC, fi.item_id DESC LIMIT ?3) w JOIN users "
        "u ON u.id = w.uid WHERE u.disabled = 0 ORDER BY w.rid, w.uid) a JOIN restaurants x ON "
        "x.id = a.rid GROUP BY x.id ORDER BY n DESC, latest DESC, x.id LIMIT ?2",
};

#define CACHED_MAX 8 /* fc_sqlite_cached's statements */

struct sqlite_store {
    struct fc_store base;
    sqlite3 *db;
    sqlite3_stmt *stmt[Q__COUNT];
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } cached[CACHED_MAX];
};

static sqlite3 *DB(struct fc_store *s)
{
    return ((struct sqlite_store *)s)->db;
}

/* Classifies a SQLite result code (extended) and the OS error behind it. */
static int classify(int code, int sys_errno)
{
    switch (code & 0xff) {
    case SQLITE_FULL:
        return FC_STORE_FAULT_FULL;
    case SQLITE_READONLY:
        return FC_STORE_FAULT_READONLY;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return FC_STORE_FAULT_BUSY;
    case SQLITE_IOERR:
        /* a write refused by the OS for lack of room (ENOSPC, quota, RLIMIT_FSIZE); without
         * the OS error (SQLite's log), a failed write is most likely that */
        if (sys_errno)
            return sys_errno == ENOSPC || sys_errno == EDQUOT || sys_errno == EFBIG
                       ? FC_STORE_FAULT_FULL
                       : FC_STORE_FAULT_IOERR;
        return code == SQLITE_IOERR_WRITE || code == SQLITE_IOERR_SHMSIZE ||
                       code == SQLITE_IOERR_TRUNCATE
                   ? FC_STORE_FAULT_FULL
                   : FC_STORE_FAULT_IOERR;
    default:
        return 0;
    }
}

/* SQLite's error log (SQLITE_CONFIG_LOG): every failing statement passes here, also those
 * whose callers only see FC_ERR; the storage faults among them are remembered. */
static void on_sqlite_log(void *arg, int code, const char *msg)
{
    int f = classify(code, 0);
    (void)arg;
    if (f) {
        fc_store_fault_note(f);
        fprintf(stderr, "forkcast: sqlite error %d: %s\n", code, msg ? msg : "?");
    }
}

/* Remembers the fault behind a failed call on s's connection (BUSY is not logged by SQLite). */
static void note_fault(struct fc_store *s)
{
    int f = classify(sqlite3_extended_errcode(DB(s)), sqlite3_system_errno(DB(s)));
    if (f)
        fc_store_fault_note(f);
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

/* The cached statement for q with its parameters bound to the arguments, one for each letter
 * of types (fc_sqlite_bind's); NULL on a prepare error (logged). */
static sqlite3_stmt *QB(struct fc_store *s, int q, const char *types, ...)
{
    sqlite3_stmt *st = Q(s, q);
    va_list ap;
    if (st) {
        va_start(ap, types);
        fc_sqlite_vbind(st, types, ap);
        va_end(ap);
    }
    return st;
}

/* Steps a statement that returns nothing to read (st NULL: it could not be prepared) and
 * resets it: FC_OK, FC_EXISTS (a constraint) or FC_ERR (logged). */
static int step_done(struct fc_store *s, sqlite3_stmt *st)
{
    int rc, out = FC_OK;
    if (!st)
        return FC_ERR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_CONSTRAINT)
        out = FC_EXISTS;
    else if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "forkcast: sqlite: %s\n", sqlite3_errmsg(DB(s)));
        note_fault(s);
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

/* Column i as a malloc'ed string ("" for NULL), or NULL when out of memory. */
static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;
    char *p = malloc(n + 1);
    if (p) {
        if (n)
            memcpy(p, t, n);
        p[n] = '\0';
    }
    return p;
}

/* The columns of USER_COLS read into a struct fc_user (bio and cuisines by row_user). */
#define USER_COL(kind, member) FC_SQLITE_COL(kind, struct fc_user, member)
static const struct fc_sqlite_col user_cols[] = {
    USER_COL('n', id),           USER_COL('s', username),   USER_COL('s', email),
    USER_COL('s', pw_hash),      USER_COL('s', ext_id),     USER_COL('s', display_name),
    FC_SQLITE_SKIP /* bio */,    USER_COL('s', city),       FC_SQLITE_SKIP /* cuisines */,
    USER_COL('s', price),        USER_COL('s', visibility), USER_COL('n', is_admin),
    USER_COL('n', disabled),     USER_COL('n', created_at), USER_COL('s', auth_id),
    USER_COL('n', saves_private)};

/* FC_OK, or FC_ERR (no memory) with nothing in u to free. */
static int row_user(sqlite3_stmt *st, struct fc_user *u)
{
    memset(u, 0, sizeof *u);
    fc_sqlite_cols(st, 0, user_cols, FC_ARRAY_LEN(user_cols), u);
    if (!(u->bio = col_dup(st, 6)) || !(u->cuisines = col_dup(st, 8))) {
        fc_user_clear(u);
        return FC_ERR;
    }
    return FC_OK;
}

/* Steps a one-row query into a user (zeroed when there is none: nothing to free). */
static int one_user(struct fc_store *s, sqlite3_stmt *st, struct fc_user *out)
{
    int rc, r;
    if (!st) {
        memset(out, 0, sizeof *out);
        return FC_ERR;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        r = row_user(st, out);
    } else if (rc == SQLITE_DONE) {
        memset(out, 0, sizeof *out);
        r = FC_NOTFOUND;
    } else {
        memset(out, 0, sizeof *out);
        fprintf(stderr, "forkcast: sqlite: %s\n", sqlite3_errmsg(DB(s)));
        note_fault(s);
        r = FC_ERR;
    }
    sqlite3_reset(st);
    return r;
}

/* Steps a one-row query; FC_OK with the row ready, FC_NOTFOUND, or FC_ERR. The caller reads
 * the row, then resets. */
static int one_row(struct fc_store *s, sqlite3_stmt *st)
{
    int rc;
    if (!st)
        return FC_ERR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return FC_OK;
    if (rc != SQLITE_DONE)
        fprintf(stderr, "forkcast: sqlite: %s\n", sqlite3_errmsg(DB(s)));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? FC_NOTFOUND : FC_ERR;
}

/* Steps a query of one count (st NULL: it could not be prepared) into *count. */
static int one_count(struct fc_store *s, sqlite3_stmt *st, int *count)
{
    if (one_row(s, st))
        return FC_ERR;
    *count = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return FC_OK;
}

static int s_user_create(struct fc_store *s, struct fc_user *u)
{
    int64_t created = u->created_at ? u->created_at : fc_now();
    int rc = step_done(s, QB(s, Q_USER_INSERT, "ssssssssssiils", u->username, u->email, u->pw_hash,
                             u->ext_id, u->display_name, u->bio, u->city, u->cuisines, u->price,
                             u->visibility[0] ? u->visibility : "public", u->is_admin, u->disabled,
                             created, u->auth_id));
    if (rc == FC_OK)
        u->id = sqlite3_last_insert_rowid(DB(s));
    return rc;
}

static int s_user_get(struct fc_store *s, int64_t id, struct fc_user *out)
{
    return one_user(s, QB(s, Q_USER_GET, "l", id), out);
}

/* The user a one-parameter lookup (by name, e-mail or outside id) finds. */
static int user_by_text(struct fc_store *s, int q, const char *value, struct fc_user *out)
{
    return one_user(s, QB(s, q, "s", value), out);
}

static int s_user_by_name(struct fc_store *s, const char *name, struct fc_user *out)
{
    return user_by_text(s, Q_USER_BY_NAME, name, out);
}

static int s_user_by_ext(struct fc_store *s, const char *ext, struct fc_user *out)
{
    return user_by_text(s, Q_USER_BY_EXT, ext, out);
}

static int s_user_by_email(struct fc_store *s, const char *email, struct fc_user *out)
{
    return user_by_text(s, Q_USER_BY_EMAIL, email, out);
}

static int s_user_link_auth(struct fc_store *s, int64_t id, const char *auth_id)
{
    sqlite3_stmt *st = QB(s, Q_USER_LINK_AUTH, "ls", id, auth_id);
    int rc;
    if (!st)
        return FC_ERR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        rc = sqlite3_changes(DB(s)) == 1 ? FC_OK : FC_EXISTS;
    else if ((rc & 0xff) == SQLITE_CONSTRAINT)
        rc = FC_EXISTS; /* another user has this auth_id */
    else {
        fprintf(stderr, "forkcast: sqlite: %s\n", sqlite3_errmsg(DB(s)));
        rc = FC_ERR;
    }
    sqlite3_reset(st);
    return rc;
}

static int s_user_update_profile(struct fc_store *s, const struct fc_user *u)
{
    return step_done(s, QB(s, Q_USER_UPDATE, "ssssssil", u->display_name, u->bio, u->city,
                           u->cuisines, u->price, u->visibility, u->saves_private != 0, u->id));
}

static int s_user_set_password(struct fc_store *s, int64_t id, const char *hash)
{
    return step_done(s, QB(s, Q_USER_SET_PW, "sl", hash, id));
}

static int s_user_set_flags(struct fc_store *s, int64_t id, int is_admin, int disabled)
{
    return step_done(s, QB(s, Q_USER_SET_FLAGS, "iil", is_admin, disabled, id));
}

static int s_session_create(struct fc_store *s, const char *hash, int64_t uid, int64_t now)
{
    return step_done(s, QB(s, Q_SESS_INSERT, "slll", hash, uid, now, now));
}

static int s_session_get(struct fc_store *s, const char *hash, int64_t *uid, int64_t *created,
                         int64_t *last_seen)
{
    sqlite3_stmt *st = QB(s, Q_SESS_GET, "s", hash);
    int rc, r = FC_NOTFOUND;
    if (!st)
        return FC_ERR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *uid = sqlite3_column_int64(st, 0);
        *created = sqlite3_column_int64(st, 1);
        *last_seen = sqlite3_column_int64(st, 2);
        r = FC_OK;
    } else if (rc != SQLITE_DONE) {
        note_fault(s);
        r = FC_ERR;
    }
    sqlite3_reset(st);
    return r;
}

/* The session and its user in one statement (one read transaction, not two): the columns
 * after the user's are the session's owner, creation and last use; the user's are NULL when
 * the owner is gone. */
static int s_session_user_get(struct fc_store *s, const char *hash, int64_t user_id,
                              int64_t *created, int64_t *last_seen, struct fc_user *u)
{
    sqlite3_stmt *st = QB(s, Q_SESS_USER_GET, "s", hash);
    int ncols = (int)FC_ARRAY_LEN(user_cols), rc, r = FC_NOTFOUND;
    memset(u, 0, sizeof *u);
    if (!st)
        return FC_ERR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_int64(st, ncols) == user_id) {
            *created = sqlite3_column_int64(st, ncols + 1);
            *last_seen = sqlite3_column_int64(st, ncols + 2);
            r = sqlite3_column_type(st, 0) == SQLITE_NULL ? FC_OK : row_user(st, u);
        }
    } else if (rc != SQLITE_DONE) {
        fprintf(stderr, "forkcast: sqlite: %s\n", sqlite3_errmsg(DB(s)));
        note_fault(s);
        r = FC_ERR;
    }
    sqlite3_reset(st);
    return r;
}

static int s_session_touch(struct fc_store *s, const char *hash, int64_t now)
{
    return step_done(s, QB(s, Q_SESS_TOUCH, "ls", now, hash));
}

static int s_session_delete(struct fc_store *s, const char *hash)
{
    return step_done(s, QB(s, Q_SESS_DELETE, "s", hash));
}

static int s_fail_record(struct fc_store *s, const char *key, int64_t now)
{
    /* failures older than a day are of no use to any window */
    if (step_done(s, QB(s, Q_FAIL_EXPIRE, "l", now - 86400)))
        return FC_ERR;
    return step_done(s, QB(s, Q_FAIL_INSERT, "sl", key, now));
}

static int s_fail_count(struct fc_store *s, const char *key, int64_t since, int *count)
{
    return one_count(s, QB(s, Q_FAIL_COUNT, "sl", key, since), count);
}

static int s_fail_clear(struct fc_store *s, const char *key)
{
    return step_done(s, QB(s, Q_FAIL_CLEAR, "s", key));
}

static int exec(struct fc_store *s, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(DB(s), sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "forkcast: sqlite: %s\n", msg ? msg : "?");
        note_fault(s);
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
    /* lat and lon (7, 8) stay NULL without coordinates */
    st = QB(s, Q_REST_UPSERT, "ssssss--ssssss", r->ext_id, r->name, r->address, r->city, r->state,
            r->country, r->price, r->cuisines, r->hours, r->alcohol, r->smoking, r->url);
    if (st && r->has_coords) {
        sqlite3_bind_double(st, 7, r->lat);
        sqlite3_bind_double(st, 8, r->lon);
    }
    if ((rc = step_done(s, st)))
        goto out;
    rc = FC_ERR;
    st = QB(s, Q_REST_ID_BY_EXT, "s", r->ext_id);
    if (!st)
        goto out;
    if (sqlite3_step(st) != SQLITE_ROW)
        goto out;
    r->id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (step_done(s, QB(s, Q_REST_CUISINE_CLEAR, "l", r->id)))
        goto out;
    list = strdup(r->cuisines ? r->cuisines : "");
    if (!list)
        goto out;
    for (char *c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
        fc_trim(c);
        if (!*c)
            continue;
        if (step_done(s, QB(s, Q_REST_CUISINE_ADD, "ls", r->id, c)))
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

/* FC_OK, or FC_ERR (no memory) with nothing in r to free. */
static int row_rest(sqlite3_stmt *st, struct fc_restaurant *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, r->ext_id, sizeof r->ext_id);
    col_text(st, 5, r->state, sizeof r->state);
    col_text(st, 6, r->country, sizeof r->country);
    r->has_coords = sqlite3_column_type(st, 7) != SQLITE_NULL;
    r->lat = sqlite3_column_double(st, 7);
    r->lon = sqlite3_column_double(st, 8);
    col_text(st, 9, r->price, sizeof r->price);
    col_text(st, 12, r->alcohol, sizeof r->alcohol);
    col_text(st, 13, r->smoking, sizeof r->smoking);
    r->avg_stars = sqlite3_column_double(st, 15);
    r->review_count = sqlite3_column_int(st, 16);
    if (!(r->name = col_dup(st, 2)) || !(r->address = col_dup(st, 3)) ||
        !(r->city = col_dup(st, 4)) || !(r->cuisines = col_dup(st, 10)) ||
        !(r->hours = col_dup(st, 11)) || !(r->url = col_dup(st, 14))) {
        fc_restaurant_clear(r);
        return FC_ERR;
    }
    return FC_OK;
}

int fc_sqlite_rest_row(sqlite3_stmt *st, struct fc_restaurant *r)
{
    return row_rest(st, r);
}

static int row_rest_v(sqlite3_stmt *st, void *dst)
{
    return row_rest(st, dst);
}

static void clear_rests(void *out, int k)
{
    for (int i = 0; i < k; i++)
        fc_restaurant_clear((struct fc_restaurant *)out + i);
}

static int s_rest_get(struct fc_store *s, int64_t id, struct fc_restaurant *out)
{
    sqlite3_stmt *st = QB(s, Q_REST_GET, "l", id);
    int rc, r = FC_NOTFOUND;
    if (!st)
        return FC_ERR;
    memset(out, 0, sizeof *out);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        r = row_rest(st, out);
    } else if (rc != SQLITE_DONE) {
        r = FC_ERR;
    }
    sqlite3_reset(st);
    return r;
}

static int s_rest_get_many(struct fc_store *s, const int64_t *ids, int n, struct fc_restaurant *out)
{
    sqlite3_stmt *st = NULL;
    struct fc_restaurant r;
    char *json = NULL;
    int step, rc = FC_ERR;

    for (int i = 0; i < n; i++)
        memset(&out[i], 0, sizeof out[i]);
    if (n <= 0)
        return FC_OK;
    if (!(json = fc_sqlite_ids_json(ids, n)) || !(st = QB(s, Q_REST_GET_MANY, "t", json)))
        goto out;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (row_rest(st, &r))
            goto out;
        for (int i = 0; i < n; i++)
            if (ids[i] == r.id && !out[i].id && fc_restaurant_copy(&out[i], &r)) {
                fc_restaurant_clear(&r);
                goto out;
            }
        fc_restaurant_clear(&r);
    }
    if (step != SQLITE_DONE) {
        fprintf(stderr, "forkcast: sqlite: %s\n", sqlite3_errmsg(DB(s)));
        goto out;
    }
    /* the ids that are no restaurant: "" text */
    for (int i = 0; i < n; i++)
        if (!out[i].id && fc_restaurant_fill(&out[i]))
            goto out;
    rc = FC_OK;
out:
    if (st)
        sqlite3_reset(st);
    free(json);
    if (rc)
        for (int i = 0; i < n; i++)
            fc_restaurant_clear(&out[i]);
    return rc;
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

static int s_rest_facets(struct fc_store *s, struct fc_strlist *cuisines,
                         struct fc_strlist *cities);

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
    if ((q->facet_cuisines || q->facet_cities) &&
        s_rest_facets(s, q->facet_cuisines, q->facet_cities))
        goto out;
    if (q->sort != FC_SORT_NAME || q->open_at) {
        rc = fc_sqlite_rest_search_sorted(s, q, text, out, n, total);
        goto out;
    }
    if (one_count(s, QB(s, Q_REST_COUNT, "ssss", text, q->cuisine, q->price, q->city), total))
        goto out;
    rows = malloc((size_t)(q->limit > 0 ? q->limit : 1) * sizeof *rows); /* row_rest zeroes */
    if (!rows)
        goto out;
    st = QB(s, Q_REST_SEARCH, "ssssii", text, q->cuisine, q->price, q->city, q->limit, q->offset);
    if (!st)
        goto out;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && cnt < q->limit) {
        if (row_rest(st, &rows[cnt])) {
            sqlite3_reset(st);
            goto out;
        }
        cnt++;
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        goto out;
    *out = rows;
    rows = NULL;
    *n = cnt;
    rc = FC_OK;
out:
    fc_restaurants_free(rows, cnt);
    free(text);
    return rc;
}

static int list_into(struct fc_store *s, int q, struct fc_strlist *l)
{
    sqlite3_stmt *st = Q(s, q);
    int step;
    if (!st)
        return FC_ERR;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (fc_strlist_add(l, (const char *)sqlite3_column_text(st, 0))) {
            sqlite3_reset(st);
            return FC_ERR;
        }
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? FC_OK : FC_ERR;
}

static int s_rest_facets(struct fc_store *s, struct fc_strlist *cuisines, struct fc_strlist *cities)
{
    if (cuisines && list_into(s, Q_REST_CUISINES, cuisines))
        return FC_ERR;
    if (cities && list_into(s, Q_REST_CITIES, cities))
        return FC_ERR;
    return FC_OK;
}

static int s_review_put(struct fc_store *s, struct fc_review *r, int overwrite)
{
    int64_t updated = r->updated_at ? r->updated_at : r->created_at;
    return step_done(s, QB(s, overwrite ? Q_REVIEW_UPSERT : Q_REVIEW_INSERT, "llisslls", r->user_id,
                           r->restaurant_id, r->stars, r->body, r->photo, r->created_at, updated,
                           r->visited));
}

static int s_review_count_user(struct fc_store *s, int64_t uid, int *count)
{
    return one_count(s, QB(s, Q_REVIEW_COUNT_USER, "l", uid), count);
}

/* The review of the row into r (its body malloc'ed); FC_ERR when out of memory. */
static int row_review(sqlite3_stmt *st, int base, struct fc_review *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, base + 0);
    r->user_id = sqlite3_column_int64(st, base + 1);
    r->restaurant_id = sqlite3_column_int64(st, base + 2);
    r->stars = sqlite3_column_int(st, base + 3);
    col_text(st, base + 5, r->photo, sizeof r->photo);
    r->created_at = sqlite3_column_int64(st, base + 6);
    r->updated_at = sqlite3_column_int64(st, base + 7);
    col_text(st, base + 8, r->visited, sizeof r->visited);
    return (r->body = col_dup(st, base + 4)) ? FC_OK : FC_ERR;
}

static int review_one(struct fc_store *s, sqlite3_stmt *st, struct fc_review *out)
{
    int rc = one_row(s, st);
    if (rc)
        return rc;
    rc = row_review(st, 0, out);
    sqlite3_reset(st);
    return rc;
}

static int s_review_get(struct fc_store *s, int64_t id, struct fc_review *out)
{
    return review_one(s, QB(s, Q_REVIEW_GET, "l", id), out);
}

static int s_review_get_by(struct fc_store *s, int64_t uid, int64_t rid, struct fc_review *out)
{
    return review_one(s, QB(s, Q_REVIEW_GET_BY, "ll", uid, rid), out);
}

static int s_review_delete(struct fc_store *s, int64_t id)
{
    return step_done(s, QB(s, Q_REVIEW_DELETE, "l", id));
}

/* Steps st into out (at most max rows of elem bytes, read by a table of cols), resets st and
 * sets *n. FC_OK, or FC_ERR (logged) when stepping fails (st NULL: it could not be prepared). */
static int cols_into(struct fc_store *s, sqlite3_stmt *st, const struct fc_sqlite_col *cols,
                     size_t ncols, void *out, size_t elem, int max, int *n)
{
    int rc;
    *n = 0;
    if (!st)
        return FC_ERR;
    rc = fc_sqlite_rows(DB(s), st, cols, ncols, out, elem, max, n, "rows");
    sqlite3_reset(st);
    return rc;
}

/* Steps st into out as cols_into does, for rows owning text: row() gives dst what clear(out, k)
 * frees, and may fail (no memory). On failure nothing is left to free. */
static int owned_rows_into(struct fc_store *s, sqlite3_stmt *st, void *out, size_t elem, int max,
                           int *n, int (*row)(sqlite3_stmt *st, void *dst),
                           void (*clear)(void *out, int k))
{
    int step = SQLITE_DONE, k = 0, rc = FC_OK;
    *n = 0;
    if (!st)
        return FC_ERR;
    while (k < max && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = row(st, (char *)out + (size_t)k * elem))) {
            k++; /* what it filled before failing */
            break;
        }
        k++;
    }
    sqlite3_reset(st);
    if (rc == FC_OK && k < max && step != SQLITE_DONE) {
        fprintf(stderr, "forkcast: sqlite: %s\n", sqlite3_errmsg(DB(s)));
        rc = FC_ERR;
    }
    if (rc) {
        clear(out, k);
        return FC_ERR;
    }
    *n = k;
    return FC_OK;
}

static int row_review_row(sqlite3_stmt *st, void *dst)
{
    struct fc_review_row *o = dst;
    col_text(st, 9, o->username, sizeof o->username);
    col_text(st, 10, o->display_name, sizeof o->display_name);
    col_text(st, 11, o->rest_name, sizeof o->rest_name);
    o->by_friend = sqlite3_column_int(st, 12);
    return row_review(st, 0, &o->r);
}

static void clear_review_rows(void *out, int k)
{
    fc_review_rows_clear(out, k);
}

static int review_rows(struct fc_store *s, sqlite3_stmt *st, struct fc_review_row *out, int max,
                       int *n)
{
    return owned_rows_into(s, st, out, sizeof *out, max, n, row_review_row, clear_review_rows);
}

static int s_reviews_of_restaurant_from(struct fc_store *s, int64_t rid, int64_t viewer, int offset,
                                        struct fc_review_row *out, int max, int *n)
{
    return review_rows(s,
                       QB(s, Q_REVIEWS_OF_REST, "llii", viewer, rid, max, offset > 0 ? offset : 0),
                       out, max, n);
}

static int s_reviews_of_restaurant(struct fc_store *s, int64_t rid, int64_t viewer,
                                   struct fc_review_row *out, int max, int *n)
{
    return s_reviews_of_restaurant_from(s, rid, viewer, 0, out, max, n);
}

static int s_reviews_by_user(struct fc_store *s, int64_t uid, int64_t viewer,
                             struct fc_review_row *out, int max, int *n)
{
    return review_rows(s, QB(s, Q_REVIEWS_BY_USER, "lli", viewer, uid, max), out, max, n);
}

static int row_review_v(sqlite3_stmt *st, void *dst)
{
    return row_review(st, 0, dst);
}

static void clear_reviews(void *out, int k)
{
    for (int i = 0; i < k; i++)
        fc_review_clear((struct fc_review *)out + i);
}

static int s_reviews_with_photo(struct fc_store *s, const char *photo, int64_t viewer,
                                struct fc_review *out, int max, int *n)
{
    sqlite3_stmt *st = QB(s, Q_REVIEWS_WITH_PHOTO, "lsi", viewer, photo, max);
    return owned_rows_into(s, st, out, sizeof *out, max, n, row_review_v, clear_reviews);
}

static int s_friends_rating(struct fc_store *s, int64_t viewer, int64_t rid, int *count,
                            double *avg)
{
    sqlite3_stmt *st = QB(s, Q_FRIENDS_RATING, "ll", viewer, rid);
    int rc;
    if ((rc = one_row(s, st)))
        return rc == FC_NOTFOUND ? FC_ERR : rc;
    *count = sqlite3_column_int(st, 0);
    *avg = sqlite3_column_double(st, 1);
    sqlite3_reset(st);
    return FC_OK;
}

/* 1 when the pair query q has a row for (a, b), 0 when not, FC_ERR on error. */
static int pair_exists(struct fc_store *s, int q, int64_t a, int64_t b)
{
    sqlite3_stmt *st = QB(s, q, "ll", a, b);
    int rc = one_row(s, st);
    if (rc == FC_OK) {
        sqlite3_reset(st);
        return 1;
    }
    return rc == FC_NOTFOUND ? 0 : FC_ERR;
}

static int s_relation(struct fc_store *s, int64_t v, int64_t o, int *rel)
{
    int r = 0, x;
    const struct {
        int q, swap, bit;
    } checks[] = {
        {Q_REL_FRIEND, 0, FC_REL_FRIEND},    {Q_REL_REQ, 0, FC_REL_REQ_OUT},
        {Q_REL_REQ, 1, FC_REL_REQ_IN},       {Q_REL_BLOCK, 0, FC_REL_BLOCKED},
        {Q_REL_BLOCK, 1, FC_REL_BLOCKED_BY},
    };
    for (size_t i = 0; i < FC_ARRAY_LEN(checks); i++) {
        x = checks[i].swap ? pair_exists(s, checks[i].q, o, v) : pair_exists(s, checks[i].q, v, o);
        if (x < 0)
            return FC_ERR;
        if (x)
            r |= checks[i].bit;
    }
    *rel = r;
    return FC_OK;
}

static int pair_exec(struct fc_store *s, int q, int64_t a, int64_t b, int64_t now, int with_now)
{
    return step_done(s, with_now ? QB(s, q, "lll", a, b, now) : QB(s, q, "ll", a, b));
}

/* Starts a transaction that reads before it writes. Outside any transaction: BEGIN
 * IMMEDIATE, which takes the write lock at once (waiting up to the busy timeout); a deferred
 * one would fail with SQLITE_BUSY_SNAPSHOT, without waiting, when another process writes
 * between its read and its first write. Inside the caller's transaction: a savepoint.
 * Returns 1 (own transaction), 0 (savepoint) or FC_ERR. */
static int tx_begin(struct fc_store *s)
{
    if (sqlite3_get_autocommit(DB(s)))
        return exec(s, "BEGIN IMMEDIATE") ? FC_ERR : 1;
    return exec(s, "SAVEPOINT tx") ? FC_ERR : 0;
}

/* Ends what tx_begin started: commits (rc FC_OK) or rolls back; returns rc, or FC_ERR when
 * the commit fails. */
static int tx_end(struct fc_store *s, int own, int rc)
{
    if (own) {
        if (rc == FC_OK && exec(s, "COMMIT") == FC_OK)
            return FC_OK;
        exec(s, "ROLLBACK");
        return rc == FC_OK ? FC_ERR : rc;
    }
    if (rc == FC_OK)
        return exec(s, "RELEASE tx");
    exec(s, "ROLLBACK TO tx");
    exec(s, "RELEASE tx");
    return rc;
}

/* The rows of each relation bit, from a's side: the statement that writes the bit, the one
 * that deletes it, and whether they take (b, a) instead of (a, b). */
static const struct {
    int bit, put, del, swap;
} rel_rows[] = {
    {FC_REL_FRIEND, Q_FRIEND_INSERT, Q_FRIEND_DELETE, 0}, /* both directions at once */
    {FC_REL_REQ_OUT, Q_REQ_INSERT, Q_REQ_DELETE, 0},
    {FC_REL_REQ_IN, Q_REQ_INSERT, Q_REQ_DELETE, 1},
    {FC_REL_BLOCKED, Q_BLOCK_INSERT, Q_BLOCK_DELETE, 0},
    {FC_REL_BLOCKED_BY, Q_BLOCK_INSERT, Q_BLOCK_DELETE, 1},
};

/* One transaction: the relation read, its check against expect and the writes (two people
 * asking each other at the same moment: the second finds the relation changed). Deletes go
 * first, so that a request turning into a friendship leaves no request behind. */
static int s_relation_set(struct fc_store *s, int64_t a, int64_t b, int expect, int want,
                          int64_t now)
{
    int rel, add, drop, rc = FC_OK, own;
    if (a == b)
        return FC_EINVAL;
    own = tx_begin(s);
    if (own < 0)
        return FC_ERR;
    if (s_relation(s, a, b, &rel)) {
        rc = FC_ERR;
        goto out;
    }
    if (rel != expect) {
        rc = FC_EXISTS;
        goto out;
    }
    fc_rules_rel_diff(rel, want, &add, &drop);
    for (size_t i = 0; i < FC_ARRAY_LEN(rel_rows) && rc == FC_OK; i++)
        if (drop & rel_rows[i].bit)
            rc = rel_rows[i].swap ? pair_exec(s, rel_rows[i].del, b, a, 0, 0)
                                  : pair_exec(s, rel_rows[i].del, a, b, 0, 0);
    for (size_t i = 0; i < FC_ARRAY_LEN(rel_rows) && rc == FC_OK; i++)
        if (add & rel_rows[i].bit)
            rc = rel_rows[i].swap ? pair_exec(s, rel_rows[i].put, b, a, now, 1)
                                  : pair_exec(s, rel_rows[i].put, a, b, now, 1);
out:
    return tx_end(s, own, rc);
}

/* The columns of PERSON_COLS, read into a struct fc_person. */
#define PERSON_COL(kind, member) FC_SQLITE_COL(kind, struct fc_person, member)
static const struct fc_sqlite_col person_cols[] = {
    PERSON_COL('n', id),   PERSON_COL('s', username), PERSON_COL('s', display_name),
    PERSON_COL('s', city), PERSON_COL('n', mutual),   PERSON_COL('s', visibility),
    PERSON_COL('n', rel)};

static int person_rows(struct fc_store *s, sqlite3_stmt *st, struct fc_person *out, int max, int *n)
{
    return cols_into(s, st, person_cols, FC_ARRAY_LEN(person_cols), out, sizeof *out, max, n);
}

static int s_people(struct fc_store *s, enum fc_person_list which, int64_t v, struct fc_person *out,
                    int max, int *n)
{
    static const int q[] = {[FC_LIST_FRIENDS] = Q_PEOPLE_FRIENDS,
                            [FC_LIST_REQ_IN] = Q_PEOPLE_REQ_IN,
                            [FC_LIST_REQ_OUT] = Q_PEOPLE_REQ_OUT,
                            [FC_LIST_SUGGEST] = Q_PEOPLE_SUGGEST,
                            [FC_LIST_BLOCKED] = Q_PEOPLE_BLOCKED};
    if ((unsigned)which >= FC_ARRAY_LEN(q))
        return FC_ERR;
    return person_rows(s, QB(s, q[which], "li", v, max), out, max, n);
}

static char *like_escape(const char *t);

static int s_people_search(struct fc_store *s, const char *q, int64_t v, struct fc_person *out,
                           int max, int *n)
{
    char *esc = like_escape(q);
    int rc;
    if (!esc)
        return FC_ERR;
    rc = person_rows(s, QB(s, Q_PEOPLE_SEARCH, "lis", v, max, esc), out, max, n);
    free(esc);
    return rc;
}

static int s_mutual_count(struct fc_store *s, int64_t a, int64_t b, int *count)
{
    return one_count(s, QB(s, Q_MUTUAL, "ll", a, b), count);
}

static int s_save_put(struct fc_store *s, int64_t uid, int64_t rid, int64_t now)
{
    return pair_exec(s, Q_SAVE_INSERT, uid, rid, now, 1);
}

static int s_save_delete(struct fc_store *s, int64_t uid, int64_t rid)
{
    return pair_exec(s, Q_SAVE_DELETE, uid, rid, 0, 0);
}

static int s_save_exists(struct fc_store *s, int64_t uid, int64_t rid, int *yes)
{
    int x = pair_exists(s, Q_SAVE_EXISTS, uid, rid);
    if (x < 0)
        return FC_ERR;
    *yes = x;
    return FC_OK;
}

static int s_saves_of_user(struct fc_store *s, int64_t uid, struct fc_restaurant *out, int max,
                           int *n)
{
    sqlite3_stmt *st = QB(s, Q_SAVES_OF_USER, "li", uid, max);
    return owned_rows_into(s, st, out, sizeof *out, max, n, row_rest_v, clear_rests);
}

static int s_event_add(struct fc_store *s, int64_t uid, int64_t rid, const char *type, double value,
                       int64_t at)
{
    return step_done(s, QB(s, Q_EVENT_INSERT, "llsdl", uid, rid, type, value, at));
}

static int s_event_count(struct fc_store *s, int64_t uid, const char *type, int *count)
{
    return one_count(s, QB(s, Q_EVENT_COUNT, "ls", uid, type), count);
}

static int row_feed(sqlite3_stmt *st, void *dst)
{
    struct fc_feed_item *it = dst;
    it->kind = sqlite3_column_int(st, 0);
    it->id = sqlite3_column_int64(st, 1);
    it->at = sqlite3_column_int64(st, 2);
    it->user_id = sqlite3_column_int64(st, 3);
    col_text(st, 4, it->username, sizeof it->username);
    col_text(st, 5, it->display_name, sizeof it->display_name);
    it->restaurant_id = sqlite3_column_int64(st, 6);
    col_text(st, 7, it->rest_name, sizeof it->rest_name);
    it->stars = sqlite3_column_int(st, 8);
    col_text(st, 10, it->photo, sizeof it->photo);
    col_text(st, 11, it->visited, sizeof it->visited);
    return (it->body = col_dup(st, 9)) ? FC_OK : FC_ERR;
}

static void clear_feed(void *out, int k)
{
    fc_feed_items_clear(out, k);
}

static int s_feed(struct fc_store *s, int64_t v, const struct fc_feed_cursor *after,
                  struct fc_feed_item *out, int max, int *n)
{
    /* no cursor: from the newest */
    struct fc_feed_cursor c = after ? *after : (struct fc_feed_cursor){INT64_MAX, 3, INT64_MAX};
    sqlite3_stmt *st = QB(s, Q_FEED, "llili", v, c.at, c.kind, c.id, max);
    return owned_rows_into(s, st, out, sizeof *out, max, n, row_feed, clear_feed);
}

#define FREC_COL(kind, member) FC_SQLITE_COL(kind, struct fc_friend_rec, member)
static const struct fc_sqlite_col friend_rec_cols[] = {FREC_COL('n', restaurant_id),
                                                       FREC_COL('s', name),
                                                       FREC_COL('s', city),
                                                       FREC_COL('n', friends),
                                                       FREC_COL('d', avg),
                                                       FREC_COL('n', latest),
                                                       FREC_COL('s', who)};

static int s_friends_recommend(struct fc_store *s, int64_t v, int window, struct fc_friend_rec *out,
                               int max, int *n)
{
    sqlite3_stmt *st = window > 0 ? QB(s, Q_FRIENDS_TRENDING, "lii", v, max, window)
                                  : QB(s, Q_FRIENDS_RECOMMEND, "li", v, max);
    return cols_into(s, st, friend_rec_cols, FC_ARRAY_LEN(friend_rec_cols), out, sizeof *out, max,
                     n);
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
    for (int i = 0; i < CACHED_MAX; i++)
        sqlite3_finalize(ss->cached[i].st);
    sqlite3_close(ss->db);
    free(ss);
}

int fc_sqlite_rec_load(struct fc_store *s, struct rec_dataset *d);
int fc_sqlite_rec_version(struct fc_store *s, int64_t *version);

static const struct fc_store_ops sqlite_ops = {
    .name = "sqlite",
    .close = s_close,
    .batch_begin = s_batch_begin,
    .batch_end = s_batch_end,
    .batch_undoes = 1,
    .user_create = s_user_create,
    .user_get = s_user_get,
    .user_by_name = s_user_by_name,
    .user_by_ext = s_user_by_ext,
    .user_by_email = s_user_by_email,
    .user_link_auth = s_user_link_auth,
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
    .rest_get_many = s_rest_get_many,
    .rest_search = s_rest_search,
    .rest_facets = s_rest_facets,
    .review_put = s_review_put,
    .review_count_user = s_review_count_user,
    .review_get = s_review_get,
    .review_get_by = s_review_get_by,
    .review_delete = s_review_delete,
    .reviews_of_restaurant = s_reviews_of_restaurant,
    .reviews_by_user = s_reviews_by_user,
    .reviews_with_photo = s_reviews_with_photo,
    .friends_rating = s_friends_rating,
    .relation = s_relation,
    .relation_set = s_relation_set,
    .people = s_people,
    .people_search = s_people_search,
    .mutual_count = s_mutual_count,
    .save_put = s_save_put,
    .save_delete = s_save_delete,
    .save_exists = s_save_exists,
    .saves_of_user = s_saves_of_user,
    .event_add = s_event_add,
    .event_count = s_event_count,
    .feed = s_feed,
    .friends_recommend = s_friends_recommend,
    .user_search = fc_sqlite_user_search,
    .session_delete_user = fc_sqlite_session_delete_user,
    .metrics_add = fc_sqlite_metrics_add,
    .metrics_query = fc_sqlite_metrics_query,
    .metrics_counters = fc_sqlite_metrics_counters,
    .metrics_prune = fc_sqlite_metrics_prune,
    .store_health = fc_sqlite_store_health,
    .rec_load = fc_sqlite_rec_load,
    .rec_version = fc_sqlite_rec_version,
    .job_enqueue = fc_sqlite_job_enqueue,
    .job_get = fc_sqlite_job_get,
    .job_by_key = fc_sqlite_job_by_key,
    .job_claim = fc_sqlite_job_claim,
    .job_update = fc_sqlite_job_update,
    .job_list = fc_sqlite_job_list,
    .job_next_due = fc_sqlite_job_next_due,
    .job_prune = fc_sqlite_job_prune,
    .instance_put = fc_sqlite_instance_put,
    .instance_get = fc_sqlite_instance_get,
    .instance_by_token = fc_sqlite_instance_by_token,
    .instance_list = fc_sqlite_instance_list,
    .instance_event_add = fc_sqlite_instance_event_add,
    .instance_events = fc_sqlite_instance_events,
    .session_tokens_put = fc_sqlite_session_tokens_put,
    .session_tokens_get = fc_sqlite_session_tokens_get,
    .export_rows = fc_sqlite_export_rows,
    .import_row = fc_sqlite_import_row,
    .wipe = fc_sqlite_wipe,
    .rest_city_centre = fc_sqlite_rest_city_centre,
    .rest_star_counts = fc_sqlite_rest_star_counts,
    .reviews_of_restaurant_from = s_reviews_of_restaurant_from,
    .like_put = fc_sqlite_like_put,
    .like_delete = fc_sqlite_like_delete,
    .talk_counts = fc_sqlite_talk_counts,
    .comment_add = fc_sqlite_comment_add,
    .comment_get = fc_sqlite_comment_get,
    .comment_delete = fc_sqlite_comment_delete,
    .comments_of = fc_sqlite_comments_of,
    .note_add = fc_sqlite_note_add,
    .notes_list = fc_sqlite_notes_list,
    .notes_unread = fc_sqlite_notes_unread,
    .notes_mark_read = fc_sqlite_notes_mark_read,
    .reset_create = fc_sqlite_reset_create,
    .reset_take = fc_sqlite_reset_take,
    .ratings_of_user = fc_sqlite_ratings_of_user,
    .avatar_get = fc_sqlite_avatar_get,
    .avatar_set = fc_sqlite_avatar_set,
    .save_note_set = fc_sqlite_save_note_set,
    .save_notes_of_user = fc_sqlite_save_notes_of_user,
    .session_user_get = s_session_user_get,
    .rest_view_get = fc_sqlite_rest_view_get,
    .content_version = fc_sqlite_content_version,
    .reviews_by_user_seen = fc_sqlite_reviews_by_user_seen,
    .rest_page_get = fc_sqlite_rest_page_get,
    .users_seen = fc_sqlite_users_seen,
    .rest_places = fc_sqlite_rest_places,
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

/* fc_may_see(viewer, author, visibility, disabled, rel): the visibility rule of store.h for
 * the SQL queries (VISIBLE above), so that it is written once, in C. */
static void sql_may_see(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    const unsigned char *vis = sqlite3_value_text(argv[2]);
    (void)argc;
    sqlite3_result_int(cx,
                       fc_store_may_see(sqlite3_value_int64(argv[0]), sqlite3_value_int64(argv[1]),
                                        vis ? (const char *)vis : "", sqlite3_value_int(argv[3]),
                                        sqlite3_value_int(argv[4])));
}

/* fc_feed_shown(kind, saves_private): fc_rules_feed_shown for the feed query. */
static void sql_feed_shown(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_result_int(cx,
                       fc_rules_feed_shown(sqlite3_value_int(argv[0]), sqlite3_value_int(argv[1])));
}

int fc_sqlite_open(const char *path, const char *sql_dir, struct fc_store **out)
{
    struct sqlite_store *ss = calloc(1, sizeof *ss);
    int rc = FC_ERR;
    if (!ss)
        return FC_ERR;
    ss->base.ops = &sqlite_ops;
    /* before SQLite initialises itself; SQLITE_MISUSE (already initialised) is harmless.
       No memory statistics: nothing reads them (no sqlite3_status, no heap limit), and
       keeping them takes a global mutex around every SQLite malloc and free. */
    sqlite3_config(SQLITE_CONFIG_LOG, on_sqlite_log, NULL);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    /* NOMUTEX (SQLite's multi-thread mode for this connection: no mutex around each call on
       it, ~300K instructions a restaurant page): a store, and so its connection, is only ever
       used by one thread. The FastCGI loop is single-threaded (one request at a time per
       process); the recommender's refresher thread (rec/service.c) and fc_rec_refresh open
       their own store and close it themselves; the backup's hashing thread (backup/upload.c)
       reads files, not SQLite. SQLite's global mutexes (page cache, the unix VFS's file
       list) stay on, so connections in different threads stay safe. A store shared between
       threads would need a lock of its own. */
    if (sqlite3_open_v2(path, &ss->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        fprintf(stderr, "forkcast: cannot open %s: %s\n", path, sqlite3_errmsg(ss->db));
        goto out;
    }
    sqlite3_busy_timeout(ss->db, 5000);
    if (sqlite3_create_function(ss->db, "fc_may_see", 5, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                sql_may_see, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(ss->db, "fc_feed_shown", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                NULL, sql_feed_shown, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "forkcast: %s: %s\n", path, sqlite3_errmsg(ss->db));
        goto out;
    }
    if (fc_sqlite_discovery_functions(ss->db)) {
        fprintf(stderr, "forkcast: %s: %s\n", path, sqlite3_errmsg(ss->db));
        goto out;
    }
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

sqlite3 *fc_sqlite_db(struct fc_store *s)
{
    return DB(s);
}

sqlite3_stmt *fc_sqlite_cached(struct fc_store *s, const char *sql)
{
    struct sqlite_store *ss = (struct sqlite_store *)s;
    int i = 0;
    while (i < CACHED_MAX && ss->cached[i].sql && ss->cached[i].sql != sql)
        i++;
    if (i == CACHED_MAX) {
        fprintf(stderr, "forkcast: sqlite: more than %d cached statements\n", CACHED_MAX);
        return NULL;
    }
    if (!ss->cached[i].sql) {
        if (sqlite3_prepare_v3(ss->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &ss->cached[i].st,
                               NULL) != SQLITE_OK) {
            fprintf(stderr, "forkcast: sqlite prepare: %s\n", sqlite3_errmsg(ss->db));
            sqlite3_finalize(ss->cached[i].st);
            ss->cached[i].st = NULL;
            return NULL;
        }
        ss->cached[i].sql = sql;
    }
    sqlite3_reset(ss->cached[i].st);
    sqlite3_clear_bindings(ss->cached[i].st);
    return ss->cached[i].st;
}
