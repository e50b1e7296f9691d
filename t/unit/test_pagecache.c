/* Unit tests of the page cache's store (cgi/core/pagecache.c): a kept page is found by its
 * exact key under the same stamp only, any other stamp drops everything, the least recently
 * used pages go first to stay within the byte cap, a page over the cap is never kept, and the
 * bytes it counts come back to 0 (ASan: every entry freed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/pagecache.h"
#include "core/util.h"

static const struct fc_pagecache_stamp S1 = {7, 1000, 1, 0};

static struct fc_pagecache_page page_of(const char *body, size_t n)
{
    struct fc_pagecache_page p = {"Content-Type: text/html\r\n", 25, body, n, 1, 0};
    return p;
}

static size_t used(struct fc_pagecache *pc)
{
    struct fc_pagecache_stats st;
    fc_pagecache_get_stats(pc, &st);
    return st.used;
}

static int has(struct fc_pagecache *pc, const char *key, const struct fc_pagecache_stamp *s)
{
    struct fc_pagecache_page out;
    return fc_pagecache_find(pc, key, strlen(key), s, &out);
}

static void test_off(void **state)
{
    (void)state;
    assert_null(fc_pagecache_new(0));
    fc_pagecache_free(NULL);
}

static void test_hit_exact_key(void **state)
{
    struct fc_pagecache *pc = fc_pagecache_new(1 << 20);
    struct fc_pagecache_page p = page_of("<p>one</p>", 10), out;
    (void)state;
    assert_int_equal(has(pc, "1\ns:aa\nc\n/feed?", &S1), 0); /* stamps the cache */
    assert_int_equal(fc_pagecache_put(pc, "1\ns:aa\nc\n/feed?", 16, &S1, &p), FC_OK);
    assert_int_equal(fc_pagecache_find(pc, "1\ns:aa\nc\n/feed?", 16, &S1, &out), 1);
    assert_int_equal(out.body_len, 10);
    assert_memory_equal(out.body, "<p>one</p>", 10);
    assert_int_equal(out.headers_len, 25);
    assert_int_equal(out.sent_type, 1);
    /* another session, another user, another query: not this page */
    assert_int_equal(has(pc, "1\ns:ab\nc\n/feed?", &S1), 0);
    assert_int_equal(has(pc, "2\ns:aa\nc\n/feed?", &S1), 0);
    assert_int_equal(has(pc, "1\ns:aa\nc\n/feed?after=x", &S1), 0);
    assert_int_equal(has(pc, "1\ns:aa\nc\n/feed", &S1), 0);
    fc_pagecache_free(pc);
}

static void test_stamp_drops_all(void **state)
{
    struct fc_pagecache *pc = fc_pagecache_new(1 << 20);
    struct fc_pagecache_page p = page_of("x", 1);
    struct fc_pagecache_stamp s2 = S1, s3 = S1, s4 = S1;
    (void)state;
    s2.version++;
    s3.minute++;
    s4.rec_builds++;
    has(pc, "k", &S1);
    fc_pagecache_put(pc, "k", 1, &S1, &p);
    assert_int_equal(has(pc, "k", &S1), 1);
    assert_int_equal(has(pc, "k", &s2), 0); /* a write: dropped */
    assert_int_equal(used(pc), 0);
    /* a page rendered under the old stamp is not kept under the new one */
    fc_pagecache_put(pc, "k", 1, &S1, &p);
    assert_int_equal(has(pc, "k", &s2), 0);
    fc_pagecache_put(pc, "k", 1, &s2, &p);
    assert_int_equal(has(pc, "k", &s2), 1);
    assert_int_equal(has(pc, "k", &s3), 0); /* the next minute */
    fc_pagecache_put(pc, "k", 1, &s3, &p);
    assert_int_equal(has(pc, "k", &s4), 0); /* a new model */
    fc_pagecache_free(pc);
}

static void test_cap_lru(void **state)
{
    char body[1000], key[8];
    struct fc_pagecache_page p;
    struct fc_pagecache *pc = fc_pagecache_new(3500);
    struct fc_pagecache_stats st;
    (void)state;
    memset(body, 'x', sizeof body);
    p = page_of(body, sizeof body);
    has(pc, "-", &S1);
    for (int i = 0; i < 10; i++) {
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(fc_pagecache_put(pc, key, strlen(key), &S1, &p), FC_OK);
        assert_true(used(pc) <= 3500);
        if (i == 1)
            assert_int_equal(has(pc, "k0", &S1), 1); /* k0 used: k1 is the oldest now */
    }
    fc_pagecache_get_stats(pc, &st);
    assert_int_equal(st.entries, 3);
    assert_int_equal(st.stored, 10);
    assert_int_equal(st.evicted, 7);
    assert_int_equal(has(pc, "k9", &S1), 1);
    assert_int_equal(has(pc, "k8", &S1), 1);
    assert_int_equal(has(pc, "k7", &S1), 1);
    assert_int_equal(has(pc, "k0", &S1), 0);
    /* the same key again replaces its page */
    p = page_of("short", 5);
    fc_pagecache_put(pc, "k9", 2, &S1, &p);
    fc_pagecache_get_stats(pc, &st);
    assert_int_equal(st.entries, 3);
    {
        struct fc_pagecache_page out;
        assert_int_equal(fc_pagecache_find(pc, "k9", 2, &S1, &out), 1);
        assert_int_equal(out.body_len, 5);
    }
    fc_pagecache_free(pc);
}

static void test_over_cap_never_kept(void **state)
{
    static char body[5000];
    struct fc_pagecache *pc = fc_pagecache_new(4000);
    struct fc_pagecache_page p = page_of(body, sizeof body), small = page_of("s", 1);
    (void)state;
    has(pc, "-", &S1);
    fc_pagecache_put(pc, "small", 5, &S1, &small);
    assert_int_equal(fc_pagecache_put(pc, "big", 3, &S1, &p), FC_OK);
    assert_int_equal(has(pc, "big", &S1), 0);
    assert_int_equal(has(pc, "small", &S1), 1); /* and nothing was evicted for it */
    assert_true(used(pc) <= 4000);
    fc_pagecache_free(pc);
}

/* A borrowed page stays readable (ASan: not freed) while it is lent, whatever happens to the
 * cache meanwhile, and is freed on the give-back (LeakSanitizer: not leaked). */
static void test_borrow_outlives_drop(void **state)
{
    char body[1000];
    struct fc_pagecache *pc = fc_pagecache_new(2500);
    struct fc_pagecache_page p, a, b, out;
    struct fc_pagecache_stamp s2 = S1;
    struct fc_pagecache_loan *la, *lb, *lc, *none;
    (void)state;
    memset(body, 'a', sizeof body);
    p = page_of(body, sizeof body);
    has(pc, "-", &S1);
    fc_pagecache_put(pc, "a", 1, &S1, &p);
    assert_int_equal(fc_pagecache_borrow(pc, "nope", 4, &S1, &out, &none), 0);
    assert_null(none);
    fc_pagecache_give_back(none); /* a no-op */
    assert_int_equal(fc_pagecache_borrow(pc, "a", 1, &S1, &a, &la), 1);
    assert_non_null(la);
    assert_int_equal(a.body_len, 1000);
    /* evicted while lent (two more pages do not fit beside it) */
    memset(body, 'b', sizeof body);
    fc_pagecache_put(pc, "b", 1, &S1, &p);
    fc_pagecache_put(pc, "c", 1, &S1, &p);
    assert_int_equal(has(pc, "a", &S1), 0);
    assert_true(a.body[0] == 'a' && a.body[999] == 'a');
    /* flushed by a new stamp while lent, twice over */
    assert_int_equal(fc_pagecache_borrow(pc, "c", 1, &S1, &b, &lb), 1);
    assert_int_equal(fc_pagecache_borrow(pc, "c", 1, &S1, &out, &lc), 1);
    s2.version++;
    assert_int_equal(has(pc, "c", &s2), 0);
    fc_pagecache_give_back(lc);
    assert_true(b.body[0] == 'b' && b.body[999] == 'b'); /* one loan still out */
    fc_pagecache_give_back(la);
    /* the cache freed while lent: the page is freed on the give-back */
    fc_pagecache_put(pc, "d", 1, &s2, &p);
    assert_int_equal(fc_pagecache_borrow(pc, "d", 1, &s2, &out, &lc), 1);
    fc_pagecache_free(pc);
    assert_true(out.body[0] == 'b' && out.body_len == 1000);
    fc_pagecache_give_back(lc);
    fc_pagecache_give_back(lb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_off),
        cmocka_unit_test(test_hit_exact_key),
        cmocka_unit_test(test_stamp_drops_all),
        cmocka_unit_test(test_cap_lru),
        cmocka_unit_test(test_over_cap_never_kept),
        cmocka_unit_test(test_borrow_outlives_drop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
