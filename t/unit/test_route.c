/* Unit tests: the route matcher and the real route table's requirements. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/route.h"

static int h1(struct fc_ctx *c)
{
    (void)c;
    return 1;
}
static int h2(struct fc_ctx *c)
{
    (void)c;
    return 2;
}

static const struct fc_route table[] = {
    {"GET", "/", h1, 0},
    {"GET", "/u/:name", h1, 0},
    {"POST", "/u/:name/edit", h2, FC_ROUTE_LOGIN},
    {"GET", "/r/:id/x/:k", h2, 0},
};

static void test_match(void **state)
{
    (void)state;
    const struct fc_route *r = NULL;
    char args[FC_MAX_ARGS][256];
    int n = -1;
    assert_int_equal(fc_route_match(table, 4, "GET", "/", &r, args, &n), FC_MATCH_OK);
    assert_ptr_equal(r, &table[0]);
    assert_int_equal(n, 0);
    assert_int_equal(fc_route_match(table, 4, "GET", "/u/ana", &r, args, &n), FC_MATCH_OK);
    assert_ptr_equal(r, &table[1]);
    assert_int_equal(n, 1);
    assert_string_equal(args[0], "ana");
    assert_int_equal(fc_route_match(table, 4, "HEAD", "/u/ana", &r, args, &n), FC_MATCH_OK);
    assert_int_equal(fc_route_match(table, 4, "GET", "/r/7/x/abc", &r, args, &n), FC_MATCH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(args[0], "7");
    assert_string_equal(args[1], "abc");
}

static void test_nomatch(void **state)
{
    (void)state;
    const struct fc_route *r = NULL;
    char args[FC_MAX_ARGS][256];
    int n;
    assert_int_equal(fc_route_match(table, 4, "GET", "/u/", &r, args, &n), FC_MATCH_NOPATH);
    assert_int_equal(fc_route_match(table, 4, "GET", "/u/a/b", &r, args, &n), FC_MATCH_NOPATH);
    assert_int_equal(fc_route_match(table, 4, "GET", "/nope", &r, args, &n), FC_MATCH_NOPATH);
    assert_int_equal(fc_route_match(table, 4, "GET", "/u/a/edit", &r, args, &n), FC_MATCH_NOMETHOD);
    assert_int_equal(fc_route_match(table, 4, "DELETE", "/", &r, args, &n), FC_MATCH_NOMETHOD);
}

/* Every state-changing route is a POST, and the app's table has no duplicate entries. */
static void test_app_table(void **state)
{
    (void)state;
    for (const struct fc_route_group *const *g = fc_route_groups; *g; g++)
        for (size_t i = 0; i < (*g)->n; i++) {
            const struct fc_route *a = &(*g)->routes[i];
            assert_true(strcmp(a->method, "GET") == 0 || strcmp(a->method, "POST") == 0 ||
                        strcmp(a->method, "PUT") == 0 || strcmp(a->method, "DELETE") == 0 ||
                        strcmp(a->method, "PATCH") == 0);
            assert_true(a->pattern[0] == '/');
            for (size_t j = i + 1; j < (*g)->n; j++)
                assert_false(strcmp(a->method, (*g)->routes[j].method) == 0 &&
                             strcmp(a->pattern, (*g)->routes[j].pattern) == 0);
            /* only the bearer-token JSON API may skip the CSRF check */
            if (a->flags & FC_ROUTE_NOCSRF)
                assert_true(strncmp(a->pattern, "/api/", 5) == 0);
            if (strstr(a->pattern, "/edit") && strcmp(a->method, "POST") == 0)
                assert_true(a->flags & FC_ROUTE_LOGIN);
            if (strncmp(a->pattern, "/admin", 6) == 0)
                assert_true(a->flags & FC_ROUTE_ADMIN);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_nomatch),
        cmocka_unit_test(test_app_table),
    };
    return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
