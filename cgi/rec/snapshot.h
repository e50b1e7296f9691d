/* rec/snapshot: one read of the store's recommender data for many app hosts. With more than
 * one host (Rec.Snapshot), a worker builds a snapshot of the data the model is built from
 * (rec_load's dataset) under the job lease, once per data version, and writes it to S3; every
 * host's refresher loads the newest snapshot and builds its model from it instead of reading
 * every rating from the store. See docs/recommendations.md and docs/deploy.md. */
#ifndef FC_REC_SNAPSHOT_H
#define FC_REC_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include <ClearSilver.h>

#include "rec/engine.h"
#include "store/store.h"

/* The job type that writes a snapshot; its payload is {"version": N}, its dedupe key
 * "rec.snapshot:N", so any number of hosts asking for version N queue one job. */
#define FC_REC_SNAPSHOT_JOB "rec.snapshot"

/* Encodes d (data version version) into a malloc'ed buffer: a header (magic, the record
 * sizes, the counts, the SHA-256 of what follows), then the arrays. FC_OK or FC_ERR. */
int rec_snapshot_encode(const struct rec_dataset *d, int64_t version, char **out, size_t *len);
/* Decodes buf into *d (arrays malloc'ed; rec_dataset_free) and *version. FC_EINVAL when buf
 * is not a whole snapshot of this build (magic, sizes, lengths, checksum), FC_ERR when out of
 * memory. */
int rec_snapshot_decode(const char *buf, size_t len, int64_t *version, struct rec_dataset *d);

/* 1 when Rec.Snapshot is on: "on", or "auto" (the default) with Store.Backend = dynamodb and
 * Blob.Backend = s3, the settings of a site served by many hosts. */
int fc_rec_snapshot_enabled(HDF *cfg);

struct fc_rec_snapshots;
/* The S3 side (Blob.S3.Bucket, keys Rec.Snapshot.Prefix + "dataset-<version>.bin"). */
int fc_rec_snapshots_open(HDF *cfg, struct fc_rec_snapshots **out);
void fc_rec_snapshots_close(struct fc_rec_snapshots *sn);
/* Loads version's snapshot into *d. FC_NOTFOUND when it is not written yet; then, with ask
 * set and unless a job is queued for it already, queues the job that writes it (store s).
 * FC_OK, FC_ERR. */
int fc_rec_snapshot_load(struct fc_rec_snapshots *sn, struct fc_store *s, int64_t version, int ask,
                         struct rec_dataset *d);
/* Reads the store (one rec_load) and writes the snapshot of the version it read; *version
 * gets it. FC_OK or FC_ERR. */
int fc_rec_snapshot_write(struct fc_rec_snapshots *sn, struct fc_store *s, int64_t *version);

#endif
