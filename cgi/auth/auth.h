/* auth: the authentication interface (local accounts now, Cognito later). */
#ifndef FC_AUTH_H
#define FC_AUTH_H

#include <ClearSilver.h>

#include "store/store.h"

/* Which form field was wrong and what to tell the user. */
struct fc_auth_error {
    char field[32];
    char message[256];
};

struct fc_signup {
    const char *username;
    const char *email;
    const char *password;
    const char *display_name;
};

struct fc_auth;

struct fc_auth_ops {
    const char *name;
    void (*close)(struct fc_auth *a);
    /* Creates the account. FC_OK (out filled), FC_EINVAL or FC_EXISTS (err says which field
     * and why) or FC_ERR. */
    int (*signup)(struct fc_auth *a, const struct fc_signup *in, struct fc_user *out,
                  struct fc_auth_error *err);
    /* Checks credentials from client address addr. FC_OK (out filled), FC_EAUTH,
     * FC_ETHROTTLE, FC_EDISABLED (err has the message) or FC_ERR. */
    int (*login)(struct fc_auth *a, const char *username, const char *password, const char *addr,
                 struct fc_user *out, struct fc_auth_error *err);
};

struct fc_auth {
    const struct fc_auth_ops *ops;
};

/* Opens the backend named by Auth.Backend. */
int fc_auth_open(HDF *cfg, struct fc_store *store, struct fc_auth **out);
void fc_auth_close(struct fc_auth *a);

/* Shared validation: FC_OK or FC_EINVAL with err filled. */
int fc_auth_check_username(const char *u, struct fc_auth_error *err);
int fc_auth_check_email(const char *e, struct fc_auth_error *err);

#endif
