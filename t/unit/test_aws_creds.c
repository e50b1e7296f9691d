/* Unit tests: AWS credentials from the environment and the shared credentials/config files
 * (profiles, file locations, precedence), and the provider chain's order and cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/creds.h"
#include "aws/error.h"

static char dir[64];
static char cred_path[128], conf_path[128];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void clear_env(void)
{
    static const char *const vars[] = {"AWS_ACCESS_KEY_ID",           "AWS_SECRET_ACCESS_KEY",
                                       "AWS_SESSION_TOKEN",           "AWS_PROFILE",
                                       "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

static const char CREDENTIALS[] = "# forkcast test credentials\n"
                                  "[default]\n"
                                  "aws_access_key_id = AKIADEFAULT\n"
                                  "aws_secret_access_key = secret/default+key\n"
                                  "\n"
                                  "; a comment\n"
                                  "[prod]\r\n"
                                  "aws_access_key_id=AKIAPROD\r\n"
                                  "aws_secret_access_key=prodsecret\r\n"
                                  "aws_session_token = FwoGZXIvYXdzEPROD==\r\n"
                                  "[partial]\n"
                                  "aws_access_key_id = AKIAPARTIAL\n"
                                  "[profile prod]\n"
                                  "aws_access_key_id = AKIAWRONGSECTION\n"
                                  "aws_secret_access_key = wrong\n";

static const char CONFIG[] = "[default]\n"
                             "region = eu-west-1\n"
                             "s3 =\n"
                             "    aws_access_key_id = AKIANESTED\n"
                             "    max_concurrent_requests = 20\n"
                             "[profile dev]\n"
                             "  aws_access_key_id: AKIADEV\n"
                             "  aws_secret_access_key: devsecret\n"
                             "  region = eu-west-3\n"
                             "[staging]\n"
                             "aws_access_key_id = AKIASTAGINGNOPREFIX\n"
                             "aws_secret_access_key = nope\n"
                             "[profile partial]\n"
                             "aws_access_key_id = AKIACONFIGPARTIAL\n"
                             "aws_secret_access_key = configpartialsecret\n"
                             "[profile   spaced  ]\n"
                             "aws_access_key_id = AKIASPACED\n"
                             "aws_secret_access_key = spacedsecret\n";

static int setup(void **state)
{
    (void)state;
    clear_env();
    strcpy(dir, "/tmp/fc-aws-creds-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(cred_path, sizeof cred_path, "%s/credentials", dir);
    snprintf(conf_path, sizeof conf_path, "%s/config", dir);
    write_file(cred_path, CREDENTIALS);
    write_file(conf_path, CONFIG);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    clear_env();
    return 0;
}

static void test_env(void **state)
{
    (void)state;
    struct aws_creds c;

    assert_int_equal(aws_creds_from_env(&c), AWS_E_CREDS);
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    assert_int_equal(aws_creds_from_env(&c), AWS_E_CREDS); /* no secret */
    setenv("AWS_SECRET_ACCESS_KEY", "", 1);
    assert_int_equal(aws_creds_from_env(&c), AWS_E_CREDS); /* empty secret */
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    assert_int_equal(aws_creds_from_env(&c), AWS_OK);
    assert_string_equal(c.access_key_id, "AKIAENV");
    assert_string_equal(c.secret_access_key, "envsecret");
    assert_string_equal(c.session_token, "");
    assert_int_equal(c.source, AWS_CREDS_ENV);
    assert_int_equal(c.expiration, 0);
    setenv("AWS_SESSION_TOKEN", "envtoken", 1);
    assert_int_equal(aws_creds_from_env(&c), AWS_OK);
    assert_string_equal(c.session_token, "envtoken");
    aws_creds_clear(&c);
    assert_string_equal(c.secret_access_key, "");
}

static void test_files_profiles(void **state)
{
    (void)state;
    struct aws_creds c;

    /* [default] of the credentials file. */
    assert_int_equal(aws_creds_from_files(cred_path, conf_path, NULL, &c), AWS_OK);
    assert_string_equal(c.access_key_id, "AKIADEFAULT");
    assert_string_equal(c.secret_access_key, "secret/default+key");
    assert_int_equal(c.source, AWS_CREDS_FILE);
    assert_string_equal(c.profile, "default");

    /* A named profile, CRLF lines, a session token; "[profile prod]" in the credentials file
     * is another profile (literally named "profile prod"). */
    assert_int_equal(aws_creds_from_files(cred_path, conf_path, "prod", &c), AWS_OK);
    assert_string_equal(c.access_key_id, "AKIAPROD");
    assert_string_equal(c.secret_access_key, "prodsecret");
    assert_string_equal(c.session_token, "FwoGZXIvYXdzEPROD==");

    /* AWS_PROFILE picks the profile; the config file names it [profile dev], with ':' and
     * indented keys. */
    setenv("AWS_PROFILE", "dev", 1);
    assert_int_equal(aws_creds_from_files(cred_path, conf_path, NULL, &c), AWS_OK);
    assert_string_equal(c.access_key_id, "AKIADEV");
    assert_string_equal(c.secret_access_key, "devsecret");
    assert_string_equal(c.profile, "dev");

    /* In the config file a bare [staging] is not a profile. */
    setenv("AWS_PROFILE", "staging", 1);
    assert_int_equal(aws_creds_from_files(cred_path, conf_path, NULL, &c), AWS_E_CREDS);

    /* A profile complete only in the config file: the partial credentials entry is skipped. */
    assert_int_equal(aws_creds_from_files(cred_path, conf_path, "partial", &c), AWS_OK);
    assert_string_equal(c.access_key_id, "AKIACONFIGPARTIAL");
    assert_int_equal(aws_creds_from_files(cred_path, conf_path, "spaced", &c), AWS_OK);
    assert_string_equal(c.access_key_id, "AKIASPACED");

    /* Unknown profile, missing files. */
    assert_int_equal(aws_creds_from_files(cred_path, conf_path, "nope", &c), AWS_E_CREDS);
    assert_int_equal(aws_creds_from_files("/nonexistent/a", "/nonexistent/b", NULL, &c),
                     AWS_E_CREDS);
    aws_creds_clear(&c);
}

static void test_config_file_default(void **state)
{
    (void)state;
    struct aws_creds c;
    char path[160];

    /* [default] in the config file; the nested "s3 =" block is not the profile's key. */
    snprintf(path, sizeof path, "%s/config2", dir);
    write_file(path, "[default]\n"
                     "s3 =\n"
                     "    aws_access_key_id = AKIANESTED\n"
                     "aws_access_key_id = AKIACONFIGDEFAULT\n"
                     "aws_secret_access_key = cfgsecret\n");
    assert_int_equal(aws_creds_from_files("/nonexistent", path, NULL, &c), AWS_OK);
    assert_string_equal(c.access_key_id, "AKIACONFIGDEFAULT");
    assert_string_equal(c.secret_access_key, "cfgsecret");

    /* The credentials file wins over the config file for the same profile. */
    assert_int_equal(aws_creds_from_files(cred_path, path, NULL, &c), AWS_OK);
    assert_string_equal(c.access_key_id, "AKIADEFAULT");
    aws_creds_clear(&c);
}

static void test_file_locations(void **state)
{
    (void)state;
    struct aws_creds c;
    char home[128], awsdir[160], path[192];

    /* $AWS_SHARED_CREDENTIALS_FILE and $AWS_CONFIG_FILE. */
    setenv("AWS_SHARED_CREDENTIALS_FILE", cred_path, 1);
    setenv("AWS_CONFIG_FILE", conf_path, 1);
    setenv("AWS_PROFILE", "prod", 1);
    assert_int_equal(aws_creds_from_files(NULL, NULL, NULL, &c), AWS_OK);
    assert_string_equal(c.access_key_id, "AKIAPROD");
    setenv("AWS_PROFILE", "dev", 1);
    assert_int_equal(aws_creds_from_files(NULL, NULL, NULL, &c), AWS_OK);
    assert_string_equal(c.access_key_id, "AKIADEV");

    /* Defaults: ~/.aws/credentials. */
    unsetenv("AWS_SHARED_CREDENTIALS_FILE");
    unsetenv("AWS_CONFIG_FILE");
    unsetenv("AWS_PROFILE");
    snprintf(home, sizeof home, "%s/home", dir);
    snprintf(awsdir, sizeof awsdir, "%s/.aws", home);
    assert_int_equal(mkdir(home, 0700), 0);
    assert_int_equal(mkdir(awsdir, 0700), 0);
    snprintf(path, sizeof path, "%s/credentials", awsdir);
    write_file(path, "[default]\naws_access_key_id=AKIAHOME\naws_secret_access_key=h\n");
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("HOME", home, 1);
    assert_int_equal(aws_creds_from_files(NULL, NULL, NULL, &c), AWS_OK);
    assert_string_equal(c.access_key_id, "AKIAHOME");
    /* "~/" in the variable is the home folder. */
    setenv("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials", 1);
    assert_int_equal(aws_creds_from_files(NULL, NULL, NULL, &c), AWS_OK);
    assert_string_equal(c.access_key_id, "AKIAHOME");
    if (old_home)
        setenv("HOME", old_home, 1);
    free(old_home);
    aws_creds_clear(&c);
}

static void test_chain_order_and_cache(void **state)
{
    (void)state;
    struct aws_creds_provider *p = NULL;
    const struct aws_creds *c = NULL;
    struct aws_error e;

    setenv("AWS_SHARED_CREDENTIALS_FILE", cred_path, 1);
    setenv("AWS_CONFIG_FILE", conf_path, 1);
    assert_int_equal(aws_creds_provider_new(NULL, &p), AWS_OK);

    /* Environment first. */
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    assert_int_equal(aws_creds_provider_get(p, 1000, &c, &e), AWS_OK);
    assert_string_equal(c->access_key_id, "AKIAENV");
    assert_int_equal(c->source, AWS_CREDS_ENV);

    /* Cached: a change of environment is not seen until reset. */
    unsetenv("AWS_ACCESS_KEY_ID");
    assert_int_equal(aws_creds_provider_get(p, 2000, &c, &e), AWS_OK);
    assert_string_equal(c->access_key_id, "AKIAENV");

    /* Then the shared files. */
    aws_creds_provider_reset(p);
    assert_int_equal(aws_creds_provider_get(p, 3000, &c, &e), AWS_OK);
    assert_string_equal(c->access_key_id, "AKIADEFAULT");
    assert_int_equal(c->source, AWS_CREDS_FILE);

    /* Then IMDS, disabled here: no credentials, a typed error without secrets. */
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
    aws_creds_provider_reset(p);
    aws_error_clear(&e);
    assert_int_equal(aws_creds_provider_get(p, 4000, &c, &e), AWS_E_CREDS);
    assert_null(c);
    assert_string_equal(e.code, "NoCredentials");
    assert_true(strstr(e.message, "instance metadata disabled") != NULL);
    assert_null(strstr(e.message, "envsecret"));
    aws_creds_provider_free(p);
}

static void test_imds_disabled(void **state)
{
    (void)state;
    struct aws_creds c;
    struct aws_error e;

    aws_error_clear(&e);
    assert_int_equal(aws_creds_from_imds(NULL, &c, &e), AWS_E_CREDS);
    assert_string_equal(e.code, "NoCredentials");
    assert_string_equal(e.message, "instance metadata disabled");
    setenv("AWS_EC2_METADATA_DISABLED", "TRUE", 1);
    assert_int_equal(aws_creds_from_imds(NULL, &c, &e), AWS_E_CREDS);
    assert_string_equal(e.message, "instance metadata disabled");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_files_profiles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_file_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_locations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chain_order_and_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_imds_disabled, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
