/* svc/reset: password reset links for local accounts (#16 item 8): an administrator makes
 * one for a user and hands it over; with Mail.SMTP.* set, /forgot mails one to the account's
 * address. A link is a 256-bit random token of which only the SHA-256 is stored, good once,
 * for Auth.Reset.Seconds; using it sets the password and ends every session and API token of
 * the account. Cognito accounts keep Cognito's own forgotten-password codes. */
#ifndef FC_SVC_RESET_H
#define FC_SVC_RESET_H

#include "svc/svc.h"

struct fc_svc_reset_link {
    char token[65];  /* hex; shown once, never stored or logged */
    int64_t expires; /* seconds */
    char username[64];
};

/* 1 when this site's accounts take reset links (local accounts); 0 for Cognito. */
int fc_svc_reset_local(const struct fc_svc *sv);
/* 1 when /forgot can mail links: local accounts, Mail.SMTP.URL, Mail.From, Mail.SiteURL. */
int fc_svc_reset_can_mail(const struct fc_svc *sv);
/* An administrator makes a link for username: 200 with out filled; 401/403 not an admin;
 * 404 no such user; 409 the accounts are Cognito's. */
int fc_svc_reset_issue(const struct fc_svc *sv, const char *username, struct fc_svc_reset_link *out,
                       struct fc_svc_result *res);
/* A visitor at client address addr asks for a link to email: throttled per address
 * (Auth.Throttle.SignupPerAddress) and per e-mail address (Auth.Throttle.ResetPerAccount) in
 * Auth.Throttle.Window, whatever the outcome (429 past either); otherwise 200 whether or not
 * an account has that address (no account enumeration); the mail goes after the answer. 503
 * when mail is not set up. */
int fc_svc_reset_forgot(const struct fc_svc *sv, const char *email, const char *addr,
                        struct fc_svc_result *res);
/* Sets the password with a link's token: 422 (field password or password2) for a refused
 * password, the link kept; 404 a link that is unknown, used or expired; 200 done, every
 * session and API token of the account ended. */
int fc_svc_reset_use(const struct fc_svc *sv, const char *token, const char *password,
                     const char *password2, struct fc_svc_result *res);

#endif
