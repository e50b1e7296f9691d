/* rec/eval: offline evaluation: K-fold or leave-one-out over ratings and a cold-start split
 * over users, engine vs. a most-rated popularity baseline, HitRate/NDCG/precision@k and
 * catalogue coverage. */
#include "rec/eval.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

uint64_t rec_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double rec_rand_unit(uint64_t *state)
{
    return (double)(rec_rand(state) >> 11) * (1.0 / 9007199254740992.0);
}

void rec_eval_defaults(struct rec_eval_opts *o)
{
    memset(o, 0, sizeof *o);
    rec_weights_default(&o->w);
    o->folds = 5;
    o->seed = 1;
    o->k = 10;
    o->relevant = 4;
}

/* A (user, item) pair; arrays of them are sorted by user then item. */
struct pair {
    int64_t user, item;
};

static int cmp_pair(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    int c = FC_CMP(x->user, y->user);
    return c ? c : FC_CMP(x->item, y->item);
}

static size_t lower_pair(const struct pair *p, size_t n, struct pair key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_pair(&p[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int has_pair(const struct pair *p, size_t n, int64_t user, int64_t item)
{
    struct pair key = {user, item};
    size_t i = lower_pair(p, n, key);
    return i < n && p[i].user == user && p[i].item == item;
}

/* Sums of the per-user metrics of one method, and which catalogue items it showed. */
struct acc {
    double hit, ndcg, prec;
    size_t users;
    uint8_t *seen;
};

/* Everything a fold needs besides its ratings. */
struct ctx {
    const struct rec_dataset *d;
    const struct rec_eval_opts *o;
    int64_t *cat; /* the catalogue: every item id, sorted */
    size_t n_cat;
};

static void score_list(const struct ctx *cx, struct acc *a, const int64_t *list, size_t n,
                       const struct pair *rel, size_t nrel)
{
    double dcg = 0, idcg = 0;
    size_t hits = 0, k = (size_t)cx->o->k;
    for (size_t r = 0; r < n && r < k; r++) {
        size_t ci = rec_lower_bound(cx->cat, cx->n_cat, list[r]);
        if (ci < cx->n_cat && cx->cat[ci] == list[r])
            a->seen[ci] = 1;
        if (has_pair(rel, nrel, rel[0].user, list[r])) {
            hits++;
            dcg += 1.0 / log2((double)r + 2);
        }
    }
    for (size_t r = 0; r < nrel && r < k; r++)
        idcg += 1.0 / log2((double)r + 2);
    a->hit += hits > 0;
    a->prec += (double)hits / (double)k;
    a->ndcg += idcg > 0 ? dcg / idcg : 0;
    a->users++;
}

struct popcount {
    size_t idx;
    size_t n, rel;
};

static int cmp_popcount(const void *a, const void *b)
{
    const struct popcount *x = a, *y = b;
    int c = FC_CMP(y->n, x->n); /* the most first */
    if (!c)
        c = FC_CMP(y->rel, x->rel);
    return c ? c : FC_CMP(x->idx, y->idx);
}

/* Trains on train (ratings), then scores every user of rel (relevant held-out pairs, sorted)
 * for the engine and the baseline. drop: users whose friendships are removed (cold start). */
static int run_fold(const struct ctx *cx, const struct rec_rating *train, size_t ntrain,
                    const struct pair *rel, size_t nrel, const int64_t *drop, size_t ndrop,
                    struct acc *eng, struct acc *pop)
{
    const struct rec_eval_opts *o = cx->o;
    struct rec_dataset t = *cx->d;
    struct rec_model *m = NULL;
    struct rec_edge *fr = NULL;
    struct pair *seen = NULL;
    struct popcount *pc = NULL;
    struct rec_result *res = NULL;
    int64_t *list = NULL;
    size_t nfr = 0, k = (size_t)o->k;
    int rc = FC_ERR;

    t.ratings = (struct rec_rating *)train;
    t.n_ratings = ntrain;
    if (o->demo_friends > 0) {
        if (rec_demo_friends(&t, o->demo_friends, &fr, &nfr))
            goto out;
    } else if (ndrop && t.n_friends) {
        fr = malloc(t.n_friends * sizeof *fr);
        if (!fr)
            goto out;
        for (size_t i = 0; i < t.n_friends; i++) {
            size_t a = rec_lower_bound(drop, ndrop, t.friends[i].a);
            size_t b = rec_lower_bound(drop, ndrop, t.friends[i].b);
            if ((a < ndrop && drop[a] == t.friends[i].a) ||
                (b < ndrop && drop[b] == t.friends[i].b))
                continue;
            fr[nfr++] = t.friends[i];
        }
    }
    if (o->demo_friends > 0 || (ndrop && t.n_friends)) {
        t.friends = fr;
        t.n_friends = nfr;
    }
    if ((rc = rec_model_build(&t, &o->w, &m)) != FC_OK)
        goto out;
    rc = FC_ERR;

    /* the baseline: items by number of training ratings, then relevant ones, then id */
    seen = malloc((ntrain + 1) * sizeof *seen);
    pc = calloc(cx->n_cat + 1, sizeof *pc);
    res = malloc(k * sizeof *res);
    list = malloc(k * sizeof *list);
    if (!seen || !pc || !res || !list)
        goto out;
    for (size_t i = 0; i < cx->n_cat; i++)
        pc[i].idx = i;
    for (size_t i = 0; i < ntrain; i++) {
        size_t ci = rec_lower_bound(cx->cat, cx->n_cat, train[i].item);
        pc[ci].n++;
        pc[ci].rel += train[i].stars >= o->relevant;
        seen[i] = (struct pair){train[i].user, train[i].item};
    }
    qsort(pc, cx->n_cat, sizeof *pc, cmp_popcount);
    qsort(seen, ntrain, sizeof *seen, cmp_pair);

    for (size_t a = 0; a < nrel;) {
        size_t b = a, nres = 0, nl = 0;
        while (b < nrel && rel[b].user == rel[a].user)
            b++;
        if (rec_recommend(m, rel[a].user, k, res, &nres))
            goto out;
        for (size_t r = 0; r < nres; r++)
            list[r] = res[r].item;
        score_list(cx, eng, list, nres, rel + a, b - a);
        for (size_t i = 0; i < cx->n_cat && nl < k; i++) {
            int64_t item = cx->cat[pc[i].idx];
            if (!has_pair(seen, ntrain, rel[a].user, item))
                list[nl++] = item;
        }
        score_list(cx, pop, list, nl, rel + a, b - a);
        a = b;
    }
    rc = FC_OK;
out:
    rec_model_free(m);
    free(fr);
    free(seen);
    free(pc);
    free(res);
    free(list);
    return rc;
}

static void finish(const struct ctx *cx, struct acc *a, struct rec_eval_metrics *out)
{
    size_t shown = 0;
    for (size_t i = 0; i < cx->n_cat; i++)
        shown += a->seen[i];
    out->users = a->users;
    out->hit = a->users ? a->hit / (double)a->users : 0;
    out->ndcg = a->users ? a->ndcg / (double)a->users : 0;
    out->precision = a->users ? a->prec / (double)a->users : 0;
    out->coverage = cx->n_cat ? (double)shown / (double)cx->n_cat : 0;
}

static void shuffle(size_t *a, size_t n, uint64_t *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(rec_rand(rng) % i), t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

/* K-fold over ratings, or leave one relevant rating out per user. */
static int warm(const struct ctx *cx, struct acc *eng, struct acc *pop)
{
    const struct rec_dataset *d = cx->d;
    const struct rec_eval_opts *o = cx->o;
    size_t nr = d->n_ratings, *perm = malloc((nr + 1) * sizeof *perm);
    int *fold = malloc((nr + 1) * sizeof *fold);
    struct rec_rating *train = malloc((nr + 1) * sizeof *train);
    struct pair *rel = malloc((nr + 1) * sizeof *rel);
    uint64_t rng = o->seed;
    int rc = FC_ERR, nfolds = o->loo ? 1 : o->folds;

    if (!perm || !fold || !train || !rel)
        goto out;
    for (size_t i = 0; i < nr; i++)
        perm[i] = i;
    shuffle(perm, nr, &rng);
    if (o->loo) {
        /* in shuffled order, the first relevant rating of each user with another rating */
        struct pair *byuser = malloc((nr + 1) * sizeof *byuser);
        if (!byuser)
            goto out;
        for (size_t i = 0; i < nr; i++)
            byuser[i] = (struct pair){d->ratings[i].user, 0};
        qsort(byuser, nr, sizeof *byuser, cmp_pair);
        for (size_t i = 0; i < nr; i++)
            fold[i] = -1;
        for (size_t x = 0; x < nr; x++) {
            const struct rec_rating *r = &d->ratings[perm[x]];
            size_t lo = lower_pair(byuser, nr, (struct pair){r->user, 0}), hi = lo;
            while (hi < nr && byuser[hi].user == r->user)
                hi++;
            if (r->stars >= o->relevant && hi - lo >= 2 && byuser[lo].item == 0) {
                fold[perm[x]] = 0;
                byuser[lo].item = 1; /* this user has one held out */
            }
        }
        free(byuser);
    } else {
        for (size_t x = 0; x < nr; x++)
            fold[perm[x]] = (int)(x % (size_t)o->folds);
    }
    for (int f = 0; f < nfolds; f++) {
        size_t ntrain = 0, nrel = 0;
        for (size_t i = 0; i < nr; i++) {
            if (fold[i] != f)
                train[ntrain++] = d->ratings[i];
            else if (d->ratings[i].stars >= o->relevant)
                rel[nrel++] = (struct pair){d->ratings[i].user, d->ratings[i].item};
        }
        qsort(rel, nrel, sizeof *rel, cmp_pair);
        if (run_fold(cx, train, ntrain, rel, nrel, NULL, 0, eng, pop))
            goto out;
    }
    rc = FC_OK;
out:
    free(perm);
    free(fold);
    free(train);
    free(rel);
    return rc;
}

/* Cold start: users in K folds; a fold's users lose all their ratings and friendships. */
static int cold(const struct ctx *cx, struct acc *eng, struct acc *pop)
{
    const struct rec_dataset *d = cx->d;
    const struct rec_eval_opts *o = cx->o;
    size_t nr = d->n_ratings, nu = 0, *perm = NULL;
    int64_t *users = malloc((nr + 1) * sizeof *users), *drop = NULL;
    struct rec_rating *train = malloc((nr + 1) * sizeof *train);
    struct pair *rel = malloc((nr + 1) * sizeof *rel);
    uint64_t rng = o->seed ^ 0x636f6c64ULL;
    int rc = FC_ERR, nfolds = o->folds < 2 ? 5 : o->folds;

    if (!users || !train || !rel)
        goto out;
    for (size_t i = 0; i < nr; i++)
        users[i] = d->ratings[i].user;
    qsort(users, nr, sizeof *users, rec_cmp_i64);
    for (size_t i = 0; i < nr; i++)
        if (!nu || users[nu - 1] != users[i])
            users[nu++] = users[i];
    perm = malloc((nu + 1) * sizeof *perm);
    drop = malloc((nu + 1) * sizeof *drop);
    if (!perm || !drop)
        goto out;
    for (size_t i = 0; i < nu; i++)
        perm[i] = i;
    shuffle(perm, nu, &rng);
    for (int f = 0; f < nfolds; f++) {
        size_t ndrop = 0, ntrain = 0, nrel = 0;
        for (size_t x = (size_t)f; x < nu; x += (size_t)nfolds)
            drop[ndrop++] = users[perm[x]];
        qsort(drop, ndrop, sizeof *drop, rec_cmp_i64);
        for (size_t i = 0; i < nr; i++) {
            size_t at = rec_lower_bound(drop, ndrop, d->ratings[i].user);
            if (at >= ndrop || drop[at] != d->ratings[i].user)
                train[ntrain++] = d->ratings[i];
            else if (d->ratings[i].stars >= o->relevant)
                rel[nrel++] = (struct pair){d->ratings[i].user, d->ratings[i].item};
        }
        qsort(rel, nrel, sizeof *rel, cmp_pair);
        if (run_fold(cx, train, ntrain, rel, nrel, drop, ndrop, eng, pop))
            goto out;
    }
    rc = FC_OK;
out:
    free(users);
    free(perm);
    free(drop);
    free(train);
    free(rel);
    return rc;
}

int rec_eval_run(const struct rec_dataset *d, const struct rec_eval_opts *o,
                 struct rec_eval_report *r)
{
    struct ctx cx = {d, o, NULL, 0};
    struct acc a[4];
    size_t n = 0;
    int rc = FC_ERR;

    memset(r, 0, sizeof *r);
    memset(a, 0, sizeof a);
    if (!d->n_ratings || o->k < 1 || o->relevant < 1 || o->relevant > 5 ||
        (!o->loo && o->folds < 2))
        return FC_EINVAL;
    cx.cat = malloc((d->n_items + d->n_ratings + 1) * sizeof *cx.cat);
    if (!cx.cat)
        goto out;
    for (size_t i = 0; i < d->n_items; i++)
        cx.cat[n++] = d->items[i].id;
    for (size_t i = 0; i < d->n_ratings; i++)
        cx.cat[n++] = d->ratings[i].item;
    qsort(cx.cat, n, sizeof *cx.cat, rec_cmp_i64);
    for (size_t i = 0; i < n; i++)
        if (!cx.n_cat || cx.cat[cx.n_cat - 1] != cx.cat[i])
            cx.cat[cx.n_cat++] = cx.cat[i];
    for (int i = 0; i < 4; i++)
        if (!(a[i].seen = calloc(cx.n_cat + 1, 1)))
            goto out;
    if (warm(&cx, &a[0], &a[1]) || cold(&cx, &a[2], &a[3]))
        goto out;
    finish(&cx, &a[0], &r->engine);
    finish(&cx, &a[1], &r->popularity);
    finish(&cx, &a[2], &r->cold_engine);
    finish(&cx, &a[3], &r->cold_popularity);
    r->n_ratings = d->n_ratings;
    r->n_items = cx.n_cat;
    {
        int64_t *u = malloc((d->n_ratings + 1) * sizeof *u);
        if (!u)
            goto out;
        for (size_t i = 0; i < d->n_ratings; i++) {
            u[i] = d->ratings[i].user;
            r->n_relevant += d->ratings[i].stars >= o->relevant;
        }
        qsort(u, d->n_ratings, sizeof *u, rec_cmp_i64);
        for (size_t i = 0; i < d->n_ratings; i++)
            r->n_users += !i || u[i] != u[i - 1];
        free(u);
    }
    rc = FC_OK;
out:
    for (int i = 0; i < 4; i++)
        free(a[i].seen);
    free(cx.cat);
    return rc;
}
