/* backup/upload: checksummed PUTs and parallel, journaled (resumable) multipart uploads. */
#include "backup/backup.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#define HASH_CHUNK (1u << 20)
/* Files up to this size are read once: hashed and uploaded from memory. */
#define SMALL_FILE (1u << 20)

void backup_uploader_init(struct backup_uploader *u, struct backup_xfer *x,
                          struct backup_cache *cache, const struct backup_crypto *cr,
                          const struct backup_opts *o, struct backup_progress *pr)
{
    memset(u, 0, sizeof(*u));
    u->x = x;
    u->cache = cache;
    u->cr = cr;
    u->threshold = o->threshold;
    u->part_size = o->part_size;
    if (u->part_size < BACKUP_SEG)
        u->part_size = BACKUP_SEG;
    u->part_size -= u->part_size % BACKUP_SEG; /* sealed parts hold whole segments */
    if (u->threshold < 1)
        u->threshold = 1;
    u->mem_limit = BACKUP_PART_MEMORY;
    if (u->mem_limit < 2 * u->part_size)
        u->mem_limit = 2 * u->part_size;
    u->pr = pr;
}

int backup_up_room(const struct backup_uploader *u)
{
    return u->mem_inflight < u->mem_limit;
}

void backup_upjob_free(struct backup_upjob *j)
{
    if (!j)
        return;
    free(j->key);
    free(j->src);
    free(j->mem);
    free(j->etags);
    free(j->sums);
    free(j->part_sha);
    if (j->fd >= 0)
        close(j->fd);
    free(j);
}

static int read_full(int fd, void *buf, size_t n, uint64_t off)
{
    unsigned char *p = buf;

    while (n) {
        ssize_t got = pread(fd, p, n, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        p += got;
        n -= (size_t)got;
        off += (uint64_t)got;
    }
    return 0;
}

/* Reads what comes (at most n bytes) from fd into buf and adds it to md: the bytes read (0 at
 * the end), or -1 on an error. */
static ssize_t read_hash(int fd, void *buf, size_t n, EVP_MD_CTX *md)
{
    ssize_t got;

    do
        got = read(fd, buf, n);
    while (got < 0 && errno == EINTR);
    if (got > 0 && !EVP_DigestUpdate(md, buf, (size_t)got))
        return -1;
    return got;
}

int backup_hash_file(const char *path, uint64_t small, char sha[65], unsigned char **keep,
                     uint64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc = -1, keeping = 0;
    EVP_MD_CTX *md = NULL;
    unsigned char *buf = NULL, digest[32];
    uint64_t total = 0;
    size_t cap;
    struct stat st;

    if (keep)
        *keep = NULL;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st))
        goto out;
    if (keep && (uint64_t)st.st_size <= small) {
        keeping = 1;
        cap = (size_t)st.st_size + 1;
    } else {
        cap = HASH_CHUNK;
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    buf = malloc(cap);
    md = EVP_MD_CTX_new();
    if (!buf || !md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
        goto out;
    for (;;) {
        unsigned char *at = keeping ? buf + total : buf;
        size_t room = keeping ? cap - (size_t)total : cap;
        ssize_t got;
        if (keeping && room == 0) {
            /* The file grew since it was listed: hash on, but do not keep it. */
            unsigned char *p = cap < HASH_CHUNK ? realloc(buf, HASH_CHUNK) : buf;
            if (!p)
                goto out;
            buf = p;
            cap = cap < HASH_CHUNK ? HASH_CHUNK : cap;
            keeping = 0;
            continue;
        }
        if ((got = read_hash(fd, at, room, md)) < 0)
            goto out;
        if (got == 0)
            break;
        total += (uint64_t)got;
    }
    if (!EVP_DigestFinal_ex(md, digest, NULL))
        goto out;
    fc_hex(sha, digest, 32);
    *size = total;
    if (keeping) {
        *keep = buf;
        buf = NULL;
    }
    rc = 0;
out:
    EVP_MD_CTX_free(md);
    free(buf);
    close(fd);
    return rc;
}

/* One reader: the whole file's SHA-256, or the SHA-256 of each part. */
struct hash_pass {
    const char *path;
    uint64_t part_size; /* 0: the whole file */
    unsigned char (*parts)[32];
    int nparts;
    unsigned char whole[32];
    uint64_t size;
    int failed;
};

static void *hash_pass(void *arg)
{
    struct hash_pass *h = arg;
    int fd = open(h->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    unsigned char *buf = malloc(HASH_CHUNK);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint64_t in_part = 0;
    int part = 0;

    h->failed = 1;
    if (fd < 0 || !buf || !md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
        goto out;
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    for (;;) {
        ssize_t got;
        size_t want = HASH_CHUNK;
        if (h->part_size && h->part_size - in_part < want)
            want = (size_t)(h->part_size - in_part);
        if ((got = read_hash(fd, buf, want, md)) < 0)
            goto out;
        if (got == 0)
            break;
        h->size += (uint64_t)got;
        in_part += (uint64_t)got;
        if (h->part_size && in_part == h->part_size) {
            if (part >= h->nparts || !EVP_DigestFinal_ex(md, h->parts[part++], NULL) ||
                !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
                goto out;
            in_part = 0;
        }
    }
    if (!h->part_size) {
        if (!EVP_DigestFinal_ex(md, h->whole, NULL))
            goto out;
    } else if (in_part) {
        if (part >= h->nparts || !EVP_DigestFinal_ex(md, h->parts[part++], NULL))
            goto out;
    }
    h->failed = h->part_size && part != h->nparts;
out:
    EVP_MD_CTX_free(md);
    free(buf);
    if (fd >= 0)
        close(fd);
    return NULL;
}

int backup_hash_file_parts(const char *path, uint64_t part_size, uint64_t expect, char sha[65],
                           unsigned char (**parts)[32], uint64_t *size)
{
    struct hash_pass whole = {.path = path}, each = {.path = path, .part_size = part_size};
    pthread_t t;
    int threaded;

    *parts = NULL;
    each.nparts = (int)((expect + part_size - 1) / part_size);
    each.parts = calloc(each.nparts ? (size_t)each.nparts : 1, 32);
    if (!each.parts)
        return -1;
    /* Two readers of the same (cached) file on two cores: the whole-file hash and the parts'
     * hashes take the time of one. */
    threaded = pthread_create(&t, NULL, hash_pass, &each) == 0;
    hash_pass(&whole);
    if (threaded)
        pthread_join(t, NULL);
    if (whole.failed) {
        free(each.parts);
        return -1;
    }
    fc_hex(sha, whole.whole, 32);
    *size = whole.size;
    if (!threaded || each.failed || each.size != whole.size || whole.size != expect)
        free(each.parts); /* changed meanwhile: the parts are hashed as they are sent */
    else
        *parts = each.parts;
    return 0;
}

/* ---- completion ------------------------------------------------------------------ */

static void finish(struct backup_upjob *j, int ok)
{
    struct backup_uploader *u = j->u;

    if (j->fd >= 0) {
        close(j->fd);
        j->fd = -1;
    }
    u->jobs_active--;
    if (ok && u->pr)
        u->pr->files_done++;
    j->done(j, ok);
}

static void set_error(struct backup_upjob *j, const char *what, struct backup_req *r)
{
    char buf[700];

    if (j->error[0])
        return;
    if (r)
        snprintf(j->error, sizeof j->error, "%s %s: %s", what, j->key,
                 backup_req_strerror(r, buf, sizeof buf));
    else
        snprintf(j->error, sizeof j->error, "%s %s", what, j->src ? j->src : j->key);
}

/* Adds x-amz-checksum-sha256 and the payload hash of a memory body. */
static int checksum(struct backup_req *r, const unsigned char *body, size_t len, char b64[48])
{
    unsigned char md[32];

    if (!EVP_Digest(len ? body : (const unsigned char *)"", len, md, NULL, EVP_sha256(), NULL))
        return -1;
    fc_hex(r->payload_hash, md, 32);
    backup_base64(md, 32, b64);
    return backup_req_header(r, "x-amz-checksum-sha256", b64);
}

/* ---- one PUT ----------------------------------------------------------------------- */

static void single_done(struct backup_req *r)
{
    struct backup_upjob *j = r->ctx;
    struct backup_uploader *u = j->u;
    int ok = r->rc == AWS_OK;

    if (r->body && r->fd < 0)
        u->mem_inflight -= r->body_len;
    if (ok) {
        j->stored = r->body_len;
        if (u->pr)
            u->pr->bytes_done += j->size;
    } else {
        set_error(j, "cannot upload", r);
    }
    if (r->body == j->mem)
        r->body = NULL; /* the job's buffer: freed with the job */
    backup_req_free(r);
    finish(j, ok);
}

static int start_single(struct backup_uploader *u, struct backup_upjob *j)
{
    struct backup_req *r = backup_req_new("PUT", j->key, NULL);
    unsigned char *plain = j->mem, *sealed = NULL, raw[32];
    size_t sealed_len = 0;
    char b64[48];

    if (!r)
        goto fail;
    if (j->encrypt) {
        if (!plain) {
            plain = malloc(j->size ? j->size : 1);
            if (!plain || read_full(j->fd, plain, (size_t)j->size, 0)) {
                free(plain);
                set_error(j, "cannot read", NULL);
                goto fail;
            }
        }
        backup_content_nonce(u->cr, j->sha, j->nonce);
        if (backup_seal_range(u->cr, j->nonce, plain, (size_t)j->size, 0, 1, &sealed,
                              &sealed_len)) {
            if (plain != j->mem)
                free(plain);
            goto fail;
        }
        if (plain != j->mem)
            free(plain);
        backup_req_body(r, sealed, sealed_len, 1);
        if (checksum(r, sealed, sealed_len, b64))
            goto fail;
        u->mem_inflight += sealed_len;
    } else if (j->mem) {
        backup_req_body(r, j->mem, (size_t)j->size, 0);
        fc_strlcpy(r->payload_hash, j->sha, sizeof r->payload_hash);
        fc_unhex(raw, sizeof raw, j->sha);
        backup_base64(raw, 32, b64);
        if (backup_req_header(r, "x-amz-checksum-sha256", b64))
            goto fail;
        u->mem_inflight += j->size;
    } else {
        /* Streamed from the file: the content hash is the payload hash, so S3 refuses the
         * body if the file changed since it was hashed. */
        backup_req_body_file(r, j->fd, 0, j->size);
        fc_strlcpy(r->payload_hash, j->sha, sizeof r->payload_hash);
        fc_unhex(raw, sizeof raw, j->sha);
        backup_base64(raw, 32, b64);
        if (backup_req_header(r, "x-amz-checksum-sha256", b64))
            goto fail;
    }
    r->done = single_done;
    r->ctx = j;
    backup_xfer_submit(u->x, r);
    return 1;
fail:
    if (r && r->body == j->mem)
        r->body = NULL;
    backup_req_free(r);
    set_error(j, "cannot prepare the upload of", NULL);
    finish(j, 0);
    return 0;
}

/* ---- multipart ---------------------------------------------------------------------- */

uint64_t backup_up_part_size(const struct backup_uploader *u, uint64_t size)
{
    uint64_t ps = u->part_size;

    if ((size + ps - 1) / ps > BACKUP_MAX_PARTS) {
        ps = (size + BACKUP_MAX_PARTS - 1) / BACKUP_MAX_PARTS;
        ps = (ps + BACKUP_SEG - 1) / BACKUP_SEG * BACKUP_SEG;
    }
    return ps;
}

static uint64_t job_part_size(const struct backup_uploader *u, const struct backup_upjob *j)
{
    return backup_up_part_size(u, j->size);
}

static void mpu_list_add(struct backup_uploader *u, struct backup_upjob *j)
{
    j->next_mpu = u->mpu;
    u->mpu = j;
}

static void mpu_list_del(struct backup_uploader *u, struct backup_upjob *j)
{
    for (struct backup_upjob **pp = &u->mpu; *pp; pp = &(*pp)->next_mpu)
        if (*pp == j) {
            *pp = j->next_mpu;
            j->next_mpu = NULL;
            return;
        }
}

static int submit_create(struct backup_uploader *u, struct backup_upjob *j);

/* Restarts a multipart upload the service no longer knows (aborted, expired): once. */
static int restart(struct backup_upjob *j)
{
    if (j->restarted)
        return 0;
    j->restarted = 1;
    j->failed = 0;
    j->error[0] = '\0';
    if (j->u->cache)
        backup_cache_mpu_del(j->u->cache, j->journal);
    mpu_list_del(j->u, j);
    return submit_create(j->u, j);
}

static void complete_done(struct backup_req *r)
{
    struct backup_upjob *j = r->ctx;
    char code[128];
    int ok = r->rc == AWS_OK;

    /* CompleteMultipartUpload may answer 200 with an <Error> body. */
    if (ok && !backup_xml_text(r->resp, r->resp_len, "Error", "Code", code, sizeof code)) {
        ok = 0;
        fc_strlcpy(r->err.code, code, sizeof r->err.code);
        r->err.http_status = r->status;
    }
    if (!ok && (!strcmp(r->err.code, "NoSuchUpload") || !strcmp(r->err.code, "InvalidPart"))) {
        backup_req_free(r);
        if (restart(j))
            return;
        set_error(j, "cannot complete the upload of", NULL);
        finish(j, 0);
        return;
    }
    if (ok) {
        if (j->u->cache)
            backup_cache_mpu_del(j->u->cache, j->journal);
    } else {
        set_error(j, "cannot complete the upload of", r);
    }
    backup_req_free(r);
    finish(j, ok);
}

static void submit_complete(struct backup_upjob *j)
{
    struct fc_buf b = {0};
    struct backup_req *r = NULL;
    char num[32], *eid = aws_uri_encode(j->upload_id, 0), *q = NULL;

    fc_buf_puts(&b, "<CompleteMultipartUpload "
                    "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    for (int i = 0; i < j->nparts; i++) {
        snprintf(num, sizeof num, "%d", i + 1);
        fc_buf_puts(&b, "<Part><PartNumber>");
        fc_buf_puts(&b, num);
        fc_buf_puts(&b, "</PartNumber><ETag>");
        backup_buf_xml(&b, j->etags[i]);
        fc_buf_puts(&b, "</ETag><ChecksumSHA256>");
        fc_buf_puts(&b, j->sums[i]);
        fc_buf_puts(&b, "</ChecksumSHA256></Part>");
    }
    fc_buf_puts(&b, "</CompleteMultipartUpload>");
    if (!eid || b.err || asprintf(&q, "uploadId=%s", eid) < 0 ||
        !(r = backup_req_new("POST", j->key, q)) ||
        backup_req_header(r, "Content-Type", "application/xml") ||
        backup_req_content_md5(r, b.p, b.len)) {
        free(b.p);
        free(eid);
        free(q);
        backup_req_free(r);
        set_error(j, "out of memory completing", NULL);
        finish(j, 0);
        return;
    }
    free(eid);
    free(q);
    backup_req_body(r, b.p, b.len, 1);
    r->done = complete_done;
    r->ctx = j;
    backup_xfer_submit(j->u->x, r);
}

static void part_done(struct backup_req *r)
{
    struct backup_upjob *j = r->ctx;
    struct backup_uploader *u = j->u;
    int k = (int)r->tag;
    const char *etag = aws_headers_get(&r->headers, "ETag");

    if (r->fd < 0)
        u->mem_inflight -= r->body_len;
    j->inflight--;
    if (r->rc == AWS_OK && etag && *etag) {
        uint64_t ps = job_part_size(u, j), off = (uint64_t)k * ps;
        fc_strlcpy(j->etags[k], etag, sizeof j->etags[k]);
        if (u->cache)
            backup_cache_mpu_part(u->cache, j->journal, k + 1, j->etags[k], j->sums[k]);
        j->parts_done++;
        if (u->pr)
            u->pr->bytes_done += j->size - off < ps ? j->size - off : ps;
    } else {
        if (r->rc == AWS_E_HTTP && !strcmp(r->err.code, "NoSuchUpload") && !j->restarted)
            j->failed = 2; /* gone: start over when the other parts are back */
        else {
            j->failed = 1;
            set_error(j, "cannot upload a part of", r);
        }
    }
    backup_req_free(r);
    if (j->failed) {
        if (j->inflight > 0)
            return; /* the others first */
        mpu_list_del(u, j);
        if (j->failed == 2 && restart(j))
            return;
        set_error(j, "cannot upload", NULL);
        finish(j, 0);
        return;
    }
    if (j->parts_done == j->nparts) {
        mpu_list_del(u, j);
        submit_complete(j);
    }
}

static int submit_part(struct backup_uploader *u, struct backup_upjob *j, int k)
{
    uint64_t ps = job_part_size(u, j), off = (uint64_t)k * ps;
    size_t len = (size_t)(j->size - off < ps ? j->size - off : ps);
    unsigned char *plain = malloc(len ? len : 1), *body = NULL;
    size_t body_len = 0;
    struct backup_req *r = NULL;
    char q[700], *eid = aws_uri_encode(j->upload_id, 0);

    if (j->part_sha && !j->encrypt) {
        /* Hashed with the file: streamed from it, nothing held in memory. */
        free(plain);
        plain = NULL;
        snprintf(q, sizeof q, "partNumber=%d&uploadId=%s", k + 1, eid ? eid : "");
        r = eid ? backup_req_new("PUT", j->key, q) : NULL;
        if (!r)
            goto fail;
        backup_req_body_file(r, j->fd, off, len);
        fc_hex(r->payload_hash, j->part_sha[k], 32);
        backup_base64(j->part_sha[k], 32, j->sums[k]);
        if (backup_req_header(r, "x-amz-checksum-sha256", j->sums[k]))
            goto fail;
        r->done = part_done;
        r->ctx = j;
        r->tag = k;
        j->inflight++;
        backup_xfer_submit(u->x, r);
        free(eid);
        return 1;
    }
    if (!plain || !eid || read_full(j->fd, plain, len, off)) {
        set_error(j, "cannot read", NULL);
        goto fail;
    }
    if (j->encrypt) {
        if (backup_seal_range(u->cr, j->nonce, plain, len, off / BACKUP_SEG, k == j->nparts - 1,
                              &body, &body_len))
            goto fail;
        free(plain);
    } else {
        body = plain;
        body_len = len;
    }
    plain = NULL;
    snprintf(q, sizeof q, "partNumber=%d&uploadId=%s", k + 1, eid);
    r = backup_req_new("PUT", j->key, q);
    if (!r)
        goto fail;
    backup_req_body(r, body, body_len, 1);
    body = NULL;
    if (checksum(r, r->body, body_len, j->sums[k]))
        goto fail;
    r->done = part_done;
    r->ctx = j;
    r->tag = k;
    u->mem_inflight += body_len;
    j->inflight++;
    backup_xfer_submit(u->x, r);
    free(eid);
    return 1;
fail:
    free(eid);
    free(plain);
    free(body);
    backup_req_free(r);
    j->failed = 1;
    set_error(j, "cannot prepare a part of", NULL);
    if (j->inflight == 0) {
        mpu_list_del(u, j);
        finish(j, 0);
    }
    return 0;
}

int backup_up_feed(struct backup_uploader *u)
{
    for (struct backup_upjob *j = u->mpu; j; j = j->next_mpu) {
        uint64_t ps = job_part_size(u, j);
        if (j->failed)
            continue;
        while (j->next_part < j->nparts && j->etags[j->next_part][0])
            j->next_part++; /* uploaded before an interruption */
        if (j->next_part >= j->nparts) {
            if (j->inflight == 0 && j->parts_done == j->nparts) {
                mpu_list_del(u, j);
                submit_complete(j);
                return 1;
            }
            continue;
        }
        if (!(j->part_sha && !j->encrypt) && u->mem_inflight && u->mem_inflight + ps > u->mem_limit)
            return 0;
        return submit_part(u, j, j->next_part++);
    }
    return 0;
}

static void create_done(struct backup_req *r)
{
    struct backup_upjob *j = r->ctx;
    struct backup_uploader *u = j->u;
    struct backup_mpu m;

    if (r->rc != AWS_OK ||
        backup_xml_text(r->resp, r->resp_len, "InitiateMultipartUploadResult", "UploadId",
                        j->upload_id, sizeof j->upload_id) ||
        !j->upload_id[0]) {
        set_error(j, "cannot start the multipart upload of", r);
        backup_req_free(r);
        finish(j, 0);
        return;
    }
    backup_req_free(r);
    memset(j->etags, 0, (size_t)j->nparts * sizeof(*j->etags));
    memset(j->sums, 0, (size_t)j->nparts * sizeof(*j->sums));
    j->next_part = j->parts_done = 0;
    if (u->cache) {
        memset(&m, 0, sizeof m);
        fc_strlcpy(m.id, j->journal, sizeof m.id);
        fc_strlcpy(m.upload_id, j->upload_id, sizeof m.upload_id);
        m.part_size = job_part_size(u, j);
        m.size = j->size;
        m.nparts = j->nparts;
        backup_cache_mpu_start(u->cache, &m);
    }
    mpu_list_add(u, j);
}

static int submit_create(struct backup_uploader *u, struct backup_upjob *j)
{
    struct backup_req *r = backup_req_new("POST", j->key, "uploads");

    if (!r || backup_req_header(r, "x-amz-checksum-algorithm", "SHA256")) {
        backup_req_free(r);
        set_error(j, "out of memory starting", NULL);
        finish(j, 0);
        return 0;
    }
    r->done = create_done;
    r->ctx = j;
    backup_xfer_submit(u->x, r);
    return 1;
}

static int start_multipart(struct backup_uploader *u, struct backup_upjob *j)
{
    uint64_t ps = job_part_size(u, j);
    struct backup_mpu m;

    j->multipart = 1;
    j->nparts = (int)((j->size + ps - 1) / ps);
    j->stored = j->encrypt ? backup_enc_size(j->size) : j->size;
    if (j->encrypt)
        backup_content_nonce(u->cr, j->sha, j->nonce);
    j->etags = calloc((size_t)j->nparts, sizeof(*j->etags));
    j->sums = calloc((size_t)j->nparts, sizeof(*j->sums));
    if (!j->etags || !j->sums) {
        set_error(j, "out of memory uploading", NULL);
        finish(j, 0);
        return 0;
    }
    memset(&m, 0, sizeof m);
    if (u->cache && backup_cache_mpu_get(u->cache, j->journal, &m) == FC_OK) {
        if (m.size == j->size && m.part_size == ps && m.nparts == j->nparts) {
            /* Resume: the parts that landed before the interruption are not sent again. */
            fc_strlcpy(j->upload_id, m.upload_id, sizeof j->upload_id);
            for (int i = 0; i < j->nparts; i++) {
                memcpy(j->etags[i], m.etags[i], sizeof j->etags[i]);
                memcpy(j->sums[i], m.sums[i], sizeof j->sums[i]);
                if (j->etags[i][0]) {
                    j->parts_done++;
                    if (u->pr)
                        u->pr->bytes_done +=
                            j->size - (uint64_t)i * ps < ps ? j->size - (uint64_t)i * ps : ps;
                }
            }
            free(m.etags);
            free(m.sums);
            mpu_list_add(u, j);
            return 0;
        }
        free(m.etags);
        free(m.sums);
    }
    return submit_create(u, j);
}

struct backup_upjob *backup_upjob_new(const char *key, const char *src, const char *sha,
                                      uint64_t size, unsigned char *mem,
                                      unsigned char (*part_sha)[32],
                                      void (*done)(struct backup_upjob *j, int ok), void *ctx)
{
    struct backup_upjob *j = calloc(1, sizeof(*j));

    if (!j) {
        free(mem);
        free(part_sha);
        return NULL;
    }
    j->fd = -1;
    j->key = strdup(key);
    j->src = strdup(src);
    j->mem = mem;
    j->part_sha = part_sha;
    j->size = size;
    fc_strlcpy(j->sha, sha, sizeof j->sha);
    j->done = done;
    j->ctx = ctx;
    if (!j->key || !j->src) {
        backup_upjob_free(j);
        return NULL;
    }
    return j;
}

int backup_up_start(struct backup_uploader *u, struct backup_upjob *j)
{
    j->u = u;
    u->jobs_active++;
    if (!j->mem || j->size >= u->threshold) {
        j->fd = open(j->src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (j->fd < 0) {
            set_error(j, "cannot open", NULL);
            finish(j, 0);
            return 0;
        }
    }
    if (j->size >= u->threshold)
        return start_multipart(u, j);
    j->stored = j->encrypt ? backup_enc_size(j->size) : j->size;
    return start_single(u, j);
}

int backup_up_hash(const struct backup_uploader *u, struct backup_entry *e, unsigned char **content,
                   unsigned char (**part_sha)[32], uint64_t *size)
{
    if (e->size >= u->threshold && !u->cr->on)
        return backup_hash_file_parts(e->src, backup_up_part_size(u, e->size), e->size, e->sha,
                                      part_sha, size);
    return backup_hash_file(e->src, SMALL_FILE, e->sha, content, size);
}

int backup_up_feed_files(struct backup_uploader *u, struct backup_manifest *m, size_t *next,
                         int *failures, backup_up_file_fn file, void *ctx)
{
    for (;;) {
        struct backup_entry *e;
        struct backup_upjob *j = NULL;
        int n;

        if (backup_up_feed(u))
            return 1;
        if (!backup_up_room(u) || *next >= m->n || *failures)
            return 0;
        e = &m->e[(*next)++];
        if (e->type != BACKUP_FILE)
            continue;
        if (file(ctx, e, &j)) {
            (*failures)++;
            return 0;
        }
        if (!j)
            continue;
        n = backup_up_start(u, j);
        if (n > 0)
            return n;
    }
}
