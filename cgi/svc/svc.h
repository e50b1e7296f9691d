/* svc: the service layer's shared shape. Each user-facing operation (cgi/svc/<domain>.c) takes
 * a struct fc_svc (who asks, and the site's backends), a typed input and a struct fc_svc_result;
 * it does the checks, the store calls and the events, and says how it went. The web pages
 * (cgi/pages/) and the JSON API (cgi/pages/api.c) only translate HTTP into the input and the result
 * into a page or JSON: neither calls a store operation. Nothing here knows HTTP requests,
 * HDF or ClearSilver. */
#ifndef FC_SVC_H
#define FC_SVC_H

#include "core/util.h"
#include "store/store.h"

struct fc_app;

/* Work for after the answer: fn(app, arg), then free(arg) (core/app.h's fc_after_fn). */
typedef void (*fc_svc_after_fn)(struct fc_app *app, void *arg);

/* Who asks and with what: built by the front end once per request. */
struct fc_svc {
    struct fc_app *app;          /* store, auth, blob, rec, limits, config */
    const struct fc_user *actor; /* the logged-in user, or NULL for a visitor */
    const char *request_id;      /* for log lines */
    /* leaves work for after the answer (the request's fc_app_defer); NULL: done at once */
    void (*defer)(void *owner, fc_svc_after_fn fn, void *arg);
    void *owner;
};

/* How an operation went. status is HTTP's vocabulary because both front ends speak it:
 * 200/201/204 success; 400 malformed input, 422 a field's value refused (field names the
 * input at fault); 401 not logged in; 403 not allowed;
 * 404 no such thing (or not visible to the actor); 409 conflicts with what is stored;
 * 413 too large; 429 throttled (retry_after seconds); 500 the store or a backend failed
 * (fc_svc_fail_store, which also looks at fc_store_fault() for 503/507). */
struct fc_svc_result {
    int status;
    const char *code;  /* for the API: "invalid_value", "review_exists"... (static), or NULL
                        * for the status's generic code */
    const char *field; /* the input field at fault (a static name), or NULL */
    char message[512]; /* for the person, in words; "" on success */
    int retry_after;   /* seconds, for 429/503; 0: none */
};

#define FC_SVC_OK(res) ((res)->status >= 200 && (res)->status < 300)

/* Starts a result as success with status (200, 201 or 204). */
void fc_svc_ok(struct fc_svc_result *res, int status);
/* Sets a failure: status, code (or NULL), field (or NULL), message. Returns FC_EINVAL so
 * callers can `return fc_svc_fail(...)`. */
int fc_svc_fail(struct fc_svc_result *res, int status, const char *code, const char *field,
                const char *fmt, ...) FC_PRINTF(5, 6);
/* A store or backend failure while doing what: logged (with the request id), status 500 for
 * the front end to map through the storage-fault table (fc_error, api); returns FC_ERR. */
int fc_svc_fail_store(const struct fc_svc *sv, struct fc_svc_result *res, const char *what);
/* The backend an operation needs is not set up here (no AWS credentials, no backup bucket):
 * no outage, something to configure. Status 503 with code FC_SVC_NOT_CONFIGURED and the
 * message saying what to set; a front end may answer it as a page that says so (200).
 * Returns FC_EINVAL. */
#define FC_SVC_NOT_CONFIGURED "not_configured"
int fc_svc_not_configured(struct fc_svc_result *res, const char *fmt, ...) FC_PRINTF(2, 3);
/* 1 when res is that answer. */
int fc_svc_is_not_configured(const struct fc_svc_result *res);
/* Leaves fn(app, arg) for after the answer (sv->defer), or runs it now and frees arg. */
void fc_svc_defer(const struct fc_svc *sv, fc_svc_after_fn fn, void *arg);
/* The actor's id, or 0 for a visitor. */
int64_t fc_svc_actor_id(const struct fc_svc *sv);

#endif
