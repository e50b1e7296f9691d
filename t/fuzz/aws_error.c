/* Fuzz harness: aws_error_parse, the error bodies of every AWS protocol (JSON: DynamoDB,
 * Cognito, Personalize; XML: S3, EC2, the query APIs). Input: two bytes of HTTP status, then
 * header lines "Name: value\n" up to an empty line, then the body. */
#include "aws/error.h"
#include "aws/http.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {(const char *)data, size};
    int status = (int)(fuzz_byte(&in) << 8 | fuzz_byte(&in)) % 600;
    struct aws_headers h = {0};
    struct aws_error err;
    char *body;

    while (in.n) {
        char *line = fuzz_field(&in, '\n', NULL), *colon = strchr(line, ':');
        int empty = !line[0];
        if (colon) {
            *colon = '\0';
            aws_headers_add(&h, line, colon + 1);
        }
        free(line);
        if (empty)
            break;
    }
    body = malloc(in.n ? in.n : 1); /* exact size, not NUL-terminated */
    if (!body)
        abort();
    memcpy(body, in.p, in.n);
    memset(&err, 0x5a, sizeof err);
    aws_error_parse(&err, status, &h, body, in.n);
    if (!memchr(err.code, '\0', sizeof err.code) ||
        !memchr(err.message, '\0', sizeof err.message) ||
        !memchr(err.request_id, '\0', sizeof err.request_id) || err.http_status != status)
        abort();
    aws_error_is_retryable(err.http_status, err.code);
    aws_headers_free(&h);
    free(body);
    return 0;
}
