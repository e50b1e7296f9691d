/* request: parses one HTTP request (CGI variables + body) into a struct owned by the request. */
#ifndef FC_REQUEST_H
#define FC_REQUEST_H

#include <stddef.h>

/* One name/value pair from the query string, a form body, a cookie header or a multipart
 * part. value is NUL-terminated and len bytes long (files may hold NUL bytes). */
struct fc_param {
    char *name;
    char *value;
    size_t len;
    char *filename; /* multipart file parts only (their value is bytes, not checked text) */
    char *ctype;    /* multipart file parts only */
};

struct fc_params {
    struct fc_param *v;
    size_t n, cap;
    int invalid; /* set when parsing stopped at v[n - 1]: not UTF-8 text or a control char */
};

struct fc_limits {
    size_t max_body;
    size_t max_fields;
};

struct fc_request {
    char method[16];
    char *path; /* decoded path, always starts with '/' */
    char *query_string;
    char *content_type;
    size_t content_length;
    char *remote_addr;
    char *https;
    char *authorization; /* the Authorization header, or "" */
    char *accept;        /* the Accept header, or "" */
    char *if_none_match; /* the If-None-Match header, or "" */
    struct fc_params query;
    struct fc_params form; /* urlencoded or multipart body */
    struct fc_params cookies;
    char *body;
    size_t body_len;
};

/* Reads len bytes of the request body into buf; returns bytes read or -1. */
typedef long (*fc_body_reader)(void *ctx, char *buf, size_t len);

/* Fills req from CGI-style environment variables (envp, NULL-terminated "K=V") and the body
 * read through reader. Returns FC_OK, FC_EINVAL (malformed: 400) or FC_ETOOBIG (413). The
 * request must be released with fc_request_free whatever the result. */
int fc_request_parse(struct fc_request *req, char **envp, fc_body_reader reader, void *rctx,
                     const struct fc_limits *lim);
void fc_request_free(struct fc_request *req);

/* Looks up a CGI variable in envp; NULL when absent. */
const char *fc_env_get(char **envp, const char *name);

/* Decodes %XX and '+' (when plus is set) in place; returns the new length or -1 on a bad
 * escape. */
long fc_url_decode(char *s, size_t len, int plus);

/* Parsers; each appends to out and returns FC_OK, FC_EINVAL or FC_ETOOBIG (more than
 * max_fields pairs). */
int fc_parse_urlencoded(struct fc_params *out, const char *s, size_t len, size_t max_fields);
int fc_parse_cookies(struct fc_params *out, const char *header, size_t max_fields);
int fc_parse_multipart(struct fc_params *out, const char *content_type, const char *body,
                       size_t len, size_t max_fields);

/* First text value of name, or NULL. Text is checked by the parsers; a multipart file part
 * (filename=) is not, so it is never a text value: read a file with fc_param_get. */
const char *fc_param(const struct fc_params *p, const char *name);
/* The whole first pair named name, file or text, or NULL. */
const struct fc_param *fc_param_get(const struct fc_params *p, const char *name);
/* The first file part of p whose name is not one of files (NULL-terminated, or NULL for none),
 * or NULL. A form may send as files only its upload fields (the route says which): any other
 * field sent as a file skipped the text checks and is refused. */
const struct fc_param *fc_params_stray_file(const struct fc_params *p, const char *const *files);
void fc_params_free(struct fc_params *p);

#endif
