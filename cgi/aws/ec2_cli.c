/* forkcast ec2: EC2 instances from the command line: launch (idempotent, optionally waiting
 * for running with a public IP), list, describe, start, stop, reboot, terminate. Exit codes:
 * 0 success, 1 AWS or local error, 2 usage, 3 timed out waiting, 4 the instance ended up in
 * a state it will not leave (terminated, shutting down) while waiting. */
#include "aws/ec2.h"
#include "core/cliopt.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ClearSilver.h>
#include <json-c/json.h>

int fc_ec2_cli(HDF *cfg, int argc, char **argv);

enum { EXIT_OK = 0, EXIT_AWS = 1, EXIT_USAGE = 2, EXIT_TIMEOUT = 3, EXIT_ENDED = 4 };

#define MAX_TAGS      50
#define MAX_GROUPS    16
#define MAX_USER_DATA 16384

static void usage(FILE *f)
{
    fputs("usage: forkcast ec2 launch --image-id AMI --instance-type TYPE [--count N]\n"
          "           [--name NAME] [--tag KEY=VALUE]... [--key-name KEY] [--subnet-id SUBNET]\n"
          "           [--security-group SG]... [--user-data TEXT | --user-data-file FILE]\n"
          "           [--client-token TOKEN] [--dry-run] [--wait] [--timeout SECONDS]\n"
          "       forkcast ec2 list [--state STATE[,STATE]] [--tag KEY[=VALUE]] [--json]\n"
          "       forkcast ec2 describe ID\n"
          "       forkcast ec2 start|stop|reboot|terminate ID [--wait] [--timeout SECONDS] "
          "[--dry-run]\n"
          "launch prints the instance ids at once; --wait then prints each state change and\n"
          "ends with InstanceId and PublicIpAddress. Exit: 0 ok, 1 AWS error, 2 usage,\n"
          "3 timed out waiting, 4 the instance was terminated (or is shutting down) instead.\n",
          f);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t rnd(void)
{
    uint32_t v = 0;
    if (fc_random(&v, sizeof v))
        v = (uint32_t)now_ms();
    return v;
}

static int aws_fail(const char *what, int rc, const struct aws_error *err)
{
    char msg[700];
    fc_ec2_strerror(rc, err, msg, sizeof msg);
    fprintf(stderr, "forkcast: ec2 %s: %s\n", what, msg);
    if (err && err->request_id[0])
        fprintf(stderr, "forkcast: ec2 %s: (AWS code %s, request %s)\n", what, err->code,
                err->request_id);
    return EXIT_AWS;
}

/* ---- waiting ------------------------------------------------------------------ */

struct follower {
    struct fc_ec2_wait w;
    int64_t next_ms;
    int done;
    int status;
};

/* Follows every instance to target, printing each change; returns the exit code. */
static int wait_all(struct aws_client *c, const struct fc_ec2_wait_opts *o, char ids[][32], int n,
                    const char *target, int after_launch, int print_table)
{
    struct follower *f = calloc((size_t)n, sizeof *f);
    struct fc_ec2_wait_result *r = malloc(sizeof *r);
    int64_t t0 = now_ms();
    int left = n, code = EXIT_OK;

    if (!f || !r) {
        free(f);
        free(r);
        return EXIT_AWS;
    }
    for (int i = 0; i < n; i++) {
        fc_ec2_wait_init(&f[i].w, ids[i], target, after_launch, t0);
        f[i].next_ms = t0 + fc_ec2_wait_delay_ms(o, 0, rnd());
        f[i].w.step = 1;
    }
    while (left > 0) {
        int k = -1;
        int64_t now;
        for (int i = 0; i < n; i++)
            if (!f[i].done && (k < 0 || f[i].next_ms < f[k].next_ms))
                k = i;
        now = now_ms();
        if (f[k].next_ms > now)
            aws_sleep_default(NULL, (unsigned)(f[k].next_ms - now));
        now = now_ms();
        fc_ec2_wait_step(c, o, &f[k].w, now, rnd(), r);
        for (int i = 0; i < r->n_notes; i++)
            printf("%7.1fs  %s  %s%s%s\n", (double)(now - t0) / 1000, f[k].w.id,
                   r->notes[i].state[0] ? r->notes[i].state : "-",
                   r->notes[i].detail[0] ? "  " : "", r->notes[i].detail);
        fflush(stdout);
        if (r->status == FC_EC2_WAIT_AGAIN) {
            f[k].next_ms = now + r->delay_ms;
            continue;
        }
        f[k].done = 1;
        f[k].status = r->status;
        left--;
        switch (r->status) {
        case FC_EC2_WAIT_DONE:
            fprintf(stderr, "forkcast: ec2: %s\n", r->message);
            break;
        case FC_EC2_WAIT_NO_IP:
            fprintf(stderr, "forkcast: ec2: %s\n", r->message);
            break;
        case FC_EC2_WAIT_TIMEOUT:
            fprintf(stderr, "forkcast: ec2: %s\n", r->message);
            if (code == EXIT_OK)
                code = EXIT_TIMEOUT;
            break;
        case FC_EC2_WAIT_ENDED:
            fprintf(stderr, "forkcast: ec2: %s\n", r->message);
            if (code == EXIT_OK || code == EXIT_TIMEOUT)
                code = EXIT_ENDED;
            break;
        default:
            fprintf(stderr, "forkcast: ec2: %s: %s\n", f[k].w.id, r->message);
            code = EXIT_AWS;
            break;
        }
    }
    if (print_table) {
        printf("InstanceId\tPublicIpAddress\n");
        for (int i = 0; i < n; i++)
            printf("%s\t%s\n", f[i].w.id, f[i].w.public_ip[0] ? f[i].w.public_ip : "-");
    }
    free(f);
    free(r);
    return code;
}

/* --timeout SECONDS */
static int parse_timeout(const char *s, struct fc_ec2_wait_opts *o)
{
    long v;
    if (fc_parse_int(s, 1, 7 * 86400, &v))
        return FC_EINVAL;
    o->timeout_s = (int)v;
    return FC_OK;
}

/* ---- launch ------------------------------------------------------------------- */

static char *read_file(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;
    if (!f)
        return NULL;
    buf = malloc(max + 2);
    n = buf ? fread(buf, 1, max + 1, f) : 0;
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int cmd_launch(HDF *cfg, struct aws_client *c, int argc, char **argv)
{
    struct fc_ec2_launch l = {.count = 1};
    struct fc_ec2_wait_opts o;
    struct fc_ec2_kv tags[MAX_TAGS + 1];
    char tagbuf[MAX_TAGS][400];
    const char *groups[MAX_GROUPS];
    char token[65], (*ids)[32] = NULL;
    char *user_data = NULL;
    struct fc_ec2_instance *out = NULL;
    struct aws_error err;
    size_t ntags = 0, ngroups = 0, ud_len = 0;
    const char *name = NULL;
    int wait = 0, n = 0, rc, code = EXIT_USAGE;
    long count;

    fc_ec2_wait_opts_load(cfg, &o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--wait") == 0) {
            wait = 1;
            continue;
        }
        if (strcmp(a, "--dry-run") == 0) {
            l.dry_run = 1;
            continue;
        }
        if (!v || a[0] != '-')
            goto bad;
        i++;
        if (strcmp(a, "--image-id") == 0) {
            l.image_id = v;
        } else if (strcmp(a, "--instance-type") == 0) {
            l.instance_type = v;
        } else if (strcmp(a, "--count") == 0) {
            if (fc_parse_int(v, 1, FC_EC2_MAX_COUNT, &count))
                goto bad;
            l.count = (int)count;
        } else if (strcmp(a, "--name") == 0) {
            name = v;
        } else if (strcmp(a, "--tag") == 0) {
            char *eq;
            if (ntags >= MAX_TAGS || strlen(v) >= sizeof tagbuf[0] || !(eq = strchr(v, '=')) ||
                eq == v)
                goto bad;
            fc_strlcpy(tagbuf[ntags], v, sizeof tagbuf[0]);
            tagbuf[ntags][eq - v] = '\0';
            tags[ntags].key = tagbuf[ntags];
            tags[ntags].value = tagbuf[ntags] + (eq - v) + 1;
            ntags++;
        } else if (strcmp(a, "--key-name") == 0) {
            l.key_name = v;
        } else if (strcmp(a, "--subnet-id") == 0) {
            l.subnet_id = v;
        } else if (strcmp(a, "--security-group") == 0) {
            if (ngroups >= MAX_GROUPS)
                goto bad;
            groups[ngroups++] = v;
        } else if (strcmp(a, "--user-data") == 0) {
            free(user_data);
            user_data = strdup(v);
            ud_len = strlen(v);
        } else if (strcmp(a, "--user-data-file") == 0) {
            free(user_data);
            if (!(user_data = read_file(v, MAX_USER_DATA, &ud_len))) {
                fprintf(stderr, "forkcast: ec2 launch: cannot read %s\n", v);
                code = EXIT_AWS;
                goto out;
            }
        } else if (strcmp(a, "--client-token") == 0) {
            if (strlen(v) > 64)
                goto bad;
            l.client_token = v;
        } else if (strcmp(a, "--timeout") == 0) {
            if (parse_timeout(v, &o))
                goto bad;
        } else {
            goto bad;
        }
    }
    if (!l.image_id || !l.instance_type)
        goto bad;
    if (ud_len > MAX_USER_DATA) {
        fprintf(stderr, "forkcast: ec2 launch: user data is limited to %d bytes\n", MAX_USER_DATA);
        goto out;
    }
    if (name) {
        /* the Name tag first */
        memmove(tags + 1, tags, ntags * sizeof tags[0]);
        tags[0].key = "Name";
        tags[0].value = name;
        ntags++;
    }
    if (!l.client_token) {
        /* one token per invocation: the client's own retries of this call never launch twice */
        unsigned char r[16];
        if (fc_random(r, sizeof r)) {
            code = EXIT_AWS;
            goto out;
        }
        fc_hex(token, r, sizeof r);
        l.client_token = token;
    }
    l.tags = tags;
    l.n_tags = ntags;
    l.security_groups = groups;
    l.n_security_groups = ngroups;
    l.user_data = user_data;
    l.user_data_len = ud_len;
    rc = fc_ec2_run_instances(c, &l, &out, &n, &err);
    if (l.dry_run && fc_ec2_dry_run_ok(rc, &err)) {
        char msg[600];
        printf("%s\n", fc_ec2_strerror(rc, &err, msg, sizeof msg));
        code = EXIT_OK;
        goto out;
    }
    if (rc != AWS_OK) {
        code = aws_fail("launch", rc, &err);
        goto out;
    }
    ids = calloc((size_t)n, sizeof *ids);
    if (!ids) {
        code = EXIT_AWS;
        goto out;
    }
    for (int i = 0; i < n; i++) {
        fc_strlcpy(ids[i], out[i].id, sizeof ids[i]);
        printf("%s\n", out[i].id);
    }
    fflush(stdout);
    code = wait ? wait_all(c, &o, ids, n, "running", 1, 1) : EXIT_OK;
    goto out;
bad:
    usage(stderr);
    code = EXIT_USAGE;
out:
    free(ids);
    free(out);
    free(user_data);
    return code;
}

/* ---- list / describe ----------------------------------------------------------- */

static int cmd_list(HDF *cfg, struct aws_client *c, int argc, char **argv)
{
    struct fc_ec2_filter filters[2];
    const char *states[8], *tagv[1];
    char statebuf[256], tagkey[160], tagval[256];
    struct fc_ec2_query q = {.filters = filters};
    struct fc_ec2_instance *v = NULL;
    struct aws_error err;
    int n = 0, pages = 0, rc, json = 0;
    size_t nstates = 0;

    q.page_size = aws_config_int(cfg, "EC2.PageSize", 100);
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--state") == 0 && i + 1 < argc && !nstates) {
            char *save = NULL;
            fc_strlcpy(statebuf, argv[++i], sizeof statebuf);
            for (char *s = strtok_r(statebuf, ",", &save); s && nstates < 8;
                 s = strtok_r(NULL, ",", &save))
                states[nstates++] = s;
            filters[q.n_filters++] = (struct fc_ec2_filter){"instance-state-name", states, nstates};
        } else if (strcmp(argv[i], "--tag") == 0 && i + 1 < argc && q.n_filters < 2) {
            const char *t = argv[++i], *eq = strchr(t, '=');
            if (eq && eq != t && (size_t)(eq - t) < sizeof tagkey - 4) {
                snprintf(tagkey, sizeof tagkey, "tag:%.*s", (int)(eq - t), t);
                fc_strlcpy(tagval, eq + 1, sizeof tagval);
                tagv[0] = tagval;
                filters[q.n_filters++] = (struct fc_ec2_filter){tagkey, tagv, 1};
            } else if (!eq && *t) {
                fc_strlcpy(tagval, t, sizeof tagval);
                tagv[0] = tagval;
                filters[q.n_filters++] = (struct fc_ec2_filter){"tag-key", tagv, 1};
            } else {
                usage(stderr);
                return EXIT_USAGE;
            }
        } else {
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    rc = fc_ec2_describe(c, &q, &v, &n, &pages, &err);
    if (rc != AWS_OK)
        return aws_fail("list", rc, &err);
    if (json) {
        /* for programs: the fields as EC2 names them */
        json_object *a = json_object_new_array();
        for (int i = 0; i < n; i++) {
            json_object *j = json_object_new_object();
            json_object_object_add(j, "InstanceId", json_object_new_string(v[i].id));
            json_object_object_add(j, "Name", json_object_new_string(v[i].name));
            json_object_object_add(j, "InstanceType", json_object_new_string(v[i].type));
            json_object_object_add(j, "State", json_object_new_string(v[i].state));
            json_object_object_add(j, "PublicIpAddress", json_object_new_string(v[i].public_ip));
            json_object_object_add(j, "PrivateIpAddress", json_object_new_string(v[i].private_ip));
            json_object_object_add(j, "LaunchTime", json_object_new_string(v[i].launch_time));
            json_object_array_add(a, j);
        }
        puts(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
        json_object_put(a);
    } else {
        /* for people: aligned columns, the launch as "3 d ago" */
        int64_t now = (int64_t)time(NULL);
        printf("%-20s %-24s %-12s %-14s %-16s %s\n", "INSTANCE", "NAME", "TYPE", "STATE",
               "PUBLIC IP", "LAUNCHED");
        for (int i = 0; i < n; i++) {
            char ago[32];
            time_t t = 0;
            if (fc_parse_utc_date(v[i].launch_time, &t, NULL))
                t = 0;
            printf("%-20s %-24s %-12s %-14s %-16s %s\n", v[i].id, v[i].name[0] ? v[i].name : "-",
                   v[i].type, v[i].state, v[i].public_ip[0] ? v[i].public_ip : "-",
                   fc_human_ago(now, (int64_t)t, ago, sizeof ago));
        }
    }
    fprintf(stderr, "forkcast: ec2 list: %d instance%s (%d page%s)\n", n, n == 1 ? "" : "s", pages,
            pages == 1 ? "" : "s");
    free(v);
    return EXIT_OK;
}

static int cmd_describe(struct aws_client *c, const char *id)
{
    struct fc_ec2_instance in;
    struct aws_error err;
    int rc = fc_ec2_describe_one(c, id, &in, &err);
    if (rc != AWS_OK)
        return aws_fail("describe", rc, &err);
    printf("InstanceId: %s\nName: %s\nImageId: %s\nInstanceType: %s\nState: %s\n", in.id, in.name,
           in.image_id, in.type, in.state);
    if (in.reason_code[0] || in.reason_message[0])
        printf("StateReason: %s%s%s\n", in.reason_code, in.reason_message[0] ? ": " : "",
               in.reason_message);
    printf("PublicIpAddress: %s\nPrivateIpAddress: %s\nPublicDnsName: %s\nSubnetId: %s\n"
           "VpcId: %s\nKeyName: %s\nAvailabilityZone: %s\nLaunchTime: %s\n",
           in.public_ip, in.private_ip, in.public_dns, in.subnet_id, in.vpc_id, in.key_name, in.az,
           in.launch_time);
    for (int i = 0; i < in.ntags; i++)
        printf("Tag: %s=%s\n", in.tags[i].key, in.tags[i].value);
    return EXIT_OK;
}

/* ---- start / stop / reboot / terminate ------------------------------------------ */

static int cmd_change(HDF *cfg, struct aws_client *c, enum fc_ec2_action a, int argc, char **argv)
{
    struct fc_ec2_wait_opts o;
    struct fc_ec2_state_change ch[1];
    struct aws_error err;
    const char *id = NULL;
    char ids[1][32];
    int wait = 0, dry = 0, n = 0, rc;

    fc_ec2_wait_opts_load(cfg, &o);
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--wait") == 0)
            wait = 1;
        else if (strcmp(argv[i], "--dry-run") == 0)
            dry = 1;
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc &&
                 !parse_timeout(argv[i + 1], &o))
            i++;
        else if (!id && argv[i][0] != '-')
            id = argv[i];
        else {
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (!id) {
        usage(stderr);
        return EXIT_USAGE;
    }
    rc = fc_ec2_change_state(c, a, &id, 1, dry, ch, 1, &n, &err);
    if (dry && fc_ec2_dry_run_ok(rc, &err)) {
        char msg[600];
        printf("%s\n", fc_ec2_strerror(rc, &err, msg, sizeof msg));
        return EXIT_OK;
    }
    if (rc != AWS_OK)
        return aws_fail(fc_ec2_action_word(a), rc, &err);
    if (n)
        printf("%s  %s -> %s\n", ch[0].id, ch[0].previous, ch[0].current);
    else
        printf("%s  %s requested\n", id, fc_ec2_action_word(a));
    fflush(stdout);
    if (!wait || !*fc_ec2_action_target(a))
        return EXIT_OK;
    fc_strlcpy(ids[0], id, sizeof ids[0]);
    return wait_all(c, &o, ids, 1, fc_ec2_action_target(a), 0, a == FC_EC2_START);
}

/* The options that take a value, so that the subcommand may follow them. */
static const char *const valued[] = {
    "--client-token",   "--count", "--image-id",  "--instance-type", "--key-name", "--name",
    "--security-group", "--state", "--subnet-id", "--tag",           "--timeout",  "--user-data",
    "--user-data-file", NULL};

int fc_ec2_cli(HDF *cfg, int argc, char **argv)
{
    struct aws_client *c = NULL;
    enum fc_ec2_action a;
    const char *cmd;
    int code;

    fc_cliopt_hoist(argc, argv, valued);
    cmd = argc > 1 ? argv[1] : "";
    if (!*cmd || strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0) {
        usage(*cmd ? stdout : stderr);
        return *cmd ? EXIT_OK : EXIT_USAGE;
    }
    if (strcmp(cmd, "launch") && strcmp(cmd, "list") && strcmp(cmd, "describe") &&
        fc_ec2_action_parse(cmd, &a)) {
        fprintf(stderr, "forkcast: ec2: unknown command '%s'\n", cmd);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(cmd, "describe") == 0 && argc != 3) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (fc_ec2_client_new(cfg, &c) != AWS_OK) {
        fprintf(stderr, "forkcast: ec2: bad region or endpoint (AWS_REGION, AWS.Endpoint.EC2, "
                        "AWS_ENDPOINT_URL_EC2)\n");
        return EXIT_AWS;
    }
    if (strcmp(cmd, "launch") == 0)
        code = cmd_launch(cfg, c, argc - 2, argv + 2);
    else if (strcmp(cmd, "list") == 0)
        code = cmd_list(cfg, c, argc - 2, argv + 2);
    else if (strcmp(cmd, "describe") == 0)
        code = cmd_describe(c, argv[2]);
    else
        code = cmd_change(cfg, c, a, argc - 2, argv + 2);
    aws_client_free(c);
    return code;
}
