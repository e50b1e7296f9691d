/* backup/verify: referenced objects exist with the right size; --deep re-hashes them. */
#include "backup/backup.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/* What one referenced object should be. */
struct want {
    char sha[65];
    uint64_t size;   /* plaintext */
    uint64_t stored; /* in the bucket */
    char *where;     /* "SNAPSHOT:path" of its first user */
};

struct verify {
    struct backup_repo *r;
    struct backup_map present; /* id -> stored size + 1 */
    struct backup_map wants;   /* id -> struct want * */
    char **deep_ids;
    size_t n_deep, next;
    int missing, corrupt, damaged;
    uint64_t checked;
    struct backup_progress pr;
};

static void want_free(void *p)
{
    struct want *w = p;

    if (w)
        free(w->where);
    free(w);
}

static int on_object(void *ctx, const struct backup_s3_object *o)
{
    struct verify *v = ctx;
    const char *id = backup_object_id_of(o->key);

    return id && backup_map_put(&v->present, id, (void *)(uintptr_t)(o->size + 1), NULL) ? 1 : 0;
}

/* A download being hashed. */
struct check {
    struct verify *v;
    const char *id;
    struct want *w;
    EVP_MD_CTX *md;
    struct backup_opener *opener;
    uint64_t got;
};

static int plain_out(void *ctx, const void *p, size_t n)
{
    struct check *c = ctx;

    c->got += n;
    return EVP_DigestUpdate(c->md, p, n) ? 0 : -1;
}

static int sink(void *ctx, const void *p, size_t n)
{
    struct check *c = ctx;

    return c->opener ? backup_opener_feed(c->opener, p, n) : plain_out(c, p, n);
}

static void reset(void *ctx)
{
    struct check *c = ctx;

    c->got = 0;
    EVP_DigestInit_ex(c->md, EVP_sha256(), NULL);
    if (c->opener)
        backup_opener_reset(c->opener);
}

static void problem(struct verify *v, const char *what, const char *id, const struct want *w)
{
    (void)v;
    printf("%s %s %s\n", what, id, w->where);
    fflush(stdout);
}

static void check_done(struct backup_req *r)
{
    struct check *c = r->ctx;
    struct verify *v = c->v;
    unsigned char md[32];
    char hex[65], err[700];
    int ok = 0;

    if (r->rc == AWS_OK && (!c->opener || !backup_opener_finish(c->opener)) &&
        EVP_DigestFinal_ex(c->md, md, NULL)) {
        fc_hex(hex, md, 32);
        ok = c->got == c->w->size && !strcmp(hex, c->w->sha);
    }
    if (r->rc != AWS_OK && strcmp(r->err.code, "LocalError")) {
        if (r->status == 404) {
            v->missing++;
            problem(v, "missing", c->id, c->w);
        } else {
            backup_msg("forkcast: backup: cannot download %s: %s", c->id,
                       backup_req_strerror(r, err, sizeof err));
            v->corrupt++;
            problem(v, "unreadable", c->id, c->w);
        }
    } else if (!ok) {
        v->corrupt++;
        problem(v, "corrupt", c->id, c->w);
        backup_cache_object_del(v->r->cache, c->id);
    }
    v->checked++;
    v->pr.files_done++;
    v->pr.bytes_done += c->w->size;
    EVP_MD_CTX_free(c->md);
    backup_opener_free(c->opener);
    free(c);
    backup_req_free(r);
}

static int feed(void *ctx)
{
    struct verify *v = ctx;
    struct check *c;
    struct backup_req *r;

    if (v->next >= v->n_deep)
        return 0;
    c = calloc(1, sizeof(*c));
    if (!c)
        return 0;
    c->v = v;
    c->id = v->deep_ids[v->next++];
    c->w = backup_map_get(&v->wants, c->id);
    c->md = EVP_MD_CTX_new();
    if (!c->md || !EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) ||
        (v->r->cr.on && !(c->opener = backup_opener_new(&v->r->cr, plain_out, c))) ||
        !(r = backup_object_get(v->r, c->id, sink, reset, check_done, c))) {
        EVP_MD_CTX_free(c->md);
        backup_opener_free(c->opener);
        free(c);
        return 0;
    }
    backup_xfer_submit(v->r->x, r);
    return 1;
}

int backup_cmd_verify(HDF *cfg, struct backup_opts *o, const char *snap, int deep)
{
    struct verify v;
    char **ids = NULL, prefix[1200], err[1024];
    size_t n_ids = 0;
    int rc = 1;
    uint64_t refs = 0;
    double t0 = backup_now();

    memset(&v, 0, sizeof v);
    backup_progress_init(&v.pr, o, "verify");
    if (backup_repo_open(cfg, o, 0, &v.r) != FC_OK)
        return 1;
    if (snap) {
        ids = calloc(1, sizeof(char *));
        if (!ids || !(ids[0] = strdup(snap)))
            goto out;
        n_ids = 1;
    } else if (backup_repo_snapshots(v.r, &ids, &n_ids)) {
        goto out;
    }
    if (backup_s3_list(v.r->x, backup_key(v.r, "data/", prefix, sizeof prefix), on_object, &v, err,
                       sizeof err)) {
        backup_msg("forkcast: backup: cannot list %s: %s", prefix, err);
        goto out;
    }
    for (size_t s = 0; s < n_ids; s++) {
        struct backup_manifest m;
        int mrc = backup_repo_manifest(v.r, ids[s], &m);
        if (mrc == FC_EAUTH)
            goto out;
        if (mrc != FC_OK) {
            v.damaged++;
            printf("damaged-snapshot %s\n", ids[s]);
            continue;
        }
        for (size_t i = 0; i < m.n; i++) {
            const struct backup_entry *e = &m.e[i];
            struct want *w;
            char id[65];
            uintptr_t have;
            if (e->type != BACKUP_FILE)
                continue;
            refs++;
            backup_object_id(&v.r->cr, e->sha, id);
            if (backup_map_has(&v.wants, id))
                continue;
            w = calloc(1, sizeof(*w));
            if (!w || asprintf(&w->where, "%s:%s", m.id, e->path) < 0 ||
                backup_map_put(&v.wants, id, w, NULL)) {
                if (w)
                    free(w);
                backup_manifest_free(&m);
                goto out;
            }
            fc_strlcpy(w->sha, e->sha, sizeof w->sha);
            w->size = e->size;
            w->stored = v.r->cr.on ? backup_enc_size(e->size) : e->size;
            have = (uintptr_t)backup_map_get(&v.present, id);
            if (!have) {
                v.missing++;
                problem(&v, "missing", id, w);
                backup_cache_object_del(v.r->cache, id);
            } else if (have - 1 != w->stored) {
                v.corrupt++;
                problem(&v, "wrong-size", id, w);
                backup_cache_object_del(v.r->cache, id);
            }
        }
        backup_manifest_free(&m);
    }
    if (deep) {
        v.deep_ids = calloc(v.wants.n + 1, sizeof(char *));
        if (!v.deep_ids)
            goto out;
        for (size_t i = 0; i < v.wants.cap; i++) {
            const char *id = v.wants.v[i].key;
            struct want *w = v.wants.v[i].val;
            if (id && (uintptr_t)backup_map_get(&v.present, id) == w->stored + 1) {
                v.deep_ids[v.n_deep++] = (char *)id;
                v.pr.files_total++;
                v.pr.bytes_total += w->size;
            }
        }
        v.pr.x = v.r->x;
        backup_xfer_on_tick(v.r->x, backup_progress_tick, &v.pr);
        backup_xfer_run(v.r->x, feed, &v);
    }
    /* The cache forgot the missing and damaged objects: the next run uploads them again (if
     * their files are still there). */
    printf("snapshots=%zu references=%llu objects=%zu missing=%d corrupt=%d damaged_snapshots=%d "
           "deep_checked=%llu seconds=%.3f\n",
           n_ids, (unsigned long long)refs, v.wants.n, v.missing, v.corrupt, v.damaged,
           (unsigned long long)v.checked, backup_now() - t0);
    rc = v.missing || v.corrupt || v.damaged ? 1 : 0;
    backup_progress_end(&v.pr, rc ? "failed" : "done", rc ? "problems found" : NULL);
    if (rc)
        backup_msg("forkcast: backup: verify found problems: %d missing, %d corrupt, %d damaged "
                   "snapshot(s)",
                   v.missing, v.corrupt, v.damaged);
out:
    free(v.deep_ids);
    backup_strv_free(ids, n_ids);
    backup_map_free(&v.present, NULL);
    backup_map_free(&v.wants, want_free);
    backup_repo_close(v.r);
    return rc;
}
