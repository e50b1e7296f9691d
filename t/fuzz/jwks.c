/* Fuzz harness: fc_jwks_load, a key set document (JWKS) as the issuer serves it; then a
 * verification through the loaded set (unknown kids, key sizes). */
#include "auth/jwt.h"
#include "core/util.h"
#include "fuzz.h"

static int no_fetch(void *ctx, const char *url, char **body, size_t *len)
{
    (void)ctx;
    (void)url;
    (void)body;
    (void)len;
    return FC_ERR;
}

static int64_t clock_now(void *ctx)
{
    (void)ctx;
    return 1700000000LL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fc_jwks_config cfg = {.url = "https://issuer.example/.well-known/jwks.json",
                                 .refetch_interval = 300,
                                 .fetch = no_fetch,
                                 .now = clock_now};
    struct fc_jwt_expect ex = {"https://issuer.example", "client", FC_JWT_ID, 0};
    struct fc_jwt_claims cl;
    struct fc_jwks_stats st;
    struct fc_jwks *k = NULL;
    char why[128];
    /* a token whose kid is "1" and signature 256 bytes of zeros */
    static const char tok[] =
        "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJ4In0."
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    char *json = malloc(size ? size : 1);

    if (!json || fc_jwks_new(&cfg, &k) != FC_OK)
        abort();
    memcpy(json, data, size); /* exact size, not NUL-terminated */
    if (fc_jwks_load(k, json, size) == FC_OK) {
        fc_jwks_stats(k, &st);
        if (st.keys == 0 || st.keys > 64)
            abort();
        if (fc_jwt_verify(k, tok, &ex, &cl, why, sizeof why) == FC_OK)
            abort(); /* a zero signature never verifies */
    }
    fc_jwks_free(k);
    free(json);
    return 0;
}
