/* aws/s3: the S3 object calls forkcast's own data needs (photos, model snapshots): PUT with a
 * SHA-256 checksum S3 verifies, GET, DELETE, on one aws_client (client.h). Backups have their
 * own parallel transfer layer (backup/xfer.c). */
#ifndef FORKCAST_AWS_S3_H
#define FORKCAST_AWS_S3_H

#include <stddef.h>

#include "aws/client.h"

/* PUT bucket/key (key unencoded, '/' allowed) with Content-Type ctype (NULL: octet-stream)
 * and x-amz-checksum-sha256. AWS_OK or as aws_request (err filled). */
int aws_s3_put(struct aws_client *c, const char *bucket, const char *key, const void *data,
               size_t len, const char *ctype, struct aws_error *err);
/* GET bucket/key into *data (malloc'ed, NUL-terminated, the caller frees) and *len. AWS_OK,
 * AWS_E_HTTP with err->http_status 404 when there is no such object, or as aws_request. */
int aws_s3_get(struct aws_client *c, const char *bucket, const char *key, char **data, size_t *len,
               struct aws_error *err);
/* DELETE bucket/key; an absent object is AWS_OK. */
int aws_s3_delete(struct aws_client *c, const char *bucket, const char *key, struct aws_error *err);

#endif
