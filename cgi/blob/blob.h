/* blob: where uploaded photos live: a local folder by default (blob/local.c), an S3 bucket
 * when Blob.Backend = s3 (blob/s3.c) so that every app host serves every photo. */
#ifndef FC_BLOB_H
#define FC_BLOB_H

#include <stddef.h>

#include <ClearSilver.h>

struct fc_blob;

struct fc_blob_ops {
    const char *name;
    void (*close)(struct fc_blob *b);
    /* Stores data under key (content-addressed names: rewriting a key is harmless). */
    int (*put)(struct fc_blob *b, const char *key, const void *data, size_t len,
               const char *content_type);
    /* Reads key into a malloc'ed buffer (caller frees). FC_NOTFOUND when absent. */
    int (*get)(struct fc_blob *b, const char *key, char **data, size_t *len);
    int (*del)(struct fc_blob *b, const char *key);
    /* Calls fn for every stored key (order unspecified); fn returning non-zero stops it.
     * FC_OK after all, FC_ERR when the listing failed or fn stopped it. */
    int (*list)(struct fc_blob *b, int (*fn)(void *ctx, const char *key), void *ctx);
};

struct fc_blob {
    const struct fc_blob_ops *ops;
};

/* Opens the backend named by Blob.Backend (local | s3). */
int fc_blob_open(HDF *cfg, struct fc_blob **out);
/* Opens backend ("local" or "s3") with its settings from cfg (Blob.Local.*, Blob.S3.*). */
int fc_blob_open_backend(HDF *cfg, const char *backend, struct fc_blob **out);
int fc_blob_local_open(HDF *cfg, struct fc_blob **out);
int fc_blob_s3_open(HDF *cfg, struct fc_blob **out);
void fc_blob_close(struct fc_blob *b);

/* The image type of data by its first bytes: "jpg", "png", "webp", or NULL. */
const char *fc_image_type(const void *data, size_t len);
/* The Content-Type for a stored photo's key (by its extension). */
const char *fc_image_mime(const char *key);
/* 1 when key is a name this module makes: 64 hex digits, '.', and a known extension. */
int fc_blob_key_ok(const char *key);

#endif
