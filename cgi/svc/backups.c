/* svc/backups: the backup operations of the admin console (see svc/backups.h): the role check,
 * the repository listing, the status file, and starting backups and restores through the
 * worker's queue (or a detached process when no worker knows the job). */
#include "svc/backups.h"

#include "core/app.h"
#include "svc/admin.h"
#include "worker/jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#define NOT_CONFIGURED "Backups are not configured: set Backup.Bucket."

/* The configured bucket and prefix into o: FC_OK, or not configured. */
static int configured(const struct fc_svc *sv, struct backup_opts *o, struct fc_svc_result *res)
{
    if (backup_opts_load(sv->app->cfg, o) == FC_OK && o->bucket[0])
        return FC_OK;
    return fc_svc_not_configured(res, NOT_CONFIGURED);
}

static void read_progress(const struct fc_svc *sv, struct fc_svc_backup_progress *p, int *has)
{
    const struct fc_backup_status *st = &p->st;
    memset(p, 0, sizeof *p);
    *has = fc_backup_status_read(sv->app->cfg, &p->st) == FC_OK;
    if (!*has)
        return;
    p->running = !strcmp(st->state, "running") && st->alive;
    p->state = p->running ? "running" : !strcmp(st->state, "running") ? "interrupted" : st->state;
    p->percent = (int)(st->bytes_total > 0   ? st->bytes_done * 100 / st->bytes_total
                       : st->files_total > 0 ? st->files_done * 100 / st->files_total
                                             : 0);
}

static void load_jobs(const struct fc_svc *sv, struct fc_svc_backup_overview *out)
{
    static const char *const types[] = {FC_BACKUP_JOB, FC_BACKUP_RESTORE_JOB};
    struct fc_store *s = sv->app->store;
    struct fc_job *jobs;
    int n = 0;

    if (!s->ops->job_list || !(jobs = calloc(FC_SVC_BACKUP_MAX_JOBS, sizeof *jobs)))
        return;
    for (size_t t = 0; t < FC_ARRAY_LEN(types); t++) {
        if (s->ops->job_list(s, types[t], "", jobs, FC_SVC_BACKUP_MAX_JOBS, &n) != FC_OK)
            continue;
        for (int i = 0; i < n && out->njobs < (int)FC_ARRAY_LEN(out->jobs); i++) {
            struct fc_svc_backup_job *j = &out->jobs[out->njobs++];
            j->id = jobs[i].id;
            fc_strlcpy(j->type, jobs[i].type, sizeof j->type);
            fc_strlcpy(j->state, jobs[i].state, sizeof j->state);
            fc_strlcpy(j->message, jobs[i].message, sizeof j->message);
            j->created_at = jobs[i].created_at;
        }
    }
    free(jobs);
}

int fc_svc_backup_overview(const struct fc_svc *sv, struct fc_svc_backup_overview *out,
                           struct fc_svc_result *res)
{
    struct backup_opts o;
    int rc;

    memset(out, 0, sizeof *out);
    if (fc_svc_admin_check(sv, res))
        return FC_EINVAL;
    if (fc_backup_restore_root(sv->app->cfg, out->restore_root, sizeof out->restore_root))
        out->restore_root[0] = '\0';
    read_progress(sv, &out->progress, &out->has_progress);
    load_jobs(sv, out);
    rc = configured(sv, &o, res);
    if (rc)
        return rc;
    out->configured = 1;
    snprintf(out->repository, sizeof out->repository, "s3://%s/%s", o.bucket, o.prefix);
    if (fc_backup_list(sv->app->cfg, &out->snapshots, &out->nsnapshots, out->list_error,
                       sizeof out->list_error) != FC_OK &&
        !out->list_error[0])
        fc_strlcpy(out->list_error, "cannot list the snapshots", sizeof out->list_error);
    return FC_OK;
}

void fc_svc_backup_overview_free(struct fc_svc_backup_overview *out)
{
    free(out->snapshots);
    out->snapshots = NULL;
    out->nsnapshots = 0;
}

int fc_svc_backup_progress(const struct fc_svc *sv, struct fc_svc_backup_progress *out, int *has,
                           struct fc_svc_result *res)
{
    *has = 0;
    if (fc_svc_admin_check(sv, res))
        return FC_EINVAL;
    read_progress(sv, out, has);
    return FC_OK;
}

/* Queues a job for the worker; without a worker that knows the type (the registry not yet
 * listing it), runs the command detached from here. res gets 202 and the words to show. */
static int start(const struct fc_svc *sv, const char *type, json_object *payload, const char *what,
                 struct fc_svc_result *res)
{
    const char *op = !strcmp(type, FC_BACKUP_RESTORE_JOB) ? "restore" : "run";
    const char *rid = sv->request_id ? sv->request_id : "-";
    char key[96], err[512];
    int64_t id = 0;
    pid_t pid;
    int rc;

    fc_svc_ok(res, 202);
    if (fc_job_type_find(type) && sv->app->store->ops->job_enqueue) {
        /* the same click sent twice within a second queues one job */
        snprintf(key, sizeof key, "%s:%lld:%s", type, (long long)fc_now(),
                 json_object_to_json_string_ext(payload, JSON_C_TO_STRING_PLAIN));
        key[sizeof key - 1] = '\0';
        rc = fc_job_enqueue(sv->app->store, type, payload, key, 0, &id);
        if (rc == FC_OK || rc == FC_EXISTS) {
            snprintf(res->message, sizeof res->message,
                     "%s queued as job %lld: the worker runs it, this page shows its progress.",
                     what, (long long)id);
            return FC_OK;
        }
        fprintf(stderr, "forkcast: [%s] cannot queue the %s job (%d)\n", rid, type, rc);
    }
    if (fc_backup_spawn(
            sv->app->cfg, op, json_object_get_string(json_object_object_get(payload, "snapshot")),
            json_object_get_string(json_object_object_get(payload, "to")), &pid, err, sizeof err)) {
        fprintf(stderr, "forkcast: [%s] %s\n", rid, err);
        return fc_svc_fail(res, 503, "not_started", NULL, "%s could not be started: %.300s", what,
                           err);
    }
    snprintf(res->message, sizeof res->message,
             "%s started (process %d): this page shows its progress.", what, (int)pid);
    return FC_OK;
}

static int busy(const struct fc_svc *sv, struct fc_svc_result *res)
{
    if (!fc_backup_busy(sv->app->cfg))
        return FC_OK;
    return fc_svc_fail(res, 409, "busy", NULL,
                       "A backup or restore is already running: wait for it to end.");
}

int fc_svc_backup_run(const struct fc_svc *sv, struct fc_svc_result *res)
{
    struct backup_opts o;
    json_object *payload;
    int rc;

    if (fc_svc_admin_check(sv, res) || configured(sv, &o, res) || busy(sv, res))
        return FC_EINVAL;
    if (!(payload = json_object_new_object()))
        return fc_svc_fail(res, 500, NULL, NULL, "Out of memory.");
    rc = start(sv, FC_BACKUP_JOB, payload, "Backup", res);
    json_object_put(payload);
    return rc;
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

int fc_svc_backup_restore(const struct fc_svc *sv, const struct fc_svc_backup_restore_in *in,
                          struct fc_svc_result *res)
{
    const char *snap = in->snapshot ? in->snapshot : "", *folder = in->folder ? in->folder : "";
    char root[PATH_MAX], to[PATH_MAX + 80], what[200];
    struct backup_opts o;
    json_object *payload;
    int rc;

    if (fc_svc_admin_check(sv, res))
        return FC_EINVAL;
    if (!valid_snapshot(snap))
        return fc_svc_fail(res, 422, "invalid_value", "snapshot", "Pick a snapshot to restore.");
    if (!valid_folder(folder))
        return fc_svc_fail(res, 422, "invalid_value", "folder",
                           "The folder name may hold letters, digits, '.', '-' and '_' (at most "
                           "64, not starting with a dot).");
    if (configured(sv, &o, res))
        return FC_EINVAL;
    if (fc_backup_restore_root(sv->app->cfg, root, sizeof root))
        return fc_svc_fail(res, 500, NULL, NULL, "The restore folder cannot be resolved.");
    snprintf(to, sizeof to, "%s/%s", root, folder);
    if (busy(sv, res))
        return FC_EINVAL;
    if (!(payload = json_object_new_object()))
        return fc_svc_fail(res, 500, NULL, NULL, "Out of memory.");
    json_object_object_add(payload, "snapshot", json_object_new_string(snap));
    json_object_object_add(payload, "to", json_object_new_string(to));
    snprintf(what, sizeof what, "Restore of %s to %.120s", snap, folder);
    rc = start(sv, FC_BACKUP_RESTORE_JOB, payload, what, res);
    json_object_put(payload);
    return rc;
}
