/* worker/jobs: enqueueing jobs, the registry of job handlers by type, and backoff. */
#include "worker/jobs.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_REGISTERED 32

static const struct fc_job_type *registered[MAX_REGISTERED];
static int n_registered;

int64_t fc_job_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t fc_job_backoff_ms(int64_t base_ms, int64_t cap_ms, int n, uint32_t rnd)
{
    int64_t d = base_ms > 0 ? base_ms : 1;
    for (int i = 0; i < n && d < cap_ms; i++)
        d *= 2;
    if (cap_ms > 0 && d > cap_ms)
        d = cap_ms;
    return d / 2 + (int64_t)(rnd % (uint32_t)(d - d / 2 + 1));
}

const struct fc_job_type *fc_job_type_find(const char *type)
{
    if (!type)
        return NULL;
    for (int i = 0; i < n_registered; i++)
        if (strcmp(registered[i]->type, type) == 0)
            return registered[i];
    for (int i = 0; fc_job_builtin[i]; i++)
        if (strcmp(fc_job_builtin[i]->type, type) == 0)
            return fc_job_builtin[i];
    return NULL;
}

int fc_job_register(const struct fc_job_type *t)
{
    if (!t || !t->type || !*t->type || !t->run)
        return FC_EINVAL;
    if (fc_job_type_find(t->type))
        return FC_EXISTS;
    if (n_registered >= MAX_REGISTERED)
        return FC_ETOOBIG;
    registered[n_registered++] = t;
    return FC_OK;
}

void fc_job_unregister_all(void)
{
    n_registered = 0;
}

static void add_type(char *out, size_t n, const char *type)
{
    size_t len = strlen(out);
    snprintf(out + len, n - len, "%s%s", len ? "," : "", type);
}

void fc_job_types(char *out, size_t n)
{
    if (!n)
        return;
    out[0] = '\0';
    for (int i = 0; fc_job_builtin[i]; i++)
        add_type(out, n, fc_job_builtin[i]->type);
    for (int i = 0; i < n_registered; i++)
        add_type(out, n, registered[i]->type);
}

int fc_job_store_keeps(const struct fc_store *s, const char *who)
{
    if (s->ops->job_enqueue && s->ops->job_claim)
        return 1;
    fprintf(stderr, "forkcast: %sthe %s store keeps no jobs\n", who, s->ops->name);
    return 0;
}

int fc_job_enqueue(struct fc_store *s, const char *type, json_object *payload,
                   const char *dedupe_key, int64_t delay_ms, int64_t *id)
{
    const struct fc_job_type *t = fc_job_type_find(type);
    struct fc_job *j = NULL;
    const char *text;
    int rc = FC_ERR;

    if (id)
        *id = 0;
    if (!t)
        return FC_EINVAL;
    if (!fc_job_store_keeps(s, ""))
        return FC_ERR;
    j = calloc(1, sizeof *j);
    if (!j)
        return FC_ERR;
    text = payload ? json_object_to_json_string_ext(payload, JSON_C_TO_STRING_PLAIN) : "{}";
    if (!text || strlen(text) >= sizeof j->payload) {
        rc = text ? FC_ETOOBIG : FC_ERR;
        goto out;
    }
    if (dedupe_key && strlen(dedupe_key) >= sizeof j->dedupe_key) {
        rc = FC_ETOOBIG;
        goto out;
    }
    fc_strlcpy(j->type, type, sizeof j->type);
    fc_strlcpy(j->payload, text, sizeof j->payload);
    fc_strlcpy(j->dedupe_key, dedupe_key ? dedupe_key : "", sizeof j->dedupe_key);
    j->max_attempts = t->max_attempts;
    j->run_at_ms = fc_job_now_ms() + (delay_ms > 0 ? delay_ms : 0);
    rc = s->ops->job_enqueue(s, j, fc_now());
    if ((rc == FC_OK || rc == FC_EXISTS) && id)
        *id = j->id;
out:
    free(j);
    return rc;
}
