/* response: status, headers, cookies and body of one response, written out at the end. */
#ifndef FC_RESPONSE_H
#define FC_RESPONSE_H

#include <ClearSilver.h>

#include "core/util.h"

struct fc_response {
    int status;
    int sent_type; /* a Content-Type header was set */
    int cache_set; /* a Cache-Control header was set */
    /* a tile server's origin added to the CSP's img-src (Map.TileOrigin), or NULL */
    const char *csp_img;
    STRING headers;
    STRING body;
    /* a body lent by the page cache (a kept page, core/pagecache.c), written instead of body
     * when set: valid while the request holds the page, i.e. until fc_app_after */
    const char *lent;
    size_t lent_len;
};

void fc_resp_init(struct fc_response *r);
void fc_resp_free(struct fc_response *r);
/* Adds a header line; CR and LF in the value are dropped. */
void fc_resp_header(struct fc_response *r, const char *name, const char *fmt, ...) FC_PRINTF(3, 4);
/* 303 See Other (or another 3xx) to a local path. */
void fc_resp_redirect(struct fc_response *r, int status, const char *location);
enum { FC_COOKIE_SECURE = 1, FC_COOKIE_HTTPONLY = 2 };
/* Set-Cookie with Path=/ and SameSite=Lax; max_age < 0 means a session cookie, 0 deletes. */
void fc_resp_cookie(struct fc_response *r, const char *name, const char *value, long max_age,
                    int flags);
/* The status line's reason phrase. */
const char *fc_status_text(int status);
/* The body to write: the lent one when set, else r->body; its length into *len. */
const char *fc_resp_body(const struct fc_response *r, size_t *len);
/* Empties the body (the own one and a lent one), as for a HEAD. */
void fc_resp_body_clear(struct fc_response *r);
/* The response's head (CGI-style "Status:" header, headers, blank line) into out; the body
 * (fc_resp_body) is written after it as it is, without a copy into out. */
void fc_resp_head(struct fc_response *r, STRING *out);

#endif
