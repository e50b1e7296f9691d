/* backup/mirror: `backup run --mirror`: a path-for-path copy with `aws s3 sync` rules. */
#include "backup/backup.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct remote {
    uint64_t size;
    time_t mtime;
};

struct mirror {
    struct backup_opts *o;
    struct backup_xfer *x;
    struct backup_cache *cache;
    struct backup_crypto none;
    struct backup_manifest m;
    struct backup_map remote; /* relative path -> struct remote * */
    struct backup_uploader u;
    struct backup_progress pr;
    size_t next;
    size_t skip; /* length of "prefix/" */
    int failures;
    uint64_t uploaded, uploaded_bytes, unchanged;
    int unreadable;
};

static int on_remote(void *ctx, const struct backup_s3_object *o)
{
    struct mirror *mi = ctx;
    struct remote *r;

    if (strlen(o->key) <= mi->skip || o->key[strlen(o->key) - 1] == '/')
        return 0;
    r = malloc(sizeof(*r));
    if (!r)
        return 1;
    r->size = o->size;
    r->mtime = o->mtime;
    if (backup_map_put(&mi->remote, o->key + mi->skip, r, NULL)) {
        free(r);
        return 1;
    }
    return 0;
}

static void job_done(struct backup_upjob *j, int ok)
{
    struct mirror *mi = j->ctx;

    if (ok) {
        mi->uploaded++;
        mi->uploaded_bytes += j->size;
    } else {
        mi->failures++;
        backup_msg("forkcast: backup: %s", j->error);
    }
    backup_cache_checkpoint(mi->cache);
    backup_upjob_free(j);
}

/* `aws s3 sync`: copy when the remote object is missing, has another size, or is older than
 * the local file (the local time with its fraction against LastModified's whole seconds, as
 * the aws CLI compares them). */
static int needs_upload(const struct backup_entry *e, const struct remote *r)
{
    return !r || r->size != e->size || e->mtime_ns > (int64_t)r->mtime * 1000000000;
}

/* A file for backup_up_feed_files: uploaded when `aws s3 sync` would copy it. */
static int mirror_file(void *ctx, struct backup_entry *e, struct backup_upjob **out)
{
    struct mirror *mi = ctx;
    struct backup_upjob *j;
    unsigned char *content = NULL, (*part_sha)[32] = NULL;
    char key[1400], jid_src[1500];
    uint64_t size = 0;

    if (!needs_upload(e, backup_map_get(&mi->remote, e->path))) {
        mi->unchanged++;
        mi->pr.files_done++;
        mi->pr.bytes_done += e->size;
        return 0;
    }
    /* The content hash signs the body and is its x-amz-checksum-sha256. */
    if (backup_up_hash(&mi->u, e, &content, &part_sha, &size)) {
        backup_msg("forkcast: backup: cannot read %s (skipped)", e->src);
        mi->unreadable++;
        return 0;
    }
    if (mi->o->prefix[0])
        snprintf(key, sizeof key, "%s/%s", mi->o->prefix, e->path);
    else
        snprintf(key, sizeof key, "%s", e->path);
    j = backup_upjob_new(key, e->src, e->sha, size, content, part_sha, job_done, mi);
    if (!j)
        return -1;
    snprintf(jid_src, sizeof jid_src, "%s\n%s", key, e->sha);
    fc_sha256_hex(j->journal, jid_src, strlen(jid_src));
    *out = j;
    return 0;
}

static int feed(void *ctx)
{
    struct mirror *mi = ctx;

    return backup_up_feed_files(&mi->u, &mi->m, &mi->next, &mi->failures, mirror_file, mi);
}

int backup_cmd_mirror(HDF *cfg, struct backup_opts *o, const struct backup_run_args *a)
{
    struct mirror mi;
    char err[1024] = "", prefix[600], path[PATH_MAX + 64], hash[65], *id_src = NULL;
    char **tmp = NULL, **roots, *def_root[1] = {o->data_dir}, **gone = NULL;
    size_t n_tmp = 0, n_gone = 0;
    int rc = 1, n_roots;
    double t0 = backup_now();

    memset(&mi, 0, sizeof mi);
    mi.o = o;
    backup_progress_init(&mi.pr, o, "mirror");
    if (o->key_env || (o->key_file[0] && o->key_cli)) {
        backup_msg("forkcast: backup: --mirror writes plain files for standard tools and cannot "
                   "be encrypted (unset the key, or use snapshots)");
        return 1;
    }
    if (backup_xfer_new(cfg, o->bucket, o->concurrency, &mi.x, err, sizeof err)) {
        backup_msg("forkcast: backup: %s", err);
        return 1;
    }
    mi.pr.x = mi.x;
    backup_xfer_on_tick(mi.x, backup_progress_tick, &mi.pr);
    if (asprintf(&id_src, "%s\n%s\nmirror", backup_xfer_endpoint(mi.x), o->prefix) < 0)
        goto out;
    fc_sha256_hex(hash, id_src, strlen(id_src));
    backup_mkdirs(o->cache_dir, 0700);
    snprintf(path, sizeof path, "%s/%.16s.db", o->cache_dir, hash);
    if (backup_cache_open(path, NULL, &mi.cache, err, sizeof err)) {
        backup_msg("forkcast: backup: %s", err);
        goto out;
    }
    snprintf(prefix, sizeof prefix, "%s%s", o->prefix, o->prefix[0] ? "/" : "");
    mi.skip = strlen(prefix);
    if (backup_s3_list(mi.x, prefix, on_remote, &mi, err, sizeof err)) {
        backup_msg("forkcast: backup: cannot list s3://%s/%s: %s", o->bucket, prefix, err);
        goto out;
    }
    roots = a->n_paths ? a->paths : def_root;
    n_roots = a->n_paths ? a->n_paths : 1;
    if (backup_walk(o, roots, n_roots, &mi.m, &tmp, &n_tmp))
        goto out;
    mi.pr.files_total = mi.m.files;
    mi.pr.bytes_total = mi.m.bytes;
    backup_uploader_init(&mi.u, mi.x, mi.cache, &mi.none, o, &mi.pr);
    backup_cache_begin(mi.cache);
    backup_xfer_run(mi.x, feed, &mi);
    backup_cache_commit(mi.cache);
    if (mi.failures) {
        backup_msg("forkcast: backup: %d file(s) could not be uploaded", mi.failures);
        goto out;
    }
    if (a->delete_extra) {
        struct backup_map local = {0};
        for (size_t i = 0; i < mi.m.n; i++)
            if (mi.m.e[i].type == BACKUP_FILE && backup_map_put(&local, mi.m.e[i].path, NULL, NULL))
                goto out;
        gone = calloc(mi.remote.n + 1, sizeof(char *));
        if (!gone) {
            backup_map_free(&local, NULL);
            goto out;
        }
        for (size_t i = 0; i < mi.remote.cap; i++) {
            const char *rel = mi.remote.v[i].key;
            if (rel && !backup_map_has(&local, rel)) {
                if (asprintf(&gone[n_gone], "%s%s", prefix, rel) < 0)
                    break;
                n_gone++;
            }
        }
        backup_map_free(&local, NULL);
        if (n_gone && backup_s3_delete_many(mi.x, gone, n_gone, err, sizeof err)) {
            backup_msg("forkcast: backup: cannot delete: %s", err);
            goto out;
        }
    }
    rc = mi.unreadable ? 3 : 0;
    backup_progress_end(&mi.pr, "done", NULL);
    {
        struct backup_xfer_stats st;
        backup_xfer_get_stats(mi.x, &st);
        printf("mirror=s3://%s/%s files=%llu uploaded=%llu uploaded_bytes=%llu unchanged=%llu "
               "deleted=%zu requests=%lu seconds=%.3f\n",
               o->bucket, prefix, (unsigned long long)mi.m.files, (unsigned long long)mi.uploaded,
               (unsigned long long)mi.uploaded_bytes, (unsigned long long)mi.unchanged, n_gone,
               st.requests, backup_now() - t0);
    }
out:
    if (rc == 1)
        backup_progress_end(&mi.pr, "failed", "the mirror failed");
    for (size_t i = 0; i < n_tmp; i++)
        unlink(tmp[i]);
    backup_strv_free(tmp, n_tmp);
    backup_strv_free(gone, n_gone);
    free(id_src);
    backup_map_free(&mi.remote, free);
    backup_manifest_free(&mi.m);
    backup_cache_close(mi.cache);
    backup_xfer_free(mi.x);
    return rc;
}
