/* Fuzz harness: what the S3 backups read back from the bucket: ListObjectsV2 pages
 * (backup_s3_list_page), the XML of errors and multipart starts (backup_xml_text), S3 times,
 * and the repository's config object (backup/repo.c, included to reach load_config). First
 * byte: the reader; the rest: the body. */
#include "../../cgi/backup/repo.c"

#include "fuzz.h"

static int count_object(void *ctx, const struct backup_s3_object *o)
{
    unsigned *n = ctx;
    if (!o->key || !o->etag)
        abort();
    return ++*n >= 500; /* a caller that stops early */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char hex_key[] =
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    struct fuzz_in in = {(const char *)data, size};
    unsigned mode = fuzz_byte(&in) % 5;
    char *body = malloc(in.n + 1), err[256] = "", token[1024] = "", out[512];
    unsigned n = 0;
    int truncated = -1;

    if (!body)
        abort();
    memcpy(body, in.p, in.n);
    body[in.n] = '\0';
    if (mode == 0) {
        int rc = backup_s3_list_page(body, in.n, count_object, &n, token, sizeof token, &truncated,
                                     err, sizeof err);
        if (rc == 0 && truncated && !token[0])
            abort();
        if (rc < 0 && !err[0])
            abort();
    } else if (mode == 1) {
        backup_xml_text(body, in.n, "Error", "Code", out, sizeof out);
        backup_xml_text(body, in.n, "InitiateMultipartUploadResult", "UploadId", out, sizeof out);
    } else if (mode == 2) {
        backup_parse_iso_time(body);
    } else {
        struct backup_opts o;
        struct backup_repo r;
        char id[64];
        memset(&o, 0, sizeof o);
        memset(&r, 0, sizeof r);
        strcpy(o.bucket, "forkcast-backups");
        strcpy(o.prefix, "fuzz");
        r.o = &o;
        load_config(&r, body, mode == 4 ? hex_key : NULL, id, sizeof id);
        backup_crypto_wipe(&r.cr);
    }
    free(body);
    return 0;
}
