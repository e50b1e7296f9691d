/* backup/prune: forgets old snapshots; deletes only objects no kept snapshot uses. */
#include "backup/backup.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct prune {
    struct backup_repo *r;
    struct backup_map used; /* ids referenced by kept snapshots */
    char **doomed;
    size_t n_doomed, cap;
    uint64_t freed;
    long grace;
    time_t now;
    int bad;
};

/* The snapshot time, from its id (YYYYMMDDTHHMMSSZ-xxxx). */
static time_t id_time(const char *id)
{
    struct tm tm;

    memset(&tm, 0, sizeof tm);
    if (sscanf(id, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

static int on_object(void *ctx, const struct backup_s3_object *o)
{
    struct prune *p = ctx;
    const char *id = strrchr(o->key, '/');

    id = id ? id + 1 : o->key;
    if (strlen(id) != 64 || backup_map_has(&p->used, id))
        return 0;
    if (p->grace > 0 && p->now - o->mtime < p->grace)
        return 0; /* maybe uploaded by a run still in progress */
    if (fc_grow(&p->doomed, &p->cap, p->n_doomed + 1, sizeof *p->doomed, 256) ||
        !(p->doomed[p->n_doomed] = strdup(o->key))) {
        p->bad = 1;
        return 1;
    }
    p->n_doomed++;
    p->freed += o->size;
    return 0;
}

int backup_cmd_prune(HDF *cfg, struct backup_opts *o, int keep_last, int keep_daily,
                     int keep_weekly, int dry_run)
{
    struct prune p;
    char **ids = NULL, **gone = NULL, prefix[1200], err[1024], last_day[16] = "",
         last_week[16] = "";
    size_t n = 0, n_gone = 0, kept = 0;
    int *keep = NULL, days = 0, weeks = 0, lasts = 0, rc = 1;

    memset(&p, 0, sizeof p);
    p.grace = o->grace;
    p.now = time(NULL);
    if (keep_last <= 0 && keep_daily <= 0 && keep_weekly <= 0) {
        backup_msg("forkcast: backup: prune needs --keep-last, --keep-daily or --keep-weekly");
        return 2;
    }
    if (backup_repo_open(cfg, o, 0, &p.r) != FC_OK)
        return 1;
    if (backup_repo_snapshots(p.r, &ids, &n))
        goto out;
    keep = calloc(n + 1, sizeof(int));
    gone = calloc(n + 1, sizeof(char *));
    if (!keep || !gone)
        goto out;
    /* Newest first: the last N, the newest of each of the last N days and weeks (UTC). */
    for (size_t i = n; i-- > 0;) {
        time_t t = id_time(ids[i]);
        struct tm tm;
        char day[16], week[16];
        gmtime_r(&t, &tm);
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
        strftime(week, sizeof week, "%G-W%V", &tm);
        if (i == n - 1)
            keep[i] = 1; /* the newest snapshot is always kept */
        if (lasts < keep_last) {
            keep[i] = 1;
            lasts++;
        }
        if (keep_daily > 0 && strcmp(day, last_day) && days < keep_daily) {
            keep[i] = 1;
            days++;
            fc_strlcpy(last_day, day, sizeof last_day);
        }
        if (keep_weekly > 0 && strcmp(week, last_week) && weeks < keep_weekly) {
            keep[i] = 1;
            weeks++;
            fc_strlcpy(last_week, week, sizeof last_week);
        }
    }
    /* Every object a kept snapshot uses, before anything is deleted: a kept manifest that
     * cannot be read stops the prune. */
    for (size_t i = 0; i < n; i++) {
        struct backup_manifest m;
        if (!keep[i])
            continue;
        kept++;
        if (backup_repo_manifest(p.r, ids[i], &m) != FC_OK) {
            backup_msg("forkcast: backup: cannot read kept snapshot %s: nothing deleted", ids[i]);
            goto out;
        }
        for (size_t k = 0; k < m.n; k++) {
            char id[65];
            if (m.e[k].type != BACKUP_FILE)
                continue;
            backup_object_id(&p.r->cr, m.e[k].sha, id);
            if (backup_map_put(&p.used, id, NULL, NULL)) {
                backup_manifest_free(&m);
                goto out;
            }
        }
        backup_manifest_free(&m);
    }
    for (size_t i = 0; i < n; i++) {
        char rest[200], key[1400];
        printf("%s %s\n", keep[i] ? "keep" : "remove", ids[i]);
        if (keep[i])
            continue;
        snprintf(rest, sizeof rest, "snapshots/%s", ids[i]);
        if (!(gone[n_gone++] = strdup(backup_key(p.r, rest, key, sizeof key))))
            goto out;
    }
    if (!dry_run) {
        /* Runs in progress see the new epoch and check their objects again. */
        if (backup_repo_bump_epoch(p.r))
            goto out;
        if (n_gone && backup_s3_delete_many(p.r->x, gone, n_gone, err, sizeof err)) {
            backup_msg("forkcast: backup: cannot delete snapshots: %s", err);
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            if (!keep[i])
                backup_cache_summary_del(p.r->cache, ids[i]);
    }
    if (backup_s3_list(p.r->x, backup_key(p.r, "data/", prefix, sizeof prefix), on_object, &p, err,
                       sizeof err) ||
        p.bad) {
        backup_msg("forkcast: backup: cannot list %s: %s", prefix, p.bad ? "out of memory" : err);
        goto out;
    }
    if (!dry_run) {
        if (p.n_doomed && backup_s3_delete_many(p.r->x, p.doomed, p.n_doomed, err, sizeof err)) {
            backup_msg("forkcast: backup: cannot delete objects: %s", err);
            goto out;
        }
        backup_cache_begin(p.r->cache);
        for (size_t i = 0; i < p.n_doomed; i++) {
            const char *id = strrchr(p.doomed[i], '/');
            backup_cache_object_del(p.r->cache, id ? id + 1 : p.doomed[i]);
        }
        backup_cache_meta_set(p.r->cache, "epoch", p.r->epoch);
        backup_cache_commit(p.r->cache);
        /* Multipart uploads abandoned for a day (refused by emulators: ignored). */
        backup_s3_abort_stale_uploads(p.r->x, prefix, 86400);
    }
    printf("%skept=%zu removed=%zu deleted_objects=%zu freed_bytes=%llu\n",
           dry_run ? "dry_run=1 " : "", kept, n_gone, p.n_doomed, (unsigned long long)p.freed);
    rc = 0;
out:
    free(keep);
    backup_strv_free(gone, n_gone);
    backup_strv_free(p.doomed, p.n_doomed);
    backup_strv_free(ids, n);
    backup_map_free(&p.used, NULL);
    backup_repo_close(p.r);
    return rc;
}
