/* rec/engine: builds the immutable model (sparse item neighbour lists, interaction rows,
 * popularity, profiles, social graph) and blends CF, friends, content and popularity. */
#include "rec/engine.h"
#include "core/util.h"

#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NONE     UINT32_MAX
#define F_SAVE   1
#define F_VIEW   2
#define MAX_TOKS 128

/* Defines, for struct T ranked by WORSE(a, b) (1 when *a ranks below *b):
 * static void PUSH(struct T *h, size_t *n, size_t k, struct T x), which keeps the k best of
 * what was pushed in h[0..*n) as a min-heap (the worst at the root), and
 * static int CMP_BEST(const void *, const void *), the qsort order best first. */
#define REC_TOPK(T, WORSE, PUSH, CMP_BEST)                                                         \
    static void PUSH(struct T *h, size_t *n, size_t k, struct T x)                                 \
    {                                                                                              \
        size_t i;                                                                                  \
        if (!k)                                                                                    \
            return;                                                                                \
        if (*n == k) {                                                                             \
            if (!WORSE(&h[0], &x))                                                                 \
                return;                                                                            \
            /* replace the root and sift down */                                                   \
            h[0] = x;                                                                              \
            for (i = 0;;) {                                                                        \
                size_t l = 2 * i + 1, r = l + 1, s = i;                                            \
                if (l < k && WORSE(&h[l], &h[s]))                                                  \
                    s = l;                                                                         \
                if (r < k && WORSE(&h[r], &h[s]))                                                  \
                    s = r;                                                                         \
                if (s == i)                                                                        \
                    break;                                                                         \
                struct T t = h[i];                                                                 \
                h[i] = h[s];                                                                       \
                h[s] = t;                                                                          \
                i = s;                                                                             \
            }                                                                                      \
            return;                                                                                \
        }                                                                                          \
        i = (*n)++;                                                                                \
        h[i] = x;                                                                                  \
        while (i && WORSE(&h[i], &h[(i - 1) / 2])) {                                               \
            struct T t = h[i];                                                                     \
            h[i] = h[(i - 1) / 2];                                                                 \
            h[(i - 1) / 2] = t;                                                                    \
            i = (i - 1) / 2;                                                                       \
        }                                                                                          \
    }                                                                                              \
                                                                                                   \
    static int CMP_BEST(const void *a, const void *b)                                              \
    {                                                                                              \
        const struct T *x = a, *y = b;                                                             \
        return WORSE(x, y) ? 1 : WORSE(y, x) ? -1 : 0;                                             \
    }

/* One interaction of a user with an item: the rating (0 none) and save / view flags. */
struct entry {
    uint32_t item;
    uint8_t stars, flags;
};

/* One neighbour of an item: raw co-occurrence (dot product, users) and the shrunk cosine. */
struct nb {
    uint32_t item, n;
    float dot, sim;
};

/* Open-addressing map from int64 ids to dense indexes. */
struct imap {
    int64_t *keys;
    uint32_t *vals;
    size_t mask, used;
};

/* Interned strings (cities, cuisines), matched case-insensitively. */
struct strtab {
    char (*name)[64];
    char (*key)[64];
    size_t n, cap;
    uint32_t *slot;
    size_t mask;
};

struct rec_model {
    struct rec_weights w;
    size_t n_users, n_items, n_skipped;
    int64_t *user_ids, *item_ids; /* sorted ascending: index order is id order */
    struct imap umap, imap;
    struct strtab cities, cuisines;
    uint32_t *item_city, *user_city;
    uint8_t *item_price, *user_price;
    uint32_t *item_cui_off, *item_cui, *user_cui_off, *user_cui; /* sorted id lists */
    size_t *row_off;
    struct entry *rows; /* per user, sorted by item */
    size_t *nb_off;
    struct nb *nbs; /* per item, best first */
    double *nsq;    /* squared norm of each item's interaction vector */
    double *pop;    /* popularity mass of each item */
    uint32_t *top_global;
    size_t n_top_global;
    uint32_t *top_city_off, *top_city, *top_cui_off, *top_cui;
    size_t *fr_off, *av_off;
    uint32_t *fr, *av; /* friends; users to ignore (blocked, or blocking) */
};

/* ---- small helpers ------------------------------------------------------------------ */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static size_t pow2_at_least(size_t n)
{
    size_t c = 16;
    while (c < n)
        c <<= 1;
    return c;
}

/* The n slots of an open-addressing table, all NONE (empty); NULL when out of memory. */
static uint32_t *empty_slots(size_t n)
{
    uint32_t *slot = malloc(n * sizeof *slot);
    if (slot)
        memset(slot, 0xff, n * sizeof *slot);
    return slot;
}

static int imap_init(struct imap *m, size_t n)
{
    size_t cap = pow2_at_least(2 * n + 1);
    m->keys = malloc(cap * sizeof *m->keys);
    m->vals = empty_slots(cap);
    m->mask = cap - 1;
    m->used = 0;
    return m->keys && m->vals ? FC_OK : FC_ERR;
}

static void imap_free(struct imap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static uint32_t imap_get(const struct imap *m, int64_t k)
{
    if (!m->vals)
        return NONE;
    for (size_t h = mix64((uint64_t)k) & m->mask;; h = (h + 1) & m->mask) {
        if (m->vals[h] == NONE)
            return NONE;
        if (m->keys[h] == k)
            return m->vals[h];
    }
}

static int imap_put(struct imap *m, int64_t k, uint32_t v);

static int imap_grow(struct imap *m)
{
    struct imap old = *m;
    if (imap_init(m, (old.mask + 1)))
        return FC_ERR;
    for (size_t h = 0; h <= old.mask; h++)
        if (old.vals[h] != NONE)
            imap_put(m, old.keys[h], old.vals[h]);
    imap_free(&old);
    return FC_OK;
}

/* Sets k to v (v != NONE). */
static int imap_put(struct imap *m, int64_t k, uint32_t v)
{
    size_t h;
    if (2 * (m->used + 1) > m->mask + 1 && imap_grow(m))
        return FC_ERR;
    for (h = mix64((uint64_t)k) & m->mask; m->vals[h] != NONE; h = (h + 1) & m->mask)
        if (m->keys[h] == k) {
            m->vals[h] = v;
            return FC_OK;
        }
    m->keys[h] = k;
    m->vals[h] = v;
    m->used++;
    return FC_OK;
}

/* Normalises a city or cuisine token: trimmed, lower case, '_' as ' ', single spaces. */
static void norm_token(char key[64], char name[64], const char *s, size_t len)
{
    size_t k = 0, o = 0;
    int space = 0;
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    for (size_t i = 0; i < len && k < 63; i++) {
        char c = s[i] == '_' ? ' ' : s[i];
        if (isspace((unsigned char)c)) {
            space = 1;
            continue;
        }
        if (space && k) {
            key[k++] = ' ';
            if (o < 63)
                name[o++] = ' ';
        }
        space = 0;
        if (k < 63)
            key[k++] = (char)tolower((unsigned char)c);
        if (o < 63)
            name[o++] = c;
    }
    key[k] = '\0';
    name[o] = '\0';
}

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static uint32_t strtab_find_key(const struct strtab *t, const char *key)
{
    if (!t->slot)
        return NONE;
    for (size_t h = str_hash(key) & t->mask;; h = (h + 1) & t->mask) {
        if (t->slot[h] == NONE)
            return NONE;
        if (strcmp(t->key[t->slot[h]], key) == 0)
            return t->slot[h];
    }
}

/* The id of token s[0..len) ("" gives NONE); *err set when out of memory. */
static uint32_t strtab_intern(struct strtab *t, const char *s, size_t len, int *err)
{
    char key[64], name[64];
    uint32_t id;
    size_t h;
    norm_token(key, name, s, len);
    if (!key[0])
        return NONE;
    id = strtab_find_key(t, key);
    if (id != NONE)
        return id;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        void *nn = realloc(t->name, cap * sizeof *t->name);
        if (nn)
            t->name = nn;
        void *nk = nn ? realloc(t->key, cap * sizeof *t->key) : NULL;
        if (nk)
            t->key = nk;
        free(t->slot);
        t->slot = empty_slots(2 * cap);
        if (!nn || !nk || !t->slot) {
            *err = 1;
            return NONE;
        }
        t->cap = cap;
        t->mask = 2 * cap - 1;
        for (uint32_t i = 0; i < t->n; i++) {
            for (h = str_hash(t->key[i]) & t->mask; t->slot[h] != NONE; h = (h + 1) & t->mask)
                ;
            t->slot[h] = i;
        }
    }
    id = (uint32_t)t->n++;
    memcpy(t->key[id], key, sizeof key);
    memcpy(t->name[id], name, sizeof name);
    for (h = str_hash(key) & t->mask; t->slot[h] != NONE; h = (h + 1) & t->mask)
        ;
    t->slot[h] = id;
    return id;
}

static uint32_t strtab_find(const struct strtab *t, const char *s)
{
    char key[64], name[64];
    norm_token(key, name, s, strlen(s));
    return key[0] ? strtab_find_key(t, key) : NONE;
}

static void strtab_free(struct strtab *t)
{
    free(t->name);
    free(t->key);
    free(t->slot);
    memset(t, 0, sizeof *t);
}

/* Splits a comma / semicolon list into sorted unique interned ids; returns the count. */
static size_t intern_list(struct strtab *t, const char *s, uint32_t *ids, size_t max, int *err)
{
    size_t n = 0, o = 0;
    while (*s && n < max) {
        size_t len = strcspn(s, ",;");
        uint32_t id = strtab_intern(t, s, len, err);
        if (id != NONE)
            ids[n++] = id;
        s += len;
        if (*s)
            s++;
    }
    qsort(ids, n, sizeof *ids, rec_cmp_u32);
    for (size_t i = 0; i < n; i++)
        if (!o || ids[o - 1] != ids[i])
            ids[o++] = ids[i];
    return o;
}

static uint8_t parse_price(const char *s)
{
    char t[16];
    size_t n = 0;
    for (; *s && n < sizeof t - 1; s++)
        if (!isspace((unsigned char)*s))
            t[n++] = (char)tolower((unsigned char)*s);
    t[n] = '\0';
    if (!strcmp(t, "low") || !strcmp(t, "$") || !strcmp(t, "1"))
        return 1;
    if (!strcmp(t, "medium") || !strcmp(t, "$$") || !strcmp(t, "2"))
        return 2;
    if (!strcmp(t, "high") || !strcmp(t, "$$$") || !strcmp(t, "$$$$") || !strcmp(t, "3"))
        return 3;
    return 0;
}

static double price_match(uint8_t a, uint8_t b)
{
    if (!a || !b)
        return 0;
    return a == b ? 1.0 : abs((int)a - (int)b) == 1 ? 0.5 : 0.0;
}

/* Strength of an interaction (the item-vector value used for similarity and popularity). */
static double cf_value(const struct rec_weights *w, const struct entry *e)
{
    double v = e->stars ? (w->binary > 0 ? 1.0 : e->stars / 5.0) : 0.0;
    if ((e->flags & F_SAVE) && w->save > v)
        v = w->save;
    if ((e->flags & F_VIEW) && w->view > v)
        v = w->view;
    return v;
}

/* How much a user likes the item: 5 stars is 1, w->neutral stars 0, lower ones negative;
 * saves and views are weak positives. */
static double pref_value(const struct rec_weights *w, const struct entry *e)
{
    if (e->stars && w->binary >= 2) /* every rating is evidence of interest */
        return 1.0;
    if (e->stars)
        return (e->stars - w->neutral) / (5.0 - w->neutral);
    if (e->flags & F_SAVE)
        return w->save;
    if (e->flags & F_VIEW)
        return w->view;
    return 0;
}

/* A friend's entry as social evidence: ratings as in pref_value, saves; views do not count. */
static double social_value(const struct rec_weights *w, const struct entry *e)
{
    if (e->stars)
        return (e->stars - w->neutral) / (5.0 - w->neutral);
    if (e->flags & F_SAVE)
        return w->save;
    return 0;
}

/* The entry of user u for item, or NULL. */
static const struct entry *find_entry(const struct rec_model *m, uint32_t u, uint32_t item)
{
    size_t lo = m->row_off[u], hi = m->row_off[u + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->rows[mid].item < item)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->row_off[u + 1] && m->rows[lo].item == item ? &m->rows[lo] : NULL;
}

static int in_sorted(const uint32_t *a, size_t n, uint32_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && a[lo] == x;
}

/* ---- weights ------------------------------------------------------------------------ */

static const struct {
    const char *key;
    size_t off;
    int is_int;
} WKEYS[] = {
    {"Weight.CF", offsetof(struct rec_weights, cf), 0},
    {"Weight.Social", offsetof(struct rec_weights, social), 0},
    {"Weight.Content", offsetof(struct rec_weights, content), 0},
    {"Weight.Popularity", offsetof(struct rec_weights, popularity), 0},
    {"Shrinkage", offsetof(struct rec_weights, shrinkage), 0},
    {"Weight.Save", offsetof(struct rec_weights, save), 0},
    {"Weight.View", offsetof(struct rec_weights, view), 0},
    {"Content.City", offsetof(struct rec_weights, city), 0},
    {"Content.Cuisine", offsetof(struct rec_weights, cuisine), 0},
    {"Content.Price", offsetof(struct rec_weights, price), 0},
    {"Neutral", offsetof(struct rec_weights, neutral), 0},
    {"Neighbors", offsetof(struct rec_weights, neighbors), 1},
    {"Candidates", offsetof(struct rec_weights, candidates), 1},
    {"Sim.Alpha", offsetof(struct rec_weights, sim_alpha), 0},
    {"Sim.Beta", offsetof(struct rec_weights, sim_beta), 0},
    {"Sim.UserDecay", offsetof(struct rec_weights, user_decay), 0},
    {"Sim.Binary", offsetof(struct rec_weights, binary), 0},
};

void rec_weights_default(struct rec_weights *w)
{
    memset(w, 0, sizeof *w);
    w->cf = 1.0;
    /* the blend and the similarity are what `forkcast rec tune` learns on the UCI data
     * (docs/recommendations.md), but for Social, which UCI cannot measure (no real friends) */
    w->social = 0.25;
    w->content = 0.25;
    w->popularity = 0.2;
    w->shrinkage = 0;
    w->save = 0.6;
    w->view = 0.2;
    w->city = 0.8;
    w->cuisine = 0.15;
    w->price = 0.05;
    w->neutral = 0;
    w->neighbors = 50;
    w->candidates = 200;
    /* RP3beta's walk on binarised ratings */
    w->sim_alpha = 1;
    w->sim_beta = 0.7;
    w->user_decay = 1;
    w->binary = 1;
}

const char *rec_weights_key(size_t i)
{
    return i < FC_ARRAY_LEN(WKEYS) ? WKEYS[i].key : NULL;
}

int rec_weights_set(struct rec_weights *w, const char *key, double value)
{
    for (size_t i = 0; i < FC_ARRAY_LEN(WKEYS); i++) {
        if (strcasecmp(key, WKEYS[i].key) != 0)
            continue;
        if (!(value >= 0) || value > 1e9)
            return FC_EINVAL;
        if (WKEYS[i].is_int)
            *(int *)(void *)((char *)w + WKEYS[i].off) = (int)value;
        else
            *(double *)(void *)((char *)w + WKEYS[i].off) = value;
        return FC_OK;
    }
    return FC_EINVAL;
}

int rec_weights_get(const struct rec_weights *w, const char *key, double *value)
{
    for (size_t i = 0; i < FC_ARRAY_LEN(WKEYS); i++) {
        if (strcasecmp(key, WKEYS[i].key) != 0)
            continue;
        if (WKEYS[i].is_int)
            *value = *(const int *)(const void *)((const char *)w + WKEYS[i].off);
        else
            *value = *(const double *)(const void *)((const char *)w + WKEYS[i].off);
        return FC_OK;
    }
    return FC_EINVAL;
}

static int weights_valid(const struct rec_weights *w)
{
    const double v[] = {w->cf,        w->social,   w->content,    w->popularity, w->shrinkage,
                        w->save,      w->view,     w->city,       w->cuisine,    w->price,
                        w->sim_alpha, w->sim_beta, w->user_decay, w->binary};
    for (size_t i = 0; i < FC_ARRAY_LEN(v); i++)
        if (!(v[i] >= 0) || v[i] > 1e9)
            return 0;
    return w->neutral < 5 && w->neighbors >= 1 && w->neighbors <= 100000 && w->candidates >= 1 &&
           w->candidates <= 1000000;
}

const char *rec_why_name(int reason)
{
    static const char *const names[] = {
        [REC_WHY_FRIENDS] = "friends",           [REC_WHY_BECAUSE] = "because",
        [REC_WHY_POPULAR_CITY] = "popular-city", [REC_WHY_CUISINE] = "cuisine",
        [REC_WHY_POPULAR] = "popular",
    };
    return fc_enum_name(names, FC_ARRAY_LEN(names), reason, "none");
}

/* ---- build -------------------------------------------------------------------------- */

void rec_model_free(struct rec_model *m)
{
    if (!m)
        return;
    free(m->user_ids);
    free(m->item_ids);
    imap_free(&m->umap);
    imap_free(&m->imap);
    strtab_free(&m->cities);
    strtab_free(&m->cuisines);
    free(m->item_city);
    free(m->user_city);
    free(m->item_price);
    free(m->user_price);
    free(m->item_cui_off);
    free(m->item_cui);
    free(m->user_cui_off);
    free(m->user_cui);
    free(m->row_off);
    free(m->rows);
    free(m->nb_off);
    free(m->nbs);
    free(m->nsq);
    free(m->pop);
    free(m->top_global);
    free(m->top_city_off);
    free(m->top_city);
    free(m->top_cui_off);
    free(m->top_cui);
    free(m->fr_off);
    free(m->fr);
    free(m->av_off);
    free(m->av);
    free(m);
}

/* Collects the distinct ids of the dataset into a sorted array and an id -> index map. */
static int index_ids(struct imap *map, int64_t **ids_out, size_t *n_out, const int64_t *const *src,
                     const size_t *counts, const size_t *strides, size_t nsrc)
{
    int64_t *ids = NULL;
    size_t n = 0;
    if (imap_init(map, 1024))
        return FC_ERR;
    for (size_t s = 0; s < nsrc; s++)
        for (size_t i = 0; src[s] && i < counts[s]; i++) {
            int64_t id = *(const int64_t *)(const void *)((const char *)src[s] + i * strides[s]);
            if (imap_get(map, id) == NONE && imap_put(map, id, 0))
                return FC_ERR;
        }
    ids = malloc((map->used + 1) * sizeof *ids);
    if (!ids)
        return FC_ERR;
    for (size_t h = 0; h <= map->mask; h++)
        if (map->vals[h] != NONE)
            ids[n++] = map->keys[h];
    qsort(ids, n, sizeof *ids, rec_cmp_i64);
    for (size_t i = 0; i < n; i++)
        imap_put(map, ids[i], (uint32_t)i);
    *ids_out = ids;
    *n_out = n;
    return FC_OK;
}

/* The profile rows of one side (items or users) of a data set: n rows of size bytes from base,
 * each with an int64_t id and the strings city, price and cuisines at the offsets given. */
struct profile_rows {
    const char *base;
    size_t n, size, id, city, price, cuisines;
};

/* One side's city, price and cuisine lists (cui_off[0..n], *cui_out) by the model's index of
 * map: the last profile row for an id wins; lists are counted then filled. */
static int build_side(struct rec_model *m, const struct imap *map, size_t n,
                      const struct profile_rows *r, uint32_t *city, uint8_t *price,
                      uint32_t *cui_off, uint32_t **cui_out)
{
    uint32_t toks[MAX_TOKS], *cui = NULL, *last = malloc((n + 1) * sizeof *last);
    size_t n_cui = 0, cap = 0;
    int err = 0;

    if (!last)
        return FC_ERR;
    memset(last, 0xff, (n + 1) * sizeof *last);
    for (size_t i = 0; i < r->n; i++) {
        int64_t id;
        memcpy(&id, r->base + i * r->size + r->id, sizeof id);
        last[imap_get(map, id)] = (uint32_t)i;
    }
    err = fc_grow(&cui, &cap, 1, sizeof *cui, 1024) != FC_OK;
    for (size_t x = 0; !err && x < n; x++) {
        const char *row = last[x] == NONE ? NULL : r->base + last[x] * r->size;
        size_t k;
        cui_off[x] = (uint32_t)n_cui;
        if (!row)
            continue;
        city[x] = strtab_intern(&m->cities, row + r->city, strnlen(row + r->city, 64), &err);
        price[x] = parse_price(row + r->price);
        k = intern_list(&m->cuisines, row + r->cuisines, toks, MAX_TOKS, &err);
        if (err || fc_grow(&cui, &cap, n_cui + k, sizeof *cui, 1024)) {
            err = 1;
            break;
        }
        memcpy(cui + n_cui, toks, k * sizeof *toks);
        n_cui += k;
    }
    cui_off[n] = (uint32_t)n_cui;
    free(last);
    *cui_out = cui;
    return err ? FC_ERR : FC_OK;
}

/* Items' and users' city, price and cuisines. */
static int build_profiles(struct rec_model *m, const struct rec_dataset *d)
{
    const struct profile_rows items = {
        (const char *)d->items,
        d->n_items,
        sizeof *d->items,
        offsetof(struct rec_item, id),
        offsetof(struct rec_item, city),
        offsetof(struct rec_item, price),
        offsetof(struct rec_item, cuisines),
    };
    const struct profile_rows users = {
        (const char *)d->users,
        d->n_users,
        sizeof *d->users,
        offsetof(struct rec_user, id),
        offsetof(struct rec_user, city),
        offsetof(struct rec_user, price),
        offsetof(struct rec_user, cuisines),
    };

    m->item_city = malloc((m->n_items + 1) * sizeof *m->item_city);
    m->user_city = malloc((m->n_users + 1) * sizeof *m->user_city);
    m->item_price = calloc(m->n_items + 1, 1);
    m->user_price = calloc(m->n_users + 1, 1);
    m->item_cui_off = calloc(m->n_items + 1, sizeof *m->item_cui_off);
    m->user_cui_off = calloc(m->n_users + 1, sizeof *m->user_cui_off);
    if (!m->item_city || !m->user_city || !m->item_price || !m->user_price || !m->item_cui_off ||
        !m->user_cui_off)
        return FC_ERR;
    memset(m->item_city, 0xff, (m->n_items + 1) * sizeof *m->item_city);
    memset(m->user_city, 0xff, (m->n_users + 1) * sizeof *m->user_city);
    if (build_side(m, &m->imap, m->n_items, &items, m->item_city, m->item_price, m->item_cui_off,
                   &m->item_cui))
        return FC_ERR;
    return build_side(m, &m->umap, m->n_users, &users, m->user_city, m->user_price, m->user_cui_off,
                      &m->user_cui);
}

/* A raw interaction before merging: the newest rating of a (user, item) pair wins. */
struct raw {
    uint32_t item;
    uint8_t stars, flags;
    int64_t at;
    uint32_t seq;
};

static int cmp_raw(const void *a, const void *b)
{
    const struct raw *x = a, *y = b;
    int c = FC_CMP(x->item, y->item);
    if (!c)
        c = FC_CMP(x->at, y->at);
    return c ? c : FC_CMP(x->seq, y->seq);
}

/* Users' interaction rows: ratings and events merged per (user, item), sorted by item. */
static int build_rows(struct rec_model *m, const struct rec_dataset *d)
{
    size_t *fill = NULL, total = 0, o = 0;
    struct raw *raw = NULL;
    int rc = FC_ERR;

    m->row_off = calloc(m->n_users + 2, sizeof *m->row_off);
    fill = calloc(m->n_users + 1, sizeof *fill);
    if (!m->row_off || !fill)
        goto out;
    for (size_t i = 0; i < d->n_ratings; i++)
        if (d->ratings[i].stars >= 1 && d->ratings[i].stars <= 5)
            m->row_off[imap_get(&m->umap, d->ratings[i].user) + 1]++;
        else
            m->n_skipped++;
    for (size_t i = 0; i < d->n_events; i++)
        if (d->events[i].type == REC_EV_VIEW || d->events[i].type == REC_EV_SAVE)
            m->row_off[imap_get(&m->umap, d->events[i].user) + 1]++;
        else
            m->n_skipped++;
    rec_csr_offsets(m->row_off, m->n_users);
    total = m->row_off[m->n_users];
    raw = malloc((total + 1) * sizeof *raw);
    if (!raw)
        goto out;
    for (size_t i = 0; i < d->n_ratings; i++) {
        const struct rec_rating *r = &d->ratings[i];
        uint32_t u;
        struct raw *x;
        if (r->stars < 1 || r->stars > 5)
            continue;
        u = imap_get(&m->umap, r->user);
        x = &raw[m->row_off[u] + fill[u]++];
        x->item = imap_get(&m->imap, r->item);
        x->stars = (uint8_t)r->stars;
        x->flags = 0;
        x->at = r->at;
        x->seq = (uint32_t)i;
    }
    for (size_t i = 0; i < d->n_events; i++) {
        const struct rec_event *e = &d->events[i];
        uint32_t u;
        struct raw *x;
        if (e->type != REC_EV_VIEW && e->type != REC_EV_SAVE)
            continue;
        u = imap_get(&m->umap, e->user);
        x = &raw[m->row_off[u] + fill[u]++];
        x->item = imap_get(&m->imap, e->item);
        x->stars = 0;
        x->flags = e->type == REC_EV_SAVE ? F_SAVE : F_VIEW;
        x->at = e->at;
        x->seq = (uint32_t)(d->n_ratings + i);
    }
    m->rows = malloc((total + 1) * sizeof *m->rows);
    if (!m->rows)
        goto out;
    /* sort each row, merge duplicates in place (rows only shrink, so o <= start) */
    for (size_t u = 0; u < m->n_users; u++) {
        size_t a = m->row_off[u], b = m->row_off[u + 1];
        qsort(raw + a, b - a, sizeof *raw, cmp_raw);
        m->row_off[u] = o;
        for (size_t i = a; i < b; i++) {
            if (o == m->row_off[u] || m->rows[o - 1].item != raw[i].item) {
                m->rows[o].item = raw[i].item;
                m->rows[o].stars = 0;
                m->rows[o].flags = 0;
                o++;
            }
            if (raw[i].stars)
                m->rows[o - 1].stars = raw[i].stars; /* sorted by time: the newest wins */
            m->rows[o - 1].flags |= raw[i].flags;
        }
    }
    m->row_off[m->n_users] = o;
    rc = FC_OK;
out:
    free(raw);
    free(fill);
    return rc;
}

/* Keeps the k best (sim desc, item asc) neighbours in a min-heap at h[0..*n). */
static int nb_worse(const struct nb *a, const struct nb *b)
{
    return a->sim < b->sim || (a->sim == b->sim && a->item > b->item);
}

REC_TOPK(nb, nb_worse, heap_push_nb, cmp_nb_best)

static double user_weight(const struct rec_model *m, size_t u)
{
    size_t deg = m->row_off[u + 1] - m->row_off[u];
    return m->w.user_decay > 0 && deg > 1 ? pow((double)deg, -m->w.user_decay) : 1.0;
}

/* Item-to-item similarity (see struct rec_weights) over interaction vectors, shrunk by
 * co-occurrence, top-K per item. */
static int build_neighbors(struct rec_model *m)
{
    size_t ni = m->n_items, nu = m->n_users, total = m->row_off[nu], k = (size_t)m->w.neighbors;
    size_t *col_off = NULL, *fill = NULL, n_nb = 0;
    struct col {
        uint32_t user;
        float v;
    } *col = NULL;
    double *acc = NULL;
    uint32_t *cnt = NULL, *touched = NULL;
    struct nb *heap = NULL;
    double *na = NULL, *nbeta = NULL;
    int rc = FC_ERR;

    m->nsq = calloc(ni + 1, sizeof *m->nsq);
    na = malloc((ni + 1) * sizeof *na);
    nbeta = malloc((ni + 1) * sizeof *nbeta);
    m->pop = calloc(ni + 1, sizeof *m->pop);
    m->nb_off = calloc(ni + 1, sizeof *m->nb_off);
    col_off = calloc(ni + 2, sizeof *col_off);
    fill = calloc(ni + 1, sizeof *fill);
    col = malloc((total + 1) * sizeof *col);
    acc = calloc(ni + 1, sizeof *acc);
    cnt = calloc(ni + 1, sizeof *cnt);
    touched = malloc((ni + 1) * sizeof *touched);
    heap = malloc((k + 1) * sizeof *heap);
    m->nbs = malloc((ni * (k < ni ? k : ni) + 1) * sizeof *m->nbs);
    if (!m->nsq || !m->pop || !m->nb_off || !col_off || !fill || !col || !acc || !cnt || !touched ||
        !heap || !m->nbs || !na || !nbeta)
        goto out;
    /* transpose: users of each item, with the interaction value */
    for (size_t x = 0; x < total; x++)
        col_off[m->rows[x].item + 1]++;
    rec_csr_offsets(col_off, ni);
    for (size_t u = 0; u < nu; u++) {
        double wu = user_weight(m, u);
        for (size_t x = m->row_off[u]; x < m->row_off[u + 1]; x++) {
            uint32_t i = m->rows[x].item;
            double v = cf_value(&m->w, &m->rows[x]);
            col[col_off[i] + fill[i]++] = (struct col){(uint32_t)u, (float)(v * wu)};
            m->nsq[i] += (double)(float)v * (float)v;
            m->pop[i] += v;
        }
    }
    for (size_t i = 0; i < ni; i++) {
        na[i] = pow(m->nsq[i], m->w.sim_alpha);
        nbeta[i] = pow(m->nsq[i], m->w.sim_beta);
    }
    for (size_t i = 0; i < ni; i++) {
        size_t nt = 0, nh = 0;
        m->nb_off[i] = n_nb;
        for (size_t c = col_off[i]; c < col_off[i + 1]; c++) {
            uint32_t u = col[c].user;
            double vi = col[c].v;
            for (size_t x = m->row_off[u]; x < m->row_off[u + 1]; x++) {
                uint32_t j = m->rows[x].item;
                double vj = (float)cf_value(&m->w, &m->rows[x]);
                if (j == i || vj <= 0 || vi <= 0)
                    continue;
                if (!cnt[j])
                    touched[nt++] = j;
                cnt[j]++;
                acc[j] += vi * vj;
            }
        }
        for (size_t t = 0; t < nt; t++) {
            uint32_t j = touched[t];
            double den = na[i] * nbeta[j];
            struct nb e = {j, cnt[j], (float)acc[j], 0};
            if (den > 0)
                e.sim = (float)(acc[j] / den * cnt[j] / (cnt[j] + m->w.shrinkage));
            if (e.sim > 0)
                heap_push_nb(heap, &nh, k, e);
            acc[j] = 0;
            cnt[j] = 0;
        }
        qsort(heap, nh, sizeof *heap, cmp_nb_best);
        memcpy(m->nbs + n_nb, heap, nh * sizeof *heap);
        n_nb += nh;
    }
    m->nb_off[ni] = n_nb;
    rc = FC_OK;
out:
    free(col_off);
    free(fill);
    free(col);
    free(acc);
    free(cnt);
    free(touched);
    free(heap);
    free(na);
    free(nbeta);
    return rc;
}

static int cmp_pop_desc(const void *a, const void *b, void *ctx)
{
    const double *pop = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    int c = FC_CMP(pop[y], pop[x]); /* the most popular first */
    return c ? c : FC_CMP(x, y);
}

/* The most popular items overall, per city and per cuisine (candidates for every request). */
static int build_top_lists(struct rec_model *m)
{
    size_t ni = m->n_items, p = (size_t)m->w.candidates, nc = m->cities.n, nq = m->cuisines.n;
    uint32_t *order = malloc((ni + 1) * sizeof *order);
    uint32_t *fill_c = calloc(nc + 1, sizeof *fill_c), *fill_q = calloc(nq + 1, sizeof *fill_q);
    int rc = FC_ERR;

    m->top_city_off = calloc(nc + 2, sizeof *m->top_city_off);
    m->top_cui_off = calloc(nq + 2, sizeof *m->top_cui_off);
    if (!order || !fill_c || !fill_q || !m->top_city_off || !m->top_cui_off)
        goto out;
    for (size_t i = 0; i < ni; i++)
        order[i] = (uint32_t)i;
    qsort_r(order, ni, sizeof *order, cmp_pop_desc, m->pop);
    m->n_top_global = ni < p ? ni : p;
    m->top_global = malloc((m->n_top_global + 1) * sizeof *m->top_global);
    if (!m->top_global)
        goto out;
    memcpy(m->top_global, order, m->n_top_global * sizeof *order);
    /* counts, then offsets, then fill in popularity order */
    for (size_t i = 0; i < ni; i++) {
        uint32_t c = m->item_city[i];
        if (c != NONE && m->top_city_off[c + 1] < p)
            m->top_city_off[c + 1]++;
        for (uint32_t q = m->item_cui_off[i]; q < m->item_cui_off[i + 1]; q++)
            if (m->top_cui_off[m->item_cui[q] + 1] < p)
                m->top_cui_off[m->item_cui[q] + 1]++;
    }
    for (size_t c = 0; c < nc; c++)
        m->top_city_off[c + 1] += m->top_city_off[c];
    for (size_t q = 0; q < nq; q++)
        m->top_cui_off[q + 1] += m->top_cui_off[q];
    m->top_city = malloc((m->top_city_off[nc] + 1) * sizeof *m->top_city);
    m->top_cui = malloc((m->top_cui_off[nq] + 1) * sizeof *m->top_cui);
    if (!m->top_city || !m->top_cui)
        goto out;
    for (size_t r = 0; r < ni; r++) {
        uint32_t i = order[r], c = m->item_city[i];
        if (c != NONE && m->top_city_off[c] + fill_c[c] < m->top_city_off[c + 1])
            m->top_city[m->top_city_off[c] + fill_c[c]++] = i;
        for (uint32_t q = m->item_cui_off[i]; q < m->item_cui_off[i + 1]; q++) {
            uint32_t cq = m->item_cui[q];
            if (m->top_cui_off[cq] + fill_q[cq] < m->top_cui_off[cq + 1])
                m->top_cui[m->top_cui_off[cq] + fill_q[cq]++] = i;
        }
    }
    rc = FC_OK;
out:
    free(order);
    free(fill_c);
    free(fill_q);
    return rc;
}

/* An adjacency list (CSR) from edges; both directions, no self-loops, sorted, unique. */
static int build_adjacency(const struct imap *umap, size_t nu, const struct rec_edge *e, size_t ne,
                           size_t **off_out, uint32_t **adj_out)
{
    size_t *off = calloc(nu + 2, sizeof *off), *fill = calloc(nu + 1, sizeof *fill);
    uint32_t *adj = malloc((2 * ne + 1) * sizeof *adj);
    int rc = FC_ERR;
    if (!off || !fill || !adj)
        goto out;
    for (size_t i = 0; i < ne; i++) {
        uint32_t a = imap_get(umap, e[i].a), b = imap_get(umap, e[i].b);
        if (a == b)
            continue;
        off[a + 1]++;
        off[b + 1]++;
    }
    rec_csr_offsets(off, nu);
    for (size_t i = 0; i < ne; i++) {
        uint32_t a = imap_get(umap, e[i].a), b = imap_get(umap, e[i].b);
        if (a == b)
            continue;
        adj[off[a] + fill[a]++] = b;
        adj[off[b] + fill[b]++] = a;
    }
    rec_csr_sort_unique(off, adj, nu);
    *off_out = off;
    *adj_out = adj;
    off = NULL;
    adj = NULL;
    rc = FC_OK;
out:
    free(off);
    free(fill);
    free(adj);
    return rc;
}

int rec_model_build(const struct rec_dataset *d, const struct rec_weights *w,
                    struct rec_model **out)
{
    struct rec_model *m = NULL;
    int rc = FC_ERR;

    *out = NULL;
    if (!d)
        return FC_EINVAL;
    m = calloc(1, sizeof *m);
    if (!m)
        return FC_ERR;
    if (w)
        m->w = *w;
    else
        rec_weights_default(&m->w);
    if (!weights_valid(&m->w)) {
        rc = FC_EINVAL;
        goto out;
    }
    {
        const int64_t *usrc[] = {
            d->users ? &d->users[0].id : NULL,     d->ratings ? &d->ratings[0].user : NULL,
            d->events ? &d->events[0].user : NULL, d->friends ? &d->friends[0].a : NULL,
            d->friends ? &d->friends[0].b : NULL,  d->blocks ? &d->blocks[0].a : NULL,
            d->blocks ? &d->blocks[0].b : NULL};
        const size_t ucnt[] = {d->n_users,   d->n_ratings, d->n_events, d->n_friends,
                               d->n_friends, d->n_blocks,  d->n_blocks};
        const size_t ustr[] = {sizeof *d->users,   sizeof *d->ratings, sizeof *d->events,
                               sizeof *d->friends, sizeof *d->friends, sizeof *d->blocks,
                               sizeof *d->blocks};
        const int64_t *isrc[] = {d->items ? &d->items[0].id : NULL,
                                 d->ratings ? &d->ratings[0].item : NULL,
                                 d->events ? &d->events[0].item : NULL};
        const size_t icnt[] = {d->n_items, d->n_ratings, d->n_events};
        const size_t istr[] = {sizeof *d->items, sizeof *d->ratings, sizeof *d->events};
        if (index_ids(&m->umap, &m->user_ids, &m->n_users, usrc, ucnt, ustr, 7) ||
            index_ids(&m->imap, &m->item_ids, &m->n_items, isrc, icnt, istr, 3))
            goto out;
        if (m->n_users >= NONE || m->n_items >= NONE) {
            rc = FC_EINVAL;
            goto out;
        }
    }
    if (build_profiles(m, d) || build_rows(m, d) || build_neighbors(m) || build_top_lists(m) ||
        build_adjacency(&m->umap, m->n_users, d->friends, d->friends ? d->n_friends : 0, &m->fr_off,
                        &m->fr) ||
        build_adjacency(&m->umap, m->n_users, d->blocks, d->blocks ? d->n_blocks : 0, &m->av_off,
                        &m->av))
        goto out;
    *out = m;
    m = NULL;
    rc = FC_OK;
out:
    rec_model_free(m);
    return rc;
}

void rec_model_info(const struct rec_model *m, struct rec_model_info *info)
{
    memset(info, 0, sizeof *info);
    info->n_users = m->n_users;
    info->n_items = m->n_items;
    info->n_interactions = m->row_off[m->n_users];
    info->n_neighbors = m->nb_off[m->n_items];
    info->n_friend_links = m->fr_off[m->n_users] / 2;
    info->n_cities = m->cities.n;
    info->n_cuisines = m->cuisines.n;
    info->n_skipped = m->n_skipped;
    info->bytes = sizeof *m +
                  (m->n_users + m->n_items) * (sizeof(int64_t) + 2 * sizeof(uint32_t) + 1) +
                  (m->umap.mask + m->imap.mask + 2) * (sizeof(int64_t) + sizeof(uint32_t)) +
                  (m->cities.cap + m->cuisines.cap) * (128 + 2 * sizeof(uint32_t)) +
                  (m->item_cui_off[m->n_items] + m->user_cui_off[m->n_users]) * sizeof(uint32_t) +
                  (m->n_users + 1) * 3 * sizeof(size_t) + info->n_interactions * sizeof *m->rows +
                  (m->n_items + 1) * (sizeof(size_t) + 2 * sizeof(double)) +
                  info->n_neighbors * sizeof *m->nbs +
                  (m->n_top_global + m->top_city_off[m->cities.n] + m->top_cui_off[m->cuisines.n]) *
                      sizeof(uint32_t) +
                  (m->fr_off[m->n_users] + m->av_off[m->n_users]) * sizeof(uint32_t);
}

double rec_model_similarity(const struct rec_model *m, int64_t a, int64_t b)
{
    uint32_t i = imap_get(&m->imap, a), j = imap_get(&m->imap, b);
    if (i == NONE || j == NONE)
        return 0;
    for (size_t x = m->nb_off[i]; x < m->nb_off[i + 1]; x++)
        if (m->nbs[x].item == j)
            return m->nbs[x].sim;
    return 0;
}

/* ---- requests ----------------------------------------------------------------------- */

/* A candidate item of one request, with its accumulated evidence. */
struct cand {
    uint32_t item;
    uint8_t rated; /* the user rated it: never recommended */
    float cf, social;
    uint32_t because; /* history item contributing most to cf */
    float because_w;
    double dnsq, dpop; /* corrections for the ratings of ignored users */
};

/* Candidates keyed by item index (open addressing into c[]). */
struct cset {
    uint32_t *slot;
    size_t mask;
    struct cand *c;
    size_t n, cap;
};

static int cset_init(struct cset *s, size_t cap)
{
    size_t slots = pow2_at_least(2 * cap + 1);
    s->slot = empty_slots(slots);
    s->c = malloc((cap + 1) * sizeof *s->c);
    s->mask = slots - 1;
    s->n = 0;
    s->cap = cap;
    return s->slot && s->c ? FC_OK : FC_ERR;
}

static void cset_free(struct cset *s)
{
    free(s->slot);
    free(s->c);
}

static struct cand *cset_find(const struct cset *s, uint32_t item)
{
    for (size_t h = mix64(item) & s->mask;; h = (h + 1) & s->mask) {
        if (s->slot[h] == NONE)
            return NULL;
        if (s->c[s->slot[h]].item == item)
            return &s->c[s->slot[h]];
    }
}

/* The candidate for item, added when new (cap is never exceeded: see the callers' bounds). */
static struct cand *cset_get(struct cset *s, uint32_t item)
{
    size_t h;
    for (h = mix64(item) & s->mask; s->slot[h] != NONE; h = (h + 1) & s->mask)
        if (s->c[s->slot[h]].item == item)
            return &s->c[s->slot[h]];
    if (s->n >= s->cap)
        return NULL;
    s->slot[h] = (uint32_t)s->n;
    memset(&s->c[s->n], 0, sizeof s->c[s->n]);
    s->c[s->n].item = item;
    s->c[s->n].because = NONE;
    return &s->c[s->n++];
}

/* What a request is about: a profile, a history and a social neighbourhood. */
struct query {
    uint32_t city; /* NONE: unknown */
    uint8_t price;
    const uint32_t *cui;
    size_t n_cui;
    const struct entry *hist;
    size_t n_hist;
    const uint32_t *friends;
    size_t n_friends;
    const uint32_t *avoid; /* sorted */
    size_t n_avoid;
};

/* The best results so far: a min-heap on (score, then higher id worse). */
struct pick {
    double score;
    int64_t id;
    size_t c;
};

static int pick_worse(const struct pick *a, const struct pick *b)
{
    return a->score < b->score || (a->score == b->score && a->id > b->id);
}

REC_TOPK(pick, pick_worse, heap_push_pick, cmp_pick_best)

static double corrected_sim(const struct rec_model *m, const struct query *q, const struct cset *cs,
                            uint32_t j, const struct nb *e)
{
    const struct cand *cj = cset_find(cs, j), *ci = cset_find(cs, e->item);
    double dj = cj ? cj->dnsq : 0, di = ci ? ci->dnsq : 0, dot = e->dot, nsq_i, nsq_j;
    long n = (long)e->n;
    if (dj == 0 && di == 0)
        return e->sim;
    if (dj > 0 && di > 0)
        for (size_t x = 0; x < q->n_avoid; x++) {
            const struct entry *a = find_entry(m, q->avoid[x], j), *b;
            if (!a || !(b = find_entry(m, q->avoid[x], e->item)))
                continue;
            double va = (float)(cf_value(&m->w, a) * user_weight(m, q->avoid[x]));
            double vb = (float)cf_value(&m->w, b);
            if (va > 0 && vb > 0) {
                dot -= va * vb;
                n--;
            }
        }
    nsq_j = m->nsq[j] - dj;
    nsq_i = m->nsq[e->item] - di;
    if (n <= 0 || dot <= 1e-9 || nsq_i <= 1e-9 || nsq_j <= 1e-9)
        return 0;
    return (float)(dot / (pow(nsq_j, m->w.sim_alpha) * pow(nsq_i, m->w.sim_beta)) * n /
                   (n + m->w.shrinkage));
}

/* Fills the friends part of a result: friends who rated item, best stars first. */
static void explain_friends(const struct rec_model *m, const struct query *q, uint32_t item,
                            struct rec_result *r)
{
    int best_stars[3] = {0, 0, 0}, sum = 0;
    for (size_t f = 0; f < q->n_friends; f++) {
        uint32_t u = q->friends[f];
        const struct entry *e;
        if (q->n_avoid && in_sorted(q->avoid, q->n_avoid, u))
            continue;
        e = find_entry(m, u, item);
        if (!e || !e->stars)
            continue;
        sum += e->stars;
        r->n_friends++;
        /* insertion into the best 3 (friends come in id order: ties keep the lower id) */
        for (int k = 0; k < 3; k++) {
            if (k < r->n_friends - 1 && best_stars[k] >= e->stars)
                continue;
            for (int s = 2; s > k; s--) {
                best_stars[s] = best_stars[s - 1];
                r->friend_ids[s] = r->friend_ids[s - 1];
            }
            best_stars[k] = e->stars;
            r->friend_ids[k] = m->user_ids[u];
            break;
        }
    }
    if (r->n_friends)
        r->friends_avg = (double)sum / r->n_friends;
}

/* Scales x by the largest magnitude in the set (so the strongest signal is 1). */
static double scaled(double x, double maxabs)
{
    return maxabs > 0 ? x / maxabs : 0;
}

static int run_query(const struct rec_model *m, const struct query *q, size_t n,
                     struct rec_result *out, size_t *nout)
{
    const struct rec_weights *w = &m->w;
    struct cset cs = {0};
    struct pick *heap = NULL;
    double *learned = NULL, *city_share = NULL, total_p = 0, total_v = 0;
    double cf_max = 0, soc_max = 0, pop_max = 0, csum = w->city + w->cuisine + w->price;
    uint8_t *explicit_cui = NULL;
    uint32_t home = q->city, top_learned[3] = {NONE, NONE, NONE};
    size_t bound = 0, P = (size_t)w->candidates, nh = 0;
    int rc = FC_ERR;

    *nout = 0;
    if (n > m->n_items)
        n = m->n_items;
    learned = calloc(m->cuisines.n + 1, sizeof *learned);
    city_share = calloc(m->cities.n + 1, sizeof *city_share);
    explicit_cui = calloc(m->cuisines.n + 1, 1);
    heap = malloc((n + 1) * sizeof *heap);
    if (!learned || !city_share || !explicit_cui || !heap)
        goto out;
    for (size_t i = 0; i < q->n_cui; i++)
        explicit_cui[q->cui[i]] = 1;

    /* the profile learnt from the history: cuisines of liked items, cities visited */
    for (size_t h = 0; h < q->n_hist; h++) {
        const struct entry *e = &q->hist[h];
        uint32_t c = m->item_city[e->item];
        double p = pref_value(w, e), v = cf_value(w, e);
        if (c != NONE)
            city_share[c] += v;
        total_v += v;
        if (p <= 0)
            continue;
        total_p += p;
        for (uint32_t x = m->item_cui_off[e->item]; x < m->item_cui_off[e->item + 1]; x++)
            learned[m->item_cui[x]] += p;
    }
    for (size_t c = 0; c < m->cities.n; c++) {
        city_share[c] = total_v > 0 ? city_share[c] / total_v : 0;
        if (q->city == NONE && city_share[c] > 0 &&
            (home == NONE || city_share[c] > city_share[home]))
            home = (uint32_t)c;
    }
    for (size_t c = 0; c < m->cuisines.n; c++) {
        learned[c] = total_p > 0 ? learned[c] / total_p : 0;
        for (int k = 0; k < 3; k++)
            if (learned[c] > 0 &&
                (top_learned[k] == NONE || learned[c] > learned[top_learned[k]])) {
                for (int s = 2; s > k; s--)
                    top_learned[s] = top_learned[s - 1];
                top_learned[k] = (uint32_t)c;
                break;
            }
    }

    /* an upper bound of the candidates, so the set never grows */
    bound = q->n_hist + P * (q->n_cui + 6); /* global, 2 cities, cuisines + 3 learnt */
    for (size_t h = 0; h < q->n_hist; h++)
        bound += m->nb_off[q->hist[h].item + 1] - m->nb_off[q->hist[h].item];
    for (size_t f = 0; f < q->n_friends; f++)
        bound += m->row_off[q->friends[f] + 1] - m->row_off[q->friends[f]];
    for (size_t x = 0; x < q->n_avoid; x++)
        bound += m->row_off[q->avoid[x] + 1] - m->row_off[q->avoid[x]];
    if (bound > m->n_items)
        bound = m->n_items;
    if (cset_init(&cs, bound))
        goto out;

    for (size_t h = 0; h < q->n_hist; h++)
        if (q->hist[h].stars)
            cset_get(&cs, q->hist[h].item)->rated = 1;
    /* what the ignored users contributed to norms and popularity */
    for (size_t x = 0; x < q->n_avoid; x++)
        for (size_t r = m->row_off[q->avoid[x]]; r < m->row_off[q->avoid[x] + 1]; r++) {
            struct cand *c = cset_get(&cs, m->rows[r].item);
            double v = cf_value(w, &m->rows[r]);
            c->dnsq += (double)(float)v * (float)v;
            c->dpop += v;
        }

    /* (a) item-to-item CF from the history */
    for (size_t h = 0; h < q->n_hist; h++) {
        uint32_t j = q->hist[h].item;
        double p = pref_value(w, &q->hist[h]);
        if (p == 0)
            continue;
        for (size_t x = m->nb_off[j]; x < m->nb_off[j + 1]; x++) {
            const struct nb *e = &m->nbs[x];
            double sim = q->n_avoid ? corrected_sim(m, q, &cs, j, e) : e->sim, contrib;
            struct cand *c;
            if (sim <= 0)
                continue;
            contrib = sim * p;
            c = cset_get(&cs, e->item);
            c->cf += (float)contrib;
            /* "because you liked X" names only an item the user rated 4 stars or more */
            if (q->hist[h].stars >= 4 && contrib > c->because_w) {
                c->because_w = (float)contrib;
                c->because = j;
            }
        }
    }
    /* (b) friends' ratings and saves */
    for (size_t f = 0; f < q->n_friends; f++) {
        uint32_t u = q->friends[f];
        if (q->n_avoid && in_sorted(q->avoid, q->n_avoid, u))
            continue;
        for (size_t r = m->row_off[u]; r < m->row_off[u + 1]; r++) {
            double s = social_value(w, &m->rows[r]);
            if (s != 0)
                cset_get(&cs, m->rows[r].item)->social += (float)s;
        }
    }
    /* (c, d) popular items overall, in the home city, in the favourite cuisines */
    for (size_t i = 0; i < m->n_top_global; i++)
        cset_get(&cs, m->top_global[i]);
    for (int k = 0; k < 2; k++) {
        uint32_t c = k ? home : q->city;
        if (c == NONE || (k && home == q->city))
            continue;
        for (uint32_t x = m->top_city_off[c]; x < m->top_city_off[c + 1]; x++)
            cset_get(&cs, m->top_city[x]);
    }
    for (size_t k = 0; k < q->n_cui + 3; k++) {
        uint32_t c = k < q->n_cui ? q->cui[k] : top_learned[k - q->n_cui];
        if (c == NONE)
            continue;
        for (uint32_t x = m->top_cui_off[c]; x < m->top_cui_off[c + 1]; x++)
            cset_get(&cs, m->top_cui[x]);
    }

    for (size_t i = 0; i < cs.n; i++) {
        const struct cand *c = &cs.c[i];
        double pop = log1p(fmax(0, m->pop[c->item] - c->dpop));
        if (c->rated)
            continue;
        cf_max = fmax(cf_max, fabs(c->cf));
        soc_max = fmax(soc_max, fabs(c->social));
        pop_max = fmax(pop_max, pop);
    }
    for (size_t i = 0; i < cs.n; i++) {
        const struct cand *c = &cs.c[i];
        uint32_t it = c->item, city = m->item_city[it];
        double cityv = 0, cui = 0, content = 0, score;
        if (c->rated)
            continue;
        if (city != NONE)
            cityv = city == q->city ? 1.0 : city_share[city];
        for (uint32_t x = m->item_cui_off[it]; x < m->item_cui_off[it + 1]; x++) {
            uint32_t k = m->item_cui[x];
            cui = fmax(cui, explicit_cui[k] ? 1.0 : learned[k]);
        }
        if (csum > 0)
            content = (w->city * cityv + w->cuisine * cui +
                       w->price * price_match(q->price, m->item_price[it])) /
                      csum;
        /* popularity also breaks ties (1e-6), so a weight of 0 still never ranks by id */
        score = w->cf * scaled(c->cf, cf_max) + w->social * scaled(c->social, soc_max) +
                w->content * content +
                (w->popularity + 1e-6) * scaled(log1p(fmax(0, m->pop[it] - c->dpop)), pop_max);
        heap_push_pick(heap, &nh, n, (struct pick){score, m->item_ids[it], i});
    }
    qsort(heap, nh, sizeof *heap, cmp_pick_best);

    for (size_t k = 0; k < nh; k++) {
        const struct cand *c = &cs.c[heap[k].c];
        struct rec_result *r = &out[k];
        uint32_t it = c->item, city = m->item_city[it], best_cui = NONE;
        double s_pop, s_city = -1, s_cui = -1, cuiv = 0;
        memset(r, 0, sizeof *r);
        r->item = m->item_ids[it];
        r->score = heap[k].score;
        explain_friends(m, q, it, r);
        if (c->because != NONE && c->because_w > 0)
            r->because_item = m->item_ids[c->because];
        for (uint32_t x = m->item_cui_off[it]; x < m->item_cui_off[it + 1]; x++) {
            uint32_t cq = m->item_cui[x];
            double v = explicit_cui[cq] ? 1.0 : learned[cq];
            if (v > cuiv) {
                cuiv = v;
                best_cui = cq;
            }
        }
        if (best_cui != NONE)
            fc_strlcpy(r->cuisine, m->cuisines.name[best_cui], sizeof r->cuisine);
        if (city != NONE)
            fc_strlcpy(r->city, m->cities.name[city], sizeof r->city);
        /* the reason: friends who liked it, else a liked item that weighs, else the stronger
         * of home city and cuisine, else plain popularity */
        s_pop = w->popularity * scaled(log1p(fmax(0, m->pop[it] - c->dpop)), pop_max);
        if (city != NONE && city == home)
            s_city = s_pop + (csum > 0 ? w->content * w->city / csum : 0);
        if (best_cui != NONE && csum > 0)
            s_cui = w->content * w->cuisine * cuiv / csum;
        if (r->n_friends && r->friends_avg >= 3.5 && c->social > 0 && w->social > 0)
            r->reason = REC_WHY_FRIENDS;
        else if (r->because_item && w->cf > 0 && scaled(c->cf, cf_max) >= 0.2)
            r->reason = REC_WHY_BECAUSE;
        else if (s_city > 0 && s_city >= s_cui)
            r->reason = REC_WHY_POPULAR_CITY;
        else if (s_cui > 0)
            r->reason = REC_WHY_CUISINE;
        else
            r->reason = REC_WHY_POPULAR;
    }
    *nout = nh;
    rc = FC_OK;
out:
    cset_free(&cs);
    free(heap);
    free(learned);
    free(city_share);
    free(explicit_cui);
    return rc;
}

/* The query of a user the model knows. */
static void user_query(const struct rec_model *m, uint32_t u, struct query *q)
{
    memset(q, 0, sizeof *q);
    q->city = m->user_city[u];
    q->price = m->user_price[u];
    q->cui = m->user_cui + m->user_cui_off[u];
    q->n_cui = m->user_cui_off[u + 1] - m->user_cui_off[u];
    q->hist = m->rows + m->row_off[u];
    q->n_hist = m->row_off[u + 1] - m->row_off[u];
    q->friends = m->fr + m->fr_off[u];
    q->n_friends = m->fr_off[u + 1] - m->fr_off[u];
    q->avoid = m->av + m->av_off[u];
    q->n_avoid = m->av_off[u + 1] - m->av_off[u];
}

int rec_recommend(const struct rec_model *m, int64_t user, size_t n, struct rec_result *out,
                  size_t *nout)
{
    struct query q;
    uint32_t u = imap_get(&m->umap, user);
    if (u == NONE) {
        memset(&q, 0, sizeof q);
        q.city = NONE;
    } else {
        user_query(m, u, &q);
    }
    return run_query(m, &q, n, out, nout);
}

int rec_recommend_profile(const struct rec_model *m, const struct rec_user *p, size_t n,
                          struct rec_result *out, size_t *nout)
{
    struct query q;
    uint32_t u = imap_get(&m->umap, p->id), cui[MAX_TOKS];
    const char *s = p->cuisines;
    size_t nc = 0;
    if (u == NONE)
        memset(&q, 0, sizeof q);
    else
        user_query(m, u, &q);
    q.city = strtab_find(&m->cities, p->city);
    q.price = parse_price(p->price);
    while (*s && nc < MAX_TOKS) {
        char tok[256];
        size_t len = strcspn(s, ",;");
        uint32_t id;
        snprintf(tok, sizeof tok, "%.*s", (int)(len < 255 ? len : 255), s);
        id = strtab_find(&m->cuisines, tok);
        if (id != NONE && !in_sorted(cui, nc, id)) {
            size_t at = nc++;
            while (at && cui[at - 1] > id) {
                cui[at] = cui[at - 1];
                at--;
            }
            cui[at] = id;
        }
        s += len;
        if (*s)
            s++;
    }
    q.cui = cui;
    q.n_cui = nc;
    return run_query(m, &q, n, out, nout);
}

int rec_similar(const struct rec_model *m, int64_t item, size_t n, struct rec_result *out,
                size_t *nout)
{
    const struct rec_weights *w = &m->w;
    uint32_t i = imap_get(&m->imap, item), city;
    struct cset cs = {0};
    struct pick *heap = NULL;
    size_t nh = 0, ncui, bound;
    const uint32_t *cuis;
    double cf_max = 0, pop_max = 0, csum = w->city + w->cuisine + w->price;
    int rc = FC_ERR;

    *nout = 0;
    if (i == NONE)
        return FC_NOTFOUND;
    if (n > m->n_items)
        n = m->n_items;
    city = m->item_city[i];
    cuis = m->item_cui + m->item_cui_off[i];
    ncui = m->item_cui_off[i + 1] - m->item_cui_off[i];
    bound = 1 + (m->nb_off[i + 1] - m->nb_off[i]) + (size_t)w->candidates * (ncui + 1);
    heap = malloc((n + 1) * sizeof *heap);
    if (!heap || cset_init(&cs, bound < m->n_items ? bound : m->n_items))
        goto out;
    cset_get(&cs, i)->rated = 1;
    for (size_t x = m->nb_off[i]; x < m->nb_off[i + 1]; x++)
        cset_get(&cs, m->nbs[x].item)->cf = m->nbs[x].sim;
    if (city != NONE)
        for (uint32_t x = m->top_city_off[city]; x < m->top_city_off[city + 1]; x++)
            cset_get(&cs, m->top_city[x]);
    for (size_t k = 0; k < ncui; k++)
        for (uint32_t x = m->top_cui_off[cuis[k]]; x < m->top_cui_off[cuis[k] + 1]; x++)
            cset_get(&cs, m->top_cui[x]);
    for (size_t k = 0; k < cs.n; k++) {
        cf_max = fmax(cf_max, cs.c[k].rated ? 0 : cs.c[k].cf);
        pop_max = fmax(pop_max, cs.c[k].rated ? 0 : log1p(m->pop[cs.c[k].item]));
    }
    for (size_t k = 0; k < cs.n; k++) {
        const struct cand *c = &cs.c[k];
        uint32_t it = c->item;
        size_t shared = 0;
        double content = 0, score;
        if (c->rated)
            continue;
        for (uint32_t x = m->item_cui_off[it]; x < m->item_cui_off[it + 1]; x++)
            shared += in_sorted(cuis, ncui, m->item_cui[x]);
        if (csum > 0)
            content = (w->city * (city != NONE && m->item_city[it] == city) +
                       w->cuisine * (ncui ? (double)shared / ncui : 0) +
                       w->price * price_match(m->item_price[i], m->item_price[it])) /
                      csum;
        score = w->cf * scaled(c->cf, cf_max) + w->content * content +
                w->popularity * scaled(log1p(m->pop[it]), pop_max);
        heap_push_pick(heap, &nh, n, (struct pick){score, m->item_ids[it], k});
    }
    qsort(heap, nh, sizeof *heap, cmp_pick_best);
    for (size_t k = 0; k < nh; k++) {
        const struct cand *c = &cs.c[heap[k].c];
        struct rec_result *r = &out[k];
        uint32_t it = c->item;
        memset(r, 0, sizeof *r);
        r->item = m->item_ids[it];
        r->score = heap[k].score;
        if (m->item_city[it] != NONE)
            fc_strlcpy(r->city, m->cities.name[m->item_city[it]], sizeof r->city);
        for (uint32_t x = m->item_cui_off[it]; x < m->item_cui_off[it + 1] && !r->cuisine[0]; x++)
            if (in_sorted(cuis, ncui, m->item_cui[x]))
                fc_strlcpy(r->cuisine, m->cuisines.name[m->item_cui[x]], sizeof r->cuisine);
        if (c->cf > 0) {
            r->reason = REC_WHY_BECAUSE;
            r->because_item = item;
        } else if (r->cuisine[0]) {
            r->reason = REC_WHY_CUISINE;
        } else if (city != NONE && m->item_city[it] == city) {
            r->reason = REC_WHY_POPULAR_CITY;
        } else {
            r->reason = REC_WHY_POPULAR;
        }
    }
    *nout = nh;
    rc = FC_OK;
out:
    cset_free(&cs);
    free(heap);
    return rc;
}
