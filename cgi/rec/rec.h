/* rec: the recommender as the site uses it: the built-in engine's model, kept fresh by a
 * background thread, and Amazon Personalize first when Rec.Backend = personalize, behind one
 * small interface. */
#ifndef FC_REC_H
#define FC_REC_H

#include <stddef.h>

#include <ClearSilver.h>

#include "rec/engine.h"
#include "store/store.h"

struct fc_rec;
struct fc_app;

/* The reason of a result that comes from Amazon Personalize (beside engine.h's REC_WHY_*). */
#define FC_REC_WHY_PERSONALIZED 16

/* Builds the first model from the store (so the first page already has one) and starts the
 * refresher thread, which rebuilds the model every Rec.RefreshSeconds when the store changed
 * and swaps it in; requests never wait for a build. With Rec.Backend = personalize (and
 * Rec.Personalize.CampaignArn or RecommenderArn) it also opens a Personalize client; the store
 * is then also used by fc_rec_for_user (to leave out reviewed places), so it must outlive r
 * and belong to the thread that asks. FC_OK or FC_ERR. */
int fc_rec_open(HDF *cfg, struct fc_store *store, struct fc_rec **out);
void fc_rec_close(struct fc_rec *r);

struct fc_rec_now;
/* How many more picks than shown are asked of the engine or Personalize, to leave out the
 * places rated since (fc_rec_leave_out_rated). */
#define FC_REC_ASK_MORE 10

/* Top n for a user (their profile is used even when the model does not know them yet),
 * never a place rated in now (the user's ratings as they are now, read once by the caller;
 * NULL: none). With Personalize configured: its picks first (reason FC_REC_WHY_PERSONALIZED;
 * topped up by the built-in engine when short); on any error, timeout or empty answer the
 * built-in engine's, the fallback logged and counted ("rec.fallback"). */
int fc_rec_for_user(struct fc_rec *r, const struct fc_user *u, const struct fc_rec_now *now,
                    size_t n, struct rec_result *out, size_t *nout);
/* "More like this". */
int fc_rec_similar(struct fc_rec *r, int64_t item, size_t n, struct rec_result *out, size_t *nout);
/* Rebuilds now (tests, the CLI); FC_OK or FC_ERR. */
int fc_rec_refresh(struct fc_rec *r);
/* Models built so far (1 after open). */
/* How many models were built from a full read of the store and from a snapshot (Rec.Snapshot)
 * since the process started. */
void fc_rec_loads(struct fc_rec *r, long *store_loads, long *snapshot_loads);
long fc_rec_builds(struct fc_rec *r);

/* Reads Rec.Weight.* etc. from the configuration into w. */
void fc_rec_weights(HDF *cfg, struct rec_weights *w);

/* The application whose metrics count the fallbacks (fc_metrics_count(app, "rec.fallback")).
 * Until it is set, fallbacks are only logged and counted by fc_rec_fallbacks. */
void fc_rec_set_app(struct fc_rec *r, struct fc_app *app);
/* Fallbacks from Personalize to the built-in engine since open. */
long fc_rec_fallbacks(struct fc_rec *r);
/* rec_why_name() that also knows FC_REC_WHY_PERSONALIZED ("personalized"). */
const char *fc_rec_why_name(int reason);

/* What a friend a reason names is to the viewer now (rec/reasons.c). */
struct fc_rec_named {
    int exists;   /* the account is still there */
    int disabled; /* an admin disabled it */
    int rel;      /* the viewer's FC_REL_* bits towards them */
};
/* The rule, pure: a reason may name a friend only while the account exists and is not
 * disabled, the two are still friends and no block stands either way. named[i] describes
 * r->friend_ids[i], i < min(n_friends, 3); named NULL: not known. Unless every named friend
 * may be named, the friends part of r goes (friend_ids, n_friends, friends_avg: the count and
 * the average include the rating of the one who may not be named) and a REC_WHY_FRIENDS
 * reason becomes the next one r supports: REC_WHY_BECAUSE (because_item), else
 * REC_WHY_CUISINE (cuisine), else REC_WHY_POPULAR. Returns 1 when r changed. */
int fc_rec_reason_now(struct rec_result *r, const struct fc_rec_named *named);
/* Applies fc_rec_reason_now to res[0..n) for viewer, reading from s what each friend a
 * REC_WHY_FRIENDS reason names is now (each once). Both front ends (the home page and
 * GET /api/v1/recommendations) call it on whatever the recommender answered, so a block, a
 * disabled account or an unfriending shows at once, not at the model's next rebuild.
 * FC_OK, or FC_ERR when the store failed: the reasons concerned then name no friend. */
int fc_rec_reasons_check(struct fc_store *s, int64_t viewer, struct rec_result *res, size_t n);
/* fc_rec_reasons_check, keeping what it read: *seen (malloc'ed, the caller frees it; NULL when
 * nothing was read) holds *nseen users as the store op users_seen gave them, one per friend
 * named, for the names the page shows. The friends are read with one store call (users_seen),
 * not two per friend. */
int fc_rec_reasons_check_seen(struct fc_store *s, int64_t viewer, struct rec_result *res, size_t n,
                              struct fc_user_seen **seen, size_t *nseen);
/* The distinct friends the REC_WHY_FRIENDS reasons of res[0..n) name (the first 3 of each), at
 * most max, into ids; how many. */
size_t fc_rec_named_ids(const struct rec_result *res, size_t n, int64_t *ids, size_t max);
/* The rule, pure: fc_rec_reason_now for each of res[0..n), with what each friend it names is
 * now looked up in seen[0..nseen) (users_seen's answer); a friend not there (seen NULL: the
 * read failed) is unknown, and the reason then names no friend. */
void fc_rec_reasons_known(struct rec_result *res, size_t n, const struct fc_user_seen *seen,
                          size_t nseen);
/* The entry of id in seen[0..nseen), or NULL. */
const struct fc_user_seen *fc_rec_seen_find(const struct fc_user_seen *seen, size_t nseen,
                                            int64_t id);

/* ---- what a recommendation shown now may say (rec/trust.c) ------------------------------- */

/* The user as they are now: their ratings (store op ratings_of_user) and the profile's
 * favourite cuisines (comma-separated, "" none). */
struct fc_rec_now {
    const struct fc_rating *rated;
    size_t n_rated;
    const char *favourites;
};
/* One list tells the same kind of reason at most this many times while a result has another
 * true one (fc_rec_reasons_vary). */
#define FC_REC_SAME_REASON_MAX 3

/* The stars the user gave item now (0: not rated). */
int fc_rec_stars_now(const struct fc_rec_now *now, int64_t item);
/* Whether cuisine is one of the profile's favourites (any case, '_' read as a space). */
int fc_rec_is_favourite(const struct fc_rec_now *now, const char *cuisine);
/* The rule, pure: leaves out of res[0..n) every place the user rated now (a rating counts at
 * once, whatever the model knew), keeping the order; returns how many are left. */
size_t fc_rec_leave_out_rated(struct rec_result *res, size_t n, const struct fc_rec_now *now);
/* The rule, pure: makes r's reason true now. because_item stays only while the user rated it 4
 * stars or more now (a place only saved, or rated lower since, is not "liked"); a BECAUSE reason
 * without it becomes cuisine, else popular-city, else popular. When the place (item_cuisines:
 * its cuisines, comma-separated, NULL unknown) has a favourite cuisine of the profile, cuisine
 * names it and a popular, popular-city or personalized reason becomes REC_WHY_CUISINE ("You
 * like Mexican"). Returns 1 when the reason changed. */
int fc_rec_reason_true(struct rec_result *r, const char *item_cuisines,
                       const struct fc_rec_now *now);
/* The rule, pure: along res[0..n) (after fc_rec_reason_true and fc_rec_reasons_check), a
 * result whose kind of reason was already told FC_REC_SAME_REASON_MAX times tells another
 * reason it truly has (a liked place rated 4+ now, a favourite cuisine), the one told fewer
 * times, so a list reads as more than one kind of reason; the place and order stay. */
void fc_rec_reasons_vary(struct rec_result *res, size_t n, const struct fc_rec_now *now);

#endif
