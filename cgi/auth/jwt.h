/* auth/jwt: RS256 JSON Web Tokens (Cognito's ID and access tokens): parsing, the issuer's
 * key set (JWKS) fetched and cached, signature and claim checks. See docs/cognito.md. */
#ifndef FC_JWT_H
#define FC_JWT_H

#include <stddef.h>
#include <stdint.h>

/* Longest token accepted (Cognito's are 1-4 KB). */
#define FC_JWT_MAX_LEN 16384
/* Largest key set document accepted. */
#define FC_JWKS_MAX_BODY 65536
/* Seconds between fetches while no key set could be loaded yet. */
#define FC_JWKS_RETRY_EMPTY 5

/* Decodes base64url (RFC 4648 section 5, padding tolerated) into *out (malloc'ed, with a NUL
 * after the *len bytes). FC_OK, FC_EINVAL (not base64url) or FC_ERR (allocation). */
int fc_jwt_b64url_decode(const char *in, size_t n, unsigned char **out, size_t *len);
/* n bytes as base64url without padding, malloc'ed; NULL on allocation failure. */
char *fc_jwt_b64url_encode(const void *in, size_t n);

/* Fetches url (the key set): FC_OK with *body malloc'ed and NUL-terminated, or FC_ERR. */
typedef int (*fc_jwt_fetch_fn)(void *ctx, const char *url, char **body, size_t *len);
/* The current time in seconds. */
typedef int64_t (*fc_jwt_clock_fn)(void *ctx);

struct fc_jwks_config {
    const char *url; /* usually <issuer>/.well-known/jwks.json */
    /* The re-fetch cap: once keys are loaded, the set is fetched again (for a kid it does not
     * hold, or because it is older than max_age) at most once per this many seconds. */
    int refetch_interval;
    int max_age;           /* seconds a fetched set is trusted; 0: until an unknown kid */
    fc_jwt_fetch_fn fetch; /* NULL: HTTP GET (libcurl, TLS verified) */
    void *fetch_ctx;
    fc_jwt_clock_fn now; /* NULL: fc_now() */
    void *now_ctx;
};

/* A cached key set. One per process (no locking: one request at a time). */
struct fc_jwks;

/* Creates an empty cache (nothing is fetched before the first verification). FC_OK or FC_ERR. */
int fc_jwks_new(const struct fc_jwks_config *cfg, struct fc_jwks **out);
void fc_jwks_free(struct fc_jwks *k);
/* Replaces the cached keys with the RSA signing keys of a JWKS document (keys of another type,
 * use or algorithm, or under 2048 bits, are skipped). FC_OK when at least one key was loaded,
 * else FC_EINVAL (the cached keys are kept). */
int fc_jwks_load(struct fc_jwks *k, const char *json, size_t len);

struct fc_jwks_stats {
    unsigned fetches;  /* fetch attempts */
    unsigned failures; /* attempts that did not load a key set */
    unsigned keys;     /* keys cached now */
};
void fc_jwks_stats(const struct fc_jwks *k, struct fc_jwks_stats *out);

enum fc_jwt_use { FC_JWT_ID = 1, FC_JWT_ACCESS = 2 };

/* What a token must say. */
struct fc_jwt_expect {
    const char *issuer;    /* exact "iss" */
    const char *client_id; /* "aud" of an ID token, "client_id" of an access token */
    enum fc_jwt_use use;   /* "token_use": "id" or "access" */
    int leeway;            /* seconds of clock skew allowed on exp, nbf and iat */
};

#define FC_JWT_MAX_GROUPS 32

/* The claims forkcast uses. */
struct fc_jwt_claims {
    char sub[64];
    char username[128]; /* "cognito:username" (ID token) or "username" (access token) */
    char email[256];    /* ID token only */
    int email_verified; /* ID token: "email_verified" is true (boolean or "true") */
    char groups[FC_JWT_MAX_GROUPS][128]; /* "cognito:groups" (further ones are dropped) */
    int ngroups;
    int64_t iat, exp;
};

/* Verifies a compact JWS: exactly three base64url parts; header alg RS256 (anything else,
 * "none" and HS256 included, is refused), a kid found in the key set (fetched, or fetched
 * again within the cap, when it is not there), no "crit"; the RSA PKCS#1 v1.5 SHA-256
 * signature; then iss, token_use, aud or client_id, exp (required), nbf, iat (required) with
 * the leeway, and a sub. Returns FC_OK with out filled; FC_EAUTH when the token is refused,
 * with why (a reason for the log that never holds the token) filled; FC_ERR when no key set
 * could be fetched or on allocation failure (why filled too). */
int fc_jwt_verify(struct fc_jwks *k, const char *token, const struct fc_jwt_expect *e,
                  struct fc_jwt_claims *out, char *why, size_t whylen);

/* 1 when the claims list group in "cognito:groups". */
int fc_jwt_in_group(const struct fc_jwt_claims *c, const char *group);

#endif
