/* import/uci: CSV reading, clean-up (encodings, city spellings) and idempotent loading of
 * the UCI restaurant data set through the store interface. */
#include "import/uci.h"
#include "core/util.h"
#include "rec/engine.h"
#include "store/rules.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int fc_uci_csv_open(struct fc_uci_csv *c, const char *dir, const char *name)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    memset(c, 0, sizeof *c);
    c->f = fopen(path, "r");
    if (!c->f || !fgets(c->line, sizeof c->line, c->f)) { /* the header */
        fprintf(stderr, "forkcast: cannot read %s: %s\n", path, c->f ? "empty" : strerror(errno));
        if (c->f)
            fclose(c->f);
        c->f = NULL;
        return FC_ERR;
    }
    return FC_OK;
}

int fc_uci_csv_next(struct fc_uci_csv *c)
{
    char *p, *tok;
    size_t n;
    if (!c->f || !fgets(c->line, sizeof c->line, c->f))
        return 0;
    n = strlen(c->line);
    while (n && (c->line[n - 1] == '\n' || c->line[n - 1] == '\r'))
        c->line[--n] = '\0';
    c->n = 0;
    p = c->line;
    /* strsep keeps empty fields */
    while ((tok = strsep(&p, ",")) && c->n < FC_UCI_CSV_FIELDS) {
        fc_trim(tok);
        c->field[c->n++] = strcmp(tok, "?") == 0 ? tok + 1 : tok;
    }
    return 1;
}

void fc_uci_csv_close(struct fc_uci_csv *c)
{
    if (c->f)
        fclose(c->f);
    c->f = NULL;
}

/* Copies s as UTF-8: valid UTF-8 as is, anything else read as Latin-1. */
static void to_utf8(char *dst, size_t n, const char *s)
{
    size_t o = 0;
    if (fc_utf8_valid(s, strlen(s))) {
        fc_strlcpy(dst, s, n);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 3 < n; p++) {
        if (*p < 0x80) {
            dst[o++] = (char)*p;
        } else {
            dst[o++] = (char)(0xc0 | (*p >> 6));
            dst[o++] = (char)(0x80 | (*p & 0x3f));
        }
    }
    dst[o] = '\0';
}

/* "Latin_American" -> "Latin American" */
static void cuisine_name(char *dst, size_t n, const char *s)
{
    fc_strlcpy(dst, s, n);
    for (char *p = dst; *p; p++)
        if (*p == '_')
            *p = ' ';
}

int fc_uci_stars(int rating, int food, int service)
{
    int quarters = 2 * rating + food + service; /* 0..8, score = quarters/4 in 0..2 */
    /* 1 + round(2 * quarters / 4) = 1 + round(quarters / 2), halves up */
    int stars = 1 + (quarters + 1) / 2;
    return stars < 1 ? 1 : stars > 5 ? 5 : stars;
}

const char *fc_uci_city(const char *text, double lat, double lon)
{
    char low[128];
    size_t i;
    fc_strlcpy(low, text ? text : "", sizeof low);
    for (i = 0; low[i]; i++)
        low[i] = (char)tolower((unsigned char)low[i]);
    fc_trim(low);
    if (strstr(low, "jiutepec"))
        return "Jiutepec";
    if (strstr(low, "cuernavaca"))
        return "Cuernavaca";
    if (strstr(low, "victoria"))
        return "Ciudad Victoria";
    if (strstr(low, "soledad"))
        return "Soledad";
    if (strstr(low, "san luis") || strcmp(low, "slp") == 0 || strncmp(low, "s.l.p", 5) == 0)
        return "San Luis Potosi";
    /* unknown or missing: the three study areas are far apart */
    (void)lon;
    if (lat > 23.2)
        return "Ciudad Victoria";
    if (lat > 20.5)
        return "San Luis Potosi";
    if (lat > 0)
        return "Cuernavaca";
    return "";
}

struct place {
    char ext[32];
    int64_t id;
};

static const char *const FIRST[] = {
    "Ana",    "Luis",     "Sofia",  "Diego",   "Valeria",  "Carlos", "Camila", "Jorge",   "Lucia",
    "Miguel", "Fernanda", "Javier", "Daniela", "Ricardo",  "Paula",  "Andres", "Mariana", "Pablo",
    "Elena",  "Hector",   "Isabel", "Raul",    "Gabriela", "Tomas",  "Renata", "Emilio",  "Ximena",
    "Arturo", "Regina",   "Oscar",  "Natalia", "Ivan",     "Carmen"};
static const char *const LAST[] = {
    "Garcia",  "Hernandez", "Lopez",     "Martinez", "Gonzalez", "Perez",   "Rodriguez", "Sanchez",
    "Ramirez", "Cruz",      "Flores",    "Gomez",    "Morales",  "Vazquez", "Reyes",     "Jimenez",
    "Torres",  "Diaz",      "Gutierrez", "Ruiz",     "Mendoza",  "Aguilar", "Ortiz",     "Castillo",
    "Romero",  "Herrera",   "Medina",    "Vargas",   "Castro",   "Guzman",  "Rojas"};

/* Notes what the import was doing when it failed (the first failure only). */
static int failed(struct fc_uci_counts *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int failed(struct fc_uci_counts *k, const char *fmt, ...)
{
    va_list ap;
    if (!k->failed[0]) {
        va_start(ap, fmt);
        vsnprintf(k->failed, sizeof k->failed, fmt, ap);
        va_end(ap);
    }
    return FC_ERR;
}

/* A stable pseudo-random number from a string (FNV-1a). */
static uint32_t fnv(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int import_places(struct fc_store *s, const char *dir, struct place *places, int *np,
                         int max, struct fc_uci_counts *k)
{
    struct fc_uci_csv geo, cui, hrs;
    int rc = FC_ERR;
    struct fc_restaurant *r = calloc(1, sizeof *r);
    char(*cuis)[512] = NULL, (*hours)[1024] = NULL;
    int n = 0;

    memset(&cui, 0, sizeof cui);
    memset(&hrs, 0, sizeof hrs);
    if (!r || fc_uci_csv_open(&geo, dir, "geoplaces2.csv")) {
        failed(k, "reading geoplaces2.csv");
        goto out;
    }
    cuis = calloc((size_t)max, sizeof *cuis);
    hours = calloc((size_t)max, sizeof *hours);
    if (!cuis || !hours)
        goto out;
    while (fc_uci_csv_next(&geo)) {
        if (geo.n < 17 || n >= max)
            continue;
        fc_strlcpy(places[n].ext, geo.field[0], sizeof places[n].ext);
        n++;
    }
    /* cuisines and hours of the places we keep */
    if (fc_uci_csv_open(&cui, dir, "chefmozcuisine.csv") ||
        fc_uci_csv_open(&hrs, dir, "chefmozhours4.csv")) {
        failed(k, "reading chefmozcuisine.csv and chefmozhours4.csv");
        goto out;
    }
    while (fc_uci_csv_next(&cui)) {
        char name[128];
        if (cui.n < 2)
            continue;
        for (int i = 0; i < n; i++)
            if (strcmp(places[i].ext, cui.field[0]) == 0) {
                cuisine_name(name, sizeof name, cui.field[1]);
                if (strlen(cuis[i]) + strlen(name) + 2 < sizeof cuis[i]) {
                    if (cuis[i][0])
                        strcat(cuis[i], ",");
                    strcat(cuis[i], name);
                }
            }
    }
    while (fc_uci_csv_next(&hrs)) {
        char entry[256], *p;
        const char *days;
        if (hrs.n < 3)
            continue;
        days = strcmp(hrs.field[2], "Mon;Tue;Wed;Thu;Fri;") == 0 ? "Mon-Fri"
               : strcmp(hrs.field[2], "Sat;") == 0               ? "Sat"
               : strcmp(hrs.field[2], "Sun;") == 0               ? "Sun"
                                                                 : hrs.field[2];
        snprintf(entry, sizeof entry, "%s %s", days, hrs.field[1]);
        /* "08:00-12:00;16:00-20:00;" -> "08:00-12:00, 16:00-20:00" */
        for (p = entry + strlen(entry); p > entry && p[-1] == ';'; p--)
            p[-1] = '\0';
        for (p = entry; (p = strchr(p, ';'));)
            *p = ',';
        for (int i = 0; i < n; i++)
            if (strcmp(places[i].ext, hrs.field[0]) == 0 && !strstr(hours[i], entry) &&
                strlen(hours[i]) + strlen(entry) + 3 < sizeof hours[i]) {
                if (hours[i][0])
                    strcat(hours[i], "; ");
                strcat(hours[i], entry);
            }
    }
    rewind(geo.f);
    if (!fgets(geo.line, sizeof geo.line, geo.f))
        goto out;
    for (int i = 0; fc_uci_csv_next(&geo) && i < n;) {
        char ext[64], text[256]; /* name, address, url: cut as before */
        if (geo.n < 17)
            continue;
        fc_restaurant_clear(r);
        memset(r, 0, sizeof *r);
        snprintf(ext, sizeof ext, "uci:%s", geo.field[0]);
        fc_strlcpy(r->ext_id, ext, sizeof r->ext_id);
        r->lat = atof(geo.field[1]);
        r->lon = atof(geo.field[2]);
        r->has_coords = *geo.field[1] && *geo.field[2];
        to_utf8(text, sizeof text, geo.field[4]);
        if (fc_restaurant_set_name(r, text))
            goto out;
        to_utf8(text, sizeof text, geo.field[5]);
        if (fc_restaurant_set_address(r, text) ||
            fc_restaurant_set_city(r, fc_uci_city(geo.field[6], r->lat, r->lon)))
            goto out;
        to_utf8(r->state, sizeof r->state, geo.field[7]);
        to_utf8(r->country, sizeof r->country, geo.field[8]);
        cuisine_name(r->alcohol, sizeof r->alcohol, geo.field[11]);
        fc_strlcpy(r->smoking, geo.field[12], sizeof r->smoking);
        fc_strlcpy(r->price, geo.field[15], sizeof r->price);
        text[0] = '\0';
        if (strcmp(geo.field[16], "no") != 0)
            to_utf8(text, sizeof text, geo.field[16]);
        if (fc_restaurant_set_url(r, text) || fc_restaurant_set_cuisines(r, cuis[i]) ||
            fc_restaurant_set_hours(r, hours[i]))
            goto out;
        if (s->ops->rest_upsert(s, r)) {
            failed(k, "writing restaurant %s", r->ext_id);
            goto out;
        }
        k->restaurants++;
        places[i].id = r->id;
        i++;
    }
    *np = n;
    rc = FC_OK;
out:
    fc_uci_csv_close(&geo);
    fc_uci_csv_close(&cui);
    fc_uci_csv_close(&hrs);
    free(cuis);
    free(hours);
    if (r)
        fc_restaurant_clear(r);
    free(r);
    return rc;
}

static int64_t place_id(const struct place *places, int n, const char *ext)
{
    for (int i = 0; i < n; i++)
        if (strcmp(places[i].ext, ext) == 0)
            return places[i].id;
    return 0;
}

static int import_users(struct fc_store *s, const char *dir, const char *pw,
                        const struct fc_scrypt_params *prm, struct fc_uci_counts *k)
{
    struct fc_uci_csv prof, cui;
    struct fc_user *u = calloc(1, sizeof *u);
    char cuisines[2048]; /* comma-separated, as many as fit */
    int rc = FC_ERR, done = 0, found;

    memset(&cui, 0, sizeof cui);
    if (!u || fc_uci_csv_open(&prof, dir, "userprofile.csv")) {
        failed(k, "reading userprofile.csv");
        goto out;
    }
    while (fc_uci_csv_next(&prof)) {
        char ext[64];
        uint32_t h;
        if (prof.n < 18)
            continue;
        snprintf(ext, sizeof ext, "uci:%s", prof.field[0]);
        found = s->ops->user_by_ext(s, ext, u);
        if (found == FC_OK) {
            fc_user_clear(u);
            k->users_existing++;
            continue;
        }
        if (found != FC_NOTFOUND) {
            failed(k, "looking up user %s", prof.field[0]);
            goto out;
        }
        memset(u, 0, sizeof *u);
        fc_strlcpy(u->ext_id, ext, sizeof u->ext_id);
        snprintf(u->username, sizeof u->username, "%s", prof.field[0]);
        for (char *p = u->username; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        snprintf(u->email, sizeof u->email, "%s@demo.forkcast.test", u->username);
        h = fnv(prof.field[0]);
        snprintf(u->display_name, sizeof u->display_name, "%s %s", FIRST[h % FC_ARRAY_LEN(FIRST)],
                 LAST[(h / 64) % FC_ARRAY_LEN(LAST)]);
        fc_strlcpy(u->city, fc_uci_city("", atof(prof.field[1]), atof(prof.field[2])),
                   sizeof u->city);
        fc_strlcpy(u->price, prof.field[17], sizeof u->price);
        fc_strlcpy(u->visibility, "public", sizeof u->visibility);
        /* cuisines */
        cuisines[0] = '\0';
        if (fc_uci_csv_open(&cui, dir, "usercuisine.csv")) {
            failed(k, "reading usercuisine.csv");
            goto out;
        }
        while (fc_uci_csv_next(&cui)) {
            char name[128];
            if (cui.n < 2 || strcmp(cui.field[0], prof.field[0]) != 0)
                continue;
            cuisine_name(name, sizeof name, cui.field[1]);
            if (strlen(cuisines) + strlen(name) + 2 < sizeof cuisines) {
                if (cuisines[0])
                    strcat(cuisines, ",");
                strcat(cuisines, name);
            }
        }
        fc_uci_csv_close(&cui);
        memset(&cui, 0, sizeof cui);
        if (fc_user_set_cuisines(u, cuisines)) {
            failed(k, "out of memory");
            goto out;
        }
        if (fc_password_hash(pw, prm, u->pw_hash, sizeof u->pw_hash)) {
            failed(k, "hashing the password of user %s", prof.field[0]);
            goto out;
        }
        u->created_at = 1704067200; /* 2024-01-01 */
        if (s->ops->user_create(s, u)) {
            failed(k, "adding user %s", prof.field[0]);
            goto out;
        }
        fc_user_clear(u);
        k->users_new++;
        if (++done % 20 == 0)
            fprintf(stderr, "forkcast: imported %d users...\n", done);
    }
    rc = FC_OK;
out:
    fc_uci_csv_close(&prof);
    fc_uci_csv_close(&cui);
    if (u)
        fc_user_clear(u);
    free(u);
    return rc;
}

static int import_admin(struct fc_store *s, const char *pw, const struct fc_scrypt_params *prm,
                        struct fc_uci_counts *k)
{
    struct fc_user u;
    int found = s->ops->user_by_ext(s, "demo:admin", &u);
    if (found == FC_OK) {
        fc_user_clear(&u);
        k->users_existing++;
        return FC_OK;
    }
    if (found != FC_NOTFOUND)
        return failed(k, "looking up the admin account");
    memset(&u, 0, sizeof u);
    fc_strlcpy(u.ext_id, "demo:admin", sizeof u.ext_id);
    fc_strlcpy(u.username, "admin", sizeof u.username);
    fc_strlcpy(u.email, "admin@demo.forkcast.test", sizeof u.email);
    fc_strlcpy(u.display_name, "Site Admin", sizeof u.display_name);
    fc_strlcpy(u.visibility, "public", sizeof u.visibility);
    u.is_admin = 1;
    u.created_at = 1704067200;
    if (fc_password_hash(pw, prm, u.pw_hash, sizeof u.pw_hash))
        return failed(k, "hashing the admin account's password");
    if (s->ops->user_create(s, &u))
        return failed(k, "adding the admin account");
    k->users_new++;
    return FC_OK;
}

/* (user, restaurant) pairs seen in the ratings, for deriving demo friendships. */
struct pairs {
    int64_t (*v)[2];
    size_t n, cap;
};

static int pairs_add(struct pairs *p, int64_t u, int64_t r)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 1024;
        int64_t(*v)[2] = realloc(p->v, cap * sizeof *v);
        if (!v)
            return FC_ERR;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n][0] = u;
    p->v[p->n][1] = r;
    p->n++;
    return FC_OK;
}

/* Demo friendships by the recommender's rule (rec_demo_friends): two users are friends when
 * they rated at least FC_UCI_FRIEND_MIN of the same restaurants. Those who are friends
 * already (a second run, or one completing a run that failed halfway) are counted, not
 * written again. */
static int import_friends(struct fc_store *s, struct pairs *p, struct fc_uci_counts *k)
{
    struct rec_dataset d;
    struct rec_edge *edges = NULL;
    size_t n = 0;
    int rc = FC_ERR;
    memset(&d, 0, sizeof d);
    d.ratings = calloc(p->n ? p->n : 1, sizeof *d.ratings);
    if (!d.ratings)
        return failed(k, "finding the demo friendships");
    for (size_t i = 0; i < p->n; i++) {
        d.ratings[i].user = p->v[i][0];
        d.ratings[i].item = p->v[i][1];
        d.ratings[i].stars = 3;
    }
    d.n_ratings = p->n;
    if (rec_demo_friends(&d, FC_UCI_FRIEND_MIN, &edges, &n)) {
        failed(k, "finding the demo friendships");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        int rel = 0;
        if (s->ops->relation(s, edges[i].a, edges[i].b, &rel)) {
            failed(k, "reading the relation of users #%lld and #%lld", (long long)edges[i].a,
                   (long long)edges[i].b);
            goto out;
        }
        if (rel & FC_REL_FRIEND) {
            k->friendships_existing++;
            continue;
        }
        if (fc_store_relate_rc(s, edges[i].a, edges[i].b, FC_ACT_BEFRIEND, 1704067200)) {
            failed(k, "making users #%lld and #%lld friends", (long long)edges[i].a,
                   (long long)edges[i].b);
            goto out;
        }
        k->friendships_new++;
    }
    rc = FC_OK;
out:
    free(edges);
    free(d.ratings);
    return rc;
}

static int import_ratings(struct fc_store *s, const char *dir, const struct place *places, int np,
                          struct fc_uci_counts *k, struct pairs *seen)
{
    struct fc_uci_csv rat;
    struct fc_user *u = calloc(1, sizeof *u);
    struct fc_review rv;
    char last_user[32] = "";
    int rc = FC_ERR;

    if (!u || fc_uci_csv_open(&rat, dir, "rating_final.csv")) {
        free(u);
        return failed(k, "reading rating_final.csv");
    }
    while (fc_uci_csv_next(&rat)) {
        char ext[64], key[96];
        long r, f, sv;
        int put;
        if (rat.n < 5 || fc_parse_int(rat.field[2], 0, 2, &r) ||
            fc_parse_int(rat.field[3], 0, 2, &f) || fc_parse_int(rat.field[4], 0, 2, &sv)) {
            fprintf(stderr, "forkcast: skipping malformed rating row\n");
            continue;
        }
        if (strcmp(last_user, rat.field[0]) != 0) {
            int found;
            snprintf(ext, sizeof ext, "uci:%s", rat.field[0]);
            found = s->ops->user_by_ext(s, ext, u);
            fc_user_clear(u); /* its id is what counts */
            if (found == FC_NOTFOUND) {
                failed(k, "importing a rating by %s, who is not in userprofile.csv", rat.field[0]);
                goto out;
            }
            if (found != FC_OK) {
                failed(k, "looking up user %s", rat.field[0]);
                goto out;
            }
            fc_strlcpy(last_user, rat.field[0], sizeof last_user);
        }
        memset(&rv, 0, sizeof rv);
        rv.user_id = u->id;
        rv.restaurant_id = place_id(places, np, rat.field[1]);
        if (!rv.restaurant_id)
            continue;
        if (pairs_add(seen, rv.user_id, rv.restaurant_id)) {
            failed(k, "reading rating_final.csv (out of memory)");
            goto out;
        }
        rv.stars = fc_uci_stars((int)r, (int)f, (int)sv);
        snprintf(key, sizeof key, "%s/%s", rat.field[0], rat.field[1]);
        /* the data set has no dates: spread reviews over 2025, the same on every import */
        rv.created_at = 1735689600 + (int64_t)(fnv(key) % (365u * 86400u));
        rv.updated_at = rv.created_at;
        put = s->ops->review_put(s, &rv, 0);
        if (put == FC_EXISTS)
            k->reviews_existing++;
        else if (put == FC_OK)
            k->reviews_new++;
        else {
            failed(k, "adding the review of %s for place %s", rat.field[0], rat.field[1]);
            goto out;
        }
    }
    rc = FC_OK;
out:
    fc_uci_csv_close(&rat);
    free(u);
    return rc;
}

void fc_uci_demo_params(const struct fc_scrypt_params *full, struct fc_scrypt_params *demo)
{
    demo->log_n = full->log_n < FC_UCI_DEMO_LOGN ? full->log_n : FC_UCI_DEMO_LOGN;
    demo->r = full->r;
    demo->p = 1;
}

int fc_uci_import(struct fc_store *s, const char *dir, const char *pw,
                  const struct fc_scrypt_params *prm, const struct fc_scrypt_params *demo_prm,
                  struct fc_uci_counts *k)
{
    struct place *places = calloc(1024, sizeof *places);
    struct pairs seen = {0};
    int np = 0, rc = FC_ERR;

    memset(k, 0, sizeof *k);
    if (!places) {
        k->undone = 1;
        return failed(k, "starting (out of memory)");
    }
    if (s->ops->batch_begin(s)) {
        k->undone = 1;
        failed(k, "starting the import");
        goto out;
    }
    /* the friendships follow from all ratings: they are checked on every run, so that a
     * run completing one that stopped after the users makes them too */
    if (import_places(s, dir, places, &np, 1024, k) || import_admin(s, pw, prm, k) ||
        import_users(s, dir, pw, demo_prm, k) || import_ratings(s, dir, places, np, k, &seen) ||
        import_friends(s, &seen, k)) {
        k->undone = s->ops->batch_undoes && s->ops->batch_end(s, 0) == FC_OK;
        goto out;
    }
    rc = s->ops->batch_end(s, 1);
    if (rc) {
        failed(k, "committing the import");
        k->undone = s->ops->batch_undoes;
    }
out:
    free(places);
    free(seen.v);
    return rc;
}

int fc_uci_present(struct fc_store *s, const char *dir, int *present)
{
    struct fc_uci_csv prof;
    struct fc_user *u = calloc(1, sizeof *u);
    char ext[80] = "", last[64] = "";
    int rc = FC_ERR, found;

    *present = 0;
    if (!u || fc_uci_csv_open(&prof, dir, "userprofile.csv")) {
        free(u);
        return FC_ERR;
    }
    while (fc_uci_csv_next(&prof))
        if (prof.n >= 18)
            fc_strlcpy(last, prof.field[0], sizeof last);
    fc_uci_csv_close(&prof);
    found = s->ops->user_by_ext(s, "demo:admin", u);
    fc_user_clear(u); /* whether there is one is what counts */
    if (found == FC_OK && last[0]) {
        snprintf(ext, sizeof ext, "uci:%s", last);
        found = s->ops->user_by_ext(s, ext, u);
        fc_user_clear(u);
    }
    if (found == FC_OK || found == FC_NOTFOUND) {
        *present = found == FC_OK && last[0];
        rc = FC_OK;
    }
    free(u);
    return rc;
}
