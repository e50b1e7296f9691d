/* Fuzz harness: the AWS shared credentials and config files (aws/creds.c, INI rules of the
 * SDKs). Input: the credentials file, "\n--next--\n", the config file; the profile looked up
 * is "default" or "dev" (first byte). */
#include <stdio.h>
#include <unistd.h>

#include "aws/creds.h"
#include "fuzz.h"

static char dir[64], cpath[128], fpath[128];

static void cleanup(void)
{
    unlink(cpath);
    unlink(fpath);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof dir, "%s/fc-fuzz-creds-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(dir))
        abort();
    snprintf(cpath, sizeof cpath, "%s/credentials", dir);
    snprintf(fpath, sizeof fpath, "%s/config", dir);
    atexit(cleanup);
    return 0;
}

static void put(const char *path, const char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n--next--\n";
    struct fuzz_in in = {(const char *)data, size};
    const char *profile = fuzz_byte(&in) & 1 ? "dev" : "default";
    const char *e = memmem(in.p, in.n, sep, sizeof sep - 1);
    size_t len = e ? (size_t)(e - in.p) : in.n;
    struct aws_creds c;

    put(cpath, in.p, len);
    if (e)
        put(fpath, e + sizeof sep - 1, in.n - len - (sizeof sep - 1));
    else
        put(fpath, "", 0);
    if (aws_creds_from_files(cpath, fpath, profile, &c) == AWS_OK &&
        (!c.access_key_id[0] || !c.secret_access_key[0]))
        abort();
    aws_creds_clear(&c);
    return 0;
}
