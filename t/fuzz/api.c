/* Fuzz harness: whole requests through the application (core/app.c: parse, session, route,
 * handler, JSON bodies of pages/api.c, forms and uploads of the pages, templates) on a SQLite
 * store in a temporary folder, as a logged-in user. Input: "METHOD /path?query\n", header lines
 * ("Content-Type:", "Cookie:", "Authorization:", "Accept:"), an empty line, then the body.
 * Without an Authorization line the request carries the harness user's Bearer token (API),
 * without a Cookie line its browser session cookie (pages), and without a Content-Type line
 * the body is sent as application/json. "@CSRF@" anywhere in the path or body becomes the
 * session's CSRF token, so that form posts reach their handlers. The user is an administrator
 * (admin pages too; their AWS calls go to a closed local port). Log-out routes are skipped
 * (they would end the sessions). */
#include <stdio.h>

#include "../lib/testutil.h"
#include "core/app.h"
#include "core/util.h"
#include "fuzz.h"
#include "store/store.h"

static char dir[64];
static struct fc_app app;
static char token_header[128], session_cookie[128], csrf[65];

struct buf {
    const char *p;
    size_t n, pos;
};

static long rd(void *ctx, char *b, size_t n)
{
    struct buf *x = ctx;
    size_t k = x->n - x->pos < n ? x->n - x->pos : n;
    memcpy(b, x->p + x->pos, k);
    x->pos += k;
    return (long)k;
}

struct out {
    char *p;
    size_t n;
};

static long wr(void *ctx, const char *b, size_t n)
{
    struct out *o = ctx;
    char *p = realloc(o->p, o->n + n + 1);
    if (!p)
        abort();
    memcpy(p + o->n, b, n);
    o->p = p;
    o->n += n;
    p[o->n] = '\0';
    return (long)n;
}

static void cleanup(void)
{
    fc_app_free(&app);
    testutil_cleanup(dir);
}

/* One request; returns the response (caller frees). */
static char *send(const char *method, const char *uri, const char *ctype, const char *cookie,
                  const char *auth, const char *accept, const char *body, size_t len)
{
    char *env[12], *e[9];
    const char *q = strchr(uri, '?');
    struct buf in = {body, len, 0};
    struct out out = {0};
    int k = 0;
    if (asprintf(&e[0], "REQUEST_METHOD=%s", method) < 0 ||
        asprintf(&e[1], "REQUEST_URI=%s", uri) < 0 ||
        asprintf(&e[2], "QUERY_STRING=%s", q ? q + 1 : "") < 0 ||
        asprintf(&e[3], "CONTENT_TYPE=%s", ctype) < 0 ||
        asprintf(&e[4], "HTTP_COOKIE=%s", cookie) < 0 ||
        asprintf(&e[5], "HTTP_AUTHORIZATION=%s", auth) < 0 ||
        asprintf(&e[6], "HTTP_ACCEPT=%s", accept) < 0 ||
        asprintf(&e[7], "CONTENT_LENGTH=%zu", len) < 0 ||
        asprintf(&e[8], "REMOTE_ADDR=127.0.0.%d", 1 + (int)(len % 200)) < 0)
        abort();
    for (; k < 9; k++)
        env[k] = e[k];
    env[k] = NULL;
    fc_app_handle(&app, env, rd, &in, wr, &out);
    for (k = 0; k < 9; k++)
        free(e[k]);
    return out.p;
}

static int status_of(const char *resp)
{
    return resp && strncmp(resp, "Status: ", 8) == 0 ? atoi(resp + 8) : 0;
}

/* The value of cookie name in a response's Set-Cookie headers into out (size n); 1 if found. */
static int cookie_of(const char *resp, const char *name, char *out, size_t n)
{
    char pat[64];
    const char *p;
    snprintf(pat, sizeof pat, "Set-Cookie: %s=", name);
    if (!resp || !(p = strstr(resp, pat)))
        return 0;
    p += strlen(pat);
    snprintf(out, n, "%.*s", (int)strcspn(p, ";\r"), p);
    return 1;
}

/* The csrf hidden field of a page into csrf; 1 if found. */
static int csrf_of(const char *resp)
{
    static const char pat[] = "name=\"csrf\" value=\"";
    const char *p = resp ? strstr(resp, pat) : NULL;
    if (!p)
        return 0;
    snprintf(csrf, sizeof csrf, "%.64s", p + sizeof pat - 1);
    return 1;
}

/* Makes the harness user an administrator again, and enabled (an admin request may have
 * disabled it). */
static void make_admin(void)
{
    struct fc_user u;
    if (app.store->ops->user_by_name(app.store, "fuzzer", &u) ||
        app.store->ops->user_set_flags(app.store, u.id, 1, 0))
        abort();
    fc_user_clear(&u);
}

/* Logs the harness user in with the log-in form: session cookie and CSRF token. */
static void browser_login(void)
{
    char anon[80], cookie[128], body[256], tok[80];
    char *resp = send("GET", "/login", "", "", "", "text/html", "", 0);
    if (!cookie_of(resp, "fc_anon", anon, sizeof anon) || !csrf_of(resp))
        abort();
    free(resp);
    snprintf(cookie, sizeof cookie, "fc_anon=%s", anon);
    snprintf(body, sizeof body, "csrf=%s&username=fuzzer&password=tacos+al+pastor", csrf);
    resp = send("POST", "/login", "application/x-www-form-urlencoded", cookie, "", "text/html",
                body, strlen(body));
    if (status_of(resp) != 303 || !cookie_of(resp, "fc_session", tok, sizeof tok))
        abort();
    free(resp);
    snprintf(session_cookie, sizeof session_cookie, "fc_session=%s", tok);
    resp = send("GET", "/u/fuzzer/edit", "", session_cookie, "", "text/html", "", 0);
    if (status_of(resp) != 200 || !csrf_of(resp))
        abort();
    free(resp);
}

/* Logs the harness user in (again) when its token or its browser session stopped working
 * (e.g. a request ended all of its sessions, or disabled the user). */
static void ensure_token(void)
{
    static const char login[] = "{\"username\":\"fuzzer\",\"password\":\"tacos al pastor\"}";
    char *resp = send("GET", "/api/v1/me", "", "", token_header, "", "", 0), *t;
    int ok = status_of(resp) == 200;
    free(resp);
    resp = send("GET", "/u/fuzzer/edit", "", session_cookie, "", "text/html", "", 0);
    if (status_of(resp) != 200 || !csrf_of(resp))
        browser_login();
    free(resp);
    if (ok)
        return;
    make_admin();
    resp = send("POST", "/api/v1/login", "application/json", "", "", "", login, sizeof login - 1);
    if (status_of(resp) != 200 || !(t = strstr(resp, "\"token\":\"")))
        abort();
    snprintf(token_header, sizeof token_header, "Bearer %.64s", t + 9);
    free(resp);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char signup[] = "{\"username\":\"fuzzer\",\"email\":\"fuzzer@example.com\","
                                 "\"password\":\"tacos al pastor\",\"display_name\":\"Fuzz\"}";
    static const char other[] = "{\"username\":\"ana\",\"email\":\"ana@example.com\","
                                "\"password\":\"tacos al pastor\"}";
    struct fc_restaurant r;
    HDF *cfg;
    char *resp, *t, name[32];
    (void)argc;
    (void)argv;
    setenv("FORKCAST_AUTH_SCRYPT_LOGN", "4", 1);
    /* the admin pages' AWS calls (EC2, S3) fail at once: nothing listens there */
    fuzz_aws_env();
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9", 1);
    setenv("FORKCAST_AUTH_THROTTLE_PERACCOUNT", "1000000", 1);
    setenv("FORKCAST_AUTH_THROTTLE_PERADDRESS", "1000000", 1);
    setenv("FORKCAST_AUTH_THROTTLE_SIGNUPPERADDRESS", "1000000", 1);
    if (!(cfg = testutil_config(dir)))
        abort();
    hdf_destroy(&cfg);
    setenv("FORKCAST_LOG_ACCESS", "/dev/null", 1);
    if (fc_app_init(&app, "conf/forkcast.hdf"))
        abort();
    atexit(cleanup);
    /* a few restaurants to review, save and search */
    for (int i = 0; i < 3; i++) {
        memset(&r, 0, sizeof r);
        snprintf(r.ext_id, sizeof r.ext_id, "13257%d", i);
        snprintf(name, sizeof name, "Tacos %d", i);
        r.name = name; /* borrowed: r is not cleared */
        r.city = (char *)"San Luis Potosi";
        r.cuisines = (char *)(i ? "Mexican,Bar" : "Mexican");
        strcpy(r.price, "low");
        if (app.store->ops->rest_upsert(app.store, &r))
            abort();
    }
    resp = send("POST", "/api/v1/signup", "application/json", "", "", "", other, sizeof other - 1);
    free(resp);
    resp =
        send("POST", "/api/v1/signup", "application/json", "", "", "", signup, sizeof signup - 1);
    if (status_of(resp) != 201 || !(t = strstr(resp, "\"token\":\"")))
        abort();
    snprintf(token_header, sizeof token_header, "Bearer %.64s", t + 9);
    free(resp);
    make_admin();
    browser_login();
    return 0;
}

/* s with every "@CSRF@" replaced by the token (malloc'ed), *len updated. */
static char *with_csrf(const char *s, size_t *len)
{
    size_t n = *len, o = 0;
    char *out = malloc(n * 11 + 1); /* 6 bytes become 64 */
    if (!out)
        abort();
    for (size_t i = 0; i < n;) {
        if (n - i >= 6 && memcmp(s + i, "@CSRF@", 6) == 0) {
            memcpy(out + o, csrf, 64);
            o += 64;
            i += 6;
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
    *len = o;
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {(const char *)data, size};
    char *line = fuzz_field(&in, '\n', NULL), *sp = strchr(line, ' ');
    char *ctype = NULL, *cookie = NULL, *auth = NULL, *accept = NULL, *resp, *uri, *body;
    size_t ulen, blen;
    static unsigned runs;
    int status;

    if (runs++ % 32 == 0)
        ensure_token();
    if (sp)
        *sp = '\0';
    ulen = sp ? strlen(sp + 1) : 1;
    uri = with_csrf(sp ? sp + 1 : "/", &ulen);
    while (in.n) {
        char *h = fuzz_field(&in, '\n', NULL), **slot = NULL;
        size_t skip = 0;
        if (!h[0]) {
            free(h);
            break;
        }
        if (strncasecmp(h, "Content-Type:", 13) == 0)
            slot = &ctype, skip = 13;
        else if (strncasecmp(h, "Cookie:", 7) == 0)
            slot = &cookie, skip = 7;
        else if (strncasecmp(h, "Authorization:", 14) == 0)
            slot = &auth, skip = 14;
        else if (strncasecmp(h, "Accept:", 7) == 0)
            slot = &accept, skip = 7;
        if (slot) {
            free(*slot);
            *slot = strdup(h + skip + (h[skip] == ' '));
        }
        free(h);
    }
    blen = in.n;
    body = with_csrf(in.p, &blen);
    if (!strstr(uri, "logout")) {
        resp = send(line, uri, ctype ? ctype : "application/json", cookie ? cookie : session_cookie,
                    auth ? auth : token_header, accept ? accept : "", body, blen);
        status = status_of(resp);
        /* never a crash, and a server error only for what the server cannot help */
        if (status < 200 || status > 599 || status == 500)
            abort();
        free(resp);
    }
    free(line);
    free(uri);
    free(body);
    free(ctype);
    free(cookie);
    free(auth);
    free(accept);
    return 0;
}
