/* Unit tests: svc/svc.c, the result every service operation returns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "svc/svc.h"

static void test_fail_sets_everything(void **state)
{
    struct fc_svc_result res;
    (void)state;
    fc_svc_ok(&res, 201);
    assert_true(FC_SVC_OK(&res));
    assert_int_equal(
        fc_svc_fail(&res, 422, "invalid_value", "stars", "Stars must be between %d and %d.", 1, 5),
        FC_EINVAL);
    assert_false(FC_SVC_OK(&res));
    assert_int_equal(res.status, 422);
    assert_string_equal(res.code, "invalid_value");
    assert_string_equal(res.field, "stars");
    assert_string_equal(res.message, "Stars must be between 1 and 5.");
}

static void test_store_failure_is_500_without_words(void **state)
{
    struct fc_svc_result res;
    struct fc_user u = {.id = 7};
    struct fc_svc sv = {.app = NULL, .actor = &u, .request_id = "req1"};
    (void)state;
    fc_svc_fail(&res, 404, "x", "y", "z");
    assert_int_equal(fc_svc_fail_store(&sv, &res, "test: store"), FC_ERR);
    assert_int_equal(res.status, 500);
    assert_null(res.code);
    assert_null(res.field);
    assert_string_equal(res.message, "");
    assert_int_equal(fc_svc_actor_id(&sv), 7);
    sv.actor = NULL;
    assert_int_equal(fc_svc_actor_id(&sv), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fail_sets_everything),
        cmocka_unit_test(test_store_failure_is_500_without_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
