/* Unit tests: the recommendation engine on tiny hand-made data with known right answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "rec/engine.h"

#define NMAX 64

/* A dataset assembled in fixed arrays. */
struct fixture {
    struct rec_item items[NMAX];
    struct rec_user users[NMAX];
    struct rec_rating ratings[1024];
    struct rec_event events[NMAX];
    struct rec_edge friends[NMAX], blocks[NMAX];
    struct rec_dataset d;
};

static void fx_init(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    f->d.items = f->items;
    f->d.users = f->users;
    f->d.ratings = f->ratings;
    f->d.events = f->events;
    f->d.friends = f->friends;
    f->d.blocks = f->blocks;
}

static void item(struct fixture *f, int64_t id, const char *city, const char *price,
                 const char *cuisines)
{
    struct rec_item *it = &f->items[f->d.n_items++];
    it->id = id;
    fc_strlcpy(it->city, city, sizeof it->city);
    fc_strlcpy(it->price, price, sizeof it->price);
    fc_strlcpy(it->cuisines, cuisines, sizeof it->cuisines);
}

static void user(struct fixture *f, int64_t id, const char *city, const char *cuisines)
{
    struct rec_user *u = &f->users[f->d.n_users++];
    u->id = id;
    fc_strlcpy(u->city, city, sizeof u->city);
    fc_strlcpy(u->cuisines, cuisines, sizeof u->cuisines);
}

static void rate(struct fixture *f, int64_t u, int64_t i, int stars)
{
    f->ratings[f->d.n_ratings++] = (struct rec_rating){u, i, stars, (int64_t)f->d.n_ratings};
}

static void event(struct fixture *f, int64_t u, int64_t i, int type)
{
    f->events[f->d.n_events++] = (struct rec_event){u, i, type, 0};
}

static void befriend(struct fixture *f, int64_t a, int64_t b)
{
    f->friends[f->d.n_friends++] = (struct rec_edge){a, b};
}

static void block(struct fixture *f, int64_t a, int64_t b)
{
    f->blocks[f->d.n_blocks++] = (struct rec_edge){a, b};
}

static struct rec_model *build(const struct fixture *f, const struct rec_weights *w)
{
    struct rec_model *m = NULL;
    assert_int_equal(rec_model_build(&f->d, w, &m), FC_OK);
    assert_non_null(m);
    return m;
}

static size_t recommend(const struct rec_model *m, int64_t u, size_t n, struct rec_result *out)
{
    size_t got = 99;
    assert_int_equal(rec_recommend(m, u, n, out, &got), FC_OK);
    assert_true(got <= n);
    return got;
}

static int position(const struct rec_result *r, size_t n, int64_t item)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].item == item)
            return (int)i;
    return -1;
}

/* A friend's 5 stars outrank a stranger's 5 stars; the reason names the friend. */
static void test_friend_outranks_stranger(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    struct rec_result r[8];
    struct rec_model *m;
    size_t n;
    (void)state;
    fx_init(f);
    item(f, 10, "Cuernavaca", "low", "Mexican"); /* the stranger's: lower id wins ties */
    item(f, 20, "Cuernavaca", "low", "Mexican"); /* the friend's */
    user(f, 1, "Cuernavaca", "");
    rate(f, 2, 20, 5); /* 2 is 1's friend */
    rate(f, 3, 10, 5); /* 3 is a stranger */
    befriend(f, 1, 2);
    m = build(f, NULL);
    n = recommend(m, 1, 8, r);
    assert_int_equal(n, 2);
    assert_int_equal(r[0].item, 20);
    assert_true(r[0].score > r[1].score);
    assert_int_equal(r[0].reason, REC_WHY_FRIENDS);
    assert_int_equal(r[0].n_friends, 1);
    assert_int_equal(r[0].friend_ids[0], 2);
    assert_true(fabs(r[0].friends_avg - 5.0) < 1e-9);
    assert_int_equal(r[1].n_friends, 0);
    rec_model_free(m);
    free(f);
}

/* Friends on the result: best stars first, the count and the average of all of them. */
static void test_friend_details(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    struct rec_result r[4];
    struct rec_model *m;
    (void)state;
    fx_init(f);
    item(f, 7, "Cuernavaca", "", "");
    for (int64_t u = 2; u <= 6; u++) {
        befriend(f, 1, u);
        rate(f, u, 7, u == 4 ? 5 : 4); /* friend 4 gave 5 stars, the others 4 */
    }
    rate(f, 1, 8, 3);
    m = build(f, NULL);
    assert_int_equal(recommend(m, 1, 4, r), 1);
    assert_int_equal(r[0].item, 7);
    assert_int_equal(r[0].reason, REC_WHY_FRIENDS);
    assert_int_equal(r[0].n_friends, 5);
    assert_int_equal(r[0].friend_ids[0], 4);
    assert_int_equal(r[0].friend_ids[1], 2);
    assert_int_equal(r[0].friend_ids[2], 3);
    assert_true(fabs(r[0].friends_avg - 4.2) < 1e-9);
    rec_model_free(m);
    free(f);
}

/* Items the user rated never come back, even when friends and neighbours push them. */
static void test_reviewed_excluded(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    struct rec_result r[16];
    struct rec_model *m;
    size_t n;
    (void)state;
    fx_init(f);
    for (int64_t i = 1; i <= 8; i++)
        item(f, 100 + i, "Cuernavaca", "low", "Mexican");
    user(f, 1, "Cuernavaca", "Mexican");
    rate(f, 1, 101, 5);
    rate(f, 1, 102, 1);
    event(f, 1, 103, REC_EV_SAVE); /* saved, not reviewed: may be recommended */
    for (int64_t u = 2; u <= 9; u++) {
        befriend(f, 1, u);
        rate(f, u, 101, 5);
        rate(f, u, 102, 5);
        rate(f, u, 100 + u % 8 + 1, 4);
    }
    m = build(f, NULL);
    n = recommend(m, 1, 16, r);
    assert_int_equal(n, 6);
    assert_int_equal(position(r, n, 101), -1);
    assert_int_equal(position(r, n, 102), -1);
    assert_true(position(r, n, 103) >= 0);
    for (size_t i = 1; i < n; i++)
        assert_true(r[i - 1].score >= r[i].score);
    rec_model_free(m);
    free(f);
}

/* A user with no history and no friends gets the popular places of their city first. */
static void test_cold_start_city(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    struct rec_result r[8];
    struct rec_model *m;
    size_t n;
    (void)state;
    fx_init(f);
    item(f, 1, "San Luis Potosi", "low", "Mexican");
    item(f, 2, "San Luis Potosi", "low", "Mexican");
    item(f, 3, "Cuernavaca", "low", "Japanese");
    item(f, 4, "Cuernavaca", "low", "Italian");
    item(f, 5, "Cuernavaca", "low", "Cafe");
    user(f, 100, "cuernavaca ", ""); /* spelling differs: matched without case and spaces */
    /* San Luis places are the most popular overall; in Cuernavaca 4 > 3 > 5 */
    for (int64_t u = 1; u <= 12; u++) {
        rate(f, u, 1, 5);
        rate(f, u, 2, 4);
        if (u <= 6)
            rate(f, u, 4, 4);
        if (u <= 3)
            rate(f, u, 3, 4);
        if (u == 1)
            rate(f, u, 5, 3);
    }
    m = build(f, NULL);
    n = recommend(m, 100, 8, r);
    assert_int_equal(n, 5);
    assert_int_equal(r[0].item, 4);
    assert_int_equal(r[1].item, 3);
    assert_int_equal(r[2].item, 5);
    assert_int_equal(r[0].reason, REC_WHY_POPULAR_CITY);
    assert_string_equal(r[0].city, "Cuernavaca");
    /* a user the model has never seen gets the most popular places overall */
    n = recommend(m, 999, 2, r);
    assert_int_equal(n, 2);
    assert_int_equal(r[0].item, 1);
    assert_int_equal(r[1].item, 2);
    assert_int_equal(r[0].reason, REC_WHY_POPULAR);
    rec_model_free(m);
    free(f);
}

/* A new user's favourite cuisine: the matching place first, and the reason says why. */
static void test_cold_start_cuisine(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    struct rec_user p;
    struct rec_result r[4];
    struct rec_model *m;
    size_t n = 0;
    (void)state;
    fx_init(f);
    item(f, 1, "", "low", "Italian"); /* as popular as 2, and first on ties (lower id) */
    item(f, 2, "", "low", "Latin_American,Mexican");
    for (int64_t u = 1; u <= 3; u++) {
        rate(f, u, 1, 5);
        rate(f, u, 2, 5);
    }
    user(f, 50, "", "mexican");
    m = build(f, NULL);
    n = recommend(m, 50, 4, r);
    assert_int_equal(r[0].item, 2);
    assert_int_equal(r[0].reason, REC_WHY_CUISINE);
    assert_string_equal(r[0].cuisine, "Mexican");
    /* the same for a profile the model does not know (a user who just signed up) */
    memset(&p, 0, sizeof p);
    p.id = 777;
    fc_strlcpy(p.cuisines, "Pizza, latin american", sizeof p.cuisines);
    assert_int_equal(rec_recommend_profile(m, &p, 4, r, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(r[0].item, 2);
    assert_string_equal(r[0].cuisine, "Latin American");
    rec_model_free(m);
    free(f);
}

/* "Because you liked X": the liked item that contributed most is named. */
static void test_because(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    struct rec_result r[8];
    struct rec_model *m;
    size_t n;
    (void)state;
    fx_init(f);
    for (int64_t i = 1; i <= 5; i++)
        item(f, i, "X", "", "");
    rate(f, 1, 1, 5);
    rate(f, 1, 2, 5);
    for (int64_t u = 2; u <= 6; u++) {
        rate(f, u, 1, 5);
        rate(f, u, 3, 5); /* liked together with 1 */
    }
    rate(f, 7, 2, 5);
    rate(f, 7, 4, 5);  /* with 2, by only one user */
    rate(f, 21, 2, 4); /* 3 is a little like 2 too, much less than like 1 */
    rate(f, 21, 3, 4);
    for (int64_t u = 8; u <= 20; u++)
        rate(f, u, 5, 4); /* popular, unrelated */
    m = build(f, NULL);
    n = recommend(m, 1, 8, r);
    assert_int_equal(n, 3);
    assert_int_equal(r[0].item, 3);
    assert_int_equal(r[0].reason, REC_WHY_BECAUSE);
    assert_int_equal(r[0].because_item, 1);
    assert_true(position(r, n, 4) > 0); /* liked with 2 by a single user: weaker */
    assert_int_equal(r[position(r, n, 4)].because_item, 2);
    rec_model_free(m);
    free(f);
}

/* Copies f without the ratings, friendships and blocks of user x. */
static void without_user(const struct fixture *f, struct fixture *g, int64_t x)
{
    fx_init(g);
    memcpy(g->items, f->items, sizeof f->items);
    memcpy(g->users, f->users, sizeof f->users);
    g->d.n_items = f->d.n_items;
    g->d.n_users = f->d.n_users;
    for (size_t i = 0; i < f->d.n_ratings; i++)
        if (f->ratings[i].user != x)
            g->ratings[g->d.n_ratings++] = f->ratings[i];
    for (size_t i = 0; i < f->d.n_friends; i++)
        if (f->friends[i].a != x && f->friends[i].b != x)
            g->friends[g->d.n_friends++] = f->friends[i];
}

static void assert_same_results(const struct rec_result *a, size_t na, const struct rec_result *b,
                                size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(a[i].item, b[i].item);
        assert_true(fabs(a[i].score - b[i].score) < 1e-5);
        assert_int_equal(a[i].reason, b[i].reason);
        assert_int_equal(a[i].n_friends, b[i].n_friends);
    }
}

/* Blocking (either way) removes every trace of the other user: CF, friends, popularity. */
static void test_blocked_no_influence(void **state)
{
    struct fixture *f = malloc(sizeof *f), *g = malloc(sizeof *g);
    struct rec_result r[16], s[16];
    struct rec_model *m, *clean;
    size_t n, ns;
    (void)state;
    fx_init(f);
    for (int64_t i = 1; i <= 6; i++)
        item(f, i, i <= 3 ? "A" : "B", "", i % 2 ? "Mexican" : "Thai");
    user(f, 1, "A", "Thai");
    rate(f, 1, 1, 5);
    /* 9 will be blocked: a friend who loves 1 and 6 */
    befriend(f, 1, 9);
    rate(f, 9, 1, 5);
    rate(f, 9, 6, 5);
    rate(f, 9, 4, 5);
    /* ordinary users */
    rate(f, 2, 1, 4);
    rate(f, 2, 2, 5);
    rate(f, 3, 2, 4);
    rate(f, 3, 3, 3);
    rate(f, 4, 4, 2);
    rate(f, 4, 1, 4);
    befriend(f, 1, 3);

    /* without the block, 9 pushes its favourite 6 up */
    m = build(f, NULL);
    n = recommend(m, 1, 16, r);
    without_user(f, g, 9);
    clean = build(g, NULL);
    ns = recommend(clean, 1, 16, s);
    assert_int_equal(n, ns);
    assert_true(position(r, n, 6) < position(s, ns, 6));
    rec_model_free(m);

    block(f, 1, 9); /* 1 blocked 9 */
    m = build(f, NULL);
    n = recommend(m, 1, 16, r);
    assert_same_results(r, n, s, ns);
    rec_model_free(m);

    f->blocks[0] = (struct rec_edge){9, 1}; /* 9 blocked 1 */
    m = build(f, NULL);
    n = recommend(m, 1, 16, r);
    assert_same_results(r, n, s, ns);
    rec_model_free(m);

    rec_model_free(clean);
    free(f);
    free(g);
}

/* "Because you liked X" names only an item the user rated 4 stars or more, even when a 3-star
 * one is what brought the place up. */
static void test_because_liked_only(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    struct rec_result r[8];
    struct rec_model *m;
    size_t n;
    (void)state;
    fx_init(f);
    for (int64_t i = 1; i <= 4; i++)
        item(f, i, "X", "", "");
    rate(f, 1, 1, 3); /* user 1 went to 1 and found it average */
    rate(f, 2, 2, 4); /* user 2 liked 2 */
    for (int64_t u = 3; u <= 8; u++) {
        rate(f, u, 1, 5);
        rate(f, u, 3, 5); /* 3 goes with 1 */
        rate(f, u, 2, 5);
        rate(f, u, 4, 5); /* 4 goes with 2 */
    }
    m = build(f, NULL);
    n = recommend(m, 1, 8, r);
    assert_true(position(r, n, 3) >= 0);
    assert_int_equal(r[position(r, n, 3)].because_item, 0); /* 1 was rated 3 stars */
    assert_true(r[position(r, n, 3)].reason != REC_WHY_BECAUSE);
    for (size_t k = 0; k < n; k++)
        assert_int_not_equal(r[k].because_item, 1);
    n = recommend(m, 2, 8, r);
    assert_true(position(r, n, 4) >= 0);
    assert_int_equal(r[position(r, n, 4)].because_item, 2); /* 4 stars: named */
    assert_int_equal(r[position(r, n, 4)].reason, REC_WHY_BECAUSE);
    rec_model_free(m);
    free(f);
}

/* Shrinkage: one co-rating counts for less than twenty identical ones. */
static void test_shrinkage(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    struct rec_weights w;
    struct rec_model *m;
    double one, twenty;
    (void)state;
    fx_init(f);
    rate(f, 1, 1, 5);
    rate(f, 1, 2, 5); /* 1 and 2: one user, both 5 stars: cosine 1 */
    for (int64_t u = 10; u < 30; u++) {
        rate(f, u, 3, 4);
        rate(f, u, 4, 4); /* 3 and 4: twenty users, identical: cosine 1 */
    }
    rec_weights_default(&w);
    w.sim_beta = 0.5;
    /* the walk: sim(i -> j) = sum of 1 / deg(user) / (deg(i) * deg(j)^0.5) */
    m = build(f, &w);
    assert_true(fabs(rec_model_similarity(m, 1, 2) - 0.5) < 1e-6);
    assert_true(fabs(rec_model_similarity(m, 3, 4) - 10.0 / (20.0 * sqrt(20.0))) < 1e-6);
    rec_model_free(m);
    w.sim_alpha = 0.5; /* the cosine */
    w.sim_beta = 0.5;
    w.user_decay = 0;
    w.shrinkage = 0;
    m = build(f, &w);
    assert_true(fabs(rec_model_similarity(m, 1, 2) - 1.0) < 1e-6);
    assert_true(fabs(rec_model_similarity(m, 3, 4) - 1.0) < 1e-6);
    rec_model_free(m);
    w.shrinkage = 5;
    m = build(f, &w);
    one = rec_model_similarity(m, 1, 2);
    twenty = rec_model_similarity(m, 3, 4);
    assert_true(fabs(one - 1.0 / 6.0) < 1e-6);
    assert_true(fabs(twenty - 20.0 / 25.0) < 1e-6);
    assert_true(one < twenty);
    assert_true(fabs(rec_model_similarity(m, 2, 1) - one) < 1e-6);
    assert_true(rec_model_similarity(m, 1, 3) == 0);
    rec_model_free(m);
    free(f);
}

/* "More like this": the item liked by the same people comes first. */
static void test_similar(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    struct rec_result r[8];
    struct rec_model *m;
    size_t n = 0;
    (void)state;
    fx_init(f);
    item(f, 1, "A", "low", "Mexican");
    item(f, 2, "B", "high", "Thai");   /* co-liked with 1, nothing else in common */
    item(f, 3, "A", "low", "Mexican"); /* same city and cuisine as 1, other people */
    item(f, 4, "B", "high", "Thai");
    for (int64_t u = 1; u <= 5; u++) {
        rate(f, u, 1, 5);
        rate(f, u, 2, 5);
    }
    for (int64_t u = 6; u <= 15; u++) {
        rate(f, u, 3, 5);
        rate(f, u, 4, 5);
    }
    m = build(f, NULL);
    assert_int_equal(rec_similar(m, 1, 8, r, &n), FC_OK);
    assert_int_equal(n, 2); /* 4 shares nothing with 1: not similar at all */
    assert_int_equal(r[0].item, 2);
    assert_int_equal(r[0].reason, REC_WHY_BECAUSE);
    assert_int_equal(r[0].because_item, 1);
    assert_int_equal(r[1].item, 3); /* then the same city and cuisine */
    assert_int_equal(r[1].reason, REC_WHY_CUISINE);
    assert_string_equal(r[1].cuisine, "Mexican");
    assert_int_equal(position(r, n, 1), -1);
    assert_int_equal(rec_similar(m, 42, 8, r, &n), FC_NOTFOUND);
    assert_int_equal(n, 0);
    rec_model_free(m);
    free(f);
}

/* Saves and views count, less than ratings: popularity order rating > save > view. */
static void test_events_weigh_less(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    struct rec_result r[4];
    struct rec_model *m;
    (void)state;
    fx_init(f);
    for (int64_t u = 1; u <= 3; u++) {
        event(f, u, 1, REC_EV_VIEW);
        event(f, u, 2, REC_EV_SAVE);
        rate(f, u, 3, 5);
    }
    event(f, 4, 4, 99); /* unknown type: ignored */
    m = build(f, NULL);
    assert_int_equal(recommend(m, 100, 4, r), 4);
    assert_int_equal(r[0].item, 3);
    assert_int_equal(r[1].item, 2);
    assert_int_equal(r[2].item, 1);
    assert_int_equal(r[3].item, 4);
    {
        struct rec_model_info info;
        rec_model_info(m, &info);
        assert_int_equal(info.n_skipped, 1);
        assert_int_equal(info.n_interactions, 9);
    }
    rec_model_free(m);
    free(f);
}

/* The newest rating of a pair counts; invalid stars are skipped; empty data works. */
static void test_edge_cases(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    struct rec_result r[4];
    struct rec_model *m = NULL;
    struct rec_weights w;
    struct rec_dataset empty = {0};
    size_t n = 7;
    (void)state;
    fx_init(f);
    rate(f, 1, 1, 5);
    f->ratings[f->d.n_ratings++] = (struct rec_rating){1, 1, 1, -5}; /* older */
    rate(f, 2, 2, 9);                                                /* invalid */
    m = build(f, NULL);
    {
        struct rec_model_info info;
        rec_model_info(m, &info);
        assert_int_equal(info.n_skipped, 1);
        assert_int_equal(info.n_interactions, 1);
        assert_int_equal(info.n_items, 2);
    }
    assert_int_equal(recommend(m, 1, 4, r), 1); /* 1 was reviewed: only 2 is left */
    assert_int_equal(r[0].item, 2);
    assert_int_equal(recommend(m, 1, 0, r), 0);
    rec_model_free(m);

    assert_int_equal(rec_model_build(&empty, NULL, &m), FC_OK);
    assert_int_equal(rec_recommend(m, 1, 4, r, &n), FC_OK);
    assert_int_equal(n, 0);
    rec_model_free(m);

    rec_weights_default(&w);
    w.cf = -1;
    assert_int_equal(rec_model_build(&f->d, &w, &m), FC_EINVAL);
    assert_null(m);
    free(f);
}

static void test_weights_keys(void **state)
{
    struct rec_weights w;
    double v = 0;
    const char *k;
    size_t i;
    (void)state;
    rec_weights_default(&w);
    assert_int_equal(rec_weights_set(&w, "Weight.CF", 2.5), FC_OK);
    assert_true(w.cf == 2.5);
    assert_int_equal(rec_weights_set(&w, "weight.social", 0), FC_OK);
    assert_true(w.social == 0);
    assert_int_equal(rec_weights_set(&w, "Neighbors", 7), FC_OK);
    assert_int_equal(w.neighbors, 7);
    assert_int_equal(rec_weights_set(&w, "Weight.Nope", 1), FC_EINVAL);
    assert_int_equal(rec_weights_set(&w, "Shrinkage", -1), FC_EINVAL);
    for (i = 0; (k = rec_weights_key(i)); i++)
        assert_int_equal(rec_weights_get(&w, k, &v), FC_OK);
    assert_true(i >= 12);
    assert_int_equal(rec_weights_get(&w, "Weight.CF", &v), FC_OK);
    assert_true(v == 2.5);
    assert_string_equal(rec_why_name(REC_WHY_FRIENDS), "friends");
    assert_string_equal(rec_why_name(REC_WHY_POPULAR_CITY), "popular-city");
}

/* Demo friendships: at least min_common items rated in common. */
static void test_demo_friends(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    struct rec_edge *e = NULL;
    size_t n = 0;
    (void)state;
    fx_init(f);
    for (int64_t i = 1; i <= 3; i++) {
        rate(f, 30, i, 5); /* 30 and 10 share 1, 2, 3 */
        rate(f, 10, i, 1);
    }
    rate(f, 10, 3, 2); /* a duplicate does not count twice */
    rate(f, 20, 1, 3); /* 20 shares 1 and 2 with both */
    rate(f, 20, 2, 3);
    assert_int_equal(rec_demo_friends(&f->d, 3, &e, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].a, 10);
    assert_int_equal(e[0].b, 30);
    free(e);
    assert_int_equal(rec_demo_friends(&f->d, 2, &e, &n), FC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(e[0].a, 10);
    assert_int_equal(e[0].b, 20);
    assert_int_equal(e[1].a, 10);
    assert_int_equal(e[1].b, 30);
    assert_int_equal(e[2].a, 20);
    assert_int_equal(e[2].b, 30);
    free(e);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_friend_outranks_stranger),
        cmocka_unit_test(test_friend_details),
        cmocka_unit_test(test_reviewed_excluded),
        cmocka_unit_test(test_cold_start_city),
        cmocka_unit_test(test_cold_start_cuisine),
        cmocka_unit_test(test_because),
        cmocka_unit_test(test_because_liked_only),
        cmocka_unit_test(test_blocked_no_influence),
        cmocka_unit_test(test_shrinkage),
        cmocka_unit_test(test_similar),
        cmocka_unit_test(test_events_weigh_less),
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_weights_keys),
        cmocka_unit_test(test_demo_friends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
