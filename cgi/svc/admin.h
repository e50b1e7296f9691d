/* svc/admin: the admin console's operations (admin role only, checked here): the dashboard's
 * figures, the user list and search, one user, disabling and enabling accounts, granting and
 * removing the admin role, and the health and metrics figures. The pages (pages/admin.c) only
 * turn requests into these inputs and the outputs into HDF. */
#ifndef FC_SVC_ADMIN_H
#define FC_SVC_ADMIN_H

#include "svc/svc.h"

#define FC_SVC_ADMIN_USERS_PER_PAGE 25
#define FC_SVC_ADMIN_MINUTES        60 /* the charts' span: the last hour, one slot a minute */
#define FC_SVC_ADMIN_MAX_ROUTES     128
#define FC_SVC_ADMIN_MAX_STATUSES   64

/* 401 without an actor, 403 for one without the admin role; FC_OK for an administrator.
 * Every operation below starts with it (the routes check the role too). */
int fc_svc_admin_check(const struct fc_svc *sv, struct fc_svc_result *res);

/* ---- the request metrics, summed ---- */

struct fc_svc_admin_agg {
    struct fc_metric_row all; /* route, count, sums, histogram */
    long cls[6];              /* by status class: 1xx..5xx */
};

struct fc_svc_admin_status_count {
    int status;
    long count;
};

/* Request rows summed by route (busiest first), by status (ascending) and overall. */
struct fc_svc_admin_sums {
    struct fc_svc_admin_agg routes[FC_SVC_ADMIN_MAX_ROUTES];
    int nroutes;
    struct fc_svc_admin_agg total;
    struct fc_svc_admin_status_count statuses[FC_SVC_ADMIN_MAX_STATUSES];
    int nstatuses;
};

/* The last hour summed over every route, one slot per minute. */
struct fc_svc_admin_minutes {
    int64_t first; /* the minute of slot 0 */
    struct fc_metric_row m[FC_SVC_ADMIN_MINUTES];
    long errors[FC_SVC_ADMIN_MINUTES]; /* 5xx */
};

/* ---- dashboard ---- */

struct fc_svc_admin_dashboard {
    int has_users; /* the store can count users */
    int users, admins, disabled;
    int has_metrics;       /* the store keeps request metrics */
    long requests, errors; /* the last hour; errors: 5xx */
    double p99_ms;
};

int fc_svc_admin_dashboard(const struct fc_svc *sv, struct fc_svc_admin_dashboard *out,
                           struct fc_svc_result *res);

/* ---- users ---- */

struct fc_svc_admin_users_in {
    const char *text; /* searched in username, display name and e-mail; "" for all */
    const char *role; /* "", "any", "admin" or "disabled" */
    long page;        /* from 1; 0: the first; < 0: the front end could not read it */
};

struct fc_svc_admin_users {
    struct fc_user *users; /* n of them, malloc'ed: fc_svc_admin_users_free */
    int n, total;
    long page, pages;
    int offset;       /* of users[0] in the whole list */
    const char *role; /* "any", "admin" or "disabled" (static) */
};

int fc_svc_admin_users(const struct fc_svc *sv, const struct fc_svc_admin_users_in *in,
                       struct fc_svc_admin_users *out, struct fc_svc_result *res);
void fc_svc_admin_users_free(struct fc_svc_admin_users *out);

/* One user and the number of their reviews: 404 when no user has that name. *out owns its
 * text: fc_user_clear(out) after, whatever the result. */
int fc_svc_admin_user(const struct fc_svc *sv, const char *username, struct fc_user *out,
                      int *reviews, struct fc_svc_result *res);

enum fc_svc_admin_action {
    FC_SVC_ADMIN_DISABLE,
    FC_SVC_ADMIN_ENABLE,
    FC_SVC_ADMIN_MAKE_ADMIN,
    FC_SVC_ADMIN_REMOVE_ADMIN,
};

/* "disable", "enable", "make-admin", "remove-admin": FC_OK, or FC_EINVAL for another word. */
int fc_svc_admin_action_parse(const char *word, enum fc_svc_admin_action *out);
/* Why actor may not do a to target (a sentence), or NULL: nobody disables their own account
 * or removes their own admin role (another administrator has to). A pure rule. */
const char *fc_svc_admin_refusal(const struct fc_user *actor, enum fc_svc_admin_action a,
                                 const struct fc_user *target);
/* Does a to the user named username: 404 no such user, 409 refused (the actor's own account);
 * disabling ends the user's sessions. On success res->message says what was done (or that
 * nothing needed doing) and *target (may be NULL) is the user as they were before, with its own
 * text: fc_user_clear(target) after, whatever the result. */
int fc_svc_admin_act(const struct fc_svc *sv, const char *username, enum fc_svc_admin_action a,
                     struct fc_user *target, struct fc_svc_result *res);

/* ---- health ---- */

#define FC_SVC_ADMIN_MAX_CHECKS FC_STORE_MAX_CHECKS

struct fc_svc_admin_health {
    const char *window; /* "1h" or "24h" (static) */
    int64_t now;
    const char *store_backend, *auth_backend, *blob_backend, *rec_backend; /* config */
    int procs, flush_seconds, keep_hours;
    int flush_failed;                     /* this process could not write its own metrics */
    int has_metrics;                      /* the store keeps metrics: what follows is filled */
    struct fc_svc_admin_sums *sums;       /* over the window */
    struct fc_svc_admin_minutes *minutes; /* the last hour */
    struct fc_metric_counter *counters;   /* over the window, ncounters of them */
    int ncounters;
    struct fc_store_check *checks; /* the store's own checks, nchecks of them (may be 0) */
    int nchecks;
};

/* window: "" or "1h" (the last hour) or "24h"; 400 for another. Free with
 * fc_svc_admin_health_free whatever the result. */
int fc_svc_admin_health(const struct fc_svc *sv, const char *window,
                        struct fc_svc_admin_health *out, struct fc_svc_result *res);
void fc_svc_admin_health_free(struct fc_svc_admin_health *out);

#endif
