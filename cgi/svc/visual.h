/* svc/visual: what the pages and the API show of places and people beyond their records
 * (issue #16): how far a place is from the user's city or a chosen point, a restaurant's
 * neighbours for the map, its gallery of review photos, its generated tile, and avatars
 * (initials, or an uploaded photo seen with the profile's privacy). */
#ifndef FC_SVC_VISUAL_H
#define FC_SVC_VISUAL_H

#include "svc/svc.h"

#include <ClearSilver.h>

/* Where distances are measured from. */
struct fc_svc_origin {
    int set;    /* 0: nowhere (a visitor without ?near=, a city without coordinates) */
    int chosen; /* 1: the visitor's ?near=lat,lon; 0: the centre of city */
    double lat, lon;
    char city[384];
};

/* The refusal of a near= that is not a point "latitude,longitude" in degrees: 422 naming near,
 * the same for the search's nearest sort and the distances (fc_map_parse_point reads it). */
int fc_svc_bad_near(struct fc_svc_result *res);
/* near ("lat,lon", or NULL/"" for none) when given (fc_svc_bad_near when malformed), else the
 * centre of the actor's home city: the mean of that city's restaurants' coordinates. */
int fc_svc_origin(const struct fc_svc *sv, const char *near, struct fc_svc_origin *out,
                  struct fc_svc_result *res);
/* Kilometres from o to r, or -1 when either has no position. */
double fc_svc_distance_km(const struct fc_svc_origin *o, const struct fc_restaurant *r);

/* Up to max restaurants nearest to r (r itself left out, only those with coordinates, in r's
 * city), nearest first; *out malloc'ed (fc_restaurants_free(*out, *n)). None when r has no
 * coordinates. */
int fc_svc_neighbours(const struct fc_svc *sv, const struct fc_restaurant *r, int max,
                      struct fc_restaurant **out, int *n, struct fc_svc_result *res);

/* The restaurant page's area: the origin (as fc_svc_origin) and r's max neighbours (as
 * fc_svc_neighbours), with one read of the city when the actor's home city is r's. */
int fc_svc_place_area(const struct fc_svc *sv, const struct fc_restaurant *r, const char *near,
                      int max, struct fc_svc_origin *origin, struct fc_restaurant **out, int *n,
                      struct fc_svc_result *res);

/* The gallery of a restaurant: of its reviews the viewer may see (rows, as
 * fc_svc_restaurant_reviews gives them), those carrying a photo, in the same order: their
 * indexes into idx[0..max). Returns how many. */
int fc_svc_gallery(const struct fc_review_row *rows, int n, int *idx, int max);

/* Restaurant id's generated tile (SVG document) appended to svg; 404 for no restaurant. */
int fc_svc_tile(const struct fc_svc *sv, int64_t id, STRING *svg, struct fc_svc_result *res);

/* A person's avatar as the actor may see it. */
struct fc_svc_avatar {
    char username[64];
    char name[256]; /* display name (or username): the initials */
    char photo[80]; /* blob key of the uploaded photo, "" for none or not visible */
    int has_photo;  /* there is a photo (to its owner: whether to offer removing it) */
};
/* The avatar of username (404 as for the profile: nobody, disabled, blocked the actor). The
 * photo only when the profile rule shows the actor the member's profile details
 * (FC_FIELD_PROFILE); with want_bytes, its bytes into *data (malloc'ed, *len). */
int fc_svc_avatar(const struct fc_svc *sv, const char *username, int want_bytes,
                  struct fc_svc_avatar *out, char **data, size_t *len, struct fc_svc_result *res);
/* The actor's avatar photo: a JPEG, PNG or WebP of at most Limits.MaxPhoto (413, 415, field
 * "photo"), into the blob store. */
int fc_svc_avatar_set(const struct fc_svc *sv, const void *data, size_t len,
                      struct fc_svc_result *res);
/* Back to the initials. */
int fc_svc_avatar_remove(const struct fc_svc *sv, struct fc_svc_result *res);

#endif
