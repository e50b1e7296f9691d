/* Unit tests: core/config.c: where the file is found and what Root is; FORKCAST_* overrides of keys
 * present in the file; links (a : b) refused, since ClearSilver follows a loop of them (z : z,
 * Server.Again : Server) until the stack ends, and so is nesting over 32 levels (found by
 * t/fuzz/config). */
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
    write_conf("Server {\n  Port = 8080\n  Procs = 2\n}\nData.Dir = var\n"
               "Rec.Snapshot = auto\nRec.Snapshot.Prefix = rec/\n");
    setenv("FORKCAST_SERVER_PORT", "9090", 1);
    setenv("FORKCAST_NOT_IN_FILE", "x", 1);
    setenv("FORKCAST_REC_SNAPSHOT", "off", 1); /* a key with keys under it */
    err = fc_config_load(&cfg, path);
    assert_null(err);
    assert_int_equal(fc_config_int(cfg, "Server.Port", 0), 9090);
    assert_int_equal(fc_config_int(cfg, "Server.Procs", 0), 2);
    assert_string_equal(fc_config_str(cfg, "Not.In.File", "none"), "none");
    assert_string_equal(fc_config_str(cfg, "Root", ""), dir);
    assert_string_equal(fc_config_str(cfg, "Rec.Snapshot", ""), "off");
    assert_string_equal(fc_config_str(cfg, "Rec.Snapshot.Prefix", ""), "rec/");
    hdf_destroy(&cfg);
    unsetenv("FORKCAST_REC_SNAPSHOT");
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

/* Root named in the file resolves against the file's folder (an install: etc/forkcast/ with
 * Root = ../../share/forkcast); FORKCAST_ROOT still wins. */
static void test_root_in_file(void **state)
{
    HDF *cfg = NULL;
    NEOERR *err;
    char want[160];
    (void)state;
    write_conf("Root = ..\nData.Dir = var\n");
    err = fc_config_load(&cfg, path);
    assert_null(err);
    assert_string_equal(fc_config_str(cfg, "Root", ""), dir); /* conf/.. */
    hdf_destroy(&cfg);
    write_conf("Root = /srv/forkcast\n");
    assert_null(fc_config_load(&cfg, path));
    assert_string_equal(fc_config_str(cfg, "Root", ""), "/srv/forkcast");
    hdf_destroy(&cfg);
    setenv("FORKCAST_ROOT", "/elsewhere", 1);
    assert_null(fc_config_load(&cfg, path));
    assert_string_equal(fc_config_str(cfg, "Root", ""), "/elsewhere");
    hdf_destroy(&cfg);
    unsetenv("FORKCAST_ROOT");
    snprintf(want, sizeof want, "%s/conf", dir);
    write_conf("Root = .\n");
    assert_null(fc_config_load(&cfg, path));
    assert_string_equal(fc_config_str(cfg, "Root", ""), want);
    hdf_destroy(&cfg);
}

/* The lookup: --config, then FORKCAST_CONFIG (named files are used or refused, never passed
 * over), then ./conf/forkcast.hdf; a miss names every place looked at. */
static void test_find(void **state)
{
    char out[4096], tried[1024], cwd[4096];
    NEOERR *err;
    HDF *cfg = NULL;
    (void)state;
    write_conf("a = 1\n");
    assert_non_null(getcwd(cwd, sizeof cwd));
    unsetenv("FORKCAST_CONFIG");
    assert_int_equal(fc_config_find(path, out, sizeof out, tried, sizeof tried), 0);
    assert_string_equal(out, path);
    setenv("FORKCAST_CONFIG", "/nonexistent/forkcast.hdf", 1);
    assert_int_equal(fc_config_find(path, out, sizeof out, tried, sizeof tried), 0);
    assert_int_not_equal(fc_config_find(NULL, out, sizeof out, tried, sizeof tried), 0);
    assert_non_null(strstr(tried, "/nonexistent/forkcast.hdf (FORKCAST_CONFIG)"));
    unsetenv("FORKCAST_CONFIG");
    assert_int_equal(chdir(dir), 0); /* a checkout: ./conf/forkcast.hdf */
    assert_int_equal(fc_config_find(NULL, out, sizeof out, tried, sizeof tried), 0);
    assert_string_equal(out, path);
    assert_int_equal(chdir("/"), 0); /* nowhere: every place is named */
    if (access("/etc/forkcast/forkcast.hdf", F_OK) != 0) {
        assert_int_not_equal(fc_config_find(NULL, out, sizeof out, tried, sizeof tried), 0);
        assert_non_null(strstr(tried, "./conf/forkcast.hdf"));
        assert_non_null(strstr(tried, "/etc/forkcast/forkcast.hdf"));
        err = fc_config_load(&cfg, NULL);
        assert_non_null(err);
        assert_non_null(strstr(err->desc, "no configuration file: looked for ./conf/forkcast.hdf"));
        nerr_ignore(&err);
    }
    assert_int_equal(chdir(cwd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_links_refused),
        cmocka_unit_test(test_root_in_file),
        cmocka_unit_test(test_find),
    };
    return cmocka_run_group_tests_name("config", tests, setup, teardown);
}
