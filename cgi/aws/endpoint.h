/* aws/endpoint: the AWS services forkcast talks to, and how their region, endpoint URL and
 * client settings are resolved from the configuration and the AWS_* environment. */
#ifndef FORKCAST_AWS_ENDPOINT_H
#define FORKCAST_AWS_ENDPOINT_H

#include <stddef.h>

#include <ClearSilver.h>

enum aws_service_id {
    AWS_SVC_DYNAMODB,
    AWS_SVC_S3,
    AWS_SVC_EC2,
    AWS_SVC_COGNITO_IDP,
    AWS_SVC_PERSONALIZE_RUNTIME,
    AWS_SVC_PERSONALIZE_EVENTS,
    AWS_SVC_COUNT
};

struct aws_service {
    enum aws_service_id id;
    const char *name;         /* "dynamodb", "s3", "ec2", "cognito-idp", "personalize-runtime"... */
    const char *config_key;   /* "DynamoDB": AWS.Endpoint.DynamoDB */
    const char *env_suffix;   /* "DYNAMODB": AWS_ENDPOINT_URL_DYNAMODB */
    const char *host_prefix;  /* "dynamodb": https://dynamodb.REGION.amazonaws.com */
    const char *signing_name; /* SigV4 service name: "dynamodb", "personalize"... */
    /* Content-Type of the awsJson protocol ("application/x-amz-json-1.0" or "-1.1"), NULL for
     * services that speak another protocol (S3 REST-XML, EC2 query, Personalize REST-JSON). */
    const char *json_content_type;
};

/* The service named name: its name ("cognito-idp") or config key ("CognitoIdentityProvider"),
 * ASCII case-insensitive. NULL when unknown. */
const struct aws_service *aws_service_find(const char *name);
/* The service with this id, or NULL. */
const struct aws_service *aws_service_get(enum aws_service_id id);

#define AWS_REGION_MAX 64
#define AWS_URL_MAX    512

/* The region: $AWS_REGION, else $AWS_DEFAULT_REGION, else config AWS.Region, else us-east-1
 * (empty values are skipped). cfg may be NULL. Returns AWS_OK, or AWS_ERR when the chosen
 * value is not a region name ([a-z0-9-]) or does not fit in n bytes. */
int aws_region_resolve(HDF *cfg, char *out, size_t n);

struct aws_endpoint {
    char url[AWS_URL_MAX]; /* "scheme://host[:port][/path]", without a trailing '/' */
    int overridden;        /* 1 unless it is the AWS default (S3 then addresses by path) */
    const char *source;    /* "config", "env-service", "env" or "default" (static string) */
};

/* The endpoint of svc in region: config AWS.Endpoint.<config_key> when not empty, else
 * $AWS_ENDPOINT_URL_<env_suffix>, else $AWS_ENDPOINT_URL (both skipped when
 * $AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true), else https://<host_prefix>.<region>.amazonaws.com
 * (.amazonaws.com.cn for cn-* regions). cfg may be NULL. Returns AWS_OK, or AWS_ERR when the
 * chosen URL is not http(s) or too long. */
int aws_endpoint_resolve(HDF *cfg, const struct aws_service *svc, const char *region,
                         struct aws_endpoint *out);

/* Integer setting key: the configuration's value when the key exists, else
 * $FORKCAST_<KEY> (so keys not yet in conf/forkcast.hdf can be set from the environment),
 * else def. Values that are not integers give def. cfg may be NULL. */
int aws_config_int(HDF *cfg, const char *key, int def);
/* aws_config_int, raised to min when below it. */
int aws_config_int_min(HDF *cfg, const char *key, int def, int min);
/* String setting key, looked up like aws_config_int. Returns def when unset. */
const char *aws_config_str(HDF *cfg, const char *key, const char *def);

#endif
