/* Fuzz harness: backup manifests and sealed objects as read back from S3 (backup/manifest.c,
 * backup/crypt.c). First byte: 0: the rest is the stored manifest (gzip, no key); 1: the rest
 * is the manifest's JSON, gzip'ed here; 2: the rest is a sealed manifest (fixed key); 3: JSON
 * gzip'ed and sealed here; 4: the rest is a sealed object fed to the streaming opener in
 * pieces. */
#include <zlib.h>

#include "backup/backup.h"
#include "core/util.h"
#include "fuzz.h"

static struct backup_crypto cr = {.on = 1};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    memset(cr.enc_key, 0x42, sizeof cr.enc_key);
    memset(cr.id_key, 0x24, sizeof cr.id_key);
    return 0;
}

static unsigned char *gz(const char *in, size_t n, size_t *outlen)
{
    z_stream zs;
    size_t cap = n + n / 100 + 64;
    unsigned char *buf = malloc(cap);
    memset(&zs, 0, sizeof zs);
    if (!buf || deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)n;
    zs.next_out = buf;
    zs.avail_out = (uInt)cap;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
        abort();
    *outlen = zs.total_out;
    deflateEnd(&zs);
    return buf;
}

static int sink(void *ctx, const void *p, size_t n)
{
    size_t *total = ctx;
    (void)p;
    *total += n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {(const char *)data, size};
    unsigned mode = fuzz_byte(&in) % 5;
    struct backup_manifest m;
    unsigned char *buf = NULL, *sealed = NULL;
    size_t len = 0, slen = 0;

    if (mode == 4) {
        size_t total = 0, chunk = 1 + in.n % 97;
        struct backup_opener *o = backup_opener_new(&cr, sink, &total);
        int bad = 0;
        if (!o)
            abort();
        for (size_t off = 0; off < in.n && !bad; off += chunk)
            bad = backup_opener_feed(o, in.p + off, in.n - off < chunk ? in.n - off : chunk) != 0;
        if (!bad && backup_opener_finish(o) == 0 && total > in.n)
            abort(); /* the plaintext is never longer than the sealed form */
        backup_opener_free(o);
        return 0;
    }
    if (mode == 1 || mode == 3) {
        buf = gz(in.p, in.n, &len);
    } else {
        buf = malloc(in.n ? in.n : 1);
        if (!buf)
            abort();
        memcpy(buf, in.p, in.n);
        len = in.n;
    }
    if (mode == 3) {
        if (backup_seal(&cr, buf, len, &sealed, &slen))
            abort();
        free(buf);
        buf = sealed;
        len = slen;
    }
    if (backup_manifest_decode(buf, len, mode >= 2 ? &cr : NULL, &m) == 0) {
        char *summary = backup_manifest_summary(&m);
        unsigned char *enc = NULL;
        size_t elen = 0;
        struct backup_manifest back;
        /* what was read can be written and read again */
        if (!summary || backup_manifest_encode(&m, NULL, &enc, &elen) ||
            backup_manifest_decode(enc, elen, NULL, &back) || back.n != m.n)
            abort();
        backup_manifest_free(&back);
        free(enc);
        free(summary);
        backup_manifest_free(&m);
    }
    free(buf);
    return 0;
}
