/* store/sqlite_jobs: the SQLite side of background jobs (enqueue with a dedupe key, atomic
 * claim with a lease, outcome, list, prune) and of EC2 instances and their state history. */
#include "core/util.h"
#include "store/sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
    return fc_sqlite_prepare(db, sql, st, "prepare (jobs)");
}

/* ---- jobs --------------------------------------------------------------- */

#define JOB_COLS                                                                                   \
    "id, type, coalesce(dedupe_key, ''), state, payload, progress, message, attempts, "            \
    "max_attempts, runs, run_at_ms, worker, lease_until_ms, created_at, updated_at, finished_at"

/* ?1 is a comma-separated list of types, or '' for any */
#define TYPE_IN "(?1 = '' OR instr(',' || ?1 || ',', ',' || type || ',') > 0)"

/* The columns of JOB_COLS, read into a struct fc_job. */
#define JOB_COL(kind, member) FC_SQLITE_COL(kind, struct fc_job, member)
static const struct fc_sqlite_col job_cols[] = {JOB_COL('n', id),
                                                JOB_COL('s', type),
                                                JOB_COL('s', dedupe_key),
                                                JOB_COL('s', state),
                                                JOB_COL('s', payload),
                                                JOB_COL('s', progress),
                                                JOB_COL('s', message),
                                                JOB_COL('n', attempts),
                                                JOB_COL('n', max_attempts),
                                                JOB_COL('n', runs),
                                                JOB_COL('n', run_at_ms),
                                                JOB_COL('s', worker),
                                                JOB_COL('n', lease_until_ms),
                                                JOB_COL('n', created_at),
                                                JOB_COL('n', updated_at),
                                                JOB_COL('n', finished_at)};

static void job_row(sqlite3_stmt *st, struct fc_job *j)
{
    memset(j, 0, sizeof *j);
    fc_sqlite_cols(st, 0, job_cols, FC_ARRAY_LEN(job_cols), j);
}

/* Runs a statement that returns at most one job. */
static int job_one(sqlite3 *db, sqlite3_stmt *st, struct fc_job *out, const char *what)
{
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        job_row(st, out);
        return FC_OK;
    }
    if (r == SQLITE_DONE)
        return FC_NOTFOUND;
    fc_sqlite_fail(db, what);
    return FC_ERR;
}

int fc_sqlite_job_get(struct fc_store *s, int64_t id, struct fc_job *out)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc;
    if (prepare(db, "SELECT " JOB_COLS " FROM jobs WHERE id = ?", &st))
        return FC_ERR;
    sqlite3_bind_int64(st, 1, id);
    rc = job_one(db, st, out, "job get");
    sqlite3_finalize(st);
    return rc;
}

int fc_sqlite_job_by_key(struct fc_store *s, const char *key, struct fc_job *out)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc;
    if (!key || !*key)
        return FC_NOTFOUND;
    if (prepare(db, "SELECT " JOB_COLS " FROM jobs WHERE dedupe_key = ?", &st))
        return FC_ERR;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = job_one(db, st, out, "job by key");
    sqlite3_finalize(st);
    return rc;
}

int fc_sqlite_job_enqueue(struct fc_store *s, struct fc_job *j, int64_t now)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR, r;
    int64_t id;

    if (!j->type[0])
        return FC_EINVAL;
    if (prepare(db,
                "INSERT INTO jobs (type, dedupe_key, state, payload, progress, message, "
                "max_attempts, run_at_ms, created_at, updated_at) VALUES (?, nullif(?, ''), "
                "'queued', ?, '{}', ?, ?, ?, ?, ?)",
                &st))
        return FC_ERR;
    fc_sqlite_bind(st, "ttttilll", j->type, j->dedupe_key, j->payload[0] ? j->payload : "{}",
                   j->message, j->max_attempts > 0 ? j->max_attempts : 0, j->run_at_ms, now, now);
    r = sqlite3_step(st);
    if (r == SQLITE_DONE) {
        id = sqlite3_last_insert_rowid(db);
        rc = fc_sqlite_job_get(s, id, j);
    } else if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE && j->dedupe_key[0]) {
        char key[sizeof j->dedupe_key];
        fc_strlcpy(key, j->dedupe_key, sizeof key);
        rc = fc_sqlite_job_by_key(s, key, j);
        rc = rc == FC_OK ? FC_EXISTS : FC_ERR;
    } else {
        fc_sqlite_fail(db, "job enqueue");
    }
    sqlite3_finalize(st);
    return rc;
}

int fc_sqlite_job_claim(struct fc_store *s, const char *types, const char *worker, int64_t now_ms,
                        int64_t lease_ms, struct fc_job *out)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc;

    /* One statement: SQLite takes the write lock before the subquery reads, so two workers
     * never claim the same job. A running job whose lease ended lost its worker: claiming it
     * again counts that as a failed attempt. */
    if (prepare(db,
                "UPDATE jobs SET attempts = attempts + (state = 'running'), state = 'running', "
                "worker = ?2, lease_until_ms = ?3 + ?4, runs = runs + 1, updated_at = ?5 "
                "WHERE id = (SELECT id FROM jobs WHERE " TYPE_IN " AND ((state = 'queued' AND "
                "run_at_ms <= ?3) OR (state = 'running' AND lease_until_ms <= ?3)) ORDER BY "
                "CASE state WHEN 'queued' THEN run_at_ms ELSE lease_until_ms END, id LIMIT 1) "
                "RETURNING " JOB_COLS,
                &st))
        return FC_ERR;
    fc_sqlite_bind(st, "ttlll", types ? types : "", worker, now_ms, lease_ms, now_ms / 1000);
    rc = job_one(db, st, out, "job claim");
    if (rc == FC_OK && sqlite3_step(st) != SQLITE_DONE) /* finish the statement */
        rc = FC_ERR;
    sqlite3_finalize(st);
    return rc;
}

int fc_sqlite_job_update(struct fc_store *s, const struct fc_job *j, int64_t now)
{
    int changes;

    if (strcmp(j->state, "queued") && strcmp(j->state, "running") && strcmp(j->state, "done") &&
        strcmp(j->state, "failed"))
        return FC_EINVAL;
    if (fc_sqlite_do(fc_sqlite_db(s),
                     "UPDATE jobs SET state = ?1, progress = ?2, message = ?3, attempts = ?4, "
                     "run_at_ms = ?5, lease_until_ms = CASE WHEN ?1 = 'running' THEN ?6 ELSE 0 "
                     "END, updated_at = ?7, finished_at = CASE WHEN ?1 IN ('done', 'failed') "
                     "THEN ?7 ELSE 0 END WHERE id = ?8 AND state = 'running' AND worker = ?9",
                     &changes, "job update", "tttillllt", j->state,
                     j->progress[0] ? j->progress : "{}", j->message, j->attempts, j->run_at_ms,
                     j->lease_until_ms, now, j->id, j->worker))
        return FC_ERR;
    return changes == 1 ? FC_OK : FC_NOTFOUND;
}

int fc_sqlite_job_list(struct fc_store *s, const char *type, const char *state, struct fc_job *out,
                       int max, int *n)
{
    return fc_sqlite_select(fc_sqlite_db(s),
                            "SELECT " JOB_COLS " FROM jobs WHERE (?1 = '' OR type = ?1) AND (?2 = "
                            "'' OR state = ?2) ORDER BY id DESC LIMIT ?3",
                            job_cols, FC_ARRAY_LEN(job_cols), out, sizeof *out, max, n, "job list",
                            "tti", type ? type : "", state ? state : "", max);
}

int fc_sqlite_job_next_due(struct fc_store *s, const char *types, int64_t *at_ms)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR;
    if (prepare(db,
                "SELECT min(CASE state WHEN 'queued' THEN run_at_ms ELSE lease_until_ms END) "
                "FROM jobs WHERE state IN ('queued', 'running') AND " TYPE_IN,
                &st))
        return FC_ERR;
    sqlite3_bind_text(st, 1, types ? types : "", -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
            rc = FC_NOTFOUND;
        } else {
            *at_ms = sqlite3_column_int64(st, 0);
            rc = FC_OK;
        }
    }
    return fc_sqlite_finish(db, st, rc, "job next due");
}

int fc_sqlite_job_prune(struct fc_store *s, int64_t before, int *n)
{
    *n = 0;
    return fc_sqlite_do(fc_sqlite_db(s),
                        "DELETE FROM jobs WHERE state IN ('done', 'failed') AND finished_at < ?", n,
                        "job prune", "l", before);
}

/* ---- EC2 instances -------------------------------------------------------- */

#define INSTANCE_COLS                                                                              \
    "instance_id, name, image_id, instance_type, state, public_ip, private_ip, subnet_id, "        \
    "launch_time, client_token, status, message, launched_by, created_at, updated_at"

/* The columns of INSTANCE_COLS, read into a struct fc_instance. */
#define INST_COL(kind, member) FC_SQLITE_COL(kind, struct fc_instance, member)
static const struct fc_sqlite_col instance_cols[] = {
    INST_COL('s', instance_id),   INST_COL('s', name),       INST_COL('s', image_id),
    INST_COL('s', instance_type), INST_COL('s', state),      INST_COL('s', public_ip),
    INST_COL('s', private_ip),    INST_COL('s', subnet_id),  INST_COL('s', launch_time),
    INST_COL('s', client_token),  INST_COL('s', status),     INST_COL('s', message),
    INST_COL('n', launched_by),   INST_COL('n', created_at), INST_COL('n', updated_at)};

int fc_sqlite_instance_put(struct fc_store *s, const struct fc_instance *in, int64_t now)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR;
    const char *text[] = {in->instance_id, in->name,         in->image_id,   in->instance_type,
                          in->state,       in->public_ip,    in->private_ip, in->subnet_id,
                          in->launch_time, in->client_token, in->status,     in->message};

    if (!in->instance_id[0])
        return FC_EINVAL;
    if (prepare(db,
                "INSERT INTO ec2_instances (" INSTANCE_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14) ON CONFLICT(instance_id) DO UPDATE "
                "SET name = excluded.name, image_id = excluded.image_id, instance_type = "
                "excluded.instance_type, state = excluded.state, public_ip = excluded.public_ip, "
                "private_ip = excluded.private_ip, subnet_id = excluded.subnet_id, launch_time = "
                "excluded.launch_time, client_token = CASE client_token WHEN '' THEN "
                "excluded.client_token ELSE client_token END, status = excluded.status, message "
                "= excluded.message, launched_by = CASE launched_by WHEN 0 THEN "
                "excluded.launched_by ELSE launched_by END, updated_at = excluded.updated_at",
                &st))
        return FC_ERR;
    for (int i = 0; i < (int)FC_ARRAY_LEN(text); i++)
        sqlite3_bind_text(st, i + 1, text[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 13, in->launched_by);
    sqlite3_bind_int64(st, 14, now);
    if (sqlite3_step(st) == SQLITE_DONE)
        rc = FC_OK;
    return fc_sqlite_finish(db, st, rc, "instance put");
}

int fc_sqlite_instance_get(struct fc_store *s, const char *instance_id, struct fc_instance *out)
{
    sqlite3 *db = fc_sqlite_db(s);
    sqlite3_stmt *st = NULL;
    int rc = FC_ERR, r;
    if (prepare(db, "SELECT " INSTANCE_COLS " FROM ec2_instances WHERE instance_id = ?", &st))
        return FC_ERR;
    sqlite3_bind_text(st, 1, instance_id, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        fc_sqlite_cols(st, 0, instance_cols, FC_ARRAY_LEN(instance_cols), out);
        rc = FC_OK;
    } else if (r == SQLITE_DONE) {
        rc = FC_NOTFOUND;
    }
    return fc_sqlite_finish(db, st, rc, "instance get");
}

int fc_sqlite_instance_by_token(struct fc_store *s, const char *client_token,
                                struct fc_instance *out, int max, int *n)
{
    *n = 0;
    if (!client_token || !*client_token)
        return FC_OK;
    return fc_sqlite_select(fc_sqlite_db(s),
                            "SELECT " INSTANCE_COLS " FROM ec2_instances WHERE client_token = ? "
                            "ORDER BY created_at, instance_id LIMIT ?",
                            instance_cols, FC_ARRAY_LEN(instance_cols), out, sizeof *out, max, n,
                            "instance by token", "ti", client_token, max);
}

int fc_sqlite_instance_list(struct fc_store *s, struct fc_instance *out, int max, int *n)
{
    return fc_sqlite_select(fc_sqlite_db(s),
                            "SELECT " INSTANCE_COLS " FROM ec2_instances ORDER BY created_at DESC, "
                            "instance_id LIMIT ?",
                            instance_cols, FC_ARRAY_LEN(instance_cols), out, sizeof *out, max, n,
                            "instance list", "i", max);
}

int fc_sqlite_instance_event_add(struct fc_store *s, struct fc_instance_event *e)
{
    sqlite3 *db = fc_sqlite_db(s);
    if (!e->instance_id[0])
        return FC_EINVAL;
    if (fc_sqlite_do(db,
                     "INSERT INTO ec2_instance_events (instance_id, state, detail, at_ms) VALUES "
                     "(?, ?, ?, ?)",
                     NULL, "instance event add", "tttl", e->instance_id, e->state, e->detail,
                     e->at_ms))
        return FC_ERR;
    e->id = sqlite3_last_insert_rowid(db);
    return FC_OK;
}

/* The columns of the events query, read into a struct fc_instance_event. */
#define EVENT_COL(kind, member) FC_SQLITE_COL(kind, struct fc_instance_event, member)
static const struct fc_sqlite_col event_cols[] = {EVENT_COL('n', id), EVENT_COL('s', instance_id),
                                                  EVENT_COL('s', state), EVENT_COL('s', detail),
                                                  EVENT_COL('n', at_ms)};

int fc_sqlite_instance_events(struct fc_store *s, const char *instance_id,
                              struct fc_instance_event *out, int max, int *n)
{
    /* the last max lines, put back in time order */
    return fc_sqlite_select(fc_sqlite_db(s),
                            "SELECT id, instance_id, state, detail, at_ms FROM (SELECT * FROM "
                            "ec2_instance_events WHERE instance_id = ?1 ORDER BY at_ms DESC, id "
                            "DESC LIMIT ?2) ORDER BY at_ms, id",
                            event_cols, FC_ARRAY_LEN(event_cols), out, sizeof *out, max, n,
                            "instance events", "ti", instance_id, max);
}
