/* fuzz.h: helpers shared by the libFuzzer harnesses in t/fuzz/: splitting one input into
 * fields, and an AWS transport that answers every call with bytes taken from the input. */
#ifndef FC_FUZZ_H
#define FC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A cursor over the input. */
struct fuzz_in {
    const char *p;
    size_t n;
};

/* The next field up to sep (or the rest), as a malloc'ed NUL-terminated copy of *len bytes. */
static inline char *fuzz_field(struct fuzz_in *in, char sep, size_t *len)
{
    const char *e = memchr(in->p, sep, in->n);
    size_t k = e ? (size_t)(e - in->p) : in->n;
    char *s = malloc(k + 1);
    if (!s)
        abort();
    memcpy(s, in->p, k);
    s[k] = '\0';
    if (len)
        *len = k;
    in->p += e ? k + 1 : k;
    in->n -= e ? k + 1 : k;
    return s;
}

/* The next byte (0 when the input is used up). */
static inline unsigned fuzz_byte(struct fuzz_in *in)
{
    unsigned b = 0;
    if (in->n) {
        b = (unsigned char)in->p[0];
        in->p++;
        in->n--;
    }
    return b;
}

/* Answers: each call takes the next answer, separated by the line "\n--next--\n"; an answer
 * may start with "status NNN\n" (default 200), then header lines "header Name: value\n". After the
 * last one, every call gets the fallback (status 200 with fuzz_fallback_body, or 500 when it is
 * NULL). */
struct fuzz_answers {
    struct fuzz_in in;
    const char *fallback_body;
    unsigned calls;
};

static int fuzz_transport(void *ctx, const struct aws_http_request *req,
                          struct aws_http_response *resp, struct aws_error *err)
{
    struct fuzz_answers *a = ctx;
    static const char sep[] = "\n--next--\n";
    const char *body;
    size_t len;
    (void)req;
    (void)err;
    memset(resp, 0, sizeof *resp);
    a->calls++;
    resp->status = 200;
    if (a->in.n) {
        const char *e = memmem(a->in.p, a->in.n, sep, sizeof sep - 1);
        body = a->in.p;
        len = e ? (size_t)(e - a->in.p) : a->in.n;
        a->in.p += e ? len + sizeof sep - 1 : len;
        a->in.n -= e ? len + sizeof sep - 1 : len;
        if (len >= 11 && memcmp(body, "status ", 7) == 0 && body[10] == '\n') {
            resp->status = 0;
            for (int i = 7; i < 10; i++)
                resp->status =
                    resp->status * 10 + (body[i] >= '0' && body[i] <= '9' ? body[i] - '0' : 0);
            body += 11;
            len -= 11;
        }
        /* then header lines: "header Name: value\n" */
        while (len > 7 && memcmp(body, "header ", 7) == 0) {
            const char *nl = memchr(body, '\n', len), *colon;
            size_t l = nl ? (size_t)(nl - body) : len;
            char line[512];
            if (l - 7 < sizeof line) {
                memcpy(line, body + 7, l - 7);
                line[l - 7] = '\0';
                if ((colon = strchr(line, ':'))) {
                    line[colon - line] = '\0';
                    aws_headers_add(&resp->headers, line, colon + 1);
                }
            }
            body += nl ? l + 1 : l;
            len -= nl ? l + 1 : l;
        }
    } else if (a->fallback_body) {
        body = a->fallback_body;
        len = strlen(body);
    } else {
        body = "";
        len = 0;
        resp->status = 500;
    }
    resp->body = malloc(len + 1);
    if (!resp->body)
        return AWS_ERR;
    memcpy(resp->body, body, len);
    resp->body[len] = '\0';
    resp->body_len = len;
    return AWS_OK;
}

static void fuzz_no_sleep(void *ctx, unsigned ms)
{
    (void)ctx;
    (void)ms;
}

static time_t fuzz_clock(void *ctx)
{
    (void)ctx;
    return 1714564800; /* 2024-05-01T12:00:00Z */
}

/* Points client c at the answers (one attempt per call, fixed clock, test credentials). */
static inline void fuzz_client(struct aws_client *c, struct fuzz_answers *a)
{
    struct aws_client_hooks h = {
        .transport = fuzz_transport, .sleep = fuzz_no_sleep, .now = fuzz_clock, .ctx = a};
    aws_client_set_hooks(c, &h);
    aws_client_set_retry(c, 1, 1, 1);
    if (aws_client_set_credentials(c, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                   NULL) != AWS_OK)
        abort();
}

/* Quiet AWS environment for the harnesses: a fixed region, no endpoint overrides. */
static inline void fuzz_aws_env(void)
{
    unsetenv("AWS_ENDPOINT_URL");
    setenv("AWS_REGION", "us-east-1", 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", 1);
}

#endif
