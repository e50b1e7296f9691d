/* Unit tests: core/util.c: fc_human_ago, the times of the command line's lists for people. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/util.h"

static void test_human_ago(void **state)
{
    static const struct {
        int64_t ago;
        const char *want;
    } cases[] = {
        {0, "just now"},
        {4, "just now"},
        {5, "5 s ago"},
        {59, "59 s ago"},
        {60, "1 min ago"},
        {3599, "59 min ago"},
        {3600, "1 h ago"},
        {86399, "23 h ago"},
        {86400, "1 d ago"},
        {89 * 86400, "89 d ago"},
        {90 * 86400, "2026-09-08"}, /* long ago: the date */
        {-60, "2026-12-07"},        /* the future (a clock ahead): the date */
    };
    const int64_t now = 1796601600; /* 2026-12-07T00:00:00Z */
    char buf[32];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(fc_human_ago(now, now - cases[i].ago, buf, sizeof buf), cases[i].want);
    assert_string_equal(fc_human_ago(now, 0, buf, sizeof buf), "-"); /* never */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_human_ago),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
