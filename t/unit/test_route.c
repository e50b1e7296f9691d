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
            /* file uploads: only a photo, only where a review is written (the two review
             * forms, the API's create and update) or an avatar set (the profile form, the
             * API's avatar); every other route takes no file part at all */
            if (a->flags & FC_ROUTE_PHOTO) {
                assert_true(strcmp(a->pattern, "/restaurants/:id/review") == 0 ||
                            strcmp(a->pattern, "/reviews/:id/edit") == 0 ||
                            strcmp(a->pattern, "/api/v1/restaurants/:id/reviews") == 0 ||
                            strcmp(a->pattern, "/api/v1/reviews/:id") == 0 ||
                            (strcmp(a->pattern, "/u/:username/edit") == 0 &&
                             strcmp(a->method, "POST") == 0) ||
                            strcmp(a->pattern, "/api/v1/me/avatar") == 0);
                assert_string_equal(fc_route_files(a)[0], "photo");
                assert_null(fc_route_files(a)[1]);
            } else {
                assert_null(fc_route_files(a)[0]);
            }
        }
}

/* Allow lists every method of every route (in any group) whose pattern matches the path. */
static void test_allow(void **state)
{
    (void)state;
    static const struct fc_route more[] = {
        {"DELETE", "/u/:name", h2, 0},
        {"POST", "/u/:name/:what", h2, 0},
        {"PROPFIND", "/u/:name", h2, 0},
        {"PROPFIND", "/u/:name", h1, 0},
    };
    static const struct fc_route_group g1 = {table, 4}, g2 = {more, 4};
    static const struct fc_route_group *const one[] = {&g1, NULL}, *const both[] = {&g1, &g2, NULL};
    char buf[128];
    assert_int_equal(fc_route_allow(one, "/", buf, sizeof buf), strlen("GET, HEAD"));
    assert_string_equal(buf, "GET, HEAD");
    assert_int_equal(fc_route_allow(one, "/u/a/edit", buf, sizeof buf), strlen("POST"));
    assert_string_equal(buf, "POST");
    fc_route_allow(both, "/u/a/edit", buf, sizeof buf);
    assert_string_equal(buf, "POST");
    fc_route_allow(both, "/u/a", buf, sizeof buf);
    assert_string_equal(buf, "GET, HEAD, DELETE, PROPFIND");
    fc_route_allow(both, "/u/a/b", buf, sizeof buf);
    assert_string_equal(buf, "POST");
    assert_int_equal(fc_route_allow(both, "/nope", buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    /* too small: whole names only, never a cut one */
    fc_route_allow(both, "/u/a", buf, 12);
    assert_string_equal(buf, "GET, HEAD");
    /* the app's table: a GET-only page, a POST-only action, a path two patterns share */
    fc_route_allow(fc_route_groups, "/restaurants", buf, sizeof buf);
    assert_string_equal(buf, "GET, HEAD");
    fc_route_allow(fc_route_groups, "/logout", buf, sizeof buf);
    assert_string_equal(buf, "POST");
    fc_route_allow(fc_route_groups, "/friends/recommend", buf, sizeof buf);
    assert_string_equal(buf, "GET, HEAD, POST");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_nomatch),
        cmocka_unit_test(test_app_table),
        cmocka_unit_test(test_allow),
    };
    return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
