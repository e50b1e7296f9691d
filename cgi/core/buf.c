/* buf: a growing NUL-terminated string that remembers a failed allocation. */
#include "core/buf.h"
#include "core/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void fc_buf_putn(struct fc_buf *b, const char *s, size_t n)
{
    if (b->err)
        return;
    if (n > SIZE_MAX - b->len - 1 || fc_grow(&b->p, &b->cap, b->len + n + 1, 1, 256)) {
        b->err = 1;
        return;
    }
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void fc_buf_puts(struct fc_buf *b, const char *s)
{
    fc_buf_putn(b, s, strlen(s));
}

void fc_buf_putc(struct fc_buf *b, char c)
{
    fc_buf_putn(b, &c, 1);
}

char *fc_buf_take(struct fc_buf *b)
{
    char *p = NULL;

    if (!b->err) {
        fc_buf_putn(b, "", 0); /* make sure something is allocated */
        if (!b->err)
            p = b->p;
    }
    if (!p)
        free(b->p);
    memset(b, 0, sizeof(*b));
    return p;
}

void fc_buf_free(struct fc_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}
