/* rec/snapshot: the recommender's data as one S3 object per data version, written once by a
 * worker under the job lease and read by every app host (see snapshot.h). */
#include "rec/snapshot.h"
#include "aws/s3.h"
#include "core/config.h"
#include "core/util.h"
#include "worker/jobs.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "FCRSNAP1"

/* The header, written as it is in memory: snapshots are read by the same build that wrote
 * them (the record sizes are checked; a host of another build falls back to the store). */
struct header {
    char magic[8];
    uint32_t sizes[5]; /* item, user, rating, event, edge */
    uint32_t pad;
    int64_t version;
    uint64_t counts[6]; /* items, users, ratings, events, friends, blocks */
    unsigned char sha256[32];
};

static void sizes_of(uint32_t s[5])
{
    s[0] = sizeof(struct rec_item);
    s[1] = sizeof(struct rec_user);
    s[2] = sizeof(struct rec_rating);
    s[3] = sizeof(struct rec_event);
    s[4] = sizeof(struct rec_edge);
}

/* The arrays of d in order, with their record sizes. */
struct part {
    void **ptr;
    size_t *n;
    size_t size;
};

static void parts_of(struct rec_dataset *d, struct part p[6])
{
    p[0] = (struct part){(void **)&d->items, &d->n_items, sizeof *d->items};
    p[1] = (struct part){(void **)&d->users, &d->n_users, sizeof *d->users};
    p[2] = (struct part){(void **)&d->ratings, &d->n_ratings, sizeof *d->ratings};
    p[3] = (struct part){(void **)&d->events, &d->n_events, sizeof *d->events};
    p[4] = (struct part){(void **)&d->friends, &d->n_friends, sizeof *d->friends};
    p[5] = (struct part){(void **)&d->blocks, &d->n_blocks, sizeof *d->blocks};
}

/* copy_record names every field: a field added to a record must be added there too */
_Static_assert(sizeof(struct rec_item) == 8 + 64 + 8 + 256 + 128, "rec_item: see copy_record");
_Static_assert(sizeof(struct rec_user) == 8 + 64 + 8 + 1024 + 64, "rec_user: see copy_record");
_Static_assert(sizeof(struct rec_rating) == 32, "rec_rating: see copy_record");
_Static_assert(sizeof(struct rec_event) == 32, "rec_event: see copy_record");
_Static_assert(sizeof(struct rec_edge) == 16, "rec_edge: see copy_record");

#define COPY_STR(f) strncpy(o->f, in->f, sizeof o->f - 1) /* and zeros to the end */
/* Items and users have the same fields (of other sizes). */
#define COPY_PROFILE(T)                                                                            \
    do {                                                                                           \
        struct T *o = (struct T *)(void *)out;                                                     \
        const struct T *in = (const struct T *)(const void *)rec;                                  \
        o->id = in->id;                                                                            \
        COPY_STR(city);                                                                            \
        COPY_STR(price);                                                                           \
        COPY_STR(cuisines);                                                                        \
        COPY_STR(name);                                                                            \
    } while (0)

/* Ratings and events have the same fields but one: stars or type (what). */
#define COPY_ACTION(T, what)                                                                       \
    do {                                                                                           \
        struct T *o = (struct T *)(void *)out;                                                     \
        const struct T *in = (const struct T *)(const void *)rec;                                  \
        o->user = in->user;                                                                        \
        o->item = in->item;                                                                        \
        o->what = in->what;                                                                        \
        o->at = in->at;                                                                            \
    } while (0)

/* Copies record field by field into the zeroed out: no padding or bytes after a string's NUL
 * (whatever the heap held) go into a snapshot. */
static void copy_record(int part, char *out, const char *rec)
{
    switch (part) {
    case 0:
        COPY_PROFILE(rec_item);
        break;
    case 1:
        COPY_PROFILE(rec_user);
        break;
    case 2:
        COPY_ACTION(rec_rating, stars);
        break;
    case 3:
        COPY_ACTION(rec_event, type);
        break;
    default: {
        struct rec_edge *o = (struct rec_edge *)(void *)out;
        const struct rec_edge *in = (const struct rec_edge *)(const void *)rec;
        o->a = in->a;
        o->b = in->b;
    }
    }
}

int rec_snapshot_encode(const struct rec_dataset *d, int64_t version, char **out, size_t *len)
{
    struct rec_dataset copy = *d;
    struct part p[6];
    struct header h;
    size_t total = sizeof h, off;
    char *buf;

    parts_of(&copy, p);
    memset(&h, 0, sizeof h);
    memcpy(h.magic, MAGIC, 8);
    sizes_of(h.sizes);
    h.version = version;
    for (int i = 0; i < 6; i++) {
        h.counts[i] = *p[i].n;
        if (*p[i].n > (SIZE_MAX - total) / p[i].size)
            return FC_ERR;
        total += *p[i].n * p[i].size;
    }
    if (!(buf = malloc(total)))
        return FC_ERR;
    memset(buf, 0, total);
    off = sizeof h;
    for (int i = 0; i < 6; i++) {
        for (size_t k = 0; k < *p[i].n; k++)
            copy_record(i, buf + off + k * p[i].size, (const char *)*p[i].ptr + k * p[i].size);
        off += *p[i].n * p[i].size;
    }
    if (!EVP_Digest(buf + sizeof h, total - sizeof h, h.sha256, NULL, EVP_sha256(), NULL)) {
        free(buf);
        return FC_ERR;
    }
    memcpy(buf, &h, sizeof h);
    *out = buf;
    *len = total;
    return FC_OK;
}

int rec_snapshot_decode(const char *buf, size_t len, int64_t *version, struct rec_dataset *d)
{
    struct header h;
    struct part p[6];
    uint32_t sizes[5];
    unsigned char md[32];
    size_t off = sizeof h, need = sizeof h;

    memset(d, 0, sizeof *d);
    if (len < sizeof h)
        return FC_EINVAL;
    memcpy(&h, buf, sizeof h);
    sizes_of(sizes);
    if (memcmp(h.magic, MAGIC, 8) != 0 || memcmp(h.sizes, sizes, sizeof sizes) != 0)
        return FC_EINVAL;
    parts_of(d, p);
    for (int i = 0; i < 6; i++) {
        if (h.counts[i] > (len - need) / p[i].size)
            return FC_EINVAL;
        need += h.counts[i] * p[i].size;
    }
    if (need != len)
        return FC_EINVAL;
    if (!EVP_Digest(buf + sizeof h, len - sizeof h, md, NULL, EVP_sha256(), NULL))
        return FC_ERR;
    if (memcmp(md, h.sha256, 32) != 0)
        return FC_EINVAL;
    for (int i = 0; i < 6; i++) {
        size_t bytes = h.counts[i] * p[i].size;
        *p[i].n = h.counts[i];
        if (!bytes)
            continue;
        if (!(*p[i].ptr = malloc(bytes))) {
            rec_dataset_free(d);
            return FC_ERR;
        }
        memcpy(*p[i].ptr, buf + off, bytes);
        off += bytes;
    }
    *version = h.version;
    return FC_OK;
}

int fc_rec_snapshot_enabled(HDF *cfg)
{
    const char *mode = fc_config_str(cfg, "Rec.Snapshot", "auto");
    if (strcmp(mode, "on") == 0)
        return 1;
    if (strcmp(mode, "auto") != 0)
        return 0;
    return strcmp(fc_config_str(cfg, "Store.Backend", "sqlite"), "dynamodb") == 0 &&
           strcmp(fc_config_str(cfg, "Blob.Backend", "local"), "s3") == 0;
}

struct fc_rec_snapshots {
    struct aws_client *client;
    char bucket[64];
    char prefix[256];
};

int fc_rec_snapshots_open(HDF *cfg, struct fc_rec_snapshots **out)
{
    const char *bucket = fc_config_str(cfg, "Blob.S3.Bucket", "");
    const char *prefix = fc_config_str(cfg, "Rec.Snapshot.Prefix", "rec/");
    struct fc_rec_snapshots *sn;

    if (!*bucket || strlen(bucket) >= sizeof sn->bucket || strlen(prefix) >= sizeof sn->prefix) {
        fprintf(stderr, "forkcast: Rec.Snapshot needs Blob.S3.Bucket (and a short "
                        "Rec.Snapshot.Prefix)\n");
        return FC_ERR;
    }
    if (!(sn = calloc(1, sizeof *sn)))
        return FC_ERR;
    fc_strlcpy(sn->bucket, bucket, sizeof sn->bucket);
    fc_strlcpy(sn->prefix, prefix, sizeof sn->prefix);
    if (aws_client_new(cfg, "s3", &sn->client) != AWS_OK) {
        free(sn);
        return FC_ERR;
    }
    *out = sn;
    return FC_OK;
}

void fc_rec_snapshots_close(struct fc_rec_snapshots *sn)
{
    if (!sn)
        return;
    aws_client_free(sn->client);
    free(sn);
}

static void key_of(const struct fc_rec_snapshots *sn, int64_t version, char *out, size_t size)
{
    snprintf(out, size, "%sdataset-%" PRId64 ".bin", sn->prefix, version);
}

int fc_rec_snapshot_load(struct fc_rec_snapshots *sn, struct fc_store *s, int64_t version, int ask,
                         struct rec_dataset *d)
{
    char key[320], dedupe[64], *buf = NULL;
    size_t len = 0;
    int64_t got = 0;
    struct aws_error err;
    json_object *payload;
    int rc;

    key_of(sn, version, key, sizeof key);
    rc = aws_s3_get(sn->client, sn->bucket, key, &buf, &len, &err);
    if (rc == AWS_E_HTTP && err.http_status == 404) {
        if (!ask)
            return FC_NOTFOUND;
        snprintf(dedupe, sizeof dedupe, "%s:%" PRId64, FC_REC_SNAPSHOT_JOB, version);
        payload = json_object_new_object();
        json_object_object_add(payload, "version", json_object_new_int64(version));
        rc = fc_job_enqueue(s, FC_REC_SNAPSHOT_JOB, payload, dedupe, 0, NULL);
        json_object_put(payload);
        return rc == FC_OK || rc == FC_EXISTS ? FC_NOTFOUND : FC_ERR;
    }
    if (rc != AWS_OK) {
        fprintf(stderr, "forkcast: rec snapshot %s: %s (HTTP %d)\n", key, err.code,
                err.http_status);
        return FC_ERR;
    }
    rc = rec_snapshot_decode(buf, len, &got, d);
    free(buf);
    if (rc == FC_OK && got != version) {
        rec_dataset_free(d);
        rc = FC_EINVAL;
    }
    if (rc == FC_EINVAL)
        fprintf(stderr, "forkcast: rec snapshot %s is not a snapshot of this build\n", key);
    return rc == FC_OK ? FC_OK : FC_ERR;
}

int fc_rec_snapshot_write(struct fc_rec_snapshots *sn, struct fc_store *s, int64_t *version)
{
    struct rec_dataset d;
    struct aws_error err;
    char key[320], *buf = NULL;
    size_t len = 0;
    int64_t before = 0, after = -1;
    int rc = FC_ERR;

    /* the version read before and after the load: equal, the data is that version's */
    if (s->ops->rec_version(s, &before) || s->ops->rec_load(s, &d))
        return FC_ERR;
    if (s->ops->rec_version(s, &after) || before != after) {
        rec_dataset_free(&d);
        return FC_ERR; /* changed while read: the next refresh asks again */
    }
    if (rec_snapshot_encode(&d, before, &buf, &len))
        goto out;
    key_of(sn, before, key, sizeof key);
    if (aws_s3_put(sn->client, sn->bucket, key, buf, len, "application/octet-stream", &err) !=
        AWS_OK) {
        fprintf(stderr, "forkcast: rec snapshot put %s: %s (HTTP %d)\n", key, err.code,
                err.http_status);
        goto out;
    }
    *version = before;
    rc = FC_OK;
out:
    free(buf);
    rec_dataset_free(&d);
    return rc;
}

/* ---- the job -------------------------------------------------------------------------------- */

static int job_init(HDF *cfg, void **state)
{
    return fc_rec_snapshots_open(cfg, (struct fc_rec_snapshots **)state);
}

static void job_fini(void *state)
{
    fc_rec_snapshots_close(state);
}

static int job_run(struct fc_job_run *r)
{
    int64_t version = 0;
    if (fc_rec_snapshot_write(r->state, r->store, &version)) {
        snprintf(r->message, sizeof r->message, "could not write the snapshot; retrying");
        return FC_JOB_RETRY;
    }
    snprintf(r->message, sizeof r->message, "snapshot of data version %" PRId64 " written",
             version);
    return FC_JOB_DONE;
}

const struct fc_job_type fc_rec_snapshot_job = {
    FC_REC_SNAPSHOT_JOB, job_run, 5, job_init, job_fini, NULL};
