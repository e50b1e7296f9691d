/* route: matches a request against the route table, segment by segment. */
#include "core/route.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

/* 1 when path matches pattern; captures ":name" segments. */
static int match(const char *pat, const char *path, char args[][256], int *nargs)
{
    int n = 0;
    while (*pat && *path) {
        if (*pat == ':') {
            size_t len = strcspn(path, "/");
            if (len == 0 || len >= 256 || n >= FC_MAX_ARGS)
                return 0;
            memcpy(args[n], path, len);
            args[n][len] = '\0';
            n++;
            path += len;
            pat += strcspn(pat, "/");
            continue;
        }
        if (*pat != *path)
            return 0;
        pat++;
        path++;
    }
    if (*pat || *path)
        return 0;
    *nargs = n;
    return 1;
}

const char *const *fc_route_files(const struct fc_route *route)
{
    static const char *const photo[] = {"photo", NULL}, *const none[] = {NULL};
    return route->flags & FC_ROUTE_PHOTO ? photo : none;
}

int fc_route_match(const struct fc_route *table, size_t n, const char *method, const char *path,
                   const struct fc_route **out, char args[][256], int *nargs)
{
    int path_seen = 0;
    for (size_t i = 0; i < n; i++) {
        const struct fc_route *r = &table[i];
        int an = 0;
        if (!match(r->pattern, path, args, &an))
            continue;
        path_seen = 1;
        if (strcmp(r->method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0)) {
            *out = r;
            *nargs = an;
            return FC_MATCH_OK;
        }
    }
    return path_seen ? FC_MATCH_NOMETHOD : FC_MATCH_NOPATH;
}

int fc_route_match_all(const struct fc_route_group *const *groups, const char *method,
                       const char *path, const struct fc_route **out, char args[][256], int *nargs)
{
    int result = FC_MATCH_NOPATH;
    for (; *groups; groups++) {
        int m = fc_route_match((*groups)->routes, (*groups)->n, method, path, out, args, nargs);
        if (m == FC_MATCH_OK)
            return m;
        if (m == FC_MATCH_NOMETHOD)
            result = m;
    }
    return result;
}

/* 1 when a route of groups has this path and answers method (a GET route answers HEAD too);
 * stops at the route end (table order) when end is not NULL. */
static int path_allows(const struct fc_route_group *const *groups, const char *path,
                       const char *method, const struct fc_route *end)
{
    char args[FC_MAX_ARGS][256];
    int n;
    for (; *groups; groups++)
        for (size_t i = 0; i < (*groups)->n; i++) {
            const struct fc_route *r = &(*groups)->routes[i];
            if (r == end)
                return 0;
            if (!match(r->pattern, path, args, &n))
                continue;
            if (strcmp(r->method, method) == 0 ||
                (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0))
                return 1;
        }
    return 0;
}

/* Appends ", name" (or name first) when it fits; the length so far. */
static size_t allow_add(char *buf, size_t size, size_t len, const char *name)
{
    int w = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", name);
    if (w < 0 || (size_t)w >= size - len) {
        buf[len] = '\0';
        return len;
    }
    return len + (size_t)w;
}

size_t fc_route_allow(const struct fc_route_group *const *groups, const char *path, char *buf,
                      size_t size)
{
    static const char *const order[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
    char args[FC_MAX_ARGS][256];
    size_t len = 0;
    int n;

    if (!size)
        return 0;
    buf[0] = '\0';
    for (size_t k = 0; k < FC_ARRAY_LEN(order); k++)
        if (path_allows(groups, path, order[k], NULL))
            len = allow_add(buf, size, len, order[k]);
    /* methods outside that list, each once (its first route that has this path) */
    for (const struct fc_route_group *const *g = groups; *g; g++)
        for (size_t i = 0; i < (*g)->n; i++) {
            const struct fc_route *r = &(*g)->routes[i];
            int known = 0;
            for (size_t k = 0; k < FC_ARRAY_LEN(order); k++)
                known |= strcmp(r->method, order[k]) == 0;
            if (!known && match(r->pattern, path, args, &n) &&
                !path_allows(groups, path, r->method, r))
                len = allow_add(buf, size, len, r->method);
        }
    return len;
}
