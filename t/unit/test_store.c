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
    struct fc_user u;
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
    snprintf(r.name, sizeof r.name, "%s", name);
    snprintf(r.city, sizeof r.city, "%s", city);
    snprintf(r.price, sizeof r.price, "low");
    snprintf(r.cuisines, sizeof r.cuisines, "%s", cuisines);
    assert_int_equal(S->ops->rest_upsert(S, &r), FC_OK);
    return r.id;
}

static void put_review(int64_t user, int64_t rest, int stars, int64_t at)
{
    struct fc_review r;
    memset(&r, 0, sizeof r);
    r.user_id = user;
    r.restaurant_id = rest;
    r.stars = stars;
    r.created_at = r.updated_at = at;
    snprintf(r.body, sizeof r.body, "review %d", stars);
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
    struct fc_user u;
    assert_int_equal(S->ops->user_by_name(S, "ANA", &u), FC_OK); /* case-insensitive */
    assert_int_equal(u.id, ana);
    assert_string_equal(u.email, "ana@example.com");
    memset(&u, 0, sizeof u);
    snprintf(u.username, sizeof u.username, "Ana");
    snprintf(u.email, sizeof u.email, "other@example.com");
    assert_int_equal(S->ops->user_create(S, &u), FC_EXISTS);
    snprintf(u.username, sizeof u.username, "ana-2");
    snprintf(u.email, sizeof u.email, "ANA@example.com");
    assert_int_equal(S->ops->user_create(S, &u), FC_EXISTS);
    assert_int_equal(S->ops->user_get(S, 999999, &u), FC_NOTFOUND);
    assert_int_equal(S->ops->user_get(S, ana, &u), FC_OK);
    snprintf(u.bio, sizeof u.bio, "hola");
    snprintf(u.cuisines, sizeof u.cuisines, "Mexican,Japanese");
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
    assert_int_equal(S->ops->user_set_flags(S, ana, 1, 0), FC_OK);
    assert_int_equal(S->ops->user_set_password(S, ana, "newhash"), FC_OK);
    assert_int_equal(S->ops->user_get(S, ana, &u), FC_OK);
    assert_string_equal(u.bio, "hola");
    assert_string_equal(u.cuisines, "Mexican,Japanese");
    assert_string_equal(u.pw_hash, "newhash");
    assert_int_equal(u.is_admin, 1);

    /* by e-mail (case-insensitive), and linking an outside identity once */
    assert_int_equal(S->ops->user_by_email(S, "BOB@example.com", &u), FC_OK);
    assert_int_equal(u.id, bob);
    assert_int_equal(S->ops->user_by_email(S, "nobody@example.com", &u), FC_NOTFOUND);
    assert_int_equal(S->ops->user_by_ext(S, "cognito:sub-1", &u), FC_NOTFOUND);
    assert_int_equal(S->ops->user_link_auth(S, bob, "cognito:sub-1"), FC_OK);
    assert_int_equal(S->ops->user_by_ext(S, "cognito:sub-1", &u), FC_OK);
    assert_int_equal(u.id, bob);
    assert_string_equal(u.auth_id, "cognito:sub-1");
    assert_string_equal(u.ext_id, "bob-ext");
    assert_int_equal(S->ops->user_link_auth(S, bob, "cognito:sub-2"), FC_EXISTS);
    assert_int_equal(S->ops->user_link_auth(S, cy, "cognito:sub-1"), FC_EXISTS);
    assert_int_equal(S->ops->user_link_auth(S, cy, "bob-ext"), FC_EXISTS);
    assert_int_equal(S->ops->user_link_auth(S, 999999, "cognito:sub-3"), FC_EXISTS);
    assert_int_equal(S->ops->user_by_ext(S, "bob-ext", &u), FC_OK); /* still found by ext_id */
    assert_int_equal(u.id, bob);
    assert_int_equal(S->ops->user_get(S, cy, &u), FC_OK);
    assert_string_equal(u.auth_id, "");
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
    assert_int_equal(S->ops->session_delete(S, "h1"), FC_OK);
    assert_int_equal(S->ops->session_get(S, "h1", &uid, &created, &seen), FC_NOTFOUND);
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
    HDF *h;
    assert_int_equal(S->ops->rest_search(S, &q, &rows, &n, &total), FC_OK);
    assert_int_equal(total, 3);
    assert_string_equal(rows[0].name, "Cafe 50% Tres"); /* by name */
    free(rows);
    q.text = "50%";
    assert_int_equal(S->ops->rest_search(S, &q, &rows, &n, &total), FC_OK);
    assert_int_equal(total, 1); /* % is literal */
    free(rows);
    q.text = "";
    q.cuisine = "Seafood";
    q.city = "Cuernavaca";
    assert_int_equal(S->ops->rest_search(S, &q, &rows, &n, &total), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, r2);
    free(rows);
    q.cuisine = "";
    q.city = "";
    q.limit = 2;
    q.offset = 2;
    assert_int_equal(S->ops->rest_search(S, &q, &rows, &n, &total), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 3);
    free(rows);
    /* upsert by ext id changes in place */
    assert_int_equal(mkrest("t:2", "Sushi Dos", "Cuernavaca", "Japanese"), r2);
    assert_int_equal(S->ops->rest_get(S, r2, &r), FC_OK);
    assert_string_equal(r.cuisines, "Japanese");
    assert_int_equal(S->ops->rest_get(S, 424242, &r), FC_NOTFOUND);
    hdf_init(&h);
    assert_int_equal(S->ops->rest_facets(S, h, NULL), FC_OK);
    assert_string_equal(hdf_get_value(h, "0", ""), "Cafeteria");
    assert_null(hdf_get_value(h, "3", NULL));
    hdf_destroy(&h);
}

static void test_reviews_and_privacy(void **state)
{
    (void)state;
    struct fc_review rv;
    struct fc_review_row rows[10];
    struct fc_restaurant r;
    struct fc_user u;
    int n, count;
    double avg;
    put_review(bob, r1, 5, 1000);
    put_review(cy, r1, 2, 2000);
    assert_int_equal(S->ops->rest_get(S, r1, &r), FC_OK);
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
    assert_int_equal(rv.stars, 5);
    assert_int_equal(S->ops->review_get(S, rv.id, &rv), FC_OK);
    assert_int_equal(S->ops->review_count_user(S, bob, &count), FC_OK);
    assert_int_equal(count, 1);
    /* friends first */
    assert_int_equal(fc_store_relate_rc(S, ana, bob, FC_ACT_BEFRIEND, 10), FC_OK);
    assert_int_equal(S->ops->reviews_of_restaurant(S, r1, ana, rows, 10, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].r.user_id, bob);
    assert_int_equal(rows[0].by_friend, 1);
    assert_int_equal(S->ops->friends_rating(S, ana, r1, &count, &avg), FC_OK);
    assert_int_equal(count, 1);
    assert_true(avg > 4.9);
    /* friends-only: cy can't see bob's review, ana (friend) can, bob himself can */
    assert_int_equal(S->ops->user_get(S, bob, &u), FC_OK);
    snprintf(u.visibility, sizeof u.visibility, "friends");
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
    assert_int_equal(S->ops->reviews_of_restaurant(S, r1, cy, rows, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].r.user_id, cy);
    assert_int_equal(S->ops->reviews_of_restaurant(S, r1, 0, rows, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(S->ops->reviews_by_user(S, bob, ana, rows, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(S->ops->reviews_by_user(S, bob, bob, rows, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(S->ops->reviews_by_user(S, bob, cy, rows, 10, &n), FC_OK);
    assert_int_equal(n, 0);
    snprintf(u.visibility, sizeof u.visibility, "public");
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
    /* blocks hide both ways */
    assert_int_equal(fc_store_relate_rc(S, cy, bob, FC_ACT_BLOCK, 20), FC_OK);
    assert_int_equal(S->ops->reviews_of_restaurant(S, r1, bob, rows, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(S->ops->reviews_of_restaurant(S, r1, cy, rows, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(fc_store_relate_rc(S, cy, bob, FC_ACT_UNBLOCK, 0), FC_OK);
    /* delete */
    assert_int_equal(S->ops->review_get_by(S, cy, r1, &rv), FC_OK);
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
    assert_int_equal(S->ops->event_add(S, gus, r2, "save", 1, 300), FC_OK);
    assert_int_equal(S->ops->event_count(S, gus, "save", &count), FC_OK);
    assert_int_equal(count, 1);
    put_review(gus, r1, 5, 200);
    put_review(gus, r3, 4, 300); /* same time as the save: ties broken by kind, then id */
    assert_int_equal(S->ops->feed(S, fay, NULL, it, 10, &n), FC_OK);
    assert_int_equal(n, 0); /* not friends */
    assert_int_equal(fc_store_relate_rc(S, fay, gus, FC_ACT_BEFRIEND, 1), FC_OK);
    assert_int_equal(S->ops->feed(S, fay, NULL, it, 10, &n), FC_OK);
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
    assert_int_equal(n, 1);
    assert_int_equal(it[0].restaurant_id, r3);
    assert_int_equal(S->ops->friends_recommend(S, fay, fr, 5, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(fr[0].who, "gus D");
    assert_int_equal(S->ops->save_delete(S, gus, r2), FC_OK);
    assert_int_equal(S->ops->save_exists(S, gus, r2, &yes), FC_OK);
    assert_false(yes);
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
    assert_int_equal(r.review_count, 0);
    put_review(ivy, r4, 4, 500);
    put_review(jo, r4, 1, 501);
    assert_int_equal(S->ops->rest_get(S, r4, &r), FC_OK);
    assert_int_equal(r.review_count, 2);
    assert_int_equal((int)(r.avg_stars * 100 + 0.5), 250);
    put_review(ivy, r4, 5, 502); /* a second review of the place replaces the first */
    assert_int_equal(S->ops->rest_get(S, r4, &r), FC_OK);
    assert_int_equal(r.review_count, 2);
    assert_int_equal((int)(r.avg_stars * 100 + 0.5), 300);
    assert_int_equal(S->ops->feed(S, hal, NULL, it, 10, &n), FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(fc_store_relate_rc(S, hal, ivy, FC_ACT_BEFRIEND, 503), FC_OK);
    assert_int_equal(S->ops->feed(S, hal, NULL, it, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(it[0].kind, FC_FEED_REVIEW);
    assert_int_equal(it[0].user_id, ivy);
    assert_int_equal(it[0].restaurant_id, r4);
    assert_int_equal(it[0].stars, 5);
    assert_int_equal(S->ops->save_put(S, ivy, r2, 510), FC_OK);
    assert_int_equal(S->ops->feed(S, hal, NULL, it, 10, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(it[0].kind, FC_FEED_SAVE);
    assert_int_equal(it[0].restaurant_id, r2);
    assert_int_equal(S->ops->save_delete(S, ivy, r2), FC_OK);
    assert_int_equal(S->ops->feed(S, hal, NULL, it, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(fc_store_relate_rc(S, hal, jo, FC_ACT_BEFRIEND, 511), FC_OK);
    assert_int_equal(S->ops->feed(S, hal, NULL, it, 10, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(it[0].user_id, jo);
    assert_int_equal(S->ops->review_get_by(S, jo, r4, &rv), FC_OK);
    assert_int_equal(S->ops->review_delete(S, rv.id), FC_OK);
    assert_int_equal(S->ops->feed(S, hal, NULL, it, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(it[0].user_id, ivy);
    assert_int_equal(S->ops->rest_get(S, r4, &r), FC_OK);
    assert_int_equal(r.review_count, 1);
    assert_int_equal((int)(r.avg_stars * 100 + 0.5), 500);
    assert_int_equal(fc_store_relate_rc(S, hal, ivy, FC_ACT_REMOVE, 0), FC_OK);
    assert_int_equal(S->ops->feed(S, hal, NULL, it, 10, &n), FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(S->ops->feed(S, ivy, NULL, it, 10, &n), FC_OK);
    assert_int_equal(n, 0);
}

/* Writes user's review of rest with a photo ("" for none), stars 4, at time at. */
static void put_photo_review(int64_t user, int64_t rest, const char *photo, int64_t at)
{
    struct fc_review r;
    memset(&r, 0, sizeof r);
    r.user_id = user;
    r.restaurant_id = rest;
    r.stars = 4;
    r.created_at = r.updated_at = at;
    snprintf(r.body, sizeof r.body, "with photo");
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
    struct fc_user u;
    int n;

    put_photo_review(pat, r2, P, 3000);
    assert_int_equal(photo_seen(P, 0), 1); /* public: anonymous, a stranger, the author */
    assert_int_equal(photo_seen(P, quin), 1);
    assert_int_equal(photo_seen(P, pat), 1);
    assert_int_equal(S->ops->reviews_with_photo(S, P, 0, out, 4, &n), FC_OK);
    assert_int_equal(out[0].user_id, pat);
    assert_int_equal(out[0].restaurant_id, r2);
    assert_int_equal(out[0].stars, 4);
    assert_int_equal(photo_seen(Q, 0), 0);  /* no review carries it */
    assert_int_equal(photo_seen("", 0), 0); /* reviews without a photo are not "" photos */
    assert_int_equal(S->ops->reviews_with_photo(S, P, 0, out, 0, &n), FC_OK);
    assert_int_equal(n, 0);

    /* friends only: the friend and the author, no one else */
    assert_int_equal(fc_store_relate_rc(S, pat, rae, FC_ACT_BEFRIEND, 3001), FC_OK);
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
    assert_int_equal(n, 2);
    assert_int_equal(out[0].user_id, quin);
    assert_int_equal(out[1].user_id, pat);
    assert_int_equal(S->ops->reviews_with_photo(S, P, 0, out, 1, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].user_id, quin);
    assert_int_equal(S->ops->user_get(S, quin, &u), FC_OK);
    snprintf(u.visibility, sizeof u.visibility, "friends");
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
    assert_int_equal(S->ops->reviews_with_photo(S, P, 0, out, 4, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].user_id, pat);
    snprintf(u.visibility, sizeof u.visibility, "public");
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);

    /* a rewrite with another photo moves it; one without a photo drops it */
    put_photo_review(pat, r2, Q, 3020);
    assert_int_equal(photo_seen(Q, 0), 1);
    assert_int_equal(S->ops->reviews_with_photo(S, P, pat, out, 4, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].user_id, quin);
    put_photo_review(pat, r2, "", 3030);
    assert_int_equal(photo_seen(Q, pat), 0);
    put_photo_review(pat, r2, Q, 3040);
    assert_int_equal(photo_seen(Q, 0), 1);
    /* a deleted review shows its photo to no one, its author included */
    assert_int_equal(S->ops->review_get_by(S, quin, r3, &rv), FC_OK);
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
    struct fc_user u;
    int n;
    int64_t kim = mkuser("kim"), lou = mkuser("lou"), mia = mkuser("mia"), ned = mkuser("ned");
    (void)state;
    /* kim: friends-only with a city */
    assert_int_equal(S->ops->user_get(S, kim, &u), FC_OK);
    snprintf(u.visibility, sizeof u.visibility, "friends");
    snprintf(u.city, sizeof u.city, "Tepoztlan");
    assert_int_equal(S->ops->user_update_profile(S, &u), FC_OK);
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
    assert_string_equal(got.visited, "2026-03");
    assert_int_equal(S->ops->review_get(S, got.id, &got), FC_OK);
    assert_string_equal(got.visited, "2026-03");
    assert_int_equal(S->ops->reviews_by_user(S, hal, hal, rows, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].r.visited, "2026-03");
    assert_int_equal(S->ops->reviews_of_restaurant(S, r2, ivy, rows, 10, &n), FC_OK);
    assert_true(n >= 1);
    for (int i = 0; i < n; i++)
        if (rows[i].r.user_id == hal)
            assert_string_equal(rows[i].r.visited, "2026-03");
    assert_int_equal(fc_store_relate_rc(S, ivy, hal, FC_ACT_BEFRIEND, 1), FC_OK);
    assert_int_equal(S->ops->feed(S, ivy, NULL, it, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(it[0].visited, "2026-03");
    /* a rewrite without it clears it; another month replaces it */
    r.visited[0] = '\0';
    r.updated_at = 800;
    assert_int_equal(S->ops->review_put(S, &r, 1), FC_OK);
    assert_int_equal(S->ops->review_get_by(S, hal, r2, &got), FC_OK);
    assert_string_equal(got.visited, "");
    snprintf(r.visited, sizeof r.visited, "2025-12");
    assert_int_equal(S->ops->review_put(S, &r, 1), FC_OK);
    assert_int_equal(S->ops->review_get_by(S, hal, r2, &got), FC_OK);
    assert_string_equal(got.visited, "2025-12");
    assert_int_equal(S->ops->feed(S, ivy, NULL, it, 10, &n), FC_OK);
    assert_string_equal(it[0].visited, "2025-12");
    free(rows);
    free(it);
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
        cmocka_unit_test(test_rest_get_many),
        cmocka_unit_test(test_feed_follows_writes),
        cmocka_unit_test(test_reviews_with_photo),
        cmocka_unit_test(test_people_relation),
        cmocka_unit_test(test_may_see),
        cmocka_unit_test(test_review_visited),
        cmocka_unit_test(test_avatars),
    };
    return cmocka_run_group_tests_name("store contract", tests, setup, teardown);
}
