/* Unit tests of the parsed-template cache (cgi/core/tmplcache.c) on a clock the test moves:
 * hits return the same parse, an edited file (mtime, size or inode) is parsed again once the
 * check interval has passed and not before, missing or broken templates give errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/tmplcache.h"

static char dir[64];
static int64_t fake_ms;

static int64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_ms;
}

static void put_file(const char *name, const char *text)
{
    char path[256];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void stat_file(const char *name, struct stat *st)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(stat(path, st), 0);
}

/* Sets name's modification time (nanoseconds kept). */
static void set_mtime(const char *name, struct timespec mtime)
{
    char path[256];
    struct timespec ts[2] = {{0, UTIME_OMIT}, mtime};
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

#define FAILED "(render failed)"

/* Renders name with X = x; returns the text (static buffer) or FAILED. */
static const char *render(struct fc_tmplcache *tc, const char *name, const char *x)
{
    static char buf[512];
    HDF *data;
    STRING out;
    NEOERR *err;
    assert_null(hdf_init(&data));
    assert_null(hdf_set_value(data, "X", x));
    string_init(&out);
    err = fc_tmplcache_render(tc, name, data, &out);
    snprintf(buf, sizeof buf, "%s", out.buf ? out.buf : "");
    string_clear(&out);
    hdf_destroy(&data);
    if (err) {
        nerr_ignore(&err);
        return FAILED;
    }
    return buf;
}

static struct fc_tmplcache_stats stats(struct fc_tmplcache *tc)
{
    struct fc_tmplcache_stats s;
    fc_tmplcache_get_stats(tc, &s);
    return s;
}

static struct fc_tmplcache *new_cache(int check_seconds)
{
    struct fc_tmplcache *tc = fc_tmplcache_new(dir, check_seconds);
    assert_non_null(tc);
    fc_tmplcache_set_clock(tc, fake_clock, NULL);
    return tc;
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/fc-tmplcache-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    fake_ms = 1000000;
    put_file("inc.cs", "<?cs def:show(v) ?>(<?cs var:v ?>)<?cs /def ?>A");
    put_file("t.cs", "<?cs include:\"inc.cs\" ?>[<?cs var:X ?>]<?cs call:show(X) ?>");
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A hit lends the same parse (the same CSPARSE) again without reading or checking the files;
 * every render gets its own data, html-escaped. */
static void test_hit_same_parse(void **state)
{
    struct fc_tmplcache *tc = new_cache(2);
    struct fc_tmplcache_ref a, b;
    CSPARSE *first;
    struct fc_tmplcache_entry *kept;
    (void)state;
    assert_null(fc_tmplcache_get(tc, "t.cs", NULL, &a));
    assert_non_null(a.cs);
    assert_non_null(a.kept);
    assert_null(a.owned);
    first = a.cs;
    kept = a.kept;
    fc_tmplcache_put(&a, 0);
    assert_null(a.cs);
    fake_ms += 1999;
    assert_null(fc_tmplcache_get(tc, "t.cs", NULL, &b));
    assert_ptr_equal(b.cs, first);
    assert_ptr_equal(b.kept, kept);
    assert_null(b.owned);
    fc_tmplcache_put(&b, 0);
    assert_string_equal(render(tc, "t.cs", "<b>"), "A[&lt;b&gt;](&lt;b&gt;)");
    assert_string_equal(render(tc, "t.cs", "2"), "A[2](2)");
    assert_int_equal(stats(tc).parses, 1);
    assert_int_equal(stats(tc).hits, 3);
    assert_int_equal(stats(tc).checks, 0);
    fc_tmplcache_free(tc);
}

/* Interval 0: every get checks the files, and an unchanged template is still a hit. */
static void test_hit_interval_zero(void **state)
{
    struct fc_tmplcache *tc = new_cache(0);
    struct fc_tmplcache_ref a, b;
    CSPARSE *first;
    (void)state;
    assert_null(fc_tmplcache_get(tc, "t.cs", NULL, &a));
    first = a.cs;
    fc_tmplcache_put(&a, 0);
    assert_null(fc_tmplcache_get(tc, "t.cs", NULL, &b));
    assert_ptr_equal(b.cs, first);
    fc_tmplcache_put(&b, 0);
    assert_int_equal(stats(tc).parses, 1);
    assert_int_equal(stats(tc).checks, 1);
    assert_int_equal(stats(tc).hits, 1);
    fc_tmplcache_free(tc);
}

/* A full interval on: the next render checks the files (unchanged) and renders want; the next
 * interval starts now. */
static void check_now(struct fc_tmplcache *tc, const char *want)
{
    long parses = stats(tc).parses, checks = stats(tc).checks;
    fake_ms += 2000;
    assert_string_equal(render(tc, "t.cs", "x"), want);
    assert_int_equal(stats(tc).checks, checks + 1);
    assert_int_equal(stats(tc).parses, parses);
}

/* After an edit made right after a check, the kept parse is used until the interval has
 * passed, then the files are checked and the template parsed again. */
static void expect_reload_after_interval(struct fc_tmplcache *tc, const char *before,
                                         const char *after)
{
    long parses = stats(tc).parses, checks = stats(tc).checks;
    fake_ms += 1999;
    assert_string_equal(render(tc, "t.cs", "x"), before);
    assert_int_equal(stats(tc).checks, checks);
    assert_int_equal(stats(tc).parses, parses);
    fake_ms += 1;
    assert_string_equal(render(tc, "t.cs", "x"), after);
    assert_int_equal(stats(tc).checks, checks + 1);
    assert_int_equal(stats(tc).parses, parses + 1);
    /* the new parse is kept: no check, no parse within the next interval */
    fake_ms += 1500;
    assert_string_equal(render(tc, "t.cs", "x"), after);
    assert_int_equal(stats(tc).parses, parses + 1);
    assert_int_equal(stats(tc).checks, checks + 1);
}

static void test_changed_file_reloaded_after_interval(void **state)
{
    struct fc_tmplcache *tc = new_cache(2);
    struct stat st0, st1;
    struct timespec later;
    char path[256], tmp[256];
    (void)state;
    assert_string_equal(render(tc, "t.cs", "x"), "A[x](x)");

    /* unchanged files: checked once per interval, never parsed again */
    check_now(tc, "A[x](x)");
    check_now(tc, "A[x](x)");
    assert_int_equal(stats(tc).checks, 2);
    assert_int_equal(stats(tc).parses, 1);

    /* an include whose size changes (the mtime put back as it was) */
    stat_file("inc.cs", &st0);
    put_file("inc.cs", "<?cs def:show(v) ?>{<?cs var:v ?>}<?cs /def ?>Bb");
    set_mtime("inc.cs", st0.st_mtim);
    stat_file("inc.cs", &st1);
    assert_true(st1.st_size != st0.st_size);
    expect_reload_after_interval(tc, "A[x](x)", "Bb[x]{x}");

    /* the page: same size, only the mtime differs */
    check_now(tc, "Bb[x]{x}");
    stat_file("t.cs", &st0);
    put_file("t.cs", "<?cs include:\"inc.cs\" ?>(<?cs var:X ?>)<?cs call:show(X) ?>");
    later = st0.st_mtim;
    later.tv_sec += 10;
    set_mtime("t.cs", later);
    stat_file("t.cs", &st1);
    assert_int_equal(st1.st_size, st0.st_size);
    assert_int_equal(st1.st_ino, st0.st_ino);
    expect_reload_after_interval(tc, "Bb[x]{x}", "Bb(x){x}");

    /* the page replaced by another file (rename): same size and mtime, another inode */
    check_now(tc, "Bb(x){x}");
    stat_file("t.cs", &st0);
    put_file("t.new", "<?cs include:\"inc.cs\" ?><<?cs var:X ?>><?cs call:show(X) ?>");
    set_mtime("t.new", st0.st_mtim);
    snprintf(tmp, sizeof tmp, "%s/t.new", dir);
    snprintf(path, sizeof path, "%s/t.cs", dir);
    assert_int_equal(rename(tmp, path), 0);
    stat_file("t.cs", &st1);
    assert_int_equal(st1.st_size, st0.st_size);
    assert_int_equal(st1.st_mtim.tv_sec, st0.st_mtim.tv_sec);
    assert_int_equal(st1.st_mtim.tv_nsec, st0.st_mtim.tv_nsec);
    assert_true(st1.st_ino != st0.st_ino);
    expect_reload_after_interval(tc, "Bb(x){x}", "Bb<x>{x}");
    fc_tmplcache_free(tc);
}

/* Interval 0 (development): an edit is seen by the very next render. */
static void test_interval_zero_checks_every_time(void **state)
{
    struct fc_tmplcache *tc = new_cache(0);
    (void)state;
    assert_string_equal(render(tc, "t.cs", "1"), "A[1](1)");
    put_file("inc.cs", "<?cs def:show(v) ?>{<?cs var:v ?>}<?cs /def ?>Bb");
    assert_string_equal(render(tc, "t.cs", "2"), "Bb[2]{2}");
    assert_string_equal(render(tc, "t.cs", "3"), "Bb[3]{3}");
    assert_int_equal(stats(tc).parses, 2);
    assert_int_equal(stats(tc).checks, 2);
    fc_tmplcache_free(tc);
}

/* Missing pages and syntax errors are errors (nothing lent, nothing kept); a fixed template
 * renders at once; a kept template whose files go away fails once the interval has passed. */
static void test_missing_and_broken(void **state)
{
    struct fc_tmplcache *tc = new_cache(2);
    struct fc_tmplcache_ref ref;
    NEOERR *err;
    char path[256];
    (void)state;
    err = fc_tmplcache_get(tc, "nope.cs", NULL, &ref);
    assert_non_null(err);
    nerr_ignore(&err);
    assert_null(ref.cs);
    assert_null(ref.kept);
    assert_null(ref.owned);
    assert_string_equal(render(tc, "nope.cs", "x"), FAILED);

    /* (not an unclosed block: ClearSilver 0.10.5 leaks 32 bytes of its parse stack there) */
    put_file("broken.cs", "<?cs if:X ?>closed by the wrong end<?cs /each ?>");
    assert_string_equal(render(tc, "broken.cs", "x"), FAILED);
    put_file("cut.cs", "<?cs var:X");
    assert_string_equal(render(tc, "cut.cs", "x"), FAILED);
    put_file("badcall.cs", "<?cs call:nothing(X) ?>");
    assert_string_equal(render(tc, "badcall.cs", "x"), FAILED);
    /* a failed parse is not kept: fixed, it renders at once */
    put_file("broken.cs", "<?cs if:X ?>closed<?cs /if ?>");
    assert_string_equal(render(tc, "broken.cs", "x"), "closed");

    /* a kept template whose include goes away: parsed again after the interval, which fails
     * (ClearSilver skips a missing include:, so the call of its macro is undefined) */
    assert_string_equal(render(tc, "t.cs", "x"), "A[x](x)");
    snprintf(path, sizeof path, "%s/inc.cs", dir);
    assert_int_equal(unlink(path), 0);
    fake_ms += 1000;
    assert_string_equal(render(tc, "t.cs", "x"), "A[x](x)");
    fake_ms += 1000;
    assert_string_equal(render(tc, "t.cs", "x"), FAILED);
    assert_string_equal(render(tc, "t.cs", "x"), FAILED);
    put_file("inc.cs", "<?cs def:show(v) ?>(<?cs var:v ?>)<?cs /def ?>C");
    assert_string_equal(render(tc, "t.cs", "y"), "C[y](y)");

    /* a kept page that goes away: an error once the interval has passed */
    snprintf(path, sizeof path, "%s/t.cs", dir);
    assert_int_equal(unlink(path), 0);
    fake_ms += 1999;
    assert_string_equal(render(tc, "t.cs", "z"), "C[z](z)");
    fake_ms += 1;
    assert_string_equal(render(tc, "t.cs", "z"), FAILED);
    fc_tmplcache_free(tc);
}

/* A render that fails half-way drops the kept parse: the next get parses again. */
static void test_failed_render_drops_parse(void **state)
{
    struct fc_tmplcache *tc = new_cache(2);
    struct fc_tmplcache_ref ref;
    (void)state;
    assert_null(fc_tmplcache_get(tc, "t.cs", NULL, &ref));
    fc_tmplcache_put(&ref, 1);
    assert_null(fc_tmplcache_get(tc, "t.cs", NULL, &ref));
    assert_non_null(ref.kept);
    fc_tmplcache_put(&ref, 0);
    assert_int_equal(stats(tc).parses, 2);
    assert_int_equal(stats(tc).hits, 0);
    fc_tmplcache_free(tc);
}

/* What cannot be kept still renders, parsed for one use: more templates than the cache holds,
 * a template of more files than it checks, a name too long, no cache at all. */
static void test_not_kept_still_renders(void **state)
{
    struct fc_tmplcache *tc = new_cache(2);
    struct fc_tmplcache_ref ref;
    char name[200], text[2048], want[32];
    HDF *data;
    STRING out;
    (void)state;
    for (int i = 0; i < 70; i++) {
        snprintf(name, sizeof name, "p%d.cs", i);
        snprintf(text, sizeof text, "p%d=<?cs var:X ?>", i);
        put_file(name, text);
        snprintf(want, sizeof want, "p%d=v", i);
        assert_string_equal(render(tc, name, "v"), want);
    }
    assert_null(fc_tmplcache_get(tc, "p69.cs", NULL, &ref));
    assert_null(ref.kept);
    assert_non_null(ref.owned);
    fc_tmplcache_put(&ref, 0);

    fc_tmplcache_free(tc);
    tc = new_cache(2);
    text[0] = '\0';
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "i%d.cs", i);
        put_file(name, "i");
        snprintf(text + strlen(text), sizeof text - strlen(text), "<?cs include:\"%s\" ?>", name);
    }
    put_file("many.cs", text);
    assert_string_equal(render(tc, "many.cs", "v"), "iiiiiiiiiiiiiiiiiiii");
    assert_null(fc_tmplcache_get(tc, "many.cs", NULL, &ref));
    assert_null(ref.kept);
    assert_non_null(ref.owned);
    fc_tmplcache_put(&ref, 0);

    memset(name, 'n', 150);
    strcpy(name + 150, ".cs");
    put_file(name, "long <?cs var:X ?>");
    assert_string_equal(render(tc, name, "<"), "long &lt;");
    fc_tmplcache_free(tc);

    /* no cache: the data's own load path and escaping mode */
    assert_null(hdf_init(&data));
    assert_null(hdf_set_value(data, "Config.VarEscapeMode", "html"));
    assert_null(hdf_set_value(data, "hdf.loadpaths.0", dir));
    assert_null(hdf_set_value(data, "X", "&"));
    string_init(&out);
    assert_null(fc_tmplcache_render(NULL, "t.cs", data, &out));
    assert_string_equal(out.buf, "A[&amp;](&amp;)");
    string_clear(&out);
    hdf_destroy(&data);
}

/* A page larger than the output's first allocation (16 KB) and pieces of every size: the text
 * comes out whole, in order, escaped, and its length is the STRING's; into a STRING that held
 * text already, it is appended. */
static void test_large_output(void **state)
{
    struct fc_tmplcache *tc = new_cache(2);
    HDF *data;
    STRING out;
    char key[32], want[8];
    int i;
    (void)state;
    put_file("big.cs", "<?cs each:v = V ?>[<?cs var:v ?>]<?cs /each ?>.");
    assert_null(hdf_init(&data));
    assert_null(hdf_set_value(data, "Config.VarEscapeMode", "html"));
    for (i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "V.%d", i);
        assert_null(hdf_set_value(data, key, i % 1000 == 7 ? "<&>" : "abcd"));
    }
    string_init(&out);
    assert_null(string_append(&out, "head:"));
    assert_null(fc_tmplcache_render(tc, "big.cs", data, &out));
    /* 20000 pieces "[abcd]" (6 bytes), 20 of them "[&lt;&amp;&gt;]" (15), then "." */
    assert_int_equal(out.len, 5 + 19980 * 6 + 20 * 15 + 1);
    assert_int_equal((int)strlen(out.buf), out.len);
    assert_true(out.max > out.len);
    assert_memory_equal(out.buf, "head:[abcd][abcd][abcd][abcd][abcd][abcd][abcd][&lt;&amp;&gt;]",
                        5 + 7 * 6 + 15);
    for (i = 0; i < 20000; i += 997) {
        const char *p = out.buf + 5 + (size_t)i * 6 + (size_t)((i + 992) / 1000) * 9;
        snprintf(want, sizeof want, "%s", i % 1000 == 7 ? "[&lt;" : "[abcd");
        assert_memory_equal(p, want, strlen(want));
    }
    assert_int_equal(out.buf[out.len - 1], '.');
    string_clear(&out);
    hdf_destroy(&data);
    fc_tmplcache_free(tc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hit_same_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hit_interval_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_file_reloaded_after_interval, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interval_zero_checks_every_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_and_broken, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_render_drops_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_kept_still_renders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_output, setup, teardown),
    };
    return cmocka_run_group_tests_name("tmplcache", tests, NULL, NULL);
}
