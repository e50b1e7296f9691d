/* pages/backups: the admin Backups page: snapshots, progress, back up now, restore. */
#include "backup/backup.h"
#include "core/route.h"
#include "core/util.h"
#include "pages/pages.h"
#include "worker/jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#define MAX_JOBS 10

static int page_backups(struct fc_ctx *c);
static int page_backups_run(struct fc_ctx *c);
static int page_backups_restore(struct fc_ctx *c);
static int page_backups_status(struct fc_ctx *c);

static const struct fc_route routes[] = {
    {"GET", "/admin/backups", page_backups, FC_ROUTE_ADMIN},
    {"GET", "/admin/backups/status", page_backups_status, FC_ROUTE_ADMIN},
    {"POST", "/admin/backups/run", page_backups_run, FC_ROUTE_ADMIN},
    {"POST", "/admin/backups/restore", page_backups_restore, FC_ROUTE_ADMIN},
};

const struct fc_route_group fc_backups_group = {routes, FC_ARRAY_LEN(routes)};

static void set_time(struct fc_ctx *c, const char *key, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[40];

    if (!t)
        return;
    gmtime_r(&tt, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    fc_set(c, key, buf);
}

/* The latest background operation, from its status file, under Status. */
static int set_status(struct fc_ctx *c)
{
    struct fc_backup_status st;
    char a[32], b[32];
    int running;

    if (fc_backup_status_read(c->app->cfg, &st) != FC_OK)
        return 0;
    running = !strcmp(st.state, "running") && st.alive;
    fc_set(c, "Status.State",
           running                        ? "running"
           : !strcmp(st.state, "running") ? "interrupted"
                                          : st.state);
    fc_set(c, "Status.Phase", st.phase);
    fc_set(c, "Status.Snapshot", st.snapshot);
    fc_set(c, "Status.Message", st.message);
    fc_set_int(c, "Status.FilesDone", st.files_done);
    fc_set_int(c, "Status.FilesTotal", st.files_total);
    fc_set(c, "Status.BytesDone", backup_human_bytes((uint64_t)st.bytes_done, a, sizeof a));
    fc_set(c, "Status.BytesTotal", backup_human_bytes((uint64_t)st.bytes_total, b, sizeof b));
    fc_set_int(c, "Status.Percent",
               st.bytes_total > 0   ? st.bytes_done * 100 / st.bytes_total
               : st.files_total > 0 ? st.files_done * 100 / st.files_total
                                    : 0);
    fc_setf(c, "Status.Seconds", "%.1f", st.seconds);
    set_time(c, "Status.Updated", st.updated);
    return running;
}

static void set_jobs(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    static const char *types[] = {FC_BACKUP_JOB, FC_BACKUP_RESTORE_JOB};
    struct fc_job *jobs;
    int n = 0, k = 0;
    char key[64];

    if (!s->ops->job_list || !(jobs = calloc(MAX_JOBS, sizeof *jobs)))
        return;
    for (size_t t = 0; t < FC_ARRAY_LEN(types); t++) {
        if (s->ops->job_list(s, types[t], "", jobs, MAX_JOBS, &n) != FC_OK)
            continue;
        for (int i = 0; i < n; i++, k++) {
            snprintf(key, sizeof key, "Jobs.%d.Id", k);
            fc_set_int(c, key, jobs[i].id);
            snprintf(key, sizeof key, "Jobs.%d.Type", k);
            fc_set(c, key, jobs[i].type);
            snprintf(key, sizeof key, "Jobs.%d.State", k);
            fc_set(c, key, jobs[i].state);
            snprintf(key, sizeof key, "Jobs.%d.Message", k);
            fc_set(c, key, jobs[i].message);
            snprintf(key, sizeof key, "Jobs.%d.Created", k);
            set_time(c, key, jobs[i].created_at);
        }
    }
    free(jobs);
}

/* GET /admin/backups */
static int page_backups(struct fc_ctx *c)
{
    struct backup_opts o;
    char err[512] = "", root[PATH_MAX];

    fc_set(c, "Page.Title", "Backups · Admin");
    if (backup_opts_load(c->app->cfg, &o) == FC_OK && o.bucket[0]) {
        fc_setf(c, "Backups.Repository", "s3://%s/%s", o.bucket, o.prefix);
        if (fc_backup_list_hdf(c->app->cfg, c->hdf, "Backups.Snapshots", err, sizeof err))
            fc_set(c, "Backups.Error", err);
    } else {
        fc_set(c, "Backups.NotConfigured", "1");
    }
    if (fc_backup_restore_root(c->app->cfg, root, sizeof root) == FC_OK)
        fc_set(c, "Backups.RestoreRoot", root);
    if (set_status(c)) {
        fc_set(c, "Status.Running", "1");
        fc_resp_header(&c->resp, "Refresh", "2"); /* follows the progress without scripts */
    }
    set_jobs(c);
    return fc_render(c, "backups.cs") ? 500 : 0;
}

/* GET /admin/backups/status: the status file as JSON. */
static int page_backups_status(struct fc_ctx *c)
{
    struct fc_backup_status st;
    json_object *o;

    fc_resp_header(&c->resp, "Content-Type", "application/json");
    fc_resp_header(&c->resp, "Cache-Control", "no-store");
    c->resp.cache_set = 1;
    if (fc_backup_status_read(c->app->cfg, &st) != FC_OK) {
        string_append(&c->resp.body, "{\"state\":\"none\"}");
        return 0;
    }
    o = json_object_new_object();
    json_object_object_add(o, "state",
                           json_object_new_string(!strcmp(st.state, "running") && !st.alive
                                                      ? "interrupted"
                                                      : st.state));
    json_object_object_add(o, "phase", json_object_new_string(st.phase));
    json_object_object_add(o, "snapshot", json_object_new_string(st.snapshot));
    json_object_object_add(o, "message", json_object_new_string(st.message));
    json_object_object_add(o, "files_done", json_object_new_int64(st.files_done));
    json_object_object_add(o, "files_total", json_object_new_int64(st.files_total));
    json_object_object_add(o, "bytes_done", json_object_new_int64(st.bytes_done));
    json_object_object_add(o, "bytes_total", json_object_new_int64(st.bytes_total));
    json_object_object_add(o, "seconds", json_object_new_double(st.seconds));
    string_append(&c->resp.body, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    return 0;
}

/* Queues a job for the worker; without a worker that knows the type (the registry not yet
 * listing it), runs the command detached from here. Returns the flash message. */
static void start(struct fc_ctx *c, const char *type, json_object *payload, const char *what,
                  char *msg, size_t n)
{
    const char *op = !strcmp(type, FC_BACKUP_RESTORE_JOB) ? "restore" : "run";
    char key[96], err[512];
    int64_t id = 0;
    pid_t pid;
    int rc;

    if (fc_job_type_find(type) && c->app->store->ops->job_enqueue) {
        /* the same click sent twice within a second queues one job */
        snprintf(key, sizeof key, "%s:%lld:%s", type, (long long)fc_now(),
                 json_object_to_json_string_ext(payload, JSON_C_TO_STRING_PLAIN));
        key[sizeof key - 1] = '\0';
        rc = fc_job_enqueue(c->app->store, type, payload, key, 0, &id);
        if (rc == FC_OK || rc == FC_EXISTS) {
            snprintf(msg, n,
                     "%s queued as job %lld: the worker runs it, this page shows its "
                     "progress.",
                     what, (long long)id);
            return;
        }
        fprintf(stderr, "forkcast: [%s] cannot queue the %s job (%d)\n", c->request_id, type, rc);
    }
    if (fc_backup_spawn(
            c->app->cfg, op, json_object_get_string(json_object_object_get(payload, "snapshot")),
            json_object_get_string(json_object_object_get(payload, "to")), &pid, err, sizeof err)) {
        fprintf(stderr, "forkcast: [%s] %s\n", c->request_id, err);
        snprintf(msg, n, "%s could not be started: %s", what, err);
        return;
    }
    snprintf(msg, n, "%s started (process %d): this page shows its progress.", what, (int)pid);
}

/* POST /admin/backups/run */
static int page_backups_run(struct fc_ctx *c)
{
    struct backup_opts o;
    json_object *payload;
    char msg[700];

    if (backup_opts_load(c->app->cfg, &o) || !o.bucket[0])
        return fc_redirect(c, "/admin/backups", "Backups are not configured: set Backup.Bucket.");
    if (fc_backup_busy(c->app->cfg))
        return fc_redirect(c, "/admin/backups",
                           "A backup or restore is already running: wait for it to end.");
    payload = json_object_new_object();
    start(c, FC_BACKUP_JOB, payload, "Backup", msg, sizeof msg);
    json_object_put(payload);
    return fc_redirect(c, "/admin/backups", msg);
}

static int valid_snapshot(const char *s)
{
    size_t n = strlen(s);

    if (n < 8 || n > 60)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              *s == '-'))
            return 0;
    return 1;
}

static int valid_folder(const char *s)
{
    size_t n = strlen(s);

    if (!n || n > 64 || s[0] == '.')
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              *s == '-' || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

/* POST /admin/backups/restore: snapshot, folder (a name under Backup.RestoreDir) */
static int page_backups_restore(struct fc_ctx *c)
{
    const char *snap = fc_form(c, "snapshot"), *folder = fc_form(c, "folder");
    char root[PATH_MAX], to[PATH_MAX + 80], msg[900], what[200];
    json_object *payload;

    if (!valid_snapshot(snap))
        return fc_redirect(c, "/admin/backups", "Pick a snapshot to restore.");
    if (!valid_folder(folder))
        return fc_redirect(c, "/admin/backups",
                           "The folder name may hold letters, digits, '.', '-' and '_' (at most "
                           "64, not starting with a dot).");
    if (fc_backup_restore_root(c->app->cfg, root, sizeof root))
        return 500;
    snprintf(to, sizeof to, "%s/%s", root, folder);
    if (fc_backup_busy(c->app->cfg))
        return fc_redirect(c, "/admin/backups",
                           "A backup or restore is already running: wait for it to end.");
    payload = json_object_new_object();
    json_object_object_add(payload, "snapshot", json_object_new_string(snap));
    json_object_object_add(payload, "to", json_object_new_string(to));
    snprintf(what, sizeof what, "Restore of %s to %.120s", snap, folder);
    start(c, FC_BACKUP_RESTORE_JOB, payload, what, msg, sizeof msg);
    json_object_put(payload);
    return fc_redirect(c, "/admin/backups", msg);
}
