/* session: server-side sessions (the cookie holds the user's id and a random token, the store
 * holds the token's hash) and the CSRF token bound to the session or, before log-in, to an
 * anonymous cookie. */
#ifndef FC_SESSION_H
#define FC_SESSION_H

#include "core/app.h"

#define FC_SESSION_COOKIE "fc_session"
#define FC_ANON_COOKIE    "fc_anon"
/* The session cookie's value: "<user id>.<64 hex digits>" and its NUL. */
#define FC_SESSION_COOKIE_MAX 96

/* Loads the session named by the request's cookie into c (user, logged_in, csrf). An expired,
 * unknown or disabled-user session is dropped. FC_OK or FC_ERR (store failure). */
int fc_session_load(struct fc_ctx *c);
/* Starts a fresh session for user (the old one, if any, is deleted: rotation at log-in).
 * c->user becomes a copy of *user with its own text (user is the caller's still). */
int fc_session_begin(struct fc_ctx *c, const struct fc_user *user);
/* Starts a session for user without a cookie and returns its token (JSON API bearer token). */
int fc_session_begin_token(struct fc_ctx *c, const struct fc_user *user, char token[65]);
/* The flags of every cookie the site sets: HttpOnly, and Secure when Server.Secure is on. */
int fc_session_cookie_flags(const struct fc_ctx *c);
/* 1 for requests that authenticate with "Authorization: Bearer" instead of cookies. */
int fc_session_is_api(const struct fc_ctx *c);
/* After a password change: ends every session and API token of the logged-in user, this one
 * included (another device, a stolen cookie or token stops working at once), and starts a new
 * session for this browser (a new cookie) with what the auth backend kept for it
 * (fc_auth_session_attach). FC_OK or FC_ERR. */
int fc_session_restart(struct fc_ctx *c);
/* Ends the current session and clears the cookie. */
int fc_session_end(struct fc_ctx *c);
/* 1 when the POSTed "csrf" field matches the request's token. */
int fc_csrf_ok(struct fc_ctx *c);

/* 1 when a session created at created, last used at last_seen, has expired at now. */
int fc_session_expired(int64_t created, int64_t last_seen, int64_t now, int64_t idle,
                       int64_t max_age);
/* HMAC-SHA256(secret, "csrf:" binding) as hex into out[65]. */
void fc_csrf_compute(const unsigned char secret[32], const char *binding, char out[65]);
/* The same token, from the process's memo of the bindings seen lately when it has it there
 * (computed with this secret), else computed and kept: what requests use. */
void fc_csrf_token(const unsigned char secret[32], const char *binding, char out[65]);

#endif
