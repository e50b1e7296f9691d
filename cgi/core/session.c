/* session: opaque session cookies, server-side records, idle/absolute expiry, CSRF tokens. */
#include "core/session.h"
#include "auth/auth.h"
#include "core/config.h"
#include "core/util.h"

#include <openssl/crypto.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

int fc_session_expired(int64_t created, int64_t last_seen, int64_t now, int64_t idle,
                       int64_t max_age)
{
    return now - last_seen > idle || now - created > max_age || now < created - 300;
}

void fc_csrf_compute(const unsigned char secret[32], const char *binding, char out[65])
{
    char msg[128];
    snprintf(msg, sizeof msg, "csrf:%s", binding);
    fc_hmac_hex(out, secret, 32, msg, strlen(msg));
}

/* The CSRF tokens computed lately, by binding (a session's hash, a visitor's anonymous id): a
 * token is an HMAC (~14K instructions), and a process sees the same few bindings request after
 * request (every page of a session, a page cache hit too). Each slot holds the key it was
 * computed with, so it never answers for another key (tests run apps with different ones).
 * Per process, used on the request thread only; the value is the HMAC's, only not recomputed. */
#define CSRF_MEMO_SLOTS 64
static struct {
    unsigned char secret[32];
    char binding[65], token[65];
} csrf_memo[CSRF_MEMO_SLOTS];

/* fc_csrf_compute through the memo (session.h). */
void fc_csrf_token(const unsigned char secret[32], const char *binding, char out[65])
{
    size_t n = strlen(binding);
    unsigned h = 0;
    for (size_t i = 0; i < n && i < 8; i++)
        h = h * 31 + (unsigned char)binding[i];
    h %= CSRF_MEMO_SLOTS;
    if (n && n < sizeof csrf_memo[h].binding &&
        CRYPTO_memcmp(csrf_memo[h].secret, secret, 32) == 0 &&
        fc_ct_streq(csrf_memo[h].binding, binding)) {
        memcpy(out, csrf_memo[h].token, 65);
        return;
    }
    fc_csrf_compute(secret, binding, out);
    if (n && n < sizeof csrf_memo[h].binding) {
        memcpy(csrf_memo[h].secret, secret, 32);
        memcpy(csrf_memo[h].binding, binding, n + 1);
        memcpy(csrf_memo[h].token, out, 65);
    }
}

int fc_session_cookie_flags(const struct fc_ctx *c)
{
    return FC_COOKIE_HTTPONLY | (c->app->secure_cookies ? FC_COOKIE_SECURE : 0);
}

/* Makes sure an anonymous binding exists for the CSRF token of a logged-out visitor. */
static int anon_binding(struct fc_ctx *c)
{
    const char *a = fc_param(&c->req.cookies, FC_ANON_COOKIE);
    unsigned char raw[16];
    if (a && strlen(a) == 32 && strspn(a, "0123456789abcdef") == 32) {
        fc_strlcpy(c->anon, a, sizeof c->anon);
    } else {
        if (fc_random(raw, sizeof raw))
            return FC_ERR;
        fc_hex(c->anon, raw, sizeof raw);
        fc_resp_cookie(&c->resp, FC_ANON_COOKIE, c->anon, -1, fc_session_cookie_flags(c));
    }
    fc_csrf_token(c->app->secret, c->anon, c->csrf);
    return FC_OK;
}

int fc_session_is_api(const struct fc_ctx *c)
{
    return c->req.path && strncmp(c->req.path, "/api/", 5) == 0;
}

/* The store key of a session token. Web sessions and API tokens are hashed apart (an "api:"
 * prefix on the latter), so a browser's cookie is no bearer token for the API and an API
 * token set as a cookie is no web session: each works only where it was issued. */
static void token_hash(const struct fc_ctx *c, const char *tok, char out[65])
{
    char msg[4 + 64];
    if (!fc_session_is_api(c)) {
        fc_sha256_hex(out, tok, 64);
        return;
    }
    memcpy(msg, "api:", 4);
    memcpy(msg + 4, tok, 64);
    fc_sha256_hex(out, msg, sizeof msg);
}

/* A session token as the client sent it: "<user id>.<token>" (what the site issues: the id
 * lets the store read the session and its user together; the 64-digit token is the secret)
 * or, as issued before, the token alone (*uid 0). NULL when it is neither. */
static const char *token_of(const char *v, int64_t *uid)
{
    const char *dot;
    int64_t id = 0;

    *uid = 0;
    if (!v)
        return NULL;
    if (strlen(v) == 64)
        return v;
    dot = strchr(v, '.');
    if (!dot || dot == v || dot - v > 18 || strlen(dot + 1) != 64 || *v == '0')
        return NULL;
    for (const char *p = v; p < dot; p++) {
        if (*p < '0' || *p > '9')
            return NULL;
        id = id * 10 + (*p - '0');
    }
    *uid = id;
    return dot + 1;
}

/* The session cookie's value for user id uid and token tok. */
static void cookie_value(char out[FC_SESSION_COOKIE_MAX], int64_t uid, const char *tok)
{
    snprintf(out, FC_SESSION_COOKIE_MAX, "%lld.%s", (long long)uid, tok);
}

int fc_session_load(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    int api = fc_session_is_api(c);
    const char *raw = api ? NULL : fc_param(&c->req.cookies, FC_SESSION_COOKIE), *tok;
    int64_t uid = 0, hint, created, last_seen, now = fc_now();
    int64_t max_age = fc_config_int(c->app->cfg, "Session.MaxAge", 2592000);
    int rc;

    /* the JSON API ignores cookies (so no CSRF is possible there): bearer tokens only */
    if (api && strncasecmp(c->req.authorization, "Bearer ", 7) == 0)
        raw = c->req.authorization + 7;

    c->logged_in = 0;
    c->session_hash[0] = '\0';
    tok = token_of(raw, &hint);
    if (tok) {
        token_hash(c, tok, c->session_hash);
        if (hint) {
            /* one read of the session and its user (the session must be the named user's) */
            rc = s->ops->session_user_get(s, c->session_hash, hint, &created, &last_seen, &c->user);
            uid = hint;
        } else {
            rc = s->ops->session_get(s, c->session_hash, &uid, &created, &last_seen);
            if (rc == FC_OK && s->ops->user_get(s, uid, &c->user) != FC_OK)
                memset(&c->user, 0, sizeof c->user);
        }
        if (rc == FC_ERR)
            return FC_ERR;
        if (rc == FC_OK && c->user.id == uid && uid > 0 &&
            !fc_session_expired(created, last_seen, now,
                                fc_config_int(c->app->cfg, "Session.IdleTimeout", 604800),
                                max_age) &&
            !c->user.disabled &&
            fc_auth_session_check(c->app->auth, c->session_hash, &c->user) != FC_EAUTH) {
            c->logged_in = 1;
            c->session_created = created;
            /* a storage that cannot be written (full, read-only) must not stop reading */
            if (now - last_seen >= 60 && s->ops->session_touch(s, c->session_hash, now))
                fprintf(stderr, "forkcast: [%s] could not record the session's last use\n",
                        c->request_id);
            if (!hint && !api && max_age - (now - created) > 0) {
                /* a cookie from before user ids were in it: the same session, reissued in
                 * today's form for what is left of its life */
                char v[FC_SESSION_COOKIE_MAX];
                cookie_value(v, uid, tok);
                fc_resp_cookie(&c->resp, FC_SESSION_COOKIE, v, (long)(max_age - (now - created)),
                               fc_session_cookie_flags(c));
            }
            fc_csrf_token(c->app->secret, c->session_hash, c->csrf);
            return FC_OK;
        }
        if (rc == FC_OK)
            s->ops->session_delete(s, c->session_hash);
        c->session_hash[0] = '\0';
        fc_user_clear(&c->user);
        memset(&c->user, 0, sizeof c->user);
    }
    if (raw && !api)
        fc_resp_cookie(&c->resp, FC_SESSION_COOKIE, "", 0, fc_session_cookie_flags(c));
    return api ? FC_OK : anon_binding(c);
}

int fc_session_begin_token(struct fc_ctx *c, const struct fc_user *user, char token[65])
{
    struct fc_store *s = c->app->store;
    unsigned char raw[32];
    char hash[65];

    if (c->session_hash[0])
        s->ops->session_delete(s, c->session_hash);
    if (fc_random(raw, sizeof raw))
        return FC_ERR;
    fc_hex(token, raw, sizeof raw);
    token_hash(c, token, hash);
    if (s->ops->session_create(s, hash, user->id, fc_now()))
        return FC_ERR;
    memcpy(c->session_hash, hash, sizeof hash);
    if (user != &c->user) {
        fc_user_clear(&c->user);
        if (fc_user_copy(&c->user, user)) {
            memset(&c->user, 0, sizeof c->user);
            return FC_ERR;
        }
    }
    c->logged_in = 1;
    fc_csrf_token(c->app->secret, c->session_hash, c->csrf);
    return FC_OK;
}

int fc_session_begin(struct fc_ctx *c, const struct fc_user *user)
{
    char token[65], v[FC_SESSION_COOKIE_MAX];
    if (fc_session_begin_token(c, user, token))
        return FC_ERR;
    cookie_value(v, user->id, token);
    fc_resp_cookie(&c->resp, FC_SESSION_COOKIE, v,
                   fc_config_int(c->app->cfg, "Session.MaxAge", 2592000),
                   fc_session_cookie_flags(c));
    return FC_OK;
}

int fc_session_restart(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;

    if (!c->logged_in || s->ops->session_delete_user(s, c->user.id))
        return FC_ERR;
    c->session_hash[0] = '\0'; /* deleted with the others */
    if (fc_session_begin(c, &c->user))
        return FC_ERR;
    if (fc_auth_session_attach(c->app->auth, c->session_hash, &c->user)) {
        fc_session_end(c);
        return FC_ERR;
    }
    return FC_OK;
}

int fc_session_end(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    int rc = FC_OK;
    if (c->session_hash[0])
        rc = s->ops->session_delete(s, c->session_hash);
    c->session_hash[0] = '\0';
    c->logged_in = 0;
    fc_user_clear(&c->user);
    memset(&c->user, 0, sizeof c->user);
    fc_resp_cookie(&c->resp, FC_SESSION_COOKIE, "", 0, fc_session_cookie_flags(c));
    return rc;
}

int fc_csrf_ok(struct fc_ctx *c)
{
    const char *t = fc_param(&c->req.form, "csrf");
    return t && c->csrf[0] && fc_ct_streq(t, c->csrf);
}
