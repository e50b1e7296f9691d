/* auth: picks the authentication backend named in the configuration; optional operations. */
#include "auth/auth.h"
#include "core/config.h"
#include "core/util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int fc_auth_local_open(HDF *cfg, struct fc_store *store, struct fc_auth **out);
int fc_cognito_open(HDF *cfg, struct fc_store *store, struct fc_auth **out);

int fc_auth_open(HDF *cfg, struct fc_store *store, struct fc_auth **out)
{
    const char *b = fc_config_str(cfg, "Auth.Backend", "local");
    int rc;
    if (strcmp(b, "local") == 0)
        rc = fc_auth_local_open(cfg, store, out);
    else if (strcmp(b, "cognito") == 0)
        rc = fc_cognito_open(cfg, store, out);
    else {
        fprintf(stderr, "forkcast: unknown Auth.Backend '%s' (expected local or cognito)\n", b);
        return FC_ERR;
    }
    if (rc == FC_OK) {
        (*out)->store = store;
        (*out)->signup_window = fc_config_int(cfg, "Auth.Throttle.Window", 900);
        (*out)->signup_per_address = fc_config_int(cfg, "Auth.Throttle.SignupPerAddress", 10);
    }
    return rc;
}

void fc_auth_close(struct fc_auth *a)
{
    if (a)
        a->ops->close(a);
}

void fc_auth_user_key(const char *username, char out[128])
{
    char lower[64];
    fc_strlcpy(lower, username, sizeof lower);
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    snprintf(out, 128, "user:%s", lower);
}

void fc_auth_throttle_read(HDF *cfg, struct fc_auth_throttle *t)
{
    t->window = fc_config_int(cfg, "Auth.Throttle.Window", 900);
    t->per_account = fc_config_int(cfg, "Auth.Throttle.PerAccount", 5);
    t->per_address = fc_config_int(cfg, "Auth.Throttle.PerAddress", 30);
}

int fc_auth_login_throttle(struct fc_store *s, const struct fc_auth_throttle *t,
                           const char *username, const char *addr, int64_t now, char ukey[128],
                           char akey[128], struct fc_auth_error *err)
{
    int ucount = 0, acount = 0;
    char msg[256];

    fc_auth_user_key(username, ukey);
    snprintf(akey, 128, "addr:%s", addr ? addr : "");
    if (s->ops->fail_count(s, ukey, now - t->window, &ucount) ||
        s->ops->fail_count(s, akey, now - t->window, &acount))
        return FC_ERR;
    if (ucount < t->per_account && acount < t->per_address)
        return FC_OK;
    snprintf(msg, sizeof msg,
             "Too many failed log-ins. Wait %d minutes and try again, or reset your password.",
             (t->window + 59) / 60);
    fc_auth_seterr(err, "", msg);
    return FC_ETHROTTLE;
}

void fc_auth_seterr(struct fc_auth_error *e, const char *field, const char *msg)
{
    fc_strlcpy(e->field, field, sizeof e->field);
    fc_strlcpy(e->message, msg, sizeof e->message);
}

int fc_auth_signup(struct fc_auth *a, const struct fc_signup *in, const char *addr,
                   struct fc_user *out, struct fc_auth_error *err, int *retry_after)
{
    struct fc_store *s = a->store;
    int64_t now = fc_now();
    char key[128], msg[256];
    int n = 0;

    *retry_after = 0;
    if (in->display_name && fc_utf8_len(in->display_name) > FC_AUTH_DISPLAY_NAME_MAX) {
        fc_auth_seterr(err, "display_name", "Display name is too long (at most 60)");
        return FC_EINVAL;
    }
    if (s) {
        /* the log-in failures' table keeps the attempts, under their own key */
        snprintf(key, sizeof key, "signup:%s", addr ? addr : "");
        if (s->ops->fail_count(s, key, now - a->signup_window, &n))
            return FC_ERR;
        if (n >= a->signup_per_address) {
            snprintf(msg, sizeof msg,
                     "Too many sign-ups from your network. Wait %d minutes and try again.",
                     (a->signup_window + 59) / 60);
            fc_auth_seterr(err, "", msg);
            *retry_after = a->signup_window;
            return FC_ETHROTTLE;
        }
        if (s->ops->fail_record(s, key, now))
            return FC_ERR;
    }
    return a->ops->signup(a, in, out, err);
}

static int unsupported(struct fc_auth_error *err)
{
    fc_auth_seterr(err, "",
                   "This site's accounts cannot do that by e-mail. Ask the site's administrators "
                   "for help.");
    return FC_AUTH_UNSUPPORTED;
}

int fc_auth_confirm(struct fc_auth *a, const char *username, const char *code,
                    struct fc_auth_error *err)
{
    return a->ops->confirm ? a->ops->confirm(a, username, code, err) : unsupported(err);
}

int fc_auth_resend(struct fc_auth *a, const char *username, char dest[128],
                   struct fc_auth_error *err)
{
    dest[0] = '\0';
    return a->ops->resend ? a->ops->resend(a, username, dest, err) : unsupported(err);
}

int fc_auth_forgot(struct fc_auth *a, const char *username, char dest[128],
                   struct fc_auth_error *err)
{
    dest[0] = '\0';
    return a->ops->forgot ? a->ops->forgot(a, username, dest, err) : unsupported(err);
}

int fc_auth_confirm_forgot(struct fc_auth *a, const char *username, const char *code,
                           const char *password, struct fc_auth_error *err)
{
    return a->ops->confirm_forgot ? a->ops->confirm_forgot(a, username, code, password, err)
                                  : unsupported(err);
}

int fc_auth_change_password(struct fc_auth *a, const char *hash, const struct fc_user *u,
                            const char *old_password, const char *new_password,
                            struct fc_auth_error *err)
{
    return a->ops->change_password
               ? a->ops->change_password(a, hash, u, old_password, new_password, err)
               : unsupported(err);
}

int fc_auth_set_password(struct fc_auth *a, const struct fc_user *u, const char *new_password,
                         struct fc_auth_error *err)
{
    return a->ops->set_password ? a->ops->set_password(a, u, new_password, err) : unsupported(err);
}

int fc_auth_password_min(HDF *cfg)
{
    return fc_config_int(cfg, "Auth.Password.MinLength", 10);
}

int fc_auth_has_codes(const struct fc_auth *a)
{
    return a->ops->confirm && a->ops->resend && a->ops->forgot && a->ops->confirm_forgot;
}

int fc_auth_session_attach(struct fc_auth *a, const char *hash, const struct fc_user *u)
{
    return a->ops->session_attach ? a->ops->session_attach(a, hash, u) : FC_OK;
}

int fc_auth_session_check(struct fc_auth *a, const char *hash, struct fc_user *u)
{
    return a->ops->session_check ? a->ops->session_check(a, hash, u) : FC_OK;
}

int fc_auth_logout(struct fc_auth *a, const char *hash)
{
    return a->ops->logout ? a->ops->logout(a, hash) : FC_OK;
}
