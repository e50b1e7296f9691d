/* blob/cli: `forkcast blob list|copy`: what the photo store holds, and moving every photo from
 * one backend to the other (a site moving from a local folder to S3, or back). A copy is
 * resumable: keys already at the destination are skipped (a key is its photo's SHA-256, so a
 * present key is the same photo), and a photo is written only after its bytes are checked
 * against its key. */
#include "blob/blob.h"
#include "core/config.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct keys {
    char (*k)[80];
    size_t n, cap;
};

static int keys_add(void *ctx, const char *key)
{
    struct keys *ks = ctx;
    if (ks->n == ks->cap) {
        size_t cap = ks->cap ? ks->cap * 2 : 256;
        void *p = realloc(ks->k, cap * sizeof *ks->k);
        if (!p)
            return 1;
        ks->k = p;
        ks->cap = cap;
    }
    fc_strlcpy(ks->k[ks->n++], key, sizeof ks->k[0]);
    return 0;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void keys_sort(struct keys *ks)
{
    if (ks->n)
        qsort(ks->k, ks->n, sizeof *ks->k, key_cmp);
}

static int keys_has(const struct keys *ks, const char *key)
{
    return ks->n && bsearch(key, ks->k, ks->n, sizeof *ks->k, key_cmp);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: forkcast blob list [local|s3]\n"
               "       forkcast blob copy FROM TO [--dry-run]\n"
               "FROM and TO are local (Blob.Local.Dir) or s3 (Blob.S3.Bucket, Blob.S3.Prefix).\n"
               "list: the keys the backend holds (default: Blob.Backend's).\n"
               "copy: every photo in FROM that TO lacks; run it again after an interruption and\n"
               "it goes on where it stopped. Nothing is deleted from FROM.\n"
               "Exit: 0 done, 1 failed (the message says which photos), 2 usage error.\n");
}

static int cmd_list(HDF *cfg, const char *backend)
{
    struct fc_blob *b = NULL;
    struct keys ks = {0};
    int rc = 1;
    if (fc_blob_open_backend(cfg, backend, &b))
        return 1;
    if (b->ops->list(b, keys_add, &ks)) {
        fprintf(stderr, "forkcast: blob list: listing %s failed\n", backend);
        goto out;
    }
    keys_sort(&ks);
    for (size_t i = 0; i < ks.n; i++)
        printf("%s\n", ks.k[i]);
    rc = 0;
out:
    free(ks.k);
    fc_blob_close(b);
    return rc;
}

static int cmd_copy(HDF *cfg, const char *from, const char *to, int dry_run)
{
    struct fc_blob *src = NULL, *dst = NULL;
    struct keys have = {0}, want = {0};
    size_t copied = 0, skipped = 0, failed = 0;
    int rc = 1;

    if (strcmp(from, to) == 0) {
        fprintf(stderr, "forkcast: blob copy: FROM and TO are both %s\n", from);
        return 2;
    }
    if (fc_blob_open_backend(cfg, from, &src) || fc_blob_open_backend(cfg, to, &dst))
        goto out;
    if (src->ops->list(src, keys_add, &want)) {
        fprintf(stderr, "forkcast: blob copy: listing %s failed; nothing copied\n", from);
        goto out;
    }
    if (dst->ops->list(dst, keys_add, &have)) {
        fprintf(stderr, "forkcast: blob copy: listing %s failed; nothing copied\n", to);
        goto out;
    }
    keys_sort(&want);
    keys_sort(&have);
    for (size_t i = 0; i < want.n; i++) {
        const char *key = want.k[i];
        char *data = NULL, hash[65];
        size_t len = 0;
        if (keys_has(&have, key)) {
            skipped++;
            continue;
        }
        if (dry_run) {
            printf("would copy %s\n", key);
            copied++;
            continue;
        }
        if (src->ops->get(src, key, &data, &len)) {
            fprintf(stderr, "forkcast: blob copy: cannot read %s from %s\n", key, from);
            failed++;
            continue;
        }
        fc_sha256_hex(hash, data, len);
        if (strncmp(hash, key, 64) != 0) {
            fprintf(stderr, "forkcast: blob copy: %s in %s does not match its key; not copied\n",
                    key, from);
            failed++;
        } else if (dst->ops->put(dst, key, data, len, fc_image_mime(key))) {
            fprintf(stderr, "forkcast: blob copy: cannot write %s to %s\n", key, to);
            failed++;
        } else {
            copied++;
        }
        free(data);
    }
    printf("blob copy %s -> %s: %zu %s, %zu already there, %zu failed\n", from, to, copied,
           dry_run ? "to copy" : "copied", skipped, failed);
    rc = failed ? 1 : 0;
out:
    free(want.k);
    free(have.k);
    fc_blob_close(src);
    fc_blob_close(dst);
    return rc;
}

int fc_blob_cli(HDF *cfg, int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "list") == 0 && argc <= 3)
        return cmd_list(cfg, argc == 3 ? argv[2] : fc_config_str(cfg, "Blob.Backend", "local"));
    if (argc >= 4 && strcmp(argv[1], "copy") == 0 && argc <= 5) {
        int dry_run = argc == 5 && strcmp(argv[4], "--dry-run") == 0;
        if (argc == 5 && !dry_run) {
            usage(stderr);
            return 2;
        }
        return cmd_copy(cfg, argv[2], argv[3], dry_run);
    }
    usage(stderr);
    return 2;
}
