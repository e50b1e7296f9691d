/* Unit tests: the backup module (sizes, map, sealing, keys, manifests, hashing, SQLite, XML). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#include <zlib.h>

#include "backup/backup.h"
#include "core/util.h"

static const char HEX_KEY[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

static void test_sizes(void **state)
{
    uint64_t v;
    char buf[32];

    (void)state;
    assert_int_equal(backup_parse_size("123", &v), 0);
    assert_int_equal(v, 123);
    assert_int_equal(backup_parse_size("64K", &v), 0);
    assert_int_equal(v, 65536);
    assert_int_equal(backup_parse_size("16M", &v), 0);
    assert_int_equal(v, 16u << 20);
    assert_int_equal(backup_parse_size("16MiB", &v), 0);
    assert_int_equal(v, 16u << 20);
    assert_int_equal(backup_parse_size("1G", &v), 0);
    assert_int_equal(v, 1u << 30);
    assert_int_equal(backup_parse_size("5MB", &v), 0);
    assert_int_equal(v, 5u << 20);
    assert_int_equal(backup_parse_size("", &v), -1);
    assert_int_equal(backup_parse_size("M", &v), -1);
    assert_int_equal(backup_parse_size("12Q", &v), -1);
    assert_int_equal(backup_parse_size("-1", &v), -1);
    assert_string_equal(backup_human_bytes(1536, buf, sizeof buf), "1.5 KiB");
    assert_string_equal(backup_human_bytes(12, buf, sizeof buf), "12 B");
}

static void test_base64(void **state)
{
    char out[64];

    (void)state;
    backup_base64((const unsigned char *)"", 0, out);
    assert_string_equal(out, "");
    backup_base64((const unsigned char *)"f", 1, out);
    assert_string_equal(out, "Zg==");
    backup_base64((const unsigned char *)"fo", 2, out);
    assert_string_equal(out, "Zm8=");
    backup_base64((const unsigned char *)"foobar", 6, out);
    assert_string_equal(out, "Zm9vYmFy");
}

static void test_map(void **state)
{
    struct backup_map m = {0};
    char key[32];
    void *old;

    (void)state;
    for (uintptr_t i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "k%lu", (unsigned long)i);
        assert_int_equal(backup_map_put(&m, key, (void *)(i + 1), NULL), 0);
    }
    assert_int_equal(m.n, 5000);
    assert_int_equal(backup_map_put(&m, "k7", (void *)99, &old), 0);
    assert_ptr_equal(old, (void *)8);
    assert_int_equal(m.n, 5000);
    /* delete every other key: the rest must stay reachable */
    for (uintptr_t i = 0; i < 5000; i += 2) {
        snprintf(key, sizeof key, "k%lu", (unsigned long)i);
        assert_non_null(backup_map_del(&m, key));
    }
    assert_int_equal(m.n, 2500);
    for (uintptr_t i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "k%lu", (unsigned long)i);
        assert_int_equal(backup_map_has(&m, key), i % 2);
        if (i % 2 && i != 7)
            assert_ptr_equal(backup_map_get(&m, key), (void *)(i + 1));
    }
    assert_null(backup_map_get(&m, "nope"));
    backup_map_free(&m, NULL);
}

static void keys(struct backup_crypto *cr, const char *material)
{
    unsigned char salt[16] = {1, 2, 3};

    memset(cr, 0, sizeof(*cr));
    assert_int_equal(backup_crypto_derive(cr, material, salt), 0);
    assert_int_equal(cr->on, 1);
}

struct sinkbuf {
    unsigned char *p;
    size_t len;
};

static int collect(void *ctx, const void *p, size_t n)
{
    struct sinkbuf *b = ctx;

    b->p = realloc(b->p, b->len + n + 1);
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

static unsigned char *random_bytes(size_t n)
{
    unsigned char *p = malloc(n ? n : 1);

    assert_int_equal(fc_random(p, n), 0);
    return p;
}

/* Whole-buffer seal/open, and streaming open in odd chunk sizes, around segment sizes. */
static void test_seal_roundtrip(void **state)
{
    static const size_t sizes[] = {
        0, 1, BACKUP_SEG - 1, BACKUP_SEG, BACKUP_SEG + 1, 3 * BACKUP_SEG, 3 * BACKUP_SEG + 17};
    struct backup_crypto cr;

    (void)state;
    keys(&cr, HEX_KEY);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k], sl, pl;
        unsigned char *in = random_bytes(n), *sealed, *plain;
        assert_int_equal(backup_seal(&cr, in, n, &sealed, &sl), 0);
        assert_int_equal(sl, backup_enc_size(n));
        assert_int_equal(backup_open(&cr, sealed, sl, &plain, &pl), 0);
        assert_int_equal(pl, n);
        assert_memory_equal(plain, in, n);
        free(plain);

        struct sinkbuf out = {0};
        struct backup_opener *o = backup_opener_new(&cr, collect, &out);
        size_t at = 0, step = 1;
        while (at < sl) {
            size_t take = step < sl - at ? step : sl - at;
            assert_int_equal(backup_opener_feed(o, sealed + at, take), 0);
            at += take;
            step = step * 3 + 7;
        }
        assert_int_equal(backup_opener_finish(o), 0);
        assert_int_equal(out.len, n);
        if (n)
            assert_memory_equal(out.p, in, n);
        backup_opener_free(o);
        free(out.p);
        free(sealed);
        free(in);
    }
}

/* Sealing part by part (what multipart uploads do) gives exactly the whole sealed object. */
static void test_seal_ranges(void **state)
{
    struct backup_crypto cr;
    unsigned char nonce[12], *in, *whole, *part;
    size_t n = 5 * BACKUP_SEG + 100, wl, pl, ps = 2 * BACKUP_SEG, at = 0, off = 0;

    (void)state;
    keys(&cr, HEX_KEY);
    backup_content_nonce(&cr, "aa00000000000000000000000000000000000000000000000000000000000000",
                         nonce);
    in = random_bytes(n);
    assert_int_equal(backup_seal_range(&cr, nonce, in, n, 0, 1, &whole, &wl), 0);
    for (size_t k = 0; off < n; k++) {
        size_t len = n - off < ps ? n - off : ps;
        assert_int_equal(backup_seal_range(&cr, nonce, in + off, len, off / BACKUP_SEG,
                                           off + len == n, &part, &pl),
                         0);
        assert_true(at + pl <= wl);
        assert_memory_equal(part, whole + at, pl);
        at += pl;
        off += len;
        free(part);
    }
    assert_int_equal(at, wl);
    /* a range that is not made of whole segments (but the last) is refused */
    assert_int_equal(backup_seal_range(&cr, nonce, in, 100, 0, 0, &part, &pl), -1);
    free(whole);
    free(in);
}

static void test_seal_tamper(void **state)
{
    struct backup_crypto cr, other;
    size_t n = 2 * BACKUP_SEG + 5, sl, pl;
    unsigned char *in, *sealed, *plain;

    (void)state;
    keys(&cr, HEX_KEY);
    keys(&other, "another passphrase");
    in = random_bytes(n);
    assert_int_equal(backup_seal(&cr, in, n, &sealed, &sl), 0);
    /* wrong key */
    assert_int_equal(backup_open(&other, sealed, sl, &plain, &pl), -1);
    assert_null(plain);
    /* truncated at a segment boundary: the last full segment is not marked final */
    assert_int_equal(
        backup_open(&cr, sealed, BACKUP_HDR + 2 * (BACKUP_SEG + BACKUP_TAG), &plain, &pl), -1);
    /* truncated anywhere */
    assert_int_equal(backup_open(&cr, sealed, sl - 1, &plain, &pl), -1);
    assert_int_equal(backup_open(&cr, sealed, 10, &plain, &pl), -1);
    /* one bit flipped */
    sealed[BACKUP_HDR + BACKUP_SEG + 40] ^= 1;
    assert_int_equal(backup_open(&cr, sealed, sl, &plain, &pl), -1);
    sealed[BACKUP_HDR + BACKUP_SEG + 40] ^= 1;
    /* segments swapped */
    {
        unsigned char *sw = malloc(sl), *seg0 = sealed + BACKUP_HDR;
        memcpy(sw, sealed, sl);
        memcpy(sw + BACKUP_HDR, seg0 + BACKUP_SEG + BACKUP_TAG, BACKUP_SEG + BACKUP_TAG);
        memcpy(sw + BACKUP_HDR + BACKUP_SEG + BACKUP_TAG, seg0, BACKUP_SEG + BACKUP_TAG);
        assert_int_equal(backup_open(&cr, sw, sl, &plain, &pl), -1);
        free(sw);
    }
    /* not sealed at all */
    assert_int_equal(backup_open(&cr, in, n, &plain, &pl), -1);
    assert_int_equal(backup_open(&cr, sealed, sl, &plain, &pl), 0);
    free(plain);
    free(sealed);
    free(in);
}

static void test_keys_and_ids(void **state)
{
    struct backup_crypto a, b, c, none = {0};
    unsigned char salt2[16] = {9}, n1[12], n2[12];
    const char *sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    char id1[65], id2[65], id3[65];

    (void)state;
    keys(&a, "correct horse battery staple");
    keys(&b, "correct horse battery staple");
    memset(&c, 0, sizeof c);
    assert_int_equal(backup_crypto_derive(&c, "correct horse battery staple", salt2), 0);
    assert_memory_equal(a.enc_key, b.enc_key, 32);
    assert_memory_not_equal(a.enc_key, c.enc_key, 32);
    assert_memory_not_equal(a.enc_key, a.id_key, 32);
    backup_object_id(&none, sha, id1);
    assert_string_equal(id1, sha);
    backup_object_id(&a, sha, id2);
    backup_object_id(&b, sha, id3);
    assert_string_equal(id2, id3);
    assert_string_not_equal(id2, sha);
    assert_int_equal(strlen(id2), 64);
    backup_content_nonce(&a, sha, n1);
    backup_content_nonce(&b, sha, n2);
    assert_memory_equal(n1, n2, 12);
    backup_crypto_wipe(&a);
    assert_int_equal(a.on, 0);
}

static void test_key_load(void **state)
{
    struct backup_opts o;
    char path[] = "/tmp/fc-bk-key-XXXXXX", err[256], *m = NULL;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "  s3cret phrase \n", 17), 17);
    close(fd);
    memset(&o, 0, sizeof o);
    assert_int_equal(backup_key_load(&o, &m, err, sizeof err), 0);
    assert_null(m); /* no key anywhere: no encryption */
    snprintf(o.key_file, sizeof o.key_file, "%s", path);
    assert_int_equal(backup_key_load(&o, &m, err, sizeof err), 0);
    assert_string_equal(m, "s3cret phrase");
    free(m);
    setenv("FORKCAST_BACKUP_KEY", "from-env", 1);
    o.key_env = 1;
    assert_int_equal(backup_key_load(&o, &m, err, sizeof err), 0);
    assert_string_equal(m, "from-env"); /* the environment wins over Backup.KeyFile */
    free(m);
    o.key_cli = 1;
    assert_int_equal(backup_key_load(&o, &m, err, sizeof err), 0);
    assert_string_equal(m, "s3cret phrase"); /* --key-file wins over the environment */
    free(m);
    unsetenv("FORKCAST_BACKUP_KEY");
    unlink(path);
    o.key_env = 0;
    assert_int_equal(backup_key_load(&o, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot read the key file"));
}

static void fill_manifest(struct backup_manifest *m)
{
    struct backup_entry *e;

    memset(m, 0, sizeof(*m));
    snprintf(m->id, sizeof m->id, "20260101T000000Z-abcd");
    snprintf(m->host, sizeof m->host, "box");
    m->time = 1767225600;
    m->files = 2;
    m->dirs = 1;
    m->bytes = 12;
    m->new_files = 1;
    m->new_bytes = 5;
    m->roots = calloc(1, sizeof(char *));
    m->roots[m->n_roots++] = strdup("/srv/data");
    e = backup_manifest_add(m);
    e->path = strdup("b/crème.txt");
    e->type = BACKUP_FILE;
    e->size = 7;
    e->mode = 0640;
    e->mtime_ns = 1700000000123456789LL;
    snprintf(e->sha, sizeof e->sha, "%064d", 1);
    e = backup_manifest_add(m);
    e->path = strdup("a");
    e->type = BACKUP_DIR;
    e->mode = 0755;
    e = backup_manifest_add(m);
    e->path = strdup("a/link");
    e->type = BACKUP_LINK;
    e->target = strdup("../b/crème.txt");
    backup_manifest_sort(m);
}

/* text gzip'ed as manifests are stored (malloc'ed). */
static unsigned char *gzip_text(const char *text, size_t *len)
{
    z_stream zs;
    unsigned char *out = malloc(strlen(text) + 128);
    memset(&zs, 0, sizeof zs);
    assert_non_null(out);
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)(uintptr_t)text;
    zs.avail_in = (uInt)strlen(text);
    zs.next_out = out;
    zs.avail_out = (uInt)(strlen(text) + 128);
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *len = zs.total_out;
    deflateEnd(&zs);
    return out;
}

static void test_manifest(void **state)
{
    struct backup_manifest m, d;
    struct backup_crypto cr, other;
    unsigned char *enc;
    size_t n;
    char *sum;

    (void)state;
    fill_manifest(&m);
    assert_string_equal(m.e[0].path, "a");
    assert_int_equal(backup_manifest_encode(&m, NULL, &enc, &n), 0);
    assert_int_equal(backup_manifest_decode(enc, n, NULL, &d), 0);
    free(enc);
    assert_int_equal(d.n, 3);
    assert_string_equal(d.id, m.id);
    assert_int_equal(d.time, m.time);
    assert_int_equal(d.new_bytes, 5);
    assert_string_equal(d.roots[0], "/srv/data");
    assert_string_equal(d.e[2].path, "b/crème.txt");
    assert_int_equal(d.e[2].mtime_ns, 1700000000123456789LL);
    assert_int_equal(d.e[2].mode, 0640);
    assert_int_equal(d.e[2].size, 7);
    assert_string_equal(d.e[2].sha, m.e[2].sha);
    assert_int_equal(d.e[1].type, BACKUP_LINK);
    assert_string_equal(d.e[1].target, "../b/crème.txt");
    backup_manifest_free(&d);

    keys(&cr, HEX_KEY);
    keys(&other, "nope");
    assert_int_equal(backup_manifest_encode(&m, &cr, &enc, &n), 0);
    assert_null(memmem(enc, n, "crème", 6));
    assert_int_equal(backup_manifest_decode(enc, n, &other, &d), -2);
    assert_int_equal(backup_manifest_decode(enc, n, NULL, &d), -2);
    assert_int_equal(backup_manifest_decode(enc, n, &cr, &d), 0);
    assert_int_equal(d.n, 3);
    backup_manifest_free(&d);
    free(enc);
    assert_int_equal(backup_manifest_decode("garbage", 7, NULL, &d), -1);

    sum = backup_manifest_summary(&m);
    assert_non_null(strstr(sum, "\"new_bytes\":5"));
    assert_null(strstr(sum, "entries"));
    free(sum);

    /* times before 1970 come back (negative nanoseconds); times whose nanoseconds overflow
     * 64 bits are refused as malformed instead of overflowing (found by t/fuzz/manifest) */
    m.e[2].mtime_ns = -1234567891LL;
    assert_int_equal(backup_manifest_encode(&m, NULL, &enc, &n), 0);
    assert_int_equal(backup_manifest_decode(enc, n, NULL, &d), 0);
    assert_int_equal(d.e[2].mtime_ns, -1234567891LL);
    backup_manifest_free(&d);
    free(enc);
    {
        static const char huge[] =
            "{\"format\":\"forkcast-backup-snapshot\",\"entries\":[{\"path\":\"a\","
            "\"type\":\"dir\",\"mtime\":171456470064000}]}";
        static const char bad_nsec[] =
            "{\"format\":\"forkcast-backup-snapshot\",\"entries\":[{\"path\":\"a\","
            "\"type\":\"dir\",\"mtime\":1,\"mtime_nsec\":9223372036854775807}]}";
        const char *docs[] = {huge, bad_nsec};
        for (size_t i = 0; i < 2; i++) {
            unsigned char *gz = gzip_text(docs[i], &n);
            assert_int_equal(backup_manifest_decode(gz, n, NULL, &d), -1);
            free(gz);
        }
    }

    /* paths that would escape the restore folder are refused */
    static const char *bad[] = {"../etc/passwd", "/etc/passwd", "a/../../x", "a//b", "./a", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        free(m.e[0].path);
        m.e[0].path = strdup(bad[i]);
        assert_int_equal(backup_manifest_encode(&m, NULL, &enc, &n), 0);
        assert_int_equal(backup_manifest_decode(enc, n, NULL, &d), -1);
        free(enc);
    }
    backup_manifest_free(&m);
}

static void test_hash_file(void **state)
{
    char path[] = "/tmp/fc-bk-hash-XXXXXX", sha[65], want[65];
    unsigned char *keep, *data = random_bytes(300000);
    uint64_t size;
    int fd = mkstemp(path);

    (void)state;
    assert_int_equal(write(fd, data, 300000), 300000);
    close(fd);
    fc_sha256_hex(want, data, 300000);
    assert_int_equal(backup_hash_file(path, 1 << 20, sha, &keep, &size), 0);
    assert_string_equal(sha, want);
    assert_int_equal(size, 300000);
    assert_non_null(keep);
    assert_memory_equal(keep, data, 300000);
    free(keep);
    assert_int_equal(backup_hash_file(path, 1000, sha, &keep, &size), 0);
    assert_string_equal(sha, want);
    assert_null(keep); /* over the limit: not kept */
    assert_int_equal(backup_hash_file(path, 0, sha, NULL, &size), 0);
    assert_string_equal(sha, want);
    {
        /* whole and per part, by two readers: 131072 + 131072 + 37856 bytes */
        unsigned char(*parts)[32];
        char hex[65], part[65];
        assert_int_equal(backup_hash_file_parts(path, 131072, 300000, sha, &parts, &size), 0);
        assert_string_equal(sha, want);
        assert_int_equal(size, 300000);
        assert_non_null(parts);
        for (int k = 0; k < 3; k++) {
            size_t off = (size_t)k * 131072, len = k < 2 ? 131072 : 300000 - 262144;
            fc_sha256_hex(part, data + off, len);
            fc_hex(hex, parts[k], 32);
            assert_string_equal(hex, part);
        }
        free(parts);
        /* not the size expected (changed since listed): no part hashes */
        assert_int_equal(backup_hash_file_parts(path, 131072, 299999, sha, &parts, &size), 0);
        assert_null(parts);
        assert_string_equal(sha, want);
    }
    unlink(path);
    assert_int_equal(backup_hash_file(path, 0, sha, NULL, &size), -1);
    free(data);
}

static void test_sqlite_copy(void **state)
{
    char dir[] = "/tmp/fc-bk-db-XXXXXX", src[128], dst[128], err[256], cmd[160];
    sqlite3 *db, *copy;
    sqlite3_stmt *st;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(src, sizeof src, "%s/a.db", dir);
    snprintf(dst, sizeof dst, "%s/copy.db", dir);
    assert_int_equal(sqlite3_open(src, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
                                  "CREATE TABLE t(x); INSERT INTO t VALUES(1),(2),(3);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    /* committed rows live in the WAL only; the copy must have them */
    assert_int_equal(backup_sqlite_copy(src, dst, err, sizeof err), FC_OK);
    assert_int_equal(sqlite3_open(dst, &copy), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(copy, "SELECT count(*) FROM t", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 3);
    sqlite3_finalize(st);
    sqlite3_close(copy);
    sqlite3_close(db);
    snprintf(src, sizeof src, "%s/missing.db", dir);
    assert_int_equal(backup_sqlite_copy(src, dst, err, sizeof err), FC_ERR);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_xml(void **state)
{
    static const char init[] =
        "<?xml version=\"1.0\"?><InitiateMultipartUploadResult "
        "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>b</Bucket><Key>k</Key>"
        "<UploadId>VXBsb2FkIElE</UploadId></InitiateMultipartUploadResult>";
    static const char err200[] = "<Error><Code>InternalError</Code><Message>x</Message></Error>";
    char out[64];
    struct fc_buf b = {0};

    (void)state;
    assert_int_equal(backup_xml_text(init, strlen(init), "InitiateMultipartUploadResult",
                                     "UploadId", out, sizeof out),
                     0);
    assert_string_equal(out, "VXBsb2FkIElE");
    assert_int_equal(backup_xml_text(init, strlen(init), "Error", "Code", out, sizeof out), -1);
    assert_int_equal(backup_xml_text(err200, strlen(err200), "Error", "Code", out, sizeof out), 0);
    assert_string_equal(out, "InternalError");
    assert_int_equal(backup_xml_text("not xml", 7, "Error", "Code", out, sizeof out), -1);
    fc_buf_puts(&b, "<Key>");
    backup_buf_xml(&b, "a&b<c>\"d'");
    fc_buf_puts(&b, "</Key>");
    assert_string_equal(b.p, "<Key>a&amp;b&lt;c&gt;&quot;d&#39;</Key>");
    free(b.p);
    assert_int_equal(backup_parse_iso_time("2026-03-01T10:00:00.000Z"), 1772359200);
    /* out of range: 0 (unknown), never an overflow (found by t/fuzz/s3) */
    assert_int_equal(backup_parse_iso_time("-2147483648-01-01T00:00:00Z"), 0);
    assert_int_equal(backup_parse_iso_time("2026-13-01T10:00:00Z"), 0);
    assert_int_equal(backup_parse_iso_time("2026-03-01T24:00:00Z"), 0);
    assert_int_equal(backup_parse_iso_time("2026-02-30T10:00:00Z"), 0);
    assert_int_equal(backup_parse_iso_time("2026-03-01"), 0);
}

/* fc_parse_utc_date: fixed digits, real days, the end of what was read. */
static void test_parse_date(void **state)
{
    static const char *const bad[] = {
        "",
        "2026-13-01",
        "2026-00-10",
        "2026-02-30",
        "2026-02-29",
        "2100-02-29",
        "2026-04-31",
        "2026-01-00",
        "0000-01-01",
        "99999999999-01-01",
        "-2147483648-01-01",
        "+2026-01-01",
        " 2026-01-01",
        "2026-1-01",
        "2026-01-1",
        "2026/01/01",
        "2026-01-01T",
        "2026-01-01T10:00",
        "2026-01-01T24:00:00",
        "2026-01-01T10:60:00",
        "2026-01-01T10:00:61",
        "2026-01-01T1:00:00",
        "2026-01-01T-1:00:00",
        "2026-01-01T10:00:0",
    };
    const char *end = NULL;
    time_t t = 0;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (fc_parse_utc_date(bad[i], &t, &end) == 0)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_int_equal(fc_parse_utc_date(NULL, &t, &end), -1);
    assert_int_equal(fc_parse_utc_date("2026-03-01", &t, &end), 0);
    assert_int_equal(t, 1772323200);
    assert_string_equal(end, "");
    assert_int_equal(fc_parse_utc_date("2026-03-01T10:00:00", &t, &end), 0);
    assert_int_equal(t, 1772359200);
    assert_string_equal(end, "");
    /* what follows is for the caller to judge */
    assert_int_equal(fc_parse_utc_date("2026-01-01junk", &t, &end), 0);
    assert_string_equal(end, "junk");
    assert_int_equal(fc_parse_utc_date("2026-03-01T10:00:00.000Z", &t, &end), 0);
    assert_string_equal(end, ".000Z");
    assert_int_equal(fc_parse_utc_date("2024-02-29", &t, &end), 0);
    assert_int_equal(fc_parse_utc_date("2000-02-29T23:59:59", &t, &end), 0);
    assert_int_equal(t, 951868799);
    assert_int_equal(fc_parse_utc_date("9999-12-31T23:59:60", &t, NULL), 0);
}

/* The transfers address S3 through the AWS client's URLs: the bucket's base URL (part of the
 * repository's identity, so it must not change) virtual-hosted on AWS, by path for dotted
 * names and overridden endpoints; a name no request may carry is refused up front. */
static void test_xfer_urls(void **state)
{
    struct backup_xfer *x = NULL;
    char err[256] = "";
    (void)state;
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_S3");
    unsetenv("FORKCAST_AWS_ENDPOINT_S3");
    setenv("AWS_REGION", "eu-west-1", 1);
    assert_int_equal(backup_xfer_new(NULL, "forkcast-media", 2, &x, err, sizeof err), FC_OK);
    assert_string_equal(backup_xfer_endpoint(x),
                        "https://forkcast-media.s3.eu-west-1.amazonaws.com");
    backup_xfer_free(x);
    assert_int_equal(backup_xfer_new(NULL, "forkcast.media", 2, &x, err, sizeof err), FC_OK);
    assert_string_equal(backup_xfer_endpoint(x),
                        "https://s3.eu-west-1.amazonaws.com/forkcast.media");
    backup_xfer_free(x);
    setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000", 1);
    assert_int_equal(backup_xfer_new(NULL, "forkcast-media", 2, &x, err, sizeof err), FC_OK);
    assert_string_equal(backup_xfer_endpoint(x), "http://127.0.0.1:9000/forkcast-media");
    backup_xfer_free(x);
    x = NULL;
    assert_int_equal(backup_xfer_new(NULL, "no/slashes", 2, &x, err, sizeof err), FC_ERR);
    assert_null(x);
    assert_non_null(strstr(err, "no valid bucket name"));
    unsetenv("AWS_ENDPOINT_URL_S3");
    unsetenv("AWS_REGION");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_map),          cmocka_unit_test(test_seal_roundtrip),
        cmocka_unit_test(test_seal_ranges),  cmocka_unit_test(test_seal_tamper),
        cmocka_unit_test(test_keys_and_ids), cmocka_unit_test(test_key_load),
        cmocka_unit_test(test_manifest),     cmocka_unit_test(test_hash_file),
        cmocka_unit_test(test_sqlite_copy),  cmocka_unit_test(test_xml),
        cmocka_unit_test(test_parse_date),   cmocka_unit_test(test_xfer_urls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
