/* pages/admin: the admin console (admin role only): the dashboard, users (search, disable,
 * enable, grant and remove the admin role) and the health and metrics page. */
#include "core/config.h"
#include "core/metrics.h"
#include "core/route.h"
#include "core/util.h"
#include "pages/pages.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USERS_PER_PAGE 25
#define CHART_MINUTES  60
#define MAX_ROUTES     128
#define MAX_STATUSES   64

/* ---- helpers ------------------------------------------------------------ */

/* fc_set with a printf-style key. */
static void kset(struct fc_ctx *c, const char *value, const char *kfmt, ...) FC_PRINTF(3, 4);
static void kset(struct fc_ctx *c, const char *value, const char *kfmt, ...)
{
    char key[256];
    va_list ap;
    va_start(ap, kfmt);
    vsnprintf(key, sizeof key, kfmt, ap);
    va_end(ap);
    fc_set(c, key, value);
}

static void kseti(struct fc_ctx *c, long long v, const char *kfmt, ...) FC_PRINTF(3, 4);
static void kseti(struct fc_ctx *c, long long v, const char *kfmt, ...)
{
    char key[256];
    va_list ap;
    va_start(ap, kfmt);
    vsnprintf(key, sizeof key, kfmt, ap);
    va_end(ap);
    fc_set_int(c, key, v);
}

/* A store call failed: counted for the health page; the caller answers 500. */
static int store_failed(struct fc_ctx *c)
{
    fc_metrics_count(c->app, "store.error", 1);
    return 500;
}

/* Milliseconds with a precision that suits their size. */
static void fmt_ms(char *buf, size_t n, double ms)
{
    snprintf(buf, n, ms < 10 ? "%.2f" : ms < 100 ? "%.1f" : "%.0f", ms);
}

/* An admin page's "back to" path: a local path under /admin, else dflt. */
static const char *admin_next(const char *next, const char *dflt)
{
    const char *p = pages_safe_next(next);
    if (strncmp(p, "/admin", 6) != 0 || (p[6] && p[6] != '/' && p[6] != '?'))
        return dflt;
    return p;
}

static void set_admin_user(struct fc_ctx *c, const char *p, const struct fc_user *u)
{
    char k[256];
    kseti(c, u->id, "%s.Id", p);
    kset(c, u->username, "%s.Username", p);
    kset(c, u->display_name[0] ? u->display_name : u->username, "%s.Name", p);
    kset(c, u->email, "%s.Email", p);
    kset(c, u->city, "%s.City", p);
    kset(c, u->visibility, "%s.Visibility", p);
    kseti(c, u->is_admin, "%s.Admin", p);
    kseti(c, u->disabled, "%s.Disabled", p);
    kseti(c, u->id == c->user.id, "%s.Self", p);
    snprintf(k, sizeof k, "%s.Created", p);
    pages_set_date(c, k, u->created_at);
}

/* Counts users matching role (total of a search with no rows). */
static int count_users(struct fc_store *s, enum fc_user_role role, int *total)
{
    struct fc_user_query q = {.text = "", .role = role, .limit = 0};
    int n;
    return s->ops->user_search(s, &q, NULL, &n, total);
}

/* ---- metrics aggregation ------------------------------------------------ */

struct route_agg {
    struct fc_metric_row all; /* route, count, sums, histogram */
    long cls[6];              /* by status class: 1xx..5xx */
};

struct status_count {
    int status;
    long count;
};

struct health {
    struct route_agg routes[MAX_ROUTES];
    int nroutes;
    struct route_agg total;
    struct status_count statuses[MAX_STATUSES];
    int nstatuses;
};

static void agg_add(struct route_agg *a, const struct fc_metric_row *r)
{
    fc_metrics_row_merge(&a->all, r);
    if (r->status >= 100 && r->status < 600)
        a->cls[r->status / 100] += r->count;
}

/* Sums rows grouped by (route, status) into per-route, per-status and overall figures. */
static void health_sum(struct health *h, const struct fc_metric_row *rows, int n)
{
    for (int i = 0; i < n; i++) {
        const struct fc_metric_row *r = &rows[i];
        struct route_agg *a = NULL;
        struct status_count *sc = NULL;
        for (int k = 0; k < h->nroutes && !a; k++)
            if (strcmp(h->routes[k].all.route, r->route) == 0)
                a = &h->routes[k];
        if (!a && h->nroutes < MAX_ROUTES) {
            a = &h->routes[h->nroutes++];
            fc_strlcpy(a->all.route, r->route, sizeof a->all.route);
        }
        if (a)
            agg_add(a, r);
        agg_add(&h->total, r);
        for (int k = 0; k < h->nstatuses && !sc; k++)
            if (h->statuses[k].status == r->status)
                sc = &h->statuses[k];
        if (!sc && h->nstatuses < MAX_STATUSES) {
            sc = &h->statuses[h->nstatuses++];
            sc->status = r->status;
        }
        if (sc)
            sc->count += r->count;
    }
}

static int by_count_desc(const void *a, const void *b)
{
    const struct route_agg *x = a, *y = b;
    if (x->all.count != y->all.count)
        return x->all.count < y->all.count ? 1 : -1;
    return strcmp(x->all.route, y->all.route);
}

static int by_status(const void *a, const void *b)
{
    return ((const struct status_count *)a)->status - ((const struct status_count *)b)->status;
}

/* Puts count, classes, mean, max and p50/p90/p99 of a under prefix. */
static void set_agg(struct fc_ctx *c, const char *p, const struct route_agg *a)
{
    static const struct {
        const char *key;
        double q;
    } pct[] = {{"P50", 0.50}, {"P90", 0.90}, {"P99", 0.99}};
    char v[32];
    kseti(c, a->all.count, "%s.Count", p);
    for (int k = 2; k <= 5; k++)
        kseti(c, a->cls[k], "%s.C%dxx", p, k);
    for (size_t k = 0; k < FC_ARRAY_LEN(pct); k++) {
        fmt_ms(v, sizeof v, fc_metrics_percentile(a->all.hist, pct[k].q, a->all.max_ms));
        kset(c, v, "%s.%s", p, pct[k].key);
    }
    fmt_ms(v, sizeof v, a->all.count ? a->all.sum_ms / (double)a->all.count : 0);
    kset(c, v, "%s.Mean", p);
    fmt_ms(v, sizeof v, a->all.max_ms);
    kset(c, v, "%s.Max", p);
}

/* The last hour's request rows summed over every route, one slot per minute. */
struct minutes {
    int64_t first; /* minute of slot 0 */
    struct fc_metric_row m[CHART_MINUTES];
    long errors[CHART_MINUTES]; /* 5xx */
};

static int load_minutes(struct fc_store *s, int64_t now_min, struct minutes *mm)
{
    struct fc_metric_row *rows = NULL;
    int n = 0;
    memset(mm, 0, sizeof *mm);
    mm->first = now_min - (CHART_MINUTES - 1);
    if (s->ops->metrics_query(s, mm->first, FC_METRIC_BY_MINUTE, &rows, &n))
        return FC_ERR;
    for (int i = 0; i < n; i++) {
        int64_t slot = rows[i].minute - mm->first;
        if (slot < 0 || slot >= CHART_MINUTES)
            continue;
        fc_metrics_row_merge(&mm->m[slot], &rows[i]);
        if (rows[i].status >= 500)
            mm->errors[slot] += rows[i].count;
    }
    free(rows);
    return FC_OK;
}

/* A round axis maximum at or above v (1, 2 or 5 times a power of ten). */
static double nice_max(double v)
{
    double p;
    if (!(v > 0))
        return 1;
    p = pow(10, floor(log10(v)));
    for (int m = 1; m <= 10; m = m == 1 ? 2 : m == 2 ? 5 : 10)
        if (m * p >= v)
            return m * p;
    return 10 * p;
}

/* Chart geometry (SVG user units): the plot spans x 50..650 and y 10..120. */
#define PLOT_X0 50
#define PLOT_W  600
#define PLOT_Y0 10
#define PLOT_H  110

/* Puts one bar chart of v (one value per minute) under Health.Charts.<idx>. */
static void set_chart(struct fc_ctx *c, int idx, const char *id, const char *title,
                      const char *unit, const double *v, int64_t first_minute, int decimals)
{
    double peak = 0, top;
    int peak_at = -1;
    char buf[128], when[16];
    int nbars = 0;
    const double slot = (double)PLOT_W / CHART_MINUTES;

    for (int i = 0; i < CHART_MINUTES; i++)
        if (v[i] > peak) {
            peak = v[i];
            peak_at = i;
        }
    top = nice_max(peak);
    if (!decimals && top < 2) /* whole numbers: keep the half-way line on one */
        top = 2;
    kset(c, id, "Health.Charts.%d.Id", idx);
    kset(c, title, "Health.Charts.%d.Title", idx);
    kset(c, unit, "Health.Charts.%d.Unit", idx);
    snprintf(buf, sizeof buf, "%.*f", decimals && top < 10 ? decimals : 0, top);
    kset(c, buf, "Health.Charts.%d.Top", idx);
    snprintf(buf, sizeof buf, "%.*f", (decimals && top < 10) || fmod(top, 2) != 0 ? 1 : 0, top / 2);
    kset(c, buf, "Health.Charts.%d.Half", idx);
    if (peak_at >= 0) {
        time_t t = (time_t)((first_minute + peak_at) * 60);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%H:%M", &tm);
        snprintf(buf, sizeof buf, "%.*f %s at %s UTC", decimals, peak, unit, when);
        kset(c, buf, "Health.Charts.%d.Peak", idx);
    }
    for (int i = 0; i < CHART_MINUTES; i++) {
        double h;
        time_t t;
        struct tm tm;
        if (!(v[i] > 0))
            continue;
        h = v[i] / top * PLOT_H;
        if (h < 1)
            h = 1;
        t = (time_t)((first_minute + i) * 60);
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%H:%M", &tm);
        snprintf(buf, sizeof buf, "%.1f", PLOT_X0 + i * slot + 1);
        kset(c, buf, "Health.Charts.%d.Bars.%d.X", idx, nbars);
        snprintf(buf, sizeof buf, "%.1f", slot - 2);
        kset(c, buf, "Health.Charts.%d.Bars.%d.W", idx, nbars);
        snprintf(buf, sizeof buf, "%.1f", PLOT_Y0 + PLOT_H - h);
        kset(c, buf, "Health.Charts.%d.Bars.%d.Y", idx, nbars);
        snprintf(buf, sizeof buf, "%.1f", h);
        kset(c, buf, "Health.Charts.%d.Bars.%d.H", idx, nbars);
        snprintf(buf, sizeof buf, "%s UTC: %.*f %s", when, decimals, v[i], unit);
        kset(c, buf, "Health.Charts.%d.Bars.%d.Label", idx, nbars);
        nbars++;
    }
    kseti(c, nbars, "Health.Charts.%d.NBars", idx);
}

/* ---- dashboard ---------------------------------------------------------- */

static int admin_home(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    struct fc_metric_row *rows = NULL;
    struct health *h = NULL;
    int users, admins, disabled, n = 0, rc = 500;
    char v[32];

    fc_metrics_flush(c->app);
    if (s->ops->user_search) {
        if (count_users(s, FC_ROLE_ANY, &users) || count_users(s, FC_ROLE_ADMIN, &admins) ||
            count_users(s, FC_ROLE_DISABLED, &disabled))
            return store_failed(c);
        fc_set_int(c, "Admin.Users", users);
        fc_set_int(c, "Admin.Admins", admins);
        fc_set_int(c, "Admin.Disabled", disabled);
    }
    if (s->ops->metrics_query) {
        h = calloc(1, sizeof *h);
        if (!h)
            goto out;
        if (s->ops->metrics_query(s, fc_now() / 60 - (CHART_MINUTES - 1), FC_METRIC_BY_ROUTE, &rows,
                                  &n)) {
            rc = store_failed(c);
            goto out;
        }
        health_sum(h, rows, n);
        fc_set_int(c, "Admin.Hour.Requests", h->total.all.count);
        fc_set_int(c, "Admin.Hour.Errors", h->total.cls[5]);
        fmt_ms(v, sizeof v, fc_metrics_percentile(h->total.all.hist, 0.99, h->total.all.max_ms));
        fc_set(c, "Admin.Hour.P99", v);
        fc_set_int(c, "Admin.Metrics", 1);
    }
    fc_set(c, "Page.Title", "Admin");
    rc = fc_render(c, "admin.cs") ? 500 : 0;
out:
    free(rows);
    free(h);
    return rc;
}

/* ---- users -------------------------------------------------------------- */

static int admin_users(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    const char *role = fc_query(c, "role");
    struct fc_user_query q = {.text = fc_query(c, "q"), .limit = USERS_PER_PAGE};
    struct fc_user *users = NULL;
    char *esc = NULL, here[1600];
    long page = 1;
    int n = 0, total = 0, pages, rc = 500;
    NEOERR *err;

    if (!s->ops->user_search) {
        fc_set(c, "Error.Message", "This store backend cannot list users.");
        return 501;
    }
    if (*fc_query(c, "page") && fc_parse_int(fc_query(c, "page"), 1, 1000000, &page)) {
        fc_set(c, "Error.Message", "The page number must be a whole number from 1.");
        return 400;
    }
    if (fc_utf8_len(q.text) > 100) {
        fc_set(c, "Error.Message", "Search text is too long (at most 100 characters).");
        return 400;
    }
    if (!*role || strcmp(role, "any") == 0) {
        q.role = FC_ROLE_ANY;
        role = "any";
    } else if (strcmp(role, "admin") == 0) {
        q.role = FC_ROLE_ADMIN;
    } else if (strcmp(role, "disabled") == 0) {
        q.role = FC_ROLE_DISABLED;
    } else {
        fc_set(c, "Error.Message", "Show must be all users, administrators or disabled.");
        return 400;
    }
    q.offset = (int)(page - 1) * USERS_PER_PAGE;
    users = calloc(USERS_PER_PAGE, sizeof *users);
    if (!users)
        goto out;
    if (s->ops->user_search(s, &q, users, &n, &total)) {
        rc = store_failed(c);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        char p[32];
        snprintf(p, sizeof p, "Users.List.%d", i);
        set_admin_user(c, p, &users[i]);
    }
    pages = (total + USERS_PER_PAGE - 1) / USERS_PER_PAGE;
    err = cgi_url_escape(q.text, &esc);
    if (err) {
        nerr_ignore(&err);
        goto out;
    }
    snprintf(here, sizeof here, "/admin/users?q=%s&role=%s&page=%ld", esc, role, page);
    fc_set(c, "Users.Here", here);
    fc_set(c, "Users.Query", q.text);
    fc_set(c, "Users.Role", role);
    fc_set_int(c, "Users.Total", total);
    fc_set_int(c, "Users.Page", page);
    fc_set_int(c, "Users.Pages", pages);
    fc_set_int(c, "Users.First", n ? q.offset + 1 : 0);
    fc_set_int(c, "Users.Last", q.offset + n);
    if (page > 1)
        fc_set_int(c, "Users.Prev", page - 1);
    if (page < pages)
        fc_set_int(c, "Users.Next", page + 1);
    fc_set(c, "Page.Title", "Users · Admin");
    rc = fc_render(c, "admin_users.cs") ? 500 : 0;
out:
    free(esc);
    free(users);
    return rc;
}

/* Loads the user named in the first path argument; 0, or a status with the message set. */
static int load_target(struct fc_ctx *c, struct fc_user *u)
{
    struct fc_store *s = c->app->store;
    int rc = s->ops->user_by_name(s, c->args[0], u);
    if (rc == FC_NOTFOUND) {
        fc_set(c, "Error.Message", "There is no user by that name.");
        return 404;
    }
    return rc ? store_failed(c) : 0;
}

static int admin_user(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    struct fc_user *u = malloc(sizeof *u);
    int reviews = 0, rc;

    if (!u)
        return 500;
    rc = load_target(c, u);
    if (rc)
        goto out;
    if (s->ops->review_count_user(s, u->id, &reviews)) {
        rc = store_failed(c);
        goto out;
    }
    set_admin_user(c, "Target", u);
    fc_set_int(c, "Target.Reviews", reviews);
    fc_setf(c, "Page.Title", "%s · Admin", u->username);
    rc = fc_render(c, "admin_user.cs") ? 500 : 0;
out:
    free(u);
    return rc;
}

struct admin_action {
    const char *name;     /* the URL segment */
    const char *button;   /* the confirming button */
    const char *question; /* %s: the user's name */
    const char *explain;
    int confirm; /* asks on a page of its own first */
};

static const struct admin_action actions[] = {
    {"disable", "Disable account", "Disable the account of %s?",
     "They are logged out everywhere at once and can no longer log in. Their reviews and profile "
     "are hidden until the account is enabled again.",
     1},
    {"enable", "Enable account", "Enable the account of %s?", "They can log in again.", 0},
    {"make-admin", "Make administrator", "Make %s an administrator?",
     "They get this console: they can disable accounts and change roles, yours included.", 1},
    {"remove-admin", "Remove administrator role", "Remove the administrator role of %s?",
     "They lose access to this console at once.", 1},
};

static const struct admin_action *find_action(const char *name)
{
    for (size_t i = 0; i < FC_ARRAY_LEN(actions); i++)
        if (strcmp(actions[i].name, name) == 0)
            return &actions[i];
    return NULL;
}

/* Why the acting admin may not do a to u, or NULL. */
static const char *refusal(struct fc_ctx *c, const struct admin_action *a, const struct fc_user *u)
{
    if (u->id != c->user.id)
        return NULL;
    if (strcmp(a->name, "disable") == 0)
        return "You cannot disable your own account. Another administrator has to do it.";
    if (strcmp(a->name, "remove-admin") == 0)
        return "You cannot remove your own administrator role. Another administrator has to do "
               "it.";
    return NULL;
}

/* GET /admin/users/:username/:action: the confirmation page. */
static int admin_confirm(struct fc_ctx *c)
{
    const struct admin_action *a = find_action(c->args[1]);
    struct fc_user *u;
    const char *why;
    char path[320];
    int rc;

    if (!a)
        return 404;
    u = malloc(sizeof *u);
    if (!u)
        return 500;
    rc = load_target(c, u);
    if (rc)
        goto out;
    snprintf(path, sizeof path, "/admin/users/%s", u->username);
    set_admin_user(c, "Target", u);
    fc_set(c, "Confirm.Action", a->name);
    fc_set(c, "Confirm.Button", a->button);
    fc_setf(c, "Confirm.Question", a->question, u->display_name[0] ? u->display_name : u->username);
    fc_set(c, "Confirm.Explain", a->explain);
    fc_set_int(c, "Confirm.Danger", strcmp(a->name, "enable") != 0);
    fc_set(c, "Confirm.Next", admin_next(fc_query(c, "next"), path));
    why = refusal(c, a, u);
    if (why)
        fc_set(c, "Confirm.Refused", why);
    fc_set(c, "Page.Title", a->button);
    rc = fc_render(c, "admin_confirm.cs") ? 500 : 0;
out:
    free(u);
    return rc;
}

/* POST /admin/users/:username/:action */
static int admin_action(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    const struct admin_action *a = find_action(c->args[1]);
    struct fc_user *u;
    const char *why, *who;
    char msg[1024], path[320];
    int admin, disabled, rc;

    if (!a)
        return 404;
    u = malloc(sizeof *u);
    if (!u)
        return 500;
    rc = load_target(c, u);
    if (rc)
        goto out;
    who = u->display_name[0] ? u->display_name : u->username;
    why = refusal(c, a, u);
    if (why) {
        fc_set(c, "Error.Message", why);
        rc = 409;
        goto out;
    }
    admin = u->is_admin;
    disabled = u->disabled;
    if (strcmp(a->name, "disable") == 0) {
        disabled = 1;
        snprintf(msg, sizeof msg,
                 "The account of %s (%s) is disabled: their sessions have ended and they can "
                 "no longer log in.",
                 who, u->username);
    } else if (strcmp(a->name, "enable") == 0) {
        disabled = 0;
        snprintf(msg, sizeof msg, "The account of %s (%s) is enabled again.", who, u->username);
    } else if (strcmp(a->name, "make-admin") == 0) {
        admin = 1;
        snprintf(msg, sizeof msg, "%s (%s) is now an administrator.", who, u->username);
    } else {
        admin = 0;
        snprintf(msg, sizeof msg, "%s (%s) is no longer an administrator.", who, u->username);
    }
    if (admin == u->is_admin && disabled == u->disabled) {
        snprintf(msg, sizeof msg, "Nothing to change: %s (%s) is already %s.", who, u->username,
                 strcmp(a->name, "disable") == 0      ? "disabled"
                 : strcmp(a->name, "enable") == 0     ? "enabled"
                 : strcmp(a->name, "make-admin") == 0 ? "an administrator"
                                                      : "not an administrator");
    } else {
        if (s->ops->user_set_flags(s, u->id, admin, disabled)) {
            rc = store_failed(c);
            goto out;
        }
        /* the session loader refuses disabled users anyway; ending the sessions now also
         * keeps them ended if the account is enabled again */
        if (disabled && !u->disabled && s->ops->session_delete_user &&
            s->ops->session_delete_user(s, u->id)) {
            rc = store_failed(c);
            goto out;
        }
        fprintf(stderr, "forkcast: [%s] admin %s: %s %s\n", c->request_id, c->user.username,
                a->name, u->username);
    }
    snprintf(path, sizeof path, "/admin/users/%s", u->username);
    rc = fc_redirect(c, admin_next(fc_form(c, "next"), path), msg);
out:
    free(u);
    return rc;
}

/* ---- health ------------------------------------------------------------- */

/* Puts the counters: rec.fallback, the AWS services' aws.<service>.<what>, and the rest. */
static void set_counters(struct fc_ctx *c, const struct fc_metric_counter *ctrs, int n)
{
    static const char *const what[] = {"calls", "errors", "retries", "throttles", "ms"};
    char svcs[16][48];
    long vals[16][5];
    int nsvc = 0, nother = 0;
    long fallback = 0, store_errors = 0;

    memset(vals, 0, sizeof vals);
    for (int i = 0; i < n; i++) {
        const char *name = ctrs[i].name, *dot;
        if (strcmp(name, "rec.fallback") == 0)
            fallback += ctrs[i].n;
        if (strcmp(name, "store.error") == 0)
            store_errors += ctrs[i].n;
        if (strncmp(name, "aws.", 4) == 0 && (dot = strrchr(name + 4, '.')) != NULL &&
            (size_t)(dot - (name + 4)) < sizeof svcs[0]) {
            char svc[48];
            int k, w = -1;
            memcpy(svc, name + 4, (size_t)(dot - (name + 4)));
            svc[dot - (name + 4)] = '\0';
            for (size_t j = 0; j < FC_ARRAY_LEN(what); j++)
                if (strcmp(dot + 1, what[j]) == 0)
                    w = (int)j;
            for (k = 0; k < nsvc && strcmp(svcs[k], svc) != 0; k++)
                ;
            if (w >= 0 && k == nsvc && nsvc < 16)
                fc_strlcpy(svcs[nsvc++], svc, sizeof svcs[0]);
            if (w >= 0 && k < nsvc) {
                vals[k][w] += ctrs[i].n;
                continue;
            }
        }
        kset(c, name, "Health.Counters.%d.Name", nother);
        kseti(c, ctrs[i].n, "Health.Counters.%d.Value", nother);
        nother++;
    }
    fc_set_int(c, "Health.RecFallback", fallback);
    fc_set_int(c, "Health.StoreErrors", store_errors);
    for (int k = 0; k < nsvc; k++) {
        char v[32];
        kset(c, svcs[k], "Health.Aws.%d.Service", k);
        kseti(c, vals[k][0], "Health.Aws.%d.Calls", k);
        kseti(c, vals[k][1], "Health.Aws.%d.Errors", k);
        kseti(c, vals[k][2], "Health.Aws.%d.Retries", k);
        kseti(c, vals[k][3], "Health.Aws.%d.Throttles", k);
        fmt_ms(v, sizeof v, vals[k][0] ? (double)vals[k][4] / (double)vals[k][0] : 0);
        kset(c, v, "Health.Aws.%d.AvgMs", k);
    }
    fc_set_int(c, "Health.AwsServices", nsvc);
}

static int admin_health(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    const char *window = fc_query(c, "window");
    struct fc_metric_row *rows = NULL;
    struct fc_metric_counter *ctrs = NULL;
    struct health *h = NULL;
    struct minutes *mm = NULL;
    double series[CHART_MINUTES];
    int64_t now = fc_now(), now_min = now / 60, since;
    int n = 0, nc = 0, rc = 500;
    HDF *node = NULL;
    NEOERR *err;

    if (!*window)
        window = "1h";
    if (strcmp(window, "1h") == 0) {
        since = now_min - 59;
    } else if (strcmp(window, "24h") == 0) {
        since = now_min - (24 * 60 - 1);
    } else {
        fc_set(c, "Error.Message", "The window must be 1h or 24h.");
        return 400;
    }
    fc_set(c, "Health.Window", window);
    fc_set(c, "Health.Backends.Store", fc_config_str(c->app->cfg, "Store.Backend", "sqlite"));
    fc_set(c, "Health.Backends.Auth", fc_config_str(c->app->cfg, "Auth.Backend", "local"));
    fc_set(c, "Health.Backends.Blob", fc_config_str(c->app->cfg, "Blob.Backend", "local"));
    fc_set(c, "Health.Backends.Rec", fc_config_str(c->app->cfg, "Rec.Backend", "builtin"));
    fc_set_int(c, "Health.Procs", fc_config_int(c->app->cfg, "Server.Procs", 2));
    fc_set_int(c, "Health.FlushSeconds", fc_config_int(c->app->cfg, "Metrics.FlushSeconds", 5));
    fc_set_int(c, "Health.KeepHours", fc_config_int(c->app->cfg, "Metrics.KeepHours", 24));
    pages_set_date(c, "Health.Now", now);
    {
        char when[32];
        time_t t = (time_t)now;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
        fc_set(c, "Health.NowText", when);
    }

    if (fc_metrics_flush(c->app))
        fc_set(c, "Health.FlushError", "This process could not write its metrics to the store.");
    if (s->ops->metrics_query && s->ops->metrics_counters) {
        h = calloc(1, sizeof *h);
        mm = malloc(sizeof *mm);
        if (!h || !mm)
            goto out;
        if (s->ops->metrics_query(s, since, FC_METRIC_BY_ROUTE, &rows, &n) ||
            s->ops->metrics_counters(s, since, &ctrs, &nc) || load_minutes(s, now_min, mm)) {
            rc = store_failed(c);
            goto out;
        }
        health_sum(h, rows, n);
        qsort(h->routes, (size_t)h->nroutes, sizeof h->routes[0], by_count_desc);
        qsort(h->statuses, (size_t)h->nstatuses, sizeof h->statuses[0], by_status);
        for (int i = 0; i < h->nroutes; i++) {
            char p[64];
            snprintf(p, sizeof p, "Health.Routes.%d", i);
            kset(c, h->routes[i].all.route, "%s.Route", p);
            set_agg(c, p, &h->routes[i]);
        }
        set_agg(c, "Health.Total", &h->total);
        for (int i = 0; i < h->nstatuses; i++) {
            kseti(c, h->statuses[i].status, "Health.Statuses.%d.Code", i);
            kseti(c, h->statuses[i].count, "Health.Statuses.%d.Count", i);
            kseti(c, h->statuses[i].status / 100, "Health.Statuses.%d.Class", i);
        }
        set_counters(c, ctrs, nc);

        for (int i = 0; i < CHART_MINUTES; i++)
            series[i] = (double)mm->m[i].count;
        set_chart(c, 0, "chart-requests", "Requests per minute", "requests", series, mm->first, 0);
        for (int i = 0; i < CHART_MINUTES; i++)
            series[i] = (double)mm->errors[i];
        set_chart(c, 1, "chart-errors", "Server errors (5xx) per minute", "errors", series,
                  mm->first, 0);
        for (int i = 0; i < CHART_MINUTES; i++)
            series[i] = fc_metrics_percentile(mm->m[i].hist, 0.99, mm->m[i].max_ms);
        set_chart(c, 2, "chart-p99", "p99 server time per minute", "ms", series, mm->first, 1);
        fc_set_int(c, "Health.Metrics", 1);
    }
    if (s->ops->store_health) {
        err = hdf_get_node(c->hdf, "Health.Store", &node);
        if (err) {
            nerr_ignore(&err);
            goto out;
        }
        if (s->ops->store_health(s, node)) {
            rc = store_failed(c);
            goto out;
        }
    }
    fc_set(c, "Page.Title", "Health · Admin");
    rc = fc_render(c, "admin_health.cs") ? 500 : 0;
out:
    free(rows);
    free(ctrs);
    free(h);
    free(mm);
    return rc;
}

static const struct fc_route routes[] = {
    {"GET", "/admin", admin_home, FC_ROUTE_ADMIN},
    {"GET", "/admin/users", admin_users, FC_ROUTE_ADMIN},
    {"GET", "/admin/users/:username", admin_user, FC_ROUTE_ADMIN},
    {"GET", "/admin/users/:username/:action", admin_confirm, FC_ROUTE_ADMIN},
    {"POST", "/admin/users/:username/:action", admin_action, FC_ROUTE_ADMIN},
    {"GET", "/admin/health", admin_health, FC_ROUTE_ADMIN},
};

const struct fc_route_group fc_admin_group = {routes, FC_ARRAY_LEN(routes)};
