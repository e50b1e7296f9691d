/* pages/api: the JSON API under /api/v1/ for mobile clients (bearer tokens). */
#include "core/route.h"
#include "pages/pages.h"

static const struct fc_route routes[] = {
    {"GET", "/api/v1/me", NULL, FC_ROUTE_LOGIN | FC_ROUTE_NOCSRF},
};

const struct fc_route_group fc_api_group = {routes, 0};
