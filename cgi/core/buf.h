/* buf: a growing NUL-terminated string that remembers a failed allocation, so that a series of
 * appends is checked once, at the end. */
#ifndef FC_BUF_H
#define FC_BUF_H

#include <stddef.h>

/* Zero-initialise ({0}); p is NULL until the first append. */
struct fc_buf {
    char *p;
    size_t len;
    size_t cap;
    int err; /* 1 after an allocation failed: later appends do nothing */
};

/* Appends the n bytes at s (and keeps a NUL after them). */
void fc_buf_putn(struct fc_buf *b, const char *s, size_t n);
/* Appends the string s. */
void fc_buf_puts(struct fc_buf *b, const char *s);
/* Appends the byte c. */
void fc_buf_putc(struct fc_buf *b, char c);
/* Hands the string over to the caller (free it): "" when nothing was appended, NULL (and the
 * memory freed) after a failure. b is empty again. */
char *fc_buf_take(struct fc_buf *b);
/* Frees the string; b is empty again. */
void fc_buf_free(struct fc_buf *b);

#endif
