/* Fuzz harness: the HDF configuration (core/config.c over ClearSilver's HDF parser) with
 * FORKCAST_* overrides, then the typed getters the program uses. The input is the file. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/util.h"
#include "fuzz.h"

static char dir[64], path[128];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char conf[96];
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof dir, "%s/fc-fuzz-config-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(dir))
        abort();
    snprintf(conf, sizeof conf, "%s/conf", dir);
    if (mkdir(conf, 0700))
        abort();
    snprintf(path, sizeof path, "%s/forkcast.hdf", conf);
    unsetenv("FORKCAST_CONFIG");
    unsetenv("FORKCAST_ROOT");
    setenv("FORKCAST_SERVER_PORT", "8099", 1);
    setenv("FORKCAST_LIMITS_MAXBODY", "not a number", 1);
    setenv("FORKCAST_DATA_DIR", "", 1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = {
        "Server.Port", "Limits.MaxBody", "Data.Dir", "Store.Backend", "Session.MaxAge",
        "Log.Access",  "Auth.Backend",   "Root",     "Rec.Backend",   "Backup.Prefix"};
    FILE *f = fopen(path, "wb");
    HDF *cfg = NULL;
    NEOERR *err;
    char out[4096];

    if (!f || fwrite(data, 1, size, f) != size || fclose(f))
        abort();
    err = fc_config_load(&cfg, path);
    if (err) {
        nerr_ignore(&err);
        return 0;
    }
    for (size_t i = 0; i < FC_ARRAY_LEN(keys); i++) {
        fc_config_int(cfg, keys[i], 7);
        fc_config_str(cfg, keys[i], "");
        fc_config_path(cfg, keys[i], "x", out, sizeof out);
        fc_config_data_path(cfg, keys[i], "blobs", out, sizeof out);
    }
    hdf_destroy(&cfg);
    return 0;
}
