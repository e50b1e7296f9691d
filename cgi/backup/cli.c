/* forkcast backup: S3 backups (init, run, list, restore, verify, prune); docs/backup.md. */
#include "backup/backup.h"
#include "core/cliopt.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

int fc_backup_cli(HDF *cfg, int argc, char **argv);

static void usage(FILE *f)
{
    fputs("usage: forkcast backup COMMAND [OPTIONS]\n"
          "commands:\n"
          "  init [--versioning]                 create the bucket (and the repository)\n"
          "  run [--time T] [PATH...]            back up PATHs (default: the data folder)\n"
          "  run --mirror [--delete] [PATH...]   plain copy with `aws s3 sync` semantics\n"
          "  list [--json]                       snapshots: time, files, bytes, new bytes\n"
          "  restore SNAPSHOT [--path P] --to DIR\n"
          "  verify [SNAPSHOT] [--deep]          objects exist (--deep: download and re-hash)\n"
          "  prune [--keep-last N] [--keep-daily N] [--keep-weekly N] [--grace SECONDS] "
          "[--dry-run]\n"
          "options:\n"
          "  --bucket B  --prefix P              (Backup.Bucket, Backup.Prefix)\n"
          "  --concurrency N                     parallel transfers (Backup.Concurrency)\n"
          "  --part-size SIZE  --multipart-threshold SIZE\n"
          "  --key-file F                        encryption key (or $FORKCAST_BACKUP_KEY)\n"
          "  --cache-dir D  --status-file F  --progress  --no-progress  -v\n"
          "SNAPSHOT is an id, a unique prefix of one, or `latest`.\n"
          "T is the snapshot's time (default now): seconds since 1970, or a UTC date\n"
          "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS.\n"
          "Options may come before or after the command. Exit: 0 done, 1 failed (the\n"
          "message says why), 2 usage error.\n",
          f);
}

/* The latest --time: 2100-01-01T00:00:00Z. */
#define TIME_MAX 4102444800L

/* --time: epoch seconds (digits only) or a UTC date YYYY-MM-DD[THH:MM:SS[Z]], from 1970 up to
 * 2100; 0, or -1 for anything else (out of range, trailing text, an impossible day). */
static int parse_time(const char *s, int64_t *out)
{
    const char *end;
    time_t t;
    long v;

    if (*s && s[strspn(s, "0123456789")] == '\0') {
        if (fc_parse_int(s, 0, TIME_MAX, &v))
            return -1;
        *out = v;
        return 0;
    }
    if (fc_parse_utc_date(s, &t, &end) || (*end && strcmp(end, "Z") != 0) || t < 0 || t > TIME_MAX)
        return -1;
    *out = t;
    return 0;
}

/* ---- list ------------------------------------------------------------------------ */

static int load_rows(struct backup_repo *r, struct fc_backup_snapshot **rows, size_t *n)
{
    char **ids;
    size_t count;

    *rows = NULL;
    *n = 0;
    if (backup_repo_snapshots(r, &ids, &count))
        return FC_ERR;
    *rows = calloc(count + 1, sizeof(**rows));
    if (!*rows) {
        backup_strv_free(ids, count);
        return FC_ERR;
    }
    for (size_t i = 0; i < count; i++) {
        struct fc_backup_snapshot *row = &(*rows)[*n];
        json_object *o, *v;
        char *js = NULL;
        int rc = backup_repo_summary(r, ids[i], &js);
        if (rc == FC_EAUTH) {
            backup_strv_free(ids, count);
            return FC_EAUTH;
        }
        fc_strlcpy(row->id, ids[i], sizeof row->id);
        if (rc == FC_OK && (o = json_tokener_parse(js))) {
            if (json_object_object_get_ex(o, "time", &v))
                row->time = json_object_get_int64(v);
            if (json_object_object_get_ex(o, "files", &v))
                row->files = (uint64_t)json_object_get_int64(v);
            if (json_object_object_get_ex(o, "bytes", &v))
                row->bytes = (uint64_t)json_object_get_int64(v);
            if (json_object_object_get_ex(o, "new_bytes", &v))
                row->new_bytes = (uint64_t)json_object_get_int64(v);
            if (json_object_object_get_ex(o, "new_files", &v))
                row->new_files = (uint64_t)json_object_get_int64(v);
            json_object_put(o);
        }
        free(js);
        (*n)++;
    }
    backup_strv_free(ids, count);
    return FC_OK;
}

static void fmt_time(int64_t t, char *buf, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

int backup_cmd_list(HDF *cfg, struct backup_opts *o, int json)
{
    struct backup_repo *r = NULL;
    struct fc_backup_snapshot *rows = NULL;
    size_t n = 0;
    int rc = 1, lr;

    if (backup_repo_open(cfg, o, 0, &r) != FC_OK)
        return 1;
    lr = load_rows(r, &rows, &n);
    if (lr != FC_OK)
        goto out;
    if (json) {
        json_object *a = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
            json_object *j = json_object_new_object();
            json_object_object_add(j, "id", json_object_new_string(rows[i].id));
            json_object_object_add(j, "time", json_object_new_int64(rows[i].time));
            json_object_object_add(j, "files", json_object_new_int64((int64_t)rows[i].files));
            json_object_object_add(j, "bytes", json_object_new_int64((int64_t)rows[i].bytes));
            json_object_object_add(j, "new_files",
                                   json_object_new_int64((int64_t)rows[i].new_files));
            json_object_object_add(j, "new_bytes",
                                   json_object_new_int64((int64_t)rows[i].new_bytes));
            json_object_array_add(a, j);
        }
        puts(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
        json_object_put(a);
    } else if (isatty(1)) {
        printf("%-22s  %-23s  %8s  %10s  %10s\n", "SNAPSHOT", "TIME", "FILES", "SIZE", "NEW");
        for (size_t i = 0; i < n; i++) {
            char t[40], b[32], nb[32];
            fmt_time(rows[i].time, t, sizeof t);
            printf("%-22s  %-23s  %8llu  %10s  %10s\n", rows[i].id, t,
                   (unsigned long long)rows[i].files,
                   backup_human_bytes(rows[i].bytes, b, sizeof b),
                   backup_human_bytes(rows[i].new_bytes, nb, sizeof nb));
        }
    } else {
        for (size_t i = 0; i < n; i++)
            printf("snapshot=%s time=%lld files=%llu bytes=%llu new_files=%llu new_bytes=%llu\n",
                   rows[i].id, (long long)rows[i].time, (unsigned long long)rows[i].files,
                   (unsigned long long)rows[i].bytes, (unsigned long long)rows[i].new_files,
                   (unsigned long long)rows[i].new_bytes);
    }
    rc = 0;
out:
    free(rows);
    backup_repo_close(r);
    return rc;
}

int fc_backup_list(HDF *cfg, struct fc_backup_snapshot **out, size_t *n, char *err, size_t errlen)
{
    struct backup_opts o;
    struct backup_repo *r = NULL;
    struct fc_backup_snapshot *rows = NULL;
    int rc = FC_ERR;

    *out = NULL;
    *n = 0;
    if (backup_opts_load(cfg, &o)) {
        snprintf(err, errlen, "bad backup settings");
        return FC_ERR;
    }
    o.progress = 0;
    if (!o.bucket[0]) {
        snprintf(err, errlen, "no bucket configured (Backup.Bucket)");
        return FC_ERR;
    }
    if (backup_repo_open(cfg, &o, 0, &r) != FC_OK) {
        snprintf(err, errlen, "cannot open the repository s3://%s/%s", o.bucket, o.prefix);
        return FC_ERR;
    }
    if (load_rows(r, &rows, n) != FC_OK) {
        snprintf(err, errlen, "cannot list the snapshots");
        *n = 0;
        goto out;
    }
    /* Newest first. */
    for (size_t i = 0; i < *n / 2; i++) {
        struct fc_backup_snapshot t = rows[i];
        rows[i] = rows[*n - 1 - i];
        rows[*n - 1 - i] = t;
    }
    *out = rows;
    rows = NULL;
    rc = FC_OK;
out:
    free(rows);
    backup_repo_close(r);
    return rc;
}

/* ---- init ------------------------------------------------------------------------ */

int backup_cmd_init(HDF *cfg, struct backup_opts *o, int versioning)
{
    struct backup_xfer *x = NULL;
    struct backup_repo *r = NULL;
    char err[1024] = "";
    int rc = 1, e;

    if (backup_xfer_new(cfg, o->bucket, 1, &x, err, sizeof err)) {
        backup_msg("forkcast: backup: %s", err);
        return 1;
    }
    e = backup_s3_bucket_exists(x, err, sizeof err);
    if (e < 0) {
        backup_msg("forkcast: backup: cannot use the bucket %s: %s", o->bucket, err);
        goto out;
    }
    if (e == BACKUP_NOTFOUND) {
        const char *region = getenv("AWS_REGION");
        if (!region || !*region)
            region = getenv("AWS_DEFAULT_REGION");
        if (!region || !*region)
            region = aws_config_str(cfg, "AWS.Region", "us-east-1");
        if (backup_s3_bucket_create(x, region, err, sizeof err)) {
            backup_msg("forkcast: backup: cannot create the bucket %s: %s", o->bucket, err);
            goto out;
        }
        printf("bucket=%s created=1\n", o->bucket);
    }
    if (versioning && backup_s3_bucket_versioning(x, err, sizeof err)) {
        backup_msg("forkcast: backup: cannot turn on versioning for %s: %s", o->bucket, err);
        goto out;
    }
    if (backup_repo_open(cfg, o, 1, &r) != FC_OK)
        goto out;
    printf("repository=s3://%s/%s encryption=%s versioning=%s\n", o->bucket, o->prefix,
           r->cr.on ? "aes-256-gcm" : "none", versioning ? "enabled" : "unchanged");
    rc = 0;
out:
    backup_repo_close(r);
    backup_xfer_free(x);
    return rc;
}

/* ---- arguments ------------------------------------------------------------------- */

static int need(int argc, char **argv, int i)
{
    if (i + 1 >= argc) {
        fprintf(stderr, "forkcast: backup: %s needs a value\n", argv[i]);
        return 0;
    }
    return 1;
}

/* The options that take a value, so that the subcommand may follow them. */
static const char *const valued[] = {
    "--bucket",   "--prefix",    "--concurrency", "--part-size",   "--multipart-threshold",
    "--key-file", "--cache-dir", "--status-file", "--time",        "--path",
    "--to",       "--keep-last", "--keep-daily",  "--keep-weekly", "--grace",
    NULL,
};

int fc_backup_cli(HDF *cfg, int argc, char **argv)
{
    struct backup_opts o;
    struct backup_run_args ra;
    const char *cmd, *pos[64];
    const char *path = NULL, *to = NULL;
    int npos = 0, versioning = 0, json = 0, deep = 0, dry = 0;
    long keep_last = 0, keep_daily = 0, keep_weekly = 0, v;
    int rc;

    memset(&ra, 0, sizeof ra);
    fc_cliopt_hoist(argc, argv, valued);
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
        !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    cmd = argv[1];
    if (backup_opts_load(cfg, &o)) {
        fprintf(stderr, "forkcast: backup: bad settings (paths too long?)\n");
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        uint64_t size;
        if (a[0] != '-' || !strcmp(a, "-")) {
            if (npos == (int)FC_ARRAY_LEN(pos)) {
                fprintf(stderr, "forkcast: backup: too many arguments\n");
                return 2;
            }
            pos[npos++] = a;
        } else if (!strcmp(a, "--bucket") && need(argc, argv, i)) {
            fc_strlcpy(o.bucket, argv[++i], sizeof o.bucket);
        } else if (!strcmp(a, "--prefix") && need(argc, argv, i)) {
            const char *p = argv[++i];
            while (*p == '/')
                p++;
            fc_strlcpy(o.prefix, p, sizeof o.prefix);
            while (o.prefix[0] && o.prefix[strlen(o.prefix) - 1] == '/')
                o.prefix[strlen(o.prefix) - 1] = '\0';
        } else if (!strcmp(a, "--concurrency") && need(argc, argv, i)) {
            if (fc_parse_int(argv[++i], 1, 256, &v)) {
                fprintf(stderr, "forkcast: backup: --concurrency takes 1..256\n");
                return 2;
            }
            o.concurrency = (int)v;
        } else if ((!strcmp(a, "--part-size") || !strcmp(a, "--multipart-threshold")) &&
                   need(argc, argv, i)) {
            if (backup_parse_size(argv[i + 1], &size) || !size) {
                fprintf(stderr, "forkcast: backup: bad size %s\n", argv[i + 1]);
                return 2;
            }
            if (!strcmp(a, "--part-size"))
                o.part_size = size;
            else
                o.threshold = size;
            i++;
        } else if (!strcmp(a, "--key-file") && need(argc, argv, i)) {
            fc_strlcpy(o.key_file, argv[++i], sizeof o.key_file);
            o.key_cli = 1;
        } else if (!strcmp(a, "--cache-dir") && need(argc, argv, i)) {
            fc_strlcpy(o.cache_dir, argv[++i], sizeof o.cache_dir);
        } else if (!strcmp(a, "--status-file") && need(argc, argv, i)) {
            fc_strlcpy(o.status_file, argv[++i], sizeof o.status_file);
        } else if (!strcmp(a, "--progress")) {
            o.progress = 1;
        } else if (!strcmp(a, "--no-progress") || !strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            o.progress = 0;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            o.verbose = 1;
        } else if (!strcmp(a, "--versioning")) {
            versioning = 1;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--deep")) {
            deep = 1;
        } else if (!strcmp(a, "--dry-run")) {
            dry = 1;
        } else if (!strcmp(a, "--mirror")) {
            ra.mirror = 1;
        } else if (!strcmp(a, "--delete")) {
            ra.delete_extra = 1;
        } else if (!strcmp(a, "--time") && need(argc, argv, i)) {
            if (parse_time(argv[++i], &ra.time)) {
                fprintf(stderr,
                        "forkcast: backup: --time \"%.40s%s\" is not a time: give seconds since "
                        "1970 or a UTC date YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (a real day, up "
                        "to 2100)\n",
                        argv[i], strlen(argv[i]) > 40 ? "..." : "");
                return 2;
            }
        } else if (!strcmp(a, "--path") && need(argc, argv, i)) {
            path = argv[++i];
        } else if (!strcmp(a, "--to") && need(argc, argv, i)) {
            to = argv[++i];
        } else if ((!strcmp(a, "--keep-last") || !strcmp(a, "--keep-daily") ||
                    !strcmp(a, "--keep-weekly") || !strcmp(a, "--grace")) &&
                   need(argc, argv, i)) {
            if (fc_parse_int(argv[i + 1], 0, 100000000, &v)) {
                fprintf(stderr, "forkcast: backup: %s takes a number\n", a);
                return 2;
            }
            if (!strcmp(a, "--keep-last"))
                keep_last = v;
            else if (!strcmp(a, "--keep-daily"))
                keep_daily = v;
            else if (!strcmp(a, "--keep-weekly"))
                keep_weekly = v;
            else
                o.grace = v;
            i++;
        } else {
            fprintf(stderr, "forkcast: backup: unknown option %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (!o.bucket[0]) {
        fprintf(stderr, "forkcast: backup: no bucket: give --bucket or set Backup.Bucket\n");
        return 2;
    }
    if (o.part_size < BACKUP_MIN_PART_SIZE && !getenv("FORKCAST_BACKUP_ALLOW_SMALL_PARTS"))
        o.part_size = BACKUP_MIN_PART_SIZE; /* S3's minimum (the last part excepted) */
    if (o.threshold < o.part_size)
        o.threshold = o.part_size;

    if (!strcmp(cmd, "init")) {
        rc = npos ? 2 : backup_cmd_init(cfg, &o, versioning);
    } else if (!strcmp(cmd, "run")) {
        ra.paths = (char **)pos;
        ra.n_paths = npos;
        rc = ra.mirror ? backup_cmd_mirror(cfg, &o, &ra) : backup_cmd_run(cfg, &o, &ra);
    } else if (!strcmp(cmd, "list")) {
        rc = npos ? 2 : backup_cmd_list(cfg, &o, json);
    } else if (!strcmp(cmd, "restore")) {
        if (npos != 1 || !to) {
            fprintf(stderr, "usage: forkcast backup restore SNAPSHOT [--path P] --to DIR\n");
            return 2;
        }
        rc = backup_cmd_restore(cfg, &o, pos[0], path, to);
    } else if (!strcmp(cmd, "verify")) {
        rc = npos > 1 ? 2 : backup_cmd_verify(cfg, &o, npos ? pos[0] : NULL, deep);
    } else if (!strcmp(cmd, "prune")) {
        rc = npos ? 2
                  : backup_cmd_prune(cfg, &o, (int)keep_last, (int)keep_daily, (int)keep_weekly,
                                     dry);
    } else {
        fprintf(stderr, "forkcast: backup: unknown command %s\n", cmd);
        usage(stderr);
        rc = 2;
    }
    if (rc == 2 && npos && strcmp(cmd, "run") && strcmp(cmd, "restore"))
        fprintf(stderr, "forkcast: backup: unexpected argument %s\n", pos[0]);
    return rc;
}
