/* blob/s3: photos as objects in an S3 bucket (Blob.S3.Bucket, keys under Blob.S3.Prefix), so
 * every app host serves every photo. PUTs carry x-amz-checksum-sha256 (S3 refuses a body that
 * does not match) and the key is itself the photo's SHA-256, which reads check. Served through
 * the app (pages decide who may see a photo), never public. */
#include "aws/client.h"
#include "aws/s3.h"
#include "backup/backup.h"
#include "blob/blob.h"
#include "core/config.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct s3_blob {
    struct fc_blob base;
    struct aws_client *client;
    char bucket[64];
    char prefix[256]; /* "" or ending in '/' */
};

static void log_error(const char *what, const char *key, const struct aws_error *err)
{
    fprintf(stderr, "forkcast: blob s3 %s %s: %s%s%s (HTTP %d)\n", what, key,
            err->code[0] ? err->code : "error", err->message[0] ? ": " : "", err->message,
            err->http_status);
}

static int object_key(const struct s3_blob *sb, const char *key, char *out, size_t size)
{
    int n = snprintf(out, size, "%s%s", sb->prefix, key);
    return n < 0 || (size_t)n >= size ? FC_ERR : FC_OK;
}

static int s3_put(struct fc_blob *b, const char *key, const void *data, size_t len,
                  const char *ctype)
{
    struct s3_blob *sb = (struct s3_blob *)b;
    char name[400];
    struct aws_error err;

    if (!fc_blob_key_ok(key) || object_key(sb, key, name, sizeof name))
        return FC_EINVAL;
    if (aws_s3_put(sb->client, sb->bucket, name, data, len, ctype, &err) != AWS_OK) {
        log_error("put", key, &err);
        return FC_ERR;
    }
    return FC_OK;
}

static int s3_get(struct fc_blob *b, const char *key, char **data, size_t *len)
{
    struct s3_blob *sb = (struct s3_blob *)b;
    char name[400], hash[65];
    struct aws_error err;

    if (!fc_blob_key_ok(key) || object_key(sb, key, name, sizeof name))
        return FC_NOTFOUND;
    if (aws_s3_get(sb->client, sb->bucket, name, data, len, &err) != AWS_OK) {
        if (err.http_status == 404)
            return FC_NOTFOUND;
        log_error("get", key, &err);
        return FC_ERR;
    }
    /* The key names the content: an object that does not match it is not served. */
    fc_sha256_hex(hash, *data, *len);
    if (strncmp(hash, key, 64) != 0) {
        fprintf(stderr, "forkcast: blob s3 get %s: the object's SHA-256 is %s; not served\n", key,
                hash);
        free(*data);
        *data = NULL;
        return FC_ERR;
    }
    return FC_OK;
}

static int s3_del(struct fc_blob *b, const char *key)
{
    struct s3_blob *sb = (struct s3_blob *)b;
    char name[400];
    struct aws_error err;

    if (!fc_blob_key_ok(key) || object_key(sb, key, name, sizeof name))
        return FC_EINVAL;
    if (aws_s3_delete(sb->client, sb->bucket, name, &err) != AWS_OK) {
        log_error("delete", key, &err);
        return FC_ERR;
    }
    return FC_OK;
}

struct list_ctx {
    const struct s3_blob *sb;
    int (*fn)(void *ctx, const char *key);
    void *ctx;
};

static int list_one(void *ctx, const struct backup_s3_object *o)
{
    struct list_ctx *lc = ctx;
    const char *key = o->key + strlen(lc->sb->prefix);
    if (strncmp(o->key, lc->sb->prefix, strlen(lc->sb->prefix)) != 0 || !fc_blob_key_ok(key))
        return 0; /* not a photo of ours */
    return lc->fn(lc->ctx, key);
}

static int s3_list(struct fc_blob *b, int (*fn)(void *ctx, const char *key), void *ctx)
{
    struct s3_blob *sb = (struct s3_blob *)b;
    struct list_ctx lc = {sb, fn, ctx};
    char token[1024] = "", query[2400], msg[256];
    char *enc_prefix = aws_uri_encode(sb->prefix, 0), *enc_token = NULL;
    int rc = FC_ERR, truncated = 1;

    if (!enc_prefix)
        return FC_ERR;
    while (truncated) {
        struct aws_request req = {0};
        struct aws_http_response resp = {0};
        struct aws_error err;
        int page;

        free(enc_token);
        if (!(enc_token = aws_uri_encode(token, 0)))
            goto out;
        snprintf(query, sizeof query, "list-type=2&prefix=%s%s%s", enc_prefix,
                 token[0] ? "&continuation-token=" : "", token[0] ? enc_token : "");
        req.method = "GET";
        req.bucket = sb->bucket;
        req.query = query;
        if (aws_request(sb->client, &req, &resp, &err) != AWS_OK) {
            log_error("list", sb->prefix[0] ? sb->prefix : "/", &err);
            aws_http_response_free(&resp);
            goto out;
        }
        page = backup_s3_list_page(resp.body, resp.body_len, list_one, &lc, token, sizeof token,
                                   &truncated, msg, sizeof msg);
        aws_http_response_free(&resp);
        if (page < 0) {
            fprintf(stderr, "forkcast: blob s3 list: %s\n", msg);
            goto out;
        }
        if (page > 0) { /* fn stopped it */
            rc = FC_ERR;
            goto out;
        }
    }
    rc = FC_OK;
out:
    free(enc_token);
    free(enc_prefix);
    return rc;
}

static void s3_close(struct fc_blob *b)
{
    struct s3_blob *sb = (struct s3_blob *)b;
    aws_client_free(sb->client);
    free(sb);
}

static const struct fc_blob_ops s3_ops = {
    .name = "s3", .close = s3_close, .put = s3_put, .get = s3_get, .del = s3_del, .list = s3_list};

int fc_blob_s3_open(HDF *cfg, struct fc_blob **out)
{
    const char *bucket = fc_config_str(cfg, "Blob.S3.Bucket", "");
    const char *prefix = fc_config_str(cfg, "Blob.S3.Prefix", "photos/");
    struct s3_blob *sb;
    size_t n;

    if (!*bucket) {
        fprintf(stderr, "forkcast: Blob.Backend is s3 but Blob.S3.Bucket is not set\n");
        return FC_ERR;
    }
    if (strlen(bucket) >= sizeof sb->bucket || strlen(prefix) + 2 >= sizeof sb->prefix ||
        prefix[0] == '/') {
        fprintf(stderr, "forkcast: Blob.S3.Bucket or Blob.S3.Prefix is not a usable name\n");
        return FC_ERR;
    }
    if (!(sb = calloc(1, sizeof *sb)))
        return FC_ERR;
    sb->base.ops = &s3_ops;
    fc_strlcpy(sb->bucket, bucket, sizeof sb->bucket);
    fc_strlcpy(sb->prefix, prefix, sizeof sb->prefix);
    n = strlen(sb->prefix);
    if (n && sb->prefix[n - 1] != '/')
        sb->prefix[n] = '/';
    if (aws_client_new(cfg, "s3", &sb->client) != AWS_OK) {
        fprintf(stderr, "forkcast: blob s3: cannot make an S3 client (AWS.* settings)\n");
        free(sb);
        return FC_ERR;
    }
    *out = &sb->base;
    return FC_OK;
}
