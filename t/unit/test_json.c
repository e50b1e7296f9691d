/* Unit tests: strict RFC 8259 parsing (core/json.c): what json-c alone accepts or changes is
 * refused, valid documents come through whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/util.h"

/* Parses the len bytes of s; returns the result code, the value (or NULL) in *out. */
static int parse(const char *s, size_t len, json_object **out, char *err, size_t errsize)
{
    int rc = fc_json_parse_strict(s, len, out, err, errsize);
    if (rc == FC_OK && strncmp(s, "null", 4) != 0) /* JSON null is json-c's NULL */
        assert_non_null(*out);
    else if (rc != FC_OK)
        assert_null(*out);
    return rc;
}

#define REFUSED(lit, why)                                                                          \
    {                                                                                              \
        lit, sizeof lit - 1, why                                                                   \
    }

static void test_refused(void **state)
{
    static const struct {
        const char *s;
        size_t len;
        const char *why; /* a piece of the message */
    } cases[] = {
        REFUSED("{'bio': \"x\"}", "single quote at offset 1"),
        REFUSED("{\"bio\": 'x'}", "single quote at offset 8"),
        REFUSED("{\"stars\": NaN}", "unknown word at offset 10"),
        REFUSED("{\"a\": nan}", "unknown word"),
        REFUSED("{\"a\": Infinity}", "unknown word"),
        REFUSED("{\"a\": -Infinity}", "malformed number at offset 6"),
        REFUSED("[NaN]", "unknown word"),
        REFUSED("{\"a\": 1,}", "no trailing commas"),
        REFUSED("[1, 2,]", "no trailing commas"),
        REFUSED("[1,,2]", "unexpected ','"),
        REFUSED("{,}", "unexpected ','"),
        REFUSED("{\"a\": 1 /* c */}", "comment at offset 8"),
        REFUSED("// c\n{}", "comment at offset 0"),
        REFUSED("{\"a\": 1} # c", "more after the JSON value, at offset 9"),
        REFUSED("{\"a\": 01}", "leading zero at offset 6"),
        REFUSED("{\"a\": -01}", "leading zero"),
        REFUSED("{\"a\": 00}", "leading zero"),
        REFUSED("{\"a\": 1.}", "digit must follow the point"),
        REFUSED("{\"a\": .5}", "unexpected '.'"),
        REFUSED("{\"a\": +1}", "unexpected '+'"),
        REFUSED("{\"a\": 1e}", "exponent has no digits"),
        REFUSED("{\"a\": 1e+}", "exponent has no digits"),
        REFUSED("{\"a\": 0x10}", "malformed number at offset 6"),
        REFUSED("{\"a\": -}", "malformed number"),
        REFUSED("{\"a\": TRUE}", "unknown word"),
        REFUSED("{\"a\": tru}", "unknown word"),
        REFUSED("{\"a\": truex}", "unknown word at offset 6"),
        REFUSED("{\"a\": 1.5.2}", "malformed number"),
        REFUSED("{\"a\": 12abc}", "malformed number"),
        REFUSED("{a: 1}", "unknown word at offset 1"),
        REFUSED("{\"a\" 1}", "unexpected '1'"),
        REFUSED("{\"a\": \"x\\'\"}", "invalid escape"),
        REFUSED("{\"a\": \"\\x41\"}", "invalid escape"),
        REFUSED("{\"a\": \"\\u12\"}", "invalid \\u escape"),
        REFUSED("{\"a\": \"\\u12G4\"}", "invalid \\u escape"),
        REFUSED("{\"a\": \"a\tb\"}", "control character at offset 8"),
        REFUSED("{\"a\": \"a\nb\"}", "control character"),
        REFUSED("{\"a\": \"a\0b\"}", "control character"),
        REFUSED("{\"a\": \"\xff\"}", "not UTF-8 at offset 7"),
        REFUSED("{\"a\": \"\x80\"}", "not UTF-8"),
        REFUSED("{\"a\": \"\xc0\xaf\"}", "not UTF-8"),                 /* overlong '/' */
        REFUSED("{\"a\": \"\xc0\x80\"}", "not UTF-8"),                 /* overlong NUL */
        REFUSED("{\"a\": \"\xe0\x80\xaf\"}", "not UTF-8"),             /* overlong, 3 bytes */
        REFUSED("{\"a\": \"\xed\xa0\x80\"}", "not UTF-8"),             /* a surrogate */
        REFUSED("{\"a\": \"\xf4\x90\x80\x80\"}", "not UTF-8"),         /* above U+10FFFF */
        REFUSED("{\"a\": \"\xe6\x97\"}", "not UTF-8"),                 /* truncated */
        REFUSED("{\"\xff\": 1}", "not UTF-8"),                         /* in a member name */
        REFUSED("\xef\xbb\xbf{}", "unexpected byte 0xef at offset 0"), /* a byte order mark */
        REFUSED("{\"a\": \"\\ud800\"}", "half of a surrogate pair"),
        REFUSED("{\"a\": \"\\udc00\"}", "half of a surrogate pair"),
        REFUSED("{\"a\": \"\\udc00\\ud800\"}", "half of a surrogate pair"),
        REFUSED("{\"a\": \"\\ud800x\"}", "half of a surrogate pair"),
        REFUSED("{\"a\": \"\\ud800\\u0041\"}", "half of a surrogate pair"),
        REFUSED("{\"a\\u0000b\": 1}", "contains \\u0000"),
        REFUSED("{\"bio\": \"a\", \"bio\": \"b\"}", "\"bio\" appears twice"),
        REFUSED("{\"bio\": \"a\", \"b\\u0069o\": \"b\"}", "\"bio\" appears twice"),
        REFUSED("{\"a\": 1, \"b\": 2, \"a\": 1}", "\"a\" appears twice"),
        REFUSED("{\"x\": [{\"k\": 1, \"k\": 2}]}", "\"k\" appears twice"),
        REFUSED("[[[{\"a\": {\"b\": 1, \"c\": {\"d\": 1, \"d\": 1}}}]]]", "\"d\" appears twice"),
        REFUSED("{\"\\ud83c\\udf63\": 1, \"\xf0\x9f\x8d\xa3\": 2}", "appears twice"),
        REFUSED("", "ends too early"),
        REFUSED("   ", "ends too early"),
        REFUSED("{", "ends too early"),
        REFUSED("{\"a\": \"x", "not closed"),
        REFUSED("[1, 2", "ends too early"),
        REFUSED("{\"a\": 1}}", "more after the JSON value"),
        REFUSED("{} {}", "more after the JSON value"),
        REFUSED("{}\0", "more after the JSON value"),
        REFUSED("{}\f", "more after the JSON value"), /* form feed is no JSON whitespace */
    };
    (void)state;
    for (size_t i = 0; i < FC_ARRAY_LEN(cases); i++) {
        json_object *o = (json_object *)1;
        char err[256];
        int rc = parse(cases[i].s, cases[i].len, &o, err, sizeof err);
        if (rc != FC_EINVAL || !strstr(err, cases[i].why))
            fail_msg("case %zu (%s): rc %d, \"%s\", wanted \"%s\"", i, cases[i].s, rc, err,
                     cases[i].why);
    }
}

static void test_depth(void **state)
{
    char s[2 * FC_JSON_MAX_DEPTH + 3], err[128];
    json_object *o = NULL;
    (void)state;
    for (int d = FC_JSON_MAX_DEPTH; d <= FC_JSON_MAX_DEPTH + 1; d++) {
        memset(s, '[', (size_t)d);
        memset(s + d, ']', (size_t)d);
        assert_int_equal(parse(s, 2 * (size_t)d, &o, err, sizeof err),
                         d <= FC_JSON_MAX_DEPTH ? FC_OK : FC_EINVAL);
        json_object_put(o);
        o = NULL;
    }
    assert_non_null(strstr(err, "deeper than 32 levels"));
}

static void test_valid(void **state)
{
    static const char doc[] =
        " \t\r\n{\"name\" : \"Zo\\u00e9 \\ud83c\\udf63 \xe6\x97\xa5\" , \"esc\": "
        "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\","
        " \"nums\": [0, -0, 12, -3.25, 1e3, 1E+2, 2.5e-1, 123456789012],"
        " \"deep\": {\"a\": [{\"a\": {\"a\": null}}], \"t\": true, \"f\": false},"
        " \"nul\": \"a\\u0000b\", \"del\": \"\x7f\", \"ab\": 1, \"a\": 2, \"\": 3, \"b\": [], "
        "\"c\": {}}\n";
    json_object *o = NULL, *v = NULL, *w = NULL;
    char err[128] = "";
    (void)state;
    assert_int_equal(parse(doc, sizeof doc - 1, &o, err, sizeof err), FC_OK);
    assert_string_equal(err, "");
    assert_true(json_object_is_type(o, json_type_object));
    assert_int_equal(json_object_object_length(o), 11);
    assert_true(json_object_object_get_ex(o, "name", &v));
    assert_string_equal(json_object_get_string(v), "Zo\xc3\xa9 \xf0\x9f\x8d\xa3 \xe6\x97\xa5");
    assert_true(json_object_object_get_ex(o, "esc", &v));
    assert_string_equal(json_object_get_string(v), "\"\\/\b\f\n\r\t");
    assert_true(json_object_object_get_ex(o, "nums", &v));
    assert_int_equal(json_object_array_length(v), 8);
    assert_int_equal(json_object_get_int64(json_object_array_get_idx(v, 7)), 123456789012LL);
    assert_true(json_object_is_type(json_object_array_get_idx(v, 3), json_type_double));
    assert_true(json_object_object_get_ex(o, "deep", &v));
    assert_true(json_object_object_get_ex(v, "a", &w));
    assert_int_equal(json_object_array_length(w), 1);
    assert_true(json_object_object_get_ex(o, "nul", &v));
    assert_int_equal(json_object_get_string_len(v), 3);
    assert_memory_equal(json_object_get_string(v), "a\0b", 3);
    json_object_put(o);
}

static void test_scalars_and_no_err(void **state)
{
    static const char *const ok[] = {"1",    "-0.5e3", "\"x\"", "true", "false",
                                     "null", " [ ] ",  "{}",    "0",    "[0,1]"};
    json_object *o = NULL;
    (void)state;
    for (size_t i = 0; i < FC_ARRAY_LEN(ok); i++) {
        if (parse(ok[i], strlen(ok[i]), &o, NULL, 0) != FC_OK)
            fail_msg("refused: %s", ok[i]);
        json_object_put(o);
    }
    assert_int_equal(parse("1", 1, &o, NULL, 0), FC_OK);
    assert_int_equal(json_object_get_int(o), 1);
    json_object_put(o);
    /* no room for the reason is fine; a short buffer gets a cut reason */
    {
        char err[8];
        assert_int_equal(parse("{'a': 1}", 8, &o, NULL, 0), FC_EINVAL);
        assert_int_equal(parse("{'a': 1}", 8, &o, err, sizeof err), FC_EINVAL);
        assert_string_equal(err, "a singl");
    }
    /* only len bytes are read: what follows them does not count */
    assert_int_equal(parse("{\"a\": 1}garbage", 8, &o, NULL, 0), FC_OK);
    json_object_put(o);
    assert_int_equal(parse("123", 2, &o, NULL, 0), FC_OK);
    assert_int_equal(json_object_get_int(o), 12);
    json_object_put(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_scalars_and_no_err),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
