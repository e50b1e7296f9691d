/* tmplcache: each process's parsed templates. Parsing a page (its file and the includes:
 * header, macros, footer) costs more than rendering it, so a process keeps every template it
 * parsed and renders it again with the next request's data. A parse depends only on the files
 * (forkcast's templates compute no include name or evar: from page data) and on the escaping
 * mode and load path, which are the same for every request. The files a parse read are
 * checked (stat: mtime, size, inode) before a use, at most once per check interval
 * (Templates.CheckSeconds): an edited template is parsed again. */
#include "core/tmplcache.h"
#include "core/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define TC_MAX   64 /* templates kept */
#define TC_FILES 16 /* files of one template that can be checked */

struct tc_file {
    char *path; /* malloc'ed */
    struct timespec mtime;
    off_t size;
    ino_t ino;
    dev_t dev;
};

struct fc_tmplcache_entry {
    char name[128];
    CSPARSE *cs;
    int nfiles, overflow;
    int64_t checked_ms; /* when the files were last read or found unchanged */
    struct tc_file files[TC_FILES];
};

struct fc_tmplcache {
    HDF *hdf; /* what templates are parsed with: the load path and the escaping mode */
    int64_t check_ms;
    fc_tmplcache_clock_fn now;
    void *now_ctx;
    struct fc_tmplcache_stats stats;
    int n;
    struct fc_tmplcache_entry t[TC_MAX];
};

static int64_t monotonic_ms(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* CSFILELOAD: loads a template file and records which file it was. */
static NEOERR *entry_load(void *ctx, HDF *hdf, const char *filename, char **contents)
{
    struct fc_tmplcache_entry *t = ctx;
    char path[PATH_MAX];
    struct stat st;
    if (filename[0] == '/') {
        fc_strlcpy(path, filename, sizeof path);
    } else {
        NEOERR *err = hdf_search_path(hdf, filename, path);
        if (err)
            return nerr_pass(err);
    }
    if (stat(path, &st) != 0)
        return nerr_raise_errno(NERR_IO, "cannot stat template %s", path);
    if (t->nfiles < TC_FILES) {
        struct tc_file *f = &t->files[t->nfiles];
        if (!(f->path = strdup(path)))
            return nerr_raise(NERR_NOMEM, "no memory for template %s", path);
        t->nfiles++;
        f->mtime = st.st_mtim;
        f->size = st.st_size;
        f->ino = st.st_ino;
        f->dev = st.st_dev;
    } else {
        t->overflow = 1; /* too many files to check: not kept */
    }
    return nerr_pass(ne_load_file(path, contents));
}

/* 1 when every file the parse read is unchanged. */
static int entry_files_unchanged(const struct fc_tmplcache_entry *t)
{
    for (int i = 0; i < t->nfiles; i++) {
        const struct tc_file *f = &t->files[i];
        struct stat st;
        if (stat(f->path, &st) != 0 || st.st_mtim.tv_sec != f->mtime.tv_sec ||
            st.st_mtim.tv_nsec != f->mtime.tv_nsec || st.st_size != f->size ||
            st.st_ino != f->ino || st.st_dev != f->dev)
            return 0;
    }
    return 1;
}

static void entry_drop(struct fc_tmplcache_entry *t)
{
    cs_destroy(&t->cs);
    for (int i = 0; i < t->nfiles; i++)
        free(t->files[i].path);
    t->nfiles = t->overflow = 0;
}

static int64_t tc_now(struct fc_tmplcache *tc)
{
    return tc->now(tc->now_ctx);
}

/* 1 when t's parse may be used: its files were checked less than the interval ago, or are
 * checked now and unchanged. */
static int entry_usable(struct fc_tmplcache *tc, struct fc_tmplcache_entry *t)
{
    int64_t now = 0;
    if (tc->check_ms > 0) {
        now = tc_now(tc);
        if (now - t->checked_ms < tc->check_ms)
            return 1;
    }
    tc->stats.checks++;
    if (!entry_files_unchanged(t))
        return 0;
    t->checked_ms = now;
    return 1;
}

/* Parses name with hdf's load path into t (t->cs set on success, t empty on error). */
static NEOERR *entry_parse(struct fc_tmplcache *tc, struct fc_tmplcache_entry *t, HDF *hdf,
                           const char *name)
{
    NEOERR *err;
    entry_drop(t);
    if (tc) {
        tc->stats.parses++;
        /* before the files are read: an edit during the parse is seen at the next check */
        t->checked_ms = tc->check_ms > 0 ? tc_now(tc) : 0;
    }
    err = cs_init(&t->cs, hdf);
    if (!err)
        err = cgi_register_strfuncs(t->cs);
    if (!err) {
        cs_register_fileload(t->cs, t, entry_load);
        err = cs_parse_file(t->cs, (char *)name);
    }
    if (err)
        entry_drop(t);
    return nerr_pass(err);
}

struct fc_tmplcache *fc_tmplcache_new(const char *dir, int check_seconds)
{
    struct fc_tmplcache *tc = calloc(1, sizeof *tc);
    NEOERR *err;
    if (!tc)
        return NULL;
    tc->check_ms = check_seconds > 0 ? (int64_t)check_seconds * 1000 : 0;
    tc->now = monotonic_ms;
    err = hdf_init(&tc->hdf);
    if (!err)
        err = hdf_set_value(tc->hdf, "Config.VarEscapeMode", "html");
    if (!err)
        err = hdf_set_value(tc->hdf, "hdf.loadpaths.0", dir);
    if (err) {
        nerr_log_error(err);
        nerr_ignore(&err);
        hdf_destroy(&tc->hdf);
        free(tc);
        return NULL;
    }
    return tc;
}

void fc_tmplcache_free(struct fc_tmplcache *tc)
{
    if (!tc)
        return;
    for (int i = 0; i < tc->n; i++)
        entry_drop(&tc->t[i]);
    hdf_destroy(&tc->hdf);
    free(tc);
}

void fc_tmplcache_set_clock(struct fc_tmplcache *tc, fc_tmplcache_clock_fn now, void *ctx)
{
    tc->now = now ? now : monotonic_ms;
    tc->now_ctx = now ? ctx : NULL;
}

void fc_tmplcache_get_stats(const struct fc_tmplcache *tc, struct fc_tmplcache_stats *out)
{
    if (tc)
        *out = tc->stats;
    else
        memset(out, 0, sizeof *out);
}

NEOERR *fc_tmplcache_get(struct fc_tmplcache *tc, const char *name, HDF *fallback,
                         struct fc_tmplcache_ref *ref)
{
    struct fc_tmplcache_entry *t = NULL, *own = NULL;
    NEOERR *err = STATUS_OK;
    memset(ref, 0, sizeof *ref);
    if (tc && strlen(name) < sizeof t->name) {
        for (int i = 0; i < tc->n && !t; i++)
            if (strcmp(tc->t[i].name, name) == 0)
                t = &tc->t[i];
        if (t && t->cs && entry_usable(tc, t)) {
            tc->stats.hits++;
            ref->cs = t->cs;
            ref->kept = t;
            return STATUS_OK;
        }
        if (t) {
            tc->stats.reparses++;
            entry_drop(t);
        } else if (tc->n < TC_MAX)
            t = &tc->t[tc->n++];
    }
    if (!t) {
        /* no room to keep it: parsed for this use only */
        if (!(own = calloc(1, sizeof *own)))
            return nerr_raise(NERR_NOMEM, "no memory for template %s", name);
        err = entry_parse(tc, own, tc ? tc->hdf : fallback, name);
        goto out;
    }
    fc_strlcpy(t->name, name, sizeof t->name);
    err = entry_parse(tc, t, tc->hdf, name);
    if (err)
        goto out;
    if (t->overflow) {
        /* read more files than it can check: not kept */
        if (!(own = malloc(sizeof *own))) {
            entry_drop(t);
            err = nerr_raise(NERR_NOMEM, "no memory for template %s", name);
            goto out;
        }
        *own = *t; /* now owns the parse and the paths */
        t->cs = NULL;
        t->nfiles = t->overflow = 0;
        goto out;
    }
    ref->cs = t->cs;
    ref->kept = t;
out:
    if (own && err) {
        entry_drop(own);
        free(own);
    } else if (own) {
        ref->cs = own->cs;
        ref->owned = own;
    }
    return nerr_pass(err);
}

void fc_tmplcache_put(struct fc_tmplcache_ref *ref, int failed)
{
    if (failed && ref->kept)
        entry_drop(ref->kept);
    if (ref->owned) {
        entry_drop(ref->owned);
        free(ref->owned);
    }
    memset(ref, 0, sizeof *ref);
}

/* cs_render's output, a piece at a time (each literal and each escaped value: hundreds per
 * page), appended to the body. string_append measured the piece twice (strlen, strcpy) and
 * grew the buffer from 256 bytes by doubling, copying the page ~7 times; this starts at 16 KB
 * (the size of a page) and copies each piece once. */
static NEOERR *render_out(void *ctx, char *s)
{
    STRING *out = ctx;
    size_t n = strlen(s), need = (size_t)out->len + n + 1;
    if (need > (size_t)INT_MAX)
        return nerr_raise(NERR_NOMEM, "page too large");
    if (!out->buf || need > (size_t)out->max) {
        size_t max = out->buf && out->max > 0 ? (size_t)out->max : 16384;
        char *buf;
        while (max < need)
            max *= 2;
        if (max > (size_t)INT_MAX)
            max = (size_t)INT_MAX;
        if (!(buf = realloc(out->buf, max)))
            return nerr_raise(NERR_NOMEM, "no memory for the page");
        out->buf = buf;
        out->max = (int)max;
    }
    memcpy(out->buf + out->len, s, n + 1);
    out->len += (int)n;
    return STATUS_OK;
}

NEOERR *fc_tmplcache_render(struct fc_tmplcache *tc, const char *name, HDF *data, STRING *out)
{
    struct fc_tmplcache_ref ref;
    HDF *parse_hdf;
    NEOERR *err = fc_tmplcache_get(tc, name, data, &ref);
    if (err)
        return nerr_pass(err);
    /* the parse reads this render's data while it renders */
    parse_hdf = ref.cs->hdf;
    ref.cs->hdf = data;
    err = cs_render(ref.cs, out, render_out);
    ref.cs->hdf = parse_hdf;
    /* a render that stopped half-way may leave state behind: parse it again next time */
    fc_tmplcache_put(&ref, err != STATUS_OK);
    return nerr_pass(err);
}
