/* secret: the site's key: from the configuration or the shared store when many hosts serve
 * the site, else Data.Dir/secret, created atomically (write a temporary file, link it). */
#include "core/secret.h"
#include "core/config.h"
#include "core/util.h"
#include "store/store.h"

#include <openssl/crypto.h>

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

/* 64 hex digits (surrounding blanks ignored) into out; FC_OK or FC_EINVAL. */
static int parse_hex_key(const char *text, unsigned char out[FC_SECRET_LEN])
{
    char hex[65];
    size_t n;
    while (*text == ' ' || *text == '\t')
        text++;
    n = strcspn(text, " \t\r\n");
    if (n != 64 || strspn(text, "0123456789abcdefABCDEF") < 64 ||
        text[n + strspn(text + n, " \t\r\n")])
        return FC_EINVAL;
    memcpy(hex, text, 64);
    hex[64] = '\0';
    n = (size_t)fc_unhex(out, FC_SECRET_LEN, hex);
    OPENSSL_cleanse(hex, sizeof hex);
    return n == FC_SECRET_LEN ? FC_OK : FC_EINVAL;
}

static int from_file(const char *path, unsigned char out[FC_SECRET_LEN])
{
    char buf[130];
    ssize_t n;
    int fd = open(path, O_RDONLY), rc;
    if (fd < 0) {
        fprintf(stderr, "forkcast: Server.SecretFile %s: %s\n", path, strerror(errno));
        return FC_ERR;
    }
    n = read_full(fd, (unsigned char *)buf, sizeof buf - 1);
    close(fd);
    if (n < 0) {
        fprintf(stderr, "forkcast: Server.SecretFile %s: %s\n", path, strerror(errno));
        return FC_ERR;
    }
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    rc = parse_hex_key(buf, out);
    OPENSSL_cleanse(buf, sizeof buf);
    if (rc) {
        fprintf(stderr,
                "forkcast: Server.SecretFile %s: the first line must be 64 hex digits "
                "(make one with `forkcast secret new`)\n",
                path);
        return FC_ERR;
    }
    return FC_OK;
}

int fc_secret_resolve(HDF *cfg, struct fc_store *store, unsigned char out[FC_SECRET_LEN],
                      char *source, size_t source_size)
{
    const char *key = fc_config_str(cfg, "Server.Secret", "");
    char path[PATH_MAX];
    unsigned char candidate[FC_SECRET_LEN];
    int rc;

    if (*key) {
        if (parse_hex_key(key, out)) {
            fprintf(stderr, "forkcast: Server.Secret must be 64 hex digits (32 random bytes; "
                            "make one with `forkcast secret new`)\n");
            return FC_ERR;
        }
        snprintf(source, source_size, "Server.Secret");
        return FC_OK;
    }
    if (*fc_config_str(cfg, "Server.SecretFile", "")) {
        if (fc_config_path(cfg, "Server.SecretFile", "", path, sizeof path) || from_file(path, out))
            return FC_ERR;
        snprintf(source, source_size, "Server.SecretFile");
        return FC_OK;
    }
    if (store && store->ops->site_secret) {
        if (fc_random(candidate, sizeof candidate))
            return FC_ERR;
        rc = store->ops->site_secret(store, candidate, out);
        OPENSSL_cleanse(candidate, sizeof candidate);
        if (rc) {
            fprintf(stderr, "forkcast: the site's key cannot be read from or stored in the "
                            "store (not answering?); asking again later\n");
            return FC_SECRET_LATER;
        }
        snprintf(source, source_size, "the %s store", store->ops->name);
        return FC_OK;
    }
    if (fc_config_path(cfg, "Data.Dir", "var", path, sizeof path) || fc_secret_load(path, out))
        return FC_ERR;
    snprintf(source, source_size, "Data.Dir/secret");
    return FC_OK;
}
