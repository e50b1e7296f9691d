/* pages/visual: issue #16's pictures and map on the pages: a restaurant's generated tile and a
 * person's avatar (their own URLs), the distance on cards and the restaurant page, the
 * server-rendered map's page data (templates/map.cs draws it), the gallery. */
#include "pages/pages.h"

#include "blob/blob.h"
#include "core/map.h"
#include "core/util.h"
#include "core/visual.h"
#include "svc/visual.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAP_W       640
#define MAP_H       360
#define MAP_PAD     28
#define GALLERY_MAX 24

/* The If-None-Match header is a list of entity tags, or "*"; the comparison is weak (RFC 9110
 * 13.1.2). */
int pages_etag_fresh(struct fc_ctx *c, const char *key)
{
    size_t klen = strlen(key);
    const char *p = c->req.if_none_match ? c->req.if_none_match : "";
    while (*p) {
        const char *end;
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return 1;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (*p != '"' || !(end = strchr(p + 1, '"')))
            return 0;
        if ((size_t)(end - p - 1) == klen && strncmp(p + 1, key, klen) == 0)
            return 1;
        p = end + 1;
    }
    return 0;
}

int pages_send_photo(struct fc_ctx *c, const char *key, char *data, size_t len)
{
    fc_resp_header(&c->resp, "Cache-Control", "private, no-cache");
    fc_resp_header(&c->resp, "ETag", "\"%s\"", key);
    if (!data) {
        c->resp.status = 304;
        return 0;
    }
    fc_resp_header(&c->resp, "Content-Type", "%s", fc_image_mime(key));
    string_appendn(&c->resp.body, data, (int)len);
    free(data);
    return 0;
}

/* Answers svg (an SVG document) with the ETag of its bytes and cache, or a 304. */
static int send_svg(struct fc_ctx *c, STRING *svg, const char *cache)
{
    char hash[65];
    fc_sha256_hex(hash, svg->buf ? svg->buf : "", (size_t)svg->len);
    hash[32] = '\0';
    fc_resp_header(&c->resp, "Cache-Control", "%s", cache);
    fc_resp_header(&c->resp, "ETag", "\"%s\"", hash);
    if (pages_etag_fresh(c, hash)) {
        c->resp.status = 304;
        string_clear(svg);
        return 0;
    }
    fc_resp_header(&c->resp, "Content-Type", "image/svg+xml");
    string_appendn(&c->resp.body, svg->buf, svg->len);
    string_clear(svg);
    return 0;
}

/* GET /restaurants/:id/tile.svg: the generated picture of a place. The same for everyone and
 * only changing with its name or cuisine: cached a day by anyone, revalidated by ETag. */
int page_tile(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    STRING svg;
    int64_t id;
    if (!(id = pages_arg_id(c, 0)))
        return 404;
    string_init(&svg);
    if (fc_svc_tile(&sv, id, &svg, &res)) {
        string_clear(&svg);
        return res.status == 404 ? 404 : fc_error_result(c, &res);
    }
    return send_svg(c, &svg, "public, max-age=86400");
}

/* GET /u/:username/avatar: the uploaded photo to whom the profile shows it, the initials to
 * everyone else. Who may see it changes (friends-only, blocks), so, as review photos:
 * private, and asked again before each use. */
int page_avatar(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_avatar a;
    char *data = NULL;
    size_t len = 0;
    STRING svg;

    if (fc_svc_avatar(&sv, c->args[0], 0, &a, &data, &len, &res))
        return res.status == 404 ? 404 : fc_error_result(c, &res);
    if (a.photo[0]) {
        if (pages_etag_fresh(c, a.photo))
            return pages_send_photo(c, a.photo, NULL, 0);
        if (fc_svc_avatar(&sv, c->args[0], 1, &a, &data, &len, &res))
            return res.status == 404 ? 404 : fc_error_result(c, &res);
        if (data)
            return pages_send_photo(c, a.photo, data, len);
        /* the photo went missing meanwhile: the initials */
    }
    string_init(&svg);
    fc_visual_avatar_svg(&svg, a.name);
    return send_svg(c, &svg, "private, no-cache");
}

void pages_set_distance(struct fc_ctx *c, const char *prefix, const struct fc_svc_origin *o,
                        const struct fc_restaurant *r)
{
    char k[256];
    double km = fc_svc_distance_km(o, r);
    if (km < 0)
        return;
    snprintf(k, sizeof k, "%s.Km", prefix);
    /* tenths under 10 km, whole kilometres beyond */
    if (km < 10)
        fc_setf(c, k, "%.1f", km);
    else
        fc_setf(c, k, "%.0f", km);
    snprintf(k, sizeof k, "%s.KmFrom", prefix);
    if (o->chosen)
        fc_set(c, k, "the chosen point");
    else
        fc_setf(c, k, "the centre of %s", o->city);
}

int pages_set_map(struct fc_ctx *c, const struct fc_restaurant *rows, int n, int64_t here,
                  const struct fc_svc_origin *o)
{
    struct fc_map_point *pts;
    int *which, k = 0;
    double km_per_px = 0;
    const char *tiles = hdf_get_value(c->app->cfg, "Map.Tiles", "");

    if (n < 1)
        return FC_OK;
    pts = calloc((size_t)n, sizeof *pts);
    which = calloc((size_t)n, sizeof *which);
    if (!pts || !which) {
        free(pts);
        free(which);
        return FC_ERR;
    }
    for (int i = 0; i < n; i++)
        if (rows[i].has_coords) {
            pts[k].lat = rows[i].lat;
            pts[k].lon = rows[i].lon;
            which[k++] = i;
        }
    /* a place alone is shown with a kilometre around it */
    if (k && fc_map_project(pts, k, MAP_W, MAP_H, MAP_PAD, 1.0, &km_per_px) == FC_OK) {
        fc_set_int(c, "Map.W", MAP_W);
        fc_set_int(c, "Map.H", MAP_H);
        for (int j = 0; j < k; j++) {
            const struct fc_restaurant *r = &rows[which[j]];
            char p[64], key[96];
            snprintf(p, sizeof p, "Map.Pins.%d", j);
#define PIN(name) snprintf(key, sizeof key, "%s.%s", p, name)
            PIN("Id");
            fc_set_int(c, key, r->id);
            PIN("Num");
            fc_set_int(c, key, j + 1);
            PIN("Name");
            fc_set(c, key, r->name);
            PIN("X");
            fc_setf(c, key, "%.1f", pts[j].x);
            PIN("Y");
            fc_setf(c, key, "%.1f", pts[j].y);
            /* the label on the side with more room, so that it stays in the box */
            PIN("Left");
            fc_set_int(c, key, pts[j].x > MAP_W / 2.0);
            PIN("LabelX");
            fc_setf(c, key, "%.1f", pts[j].x > MAP_W / 2.0 ? pts[j].x - 28 : pts[j].x + 28);
            PIN("Lat");
            fc_setf(c, key, "%.6f", r->lat);
            PIN("Lon");
            fc_setf(c, key, "%.6f", r->lon);
            PIN("Here");
            fc_set_int(c, key, r->id == here);
            if (r->id == here)
                fc_set(c, "Map.HereName", r->name);
#undef PIN
            pages_set_distance(c, p, o, r);
        }
        {
            /* a scale bar of a round length about a fifth of the width */
            static const double steps[] = {0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500};
            double want = km_per_px * MAP_W / 5, len = steps[0];
            for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
                if (steps[i] <= want)
                    len = steps[i];
            fc_setf(c, "Map.ScaleKm", len < 1 ? "%.1f" : "%.0f", len);
            fc_setf(c, "Map.ScaleX2", "%.1f", 16 + len / km_per_px);
            fc_set_int(c, "Map.ScaleY", MAP_H - 16);
            fc_set_int(c, "Map.ScaleTextY", MAP_H - 22);
        }
        if (*tiles)
            fc_set(c, "Map.Tiles", tiles);
    }
    free(pts);
    free(which);
    return FC_OK;
}

void pages_set_gallery(struct fc_ctx *c, const struct fc_review_row *rows, int n)
{
    int idx[GALLERY_MAX], k = fc_svc_gallery(rows, n, idx, GALLERY_MAX);
    for (int j = 0; j < k; j++) {
        const struct fc_review_row *rv = &rows[idx[j]];
        char key[64];
        snprintf(key, sizeof key, "Gallery.%d.Photo", j);
        fc_set(c, key, rv->r.photo);
        snprintf(key, sizeof key, "Gallery.%d.Name", j);
        fc_set(c, key, rv->display_name[0] ? rv->display_name : rv->username);
        snprintf(key, sizeof key, "Gallery.%d.Username", j);
        fc_set(c, key, rv->username);
    }
}
