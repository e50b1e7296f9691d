/* Unit tests: AWS error answers (DynamoDB/Cognito JSON, S3/EC2/query XML) parsed into
 * struct aws_error, and the retryable classification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "aws/error.h"
#include "aws/http.h"

static void parse(struct aws_error *e, int status, const struct aws_headers *h, const char *body)
{
    aws_error_clear(e);
    aws_error_parse(e, status, h, body, body ? strlen(body) : 0);
}

/* DynamoDB GetItem on a missing table, as the service sends it. */
static void test_dynamodb_json(void **state)
{
    (void)state;
    struct aws_error e;
    struct aws_headers h = {0};
    assert_int_equal(aws_headers_add(&h, "x-amzn-RequestId",
                                     "KDA6MVUQ1GCRTGQHCMOE5CMQ4JVV4KQNSO5AEMVJF66Q9ASUAAJG"),
                     AWS_OK);
    assert_int_equal(aws_headers_add(&h, "Content-Type", "application/x-amz-json-1.0"), AWS_OK);
    parse(&e, 400, &h,
          "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\","
          "\"message\":\"Requested resource not found: Table: forkcast not found\"}");
    assert_int_equal(e.http_status, 400);
    assert_string_equal(e.code, "ResourceNotFoundException");
    assert_string_equal(e.message, "Requested resource not found: Table: forkcast not found");
    assert_string_equal(e.request_id, "KDA6MVUQ1GCRTGQHCMOE5CMQ4JVV4KQNSO5AEMVJF66Q9ASUAAJG");
    assert_int_equal(e.retryable, 0);
    assert_int_equal(e.transport, 0);
    aws_headers_free(&h);
}

static void test_dynamodb_throttle_json(void **state)
{
    (void)state;
    struct aws_error e;
    parse(&e, 400, NULL,
          "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
          "\"message\":\"The level of configured provisioned throughput for the table was "
          "exceeded. Consider increasing your provisioning level with the UpdateTable API.\"}");
    assert_string_equal(e.code, "ProvisionedThroughputExceededException");
    assert_true(strstr(e.message, "UpdateTable API.") != NULL);
    assert_int_equal(e.retryable, 1);

    parse(&e, 400, NULL,
          "{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"message\":"
          "\"One or more parameter values were invalid: Missing the key pk in the item\"}");
    assert_string_equal(e.code, "ValidationException");
    assert_int_equal(e.retryable, 0);

    /* Cognito (awsJson1_1): plain __type, "message". Others write "Message". */
    parse(&e, 400, NULL,
          "{\"__type\":\"NotAuthorizedException\",\"message\":\"Incorrect username or "
          "password.\"}");
    assert_string_equal(e.code, "NotAuthorizedException");
    assert_string_equal(e.message, "Incorrect username or password.");
    parse(&e, 400, NULL, " \n{\"__type\":\"ThrottlingException\",\"Message\":\"Rate exceeded\"}");
    assert_string_equal(e.code, "ThrottlingException");
    assert_string_equal(e.message, "Rate exceeded");
    assert_int_equal(e.retryable, 1);
}

/* S3 GetObject on a missing key. */
static void test_s3_xml(void **state)
{
    (void)state;
    struct aws_error e;
    parse(&e, 404, NULL,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
          "<Key>photos/dish 1.jpg</Key><RequestId>4442587FB7D0A2F9</RequestId>"
          "<HostId>eftixk72aD6Ap51TnqcoF8eFidJG9Z/2mkiDFu8yU9AS1ed4OpIszj7UDNEHGran</HostId>"
          "</Error>");
    assert_int_equal(e.http_status, 404);
    assert_string_equal(e.code, "NoSuchKey");
    assert_string_equal(e.message, "The specified key does not exist.");
    assert_string_equal(e.request_id, "4442587FB7D0A2F9");
    assert_int_equal(e.retryable, 0);

    parse(&e, 503, NULL,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code><Message>"
          "Please reduce your request rate.</Message><RequestId>A1</RequestId></Error>");
    assert_string_equal(e.code, "SlowDown");
    assert_int_equal(e.retryable, 1);

    parse(&e, 403, NULL,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code>"
          "<Message>The request signature we calculated does not match the signature you "
          "provided. Check your key and signing method.</Message><AWSAccessKeyId>AKIAEXAMPLE"
          "</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n20240517T123456Z</StringToSign>"
          "</Error>");
    assert_string_equal(e.code, "SignatureDoesNotMatch");
    assert_int_equal(e.retryable, 0);
}

/* EC2 (query protocol, EC2 flavour): <Response><Errors><Error>, <RequestID>. */
static void test_ec2_xml(void **state)
{
    (void)state;
    struct aws_error e;
    parse(&e, 400, NULL,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
          "<Code>InvalidInstanceID.NotFound</Code>"
          "<Message>The instance ID 'i-1a2b3c4d' does not exist</Message></Error></Errors>"
          "<RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>");
    assert_string_equal(e.code, "InvalidInstanceID.NotFound");
    assert_string_equal(e.message, "The instance ID 'i-1a2b3c4d' does not exist");
    assert_string_equal(e.request_id, "ea966190-f9aa-478e-9ede-example");
    assert_int_equal(e.retryable, 0);

    parse(&e, 503, NULL,
          "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit "
          "exceeded.</Message></Error></Errors><RequestID>r-2</RequestID></Response>");
    assert_string_equal(e.code, "RequestLimitExceeded");
    assert_int_equal(e.retryable, 1);
    /* EC2 throttling is retried even when sent as a 4xx. */
    parse(&e, 400, NULL,
          "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>x</Message>"
          "</Error></Errors></Response>");
    assert_int_equal(e.retryable, 1);
}

/* Query APIs (STS, IAM): namespaced <ErrorResponse><Error><Type>...; moto's variant with an
 * <Errors> level. */
static void test_query_xml(void **state)
{
    (void)state;
    struct aws_error e;
    parse(&e, 403, NULL,
          "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n"
          "    <Type>Sender</Type>\n    <Code>InvalidClientTokenId</Code>\n"
          "    <Message>The security token included in the request is invalid.</Message>\n"
          "  </Error>\n  <RequestId>4d1a3a8e-5c3f-4a7e-9c0e-1b2f0a9f8d71</RequestId>\n"
          "</ErrorResponse>\n");
    assert_string_equal(e.code, "InvalidClientTokenId");
    assert_string_equal(e.message, "The security token included in the request is invalid.");
    assert_string_equal(e.request_id, "4d1a3a8e-5c3f-4a7e-9c0e-1b2f0a9f8d71");

    parse(&e, 403, NULL,
          "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ErrorResponse><Errors><Error>"
          "<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does "
          "not match</Message></Error></Errors></ErrorResponse>");
    assert_string_equal(e.code, "SignatureDoesNotMatch");
    assert_string_equal(e.message, "The request signature we calculated does not match");
}

/* A real parser: comments, CDATA and entities are handled, external entities never read. */
static void test_xml_is_parsed(void **state)
{
    (void)state;
    struct aws_error e;
    parse(&e, 400, NULL,
          "<Error><!-- <Code>Fake</Code> --><Code>Bad&amp;Code</Code>"
          "<Message><![CDATA[a < b & <Code>c</Code>]]></Message></Error>");
    assert_string_equal(e.code, "Bad&Code");
    assert_string_equal(e.message, "a < b & <Code>c</Code>");

    parse(&e, 400, NULL,
          "<?xml version=\"1.0\"?><!DOCTYPE Error [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
          "<Error><Code>X</Code><Message>[&x;]</Message></Error>");
    assert_string_equal(e.code, "X");
    assert_null(strstr(e.message, "root:"));

    /* Unterminated XML, broken JSON: the status gives the code. */
    parse(&e, 500, NULL, "<Error><Code>Half");
    assert_string_equal(e.code, "InternalError");
    assert_int_equal(e.retryable, 1);
    parse(&e, 400, NULL, "{\"__type\": ");
    assert_string_equal(e.code, "BadRequest");
    assert_int_equal(e.retryable, 0);
    parse(&e, 502, NULL, "<html><body>Bad Gateway</body></html>");
    assert_string_equal(e.code, "BadGateway");
}

static void test_headers_and_status(void **state)
{
    (void)state;
    struct aws_error e;
    struct aws_headers h = {0};

    /* restJson-style x-amzn-ErrorType with a ":uri" suffix, no body. */
    assert_int_equal(aws_headers_add(&h, "X-Amzn-ErrorType",
                                     "ThrottlingException:http://internal.amazon.com/coral/"),
                     AWS_OK);
    assert_int_equal(aws_headers_add(&h, "x-amz-request-id", "S3REQ1"), AWS_OK);
    parse(&e, 400, &h, "");
    assert_string_equal(e.code, "ThrottlingException");
    assert_string_equal(e.request_id, "S3REQ1");
    assert_int_equal(e.retryable, 1);
    aws_headers_free(&h);

    /* S3 HEAD: no body at all. */
    parse(&e, 404, NULL, NULL);
    assert_string_equal(e.code, "NotFound");
    assert_int_equal(e.retryable, 0);
    parse(&e, 429, NULL, "");
    assert_string_equal(e.code, "TooManyRequests");
    assert_int_equal(e.retryable, 1);
    parse(&e, 418, NULL, "");
    assert_string_equal(e.code, "Http418");
    assert_int_equal(e.retryable, 0);
    parse(&e, 501, NULL, "");
    assert_int_equal(e.retryable, 0);
}

static void test_truncation(void **state)
{
    (void)state;
    struct aws_error e;
    char body[2048];
    char longcode[300];

    memset(longcode, 'C', sizeof longcode - 1);
    longcode[sizeof longcode - 1] = '\0';
    snprintf(body, sizeof body, "{\"__type\":\"%s\",\"message\":\"%0900d\"}", longcode, 7);
    parse(&e, 400, NULL, body);
    assert_int_equal(strlen(e.code), sizeof e.code - 1);
    assert_int_equal(strlen(e.message), sizeof e.message - 1);
}

static void test_retryable_codes(void **state)
{
    (void)state;
    static const char *const throttles[] = {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "TooManyRequestsException",
        "RequestThrottled",
        "SlowDown",
    };
    for (size_t i = 0; i < sizeof throttles / sizeof throttles[0]; i++) {
        assert_true(aws_error_is_throttle(throttles[i]));
        assert_true(aws_error_is_retryable(400, throttles[i]));
    }
    assert_false(aws_error_is_throttle("ValidationException"));
    assert_false(aws_error_is_throttle(NULL));
    assert_false(aws_error_is_retryable(400, "ValidationException"));
    assert_false(aws_error_is_retryable(403, "AccessDenied"));
    assert_false(aws_error_is_retryable(404, "NoSuchKey"));
    assert_true(aws_error_is_retryable(500, "InternalServerError"));
    assert_true(aws_error_is_retryable(503, "ServiceUnavailable"));
    assert_true(aws_error_is_retryable(429, ""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dynamodb_json),
        cmocka_unit_test(test_dynamodb_throttle_json),
        cmocka_unit_test(test_s3_xml),
        cmocka_unit_test(test_ec2_xml),
        cmocka_unit_test(test_query_xml),
        cmocka_unit_test(test_xml_is_parsed),
        cmocka_unit_test(test_headers_and_status),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_retryable_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
