/* pages/admin: the admin console (admin role only): the dashboard, users (search, disable,
 * enable, grant and remove the admin role) and the health and metrics page. */
#include "core/config.h"
#include "core/metrics.h"
#include "core/route.h"
#include "core/util.h"
#include "pages/pages.h"
#include "svc/reset.h"
#include "svc/admin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- helpers ------------------------------------------------------------ */

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
    fc_setk_int(c, u->id, "%s.Id", p);
    fc_setk(c, u->username, "%s.Username", p);
    fc_setk(c, u->display_name[0] ? u->display_name : u->username, "%s.Name", p);
    fc_setk(c, u->email, "%s.Email", p);
    fc_setk(c, u->city, "%s.City", p);
    fc_setk(c, u->visibility, "%s.Visibility", p);
    fc_setk_int(c, u->is_admin, "%s.Admin", p);
    fc_setk_int(c, u->disabled, "%s.Disabled", p);
    fc_setk_int(c, u->id == c->user.id, "%s.Self", p);
    snprintf(k, sizeof k, "%s.Created", p);
    pages_set_date(c, k, u->created_at);
}

/* Puts count, classes, mean, max and p50/p90/p99 of a under prefix. */
static void set_agg(struct fc_ctx *c, const char *p, const struct fc_svc_admin_agg *a)
{
    static const struct {
        const char *key;
        double q;
    } pct[] = {{"P50", 0.50}, {"P90", 0.90}, {"P99", 0.99}};
    char v[32];
    fc_setk_int(c, a->all.count, "%s.Count", p);
    for (int k = 2; k <= 5; k++)
        fc_setk_int(c, a->cls[k], "%s.C%dxx", p, k);
    for (size_t k = 0; k < FC_ARRAY_LEN(pct); k++) {
        fmt_ms(v, sizeof v, fc_metrics_percentile(a->all.hist, pct[k].q, a->all.max_ms));
        fc_setk(c, v, "%s.%s", p, pct[k].key);
    }
    fmt_ms(v, sizeof v, a->all.count ? a->all.sum_ms / (double)a->all.count : 0);
    fc_setk(c, v, "%s.Mean", p);
    fmt_ms(v, sizeof v, a->all.max_ms);
    fc_setk(c, v, "%s.Max", p);
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
    const double slot = (double)PLOT_W / FC_SVC_ADMIN_MINUTES;

    for (int i = 0; i < FC_SVC_ADMIN_MINUTES; i++)
        if (v[i] > peak) {
            peak = v[i];
            peak_at = i;
        }
    top = nice_max(peak);
    if (!decimals && top < 2) /* whole numbers: keep the half-way line on one */
        top = 2;
    fc_setk(c, id, "Health.Charts.%d.Id", idx);
    fc_setk(c, title, "Health.Charts.%d.Title", idx);
    fc_setk(c, unit, "Health.Charts.%d.Unit", idx);
    snprintf(buf, sizeof buf, "%.*f", decimals && top < 10 ? decimals : 0, top);
    fc_setk(c, buf, "Health.Charts.%d.Top", idx);
    snprintf(buf, sizeof buf, "%.*f", (decimals && top < 10) || fmod(top, 2) != 0 ? 1 : 0, top / 2);
    fc_setk(c, buf, "Health.Charts.%d.Half", idx);
    if (peak_at >= 0) {
        time_t t = (time_t)((first_minute + peak_at) * 60);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%H:%M", &tm);
        snprintf(buf, sizeof buf, "%.*f %s at %s UTC", decimals, peak, unit, when);
        fc_setk(c, buf, "Health.Charts.%d.Peak", idx);
    }
    for (int i = 0; i < FC_SVC_ADMIN_MINUTES; i++) {
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
        fc_setk(c, buf, "Health.Charts.%d.Bars.%d.X", idx, nbars);
        snprintf(buf, sizeof buf, "%.1f", slot - 2);
        fc_setk(c, buf, "Health.Charts.%d.Bars.%d.W", idx, nbars);
        snprintf(buf, sizeof buf, "%.1f", PLOT_Y0 + PLOT_H - h);
        fc_setk(c, buf, "Health.Charts.%d.Bars.%d.Y", idx, nbars);
        snprintf(buf, sizeof buf, "%.1f", h);
        fc_setk(c, buf, "Health.Charts.%d.Bars.%d.H", idx, nbars);
        snprintf(buf, sizeof buf, "%s UTC: %.*f %s", when, decimals, v[i], unit);
        fc_setk(c, buf, "Health.Charts.%d.Bars.%d.Label", idx, nbars);
        nbars++;
    }
    fc_setk_int(c, nbars, "Health.Charts.%d.NBars", idx);
}

/* ---- dashboard ---------------------------------------------------------- */

static int admin_home(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_admin_dashboard d;
    struct fc_svc_result res;
    char v[32];

    if (fc_svc_admin_dashboard(&sv, &d, &res))
        return fc_error_result(c, &res);
    if (d.has_users) {
        fc_set_int(c, "Admin.Users", d.users);
        fc_set_int(c, "Admin.Admins", d.admins);
        fc_set_int(c, "Admin.Disabled", d.disabled);
    }
    if (d.has_metrics) {
        fc_set_int(c, "Admin.Hour.Requests", d.requests);
        fc_set_int(c, "Admin.Hour.Errors", d.errors);
        fmt_ms(v, sizeof v, d.p99_ms);
        fc_set(c, "Admin.Hour.P99", v);
        fc_set_int(c, "Admin.Metrics", 1);
    }
    fc_set(c, "Page.Title", "Admin");
    return fc_render(c, "admin.cs") ? 500 : 0;
}

/* ---- users -------------------------------------------------------------- */

static int admin_users(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_admin_users_in in = {.text = fc_query(c, "q"), .role = fc_query(c, "role")};
    struct fc_svc_admin_users out;
    struct fc_svc_result res;
    char *esc = NULL, here[1600];
    int rc = 500;
    NEOERR *err;

    if (*fc_query(c, "page") && fc_parse_int(fc_query(c, "page"), 1, 1000000, &in.page))
        in.page = -1; /* the service says what is wrong */
    if (fc_svc_admin_users(&sv, &in, &out, &res)) {
        fc_svc_admin_users_free(&out);
        return fc_error_result(c, &res);
    }
    for (int i = 0; i < out.n; i++) {
        char p[32];
        snprintf(p, sizeof p, "Users.List.%d", i);
        set_admin_user(c, p, &out.users[i]);
    }
    err = cgi_url_escape(in.text, &esc);
    if (err) {
        nerr_ignore(&err);
        goto out;
    }
    snprintf(here, sizeof here, "/admin/users?q=%s&role=%s&page=%ld", esc, out.role, out.page);
    fc_set(c, "Users.Here", here);
    fc_set(c, "Users.Query", in.text);
    fc_set(c, "Users.Role", out.role);
    pages_set_pager(c, "Users", out.total, out.page, out.pages, out.n ? out.offset + 1 : 0,
                    out.offset + out.n);
    fc_set(c, "Page.Title", "Users · Admin");
    rc = fc_render(c, "admin_users.cs") ? 500 : 0;
out:
    free(esc);
    fc_svc_admin_users_free(&out);
    return rc;
}

static int admin_user(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_user *u = malloc(sizeof *u);
    int reviews = 0, rc;

    if (!u)
        return 500;
    if (fc_svc_admin_user(&sv, c->args[0], u, &reviews, &res)) {
        rc = fc_error_result(c, &res);
        goto out;
    }
    set_admin_user(c, "Target", u);
    fc_set_int(c, "Target.Reviews", reviews);
    fc_set_int(c, "Target.ResetLink", fc_svc_reset_local(&sv)); /* pages/reset.c */
    fc_setf(c, "Page.Title", "%s · Admin", u->username);
    rc = fc_render(c, "admin_user.cs") ? 500 : 0;
out:
    fc_user_clear(u);
    free(u);
    return rc;
}

/* What the confirmation page says about each action. */
struct admin_action {
    const char *name;     /* the URL segment */
    const char *button;   /* the confirming button */
    const char *question; /* %s: the user's name */
    const char *explain;
};

static const struct admin_action actions[] = {
    {"disable", "Disable account", "Disable the account of %s?",
     "They are logged out everywhere at once and can no longer log in. Their reviews and profile "
     "are hidden until the account is enabled again."},
    {"enable", "Enable account", "Enable the account of %s?", "They can log in again."},
    {"make-admin", "Make administrator", "Make %s an administrator?",
     "They get this console: they can disable accounts and change roles, yours included."},
    {"remove-admin", "Remove administrator role", "Remove the administrator role of %s?",
     "They lose access to this console at once."},
};

static const struct admin_action *find_action(const char *name)
{
    for (size_t i = 0; i < FC_ARRAY_LEN(actions); i++)
        if (strcmp(actions[i].name, name) == 0)
            return &actions[i];
    return NULL;
}

/* GET /admin/users/:username/:action: the confirmation page. */
static int admin_confirm(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    const struct admin_action *a = find_action(c->args[1]);
    enum fc_svc_admin_action act;
    struct fc_user *u;
    const char *why;
    char path[320];
    int rc, reviews;

    if (!a || fc_svc_admin_action_parse(a->name, &act))
        return 404;
    u = malloc(sizeof *u);
    if (!u)
        return 500;
    if (fc_svc_admin_user(&sv, c->args[0], u, &reviews, &res)) {
        rc = fc_error_result(c, &res);
        goto out;
    }
    snprintf(path, sizeof path, "/admin/users/%s", u->username);
    set_admin_user(c, "Target", u);
    fc_set(c, "Confirm.Action", a->name);
    fc_set(c, "Confirm.Button", a->button);
    fc_setf(c, "Confirm.Question", a->question, u->display_name[0] ? u->display_name : u->username);
    fc_set(c, "Confirm.Explain", a->explain);
    fc_set_int(c, "Confirm.Danger", act != FC_SVC_ADMIN_ENABLE);
    fc_set(c, "Confirm.Next", admin_next(fc_query(c, "next"), path));
    why = fc_svc_admin_refusal(sv.actor, act, u);
    if (why)
        fc_set(c, "Confirm.Refused", why);
    fc_set(c, "Page.Title", a->button);
    rc = fc_render(c, "admin_confirm.cs") ? 500 : 0;
out:
    fc_user_clear(u);
    free(u);
    return rc;
}

/* POST /admin/users/:username/:action */
static int admin_action(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    enum fc_svc_admin_action act;
    struct fc_user *u;
    char path[320];
    int rc;

    if (strcmp(c->args[1], "reset-link") == 0) /* pages/reset.c */
        return pages_admin_reset_link(c);
    if (fc_svc_admin_action_parse(c->args[1], &act))
        return 404;
    u = malloc(sizeof *u);
    if (!u)
        return 500;
    if (fc_svc_admin_act(&sv, c->args[0], act, u, &res)) {
        rc = fc_error_result(c, &res);
        goto out;
    }
    snprintf(path, sizeof path, "/admin/users/%s", u->username);
    rc = fc_redirect(c, admin_next(fc_form(c, "next"), path), res.message);
out:
    fc_user_clear(u);
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
        fc_setk(c, name, "Health.Counters.%d.Name", nother);
        fc_setk_int(c, ctrs[i].n, "Health.Counters.%d.Value", nother);
        nother++;
    }
    fc_set_int(c, "Health.RecFallback", fallback);
    fc_set_int(c, "Health.StoreErrors", store_errors);
    for (int k = 0; k < nsvc; k++) {
        char v[32];
        fc_setk(c, svcs[k], "Health.Aws.%d.Service", k);
        fc_setk_int(c, vals[k][0], "Health.Aws.%d.Calls", k);
        fc_setk_int(c, vals[k][1], "Health.Aws.%d.Errors", k);
        fc_setk_int(c, vals[k][2], "Health.Aws.%d.Retries", k);
        fc_setk_int(c, vals[k][3], "Health.Aws.%d.Throttles", k);
        fmt_ms(v, sizeof v, vals[k][0] ? (double)vals[k][4] / (double)vals[k][0] : 0);
        fc_setk(c, v, "Health.Aws.%d.AvgMs", k);
    }
    fc_set_int(c, "Health.AwsServices", nsvc);
}

static int admin_health(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_admin_health h;
    struct fc_svc_result res;
    double series[FC_SVC_ADMIN_MINUTES];
    char when[32];
    int rc;

    if (fc_svc_admin_health(&sv, fc_query(c, "window"), &h, &res)) {
        rc = fc_error_result(c, &res);
        goto out;
    }
    fc_set(c, "Health.Window", h.window);
    fc_set(c, "Health.Backends.Store", h.store_backend);
    fc_set(c, "Health.Backends.Auth", h.auth_backend);
    fc_set(c, "Health.Backends.Blob", h.blob_backend);
    fc_set(c, "Health.Backends.Rec", h.rec_backend);
    fc_set_int(c, "Health.Procs", h.procs);
    fc_set_int(c, "Health.FlushSeconds", h.flush_seconds);
    fc_set_int(c, "Health.KeepHours", h.keep_hours);
    pages_set_date(c, "Health.Now", h.now);
    fc_set(c, "Health.NowText", fc_utc_text(h.now, when, sizeof when));
    if (h.flush_failed)
        fc_set(c, "Health.FlushError", "This process could not write its metrics to the store.");
    if (h.has_metrics) {
        const struct fc_svc_admin_sums *sum = h.sums;
        const struct fc_svc_admin_minutes *mm = h.minutes;
        for (int i = 0; i < sum->nroutes; i++) {
            char p[64];
            snprintf(p, sizeof p, "Health.Routes.%d", i);
            fc_setk(c, sum->routes[i].all.route, "%s.Route", p);
            set_agg(c, p, &sum->routes[i]);
        }
        set_agg(c, "Health.Total", &sum->total);
        for (int i = 0; i < sum->nstatuses; i++) {
            fc_setk_int(c, sum->statuses[i].status, "Health.Statuses.%d.Code", i);
            fc_setk_int(c, sum->statuses[i].count, "Health.Statuses.%d.Count", i);
            fc_setk_int(c, sum->statuses[i].status / 100, "Health.Statuses.%d.Class", i);
        }
        set_counters(c, h.counters, h.ncounters);

        for (int i = 0; i < FC_SVC_ADMIN_MINUTES; i++)
            series[i] = (double)mm->m[i].count;
        set_chart(c, 0, "chart-requests", "Requests per minute", "requests", series, mm->first, 0);
        for (int i = 0; i < FC_SVC_ADMIN_MINUTES; i++)
            series[i] = (double)mm->errors[i];
        set_chart(c, 1, "chart-errors", "Server errors (5xx) per minute", "errors", series,
                  mm->first, 0);
        for (int i = 0; i < FC_SVC_ADMIN_MINUTES; i++)
            series[i] = fc_metrics_percentile(mm->m[i].hist, 0.99, mm->m[i].max_ms);
        set_chart(c, 2, "chart-p99", "p99 server time per minute", "ms", series, mm->first, 1);
        fc_set_int(c, "Health.Metrics", 1);
    }
    for (int i = 0; i < h.nchecks; i++) {
        fc_setk(c, h.checks[i].name, "Health.Store.%d.Name", i);
        fc_setk(c, h.checks[i].value, "Health.Store.%d.Value", i);
        fc_setk_int(c, h.checks[i].ok, "Health.Store.%d.Ok", i);
    }
    fc_set(c, "Page.Title", "Health · Admin");
    rc = fc_render(c, "admin_health.cs") ? 500 : 0;
out:
    fc_svc_admin_health_free(&h);
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
