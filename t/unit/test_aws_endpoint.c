/* Unit tests: AWS region and per-service endpoint resolution order, service table, and the
 * settings lookup with its FORKCAST_* fallback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/endpoint.h"

static HDF *cfg;

static void clear_env(void)
{
    static const char *const vars[] = {
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_ENDPOINT_URL_S3",
        "AWS_ENDPOINT_URL_EC2",
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
        "AWS_ENDPOINT_URL_PERSONALIZE_RUNTIME",
        "AWS_ENDPOINT_URL_PERSONALIZE_EVENTS",
        "FORKCAST_AWS_ENDPOINT_DYNAMODB",
        "FORKCAST_AWS_TIMEOUT_TOTALMS",
    };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
}

static int setup(void **state)
{
    (void)state;
    clear_env();
    assert_null(hdf_init(&cfg));
    /* As in conf/forkcast.hdf. */
    assert_null(hdf_set_value(cfg, "AWS.Region", "us-east-1"));
    assert_null(hdf_set_value(cfg, "AWS.Endpoint.DynamoDB", ""));
    assert_null(hdf_set_value(cfg, "AWS.Endpoint.S3", ""));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hdf_destroy(&cfg);
    clear_env();
    return 0;
}

static void test_region_order(void **state)
{
    (void)state;
    char r[AWS_REGION_MAX];

    assert_int_equal(aws_region_resolve(NULL, r, sizeof r), AWS_OK);
    assert_string_equal(r, "us-east-1"); /* nothing set */
    assert_null(hdf_set_value(cfg, "AWS.Region", "eu-west-1"));
    assert_int_equal(aws_region_resolve(cfg, r, sizeof r), AWS_OK);
    assert_string_equal(r, "eu-west-1"); /* config */
    setenv("AWS_DEFAULT_REGION", "ap-southeast-2", 1);
    assert_int_equal(aws_region_resolve(cfg, r, sizeof r), AWS_OK);
    assert_string_equal(r, "ap-southeast-2"); /* AWS_DEFAULT_REGION over config */
    setenv("AWS_REGION", "eu-central-1", 1);
    assert_int_equal(aws_region_resolve(cfg, r, sizeof r), AWS_OK);
    assert_string_equal(r, "eu-central-1"); /* AWS_REGION over both */
    setenv("AWS_REGION", "", 1);
    assert_int_equal(aws_region_resolve(cfg, r, sizeof r), AWS_OK);
    assert_string_equal(r, "ap-southeast-2"); /* empty is unset */
    unsetenv("AWS_DEFAULT_REGION");
    assert_null(hdf_set_value(cfg, "AWS.Region", ""));
    assert_int_equal(aws_region_resolve(cfg, r, sizeof r), AWS_OK);
    assert_string_equal(r, "us-east-1");

    setenv("AWS_REGION", "eu-west-1/../x", 1);
    assert_int_equal(aws_region_resolve(cfg, r, sizeof r), AWS_ERR);
    setenv("AWS_REGION", "EU-WEST-1", 1);
    assert_int_equal(aws_region_resolve(cfg, r, sizeof r), AWS_ERR);
    setenv("AWS_REGION", "eu-west-1", 1);
    assert_int_equal(aws_region_resolve(cfg, r, 5), AWS_ERR);
}

static void test_defaults(void **state)
{
    (void)state;
    static const struct {
        const char *name, *url, *signing;
    } want[] = {
        {"dynamodb", "https://dynamodb.eu-west-1.amazonaws.com", "dynamodb"},
        {"s3", "https://s3.eu-west-1.amazonaws.com", "s3"},
        {"ec2", "https://ec2.eu-west-1.amazonaws.com", "ec2"},
        {"cognito-idp", "https://cognito-idp.eu-west-1.amazonaws.com", "cognito-idp"},
        {"personalize-runtime", "https://personalize-runtime.eu-west-1.amazonaws.com",
         "personalize"},
        {"personalize-events", "https://personalize-events.eu-west-1.amazonaws.com", "personalize"},
    };
    struct aws_endpoint ep;

    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct aws_service *s = aws_service_find(want[i].name);
        assert_non_null(s);
        assert_ptr_equal(aws_service_get(s->id), s);
        assert_ptr_equal(aws_service_find(s->config_key), s);
        assert_string_equal(s->signing_name, want[i].signing);
        assert_int_equal(aws_endpoint_resolve(cfg, s, "eu-west-1", &ep), AWS_OK);
        assert_string_equal(ep.url, want[i].url);
        assert_int_equal(ep.overridden, 0);
        assert_string_equal(ep.source, "default");
    }
    assert_non_null(aws_service_find("DYNAMODB"));
    assert_non_null(aws_service_find("CognitoIdentityProvider"));
    assert_null(aws_service_find("lambda"));
    assert_null(aws_service_find(NULL));
    assert_int_equal(aws_endpoint_resolve(cfg, aws_service_find("s3"), "cn-north-1", &ep), AWS_OK);
    assert_string_equal(ep.url, "https://s3.cn-north-1.amazonaws.com.cn");
}

static void test_endpoint_order(void **state)
{
    (void)state;
    const struct aws_service *ddb = aws_service_find("dynamodb");
    struct aws_endpoint ep;

    /* AWS_ENDPOINT_URL for every service. */
    setenv("AWS_ENDPOINT_URL", "http://localhost:4566/", 1);
    assert_int_equal(aws_endpoint_resolve(cfg, ddb, "us-east-1", &ep), AWS_OK);
    assert_string_equal(ep.url, "http://localhost:4566");
    assert_int_equal(ep.overridden, 1);
    assert_string_equal(ep.source, "env");

    /* The service's own variable beats it. */
    setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000", 1);
    assert_int_equal(aws_endpoint_resolve(cfg, ddb, "us-east-1", &ep), AWS_OK);
    assert_string_equal(ep.url, "http://127.0.0.1:8000");
    assert_string_equal(ep.source, "env-service");

    /* A non-empty config key beats both. */
    assert_null(hdf_set_value(cfg, "AWS.Endpoint.DynamoDB", "https://ddb.example.test:8443"));
    assert_int_equal(aws_endpoint_resolve(cfg, ddb, "us-east-1", &ep), AWS_OK);
    assert_string_equal(ep.url, "https://ddb.example.test:8443");
    assert_string_equal(ep.source, "config");
    assert_int_equal(ep.overridden, 1);

    /* Config empty again: the variables; ignored when asked to. */
    assert_null(hdf_set_value(cfg, "AWS.Endpoint.DynamoDB", ""));
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    assert_int_equal(aws_endpoint_resolve(cfg, ddb, "us-east-1", &ep), AWS_OK);
    assert_string_equal(ep.url, "https://dynamodb.us-east-1.amazonaws.com");
    assert_int_equal(ep.overridden, 0);
    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");

    /* Other services' variables. */
    static const struct {
        const char *service, *var;
    } vars[] = {
        {"s3", "AWS_ENDPOINT_URL_S3"},
        {"ec2", "AWS_ENDPOINT_URL_EC2"},
        {"cognito-idp", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"},
        {"personalize-runtime", "AWS_ENDPOINT_URL_PERSONALIZE_RUNTIME"},
        {"personalize-events", "AWS_ENDPOINT_URL_PERSONALIZE_EVENTS"},
    };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        char url[64];
        snprintf(url, sizeof url, "http://127.0.0.1:%zu", 9000 + i);
        setenv(vars[i].var, url, 1);
        assert_int_equal(
            aws_endpoint_resolve(cfg, aws_service_find(vars[i].service), "us-east-1", &ep), AWS_OK);
        assert_string_equal(ep.url, url);
        assert_string_equal(ep.source, "env-service");
    }

    /* Unusable URLs are refused, not silently replaced. */
    setenv("AWS_ENDPOINT_URL_DYNAMODB", "ftp://example.test", 1);
    assert_int_equal(aws_endpoint_resolve(cfg, ddb, "us-east-1", &ep), AWS_ERR);
    setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://a b", 1);
    assert_int_equal(aws_endpoint_resolve(cfg, ddb, "us-east-1", &ep), AWS_ERR);
    assert_int_equal(aws_endpoint_resolve(cfg, ddb, "Bad Region", &ep), AWS_ERR);
}

static void test_client_uses_resolution(void **state)
{
    (void)state;
    struct aws_client *c = NULL;

    setenv("AWS_REGION", "eu-west-3", 1);
    setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000", 1);
    assert_int_equal(aws_client_new(cfg, "S3", &c), AWS_OK);
    assert_string_equal(aws_client_region(c), "eu-west-3");
    assert_string_equal(aws_client_endpoint(c)->url, "http://127.0.0.1:9000");
    assert_int_equal(aws_client_endpoint(c)->overridden, 1);
    assert_string_equal(aws_client_service(c)->name, "s3");
    aws_client_free(c);
    assert_int_equal(aws_client_new(cfg, "dynamodb", &c), AWS_OK);
    assert_string_equal(aws_client_endpoint(c)->url, "https://dynamodb.eu-west-3.amazonaws.com");
    aws_client_free(c);
    assert_int_equal(aws_client_new(cfg, "sqs", &c), AWS_ERR);
    assert_null(c);
    setenv("AWS_ENDPOINT_URL_S3", "not a url", 1);
    assert_int_equal(aws_client_new(cfg, "s3", &c), AWS_ERR);
}

static void test_settings_lookup(void **state)
{
    (void)state;

    /* Key absent from the configuration: FORKCAST_<KEY>, else the default. */
    assert_int_equal(aws_config_int(cfg, "AWS.Timeout.TotalMs", 10000), 10000);
    setenv("FORKCAST_AWS_TIMEOUT_TOTALMS", "2500", 1);
    assert_int_equal(aws_config_int(cfg, "AWS.Timeout.TotalMs", 10000), 2500);
    assert_int_equal(aws_config_int(NULL, "AWS.Timeout.TotalMs", 10000), 2500);
    setenv("FORKCAST_AWS_TIMEOUT_TOTALMS", "12x", 1);
    assert_int_equal(aws_config_int(cfg, "AWS.Timeout.TotalMs", 10000), 10000);
    /* Key present: the configuration (which fc_config_load already overrode from the env). */
    assert_null(hdf_set_value(cfg, "AWS.Timeout.TotalMs", "700"));
    setenv("FORKCAST_AWS_TIMEOUT_TOTALMS", "2500", 1);
    assert_int_equal(aws_config_int(cfg, "AWS.Timeout.TotalMs", 10000), 700);
    assert_string_equal(aws_config_str(cfg, "AWS.Region", "x"), "us-east-1");
    assert_string_equal(aws_config_str(cfg, "AWS.Nope", "x"), "x");

    /* AWS.Endpoint.* keys set only in the environment work too. */
    setenv("FORKCAST_AWS_ENDPOINT_EC2", "http://127.0.0.1:5000", 1);
    struct aws_endpoint ep;
    assert_int_equal(aws_endpoint_resolve(cfg, aws_service_find("ec2"), "us-east-1", &ep), AWS_OK);
    assert_string_equal(ep.url, "http://127.0.0.1:5000");
    assert_string_equal(ep.source, "config");
    unsetenv("FORKCAST_AWS_ENDPOINT_EC2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_region_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_endpoint_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_uses_resolution, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settings_lookup, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
