/* Fuzz harness: fc_request_parse, the whole CGI request (path, query string, cookies, body:
 * urlencoded or multipart) from one input. Input: "METHOD\nURI\nCookie\nContent-Type\n"
 * then the body (CONTENT_LENGTH is the body's length). */
#include <stdio.h>

#include "core/request.h"
#include "core/util.h"
#include "fuzz.h"

struct body {
    const char *p;
    size_t n, pos;
    unsigned chunk;
};

/* Hands the body out in small pieces, as a socket may. */
static long reader(void *ctx, char *buf, size_t len)
{
    struct body *b = ctx;
    size_t k = b->n - b->pos;
    if (k > len)
        k = len;
    if (k > b->chunk)
        k = b->chunk;
    memcpy(buf, b->p + b->pos, k);
    b->pos += k;
    return (long)k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {(const char *)data, size};
    char *method = fuzz_field(&in, '\n', NULL), *uri = fuzz_field(&in, '\n', NULL);
    char *cookie = fuzz_field(&in, '\n', NULL), *ctype = fuzz_field(&in, '\n', NULL);
    char *e_method, *e_uri, *e_qs, *e_cookie, *e_ctype, e_len[64];
    const char *q = strchr(uri, '?');
    struct body b = {in.p, in.n, 0, 1 + (unsigned)(size % 4096)};
    struct fc_limits lim = {1 << 20, 200};
    struct fc_request req;
    char *env[8];

    if (asprintf(&e_method, "REQUEST_METHOD=%s", method) < 0 ||
        asprintf(&e_uri, "REQUEST_URI=%s", uri) < 0 ||
        asprintf(&e_qs, "QUERY_STRING=%s", q ? q + 1 : "") < 0 ||
        asprintf(&e_cookie, "HTTP_COOKIE=%s", cookie) < 0 ||
        asprintf(&e_ctype, "CONTENT_TYPE=%s", ctype) < 0)
        abort();
    snprintf(e_len, sizeof e_len, "CONTENT_LENGTH=%zu", in.n);
    env[0] = e_method;
    env[1] = e_uri;
    env[2] = e_qs;
    env[3] = e_cookie;
    env[4] = e_ctype;
    env[5] = e_len;
    env[6] = "REMOTE_ADDR=127.0.0.1";
    env[7] = NULL;

    if (fc_request_parse(&req, env, reader, &b, &lim) == FC_OK) {
        /* what the handlers then do with the parsed pairs: text values (never file parts)
         * are checked text */
        for (size_t i = 0; i < req.form.n; i++) {
            const struct fc_param *e = &req.form.v[i];
            if (!e->filename &&
                (fc_param(&req.form, e->name) == NULL || !fc_utf8_valid(e->value, e->len)))
                abort();
            if (e->filename && fc_param(&req.form, e->name) == e->value)
                abort();
        }
        if (req.path[0] != '/')
            abort();
    }
    fc_request_free(&req);
    free(method);
    free(uri);
    free(cookie);
    free(ctype);
    free(e_method);
    free(e_uri);
    free(e_qs);
    free(e_cookie);
    free(e_ctype);
    return 0;
}
