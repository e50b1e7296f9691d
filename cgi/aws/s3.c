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

int aws_s3_put(struct aws_client *c, const char *bucket, const char *key, const void *data,
               size_t len, const char *ctype, struct aws_error *err)
{
    unsigned char md[32];
    char hash[65], b64[48];
    struct sigv4_header h[2];
    struct aws_request req = {0};
    struct aws_http_response resp = {0};
    char *path = key_path(key);
    int rc;

    aws_error_clear(err);
    if (!path || !EVP_Digest(data ? data : "", len, md, NULL, EVP_sha256(), NULL)) {
        free(path);
        return AWS_ERR;
    }
    fc_hex(hash, md, 32);
    EVP_EncodeBlock((unsigned char *)b64, md, 32);
    h[0].name = "Content-Type";
    h[0].value = ctype ? ctype : "application/octet-stream";
    h[1].name = "x-amz-checksum-sha256";
    h[1].value = b64;
    req.method = "PUT";
    req.bucket = bucket;
    req.path = path;
    req.headers = h;
    req.n_headers = 2;
    req.body = data;
    req.body_len = len;
    req.payload_hash = hash;
    rc = aws_request(c, &req, &resp, err);
    aws_http_response_free(&resp);
    free(path);
    return rc;
}

int aws_s3_get(struct aws_client *c, const char *bucket, const char *key, char **data, size_t *len,
               struct aws_error *err)
{
    struct aws_request req = {0};
    struct aws_http_response resp = {0};
    char *path = key_path(key);
    int rc;

    *data = NULL;
    *len = 0;
    if (!path)
        return AWS_ERR;
    req.method = "GET";
    req.bucket = bucket;
    req.path = path;
    rc = aws_request(c, &req, &resp, err);
    free(path);
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
    struct aws_request req = {0};
    struct aws_http_response resp = {0};
    char *path = key_path(key);
    int rc;

    if (!path)
        return AWS_ERR;
    req.method = "DELETE";
    req.bucket = bucket;
    req.path = path;
    rc = aws_request(c, &req, &resp, err);
    aws_http_response_free(&resp);
    free(path);
    if (rc == AWS_E_HTTP && err && err->http_status == 404)
        rc = AWS_OK;
    return rc;
}
