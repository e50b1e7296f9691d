/* auth/cognito: Cognito user pools as the auth backend: the user-pool API flows, tokens
 * verified here (auth/jwt.c) and kept sealed in the session record, refreshed server-side. */
#include "auth/cognito.h"
#include "auth/jwt.h"
#include "aws/client.h"
#include "core/config.h"
#include "core/secret.h"
#include "core/util.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

/* Seconds without refresh attempts after the service failed to answer one. */
#define REFRESH_BACKOFF 30

/* What a session holds (sealed in the store). */
struct tokens {
    char username[128]; /* cognito:username, for SECRET_HASH */
    char sub[64];
    char *access;
    char *refresh;
    int64_t access_exp;
};

struct cognito_auth {
    struct fc_auth base;
    struct fc_store *store;
    struct aws_client *idp;
    struct fc_jwks *jwks;
    char pool_id[64];
    char client_id[128];
    char client_secret[256];
    char issuer[512];
    char admin_group[128];
    struct fc_auth_throttle throttle;
    int leeway, refresh_margin, min_len;
    unsigned char key[32]; /* seals the tokens kept in the store */
    int key_pending;       /* the site's key is the store's, which has not answered yet */
    HDF *cfg;
    struct tokens pending; /* from the last log-in, until session_attach */
    int64_t pending_user;
    int64_t backoff_until; /* no refresh attempt before this time */
};

static void tokens_clear(struct tokens *t)
{
    if (t->access)
        OPENSSL_cleanse(t->access, strlen(t->access));
    if (t->refresh)
        OPENSSL_cleanse(t->refresh, strlen(t->refresh));
    free(t->access);
    free(t->refresh);
    memset(t, 0, sizeof *t);
}

/* ---- helpers tests reach -------------------------------------------------------------------- */

int fc_cognito_secret_hash(const char *secret, const char *username, const char *client_id,
                           char out[64])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    size_t ul = strlen(username), cl = strlen(client_id);
    char *msg = malloc(ul + cl + 1);
    if (!msg)
        return FC_ERR;
    memcpy(msg, username, ul);
    memcpy(msg + ul, client_id, cl + 1);
    if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), (unsigned char *)msg, ul + cl, mac, &n)) {
        free(msg);
        return FC_ERR;
    }
    free(msg);
    EVP_EncodeBlock((unsigned char *)out, mac, (int)n); /* 32 bytes: 44 characters */
    OPENSSL_cleanse(mac, sizeof mac);
    return FC_OK;
}

static int has(const char *s, const char *needle)
{
    return s && strcasestr(s, needle) != NULL;
}

/* "Password did not conform with policy: Password must have uppercase characters" -> the part
 * after the colon. */
static const char *policy_detail(const char *message)
{
    const char *p = message ? strstr(message, "policy: ") : NULL;
    if (p)
        return p + 8;
    return message && *message ? message : "it does not follow the rules";
}

/* The messages several Cognito errors share. */
static const char WRONG_PASSWORD[] = "Wrong username or password";
static const char WRONG_CODE[] = "That code is wrong. Check the e-mail we sent and try again.";
static const char SESSION_ENDED[] = "Your session has ended. Log in again.";
static const char CONFIRMED_ALREADY[] = "This account is already confirmed: log in.";

/* Sets err's field and message; returns rc. */
static int say(struct fc_auth_error *err, const char *field, const char *message, int rc)
{
    fc_auth_seterr(err, field, message);
    return rc;
}

int fc_cognito_map_error(enum fc_cognito_op op, const char *code, const char *message,
                         struct fc_auth_error *err)
{
    /* the errors that mean the same whatever the operation and the message */
    static const struct {
        const char *code, *field, *message;
        int rc;
    } fixed[] = {
        {"UsernameExistsException", "username", "That username is taken; choose another",
         FC_EXISTS},
        {"TooManyRequestsException", "",
         "Too many requests right now. Wait a minute and try again.", FC_ETHROTTLE},
        {"TooManyFailedAttemptsException", "",
         "Too many requests right now. Wait a minute and try again.", FC_ETHROTTLE},
        {"LimitExceededException", "",
         "Too many attempts for this account. Wait a while (up to an hour) and try again.",
         FC_ETHROTTLE},
        {"CodeMismatchException", "code", WRONG_CODE, FC_EINVAL},
        {"ExpiredCodeException", "code", "That code has expired. Ask for a new one.", FC_EINVAL},
        {"UserNotConfirmedException", "",
         "Confirm your account first: enter the code we e-mailed you when you signed up.",
         FC_AUTH_CONFIRM},
        {"PasswordResetRequiredException", "",
         "You must choose a new password first: use \"Forgot your password?\" below.", FC_EAUTH},
    };
    char msg[256];
    fc_auth_seterr(err, "", "");
    if (!code)
        code = "";
    if (has(message, "secret hash")) /* SECRET_HASH missing or wrong: our configuration */
        return FC_ERR;
    for (size_t i = 0; i < FC_ARRAY_LEN(fixed); i++)
        if (!strcmp(code, fixed[i].code))
            return say(err, fixed[i].field, fixed[i].message, fixed[i].rc);
    if (!strcmp(code, "NotAuthorizedException")) {
        if (has(message, "disabled"))
            return say(err, "", "This account is disabled. Contact the site's administrators.",
                       FC_EDISABLED);
        if (has(message, "attempts exceeded"))
            return say(err, "",
                       "Too many failed log-ins. Wait a few minutes and try again, or reset "
                       "your password.",
                       FC_ETHROTTLE);
        switch (op) {
        case FC_COGNITO_LOGIN:
            return say(err, "password", WRONG_PASSWORD, FC_EAUTH);
        case FC_COGNITO_CHANGE_PASSWORD:
            return say(err, "old_password", "Your current password is wrong", FC_EAUTH);
        case FC_COGNITO_CONFIRM:
            if (has(message, "CONFIRMED"))
                return say(err, "", CONFIRMED_ALREADY, FC_EXISTS);
            return say(err, "code", WRONG_CODE, FC_EINVAL);
        case FC_COGNITO_SIGNUP:
            return say(err, "", "This site does not accept new accounts right now.", FC_EINVAL);
        default:
            return say(err, "", SESSION_ENDED, FC_EAUTH);
        }
    }
    if (!strcmp(code, "UserNotFoundException")) {
        switch (op) {
        case FC_COGNITO_RESEND:
        case FC_COGNITO_FORGOT:
            return FC_OK; /* as if a code was sent: do not tell who has an account */
        case FC_COGNITO_CONFIRM:
        case FC_COGNITO_CONFIRM_FORGOT:
            return say(err, "code", WRONG_CODE, FC_EINVAL);
        case FC_COGNITO_LOGIN:
            return say(err, "password", WRONG_PASSWORD, FC_EAUTH);
        default:
            return say(err, "", SESSION_ENDED, FC_EAUTH);
        }
    }
    if (!strcmp(code, "InvalidPasswordException")) {
        if (op == FC_COGNITO_LOGIN)
            return say(err, "password", WRONG_PASSWORD, FC_EAUTH);
        snprintf(msg, sizeof msg, "Choose a stronger password: %s", policy_detail(message));
        return say(err, "password", msg, FC_EINVAL);
    }
    if (!strcmp(code, "UserLambdaValidationException")) {
        snprintf(msg, sizeof msg, "The sign-in service refused this: %s", message ? message : "");
        return say(err, "", msg, FC_EINVAL);
    }
    if (!strcmp(code, "InvalidParameterException")) {
        if (op == FC_COGNITO_RESEND && has(message, "already confirmed"))
            return say(err, "", CONFIRMED_ALREADY, FC_EXISTS);
        if (op == FC_COGNITO_FORGOT && (has(message, "verified") || has(message, "registered")))
            return say(err, "username",
                       "This account has no confirmed e-mail address to send a code to. "
                       "Contact the site's administrators.",
                       FC_EINVAL);
        if (op == FC_COGNITO_SIGNUP && has(message, "email"))
            return say(err, "email", "Enter an e-mail address like name@example.com", FC_EINVAL);
        if (has(message, "password")) {
            snprintf(msg, sizeof msg, "Choose another password: %s", message);
            return say(err, "password", msg, FC_EINVAL);
        }
        snprintf(msg, sizeof msg, "Check what you entered: %s", message ? message : "");
        return say(err, "", msg, FC_EINVAL);
    }
    return FC_ERR;
}

char *fc_cognito_seal(const unsigned char key[32], const char *aad, const char *plain)
{
    size_t n = strlen(plain);
    unsigned char *buf = malloc(12 + n + 16);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    char *b64 = NULL, *out = NULL;
    int len = 0, fin = 0;

    if (!buf || !ctx || n > INT_MAX - 64 || RAND_bytes(buf, 12) != 1 ||
        EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, buf) != 1 ||
        EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
        EVP_EncryptUpdate(ctx, buf + 12, &len, (const unsigned char *)plain, (int)n) != 1 ||
        EVP_EncryptFinal_ex(ctx, buf + 12 + len, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, buf + 12 + n) != 1)
        goto out;
    if (!(b64 = fc_jwt_b64url_encode(buf, 12 + n + 16)) || !(out = malloc(strlen(b64) + 4)))
        goto out;
    sprintf(out, "v1.%s", b64);
out:
    if (buf)
        OPENSSL_cleanse(buf, 12 + n + 16);
    free(buf);
    free(b64);
    EVP_CIPHER_CTX_free(ctx);
    return out;
}

char *fc_cognito_unseal(const unsigned char key[32], const char *aad, const char *sealed)
{
    unsigned char *raw = NULL;
    size_t n = 0;
    char *out = NULL;
    EVP_CIPHER_CTX *ctx = NULL;
    int len = 0, fin = 0, ok = 0;

    if (strncmp(sealed, "v1.", 3) != 0 ||
        fc_jwt_b64url_decode(sealed + 3, strlen(sealed + 3), &raw, &n) != FC_OK || n < 28 ||
        n > INT_MAX)
        goto out;
    if (!(out = malloc(n - 28 + 1)) || !(ctx = EVP_CIPHER_CTX_new()))
        goto out;
    ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, raw) == 1 &&
         EVP_DecryptUpdate(ctx, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) == 1 &&
         EVP_DecryptUpdate(ctx, (unsigned char *)out, &len, raw + 12, (int)(n - 28)) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, raw + n - 16) == 1 &&
         EVP_DecryptFinal_ex(ctx, (unsigned char *)out + len, &fin) == 1;
    if (ok)
        out[n - 28] = '\0';
out:
    if (!ok && out) {
        OPENSSL_cleanse(out, n >= 28 ? n - 28 : 0);
        free(out);
        out = NULL;
    }
    if (raw)
        OPENSSL_cleanse(raw, n);
    free(raw);
    EVP_CIPHER_CTX_free(ctx);
    return out;
}

/* ---- calls ---------------------------------------------------------------------------------- */

static const char *op_name(enum fc_cognito_op op)
{
    static const char *const names[] = {
        "SignUp",       "ConfirmSignUp",  "ResendConfirmationCode", "InitiateAuth",
        "InitiateAuth", "ForgotPassword", "ConfirmForgotPassword",  "ChangePassword",
        "RevokeToken"};
    return names[op];
}

/* Calls the user-pool operation of op with req (consumed). FC_OK with *resp (caller puts it)
 * or what fc_cognito_map_error says, err filled. Unexpected failures are logged (code, status,
 * request id and Cognito's message: never the request, which holds passwords or tokens). */
static int call(struct cognito_auth *ca, enum fc_cognito_op op, json_object *req,
                json_object **resp, struct fc_auth_error *err)
{
    char target[96];
    struct aws_error ae;
    int rc;

    *resp = NULL;
    snprintf(target, sizeof target, "AWSCognitoIdentityProviderService.%s", op_name(op));
    if (!req)
        return FC_ERR;
    rc = aws_json_call(ca->idp, target, req, resp, &ae);
    json_object_put(req);
    if (rc == AWS_OK)
        return FC_OK;
    if (rc == AWS_E_HTTP) {
        int m = fc_cognito_map_error(op, ae.code, ae.message, err);
        if (m == FC_ERR)
            fprintf(stderr, "forkcast: cognito: %s: %s (HTTP %d, request %s): %.200s\n",
                    op_name(op), ae.code, ae.http_status, ae.request_id, ae.message);
        /* 5xx or throttling until the retries ran out: the person is told, the page is 503 */
        if (m == FC_ERR && ae.retryable)
            fc_auth_seterr(err, "",
                           "The sign-in service is not working right now. Try again "
                           "in a minute.");
        if (m != FC_OK)
            return m;
        return FC_NOTFOUND; /* "unknown user" kept quiet: the caller answers as for success */
    }
    fprintf(stderr, "forkcast: cognito: %s: %s: %.200s (%d attempts)\n", op_name(op), ae.code,
            ae.message, ae.attempts);
    fc_auth_seterr(err, "", "The sign-in service did not answer. Try again in a minute.");
    return FC_ERR;
}

static void add_str(json_object *o, const char *k, const char *v)
{
    json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

/* A request with ClientId and, when the client has a secret, SecretHash (or
 * AuthParameters.SECRET_HASH when params is given). */
static json_object *new_req(struct cognito_auth *ca, const char *username, json_object *params)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    add_str(o, "ClientId", ca->client_id);
    if (ca->client_secret[0] && username) {
        char h[64];
        if (fc_cognito_secret_hash(ca->client_secret, username, ca->client_id, h)) {
            json_object_put(o);
            return NULL;
        }
        add_str(params ? params : o, params ? "SECRET_HASH" : "SecretHash", h);
    }
    if (username && !params)
        add_str(o, "Username", username);
    return o;
}

static const char *get_str(json_object *o, const char *path1, const char *path2)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, path1, &v))
        return NULL;
    if (path2 && !json_object_object_get_ex(v, path2, &v))
        return NULL;
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* Where a code went, masked like Cognito does ("a***@e***") when it is not already. */
static void set_dest(json_object *resp, char dest[128])
{
    const char *d = get_str(resp, "CodeDeliveryDetails", "Destination");
    const char *at;
    dest[0] = '\0';
    if (!d || !*d)
        return;
    if (strstr(d, "***") || !(at = strchr(d, '@')) || at == d || !at[1]) {
        fc_strlcpy(dest, d, 128);
        return;
    }
    snprintf(dest, 128, "%c***@%c***", d[0], at[1]);
}

/* Verifies the tokens of an AuthenticationResult into t (the refresh token is kept from t when
 * the answer has none) and the claims into idc / ac. FC_OK or FC_ERR (logged). */
static int take_tokens(struct cognito_auth *ca, json_object *resp, struct tokens *t,
                       struct fc_jwt_claims *idc, struct fc_jwt_claims *ac)
{
    const struct fc_jwt_expect eid = {ca->issuer, ca->client_id, FC_JWT_ID, ca->leeway};
    const struct fc_jwt_expect eac = {ca->issuer, ca->client_id, FC_JWT_ACCESS, ca->leeway};
    const char *access = get_str(resp, "AuthenticationResult", "AccessToken");
    const char *id = get_str(resp, "AuthenticationResult", "IdToken");
    const char *refresh = get_str(resp, "AuthenticationResult", "RefreshToken");
    char why[256];
    char *na = NULL, *nr = NULL;

    if (!access || !id || (!refresh && !t->refresh)) {
        fprintf(stderr, "forkcast: cognito: the answer holds no tokens\n");
        return FC_ERR;
    }
    if (fc_jwt_verify(ca->jwks, id, &eid, idc, why, sizeof why) != FC_OK) {
        fprintf(stderr, "forkcast: cognito: ID token refused: %s\n", why);
        return FC_ERR;
    }
    if (fc_jwt_verify(ca->jwks, access, &eac, ac, why, sizeof why) != FC_OK) {
        fprintf(stderr, "forkcast: cognito: access token refused: %s\n", why);
        return FC_ERR;
    }
    if (strcmp(idc->sub, ac->sub) != 0 || (t->sub[0] && strcmp(t->sub, ac->sub) != 0)) {
        fprintf(stderr, "forkcast: cognito: tokens for another user\n");
        return FC_ERR;
    }
    if (!(na = strdup(access)) || (refresh && !(nr = strdup(refresh)))) {
        free(na);
        return FC_ERR;
    }
    if (!t->sub[0]) {
        fc_strlcpy(t->sub, ac->sub, sizeof t->sub);
        fc_strlcpy(t->username, idc->username[0] ? idc->username : ac->username,
                   sizeof t->username);
    }
    if (t->access) {
        OPENSSL_cleanse(t->access, strlen(t->access));
        free(t->access);
    }
    t->access = na;
    if (nr) {
        if (t->refresh) {
            OPENSSL_cleanse(t->refresh, strlen(t->refresh));
            free(t->refresh);
        }
        t->refresh = nr;
    }
    t->access_exp = ac->exp;
    return FC_OK;
}

/* ---- the store side ------------------------------------------------------------------------- */

static int derive_key(HDF *cfg, struct fc_store *store, unsigned char key[32]);

/* The sealing key, derived now if the store did not answer at start. FC_OK or FC_ERR. */
static int key_ready(struct cognito_auth *ca)
{
    if (!ca->key_pending)
        return FC_OK;
    if (derive_key(ca->cfg, ca->store, ca->key) != FC_OK)
        return FC_ERR;
    ca->key_pending = 0;
    return FC_OK;
}

static int tokens_save(struct cognito_auth *ca, const char *hash, const struct tokens *t)
{
    json_object *o;
    char *sealed = NULL;
    int rc = FC_ERR;
    if (key_ready(ca) || !(o = json_object_new_object()))
        return FC_ERR;
    add_str(o, "u", t->username);
    add_str(o, "s", t->sub);
    add_str(o, "a", t->access);
    add_str(o, "r", t->refresh);
    {
        const char *plain = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        sealed = plain ? fc_cognito_seal(ca->key, hash, plain) : NULL;
        if (plain)
            OPENSSL_cleanse((void *)plain, strlen(plain));
    }
    if (sealed)
        rc = ca->store->ops->session_tokens_put(ca->store, hash, sealed, t->access_exp, fc_now());
    free(sealed);
    json_object_put(o);
    return rc;
}

/* Reads the session's tokens: FC_OK, FC_NOTFOUND (none, or they cannot be opened) or FC_ERR. */
static int tokens_load(struct cognito_auth *ca, const char *hash, struct tokens *t,
                       int64_t *updated_at)
{
    char *sealed = NULL, *plain = NULL;
    json_object *o = NULL;
    int64_t exp = 0, upd = 0;
    int rc;

    memset(t, 0, sizeof *t);
    if (key_ready(ca))
        return FC_ERR;
    rc = ca->store->ops->session_tokens_get(ca->store, hash, &sealed, &exp, &upd);
    if (rc)
        return rc;
    rc = FC_NOTFOUND;
    if (!(plain = fc_cognito_unseal(ca->key, hash, sealed))) {
        fprintf(stderr,
                "forkcast: cognito: a session's tokens cannot be opened (secret changed?)\n");
        goto out;
    }
    o = json_tokener_parse(plain);
    if (!o || !get_str(o, "a", NULL) || !get_str(o, "r", NULL) || !get_str(o, "s", NULL))
        goto out;
    fc_strlcpy(t->username, get_str(o, "u", NULL) ? get_str(o, "u", NULL) : "", sizeof t->username);
    fc_strlcpy(t->sub, get_str(o, "s", NULL), sizeof t->sub);
    t->access = strdup(get_str(o, "a", NULL));
    t->refresh = strdup(get_str(o, "r", NULL));
    t->access_exp = exp;
    if (updated_at)
        *updated_at = upd;
    rc = t->access && t->refresh ? FC_OK : FC_ERR;
out:
    if (rc != FC_OK)
        tokens_clear(t);
    if (plain) {
        OPENSSL_cleanse(plain, strlen(plain));
        free(plain);
    }
    json_object_put(o);
    free(sealed);
    return rc;
}

/* Finds the local profile of Cognito user sub, creating it on first sight (the username, or
 * username-<sub> when another account has it; the e-mail address, or <sub>@cognito.invalid when
 * another account has it). */
static int ensure_profile(struct cognito_auth *ca, const char *sub, const char *username,
                          const char *email, int email_verified, const char *display_name,
                          struct fc_user *out)
{
    struct fc_store *s = ca->store;
    struct fc_auth_error e;
    struct fc_user u, other;
    char ext[64];
    int rc;

    snprintf(ext, sizeof ext, "cognito:%s", sub);
    rc = s->ops->user_by_ext(s, ext, out);
    if (rc != FC_NOTFOUND)
        return rc;
    /* A local account (from before the site moved to Cognito, or imported) whose e-mail the
     * pool has verified is this person's: link it rather than start a second profile. Not
     * one that already belongs to a pool user. */
    memset(&other, 0, sizeof other);
    if (email_verified && email && *email && s->ops->user_by_email(s, email, &other) == FC_OK &&
        !other.auth_id[0] && strncmp(other.ext_id, "cognito:", 8) != 0) {
        rc = s->ops->user_link_auth(s, other.id, ext);
        if (rc == FC_OK) {
            fc_strlcpy(other.auth_id, ext, sizeof other.auth_id);
            fprintf(stderr, "forkcast: cognito: linked the local account %s to %s\n",
                    other.username, ext);
            *out = other; /* takes its text */
            return FC_OK;
        }
        fc_user_clear(&other);
        if (rc != FC_EXISTS)
            return rc;
        /* linked meanwhile by a concurrent first log-in: take what it made */
        rc = s->ops->user_by_ext(s, ext, out);
        if (rc != FC_NOTFOUND)
            return rc;
    }
    fc_user_clear(&other); /* a pool user's already */
    memset(&u, 0, sizeof u);
    fc_strlcpy(u.ext_id, ext, sizeof u.ext_id);
    if (fc_auth_check_username(username, &e) == FC_OK)
        fc_strlcpy(u.username, username, sizeof u.username);
    else
        snprintf(u.username, sizeof u.username, "user-%.8s", sub);
    if (email && fc_auth_check_email(email, &e) == FC_OK)
        fc_strlcpy(u.email, email, sizeof u.email);
    else
        snprintf(u.email, sizeof u.email, "%s@cognito.invalid", sub);
    fc_strlcpy(u.display_name, display_name && *display_name ? display_name : u.username,
               sizeof u.display_name);
    fc_strlcpy(u.visibility, "public", sizeof u.visibility);
    for (int tries = 0; tries < 3; tries++) {
        rc = s->ops->user_create(s, &u);
        if (rc != FC_EXISTS)
            break;
        int taken = s->ops->user_by_name(s, u.username, &other) == FC_OK;
        fc_user_clear(&other);
        if (taken) {
            char base[40];
            fc_strlcpy(base, username, 24);
            snprintf(u.username, sizeof u.username, "%s-%.6s", base, sub);
        } else {
            snprintf(u.email, sizeof u.email, "%s@cognito.invalid", sub);
        }
    }
    if (rc == FC_OK)
        *out = u;
    return rc;
}

/* The admin role follows the pool's admin group. */
static void sync_admin(struct cognito_auth *ca, struct fc_user *u, const struct fc_jwt_claims *c)
{
    int admin = fc_jwt_in_group(c, ca->admin_group);
    if (admin != u->is_admin &&
        ca->store->ops->user_set_flags(ca->store, u->id, admin, u->disabled) == FC_OK)
        u->is_admin = admin;
}

/* ---- the interface -------------------------------------------------------------------------- */

static int revoke_refresh(struct cognito_auth *ca, const char *refresh)
{
    struct fc_auth_error e;
    json_object *req = json_object_new_object(), *resp = NULL;
    int rc;
    if (!req)
        return FC_ERR;
    add_str(req, "ClientId", ca->client_id);
    add_str(req, "Token", refresh);
    if (ca->client_secret[0])
        add_str(req, "ClientSecret", ca->client_secret);
    rc = call(ca, FC_COGNITO_LOGOUT, req, &resp, &e);
    json_object_put(resp);
    return rc;
}

static int c_login(struct fc_auth *a, const char *username, const char *password, const char *addr,
                   struct fc_user *out, struct fc_auth_error *err)
{
    struct cognito_auth *ca = (struct cognito_auth *)a;
    struct fc_store *s = ca->store;
    struct fc_jwt_claims *idc = calloc(2, sizeof *idc), *ac = idc + 1;
    json_object *params = json_object_new_object(), *req, *resp = NULL;
    char ukey[128], akey[128];
    struct tokens t;
    int rc = FC_ERR;
    int64_t now = fc_now();

    memset(&t, 0, sizeof t);
    tokens_clear(&ca->pending);
    if (!idc || !params)
        goto out;
    rc = fc_auth_login_throttle(s, &ca->throttle, username, addr, now, ukey, akey, err);
    if (rc)
        goto out;
    rc = FC_ERR;
    add_str(params, "USERNAME", username);
    add_str(params, "PASSWORD", password);
    req = new_req(ca, username, params);
    if (!req)
        goto out;
    add_str(req, "AuthFlow", "USER_PASSWORD_AUTH");
    json_object_object_add(req, "AuthParameters", params);
    params = NULL;
    rc = call(ca, FC_COGNITO_LOGIN, req, &resp, err);
    if (rc == FC_EAUTH && !strcmp(err->field, "password") &&
        (s->ops->fail_record(s, ukey, now) || s->ops->fail_record(s, akey, now)))
        rc = FC_ERR;
    if (rc == FC_NOTFOUND)
        rc = FC_ERR;
    if (rc)
        goto out;
    if (get_str(resp, "ChallengeName", NULL)) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "This account needs a step this site does not offer (%.40s). Contact the site's "
                 "administrators.",
                 get_str(resp, "ChallengeName", NULL));
        fc_auth_seterr(err, "", msg);
        rc = FC_EAUTH;
        goto out;
    }
    if ((rc = take_tokens(ca, resp, &t, idc, ac)))
        goto out;
    if ((rc = ensure_profile(ca, ac->sub, t.username, idc->email, idc->email_verified, NULL, out)))
        goto out;
    sync_admin(ca, out, ac);
    if (out->disabled) {
        revoke_refresh(ca, t.refresh);
        fc_auth_seterr(err, "", "This account is disabled. Contact the site's administrators.");
        rc = FC_EDISABLED;
        goto out;
    }
    s->ops->fail_clear(s, ukey);
    ca->pending = t;
    ca->pending_user = out->id;
    memset(&t, 0, sizeof t);
    rc = FC_OK;
out:
    tokens_clear(&t);
    json_object_put(params);
    json_object_put(resp);
    free(idc);
    return rc;
}

static int c_signup(struct fc_auth *a, const struct fc_signup *in, struct fc_user *out,
                    struct fc_auth_error *err)
{
    struct cognito_auth *ca = (struct cognito_auth *)a;
    json_object *req, *resp = NULL, *attrs, *email;
    const char *sub;
    char dest[128], msg[256];
    int rc;

    if ((rc = fc_auth_check_username(in->username, err)) ||
        (rc = fc_auth_check_email(in->email, err)))
        return rc;
    if (fc_auth_check_password(in->password, in->username, ca->min_len, err))
        return FC_EINVAL;
    /* a local account (from before Cognito, or the demo data) keeps its name */
    if (ca->store->ops->user_by_name(ca->store, in->username, out) == FC_OK) {
        fc_auth_seterr(err, "username", "That username is taken; choose another");
        return FC_EXISTS;
    }
    /* one account per e-mail address, as with local accounts (a pool may allow more) */
    if (ca->store->ops->user_by_email(ca->store, in->email, out) == FC_OK) {
        fc_auth_seterr(err, "email", "An account with that e-mail address already exists");
        return FC_EXISTS;
    }
    req = new_req(ca, in->username, NULL);
    attrs = json_object_new_array();
    email = json_object_new_object();
    if (!req || !attrs || !email) {
        json_object_put(req);
        json_object_put(attrs);
        json_object_put(email);
        return FC_ERR;
    }
    add_str(req, "Password", in->password);
    add_str(email, "Name", "email");
    add_str(email, "Value", in->email);
    json_object_array_add(attrs, email);
    json_object_object_add(req, "UserAttributes", attrs);
    rc = call(ca, FC_COGNITO_SIGNUP, req, &resp, err);
    if (rc == FC_NOTFOUND)
        rc = FC_ERR;
    if (rc)
        goto out;
    sub = get_str(resp, "UserSub", NULL);
    if (!sub || !*sub || strlen(sub) > 48) {
        fprintf(stderr, "forkcast: cognito: SignUp answered no UserSub\n");
        rc = FC_ERR;
        goto out;
    }
    if ((rc = ensure_profile(ca, sub, in->username, in->email, 0, in->display_name, out)))
        goto out;
    if (json_object_get_boolean(json_object_object_get(resp, "UserConfirmed"))) {
        /* confirmed by the pool (a pre-sign-up trigger): log in at once */
        rc = c_login(a, in->username, in->password, NULL, out, err);
        goto out;
    }
    set_dest(resp, dest);
    if (dest[0])
        snprintf(msg, sizeof msg, "We sent a confirmation code to %s. Enter it below.", dest);
    else
        snprintf(msg, sizeof msg, "Enter the confirmation code we sent you.");
    fc_auth_seterr(err, "", msg);
    rc = FC_AUTH_CONFIRM;
out:
    json_object_put(resp);
    return rc;
}

/* A code as typed: digits (spaces ignored), 1 to 16 of them. */
static int clean_code(const char *in, char out[17], struct fc_auth_error *err)
{
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        if (!isdigit((unsigned char)*p) || n >= 16) {
            n = 0;
            break;
        }
        out[n++] = *p;
    }
    out[n] = '\0';
    if (n == 0) {
        fc_auth_seterr(err, "code", "Enter the code from the e-mail (digits only)");
        return FC_EINVAL;
    }
    return FC_OK;
}

static int need_username(const char *username, struct fc_auth_error *err)
{
    if (!username || !*username || strlen(username) > 128) {
        fc_auth_seterr(err, "username", "Enter your username");
        return FC_EINVAL;
    }
    return FC_OK;
}

static int c_confirm(struct fc_auth *a, const char *username, const char *code,
                     struct fc_auth_error *err)
{
    struct cognito_auth *ca = (struct cognito_auth *)a;
    json_object *req, *resp = NULL;
    char c[17];
    int rc;
    if ((rc = need_username(username, err)) || (rc = clean_code(code, c, err)))
        return rc;
    if (!(req = new_req(ca, username, NULL)))
        return FC_ERR;
    add_str(req, "ConfirmationCode", c);
    rc = call(ca, FC_COGNITO_CONFIRM, req, &resp, err);
    json_object_put(resp);
    return rc == FC_NOTFOUND ? FC_ERR : rc;
}

/* ResendConfirmationCode and ForgotPassword: the same shape. */
static int send_code(struct cognito_auth *ca, enum fc_cognito_op op, const char *username,
                     char dest[128], struct fc_auth_error *err)
{
    json_object *req, *resp = NULL;
    int rc;
    dest[0] = '\0';
    if ((rc = need_username(username, err)))
        return rc;
    if (!(req = new_req(ca, username, NULL)))
        return FC_ERR;
    rc = call(ca, op, req, &resp, err);
    if (rc == FC_OK)
        set_dest(resp, dest);
    json_object_put(resp);
    return rc == FC_NOTFOUND ? FC_OK : rc;
}

static int c_resend(struct fc_auth *a, const char *username, char dest[128],
                    struct fc_auth_error *err)
{
    return send_code((struct cognito_auth *)a, FC_COGNITO_RESEND, username, dest, err);
}

static int c_forgot(struct fc_auth *a, const char *username, char dest[128],
                    struct fc_auth_error *err)
{
    return send_code((struct cognito_auth *)a, FC_COGNITO_FORGOT, username, dest, err);
}

static int c_confirm_forgot(struct fc_auth *a, const char *username, const char *code,
                            const char *password, struct fc_auth_error *err)
{
    struct cognito_auth *ca = (struct cognito_auth *)a;
    struct fc_store *s = ca->store;
    json_object *req, *resp = NULL;
    struct fc_user u;
    char c[17];
    int rc;

    if ((rc = need_username(username, err)) || (rc = clean_code(code, c, err)))
        return rc;
    if (fc_auth_check_password(password, username, ca->min_len, err))
        return FC_EINVAL;
    if (!(req = new_req(ca, username, NULL)))
        return FC_ERR;
    add_str(req, "ConfirmationCode", c);
    add_str(req, "Password", password);
    rc = call(ca, FC_COGNITO_CONFIRM_FORGOT, req, &resp, err);
    json_object_put(resp);
    if (rc == FC_NOTFOUND)
        rc = FC_ERR;
    /* a reset password ends the sessions forkcast holds for that user: the profile of that
     * name, when it is a pool user's (made by Cognito, or a local account linked to one) */
    if (rc == FC_OK && s->ops->user_by_name(s, username, &u) == FC_OK) {
        fc_user_clear(&u); /* its identities are what counts */
        if ((!strncmp(u.ext_id, "cognito:", 8) || !strncmp(u.auth_id, "cognito:", 8)) &&
            s->ops->session_delete_user(s, u.id))
            fprintf(stderr,
                    "forkcast: cognito: the sessions of user %lld could not be ended after "
                    "a password reset\n",
                    (long long)u.id);
    }
    return rc;
}

static int c_session_check(struct fc_auth *a, const char *hash, struct fc_user *u);

static int c_change_password(struct fc_auth *a, const char *hash, const struct fc_user *u,
                             const char *old_password, const char *new_password,
                             struct fc_auth_error *err)
{
    struct cognito_auth *ca = (struct cognito_auth *)a;
    struct fc_user cur = *u;
    json_object *req, *resp = NULL;
    struct tokens t;
    int rc;

    if (fc_auth_check_password(new_password, u->username, ca->min_len, err))
        return FC_EINVAL;
    if (strcmp(old_password, new_password) == 0) {
        fc_auth_seterr(err, "password", "The new password is the same as the current one");
        return FC_EINVAL;
    }
    rc = c_session_check(a, hash, &cur); /* a fresh access token */
    if (rc == FC_OK)
        rc = tokens_load(ca, hash, &t, NULL);
    if (rc == FC_NOTFOUND || rc == FC_EAUTH) {
        fc_auth_seterr(err, "", "Your session has ended. Log in again.");
        return FC_EAUTH;
    }
    if (rc)
        return rc;
    req = json_object_new_object();
    if (req) {
        add_str(req, "PreviousPassword", old_password);
        add_str(req, "ProposedPassword", new_password);
        add_str(req, "AccessToken", t.access);
    }
    rc = call(ca, FC_COGNITO_CHANGE_PASSWORD, req, &resp, err);
    json_object_put(resp);
    if (rc == FC_OK) {
        /* the caller ends every session of the user and starts a new one for this browser:
         * these tokens (still valid) go with it (session_attach) */
        tokens_clear(&ca->pending);
        ca->pending = t;
        ca->pending_user = u->id;
        memset(&t, 0, sizeof t);
    }
    tokens_clear(&t);
    return rc == FC_NOTFOUND ? FC_EAUTH : rc;
}

static int c_session_attach(struct fc_auth *a, const char *hash, const struct fc_user *u)
{
    struct cognito_auth *ca = (struct cognito_auth *)a;
    int rc = FC_ERR;
    if (ca->pending.access && ca->pending_user == u->id)
        rc = tokens_save(ca, hash, &ca->pending);
    else
        fprintf(stderr, "forkcast: cognito: no tokens to attach to the session of user %lld\n",
                (long long)u->id);
    tokens_clear(&ca->pending);
    return rc;
}

/* Refreshes t with REFRESH_TOKEN_AUTH. FC_OK, FC_EAUTH (revoked or expired: the session
 * ends) or FC_ERR (the service did not answer). */
static int refresh(struct cognito_auth *ca, struct tokens *t, struct fc_user *u)
{
    struct fc_jwt_claims *idc = calloc(2, sizeof *idc), *ac = idc + 1;
    json_object *params = json_object_new_object(), *req, *resp = NULL;
    struct fc_auth_error err;
    int rc = FC_ERR;

    if (!idc || !params)
        goto out;
    add_str(params, "REFRESH_TOKEN", t->refresh);
    if (!(req = new_req(ca, t->username, params)))
        goto out;
    add_str(req, "AuthFlow", "REFRESH_TOKEN_AUTH");
    json_object_object_add(req, "AuthParameters", params);
    params = NULL;
    rc = call(ca, FC_COGNITO_REFRESH, req, &resp, &err);
    if (rc == FC_EAUTH || rc == FC_EDISABLED || rc == FC_NOTFOUND) {
        rc = FC_EAUTH;
        goto out;
    }
    if (rc) {
        rc = FC_ERR;
        goto out;
    }
    if (take_tokens(ca, resp, t, idc, ac)) {
        rc = FC_EAUTH;
        goto out;
    }
    sync_admin(ca, u, ac);
    rc = FC_OK;
out:
    json_object_put(params);
    json_object_put(resp);
    free(idc);
    return rc;
}

static int c_session_check(struct fc_auth *a, const char *hash, struct fc_user *u)
{
    struct cognito_auth *ca = (struct cognito_auth *)a;
    struct tokens t;
    int64_t now = fc_now(), exp = 0, upd = 0;
    char *sealed = NULL;
    int rc;

    rc = ca->store->ops->session_tokens_get(ca->store, hash, &sealed, &exp, &upd);
    free(sealed);
    if (rc == FC_NOTFOUND) {
        fprintf(stderr, "forkcast: cognito: session of user %lld has no tokens: ended\n",
                (long long)u->id);
        return FC_EAUTH;
    }
    if (rc)
        return FC_ERR;
    if (exp - now > ca->refresh_margin || now < ca->backoff_until)
        return FC_OK;
    rc = tokens_load(ca, hash, &t, NULL);
    if (rc == FC_NOTFOUND)
        return FC_EAUTH;
    if (rc)
        return FC_ERR;
    rc = refresh(ca, &t, u);
    if (rc == FC_OK)
        rc = tokens_save(ca, hash, &t);
    else if (rc == FC_ERR) {
        /* the service is unreachable: the forkcast session goes on; try again later */
        ca->backoff_until = now + REFRESH_BACKOFF;
        rc = FC_OK;
    }
    tokens_clear(&t);
    return rc;
}

static int c_logout(struct fc_auth *a, const char *hash)
{
    struct cognito_auth *ca = (struct cognito_auth *)a;
    struct tokens t;
    if (!hash || !hash[0] || tokens_load(ca, hash, &t, NULL) != FC_OK)
        return FC_OK;
    revoke_refresh(ca, t.refresh); /* failures are logged; the session ends anyway */
    tokens_clear(&t);
    return FC_OK;
}

static void c_close(struct fc_auth *a)
{
    struct cognito_auth *ca = (struct cognito_auth *)a;
    tokens_clear(&ca->pending);
    aws_client_free(ca->idp);
    fc_jwks_free(ca->jwks);
    OPENSSL_cleanse(ca, sizeof *ca);
    free(ca);
}

static const struct fc_auth_ops cognito_ops = {
    .name = "cognito",
    .close = c_close,
    .signup = c_signup,
    .login = c_login,
    .confirm = c_confirm,
    .resend = c_resend,
    .forgot = c_forgot,
    .confirm_forgot = c_confirm_forgot,
    .change_password = c_change_password,
    .session_attach = c_session_attach,
    .session_check = c_session_check,
    .logout = c_logout,
};

/* ---- opening -------------------------------------------------------------------------------- */

/* The key that seals session tokens: HMAC-SHA256(the site's key, a label), the same on every
 * app host (fc_secret_resolve). */
static int derive_key(HDF *cfg, struct fc_store *store, unsigned char key[32])
{
    static const char label[] = "forkcast cognito session tokens v1";
    char source[32];
    unsigned char secret[FC_SECRET_LEN];
    unsigned int n = 0;
    int rc = fc_secret_resolve(cfg, store, secret, source, sizeof source);
    if (rc == FC_SECRET_LATER)
        return rc;
    if (rc != FC_OK || !HMAC(EVP_sha256(), secret, sizeof secret, (const unsigned char *)label,
                             sizeof label - 1, key, &n)) {
        OPENSSL_cleanse(secret, sizeof secret);
        return FC_ERR;
    }
    OPENSSL_cleanse(secret, sizeof secret);
    return FC_OK;
}

/* The cognito-idp client for region: the configured endpoint override when there is one,
 * else the pool's regional endpoint (whatever AWS_REGION says: public calls are unsigned). */
static int make_client(HDF *cfg, const char *region, struct aws_client **out)
{
    HDF *copy = NULL;
    NEOERR *err;
    char url[256];
    int rc;

    if (aws_client_new(cfg, "cognito-idp", out) != AWS_OK)
        return FC_ERR;
    if (aws_client_endpoint(*out)->overridden || !strcmp(aws_client_region(*out), region))
        return FC_OK;
    aws_client_free(*out);
    *out = NULL;
    snprintf(url, sizeof url, "https://cognito-idp.%s.amazonaws.com%s", region,
             strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
    err = hdf_init(&copy);
    if (!err && cfg)
        err = hdf_copy(copy, "", cfg);
    if (!err)
        err = hdf_set_value(copy, "AWS.Endpoint.CognitoIdentityProvider", url);
    if (err) {
        nerr_ignore(&err);
        hdf_destroy(&copy);
        return FC_ERR;
    }
    rc = aws_client_new(copy, "cognito-idp", out) == AWS_OK ? FC_OK : FC_ERR;
    hdf_destroy(&copy);
    return rc;
}

static int cfg_int(HDF *cfg, const char *key, int def)
{
    return aws_config_int(cfg, key, def);
}

int fc_cognito_open(HDF *cfg, struct fc_store *store, struct fc_auth **out)
{
    struct cognito_auth *ca = calloc(1, sizeof *ca);
    const char *pool = aws_config_str(cfg, "Auth.Cognito.UserPoolId", "");
    const char *client = aws_config_str(cfg, "Auth.Cognito.ClientId", "");
    const char *secret = aws_config_str(cfg, "Auth.Cognito.ClientSecret", "");
    const char *region = aws_config_str(cfg, "Auth.Cognito.Region", "");
    const char *issuer = aws_config_str(cfg, "Auth.Cognito.Issuer", "");
    const char *jwks_url = aws_config_str(cfg, "Auth.Cognito.JwksUrl", "");
    char reg[64], url[600];
    struct fc_jwks_config jc = {0};
    int rc;

    if (!ca)
        return FC_ERR;
    ca->base.ops = &cognito_ops;
    ca->store = store;
    if (!*pool || !*client || strlen(pool) >= sizeof ca->pool_id ||
        strlen(client) >= sizeof ca->client_id || strlen(secret) >= sizeof ca->client_secret) {
        fprintf(stderr, "forkcast: Auth.Backend = cognito needs Auth.Cognito.UserPoolId and "
                        "Auth.Cognito.ClientId\n");
        goto fail;
    }
    if (!store->ops->session_tokens_put || !store->ops->session_tokens_get) {
        fprintf(stderr, "forkcast: the %s store cannot keep Cognito sessions\n", store->ops->name);
        goto fail;
    }
    fc_strlcpy(ca->pool_id, pool, sizeof ca->pool_id);
    fc_strlcpy(ca->client_id, client, sizeof ca->client_id);
    fc_strlcpy(ca->client_secret, secret, sizeof ca->client_secret);
    /* the region: configured, else the pool id's prefix ("eu-west-1_AbC" -> eu-west-1) */
    if (*region)
        fc_strlcpy(reg, region, sizeof reg);
    else
        snprintf(reg, sizeof reg, "%.*s", (int)strcspn(pool, "_"), pool);
    if (!*reg || strspn(reg, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(reg)) {
        fprintf(stderr, "forkcast: Auth.Cognito: cannot tell the region of pool %s\n", pool);
        goto fail;
    }
    if (*issuer)
        fc_strlcpy(ca->issuer, issuer, sizeof ca->issuer);
    else
        snprintf(ca->issuer, sizeof ca->issuer, "https://cognito-idp.%s.amazonaws.com/%s", reg,
                 pool);
    if (*jwks_url)
        fc_strlcpy(url, jwks_url, sizeof url);
    else
        snprintf(url, sizeof url, "%s/.well-known/jwks.json", ca->issuer);
    fc_strlcpy(ca->admin_group, aws_config_str(cfg, "Auth.Cognito.AdminGroup", "admin"),
               sizeof ca->admin_group);
    ca->leeway = cfg_int(cfg, "Auth.Cognito.Leeway", 30);
    ca->refresh_margin = cfg_int(cfg, "Auth.Cognito.RefreshMargin", 300);
    ca->min_len = fc_auth_password_min(cfg);
    fc_auth_throttle_read(cfg, &ca->throttle);
    jc.url = url;
    jc.refetch_interval = cfg_int(cfg, "Auth.Cognito.JwksRefetchInterval", 60);
    jc.max_age = cfg_int(cfg, "Auth.Cognito.JwksMaxAge", 86400);
    ca->cfg = cfg;
    rc = derive_key(cfg, store, ca->key);
    if (rc == FC_SECRET_LATER) {
        ca->key_pending = 1; /* the store is not answering: derived at first use */
    } else if (rc) {
        fprintf(stderr, "forkcast: Auth.Backend = cognito: cannot get the site's key\n");
        goto fail;
    }
    if (make_client(cfg, reg, &ca->idp)) {
        fprintf(stderr, "forkcast: Auth.Cognito: cannot make the cognito-idp client\n");
        goto fail;
    }
    aws_client_set_anonymous(ca->idp, 1);
    if (fc_jwks_new(&jc, &ca->jwks))
        goto fail;
    *out = &ca->base;
    return FC_OK;
fail:
    c_close(&ca->base);
    return FC_ERR;
}
