/* backup/repo: a repository in s3://bucket/prefix: config, keys, epoch, cache, snapshots. */
#include "backup/backup.h"
#include "core/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#define REPO_FORMAT "forkcast-backup"
#define KEY_CHECK   "forkcast-backup key check"

const char *backup_key(const struct backup_repo *r, const char *rest, char *buf, size_t n)
{
    if (r->o->prefix[0])
        snprintf(buf, n, "%s/%s", r->o->prefix, rest);
    else
        snprintf(buf, n, "%s", rest);
    return buf;
}

const char *backup_object_key(const struct backup_repo *r, const char *id, char *buf, size_t n)
{
    char rest[128];

    snprintf(rest, sizeof rest, "data/%.2s/%s", id, id);
    return backup_key(r, rest, buf, n);
}

const char *backup_object_id_of(const char *key)
{
    const char *id = strrchr(key, '/');

    id = id ? id + 1 : key;
    return strlen(id) == 64 ? id : NULL;
}

struct backup_req *backup_object_get(const struct backup_repo *r, const char *id,
                                     backup_sink_fn sink, backup_reset_fn reset,
                                     backup_done_fn done, void *ctx)
{
    char key[1400];
    struct backup_req *q = backup_req_new("GET", backup_object_key(r, id, key, sizeof key), NULL);

    if (q) {
        q->sink = sink;
        q->reset = reset;
        q->sink_ctx = ctx;
        q->done = done;
        q->ctx = ctx;
    }
    return q;
}

/* Writes a new repository config (random id and salt, the key check when encrypted). */
static int create_config(struct backup_repo *r, const char *material, char **text)
{
    unsigned char salt[16], rid[16], *sealed = NULL;
    char salt_hex[33], rid_hex[33], *check = NULL;
    size_t sealed_len = 0;
    json_object *o = json_object_new_object();
    int rc = -1;

    *text = NULL;
    if (fc_random(salt, sizeof salt) || fc_random(rid, sizeof rid))
        goto out;
    fc_hex(salt_hex, salt, sizeof salt);
    fc_hex(rid_hex, rid, sizeof rid);
    json_object_object_add(o, "format", json_object_new_string(REPO_FORMAT));
    json_object_object_add(o, "version", json_object_new_int(1));
    json_object_object_add(o, "id", json_object_new_string(rid_hex));
    json_object_object_add(o, "created", json_object_new_int64(fc_now()));
    json_object_object_add(o, "layout", json_object_new_string("data/XX/ID, snapshots/ID"));
    if (material) {
        if (backup_crypto_derive(&r->cr, material, salt) ||
            backup_seal(&r->cr, KEY_CHECK, strlen(KEY_CHECK), &sealed, &sealed_len))
            goto out;
        check = malloc(sealed_len * 2 + 1);
        if (!check)
            goto out;
        fc_hex(check, sealed, sealed_len);
        json_object_object_add(o, "encryption", json_object_new_string("aes-256-gcm"));
        json_object_object_add(o, "salt", json_object_new_string(salt_hex));
        json_object_object_add(o, "check", json_object_new_string(check));
    } else {
        json_object_object_add(o, "encryption", json_object_new_string("none"));
    }
    *text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
    rc = *text ? 0 : -1;
out:
    free(check);
    free(sealed);
    json_object_put(o);
    return rc;
}

/* Reads the config text: encryption and keys. FC_OK, FC_EAUTH or FC_ERR. */
static int load_config(struct backup_repo *r, const char *text, const char *material, char *repo_id,
                       size_t idlen)
{
    json_object *o = json_tokener_parse(text), *v;
    const char *enc = NULL, *salt = NULL, *check = NULL, *fmt = NULL;
    unsigned char salt_raw[16], *sealed = NULL, *plain = NULL;
    size_t plen = 0;
    int rc = FC_ERR, n;

    if (o && json_object_object_get_ex(o, "format", &v))
        fmt = json_object_get_string(v);
    if (!fmt || strcmp(fmt, REPO_FORMAT)) {
        backup_msg("forkcast: backup: s3://%s/%s is not a forkcast backup repository", r->o->bucket,
                   r->o->prefix);
        goto out;
    }
    /* "id": null has no string (json-c gives NULL) */
    if (json_object_object_get_ex(o, "id", &v) && json_object_is_type(v, json_type_string))
        fc_strlcpy(repo_id, json_object_get_string(v), idlen);
    if (json_object_object_get_ex(o, "encryption", &v))
        enc = json_object_get_string(v);
    if (json_object_object_get_ex(o, "salt", &v))
        salt = json_object_get_string(v);
    if (json_object_object_get_ex(o, "check", &v))
        check = json_object_get_string(v);
    if (!enc || !strcmp(enc, "none")) {
        if (material) {
            backup_msg("forkcast: backup: the repository s3://%s/%s is not encrypted, but an "
                       "encryption key was given (unset it, or use another prefix)",
                       r->o->bucket, r->o->prefix);
            rc = FC_EAUTH;
            goto out;
        }
        rc = FC_OK;
        goto out;
    }
    if (strcmp(enc, "aes-256-gcm") || !salt || !check) {
        backup_msg("forkcast: backup: unknown encryption %s", enc);
        goto out;
    }
    if (!material) {
        backup_msg("forkcast: backup: the repository s3://%s/%s is encrypted: give its key "
                   "(--key-file FILE, Backup.KeyFile or $FORKCAST_BACKUP_KEY)",
                   r->o->bucket, r->o->prefix);
        rc = FC_EAUTH;
        goto out;
    }
    sealed = malloc(strlen(check) / 2 + 1);
    if (!sealed || fc_unhex(salt_raw, sizeof salt_raw, salt) != 16 ||
        (n = fc_unhex(sealed, strlen(check) / 2 + 1, check)) < 0)
        goto out;
    if (backup_crypto_derive(&r->cr, material, salt_raw))
        goto out;
    if (backup_open(&r->cr, sealed, (size_t)n, &plain, &plen) || plen != strlen(KEY_CHECK) ||
        memcmp(plain, KEY_CHECK, plen)) {
        backup_msg("forkcast: backup: wrong encryption key for s3://%s/%s (the key check does "
                   "not decrypt)",
                   r->o->bucket, r->o->prefix);
        backup_crypto_wipe(&r->cr);
        rc = FC_EAUTH;
        goto out;
    }
    rc = FC_OK;
out:
    free(plain);
    free(sealed);
    json_object_put(o);
    return rc;
}

int backup_repo_open(HDF *cfg, struct backup_opts *o, int create, struct backup_repo **out)
{
    struct backup_repo *r = calloc(1, sizeof(*r));
    char err[1024] = "", key[1200], *text = NULL, *material = NULL, path[PATH_MAX + 64];
    char repo_id[64] = "", cached_id[64], hash[65], *id_src = NULL, index[PATH_MAX + 16];
    size_t len;
    int rc = FC_ERR, g;

    *out = NULL;
    if (!r)
        return FC_ERR;
    r->cfg = cfg;
    r->o = o;
    if (backup_xfer_new(cfg, o->bucket, o->concurrency, &r->x, err, sizeof err)) {
        backup_msg("forkcast: backup: %s", err);
        goto out;
    }
    if (backup_key_load(o, &material, err, sizeof err)) {
        backup_msg("forkcast: backup: %s", err);
        rc = FC_EAUTH;
        goto out;
    }
    g = backup_s3_get(r->x, backup_key(r, "config", key, sizeof key), &text, &len, err, sizeof err);
    if (g == BACKUP_NOTFOUND && !strcmp(err, "NoSuchBucket")) {
        backup_msg("forkcast: backup: the bucket %s does not exist (run `forkcast backup init`)",
                   o->bucket);
        rc = FC_NOTFOUND;
        goto out;
    }
    if (g == BACKUP_NOTFOUND && !create) {
        backup_msg("forkcast: backup: no backup repository at s3://%s/%s (run `forkcast backup "
                   "init` or `forkcast backup run`)",
                   o->bucket, o->prefix);
        rc = FC_NOTFOUND;
        goto out;
    }
    if (g < 0) {
        backup_msg("forkcast: backup: cannot read s3://%s/%s: %s", o->bucket, key, err);
        goto out;
    }
    if (g == BACKUP_NOTFOUND) {
        if (create_config(r, material, &text)) {
            backup_msg("forkcast: backup: cannot create the repository config");
            goto out;
        }
        if (backup_s3_put(r->x, key, text, strlen(text), err, sizeof err)) {
            backup_msg("forkcast: backup: cannot write s3://%s/%s: %s", o->bucket, key, err);
            goto out;
        }
        backup_crypto_wipe(&r->cr);
    }
    rc = load_config(r, text, material, repo_id, sizeof repo_id);
    if (rc != FC_OK)
        goto out;
    rc = FC_ERR;
    /* The cache: one per endpoint, bucket and prefix. */
    if (backup_mkdirs(o->cache_dir, 0700)) {
        backup_msg("forkcast: backup: cannot create the cache folder %s", o->cache_dir);
        goto out;
    }
    if (asprintf(&id_src, "%s\n%s", backup_xfer_endpoint(r->x), o->prefix) < 0)
        goto out;
    fc_sha256_hex(hash, id_src, strlen(id_src));
    snprintf(path, sizeof path, "%s/%.16s.db", o->cache_dir, hash);
    snprintf(index, sizeof index, "%s/files.db", o->cache_dir);
    if (backup_cache_open(path, index, &r->cache, err, sizeof err)) {
        backup_msg("forkcast: backup: %s", err);
        goto out;
    }
    backup_cache_meta_get(r->cache, "repo_id", cached_id, sizeof cached_id);
    if (strcmp(cached_id, repo_id)) {
        /* Another repository than the cache knew (recreated): forget what it knew. */
        backup_cache_objects_clear(r->cache);
        backup_cache_meta_set(r->cache, "synced", "0");
        backup_cache_meta_set(r->cache, "repo_id", repo_id);
    }
    *out = r;
    r = NULL;
    rc = FC_OK;
out:
    free(id_src);
    free(text);
    if (material) {
        OPENSSL_cleanse(material, strlen(material));
        free(material);
    }
    backup_repo_close(r);
    return rc;
}

void backup_repo_close(struct backup_repo *r)
{
    if (!r)
        return;
    backup_cache_close(r->cache);
    backup_xfer_free(r->x);
    backup_map_free(&r->objects, NULL);
    backup_crypto_wipe(&r->cr);
    free(r);
}

int backup_repo_read_epoch(struct backup_repo *r, char *out, size_t n)
{
    char key[1200], err[700], *body = NULL;
    size_t len;
    int g =
        backup_s3_get(r->x, backup_key(r, "epoch", key, sizeof key), &body, &len, err, sizeof err);

    out[0] = '\0';
    if (g < 0) {
        backup_msg("forkcast: backup: cannot read %s: %s", key, err);
        return FC_ERR;
    }
    if (g == 0)
        fc_strlcpy(out, fc_trim(body), n);
    free(body);
    return FC_OK;
}

int backup_repo_bump_epoch(struct backup_repo *r)
{
    unsigned char rnd[16];
    char hex[33], key[1200], err[700];

    if (fc_random(rnd, sizeof rnd))
        return FC_ERR;
    fc_hex(hex, rnd, sizeof rnd);
    if (backup_s3_put(r->x, backup_key(r, "epoch", key, sizeof key), hex, strlen(hex), err,
                      sizeof err)) {
        backup_msg("forkcast: backup: cannot write %s: %s", key, err);
        return FC_ERR;
    }
    fc_strlcpy(r->epoch, hex, sizeof r->epoch);
    return FC_OK;
}

struct list_ctx {
    struct backup_repo *r;
    struct backup_map *m;
    size_t skip;
    int bad;
};

static int on_object(void *ctx, const struct backup_s3_object *o)
{
    struct list_ctx *l = ctx;
    const char *id = backup_object_id_of(o->key);

    if (!id)
        return 0;
    if (backup_map_put(l->m, id, (void *)(uintptr_t)(o->size + 1), NULL) ||
        backup_cache_object_put(l->r->cache, id, o->size)) {
        l->bad = 1;
        return 1;
    }
    return 0;
}

int backup_repo_sync_objects(struct backup_repo *r, int force)
{
    char epoch[80], cached[80], clean[8], synced[8], prefix[1200], err[1024];
    struct list_ctx l = {r, &r->objects, 0, 0};

    if (backup_repo_read_epoch(r, epoch, sizeof epoch))
        return FC_ERR;
    fc_strlcpy(r->epoch, epoch, sizeof r->epoch);
    backup_cache_meta_get(r->cache, "epoch", cached, sizeof cached);
    backup_cache_meta_get(r->cache, "clean", clean, sizeof clean);
    backup_cache_meta_get(r->cache, "synced", synced, sizeof synced);
    backup_map_free(&r->objects, NULL);
    if (!force && !strcmp(synced, "1") && !strcmp(epoch, cached) && strcmp(clean, "0")) {
        if (backup_cache_load_objects(r->cache, &r->objects))
            return FC_ERR;
        r->objects_loaded = 1;
        return FC_OK;
    }
    if (r->o->verbose)
        backup_msg("listing the objects of s3://%s/%s (the cache may be stale)", r->o->bucket,
                   r->o->prefix);
    backup_cache_begin(r->cache);
    backup_cache_objects_clear(r->cache);
    if (backup_s3_list(r->x, backup_key(r, "data/", prefix, sizeof prefix), on_object, &l, err,
                       sizeof err) ||
        l.bad) {
        backup_cache_commit(r->cache);
        backup_cache_meta_set(r->cache, "synced", "0");
        backup_msg("forkcast: backup: cannot list s3://%s/%s: %s", r->o->bucket, prefix,
                   l.bad ? "out of memory" : err);
        return FC_ERR;
    }
    backup_cache_meta_set(r->cache, "epoch", epoch);
    backup_cache_meta_set(r->cache, "synced", "1");
    backup_cache_commit(r->cache);
    r->objects_loaded = 1;
    return FC_OK;
}

struct snap_ctx {
    char **v;
    size_t n, cap;
    size_t skip;
    int bad;
};

static int on_snapshot(void *ctx, const struct backup_s3_object *o)
{
    struct snap_ctx *s = ctx;
    const char *id = o->key + s->skip;

    if (strlen(o->key) <= s->skip || strchr(id, '/'))
        return 0;
    if (fc_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v, 32) || !(s->v[s->n] = strdup(id))) {
        s->bad = 1;
        return 1;
    }
    s->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int backup_repo_snapshots(struct backup_repo *r, char ***ids, size_t *n)
{
    char prefix[1200], err[1024];
    struct snap_ctx s = {0};

    *ids = NULL;
    *n = 0;
    backup_key(r, "snapshots/", prefix, sizeof prefix);
    s.skip = strlen(prefix);
    if (backup_s3_list(r->x, prefix, on_snapshot, &s, err, sizeof err) || s.bad) {
        backup_msg("forkcast: backup: cannot list the snapshots: %s",
                   s.bad ? "out of memory" : err);
        backup_strv_free(s.v, s.n);
        return FC_ERR;
    }
    if (s.n > 1)
        qsort(s.v, s.n, sizeof(char *), cmp_str);
    *ids = s.v;
    *n = s.n;
    return FC_OK;
}

/* Resolves "latest" or a unique prefix into id. */
static int resolve(struct backup_repo *r, const char *want, char *id, size_t n)
{
    char **ids;
    size_t count, found = 0;
    int rc = FC_NOTFOUND;

    if (backup_repo_snapshots(r, &ids, &count))
        return FC_ERR;
    if (!strcmp(want, "latest")) {
        if (count) {
            fc_strlcpy(id, ids[count - 1], n);
            rc = FC_OK;
        }
    } else {
        for (size_t i = 0; i < count; i++) {
            if (!strcmp(ids[i], want)) {
                found = 1;
                fc_strlcpy(id, ids[i], n);
                break;
            }
            if (!strncmp(ids[i], want, strlen(want))) {
                found++;
                fc_strlcpy(id, ids[i], n);
            }
        }
        if (found == 1)
            rc = FC_OK;
        else if (found > 1)
            backup_msg("forkcast: backup: %s matches several snapshots", want);
    }
    backup_strv_free(ids, count);
    return rc;
}

int backup_repo_manifest(struct backup_repo *r, const char *want, struct backup_manifest *m)
{
    char id[128], rest[200], key[1400], err[1024], *body = NULL;
    size_t len;
    int rc, g, d;

    memset(m, 0, sizeof(*m));
    rc = resolve(r, want, id, sizeof id);
    if (rc != FC_OK) {
        if (rc == FC_NOTFOUND)
            backup_msg("forkcast: backup: no snapshot %s in s3://%s/%s", want, r->o->bucket,
                       r->o->prefix);
        return rc;
    }
    snprintf(rest, sizeof rest, "snapshots/%s", id);
    g = backup_s3_get(r->x, backup_key(r, rest, key, sizeof key), &body, &len, err, sizeof err);
    if (g) {
        backup_msg("forkcast: backup: cannot read %s: %s", key, g < 0 ? err : "not found");
        return g < 0 ? FC_ERR : FC_NOTFOUND;
    }
    d = backup_manifest_decode(body, len, &r->cr, m);
    free(body);
    if (d == -2) {
        backup_msg("forkcast: backup: cannot decrypt snapshot %s: wrong encryption key", id);
        return FC_EAUTH;
    }
    if (d) {
        backup_msg("forkcast: backup: snapshot %s is damaged (not a valid manifest)", id);
        return FC_ERR;
    }
    fc_strlcpy(m->id, id, sizeof m->id);
    return FC_OK;
}

int backup_repo_summary(struct backup_repo *r, const char *id, char **json)
{
    struct backup_manifest m;
    int rc;

    if (backup_cache_summary_get(r->cache, id, json) == FC_OK)
        return FC_OK;
    rc = backup_repo_manifest(r, id, &m);
    if (rc != FC_OK)
        return rc;
    *json = backup_manifest_summary(&m);
    backup_manifest_free(&m);
    if (!*json)
        return FC_ERR;
    backup_cache_summary_put(r->cache, id, *json);
    return FC_OK;
}
