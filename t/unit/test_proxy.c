/* Unit tests: Server.TrustedProxies parsing and the client address behind trusted proxies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/proxy.h"
#include "core/util.h"

static void test_parse(void **state)
{
    struct fc_proxies p;
    char err[160] = "";
    (void)state;
    assert_int_equal(fc_proxy_parse("", &p, err, sizeof err), FC_OK);
    assert_int_equal(p.n, 0);
    assert_int_equal(fc_proxy_parse(NULL, &p, err, sizeof err), FC_OK);
    assert_int_equal(p.n, 0);
    assert_int_equal(fc_proxy_parse(" 10.0.0.0/8,192.0.2.7  2001:db8::/32, ", &p, err, sizeof err),
                     FC_OK);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.net[0].bits, 8);
    assert_int_equal(p.net[1].bits, 32);
    assert_int_equal(p.net[2].bits, 32);
    /* host bits of a network are ignored: 10.1.2.3/8 is 10.0.0.0/8 */
    assert_int_equal(fc_proxy_parse("10.1.2.3/8", &p, err, sizeof err), FC_OK);
    assert_true(fc_proxy_trusted(&p, "10.200.0.1"));
    assert_false(fc_proxy_trusted(&p, "11.0.0.1"));
}

static void test_parse_errors(void **state)
{
    static const char *bad[] = {"10.0.0.0/33", "::1/129",       "10.0.0.0/",
                                "10.0.0.0/x",  "10.0.0.0/0008", "example.com",
                                "10.0.0",      "1.2.3.4/8/8",   "256.1.1.1"};
    struct fc_proxies p;
    char err[160];
    char many[40 * 12] = "";
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = '\0';
        assert_int_equal(fc_proxy_parse(bad[i], &p, err, sizeof err), FC_EINVAL);
        assert_non_null(strstr(err, "\""));
    }
    assert_int_equal(fc_proxy_parse("10.0.0.1, nope", &p, err, sizeof err), FC_EINVAL);
    assert_non_null(strstr(err, "\"nope\""));
    for (int i = 0; i <= FC_PROXY_MAX; i++)
        strcat(many, "10.0.0.1,");
    assert_int_equal(fc_proxy_parse(many, &p, err, sizeof err), FC_EINVAL);
    assert_non_null(strstr(err, "more than"));
}

static void test_trusted(void **state)
{
    struct fc_proxies p;
    char err[160];
    (void)state;
    assert_int_equal(
        fc_proxy_parse("127.0.0.1 172.16.0.0/12 fd00::/8 0.0.0.0/0", &p, err, sizeof err), FC_OK);
    assert_true(fc_proxy_trusted(&p, "127.0.0.1"));
    assert_true(fc_proxy_trusted(&p, "172.31.255.255"));
    assert_true(fc_proxy_trusted(&p, "8.8.8.8")); /* 0.0.0.0/0 */
    assert_true(fc_proxy_trusted(&p, "fd12::1"));
    assert_false(fc_proxy_trusted(&p, "fe80::1"));
    assert_false(fc_proxy_trusted(&p, "::ffff:8.8.8.8")); /* another family */
    assert_false(fc_proxy_trusted(&p, "garbage"));
    assert_false(fc_proxy_trusted(&p, NULL));
    assert_int_equal(fc_proxy_parse("172.16.0.0/12", &p, err, sizeof err), FC_OK);
    assert_false(fc_proxy_trusted(&p, "172.32.0.0"));
    assert_false(fc_proxy_trusted(&p, "172.15.255.255"));
}

static void test_client(void **state)
{
    struct fc_proxies none, p;
    char err[160], buf[64];
    (void)state;
    assert_int_equal(fc_proxy_parse("", &none, err, sizeof err), FC_OK);
    assert_int_equal(fc_proxy_parse("10.0.0.0/8, 127.0.0.1", &p, err, sizeof err), FC_OK);
    /* nobody trusted: the header means nothing */
    assert_string_equal(fc_proxy_client(&none, "10.0.0.5", "203.0.113.9", buf, sizeof buf),
                        "10.0.0.5");
    /* a peer that is not a proxy: its own address, whatever it sends */
    assert_string_equal(fc_proxy_client(&p, "198.51.100.1", "203.0.113.9", buf, sizeof buf),
                        "198.51.100.1");
    /* one proxy: the address it appended */
    assert_string_equal(fc_proxy_client(&p, "10.0.0.5", "203.0.113.9", buf, sizeof buf),
                        "203.0.113.9");
    /* a client that prepends a forged address still gets its own, the right-most one */
    assert_string_equal(fc_proxy_client(&p, "10.0.0.5", "1.1.1.1, 203.0.113.9", buf, sizeof buf),
                        "203.0.113.9");
    /* two proxies in a row: skip the trusted hop */
    assert_string_equal(
        fc_proxy_client(&p, "127.0.0.1", "1.1.1.1,203.0.113.9 ,\t10.1.1.1", buf, sizeof buf),
        "203.0.113.9");
    /* IPv6 clients */
    assert_string_equal(fc_proxy_client(&p, "10.0.0.5", "2001:db8::7", buf, sizeof buf),
                        "2001:db8::7");
    /* every hop trusted: the left-most */
    assert_string_equal(fc_proxy_client(&p, "10.0.0.5", "10.0.0.9, 10.0.0.8", buf, sizeof buf),
                        "10.0.0.9");
    /* no header, an empty one, or garbage where the client should be: the last trusted hop */
    assert_string_equal(fc_proxy_client(&p, "10.0.0.5", NULL, buf, sizeof buf), "10.0.0.5");
    assert_string_equal(fc_proxy_client(&p, "10.0.0.5", "", buf, sizeof buf), "10.0.0.5");
    assert_string_equal(fc_proxy_client(&p, "10.0.0.5", "unknown", buf, sizeof buf), "10.0.0.5");
    assert_string_equal(
        fc_proxy_client(&p, "10.0.0.5", "203.0.113.9, 10.0.0.7, x", buf, sizeof buf), "10.0.0.5");
    assert_string_equal(fc_proxy_client(&p, "10.0.0.5", "1.1.1.1,", buf, sizeof buf), "10.0.0.5");
    assert_string_equal(fc_proxy_client(&p, "10.0.0.5", "1.1.1.1, ,10.0.0.3", buf, sizeof buf),
                        "10.0.0.3");
    /* an over-long entry is not an address */
    assert_string_equal(fc_proxy_client(&p, "10.0.0.5",
                                        "1111:2222:3333:4444:5555:6666:7777:8888:9999:0000", buf,
                                        sizeof buf),
                        "10.0.0.5");
    /* the copy is cut to the buffer */
    fc_proxy_client(&p, "10.0.0.5", "2001:db8:1:2:3:4:5:6", buf, 8);
    assert_string_equal(buf, "2001:db");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_trusted),
        cmocka_unit_test(test_client),
    };
    return cmocka_run_group_tests_name("proxy", tests, NULL, NULL);
}
