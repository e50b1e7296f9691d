/* blob: the photo store's front door: opens the configured backend (blob/local.c,
 * blob/s3.c) and the rules every backend shares (keys, image types). */
#include "blob/blob.h"
#include "core/config.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

int fc_blob_open_backend(HDF *cfg, const char *backend, struct fc_blob **out)
{
    if (strcmp(backend, "local") == 0)
        return fc_blob_local_open(cfg, out);
    if (strcmp(backend, "s3") == 0)
        return fc_blob_s3_open(cfg, out);
    fprintf(stderr, "forkcast: unknown Blob.Backend '%s' (expected local or s3)\n", backend);
    return FC_ERR;
}

int fc_blob_open(HDF *cfg, struct fc_blob **out)
{
    return fc_blob_open_backend(cfg, fc_config_str(cfg, "Blob.Backend", "local"), out);
}

void fc_blob_close(struct fc_blob *b)
{
    if (b)
        b->ops->close(b);
}

const char *fc_image_type(const void *data, size_t len)
{
    const unsigned char *p = data;
    if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return "jpg";
    if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "png";
    if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return "webp";
    return NULL;
}

const char *fc_image_mime(const char *key)
{
    const char *dot = strrchr(key, '.');
    if (dot && strcmp(dot, ".png") == 0)
        return "image/png";
    if (dot && strcmp(dot, ".webp") == 0)
        return "image/webp";
    return "image/jpeg";
}

int fc_blob_key_ok(const char *key)
{
    const char *dot = strchr(key, '.');
    if (!dot || dot - key != 64 || strspn(key, "0123456789abcdef") != 64)
        return 0;
    return strcmp(dot, ".jpg") == 0 || strcmp(dot, ".png") == 0 || strcmp(dot, ".webp") == 0;
}
