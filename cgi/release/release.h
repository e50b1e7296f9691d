/* release: app hosts from the site's own release (release.c; docs/deploy.md). */
#ifndef FC_RELEASE_H
#define FC_RELEASE_H

#include <stddef.h>

#include <ClearSilver.h>

/* The current release: its package name, SHA-256, and a presigned GET URL for it. */
struct fc_release {
    char name[128];
    char sha256[65];
    char url[2048];
};

/* Reads releases/latest from the release bucket and presigns the package's URL. FC_OK, or
 * FC_ERR with why (no bucket, none uploaded, the bucket did not answer). */
int fc_release_current(HDF *cfg, struct fc_release *out, char *why, size_t why_size);
/* Appends to out the cloud-init script that installs rel and serves this site (the shared
 * settings of cfg; Server.Port = port when port > 0). FC_OK, FC_EINVAL with why (a setting
 * that cannot go into the script), FC_ERR (out of memory). */
int fc_release_user_data(HDF *cfg, const struct fc_release *rel, int port, STRING *out, char *why,
                         size_t why_size);
int fc_release_cli(HDF *cfg, int argc, char **argv);

#endif
