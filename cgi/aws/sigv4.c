/*
 * sigv4.c - AWS Signature Version 4: builds the canonical request, the
 * string to sign, the derived signing key and the signature, and from them
 * the Authorization header or a presigned URL. Contract in sigv4.h;
 * algorithm per the AWS "Create a signed AWS API request" documentation.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include "sigv4.h"

#include "core/buf.h"
#include "core/util.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define ALGORITHM "AWS4-HMAC-SHA256"

/* ---- character classes and encoding ------------------------------------ */

static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";

static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

/* RFC 7230 tchar: what a method or header name may contain. */
static int is_tchar(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_token(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (!is_tchar((unsigned char)*s))
            return 0;
    return 1;
}

static unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Case-insensitive (ASCII) equality of s[0..n) and the string lit. */
static int ascii_caseeq(const char *s, size_t n, const char *lit)
{
    if (strlen(lit) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (ascii_lower((unsigned char)s[i]) != ascii_lower((unsigned char)lit[i]))
            return 0;
    return 1;
}

static void put_pct(struct fc_buf *b, unsigned char c)
{
    char e[3] = {'%', hex_upper[c >> 4], hex_upper[c & 15]};
    fc_buf_putn(b, e, 3);
}

/* Percent-encode every byte outside the unreserved set (and '/' unless
 * keep_slash). A '%' in the input is encoded too. */
static void uri_encode(struct fc_buf *b, const char *s, size_t n, int keep_slash)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c) || (keep_slash && c == '/'))
            fc_buf_putc(b, (char)c);
        else
            put_pct(b, c);
    }
}

/* Canonical form of an already-encoded component: %XX escapes of
 * unreserved bytes are decoded, other escapes upper-cased, bytes outside
 * the unreserved set (and '/' unless keep_slash) encoded. The decoded
 * meaning never changes (an escaped '/' stays escaped). */
static void canon_encoded(struct fc_buf *b, const char *s, size_t n, int keep_slash)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' && i + 2 < n && fc_hex_digit((unsigned char)s[i + 1]) >= 0 &&
            fc_hex_digit((unsigned char)s[i + 2]) >= 0) {
            unsigned char d = (unsigned char)(fc_hex_digit((unsigned char)s[i + 1]) * 16 +
                                              fc_hex_digit((unsigned char)s[i + 2]));
            if (is_unreserved(d))
                fc_buf_putc(b, (char)d);
            else
                put_pct(b, d);
            i += 2;
        } else if (is_unreserved(c) || (keep_slash && c == '/')) {
            fc_buf_putc(b, (char)c);
        } else {
            put_pct(b, c);
        }
    }
}

static void hex_encode(const unsigned char *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex_lower[in[i] >> 4];
        out[2 * i + 1] = hex_lower[in[i] & 15];
    }
    out[2 * n] = '\0';
}

/* ---- crypto ------------------------------------------------------------- */

int sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    static const char empty = 0;

    if (!data)
        data = &empty; /* len is 0 by contract; OpenSSL wants a pointer */
    if (!EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) || md_len != 32)
        return -1;
    hex_encode(md, 32, out);
    return 0;
}

static int hmac256(const void *key, size_t key_len, const void *msg, size_t msg_len,
                   unsigned char out[32])
{
    unsigned int len = 0;

    if (key_len > INT_MAX)
        return -1;
    if (!HMAC(EVP_sha256(), key, (int)key_len, msg, msg_len, out, &len) || len != 32)
        return -1;
    return 0;
}

/* signature = hex(HMAC(kSigning, sts)), kSigning derived from the secret,
 * date, region, service and "aws4_request". */
static int compute_signature(const char *secret, const char *datestamp, const char *region,
                             const char *service, const char *sts, char sig[65])
{
    int rc = -1;
    size_t secret_len = strlen(secret);
    unsigned char k[32], mac[32];
    char *k_secret = malloc(secret_len + 5);

    if (!k_secret)
        goto out;
    memcpy(k_secret, "AWS4", 4);
    memcpy(k_secret + 4, secret, secret_len + 1);
    if (hmac256(k_secret, secret_len + 4, datestamp, strlen(datestamp), k) ||
        hmac256(k, 32, region, strlen(region), k) || hmac256(k, 32, service, strlen(service), k) ||
        hmac256(k, 32, "aws4_request", 12, k) || hmac256(k, 32, sts, strlen(sts), mac))
        goto out;
    hex_encode(mac, 32, sig);
    rc = 0;
out:
    if (k_secret) {
        OPENSSL_cleanse(k_secret, secret_len + 4);
        free(k_secret);
    }
    OPENSSL_cleanse(k, sizeof(k));
    OPENSSL_cleanse(mac, sizeof(mac));
    return rc;
}

/* ---- request target ----------------------------------------------------- */

struct target {
    const char *scheme; /* "https" when only host was given */
    size_t scheme_len;
    const char *authority;
    size_t authority_len;
    const char *path;
    size_t path_len;
    const char *query;
    size_t query_len;
};

static int has_ctl_or_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f)
            return 1;
    }
    return 0;
}

static int parse_target(const struct sigv4_request *req, struct target *t)
{
    memset(t, 0, sizeof(*t));
    if (req->url) {
        const char *u = req->url;
        const char *sep = strstr(u, "://");
        if (!sep || has_ctl_or_space(u, strlen(u)))
            return -1;
        t->scheme = u;
        t->scheme_len = (size_t)(sep - u);
        if (!ascii_caseeq(u, t->scheme_len, "http") && !ascii_caseeq(u, t->scheme_len, "https"))
            return -1;
        const char *a = sep + 3;
        size_t alen = strcspn(a, "/?#");
        const char *p = a + alen;
        size_t plen = (*p == '/') ? strcspn(p, "?#") : 0;
        const char *q = p + plen;
        t->authority = a;
        t->authority_len = alen;
        t->path = p;
        t->path_len = plen;
        if (*q == '?') {
            t->query = q + 1;
            t->query_len = strcspn(q + 1, "#");
        }
    } else {
        if (!req->host)
            return -1;
        t->scheme = "https";
        t->scheme_len = 5;
        t->authority = req->host;
        t->authority_len = strlen(req->host);
        t->path = req->path ? req->path : "";
        t->path_len = strlen(t->path);
        t->query = req->query;
        t->query_len = req->query ? strlen(req->query) : 0;
        if (has_ctl_or_space(t->authority, t->authority_len) ||
            has_ctl_or_space(t->path, t->path_len) ||
            (t->query && has_ctl_or_space(t->query, t->query_len)) ||
            strcspn(t->authority, "/?#") != t->authority_len ||
            strcspn(t->path, "?#") != t->path_len || (t->path_len && t->path[0] != '/'))
            return -1;
    }
    if (!t->authority_len || memchr(t->authority, '@', t->authority_len))
        return -1;
    return 0;
}

/* Host header value from the authority: host lower-cased, default port for
 * the scheme dropped (what botocore and HTTP clients send). */
static int host_value(const struct target *t, struct fc_buf *b)
{
    const char *a = t->authority;
    size_t n = t->authority_len, host_len = n, port_len = 0;
    const char *port = NULL;

    if (a[0] == '[') {
        const char *rb = memchr(a, ']', n);
        if (!rb)
            return -1;
        host_len = (size_t)(rb - a) + 1;
    } else {
        const char *colon = memchr(a, ':', n);
        if (colon)
            host_len = (size_t)(colon - a);
    }
    if (!host_len)
        return -1;
    if (host_len < n) {
        if (a[host_len] != ':')
            return -1;
        port = a + host_len + 1;
        port_len = n - host_len - 1;
        for (size_t i = 0; i < port_len; i++)
            if (port[i] < '0' || port[i] > '9')
                return -1;
    }
    for (size_t i = 0; i < host_len; i++)
        fc_buf_putc(b, (char)ascii_lower((unsigned char)a[i]));
    if (port_len &&
        !(ascii_caseeq(t->scheme, t->scheme_len, "http") && port_len == 2 &&
          !memcmp(port, "80", 2)) &&
        !(ascii_caseeq(t->scheme, t->scheme_len, "https") && port_len == 3 &&
          !memcmp(port, "443", 3))) {
        fc_buf_putc(b, ':');
        fc_buf_putn(b, port, port_len);
    }
    return b->err ? -1 : 0;
}

struct segment {
    const char *s;
    size_t n;
};

/* Canonical URI. S3: the wire path encoded once, as is. Others: remove
 * empty and "." segments, let ".." drop its parent (as botocore does),
 * then URI-encode the wire form again. */
static int canonical_path(const struct target *t, unsigned flags, struct fc_buf *b)
{
    const char *p = t->path;
    size_t n = t->path_len, nseg = 0, max = 1;
    struct segment *segs = NULL;

    if (!n) {
        fc_buf_putc(b, '/');
        return b->err ? -1 : 0;
    }
    if (flags & SIGV4_NO_DOUBLE_ENCODE) {
        canon_encoded(b, p, n, 1);
        return b->err ? -1 : 0;
    }
    for (size_t i = 0; i < n; i++)
        max += p[i] == '/';
    segs = calloc(max, sizeof(*segs));
    if (!segs)
        return -1;
    for (size_t i = 0; i <= n;) {
        size_t j = i;
        while (j < n && p[j] != '/')
            j++;
        size_t len = j - i;
        if (len == 2 && p[i] == '.' && p[i + 1] == '.') {
            if (nseg)
                nseg--;
        } else if (len && !(len == 1 && p[i] == '.')) {
            segs[nseg].s = p + i;
            segs[nseg].n = len;
            nseg++;
        }
        i = j + 1;
    }
    fc_buf_putc(b, '/'); /* paths always start with '/' here */
    for (size_t k = 0; k < nseg; k++) {
        if (k)
            fc_buf_putc(b, '/');
        uri_encode(b, segs[k].s, segs[k].n, 0);
    }
    if (nseg && p[n - 1] == '/')
        fc_buf_putc(b, '/');
    free(segs);
    return b->err ? -1 : 0;
}

/* ---- name/value lists (headers and query pairs) -------------------------- */

struct pair {
    char *name;  /* header: lower-cased; query: canonical (encoded) */
    char *value; /* header: trimmed, inner runs of blanks collapsed to one space */
    size_t idx;  /* position, to keep same-name headers in order */
};

struct pair_list {
    struct pair *v;
    size_t n;
    size_t cap;
};

static void pl_free(struct pair_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].value);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* Append a pair, taking ownership of both buffers' strings. */
static int pl_push(struct pair_list *l, struct fc_buf *name, struct fc_buf *value)
{
    int rc = -1;
    char *n = fc_buf_take(name), *v = fc_buf_take(value);

    if (!n || !v)
        goto out;
    if (fc_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v, 8))
        goto out;
    l->v[l->n].name = n;
    l->v[l->n].value = v;
    l->v[l->n].idx = l->n;
    l->n++;
    n = v = NULL; /* owned by l now */
    rc = 0;
out:
    free(n);
    free(v);
    return rc;
}

/* ---- headers ------------------------------------------------------------ */

/* Add a header; name and value are copied and canonicalised. A value with
 * a control character other than tab (CR, LF, ...) is refused. */
static int hl_add(struct pair_list *l, const char *name, const char *value)
{
    struct fc_buf nb = {0}, vb = {0};
    int pending_space = 0;

    if (!is_token(name) || !value)
        return -1;
    for (const char *s = name; *s; s++)
        fc_buf_putc(&nb, (char)ascii_lower((unsigned char)*s));
    for (const unsigned char *s = (const unsigned char *)value; *s; s++) {
        if (*s == ' ' || *s == '\t') {
            pending_space = vb.len > 0;
            continue;
        }
        if (*s < 0x20 || *s == 0x7f)
            goto bad;
        if (pending_space)
            fc_buf_putc(&vb, ' ');
        pending_space = 0;
        fc_buf_putc(&vb, (char)*s);
    }
    return pl_push(l, &nb, &vb);
bad:
    fc_buf_free(&nb);
    fc_buf_free(&vb);
    return -1;
}

static int hdr_cmp(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    if (c)
        return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int hl_find(const struct pair_list *l, const char *lname)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].name, lname))
            return 1;
    return 0;
}

/* Sort l and write the canonical headers ("name:v1,v2\n" each) to ch and
 * the signed header list ("a;b") to sh. */
static int canonical_headers(struct pair_list *l, struct fc_buf *ch, struct fc_buf *sh)
{
    if (l->n)
        qsort(l->v, l->n, sizeof(*l->v), hdr_cmp);
    for (size_t i = 0; i < l->n; i++) {
        if (i && !strcmp(l->v[i].name, l->v[i - 1].name)) {
            fc_buf_putc(ch, ',');
        } else {
            if (i) {
                fc_buf_putc(ch, '\n');
                fc_buf_putc(sh, ';');
            }
            fc_buf_puts(ch, l->v[i].name);
            fc_buf_putc(ch, ':');
            fc_buf_puts(sh, l->v[i].name);
        }
        fc_buf_puts(ch, l->v[i].value);
    }
    if (l->n)
        fc_buf_putc(ch, '\n');
    return ch->err || sh->err ? -1 : 0;
}

/* ---- query -------------------------------------------------------------- */

/* Parse an encoded query string ("a=1&b&c=") into canonical pairs. Empty
 * "&&" segments are ignored; a name without '=' gets an empty value. */
static int ql_parse(struct pair_list *l, const char *q, size_t n)
{
    size_t i = 0;

    while (q && i < n) {
        size_t j = i;
        while (j < n && q[j] != '&')
            j++;
        if (j > i) {
            struct fc_buf nb = {0}, vb = {0};
            const char *eq = memchr(q + i, '=', j - i);
            size_t name_end = eq ? (size_t)(eq - q) : j;
            canon_encoded(&nb, q + i, name_end - i, 0);
            if (eq)
                canon_encoded(&vb, eq + 1, j - name_end - 1, 0);
            if (pl_push(l, &nb, &vb))
                return -1;
        }
        i = j + 1;
    }
    return 0;
}

/* Append a pair given as raw (unencoded) text. */
static int ql_add_raw(struct pair_list *l, const char *name, const char *value)
{
    struct fc_buf nb = {0}, vb = {0};

    uri_encode(&nb, name, strlen(name), 0);
    uri_encode(&vb, value, strlen(value), 0);
    return pl_push(l, &nb, &vb);
}

static int qpair_cmp(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    return c ? c : strcmp(x->value, y->value);
}

static int ql_canonical(struct pair_list *l, struct fc_buf *b)
{
    if (l->n)
        qsort(l->v, l->n, sizeof(*l->v), qpair_cmp);
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            fc_buf_putc(b, '&');
        fc_buf_puts(b, l->v[i].name);
        fc_buf_putc(b, '=');
        fc_buf_puts(b, l->v[i].value);
    }
    return b->err ? -1 : 0;
}

/* The query parameters that presigning adds itself. */
static const char *const presign_params[] = {
    "X-Amz-Algorithm",     "X-Amz-Credential",     "X-Amz-Date",      "X-Amz-Expires",
    "X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature",
};

static int ql_has_presign_param(const struct pair_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        for (size_t k = 0; k < sizeof(presign_params) / sizeof(presign_params[0]); k++)
            if (ascii_caseeq(l->v[i].name, strlen(l->v[i].name), presign_params[k]))
                return 1;
    return 0;
}

/* ---- signing ------------------------------------------------------------ */

/* Printable ASCII without blanks, '/' or ',' (parts of the credential). */
static int scope_part_ok(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c >= 0x7f || c == '/' || c == ',')
            return 0;
    }
    return 1;
}

static int payload_hash_ok(const char *h)
{
    if (!strcmp(h, SIGV4_UNSIGNED_PAYLOAD))
        return 1;
    if (strlen(h) != 64)
        return 0;
    for (; *h; h++)
        if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
            return 0;
    return 1;
}

static int format_amz_date(time_t t, char out[17])
{
    struct tm tm;

    if (!gmtime_r(&t, &tm))
        return -1;
    if (strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
        return -1;
    return 0;
}

static int add_out_header(struct sigv4_signed *out, const char *name, const char *value)
{
    char *v = strdup(value);

    if (!v || out->n_headers >= SIGV4_MAX_OUT_HEADERS) {
        free(v);
        return -1;
    }
    out->headers[out->n_headers].name = name;
    out->headers[out->n_headers].value = v;
    out->n_headers++;
    return 0;
}

/* Shared by sigv4_sign (presign == 0) and sigv4_presign. */
static int sign_request(const struct sigv4_request *req, const struct sigv4_credentials *creds,
                        int presign, unsigned expires, struct sigv4_signed *out)
{
    int rc = -1;
    struct target t;
    struct fc_buf host = {0}, path = {0}, cq = {0}, ch = {0}, sh = {0};
    struct fc_buf creq = {0}, sts = {0}, scope = {0}, tmp = {0};
    struct pair_list hl = {0};
    struct pair_list ql = {0};
    char payload_hash[65], creq_hash[65], datestamp[9];
    const char *hash;
    int has_token, sign_token_header;

    if (!out)
        return -1;
    memset(out, 0, sizeof(*out));
    if (!req || !creds || !is_token(req->method) || !scope_part_ok(creds->access_key_id) ||
        !creds->secret_access_key || !*creds->secret_access_key || !scope_part_ok(req->region) ||
        !scope_part_ok(req->service) || (req->n_headers && !req->headers) ||
        (req->payload_len && !req->payload))
        goto out;
    if (presign && (expires < 1 || expires > SIGV4_MAX_EXPIRES))
        goto out;
    has_token = creds->session_token && *creds->session_token;
    if (has_token && has_ctl_or_space(creds->session_token, strlen(creds->session_token)))
        goto out;
    sign_token_header = has_token && !presign && !(req->flags & SIGV4_TOKEN_AFTER);

    if (format_amz_date(req->time, out->amz_date))
        goto out;
    memcpy(datestamp, out->amz_date, 8);
    datestamp[8] = '\0';

    if (req->payload_hash) {
        if (!payload_hash_ok(req->payload_hash))
            goto out;
        hash = req->payload_hash;
    } else {
        if (sigv4_sha256_hex(req->payload, req->payload_len, payload_hash))
            goto out;
        hash = payload_hash;
    }

    if (parse_target(req, &t) || host_value(&t, &host) || canonical_path(&t, req->flags, &path))
        goto out;

    /* Headers: the caller's, then those the signer owns. */
    for (size_t i = 0; i < req->n_headers; i++) {
        const char *name = req->headers[i].name;
        if (!name)
            goto out;
        size_t nlen = strlen(name);
        if (ascii_caseeq(name, nlen, "authorization") || ascii_caseeq(name, nlen, "x-amz-date") ||
            (has_token && ascii_caseeq(name, nlen, "x-amz-security-token")) ||
            (!presign && (req->flags & SIGV4_ADD_CONTENT_SHA256) &&
             ascii_caseeq(name, nlen, "x-amz-content-sha256")))
            goto out;
        if (hl_add(&hl, name, req->headers[i].value))
            goto out;
    }
    if (!hl_find(&hl, "host") && hl_add(&hl, "host", host.p))
        goto out;
    if (!presign) {
        if (hl_add(&hl, "x-amz-date", out->amz_date))
            goto out;
        if ((req->flags & SIGV4_ADD_CONTENT_SHA256) && hl_add(&hl, "x-amz-content-sha256", hash))
            goto out;
        if (sign_token_header && hl_add(&hl, "x-amz-security-token", creds->session_token))
            goto out;
    }
    if (canonical_headers(&hl, &ch, &sh))
        goto out;

    fc_buf_puts(&scope, datestamp);
    fc_buf_putc(&scope, '/');
    fc_buf_puts(&scope, req->region);
    fc_buf_putc(&scope, '/');
    fc_buf_puts(&scope, req->service);
    fc_buf_puts(&scope, "/aws4_request");
    if (scope.err)
        goto out;

    /* Query: the caller's, plus the auth parameters when presigning. */
    if (ql_parse(&ql, t.query, t.query_len))
        goto out;
    if (presign) {
        char exp[16];
        size_t k = sizeof(exp) - 1;
        exp[k] = '\0';
        do {
            exp[--k] = (char)('0' + expires % 10);
            expires /= 10;
        } while (expires);
        if (ql_has_presign_param(&ql))
            goto out;
        fc_buf_puts(&tmp, creds->access_key_id);
        fc_buf_putc(&tmp, '/');
        fc_buf_puts(&tmp, scope.p);
        if (tmp.err || ql_add_raw(&ql, "X-Amz-Algorithm", ALGORITHM) ||
            ql_add_raw(&ql, "X-Amz-Credential", tmp.p) ||
            ql_add_raw(&ql, "X-Amz-Date", out->amz_date) ||
            ql_add_raw(&ql, "X-Amz-Expires", exp + k) ||
            ql_add_raw(&ql, "X-Amz-SignedHeaders", sh.p) ||
            (has_token && !(req->flags & SIGV4_TOKEN_AFTER) &&
             ql_add_raw(&ql, "X-Amz-Security-Token", creds->session_token)))
            goto out;
        fc_buf_free(&tmp);
    }
    if (ql_canonical(&ql, &cq))
        goto out;

    /* Canonical request, string to sign, signature. */
    fc_buf_puts(&creq, req->method);
    fc_buf_putc(&creq, '\n');
    fc_buf_puts(&creq, path.p);
    fc_buf_putc(&creq, '\n');
    fc_buf_putn(&creq, cq.p ? cq.p : "", cq.len);
    fc_buf_putc(&creq, '\n');
    fc_buf_putn(&creq, ch.p ? ch.p : "", ch.len);
    fc_buf_putc(&creq, '\n');
    fc_buf_puts(&creq, sh.p ? sh.p : "");
    fc_buf_putc(&creq, '\n');
    fc_buf_puts(&creq, hash);
    if (creq.err || sigv4_sha256_hex(creq.p, creq.len, creq_hash))
        goto out;

    fc_buf_puts(&sts, ALGORITHM "\n");
    fc_buf_puts(&sts, out->amz_date);
    fc_buf_putc(&sts, '\n');
    fc_buf_puts(&sts, scope.p);
    fc_buf_putc(&sts, '\n');
    fc_buf_puts(&sts, creq_hash);
    if (sts.err || compute_signature(creds->secret_access_key, datestamp, req->region, req->service,
                                     sts.p, out->signature))
        goto out;

    /* Outputs. */
    if (presign) {
        fc_buf_putn(&tmp, t.scheme, t.scheme_len);
        fc_buf_puts(&tmp, "://");
        fc_buf_putn(&tmp, t.authority, t.authority_len);
        if (t.path_len)
            fc_buf_putn(&tmp, t.path, t.path_len);
        else
            fc_buf_putc(&tmp, '/');
        fc_buf_putc(&tmp, '?');
        fc_buf_puts(&tmp, cq.p);
        fc_buf_puts(&tmp, "&X-Amz-Signature=");
        fc_buf_puts(&tmp, out->signature);
        if (has_token && (req->flags & SIGV4_TOKEN_AFTER)) {
            fc_buf_puts(&tmp, "&X-Amz-Security-Token=");
            uri_encode(&tmp, creds->session_token, strlen(creds->session_token), 0);
        }
        if (!(out->url = fc_buf_take(&tmp)))
            goto out;
    } else {
        fc_buf_puts(&tmp, ALGORITHM " Credential=");
        fc_buf_puts(&tmp, creds->access_key_id);
        fc_buf_putc(&tmp, '/');
        fc_buf_puts(&tmp, scope.p);
        fc_buf_puts(&tmp, ", SignedHeaders=");
        fc_buf_puts(&tmp, sh.p);
        fc_buf_puts(&tmp, ", Signature=");
        fc_buf_puts(&tmp, out->signature);
        if (!(out->authorization = fc_buf_take(&tmp)))
            goto out;
        if (add_out_header(out, "X-Amz-Date", out->amz_date) ||
            ((req->flags & SIGV4_ADD_CONTENT_SHA256) &&
             add_out_header(out, "x-amz-content-sha256", hash)) ||
            (has_token && add_out_header(out, "X-Amz-Security-Token", creds->session_token)) ||
            add_out_header(out, "Authorization", out->authorization))
            goto out;
    }
    if (!(out->canonical_request = fc_buf_take(&creq)) ||
        !(out->string_to_sign = fc_buf_take(&sts)) ||
        !(out->credential_scope = fc_buf_take(&scope)) || !(out->signed_headers = fc_buf_take(&sh)))
        goto out;
    rc = 0;
out:
    if (rc)
        sigv4_signed_free(out);
    fc_buf_free(&host);
    fc_buf_free(&path);
    fc_buf_free(&cq);
    fc_buf_free(&ch);
    fc_buf_free(&sh);
    fc_buf_free(&creq);
    fc_buf_free(&sts);
    fc_buf_free(&scope);
    fc_buf_free(&tmp);
    pl_free(&hl);
    pl_free(&ql);
    return rc;
}

int sigv4_sign(const struct sigv4_request *req, const struct sigv4_credentials *creds,
               struct sigv4_signed *out)
{
    return sign_request(req, creds, 0, 0, out);
}

int sigv4_presign(const struct sigv4_request *req, const struct sigv4_credentials *creds,
                  unsigned expires, struct sigv4_signed *out)
{
    return sign_request(req, creds, 1, expires, out);
}

void sigv4_signed_free(struct sigv4_signed *s)
{
    if (!s)
        return;
    free(s->canonical_request);
    free(s->string_to_sign);
    free(s->credential_scope);
    free(s->signed_headers);
    free(s->authorization);
    free(s->url);
    for (size_t i = 0; i < s->n_headers && i < SIGV4_MAX_OUT_HEADERS; i++)
        free(s->headers[i].value);
    OPENSSL_cleanse(s->signature, sizeof(s->signature));
    memset(s, 0, sizeof(*s));
}
