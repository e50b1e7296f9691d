/* pagecache: each process's cache of whole rendered pages, keyed by viewer and session, valid
 * under the content version, the minute, the recommender's model and the templates; least
 * recently used out first, within Cache.PageBytes. */
#include "core/pagecache.h"
#include "core/app.h"
#include "core/config.h"
#include "core/route.h"
#include "core/tmplcache.h"
#include "core/util.h"
#include "rec/rec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct entry {
    struct entry *prev, *next; /* most recently used first */
    uint64_t hash;
    size_t size; /* bytes charged to the cache: this block */
    size_t key_len, headers_len, body_len;
    int sent_type, cache_set;
    int lent;    /* loans of it not given back (fc_pagecache_borrow) */
    int dropped; /* out of the cache while lent: freed when the last loan is given back */
    char *key, *headers, *body; /* inside this block, after the struct */
};

struct fc_pagecache {
    size_t cap;
    struct entry *head, *tail;
    struct fc_pagecache_stamp stamp; /* what every entry was rendered under */
    int stamped;
    struct fc_pagecache_stats stats;
};

static uint64_t hash_of(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

struct fc_pagecache *fc_pagecache_new(size_t cap)
{
    struct fc_pagecache *pc;
    if (!cap || !(pc = calloc(1, sizeof *pc)))
        return NULL;
    pc->cap = cap;
    return pc;
}

static void unlink_entry(struct fc_pagecache *pc, struct entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        pc->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        pc->tail = e->prev;
    e->prev = e->next = NULL;
}

static void push_front(struct fc_pagecache *pc, struct entry *e)
{
    e->prev = NULL;
    e->next = pc->head;
    if (pc->head)
        pc->head->prev = e;
    pc->head = e;
    if (!pc->tail)
        pc->tail = e;
}

static void drop(struct fc_pagecache *pc, struct entry *e)
{
    unlink_entry(pc, e);
    pc->stats.used -= e->size;
    pc->stats.entries--;
    if (e->lent)
        e->dropped = 1; /* lent: freed when the last loan is given back */
    else
        free(e);
}

static void flush(struct fc_pagecache *pc)
{
    if (pc->head)
        pc->stats.flushed++;
    while (pc->head)
        drop(pc, pc->head);
}

void fc_pagecache_free(struct fc_pagecache *pc)
{
    if (!pc)
        return;
    while (pc->head)
        drop(pc, pc->head); /* an entry still lent is freed when it is given back */
    free(pc);
}

void fc_pagecache_get_stats(const struct fc_pagecache *pc, struct fc_pagecache_stats *out)
{
    if (pc)
        *out = pc->stats;
    else
        memset(out, 0, sizeof *out);
}

static int same_stamp(const struct fc_pagecache_stamp *a, const struct fc_pagecache_stamp *b)
{
    return a->version == b->version && a->minute == b->minute && a->rec_builds == b->rec_builds &&
           a->tpl_parses == b->tpl_parses;
}

/* The entry kept under key, valid under stamp (made the most recently used), or NULL. */
static struct entry *find_entry(struct fc_pagecache *pc, const char *key, size_t key_len,
                                const struct fc_pagecache_stamp *stamp)
{
    uint64_t h = hash_of(key, key_len);
    if (!pc->stamped || !same_stamp(&pc->stamp, stamp)) {
        flush(pc);
        pc->stamp = *stamp;
        pc->stamped = 1;
    }
    for (struct entry *e = pc->head; e; e = e->next) {
        if (e->hash != h || e->key_len != key_len || memcmp(e->key, key, key_len) != 0)
            continue;
        if (e != pc->head) {
            unlink_entry(pc, e);
            push_front(pc, e);
        }
        pc->stats.hits++;
        return e;
    }
    pc->stats.misses++;
    return NULL;
}

static void page_of_entry(const struct entry *e, struct fc_pagecache_page *out)
{
    out->headers = e->headers;
    out->headers_len = e->headers_len;
    out->body = e->body;
    out->body_len = e->body_len;
    out->sent_type = e->sent_type;
    out->cache_set = e->cache_set;
}

int fc_pagecache_find(struct fc_pagecache *pc, const char *key, size_t key_len,
                      const struct fc_pagecache_stamp *stamp, struct fc_pagecache_page *out)
{
    struct entry *e = find_entry(pc, key, key_len, stamp);
    if (!e)
        return 0;
    page_of_entry(e, out);
    return 1;
}

int fc_pagecache_borrow(struct fc_pagecache *pc, const char *key, size_t key_len,
                        const struct fc_pagecache_stamp *stamp, struct fc_pagecache_page *out,
                        struct fc_pagecache_loan **loan)
{
    struct entry *e = find_entry(pc, key, key_len, stamp);
    *loan = NULL;
    if (!e)
        return 0;
    page_of_entry(e, out);
    e->lent++;
    *loan = (struct fc_pagecache_loan *)e;
    return 1;
}

void fc_pagecache_give_back(struct fc_pagecache_loan *loan)
{
    struct entry *e = (struct entry *)loan;
    if (e && --e->lent == 0 && e->dropped)
        free(e);
}

int fc_pagecache_put(struct fc_pagecache *pc, const char *key, size_t key_len,
                     const struct fc_pagecache_stamp *stamp, const struct fc_pagecache_page *page)
{
    size_t size = sizeof(struct entry) + key_len + page->headers_len + page->body_len + 3;
    uint64_t h = hash_of(key, key_len);
    struct entry *e;
    char *p;

    if (!pc->stamped || !same_stamp(&pc->stamp, stamp) || size > pc->cap)
        return FC_OK;
    /* the same key again (two requests that both missed): the newer page replaces it */
    for (e = pc->head; e; e = e->next)
        if (e->hash == h && e->key_len == key_len && memcmp(e->key, key, key_len) == 0) {
            drop(pc, e);
            break;
        }
    while (pc->tail && pc->stats.used + size > pc->cap) {
        drop(pc, pc->tail);
        pc->stats.evicted++;
    }
    if (!(e = malloc(size)))
        return FC_ERR;
    memset(e, 0, sizeof *e);
    p = (char *)(e + 1);
    e->key = p;
    memcpy(p, key, key_len);
    p[key_len] = '\0';
    p += key_len + 1;
    e->headers = p;
    if (page->headers_len)
        memcpy(p, page->headers, page->headers_len);
    p[page->headers_len] = '\0';
    p += page->headers_len + 1;
    e->body = p;
    if (page->body_len)
        memcpy(p, page->body, page->body_len);
    p[page->body_len] = '\0';
    e->hash = h;
    e->size = size;
    e->key_len = key_len;
    e->headers_len = page->headers_len;
    e->body_len = page->body_len;
    e->sent_type = page->sent_type;
    e->cache_set = page->cache_set;
    push_front(pc, e);
    pc->stats.used += size;
    pc->stats.entries++;
    pc->stats.stored++;
    return FC_OK;
}

/* ---- the request cycle's side ---- */

/* The stamp now; FC_ERR when the store cannot say its content version. */
static int stamp_now(struct fc_app *app, struct fc_pagecache_stamp *st)
{
    struct fc_store *s = app->store;
    memset(st, 0, sizeof *st);
    if (!s->ops->content_version || s->ops->content_version(s, &st->version))
        return FC_ERR;
    st->minute = (int64_t)time(NULL) / 60;
    st->rec_builds = app->rec ? fc_rec_builds(app->rec) : 0;
    if (app->tpls) {
        struct fc_tmplcache_stats ts;
        fc_tmplcache_get_stats(app->tpls, &ts);
        st->tpl_parses = ts.reparses;
    }
    return FC_OK;
}

/* The page's key: user, session (or the visitor's binding), CSRF token, path and query. */
static int make_key(struct fc_ctx *c)
{
    const char *qs = c->req.query_string ? c->req.query_string : "";
    int n = asprintf(&c->pcache.key, "%lld\n%s%s\n%s\n%s?%s",
                     (long long)(c->logged_in ? c->user.id : 0),
                     c->logged_in ? "s:" : "a:", c->logged_in ? c->session_hash : c->anon, c->csrf,
                     c->req.path ? c->req.path : "/", qs);
    if (n < 0) {
        c->pcache.key = NULL;
        return FC_ERR;
    }
    c->pcache.key_len = (size_t)n;
    return FC_OK;
}

/* 1 when the response so far sets a cookie. */
static int sets_cookie(const struct fc_response *r)
{
    const char *h = r->headers.buf;
    if (!h)
        return 0;
    for (const char *p = h; *p;) {
        if (strncasecmp(p, "Set-Cookie:", 11) == 0)
            return 1;
        if (!(p = strchr(p, '\n')))
            break;
        p++;
    }
    return 0;
}

int fc_pagecache_begin(struct fc_ctx *c)
{
    struct fc_pagecache *pc = c->app->pc;
    struct fc_pagecache_page page;
    const char *flash = fc_param(&c->req.cookies, "fc_flash");

    if (!pc)
        return 0;
    c->pcache.state = FC_PAGECACHE_BYPASS;
    if ((flash && *flash) || sets_cookie(&c->resp) || fc_store_fault() ||
        stamp_now(c->app, &c->pcache.stamp) || make_key(c))
        return 0;
    if (!fc_pagecache_borrow(pc, c->pcache.key, c->pcache.key_len, &c->pcache.stamp, &page,
                             &c->pcache.loan)) {
        c->pcache.state = FC_PAGECACHE_MISS;
        return 0;
    }
    c->pcache.state = FC_PAGECACHE_HIT;
    c->resp.status = 200;
    string_clear(&c->resp.headers);
    string_init(&c->resp.headers);
    fc_resp_body_clear(&c->resp);
    if (page.headers_len && string_appendn(&c->resp.headers, page.headers, (int)page.headers_len)) {
        /* no memory for the copy: render it */
        string_clear(&c->resp.headers);
        string_init(&c->resp.headers);
        fc_pagecache_give_back(c->pcache.loan);
        c->pcache.loan = NULL;
        c->pcache.state = FC_PAGECACHE_BYPASS;
        return 0;
    }
    /* the body is written from the cache's entry, not copied: the request holds it until
     * fc_pagecache_req_free (an eviction or a flush meanwhile frees it only then) */
    c->resp.lent = page.body;
    c->resp.lent_len = page.body_len;
    c->resp.sent_type = page.sent_type;
    c->resp.cache_set = page.cache_set;
    /* what the page does besides rendering (the restaurant page's view for the recommender) */
    for (const struct fc_route_hit *h = fc_route_hits; h->pattern; h++)
        if (c->route && strcmp(h->pattern, c->route) == 0)
            h->fn(c);
    fc_resp_header(&c->resp, "X-Forkcast-Cache", "hit");
    return 1;
}

void fc_pagecache_end(struct fc_ctx *c)
{
    struct fc_pagecache *pc = c->app->pc;
    if (!pc || c->pcache.state == FC_PAGECACHE_NONE || c->pcache.state == FC_PAGECACHE_HIT)
        return;
    if (c->pcache.state == FC_PAGECACHE_MISS && c->resp.status == 200 && !sets_cookie(&c->resp) &&
        !fc_store_fault()) {
        struct fc_pagecache_page page = {c->resp.headers.buf, (size_t)c->resp.headers.len,
                                         c->resp.body.buf,    (size_t)c->resp.body.len,
                                         c->resp.sent_type,   c->resp.cache_set};
        if (fc_pagecache_put(pc, c->pcache.key, c->pcache.key_len, &c->pcache.stamp, &page))
            fprintf(stderr, "forkcast: [%s] page cache: no memory to keep the page\n",
                    c->request_id);
    }
    fc_resp_header(&c->resp, "X-Forkcast-Cache", "%s",
                   c->pcache.state == FC_PAGECACHE_MISS ? "miss" : "bypass");
}

void fc_pagecache_req_free(struct fc_pagecache_req *r)
{
    free(r->key);
    r->key = NULL;
    fc_pagecache_give_back(r->loan);
    r->loan = NULL;
}

struct fc_pagecache *fc_pagecache_open(HDF *cfg, struct fc_store *store)
{
    long cap = fc_config_int(cfg, "Cache.PageBytes", 4 << 20);
    if (cap <= 0)
        return NULL;
    if (!store->ops->content_version)
        return NULL; /* DynamoDB: no global version (docs/dynamodb.md) */
    if (strcmp(fc_config_str(cfg, "Rec.Backend", "builtin"), "builtin") != 0) {
        /* Personalize's picks change without a write here */
        fprintf(stderr, "forkcast: page cache off: recommendations from Rec.Backend %s\n",
                fc_config_str(cfg, "Rec.Backend", "builtin"));
        return NULL;
    }
    return fc_pagecache_new((size_t)cap);
}
