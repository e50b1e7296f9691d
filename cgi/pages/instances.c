/* pages/instances: EC2 instances in the admin console (/admin/instances). */
#include "core/route.h"
#include "pages/pages.h"

static const struct fc_route routes[] = {
    {"GET", "/admin/instances", NULL, FC_ROUTE_ADMIN},
};

const struct fc_route_group fc_instances_group = {routes, 0};
