/* Unit tests: core/config.c: FORKCAST_* overrides of keys present in the file; links (a : b)
 * refused, since ClearSilver follows a loop of them (z : z, Server.Again : Server) until the
 * stack ends, and so is nesting over 32 levels (found by t/fuzz/config). */
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

#include "core/config.h"

static char dir[64], path[128];

static void write_conf(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    char conf[96];
    (void)state;
    strcpy(dir, "/tmp/fc-config-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(conf, sizeof conf, "%s/conf", dir);
    snprintf(path, sizeof path, "%s/forkcast.hdf", conf);
    unsetenv("FORKCAST_ROOT");
    return mkdir(conf, 0700);
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    strcat(dir, "/conf");
    rmdir(dir);
    dir[strlen(dir) - 5] = '\0';
    rmdir(dir);
    return 0;
}

static void test_overrides(void **state)
{
    HDF *cfg = NULL;
    NEOERR *err;
    (void)state;
    write_conf("Server {\n  Port = 8080\n  Procs = 2\n}\nData.Dir = var\n");
    setenv("FORKCAST_SERVER_PORT", "9090", 1);
    setenv("FORKCAST_NOT_IN_FILE", "x", 1);
    err = fc_config_load(&cfg, path);
    assert_null(err);
    assert_int_equal(fc_config_int(cfg, "Server.Port", 0), 9090);
    assert_int_equal(fc_config_int(cfg, "Server.Procs", 0), 2);
    assert_string_equal(fc_config_str(cfg, "Not.In.File", "none"), "none");
    assert_string_equal(fc_config_str(cfg, "Root", ""), dir);
    hdf_destroy(&cfg);
    unsetenv("FORKCAST_SERVER_PORT");
    unsetenv("FORKCAST_NOT_IN_FILE");
}

static void test_links_refused(void **state)
{
    static const char *const files[] = {
        "Server {\n  Port = 8080\n  Again : Server\n}\n", /* a loop through an ancestor */
        "z : z\n",                                        /* a loop on itself */
        "a : b\nb = 1\n",                                 /* any link */
        "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a = 1\n",
    };
    (void)state;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        HDF *cfg = NULL;
        NEOERR *err;
        write_conf(files[i]);
        err = fc_config_load(&cfg, path);
        assert_non_null(err);
        assert_null(cfg);
        nerr_ignore(&err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_links_refused),
    };
    return cmocka_run_group_tests_name("config", tests, setup, teardown);
}
