/* secret: reads Data.Dir/secret or creates it. */
#include "core/secret.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int fc_secret_load(const char *dir, unsigned char out[FC_SECRET_LEN])
{
    char path[PATH_MAX + 16];
    int fd, rc = FC_ERR;
    ssize_t n;
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/secret", dir);
    fd = open(path, O_RDONLY);
    if (fd >= 0) {
        n = read(fd, out, FC_SECRET_LEN);
        close(fd);
        return n == (ssize_t)FC_SECRET_LEN ? FC_OK : FC_ERR;
    }
    if (fc_random(out, FC_SECRET_LEN))
        return FC_ERR;
    /* O_EXCL: when several processes start at once, one writes and the others read */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        if (errno != EEXIST)
            return FC_ERR;
        for (int i = 0; i < 50 && rc; i++) {
            fd = open(path, O_RDONLY);
            if (fd >= 0) {
                n = read(fd, out, FC_SECRET_LEN);
                close(fd);
                if (n == (ssize_t)FC_SECRET_LEN)
                    rc = FC_OK;
            }
            if (rc)
                usleep(20000);
        }
        return rc;
    }
    /* readers that race with this write retry until they see all 32 bytes */
    n = write(fd, out, FC_SECRET_LEN);
    close(fd);
    return n == (ssize_t)FC_SECRET_LEN ? FC_OK : FC_ERR;
}
