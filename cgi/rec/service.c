/* rec/service: one immutable model per process, shared by requests through a counted
 * reference, rebuilt by a background thread on its own store connection and swapped in; and
 * Amazon Personalize asked first when configured, with the model as the fallback. */
#include "rec/rec.h"
#include "core/config.h"
#include "core/metrics.h"
#include "core/util.h"
#include "rec/personalize.h"
#include "rec/snapshot.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A model and the number of requests using it. */
struct held {
    struct rec_model *model;
    int refs;
};

struct fc_rec {
    HDF *cfg;
    struct rec_weights w;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct held *current;
    int64_t version;
    long builds;
    int stop, have_thread;
    int refresh_seconds;
    pthread_t thread;
    /* Personalize (Rec.Backend = personalize): used by the requesting thread only */
    int personalize;           /* configured */
    struct fc_personalize *pz; /* its client; NULL when it could not be created */
    pthread_mutex_t pz_lock;   /* one call at a time */
    struct fc_store *store;    /* the caller's store: reviewed places */
    struct fc_app *app;        /* metrics */
    long fallbacks;
    /* Rec.Snapshot (rec/snapshot.c): models built from the newest S3 snapshot of the data
     * rather than from a full read of the store by every host */
    struct fc_rec_snapshots *snap;
    pthread_mutex_t snap_lock;
    int snapshot_wait;    /* Rec.Snapshot.WaitSeconds: then the store is read after all */
    time_t waiting_since; /* when the refresher started waiting for the current version */
    long store_loads;     /* full reads of the store */
    long snapshot_loads;  /* snapshots read */
};

void fc_rec_weights(HDF *cfg, struct rec_weights *w)
{
    const char *key;
    rec_weights_default(w);
    for (size_t i = 0; (key = rec_weights_key(i)); i++) {
        char full[128];
        const char *v;
        snprintf(full, sizeof full, "Rec.%s", key);
        v = hdf_get_value(cfg, full, NULL);
        if (v && *v && rec_weights_set(w, key, atof(v)) != FC_OK)
            fprintf(stderr, "forkcast: ignoring bad %s = %s\n", full, v);
    }
}

static struct held *acquire(struct fc_rec *r)
{
    struct held *h;
    pthread_mutex_lock(&r->lock);
    h = r->current;
    if (h)
        h->refs++;
    pthread_mutex_unlock(&r->lock);
    return h;
}

static void release(struct fc_rec *r, struct held *h)
{
    int last;
    if (!h)
        return;
    pthread_mutex_lock(&r->lock);
    last = --h->refs == 0;
    pthread_mutex_unlock(&r->lock);
    if (last) {
        rec_model_free(h->model);
        free(h);
    }
}

/* The data of version: from its snapshot when snapshots are on (FC_NOTFOUND while the worker
 * has not written it yet, for at most Rec.Snapshot.WaitSeconds; wait 0, at start: no
 * waiting, and no job asked for), else, or after that, from a full read of the store. */
static int load_data(struct fc_rec *r, struct fc_store *store, int64_t version, int wait,
                     struct rec_dataset *d)
{
    int rc = FC_ERR;
    pthread_mutex_lock(&r->snap_lock);
    if (r->snap) {
        rc = fc_rec_snapshot_load(r->snap, store, version, wait, d);
        if (rc == FC_OK) {
            r->waiting_since = 0;
            r->snapshot_loads++;
            fprintf(stderr,
                    "forkcast: recommender: data version %" PRId64 " read from its snapshot\n",
                    version);
            goto out;
        }
        if (rc == FC_NOTFOUND && wait) {
            time_t now = time(NULL);
            if (!r->waiting_since)
                r->waiting_since = now;
            if (now - r->waiting_since < r->snapshot_wait)
                goto out;
            fprintf(stderr,
                    "forkcast: recommender: no snapshot of data version %" PRId64
                    " after %d s (is a worker running?): reading the store\n",
                    version, r->snapshot_wait);
        }
    }
    r->waiting_since = 0;
    r->store_loads++;
    rc = store->ops->rec_load(store, d) ? FC_ERR : FC_OK;
out:
    pthread_mutex_unlock(&r->snap_lock);
    return rc;
}

/* Loads and builds (load_data), then swaps the new model in. FC_NOTFOUND: waiting for a
 * snapshot, the old model stays. */
static int rebuild_wait(struct fc_rec *r, struct fc_store *store, int64_t version, int wait)
{
    struct rec_dataset d;
    struct rec_model *m = NULL;
    struct held *h, *old;
    int rc = load_data(r, store, version, wait, &d);
    if (rc)
        return rc;
    if (rec_model_build(&d, &r->w, &m)) {
        rec_dataset_free(&d);
        return FC_ERR;
    }
    rec_dataset_free(&d);
    h = calloc(1, sizeof *h);
    if (!h) {
        rec_model_free(m);
        return FC_ERR;
    }
    h->model = m;
    h->refs = 1; /* the service's own reference */
    pthread_mutex_lock(&r->lock);
    old = r->current;
    r->current = h;
    r->version = version;
    r->builds++;
    pthread_mutex_unlock(&r->lock);
    release(r, old);
    return FC_OK;
}

static int rebuild(struct fc_rec *r, struct fc_store *store, int64_t version)
{
    return rebuild_wait(r, store, version, 1);
}

static void *refresher(void *arg)
{
    struct fc_rec *r = arg;
    struct fc_store *store = NULL;
    if (fc_store_open(r->cfg, &store)) {
        fprintf(stderr, "forkcast: recommender refresher: cannot open the store\n");
        return NULL;
    }
    pthread_mutex_lock(&r->lock);
    while (!r->stop) {
        struct timespec until;
        int64_t v;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += r->refresh_seconds;
        while (!r->stop && pthread_cond_timedwait(&r->wake, &r->lock, &until) != ETIMEDOUT)
            ;
        if (r->stop)
            break;
        pthread_mutex_unlock(&r->lock);
        if (store->ops->rec_version(store, &v) == FC_OK && v != r->version &&
            rebuild(r, store, v) == FC_ERR)
            fprintf(stderr, "forkcast: recommender refresh failed; keeping the old model\n");
        pthread_mutex_lock(&r->lock);
    }
    pthread_mutex_unlock(&r->lock);
    fc_store_close(store);
    return NULL;
}

int fc_rec_open(HDF *cfg, struct fc_store *store, struct fc_rec **out)
{
    struct fc_rec *r = calloc(1, sizeof *r);
    int64_t v = 0;
    if (!r)
        return FC_ERR;
    r->cfg = cfg;
    fc_rec_weights(cfg, &r->w);
    r->refresh_seconds = fc_config_int(cfg, "Rec.RefreshSeconds", 30);
    if (r->refresh_seconds < 1)
        r->refresh_seconds = 1;
    pthread_mutex_init(&r->lock, NULL);
    pthread_mutex_init(&r->pz_lock, NULL);
    pthread_mutex_init(&r->snap_lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    r->store = store;
    r->snapshot_wait = fc_config_int(cfg, "Rec.Snapshot.WaitSeconds", 120);
    if (fc_rec_snapshot_enabled(cfg) && fc_rec_snapshots_open(cfg, &r->snap))
        fprintf(stderr, "forkcast: recommender: Rec.Snapshot is on but its S3 client failed: "
                        "every refresh reads the store\n");
    if (fc_personalize_enabled(cfg)) {
        r->personalize = 1;
        if (fc_personalize_open(cfg, &r->pz))
            fprintf(stderr, "forkcast: recommender: Personalize is configured but its client "
                            "failed: every request uses the built-in engine\n");
    } else if (strcmp(fc_config_str(cfg, "Rec.Backend", "builtin"), "builtin") != 0) {
        fprintf(stderr,
                "forkcast: recommender: Rec.Backend = %s needs Rec.Personalize."
                "CampaignArn or RecommenderArn: using the built-in engine\n",
                fc_config_str(cfg, "Rec.Backend", ""));
    }
    /* a store that is not answering (DynamoDB down) must not stop the process from
     * starting: no model until the refresher builds one (pages do without, see acquire) */
    /* at start, no waiting for a snapshot: a host starts with a model */
    if (store->ops->rec_version(store, &v) || rebuild_wait(r, store, v, 0)) {
        fprintf(stderr,
                "forkcast: recommender: no model yet (the store did not answer); "
                "retrying every %d s\n",
                r->refresh_seconds);
        r->version = -1;
    }
    if (pthread_create(&r->thread, NULL, refresher, r) == 0)
        r->have_thread = 1;
    else
        fprintf(stderr, "forkcast: no recommender refresher thread; the model stays as built\n");
    *out = r;
    return FC_OK;
}

void fc_rec_close(struct fc_rec *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stop = 1;
    pthread_cond_broadcast(&r->wake);
    pthread_mutex_unlock(&r->lock);
    if (r->have_thread)
        pthread_join(r->thread, NULL);
    release(r, r->current);
    fc_personalize_close(r->pz);
    fc_rec_snapshots_close(r->snap);
    pthread_mutex_destroy(&r->snap_lock);
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->pz_lock);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

/* The built-in engine's top n, without the places u rated now (asked for a few more, since
 * the model leaves out only what was rated before its build). */
static int builtin_for_user(struct fc_rec *r, const struct fc_user *u, const struct fc_rec_now *now,
                            size_t n, struct rec_result *out, size_t *nout)
{
    struct held *h;
    struct rec_user p;
    struct rec_result *all;
    size_t ask = n + FC_REC_ASK_MORE, got = 0;
    int rc;
    *nout = 0;
    if (!(all = calloc(ask, sizeof *all)))
        return FC_ERR;
    if (!(h = acquire(r))) {
        free(all);
        return FC_ERR;
    }
    memset(&p, 0, sizeof p);
    p.id = u->id;
    fc_strlcpy(p.city, u->city, sizeof p.city);
    fc_strlcpy(p.price, u->price, sizeof p.price);
    fc_strlcpy(p.cuisines, u->cuisines ? u->cuisines : "", sizeof p.cuisines);
    rc = rec_recommend_profile(h->model, &p, ask, all, &got);
    release(r, h);
    if (rc == FC_OK) {
        got = fc_rec_leave_out_rated(all, got, now);
        *nout = got < n ? got : n;
        memcpy(out, all, *nout * sizeof *out);
    }
    free(all);
    return rc;
}

/* Personalize's picks for u into out (reason FC_REC_WHY_PERSONALIZED), without the places u
 * rated now (now: read once by the caller, not a store call per item). FC_OK with *nout > 0,
 * or FC_ERR with why set. */
static int personalize_for_user(struct fc_rec *r, const struct fc_user *u,
                                const struct fc_rec_now *now, size_t n, struct rec_result *out,
                                size_t *nout, char *why, size_t why_len)
{
    struct fc_personalize_item *items;
    size_t got = 0, k = 0, ask = n + FC_REC_ASK_MORE; /* room for places already rated */
    int rc;

    *nout = 0;
    if (!r->pz) {
        snprintf(why, why_len, "no Personalize client");
        return FC_ERR;
    }
    items = calloc(ask, sizeof *items);
    if (!items) {
        snprintf(why, why_len, "out of memory");
        return FC_ERR;
    }
    pthread_mutex_lock(&r->pz_lock);
    rc = fc_personalize_recommend(r->pz, u, ask, items, &got, why, why_len);
    pthread_mutex_unlock(&r->pz_lock);
    for (size_t i = 0; rc == FC_OK && i < got && k < n; i++) {
        if (fc_rec_stars_now(now, items[i].item))
            continue;
        memset(&out[k], 0, sizeof out[k]);
        out[k].item = items[i].item;
        out[k].score = items[i].score;
        out[k].reason = FC_REC_WHY_PERSONALIZED;
        k++;
    }
    if (rc == FC_OK && k == 0) {
        snprintf(why, why_len, "no usable item in the answer (%zu items)", got);
        rc = FC_ERR;
    }
    free(items);
    *nout = rc == FC_OK ? k : 0;
    return rc;
}

int fc_rec_for_user(struct fc_rec *r, const struct fc_user *u, const struct fc_rec_now *now,
                    size_t n, struct rec_result *out, size_t *nout)
{
    struct rec_result *more;
    size_t k = 0, got = 0;
    char why[768];

    *nout = 0;
    if (!r->personalize || n == 0)
        return builtin_for_user(r, u, now, n, out, nout);
    if (personalize_for_user(r, u, now, n, out, &k, why, sizeof why) != FC_OK) {
        pthread_mutex_lock(&r->lock);
        r->fallbacks++;
        pthread_mutex_unlock(&r->lock);
        fprintf(stderr,
                "forkcast: recommender: Personalize failed for user %" PRId64
                " (%s): the built-in engine answers\n",
                u->id, why);
        fc_metrics_count(r->app, "rec.fallback", 1);
        return builtin_for_user(r, u, now, n, out, nout);
    }
    if (k == n) {
        *nout = k;
        return FC_OK;
    }
    /* fewer than asked: the built-in engine's best that Personalize did not give */
    more = calloc(n, sizeof *more);
    if (!more || builtin_for_user(r, u, now, n, more, &got) != FC_OK)
        got = 0;
    for (size_t i = 0; i < got && k < n; i++) {
        int dup = 0;
        for (size_t j = 0; j < k && !dup; j++)
            dup = out[j].item == more[i].item;
        if (!dup)
            out[k++] = more[i];
    }
    free(more);
    *nout = k;
    return FC_OK;
}

void fc_rec_set_app(struct fc_rec *r, struct fc_app *app)
{
    if (r)
        r->app = app;
}

long fc_rec_fallbacks(struct fc_rec *r)
{
    long n;
    if (!r)
        return 0;
    pthread_mutex_lock(&r->lock);
    n = r->fallbacks;
    pthread_mutex_unlock(&r->lock);
    return n;
}

const char *fc_rec_why_name(int reason)
{
    return reason == FC_REC_WHY_PERSONALIZED ? "personalized" : rec_why_name(reason);
}

int fc_rec_similar(struct fc_rec *r, int64_t item, size_t n, struct rec_result *out, size_t *nout)
{
    struct held *h = acquire(r);
    int rc;
    if (!h)
        return FC_ERR;
    rc = rec_similar(h->model, item, n, out, nout);
    release(r, h);
    return rc;
}

int fc_rec_refresh(struct fc_rec *r)
{
    struct fc_store *store = NULL;
    int64_t v = 0;
    int rc;
    if (fc_store_open(r->cfg, &store))
        return FC_ERR;
    rc = store->ops->rec_version(store, &v) || rebuild(r, store, v) ? FC_ERR : FC_OK;
    fc_store_close(store);
    return rc;
}

void fc_rec_loads(struct fc_rec *r, long *store_loads, long *snapshot_loads)
{
    pthread_mutex_lock(&r->snap_lock);
    *store_loads = r->store_loads;
    *snapshot_loads = r->snapshot_loads;
    pthread_mutex_unlock(&r->snap_lock);
}

long fc_rec_builds(struct fc_rec *r)
{
    long n;
    pthread_mutex_lock(&r->lock);
    n = r->builds;
    pthread_mutex_unlock(&r->lock);
    return n;
}
