/* store/dynamodb_catalog: the restaurant catalog index kept per store handle for a bounded time.
 *
 * Every restaurant search (the list page, its filters, the home page's best rated, a city's
 * centre, a place's neighbours) starts with one Query of the catalog index (gsi2 partition
 * RESTS: id, lname, city, price, cuis). Those attributes change only when restaurants are
 * imported (`forkcast import-uci`, `dynamodb copy`): the web pages never write them. So the
 * index's items are kept after a read and used again, instead of the Query, while they are
 * younger than Store.DynamoDB.CatalogSeconds (default 60; 0: the Query every time).
 *
 * The staleness rule: a restaurant imported (or renamed, moved, re-priced) by another process
 * or host shows in this process's searches at most CatalogSeconds later; a write through this
 * handle (rest_upsert, import_row of a restaurant, wipe) forgets the kept items at once. What a
 * search shows of each restaurant (its name, coordinates, rating totals...) is still read fresh
 * from the restaurant's item, by the search's BatchGetItem: only which restaurants match comes
 * from the kept index. The rating totals never come from here. */
#include "core/util.h"
#include "store/dynamodb.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct dynamo_catalog {
    pthread_mutex_t mu;
    json_object *items; /* the index's items as read (an array), or NULL */
    int64_t at_ms;      /* when they were read (CLOCK_MONOTONIC) */
    /* rest_places: every restaurant's catalog fields (rating totals 0), in name order */
    struct fc_restaurant *places;
    int nplaces, has_places;
    int64_t places_ms;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct collect {
    struct fc_dynamo *d;
    json_object *arr;
};

/* Keeps every item, and one more than a search may read (the caller's callback stops there and
 * says so, as it would have with the Query). */
static int collect_each(void *ctx, json_object *it)
{
    struct collect *c = ctx;
    json_object_array_add(c->arr, json_object_get(it));
    return json_object_array_length(c->arr) > (size_t)c->d->search_max ? 1 : 0;
}

/* The kept items (a new reference) when fresh, else NULL. */
static json_object *kept(struct fc_dynamo *d)
{
    json_object *items = NULL;
    if (!d->catalog)
        return NULL;
    pthread_mutex_lock(&d->catalog->mu);
    if (d->catalog->items && mono_ms() - d->catalog->at_ms < (int64_t)d->catalog_seconds * 1000)
        items = json_object_get(d->catalog->items);
    pthread_mutex_unlock(&d->catalog->mu);
    return items;
}

/* Keeps items (NULL: forgets); the references change under the lock (json-c counts are not
 * atomic). */
static void keep(struct fc_dynamo *d, json_object *items, int64_t at)
{
    if (!d->catalog)
        return;
    pthread_mutex_lock(&d->catalog->mu);
    json_object_put(d->catalog->items);
    d->catalog->items = json_object_get(items);
    d->catalog->at_ms = at;
    pthread_mutex_unlock(&d->catalog->mu);
}

/* Keeps rows[0..n) as the places (NULL: forgets them); the old ones are freed. */
static void keep_places(struct fc_dynamo *d, struct fc_restaurant *rows, int n, int64_t at)
{
    struct fc_restaurant *old;
    int nold;
    if (!d->catalog) {
        fc_restaurants_free(rows, n);
        return;
    }
    pthread_mutex_lock(&d->catalog->mu);
    old = d->catalog->places;
    nold = d->catalog->nplaces;
    d->catalog->places = rows;
    d->catalog->nplaces = rows ? n : 0;
    d->catalog->has_places = rows != NULL;
    d->catalog->places_ms = at;
    pthread_mutex_unlock(&d->catalog->mu);
    fc_restaurants_free(old, nold);
}

static void release(struct fc_dynamo *d, json_object *items)
{
    if (!d->catalog) {
        json_object_put(items);
        return;
    }
    pthread_mutex_lock(&d->catalog->mu);
    json_object_put(items);
    pthread_mutex_unlock(&d->catalog->mu);
}

int dynamo_catalog_each(struct fc_dynamo *d, json_object *req, dynamo_item_fn fn, void *ctx)
{
    json_object *items;
    struct collect c = {d, NULL};
    int64_t at;
    int rc = FC_OK;

    if (d->catalog_seconds <= 0)
        return dynamo_each(d, "Query", req, 0, fn, ctx);
    if (!(items = kept(d))) {
        at = mono_ms();
        c.arr = json_object_new_array();
        if ((rc = dynamo_each(d, "Query", req, 0, collect_each, &c))) {
            json_object_put(c.arr);
            return rc;
        }
        keep(d, c.arr, at); /* kept with a reference of its own: c.arr is ours */
        items = c.arr;
    }
    for (size_t i = 0, n = json_object_array_length(items); i < n; i++) {
        int r = fn(ctx, json_object_array_get_idx(items, i));
        if (r == 1)
            break;
        if (r) {
            rc = r;
            break;
        }
    }
    release(d, items);
    return rc;
}

int dynamo_catalog_names(struct fc_dynamo *d, struct dynamo_keys *k, const char *projection,
                         json_object **found)
{
    json_object *items = d->catalog_seconds > 0 ? kept(d) : NULL, *f;
    size_t nk = json_object_array_length(k->list), ni;

    if (!items)
        return dynamo_batch_get(d, k, projection, found);
    f = json_object_new_object();
    ni = json_object_array_length(items);
    for (size_t i = 0; i < nk; i++) {
        json_object *key = json_object_array_get_idx(k->list, i), *it = NULL, *copy;
        const char *pk = dynamo_get_s(key, "pk");
        int64_t id = strncmp(pk, "RST#", 4) == 0 ? strtoll(pk + 4, NULL, 10) : 0;
        for (size_t j = 0; id && strcmp(dynamo_get_s(key, "sk"), "RESTAURANT") == 0 && j < ni; j++)
            if (dynamo_get_n(json_object_array_get_idx(items, j), "id") == id) {
                it = json_object_array_get_idx(items, j);
                break;
            }
        if (!it) { /* not in the kept catalog (newer than it?): read them all */
            json_object_put(f);
            release(d, items);
            return dynamo_batch_get(d, k, projection, found);
        }
        copy = json_object_new_object(); /* new values: the kept ones are shared */
        dynamo_set(copy, "pk", dynamo_s(pk));
        dynamo_set(copy, "sk", dynamo_s("RESTAURANT"));
        dynamo_set(copy, "name", dynamo_s(dynamo_get_s(it, "name")));
        dynamo_set(copy, "city", dynamo_s(dynamo_get_s(it, "city")));
        dynamo_found_put(f, copy);
    }
    release(d, items);
    *found = f;
    return FC_OK;
}

int dynamo_catalog_init(struct fc_dynamo *d)
{
    if (!(d->catalog = calloc(1, sizeof *d->catalog)))
        return FC_ERR;
    if (pthread_mutex_init(&d->catalog->mu, NULL)) {
        free(d->catalog);
        d->catalog = NULL;
        return FC_ERR;
    }
    return FC_OK;
}

void dynamo_catalog_forget(struct fc_dynamo *d)
{
    keep(d, NULL, 0);
    keep_places(d, NULL, 0, 0);
}

void dynamo_catalog_free(struct fc_dynamo *d)
{
    if (!d->catalog)
        return;
    json_object_put(d->catalog->items);
    fc_restaurants_free(d->catalog->places, d->catalog->nplaces);
    pthread_mutex_destroy(&d->catalog->mu);
    free(d->catalog);
    d->catalog = NULL;
}

/* ---- rest_places ------------------------------------------------------------------------------
 */

struct place_key {
    int64_t id;
    char *lname;
};

struct place_keys {
    struct fc_dynamo *d;
    const char *city; /* only this city's ("": all) */
    struct place_key *v;
    size_t n, cap;
    long seen;
};

static int place_each(void *ctx, json_object *it)
{
    struct place_keys *k = ctx;
    if (dynamo_search_over(k->d, &k->seen, "restaurant places", "items"))
        return 1;
    if (*k->city && strcmp(dynamo_get_s(it, "city"), k->city) != 0)
        return 0;
    if (fc_grow(&k->v, &k->cap, k->n + 1, sizeof *k->v, 256))
        return FC_ERR;
    k->v[k->n].id = dynamo_get_n(it, "id");
    if (!(k->v[k->n].lname = strdup(dynamo_get_s(it, "lname"))))
        return FC_ERR;
    k->n++;
    return 0;
}

/* rest_search's name order (dynamodb.c's cmp_cat): the lowercased name, then the id. */
static int cmp_place(const void *a, const void *b)
{
    const struct place_key *x = a, *y = b;
    int c = strcmp(x->lname, y->lname);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* Reads the catalog fields of city's restaurants ("": every one, to keep), in name order, the
 * first max, into *out (the index Query read afresh, then the restaurants' items: one
 * BatchGetItem per 100). */
static int places_read(struct fc_store *s, const char *city, size_t max, struct fc_restaurant **out,
                       int *n)
{
    struct fc_dynamo *d = (struct fc_dynamo *)s;
    struct place_keys k = {d, city, NULL, 0, 0, 0};
    struct fc_restaurant *rows = NULL;
    json_object *req = dynamo_req(d);
    int64_t *ids = NULL;
    int rc, m = 0;

    *out = NULL;
    *n = 0;
    json_object_object_add(req, "IndexName", json_object_new_string("gsi2"));
    dynamo_expr(req, "KeyConditionExpression", "#gsi2pk = :p");
    dynamo_expr(req, "ProjectionExpression", DYNAMO_CATALOG_PROJ);
    dynamo_val(req, ":p", dynamo_s("RESTS"));
    keep(d, NULL, 0); /* the index read now, so that the places are no older than it */
    rc = dynamo_catalog_each(d, req, place_each, &k);
    json_object_put(req);
    if (rc)
        goto out;
    if (k.n > 1)
        qsort(k.v, k.n, sizeof *k.v, cmp_place);
    for (size_t i = max; i < k.n; i++) /* past the most asked: not read */
        free(k.v[i].lname);
    if (k.n > max)
        k.n = max;
    rc = FC_ERR;
    if (!(ids = calloc(k.n ? k.n : 1, sizeof *ids)) ||
        !(rows = calloc(k.n ? k.n : 1, sizeof *rows)))
        goto out;
    for (size_t i = 0; i < k.n; i++)
        ids[i] = k.v[i].id;
    if (k.n && (rc = s->ops->rest_get_many(s, ids, (int)k.n, rows)))
        goto out;
    for (size_t i = 0; i < k.n; i++) {
        if (!rows[i].id) { /* gone since the index was read */
            fc_restaurant_clear(&rows[i]);
            continue;
        }
        rows[m] = rows[i];
        if ((size_t)m != i)
            memset(&rows[i], 0, sizeof rows[i]);
        rows[m].avg_stars = 0; /* the rating totals are never kept */
        rows[m].review_count = 0;
        m++;
    }
    *out = rows;
    *n = m;
    rows = NULL;
    rc = FC_OK;
out:
    for (size_t i = 0; i < k.n; i++)
        free(k.v[i].lname);
    free(k.v);
    free(ids);
    free(rows);
    return rc;
}

/* Copies of the rows of src[0..nsrc) in city ("": all), at most max, into *out. */
static int pick(const struct fc_restaurant *src, int nsrc, const char *city, int max,
                struct fc_restaurant **out, int *n)
{
    struct fc_restaurant *rows = calloc((size_t)(nsrc > 0 ? nsrc : 1), sizeof *rows);
    int k = 0;
    if (!rows)
        return FC_ERR;
    for (int i = 0; i < nsrc && k < max; i++) {
        if (*city && strcmp(src[i].city ? src[i].city : "", city) != 0)
            continue;
        if (fc_restaurant_copy(&rows[k], &src[i])) {
            fc_restaurants_free(rows, k);
            return FC_ERR;
        }
        k++;
    }
    *out = rows;
    *n = k;
    return FC_OK;
}

int dynamo_rest_places(struct fc_store *s, const char *city, int max, struct fc_restaurant **out,
                       int *n)
{
    struct fc_dynamo *d = (struct fc_dynamo *)s;
    struct dynamo_catalog *c = d->catalog;
    struct fc_restaurant *all = NULL;
    int nall = 0, rc;
    int64_t at;

    *out = NULL;
    *n = 0;
    if (!city)
        city = "";
    if (c && d->catalog_seconds > 0) {
        pthread_mutex_lock(&c->mu);
        if (c->has_places && mono_ms() - c->places_ms < (int64_t)d->catalog_seconds * 1000) {
            rc = pick(c->places, c->nplaces, city, max, out, n);
            pthread_mutex_unlock(&c->mu);
            return rc;
        }
        pthread_mutex_unlock(&c->mu);
    }
    at = mono_ms();
    if (!c || d->catalog_seconds <= 0) /* nothing kept: the city's restaurants alone */
        return places_read(s, city, max > 0 ? (size_t)max : 0, out, n);
    if ((rc = places_read(s, "", (size_t)-1, &all, &nall)))
        return rc;
    rc = pick(all, nall, city, max, out, n);
    keep_places(d, all, nall, at); /* the kept rows now */
    return rc;
}
