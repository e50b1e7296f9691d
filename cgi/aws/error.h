/* aws/error: the typed AWS error (struct aws_error), return codes of the AWS layer, and the
 * parsers that turn AWS error bodies (JSON and XML protocols) into it. */
#ifndef FORKCAST_AWS_ERROR_H
#define FORKCAST_AWS_ERROR_H

#include <stddef.h>

struct aws_headers;

/* Return codes of every aws_* function that can fail. */
enum {
    AWS_OK = 0,
    AWS_ERR = -1,         /* invalid argument, allocation failure, internal error */
    AWS_E_HTTP = -2,      /* the service answered with an error status (see struct aws_error) */
    AWS_E_TRANSPORT = -3, /* no answer: connection failure or timeout, after all retries */
    AWS_E_CREDS = -4,     /* no credentials found (or the metadata service failed) */
    AWS_E_PARSE = -5,     /* a success answer whose body could not be parsed */
};

/* What went wrong with one AWS call. Strings are always NUL-terminated (maybe empty). */
struct aws_error {
    int http_status;      /* last HTTP status, 0 when no answer came */
    char code[128];       /* "ResourceNotFoundException", "SignatureDoesNotMatch", "Timeout"... */
    char message[512];    /* the service's message, or a transport/local description */
    char request_id[128]; /* x-amzn-RequestId / x-amz-request-id / <RequestId>, if any */
    int retryable;        /* 1 when the last failure was of a retryable kind */
    int attempts;         /* attempts made (1 = no retry) */
    int transport;        /* 1 when the last failure was a transport error (no HTTP answer) */
};

/* Resets every field of err to zero / empty. err may be NULL. */
void aws_error_clear(struct aws_error *err);

/* Sets err->code and a printf-formatted err->message (other fields untouched). */
void aws_error_set(struct aws_error *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fills err from an error answer: http_status, then code, message and request id from the
 * body (JSON: "__type"/"code" and "message"/"Message"; XML: the first <Error> element's
 * <Code> and <Message>, as in S3's <Error>, EC2's <Response><Errors><Error> and the query
 * APIs' <ErrorResponse><Error>), then the x-amzn-ErrorType and request-id headers (headers
 * may be NULL). A code of "prefix#Name" or "Name:uri" is cut to "Name". Without any code the
 * status gives one ("NotFound", "InternalError", "Http418"...). Sets retryable from
 * aws_error_is_retryable(). Never fails; a body that is not JSON nor XML is ignored. */
void aws_error_parse(struct aws_error *err, int http_status, const struct aws_headers *headers,
                     const char *body, size_t len);

/* For an answer that refused the caller (401/403, or a code such as AccessDenied,
 * SignatureDoesNotMatch, InvalidAccessKeyId, AuthFailure, ExpiredToken), a sentence naming the
 * likely cause for an operator ("the secret access key does not match the access key id..."),
 * else NULL. A static string. */
const char *aws_error_hint(int http_status, const char *code);

/* 1 when code is one of the throttling codes the SDKs retry (ThrottlingException,
 * Throttling, ThrottledException, RequestLimitExceeded, SlowDown, RequestThrottled,
 * ProvisionedThroughputExceededException, TooManyRequestsException, ...). */
int aws_error_is_throttle(const char *code);

/* 1 when an answer with this status and code should be retried: 5xx (but 501), 429 and the
 * throttling codes. Other 4xx are never retried. */
int aws_error_is_retryable(int http_status, const char *code);

#endif
