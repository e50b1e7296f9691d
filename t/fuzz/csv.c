/* Fuzz harness: the CSV files the recommender's tools read (rec/csv.c: ratings, friends,
 * blocks, events, items, users). The input is the six files, in that order, separated by
 * "\n--next--\n"; a missing one is not given (NULL path). */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "fuzz.h"
#include "rec/csv.h"
#include "rec/engine.h"

static char dir[64];
static char paths[6][128];

static void cleanup(void)
{
    for (int i = 0; i < 6; i++)
        unlink(paths[i]);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char *const names[] = {"ratings", "friends", "blocks", "events", "items", "users"};
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof dir, "%s/fc-fuzz-csv-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(dir))
        abort();
    atexit(cleanup);
    for (int i = 0; i < 6; i++)
        snprintf(paths[i], sizeof paths[i], "%s/%s.csv", dir, names[i]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n--next--\n";
    struct fuzz_in in = {(const char *)data, size};
    const char *p[6] = {NULL};
    struct rec_paths rp;
    struct rec_files f;

    for (int i = 0; i < 6 && (i == 0 || in.n); i++) {
        const char *e = memmem(in.p, in.n, sep, sizeof sep - 1);
        size_t len = e ? (size_t)(e - in.p) : in.n;
        FILE *out = fopen(paths[i], "wb");
        if (!out || fwrite(in.p, 1, len, out) != len || fclose(out))
            abort();
        p[i] = paths[i];
        in.p += e ? len + sizeof sep - 1 : len;
        in.n -= e ? len + sizeof sep - 1 : len;
    }
    rp = (struct rec_paths){p[0], p[1], p[2], p[3], p[4], p[5]};
    memset(&f, 0, sizeof f);
    if (rec_files_load(&f, &rp) == FC_OK) {
        for (size_t i = 0; i < f.d.n_ratings; i++)
            if (f.d.ratings[i].user < 0 || f.d.ratings[i].item < 0)
                abort();
    }
    rec_files_free(&f);
    return 0;
}
