/* Unit tests: RS256 JWT verification (auth/jwt.c) with fixed test keys (jwt_test_keys.h): claims,
 * alg confusion, wrong keys, tampering, time checks with leeway, and the JWKS cache's re-fetch and
 * its cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "auth/jwt.h"
#include "core/util.h"
#include "jwt_test_keys.h"

#define ISS    "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TEST"
#define CLIENT "client123"
#define T0     1700000000LL

static EVP_PKEY *key1, *key2, *key_small;

/* The fake network and clock every test shares. */
static struct {
    char jwks[16384];
    int fail;
    int calls;
    int64_t now;
} net;

static int fake_fetch(void *ctx, const char *url, char **body, size_t *len)
{
    (void)ctx;
    assert_string_equal(url, ISS "/.well-known/jwks.json");
    net.calls++;
    if (net.fail)
        return FC_ERR;
    *body = strdup(net.jwks);
    *len = strlen(net.jwks);
    return *body ? FC_OK : FC_ERR;
}

static int64_t fake_now(void *ctx)
{
    (void)ctx;
    return net.now;
}

static char *b64bn(EVP_PKEY *k, const char *name)
{
    BIGNUM *bn = NULL;
    unsigned char buf[1024];
    int n;
    char *s;
    assert_int_equal(EVP_PKEY_get_bn_param(k, name, &bn), 1);
    n = BN_bn2bin(bn, buf);
    BN_free(bn);
    s = fc_jwt_b64url_encode(buf, (size_t)n);
    assert_non_null(s);
    return s;
}

/* Appends the JWK of key k (kid) to the fake key set, with extra members (e.g. ",\"alg\":..."). */
static void jwks_add(EVP_PKEY *k, const char *kid, const char *extra)
{
    char *n = b64bn(k, OSSL_PKEY_PARAM_RSA_N), *e = b64bn(k, OSSL_PKEY_PARAM_RSA_E);
    size_t used = strlen(net.jwks);
    if (used == 0) {
        strcpy(net.jwks, "{\"keys\":[]}");
        used = strlen(net.jwks);
    }
    used -= 2; /* before "]}" */
    snprintf(net.jwks + used, sizeof net.jwks - used,
             "%s{\"kty\":\"RSA\",\"kid\":\"%s\",\"use\":\"sig\",\"n\":\"%s\",\"e\":\"%s\"%s}]}",
             net.jwks[used - 1] == '[' ? "" : ",", kid, n, e, extra ? extra : "");
    free(n);
    free(e);
}

static char *b64s(const char *s)
{
    char *r = fc_jwt_b64url_encode(s, strlen(s));
    assert_non_null(r);
    return r;
}

/* header.payload as base64url parts. */
static char *signing_input(const char *header, const char *payload)
{
    char *h = b64s(header), *p = b64s(payload), *out = malloc(strlen(h) + strlen(p) + 2);
    assert_non_null(out);
    sprintf(out, "%s.%s", h, p);
    free(h);
    free(p);
    return out;
}

static char *join(const char *input, const unsigned char *sig, size_t slen)
{
    char *s = fc_jwt_b64url_encode(sig, slen), *out = malloc(strlen(input) + strlen(s) + 2);
    assert_non_null(out);
    sprintf(out, "%s.%s", input, s);
    free(s);
    return out;
}

/* An RS256 token signed with k. */
static char *sign_rs256(EVP_PKEY *k, const char *header, const char *payload)
{
    char *in = signing_input(header, payload), *tok;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char sig[1024];
    size_t slen = sizeof sig;
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k), 1);
    assert_int_equal(EVP_DigestSign(md, sig, &slen, (const unsigned char *)in, strlen(in)), 1);
    EVP_MD_CTX_free(md);
    tok = join(in, sig, slen);
    free(in);
    return tok;
}

static char *hdr(const char *kid)
{
    static char h[256];
    snprintf(h, sizeof h, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"%s\"}", kid);
    return h;
}

/* Claims of an ID token issued at iat, expiring at exp, with extra members. */
static char *id_claims(int64_t iat, int64_t exp, const char *extra)
{
    static char p[2048];
    snprintf(p, sizeof p,
             "{\"sub\":\"6f1c-sub\",\"aud\":\"" CLIENT "\",\"iss\":\"" ISS "\","
             "\"token_use\":\"id\",\"cognito:username\":\"ana\",\"email\":\"ana@example.com\","
             "\"cognito:groups\":[\"cooks\",\"admin\"],\"iat\":%lld,\"exp\":%lld%s}",
             (long long)iat, (long long)exp, extra ? extra : "");
    return p;
}

static char *access_claims(const char *iss, const char *client, const char *use)
{
    static char p[2048];
    snprintf(p, sizeof p,
             "{\"sub\":\"6f1c-sub\",\"client_id\":\"%s\",\"iss\":\"%s\",\"token_use\":\"%s\","
             "\"username\":\"ana\",\"iat\":%lld,\"exp\":%lld}",
             client, iss, use, (long long)T0, (long long)(T0 + 3600));
    return p;
}

static const struct fc_jwt_expect EXPECT_ID = {ISS, CLIENT, FC_JWT_ID, 30};
static const struct fc_jwt_expect EXPECT_ACCESS = {ISS, CLIENT, FC_JWT_ACCESS, 30};

static struct fc_jwks *new_jwks(void)
{
    struct fc_jwks *k;
    struct fc_jwks_config cfg = {.url = ISS "/.well-known/jwks.json",
                                 .refetch_interval = 60,
                                 .max_age = 86400,
                                 .fetch = fake_fetch,
                                 .now = fake_now};
    assert_int_equal(fc_jwks_new(&cfg, &k), FC_OK);
    return k;
}

static int setup(void **state)
{
    (void)state;
    memset(&net, 0, sizeof net);
    net.now = T0 + 10;
    jwks_add(key1, "k1", ",\"alg\":\"RS256\"");
    return 0;
}

/* Verifies token and returns the result; why must never hold the token. */
static int verify(struct fc_jwks *k, const char *tok, const struct fc_jwt_expect *e,
                  struct fc_jwt_claims *c, char *why)
{
    int rc = fc_jwt_verify(k, tok, e, c, why, 200);
    if (tok && strlen(tok) > 20)
        assert_null(strstr(why, tok + strlen(tok) - 20));
    return rc;
}

static void expect_refused(struct fc_jwks *k, const char *tok, const struct fc_jwt_expect *e,
                           const char *reason)
{
    struct fc_jwt_claims c;
    char why[200];
    int rc = verify(k, tok, e, &c, why);
    if (rc != FC_EAUTH || !strstr(why, reason))
        fail_msg("expected refusal '%s', got rc %d '%s'", reason, rc, why);
    assert_string_equal(c.sub, "");
}

static void test_valid_id_and_access(void **state)
{
    (void)state;
    struct fc_jwks *k = new_jwks();
    struct fc_jwt_claims c;
    char why[200];
    char *tok = sign_rs256(key1, hdr("k1"), id_claims(T0, T0 + 3600, NULL));

    assert_int_equal(verify(k, tok, &EXPECT_ID, &c, why), FC_OK);
    assert_string_equal(c.sub, "6f1c-sub");
    assert_string_equal(c.username, "ana");
    assert_string_equal(c.email, "ana@example.com");
    assert_int_equal(c.ngroups, 2);
    assert_true(fc_jwt_in_group(&c, "admin"));
    assert_false(fc_jwt_in_group(&c, "admins"));
    assert_int_equal(c.exp, T0 + 3600);
    assert_int_equal(c.email_verified, 0); /* absent */
    assert_int_equal(net.calls, 1);
    free(tok);

    /* email_verified: Cognito's boolean, or the string some tools write; anything else is no */
    static const struct {
        const char *claim;
        int verified;
    } ev[] = {{",\"email_verified\":true", 1},
              {",\"email_verified\":\"true\"", 1},
              {",\"email_verified\":false", 0},
              {",\"email_verified\":\"yes\"", 0},
              {",\"email_verified\":1", 0}};
    for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++) {
        tok = sign_rs256(key1, hdr("k1"), id_claims(T0, T0 + 3600, ev[i].claim));
        assert_int_equal(verify(k, tok, &EXPECT_ID, &c, why), FC_OK);
        assert_int_equal(c.email_verified, ev[i].verified);
        free(tok);
    }

    tok = sign_rs256(key1, hdr("k1"), access_claims(ISS, CLIENT, "access"));
    assert_int_equal(verify(k, tok, &EXPECT_ACCESS, &c, why), FC_OK);
    assert_string_equal(c.username, "ana");
    assert_int_equal(c.ngroups, 0);
    assert_int_equal(net.calls, 1); /* cached */
    free(tok);
    fc_jwks_free(k);
}

static void test_alg_none_and_others(void **state)
{
    (void)state;
    struct fc_jwks *k = new_jwks();
    char *in = signing_input("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"k1\"}",
                             id_claims(T0, T0 + 3600, NULL));
    char *tok = malloc(strlen(in) + 2);
    sprintf(tok, "%s.", in);
    expect_refused(k, tok, &EXPECT_ID, "not three non-empty parts"); /* empty signature */
    free(tok);
    tok = join(in, (const unsigned char *)"xx", 2);
    expect_refused(k, tok, &EXPECT_ID, "alg none is not allowed");
    free(tok);
    free(in);

    /* a validly RS256-signed token whose header claims another alg */
    tok = sign_rs256(key1, "{\"alg\":\"RS512\",\"kid\":\"k1\"}", id_claims(T0, T0 + 3600, NULL));
    expect_refused(k, tok, &EXPECT_ID, "alg RS512 is not allowed");
    free(tok);
    tok = sign_rs256(key1, "{\"alg\":\"none\",\"kid\":\"k1\"}", id_claims(T0, T0 + 3600, NULL));
    expect_refused(k, tok, &EXPECT_ID, "alg none is not allowed");
    free(tok);
    tok = sign_rs256(key1, "{\"kid\":\"k1\"}", id_claims(T0, T0 + 3600, NULL));
    expect_refused(k, tok, &EXPECT_ID, "alg (missing) is not allowed");
    free(tok);
    tok = sign_rs256(key1, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"crit\":[\"exp\"]}",
                     id_claims(T0, T0 + 3600, NULL));
    expect_refused(k, tok, &EXPECT_ID, "crit");
    free(tok);
    tok = sign_rs256(key1, "{\"alg\":\"RS256\"}", id_claims(T0, T0 + 3600, NULL));
    expect_refused(k, tok, &EXPECT_ID, "no kid");
    free(tok);
    assert_int_equal(net.calls, 0); /* refused before any key was needed */
    fc_jwks_free(k);
}

/* The classic confusion: HS256 with the RSA public key (PEM or DER) as the HMAC secret. */
static void test_hs256_with_public_key(void **state)
{
    (void)state;
    struct fc_jwks *k = new_jwks();
    BIO *b = BIO_new(BIO_s_mem());
    char *pem, *in, *tok;
    long pemlen;
    unsigned char mac[32];
    unsigned int maclen = 0;

    assert_int_equal(PEM_write_bio_PUBKEY(b, key1), 1);
    pemlen = BIO_get_mem_data(b, &pem);
    in = signing_input("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}",
                       id_claims(T0, T0 + 3600, NULL));
    HMAC(EVP_sha256(), pem, (int)pemlen, (unsigned char *)in, strlen(in), mac, &maclen);
    tok = join(in, mac, maclen);
    expect_refused(k, tok, &EXPECT_ID, "alg HS256 is not allowed");
    free(tok);
    /* the same MAC under an RS256 header: the signature is checked as RSA and fails */
    free(in);
    in = signing_input(hdr("k1"), id_claims(T0, T0 + 3600, NULL));
    HMAC(EVP_sha256(), pem, (int)pemlen, (unsigned char *)in, strlen(in), mac, &maclen);
    tok = join(in, mac, maclen);
    expect_refused(k, tok, &EXPECT_ID, "bad signature");
    free(tok);
    free(in);
    BIO_free(b);
    fc_jwks_free(k);
}

static void test_wrong_key_and_tampering(void **state)
{
    (void)state;
    struct fc_jwks *k = new_jwks();
    char *tok = sign_rs256(key2, hdr("k1"), id_claims(T0, T0 + 3600, NULL));
    char *good, *dot, *forged, *evil;
    size_t n;

    expect_refused(k, tok, &EXPECT_ID, "bad signature");
    free(tok);

    /* payload swapped for another (admin-less user) with the original signature kept */
    good = sign_rs256(key1, hdr("k1"), id_claims(T0, T0 + 3600, NULL));
    evil = b64s("{\"sub\":\"someone-else\",\"aud\":\"" CLIENT "\",\"iss\":\"" ISS
                "\",\"token_use\":\"id\",\"iat\":1700000000,\"exp\":1700003600}");
    dot = strchr(good, '.');
    forged = malloc(strlen(good) + strlen(evil) + 2);
    n = (size_t)(dot - good) + 1;
    memcpy(forged, good, n);
    strcpy(forged + n, evil);
    strcat(forged, strrchr(good, '.'));
    expect_refused(k, forged, &EXPECT_ID, "bad signature");
    free(forged);
    free(evil);

    /* one flipped character of the payload, or of the signature */
    forged = strdup(good);
    dot = strchr(forged, '.');
    dot[5] = dot[5] == 'A' ? 'B' : 'A';
    assert_int_not_equal(verify(k, forged, &EXPECT_ID, &(struct fc_jwt_claims){0}, (char[200]){0}),
                         FC_OK);
    free(forged);
    forged = strdup(good);
    n = strlen(forged);
    forged[n - 3] = forged[n - 3] == 'A' ? 'B' : 'A';
    expect_refused(k, forged, &EXPECT_ID, "bad signature");
    free(forged);
    /* a truncated signature */
    forged = strdup(good);
    forged[strlen(forged) - 4] = '\0';
    expect_refused(k, forged, &EXPECT_ID, "bad signature");
    free(forged);

    /* the untouched token still passes */
    assert_int_equal(verify(k, good, &EXPECT_ID, &(struct fc_jwt_claims){0}, (char[200]){0}),
                     FC_OK);
    free(good);
    fc_jwks_free(k);
}

static void test_times_with_leeway(void **state)
{
    (void)state;
    struct fc_jwks *k = new_jwks();
    struct fc_jwt_claims c;
    char why[200], *tok;

    /* exp: refused once now >= exp + leeway (30) */
    tok = sign_rs256(key1, hdr("k1"), id_claims(T0, T0 + 100, NULL));
    net.now = T0 + 129;
    assert_int_equal(verify(k, tok, &EXPECT_ID, &c, why), FC_OK);
    net.now = T0 + 130;
    expect_refused(k, tok, &EXPECT_ID, "expired");
    free(tok);

    /* nbf in the future: allowed within the leeway only */
    net.now = T0;
    tok = sign_rs256(key1, hdr("k1"), id_claims(T0, T0 + 3600, ",\"nbf\":1700000030"));
    assert_int_equal(verify(k, tok, &EXPECT_ID, &c, why), FC_OK);
    free(tok);
    tok = sign_rs256(key1, hdr("k1"), id_claims(T0, T0 + 3600, ",\"nbf\":1700000031"));
    expect_refused(k, tok, &EXPECT_ID, "not valid before");
    free(tok);

    /* iat in the future */
    tok = sign_rs256(key1, hdr("k1"), id_claims(T0 + 30, T0 + 3600, NULL));
    assert_int_equal(verify(k, tok, &EXPECT_ID, &c, why), FC_OK);
    free(tok);
    tok = sign_rs256(key1, hdr("k1"), id_claims(T0 + 31, T0 + 3600, NULL));
    expect_refused(k, tok, &EXPECT_ID, "issued");
    free(tok);

    /* exp and iat are required and must be numbers */
    tok = sign_rs256(key1, hdr("k1"),
                     "{\"sub\":\"x\",\"aud\":\"" CLIENT "\",\"iss\":\"" ISS
                     "\",\"token_use\":\"id\",\"iat\":1700000000}");
    expect_refused(k, tok, &EXPECT_ID, "exp or iat");
    free(tok);
    tok = sign_rs256(key1, hdr("k1"),
                     "{\"sub\":\"x\",\"aud\":\"" CLIENT "\",\"iss\":\"" ISS
                     "\",\"token_use\":\"id\",\"iat\":1700000000,\"exp\":\"1800000000\"}");
    expect_refused(k, tok, &EXPECT_ID, "exp or iat");
    free(tok);

    /* times at the ends of int64 are refused, not added to the leeway with an overflow (found
     * by t/fuzz/jwt) */
    tok = sign_rs256(key1, hdr("k1"), id_claims(T0, INT64_MAX, NULL));
    expect_refused(k, tok, &EXPECT_ID, "exp or iat");
    free(tok);
    tok = sign_rs256(key1, hdr("k1"), id_claims(T0, INT64_MIN, NULL));
    expect_refused(k, tok, &EXPECT_ID, "exp or iat");
    free(tok);
    tok = sign_rs256(key1, hdr("k1"), id_claims(INT64_MIN, T0 + 3600, ",\"nbf\":1e300"));
    expect_refused(k, tok, &EXPECT_ID, "exp or iat");
    free(tok);
    fc_jwks_free(k);
}

static void test_wrong_claims(void **state)
{
    (void)state;
    struct fc_jwks *k = new_jwks();
    char *tok;

    tok = sign_rs256(
        key1, hdr("k1"),
        access_claims("https://cognito-idp.eu-west-1.amazonaws.com/other", CLIENT, "access"));
    expect_refused(k, tok, &EXPECT_ACCESS, "wrong issuer");
    free(tok);
    tok = sign_rs256(key1, hdr("k1"), access_claims(ISS "/", CLIENT, "access"));
    expect_refused(k, tok, &EXPECT_ACCESS, "wrong issuer");
    free(tok);
    tok = sign_rs256(key1, hdr("k1"), access_claims(ISS, "another-client", "access"));
    expect_refused(k, tok, &EXPECT_ACCESS, "wrong client_id");
    free(tok);
    /* an access token offered as an ID token, and the other way round */
    tok = sign_rs256(key1, hdr("k1"), access_claims(ISS, CLIENT, "access"));
    expect_refused(k, tok, &EXPECT_ID, "token_use is not id");
    free(tok);
    tok = sign_rs256(key1, hdr("k1"), id_claims(T0, T0 + 3600, NULL));
    expect_refused(k, tok, &EXPECT_ACCESS, "token_use is not access");
    free(tok);
    /* ID token for another app client */
    tok = sign_rs256(key1, hdr("k1"),
                     "{\"sub\":\"x\",\"aud\":\"another-client\",\"iss\":\"" ISS
                     "\",\"token_use\":\"id\",\"iat\":1700000000,\"exp\":1700003600}");
    expect_refused(k, tok, &EXPECT_ID, "wrong audience");
    free(tok);
    tok = sign_rs256(key1, hdr("k1"),
                     "{\"sub\":\"x\",\"aud\":[\"a\",\"" CLIENT "\"],\"iss\":\"" ISS
                     "\",\"token_use\":\"id\",\"iat\":1700000000,\"exp\":1700003600}");
    assert_int_equal(verify(k, tok, &EXPECT_ID, &(struct fc_jwt_claims){0}, (char[200]){0}), FC_OK);
    free(tok);
    /* no sub */
    tok = sign_rs256(key1, hdr("k1"),
                     "{\"aud\":\"" CLIENT "\",\"iss\":\"" ISS
                     "\",\"token_use\":\"id\",\"iat\":1700000000,\"exp\":1700003600}");
    expect_refused(k, tok, &EXPECT_ID, "no sub");
    free(tok);
    fc_jwks_free(k);
}

static void test_garbage(void **state)
{
    (void)state;
    struct fc_jwks *k = new_jwks();
    char *big = malloc(FC_JWT_MAX_LEN + 10);
    memset(big, 'A', FC_JWT_MAX_LEN + 9);
    big[FC_JWT_MAX_LEN + 9] = '\0';
    big[10] = big[20] = '.';
    expect_refused(k, "", &EXPECT_ID, "no token");
    expect_refused(k, NULL, &EXPECT_ID, "no token");
    expect_refused(k, big, &EXPECT_ID, "longer than");
    expect_refused(k, "abc", &EXPECT_ID, "three");
    expect_refused(k, "a.b", &EXPECT_ID, "three");
    expect_refused(k, "a.b.c.d", &EXPECT_ID, "three");
    expect_refused(k, ".b.c", &EXPECT_ID, "three");
    expect_refused(k, "e30.e30.", &EXPECT_ID, "three");
    expect_refused(k, "e3!.e30.AAAA", &EXPECT_ID, "header is not");
    expect_refused(k, "WzFd.e30.AAAA", &EXPECT_ID, "header is not"); /* [1] */
    expect_refused(k, "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.bm90IGpzb24.AAAA", &EXPECT_ID,
                   "payload is not");
    expect_refused(k, "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.e30.A$AA", &EXPECT_ID,
                   "signature is not");
    free(big);
    fc_jwks_free(k);
}

static void test_unknown_kid_refetch_and_cap(void **state)
{
    (void)state;
    struct fc_jwks *k = new_jwks();
    struct fc_jwks_stats st;
    char *t1 = sign_rs256(key1, hdr("k1"), id_claims(T0, T0 + 7200, NULL));
    char *t2 = sign_rs256(key2, hdr("k2"), id_claims(T0, T0 + 7200, NULL));
    char *t3 = sign_rs256(key2, hdr("k3"), id_claims(T0, T0 + 7200, NULL));

    assert_int_equal(verify(k, t1, &EXPECT_ID, &(struct fc_jwt_claims){0}, (char[200]){0}), FC_OK);
    assert_int_equal(net.calls, 1);
    /* the pool rotates: k2 is published after our first fetch */
    jwks_add(key2, "k2", NULL);
    /* within the cap: an unknown kid does not fetch again */
    net.now += 30;
    expect_refused(k, t2, &EXPECT_ID, "unknown kid k2");
    assert_int_equal(net.calls, 1);
    /* after the interval: exactly one re-fetch, and k2 is found */
    net.now += 31;
    assert_int_equal(verify(k, t2, &EXPECT_ID, &(struct fc_jwt_claims){0}, (char[200]){0}), FC_OK);
    assert_int_equal(net.calls, 2);
    /* known kids never fetch */
    assert_int_equal(verify(k, t1, &EXPECT_ID, &(struct fc_jwt_claims){0}, (char[200]){0}), FC_OK);
    assert_int_equal(net.calls, 2);
    /* a flood of unknown kids: one fetch per interval at most */
    net.now += 61;
    for (int i = 0; i < 50; i++) {
        expect_refused(k, t3, &EXPECT_ID, "unknown kid k3");
        net.now += 1;
    }
    assert_int_equal(net.calls, 3);
    net.now += 11; /* 61 s after the last fetch */
    expect_refused(k, t3, &EXPECT_ID, "unknown kid k3");
    assert_int_equal(net.calls, 4);
    /* a failed fetch keeps the cached keys */
    net.fail = 1;
    net.now += 61;
    expect_refused(k, t3, &EXPECT_ID, "unknown kid k3");
    assert_int_equal(net.calls, 5);
    assert_int_equal(verify(k, t2, &EXPECT_ID, &(struct fc_jwt_claims){0}, (char[200]){0}), FC_OK);
    fc_jwks_stats(k, &st);
    assert_int_equal(st.fetches, 5);
    assert_int_equal(st.failures, 1);
    assert_int_equal(st.keys, 2);
    free(t1);
    free(t2);
    free(t3);
    fc_jwks_free(k);
}

static void test_max_age_refetch(void **state)
{
    (void)state;
    struct fc_jwks *k = new_jwks();
    char *t1 = sign_rs256(key1, hdr("k1"), id_claims(T0, T0 + 200000, NULL));
    assert_int_equal(verify(k, t1, &EXPECT_ID, &(struct fc_jwt_claims){0}, (char[200]){0}), FC_OK);
    /* the pool drops k1: once the set is older than max_age it is fetched again */
    net.jwks[0] = '\0';
    jwks_add(key2, "k2", NULL);
    net.now += 86400;
    assert_int_equal(verify(k, t1, &EXPECT_ID, &(struct fc_jwt_claims){0}, (char[200]){0}), FC_OK);
    assert_int_equal(net.calls, 1);
    net.now += 1;
    expect_refused(k, t1, &EXPECT_ID, "unknown kid k1");
    assert_int_equal(net.calls, 2);
    free(t1);
    fc_jwks_free(k);
}

static void test_fetch_failure_and_bad_sets(void **state)
{
    (void)state;
    struct fc_jwks *k = new_jwks();
    struct fc_jwt_claims c;
    char why[200], *t1 = sign_rs256(key1, hdr("k1"), id_claims(T0, T0 + 3600, NULL));
    char *small = sign_rs256(key_small, hdr("small"), id_claims(T0, T0 + 3600, NULL));

    net.fail = 1;
    assert_int_equal(verify(k, t1, &EXPECT_ID, &c, why), FC_ERR);
    assert_non_null(strstr(why, "no key set"));
    /* while nothing is loaded, retried after FC_JWKS_RETRY_EMPTY seconds, not before */
    assert_int_equal(verify(k, t1, &EXPECT_ID, &c, why), FC_ERR);
    assert_int_equal(net.calls, 1);
    net.fail = 0;
    net.now += FC_JWKS_RETRY_EMPTY;
    assert_int_equal(verify(k, t1, &EXPECT_ID, &c, why), FC_OK);
    assert_int_equal(net.calls, 2);

    /* keys under 2048 bits, for other algorithms or uses, or of other types are skipped */
    static const char *const bad[] = {
        "{\"keys\":[]}", "[1,2]", "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"AAAA\"}]}",
        "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"x\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}", "{\"keys\":"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(fc_jwks_load(k, bad[i], strlen(bad[i])), FC_EINVAL);
    net.jwks[0] = '\0';
    jwks_add(key_small, "small", NULL);
    jwks_add(key1, "k1-enc", ",\"x\":1,\"use\":\"enc\"");
    jwks_add(key1, "k1-ps", ",\"alg\":\"PS256\"");
    assert_int_equal(fc_jwks_load(k, net.jwks, strlen(net.jwks)), FC_EINVAL);
    jwks_add(key1, "k1", NULL);
    assert_int_equal(fc_jwks_load(k, net.jwks, strlen(net.jwks)), FC_OK);
    {
        struct fc_jwks_stats st;
        fc_jwks_stats(k, &st);
        assert_int_equal(st.keys, 1);
    }
    expect_refused(k, small, &EXPECT_ID, "unknown kid small");
    free(t1);
    free(small);
    fc_jwks_free(k);
}

static void test_b64url(void **state)
{
    (void)state;
    unsigned char *out;
    size_t n;
    char *e;
    for (size_t len = 0; len < 10; len++) {
        e = fc_jwt_b64url_encode("\xfb\xff\xfe\x01\x02\x03\x04\x05\x06\x07", len);
        assert_null(strchr(e, '='));
        assert_null(strchr(e, '+'));
        assert_null(strchr(e, '/'));
        assert_int_equal(fc_jwt_b64url_decode(e, strlen(e), &out, &n), FC_OK);
        assert_int_equal(n, len);
        assert_memory_equal(out, "\xfb\xff\xfe\x01\x02\x03\x04\x05\x06\x07", len);
        free(out);
        free(e);
    }
    assert_int_equal(fc_jwt_b64url_decode("+/==", 4, &out, &n), FC_EINVAL);
    /* a NUL or a byte past ASCII (\301) is no digit either */
    assert_int_equal(fc_jwt_b64url_decode("YQ\0A", 4, &out, &n), FC_EINVAL);
    assert_int_equal(fc_jwt_b64url_decode("YQ\301A", 4, &out, &n), FC_EINVAL);
    /* every digit, its value its place: 0..63 in order are the bytes 00 10 83 ... f3 df bf */
    {
        static const char digits[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        assert_int_equal(fc_jwt_b64url_decode(digits, 64, &out, &n), FC_OK);
        assert_int_equal(n, 48);
        assert_memory_equal(out, "\x00\x10\x83", 3);
        assert_memory_equal(out + 45, "\xf3\xdf\xbf", 3);
        e = fc_jwt_b64url_encode(out, n);
        assert_string_equal(e, digits);
        free(e);
        free(out);
    }
    assert_int_equal(fc_jwt_b64url_decode("abcde", 5, &out, &n), FC_EINVAL);
    assert_int_equal(fc_jwt_b64url_decode("YQ==", 4, &out, &n), FC_OK);
    assert_string_equal((char *)out, "a");
    free(out);
}

/* One of jwt_test_keys.h's keys. */
static EVP_PKEY *rsa(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    assert_non_null(k);
    return k;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_valid_id_and_access, setup),
        cmocka_unit_test_setup(test_alg_none_and_others, setup),
        cmocka_unit_test_setup(test_hs256_with_public_key, setup),
        cmocka_unit_test_setup(test_wrong_key_and_tampering, setup),
        cmocka_unit_test_setup(test_times_with_leeway, setup),
        cmocka_unit_test_setup(test_wrong_claims, setup),
        cmocka_unit_test_setup(test_garbage, setup),
        cmocka_unit_test_setup(test_unknown_kid_refetch_and_cap, setup),
        cmocka_unit_test_setup(test_max_age_refetch, setup),
        cmocka_unit_test_setup(test_fetch_failure_and_bad_sets, setup),
        cmocka_unit_test(test_b64url),
    };
    int rc;
    key1 = rsa(JWT_TEST_KEY1);
    key2 = rsa(JWT_TEST_KEY2);
    key_small = rsa(JWT_TEST_KEY_SMALL);
    rc = cmocka_run_group_tests_name("jwt", tests, NULL, NULL);
    EVP_PKEY_free(key1);
    EVP_PKEY_free(key2);
    EVP_PKEY_free(key_small);
    return rc;
}
