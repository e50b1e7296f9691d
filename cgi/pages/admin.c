/* pages/admin: the admin console (admin role only). */
#include "core/route.h"
#include "pages/pages.h"

static const struct fc_route routes[] = {
    {"GET", "/admin", NULL, FC_ROUTE_ADMIN},
};

const struct fc_route_group fc_admin_group = {routes, 0};
