/* Unit tests: core/visual.c (generated tiles and avatars: initials, colours, escaping) and
 * core/map.c (the SVG map's projection, a chosen point, the tile host's origin). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "core/geo.h"
#include "core/map.h"
#include "core/util.h"
#include "core/visual.h"
#include "svc/visual.h"

static void test_initials(void **state)
{
    (void)state;
    static const struct {
        const char *name, *want;
    } cases[] = {
        {"Tortas Locas Hipocampo", "TL"},
        {"la cantina", "LC"},
        {"McDonalds", "M"},
        {"  \"El\" <Rincón>  de  Ana", "ER"},
        {"Émile's Café", "ÉC"},
        {"d'Ana bar", "DB"},
        {"Jean-Luc Picard", "JP"},
        {"7 Mares", "7M"},
        {"寿司 屋", "寿屋"},
        {"", "?"},
        {"&&& ---", "?"},
        {NULL, "?"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[16];
        fc_visual_initials(cases[i].name, out, sizeof out);
        if (strcmp(out, cases[i].want) != 0)
            fail_msg("initials of \"%s\": \"%s\", want \"%s\"",
                     cases[i].name ? cases[i].name : "(null)", out, cases[i].want);
    }
    {
        char small[4] = "xyz";
        fc_visual_initials("Ana", small, sizeof small); /* too small a buffer: empty */
        assert_string_equal(small, "");
    }
    {
        /* invalid UTF-8 never ends up in the initials */
        char out[16];
        fc_visual_initials("\xff\xfe Bar", out, sizeof out);
        assert_string_equal(out, "B");
    }
}

static void test_hue(void **state)
{
    (void)state;
    assert_int_equal(fc_visual_hue("Mexican"), fc_visual_hue("Mexican"));
    assert_true(fc_visual_hue("Mexican") < 360);
    assert_int_not_equal(fc_visual_hue("Mexican"), fc_visual_hue("Japanese"));
    assert_true(fc_visual_hue(NULL) < 360);
}

static void test_escape(void **state)
{
    STRING s;
    (void)state;
    string_init(&s);
    fc_visual_xml_escape(&s, "<a href='x'>\"Tom & Jerry\"</a>\x01\xc3");
    assert_string_equal(s.buf, "&lt;a href=&#39;x&#39;&gt;&quot;Tom &amp; Jerry&quot;&lt;/a&gt;"
                               "\xef\xbf\xbd\xef\xbf\xbd");
    string_clear(&s);
}

/* The tile of a name made of markup: no markup of it comes through, the SVG stays one
 * document with one <title>. */
static void test_tile_escapes(void **state)
{
    STRING s;
    const char *evil = "</title><script>alert(1)</script><text x=\"0\">&amp;";
    (void)state;
    string_init(&s);
    assert_int_equal(fc_visual_tile_svg(&s, evil, "<b>Bar</b>, Mexican"), FC_OK);
    assert_non_null(s.buf);
    assert_null(strstr(s.buf, "<script"));
    assert_null(strstr(s.buf, "<b>"));
    assert_null(strstr(s.buf, "</title><script"));
    assert_non_null(strstr(s.buf, "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(s.buf, "&amp;amp;"));
    assert_non_null(strstr(s.buf, "aria-label=\"&lt;/title&gt;"));
    assert_non_null(strstr(s.buf, "&lt;b&gt;Bar&lt;/b&gt;")); /* the first cuisine, escaped */
    assert_true(strncmp(s.buf, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
    {
        int titles = 0;
        for (const char *p = s.buf; (p = strstr(p, "<title>")); p++)
            titles++;
        assert_int_equal(titles, 1);
    }
    string_clear(&s);

    /* deterministic: the same bytes twice */
    {
        STRING a, b;
        string_init(&a);
        string_init(&b);
        fc_visual_tile_svg(&a, "La Cantina", "Mexican, Bar");
        fc_visual_tile_svg(&b, "La Cantina", "Mexican, Bar");
        assert_string_equal(a.buf, b.buf);
        assert_non_null(strstr(a.buf, ">LC</text>"));
        assert_non_null(strstr(a.buf, ">Mexican</text>"));
        string_clear(&a);
        string_clear(&b);
    }
    string_init(&s);
    fc_visual_avatar_svg(&s, "Ana <img src=x onerror=alert(1)>");
    assert_null(strstr(s.buf, "<img"));
    assert_non_null(strstr(s.buf, ">AI</text>"));
    string_clear(&s);
}

static void test_project(void **state)
{
    struct fc_map_point p[3] = {
        {22.15, -100.98, 0, 0}, {22.16, -100.97, 0, 0}, {22.14, -101.00, 0, 0}};
    double kpp = 0;
    (void)state;
    assert_int_equal(fc_map_project(p, 3, 640, 360, 20, 1.0, &kpp), FC_OK);
    for (int i = 0; i < 3; i++) {
        assert_true(p[i].x >= 20 - 1e-9 && p[i].x <= 620 + 1e-9);
        assert_true(p[i].y >= 20 - 1e-9 && p[i].y <= 340 + 1e-9);
    }
    /* north is up, east is right */
    assert_true(p[1].y < p[0].y && p[0].y < p[2].y);
    assert_true(p[1].x > p[0].x && p[0].x > p[2].x);
    /* one scale for both axes: the pixel distances keep the ratio of the kilometres */
    {
        double dx = p[1].x - p[2].x, dy = p[1].y - p[2].y;
        double km = fc_map_project(p, 3, 640, 360, 20, 1.0, &kpp) == FC_OK
                        ? sqrt(dx * dx + dy * dy) * kpp
                        : 0;
        /* 22.16,-100.97 to 22.14,-101.00: about 3.8 km */
        assert_true(km > 3.6 && km < 4.0);
    }
    /* the tallest extent fills the height: 0.04 degrees of latitude over 320 px */
    assert_true(fabs((p[2].y - p[1].y) - 320) < 1e-6);

    /* one point: in the middle */
    {
        struct fc_map_point one = {18.92, -99.22, 0, 0};
        assert_int_equal(fc_map_project(&one, 1, 640, 360, 20, 1.0, &kpp), FC_OK);
        assert_true(fabs(one.x - 320) < 1e-9 && fabs(one.y - 180) < 1e-9);
        assert_true(kpp > 0);
    }
    /* refused */
    {
        struct fc_map_point bad = {91, 0, 0, 0};
        assert_int_equal(fc_map_project(&bad, 1, 640, 360, 20, 1.0, NULL), FC_EINVAL);
        assert_int_equal(fc_map_project(p, 0, 640, 360, 20, 1.0, NULL), FC_EINVAL);
        assert_int_equal(fc_map_project(p, 3, 30, 360, 20, 1.0, NULL), FC_EINVAL);
        bad.lat = NAN;
        assert_int_equal(fc_map_project(&bad, 1, 640, 360, 20, 1.0, NULL), FC_EINVAL);
    }
}

static void test_parse_point(void **state)
{
    double lat = 0, lon = 0;
    (void)state;
    assert_int_equal(fc_map_parse_point("22.15,-100.98", &lat, &lon), FC_OK);
    assert_true(fabs(lat - 22.15) < 1e-12 && fabs(lon + 100.98) < 1e-12);
    assert_int_equal(fc_map_parse_point("-90,180", &lat, &lon), FC_OK);
    static const char *const bad[] = {
        "",      "22.15", "91,0",  "0,181", "abc,1", "1e3,2", "0x10,1",
        " 1,2",  "1,2 ",  "nan,1", "inf,1", "1,,2",  "1,2,3", "12345678901234,1",
        "--1,2", NULL};
    for (int i = 0; bad[i]; i++)
        if (fc_map_parse_point(bad[i], &lat, &lon) != FC_EINVAL)
            fail_msg("\"%s\" was taken as a point", bad[i]);
    assert_int_equal(fc_map_parse_point(NULL, &lat, &lon), FC_EINVAL);
}

static void test_tile_origin(void **state)
{
    char o[256];
    (void)state;
    assert_int_equal(
        fc_map_tile_origin("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", o, sizeof o),
        FC_OK);
    assert_string_equal(o, "https://*.tile.openstreetmap.org");
    assert_int_equal(fc_map_tile_origin("http://127.0.0.1:8081/t/{z}/{x}/{y}.png", o, sizeof o),
                     FC_OK);
    assert_string_equal(o, "http://127.0.0.1:8081");
    static const char *const bad[] = {"",
                                      "ftp://tiles.example/{z}/{x}/{y}.png",
                                      "https://tiles.example/{z}/{x}.png",
                                      "https://evil.example/\"; script-src */{z}/{x}/{y}",
                                      "https://evil.example/{z}/{x}/{y}.png; script-src *",
                                      "https://ev il.example/{z}/{x}/{y}",
                                      "https://a.{s}.example/{z}/{x}/{y}",
                                      "https:///{z}/{x}/{y}",
                                      "https://tiles.example/{z}/{x}/{y}.png\n",
                                      "javascript:alert(1)//{z}/{x}/{y}",
                                      NULL};
    for (int i = 0; bad[i]; i++)
        if (fc_map_tile_origin(bad[i], o, sizeof o) != FC_EINVAL)
            fail_msg("\"%s\" was taken as a tile template", bad[i]);
    assert_int_equal(fc_map_tile_origin("https://t.example/{z}/{x}/{y}", o, 8), FC_EINVAL);
}

/* svc/visual's pure parts: the gallery is the rows with a photo, in order, at most max; a
 * distance needs both positions. */
static void test_gallery_and_distance(void **state)
{
    struct fc_review_row rows[5];
    struct fc_restaurant r;
    struct fc_svc_origin none, o;
    int idx[5];
    (void)state;
    memset(rows, 0, sizeof rows);
    strcpy(rows[1].r.photo, "a.png");
    strcpy(rows[3].r.photo, "b.jpg");
    strcpy(rows[4].r.photo, "c.webp");
    assert_int_equal(fc_svc_gallery(rows, 5, idx, 5), 3);
    assert_int_equal(idx[0], 1);
    assert_int_equal(idx[1], 3);
    assert_int_equal(idx[2], 4);
    assert_int_equal(fc_svc_gallery(rows, 5, idx, 2), 2);
    assert_int_equal(fc_svc_gallery(rows, 1, idx, 5), 0);

    memset(&r, 0, sizeof r);
    memset(&none, 0, sizeof none);
    memset(&o, 0, sizeof o);
    o.set = 1;
    o.lat = 22.1565;
    o.lon = -100.9855;
    assert_true(fc_svc_distance_km(&o, &r) < 0); /* the place has no position */
    r.has_coords = 1;
    r.lat = 18.9242;
    r.lon = -99.2216;
    assert_true(fc_svc_distance_km(&none, &r) < 0); /* no origin */
    assert_true(fc_svc_distance_km(NULL, &r) < 0);
    assert_true(
        fabs(fc_svc_distance_km(&o, &r) - fc_geo_km(22.1565, -100.9855, 18.9242, -99.2216)) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_initials),    cmocka_unit_test(test_hue),
        cmocka_unit_test(test_escape),      cmocka_unit_test(test_tile_escapes),
        cmocka_unit_test(test_project),     cmocka_unit_test(test_parse_point),
        cmocka_unit_test(test_tile_origin), cmocka_unit_test(test_gallery_and_distance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
