/* rec/synth: seeded synthetic restaurants, users, ratings and friendships for benchmarks:
 * Zipf item popularity within cities and cuisines, Pareto user activity and friend counts. */
#include "rec/synth.h"
#include "core/util.h"
#include "rec/csv.h"
#include "rec/eval.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const CUISINES[] = {
    "Mexican",   "Italian",    "Japanese",  "Chinese",    "American",  "Cafe",     "Bar",
    "Seafood",   "Vegetarian", "Pizzeria",  "Burgers",    "Fast Food", "Thai",     "Indian",
    "Spanish",   "French",     "Korean",    "Vietnamese", "Greek",     "Lebanese", "Peruvian",
    "Brazilian", "Bakery",     "Breakfast", "Steakhouse", "Sushi",     "Tacos",    "Mediterranean",
    "German",    "Turkish",    "Ethiopian", "Caribbean",  "Cuban",     "Dessert",  "Ice Cream",
    "Juice",     "Tea",        "Noodles",   "Barbecue",   "Fusion"};
#define NQ FC_ARRAY_LEN(CUISINES)
static const char *const PRICES[] = {"low", "medium", "high"};

/* Weighted choice among groups: items of each group with cumulative weights. */
struct groups {
    size_t n;
    size_t *off;
    uint32_t *member;
    double *cdf; /* cumulative within each group */
};

static void groups_free(struct groups *g)
{
    free(g->off);
    free(g->member);
    free(g->cdf);
}

/* Groups members 0..n-1 by group[] (a member may be in up to per groups: group[m*per+k],
 * UINT32_MAX for none) with weights w[]. */
static int groups_make(struct groups *g, size_t ngroups, const uint32_t *group, size_t per,
                       size_t n, const double *w)
{
    size_t *fill = calloc(ngroups + 1, sizeof *fill);
    memset(g, 0, sizeof *g);
    g->n = ngroups;
    g->off = calloc(ngroups + 2, sizeof *g->off);
    if (!fill || !g->off)
        goto fail;
    for (size_t m = 0; m < n; m++)
        for (size_t k = 0; k < per; k++)
            if (group[m * per + k] != UINT32_MAX)
                g->off[group[m * per + k] + 1]++;
    rec_csr_offsets(g->off, ngroups);
    g->member = malloc((g->off[ngroups] + 1) * sizeof *g->member);
    g->cdf = malloc((g->off[ngroups] + 1) * sizeof *g->cdf);
    if (!g->member || !g->cdf)
        goto fail;
    for (size_t m = 0; m < n; m++)
        for (size_t k = 0; k < per; k++) {
            uint32_t c = group[m * per + k];
            if (c != UINT32_MAX)
                g->member[g->off[c] + fill[c]++] = (uint32_t)m;
        }
    for (size_t c = 0; c < ngroups; c++) {
        double s = 0;
        for (size_t x = g->off[c]; x < g->off[c + 1]; x++)
            g->cdf[x] = s += w[g->member[x]];
    }
    free(fill);
    return FC_OK;
fail:
    free(fill);
    groups_free(g);
    return FC_ERR;
}

static double normal(uint64_t *rng)
{
    double u = rec_rand_unit(rng), v = rec_rand_unit(rng);
    return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

static double pareto(uint64_t *rng, double xm, double alpha)
{
    return xm / pow(1.0 - rec_rand_unit(rng), 1.0 / alpha);
}

/* An index in [0, n) drawn by the weights whose running sums are cdf[0..n) (n > 0). */
static size_t cdf_draw(uint64_t *rng, const double *cdf, size_t n)
{
    double u = rec_rand_unit(rng) * cdf[n - 1];
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cdf[mid] <= u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n ? lo : n - 1;
}

/* A member of group c drawn by weight; UINT32_MAX when the group is empty. */
static uint32_t groups_draw(const struct groups *g, size_t c, uint64_t *rng)
{
    size_t lo = g->off[c], hi = g->off[c + 1];
    if (lo == hi)
        return UINT32_MAX;
    return g->member[lo + cdf_draw(rng, g->cdf + lo, hi - lo)];
}

/* Fills out[0..m) with k <= m cuisines drawn from the Zipf law qcdf (of NQ); a repeat, and every
 * slot past k, is UINT32_MAX. */
static void pick_cuisines(uint64_t *rng, const double *qcdf, size_t k, uint32_t *out, size_t m)
{
    for (size_t x = 0; x < m; x++) {
        uint32_t q = x < k ? (uint32_t)cdf_draw(rng, qcdf, NQ) : UINT32_MAX;
        for (size_t y = 0; y < x; y++)
            if (out[y] == q)
                q = UINT32_MAX;
        out[x] = q;
    }
}

struct edge32 {
    uint32_t a, b;
};

static int cmp_edge(const void *x, const void *y)
{
    const struct edge32 *a = x, *b = y;
    int c = FC_CMP(a->a, b->a);
    return c ? c : FC_CMP(a->b, b->b);
}

int rec_synth_write(const struct rec_synth_opts *o, const char *dir, FILE *report)
{
    size_t nu = o->users, ni = o->items, nc, total = 0, nedges = 0, ecap = 0;
    uint64_t rng = o->seed * 0x2545f4914f6cdd1dULL + 1;
    uint32_t *icity = NULL, *icui = NULL, *ucity = NULL, *ucui = NULL, *mark = NULL;
    uint8_t *iprice = NULL;
    double *ipop = NULL, *gcdf = NULL, *quality = NULL, *act = NULL, *deg = NULL, *city_cdf = NULL;
    struct groups by_city = {0}, by_cui = {0}, friends_city = {0};
    struct edge32 *edges = NULL;
    size_t *rank = NULL, *nrat = NULL;
    double qcdf[NQ], asum = 0;
    struct rec_csv_out w = {0};
    int rc = FC_ERR;

    if (!nu || !ni || o->users > UINT32_MAX / 2 || o->items > UINT32_MAX / 2) {
        fprintf(stderr, "forkcast: synth: --users and --items must be positive\n");
        return FC_EINVAL;
    }
    nc = ni / 200 < 1 ? 1 : ni / 200 > 50 ? 50 : ni / 200;
    icity = malloc(ni * sizeof *icity);
    icui = malloc(3 * ni * sizeof *icui);
    iprice = malloc(ni);
    ipop = malloc(ni * sizeof *ipop);
    gcdf = malloc(ni * sizeof *gcdf);
    quality = malloc(ni * sizeof *quality);
    rank = malloc(ni * sizeof *rank);
    ucity = malloc(nu * sizeof *ucity);
    ucui = malloc(4 * nu * sizeof *ucui);
    act = malloc(nu * sizeof *act);
    deg = malloc(nu * sizeof *deg);
    nrat = malloc(nu * sizeof *nrat);
    mark = calloc(ni, sizeof *mark);
    city_cdf = malloc(nc * sizeof *city_cdf);
    if (!icity || !icui || !iprice || !ipop || !gcdf || !quality || !rank || !ucity || !ucui ||
        !act || !deg || !nrat || !mark || !city_cdf)
        goto out;
    /* cities and cuisines: Zipf sizes */
    for (size_t c = 0; c < nc; c++)
        city_cdf[c] = (c ? city_cdf[c - 1] : 0) + 1.0 / (double)(c + 1);
    for (size_t q = 0; q < NQ; q++)
        qcdf[q] = (q ? qcdf[q - 1] : 0) + 1.0 / pow((double)(q + 1), 0.7);
    /* items: popularity 1 / rank^0.8 over a random order */
    for (size_t i = 0; i < ni; i++)
        rank[i] = i;
    for (size_t i = ni; i > 1; i--) {
        size_t j = (size_t)(rec_rand(&rng) % i), t = rank[i - 1];
        rank[i - 1] = rank[j];
        rank[j] = t;
    }
    for (size_t i = 0; i < ni; i++) {
        size_t k = 1 + (rec_rand(&rng) % 3 == 0) + (rec_rand(&rng) % 6 == 0);
        ipop[i] = 1.0 / pow((double)(rank[i] + 1), 0.8);
        gcdf[i] = (i ? gcdf[i - 1] : 0) + ipop[i];
        icity[i] = (uint32_t)cdf_draw(&rng, city_cdf, nc);
        iprice[i] = (uint8_t)(rec_rand(&rng) % 3);
        quality[i] = 3.4 + 0.7 * normal(&rng);
        pick_cuisines(&rng, qcdf, k, icui + 3 * i, 3);
    }
    if (groups_make(&by_city, nc, icity, 1, ni, ipop) ||
        groups_make(&by_cui, NQ, icui, 3, ni, ipop))
        goto out;
    /* users: city, 1-4 cuisines, activity and friend target from Pareto laws */
    for (size_t u = 0; u < nu; u++) {
        size_t k = 1 + rec_rand(&rng) % 4;
        ucity[u] = (uint32_t)cdf_draw(&rng, city_cdf, nc);
        pick_cuisines(&rng, qcdf, k, ucui + 4 * u, 4);
        act[u] = pareto(&rng, 1.0, 2.2);
        asum += act[u];
        deg[u] = pareto(&rng, o->friends * 1.2 / 2.2, 2.2);
        if (deg[u] > 100 * o->friends + 10)
            deg[u] = 100 * o->friends + 10;
    }
    for (size_t u = 0; u < nu; u++) {
        double want = (double)o->ratings * act[u] / asum;
        size_t cap = ni / 2 < 2000 ? (ni / 2 ? ni / 2 : 1) : 2000;
        nrat[u] = want < 1 ? 1 : (size_t)(want + 0.5);
        if (nrat[u] > cap)
            nrat[u] = cap;
    }

    if (rec_csv_out_open(&w, dir, o->events > 0))
        goto out;
    fprintf(w.items, "item,city,price,cuisines,name\n");
    for (size_t i = 0; i < ni; i++) {
        fprintf(w.items, "r%zu,City %u,%s,", i + 1, icity[i] + 1, PRICES[iprice[i]]);
        for (size_t x = 0, first = 1; x < 3; x++)
            if (icui[3 * i + x] != UINT32_MAX) {
                fprintf(w.items, "%s%s", first ? "" : ";", CUISINES[icui[3 * i + x]]);
                first = 0;
            }
        fprintf(w.items, ",Restaurant %zu\n", i + 1);
    }
    fprintf(w.users, "user,city,price,cuisines\n");
    for (size_t u = 0; u < nu; u++) {
        fprintf(w.users, "u%zu,City %u,%s,", u + 1, ucity[u] + 1, PRICES[rec_rand(&rng) % 3]);
        for (size_t x = 0, first = 1; x < 4; x++)
            if (ucui[4 * u + x] != UINT32_MAX) {
                fprintf(w.users, "%s%s", first ? "" : ";", CUISINES[ucui[4 * u + x]]);
                first = 0;
            }
        fputc('\n', w.users);
    }
    /* ratings: mostly the user's city, some the user's cuisines, some anywhere */
    fprintf(w.ratings, "user,item,rating,timestamp\n");
    for (size_t u = 0; u < nu; u++) {
        double bias = 0.4 * normal(&rng);
        for (size_t r = 0; r < nrat[u]; r++) {
            uint32_t it = UINT32_MAX;
            for (int tries = 0; tries < 30 && it == UINT32_MAX; tries++) {
                double p = rec_rand_unit(&rng);
                uint32_t q = ucui[4 * u + rec_rand(&rng) % 4];
                if (p < 0.6)
                    it = groups_draw(&by_city, ucity[u], &rng);
                else if (p < 0.8 && q != UINT32_MAX)
                    it = groups_draw(&by_cui, q, &rng);
                else
                    it = (uint32_t)cdf_draw(&rng, gcdf, ni);
                if (it != UINT32_MAX && mark[it] == u + 1)
                    it = UINT32_MAX;
            }
            if (it == UINT32_MAX)
                continue;
            mark[it] = (uint32_t)(u + 1);
            {
                int match = 0, stars;
                for (size_t x = 0; x < 3; x++)
                    for (size_t y = 0; y < 4; y++)
                        match |=
                            icui[3 * it + x] != UINT32_MAX && icui[3 * it + x] == ucui[4 * u + y];
                stars = (int)lround(quality[it] + bias + 0.5 * match + 0.8 * normal(&rng));
                stars = stars < 1 ? 1 : stars > 5 ? 5 : stars;
                fprintf(w.ratings, "u%zu,r%u,%d,%lld\n", u + 1, it + 1, stars,
                        1600000000LL + (long long)(rec_rand(&rng) % 150000000ULL));
                total++;
            }
        }
    }
    for (size_t e = 0; w.events && e < o->events; e++) {
        size_t u = (size_t)(rec_rand(&rng) % nu);
        uint32_t it = groups_draw(&by_city, ucity[u], &rng);
        if (it == UINT32_MAX)
            it = (uint32_t)(rec_rand(&rng) % ni);
        fprintf(w.events, "u%zu,r%u,%s,%lld\n", u + 1, it + 1,
                rec_rand(&rng) % 10 < 3 ? "save" : "view",
                1600000000LL + (long long)(rec_rand(&rng) % 150000000ULL));
    }
    /* friendships (Chung-Lu): each user draws deg/2 partners by their targets, 70% same city */
    if (groups_make(&friends_city, nc, ucity, 1, nu, deg))
        goto out;
    {
        double *ucdf = malloc(nu * sizeof *ucdf);
        if (!ucdf)
            goto out;
        for (size_t u = 0; u < nu; u++)
            ucdf[u] = (u ? ucdf[u - 1] : 0) + deg[u];
        for (size_t u = 0; u < nu && nu > 1; u++) {
            size_t draws = (size_t)(deg[u] / 2 + rec_rand_unit(&rng));
            for (size_t k = 0; k < draws; k++) {
                uint32_t v = rec_rand_unit(&rng) < 0.7 ? groups_draw(&friends_city, ucity[u], &rng)
                                                       : (uint32_t)cdf_draw(&rng, ucdf, nu);
                if (v == UINT32_MAX || v == u)
                    continue;
                if (nedges == ecap) {
                    size_t cap = ecap ? 2 * ecap : 1024;
                    void *p = realloc(edges, cap * sizeof *edges);
                    if (!p) {
                        free(ucdf);
                        goto out;
                    }
                    edges = p;
                    ecap = cap;
                }
                edges[nedges++] =
                    u < v ? (struct edge32){(uint32_t)u, v} : (struct edge32){v, (uint32_t)u};
            }
        }
        free(ucdf);
    }
    qsort(edges, nedges, sizeof *edges, cmp_edge);
    fprintf(w.friends, "user,friend\n");
    {
        size_t kept = 0;
        for (size_t e = 0; e < nedges; e++)
            if (!e || cmp_edge(&edges[e], &edges[e - 1])) {
                fprintf(w.friends, "u%u,u%u\n", edges[e].a + 1, edges[e].b + 1);
                kept++;
            }
        nedges = kept;
    }
    if (rec_csv_out_failed(&w)) {
        fprintf(stderr, "forkcast: synth: write error in %s\n", dir);
        goto out;
    }
    if (report)
        fprintf(
            report,
            "synth: %zu users, %zu items, %zu ratings, %zu friendships, %zu events, %zu cities, "
            "seed %llu -> %s\n",
            nu, ni, total, nedges, o->events, nc, (unsigned long long)o->seed, dir);
    rc = FC_OK;
out:
    if (rec_csv_out_close(&w))
        rc = FC_ERR;
    groups_free(&by_city);
    groups_free(&by_cui);
    groups_free(&friends_city);
    free(icity);
    free(icui);
    free(iprice);
    free(ipop);
    free(gcdf);
    free(quality);
    free(rank);
    free(ucity);
    free(ucui);
    free(act);
    free(deg);
    free(nrat);
    free(mark);
    free(city_cdf);
    free(edges);
    return rc;
}
