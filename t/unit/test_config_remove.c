/* Unit tests: fc_config_remove, the safe replacement for ClearSilver's hdf_remove_tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/util.h"

/* Number of children of node, walking the child list (what templates and loops see). */
static int children(HDF *node)
{
    int n = 0;
    for (HDF *h = hdf_obj_child(node); h; h = hdf_obj_next(h))
        n++;
    return n;
}

/* The pattern valgrind caught: the parent's lookup cache named the removed node, and the next
 * set under that parent read freed memory. After fc_config_remove the cache is empty. */
static void test_remove_clears_cache(void **state)
{
    HDF *h = NULL;
    (void)state;
    assert_null(hdf_init(&h));
    assert_null(hdf_set_value(h, "A.x", "1"));
    assert_null(hdf_set_value(h, "B.y", "2"));
    assert_null(hdf_set_value(h, "C.z", "3"));
    assert_null(hdf_set_value(h, "C.w", "4")); /* caches C with B before it */
    assert_ptr_equal(h->last_hs, hdf_get_obj(h, "B"));
    assert_int_equal(fc_config_remove(h, "B"), FC_OK);
    assert_null(h->last_hp);
    assert_null(h->last_hs);
    assert_null(hdf_get_obj(h, "B"));
    assert_null(hdf_set_value(h, "C.v", "5"));
    assert_string_equal(hdf_get_value(h, "C.v", ""), "5");
    assert_string_equal(hdf_get_value(h, "A.x", ""), "1");
    assert_int_equal(children(h), 2);
    hdf_destroy(&h);
}

/* A nested name: the cache of its own parent (Rec.Personalize) is the one reset. */
static void test_remove_nested_and_absent(void **state)
{
    HDF *h = NULL;
    (void)state;
    assert_null(hdf_init(&h));
    assert_null(hdf_set_value(h, "Rec.Personalize.CampaignArn", "arn:a"));
    assert_null(hdf_set_value(h, "Rec.Personalize.TrackingId", "t1"));
    assert_null(hdf_set_value(h, "Rec.Personalize.Context", "c"));
    assert_null(hdf_set_value(h, "Rec.Personalize.Context", "c2")); /* cached: TrackingId */
    assert_ptr_equal(hdf_get_obj(h, "Rec.Personalize")->last_hs,
                     hdf_get_obj(h, "Rec.Personalize.TrackingId"));
    assert_int_equal(fc_config_remove(h, "Rec.Personalize.TrackingId"), FC_OK);
    assert_null(hdf_get_obj(h, "Rec.Personalize")->last_hs);
    assert_null(hdf_get_obj(h, "Rec.Personalize")->last_hp);
    assert_null(hdf_get_value(h, "Rec.Personalize.TrackingId", NULL));
    assert_null(hdf_set_value(h, "Rec.Personalize.Context", "d"));
    assert_null(hdf_set_value(h, "Rec.Personalize.TrackingId", "t2"));
    assert_string_equal(hdf_get_value(h, "Rec.Personalize.TrackingId", ""), "t2");
    assert_int_equal(children(hdf_get_obj(h, "Rec.Personalize")), 3);
    /* absent names and absent parents change nothing */
    assert_int_equal(fc_config_remove(h, "Rec.Personalize.Nope"), FC_OK);
    assert_int_equal(fc_config_remove(h, "No.Such.Parent"), FC_OK);
    assert_int_equal(fc_config_remove(h, "Nope"), FC_OK);
    assert_int_equal(children(hdf_get_obj(h, "Rec.Personalize")), 3);
    hdf_destroy(&h);
}

/* Past ten children a level is hashed and new children are appended after last_child: after
 * removing the first child of a one-child hashed level, a new child must still be listed. */
static void test_remove_hashed_level(void **state)
{
    HDF *h = NULL, *level;
    char k[32];
    (void)state;
    assert_null(hdf_init(&h));
    for (int i = 0; i < 14; i++) {
        snprintf(k, sizeof k, "L.k%02d", i);
        assert_null(hdf_set_value(h, k, "v"));
    }
    level = hdf_get_obj(h, "L");
    assert_non_null(level->hash);
    for (int i = 0; i < 14; i++) {
        snprintf(k, sizeof k, "L.k%02d", i);
        assert_int_equal(fc_config_remove(h, k), FC_OK);
    }
    assert_int_equal(children(level), 0);
    assert_null(level->last_child);
    assert_null(hdf_set_value(h, "L.again", "1"));
    assert_null(hdf_set_value(h, "L.more", "2"));
    assert_int_equal(children(level), 2);
    assert_ptr_equal(level->last_child, hdf_get_obj(h, "L.more"));
    hdf_destroy(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_remove_clears_cache),
        cmocka_unit_test(test_remove_nested_and_absent),
        cmocka_unit_test(test_remove_hashed_level),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
