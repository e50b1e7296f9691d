/* backup/walk: walks folders into entries; SQLite databases copied by the online backup API. */
#include "backup/backup.h"
#include "core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

struct walk {
    const struct backup_opts *o;
    struct backup_manifest *m;
    char ***tmp;
    size_t *n_tmp;
    size_t tmp_cap;
    dev_t skip_dev[4];
    ino_t skip_ino[4];
    int n_skip;
    char db_real[PATH_MAX];
    int ncopies;
};

int backup_sqlite_copy(const char *src, const char *dst, char *err, size_t errlen)
{
    sqlite3 *s = NULL, *d = NULL;
    sqlite3_backup *b;
    int rc = FC_ERR, r, tries = 0;

    unlink(dst);
    if (sqlite3_open_v2(src, &s, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(s);
        s = NULL;
        if (sqlite3_open_v2(src, &s, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
            snprintf(err, errlen, "cannot open the database %s: %s", src,
                     s ? sqlite3_errmsg(s) : "out of memory");
            goto out;
        }
    }
    sqlite3_busy_timeout(s, 10000);
    if (sqlite3_open_v2(dst, &d, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot create %s", dst);
        goto out;
    }
    b = sqlite3_backup_init(d, "main", s, "main");
    if (!b) {
        snprintf(err, errlen, "cannot copy %s: %s", src, sqlite3_errmsg(d));
        goto out;
    }
    /* All pages in one step: one read transaction, so the copy is one consistent state. */
    do {
        r = sqlite3_backup_step(b, -1);
        if (r == SQLITE_BUSY || r == SQLITE_LOCKED)
            sqlite3_sleep(20);
    } while ((r == SQLITE_OK || r == SQLITE_BUSY || r == SQLITE_LOCKED) && ++tries < 3000);
    sqlite3_backup_finish(b);
    if (r != SQLITE_DONE) {
        snprintf(err, errlen, "cannot copy %s: %s", src, sqlite3_errstr(r));
        goto out;
    }
    rc = FC_OK;
out:
    sqlite3_close(s);
    sqlite3_close(d);
    if (rc != FC_OK)
        unlink(dst);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);

    return n > k && !strcmp(s + n - k, suffix);
}

/* 1 when path starts with the SQLite header. */
static int has_sqlite_magic(const char *path)
{
    char buf[16];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), ok = 0;

    if (fd < 0)
        return 0;
    ok = read(fd, buf, 16) == 16 && !memcmp(buf, "SQLite format 3", 16);
    close(fd);
    return ok;
}

/* 1 when path-wal is a SQLite write-ahead log (a database in WAL mode may have an empty main
 * file until its first checkpoint). */
static int has_wal(const char *path)
{
    char wal[PATH_MAX + 8];
    unsigned char buf[4];
    int fd, ok;

    snprintf(wal, sizeof wal, "%s-wal", path);
    fd = open(wal, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    ok = read(fd, buf, 4) == 4 && buf[0] == 0x37 && buf[1] == 0x7f && buf[2] == 0x06 &&
         (buf[3] == 0x82 || buf[3] == 0x83);
    close(fd);
    return ok;
}

static int looks_like_db_name(const char *name)
{
    return ends_with(name, ".db") || ends_with(name, ".sqlite") || ends_with(name, ".sqlite3") ||
           ends_with(name, ".db3");
}

static int add_tmp(struct walk *w, const char *path)
{
    if (fc_grow(w->tmp, &w->tmp_cap, *w->n_tmp + 1, sizeof **w->tmp, 4))
        return -1;
    (*w->tmp)[*w->n_tmp] = strdup(path);
    if (!(*w->tmp)[*w->n_tmp])
        return -1;
    (*w->n_tmp)++;
    return 0;
}

static int64_t ns(struct timespec ts)
{
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int add_entry(struct walk *w, const char *abs, const char *rel, const struct stat *st,
                     int is_db)
{
    struct backup_entry *e = backup_manifest_add(w->m);
    char err[PATH_MAX + 200];

    if (!e || !(e->path = strdup(rel)))
        return -1;
    e->mode = st->st_mode & 07777;
    e->mtime_ns = ns(st->st_mtim);
    e->ctime_ns = ns(st->st_ctim);
    e->ino = (uint64_t)st->st_ino;
    if (S_ISDIR(st->st_mode)) {
        e->type = BACKUP_DIR;
        w->m->dirs++;
        return 0;
    }
    if (S_ISLNK(st->st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlink(abs, target, sizeof target - 1);
        if (n < 0)
            return -1;
        target[n] = '\0';
        e->type = BACKUP_LINK;
        e->target = strdup(target);
        return e->target ? 0 : -1;
    }
    e->type = BACKUP_FILE;
    e->size = (uint64_t)st->st_size;
    if (is_db) {
        char copy[PATH_MAX + 64];
        struct stat cst;
        snprintf(copy, sizeof copy, "%s/dbcopy-%d-%d.db", w->o->cache_dir, (int)getpid(),
                 w->ncopies++);
        if (backup_sqlite_copy(abs, copy, err, sizeof err)) {
            backup_msg("forkcast: backup: %s", err);
            return -1;
        }
        if (add_tmp(w, copy) || stat(copy, &cst))
            return -1;
        e->is_db = 1;
        e->size = (uint64_t)cst.st_size;
        e->src = strdup(copy);
    } else {
        e->src = strdup(abs);
    }
    w->m->files++;
    w->m->bytes += e->size;
    return e->src ? 0 : -1;
}

static int skipped(const struct walk *w, const struct stat *st)
{
    for (int i = 0; i < w->n_skip; i++)
        if (st->st_dev == w->skip_dev[i] && st->st_ino == w->skip_ino[i])
            return 1;
    return 0;
}

static int is_db_file(struct walk *w, const char *abs, const char *name)
{
    char real[PATH_MAX];

    if (w->db_real[0] && realpath(abs, real) && !strcmp(real, w->db_real))
        return 1;
    return looks_like_db_name(name) && (has_sqlite_magic(abs) || has_wal(abs));
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(struct walk *w, const char *abs, const char *rel)
{
    DIR *d = opendir(abs);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;

    if (!d) {
        backup_msg("forkcast: backup: cannot read the folder %s: %s", abs, strerror(errno));
        return -1;
    }
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (fc_grow(&names, &cap, n + 1, sizeof *names, 64))
            goto out;
        if (!(names[n] = strdup(de->d_name)))
            goto out;
        n++;
    }
    if (n > 1)
        qsort(names, n, sizeof(char *), cmp_name);
    for (size_t i = 0; i < n; i++) {
        char *cabs = NULL, *crel = NULL;
        struct stat st;
        int bad = 0;
        if (asprintf(&cabs, "%s/%s", abs, names[i]) < 0)
            goto out;
        if ((*rel ? asprintf(&crel, "%s/%s", rel, names[i]) : asprintf(&crel, "%s", names[i])) <
            0) {
            free(cabs);
            goto out;
        }
        if (lstat(cabs, &st)) {
            if (errno != ENOENT) /* vanished meanwhile: skipped */
                backup_msg("forkcast: backup: cannot stat %s: %s", cabs, strerror(errno));
        } else if (skipped(w, &st)) {
            /* the cache folder or the status file */
        } else if (S_ISDIR(st.st_mode)) {
            bad = add_entry(w, cabs, crel, &st, 0) || walk_dir(w, cabs, crel);
        } else if (S_ISLNK(st.st_mode)) {
            bad = add_entry(w, cabs, crel, &st, 0);
        } else if (S_ISREG(st.st_mode)) {
            /* A database's journal, WAL and shared-memory files are never copied: the online
             * backup of the database holds their committed content. */
            const char *sfx[] = {"-wal", "-shm", "-journal"};
            int companion = 0;
            for (size_t k = 0; k < FC_ARRAY_LEN(sfx) && !companion; k++) {
                if (ends_with(names[i], sfx[k])) {
                    size_t base = strlen(cabs) - strlen(sfx[k]);
                    char dbp[PATH_MAX];
                    snprintf(dbp, sizeof dbp, "%.*s", (int)base, cabs);
                    const char *slash = strrchr(dbp, '/');
                    companion = is_db_file(w, dbp, slash ? slash + 1 : dbp);
                }
            }
            if (!companion)
                bad = add_entry(w, cabs, crel, &st, is_db_file(w, cabs, names[i]));
        }
        free(cabs);
        free(crel);
        if (bad)
            goto out;
    }
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

int backup_walk(const struct backup_opts *o, char **roots, int n_roots, struct backup_manifest *m,
                char ***tmp, size_t *n_tmp)
{
    struct walk w = {.o = o, .m = m, .tmp = tmp, .n_tmp = n_tmp};
    struct stat st;

    *tmp = NULL;
    *n_tmp = 0;
    if (!stat(o->cache_dir, &st)) {
        w.skip_dev[w.n_skip] = st.st_dev;
        w.skip_ino[w.n_skip++] = st.st_ino;
    }
    /* The status file (rewritten while we run) and the log of a background run. */
    for (int k = 0; k < 3 && o->status_file[0]; k++) {
        static const char *const sfx[] = {"", ".log", ".tmp"};
        char p[PATH_MAX + 8];
        snprintf(p, sizeof p, "%s%s", o->status_file, sfx[k]);
        if (!stat(p, &st)) {
            w.skip_dev[w.n_skip] = st.st_dev;
            w.skip_ino[w.n_skip++] = st.st_ino;
        }
    }
    if (!realpath(o->db_path, w.db_real))
        w.db_real[0] = '\0';
    m->roots = calloc((size_t)n_roots, sizeof(char *));
    if (!m->roots)
        return FC_ERR;
    for (int i = 0; i < n_roots; i++) {
        char real[PATH_MAX];
        const char *base;
        if (!realpath(roots[i], real) || lstat(real, &st)) {
            backup_msg("forkcast: backup: cannot read %s: %s", roots[i], strerror(errno));
            return FC_ERR;
        }
        if (!(m->roots[m->n_roots++] = strdup(real)))
            return FC_ERR;
        base = strrchr(real, '/');
        base = base && base[1] ? base + 1 : "root";
        if (S_ISDIR(st.st_mode)) {
            if (n_roots > 1 && add_entry(&w, real, base, &st, 0))
                return FC_ERR;
            if (walk_dir(&w, real, n_roots > 1 ? base : ""))
                return FC_ERR;
        } else if (S_ISREG(st.st_mode)) {
            if (add_entry(&w, real, base, &st, is_db_file(&w, real, base)))
                return FC_ERR;
        } else {
            backup_msg("forkcast: backup: %s is not a file or folder", roots[i]);
            return FC_ERR;
        }
    }
    backup_manifest_sort(m);
    for (size_t i = 1; i < m->n; i++)
        if (!strcmp(m->e[i].path, m->e[i - 1].path)) {
            backup_msg("forkcast: backup: two paths back up as %s (give folders with different "
                       "names)",
                       m->e[i].path);
            return FC_ERR;
        }
    return FC_OK;
}
