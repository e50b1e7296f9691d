/* pages/reset: password reset links on the web (svc/reset.c): the administrator's "make a
 * link" answer, /forgot by e-mail for local accounts, and /reset where a link is used. The token
 * is only ever in the link and the form's hidden field: never logged (the access log has the path
 * without its query), never in a flash. */
#include "pages/pages.h"
#include "core/config.h"
#include "core/util.h"
#include "svc/reset.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void set_field_error(struct fc_ctx *c, const char *field, const char *msg)
{
    char k[64];
    snprintf(k, sizeof k, "Form.Errors.%s", field);
    fc_set(c, k, msg);
}

int pages_admin_reset_link(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_reset_link link;
    char when[64];
    time_t t;
    struct tm tm;

    if (fc_svc_reset_issue(&sv, c->args[0], &link, &res))
        return fc_error_result(c, &res);
    t = (time_t)link.expires;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    fc_set(c, "Page.Title", "Password reset link");
    fc_set(c, "Reset.Username", link.username);
    fc_set(c, "Reset.Site", fc_config_str(c->app->cfg, "Mail.SiteURL", ""));
    fc_set(c, "Reset.Token", link.token);
    fc_set(c, "Reset.Expires", when);
    fc_set_int(c, "Reset.Minutes", (link.expires - fc_now() + 59) / 60);
    memset(&link, 0, sizeof link);
    return fc_render(c, "admin_reset.cs") ? 500 : 0;
}

int pages_forgot_by_mail(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    return fc_svc_reset_can_mail(&sv);
}

int pages_forgot_mail_form(struct fc_ctx *c)
{
    fc_set(c, "Page.Title", "Forgot your password?");
    fc_set_int(c, "Form.Mail", 1);
    return fc_render(c, "forgot.cs") ? 500 : 0;
}

int pages_forgot_mail(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    const char *email = fc_form(c, "email");

    fc_set(c, "Page.Title", "Forgot your password?");
    fc_set_int(c, "Form.Mail", 1);
    fc_set(c, "Form.email", email);
    if (fc_svc_reset_forgot(&sv, email, c->req.remote_addr, &res)) {
        if (res.status == 422 || res.status == 429) {
            c->resp.status = res.status;
            if (res.retry_after > 0)
                fc_resp_header(&c->resp, "Retry-After", "%d", res.retry_after);
            if (res.field)
                set_field_error(c, res.field, res.message);
            else
                fc_set(c, "Form.Error", res.message);
            return fc_render(c, "forgot.cs") ? 500 : 0;
        }
        return fc_error_result(c, &res);
    }
    /* the same answer whatever the address */
    fc_set(c, "Form.Notice",
           "If an account here has this address, we sent it a link to choose a new password. "
           "It works once, for a limited time.");
    fc_set_int(c, "Form.Sent", 1);
    return fc_render(c, "forgot.cs") ? 500 : 0;
}

static int reset_render(struct fc_ctx *c, const char *token)
{
    pages_set_password_form(c, "Choose a new password");
    fc_set(c, "Form.token", token);
    return fc_render(c, "reset.cs") ? 500 : 0;
}

int page_reset_form(struct fc_ctx *c)
{
    return reset_render(c, fc_query(c, "token"));
}

int page_reset(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    const char *token = fc_form(c, "token");

    if (fc_svc_reset_use(&sv, token, fc_form(c, "password"), fc_form(c, "password2"), &res)) {
        if (res.status == 422 || res.status == 404) {
            c->resp.status = res.status;
            if (res.field)
                set_field_error(c, res.field, res.message);
            else {
                fc_set(c, "Form.Error", res.message);
                fc_set_int(c, "Form.Dead", 1);
            }
            return reset_render(c, token);
        }
        return fc_error_result(c, &res);
    }
    /* the account's sessions are gone (this browser's too, if it was theirs) */
    return fc_redirect(c, "/login",
                       "Your password is changed and you are logged out everywhere. Log in with "
                       "the new one.");
}
