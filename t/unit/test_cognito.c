/* Unit tests: the Cognito backend's pure parts: SECRET_HASH, Cognito errors to form messages,
 * and the sealing of a session's tokens (auth/cognito.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "auth/cognito.h"
#include "core/util.h"

static void test_secret_hash(void **state)
{
    (void)state;
    char h[64];
    /* base64(HMAC-SHA256(secret, username + client id)), computed independently with Python */
    assert_int_equal(
        fc_cognito_secret_hash("1example23456789secret", "ana", "7rkbs5dtsmq1l5j0bsd4s2kaca", h),
        FC_OK);
    assert_string_equal(h, "zcRNzDvj4jkYcjtMvXthX95OSO1ncz8dQnD9n6SmwuU=");
    assert_int_equal(
        fc_cognito_secret_hash("1example23456789secret", "anA", "7rkbs5dtsmq1l5j0bsd4s2kaca", h),
        FC_OK);
    assert_string_not_equal(h, "zcRNzDvj4jkYcjtMvXthX95OSO1ncz8dQnD9n6SmwuU=");
}

struct mapping {
    enum fc_cognito_op op;
    const char *code, *message;
    int rc;
    const char *field, *says;
};

static void test_error_messages(void **state)
{
    (void)state;
    static const struct mapping m[] = {
        {FC_COGNITO_SIGNUP, "UsernameExistsException", "User already exists", FC_EXISTS, "username",
         "That username is taken"},
        {FC_COGNITO_LOGIN, "NotAuthorizedException", "Incorrect username or password.", FC_EAUTH,
         "password", "Wrong username or password"},
        {FC_COGNITO_LOGIN, "NotAuthorizedException", "User is disabled.", FC_EDISABLED, "",
         "disabled"},
        {FC_COGNITO_LOGIN, "NotAuthorizedException", "Password attempts exceeded", FC_ETHROTTLE, "",
         "Too many failed log-ins"},
        {FC_COGNITO_LOGIN, "UserNotFoundException", "User does not exist.", FC_EAUTH, "password",
         "Wrong username or password"},
        {FC_COGNITO_LOGIN, "UserNotConfirmedException", "User is not confirmed.", FC_AUTH_CONFIRM,
         "", "Confirm your account first"},
        {FC_COGNITO_LOGIN, "PasswordResetRequiredException", "", FC_EAUTH, "", "new password"},
        {FC_COGNITO_CONFIRM, "CodeMismatchException", "Invalid verification code", FC_EINVAL,
         "code", "That code is wrong"},
        {FC_COGNITO_CONFIRM, "ExpiredCodeException", "", FC_EINVAL, "code", "expired"},
        {FC_COGNITO_CONFIRM, "NotAuthorizedException",
         "User cannot be confirmed. Current status is CONFIRMED", FC_EXISTS, "",
         "already confirmed"},
        {FC_COGNITO_CONFIRM, "UserNotFoundException", "", FC_EINVAL, "code", "That code is wrong"},
        {FC_COGNITO_RESEND, "UserNotFoundException", "", FC_OK, "", ""},
        {FC_COGNITO_FORGOT, "UserNotFoundException", "", FC_OK, "", ""},
        {FC_COGNITO_RESEND, "InvalidParameterException", "User is already confirmed.", FC_EXISTS,
         "", "already confirmed"},
        {FC_COGNITO_FORGOT, "InvalidParameterException",
         "Cannot reset password for the user as there is no registered/verified email or "
         "phone_number",
         FC_EINVAL, "username", "no confirmed e-mail"},
        {FC_COGNITO_SIGNUP, "InvalidPasswordException",
         "Password did not conform with policy: Password must have numeric characters", FC_EINVAL,
         "password", "Choose a stronger password: Password must have numeric characters"},
        {FC_COGNITO_CONFIRM_FORGOT, "InvalidPasswordException",
         "Password did not conform with policy: Password not long enough", FC_EINVAL, "password",
         "Password not long enough"},
        {FC_COGNITO_CHANGE_PASSWORD, "NotAuthorizedException", "Incorrect username or password.",
         FC_EAUTH, "old_password", "current password is wrong"},
        {FC_COGNITO_SIGNUP, "InvalidParameterException", "Invalid email address format.", FC_EINVAL,
         "email", "e-mail address"},
        {FC_COGNITO_SIGNUP, "TooManyRequestsException", "Rate exceeded", FC_ETHROTTLE, "",
         "Too many requests"},
        {FC_COGNITO_FORGOT, "LimitExceededException", "Attempt limit exceeded", FC_ETHROTTLE, "",
         "Too many attempts"},
        {FC_COGNITO_REFRESH, "NotAuthorizedException", "Refresh Token has been revoked", FC_EAUTH,
         "", "session has ended"},
        /* our configuration, not the user: logged, 500 */
        {FC_COGNITO_LOGIN, "NotAuthorizedException", "Unable to verify secret hash for client abc",
         FC_ERR, "", ""},
        {FC_COGNITO_LOGIN, "ResourceNotFoundException", "User pool client abc does not exist.",
         FC_ERR, "", ""},
        {FC_COGNITO_LOGIN, "InternalErrorException", "", FC_ERR, "", ""},
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        struct fc_auth_error e;
        int rc = fc_cognito_map_error(m[i].op, m[i].code, m[i].message, &e);
        if (rc != m[i].rc || strcmp(e.field, m[i].field) || !strstr(e.message, m[i].says))
            fail_msg("%s/%s: got %d %s '%s'", m[i].code, m[i].message, rc, e.field, e.message);
    }
}

static void test_seal(void **state)
{
    (void)state;
    unsigned char key[32], other[32];
    const char *plain = "{\"a\":\"eyJhbGciOi.access\",\"r\":\"refresh-token\"}";
    char *s1, *s2, *p;
    memset(key, 7, sizeof key);
    memset(other, 8, sizeof other);
    s1 = fc_cognito_seal(key, "hash-1", plain);
    s2 = fc_cognito_seal(key, "hash-1", plain);
    assert_non_null(s1);
    assert_non_null(s2);
    assert_true(strncmp(s1, "v1.", 3) == 0);
    assert_string_not_equal(s1, s2); /* a fresh nonce each time */
    assert_null(strstr(s1, "eyJhbGciOi"));
    assert_null(strstr(s1, "refresh-token"));
    p = fc_cognito_unseal(key, "hash-1", s1);
    assert_non_null(p);
    assert_string_equal(p, plain);
    free(p);
    /* another session, another key, or one altered character: refused */
    assert_null(fc_cognito_unseal(key, "hash-2", s1));
    assert_null(fc_cognito_unseal(other, "hash-1", s1));
    for (size_t i = 3; i < strlen(s1); i += 7) {
        char save = s1[i];
        s1[i] = save == 'A' ? 'B' : 'A';
        assert_null(fc_cognito_unseal(key, "hash-1", s1));
        s1[i] = save;
    }
    assert_null(fc_cognito_unseal(key, "hash-1", "v1.AAAA"));
    assert_null(fc_cognito_unseal(key, "hash-1", "v2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    assert_null(fc_cognito_unseal(key, "hash-1", ""));
    free(s1);
    free(s2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secret_hash),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_seal),
    };
    return cmocka_run_group_tests_name("cognito", tests, NULL, NULL);
}
