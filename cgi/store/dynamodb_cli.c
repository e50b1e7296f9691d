/* forkcast dynamodb: create the table (idempotent, waits until it is ACTIVE, turns TTL on),
 * copy a store between SQLite and DynamoDB, rebuild the feeds or the photo items. */
#include "core/config.h"
#include "core/cliopt.h"
#include "core/util.h"
#include "store/dynamodb.h"
#include "store/sqlite.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <ClearSilver.h>
#include <json-c/json.h>

int fc_dynamodb_cli(HDF *cfg, int argc, char **argv);

static void usage(FILE *f)
{
    fprintf(f, "usage: forkcast dynamodb create-tables [--timeout SECONDS]\n"
               "       forkcast dynamodb copy --from sqlite|dynamodb --to dynamodb|sqlite "
               "[--force]\n"
               "       forkcast dynamodb rebuild-feeds\n"
               "       forkcast dynamodb rebuild-photos\n"
               "The table is Store.DynamoDB.Table, defined by Store.DynamoDB.TableFile; the\n"
               "endpoint and region come from AWS.Endpoint.DynamoDB / AWS_ENDPOINT_URL_DYNAMODB\n"
               "and AWS.Region / AWS_REGION (docs/dynamodb.md).\n"
               "Exit: 0 done, 1 failed, 2 usage error.\n");
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One call whose error code the caller wants to see (not logged); borrows req, *resp new. */
static int call(struct fc_dynamo *d, const char *op, json_object *req, json_object **resp,
                struct aws_error *err)
{
    char target[96];
    snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
    return aws_json_call(d->c, target, req, resp, err);
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_get_string(v)
               ? json_object_get_string(v)
               : "";
}

/* DescribeTable: FC_OK with *table (new: the caller puts it), FC_NOTFOUND, FC_ERR (reported). */
static int describe(struct fc_dynamo *d, json_object **table)
{
    json_object *req = dynamo_req(d), *resp = NULL, *t;
    struct aws_error err;
    int rc = call(d, "DescribeTable", req, &resp, &err);
    json_object_put(req);
    *table = NULL;
    if (rc == AWS_E_HTTP && strcmp(err.code, "ResourceNotFoundException") == 0)
        return FC_NOTFOUND;
    if (rc != AWS_OK) {
        fprintf(stderr, "forkcast: dynamodb: DescribeTable %s: %s: %s\n", d->table, err.code,
                err.message);
        return FC_ERR;
    }
    if (json_object_object_get_ex(resp, "Table", &t))
        *table = json_object_get(t);
    json_object_put(resp);
    return *table ? FC_OK : FC_ERR;
}

/* 1 when the table and all of its global indexes are ACTIVE. */
static int active(json_object *t)
{
    json_object *g;
    if (strcmp(jstr(t, "TableStatus"), "ACTIVE") != 0)
        return 0;
    if ((g = dynamo_get_array(t, "GlobalSecondaryIndexes")))
        for (size_t i = 0; i < json_object_array_length(g); i++)
            if (strcmp(jstr(json_object_array_get_idx(g, i), "IndexStatus"), "ACTIVE") != 0)
                return 0;
    return 1;
}

/* The names of the indexes of a table description (or of a CreateTable definition). */
static int has_index(json_object *t, const char *name)
{
    static const char *const kinds[] = {"GlobalSecondaryIndexes", "LocalSecondaryIndexes"};
    for (size_t k = 0; k < FC_ARRAY_LEN(kinds); k++) {
        json_object *a;
        if (!(a = dynamo_get_array(t, kinds[k])))
            continue;
        for (size_t i = 0; i < json_object_array_length(a); i++)
            if (strcmp(jstr(json_object_array_get_idx(a, i), "IndexName"), name) == 0)
                return 1;
    }
    return 0;
}

static int enable_ttl(struct fc_dynamo *d, int *changed)
{
    json_object *req = dynamo_req(d), *resp = NULL, *spec, *desc;
    struct aws_error err;
    const char *status = "";
    int rc;
    *changed = 0;
    rc = call(d, "DescribeTimeToLive", req, &resp, &err);
    if (rc == AWS_OK && json_object_object_get_ex(resp, "TimeToLiveDescription", &desc))
        status = jstr(desc, "TimeToLiveStatus");
    if (rc == AWS_OK && (strcmp(status, "ENABLED") == 0 || strcmp(status, "ENABLING") == 0)) {
        if (strcmp(jstr(desc, "AttributeName"), "ttl") != 0)
            fprintf(stderr, "forkcast: dynamodb: TTL of %s is on attribute %s, not ttl\n", d->table,
                    jstr(desc, "AttributeName"));
        json_object_put(resp);
        json_object_put(req);
        return FC_OK;
    }
    json_object_put(resp);
    resp = NULL;
    spec = json_object_new_object();
    json_object_object_add(spec, "Enabled", json_object_new_boolean(1));
    json_object_object_add(spec, "AttributeName", json_object_new_string("ttl"));
    json_object_object_add(req, "TimeToLiveSpecification", spec);
    rc = call(d, "UpdateTimeToLive", req, &resp, &err);
    json_object_put(resp);
    json_object_put(req);
    if (rc == AWS_OK) {
        *changed = 1;
        return FC_OK;
    }
    if (rc == AWS_E_HTTP && strstr(err.message, "already enabled"))
        return FC_OK;
    fprintf(stderr, "forkcast: dynamodb: UpdateTimeToLive %s: %s: %s\n", d->table, err.code,
            err.message);
    return FC_ERR;
}

static int create_tables(HDF *cfg, int argc, char **argv)
{
    struct fc_store *s = NULL;
    struct fc_dynamo *d;
    json_object *def = NULL, *t = NULL;
    char path[PATH_MAX];
    long timeout = 600;
    double t0 = now_s();
    int rc = 1, made = 0, ttl_changed = 0;
    static const char *const indexes[] = {"gsi1", "gsi2", "lsi1"};

    for (int i = 1; i < argc; i++) {
        if (!fc_cliopt_long(argc, argv, &i, "--timeout", 1, 86400, &timeout)) {
            usage(stderr);
            return 2;
        }
    }
    if (fc_config_path(cfg, "Store.DynamoDB.TableFile", "conf/dynamodb-table.json", path,
                       sizeof path))
        return 1;
    if (!(def = json_object_from_file(path))) {
        fprintf(stderr, "forkcast: dynamodb: cannot read the table definition %s: %s\n", path,
                json_util_get_last_err());
        return 1;
    }
    if (fc_dynamo_open(cfg, &s))
        goto out;
    d = (struct fc_dynamo *)s;
    json_object_object_add(def, "TableName", json_object_new_string(d->table));
    switch (describe(d, &t)) {
    case FC_OK:
        break;
    case FC_NOTFOUND: {
        json_object *resp = NULL;
        struct aws_error err;
        int r = call(d, "CreateTable", def, &resp, &err);
        json_object_put(resp);
        if (r == AWS_OK) {
            made = 1;
        } else if (!(r == AWS_E_HTTP && strcmp(err.code, "ResourceInUseException") == 0)) {
            fprintf(stderr, "forkcast: dynamodb: CreateTable %s: %s: %s\n", d->table, err.code,
                    err.message);
            goto out;
        }
        break;
    }
    default:
        goto out;
    }
    /* CreateTable answers at once; the table (and its indexes) can be used when ACTIVE */
    for (long wait_ms = 100;; wait_ms = wait_ms < 2000 ? wait_ms * 2 : 2000) {
        json_object_put(t);
        t = NULL;
        if (describe(d, &t) == FC_OK && active(t))
            break;
        if (now_s() - t0 > (double)timeout) {
            fprintf(stderr, "forkcast: dynamodb: %s is not ACTIVE after %ld s\n", d->table,
                    timeout);
            goto out;
        }
        dynamo_sleep_ms(wait_ms);
    }
    for (size_t i = 0; i < FC_ARRAY_LEN(indexes); i++)
        if (!has_index(t, indexes[i])) {
            fprintf(stderr,
                    "forkcast: dynamodb: table %s has no index %s: it was not made from %s\n",
                    d->table, indexes[i], path);
            goto out;
        }
    if (enable_ttl(d, &ttl_changed))
        goto out;
    printf("table %s: %s, ACTIVE after %.1f s; TTL on attribute ttl %s\n", d->table,
           made ? "created" : "already there", now_s() - t0,
           ttl_changed ? "enabled" : "already enabled");
    rc = 0;
out:
    json_object_put(t);
    json_object_put(def);
    fc_store_close(s);
    return rc;
}

/* Opens a backend by name for a copy. */
static int open_backend(HDF *cfg, const char *name, int source, struct fc_store **out, char *where,
                        size_t n)
{
    *out = NULL;
    if (strcmp(name, "sqlite") == 0) {
        char path[PATH_MAX], sql[PATH_MAX], dir[PATH_MAX];
        struct stat st;
        if (fc_config_data_path(cfg, "Store.SQLite.Path", "forkcast.db", path, sizeof path) ||
            fc_config_path(cfg, "Sql.Dir", "sql", sql, sizeof sql))
            return FC_ERR;
        if (source && stat(path, &st) != 0) {
            fprintf(stderr, "forkcast: dynamodb copy: no SQLite database at %s\n", path);
            return FC_ERR;
        }
        if (fc_config_path(cfg, "Data.Dir", "var", dir, sizeof dir) == FC_OK)
            mkdir(dir, 0700);
        snprintf(where, n, "sqlite %s", path);
        return fc_sqlite_open(path, sql, out);
    }
    if (strcmp(name, "dynamodb") == 0) {
        struct fc_dynamo *d;
        json_object *t = NULL;
        int rc;
        if (fc_dynamo_open(cfg, out))
            return FC_ERR;
        d = (struct fc_dynamo *)*out;
        rc = describe(d, &t);
        json_object_put(t);
        if (rc == FC_NOTFOUND)
            fprintf(stderr,
                    "forkcast: dynamodb copy: no table %s: run 'forkcast dynamodb "
                    "create-tables' first\n",
                    d->table);
        if (rc) {
            fc_store_close(*out);
            *out = NULL;
            return FC_ERR;
        }
        snprintf(where, n, "dynamodb table %s at %s", d->table, aws_client_endpoint(d->c)->url);
        return FC_OK;
    }
    fprintf(stderr, "forkcast: dynamodb copy: unknown store '%s' (sqlite or dynamodb)\n", name);
    return FC_ERR;
}

struct copy_ctx {
    struct fc_store *to;
    json_object *counts, *skipped; /* table -> rows */
    long total;
    char first[64]; /* emptiness check: the first table seen */
};

static int first_row(void *ctx, const char *table, struct json_object *row)
{
    struct copy_ctx *c = ctx;
    (void)row;
    fc_strlcpy(c->first, table, sizeof c->first);
    return 2; /* stop: not empty */
}

static void count(json_object *counts, const char *table)
{
    json_object *v;
    if (json_object_object_get_ex(counts, table, &v))
        json_object_set_int64(v, json_object_get_int64(v) + 1);
    else
        json_object_object_add(counts, table, json_object_new_int64(1));
}

static int copy_row(void *ctx, const char *table, struct json_object *row)
{
    struct copy_ctx *c = ctx;
    int rc = c->to->ops->import_row(c->to, table, row);
    if (rc == FC_EINVAL) {
        if (!json_object_object_get_ex(c->skipped, table, NULL))
            fprintf(stderr,
                    "forkcast: dynamodb copy: the target does not keep table %s: "
                    "its rows are skipped\n",
                    table);
        count(c->skipped, table);
        return 0;
    }
    if (rc) {
        fprintf(stderr, "forkcast: dynamodb copy: writing a row of %s failed\n", table);
        return rc;
    }
    count(c->counts, table);
    if (++c->total % 5000 == 0)
        fprintf(stderr, "forkcast: dynamodb copy: %ld rows...\n", c->total);
    return 0;
}

static int copy(HDF *cfg, int argc, char **argv)
{
    const char *from = NULL, *to = NULL;
    struct fc_store *src = NULL, *dst = NULL;
    struct copy_ctx c;
    char wfrom[PATH_MAX + 64], wto[PATH_MAX + 64];
    double t0 = now_s();
    int force = 0, rc = 1, r;

    memset(&c, 0, sizeof c);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
            from = argv[++i];
        else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
            to = argv[++i];
        else if (strcmp(argv[i], "--force") == 0)
            force = 1;
        else
            from = to = NULL, i = argc;
    }
    if (!from || !to || strcmp(from, to) == 0) {
        usage(stderr);
        return 2;
    }
    if (open_backend(cfg, from, 1, &src, wfrom, sizeof wfrom) ||
        open_backend(cfg, to, 0, &dst, wto, sizeof wto))
        goto out;
    if (!src->ops->export_rows || !dst->ops->import_row || !dst->ops->wipe) {
        fprintf(stderr, "forkcast: dynamodb copy: a store cannot be copied\n");
        goto out;
    }
    r = dst->ops->export_rows(dst, first_row, &c);
    if (r != FC_OK && r != 2)
        goto out;
    if (r == 2) {
        if (!force) {
            fprintf(stderr,
                    "forkcast: dynamodb copy: the target (%s) is not empty (it has %s); "
                    "nothing was copied. Use --force to replace what it holds.\n",
                    wto, c.first);
            goto out;
        }
        printf("emptying %s (--force)\n", wto);
        if (dst->ops->wipe(dst))
            goto out;
    }
    c.to = dst;
    c.counts = json_object_new_object();
    c.skipped = json_object_new_object();
    r = src->ops->export_rows(src, copy_row, &c);
    if (r == FC_OK)
        r = dst->ops->import_row(dst, NULL, NULL);
    if (r) {
        fprintf(stderr,
                "forkcast: dynamodb copy failed after %ld rows; the target holds part of "
                "the copy (copy again with --force)\n",
                c.total);
        goto out;
    }
    printf("copied %s\n    to %s\n", wfrom, wto);
    {json_object_object_foreach(c.counts, table, n){
        printf("  %-22s %8" PRId64 "\n", table, json_object_get_int64(n));
}
}
{
    json_object_object_foreach(c.skipped, table, n)
    {
        printf("  %-22s %8" PRId64 " skipped\n", table, json_object_get_int64(n));
    }
}
printf("%ld rows in %.1f s\n", c.total, now_s() - t0);
rc = 0;
out : json_object_put(c.counts);
json_object_put(c.skipped);
fc_store_close(src);
fc_store_close(dst);
return rc;
}

/* Runs one of the derived-item rebuilds (feeds, photo items) and says what it did. */
static int rebuild(HDF *cfg, int (*fn)(struct fc_dynamo *, long *, long *), const char *what)
{
    struct fc_store *s = NULL;
    long deleted = 0, written = 0;
    double t0 = now_s();
    int rc = 1;
    if (fc_dynamo_open(cfg, &s))
        return 1;
    if (fn((struct fc_dynamo *)s, &deleted, &written) == FC_OK) {
        printf("%s rebuilt: %ld deleted, %ld written in %.1f s\n", what, deleted, written,
               now_s() - t0);
        rc = 0;
    }
    fc_store_close(s);
    return rc;
}

/* The options that take a value, so that the subcommand may follow them. */
static const char *const valued[] = {"--timeout", "--from", "--to", NULL};

int fc_dynamodb_cli(HDF *cfg, int argc, char **argv)
{
    fc_cliopt_hoist(argc, argv, valued);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "create-tables") == 0)
        return create_tables(cfg, argc - 1, argv + 1);
    if (strcmp(argv[1], "copy") == 0)
        return copy(cfg, argc - 1, argv + 1);
    if (strcmp(argv[1], "rebuild-feeds") == 0 && argc == 2)
        return rebuild(cfg, dynamo_rebuild_feeds, "feeds");
    if (strcmp(argv[1], "rebuild-photos") == 0 && argc == 2)
        return rebuild(cfg, dynamo_rebuild_photos, "photo items");
    usage(stderr);
    return 2;
}
