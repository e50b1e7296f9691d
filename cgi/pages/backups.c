/* pages/backups: the admin Backups page: snapshots, progress, back up now, restore. */
#include "core/route.h"
#include "core/util.h"
#include "pages/pages.h"
#include "svc/backups.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

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
    char buf[40];
    if (t)
        fc_set(c, key, fc_utc_text(t, buf, sizeof buf));
}

/* The latest backup or restore under Status. */
static void set_progress(struct fc_ctx *c, const struct fc_svc_backup_progress *p)
{
    const struct fc_backup_status *st = &p->st;
    char a[32], b[32];

    fc_set(c, "Status.State", p->state);
    fc_set(c, "Status.Phase", st->phase);
    fc_set(c, "Status.Snapshot", st->snapshot);
    fc_set(c, "Status.Message", st->message);
    fc_set_int(c, "Status.FilesDone", st->files_done);
    fc_set_int(c, "Status.FilesTotal", st->files_total);
    fc_set(c, "Status.BytesDone", backup_human_bytes((uint64_t)st->bytes_done, a, sizeof a));
    fc_set(c, "Status.BytesTotal", backup_human_bytes((uint64_t)st->bytes_total, b, sizeof b));
    fc_set_int(c, "Status.Percent", p->percent);
    fc_setf(c, "Status.Seconds", "%.1f", st->seconds);
    set_time(c, "Status.Updated", st->updated);
}

/* GET /admin/backups */
static int page_backups(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_backup_overview *o = malloc(sizeof *o);
    struct fc_svc_result res;
    char key[64], b[32];
    int rc;

    if (!o)
        return 500;
    if (fc_svc_backup_overview(&sv, o, &res) && !fc_svc_is_not_configured(&res)) {
        rc = fc_error_result(c, &res);
        goto out;
    }
    fc_set(c, "Page.Title", "Backups · Admin");
    if (o->configured) {
        fc_set(c, "Backups.Repository", o->repository);
        if (o->list_error[0])
            fc_set(c, "Backups.Error", o->list_error);
        for (size_t i = 0; i < o->nsnapshots; i++) {
            const struct fc_backup_snapshot *sn = &o->snapshots[i];
            snprintf(key, sizeof key, "Backups.Snapshots.%zu.Id", i);
            fc_set(c, key, sn->id);
            snprintf(key, sizeof key, "Backups.Snapshots.%zu.Time", i);
            set_time(c, key, sn->time);
            snprintf(key, sizeof key, "Backups.Snapshots.%zu.Files", i);
            fc_set_int(c, key, (long long)sn->files);
            snprintf(key, sizeof key, "Backups.Snapshots.%zu.Bytes", i);
            fc_set(c, key, backup_human_bytes(sn->bytes, b, sizeof b));
            snprintf(key, sizeof key, "Backups.Snapshots.%zu.NewBytes", i);
            fc_set(c, key, backup_human_bytes(sn->new_bytes, b, sizeof b));
        }
    } else {
        fc_set(c, "Backups.NotConfigured", res.message); /* nothing broken: 200 */
    }
    if (o->restore_root[0])
        fc_set(c, "Backups.RestoreRoot", o->restore_root);
    if (o->has_progress)
        set_progress(c, &o->progress);
    if (o->has_progress && o->progress.running) {
        fc_set(c, "Status.Running", "1");
        fc_resp_header(&c->resp, "Refresh", "2"); /* follows the progress without scripts */
    }
    for (int i = 0; i < o->njobs; i++) {
        snprintf(key, sizeof key, "Jobs.%d.Id", i);
        fc_set_int(c, key, o->jobs[i].id);
        snprintf(key, sizeof key, "Jobs.%d.Type", i);
        fc_set(c, key, o->jobs[i].type);
        snprintf(key, sizeof key, "Jobs.%d.State", i);
        fc_set(c, key, o->jobs[i].state);
        snprintf(key, sizeof key, "Jobs.%d.Message", i);
        fc_set(c, key, o->jobs[i].message);
        snprintf(key, sizeof key, "Jobs.%d.Created", i);
        set_time(c, key, o->jobs[i].created_at);
    }
    rc = fc_render(c, "backups.cs") ? 500 : 0;
out:
    fc_svc_backup_overview_free(o);
    free(o);
    return rc;
}

/* GET /admin/backups/status: the status file as JSON. */
static int page_backups_status(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_backup_progress p;
    struct fc_svc_result res;
    const struct fc_backup_status *st = &p.st;
    json_object *o;
    int has;

    if (fc_svc_backup_progress(&sv, &p, &has, &res))
        return fc_error_result(c, &res);
    fc_resp_header(&c->resp, "Content-Type", "application/json");
    fc_resp_header(&c->resp, "Cache-Control", "no-store");
    c->resp.cache_set = 1;
    if (!has) {
        string_append(&c->resp.body, "{\"state\":\"none\"}");
        return 0;
    }
    o = json_object_new_object();
    /* a running state whose process died is "interrupted"; a live one stays "running" */
    json_object_object_add(o, "state", json_object_new_string(p.state));
    json_object_object_add(o, "phase", json_object_new_string(st->phase));
    json_object_object_add(o, "snapshot", json_object_new_string(st->snapshot));
    json_object_object_add(o, "message", json_object_new_string(st->message));
    json_object_object_add(o, "files_done", json_object_new_int64(st->files_done));
    json_object_object_add(o, "files_total", json_object_new_int64(st->files_total));
    json_object_object_add(o, "bytes_done", json_object_new_int64(st->bytes_done));
    json_object_object_add(o, "bytes_total", json_object_new_int64(st->bytes_total));
    json_object_object_add(o, "seconds", json_object_new_double(st->seconds));
    string_append(&c->resp.body, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    return 0;
}

/* A started (or refused) backup or restore: back to the page with the words to show; only a
 * refused actor or a broken server gets an error page. */
static int started(struct fc_ctx *c, const struct fc_svc_result *res)
{
    if (res->status == 401 || res->status == 403 || res->status == 500)
        return fc_error_result(c, res);
    return fc_redirect(c, "/admin/backups", res->message);
}

/* POST /admin/backups/run */
static int page_backups_run(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;

    fc_svc_backup_run(&sv, &res);
    return started(c, &res);
}

/* POST /admin/backups/restore: snapshot, folder (a name under Backup.RestoreDir) */
static int page_backups_restore(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_backup_restore_in in = {fc_form(c, "snapshot"), fc_form(c, "folder")};
    struct fc_svc_result res;

    fc_svc_backup_restore(&sv, &in, &res);
    return started(c, &res);
}
