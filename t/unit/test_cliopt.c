/* Unit tests: core/cliopt.c: a command family's options on either side of its subcommand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/cliopt.h"

static const char *const valued[] = {"--bucket", "--prefix", "-n", NULL};

/* Splits a space-separated line into argv (at most 15 words) and hoists; returns the line
 * the family then sees, words joined by spaces, into out. */
static int hoist(const char *line, char *out, size_t n)
{
    char buf[256], *argv[16], *save = NULL;
    int argc = 0, at;
    strcpy(buf, line);
    for (char *w = strtok_r(buf, " ", &save); w && argc < 15; w = strtok_r(NULL, " ", &save))
        argv[argc++] = w;
    argv[argc] = NULL;
    at = fc_cliopt_hoist(argc, argv, valued);
    out[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i)
            strncat(out, " ", n - strlen(out) - 1);
        strncat(out, argv[i], n - strlen(out) - 1);
    }
    return at;
}

static void test_hoist(void **state)
{
    static const struct {
        const char *in, *out;
        int at;
    } cases[] = {
        {"backup init --bucket B", "backup init --bucket B", 1}, /* already first */
        {"backup --bucket B init", "backup init --bucket B", 3}, /* value skipped */
        {"backup --bucket B --prefix P list --json", "backup list --bucket B --prefix P --json", 5},
        {"backup --bucket=B list", "backup list --bucket=B", 2},       /* --opt=value */
        {"backup --json list", "backup list --json", 2},               /* a flag */
        {"backup --bucket list init", "backup init --bucket list", 3}, /* a value like a cmd */
        {"backup --prefix -x run", "backup run --prefix -x", 3},       /* a value like an opt */
        {"backup restore latest --to D", "backup restore latest --to D", 1}, /* order kept */
        {"backup --bucket B restore latest", "backup restore --bucket B latest", 3},
        {"rec -n 5 top", "rec top -n 5", 3},
        {"backup --json", "backup --json", 0},               /* no subcommand */
        {"backup --bucket", "backup --bucket", 0},           /* value missing */
        {"backup --json -- run", "backup --json -- run", 0}, /* -- ends options */
        {"backup", "backup", 0},
        {"backup - x", "backup - x", 1}, /* "-" is an argument */
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[256];
        int at = hoist(cases[i].in, out, sizeof out);
        assert_string_equal(out, cases[i].out);
        assert_int_equal(at, cases[i].at);
    }
}

static void test_long(void **state)
{
    char *argv[] = {"list", "--limit", "20", "--limit", "0", "--limit"};
    long v = 7;
    int i = 1;
    (void)state;
    assert_int_equal(fc_cliopt_long(6, argv, &i, "--limit", 1, 100, &v), 1);
    assert_int_equal(i, 2); /* at the value: the loop's i++ steps past it */
    assert_int_equal(v, 20);
    i = 3; /* out of range: not taken */
    assert_int_equal(fc_cliopt_long(6, argv, &i, "--limit", 1, 100, &v), 0);
    assert_int_equal(i, 3);
    assert_int_equal(v, 20);
    i = 5; /* no value */
    assert_int_equal(fc_cliopt_long(6, argv, &i, "--limit", 1, 100, &v), 0);
    i = 0; /* another word */
    assert_int_equal(fc_cliopt_long(6, argv, &i, "--limit", 1, 100, &v), 0);
    assert_int_equal(i, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hoist),
        cmocka_unit_test(test_long),
    };
    return cmocka_run_group_tests_name("cliopt", tests, NULL, NULL);
}
