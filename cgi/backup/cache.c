/* backup/cache: local SQLite cache: file index, known objects, multipart journal, summaries. */
#include "backup/backup.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

struct backup_cache {
    sqlite3 *db;
    sqlite3_stmt *index_put;
    sqlite3_stmt *object_put;
    sqlite3_stmt *object_del;
    sqlite3_stmt *part_put;
    int in_tx;
    double tx_started;
};

static const char SCHEMA[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS objects(id TEXT PRIMARY KEY, size INTEGER);"
    "CREATE TABLE IF NOT EXISTS mpu(id TEXT PRIMARY KEY, upload_id TEXT, part_size INTEGER,"
    " size INTEGER, nparts INTEGER);"
    "CREATE TABLE IF NOT EXISTS mpu_parts(id TEXT, part INTEGER, etag TEXT, sum TEXT,"
    " PRIMARY KEY(id, part));"
    "CREATE TABLE IF NOT EXISTS summaries(id TEXT PRIMARY KEY, json TEXT);";

/* The file index is shared by every repository (it describes local files): attached. */
static const char INDEX_SCHEMA[] =
    "PRAGMA idx.journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS idx.files(path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER,"
    " ctime INTEGER, ino INTEGER, sha TEXT);";

int backup_cache_open(const char *path, const char *index_path, struct backup_cache **out,
                      char *err, size_t errlen)
{
    struct backup_cache *c = calloc(1, sizeof(*c));
    sqlite3_stmt *st = NULL;
    char *msg = NULL;

    *out = NULL;
    if (!c)
        return FC_ERR;
    if (sqlite3_open(path, &c->db) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open the backup cache %s: %s", path,
                 c->db ? sqlite3_errmsg(c->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(c->db, 10000);
    if (sqlite3_exec(c->db, SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "cannot set up the backup cache %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        goto fail;
    }
    if (sqlite3_prepare_v2(c->db, "ATTACH DATABASE ?1 AS idx", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot attach the file index: %s", sqlite3_errmsg(c->db));
        goto fail;
    }
    sqlite3_bind_text(st, 1, index_path ? index_path : ":memory:", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        snprintf(err, errlen, "cannot open the file index %s: %s",
                 index_path ? index_path : ":memory:", sqlite3_errmsg(c->db));
        sqlite3_finalize(st);
        goto fail;
    }
    sqlite3_finalize(st);
    if (sqlite3_exec(c->db, INDEX_SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "cannot set up the file index: %s", msg ? msg : "?");
        sqlite3_free(msg);
        goto fail;
    }
    if (sqlite3_prepare_v2(c->db,
                           "INSERT OR REPLACE INTO idx.files(path,size,mtime,ctime,ino,sha)"
                           " VALUES(?,?,?,?,?,?)",
                           -1, &c->index_put, NULL) ||
        sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO objects(id,size) VALUES(?,?)", -1,
                           &c->object_put, NULL) ||
        sqlite3_prepare_v2(c->db, "DELETE FROM objects WHERE id=?", -1, &c->object_del, NULL) ||
        sqlite3_prepare_v2(c->db,
                           "INSERT OR REPLACE INTO mpu_parts(id,part,etag,sum) VALUES(?,?,?,?)", -1,
                           &c->part_put, NULL)) {
        snprintf(err, errlen, "cannot prepare the backup cache: %s", sqlite3_errmsg(c->db));
        goto fail;
    }
    *out = c;
    return FC_OK;
fail:
    backup_cache_close(c);
    return FC_ERR;
}

void backup_cache_close(struct backup_cache *c)
{
    if (!c)
        return;
    if (c->in_tx)
        backup_cache_commit(c);
    sqlite3_finalize(c->index_put);
    sqlite3_finalize(c->object_put);
    sqlite3_finalize(c->object_del);
    sqlite3_finalize(c->part_put);
    sqlite3_close(c->db);
    free(c);
}

static int exec(struct backup_cache *c, const char *sql)
{
    return sqlite3_exec(c->db, sql, NULL, NULL, NULL) == SQLITE_OK ? FC_OK : FC_ERR;
}

/* Runs the bound statement st once and resets it for the next use: FC_OK or FC_ERR. */
static int step_reset(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? FC_OK : FC_ERR;
    sqlite3_reset(st);
    return rc;
}

/* Runs the one-off statement sql with the text parameters a (?1) and b (?2, when not NULL). */
static int exec_text(struct backup_cache *c, const char *sql, const char *a, const char *b)
{
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR;

    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
        if (b)
            sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? FC_OK : FC_ERR;
    }
    sqlite3_finalize(st);
    return rc;
}

int backup_cache_begin(struct backup_cache *c)
{
    if (c->in_tx)
        return FC_OK;
    if (exec(c, "BEGIN"))
        return FC_ERR;
    c->in_tx = 1;
    c->tx_started = backup_now();
    return FC_OK;
}

int backup_cache_commit(struct backup_cache *c)
{
    if (!c->in_tx)
        return FC_OK;
    c->in_tx = 0;
    return exec(c, "COMMIT");
}

int backup_cache_checkpoint(struct backup_cache *c)
{
    if (!c->in_tx || backup_now() - c->tx_started < 0.5)
        return FC_OK;
    if (backup_cache_commit(c))
        return FC_ERR;
    return backup_cache_begin(c);
}

const char *backup_cache_meta_get(struct backup_cache *c, const char *k, char *buf, size_t n)
{
    sqlite3_stmt *st = NULL;

    buf[0] = '\0';
    if (sqlite3_prepare_v2(c->db, "SELECT v FROM meta WHERE k=?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            fc_strlcpy(buf, (const char *)sqlite3_column_text(st, 0), n);
    }
    sqlite3_finalize(st);
    return buf;
}

int backup_cache_meta_set(struct backup_cache *c, const char *k, const char *v)
{
    return exec_text(c, "INSERT OR REPLACE INTO meta(k,v) VALUES(?,?)", k, v);
}

int backup_cache_load_index(struct backup_cache *c, struct backup_map *m)
{
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR, s;

    if (sqlite3_prepare_v2(c->db, "SELECT path,size,mtime,ctime,ino,sha FROM idx.files", -1, &st,
                           NULL) != SQLITE_OK)
        return FC_ERR;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        struct backup_index_entry *e = calloc(1, sizeof(*e));
        void *old;
        if (!e)
            goto out;
        e->size = (uint64_t)sqlite3_column_int64(st, 1);
        e->mtime_ns = sqlite3_column_int64(st, 2);
        e->ctime_ns = sqlite3_column_int64(st, 3);
        e->ino = (uint64_t)sqlite3_column_int64(st, 4);
        fc_strlcpy(e->sha,
                   sqlite3_column_text(st, 5) ? (const char *)sqlite3_column_text(st, 5) : "",
                   sizeof e->sha);
        if (backup_map_put(m, (const char *)sqlite3_column_text(st, 0), e, &old)) {
            free(e);
            goto out;
        }
        free(old);
    }
    rc = s == SQLITE_DONE ? FC_OK : FC_ERR;
out:
    sqlite3_finalize(st);
    return rc;
}

int backup_cache_index_put(struct backup_cache *c, const char *path,
                           const struct backup_index_entry *e)
{
    sqlite3_stmt *st = c->index_put;

    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)e->size);
    sqlite3_bind_int64(st, 3, e->mtime_ns);
    sqlite3_bind_int64(st, 4, e->ctime_ns);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)e->ino);
    sqlite3_bind_text(st, 6, e->sha, -1, SQLITE_STATIC);
    return step_reset(st);
}

int backup_cache_load_objects(struct backup_cache *c, struct backup_map *m)
{
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR, s;

    if (sqlite3_prepare_v2(c->db, "SELECT id,size FROM objects", -1, &st, NULL) != SQLITE_OK)
        return FC_ERR;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        uintptr_t v = (uintptr_t)sqlite3_column_int64(st, 1) + 1;
        if (backup_map_put(m, (const char *)sqlite3_column_text(st, 0), (void *)v, NULL))
            goto out;
    }
    rc = s == SQLITE_DONE ? FC_OK : FC_ERR;
out:
    sqlite3_finalize(st);
    return rc;
}

int backup_cache_object_put(struct backup_cache *c, const char *id, uint64_t size)
{
    sqlite3_stmt *st = c->object_put;

    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)size);
    return step_reset(st);
}

int backup_cache_object_del(struct backup_cache *c, const char *id)
{
    sqlite3_stmt *st = c->object_del;

    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    return step_reset(st);
}

int backup_cache_objects_clear(struct backup_cache *c)
{
    return exec(c, "DELETE FROM objects");
}

/* ---- multipart journal ------------------------------------------------------------- */

int backup_cache_mpu_get(struct backup_cache *c, const char *id, struct backup_mpu *m)
{
    sqlite3_stmt *st = NULL;
    int rc = FC_NOTFOUND;

    if (sqlite3_prepare_v2(c->db, "SELECT upload_id,part_size,size,nparts FROM mpu WHERE id=?", -1,
                           &st, NULL) != SQLITE_OK)
        return FC_ERR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        fc_strlcpy(m->id, id, sizeof m->id);
        fc_strlcpy(m->upload_id, (const char *)sqlite3_column_text(st, 0), sizeof m->upload_id);
        m->part_size = (uint64_t)sqlite3_column_int64(st, 1);
        m->size = (uint64_t)sqlite3_column_int64(st, 2);
        m->nparts = sqlite3_column_int(st, 3);
        rc = FC_OK;
    }
    sqlite3_finalize(st);
    if (rc != FC_OK || m->nparts <= 0 || m->nparts > BACKUP_MAX_PARTS)
        return rc == FC_OK ? FC_ERR : rc;
    m->etags = calloc((size_t)m->nparts, sizeof(*m->etags));
    m->sums = calloc((size_t)m->nparts, sizeof(*m->sums));
    if (!m->etags || !m->sums)
        return FC_ERR;
    if (sqlite3_prepare_v2(c->db, "SELECT part,etag,sum FROM mpu_parts WHERE id=?", -1, &st,
                           NULL) != SQLITE_OK)
        return FC_ERR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int part = sqlite3_column_int(st, 0);
        if (part < 1 || part > m->nparts)
            continue;
        fc_strlcpy(m->etags[part - 1], (const char *)sqlite3_column_text(st, 1),
                   sizeof m->etags[0]);
        fc_strlcpy(m->sums[part - 1], (const char *)sqlite3_column_text(st, 2), sizeof m->sums[0]);
    }
    sqlite3_finalize(st);
    return FC_OK;
}

int backup_cache_mpu_start(struct backup_cache *c, const struct backup_mpu *m)
{
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR;

    backup_cache_mpu_del(c, m->id);
    if (sqlite3_prepare_v2(c->db,
                           "INSERT INTO mpu(id,upload_id,part_size,size,nparts) VALUES(?,?,?,?,?)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, m->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, m->upload_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)m->part_size);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)m->size);
        sqlite3_bind_int(st, 5, m->nparts);
        rc = sqlite3_step(st) == SQLITE_DONE ? FC_OK : FC_ERR;
    }
    sqlite3_finalize(st);
    return rc;
}

int backup_cache_mpu_part(struct backup_cache *c, const char *id, int part, const char *etag,
                          const char *sum)
{
    sqlite3_stmt *st = c->part_put;

    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, part);
    sqlite3_bind_text(st, 3, etag, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, sum, -1, SQLITE_STATIC);
    return step_reset(st);
}

int backup_cache_mpu_del(struct backup_cache *c, const char *id)
{
    if (exec_text(c, "DELETE FROM mpu_parts WHERE id=?1; ", id, NULL))
        return FC_ERR;
    return exec_text(c, "DELETE FROM mpu WHERE id=?1", id, NULL);
}

int backup_cache_mpu_each(struct backup_cache *c,
                          int (*fn)(void *ctx, const char *id, const char *upload_id), void *ctx)
{
    sqlite3_stmt *st = NULL;
    char **ids = NULL, **ups = NULL;
    size_t n = 0, cap = 0;
    int rc = FC_OK;

    /* Collected first: fn may change the journal. */
    if (sqlite3_prepare_v2(c->db, "SELECT id,upload_id FROM mpu", -1, &st, NULL) != SQLITE_OK)
        return FC_ERR;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            char **a = realloc(ids, cap * sizeof(*a)),
                 **b = a ? realloc(ups, cap * sizeof(*b)) : NULL;
            if (a)
                ids = a;
            if (!a || !b) {
                rc = FC_ERR;
                break;
            }
            ups = b;
        }
        ids[n] = strdup((const char *)sqlite3_column_text(st, 0));
        ups[n] = strdup((const char *)sqlite3_column_text(st, 1));
        n++;
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < n; i++) {
        if (rc == FC_OK && ids[i] && ups[i] && fn(ctx, ids[i], ups[i]))
            rc = FC_ERR;
        free(ids[i]);
        free(ups[i]);
    }
    free(ids);
    free(ups);
    return rc;
}

/* ---- snapshot summaries ------------------------------------------------------------- */

int backup_cache_summary_get(struct backup_cache *c, const char *id, char **json)
{
    sqlite3_stmt *st = NULL;
    int rc = FC_NOTFOUND;

    *json = NULL;
    if (sqlite3_prepare_v2(c->db, "SELECT json FROM summaries WHERE id=?", -1, &st, NULL) !=
        SQLITE_OK)
        return FC_ERR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        *json = strdup((const char *)sqlite3_column_text(st, 0));
        rc = *json ? FC_OK : FC_ERR;
    }
    sqlite3_finalize(st);
    return rc;
}

int backup_cache_summary_put(struct backup_cache *c, const char *id, const char *json)
{
    return exec_text(c, "INSERT OR REPLACE INTO summaries(id,json) VALUES(?,?)", id, json);
}

int backup_cache_summary_del(struct backup_cache *c, const char *id)
{
    return exec_text(c, "DELETE FROM summaries WHERE id=?", id, NULL);
}
