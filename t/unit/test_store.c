/* Store contract suite: every operation of the store interface, through the interface only,
 * so it runs against any backend (FORKCAST_STORE_BACKEND picks it; SQLite by default). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/testutil.h"
#include "core/util.h"
#include "store/rules.h"
#include "store/store.h"

static char dir[64];
static HDF *cfg;
static struct fc_store *S;
static int64_t ana, bob, cy, r1, r2, r3;

static int64_t mkuser(const char *name)
{
    struct fc_user u = {0};
    memset(&u, 0, sizeof u);
    snprintf(u.username, sizeof u.username, "%s", name);
    snprintf(u.email, sizeof u.email, "%s@example.com", name);
    snprintf(u.display_name, sizeof u.display_name, "%s D", name);
    snprintf(u.pw_hash, sizeof u.pw_hash, "x");
    snprintf(u.ext_id, sizeof u.ext_id, "%s-ext", name);
    snprintf(u.visibility, sizeof u.visibility, "public");
    assert_int_equal(S->ops->user_create(S, &u), FC_OK);
    assert_true(u.id > 0);
    return u.id;
}

static int64_t mkrest(const char *ext, const char *name, const char *city, const char *cuisines)
{
    struct fc_restaurant r;
    memset(&r, 0, sizeof r);
    snprintf(r.ext_id, sizeof r.ext_id, "%s", ext);
    snprintf(r.price, sizeof r.price, "low");
    r.name = (char *)name; /* borrowed: r is not cleared; address, hours, url NULL store "" */
    r.city = (char *)city;
    r.cuisines = (char *)cuisines;
    assert_int_equal(S->ops->rest_upsert(S, &r), FC_OK);
    return r.id;
}

static void put_review(int64_t user, int64_t rest, int stars, int64_t at)
{
    struct fc_review r;
    char body[32];
    memset(&r, 0, sizeof r);
    r.user_id = user;
    r.restaurant_id = rest;
    r.stars = stars;
    r.created_at = r.updated_at = at;
    snprintf(body, sizeof body, "review %d", stars);
    r.body = body; /* borrowed: r is not cleared */
    assert_int_equal(S->ops->review_put(S, &r, 1), FC_OK);
}

static int setup(void **state)
{
    (void)state;
    cfg = testutil_config(dir);
    if (!cfg || fc_store_open(cfg, &S))
        return -1;
    ana = mkuser("ana");
    bob = mkuser("bob");
    cy = mkuser("cy");
    r1 = mkrest("t:1", "Taqueria Uno", "Cuernavaca", "Mexican");
    r2 = mkrest("t:2", "Sushi Dos", "Cuernavaca", "Japanese,Seafood");
    r3 = mkrest("t:3", "Cafe 50% Tres", "San Luis Potosi", "Cafeteria");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fc_store_close(S);
    hdf_destroy(&cfg);
    testutil_cleanup(dir);
    return 0;
}

/* store_health fills typed figures (no HDF below the pages) within the room it is given. */
static void test_store_health_figures(void **state)
{
    struct fc_store_check *v = calloc(FC_STORE_MAX_CHECKS, sizeof *v), one[1];
    int n = -1;
    (void)state;
    assert_non_null(v);
    if (!S->ops->store_health) {
        free(v);
        skip();
    }
    assert_int_equal(S->ops->store_health(S, v, FC_STORE_MAX_CHECKS, &n), FC_OK);
    assert_true(n >= 2 && n <= FC_STORE_MAX_CHECKS);
    assert_string_equal(v[0].name, "Backend");
    assert_true(v[0].ok);
    for (int i = 0; i < n; i++)
        assert_true(v[i].name[0] && v[i].value[0]);
    free(v);
    assert_int_equal(S->ops->store_health(S, one, 0, &n), FC_ERR);
    assert_int_equal(n, 0);
}

static void test_users(void **state)
{
    (void)state;
    struct fc_user u = {0};
    assert_int_equal(S->ops->user_by_name(S, "ANA", &u), FC_OK); /* case-insensitive */
    assert_int_equal(u.id, ana);
    assert_string_equal(u.email, "ana@example.com");
    fc_user_clear(&u);
    memset(&u, 0, sizeof u);
    snprintf(u.username, sizeof u.username, "Ana");
    snprintf(u.email, sizeof u.email, "other@example.com");
    assert_int_equal(S->ops->user_create(S, &u), FC_EXISTS);
    snprintf(u.username, sizeof u.username, "ana-2");
    snprintf(u.email, sizeof u.email, "ANA@example.com");
    assert_int_equal(S->ops->user_create(S, &u), FC_EXISTS);
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_get(S, 999999, &u), FC_NOTFOUND);
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_get(S, ana, &u), FC_OK);
    assert_int_equal(fc_user_set_bio(&u, "hola"), FC_OK);
    assert_int_equal(fc_user_set_cuisines(&u, "Mexican,Japanese"), FC_OK);
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
    assert_int_equal(S->ops->user_set_flags(S, ana, 1, 0), FC_OK);
    assert_int_equal(S->ops->user_set_password(S, ana, "newhash"), FC_OK);
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_get(S, ana, &u), FC_OK);
    assert_string_equal(u.bio, "hola");
    assert_string_equal(u.cuisines, "Mexican,Japanese");
    assert_string_equal(u.pw_hash, "newhash");
    assert_int_equal(u.is_admin, 1);

    /* by e-mail (case-insensitive), and linking an outside identity once */
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_by_email(S, "BOB@example.com", &u), FC_OK);
    assert_int_equal(u.id, bob);
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_by_email(S, "nobody@example.com", &u), FC_NOTFOUND);
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_by_ext(S, "cognito:sub-1", &u), FC_NOTFOUND);
    assert_int_equal(S->ops->user_link_auth(S, bob, "cognito:sub-1"), FC_OK);
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_by_ext(S, "cognito:sub-1", &u), FC_OK);
    assert_int_equal(u.id, bob);
    assert_string_equal(u.auth_id, "cognito:sub-1");
    assert_string_equal(u.ext_id, "bob-ext");
    assert_int_equal(S->ops->user_link_auth(S, bob, "cognito:sub-2"), FC_EXISTS);
    assert_int_equal(S->ops->user_link_auth(S, cy, "cognito:sub-1"), FC_EXISTS);
    assert_int_equal(S->ops->user_link_auth(S, cy, "bob-ext"), FC_EXISTS);
    assert_int_equal(S->ops->user_link_auth(S, 999999, "cognito:sub-3"), FC_EXISTS);
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_by_ext(S, "bob-ext", &u), FC_OK); /* still found by ext_id */
    assert_int_equal(u.id, bob);
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_get(S, cy, &u), FC_OK);
    assert_string_equal(u.auth_id, "");
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_by_ext(S, "cognito:sub-2", &u), FC_NOTFOUND);
}

static void test_sessions_and_failures(void **state)
{
    (void)state;
    int64_t uid, created, seen;
    int n;
    assert_int_equal(S->ops->session_create(S, "h1", bob, 100), FC_OK);
    assert_int_equal(S->ops->session_get(S, "h1", &uid, &created, &seen), FC_OK);
    assert_int_equal(uid, bob);
    assert_int_equal(created, 100);
    assert_int_equal(S->ops->session_touch(S, "h1", 200), FC_OK);
    assert_int_equal(S->ops->session_get(S, "h1", &uid, &created, &seen), FC_OK);
    assert_int_equal(seen, 200);
    /* the session with its user, as the cookie names them: only the session's own user */
    struct fc_user su;
    assert_int_equal(S->ops->session_user_get(S, "h1", bob, &created, &seen, &su), FC_OK);
    assert_int_equal(su.id, bob);
    assert_string_equal(su.username, "bob");
    assert_int_equal(created, 100);
    assert_int_equal(seen, 200);
    fc_user_clear(&su);
    assert_int_equal(S->ops->session_user_get(S, "h1", cy, &created, &seen, &su), FC_NOTFOUND);
    assert_int_equal(su.id, 0);
    assert_int_equal(S->ops->session_user_get(S, "h1", 999999, &created, &seen, &su), FC_NOTFOUND);
    assert_int_equal(S->ops->session_user_get(S, "nope", bob, &created, &seen, &su), FC_NOTFOUND);
    assert_int_equal(S->ops->session_delete(S, "h1"), FC_OK);
    assert_int_equal(S->ops->session_get(S, "h1", &uid, &created, &seen), FC_NOTFOUND);
    assert_int_equal(S->ops->session_user_get(S, "h1", bob, &created, &seen, &su), FC_NOTFOUND);
    /* every session of a user at once (a password change, a disabled account): web sessions
     * and API tokens alike are session rows; another user's stay */
    assert_int_equal(S->ops->session_create(S, "web-bob", bob, 100), FC_OK);
    assert_int_equal(S->ops->session_create(S, "api-bob", bob, 110), FC_OK);
    assert_int_equal(S->ops->session_create(S, "web-cy", cy, 120), FC_OK);
    assert_int_equal(S->ops->session_delete_user(S, bob), FC_OK);
    assert_int_equal(S->ops->session_get(S, "web-bob", &uid, &created, &seen), FC_NOTFOUND);
    assert_int_equal(S->ops->session_get(S, "api-bob", &uid, &created, &seen), FC_NOTFOUND);
    assert_int_equal(S->ops->session_get(S, "web-cy", &uid, &created, &seen), FC_OK);
    assert_int_equal(uid, cy);
    assert_int_equal(S->ops->session_delete_user(S, bob), FC_OK); /* none left: still fine */
    assert_int_equal(S->ops->session_create(S, "web-bob-2", bob, 130), FC_OK); /* a new one */
    assert_int_equal(S->ops->session_get(S, "web-bob-2", &uid, &created, &seen), FC_OK);
    assert_int_equal(S->ops->session_delete(S, "web-bob-2"), FC_OK);
    assert_int_equal(S->ops->session_delete(S, "web-cy"), FC_OK);
    int64_t now = fc_now();
    assert_int_equal(S->ops->fail_record(S, "user:x", now - 1000), FC_OK);
    assert_int_equal(S->ops->fail_record(S, "user:x", now), FC_OK);
    assert_int_equal(S->ops->fail_record(S, "user:y", now), FC_OK);
    assert_int_equal(S->ops->fail_count(S, "user:x", now - 100, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(S->ops->fail_count(S, "user:x", now - 2000, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(S->ops->fail_clear(S, "user:x"), FC_OK);
    assert_int_equal(S->ops->fail_count(S, "user:x", 0, &n), FC_OK);
    assert_int_equal(n, 0);
}

static void test_restaurants(void **state)
{
    (void)state;
    struct fc_restaurant *rows = NULL, r;
    struct fc_rest_query q = {.text = "", .cuisine = "", .price = "", .city = "", .limit = 10};
    int n, total;
    struct fc_strlist facets = {0};
    assert_int_equal(S->ops->rest_search(S, &q, &rows, &n, &total), FC_OK);
    assert_int_equal(total, 3);
    assert_string_equal(rows[0].name, "Cafe 50% Tres"); /* by name */
    assert_string_equal(rows[0].hours, "");             /* written NULL: "" */
    fc_restaurants_free(rows, n);
    q.text = "50%";
    assert_int_equal(S->ops->rest_search(S, &q, &rows, &n, &total), FC_OK);
    assert_int_equal(total, 1); /* % is literal */
    fc_restaurants_free(rows, n);
    q.text = "";
    q.cuisine = "Seafood";
    q.city = "Cuernavaca";
    assert_int_equal(S->ops->rest_search(S, &q, &rows, &n, &total), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, r2);
    fc_restaurants_free(rows, n);
    q.cuisine = "";
    q.city = "";
    q.limit = 2;
    q.offset = 2;
    assert_int_equal(S->ops->rest_search(S, &q, &rows, &n, &total), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 3);
    fc_restaurants_free(rows, n);
    /* upsert by ext id changes in place */
    assert_int_equal(mkrest("t:2", "Sushi Dos", "Cuernavaca", "Japanese"), r2);
    assert_int_equal(S->ops->rest_get(S, r2, &r), FC_OK);
    assert_string_equal(r.cuisines, "Japanese");
    fc_restaurant_clear(&r);
    assert_int_equal(S->ops->rest_get(S, 424242, &r), FC_NOTFOUND);
    assert_null(r.name); /* nothing to free */
    assert_int_equal(S->ops->rest_facets(S, &facets, NULL), FC_OK);
    assert_int_equal(facets.n, 3);
    assert_string_equal(facets.v[0], "Cafeteria");
    /* a search asked for the choices gives the same ones (on DynamoDB from its own read) */
    struct fc_strlist sc = {0}, scities = {0}, cities = {0};
    assert_int_equal(S->ops->rest_facets(S, NULL, &cities), FC_OK);
    q.facet_cuisines = &sc;
    q.facet_cities = &scities;
    q.offset = 0;
    assert_int_equal(S->ops->rest_search(S, &q, &rows, &n, &total), FC_OK);
    fc_restaurants_free(rows, n);
    assert_int_equal(sc.n, facets.n);
    for (size_t i = 0; i < sc.n; i++)
        assert_string_equal(sc.v[i], facets.v[i]);
    assert_true(cities.n >= 1);
    assert_int_equal(scities.n, cities.n);
    for (size_t i = 0; i < cities.n; i++)
        assert_string_equal(scities.v[i], cities.v[i]);
    fc_strlist_free(&facets);
    fc_strlist_free(&cities);
    fc_strlist_free(&sc);
    fc_strlist_free(&scities);
}

static void test_reviews_and_privacy(void **state)
{
    (void)state;
    struct fc_review rv;
    struct fc_review_row rows[10];
    struct fc_restaurant r;
    struct fc_user u = {0};
    int n, count;
    double avg;
    put_review(bob, r1, 5, 1000);
    put_review(cy, r1, 2, 2000);
    assert_int_equal(S->ops->rest_get(S, r1, &r), FC_OK);
    fc_restaurant_clear(&r);
    assert_int_equal(r.review_count, 2);
    assert_true(r.avg_stars > 3.4 && r.avg_stars < 3.6);
    /* one review per user and restaurant */
    memset(&rv, 0, sizeof rv);
    rv.user_id = bob;
    rv.restaurant_id = r1;
    rv.stars = 4;
    rv.created_at = 5;
    assert_int_equal(S->ops->review_put(S, &rv, 0), FC_EXISTS);
    assert_int_equal(S->ops->review_get_by(S, bob, r1, &rv), FC_OK);
    fc_review_clear(&rv);
    assert_int_equal(rv.stars, 5);
    assert_int_equal(S->ops->review_get(S, rv.id, &rv), FC_OK);
    fc_review_clear(&rv);
    assert_int_equal(S->ops->review_count_user(S, bob, &count), FC_OK);
    assert_int_equal(count, 1);
    /* friends first */
    assert_int_equal(fc_store_relate_rc(S, ana, bob, FC_ACT_BEFRIEND, 10), FC_OK);
    assert_int_equal(S->ops->reviews_of_restaurant(S, r1, ana, rows, 10, &n), FC_OK);
    fc_review_rows_clear(rows, n);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].r.user_id, bob);
    assert_int_equal(rows[0].by_friend, 1);
    assert_int_equal(S->ops->friends_rating(S, ana, r1, &count, &avg), FC_OK);
    assert_int_equal(count, 1);
    assert_true(avg > 4.9);
    /* the restaurant page's reads in one operation: the same answers */
    {
        int saved = -1;
        memset(&r, 0, sizeof r);
        assert_int_equal(S->ops->rest_view_get(S, r1, ana, &r, &saved, &rv, &count, &avg), FC_OK);
        assert_int_equal(r.id, r1);
        assert_string_equal(r.name, "Taqueria Uno");
        assert_int_equal(r.review_count, 2);
        fc_restaurant_clear(&r);
        assert_int_equal(saved, 0);
        assert_int_equal(rv.id, 0); /* ana wrote none */
        assert_int_equal(count, 1);
        assert_true(avg > 4.9);
        assert_int_equal(S->ops->save_put(S, bob, r1, 30), FC_OK);
        assert_int_equal(S->ops->rest_view_get(S, r1, bob, &r, &saved, &rv, &count, &avg), FC_OK);
        fc_restaurant_clear(&r);
        assert_int_equal(saved, 1);
        assert_true(rv.id > 0);
        assert_int_equal(rv.stars, 5);
        assert_string_equal(rv.body, "review 5");
        fc_review_clear(&rv);
        assert_int_equal(count, 0); /* bob's friend ana wrote none */
        assert_int_equal(S->ops->save_delete(S, bob, r1), FC_OK);
        assert_int_equal(S->ops->rest_view_get(S, r1, 0, &r, &saved, &rv, &count, &avg), FC_OK);
        assert_int_equal(r.id, r1);
        fc_restaurant_clear(&r);
        assert_int_equal(saved + count + (int)rv.id, 0);
        assert_int_equal(S->ops->rest_view_get(S, 999999, ana, &r, &saved, &rv, &count, &avg),
                         FC_NOTFOUND);
    }
    /* the whole restaurant page in one operation: the same answers as the three reads */
    {
        struct fc_rest_page pg;
        int stars[5];
        assert_int_equal(S->ops->save_put(S, ana, r1, 31), FC_OK);
        assert_int_equal(S->ops->rest_page_get(S, r1, ana, 0, &pg, rows, 10, &n), FC_OK);
        assert_int_equal(pg.rest.id, r1);
        assert_string_equal(pg.rest.name, "Taqueria Uno");
        assert_int_equal(pg.saved, 1);
        assert_int_equal(pg.mine.id, 0);
        assert_int_equal(pg.friends_count, 1);
        assert_true(pg.friends_avg > 4.9);
        assert_int_equal(n, 2); /* friends first */
        assert_int_equal(rows[0].r.user_id, bob);
        assert_int_equal(rows[0].by_friend, 1);
        assert_string_equal(rows[0].rest_name, "Taqueria Uno");
        assert_int_equal(rows[1].r.user_id, cy);
        fc_review_rows_clear(rows, n);
        fc_rest_page_clear(&pg);
        assert_int_equal(S->ops->rest_star_counts(S, r1, stars), FC_OK);
        assert_memory_equal(pg.stars, stars, sizeof stars);
        assert_int_equal(pg.stars[4] + pg.stars[1], 2);
        /* no rows asked: the rest all the same */
        assert_int_equal(S->ops->rest_page_get(S, r1, ana, 0, &pg, rows, 0, &n), FC_OK);
        assert_int_equal(n, 0);
        assert_int_equal(pg.saved, 1);
        assert_int_equal(pg.friends_count, 1);
        assert_true(pg.friends_avg > 4.9);
        assert_memory_equal(pg.stars, stars, sizeof stars);
        fc_rest_page_clear(&pg);
        /* from an offset; the author's own review in it */
        assert_int_equal(S->ops->rest_page_get(S, r1, bob, 1, &pg, rows, 10, &n), FC_OK);
        assert_true(pg.mine.id > 0);
        assert_int_equal(pg.mine.stars, 5);
        assert_int_equal(pg.saved, 0);
        assert_int_equal(n, 1);
        fc_review_rows_clear(rows, n);
        assert_memory_equal(pg.stars, stars, sizeof stars);
        fc_rest_page_clear(&pg);
        /* a visitor; past the end; no such restaurant */
        assert_int_equal(S->ops->rest_page_get(S, r1, 0, 0, &pg, rows, 1, &n), FC_OK);
        assert_int_equal(pg.rest.id, r1);
        assert_int_equal(pg.saved + pg.friends_count + (int)pg.mine.id, 0);
        assert_int_equal(n, 1);
        fc_review_rows_clear(rows, n);
        assert_memory_equal(pg.stars, stars, sizeof stars);
        fc_rest_page_clear(&pg);
        assert_int_equal(S->ops->rest_page_get(S, r1, 0, 5, &pg, rows, 10, &n), FC_OK);
        assert_int_equal(n, 0);
        fc_rest_page_clear(&pg);
        assert_int_equal(S->ops->rest_page_get(S, 999999, ana, 0, &pg, rows, 10, &n), FC_NOTFOUND);
        assert_int_equal(S->ops->rest_page_get(S, 999999, 0, 0, &pg, rows, 10, &n), FC_NOTFOUND);
        assert_int_equal(S->ops->save_delete(S, ana, r1), FC_OK);
    }
    /* friends-only: cy can't see bob's review, ana (friend) can, bob himself can */
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_get(S, bob, &u), FC_OK);
    snprintf(u.visibility, sizeof u.visibility, "friends");
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
    assert_int_equal(S->ops->reviews_of_restaurant(S, r1, cy, rows, 10, &n), FC_OK);
    fc_review_rows_clear(rows, n);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].r.user_id, cy);
    assert_int_equal(S->ops->reviews_of_restaurant(S, r1, 0, rows, 10, &n), FC_OK);
    fc_review_rows_clear(rows, n);
    assert_int_equal(n, 1);
    assert_int_equal(S->ops->reviews_by_user(S, bob, ana, rows, 10, &n), FC_OK);
    fc_review_rows_clear(rows, n);
    assert_int_equal(n, 1);
    assert_int_equal(S->ops->reviews_by_user(S, bob, bob, rows, 10, &n), FC_OK);
    fc_review_rows_clear(rows, n);
    assert_int_equal(n, 1);
    assert_int_equal(S->ops->reviews_by_user(S, bob, cy, rows, 10, &n), FC_OK);
    fc_review_rows_clear(rows, n);
    assert_int_equal(n, 0);
    /* the profile page's reviews with their count, the author and the rule checked by the
       caller: the rows reviews_by_user gives, and review_count_user's count */
    {
        int total = -1;
        assert_int_equal(S->ops->reviews_by_user_seen(S, &u, ana, 1, rows, 10, &n, &total), FC_OK);
        assert_int_equal(n, 1);
        assert_int_equal(total, 1);
        assert_int_equal(rows[0].r.user_id, bob);
        assert_int_equal(rows[0].r.stars, 5);
        assert_string_equal(rows[0].username, u.username);
        assert_string_equal(rows[0].rest_name, "Taqueria Uno");
        assert_int_equal(rows[0].by_friend, 1);
        fc_review_rows_clear(rows, n);
        assert_int_equal(S->ops->reviews_by_user_seen(S, &u, bob, 0, rows, 10, &n, &total), FC_OK);
        assert_int_equal(n, 1);
        assert_int_equal(total, 1);
        assert_int_equal(rows[0].by_friend, 0);
        fc_review_rows_clear(rows, n);
        /* fewer rows asked than there are: the count is still all of them */
        put_review(bob, r2, 2, 1500);
        assert_int_equal(S->ops->reviews_by_user_seen(S, &u, bob, 0, rows, 1, &n, &total), FC_OK);
        assert_int_equal(n, 1);
        assert_int_equal(total, 2);
        assert_int_equal(rows[0].r.restaurant_id, r2); /* the newest */
        fc_review_rows_clear(rows, n);
        assert_int_equal(S->ops->reviews_by_user_seen(S, &u, bob, 0, rows, 10, &n, &total), FC_OK);
        assert_int_equal(n, 2);
        assert_int_equal(total, 2);
        fc_review_rows_clear(rows, n);
        assert_int_equal(S->ops->review_get_by(S, bob, r2, &rv), FC_OK);
        fc_review_clear(&rv);
        assert_int_equal(S->ops->review_delete(S, rv.id), FC_OK);
    }
    snprintf(u.visibility, sizeof u.visibility, "public");
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
    fc_user_clear(&u);
    /* blocks hide both ways */
    assert_int_equal(fc_store_relate_rc(S, cy, bob, FC_ACT_BLOCK, 20), FC_OK);
    assert_int_equal(S->ops->reviews_of_restaurant(S, r1, bob, rows, 10, &n), FC_OK);
    fc_review_rows_clear(rows, n);
    assert_int_equal(n, 1);
    assert_int_equal(S->ops->reviews_of_restaurant(S, r1, cy, rows, 10, &n), FC_OK);
    fc_review_rows_clear(rows, n);
    assert_int_equal(n, 1);
    assert_int_equal(fc_store_relate_rc(S, cy, bob, FC_ACT_UNBLOCK, 0), FC_OK);
    /* delete */
    assert_int_equal(S->ops->review_get_by(S, cy, r1, &rv), FC_OK);
    fc_review_clear(&rv);
    assert_int_equal(S->ops->review_delete(S, rv.id), FC_OK);
    assert_int_equal(S->ops->review_get(S, rv.id, &rv), FC_NOTFOUND);
}

static void test_friends(void **state)
{
    (void)state;
    struct fc_person p[10];
    int rel, n, m;
    int64_t dee = mkuser("dee"), eli = mkuser("eli");
    assert_int_equal(fc_store_relate_rc(S, dee, eli, FC_ACT_REQUEST, 1), FC_OK);
    assert_int_equal(fc_store_relate_rc(S, dee, eli, FC_ACT_REQUEST, 1), FC_EXISTS);
    assert_int_equal(S->ops->relation(S, dee, eli, &rel), FC_OK);
    assert_int_equal(rel, FC_REL_REQ_OUT);
    assert_int_equal(S->ops->relation(S, eli, dee, &rel), FC_OK);
    assert_int_equal(rel, FC_REL_REQ_IN);
    assert_int_equal(S->ops->people(S, FC_LIST_REQ_IN, eli, p, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].id, dee);
    assert_int_equal(fc_store_relate_rc(S, dee, eli, FC_ACT_CANCEL, 0), FC_OK); /* cancel */
    assert_int_equal(fc_store_relate_rc(S, dee, eli, FC_ACT_CANCEL, 0), FC_NOTFOUND);
    assert_int_equal(fc_store_relate_rc(S, eli, dee, FC_ACT_ACCEPT, 2), FC_NOTFOUND);
    assert_int_equal(fc_store_relate_rc(S, dee, eli, FC_ACT_REQUEST, 3), FC_OK);
    assert_int_equal(fc_store_relate_rc(S, eli, dee, FC_ACT_ACCEPT, 4), FC_OK);
    assert_int_equal(S->ops->relation(S, dee, eli, &rel), FC_OK);
    assert_int_equal(rel, FC_REL_FRIEND);
    /* crossing requests become a friendship */
    assert_int_equal(fc_store_relate_rc(S, dee, ana, FC_ACT_REQUEST, 5), FC_OK);
    assert_int_equal(fc_store_relate_rc(S, ana, dee, FC_ACT_REQUEST, 6), FC_OK);
    assert_int_equal(S->ops->relation(S, ana, dee, &rel), FC_OK);
    assert_int_equal(rel, FC_REL_FRIEND);
    /* mutual friends and suggestions: ana-bob, ana-dee, dee-eli => eli suggested to ana */
    assert_int_equal(S->ops->mutual_count(S, ana, eli, &m), FC_OK);
    assert_int_equal(m, 1);
    assert_int_equal(S->ops->people(S, FC_LIST_SUGGEST, ana, p, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].id, eli);
    assert_int_equal(p[0].mutual, 1);
    assert_int_equal(S->ops->people(S, FC_LIST_FRIENDS, ana, p, 10, &n), FC_OK);
    assert_int_equal(n, 2);
    /* search, minus those who blocked the viewer */
    assert_int_equal(S->ops->people_search(S, "el", ana, p, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(fc_store_relate_rc(S, eli, ana, FC_ACT_BLOCK, 7), FC_OK);
    assert_int_equal(S->ops->people_search(S, "el", ana, p, 10, &n), FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(fc_store_relate_rc(S, ana, eli, FC_ACT_REQUEST, 8), FC_EINVAL);
    assert_int_equal(S->ops->people(S, FC_LIST_BLOCKED, eli, p, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    /* block ends the friendship */
    assert_int_equal(fc_store_relate_rc(S, dee, eli, FC_ACT_BLOCK, 9), FC_OK);
    assert_int_equal(S->ops->relation(S, dee, eli, &rel), FC_OK);
    assert_int_equal(rel, FC_REL_BLOCKED);
    assert_int_equal(fc_store_relate_rc(S, ana, dee, FC_ACT_REMOVE, 0), FC_OK);
    assert_int_equal(fc_store_relate_rc(S, ana, dee, FC_ACT_REMOVE, 0), FC_NOTFOUND);
    assert_int_equal(fc_store_relate_rc(S, ana, ana, FC_ACT_REQUEST, 1), FC_EINVAL);
}

/* relation_set is plain data: it writes what the bits say, on condition that the relation is
 * still what the caller read. */
static void test_relation_set(void **state)
{
    (void)state;
    int rel;
    int64_t sal = mkuser("sal"), tim = mkuser("tim");
    /* not what is stored: refused, nothing written */
    assert_int_equal(S->ops->relation_set(S, sal, tim, FC_REL_REQ_IN, FC_REL_FRIEND, 1), FC_EXISTS);
    assert_int_equal(S->ops->relation(S, sal, tim, &rel), FC_OK);
    assert_int_equal(rel, 0);
    assert_int_equal(S->ops->relation_set(S, sal, tim, 0, FC_REL_REQ_IN, 1), FC_OK);
    assert_int_equal(S->ops->relation(S, tim, sal, &rel), FC_OK);
    assert_int_equal(rel, FC_REL_REQ_OUT); /* the same rows seen from the other side */
    /* a request becoming a friendship leaves no request behind */
    assert_int_equal(S->ops->relation_set(S, sal, tim, FC_REL_REQ_IN, FC_REL_FRIEND, 2), FC_OK);
    assert_int_equal(S->ops->relation(S, tim, sal, &rel), FC_OK);
    assert_int_equal(rel, FC_REL_FRIEND);
    /* both blocks at once, the friendship gone */
    assert_int_equal(
        S->ops->relation_set(S, tim, sal, FC_REL_FRIEND, FC_REL_BLOCKED | FC_REL_BLOCKED_BY, 3),
        FC_OK);
    assert_int_equal(S->ops->relation(S, sal, tim, &rel), FC_OK);
    assert_int_equal(rel, FC_REL_BLOCKED | FC_REL_BLOCKED_BY);
    assert_int_equal(S->ops->relation_set(S, sal, sal, 0, FC_REL_FRIEND, 4), FC_EINVAL);
}

static void test_saves_events_feed(void **state)
{
    (void)state;
    struct fc_restaurant rs[5];
    struct fc_feed_item it[10];
    struct fc_friend_rec fr[5];
    struct fc_feed_cursor cur;
    int n, yes, count;
    int64_t fay = mkuser("fay"), gus = mkuser("gus");
    assert_int_equal(S->ops->save_put(S, gus, r2, 300), FC_OK);
    assert_int_equal(S->ops->save_put(S, gus, r2, 301), FC_OK); /* idempotent */
    assert_int_equal(S->ops->save_exists(S, gus, r2, &yes), FC_OK);
    assert_true(yes);
    assert_int_equal(S->ops->saves_of_user(S, gus, rs, 5, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rs[0].id, r2);
    fc_restaurant_clear(&rs[0]);
    assert_int_equal(S->ops->event_add(S, gus, r2, "save", 1, 300), FC_OK);
    assert_int_equal(S->ops->event_count(S, gus, "save", &count), FC_OK);
    assert_int_equal(count, 1);
    put_review(gus, r1, 5, 200);
    put_review(gus, r3, 4, 300); /* same time as the save: ties broken by kind, then id */
    assert_int_equal(S->ops->feed(S, fay, NULL, it, 10, &n), FC_OK);
    fc_feed_items_clear(it, n);
    assert_int_equal(n, 0); /* not friends */
    assert_int_equal(fc_store_relate_rc(S, fay, gus, FC_ACT_BEFRIEND, 1), FC_OK);
    assert_int_equal(S->ops->feed(S, fay, NULL, it, 10, &n), FC_OK);
    fc_feed_items_clear(it, n);
    assert_int_equal(n, 3);
    assert_int_equal(it[0].kind, FC_FEED_SAVE);
    assert_int_equal(it[0].at, 300);
    assert_int_equal(it[1].kind, FC_FEED_REVIEW);
    assert_int_equal(it[1].restaurant_id, r3);
    assert_int_equal(it[2].restaurant_id, r1);
    cur.at = it[0].at;
    cur.kind = it[0].kind;
    cur.id = it[0].id;
    assert_int_equal(S->ops->feed(S, fay, &cur, it, 1, &n), FC_OK);
    fc_feed_items_clear(it, n);
    assert_int_equal(n, 1);
    assert_int_equal(it[0].restaurant_id, r3);
    { /* a private want-to-go list: the feed read leaves out gus's saves, and only them */
        struct fc_user u = {0};
        fc_user_clear(&u);
        assert_int_equal(S->ops->user_get(S, gus, &u), FC_OK);
        assert_int_equal(u.saves_private, 0);
        u.saves_private = 1;
        assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
        fc_user_clear(&u);
        assert_int_equal(S->ops->user_get(S, gus, &u), FC_OK);
        assert_int_equal(u.saves_private, 1);
        assert_int_equal(S->ops->feed(S, fay, NULL, it, 10, &n), FC_OK);
        fc_feed_items_clear(it, n);
        assert_int_equal(n, 2);
        assert_int_equal(it[0].kind, FC_FEED_REVIEW);
        assert_int_equal(it[1].kind, FC_FEED_REVIEW);
        u.saves_private = 0;
        assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
        fc_user_clear(&u);
        assert_int_equal(S->ops->feed(S, fay, NULL, it, 10, &n), FC_OK);
        fc_feed_items_clear(it, n);
        assert_int_equal(n, 3); /* off: the save is back */
    }
    assert_int_equal(S->ops->friends_recommend(S, fay, 0, fr, 5, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(fr[0].who, "gus D");
    assert_int_equal(S->ops->save_delete(S, gus, r2), FC_OK);
    assert_int_equal(S->ops->save_exists(S, gus, r2, &yes), FC_OK);
    assert_false(yes);
}

/* Friends recommend over a window: only the window most recent 4-5 star friends' reviews
 * count (older ones and low ratings left out, low ratings not taking a place in it); window 0
 * is all of them. */
static void test_friends_recommend_window(void **state)
{
    (void)state;
    struct fc_friend_rec fr[5];
    int n;
    int64_t wfa = mkuser("wfa"), wjo = mkuser("wjo"), wki = mkuser("wki");
    assert_int_equal(fc_store_relate_rc(S, wfa, wjo, FC_ACT_BEFRIEND, 1), FC_OK);
    assert_int_equal(fc_store_relate_rc(S, wfa, wki, FC_ACT_BEFRIEND, 1), FC_OK);
    put_review(wjo, r1, 5, 100); /* old: outside a window of 2 */
    put_review(wki, r3, 4, 400);
    put_review(wjo, r2, 4, 500);
    put_review(wki, r2, 5, 600);
    put_review(wki, r1, 2, 700); /* the latest, but not 4-5 stars */
    assert_int_equal(S->ops->friends_recommend(S, wfa, 0, fr, 5, &n), FC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(fr[0].restaurant_id, r2);
    assert_int_equal(fr[0].friends, 2);
    assert_int_equal(fr[1].restaurant_id, r3);
    assert_int_equal(fr[2].restaurant_id, r1);
    assert_int_equal(fr[2].latest, 100);
    assert_int_equal(S->ops->friends_recommend(S, wfa, 2, fr, 5, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(fr[0].restaurant_id, r2);
    assert_int_equal(fr[0].friends, 2);
    assert_int_equal(fr[0].latest, 600);
    assert_true(fr[0].avg > 4.49 && fr[0].avg < 4.51);
    assert_string_equal(fr[0].who, "wjo D, wki D");
    assert_int_equal(S->ops->friends_recommend(S, wfa, 3, fr, 5, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(fr[1].restaurant_id, r3);
    assert_int_equal(S->ops->friends_recommend(S, wfa, 3, fr, 1, &n), FC_OK);
    assert_int_equal(n, 1); /* max still cuts the list */
}

/* Several restaurants in one call: in the order asked, repeats allowed, unknown ids marked
 * with id 0, each the same as rest_get gives. */
static void test_rest_get_many(void **state)
{
    (void)state;
    int64_t ids[4] = {r2, 999999, r1, r2};
    struct fc_restaurant out[4], one;
    memset(out, 0x55, sizeof out);
    assert_int_equal(S->ops->rest_get_many(S, ids, 4, out), FC_OK);
    assert_int_equal(out[0].id, r2);
    assert_string_equal(out[0].name, "Sushi Dos");
    assert_int_equal(out[1].id, 0);
    assert_int_equal(out[2].id, r1);
    assert_string_equal(out[2].name, "Taqueria Uno");
    assert_int_equal(out[3].id, r2);
    assert_int_equal(S->ops->rest_get(S, r1, &one), FC_OK);
    assert_string_equal(out[2].city, one.city);
    assert_string_equal(out[2].cuisines, one.cuisines);
    assert_int_equal(out[2].review_count, one.review_count);
    assert_int_equal((int)(out[2].avg_stars * 100), (int)(one.avg_stars * 100));
    assert_string_equal(out[1].name, ""); /* no restaurant: "" text, never NULL */
    for (int i = 0; i < 4; i++)
        fc_restaurant_clear(&out[i]);
    fc_restaurant_clear(&one);
    assert_int_equal(S->ops->rest_get_many(S, ids, 0, out), FC_OK);
}

/* The feed and the restaurant figures follow every write: reviews written before a friendship
 * show once friends, rewrites, deletions, saves and unsaves, unfriending. */
static void test_feed_follows_writes(void **state)
{
    (void)state;
    struct fc_feed_item it[10];
    struct fc_restaurant r;
    struct fc_review rv;
    int n;
    int64_t hal = mkuser("hal"), ivy = mkuser("ivy"), jo = mkuser("jo");
    int64_t r4 = mkrest("t:4", "Fonda Cuatro", "Cuernavaca", "Mexican");
    assert_int_equal(S->ops->rest_get(S, r4, &r), FC_OK);
    fc_restaurant_clear(&r);
    assert_int_equal(r.review_count, 0);
    put_review(ivy, r4, 4, 500);
    put_review(jo, r4, 1, 501);
    assert_int_equal(S->ops->rest_get(S, r4, &r), FC_OK);
    fc_restaurant_clear(&r);
    assert_int_equal(r.review_count, 2);
    assert_int_equal((int)(r.avg_stars * 100 + 0.5), 250);
    put_review(ivy, r4, 5, 502); /* a second review of the place replaces the first */
    assert_int_equal(S->ops->rest_get(S, r4, &r), FC_OK);
    fc_restaurant_clear(&r);
    assert_int_equal(r.review_count, 2);
    assert_int_equal((int)(r.avg_stars * 100 + 0.5), 300);
    assert_int_equal(S->ops->feed(S, hal, NULL, it, 10, &n), FC_OK);
    fc_feed_items_clear(it, n);
    assert_int_equal(n, 0);
    assert_int_equal(fc_store_relate_rc(S, hal, ivy, FC_ACT_BEFRIEND, 503), FC_OK);
    assert_int_equal(S->ops->feed(S, hal, NULL, it, 10, &n), FC_OK);
    fc_feed_items_clear(it, n);
    assert_int_equal(n, 1);
    assert_int_equal(it[0].kind, FC_FEED_REVIEW);
    assert_int_equal(it[0].user_id, ivy);
    assert_int_equal(it[0].restaurant_id, r4);
    assert_int_equal(it[0].stars, 5);
    assert_int_equal(S->ops->save_put(S, ivy, r2, 510), FC_OK);
    assert_int_equal(S->ops->feed(S, hal, NULL, it, 10, &n), FC_OK);
    fc_feed_items_clear(it, n);
    assert_int_equal(n, 2);
    assert_int_equal(it[0].kind, FC_FEED_SAVE);
    assert_int_equal(it[0].restaurant_id, r2);
    assert_int_equal(S->ops->save_delete(S, ivy, r2), FC_OK);
    assert_int_equal(S->ops->feed(S, hal, NULL, it, 10, &n), FC_OK);
    fc_feed_items_clear(it, n);
    assert_int_equal(n, 1);
    assert_int_equal(fc_store_relate_rc(S, hal, jo, FC_ACT_BEFRIEND, 511), FC_OK);
    assert_int_equal(S->ops->feed(S, hal, NULL, it, 10, &n), FC_OK);
    fc_feed_items_clear(it, n);
    assert_int_equal(n, 2);
    assert_int_equal(it[0].user_id, jo);
    assert_int_equal(S->ops->review_get_by(S, jo, r4, &rv), FC_OK);
    fc_review_clear(&rv);
    assert_int_equal(S->ops->review_delete(S, rv.id), FC_OK);
    assert_int_equal(S->ops->feed(S, hal, NULL, it, 10, &n), FC_OK);
    fc_feed_items_clear(it, n);
    assert_int_equal(n, 1);
    assert_int_equal(it[0].user_id, ivy);
    assert_int_equal(S->ops->rest_get(S, r4, &r), FC_OK);
    fc_restaurant_clear(&r);
    assert_int_equal(r.review_count, 1);
    assert_int_equal((int)(r.avg_stars * 100 + 0.5), 500);
    assert_int_equal(fc_store_relate_rc(S, hal, ivy, FC_ACT_REMOVE, 0), FC_OK);
    assert_int_equal(S->ops->feed(S, hal, NULL, it, 10, &n), FC_OK);
    fc_feed_items_clear(it, n);
    assert_int_equal(n, 0);
    assert_int_equal(S->ops->feed(S, ivy, NULL, it, 10, &n), FC_OK);
    fc_feed_items_clear(it, n);
    assert_int_equal(n, 0);
}

/* Writes user's review of rest with a photo ("" for none), stars 4, at time at. */
static void put_photo_review(int64_t user, int64_t rest, const char *photo, int64_t at)
{
    char body[] = "with photo";
    struct fc_review r;
    memset(&r, 0, sizeof r);
    r.user_id = user;
    r.restaurant_id = rest;
    r.stars = 4;
    r.created_at = r.updated_at = at;
    r.body = body; /* borrowed: r is not cleared */
    snprintf(r.photo, sizeof r.photo, "%s", photo);
    assert_int_equal(S->ops->review_put(S, &r, 1), FC_OK);
}

/* How many reviews carrying photo the viewer may see (checking each carries it). */
static int photo_seen(const char *photo, int64_t viewer)
{
    struct fc_review out[4];
    int n = -1;
    memset(out, 0x55, sizeof out);
    assert_int_equal(S->ops->reviews_with_photo(S, photo, viewer, out, 4, &n), FC_OK);
    for (int i_ = 0; i_ < n; i_++)
        fc_review_clear(&out[i_]);
    assert_true(n >= 0 && n <= 4);
    for (int i = 0; i < n; i++)
        assert_string_equal(out[i].photo, photo);
    return n;
}

/* A photo is reachable exactly through the reviews the viewer may see: those carrying it,
 * under the privacy and block rules of the review lists, following edits and deletions. */
static void test_reviews_with_photo(void **state)
{
    (void)state;
    const char *P = "1111111111111111111111111111111111111111111111111111111111111111.jpg";
    const char *Q = "2222222222222222222222222222222222222222222222222222222222222222.png";
    int64_t pat = mkuser("pat"), quin = mkuser("quin"), rae = mkuser("rae");
    struct fc_review out[4], rv;
    struct fc_user u = {0};
    int n;

    put_photo_review(pat, r2, P, 3000);
    assert_int_equal(photo_seen(P, 0), 1); /* public: anonymous, a stranger, the author */
    assert_int_equal(photo_seen(P, quin), 1);
    assert_int_equal(photo_seen(P, pat), 1);
    assert_int_equal(S->ops->reviews_with_photo(S, P, 0, out, 4, &n), FC_OK);
    for (int i_ = 0; i_ < n; i_++)
        fc_review_clear(&out[i_]);
    assert_int_equal(out[0].user_id, pat);
    assert_int_equal(out[0].restaurant_id, r2);
    assert_int_equal(out[0].stars, 4);
    assert_int_equal(photo_seen(Q, 0), 0);  /* no review carries it */
    assert_int_equal(photo_seen("", 0), 0); /* reviews without a photo are not "" photos */
    assert_int_equal(S->ops->reviews_with_photo(S, P, 0, out, 0, &n), FC_OK);
    for (int i_ = 0; i_ < n; i_++)
        fc_review_clear(&out[i_]);
    assert_int_equal(n, 0);

    /* friends only: the friend and the author, no one else */
    assert_int_equal(fc_store_relate_rc(S, pat, rae, FC_ACT_BEFRIEND, 3001), FC_OK);
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_get(S, pat, &u), FC_OK);
    snprintf(u.visibility, sizeof u.visibility, "friends");
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
    assert_int_equal(photo_seen(P, 0), 0);
    assert_int_equal(photo_seen(P, quin), 0);
    assert_int_equal(photo_seen(P, rae), 1);
    assert_int_equal(photo_seen(P, pat), 1);
    /* blocks, both ways: the author blocks the friend; a stranger blocks the public author */
    assert_int_equal(fc_store_relate_rc(S, pat, rae, FC_ACT_BLOCK, 3002), FC_OK);
    assert_int_equal(photo_seen(P, rae), 0);
    assert_int_equal(photo_seen(P, pat), 1);
    snprintf(u.visibility, sizeof u.visibility, "public");
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
    assert_int_equal(photo_seen(P, rae), 0);
    assert_int_equal(photo_seen(P, 0), 1);
    assert_int_equal(fc_store_relate_rc(S, quin, pat, FC_ACT_BLOCK, 3003), FC_OK);
    assert_int_equal(photo_seen(P, quin), 0);
    assert_int_equal(fc_store_relate_rc(S, quin, pat, FC_ACT_UNBLOCK, 0), FC_OK);
    assert_int_equal(fc_store_relate_rc(S, pat, rae, FC_ACT_UNBLOCK, 0), FC_OK);
    assert_int_equal(photo_seen(P, quin), 1);

    /* one photo, two reviews: newest first, each judged on its own */
    put_photo_review(quin, r3, P, 3010);
    assert_int_equal(S->ops->reviews_with_photo(S, P, 0, out, 4, &n), FC_OK);
    for (int i_ = 0; i_ < n; i_++)
        fc_review_clear(&out[i_]);
    assert_int_equal(n, 2);
    assert_int_equal(out[0].user_id, quin);
    assert_int_equal(out[1].user_id, pat);
    assert_int_equal(S->ops->reviews_with_photo(S, P, 0, out, 1, &n), FC_OK);
    for (int i_ = 0; i_ < n; i_++)
        fc_review_clear(&out[i_]);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].user_id, quin);
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_get(S, quin, &u), FC_OK);
    snprintf(u.visibility, sizeof u.visibility, "friends");
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
    assert_int_equal(S->ops->reviews_with_photo(S, P, 0, out, 4, &n), FC_OK);
    for (int i_ = 0; i_ < n; i_++)
        fc_review_clear(&out[i_]);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].user_id, pat);
    snprintf(u.visibility, sizeof u.visibility, "public");
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
    fc_user_clear(&u);

    /* a rewrite with another photo moves it; one without a photo drops it */
    put_photo_review(pat, r2, Q, 3020);
    assert_int_equal(photo_seen(Q, 0), 1);
    assert_int_equal(S->ops->reviews_with_photo(S, P, pat, out, 4, &n), FC_OK);
    for (int i_ = 0; i_ < n; i_++)
        fc_review_clear(&out[i_]);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].user_id, quin);
    put_photo_review(pat, r2, "", 3030);
    assert_int_equal(photo_seen(Q, pat), 0);
    put_photo_review(pat, r2, Q, 3040);
    assert_int_equal(photo_seen(Q, 0), 1);
    /* a deleted review shows its photo to no one, its author included */
    assert_int_equal(S->ops->review_get_by(S, quin, r3, &rv), FC_OK);
    fc_review_clear(&rv);
    assert_int_equal(S->ops->review_delete(S, rv.id), FC_OK);
    assert_int_equal(photo_seen(P, quin), 0);
    assert_int_equal(photo_seen(P, 0), 0);
    /* nor a disabled author's */
    assert_int_equal(S->ops->user_set_flags(S, pat, 0, 1), FC_OK);
    assert_int_equal(photo_seen(Q, 0), 0);
    assert_int_equal(photo_seen(Q, pat), 0);
    assert_int_equal(S->ops->user_set_flags(S, pat, 0, 0), FC_OK);
    assert_int_equal(photo_seen(Q, 0), 1);
}

/* The visibility rule in C (fc_store_may_see), every case of it. */
/* People lists carry each person's visibility and the viewer's relation to them, so the
 * page can apply the profile rule (fc_store_person_redact) on every backend. */
static void test_people_relation(void **state)
{
    struct fc_person p[10];
    struct fc_user u = {0};
    int n;
    int64_t kim = mkuser("kim"), lou = mkuser("lou"), mia = mkuser("mia"), ned = mkuser("ned");
    (void)state;
    /* kim: friends-only with a city */
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_get(S, kim, &u), FC_OK);
    snprintf(u.visibility, sizeof u.visibility, "friends");
    snprintf(u.city, sizeof u.city, "Tepoztlan");
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
    fc_user_clear(&u);
    /* lou is kim's friend, mia lou's friend (kim suggested to mia), ned asks kim */
    assert_int_equal(fc_store_relate_rc(S, kim, lou, FC_ACT_BEFRIEND, 1), FC_OK);
    assert_int_equal(fc_store_relate_rc(S, lou, mia, FC_ACT_BEFRIEND, 1), FC_OK);
    assert_int_equal(fc_store_relate_rc(S, ned, kim, FC_ACT_REQUEST, 2), FC_OK);

    assert_int_equal(S->ops->people(S, FC_LIST_FRIENDS, lou, p, 10, &n), FC_OK);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++) {
        assert_int_equal(p[i].rel, FC_REL_FRIEND);
        if (p[i].id == kim) {
            assert_string_equal(p[i].visibility, "friends");
            assert_string_equal(p[i].city, "Tepoztlan");
        }
    }
    assert_int_equal(S->ops->people(S, FC_LIST_SUGGEST, mia, p, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].id, kim);
    assert_string_equal(p[0].visibility, "friends");
    assert_int_equal(p[0].rel, 0);
    assert_int_equal(S->ops->people(S, FC_LIST_REQ_OUT, ned, p, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].rel, FC_REL_REQ_OUT);
    assert_string_equal(p[0].visibility, "friends");
    assert_int_equal(S->ops->people(S, FC_LIST_REQ_IN, kim, p, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].id, ned);
    assert_int_equal(p[0].rel, FC_REL_REQ_IN);
    assert_string_equal(p[0].visibility, "public");
    /* search: the relation of whoever searches */
    assert_int_equal(S->ops->people_search(S, "kim", mia, p, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].rel, 0);
    assert_string_equal(p[0].visibility, "friends");
    assert_string_equal(p[0].city, "Tepoztlan");
    assert_int_equal(S->ops->people_search(S, "kim", lou, p, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].rel, FC_REL_FRIEND);
    assert_int_equal(S->ops->people_search(S, "kim", ned, p, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].rel, FC_REL_REQ_OUT);
    /* blocked list */
    assert_int_equal(fc_store_relate_rc(S, mia, kim, FC_ACT_BLOCK, 3), FC_OK);
    assert_int_equal(S->ops->people(S, FC_LIST_BLOCKED, mia, p, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].rel, FC_REL_BLOCKED);
    assert_string_equal(p[0].visibility, "friends");
    assert_int_equal(S->ops->people_search(S, "mia", kim, p, 10, &n), FC_OK);
    assert_int_equal(n, 0); /* one who blocked the viewer is not found */
}

static void test_may_see(void **state)
{
    enum { F = FC_REL_FRIEND, B = FC_REL_BLOCKED, BB = FC_REL_BLOCKED_BY };
    static const struct {
        int64_t viewer;
        const char *vis;
        int disabled, rel, want;
    } cases[] = {
        {7, "public", 0, 0, 1},        /* a stranger, public author */
        {0, "public", 0, 0, 1},        /* anonymous, public author */
        {7, "friends", 0, 0, 0},       /* a stranger, friends-only author */
        {0, "friends", 0, 0, 0},       /* anonymous, friends-only author */
        {7, "friends", 0, F, 1},       /* a friend */
        {7, "public", 0, B, 0},        /* the viewer blocked the author */
        {7, "public", 0, BB, 0},       /* the author blocked the viewer */
        {7, "friends", 0, F | BB, 0},  /* a block outweighs friendship */
        {7, "public", 1, F, 0},        /* a disabled author: nobody */
        {42, "friends", 0, B | BB, 1}, /* the author, whatever the bits say */
        {42, "public", 1, 0, 0},       /* not even the author once disabled */
        {7, NULL, 0, 0, 0},            /* no visibility: not public */
        {7, "Public", 0, 0, 0},        /* only the exact value counts */
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int got =
            fc_store_may_see(cases[i].viewer, 42, cases[i].vis, cases[i].disabled, cases[i].rel);
        if (got != cases[i].want)
            fail_msg("case %zu: got %d, want %d", i, got, cases[i].want);
    }
}

/* The month of the visit (sql/010_review_visited.sql; the DynamoDB attribute "visited"): kept
 * by every write, given back by every read of a review (one, by user and restaurant, the
 * restaurant's and the author's lists, the feed), and cleared by a rewrite without it. */
static void test_review_visited(void **state)
{
    (void)state;
    struct fc_review r, got;
    struct fc_review_row *rows = calloc(10, sizeof *rows);
    struct fc_feed_item *it = calloc(10, sizeof *it);
    int64_t hal = mkuser("vhal"), ivy = mkuser("vivy");
    int n;
    assert_non_null(rows);
    assert_non_null(it);
    memset(&r, 0, sizeof r);
    r.user_id = hal;
    r.restaurant_id = r2;
    r.stars = 4;
    r.created_at = r.updated_at = 700;
    snprintf(r.visited, sizeof r.visited, "2026-03");
    assert_int_equal(S->ops->review_put(S, &r, 0), FC_OK);
    assert_int_equal(S->ops->review_get_by(S, hal, r2, &got), FC_OK);
    fc_review_clear(&got);
    assert_string_equal(got.visited, "2026-03");
    assert_int_equal(S->ops->review_get(S, got.id, &got), FC_OK);
    fc_review_clear(&got);
    assert_string_equal(got.visited, "2026-03");
    assert_int_equal(S->ops->reviews_by_user(S, hal, hal, rows, 10, &n), FC_OK);
    fc_review_rows_clear(rows, n);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].r.visited, "2026-03");
    assert_int_equal(S->ops->reviews_of_restaurant(S, r2, ivy, rows, 10, &n), FC_OK);
    fc_review_rows_clear(rows, n);
    assert_true(n >= 1);
    for (int i = 0; i < n; i++)
        if (rows[i].r.user_id == hal)
            assert_string_equal(rows[i].r.visited, "2026-03");
    assert_int_equal(fc_store_relate_rc(S, ivy, hal, FC_ACT_BEFRIEND, 1), FC_OK);
    assert_int_equal(S->ops->feed(S, ivy, NULL, it, 10, &n), FC_OK);
    fc_feed_items_clear(it, n);
    assert_int_equal(n, 1);
    assert_string_equal(it[0].visited, "2026-03");
    /* a rewrite without it clears it; another month replaces it */
    r.visited[0] = '\0';
    r.updated_at = 800;
    assert_int_equal(S->ops->review_put(S, &r, 1), FC_OK);
    assert_int_equal(S->ops->review_get_by(S, hal, r2, &got), FC_OK);
    fc_review_clear(&got);
    assert_string_equal(got.visited, "");
    snprintf(r.visited, sizeof r.visited, "2025-12");
    assert_int_equal(S->ops->review_put(S, &r, 1), FC_OK);
    assert_int_equal(S->ops->review_get_by(S, hal, r2, &got), FC_OK);
    fc_review_clear(&got);
    assert_string_equal(got.visited, "2025-12");
    assert_int_equal(S->ops->feed(S, ivy, NULL, it, 10, &n), FC_OK);
    fc_feed_items_clear(it, n);
    assert_string_equal(it[0].visited, "2025-12");
    free(rows);
    free(it);
}

/* Records are sized to their data (issue #15 item 5): a review's text is as long as it is, no
 * fixed buffer cuts it, and the rows of a list carry no 8 KB buffer each. A 20,000-byte text
 * (more than the 8,191 bytes the fixed buffer held) comes back whole from every read. */
static void test_review_long_body(void **state)
{
    (void)state;
    enum { LEN = 20000 };
    struct fc_review r, got;
    struct fc_review_row rows[4];
    struct fc_feed_item it[4];
    char *body = malloc(LEN + 1);
    int64_t kim = mkuser("lkim"), lou = mkuser("llou");
    int n;
    assert_non_null(body);
    for (int i = 0; i < LEN; i++)
        body[i] = (char)('a' + i % 26);
    body[LEN] = '\0';
    assert_true(sizeof(struct fc_review_row) < 1024);
    assert_true(sizeof(struct fc_feed_item) < 1024);
    memset(&r, 0, sizeof r);
    r.user_id = kim;
    r.restaurant_id = r3;
    r.stars = 3;
    r.created_at = r.updated_at = 900;
    r.body = body; /* borrowed */
    assert_int_equal(S->ops->review_put(S, &r, 0), FC_OK);
    assert_int_equal(S->ops->review_get_by(S, kim, r3, &got), FC_OK);
    assert_string_equal(got.body, body);
    fc_review_clear(&got);
    assert_null(got.body);
    assert_int_equal(S->ops->reviews_by_user(S, kim, kim, rows, 4, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].r.body, body);
    fc_review_rows_clear(rows, n);
    assert_int_equal(S->ops->reviews_of_restaurant(S, r3, 0, rows, 4, &n), FC_OK);
    assert_true(n >= 1);
    for (int i = 0; i < n; i++)
        if (rows[i].r.user_id == kim)
            assert_string_equal(rows[i].r.body, body);
    fc_review_rows_clear(rows, n);
    assert_int_equal(fc_store_relate_rc(S, lou, kim, FC_ACT_BEFRIEND, 1), FC_OK);
    assert_int_equal(S->ops->feed(S, lou, NULL, it, 4, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(it[0].body, body);
    fc_feed_items_clear(it, n);
    /* a rewrite with a short text replaces it */
    r.body = NULL; /* stored as "" */
    assert_int_equal(S->ops->review_put(S, &r, 1), FC_OK);
    assert_int_equal(S->ops->review_get_by(S, kim, r3, &got), FC_OK);
    assert_string_equal(got.body, "");
    fc_review_clear(&got);
    free(body);
}

/* A user's bio and cuisines are sized to their data too: text longer than the fixed buffers
 * held (4,096 and 2,048 bytes) comes back whole from every read, a writer's NULL stores "",
 * and a read that finds nobody leaves nothing to free. */
static void test_user_long_text(void **state)
{
    (void)state;
    enum { LEN = 6000 };
    struct fc_user u = {0}, copy;
    char *bio = malloc(LEN + 1), *cuisines = malloc(LEN / 2 + 1);
    int64_t id = mkuser("ltext");
    assert_non_null(bio);
    assert_non_null(cuisines);
    for (int i = 0; i < LEN; i++)
        bio[i] = (char)('a' + i % 26);
    bio[LEN] = '\0';
    for (int i = 0; i < LEN / 2; i++)
        cuisines[i] = i % 8 == 7 ? ',' : (char)('A' + i % 26);
    cuisines[LEN / 2] = '\0';
    assert_true(sizeof(struct fc_user) < 2048);
    assert_int_equal(S->ops->user_get(S, id, &u), FC_OK);
    assert_string_equal(u.bio, ""); /* made with a NULL bio */
    assert_string_equal(u.cuisines, "");
    assert_int_equal(fc_user_set_bio(&u, bio), FC_OK);
    assert_int_equal(fc_user_set_cuisines(&u, cuisines), FC_OK);
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
    fc_user_clear(&u);
    assert_null(u.bio);
    assert_null(u.cuisines);
    assert_int_equal(S->ops->user_get(S, id, &u), FC_OK);
    assert_string_equal(u.bio, bio);
    assert_string_equal(u.cuisines, cuisines);
    assert_int_equal(fc_user_copy(&copy, &u), FC_OK); /* a deep copy */
    assert_true(copy.bio != u.bio);
    fc_user_clear(&u);
    assert_string_equal(copy.bio, bio);
    assert_string_equal(copy.cuisines, cuisines);
    fc_user_clear(&copy);
    assert_int_equal(S->ops->user_by_name(S, "LTEXT", &u), FC_OK);
    assert_string_equal(u.bio, bio);
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_by_email(S, "ltext@example.com", &u), FC_OK);
    assert_string_equal(u.cuisines, cuisines);
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_by_ext(S, "ltext-ext", &u), FC_OK);
    assert_string_equal(u.bio, bio);
    /* a writer's NULL stores "" */
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_get(S, id, &u), FC_OK);
    free(u.bio);
    u.bio = NULL;
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
    fc_user_clear(&u);
    assert_int_equal(S->ops->user_get(S, id, &u), FC_OK);
    assert_string_equal(u.bio, "");
    assert_string_equal(u.cuisines, cuisines);
    fc_user_clear(&u);
    /* nobody: zeroed, nothing to free */
    memset(&u, 0xff, sizeof u);
    assert_int_equal(S->ops->user_get(S, 999999, &u), FC_NOTFOUND);
    assert_null(u.bio);
    memset(&u, 0xff, sizeof u);
    assert_int_equal(S->ops->user_by_name(S, "nobody-at-all", &u), FC_NOTFOUND);
    assert_null(u.cuisines);
    fc_user_clear(&u);
    free(bio);
    free(cuisines);
}

/* Discovery (issue #16): a restaurant with coordinates, hours and a state. */
static int64_t mkplace(const char *ext, const char *name, double lat, double lon, const char *hours)
{
    struct fc_restaurant r;
    memset(&r, 0, sizeof r);
    snprintf(r.ext_id, sizeof r.ext_id, "%s", ext);
    snprintf(r.state, sizeof r.state, "Morelos");
    r.name = (char *)name; /* borrowed: r is not cleared */
    r.city = (char *)"Discoville";
    r.hours = (char *)hours;
    r.has_coords = lat != 0;
    r.lat = lat;
    r.lon = lon;
    assert_int_equal(S->ops->rest_upsert(S, &r), FC_OK);
    return r.id;
}

static int disco_first_friends;
static double disco_first_avg;

/* The ids of a search of Discoville in an order, open at a time, into ids (at most 8). */
static int disco(int sort, int64_t viewer, int64_t open_at, int64_t ids[8], int *total)
{
    struct fc_rest_query q = {.text = "",
                              .cuisine = "",
                              .price = "",
                              .city = "Discoville",
                              .limit = 8,
                              .sort = sort,
                              .viewer = viewer,
                              .near_lat = 19.01,
                              .near_lon = -99.31,
                              .open_at = open_at};
    struct fc_restaurant *rows = NULL;
    int n = 0;
    assert_int_equal(S->ops->rest_search(S, &q, &rows, &n, total), FC_OK);
    for (int i = 0; i < n; i++) {
        ids[i] = rows[i].id;
        if (i == 0) {
            disco_first_friends = rows[0].friends_count;
            disco_first_avg = rows[0].friends_avg;
        }
    }
    fc_restaurants_free(rows, n);
    return n;
}

static void test_discovery(void **state)
{
    int64_t id[8], v, f1, f2, other, alpha, bravo, charlie, delta;
    int total, counts[5];
    double lat = 0, lon = 0;
    struct fc_review_row rows[5];
    int n;
    (void)state;
    v = mkuser("disco-v");
    f1 = mkuser("disco-f1");
    f2 = mkuser("disco-f2");
    other = mkuser("disco-o");
    assert_int_equal(fc_store_relate_rc(S, v, f1, FC_ACT_BEFRIEND, 10), FC_OK);
    assert_int_equal(fc_store_relate_rc(S, v, f2, FC_ACT_BEFRIEND, 10), FC_OK);
    alpha = mkplace("d:1", "Alpha", 18.90, -99.20, "Mon-Fri 08:00-19:00");
    bravo = mkplace("d:2", "bravo", 18.95, -99.25, "Sun 21:00-01:00");
    charlie = mkplace("d:3", "Charlie", 19.00, -99.30, "");
    delta = mkplace("d:4", "Delta", 0, 0, "Mon-Sun 00:00-00:00");
    put_review(other, alpha, 5, 100); /* one 5: 3.33 */
    put_review(f1, bravo, 4, 101);    /* three 4s: 3.375 */
    put_review(f2, bravo, 4, 102);
    put_review(other, bravo, 4, 103);
    put_review(f1, charlie, 2, 104); /* two 2s: 2.71; Delta none: 3.0 */
    put_review(other, charlie, 2, 105);

    assert_int_equal(disco(FC_SORT_NAME, 0, 0, id, &total), 4);
    assert_true(id[0] == alpha && id[1] == bravo && id[2] == charlie && id[3] == delta);
    /* best rated: the Bayesian average, so one 5 does not beat three 4s */
    assert_int_equal(disco(FC_SORT_RATING, 0, 0, id, &total), 4);
    assert_true(id[0] == bravo && id[1] == alpha && id[2] == delta && id[3] == charlie);
    assert_int_equal(disco(FC_SORT_REVIEWS, 0, 0, id, &total), 4);
    assert_true(id[0] == bravo && id[1] == charlie && id[2] == alpha && id[3] == delta);
    /* nearest (19.01, -99.31): without coordinates last */
    assert_int_equal(disco(FC_SORT_NEAREST, 0, 0, id, &total), 4);
    assert_true(id[0] == charlie && id[1] == bravo && id[2] == alpha && id[3] == delta);
    /* friends: Bravo (two friends' 4s), Charlie (one friend's 2), then the unrated by name */
    assert_int_equal(disco(FC_SORT_FRIENDS, v, 0, id, &total), 4);
    assert_true(id[0] == bravo && id[1] == charlie && id[2] == alpha && id[3] == delta);
    assert_int_equal(disco_first_friends, 2);
    assert_true(disco_first_avg > 3.99 && disco_first_avg < 4.01);
    /* a disabled friend no longer counts */
    assert_int_equal(S->ops->user_set_flags(S, f1, 0, 1), FC_OK);
    assert_int_equal(disco(FC_SORT_FRIENDS, f2, 0, id, &total), 4); /* f2's friend v: no reviews */
    assert_int_equal(disco_first_friends, 0);
    assert_int_equal(disco(FC_SORT_FRIENDS, v, 0, id, &total), 4);
    assert_int_equal(disco_first_friends, 1);
    assert_true(id[0] == bravo && id[1] == alpha && id[2] == charlie && id[3] == delta);
    assert_int_equal(S->ops->user_set_flags(S, f1, 0, 0), FC_OK);
    /* open on Monday 7 December 2026 12:30 in Morelos (18:30 UTC): Alpha and Delta; Charlie's
     * hours are unknown */
    assert_int_equal(disco(FC_SORT_NAME, 0, 1796668200, id, &total), 2);
    assert_int_equal(total, 2);
    assert_true(id[0] == alpha && id[1] == delta);
    /* Monday 00:30 there: Sunday night's Bravo, and Delta; best rated first */
    assert_int_equal(disco(FC_SORT_RATING, 0, 1796668200 - 12 * 3600, id, &total), 2);
    assert_true(id[0] == bravo && id[1] == delta);
    /* the city's centre: the mean of its places with coordinates */
    assert_int_equal(S->ops->rest_city_centre(S, "Discoville", &lat, &lon), FC_OK);
    assert_true(lat > 18.9499 && lat < 18.9501 && lon > -99.2501 && lon < -99.2499);
    assert_int_equal(S->ops->rest_city_centre(S, "Atlantis", &lat, &lon), FC_NOTFOUND);
    /* the star distribution */
    assert_int_equal(S->ops->rest_star_counts(S, bravo, counts), FC_OK);
    assert_true(counts[0] == 0 && counts[1] == 0 && counts[2] == 0 && counts[3] == 3 &&
                counts[4] == 0);
    assert_int_equal(S->ops->rest_star_counts(S, delta, counts), FC_OK);
    assert_int_equal(counts[0] + counts[1] + counts[2] + counts[3] + counts[4], 0);
    /* reviews from an offset, friends' first */
    assert_int_equal(S->ops->reviews_of_restaurant_from(S, bravo, v, 0, rows, 2, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_true(rows[0].by_friend && rows[1].by_friend);
    assert_int_equal(rows[0].r.user_id, f2);
    fc_review_rows_clear(rows, n);
    assert_int_equal(S->ops->reviews_of_restaurant_from(S, bravo, v, 2, rows, 2, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].r.user_id, other);
    fc_review_rows_clear(rows, n);
    assert_int_equal(S->ops->reviews_of_restaurant_from(S, bravo, v, 5, rows, 2, &n), FC_OK);
    assert_int_equal(n, 0);
}

/* Conversation: likes (once per person), counts for a list in one call, comments by review and
 * by restaurant with the viewer's relation to their authors, deletes, notifications newest
 * first with the unread ones counted by the rule (a blocked actor is not), marking read. */
static void test_talk(void **state)
{
    (void)state;
    struct fc_review r, ra;
    struct fc_talk_count tc[3];
    struct fc_comment c1, c2, c3, got;
    struct fc_comment_row *rows = calloc(20, sizeof *rows);
    struct fc_note_row *notes = calloc(20, sizeof *notes);
    struct fc_note nt;
    int64_t tom = mkuser("ttom"), uma = mkuser("tuma"), val = mkuser("tval"), ids[3];
    int n, unread;
    assert_non_null(rows);
    assert_non_null(notes);
    memset(&r, 0, sizeof r);
    r.user_id = tom;
    r.restaurant_id = r3;
    r.stars = 5;
    r.created_at = r.updated_at = 900;
    assert_int_equal(S->ops->review_put(S, &r, 0), FC_OK);
    assert_int_equal(S->ops->review_get_by(S, tom, r3, &r), FC_OK);
    ra = r;
    ra.body = NULL; /* r owns the text read */
    ra.user_id = uma;
    ra.id = 0;
    assert_int_equal(S->ops->review_put(S, &ra, 0), FC_OK);
    assert_int_equal(S->ops->review_get_by(S, uma, r3, &ra), FC_OK);

    /* likes: once each; unlike what is not liked is FC_NOTFOUND; no review: FC_NOTFOUND */
    assert_int_equal(S->ops->like_put(S, r.id, r3, uma, 901), FC_OK);
    assert_int_equal(S->ops->like_put(S, r.id, r3, uma, 902), FC_EXISTS);
    assert_int_equal(S->ops->like_put(S, r.id, r3, val, 903), FC_OK);
    assert_int_equal(S->ops->like_put(S, 999999, r3, val, 903), FC_NOTFOUND);
    assert_int_equal(S->ops->like_delete(S, r.id, tom), FC_NOTFOUND);
    assert_int_equal(S->ops->like_delete(S, r.id, val), FC_OK);
    assert_int_equal(S->ops->like_delete(S, r.id, val), FC_NOTFOUND);

    /* comments */
    memset(&c1, 0, sizeof c1);
    c1.review_id = r.id;
    c1.restaurant_id = r3;
    c1.user_id = uma;
    c1.created_at = 910;
    snprintf(c1.body, sizeof c1.body, "Agreed, the mole is great");
    c2 = c1;
    c2.user_id = val;
    c2.created_at = 911;
    snprintf(c2.body, sizeof c2.body, "Going next week");
    c3 = c1;
    c3.review_id = ra.id;
    c3.user_id = tom;
    c3.created_at = 912;
    assert_int_equal(S->ops->comment_add(S, &c1), FC_OK);
    assert_int_equal(S->ops->comment_add(S, &c2), FC_OK);
    assert_int_equal(S->ops->comment_add(S, &c3), FC_OK);
    assert_true(c1.id > 0 && c2.id > c1.id && c3.id > c2.id);
    got = c1;
    got.id = 0;
    got.review_id = 999999;
    assert_int_equal(S->ops->comment_add(S, &got), FC_NOTFOUND);
    assert_int_equal(S->ops->comment_get(S, c2.id, &got), FC_OK);
    assert_int_equal(got.review_id, r.id);
    assert_int_equal(got.restaurant_id, r3);
    assert_int_equal(got.user_id, val);
    assert_string_equal(got.body, "Going next week");
    assert_int_equal(S->ops->comment_get(S, 999999, &got), FC_NOTFOUND);

    /* counts of a list, in its order, with repeats and unknown ids */
    ids[0] = ra.id;
    ids[1] = r.id;
    ids[2] = 999999;
    assert_int_equal(S->ops->talk_counts(S, ids, 3, uma, tc), FC_OK);
    assert_int_equal(tc[0].review_id, ra.id);
    assert_int_equal(tc[0].likes, 0);
    assert_int_equal(tc[0].comments, 1);
    assert_int_equal(tc[1].likes, 1);
    assert_int_equal(tc[1].comments, 2);
    assert_true(tc[1].liked);
    assert_int_equal(tc[2].likes + tc[2].comments + tc[2].liked, 0);
    assert_int_equal(S->ops->talk_counts(S, ids, 3, 0, tc), FC_OK);
    assert_false(tc[1].liked);

    /* threads: one review's, and the restaurant's, oldest first, with relation bits */
    assert_int_equal(fc_store_relate_rc(S, tom, uma, FC_ACT_BEFRIEND, 1), FC_OK);
    assert_int_equal(fc_store_relate_rc(S, tom, val, FC_ACT_BLOCK, 1), FC_OK);
    assert_int_equal(S->ops->comments_of(S, r3, r.id, tom, rows, 20, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].c.id, c1.id);
    assert_string_equal(rows[0].username, "tuma");
    assert_int_equal(rows[0].rel, FC_REL_FRIEND);
    assert_int_equal(rows[1].c.id, c2.id);
    assert_int_equal(rows[1].rel, FC_REL_BLOCKED);
    assert_int_equal(S->ops->comments_of(S, r3, r.id, val, rows, 20, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[1].rel, 0); /* their own */
    assert_int_equal(S->ops->comments_of(S, r3, 0, 0, rows, 20, &n), FC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(rows[2].c.id, c3.id);
    /* tom blocked val: val's comment on tom's review carries the block, the others not */
    assert_int_equal(rows[0].author_block + rows[2].author_block, 0);
    assert_int_equal(rows[1].author_block, 1);
    assert_int_equal(S->ops->comments_of(S, r3, 0, val, rows, 20, &n), FC_OK);
    assert_int_equal(rows[1].author_block, 1);
    assert_int_equal(S->ops->comments_of(S, r3, 0, 0, rows, 2, &n), FC_OK);
    assert_true(n <= 2);
    assert_int_equal(S->ops->comment_delete(S, c1.id), FC_OK);
    assert_int_equal(S->ops->comment_delete(S, c1.id), FC_NOTFOUND);
    assert_int_equal(S->ops->comments_of(S, r3, r.id, tom, rows, 20, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(S->ops->talk_counts(S, &r.id, 1, 0, tc), FC_OK);
    assert_int_equal(tc[0].comments, 1);

    /* notifications for tom: a like by uma, a comment by val (blocked since), a request */
    memset(&nt, 0, sizeof nt);
    nt.user_id = tom;
    nt.actor_id = uma;
    nt.kind = FC_NOTE_LIKE;
    nt.review_id = r.id;
    nt.restaurant_id = r3;
    nt.created_at = 920;
    assert_int_equal(S->ops->note_add(S, &nt), FC_OK);
    nt.actor_id = val;
    nt.kind = FC_NOTE_COMMENT;
    nt.comment_id = c2.id;
    nt.created_at = 921;
    assert_int_equal(S->ops->note_add(S, &nt), FC_OK);
    memset(&nt, 0, sizeof nt);
    nt.user_id = tom;
    nt.actor_id = cy;
    nt.kind = FC_NOTE_REQUEST;
    nt.created_at = 922;
    assert_int_equal(S->ops->note_add(S, &nt), FC_OK);
    assert_int_equal(S->ops->notes_list(S, tom, notes, 20, &n), FC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(notes[0].n.kind, FC_NOTE_REQUEST);
    assert_int_equal(notes[0].n.actor_id, cy);
    assert_string_equal(notes[0].username, "cy");
    assert_true(notes[0].unread);
    assert_int_equal(notes[1].n.kind, FC_NOTE_COMMENT);
    assert_int_equal(notes[1].rel, FC_REL_BLOCKED);
    assert_int_equal(notes[1].n.comment_id, c2.id);
    assert_int_equal(notes[2].n.kind, FC_NOTE_LIKE);
    assert_string_equal(notes[2].rest_name, "Cafe 50% Tres");
    assert_int_equal(notes[2].n.review_id, r.id);
    assert_true(notes[0].n.id > notes[1].n.id && notes[1].n.id > notes[2].n.id);
    /* the blocked commenter is not counted */
    assert_int_equal(S->ops->notes_unread(S, tom, &unread), FC_OK);
    assert_int_equal(unread, 2);
    assert_int_equal(S->ops->notes_list(S, tom, notes, 1, &n), FC_OK);
    assert_int_equal(n, 1);
    /* read up to the like: two newer stay unread (one counted) */
    assert_int_equal(S->ops->notes_list(S, tom, notes, 20, &n), FC_OK);
    assert_int_equal(S->ops->notes_mark_read(S, tom, notes[2].n.id), FC_OK);
    assert_int_equal(S->ops->notes_unread(S, tom, &unread), FC_OK);
    assert_int_equal(unread, 1);
    assert_int_equal(S->ops->notes_mark_read(S, tom, notes[0].n.id), FC_OK);
    assert_int_equal(S->ops->notes_mark_read(S, tom, notes[2].n.id), FC_OK); /* never back */
    assert_int_equal(S->ops->notes_unread(S, tom, &unread), FC_OK);
    assert_int_equal(unread, 0);
    assert_int_equal(S->ops->notes_list(S, tom, notes, 20, &n), FC_OK);
    assert_int_equal(n, 3);
    assert_false(notes[0].unread);
    /* a deleted comment's notification goes with it */
    assert_int_equal(S->ops->comment_delete(S, c2.id), FC_OK);
    assert_int_equal(S->ops->notes_list(S, tom, notes, 20, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(S->ops->notes_unread(S, uma, &unread), FC_OK);
    assert_int_equal(unread, 0);
    /* more unread than DynamoDB's first read of the header's count holds (20) */
    int64_t many[30];
    for (int i = 0; i < 30; i++) {
        memset(&nt, 0, sizeof nt);
        nt.user_id = uma;
        nt.actor_id = cy;
        nt.kind = FC_NOTE_REQUEST;
        nt.created_at = 930 + i;
        assert_int_equal(S->ops->note_add(S, &nt), FC_OK);
        many[i] = nt.id;
    }
    assert_int_equal(S->ops->notes_unread(S, uma, &unread), FC_OK);
    assert_int_equal(unread, 30);
    assert_int_equal(S->ops->notes_mark_read(S, uma, many[4]), FC_OK);
    assert_int_equal(S->ops->notes_unread(S, uma, &unread), FC_OK);
    assert_int_equal(unread, 25);
    assert_int_equal(S->ops->notes_mark_read(S, uma, many[14]), FC_OK);
    assert_int_equal(S->ops->notes_unread(S, uma, &unread), FC_OK);
    assert_int_equal(unread, 15);
    assert_int_equal(S->ops->notes_mark_read(S, uma, many[29]), FC_OK);
    assert_int_equal(S->ops->notes_unread(S, uma, &unread), FC_OK);
    assert_int_equal(unread, 0);
    fc_review_clear(&r);
    fc_review_clear(&ra);
    free(rows);
    free(notes);
}

/* Password reset links: stored by hash, taken once, not after they expire. */
static void test_reset_links(void **state)
{
    (void)state;
    int64_t uid = 0, exp = 0, now = fc_now();
    const char *h1 = "1111111111111111111111111111111111111111111111111111111111111111";
    const char *h2 = "2222222222222222222222222222222222222222222222222222222222222222";
    assert_int_equal(S->ops->reset_create(S, h1, bob, now + 3600), FC_OK);
    assert_int_equal(S->ops->reset_create(S, h2, cy, now - 1), FC_OK); /* expired already */
    assert_int_equal(S->ops->reset_take(S, "nope", now, &uid, &exp), FC_NOTFOUND);
    assert_int_equal(S->ops->reset_take(S, h2, now, &uid, &exp), FC_NOTFOUND);
    assert_int_equal(S->ops->reset_take(S, h1, now + 3600, &uid, &exp),
                     FC_NOTFOUND); /* at expiry */
    assert_int_equal(S->ops->reset_create(S, h1, bob, now + 3600), FC_OK);
    assert_int_equal(S->ops->reset_take(S, h1, now, &uid, &exp), FC_OK);
    assert_int_equal(uid, bob);
    assert_int_equal(exp, now + 3600);
    assert_int_equal(S->ops->reset_take(S, h1, now, &uid, &exp), FC_NOTFOUND); /* once */
}

/* ratings_of_user: every rating of the user (restaurant, stars), newest first, with max;
 * a rewrite changes the stars, a delete takes it out, a save is not a rating. */
static void test_ratings_of_user(void **state)
{
    (void)state;
    struct fc_rating got[4];
    struct fc_review r, back;
    int64_t tia = mkuser("rtia");
    int n = -1;
    assert_int_equal(S->ops->ratings_of_user(S, tia, got, 4, &n), FC_OK);
    assert_int_equal(n, 0);
    memset(&r, 0, sizeof r);
    r.user_id = tia;
    r.restaurant_id = r1;
    r.stars = 5;
    r.created_at = r.updated_at = 900;
    assert_int_equal(S->ops->review_put(S, &r, 0), FC_OK);
    memset(&r, 0, sizeof r);
    r.user_id = tia;
    r.restaurant_id = r2;
    r.stars = 2;
    r.created_at = r.updated_at = 901;
    assert_int_equal(S->ops->review_put(S, &r, 0), FC_OK);
    assert_int_equal(S->ops->save_put(S, tia, r3, 902), FC_OK);
    assert_int_equal(S->ops->ratings_of_user(S, tia, got, 4, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(got[0].restaurant_id, r2);
    assert_int_equal(got[0].stars, 2);
    assert_int_equal(got[1].restaurant_id, r1);
    assert_int_equal(got[1].stars, 5);
    assert_int_equal(S->ops->ratings_of_user(S, tia, got, 1, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(got[0].restaurant_id, r2);
    /* rewritten 4 stars; r1 deleted */
    r.stars = 4;
    r.updated_at = 950;
    assert_int_equal(S->ops->review_put(S, &r, 1), FC_OK);
    assert_int_equal(S->ops->review_get_by(S, tia, r1, &back), FC_OK);
    assert_int_equal(S->ops->review_delete(S, back.id), FC_OK);
    fc_review_clear(&back);
    assert_int_equal(S->ops->ratings_of_user(S, tia, got, 4, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(got[0].restaurant_id, r2);
    assert_int_equal(got[0].stars, 4);
    /* another user's ratings are not these */
    assert_int_equal(S->ops->ratings_of_user(S, mkuser("rune"), got, 4, &n), FC_OK);
    assert_int_equal(n, 0);
}

/* A member's avatar photo: none at first, set, replaced, removed; each user's own. */
static void test_avatars(void **state)
{
    char key[80];
    (void)state;
    assert_int_equal(S->ops->avatar_get(S, ana, key, sizeof key), FC_OK);
    assert_string_equal(key, "");
    assert_int_equal(S->ops->avatar_set(S, ana, "aa.png", 100), FC_OK);
    assert_int_equal(S->ops->avatar_get(S, ana, key, sizeof key), FC_OK);
    assert_string_equal(key, "aa.png");
    assert_int_equal(S->ops->avatar_get(S, bob, key, sizeof key), FC_OK);
    assert_string_equal(key, "");
    assert_int_equal(S->ops->avatar_set(S, ana, "bb.jpg", 200), FC_OK);
    assert_int_equal(S->ops->avatar_get(S, ana, key, sizeof key), FC_OK);
    assert_string_equal(key, "bb.jpg");
    assert_int_equal(S->ops->avatar_set(S, ana, "", 300), FC_OK);
    assert_int_equal(S->ops->avatar_get(S, ana, key, sizeof key), FC_OK);
    assert_string_equal(key, "");
    assert_int_equal(S->ops->avatar_set(S, ana, "", 400), FC_OK); /* removing none: fine */
}

/* Private notes on saved places: only on a place of the list, each user's own, "" clears one,
 * unsaving drops it, and the feed's copy of the save does not carry it. */
static void test_save_notes(void **state)
{
    struct fc_save_note got[4];
    int n;
    int64_t una = mkuser("una"), vic = mkuser("vic");
    (void)state;
    assert_int_equal(S->ops->save_note_set(S, una, r2, "window table"), FC_NOTFOUND);
    assert_int_equal(S->ops->save_put(S, una, r2, 1000), FC_OK);
    assert_int_equal(S->ops->save_put(S, una, r3, 1001), FC_OK);
    assert_int_equal(S->ops->save_notes_of_user(S, una, got, 4, &n), FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(S->ops->save_note_set(S, una, r2, "window table"), FC_OK);
    assert_int_equal(S->ops->save_note_set(S, una, r3, "bring cash \xc3\xa9"), FC_OK);
    assert_int_equal(S->ops->save_note_set(S, una, r3, "bring cash"), FC_OK); /* replaced */
    assert_int_equal(S->ops->save_notes_of_user(S, una, got, 4, &n), FC_OK);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++)
        assert_string_equal(got[i].note,
                            got[i].restaurant_id == r2 ? "window table" : "bring cash");
    assert_int_equal(S->ops->save_notes_of_user(S, una, got, 1, &n), FC_OK); /* max */
    assert_int_equal(n, 1);
    assert_int_equal(S->ops->save_notes_of_user(S, vic, got, 4, &n), FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(S->ops->save_note_set(S, vic, r2, "mine"), FC_NOTFOUND);
    assert_int_equal(S->ops->save_note_set(S, una, r2, ""), FC_OK); /* cleared */
    assert_int_equal(S->ops->save_notes_of_user(S, una, got, 4, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(got[0].restaurant_id, r3);
    assert_int_equal(S->ops->save_delete(S, una, r3), FC_OK); /* off the list: the note too */
    assert_int_equal(S->ops->save_put(S, una, r3, 1002), FC_OK);
    assert_int_equal(S->ops->save_notes_of_user(S, una, got, 4, &n), FC_OK);
    assert_int_equal(n, 0);
}

/* A restaurant's text is sized to its data: name, address, city, cuisines, hours and url longer
 * than the fixed buffers the record once held (256, 256, 384, 512, 1,024 and 256 bytes) come
 * back whole from every read (rest_get, rest_get_many, rest_search, saves_of_user,
 * rest_view_get), a copy is deep, a writer's NULL stores "", and a read that finds nothing
 * leaves nothing to free. */
static void test_rest_long_text(void **state)
{
    (void)state;
    enum { HOURS = 3000, CUIS = 1500, ADDR = 700, URL = 900, NAME = 400, CITY = 450 };
    struct fc_restaurant r = {0}, copy, *rows = NULL, many[2];
    struct fc_rest_query q = {.text = "", .cuisine = "", .price = "", .limit = 5};
    char *hours = malloc(HOURS + 1), *cuis = malloc(CUIS + 1), *addr = malloc(ADDR + 1),
         *url = malloc(URL + 1), *name = malloc(NAME + 1), *city = malloc(CITY + 1);
    struct fc_review mine;
    int64_t id, ids[2], una = mkuser("longtext");
    int n, total, saved, count;
    double avg;
    assert_true(hours && cuis && addr && url && name && city);
    for (int i = 0; i < HOURS; i++) /* "Mon 08:00-09:00; Mon 08:00-09:00; ..." */
        hours[i] = "Mon 08:00-09:00; "[i % 17];
    hours[HOURS] = '\0';
    for (int i = 0; i < CUIS; i++) /* distinct cuisines of 9 letters */
        cuis[i] = i % 10 == 9 ? ',' : (char)('a' + (i / 10 + i % 10) % 26);
    cuis[CUIS] = '\0';
    memset(addr, 'A', ADDR);
    addr[ADDR] = '\0';
    snprintf(url, URL + 1, "https://example.com/");
    memset(url + 20, 'u', URL - 20);
    url[URL] = '\0';
    snprintf(name, NAME + 1, "Long Place ");
    memset(name + 11, 'n', NAME - 11);
    name[NAME] = '\0';
    snprintf(city, CITY + 1, "Longtown ");
    memset(city + 9, 'c', CITY - 9);
    city[CITY] = '\0';
    q.city = city;
    assert_true(sizeof(struct fc_restaurant) < 1024);

    snprintf(r.ext_id, sizeof r.ext_id, "t:long");
    assert_int_equal(fc_restaurant_set_name(&r, name), FC_OK);
    assert_int_equal(fc_restaurant_set_address(&r, addr), FC_OK);
    assert_int_equal(fc_restaurant_set_city(&r, city), FC_OK);
    assert_int_equal(fc_restaurant_set_cuisines(&r, cuis), FC_OK);
    assert_int_equal(fc_restaurant_set_hours(&r, hours), FC_OK);
    assert_int_equal(fc_restaurant_set_url(&r, url), FC_OK);
    assert_int_equal(S->ops->rest_upsert(S, &r), FC_OK);
    id = r.id;
    fc_restaurant_clear(&r);
    assert_null(r.hours);

    assert_int_equal(S->ops->rest_get(S, id, &r), FC_OK);
    assert_string_equal(r.hours, hours);
    assert_string_equal(r.cuisines, cuis);
    assert_string_equal(r.address, addr);
    assert_string_equal(r.url, url);
    assert_string_equal(r.name, name);
    assert_string_equal(r.city, city);
    assert_int_equal(fc_restaurant_copy(&copy, &r), FC_OK); /* a deep copy */
    assert_true(copy.hours != r.hours && copy.name != r.name);
    fc_restaurant_clear(&r);
    assert_string_equal(copy.hours, hours);
    assert_string_equal(copy.city, city);
    fc_restaurant_clear(&copy);

    ids[0] = id;
    ids[1] = 999999;
    assert_int_equal(S->ops->rest_get_many(S, ids, 2, many), FC_OK);
    assert_string_equal(many[0].hours, hours);
    assert_string_equal(many[0].cuisines, cuis);
    assert_string_equal(many[1].hours, "");
    fc_restaurant_clear(&many[0]);
    fc_restaurant_clear(&many[1]);

    assert_int_equal(S->ops->rest_search(S, &q, &rows, &n, &total), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].hours, hours);
    assert_string_equal(rows[0].url, url);
    fc_restaurants_free(rows, n);
    q.sort = FC_SORT_RATING; /* the other way a search reads its rows */
    assert_int_equal(S->ops->rest_search(S, &q, &rows, &n, &total), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].address, addr);
    assert_string_equal(rows[0].hours, hours);
    fc_restaurants_free(rows, n);

    assert_int_equal(S->ops->save_put(S, una, id, 100), FC_OK);
    assert_int_equal(S->ops->saves_of_user(S, una, &r, 1, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(r.hours, hours);
    fc_restaurant_clear(&r);
    assert_int_equal(S->ops->rest_view_get(S, id, una, &r, &saved, &mine, &count, &avg), FC_OK);
    assert_int_equal(saved, 1);
    assert_string_equal(r.hours, hours);
    assert_string_equal(r.name, name);
    fc_restaurant_clear(&r);
    fc_review_clear(&mine);
    assert_int_equal(S->ops->save_delete(S, una, id), FC_OK);

    /* a writer's NULL stores "" (the upsert by ext_id rewrites the place) */
    snprintf(r.ext_id, sizeof r.ext_id, "t:long");
    assert_int_equal(fc_restaurant_set_name(&r, name), FC_OK);
    assert_int_equal(fc_restaurant_set_city(&r, city), FC_OK);
    assert_int_equal(S->ops->rest_upsert(S, &r), FC_OK);
    assert_int_equal(r.id, id);
    fc_restaurant_clear(&r);
    assert_int_equal(S->ops->rest_get(S, id, &r), FC_OK);
    assert_string_equal(r.hours, "");
    assert_string_equal(r.cuisines, "");
    assert_string_equal(r.url, "");
    assert_string_equal(r.name, name);
    fc_restaurant_clear(&r);
    /* nothing: zeroed, nothing to free */
    memset(&r, 0xff, sizeof r);
    assert_int_equal(S->ops->rest_get(S, 999999, &r), FC_NOTFOUND);
    assert_null(r.hours);
    assert_null(r.name);
    fc_restaurants_free(NULL, 3);
    free(hours);
    free(cuis);
    free(addr);
    free(url);
    free(name);
    free(city);
}

/* The page cache's content version (core/pagecache.c): every write of what a page shows moves
 * it; a session's use and a view (the interaction log) do not. A backend without it (DynamoDB)
 * has no operation: the cache is off there. */
static void test_content_version(void **state)
{
    int64_t v0, v, wes;
    (void)state;
    if (!S->ops->content_version) {
        assert_string_equal(S->ops->name, "dynamodb");
        return;
    }
    assert_int_equal(S->ops->content_version(S, &v0), FC_OK);
    wes = mkuser("wes");
    assert_int_equal(S->ops->content_version(S, &v), FC_OK);
    assert_true(v > v0);
    v0 = v;
    assert_int_equal(S->ops->session_create(S, "cv-session", wes, 1000), FC_OK);
    assert_int_equal(S->ops->session_touch(S, "cv-session", 2000), FC_OK);
    assert_int_equal(S->ops->event_add(S, wes, r1, "view", 1, 2000), FC_OK);
    assert_int_equal(S->ops->content_version(S, &v), FC_OK);
    assert_true(v == v0);
    put_review(wes, r1, 4, 3000);
    assert_int_equal(S->ops->content_version(S, &v), FC_OK);
    assert_true(v > v0);
    v0 = v;
    assert_int_equal(S->ops->save_put(S, wes, r2, 3001), FC_OK);
    assert_int_equal(S->ops->content_version(S, &v), FC_OK);
    assert_true(v > v0);
    v0 = v;
    assert_int_equal(S->ops->avatar_set(S, wes, "avatar-key", 3002), FC_OK);
    assert_int_equal(S->ops->content_version(S, &v), FC_OK);
    assert_true(v > v0);
}

/* users_seen: users as a viewer sees them now, in the order asked, repeats and unknown ids
 * included, in one read however many (more than one BatchGetItem's 100 keys here). */
static void test_users_seen(void **state)
{
    (void)state;
    int64_t gus = mkuser("usgus"), hal = mkuser("ushal"), ivy = mkuser("usivy"),
            jay = mkuser("usjay");
    int64_t ids[5], many[160];
    struct fc_user_seen out[5], *lots;
    assert_int_equal(fc_store_relate_rc(S, gus, hal, FC_ACT_REQUEST, 1), FC_OK);
    assert_int_equal(fc_store_relate_rc(S, hal, gus, FC_ACT_ACCEPT, 2), FC_OK);
    assert_int_equal(fc_store_relate_rc(S, ivy, gus, FC_ACT_BLOCK, 3), FC_OK);
    assert_int_equal(fc_store_relate_rc(S, gus, jay, FC_ACT_REQUEST, 4), FC_OK);
    assert_int_equal(S->ops->user_set_flags(S, jay, 0, 1), FC_OK);
    ids[0] = hal, ids[1] = ivy, ids[2] = 987654321, ids[3] = jay, ids[4] = hal;
    assert_int_equal(S->ops->users_seen(S, gus, ids, 5, out), FC_OK);
    for (int i = 0; i < 5; i++)
        assert_int_equal(out[i].id, ids[i]);
    assert_true(out[0].exists && !out[0].disabled);
    assert_int_equal(out[0].rel, FC_REL_FRIEND);
    assert_string_equal(out[0].username, "ushal");
    assert_string_equal(out[0].display_name, "ushal D");
    assert_true(out[1].exists && !out[1].disabled);
    assert_int_equal(out[1].rel, FC_REL_BLOCKED_BY);
    assert_false(out[2].exists);
    assert_int_equal(out[2].rel, 0);
    assert_string_equal(out[2].username, "");
    assert_true(out[3].exists && out[3].disabled);
    assert_int_equal(out[3].rel, FC_REL_REQ_OUT);
    assert_int_equal(out[4].rel, FC_REL_FRIEND);
    assert_string_equal(out[4].username, "ushal");
    /* the other side, and an anonymous viewer: no relation */
    ids[0] = gus;
    assert_int_equal(S->ops->users_seen(S, ivy, ids, 1, out), FC_OK);
    assert_int_equal(out[0].rel, FC_REL_BLOCKED);
    assert_int_equal(S->ops->users_seen(S, jay, ids, 1, out), FC_OK);
    assert_int_equal(out[0].rel, FC_REL_REQ_IN);
    assert_int_equal(S->ops->users_seen(S, 0, ids, 1, out), FC_OK);
    assert_true(out[0].exists);
    assert_int_equal(out[0].rel, 0);
    assert_string_equal(out[0].username, "usgus");
    assert_int_equal(S->ops->users_seen(S, gus, ids, 0, out), FC_OK);
    /* an unfriending shows at once */
    assert_int_equal(fc_store_relate_rc(S, hal, gus, FC_ACT_REMOVE, 5), FC_OK);
    ids[0] = hal;
    assert_int_equal(S->ops->users_seen(S, gus, ids, 1, out), FC_OK);
    assert_int_equal(out[0].rel, 0);
    /* more users than one BatchGetItem takes */
    for (int i = 0; i < 160; i++)
        many[i] = i == 150 ? hal : 900000000 + i;
    assert_non_null(lots = calloc(160, sizeof *lots));
    assert_int_equal(S->ops->users_seen(S, gus, many, 160, lots), FC_OK);
    for (int i = 0; i < 160; i++) {
        assert_int_equal(lots[i].id, many[i]);
        assert_int_equal(lots[i].exists, i == 150);
    }
    assert_string_equal(lots[150].username, "ushal");
    free(lots);
}

/* rest_places: a city's restaurants in the search's name order with their catalog fields and
 * no rating totals; what this handle writes shows at once (DynamoDB keeps the catalog). */
static void test_rest_places(void **state)
{
    (void)state;
    struct fc_restaurant *rows = NULL, *want = NULL;
    struct fc_rest_query q = {
        .text = "", .cuisine = "", .price = "", .city = "Cuernavaca", .limit = 100};
    int n = 0, nw = 0, total = 0, seen_r1 = 0;
    int64_t uma = mkuser("plcuma"), r4;
    put_review(uma, r1, 5, 1000);
    assert_int_equal(S->ops->rest_search(S, &q, &want, &nw, &total), FC_OK);
    assert_true(nw >= 2);
    assert_int_equal(S->ops->rest_places(S, "Cuernavaca", 100, &rows, &n), FC_OK);
    assert_int_equal(n, nw);
    for (int i = 0; i < n; i++) {
        assert_int_equal(rows[i].id, want[i].id); /* the search's name order */
        assert_string_equal(rows[i].name, want[i].name);
        assert_string_equal(rows[i].cuisines, want[i].cuisines);
        assert_string_equal(rows[i].city, "Cuernavaca");
        assert_int_equal(rows[i].review_count, 0); /* no rating totals */
        assert_true(rows[i].avg_stars == 0);
        seen_r1 |= rows[i].id == r1;
    }
    assert_true(seen_r1);
    fc_restaurants_free(rows, n);
    assert_int_equal(S->ops->rest_places(S, "Cuernavaca", 1, &rows, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, want[0].id);
    fc_restaurants_free(rows, n);
    fc_restaurants_free(want, nw);
    assert_int_equal(S->ops->rest_places(S, "Atlantis", 10, &rows, &n), FC_OK);
    assert_int_equal(n, 0);
    fc_restaurants_free(rows, n);
    /* written through this store: there at once, also when the catalog was just read */
    r4 = mkrest("t:places", "Aaa Primero", "Cuernavaca", "Mexican");
    assert_int_equal(S->ops->rest_places(S, "Cuernavaca", 100, &rows, &n), FC_OK);
    assert_int_equal(n, nw + 1);
    assert_int_equal(rows[0].id, r4);
    fc_restaurants_free(rows, n);
    assert_int_equal(S->ops->rest_places(S, "", 1000, &rows, &n), FC_OK);
    assert_true(n >= nw + 2); /* and San Luis Potosi's */
    fc_restaurants_free(rows, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_users),
        cmocka_unit_test(test_store_health_figures),
        cmocka_unit_test(test_sessions_and_failures),
        cmocka_unit_test(test_restaurants),
        cmocka_unit_test(test_reviews_and_privacy),
        cmocka_unit_test(test_friends),
        cmocka_unit_test(test_relation_set),
        cmocka_unit_test(test_saves_events_feed),
        cmocka_unit_test(test_friends_recommend_window),
        cmocka_unit_test(test_rest_get_many),
        cmocka_unit_test(test_feed_follows_writes),
        cmocka_unit_test(test_reviews_with_photo),
        cmocka_unit_test(test_people_relation),
        cmocka_unit_test(test_may_see),
        cmocka_unit_test(test_review_visited),
        cmocka_unit_test(test_review_long_body),
        cmocka_unit_test(test_user_long_text),
        cmocka_unit_test(test_discovery),
        cmocka_unit_test(test_talk),
        cmocka_unit_test(test_reset_links),
        cmocka_unit_test(test_ratings_of_user),
        cmocka_unit_test(test_avatars),
        cmocka_unit_test(test_save_notes),
        cmocka_unit_test(test_rest_long_text),
        cmocka_unit_test(test_content_version),
        cmocka_unit_test(test_users_seen),
        cmocka_unit_test(test_rest_places),
    };
    return cmocka_run_group_tests_name("store contract", tests, setup, teardown);
}
