/* rec/personalize_cli: forkcast personalize: export the datasets (CSV and Avro schemas) and
 * upload them to S3 for an import job, resend failed PutEvents jobs, ask for a user's picks. */
#include "aws/client.h"
#include "core/cliopt.h"
#include "core/util.h"
#include "rec/engine.h"
#include "rec/personalize.h"
#include "store/store.h"
#include "worker/jobs.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

static void usage(FILE *f)
{
    fputs("usage: forkcast personalize export --out DIR [--upload s3://BUCKET/PREFIX] [--views]\n"
          "       forkcast personalize resend [--limit N]\n"
          "       forkcast personalize recommend USERNAME [-n N]\n"
          "export: interactions.csv (USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE: reviews\n"
          "  with their stars, saves, and with --views each place a user viewed), users.csv,\n"
          "  items.csv and their Avro schemas (*-schema.json); --upload puts them in S3 for a\n"
          "  dataset import job.\n"
          "resend: queues again the PutEvents jobs that failed for good (each one once).\n"
          "recommend: asks Personalize (GetRecommendations) for a user's top N and prints it.\n"
          "Exit: 0 done, 1 failed, 2 usage error.\n",
          f);
}

/* The usage on stderr; the exit status of a usage error, 2. */
static int usage_error(void)
{
    usage(stderr);
    return 2;
}

/* ---- the datasets ------------------------------------------------------------------------- */

static const char INTERACTIONS_SCHEMA[] =
    "{\n"
    "  \"type\": \"record\",\n"
    "  \"name\": \"Interactions\",\n"
    "  \"namespace\": \"com.amazonaws.personalize.schema\",\n"
    "  \"fields\": [\n"
    "    {\"name\": \"USER_ID\", \"type\": \"string\"},\n"
    "    {\"name\": \"ITEM_ID\", \"type\": \"string\"},\n"
    "    {\"name\": \"TIMESTAMP\", \"type\": \"long\"},\n"
    "    {\"name\": \"EVENT_TYPE\", \"type\": \"string\"},\n"
    "    {\"name\": \"EVENT_VALUE\", \"type\": [\"null\", \"float\"]}\n"
    "  ],\n"
    "  \"version\": \"1.0\"\n"
    "}\n";

/* Users and Items: the id and three categorical fields (several values joined with '|'). */
static const char META_SCHEMA[] =
    "{\n"
    "  \"type\": \"record\",\n"
    "  \"name\": \"%s\",\n"
    "  \"namespace\": \"com.amazonaws.personalize.schema\",\n"
    "  \"fields\": [\n"
    "    {\"name\": \"%s\", \"type\": \"string\"},\n"
    "    {\"name\": \"CITY\", \"type\": [\"null\", \"string\"], \"categorical\": true},\n"
    "    {\"name\": \"PRICE\", \"type\": [\"null\", \"string\"], \"categorical\": true},\n"
    "    {\"name\": \"CUISINES\", \"type\": [\"null\", \"string\"], \"categorical\": true}\n"
    "  ],\n"
    "  \"version\": \"1.0\"\n"
    "}\n";

/* Writes one categorical CSV field: control characters and '|' inside a value become spaces,
 * list separators (',' ';') become '|' when list is set; quoted when it holds a comma or a
 * quote (RFC 4180). */
static void put_field(FILE *f, const char *v, int list)
{
    char buf[2048];
    size_t n = 0;
    int quote = 0;
    const char *p = v;
    while (*p == ' ')
        p++;
    for (; *p && n < sizeof buf - 1; p++) {
        char ch = *p;
        if ((unsigned char)ch < 0x20 || ch == 0x7f || ch == '|')
            ch = ' ';
        if (list && (ch == ',' || ch == ';')) {
            while (n && buf[n - 1] == ' ')
                n--;
            buf[n++] = '|';
            while (p[1] == ' ')
                p++;
            continue;
        }
        buf[n++] = ch;
    }
    while (n && (buf[n - 1] == ' ' || buf[n - 1] == '|'))
        n--;
    buf[n] = '\0';
    quote = strchr(buf, ',') || strchr(buf, '"');
    if (!quote) {
        fputs(buf, f);
        return;
    }
    fputc('"', f);
    for (p = buf; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

/* A row of users.csv or items.csv: ID,CITY,PRICE,CUISINES. */
static void put_profile(FILE *f, int64_t id, const char *city, const char *price,
                        const char *cuisines)
{
    fprintf(f, "%" PRId64 ",", id);
    put_field(f, city, 0);
    fputc(',', f);
    put_field(f, price, 0);
    fputc(',', f);
    put_field(f, cuisines, 1);
    fputc('\n', f);
}

static FILE *create(const char *dir, const char *name, char *path, size_t n)
{
    FILE *f;
    snprintf(path, n, "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "forkcast: personalize: cannot write %s: %s\n", path, strerror(errno));
    return f;
}

/* Closes *f (set to NULL); FC_ERR when anything failed to be written. */
static int finish(FILE **f, const char *path)
{
    int bad = ferror(*f);
    bad |= fclose(*f);
    *f = NULL;
    if (bad) {
        fprintf(stderr, "forkcast: personalize: error writing %s\n", path);
        return FC_ERR;
    }
    return FC_OK;
}

struct counts {
    size_t interactions, reviews, saves, views, users, items;
};

static void put_interactions(FILE *f, const struct rec_dataset *d, int views, struct counts *k)
{
    fputs("USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\n", f);
    for (size_t i = 0; i < d->n_ratings; i++, k->reviews++)
        fprintf(f, "%" PRId64 ",%" PRId64 ",%" PRId64 ",review,%d\n", d->ratings[i].user,
                d->ratings[i].item, d->ratings[i].at, d->ratings[i].stars);
    for (size_t i = 0; i < d->n_events; i++) {
        const struct rec_event *e = &d->events[i];
        if (e->type == REC_EV_SAVE)
            k->saves++;
        else if (e->type == REC_EV_VIEW && views)
            k->views++;
        else
            continue;
        fprintf(f, "%" PRId64 ",%" PRId64 ",%" PRId64 ",%s,1\n", e->user, e->item, e->at,
                e->type == REC_EV_SAVE ? "save" : "view");
    }
    k->interactions = k->reviews + k->saves + k->views;
}

static void put_users(FILE *f, const struct rec_dataset *d, int views, struct counts *k)
{
    (void)views;
    fputs("USER_ID,CITY,PRICE,CUISINES\n", f);
    for (size_t i = 0; i < d->n_users; i++, k->users++)
        put_profile(f, d->users[i].id, d->users[i].city, d->users[i].price, d->users[i].cuisines);
}

static void put_items(FILE *f, const struct rec_dataset *d, int views, struct counts *k)
{
    (void)views;
    fputs("ITEM_ID,CITY,PRICE,CUISINES\n", f);
    for (size_t i = 0; i < d->n_items; i++, k->items++)
        put_profile(f, d->items[i].id, d->items[i].city, d->items[i].price, d->items[i].cuisines);
}

/* The exported files, in order: a CSV file's rows (put), or a schema: META_SCHEMA for record
 * with its id field, INTERACTIONS_SCHEMA without. */
static const struct out_file {
    const char *name;
    void (*put)(FILE *f, const struct rec_dataset *d, int views, struct counts *k);
    const char *record, *id;
} FILES[] = {
    {"interactions.csv", put_interactions, NULL, NULL},
    {"users.csv", put_users, NULL, NULL},
    {"items.csv", put_items, NULL, NULL},
    {"interactions-schema.json", NULL, NULL, NULL},
    {"users-schema.json", NULL, "Users", "USER_ID"},
    {"items-schema.json", NULL, "Items", "ITEM_ID"},
};

static int write_datasets(const struct rec_dataset *d, const char *dir, int views, struct counts *k)
{
    char path[PATH_MAX];
    FILE *f;

    memset(k, 0, sizeof *k);
    for (size_t i = 0; i < FC_ARRAY_LEN(FILES); i++) {
        const struct out_file *o = &FILES[i];
        if (!(f = create(dir, o->name, path, sizeof path)))
            return FC_ERR;
        if (o->put)
            o->put(f, d, views, k);
        else if (o->record)
            fprintf(f, META_SCHEMA, o->record, o->id);
        else
            fputs(INTERACTIONS_SCHEMA, f);
        if (finish(&f, path))
            return FC_ERR;
    }
    return FC_OK;
}

/* Puts the exported files under s3://bucket/prefix/. */
static int upload(HDF *cfg, const char *dir, const char *url)
{
    struct aws_client *s3 = NULL;
    char bucket[64], prefix[900];
    const char *slash;
    size_t blen;
    int rc = FC_ERR;

    if (strncmp(url, "s3://", 5) != 0) {
        fprintf(stderr, "forkcast: personalize: --upload wants s3://BUCKET/PREFIX\n");
        return FC_EINVAL;
    }
    url += 5;
    slash = strchr(url, '/');
    blen = slash ? (size_t)(slash - url) : strlen(url);
    if (blen == 0 || blen >= sizeof bucket) {
        fprintf(stderr, "forkcast: personalize: bad bucket name in --upload\n");
        return FC_EINVAL;
    }
    memcpy(bucket, url, blen);
    bucket[blen] = '\0';
    fc_strlcpy(prefix, slash ? slash + 1 : "", sizeof prefix);
    while (*prefix && prefix[strlen(prefix) - 1] == '/')
        prefix[strlen(prefix) - 1] = '\0';
    if (aws_client_new(cfg, "s3", &s3) != AWS_OK) {
        fprintf(stderr, "forkcast: personalize: cannot create the S3 client\n");
        return FC_ERR;
    }
    for (size_t i = 0; i < FC_ARRAY_LEN(FILES); i++) {
        struct sigv4_header ct = {"Content-Type",
                                  strstr(FILES[i].name, ".json") ? "application/json" : "text/csv"};
        struct aws_http_response resp = {0};
        struct aws_error err;
        char path[PATH_MAX], key[1024], *enc, *body = NULL;
        size_t len = 0;
        int arc;

        snprintf(path, sizeof path, "%s/%s", dir, FILES[i].name);
        snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "/" : "", FILES[i].name);
        if (fc_read_file(path, &body, &len)) {
            fprintf(stderr, "forkcast: personalize: cannot read %s\n", path);
            goto out;
        }
        enc = aws_uri_encode(key, 1);
        if (!enc) {
            free(body);
            goto out;
        }
        snprintf(path, sizeof path, "/%s", enc);
        free(enc);
        struct aws_request req = {
            .method = "PUT",
            .bucket = bucket,
            .path = path,
            .headers = &ct,
            .n_headers = 1,
            .body = body,
            .body_len = len,
        };
        arc = aws_request(s3, &req, &resp, &err);
        aws_http_response_free(&resp);
        free(body);
        if (arc != AWS_OK) {
            fprintf(stderr,
                    "forkcast: personalize: upload of s3://%s/%s failed: %s (HTTP %d): %s\n",
                    bucket, key, err.code, err.http_status, err.message);
            goto out;
        }
        printf("uploaded s3://%s/%s (%zu bytes)\n", bucket, key, len);
    }
    printf("next: create the schemas from the *-schema.json files and a dataset group, then one "
           "dataset import job per dataset, e.g.\n"
           "  aws personalize create-dataset-import-job --job-name forkcast-interactions "
           "--dataset-arn ARN --role-arn ROLE --data-source "
           "dataLocation=s3://%s/%s%sinteractions.csv\n",
           bucket, prefix, *prefix ? "/" : "");
    rc = FC_OK;
out:
    aws_client_free(s3);
    return rc;
}

static int cmd_export(HDF *cfg, int argc, char **argv)
{
    const char *dir = NULL, *to = NULL;
    struct fc_store *s = NULL;
    struct rec_dataset d;
    struct counts k;
    int views = 0, rc = 1;

    memset(&d, 0, sizeof d);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (strcmp(argv[i], "--upload") == 0 && i + 1 < argc) {
            to = argv[++i];
        } else if (strcmp(argv[i], "--views") == 0) {
            views = 1;
        } else {
            return usage_error();
        }
    }
    if (!dir)
        return usage_error();
    if (mkdir(dir, 0755) && errno != EEXIST) {
        fprintf(stderr, "forkcast: personalize: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    if (fc_store_open(cfg, &s)) {
        fprintf(stderr, "forkcast: personalize: cannot open the store\n");
        return 1;
    }
    if (s->ops->rec_load(s, &d)) {
        fprintf(stderr, "forkcast: personalize: cannot read the store\n");
        goto out;
    }
    if (write_datasets(&d, dir, views, &k))
        goto out;
    printf("wrote %s: interactions.csv (%zu: %zu reviews, %zu saves, %zu views), users.csv "
           "(%zu), items.csv (%zu) and their schemas\n",
           dir, k.interactions, k.reviews, k.saves, k.views, k.users, k.items);
    if (k.interactions < 1000 || k.users < 25)
        printf("note: Personalize trains on at least 1000 interactions from 25 users\n");
    if (to && upload(cfg, dir, to))
        goto out;
    rc = 0;
out:
    rec_dataset_free(&d);
    fc_store_close(s);
    return rc;
}

/* ---- resend ------------------------------------------------------------------------------- */

static int cmd_resend(HDF *cfg, int argc, char **argv)
{
    struct fc_store *s = NULL;
    struct fc_job *jobs = NULL;
    long limit = 1000;
    int n = 0, again = 0, before = 0, rc = 1;

    for (int i = 1; i < argc; i++)
        if (!fc_cliopt_long(argc, argv, &i, "--limit", 1, 100000, &limit))
            return usage_error();
    if (fc_store_open(cfg, &s)) {
        fprintf(stderr, "forkcast: personalize: cannot open the store\n");
        return 1;
    }
    jobs = calloc((size_t)limit, sizeof *jobs);
    if (!jobs || !s->ops->job_list ||
        s->ops->job_list(s, FC_PERSONALIZE_JOB, "failed", jobs, (int)limit, &n)) {
        fprintf(stderr, "forkcast: personalize: cannot list the failed event jobs\n");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        char key[64];
        int64_t id = 0;
        json_object *p = json_tokener_parse(jobs[i].payload);
        int erc;
        /* one resend per failed job, however often this runs */
        snprintf(key, sizeof key, "personalize-resend:%" PRId64, jobs[i].id);
        erc = p ? fc_job_enqueue(s, FC_PERSONALIZE_JOB, p, key, 0, &id) : FC_EINVAL;
        json_object_put(p);
        if (erc == FC_OK) {
            again++;
            printf("job %" PRId64 " queued again as job %" PRId64 "\n", jobs[i].id, id);
        } else if (erc == FC_EXISTS) {
            before++;
        } else {
            fprintf(stderr, "forkcast: personalize: job %" PRId64 ": cannot queue it again (%d)\n",
                    jobs[i].id, erc);
            goto out;
        }
    }
    printf("%d failed event jobs: %d queued again, %d queued again before\n", n, again, before);
    rc = 0;
out:
    free(jobs);
    fc_store_close(s);
    return rc;
}

/* ---- recommend ---------------------------------------------------------------------------- */

static int cmd_recommend(HDF *cfg, int argc, char **argv)
{
    struct fc_store *s = NULL;
    struct fc_personalize *p = NULL;
    struct fc_personalize_item items[100];
    struct fc_user *u = NULL;
    const char *name = NULL;
    char why[768];
    size_t got = 0;
    long n = 10;
    int rc = 1;

    for (int i = 1; i < argc; i++) {
        if (fc_cliopt_long(argc, argv, &i, "-n", 1, 100, &n)) {
            continue;
        } else if (!name && argv[i][0] != '-') {
            name = argv[i];
        } else {
            return usage_error();
        }
    }
    if (!name)
        return usage_error();
    u = calloc(1, sizeof *u);
    if (!u || fc_store_open(cfg, &s)) {
        fprintf(stderr, "forkcast: personalize: cannot open the store\n");
        goto out;
    }
    if (s->ops->user_by_name(s, name, u) != FC_OK) {
        fprintf(stderr, "forkcast: personalize: no user named '%s'\n", name);
        goto out;
    }
    if (fc_personalize_open(cfg, &p))
        goto out;
    if (fc_personalize_recommend(p, u, (size_t)n, items, &got, why, sizeof why)) {
        fprintf(stderr, "forkcast: personalize: GetRecommendations failed: %s\n", why);
        goto out;
    }
    for (size_t i = 0; i < got; i++) {
        struct fc_restaurant *r = calloc(1, sizeof *r);
        int known = r && s->ops->rest_get(s, items[i].item, r) == FC_OK;
        printf("%" PRId64 "\t%.4f\t%s\n", items[i].item, items[i].score,
               known ? r->name : "(not a restaurant here)");
        if (r)
            fc_restaurant_clear(r);
        free(r);
    }
    rc = 0;
out:
    fc_personalize_close(p);
    fc_store_close(s);
    if (u)
        fc_user_clear(u);
    free(u);
    return rc;
}

/* The options that take a value, so that the subcommand may follow them. */
static const char *const valued[] = {"--out", "--upload", "--limit", "-n", NULL};

int fc_personalize_cli(HDF *cfg, int argc, char **argv)
{
    fc_cliopt_hoist(argc, argv, valued);
    if (argc < 2)
        return usage_error();
    if (strcmp(argv[1], "export") == 0)
        return cmd_export(cfg, argc - 1, argv + 1);
    if (strcmp(argv[1], "resend") == 0)
        return cmd_resend(cfg, argc - 1, argv + 1);
    if (strcmp(argv[1], "recommend") == 0)
        return cmd_recommend(cfg, argc - 1, argv + 1);
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    return usage_error();
}
