/* svc/backups: backups in the admin console (admin role only, checked here): the repository's
 * snapshots, the latest backup or restore and the jobs that ran them, backing up now and
 * restoring a snapshot into a folder (queued for the worker, or started detached). Without a
 * bucket an operation answers fc_svc_not_configured with what to set. */
#ifndef FC_SVC_BACKUPS_H
#define FC_SVC_BACKUPS_H

#include "backup/backup.h"
#include "svc/svc.h"

#include <limits.h>

#define FC_SVC_BACKUP_MAX_JOBS 10 /* of each type */

/* A backup or restore job, with what the page shows of it. */
struct fc_svc_backup_job {
    int64_t id;
    char type[16];  /* FC_BACKUP_JOB or FC_BACKUP_RESTORE_JOB */
    char state[16]; /* queued | running | done | failed */
    char message[512];
    int64_t created_at;
};

/* The latest backup or restore, from its status file. */
struct fc_svc_backup_progress {
    struct fc_backup_status st;
    const char *state; /* st.state, or "interrupted" when its process died running (static) */
    int running;       /* running and its process alive */
    int percent;       /* of the bytes, else of the files */
};

struct fc_svc_backup_overview {
    int configured;
    char repository[800];                 /* s3://bucket/prefix */
    struct fc_backup_snapshot *snapshots; /* nsnapshots, newest first */
    size_t nsnapshots;
    char list_error[512];        /* why the snapshots could not be listed, or "" */
    char restore_root[PATH_MAX]; /* "" when it cannot be resolved */
    int has_progress;
    struct fc_svc_backup_progress progress;
    struct fc_svc_backup_job jobs[2 * FC_SVC_BACKUP_MAX_JOBS];
    int njobs;
};

/* Everything the Backups page shows. Without a bucket res is fc_svc_not_configured, and the
 * rest (progress, jobs, restore folder) is still filled. Free with
 * fc_svc_backup_overview_free whatever the result. */
int fc_svc_backup_overview(const struct fc_svc *sv, struct fc_svc_backup_overview *out,
                           struct fc_svc_result *res);
void fc_svc_backup_overview_free(struct fc_svc_backup_overview *out);

/* The latest backup or restore only (a small answer to poll): *has 0 when none ran yet. */
int fc_svc_backup_progress(const struct fc_svc *sv, struct fc_svc_backup_progress *out, int *has,
                           struct fc_svc_result *res);

/* Backs the data folder up now: 202 with the words to show (queued as job N, or started as
 * process N, or that it could not be started), 409 while a backup or restore runs. */
int fc_svc_backup_run(const struct fc_svc *sv, struct fc_svc_result *res);

struct fc_svc_backup_restore_in {
    const char *snapshot; /* its id */
    const char *folder;   /* a folder name under Backup.RestoreDir */
};

/* Restores a snapshot into a folder under Backup.RestoreDir: 422 for a bad snapshot id or
 * folder name (field "snapshot" or "folder"), else as fc_svc_backup_run. */
int fc_svc_backup_restore(const struct fc_svc *sv, const struct fc_svc_backup_restore_in *in,
                          struct fc_svc_result *res);

#endif
