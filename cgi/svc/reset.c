/* svc/reset: password reset links (see svc/reset.h). */
#include "svc/reset.h"

#include "auth/auth.h"
#include "core/app.h"
#include "core/config.h"
#include "core/mail.h"
#include "svc/admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fc_svc_reset_local(const struct fc_svc *sv)
{
    return strcmp(sv->app->auth->ops->name, "local") == 0;
}

int fc_svc_reset_can_mail(const struct fc_svc *sv)
{
    return fc_svc_reset_local(sv) && fc_mail_configured(sv->app->cfg) &&
           *fc_config_str(sv->app->cfg, "Mail.SiteURL", "");
}

/* Makes and stores a link for u. */
static int make_link(const struct fc_svc *sv, const struct fc_user *u,
                     struct fc_svc_reset_link *out, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    unsigned char raw[32];
    char hash[65];

    if (fc_random(raw, sizeof raw))
        return fc_svc_fail_store(sv, res, "random bytes for a reset link");
    fc_hex(out->token, raw, sizeof raw);
    fc_sha256_hex(hash, out->token, 64);
    out->expires = fc_now() + fc_config_int(sv->app->cfg, "Auth.Reset.Seconds", 3600);
    fc_strlcpy(out->username, u->username, sizeof out->username);
    if (s->ops->reset_create(s, hash, u->id, out->expires))
        return fc_svc_fail_store(sv, res, "storing a reset link");
    fc_svc_ok(res, 200);
    return FC_OK;
}

int fc_svc_reset_issue(const struct fc_svc *sv, const char *username, struct fc_svc_reset_link *out,
                       struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_user u;
    int rc;

    memset(out, 0, sizeof *out);
    if (fc_svc_admin_check(sv, res))
        return FC_EINVAL;
    if (!fc_svc_reset_local(sv))
        return fc_svc_fail(res, 409, "not_local", NULL,
                           "This site's accounts are Cognito's: people reset their password "
                           "with the code Cognito e-mails them (Forgot your password?).");
    rc = s->ops->user_by_name(s, username, &u);
    fc_user_clear(&u); /* its id and name are what counts */
    if (rc == FC_NOTFOUND)
        return fc_svc_fail(res, 404, "not_found", NULL, "No such user.");
    if (rc)
        return fc_svc_fail_store(sv, res, "reading the user");
    return make_link(sv, &u, out, res);
}

/* ---- /forgot ------------------------------------------------------------------------------ */

struct mail_job {
    char to[256];
    char subject[128];
    char body[1024];
};

static void send_after(struct fc_app *app, void *arg)
{
    struct mail_job *m = arg;
    if (fc_mail_send(app->cfg, m->to, m->subject, m->body))
        fprintf(stderr, "forkcast: a password reset mail could not be sent\n");
    memset(m->body, 0, sizeof m->body); /* the link */
}

/* Counts one attempt under key; 1 when past limit already. */
static int throttled(struct fc_store *s, const char *key, int window, int limit, int *err)
{
    int64_t now = fc_now();
    int n = 0;
    *err = 0;
    if (s->ops->fail_count(s, key, now - window, &n)) {
        *err = 1;
        return 0;
    }
    if (n >= limit)
        return 1;
    if (s->ops->fail_record(s, key, now))
        *err = 1;
    return 0;
}

int fc_svc_reset_forgot(const struct fc_svc *sv, const char *email, const char *addr,
                        struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    HDF *cfg = sv->app->cfg;
    int window = fc_config_int(cfg, "Auth.Throttle.Window", 900), err = 0, rc;
    char key[400], lower[256];
    struct fc_svc_reset_link link;
    struct mail_job *m;
    struct fc_user u;
    size_t i;

    if (!fc_svc_reset_can_mail(sv))
        return fc_svc_not_configured(res, "This site cannot send e-mail (Mail.SMTP.URL, "
                                          "Mail.From, Mail.SiteURL). Ask its administrators.");
    if (!*email || strlen(email) >= sizeof lower || !strchr(email, '@'))
        return fc_svc_fail(res, 422, "invalid_value", "email",
                           "Enter the e-mail address of your account");
    for (i = 0; email[i]; i++)
        lower[i] = (char)((email[i] >= 'A' && email[i] <= 'Z') ? email[i] + 32 : email[i]);
    lower[i] = '\0';
    /* the sign-up throttle's table and window, under keys of their own */
    snprintf(key, sizeof key, "forgot:%s", addr ? addr : "");
    if (throttled(s, key, window, fc_config_int(cfg, "Auth.Throttle.SignupPerAddress", 10), &err) ||
        (!err && (snprintf(key, sizeof key, "forgot-mail:%s", lower),
                  throttled(s, key, window, fc_config_int(cfg, "Auth.Throttle.ResetPerAccount", 3),
                            &err)))) {
        rc = fc_svc_fail(res, 429, "throttled", NULL,
                         "Too many requests for a reset link. Wait %d minutes and try again.",
                         (window + 59) / 60);
        res->retry_after = window;
        return rc;
    }
    if (err)
        return fc_svc_fail_store(sv, res, "the reset link throttle");
    rc = s->ops->user_by_email(s, email, &u);
    fc_user_clear(&u); /* its id and name are what counts */
    if (rc && rc != FC_NOTFOUND)
        return fc_svc_fail_store(sv, res, "finding the account");
    fc_svc_ok(res, 200);
    if (rc == FC_NOTFOUND || u.disabled || !u.pw_hash[0])
        return FC_OK; /* the same answer: nobody learns whether the address has an account */
    if (make_link(sv, &u, &link, res))
        return FC_ERR;
    if (!(m = calloc(1, sizeof *m)))
        return fc_svc_fail_store(sv, res, "memory for the mail");
    fc_strlcpy(m->to, u.email, sizeof m->to);
    fc_strlcpy(m->subject, "Your forkcast password reset link", sizeof m->subject);
    snprintf(m->body, sizeof m->body,
             "Hello %s,\n\nSomeone (we hope you) asked to reset the password of your forkcast "
             "account %s. Open this link within %d minutes to choose a new one:\n\n"
             "%s/reset?token=%s\n\nThe link works once. If you did not ask, ignore this mail: "
             "your password stays as it is.\n",
             u.display_name[0] ? u.display_name : u.username, u.username,
             (int)((link.expires - fc_now() + 59) / 60), fc_config_str(cfg, "Mail.SiteURL", ""),
             link.token);
    memset(&link, 0, sizeof link);
    fc_svc_defer(sv, send_after, m); /* after the answer: its time tells nothing either */
    fc_svc_ok(res, 200);
    return FC_OK;
}

/* ---- using a link ------------------------------------------------------------------------- */

int fc_svc_reset_use(const struct fc_svc *sv, const char *token, const char *password,
                     const char *password2, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_auth_error err = {"", ""};
    struct fc_user u;
    int64_t uid = 0, expires = 0;
    char hash[65];
    int rc;

    if (strlen(token) != 64 || strspn(token, "0123456789abcdef") != 64)
        return fc_svc_fail(res, 404, "invalid_link", NULL,
                           "This reset link is not valid: check that you copied all of it.");
    if (strcmp(password, password2) != 0)
        return fc_svc_fail(res, 422, "invalid_value", "password2", "The two passwords differ");
    fc_sha256_hex(hash, token, 64);
    rc = s->ops->reset_take(s, hash, fc_now(), &uid, &expires);
    if (rc == FC_NOTFOUND)
        return fc_svc_fail(res, 404, "invalid_link", NULL,
                           "This reset link was used already or has expired. Ask for a new one.");
    if (rc)
        return fc_svc_fail_store(sv, res, "reading the reset link");
    rc = s->ops->user_get(s, uid, &u);
    fc_user_clear(&u); /* its id and name are what counts */
    if (rc == FC_NOTFOUND || (rc == FC_OK && u.disabled))
        return fc_svc_fail(res, 404, "invalid_link", NULL,
                           "This reset link was used already or has expired. Ask for a new one.");
    if (rc)
        return fc_svc_fail_store(sv, res, "reading the user");
    rc = fc_auth_set_password(sv->app->auth, &u, password, &err);
    if (rc == FC_EINVAL) {
        /* a refused password does not use the link up */
        if (s->ops->reset_create(s, hash, uid, expires))
            return fc_svc_fail_store(sv, res, "keeping the reset link");
        return fc_svc_fail(res, 422, "invalid_value", "password", "%s", err.message);
    }
    if (rc)
        return fc_svc_fail_store(sv, res, "setting the password");
    /* as a password change: every session and API token of the account ends */
    if (s->ops->session_delete_user(s, uid))
        return fc_svc_fail_store(sv, res, "ending the account's sessions");
    fc_svc_ok(res, 200);
    return FC_OK;
}
