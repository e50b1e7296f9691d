/* Fuzz harness: fc_jwt_verify with a fixed RSA key set and clock. The first input byte picks
 * the mode: even: the rest is the token as sent (header, signature and claim parsing up to the
 * signature check); odd: the rest is "header JSON\npayload JSON", which the harness encodes and
 * signs with the key, so that the claim checks after the signature are reached too. Bit 1
 * picks the token use (ID or access). */
#include <stdio.h>

#include "auth/jwt.h"
#include "core/util.h"
#include "fuzz.h"
#include "jwtkey.h"

#define ISS    "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_FUZZ"
#define CLIENT "fuzzclient123"

static struct fc_jwks *jwks;
static char jwks_json[4096];

static int fetch(void *ctx, const char *url, char **body, size_t *len)
{
    (void)ctx;
    (void)url;
    *body = strdup(jwks_json);
    *len = strlen(jwks_json);
    return *body ? FC_OK : FC_ERR;
}

static int64_t clock_now(void *ctx)
{
    (void)ctx;
    return 1700000000LL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct fc_jwks_config cfg = {.url = ISS "/.well-known/jwks.json",
                                 .refetch_interval = 300,
                                 .fetch = fetch,
                                 .now = clock_now};
    (void)argc;
    (void)argv;
    jwtkey_load(jwks_json, sizeof jwks_json);
    if (fc_jwks_new(&cfg, &jwks) != FC_OK || fc_jwks_load(jwks, jwks_json, strlen(jwks_json)))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {(const char *)data, size};
    unsigned mode = fuzz_byte(&in);
    struct fc_jwt_expect ex = {ISS, CLIENT, (mode & 2) ? FC_JWT_ACCESS : FC_JWT_ID, 60};
    struct fc_jwt_claims cl;
    char why[256], *token;
    int rc;

    if (mode & 1) {
        size_t hlen, plen;
        char *header = fuzz_field(&in, '\n', &hlen), *payload = fuzz_field(&in, '\0', &plen);
        token = sign(header, hlen, payload, plen);
        free(header);
        free(payload);
    } else {
        token = malloc(in.n + 1);
        if (!token)
            abort();
        memcpy(token, in.p, in.n);
        token[in.n] = '\0';
    }
    rc = fc_jwt_verify(jwks, token, &ex, &cl, why, sizeof why);
    if (rc == FC_OK) {
        if (!cl.sub[0] || cl.ngroups > FC_JWT_MAX_GROUPS)
            abort();
        fc_jwt_in_group(&cl, "admins");
    } else if (rc != FC_EAUTH && rc != FC_ERR) {
        abort();
    }
    if (!memchr(why, '\0', sizeof why))
        abort();
    free(token);
    return 0;
}
