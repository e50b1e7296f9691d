/* Unit tests: core/hours.c: open at a time given the data set's hours, local time of Mexico. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/hours.h"

enum { SUN, MON, TUE, WED, THU, FRI, SAT };
#define AT(h, m) ((h)*60 + (m))

static void test_plain_days(void **state)
{
    const char *h = "Mon-Fri 08:00-19:00; Sat 12:00-16:00, 18:00-23:30";
    (void)state;
    assert_int_equal(fc_hours_open_at(h, MON, AT(8, 0)), 1);
    assert_int_equal(fc_hours_open_at(h, WED, AT(18, 59)), 1);
    assert_int_equal(fc_hours_open_at(h, FRI, AT(19, 0)), 0); /* closing time: closed */
    assert_int_equal(fc_hours_open_at(h, TUE, AT(7, 59)), 0);
    assert_int_equal(fc_hours_open_at(h, SAT, AT(17, 0)), 0); /* between two spans */
    assert_int_equal(fc_hours_open_at(h, SAT, AT(18, 30)), 1);
    assert_int_equal(fc_hours_open_at(h, SUN, AT(12, 0)), 0); /* a day no entry names */
}

static void test_past_midnight(void **state)
{
    const char *h = "Fri 21:00-01:00; Sun 00:00-00:00";
    (void)state;
    assert_int_equal(fc_hours_open_at(h, FRI, AT(20, 59)), 0);
    assert_int_equal(fc_hours_open_at(h, FRI, AT(23, 0)), 1);
    assert_int_equal(fc_hours_open_at(h, SAT, AT(0, 30)), 1); /* Friday's night */
    assert_int_equal(fc_hours_open_at(h, SAT, AT(1, 0)), 0);
    assert_int_equal(fc_hours_open_at(h, FRI, AT(0, 30)), 0); /* Thursday was closed */
    /* "00:00-00:00": the whole day, and not the next */
    assert_int_equal(fc_hours_open_at(h, SUN, AT(0, 0)), 1);
    assert_int_equal(fc_hours_open_at(h, SUN, AT(23, 59)), 1);
    assert_int_equal(fc_hours_open_at(h, MON, AT(0, 1)), 0);
    /* Saturday night into Sunday, across the week's end */
    assert_int_equal(fc_hours_open_at("Sat 22:00-02:00", SUN, AT(1, 0)), 1);
    assert_int_equal(fc_hours_open_at("Mon-Fri 18:00-24:00", FRI, AT(23, 59)), 1);
    assert_int_equal(fc_hours_open_at("Mon-Fri 18:00-24:00", SAT, AT(0, 1)), 0);
}

static void test_unknown(void **state)
{
    (void)state;
    assert_int_equal(fc_hours_open_at("", MON, AT(12, 0)), -1);
    assert_int_equal(fc_hours_open_at(NULL, MON, AT(12, 0)), -1);
    assert_int_equal(fc_hours_open_at("call us", MON, AT(12, 0)), -1);
    assert_int_equal(fc_hours_open_at("Mon 25:00-26:00", MON, AT(12, 0)), -1);
    assert_int_equal(fc_hours_open_at("Mon 08:00", MON, AT(12, 0)), -1);
    /* one readable entry makes the hours known */
    assert_int_equal(fc_hours_open_at("garbage; Tue 10:00-11:00", MON, AT(10, 30)), 0);
    assert_int_equal(fc_hours_open_at("Mon 08:00-09:00", 7, 0), -1);
    assert_int_equal(fc_hours_open_at("Mon 08:00-09:00", MON, 1440), -1);
}

static void test_zone(void **state)
{
    int off = 0;
    (void)state;
    assert_int_equal(fc_hours_offset("SLP", "San Luis Potosi", "Mexico", &off), 1);
    assert_int_equal(off, -360);
    assert_int_equal(fc_hours_offset("s.l.p.", "", "", &off), 1);
    assert_int_equal(fc_hours_offset("Morelos", "Cuernavaca", "?", &off), 1);
    assert_int_equal(fc_hours_offset("Tamaulipas", "Ciudad Victoria", "?", &off), 1);
    assert_int_equal(fc_hours_offset("?", "Jiutepec", "?", &off), 1);
    assert_int_equal(fc_hours_offset("?", "?", "?", &off), 0);
    assert_int_equal(fc_hours_offset("Bavaria", "Munich", "Germany", &off), 0);
}

static void test_open_now(void **state)
{
    /* 2026-12-07 is a Monday; 18:30 UTC is 12:30 in San Luis Potosi (UTC-6, no DST) */
    const int64_t mon_1830_utc = 1796668200;
    (void)state;
    assert_int_equal(fc_hours_open_now("Mon-Fri 12:00-13:00", "SLP", "", "Mexico", mon_1830_utc),
                     1);
    assert_int_equal(fc_hours_open_now("Mon-Fri 18:00-19:00", "SLP", "", "Mexico", mon_1830_utc),
                     0);
    /* 03:00 UTC on Tuesday is 21:00 on Monday there */
    assert_int_equal(
        fc_hours_open_now("Mon 20:00-23:00", "Morelos", "", "", mon_1830_utc + 8 * 3600 + 1800), 1);
    /* in summer too (no DST since 2022): 2026-07-06 is a Monday, 14:00 UTC is 08:00 */
    assert_int_equal(fc_hours_open_now("Mon 08:00-09:00", "Tamaulipas", "", "", 1783346400), 1);
    assert_int_equal(fc_hours_open_now("Mon 08:00-09:00", "?", "?", "?", 1783346400), -1);
    assert_int_equal(fc_hours_open_now("", "SLP", "", "", 1783346400), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_days), cmocka_unit_test(test_past_midnight),
        cmocka_unit_test(test_unknown),    cmocka_unit_test(test_zone),
        cmocka_unit_test(test_open_now),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
