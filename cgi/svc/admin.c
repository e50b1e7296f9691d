/* svc/admin: the admin console's operations (see svc/admin.h): the role check, the store
 * calls, the rules on what an administrator may do to an account, and the metrics sums. */
#include "svc/admin.h"

#include "core/app.h"
#include "core/config.h"
#include "core/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fc_svc_admin_check(const struct fc_svc *sv, struct fc_svc_result *res)
{
    if (!sv || !sv->actor)
        return fc_svc_fail(res, 401, "login_required", NULL, "Log in first.");
    if (!sv->actor->is_admin || sv->actor->disabled)
        return fc_svc_fail(res, 403, "forbidden", NULL, "This page is for administrators.");
    fc_svc_ok(res, 200);
    return FC_OK;
}

/* A store call failed: counted for the health page, then a 500 (or the fault table's). */
static int store_failed(const struct fc_svc *sv, struct fc_svc_result *res, const char *what)
{
    fc_metrics_count(sv->app, "store.error", 1);
    return fc_svc_fail_store(sv, res, what);
}

/* ---- metrics sums ------------------------------------------------------------------- */

static void agg_add(struct fc_svc_admin_agg *a, const struct fc_metric_row *r)
{
    fc_metrics_row_merge(&a->all, r);
    if (r->status >= 100 && r->status < 600)
        a->cls[r->status / 100] += r->count;
}

/* Sums rows grouped by (route, status) into per-route, per-status and overall figures. */
static void sums_add(struct fc_svc_admin_sums *h, const struct fc_metric_row *rows, int n)
{
    for (int i = 0; i < n; i++) {
        const struct fc_metric_row *r = &rows[i];
        struct fc_svc_admin_agg *a = NULL;
        struct fc_svc_admin_status_count *sc = NULL;
        for (int k = 0; k < h->nroutes && !a; k++)
            if (strcmp(h->routes[k].all.route, r->route) == 0)
                a = &h->routes[k];
        if (!a && h->nroutes < FC_SVC_ADMIN_MAX_ROUTES) {
            a = &h->routes[h->nroutes++];
            fc_strlcpy(a->all.route, r->route, sizeof a->all.route);
        }
        if (a)
            agg_add(a, r);
        agg_add(&h->total, r);
        for (int k = 0; k < h->nstatuses && !sc; k++)
            if (h->statuses[k].status == r->status)
                sc = &h->statuses[k];
        if (!sc && h->nstatuses < FC_SVC_ADMIN_MAX_STATUSES) {
            sc = &h->statuses[h->nstatuses++];
            sc->status = r->status;
        }
        if (sc)
            sc->count += r->count;
    }
}

static int by_count_desc(const void *a, const void *b)
{
    const struct fc_svc_admin_agg *x = a, *y = b;
    if (x->all.count != y->all.count)
        return x->all.count < y->all.count ? 1 : -1;
    return strcmp(x->all.route, y->all.route);
}

static int by_status(const void *a, const void *b)
{
    return ((const struct fc_svc_admin_status_count *)a)->status -
           ((const struct fc_svc_admin_status_count *)b)->status;
}

/* The stored request rows of minutes >= since summed into *out (calloc'ed). */
static int load_sums(struct fc_store *s, int64_t since, struct fc_svc_admin_sums **out)
{
    struct fc_metric_row *rows = NULL;
    int n = 0;
    *out = calloc(1, sizeof **out);
    if (!*out || s->ops->metrics_query(s, since, FC_METRIC_BY_ROUTE, &rows, &n))
        return FC_ERR;
    sums_add(*out, rows, n);
    free(rows);
    qsort((*out)->routes, (size_t)(*out)->nroutes, sizeof(*out)->routes[0], by_count_desc);
    qsort((*out)->statuses, (size_t)(*out)->nstatuses, sizeof(*out)->statuses[0], by_status);
    return FC_OK;
}

static int load_minutes(struct fc_store *s, int64_t now_min, struct fc_svc_admin_minutes **out)
{
    struct fc_metric_row *rows = NULL;
    struct fc_svc_admin_minutes *mm;
    int n = 0;
    *out = mm = calloc(1, sizeof *mm);
    if (!mm)
        return FC_ERR;
    mm->first = now_min - (FC_SVC_ADMIN_MINUTES - 1);
    if (s->ops->metrics_query(s, mm->first, FC_METRIC_BY_MINUTE, &rows, &n))
        return FC_ERR;
    for (int i = 0; i < n; i++) {
        int64_t slot = rows[i].minute - mm->first;
        if (slot < 0 || slot >= FC_SVC_ADMIN_MINUTES)
            continue;
        fc_metrics_row_merge(&mm->m[slot], &rows[i]);
        if (rows[i].status >= 500)
            mm->errors[slot] += rows[i].count;
    }
    free(rows);
    return FC_OK;
}

/* ---- dashboard ---------------------------------------------------------------------- */

/* Counts users of role (the total of a search with no rows). */
static int count_users(struct fc_store *s, enum fc_user_role role, int *total)
{
    struct fc_user_query q = {.text = "", .role = role, .limit = 0};
    int n;
    return s->ops->user_search(s, &q, NULL, &n, total);
}

int fc_svc_admin_dashboard(const struct fc_svc *sv, struct fc_svc_admin_dashboard *out,
                           struct fc_svc_result *res)
{
    struct fc_store *s;
    struct fc_svc_admin_sums *h = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    if (fc_svc_admin_check(sv, res))
        return FC_EINVAL;
    s = sv->app->store;
    fc_metrics_flush(sv->app);
    if (s->ops->user_search) {
        if (count_users(s, FC_ROLE_ANY, &out->users) ||
            count_users(s, FC_ROLE_ADMIN, &out->admins) ||
            count_users(s, FC_ROLE_DISABLED, &out->disabled))
            return store_failed(sv, res, "admin: counting users");
        out->has_users = 1;
    }
    if (s->ops->metrics_query) {
        if (load_sums(s, fc_now() / 60 - (FC_SVC_ADMIN_MINUTES - 1), &h)) {
            rc = h ? store_failed(sv, res, "admin: the last hour's metrics")
                   : fc_svc_fail(res, 500, NULL, NULL, "Out of memory.");
            free(h);
            return rc;
        }
        out->requests = h->total.all.count;
        out->errors = h->total.cls[5];
        out->p99_ms = fc_metrics_percentile(h->total.all.hist, 0.99, h->total.all.max_ms);
        out->has_metrics = 1;
        free(h);
    }
    return FC_OK;
}

/* ---- users -------------------------------------------------------------------------- */

int fc_svc_admin_users(const struct fc_svc *sv, const struct fc_svc_admin_users_in *in,
                       struct fc_svc_admin_users *out, struct fc_svc_result *res)
{
    struct fc_store *s;
    const char *role = in->role ? in->role : "";
    struct fc_user_query q = {.text = in->text ? in->text : "",
                              .limit = FC_SVC_ADMIN_USERS_PER_PAGE};

    memset(out, 0, sizeof *out);
    if (fc_svc_admin_check(sv, res))
        return FC_EINVAL;
    s = sv->app->store;
    if (!s->ops->user_search)
        return fc_svc_fail(res, 501, "not_supported", NULL,
                           "This store backend cannot list users.");
    if (in->page < 0 || in->page > 1000000)
        return fc_svc_fail(res, 400, "invalid_value", "page",
                           "The page number must be a whole number from 1.");
    if (fc_utf8_len(q.text) > 100)
        return fc_svc_fail(res, 400, "invalid_value", "q",
                           "Search text is too long (at most 100 characters).");
    if (!*role || strcmp(role, "any") == 0) {
        q.role = FC_ROLE_ANY;
        out->role = "any";
    } else if (strcmp(role, "admin") == 0) {
        q.role = FC_ROLE_ADMIN;
        out->role = "admin";
    } else if (strcmp(role, "disabled") == 0) {
        q.role = FC_ROLE_DISABLED;
        out->role = "disabled";
    } else {
        return fc_svc_fail(res, 400, "invalid_value", "role",
                           "Show must be all users, administrators or disabled.");
    }
    out->page = in->page ? in->page : 1;
    q.offset = (int)(out->page - 1) * FC_SVC_ADMIN_USERS_PER_PAGE;
    out->offset = q.offset;
    out->users = calloc(FC_SVC_ADMIN_USERS_PER_PAGE, sizeof *out->users);
    if (!out->users)
        return fc_svc_fail(res, 500, NULL, NULL, "Out of memory.");
    if (s->ops->user_search(s, &q, out->users, &out->n, &out->total))
        return store_failed(sv, res, "admin: user search");
    out->pages = (out->total + FC_SVC_ADMIN_USERS_PER_PAGE - 1) / FC_SVC_ADMIN_USERS_PER_PAGE;
    return FC_OK;
}

void fc_svc_admin_users_free(struct fc_svc_admin_users *out)
{
    for (int i = 0; out->users && i < out->n; i++)
        fc_user_clear(&out->users[i]);
    free(out->users);
    out->users = NULL;
    out->n = 0;
}

/* Loads the user named username into u: FC_OK, or a failed result. */
static int load_target(const struct fc_svc *sv, const char *username, struct fc_user *u,
                       struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    int rc = s->ops->user_by_name(s, username ? username : "", u);
    if (rc == FC_NOTFOUND)
        return fc_svc_fail(res, 404, "not_found", NULL, "There is no user by that name.");
    return rc ? store_failed(sv, res, "admin: user by name") : FC_OK;
}

int fc_svc_admin_user(const struct fc_svc *sv, const char *username, struct fc_user *out,
                      int *reviews, struct fc_svc_result *res)
{
    struct fc_store *s;

    memset(out, 0, sizeof *out);
    *reviews = 0;
    if (fc_svc_admin_check(sv, res))
        return FC_EINVAL;
    s = sv->app->store;
    if (load_target(sv, username, out, res))
        return FC_EINVAL;
    if (s->ops->review_count_user(s, out->id, reviews))
        return store_failed(sv, res, "admin: review count");
    return FC_OK;
}

static const struct {
    const char *word;
    enum fc_svc_admin_action a;
} ACTION_WORDS[] = {{"disable", FC_SVC_ADMIN_DISABLE},
                    {"enable", FC_SVC_ADMIN_ENABLE},
                    {"make-admin", FC_SVC_ADMIN_MAKE_ADMIN},
                    {"remove-admin", FC_SVC_ADMIN_REMOVE_ADMIN}};

int fc_svc_admin_action_parse(const char *word, enum fc_svc_admin_action *out)
{
    for (size_t i = 0; word && i < FC_ARRAY_LEN(ACTION_WORDS); i++)
        if (strcmp(ACTION_WORDS[i].word, word) == 0) {
            *out = ACTION_WORDS[i].a;
            return FC_OK;
        }
    return FC_EINVAL;
}

static const char *action_word(enum fc_svc_admin_action a)
{
    for (size_t i = 0; i < FC_ARRAY_LEN(ACTION_WORDS); i++)
        if (ACTION_WORDS[i].a == a)
            return ACTION_WORDS[i].word;
    return "?";
}

const char *fc_svc_admin_refusal(const struct fc_user *actor, enum fc_svc_admin_action a,
                                 const struct fc_user *target)
{
    if (!actor || actor->id != target->id)
        return NULL;
    if (a == FC_SVC_ADMIN_DISABLE)
        return "You cannot disable your own account. Another administrator has to do it.";
    if (a == FC_SVC_ADMIN_REMOVE_ADMIN)
        return "You cannot remove your own administrator role. Another administrator has to do "
               "it.";
    return NULL;
}

int fc_svc_admin_act(const struct fc_svc *sv, const char *username, enum fc_svc_admin_action a,
                     struct fc_user *target, struct fc_svc_result *res)
{
    struct fc_store *s;
    struct fc_user *u;
    const char *why, *who;
    char msg[sizeof res->message];
    int admin, disabled, rc = FC_EINVAL;

    if (target)
        memset(target, 0, sizeof *target);
    if (fc_svc_admin_check(sv, res))
        return FC_EINVAL;
    s = sv->app->store;
    u = malloc(sizeof *u);
    if (!u)
        return fc_svc_fail(res, 500, NULL, NULL, "Out of memory.");
    if (load_target(sv, username, u, res))
        goto out;
    if (target && fc_user_copy(target, u)) {
        memset(target, 0, sizeof *target);
        rc = fc_svc_fail(res, 500, NULL, NULL, "Out of memory.");
        goto out;
    }
    who = u->display_name[0] ? u->display_name : u->username;
    why = fc_svc_admin_refusal(sv->actor, a, u);
    if (why) {
        fc_svc_fail(res, 409, "refused", NULL, "%s", why);
        goto out;
    }
    admin = u->is_admin;
    disabled = u->disabled;
    switch (a) {
    case FC_SVC_ADMIN_DISABLE:
        disabled = 1;
        snprintf(msg, sizeof msg,
                 "The account of %.200s (%s) is disabled: their sessions have ended and they can "
                 "no longer log in.",
                 who, u->username);
        break;
    case FC_SVC_ADMIN_ENABLE:
        disabled = 0;
        snprintf(msg, sizeof msg, "The account of %.200s (%s) is enabled again.", who, u->username);
        break;
    case FC_SVC_ADMIN_MAKE_ADMIN:
        admin = 1;
        snprintf(msg, sizeof msg, "%.200s (%s) is now an administrator.", who, u->username);
        break;
    case FC_SVC_ADMIN_REMOVE_ADMIN:
    default:
        admin = 0;
        snprintf(msg, sizeof msg, "%.200s (%s) is no longer an administrator.", who, u->username);
        break;
    }
    if (admin == u->is_admin && disabled == u->disabled) {
        snprintf(msg, sizeof msg, "Nothing to change: %.200s (%s) is already %s.", who, u->username,
                 a == FC_SVC_ADMIN_DISABLE      ? "disabled"
                 : a == FC_SVC_ADMIN_ENABLE     ? "enabled"
                 : a == FC_SVC_ADMIN_MAKE_ADMIN ? "an administrator"
                                                : "not an administrator");
    } else {
        if (s->ops->user_set_flags(s, u->id, admin, disabled)) {
            rc = store_failed(sv, res, "admin: user flags");
            goto out;
        }
        /* the session loader refuses disabled users anyway; ending the sessions now also
         * keeps them ended if the account is enabled again */
        if (disabled && !u->disabled && s->ops->session_delete_user &&
            s->ops->session_delete_user(s, u->id)) {
            rc = store_failed(sv, res, "admin: ending the user's sessions");
            goto out;
        }
        fprintf(stderr, "forkcast: [%s] admin %s: %s %s\n", sv->request_id ? sv->request_id : "-",
                sv->actor->username, action_word(a), u->username);
    }
    fc_svc_ok(res, 200);
    fc_strlcpy(res->message, msg, sizeof res->message);
    rc = FC_OK;
out:
    fc_user_clear(u);
    free(u);
    return rc;
}

/* ---- health ------------------------------------------------------------------------- */

int fc_svc_admin_health(const struct fc_svc *sv, const char *window,
                        struct fc_svc_admin_health *out, struct fc_svc_result *res)
{
    struct fc_store *s;
    HDF *cfg;
    int64_t now_min, since;

    memset(out, 0, sizeof *out);
    if (fc_svc_admin_check(sv, res))
        return FC_EINVAL;
    s = sv->app->store;
    cfg = sv->app->cfg;
    out->now = fc_now();
    now_min = out->now / 60;
    if (!window || !*window || strcmp(window, "1h") == 0) {
        out->window = "1h";
        since = now_min - 59;
    } else if (strcmp(window, "24h") == 0) {
        out->window = "24h";
        since = now_min - (24 * 60 - 1);
    } else {
        return fc_svc_fail(res, 400, "invalid_value", "window", "The window must be 1h or 24h.");
    }
    out->store_backend = fc_config_str(cfg, "Store.Backend", "sqlite");
    out->auth_backend = fc_config_str(cfg, "Auth.Backend", "local");
    out->blob_backend = fc_config_str(cfg, "Blob.Backend", "local");
    out->rec_backend = fc_config_str(cfg, "Rec.Backend", "builtin");
    out->procs = fc_config_int(cfg, "Server.Procs", 2);
    out->flush_seconds = fc_config_int(cfg, "Metrics.FlushSeconds", 5);
    out->keep_hours = fc_config_int(cfg, "Metrics.KeepHours", 24);
    out->flush_failed = fc_metrics_flush(sv->app) != FC_OK;
    if (s->ops->metrics_query && s->ops->metrics_counters) {
        if (load_sums(s, since, &out->sums) ||
            s->ops->metrics_counters(s, since, &out->counters, &out->ncounters) ||
            load_minutes(s, now_min, &out->minutes))
            return store_failed(sv, res, "admin: metrics");
        out->has_metrics = 1;
    }
    if (s->ops->store_health) {
        out->checks = calloc(FC_STORE_MAX_CHECKS, sizeof *out->checks);
        if (!out->checks)
            return fc_svc_fail(res, 500, NULL, NULL, "Out of memory.");
        if (s->ops->store_health(s, out->checks, FC_STORE_MAX_CHECKS, &out->nchecks))
            return store_failed(sv, res, "admin: store health");
    }
    return FC_OK;
}

void fc_svc_admin_health_free(struct fc_svc_admin_health *out)
{
    free(out->sums);
    free(out->minutes);
    free(out->counters);
    free(out->checks);
    memset(out, 0, sizeof *out);
}
