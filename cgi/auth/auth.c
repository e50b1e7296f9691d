/* auth: picks the authentication backend named in the configuration; optional operations. */
#include "auth/auth.h"
#include "core/config.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

int fc_auth_local_open(HDF *cfg, struct fc_store *store, struct fc_auth **out);
int fc_cognito_open(HDF *cfg, struct fc_store *store, struct fc_auth **out);

int fc_auth_open(HDF *cfg, struct fc_store *store, struct fc_auth **out)
{
    const char *b = fc_config_str(cfg, "Auth.Backend", "local");
    if (strcmp(b, "local") == 0)
        return fc_auth_local_open(cfg, store, out);
    if (strcmp(b, "cognito") == 0)
        return fc_cognito_open(cfg, store, out);
    fprintf(stderr, "forkcast: unknown Auth.Backend '%s' (expected local or cognito)\n", b);
    return FC_ERR;
}

void fc_auth_close(struct fc_auth *a)
{
    if (a)
        a->ops->close(a);
}

void fc_auth_seterr(struct fc_auth_error *e, const char *field, const char *msg)
{
    fc_strlcpy(e->field, field, sizeof e->field);
    fc_strlcpy(e->message, msg, sizeof e->message);
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
