/* backup: shared declarations of the S3 backup module (transfers, repository, cache, crypto). */
#ifndef FC_BACKUP_H
#define FC_BACKUP_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <ClearSilver.h>

#include "aws/client.h"
#include "core/buf.h"

/* ---- settings (docs/backup.md) -------------------------------------------- */

#define BACKUP_DEFAULT_PREFIX      "forkcast"
#define BACKUP_DEFAULT_CONCURRENCY 32
#define BACKUP_DEFAULT_THRESHOLD   (64ull << 20)
#define BACKUP_DEFAULT_PART_SIZE   (16ull << 20)
#define BACKUP_MIN_PART_SIZE       (5ull << 20)
#define BACKUP_MAX_PARTS           10000
/* Bytes of multipart parts held in memory at once (each part is read, maybe encrypted and
 * hashed before it is sent). */
#define BACKUP_PART_MEMORY (256ull << 20)

struct backup_opts {
    char bucket[256];
    char prefix[512]; /* without leading or trailing '/'; may be empty */
    int concurrency;
    uint64_t threshold; /* files of at least this size use multipart upload */
    uint64_t part_size;
    char key_file[PATH_MAX];
    int key_env; /* 1: $FORKCAST_BACKUP_KEY is set */
    int key_cli; /* 1: key_file came from --key-file (wins over the environment) */
    char cache_dir[PATH_MAX];
    char data_dir[PATH_MAX];
    char db_path[PATH_MAX];
    char status_file[PATH_MAX]; /* "" = none */
    int progress;               /* 1: progress bar on stderr */
    int verbose;
    long grace; /* prune: seconds an unreferenced object is spared */
};

/* Fills o from the configuration and the environment (defaults in code). FC_OK or FC_ERR. */
int backup_opts_load(HDF *cfg, struct backup_opts *o);
/* Parses "123", "64K", "16M", "1G", "16MiB" into *out. 0 or -1. */
int backup_parse_size(const char *s, uint64_t *out);
/* "12.3 MiB" into buf. */
const char *backup_human_bytes(uint64_t n, char *buf, size_t len);

/* ---- string-keyed hash map ------------------------------------------------ */

struct backup_map_item {
    char *key;
    void *val;
};
struct backup_map {
    struct backup_map_item *v;
    size_t cap;
    size_t n;
};
/* The value of key, or NULL. */
void *backup_map_get(const struct backup_map *m, const char *key);
/* 1 when key is in m. */
int backup_map_has(const struct backup_map *m, const char *key);
/* Sets key (copied) to val; an old value is returned through *old (may be NULL). 0 or -1. */
int backup_map_put(struct backup_map *m, const char *key, void *val, void **old);
/* Removes key; returns its value (or NULL). */
void *backup_map_del(struct backup_map *m, const char *key);
/* Frees the keys and, with free_val, every value. */
void backup_map_free(struct backup_map *m, void (*free_val)(void *));

/* ---- transfers: libcurl multi, SigV4 per attempt, retries ------------------- */

struct backup_xfer;
struct backup_req;

typedef void (*backup_done_fn)(struct backup_req *r);
/* Receives a 2xx answer's body; returns 0, or -1 to abort the transfer. */
typedef int (*backup_sink_fn)(void *ctx, const void *data, size_t n);
/* Called before every attempt of a request with a sink (to start the output over). */
typedef void (*backup_reset_fn)(void *ctx);
/* Submits more work when the engine has room; returns how many requests it submitted
 * (0: nothing more for now). */
typedef int (*backup_feed_fn)(void *ctx);

#define BACKUP_REQ_HEADERS 6

struct backup_req {
    const char *method; /* static string */
    char *key;          /* object key (raw), NULL for the bucket itself */
    char *query;        /* wire form, or NULL */
    char *hname[BACKUP_REQ_HEADERS];
    char *hval[BACKUP_REQ_HEADERS];
    size_t n_hdrs;
    /* body: memory, or a file range when fd >= 0 */
    unsigned char *body;
    int body_owned;
    uint64_t body_len;
    int fd;
    uint64_t off;
    char payload_hash[65]; /* "" = the body's SHA-256 (memory) or UNSIGNED-PAYLOAD (file) */
    /* answer */
    backup_sink_fn sink; /* 2xx body goes here when set, else into resp */
    backup_reset_fn reset;
    void *sink_ctx;
    int status;
    struct aws_headers headers;
    char *resp;
    size_t resp_len;
    size_t resp_cap;
    int rc; /* AWS_OK, AWS_E_HTTP, AWS_E_TRANSPORT, AWS_ERR */
    struct aws_error err;
    int attempts;
    /* completion: done owns the request (frees it); NULL for backup_xfer_call */
    backup_done_fn done;
    void *ctx;
    long tag;
    /* engine state */
    void *priv;
};

/* A request (method is a static string, key raw, query in wire form). NULL on OOM. */
struct backup_req *backup_req_new(const char *method, const char *key, const char *query);
int backup_req_header(struct backup_req *r, const char *name, const char *value);
/* The body: p (len bytes); owned = 1 hands p (malloc'ed) to the request. */
void backup_req_body(struct backup_req *r, void *p, size_t len, int owned);
void backup_req_body_file(struct backup_req *r, int fd, uint64_t off, uint64_t len);
void backup_req_free(struct backup_req *r);
/* Forgets the answer (before reusing a request). */
void backup_req_reset_answer(struct backup_req *r);

struct backup_xfer_stats {
    unsigned long requests; /* attempts sent */
    unsigned long puts;     /* PUT and POST requests completed with 2xx */
    unsigned long gets;
    unsigned long retries;
    uint64_t bytes_up;
    uint64_t bytes_down;
};

/* An engine for bucket with at most concurrency transfers at once, on the S3 client's
 * region, endpoint, credentials and retry settings. FC_OK or FC_ERR (message in err). */
int backup_xfer_new(HDF *cfg, const char *bucket, int concurrency, struct backup_xfer **out,
                    char *err, size_t errlen);
void backup_xfer_free(struct backup_xfer *x);
/* Queues r (signed and sent when a slot is free). */
void backup_xfer_submit(struct backup_xfer *x, struct backup_req *r);
/* Runs until nothing is queued or running and feed (may be NULL) has nothing more. FC_OK, or
 * FC_ERR when the engine itself failed (out of memory). */
int backup_xfer_run(struct backup_xfer *x, backup_feed_fn feed, void *ctx);
/* Sends r alone and waits for it; returns r->rc. Not from inside a run. */
int backup_xfer_call(struct backup_xfer *x, struct backup_req *r);
/* Called about 5 times a second while running (progress display). */
void backup_xfer_on_tick(struct backup_xfer *x, void (*tick)(void *), void *ctx);
void backup_xfer_get_stats(const struct backup_xfer *x, struct backup_xfer_stats *out);
int backup_xfer_concurrency(const struct backup_xfer *x);
/* The endpoint URL (for messages). */
const char *backup_xfer_endpoint(const struct backup_xfer *x);
/* "CODE: message (HTTP n)" for a failed request into buf. */
const char *backup_req_strerror(const struct backup_req *r, char *buf, size_t n);

/* ---- S3 operations (synchronous, through the engine) ------------------------ */

enum { BACKUP_NOTFOUND = 1 };

/* GET key into *body (malloc'ed, NUL-terminated) and *len. 0, BACKUP_NOTFOUND or -1. */
int backup_s3_get(struct backup_xfer *x, const char *key, char **body, size_t *len, char *err,
                  size_t errlen);
/* PUT of a small body with x-amz-checksum-sha256. 0 or -1. */
int backup_s3_put(struct backup_xfer *x, const char *key, const void *body, size_t len, char *err,
                  size_t errlen);
/* DELETE key (a missing key is not an error). 0 or -1. */
int backup_s3_delete(struct backup_xfer *x, const char *key, char *err, size_t errlen);

struct backup_s3_object {
    const char *key;
    uint64_t size;
    time_t mtime; /* LastModified */
    const char *etag;
};
/* ListObjectsV2 of every key under prefix; fn is called for each (stop by returning
 * non-zero). 0 or -1. */
int backup_s3_list(struct backup_xfer *x, const char *prefix,
                   int (*fn)(void *ctx, const struct backup_s3_object *o), void *ctx, char *err,
                   size_t errlen);
/* Reads one ListObjectsV2 answer: fn for each object (a non-zero return stops: 1), then
 * *truncated and the next page's token (into token, of token_len bytes). 0, 1 or -1 (err
 * filled: not a listing, or truncated without a token). */
int backup_s3_list_page(const char *body, size_t len,
                        int (*fn)(void *ctx, const struct backup_s3_object *o), void *ctx,
                        char *token, size_t token_len, int *truncated, char *err, size_t errlen);
/* Deletes keys (batches of 1000, multi-object delete with Content-MD5). 0 or -1. */
int backup_s3_delete_many(struct backup_xfer *x, char **keys, size_t n, char *err, size_t errlen);
/* HEAD bucket: 0 exists, BACKUP_NOTFOUND, -1. */
int backup_s3_bucket_exists(struct backup_xfer *x, char *err, size_t errlen);
int backup_s3_bucket_create(struct backup_xfer *x, const char *region, char *err, size_t errlen);
int backup_s3_bucket_versioning(struct backup_xfer *x, char *err, size_t errlen);
/* Aborts the multipart uploads under prefix started more than older_than seconds ago (or
 * all listed when older_than is 0). Returns how many, or -1 when the listing is refused
 * (emulators without ListMultipartUploads). */
int backup_s3_abort_stale_uploads(struct backup_xfer *x, const char *prefix, long older_than);
/* Adds Content-MD5 for body. 0 or -1. */
int backup_req_content_md5(struct backup_req *r, const void *body, size_t len);

/* The text of root_name's child name in an XML answer into out. 0, or -1 when the root is not
 * root_name or has no such child. */
int backup_xml_text(const char *body, size_t len, const char *root_name, const char *name,
                    char *out, size_t n);

/* Appends s to b with XML escaping. */
void backup_buf_xml(struct fc_buf *b, const char *s);

/* Parses an ISO 8601 time ("2024-05-01T10:00:00.000Z": what follows the seconds is ignored);
 * 0 when s is not one. */
time_t backup_parse_iso_time(const char *s);
/* Base64 (no newlines) of n bytes into out (size >= 4*ceil(n/3)+1). */
void backup_base64(const unsigned char *in, size_t n, char *out);

/* ---- client-side encryption (AES-256-GCM, segmented) ------------------------ */

#define BACKUP_SEG 65536u /* plaintext bytes per sealed segment */
#define BACKUP_TAG 16u
#define BACKUP_HDR 32u /* "FCBKENC1" + 12-byte nonce base + 12 zero bytes */

struct backup_crypto {
    int on;
    unsigned char enc_key[32];
    unsigned char id_key[32];
};

/* Size of the sealed form of plain bytes. */
uint64_t backup_enc_size(uint64_t plain);
/* The object id of content whose SHA-256 is sha (hex): sha itself, or with encryption the
 * HMAC-SHA256 of it under the id key (so names reveal nothing). out[65]. */
void backup_object_id(const struct backup_crypto *cr, const char *sha, char out[65]);
/* The deterministic nonce base of content sha (hex) (same content, same ciphertext: resumable
 * and deduplicated). */
void backup_content_nonce(const struct backup_crypto *cr, const char *sha, unsigned char n[12]);
/* Seals plaintext in[0..n) as segments first_seg.. of an object (the header first when
 * first_seg is 0); is_last marks the object's final segment. *out is malloc'ed. 0 or -1. */
int backup_seal_range(const struct backup_crypto *cr, const unsigned char nonce[12],
                      const unsigned char *in, size_t n, uint64_t first_seg, int is_last,
                      unsigned char **out, size_t *outlen);
/* Seals a whole buffer with a random nonce (manifests, the key check). */
int backup_seal(const struct backup_crypto *cr, const void *in, size_t n, unsigned char **out,
                size_t *outlen);
/* Opens a whole sealed buffer. 0, or -1 when it is not authentic (wrong key, tampering). */
int backup_open(const struct backup_crypto *cr, const void *in, size_t n, unsigned char **out,
                size_t *outlen);

/* Streaming opener: feed the sealed bytes, get the plaintext through out(). */
struct backup_opener;
struct backup_opener *backup_opener_new(const struct backup_crypto *cr,
                                        int (*out)(void *ctx, const void *p, size_t n), void *ctx);
int backup_opener_feed(struct backup_opener *o, const void *p, size_t n);
/* Ends the stream: 0 when everything was authentic and complete, else -1. */
int backup_opener_finish(struct backup_opener *o);
void backup_opener_reset(struct backup_opener *o);
void backup_opener_free(struct backup_opener *o);

/* Key material: the key file's contents, or $FORKCAST_BACKUP_KEY. 64 hex digits are a raw
 * key; anything else is a passphrase stretched with scrypt (salt from the repository). */
int backup_key_load(const struct backup_opts *o, char **material, char *err, size_t errlen);
/* Derives the keys from material (and salt for passphrases) into cr. 0 or -1. */
int backup_crypto_derive(struct backup_crypto *cr, const char *material,
                         const unsigned char salt[16]);
void backup_crypto_wipe(struct backup_crypto *cr);

/* ---- local cache (SQLite, one per repository) ------------------------------- */

struct backup_cache;

struct backup_index_entry {
    uint64_t size;
    int64_t mtime_ns;
    int64_t ctime_ns;
    uint64_t ino;
    char sha[65];
};

/* Opens the repository cache at path, with the shared file index at index_path attached
 * (NULL: none, in memory). */
int backup_cache_open(const char *path, const char *index_path, struct backup_cache **out,
                      char *err, size_t errlen);
void backup_cache_close(struct backup_cache *c);
/* Meta values (epoch, clean...). get returns "" when unset; buf holds the value. */
const char *backup_cache_meta_get(struct backup_cache *c, const char *k, char *buf, size_t n);
int backup_cache_meta_set(struct backup_cache *c, const char *k, const char *v);
int backup_cache_begin(struct backup_cache *c);
int backup_cache_commit(struct backup_cache *c);
/* Commits and begins again when the open transaction is older than half a second. */
int backup_cache_checkpoint(struct backup_cache *c);
/* The file index into m (path -> struct backup_index_entry *). */
int backup_cache_load_index(struct backup_cache *c, struct backup_map *m);
int backup_cache_index_put(struct backup_cache *c, const char *path,
                           const struct backup_index_entry *e);
/* Known objects of the repository into m (id -> (void *)(size + 1)). */
int backup_cache_load_objects(struct backup_cache *c, struct backup_map *m);
int backup_cache_object_put(struct backup_cache *c, const char *id, uint64_t size);
int backup_cache_object_del(struct backup_cache *c, const char *id);
int backup_cache_objects_clear(struct backup_cache *c);
/* Multipart journal. */
struct backup_mpu {
    char id[65];
    char upload_id[256];
    uint64_t part_size;
    uint64_t size;
    int nparts;
    char (*etags)[80]; /* per part, "" when not uploaded yet */
    char (*sums)[48];  /* base64 SHA-256 per part */
};
int backup_cache_mpu_get(struct backup_cache *c, const char *id, struct backup_mpu *m);
int backup_cache_mpu_start(struct backup_cache *c, const struct backup_mpu *m);
int backup_cache_mpu_part(struct backup_cache *c, const char *id, int part, const char *etag,
                          const char *sum);
int backup_cache_mpu_del(struct backup_cache *c, const char *id);
/* Journal entries: fn(ctx, id, upload_id) for each. */
int backup_cache_mpu_each(struct backup_cache *c,
                          int (*fn)(void *ctx, const char *id, const char *upload_id), void *ctx);
/* Snapshot summaries (JSON text) by id. */
int backup_cache_summary_get(struct backup_cache *c, const char *id, char **json);
int backup_cache_summary_put(struct backup_cache *c, const char *id, const char *json);
int backup_cache_summary_del(struct backup_cache *c, const char *id);

/* ---- snapshot manifests ---------------------------------------------------- */

enum { BACKUP_FILE = 'f', BACKUP_DIR = 'd', BACKUP_LINK = 'l' };

struct backup_entry {
    char *path; /* relative, '/'-separated */
    char type;
    uint64_t size;
    int64_t mtime_ns;
    unsigned mode; /* permission bits */
    char sha[65];  /* files */
    char *target;  /* symlinks */
    /* run state (not serialised) */
    char *src; /* absolute path to read (the database copy for databases) */
    int is_db;
    int64_t ctime_ns;
    uint64_t ino;
    int indexed; /* 1 when the hash came from the index */
};

struct backup_manifest {
    char id[64];
    int64_t time;
    char host[128];
    char **roots;
    size_t n_roots;
    uint64_t files, dirs, bytes, new_files, new_bytes;
    struct backup_entry *e;
    size_t n;
    size_t cap;
};

struct backup_entry *backup_manifest_add(struct backup_manifest *m);
void backup_manifest_free(struct backup_manifest *m);
/* Sorts entries by path. */
void backup_manifest_sort(struct backup_manifest *m);
/* Encodes m as gzip'ed JSON, sealed when cr->on. */
int backup_manifest_encode(const struct backup_manifest *m, const struct backup_crypto *cr,
                           unsigned char **out, size_t *outlen);
/* Decodes; -2 when it cannot be opened with the key (wrong key), -1 when malformed. */
int backup_manifest_decode(const void *in, size_t n, const struct backup_crypto *cr,
                           struct backup_manifest *m);
/* The summary (everything but entries) as a JSON object string (malloc'ed). */
char *backup_manifest_summary(const struct backup_manifest *m);

/* ---- repository ------------------------------------------------------------ */

struct backup_progress;

struct backup_repo {
    HDF *cfg;
    struct backup_opts *o;
    struct backup_xfer *x;
    struct backup_cache *cache;
    struct backup_crypto cr;
    char epoch[80];
    struct backup_map objects; /* known objects: id -> size + 1 */
    int objects_loaded;
    struct backup_progress *pr;
};

/* Opens the repository s3://bucket/prefix: the engine, the cache, the config object (created
 * when create is 1 and it is missing) and the keys. FC_OK, FC_NOTFOUND (no repository and
 * create = 0), FC_EAUTH (wrong or missing key) or FC_ERR; the message is printed. */
int backup_repo_open(HDF *cfg, struct backup_opts *o, int create, struct backup_repo **out);
void backup_repo_close(struct backup_repo *r);
/* prefix + "/" + rest (or rest when the prefix is empty) into buf. */
const char *backup_key(const struct backup_repo *r, const char *rest, char *buf, size_t n);
/* The key of object id. */
const char *backup_object_key(const struct backup_repo *r, const char *id, char *buf, size_t n);
/* The object id of an object's key (its last part, after the last '/'), or NULL when that is not
 * 64 characters long. */
const char *backup_object_id_of(const char *key);
/* A GET of object id whose 2xx body goes to sink(ctx) (reset(ctx) before each attempt) and
 * that calls done with ctx when it ends; NULL when out of memory. Submit it with
 * backup_xfer_submit. */
struct backup_req *backup_object_get(const struct backup_repo *r, const char *id,
                                     backup_sink_fn sink, backup_reset_fn reset,
                                     backup_done_fn done, void *ctx);
/* Loads the known-objects set, refreshing it from the bucket when the cache may be stale
 * (another epoch, an interrupted run, a new cache) or when force is 1. FC_OK or FC_ERR. */
int backup_repo_sync_objects(struct backup_repo *r, int force);
/* Current epoch object (re)read into r->epoch. FC_OK or FC_ERR. */
int backup_repo_read_epoch(struct backup_repo *r, char *out, size_t n);
/* Writes a new epoch (after deleting objects). */
int backup_repo_bump_epoch(struct backup_repo *r);
/* Snapshot ids (sorted, oldest first) into *ids. FC_OK or FC_ERR. */
int backup_repo_snapshots(struct backup_repo *r, char ***ids, size_t *n);
void backup_strv_free(char **v, size_t n);
/* Loads manifest id ("latest" and unique prefixes accepted). FC_OK, FC_NOTFOUND, FC_EAUTH, FC_ERR.
 */
int backup_repo_manifest(struct backup_repo *r, const char *id, struct backup_manifest *m);
/* The summary of snapshot id (from the cache, else from its manifest). */
int backup_repo_summary(struct backup_repo *r, const char *id, char **json);

/* ---- progress -------------------------------------------------------------- */

struct backup_progress {
    const char *phase;
    uint64_t files_total, files_done;
    uint64_t bytes_total, bytes_done;
    uint64_t bytes_sent;
    double started;
    double last_draw;
    int tty;
    int drawn;
    char status_file[PATH_MAX];
    char snapshot[64];
    const struct backup_xfer *x;
};

void backup_progress_init(struct backup_progress *p, const struct backup_opts *o,
                          const char *phase);
/* Redraws the bar (TTY) and rewrites the status file, at most 5 times a second. */
void backup_progress_tick(void *p);
/* Final state: state is "done" or "failed" (with message). */
void backup_progress_end(struct backup_progress *p, const char *state, const char *message);
double backup_now(void);

/* ---- uploads: single PUT or parallel multipart, resumable ---------------------------- */

struct backup_uploader;

struct backup_upjob {
    char *key;          /* object key */
    char *src;          /* the file (also named in messages) */
    unsigned char *mem; /* the whole plaintext when already read (owned), else NULL */
    uint64_t size;      /* plaintext size */
    char sha[65];       /* plaintext SHA-256 */
    int encrypt;
    char journal[65]; /* multipart journal id */
    void (*done)(struct backup_upjob *j, int ok);
    void *ctx;
    uint64_t stored; /* bytes stored (sealed size when encrypted) */
    char error[512];
    /* state */
    struct backup_uploader *u;
    int fd;
    unsigned char nonce[12];
    int multipart;
    int nparts;
    int next_part;
    int parts_done;
    int inflight;
    int restarted;
    int failed;
    char upload_id[256];
    char (*etags)[80];
    char (*sums)[48];
    unsigned char (*part_sha)[32]; /* SHA-256 of each part when hashed with the file, or NULL */
    struct backup_upjob *next_mpu;
};

struct backup_uploader {
    struct backup_xfer *x;
    struct backup_cache *cache; /* multipart journal, may be NULL */
    const struct backup_crypto *cr;
    uint64_t threshold;
    uint64_t part_size;
    uint64_t mem_inflight;
    uint64_t mem_limit;
    struct backup_upjob *mpu; /* multipart jobs with parts still to send */
    struct backup_progress *pr;
    int jobs_active;
};

void backup_uploader_init(struct backup_uploader *u, struct backup_xfer *x,
                          struct backup_cache *cache, const struct backup_crypto *cr,
                          const struct backup_opts *o, struct backup_progress *pr);
/* 1 when another job may start now (memory budget). */
int backup_up_room(const struct backup_uploader *u);
/* Starts j (takes it: j->done is called exactly once, and frees nothing of j). Returns the
 * number of requests submitted (0 when it failed at once: done was called). */
int backup_up_start(struct backup_uploader *u, struct backup_upjob *j);
/* Submits the next multipart part if the budget allows; 1 when it did. */
int backup_up_feed(struct backup_uploader *u);
/* A job for file src (size bytes, SHA-256 sha) to key, taking over mem (the whole file, or
 * NULL) and part_sha (its parts' hashes, or NULL); done(j, ok) with ctx when it ends. NULL when
 * out of memory (mem and part_sha freed). */
struct backup_upjob *backup_upjob_new(const char *key, const char *src, const char *sha,
                                      uint64_t size, unsigned char *mem,
                                      unsigned char (*part_sha)[32],
                                      void (*done)(struct backup_upjob *j, int ok), void *ctx);
void backup_upjob_free(struct backup_upjob *j);
/* The part size of a multipart upload of size bytes. */
uint64_t backup_up_part_size(const struct backup_uploader *u, uint64_t size);
/* SHA-256 of a file (hex) and of each of its parts of part_size bytes (*parts, malloc'ed; NULL
 * when the file does not have the expected size any more), read by two threads. 0 or -1. */
int backup_hash_file_parts(const char *path, uint64_t part_size, uint64_t expect, char sha[65],
                           unsigned char (**parts)[32], uint64_t *size);
/* SHA-256 of a file (hex) and, when keep is non-NULL and the file is at most small bytes, its
 * content. 0 or -1 (errno set). */
int backup_hash_file(const char *path, uint64_t small, char sha[65], unsigned char **keep,
                     uint64_t *size);
/* Hashes the file of entry e for an upload by u into e->sha: part by part too (*part_sha) when
 * it will go up in parts (at least u's threshold and not encrypted), else whole, its content
 * kept in *content when it is small. *size gets the size read. 0, or -1 when it cannot be read. */
int backup_up_hash(const struct backup_uploader *u, struct backup_entry *e, unsigned char **content,
                   unsigned char (**part_sha)[32], uint64_t *size);
/* What to do with file entry e, for backup_up_feed_files: 0 with *j a job to start, 0 with *j
 * NULL to pass e over, or -1 to count a failure and start nothing more. */
typedef int (*backup_up_file_fn)(void *ctx, struct backup_entry *e, struct backup_upjob **j);
/* A transfer engine's feed that uploads the files of m: the next multipart part when there is
 * one to send, else, while there is room and *failures is 0, the file entries m->e[*next...]
 * through file(ctx, ...), starting each job it makes. Returns what a backup_feed_fn returns. */
int backup_up_feed_files(struct backup_uploader *u, struct backup_manifest *m, size_t *next,
                         int *failures, backup_up_file_fn file, void *ctx);

/* ---- the commands ---------------------------------------------------------- */

struct backup_run_args {
    char **paths;
    int n_paths;
    int mirror;
    int delete_extra; /* mirror --delete */
    int64_t time;     /* snapshot time override (0 = now) */
};

int backup_cmd_run(HDF *cfg, struct backup_opts *o, const struct backup_run_args *a);
int backup_cmd_mirror(HDF *cfg, struct backup_opts *o, const struct backup_run_args *a);
int backup_cmd_restore(HDF *cfg, struct backup_opts *o, const char *snap, const char *path,
                       const char *to);
int backup_cmd_verify(HDF *cfg, struct backup_opts *o, const char *snap, int deep);
int backup_cmd_prune(HDF *cfg, struct backup_opts *o, int keep_last, int keep_daily,
                     int keep_weekly, int dry_run);
int backup_cmd_list(HDF *cfg, struct backup_opts *o, int json);
int backup_cmd_init(HDF *cfg, struct backup_opts *o, int versioning);

/* Walks roots into m (entries with src set); databases are copied with SQLite's online
 * backup API into cache_dir (their copies are listed in *tmp for removal). FC_OK or FC_ERR. */
int backup_walk(const struct backup_opts *o, char **roots, int n_roots, struct backup_manifest *m,
                char ***tmp, size_t *n_tmp);
/* 1 when the store is not SQLite (DynamoDB): the data folder holds no database, so a run
 * of the data folder exports the store's rows (backup/export.c). */
int backup_store_export_needed(HDF *cfg);
/* Exports every row of the configured store into a new SQLite database at dst (restorable
 * with `forkcast dynamodb copy --from sqlite`). *rows gets the count. FC_OK or FC_ERR. */
int backup_store_export(HDF *cfg, const char *dst, long *rows, char *err, size_t errlen);
/* The snapshot path of that export. */
#define BACKUP_STORE_EXPORT "forkcast-store-export.db"
/* Copies the SQLite database src into dst with the online backup API. FC_OK or FC_ERR. */
int backup_sqlite_copy(const char *src, const char *dst, char *err, size_t errlen);

/* mkdir -p. 0 or -1. */
int backup_mkdirs(const char *path, mode_t mode);

/* Prints a message for the user (stderr), clearing the progress line first. */
void backup_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- for the admin page and the worker ------------------------------------- */

/* The worker's job types (backup/job.c; listed in worker/registry.c). Payloads: {} for a
 * backup of the data folder, {"snapshot": ID, "to": DIR} for a restore. */
#define FC_BACKUP_JOB         "s3.backup"
#define FC_BACKUP_RESTORE_JOB "s3.restore"

/* The status file of the latest background backup or restore (Backup.StatusFile, default
 * Data.Dir/backup-status.json), as written by backup/progress.c. */
struct fc_backup_status {
    char state[16]; /* running | done | failed */
    char phase[16]; /* scan | backup | restore */
    char snapshot[64];
    char message[512];
    int64_t pid;
    int64_t files_done, files_total, bytes_done, bytes_total;
    int64_t updated;
    double seconds;
    int alive; /* the process that writes it still runs */
};

int fc_backup_status_path(HDF *cfg, char *out, size_t n);
/* FC_OK, FC_NOTFOUND (no status file yet) or FC_ERR. */
int fc_backup_status_read(HDF *cfg, struct fc_backup_status *st);
/* 1 when a backup or restore is running. */
int fc_backup_busy(HDF *cfg);
/* Where the admin page restores to: Backup.RestoreDir, default Data.Dir/restores. */
int fc_backup_restore_root(HDF *cfg, char *out, size_t n);
/* Starts `forkcast backup run` (op "run") or `forkcast backup restore SNAPSHOT --to DIR` (op
 * "restore") detached (own session, reparented to init), writing the status file, output in
 * the status file's name + ".log". *pid is its process id. FC_OK or FC_ERR. */
int fc_backup_spawn(HDF *cfg, const char *op, const char *snapshot, const char *to, pid_t *pid,
                    char *err, size_t errlen);

/* One snapshot of the repository and its summary. */
struct fc_backup_snapshot {
    char id[64]; /* "20240501T120000Z-1a2b" */
    int64_t time;
    uint64_t files, bytes, new_bytes, new_files;
};

/* The snapshots of the configured repository, newest first: *out (malloc'ed, the caller
 * frees) holds *n of them. FC_OK or FC_ERR (message in err). */
int fc_backup_list(HDF *cfg, struct fc_backup_snapshot **out, size_t *n, char *err, size_t errlen);

#endif
