/* core/map: the server-rendered map's projection, a chosen point, the tile host's origin. */
#include "core/map.h"
#include "core/geo.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fc_map_project(struct fc_map_point *pts, int n, double width, double height, double pad,
                   double min_km, double *km_per_px)
{
    double lat0 = 0, min_x = 0, max_x = 0, min_y = 0, max_y = 0, k, span_w, span_h, scale;
    double inner_w = width - 2 * pad, inner_h = height - 2 * pad;

    if (n < 1 || inner_w < 1 || inner_h < 1 || !(min_km > 0))
        return FC_EINVAL;
    for (int i = 0; i < n; i++) {
        if (!(pts[i].lat >= -90 && pts[i].lat <= 90 && pts[i].lon >= -180 && pts[i].lon <= 180))
            return FC_EINVAL;
        lat0 += pts[i].lat / n;
    }
    /* x = lon * cos(lat0), y = -lat, in degrees of latitude (111.195 km each): an
     * equirectangular projection true to scale at the mean latitude, which is plenty for the
     * few kilometres of one city */
    k = cos(lat0 * M_PI / 180.0);
    for (int i = 0; i < n; i++) {
        double x = pts[i].lon * k, y = -pts[i].lat;
        if (i == 0 || x < min_x)
            min_x = x;
        if (i == 0 || x > max_x)
            max_x = x;
        if (i == 0 || y < min_y)
            min_y = y;
        if (i == 0 || y > max_y)
            max_y = y;
    }
    {
        double km_deg = fc_geo_km(0, 0, 1, 0), min_deg = min_km / km_deg;
        span_w = max_x - min_x < min_deg ? min_deg : max_x - min_x;
        span_h = max_y - min_y < min_deg ? min_deg : max_y - min_y;
        scale = fmin(inner_w / span_w, inner_h / span_h); /* px per degree */
        if (km_per_px)
            *km_per_px = km_deg / scale;
    }
    for (int i = 0; i < n; i++) {
        /* centred: the points' box in the middle of the drawing box */
        pts[i].x = width / 2 + (pts[i].lon * k - (min_x + max_x) / 2) * scale;
        pts[i].y = height / 2 + (-pts[i].lat - (min_y + max_y) / 2) * scale;
    }
    return FC_OK;
}

/* A decimal number of at most 12 characters, finite, from s up to end; FC_EINVAL otherwise. */
static int parse_deg(const char *s, size_t len, double *out)
{
    char buf[16], *end;
    if (len < 1 || len > 12)
        return FC_EINVAL;
    for (size_t i = 0; i < len; i++)
        if (!(isdigit((unsigned char)s[i]) || s[i] == '.' || (i == 0 && s[i] == '-')))
            return FC_EINVAL;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    *out = strtod(buf, &end);
    return *end || errno || !isfinite(*out) ? FC_EINVAL : FC_OK;
}

int fc_map_parse_point(const char *s, double *lat, double *lon)
{
    const char *comma = s ? strchr(s, ',') : NULL;
    double a, b;
    if (!comma || parse_deg(s, (size_t)(comma - s), &a) ||
        parse_deg(comma + 1, strlen(comma + 1), &b))
        return FC_EINVAL;
    if (a < -90 || a > 90 || b < -180 || b > 180)
        return FC_EINVAL;
    *lat = a;
    *lon = b;
    return FC_OK;
}

int fc_map_tile_origin(const char *tmpl, char *out, size_t n)
{
    const char *p = tmpl ? tmpl : "", *host, *path;
    size_t scheme, len = 0;

    if (strncmp(p, "https://", 8) == 0)
        scheme = 8;
    else if (strncmp(p, "http://", 7) == 0)
        scheme = 7;
    else
        return FC_EINVAL;
    host = p + scheme;
    path = host + strcspn(host, "/");
    if (path == host || *path != '/')
        return FC_EINVAL;
    /* the host: letters, digits, '-', '.', ':' (a port) and "{s}" (subdomains) */
    for (const char *q = host; q < path; q++) {
        if (strncmp(q, "{s}", 3) == 0) {
            q += 2;
            continue;
        }
        if (!(isalnum((unsigned char)*q) || *q == '-' || *q == '.' || *q == ':'))
            return FC_EINVAL;
    }
    /* the path: no quote, space, ';', ',' or control character (it goes into a header and
     * lighttpd's configuration), and the three placeholders */
    for (const char *q = path; *q; q++)
        if ((unsigned char)*q <= 0x20 || *q == 0x7f || strchr("\"'\\;,<>`", *q))
            return FC_EINVAL;
    if (!strstr(path, "{z}") || !strstr(path, "{x}") || !strstr(path, "{y}"))
        return FC_EINVAL;
    if (scheme + (size_t)(path - host) + 2 > n)
        return FC_EINVAL;
    memcpy(out, p, scheme);
    len = scheme;
    for (const char *q = host; q < path; q++) {
        if (strncmp(q, "{s}", 3) == 0) {
            out[len++] = '*';
            q += 2;
            continue;
        }
        out[len++] = *q;
    }
    out[len] = '\0';
    /* "*" only as a whole first label of the host, as CSP allows */
    {
        const char *star = strchr(out + scheme, '*');
        if (star && (star != out + scheme || star[1] != '.' || strchr(star + 1, '*')))
            return FC_EINVAL;
    }
    return FC_OK;
}

void fc_map_config(HDF *cfg)
{
    const char *tiles = hdf_get_value(cfg, "Map.Tiles", "");
    char origin[256];
    NEOERR *err = STATUS_OK;
    if (!*tiles)
        return;
    if (fc_map_tile_origin(tiles, origin, sizeof origin)) {
        fprintf(stderr, "forkcast: Map.Tiles is not a tile URL template "
                        "(https://host/{z}/{x}/{y}.png, no quotes, spaces or ';'): "
                        "the tile map is off\n");
        err = hdf_set_value(cfg, "Map.Tiles", "");
    } else {
        err = hdf_set_value(cfg, "Map.TileOrigin", origin);
    }
    nerr_ignore(&err);
}
