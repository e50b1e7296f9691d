/* forkcast worker: runs the background jobs (started by make run next to lighttpd), and lists,
 * shows and enqueues jobs. */
#include "core/cliopt.h"
#include "core/util.h"
#include "store/store.h"
#include "worker/jobs.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ClearSilver.h>

int fc_worker_cli(HDF *cfg, int argc, char **argv);

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *f)
{
    fputs("usage: forkcast worker [run] [--once | --drain] [--id NAME] [--types T1,T2]\n"
          "       forkcast worker list [--type T] [--state queued|running|done|failed] "
          "[--limit N] [--json]\n"
          "       forkcast worker show ID\n"
          "       forkcast worker enqueue TYPE [PAYLOAD-JSON] [--key DEDUPE-KEY] [--delay-ms N]\n"
          "       forkcast worker types\n"
          "run: claims due jobs and runs them until SIGTERM/SIGINT (--once: what is due now;\n"
          "--drain: until no job is queued). Settings: Worker.PollMs, Worker.LeaseSeconds,\n"
          "Worker.MaxAttempts, Worker.RetryBaseMs, Worker.RetryCapMs, Worker.KeepDays.\n"
          "Exit: 0 done, 1 failed, 2 usage error.\n",
          f);
}

static const char *when(int64_t at, char *buf, size_t n)
{
    time_t t = (time_t)at;
    struct tm tm;
    if (!at)
        return "-";
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

static int cmd_run(HDF *cfg, struct fc_store *s, int argc, char **argv)
{
    struct fc_worker_opts o;
    struct fc_worker *w = NULL;
    struct sigaction sa;
    int rc;

    fc_worker_opts_load(cfg, &o);
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--once") == 0) {
            o.until = FC_WORKER_ONCE;
        } else if (strcmp(argv[i], "--drain") == 0) {
            o.until = FC_WORKER_DRAIN;
        } else if (strcmp(argv[i], "--id") == 0 && i + 1 < argc) {
            fc_strlcpy(o.id, argv[++i], sizeof o.id);
        } else if (strcmp(argv[i], "--types") == 0 && i + 1 < argc) {
            fc_strlcpy(o.types, argv[++i], sizeof o.types);
        } else {
            usage(stderr);
            return 2;
        }
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: a sleep ends at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    o.stop = &stop_flag;
    if (fc_worker_new(cfg, s, &o, &w))
        return 1;
    fprintf(stderr, "forkcast: worker started (job types %s; poll %d ms, lease %d s)\n",
            o.types[0] ? o.types : "all", o.poll_ms, o.lease_ms / 1000);
    rc = fc_worker_loop(w);
    fc_worker_free(w);
    fprintf(stderr, "forkcast: worker stopped\n");
    return rc ? 1 : 0;
}

static int cmd_list(struct fc_store *s, int argc, char **argv)
{
    const char *type = "", *state = "";
    long limit = 50;
    struct fc_job *jobs;
    int n = 0, json = 0;
    char b1[32];

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--type") == 0 && i + 1 < argc)
            type = argv[++i];
        else if (strcmp(argv[i], "--state") == 0 && i + 1 < argc)
            state = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (!fc_cliopt_long(argc, argv, &i, "--limit", 1, 1000, &limit)) {
            usage(stderr);
            return 2;
        }
    }
    jobs = calloc((size_t)limit, sizeof *jobs);
    if (!jobs || s->ops->job_list(s, type, state, jobs, (int)limit, &n)) {
        free(jobs);
        fprintf(stderr, "forkcast: worker: cannot list jobs\n");
        return 1;
    }
    if (json) {
        /* for programs: every field, times as epoch seconds */
        json_object *a = json_object_new_array();
        for (int i = 0; i < n; i++) {
            json_object *j = json_object_new_object();
            json_object_object_add(j, "id", json_object_new_int64(jobs[i].id));
            json_object_object_add(j, "type", json_object_new_string(jobs[i].type));
            json_object_object_add(j, "key", json_object_new_string(jobs[i].dedupe_key));
            json_object_object_add(j, "state", json_object_new_string(jobs[i].state));
            json_object_object_add(j, "attempts", json_object_new_int(jobs[i].attempts));
            json_object_object_add(j, "max_attempts", json_object_new_int(jobs[i].max_attempts));
            json_object_object_add(j, "created_at", json_object_new_int64(jobs[i].created_at));
            json_object_object_add(j, "updated_at", json_object_new_int64(jobs[i].updated_at));
            json_object_object_add(j, "finished_at", json_object_new_int64(jobs[i].finished_at));
            json_object_object_add(j, "message", json_object_new_string(jobs[i].message));
            json_object_array_add(a, j);
        }
        puts(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
        json_object_put(a);
    } else {
        /* for people: aligned columns, "2 h ago" */
        int64_t now = (int64_t)time(NULL);
        printf("%-6s %-14s %-8s %-8s %-12s %s\n", "ID", "TYPE", "STATE", "ATTEMPTS", "UPDATED",
               "MESSAGE");
        for (int i = 0; i < n; i++)
            printf("%-6lld %-14s %-8s %d/%-6d %-12s %s\n", (long long)jobs[i].id, jobs[i].type,
                   jobs[i].state, jobs[i].attempts, jobs[i].max_attempts,
                   fc_human_ago(now, jobs[i].updated_at, b1, sizeof b1), jobs[i].message);
    }
    free(jobs);
    return 0;
}

static int cmd_show(struct fc_store *s, const char *arg)
{
    long id;
    struct fc_job *j = calloc(1, sizeof *j);
    char b[32];
    int rc;
    if (!j)
        return 1;
    if (fc_parse_int(arg, 1, 2147483647L, &id)) {
        free(j);
        usage(stderr);
        return 2;
    }
    rc = s->ops->job_get(s, id, j);
    if (rc) {
        fprintf(stderr, "forkcast: worker: %s\n",
                rc == FC_NOTFOUND ? "no such job" : "store error");
        free(j);
        return 1;
    }
    printf("id: %lld\ntype: %s\nstate: %s\ndedupe_key: %s\nattempts: %d\nmax_attempts: %d\n"
           "runs: %d\nrun_at_ms: %lld\nworker: %s\nlease_until_ms: %lld\ncreated: %s\n",
           (long long)j->id, j->type, j->state, j->dedupe_key, j->attempts, j->max_attempts,
           j->runs, (long long)j->run_at_ms, j->worker, (long long)j->lease_until_ms,
           when(j->created_at, b, sizeof b));
    printf("updated: %s\n", when(j->updated_at, b, sizeof b));
    printf("finished: %s\nmessage: %s\npayload: %s\nprogress: %s\n",
           when(j->finished_at, b, sizeof b), j->message, j->payload, j->progress);
    free(j);
    return 0;
}

static int cmd_enqueue(struct fc_store *s, int argc, char **argv)
{
    const char *type = NULL, *json = "{}", *key = NULL;
    long delay = 0;
    json_object *payload;
    int64_t id = 0;
    int rc;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
            key = argv[++i];
        else if (fc_cliopt_long(argc, argv, &i, "--delay-ms", 0, 86400000L, &delay))
            continue;
        else if (!type && argv[i][0] != '-')
            type = argv[i];
        else if (argv[i][0] != '-')
            json = argv[i];
        else {
            usage(stderr);
            return 2;
        }
    }
    if (!type) {
        usage(stderr);
        return 2;
    }
    payload = json_tokener_parse(json);
    if (!payload || !json_object_is_type(payload, json_type_object)) {
        json_object_put(payload);
        fprintf(stderr, "forkcast: worker: the payload must be a JSON object\n");
        return 2;
    }
    rc = fc_job_enqueue(s, type, payload, key, delay, &id);
    json_object_put(payload);
    if (rc == FC_OK || rc == FC_EXISTS) {
        printf("%lld%s\n", (long long)id, rc == FC_EXISTS ? " (already queued with that key)" : "");
        return 0;
    }
    fprintf(stderr, "forkcast: worker: %s\n",
            rc == FC_EINVAL    ? "no handler for that job type (see: forkcast worker types)"
            : rc == FC_ETOOBIG ? "payload or key too large"
                               : "cannot enqueue");
    return 1;
}

/* The options that take a value, so that the subcommand may follow them. */
static const char *const valued[] = {"--id",    "--types", "--type",     "--state",
                                     "--limit", "--key",   "--delay-ms", NULL};

int fc_worker_cli(HDF *cfg, int argc, char **argv)
{
    struct fc_store *s = NULL;
    int hoisted = fc_cliopt_hoist(argc, argv, valued);
    const char *cmd = hoisted ? argv[1] : "run";
    int first = hoisted ? 2 : 1, rc = 2;

    if (strcmp(cmd, "types") == 0) {
        char types[1024];
        fc_job_types(types, sizeof types);
        for (char *t = strtok(types, ","); t; t = strtok(NULL, ","))
            printf("%s\n", t);
        return 0;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "run") && strcmp(cmd, "list") && strcmp(cmd, "show") &&
        strcmp(cmd, "enqueue")) {
        usage(stderr);
        return 2;
    }
    if (fc_store_open(cfg, &s)) {
        fprintf(stderr, "forkcast: worker: cannot open the store\n");
        return 1;
    }
    if (strcmp(cmd, "run") == 0)
        rc = cmd_run(cfg, s, argc - first, argv + first);
    else if (strcmp(cmd, "list") == 0)
        rc = cmd_list(s, argc - first, argv + first);
    else if (strcmp(cmd, "show") == 0 && argc - first == 1)
        rc = cmd_show(s, argv[first]);
    else if (strcmp(cmd, "enqueue") == 0)
        rc = cmd_enqueue(s, argc - first, argv + first);
    else
        usage(stderr);
    fc_store_close(s);
    return rc;
}
