/* auth/password: scrypt (OpenSSL EVP_PBE_scrypt) hashing, verification and policy. */
#include "auth/password.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define SALT_LEN 16
#define KEY_LEN  32

static int derive(const char *pw, const unsigned char *salt, size_t slen,
                  const struct fc_scrypt_params *prm, unsigned char *key)
{
    uint64_t N = (uint64_t)1 << prm->log_n;
    /* scrypt needs 128*N*r bytes (+ 128*r*p); allow twice that */
    uint64_t maxmem =
        2 * (128 * N * (uint64_t)prm->r + 128 * (uint64_t)prm->r * prm->p) + (1 << 20);
    if (prm->log_n < 1 || prm->log_n > 22 || prm->r < 1 || prm->r > 32 || prm->p < 1 || prm->p > 16)
        return FC_ERR;
    if (EVP_PBE_scrypt(pw, strlen(pw), salt, slen, N, (uint64_t)prm->r, (uint64_t)prm->p, maxmem,
                       key, KEY_LEN) != 1)
        return FC_ERR;
    return FC_OK;
}

int fc_password_hash(const char *pw, const struct fc_scrypt_params *prm, char *out, size_t n)
{
    unsigned char salt[SALT_LEN], key[KEY_LEN];
    char salt_hex[2 * SALT_LEN + 1], key_hex[2 * KEY_LEN + 1];
    int r;
    if (fc_random(salt, sizeof salt) || derive(pw, salt, sizeof salt, prm, key))
        return FC_ERR;
    fc_hex(salt_hex, salt, sizeof salt);
    fc_hex(key_hex, key, sizeof key);
    OPENSSL_cleanse(key, sizeof key);
    r = snprintf(out, n, "$scrypt$ln=%d,r=%d,p=%d$%s$%s", prm->log_n, prm->r, prm->p, salt_hex,
                 key_hex);
    return r > 0 && (size_t)r < n ? FC_OK : FC_ERR;
}

/* Splits a stored hash into parameters, salt and key. */
static int parse(const char *stored, struct fc_scrypt_params *prm, unsigned char *salt,
                 unsigned char *key)
{
    char salt_hex[2 * SALT_LEN + 1], key_hex[2 * KEY_LEN + 1];
    if (sscanf(stored, "$scrypt$ln=%d,r=%d,p=%d$%32[0-9a-f]$%64[0-9a-f]", &prm->log_n, &prm->r,
               &prm->p, salt_hex, key_hex) != 5)
        return FC_ERR;
    if (fc_unhex(salt, SALT_LEN, salt_hex) != SALT_LEN ||
        fc_unhex(key, KEY_LEN, key_hex) != KEY_LEN)
        return FC_ERR;
    return FC_OK;
}

int fc_password_verify(const char *pw, const char *stored)
{
    struct fc_scrypt_params prm;
    unsigned char salt[SALT_LEN], key[KEY_LEN], got[KEY_LEN];
    int ok;
    if (parse(stored, &prm, salt, key) || derive(pw, salt, SALT_LEN, &prm, got))
        return 0;
    ok = CRYPTO_memcmp(key, got, KEY_LEN) == 0;
    OPENSSL_cleanse(got, sizeof got);
    return ok;
}

int fc_password_needs_rehash(const char *stored, const struct fc_scrypt_params *want)
{
    struct fc_scrypt_params prm;
    unsigned char salt[SALT_LEN], key[KEY_LEN];
    if (parse(stored, &prm, salt, key))
        return 1;
    return prm.log_n < want->log_n || prm.r < want->r || prm.p < want->p;
}

const char *fc_password_policy(const char *pw, const char *username, size_t min_len)
{
    static const char *const common[] = {"password", "123456",  "qwerty",   "letmein",
                                         "iloveyou", "welcome", "forkcast", "abc123"};
    size_t len = fc_utf8_len(pw);
    int distinct = 0;
    char seen[256] = {0};
    if (len < min_len)
        return "Password is too short";
    if (strlen(pw) > 1024)
        return "Password is too long (at most 1024 bytes)";
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++)
        if (!seen[*p]++)
            distinct++;
    if (distinct < 4)
        return "Password needs more variety (at least 4 different characters)";
    if (username && *username && strcasestr(pw, username))
        return "Password must not contain your username";
    for (size_t i = 0; i < FC_ARRAY_LEN(common); i++)
        if (strncasecmp(pw, common[i], strlen(common[i])) == 0 && len < strlen(common[i]) + 4)
            return "Password is too common";
    return NULL;
}
