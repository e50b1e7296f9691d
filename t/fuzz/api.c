/* Fuzz harness: whole requests through the application (core/app.c: parse, session, route,
 * handler, JSON bodies of pages/api.c, templates) on a SQLite store in a temporary folder,
 * logged in with an API token. Input: "METHOD /path?query\n", header lines ("Content-Type:",
 * "Cookie:", "Authorization:", "Accept:"), an empty line, then the body. Without an
 * Authorization line the request carries the harness user's Bearer token, and without a
 * Content-Type line the body is sent as application/json. The log-out route is skipped (it
 * would end the token). */
#include <stdio.h>

#include "../lib/testutil.h"
#include "core/app.h"
#include "core/util.h"
#include "fuzz.h"
#include "store/store.h"

static char dir[64];
static struct fc_app app;
static char token_header[128];

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

/* Logs the harness user in (again) when its token stopped working (e.g. a request ended all
 * of its sessions). */
static void ensure_token(void)
{
    static const char login[] = "{\"username\":\"fuzzer\",\"password\":\"tacos al pastor\"}";
    char *resp = send("GET", "/api/v1/me", "", "", token_header, "", "", 0), *t;
    int ok = status_of(resp) == 200;
    free(resp);
    if (ok)
        return;
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
    char *resp, *t;
    (void)argc;
    (void)argv;
    setenv("FORKCAST_AUTH_SCRYPT_LOGN", "4", 1);
    setenv("FORKCAST_AUTH_THROTTLE_PERACCOUNT", "1000000", 1);
    setenv("FORKCAST_AUTH_THROTTLE_PERADDRESS", "1000000", 1);
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
        snprintf(r.name, sizeof r.name, "Tacos %d", i);
        strcpy(r.city, "San Luis Potosi");
        strcpy(r.cuisines, i ? "Mexican,Bar" : "Mexican");
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
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {(const char *)data, size};
    char *line = fuzz_field(&in, '\n', NULL), *sp = strchr(line, ' ');
    char *ctype = NULL, *cookie = NULL, *auth = NULL, *accept = NULL, *resp;
    const char *uri = sp ? sp + 1 : "/";
    static unsigned runs;
    int status;

    if (runs++ % 32 == 0)
        ensure_token();
    if (sp)
        *sp = '\0';
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
    if (!strstr(uri, "logout")) {
        resp = send(line, uri, ctype ? ctype : "application/json", cookie ? cookie : "",
                    auth ? auth : token_header, accept ? accept : "", in.p, in.n);
        status = status_of(resp);
        /* never a crash, and a server error only for what the server cannot help */
        if (status < 200 || status > 599 || status == 500)
            abort();
        free(resp);
    }
    free(line);
    free(ctype);
    free(cookie);
    free(auth);
    free(accept);
    return 0;
}
