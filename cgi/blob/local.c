/* blob/local: photos as files in a local folder (Blob.Local.Dir), written atomically. */
#include "blob/blob.h"
#include "core/config.h"
#include "core/util.h"

#include <dirent.h>
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

/* Every photo in the folder, in directory order (temporary files skipped). */
static int l_list(struct fc_blob *b, int (*fn)(void *ctx, const char *key), void *ctx)
{
    struct local_blob *lb = (struct local_blob *)b;
    DIR *d = opendir(lb->dir);
    struct dirent *e;
    int rc = FC_OK;
    if (!d)
        return FC_ERR;
    while ((e = readdir(d)))
        if (fc_blob_key_ok(e->d_name) && fn(ctx, e->d_name)) {
            rc = FC_ERR;
            break;
        }
    closedir(d);
    return rc;
}

static const struct fc_blob_ops local_ops = {
    .name = "local", .close = l_close, .put = l_put, .get = l_get, .del = l_del, .list = l_list};

int fc_blob_local_open(HDF *cfg, struct fc_blob **out)
{
    struct local_blob *lb = calloc(1, sizeof *lb);
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
