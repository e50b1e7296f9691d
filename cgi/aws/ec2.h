/* aws/ec2: EC2 calls over the query API (RunInstances, DescribeInstances with pagination and
 * filters, Start/Stop/Reboot/TerminateInstances, DescribeSubnets; DryRun), answers parsed with
 * libxml2, AWS error codes turned into clear messages, and the state machine that follows an
 * instance to a state (used by the worker and by `forkcast ec2 --wait`). See docs/ec2.md. */
#ifndef FC_AWS_EC2_H
#define FC_AWS_EC2_H

#include <stddef.h>
#include <stdint.h>

#include <ClearSilver.h>
#include <json-c/json.h>

#include "aws/client.h"

#define FC_EC2_API_VERSION "2016-11-15"
#define FC_EC2_MAX_TAGS    10 /* tags kept per described instance (Name always kept apart) */
#define FC_EC2_MAX_COUNT   20 /* instances per launch */

struct fc_ec2_tag {
    char key[128];
    char value[256];
};

/* One instance as DescribeInstances / RunInstances report it. */
struct fc_ec2_instance {
    char id[32];
    char reservation_id[32];
    char image_id[64];
    char type[32];
    char state[24]; /* pending | running | shutting-down | terminated | stopping | stopped */
    int state_code;
    char public_ip[64]; /* ipAddress: "" when none */
    char private_ip[64];
    char public_dns[256];
    char launch_time[32];
    char reason_code[64]; /* stateReason */
    char reason_message[256];
    char transition_reason[256]; /* reason */
    char subnet_id[64];
    char vpc_id[64];
    char key_name[256];
    char az[32];
    char client_token[72];
    char name[256]; /* the Name tag */
    struct fc_ec2_tag tags[FC_EC2_MAX_TAGS];
    int ntags;
};

/* A tag or a key=value pair given to a call. */
struct fc_ec2_kv {
    const char *key;
    const char *value;
};

/* What RunInstances launches. Strings may be NULL or "" when optional. */
struct fc_ec2_launch {
    const char *image_id;      /* required */
    const char *instance_type; /* required */
    int count;                 /* MinCount = MaxCount = count (all or nothing), 1.. */
    const char *key_name;
    const char *subnet_id;
    const char *const *security_groups; /* "sg-..." go as SecurityGroupId.N, names as
                                           SecurityGroup.N */
    size_t n_security_groups;
    const struct fc_ec2_kv *tags; /* TagSpecification for the instances (Name included) */
    size_t n_tags;
    const void *user_data; /* raw bytes, sent base64-encoded */
    size_t user_data_len;
    const char *client_token; /* idempotency: the same token never launches twice */
    int dry_run;
};

/* A DescribeInstances filter ("instance-state-name", "tag:Name", "tag-key"...). */
struct fc_ec2_filter {
    const char *name;
    const char *const *values;
    size_t n_values;
};

struct fc_ec2_query {
    const char *const *ids; /* InstanceId.N (then no MaxResults is sent) */
    size_t n_ids;
    const struct fc_ec2_filter *filters;
    size_t n_filters;
    int page_size; /* MaxResults (5..1000) when no ids are given; 0: not sent */
    int max_pages; /* stop after this many pages (0: 1000) */
    int dry_run;
};

enum fc_ec2_action { FC_EC2_START, FC_EC2_STOP, FC_EC2_REBOOT, FC_EC2_TERMINATE };

struct fc_ec2_state_change {
    char id[32];
    char previous[24];
    char current[24];
};

/* The EC2 client (aws_client_new(cfg, "ec2", ...)). */
int fc_ec2_client_new(HDF *cfg, struct aws_client **out);

/* Every call returns like aws_query_call: AWS_OK, AWS_E_HTTP (err has the code: with dry_run
 * set, a permitted call answers AWS_E_HTTP with DryRunOperation), AWS_E_TRANSPORT,
 * AWS_E_CREDS, AWS_E_PARSE or AWS_ERR. Arrays returned through out are malloc'ed (free()). */

/* RunInstances; *out (may be NULL) gets the launched instances (state pending). */
int fc_ec2_run_instances(struct aws_client *c, const struct fc_ec2_launch *l,
                         struct fc_ec2_instance **out, int *n, struct aws_error *err);
/* One DescribeInstances page after next_token (NULL: the first); *next gets the following
 * page's token (malloc'ed) or NULL on the last page. */
int fc_ec2_describe_page(struct aws_client *c, const struct fc_ec2_query *q, const char *next_token,
                         struct fc_ec2_instance **out, int *n, char **next, struct aws_error *err);
/* Every page of DescribeInstances; *pages (may be NULL) gets how many were read. */
int fc_ec2_describe(struct aws_client *c, const struct fc_ec2_query *q,
                    struct fc_ec2_instance **out, int *n, int *pages, struct aws_error *err);
/* Describes one instance into *out. */
int fc_ec2_describe_one(struct aws_client *c, const char *id, struct fc_ec2_instance *out,
                        struct aws_error *err);
/* Start/Stop/Reboot/TerminateInstances; out (may be NULL, max entries) gets each instance's
 * previous and current state (RebootInstances reports none: *n = 0). */
int fc_ec2_change_state(struct aws_client *c, enum fc_ec2_action a, const char *const *ids,
                        size_t n_ids, int dry_run, struct fc_ec2_state_change *out, int max, int *n,
                        struct aws_error *err);
/* Whether subnet_id gives instances a public IPv4 address (MapPublicIpOnLaunch): *maps 0/1. */
int fc_ec2_subnet_maps_public_ip(struct aws_client *c, const char *subnet_id, int *maps,
                                 struct aws_error *err);

/* "start" -> FC_EC2_START...; FC_OK or FC_EINVAL. */
int fc_ec2_action_parse(const char *s, enum fc_ec2_action *a);
/* "start", "stop", "reboot", "terminate" */
const char *fc_ec2_action_word(enum fc_ec2_action a);
/* The state an action leads to: "running", "stopped", "" (reboot), "terminated". */
const char *fc_ec2_action_target(enum fc_ec2_action a);

/* 1 when s looks like an instance id (i- and 8 or 17 hex digits), an AMI id, a subnet id. */
int fc_ec2_valid_instance_id(const char *s);
int fc_ec2_valid_image_id(const char *s);
int fc_ec2_valid_subnet_id(const char *s);

/* A clear sentence for the failure of a call (rc, err) into buf; returns buf. Covers
 * UnauthorizedOperation, AuthFailure, InvalidAMIID.*, InvalidParameterValue,
 * InsufficientInstanceCapacity, InstanceLimitExceeded, RequestLimitExceeded, DryRunOperation,
 * InvalidInstanceID.*, IncorrectInstanceState, missing credentials, transport failures... */
const char *fc_ec2_strerror(int rc, const struct aws_error *err, char *buf, size_t n);
/* 1 when a dry run answered "you may" (DryRunOperation). */
int fc_ec2_dry_run_ok(int rc, const struct aws_error *err);
/* 1 when the failure may pass by itself: throttling, 5xx, transport. */
int fc_ec2_transient(int rc, const struct aws_error *err);

/* ---- following an instance to a state --------------------------------------- */

/* EC2.Wait.* settings (FORKCAST_EC2_WAIT_* when not in the configuration file). */
struct fc_ec2_wait_opts {
    int first_ms;    /* first poll after about this long (FirstMs, 1000) */
    int cap_ms;      /* polls are at most this far apart (CapMs, 15000) */
    int timeout_s;   /* give up after (TimeoutSeconds, 600) */
    int not_found_s; /* InvalidInstanceID.NotFound this long after a launch means "not
                        visible yet" (NotFoundSeconds, 120) */
    int public_ip_s; /* running without a public IP although its subnet assigns one: wait
                        this long for it (PublicIpSeconds, 60) */
};
void fc_ec2_wait_opts_load(HDF *cfg, struct fc_ec2_wait_opts *o);

/* What is known about one instance being followed; saved between polls (JSON). */
struct fc_ec2_wait {
    char id[32];
    char target[16];  /* running | stopped | terminated */
    int after_launch; /* NotFound at first is eventual consistency, not an error */
    int64_t started_ms;
    int64_t running_ms; /* first seen running without a public IP (0: not yet) */
    int polls;
    int step;       /* backoff exponent */
    int not_found;  /* NotFound answers so far */
    int throttled;  /* throttled or failed polls so far */
    int subnet_ip;  /* the subnet assigns public IPs: -1 not asked, 0 no, 1 yes, 2 unknown */
    char state[24]; /* last state seen, "" before the first answer */
    char public_ip[64];
};

enum fc_ec2_wait_status {
    FC_EC2_WAIT_AGAIN,   /* poll again after delay_ms */
    FC_EC2_WAIT_DONE,    /* reached the target (running: with its public IP) */
    FC_EC2_WAIT_NO_IP,   /* running, without a public IP (said plainly in message) */
    FC_EC2_WAIT_ENDED,   /* reached a state it will not come back from (terminated...) */
    FC_EC2_WAIT_TIMEOUT, /* gave up after timeout_s */
    FC_EC2_WAIT_ERROR,   /* a call failed in a way waiting will not fix (rc, err) */
};

#define FC_EC2_WAIT_MAX_NOTES 4

/* What one poll found: the status, plain words, and what changed (to record or print). */
struct fc_ec2_wait_result {
    int status; /* enum fc_ec2_wait_status */
    int64_t delay_ms;
    char message[512];
    struct {
        char state[24]; /* the state entered, or "" for a note */
        char detail[256];
    } notes[FC_EC2_WAIT_MAX_NOTES];
    int n_notes;
    struct fc_ec2_instance inst; /* the instance, when have_inst */
    int have_inst;
    int rc; /* of the last call */
    struct aws_error err;
};

void fc_ec2_wait_init(struct fc_ec2_wait *w, const char *id, const char *target, int after_launch,
                      int64_t now_ms);
/* One poll (DescribeInstances, and DescribeSubnets once when running without a public IP):
 * updates w and fills r. rnd gives the jitter of the next delay. */
void fc_ec2_wait_step(struct aws_client *c, const struct fc_ec2_wait_opts *o, struct fc_ec2_wait *w,
                      int64_t now_ms, uint32_t rnd, struct fc_ec2_wait_result *r);
/* The delay before poll n (0 for the first): equal jitter in [d/2, d], d = min(cap,
 * first * 2^n). */
int64_t fc_ec2_wait_delay_ms(const struct fc_ec2_wait_opts *o, int n, uint32_t rnd);
/* w to and from JSON (a job's progress): to_json returns a new object (the caller puts it);
 * from_json borrows o and returns FC_OK or FC_EINVAL. */
json_object *fc_ec2_wait_to_json(const struct fc_ec2_wait *w);
int fc_ec2_wait_from_json(json_object *o, struct fc_ec2_wait *w);

#endif
