/* backup/run: walk, hash (local index), upload what the bucket lacks, then the manifest. */
#include "backup/backup.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct run {
    struct backup_repo *r;
    struct backup_opts *o;
    struct backup_manifest m;
    struct backup_map index; /* source path -> struct backup_index_entry * */
    struct backup_map sched; /* object ids uploaded (or being uploaded) by this run */
    struct backup_uploader u;
    struct backup_progress pr;
    size_t next;
    int failures;
    int unreadable;
    uint64_t hashed; /* files read and hashed (the others came from the index) */
    char first_error[512];
};

static void job_done(struct backup_upjob *j, int ok)
{
    struct run *run = j->ctx;

    if (ok) {
        backup_cache_object_put(run->r->cache, j->journal, j->stored);
        backup_map_put(&run->r->objects, j->journal, (void *)(uintptr_t)(j->stored + 1), NULL);
        run->m.new_files++;
        run->m.new_bytes += j->size;
    } else {
        if (!run->failures++)
            fc_strlcpy(run->first_error, j->error, sizeof run->first_error);
        if (run->o->verbose || run->failures <= 5)
            backup_msg("forkcast: backup: %s", j->error);
    }
    backup_cache_checkpoint(run->r->cache);
    backup_upjob_free(j);
}

static int index_hit(const struct backup_index_entry *ie, const struct backup_entry *e)
{
    return ie && ie->sha[0] && ie->size == e->size && ie->mtime_ns == e->mtime_ns &&
           ie->ctime_ns == e->ctime_ns && ie->ino == e->ino;
}

/* A file for backup_up_feed_files: hashed unless the index knows it, uploaded unless the
 * bucket has its object (or this run sends it already). */
static int run_file(void *ctx, struct backup_entry *e, struct backup_upjob **out)
{
    struct run *run = ctx;
    struct backup_upjob *j;
    unsigned char *content = NULL, (*part_sha)[32] = NULL;
    char id[65], key[1200];
    uintptr_t want;

    if (!e->sha[0]) {
        const struct backup_index_entry *ie = e->is_db ? NULL : backup_map_get(&run->index, e->src);
        if (index_hit(ie, e)) {
            fc_strlcpy(e->sha, ie->sha, sizeof e->sha);
            e->indexed = 1;
        } else {
            uint64_t size = 0;
            run->hashed++;
            if (backup_up_hash(&run->u, e, &content, &part_sha, &size)) {
                backup_msg("forkcast: backup: cannot read %s (skipped)", e->src);
                run->unreadable++;
                e->type = 0; /* dropped from the snapshot */
                run->m.files--;
                run->m.bytes -= e->size;
                return 0;
            }
            if (size != e->size) {
                /* Changed while being read: back up what was read, hash it again next
                 * time. */
                run->m.bytes += size - e->size;
                run->pr.bytes_total += size - e->size;
                e->size = size;
            } else if (!e->is_db) {
                struct backup_index_entry ie2 = {e->size, e->mtime_ns, e->ctime_ns, e->ino, ""};
                fc_strlcpy(ie2.sha, e->sha, sizeof ie2.sha);
                backup_cache_index_put(run->r->cache, e->src, &ie2);
            }
        }
    }
    backup_object_id(&run->r->cr, e->sha, id);
    /* Known with the size it must have (an emulator may keep a partial object from an
     * interrupted PUT: that one is sent again). */
    want = (run->r->cr.on ? backup_enc_size(e->size) : e->size) + 1;
    if ((uintptr_t)backup_map_get(&run->r->objects, id) == want ||
        backup_map_has(&run->sched, id)) {
        free(content);
        free(part_sha);
        run->pr.files_done++;
        run->pr.bytes_done += e->size;
        return 0;
    }
    j = backup_upjob_new(backup_object_key(run->r, id, key, sizeof key), e->src, e->sha, e->size,
                         content, part_sha, job_done, run);
    if (!j || backup_map_put(&run->sched, id, NULL, NULL)) {
        backup_upjob_free(j);
        return -1;
    }
    fc_strlcpy(j->journal, id, sizeof j->journal);
    j->encrypt = run->r->cr.on;
    *out = j;
    return 0;
}

/* The engine's feed: the next multipart part, else the next file that needs uploading. */
static int feed(void *ctx)
{
    struct run *run = ctx;

    return backup_up_feed_files(&run->u, &run->m, &run->next, &run->failures, run_file, run);
}

/* Aborts journaled multipart uploads that this run did not need (their files changed or
 * went away). */
static int abort_unused(void *ctx, const char *id, const char *upload_id)
{
    struct run *run = ctx;
    struct backup_req *r;
    char key[1200], *q = NULL, *eid;

    if (backup_map_has(&run->sched, id))
        return 0;
    eid = aws_uri_encode(upload_id, 0);
    if (eid && asprintf(&q, "uploadId=%s", eid) >= 0 &&
        (r = backup_req_new("DELETE", backup_object_key(run->r, id, key, sizeof key), q))) {
        backup_xfer_call(run->r->x, r); /* emulators without AbortMultipartUpload: ignored */
        backup_req_free(r);
    }
    free(eid);
    free(q);
    backup_cache_mpu_del(run->r->cache, id);
    return 0;
}

static void snapshot_id(int64_t t, char *out, size_t n)
{
    unsigned char rnd[2];
    char stamp[32];
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    if (fc_random(rnd, sizeof rnd))
        memset(rnd, 0, sizeof rnd);
    snprintf(out, n, "%s-%02x%02x", stamp, rnd[0], rnd[1]);
}

/* Drops entries that could not be read. */
static void compact(struct backup_manifest *m)
{
    size_t o = 0;

    for (size_t i = 0; i < m->n; i++) {
        if (m->e[i].type == 0) {
            free(m->e[i].path);
            free(m->e[i].target);
            free(m->e[i].src);
            continue;
        }
        m->e[o++] = m->e[i];
    }
    m->n = o;
}

static void print_result(struct run *run, double secs)
{
    struct backup_xfer_stats st;
    char a[32], b[32];

    backup_xfer_get_stats(run->r->x, &st);
    if (isatty(1)) {
        printf("snapshot %s: %llu files (%s), %llu new (%s) uploaded in %.2f s (%lu requests)\n",
               run->m.id, (unsigned long long)run->m.files,
               backup_human_bytes(run->m.bytes, a, sizeof a), (unsigned long long)run->m.new_files,
               backup_human_bytes(run->m.new_bytes, b, sizeof b), secs, st.requests);
    } else {
        printf("snapshot=%s files=%llu dirs=%llu bytes=%llu new_files=%llu new_bytes=%llu "
               "hashed=%llu uploaded_bytes=%llu requests=%lu puts=%lu seconds=%.3f\n",
               run->m.id, (unsigned long long)run->m.files, (unsigned long long)run->m.dirs,
               (unsigned long long)run->m.bytes, (unsigned long long)run->m.new_files,
               (unsigned long long)run->m.new_bytes, (unsigned long long)run->hashed,
               (unsigned long long)st.bytes_up, st.requests, st.puts, secs);
    }
    if (run->unreadable)
        printf("%sunreadable=%d\n", isatty(1) ? "warning: files that could not be read: " : "",
               run->unreadable);
    fflush(stdout);
}

/* The store's rows, exported into a SQLite file that joins the snapshot (DynamoDB). */
static int add_store_export(struct run *run, HDF *cfg, char ***tmp, size_t *n_tmp)
{
    char path[PATH_MAX + 64], err[512], **v;
    struct backup_entry *e;
    struct stat st;
    long rows = 0;

    snprintf(path, sizeof path, "%s/store-export-%d.db", run->o->cache_dir, (int)getpid());
    run->pr.phase = "export";
    if (backup_store_export(cfg, path, &rows, err, sizeof err) || stat(path, &st)) {
        backup_msg("forkcast: backup: %s", err);
        return -1;
    }
    v = realloc(*tmp, (*n_tmp + 1) * sizeof(*v));
    if (!v)
        return -1;
    *tmp = v;
    if (!(v[*n_tmp] = strdup(path)))
        return -1;
    (*n_tmp)++;
    if (!(e = backup_manifest_add(&run->m)) || !(e->path = strdup(BACKUP_STORE_EXPORT)) ||
        !(e->src = strdup(path)))
        return -1;
    e->type = BACKUP_FILE;
    e->is_db = 1;
    e->size = (uint64_t)st.st_size;
    e->mode = 0600;
    e->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    run->m.files++;
    run->m.bytes += e->size;
    backup_manifest_sort(&run->m);
    for (size_t i = 1; i < run->m.n; i++)
        if (!strcmp(run->m.e[i].path, run->m.e[i - 1].path)) {
            backup_msg("forkcast: backup: the data folder already holds a %s", BACKUP_STORE_EXPORT);
            return -1;
        }
    if (run->o->verbose)
        backup_msg("exported %ld rows of the store into %s", rows, BACKUP_STORE_EXPORT);
    return 0;
}

static int upload_pass(struct run *run)
{
    run->next = 0;
    backup_cache_begin(run->r->cache);
    backup_xfer_run(run->r->x, feed, run);
    backup_cache_commit(run->r->cache);
    return run->failures ? FC_ERR : FC_OK;
}

int backup_cmd_run(HDF *cfg, struct backup_opts *o, const struct backup_run_args *a)
{
    struct run run;
    char **tmp = NULL, **roots = NULL, *def_root[1] = {o->data_dir}, rest[128], key[1400];
    char err[1024], epoch[80], *summary = NULL;
    unsigned char *body = NULL;
    size_t n_tmp = 0, body_len = 0;
    int n_roots, rc = 1, orc;
    double t0 = backup_now();

    memset(&run, 0, sizeof run);
    run.o = o;
    backup_progress_init(&run.pr, o, "backup");
    backup_progress_tick(&run.pr);
    orc = backup_repo_open(cfg, o, 1, &run.r);
    if (orc != FC_OK) {
        backup_progress_end(&run.pr, "failed", "cannot open the repository");
        return 1;
    }
    run.pr.x = run.r->x;
    backup_xfer_on_tick(run.r->x, backup_progress_tick, &run.pr);
    if (backup_repo_sync_objects(run.r, 0))
        goto out;
    backup_cache_meta_set(run.r->cache, "clean", "0");
    roots = a->n_paths ? a->paths : def_root;
    n_roots = a->n_paths ? a->n_paths : 1;
    run.pr.phase = "scan";
    if (backup_walk(o, roots, n_roots, &run.m, &tmp, &n_tmp))
        goto out;
    if (!a->n_paths && backup_store_export_needed(cfg) && add_store_export(&run, cfg, &tmp, &n_tmp))
        goto out;
    run.pr.phase = "backup";
    run.pr.files_total = run.m.files;
    run.pr.bytes_total = run.m.bytes;
    if (backup_cache_load_index(run.r->cache, &run.index)) {
        backup_msg("forkcast: backup: cannot read the file index");
        goto out;
    }
    backup_uploader_init(&run.u, run.r->x, run.r->cache, &run.r->cr, o, &run.pr);
    if (upload_pass(&run))
        goto out;
    /* A prune may have deleted objects this run counted on: check and upload again. */
    if (backup_repo_read_epoch(run.r, epoch, sizeof epoch))
        goto out;
    if (strcmp(epoch, run.r->epoch)) {
        backup_msg("forkcast: backup: the repository changed during the run (prune?): "
                   "checking its objects again");
        if (backup_repo_sync_objects(run.r, 1))
            goto out;
        backup_map_free(&run.sched, NULL);
        run.pr.files_done = run.pr.bytes_done = 0;
        if (upload_pass(&run))
            goto out;
    }
    compact(&run.m);
    run.m.time = a->time ? a->time : fc_now();
    snapshot_id(run.m.time, run.m.id, sizeof run.m.id);
    fc_strlcpy(run.pr.snapshot, run.m.id, sizeof run.pr.snapshot);
    if (gethostname(run.m.host, sizeof run.m.host))
        fc_strlcpy(run.m.host, "unknown", sizeof run.m.host);
    run.m.host[sizeof run.m.host - 1] = '\0';
    if (backup_manifest_encode(&run.m, &run.r->cr, &body, &body_len)) {
        backup_msg("forkcast: backup: cannot encode the snapshot manifest");
        goto out;
    }
    /* Every object it references is confirmed: the manifest goes last. */
    snprintf(rest, sizeof rest, "snapshots/%s", run.m.id);
    if (backup_s3_put(run.r->x, backup_key(run.r, rest, key, sizeof key), body, body_len, err,
                      sizeof err)) {
        backup_msg("forkcast: backup: cannot write the snapshot manifest %s: %s", key, err);
        goto out;
    }
    summary = backup_manifest_summary(&run.m);
    if (summary)
        backup_cache_summary_put(run.r->cache, run.m.id, summary);
    backup_cache_mpu_each(run.r->cache, abort_unused, &run);
    backup_cache_meta_set(run.r->cache, "clean", "1");
    rc = run.unreadable ? 3 : 0;
    backup_progress_end(&run.pr, "done", NULL);
    print_result(&run, backup_now() - t0);
out:
    if (rc == 1) {
        if (run.failures)
            backup_msg("forkcast: backup: %d object(s) could not be uploaded; no snapshot was "
                       "written (run it again to finish: what landed is not sent again)",
                       run.failures);
        backup_progress_end(&run.pr, "failed",
                            run.first_error[0] ? run.first_error : "the backup failed");
    }
    for (size_t i = 0; i < n_tmp; i++)
        unlink(tmp[i]);
    backup_strv_free(tmp, n_tmp);
    free(summary);
    free(body);
    backup_map_free(&run.index, free);
    backup_map_free(&run.sched, NULL);
    backup_manifest_free(&run.m);
    backup_repo_close(run.r);
    return rc;
}
