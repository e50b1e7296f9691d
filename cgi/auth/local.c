/* auth/local: accounts kept in forkcast's own store, scrypt hashes, log-in throttling. */
#include "auth/auth.h"
#include "auth/password.h"
#include "core/config.h"
#include "core/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct local_auth {
    struct fc_auth base;
    struct fc_store *store;
    struct fc_scrypt_params prm;
    struct fc_auth_throttle throttle;
    int min_len;
    char dummy_hash[256]; /* verified against for unknown users, so timing tells nothing */
};

int fc_auth_check_username(const char *u, struct fc_auth_error *err)
{
    size_t n = strlen(u);
    if (n < 3 || n > 32) {
        fc_auth_seterr(err, "username", "Username must be 3 to 32 characters");
        return FC_EINVAL;
    }
    for (const char *p = u; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '.') {
            fc_auth_seterr(err, "username",
                           "Username may use letters, digits, '.', '-' and '_' only");
            return FC_EINVAL;
        }
    return FC_OK;
}

int fc_auth_check_email(const char *e, struct fc_auth_error *err)
{
    const char *at = strchr(e, '@');
    size_t n = strlen(e);
    if (n > 254 || !at || at == e || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.' ||
        e[n - 1] == '.' || strpbrk(e, " \t\r\n<>\"',;")) {
        fc_auth_seterr(err, "email", "Enter an e-mail address like name@example.com");
        return FC_EINVAL;
    }
    return FC_OK;
}

int fc_auth_check_password(const char *password, const char *username, int min_len,
                           struct fc_auth_error *err)
{
    const char *why = fc_password_policy(password, username, (size_t)min_len);
    char msg[256];
    if (!why)
        return FC_OK;
    snprintf(msg, sizeof msg, "%s (at least %d characters, not your username)", why, min_len);
    fc_auth_seterr(err, "password", msg);
    return FC_EINVAL;
}

static int l_signup(struct fc_auth *a, const struct fc_signup *in, struct fc_user *out,
                    struct fc_auth_error *err)
{
    struct local_auth *la = (struct local_auth *)a;
    struct fc_user u;
    int rc;

    if ((rc = fc_auth_check_username(in->username, err)) ||
        (rc = fc_auth_check_email(in->email, err)))
        return rc;
    if (fc_auth_check_password(in->password, in->username, la->min_len, err))
        return FC_EINVAL;
    memset(&u, 0, sizeof u);
    fc_strlcpy(u.username, in->username, sizeof u.username);
    fc_strlcpy(u.email, in->email, sizeof u.email);
    fc_strlcpy(u.display_name,
               in->display_name && *in->display_name ? in->display_name : in->username,
               sizeof u.display_name);
    fc_strlcpy(u.visibility, "public", sizeof u.visibility);
    if (la->store->ops->user_by_name(la->store, in->username, out) == FC_OK) {
        fc_auth_seterr(err, "username", "That username is taken; choose another");
        return FC_EXISTS;
    }
    if (fc_password_hash(in->password, &la->prm, u.pw_hash, sizeof u.pw_hash))
        return FC_ERR;
    rc = la->store->ops->user_create(la->store, &u);
    if (rc == FC_EXISTS) {
        /* the username was checked above, so the e-mail (or a race on the name) */
        if (la->store->ops->user_by_name(la->store, in->username, out) == FC_OK)
            fc_auth_seterr(err, "username", "That username is taken; choose another");
        else
            fc_auth_seterr(err, "email", "An account with that e-mail address already exists");
        return FC_EXISTS;
    }
    if (rc)
        return rc;
    *out = u;
    return FC_OK;
}

static int l_login(struct fc_auth *a, const char *username, const char *password, const char *addr,
                   struct fc_user *out, struct fc_auth_error *err)
{
    struct local_auth *la = (struct local_auth *)a;
    struct fc_store *s = la->store;
    char akey[128], ukey[128];
    int rc, ok;
    int64_t now = fc_now();

    rc = fc_auth_login_throttle(s, &la->throttle, username, addr, now, ukey, akey, err);
    if (rc)
        return rc;
    rc = s->ops->user_by_name(s, username, out);
    if (rc == FC_ERR)
        return FC_ERR;
    if (rc == FC_NOTFOUND) {
        fc_password_verify(password, la->dummy_hash);
        ok = 0;
    } else {
        ok = fc_password_verify(password, out->pw_hash);
    }
    if (!ok) {
        if (s->ops->fail_record(s, ukey, now) || s->ops->fail_record(s, akey, now))
            return FC_ERR;
        fc_auth_seterr(err, "password", "Wrong username or password");
        return FC_EAUTH;
    }
    if (out->disabled) {
        fc_auth_seterr(err, "", "This account is disabled. Contact the site's administrators.");
        return FC_EDISABLED;
    }
    s->ops->fail_clear(s, ukey);
    if (fc_password_needs_rehash(out->pw_hash, &la->prm)) {
        char h[256];
        if (fc_password_hash(password, &la->prm, h, sizeof h) == FC_OK &&
            s->ops->user_set_password(s, out->id, h) == FC_OK)
            fc_strlcpy(out->pw_hash, h, sizeof out->pw_hash);
    }
    return FC_OK;
}

static int l_change_password(struct fc_auth *a, const char *hash, const struct fc_user *u,
                             const char *old_password, const char *new_password,
                             struct fc_auth_error *err)
{
    struct local_auth *la = (struct local_auth *)a;
    struct fc_store *s = la->store;
    struct fc_user cur;
    char ukey[128], h[256];
    int count = 0;
    int64_t now = fc_now();

    (void)hash;
    fc_auth_user_key(u->username, ukey);
    if (s->ops->user_get(s, u->id, &cur))
        return FC_ERR;
    fc_user_clear(&cur); /* its password hash and name are what counts */
    if (s->ops->fail_count(s, ukey, now - la->throttle.window, &count))
        return FC_ERR;
    if (count >= la->throttle.per_account) {
        fc_auth_seterr(err, "", "Too many wrong passwords. Wait a few minutes and try again.");
        return FC_ETHROTTLE;
    }
    if (!fc_password_verify(old_password, cur.pw_hash)) {
        if (s->ops->fail_record(s, ukey, now))
            return FC_ERR;
        fc_auth_seterr(err, "old_password", "Your current password is wrong");
        return FC_EAUTH;
    }
    if (fc_auth_check_password(new_password, cur.username, la->min_len, err))
        return FC_EINVAL;
    if (strcmp(old_password, new_password) == 0) {
        fc_auth_seterr(err, "password", "The new password is the same as the current one");
        return FC_EINVAL;
    }
    if (fc_password_hash(new_password, &la->prm, h, sizeof h) ||
        s->ops->user_set_password(s, cur.id, h))
        return FC_ERR;
    s->ops->fail_clear(s, ukey);
    return FC_OK;
}

static int l_set_password(struct fc_auth *a, const struct fc_user *u, const char *new_password,
                          struct fc_auth_error *err)
{
    struct local_auth *la = (struct local_auth *)a;
    struct fc_store *s = la->store;
    char ukey[128], h[256];

    if (fc_auth_check_password(new_password, u->username, la->min_len, err))
        return FC_EINVAL;
    if (fc_password_hash(new_password, &la->prm, h, sizeof h) ||
        s->ops->user_set_password(s, u->id, h))
        return FC_ERR;
    fc_auth_user_key(u->username, ukey);
    s->ops->fail_clear(s, ukey);
    return FC_OK;
}

static void l_close(struct fc_auth *a)
{
    free(a);
}

static const struct fc_auth_ops local_ops = {
    .name = "local",
    .close = l_close,
    .signup = l_signup,
    .login = l_login,
    .change_password = l_change_password,
    .set_password = l_set_password,
};

/* Reads the scrypt parameters from the configuration. */
void fc_auth_scrypt_params(HDF *cfg, struct fc_scrypt_params *p)
{
    p->log_n = fc_config_int(cfg, "Auth.Scrypt.LogN", 15);
    p->r = fc_config_int(cfg, "Auth.Scrypt.R", 8);
    p->p = fc_config_int(cfg, "Auth.Scrypt.P", 3);
}

int fc_auth_local_open(HDF *cfg, struct fc_store *store, struct fc_auth **out)
{
    struct local_auth *la = calloc(1, sizeof *la);
    if (!la)
        return FC_ERR;
    la->base.ops = &local_ops;
    la->store = store;
    fc_auth_scrypt_params(cfg, &la->prm);
    fc_auth_throttle_read(cfg, &la->throttle);
    la->min_len = fc_auth_password_min(cfg);
    if (fc_password_hash("not a real password", &la->prm, la->dummy_hash, sizeof la->dummy_hash)) {
        free(la);
        return FC_ERR;
    }
    *out = &la->base;
    return FC_OK;
}
