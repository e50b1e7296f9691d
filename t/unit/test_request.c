/* Unit tests: query string, urlencoded and multipart bodies, cookies, size limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/request.h"
#include "core/util.h"

static void test_urldecode(void **state)
{
    (void)state;
    char a[] = "a%20b+c%2Bd";
    assert_int_equal(fc_url_decode(a, strlen(a), 1), 7);
    assert_string_equal(a, "a b c+d");
    char b[] = "bad%2";
    assert_int_equal(fc_url_decode(b, strlen(b), 1), -1);
    char c[] = "bad%zz";
    assert_int_equal(fc_url_decode(c, strlen(c), 1), -1);
    char d[] = "x+y";
    fc_url_decode(d, strlen(d), 0);
    assert_string_equal(d, "x+y");
}

static void test_urlencoded(void **state)
{
    (void)state;
    struct fc_params p = {0};
    const char *s = "q=caf%C3%A9&empty=&flag&x=1&x=2&&name=a%26b";
    assert_int_equal(fc_parse_urlencoded(&p, s, strlen(s), 100), FC_OK);
    assert_string_equal(fc_param(&p, "q"), "caf\xc3\xa9");
    assert_string_equal(fc_param(&p, "empty"), "");
    assert_string_equal(fc_param(&p, "flag"), "");
    assert_string_equal(fc_param(&p, "x"), "1");
    assert_string_equal(fc_param(&p, "name"), "a&b");
    assert_null(fc_param(&p, "missing"));
    assert_int_equal(p.n, 6);
    fc_params_free(&p);
}

static void test_urlencoded_limits_and_garbage(void **state)
{
    (void)state;
    struct fc_params p = {0};
    assert_int_equal(fc_parse_urlencoded(&p, "a=1&b=2&c=3", 11, 2), FC_ETOOBIG);
    fc_params_free(&p);
    /* invalid UTF-8 and control characters are refused */
    assert_int_equal(fc_parse_urlencoded(&p, "a=%FF", 5, 10), FC_EINVAL);
    fc_params_free(&p);
    assert_int_equal(fc_parse_urlencoded(&p, "a=%00x", 6, 10), FC_EINVAL);
    fc_params_free(&p);
}

static void test_cookies(void **state)
{
    (void)state;
    struct fc_params p = {0};
    assert_int_equal(fc_parse_cookies(&p, "a=1; fc_session=abc; q=\"quoted\";broken; e=", 10),
                     FC_OK);
    assert_string_equal(fc_param(&p, "a"), "1");
    assert_string_equal(fc_param(&p, "fc_session"), "abc");
    assert_string_equal(fc_param(&p, "q"), "quoted");
    assert_string_equal(fc_param(&p, "e"), "");
    assert_null(fc_param(&p, "broken"));
    fc_params_free(&p);
    assert_int_equal(fc_parse_cookies(&p, NULL, 10), FC_OK);
    assert_int_equal(p.n, 0);
}

static const char MP_CT[] = "multipart/form-data; boundary=----XyZ";
static const char MP_BODY[] = "------XyZ\r\n"
                              "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
                              "Hello\r\nworld\r\n"
                              "------XyZ\r\n"
                              "Content-Disposition: form-data; name=\"photo\"; "
                              "filename=\"a.png\"\r\n"
                              "Content-Type: image/png\r\n\r\n"
                              "\x89PNG\0\x01--\r\n"
                              "------XyZ--\r\n";

static void test_multipart(void **state)
{
    (void)state;
    struct fc_params p = {0};
    const struct fc_param *f;
    assert_int_equal(fc_parse_multipart(&p, MP_CT, MP_BODY, sizeof MP_BODY - 1, 10), FC_OK);
    assert_string_equal(fc_param(&p, "title"), "Hello\r\nworld");
    f = fc_param_get(&p, "photo");
    assert_non_null(f);
    assert_string_equal(f->filename, "a.png");
    assert_string_equal(f->ctype, "image/png");
    assert_int_equal(f->len, 8);
    assert_memory_equal(f->value, "\x89PNG\0\x01--", 8);
    fc_params_free(&p);
}

static void test_multipart_malformed(void **state)
{
    (void)state;
    struct fc_params p = {0};
    /* no closing delimiter */
    const char trunc[] = "------XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc";
    assert_int_equal(fc_parse_multipart(&p, MP_CT, trunc, sizeof trunc - 1, 10), FC_EINVAL);
    fc_params_free(&p);
    /* no boundary */
    assert_int_equal(fc_parse_multipart(&p, "multipart/form-data", MP_BODY, sizeof MP_BODY - 1, 10),
                     FC_EINVAL);
    fc_params_free(&p);
    /* too many parts */
    assert_int_equal(fc_parse_multipart(&p, MP_CT, MP_BODY, sizeof MP_BODY - 1, 1), FC_ETOOBIG);
    fc_params_free(&p);
}

/* Only upload fields may come as file parts: a text field sent as one (its bytes unchecked)
 * is never a text value, and fc_params_stray_file finds it. */
static void test_multipart_file_fields(void **state)
{
    static const char *const photo[] = {"photo", NULL}, *const avatar[] = {"avatar", NULL};
    static const char body[] =
        "------XyZ\r\n"
        "Content-Disposition: form-data; name=\"body\"; filename=\"b.txt\"\r\n"
        "Content-Type: text/plain\r\n\r\n"
        "a\x01\xff\r\n"
        "------XyZ\r\n"
        "Content-Disposition: form-data; name=\"body\"\r\n\r\n"
        "fine\r\n"
        "------XyZ\r\n"
        "Content-Disposition: form-data; name=\"bio\"; filename=\"\"\r\n\r\n"
        "x\r\n"
        "------XyZ--\r\n";
    struct fc_params p = {0};
    const struct fc_param *f;
    (void)state;
    assert_int_equal(fc_parse_multipart(&p, MP_CT, MP_BODY, sizeof MP_BODY - 1, 10), FC_OK);
    assert_null(fc_params_stray_file(&p, photo));
    f = fc_params_stray_file(&p, avatar);
    assert_non_null(f);
    assert_string_equal(f->name, "photo");
    assert_ptr_equal(fc_params_stray_file(&p, NULL), f);
    assert_null(fc_param(&p, "photo")); /* a file: not a text value */
    assert_non_null(fc_param_get(&p, "photo"));
    assert_string_equal(fc_param(&p, "title"), "Hello\r\nworld");
    fc_params_free(&p);

    assert_int_equal(fc_parse_multipart(&p, MP_CT, body, sizeof body - 1, 10), FC_OK);
    assert_int_equal(p.n, 3);
    f = fc_params_stray_file(&p, photo);
    assert_non_null(f);
    assert_string_equal(f->name, "body");
    assert_memory_equal(f->value, "a\x01\xff", 3);
    assert_string_equal(fc_param(&p, "body"), "fine"); /* the text part, not the file's bytes */
    assert_null(fc_param(&p, "bio"));                  /* filename="" is a file part too */
    assert_string_equal(fc_params_stray_file(&p, (const char *const[]){"body", NULL})->name, "bio");
    assert_null(fc_params_stray_file(&p, (const char *const[]){"body", "bio", NULL}));
    fc_params_free(&p);

    /* urlencoded bodies, query strings and cookies have no file parts */
    assert_int_equal(fc_parse_urlencoded(&p, "body=x&photo=y", 14, 10), FC_OK);
    assert_null(fc_params_stray_file(&p, NULL));
    assert_string_equal(fc_param(&p, "photo"), "y");
    fc_params_free(&p);
}

struct reader {
    const char *data;
    size_t len, pos;
};

static long read_mem(void *ctx, char *buf, size_t len)
{
    struct reader *r = ctx;
    size_t n = r->len - r->pos < len ? r->len - r->pos : len;
    if (n > 3)
        n = 3; /* short reads, as a socket gives */
    memcpy(buf, r->data + r->pos, n);
    r->pos += n;
    return (long)n;
}

static void test_request_parse(void **state)
{
    (void)state;
    char *env[] = {"REQUEST_METHOD=POST",   "REQUEST_URI=/u/ana%20b/edit?x=1",
                   "QUERY_STRING=x=1",      "CONTENT_TYPE=application/x-www-form-urlencoded",
                   "CONTENT_LENGTH=13",     "HTTP_COOKIE=fc_session=t",
                   "REMOTE_ADDR=127.0.0.1", NULL};
    struct reader rd = {"bio=hi+there", 13, 0};
    struct fc_limits lim = {1024, 50};
    struct fc_request req;
    rd.data = "bio=hi+there&";
    assert_int_equal(fc_request_parse(&req, env, read_mem, &rd, &lim), FC_OK);
    assert_string_equal(req.method, "POST");
    assert_string_equal(req.path, "/u/ana b/edit");
    assert_string_equal(fc_param(&req.query, "x"), "1");
    assert_string_equal(fc_param(&req.form, "bio"), "hi there");
    assert_string_equal(fc_param(&req.cookies, "fc_session"), "t");
    fc_request_free(&req);
}

static void test_request_too_big(void **state)
{
    (void)state;
    char *env[] = {"REQUEST_METHOD=POST", "REQUEST_URI=/signup", "CONTENT_LENGTH=5000",
                   "CONTENT_TYPE=application/x-www-form-urlencoded", NULL};
    struct reader rd = {"", 0, 0};
    struct fc_limits lim = {4096, 50};
    struct fc_request req;
    assert_int_equal(fc_request_parse(&req, env, read_mem, &rd, &lim), FC_ETOOBIG);
    fc_request_free(&req);
    /* a body shorter than its Content-Length is malformed */
    char *env2[] = {"REQUEST_METHOD=POST", "REQUEST_URI=/", "CONTENT_LENGTH=10", NULL};
    rd.data = "abc";
    rd.len = 3;
    assert_int_equal(fc_request_parse(&req, env2, read_mem, &rd, &lim), FC_EINVAL);
    fc_request_free(&req);
    /* bad path encodings */
    char *env3[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/a%00b", NULL};
    assert_int_equal(fc_request_parse(&req, env3, read_mem, &rd, &lim), FC_EINVAL);
    fc_request_free(&req);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urldecode),
        cmocka_unit_test(test_urlencoded),
        cmocka_unit_test(test_urlencoded_limits_and_garbage),
        cmocka_unit_test(test_cookies),
        cmocka_unit_test(test_multipart),
        cmocka_unit_test(test_multipart_malformed),
        cmocka_unit_test(test_multipart_file_fields),
        cmocka_unit_test(test_request_parse),
        cmocka_unit_test(test_request_too_big),
    };
    return cmocka_run_group_tests_name("request", tests, NULL, NULL);
}
