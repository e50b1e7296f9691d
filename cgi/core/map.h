/* core/map: the server-rendered map's geometry: latitude and longitude projected into an SVG
 * box (an equirectangular projection around the points' mean latitude, one scale for both
 * axes, fitted and centred), a point chosen by the visitor ("lat,lon"), and the origin of a
 * tile server for the Content-Security-Policy (Map.Tiles). */
#ifndef FC_MAP_H
#define FC_MAP_H

#include <stddef.h>

#include <ClearSilver.h>

struct fc_map_point {
    double lat, lon; /* in: degrees */
    double x, y;     /* out: in the box, y down */
};

/* Projects pts[0..n) into a width x height box keeping pad free on each side. Points closer
 * together than min_km (one place alone) are spread as if they spanned min_km. *km_per_px
 * (or NULL) gets the scale, for a scale bar. FC_EINVAL for n < 1, a box too small or a
 * coordinate out of range. */
int fc_map_project(struct fc_map_point *pts, int n, double width, double height, double pad,
                   double min_km, double *km_per_px);
/* Parses "lat,lon" (decimal degrees, -90..90 and -180..180). FC_EINVAL otherwise. */
int fc_map_parse_point(const char *s, double *lat, double *lon);
/* The origin of a tile URL template for img-src: "https://{s}.tile.example.org/{z}/{x}/{y}.png"
 * gives its scheme and host with "*" for "{s}" (a CSP wildcard). FC_EINVAL unless http(s), a host
 * of letters, digits,
 * '-', '.', and "{s}" only, and {z}, {x}, {y} in the path; no quote, space or ';'. */
int fc_map_tile_origin(const char *tmpl, char *out, size_t n);
/* Checks Map.Tiles in cfg: a good template gets Map.TileOrigin beside it (for the CSP of
 * core/response.c and conf/lighttpd.conf.cs); a bad one is logged and cleared, so the site
 * runs with the SVG map only and the usual CSP. */
void fc_map_config(HDF *cfg);

#endif
