/* blob/local: photos as files in a local folder (Blob.Local.Dir), written atomically. */
#include "blob/blob.h"
#include "core/config.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct local_blob {
    struct fc_blob base;
    char dir[PATH_MAX];
};

static int l_put(struct fc_blob *b, const char *key, const void *data, size_t len,
                 const char *ctype)
{
    struct local_blob *lb = (struct local_blob *)b;
    char path[PATH_MAX + 80], tmp[PATH_MAX + 100];
    int fd, rc = FC_ERR;
    (void)ctype;
    if (!fc_blob_key_ok(key))
        return FC_EINVAL;
    snprintf(path, sizeof path, "%s/%s", lb->dir, key);
    snprintf(tmp, sizeof tmp, "%s.tmp%d", path, (int)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return FC_ERR;
    if (write(fd, data, len) == (ssize_t)len && fsync(fd) == 0)
        rc = FC_OK;
    close(fd);
    if (rc == FC_OK && rename(tmp, path) != 0)
        rc = FC_ERR;
    if (rc)
        unlink(tmp);
    return rc;
}

static int l_get(struct fc_blob *b, const char *key, char **data, size_t *len)
{
    struct local_blob *lb = (struct local_blob *)b;
    char path[PATH_MAX + 80];
    struct stat st;
    int fd, rc = FC_ERR;
    char *buf = NULL;
    if (!fc_blob_key_ok(key))
        return FC_NOTFOUND;
    snprintf(path, sizeof path, "%s/%s", lb->dir, key);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return errno == ENOENT ? FC_NOTFOUND : FC_ERR;
    if (fstat(fd, &st) || !(buf = malloc((size_t)st.st_size + 1)))
        goto out;
    if (read(fd, buf, (size_t)st.st_size) != st.st_size)
        goto out;
    *data = buf;
    *len = (size_t)st.st_size;
    buf = NULL;
    rc = FC_OK;
out:
    free(buf);
    close(fd);
    return rc;
}

static int l_del(struct fc_blob *b, const char *key)
{
    struct local_blob *lb = (struct local_blob *)b;
    char path[PATH_MAX + 80];
    if (!fc_blob_key_ok(key))
        return FC_EINVAL;
    snprintf(path, sizeof path, "%s/%s", lb->dir, key);
    return unlink(path) == 0 || errno == ENOENT ? FC_OK : FC_ERR;
}

static void l_close(struct fc_blob *b)
{
    free(b);
}

static const struct fc_blob_ops local_ops = {
    .name = "local", .close = l_close, .put = l_put, .get = l_get, .del = l_del};

int fc_blob_open(HDF *cfg, struct fc_blob **out)
{
    const char *backend = fc_config_str(cfg, "Blob.Backend", "local");
    struct local_blob *lb;
    if (strcmp(backend, "local") != 0) {
        fprintf(stderr, "forkcast: unknown Blob.Backend '%s' (expected local)\n", backend);
        return FC_ERR;
    }
    lb = calloc(1, sizeof *lb);
    if (!lb)
        return FC_ERR;
    lb->base.ops = &local_ops;
    if (fc_config_data_path(cfg, "Blob.Local.Dir", "blobs", lb->dir, sizeof lb->dir)) {
        free(lb);
        return FC_ERR;
    }
    if (mkdir(lb->dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "forkcast: cannot create %s: %s\n", lb->dir, strerror(errno));
        free(lb);
        return FC_ERR;
    }
    *out = &lb->base;
    return FC_OK;
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
