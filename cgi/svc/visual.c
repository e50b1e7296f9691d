/* svc/visual: distances, a restaurant's neighbours, its gallery and its tile (svc/visual.h;
 * avatars are in svc/profiles.c, beside the profile rule they follow). */
#include "svc/visual.h"

#include "core/app.h"
#include "core/geo.h"
#include "core/map.h"
#include "core/visual.h"
#include "svc/content.h"

#include <stdlib.h>
#include <string.h>

/* Restaurants of a city read for its centre and a place's neighbours: more than any city of
 * the demo data has (San Luis Potosi: 85). */
#define CITY_MAX 400

/* The restaurants of city (at most CITY_MAX), malloc'ed into *out. */
static int city_rows(const struct fc_svc *sv, const char *city, struct fc_restaurant **out, int *n)
{
    struct fc_rest_query q = {
        .text = "", .cuisine = "", .price = "", .city = city, .limit = CITY_MAX};
    int total = 0;
    return sv->app->store->ops->rest_search(sv->app->store, &q, out, n, &total);
}

int fc_svc_origin(const struct fc_svc *sv, const char *near, struct fc_svc_origin *out,
                  struct fc_svc_result *res)
{
    struct fc_restaurant *rows = NULL;
    int n = 0, with = 0;
    double lat = 0, lon = 0;

    memset(out, 0, sizeof *out);
    fc_svc_ok(res, 200);
    if (near && *near) {
        if (fc_map_parse_point(near, &out->lat, &out->lon))
            return fc_svc_fail(res, 400, "invalid_parameter", "near",
                               "near must be a point \"latitude,longitude\" in decimal degrees "
                               "(latitude -90 to 90, longitude -180 to 180), e.g. "
                               "near=22.15,-100.98.");
        out->set = out->chosen = 1;
        return FC_OK;
    }
    if (!sv->actor || !sv->actor->city[0])
        return FC_OK;
    if (city_rows(sv, sv->actor->city, &rows, &n))
        return fc_svc_fail_store(sv, res, "city centre");
    for (int i = 0; i < n; i++)
        if (rows[i].has_coords) {
            lat += rows[i].lat;
            lon += rows[i].lon;
            with++;
        }
    free(rows);
    if (with) {
        out->set = 1;
        out->lat = lat / with;
        out->lon = lon / with;
        fc_strlcpy(out->city, sv->actor->city, sizeof out->city);
    }
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
    if (x->km != y->km)
        return x->km < y->km ? -1 : 1;
    return x->i - y->i;
}

int fc_svc_neighbours(const struct fc_svc *sv, const struct fc_restaurant *r, int max,
                      struct fc_restaurant **out, int *n, struct fc_svc_result *res)
{
    struct fc_restaurant *rows = NULL;
    struct near_row *order = NULL;
    int nrows = 0, k = 0;

    fc_svc_ok(res, 200);
    *out = NULL;
    *n = 0;
    if (!r->has_coords || max < 1)
        return FC_OK;
    if (city_rows(sv, r->city, &rows, &nrows))
        return fc_svc_fail_store(sv, res, "neighbours");
    if (nrows && !(order = calloc((size_t)nrows, sizeof *order))) {
        free(rows);
        return fc_svc_fail_store(sv, res, "neighbours (no memory)");
    }
    for (int i = 0; i < nrows; i++)
        if (rows[i].has_coords && rows[i].id != r->id) {
            order[k].km = fc_geo_km(r->lat, r->lon, rows[i].lat, rows[i].lon);
            order[k++].i = i;
        }
    if (k)
        qsort(order, (size_t)k, sizeof *order, by_km);
    if (k > max)
        k = max;
    if (k) {
        struct fc_restaurant *near = calloc((size_t)k, sizeof *near);
        if (!near) {
            free(order);
            free(rows);
            return fc_svc_fail_store(sv, res, "neighbours (no memory)");
        }
        for (int j = 0; j < k; j++)
            near[j] = rows[order[j].i];
        *out = near;
        *n = k;
    }
    free(order);
    free(rows);
    return FC_OK;
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
    if (fc_svc_restaurant_get(sv, id, &r, res))
        return FC_EINVAL;
    return fc_visual_tile_svg(svg, r.name, r.cuisines);
}
