/* util: randomness, hex, SHA-256/HMAC through OpenSSL, constant-time compare, UTF-8 checks. */
#include "core/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

int fc_random(void *buf, size_t n)
{
    return RAND_bytes(buf, (int)n) == 1 ? FC_OK : FC_ERR;
}

void fc_hex(char *out, const unsigned char *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

int fc_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int fc_unhex(unsigned char *out, size_t max, const char *hex)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > max)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = fc_hex_digit(hex[2 * i]), lo = fc_hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return (int)(n / 2);
}

/* SHA-256 fetched from the provider once per process: EVP_sha256() and HMAC() fetch it again
 * (a lookup under a lock) on every call, which cost more than hashing a session token and
 * computing its CSRF token (2 per request). NULL when the fetch failed: EVP_sha256(). */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *sha256(void)
{
    pthread_once(&sha256_once, sha256_fetch);
    return sha256_md ? sha256_md : EVP_sha256();
}

/* SHA-256 of the concatenation of parts (n of them) into md[32]; 0 on failure. */
static int sha256_parts(unsigned char md[32], const void *const *parts, const size_t *lens, int n)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int mdlen = 0;
    int ok = ctx && EVP_DigestInit_ex(ctx, sha256(), NULL) == 1;
    for (int i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(ctx, parts[i], lens[i]) == 1;
    ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32;
    EVP_MD_CTX_free(ctx);
    return ok;
}

void fc_sha256_hex(char out[65], const void *data, size_t len)
{
    unsigned char md[32];
    const void *parts[1] = {data};
    if (!sha256_parts(md, parts, &len, 1)) {
        unsigned int mdlen = 0;
        EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
    }
    fc_hex(out, md, 32);
}

/* HMAC-SHA256 as RFC 2104 defines it, H((K ^ opad) || H((K ^ ipad) || data)), on the fetched
 * digest (t/unit/test_util.c: RFC 4231's vectors); HMAC() when a digest fails. */
void fc_hmac_hex(char out[65], const void *key, size_t klen, const void *data, size_t len)
{
    unsigned char k[64] = {0}, ipad[64], opad[64], inner[32], md[32];
    const void *parts[2];
    size_t lens[2];
    int ok = 1;

    if (klen > sizeof k) {
        parts[0] = key;
        ok = sha256_parts(k, parts, &klen, 1);
    } else if (klen) {
        memcpy(k, key, klen);
    }
    for (size_t i = 0; i < sizeof k; i++) {
        ipad[i] = k[i] ^ 0x36;
        opad[i] = k[i] ^ 0x5c;
    }
    parts[0] = ipad;
    lens[0] = sizeof ipad;
    parts[1] = data;
    lens[1] = len;
    ok = ok && sha256_parts(inner, parts, lens, 2);
    parts[0] = opad;
    parts[1] = inner;
    lens[1] = sizeof inner;
    ok = ok && sha256_parts(md, parts, lens, 2);
    if (!ok) {
        unsigned int mdlen = 0;
        HMAC(EVP_sha256(), key, (int)klen, data, len, md, &mdlen);
    }
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(ipad, sizeof ipad);
    OPENSSL_cleanse(opad, sizeof opad);
    fc_hex(out, md, 32);
}

int fc_ct_streq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return 0;
    return CRYPTO_memcmp(a, b, la) == 0;
}

int64_t fc_now(void)
{
    return (int64_t)time(NULL);
}

int fc_grow(void *arrp, size_t *cap, size_t need, size_t size, size_t first)
{
    size_t n = *cap ? *cap : first ? first : 1;
    void *old, *p;

    if (need <= *cap)
        return FC_OK;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return FC_ERR;
        n *= 2;
    }
    if (size && n > SIZE_MAX / size)
        return FC_ERR;
    memcpy(&old, arrp, sizeof old); /* arrp is a T **: read and write it as bytes */
    if (!(p = realloc(old, n * size)))
        return FC_ERR;
    memcpy(arrp, &p, sizeof p);
    *cap = n;
    return FC_OK;
}

int fc_read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long n;
    int rc = FC_ERR;

    *data = NULL;
    if (!f)
        return FC_ERR;
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
        goto out;
    *data = malloc((size_t)n + 1);
    if (!*data || fread(*data, 1, (size_t)n, f) != (size_t)n)
        goto out;
    (*data)[n] = '\0';
    *len = (size_t)n;
    rc = FC_OK;
out:
    fclose(f);
    if (rc) {
        free(*data);
        *data = NULL;
    }
    return rc;
}

size_t fc_strlcpy(char *dst, const char *src, size_t n)
{
    size_t len = strlen(src);
    if (n) {
        size_t c = len < n - 1 ? len : n - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return len;
}

char *fc_trim(char *s)
{
    char *start = s, *end;
    while (*start == ' ' || *start == '\t' || *start == '\r' || *start == '\n')
        start++;
    end = start + strlen(start);
    while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
        end--;
    memmove(s, start, (size_t)(end - start));
    s[end - start] = '\0';
    return s;
}

int fc_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + len;
    while (p < e) {
        unsigned c = *p;
        int n;
        unsigned cp;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f)
                return 0;
            p++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (e - p <= n)
            return 0;
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i] & 0x3f);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        p += n + 1;
    }
    return 1;
}

size_t fc_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

int fc_parse_int(const char *s, long min, long max, long *out)
{
    char *end;
    long v;
    if (!s || !*s)
        return FC_EINVAL;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return FC_EINVAL;
    *out = v;
    return FC_OK;
}

/* n decimal digits exactly (no sign, no space), into *out. 0 or -1. */
static int fixed_digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int fc_parse_utc_date(const char *s, time_t *out, const char **end)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h = 0, mi = 0, sec = 0, leap;
    struct tm tm;

    /* fixed widths and ranges: no %d, whose overflow on a year such as 99999999999 (or
     * -2147483648 in tm_year - 1900) is undefined, and which accepts signs and spaces */
    if (!s || fixed_digits(s, 4, &y) || s[4] != '-' || fixed_digits(s + 5, 2, &mo) || s[7] != '-' ||
        fixed_digits(s + 8, 2, &d))
        return -1;
    s += 10;
    if (*s == 'T') {
        if (fixed_digits(s + 1, 2, &h) || s[3] != ':' || fixed_digits(s + 4, 2, &mi) ||
            s[6] != ':' || fixed_digits(s + 7, 2, &sec))
            return -1;
        s += 9;
    }
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 ||
        mi > 59 || sec > 60)
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *out = timegm(&tm);
    if (end)
        *end = s;
    return 0;
}

const char *fc_human_ago(int64_t now, int64_t t, char *buf, size_t n)
{
    int64_t d = now - t;

    if (!t) {
        snprintf(buf, n, "-");
    } else if (d < 0 || d >= 90 * 86400) {
        time_t tt = (time_t)t;
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(buf, n, "%Y-%m-%d", &tm);
    } else if (d < 5) {
        snprintf(buf, n, "just now");
    } else if (d < 60) {
        snprintf(buf, n, "%lld s ago", (long long)d);
    } else if (d < 3600) {
        snprintf(buf, n, "%lld min ago", (long long)(d / 60));
    } else if (d < 86400) {
        snprintf(buf, n, "%lld h ago", (long long)(d / 3600));
    } else {
        snprintf(buf, n, "%lld d ago", (long long)(d / 86400));
    }
    return buf;
}

const char *fc_utc_text(int64_t t, char *buf, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

char *fc_lltoa(char buf[24], long long v)
{
    char *p = buf + 23;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    *p = '\0';
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return p;
}

const char *fc_xml_entity(int c)
{
    static const char *const ent[] = {
        ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
    };
    return c >= 0 && c < (int)FC_ARRAY_LEN(ent) ? ent[c] : NULL;
}

const char *fc_enum_name(const char *const *names, size_t n, int v, const char *dflt)
{
    return v >= 0 && (size_t)v < n && names[v] ? names[v] : dflt;
}
