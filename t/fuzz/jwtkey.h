/* jwtkey.h: the RSA key the fuzz harnesses sign JWTs with (jwt.c, cognito.c), its JWKS, and
 * the signing of a header and payload. */
#ifndef FC_FUZZ_JWTKEY_H
#define FC_FUZZ_JWTKEY_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "auth/jwt.h"

/* A 2048-bit key made for these harnesses only (openssl genrsa 2048): never used elsewhere. */
static const char KEY_PEM[] = "-----BEGIN PRIVATE KEY-----\n"
                              "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCzj0A/n9omr/pN\n"
                              "QxQ2k2Z5d+RcKuUhuEbsZUUobNJFbEh35DtbYXmTcjgIoyMfQotogwLm4Ls2pmqU\n"
                              "2xkt5KDvwIa/lewCprB2lDDk0WWv7G+VKqLtaXma0ELzXnvTLDa4d1MF6Jo7kAOw\n"
                              "YK8miLjvcnjs59fCTxYkLciwTI4PpwgzPzqy3LR1pIaycLfc0aQDcDKFDLKZIUm9\n"
                              "TBgnCwoyEAvG/2VIAFQ8kLAU39hgMi3v8ETsvMbGBuvzt3Ma2CqlrncLi8wlJQly\n"
                              "MA22Ugmgu4q1xOFT3r3hf67yLYM76LlUUYVVpd28nFfX0r74vr8UL39jS7bQ+X0F\n"
                              "XnNHFTR/AgMBAAECggEABXf7cPShZEQ/z1KXrwHWQSTRo6z6xYgjQNfkv1JxJQQj\n"
                              "QOOGm0Xgugjkg/7T9wPD0y8KS5XUndl7rYTuw2MPM74dXIBoa7w/65yf0JhADJea\n"
                              "3mQqCikINxrYryjVhJz4Ha4krS1kZSQBuMF5FCdd2o0V+cEl5Rkbh4aNcjEisn9K\n"
                              "vJx3D4mO0Z5Il8HcDHsBCivVSf9WC0jFkru/8Ld3N69aWUEIqUiB5cHjiJqPEw+g\n"
                              "AMIqxG36CYMCHdVcKeTHxEx+Fs3d88ClIY785YLdIuJJ6uUZnIyQ2Tmr2o/5nsFw\n"
                              "6Lp+dFRmQCPJN2Vo+FT3OQOZkENiMk+aaxGGyUMHgQKBgQDmeEjF7EdE36ZsUyja\n"
                              "XIH8XGTgEx2MKj4LetQRhpMCO+aQ+gmUYkimsHYrnjpMv07ZDmNo53tNbes7fPMK\n"
                              "iEPVt4Tvt79MLhq9VUJ2d8v+lIJEGju5UdpwrwTABOO8sM3o6elzcGvbzo7Ex9dK\n"
                              "yGIMgN/0/W/BLkDxhzFw4w0BMQKBgQDHcz3PEWf8xhNd1HL7+48TPLxioIoUJCNC\n"
                              "8LpgWLiuSntNk5Sbwis2v28AS8wQS2Ekm4AYOX0uggrOn+BeaGPk88Wx/6sOYOdM\n"
                              "V+kr9TEN5ti5X6NBcppwXcOlBWwf+QNCB3gUGTBxL/jhJbSb+0WrI589+X0/S0aP\n"
                              "QSH/d86krwKBgF7CYhmO1pbI5iJv5sIxeviJ/Kfs9B8nVy9dJ0i1bkhi3KALTlkG\n"
                              "OBzhPRUeD5ZyqjawpcsCMj5ZzXg+Hafc8xcyR6RQhoUKB9CE97jB9MwNv6nEp33A\n"
                              "2/Gs5GUXHZP9lgwH8QaX2KEdwrHCAREsZrQBYRPYCFUDcYxdK8Tgdf5hAoGAM7WF\n"
                              "/cxWeGtmE/qDgR7cHjGt6agThFtGJRHCUD5QSyeWRiuP6L3zdDM3dQ0xr7vLSLFk\n"
                              "CWPGN6uRX7aFdhR8aZxl0dsmHwkyjlFwa2wbNq5128GW0t4CekVk9sCsIrHtjU3g\n"
                              "bN2G+KFmVgDvjU0c59zJaUjoluNOPM+3H8OQ+JMCgYEAv4aBgbOel5h85xwRq92I\n"
                              "qdlgmXz1UrX568Xp5H/MvtP9gdsIAu/m/GgFURV/CrwoT6KlJhsVUsGA4wOy16ui\n"
                              "HiEb29oCx88Hj9Hrx5kUBQNgKOmZMgFnxwOWCrhZZmhhySjr5hkzfc9+C6yu9f8O\n"
                              "r3P6RygI1oMaezdaHcSeqvA=\n"
                              "-----END PRIVATE KEY-----\n";

static EVP_PKEY *key;

static char *b64bn(const char *name)
{
    BIGNUM *bn = NULL;
    unsigned char buf[1024];
    int n;
    char *s;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1)
        abort();
    n = BN_bn2bin(bn, buf);
    BN_free(bn);
    if (!(s = fc_jwt_b64url_encode(buf, (size_t)n)))
        abort();
    return s;
}

/* Loads the key and writes its key set ({"keys":[...]}, kid "fuzz-key") into jwks of size n. */
static void jwtkey_load(char *jwks, size_t n)
{
    BIO *b = BIO_new_mem_buf(KEY_PEM, -1);
    char *mod, *e;
    if (!b || !(key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)))
        abort();
    BIO_free(b);
    mod = b64bn(OSSL_PKEY_PARAM_RSA_N);
    e = b64bn(OSSL_PKEY_PARAM_RSA_E);
    snprintf(jwks, n,
             "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"fuzz-key\",\"use\":\"sig\",\"alg\":\"RS256\","
             "\"n\":\"%s\",\"e\":\"%s\"}]}",
             mod, e);
    free(mod);
    free(e);
}

/* base64url(header).base64url(payload).signature, signed with the key. */
static char *sign(const char *header, size_t hlen, const char *payload, size_t plen)
{
    char *h = fc_jwt_b64url_encode(header, hlen), *p = fc_jwt_b64url_encode(payload, plen);
    char *in = NULL, *s = NULL, *tok = NULL;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char sig[512];
    size_t slen = sizeof sig;
    if (!h || !p || !md || asprintf(&in, "%s.%s", h, p) < 0)
        abort();
    if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
        EVP_DigestSign(md, sig, &slen, (const unsigned char *)in, strlen(in)) != 1 ||
        !(s = fc_jwt_b64url_encode(sig, slen)) || asprintf(&tok, "%s.%s", in, s) < 0)
        abort();
    EVP_MD_CTX_free(md);
    free(h);
    free(p);
    free(in);
    free(s);
    return tok;
}

#endif
