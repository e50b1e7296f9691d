/* rec/uci: `forkcast rec convert-uci`: the UCI restaurant data set as the recommender's
 * ratings, items, users and demo-friendship CSV files (same stars and cities as the importer). */
#include "rec/uci.h"
#include "core/util.h"
#include "import/uci.h"
#include "rec/csv.h"
#include "rec/engine.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ROWS 4096

/* Text as UTF-8 (Latin-1 when not valid UTF-8), commas and control characters as spaces. */
static void clean_text(char *dst, size_t n, const char *s)
{
    size_t o = 0;
    int utf8 = fc_utf8_valid(s, strlen(s));
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 3 < n; p++) {
        if (*p < 0x20 || *p == ',')
            dst[o++] = ' ';
        else if (*p < 0x80 || utf8)
            dst[o++] = (char)*p;
        else {
            dst[o++] = (char)(0xc0 | (*p >> 6));
            dst[o++] = (char)(0x80 | (*p & 0x3f));
        }
    }
    dst[o] = '\0';
}

/* Appends a cuisine ("Latin_American" -> "Latin American") to a ';'-separated list. */
static void add_cuisine(char *list, size_t n, const char *c)
{
    char name[128];
    fc_strlcpy(name, c, sizeof name);
    for (char *p = name; *p; p++)
        if (*p == '_')
            *p = ' ';
    if (!name[0] || strlen(list) + strlen(name) + 2 > n)
        return;
    if (list[0])
        strcat(list, ";");
    strcat(list, name);
}

struct thing {
    char id[32], city[64], price[16], name[128];
    char cuisines[1600];
};

static struct thing *find(struct thing *t, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].id, id) == 0)
            return &t[i];
    return NULL;
}

/* Adds the cuisines of file (rows id,cuisine) to the things t[0..n) they name, each list kept
 * within max bytes. FC_OK, or FC_ERR when the file cannot be read. */
static int load_cuisines(const char *dir, const char *file, struct thing *t, size_t n, size_t max)
{
    struct fc_uci_csv c = {0};

    if (fc_uci_csv_open(&c, dir, file))
        return FC_ERR;
    while (fc_uci_csv_next(&c)) {
        struct thing *x = c.n >= 2 ? find(t, n, c.field[0]) : NULL;
        if (x)
            add_cuisine(x->cuisines, max, c.field[1]);
    }
    fc_uci_csv_close(&c);
    return FC_OK;
}

/* Where a UCI table keeps what the CSV files need of a thing, a restaurant or a user (field
 * numbers; -1: not there, the city then from the latitude and longitude, fields 1 and 2). */
struct layout {
    const char *file;     /* the table */
    const char *cuisines; /* its (id, cuisine) rows */
    size_t cuisines_max;  /* bytes of a thing's cuisine list */
    int min_fields, city, price, name;
};

static const struct layout RESTAURANTS = {
    .file = "geoplaces2.csv",
    .cuisines = "chefmozcuisine.csv",
    .cuisines_max = 256,
    .min_fields = 17,
    .city = 6,
    .price = 15,
    .name = 4,
};

static const struct layout USERS = {
    .file = "userprofile.csv",
    .cuisines = "usercuisine.csv",
    .cuisines_max = 1024,
    .min_fields = 18,
    .city = -1,
    .price = 17,
    .name = -1,
};

/* Reads the things of the table l into t[0..MAX_ROWS) (*n of them, rows without an id
 * skipped), then their cuisines. FC_OK, or FC_ERR when a file cannot be read. */
static int load_things(const char *dir, const struct layout *l, struct thing *t, size_t *n)
{
    struct fc_uci_csv c = {0};

    if (fc_uci_csv_open(&c, dir, l->file))
        return FC_ERR;
    while (fc_uci_csv_next(&c) && *n < MAX_ROWS) {
        struct thing *x = &t[*n];
        if (c.n < l->min_fields || !c.field[0][0])
            continue;
        fc_strlcpy(x->id, c.field[0], sizeof x->id);
        fc_strlcpy(
            x->city,
            fc_uci_city(l->city >= 0 ? c.field[l->city] : "", atof(c.field[1]), atof(c.field[2])),
            sizeof x->city);
        fc_strlcpy(x->price, c.field[l->price], sizeof x->price);
        if (l->name >= 0)
            clean_text(x->name, sizeof x->name, c.field[l->name]);
        (*n)++;
    }
    fc_uci_csv_close(&c);
    return load_cuisines(dir, l->cuisines, t, *n, l->cuisines_max);
}

int rec_uci_convert(const char *dir, const char *outdir, int min_common, int stars, FILE *report)
{
    struct fc_uci_csv c = {0};
    struct thing *items = calloc(MAX_ROWS, sizeof *items), *users = calloc(MAX_ROWS, sizeof *users);
    struct rec_ids *uids = NULL, *iids = NULL;
    struct rec_dataset d = {0};
    struct rec_edge *edges = NULL;
    size_t ni = 0, nu = 0, cap = 0, ne = 0, *deg = NULL, lonely = 0;
    struct rec_csv_out w = {0};
    int rc = FC_ERR;

    if (!items || !users || rec_ids_new(&uids) || rec_ids_new(&iids))
        goto out;
    if (load_things(dir, &RESTAURANTS, items, &ni) || load_things(dir, &USERS, users, &nu))
        goto out;
    /* ratings */
    if (fc_uci_csv_open(&c, dir, "rating_final.csv"))
        goto out;
    while (fc_uci_csv_next(&c)) {
        long r, f, s;
        struct rec_rating x = {0};
        if (c.n < 5 || fc_parse_int(c.field[2], 0, 2, &r) || fc_parse_int(c.field[3], 0, 2, &f) ||
            fc_parse_int(c.field[4], 0, 2, &s)) {
            fprintf(stderr, "forkcast: convert-uci: skipping malformed rating row\n");
            continue;
        }
        if (rec_ids_intern(uids, c.field[0], strlen(c.field[0]), &x.user) ||
            rec_ids_intern(iids, c.field[1], strlen(c.field[1]), &x.item))
            continue;
        x.stars = stars == REC_UCI_OVERALL ? 1 + 2 * (int)r : fc_uci_stars((int)r, (int)f, (int)s);
        if (d.n_ratings == cap) {
            size_t nc = cap ? 2 * cap : 1024;
            void *p = realloc(d.ratings, nc * sizeof *d.ratings);
            if (!p)
                goto out;
            d.ratings = p;
            cap = nc;
        }
        d.ratings[d.n_ratings++] = x;
    }
    fc_uci_csv_close(&c);
    if (rec_demo_friends(&d, min_common, &edges, &ne))
        goto out;

    if (rec_csv_out_open(&w, outdir, 0))
        goto out;
    fprintf(w.items, "item,city,price,cuisines,name\n");
    for (size_t i = 0; i < ni; i++)
        fprintf(w.items, "%s,%s,%s,%s,%s\n", items[i].id, items[i].city, items[i].price,
                items[i].cuisines, items[i].name);
    fprintf(w.users, "user,city,price,cuisines\n");
    for (size_t i = 0; i < nu; i++)
        fprintf(w.users, "%s,%s,%s,%s\n", users[i].id, users[i].city, users[i].price,
                users[i].cuisines);
    fprintf(w.ratings, "user,item,rating\n");
    for (size_t i = 0; i < d.n_ratings; i++)
        fprintf(w.ratings, "%s,%s,%d\n", rec_ids_name(uids, d.ratings[i].user),
                rec_ids_name(iids, d.ratings[i].item), d.ratings[i].stars);
    fprintf(w.friends, "user,friend\n");
    deg = calloc(rec_ids_count(uids) + 1, sizeof *deg);
    if (!deg)
        goto out;
    for (size_t i = 0; i < ne; i++) {
        fprintf(w.friends, "%s,%s\n", rec_ids_name(uids, edges[i].a),
                rec_ids_name(uids, edges[i].b));
        deg[edges[i].a]++;
        deg[edges[i].b]++;
    }
    for (size_t u = 1; u <= rec_ids_count(uids); u++)
        lonely += deg[u] == 0;
    if (rec_csv_out_failed(&w))
        goto out;
    if (report)
        fprintf(
            report,
            "convert-uci: %zu items, %zu users, %zu ratings, %zu friendships (users who rated "
            ">= %d of the same restaurants; mean %.1f friends, %zu users without friends) -> %s\n",
            ni, nu, d.n_ratings, ne, min_common,
            rec_ids_count(uids) ? 2.0 * (double)ne / (double)rec_ids_count(uids) : 0, lonely,
            outdir);
    rc = FC_OK;
out:
    fc_uci_csv_close(&c);
    if (rec_csv_out_close(&w))
        rc = FC_ERR;
    free(items);
    free(users);
    free(deg);
    free(edges);
    rec_dataset_free(&d);
    rec_ids_free(uids);
    rec_ids_free(iids);
    return rc;
}
