/* Test helpers: a throw-away data folder and configuration for unit tests. */
#ifndef FC_TESTUTIL_H
#define FC_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"

/* Makes a temporary data folder, points the configuration at it (cheap scrypt for speed)
 * and loads conf/forkcast.hdf. The caller removes the folder with testutil_cleanup. */
static inline HDF *testutil_config(char dir[64])
{
    HDF *cfg = NULL;
    NEOERR *err;
    char db[128];
    strcpy(dir, "/tmp/fc-test-XXXXXX");
    if (!mkdtemp(dir))
        return NULL;
    snprintf(db, sizeof db, "%s/test.db", dir);
    setenv("FORKCAST_DATA_DIR", dir, 1);
    if (!getenv("FORKCAST_STORE_BACKEND") ||
        strcmp(getenv("FORKCAST_STORE_BACKEND"), "sqlite") == 0)
        setenv("FORKCAST_STORE_SQLITE_PATH", db, 1);
    setenv("FORKCAST_AUTH_SCRYPT_LOGN", "10", 0);
    snprintf(db, sizeof db, "%s/access.log", dir);
    setenv("FORKCAST_LOG_ACCESS", db, 1);
    err = fc_config_load(&cfg, "conf/forkcast.hdf");
    if (err) {
        nerr_log_error(err);
        nerr_ignore(&err);
        return NULL;
    }
    return cfg;
}

static inline void testutil_cleanup(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

#endif
