/* DynamoDB backend parity: the same operations, randomized (seeded), on a SQLite store (the
 * reference) and on a DynamoDB store give the same answers through the store interface:
 * return codes, people lists, privacy, reviews, feeds page by page, recommendations, admin
 * search, metrics, jobs, instances, tokens, the recommender's dataset and bulk export. Needs a
 * DynamoDB endpoint (AWS_ENDPOINT_URL_DYNAMODB, e.g. dynalite from t/store_dynamodb.t) and an
 * empty table (FORKCAST_STORE_DYNAMODB_TABLE); skipped without an endpoint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../lib/testutil.h"
#include "core/util.h"
#include "rec/engine.h"
#include "store/dynamodb.h"
#include "store/sqlite.h"
#include "store/rules.h"
#include "store/store.h"

static char dir[64];
static HDF *cfg;
static struct fc_store *L, *R; /* SQLite (the reference), DynamoDB */
static int have_endpoint;

#define NU 9 /* users */
#define NR 6 /* restaurants */
static int64_t uid[NU + 1], rid[NR + 1];
static int64_t clock_t0 = 1750000000;
static unsigned long long rng = 0x2545F4914F6CDD1DULL;

static unsigned pick(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* ---- canonical dumps of read views: compared as strings ------------------------------------ */

typedef void (*dump_fn)(struct fc_store *s, FILE *f, const void *arg);

/* Dumps the same view of both stores; they must be equal. */
static void same(const char *what, dump_fn fn, const void *arg)
{
    char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    FILE *fa = open_memstream(&a, &la), *fb = open_memstream(&b, &lb);
    fn(L, fa, arg);
    fn(R, fb, arg);
    fclose(fa);
    fclose(fb);
    if (strcmp(a, b) != 0) {
        size_t i = 0;
        while (a[i] && a[i] == b[i])
            i++;
        i = i > 300 ? i - 300 : 0;
        fprintf(stderr, "%s differs (from byte %zu on)\nsqlite:   %.900s\ndynamodb: %.900s\n", what,
                i, a + i, b + i);
    }
    assert_true(strcmp(a, b) == 0);
    free(a);
    free(b);
}

/* Runs an operation on both stores; the return codes must be equal. */
#define BOTH(what, call)                                                                           \
    do {                                                                                           \
        struct fc_store *S_ = L;                                                                   \
        int rl_ = (call);                                                                          \
        S_ = R;                                                                                    \
        int rr_ = (call);                                                                          \
        if (rl_ != rr_)                                                                            \
            print_error("%s: sqlite %d, dynamodb %d\n", what, rl_, rr_);                           \
        assert_int_equal(rl_, rr_);                                                                \
    } while (0)

struct pair {
    int64_t a, b;
    int n;
    const char *q;
};

static void d_user(struct fc_store *s, FILE *f, const void *arg)
{
    const struct pair *p = arg;
    struct fc_user u;
    int rc = s->ops->user_get(s, p->a, &u);
    fprintf(f, "rc=%d", rc);
    if (rc == FC_OK)
        fprintf(f, " %" PRId64 " %s %s %s %s|%s|%s|%s|%s|%s %d %d %" PRId64, u.id, u.username,
                u.email, u.pw_hash, u.ext_id, u.display_name, u.bio, u.city, u.cuisines,
                u.visibility, u.is_admin, u.disabled, u.created_at);
    fc_user_clear(&u);
}

static void d_people(struct fc_store *s, FILE *f, const void *arg)
{
    const struct pair *p = arg;
    struct fc_person v[64];
    int n = 0, rc = p->q ? s->ops->people_search(s, p->q, p->a, v, p->n, &n)
                         : s->ops->people(s, (enum fc_person_list)p->b, p->a, v, p->n, &n);
    fprintf(f, "rc=%d n=%d", rc, n);
    for (int i = 0; i < n; i++)
        fprintf(f, " | %" PRId64 " %s %s %s m%d", v[i].id, v[i].username, v[i].display_name,
                v[i].city, v[i].mutual);
}

static void d_relation(struct fc_store *s, FILE *f, const void *arg)
{
    (void)arg;
    for (int a = 1; a <= NU; a++)
        for (int b = 1; b <= NU; b++) {
            int rel = -1, rc = s->ops->relation(s, uid[a], uid[b], &rel), m = -1;
            s->ops->mutual_count(s, uid[a], uid[b], &m);
            fprintf(f, "%d%c%d/%d ", rc, rel < 0 ? '?' : '0' + rel, m, 0);
        }
}

static void review_row(FILE *f, const struct fc_review_row *r)
{
    fprintf(f, " | u%" PRId64 " r%" PRId64 " %d '%s' '%s' %" PRId64 " %" PRId64 " %s %s %s f%d",
            r->r.user_id, r->r.restaurant_id, r->r.stars, r->r.body, r->r.photo, r->r.created_at,
            r->r.updated_at, r->username, r->display_name, r->rest_name, r->by_friend);
}

static void d_reviews_of(struct fc_store *s, FILE *f, const void *arg)
{
    const struct pair *p = arg;
    struct fc_review_row v[16];
    int n = 0, rc = s->ops->reviews_of_restaurant(s, p->a, p->b, v, p->n, &n);
    int count = -1;
    double avg = -1;
    fprintf(f, "rc=%d n=%d", rc, n);
    for (int i = 0; i < n; i++)
        review_row(f, &v[i]);
    fc_review_rows_clear(v, n);
    rc = s->ops->friends_rating(s, p->b, p->a, &count, &avg);
    fprintf(f, " rating rc=%d %d %.4f", rc, count, avg);
    /* the restaurant page's one operation (on SQLite the separate reads): the same answers */
    {
        struct fc_rest_page pg;
        n = 0;
        rc = s->ops->rest_page_get(s, p->a, p->b, 0, &pg, v, p->n, &n);
        fprintf(f, " page rc=%d n=%d", rc, n);
        for (int i = 0; i < n; i++)
            review_row(f, &v[i]);
        fc_review_rows_clear(v, n);
        if (rc == FC_OK)
            /* (ids of reviews differ between the two stores: the review by what it holds) */
            fprintf(f, " r%" PRId64 " saved=%d mine=%d:%d '%s' %d %.4f stars=%d,%d,%d,%d,%d",
                    pg.rest.id, pg.saved, pg.mine.id != 0, pg.mine.stars,
                    pg.mine.body ? pg.mine.body : "", pg.friends_count, pg.friends_avg, pg.stars[0],
                    pg.stars[1], pg.stars[2], pg.stars[3], pg.stars[4]);
        if (rc == FC_OK)
            fc_rest_page_clear(&pg);
    }
}

static void d_reviews_by(struct fc_store *s, FILE *f, const void *arg)
{
    const struct pair *p = arg;
    struct fc_review_row v[16];
    int n = 0, rc = s->ops->reviews_by_user(s, p->a, p->b, v, p->n, &n), c = -1;
    fprintf(f, "rc=%d n=%d", rc, n);
    for (int i = 0; i < n; i++)
        review_row(f, &v[i]);
    fc_review_rows_clear(v, n);
    rc = s->ops->review_count_user(s, p->a, &c);
    fprintf(f, " count rc=%d %d", rc, c);
    /* the profile page's operation, its rule checked as svc/profiles.c checks it */
    {
        struct fc_user u;
        int rel = 0, total = -1;
        if (s->ops->user_get(s, p->a, &u) == FC_OK) {
            if (p->b && p->b != p->a)
                s->ops->relation(s, p->b, p->a, &rel);
            n = 0;
            rc = fc_store_may_see(p->b, p->a, u.visibility, u.disabled, rel)
                     ? s->ops->reviews_by_user_seen(s, &u, p->b, (rel & FC_REL_FRIEND) != 0, v,
                                                    p->n, &n, &total)
                     : -9;
            fprintf(f, " seen rc=%d n=%d total=%d", rc, n, total);
            for (int i = 0; i < n; i++)
                review_row(f, &v[i]);
            fc_review_rows_clear(v, n);
            fc_user_clear(&u);
        }
    }
}

/* The reviews carrying photo p->q that viewer p->b may see (at most p->n). */
static void d_photo(struct fc_store *s, FILE *f, const void *arg)
{
    const struct pair *p = arg;
    struct fc_review v[16];
    int n = 0, rc = s->ops->reviews_with_photo(s, p->q, p->b, v, p->n, &n);
    fprintf(f, "rc=%d n=%d", rc, n);
    for (int i = 0; i < n; i++)
        fprintf(f, " | u%" PRId64 " r%" PRId64 " %d '%s' '%s' %" PRId64 " %" PRId64, v[i].user_id,
                v[i].restaurant_id, v[i].stars, v[i].body, v[i].photo, v[i].created_at,
                v[i].updated_at);
    for (int i = 0; i < n; i++)
        fc_review_clear(&v[i]);
}

/* The whole feed, page by page (each store follows its own cursors). */
static void d_feed(struct fc_store *s, FILE *f, const void *arg)
{
    const struct pair *p = arg;
    struct fc_feed_item v[8];
    struct fc_feed_cursor cur;
    int n = 0, pages = 0, rc;
    const struct fc_feed_cursor *after = NULL;
    do {
        rc = s->ops->feed(s, p->a, after, v, p->n, &n);
        fprintf(f, " [rc=%d n=%d", rc, n);
        for (int i = 0; i < n; i++)
            fprintf(f, " | k%d at%" PRId64 " u%" PRId64 " %s %s r%" PRId64 " %s %d '%s' '%s'",
                    v[i].kind, v[i].at, v[i].user_id, v[i].username, v[i].display_name,
                    v[i].restaurant_id, v[i].rest_name, v[i].stars, v[i].body, v[i].photo);
        fprintf(f, "]");
        if (n) {
            cur.at = v[n - 1].at;
            cur.kind = v[n - 1].kind;
            cur.id = v[n - 1].id;
            after = &cur;
        }
        fc_feed_items_clear(v, n);
    } while (rc == FC_OK && n == p->n && ++pages < 100);
}

static void d_recommend(struct fc_store *s, FILE *f, const void *arg)
{
    const struct pair *p = arg;
    struct fc_friend_rec v[16];
    int n = 0, rc = s->ops->friends_recommend(s, p->a, (int)p->b, v, p->n, &n);
    fprintf(f, "rc=%d n=%d", rc, n);
    for (int i = 0; i < n; i++)
        fprintf(f, " | r%" PRId64 " %s %s %d %.4f %" PRId64 " %s", v[i].restaurant_id, v[i].name,
                v[i].city, v[i].friends, v[i].avg, v[i].latest, v[i].who);
}

static void rest_line(FILE *f, const struct fc_restaurant *r)
{
    fprintf(f, " | %" PRId64 " %s %s %s %s %s %s %d %.6f %.6f %s %s %s %s %s %s %.4f %d", r->id,
            r->ext_id, r->name, r->address, r->city, r->state, r->country, r->has_coords, r->lat,
            r->lon, r->price, r->cuisines, r->hours, r->alcohol, r->smoking, r->url, r->avg_stars,
            r->review_count);
}

static void d_saves(struct fc_store *s, FILE *f, const void *arg)
{
    const struct pair *p = arg;
    struct fc_restaurant v[16];
    int n = 0, rc = s->ops->saves_of_user(s, p->a, v, p->n, &n), c = -1;
    fprintf(f, "rc=%d n=%d", rc, n);
    for (int i = 0; i < n; i++) {
        rest_line(f, &v[i]);
        fc_restaurant_clear(&v[i]);
    }
    for (int r = 1; r <= NR; r++) {
        int yes = -1;
        rc = s->ops->save_exists(s, p->a, rid[r], &yes);
        fprintf(f, " %d/%d", rc, yes);
    }
    rc = s->ops->event_count(s, p->a, "view", &c);
    fprintf(f, " views rc=%d %d", rc, c);
}

static void d_rest(struct fc_store *s, FILE *f, const void *arg)
{
    (void)arg;
    for (int r = 1; r <= NR; r++) {
        struct fc_restaurant x;
        int rc = s->ops->rest_get(s, rid[r], &x);
        fprintf(f, "rc=%d", rc);
        if (rc == FC_OK)
            rest_line(f, &x);
        fc_restaurant_clear(&x);
    }
}

static void d_search(struct fc_store *s, FILE *f, const void *arg)
{
    const struct fc_rest_query *q = arg;
    struct fc_restaurant *v = NULL;
    int n = 0, total = -1, rc = s->ops->rest_search(s, q, &v, &n, &total);
    fprintf(f, "rc=%d n=%d total=%d", rc, n, total);
    for (int i = 0; i < n; i++)
        rest_line(f, &v[i]);
    fc_restaurants_free(v, n);
}

static void d_facets(struct fc_store *s, FILE *f, const void *arg)
{
    struct fc_strlist a = {0}, b = {0};
    (void)arg;
    fprintf(f, "rc=%d", s->ops->rest_facets(s, &a, &b));
    for (size_t i = 0; i < a.n; i++)
        fprintf(f, " c:%s", a.v[i]);
    for (size_t i = 0; i < b.n; i++)
        fprintf(f, " t:%s", b.v[i]);
    fc_strlist_free(&a);
    fc_strlist_free(&b);
}

static void d_user_search(struct fc_store *s, FILE *f, const void *arg)
{
    const struct fc_user_query *q = arg;
    struct fc_user v[16];
    int n = 0, total = -1, rc = s->ops->user_search(s, q, v, &n, &total);
    fprintf(f, "rc=%d n=%d total=%d", rc, n, total);
    for (int i = 0; i < n; i++)
        fprintf(f, " | %" PRId64 " %s %s %s %s %s %d %d %" PRId64 " [%s]", v[i].id, v[i].username,
                v[i].email, v[i].display_name, v[i].city, v[i].visibility, v[i].is_admin,
                v[i].disabled, v[i].created_at, v[i].pw_hash);
}

static int cmp_rating(const void *a, const void *b)
{
    const struct rec_rating *x = a, *y = b;
    return x->user != y->user ? (x->user > y->user) - (x->user < y->user)
                              : (x->item > y->item) - (x->item < y->item);
}

static int cmp_event(const void *a, const void *b)
{
    const struct rec_event *x = a, *y = b;
    if (x->user != y->user)
        return (x->user > y->user) - (x->user < y->user);
    if (x->item != y->item)
        return (x->item > y->item) - (x->item < y->item);
    return x->type - y->type;
}

static int cmp_edge(const void *a, const void *b)
{
    const struct rec_edge *x = a, *y = b;
    return x->a != y->a ? (x->a > y->a) - (x->a < y->a) : (x->b > y->b) - (x->b < y->b);
}

static int cmp_item(const void *a, const void *b)
{
    int64_t x = ((const struct rec_item *)a)->id, y = ((const struct rec_item *)b)->id;
    return (x > y) - (x < y);
}

static int cmp_ruser(const void *a, const void *b)
{
    int64_t x = ((const struct rec_user *)a)->id, y = ((const struct rec_user *)b)->id;
    return (x > y) - (x < y);
}

static void d_rec(struct fc_store *s, FILE *f, const void *arg)
{
    struct rec_dataset d;
    int rc = s->ops->rec_load(s, &d);
    (void)arg;
    fprintf(f, "rc=%d", rc);
    if (rc)
        return;
    if (d.n_items > 1)
        qsort(d.items, d.n_items, sizeof *d.items, cmp_item);
    if (d.n_users > 1)
        qsort(d.users, d.n_users, sizeof *d.users, cmp_ruser);
    if (d.n_ratings > 1)
        qsort(d.ratings, d.n_ratings, sizeof *d.ratings, cmp_rating);
    if (d.n_events > 1)
        qsort(d.events, d.n_events, sizeof *d.events, cmp_event);
    if (d.n_friends > 1)
        qsort(d.friends, d.n_friends, sizeof *d.friends, cmp_edge);
    if (d.n_blocks > 1)
        qsort(d.blocks, d.n_blocks, sizeof *d.blocks, cmp_edge);
    for (size_t i = 0; i < d.n_items; i++)
        fprintf(f, " I%" PRId64 ":%s:%s:%s:%s", d.items[i].id, d.items[i].city, d.items[i].price,
                d.items[i].cuisines, d.items[i].name);
    for (size_t i = 0; i < d.n_users; i++)
        fprintf(f, " U%" PRId64 ":%s:%s:%s:%s", d.users[i].id, d.users[i].city, d.users[i].price,
                d.users[i].cuisines, d.users[i].name);
    for (size_t i = 0; i < d.n_ratings; i++)
        fprintf(f, " R%" PRId64 "/%" PRId64 ":%d@%" PRId64, d.ratings[i].user, d.ratings[i].item,
                d.ratings[i].stars, d.ratings[i].at);
    for (size_t i = 0; i < d.n_events; i++)
        fprintf(f, " E%" PRId64 "/%" PRId64 ":%d@%" PRId64, d.events[i].user, d.events[i].item,
                d.events[i].type, d.events[i].at);
    for (size_t i = 0; i < d.n_friends; i++)
        fprintf(f, " F%" PRId64 "-%" PRId64, d.friends[i].a, d.friends[i].b);
    for (size_t i = 0; i < d.n_blocks; i++)
        fprintf(f, " B%" PRId64 "-%" PRId64, d.blocks[i].a, d.blocks[i].b);
    rec_dataset_free(&d);
}

/* ---- set-up ------------------------------------------------------------------------------------
 */

static int setup(void **state)
{
    char db[128], sql[PATH_MAX];
    (void)state;
    have_endpoint =
        (getenv("AWS_ENDPOINT_URL_DYNAMODB") && *getenv("AWS_ENDPOINT_URL_DYNAMODB")) ||
        (getenv("FORKCAST_AWS_ENDPOINT_DYNAMODB") && *getenv("FORKCAST_AWS_ENDPOINT_DYNAMODB"));
    if (!have_endpoint)
        return 0;
    cfg = testutil_config(dir);
    if (!cfg)
        return -1;
    snprintf(db, sizeof db, "%s/parity.db", dir);
    if (fc_config_path(cfg, "Sql.Dir", "sql", sql, sizeof sql) || fc_sqlite_open(db, sql, &L) ||
        fc_dynamo_open(cfg, &R))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (!have_endpoint)
        return 0;
    fc_store_close(L);
    fc_store_close(R);
    hdf_destroy(&cfg);
    testutil_cleanup(dir);
    return 0;
}

#define NEED_ENDPOINT()                                                                            \
    do {                                                                                           \
        if (!have_endpoint)                                                                        \
            skip();                                                                                \
    } while (0)

static const char *const NAMES[NU + 1] = {"",    "ana", "Bea", "cy",  "Dee",
                                          "eli", "Fay", "gus", "Hal", "ivy"};
/* display names with ties and case differences, for the orders */
static const char *const DISPLAY[NU + 1] = {"",      "Ana G", "ana g", "Zed",  "Bea",
                                            "Ana G", "Cy",    "",      "Éloi", "ivy"};

static void make_world(void)
{
    static const struct {
        const char *ext, *name, *city, *price, *cuisines;
        int coords;
    } rs[NR + 1] = {
        {0},
        {"p:1", "Taqueria Uno", "Cuernavaca", "low", "Mexican, Bar", 1},
        {"p:2", "taco dos", "Cuernavaca", "medium", "Mexican", 0},
        {"p:3", "Sushi Tres", "San Luis Potosi", "high", "Japanese,Seafood,Japanese", 1},
        {"p:4", "Cafe 50% Cuatro", "", "low", "Cafeteria", 0},
        {"p:5", "Café Ünico", "Ciudad Victoria", "", "", 1},
        {"p:6", "cafe_6", "San Luis Potosi", "low", "Cafeteria,Bar", 0},
    };
    for (int i = 1; i <= NU; i++) {
        struct fc_user u;
        memset(&u, 0, sizeof u);
        snprintf(u.username, sizeof u.username, "%s", NAMES[i]);
        snprintf(u.email, sizeof u.email, "%s@Example.com", NAMES[i]);
        snprintf(u.display_name, sizeof u.display_name, "%s", DISPLAY[i]);
        snprintf(u.pw_hash, sizeof u.pw_hash, "hash-%d", i);
        snprintf(u.city, sizeof u.city, "%s", i % 2 ? "Cuernavaca" : "San Luis Potosi");
        assert_int_equal(fc_user_set_cuisines(&u, i % 3 ? "Mexican" : "Japanese,Bar"), FC_OK);
        snprintf(u.visibility, sizeof u.visibility, "%s", i % 4 == 0 ? "friends" : "public");
        if (i % 3 == 0)
            snprintf(u.ext_id, sizeof u.ext_id, "x:%d", i);
        u.created_at = clock_t0 + i;
        BOTH("user_create", S_->ops->user_create(S_, &u));
        fc_user_clear(&u);
        uid[i] = u.id;
    }
    for (int i = 1; i <= NR; i++) {
        struct fc_restaurant r;
        char addr[32];
        memset(&r, 0, sizeof r);
        snprintf(r.ext_id, sizeof r.ext_id, "%s", rs[i].ext);
        snprintf(r.price, sizeof r.price, "%s", rs[i].price);
        snprintf(addr, sizeof addr, "Calle %d", i);
        assert_int_equal(fc_restaurant_set_name(&r, rs[i].name) ||
                             fc_restaurant_set_city(&r, rs[i].city) ||
                             fc_restaurant_set_cuisines(&r, rs[i].cuisines) ||
                             fc_restaurant_set_hours(&r, "Mon-Fri 08:00-21:00") ||
                             fc_restaurant_set_address(&r, addr),
                         FC_OK);
        r.has_coords = rs[i].coords;
        r.lat = 18.9 + i / 100.0;
        r.lon = -99.2 - i / 1000.0;
        BOTH("rest_upsert", S_->ops->rest_upsert(S_, &r));
        fc_restaurant_clear(&r);
        rid[i] = r.id;
    }
}

/* Photos in play: a few shared by many reviews, and the latest ones of single reviews. */
#define NPHOTO 8
static char photos[NPHOTO][128];

static void photo_name(char out[128], int n)
{
    snprintf(out, 128, "/photos/%064d.jpg", n);
}

/* Every read view, for every viewer. */
static void compare_all(const char *when)
{
    struct pair p;
    char what[160];
    (void)when;
    for (int i = 0; i < NPHOTO; i++)
        for (int v = 0; v <= NU; v++) {
            p = (struct pair){0, v ? uid[v] : 0, i % 2 ? 1 : 16, photos[i]};
            snprintf(what, sizeof what, "%s: reviews with photo '%s' seen by user %d", when,
                     photos[i], v);
            same(what, d_photo, &p);
        }
    same("relations and mutual counts", d_relation, NULL);
    same("restaurants", d_rest, NULL);
    same("rec_load", d_rec, NULL);
    for (int v = 0; v <= NU; v++) {
        int64_t viewer = v ? uid[v] : 0;
        for (int r = 1; r <= NR; r++) {
            p = (struct pair){rid[r], viewer, 10, NULL};
            snprintf(what, sizeof what, "%s: reviews of restaurant %d seen by user %d", when, r, v);
            same(what, d_reviews_of, &p);
        }
        if (!v)
            continue;
        p = (struct pair){viewer, 0, 64, NULL};
        same("user", d_user, &p);
        for (int w = FC_LIST_FRIENDS; w <= FC_LIST_BLOCKED; w++) {
            p = (struct pair){viewer, w, 64, NULL};
            snprintf(what, sizeof what, "%s: people list %d of user %d", when, w, v);
            same(what, d_people, &p);
        }
        p = (struct pair){viewer, 0, 2, NULL};
        same("people list (cut)", d_people, &p);
        p = (struct pair){viewer, 0, 64, "A"};
        same("people search A", d_people, &p);
        p = (struct pair){viewer, 0, 2, "g"};
        same("people search g (cut)", d_people, &p);
        p = (struct pair){viewer, 0, 3, NULL};
        snprintf(what, sizeof what, "%s: feed of user %d by pages of 3", when, v);
        same(what, d_feed, &p);
        p = (struct pair){viewer, 0, 8, NULL};
        same("feed by pages of 8", d_feed, &p);
        p = (struct pair){viewer, 0, 16, NULL};
        same("friends recommend", d_recommend, &p);
        p = (struct pair){viewer, 3, 16, NULL}; /* b: the window */
        same("friends recommend, the 3 latest", d_recommend, &p);
        p = (struct pair){viewer, 0, 16, NULL};
        same("saves", d_saves, &p);
        for (int u = 1; u <= NU; u++) {
            p = (struct pair){uid[u], viewer, 3, NULL};
            snprintf(what, sizeof what, "%s: reviews by user %d seen by user %d", when, u, v);
            same(what, d_reviews_by, &p);
        }
    }
}

/* ---- the randomized social history
 * ----------------------------------------------------------------- */

static int64_t now_t;

static void random_op(int step)
{
    int a = 1 + (int)pick(NU), b = 1 + (int)pick(NU), r = 1 + (int)pick(NR), op = (int)pick(20);
    int64_t A = uid[a], B = uid[b], Rr = rid[r];
    char what[128];
    now_t += 1 + pick(3);
    snprintf(what, sizeof what, "step %d op %d (%d, %d, %d)", step, op, a, b, r);
    switch (op) {
    case 0:
    case 1:
    case 2:
        BOTH(what, fc_store_relate_rc(S_, A, B, FC_ACT_REQUEST, now_t));
        break;
    case 3:
    case 4:
        BOTH(what, fc_store_relate_rc(S_, A, B, FC_ACT_ACCEPT, now_t));
        break;
    case 5:
        BOTH(what, fc_store_relate_rc(S_, A, B, FC_ACT_CANCEL, 0));
        break;
    case 6:
        BOTH(what, fc_store_relate_rc(S_, A, B, FC_ACT_REMOVE, 0));
        break;
    case 7:
        if (pick(3))
            BOTH(what, fc_store_relate_rc(S_, A, B, FC_ACT_UNBLOCK, 0));
        else
            BOTH(what, fc_store_relate_rc(S_, A, B, FC_ACT_BLOCK, now_t));
        break;
    case 8:
        BOTH(what, fc_store_relate_rc(S_, A, B, FC_ACT_BEFRIEND, now_t));
        break;
    case 9:
    case 10:
    case 11: {
        struct fc_review rv;
        char body[64];
        int overwrite = (int)pick(2);
        memset(&rv, 0, sizeof rv);
        rv.user_id = A;
        rv.restaurant_id = Rr;
        rv.stars = 1 + (int)pick(5);
        rv.created_at = now_t;
        rv.updated_at = pick(2) ? now_t + 1 : 0;
        snprintf(body, sizeof body, "review %d of %d by %d", step, r, a);
        rv.body = body; /* borrowed: rv is not cleared */
        if (pick(3) == 0) {
            /* one of three photos many reviews share, or one of its own */
            int shared = (int)pick(2);
            photo_name(rv.photo, shared ? (int)pick(3) : step);
            if (!shared)
                snprintf(photos[3 + step % (NPHOTO - 3)], sizeof photos[0], "%s", rv.photo);
        }
        BOTH(what, S_->ops->review_put(S_, &rv, overwrite));
        break;
    }
    case 12: {
        /* each store deletes its own review of (a, r) by its id */
        struct fc_review lr, rr;
        int gl = L->ops->review_get_by(L, A, Rr, &lr), gr = R->ops->review_get_by(R, A, Rr, &rr);
        assert_int_equal(gl, gr);
        if (gl == FC_OK) {
            struct fc_review x, y;
            int xl = L->ops->review_get(L, lr.id, &x), xr = R->ops->review_get(R, rr.id, &y);
            assert_int_equal(xl, xr);
            if (xl == FC_OK) {
                assert_string_equal(x.body, y.body);
                fc_review_clear(&x);
                fc_review_clear(&y);
            }
            assert_string_equal(lr.body, rr.body);
            fc_review_clear(&lr);
            fc_review_clear(&rr);
            assert_int_equal(L->ops->review_delete(L, lr.id), R->ops->review_delete(R, rr.id));
        }
        break;
    }
    case 13:
    case 14:
        BOTH(what, S_->ops->save_put(S_, A, Rr, now_t));
        break;
    case 15:
        BOTH(what, S_->ops->save_delete(S_, A, Rr));
        break;
    case 16: {
        const char *type = pick(2) ? "view" : "review";
        double value = pick(5);
        BOTH(what, S_->ops->event_add(S_, A, Rr, type, value, now_t));
        break;
    }
    case 17: {
        struct fc_user u = {0}; /* each read clears the one before */
        BOTH(what, (fc_user_clear(&u), S_->ops->user_get(S_, A, &u)));
        snprintf(u.visibility, sizeof u.visibility, "%s", pick(2) ? "public" : "friends");
        if (pick(2))
            snprintf(u.display_name, sizeof u.display_name, "%s %d", DISPLAY[a], step % 3);
        BOTH(what, S_->ops->user_update_profile(S_, &u));
        fc_user_clear(&u);
        break;
    }
    case 18:
        if (pick(4) == 0) {
            struct fc_user u = {0};
            BOTH(what, (fc_user_clear(&u), S_->ops->user_get(S_, A, &u)));
            BOTH(what, S_->ops->user_set_flags(S_, A, u.is_admin, !u.disabled));
            fc_user_clear(&u);
        }
        break;
    default:
        BOTH(what, fc_store_relate_rc(S_, A, A, FC_ACT_REQUEST, now_t)); /* refused */
        break;
    }
}

static void test_social_parity(void **state)
{
    (void)state;
    NEED_ENDPOINT();
    int steps = getenv("FC_PARITY_STEPS") ? atoi(getenv("FC_PARITY_STEPS")) : 240;
    if (getenv("FC_PARITY_SEED"))
        rng ^= strtoull(getenv("FC_PARITY_SEED"), NULL, 10) * 0x9E3779B97F4A7C15ULL;
    now_t = clock_t0 + 1000;
    for (int i = 0; i < NPHOTO; i++)
        photo_name(photos[i], i < 3 ? i : 1000000 + i); /* the shared ones, then none yet */
    make_world();
    compare_all("the start");
    for (int step = 1; step <= steps; step++) {
        random_op(step);
        if (step % 60 == 0 || step == steps) {
            char when[32];
            snprintf(when, sizeof when, "after %d steps", step);
            compare_all(when);
        }
    }
}

static void test_search_parity(void **state)
{
    static const char *const texts[] = {"", "TACO", "caf", "50%", "_", "é", "zzz"};
    static const char *const cuisines[] = {"", "Mexican", "Bar", "Japanese", "mexican"};
    static const char *const cities[] = {"", "Cuernavaca", "San Luis Potosi"};
    static const char *const prices[] = {"", "low", "high"};
    (void)state;
    NEED_ENDPOINT();
    for (size_t t = 0; t < FC_ARRAY_LEN(texts); t++)
        for (size_t c = 0; c < FC_ARRAY_LEN(cuisines); c++)
            for (size_t i = 0; i < FC_ARRAY_LEN(cities); i++) {
                struct fc_rest_query q = {.text = texts[t],
                                          .cuisine = cuisines[c],
                                          .price = prices[(t + c) % 3],
                                          .city = cities[i],
                                          .offset = (int)(t % 3),
                                          .limit = 2 + (int)(c % 3)};
                same("restaurant search", d_search, &q);
            }
    same("facets", d_facets, NULL);
    {
        static const char *const ut[] = {"", "A", "example", "Ana g", "nobody"};
        for (size_t t = 0; t < FC_ARRAY_LEN(ut); t++)
            for (int role = FC_ROLE_ANY; role <= FC_ROLE_DISABLED; role++)
                for (int off = 0; off < 3; off += 2) {
                    struct fc_user_query q = {ut[t], (enum fc_user_role)role, off, 4};
                    same("user search", d_user_search, &q);
                }
    }
}

/* ---- sessions, failures, tokens
 * --------------------------------------------------------------------- */

static void d_session(struct fc_store *s, FILE *f, const void *arg)
{
    const char *hash = arg;
    int64_t u = -1, c = -1, l = -1, exp = -1, upd = -1;
    char *sealed = NULL;
    int rc = s->ops->session_get(s, hash, &u, &c, &l);
    fprintf(f, "rc=%d %" PRId64 " %" PRId64 " %" PRId64, rc, u, c, l);
    rc = s->ops->session_tokens_get(s, hash, &sealed, &exp, &upd);
    fprintf(f, " tokens rc=%d %s %" PRId64 " %" PRId64, rc, sealed ? sealed : "-", exp, upd);
    free(sealed);
}

static void d_fail(struct fc_store *s, FILE *f, const void *arg)
{
    int n = -1, rc;
    (void)arg;
    for (int64_t since = 0; since < 5000; since += 700) {
        rc = s->ops->fail_count(s, "user:parity", clock_t0 + since, &n);
        fprintf(f, " %d/%d", rc, n);
    }
}

static void test_sessions_parity(void **state)
{
    (void)state;
    NEED_ENDPOINT();
    BOTH("session_create", S_->ops->session_create(S_, "hA", uid[2], clock_t0));
    BOTH("session_create twice", S_->ops->session_create(S_, "hA", uid[2], clock_t0));
    BOTH("session_create", S_->ops->session_create(S_, "hB", uid[2], clock_t0 + 5));
    BOTH("session_create", S_->ops->session_create(S_, "hC", uid[3], clock_t0 + 6));
    BOTH("session_touch", S_->ops->session_touch(S_, "hA", clock_t0 + 100));
    BOTH("session_touch missing", S_->ops->session_touch(S_, "nope", clock_t0 + 100));
    BOTH("tokens_put",
         S_->ops->session_tokens_put(S_, "hA", "sealed-1", clock_t0 + 3600, clock_t0 + 100));
    BOTH("tokens_put again",
         S_->ops->session_tokens_put(S_, "hA", "sealed-2", clock_t0 + 7200, clock_t0 + 200));
    BOTH("tokens_put without session",
         S_->ops->session_tokens_put(S_, "nope", "x", clock_t0, clock_t0));
    same("session A", d_session, "hA");
    same("session B", d_session, "hB");
    same("session missing", d_session, "nope");
    BOTH("session_delete_user", S_->ops->session_delete_user(S_, uid[2]));
    same("session A after delete_user", d_session, "hA");
    same("session B after delete_user", d_session, "hB");
    same("session C kept", d_session, "hC");
    BOTH("session_delete", S_->ops->session_delete(S_, "hC"));
    same("session C deleted", d_session, "hC");
    for (int i = 0; i < 7; i++)
        BOTH("fail_record", S_->ops->fail_record(S_, "user:parity", clock_t0 + i * 600));
    BOTH("fail_record other", S_->ops->fail_record(S_, "user:other", clock_t0));
    same("failures", d_fail, NULL);
    BOTH("fail_clear", S_->ops->fail_clear(S_, "user:parity"));
    same("failures cleared", d_fail, NULL);
}

/* ---- metrics
 * ------------------------------------------------------------------------------------- */

static void d_metrics(struct fc_store *s, FILE *f, const void *arg)
{
    const int64_t *since = arg;
    for (int g = FC_METRIC_BY_ROUTE; g <= FC_METRIC_BY_MINUTE; g++) {
        struct fc_metric_row *rows = NULL;
        int n = 0, rc = s->ops->metrics_query(s, *since, (enum fc_metric_group)g, &rows, &n);
        fprintf(f, "[g%d rc=%d n=%d", g, rc, n);
        for (int i = 0; i < n; i++) {
            fprintf(f, " | %" PRId64 " %s %d %ld %.3f %.3f", rows[i].minute, rows[i].route,
                    rows[i].status, rows[i].count, rows[i].sum_ms, rows[i].max_ms);
            for (int b = 0; b < FC_METRIC_BUCKETS; b++)
                if (rows[i].hist[b])
                    fprintf(f, " b%d=%ld", b, rows[i].hist[b]);
        }
        fprintf(f, "]");
        free(rows);
    }
    {
        struct fc_metric_counter *c = NULL;
        int n = 0, rc = s->ops->metrics_counters(s, *since, &c, &n);
        fprintf(f, " counters rc=%d", rc);
        for (int i = 0; i < n; i++)
            fprintf(f, " %s=%ld/%" PRId64, c[i].name, c[i].n, c[i].minute);
        free(c);
    }
}

static void test_metrics_parity(void **state)
{
    struct fc_metric_row rows[3];
    struct fc_metric_counter ctrs[2];
    int64_t m0 = clock_t0 / 60, since;
    (void)state;
    NEED_ENDPOINT();
    memset(rows, 0, sizeof rows);
    memset(ctrs, 0, sizeof ctrs);
    for (int k = 0; k < 3; k++) {
        rows[k].minute = m0 + k / 2;
        snprintf(rows[k].route, sizeof rows[k].route, "%s", k == 1 ? "/feed" : "/restaurants/:id");
        rows[k].status = k == 2 ? 500 : 200;
        rows[k].count = 3 + k;
        rows[k].sum_ms = 12.5 * (k + 1);
        rows[k].max_ms = 7.25 + k;
        rows[k].hist[3 + k] = 2;
        rows[k].hist[10] = 1 + k;
    }
    snprintf(ctrs[0].name, sizeof ctrs[0].name, "rec.fallback");
    ctrs[0].minute = m0;
    ctrs[0].n = 4;
    snprintf(ctrs[1].name, sizeof ctrs[1].name, "aws.dynamodb.calls");
    ctrs[1].minute = m0 + 1;
    ctrs[1].n = 40;
    BOTH("metrics_add", S_->ops->metrics_add(S_, rows, 3, ctrs, 2));
    rows[0].max_ms = 99; /* a second process: sums add up, the largest time wins */
    rows[1].max_ms = 1;
    BOTH("metrics_add again", S_->ops->metrics_add(S_, rows, 2, ctrs, 1));
    BOTH("metrics_add nothing", S_->ops->metrics_add(S_, rows, 0, ctrs, 0));
    since = 0;
    same("metrics", d_metrics, &since);
    since = m0 + 1;
    same("metrics since", d_metrics, &since);
    BOTH("metrics_prune", S_->ops->metrics_prune(S_, m0 + 1));
    since = 0;
    same("metrics after prune", d_metrics, &since);
}

/* ---- jobs and instances
 * ---------------------------------------------------------------------------- */

static void job_line(FILE *f, const struct fc_job *j)
{
    fprintf(f,
            " | %s %s %s p=%s g=%s m=%s a%d/%d r%d run%" PRId64 " w=%s l%" PRId64 " %" PRId64
            " %" PRId64 " %" PRId64,
            j->type, j->dedupe_key, j->state, j->payload, j->progress, j->message, j->attempts,
            j->max_attempts, j->runs, j->run_at_ms, j->worker, j->lease_until_ms, j->created_at,
            j->updated_at, j->finished_at);
}

static void d_jobs(struct fc_store *s, FILE *f, const void *arg)
{
    static const char *const types[] = {"", "a.one", "b.two"};
    static const char *const states[] = {"", "queued", "running", "done", "failed"};
    struct fc_job v[16];
    (void)arg;
    for (size_t t = 0; t < FC_ARRAY_LEN(types); t++)
        for (size_t st = 0; st < FC_ARRAY_LEN(states); st++) {
            int n = 0, rc = s->ops->job_list(s, types[t], states[st], v, 3, &n);
            fprintf(f, "[rc=%d n=%d", rc, n);
            for (int i = 0; i < n; i++)
                job_line(f, &v[i]);
            fprintf(f, "]");
        }
    for (size_t t = 0; t < FC_ARRAY_LEN(types); t++) {
        int64_t at = -1;
        int rc = s->ops->job_next_due(s, types[t], &at);
        fprintf(f, " due rc=%d %" PRId64, rc, at);
    }
}

static void d_job_key(struct fc_store *s, FILE *f, const void *arg)
{
    struct fc_job j;
    int rc = s->ops->job_by_key(s, arg, &j);
    fprintf(f, "rc=%d", rc);
    if (rc == FC_OK)
        job_line(f, &j);
}

/* Claims on both stores; the same job (by dedupe key) must win. */
static void claim_both(const char *types, int64_t now_ms, int64_t lease, struct fc_job *lj,
                       struct fc_job *rj)
{
    int a = L->ops->job_claim(L, types, "w1", now_ms, lease, lj);
    int b = R->ops->job_claim(R, types, "w1", now_ms, lease, rj);
    assert_int_equal(a, b);
    if (a == FC_OK) {
        lj->id = rj->id = 0;
        assert_string_equal(lj->dedupe_key, rj->dedupe_key);
        assert_memory_equal(lj, rj, sizeof *lj);
    }
}

/* Records an outcome of the job with dedupe key on both stores, as worker; same answers. */
static int update_both(const char *key, const char *worker, const char *state, int64_t run_at,
                       int64_t now)
{
    struct fc_job l2, r2;
    int a, b;
    assert_int_equal(L->ops->job_by_key(L, key, &l2), FC_OK);
    assert_int_equal(R->ops->job_by_key(R, key, &r2), FC_OK);
    for (struct fc_job *j = &l2; j; j = j == &l2 ? &r2 : NULL) {
        snprintf(j->worker, sizeof j->worker, "%s", worker);
        snprintf(j->state, sizeof j->state, "%s", state);
        snprintf(j->progress, sizeof j->progress, "{\"step\":%d}", (int)(now % 7));
        snprintf(j->message, sizeof j->message, "%s at %" PRId64, state, now);
        j->run_at_ms = run_at;
        j->lease_until_ms = run_at + 100;
        j->attempts += 1;
    }
    a = L->ops->job_update(L, &l2, now);
    b = R->ops->job_update(R, &r2, now);
    assert_int_equal(a, b);
    return a;
}

static void test_jobs_parity(void **state)
{
    struct fc_job lj, rj;
    int64_t t = clock_t0 * 1000LL;
    int nl = -1, nr = -1;
    char key[64];
    (void)state;
    NEED_ENDPOINT();
    for (int i = 0; i < 6; i++) {
        struct fc_job j;
        memset(&j, 0, sizeof j);
        snprintf(j.type, sizeof j.type, "%s", i % 2 ? "b.two" : "a.one");
        snprintf(j.dedupe_key, sizeof j.dedupe_key, "k%d", i);
        snprintf(j.payload, sizeof j.payload, "{\"n\":%d}", i);
        j.max_attempts = i % 3;
        j.run_at_ms = t + (i % 3) * 1000 - i;
        BOTH("job_enqueue", (memcpy(&lj, &j, sizeof j), S_->ops->job_enqueue(S_, &lj, clock_t0)));
    }
    {
        struct fc_job j;
        memset(&j, 0, sizeof j);
        snprintf(j.type, sizeof j.type, "a.one");
        snprintf(j.dedupe_key, sizeof j.dedupe_key, "k2");
        BOTH("job_enqueue a known key",
             (memcpy(&lj, &j, sizeof j), S_->ops->job_enqueue(S_, &lj, clock_t0 + 1)));
        assert_string_equal(lj.payload, "{\"n\":2}"); /* the existing job comes back */
        memset(&j, 0, sizeof j);
        BOTH("job_enqueue without type",
             (memcpy(&lj, &j, sizeof j), S_->ops->job_enqueue(S_, &lj, clock_t0 + 1)));
    }
    same("jobs", d_jobs, NULL);
    same("job k3", d_job_key, "k3");
    same("job none", d_job_key, "nope");
    claim_both("", t - 10000, 5000, &lj, &rj);    /* nothing due yet */
    claim_both("a.one", t + 500, 5000, &lj, &rj); /* the earliest a.one */
    claim_both("", t + 500, 5000, &lj, &rj);      /* then the earliest of any type */
    fc_strlcpy(key, lj.dedupe_key, sizeof key);
    claim_both("b.two,zzz", t + 2500, 5000, &lj, &rj); /* a list of types */
    same("jobs after claims", d_jobs, NULL);
    /* only the lease holder records outcomes */
    assert_int_equal(update_both(key, "w2", "queued", t + 9000, clock_t0 + 2), FC_NOTFOUND);
    assert_int_equal(update_both(key, "w1", "bogus", t + 9000, clock_t0 + 2), FC_EINVAL);
    assert_int_equal(update_both(key, "w1", "queued", t + 9000, clock_t0 + 2), FC_OK);
    same("jobs after an outcome", d_jobs, NULL);
    /* a lease ends: claiming the job again counts a failed attempt */
    claim_both("", t + 5600, 5000, &lj, &rj);
    same("jobs after a lease ended", d_jobs, NULL);
    /* two finish; pruning takes those finished before the time */
    for (int k = 0; k < 2; k++) {
        claim_both("", t + 50000, 5000, &lj, &rj);
        assert_int_equal(
            update_both(lj.dedupe_key, "w1", k ? "done" : "failed", 0, clock_t0 + 10 + k), FC_OK);
    }
    fc_strlcpy(key, lj.dedupe_key, sizeof key);
    same("jobs finished", d_jobs, NULL);
    assert_int_equal(L->ops->job_prune(L, clock_t0 + 11, &nl),
                     R->ops->job_prune(R, clock_t0 + 11, &nr));
    assert_int_equal(nl, nr);
    assert_int_equal(nl, 1);
    same("jobs pruned", d_jobs, NULL);
    same("the key of a job still there", d_job_key, key);
}

static void d_instances(struct fc_store *s, FILE *f, const void *arg)
{
    struct fc_instance v[8];
    struct fc_instance_event e[8];
    int n = 0, rc = s->ops->instance_list(s, v, 8, &n);
    (void)arg;
    fprintf(f, "rc=%d", rc);
    for (int i = 0; i < n; i++)
        fprintf(f, " | %s %s %s %s %s %s %s %s %s %s %s %s %" PRId64 " %" PRId64 " %" PRId64,
                v[i].instance_id, v[i].name, v[i].image_id, v[i].instance_type, v[i].state,
                v[i].public_ip, v[i].private_ip, v[i].subnet_id, v[i].launch_time,
                v[i].client_token, v[i].status, v[i].message, v[i].launched_by, v[i].created_at,
                v[i].updated_at);
    rc = s->ops->instance_by_token(s, "tok-1", v, 8, &n);
    fprintf(f, " token rc=%d", rc);
    for (int i = 0; i < n; i++)
        fprintf(f, " %s", v[i].instance_id);
    rc = s->ops->instance_events(s, "i-0001", e, 3, &n);
    fprintf(f, " events rc=%d", rc);
    for (int i = 0; i < n; i++)
        fprintf(f, " | %s %s %s %" PRId64, e[i].instance_id, e[i].state, e[i].detail, e[i].at_ms);
}

static void test_instances_parity(void **state)
{
    (void)state;
    NEED_ENDPOINT();
    for (int i = 0; i < 4; i++) {
        struct fc_instance in;
        memset(&in, 0, sizeof in);
        snprintf(in.instance_id, sizeof in.instance_id, "i-000%d", i % 3 + 1);
        snprintf(in.name, sizeof in.name, "web-%d", i);
        snprintf(in.state, sizeof in.state, "%s", i < 3 ? "pending" : "running");
        snprintf(in.client_token, sizeof in.client_token, "%s", i == 3 ? "tok-9" : "tok-1");
        in.launched_by = i == 3 ? 7 : (i == 0 ? 0 : uid[1]);
        BOTH("instance_put", S_->ops->instance_put(S_, &in, clock_t0 + (i % 2)));
    }
    {
        struct fc_instance in;
        memset(&in, 0, sizeof in);
        BOTH("instance_put without id", S_->ops->instance_put(S_, &in, clock_t0));
    }
    for (int i = 0; i < 5; i++) {
        struct fc_instance_event e;
        memset(&e, 0, sizeof e);
        snprintf(e.instance_id, sizeof e.instance_id, "i-0001");
        snprintf(e.state, sizeof e.state, "%s", i % 2 ? "running" : "");
        snprintf(e.detail, sizeof e.detail, "line %d", i);
        e.at_ms = clock_t0 * 1000LL + (i == 4 ? 0 : i * 10);
        BOTH("instance_event_add", S_->ops->instance_event_add(S_, &e));
    }
    same("instances", d_instances, NULL);
}

/* ---- the recommender's change counter
 * ----------------------------------------------------------------- */

static void test_rec_version(void **state)
{
    int64_t before[2], after[2];
    struct fc_store *s[2] = {L, R};
    (void)state;
    NEED_ENDPOINT();
    for (int i = 0; i < 2; i++) {
        assert_int_equal(s[i]->ops->rec_version(s[i], &before[i]), FC_OK);
        int yes = 0;
        assert_int_equal(s[i]->ops->save_exists(s[i], uid[5], rid[5], &yes), FC_OK);
        assert_int_equal(yes ? s[i]->ops->save_delete(s[i], uid[5], rid[5])
                             : s[i]->ops->save_put(s[i], uid[5], rid[5], clock_t0 + 99999),
                         FC_OK);
        assert_int_equal(s[i]->ops->rec_version(s[i], &after[i]), FC_OK);
        assert_true(after[i] != before[i]);
    }
}

/* ---- bulk export: the same rows
 * ---------------------------------------------------------------------- */

static int collect(void *ctx, const char *table, struct json_object *row)
{
    json_object *all = ctx, *arr, *copy;
    if (!json_object_object_get_ex(all, table, &arr)) {
        arr = json_object_new_array();
        json_object_object_add(all, table, arr);
    }
    copy = json_tokener_parse(json_object_to_json_string_ext(row, JSON_C_TO_STRING_PLAIN));
    if (strcmp(table, "events") == 0)
        json_object_object_del(copy, "id"); /* DynamoDB's interactions have no id */
    /* reviews and saves deleted and made again get new ids in DynamoDB, maybe not in SQLite */
    if (strcmp(table, "reviews") == 0 || strcmp(table, "saves") == 0)
        json_object_object_del(copy, "id");
    json_object_array_add(arr, copy);
    return 0;
}

static int cmp_json(const void *a, const void *b)
{
    return strcmp(
        json_object_to_json_string_ext(*(json_object *const *)a,
                                       JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
        json_object_to_json_string_ext(*(json_object *const *)b,
                                       JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* Sorts the keys of every row, then the rows. */
static void sort_rows(json_object *arr)
{
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        json_object *row = json_object_array_get_idx(arr, i), *sorted;
        const char *keys[128];
        size_t k = 0;
        json_object_object_foreach(row, key, val)
        {
            (void)val;
            if (k < 128)
                keys[k++] = key;
        }
        for (size_t x = 1; x < k; x++)
            for (size_t y = x; y > 0 && strcmp(keys[y - 1], keys[y]) > 0; y--) {
                const char *t = keys[y];
                keys[y] = keys[y - 1];
                keys[y - 1] = t;
            }
        sorted = json_object_new_object();
        for (size_t x = 0; x < k; x++) {
            json_object *v = NULL;
            json_object_object_get_ex(row, keys[x], &v);
            json_object_object_add(sorted, keys[x], json_object_get(v));
        }
        json_object_array_put_idx(arr, i, sorted);
    }
    json_object_array_sort(arr, cmp_json);
}

static void d_export(struct fc_store *s, FILE *f, const void *arg)
{
    static const char *const tables[] = {"users",
                                         "restaurants",
                                         "friendships",
                                         "friend_requests",
                                         "blocks",
                                         "reviews",
                                         "saves",
                                         "events",
                                         "sessions",
                                         "session_tokens",
                                         "login_failures",
                                         "metrics_requests",
                                         "metrics_counters",
                                         "jobs",
                                         "ec2_instances",
                                         "ec2_instance_events"};
    json_object *all = json_object_new_object();
    int rc = s->ops->export_rows(s, collect, all);
    (void)arg;
    fprintf(f, "rc=%d", rc);
    for (size_t t = 0; t < FC_ARRAY_LEN(tables); t++) {
        json_object *arr;
        fprintf(f, "\n%s:", tables[t]);
        if (json_object_object_get_ex(all, tables[t], &arr)) {
            sort_rows(arr);
            fprintf(f, " %s",
                    json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
                                                            JSON_C_TO_STRING_NOSLASHESCAPE));
        }
    }
    json_object_put(all);
}

static void test_export_parity(void **state)
{
    (void)state;
    NEED_ENDPOINT();
    same("exported rows", d_export, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_social_parity),   cmocka_unit_test(test_search_parity),
        cmocka_unit_test(test_sessions_parity), cmocka_unit_test(test_metrics_parity),
        cmocka_unit_test(test_jobs_parity),     cmocka_unit_test(test_instances_parity),
        cmocka_unit_test(test_rec_version),     cmocka_unit_test(test_export_parity),
    };
    const char *e = getenv("AWS_ENDPOINT_URL_DYNAMODB"),
               *f = getenv("FORKCAST_AWS_ENDPOINT_DYNAMODB");
    if (!(e && *e) && !(f && *f)) {
        /* nothing to compare with: t/store_dynamodb.t runs this against dynalite */
        printf("1..0 # SKIP no DynamoDB endpoint (AWS_ENDPOINT_URL_DYNAMODB)\n");
        return 0;
    }
    return cmocka_run_group_tests_name("dynamodb parity", tests, setup, teardown);
}
