/* json: a strict RFC 8259 scan in front of json-c's tokener. The scan refuses what json-c
 * (even with JSON_TOKENER_STRICT) lets through or silently changes, and finds duplicate member
 * names, which json-c folds into the last one; json-c then builds the value. */
#include "core/json.h"
#include "core/util.h"

#include <json-c/json.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIGIT(c) ((c) >= '0' && (c) <= '9')
#define ALPHA(c) (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
#define ALNUM(c) (DIGIT(c) || ALPHA(c))

/* One member name, unescaped, in the scan's name buffer. */
struct name {
    const char *p;
    size_t len;
};

struct scan {
    const unsigned char *s;
    size_t len, i; /* the text, and the offset of the next byte */
    int depth;
    char *buf; /* the unescaped member names of the open objects (never longer than s) */
    size_t used;
    struct name *names; /* their names, innermost object last */
    size_t n, cap;
    char *err;
    size_t errsize;
};

static int fail(struct scan *sc, const char *fmt, ...) FC_PRINTF(2, 3);
static int fail(struct scan *sc, const char *fmt, ...)
{
    va_list ap;
    if (!sc->err || !sc->errsize)
        return FC_EINVAL;
    va_start(ap, fmt);
    vsnprintf(sc->err, sc->errsize, fmt, ap);
    va_end(ap);
    return FC_EINVAL;
}

/* The error for the byte at sc->i, which does not fit where it is. */
static int unexpected(struct scan *sc)
{
    unsigned c;
    if (sc->i >= sc->len)
        return fail(sc, "it ends too early");
    c = sc->s[sc->i];
    if (c == '\'')
        return fail(sc, "a single quote at offset %zu: JSON takes double quotes", sc->i);
    if (c == '/')
        return fail(sc, "a comment at offset %zu: JSON has none", sc->i);
    if (ALPHA(c))
        return fail(sc, "an unknown word at offset %zu: JSON's words are true, false and null",
                    sc->i);
    if (c > ' ' && c < 0x7f)
        return fail(sc, "an unexpected '%c' at offset %zu", (char)c, sc->i);
    return fail(sc, "an unexpected byte 0x%02x at offset %zu", c, sc->i);
}

static void skip_ws(struct scan *sc)
{
    while (sc->i < sc->len && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t' ||
                               sc->s[sc->i] == '\n' || sc->s[sc->i] == '\r'))
        sc->i++;
}

/* The length (2 to 4) of the UTF-8 sequence at p (n bytes left), or 0 when it is not one:
 * truncated, overlong, a surrogate or above U+10FFFF. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    unsigned long cp, min;
    size_t k;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        k = 2, cp = p[0] & 0x1f, min = 0x80;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        k = 3, cp = p[0] & 0x0f, min = 0x800;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        k = 4, cp = p[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < k)
        return 0;
    for (size_t j = 1; j < k; j++) {
        if ((p[j] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[j] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return k;
}

/* The 4 hex digits at offset i into *cp; 0, or -1 when they are not there. */
static int hex4(const struct scan *sc, size_t i, unsigned long *cp)
{
    *cp = 0;
    if (i + 4 > sc->len)
        return -1;
    for (size_t j = i; j < i + 4; j++) {
        unsigned c = sc->s[j];
        int v = DIGIT(c)                                   ? (int)(c - '0')
                : ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') ? (int)((c | 0x20) - 'a' + 10)
                                                           : -1;
        if (v < 0)
            return -1;
        *cp = *cp << 4 | (unsigned long)v;
    }
    return 0;
}

/* Writes cp as UTF-8 to dst (when not NULL); returns its length. */
static size_t put_utf8(char *dst, unsigned long cp)
{
    unsigned char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp, n = 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xc0 | cp >> 6), b[1] = (unsigned char)(0x80 | (cp & 0x3f)), n = 2;
    } else if (cp < 0x10000) {
        b[0] = (unsigned char)(0xe0 | cp >> 12), b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        b[2] = (unsigned char)(0x80 | (cp & 0x3f)), n = 3;
    } else {
        b[0] = (unsigned char)(0xf0 | cp >> 18), b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
        b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f)), b[3] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    if (dst)
        memcpy(dst, b, n);
    return n;
}

/* Scans the string whose opening quote is at sc->i. Its unescaped bytes go to dst when not
 * NULL (never more than the string's text), their count to *dlen; *nul is set when it holds
 * \u0000. */
static int scan_string(struct scan *sc, char *dst, size_t *dlen, int *nul)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    size_t o = 0, start = sc->i++;
    for (;;) {
        unsigned c;
        unsigned long cp, lo;
        size_t k;
        if (sc->i >= sc->len)
            return fail(sc, "it ends too early: the string at offset %zu is not closed", start);
        c = sc->s[sc->i];
        if (c == '"')
            break;
        if (c < 0x20)
            return fail(sc,
                        "a control character at offset %zu: inside a string it must be "
                        "escaped (\\n, \\t, \\u0001...)",
                        sc->i);
        if (c >= 0x80) {
            if (!(k = utf8_seq(sc->s + sc->i, sc->len - sc->i)))
                return fail(sc, "bytes that are not UTF-8 at offset %zu", sc->i);
            if (dst)
                memcpy(dst + o, sc->s + sc->i, k);
            o += k;
            sc->i += k;
            continue;
        }
        if (c != '\\') {
            if (dst)
                dst[o] = (char)c;
            o++;
            sc->i++;
            continue;
        }
        c = sc->i + 1 < sc->len ? sc->s[sc->i + 1] : 0;
        if (c != 'u') {
            const char *p = c ? strchr(from, (int)c) : NULL;
            if (!p)
                return fail(sc, "an invalid escape at offset %zu", sc->i);
            if (dst)
                dst[o] = to[p - from];
            o++;
            sc->i += 2;
            continue;
        }
        if (hex4(sc, sc->i + 2, &cp))
            return fail(sc, "an invalid \\u escape at offset %zu", sc->i);
        if (cp >= 0xd800 && cp <= 0xdfff) { /* must be a high half, then a low half */
            if (cp >= 0xdc00 || sc->i + 12 > sc->len || sc->s[sc->i + 6] != '\\' ||
                sc->s[sc->i + 7] != 'u' || hex4(sc, sc->i + 8, &lo) || lo < 0xdc00 || lo > 0xdfff)
                return fail(sc, "the \\u escape at offset %zu is half of a surrogate pair", sc->i);
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            sc->i += 6;
        }
        sc->i += 6;
        *nul |= cp == 0;
        o += put_utf8(dst ? dst + o : NULL, cp);
    }
    sc->i++; /* the closing quote */
    *dlen = o;
    return FC_OK;
}

static int scan_number(struct scan *sc)
{
    const unsigned char *s = sc->s;
    size_t i = sc->i, n = sc->len, start = sc->i;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0') {
        if (++i < n && DIGIT(s[i]))
            return fail(sc, "a number with a leading zero at offset %zu", start);
    } else if (i < n && DIGIT(s[i])) {
        while (i < n && DIGIT(s[i]))
            i++;
    } else {
        return fail(sc, "a malformed number at offset %zu (NaN and Infinity are not JSON)", start);
    }
    if (i < n && s[i] == '.') {
        if (++i >= n || !DIGIT(s[i]))
            return fail(sc, "a malformed number at offset %zu: a digit must follow the point",
                        start);
        while (i < n && DIGIT(s[i]))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        if (++i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !DIGIT(s[i]))
            return fail(sc, "a malformed number at offset %zu: the exponent has no digits", start);
        while (i < n && DIGIT(s[i]))
            i++;
    }
    if (i < n && (ALNUM(s[i]) || s[i] == '.'))
        return fail(sc, "a malformed number at offset %zu", start);
    sc->i = i;
    return FC_OK;
}

static int name_cmp(const void *a, const void *b)
{
    const struct name *x = a, *y = b;
    int c = memcmp(x->p, y->p, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Refuses a member name that appears twice among names[base..n) (one object's). */
static int check_dups(struct scan *sc, size_t base)
{
    struct name *v = sc->names + base;
    size_t n = sc->n - base;
    if (n < 2)
        return FC_OK;
    qsort(v, n, sizeof *v, name_cmp);
    for (size_t j = 1; j < n; j++) {
        if (name_cmp(&v[j - 1], &v[j]) != 0)
            continue;
        if (v[j].len <= 40 && fc_utf8_valid(v[j].p, v[j].len))
            return fail(sc, "the member name \"%.*s\" appears twice in one object", (int)v[j].len,
                        v[j].p);
        return fail(sc, "a member name appears twice in one object");
    }
    return FC_OK;
}

static int scan_value(struct scan *sc);

/* Fails on the comma before a closing '}' or ']' at sc->i, else on that byte. */
static int after_comma(struct scan *sc)
{
    if (sc->i < sc->len && (sc->s[sc->i] == '}' || sc->s[sc->i] == ']'))
        return fail(sc, "a comma before the '%c' at offset %zu: JSON has no trailing commas",
                    sc->s[sc->i], sc->i);
    return unexpected(sc);
}

/* After a member or an element: a ',' (taken, with the white space after it) gives 0, the
 * closing close (left for the caller) 1, anything else the error (< 0). */
static int next_in(struct scan *sc, char close)
{
    skip_ws(sc);
    if (sc->i < sc->len && sc->s[sc->i] == ',') {
        sc->i++;
        skip_ws(sc);
        return 0;
    }
    if (sc->i < sc->len && sc->s[sc->i] == close)
        return 1;
    return unexpected(sc);
}

/* Past the opening '{' or '[' and the white space after it: 1 (the closing close taken too)
 * when the object or array is empty, else 0. */
static int opened_empty(struct scan *sc, char close)
{
    sc->i++;
    skip_ws(sc);
    if (sc->i < sc->len && sc->s[sc->i] == close) {
        sc->i++;
        return 1;
    }
    return 0;
}

static int scan_object(struct scan *sc)
{
    size_t base = sc->n, used = sc->used;
    int rc;
    if (opened_empty(sc, '}'))
        return FC_OK;
    for (;;) {
        size_t start = sc->i, dlen;
        int nul = 0;
        if (sc->i >= sc->len || sc->s[sc->i] != '"')
            return sc->n > base ? after_comma(sc) : unexpected(sc);
        if (fc_grow(&sc->names, &sc->cap, sc->n + 1, sizeof *sc->names, 32))
            return FC_ERR;
        if ((rc = scan_string(sc, sc->buf + sc->used, &dlen, &nul)))
            return rc;
        if (nul)
            return fail(sc, "the member name at offset %zu contains \\u0000", start);
        sc->names[sc->n].p = sc->buf + sc->used;
        sc->names[sc->n++].len = dlen;
        sc->used += dlen;
        skip_ws(sc);
        if (sc->i >= sc->len || sc->s[sc->i] != ':')
            return unexpected(sc);
        sc->i++;
        if ((rc = scan_value(sc)) || (rc = next_in(sc, '}')) < 0)
            return rc;
        if (rc == 1)
            break;
    }
    sc->i++; /* '}' */
    rc = check_dups(sc, base);
    sc->n = base; /* this object's names are done with */
    sc->used = used;
    return rc;
}

static int scan_array(struct scan *sc)
{
    int rc, first = 1;
    if (opened_empty(sc, ']'))
        return FC_OK;
    for (;;) {
        if (!first && sc->i < sc->len && (sc->s[sc->i] == ']' || sc->s[sc->i] == '}'))
            return after_comma(sc);
        first = 0;
        if ((rc = scan_value(sc)) || (rc = next_in(sc, ']')) < 0)
            return rc;
        if (rc == 1)
            break;
    }
    sc->i++; /* ']' */
    return FC_OK;
}

static int scan_value(struct scan *sc)
{
    static const char *const words[] = {"true", "false", "null"};
    int rc, nul = 0;
    size_t dlen;
    skip_ws(sc);
    if (sc->i >= sc->len)
        return unexpected(sc);
    switch (sc->s[sc->i]) {
    case '{':
    case '[':
        if (++sc->depth > FC_JSON_MAX_DEPTH)
            return fail(sc, "it nests deeper than %d levels", FC_JSON_MAX_DEPTH);
        rc = sc->s[sc->i] == '{' ? scan_object(sc) : scan_array(sc);
        sc->depth--;
        return rc;
    case '"':
        return scan_string(sc, NULL, &dlen, &nul);
    default:
        if (sc->s[sc->i] == '-' || DIGIT(sc->s[sc->i]))
            return scan_number(sc);
        for (size_t j = 0; j < FC_ARRAY_LEN(words); j++) {
            size_t n = strlen(words[j]);
            if (sc->len - sc->i >= n && memcmp(sc->s + sc->i, words[j], n) == 0 &&
                !(sc->len - sc->i > n && ALNUM(sc->s[sc->i + n]))) {
                sc->i += n;
                return FC_OK;
            }
        }
        return unexpected(sc);
    }
}

int fc_json_parse_strict(const char *s, size_t len, struct json_object **out, char *err,
                         size_t errsize)
{
    struct scan sc = {.s = (const unsigned char *)s, .len = len, .err = err, .errsize = errsize};
    json_tokener *tok = NULL;
    json_object *o = NULL;
    enum json_tokener_error jerr;
    int rc;

    *out = NULL;
    if (err && errsize)
        err[0] = '\0';
    if (len > INT_MAX)
        return fail(&sc, "it is too large");
    sc.buf = malloc(len ? len : 1);
    if (!sc.buf)
        return FC_ERR;
    rc = scan_value(&sc);
    if (!rc) {
        skip_ws(&sc);
        if (sc.i < len)
            rc = fail(&sc, "there is more after the JSON value, at offset %zu", sc.i);
    }
    if (rc)
        goto out;
    /* the text is JSON: json-c builds it (and must agree) */
    rc = FC_ERR;
    tok = json_tokener_new_ex(FC_JSON_MAX_DEPTH);
    if (!tok)
        goto out;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    o = json_tokener_parse_ex(tok, s, (int)len);
    jerr = json_tokener_get_error(tok);
    if (!o && jerr == json_tokener_continue) /* a number or word at the very end: end it */
        o = json_tokener_parse_ex(tok, "", 1);
    jerr = json_tokener_get_error(tok);
    if (jerr != json_tokener_success) { /* (JSON null is a NULL value) */
        json_object_put(o);
        rc = fail(&sc, "%s", json_tokener_error_desc(jerr));
        goto out;
    }
    *out = o;
    rc = FC_OK;
out:
    if (tok)
        json_tokener_free(tok);
    free(sc.names);
    free(sc.buf);
    return rc;
}
