/* Unit tests of the whole request path in one process (parse, session, CSRF, route,
 * handler, template escaping), against a real SQLite store in a temporary folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/testutil.h"
#include "core/app.h"
#include "core/session.h"
#include "core/util.h"

static char dir[64];
static struct fc_app app;

struct buf {
    char *data;
    size_t len, pos;
};

static long rd(void *ctx, char *b, size_t n)
{
    struct buf *x = ctx;
    size_t k = x->len - x->pos < n ? x->len - x->pos : n;
    memcpy(b, x->data + x->pos, k);
    x->pos += k;
    return (long)k;
}

static long wr(void *ctx, const char *b, size_t n)
{
    struct buf *x = ctx;
    x->data = realloc(x->data, x->len + n + 1);
    memcpy(x->data + x->len, b, n);
    x->len += n;
    x->data[x->len] = '\0';
    return (long)n;
}

/* Sends one request; returns the raw response (caller frees). */
static char *req(const char *method, const char *uri, const char *cookie, const char *body)
{
    char e_method[32], e_uri[512], e_cookie[512], e_len[64], *q;
    char e_qs[512] = "QUERY_STRING=";
    char *env[] = {e_method,
                   e_uri,
                   e_cookie,
                   e_len,
                   e_qs,
                   "CONTENT_TYPE=application/x-www-form-urlencoded",
                   "REMOTE_ADDR=127.0.0.9",
                   NULL};
    struct buf in = {(char *)(body ? body : ""), body ? strlen(body) : 0, 0}, out = {0};
    snprintf(e_method, sizeof e_method, "REQUEST_METHOD=%s", method);
    snprintf(e_uri, sizeof e_uri, "REQUEST_URI=%s", uri);
    snprintf(e_cookie, sizeof e_cookie, "HTTP_COOKIE=%s", cookie ? cookie : "");
    snprintf(e_len, sizeof e_len, "CONTENT_LENGTH=%zu", in.len);
    if ((q = strchr(uri, '?')))
        snprintf(e_qs, sizeof e_qs, "QUERY_STRING=%s", q + 1);
    fc_app_handle(&app, env, rd, &in, wr, &out);
    return out.data;
}

static int status_of(const char *resp)
{
    return atoi(resp + strlen("Status: "));
}

/* Value of cookie name in the response's Set-Cookie headers into out. */
static int cookie_of(const char *resp, const char *name, char *out, size_t n)
{
    char pat[64];
    const char *p;
    snprintf(pat, sizeof pat, "Set-Cookie: %s=", name);
    if (!(p = strstr(resp, pat)))
        return 0;
    p += strlen(pat);
    snprintf(out, n, "%.*s", (int)strcspn(p, ";\r"), p);
    return 1;
}

/* The csrf hidden field of a page. */
static void csrf_of(const char *resp, char out[65])
{
    const char *p = strstr(resp, "name=\"csrf\" value=\"");
    assert_non_null(p);
    p += strlen("name=\"csrf\" value=\"");
    snprintf(out, 65, "%.64s", p);
}

static int setup(void **state)
{
    (void)state;
    HDF *cfg = testutil_config(dir);
    if (!cfg)
        return -1;
    hdf_destroy(&cfg);
    return fc_app_init(&app, "conf/forkcast.hdf");
}

static int teardown(void **state)
{
    (void)state;
    fc_app_free(&app);
    testutil_cleanup(dir);
    return 0;
}

/* Signs up name; returns the session cookie header value ("fc_session=...") in out. */
static void signup(const char *name, char *out, size_t n)
{
    char anon[64], csrf[65], body[512], cookie[128], tok[80];
    char *r = req("GET", "/signup", NULL, NULL);
    assert_int_equal(status_of(r), 200);
    assert_true(cookie_of(r, "fc_anon", anon, sizeof anon));
    csrf_of(r, csrf);
    free(r);
    snprintf(cookie, sizeof cookie, "fc_anon=%s", anon);
    snprintf(body, sizeof body,
             "csrf=%s&username=%s&email=%s%%40example.com&password=tacos+al+pastor&password2="
             "tacos+al+pastor",
             csrf, name, name);
    r = req("POST", "/signup", cookie, body);
    assert_int_equal(status_of(r), 303);
    assert_true(cookie_of(r, "fc_session", tok, sizeof tok));
    assert_int_equal(strlen(tok), 64);
    assert_non_null(strstr(r, "HttpOnly"));
    assert_non_null(strstr(r, "SameSite=Lax"));
    snprintf(out, n, "fc_session=%s", tok);
    free(r);
}

static void test_home_and_404(void **state)
{
    (void)state;
    char *r = req("GET", "/", NULL, NULL);
    assert_int_equal(status_of(r), 200);
    assert_non_null(strstr(r, "<html lang=\"en\">"));
    free(r);
    r = req("GET", "/no/such/page", NULL, NULL);
    assert_int_equal(status_of(r), 404);
    assert_non_null(strstr(r, "Request id:"));
    free(r);
    r = req("POST", "/restaurants", NULL, "");
    assert_int_equal(status_of(r), 405);
    free(r);
}

static void test_post_without_csrf_refused(void **state)
{
    (void)state;
    char *r = req("POST", "/signup", NULL, "username=mallory&email=m%40x.io&password=aaaa");
    assert_int_equal(status_of(r), 403);
    assert_non_null(strstr(r, "form has expired"));
    free(r);
}

static void test_signup_profile_escape_logout(void **state)
{
    (void)state;
    char sess[128], csrf[65], body[512];
    char *r;
    signup("ana", sess, sizeof sess);

    r = req("GET", "/u/ana/edit", sess, NULL);
    assert_int_equal(status_of(r), 200);
    csrf_of(r, csrf);
    free(r);
    snprintf(body, sizeof body,
             "csrf=%s&display_name=Ana&bio=%%3Cscript%%3Ealert(1)%%3C%%2Fscript%%3E&city=X&price="
             "low&visibility=public",
             csrf);
    r = req("POST", "/u/ana/edit", sess, body);
    assert_int_equal(status_of(r), 303);
    free(r);
    r = req("GET", "/u/ana", NULL, NULL);
    assert_int_equal(status_of(r), 200);
    assert_null(strstr(r, "<script>alert(1)"));
    assert_non_null(strstr(r, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    free(r);

    /* the token of a logged-out session no longer works */
    r = req("GET", "/", sess, NULL);
    csrf_of(r, csrf);
    free(r);
    snprintf(body, sizeof body, "csrf=%s", csrf);
    r = req("POST", "/logout", sess, body);
    assert_int_equal(status_of(r), 303);
    free(r);
    r = req("GET", "/u/ana/edit", sess, NULL);
    assert_int_equal(status_of(r), 303); /* to /login */
    assert_non_null(strstr(r, "Location: /login?next=%2Fu%2Fana%2Fedit"));
    free(r);
}

static void test_other_profile_edit_forbidden(void **state)
{
    (void)state;
    char a[128], b[128], csrf[65], body[256];
    char *r;
    signup("bob", a, sizeof a);
    signup("eve", b, sizeof b);
    r = req("GET", "/u/bob/edit", b, NULL);
    assert_int_equal(status_of(r), 403);
    free(r);
    r = req("GET", "/", b, NULL);
    csrf_of(r, csrf);
    free(r);
    snprintf(body, sizeof body, "csrf=%s&display_name=pwned&visibility=public", csrf);
    r = req("POST", "/u/bob/edit", b, body);
    assert_int_equal(status_of(r), 403);
    free(r);
    r = req("GET", "/u/bob", NULL, NULL);
    assert_null(strstr(r, "pwned"));
    free(r);
}

static void test_session_rules(void **state)
{
    (void)state;
    char x[65], y[65];
    unsigned char k1[32] = {1}, k2[32] = {2};
    assert_false(fc_session_expired(1000, 1000, 1100, 3600, 86400));
    assert_true(fc_session_expired(1000, 1000, 1000 + 3601, 3600, 86400)); /* idle */
    assert_true(fc_session_expired(1000, 90000, 90001, 3600, 86400));      /* absolute */
    fc_csrf_compute(k1, "abc", x);
    fc_csrf_compute(k1, "abd", y);
    assert_string_not_equal(x, y);
    fc_csrf_compute(k2, "abc", y);
    assert_string_not_equal(x, y);
    fc_csrf_compute(k1, "abc", y);
    assert_string_equal(x, y);
}

static void test_duplicate_and_bad_signup(void **state)
{
    (void)state;
    char sess[128], anon[64], csrf[65], body[512], cookie[128];
    char *r;
    signup("carla", sess, sizeof sess);
    r = req("GET", "/signup", NULL, NULL);
    cookie_of(r, "fc_anon", anon, sizeof anon);
    csrf_of(r, csrf);
    free(r);
    snprintf(cookie, sizeof cookie, "fc_anon=%s", anon);
    snprintf(body, sizeof body,
             "csrf=%s&username=CARLA&email=other%%40example.com&password=tacos+al+pastor&"
             "password2=tacos+al+pastor",
             csrf);
    r = req("POST", "/signup", cookie, body);
    assert_int_equal(status_of(r), 409);
    assert_non_null(strstr(r, "That username is taken"));
    assert_non_null(strstr(r, "value=\"CARLA\"")); /* the form keeps what was typed */
    free(r);
    snprintf(body, sizeof body,
             "csrf=%s&username=dan&email=dan%%40example.com&password=short&password2=short", csrf);
    r = req("POST", "/signup", cookie, body);
    assert_int_equal(status_of(r), 400);
    assert_non_null(strstr(r, "Password is too short"));
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_home_and_404),
        cmocka_unit_test(test_post_without_csrf_refused),
        cmocka_unit_test(test_signup_profile_escape_logout),
        cmocka_unit_test(test_other_profile_edit_forbidden),
        cmocka_unit_test(test_session_rules),
        cmocka_unit_test(test_duplicate_and_bad_signup),
    };
    return cmocka_run_group_tests_name("app", tests, setup, teardown);
}
