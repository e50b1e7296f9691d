/* rec: the recommender as the site uses it: the built-in engine's model, kept fresh by a
 * background thread, behind one small interface. */
#ifndef FC_REC_H
#define FC_REC_H

#include <stddef.h>

#include <ClearSilver.h>

#include "rec/engine.h"
#include "store/store.h"

struct fc_rec;

/* Builds the first model from the store (so the first page already has one) and starts the
 * refresher thread, which rebuilds the model every Rec.RefreshSeconds when the store changed
 * and swaps it in; requests never wait for a build. FC_OK or FC_ERR. */
int fc_rec_open(HDF *cfg, struct fc_store *store, struct fc_rec **out);
void fc_rec_close(struct fc_rec *r);

/* Top n for a user (their profile is used even when the model does not know them yet). */
int fc_rec_for_user(struct fc_rec *r, const struct fc_user *u, size_t n, struct rec_result *out,
                    size_t *nout);
/* "More like this". */
int fc_rec_similar(struct fc_rec *r, int64_t item, size_t n, struct rec_result *out, size_t *nout);
/* Rebuilds now (tests, the CLI); FC_OK or FC_ERR. */
int fc_rec_refresh(struct fc_rec *r);
/* Models built so far (1 after open). */
long fc_rec_builds(struct fc_rec *r);

/* Reads Rec.Weight.* etc. from the configuration into w. */
void fc_rec_weights(HDF *cfg, struct rec_weights *w);

#endif
