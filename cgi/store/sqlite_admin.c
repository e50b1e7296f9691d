/* store/sqlite_admin: the SQLite side of the admin console: user search, ending a user's
 * sessions, request metrics (add, query, prune) and the database's health figures. */
#include "core/util.h"
#include "store/sqlite.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
    return fc_sqlite_prepare(db, sql, st, "prepare (admin)");
}

/* t with LIKE's wildcards escaped by '\' (malloc'ed), or NULL. */
static char *like_escape(const char *t)
{
    char *out = malloc(strlen(t) * 2 + 1), *o = out;
    if (!out)
        return NULL;
    for (; *t; t++) {
        if (*t == '%' || *t == '_' || *t == '\\')
            *o++ = '\\';
        *o++ = *t;
    }
    *o = '\0';
    return out;
}

#define ADMIN_USER_COLS                                                                            \
    "id, username, email, display_name, city, visibility, is_admin, disabled, created_at"
#define ADMIN_USER_WHERE                                                                           \
    " WHERE (?1 = '' OR username LIKE '%' || ?1 || '%' ESCAPE '\\' OR display_name LIKE '%' || "   \
    "?1 || '%' ESCAPE '\\' OR email LIKE '%' || ?1 || '%' ESCAPE '\\') AND (?2 = 0 OR (?2 = 1 "    \
    "AND is_admin = 1) OR (?2 = 2 AND disabled = 1))"

/* The columns of ADMIN_USER_COLS, read into a struct fc_user. */
#define USER_COL(kind, member) FC_SQLITE_COL(kind, struct fc_user, member)
static const struct fc_sqlite_col admin_user_cols[] = {
    USER_COL('n', id),           USER_COL('s', username), USER_COL('s', email),
    USER_COL('s', display_name), USER_COL('s', city),     USER_COL('s', visibility),
    USER_COL('n', is_admin),     USER_COL('n', disabled), USER_COL('n', created_at)};

int fc_sqlite_user_search(struct fc_store *s, const struct fc_user_query *q, struct fc_user *out,
                          int *n, int *total)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    char *text = like_escape(q->text ? q->text : "");
    int rc = FC_ERR;

    *n = 0;
    *total = 0;
    if (!text)
        goto out;
    if (prepare(db, "SELECT count(*) FROM users" ADMIN_USER_WHERE, &st))
        goto out;
    fc_sqlite_bind(st, "ti", text, (int)q->role);
    if (sqlite3_step(st) != SQLITE_ROW)
        goto out;
    *total = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if (q->limit > 0) {
        if (prepare(db,
                    "SELECT " ADMIN_USER_COLS " FROM users" ADMIN_USER_WHERE
                    " ORDER BY username COLLATE NOCASE, id LIMIT ?3 OFFSET ?4",
                    &st))
            goto out;
        fc_sqlite_bind(st, "tiii", text, (int)q->role, q->limit, q->offset > 0 ? q->offset : 0);
        if (fc_sqlite_rows(db, st, admin_user_cols, FC_ARRAY_LEN(admin_user_cols), out, sizeof *out,
                           q->limit, n, "user search"))
            goto out;
    }
    rc = FC_OK;
out:
    free(text);
    return fc_sqlite_finish(db, st, rc, "user search");
}

int fc_sqlite_session_delete_user(struct fc_store *s, int64_t user_id)
{
    return fc_sqlite_do(fc_sqlite_db(s), "DELETE FROM sessions WHERE user_id = ?", NULL,
                        "session delete", "l", user_id);
}

/* ---- metrics ------------------------------------------------------------ */

/* Appends printf-style text to the NUL-terminated buf of size size (truncating). */
static void append(char *buf, size_t size, const char *fmt, ...) FC_PRINTF(3, 4);
static void append(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;
    if (len + 1 >= size)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "forkcast: sqlite (admin) %s: %s\n", sql, msg ? msg : "?");
        sqlite3_free(msg);
        return FC_ERR;
    }
    return FC_OK;
}

int fc_sqlite_metrics_add(struct fc_store *s, const struct fc_metric_row *rows, int nrows,
                          const struct fc_metric_counter *ctrs, int nctrs)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *rq = NULL, *ct = NULL;
    char sql[8192];
    int own = sqlite3_get_autocommit(db), rc = FC_ERR;

    if (nrows <= 0 && nctrs <= 0)
        return FC_OK;
    sql[0] = '\0';
    append(sql, sizeof sql,
           "INSERT INTO metrics_requests (minute, route, status, count, sum_ms, "
           "max_ms");
    for (int b = 0; b < FC_METRIC_BUCKETS; b++)
        append(sql, sizeof sql, ", b%d", b);
    append(sql, sizeof sql, ") VALUES (?,?,?,?,?,?");
    for (int b = 0; b < FC_METRIC_BUCKETS; b++)
        append(sql, sizeof sql, ",?");
    append(sql, sizeof sql,
           ") ON CONFLICT(minute, route, status) DO UPDATE SET count = count + excluded.count, "
           "sum_ms = sum_ms + excluded.sum_ms, max_ms = max(max_ms, excluded.max_ms)");
    for (int b = 0; b < FC_METRIC_BUCKETS; b++)
        append(sql, sizeof sql, ", b%d = b%d + excluded.b%d", b, b, b);
    if (own && exec(db, "BEGIN IMMEDIATE"))
        return FC_ERR;
    if (nrows > 0) {
        if (prepare(db, sql, &rq))
            goto out;
        for (int i = 0; i < nrows; i++) {
            const struct fc_metric_row *r = &rows[i];
            sqlite3_reset(rq);
            sqlite3_bind_int64(rq, 1, r->minute);
            sqlite3_bind_text(rq, 2, r->route, -1, SQLITE_STATIC);
            sqlite3_bind_int(rq, 3, r->status);
            sqlite3_bind_int64(rq, 4, r->count);
            sqlite3_bind_double(rq, 5, r->sum_ms);
            sqlite3_bind_double(rq, 6, r->max_ms);
            for (int b = 0; b < FC_METRIC_BUCKETS; b++)
                sqlite3_bind_int64(rq, 7 + b, r->hist[b]);
            if (sqlite3_step(rq) != SQLITE_DONE)
                goto out;
        }
    }
    if (nctrs > 0) {
        if (prepare(db,
                    "INSERT INTO metrics_counters (minute, name, n) VALUES (?,?,?) ON "
                    "CONFLICT(minute, name) DO UPDATE SET n = n + excluded.n",
                    &ct))
            goto out;
        for (int i = 0; i < nctrs; i++) {
            sqlite3_reset(ct);
            sqlite3_bind_int64(ct, 1, ctrs[i].minute);
            sqlite3_bind_text(ct, 2, ctrs[i].name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ct, 3, ctrs[i].n);
            if (sqlite3_step(ct) != SQLITE_DONE)
                goto out;
        }
    }
    rc = FC_OK;
out:
    if (rc)
        fprintf(stderr, "forkcast: metrics add: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(rq);
    sqlite3_finalize(ct);
    if (own) {
        if (rc == FC_OK && exec(db, "COMMIT"))
            rc = FC_ERR;
        if (rc)
            exec(db, "ROLLBACK");
    }
    return rc;
}

/* Steps st into a growing array (*arrp, a T ** of rows of elem bytes, first of them at the
 * first growth) of *n, each row zeroed and read by row, and finalizes st: FC_OK, or FC_ERR (a
 * failed step, no memory) with the array freed, *arrp NULL and *n 0. */
static int grown_rows(sqlite3 *db, sqlite3_stmt *st, void *arrp, int *n, size_t elem, size_t first,
                      void (*row)(sqlite3_stmt *st, void *rec), const char *what)
{
    size_t cap = 0;
    void *arr;
    int r, rc;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        char *rec;
        if (fc_grow(arrp, &cap, (size_t)*n + 1, elem, first))
            break;
        memcpy(&arr, arrp, sizeof arr);
        rec = (char *)arr + (size_t)(*n)++ * elem;
        memset(rec, 0, elem);
        row(st, rec);
    }
    rc = r == SQLITE_DONE ? FC_OK : FC_ERR;
    if (rc) {
        memcpy(&arr, arrp, sizeof arr);
        free(arr);
        memset(arrp, 0, sizeof arr);
        *n = 0;
    }
    return fc_sqlite_finish(db, st, rc, what);
}

static void metric_row(sqlite3_stmt *st, void *rec)
{
    struct fc_metric_row *m = rec;
    m->minute = sqlite3_column_int64(st, 0);
    fc_sqlite_text(st, 1, m->route, sizeof m->route);
    m->status = sqlite3_column_int(st, 2);
    m->count = (long)sqlite3_column_int64(st, 3);
    m->sum_ms = sqlite3_column_double(st, 4);
    m->max_ms = sqlite3_column_double(st, 5);
    for (int b = 0; b < FC_METRIC_BUCKETS; b++)
        m->hist[b] = (long)sqlite3_column_int64(st, 6 + b);
}

int fc_sqlite_metrics_query(struct fc_store *s, int64_t since, enum fc_metric_group group,
                            struct fc_metric_row **out, int *n)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    char sql[4096];

    *out = NULL;
    *n = 0;
    sql[0] = '\0';
    append(sql, sizeof sql, "SELECT %s, status, sum(count), sum(sum_ms), max(max_ms)",
           group == FC_METRIC_BY_MINUTE ? "minute, ''" : "0, route");
    for (int b = 0; b < FC_METRIC_BUCKETS; b++)
        append(sql, sizeof sql, ", sum(b%d)", b);
    append(sql, sizeof sql, " FROM metrics_requests WHERE minute >= ?1 GROUP BY %s ORDER BY %s",
           group == FC_METRIC_BY_MINUTE ? "minute, status" : "route, status",
           group == FC_METRIC_BY_MINUTE ? "minute, status" : "route, status");
    if (prepare(db, sql, &st))
        return FC_ERR;
    sqlite3_bind_int64(st, 1, since);
    return grown_rows(db, st, out, n, sizeof **out, 64, metric_row, "metrics query");
}

static void counter_row(sqlite3_stmt *st, void *rec)
{
    struct fc_metric_counter *c = rec;
    fc_sqlite_text(st, 0, c->name, sizeof c->name);
    c->n = (long)sqlite3_column_int64(st, 1);
}

int fc_sqlite_metrics_counters(struct fc_store *s, int64_t since, struct fc_metric_counter **out,
                               int *n)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;

    *out = NULL;
    *n = 0;
    if (prepare(db,
                "SELECT name, sum(n) FROM metrics_counters WHERE minute >= ? GROUP BY name "
                "ORDER BY name",
                &st))
        return FC_ERR;
    sqlite3_bind_int64(st, 1, since);
    return grown_rows(db, st, out, n, sizeof **out, 32, counter_row, "metrics counters");
}

int fc_sqlite_metrics_prune(struct fc_store *s, int64_t before)
{
    static const char *const sql[] = {"DELETE FROM metrics_requests WHERE minute < ?",
                                      "DELETE FROM metrics_counters WHERE minute < ?"};
    sqlite3 *db = fc_sqlite_db(s);
    int rc = FC_OK;
    for (size_t i = 0; i < FC_ARRAY_LEN(sql); i++)
        if (fc_sqlite_do(db, sql[i], NULL, "metrics prune", "l", before))
            rc = FC_ERR;
    return rc;
}

/* ---- health ------------------------------------------------------------- */

static int pragma_int(sqlite3 *db, const char *sql, long long *v)
{
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR;
    if (prepare(db, sql, &st))
        return FC_ERR;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *v = sqlite3_column_int64(st, 0);
        rc = FC_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

static void human_size(char *buf, size_t n, long long bytes)
{
    if (bytes >= 1 << 20)
        snprintf(buf, n, "%.1f MiB (%lld bytes)", (double)bytes / (1 << 20), bytes);
    else if (bytes >= 1 << 10)
        snprintf(buf, n, "%.1f KiB (%lld bytes)", (double)bytes / (1 << 10), bytes);
    else
        snprintf(buf, n, "%lld bytes", bytes);
}

int fc_sqlite_store_health(struct fc_store *s, struct fc_store_check *v, int max, int *n)
{
    struct fc_store_checks out = {v, max, 0};
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    const char *path = sqlite3_db_filename(db, "main");
    char wal[4096], size[96], first[512] = "";
    struct stat sb;
    struct timespec t0, t1;
    long long page_size = 0, pages = 0, freelist = 0, mrows = 0;
    int nproblems = 0, r, rc = FC_ERR;

    *n = 0;
    if (fc_store_check_put(&out, "Backend", 1, "SQLite %s", sqlite3_libversion()))
        return FC_ERR;
    if (path && *path) {
        if (stat(path, &sb) == 0) {
            human_size(size, sizeof size, (long long)sb.st_size);
            if (fc_store_check_put(&out, "Database file", 1, "%s: %s", path, size))
                return FC_ERR;
        }
        snprintf(wal, sizeof wal, "%s-wal", path);
        human_size(size, sizeof size, stat(wal, &sb) == 0 ? (long long)sb.st_size : 0);
        if (fc_store_check_put(&out, "Write-ahead log", 1, "%s", size))
            return FC_ERR;
    }
    if (pragma_int(db, "PRAGMA page_size", &page_size) ||
        pragma_int(db, "PRAGMA page_count", &pages) ||
        pragma_int(db, "PRAGMA freelist_count", &freelist))
        return FC_ERR;
    if (fc_store_check_put(&out, "Pages", 1, "%lld of %lld bytes (%lld free)", pages, page_size,
                           freelist))
        return FC_ERR;
    if (pragma_int(db, "SELECT count(*) FROM metrics_requests", &mrows) == FC_OK &&
        fc_store_check_put(&out, "Metrics rows", 1, "%lld", mrows))
        return FC_ERR;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (prepare(db, "PRAGMA quick_check", &st))
        return FC_ERR;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        if (t && strcmp((const char *)t, "ok") == 0)
            continue;
        if (!nproblems++)
            fc_strlcpy(first, t ? (const char *)t : "?", sizeof first);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (r != SQLITE_DONE)
        goto out;
    {
        double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        if (nproblems
                ? fc_store_check_put(&out, "Integrity (quick_check)", 0,
                                     "%d problem(s), first: %s (%.1f ms)", nproblems, first, ms)
                : fc_store_check_put(&out, "Integrity (quick_check)", 1, "ok (%.1f ms)", ms))
            goto out;
    }
    rc = FC_OK;
    *n = out.n;
out:
    return fc_sqlite_finish(db, st, rc, "store health");
}
