/* pages/account_cognito: confirm a sign-up (and get a new code), reset a forgotten password,
 * change the password; with any auth backend (the local one has no e-mailed codes). */
#include "pages/pages.h"
#include "auth/auth.h"
#include "core/route.h"
#include "core/session.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pages_to_confirm(struct fc_ctx *c, const char *username, const char *flash)
{
    char *esc = NULL, path[400];
    NEOERR *err = cgi_url_escape(username, &esc);
    if (err) {
        nerr_ignore(&err);
        return fc_redirect(c, "/confirm", flash);
    }
    snprintf(path, sizeof path, "/confirm?username=%s", strlen(esc) < 300 ? esc : "");
    free(esc);
    return fc_redirect(c, path, flash);
}

/* The status of an auth error for a form. */
static int status_of(int rc)
{
    switch (rc) {
    case FC_EINVAL: /* the API's invalid_value */
        return 422;
    case FC_EAUTH:
        return 401;
    case FC_EDISABLED:
        return 403;
    case FC_AUTH_UNSUPPORTED:
        return 404;
    case FC_EXISTS:
        return 409;
    case FC_ETHROTTLE:
        return 429;
    default:
        return 500;
    }
}

/* Re-renders tpl with err on its field (or on the form) and the status of rc. */
static int form_error(struct fc_ctx *c, int rc, const char *tpl, const struct fc_auth_error *err)
{
    int status = status_of(rc);
    if (status == 500) {
        c->resp.status = 500;
        return 500;
    }
    return pages_form_error(c, status, tpl, err);
}

/* The title and what the account forms show: the password's minimum length, and whether the
 * backend e-mails codes (forgot.cs asks for one when it does). */
static void set_form(struct fc_ctx *c, const char *title)
{
    pages_set_password_form(c, title);
    fc_set_int(c, "Form.Codes", fc_auth_has_codes(c->app->auth));
}

static int render(struct fc_ctx *c, const char *title, const char *tpl)
{
    set_form(c, title);
    return fc_render(c, tpl) ? 500 : 0;
}

/* ---- confirm a sign-up ---------------------------------------------------------------------- */

static int page_confirm_form(struct fc_ctx *c)
{
    if (c->logged_in)
        return fc_redirect(c, "/", NULL);
    if (!fc_auth_has_codes(c->app->auth))
        return 404;
    fc_set(c, "Form.username", fc_query(c, "username"));
    return render(c, "Confirm your account", "confirm.cs");
}

static int page_confirm(struct fc_ctx *c)
{
    static const char *const fields[] = {"username", "code"};
    struct fc_auth_error err = {"", ""};
    int rc;

    fc_set(c, "Page.Title", "Confirm your account");
    fc_set_int(c, "Form.Codes", 1);
    pages_form_keep(c, fields, FC_ARRAY_LEN(fields));
    rc = fc_auth_confirm(c->app->auth, fc_form(c, "username"), fc_form(c, "code"), &err);
    if (rc == FC_OK)
        return fc_redirect(c, "/login", "Your account is confirmed. Log in to start.");
    if (rc == FC_EXISTS)
        return fc_redirect(c, "/login", err.message);
    return form_error(c, rc, "confirm.cs", &err);
}

static int page_confirm_resend(struct fc_ctx *c)
{
    static const char *const fields[] = {"username"};
    struct fc_auth_error err = {"", ""};
    char dest[128], msg[256];
    int rc;

    fc_set(c, "Page.Title", "Confirm your account");
    fc_set_int(c, "Form.Codes", 1);
    pages_form_keep(c, fields, FC_ARRAY_LEN(fields));
    rc = fc_auth_resend(c->app->auth, fc_form(c, "username"), dest, &err);
    if (rc == FC_EXISTS)
        return fc_redirect(c, "/login", err.message);
    if (rc)
        return form_error(c, rc, "confirm.cs", &err);
    snprintf(msg, sizeof msg, "We sent a new code to %s. It replaces the earlier one.",
             dest[0] ? dest : "the account's e-mail address");
    fc_set(c, "Form.Notice", msg);
    return fc_render(c, "confirm.cs") ? 500 : 0;
}

/* ---- forgot password ------------------------------------------------------------------------ */

static int page_forgot_form(struct fc_ctx *c)
{
    if (c->logged_in)
        return fc_redirect(c, "/account/password", NULL);
    if (pages_forgot_by_mail(c)) /* local accounts: a link by e-mail (pages/reset.c) */
        return pages_forgot_mail_form(c);
    fc_set_int(c, "Form.Step", 1);
    return render(c, "Forgot your password?", "forgot.cs");
}

static int page_forgot(struct fc_ctx *c)
{
    static const char *const fields[] = {"username"};
    struct fc_auth_error err = {"", ""};
    char dest[128], msg[300];
    int rc;

    if (pages_forgot_by_mail(c))
        return pages_forgot_mail(c);
    set_form(c, "Forgot your password?");
    fc_set_int(c, "Form.Step", 1);
    pages_form_keep(c, fields, FC_ARRAY_LEN(fields));
    rc = fc_auth_forgot(c->app->auth, fc_form(c, "username"), dest, &err);
    if (rc == FC_AUTH_CONFIRM)
        return pages_to_confirm(c, fc_form(c, "username"), err.message);
    if (rc)
        return form_error(c, rc, "forgot.cs", &err);
    /* the same answer whether or not the account exists */
    snprintf(msg, sizeof msg,
             "If %s has an account here, we sent a code to %s. Enter it with your new "
             "password.",
             fc_form(c, "username"), dest[0] ? dest : "its e-mail address");
    fc_set(c, "Form.Notice", msg);
    fc_set_int(c, "Form.Step", 2);
    return fc_render(c, "forgot.cs") ? 500 : 0;
}

static int page_forgot_reset(struct fc_ctx *c)
{
    static const char *const fields[] = {"username", "code"};
    struct fc_auth_error err = {"", ""};
    int rc;

    set_form(c, "Choose a new password");
    fc_set_int(c, "Form.Step", 2);
    pages_form_keep(c, fields, FC_ARRAY_LEN(fields));
    if (strcmp(fc_form(c, "password"), fc_form(c, "password2")) != 0) {
        struct fc_auth_error e = {"password2", "The two passwords differ"};
        return form_error(c, FC_EINVAL, "forgot.cs", &e);
    }
    rc = fc_auth_confirm_forgot(c->app->auth, fc_form(c, "username"), fc_form(c, "code"),
                                fc_form(c, "password"), &err);
    if (rc == FC_OK)
        return fc_redirect(c, "/login", "Your password is changed. Log in with the new one.");
    if (rc == FC_AUTH_CONFIRM)
        return pages_to_confirm(c, fc_form(c, "username"), err.message);
    return form_error(c, rc, "forgot.cs", &err);
}

/* ---- change password ------------------------------------------------------------------------ */

/* Ends a session whose backend tokens are gone and sends the user to log in. */
static int session_gone(struct fc_ctx *c)
{
    if (fc_session_end(c))
        return 500;
    return fc_redirect(c, "/login?next=/account/password", "Your session has ended. Log in again.");
}

static int page_password_form(struct fc_ctx *c)
{
    int rc = fc_auth_session_check(c->app->auth, c->session_hash, &c->user);
    if (rc == FC_EAUTH)
        return session_gone(c);
    if (rc)
        return 500;
    return render(c, "Change your password", "password.cs");
}

static int page_password(struct fc_ctx *c)
{
    struct fc_auth_error err = {"", ""};
    int rc;

    pages_set_password_form(c, "Change your password");
    if (strcmp(fc_form(c, "password"), fc_form(c, "password2")) != 0) {
        struct fc_auth_error e = {"password2", "The two passwords differ"};
        return form_error(c, FC_EINVAL, "password.cs", &e);
    }
    rc = fc_auth_change_password(c->app->auth, c->session_hash, &c->user,
                                 fc_form(c, "old_password"), fc_form(c, "password"), &err);
    if (rc == FC_OK) {
        /* every other session and API token of the account ends; this browser gets a new id */
        if (fc_session_restart(c))
            return 500;
        return fc_redirect(c, "/", "Your password is changed. You are logged out everywhere else.");
    }
    if (rc == FC_EAUTH && !err.field[0])
        return session_gone(c);
    return form_error(c, rc, "password.cs", &err);
}

static const struct fc_route routes[] = {
    {"GET", "/confirm", page_confirm_form, 0},
    {"POST", "/confirm", page_confirm, 0},
    {"POST", "/confirm/resend", page_confirm_resend, 0},
    {"GET", "/forgot", page_forgot_form, 0},
    {"POST", "/forgot", page_forgot, 0},
    {"POST", "/forgot/reset", page_forgot_reset, 0},
    {"GET", "/account/password", page_password_form, FC_ROUTE_LOGIN},
    {"POST", "/account/password", page_password, FC_ROUTE_LOGIN},
    {"GET", "/reset", page_reset_form, 0},
    {"POST", "/reset", page_reset, 0},
};

const struct fc_route_group fc_account_group = {routes, FC_ARRAY_LEN(routes)};
