/* Unit tests of what a recommendation shown now may say (rec/trust.c, issue #16 item 7): a
 * place rated now is left out, "Because you liked X" needs X rated 4 stars or more now, a
 * favourite cuisine of the profile is a reason, and one list varies its reasons among the true
 * ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/util.h"
#include "rec/rec.h"

static struct rec_result result(int64_t item, int reason)
{
    struct rec_result r;
    memset(&r, 0, sizeof r);
    r.item = item;
    r.reason = reason;
    strcpy(r.city, "Cuernavaca");
    return r;
}

static const struct fc_rating RATED[] = {{10, 5}, {11, 4}, {12, 3}, {13, 1}};
static const struct fc_rec_now NOW = {RATED, 4, "Mexican, latin_american"};

static void test_leave_out_rated(void **state)
{
    struct rec_result res[5] = {result(1, REC_WHY_POPULAR), result(10, REC_WHY_POPULAR_CITY),
                                result(2, REC_WHY_POPULAR), result(13, REC_WHY_BECAUSE),
                                result(3, REC_WHY_CUISINE)};
    (void)state;
    assert_int_equal(fc_rec_leave_out_rated(res, 5, &NOW), 3);
    assert_int_equal(res[0].item, 1);
    assert_int_equal(res[1].item, 2);
    assert_int_equal(res[2].item, 3);
    /* nobody known: nothing left out */
    assert_int_equal(fc_rec_leave_out_rated(res, 3, NULL), 3);
    assert_int_equal(fc_rec_stars_now(&NOW, 11), 4);
    assert_int_equal(fc_rec_stars_now(&NOW, 99), 0);
}

static void test_because_is_true(void **state)
{
    struct rec_result r;
    (void)state;
    /* liked 5 and 4 stars: stays */
    for (int64_t x = 10; x <= 11; x++) {
        r = result(1, REC_WHY_BECAUSE);
        r.because_item = x;
        assert_int_equal(fc_rec_reason_true(&r, "Japanese", &NOW), 0);
        assert_int_equal(r.reason, REC_WHY_BECAUSE);
        assert_int_equal(r.because_item, x);
    }
    /* rated 3 or 1 stars now, or only saved (not rated): not "liked" */
    for (int64_t x = 12; x <= 14; x++) {
        r = result(1, REC_WHY_BECAUSE);
        r.because_item = x;
        assert_int_equal(fc_rec_reason_true(&r, "Japanese", &NOW), 1);
        assert_int_equal(r.because_item, 0);
        assert_int_equal(r.reason, REC_WHY_POPULAR_CITY);
    }
    /* the next reason: a favourite cuisine first */
    r = result(1, REC_WHY_BECAUSE);
    r.because_item = 14;
    assert_int_equal(fc_rec_reason_true(&r, "Bar,Mexican", &NOW), 1);
    assert_int_equal(r.reason, REC_WHY_CUISINE);
    assert_string_equal(r.cuisine, "Mexican");
    /* nothing known of the user: nobody's "liked" place */
    r = result(1, REC_WHY_BECAUSE);
    r.because_item = 10;
    r.city[0] = 0;
    fc_rec_reason_true(&r, NULL, NULL);
    assert_int_equal(r.reason, REC_WHY_POPULAR);
    /* a friends reason keeps its reason but loses an untrue liked place */
    r = result(1, REC_WHY_FRIENDS);
    r.because_item = 13;
    assert_int_equal(fc_rec_reason_true(&r, NULL, &NOW), 0);
    assert_int_equal(r.reason, REC_WHY_FRIENDS);
    assert_int_equal(r.because_item, 0);
}

static void test_favourite_cuisine(void **state)
{
    static const int weak[] = {REC_WHY_POPULAR, REC_WHY_POPULAR_CITY, FC_REC_WHY_PERSONALIZED};
    struct rec_result r;
    (void)state;
    for (size_t i = 0; i < sizeof weak / sizeof *weak; i++) {
        r = result(1, weak[i]);
        assert_int_equal(fc_rec_reason_true(&r, "Bar, Latin American", &NOW), 1);
        assert_int_equal(r.reason, REC_WHY_CUISINE);
        assert_string_equal(r.cuisine, "Latin American");
    }
    /* not a favourite: the reason stays */
    r = result(1, REC_WHY_POPULAR_CITY);
    assert_int_equal(fc_rec_reason_true(&r, "Bar,Japanese", &NOW), 0);
    assert_int_equal(r.reason, REC_WHY_POPULAR_CITY);
    assert_string_equal(r.cuisine, "");
    /* friends and a true "because" are stronger */
    r = result(1, REC_WHY_FRIENDS);
    fc_rec_reason_true(&r, "Mexican", &NOW);
    assert_int_equal(r.reason, REC_WHY_FRIENDS);
    assert_string_equal(r.cuisine, "Mexican");
    assert_true(fc_rec_is_favourite(&NOW, "MEXICAN"));
    assert_true(fc_rec_is_favourite(&NOW, "Latin American"));
    assert_false(fc_rec_is_favourite(&NOW, "Mex"));
    assert_false(fc_rec_is_favourite(&NOW, ""));
    assert_false(fc_rec_is_favourite(NULL, "Mexican"));
}

static void test_vary(void **state)
{
    struct rec_result res[8];
    int kinds[8];
    (void)state;
    for (int i = 0; i < 8; i++) {
        res[i] = result(100 + i, REC_WHY_FRIENDS);
        res[i].n_friends = 2;
        res[i].friend_ids[0] = 7;
        res[i].friends_avg = 4;
    }
    res[4].because_item = 10;           /* liked: may tell it */
    strcpy(res[5].cuisine, "Mexican");  /* a favourite */
    res[6].because_item = 12;           /* rated 3 stars: not liked */
    strcpy(res[7].cuisine, "Japanese"); /* not a favourite */
    fc_rec_reasons_vary(res, 8, &NOW);
    for (int i = 0; i < 8; i++)
        kinds[i] = res[i].reason;
    for (int i = 0; i < 4; i++)
        if (i < FC_REC_SAME_REASON_MAX || i == 3)
            assert_int_equal(kinds[i], REC_WHY_FRIENDS);
    assert_int_equal(kinds[4], REC_WHY_BECAUSE);
    assert_int_equal(res[4].n_friends, 0);
    assert_int_equal(res[4].friend_ids[0], 0);
    assert_int_equal(kinds[5], REC_WHY_CUISINE);
    assert_int_equal(kinds[6], REC_WHY_FRIENDS);
    assert_int_equal(kinds[7], REC_WHY_FRIENDS);
    assert_int_equal(res[7].n_friends, 2);
    /* a short list keeps its reasons */
    res[0] = result(1, REC_WHY_BECAUSE);
    res[0].because_item = 10;
    strcpy(res[0].cuisine, "Mexican");
    fc_rec_reasons_vary(res, 1, &NOW);
    assert_int_equal(res[0].reason, REC_WHY_BECAUSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leave_out_rated),
        cmocka_unit_test(test_because_is_true),
        cmocka_unit_test(test_favourite_cuisine),
        cmocka_unit_test(test_vary),
    };
    return cmocka_run_group_tests_name("recommendations shown now", tests, NULL, NULL);
}
