/* aws/error: AWS error answers (JSON via json-c, XML via libxml2) turned into struct aws_error. */
#include "aws/error.h"
#include "aws/http.h"
#include "core/util.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

void aws_error_clear(struct aws_error *err)
{
    if (err)
        memset(err, 0, sizeof(*err));
}

void aws_error_set(struct aws_error *err, const char *code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return;
    fc_strlcpy(err->code, code ? code : "", sizeof err->code);
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

/* Copies a code, cut as the AWS protocols say: "ns#Name" -> "Name", "Name:uri" -> "Name". */
static void set_code(struct aws_error *err, const char *code, size_t n)
{
    const char *hash = memchr(code, '#', n);
    const char *colon;

    if (hash) {
        n -= (size_t)(hash + 1 - code);
        code = hash + 1;
    }
    colon = memchr(code, ':', n);
    if (colon)
        n = (size_t)(colon - code);
    while (n && (*code == ' ' || *code == '\t')) {
        code++;
        n--;
    }
    while (n && (code[n - 1] == ' ' || code[n - 1] == '\t' || code[n - 1] == '\n'))
        n--;
    if (n >= sizeof err->code)
        n = sizeof err->code - 1;
    memcpy(err->code, code, n);
    err->code[n] = '\0';
}

static void copy_trimmed(char *dst, size_t size, const char *src)
{
    size_t n;

    while (*src == ' ' || *src == '\t' || *src == '\n' || *src == '\r')
        src++;
    n = strlen(src);
    while (n &&
           (src[n - 1] == ' ' || src[n - 1] == '\t' || src[n - 1] == '\n' || src[n - 1] == '\r'))
        n--;
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* ---- JSON (awsJson1_0, awsJson1_1, restJson1) --------------------------- */

static const char *json_str(json_object *o, const char *const *keys)
{
    json_object *v;

    for (; *keys; keys++)
        if (json_object_object_get_ex(o, *keys, &v) && json_object_is_type(v, json_type_string))
            return json_object_get_string(v);
    return NULL;
}

static void parse_json(struct aws_error *err, const char *body, size_t len)
{
    static const char *const code_keys[] = {"__type", "code", "Code", NULL};
    static const char *const msg_keys[] = {"message", "Message", "errorMessage", NULL};
    json_tokener *tok;
    json_object *o;
    const char *s;

    if (len > INT_MAX)
        return;
    tok = json_tokener_new();
    if (!tok)
        return;
    o = json_tokener_parse_ex(tok, body, (int)len);
    if (o && json_object_is_type(o, json_type_object)) {
        if ((s = json_str(o, code_keys)))
            set_code(err, s, strlen(s));
        if ((s = json_str(o, msg_keys)))
            copy_trimmed(err->message, sizeof err->message, s);
    }
    json_object_put(o);
    json_tokener_free(tok);
}

/* ---- XML (S3 <Error>, EC2 <Response><Errors><Error>, query <ErrorResponse><Error>) ---- */

static int name_is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* First element named name in document order under (and including) n. */
static xmlNode *find_element(xmlNode *n, const char *name)
{
    for (; n; n = n->next) {
        xmlNode *found;
        if (name_is(n, name))
            return n;
        if (n->type == XML_ELEMENT_NODE && (found = find_element(n->children, name)))
            return found;
    }
    return NULL;
}

static xmlNode *child_element(xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (name_is(c, name))
            return c;
    return NULL;
}

/* Copies the text content of node into dst; returns 1 when there was some. */
static int node_text(xmlNode *node, char *dst, size_t size)
{
    xmlChar *text;

    if (!node || !(text = xmlNodeGetContent(node)))
        return 0;
    copy_trimmed(dst, size, (const char *)text);
    xmlFree(text);
    return dst[0] != '\0';
}

static void parse_xml(struct aws_error *err, const char *body, size_t len)
{
    xmlDoc *doc;
    xmlNode *root, *error, *id;
    char code[sizeof err->code];

    if (len > INT_MAX)
        return;
    /* No network, no entity expansion (the default), no error output. */
    doc = xmlReadMemory(body, (int)len, NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return;
    root = xmlDocGetRootElement(doc);
    error = find_element(root, "Error");
    if (error) {
        if (node_text(child_element(error, "Code"), code, sizeof code))
            set_code(err, code, strlen(code));
        node_text(child_element(error, "Message"), err->message, sizeof err->message);
    }
    /* S3 puts RequestId inside <Error>, query APIs beside it, EC2 writes RequestID. */
    id = find_element(root, "RequestId");
    if (!id)
        id = find_element(root, "RequestID");
    node_text(id, err->request_id, sizeof err->request_id);
    xmlFreeDoc(doc);
}

/* ---- entry points ------------------------------------------------------- */

static const char *status_code_name(int status)
{
    switch (status) {
    case 400:
        return "BadRequest";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "NotFound";
    case 405:
        return "MethodNotAllowed";
    case 409:
        return "Conflict";
    case 412:
        return "PreconditionFailed";
    case 413:
        return "RequestEntityTooLarge";
    case 429:
        return "TooManyRequests";
    case 500:
        return "InternalError";
    case 502:
        return "BadGateway";
    case 503:
        return "ServiceUnavailable";
    case 504:
        return "GatewayTimeout";
    default:
        return NULL;
    }
}

void aws_error_parse(struct aws_error *err, int http_status, const struct aws_headers *headers,
                     const char *body, size_t len)
{
    const char *h;
    size_t i = 0;

    if (!err)
        return;
    err->http_status = http_status;
    err->transport = 0;
    err->code[0] = err->message[0] = err->request_id[0] = '\0';
    if (body) {
        while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
            i++;
        if (i < len && body[i] == '{')
            parse_json(err, body + i, len - i);
        else if (i < len && body[i] == '<')
            parse_xml(err, body + i, len - i);
    }
    if (!err->code[0] && (h = aws_headers_get(headers, "x-amzn-ErrorType")) && *h)
        set_code(err, h, strlen(h));
    if (!err->request_id[0]) {
        static const char *const id_headers[] = {"x-amzn-RequestId", "x-amz-request-id", NULL};
        for (const char *const *k = id_headers; *k && !err->request_id[0]; k++)
            if ((h = aws_headers_get(headers, *k)))
                copy_trimmed(err->request_id, sizeof err->request_id, h);
    }
    if (!err->code[0]) {
        const char *name = status_code_name(http_status);
        if (name)
            fc_strlcpy(err->code, name, sizeof err->code);
        else
            snprintf(err->code, sizeof err->code, "Http%d", http_status);
    }
    err->retryable = aws_error_is_retryable(http_status, err->code);
}

const char *aws_error_hint(int http_status, const char *code)
{
    static const struct {
        const char *code;
        const char *hint;
    } hints[] = {
        {"SignatureDoesNotMatch", "the secret access key does not match the access key id "
                                  "(check AWS_SECRET_ACCESS_KEY or the credentials file)"},
        {"InvalidAccessKeyId", "the access key id is unknown to the service (check "
                               "AWS_ACCESS_KEY_ID or the credentials file, and the endpoint)"},
        {"InvalidClientTokenId", "the access key id is unknown to the service (check "
                                 "AWS_ACCESS_KEY_ID or the credentials file, and the endpoint)"},
        {"UnrecognizedClientException", "the access key id is unknown to the service (check "
                                        "AWS_ACCESS_KEY_ID or the credentials file)"},
        {"AuthFailure", "the credentials were refused (check the access key id and the secret "
                        "access key)"},
        {"ExpiredToken", "the session token has expired (refresh the temporary credentials)"},
        {"ExpiredTokenException", "the session token has expired (refresh the temporary "
                                  "credentials)"},
        {"RequestTimeTooSkewed", "this machine's clock is too far from the service's (check NTP)"},
        {"AccessDenied", "the credentials are valid but lack permission on this resource (check "
                         "the IAM policy and the bucket or table policy)"},
        {"AccessDeniedException", "the credentials are valid but lack permission on this "
                                  "resource (check the IAM policy)"},
        {"UnauthorizedOperation", "the credentials are valid but lack permission for this "
                                  "operation (check the IAM policy)"},
    };

    if (code)
        for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
            if (strcmp(code, hints[i].code) == 0)
                return hints[i].hint;
    /* A refusal without a body (S3 answers HEAD so): a wrong secret and a missing permission
     * look the same from here. */
    if (http_status == 401 || http_status == 403)
        return "the credentials were refused: the secret access key may be wrong, or the "
               "credentials lack permission on this resource (check AWS_ACCESS_KEY_ID, "
               "AWS_SECRET_ACCESS_KEY and the IAM or bucket policy)";
    return NULL;
}

int aws_error_is_throttle(const char *code)
{
    /* botocore's standard retry mode list of throttling codes. */
    static const char *const codes[] = {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    };

    if (!code)
        return 0;
    for (size_t i = 0; i < FC_ARRAY_LEN(codes); i++)
        if (!strcmp(code, codes[i]))
            return 1;
    return 0;
}

int aws_error_is_retryable(int http_status, const char *code)
{
    if (aws_error_is_throttle(code) || http_status == 429)
        return 1;
    return http_status >= 500 && http_status != 501;
}
