/* route: the route table type and the matcher (method + path pattern -> handler). */
#ifndef FC_ROUTE_H
#define FC_ROUTE_H

#include "core/app.h"

/* A handler returns 0 when it produced the response, or an HTTP status (400..599) for the
 * dispatcher to render as an error page. */
typedef int (*fc_handler)(struct fc_ctx *c);

enum {
    FC_ROUTE_LOGIN = 1,  /* must be logged in (else redirect to /login) */
    FC_ROUTE_ADMIN = 2,  /* must be an admin (else 403) */
    FC_ROUTE_NOCSRF = 4, /* POST without CSRF check (JSON API with bearer tokens) */
    FC_ROUTE_PHOTO = 8,  /* the form may upload the review photo: a file part named "photo" */
    FC_ROUTE_CACHE = 16, /* GET: the page may be kept per viewer and session (core/pagecache.c) */
};

struct fc_route {
    const char *method;  /* "GET" also answers HEAD */
    const char *pattern; /* "/restaurants/:id": ":name" matches one non-empty segment */
    fc_handler fn;
    unsigned flags;
};

enum { FC_MATCH_OK = 0, FC_MATCH_NOPATH = 404, FC_MATCH_NOMETHOD = 405 };

/* Finds the route for method and path; on FC_MATCH_OK *out is set and the ":name" segments
 * are copied into args (at most FC_MAX_ARGS, each < 256 bytes). */
int fc_route_match(const struct fc_route *table, size_t n, const char *method, const char *path,
                   const struct fc_route **out, char args[][256], int *nargs);

/* The fields route's form may send as file parts (its uploads, from its flags), NULL-terminated;
 * every other field is text, and a file part for it is refused before the handler runs. */
const char *const *fc_route_files(const struct fc_route *route);

/* What a cached route still does when its page comes from the cache (core/pagecache.c): fn(c)
 * for the route of that pattern, its answer ignored. */
struct fc_route_hit {
    const char *pattern;
    fc_handler fn;
};
/* The routes' work on a hit (cgi/route.c), ended by {NULL, NULL}. */
extern const struct fc_route_hit fc_route_hits[];

/* A page family's routes (each family keeps its table beside its handlers). */
struct fc_route_group {
    const struct fc_route *routes;
    size_t n;
};

/* The application's route groups (cgi/route.c), ended by NULL. */
extern const struct fc_route_group *const fc_route_groups[];
/* Their names ("pages", "admin", "api"...), same order, ended by NULL. */
extern const char *const fc_route_group_names[];

/* Matches across all groups: the first route that fits wins; 405 when only the method
 * differs somewhere, else 404. */
int fc_route_match_all(const struct fc_route_group *const *groups, const char *method,
                       const char *path, const struct fc_route **out, char args[][256], int *nargs);

/* The Allow header for path (RFC 9110 10.2.1): the methods of every route in groups whose
 * pattern matches path, HEAD with GET, in the order GET, HEAD, POST, PUT, PATCH, DELETE (any
 * other method after them, in table order), comma-separated, into buf. Returns the length
 * written; 0 (buf empty) when no route has this path. */
size_t fc_route_allow(const struct fc_route_group *const *groups, const char *path, char *buf,
                      size_t size);

#endif
