/* worker/jobs: background jobs persisted in the store: enqueue with a dedupe key, a registry of
 * handlers by type, and the worker that claims due jobs under a lease, runs one step at a time
 * and records progress, retries with backoff and the final state. See docs/ec2.md. */
#ifndef FC_WORKER_JOBS_H
#define FC_WORKER_JOBS_H

#include <signal.h>
#include <stdint.h>

#include <ClearSilver.h>
#include <json-c/json.h>

#include "store/store.h"

/* ---- enqueueing (any process: web handlers, the CLI, other jobs) ---------- */

/* Queues a job of a registered type with a JSON payload (NULL: {}; borrowed: the caller puts
 * it), due in delay_ms.
 * dedupe_key (NULL or "": none) makes it unique: a second enqueue with the same key, whatever
 * the first job's state, adds nothing and returns FC_EXISTS. *id (may be NULL) gets the job's
 * id in both cases. FC_EINVAL for an unknown type, FC_ETOOBIG for a payload over 4 KiB,
 * FC_ERR otherwise. */
int fc_job_enqueue(struct fc_store *s, const char *type, json_object *payload,
                   const char *dedupe_key, int64_t delay_ms, int64_t *id);

/* 1 when store s keeps jobs (it can queue and claim them); else 0, said on stderr as
 * "forkcast: <who>the <name> store keeps no jobs" (who: "" or a prefix such as "worker: "). */
int fc_job_store_keeps(const struct fc_store *s, const char *who);

/* Milliseconds since the epoch (the jobs' clock). */
int64_t fc_job_now_ms(void);

/* A backoff delay for try n (0 for the first): d = min(cap_ms, base_ms * 2^n), then a value
 * drawn uniformly in [d/2, d] ("equal jitter") from rnd. */
int64_t fc_job_backoff_ms(int64_t base_ms, int64_t cap_ms, int n, uint32_t rnd);

/* ---- handlers ------------------------------------------------------------ */

/* What a handler answers after one step. */
enum fc_job_outcome {
    FC_JOB_DONE,  /* finished: the job is done */
    FC_JOB_AGAIN, /* not finished (polling): run again in again_ms; not a failure */
    FC_JOB_RETRY, /* this step failed (may pass later): retried with backoff, at most
                     max_attempts times, then the job fails */
    FC_JOB_FAIL,  /* failed for good */
};

/* One step of one job, as the handler sees it. */
struct fc_job_run {
    HDF *cfg;
    struct fc_store *store;
    const struct fc_job *job;
    json_object *payload;  /* the parsed payload (read only; borrowed: the worker puts it) */
    json_object *progress; /* the handler's own state (borrowed): change it, it is saved after the
                              step and given back at the next one, also after a worker restart */
    char message[512];     /* set it: shown in job lists and pages */
    int64_t again_ms;      /* FC_JOB_AGAIN: when to run the next step */
    int64_t now_ms;
    uint32_t rnd;     /* a random number for jitter */
    int last_attempt; /* 1 when a FC_JOB_RETRY now would fail the job */
    void *state;      /* the type's per-worker state (see init) */
};

struct fc_job_type {
    const char *type;                 /* "ec2.follow", "s3.backup", "personalize.put-events"... */
    int (*run)(struct fc_job_run *r); /* one step: returns an enum fc_job_outcome */
    int max_attempts;                 /* failed runs allowed; 0: Worker.MaxAttempts */
    /* Optional: called once per worker process before the type's first step (*state is
     * then r->state) and at exit. init returns FC_OK or FC_ERR (the step is retried). */
    int (*init)(HDF *cfg, void **state);
    void (*fini)(void *state);
    /* Optional: the job has just failed for good (FC_JOB_FAIL, the last retry, or its
     * worker died too often); r->message says why. For the handler's own records. */
    void (*failed)(struct fc_job_run *r);
};

/* Adds a handler (tests, plug-ins); the built-in ones are listed in worker/registry.c.
 * FC_EXISTS when the type is taken, FC_ETOOBIG when the table is full. */
int fc_job_register(const struct fc_job_type *t);
/* Removes the handlers added by fc_job_register (tests). */
void fc_job_unregister_all(void);
/* The handler of type, or NULL. */
const struct fc_job_type *fc_job_type_find(const char *type);
/* The registered types, comma-separated, into out. */
void fc_job_types(char *out, size_t n);

/* The built-in handlers (worker/registry.c), ended by NULL. */
extern const struct fc_job_type *const fc_job_builtin[];

/* ---- the worker ----------------------------------------------------------- */

enum {
    FC_WORKER_FOREVER = 0, /* until *stop is set */
    FC_WORKER_ONCE = 1,    /* run what is due now, then return */
    FC_WORKER_DRAIN = 2,   /* run (and wait for) jobs until none is queued or running */
};

struct fc_worker_opts {
    char id[64];                 /* lease holder name; "" = host:pid */
    int poll_ms;                 /* longest sleep when nothing is due (Worker.PollMs, 500) */
    int lease_ms;                /* how long a claimed step may take (Worker.LeaseSeconds, 120) */
    int max_attempts;            /* default per job (Worker.MaxAttempts, 8) */
    int retry_base_ms;           /* FC_JOB_RETRY backoff (Worker.RetryBaseMs, 2000) */
    int retry_cap_ms;            /* (Worker.RetryCapMs, 300000) */
    int keep_days;               /* finished jobs are deleted after (Worker.KeepDays, 30) */
    int until;                   /* FC_WORKER_FOREVER, FC_WORKER_ONCE or FC_WORKER_DRAIN */
    char types[512];             /* comma-separated types to run; "" = every registered type */
    int quiet;                   /* 1: no line on stderr per step */
    volatile sig_atomic_t *stop; /* set (by a signal handler) to stop after the current step */
    /* test seams: NULL means the real clock, sleep and random source */
    int64_t (*now_ms)(void *ctx);
    void (*sleep_ms)(void *ctx, unsigned ms);
    uint32_t (*rand)(void *ctx);
    void *ctx;
};

/* Fills o from the configuration (keys above; FORKCAST_WORKER_* when not in the file). */
void fc_worker_opts_load(HDF *cfg, struct fc_worker_opts *o);

struct fc_worker;

int fc_worker_new(HDF *cfg, struct fc_store *s, const struct fc_worker_opts *o,
                  struct fc_worker **out);
/* Claims the job due first and runs one step of it. FC_OK when a step ran, FC_NOTFOUND when
 * nothing was due, FC_ERR on a store failure. *job_id (may be NULL) gets the job run. */
int fc_worker_step(struct fc_worker *w, int64_t *job_id);
/* Runs steps until *o->stop is set (or o->until says so), sleeping until the next job is due
 * (at most poll_ms) in between. FC_OK or FC_ERR. */
int fc_worker_loop(struct fc_worker *w);
/* Calls the handlers' fini and frees w. */
void fc_worker_free(struct fc_worker *w);

#endif
