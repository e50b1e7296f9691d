/* backup/job: the worker jobs s3.backup/s3.restore: detached runs and their status file. */
#include "backup/backup.h"
#include "core/config.h"
#include "core/util.h"
#include "worker/jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#define POLL_MS 1000

int fc_backup_status_path(HDF *cfg, char *out, size_t n)
{
    struct backup_opts o;

    if (backup_opts_load(cfg, &o))
        return FC_ERR;
    if (o.status_file[0])
        return fc_strlcpy(out, o.status_file, n) < n ? FC_OK : FC_ERR;
    return snprintf(out, n, "%s/backup-status.json", o.data_dir) < (int)n ? FC_OK : FC_ERR;
}

int fc_backup_restore_root(HDF *cfg, char *out, size_t n)
{
    const char *v = aws_config_str(cfg, "Backup.RestoreDir", "");
    struct backup_opts o;
    int r;

    if (v && *v) {
        r = v[0] == '/' ? snprintf(out, n, "%s", v)
                        : snprintf(out, n, "%s/%s", hdf_get_value(cfg, "Root", "."), v);
        return r < 0 || (size_t)r >= n ? FC_ERR : FC_OK;
    }
    if (backup_opts_load(cfg, &o))
        return FC_ERR;
    r = snprintf(out, n, "%s/restores", o.data_dir);
    return r < 0 || (size_t)r >= n ? FC_ERR : FC_OK;
}

/* The forkcast command: this program when it is `forkcast`, else `forkcast` beside it (the
 * FastCGI program forkcast.fcgi lives next to it). */
static int self_command(char *out, size_t n)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    if (len <= 0)
        return FC_ERR;
    exe[len] = '\0';
    slash = strrchr(exe, '/');
    if (slash && !strcmp(slash + 1, "forkcast"))
        return fc_strlcpy(out, exe, n) < n ? FC_OK : FC_ERR;
    if (slash)
        *slash = '\0';
    return snprintf(out, n, "%s/forkcast", exe) < (int)n ? FC_OK : FC_ERR;
}

int fc_backup_spawn(HDF *cfg, const char *op, const char *snapshot, const char *to, pid_t *pid,
                    char *err, size_t errlen)
{
    char cmd[PATH_MAX], status[PATH_MAX], log[PATH_MAX + 16];
    const char *config = hdf_get_value(cfg, "ConfigFile", NULL);
    const char *argv[16];
    int n = 0, fds[2];
    pid_t child;

    *pid = 0;
    if (self_command(cmd, sizeof cmd) || fc_backup_status_path(cfg, status, sizeof status)) {
        snprintf(err, errlen, "cannot find the forkcast command");
        return FC_ERR;
    }
    snprintf(log, sizeof log, "%s.log", status);
    argv[n++] = "forkcast";
    if (config) {
        argv[n++] = "--config";
        argv[n++] = config;
    }
    argv[n++] = "backup";
    if (!strcmp(op, "restore")) {
        argv[n++] = "restore";
        argv[n++] = snapshot;
        argv[n++] = "--to";
        argv[n++] = to;
    } else {
        argv[n++] = "run";
    }
    argv[n++] = "--status-file";
    argv[n++] = status;
    argv[n++] = "--no-progress";
    argv[n] = NULL;
    /* A fresh status file: the page never shows the previous operation as this one. */
    unlink(status);
    if (pipe2(fds, O_CLOEXEC)) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return FC_ERR;
    }
    child = fork();
    if (child < 0) {
        close(fds[0]);
        close(fds[1]);
        snprintf(err, errlen, "fork: %s", strerror(errno));
        return FC_ERR;
    }
    if (child == 0) {
        /* Detached: its own session, reparented to init, output into the log. */
        pid_t gc;
        int in, out;
        setsid();
        gc = fork();
        if (gc != 0) {
            if (write(fds[1], &gc, sizeof gc) != (ssize_t)sizeof gc)
                _exit(1);
            _exit(0);
        }
        in = open("/dev/null", O_RDONLY);
        out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in >= 0)
            dup2(in, 0);
        if (out >= 0) {
            dup2(out, 1);
            dup2(out, 2);
        }
        for (int fd = 3; fd < 1024; fd++)
            if (fd != fds[1])
                close(fd);
        execv(cmd, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    if (read(fds[0], pid, sizeof *pid) != (ssize_t)sizeof *pid)
        *pid = 0;
    close(fds[0]);
    while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
        ;
    if (*pid <= 0) {
        snprintf(err, errlen, "cannot start %s", cmd);
        return FC_ERR;
    }
    return FC_OK;
}

int fc_backup_status_read(HDF *cfg, struct fc_backup_status *st)
{
    char path[PATH_MAX];
    json_object *o, *v;

    memset(st, 0, sizeof(*st));
    if (fc_backup_status_path(cfg, path, sizeof path))
        return FC_ERR;
    o = json_object_from_file(path);
    if (!o)
        return FC_NOTFOUND;
#define STR(k, f)                                                                                  \
    if (json_object_object_get_ex(o, k, &v))                                                       \
        fc_strlcpy(st->f, json_object_get_string(v), sizeof st->f);
#define NUM(k, f)                                                                                  \
    if (json_object_object_get_ex(o, k, &v))                                                       \
        st->f = json_object_get_int64(v);
    STR("state", state);
    STR("phase", phase);
    STR("snapshot", snapshot);
    STR("message", message);
    NUM("pid", pid);
    NUM("files_done", files_done);
    NUM("files_total", files_total);
    NUM("bytes_done", bytes_done);
    NUM("bytes_total", bytes_total);
    NUM("updated", updated);
#undef STR
#undef NUM
    if (json_object_object_get_ex(o, "seconds", &v))
        st->seconds = json_object_get_double(v);
    json_object_put(o);
    /* A "running" operation whose process is gone died without saying so. */
    st->alive = st->pid > 0 && (kill((pid_t)st->pid, 0) == 0 || errno == EPERM);
    return FC_OK;
}

int fc_backup_busy(HDF *cfg)
{
    struct fc_backup_status st;

    return fc_backup_status_read(cfg, &st) == FC_OK && !strcmp(st.state, "running") && st.alive;
}

/* ---- the worker's jobs -------------------------------------------------------------- */

static int64_t get_int(json_object *o, const char *k)
{
    json_object *v;

    return o && json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

static const char *get_str(json_object *o, const char *k)
{
    json_object *v;

    return o && json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

static int step(struct fc_job_run *r, const char *op)
{
    struct fc_backup_status st;
    char err[512], done[32], total[32];
    pid_t pid = (pid_t)get_int(r->progress, "pid");

    if (!pid) {
        if (fc_backup_busy(r->cfg)) {
            snprintf(r->message, sizeof r->message,
                     "waiting for the backup or restore in progress to end");
            r->again_ms = 2000;
            return FC_JOB_AGAIN;
        }
        if (fc_backup_spawn(r->cfg, op, get_str(r->payload, "snapshot"), get_str(r->payload, "to"),
                            &pid, err, sizeof err)) {
            snprintf(r->message, sizeof r->message, "%s", err);
            return FC_JOB_RETRY;
        }
        json_object_object_add(r->progress, "pid", json_object_new_int64(pid));
        snprintf(r->message, sizeof r->message, "%s started (process %d)",
                 !strcmp(op, "restore") ? "restore" : "backup", (int)pid);
        r->again_ms = POLL_MS;
        return FC_JOB_AGAIN;
    }
    if (fc_backup_status_read(r->cfg, &st) == FC_OK && st.pid == pid) {
        if (!strcmp(st.state, "done")) {
            if (!strcmp(op, "restore"))
                snprintf(r->message, sizeof r->message, "restored %s: %lld files (%s) to %s",
                         st.snapshot, (long long)st.files_done,
                         backup_human_bytes((uint64_t)st.bytes_done, done, sizeof done),
                         get_str(r->payload, "to") ? get_str(r->payload, "to") : "?");
            else
                snprintf(r->message, sizeof r->message, "snapshot %s: %lld files (%s)", st.snapshot,
                         (long long)st.files_total,
                         backup_human_bytes((uint64_t)st.bytes_total, total, sizeof total));
            return FC_JOB_DONE;
        }
        if (!strcmp(st.state, "failed")) {
            snprintf(r->message, sizeof r->message, "failed: %.400s", st.message);
            return FC_JOB_FAIL;
        }
        if (st.alive) {
            snprintf(r->message, sizeof r->message, "%s: %lld/%lld files, %s of %s", st.phase,
                     (long long)st.files_done, (long long)st.files_total,
                     backup_human_bytes((uint64_t)st.bytes_done, done, sizeof done),
                     backup_human_bytes((uint64_t)st.bytes_total, total, sizeof total));
            r->again_ms = POLL_MS;
            return FC_JOB_AGAIN;
        }
    } else if (kill(pid, 0) == 0 || errno == EPERM) {
        r->again_ms = POLL_MS; /* not started writing yet */
        return FC_JOB_AGAIN;
    }
    snprintf(r->message, sizeof r->message,
             "the %s process ended without finishing (see %s.log beside the status file)", op,
             "backup-status.json");
    return FC_JOB_FAIL;
}

static int run_step(struct fc_job_run *r)
{
    return step(r, "run");
}

static int restore_step(struct fc_job_run *r)
{
    return step(r, "restore");
}

/* Listed in worker/registry.c. One attempt each: a failed backup is started again by hand
 * (a rerun finishes what the failed one began). */
const struct fc_job_type fc_backup_job = {FC_BACKUP_JOB, run_step, 1, NULL, NULL, NULL};
const struct fc_job_type fc_backup_restore_job = {
    FC_BACKUP_RESTORE_JOB, restore_step, 1, NULL, NULL, NULL};
