/* aws/creds: AWS credentials resolved like the SDKs' default chain: environment, shared
 * credentials/config files (profiles), then the EC2 instance metadata service (IMDSv2),
 * cached and refreshed before they expire. */
#ifndef FORKCAST_AWS_CREDS_H
#define FORKCAST_AWS_CREDS_H

#include <stddef.h>
#include <time.h>

struct aws_http;
struct aws_error;

enum aws_creds_source {
    AWS_CREDS_NONE,
    AWS_CREDS_ENV,  /* AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN */
    AWS_CREDS_FILE, /* ~/.aws/credentials or ~/.aws/config */
    AWS_CREDS_IMDS, /* EC2 instance metadata service */
};

#define AWS_KEY_MAX   128
#define AWS_TOKEN_MAX 4096

/* One set of credentials. Holds secrets: wipe with aws_creds_clear(), never log. */
struct aws_creds {
    char access_key_id[AWS_KEY_MAX];
    char secret_access_key[AWS_KEY_MAX];
    char session_token[AWS_TOKEN_MAX]; /* "" without STS */
    time_t expiration;                 /* 0: does not expire */
    int source;                        /* enum aws_creds_source */
    char profile[64];                  /* AWS_CREDS_FILE: the profile used */
};

/* Credentials are refreshed this many seconds before they expire. */
#define AWS_CREDS_REFRESH_MARGIN 300
/* Default IMDS endpoint and timeout (connect and total). */
#define AWS_IMDS_ENDPOINT   "http://169.254.169.254"
#define AWS_IMDS_TIMEOUT_MS 1000

/* Wipes c (secrets included). c may be NULL. */
void aws_creds_clear(struct aws_creds *c);
/* "env", "file", "imds" or "none". */
const char *aws_creds_source_name(int source);

/* From AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (both non-empty) and AWS_SESSION_TOKEN.
 * Returns AWS_OK, or AWS_E_CREDS when they are not set (or too long). */
int aws_creds_from_env(struct aws_creds *out);

/* From the shared files for profile (NULL: $AWS_PROFILE, else "default"): section [NAME] of
 * credentials_path first, then [profile NAME] ([default] for default) of config_path, each
 * with aws_access_key_id, aws_secret_access_key and optional aws_session_token. NULL paths
 * mean $AWS_SHARED_CREDENTIALS_FILE / $AWS_CONFIG_FILE, else ~/.aws/credentials and
 * ~/.aws/config. Missing files are skipped. Returns AWS_OK or AWS_E_CREDS. */
int aws_creds_from_files(const char *credentials_path, const char *config_path, const char *profile,
                         struct aws_creds *out);

/* From the instance metadata service with IMDSv2 (token PUT, then the role name and the
 * role's credentials), using http. The endpoint is $AWS_EC2_METADATA_SERVICE_ENDPOINT or
 * AWS_IMDS_ENDPOINT; timeouts $AWS_METADATA_SERVICE_TIMEOUT seconds or 1 s, attempts
 * $AWS_METADATA_SERVICE_NUM_ATTEMPTS or 1. Returns AWS_E_CREDS with err filled on any failure
 * and at once when $AWS_EC2_METADATA_DISABLED is true. */
int aws_creds_from_imds(struct aws_http *http, struct aws_creds *out, struct aws_error *err);

/* A cached credentials chain (env, files, IMDS). One per client. */
struct aws_creds_provider;

/* Creates a provider into *out that will reach IMDS through http (borrowed: it must outlive
 * the provider). Returns AWS_OK or AWS_ERR. */
int aws_creds_provider_new(struct aws_http *http, struct aws_creds_provider **out);
/* Wipes and frees p. p may be NULL. */
void aws_creds_provider_free(struct aws_creds_provider *p);
/* Current credentials into *out (a pointer into p, valid until the next call): the cached
 * ones while more than AWS_CREDS_REFRESH_MARGIN seconds from expiry at time now, otherwise the
 * chain is walked again (expiring credentials are kept if the refresh fails and they are
 * still valid). Returns AWS_OK, or AWS_E_CREDS with err->code "NoCredentials". */
int aws_creds_provider_get(struct aws_creds_provider *p, time_t now, const struct aws_creds **out,
                           struct aws_error *err);
/* Forgets the cached credentials (next get walks the chain again). */
void aws_creds_provider_reset(struct aws_creds_provider *p);

#endif
