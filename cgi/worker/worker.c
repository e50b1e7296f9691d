/* worker/worker: the job runner: claims the job due first under a lease, runs one step of its
 * handler, records the outcome (again later, retry with backoff, done, failed), sleeps until
 * the next job is due. Steps are short, so a restarted worker resumes every job. */
#include "aws/endpoint.h"
#include "core/util.h"
#include "worker/jobs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/random.h>

#define MAX_TYPES 64

struct fc_worker {
    HDF *cfg;
    struct fc_store *store;
    struct fc_worker_opts o;
    struct {
        const struct fc_job_type *type;
        void *state;
        int ready;
    } types[MAX_TYPES];
    int ntypes;
    int64_t pruned_ms;
    struct fc_job job; /* the job being run (big: kept off the stack) */
};

static int64_t real_now_ms(void *ctx)
{
    (void)ctx;
    return fc_job_now_ms();
}

/* Sleeps ms, returning early when a signal arrives (the loop then checks stop). */
static void real_sleep_ms(void *ctx, unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    (void)ctx;
    nanosleep(&ts, NULL);
}

static uint32_t real_rand(void *ctx)
{
    uint32_t v = 0;
    (void)ctx;
    if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
        v = (uint32_t)rand();
    return v;
}

void fc_worker_opts_load(HDF *cfg, struct fc_worker_opts *o)
{
    memset(o, 0, sizeof *o);
    o->poll_ms = aws_config_int_min(cfg, "Worker.PollMs", 500, 10);
    o->lease_ms = aws_config_int_min(cfg, "Worker.LeaseSeconds", 120, 1) * 1000;
    o->max_attempts = aws_config_int_min(cfg, "Worker.MaxAttempts", 8, 1);
    o->retry_base_ms = aws_config_int(cfg, "Worker.RetryBaseMs", 2000);
    o->retry_cap_ms = aws_config_int(cfg, "Worker.RetryCapMs", 300000);
    o->keep_days = aws_config_int(cfg, "Worker.KeepDays", 30);
}

int fc_worker_new(HDF *cfg, struct fc_store *s, const struct fc_worker_opts *o,
                  struct fc_worker **out)
{
    struct fc_worker *w;
    char all[1024], *save = NULL, *t;

    *out = NULL;
    if (!fc_job_store_keeps(s, "worker: "))
        return FC_ERR;
    w = calloc(1, sizeof *w);
    if (!w)
        return FC_ERR;
    w->cfg = cfg;
    w->store = s;
    w->o = *o;
    if (!w->o.now_ms)
        w->o.now_ms = real_now_ms;
    if (!w->o.sleep_ms)
        w->o.sleep_ms = real_sleep_ms;
    if (!w->o.rand)
        w->o.rand = real_rand;
    if (!w->o.id[0]) {
        char host[48] = "localhost";
        gethostname(host, sizeof host - 1);
        host[sizeof host - 1] = '\0';
        snprintf(w->o.id, sizeof w->o.id, "%s:%ld", host, (long)getpid());
    }
    /* the types this worker runs: those asked for that have a handler, else all */
    if (w->o.types[0])
        fc_strlcpy(all, w->o.types, sizeof all);
    else
        fc_job_types(all, sizeof all);
    w->o.types[0] = '\0';
    for (t = strtok_r(all, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        const struct fc_job_type *jt = fc_job_type_find(t);
        if (!jt) {
            fprintf(stderr, "forkcast: worker: no handler for job type '%s'\n", t);
            free(w);
            return FC_EINVAL;
        }
        if (w->ntypes < MAX_TYPES) {
            w->types[w->ntypes++].type = jt;
            size_t len = strlen(w->o.types);
            snprintf(w->o.types + len, sizeof w->o.types - len, "%s%s", len ? "," : "", t);
        }
    }
    if (!w->ntypes) {
        fprintf(stderr, "forkcast: worker: no job types to run\n");
        free(w);
        return FC_EINVAL;
    }
    *out = w;
    return FC_OK;
}

void fc_worker_free(struct fc_worker *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->ntypes; i++)
        if (w->types[i].ready && w->types[i].type->fini)
            w->types[i].type->fini(w->types[i].state);
    free(w);
}

/* The type's slot, initialised on first use; NULL when init failed or the type is unknown. */
static int type_slot(struct fc_worker *w, const char *type)
{
    for (int i = 0; i < w->ntypes; i++) {
        if (strcmp(w->types[i].type->type, type))
            continue;
        if (!w->types[i].ready) {
            if (w->types[i].type->init && w->types[i].type->init(w->cfg, &w->types[i].state))
                return -2;
            w->types[i].ready = 1;
        }
        return i;
    }
    return -1;
}

/* Serialises progress into the job; FC_ETOOBIG when it does not fit. */
static int save_progress(struct fc_job *j, json_object *progress)
{
    const char *text = json_object_to_json_string_ext(progress, JSON_C_TO_STRING_PLAIN);
    if (!text || strlen(text) >= sizeof j->progress)
        return FC_ETOOBIG;
    fc_strlcpy(j->progress, text, sizeof j->progress);
    return FC_OK;
}

int fc_worker_step(struct fc_worker *w, int64_t *job_id)
{
    struct fc_store *s = w->store;
    struct fc_job *j = &w->job;
    struct fc_job_run r;
    const struct fc_job_type *type = NULL;
    int64_t now = w->o.now_ms(w->o.ctx);
    int rc, outcome, slot, max;

    memset(&r, 0, sizeof r);
    rc = s->ops->job_claim(s, w->o.types, w->o.id, now, w->o.lease_ms, j);
    if (rc != FC_OK)
        return rc;
    if (job_id)
        *job_id = j->id;
    r.cfg = w->cfg;
    r.store = s;
    r.job = j;
    r.now_ms = now;
    r.rnd = w->o.rand(w->o.ctx);
    max = j->max_attempts > 0 ? j->max_attempts : w->o.max_attempts;
    r.payload = json_tokener_parse(j->payload);
    r.progress = json_tokener_parse(j->progress[0] ? j->progress : "{}");
    if (!r.progress || !json_object_is_type(r.progress, json_type_object)) {
        json_object_put(r.progress);
        r.progress = json_object_new_object();
    }
    slot = type_slot(w, j->type);
    if (slot >= 0)
        type = w->types[slot].type;
    if (slot >= 0)
        r.state = w->types[slot].state;
    r.last_attempt = j->attempts + 1 >= max;

    if (!r.payload || !json_object_is_type(r.payload, json_type_object)) {
        snprintf(r.message, sizeof r.message, "The job's payload is not a JSON object.");
        outcome = FC_JOB_FAIL;
    } else if (!r.progress) {
        snprintf(r.message, sizeof r.message, "Out of memory.");
        outcome = FC_JOB_RETRY;
    } else if (j->attempts >= max) {
        /* claimed again after its lease ended, too often: its worker keeps dying on it */
        snprintf(r.message, sizeof r.message,
                 "Gave up: the worker stopped %d times while running this job.", j->attempts);
        outcome = FC_JOB_FAIL;
    } else if (slot == -1) {
        snprintf(r.message, sizeof r.message, "No handler for jobs of type %s.", j->type);
        outcome = FC_JOB_FAIL;
    } else if (slot == -2) {
        snprintf(r.message, sizeof r.message, "The %s handler could not start.", j->type);
        outcome = FC_JOB_RETRY;
    } else {
        fc_strlcpy(r.message, j->message, sizeof r.message);
        outcome = type->run(&r);
    }

    now = w->o.now_ms(w->o.ctx);
    if (r.progress && save_progress(j, r.progress)) {
        snprintf(r.message, sizeof r.message, "The job's progress grew over 4 KiB.");
        outcome = FC_JOB_FAIL;
    }
    switch (outcome) {
    case FC_JOB_DONE:
        fc_strlcpy(j->state, "done", sizeof j->state);
        break;
    case FC_JOB_AGAIN:
        fc_strlcpy(j->state, "queued", sizeof j->state);
        j->run_at_ms = now + (r.again_ms > 0 ? r.again_ms : 0);
        break;
    case FC_JOB_RETRY:
        j->attempts++;
        if (j->attempts >= max) {
            fc_strlcpy(j->state, "failed", sizeof j->state);
            break;
        }
        fc_strlcpy(j->state, "queued", sizeof j->state);
        j->run_at_ms = now + fc_job_backoff_ms(w->o.retry_base_ms, w->o.retry_cap_ms,
                                               j->attempts - 1, w->o.rand(w->o.ctx));
        break;
    default:
        fc_strlcpy(j->state, "failed", sizeof j->state);
        break;
    }
    fc_strlcpy(j->message, r.message, sizeof j->message);
    if (strcmp(j->state, "failed") == 0 && type && type->failed)
        type->failed(&r);
    rc = s->ops->job_update(s, j, now / 1000);
    if (rc == FC_NOTFOUND) {
        fprintf(stderr,
                "forkcast: worker %s: job %lld: lease lost (the step took longer than "
                "Worker.LeaseSeconds); another worker has it\n",
                w->o.id, (long long)j->id);
        rc = FC_OK;
    } else if (rc == FC_OK && !w->o.quiet) {
        fprintf(stderr, "forkcast: worker: job %lld %s: %s%s%s\n", (long long)j->id, j->type,
                j->state, j->message[0] ? ": " : "", j->message);
    }
    json_object_put(r.payload);
    json_object_put(r.progress);
    return rc;
}

/* Deletes old finished jobs now and then. */
static void prune(struct fc_worker *w, int64_t now)
{
    int n = 0;
    if (w->o.keep_days <= 0 || (w->pruned_ms && now - w->pruned_ms < 3600 * 1000))
        return;
    w->pruned_ms = now;
    if (w->store->ops->job_prune(w->store, now / 1000 - (int64_t)w->o.keep_days * 86400, &n) ==
            FC_OK &&
        n > 0)
        fprintf(stderr, "forkcast: worker: deleted %d finished jobs\n", n);
}

int fc_worker_loop(struct fc_worker *w)
{
    struct fc_store *s = w->store;
    int failures = 0;

    while (!(w->o.stop && *w->o.stop)) {
        int64_t now = w->o.now_ms(w->o.ctx), due = 0;
        int rc;

        prune(w, now);
        rc = fc_worker_step(w, NULL);
        if (rc == FC_OK) {
            failures = 0;
            continue;
        }
        if (rc != FC_NOTFOUND) {
            /* the store is unavailable (locked, disk): back off, give up after a while */
            if (++failures > 20)
                return FC_ERR;
            w->o.sleep_ms(w->o.ctx, (unsigned)(w->o.poll_ms * failures));
            continue;
        }
        if (w->o.until == FC_WORKER_ONCE)
            break;
        rc = s->ops->job_next_due(s, w->o.types, &due);
        if (rc == FC_NOTFOUND && w->o.until == FC_WORKER_DRAIN)
            break;
        now = w->o.now_ms(w->o.ctx);
        int64_t wait = rc == FC_OK ? due - now : w->o.poll_ms;
        if (wait > w->o.poll_ms)
            wait = w->o.poll_ms;
        if (wait < 1)
            wait = 1;
        if (!(w->o.stop && *w->o.stop))
            w->o.sleep_ms(w->o.ctx, (unsigned)wait);
    }
    return FC_OK;
}
