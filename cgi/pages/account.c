/* pages/account: sign up, log in and log out (local or any other auth backend). */
#include "auth/auth.h"
#include "core/session.h"
#include "core/util.h"
#include "pages/pages.h"

#include <stdio.h>
#include <string.h>

/* Starts the session and gives it what the auth backend got at log-in (Cognito's tokens). */
static int begin_session(struct fc_ctx *c, const struct fc_user *u)
{
    if (fc_session_begin(c, u))
        return FC_ERR;
    if (fc_auth_session_attach(c->app->auth, c->session_hash, u)) {
        fc_session_end(c);
        return FC_ERR;
    }
    return FC_OK;
}

/* Runs step (the sign-up or the log-in) with a user for it to fill, cleared after. */
static int with_user(struct fc_ctx *c, int (*step)(struct fc_ctx *c, struct fc_user *u))
{
    struct fc_user u = {0};
    int status = step(c, &u);
    fc_user_clear(&u);
    return status;
}

int page_signup_form(struct fc_ctx *c)
{
    if (c->logged_in)
        return fc_redirect(c, "/", NULL);
    pages_set_password_form(c, "Sign up");
    return fc_render(c, "signup.cs") ? 500 : 0;
}

/* page_signup with the user the sign-up fills (u: the caller clears it). */
static int signup(struct fc_ctx *c, struct fc_user *u)
{
    static const char *const fields[] = {"username", "email", "display_name"};
    struct fc_signup in = {
        .username = fc_form(c, "username"),
        .email = fc_form(c, "email"),
        .password = fc_form(c, "password"),
        .display_name = fc_form(c, "display_name"),
    };
    struct fc_auth_error err = {"", ""};
    int rc, retry_after;

    pages_set_password_form(c, "Sign up");
    pages_form_keep(c, fields, FC_ARRAY_LEN(fields));
    if (strcmp(in.password, fc_form(c, "password2")) != 0) {
        struct fc_auth_error e = {"password2", "The two passwords differ"};
        return pages_form_error(c, 422, "signup.cs", &e);
    }
    rc = fc_auth_signup(c->app->auth, &in, c->req.remote_addr, u, &err, &retry_after);
    if (rc == FC_EINVAL) /* the API's invalid_value */
        return pages_form_error(c, 422, "signup.cs", &err);
    if (rc == FC_EXISTS)
        return pages_form_error(c, 409, "signup.cs", &err);
    if (rc == FC_ETHROTTLE) {
        if (retry_after > 0)
            fc_resp_header(&c->resp, "Retry-After", "%d", retry_after);
        return pages_form_error(c, 429, "signup.cs", &err);
    }
    if (rc == FC_AUTH_CONFIRM)
        return pages_to_confirm(c, in.username, err.message);
    if (rc == FC_ERR && err.message[0]) /* the auth service failed and said how */
        return pages_form_error(c, 503, "signup.cs", &err);
    if (rc)
        return 500;
    if (begin_session(c, u))
        return 500;
    return fc_redirect(c, "/", "Welcome to forkcast! Tell us what you like on your profile.");
}

int page_signup(struct fc_ctx *c)
{
    return with_user(c, signup);
}

int page_login_form(struct fc_ctx *c)
{
    if (c->logged_in)
        return fc_redirect(c, pages_safe_next(fc_query(c, "next")), NULL);
    fc_set(c, "Page.Title", "Log in");
    fc_set(c, "Form.next", pages_safe_next(fc_query(c, "next")));
    return fc_render(c, "login.cs") ? 500 : 0;
}

/* page_login with the user the log-in fills (u: the caller clears it). */
static int login(struct fc_ctx *c, struct fc_user *u)
{
    static const char *const fields[] = {"username"};
    struct fc_auth_error err = {"", ""};
    const char *next = pages_safe_next(fc_form(c, "next"));
    int rc;

    fc_set(c, "Page.Title", "Log in");
    fc_set(c, "Form.next", next);
    pages_form_keep(c, fields, FC_ARRAY_LEN(fields));
    if (!*fc_form(c, "username") || !*fc_form(c, "password")) {
        struct fc_auth_error e = {"username", "Enter your username and password"};
        if (*fc_form(c, "username"))
            fc_strlcpy(e.field, "password", sizeof e.field);
        return pages_form_error(c, 422, "login.cs", &e); /* as the API's invalid_value */
    }
    rc = c->app->auth->ops->login(c->app->auth, fc_form(c, "username"), fc_form(c, "password"),
                                  c->req.remote_addr, u, &err);
    switch (rc) {
    case FC_OK:
        break;
    case FC_EAUTH:
        return pages_form_error(c, 401, "login.cs", &err);
    case FC_ETHROTTLE:
        return pages_form_error(c, 429, "login.cs", &err);
    case FC_EDISABLED:
        return pages_form_error(c, 403, "login.cs", &err);
    case FC_AUTH_CONFIRM:
        return pages_to_confirm(c, fc_form(c, "username"), err.message);
    default:
        /* the auth service (Cognito) failed and said how: the form again, 503 */
        if (rc == FC_ERR && err.message[0])
            return pages_form_error(c, 503, "login.cs", &err);
        return 500;
    }
    if (begin_session(c, u))
        return 500;
    return fc_redirect(c, next, NULL);
}

int page_login(struct fc_ctx *c)
{
    return with_user(c, login);
}

int page_logout(struct fc_ctx *c)
{
    fc_auth_logout(c->app->auth, c->session_hash); /* revokes Cognito's tokens */
    if (fc_session_end(c))
        return 500;
    return fc_redirect(c, "/", "You are logged out.");
}
