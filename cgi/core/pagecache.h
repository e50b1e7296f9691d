/* pagecache: each process's cache of whole rendered pages (issue #18), for the routes that opt
 * in (FC_ROUTE_CACHE). An entry is one viewer's page: its key holds the path and query, the
 * user, the session (or a visitor's anonymous binding) and the CSRF token the page embeds; it
 * is valid only under the stamp it was rendered with: the store's content version (moved by
 * every write of a row a page may show, in any process), the minute, the recommender's model
 * and the templates' parses. Bounded in bytes (Cache.PageBytes), least recently used first
 * out. One per process, no locking. docs/security.md "The page cache". */
#ifndef FC_PAGECACHE_H
#define FC_PAGECACHE_H

#include <stddef.h>
#include <stdint.h>

#include <ClearSilver.h>

/* What a cached page is valid under: all equal, or it is rendered again. */
struct fc_pagecache_stamp {
    int64_t version; /* the store's content version (store.h content_version) */
    int64_t minute;  /* the wall clock's minute: pages show "now" (open now, this month) */
    long rec_builds; /* the recommender's models built (home's picks, "more like this") */
    long tpl_parses; /* kept templates parsed again (an edited template) */
};

/* What a cache did so far (tests, measurements). */
struct fc_pagecache_stats {
    size_t used;    /* bytes held (entries, their keys, heads and bodies) */
    size_t entries; /* pages held */
    long hits, misses, stored, evicted, flushed;
};

struct fc_pagecache;

/* An empty cache of at most cap bytes; NULL when cap is 0 (no cache) or out of memory. */
struct fc_pagecache *fc_pagecache_new(size_t cap);
/* The process's cache as the configuration asks: Cache.PageBytes (0: none), on a store that has
 * a content version (not DynamoDB) and with the built-in recommender (Rec.Backend = builtin);
 * NULL (logged) when off. */
struct fc_store;
struct fc_pagecache *fc_pagecache_open(HDF *cfg, struct fc_store *store);
/* Frees the cache and every entry; NULL is a no-op. */
void fc_pagecache_free(struct fc_pagecache *pc);
void fc_pagecache_get_stats(const struct fc_pagecache *pc, struct fc_pagecache_stats *out);

/* A kept page as fc_pagecache_find lends it (valid until the next call on the cache). */
struct fc_pagecache_page {
    const char *headers; /* the handler's header lines ("Name: value\r\n"...) */
    size_t headers_len;
    const char *body;
    size_t body_len;
    int sent_type; /* a Content-Type header is among them */
    int cache_set; /* a Cache-Control header is among them */
};

/* The page kept under key, valid under stamp, into *out (1), or 0. A stamp other than the
 * cache's drops every entry first (they were rendered under another one). */
int fc_pagecache_find(struct fc_pagecache *pc, const char *key, size_t key_len,
                      const struct fc_pagecache_stamp *stamp, struct fc_pagecache_page *out);
/* fc_pagecache_find, but the page stays valid until fc_pagecache_give_back(*loan), also when
 * it is evicted or flushed meanwhile or the cache is freed (it is then freed on the give-back):
 * a hit's body is written from the cache without a copy. *loan is NULL when nothing is found. */
struct fc_pagecache_loan;
int fc_pagecache_borrow(struct fc_pagecache *pc, const char *key, size_t key_len,
                        const struct fc_pagecache_stamp *stamp, struct fc_pagecache_page *out,
                        struct fc_pagecache_loan **loan);
/* Ends a loan of fc_pagecache_borrow; NULL is a no-op. */
void fc_pagecache_give_back(struct fc_pagecache_loan *loan);
/* Keeps a copy of page under key, rendered under stamp (read before it was rendered), evicting
 * the least recently used pages to stay within the cap. Nothing is kept when the stamp is not
 * the cache's (it moved since), or the page alone is over the cap. FC_OK or FC_ERR. */
int fc_pagecache_put(struct fc_pagecache *pc, const char *key, size_t key_len,
                     const struct fc_pagecache_stamp *stamp, const struct fc_pagecache_page *page);

/* The request cycle's side (core/app.c), for a GET or HEAD of a route with FC_ROUTE_CACHE. */
struct fc_ctx;
/* What one request did with the cache (in struct fc_ctx). */
struct fc_pagecache_req {
    int state; /* FC_PAGECACHE_* */
    char *key; /* malloc'd while the request may keep its page */
    size_t key_len;
    struct fc_pagecache_stamp stamp;
    struct fc_pagecache_loan *loan; /* a hit: the page the response writes (c->resp.lent) */
};
enum { FC_PAGECACHE_NONE = 0, FC_PAGECACHE_HIT, FC_PAGECACHE_MISS, FC_PAGECACHE_BYPASS };
/* Before the handler: answers from the cache when it can (1: c->resp is the page, its body
 * lent from the cache's entry until fc_pagecache_req_free, and the route's work on a hit has
 * run), else 0 (the handler runs, and fc_pagecache_end may keep its
 * page). A request with a flash cookie, one whose response sets a cookie already (a new
 * visitor's binding, a session cookie reissued or dropped), or one in which the store failed,
 * neither reads nor keeps a page. */
int fc_pagecache_begin(struct fc_ctx *c);
/* After the handler: keeps the page when it is a 200 that sets no cookie and the store did not
 * fail; adds the X-Forkcast-Cache header (hit, miss, bypass) for the routes that may cache. */
void fc_pagecache_end(struct fc_ctx *c);
/* Frees what the request held (its key) and gives back the entry a hit lent its body from. */
void fc_pagecache_req_free(struct fc_pagecache_req *r);

#endif
