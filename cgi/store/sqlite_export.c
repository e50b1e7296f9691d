/* store/sqlite_export: bulk copies of a SQLite store (forkcast dynamodb copy): every table's
 * rows as json-c objects, rows written back with their ids, and emptying the store. */
#include "core/util.h"
#include "store/sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* Tables in the order a copy writes them (parents first); others follow by name. */
static const char *const ORDER[] = {
    "users",
    "restaurants",
    "friendships",
    "friend_requests",
    "blocks",
    "reviews",
    "saves",
    "events",
    "sessions",
    "session_tokens",
    "login_failures",
    "metrics_requests",
    "metrics_counters",
    "jobs",
    "ec2_instances",
    "ec2_instance_events",
};

/* Not copied: bookkeeping (content_version: each database's own) and what is derived from other
 * tables. */
static int skipped(const char *table)
{
    return strcmp(table, "schema_version") == 0 || strcmp(table, "restaurant_cuisines") == 0 ||
           strcmp(table, "feed_items") == 0 || strcmp(table, "restaurant_stats") == 0 ||
           strcmp(table, "content_version") == 0 || strncmp(table, "sqlite_", 7) == 0;
}

static int rank(const char *table)
{
    for (size_t i = 0; i < FC_ARRAY_LEN(ORDER); i++)
        if (strcmp(ORDER[i], table) == 0)
            return (int)i;
    return (int)FC_ARRAY_LEN(ORDER);
}

static int cmp_table(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int rx = rank(x), ry = rank(y);
    return rx != ry ? rx - ry : strcmp(x, y);
}

/* The copied tables of db, in copy order: a malloc'ed array of malloc'ed names. */
static int tables(sqlite3 *db, char ***out, size_t *n)
{
    sqlite3_stmt *st = NULL;
    char **v = NULL;
    size_t cap = 0;
    int rc = FC_ERR, r;
    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &st,
                           NULL) != SQLITE_OK)
        goto out;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!name || skipped(name))
            continue;
        if (fc_grow(&v, &cap, *n + 1, sizeof *v, 32))
            goto out;
        if (!(v[*n] = strdup(name)))
            goto out;
        (*n)++;
    }
    if (r != SQLITE_DONE)
        goto out;
    if (*n > 1)
        qsort(v, *n, sizeof *v, cmp_table);
    rc = FC_OK;
out:
    sqlite3_finalize(st);
    if (rc) {
        for (size_t i = 0; i < *n; i++)
            free(v[i]);
        free(v);
        *n = 0;
        v = NULL;
    }
    *out = v;
    return rc;
}

static void tables_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* One row of st as {column: value}. */
static json_object *row_object(sqlite3_stmt *st)
{
    json_object *o = json_object_new_object();
    int nc = sqlite3_column_count(st);
    for (int i = 0; i < nc; i++) {
        json_object *v = NULL;
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            v = json_object_new_int64(sqlite3_column_int64(st, i));
            break;
        case SQLITE_FLOAT:
            v = json_object_new_double(sqlite3_column_double(st, i));
            break;
        case SQLITE_TEXT:
        case SQLITE_BLOB:
            v = json_object_new_string_len((const char *)sqlite3_column_text(st, i),
                                           sqlite3_column_bytes(st, i));
            break;
        default:
            break; /* NULL */
        }
        json_object_object_add(o, sqlite3_column_name(st, i), v);
    }
    return o;
}

int fc_sqlite_export_rows(struct fc_store *s,
                          int (*emit)(void *ctx, const char *table, struct json_object *row),
                          void *ctx)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    char **names = NULL, sql[256];
    size_t n = 0;
    int rc, r = SQLITE_DONE;

    /* one read transaction: a consistent snapshot */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return FC_ERR;
    if ((rc = tables(db, &names, &n)))
        goto out;
    for (size_t t = 0; t < n && rc == FC_OK; t++) {
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", names[t]);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
            rc = FC_ERR;
            break;
        }
        while (rc == FC_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
            json_object *row = row_object(st);
            rc = emit(ctx, names[t], row);
            json_object_put(row);
        }
        if (rc == FC_OK && r != SQLITE_DONE)
            rc = FC_ERR;
        sqlite3_finalize(st);
        st = NULL;
    }
out:
    if (rc == FC_ERR)
        fprintf(stderr, "forkcast: sqlite export: %s\n", sqlite3_errmsg(db));
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    tables_free(names, n);
    return rc;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "forkcast: sqlite import: %s\n", msg ? msg : "?");
        sqlite3_free(msg);
        return FC_ERR;
    }
    return FC_OK;
}

/* 1 when table has a column named col (0 also when there is no such table). */
static int has_column(sqlite3 *db, const char *table, const char *col)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

/* The restaurant's cuisines, one row each (what rest_upsert keeps). */
static int cuisines(sqlite3 *db, json_object *row)
{
    json_object *id, *cu;
    sqlite3_stmt *st = NULL;
    char *list, *save = NULL;
    int rc = FC_OK;
    if (!json_object_object_get_ex(row, "id", &id) ||
        !json_object_object_get_ex(row, "cuisines", &cu) || !json_object_get_string(cu))
        return FC_OK;
    if (!(list = strdup(json_object_get_string(cu))))
        return FC_ERR;
    if (sqlite3_prepare_v2(db,
                           "INSERT OR IGNORE INTO restaurant_cuisines (restaurant_id, cuisine) "
                           "VALUES (?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        rc = FC_ERR;
    for (char *c = strtok_r(list, ",", &save); c && rc == FC_OK; c = strtok_r(NULL, ",", &save)) {
        fc_trim(c);
        if (!*c)
            continue;
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, json_object_get_int64(id));
        sqlite3_bind_text(st, 2, c, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = FC_ERR;
    }
    sqlite3_finalize(st);
    free(list);
    return rc;
}

int fc_sqlite_import_row(struct fc_store *s, const char *table, struct json_object *row)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    char *sql = NULL;
    size_t len = 0;
    int ncols = 0, rc = FC_ERR;
    FILE *f;

    if (!table) /* the end: everything is in one transaction */
        return sqlite3_get_autocommit(db) ? FC_OK : exec(db, "COMMIT");
    if (sqlite3_get_autocommit(db) &&
        (exec(db, "BEGIN IMMEDIATE") || exec(db, "PRAGMA defer_foreign_keys = ON")))
        return FC_ERR;
    if (!(f = open_memstream(&sql, &len)))
        goto out;
    fprintf(f, "INSERT INTO \"%s\" (", table);
    json_object_object_foreach(row, col, val)
    {
        (void)val;
        if (!has_column(db, table, col))
            continue; /* a column this schema does not have */
        fprintf(f, "%s\"%s\"", ncols++ ? ", " : "", col);
    }
    fprintf(f, ") VALUES (");
    for (int i = 0; i < ncols; i++)
        fprintf(f, "%s?", i ? ", " : "");
    fprintf(f, ")");
    if (fclose(f) || !ncols || skipped(table)) {
        rc = FC_EINVAL; /* a table this database does not keep */
        goto out;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "forkcast: sqlite import into %s: %s\n", table, sqlite3_errmsg(db));
        goto out;
    }
    ncols = 0;
    {
        json_object_object_foreach(row, col2, v)
        {
            if (!has_column(db, table, col2))
                continue;
            ncols++;
            switch (json_object_get_type(v)) {
            case json_type_int:
            case json_type_boolean:
                sqlite3_bind_int64(st, ncols, json_object_get_int64(v));
                break;
            case json_type_double:
                sqlite3_bind_double(st, ncols, json_object_get_double(v));
                break;
            case json_type_string:
                sqlite3_bind_text(st, ncols, json_object_get_string(v),
                                  json_object_get_string_len(v), SQLITE_TRANSIENT);
                break;
            default:
                sqlite3_bind_null(st, ncols);
                break;
            }
        }
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
        fprintf(stderr, "forkcast: sqlite import into %s: %s\n", table, sqlite3_errmsg(db));
        rc = sqlite3_errcode(db) == SQLITE_CONSTRAINT ? FC_EXISTS : FC_ERR;
        goto out;
    }
    rc = strcmp(table, "restaurants") == 0 ? cuisines(db, row) : FC_OK;
out:
    sqlite3_finalize(st);
    free(sql);
    if (rc != FC_OK && rc != FC_EINVAL)
        exec(db, "ROLLBACK");
    return rc;
}

int fc_sqlite_wipe(struct fc_store *s)
{
    sqlite3 *db = fc_sqlite_db(s);
    char **names = NULL, sql[256];
    size_t n = 0;
    int rc;
    if (exec(db, "BEGIN IMMEDIATE"))
        return FC_ERR;
    if ((rc = exec(db, "PRAGMA defer_foreign_keys = ON")) || (rc = tables(db, &names, &n)))
        goto out;
    /* children first */
    for (size_t i = n; i-- > 0 && rc == FC_OK;) {
        snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", names[i]);
        rc = exec(db, sql);
    }
    if (rc == FC_OK)
        rc = exec(db, "DELETE FROM restaurant_cuisines; DELETE FROM feed_items; "
                      "DELETE FROM restaurant_stats");
out:
    tables_free(names, n);
    if (rc) {
        exec(db, "ROLLBACK");
        return rc;
    }
    return exec(db, "COMMIT");
}
