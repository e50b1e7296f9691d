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
    char e_method[32], e_uri[2048], e_cookie[512], e_len[64], *q;
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
    char anon[64], csrf[65], body[512], cookie[128], tok[96];
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
    /* "<user id>.<token>": the token is 64 hex digits */
    assert_non_null(strchr(tok, '.'));
    assert_true(strspn(tok, "0123456789") == (size_t)(strchr(tok, '.') - tok));
    assert_int_equal(strlen(strchr(tok, '.') + 1), 64);
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

/* fc_csrf_token (through the process's memo) gives fc_csrf_compute's token every time: for
 * another key, for bindings that share a slot in turn, for the empty binding. */
static void test_csrf_memo(void **state)
{
    static const char *bindings[] = {"abc", "abd", "", "0123456789abcdef0123456789abcdef"};
    unsigned char k1[32] = {1}, k2[32] = {2};
    char want[65], got[65], name[16];
    (void)state;
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < sizeof bindings / sizeof *bindings; i++)
            for (int k = 0; k < 2; k++) {
                fc_csrf_compute(k ? k2 : k1, bindings[i], want);
                fc_csrf_token(k ? k2 : k1, bindings[i], got);
                assert_string_equal(got, want);
            }
    /* more bindings than slots, twice over: every answer still the HMAC's */
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 300; i++) {
            snprintf(name, sizeof name, "s%d", i);
            fc_csrf_compute(k1, name, want);
            fc_csrf_token(k1, name, got);
            assert_string_equal(got, want);
        }
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
    assert_int_equal(status_of(r), 422); /* the API's invalid_value */
    assert_non_null(strstr(r, "Password is too short"));
    free(r);
}

/* Writes text into dir/name. */
static void put_file(const char *d, const char *name, const char *text)
{
    char path[256];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", d, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Renders tpl of a2 with X = x into out; returns fc_render's result. */
static int render_x(struct fc_app *a2, const char *tpl, const char *x, char *out, size_t n)
{
    struct fc_ctx c;
    int rc;
    memset(&c, 0, sizeof c);
    c.app = a2;
    fc_resp_init(&c.resp);
    assert_null(hdf_init(&c.hdf));
    fc_set(&c, "X", x);
    rc = fc_render(&c, tpl);
    snprintf(out, n, "%s", c.resp.body.buf ? c.resp.body.buf : "");
    fc_resp_free(&c.resp);
    hdf_destroy(&c.hdf);
    return rc;
}

/* A process parses each template once and renders it again with each request's own data
 * (escaping kept); an edited template or include is parsed again; a removed one fails. */
static void test_templates_kept_and_reloaded(void **state)
{
    (void)state;
    struct fc_app a2;
    char tdir[64] = "/tmp/fc-tpl-XXXXXX", out[256], path[128];
    assert_non_null(mkdtemp(tdir));
    memset(&a2, 0, sizeof a2);
    snprintf(a2.tpl_dir, sizeof a2.tpl_dir, "%s", tdir);
    a2.tpl_check_seconds = 0; /* every render checks the files (Templates.CheckSeconds = 0) */
    put_file(tdir, "inc.cs", "<?cs def:show(v) ?>(<?cs var:v ?>)<?cs /def ?>A");
    put_file(tdir, "t.cs", "<?cs include:\"inc.cs\" ?>[<?cs var:X ?>]<?cs call:show(X) ?>");
    assert_int_equal(render_x(&a2, "t.cs", "<b>", out, sizeof out), FC_OK);
    assert_string_equal(out, "A[&lt;b&gt;](&lt;b&gt;)");
    assert_int_equal(render_x(&a2, "t.cs", "2", out, sizeof out), FC_OK);
    assert_string_equal(out, "A[2](2)");
    put_file(tdir, "inc.cs", "<?cs def:show(v) ?>{<?cs var:v ?>}<?cs /def ?>Bb");
    assert_int_equal(render_x(&a2, "t.cs", "3", out, sizeof out), FC_OK);
    assert_string_equal(out, "Bb[3]{3}");
    put_file(tdir, "t.cs", "<?cs include:\"inc.cs\" ?>-<?cs var:X ?>-");
    assert_int_equal(render_x(&a2, "t.cs", "4", out, sizeof out), FC_OK);
    assert_string_equal(out, "Bb-4-");
    snprintf(path, sizeof path, "%s/t.cs", tdir);
    unlink(path);
    assert_int_equal(render_x(&a2, "t.cs", "5", out, sizeof out), FC_ERR);
    snprintf(path, sizeof path, "%s/inc.cs", tdir);
    unlink(path);
    rmdir(tdir);
    fc_app_free(&a2);
}

/* Work after the answer: it runs in fc_app_after, in the order it was left, after the whole
 * response was written; each argument is freed (ASan: no leak); when the request's list is
 * full the work runs at once. */
static char after_log[64];

static void note_after(struct fc_app *a, void *arg)
{
    assert_ptr_equal(a, &app);
    strncat(after_log, arg, sizeof after_log - strlen(after_log) - 1);
}

static void test_work_after_the_answer(void **state)
{
    char *env[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/healthz",
                   "QUERY_STRING=", "REMOTE_ADDR=127.0.0.9", NULL};
    struct buf in = {"", 0, 0}, out = {0};
    struct fc_ctx *c;
    (void)state;
    after_log[0] = '\0';
    c = fc_app_answer(&app, env, rd, &in, wr, &out);
    assert_non_null(c);
    assert_non_null(out.data);
    assert_int_equal(status_of(out.data), 200);
    /* two more than the list holds: those two run at once */
    for (int i = 0; i < FC_MAX_AFTER + 2; i++) {
        char *arg = malloc(2);
        assert_non_null(arg);
        arg[0] = (char)('a' + i);
        arg[1] = '\0';
        fc_app_defer(c, note_after, arg);
    }
    assert_int_equal(strlen(after_log), 2);
    assert_int_equal(after_log[0], 'a' + FC_MAX_AFTER);
    assert_int_equal(after_log[1], 'a' + FC_MAX_AFTER + 1);
    fc_app_after(c);
    assert_int_equal(strlen(after_log), FC_MAX_AFTER + 2);
    for (int i = 0; i < FC_MAX_AFTER; i++)
        assert_int_equal(after_log[2 + i], 'a' + i);
    fc_app_after(NULL);
    free(out.data);
}

/* The last line of the access log into out. */
static void last_log_line(char *out, size_t n)
{
    char path[128], line[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/access.log", dir);
    assert_non_null(f = fopen(path, "r"));
    out[0] = '\0';
    while (fgets(line, sizeof line, f))
        snprintf(out, n, "%s", line);
    fclose(f);
}

/* One line per request: "TIME ID user=N METHOD PATH STATUS MSms", a long path whole. */
static void test_access_log(void **state)
{
    char line[4096], uri[1300], want[1400];
    const char *p;
    (void)state;
    free(req("GET", "/healthz", NULL, NULL));
    last_log_line(line, sizeof line);
    /* 2026-12-07T22:56:25Z d11ec4d9cb819029 user=0 GET /healthz 200 0.4ms */
    assert_int_equal(strlen(line) > 21 && line[4] == '-' && line[10] == 'T' && line[19] == 'Z' &&
                         line[20] == ' ',
                     1);
    p = line + 21;
    assert_int_equal(strspn(p, "0123456789abcdef"), 16);
    p += 16;
    assert_int_equal(strncmp(p, " user=0 GET /healthz 200 ", 25), 0);
    p += 25;
    assert_true(strspn(p, "0123456789") >= 1);
    p += strspn(p, "0123456789");
    assert_true(p[0] == '.' && p[1] >= '0' && p[1] <= '9');
    assert_string_equal(p + 2, "ms\n");
    /* a path longer than the line's buffer */
    strcpy(uri, "/");
    memset(uri + 1, 'x', 1200);
    uri[1201] = '\0';
    free(req("GET", uri, NULL, NULL));
    last_log_line(line, sizeof line);
    snprintf(want, sizeof want, " user=0 GET %s 404 ", uri);
    assert_non_null(strstr(line, want));
    assert_non_null(strstr(line, "ms\n"));
}

/* fc_set_int writes the decimal text of every long long, the extremes included. */
static void test_set_int(void **state)
{
    static const struct {
        long long v;
        const char *want;
    } cases[] = {{0, "0"},
                 {7, "7"},
                 {-7, "-7"},
                 {1234567890123LL, "1234567890123"},
                 {9223372036854775807LL, "9223372036854775807"},
                 {-9223372036854775807LL - 1, "-9223372036854775808"}};
    struct fc_ctx c;
    (void)state;
    memset(&c, 0, sizeof c);
    assert_null(hdf_init(&c.hdf));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fc_set_int(&c, "N", cases[i].v);
        assert_string_equal(hdf_get_value(c.hdf, "N", ""), cases[i].want);
    }
    hdf_destroy(&c.hdf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_home_and_404),
        cmocka_unit_test(test_post_without_csrf_refused),
        cmocka_unit_test(test_signup_profile_escape_logout),
        cmocka_unit_test(test_other_profile_edit_forbidden),
        cmocka_unit_test(test_session_rules),
        cmocka_unit_test(test_csrf_memo),
        cmocka_unit_test(test_duplicate_and_bad_signup),
        cmocka_unit_test(test_templates_kept_and_reloaded),
        cmocka_unit_test(test_work_after_the_answer),
        cmocka_unit_test(test_set_int),
        cmocka_unit_test(test_access_log),
    };
    return cmocka_run_group_tests_name("app", tests, setup, teardown);
}
