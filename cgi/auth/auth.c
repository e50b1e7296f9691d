/* auth: picks the authentication backend named in the configuration. */
#include "auth/auth.h"
#include "core/config.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

int fc_auth_local_open(HDF *cfg, struct fc_store *store, struct fc_auth **out);

int fc_auth_open(HDF *cfg, struct fc_store *store, struct fc_auth **out)
{
    const char *b = fc_config_str(cfg, "Auth.Backend", "local");
    if (strcmp(b, "local") == 0)
        return fc_auth_local_open(cfg, store, out);
    fprintf(stderr, "forkcast: unknown Auth.Backend '%s' (expected local)\n", b);
    return FC_ERR;
}

void fc_auth_close(struct fc_auth *a)
{
    if (a)
        a->ops->close(a);
}
