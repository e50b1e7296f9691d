/* tmplcache: each process's parsed ClearSilver templates, rendered again with each request's
 * data; a template is parsed again when one of its files (the page or an include) changed, and
 * its files are checked (stat) at most once per check interval. One per process, no locking. */
#ifndef FC_TMPLCACHE_H
#define FC_TMPLCACHE_H

#include <stdint.h>

#include <ClearSilver.h>

struct fc_tmplcache;
struct fc_tmplcache_entry;

/* Milliseconds on a clock that never goes back (the cache's clock; a test seam). */
typedef int64_t (*fc_tmplcache_clock_fn)(void *ctx);

/* A parsed template lent by fc_tmplcache_get until fc_tmplcache_put. */
struct fc_tmplcache_ref {
    CSPARSE *cs;
    struct fc_tmplcache_entry *kept;  /* the cache's entry it came from, or NULL */
    struct fc_tmplcache_entry *owned; /* parsed for this use only (not kept), or NULL */
};

/* What a cache did so far (for tests and measurements). */
struct fc_tmplcache_stats {
    long parses;   /* templates parsed (successfully or not) */
    long checks;   /* freshness checks of a kept template (each stats all its files) */
    long hits;     /* gets answered with a kept parse */
    long reparses; /* kept templates parsed again (a file changed, a render failed): what a page
                    * looks like may have changed (core/pagecache.c) */
};

/* An empty cache for the templates under dir, parsed with html escaping. A kept template's
 * files are checked at most once every check_seconds (0 or less: at every get). NULL when out
 * of memory. */
struct fc_tmplcache *fc_tmplcache_new(const char *dir, int check_seconds);
/* Frees the cache and every kept parse; NULL is a no-op. */
void fc_tmplcache_free(struct fc_tmplcache *tc);
/* Replaces the clock (NULL: CLOCK_MONOTONIC). */
void fc_tmplcache_set_clock(struct fc_tmplcache *tc, fc_tmplcache_clock_fn now, void *ctx);
void fc_tmplcache_get_stats(const struct fc_tmplcache *tc, struct fc_tmplcache_stats *out);

/* The parsed template name (a file under the cache's dir) in ref->cs: the kept parse when its
 * files are unchanged or were checked less than the interval ago, else a new parse, kept when
 * there is room. tc NULL: parsed for this use only with fallback's load path and escaping mode.
 * On error ref is empty and nothing needs to be put back. */
NEOERR *fc_tmplcache_get(struct fc_tmplcache *tc, const char *name, HDF *fallback,
                         struct fc_tmplcache_ref *ref);
/* Gives back what fc_tmplcache_get lent; failed: a render stopped half-way, so the kept parse
 * is dropped (parsed again next time). */
void fc_tmplcache_put(struct fc_tmplcache_ref *ref, int failed);
/* Renders template name with data (its values, not its load path) appended to out. */
NEOERR *fc_tmplcache_render(struct fc_tmplcache *tc, const char *name, HDF *data, STRING *out);

#endif
