/* Unit tests of core/secret.c's fc_secret_resolve: where the site's key comes from, in order
 * (Server.Secret, Server.SecretFile, a shared store, Data.Dir/secret), and that a malformed
 * setting is refused instead of silently replaced by a per-host key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/secret.h"
#include "core/util.h"
#include "store/store.h"

#define KEY_A "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define KEY_B "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

static char dir[64];
static int store_calls;
static unsigned char stored[32];
static int stored_set;

/* A shared store: keeps the first candidate it is offered, like DynamoDB's conditional put. */
static int fake_site_secret(struct fc_store *s, const unsigned char candidate[32],
                            unsigned char out[32])
{
    (void)s;
    store_calls++;
    if (!stored_set) {
        memcpy(stored, candidate, 32);
        stored_set = 1;
    }
    memcpy(out, stored, 32);
    return FC_OK;
}

static int down_site_secret(struct fc_store *s, const unsigned char candidate[32],
                            unsigned char out[32])
{
    (void)s;
    (void)candidate;
    (void)out;
    return FC_ERR; /* DynamoDB not answering */
}

static HDF *config(const char *secret, const char *file)
{
    HDF *cfg = NULL;
    assert_null(hdf_init(&cfg));
    assert_null(hdf_set_value(cfg, "Data.Dir", dir));
    assert_null(hdf_set_value(cfg, "Server.Secret", secret));
    assert_null(hdf_set_value(cfg, "Server.SecretFile", file));
    return cfg;
}

static void hex_of(const unsigned char k[32], char out[65])
{
    fc_hex(out, k, 32);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/fc-secret-resolve-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_server_secret_first(void **state)
{
    struct fc_store_ops ops = {.name = "fake", .site_secret = fake_site_secret};
    struct fc_store st = {.ops = &ops};
    HDF *cfg = config(KEY_A, "/nonexistent");
    unsigned char k[32];
    char hex[65], src[32];
    (void)state;
    store_calls = 0;
    assert_int_equal(fc_secret_resolve(cfg, &st, k, src, sizeof src), FC_OK);
    hex_of(k, hex);
    assert_string_equal(hex, KEY_A);
    assert_string_equal(src, "Server.Secret");
    assert_int_equal(store_calls, 0);
    hdf_destroy(&cfg);
}

static void test_malformed_secret_refused(void **state)
{
    static const char *const bad[] = {
        "abc", KEY_A "00", "zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        KEY_A " extra"};
    unsigned char k[32];
    char src[32];
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        HDF *cfg = config(bad[i], "");
        assert_int_equal(fc_secret_resolve(cfg, NULL, k, src, sizeof src), FC_ERR);
        hdf_destroy(&cfg);
    }
}

static void test_secret_file(void **state)
{
    char path[128], hex[65], src[32];
    unsigned char k[32];
    FILE *f;
    HDF *cfg;
    (void)state;
    snprintf(path, sizeof path, "%s/site.key", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%s\n", KEY_B);
    fclose(f);
    cfg = config("", path);
    assert_int_equal(fc_secret_resolve(cfg, NULL, k, src, sizeof src), FC_OK);
    hex_of(k, hex);
    assert_string_equal(hex, KEY_B);
    assert_string_equal(src, "Server.SecretFile");
    hdf_destroy(&cfg);
    /* a file that is not a key, or none: an error, not Data.Dir/secret */
    f = fopen(path, "w");
    fprintf(f, "not a key\n");
    fclose(f);
    cfg = config("", path);
    assert_int_equal(fc_secret_resolve(cfg, NULL, k, src, sizeof src), FC_ERR);
    hdf_destroy(&cfg);
    cfg = config("", "/nonexistent/site.key");
    assert_int_equal(fc_secret_resolve(cfg, NULL, k, src, sizeof src), FC_ERR);
    hdf_destroy(&cfg);
}

static void test_shared_store_same_key_for_every_host(void **state)
{
    struct fc_store_ops ops = {.name = "fake", .site_secret = fake_site_secret};
    struct fc_store st = {.ops = &ops};
    unsigned char a[32], b[32];
    char src[32], path[128];
    struct stat sb;
    HDF *cfg = config("", "");
    (void)state;
    stored_set = 0;
    store_calls = 0;
    assert_int_equal(fc_secret_resolve(cfg, &st, a, src, sizeof src), FC_OK);
    assert_string_equal(src, "the fake store");
    assert_int_equal(fc_secret_resolve(cfg, &st, b, src, sizeof src), FC_OK);
    assert_memory_equal(a, b, 32);
    assert_int_equal(store_calls, 2);
    snprintf(path, sizeof path, "%s/secret", dir);
    assert_int_not_equal(stat(path, &sb), 0); /* no per-host file was made */
    hdf_destroy(&cfg);
}

/* A shared store that does not answer: "later", and no per-host key made meanwhile. */
static void test_store_down_later(void **state)
{
    struct fc_store_ops ops = {.name = "fake", .site_secret = down_site_secret};
    struct fc_store st = {.ops = &ops};
    unsigned char k[32];
    char src[32], path[128];
    struct stat sb;
    HDF *cfg = config("", "");
    (void)state;
    snprintf(path, sizeof path, "%s/secret", dir);
    unlink(path);
    assert_int_equal(fc_secret_resolve(cfg, &st, k, src, sizeof src), FC_SECRET_LATER);
    assert_int_not_equal(stat(path, &sb), 0);
    hdf_destroy(&cfg);
}

static void test_data_dir_last(void **state)
{
    struct fc_store_ops ops = {.name = "sqlite"}; /* no site_secret: one host */
    struct fc_store st = {.ops = &ops};
    unsigned char a[32], b[32];
    char src[32], path[128];
    struct stat sb;
    HDF *cfg = config("", "");
    (void)state;
    assert_int_equal(fc_secret_resolve(cfg, &st, a, src, sizeof src), FC_OK);
    assert_string_equal(src, "Data.Dir/secret");
    snprintf(path, sizeof path, "%s/secret", dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(fc_secret_resolve(cfg, &st, b, src, sizeof src), FC_OK);
    assert_memory_equal(a, b, 32);
    hdf_destroy(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_secret_first),
        cmocka_unit_test(test_malformed_secret_refused),
        cmocka_unit_test(test_secret_file),
        cmocka_unit_test(test_shared_store_same_key_for_every_host),
        cmocka_unit_test(test_store_down_later),
        cmocka_unit_test(test_data_dir_last),
    };
    return cmocka_run_group_tests_name("secret_resolve", tests, setup, teardown);
}
