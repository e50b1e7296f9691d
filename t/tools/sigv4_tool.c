/*
 * sigv4_tool.c - command-line front end to cgi/aws/sigv4.c, used by
 * t/sigv4_botocore.t to compare our signatures with botocore's. Takes a
 * request description on the command line (credentials may come from the
 * AWS_* environment variables instead) and prints either the headers to
 * add, one "Name: value" per line, or the presigned URL.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"

#define MAX_HEADERS 64

static void usage(FILE *f)
{
    fputs("usage: sigv4_tool --url URL [options]\n"
          "  --method M             HTTP method (GET)\n"
          "  --url URL              full request URL\n"
          "  --header 'Name: value' header to sign (repeatable)\n"
          "  --body-file FILE       payload from FILE ('-' reads stdin)\n"
          "  --payload-hash H       hex SHA-256 or UNSIGNED-PAYLOAD\n"
          "  --time T               epoch seconds or 20150830T123600Z\n"
          "  --access-key ID        (or $AWS_ACCESS_KEY_ID)\n"
          "  --secret-key KEY       (or $AWS_SECRET_ACCESS_KEY)\n"
          "  --session-token TOKEN  (or $AWS_SESSION_TOKEN)\n"
          "  --region R  --service S\n"
          "  --s3                   S3 rules (x-amz-content-sha256, single\n"
          "                         encoding, no path normalisation)\n"
          "  --content-sha256       only add x-amz-content-sha256\n"
          "  --no-double-encode     only the S3 path rule\n"
          "  --token-after          add X-Amz-Security-Token unsigned\n"
          "  --presign SECONDS      print a presigned URL instead\n"
          "  --debug                canonical request etc. on stderr\n",
          f);
}

/* Read all of f into a malloc'ed buffer. Returns 0 or -1. */
static int read_all(FILE *f, char **buf, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);

    if (!p)
        return -1;
    for (;;) {
        if (n == cap) {
            char *q = realloc(p, cap * 2);
            if (!q) {
                free(p);
                return -1;
            }
            p = q;
            cap *= 2;
        }
        size_t got = fread(p + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                free(p);
                return -1;
            }
            break;
        }
    }
    *buf = p;
    *len = n;
    return 0;
}

static long long days_from_civil(long long y, long long m, long long d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Epoch seconds, or an ISO 8601 basic UTC time like 20150830T123600Z. */
static int parse_time(const char *s, time_t *t)
{
    int y, mo, d, h, mi, se;
    char z, *end;

    if (strlen(s) == 16 && s[8] == 'T') {
        if (sscanf(s, "%4d%2d%2dT%2d%2d%2d%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 || z != 'Z')
            return -1;
        *t = (time_t)(days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + se);
        return 0;
    }
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *t = (time_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 2, debug = 0, presign = 0;
    unsigned long expires = 0;
    struct sigv4_header headers[MAX_HEADERS];
    char *header_buf[MAX_HEADERS];
    size_t n_headers = 0;
    char *body = NULL;
    size_t body_len = 0;
    const char *body_file = NULL;
    struct sigv4_credentials creds = {
        .access_key_id = getenv("AWS_ACCESS_KEY_ID"),
        .secret_access_key = getenv("AWS_SECRET_ACCESS_KEY"),
        .session_token = getenv("AWS_SESSION_TOKEN"),
    };
    struct sigv4_request req = {.method = "GET", .time = time(NULL)};
    struct sigv4_signed out = {0};

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;

        if (!strcmp(a, "--s3")) {
            req.flags |= SIGV4_S3;
            takes = 0;
        } else if (!strcmp(a, "--content-sha256")) {
            req.flags |= SIGV4_ADD_CONTENT_SHA256;
            takes = 0;
        } else if (!strcmp(a, "--no-double-encode")) {
            req.flags |= SIGV4_NO_DOUBLE_ENCODE;
            takes = 0;
        } else if (!strcmp(a, "--token-after")) {
            req.flags |= SIGV4_TOKEN_AFTER;
            takes = 0;
        } else if (!strcmp(a, "--debug")) {
            debug = 1;
            takes = 0;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            rc = 0;
            goto out;
        } else if (!v) {
            fprintf(stderr, "sigv4_tool: %s needs a value\n", a);
            usage(stderr);
            goto out;
        } else if (!strcmp(a, "--method")) {
            req.method = v;
        } else if (!strcmp(a, "--url")) {
            req.url = v;
        } else if (!strcmp(a, "--header")) {
            const char *colon = strchr(v, ':');
            if (!colon || n_headers == MAX_HEADERS) {
                fprintf(stderr, "sigv4_tool: bad --header %s\n", v);
                goto out;
            }
            char *copy = strdup(v);
            if (!copy)
                goto out;
            header_buf[n_headers] = copy;
            copy[colon - v] = '\0';
            headers[n_headers].name = copy;
            headers[n_headers].value = copy + (colon - v) + 1;
            n_headers++;
        } else if (!strcmp(a, "--body-file")) {
            body_file = v;
        } else if (!strcmp(a, "--payload-hash")) {
            req.payload_hash = v;
        } else if (!strcmp(a, "--time")) {
            if (parse_time(v, &req.time)) {
                fprintf(stderr, "sigv4_tool: bad --time %s\n", v);
                goto out;
            }
        } else if (!strcmp(a, "--access-key")) {
            creds.access_key_id = v;
        } else if (!strcmp(a, "--secret-key")) {
            creds.secret_access_key = v;
        } else if (!strcmp(a, "--session-token")) {
            creds.session_token = v;
        } else if (!strcmp(a, "--region")) {
            req.region = v;
        } else if (!strcmp(a, "--service")) {
            req.service = v;
        } else if (!strcmp(a, "--presign")) {
            char *end;
            errno = 0;
            expires = strtoul(v, &end, 10);
            if (errno || end == v || *end || !expires || expires > SIGV4_MAX_EXPIRES) {
                fprintf(stderr, "sigv4_tool: bad --presign %s\n", v);
                goto out;
            }
            presign = 1;
        } else {
            fprintf(stderr, "sigv4_tool: unknown option %s\n", a);
            usage(stderr);
            goto out;
        }
        i += takes;
    }
    if (!req.url || !req.region || !req.service || !creds.access_key_id ||
        !creds.secret_access_key) {
        fprintf(stderr, "sigv4_tool: need --url, --region, --service and "
                        "credentials\n");
        usage(stderr);
        goto out;
    }
    rc = 1;
    if (body_file) {
        FILE *f = strcmp(body_file, "-") ? fopen(body_file, "rb") : stdin;
        if (!f) {
            fprintf(stderr, "sigv4_tool: %s: %s\n", body_file, strerror(errno));
            goto out;
        }
        int err = read_all(f, &body, &body_len);
        if (f != stdin)
            fclose(f);
        if (err) {
            fprintf(stderr, "sigv4_tool: cannot read %s\n", body_file);
            goto out;
        }
        req.payload = body;
        req.payload_len = body_len;
    }
    req.headers = headers;
    req.n_headers = n_headers;

    if (presign ? sigv4_presign(&req, &creds, (unsigned)expires, &out)
                : sigv4_sign(&req, &creds, &out)) {
        fprintf(stderr, "sigv4_tool: signing failed (invalid input?)\n");
        goto out;
    }
    if (debug)
        fprintf(stderr,
                "--- canonical request\n%s\n--- string to sign\n%s\n"
                "--- signature\n%s\n",
                out.canonical_request, out.string_to_sign, out.signature);
    if (presign) {
        printf("%s\n", out.url);
    } else {
        for (size_t i = 0; i < out.n_headers; i++)
            printf("%s: %s\n", out.headers[i].name, out.headers[i].value);
    }
    rc = fflush(stdout) ? 1 : 0;
out:
    sigv4_signed_free(&out);
    for (size_t i = 0; i < n_headers; i++)
        free(header_buf[i]);
    free(body);
    return rc;
}
