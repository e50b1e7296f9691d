/* Unit tests: core/util.c: fc_human_ago, the times of the command line's lists for people;
 * fc_utc_text, the admin pages' times;
 * fc_sha256_hex and fc_hmac_hex against the standards' test vectors (FIPS 180-2, RFC 4231). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/util.h"

static void test_human_ago(void **state)
{
    static const struct {
        int64_t ago;
        const char *want;
    } cases[] = {
        {0, "just now"},
        {4, "just now"},
        {5, "5 s ago"},
        {59, "59 s ago"},
        {60, "1 min ago"},
        {3599, "59 min ago"},
        {3600, "1 h ago"},
        {86399, "23 h ago"},
        {86400, "1 d ago"},
        {89 * 86400, "89 d ago"},
        {90 * 86400, "2026-09-08"}, /* long ago: the date */
        {-60, "2026-12-07"},        /* the future (a clock ahead): the date */
    };
    const int64_t now = 1796601600; /* 2026-12-07T00:00:00Z */
    char buf[32];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(fc_human_ago(now, now - cases[i].ago, buf, sizeof buf), cases[i].want);
    assert_string_equal(fc_human_ago(now, 0, buf, sizeof buf), "-"); /* never */
}

static void test_utc_text(void **state)
{
    char buf[40];
    (void)state;
    assert_string_equal(fc_utc_text(1796601600 + 3723, buf, sizeof buf), "2026-12-07 01:02:03 UTC");
    assert_string_equal(fc_utc_text(0, buf, sizeof buf), "1970-01-01 00:00:00 UTC");
}

static void test_sha256(void **state)
{
    char out[65], big[1000];
    (void)state;
    fc_sha256_hex(out, "abc", 3);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    fc_sha256_hex(out, "", 0);
    assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    fc_sha256_hex(out, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56);
    assert_string_equal(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    memset(big, 'a', sizeof big); /* the same digest on every call (no state left behind) */
    for (int i = 0; i < 3; i++) {
        fc_sha256_hex(out, big, sizeof big);
        assert_string_equal(out,
                            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
    }
}

/* RFC 4231's HMAC-SHA-256 cases 1, 2, 4, 6 (a key longer than the block) and 7. */
static void test_hmac_sha256(void **state)
{
    unsigned char k1[20], k4[25], k6[131], d4[50], d1[50];
    char out[65];
    (void)state;
    memset(k1, 0x0b, sizeof k1);
    fc_hmac_hex(out, k1, sizeof k1, "Hi There", 8);
    assert_string_equal(out, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    fc_hmac_hex(out, "Jefe", 4, "what do ya want for nothing?", 28);
    assert_string_equal(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    for (int i = 0; i < 25; i++)
        k4[i] = (unsigned char)(i + 1);
    memset(d4, 0xcd, sizeof d4);
    fc_hmac_hex(out, k4, sizeof k4, d4, sizeof d4);
    assert_string_equal(out, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    memset(k6, 0xaa, sizeof k6);
    fc_hmac_hex(out, k6, sizeof k6, "Test Using Larger Than Block-Size Key - Hash Key First", 54);
    assert_string_equal(out, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    fc_hmac_hex(out, k6, sizeof k6,
                "This is a test using a larger than block-size key and a larger than "
                "block-size data. The key needs to be hashed before being used by the HMAC "
                "algorithm.",
                152);
    assert_string_equal(out, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    memset(d1, 0xdd, sizeof d1); /* case 3, after the others: nothing kept between calls */
    memset(k1, 0xaa, sizeof k1);
    fc_hmac_hex(out, k1, sizeof k1, d1, sizeof d1);
    assert_string_equal(out, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
}

static void test_grow(void **state)
{
    struct {
        int64_t *v;
        size_t n, cap;
    } a = {0};
    char *b = NULL;
    size_t bcap = 0;
    (void)state;
    /* from nothing to the first capacity, then doubling, keeping what was there */
    for (int64_t i = 0; i < 100; i++) {
        assert_int_equal(fc_grow(&a.v, &a.cap, a.n + 1, sizeof *a.v, 16), 0);
        a.v[a.n++] = i;
    }
    assert_int_equal(a.cap, 128);
    for (int64_t i = 0; i < 100; i++)
        assert_int_equal(a.v[i], i);
    /* enough room already: nothing changes */
    int64_t *same = a.v;
    assert_int_equal(fc_grow(&a.v, &a.cap, 128, sizeof *a.v, 16), 0);
    assert_ptr_equal(a.v, same);
    assert_int_equal(a.cap, 128);
    /* a need far past the capacity doubles until it fits */
    assert_int_equal(fc_grow(&b, &bcap, 5000, 1, 256), 0);
    assert_int_equal(bcap, 8192);
    /* a size past SIZE_MAX fails and leaves the array as it was */
    assert_int_equal(fc_grow(&a.v, &a.cap, SIZE_MAX / 4, sizeof *a.v, 16), -1);
    assert_ptr_equal(a.v, same);
    assert_int_equal(a.cap, 128);
    assert_int_equal(fc_grow(&b, &bcap, SIZE_MAX, 1, 256), -1);
    assert_int_equal(bcap, 8192);
    free(a.v);
    free(b);
}

/* fc_buf: appends grow it and keep it NUL-terminated; take hands the string over ("" when
 * nothing was appended) and empties the buffer. */
static void test_buf(void **state)
{
    struct fc_buf b = {0};
    char big[1000], *p;

    (void)state;
    p = fc_buf_take(&b);
    assert_non_null(p);
    assert_string_equal(p, "");
    free(p);
    memset(big, 'x', sizeof big);
    fc_buf_puts(&b, "ab");
    fc_buf_putc(&b, 'c');
    fc_buf_putn(&b, "d\0e", 3);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.p, "abcd\0e", 7);
    for (int i = 0; i < 5; i++)
        fc_buf_putn(&b, big, sizeof big);
    assert_int_equal(b.len, 5006);
    assert_int_equal(b.p[b.len], '\0');
    assert_int_equal(b.err, 0);
    p = fc_buf_take(&b);
    assert_int_equal(b.len, 0);
    assert_null(b.p);
    assert_int_equal(p[5005], 'x');
    free(p);
    fc_buf_puts(&b, "gone");
    fc_buf_free(&b);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
}

static void test_read_file(void **state)
{
    char path[] = "/tmp/fc-test-util-XXXXXX", *data = (char *)1;
    size_t len = 0;
    int fd = mkstemp(path);
    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "a\0b\n", 4), 4);
    close(fd);
    assert_int_equal(fc_read_file(path, &data, &len), 0);
    assert_int_equal(len, 4);
    assert_memory_equal(data, "a\0b\n", 5); /* the bytes, then a NUL */
    free(data);
    unlink(path);
    assert_int_equal(fc_read_file(path, &data, &len), -1); /* gone */
    assert_null(data);
}

static void test_names(void **state)
{
    static const char *const names[] = {[1] = "one", [3] = "three"};
    (void)state;
    assert_string_equal(fc_enum_name(names, FC_ARRAY_LEN(names), 1, "?"), "one");
    assert_string_equal(fc_enum_name(names, FC_ARRAY_LEN(names), 3, "?"), "three");
    assert_string_equal(fc_enum_name(names, FC_ARRAY_LEN(names), 2, "?"), "?"); /* a gap */
    assert_string_equal(fc_enum_name(names, FC_ARRAY_LEN(names), 4, "?"), "?");
    assert_string_equal(fc_enum_name(names, FC_ARRAY_LEN(names), -1, "?"), "?");
    assert_string_equal(fc_xml_entity('\''), "&#39;");
    assert_string_equal(fc_xml_entity('&'), "&amp;");
    assert_null(fc_xml_entity('a'));
    assert_null(fc_xml_entity(0xe9));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_human_ago),   cmocka_unit_test(test_utc_text),
        cmocka_unit_test(test_grow),        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_buf),         cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_hmac_sha256), cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
