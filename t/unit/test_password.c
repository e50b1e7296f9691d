/* Unit tests: scrypt hashing, verification, re-hash detection (also of the demo import's cheap
 * hashes) and the password policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "auth/password.h"
#include "core/util.h"
#include "import/uci.h"

static const struct fc_scrypt_params LOW = {10, 8, 1};

static void test_hash_verify(void **state)
{
    (void)state;
    char h1[256], h2[256];
    assert_int_equal(fc_password_hash("correct horse battery", &LOW, h1, sizeof h1), FC_OK);
    assert_int_equal(fc_password_hash("correct horse battery", &LOW, h2, sizeof h2), FC_OK);
    assert_true(strncmp(h1, "$scrypt$ln=10,r=8,p=1$", 22) == 0);
    assert_string_not_equal(h1, h2); /* per-hash random salt */
    assert_true(fc_password_verify("correct horse battery", h1));
    assert_true(fc_password_verify("correct horse battery", h2));
    assert_false(fc_password_verify("correct horse batterY", h1));
    assert_false(fc_password_verify("", h1));
}

static void test_malformed_stored(void **state)
{
    (void)state;
    assert_false(fc_password_verify("x", ""));
    assert_false(fc_password_verify("x", "$scrypt$ln=99,r=8,p=1$00$00"));
    assert_false(fc_password_verify("x", "plaintext"));
}

static void test_params_kept_and_rehash(void **state)
{
    (void)state;
    char h[256];
    struct fc_scrypt_params stronger = {11, 8, 1}, same = LOW;
    assert_int_equal(fc_password_hash("abcdefghijk", &LOW, h, sizeof h), FC_OK);
    assert_false(fc_password_needs_rehash(h, &same));
    assert_true(fc_password_needs_rehash(h, &stronger));
    /* a hash made with other parameters still verifies: they are read from the hash */
    assert_true(fc_password_verify("abcdefghijk", h));
}

/* The demo import's cheap hashes: never above the configured cost, and always re-made at it
 * at the first log-in (cgi/auth/local.c asks fc_password_needs_rehash). */
static void test_demo_params(void **state)
{
    (void)state;
    struct fc_scrypt_params full = {12, 8, 2}, demo, tiny = {4, 8, 1};
    char h[256], again[256];
    fc_uci_demo_params(&full, &demo);
    assert_int_equal(demo.log_n, FC_UCI_DEMO_LOGN);
    assert_int_equal(demo.r, 8);
    assert_int_equal(demo.p, 1);
    assert_int_equal(fc_password_hash("forkcast-demo", &demo, h, sizeof h), FC_OK);
    assert_true(strncmp(h, "$scrypt$ln=10,r=8,p=1$", 22) == 0);
    assert_true(fc_password_verify("forkcast-demo", h));
    assert_true(fc_password_needs_rehash(h, &full));
    assert_int_equal(fc_password_hash("forkcast-demo", &full, again, sizeof again), FC_OK);
    assert_false(fc_password_needs_rehash(again, &full));
    /* a configured cost below the demo one is kept (valgrind runs use ln=4) */
    fc_uci_demo_params(&tiny, &demo);
    assert_int_equal(demo.log_n, 4);
    assert_int_equal(demo.p, 1);
}

static void test_policy(void **state)
{
    (void)state;
    assert_null(fc_password_policy("tacos al pastor!", "ana", 10));
    assert_non_null(fc_password_policy("short", "ana", 10));
    assert_non_null(fc_password_policy("aaaaaaaaaaaaaa", "ana", 10));
    assert_non_null(fc_password_policy("my-name-is-anabel", "anabel", 10));
    assert_non_null(fc_password_policy("password123", "ana", 10));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_verify),
        cmocka_unit_test(test_malformed_stored),
        cmocka_unit_test(test_params_kept_and_rehash),
        cmocka_unit_test(test_demo_params),
        cmocka_unit_test(test_policy),
    };
    return cmocka_run_group_tests_name("password", tests, NULL, NULL);
}
