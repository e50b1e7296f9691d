/* Unit tests of the memo of logged views (cgi/svc/views.c): a view repeats one logged by the
 * same viewer of the same restaurant less than the window ago, nothing else does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "svc/views.h"

static void test_rule(void **state)
{
    (void)state;
    assert_true(fc_views_within(1000, 1000, 1800));
    assert_true(fc_views_within(1000, 2799, 1800));
    assert_false(fc_views_within(1000, 2800, 1800)); /* the window's end: a new view */
    assert_false(fc_views_within(1000, 999, 1800));  /* the clock went back */
    assert_false(fc_views_within(1000, 1000, 0));
}

static void test_off(void **state)
{
    (void)state;
    assert_null(fc_views_new(0));
    assert_null(fc_views_new(-5));
    fc_views_note(NULL, 1, 2, 100);
    assert_false(fc_views_repeat(NULL, 1, 2, 100));
    fc_views_free(NULL);
}

static void test_repeat_per_pair(void **state)
{
    struct fc_views *v = fc_views_new(1800);
    (void)state;
    assert_non_null(v);
    assert_false(fc_views_repeat(v, 7, 5, 1000)); /* nothing noted yet */
    fc_views_note(v, 7, 5, 1000);
    assert_true(fc_views_repeat(v, 7, 5, 1000));
    assert_true(fc_views_repeat(v, 7, 5, 2799));
    assert_false(fc_views_repeat(v, 7, 5, 2800));
    assert_false(fc_views_repeat(v, 8, 5, 1001)); /* another viewer */
    assert_false(fc_views_repeat(v, 7, 6, 1001)); /* another restaurant */
    assert_false(fc_views_repeat(v, 0, 5, 1001)); /* no visitor is remembered */
    fc_views_note(v, 0, 5, 1000);
    assert_false(fc_views_repeat(v, 0, 5, 1001));
    /* the window restarts at the view logged next */
    fc_views_note(v, 7, 5, 2800);
    assert_true(fc_views_repeat(v, 7, 5, 4000));
    fc_views_free(v);
}

/* More pairs than slots: every one noted last is remembered or pushed out, never mistaken
 * for another (a pushed-out pair is only logged again). */
static void test_many_pairs(void **state)
{
    struct fc_views *v = fc_views_new(1800);
    int kept = 0;
    (void)state;
    for (int64_t u = 1; u <= 100; u++)
        for (int64_t r = 1; r <= 100; r++)
            fc_views_note(v, u, r, 1000);
    for (int64_t u = 1; u <= 100; u++)
        for (int64_t r = 1; r <= 100; r++)
            kept += fc_views_repeat(v, u, r, 1001);
    assert_true(kept > 0 && kept <= FC_VIEWS_SLOTS);
    assert_false(fc_views_repeat(v, 101, 1, 1001));
    assert_false(fc_views_repeat(v, 1, 101, 1001));
    fc_views_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule),
        cmocka_unit_test(test_off),
        cmocka_unit_test(test_repeat_per_pair),
        cmocka_unit_test(test_many_pairs),
    };
    return cmocka_run_group_tests_name("views", tests, NULL, NULL);
}
