/* svc: the result helpers every service operation shares (see svc.h). */
#include "svc/svc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fc_svc_ok(struct fc_svc_result *res, int status)
{
    memset(res, 0, sizeof *res);
    res->status = status;
}

/* res as status, code and field with the message fmt; FC_EINVAL. */
static int vfail(struct fc_svc_result *res, int status, const char *code, const char *field,
                 const char *fmt, va_list ap) FC_PRINTF(5, 0);
static int vfail(struct fc_svc_result *res, int status, const char *code, const char *field,
                 const char *fmt, va_list ap)
{
    res->status = status;
    res->code = code;
    res->field = field;
    res->retry_after = 0;
    vsnprintf(res->message, sizeof res->message, fmt, ap);
    return FC_EINVAL;
}

int fc_svc_fail(struct fc_svc_result *res, int status, const char *code, const char *field,
                const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = vfail(res, status, code, field, fmt, ap);
    va_end(ap);
    return rc;
}

int fc_svc_fail_store(const struct fc_svc *sv, struct fc_svc_result *res, const char *what)
{
    fprintf(stderr, "forkcast: [%s] %s failed\n", sv && sv->request_id ? sv->request_id : "-",
            what);
    res->status = 500;
    res->code = NULL;
    res->field = NULL;
    res->message[0] = '\0';
    res->retry_after = 0;
    return FC_ERR;
}

int fc_svc_not_configured(struct fc_svc_result *res, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = vfail(res, 503, FC_SVC_NOT_CONFIGURED, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

int fc_svc_is_not_configured(const struct fc_svc_result *res)
{
    return res->status == 503 && res->code && strcmp(res->code, FC_SVC_NOT_CONFIGURED) == 0;
}

void fc_svc_defer(const struct fc_svc *sv, fc_svc_after_fn fn, void *arg)
{
    if (sv->defer) {
        sv->defer(sv->owner, fn, arg);
        return;
    }
    fn(sv->app, arg);
    free(arg);
}

int64_t fc_svc_actor_id(const struct fc_svc *sv)
{
    return sv && sv->actor ? sv->actor->id : 0;
}
