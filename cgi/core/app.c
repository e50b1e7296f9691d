/* app: start-up of the long-lived application and the life of one request:
 * parse -> session -> route -> checks -> handler -> render -> write -> log -> free. */
#include "core/app.h"
#include "auth/auth.h"
#include "blob/blob.h"
#include "core/config.h"
#include "core/metrics.h"
#include "core/route.h"
#include "core/session.h"
#include "core/util.h"
#include "rec/rec.h"
#include "store/store.h"

#include <json-c/json.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void tpl_cache_free(struct fc_tpl_cache *tc);

/* Reads var/secret or creates it (32 random bytes, mode 0600). */
static int load_secret(struct fc_app *app)
{
    char dir[PATH_MAX], path[PATH_MAX + 16];
    int fd, rc = FC_ERR;
    ssize_t n;
    if (fc_config_path(app->cfg, "Data.Dir", "var", dir, sizeof dir))
        return FC_ERR;
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/secret", dir);
    fd = open(path, O_RDONLY);
    if (fd >= 0) {
        n = read(fd, app->secret, sizeof app->secret);
        close(fd);
        return n == (ssize_t)sizeof app->secret ? FC_OK : FC_ERR;
    }
    if (fc_random(app->secret, sizeof app->secret))
        return FC_ERR;
    /* O_EXCL: when several processes start at once, one writes and the others read */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        if (errno != EEXIST)
            return FC_ERR;
        for (int i = 0; i < 50 && rc; i++) {
            fd = open(path, O_RDONLY);
            if (fd >= 0) {
                n = read(fd, app->secret, sizeof app->secret);
                close(fd);
                if (n == (ssize_t)sizeof app->secret)
                    rc = FC_OK;
            }
            if (rc)
                usleep(20000);
        }
        return rc;
    }
    /* readers that race with this write retry until they see all 32 bytes */
    n = write(fd, app->secret, sizeof app->secret);
    close(fd);
    return n == (ssize_t)sizeof app->secret ? FC_OK : FC_ERR;
}

int fc_app_init(struct fc_app *app, const char *config_path)
{
    NEOERR *err;
    const char *log;
    memset(app, 0, sizeof *app);
    err = fc_config_load(&app->cfg, config_path);
    if (err) {
        nerr_log_error(err);
        nerr_ignore(&err);
        return FC_ERR;
    }
    if (fc_config_path(app->cfg, "Templates.Dir", "templates", app->tpl_dir, sizeof app->tpl_dir))
        return FC_ERR;
    app->limits.max_body = (size_t)fc_config_int(app->cfg, "Limits.MaxBody", 8 << 20);
    app->limits.max_fields = (size_t)fc_config_int(app->cfg, "Limits.MaxFields", 200);
    app->secure_cookies = fc_config_int(app->cfg, "Server.Secure", 0);
    if (load_secret(app)) {
        fprintf(stderr, "forkcast: cannot read or create the secret in Data.Dir\n");
        return FC_ERR;
    }
    if (fc_store_open(app->cfg, &app->store)) {
        fprintf(stderr, "forkcast: cannot open the store\n");
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
    tpl_cache_free(app->tpls);
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
    fc_setf(c, key, "%lld", v);
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

static NEOERR *render_out(void *ctx, char *s)
{
    return string_append((STRING *)ctx, s);
}

/* ---- parsed templates ---------------------------------------------------------------------
 * Parsing a page (its file and the includes: header, macros, footer) costs more than rendering
 * it, so each process keeps every template it parsed and renders it again with the next
 * request's data. A parse depends only on the files (forkcast's templates compute no include
 * name or evar: from page data) and on the escaping mode and load path, which are the same for
 * every request. The files a parse read are checked (stat) before each use: an edited template
 * is parsed again. */
#define TPL_MAX   64
#define TPL_FILES 16

struct tpl_file {
    char *path; /* malloc'ed */
    struct timespec mtime;
    off_t size;
    ino_t ino;
};

struct tpl {
    char name[128];
    CSPARSE *cs;
    int nfiles, overflow;
    struct tpl_file files[TPL_FILES];
};

struct fc_tpl_cache {
    HDF *hdf; /* what templates are parsed with: the load path and the escaping mode */
    int n;
    struct tpl t[TPL_MAX];
};

/* CSFILELOAD: loads a template file and records which file it was. */
static NEOERR *tpl_load(void *ctx, HDF *hdf, const char *filename, char **contents)
{
    struct tpl *t = ctx;
    char path[PATH_MAX];
    struct stat st;
    if (filename[0] == '/') {
        fc_strlcpy(path, filename, sizeof path);
    } else {
        NEOERR *err = hdf_search_path(hdf, filename, path);
        if (err)
            return nerr_pass(err);
    }
    if (stat(path, &st) != 0)
        return nerr_raise_errno(NERR_IO, "cannot stat template %s", path);
    if (t->nfiles < TPL_FILES) {
        struct tpl_file *f = &t->files[t->nfiles];
        if (!(f->path = strdup(path)))
            return nerr_raise(NERR_NOMEM, "no memory for template %s", path);
        t->nfiles++;
        f->mtime = st.st_mtim;
        f->size = st.st_size;
        f->ino = st.st_ino;
    } else {
        t->overflow = 1; /* too many files to check: not kept */
    }
    return nerr_pass(ne_load_file(path, contents));
}

/* 1 when every file the parse read is unchanged. */
static int tpl_fresh(const struct tpl *t)
{
    for (int i = 0; i < t->nfiles; i++) {
        const struct tpl_file *f = &t->files[i];
        struct stat st;
        if (stat(f->path, &st) != 0 || st.st_mtim.tv_sec != f->mtime.tv_sec ||
            st.st_mtim.tv_nsec != f->mtime.tv_nsec || st.st_size != f->size || st.st_ino != f->ino)
            return 0;
    }
    return 1;
}

static void tpl_drop(struct tpl *t)
{
    cs_destroy(&t->cs);
    for (int i = 0; i < t->nfiles; i++)
        free(t->files[i].path);
    t->nfiles = t->overflow = 0;
}

static struct fc_tpl_cache *tpl_cache(struct fc_app *app)
{
    struct fc_tpl_cache *tc = app->tpls;
    NEOERR *err;
    if (tc)
        return tc;
    tc = calloc(1, sizeof *tc);
    if (!tc)
        return NULL;
    err = hdf_init(&tc->hdf);
    if (!err)
        err = hdf_set_value(tc->hdf, "Config.VarEscapeMode", "html");
    if (!err)
        err = hdf_set_value(tc->hdf, "hdf.loadpaths.0", app->tpl_dir);
    if (err) {
        nerr_log_error(err);
        nerr_ignore(&err);
        hdf_destroy(&tc->hdf);
        free(tc);
        return NULL;
    }
    app->tpls = tc;
    return tc;
}

static void tpl_cache_free(struct fc_tpl_cache *tc)
{
    if (!tc)
        return;
    for (int i = 0; i < tc->n; i++)
        tpl_drop(&tc->t[i]);
    hdf_destroy(&tc->hdf);
    free(tc);
}

/* Parses tpl with hdf's load path into t (t->cs set on success). */
static NEOERR *tpl_parse(struct tpl *t, HDF *hdf, const char *tpl)
{
    NEOERR *err;
    tpl_drop(t);
    err = cs_init(&t->cs, hdf);
    if (!err)
        err = cgi_register_strfuncs(t->cs);
    if (!err) {
        cs_register_fileload(t->cs, t, tpl_load);
        err = cs_parse_file(t->cs, (char *)tpl);
    }
    if (err)
        tpl_drop(t);
    return err;
}

/* The parsed template in *out: the kept one when its files are unchanged (*kept set), else a
 * new parse, kept when there is room, or else owned by the caller (*owned, destroyed with
 * tpl_drop and free after rendering). */
static NEOERR *tpl_get(struct fc_app *app, HDF *fallback, const char *tpl, CSPARSE **out,
                       struct tpl **kept, struct tpl **owned)
{
    struct fc_tpl_cache *tc = tpl_cache(app);
    struct tpl *t = NULL;
    NEOERR *err;
    *out = NULL;
    *kept = *owned = NULL;
    if (tc && strlen(tpl) < sizeof t->name) {
        for (int i = 0; i < tc->n && !t; i++)
            if (strcmp(tc->t[i].name, tpl) == 0)
                t = &tc->t[i];
        if (t && t->cs && tpl_fresh(t)) {
            *out = t->cs;
            *kept = t;
            return STATUS_OK;
        }
        if (t)
            tpl_drop(t);
        else if (tc->n < TPL_MAX)
            t = &tc->t[tc->n++];
    }
    if (!t) {
        /* no room to keep it: parsed for this request only */
        if (!(*owned = calloc(1, sizeof **owned)))
            return nerr_raise(NERR_NOMEM, "no memory for template %s", tpl);
        err = tpl_parse(*owned, tc ? tc->hdf : fallback, tpl);
        *out = (*owned)->cs;
        return nerr_pass(err);
    }
    fc_strlcpy(t->name, tpl, sizeof t->name);
    err = tpl_parse(t, tc->hdf, tpl);
    if (err)
        return nerr_pass(err);
    if (t->overflow) {
        /* read more files than it can check: not kept */
        if (!(*owned = malloc(sizeof **owned))) {
            tpl_drop(t);
            return nerr_raise(NERR_NOMEM, "no memory for template %s", tpl);
        }
        **owned = *t; /* now owns the parse and the paths */
        t->cs = NULL;
        t->nfiles = t->overflow = 0;
        *out = (*owned)->cs;
        return STATUS_OK;
    }
    *out = t->cs;
    *kept = t;
    return STATUS_OK;
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
    CSPARSE *cs = NULL;
    struct tpl *kept = NULL, *owned = NULL;
    HDF *parse_hdf;
    NEOERR *err;
    int rc = FC_ERR;

    set_globals(c);
    err = tpl_get(c->app, c->hdf, tpl, &cs, &kept, &owned);
    if (err)
        goto out;
    string_clear(&c->resp.body);
    string_init(&c->resp.body);
    /* the parse reads this request's data while it renders */
    parse_hdf = cs->hdf;
    cs->hdf = c->hdf;
    err = cs_render(cs, &c->resp.body, render_out);
    cs->hdf = parse_hdf;
    if (err)
        goto out;
    rc = FC_OK;
out:
    if (err) {
        STRING msg;
        string_init(&msg);
        nerr_error_traceback(err, &msg);
        fprintf(stderr, "forkcast: [%s] template %s: %s\n", c->request_id, tpl,
                msg.buf ? msg.buf : "?");
        string_clear(&msg);
        nerr_ignore(&err);
        /* a render that stopped half-way may leave state behind: parse it again next time */
        if (kept)
            tpl_drop(kept);
    }
    if (owned) {
        tpl_drop(owned);
        free(owned);
    }
    return rc;
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

/* fc_error for the JSON API: {"error": {"code", "message", "field": null}}. */
static int api_error(struct fc_ctx *c, int status, const char *message)
{
    static const struct {
        int status;
        const char *code;
    } codes[] = {{400, "bad_request"},        {403, "forbidden"},           {404, "not_found"},
                 {405, "method_not_allowed"}, {413, "payload_too_large"},   {429, "throttled"},
                 {503, "unavailable"},        {507, "insufficient_storage"}};
    const char *code = "internal_error";
    json_object *o = json_object_new_object(), *e = json_object_new_object();
    for (size_t i = 0; i < FC_ARRAY_LEN(codes); i++)
        if (codes[i].status == status)
            code = codes[i].code;
    if (status == 401)
        code = c->req.authorization && *c->req.authorization ? "invalid_token" : "missing_token";
    c->resp.status = status;
    string_clear(&c->resp.body);
    string_init(&c->resp.body);
    if (o && e) {
        json_object_object_add(e, "code", json_object_new_string(code));
        json_object_object_add(e, "message",
                               json_object_new_string(message ? message : default_message(status)));
        json_object_object_add(e, "field", NULL);
        json_object_object_add(o, "error", e);
        e = NULL;
        fc_resp_header(&c->resp, "Content-Type", "application/json");
        string_append(&c->resp.body, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    }
    json_object_put(e);
    json_object_put(o);
    return 0;
}

/* A 500 caused by the storage gets the status and words of what happened. */
static int storage_fault(struct fc_ctx *c, int status, const char **message)
{
    if (status != 500)
        return status;
    switch (fc_store_fault()) {
    case FC_STORE_FAULT_FULL:
        *message = "The server's storage is full, so this could not be saved. Nothing was "
                   "changed; reading still works. Try again later.";
        fprintf(stderr, "forkcast: [%s] storage full: answered 507\n", c->request_id);
        return 507;
    case FC_STORE_FAULT_READONLY:
        *message = "The site is read-only at the moment (maintenance), so this could not be "
                   "saved. You can still read everything; try again later.";
        fc_resp_header(&c->resp, "Retry-After", "300");
        fprintf(stderr, "forkcast: [%s] database read-only: answered 503\n", c->request_id);
        return 503;
    case FC_STORE_FAULT_BUSY:
        *message = "The site is too busy to save this right now. Nothing was changed; try "
                   "again in a moment.";
        fc_resp_header(&c->resp, "Retry-After", "5");
        fprintf(stderr, "forkcast: [%s] database busy: answered 503\n", c->request_id);
        return 503;
    case FC_STORE_FAULT_UNAVAILABLE:
        *message = "The site's database is not answering right now, so this could not be done. "
                   "Nothing was changed; try again in a minute.";
        fc_resp_header(&c->resp, "Retry-After", "30");
        fprintf(stderr, "forkcast: [%s] store unavailable: answered 503\n", c->request_id);
        return 503;
    default:
        return status;
    }
}

int fc_error(struct fc_ctx *c, int status, const char *message)
{
    status = storage_fault(c, status, &message);
    if (fc_session_is_api(c))
        return api_error(c, status, message);
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

static void access_log(struct fc_ctx *c, struct timespec *t0)
{
    struct timespec t1;
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    double ms;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(c->app->access_log, "%s %s user=%lld %s %s %d %.1fms\n", when, c->request_id,
            (long long)(c->logged_in ? c->user.id : 0), c->req.method,
            c->req.path ? c->req.path : "-", c->resp.status, ms);
    fc_metrics_request(c->app, c->route ? c->route : "-", c->resp.status, ms);
}

/* Runs the route's requirements, then its handler. */
static void dispatch(struct fc_ctx *c)
{
    const struct fc_route *route = NULL;
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
    status = route->fn(c);
    if (status)
        fc_error(c, status, hdf_get_value(c->hdf, "Error.Message", NULL));
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
    name = p->v[p->n - 1].name;
    if (!fc_utf8_valid(name, strlen(name)) || strlen(name) > 60)
        name = NULL;
    snprintf(buf, size,
             "The field %s%s%s is not valid text: it contains a control character (such as NUL) "
             "or bytes that are not UTF-8.%s",
             name ? "\u201c" : "", name ? name : "with that name", name ? "\u201d" : "",
             p == &req->form ? " Nothing was saved; correct it and send it again." : "");
    return buf;
}

void fc_app_handle(struct fc_app *app, char **envp, fc_body_reader reader, void *rctx,
                   fc_body_writer writer, void *wctx)
{
    struct fc_ctx *c = calloc(1, sizeof *c);
    struct timespec t0;
    unsigned char rid[8];
    STRING out;
    NEOERR *err;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    string_init(&out);
    fc_store_fault_clear();
    if (!c) {
        static const char oom[] = "Status: 500 Internal Server Error\r\n\r\n";
        writer(wctx, oom, sizeof oom - 1);
        return;
    }
    c->app = app;
    fc_resp_init(&c->resp);
    if (fc_random(rid, sizeof rid))
        memset(rid, 0, sizeof rid);
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
    if (strcmp(c->req.method, "HEAD") == 0) {
        string_clear(&c->resp.body);
        string_init(&c->resp.body);
    }
    fc_resp_serialize(&c->resp, &out);
    writer(wctx, out.buf, (size_t)out.len);
    access_log(c, &t0);
    string_clear(&out);
    fc_request_free(&c->req);
    fc_resp_free(&c->resp);
    hdf_destroy(&c->hdf);
    free(c);
}
