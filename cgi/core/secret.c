/* secret: reads Data.Dir/secret or creates it, atomically (write a temporary file, link it). */
#include "core/secret.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads len bytes of fd into out, continuing after short reads and EINTR; the bytes read (less
 * than len at the end of the file), or -1. */
static ssize_t read_full(int fd, unsigned char *out, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, out + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

static int write_full(int fd, const unsigned char *buf, size_t len)
{
    size_t put = 0;
    while (put < len) {
        ssize_t n = write(fd, buf + put, len - put);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FC_ERR;
        put += (size_t)n;
    }
    return FC_OK;
}

int fc_secret_read(const char *dir, unsigned char out[FC_SECRET_LEN])
{
    char path[PATH_MAX + 16];
    ssize_t n;
    int fd;
    snprintf(path, sizeof path, "%s/secret", dir);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return FC_NOTFOUND;
        fprintf(stderr, "forkcast: cannot open %s: %s\n", path, strerror(errno));
        return FC_ERR;
    }
    n = read_full(fd, out, FC_SECRET_LEN);
    if (n < 0)
        fprintf(stderr, "forkcast: cannot read %s: %s\n", path, strerror(errno));
    close(fd);
    if (n == (ssize_t)FC_SECRET_LEN)
        return FC_OK;
    if (n >= 0)
        fprintf(stderr,
                "forkcast: %s holds %zd bytes, not %d: not a key of this site (remove it to "
                "make a new one, which ends every session)\n",
                path, n, FC_SECRET_LEN);
    return FC_ERR;
}

/* Creates dir/secret: FC_OK with the new key in out, FC_NOTFOUND when another process linked
 * its own first (read that one), FC_ERR. */
static int create(const char *dir, unsigned char out[FC_SECRET_LEN])
{
    char path[PATH_MAX + 16], tmp[PATH_MAX + 64], hex[17];
    unsigned char rnd[8];
    int fd = -1, rc = FC_ERR;

    snprintf(path, sizeof path, "%s/secret", dir);
    if (fc_random(out, FC_SECRET_LEN) || fc_random(rnd, sizeof rnd))
        return FC_ERR;
    fc_hex(hex, rnd, sizeof rnd);
    snprintf(tmp, sizeof tmp, "%s/.secret.%ld.%s", dir, (long)getpid(), hex);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "forkcast: cannot create %s: %s\n", tmp, strerror(errno));
        return FC_ERR;
    }
    if (write_full(fd, out, FC_SECRET_LEN) || fsync(fd)) {
        fprintf(stderr, "forkcast: cannot write %s: %s\n", tmp, strerror(errno));
        goto out;
    }
    if (close(fd)) {
        fd = -1;
        fprintf(stderr, "forkcast: cannot write %s: %s\n", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    /* link, unlike rename, never replaces: the first process's file wins */
    if (link(tmp, path) == 0) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) { /* the new name survives a crash too */
            fsync(dfd);
            close(dfd);
        }
        rc = FC_OK;
    } else if (errno == EEXIST) {
        rc = FC_NOTFOUND;
    } else {
        fprintf(stderr, "forkcast: cannot link %s to %s: %s\n", tmp, path, strerror(errno));
    }
out:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return rc;
}

int fc_secret_load(const char *dir, unsigned char out[FC_SECRET_LEN])
{
    int rc;
    mkdir(dir, 0700); /* when it is not there: what fails next says why */
    rc = fc_secret_read(dir, out);
    if (rc != FC_NOTFOUND)
        return rc;
    rc = create(dir, out);
    if (rc == FC_NOTFOUND) /* another process's, whole since it was linked */
        rc = fc_secret_read(dir, out);
    return rc == FC_OK ? FC_OK : FC_ERR;
}
