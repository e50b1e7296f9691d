/* Unit tests: background jobs through the store interface and the worker (cgi/worker/): enqueue
 * with a dedupe key, claim order and type filter, leases (a crashed worker's job is taken over,
 * the old holder's update refused), progress kept between steps, AGAIN / RETRY with backoff /
 * FAIL / DONE, giving up after max attempts (and after too many worker deaths), the failed
 * hook, list / next-due / prune, the worker loop (once, drain, stop), several processes
 * claiming at once (no job twice), and the EC2 instance records and state history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/testutil.h"
#include "core/util.h"
#include "store/store.h"
#include "worker/jobs.h"

static char dir[64];
static HDF *cfg;
static struct fc_store *S;

/* ---- a test handler driven by its payload ---------------------------------------- */

static int runs, failed_calls, init_calls, fini_calls, init_fails;
static char last_failed[512];

/* payload {"plan": "AAD"}: step k does plan[k] (A again in 1000 ms, R retry, F fail, D done,
 * X again without touching the progress); progress {"k": steps so far} */
static int plan_run(struct fc_job_run *r)
{
    json_object *plan, *k;
    int step = 0;
    runs++;
    if (json_object_object_get_ex(r->progress, "k", &k))
        step = json_object_get_int(k);
    if (!json_object_object_get_ex(r->payload, "plan", &plan))
        return FC_JOB_FAIL;
    const char *p = json_object_get_string(plan);
    char c = step < (int)strlen(p) ? p[step] : 'D';
    if (c != 'X')
        json_object_object_add(r->progress, "k", json_object_new_int(step + 1));
    snprintf(r->message, sizeof r->message, "step %d: %c", step, c);
    switch (c) {
    case 'A':
    case 'X':
        r->again_ms = 1000;
        return FC_JOB_AGAIN;
    case 'R':
        return FC_JOB_RETRY;
    case 'F':
        return FC_JOB_FAIL;
    default:
        return FC_JOB_DONE;
    }
}

static int plan_init(HDF *c, void **state)
{
    (void)c;
    init_calls++;
    if (init_fails) {
        init_fails--;
        return FC_ERR;
    }
    *state = &init_calls;
    return FC_OK;
}

static void plan_fini(void *state)
{
    assert_ptr_equal(state, &init_calls);
    fini_calls++;
}

static void plan_failed(struct fc_job_run *r)
{
    failed_calls++;
    fc_strlcpy(last_failed, r->message, sizeof last_failed);
}

static const struct fc_job_type PLAN = {.type = "test.plan",
                                        .run = plan_run,
                                        .max_attempts = 3,
                                        .init = plan_init,
                                        .fini = plan_fini,
                                        .failed = plan_failed};
static const struct fc_job_type OTHER = {.type = "test.other", .run = plan_run};

/* ---- a fake clock --------------------------------------------------------------- */

static int64_t clock_ms;
static unsigned slept;

static int64_t fake_now(void *ctx)
{
    (void)ctx;
    return clock_ms;
}

static void fake_sleep(void *ctx, unsigned ms)
{
    (void)ctx;
    slept += ms;
    clock_ms += ms;
}

static uint32_t fake_rand(void *ctx)
{
    (void)ctx;
    return 0;
}

static struct fc_worker *worker(const char *id, const char *types)
{
    struct fc_worker_opts o;
    struct fc_worker *w = NULL;
    fc_worker_opts_load(cfg, &o);
    fc_strlcpy(o.id, id, sizeof o.id);
    fc_strlcpy(o.types, types ? types : "", sizeof o.types);
    o.lease_ms = 5000;
    o.max_attempts = 5;
    o.retry_base_ms = 2000;
    o.retry_cap_ms = 10000;
    o.poll_ms = 500;
    o.keep_days = 0;
    o.quiet = 1;
    o.now_ms = fake_now;
    o.sleep_ms = fake_sleep;
    o.rand = fake_rand;
    assert_int_equal(fc_worker_new(cfg, S, &o, &w), FC_OK);
    return w;
}

/* Jobs are queued on the real clock: moves the fake one (never back) to 100 ms after the
 * moment job id was queued, so that it is due "now" however slow the run (valgrind). */
static void keep_due(int64_t id, int64_t delay)
{
    struct fc_job j;
    assert_int_equal(S->ops->job_get(S, id, &j), FC_OK);
    if (j.run_at_ms - delay + 100 > clock_ms)
        clock_ms = j.run_at_ms - delay + 100;
}

static int64_t enqueue(const char *plan, const char *key, int64_t delay)
{
    char json[256];
    json_object *p;
    int64_t id = 0;
    snprintf(json, sizeof json, "{\"plan\":\"%s\"}", plan);
    p = json_tokener_parse(json);
    int rc = fc_job_enqueue(S, "test.plan", p, key, delay, &id);
    json_object_put(p);
    assert_true(rc == FC_OK || rc == FC_EXISTS);
    if (rc == FC_OK)
        keep_due(id, delay);
    return id;
}

static void get(int64_t id, struct fc_job *j)
{
    assert_int_equal(S->ops->job_get(S, id, j), FC_OK);
}

static int setup(void **state)
{
    (void)state;
    cfg = testutil_config(dir);
    if (!cfg || fc_store_open(cfg, &S))
        return -1;
    if (fc_job_register(&PLAN) || fc_job_register(&OTHER))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fc_job_unregister_all();
    fc_store_close(S);
    hdf_destroy(&cfg);
    testutil_cleanup(dir);
    return 0;
}

/* Between tests: every job is finished (claimed far in the future and failed), then pruned;
 * through the interface only, so this runs on any backend. */
static int reset(void **state)
{
    struct fc_job j;
    int n;
    (void)state;
    while (S->ops->job_claim(S, "", "reset", INT64_MAX / 4, 1, &j) == FC_OK) {
        fc_strlcpy(j.state, "failed", sizeof j.state);
        assert_int_equal(S->ops->job_update(S, &j, 1), FC_OK);
    }
    assert_int_equal(S->ops->job_prune(S, INT64_MAX / 4, &n), FC_OK);
    runs = failed_calls = init_calls = fini_calls = init_fails = 0;
    last_failed[0] = '\0';
    /* a little ahead of the real clock, so that jobs queued "now" are due */
    clock_ms = fc_job_now_ms() + 100;
    slept = 0;
    return 0;
}

/* ---- tests ---------------------------------------------------------------------- */

static void test_enqueue_dedupe(void **state)
{
    struct fc_job j;
    json_object *big;
    char *text;
    int64_t a, b, c, id = 0;
    (void)state;

    a = enqueue("D", "launch:i-1", 0);
    b = enqueue("AAD", "launch:i-1", 0);
    c = enqueue("D", "launch:i-2", 0);
    assert_true(a > 0);
    assert_int_equal(a, b);
    assert_int_not_equal(a, c);
    get(a, &j);
    assert_string_equal(j.type, "test.plan");
    assert_string_equal(j.state, "queued");
    assert_string_equal(j.payload, "{\"plan\":\"D\"}"); /* the first one's */
    assert_string_equal(j.progress, "{}");
    assert_int_equal(j.max_attempts, 3);
    assert_int_equal(S->ops->job_by_key(S, "launch:i-2", &j), FC_OK);
    assert_int_equal(j.id, c);
    assert_int_equal(S->ops->job_by_key(S, "launch:i-3", &j), FC_NOTFOUND);
    /* no key: never deduplicated */
    assert_int_not_equal(enqueue("D", NULL, 0), enqueue("D", "", 0));
    assert_int_equal(fc_job_enqueue(S, "test.nope", NULL, NULL, 0, &id), FC_EINVAL);
    text = malloc(5000);
    memset(text, 'x', 4999);
    text[4999] = '\0';
    big = json_object_new_object();
    json_object_object_add(big, "x", json_object_new_string(text));
    assert_int_equal(fc_job_enqueue(S, "test.plan", big, NULL, 0, &id), FC_ETOOBIG);
    json_object_put(big);
    free(text);
}

static void test_claim_order_types_lease(void **state)
{
    struct fc_job j, k;
    int64_t now, late, early, other;
    json_object *p = json_tokener_parse("{\"plan\":\"D\"}");
    (void)state;

    late = enqueue("D", NULL, 60000);
    early = enqueue("D", NULL, 0);
    assert_int_equal(fc_job_enqueue(S, "test.other", p, NULL, 0, &other), FC_OK);
    json_object_put(p);
    now = fc_job_now_ms();
    /* only the types asked for */
    assert_int_equal(S->ops->job_claim(S, "test.plan", "w1", now + 10, 5000, &j), FC_OK);
    assert_int_equal(j.id, early);
    assert_string_equal(j.state, "running");
    assert_string_equal(j.worker, "w1");
    assert_int_equal(j.lease_until_ms, now + 10 + 5000);
    assert_int_equal(j.runs, 1);
    /* the late one is not due; the running one is leased */
    assert_int_equal(S->ops->job_claim(S, "test.plan", "w2", now + 10, 5000, &k), FC_NOTFOUND);
    assert_int_equal(S->ops->job_claim(S, "test.plan,test.other", "w2", now + 10, 5000, &k), FC_OK);
    assert_int_equal(k.id, other);
    /* w1 dies: after its lease another worker takes the job; that counts as an attempt */
    assert_int_equal(S->ops->job_claim(S, "", "w2", now + 5011, 5000, &k), FC_OK);
    assert_int_equal(k.id, early);
    assert_string_equal(k.worker, "w2");
    assert_int_equal(k.attempts, 1);
    assert_int_equal(k.runs, 2);
    /* the old holder can no longer write */
    fc_strlcpy(j.state, "done", sizeof j.state);
    assert_int_equal(S->ops->job_update(S, &j, now / 1000), FC_NOTFOUND);
    fc_strlcpy(k.state, "done", sizeof k.state);
    assert_int_equal(S->ops->job_update(S, &k, now / 1000), FC_OK);
    get(early, &k);
    assert_string_equal(k.state, "done");
    assert_true(k.finished_at > 0);
    /* a running holder may extend its lease */
    assert_int_equal(S->ops->job_claim(S, "test.plan", "w3", now + 60000, 5000, &k), FC_OK);
    assert_int_equal(k.id, late);
    k.lease_until_ms = now + 99000;
    assert_int_equal(S->ops->job_update(S, &k, now / 1000), FC_OK);
    assert_int_equal(S->ops->job_claim(S, "test.plan", "w4", now + 98000, 5000, &j), FC_NOTFOUND);
    fc_strlcpy(k.state, "bogus", sizeof k.state);
    assert_int_equal(S->ops->job_update(S, &k, now / 1000), FC_EINVAL);
}

static void test_worker_again_progress_done(void **state)
{
    struct fc_worker *w = worker("w1", "test.plan");
    struct fc_job j;
    int64_t id = enqueue("AAD", NULL, 0), ran = 0;
    (void)state;

    assert_int_equal(fc_worker_step(w, &ran), FC_OK);
    assert_int_equal(ran, id);
    get(id, &j);
    assert_string_equal(j.state, "queued");
    assert_string_equal(j.progress, "{\"k\":1}");
    assert_string_equal(j.message, "step 0: A");
    assert_int_equal(j.run_at_ms, clock_ms + 1000);
    assert_int_equal(j.attempts, 0);
    /* not due before again_ms */
    assert_int_equal(fc_worker_step(w, NULL), FC_NOTFOUND);
    clock_ms += 1000;
    assert_int_equal(fc_worker_step(w, NULL), FC_OK);
    get(id, &j);
    assert_string_equal(j.progress, "{\"k\":2}");
    clock_ms += 1000;
    assert_int_equal(fc_worker_step(w, NULL), FC_OK);
    get(id, &j);
    assert_string_equal(j.state, "done");
    assert_string_equal(j.message, "step 2: D");
    assert_int_equal(j.runs, 3);
    assert_int_equal(init_calls, 1); /* once per worker */
    fc_worker_free(w);
    assert_int_equal(fini_calls, 1);
    assert_int_equal(failed_calls, 0);
}

static void test_worker_retry_backoff_then_fail(void **state)
{
    struct fc_worker *w = worker("w1", NULL);
    struct fc_job j;
    int64_t id = enqueue("RRRD", NULL, 0), t0;
    (void)state;

    t0 = clock_ms;
    assert_int_equal(fc_worker_step(w, NULL), FC_OK);
    get(id, &j);
    assert_string_equal(j.state, "queued");
    assert_int_equal(j.attempts, 1);
    /* equal jitter with rand 0: exactly half of base * 2^0 */
    assert_int_equal(j.run_at_ms, t0 + 1000);
    clock_ms = j.run_at_ms;
    assert_int_equal(fc_worker_step(w, NULL), FC_OK);
    get(id, &j);
    assert_int_equal(j.attempts, 2);
    assert_int_equal(j.run_at_ms, clock_ms + 2000); /* base * 2^1 / 2 */
    clock_ms = j.run_at_ms;
    /* the third failure is the last one allowed (max_attempts 3 for this type) */
    assert_int_equal(fc_worker_step(w, NULL), FC_OK);
    get(id, &j);
    assert_string_equal(j.state, "failed");
    assert_int_equal(j.attempts, 3);
    assert_int_equal(failed_calls, 1);
    assert_string_equal(last_failed, "step 2: R");
    assert_int_equal(runs, 3);
    fc_worker_free(w);

    for (int n = 0; n < 20; n++)
        for (uint32_t r = 0; r < 100000; r += 997) {
            int64_t d = 2000;
            for (int i = 0; i < n && d < 10000; i++)
                d *= 2;
            if (d > 10000)
                d = 10000;
            int64_t v = fc_job_backoff_ms(2000, 10000, n, r);
            assert_true(v >= d / 2 && v <= d);
        }
}

static void test_worker_fail_and_bad_payload(void **state)
{
    struct fc_worker *w = worker("w1", NULL);
    struct fc_job j;
    int64_t a = enqueue("AF", NULL, 0), b;
    json_object *p = json_tokener_parse("[1,2]");
    (void)state;

    assert_int_equal(fc_job_enqueue(S, "test.plan", p, NULL, 0, &b), FC_OK);
    keep_due(b, 0);
    json_object_put(p);
    assert_int_equal(fc_worker_step(w, NULL), FC_OK);
    assert_int_equal(fc_worker_step(w, NULL), FC_OK);
    get(b, &j);
    assert_string_equal(j.state, "failed");
    assert_non_null(strstr(j.message, "not a JSON object"));
    clock_ms += 1000;
    assert_int_equal(fc_worker_step(w, NULL), FC_OK);
    get(a, &j);
    assert_string_equal(j.state, "failed");
    assert_int_equal(j.attempts, 0); /* failed for good at once, no retry */
    assert_int_equal(failed_calls, 2);
    fc_worker_free(w);
}

static void test_worker_init_failure_retried(void **state)
{
    struct fc_worker *w = worker("w1", NULL);
    struct fc_job j;
    int64_t id = enqueue("D", NULL, 0);
    (void)state;
    init_fails = 1;
    assert_int_equal(fc_worker_step(w, NULL), FC_OK);
    get(id, &j);
    assert_string_equal(j.state, "queued");
    assert_int_equal(j.attempts, 1);
    assert_non_null(strstr(j.message, "could not start"));
    clock_ms = j.run_at_ms;
    assert_int_equal(fc_worker_step(w, NULL), FC_OK);
    get(id, &j);
    assert_string_equal(j.state, "done");
    assert_int_equal(init_calls, 2);
    fc_worker_free(w);
}

static void test_worker_crash_resume(void **state)
{
    struct fc_worker *w;
    struct fc_job j;
    int64_t id = enqueue("AAAD", NULL, 0);
    (void)state;

    /* worker 1 runs a step, then claims the next one and dies in it */
    w = worker("w1", NULL);
    assert_int_equal(fc_worker_step(w, NULL), FC_OK);
    fc_worker_free(w);
    clock_ms += 1000;
    assert_int_equal(S->ops->job_claim(S, "", "w1", clock_ms, 5000, &j), FC_OK);
    /* worker 2 starts: the job is leased until w1's lease ends */
    w = worker("w2", NULL);
    assert_int_equal(fc_worker_step(w, NULL), FC_NOTFOUND);
    clock_ms += 5000;
    assert_int_equal(fc_worker_step(w, NULL), FC_OK);
    get(id, &j);
    /* resumed from the saved progress (step 1), not from the start */
    assert_string_equal(j.message, "step 1: A");
    assert_string_equal(j.progress, "{\"k\":2}");
    assert_string_equal(j.worker, "w2");
    assert_int_equal(j.attempts, 1);
    fc_worker_free(w);
}

static void test_worker_dies_too_often(void **state)
{
    struct fc_worker *w = worker("w9", NULL);
    struct fc_job j;
    int64_t id = enqueue("XD", NULL, 0);
    (void)state;
    /* every worker that takes it dies: after max_attempts (3) it is given up */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(S->ops->job_claim(S, "", "dying", clock_ms, 5000, &j), FC_OK);
        clock_ms += 5000;
    }
    assert_int_equal(fc_worker_step(w, NULL), FC_OK);
    get(id, &j);
    assert_string_equal(j.state, "failed");
    assert_non_null(strstr(j.message, "worker stopped 3 times"));
    assert_int_equal(runs, 0);
    assert_int_equal(failed_calls, 1);
    fc_worker_free(w);
}

static volatile sig_atomic_t stop_now;

static void test_worker_loop(void **state)
{
    struct fc_worker_opts o;
    struct fc_worker *w = NULL;
    struct fc_job j;
    int64_t a = enqueue("AAD", NULL, 0), b = enqueue("D", NULL, 2500), due;
    (void)state;

    fc_worker_opts_load(cfg, &o);
    o.now_ms = fake_now;
    o.sleep_ms = fake_sleep;
    o.rand = fake_rand;
    o.poll_ms = 400;
    o.keep_days = 0;
    o.quiet = 1;
    o.until = FC_WORKER_ONCE;
    assert_int_equal(fc_worker_new(cfg, S, &o, &w), FC_OK);
    /* once: what is due now (one step of a), without sleeping */
    assert_int_equal(fc_worker_loop(w), FC_OK);
    get(a, &j);
    assert_string_equal(j.progress, "{\"k\":1}");
    assert_int_equal(slept, 0);
    assert_int_equal(S->ops->job_next_due(S, "", &due), FC_OK);
    assert_int_equal(due, clock_ms + 1000);
    fc_worker_free(w);
    /* drain: sleeps (never longer than poll_ms) until everything is finished */
    o.until = FC_WORKER_DRAIN;
    assert_int_equal(fc_worker_new(cfg, S, &o, &w), FC_OK);
    assert_int_equal(fc_worker_loop(w), FC_OK);
    get(a, &j);
    assert_string_equal(j.state, "done");
    get(b, &j);
    assert_string_equal(j.state, "done");
    assert_true(slept >= 2000 && slept <= 2700);
    assert_int_equal(S->ops->job_next_due(S, "", &due), FC_NOTFOUND);
    fc_worker_free(w);
    /* forever, until the stop flag */
    stop_now = 1;
    o.until = FC_WORKER_FOREVER;
    o.stop = &stop_now;
    assert_int_equal(fc_worker_new(cfg, S, &o, &w), FC_OK);
    enqueue("D", NULL, 0);
    assert_int_equal(fc_worker_loop(w), FC_OK); /* returns at once */
    assert_int_equal(runs, 4);
    fc_worker_free(w);
    /* unknown types are refused up front */
    fc_strlcpy(o.types, "test.plan,nope", sizeof o.types);
    assert_int_equal(fc_worker_new(cfg, S, &o, &w), FC_EINVAL);
}

static void test_list_next_due_prune(void **state)
{
    struct fc_job js[10], j;
    struct fc_worker *w = worker("w1", NULL);
    int64_t a = enqueue("D", "k:a", 0), b = enqueue("A", "k:b", 0), c, due;
    json_object *p = json_tokener_parse("{}");
    int n = 0;
    (void)state;
    assert_int_equal(fc_job_enqueue(S, "test.other", p, NULL, 5000, &c), FC_OK);
    json_object_put(p);
    assert_int_equal(fc_worker_step(w, NULL), FC_OK); /* a: done */
    assert_int_equal(fc_worker_step(w, NULL), FC_OK); /* b: again in 1 s */
    assert_int_equal(S->ops->job_list(S, "", "", js, 10, &n), FC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(js[0].id, c); /* newest first */
    assert_int_equal(js[2].id, a);
    assert_int_equal(S->ops->job_list(S, "test.plan", "", js, 10, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(S->ops->job_list(S, "", "done", js, 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(js[0].id, a);
    assert_int_equal(S->ops->job_list(S, "", "", js, 1, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(S->ops->job_next_due(S, "test.plan", &due), FC_OK);
    assert_int_equal(due, clock_ms + 1000);
    assert_int_equal(S->ops->job_next_due(S, "test.other", &due), FC_OK);
    assert_true(due >= clock_ms + 4000);
    /* prune: only finished jobs, only old enough */
    assert_int_equal(S->ops->job_prune(S, fc_now() - 3600, &n), FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(S->ops->job_prune(S, fc_now() + 10, &n), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(S->ops->job_get(S, a, &j), FC_NOTFOUND);
    get(b, &j);
    /* the dedupe key of a pruned job is free again */
    assert_int_not_equal(enqueue("D", "k:a", 0), a);
    fc_worker_free(w);
}

/* Several processes claim from the same database at once: each job runs exactly once. */
static void test_concurrent_claims(void **state)
{
    enum { JOBS = 60, PROCS = 4 };
    int fds[2], seen[JOBS] = {0}, total = 0;
    int64_t ids[JOBS], id;
    (void)state;

    for (int i = 0; i < JOBS; i++)
        ids[i] = enqueue("D", NULL, 0);
    assert_int_equal(pipe(fds), 0);
    for (int p = 0; p < PROCS; p++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            struct fc_store *s2 = NULL;
            struct fc_job j;
            char name[16];
            close(fds[0]);
            snprintf(name, sizeof name, "p%d", p);
            if (fc_store_open(cfg, &s2))
                _exit(2);
            while (s2->ops->job_claim(s2, "test.plan", name, fc_job_now_ms(), 60000, &j) == FC_OK) {
                if (write(fds[1], &j.id, sizeof j.id) != sizeof j.id)
                    _exit(3);
                fc_strlcpy(j.state, "done", sizeof j.state);
                if (s2->ops->job_update(s2, &j, fc_now()))
                    _exit(4);
            }
            fc_store_close(s2);
            _exit(0);
        }
    }
    close(fds[1]);
    while (read(fds[0], &id, sizeof id) == sizeof id) {
        int k = -1;
        for (int i = 0; i < JOBS; i++)
            if (ids[i] == id)
                k = i;
        assert_true(k >= 0);
        seen[k]++;
        total++;
    }
    close(fds[0]);
    for (int p = 0; p < PROCS; p++) {
        int st;
        wait(&st);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    assert_int_equal(total, JOBS);
    for (int i = 0; i < JOBS; i++)
        assert_int_equal(seen[i], 1);
}

static void test_instances_and_history(void **state)
{
    struct fc_instance in, out, list[5];
    struct fc_instance_event e, ev[10];
    int n = 0;
    (void)state;

    memset(&in, 0, sizeof in);
    fc_strlcpy(in.instance_id, "i-0123456789abcdef0", sizeof in.instance_id);
    fc_strlcpy(in.name, "web", sizeof in.name);
    fc_strlcpy(in.state, "pending", sizeof in.state);
    fc_strlcpy(in.client_token, "tok1", sizeof in.client_token);
    fc_strlcpy(in.status, "following", sizeof in.status);
    in.launched_by = 7;
    assert_int_equal(S->ops->instance_put(S, &in, 1000), FC_OK);
    /* an update keeps the first token, launcher and creation time */
    fc_strlcpy(in.state, "running", sizeof in.state);
    fc_strlcpy(in.public_ip, "54.1.2.3", sizeof in.public_ip);
    in.client_token[0] = '\0';
    in.launched_by = 0;
    fc_strlcpy(in.status, "ready", sizeof in.status);
    assert_int_equal(S->ops->instance_put(S, &in, 2000), FC_OK);
    assert_int_equal(S->ops->instance_get(S, "i-0123456789abcdef0", &out), FC_OK);
    assert_string_equal(out.state, "running");
    assert_string_equal(out.public_ip, "54.1.2.3");
    assert_string_equal(out.client_token, "tok1");
    assert_string_equal(out.status, "ready");
    assert_int_equal(out.launched_by, 7);
    assert_int_equal(out.created_at, 1000);
    assert_int_equal(out.updated_at, 2000);
    assert_int_equal(S->ops->instance_get(S, "i-0fffffffffffffff0", &out), FC_NOTFOUND);
    fc_strlcpy(in.instance_id, "i-0123456789abcdef1", sizeof in.instance_id);
    fc_strlcpy(in.client_token, "tok1", sizeof in.client_token);
    assert_int_equal(S->ops->instance_put(S, &in, 3000), FC_OK);
    assert_int_equal(S->ops->instance_by_token(S, "tok1", list, 5, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].instance_id, "i-0123456789abcdef0");
    assert_int_equal(S->ops->instance_by_token(S, "tok2", list, 5, &n), FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(S->ops->instance_list(S, list, 5, &n), FC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].instance_id, "i-0123456789abcdef1"); /* newest first */

    for (int i = 0; i < 8; i++) {
        memset(&e, 0, sizeof e);
        fc_strlcpy(e.instance_id, "i-0123456789abcdef0", sizeof e.instance_id);
        snprintf(e.state, sizeof e.state, "s%d", i);
        snprintf(e.detail, sizeof e.detail, "d%d", i);
        e.at_ms = 5000 + (i % 2 ? 0 : i); /* ties keep insertion order */
        assert_int_equal(S->ops->instance_event_add(S, &e), FC_OK);
        assert_true(e.id > 0);
    }
    assert_int_equal(S->ops->instance_events(S, "i-0123456789abcdef0", ev, 10, &n), FC_OK);
    assert_int_equal(n, 8);
    for (int i = 1; i < n; i++)
        assert_true(ev[i].at_ms > ev[i - 1].at_ms ||
                    (ev[i].at_ms == ev[i - 1].at_ms && ev[i].id > ev[i - 1].id));
    /* only the last max lines, still oldest first */
    assert_int_equal(S->ops->instance_events(S, "i-0123456789abcdef0", ev, 3, &n), FC_OK);
    assert_int_equal(n, 3);
    assert_string_equal(ev[2].state, "s6");
    assert_int_equal(S->ops->instance_events(S, "i-0123456789abcdef1", ev, 10, &n), FC_OK);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_enqueue_dedupe, reset),
        cmocka_unit_test_setup(test_claim_order_types_lease, reset),
        cmocka_unit_test_setup(test_worker_again_progress_done, reset),
        cmocka_unit_test_setup(test_worker_retry_backoff_then_fail, reset),
        cmocka_unit_test_setup(test_worker_fail_and_bad_payload, reset),
        cmocka_unit_test_setup(test_worker_init_failure_retried, reset),
        cmocka_unit_test_setup(test_worker_crash_resume, reset),
        cmocka_unit_test_setup(test_worker_dies_too_often, reset),
        cmocka_unit_test_setup(test_worker_loop, reset),
        cmocka_unit_test_setup(test_list_next_due_prune, reset),
        cmocka_unit_test_setup(test_concurrent_claims, reset),
        cmocka_unit_test_setup(test_instances_and_history, reset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
