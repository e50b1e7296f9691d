/* Unit tests of the privacy rules every page and the API go through: which profile fields a
 * viewer may see (fc_store_profile_fields, its redaction of users and people). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/testutil.h"
#include "core/util.h"
#include "store/store.h"

enum {
    F = FC_REL_FRIEND,
    RO = FC_REL_REQ_OUT,
    RI = FC_REL_REQ_IN,
    B = FC_REL_BLOCKED,
    BB = FC_REL_BLOCKED_BY,
    N = FC_FIELD_NAME,
    P = FC_FIELD_PROFILE,
    R = FC_FIELD_REVIEWS,
};

/* The whole matrix: relation x visibility, member 42. */
static void test_profile_fields(void **state)
{
    static const struct {
        const char *who;
        int64_t viewer;
        int rel;
        unsigned pub, friends; /* fields when she is public, friends-only */
    } cases[] = {
        {"herself", 42, 0, N | P | R, N | P | R},
        {"herself, whatever the bits say", 42, B | BB, N | P | R, N | P | R},
        {"anonymous", 0, 0, N | P | R, N},
        {"a stranger", 7, 0, N | P | R, N},
        {"one who asked her", 7, RO, N | P | R, N},
        {"one she asked", 7, RI, N | P | R, N},
        {"a friend", 7, F, N | P | R, N | P | R},
        {"one who blocked her", 7, B, N | P, N},
        {"one she blocked", 7, BB, 0, 0},
        {"a friend she blocked (a block ends it)", 7, F | BB, 0, 0},
        {"blocked both ways", 7, B | BB, 0, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        unsigned pub = fc_store_profile_fields(cases[i].viewer, 42, "public", cases[i].rel),
                 fr = fc_store_profile_fields(cases[i].viewer, 42, "friends", cases[i].rel);
        if (pub != cases[i].pub || fr != cases[i].friends)
            fail_msg("%s: public %u (want %u), friends %u (want %u)", cases[i].who, pub,
                     cases[i].pub, fr, cases[i].friends);
    }
    /* only the exact "public" is public */
    assert_int_equal(fc_store_profile_fields(7, 42, NULL, 0), N);
    assert_int_equal(fc_store_profile_fields(7, 42, "Public", 0), N);
    assert_int_equal(fc_store_profile_fields(7, 42, "", F), N | P | R);
    /* reviews follow the same rule (fc_store_may_see), never a disabled author's */
    assert_true(fc_store_may_see(7, 42, "friends", 0, F));
    assert_false(fc_store_may_see(7, 42, "public", 0, B));
    assert_false(fc_store_may_see(7, 42, "public", 1, F));
}

static void fill_user(struct fc_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = 42;
    strcpy(u->username, "olga");
    strcpy(u->email, "olga@example.com");
    strcpy(u->display_name, "Olga");
    strcpy(u->bio, "bio");
    strcpy(u->city, "Cuernavaca");
    strcpy(u->cuisines, "Mexican,Japanese");
    strcpy(u->price, "low");
    strcpy(u->visibility, "friends");
}

static void test_user_redact(void **state)
{
    struct fc_user u;
    (void)state;
    fill_user(&u);
    fc_store_user_redact(&u, N | P | R);
    assert_string_equal(u.city, "Cuernavaca");
    assert_string_equal(u.bio, "bio");
    fc_store_user_redact(&u, N);
    assert_string_equal(u.username, "olga");
    assert_string_equal(u.display_name, "Olga");
    assert_string_equal(u.visibility, "friends");
    assert_int_equal(u.id, 42);
    assert_string_equal(u.bio, "");
    assert_string_equal(u.city, "");
    assert_string_equal(u.cuisines, "");
    assert_string_equal(u.price, "");
    fill_user(&u);
    fc_store_user_redact(&u, 0);
    assert_string_equal(u.display_name, "");
    assert_string_equal(u.username, "olga");
}

static void test_person_redact(void **state)
{
    static const struct {
        const char *vis;
        int64_t viewer;
        int rel, city_shown;
    } cases[] = {
        {"friends", 7, 0, 0},  /* a stranger searching, a suggestion */
        {"friends", 7, RO, 0}, /* a request she has not accepted */
        {"friends", 7, F, 1},  /* a friend */
        {"public", 7, 0, 1},   /* public */
        {"public", 7, B, 1},   /* public, in the viewer's blocked list */
        {"friends", 7, B, 0},  /* friends-only, in the viewer's blocked list */
        {"public", 7, BB, 0},  /* she blocked the viewer */
        {"friends", 42, 0, 1}, /* herself */
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct fc_person p = {.id = 42, .mutual = 3, .rel = cases[i].rel};
        strcpy(p.username, "olga");
        strcpy(p.display_name, "Olga");
        strcpy(p.city, "Cuernavaca");
        strcpy(p.visibility, cases[i].vis);
        fc_store_person_redact(&p, cases[i].viewer);
        if ((p.city[0] != 0) != cases[i].city_shown)
            fail_msg("case %zu: city \"%s\"", i, p.city);
        assert_string_equal(p.username, "olga");
        assert_int_equal(p.mutual, 3);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_profile_fields),
        cmocka_unit_test(test_user_redact),
        cmocka_unit_test(test_person_redact),
    };
    return cmocka_run_group_tests_name("privacy rules", tests, NULL, NULL);
}
