/* Unit tests: scrypt hashing, verification, re-hash detection and the password policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "auth/password.h"
#include "core/util.h"

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
        cmocka_unit_test(test_policy),
    };
    return cmocka_run_group_tests_name("password", tests, NULL, NULL);
}
