/* backup/restore: parallel downloads, decrypted and SHA-256-checked before being put in place. */
#include "backup/backup.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/evp.h>

struct restore {
    struct backup_repo *r;
    struct backup_manifest m;
    struct backup_progress pr;
    const char *to;
    const char *sel; /* the --path selection, "" for everything */
    size_t next;
    int errors;
    uint64_t files, bytes;
};

/* One file being downloaded. */
struct dl {
    struct restore *rs;
    const struct backup_entry *e;
    char *tmp;
    char *final;
    int fd;
    EVP_MD_CTX *md;
    struct backup_opener *opener;
    uint64_t got;
    int bad;
};

static int selected(const char *sel, const char *path)
{
    size_t n = strlen(sel);

    return !n || (!strncmp(path, sel, n) && (path[n] == '\0' || path[n] == '/'));
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;

    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Plaintext: hashed and written. */
static int plain_out(void *ctx, const void *p, size_t n)
{
    struct dl *d = ctx;

    d->got += n;
    if (d->got > d->e->size || !EVP_DigestUpdate(d->md, p, n) || write_all(d->fd, p, n))
        return -1;
    return 0;
}

static int sink(void *ctx, const void *p, size_t n)
{
    struct dl *d = ctx;

    if (d->opener)
        return backup_opener_feed(d->opener, p, n);
    return plain_out(d, p, n);
}

static void reset(void *ctx)
{
    struct dl *d = ctx;

    d->got = 0;
    if (ftruncate(d->fd, 0) || lseek(d->fd, 0, SEEK_SET) < 0)
        d->bad = 1;
    EVP_DigestInit_ex(d->md, EVP_sha256(), NULL);
    if (d->opener)
        backup_opener_reset(d->opener);
}

static void dl_free(struct dl *d)
{
    if (d->fd >= 0)
        close(d->fd);
    if (d->tmp)
        unlink(d->tmp);
    free(d->tmp);
    free(d->final);
    EVP_MD_CTX_free(d->md);
    backup_opener_free(d->opener);
    free(d);
}

static void times_of(int64_t mtime_ns, struct timespec ts[2])
{
    ts[0].tv_sec = ts[1].tv_sec = (time_t)(mtime_ns / 1000000000);
    ts[0].tv_nsec = ts[1].tv_nsec = (long)(mtime_ns % 1000000000);
}

static void set_fd_times(int fd, int64_t mtime_ns)
{
    struct timespec ts[2];

    times_of(mtime_ns, ts);
    futimens(fd, ts);
}

static void set_times(const char *path, int64_t mtime_ns)
{
    struct timespec ts[2];

    times_of(mtime_ns, ts);
    utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}

static void dl_done(struct backup_req *r)
{
    struct dl *d = r->ctx;
    struct restore *rs = d->rs;
    unsigned char md[32];
    char hex[65], buf[700];
    const char *why = NULL;

    if (r->rc == AWS_ERR && !strcmp(r->err.code, "LocalError")) {
        why = d->opener ? "it does not decrypt (wrong key or damaged object)"
                        : "cannot write it, or it is larger than the snapshot says";
    } else if (r->rc != AWS_OK) {
        char e[600];
        snprintf(buf, sizeof buf, "cannot download it: %s", backup_req_strerror(r, e, sizeof e));
        why = buf;
    } else if (d->opener && backup_opener_finish(d->opener)) {
        why = "it does not decrypt (wrong key or damaged object)";
    } else if (d->bad || !EVP_DigestFinal_ex(d->md, md, NULL)) {
        why = "cannot write it";
    } else {
        fc_hex(hex, md, 32);
        if (d->got != d->e->size || strcmp(hex, d->e->sha))
            why = "its content does not match the snapshot's SHA-256 (damaged object)";
    }
    if (!why) {
        if (fchmod(d->fd, d->e->mode & 07777) == 0) {
            set_fd_times(d->fd, d->e->mtime_ns);
            if (close(d->fd) == 0 && rename(d->tmp, d->final) == 0) {
                d->fd = -1;
                free(d->tmp);
                d->tmp = NULL;
                rs->files++;
                rs->bytes += d->e->size;
                rs->pr.files_done++;
                rs->pr.bytes_done += d->e->size;
            } else {
                d->fd = -1;
                why = "cannot put it in place";
            }
        } else {
            why = "cannot set its mode";
        }
    }
    if (why) {
        rs->errors++;
        backup_msg("forkcast: backup: %s: %s", d->e->path, why);
    }
    backup_req_free(r);
    dl_free(d);
}

static int feed(void *ctx)
{
    struct restore *rs = ctx;

    while (rs->next < rs->m.n) {
        const struct backup_entry *e = &rs->m.e[rs->next++];
        struct backup_req *r;
        struct dl *d;
        char id[65];

        if (e->type != BACKUP_FILE || !selected(rs->sel, e->path))
            continue;
        d = calloc(1, sizeof(*d));
        if (!d)
            goto fail;
        d->rs = rs;
        d->e = e;
        d->fd = -1;
        if (asprintf(&d->final, "%s/%s", rs->to, e->path) < 0) {
            d->final = NULL;
            dl_free(d);
            goto fail;
        }
        if (asprintf(&d->tmp, "%s.fcbk-XXXXXX", d->final) < 0) {
            d->tmp = NULL;
            dl_free(d);
            goto fail;
        }
        d->fd = mkstemp(d->tmp);
        d->md = EVP_MD_CTX_new();
        if (d->fd < 0 || !d->md || !EVP_DigestInit_ex(d->md, EVP_sha256(), NULL)) {
            backup_msg("forkcast: backup: cannot create %s: %s", d->final, strerror(errno));
            if (d->fd < 0) {
                free(d->tmp);
                d->tmp = NULL;
            }
            dl_free(d);
            rs->errors++;
            continue;
        }
        if (rs->r->cr.on && !(d->opener = backup_opener_new(&rs->r->cr, plain_out, d))) {
            dl_free(d);
            goto fail;
        }
        backup_object_id(&rs->r->cr, e->sha, id);
        r = backup_object_get(rs->r, id, sink, reset, dl_done, d);
        if (!r) {
            dl_free(d);
            goto fail;
        }
        backup_xfer_submit(rs->r->x, r);
        return 1;
    }
    return 0;
fail:
    rs->errors++;
    backup_msg("forkcast: backup: out of memory");
    rs->next = rs->m.n;
    return 0;
}

/* Creates the parent folders of DIR/path. */
static int make_parents(const char *to, const char *path)
{
    char full[PATH_MAX];
    char *slash;

    if (snprintf(full, sizeof full, "%s/%s", to, path) >= (int)sizeof full)
        return -1;
    slash = strrchr(full, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    return backup_mkdirs(full, 0755);
}

int backup_cmd_restore(HDF *cfg, struct backup_opts *o, const char *snap, const char *path,
                       const char *to)
{
    struct restore rs;
    char sel[PATH_MAX] = "";
    int rc = 1, orc, any = 0;
    double t0 = backup_now();

    memset(&rs, 0, sizeof rs);
    if (path) {
        fc_strlcpy(sel, path[0] == '/' ? path + 1 : path, sizeof sel);
        while (*sel && sel[strlen(sel) - 1] == '/')
            sel[strlen(sel) - 1] = '\0';
    }
    rs.sel = sel;
    rs.to = to;
    backup_progress_init(&rs.pr, o, "restore");
    orc = backup_repo_open(cfg, o, 0, &rs.r);
    if (orc != FC_OK)
        return 1;
    orc = backup_repo_manifest(rs.r, snap, &rs.m);
    if (orc != FC_OK)
        goto out;
    fc_strlcpy(rs.pr.snapshot, rs.m.id, sizeof rs.pr.snapshot);
    if (backup_mkdirs(to, 0755)) {
        backup_msg("forkcast: backup: cannot create %s: %s", to, strerror(errno));
        goto out;
    }
    /* Folders first, then files; symbolic links last, so that none can redirect a write. */
    for (size_t i = 0; i < rs.m.n; i++) {
        const struct backup_entry *e = &rs.m.e[i];
        if (!selected(sel, e->path))
            continue;
        any = 1;
        if (make_parents(to, e->path)) {
            backup_msg("forkcast: backup: cannot create the folders of %s", e->path);
            goto out;
        }
        if (e->type == BACKUP_DIR) {
            char full[PATH_MAX];
            snprintf(full, sizeof full, "%s/%s", to, e->path);
            if (mkdir(full, 0700) && errno != EEXIST) {
                backup_msg("forkcast: backup: cannot create %s: %s", full, strerror(errno));
                goto out;
            }
        } else if (e->type == BACKUP_FILE) {
            rs.pr.files_total++;
            rs.pr.bytes_total += e->size;
        }
    }
    if (!any) {
        backup_msg("forkcast: backup: nothing in snapshot %s under %s", rs.m.id, sel);
        goto out;
    }
    rs.pr.x = rs.r->x;
    backup_xfer_on_tick(rs.r->x, backup_progress_tick, &rs.pr);
    backup_xfer_run(rs.r->x, feed, &rs);
    for (size_t i = 0; i < rs.m.n; i++) {
        const struct backup_entry *e = &rs.m.e[i];
        char full[PATH_MAX];
        if (e->type != BACKUP_LINK || !selected(sel, e->path))
            continue;
        snprintf(full, sizeof full, "%s/%s", to, e->path);
        unlink(full);
        if (symlink(e->target, full)) {
            backup_msg("forkcast: backup: cannot create the link %s: %s", full, strerror(errno));
            rs.errors++;
        } else {
            set_times(full, e->mtime_ns);
        }
    }
    /* Folder modes and times last (writing into them changed their times). */
    for (size_t i = rs.m.n; i-- > 0;) {
        const struct backup_entry *e = &rs.m.e[i];
        char full[PATH_MAX];
        if (e->type != BACKUP_DIR || !selected(sel, e->path))
            continue;
        snprintf(full, sizeof full, "%s/%s", to, e->path);
        chmod(full, e->mode & 07777);
        set_times(full, e->mtime_ns);
    }
    if (rs.errors) {
        backup_msg("forkcast: backup: %d file(s) could not be restored", rs.errors);
        goto out;
    }
    rc = 0;
    backup_progress_end(&rs.pr, "done", NULL);
    printf("restored=%s files=%llu bytes=%llu to=%s seconds=%.3f\n", rs.m.id,
           (unsigned long long)rs.files, (unsigned long long)rs.bytes, to, backup_now() - t0);
out:
    if (rc)
        backup_progress_end(&rs.pr, "failed", "the restore failed");
    backup_manifest_free(&rs.m);
    backup_repo_close(rs.r);
    return rc;
}
