/* route: matches a request against the route table, segment by segment. */
#include "core/route.h"
#include "core/util.h"

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
