/* aws/ec2: EC2 query-API calls, XML answers read with libxml2 (a tree walk by local names, so
 * the namespace of AWS and of emulators does not matter), error messages, and the poll-based
 * state machine that follows an instance to running (with its public IP), stopped or
 * terminated with exponential backoff and jitter. */
#include "aws/ec2.h"
#include "aws/endpoint.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <openssl/evp.h>

/* ---- request parameters ----------------------------------------------------- */

struct params {
    struct aws_param *v;
    size_t n, cap;
    int err;
};

static void p_add(struct params *p, const char *name, const char *value)
{
    char *nm, *val;
    if (p->err)
        return;
    if (fc_grow(&p->v, &p->cap, p->n + 1, sizeof *p->v, 16)) {
        p->err = 1;
        return;
    }
    nm = strdup(name);
    val = strdup(value ? value : "");
    if (!nm || !val) {
        free(nm);
        free(val);
        p->err = 1;
        return;
    }
    p->v[p->n].name = nm;
    p->v[p->n].value = val;
    p->n++;
}

/* p_add with a printf-formatted name. */
static void p_addf(struct params *p, const char *value, const char *fmt, ...) FC_PRINTF(3, 4);
static void p_addf(struct params *p, const char *value, const char *fmt, ...)
{
    char name[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    p_add(p, name, value);
}

static void p_free(struct params *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free((char *)p->v[i].name);
        free((char *)p->v[i].value);
    }
    free(p->v);
    memset(p, 0, sizeof *p);
}

/* Sends the call; an out-of-memory while building the parameters is AWS_ERR. */
static int call(struct aws_client *c, const char *action, struct params *p, xmlDoc **doc,
                struct aws_error *err)
{
    if (p->err) {
        aws_error_clear(err);
        aws_error_set(err, "OutOfMemory", "cannot build the %s request", action);
        return AWS_ERR;
    }
    return aws_query_call(c, action, FC_EC2_API_VERSION, p->v, p->n, doc, err);
}

static int bad_arg(struct aws_error *err, const char *what)
{
    aws_error_clear(err);
    aws_error_set(err, "InvalidArgument", "%s", what);
    return AWS_ERR;
}

/* ---- XML ------------------------------------------------------------------ */

static int is_el(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0;
}

/* The first element child of parent with this local name, or NULL. */
static xmlNode *child(const xmlNode *parent, const char *name)
{
    if (!parent)
        return NULL;
    for (xmlNode *n = parent->children; n; n = n->next)
        if (is_el(n, name))
            return n;
    return NULL;
}

/* Text of the element at a '/'-separated path of local names under parent, into out. */
static void text_at(const xmlNode *parent, const char *path, char *out, size_t size)
{
    char part[64];
    const xmlNode *n = parent;
    out[0] = '\0';
    while (n && *path) {
        size_t len = strcspn(path, "/");
        if (len >= sizeof part)
            return;
        memcpy(part, path, len);
        part[len] = '\0';
        n = child(n, part);
        path += len + (path[len] == '/');
    }
    if (n && n != parent) {
        xmlChar *t = xmlNodeGetContent(n);
        if (t) {
            fc_strlcpy(out, (const char *)t, size);
            fc_trim(out);
            xmlFree(t);
        }
    }
}

static xmlNode *root_of(xmlDoc *doc)
{
    return doc ? xmlDocGetRootElement(doc) : NULL;
}

static void parse_instance(const xmlNode *item, const char *reservation_id,
                           struct fc_ec2_instance *in)
{
    char code[16];
    memset(in, 0, sizeof *in);
    fc_strlcpy(in->reservation_id, reservation_id ? reservation_id : "", sizeof in->reservation_id);
    text_at(item, "instanceId", in->id, sizeof in->id);
    text_at(item, "imageId", in->image_id, sizeof in->image_id);
    text_at(item, "instanceType", in->type, sizeof in->type);
    text_at(item, "instanceState/name", in->state, sizeof in->state);
    text_at(item, "instanceState/code", code, sizeof code);
    in->state_code = atoi(code);
    text_at(item, "ipAddress", in->public_ip, sizeof in->public_ip);
    text_at(item, "privateIpAddress", in->private_ip, sizeof in->private_ip);
    text_at(item, "dnsName", in->public_dns, sizeof in->public_dns);
    text_at(item, "launchTime", in->launch_time, sizeof in->launch_time);
    text_at(item, "stateReason/code", in->reason_code, sizeof in->reason_code);
    text_at(item, "stateReason/message", in->reason_message, sizeof in->reason_message);
    text_at(item, "reason", in->transition_reason, sizeof in->transition_reason);
    text_at(item, "subnetId", in->subnet_id, sizeof in->subnet_id);
    text_at(item, "vpcId", in->vpc_id, sizeof in->vpc_id);
    text_at(item, "keyName", in->key_name, sizeof in->key_name);
    text_at(item, "placement/availabilityZone", in->az, sizeof in->az);
    text_at(item, "clientToken", in->client_token, sizeof in->client_token);
    for (xmlNode *t = child(child(item, "tagSet"), "item"); t; t = t->next) {
        char key[128], value[256];
        if (!is_el(t, "item"))
            continue;
        text_at(t, "key", key, sizeof key);
        text_at(t, "value", value, sizeof value);
        if (strcmp(key, "Name") == 0)
            fc_strlcpy(in->name, value, sizeof in->name);
        if (in->ntags < FC_EC2_MAX_TAGS) {
            fc_strlcpy(in->tags[in->ntags].key, key, sizeof in->tags[0].key);
            fc_strlcpy(in->tags[in->ntags].value, value, sizeof in->tags[0].value);
            in->ntags++;
        }
    }
}

/* A growing array of instances. */
struct ilist {
    struct fc_ec2_instance *v;
    int n;
    size_t cap;
};

static struct fc_ec2_instance *ilist_next(struct ilist *l)
{
    if (fc_grow(&l->v, &l->cap, (size_t)l->n + 1, sizeof *l->v, 8))
        return NULL;
    return &l->v[l->n++];
}

/* Appends the items of an instancesSet. */
static int parse_instances_set(const xmlNode *set, const char *reservation_id, struct ilist *l)
{
    for (xmlNode *it = set ? set->children : NULL; it; it = it->next) {
        struct fc_ec2_instance *in;
        if (!is_el(it, "item"))
            continue;
        if (!(in = ilist_next(l)))
            return AWS_ERR;
        parse_instance(it, reservation_id, in);
    }
    return AWS_OK;
}

/* Hands the list to the caller (or frees it when out is NULL). */
static void ilist_give(struct ilist *l, struct fc_ec2_instance **out, int *n)
{
    if (n)
        *n = l->n;
    if (out)
        *out = l->v;
    else
        free(l->v);
    l->v = NULL;
}

static int parse_fail(xmlDoc *doc, struct aws_error *err, const char *what)
{
    xmlFreeDoc(doc);
    aws_error_clear(err);
    aws_error_set(err, "ParseError", "%s", what);
    return AWS_E_PARSE;
}

/* ---- calls ------------------------------------------------------------------- */

int fc_ec2_client_new(HDF *cfg, struct aws_client **out)
{
    return aws_client_new(cfg, "ec2", out);
}

static void add_filters(struct params *p, const struct fc_ec2_query *q)
{
    for (size_t i = 0; i < q->n_filters; i++) {
        p_addf(p, q->filters[i].name, "Filter.%zu.Name", i + 1);
        for (size_t k = 0; k < q->filters[i].n_values; k++)
            p_addf(p, q->filters[i].values[k], "Filter.%zu.Value.%zu", i + 1, k + 1);
    }
}

int fc_ec2_run_instances(struct aws_client *c, const struct fc_ec2_launch *l,
                         struct fc_ec2_instance **out, int *n, struct aws_error *err)
{
    struct params p = {0};
    struct ilist list = {0};
    xmlDoc *doc = NULL;
    xmlNode *root;
    char num[16], rid[32];
    unsigned char *b64 = NULL;
    int rc;

    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (!l || !l->image_id || !*l->image_id || !l->instance_type || !*l->instance_type ||
        l->count < 1)
        return bad_arg(err, "RunInstances needs an image id, an instance type and a count");
    p_add(&p, "ImageId", l->image_id);
    p_add(&p, "InstanceType", l->instance_type);
    snprintf(num, sizeof num, "%d", l->count);
    p_add(&p, "MinCount", num);
    p_add(&p, "MaxCount", num);
    if (l->key_name && *l->key_name)
        p_add(&p, "KeyName", l->key_name);
    if (l->subnet_id && *l->subnet_id)
        p_add(&p, "SubnetId", l->subnet_id);
    for (size_t i = 0, ids = 0, names = 0; i < l->n_security_groups; i++) {
        const char *g = l->security_groups[i];
        if (strncmp(g, "sg-", 3) == 0)
            p_addf(&p, g, "SecurityGroupId.%zu", ++ids);
        else
            p_addf(&p, g, "SecurityGroup.%zu", ++names);
    }
    if (l->n_tags) {
        p_add(&p, "TagSpecification.1.ResourceType", "instance");
        for (size_t i = 0; i < l->n_tags; i++) {
            p_addf(&p, l->tags[i].key, "TagSpecification.1.Tag.%zu.Key", i + 1);
            p_addf(&p, l->tags[i].value ? l->tags[i].value : "", "TagSpecification.1.Tag.%zu.Value",
                   i + 1);
        }
    }
    if (l->user_data && l->user_data_len) {
        if (l->user_data_len > 1 << 20) {
            p_free(&p);
            return bad_arg(err, "user data too large");
        }
        b64 = malloc(4 * ((l->user_data_len + 2) / 3) + 1);
        if (!b64)
            p.err = 1;
        else
            EVP_EncodeBlock(b64, l->user_data, (int)l->user_data_len);
        p_add(&p, "UserData", (const char *)b64);
    }
    if (l->client_token && *l->client_token)
        p_add(&p, "ClientToken", l->client_token);
    if (l->dry_run)
        p_add(&p, "DryRun", "true");
    rc = call(c, "RunInstances", &p, &doc, err);
    p_free(&p);
    free(b64);
    if (rc != AWS_OK)
        return rc;
    root = root_of(doc);
    if (!is_el(root, "RunInstancesResponse"))
        return parse_fail(doc, err, "not a RunInstancesResponse");
    text_at(root, "reservationId", rid, sizeof rid);
    if (parse_instances_set(child(root, "instancesSet"), rid, &list)) {
        free(list.v);
        xmlFreeDoc(doc);
        return bad_arg(err, "out of memory");
    }
    xmlFreeDoc(doc);
    if (!list.n) {
        free(list.v);
        aws_error_clear(err);
        aws_error_set(err, "ParseError", "RunInstances answered no instance");
        return AWS_E_PARSE;
    }
    ilist_give(&list, out, n);
    return AWS_OK;
}

int fc_ec2_describe_page(struct aws_client *c, const struct fc_ec2_query *q, const char *next_token,
                         struct fc_ec2_instance **out, int *n, char **next, struct aws_error *err)
{
    static const struct fc_ec2_query none = {0};
    struct params p = {0};
    struct ilist list = {0};
    xmlDoc *doc = NULL;
    xmlNode *root;
    char num[16], token[2048];
    int rc;

    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (next)
        *next = NULL;
    if (!q)
        q = &none;
    for (size_t i = 0; i < q->n_ids; i++)
        p_addf(&p, q->ids[i], "InstanceId.%zu", i + 1);
    add_filters(&p, q);
    if (!q->n_ids && q->page_size > 0) {
        snprintf(num, sizeof num, "%d",
                 q->page_size < 5      ? 5
                 : q->page_size > 1000 ? 1000
                                       : q->page_size);
        p_add(&p, "MaxResults", num);
    }
    if (next_token && *next_token)
        p_add(&p, "NextToken", next_token);
    if (q->dry_run)
        p_add(&p, "DryRun", "true");
    rc = call(c, "DescribeInstances", &p, &doc, err);
    p_free(&p);
    if (rc != AWS_OK)
        return rc;
    root = root_of(doc);
    if (!is_el(root, "DescribeInstancesResponse"))
        return parse_fail(doc, err, "not a DescribeInstancesResponse");
    for (xmlNode *r = child(child(root, "reservationSet"), "item"); r; r = r->next) {
        char rid[32];
        if (!is_el(r, "item"))
            continue;
        text_at(r, "reservationId", rid, sizeof rid);
        if (parse_instances_set(child(r, "instancesSet"), rid, &list)) {
            free(list.v);
            xmlFreeDoc(doc);
            return bad_arg(err, "out of memory");
        }
    }
    text_at(root, "nextToken", token, sizeof token);
    xmlFreeDoc(doc);
    if (next && *token && !(*next = strdup(token))) {
        free(list.v);
        return bad_arg(err, "out of memory");
    }
    ilist_give(&list, out, n);
    return AWS_OK;
}

int fc_ec2_describe(struct aws_client *c, const struct fc_ec2_query *q,
                    struct fc_ec2_instance **out, int *n, int *pages, struct aws_error *err)
{
    struct ilist all = {0};
    char *token = NULL;
    int rc = AWS_OK, max_pages = q && q->max_pages > 0 ? q->max_pages : 1000, k = 0;

    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    do {
        struct fc_ec2_instance *page = NULL;
        char *next = NULL;
        int np = 0;
        rc = fc_ec2_describe_page(c, q, token, &page, &np, &next, err);
        free(token);
        token = next;
        if (rc != AWS_OK)
            break;
        k++;
        for (int i = 0; i < np; i++) {
            struct fc_ec2_instance *in = ilist_next(&all);
            if (!in) {
                rc = bad_arg(err, "out of memory");
                break;
            }
            *in = page[i];
        }
        free(page);
        /* a repeated token would loop for ever */
    } while (rc == AWS_OK && token && k < max_pages);
    free(token);
    if (pages)
        *pages = k;
    if (rc != AWS_OK) {
        free(all.v);
        return rc;
    }
    ilist_give(&all, out, n);
    return AWS_OK;
}

int fc_ec2_describe_one(struct aws_client *c, const char *id, struct fc_ec2_instance *out,
                        struct aws_error *err)
{
    struct fc_ec2_query q = {.ids = &id, .n_ids = 1};
    struct fc_ec2_instance *v = NULL;
    int n = 0, rc = fc_ec2_describe_page(c, &q, NULL, &v, &n, NULL, err);
    if (rc != AWS_OK)
        return rc;
    for (int i = 0; i < n; i++)
        if (strcmp(v[i].id, id) == 0) {
            *out = v[i];
            free(v);
            return AWS_OK;
        }
    free(v);
    /* what EC2 answers when it does not know the id yet (or any more) */
    aws_error_clear(err);
    err->http_status = 400;
    aws_error_set(err, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id);
    return AWS_E_HTTP;
}

static const char *const ACTION_CALL[] = {"StartInstances", "StopInstances", "RebootInstances",
                                          "TerminateInstances"};
static const char *const ACTION_WORD[] = {"start", "stop", "reboot", "terminate"};
static const char *const ACTION_TARGET[] = {"running", "stopped", "", "terminated"};

int fc_ec2_action_parse(const char *s, enum fc_ec2_action *a)
{
    for (int i = 0; i < 4; i++)
        if (s && strcmp(s, ACTION_WORD[i]) == 0) {
            *a = (enum fc_ec2_action)i;
            return FC_OK;
        }
    return FC_EINVAL;
}

const char *fc_ec2_action_word(enum fc_ec2_action a)
{
    return (unsigned)a < 4 ? ACTION_WORD[a] : "?";
}

const char *fc_ec2_action_target(enum fc_ec2_action a)
{
    return (unsigned)a < 4 ? ACTION_TARGET[a] : "";
}

int fc_ec2_change_state(struct aws_client *c, enum fc_ec2_action a, const char *const *ids,
                        size_t n_ids, int dry_run, struct fc_ec2_state_change *out, int max, int *n,
                        struct aws_error *err)
{
    struct params p = {0};
    xmlDoc *doc = NULL;
    xmlNode *root;
    char want[64];
    int rc, k = 0;

    if (n)
        *n = 0;
    if ((unsigned)a >= 4 || !ids || !n_ids)
        return bad_arg(err, "no instance given");
    for (size_t i = 0; i < n_ids; i++)
        p_addf(&p, ids[i], "InstanceId.%zu", i + 1);
    if (dry_run)
        p_add(&p, "DryRun", "true");
    rc = call(c, ACTION_CALL[a], &p, &doc, err);
    p_free(&p);
    if (rc != AWS_OK)
        return rc;
    root = root_of(doc);
    snprintf(want, sizeof want, "%sResponse", ACTION_CALL[a]);
    if (!is_el(root, want))
        return parse_fail(doc, err, "unexpected answer");
    for (xmlNode *it = child(child(root, "instancesSet"), "item"); it && out; it = it->next) {
        if (!is_el(it, "item") || k >= max)
            continue;
        text_at(it, "instanceId", out[k].id, sizeof out[k].id);
        text_at(it, "previousState/name", out[k].previous, sizeof out[k].previous);
        text_at(it, "currentState/name", out[k].current, sizeof out[k].current);
        k++;
    }
    xmlFreeDoc(doc);
    if (n)
        *n = k;
    return AWS_OK;
}

int fc_ec2_subnet_maps_public_ip(struct aws_client *c, const char *subnet_id, int *maps,
                                 struct aws_error *err)
{
    struct params p = {0};
    xmlDoc *doc = NULL;
    xmlNode *root, *item;
    char v[16];
    int rc;

    p_add(&p, "SubnetId.1", subnet_id);
    rc = call(c, "DescribeSubnets", &p, &doc, err);
    p_free(&p);
    if (rc != AWS_OK)
        return rc;
    root = root_of(doc);
    item = child(child(root, "subnetSet"), "item");
    if (!is_el(root, "DescribeSubnetsResponse") || !item)
        return parse_fail(doc, err, "no such subnet in the answer");
    text_at(item, "mapPublicIpOnLaunch", v, sizeof v);
    *maps = strcmp(v, "true") == 0;
    xmlFreeDoc(doc);
    return AWS_OK;
}

/* ---- ids -------------------------------------------------------------------- */

/* prefix then 8 or 17 lower-case hex digits */
static int valid_id(const char *s, const char *prefix)
{
    size_t pl = strlen(prefix), n;
    if (!s || strncmp(s, prefix, pl))
        return 0;
    s += pl;
    n = strspn(s, "0123456789abcdef");
    return s[n] == '\0' && (n == 8 || n == 17);
}

int fc_ec2_valid_instance_id(const char *s)
{
    return valid_id(s, "i-");
}

int fc_ec2_valid_image_id(const char *s)
{
    return valid_id(s, "ami-");
}

int fc_ec2_valid_subnet_id(const char *s)
{
    return valid_id(s, "subnet-");
}

/* ---- errors ------------------------------------------------------------------- */

int fc_ec2_dry_run_ok(int rc, const struct aws_error *err)
{
    return rc == AWS_E_HTTP && err && strcmp(err->code, "DryRunOperation") == 0;
}

int fc_ec2_transient(int rc, const struct aws_error *err)
{
    if (rc == AWS_E_TRANSPORT)
        return 1;
    if (rc != AWS_E_HTTP || !err)
        return 0;
    return aws_error_is_retryable(err->http_status, err->code) ||
           strcmp(err->code, "InsufficientInstanceCapacity") == 0;
}

/* AWS's message, cut before the (long, opaque) encoded authorization message. */
static void short_message(const struct aws_error *err, char *out, size_t n)
{
    char *cut;
    fc_strlcpy(out, err->message[0] ? err->message : "(no message)", n);
    if ((cut = strstr(out, " Encoded authorization failure message:")))
        *cut = '\0';
}

const char *fc_ec2_strerror(int rc, const struct aws_error *err, char *buf, size_t n)
{
    static const struct {
        const char *code;
        const char *text;
    } known[] = {
        {"DryRunOperation", "Permission check passed: AWS says this request would have "
                            "succeeded. Nothing was launched or changed (DryRun)."},
        {"UnauthorizedOperation",
         "Not allowed: the AWS identity forkcast uses lacks the IAM permission for this EC2 "
         "action (conf/iam-policy.json lists what forkcast needs)."},
        {"AccessDenied",
         "Not allowed: the AWS identity forkcast uses lacks the IAM permission for this EC2 "
         "action (conf/iam-policy.json lists what forkcast needs)."},
        {"AuthFailure", "AWS refused the credentials (AuthFailure): the access key is unknown, "
                        "the secret is wrong or the clock is off."},
        {"InvalidAMIID.NotFound", "That AMI does not exist in this region, or this account may "
                                  "not use it: check the image id and the region."},
        {"InvalidAMIID.Malformed", "That is not a valid AMI id: it is ami- followed by 8 or 17 "
                                   "hexadecimal digits."},
        {"InvalidAMIID.Unavailable", "That AMI is not available (deregistered or failed)."},
        {"InvalidParameterValue", "AWS refused a value in the request."},
        {"InvalidParameterCombination", "AWS refused this combination of settings."},
        {"InvalidParameter", "AWS refused a parameter of the request."},
        {"MissingParameter", "A required setting is missing."},
        {"InsufficientInstanceCapacity",
         "AWS has no spare capacity for this instance type in that Availability Zone right now. "
         "Try another instance type or a subnet in another zone, or try again later."},
        {"InstanceLimitExceeded",
         "The account's limit of running instances is reached: terminate instances you do not "
         "need, or ask AWS for a higher quota (Service Quotas)."},
        {"VcpuLimitExceeded", "The account's vCPU quota for this instance family is reached: "
                              "terminate instances you do not need, or ask AWS for a higher "
                              "quota (Service Quotas)."},
        {"RequestLimitExceeded",
         "AWS is throttling EC2 requests from this account (RequestLimitExceeded) and the retries "
         "with backoff did not get through. Wait a minute and try again: a launch sent again "
         "from the same form is not launched twice."},
        {"InvalidInstanceID.NotFound", "EC2 knows no such instance in this region."},
        {"InvalidInstanceID.Malformed", "That is not a valid instance id: it is i- followed by 8 "
                                        "or 17 hexadecimal digits."},
        {"IncorrectInstanceState", "The instance is not in a state that allows this (for "
                                   "example starting a terminated instance, or stopping one that "
                                   "is still pending)."},
        {"IdempotentParameterMismatch",
         "This launch's ClientToken was already used for a launch with other settings: open the "
         "launch form again and send it from there."},
        {"InvalidKeyPair.NotFound", "There is no key pair by that name in this region."},
        {"InvalidGroup.NotFound", "A security group was not found in this region or VPC."},
        {"InvalidSecurityGroupID.NotFound", "A security group was not found in this region."},
        {"InvalidSubnetID.NotFound", "That subnet does not exist in this region."},
        {"OptInRequired", "The account is not subscribed to this service or AMI yet."},
        {"PendingVerification", "AWS is still verifying the account: launches are not allowed "
                                "yet."},
    };
    char msg[300];

    if (!buf || !n)
        return "";
    if (rc == AWS_OK) {
        snprintf(buf, n, "OK.");
        return buf;
    }
    if (!err) {
        snprintf(buf, n, "EC2 call failed.");
        return buf;
    }
    short_message(err, msg, sizeof msg);
    switch (rc) {
    case AWS_E_CREDS:
        snprintf(buf, n,
                 "No AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a "
                 "profile in ~/.aws/credentials, or run on an instance with an IAM role (%s).",
                 msg);
        return buf;
    case AWS_E_TRANSPORT:
        snprintf(buf, n,
                 "Could not reach EC2 (%s): %s. Check the network and AWS.Endpoint.EC2 / "
                 "AWS_ENDPOINT_URL_EC2.",
                 err->code, msg);
        return buf;
    case AWS_E_PARSE:
        snprintf(buf, n, "EC2 sent an answer forkcast could not read (%s).", msg);
        return buf;
    case AWS_E_HTTP:
        break;
    default:
        snprintf(buf, n, "Internal error: %s.", msg);
        return buf;
    }
    for (size_t i = 0; i < FC_ARRAY_LEN(known); i++)
        if (strcmp(err->code, known[i].code) == 0) {
            if (strcmp(err->code, "DryRunOperation") == 0 ||
                strcmp(err->code, "RequestLimitExceeded") == 0)
                snprintf(buf, n, "%s", known[i].text);
            else
                snprintf(buf, n, "%s AWS said (%s): %s", known[i].text, err->code, msg);
            return buf;
        }
    if (aws_error_is_throttle(err->code))
        snprintf(buf, n,
                 "AWS is throttling requests (%s) and the retries with backoff did not get "
                 "through. Wait a minute and try again.",
                 err->code);
    else if (err->http_status >= 500)
        snprintf(buf, n, "EC2 failed on its side (%s, HTTP %d) even after retries: %s", err->code,
                 err->http_status, msg);
    else
        snprintf(buf, n, "EC2 refused the request (%s): %s", err->code, msg);
    return buf;
}

/* ---- following an instance ------------------------------------------------------- */

void fc_ec2_wait_opts_load(HDF *cfg, struct fc_ec2_wait_opts *o)
{
    o->first_ms = aws_config_int_min(cfg, "EC2.Wait.FirstMs", 1000, 1);
    o->cap_ms = aws_config_int_min(cfg, "EC2.Wait.CapMs", 15000, o->first_ms);
    o->timeout_s = aws_config_int(cfg, "EC2.Wait.TimeoutSeconds", 600);
    o->not_found_s = aws_config_int(cfg, "EC2.Wait.NotFoundSeconds", 120);
    o->public_ip_s = aws_config_int(cfg, "EC2.Wait.PublicIpSeconds", 60);
}

int64_t fc_ec2_wait_delay_ms(const struct fc_ec2_wait_opts *o, int n, uint32_t rnd)
{
    int64_t d = o->first_ms;
    for (int i = 0; i < n && d < o->cap_ms; i++)
        d *= 2;
    if (d > o->cap_ms)
        d = o->cap_ms;
    return d / 2 + (int64_t)(rnd % (uint32_t)(d - d / 2 + 1));
}

void fc_ec2_wait_init(struct fc_ec2_wait *w, const char *id, const char *target, int after_launch,
                      int64_t now_ms)
{
    memset(w, 0, sizeof *w);
    fc_strlcpy(w->id, id, sizeof w->id);
    fc_strlcpy(w->target, target && *target ? target : "running", sizeof w->target);
    w->after_launch = after_launch;
    w->started_ms = now_ms;
    w->subnet_ip = -1;
}

static void note(struct fc_ec2_wait_result *r, const char *state, const char *fmt, ...)
    FC_PRINTF(3, 4);
static void note(struct fc_ec2_wait_result *r, const char *state, const char *fmt, ...)
{
    va_list ap;
    if (r->n_notes >= FC_EC2_WAIT_MAX_NOTES)
        return;
    fc_strlcpy(r->notes[r->n_notes].state, state, sizeof r->notes[0].state);
    va_start(ap, fmt);
    vsnprintf(r->notes[r->n_notes].detail, sizeof r->notes[0].detail, fmt, ap);
    va_end(ap);
    r->n_notes++;
}

static void say(struct fc_ec2_wait_result *r, const char *fmt, ...) FC_PRINTF(2, 3);
static void say(struct fc_ec2_wait_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
}

/* "Client.UserInitiatedShutdown: User initiated shutdown", or "" */
static void state_reason(const struct fc_ec2_instance *in, char *out, size_t n)
{
    if (in->reason_message[0] && in->reason_code[0] &&
        strncmp(in->reason_message, in->reason_code, strlen(in->reason_code)))
        snprintf(out, n, "%s: %s", in->reason_code, in->reason_message);
    else
        snprintf(out, n, "%s", in->reason_message[0] ? in->reason_message : in->reason_code);
}

/* The next poll, and the timeout (checked after each poll that did not finish). */
static void again(const struct fc_ec2_wait_opts *o, struct fc_ec2_wait *w, int64_t now_ms,
                  uint32_t rnd, struct fc_ec2_wait_result *r)
{
    int64_t deadline = w->started_ms + (int64_t)o->timeout_s * 1000;
    if (now_ms >= deadline) {
        r->status = FC_EC2_WAIT_TIMEOUT;
        if (!w->state[0])
            say(r, "Gave up after %d s: EC2 never showed instance %s.", o->timeout_s, w->id);
        else if (strcmp(w->target, "running") == 0 && strcmp(w->state, "running") == 0)
            say(r, "Gave up after %d s: %s is running but has no public IP yet.", o->timeout_s,
                w->id);
        else
            say(r,
                "Gave up after %d s waiting for %s to be %s: it is still %s. It may get there "
                "later; the instance page shows what EC2 says now.",
                o->timeout_s, w->id, w->target, w->state);
        return;
    }
    r->status = FC_EC2_WAIT_AGAIN;
    r->delay_ms = fc_ec2_wait_delay_ms(o, w->step++, rnd);
    if (now_ms + r->delay_ms > deadline)
        r->delay_ms = deadline - now_ms;
}

/* The instance answered: what that means for the target. */
static void judge(struct aws_client *c, const struct fc_ec2_wait_opts *o, struct fc_ec2_wait *w,
                  int64_t now_ms, uint32_t rnd, struct fc_ec2_wait_result *r)
{
    const struct fc_ec2_instance *in = &r->inst;
    char reason[400];

    state_reason(in, reason, sizeof reason);
    if (strcmp(in->state, w->state) != 0) {
        if (strcmp(in->state, "running") == 0 && in->public_ip[0])
            note(r, in->state, "public IP %s", in->public_ip);
        else if (strcmp(in->state, "running") == 0)
            note(r, in->state, "no public IP yet");
        else if (strcmp(in->state, "pending") == 0)
            note(r, in->state, "%s", "");
        else
            note(r, in->state, "%s", reason);
        fc_strlcpy(w->state, in->state, sizeof w->state);
    } else if (in->public_ip[0] && strcmp(in->public_ip, w->public_ip) != 0) {
        note(r, in->state, "public IP %s assigned", in->public_ip);
    }
    fc_strlcpy(w->public_ip, in->public_ip, sizeof w->public_ip);

    if (strcmp(in->state, "terminated") == 0 || strcmp(in->state, "shutting-down") == 0) {
        if (strcmp(w->target, "terminated") == 0 && strcmp(in->state, "terminated") == 0) {
            r->status = FC_EC2_WAIT_DONE;
            say(r, "%s is terminated%s%s.", w->id, reason[0] ? ": " : "", reason);
            return;
        }
        if (strcmp(w->target, "terminated") != 0) {
            r->status = FC_EC2_WAIT_ENDED;
            say(r, "%s %s%s%s.", w->id,
                strcmp(in->state, "terminated") == 0 ? "was terminated" : "is shutting down",
                reason[0] ? ": " : " (EC2 gave no reason)", reason);
            return;
        }
    } else if (strcmp(w->target, "running") == 0) {
        if (strcmp(in->state, "running") == 0) {
            if (in->public_ip[0]) {
                r->status = FC_EC2_WAIT_DONE;
                if (in->private_ip[0])
                    say(r, "%s is running with public IP %s (private IP %s).", w->id, in->public_ip,
                        in->private_ip);
                else
                    say(r, "%s is running with public IP %s.", w->id, in->public_ip);
                return;
            }
            if (!w->running_ms)
                w->running_ms = now_ms;
            if (w->subnet_ip == -1 && in->subnet_id[0]) {
                struct aws_error e;
                int maps = 1;
                int rc = fc_ec2_subnet_maps_public_ip(c, in->subnet_id, &maps, &e);
                w->subnet_ip = rc == AWS_OK ? maps : 2;
            }
            if (w->subnet_ip == 0) {
                r->status = FC_EC2_WAIT_NO_IP;
                say(r,
                    "%s is running without a public IP: its subnet %s does not assign public "
                    "IPv4 addresses (MapPublicIpOnLaunch is off). Reach it on its private IP "
                    "%s from inside the VPC, or attach an Elastic IP.",
                    w->id, in->subnet_id, in->private_ip[0] ? in->private_ip : "(none yet)");
                return;
            }
            if (now_ms - w->running_ms >= (int64_t)o->public_ip_s * 1000) {
                r->status = FC_EC2_WAIT_NO_IP;
                say(r,
                    "%s is running, but no public IP was assigned within %d s of it running. "
                    "Reach it on its private IP %s, or attach an Elastic IP.",
                    w->id, o->public_ip_s, in->private_ip[0] ? in->private_ip : "(none)");
                return;
            }
        } else if (strcmp(in->state, "pending") != 0) {
            r->status = FC_EC2_WAIT_ENDED;
            say(r, "%s is %s, not on its way to running%s%s.", w->id, in->state,
                reason[0] ? ": " : "", reason);
            return;
        }
    } else if (strcmp(w->target, "stopped") == 0 && strcmp(in->state, "stopped") == 0) {
        r->status = FC_EC2_WAIT_DONE;
        say(r, "%s is stopped.", w->id);
        return;
    }
    again(o, w, now_ms, rnd, r);
    if (r->status == FC_EC2_WAIT_AGAIN) {
        if (strcmp(w->target, "running") == 0 && strcmp(in->state, "running") == 0)
            say(r, "%s is running; waiting for its public IP.", w->id);
        else
            say(r, "%s is %s; waiting for %s.", w->id, in->state, w->target);
    }
}

void fc_ec2_wait_step(struct aws_client *c, const struct fc_ec2_wait_opts *o, struct fc_ec2_wait *w,
                      int64_t now_ms, uint32_t rnd, struct fc_ec2_wait_result *r)
{
    char why[512];

    memset(r, 0, sizeof *r);
    w->polls++;
    r->rc = fc_ec2_describe_one(c, w->id, &r->inst, &r->err);
    if (r->rc == AWS_OK) {
        r->have_inst = 1;
        judge(c, o, w, now_ms, rnd, r);
        return;
    }
    if (r->rc == AWS_E_HTTP && strcmp(r->err.code, "InvalidInstanceID.NotFound") == 0) {
        if (strcmp(w->target, "terminated") == 0 && w->state[0]) {
            r->status = FC_EC2_WAIT_DONE;
            say(r, "%s is gone (terminated instances disappear after a while).", w->id);
            return;
        }
        if (w->after_launch && !w->state[0] &&
            now_ms - w->started_ms < (int64_t)o->not_found_s * 1000) {
            /* EC2 is eventually consistent: a new id may be unknown to Describe for a while */
            if (!w->not_found++)
                note(r, "",
                     "not visible yet (InvalidInstanceID.NotFound right after the launch: "
                     "EC2 is eventually consistent)");
            again(o, w, now_ms, rnd, r);
            if (r->status == FC_EC2_WAIT_AGAIN)
                say(r, "%s is not visible to DescribeInstances yet; asking again.", w->id);
            return;
        }
        r->status = FC_EC2_WAIT_ERROR;
        say(r, "%s", fc_ec2_strerror(r->rc, &r->err, why, sizeof why));
        return;
    }
    if (fc_ec2_transient(r->rc, &r->err)) {
        /* the client's own retries did not get through: wait longer, keep the deadline */
        w->throttled++;
        w->step++;
        again(o, w, now_ms, rnd, r);
        if (r->status == FC_EC2_WAIT_AGAIN)
            say(r, "EC2 did not answer this poll (%s); asking again in %.1f s.", r->err.code,
                (double)r->delay_ms / 1000);
        return;
    }
    r->status = FC_EC2_WAIT_ERROR;
    say(r, "%s", fc_ec2_strerror(r->rc, &r->err, why, sizeof why));
}

json_object *fc_ec2_wait_to_json(const struct fc_ec2_wait *w)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    json_object_object_add(o, "id", json_object_new_string(w->id));
    json_object_object_add(o, "target", json_object_new_string(w->target));
    json_object_object_add(o, "after_launch", json_object_new_boolean(w->after_launch));
    json_object_object_add(o, "started_ms", json_object_new_int64(w->started_ms));
    json_object_object_add(o, "running_ms", json_object_new_int64(w->running_ms));
    json_object_object_add(o, "polls", json_object_new_int(w->polls));
    json_object_object_add(o, "step", json_object_new_int(w->step));
    json_object_object_add(o, "not_found", json_object_new_int(w->not_found));
    json_object_object_add(o, "throttled", json_object_new_int(w->throttled));
    json_object_object_add(o, "subnet_ip", json_object_new_int(w->subnet_ip));
    json_object_object_add(o, "state", json_object_new_string(w->state));
    json_object_object_add(o, "public_ip", json_object_new_string(w->public_ip));
    return o;
}

static const char *jstr(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : "";
}

static int64_t jint(json_object *o, const char *k, int64_t def)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : def;
}

/* 1 when member k of o is absent or an integer within [min, max]. */
static int jint_ok(json_object *o, const char *k, int64_t min, int64_t max)
{
    json_object *v;
    int64_t x;
    if (!json_object_object_get_ex(o, k, &v))
        return 1;
    x = json_object_get_int64(v);
    return x >= min && x <= max;
}

int fc_ec2_wait_from_json(json_object *o, struct fc_ec2_wait *w)
{
    /* times and counters are added to: out-of-range ones (a damaged job) would overflow */
    if (!o || !json_object_is_type(o, json_type_object) ||
        !fc_ec2_valid_instance_id(jstr(o, "id")) ||
        !jint_ok(o, "started_ms", 0, 1000000000000000LL) ||
        !jint_ok(o, "running_ms", 0, 1000000000000000LL) || !jint_ok(o, "polls", 0, 1000000) ||
        !jint_ok(o, "step", 0, 1000000) || !jint_ok(o, "not_found", 0, 1000000) ||
        !jint_ok(o, "throttled", 0, 1000000) || !jint_ok(o, "after_launch", 0, 1) ||
        !jint_ok(o, "subnet_ip", -1, 1))
        return FC_EINVAL;
    fc_ec2_wait_init(w, jstr(o, "id"), jstr(o, "target"), (int)jint(o, "after_launch", 0),
                     jint(o, "started_ms", 0));
    w->running_ms = jint(o, "running_ms", 0);
    w->polls = (int)jint(o, "polls", 0);
    w->step = (int)jint(o, "step", 0);
    w->not_found = (int)jint(o, "not_found", 0);
    w->throttled = (int)jint(o, "throttled", 0);
    w->subnet_ip = (int)jint(o, "subnet_ip", -1);
    fc_strlcpy(w->state, jstr(o, "state"), sizeof w->state);
    fc_strlcpy(w->public_ip, jstr(o, "public_ip"), sizeof w->public_ip);
    return FC_OK;
}
