/* Unit tests of the privacy rules every page and the API go through: which profile fields a
 * viewer may see (fc_store_profile_fields, its redaction of users and people) and which
 * friends a recommendation's reason may still name (fc_rec_reason_now, and
 * fc_rec_reasons_check on a real store: a block, a disabled account, an unfriending). */
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
#include "rec/rec.h"
#include "store/rules.h"
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
    assert_int_equal(fc_user_set_bio(u, "bio"), FC_OK);
    strcpy(u->city, "Cuernavaca");
    assert_int_equal(fc_user_set_cuisines(u, "Mexican,Japanese"), FC_OK);
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
    fc_user_clear(&u);
    fill_user(&u);
    fc_store_user_redact(&u, 0);
    assert_string_equal(u.display_name, "");
    assert_string_equal(u.username, "olga");
    fc_user_clear(&u);
    fc_store_user_redact(&u, 0); /* a record without text */
    assert_null(u.bio);
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

static struct rec_result friends_result(int n_friends)
{
    struct rec_result r;
    memset(&r, 0, sizeof r);
    r.item = 5;
    r.reason = REC_WHY_FRIENDS;
    r.n_friends = n_friends;
    r.friends_avg = 4.5;
    for (int i = 0; i < n_friends && i < 3; i++)
        r.friend_ids[i] = 100 + i;
    strcpy(r.city, "Cuernavaca");
    return r;
}

static void test_reason_now(void **state)
{
    const struct fc_rec_named friend = {1, 0, F}, gone = {0, 0, 0}, disabled = {1, 1, F},
                              stranger = {1, 0, 0}, blocked_me = {1, 0, BB}, i_blocked = {1, 0, B},
                              asked = {1, 0, RO};
    const struct fc_rec_named *bad[] = {&gone,       &disabled,  &stranger,
                                        &blocked_me, &i_blocked, &asked};
    struct rec_result r;
    (void)state;

    /* every named friend may be named: unchanged */
    r = friends_result(5);
    {
        struct fc_rec_named all[3] = {friend, friend, friend};
        assert_int_equal(fc_rec_reason_now(&r, all), 0);
    }
    assert_int_equal(r.reason, REC_WHY_FRIENDS);
    assert_int_equal(r.n_friends, 5);
    assert_int_equal(r.friend_ids[2], 102);

    /* one who may not be named, in any place: the friends part goes */
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++)
        for (int at = 0; at < 3; at++) {
            struct fc_rec_named named[3] = {friend, friend, friend};
            named[at] = *bad[b];
            r = friends_result(3);
            assert_int_equal(fc_rec_reason_now(&r, named), 1);
            if (r.reason != REC_WHY_POPULAR || r.n_friends || r.friends_avg != 0 ||
                r.friend_ids[0] || r.friend_ids[1] || r.friend_ids[2])
                fail_msg("bad %zu at %d: reason %d, %d friends", b, at, r.reason, r.n_friends);
        }

    /* the reason the result supports next: because, then cuisine, then popular */
    r = friends_result(1);
    r.because_item = 9;
    strcpy(r.cuisine, "Mexican");
    fc_rec_reason_now(&r, &stranger);
    assert_int_equal(r.reason, REC_WHY_BECAUSE);
    assert_int_equal(r.because_item, 9);
    r = friends_result(1);
    strcpy(r.cuisine, "Mexican");
    fc_rec_reason_now(&r, &gone);
    assert_int_equal(r.reason, REC_WHY_CUISINE);
    assert_string_equal(r.cuisine, "Mexican");

    /* not known (NULL): nobody is named */
    r = friends_result(2);
    assert_int_equal(fc_rec_reason_now(&r, NULL), 1);
    assert_int_equal(r.reason, REC_WHY_POPULAR);

    /* other reasons keep their reason; friend details they carry go unless checked */
    r = friends_result(2);
    r.reason = REC_WHY_POPULAR_CITY;
    assert_int_equal(fc_rec_reason_now(&r, NULL), 1);
    assert_int_equal(r.reason, REC_WHY_POPULAR_CITY);
    assert_int_equal(r.n_friends, 0);
    memset(&r, 0, sizeof r);
    r.reason = FC_REC_WHY_PERSONALIZED;
    assert_int_equal(fc_rec_reason_now(&r, NULL), 0);
    assert_int_equal(r.reason, FC_REC_WHY_PERSONALIZED);
}

static int64_t mkuser(struct fc_store *s, const char *name)
{
    struct fc_user u;
    fill_user(&u);
    u.id = 0;
    snprintf(u.username, sizeof u.username, "%s", name);
    snprintf(u.email, sizeof u.email, "%s@example.com", name);
    snprintf(u.ext_id, sizeof u.ext_id, "%s-ext", name);
    strcpy(u.pw_hash, "x");
    assert_int_equal(s->ops->user_create(s, &u), FC_OK);
    fc_user_clear(&u);
    return u.id;
}

/* The checker on a store: what each named friend is now decides. */
static void test_reasons_check(void **state)
{
    char dir[64];
    HDF *cfg = testutil_config(dir);
    struct fc_store *s = NULL;
    struct rec_result res[4];
    int64_t v, a, b, c;
    (void)state;
    assert_non_null(cfg);
    assert_int_equal(fc_store_open(cfg, &s), FC_OK);
    v = mkuser(s, "vera");
    a = mkuser(s, "ana");
    b = mkuser(s, "bea");
    c = mkuser(s, "cleo");
    assert_int_equal(fc_store_relate_rc(s, v, a, FC_ACT_BEFRIEND, 1), FC_OK);
    assert_int_equal(fc_store_relate_rc(s, v, b, FC_ACT_BEFRIEND, 1), FC_OK);
    assert_int_equal(fc_store_relate_rc(s, v, c, FC_ACT_BEFRIEND, 1), FC_OK);

    res[0] = friends_result(1);
    res[0].friend_ids[0] = a;
    res[1] = friends_result(2);
    res[1].friend_ids[0] = b;
    res[1].friend_ids[1] = a;
    res[2] = friends_result(1);
    res[2].friend_ids[0] = c;
    res[3] = friends_result(1);
    res[3].friend_ids[0] = 999999; /* no such user */
    assert_int_equal(fc_rec_reasons_check(s, v, res, 4), FC_OK);
    assert_int_equal(res[0].reason, REC_WHY_FRIENDS);
    assert_int_equal(res[1].reason, REC_WHY_FRIENDS);
    assert_int_equal(res[2].reason, REC_WHY_FRIENDS);
    assert_int_equal(res[3].reason, REC_WHY_POPULAR);

    /* ana blocks vera, bea is disabled, vera unfriends cleo */
    assert_int_equal(fc_store_relate_rc(s, a, v, FC_ACT_BLOCK, 2), FC_OK);
    assert_int_equal(s->ops->user_set_flags(s, b, 0, 1), FC_OK);
    assert_int_equal(fc_store_relate_rc(s, v, c, FC_ACT_REMOVE, 0), FC_OK);
    for (int i = 0; i < 3; i++) {
        struct rec_result r = friends_result(1);
        r.friend_ids[0] = i == 0 ? a : i == 1 ? b : c;
        assert_int_equal(fc_rec_reasons_check(s, v, &r, 1), FC_OK);
        if (r.reason != REC_WHY_POPULAR || r.n_friends)
            fail_msg("friend %d is still named", i);
    }
    fc_store_close(s);
    hdf_destroy(&cfg);
    testutil_cleanup(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_profile_fields), cmocka_unit_test(test_user_redact),
        cmocka_unit_test(test_person_redact),  cmocka_unit_test(test_reason_now),
        cmocka_unit_test(test_reasons_check),
    };
    return cmocka_run_group_tests_name("privacy rules", tests, NULL, NULL);
}
