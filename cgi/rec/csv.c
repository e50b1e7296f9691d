/* rec/csv: CSV reading for the recommender tools (ratings, friends, blocks, events, items,
 * users) and the string <-> int64 id tables. */
#include "rec/csv.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_COLS    8
#define MAX_REPORTS 5

struct rec_ids {
    char *text;    /* the strings, NUL-separated */
    size_t *start; /* start[id] in text; ids start at 1 */
    size_t n, cap, tlen, tcap;
    int64_t *slot; /* hash slots: id or 0 */
    size_t mask;
};

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h ^ (h >> 29);
}

int rec_ids_new(struct rec_ids **out)
{
    struct rec_ids *t = calloc(1, sizeof *t);
    *out = NULL;
    if (!t)
        return FC_ERR;
    t->cap = 1024;
    t->tcap = 16384;
    t->mask = 2047;
    t->start = malloc((t->cap + 1) * sizeof *t->start);
    t->text = malloc(t->tcap);
    t->slot = calloc(t->mask + 1, sizeof *t->slot);
    if (!t->start || !t->text || !t->slot) {
        rec_ids_free(t);
        return FC_ERR;
    }
    *out = t;
    return FC_OK;
}

void rec_ids_free(struct rec_ids *t)
{
    if (!t)
        return;
    free(t->text);
    free(t->start);
    free(t->slot);
    free(t);
}

static int64_t lookup(const struct rec_ids *t, const char *s, size_t len, size_t *slot)
{
    size_t h = hash_bytes(s, len) & t->mask;
    for (;; h = (h + 1) & t->mask) {
        int64_t id = t->slot[h];
        if (!id) {
            *slot = h;
            return 0;
        }
        if (strncmp(t->text + t->start[id], s, len) == 0 && t->text[t->start[id] + len] == '\0')
            return id;
    }
}

int rec_ids_intern(struct rec_ids *t, const char *s, size_t len, int64_t *id)
{
    size_t slot;
    if (!len)
        return FC_EINVAL;
    *id = lookup(t, s, len, &slot);
    if (*id)
        return FC_OK;
    if (t->n + 1 >= t->cap) {
        size_t *p = realloc(t->start, (2 * t->cap + 1) * sizeof *p);
        if (!p)
            return FC_ERR;
        t->start = p;
        t->cap *= 2;
    }
    while (t->tlen + len + 1 > t->tcap) {
        char *p = realloc(t->text, 2 * t->tcap);
        if (!p)
            return FC_ERR;
        t->text = p;
        t->tcap *= 2;
    }
    if (2 * (t->n + 1) > t->mask) {
        size_t cap = 2 * (t->mask + 1);
        int64_t *ns = calloc(cap, sizeof *ns);
        if (!ns)
            return FC_ERR;
        for (size_t i = 1; i <= t->n; i++) {
            const char *k = t->text + t->start[i];
            size_t h = hash_bytes(k, strlen(k)) & (cap - 1);
            while (ns[h])
                h = (h + 1) & (cap - 1);
            ns[h] = (int64_t)i;
        }
        free(t->slot);
        t->slot = ns;
        t->mask = cap - 1;
        lookup(t, s, len, &slot);
    }
    *id = (int64_t)++t->n;
    t->start[*id] = t->tlen;
    memcpy(t->text + t->tlen, s, len);
    t->text[t->tlen + len] = '\0';
    t->tlen += len + 1;
    t->slot[slot] = *id;
    return FC_OK;
}

int64_t rec_ids_find(const struct rec_ids *t, const char *s)
{
    size_t slot;
    return lookup(t, s, strlen(s), &slot);
}

const char *rec_ids_name(const struct rec_ids *t, int64_t id)
{
    if (id < 1 || (size_t)id > t->n)
        return NULL;
    return t->text + t->start[id];
}

size_t rec_ids_count(const struct rec_ids *t)
{
    return t->n;
}

/* ---- reading ------------------------------------------------------------------------ */

/* One open CSV file: the current line split into trimmed fields. */
struct reader {
    FILE *f;
    const char *path;
    char *line;
    size_t cap;
    long lineno, rowno;
    char *col[MAX_COLS];
    size_t len[MAX_COLS];
    int ncol;
    size_t *skipped;
};

static char *trim_span(char *s, size_t *len)
{
    while (*len && isspace((unsigned char)*s))
        s++, (*len)--;
    while (*len && isspace((unsigned char)s[*len - 1]))
        (*len)--;
    if (*len >= 2 && s[0] == '"' && s[*len - 1] == '"') {
        s++;
        *len -= 2;
    }
    s[*len] = '\0';
    return s;
}

/* The next non-empty, non-comment line; 1 when there is one. */
static int next_row(struct reader *r)
{
    ssize_t got;
    while ((got = getline(&r->line, &r->cap, r->f)) >= 0) {
        char *p = r->line;
        r->lineno++;
        while (got && (p[got - 1] == '\n' || p[got - 1] == '\r'))
            p[--got] = '\0';
        if (r->lineno == 1 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
            (unsigned char)p[2] == 0xbf)
            p += 3; /* BOM */
        while (isspace((unsigned char)*p))
            p++;
        if (!*p || *p == '#')
            continue;
        r->rowno++;
        r->ncol = 0;
        for (;;) {
            char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            if (r->ncol < MAX_COLS) {
                r->col[r->ncol] = trim_span(p, &len);
                r->len[r->ncol] = len;
                r->ncol++;
            }
            if (!comma)
                break;
            p = comma + 1;
        }
        return 1;
    }
    return 0;
}

static void bad_row(struct reader *r, const char *why)
{
    if (++*r->skipped <= MAX_REPORTS)
        fprintf(stderr, "forkcast: %s:%ld: %s, row skipped\n", r->path, r->lineno, why);
}

/* The first row, when its first column is a column name rather than an id. */
static int is_header(const struct reader *r)
{
    static const char *const names[] = {"user",    "userid",  "user_id", "item", "itemid",
                                        "item_id", "placeid", "place",   "id"};
    if (r->rowno != 1 || !r->ncol)
        return 0;
    for (size_t i = 0; i < FC_ARRAY_LEN(names); i++)
        if (strcasecmp(r->col[0], names[i]) == 0)
            return 1;
    return 0;
}

static int open_reader(struct reader *r, const char *path, size_t *skipped)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->skipped = skipped;
    r->f = fopen(path, "r");
    if (!r->f) {
        fprintf(stderr, "forkcast: cannot read %s: %s\n", path, strerror(errno));
        return FC_ERR;
    }
    return FC_OK;
}

static void close_reader(struct reader *r)
{
    if (r->f)
        fclose(r->f);
    free(r->line);
}

static int parse_i64(const char *s, int64_t *out)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return FC_EINVAL;
    *out = v;
    return FC_OK;
}

/* Adds what row r of a file says to f (a malformed row is reported and skipped): FC_OK, or
 * FC_ERR when out of memory. *cap is the capacity of the array the file's rows go into; arg is
 * the loader's own. */
typedef int (*row_fn)(struct rec_files *f, struct reader *r, size_t *cap, void *arg);

/* Reads every row of the file at path through row. */
static int load_csv(struct rec_files *f, const char *path, row_fn row, void *arg)
{
    struct reader r;
    size_t cap = 0;
    int rc = FC_OK;
    if (open_reader(&r, path, &f->skipped))
        return FC_ERR;
    while (rc == FC_OK && next_row(&r))
        rc = row(f, &r, &cap, arg);
    close_reader(&r);
    return rc;
}

/* Appends the record x (size bytes) to the array at arrp (a T **) of *n records, capacity *cap. */
static int append(void *arrp, size_t *n, size_t *cap, const void *x, size_t size)
{
    char *arr;
    if (fc_grow(arrp, cap, *n + 1, size, 256))
        return FC_ERR;
    memcpy(&arr, arrp, sizeof arr); /* read as bytes, as fc_grow does */
    memcpy(arr + (*n)++ * size, x, size);
    return FC_OK;
}

static int rating_row(struct rec_files *f, struct reader *r, size_t *cap, void *arg)
{
    struct rec_rating x = {0};
    char *end;
    double stars;
    (void)arg;
    if (r->ncol < 3) {
        if (!(is_header(r)))
            bad_row(r, "expected user,item,rating");
        return FC_OK;
    }
    stars = strtod(r->col[2], &end);
    if (end == r->col[2] || *end) {
        if (r->rowno != 1) /* a header line */
            bad_row(r, "rating is not a number");
        return FC_OK;
    }
    if (!(stars >= 0.5 && stars < 5.5)) {
        bad_row(r, "rating outside 1..5");
        return FC_OK;
    }
    x.stars = (int)floor(stars + 0.5);
    if (r->ncol > 3 && r->len[3] && parse_i64(r->col[3], &x.at)) {
        bad_row(r, "timestamp is not an integer");
        return FC_OK;
    }
    if (rec_ids_intern(f->users, r->col[0], r->len[0], &x.user) ||
        rec_ids_intern(f->items, r->col[1], r->len[1], &x.item)) {
        bad_row(r, "empty id");
        return FC_OK;
    }
    return append(&f->d.ratings, &f->d.n_ratings, cap, &x, sizeof x);
}

/* The array an edge file (friends, blocks) fills. */
struct edges {
    struct rec_edge **arr;
    size_t *n;
};

static int edge_row(struct rec_files *f, struct reader *r, size_t *cap, void *arg)
{
    struct edges *to = arg;
    struct rec_edge e;
    if (is_header(r))
        return FC_OK;
    if (r->ncol < 2 || rec_ids_intern(f->users, r->col[0], r->len[0], &e.a) ||
        rec_ids_intern(f->users, r->col[1], r->len[1], &e.b)) {
        bad_row(r, "expected user,user");
        return FC_OK;
    }
    return append(to->arr, to->n, cap, &e, sizeof e);
}

static int event_row(struct rec_files *f, struct reader *r, size_t *cap, void *arg)
{
    struct rec_event e = {0};
    (void)arg;
    if (is_header(r))
        return FC_OK;
    if (r->ncol < 3) {
        bad_row(r, "expected user,item,view|save");
        return FC_OK;
    }
    if (strcasecmp(r->col[2], "view") == 0)
        e.type = REC_EV_VIEW;
    else if (strcasecmp(r->col[2], "save") == 0)
        e.type = REC_EV_SAVE;
    else {
        bad_row(r, "event type is not view or save");
        return FC_OK;
    }
    if ((r->ncol > 3 && r->len[3] && parse_i64(r->col[3], &e.at)) ||
        rec_ids_intern(f->users, r->col[0], r->len[0], &e.user) ||
        rec_ids_intern(f->items, r->col[1], r->len[1], &e.item)) {
        bad_row(r, "bad id or timestamp");
        return FC_OK;
    }
    return append(&f->d.events, &f->d.n_events, cap, &e, sizeof e);
}

/* cuisines "a;b;c" -> "a,b,c"; a list too long is cut after its last whole name */
static void copy_cuisines(char *dst, size_t n, const char *src)
{
    if (fc_strlcpy(dst, src, n) >= n) {
        char *cut = strrchr(dst, ';');
        if (src[n - 1] != ';' && cut)
            *cut = '\0';
    }
    for (char *p = dst; *p; p++)
        if (*p == ';')
            *p = ',';
}

/* Sets the struct rec_item or rec_user *p (the same fields, of other sizes: a macro) to
 * profile_row's locals id, city, price, cuis and name. */
#define SET_PROFILE(p)                                                                             \
    do {                                                                                           \
        memset((p), 0, sizeof *(p));                                                               \
        (p)->id = id;                                                                              \
        fc_strlcpy((p)->city, city, sizeof(p)->city);                                              \
        fc_strlcpy((p)->price, price, sizeof(p)->price);                                           \
        copy_cuisines((p)->cuisines, sizeof(p)->cuisines, cuis);                                   \
        fc_strlcpy((p)->name, name, sizeof(p)->name);                                              \
    } while (0)

/* items (*arg 0) or users (*arg 1): id,city,price,cuisines[,name] */
static int profile_row(struct rec_files *f, struct reader *r, size_t *cap, void *arg)
{
    int users = *(const int *)arg;
    int64_t id;
    const char *city, *price, *cuis, *name;
    if (is_header(r))
        return FC_OK;
    if (r->ncol < 2 || rec_ids_intern(users ? f->users : f->items, r->col[0], r->len[0], &id)) {
        bad_row(r, "expected id,city,price,cuisines");
        return FC_OK;
    }
    city = r->col[1];
    price = r->ncol > 2 ? r->col[2] : "";
    cuis = r->ncol > 3 ? r->col[3] : "";
    name = r->ncol > 4 ? r->col[4] : "";
    if (users) {
        struct rec_user u;
        SET_PROFILE(&u);
        return append(&f->d.users, &f->d.n_users, cap, &u, sizeof u);
    }
    struct rec_item it;
    SET_PROFILE(&it);
    return append(&f->d.items, &f->d.n_items, cap, &it, sizeof it);
}

int rec_files_load(struct rec_files *f, const struct rec_paths *p)
{
    struct edges friends = {&f->d.friends, &f->d.n_friends},
                 blocks = {&f->d.blocks, &f->d.n_blocks};
    memset(f, 0, sizeof *f);
    if (rec_ids_new(&f->users) || rec_ids_new(&f->items))
        goto fail;
    /* profiles first, so their ids come first and in file order */
    if ((p->items && load_csv(f, p->items, profile_row, &(int){0})) ||
        (p->users && load_csv(f, p->users, profile_row, &(int){1})))
        goto fail;
    if ((p->ratings && load_csv(f, p->ratings, rating_row, NULL)) ||
        (p->friends && load_csv(f, p->friends, edge_row, &friends)) ||
        (p->blocks && load_csv(f, p->blocks, edge_row, &blocks)) ||
        (p->events && load_csv(f, p->events, event_row, NULL)))
        goto fail;
    if (f->skipped > MAX_REPORTS)
        fprintf(stderr, "forkcast: %zu malformed rows skipped in all\n", f->skipped);
    return FC_OK;
fail:
    rec_files_free(f);
    return FC_ERR;
}

void rec_files_free(struct rec_files *f)
{
    rec_dataset_free(&f->d);
    rec_ids_free(f->users);
    rec_ids_free(f->items);
    memset(f, 0, sizeof *f);
}

FILE *rec_csv_create(const char *dir, const char *name)
{
    char path[PATH_MAX];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "forkcast: cannot write %s: %s\n", path, strerror(errno));
    return f;
}

int rec_csv_out_open(struct rec_csv_out *o, const char *dir, int events)
{
    memset(o, 0, sizeof *o);
    if (mkdir(dir, 0777) && errno != EEXIST) {
        fprintf(stderr, "forkcast: cannot create %s: %s\n", dir, strerror(errno));
        return FC_ERR;
    }
    if (!(o->items = rec_csv_create(dir, "items.csv")) ||
        !(o->users = rec_csv_create(dir, "users.csv")) ||
        !(o->ratings = rec_csv_create(dir, "ratings.csv")) ||
        !(o->friends = rec_csv_create(dir, "friends.csv")) ||
        (events && !(o->events = rec_csv_create(dir, "events.csv"))))
        return FC_ERR;
    return FC_OK;
}

int rec_csv_out_failed(const struct rec_csv_out *o)
{
    FILE *const f[] = {o->items, o->users, o->ratings, o->friends, o->events};
    for (size_t i = 0; i < FC_ARRAY_LEN(f); i++)
        if (f[i] && ferror(f[i]))
            return 1;
    return 0;
}

int rec_csv_out_close(struct rec_csv_out *o)
{
    FILE *const f[] = {o->items, o->users, o->ratings, o->friends, o->events};
    int rc = FC_OK;
    for (size_t i = 0; i < FC_ARRAY_LEN(f); i++)
        if (f[i] && fclose(f[i]))
            rc = FC_ERR;
    memset(o, 0, sizeof *o);
    return rc;
}
