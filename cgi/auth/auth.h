/* auth: the authentication interface (local accounts, Cognito user pools). */
#ifndef FC_AUTH_H
#define FC_AUTH_H

#include <ClearSilver.h>

#include "store/store.h"

/* Return codes of the auth interface beside core/util.h's. */
enum {
    /* signup, login: the account exists but its sign-up must first be confirmed with the
     * code sent to the user (err->message says where it went). */
    FC_AUTH_CONFIRM = 1,
    /* the backend has no such operation (the local backend cannot e-mail codes) */
    FC_AUTH_UNSUPPORTED = -20,
};

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

/* Error returns of every operation: FC_EINVAL (a field is wrong: a bad or expired code, a
 * weak password...), FC_EXISTS, FC_EAUTH (wrong credentials), FC_ETHROTTLE, FC_EDISABLED,
 * each with err saying which field and why; FC_ERR (internal or service failure, logged). */
struct fc_auth_ops {
    const char *name;
    void (*close)(struct fc_auth *a);
    /* Creates the account. FC_OK (out filled: log the user in), FC_AUTH_CONFIRM (out filled:
     * confirm first), FC_EINVAL or FC_EXISTS (err says which field and why) or FC_ERR. out
     * (and login's) is passed zeroed and may hold text whatever the answer: the caller
     * clears it (fc_user_clear). */
    int (*signup)(struct fc_auth *a, const struct fc_signup *in, struct fc_user *out,
                  struct fc_auth_error *err);
    /* Checks credentials from client address addr. FC_OK (out filled), FC_AUTH_CONFIRM,
     * FC_EAUTH, FC_ETHROTTLE, FC_EDISABLED (err has the message) or FC_ERR. */
    int (*login)(struct fc_auth *a, const char *username, const char *password, const char *addr,
                 struct fc_user *out, struct fc_auth_error *err);

    /* Optional operations: NULL when the backend has none (the wrappers below then return
     * FC_AUTH_UNSUPPORTED, or FC_OK for the session hooks). */

    /* Confirms a sign-up with the code that was sent. */
    int (*confirm)(struct fc_auth *a, const char *username, const char *code,
                   struct fc_auth_error *err);
    /* Sends the sign-up code again; dest gets where it went (masked, "a***@e***"). */
    int (*resend)(struct fc_auth *a, const char *username, char dest[128],
                  struct fc_auth_error *err);
    /* Sends a password reset code; dest as for resend. Unknown users get FC_OK too. */
    int (*forgot)(struct fc_auth *a, const char *username, char dest[128],
                  struct fc_auth_error *err);
    /* Sets a new password with the reset code (and ends the user's sessions). */
    int (*confirm_forgot)(struct fc_auth *a, const char *username, const char *code,
                          const char *password, struct fc_auth_error *err);
    /* Changes the password of the user logged in with session hash. On FC_OK the caller
     * ends every session of the user and starts a new one (fc_session_restart), to which
     * session_attach gives what the backend kept of the old one (Cognito's tokens). */
    int (*change_password)(struct fc_auth *a, const char *hash, const struct fc_user *u,
                           const char *old_password, const char *new_password,
                           struct fc_auth_error *err);
    /* A session (hash) was just started for the user that login or signup returned: binds
     * what the backend got at log-in (Cognito's tokens) to it. FC_OK or FC_ERR. */
    int (*session_attach)(struct fc_auth *a, const char *hash, const struct fc_user *u);
    /* A request came with session hash of user u: refreshes what needs it (tokens close to
     * expiry; u->is_admin follows the tokens). FC_OK, FC_EAUTH (the session must end: its
     * tokens were revoked or are missing) or FC_ERR. */
    int (*session_check)(struct fc_auth *a, const char *hash, struct fc_user *u);
    /* The session is ending (log out): revokes what the backend holds for it. */
    int (*logout)(struct fc_auth *a, const char *hash);
    /* Sets u's password without the old one (a reset link, svc/reset.c): FC_OK, FC_EINVAL
     * (err: the password policy) or FC_ERR. The caller ends u's sessions. */
    int (*set_password)(struct fc_auth *a, const struct fc_user *u, const char *new_password,
                        struct fc_auth_error *err);
};

struct fc_auth {
    const struct fc_auth_ops *ops;
    /* the sign-up throttle (fc_auth_signup), set by fc_auth_open: attempts allowed per client
     * address in window seconds; no throttle without a store */
    struct fc_store *store;
    int signup_window, signup_per_address;
};

/* Opens the backend named by Auth.Backend (local or cognito). */
int fc_auth_open(HDF *cfg, struct fc_store *store, struct fc_auth **out);
void fc_auth_close(struct fc_auth *a);

/* Signs up through the backend, after the sign-up throttle: every attempt from client address
 * addr is counted, and past Auth.Throttle.SignupPerAddress attempts in Auth.Throttle.Window the
 * answer is FC_ETHROTTLE (err says to wait; *retry_after the seconds, else 0) whatever the
 * fields, so that what sign-up tells (a name or e-mail address is taken) cannot be asked in
 * bulk. Otherwise what the backend's signup returns. */
int fc_auth_signup(struct fc_auth *a, const struct fc_signup *in, const char *addr,
                   struct fc_user *out, struct fc_auth_error *err, int *retry_after);

/* The optional operations, FC_AUTH_UNSUPPORTED (err filled) when the backend lacks them. */
int fc_auth_confirm(struct fc_auth *a, const char *username, const char *code,
                    struct fc_auth_error *err);
int fc_auth_resend(struct fc_auth *a, const char *username, char dest[128],
                   struct fc_auth_error *err);
int fc_auth_forgot(struct fc_auth *a, const char *username, char dest[128],
                   struct fc_auth_error *err);
int fc_auth_confirm_forgot(struct fc_auth *a, const char *username, const char *code,
                           const char *password, struct fc_auth_error *err);
int fc_auth_change_password(struct fc_auth *a, const char *hash, const struct fc_user *u,
                            const char *old_password, const char *new_password,
                            struct fc_auth_error *err);
/* 1 when the backend can e-mail codes (confirm, resend, forgot, confirm_forgot). */
/* set_password when the backend has it, else FC_AUTH_UNSUPPORTED. */
int fc_auth_set_password(struct fc_auth *a, const struct fc_user *u, const char *new_password,
                         struct fc_auth_error *err);
int fc_auth_has_codes(const struct fc_auth *a);
/* The session hooks: FC_OK when the backend has none. */
int fc_auth_session_attach(struct fc_auth *a, const char *hash, const struct fc_user *u);
int fc_auth_session_check(struct fc_auth *a, const char *hash, struct fc_user *u);
int fc_auth_logout(struct fc_auth *a, const char *hash);

/* Shared validation: FC_OK or FC_EINVAL with err filled. */
int fc_auth_check_username(const char *u, struct fc_auth_error *err);
int fc_auth_check_email(const char *e, struct fc_auth_error *err);
/* The shortest password both backends accept and the forms ask for: Auth.Password.MinLength
 * (10 when unset). */
int fc_auth_password_min(HDF *cfg);
/* The password policy of both backends (fc_password_policy: at least min_len characters, not
 * the username...): FC_OK, or FC_EINVAL with err on "password" saying why and what the policy
 * asks. */
int fc_auth_check_password(const char *password, const char *username, int min_len,
                           struct fc_auth_error *err);
/* The longest display name, in characters (sign-up and profile edit). */
#define FC_AUTH_DISPLAY_NAME_MAX 60
/* Sets err's field and message. */
void fc_auth_seterr(struct fc_auth_error *err, const char *field, const char *message);
/* The throttle key of an account into out: "user:" + the lower-cased username. */
void fc_auth_user_key(const char *username, char out[128]);
/* The log-in throttle's settings: the failures allowed per account and per client address in
 * the last window seconds. */
struct fc_auth_throttle {
    int window, per_account, per_address;
};
/* Reads them from Auth.Throttle.Window, PerAccount and PerAddress (900, 5 and 30 when unset). */
void fc_auth_throttle_read(HDF *cfg, struct fc_auth_throttle *t);
/* The log-in throttle of both backends (settings t): the keys of the account (ukey) and of the
 * address (akey); FC_ETHROTTLE (err set) when either had too many failures in the last window
 * seconds, FC_ERR when the store fails, else FC_OK. */
int fc_auth_login_throttle(struct fc_store *s, const struct fc_auth_throttle *t,
                           const char *username, const char *addr, int64_t now, char ukey[128],
                           char akey[128], struct fc_auth_error *err);

#endif
