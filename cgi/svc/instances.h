/* svc/instances: EC2 instances of the admin console (admin role only, checked here): the list
 * (DescribeInstances and what forkcast launched), a launch (idempotent RunInstances, recorded
 * and followed by the worker), one instance with its history, start / stop / reboot /
 * terminate, and the DryRun checks of both. Without AWS credentials an operation answers
 * fc_svc_not_configured with what to set. */
#ifndef FC_SVC_INSTANCES_H
#define FC_SVC_INSTANCES_H

#include "aws/ec2.h"
#include "svc/svc.h"

#define FC_SVC_INSTANCE_MAX_MINE    50  /* launched from here, listed under the live list */
#define FC_SVC_INSTANCE_MAX_HISTORY 200 /* history lines shown */

struct fc_svc_instance_list_in {
    const char *state; /* "" or one of EC2's states */
    const char *tag;   /* "", "KEY" or "KEY=VALUE" */
};

struct fc_svc_instance_list {
    struct fc_ec2_instance *live; /* n of them, newest launch first */
    int n, pages;
    int listed;               /* 1 when EC2 answered (live/n are its answer) */
    struct fc_instance *mine; /* what the store knows, nmine of them */
    int nmine;
};

/* 400 for a bad filter (field "state" or "tag"). When EC2 cannot be asked, res is the failure
 * (not configured, or code "aws_error": 400 when AWS refused the request, 503 when it could not
 * be reached) and out->mine is still filled. Free out with fc_svc_instance_list_free. */
int fc_svc_instance_list(const struct fc_svc *sv, const struct fc_svc_instance_list_in *in,
                         struct fc_svc_instance_list *out, struct fc_svc_result *res);
void fc_svc_instance_list_free(struct fc_svc_instance_list *out);

struct fc_svc_instance_launched {
    char ids[FC_EC2_MAX_COUNT][32];
    int n;
    int repeated; /* the same launch was sent before: ids are what it launched then */
};

/* Launches l (l->client_token set: the same token never launches twice; one forkcast has seen
 * is answered from the store without asking AWS). check: a DryRun only, res->message says how
 * it went (a success result when AWS would have done it). On success res->message is what was
 * launched, for the person. */
int fc_svc_instance_launch(const struct fc_svc *sv, const struct fc_ec2_launch *l, int check,
                           struct fc_svc_instance_launched *out, struct fc_svc_result *res);

struct fc_svc_instance_view {
    struct fc_instance rec; /* what the store knows */
    int stored;
    struct fc_ec2_instance live; /* what EC2 says now */
    int have_live;
    char live_error[512];              /* why EC2 could not be asked (when stored), or "" */
    struct fc_instance_event *history; /* nhistory lines, oldest first */
    int nhistory;
};

/* The instance id (404 when it is not an instance id): the store's record and history and,
 * when live and the worker is not following it, what EC2 says now (recorded as an observation).
 * 404 when neither knows it; when EC2 cannot be asked about an instance the store does not know,
 * that failure. Free with fc_svc_instance_view_free. */
int fc_svc_instance_get(const struct fc_svc *sv, const char *id, int live,
                        struct fc_svc_instance_view *out, struct fc_svc_result *res);
void fc_svc_instance_view_free(struct fc_svc_instance_view *v);

/* Asks EC2 to do a to instance id (check: a DryRun only, as for a launch), records the request
 * in the history and queues the job that follows the instance to the action's end state; nonce
 * (the form's submission id) makes that job's key, so a form sent twice queues one job. */
int fc_svc_instance_act(const struct fc_svc *sv, const char *id, enum fc_ec2_action a,
                        const char *nonce, int check, struct fc_svc_result *res);

/* The user data of a new app host of this site (release/release.c: the current release,
 * fetched through a presigned URL, and this site's shared settings) into out, a string of the
 * caller's. A 409 with code "no_release" says what is missing (no bucket, no release uploaded
 * yet: forkcast release upload). */
int fc_svc_instance_app_host_data(const struct fc_svc *sv, STRING *out, struct fc_svc_result *res);

/* 1 when s fits a single-line field of EC2 (a name, an id, a tag): at most max bytes, valid
 * UTF-8, no control characters. */
int fc_svc_instance_field_ok(const char *s, size_t max);

#endif
