/* response: builds headers and body in memory; the FastCGI loop writes the head, then the body. */
#include "core/response.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void fc_resp_init(struct fc_response *r)
{
    memset(r, 0, sizeof *r);
    r->status = 200;
    string_init(&r->headers);
    string_init(&r->body);
}

void fc_resp_free(struct fc_response *r)
{
    string_clear(&r->headers);
    string_clear(&r->body);
    r->lent = NULL;
    r->lent_len = 0;
}

const char *fc_resp_body(const struct fc_response *r, size_t *len)
{
    if (r->lent) {
        *len = r->lent_len;
        return r->lent;
    }
    *len = r->body.len > 0 ? (size_t)r->body.len : 0;
    return r->body.buf;
}

void fc_resp_body_clear(struct fc_response *r)
{
    string_clear(&r->body);
    string_init(&r->body);
    r->lent = NULL;
    r->lent_len = 0;
}

/* Appends "name: value\r\n" to the headers. */
static void header_line(struct fc_response *r, const char *name, const char *value)
{
    string_append(&r->headers, name);
    string_appendn(&r->headers, ": ", 2);
    string_append(&r->headers, value);
    string_appendn(&r->headers, "\r\n", 2);
}

void fc_resp_header(struct fc_response *r, const char *name, const char *fmt, ...)
{
    char value[2048];
    const char *v = value;
    va_list ap;
    size_t o = 0;
    va_start(ap, fmt);
    /* a fixed value and a lone "%s" (most headers) need no formatting */
    if (!strchr(fmt, '%'))
        v = fmt;
    else if (strcmp(fmt, "%s") == 0) {
        if (!(v = va_arg(ap, const char *)))
            v = "(null)"; /* what vsnprintf writes */
    } else
        vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    if (v != value && (strlen(v) >= sizeof value || strpbrk(v, "\r\n"))) {
        fc_strlcpy(value, v, sizeof value); /* as vsnprintf would have cut it */
        v = value;
    }
    if (v == value) {
        for (size_t i = 0; value[i]; i++)
            if (value[i] != '\r' && value[i] != '\n')
                value[o++] = value[i];
        value[o] = '\0';
    }
    if (strcasecmp(name, "Content-Type") == 0)
        r->sent_type = 1;
    if (strcasecmp(name, "Cache-Control") == 0)
        r->cache_set = 1;
    header_line(r, name, v);
}

void fc_resp_redirect(struct fc_response *r, int status, const char *location)
{
    /* Only local paths: never "//host" or a scheme, so no open redirect; no control
     * characters either (browsers drop tabs and newlines, so "/\t/host" would be "//host") */
    int ctl = 0;
    for (const char *p = location; p && *p; p++)
        ctl |= (unsigned char)*p < 0x20 || *p == 0x7f;
    if (!location || location[0] != '/' || location[1] == '/' || location[1] == '\\' || ctl)
        location = "/";
    r->status = status;
    fc_resp_header(r, "Location", "%s", location);
}

void fc_resp_cookie(struct fc_response *r, const char *name, const char *value, long max_age,
                    int flags)
{
    char age[64] = "";
    if (max_age >= 0)
        snprintf(age, sizeof age, "; Max-Age=%ld", max_age);
    fc_resp_header(r, "Set-Cookie", "%s=%s; Path=/; SameSite=Lax%s%s%s", name, value, age,
                   flags & FC_COOKIE_HTTPONLY ? "; HttpOnly" : "",
                   flags & FC_COOKIE_SECURE ? "; Secure" : "");
}

const char *fc_status_text(int s)
{
    switch (s) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 507:
        return "Insufficient Storage";
    default:
        return "Unknown";
    }
}

void fc_resp_head(struct fc_response *r, STRING *out)
{
    size_t len;
    char num[24];
    fc_resp_body(r, &len);
    /* appended piece by piece: no printf-style formatting per response */
    string_append(out, "Status: ");
    string_append(out, fc_lltoa(num, r->status));
    string_append(out, " ");
    string_append(out, fc_status_text(r->status));
    string_append(out, "\r\n");
    if (!r->sent_type && len)
        string_append(out, "Content-Type: text/html; charset=utf-8\r\n");
    string_append(out, "Content-Length: ");
    string_append(out, fc_lltoa(num, (long long)len));
    string_append(out, "\r\n"
                       "X-Content-Type-Options: nosniff\r\n"
                       "X-Frame-Options: DENY\r\n"
                       "Referrer-Policy: same-origin\r\n"
                       "Content-Security-Policy: default-src 'self'; img-src 'self' data:");
    /* img-src names the tile server only where Map.Tiles is set (core/map.c checked it) */
    if (r->csp_img) {
        string_append(out, " ");
        string_append(out, r->csp_img);
    }
    string_append(out, "; object-src 'none'; frame-ancestors 'none'; form-action 'self'\r\n");
    if (r->headers.len)
        string_appendn(out, r->headers.buf, r->headers.len);
    string_append(out, "\r\n");
}
