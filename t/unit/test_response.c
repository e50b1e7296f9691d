/* Unit tests of the response's head (cgi/core/response.c): header lines as written (CR and LF
 * dropped, values cut at 2,047 bytes, a fixed value, "%s" and other formats alike), the head's
 * exact bytes, and a body lent by the page cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/response.h"

static void test_header_lines(void **state)
{
    struct fc_response r;
    static char big[3000], want[4200];
    (void)state;
    fc_resp_init(&r);
    fc_resp_header(&r, "X-Fixed", "no-store");
    fc_resp_header(&r, "X-S", "%s", "a\r\nSet-Cookie: x=1");
    fc_resp_header(&r, "X-F", "%d-%s", 42, "b\nc");
    {
        const char *volatile none = NULL; /* the compiler would refuse a literal NULL */
        fc_resp_header(&r, "X-Null", "%s", none);
    }
    fc_resp_header(&r, "X-Pct", "100%%");
    assert_string_equal(r.headers.buf, "X-Fixed: no-store\r\n"
                                       "X-S: aSet-Cookie: x=1\r\n"
                                       "X-F: 42-bc\r\n"
                                       "X-Null: (null)\r\n"
                                       "X-Pct: 100%\r\n");
    assert_false(r.sent_type);
    assert_false(r.cache_set);
    fc_resp_header(&r, "content-type", "%s", "text/plain");
    fc_resp_header(&r, "Cache-Control", "private");
    assert_true(r.sent_type);
    assert_true(r.cache_set);
    fc_resp_free(&r);
    /* a long value is cut at 2,047 bytes, through "%s" as through a format */
    memset(big, 'v', sizeof big - 1);
    for (int i = 0; i < 2; i++) {
        fc_resp_init(&r);
        if (i)
            fc_resp_header(&r, "X-Long", "%s", big);
        else
            fc_resp_header(&r, "X-Long", "%s%s", big, "");
        strcpy(want, "X-Long: ");
        memset(want + 8, 'v', 2047);
        strcpy(want + 8 + 2047, "\r\n");
        assert_string_equal(r.headers.buf, want);
        fc_resp_free(&r);
    }
}

static void test_head(void **state)
{
    struct fc_response r;
    STRING out;
    (void)state;
    fc_resp_init(&r);
    r.status = 404;
    string_append(&r.body, "hello");
    fc_resp_header(&r, "X-Request-Id", "%s", "abc");
    string_init(&out);
    fc_resp_head(&r, &out);
    assert_string_equal(out.buf,
                        "Status: 404 Not Found\r\n"
                        "Content-Type: text/html; charset=utf-8\r\n"
                        "Content-Length: 5\r\n"
                        "X-Content-Type-Options: nosniff\r\n"
                        "X-Frame-Options: DENY\r\n"
                        "Referrer-Policy: same-origin\r\n"
                        "Content-Security-Policy: default-src 'self'; img-src 'self' data:; "
                        "object-src 'none'; frame-ancestors 'none'; form-action 'self'\r\n"
                        "X-Request-Id: abc\r\n"
                        "\r\n");
    string_clear(&out);
    /* a lent body (a page cache hit) instead of the own one; a tile server in the CSP */
    r.status = 200;
    r.lent = "0123456789";
    r.lent_len = 10;
    r.csp_img = "https://tiles.example";
    r.sent_type = 1;
    string_init(&out);
    fc_resp_head(&r, &out);
    assert_non_null(strstr(out.buf, "Status: 200 OK\r\nContent-Length: 10\r\n"));
    assert_non_null(strstr(out.buf, "img-src 'self' data: https://tiles.example; object-src"));
    assert_null(strstr(out.buf, "Content-Type: text/html"));
    {
        size_t len;
        assert_ptr_equal(fc_resp_body(&r, &len), r.lent);
        assert_int_equal(len, 10);
        fc_resp_body_clear(&r);
        assert_null(fc_resp_body(&r, &len));
        assert_int_equal(len, 0);
    }
    string_clear(&out);
    fc_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_lines),
        cmocka_unit_test(test_head),
    };
    return cmocka_run_group_tests_name("response", tests, NULL, NULL);
}
