/* Fuzz harness: the Cognito auth backend (auth/cognito.c, included to reach its state) reading
 * the user pool's answers: sign-up, confirmation, codes, log-in (AuthenticationResult with its
 * tokens), refresh, sign-out, errors; the sealed session tokens read back from the store; and
 * the error-code mapping. First byte: the operation; the rest: the answers, separated by
 * "\n--next--\n" (see fuzz.h). In a JSON answer, an "IdToken" or "AccessToken" given as an
 * object is the claims of a token: the harness signs it with its key (jwtkey.h), so that the
 * checks after the signature are reached. */
#include "../../cgi/auth/cognito.c"

#include "../lib/testutil.h"
#include "fuzz.h"
#include "jwtkey.h"

static char dir[64];
static struct fc_store *store;
static struct fc_auth *auth;
static struct fuzz_answers answers;
static char jwks_json[4096];
static const char SESSION_HASH[] =
    "6b1d0e0b1f4c4e2f9a7c3d5e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345";

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

/* Replaces result[name], when it is an object (claims), by a token signed with the key. */
static void sign_member(json_object *result, const char *name)
{
    static const char header[] = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"fuzz-key\"}";
    json_object *claims;
    const char *p;
    char *tok;
    if (!json_object_object_get_ex(result, name, &claims) ||
        !json_object_is_type(claims, json_type_object))
        return;
    p = json_object_to_json_string_ext(claims, JSON_C_TO_STRING_PLAIN);
    tok = sign(header, sizeof header - 1, p, strlen(p));
    json_object_object_add(result, name, json_object_new_string(tok));
    free(tok);
}

static int transport(void *ctx, const struct aws_http_request *req, struct aws_http_response *resp,
                     struct aws_error *err)
{
    json_object *o, *result;
    int rc = fuzz_transport(ctx, req, resp, err);
    if (rc != AWS_OK || !(o = json_tokener_parse(resp->body)))
        return rc;
    if (json_object_object_get_ex(o, "AuthenticationResult", &result) &&
        json_object_is_type(result, json_type_object)) {
        const char *s;
        sign_member(result, "IdToken");
        sign_member(result, "AccessToken");
        s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        free(resp->body);
        if (!(resp->body = strdup(s)))
            abort();
        resp->body_len = strlen(s);
    }
    json_object_put(o);
    return rc;
}

static void cleanup(void)
{
    fc_auth_close(auth);
    fc_store_close(store);
    testutil_cleanup(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct aws_client_hooks h = {
        .transport = transport, .sleep = fuzz_no_sleep, .now = fuzz_clock, .ctx = &answers};
    struct fc_jwks_config jc = {.url = "https://issuer/.well-known/jwks.json",
                                .refetch_interval = 60,
                                .fetch = fetch,
                                .now = clock_now};
    struct cognito_auth *ca;
    unsigned char secret[32] = {1, 2, 3};
    char path[128];
    FILE *f;
    HDF *cfg;
    (void)argc;
    (void)argv;
    fuzz_aws_env();
    unsetenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER");
    setenv("FORKCAST_AUTH_THROTTLE_PERACCOUNT", "1000000", 1);
    setenv("FORKCAST_AUTH_THROTTLE_PERADDRESS", "1000000", 1);
    if (!(cfg = testutil_config(dir)))
        abort();
    snprintf(path, sizeof path, "%s/secret", dir);
    if (!(f = fopen(path, "wb")) || fwrite(secret, 1, sizeof secret, f) != sizeof secret ||
        fclose(f))
        abort();
    if (hdf_set_value(cfg, "Auth.Cognito.UserPoolId", "eu-west-1_FUZZ") ||
        hdf_set_value(cfg, "Auth.Cognito.ClientId", "fuzzclient123") ||
        hdf_set_value(cfg, "Auth.Cognito.ClientSecret", "fuzzsecret") ||
        hdf_set_value(cfg, "Auth.Cognito.AdminGroup", "admins"))
        abort();
    if (fc_store_open(cfg, &store) || fc_cognito_open(cfg, store, &auth))
        abort();
    hdf_destroy(&cfg);
    jwtkey_load(jwks_json, sizeof jwks_json);
    ca = (struct cognito_auth *)auth;
    fc_jwks_free(ca->jwks);
    if (fc_jwks_new(&jc, &ca->jwks))
        abort();
    aws_client_set_hooks(ca->idp, &h);
    aws_client_set_retry(ca->idp, 1, 1, 1);
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {(const char *)data, size};
    unsigned op = fuzz_byte(&in) % 10;
    struct cognito_auth *ca = (struct cognito_auth *)auth;
    const struct fc_auth_ops *o = auth->ops;
    struct fc_auth_error err = {"", ""};
    struct fc_signup su = {"ana", "ana@example.com", "tacos al pastor", "Ana"};
    struct fc_user u;
    char dest[128];
    int rc;

    memset(&answers, 0, sizeof answers);
    answers.in = in;
    ca->backoff_until = 0;
    memset(&u, 0, sizeof u);
    switch (op) {
    case 0:
        rc = o->login(auth, "ana", "tacos al pastor", "127.0.0.1", &u, &err);
        if (getenv("FUZZ_DEBUG"))
            fprintf(stderr, "login: %d (%s) user %lld admin %d\n", rc, err.message, (long long)u.id,
                    u.is_admin);
        if (rc == FC_OK) {
            /* the session keeps the tokens; a check refreshes them (next answers) */
            if (o->session_attach(auth, SESSION_HASH, &u) == FC_OK) {
                o->session_check(auth, SESSION_HASH, &u);
                o->logout(auth, SESSION_HASH);
            }
        }
        tokens_clear(&ca->pending);
        break;
    case 1:
        o->signup(auth, &su, &u, &err);
        break;
    case 2:
        o->confirm(auth, "ana", "123456", &err);
        break;
    case 3:
        o->resend(auth, "ana", dest, &err);
        break;
    case 4:
        o->forgot(auth, "ana", dest, &err);
        break;
    case 5:
        o->confirm_forgot(auth, "ana", "123456", "a new long password", &err);
        break;
    case 6:
        u.id = 1;
        o->change_password(auth, SESSION_HASH, &u, "tacos al pastor", "a new long password", &err);
        break;
    case 7: {
        /* the sealed tokens of a session as read back from the store */
        char *sealed = fuzz_field(&in, '\0', NULL),
             *plain = fc_cognito_unseal(ca->key, SESSION_HASH, sealed);
        free(plain);
        free(sealed);
        break;
    }
    case 8: {
        char *code = fuzz_field(&in, '\n', NULL), *msg = fuzz_field(&in, '\0', NULL);
        for (int k = FC_COGNITO_SIGNUP; k <= FC_COGNITO_LOGOUT; k++)
            fc_cognito_map_error((enum fc_cognito_op)k, code, msg, &err);
        free(code);
        free(msg);
        break;
    }
    default:
        o->session_check(auth, SESSION_HASH, &u);
        break;
    }
    fc_user_clear(&u);
    if (!memchr(err.message, '\0', sizeof err.message) ||
        !memchr(err.field, '\0', sizeof err.field))
        abort();
    return 0;
}
