/* app: start-up of the long-lived application and the life of one request:
 * parse -> session -> route -> checks -> handler -> render -> write -> log, then, once the
 * response is finished, the work after the answer (metrics, deferred work) -> free. */
#include "core/app.h"
#include "auth/auth.h"
#include "blob/blob.h"
#include "core/config.h"
#include "core/map.h"
#include "core/metrics.h"
#include "core/pagecache.h"
#include "core/route.h"
#include "core/secret.h"
#include "core/session.h"
#include "core/tmplcache.h"
#include "core/util.h"
#include "rec/rec.h"
#include "store/store.h"
#include "svc/talk.h"
#include "svc/views.h"

#include <json-c/json.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int fc_app_init(struct fc_app *app, const char *config_path)
{
    NEOERR *err;
    const char *log;
    char why[160];
    int rc;
    memset(app, 0, sizeof *app);
    err = fc_config_load(&app->cfg, config_path);
    if (err) {
        nerr_log_error(err);
        nerr_ignore(&err);
        return FC_ERR;
    }
    if (fc_config_path(app->cfg, "Templates.Dir", "templates", app->tpl_dir, sizeof app->tpl_dir))
        return FC_ERR;
    app->tpl_check_seconds = fc_config_int(app->cfg, "Templates.CheckSeconds", 2);
    fc_map_config(app->cfg); /* Map.Tiles checked, Map.TileOrigin for the CSP */
    app->limits.max_body = (size_t)fc_config_int(app->cfg, "Limits.MaxBody", 8 << 20);
    app->limits.max_fields = (size_t)fc_config_int(app->cfg, "Limits.MaxFields", 200);
    app->secure_cookies = fc_config_int(app->cfg, "Server.Secure", 0);
    if (fc_proxy_parse(fc_config_str(app->cfg, "Server.TrustedProxies", ""), &app->proxies, why,
                       sizeof why)) {
        fprintf(stderr, "forkcast: Server.TrustedProxies: %s\n", why);
        return FC_ERR;
    }
    if (fc_store_open(app->cfg, &app->store)) {
        fprintf(stderr, "forkcast: cannot open the store\n");
        return FC_ERR;
    }
    rc = fc_secret_resolve(app->cfg, app->store, app->secret, app->secret_source,
                           sizeof app->secret_source);
    if (rc == FC_SECRET_LATER) {
        /* a store that is not answering (DynamoDB down) must not stop the process from
         * starting: every request answers 503 until the store gives the key */
        app->secret_pending = 1;
        app->secret_backoff = 1;
        app->secret_next_try = time(NULL) + 1;
    } else if (rc) {
        fprintf(stderr, "forkcast: cannot get the site's key (Server.Secret, "
                        "Server.SecretFile, the store or Data.Dir/secret)\n");
        return FC_ERR;
    }
    if (fc_blob_open(app->cfg, &app->blob)) {
        fprintf(stderr, "forkcast: cannot open the blob store\n");
        return FC_ERR;
    }
    if (fc_rec_open(app->cfg, app->store, &app->rec)) {
        fprintf(stderr, "forkcast: cannot build the recommender's model\n");
        return FC_ERR;
    }
    fc_rec_set_app(app->rec, app);
    app->pc = fc_pagecache_open(app->cfg, app->store);
    /* a repeat view within the window is not logged again (svc/restaurants.c) */
    app->views = fc_views_new(fc_config_int(app->cfg, "Rec.ViewRepeatSeconds", 1800));
    if (fc_auth_open(app->cfg, app->store, &app->auth)) {
        fprintf(stderr, "forkcast: cannot start the auth backend\n");
        return FC_ERR;
    }
    log = fc_config_str(app->cfg, "Log.Access", "stderr");
    if (strcmp(log, "stderr") == 0 || !*log) {
        app->access_log = stderr;
    } else {
        char path[PATH_MAX];
        if (fc_config_path(app->cfg, "Log.Access", NULL, path, sizeof path) ||
            !(app->access_log = fopen(path, "a")))
            app->access_log = stderr;
        else
            setvbuf(app->access_log, NULL, _IOLBF, 0);
    }
    return FC_OK;
}

void fc_app_free(struct fc_app *app)
{
    fc_auth_close(app->auth);
    fc_rec_close(app->rec);
    fc_blob_close(app->blob);
    fc_store_close(app->store);
    if (app->access_log && app->access_log != stderr)
        fclose(app->access_log);
    fc_tmplcache_free(app->tpls);
    fc_pagecache_free(app->pc);
    fc_views_free(app->views);
    free(app->spare_ctx);
    hdf_destroy(&app->cfg);
    memset(app, 0, sizeof *app);
}

void fc_set(struct fc_ctx *c, const char *key, const char *value)
{
    NEOERR *err = hdf_set_value(c->hdf, key, value ? value : "");
    if (err) {
        nerr_log_error(err);
        nerr_ignore(&err);
    }
}

void fc_setf(struct fc_ctx *c, const char *key, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fc_set(c, key, buf);
}

void fc_set_int(struct fc_ctx *c, const char *key, long long v)
{
    char buf[24];
    fc_set(c, key, fc_lltoa(buf, v));
}

/* fc_set under a key made by kfmt. */
static void vsetk(struct fc_ctx *c, const char *value, const char *kfmt, va_list ap)
    FC_PRINTF(3, 0);
static void vsetk(struct fc_ctx *c, const char *value, const char *kfmt, va_list ap)
{
    char key[256];
    vsnprintf(key, sizeof key, kfmt, ap);
    fc_set(c, key, value);
}

void fc_setk(struct fc_ctx *c, const char *value, const char *kfmt, ...)
{
    va_list ap;
    va_start(ap, kfmt);
    vsetk(c, value, kfmt, ap);
    va_end(ap);
}

void fc_setk_int(struct fc_ctx *c, long long v, const char *kfmt, ...)
{
    char buf[24];
    va_list ap;
    va_start(ap, kfmt);
    vsetk(c, fc_lltoa(buf, v), kfmt, ap);
    va_end(ap);
}

const char *fc_form(struct fc_ctx *c, const char *name)
{
    const char *v = fc_param(&c->req.form, name);
    return v ? v : "";
}

const char *fc_query(struct fc_ctx *c, const char *name)
{
    const char *v = fc_param(&c->req.query, name);
    return v ? v : "";
}

/* Sets what every page's layout needs: the user, the CSRF token, the flash message. */
static void set_globals(struct fc_ctx *c)
{
    const char *flash = fc_param(&c->req.cookies, "fc_flash");
    fc_set(c, "Config.VarEscapeMode", "html");
    fc_set(c, "hdf.loadpaths.0", c->app->tpl_dir);
    fc_set(c, "App.Csrf", c->csrf);
    fc_set(c, "App.RequestId", c->request_id);
    fc_set(c, "App.Path", c->req.path ? c->req.path : "/");
    if (c->logged_in) {
        fc_set_int(c, "App.User.Id", c->user.id);
        fc_set(c, "App.User.Username", c->user.username);
        fc_set(c, "App.User.Name", c->user.display_name);
        fc_set_int(c, "App.User.Admin", c->user.is_admin);
        /* the header's "3 new": one read of the unread notifications (svc/talk.c); not when
         * the store failed already in this request (its error page must not wait again) */
        if (!fc_store_fault()) {
            struct fc_svc sv = fc_app_svc(c);
            fc_set_int(c, "App.User.Unread", fc_svc_notes_unread(&sv));
        }
    }
    if (flash && *flash) {
        char *copy = strdup(flash);
        if (copy) {
            long n = fc_url_decode(copy, strlen(copy), 1);
            if (n > 0 && fc_utf8_valid(copy, (size_t)n))
                fc_set(c, "App.Flash", copy);
            free(copy);
        }
        fc_resp_cookie(&c->resp, "fc_flash", "", 0, fc_session_cookie_flags(c));
    }
}

int fc_render(struct fc_ctx *c, const char *tpl)
{
    struct fc_app *app = c->app;
    NEOERR *err;

    set_globals(c);
    /* made on first use; NULL (no memory): each render parses the template itself */
    if (!app->tpls)
        app->tpls = fc_tmplcache_new(app->tpl_dir, app->tpl_check_seconds);
    string_clear(&c->resp.body);
    string_init(&c->resp.body);
    err = fc_tmplcache_render(app->tpls, tpl, c->hdf, &c->resp.body);
    if (err) {
        STRING msg;
        string_init(&msg);
        nerr_error_traceback(err, &msg);
        fprintf(stderr, "forkcast: [%s] template %s: %s\n", c->request_id, tpl,
                msg.buf ? msg.buf : "?");
        string_clear(&msg);
        nerr_ignore(&err);
        return FC_ERR;
    }
    return FC_OK;
}

static const char *default_message(int status)
{
    switch (status) {
    case 400:
        return "The request could not be understood. Check what you sent and try again.";
    case 403:
        return "You are not allowed to do that.";
    case 404:
        return "There is nothing at this address.";
    case 405:
        return "This address does not accept that method.";
    case 413:
        return "What you sent is too large.";
    case 429:
        return "Too many requests. Wait a little and try again.";
    default:
        return "Something went wrong on our side. It has been logged; try again later.";
    }
}

/* fc_error for the JSON API: {"error": {"code", "message", "field"}} (field NULL: null). */
static int api_error(struct fc_ctx *c, int status, const char *message, const char *field,
                     const char *code_of)
{
    static const struct {
        int status;
        const char *code;
    } codes[] = {{400, "bad_request"},       {403, "forbidden"},
                 {404, "not_found"},         {405, "method_not_allowed"},
                 {413, "payload_too_large"}, {429, "throttled"},
                 {409, "conflict"},          {422, "invalid_value"},
                 {503, "unavailable"},       {507, "insufficient_storage"}};
    const char *code = "internal_error";
    json_object *o = json_object_new_object(), *e = json_object_new_object();
    for (size_t i = 0; i < FC_ARRAY_LEN(codes); i++)
        if (codes[i].status == status)
            code = codes[i].code;
    if (code_of && status != 500 && status != 503 && status != 507)
        code = code_of;
    else if (status == 401)
        code = c->req.authorization && *c->req.authorization ? "invalid_token" : "missing_token";
    c->resp.status = status;
    string_clear(&c->resp.body);
    string_init(&c->resp.body);
    if (o && e) {
        json_object_object_add(e, "code", json_object_new_string(code));
        json_object_object_add(e, "message",
                               json_object_new_string(message ? message : default_message(status)));
        json_object_object_add(e, "field", field ? json_object_new_string(field) : NULL);
        json_object_object_add(o, "error", e);
        e = NULL;
        fc_resp_header(&c->resp, "Content-Type", "application/json");
        string_append(&c->resp.body, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    }
    json_object_put(e);
    json_object_put(o);
    return 0;
}

/* What a person is told about each storage fault: the status, Retry-After (0: none), the
 * words, and the log line's name of it. */
static const struct {
    int fault, status;
    const char *retry_after, *message, *logged;
} storage_faults[] = {
    {FC_STORE_FAULT_FULL, 507, NULL,
     "The server's storage is full, so this could not be saved. Nothing was changed; reading "
     "still works. Try again later.",
     "storage full"},
    {FC_STORE_FAULT_READONLY, 503, "300",
     "The site is read-only at the moment (maintenance), so this could not be saved. You can "
     "still read everything; try again later.",
     "database read-only"},
    {FC_STORE_FAULT_BUSY, 503, "5",
     "The site is too busy to save this right now. Nothing was changed; try again in a moment.",
     "database busy"},
    {FC_STORE_FAULT_UNAVAILABLE, 503, "30",
     "The site's database is not answering right now, so this could not be done. Nothing was "
     "changed; try again in a minute.",
     "store unavailable"},
};

/* A 500 caused by the storage gets the status and words of what happened. */
static int storage_fault(struct fc_ctx *c, int status, const char **message)
{
    int fault;
    if (status != 500)
        return status;
    fault = fc_store_fault();
    for (size_t i = 0; i < FC_ARRAY_LEN(storage_faults); i++) {
        if (storage_faults[i].fault != fault)
            continue;
        *message = storage_faults[i].message;
        if (storage_faults[i].retry_after)
            fc_resp_header(&c->resp, "Retry-After", "%s", storage_faults[i].retry_after);
        fprintf(stderr, "forkcast: [%s] %s: answered %d\n", c->request_id, storage_faults[i].logged,
                storage_faults[i].status);
        return storage_faults[i].status;
    }
    return status;
}

int fc_error(struct fc_ctx *c, int status, const char *message)
{
    status = storage_fault(c, status, &message);
    if (fc_session_is_api(c))
        return api_error(c, status, message, NULL, NULL);
    c->resp.status = status;
    fc_set_int(c, "Error.Status", status);
    fc_set(c, "Error.Title", fc_status_text(status));
    fc_set(c, "Error.Message", message ? message : default_message(status));
    fc_set(c, "Page.Title", fc_status_text(status));
    if (fc_render(c, "error.cs")) {
        string_clear(&c->resp.body);
        string_init(&c->resp.body);
        fc_resp_header(&c->resp, "Content-Type", "text/plain; charset=utf-8");
        string_appendf(&c->resp.body, "%d %s (request %s)\n", status, fc_status_text(status),
                       c->request_id);
    }
    return 0;
}

static void svc_defer(void *owner, fc_svc_after_fn fn, void *arg)
{
    fc_app_defer(owner, fn, arg);
}

struct fc_svc fc_app_svc(struct fc_ctx *c)
{
    struct fc_svc sv = {c->app, c->logged_in ? &c->user : NULL, c->request_id, svc_defer, c};
    return sv;
}

int fc_error_result(struct fc_ctx *c, const struct fc_svc_result *res)
{
    const char *message = res->message[0] ? res->message : NULL;
    int status = storage_fault(c, res->status, &message);
    if (status == res->status && res->retry_after > 0)
        fc_resp_header(&c->resp, "Retry-After", "%d", res->retry_after);
    if (fc_session_is_api(c))
        return api_error(c, status, message, res->field, res->code);
    return fc_error(c, status, message);
}

int fc_redirect(struct fc_ctx *c, const char *path, const char *flash)
{
    if (flash) {
        char *esc = NULL;
        NEOERR *err = cgi_url_escape(flash, &esc);
        if (err)
            nerr_ignore(&err);
        else
            fc_resp_cookie(&c->resp, "fc_flash", esc, 60, fc_session_cookie_flags(c));
        free(esc);
    }
    fc_resp_redirect(&c->resp, 303, path);
    return 0;
}

/* Appends s to the line buf of size size at *n; 0 when it does not fit. */
static int log_piece(char *buf, size_t size, size_t *n, const char *s)
{
    size_t len = strlen(s);
    if (len >= size - *n)
        return 0;
    memcpy(buf + *n, s, len);
    *n += len;
    return 1;
}

/* The access log line: "TIME ID user=N METHOD PATH STATUS MSms". Put together by hand and
 * written with one fwrite (a printf of it cost 4K instructions); the time is formatted once
 * a second. */
static void access_log(struct fc_ctx *c, struct timespec *t0)
{
    static time_t when_at = (time_t)-1; /* the second `when` shows (per process) */
    static char when[32];
    struct timespec t1;
    time_t now = time(NULL);
    char line[1024], ubuf[24], sbuf[24], ms[32];
    const char *path = c->req.path ? c->req.path : "-", *user, *status;
    size_t n = 0;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    c->ms = (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
    if (now != when_at) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        when_at = now;
    }
    snprintf(ms, sizeof ms, "%.1f", c->ms);
    user = fc_lltoa(ubuf, (long long)(c->logged_in ? c->user.id : 0));
    status = fc_lltoa(sbuf, c->resp.status);
    if (log_piece(line, sizeof line, &n, when) && log_piece(line, sizeof line, &n, " ") &&
        log_piece(line, sizeof line, &n, c->request_id) &&
        log_piece(line, sizeof line, &n, " user=") && log_piece(line, sizeof line, &n, user) &&
        log_piece(line, sizeof line, &n, " ") && log_piece(line, sizeof line, &n, c->req.method) &&
        log_piece(line, sizeof line, &n, " ") && log_piece(line, sizeof line, &n, path) &&
        log_piece(line, sizeof line, &n, " ") && log_piece(line, sizeof line, &n, status) &&
        log_piece(line, sizeof line, &n, " ") && log_piece(line, sizeof line, &n, ms) &&
        log_piece(line, sizeof line, &n, "ms\n")) {
        fwrite(line, 1, n, c->app->access_log);
        return;
    }
    /* a long path: as it was */
    fprintf(c->app->access_log, "%s %s user=%s %s %s %s %sms\n", when, c->request_id, user,
            c->req.method, path, status, ms);
}

/* name as an error message may show it, or NULL (not text, or too long). */
static const char *shown_name(const char *name)
{
    return fc_utf8_valid(name, strlen(name)) && strlen(name) <= 60 ? name : NULL;
}

/* The 400 for a text field sent as a file part (filename=), naming the field (on the API in
 * "field" too); returns 0. */
static int file_field_error(struct fc_ctx *c, const char *name)
{
    char msg[300];
    name = shown_name(name);
    snprintf(msg, sizeof msg,
             "The field %s%s%s must be text, but it was sent as a file. Nothing was saved; "
             "correct it and send it again.",
             name ? "\u201c" : "", name ? name : "with that name", name ? "\u201d" : "");
    return fc_session_is_api(c) ? api_error(c, 400, msg, name, NULL) : fc_error(c, 400, msg);
}

/* Runs the route's requirements, then its handler. */
static void dispatch(struct fc_ctx *c)
{
    const struct fc_route *route = NULL;
    const struct fc_param *stray;
    int m, status;

    m = fc_route_match_all(fc_route_groups, c->req.method, c->req.path, &route, c->args, &c->nargs);
    if (m == FC_MATCH_OK)
        c->route = route->pattern;
    if (m != FC_MATCH_OK) {
        char allow[128];
        if (m == FC_MATCH_NOMETHOD &&
            fc_route_allow(fc_route_groups, c->req.path, allow, sizeof allow))
            fc_resp_header(&c->resp, "Allow", "%s", allow);
        fc_error(c, m, NULL);
        return;
    }
    if ((route->flags & (FC_ROUTE_LOGIN | FC_ROUTE_ADMIN)) && !c->logged_in &&
        fc_session_is_api(c)) {
        /* the JSON API: 401, never a redirect to the log-in form */
        int sent = c->req.authorization && *c->req.authorization;
        fc_resp_header(&c->resp, "WWW-Authenticate", "Bearer realm=\"forkcast\"%s",
                       sent ? ", error=\"invalid_token\"" : "");
        fc_error(c, 401,
                 sent ? "The token is invalid or has expired. Log in again."
                      : "This needs a token: send Authorization: Bearer <token>.");
        return;
    }
    if ((route->flags & (FC_ROUTE_LOGIN | FC_ROUTE_ADMIN)) && !c->logged_in) {
        char *esc = NULL, next[600];
        NEOERR *err = cgi_url_escape(c->req.path, &esc);
        if (err) {
            nerr_ignore(&err);
            fc_redirect(c, "/login", "Log in first.");
            return;
        }
        snprintf(next, sizeof next, "/login?next=%s", esc);
        free(esc);
        fc_redirect(c, next, "Log in to continue.");
        return;
    }
    if ((route->flags & FC_ROUTE_ADMIN) && !c->user.is_admin) {
        fc_error(c, 403, "This page is for administrators.");
        return;
    }
    /* every method that may change something (not only POST), unless the route takes bearer
     * tokens: a PUT or DELETE page route added later is covered too */
    if (strcmp(c->req.method, "GET") != 0 && strcmp(c->req.method, "HEAD") != 0 &&
        !(route->flags & FC_ROUTE_NOCSRF) && !fc_csrf_ok(c)) {
        fc_error(c, 403,
                 "This form has expired or did not come from this site. Go back, reload the "
                 "page and send it again.");
        return;
    }
    /* only the route's upload fields may come as files: a file part skipped the text checks */
    if ((stray = fc_params_stray_file(&c->req.form, fc_route_files(route)))) {
        file_field_error(c, stray->name);
        return;
    }
    /* a page kept for this viewer and session, valid still (core/pagecache.c) */
    if ((route->flags & FC_ROUTE_CACHE) && fc_pagecache_begin(c))
        return;
    status = route->fn(c);
    if (status)
        fc_error(c, status, hdf_get_value(c->hdf, "Error.Message", NULL));
    if (route->flags & FC_ROUTE_CACHE)
        fc_pagecache_end(c);
}

/* The 400 message for a field that is not text (NUL, another control character, bytes
 * that are not UTF-8), naming the field; NULL (the generic message) for other parse errors. */
static const char *bad_field_message(const struct fc_request *req, char *buf, size_t size)
{
    const struct fc_params *p = req->form.invalid    ? &req->form
                                : req->query.invalid ? &req->query
                                                     : NULL;
    const char *name;
    if (!p || !p->n)
        return NULL;
    name = shown_name(p->v[p->n - 1].name);
    snprintf(buf, size,
             "The field %s%s%s is not valid text: it contains a control character (such as NUL) "
             "or bytes that are not UTF-8.%s",
             name ? "\u201c" : "", name ? name : "with that name", name ? "\u201d" : "",
             p == &req->form ? " Nothing was saved; correct it and send it again." : "");
    return buf;
}

/* Asks the store for the site's key again (at most once per backoff, 1 s doubling to 30 s);
 * FC_OK once it has it. */
static int secret_retry(struct fc_app *app)
{
    time_t now = time(NULL);
    int rc;
    if (now < app->secret_next_try)
        return FC_ERR;
    rc = fc_secret_resolve(app->cfg, app->store, app->secret, app->secret_source,
                           sizeof app->secret_source);
    if (rc == FC_OK) {
        app->secret_pending = 0;
        fprintf(stderr, "forkcast: the site's key read from the store\n");
        return FC_OK;
    }
    app->secret_backoff = app->secret_backoff < 15 ? app->secret_backoff * 2 : 30;
    app->secret_next_try = now + app->secret_backoff;
    return FC_ERR;
}

/* A request id's 8 random bytes (zeros when there is no randomness). They are drawn from
 * fc_random 32 requests at a time: a call costs about as much for 256 bytes as for 8 (6.6K
 * instructions). The id names the request in the logs, the error page and X-Request-Id; it is
 * not a secret. Per process, on the request thread only. */
static void request_id_bytes(unsigned char rid[8])
{
    static unsigned char pool[256];
    static size_t left;
    if (!left) {
        if (fc_random(pool, sizeof pool)) {
            memset(rid, 0, 8);
            return;
        }
        left = sizeof pool;
    }
    left -= 8;
    memcpy(rid, pool + left, 8);
    memset(pool + left, 0, 8); /* each id handed out once */
}

struct fc_ctx *fc_app_answer(struct fc_app *app, char **envp, fc_body_reader reader, void *rctx,
                             fc_body_writer writer, void *wctx)
{
    struct fc_ctx *c = app->spare_ctx ? app->spare_ctx : malloc(sizeof *c);
    struct timespec t0;
    unsigned char rid[8];
    STRING out;
    const char *body;
    size_t body_len;
    NEOERR *err;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    string_init(&out);
    fc_store_fault_clear();
    if (!c) {
        static const char oom[] = "Status: 500 Internal Server Error\r\n\r\n";
        writer(wctx, oom, sizeof oom - 1);
        return NULL;
    }
    app->spare_ctx = NULL;
    memset(c, 0, sizeof *c);
    c->app = app;
    fc_resp_init(&c->resp);
    c->resp.csp_img = hdf_get_value(app->cfg, "Map.TileOrigin", NULL);
    request_id_bytes(rid);
    fc_hex(c->request_id, rid, sizeof rid);
    err = hdf_init(&c->hdf);
    if (err) {
        nerr_ignore(&err);
        c->resp.status = 500;
        goto write;
    }
    rc = fc_request_parse(&c->req, envp, reader, rctx, &app->limits);
    if (rc != FC_OK && rc != FC_ETOOBIG) {
        char msg[300];
        fc_error(c, rc == FC_EINVAL ? 400 : 500, bad_field_message(&c->req, msg, sizeof msg));
        goto write;
    }
    if (app->proxies.n && c->req.remote_addr) {
        /* behind a load balancer: the address its X-Forwarded-For gives for the client */
        char addr[64], *dup;
        fc_proxy_client(&app->proxies, c->req.remote_addr, fc_env_get(envp, "HTTP_X_FORWARDED_FOR"),
                        addr, sizeof addr);
        if ((dup = strdup(addr))) {
            free(c->req.remote_addr);
            c->req.remote_addr = dup;
        }
    }
    if (app->secret_pending && secret_retry(app)) {
        fc_resp_header(&c->resp, "Retry-After", "%d", app->secret_backoff);
        fc_error(c, 503,
                 "The site's database is not answering right now, so this could not be done. "
                 "Nothing was changed; try again in a minute.");
        goto write;
    }
    if (fc_session_load(c)) {
        fc_error(c, 500, NULL);
        goto write;
    }
    if (rc == FC_ETOOBIG) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "What you sent is larger than this site accepts (%zu MB at most). Nothing was "
                 "saved; go back and send something smaller.",
                 app->limits.max_body >> 20);
        fc_error(c, 413, msg);
        goto write;
    }
    dispatch(c);
write:
    fc_resp_header(&c->resp, "X-Request-Id", "%s", c->request_id);
    if (!c->resp.cache_set)
        fc_resp_header(&c->resp, "Cache-Control", "no-store");
    if (strcmp(c->req.method, "HEAD") == 0)
        fc_resp_body_clear(&c->resp);
    /* the head, then the body where it was rendered (or where the page cache keeps it): no
     * copy of the page into out */
    fc_resp_head(&c->resp, &out);
    writer(wctx, out.buf, (size_t)out.len);
    body = fc_resp_body(&c->resp, &body_len);
    if (body_len)
        writer(wctx, body, body_len);
    access_log(c, &t0);
    string_clear(&out);
    return c;
}

void fc_app_defer(struct fc_ctx *c, fc_after_fn fn, void *arg)
{
    if (c->nafter == FC_MAX_AFTER) {
        fn(c->app, arg);
        free(arg);
        return;
    }
    c->after[c->nafter].fn = fn;
    c->after[c->nafter].arg = arg;
    c->nafter++;
}

void fc_app_after(struct fc_ctx *c)
{
    if (!c)
        return;
    fc_metrics_request(c->app, c->route ? c->route : "-", c->resp.status, c->ms);
    for (int i = 0; i < c->nafter; i++) {
        c->after[i].fn(c->app, c->after[i].arg);
        free(c->after[i].arg);
    }
    fc_pagecache_req_free(&c->pcache);
    fc_request_free(&c->req);
    fc_resp_free(&c->resp);
    fc_user_clear(&c->user);
    hdf_destroy(&c->hdf);
    if (!c->app->spare_ctx)
        c->app->spare_ctx = c;
    else
        free(c);
}

void fc_app_handle(struct fc_app *app, char **envp, fc_body_reader reader, void *rctx,
                   fc_body_writer writer, void *wctx)
{
    fc_app_after(fc_app_answer(app, envp, reader, rctx, writer, wctx));
}
