/* rec/proto: the standard offline protocol (per-user K-fold / leave-one-out), the baselines
 * in dense form (a catalogue of a few thousand items at most), nested validation of every
 * model's hyper-parameters inside the training folds, metrics with clustered standard errors
 * and the paired bootstrap. */
#include "rec/proto.h"
#include "core/util.h"
#include "rec/eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NONE      UINT32_MAX
#define MAX_PAR   9
#define MAX_DENSE 4000 /* items: above this the dense baselines (kNN, RP3beta, EASE^R) skip */

static const char *const NAMES[REC_PM_N] = {
    "popularity", "city-popularity", "item-knn", "rp3beta", "ease", "forkcast-defaults", "forkcast",
};

const char *rec_proto_model_name(int model)
{
    return model >= 0 && model < REC_PM_N ? NAMES[model] : "?";
}

void rec_proto_defaults(struct rec_proto_opts *o)
{
    memset(o, 0, sizeof *o);
    rec_weights_default(&o->w);
    o->folds = 5;
    o->inner = 5;
    o->k = 10;
    o->relevant = 4;
    o->demo_friends = 3;
    o->seed = 1;
}

/* ---- metrics ------------------------------------------------------------------------- */

void rec_proto_score(const int64_t *list, size_t n, const int64_t *rel, size_t nrel, int k,
                     struct rec_proto_metrics *out)
{
    double dcg = 0, idcg = 0;
    size_t hits = 0;
    for (size_t r = 0; r < n && r < (size_t)k; r++)
        for (size_t x = 0; x < nrel; x++)
            if (rel[x] == list[r]) {
                hits++;
                dcg += 1.0 / log2((double)r + 2);
                break;
            }
    for (size_t r = 0; r < nrel && r < (size_t)k; r++)
        idcg += 1.0 / log2((double)r + 2);
    out->hit = hits > 0;
    out->ndcg = idcg > 0 ? dcg / idcg : 0;
    out->recall = nrel ? (double)hits / (double)nrel : 0;
}

/* ---- the data in dense indices ------------------------------------------------------- */

static uint32_t index_of(const int64_t *a, size_t n, int64_t x)
{
    size_t lo = rec_lower_bound(a, n, x);
    return lo < n && a[lo] == x ? (uint32_t)lo : NONE;
}

/* Sorted unique ids of n values read with a stride. */
static int unique_ids(const int64_t *first, size_t n, size_t stride, const int64_t *more,
                      size_t nmore, size_t mstride, int64_t **out, size_t *nout)
{
    int64_t *a = malloc((n + nmore + 1) * sizeof *a);
    size_t m = 0;
    if (!a)
        return FC_ERR;
    for (size_t i = 0; i < n; i++)
        a[m++] = *(const int64_t *)(const void *)((const char *)first + i * stride);
    for (size_t i = 0; i < nmore; i++)
        a[m++] = *(const int64_t *)(const void *)((const char *)more + i * mstride);
    qsort(a, m, sizeof *a, rec_cmp_i64);
    *nout = 0;
    for (size_t i = 0; i < m; i++)
        if (!*nout || a[*nout - 1] != a[i])
            a[(*nout)++] = a[i];
    *out = a;
    return FC_OK;
}

struct env {
    const struct rec_dataset *d;
    const struct rec_proto_opts *o;
    size_t nu, ni, nr;
    int64_t *uid, *iid;  /* sorted: dense index order is id order */
    uint32_t *ru, *ri;   /* each rating's user and item */
    uint8_t *rs;         /* its stars */
    uint32_t *item_city; /* NONE unknown */
    uint32_t *user_city; /* from the profile; NONE unknown */
    char (*city)[64];    /* interned city names */
    size_t n_city;
};

static uint32_t intern_city(struct env *e, const char *s)
{
    char key[64];
    size_t n = 0;
    for (; *s && n + 1 < sizeof key; s++)
        if (*s != ' ' && *s != '_')
            key[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    key[n] = '\0';
    if (!n)
        return NONE;
    for (size_t i = 0; i < e->n_city; i++)
        if (strcmp(e->city[i], key) == 0)
            return (uint32_t)i;
    memcpy(e->city[e->n_city], key, n + 1);
    return (uint32_t)e->n_city++;
}

static void env_free(struct env *e)
{
    free(e->uid);
    free(e->iid);
    free(e->ru);
    free(e->ri);
    free(e->rs);
    free(e->item_city);
    free(e->user_city);
    free(e->city);
}

static int env_init(struct env *e, const struct rec_dataset *d, const struct rec_proto_opts *o)
{
    memset(e, 0, sizeof *e);
    e->d = d;
    e->o = o;
    e->nr = d->n_ratings;
    if (unique_ids(&d->ratings[0].user, d->n_ratings, sizeof *d->ratings,
                   d->users ? &d->users[0].id : NULL, d->n_users, sizeof *d->users, &e->uid,
                   &e->nu) ||
        unique_ids(&d->ratings[0].item, d->n_ratings, sizeof *d->ratings,
                   d->items ? &d->items[0].id : NULL, d->n_items, sizeof *d->items, &e->iid,
                   &e->ni))
        return FC_ERR;
    e->ru = malloc((e->nr + 1) * sizeof *e->ru);
    e->ri = malloc((e->nr + 1) * sizeof *e->ri);
    e->rs = malloc(e->nr + 1);
    e->item_city = malloc((e->ni + 1) * sizeof *e->item_city);
    e->user_city = malloc((e->nu + 1) * sizeof *e->user_city);
    e->city = malloc((d->n_items + d->n_users + 1) * sizeof *e->city);
    if (!e->ru || !e->ri || !e->rs || !e->item_city || !e->user_city || !e->city)
        return FC_ERR;
    for (size_t i = 0; i < e->nr; i++) {
        int s = d->ratings[i].stars;
        e->ru[i] = index_of(e->uid, e->nu, d->ratings[i].user);
        e->ri[i] = index_of(e->iid, e->ni, d->ratings[i].item);
        e->rs[i] = (uint8_t)(s < 0 ? 0 : s > 5 ? 5 : s);
    }
    for (size_t i = 0; i < e->ni; i++)
        e->item_city[i] = NONE;
    for (size_t u = 0; u < e->nu; u++)
        e->user_city[u] = NONE;
    for (size_t i = 0; i < d->n_items; i++)
        e->item_city[index_of(e->iid, e->ni, d->items[i].id)] = intern_city(e, d->items[i].city);
    for (size_t i = 0; i < d->n_users; i++)
        e->user_city[index_of(e->uid, e->nu, d->users[i].id)] = intern_city(e, d->users[i].city);
    return FC_OK;
}

static void shuffle_u32(uint32_t *a, size_t n, uint64_t *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(rec_rand(rng) % i);
        uint32_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

/* The per-user split of the ratings r with mask[r] (NULL: all) into fold[r]; -1 elsewhere. */
static int split_users(const uint32_t *ru, const uint32_t *ri, const uint8_t *rs, size_t nr,
                       size_t nu, const uint8_t *mask, int folds, int loo, int relevant,
                       uint64_t seed, int *fold)
{
    size_t *off = calloc(nu + 2, sizeof *off), *fill = calloc(nu + 1, sizeof *fill);
    uint32_t *by = malloc((nr + 1) * sizeof *by);
    uint64_t rng = seed * 0x9e3779b97f4a7c15ULL + 0x7370;
    int rc = FC_ERR;
    if (!off || !fill || !by)
        goto out;
    for (size_t r = 0; r < nr; r++) {
        fold[r] = -1;
        if (!mask || mask[r])
            off[ru[r] + 1]++;
    }
    rec_csr_offsets(off, nu);
    for (size_t r = 0; r < nr; r++)
        if (!mask || mask[r])
            by[off[ru[r]] + fill[ru[r]]++] = (uint32_t)r;
    for (size_t u = 0; u < nu; u++) {
        size_t a = off[u], n = off[u + 1] - a;
        if (!n)
            continue;
        shuffle_u32(by + a, n, &rng);
        if (loo) {
            if (n < 2)
                continue;
            for (size_t x = 0; x < n; x++)
                if (rs[by[a + x]] >= relevant) {
                    fold[by[a + x]] = 0;
                    break;
                }
            continue;
        }
        size_t start = (size_t)(rec_rand(&rng) % (uint64_t)folds);
        for (size_t x = 0; x < n; x++)
            fold[by[a + x]] = (int)((start + x) % (size_t)folds);
    }
    /* a pair rated twice goes wholly to one fold, so no held-out item is also in training */
    for (size_t u = 0; u < nu; u++)
        for (size_t x = off[u]; x < off[u + 1]; x++)
            for (size_t y = off[u]; y < x; y++)
                if (ri[by[y]] == ri[by[x]]) {
                    if (!loo) {
                        fold[by[x]] = fold[by[y]];
                        break;
                    }
                    if (fold[by[x]] == 0 || fold[by[y]] == 0) /* held out together */
                        fold[by[x]] = fold[by[y]] = 0;
                }
    rc = FC_OK;
out:
    free(off);
    free(fill);
    free(by);
    return rc;
}

int rec_proto_split(const struct rec_dataset *d, int folds, int loo, int relevant, uint64_t seed,
                    int *fold)
{
    struct rec_proto_opts o;
    struct env e;
    int rc;
    if (!d->n_ratings || (!loo && (folds < 2 || folds > REC_PROTO_MAX_FOLDS)))
        return FC_EINVAL;
    rec_proto_defaults(&o);
    rc = env_init(&e, d, &o);
    if (rc == FC_OK)
        rc = split_users(e.ru, e.ri, e.rs, e.nr, e.nu, NULL, folds, loo, relevant, seed, fold);
    env_free(&e);
    return rc;
}

/* ---- one training set ------------------------------------------------------------------ */

/* The ratings with role 1, per user (CSR), and the ones with role 2 that are relevant. */
struct split {
    const uint8_t *role; /* per rating: 0 unused, 1 training, 2 held out */
    size_t *off;         /* training per user */
    uint32_t *item;
    uint8_t *stars;
    size_t *toff; /* relevant held-out items per user */
    uint32_t *titem;
    struct rec_edge *friends; /* demo friendships of the training set (side data) */
    size_t n_friends;
    int has_friends;
};

static void split_free(struct split *s)
{
    free(s->off);
    free(s->item);
    free(s->stars);
    free(s->toff);
    free(s->titem);
    free(s->friends);
    memset(s, 0, sizeof *s);
}

static int split_init(const struct env *e, const uint8_t *role, struct split *s)
{
    size_t *f1 = NULL, *f2 = NULL;
    int rc = FC_ERR;
    memset(s, 0, sizeof *s);
    s->role = role;
    s->off = calloc(e->nu + 2, sizeof *s->off);
    s->toff = calloc(e->nu + 2, sizeof *s->toff);
    f1 = calloc(e->nu + 1, sizeof *f1);
    f2 = calloc(e->nu + 1, sizeof *f2);
    s->item = malloc((e->nr + 1) * sizeof *s->item);
    s->stars = malloc(e->nr + 1);
    s->titem = malloc((e->nr + 1) * sizeof *s->titem);
    if (!s->off || !s->toff || !f1 || !f2 || !s->item || !s->stars || !s->titem)
        goto out;
    for (size_t r = 0; r < e->nr; r++) {
        if (role[r] == 1)
            s->off[e->ru[r] + 1]++;
        else if (role[r] == 2 && e->rs[r] >= e->o->relevant)
            s->toff[e->ru[r] + 1]++;
    }
    rec_csr_offsets(s->off, e->nu);
    rec_csr_offsets(s->toff, e->nu);
    for (size_t r = 0; r < e->nr; r++) {
        uint32_t u = e->ru[r];
        if (role[r] == 1) {
            s->item[s->off[u] + f1[u]] = e->ri[r];
            s->stars[s->off[u] + f1[u]++] = e->rs[r];
        } else if (role[r] == 2 && e->rs[r] >= e->o->relevant) {
            size_t x = 0;
            while (x < f2[u] && s->titem[s->toff[u] + x] != e->ri[r])
                x++;
            if (x == f2[u])
                s->titem[s->toff[u] + f2[u]++] = e->ri[r];
        }
    }
    /* close the gaps the duplicates left */
    for (size_t u = 0, o = 0; u < e->nu; u++) {
        size_t a = s->toff[u];
        s->toff[u] = o;
        memmove(s->titem + o, s->titem + a, f2[u] * sizeof *s->titem);
        o += f2[u];
        if (u + 1 == e->nu)
            s->toff[e->nu] = o;
    }
    rc = FC_OK;
out:
    free(f1);
    free(f2);
    return rc;
}

/* t's ratings: the training ratings of split s (t->ratings malloc'ed). FC_OK or FC_ERR. */
static int training_ratings(const struct env *e, const struct split *s, struct rec_dataset *t)
{
    t->ratings = malloc((e->nr + 1) * sizeof *t->ratings);
    if (!t->ratings)
        return FC_ERR;
    for (size_t r = 0; r < e->nr; r++)
        if (s->role[r] == 1)
            t->ratings[t->n_ratings++] = e->d->ratings[r];
    return FC_OK;
}

/* Demo friendships from the training ratings (computed once per split, for the engine). */
static int split_friends(const struct env *e, struct split *s)
{
    struct rec_dataset t = {0};
    int rc = FC_ERR;
    if (s->has_friends || e->o->demo_friends <= 0)
        return FC_OK;
    if (training_ratings(e, s, &t))
        return FC_ERR;
    if (rec_demo_friends(&t, e->o->demo_friends, &s->friends, &s->n_friends) == FC_OK) {
        s->has_friends = 1;
        rc = FC_OK;
    }
    free(t.ratings);
    return rc;
}

/* ---- models -------------------------------------------------------------------------- */

/* A fitted model: dense scores (baselines) or the engine's model. */
struct fitted {
    int model, side;
    double par[MAX_PAR];
    double *pop;     /* per item: training interactions (every model's tie-break) */
    double *W;       /* ni x ni item-to-item weights (kNN, RP3beta, EASE^R) */
    uint32_t *ucity; /* city popularity: each user's home city */
    struct rec_model *engine;
};

static void fitted_free(struct fitted *f)
{
    free(f->pop);
    free(f->W);
    free(f->ucity);
    rec_model_free(f->engine);
    memset(f, 0, sizeof *f);
}

/* x_ui of a training rating: 1, or with par "liked" only the relevant ones count. */
static double input(const struct env *e, int liked, uint8_t stars)
{
    return liked ? stars >= e->o->relevant : 1.0;
}

/* Keeps the top k entries (by value) of each row of W, zeroing the rest (k 0: all). */
static int keep_top(double *W, size_t ni, size_t k)
{
    double *tmp;
    if (!k || k >= ni)
        return FC_OK;
    tmp = malloc((ni + 1) * sizeof *tmp);
    if (!tmp)
        return FC_ERR;
    for (size_t i = 0; i < ni; i++) {
        double *row = W + i * ni, cut;
        size_t above = 0;
        memcpy(tmp, row, ni * sizeof *tmp);
        /* the k-th largest by partial selection (ni is small) */
        for (size_t a = 0; a < k; a++) {
            size_t best = a;
            for (size_t b = a + 1; b < ni; b++)
                if (tmp[b] > tmp[best])
                    best = b;
            double t = tmp[a];
            tmp[a] = tmp[best];
            tmp[best] = t;
        }
        cut = tmp[k - 1];
        for (size_t j = 0; j < ni; j++)
            if (row[j] > cut)
                above++;
        /* ties at the cut: keep the lower indexes */
        for (size_t j = 0; j < ni; j++) {
            if (row[j] > cut)
                continue;
            if (row[j] == cut && above < k && cut > 0)
                above++;
            else
                row[j] = 0;
        }
    }
    free(tmp);
    return FC_OK;
}

/* Inverts the symmetric positive definite n x n matrix A in place (Gauss-Jordan, no pivoting
 * needed for SPD). FC_OK, or FC_EINVAL when a pivot is not positive. */
static int spd_invert(double *A, size_t n)
{
    for (size_t p = 0; p < n; p++) {
        double piv = A[p * n + p];
        if (!(piv > 1e-12))
            return FC_EINVAL;
        A[p * n + p] = 1.0;
        for (size_t j = 0; j < n; j++)
            A[p * n + j] /= piv;
        for (size_t i = 0; i < n; i++) {
            double f;
            if (i == p)
                continue;
            f = A[i * n + p];
            if (f == 0)
                continue;
            A[i * n + p] = 0;
            for (size_t j = 0; j < n; j++)
                A[i * n + j] -= f * A[p * n + j];
        }
    }
    return FC_OK;
}

/* The engine's weights for a parameter vector: popularity, similarity kind (0 cosine, 1 random
 * walk), beta, binary, neutral, content, social. */
static void engine_weights(const struct env *e, const double *par, struct rec_weights *w)
{
    *w = e->o->w;
    w->popularity = par[0];
    w->sim_alpha = par[1] > 0 ? 1.0 : 0.5;
    w->user_decay = par[1] > 0 ? 1.0 : 0.0;
    w->sim_beta = par[2];
    w->binary = par[3];
    w->neutral = par[4];
    w->content = par[5];
    w->social = par[6];
    w->shrinkage = par[7];
}

static int fit_engine(const struct env *e, struct split *s, int side, const struct rec_weights *w,
                      struct fitted *f)
{
    struct rec_dataset t = {0};
    int rc = FC_ERR;
    if (training_ratings(e, s, &t))
        return FC_ERR;
    if (side) {
        t.items = e->d->items;
        t.n_items = e->d->n_items;
        t.users = e->d->users;
        t.n_users = e->d->n_users;
        if (split_friends(e, s))
            goto out;
        t.friends = s->friends;
        t.n_friends = s->n_friends;
    }
    rc = rec_model_build(&t, w, &f->engine);
out:
    free(t.ratings);
    return rc;
}

static int fit(const struct env *e, struct split *s, int model, int side, const double *par,
               struct fitted *f)
{
    size_t ni = e->ni, nu = e->nu;
    int liked = (int)par[MAX_PAR - 1];
    memset(f, 0, sizeof *f);
    f->model = model;
    f->side = side;
    memcpy(f->par, par, sizeof f->par);
    f->pop = calloc(ni + 1, sizeof *f->pop);
    if (!f->pop)
        return FC_ERR;
    for (size_t u = 0; u < nu; u++)
        for (size_t x = s->off[u]; x < s->off[u + 1]; x++)
            f->pop[s->item[x]] += input(e, liked, s->stars[x]);
    switch (model) {
    case REC_PM_POP:
        return FC_OK;
    case REC_PM_CITYPOP: {
        double *share = calloc(e->n_city + 1, sizeof *share);
        f->ucity = malloc((nu + 1) * sizeof *f->ucity);
        if (!share || !f->ucity) {
            free(share);
            return FC_ERR;
        }
        for (size_t u = 0; u < nu; u++) {
            uint32_t best = e->user_city[u];
            if (best == NONE) { /* the city of most of the history */
                memset(share, 0, (e->n_city + 1) * sizeof *share);
                for (size_t x = s->off[u]; x < s->off[u + 1]; x++) {
                    uint32_t c = e->item_city[s->item[x]];
                    if (c != NONE && ++share[c] > (best == NONE ? 0 : share[best]))
                        best = c;
                }
            }
            f->ucity[u] = best;
        }
        free(share);
        return FC_OK;
    }
    case REC_PM_ENGINE_DEF:
        return fit_engine(e, s, side, &e->o->w, f);
    case REC_PM_ENGINE: {
        struct rec_weights w;
        engine_weights(e, par, &w);
        return fit_engine(e, s, side, &w, f);
    }
    default:
        break;
    }
    if (ni > MAX_DENSE)
        return FC_EINVAL;
    f->W = calloc(ni * ni + 1, sizeof *f->W);
    if (!f->W)
        return FC_ERR;
    /* co-occurrences, weighted per user for RP3beta */
    for (size_t u = 0; u < nu; u++) {
        double deg = 0, wu = 1;
        for (size_t x = s->off[u]; x < s->off[u + 1]; x++)
            deg += input(e, liked, s->stars[x]);
        if (model == REC_PM_RP3)
            wu = deg > 0 ? pow(deg, -par[0]) : 0;
        for (size_t x = s->off[u]; x < s->off[u + 1]; x++) {
            double vx = input(e, liked, s->stars[x]);
            if (vx <= 0)
                continue;
            for (size_t y = s->off[u]; y < s->off[u + 1]; y++) {
                double vy = input(e, liked, s->stars[y]);
                if (vy > 0)
                    f->W[s->item[x] * ni + s->item[y]] += vx * vy * wu;
            }
        }
    }
    if (model == REC_PM_ITEMKNN) { /* par: K, shrink */
        for (size_t i = 0; i < ni; i++)
            for (size_t j = 0; j < ni; j++) {
                double c = f->W[i * ni + j];
                if (i == j || c <= 0) {
                    if (i != j)
                        f->W[i * ni + j] = 0;
                    continue;
                }
                f->W[i * ni + j] = c / (sqrt(f->pop[i] * f->pop[j]) + par[1]);
            }
        for (size_t i = 0; i < ni; i++)
            f->W[i * ni + i] = 0;
        return keep_top(f->W, ni, (size_t)par[0]);
    }
    if (model == REC_PM_RP3) { /* par: alpha, beta, K */
        for (size_t i = 0; i < ni; i++)
            for (size_t j = 0; j < ni; j++) {
                double c = f->W[i * ni + j];
                f->W[i * ni + j] =
                    i == j || c <= 0 ? 0 : c * pow(f->pop[i], -par[0]) * pow(f->pop[j], -par[1]);
            }
        return keep_top(f->W, ni, (size_t)par[2]);
    }
    /* EASE^R: B = I - P diagMat(1 / diag(P)), P = (X'X + lambda I)^-1 */
    for (size_t i = 0; i < ni; i++)
        f->W[i * ni + i] += par[0];
    if (spd_invert(f->W, ni))
        return FC_EINVAL;
    {
        double *dg = malloc((ni + 1) * sizeof *dg);
        if (!dg)
            return FC_ERR;
        for (size_t j = 0; j < ni; j++)
            dg[j] = f->W[j * ni + j];
        for (size_t i = 0; i < ni; i++)
            for (size_t j = 0; j < ni; j++)
                f->W[i * ni + j] = i == j ? 0 : -f->W[i * ni + j] / dg[j];
        free(dg);
    }
    return FC_OK;
}

/* The top k dense item indexes for user u, never a training item. */
static int topk(const struct env *e, const struct split *s, const struct fitted *f, uint32_t u,
                size_t k, double *sc, uint8_t *skip, uint32_t *out, size_t *nout)
{
    size_t ni = e->ni, n = 0;
    double maxpop = 0;
    int liked = (int)f->par[MAX_PAR - 1];
    *nout = 0;
    if (f->engine) {
        struct rec_result res[64];
        size_t nres = 0;
        if (k > FC_ARRAY_LEN(res))
            k = FC_ARRAY_LEN(res);
        if (rec_recommend(f->engine, e->uid[u], k, res, &nres))
            return FC_ERR;
        for (size_t r = 0; r < nres; r++) {
            uint32_t i = index_of(e->iid, ni, res[r].item);
            if (i != NONE)
                out[n++] = i;
        }
        *nout = n;
        return FC_OK;
    }
    for (size_t i = 0; i < ni; i++) {
        maxpop = fmax(maxpop, f->pop[i]);
        skip[i] = 0;
        sc[i] = 0;
    }
    for (size_t x = s->off[u]; x < s->off[u + 1]; x++)
        skip[s->item[x]] = 1;
    if (f->W)
        for (size_t x = s->off[u]; x < s->off[u + 1]; x++) {
            double v = input(e, liked, s->stars[x]);
            const double *row = f->W + (size_t)s->item[x] * ni;
            if (v == 0)
                continue;
            for (size_t j = 0; j < ni; j++)
                sc[j] += v * row[j];
        }
    if (f->model == REC_PM_CITYPOP)
        for (size_t i = 0; i < ni; i++)
            sc[i] = f->ucity[u] != NONE && e->item_city[i] == f->ucity[u] ? 1 : 0;
    /* popularity: the score of the popularity models, a tie-break below every other score */
    if (f->W) {
        double top = 0;
        for (size_t i = 0; i < ni; i++)
            top = fmax(top, fabs(sc[i]));
        maxpop /= 1e-9 * (top > 0 ? top : 1);
    } else
        maxpop *= 2;
    for (size_t i = 0; i < ni; i++)
        sc[i] += maxpop > 0 ? f->pop[i] / maxpop : 0;
    for (size_t r = 0; r < k; r++) {
        size_t best = ni;
        for (size_t i = 0; i < ni; i++)
            if (!skip[i] && (best == ni || sc[i] > sc[best]))
                best = i;
        if (best == ni)
            break;
        skip[best] = 1;
        out[n++] = (uint32_t)best;
    }
    *nout = n;
    return FC_OK;
}

/* Scores every user with a relevant held-out item; adds to *sum and *units, and writes the
 * metrics of each unit to unit[] when given (in user order). */
static int evaluate(const struct env *e, const struct split *s, const struct fitted *f,
                    struct rec_proto_metrics *unit, double *sum, size_t *units)
{
    size_t k = (size_t)e->o->k, n;
    double *sc = malloc((e->ni + 1) * sizeof *sc);
    uint8_t *skip = malloc(e->ni + 1);
    uint32_t *list = malloc((k + 1) * sizeof *list);
    int64_t *ids = malloc((k + 1) * sizeof *ids), *rel = malloc((e->ni + 1) * sizeof *rel);
    int rc = FC_ERR;
    if (!sc || !skip || !list || !ids || !rel)
        goto out;
    for (uint32_t u = 0; u < e->nu; u++) {
        struct rec_proto_metrics m;
        size_t nrel = s->toff[u + 1] - s->toff[u];
        if (!nrel)
            continue;
        if (topk(e, s, f, u, k, sc, skip, list, &n))
            goto out;
        for (size_t r = 0; r < n; r++)
            ids[r] = (int64_t)list[r];
        for (size_t x = 0; x < nrel; x++)
            rel[x] = (int64_t)s->titem[s->toff[u] + x];
        rec_proto_score(ids, n, rel, nrel, (int)k, &m);
        if (unit)
            unit[*units] = m;
        *sum += m.ndcg;
        (*units)++;
    }
    rc = FC_OK;
out:
    free(sc);
    free(skip);
    free(list);
    free(ids);
    free(rel);
    return rc;
}

/* ---- grids and nested validation ------------------------------------------------------ */

struct grid {
    double (*p)[MAX_PAR];
    size_t n, cap;
};

static int grid_add(struct grid *g, const double *p)
{
    if (fc_grow(&g->p, &g->cap, g->n + 1, sizeof *g->p, 64))
        return FC_ERR;
    memcpy(g->p[g->n++], p, sizeof *g->p);
    return FC_OK;
}

/* Repeats the grid's points once for each of the nlk values lk of the last parameter (all
 * ratings or only liked ones), in that order. */
static int grid_times_liked(struct grid *g, const double *lk, size_t nlk)
{
    size_t n = g->n;
    for (size_t i = 0; i < n; i++)
        g->p[i][MAX_PAR - 1] = lk[0];
    for (size_t a = 1; a < nlk; a++)
        for (size_t i = 0; i < n; i++) {
            double p[MAX_PAR];
            memcpy(p, g->p[i], sizeof p);
            p[MAX_PAR - 1] = lk[a];
            if (grid_add(g, p))
                return FC_ERR;
        }
    return FC_OK;
}

#define EACH(v, list) for (size_t v##_i = 0; v##_i < FC_ARRAY_LEN(list); v##_i++)

static int grid_make(const struct env *e, int model, struct grid *g, const double *base)
{
    double p[MAX_PAR] = {0};
    int quick = e->o->quick;
    static const double liked[] = {0, 1}, liked_q[] = {0};
    static const double knn_k[] = {10, 25, 50, 0}, knn_h[] = {0, 2, 10, 50};
    static const double rp_a[] = {0.5, 1}, rp_b[] = {0, 0.25, 0.5, 0.75}, rp_k[] = {25, 50, 0};
    static const double ease_l[] = {1, 5, 10, 25, 50, 100, 250, 500};
    static const double en_pop[] = {0, 0.02, 0.2}, en_kind[] = {0, 1}, en_beta[] = {0.3, 0.5, 0.7};
    static const double en_bin[] = {1, 2}, en_neu[] = {0, 2}, en_shr[] = {0, 5};
    static const double en_con[] = {0, 0.1, 0.25, 0.5}, en_soc[] = {0, 0.1, 0.25};
    memset(g, 0, sizeof *g);
    switch (model) {
    case REC_PM_POP:
    case REC_PM_CITYPOP:
        if (grid_add(g, p))
            return FC_ERR;
        break;
    case REC_PM_ITEMKNN:
        EACH(kk, knn_k) EACH(h, knn_h)
        {
            if (quick && (kk_i % 2 || h_i % 2))
                continue;
            p[0] = knn_k[kk_i];
            p[1] = knn_h[h_i];
            if (grid_add(g, p))
                return FC_ERR;
        }
        break;
    case REC_PM_RP3:
        EACH(al, rp_a) EACH(be, rp_b) EACH(kk, rp_k)
        {
            if (quick && (be_i % 2 || kk_i))
                continue;
            p[0] = rp_a[al_i];
            p[1] = rp_b[be_i];
            p[2] = rp_k[kk_i];
            if (grid_add(g, p))
                return FC_ERR;
        }
        break;
    case REC_PM_EASE:
        EACH(l, ease_l)
        {
            if (quick && l_i % 3)
                continue;
            p[0] = ease_l[l_i];
            if (grid_add(g, p))
                return FC_ERR;
        }
        break;
    case REC_PM_ENGINE:
        if (!base) { /* stage 1: the collaborative part, side weights as given */
            EACH(po, en_pop)
            EACH(ki, en_kind) EACH(be, en_beta) EACH(bi, en_bin) EACH(ne, en_neu) EACH(sh, en_shr)
            {
                /* binary 2 ignores stars in the history: neutral does not matter */
                if ((bi_i && ne_i) || (quick && (po_i != 1 || be_i != 1 || !bi_i || !sh_i)))
                    continue;
                p[0] = en_pop[po_i];
                p[1] = en_kind[ki_i];
                p[2] = en_beta[be_i];
                p[3] = en_bin[bi_i];
                p[4] = en_neu[ne_i];
                p[5] = e->o->w.content;
                p[6] = e->o->w.social;
                p[7] = en_shr[sh_i];
                if (grid_add(g, p))
                    return FC_ERR;
            }
            return FC_OK;
        }
        /* stage 2 (side data): content, social and popularity around stage 1's best */
        EACH(co, en_con) EACH(so, en_soc) EACH(po, en_pop)
        {
            if (quick && (co_i % 2 || so_i % 2 || po_i != 0))
                continue;
            memcpy(p, base, sizeof p);
            p[0] = quick ? base[0] : en_pop[po_i];
            p[5] = en_con[co_i];
            p[6] = en_soc[so_i];
            if (grid_add(g, p))
                return FC_ERR;
        }
        return FC_OK;
    default:
        return FC_OK; /* REC_PM_ENGINE_DEF: nothing to choose */
    }
    return quick ? grid_times_liked(g, liked_q, FC_ARRAY_LEN(liked_q))
                 : grid_times_liked(g, liked, FC_ARRAY_LEN(liked));
}

static void describe(int model, const double *p, char *buf, size_t n)
{
    const char *lk = p[MAX_PAR - 1] > 0 ? "liked" : "all";
    switch (model) {
    case REC_PM_POP:
    case REC_PM_CITYPOP:
        snprintf(buf, n, "input=%s", lk);
        break;
    case REC_PM_ITEMKNN:
        snprintf(buf, n, "K=%g shrink=%g input=%s", p[0], p[1], lk);
        break;
    case REC_PM_RP3:
        snprintf(buf, n, "alpha=%g beta=%g K=%g input=%s", p[0], p[1], p[2], lk);
        break;
    case REC_PM_EASE:
        snprintf(buf, n, "lambda=%g input=%s", p[0], lk);
        break;
    case REC_PM_ENGINE:
        snprintf(buf, n,
                 "Weight.Popularity=%g Sim=%s Sim.Beta=%g Sim.Binary=%g Neutral=%g "
                 "Shrinkage=%g Weight.Content=%g Weight.Social=%g",
                 p[0], p[1] > 0 ? "walk" : "cosine", p[2], p[3], p[4], p[7], p[5], p[6]);
        break;
    default:
        snprintf(buf, n, "as configured");
    }
}

/* The inner splits of a training set (role 1 ratings): inner folds, each its own split. */
struct inner {
    struct split *s;
    uint8_t **role;
    int n;
};

static void inner_free(struct inner *in)
{
    for (int f = 0; f < in->n; f++) {
        if (in->s)
            split_free(&in->s[f]);
        if (in->role)
            free(in->role[f]);
    }
    free(in->s);
    free(in->role);
    memset(in, 0, sizeof *in);
}

static int inner_init(const struct env *e, const uint8_t *outer, uint64_t seed, struct inner *in)
{
    int *fold = malloc((e->nr + 1) * sizeof *fold), rc = FC_ERR;
    uint8_t *mask = malloc(e->nr + 1);
    memset(in, 0, sizeof *in);
    in->n = e->o->inner;
    in->s = calloc((size_t)in->n, sizeof *in->s);
    in->role = calloc((size_t)in->n, sizeof *in->role);
    if (!fold || !mask || !in->s || !in->role)
        goto out;
    for (size_t r = 0; r < e->nr; r++)
        mask[r] = outer[r] == 1;
    if (split_users(e->ru, e->ri, e->rs, e->nr, e->nu, mask, in->n, 0, e->o->relevant, seed, fold))
        goto out;
    for (int f = 0; f < in->n; f++) {
        if (!(in->role[f] = malloc(e->nr + 1)))
            goto out;
        for (size_t r = 0; r < e->nr; r++)
            in->role[f][r] = !mask[r] ? 0 : fold[r] == f ? 2 : 1;
        if (split_init(e, in->role[f], &in->s[f]))
            goto out;
    }
    rc = FC_OK;
out:
    free(fold);
    free(mask);
    return rc;
}

/* The grid point with the best mean NDCG over the inner folds (ties: the first). */
static int choose(const struct env *e, struct inner *in, int model, int side, const struct grid *g,
                  double *best)
{
    double best_v = -1;
    for (size_t c = 0; c < g->n; c++) {
        double sum = 0;
        size_t units = 0;
        int bad = 0;
        for (int f = 0; f < in->n && !bad; f++) {
            struct fitted fm;
            int rc = fit(e, &in->s[f], model, side, g->p[c], &fm);
            if (rc == FC_EINVAL)
                bad = 1;
            else if (rc || evaluate(e, &in->s[f], &fm, NULL, &sum, &units)) {
                fitted_free(&fm);
                return FC_ERR;
            }
            fitted_free(&fm);
        }
        if (!bad && units && sum / (double)units > best_v) {
            best_v = sum / (double)units;
            memcpy(best, g->p[c], sizeof g->p[c]);
        }
    }
    return best_v < 0 ? FC_EINVAL : FC_OK;
}

/* Picks model's hyper-parameters inside the training set (nested validation). */
static int tune(const struct env *e, struct inner *in, int model, int side, double *best)
{
    struct grid g;
    int rc;
    memset(best, 0, MAX_PAR * sizeof *best);
    if (model == REC_PM_ENGINE_DEF)
        return FC_OK;
    if (grid_make(e, model, &g, NULL))
        return FC_ERR;
    if (g.n == 1)
        memcpy(best, g.p[0], sizeof g.p[0]), rc = FC_OK;
    else
        rc = choose(e, in, model, side, &g, best);
    free(g.p);
    if (rc || model != REC_PM_ENGINE || !side)
        return rc;
    if (grid_make(e, model, &g, best))
        return FC_ERR;
    rc = choose(e, in, model, side, &g, best);
    free(g.p);
    return rc;
}

/* ---- the run ------------------------------------------------------------------------- */

static int wanted(const struct rec_proto_opts *o, int model, int side)
{
    if (model == REC_PM_CITYPOP && !side)
        return 0;
    if (side && model != REC_PM_CITYPOP && model != REC_PM_ENGINE && model != REC_PM_ENGINE_DEF)
        return 0; /* the other baselines do not read side data: the same row */
    return !o->models || (o->models & (1u << model));
}

static void cluster_se(const struct rec_proto_report *r, struct rec_proto_row *row, size_t nu)
{
    double *s[3], mean[3] = {0, 0, 0};
    size_t *cnt = calloc(nu + 1, sizeof *cnt), groups = 0;
    for (int m = 0; m < 3; m++)
        s[m] = calloc(nu + 1, sizeof *s[m]);
    if (!cnt || !s[0] || !s[1] || !s[2] || !r->n_units)
        goto out;
    for (size_t x = 0; x < r->n_units; x++) {
        const double v[3] = {row->unit[x].hit, row->unit[x].ndcg, row->unit[x].recall};
        uint32_t u = r->unit_user[x];
        groups += !cnt[u]++;
        for (int m = 0; m < 3; m++) {
            s[m][u] += v[m];
            mean[m] += v[m];
        }
    }
    for (int m = 0; m < 3; m++) {
        double ss = 0, N = (double)r->n_units;
        mean[m] /= N;
        for (size_t u = 0; u < nu; u++)
            if (cnt[u]) {
                double dev = s[m][u] - mean[m] * (double)cnt[u];
                ss += dev * dev;
            }
        ss = groups > 1 ? sqrt(ss * (double)groups / (double)(groups - 1)) / N : 0;
        if (m == 0)
            row->mean.hit = mean[m], row->se.hit = ss;
        else if (m == 1)
            row->mean.ndcg = mean[m], row->se.ndcg = ss;
        else
            row->mean.recall = mean[m], row->se.recall = ss;
    }
out:
    free(cnt);
    for (int m = 0; m < 3; m++)
        free(s[m]);
}

int rec_proto_run(const struct rec_dataset *d, const struct rec_proto_opts *o,
                  struct rec_proto_report *r)
{
    struct env e;
    int *fold = NULL, nf, rc = FC_ERR;
    uint8_t *role = NULL;
    size_t cap_units = 0;

    memset(r, 0, sizeof *r);
    if (!d->n_ratings || o->k < 1 || o->k > 64 || o->relevant < 1 || o->relevant > 5 ||
        o->inner < 2 || o->inner > REC_PROTO_MAX_FOLDS ||
        (!o->loo && (o->folds < 2 || o->folds > REC_PROTO_MAX_FOLDS)))
        return FC_EINVAL;
    if (env_init(&e, d, o))
        goto out;
    nf = o->loo ? 1 : o->folds;
    r->n_folds = nf;
    fold = malloc((e.nr + 1) * sizeof *fold);
    role = malloc(e.nr + 1);
    if (!fold || !role ||
        split_users(e.ru, e.ri, e.rs, e.nr, e.nu, NULL, o->folds, o->loo, o->relevant, o->seed,
                    fold))
        goto out;
    /* units: per fold, users with a relevant held-out rating, in user order */
    cap_units = (size_t)nf * e.nu;
    r->unit_user = malloc((cap_units + 1) * sizeof *r->unit_user);
    if (!r->unit_user)
        goto out;
    for (int side = 0; side < 2; side++)
        for (int m = 0; m < REC_PM_N; m++)
            if ((side == 0 || o->side) && wanted(o, m, side)) {
                r->row[side][m].ran = 1;
                r->row[side][m].unit = calloc(cap_units + 1, sizeof *r->row[side][m].unit);
                if (!r->row[side][m].unit)
                    goto out;
            }
    for (int f = 0; f < nf; f++) {
        struct split s;
        struct inner in;
        size_t base = r->n_units;
        for (size_t x = 0; x < e.nr; x++)
            role[x] = fold[x] == f ? 2 : 1;
        if (split_init(&e, role, &s))
            goto out;
        if (inner_init(&e, role, o->seed + 1000 * (uint64_t)(f + 1), &in)) {
            split_free(&s);
            inner_free(&in);
            goto out;
        }
        for (uint32_t u = 0; u < e.nu; u++)
            if (s.toff[u + 1] > s.toff[u])
                r->unit_user[r->n_units++] = u;
        for (int side = 0; side < 2; side++)
            for (int m = 0; m < REC_PM_N; m++) {
                struct rec_proto_row *row = &r->row[side][m];
                double par[MAX_PAR], sum = 0;
                size_t units = base;
                struct fitted fm;
                int frc;
                if (!row->ran)
                    continue;
                frc = tune(&e, &in, m, side, par);
                if (frc == FC_OK)
                    frc = fit(&e, &s, m, side, par, &fm);
                else
                    memset(&fm, 0, sizeof fm);
                if (frc == FC_EINVAL) { /* too many items for a dense model, or singular */
                    row->ran = 0;
                    fitted_free(&fm);
                    continue;
                }
                if (frc || evaluate(&e, &s, &fm, row->unit, &sum, &units)) {
                    fitted_free(&fm);
                    split_free(&s);
                    inner_free(&in);
                    goto out;
                }
                fitted_free(&fm);
                if (f < REC_PROTO_MAX_FOLDS)
                    describe(m, par, row->chosen[f], sizeof row->chosen[f]);
            }
        split_free(&s);
        inner_free(&in);
    }
    for (int side = 0; side < 2; side++)
        for (int m = 0; m < REC_PM_N; m++)
            if (r->row[side][m].ran)
                cluster_se(r, &r->row[side][m], e.nu);
    {
        uint8_t *seen = calloc(e.nu + 1, 1);
        if (!seen)
            goto out;
        for (size_t x = 0; x < r->n_units; x++)
            r->n_eval_users += !seen[r->unit_user[x]]++;
        free(seen);
    }
    r->n_ratings = e.nr;
    r->n_users = e.nu;
    r->n_items = e.ni;
    for (size_t x = 0; x < e.nr; x++)
        r->n_relevant += e.rs[x] >= o->relevant;
    rc = FC_OK;
out:
    if (rc)
        rec_proto_report_free(r);
    env_free(&e);
    free(fold);
    free(role);
    return rc;
}

int rec_proto_tune(const struct rec_dataset *d, const struct rec_proto_opts *o, int side,
                   struct rec_weights *out)
{
    struct env e;
    struct inner in = {0};
    uint8_t *role = NULL;
    double par[MAX_PAR];
    int rc = FC_ERR;

    *out = o->w;
    if (!d->n_ratings || o->k < 1 || o->k > 64 || o->relevant < 1 || o->relevant > 5 ||
        o->inner < 2 || o->inner > REC_PROTO_MAX_FOLDS)
        return FC_EINVAL;
    if (env_init(&e, d, o) || !(role = malloc(e.nr + 1)))
        goto out;
    memset(role, 1, e.nr);
    if (inner_init(&e, role, o->seed, &in) || (rc = tune(&e, &in, REC_PM_ENGINE, side, par)))
        goto out;
    engine_weights(&e, par, out);
out:
    inner_free(&in);
    env_free(&e);
    free(role);
    return rc;
}

void rec_proto_report_free(struct rec_proto_report *r)
{
    for (int side = 0; side < 2; side++)
        for (int m = 0; m < REC_PM_N; m++)
            free(r->row[side][m].unit);
    free(r->unit_user);
    memset(r, 0, sizeof *r);
}

static double metric_of(const struct rec_proto_metrics *m, int metric)
{
    return metric == 0 ? m->hit : metric == 1 ? m->ndcg : m->recall;
}

int rec_proto_compare(const struct rec_proto_report *r, int sa, int a, int sb, int b, int metric,
                      int boot, uint64_t seed, struct rec_proto_diff *out)
{
    const struct rec_proto_row *A, *B;
    double *sum = NULL, *draws = NULL, total = 0;
    size_t *cnt = NULL, *users = NULL, nu = 0, maxu = 0, le0 = 0;
    uint64_t rng = seed ^ 0x626f6f74ULL;
    int rc = FC_ERR;

    memset(out, 0, sizeof *out);
    if (sa < 0 || sa > 1 || sb < 0 || sb > 1 || a < 0 || a >= REC_PM_N || b < 0 || b >= REC_PM_N ||
        boot < 1)
        return FC_EINVAL;
    A = &r->row[sa][a];
    B = &r->row[sb][b];
    if (!A->ran || !B->ran || !r->n_units)
        return FC_EINVAL;
    for (size_t x = 0; x < r->n_units; x++)
        if (r->unit_user[x] + 1 > maxu)
            maxu = r->unit_user[x] + 1;
    sum = calloc(maxu + 1, sizeof *sum);
    cnt = calloc(maxu + 1, sizeof *cnt);
    users = malloc((maxu + 1) * sizeof *users);
    draws = malloc(((size_t)boot + 1) * sizeof *draws);
    if (!sum || !cnt || !users || !draws)
        goto out;
    for (size_t x = 0; x < r->n_units; x++) {
        double dlt = metric_of(&A->unit[x], metric) - metric_of(&B->unit[x], metric);
        uint32_t u = r->unit_user[x];
        sum[u] += dlt;
        total += dlt;
        cnt[u]++;
    }
    for (size_t u = 0; u < maxu; u++)
        if (cnt[u])
            users[nu++] = u;
    out->mean = total / (double)r->n_units;
    for (int t = 0; t < boot; t++) {
        double s = 0;
        size_t c = 0;
        for (size_t x = 0; x < nu; x++) {
            size_t u = users[rec_rand(&rng) % nu];
            s += sum[u];
            c += cnt[u];
        }
        draws[t] = c ? s / (double)c : 0;
        le0 += draws[t] <= 0;
    }
    qsort(draws, (size_t)boot, sizeof *draws, rec_cmp_double);
    out->lo = draws[(size_t)(0.025 * (boot - 1) + 0.5)];
    out->hi = draws[(size_t)(0.975 * (boot - 1) + 0.5)];
    out->p_le0 = (double)le0 / boot;
    rc = FC_OK;
out:
    free(sum);
    free(cnt);
    free(users);
    free(draws);
    return rc;
}
