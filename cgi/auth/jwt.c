/* auth/jwt: RS256 JWT verification with OpenSSL and a JWKS cache with a re-fetch cap. */
#include "auth/jwt.h"
#include "aws/http.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

struct jwk {
    char kid[128];
    EVP_PKEY *key;
};

struct fc_jwks {
    struct fc_jwks_config cfg;
    char *url;
    struct jwk *keys;
    size_t nkeys;
    int attempted;        /* a fetch was tried at least once */
    int64_t last_attempt; /* time of the last fetch attempt */
    int64_t fetched_at;   /* time of the last successful load */
    unsigned fetches, failures;
};

/* ---- base64url ------------------------------------------------------------------------------ */

/* RFC 4648 section 5's alphabet, for both directions: a digit's value is its place. */
static const char b64url_digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int b64url_val(unsigned char ch)
{
    const char *p = ch ? strchr(b64url_digits, ch) : NULL;
    return p ? (int)(p - b64url_digits) : -1;
}

int fc_jwt_b64url_decode(const char *in, size_t n, unsigned char **out, size_t *len)
{
    unsigned char *p;
    uint32_t acc = 0;
    size_t o = 0;
    int bits = 0;

    *out = NULL;
    *len = 0;
    while (n > 0 && in[n - 1] == '=')
        n--;
    if (n % 4 == 1)
        return FC_EINVAL;
    p = malloc(n / 4 * 3 + 3);
    if (!p)
        return FC_ERR;
    for (size_t i = 0; i < n; i++) {
        int v = b64url_val((unsigned char)in[i]);
        if (v < 0) {
            free(p);
            return FC_EINVAL;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            p[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    p[o] = '\0';
    *out = p;
    *len = o;
    return FC_OK;
}

char *fc_jwt_b64url_encode(const void *in, size_t n)
{
    const char *A = b64url_digits;
    const unsigned char *s = in;
    char *out = malloc(n / 3 * 4 + 5), *o = out;
    size_t i = 0;
    if (!out)
        return NULL;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        *o++ = A[v >> 18];
        *o++ = A[(v >> 12) & 63];
        *o++ = A[(v >> 6) & 63];
        *o++ = A[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)s[i] << 16;
        *o++ = A[v >> 18];
        *o++ = A[(v >> 12) & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
        *o++ = A[v >> 18];
        *o++ = A[(v >> 12) & 63];
        *o++ = A[(v >> 6) & 63];
    }
    *o = '\0';
    return out;
}

/* ---- the key set ------------------------------------------------------------------------------
 */

static void whyf(char *why, size_t n, const char *fmt, ...) FC_PRINTF(3, 4);
static void whyf(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    if (!why || !n)
        return;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
}

static int64_t now_of(const struct fc_jwks *k)
{
    return k->cfg.now ? k->cfg.now(k->cfg.now_ctx) : fc_now();
}

/* GET with libcurl through the AWS layer's HTTP handle (TLS verified, no redirects). */
static int http_fetch(void *ctx, const char *url, char **body, size_t *len)
{
    struct aws_http *h = NULL;
    struct aws_http_response resp = {0};
    struct aws_http_request req = {
        .method = "GET", .url = url, .connect_timeout_ms = 2000, .timeout_ms = 5000};
    int rc = FC_ERR;
    (void)ctx;
    *body = NULL;
    if (aws_http_new(&h) != 0)
        return FC_ERR;
    if (aws_http_perform(h, &req, &resp, NULL) == 0 && resp.status == 200 && resp.body &&
        resp.body_len <= FC_JWKS_MAX_BODY) {
        *body = resp.body;
        *len = resp.body_len;
        resp.body = NULL;
        rc = FC_OK;
    }
    aws_http_response_free(&resp);
    aws_http_free(h);
    return rc;
}

static void free_keys(struct jwk *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        EVP_PKEY_free(keys[i].key);
    free(keys);
}

int fc_jwks_new(const struct fc_jwks_config *cfg, struct fc_jwks **out)
{
    struct fc_jwks *k = calloc(1, sizeof *k);
    if (!k || !cfg->url || !(k->url = strdup(cfg->url))) {
        free(k);
        return FC_ERR;
    }
    k->cfg = *cfg;
    k->cfg.url = k->url;
    if (!k->cfg.fetch)
        k->cfg.fetch = http_fetch;
    *out = k;
    return FC_OK;
}

void fc_jwks_free(struct fc_jwks *k)
{
    if (!k)
        return;
    free_keys(k->keys, k->nkeys);
    free(k->url);
    free(k);
}

void fc_jwks_stats(const struct fc_jwks *k, struct fc_jwks_stats *out)
{
    out->fetches = k->fetches;
    out->failures = k->failures;
    out->keys = (unsigned)k->nkeys;
}

static BIGNUM *b64_bn(json_object *jwk, const char *name)
{
    json_object *v;
    unsigned char *raw = NULL;
    size_t n = 0;
    BIGNUM *bn = NULL;
    if (!json_object_object_get_ex(jwk, name, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    if (fc_jwt_b64url_decode(json_object_get_string(v), (size_t)json_object_get_string_len(v), &raw,
                             &n) == FC_OK &&
        n > 0)
        bn = BN_bin2bn(raw, (int)n, NULL);
    free(raw);
    return bn;
}

/* An RSA public key from a JWK's n and e, or NULL. */
static EVP_PKEY *rsa_from_jwk(json_object *jwk)
{
    BIGNUM *n = b64_bn(jwk, "n"), *e = b64_bn(jwk, "e");
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *pc = NULL;
    EVP_PKEY *key = NULL;

    if (!n || !e || BN_num_bits(n) < 2048 || BN_num_bits(n) > 8192)
        goto out;
    if (!(bld = OSSL_PARAM_BLD_new()) || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
        !(params = OSSL_PARAM_BLD_to_param(bld)))
        goto out;
    if (!(pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) || EVP_PKEY_fromdata_init(pc) <= 0 ||
        EVP_PKEY_fromdata(pc, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        key = NULL;
out:
    EVP_PKEY_CTX_free(pc);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    return key;
}

/* The string member name of o, or NULL when absent or not a string. */
static const char *jstr(json_object *o, const char *name)
{
    json_object *v;
    if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

int fc_jwks_load(struct fc_jwks *k, const char *json, size_t len)
{
    json_tokener *tok = json_tokener_new();
    json_object *doc = NULL, *arr;
    struct jwk *keys = NULL;
    size_t n = 0, count;
    int rc = FC_EINVAL;

    if (!tok)
        return FC_ERR;
    if (len > FC_JWKS_MAX_BODY || len > (size_t)INT32_MAX)
        goto out;
    doc = json_tokener_parse_ex(tok, json, (int)len);
    if (!doc || json_tokener_get_error(tok) != json_tokener_success ||
        !json_object_is_type(doc, json_type_object) ||
        !json_object_object_get_ex(doc, "keys", &arr) || !json_object_is_type(arr, json_type_array))
        goto out;
    count = json_object_array_length(arr);
    if (count == 0 || count > 64)
        goto out;
    keys = calloc(count, sizeof *keys);
    if (!keys) {
        rc = FC_ERR;
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        json_object *jwk = json_object_array_get_idx(arr, i);
        const char *kty = jstr(jwk, "kty"), *kid = jstr(jwk, "kid"), *use = jstr(jwk, "use"),
                   *alg = jstr(jwk, "alg");
        EVP_PKEY *key;
        if (!json_object_is_type(jwk, json_type_object) || !kty || strcmp(kty, "RSA") || !kid ||
            !*kid || strlen(kid) >= sizeof keys[0].kid || (use && strcmp(use, "sig")) ||
            (alg && strcmp(alg, "RS256")))
            continue;
        if (!(key = rsa_from_jwk(jwk)))
            continue;
        fc_strlcpy(keys[n].kid, kid, sizeof keys[n].kid);
        keys[n++].key = key;
    }
    if (n == 0)
        goto out;
    free_keys(k->keys, k->nkeys);
    k->keys = keys;
    k->nkeys = n;
    keys = NULL;
    n = 0;
    rc = FC_OK;
out:
    free_keys(keys, n);
    json_object_put(doc);
    json_tokener_free(tok);
    return rc;
}

static EVP_PKEY *find_key(const struct fc_jwks *k, const char *kid)
{
    for (size_t i = 0; i < k->nkeys; i++)
        if (strcmp(k->keys[i].kid, kid) == 0)
            return k->keys[i].key;
    return NULL;
}

/* Fetches the set again when allowed: the first time, then at most once per refetch_interval
 * (once per FC_JWKS_RETRY_EMPTY seconds while nothing could be loaded). A failed fetch keeps
 * the keys cached before. */
static void maybe_fetch(struct fc_jwks *k, int64_t now)
{
    int interval = k->nkeys ? k->cfg.refetch_interval : FC_JWKS_RETRY_EMPTY;
    char *body = NULL;
    size_t len = 0;
    if (k->attempted && now - k->last_attempt < interval && now >= k->last_attempt)
        return;
    k->attempted = 1;
    k->last_attempt = now;
    k->fetches++;
    if (k->cfg.fetch(k->cfg.fetch_ctx, k->url, &body, &len) == FC_OK && body &&
        fc_jwks_load(k, body, len) == FC_OK) {
        k->fetched_at = now;
    } else {
        k->failures++;
        fprintf(stderr, "forkcast: jwt: cannot load the key set from %s\n", k->url);
    }
    free(body);
}

/* The key for kid, fetching the set when it is missing or too old (within the cap). */
static EVP_PKEY *key_for(struct fc_jwks *k, const char *kid)
{
    int64_t now = now_of(k);
    EVP_PKEY *key = find_key(k, kid);
    int stale = k->nkeys && k->cfg.max_age > 0 && now - k->fetched_at > k->cfg.max_age;
    if (key && !stale)
        return key;
    maybe_fetch(k, now);
    return find_key(k, kid);
}

/* ---- tokens -----------------------------------------------------------------------------------
 */

/* Decodes one base64url part as a JSON object; NULL when it is not one. */
static json_object *part_json(const char *s, size_t n)
{
    unsigned char *raw = NULL;
    size_t len = 0;
    json_tokener *tok;
    json_object *o = NULL;
    if (fc_jwt_b64url_decode(s, n, &raw, &len) != FC_OK)
        return NULL;
    tok = json_tokener_new();
    if (tok && len <= (size_t)INT32_MAX) {
        o = json_tokener_parse_ex(tok, (const char *)raw, (int)len);
        if (o && (json_tokener_get_error(tok) != json_tokener_success ||
                  !json_object_is_type(o, json_type_object) || strlen((char *)raw) != len)) {
            json_object_put(o);
            o = NULL;
        }
    }
    json_tokener_free(tok);
    free(raw);
    return o;
}

/* Largest time claim accepted (seconds, in year 31 million): the checks below add and
 * subtract times and the leeway, which must not overflow (exp = 9223372036854775807 would). */
#define CLAIM_TIME_MAX 1000000000000000LL

/* A numeric claim: 1 with *v set, 0 when absent, -1 when not a number (or out of range). */
static int num_claim(json_object *p, const char *name, int64_t *v)
{
    json_object *o;
    if (!json_object_object_get_ex(p, name, &o))
        return 0;
    if (json_object_is_type(o, json_type_int)) {
        *v = json_object_get_int64(o);
        return *v >= -CLAIM_TIME_MAX && *v <= CLAIM_TIME_MAX ? 1 : -1;
    }
    if (json_object_is_type(o, json_type_double)) {
        double d = json_object_get_double(o);
        if (d != d || d > (double)CLAIM_TIME_MAX || d < -(double)CLAIM_TIME_MAX)
            return -1;
        *v = (int64_t)d;
        return 1;
    }
    return -1;
}

static int copy_claim(json_object *p, const char *name, char *dst, size_t n)
{
    const char *s = jstr(p, name);
    if (!s || strlen(s) >= n)
        return -1;
    fc_strlcpy(dst, s, n);
    return 0;
}

static int check_claims(json_object *p, const struct fc_jwt_expect *e, int64_t now,
                        struct fc_jwt_claims *out, char *why, size_t wn)
{
    const char *iss = jstr(p, "iss"), *use = jstr(p, "token_use");
    const char *want_use = e->use == FC_JWT_ID ? "id" : "access";
    int64_t exp = 0, iat = 0, nbf = 0;
    int has_exp, has_iat, has_nbf;
    json_object *groups, *ev;

    if (!iss || !e->issuer || strcmp(iss, e->issuer) != 0) {
        whyf(why, wn, "wrong issuer");
        return FC_EAUTH;
    }
    if (!use || strcmp(use, want_use) != 0) {
        whyf(why, wn, "token_use is not %s", want_use);
        return FC_EAUTH;
    }
    if (e->use == FC_JWT_ID) {
        json_object *aud;
        int ok = 0;
        if (json_object_object_get_ex(p, "aud", &aud)) {
            if (json_object_is_type(aud, json_type_string))
                ok = e->client_id && strcmp(json_object_get_string(aud), e->client_id) == 0;
            else if (json_object_is_type(aud, json_type_array))
                for (size_t i = 0; i < json_object_array_length(aud); i++) {
                    json_object *a = json_object_array_get_idx(aud, i);
                    if (json_object_is_type(a, json_type_string) && e->client_id &&
                        strcmp(json_object_get_string(a), e->client_id) == 0)
                        ok = 1;
                }
        }
        if (!ok) {
            whyf(why, wn, "wrong audience");
            return FC_EAUTH;
        }
    } else {
        const char *cid = jstr(p, "client_id");
        if (!cid || !e->client_id || strcmp(cid, e->client_id) != 0) {
            whyf(why, wn, "wrong client_id");
            return FC_EAUTH;
        }
    }
    has_exp = num_claim(p, "exp", &exp);
    has_iat = num_claim(p, "iat", &iat);
    has_nbf = num_claim(p, "nbf", &nbf);
    if (has_exp != 1 || has_iat != 1 || has_nbf < 0) {
        whyf(why, wn, "exp or iat missing or not numbers");
        return FC_EAUTH;
    }
    if (now >= exp + e->leeway) {
        whyf(why, wn, "expired %lld s ago", (long long)(now - exp));
        return FC_EAUTH;
    }
    if (has_nbf == 1 && nbf > now + e->leeway) {
        whyf(why, wn, "not valid before %lld s from now", (long long)(nbf - now));
        return FC_EAUTH;
    }
    if (iat > now + e->leeway) {
        whyf(why, wn, "issued %lld s in the future", (long long)(iat - now));
        return FC_EAUTH;
    }
    if (copy_claim(p, "sub", out->sub, sizeof out->sub) || !out->sub[0]) {
        whyf(why, wn, "no sub");
        return FC_EAUTH;
    }
    copy_claim(p, e->use == FC_JWT_ID ? "cognito:username" : "username", out->username,
               sizeof out->username);
    copy_claim(p, "email", out->email, sizeof out->email);
    if (json_object_object_get_ex(p, "email_verified", &ev))
        out->email_verified = json_object_is_type(ev, json_type_boolean)
                                  ? json_object_get_boolean(ev)
                                  : json_object_is_type(ev, json_type_string) &&
                                        !strcmp(json_object_get_string(ev), "true");
    if (json_object_object_get_ex(p, "cognito:groups", &groups) &&
        json_object_is_type(groups, json_type_array))
        for (size_t i = 0; i < json_object_array_length(groups); i++) {
            json_object *g = json_object_array_get_idx(groups, i);
            if (out->ngroups < FC_JWT_MAX_GROUPS && json_object_is_type(g, json_type_string) &&
                (size_t)json_object_get_string_len(g) < sizeof out->groups[0])
                fc_strlcpy(out->groups[out->ngroups++], json_object_get_string(g),
                           sizeof out->groups[0]);
        }
    out->exp = exp;
    out->iat = iat;
    return FC_OK;
}

static int rs256_ok(EVP_PKEY *key, const char *data, size_t dlen, const unsigned char *sig,
                    size_t slen)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = 0;
    if (md && slen == (size_t)EVP_PKEY_get_size(key) &&
        EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1)
        ok = EVP_DigestVerify(md, sig, slen, (const unsigned char *)data, dlen) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

int fc_jwt_verify(struct fc_jwks *k, const char *token, const struct fc_jwt_expect *e,
                  struct fc_jwt_claims *out, char *why, size_t whylen)
{
    json_object *hdr = NULL, *pay = NULL, *crit;
    const char *d1, *d2, *alg, *kid;
    unsigned char *sig = NULL;
    size_t n, slen = 0;
    EVP_PKEY *key;
    int rc = FC_EAUTH;

    memset(out, 0, sizeof *out);
    whyf(why, whylen, "ok");
    n = token ? strnlen(token, FC_JWT_MAX_LEN + 1) : 0;
    if (n == 0 || n > FC_JWT_MAX_LEN) {
        whyf(why, whylen, "no token or longer than %d bytes", FC_JWT_MAX_LEN);
        goto out;
    }
    d1 = strchr(token, '.');
    d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2 || strchr(d2 + 1, '.') || d1 == token || d2 == d1 + 1 || !d2[1]) {
        whyf(why, whylen, "not three non-empty parts");
        goto out;
    }
    if (!(hdr = part_json(token, (size_t)(d1 - token)))) {
        whyf(why, whylen, "header is not base64url JSON");
        goto out;
    }
    alg = jstr(hdr, "alg");
    if (!alg || strcmp(alg, "RS256") != 0) {
        /* "none", HS256 (an HMAC keyed with the public key), RS512, PS256...: never */
        whyf(why, whylen, "alg %.32s is not allowed", alg ? alg : "(missing)");
        goto out;
    }
    if (json_object_object_get_ex(hdr, "crit", &crit)) {
        whyf(why, whylen, "crit header not supported");
        goto out;
    }
    kid = jstr(hdr, "kid");
    if (!kid || !*kid || strlen(kid) >= 128) {
        whyf(why, whylen, "no kid");
        goto out;
    }
    if (!(pay = part_json(d1 + 1, (size_t)(d2 - d1 - 1)))) {
        whyf(why, whylen, "payload is not base64url JSON");
        goto out;
    }
    if (fc_jwt_b64url_decode(d2 + 1, strlen(d2 + 1), &sig, &slen) != FC_OK) {
        whyf(why, whylen, "signature is not base64url");
        goto out;
    }
    if (!(key = key_for(k, kid))) {
        if (!k->nkeys) {
            whyf(why, whylen, "no key set could be fetched from %s", k->url);
            rc = FC_ERR;
        } else {
            whyf(why, whylen, "unknown kid %.64s", kid);
        }
        goto out;
    }
    if (!rs256_ok(key, token, (size_t)(d2 - token), sig, slen)) {
        whyf(why, whylen, "bad signature (kid %.64s)", kid);
        goto out;
    }
    rc = check_claims(pay, e, now_of(k), out, why, whylen);
    if (rc != FC_OK)
        memset(out, 0, sizeof *out);
out:
    free(sig);
    json_object_put(hdr);
    json_object_put(pay);
    return rc;
}

int fc_jwt_in_group(const struct fc_jwt_claims *c, const char *group)
{
    for (int i = 0; i < c->ngroups; i++)
        if (strcmp(c->groups[i], group) == 0)
            return 1;
    return 0;
}
