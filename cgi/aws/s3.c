/* aws/s3: object PUT (checksummed), GET and DELETE over aws_request (see s3.h). */
#include "aws/s3.h"
#include "core/util.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* "/" + the key, percent-encoded with '/' kept; NULL when out of memory. */
static char *key_path(const char *key)
{
    char *enc = aws_uri_encode(key, 1), *path;
    if (!enc)
        return NULL;
    path = malloc(strlen(enc) + 2);
    if (path) {
        path[0] = '/';
        strcpy(path + 1, enc);
    }
    free(enc);
    return path;
}

/* Sends req (method, headers and body set) to the object key of bucket; resp as for
 * aws_request (the caller frees it). AWS_ERR when out of memory. */
static int object_call(struct aws_client *c, struct aws_request *req, const char *bucket,
                       const char *key, struct aws_http_response *resp, struct aws_error *err)
{
    char *path = key_path(key);
    int rc;

    if (!path)
        return AWS_ERR;
    req->bucket = bucket;
    req->path = path;
    rc = aws_request(c, req, resp, err);
    free(path);
    return rc;
}

int aws_s3_put(struct aws_client *c, const char *bucket, const char *key, const void *data,
               size_t len, const char *ctype, struct aws_error *err)
{
    unsigned char md[32];
    char hash[65], b64[48];
    struct sigv4_header h[2];
    struct aws_request req = {0};
    struct aws_http_response resp = {0};
    int rc;

    aws_error_clear(err);
    if (!EVP_Digest(data ? data : "", len, md, NULL, EVP_sha256(), NULL))
        return AWS_ERR;
    fc_hex(hash, md, 32);
    EVP_EncodeBlock((unsigned char *)b64, md, 32);
    h[0].name = "Content-Type";
    h[0].value = ctype ? ctype : "application/octet-stream";
    h[1].name = "x-amz-checksum-sha256";
    h[1].value = b64;
    req.method = "PUT";
    req.headers = h;
    req.n_headers = 2;
    req.body = data;
    req.body_len = len;
    req.payload_hash = hash;
    rc = object_call(c, &req, bucket, key, &resp, err);
    aws_http_response_free(&resp);
    return rc;
}

int aws_s3_get(struct aws_client *c, const char *bucket, const char *key, char **data, size_t *len,
               struct aws_error *err)
{
    struct aws_request req = {.method = "GET"};
    struct aws_http_response resp = {0};
    int rc;

    *data = NULL;
    *len = 0;
    rc = object_call(c, &req, bucket, key, &resp, err);
    if (rc == AWS_OK) {
        if (!(*data = malloc(resp.body_len + 1))) {
            rc = AWS_ERR;
        } else {
            if (resp.body_len)
                memcpy(*data, resp.body, resp.body_len);
            (*data)[resp.body_len] = '\0';
            *len = resp.body_len;
        }
    }
    aws_http_response_free(&resp);
    return rc;
}

int aws_s3_delete(struct aws_client *c, const char *bucket, const char *key, struct aws_error *err)
{
    struct aws_request req = {.method = "DELETE"};
    struct aws_http_response resp = {0};
    int rc = object_call(c, &req, bucket, key, &resp, err);

    aws_http_response_free(&resp);
    if (rc == AWS_E_HTTP && err && err->http_status == 404)
        rc = AWS_OK;
    return rc;
}
