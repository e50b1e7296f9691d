/* backup/crypt: client-side AES-256-GCM in 64 KiB segments, keys and object ids. */
#include "backup/backup.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

static const char MAGIC[8] = {'F', 'C', 'B', 'K', 'E', 'N', 'C', '1'};

#define SCRYPT_N 32768u
#define SCRYPT_R 8u
#define SCRYPT_P 1u

uint64_t backup_enc_size(uint64_t plain)
{
    uint64_t nseg = plain ? (plain + BACKUP_SEG - 1) / BACKUP_SEG : 1;

    return BACKUP_HDR + plain + nseg * BACKUP_TAG;
}

static void hmac(const unsigned char key[32], const void *data, size_t n, unsigned char out[32])
{
    unsigned int len = 32;

    HMAC(EVP_sha256(), key, 32, data, n, out, &len);
}

void backup_object_id(const struct backup_crypto *cr, const char *sha, char out[65])
{
    unsigned char raw[32], mac[32];

    if (!cr || !cr->on) {
        fc_strlcpy(out, sha, 65);
        return;
    }
    fc_unhex(raw, sizeof raw, sha);
    hmac(cr->id_key, raw, sizeof raw, mac);
    fc_hex(out, mac, sizeof mac);
}

void backup_content_nonce(const struct backup_crypto *cr, const char *sha, unsigned char n[12])
{
    unsigned char in[5 + 32], mac[32];

    memcpy(in, "nonce", 5);
    fc_unhex(in + 5, 32, sha);
    hmac(cr->id_key, in, sizeof in, mac);
    memcpy(n, mac, 12);
}

static void seg_nonce(const unsigned char base[12], uint64_t seg, unsigned char out[12])
{
    memcpy(out, base, 12);
    out[8] ^= (unsigned char)(seg >> 24);
    out[9] ^= (unsigned char)(seg >> 16);
    out[10] ^= (unsigned char)(seg >> 8);
    out[11] ^= (unsigned char)seg;
}

/* Seals or opens one segment (in -> out, n bytes) with its tag. 0 or -1. */
static int gcm(EVP_CIPHER_CTX *ctx, int enc, const unsigned char key[32],
               const unsigned char base[12], uint64_t seg, int final, const unsigned char *in,
               size_t n, unsigned char *out, unsigned char tag[16])
{
    unsigned char nonce[12], aad = (unsigned char)(final ? 1 : 0);
    int len = 0;

    seg_nonce(base, seg, nonce);
    if (n > 0x7fffffff || !EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce, enc) ||
        !EVP_CipherUpdate(ctx, NULL, &len, &aad, 1))
        return -1;
    if (n && !EVP_CipherUpdate(ctx, out, &len, in, (int)n))
        return -1;
    if (enc) {
        if (!EVP_CipherFinal_ex(ctx, out + n, &len) ||
            !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag))
            return -1;
        return 0;
    }
    if (!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag) ||
        EVP_CipherFinal_ex(ctx, out + n, &len) <= 0)
        return -1;
    return 0;
}

int backup_seal_range(const struct backup_crypto *cr, const unsigned char nonce[12],
                      const unsigned char *in, size_t n, uint64_t first_seg, int is_last,
                      unsigned char **out, size_t *outlen)
{
    size_t nseg = n ? (n + BACKUP_SEG - 1) / BACKUP_SEG : 1, total, o = 0;
    EVP_CIPHER_CTX *ctx = NULL;
    unsigned char *buf = NULL;
    int rc = -1;

    *out = NULL;
    *outlen = 0;
    if (!is_last && n % BACKUP_SEG)
        return -1;
    total = (first_seg == 0 ? BACKUP_HDR : 0) + n + nseg * BACKUP_TAG;
    buf = malloc(total);
    ctx = EVP_CIPHER_CTX_new();
    if (!buf || !ctx)
        goto out;
    if (first_seg == 0) {
        memcpy(buf, MAGIC, 8);
        memcpy(buf + 8, nonce, 12);
        memset(buf + 20, 0, 12);
        o = BACKUP_HDR;
    }
    for (size_t i = 0; i < nseg; i++) {
        size_t at = i * BACKUP_SEG, len = n - at < BACKUP_SEG ? n - at : BACKUP_SEG;
        if (gcm(ctx, 1, cr->enc_key, nonce, first_seg + i, is_last && i + 1 == nseg, in + at, len,
                buf + o, buf + o + len))
            goto out;
        o += len + BACKUP_TAG;
    }
    *out = buf;
    *outlen = total;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

int backup_seal(const struct backup_crypto *cr, const void *in, size_t n, unsigned char **out,
                size_t *outlen)
{
    unsigned char nonce[12];

    if (fc_random(nonce, sizeof nonce) != FC_OK)
        return -1;
    return backup_seal_range(cr, nonce, in, n, 0, 1, out, outlen);
}

/* ---- opening ------------------------------------------------------------------- */

struct backup_opener {
    const struct backup_crypto *cr;
    int (*out)(void *ctx, const void *p, size_t n);
    void *ctx;
    EVP_CIPHER_CTX *cipher;
    unsigned char hdr[BACKUP_HDR];
    size_t hdr_len;
    unsigned char *seg; /* BACKUP_SEG + BACKUP_TAG */
    size_t seg_len;
    unsigned char *plain;
    uint64_t index;
    int failed;
};

struct backup_opener *backup_opener_new(const struct backup_crypto *cr,
                                        int (*out)(void *ctx, const void *p, size_t n), void *ctx)
{
    struct backup_opener *o = calloc(1, sizeof(*o));

    if (!o)
        return NULL;
    o->cr = cr;
    o->out = out;
    o->ctx = ctx;
    o->cipher = EVP_CIPHER_CTX_new();
    o->seg = malloc(BACKUP_SEG + BACKUP_TAG);
    o->plain = malloc(BACKUP_SEG + 16);
    if (!o->cipher || !o->seg || !o->plain) {
        backup_opener_free(o);
        return NULL;
    }
    return o;
}

void backup_opener_reset(struct backup_opener *o)
{
    o->hdr_len = o->seg_len = 0;
    o->index = 0;
    o->failed = 0;
}

void backup_opener_free(struct backup_opener *o)
{
    if (!o)
        return;
    EVP_CIPHER_CTX_free(o->cipher);
    free(o->seg);
    if (o->plain)
        OPENSSL_cleanse(o->plain, BACKUP_SEG);
    free(o->plain);
    free(o);
}

static int open_segment(struct backup_opener *o, int final)
{
    size_t n;

    if (o->seg_len < BACKUP_TAG)
        return -1;
    n = o->seg_len - BACKUP_TAG;
    if (gcm(o->cipher, 0, o->cr->enc_key, o->hdr + 8, o->index, final, o->seg, n, o->plain,
            o->seg + n))
        return -1;
    o->index++;
    o->seg_len = 0;
    return n ? o->out(o->ctx, o->plain, n) : 0;
}

int backup_opener_feed(struct backup_opener *o, const void *p, size_t n)
{
    const unsigned char *in = p;

    if (o->failed)
        return -1;
    while (n) {
        size_t take;
        if (o->hdr_len < BACKUP_HDR) {
            take = BACKUP_HDR - o->hdr_len < n ? BACKUP_HDR - o->hdr_len : n;
            memcpy(o->hdr + o->hdr_len, in, take);
            o->hdr_len += take;
            in += take;
            n -= take;
            if (o->hdr_len == BACKUP_HDR && memcmp(o->hdr, MAGIC, 8)) {
                o->failed = 1;
                return -1;
            }
            continue;
        }
        if (o->seg_len == BACKUP_SEG + BACKUP_TAG && open_segment(o, 0)) {
            o->failed = 1;
            return -1;
        }
        take = BACKUP_SEG + BACKUP_TAG - o->seg_len;
        if (take > n)
            take = n;
        memcpy(o->seg + o->seg_len, in, take);
        o->seg_len += take;
        in += take;
        n -= take;
    }
    return 0;
}

int backup_opener_finish(struct backup_opener *o)
{
    if (o->failed || o->hdr_len < BACKUP_HDR || open_segment(o, 1)) {
        o->failed = 1;
        return -1;
    }
    return 0;
}

struct membuf {
    unsigned char *p;
    size_t len;
    size_t cap;
};

static int mem_out(void *ctx, const void *p, size_t n)
{
    struct membuf *b = ctx;

    if (fc_grow(&b->p, &b->cap, b->len + n, 1, 65536))
        return -1;
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

int backup_open(const struct backup_crypto *cr, const void *in, size_t n, unsigned char **out,
                size_t *outlen)
{
    struct membuf b = {0};
    struct backup_opener *o = backup_opener_new(cr, mem_out, &b);
    int rc = -1;

    *out = NULL;
    *outlen = 0;
    if (!o)
        return -1;
    if (backup_opener_feed(o, in, n) || backup_opener_finish(o)) {
        free(b.p);
        goto out;
    }
    *out = b.p ? b.p : calloc(1, 1);
    *outlen = b.len;
    rc = *out ? 0 : -1;
out:
    backup_opener_free(o);
    return rc;
}

/* ---- keys ---------------------------------------------------------------------- */

int backup_key_load(const struct backup_opts *o, char **material, char *err, size_t errlen)
{
    const char *env = getenv("FORKCAST_BACKUP_KEY");
    char *buf = NULL;
    size_t n = 0;

    *material = NULL;
    if (o->key_file[0] && (o->key_cli || !o->key_env)) {
        FILE *f = fopen(o->key_file, "r");
        if (!f) {
            snprintf(err, errlen, "cannot read the key file %s", o->key_file);
            return -1;
        }
        buf = calloc(1, 4097);
        if (buf)
            n = fread(buf, 1, 4096, f);
        fclose(f);
        if (!buf)
            return -1;
        buf[n] = '\0';
    } else if (o->key_env) {
        buf = strdup(env);
        if (!buf)
            return -1;
    } else {
        return 0; /* no key: no encryption */
    }
    fc_trim(buf);
    if (!*buf) {
        free(buf);
        snprintf(err, errlen, "the encryption key is empty");
        return -1;
    }
    *material = buf;
    return 0;
}

static int is_hex_key(const char *s)
{
    size_t n = 0;

    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
              (s[n] >= 'A' && s[n] <= 'F')))
            return 0;
    return n == 64;
}

int backup_crypto_derive(struct backup_crypto *cr, const char *material,
                         const unsigned char salt[16])
{
    unsigned char master[32];
    int rc = -1;

    if (is_hex_key(material)) {
        if (fc_unhex(master, sizeof master, material) != 32)
            goto out;
    } else if (!EVP_PBE_scrypt(material, strlen(material), salt, 16, SCRYPT_N, SCRYPT_R, SCRYPT_P,
                               64u << 20, master, sizeof master)) {
        goto out;
    }
    hmac(master, "forkcast-backup enc", 19, cr->enc_key);
    hmac(master, "forkcast-backup id", 18, cr->id_key);
    cr->on = 1;
    rc = 0;
out:
    OPENSSL_cleanse(master, sizeof master);
    return rc;
}

void backup_crypto_wipe(struct backup_crypto *cr)
{
    OPENSSL_cleanse(cr, sizeof(*cr));
}
