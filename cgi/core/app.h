/* app: the long-lived application (config, store, auth) and the per-request context. */
#ifndef FC_APP_H
#define FC_APP_H

#include <limits.h>
#include <stdio.h>
#include <time.h>

#include <ClearSilver.h>

#include "core/pagecache.h"
#include "core/proxy.h"
#include "core/request.h"
#include "core/response.h"
#include "svc/svc.h"
#include "store/store.h"

struct fc_auth;
struct fc_blob;
struct fc_rec;
struct fc_tmplcache;
struct fc_views;

struct fc_app {
    HDF *cfg;
    struct fc_store *store;
    struct fc_auth *auth;
    struct fc_blob *blob;
    struct fc_rec *rec;
    unsigned char secret[32]; /* signs CSRF tokens and links (core/secret.c) */
    char secret_source[32];   /* where it came from: "Server.Secret", "Data.Dir/secret"... */
    int secret_pending;       /* the key is the store's, which has not answered yet */
    time_t secret_next_try;   /* when to ask the store again */
    int secret_backoff;       /* seconds, doubled up to 30 */
    char tpl_dir[PATH_MAX];
    struct fc_limits limits;
    int secure_cookies;
    struct fc_proxies proxies; /* Server.TrustedProxies */
    FILE *access_log;
    struct fc_tmplcache *tpls; /* parsed templates (core/tmplcache.c), made on first use */
    int tpl_check_seconds;     /* Templates.CheckSeconds: files re-checked at most this often */
    struct fc_pagecache *pc;   /* rendered pages (core/pagecache.c), NULL when off */
    struct fc_views *views;    /* the views logged lately (svc/views.c), NULL: log each one */
    struct fc_ctx *spare_ctx;  /* the last request's context, for the next one */
};

#define FC_MAX_ARGS  4
#define FC_MAX_AFTER 4

/* Work left for after the answer (fc_app_defer): fn(app, arg), then free(arg). */
typedef void (*fc_after_fn)(struct fc_app *app, void *arg);
struct fc_after {
    fc_after_fn fn;
    void *arg;
};

/* Everything one request owns; created by fc_app_answer, destroyed by fc_app_after. */
struct fc_ctx {
    struct fc_app *app;
    struct fc_request req;
    struct fc_response resp;
    HDF *hdf; /* page data for the template */
    struct fc_user user;
    int logged_in;
    char session_hash[65];
    int64_t session_created; /* when the session began (log-in or sign-up) */
    char anon[33];
    char csrf[65];
    char args[FC_MAX_ARGS][256];
    int nargs;
    char request_id[17];
    const char *route; /* the matched route's pattern, for metrics ("-" when none) */
    double ms;         /* server time until the response was written, for metrics */
    struct fc_after after[FC_MAX_AFTER]; /* fc_app_defer's work, in order */
    int nafter;
    struct fc_pagecache_req pcache; /* what the page cache did with this request */
};

/* Loads config, opens the store and auth backend, reads or creates the secret. */
int fc_app_init(struct fc_app *app, const char *config_path);
void fc_app_free(struct fc_app *app);

typedef long (*fc_body_writer)(void *ctx, const char *buf, size_t len);
/* Answers one request: parse, session, route, handler, render, write, access log. Returns the
 * request for fc_app_after (NULL when there was no memory for it: nothing is left to do). */
struct fc_ctx *fc_app_answer(struct fc_app *app, char **envp, fc_body_reader reader, void *rctx,
                             fc_body_writer writer, void *wctx);
/* The work after the answer, which the client must not wait for: the request's metrics (and
 * their store write when Metrics.FlushSeconds has passed), then what handlers left with
 * fc_app_defer, in order; then frees everything the request owned. main.c calls it once the
 * response is finished (FCGX_Finish_r: lighttpd has all of it and ends it to the client).
 * NULL does nothing. */
void fc_app_after(struct fc_ctx *c);
/* fc_app_answer then fc_app_after (tests, fuzzing). */
void fc_app_handle(struct fc_app *app, char **envp, fc_body_reader reader, void *rctx,
                   fc_body_writer writer, void *wctx);
/* Leaves fn(app, arg) for after the answer (fc_app_after), for work that is not part of it (a
 * log of the interaction...). arg is malloc'd or NULL; the request owns it from here and frees
 * it after fn. When the request's list is full, fn runs at once. */
void fc_app_defer(struct fc_ctx *c, fc_after_fn fn, void *arg);

/* Renders templates/<tpl> with c->hdf into the response body; FC_OK or FC_ERR (logged). */
int fc_render(struct fc_ctx *c, const char *tpl);
/* Renders the error page for status with a message for the user; returns 0. */
int fc_error(struct fc_ctx *c, int status, const char *message);
/* The service layer's view of this request: the app and the logged-in user (or none). */
struct fc_svc fc_app_svc(struct fc_ctx *c);
/* Answers a failed service result: the error page, or the API's JSON error with its field;
 * a 500 goes through the storage-fault table (503/507 and Retry-After) on both. Returns 0. */
int fc_error_result(struct fc_ctx *c, const struct fc_svc_result *res);
/* 303 to path with a flash message shown on the next page. */
int fc_redirect(struct fc_ctx *c, const char *path, const char *flash);
/* hdf_set_value/hdf_set_int_value that ignore (log) allocation errors. */
void fc_set(struct fc_ctx *c, const char *key, const char *value);
void fc_setf(struct fc_ctx *c, const char *key, const char *fmt, ...) FC_PRINTF(3, 4);
void fc_set_int(struct fc_ctx *c, const char *key, long long v);
/* fc_set and fc_set_int under a printf-style key ("Rows.%d.Name", i). */
void fc_setk(struct fc_ctx *c, const char *value, const char *kfmt, ...) FC_PRINTF(3, 4);
void fc_setk_int(struct fc_ctx *c, long long v, const char *kfmt, ...) FC_PRINTF(3, 4);
/* Form value (POST body) or "" */
const char *fc_form(struct fc_ctx *c, const char *name);
/* Query value or "" */
const char *fc_query(struct fc_ctx *c, const char *name);

#endif
