/* svc/visual: distances, a restaurant's neighbours, its gallery and its tile (svc/visual.h;
 * avatars are in svc/profiles.c, beside the profile rule they follow). */
#include "svc/visual.h"

#include "core/app.h"
#include "core/geo.h"
#include "core/map.h"
#include "core/util.h"
#include "core/visual.h"
#include "svc/content.h"

#include <stdlib.h>
#include <string.h>

/* Restaurants of a city read for its centre and a place's neighbours: more than any city of
 * the demo data has (San Luis Potosi: 85). */
#define CITY_MAX 400

/* The restaurants of city (at most CITY_MAX) into *out: fc_restaurants_free(*out, *n). Their
 * catalog fields only (store op rest_places: no rating totals, which a centre and a map do not
 * show; on DynamoDB usually no call, the catalog being kept for a while). */
static int city_rows(const struct fc_svc *sv, const char *city, struct fc_restaurant **out, int *n)
{
    return sv->app->store->ops->rest_places(sv->app->store, city, CITY_MAX, out, n);
}

/* The centre of city: the mean of its restaurants' coordinates among rows[0..n). */
static void centre_of(const struct fc_restaurant *rows, int n, const char *city,
                      struct fc_svc_origin *out)
{
    double lat = 0, lon = 0;
    int with = 0;
    for (int i = 0; i < n; i++)
        if (rows[i].has_coords) {
            lat += rows[i].lat;
            lon += rows[i].lon;
            with++;
        }
    if (with) {
        out->set = 1;
        out->lat = lat / with;
        out->lon = lon / with;
        fc_strlcpy(out->city, city, sizeof out->city);
    }
}

int fc_svc_bad_near(struct fc_svc_result *res)
{
    return fc_svc_fail(res, 422, "invalid_value", "near",
                       "near must be a point \"latitude,longitude\" in decimal degrees (latitude "
                       "-90 to 90, longitude -180 to 180), e.g. near=22.15,-100.98.");
}

/* A chosen point into out; 1 when there is none (the home city's centre may apply). */
static int chosen_point(const char *near, struct fc_svc_origin *out, struct fc_svc_result *res)
{
    memset(out, 0, sizeof *out);
    fc_svc_ok(res, 200);
    if (!near || !*near)
        return 1;
    if (fc_map_parse_point(near, &out->lat, &out->lon))
        return fc_svc_bad_near(res);
    out->set = out->chosen = 1;
    return FC_OK;
}

int fc_svc_origin(const struct fc_svc *sv, const char *near, struct fc_svc_origin *out,
                  struct fc_svc_result *res)
{
    struct fc_restaurant *rows = NULL;
    int n = 0, rc = chosen_point(near, out, res);

    if (rc != 1)
        return rc;
    if (!sv->actor || !sv->actor->city[0])
        return FC_OK;
    if (city_rows(sv, sv->actor->city, &rows, &n))
        return fc_svc_fail_store(sv, res, "city centre");
    centre_of(rows, n, sv->actor->city, out);
    fc_restaurants_free(rows, n);
    return FC_OK;
}

double fc_svc_distance_km(const struct fc_svc_origin *o, const struct fc_restaurant *r)
{
    if (!o || !o->set || !r->has_coords)
        return -1;
    return fc_geo_km(o->lat, o->lon, r->lat, r->lon);
}

struct near_row {
    double km;
    int i;
};

static int by_km(const void *a, const void *b)
{
    const struct near_row *x = a, *y = b;
    int c = FC_CMP(x->km, y->km);
    return c ? c : FC_CMP(x->i, y->i);
}

/* The max rows of rows[0..nrows) nearest to r (r left out), nearest first, malloc'ed; their
 * text moves from rows to *out. */
static int nearest_of(const struct fc_restaurant *r, struct fc_restaurant *rows, int nrows, int max,
                      struct fc_restaurant **out, int *n)
{
    struct near_row *order = NULL;
    int k = 0;

    *out = NULL;
    *n = 0;
    if (!r->has_coords || max < 1 || nrows < 1)
        return FC_OK;
    if (!(order = calloc((size_t)nrows, sizeof *order)))
        return FC_ERR;
    for (int i = 0; i < nrows; i++)
        if (rows[i].has_coords && rows[i].id != r->id) {
            order[k].km = fc_geo_km(r->lat, r->lon, rows[i].lat, rows[i].lon);
            order[k++].i = i;
        }
    if (k)
        qsort(order, (size_t)k, sizeof *order, by_km);
    if (k > max)
        k = max;
    if (k && !(*out = calloc((size_t)k, sizeof **out))) {
        free(order);
        return FC_ERR;
    }
    for (int j = 0; j < k; j++) {
        (*out)[j] = rows[order[j].i];
        memset(&rows[order[j].i], 0, sizeof rows[0]);
    }
    *n = k;
    free(order);
    return FC_OK;
}

int fc_svc_neighbours(const struct fc_svc *sv, const struct fc_restaurant *r, int max,
                      struct fc_restaurant **out, int *n, struct fc_svc_result *res)
{
    struct fc_restaurant *rows = NULL;
    int nrows = 0, rc;

    fc_svc_ok(res, 200);
    *out = NULL;
    *n = 0;
    if (!r->has_coords || max < 1)
        return FC_OK;
    if (city_rows(sv, r->city, &rows, &nrows))
        return fc_svc_fail_store(sv, res, "neighbours");
    rc = nearest_of(r, rows, nrows, max, out, n);
    fc_restaurants_free(rows, nrows);
    return rc ? fc_svc_fail_store(sv, res, "neighbours (no memory)") : FC_OK;
}

int fc_svc_place_area(const struct fc_svc *sv, const struct fc_restaurant *r, const char *near,
                      int max, struct fc_svc_origin *origin, struct fc_restaurant **out, int *n,
                      struct fc_svc_result *res)
{
    struct fc_restaurant *rows = NULL;
    int nrows = 0, rc = chosen_point(near, origin, res);

    *out = NULL;
    *n = 0;
    if (rc != 1) {
        if (rc)
            return rc;
        return fc_svc_neighbours(sv, r, max, out, n, res);
    }
    /* the home city is the place's: one read for its centre and the neighbours */
    if (!sv->actor || !sv->actor->city[0] || strcmp(sv->actor->city, r->city) != 0) {
        if (fc_svc_origin(sv, NULL, origin, res))
            return FC_EINVAL;
        return fc_svc_neighbours(sv, r, max, out, n, res);
    }
    if (city_rows(sv, r->city, &rows, &nrows))
        return fc_svc_fail_store(sv, res, "city centre and neighbours");
    centre_of(rows, nrows, r->city, origin);
    rc = nearest_of(r, rows, nrows, max, out, n);
    fc_restaurants_free(rows, nrows);
    return rc ? fc_svc_fail_store(sv, res, "neighbours (no memory)") : FC_OK;
}

int fc_svc_gallery(const struct fc_review_row *rows, int n, int *idx, int max)
{
    int k = 0;
    for (int i = 0; i < n && k < max; i++)
        if (rows[i].r.photo[0])
            idx[k++] = i;
    return k;
}

int fc_svc_tile(const struct fc_svc *sv, int64_t id, STRING *svg, struct fc_svc_result *res)
{
    struct fc_restaurant r;
    int rc;
    if (fc_svc_restaurant_get(sv, id, &r, res))
        return FC_EINVAL;
    rc = fc_visual_tile_svg(svg, r.name, r.cuisines);
    fc_restaurant_clear(&r);
    return rc;
}
