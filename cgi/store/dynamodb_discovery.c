/* store/dynamodb_discovery: the DynamoDB side of discovery (issue #16). A search in an order
 * other than by name, or open at a time, reads the matching restaurants of the catalog whole
 * (BatchGetItem, 100 a call: their rating totals are not in the catalog index), the viewer's
 * friends' ratings from the viewer's feed partition (one Query) when sorting by them, and sorts
 * in memory by the same functions SQLite's ORDER BY calls (fc_rules_bayes, fc_geo_km,
 * fc_hours_open_now). Also a city's centre, a restaurant's star counts (one Query of its
 * reviews' index) and its reviews from an offset. */
#include "core/geo.h"
#include "core/hours.h"
#include "core/util.h"
#include "store/dynamodb.h"
#include "store/rules.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct fc_dynamo *D(struct fc_store *s)
{
    return (struct fc_dynamo *)s;
}

/* The restaurants of ids[0..n) (whole items), into *out (fc_restaurants_free(*out, *m)), *m of
 * them; on failure nothing is left to free. */
static int read_all(struct fc_dynamo *d, const int64_t *ids, size_t n, struct fc_restaurant **out,
                    size_t *m)
{
    struct dynamo_keys k;
    json_object *found = NULL;
    int rc = FC_ERR;
    *out = NULL;
    *m = 0;
    dynamo_keys_init(&k);
    if (!(*out = calloc(n ? n : 1, sizeof **out)))
        goto out;
    for (size_t i = 0; i < n; i++) {
        char pk[32];
        dynamo_rest_pk(pk, ids[i]);
        dynamo_keys_add(&k, pk, "RESTAURANT");
    }
    if (n && (rc = dynamo_batch_get(d, &k, NULL, &found)))
        goto out;
    for (size_t i = 0; i < n; i++) {
        char pk[32];
        json_object *it;
        dynamo_rest_pk(pk, ids[i]);
        if ((it = dynamo_found(found, pk, "RESTAURANT"))) {
            if ((rc = dynamo_item_rest(it, &(*out)[*m])))
                goto out;
            (*m)++;
        }
    }
    rc = FC_OK;
out:
    json_object_put(found);
    dynamo_keys_free(&k);
    if (rc) {
        fc_restaurants_free(*out, (int)*m);
        *out = NULL;
        *m = 0;
    }
    return rc;
}

/* ---- the friends' ratings -------------------------------------------------------------------- */

struct fr_entry {
    int64_t rid, uid;
    int stars;
};

struct fr_ctx {
    struct fr_entry *e;
    size_t n, cap;
};

static int fr_each(void *ctx, json_object *it)
{
    struct fr_ctx *c = ctx;
    if (fc_grow(&c->e, &c->cap, c->n + 1, sizeof *c->e, 64))
        return FC_ERR;
    c->e[c->n].rid = dynamo_get_n(it, "restaurant_id");
    c->e[c->n].uid = dynamo_get_n(it, "user_id");
    c->e[c->n].stars = (int)dynamo_get_n(it, "stars");
    c->n++;
    return FC_OK;
}

static int cmp_rest_id(const void *a, const void *b)
{
    const struct fc_restaurant *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

/* Fills friends_count and friends_avg of rows[0..n) (sorted by id here): the viewer's friends'
 * reviews as the viewer's feed holds them (the fan-out keeps it to current friends), disabled
 * authors left out, as SQLite's friends_rating rule. */
static int friends_ratings(struct fc_dynamo *d, int64_t viewer, struct fc_restaurant *rows,
                           size_t n)
{
    struct fr_ctx c = {0};
    struct dynamo_keys k;
    json_object *req = dynamo_req(d), *au = NULL;
    char pk[32];
    int rc;

    dynamo_keys_init(&k);
    snprintf(pk, sizeof pk, "FEED#%" PRId64, viewer);
    dynamo_expr(req, "KeyConditionExpression", "#pk = :pk");
    dynamo_expr(req, "FilterExpression", "#kind = :review");
    dynamo_expr(req, "ProjectionExpression", "#restaurant_id, #user_id, #stars");
    dynamo_val(req, ":pk", dynamo_s(pk));
    dynamo_val(req, ":review", dynamo_n(FC_FEED_REVIEW));
    if ((rc = dynamo_each(d, "Query", req, 0, fr_each, &c)))
        goto out;
    for (size_t i = 0; i < c.n; i++)
        dynamo_keys_add_user(&k, c.e[i].uid);
    if (c.n && (rc = dynamo_batch_get(d, &k, "#disabled", &au)))
        goto out;
    if (n > 1)
        qsort(rows, n, sizeof *rows, cmp_rest_id);
    for (size_t i = 0; i < c.n; i++) {
        struct fc_restaurant key = {.id = c.e[i].rid}, *r;
        char upk[32];
        json_object *p;
        dynamo_user_pk(upk, c.e[i].uid);
        p = dynamo_found(au, upk, "PROFILE");
        if (!p || dynamo_get_n(p, "disabled"))
            continue;
        if (!(r = bsearch(&key, rows, n, sizeof *rows, cmp_rest_id)))
            continue;
        r->friends_avg =
            (r->friends_avg * r->friends_count + c.e[i].stars) / (r->friends_count + 1);
        r->friends_count++;
    }
out:
    json_object_put(req);
    json_object_put(au);
    dynamo_keys_free(&k);
    free(c.e);
    return rc;
}

/* ---- sorting --------------------------------------------------------------------------------- */

/* A row's place in an order: last (1: after all others), then k1, k2 ascending, name, id. */
struct sort_key {
    int last;
    double k1, k2;
    const struct fc_restaurant *r;
};

static int cmp_key(const void *a, const void *b)
{
    const struct sort_key *x = a, *y = b;
    int c;
    if (x->last != y->last)
        return x->last - y->last;
    if (x->k1 != y->k1)
        return x->k1 < y->k1 ? -1 : 1;
    if (x->k2 != y->k2)
        return x->k2 < y->k2 ? -1 : 1;
    /* SQLite's NOCASE: ASCII letters folded, other bytes as they are */
    if ((c = strcasecmp(x->r->name, y->r->name)))
        return c;
    return (x->r->id > y->r->id) - (x->r->id < y->r->id);
}

static void key_of(const struct fc_rest_query *q, const struct fc_restaurant *r, struct sort_key *k)
{
    /* the stars' sum back from the average the item gave (stars_sum / review_count): exact */
    double bayes = fc_rules_bayes(lround(r->avg_stars * r->review_count), r->review_count);
    memset(k, 0, sizeof *k);
    k->r = r;
    switch (q->sort) {
    case FC_SORT_RATING:
        k->k1 = -bayes;
        k->k2 = -(double)r->review_count;
        break;
    case FC_SORT_REVIEWS:
        k->k1 = -(double)r->review_count;
        k->k2 = -bayes;
        break;
    case FC_SORT_NEAREST:
        k->last = !r->has_coords;
        k->k1 = r->has_coords ? fc_geo_km(q->near_lat, q->near_lon, r->lat, r->lon) : 0;
        break;
    case FC_SORT_FRIENDS:
        k->last = r->friends_count == 0;
        k->k1 = -r->friends_avg;
        k->k2 = -(double)r->friends_count;
        break;
    default:
        break;
    }
}

int dynamo_rest_sorted(struct fc_store *s, const struct fc_rest_query *q, const int64_t *ids,
                       size_t n, struct fc_restaurant **out, int *nout, int *total)
{
    struct fc_dynamo *d = D(s);
    struct fc_restaurant *all = NULL, *rows = NULL;
    struct sort_key *keys = NULL;
    size_t m = 0, k = 0, off = q->offset > 0 ? (size_t)q->offset : 0;
    int rc, cnt = 0, limit = q->limit > 0 ? q->limit : 0;

    *out = NULL;
    *nout = 0;
    if ((rc = read_all(d, ids, n, &all, &m)))
        goto out;
    if (q->sort == FC_SORT_FRIENDS && q->viewer && m &&
        (rc = friends_ratings(d, q->viewer, all, m)))
        goto out;
    rc = FC_ERR;
    if (!(keys = calloc(m ? m : 1, sizeof *keys)) ||
        !(rows = calloc((size_t)(limit > 0 ? limit : 1), sizeof *rows)))
        goto out;
    for (size_t i = 0; i < m; i++) {
        if (q->open_at && fc_hours_open_now(all[i].hours, all[i].state, all[i].city, all[i].country,
                                            q->open_at) != 1)
            continue;
        key_of(q, &all[i], &keys[k++]);
    }
    if (k > 1)
        qsort(keys, k, sizeof *keys, cmp_key);
    for (size_t i = off; i < k && cnt < limit; i++) { /* the row's text moves to the page */
        struct fc_restaurant *r = &all[keys[i].r - all];
        rows[cnt++] = *r;
        r->name = r->address = r->city = r->cuisines = r->hours = r->url = NULL;
    }
    *total = (int)k;
    *out = rows;
    rows = NULL;
    *nout = cnt;
    rc = FC_OK;
out:
    fc_restaurants_free(all, (int)m);
    free(keys);
    fc_restaurants_free(rows, cnt);
    return rc;
}

int dynamo_rest_centre_of(struct fc_store *s, const int64_t *ids, size_t n, double *lat,
                          double *lon)
{
    struct fc_restaurant *all = NULL;
    size_t m = 0, with = 0;
    double sl = 0, so = 0;
    int rc = read_all(D(s), ids, n, &all, &m);
    if (rc == FC_OK) {
        for (size_t i = 0; i < m; i++)
            if (all[i].has_coords) {
                sl += all[i].lat;
                so += all[i].lon;
                with++;
            }
        rc = FC_NOTFOUND;
        if (with) {
            *lat = sl / (double)with;
            *lon = so / (double)with;
            rc = FC_OK;
        }
    }
    fc_restaurants_free(all, (int)m);
    return rc;
}

/* ---- a restaurant's page --------------------------------------------------------------------- */

static int star_each(void *ctx, json_object *it)
{
    int *counts = ctx;
    int64_t stars = dynamo_get_n(it, "stars");
    if (stars >= 1 && stars <= 5)
        counts[stars - 1]++;
    return FC_OK;
}

int dynamo_rest_star_counts(struct fc_store *s, int64_t rid, int counts[5])
{
    struct fc_dynamo *d = D(s);
    json_object *req = dynamo_req(d);
    char g1[40];
    int rc;
    memset(counts, 0, 5 * sizeof *counts);
    json_object_object_add(req, "IndexName", json_object_new_string("gsi1"));
    snprintf(g1, sizeof g1, "REST#%" PRId64, rid);
    dynamo_expr(req, "KeyConditionExpression", "#gsi1pk = :p");
    dynamo_expr(req, "ProjectionExpression", "#stars");
    dynamo_val(req, ":p", dynamo_s(g1));
    rc = dynamo_each(d, "Query", req, 0, star_each, counts);
    json_object_put(req);
    return rc;
}

int dynamo_reviews_of_restaurant_from(struct fc_store *s, int64_t rid, int64_t viewer, int offset,
                                      struct fc_review_row *out, int max, int *n)
{
    struct fc_review_row *all;
    int got = 0, rc;
    *n = 0;
    if (offset <= 0)
        return dynamo_reviews_of_restaurant(s, rid, viewer, out, max, n);
    if (max <= 0)
        return FC_OK;
    /* the friends-first order is made from the whole list: read up to the page's end */
    if (!(all = calloc((size_t)offset + (size_t)max, sizeof *all)))
        return FC_ERR;
    rc = dynamo_reviews_of_restaurant(s, rid, viewer, all, offset + max, &got);
    if (rc == FC_OK && got > offset) {
        *n = got - offset;
        memcpy(out, all + offset, (size_t)*n * sizeof *out); /* their texts move to out */
    }
    fc_review_rows_clear(all, got < offset ? got : offset); /* the earlier pages' texts */
    free(all);
    return rc;
}
