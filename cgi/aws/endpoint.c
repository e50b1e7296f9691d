/* aws/endpoint: service table, region and endpoint resolution, settings with env fallback. */
#include "aws/endpoint.h"
#include "aws/error.h"
#include "core/config.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct aws_service services[AWS_SVC_COUNT] = {
    {AWS_SVC_DYNAMODB, "dynamodb", "DynamoDB", "DYNAMODB", "dynamodb", "dynamodb",
     "application/x-amz-json-1.0"},
    {AWS_SVC_S3, "s3", "S3", "S3", "s3", "s3", NULL},
    {AWS_SVC_EC2, "ec2", "EC2", "EC2", "ec2", "ec2", NULL},
    {AWS_SVC_COGNITO_IDP, "cognito-idp", "CognitoIdentityProvider", "COGNITO_IDENTITY_PROVIDER",
     "cognito-idp", "cognito-idp", "application/x-amz-json-1.1"},
    {AWS_SVC_PERSONALIZE_RUNTIME, "personalize-runtime", "PersonalizeRuntime",
     "PERSONALIZE_RUNTIME", "personalize-runtime", "personalize", NULL},
    {AWS_SVC_PERSONALIZE_EVENTS, "personalize-events", "PersonalizeEvents", "PERSONALIZE_EVENTS",
     "personalize-events", "personalize", NULL},
};

const struct aws_service *aws_service_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < AWS_SVC_COUNT; i++)
        if (!strcasecmp(name, services[i].name) || !strcasecmp(name, services[i].config_key))
            return &services[i];
    return NULL;
}

const struct aws_service *aws_service_get(enum aws_service_id id)
{
    if ((int)id < 0 || id >= AWS_SVC_COUNT)
        return NULL;
    return &services[id];
}

/* ---- settings ----------------------------------------------------------- */

const char *aws_config_str(HDF *cfg, const char *key, const char *def)
{
    const char *v = cfg ? fc_config_str(cfg, key, NULL) : NULL;
    char env[256];

    if (v)
        return v;
    fc_config_env_name(key, env, sizeof env);
    v = getenv(env);
    return v ? v : def;
}

int aws_config_int(HDF *cfg, const char *key, int def)
{
    const char *v = aws_config_str(cfg, key, NULL);
    long n;

    if (!v || fc_parse_int(v, -2147483647L, 2147483647L, &n) != FC_OK)
        return def;
    return (int)n;
}

int aws_config_int_min(HDF *cfg, const char *key, int def, int min)
{
    int n = aws_config_int(cfg, key, def);
    return n < min ? min : n;
}

/* ---- region ------------------------------------------------------------- */

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

static int region_ok(const char *r)
{
    if (!*r)
        return 0;
    for (; *r; r++)
        if (!((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') || *r == '-'))
            return 0;
    return 1;
}

int aws_region_resolve(HDF *cfg, char *out, size_t n)
{
    const char *r = nonempty(getenv("AWS_REGION"));

    if (!out || !n)
        return AWS_ERR;
    out[0] = '\0';
    if (!r)
        r = nonempty(getenv("AWS_DEFAULT_REGION"));
    if (!r && cfg)
        r = nonempty(fc_config_str(cfg, "AWS.Region", NULL));
    if (!r)
        r = "us-east-1";
    if (!region_ok(r) || fc_strlcpy(out, r, n) >= n) {
        out[0] = '\0';
        return AWS_ERR;
    }
    return AWS_OK;
}

/* ---- endpoint ----------------------------------------------------------- */

static int is_true(const char *s)
{
    return s && !strcasecmp(s, "true");
}

/* Copies an http(s) URL without its trailing slashes; AWS_ERR when unfit. */
static int set_url(struct aws_endpoint *out, const char *url)
{
    size_t n = strlen(url);

    if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
        return AWS_ERR;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '?' || *p == '#')
            return AWS_ERR;
    while (n && url[n - 1] == '/')
        n--;
    if (n >= sizeof out->url || n <= 8)
        return AWS_ERR;
    memcpy(out->url, url, n);
    out->url[n] = '\0';
    return AWS_OK;
}

int aws_endpoint_resolve(HDF *cfg, const struct aws_service *svc, const char *region,
                         struct aws_endpoint *out)
{
    char key[128], env[128];
    const char *v;
    int r;

    if (!svc || !region || !out || !region_ok(region))
        return AWS_ERR;
    memset(out, 0, sizeof(*out));
    snprintf(key, sizeof key, "AWS.Endpoint.%s", svc->config_key);
    if ((v = nonempty(aws_config_str(cfg, key, NULL)))) {
        out->overridden = 1;
        out->source = "config";
        return set_url(out, v);
    }
    if (!is_true(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) {
        snprintf(env, sizeof env, "AWS_ENDPOINT_URL_%s", svc->env_suffix);
        if ((v = nonempty(getenv(env)))) {
            out->overridden = 1;
            out->source = "env-service";
            return set_url(out, v);
        }
        if ((v = nonempty(getenv("AWS_ENDPOINT_URL")))) {
            out->overridden = 1;
            out->source = "env";
            return set_url(out, v);
        }
    }
    out->source = "default";
    r = snprintf(out->url, sizeof out->url, "https://%s.%s.amazonaws.com%s", svc->host_prefix,
                 region, strncmp(region, "cn-", 3) ? "" : ".cn");
    return r < 0 || (size_t)r >= sizeof out->url ? AWS_ERR : AWS_OK;
}
