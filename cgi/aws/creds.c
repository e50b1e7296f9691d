/* aws/creds: the default credentials chain (env, shared files, IMDSv2) with caching. */
#include "aws/creds.h"
#include "aws/error.h"
#include "aws/http.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

struct aws_creds_provider {
    struct aws_http *http;
    struct aws_creds cur;
    int have;
};

void aws_creds_clear(struct aws_creds *c)
{
    if (c)
        OPENSSL_cleanse(c, sizeof(*c));
}

const char *aws_creds_source_name(int source)
{
    static const char *const names[] = {
        [AWS_CREDS_ENV] = "env",
        [AWS_CREDS_FILE] = "file",
        [AWS_CREDS_IMDS] = "imds",
    };
    return fc_enum_name(names, FC_ARRAY_LEN(names), source, "none");
}

static int is_true(const char *s)
{
    return s && !strcasecmp(s, "true");
}

/* Copies src into dst[n]; 0, or -1 when it does not fit. */
static int copy_field(char *dst, size_t n, const char *src)
{
    if (fc_strlcpy(dst, src, n) >= n) {
        OPENSSL_cleanse(dst, n);
        return -1;
    }
    return 0;
}

/* ---- environment -------------------------------------------------------- */

int aws_creds_from_env(struct aws_creds *out)
{
    const char *id = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
    const char *token = getenv("AWS_SESSION_TOKEN");

    if (!out)
        return AWS_ERR;
    aws_creds_clear(out);
    if (!id || !*id || !secret || !*secret)
        return AWS_E_CREDS;
    if (copy_field(out->access_key_id, sizeof out->access_key_id, id) ||
        copy_field(out->secret_access_key, sizeof out->secret_access_key, secret) ||
        copy_field(out->session_token, sizeof out->session_token, token ? token : "")) {
        aws_creds_clear(out);
        return AWS_E_CREDS;
    }
    out->source = AWS_CREDS_ENV;
    return AWS_OK;
}

/* ---- shared files ------------------------------------------------------- */

/* The keys of one profile section found in a file. */
struct profile_keys {
    int found_section;
    int has_id, has_secret;
    struct aws_creds c;
};

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        *--e = '\0';
    return s;
}

/* Profile name of a section header's inside ("default", "profile x", "x"), or NULL when the
 * section is not a profile in this kind of file. */
static const char *section_profile(char *inside, int is_config)
{
    char *s = trim(inside);

    if (!is_config)
        return s;
    if (!strcmp(s, "default"))
        return s;
    if (!strncmp(s, "profile", 7) && (s[7] == ' ' || s[7] == '\t'))
        return trim(s + 7);
    return NULL;
}

/* Reads the section of profile in an INI file (configparser rules: '=' or ':' separates,
 * '#' and ';' start comment lines, deeper-indented lines continue the previous value and are
 * ignored here). Returns 0, or -1 when a value does not fit. A missing file is not an
 * error. */
static int read_profile(const char *path, const char *profile, int is_config,
                        struct profile_keys *k)
{
    FILE *f;
    char line[8192];
    int in_section = 0, rc = 0;
    size_t key_indent = 0;
    int have_key = 0;

    memset(k, 0, sizeof(*k));
    if (!path || !(f = fopen(path, "r")))
        return 0;
    while (fgets(line, sizeof line, f)) {
        size_t indent = strspn(line, " \t");
        char *s = trim(line);
        char *sep, *key, *value;

        if (!*s || *s == '#' || *s == ';')
            continue;
        if (have_key && indent > key_indent)
            continue; /* continuation line (nested s3 = ... settings and such) */
        if (*s == '[') {
            char *end = strrchr(s, ']');
            const char *name;
            have_key = 0;
            if (!end) {
                in_section = 0;
                continue;
            }
            *end = '\0';
            name = section_profile(s + 1, is_config);
            in_section = name && !strcmp(name, profile);
            if (in_section)
                k->found_section = 1;
            continue;
        }
        sep = strpbrk(s, "=:");
        if (!sep)
            continue;
        *sep = '\0';
        key = trim(s);
        value = trim(sep + 1);
        have_key = 1;
        key_indent = indent;
        if (!in_section)
            continue;
        if (!strcasecmp(key, "aws_access_key_id")) {
            rc |= copy_field(k->c.access_key_id, sizeof k->c.access_key_id, value);
            k->has_id = *value != '\0';
        } else if (!strcasecmp(key, "aws_secret_access_key")) {
            rc |= copy_field(k->c.secret_access_key, sizeof k->c.secret_access_key, value);
            k->has_secret = *value != '\0';
        } else if (!strcasecmp(key, "aws_session_token")) {
            rc |= copy_field(k->c.session_token, sizeof k->c.session_token, value);
        }
    }
    OPENSSL_cleanse(line, sizeof line);
    fclose(f);
    return rc ? -1 : 0;
}

/* path, or ~/.aws/<name> from $HOME, into out. 0 or -1. */
static int default_path(const char *env_path, const char *name, char *out, size_t n)
{
    const char *home = getenv("HOME");
    int r;

    if (env_path && *env_path) {
        if (env_path[0] == '~' && env_path[1] == '/' && home)
            r = snprintf(out, n, "%s%s", home, env_path + 1);
        else
            r = snprintf(out, n, "%s", env_path);
    } else {
        if (!home || !*home)
            return -1;
        r = snprintf(out, n, "%s/.aws/%s", home, name);
    }
    return r < 0 || (size_t)r >= n ? -1 : 0;
}

int aws_creds_from_files(const char *credentials_path, const char *config_path, const char *profile,
                         struct aws_creds *out)
{
    char cpath[1024], fpath[1024];
    struct profile_keys k;
    int rc = AWS_E_CREDS;

    if (!out)
        return AWS_ERR;
    aws_creds_clear(out);
    if (!profile)
        profile = getenv("AWS_PROFILE");
    if (!profile || !*profile)
        profile = "default";
    if (!credentials_path && default_path(getenv("AWS_SHARED_CREDENTIALS_FILE"), "credentials",
                                          cpath, sizeof cpath) == 0)
        credentials_path = cpath;
    if (!config_path && default_path(getenv("AWS_CONFIG_FILE"), "config", fpath, sizeof fpath) == 0)
        config_path = fpath;

    for (int is_config = 0; is_config <= 1; is_config++) {
        const char *path = is_config ? config_path : credentials_path;
        if (read_profile(path, profile, is_config, &k) == 0 && k.has_id && k.has_secret) {
            *out = k.c;
            out->source = AWS_CREDS_FILE;
            fc_strlcpy(out->profile, profile, sizeof out->profile);
            rc = AWS_OK;
            break;
        }
    }
    aws_creds_clear(&k.c);
    return rc;
}

/* ---- instance metadata (IMDSv2) ----------------------------------------- */

/* One IMDS exchange: returns AWS_OK with a 200 answer in resp, else AWS_E_CREDS. */
static int imds_call(struct aws_http *http, const char *method, const char *url,
                     const struct sigv4_header *hdr, long timeout_ms, int attempts,
                     struct aws_http_response *resp, struct aws_error *err)
{
    struct aws_http_request req = {
        .method = method,
        .url = url,
        .headers = hdr,
        .n_headers = 1,
        .connect_timeout_ms = timeout_ms,
        .timeout_ms = timeout_ms,
        .no_proxy = 1,
    };
    int rc = AWS_E_CREDS;

    for (int i = 0; i < attempts; i++) {
        aws_http_response_free(resp);
        rc = aws_http_perform(http, &req, resp, err);
        if (rc == AWS_OK && resp->status == 200)
            return AWS_OK;
        if (rc == AWS_OK) {
            aws_error_set(err, "NoCredentials", "instance metadata: %s %s answered %d", method, url,
                          resp->status);
            err->http_status = resp->status;
            if (resp->status < 500)
                break;
        }
        rc = AWS_E_CREDS;
    }
    aws_http_response_free(resp);
    return AWS_E_CREDS;
}

/* "2024-05-17T18:34:56Z" -> epoch seconds, or -1. */
static time_t parse_iso8601(const char *s)
{
    const char *end;
    time_t t;

    /* "2026-11-25T10:00:00Z", or with a fraction before the Z */
    if (fc_parse_utc_date(s, &t, &end) || end - s != 19 || (*end != 'Z' && *end != '.'))
        return -1;
    return t;
}

static const char *json_get_str(json_object *o, const char *key)
{
    json_object *v;

    if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

int aws_creds_from_imds(struct aws_http *http, struct aws_creds *out, struct aws_error *err)
{
    const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    const char *tmo = getenv("AWS_METADATA_SERVICE_TIMEOUT");
    const char *natt = getenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS");
    struct aws_http_response resp = {0};
    char base[512], url[1024], token[1024], role[256];
    struct sigv4_header hdr;
    long timeout_ms = AWS_IMDS_TIMEOUT_MS, v;
    int attempts = 1, rc = AWS_E_CREDS;
    json_object *doc = NULL;
    const char *id, *secret, *session, *expiration, *code;
    size_t n;

    if (!out)
        return AWS_ERR;
    aws_creds_clear(out);
    token[0] = '\0';
    if (is_true(getenv("AWS_EC2_METADATA_DISABLED"))) {
        aws_error_set(err, "NoCredentials", "instance metadata disabled");
        return AWS_E_CREDS;
    }
    if (!http) {
        aws_error_set(err, "NoCredentials", "instance metadata: no HTTP handle");
        return AWS_E_CREDS;
    }
    if (tmo && fc_parse_int(tmo, 1, 3600, &v) == FC_OK)
        timeout_ms = v * 1000;
    if (natt && fc_parse_int(natt, 1, 10, &v) == FC_OK)
        attempts = (int)v;
    fc_strlcpy(base, ep && *ep ? ep : AWS_IMDS_ENDPOINT, sizeof base);
    n = strlen(base);
    while (n && base[n - 1] == '/')
        base[--n] = '\0';

    /* 1. session token */
    snprintf(url, sizeof url, "%s/latest/api/token", base);
    hdr.name = "X-aws-ec2-metadata-token-ttl-seconds";
    hdr.value = "21600";
    if (imds_call(http, "PUT", url, &hdr, timeout_ms, attempts, &resp, err))
        goto out;
    if (copy_field(token, sizeof token, trim(resp.body)) || !token[0]) {
        aws_error_set(err, "NoCredentials", "instance metadata: bad token");
        goto out;
    }
    aws_http_response_free(&resp);

    /* 2. role name (the first line) */
    hdr.name = "X-aws-ec2-metadata-token";
    hdr.value = token;
    snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/", base);
    if (imds_call(http, "GET", url, &hdr, timeout_ms, attempts, &resp, err))
        goto out;
    resp.body[strcspn(resp.body, "\r\n")] = '\0';
    if (fc_strlcpy(role, trim(resp.body), sizeof role) >= sizeof role || !role[0] ||
        strpbrk(role, "/?#% ")) {
        aws_error_set(err, "NoCredentials", "instance metadata: no usable IAM role");
        goto out;
    }
    aws_http_response_free(&resp);

    /* 3. the role's credentials */
    snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/%s", base, role);
    if (imds_call(http, "GET", url, &hdr, timeout_ms, attempts, &resp, err))
        goto out;
    doc = json_tokener_parse(resp.body);
    code = doc ? json_get_str(doc, "Code") : NULL;
    id = doc ? json_get_str(doc, "AccessKeyId") : NULL;
    secret = doc ? json_get_str(doc, "SecretAccessKey") : NULL;
    session = doc ? json_get_str(doc, "Token") : NULL;
    expiration = doc ? json_get_str(doc, "Expiration") : NULL;
    if ((code && strcmp(code, "Success")) || !id || !*id || !secret || !*secret) {
        aws_error_set(err, "NoCredentials", "instance metadata: role %s gave no credentials", role);
        goto out;
    }
    if (copy_field(out->access_key_id, sizeof out->access_key_id, id) ||
        copy_field(out->secret_access_key, sizeof out->secret_access_key, secret) ||
        copy_field(out->session_token, sizeof out->session_token, session ? session : "") ||
        (out->expiration = parse_iso8601(expiration)) <= 0) {
        aws_error_set(err, "NoCredentials", "instance metadata: malformed credentials");
        goto out;
    }
    out->source = AWS_CREDS_IMDS;
    rc = AWS_OK;
out:
    if (resp.body)
        OPENSSL_cleanse(resp.body, resp.body_len);
    aws_http_response_free(&resp);
    json_object_put(doc);
    OPENSSL_cleanse(token, sizeof token);
    if (rc != AWS_OK)
        aws_creds_clear(out);
    return rc;
}

/* ---- the cached chain --------------------------------------------------- */

int aws_creds_provider_new(struct aws_http *http, struct aws_creds_provider **out)
{
    if (!out)
        return AWS_ERR;
    *out = calloc(1, sizeof(**out));
    if (!*out)
        return AWS_ERR;
    (*out)->http = http;
    return AWS_OK;
}

void aws_creds_provider_free(struct aws_creds_provider *p)
{
    if (!p)
        return;
    aws_creds_clear(&p->cur);
    free(p);
}

void aws_creds_provider_reset(struct aws_creds_provider *p)
{
    if (!p)
        return;
    aws_creds_clear(&p->cur);
    p->have = 0;
}

static int fresh(const struct aws_creds *c, time_t now)
{
    return !c->expiration || now < c->expiration - AWS_CREDS_REFRESH_MARGIN;
}

int aws_creds_provider_get(struct aws_creds_provider *p, time_t now, const struct aws_creds **out,
                           struct aws_error *err)
{
    struct aws_creds next;
    struct aws_error imds_err;
    int rc = AWS_E_CREDS;

    if (!p || !out)
        return AWS_ERR;
    *out = NULL;
    if (p->have && fresh(&p->cur, now)) {
        *out = &p->cur;
        return AWS_OK;
    }
    aws_error_clear(&imds_err);
    if (aws_creds_from_env(&next) == AWS_OK ||
        aws_creds_from_files(NULL, NULL, NULL, &next) == AWS_OK ||
        aws_creds_from_imds(p->http, &next, &imds_err) == AWS_OK) {
        p->cur = next;
        p->have = 1;
        rc = AWS_OK;
    } else if (p->have && now < p->cur.expiration) {
        rc = AWS_OK; /* refresh failed: keep what still works */
    }
    aws_creds_clear(&next);
    if (rc == AWS_OK) {
        *out = &p->cur;
        return AWS_OK;
    }
    if (err) {
        err->transport = imds_err.transport;
        err->http_status = 0;
        err->retryable = 0;
        aws_error_set(err, "NoCredentials",
                      "no AWS credentials: none in the environment, none for profile %s in the "
                      "shared files, and %s",
                      getenv("AWS_PROFILE") && *getenv("AWS_PROFILE") ? getenv("AWS_PROFILE")
                                                                      : "default",
                      imds_err.message[0] ? imds_err.message : "no instance metadata");
    }
    return AWS_E_CREDS;
}
