/* util: small helpers shared by every module: randomness, hex, hashing, time, strings. */
#ifndef FC_UTIL_H
#define FC_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define FC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define FC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* -1, 0 or 1 as a is less than, equal to or greater than b, for sort comparators (a macro: any
 * arithmetic type; a and b are read twice). */
#define FC_CMP(a, b) (((a) > (b)) - ((a) < (b)))

/* Error codes shared by the store, auth and request layers. */
enum {
    FC_OK = 0,
    FC_ERR = -1,       /* internal error: logged, shown as 500 */
    FC_NOTFOUND = -2,  /* no such record */
    FC_EXISTS = -3,    /* unique constraint */
    FC_EINVAL = -4,    /* malformed input: 400 */
    FC_ETOOBIG = -5,   /* over a size limit: 413 */
    FC_EAUTH = -6,     /* wrong credentials */
    FC_ETHROTTLE = -7, /* too many attempts */
    FC_EDISABLED = -8, /* account disabled */
};

/* Fills buf with n cryptographically random bytes; 0 or FC_ERR. */
int fc_random(void *buf, size_t n);
/* Writes 2n hex digits and a NUL into out (size >= 2n+1). */
void fc_hex(char *out, const unsigned char *in, size_t n);
/* The value of the hex digit c (either case), or -1. */
int fc_hex_digit(int c);
/* Decodes hex into out (at most max bytes); returns bytes written or -1. */
int fc_unhex(unsigned char *out, size_t max, const char *hex);
/* SHA-256 of data as 64 hex digits into out[65]. */
void fc_sha256_hex(char out[65], const void *data, size_t len);
/* HMAC-SHA256(key, data) as 64 hex digits into out[65]. */
void fc_hmac_hex(char out[65], const void *key, size_t klen, const void *data, size_t len);
/* Constant-time string comparison; 1 when equal. */
int fc_ct_streq(const char *a, const char *b);
/* Current time in seconds. */
int64_t fc_now(void);
/* Copies src into dst of size n, always NUL-terminated; returns strlen(src). */
size_t fc_strlcpy(char *dst, const char *src, size_t n);
/* Removes leading/trailing ASCII white space in place; returns s. */
char *fc_trim(char *s);
/* 1 when s is valid UTF-8 without control characters other than \n \r \t. */
int fc_utf8_valid(const char *s, size_t len);
/* Number of UTF-8 code points in s. */
size_t fc_utf8_len(const char *s);
/* Parses a decimal integer in [min,max]; 0 on success, FC_EINVAL otherwise. */
int fc_parse_int(const char *s, long min, long max, long *out);

/* Makes the array whose pointer is at arrp (a T **, the array malloc'ed or NULL) hold at least
 * need elements of size bytes: when *cap is short, the capacity doubles from first (or from
 * *cap) until need fits, the array is realloc'ed and *cap set. Returns 0, or FC_ERR (on no
 * memory or a size past SIZE_MAX) with the array and *cap as they were. */
int fc_grow(void *arrp, size_t *cap, size_t need, size_t size, size_t first);
/* Reads the whole file at path into *data (malloc'ed, NUL-terminated; *len excludes the NUL).
 * FC_OK, or FC_ERR with *data NULL (errno from the failing call). */
int fc_read_file(const char *path, char **data, size_t *len);

/* Parses a UTC date "YYYY-MM-DD", with "THH:MM:SS" when a T follows it: exactly those
 * digits (no sign, no space), each field in its range, the day within its month (leap years
 * counted). Returns 0 with *out the epoch seconds and *end (when not NULL) just past what was
 * read, whatever follows; -1 when s does not start with such a date. */
int fc_parse_utc_date(const char *s, time_t *out, const char **end);
/* How long before now t was, for people: "just now", "42 s ago", "5 min ago", "3 h ago",
 * "12 d ago", and the UTC date (YYYY-MM-DD) past 90 days or in the future; "-" when t is 0.
 * Returns buf. */
const char *fc_human_ago(int64_t now, int64_t t, char *buf, size_t n);
/* t (epoch seconds) as "2024-05-01 12:00:03 UTC" into buf; returns buf. */
const char *fc_utc_text(int64_t t, char *buf, size_t n);
/* v in decimal at the end of buf, without printf's machinery (pages set dozens of numbers:
 * ids, stars, counts). Returns where it starts in buf. */
char *fc_lltoa(char buf[24], long long v);
/* The entity that stands for c in XML and HTML text and attributes ("&amp;", "&lt;", "&gt;",
 * "&quot;", "&#39;"), or NULL when c stands for itself. */
const char *fc_xml_entity(int c);
/* names[v] for an enum value v, from a table of n names indexed by value (designated
 * initializers; gaps are NULL), or dflt when v has no name there. */
const char *fc_enum_name(const char *const *names, size_t n, int v, const char *dflt);

#endif
