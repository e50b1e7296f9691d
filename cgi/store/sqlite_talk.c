/* store/sqlite_talk: the SQLite side of conversation (likes, comments, notifications;
 * sql/011_talk.sql). Plain data access: the rules are store/rules_talk.c's, applied by the
 * service (svc/talk.c), and here only to count the unread notifications a person may see. */
#include "core/util.h"
#include "store/rules_talk.h"
#include "store/sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The viewer's (?1) friend and block bits towards user column col (FC_REL_* values). */
#define REL_OF(col)                                                                                \
    "(EXISTS (SELECT 1 FROM friendships tf WHERE tf.user_id = ?1 AND tf.friend_id = " col          \
    ") + 8 * EXISTS (SELECT 1 FROM blocks tb WHERE tb.user_id = ?1 AND tb.blocked_id = " col       \
    ") + 16 * EXISTS (SELECT 1 FROM blocks tc WHERE tc.user_id = " col " AND tc.blocked_id = ?1))"

/* A block either way between the comment's author and its review's. */
#define AUTHOR_BLOCK                                                                               \
    "EXISTS (SELECT 1 FROM reviews ar JOIN blocks ab ON (ab.user_id = c.user_id AND "              \
    "ab.blocked_id = ar.user_id) OR (ab.user_id = ar.user_id AND ab.blocked_id = c.user_id) "      \
    "WHERE ar.id = c.review_id)"

/* A like or comment notification counts only while its review (and comment) is there. */
#define NOTE_LIVE                                                                                  \
    "(n.kind NOT IN (1, 2) OR EXISTS (SELECT 1 FROM reviews lr WHERE lr.id = n.review_id)) AND "   \
    "(n.kind <> 2 OR EXISTS (SELECT 1 FROM comments lc WHERE lc.id = n.comment_id))"

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
    return fc_sqlite_prepare(db, sql, st, "talk");
}

/* Steps a statement that writes; FC_OK, FC_EXISTS (a constraint), FC_ERR. Finalizes it. */
static int run(sqlite3 *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st), out = FC_OK;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        out = FC_EXISTS;
    else if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fc_sqlite_fail(db, "talk");
        out = FC_ERR;
    }
    sqlite3_finalize(st);
    return out;
}

static int review_exists(sqlite3 *db, int64_t id, int *yes)
{
    sqlite3_stmt *st;
    int rc;
    if (prep(db, "SELECT 1 FROM reviews WHERE id = ?", &st))
        return FC_ERR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    *yes = rc == SQLITE_ROW;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? FC_OK : FC_ERR;
}

int fc_sqlite_like_put(struct fc_store *s, int64_t review_id, int64_t restaurant_id,
                       int64_t user_id, int64_t now)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st;
    int yes;
    (void)restaurant_id;
    if (review_exists(db, review_id, &yes))
        return FC_ERR;
    if (!yes)
        return FC_NOTFOUND;
    if (prep(db, "INSERT INTO likes (review_id, user_id, created_at) VALUES (?, ?, ?)", &st))
        return FC_ERR;
    fc_sqlite_bind(st, "lll", review_id, user_id, now);
    return run(db, st);
}

int fc_sqlite_like_delete(struct fc_store *s, int64_t review_id, int64_t user_id)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st;
    int rc;
    if (prep(db, "DELETE FROM likes WHERE review_id = ? AND user_id = ?", &st))
        return FC_ERR;
    fc_sqlite_bind(st, "ll", review_id, user_id);
    if ((rc = run(db, st)))
        return rc;
    return sqlite3_changes(db) ? FC_OK : FC_NOTFOUND;
}

int fc_sqlite_talk_counts(struct fc_store *s, const int64_t *ids, int n, int64_t viewer,
                          struct fc_talk_count *out)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    char *json = NULL;
    int step, rc = FC_ERR;

    for (int i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].review_id = ids[i];
    }
    if (n <= 0)
        return FC_OK;
    /* cached (fc_sqlite_cached): feed and restaurant pages ask this each time */
    if (!(json = fc_sqlite_ids_json(ids, n)) ||
        !(st = fc_sqlite_cached(
              s, "SELECT j.value, (SELECT count(*) FROM likes l WHERE l.review_id = j.value), "
                 "(SELECT count(*) FROM comments c WHERE c.review_id = j.value), EXISTS (SELECT "
                 "1 FROM likes m WHERE m.review_id = j.value AND m.user_id = ?2) FROM (SELECT "
                 "DISTINCT value FROM json_each(?1)) j")))
        goto out;
    fc_sqlite_bind(st, "tl", json, viewer);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        for (int i = 0; i < n; i++)
            if (ids[i] == id) {
                out[i].likes = sqlite3_column_int(st, 1);
                out[i].comments = sqlite3_column_int(st, 2);
                out[i].liked = sqlite3_column_int(st, 3);
            }
    }
    if (step != SQLITE_DONE) {
        fc_sqlite_fail(db, "talk");
        goto out;
    }
    rc = FC_OK;
out:
    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st); /* json is freed */
    }
    free(json);
    return rc;
}

int fc_sqlite_comment_add(struct fc_store *s, struct fc_comment *c)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st;
    int yes, rc;
    if (review_exists(db, c->review_id, &yes))
        return FC_ERR;
    if (!yes)
        return FC_NOTFOUND;
    if (prep(db,
             "INSERT INTO comments (review_id, restaurant_id, user_id, body, created_at) "
             "VALUES (?, ?, ?, ?, ?)",
             &st))
        return FC_ERR;
    fc_sqlite_bind(st, "llltl", c->review_id, c->restaurant_id, c->user_id, c->body, c->created_at);
    if ((rc = run(db, st)))
        return rc == FC_EXISTS ? FC_NOTFOUND : rc; /* a foreign key: the user or review */
    c->id = sqlite3_last_insert_rowid(db);
    return FC_OK;
}

/* The columns of COMMENT_COLS, read into a struct fc_comment; in a list, with the author's
 * (u.username, u.display_name, u.disabled, REL_OF, AUTHOR_BLOCK) after them. */
#define COMMENT_COL(kind, member) FC_SQLITE_COL(kind, struct fc_comment, member)
static const struct fc_sqlite_col comment_cols[] = {
    COMMENT_COL('n', id),      COMMENT_COL('n', review_id), COMMENT_COL('n', restaurant_id),
    COMMENT_COL('n', user_id), COMMENT_COL('s', body),      COMMENT_COL('n', created_at)};
#define ROW_COL(kind, member) FC_SQLITE_COL(kind, struct fc_comment_row, member)
static const struct fc_sqlite_col comment_row_cols[] = {
    ROW_COL('n', c.id),      ROW_COL('n', c.review_id),  ROW_COL('n', c.restaurant_id),
    ROW_COL('n', c.user_id), ROW_COL('s', c.body),       ROW_COL('n', c.created_at),
    ROW_COL('s', username),  ROW_COL('s', display_name), ROW_COL('n', disabled),
    ROW_COL('n', rel),       ROW_COL('n', author_block)};

#define COMMENT_COLS "c.id, c.review_id, c.restaurant_id, c.user_id, c.body, c.created_at"

int fc_sqlite_comment_get(struct fc_store *s, int64_t id, struct fc_comment *out)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st;
    int rc;
    if (prep(db, "SELECT " COMMENT_COLS " FROM comments c WHERE c.id = ?", &st))
        return FC_ERR;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        fc_sqlite_cols(st, 0, comment_cols, FC_ARRAY_LEN(comment_cols), out);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? FC_OK : rc == SQLITE_DONE ? FC_NOTFOUND : FC_ERR;
}

int fc_sqlite_comment_delete(struct fc_store *s, int64_t id)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st;
    int rc;
    if (prep(db, "DELETE FROM comments WHERE id = ?", &st))
        return FC_ERR;
    sqlite3_bind_int64(st, 1, id);
    if ((rc = run(db, st)))
        return rc;
    return sqlite3_changes(db) ? FC_OK : FC_NOTFOUND;
}

int fc_sqlite_comments_of(struct fc_store *s, int64_t restaurant_id, int64_t review_id,
                          int64_t viewer, struct fc_comment_row *out, int max, int *n)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st;
    int rc;
    const char *sql =
        review_id ? "SELECT " COMMENT_COLS ", u.username, u.display_name, u.disabled, " REL_OF(
                        "c.user_id") ", " AUTHOR_BLOCK
                                     " FROM comments c JOIN users u ON u.id = c.user_id WHERE "
                                     "c.review_id = ?2 ORDER BY c.id LIMIT ?3"
                  : "SELECT " COMMENT_COLS ", u.username, u.display_name, u.disabled, " REL_OF(
                        "c.user_id") ", " AUTHOR_BLOCK
                                     " FROM comments c JOIN users u ON u.id = c.user_id WHERE "
                                     "c.restaurant_id = ?2 ORDER BY c.id LIMIT ?3";
    *n = 0;
    /* cached (fc_sqlite_cached): restaurant pages ask this each time */
    if (!(st = fc_sqlite_cached(s, sql)))
        return FC_ERR;
    fc_sqlite_bind(st, "lli", viewer, review_id ? review_id : restaurant_id, max);
    rc = fc_sqlite_rows(db, st, comment_row_cols, FC_ARRAY_LEN(comment_row_cols), out, sizeof *out,
                        max, n, "talk");
    sqlite3_reset(st);
    return rc;
}

int fc_sqlite_note_add(struct fc_store *s, struct fc_note *nt)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st;
    int rc;
    if (prep(db,
             "INSERT INTO notes (user_id, actor_id, kind, review_id, restaurant_id, comment_id, "
             "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
             &st))
        return FC_ERR;
    fc_sqlite_bind(st, "llillll", nt->user_id, nt->actor_id, nt->kind, nt->review_id,
                   nt->restaurant_id, nt->comment_id, nt->created_at);
    if ((rc = run(db, st)))
        return rc;
    nt->id = sqlite3_last_insert_rowid(db);
    return FC_OK;
}

/* The columns of the notifications list, read into a struct fc_note_row. */
#define NOTE_COL(kind, member) FC_SQLITE_COL(kind, struct fc_note_row, member)
static const struct fc_sqlite_col note_row_cols[] = {
    NOTE_COL('n', n.id),         NOTE_COL('n', n.user_id),    NOTE_COL('n', n.actor_id),
    NOTE_COL('n', n.kind),       NOTE_COL('n', n.review_id),  NOTE_COL('n', n.restaurant_id),
    NOTE_COL('n', n.comment_id), NOTE_COL('n', n.created_at), NOTE_COL('s', username),
    NOTE_COL('s', display_name), NOTE_COL('n', disabled),     NOTE_COL('n', rel),
    NOTE_COL('s', rest_name),    NOTE_COL('n', unread)};

int fc_sqlite_notes_list(struct fc_store *s, int64_t user_id, struct fc_note_row *out, int max,
                         int *n)
{
    return fc_sqlite_list(
        fc_sqlite_db(s),
        "SELECT n.id, n.user_id, n.actor_id, n.kind, n.review_id, n.restaurant_id, "
        "n.comment_id, n.created_at, u.username, u.display_name, u.disabled, " REL_OF(
            "n.actor_id") ", coalesce(x.name, ''), n.id > coalesce((SELECT seen_id FROM "
                          "notes_seen WHERE user_id = ?1), 0) FROM notes n JOIN users u ON "
                          "u.id = n.actor_id LEFT JOIN restaurants x ON x.id = "
                          "n.restaurant_id WHERE n.user_id = ?1 AND " NOTE_LIVE
                          " ORDER BY n.id DESC LIMIT ?2",
        user_id, note_row_cols, FC_ARRAY_LEN(note_row_cols), out, sizeof *out, max, n, "talk");
}

/* One query over the unread ones only (index notes_user from the last seen id); the rule is
 * applied to each row here, as the DynamoDB backend does. */
int fc_sqlite_notes_unread(struct fc_store *s, int64_t user_id, int *count)
{
    sqlite3_stmt *st;
    int step, k = 0;
    *count = 0;
    /* cached (fc_sqlite_cached): every logged-in page's header asks this */
    if (!(st = fc_sqlite_cached(
              s, "SELECT n.actor_id, u.disabled, " REL_OF(
                     "n.actor_id") " FROM notes n JOIN users u ON u.id = n.actor_id WHERE "
                                   "n.user_id = ?1 AND n.id > coalesce((SELECT seen_id FROM "
                                   "notes_seen WHERE user_id = ?1), 0) AND " NOTE_LIVE
                                   " ORDER BY n.id DESC LIMIT 100")))
        return FC_ERR;
    sqlite3_bind_int64(st, 1, user_id);
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        k += fc_rules_talk_note_shown(user_id, sqlite3_column_int64(st, 0),
                                      sqlite3_column_int(st, 1), sqlite3_column_int(st, 2));
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
        return FC_ERR;
    *count = k;
    return FC_OK;
}

int fc_sqlite_notes_mark_read(struct fc_store *s, int64_t user_id, int64_t upto)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st;
    if (prep(db,
             "INSERT INTO notes_seen (user_id, seen_id) VALUES (?1, ?2) ON CONFLICT(user_id) DO "
             "UPDATE SET seen_id = max(seen_id, excluded.seen_id)",
             &st))
        return FC_ERR;
    fc_sqlite_bind(st, "ll", user_id, upto);
    return run(db, st);
}
