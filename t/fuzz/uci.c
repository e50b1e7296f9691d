/* Fuzz harness: the UCI "Restaurant & consumer data" importer (import/uci.c) on a SQLite store
 * in a temporary folder. The input is the six CSV files (geoplaces2, chefmozcuisine,
 * chefmozhours4, userprofile, usercuisine, rating_final), separated by "\n--next--\n". Users
 * accumulate in the store across inputs, as on a second import. */
#include <stdio.h>
#include <unistd.h>

#include "../lib/testutil.h"
#include "core/util.h"
#include "fuzz.h"
#include "import/uci.h"
#include "store/store.h"

static char dir[64];
static struct fc_store *store;
static const char *const names[] = {"geoplaces2",  "chefmozcuisine", "chefmozhours4",
                                    "userprofile", "usercuisine",    "rating_final"};

static void cleanup(void)
{
    fc_store_close(store);
    testutil_cleanup(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    HDF *cfg;
    (void)argc;
    (void)argv;
    if (!(cfg = testutil_config(dir)) || fc_store_open(cfg, &store))
        abort();
    hdf_destroy(&cfg);
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n--next--\n";
    struct fc_scrypt_params prm = {1, 1, 1}; /* cheap: hashing is not what is fuzzed */
    struct fuzz_in in = {(const char *)data, size};
    struct fc_uci_counts k;
    char path[128];

    for (int i = 0; i < 6; i++) {
        const char *e = memmem(in.p, in.n, sep, sizeof sep - 1);
        size_t len = e ? (size_t)(e - in.p) : in.n;
        FILE *out;
        snprintf(path, sizeof path, "%s/%s.csv", dir, names[i]);
        if (!(out = fopen(path, "wb")) || fwrite(in.p, 1, len, out) != len || fclose(out))
            abort();
        in.p += e ? len + sizeof sep - 1 : len;
        in.n -= e ? len + sizeof sep - 1 : len;
    }
    if (fc_uci_import(store, dir, "forkcast-demo", &prm, &prm, &k) == FC_OK &&
        (k.restaurants < 0 || k.restaurants > 1024))
        abort();
    return 0;
}
