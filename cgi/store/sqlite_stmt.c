/* store/sqlite_stmt: the statement helpers the SQLite backend's modules (sqlite_*.c) share:
 * preparing with the failure logged, binding parameters from a list of their types, a list of
 * ids as JSON (for json_each), a text column into a buffer, a row into a struct by a table of
 * its columns (one row, or up to max of them), and the end of an operation (log a failure,
 * finalize). */
#include "core/util.h"
#include "store/sqlite.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fc_sqlite_fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "forkcast: sqlite %s: %s\n", what, sqlite3_errmsg(db));
}

int fc_sqlite_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, const char *what)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
        fc_sqlite_fail(db, what);
        *st = NULL;
        return FC_ERR;
    }
    return FC_OK;
}

void fc_sqlite_vbind(sqlite3_stmt *st, const char *types, va_list ap)
{
    const char *t;
    for (int i = 0; types[i]; i++) {
        switch (types[i]) {
        case 'l':
            sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
            break;
        case 'i':
            sqlite3_bind_int(st, i + 1, va_arg(ap, int));
            break;
        case 'd':
            sqlite3_bind_double(st, i + 1, va_arg(ap, double));
            break;
        case 't':
            sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_STATIC);
            break;
        case 's':
            t = va_arg(ap, const char *);
            sqlite3_bind_text(st, i + 1, t ? t : "", -1, SQLITE_TRANSIENT);
            break;
        }
    }
}

void fc_sqlite_bind(sqlite3_stmt *st, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    fc_sqlite_vbind(st, types, ap);
    va_end(ap);
}

char *fc_sqlite_ids_json(const int64_t *ids, int n)
{
    size_t cap = (size_t)(n > 0 ? n : 0) * 21 + 3, len = 0;
    char *json = malloc(cap);
    if (!json)
        return NULL;
    json[len++] = '[';
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(json + len, cap - len, "%s%" PRId64, i ? "," : "", ids[i]);
    json[len++] = ']';
    json[len] = '\0';
    return json;
}

void fc_sqlite_text(sqlite3_stmt *st, int i, char *dst, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    fc_strlcpy(dst, t ? (const char *)t : "", n);
}

void fc_sqlite_cols(sqlite3_stmt *st, int first, const struct fc_sqlite_col *cols, size_t n,
                    void *rec)
{
    for (size_t i = 0; i < n; i++) {
        char *p = (char *)rec + cols[i].off;
        int col = first + (int)i;
        int64_t v;
        int iv;
        double d;
        switch (cols[i].kind) {
        case 's':
            fc_sqlite_text(st, col, p, cols[i].size);
            break;
        case 'd':
            d = sqlite3_column_double(st, col);
            memcpy(p, &d, sizeof d);
            break;
        case 'n':
            if (cols[i].size == sizeof v) {
                v = sqlite3_column_int64(st, col);
                memcpy(p, &v, sizeof v);
            } else {
                iv = sqlite3_column_int(st, col);
                memcpy(p, &iv, sizeof iv);
            }
            break;
        }
    }
}

int fc_sqlite_rows(sqlite3 *db, sqlite3_stmt *st, const struct fc_sqlite_col *cols, size_t ncols,
                   void *out, size_t elem, int max, int *n, const char *what)
{
    int k = 0, step = SQLITE_DONE;
    *n = 0;
    while (k < max && (step = sqlite3_step(st)) == SQLITE_ROW) {
        char *rec = (char *)out + (size_t)k++ * elem;
        memset(rec, 0, elem);
        fc_sqlite_cols(st, 0, cols, ncols, rec);
    }
    if (step != SQLITE_DONE && step != SQLITE_ROW) {
        fc_sqlite_fail(db, what);
        return FC_ERR;
    }
    *n = k;
    return FC_OK;
}

int fc_sqlite_list(sqlite3 *db, const char *sql, int64_t id, const struct fc_sqlite_col *cols,
                   size_t ncols, void *out, size_t elem, int max, int *n, const char *what)
{
    *n = 0;
    if (max <= 0)
        return FC_OK;
    return fc_sqlite_select(db, sql, cols, ncols, out, elem, max, n, what, "li", id, max);
}

int fc_sqlite_do(sqlite3 *db, const char *sql, int *changes, const char *what, const char *types,
                 ...)
{
    sqlite3_stmt *st;
    va_list ap;
    int rc = FC_ERR;
    if (fc_sqlite_prepare(db, sql, &st, what))
        return FC_ERR;
    va_start(ap, types);
    fc_sqlite_vbind(st, types, ap);
    va_end(ap);
    if (sqlite3_step(st) == SQLITE_DONE) {
        if (changes)
            *changes = sqlite3_changes(db);
        rc = FC_OK;
    }
    return fc_sqlite_finish(db, st, rc, what);
}

int fc_sqlite_select(sqlite3 *db, const char *sql, const struct fc_sqlite_col *cols, size_t ncols,
                     void *out, size_t elem, int max, int *n, const char *what, const char *types,
                     ...)
{
    sqlite3_stmt *st;
    va_list ap;
    int rc;
    *n = 0;
    if (fc_sqlite_prepare(db, sql, &st, what))
        return FC_ERR;
    va_start(ap, types);
    fc_sqlite_vbind(st, types, ap);
    va_end(ap);
    rc = fc_sqlite_rows(db, st, cols, ncols, out, elem, max, n, what);
    sqlite3_finalize(st);
    return rc;
}

int fc_sqlite_finish(sqlite3 *db, sqlite3_stmt *st, int rc, const char *what)
{
    if (rc == FC_ERR)
        fc_sqlite_fail(db, what);
    sqlite3_finalize(st);
    return rc;
}
