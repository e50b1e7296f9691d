/* request: CGI environment, query string, urlencoded and multipart bodies, and cookies. */
#include "core/request.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *fc_env_get(char **envp, const char *name)
{
    size_t n = strlen(name);
    for (; envp && *envp; envp++)
        if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
            return *envp + n + 1;
    return NULL;
}

static int hexv(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

long fc_url_decode(char *s, size_t len, int plus)
{
    size_t i = 0, o = 0;
    while (i < len) {
        if (s[i] == '%') {
            int hi, lo;
            if (i + 2 >= len)
                return -1;
            hi = hexv((unsigned char)s[i + 1]);
            lo = hexv((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            s[o++] = (char)(hi << 4 | lo);
            i += 3;
        } else if (plus && s[i] == '+') {
            s[o++] = ' ';
            i++;
        } else {
            s[o++] = s[i++];
        }
    }
    s[o] = '\0';
    return (long)o;
}

static int params_add(struct fc_params *p, size_t max_fields, const char *name, size_t nlen,
                      const char *value, size_t vlen)
{
    struct fc_param *e;
    if (p->n >= max_fields)
        return FC_ETOOBIG;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct fc_param *v = realloc(p->v, cap * sizeof *v);
        if (!v)
            return FC_ERR;
        p->v = v;
        p->cap = cap;
    }
    e = &p->v[p->n];
    memset(e, 0, sizeof *e);
    e->name = strndup(name, nlen);
    e->value = malloc(vlen + 1);
    if (!e->name || !e->value) {
        free(e->name);
        free(e->value);
        return FC_ERR;
    }
    memcpy(e->value, value, vlen);
    e->value[vlen] = '\0';
    e->len = vlen;
    p->n++;
    return FC_OK;
}

int fc_parse_urlencoded(struct fc_params *out, const char *s, size_t len, size_t max_fields)
{
    size_t i = 0;
    while (i < len) {
        size_t end = i, eq;
        long nl, vl;
        struct fc_param *e;
        int rc;
        while (end < len && s[end] != '&' && s[end] != ';')
            end++;
        if (end == i) {
            i++;
            continue;
        }
        eq = i;
        while (eq < end && s[eq] != '=')
            eq++;
        rc = params_add(out, max_fields, s + i, eq - i, eq < end ? s + eq + 1 : "",
                        eq < end ? end - eq - 1 : 0);
        if (rc)
            return rc;
        e = &out->v[out->n - 1];
        nl = fc_url_decode(e->name, strlen(e->name), 1);
        vl = fc_url_decode(e->value, e->len, 1);
        if (nl < 0 || vl < 0 || !fc_utf8_valid(e->name, (size_t)nl) ||
            !fc_utf8_valid(e->value, (size_t)vl)) {
            out->invalid = 1;
            return FC_EINVAL;
        }
        e->len = (size_t)vl;
        i = end + 1;
    }
    return FC_OK;
}

int fc_parse_cookies(struct fc_params *out, const char *h, size_t max_fields)
{
    while (h && *h) {
        const char *name, *eq, *end;
        size_t vlen;
        int rc;
        while (*h == ' ' || *h == ';')
            h++;
        if (!*h)
            break;
        name = h;
        end = strchr(h, ';');
        if (!end)
            end = h + strlen(h);
        eq = memchr(name, '=', (size_t)(end - name));
        if (eq) {
            const char *v = eq + 1;
            vlen = (size_t)(end - v);
            while (vlen && v[vlen - 1] == ' ')
                vlen--;
            if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
                v++;
                vlen -= 2;
            }
            rc = params_add(out, max_fields, name, (size_t)(eq - name), v, vlen);
            if (rc)
                return rc;
        }
        h = end;
    }
    return FC_OK;
}

/* Finds needle in hay (binary safe). */
static const char *memmem_s(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    return memmem(hay, hlen, needle, nlen);
}

/* Copies a header parameter value (name="value" or name=value) from a header line. */
static char *header_param(const char *line, size_t len, const char *param)
{
    size_t plen = strlen(param);
    for (size_t i = 0; i + plen + 1 < len; i++) {
        if ((i == 0 || line[i - 1] == ';' || line[i - 1] == ' ') &&
            strncasecmp(line + i, param, plen) == 0 && line[i + plen] == '=') {
            const char *v = line + i + plen + 1, *e;
            size_t rest = len - (size_t)(v - line);
            if (rest && *v == '"') {
                v++;
                rest--;
                e = memchr(v, '"', rest);
                if (!e)
                    return NULL;
            } else {
                e = v;
                while (e < line + len && *e != ';' && *e != ' ')
                    e++;
            }
            return strndup(v, (size_t)(e - v));
        }
    }
    return NULL;
}

int fc_parse_multipart(struct fc_params *out, const char *ctype, const char *body, size_t len,
                       size_t max_fields)
{
    char *boundary = NULL, *delim = NULL;
    size_t dlen;
    const char *p, *end = body + len;
    int rc = FC_EINVAL;

    boundary = header_param(ctype, strlen(ctype), "boundary");
    if (!boundary || !*boundary || strlen(boundary) > 70)
        goto out;
    dlen = strlen(boundary) + 2;
    delim = malloc(dlen + 3);
    if (!delim) {
        rc = FC_ERR;
        goto out;
    }
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, boundary, dlen - 2);
    delim[dlen + 2] = '\0';
    /* The first boundary may start the body without a leading CRLF. */
    if (len < dlen || memcmp(body, delim + 2, dlen) != 0)
        goto out;
    p = body + dlen;
    for (;;) {
        const char *hdr_end, *part_end, *line;
        char *name = NULL, *filename = NULL, *pctype = NULL;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
            rc = FC_OK; /* closing delimiter */
            break;
        }
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            goto out;
        p += 2;
        hdr_end = memmem_s(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!hdr_end)
            goto out;
        for (line = p; line < hdr_end;) {
            const char *eol = memmem_s(line, (size_t)(hdr_end + 2 - line), "\r\n", 2);
            size_t llen = (size_t)(eol - line);
            if (llen > 20 && strncasecmp(line, "Content-Disposition:", 20) == 0) {
                free(name);
                free(filename);
                name = header_param(line, llen, "name");
                filename = header_param(line, llen, "filename");
            } else if (llen > 13 && strncasecmp(line, "Content-Type:", 13) == 0) {
                const char *v = line + 13;
                while (*v == ' ')
                    v++;
                free(pctype);
                pctype = strndup(v, (size_t)(eol - v));
            }
            line = eol + 2;
        }
        p = hdr_end + 4;
        part_end = memmem_s(p, (size_t)(end - p), delim, dlen + 2);
        if (!part_end || !name) {
            free(name);
            free(filename);
            free(pctype);
            goto out;
        }
        rc = params_add(out, max_fields, name, strlen(name), p, (size_t)(part_end - p));
        free(name);
        if (rc) {
            free(filename);
            free(pctype);
            goto out;
        }
        rc = FC_EINVAL;
        out->v[out->n - 1].filename = filename;
        out->v[out->n - 1].ctype = pctype;
        if (!filename && !fc_utf8_valid(out->v[out->n - 1].value, out->v[out->n - 1].len)) {
            out->invalid = 1;
            goto out;
        }
        p = part_end + dlen + 2;
    }
out:
    free(boundary);
    free(delim);
    return rc;
}

const struct fc_param *fc_param_get(const struct fc_params *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->v[i].name, name) == 0)
            return &p->v[i];
    return NULL;
}

const char *fc_param(const struct fc_params *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (!p->v[i].filename && strcmp(p->v[i].name, name) == 0)
            return p->v[i].value;
    return NULL;
}

const struct fc_param *fc_params_stray_file(const struct fc_params *p, const char *const *files)
{
    for (size_t i = 0; i < p->n; i++) {
        size_t j = 0;
        if (!p->v[i].filename)
            continue;
        while (files && files[j] && strcmp(files[j], p->v[i].name) != 0)
            j++;
        if (!files || !files[j])
            return &p->v[i];
    }
    return NULL;
}

void fc_params_free(struct fc_params *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].name);
        free(p->v[i].value);
        free(p->v[i].filename);
        free(p->v[i].ctype);
    }
    free(p->v);
    memset(p, 0, sizeof *p);
}

static char *dup_env(char **envp, const char *name)
{
    const char *v = fc_env_get(envp, name);
    return strdup(v ? v : "");
}

int fc_request_parse(struct fc_request *req, char **envp, fc_body_reader reader, void *rctx,
                     const struct fc_limits *lim)
{
    const char *v;
    long n;
    size_t got = 0;
    char *q;

    memset(req, 0, sizeof *req);
    fc_strlcpy(req->method, (v = fc_env_get(envp, "REQUEST_METHOD")) ? v : "GET",
               sizeof req->method);
    req->query_string = dup_env(envp, "QUERY_STRING");
    req->content_type = dup_env(envp, "CONTENT_TYPE");
    req->remote_addr = dup_env(envp, "REMOTE_ADDR");
    req->https = dup_env(envp, "HTTPS");
    req->authorization = dup_env(envp, "HTTP_AUTHORIZATION");
    req->accept = dup_env(envp, "HTTP_ACCEPT");
    req->if_none_match = dup_env(envp, "HTTP_IF_NONE_MATCH");
    /* REQUEST_URI keeps the raw path; take it up to '?' and decode it. */
    v = fc_env_get(envp, "REQUEST_URI");
    if (!v || !*v)
        v = "/";
    q = strchr(v, '?');
    req->path = strndup(v, q ? (size_t)(q - v) : strlen(v));
    if (!req->query_string || !req->content_type || !req->remote_addr || !req->https || !req->path)
        return FC_ERR;
    n = fc_url_decode(req->path, strlen(req->path), 0);
    if (n < 0 || req->path[0] != '/' || (size_t)n != strlen(req->path) ||
        !fc_utf8_valid(req->path, (size_t)n))
        return FC_EINVAL;
    if (fc_parse_cookies(&req->cookies, fc_env_get(envp, "HTTP_COOKIE"), lim->max_fields))
        return FC_EINVAL;
    if (fc_parse_urlencoded(&req->query, req->query_string, strlen(req->query_string),
                            lim->max_fields))
        return FC_EINVAL;

    v = fc_env_get(envp, "CONTENT_LENGTH");
    if (v && *v) {
        long cl;
        if (fc_parse_int(v, 0, 0x7fffffffL, &cl))
            return FC_EINVAL;
        req->content_length = (size_t)cl;
    }
    if (req->content_length > lim->max_body)
        return FC_ETOOBIG;
    if (req->content_length) {
        req->body = malloc(req->content_length + 1);
        if (!req->body)
            return FC_ERR;
        while (got < req->content_length) {
            n = reader(rctx, req->body + got, req->content_length - got);
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        if (got != req->content_length)
            return FC_EINVAL;
        req->body[got] = '\0';
        req->body_len = got;
    }
    /* a form is a POST; a PUT may carry a multipart one too (a review with its photo through
     * the API) */
    if (strcmp(req->method, "POST") == 0 && req->body_len) {
        if (strncasecmp(req->content_type, "application/x-www-form-urlencoded", 33) == 0) {
            int rc = fc_parse_urlencoded(&req->form, req->body, req->body_len, lim->max_fields);
            if (rc)
                return rc == FC_ETOOBIG ? FC_EINVAL : rc;
        } else if (strncasecmp(req->content_type, "multipart/form-data", 19) == 0) {
            int rc = fc_parse_multipart(&req->form, req->content_type, req->body, req->body_len,
                                        lim->max_fields);
            if (rc)
                return rc == FC_ETOOBIG ? FC_EINVAL : rc;
        }
    } else if (strcmp(req->method, "PUT") == 0 && req->body_len &&
               strncasecmp(req->content_type, "multipart/form-data", 19) == 0) {
        int rc = fc_parse_multipart(&req->form, req->content_type, req->body, req->body_len,
                                    lim->max_fields);
        if (rc)
            return rc == FC_ETOOBIG ? FC_EINVAL : rc;
    }
    return FC_OK;
}

void fc_request_free(struct fc_request *req)
{
    free(req->path);
    free(req->query_string);
    free(req->content_type);
    free(req->remote_addr);
    free(req->https);
    free(req->authorization);
    free(req->accept);
    free(req->if_none_match);
    free(req->body);
    fc_params_free(&req->query);
    fc_params_free(&req->form);
    fc_params_free(&req->cookies);
    memset(req, 0, sizeof *req);
}
