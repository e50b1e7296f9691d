/*
 * sigv4.h - AWS Signature Version 4 signing (Authorization header and
 * presigned URL forms) for requests forkcast sends to AWS services such as
 * S3 and DynamoDB. Pure computation: no I/O, no global state.
 *
 * Memory: every string in a struct sigv4_signed is malloc'ed and owned by
 * that struct; release them all with sigv4_signed_free(). Input structs are
 * only read, never kept.
 */
#ifndef FORKCAST_AWS_SIGV4_H
#define FORKCAST_AWS_SIGV4_H

#include <stddef.h>
#include <time.h>

/* Payload hash to use when the body is not signed (S3 presigned URLs,
 * streaming uploads over TLS). */
#define SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

/* Largest X-Amz-Expires AWS accepts for a presigned URL (7 days). */
#define SIGV4_MAX_EXPIRES 604800u

/* Flags for struct sigv4_request.flags. */
/* Add and sign an x-amz-content-sha256 header carrying the payload hash
 * (S3 requires it on every header-signed request). Ignored by presign. */
#define SIGV4_ADD_CONTENT_SHA256 (1u << 0)
/* Do not normalise the path nor encode it a second time (S3 rule). Without
 * this flag the path is normalised (dot segments removed, duplicate slashes
 * collapsed) and its wire form is URI-encoded again ("double encoding"). */
#define SIGV4_NO_DOUBLE_ENCODE (1u << 1)
/* Add X-Amz-Security-Token after signing instead of signing it (a few
 * services want this; AWS suite case post-sts-header-after). */
#define SIGV4_TOKEN_AFTER (1u << 2)
/* What an S3 request needs. */
#define SIGV4_S3 (SIGV4_ADD_CONTENT_SHA256 | SIGV4_NO_DOUBLE_ENCODE)

/* Most headers sigv4_sign() asks the caller to add: X-Amz-Date,
 * x-amz-content-sha256, X-Amz-Security-Token, Authorization. */
#define SIGV4_MAX_OUT_HEADERS 4

struct sigv4_credentials {
    const char *access_key_id;     /* required, e.g. "AKIDEXAMPLE" */
    const char *secret_access_key; /* required */
    const char *session_token;     /* NULL or "" when not using STS */
};

/* One request header, name and value as the caller will send them. */
struct sigv4_header {
    const char *name;
    const char *value;
};

struct sigv4_request {
    const char *method; /* "GET", "POST", ... used verbatim */

    /* Either url ("http[s]://host[:port]/path?query", fragment ignored),
     * or url == NULL and host ("host[:port]"), path and query (without
     * '?', may be NULL). The path and query must be in the form sent on
     * the wire, i.e. already percent-encoded; spaces and control
     * characters are refused, other bytes outside the URI character set
     * (such as raw UTF-8) are percent-encoded for the signature. A '+' in
     * the query is a literal plus: write spaces as %20. */
    const char *url;
    const char *host;
    const char *path;
    const char *query;

    /* Headers to sign, in the order they will be sent. Must not contain
     * Authorization or X-Amz-Date, nor X-Amz-Security-Token when the
     * credentials carry a token, nor x-amz-content-sha256 when
     * SIGV4_ADD_CONTENT_SHA256 is set: the signer adds those. A Host
     * header is signed from the URL/host (default port dropped) unless
     * one is given here. */
    const struct sigv4_header *headers;
    size_t n_headers;

    /* The body: payload_hash (64 lower-case hex digits, or
     * SIGV4_UNSIGNED_PAYLOAD) if not NULL, else SHA-256 of
     * payload[0..payload_len) (payload may be NULL when payload_len is 0). */
    const void *payload;
    size_t payload_len;
    const char *payload_hash;

    const char *region;  /* e.g. "eu-west-1" */
    const char *service; /* e.g. "s3", "dynamodb" */
    time_t time;         /* signing time, seconds since the epoch (UTC) */
    unsigned flags;      /* SIGV4_* flags above */
};

/* A header the caller must add to the request; name is a static string,
 * value is owned by the enclosing struct sigv4_signed. */
struct sigv4_out_header {
    const char *name;
    char *value;
};

/* Result of sigv4_sign() / sigv4_presign(). All pointers malloc'ed. */
struct sigv4_signed {
    char *canonical_request;
    char *string_to_sign;
    char *credential_scope; /* "20150830/us-east-1/service/aws4_request" */
    char *signed_headers;   /* "host;x-amz-date" */
    char *authorization;    /* sigv4_sign only: Authorization value */
    char *url;              /* sigv4_presign only: the presigned URL */
    char signature[65];     /* lower-case hex */
    char amz_date[17];      /* "20150830T123600Z" */
    /* sigv4_sign only: headers to add, in this order: X-Amz-Date,
     * x-amz-content-sha256 (if asked), X-Amz-Security-Token (if a token,
     * signed or not), Authorization. Host is not listed: it is signed
     * from the URL, which HTTP clients (libcurl) send it from. */
    struct sigv4_out_header headers[SIGV4_MAX_OUT_HEADERS];
    size_t n_headers;
};

/* Sign req with creds for the Authorization header form. On success
 * returns 0 and fills *out (which must not hold live results: it is
 * overwritten); on invalid input or allocation failure returns -1 and
 * leaves *out empty. Either way release with sigv4_signed_free(). */
int sigv4_sign(const struct sigv4_request *req, const struct sigv4_credentials *creds,
               struct sigv4_signed *out);

/* Presign req with creds as a URL valid for expires seconds
 * (1..SIGV4_MAX_EXPIRES). The query gets X-Amz-Algorithm, -Credential,
 * -Date, -Expires, -SignedHeaders, -Security-Token (if any; appended after
 * the signature with SIGV4_TOKEN_AFTER) and -Signature; out->url is the
 * URL to use: the caller's scheme, authority and path, then the canonical
 * query ("https" when only host was given). The query must not already
 * hold X-Amz-* auth parameters. SIGV4_ADD_CONTENT_SHA256 is ignored; for
 * S3 pass payload_hash = SIGV4_UNSIGNED_PAYLOAD. Returns 0 or -1 like
 * sigv4_sign(); out->authorization and out->headers stay empty. */
int sigv4_presign(const struct sigv4_request *req, const struct sigv4_credentials *creds,
                  unsigned expires, struct sigv4_signed *out);

/* Free every string in s and reset it to empty. s may be NULL. Safe to
 * call on a zeroed struct and more than once. */
void sigv4_signed_free(struct sigv4_signed *s);

/* Write the lower-case hex SHA-256 of data[0..len) and a NUL to out.
 * Returns 0, or -1 if OpenSSL fails. */
int sigv4_sha256_hex(const void *data, size_t len, char out[65]);

#endif
