/* pages/backups: S3 backups in the admin console (/admin/backups). */
#include "core/route.h"
#include "pages/pages.h"

static const struct fc_route routes[] = {
    {"GET", "/admin/backups", NULL, FC_ROUTE_ADMIN},
};

const struct fc_route_group fc_backups_group = {routes, 0};
