/* backup/s3: S3 get, put, list, multi-delete and bucket set-up; answers parsed with libxml2. */
#include "backup/backup.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>

#define DELETE_BATCH 1000

static int failed(struct backup_req *r, char *err, size_t errlen)
{
    char buf[700];

    snprintf(err, errlen, "%s", backup_req_strerror(r, buf, sizeof buf));
    return -1;
}

static int is_not_found(const struct backup_req *r)
{
    return r->rc == AWS_E_HTTP && r->status == 404;
}

int backup_s3_get(struct backup_xfer *x, const char *key, char **body, size_t *len, char *err,
                  size_t errlen)
{
    struct backup_req *r = backup_req_new("GET", key, NULL);
    int rc = -1;

    *body = NULL;
    *len = 0;
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (backup_xfer_call(x, r) == AWS_OK) {
        *body = r->resp ? r->resp : calloc(1, 1);
        *len = r->resp_len;
        r->resp = NULL;
        rc = *body ? 0 : -1;
    } else if (is_not_found(r)) {
        snprintf(err, errlen, "%s", r->err.code);
        rc = BACKUP_NOTFOUND;
    } else {
        failed(r, err, errlen);
    }
    backup_req_free(r);
    return rc;
}

/* Adds x-amz-checksum-sha256 (and the payload hash) for a memory body. */
static int add_checksum(struct backup_req *r, const void *body, size_t len)
{
    unsigned char md[32];
    char b64[48];

    if (!EVP_Digest(body ? body : "", len, md, NULL, EVP_sha256(), NULL))
        return -1;
    fc_hex(r->payload_hash, md, 32);
    backup_base64(md, 32, b64);
    return backup_req_header(r, "x-amz-checksum-sha256", b64);
}

int backup_req_content_md5(struct backup_req *r, const void *body, size_t len)
{
    unsigned char md[16];
    char b64[32];

    if (!EVP_Digest(body, len, md, NULL, EVP_md5(), NULL))
        return -1;
    backup_base64(md, 16, b64);
    return backup_req_header(r, "Content-MD5", b64);
}

int backup_s3_put(struct backup_xfer *x, const char *key, const void *body, size_t len, char *err,
                  size_t errlen)
{
    struct backup_req *r = backup_req_new("PUT", key, NULL);
    void *copy = malloc(len ? len : 1);
    int rc = -1;

    if (!r || !copy || add_checksum(r, body, len)) {
        snprintf(err, errlen, "out of memory");
        free(copy);
        goto out;
    }
    memcpy(copy, body, len);
    backup_req_body(r, copy, len, 1);
    if (backup_xfer_call(x, r) == AWS_OK)
        rc = 0;
    else
        failed(r, err, errlen);
out:
    backup_req_free(r);
    return rc;
}

int backup_s3_delete(struct backup_xfer *x, const char *key, char *err, size_t errlen)
{
    struct backup_req *r = backup_req_new("DELETE", key, NULL);
    int rc = -1;

    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (backup_xfer_call(x, r) == AWS_OK || is_not_found(r))
        rc = 0;
    else
        failed(r, err, errlen);
    backup_req_free(r);
    return rc;
}

/* ---- XML ------------------------------------------------------------------------ */

static xmlDoc *parse_xml(const char *body, size_t len)
{
    if (!body || !len || len > 0x7fffffff)
        return NULL;
    return xmlReadMemory(body, (int)len, NULL, NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static int is_el(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNode *child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_el(c, name))
            return c;
    return NULL;
}

/* Text of n's child name into buf ("" when missing). */
static const char *child_text(const xmlNode *n, const char *name, char *buf, size_t len)
{
    xmlNode *c = child(n, name);
    xmlChar *t;

    buf[0] = '\0';
    if (c && (t = xmlNodeGetContent(c))) {
        fc_strlcpy(buf, (const char *)t, len);
        xmlFree(t);
    }
    return buf;
}

int backup_xml_text(const char *body, size_t len, const char *root_name, const char *name,
                    char *out, size_t n)
{
    xmlDoc *doc = parse_xml(body, len);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    int rc = -1;

    out[0] = '\0';
    if (root && is_el(root, root_name) && child(root, name)) {
        child_text(root, name, out, n);
        rc = 0;
    }
    xmlFreeDoc(doc);
    return rc;
}

time_t backup_parse_iso_time(const char *s)
{
    const char *end;
    time_t t;

    /* S3 sends the time of day, then a fraction and Z, which are not needed */
    if (fc_parse_utc_date(s, &t, &end) || end - s != 19)
        return 0;
    return t;
}

/* Appends s with XML escaping. */
void backup_buf_xml(struct fc_buf *b, const char *s)
{
    for (; *s; s++) {
        const char *ent = fc_xml_entity((unsigned char)*s);
        if (ent)
            fc_buf_puts(b, ent);
        else
            fc_buf_putn(b, s, 1);
    }
}

int backup_s3_list_page(const char *body, size_t len,
                        int (*fn)(void *ctx, const struct backup_s3_object *o), void *ctx,
                        char *token, size_t token_len, int *truncated, char *err, size_t errlen)
{
    xmlDoc *doc = parse_xml(body, len);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    char buf[16];
    int rc = -1;

    *truncated = 0;
    if (!root || !is_el(root, "ListBucketResult")) {
        snprintf(err, errlen, "the bucket listing is not a ListBucketResult");
        goto out;
    }
    for (xmlNode *c = root->children; c; c = c->next) {
        char key[1100], size[32], mtime[64], etag[128];
        struct backup_s3_object o;
        if (!is_el(c, "Contents"))
            continue;
        child_text(c, "Key", key, sizeof key);
        child_text(c, "Size", size, sizeof size);
        child_text(c, "LastModified", mtime, sizeof mtime);
        child_text(c, "ETag", etag, sizeof etag);
        o.key = key;
        o.size = strtoull(size, NULL, 10);
        o.mtime = backup_parse_iso_time(mtime);
        o.etag = etag;
        if (fn(ctx, &o)) {
            rc = 1;
            goto out;
        }
    }
    *truncated = !strcmp(child_text(root, "IsTruncated", buf, sizeof buf), "true");
    child_text(root, "NextContinuationToken", token, token_len);
    if (*truncated && !token[0]) {
        snprintf(err, errlen, "truncated listing without a continuation token");
        goto out;
    }
    rc = 0;
out:
    xmlFreeDoc(doc);
    return rc;
}

int backup_s3_list(struct backup_xfer *x, const char *prefix,
                   int (*fn)(void *ctx, const struct backup_s3_object *o), void *ctx, char *err,
                   size_t errlen)
{
    char token[1024] = "";
    char *enc_prefix = aws_uri_encode(prefix, 0);
    int rc = -1, truncated = 1;

    if (!enc_prefix) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    while (truncated) {
        char *enc_token = aws_uri_encode(token, 0);
        char query[2048];
        struct backup_req *r;
        int page;

        if (!enc_token)
            goto out;
        snprintf(query, sizeof query, "list-type=2&prefix=%s%s%s", enc_prefix,
                 token[0] ? "&continuation-token=" : "", token[0] ? enc_token : "");
        free(enc_token);
        r = backup_req_new("GET", NULL, query);
        if (!r) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        if (backup_xfer_call(x, r) != AWS_OK) {
            failed(r, err, errlen);
            backup_req_free(r);
            goto out;
        }
        page = backup_s3_list_page(r->resp, r->resp_len, fn, ctx, token, sizeof token, &truncated,
                                   err, errlen);
        backup_req_free(r);
        if (page < 0)
            goto out;
        if (page > 0)
            break; /* fn stopped the listing */
    }
    rc = 0;
out:
    free(enc_prefix);
    return rc;
}

int backup_s3_delete_many(struct backup_xfer *x, char **keys, size_t n, char *err, size_t errlen)
{
    for (size_t at = 0; at < n; at += DELETE_BATCH) {
        size_t end = at + DELETE_BATCH < n ? at + DELETE_BATCH : n;
        struct fc_buf body = {0};
        struct backup_req *r;
        xmlDoc *doc;
        xmlNode *root;

        fc_buf_puts(
            &body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                   "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>");
        for (size_t i = at; i < end; i++) {
            fc_buf_puts(&body, "<Object><Key>");
            backup_buf_xml(&body, keys[i]);
            fc_buf_puts(&body, "</Key></Object>");
        }
        fc_buf_puts(&body, "</Delete>");
        r = body.err ? NULL : backup_req_new("POST", NULL, "delete");
        if (!r || backup_req_header(r, "Content-Type", "application/xml") ||
            backup_req_content_md5(r, body.p, body.len) || add_checksum(r, body.p, body.len)) {
            snprintf(err, errlen, "out of memory");
            free(body.p);
            backup_req_free(r);
            return -1;
        }
        backup_req_body(r, body.p, body.len, 1);
        if (backup_xfer_call(x, r) != AWS_OK) {
            failed(r, err, errlen);
            backup_req_free(r);
            return -1;
        }
        doc = parse_xml(r->resp, r->resp_len);
        backup_req_free(r);
        root = doc ? xmlDocGetRootElement(doc) : NULL;
        if (!root) {
            snprintf(err, errlen, "the DeleteObjects answer is not XML");
            xmlFreeDoc(doc);
            return -1;
        }
        for (xmlNode *c = root->children; c; c = c->next) {
            char key[1100], code[128];
            if (!is_el(c, "Error"))
                continue;
            child_text(c, "Key", key, sizeof key);
            child_text(c, "Code", code, sizeof code);
            snprintf(err, errlen, "cannot delete %s: %s", key, code);
            xmlFreeDoc(doc);
            return -1;
        }
        xmlFreeDoc(doc);
    }
    return 0;
}

int backup_s3_bucket_exists(struct backup_xfer *x, char *err, size_t errlen)
{
    struct backup_req *r = backup_req_new("HEAD", NULL, NULL);
    int rc = -1;

    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (backup_xfer_call(x, r) == AWS_OK)
        rc = 0;
    else if (is_not_found(r))
        rc = BACKUP_NOTFOUND;
    else
        failed(r, err, errlen);
    backup_req_free(r);
    return rc;
}

int backup_s3_bucket_create(struct backup_xfer *x, const char *region, char *err, size_t errlen)
{
    struct backup_req *r = backup_req_new("PUT", NULL, NULL);
    char body[512];
    int rc = -1;

    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (region && strcmp(region, "us-east-1")) {
        size_t n = (size_t)snprintf(
            body, sizeof body,
            "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<LocationConstraint>%s</LocationConstraint></CreateBucketConfiguration>",
            region);
        char *copy = strdup(body);
        if (!copy) {
            backup_req_free(r);
            return -1;
        }
        backup_req_body(r, copy, n, 1);
    }
    if (backup_xfer_call(x, r) == AWS_OK || !strcmp(r->err.code, "BucketAlreadyOwnedByYou"))
        rc = 0;
    else
        failed(r, err, errlen);
    backup_req_free(r);
    return rc;
}

int backup_s3_bucket_versioning(struct backup_xfer *x, char *err, size_t errlen)
{
    static const char conf[] =
        "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<Status>Enabled</Status></VersioningConfiguration>";
    struct backup_req *r = backup_req_new("PUT", NULL, "versioning");
    char *copy = strdup(conf);
    int rc = -1;

    if (!r || !copy || backup_req_content_md5(r, conf, strlen(conf))) {
        free(copy);
        backup_req_free(r);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    backup_req_body(r, copy, strlen(conf), 1);
    if (backup_xfer_call(x, r) == AWS_OK)
        rc = 0;
    else
        failed(r, err, errlen);
    backup_req_free(r);
    return rc;
}

int backup_s3_abort_stale_uploads(struct backup_xfer *x, const char *prefix, long older_than)
{
    char *enc = aws_uri_encode(prefix, 0), query[1200];
    struct backup_req *r;
    xmlDoc *doc;
    xmlNode *root;
    int n = 0;

    if (!enc)
        return -1;
    snprintf(query, sizeof query, "uploads&prefix=%s", enc);
    free(enc);
    r = backup_req_new("GET", NULL, query);
    if (!r)
        return -1;
    if (backup_xfer_call(x, r) != AWS_OK) {
        backup_req_free(r);
        return -1;
    }
    doc = parse_xml(r->resp, r->resp_len);
    backup_req_free(r);
    root = doc ? xmlDocGetRootElement(doc) : NULL;
    for (xmlNode *c = root ? root->children : NULL; c; c = c->next) {
        char key[1100], id[512], init[64], q[700];
        struct backup_req *d;
        char *eid;
        if (!is_el(c, "Upload"))
            continue;
        child_text(c, "Key", key, sizeof key);
        child_text(c, "UploadId", id, sizeof id);
        child_text(c, "Initiated", init, sizeof init);
        if (older_than > 0 && time(NULL) - backup_parse_iso_time(init) < older_than)
            continue;
        eid = aws_uri_encode(id, 0);
        if (!eid)
            continue;
        snprintf(q, sizeof q, "uploadId=%s", eid);
        free(eid);
        d = backup_req_new("DELETE", key, q);
        if (d && backup_xfer_call(x, d) == AWS_OK)
            n++;
        backup_req_free(d);
    }
    xmlFreeDoc(doc);
    return n;
}
