/* Unit tests: core/geo.c: fc_geo_km against distances known from elsewhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "core/geo.h"

static void test_known_distances(void **state)
{
    (void)state;
    /* the same point */
    assert_true(fabs(fc_geo_km(22.15, -100.98, 22.15, -100.98)) < 1e-9);
    /* one degree of latitude along a meridian: 2*pi*R/360 = 111.195 km */
    assert_true(fabs(fc_geo_km(0, 0, 1, 0) - 111.195) < 0.01);
    /* a quarter of the equator */
    assert_true(fabs(fc_geo_km(0, 0, 0, 90) - 10007.54) < 0.1);
    /* antipodes: half the circumference, no NaN from rounding */
    assert_true(fabs(fc_geo_km(0, 0, 0, 180) - 20015.09) < 0.1);
    /* San Luis Potosi centre to Cuernavaca centre: about 404 km as the crow flies (the haversine of
     * any other tool) */
    double d = fc_geo_km(22.1565, -100.9855, 18.9242, -99.2216);
    assert_true(d > 400 && d < 408);
    /* symmetric */
    assert_true(fabs(d - fc_geo_km(18.9242, -99.2216, 22.1565, -100.9855)) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_distances),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
