/* release: adding app hosts to a site on AWS. `forkcast release upload FILE` puts a Debian
 * package (make deb) into the site's bucket as the current release; `forkcast release
 * user-data` prints the cloud-init script a new EC2 instance runs to install that release and
 * serve the same site (same table, bucket, auth and keys), fetching the package through a
 * presigned URL so the instance needs no S3 permission of its own. docs/deploy.md. */
#include "release/release.h"
#include "aws/client.h"
#include "aws/s3.h"
#include "core/cliopt.h"
#include "core/config.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LATEST "releases/latest"

/* The settings a new host must share with this one to serve the same site, copied into its
 * configuration when set here. Keys this host derives from its own files (Server.SecretFile,
 * Data.Dir...) are not: a new host has none of them. */
static const char *const shared_keys[] = {
    "Store.Backend",
    "Store.DynamoDB.Table",
    "AWS.Region",
    "AWS.Endpoint.DynamoDB",
    "AWS.Endpoint.S3",
    "AWS.Endpoint.CognitoIdentityProvider",
    "AWS.Endpoint.PersonalizeRuntime",
    "AWS.Endpoint.PersonalizeEvents",
    "Auth.Backend",
    "Auth.Cognito.UserPoolId",
    "Auth.Cognito.ClientId",
    "Auth.Cognito.Region",
    "Blob.Backend",
    "Blob.S3.Bucket",
    "Blob.S3.Prefix",
    "Rec.Backend",
    "Rec.Snapshot",
    "Rec.Snapshot.Prefix",
    "Rec.Personalize.CampaignArn",
    "Rec.Personalize.RecommenderArn",
    "Rec.Personalize.TrackingId",
    "Server.Secure",
    "Server.TrustedProxies",
    "Server.Procs",
};

static const char *bucket_of(HDF *cfg)
{
    const char *b = fc_config_str(cfg, "Release.S3.Bucket", "");
    return *b ? b : fc_config_str(cfg, "Blob.S3.Bucket", "");
}

/* A package name we write into a script and a key: forkcast_<version>_<arch>.deb, no more. */
static int deb_name_ok(const char *name)
{
    size_t n = strlen(name);
    return n > 13 && n < 128 && strncmp(name, "forkcast_", 9) == 0 &&
           strcmp(name + n - 4, ".deb") == 0 &&
           strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._+~-") == n;
}

static int cmd_upload(HDF *cfg, const char *path)
{
    const char *bucket = bucket_of(cfg), *base = strrchr(path, '/');
    struct aws_client *c = NULL;
    struct aws_error err;
    char *data = NULL, key[200], hash[65], latest[256];
    size_t len = 0;
    int rc = 1;

    base = base ? base + 1 : path;
    if (!*bucket) {
        fprintf(stderr, "forkcast: release upload: no bucket (Release.S3.Bucket or "
                        "Blob.S3.Bucket)\n");
        return 1;
    }
    if (!deb_name_ok(base)) {
        fprintf(stderr,
                "forkcast: release upload: %s is not a forkcast package name "
                "(forkcast_VERSION_ARCH.deb, from make deb)\n",
                base);
        return 2;
    }
    if (fc_read_file(path, &data, &len) || len < 8 || memcmp(data, "!<arch>\n", 8) != 0) {
        fprintf(stderr, "forkcast: release upload: cannot read %s as a Debian package\n", path);
        goto out;
    }
    if (aws_client_new(cfg, "s3", &c) != AWS_OK)
        goto out;
    fc_sha256_hex(hash, data, len);
    snprintf(key, sizeof key, "releases/%s", base);
    if (aws_s3_put(c, bucket, key, data, len, "application/vnd.debian.binary-package", &err) !=
        AWS_OK) {
        fprintf(stderr, "forkcast: release upload: s3://%s/%s: %s %s\n", bucket, key, err.code,
                err.message);
        goto out;
    }
    /* "latest" last: a host launched meanwhile gets the previous release, whole */
    snprintf(latest, sizeof latest, "%s %s\n", base, hash);
    if (aws_s3_put(c, bucket, LATEST, latest, strlen(latest), "text/plain", &err) != AWS_OK) {
        fprintf(stderr, "forkcast: release upload: s3://%s/%s: %s %s\n", bucket, LATEST, err.code,
                err.message);
        goto out;
    }
    printf("s3://%s/%s sha256 %s (%zu bytes), now the current release\n", bucket, key, hash, len);
    rc = 0;
out:
    free(data);
    aws_client_free(c);
    return rc;
}

int fc_release_current(HDF *cfg, struct fc_release *out, char *why, size_t why_size)
{
    const char *bucket = bucket_of(cfg);
    struct aws_client *c = NULL;
    struct aws_error err;
    char *data = NULL, *url = NULL, path[200];
    size_t len = 0;
    int rc = FC_ERR;

    memset(out, 0, sizeof *out);
    if (!*bucket) {
        snprintf(why, why_size, "no bucket (Release.S3.Bucket or Blob.S3.Bucket)");
        return FC_ERR;
    }
    if (aws_client_new(cfg, "s3", &c) != AWS_OK) {
        snprintf(why, why_size, "no S3 client (AWS.* settings)");
        return FC_ERR;
    }
    if (aws_s3_get(c, bucket, LATEST, &data, &len, &err) != AWS_OK) {
        snprintf(why, why_size, "%s",
                 err.http_status == 404 ? "no release uploaded yet (forkcast release upload)"
                                        : "the bucket did not answer");
        goto out;
    }
    if (sscanf(data, "%127s %64s", out->name, out->sha256) != 2 || !deb_name_ok(out->name) ||
        strlen(out->sha256) != 64 || strspn(out->sha256, "0123456789abcdef") != 64) {
        snprintf(why, why_size, "s3://%s/%s is not a release pointer", bucket, LATEST);
        goto out;
    }
    snprintf(path, sizeof path, "/releases/%s", out->name);
    if (aws_presign(c, "GET", bucket, path,
                    (unsigned)fc_config_int(cfg, "Release.UrlSeconds", 3600), &url,
                    &err) != AWS_OK ||
        strlen(url) >= sizeof out->url) {
        snprintf(why, why_size, "cannot presign the release's URL");
        goto out;
    }
    fc_strlcpy(out->url, url, sizeof out->url);
    rc = FC_OK;
out:
    free(url);
    free(data);
    aws_client_free(c);
    return rc;
}

/* string_appendf that remembers a failure in *failed (then does nothing more). */
static void put(STRING *out, int *failed, const char *fmt, ...) FC_PRINTF(3, 4);
static void put(STRING *out, int *failed, const char *fmt, ...)
{
    va_list ap;
    NEOERR *err;
    if (*failed)
        return;
    va_start(ap, fmt);
    err = string_appendvf(out, fmt, ap);
    va_end(ap);
    if (err) {
        nerr_ignore(&err);
        *failed = 1;
    }
}

/* A value goes into the script between single quotes: no quote, no line break. */
static int value_ok(const char *v)
{
    return !strpbrk(v, "'\n\r\\");
}

int fc_release_user_data(HDF *cfg, const struct fc_release *rel, int port, STRING *out, char *why,
                         size_t why_size)
{
    int failed = 0;
    put(out, &failed,
        "#!/bin/bash\n"
        "# forkcast app host: installs release %s and serves the same site (written\n"
        "# by forkcast release user-data; cloud-init runs it once, as root).\n"
        "set -euo pipefail\n"
        "export DEBIAN_FRONTEND=noninteractive\n"
        "command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq "
        "curl ca-certificates; }\n"
        "deb=/tmp/%s\n"
        "curl -fsS --retry 5 -o \"$deb\" '%s'\n"
        "echo '%s  '\"$deb\" | sha256sum -c --quiet\n"
        "apt-get update -qq\n"
        "apt-get install -y -qq \"$deb\"\n"
        "cat >>/etc/forkcast/forkcast.hdf <<'FORKCAST_SITE'\n"
        "\n# the shared site (forkcast release user-data)\n",
        rel->name, rel->name, rel->url, rel->sha256);
    for (size_t i = 0; i < FC_ARRAY_LEN(shared_keys); i++) {
        const char *v = hdf_get_value(cfg, shared_keys[i], NULL);
        if (!v || !*v)
            continue;
        if (!value_ok(v)) {
            snprintf(why, why_size, "%s holds a quote, a backslash or a line break",
                     shared_keys[i]);
            return FC_EINVAL;
        }
        put(out, &failed, "%s = %s\n", shared_keys[i], v);
    }
    if (port > 0)
        put(out, &failed, "Server.Port = %d\n", port);
    put(out, &failed,
        "Server.Host = 0.0.0.0\n"
        "FORKCAST_SITE\n"
        "if [ -d /run/systemd/system ]; then\n"
        "    systemctl enable forkcast\n"
        "    systemctl restart forkcast\n"
        "fi\n");
    return failed ? FC_ERR : FC_OK;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: forkcast release upload FILE.deb\n"
               "       forkcast release user-data [--port N]\n"
               "upload: puts the package (make deb) into Release.S3.Bucket (default\n"
               "Blob.S3.Bucket) under releases/ and makes it the current release.\n"
               "user-data: prints the cloud-init script that installs the current release on a\n"
               "new EC2 instance and serves this site from it (its table, bucket, auth); give it\n"
               "to forkcast ec2 launch --user-data-file. The package's URL is presigned for\n"
               "Release.UrlSeconds (3600). Exit: 0 done, 1 failed, 2 usage error.\n");
}

int fc_release_cli(HDF *cfg, int argc, char **argv)
{
    static const char *const valued[] = {"--port", NULL};
    fc_cliopt_hoist(argc, argv, valued);
    if (argc >= 2 && (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "upload") == 0)
        return cmd_upload(cfg, argv[2]);
    if (argc >= 2 && strcmp(argv[1], "user-data") == 0) {
        struct fc_release rel;
        STRING out;
        char why[256];
        long port = 0;
        int rc;
        string_init(&out);
        if (argc == 4 && strcmp(argv[2], "--port") == 0) {
            if (fc_parse_int(argv[3], 1, 65535, &port)) {
                fprintf(stderr, "forkcast: release user-data: --port takes 1..65535\n");
                return 2;
            }
        } else if (argc != 2) {
            usage(stderr);
            return 2;
        }
        if (fc_release_current(cfg, &rel, why, sizeof why)) {
            fprintf(stderr, "forkcast: release user-data: %s\n", why);
            return 1;
        }
        rc = fc_release_user_data(cfg, &rel, (int)port, &out, why, sizeof why);
        if (rc == FC_OK)
            fwrite(out.buf, 1, (size_t)out.len, stdout);
        else
            fprintf(stderr, "forkcast: release user-data: %s\n",
                    rc == FC_EINVAL ? why : "out of memory");
        string_clear(&out);
        return rc == FC_OK ? 0 : 1;
    }
    usage(stderr);
    return 2;
}
