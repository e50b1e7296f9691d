/* rec/dataset: helpers on rec_dataset: the demo-friendship rule and freeing. */
#include "rec/engine.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

int rec_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return FC_CMP(x, y);
}

int rec_cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return FC_CMP(x, y);
}

int rec_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return FC_CMP(x, y);
}

/* Sorted unique ids of one column of the ratings. */
static int64_t *distinct(const struct rec_rating *r, size_t n, int items, size_t *out_n)
{
    int64_t *ids = malloc((n + 1) * sizeof *ids);
    size_t o = 0;
    if (!ids)
        return NULL;
    for (size_t i = 0; i < n; i++)
        ids[i] = items ? r[i].item : r[i].user;
    qsort(ids, n, sizeof *ids, rec_cmp_i64);
    for (size_t i = 0; i < n; i++)
        if (!o || ids[o - 1] != ids[i])
            ids[o++] = ids[i];
    *out_n = o;
    return ids;
}

void rec_csr_offsets(size_t *off, size_t n)
{
    for (size_t r = 0; r < n; r++)
        off[r + 1] += off[r];
}

void rec_csr_sort_unique(size_t *off, uint32_t *v, size_t n)
{
    size_t o = 0;
    for (size_t r = 0; r < n; r++) {
        size_t a = off[r], b = off[r + 1];
        qsort(v + a, b - a, sizeof *v, rec_cmp_u32);
        off[r] = o;
        for (size_t i = a; i < b; i++)
            if (o == off[r] || v[o - 1] != v[i])
                v[o++] = v[i];
    }
    off[n] = o;
}

size_t rec_lower_bound(const int64_t *a, size_t n, int64_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint32_t index_of(const int64_t *ids, size_t n, int64_t id)
{
    return (uint32_t)rec_lower_bound(ids, n, id);
}

/* Counting co-rated items through the item -> users lists: O(sum over items of raters^2). */
int rec_demo_friends(const struct rec_dataset *d, int min_common, struct rec_edge **out, size_t *n)
{
    size_t nu = 0, ni = 0, nr = d->ratings ? d->n_ratings : 0, ne = 0, cap = 64;
    int64_t *uids = NULL, *iids = NULL;
    size_t *uoff = NULL, *ioff = NULL, *fill = NULL;
    uint32_t *uitems = NULL, *iusers = NULL, *cnt = NULL, *touched = NULL;
    struct rec_edge *edges = NULL;
    int rc = FC_ERR;

    *out = NULL;
    *n = 0;
    if (min_common < 1)
        min_common = 1;
    uids = distinct(d->ratings, nr, 0, &nu);
    iids = distinct(d->ratings, nr, 1, &ni);
    uoff = calloc(nu + 2, sizeof *uoff);
    ioff = calloc(ni + 2, sizeof *ioff);
    fill = calloc((nu > ni ? nu : ni) + 1, sizeof *fill);
    uitems = malloc((nr + 1) * sizeof *uitems);
    iusers = malloc((nr + 1) * sizeof *iusers);
    cnt = calloc(nu + 1, sizeof *cnt);
    touched = malloc((nu + 1) * sizeof *touched);
    edges = malloc(cap * sizeof *edges);
    if (!uids || !iids || !uoff || !ioff || !fill || !uitems || !iusers || !cnt || !touched ||
        !edges)
        goto out;
    /* each user's distinct items */
    for (size_t i = 0; i < nr; i++)
        uoff[index_of(uids, nu, d->ratings[i].user) + 1]++;
    rec_csr_offsets(uoff, nu);
    for (size_t i = 0; i < nr; i++) {
        size_t u = index_of(uids, nu, d->ratings[i].user);
        uitems[uoff[u] + fill[u]++] = index_of(iids, ni, d->ratings[i].item);
    }
    rec_csr_sort_unique(uoff, uitems, nu);
    /* each item's users, in user order */
    memset(fill, 0, ((nu > ni ? nu : ni) + 1) * sizeof *fill);
    for (size_t x = 0; x < uoff[nu]; x++)
        ioff[uitems[x] + 1]++;
    rec_csr_offsets(ioff, ni);
    for (size_t u = 0; u < nu; u++)
        for (size_t x = uoff[u]; x < uoff[u + 1]; x++)
            iusers[ioff[uitems[x]] + fill[uitems[x]]++] = (uint32_t)u;
    for (size_t a = 0; a < nu; a++) {
        size_t nt = 0;
        for (size_t x = uoff[a]; x < uoff[a + 1]; x++) {
            uint32_t i = uitems[x];
            for (size_t y = ioff[i]; y < ioff[i + 1]; y++) {
                uint32_t b = iusers[y];
                if (b <= a)
                    continue;
                if (!cnt[b]++)
                    touched[nt++] = b;
            }
        }
        qsort(touched, nt, sizeof *touched, rec_cmp_u32);
        for (size_t t = 0; t < nt; t++) {
            uint32_t b = touched[t];
            if (cnt[b] >= (uint32_t)min_common) {
                if (fc_grow(&edges, &cap, ne + 1, sizeof *edges, 64))
                    goto out;
                edges[ne].a = uids[a];
                edges[ne].b = uids[b];
                ne++;
            }
            cnt[b] = 0;
        }
    }
    *out = edges;
    *n = ne;
    edges = NULL;
    rc = FC_OK;
out:
    free(uids);
    free(iids);
    free(uoff);
    free(ioff);
    free(fill);
    free(uitems);
    free(iusers);
    free(cnt);
    free(touched);
    free(edges);
    return rc;
}

void rec_dataset_free(struct rec_dataset *d)
{
    free(d->items);
    free(d->users);
    free(d->ratings);
    free(d->events);
    free(d->friends);
    free(d->blocks);
    memset(d, 0, sizeof *d);
}
