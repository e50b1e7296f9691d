/* Unit tests: aws/ec2.c on an injected transport: the wire form of RunInstances (ClientToken,
 * TagSpecifications, base64 UserData, groups, DryRun), DescribeInstances (filters, MaxResults,
 * NextToken pagination), Start/Stop/Reboot/Terminate, DescribeSubnets; parsing of AWS's
 * documented XML answers; error messages; and the wait state machine (NotFound right after a
 * launch, pending, running then the public IP, no-IP subnets, throttling, StateReason,
 * timeout, backoff bounds, JSON round trip). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ec2.h"
#include "core/util.h"

#define MAX_CALLS 32
#define NS        "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\""

struct answer {
    int status;
    const char *body;
};

static struct {
    const struct answer *script;
    size_t n, calls;
    char *body[MAX_CALLS];
} F;

static int fake_transport(void *ctx, const struct aws_http_request *req,
                          struct aws_http_response *resp, struct aws_error *err)
{
    size_t k = F.calls++;
    (void)ctx;
    (void)err;
    assert_true(k < MAX_CALLS);
    F.body[k] = strndup(req->body ? req->body : "", req->body_len);
    memset(resp, 0, sizeof *resp);
    assert_true(k < F.n);
    resp->status = F.script[k].status;
    resp->body = strdup(F.script[k].body);
    resp->body_len = strlen(resp->body);
    return AWS_OK;
}

static void no_sleep(void *ctx, unsigned ms)
{
    (void)ctx;
    (void)ms;
}

static struct aws_client *client(const struct answer *script, size_t n)
{
    struct aws_client *c = NULL;
    struct aws_client_hooks h = {.transport = fake_transport, .sleep = no_sleep};
    for (size_t i = 0; i < F.calls && i < MAX_CALLS; i++)
        free(F.body[i]);
    memset(&F, 0, sizeof F);
    F.script = script;
    F.n = n;
    unsetenv("AWS_ENDPOINT_URL_EC2");
    unsetenv("AWS_ENDPOINT_URL");
    setenv("AWS_REGION", "us-east-1", 1);
    assert_int_equal(fc_ec2_client_new(NULL, &c), AWS_OK);
    assert_int_equal(aws_client_set_credentials(c, "AKIDTEST", "secret", NULL), AWS_OK);
    aws_client_set_hooks(c, &h);
    aws_client_set_retry(c, 1, 1, 1);
    return c;
}

static void done(struct aws_client *c)
{
    aws_client_free(c);
    for (size_t i = 0; i < F.calls && i < MAX_CALLS; i++)
        free(F.body[i]);
    memset(&F, 0, sizeof F);
}

/* The decoded value of name in request k's form body, or NULL ("" when present and empty). */
static const char *param(size_t k, const char *name)
{
    static char out[4096];
    const char *p = F.body[k];
    size_t nl = strlen(name);
    while (p && *p) {
        const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
        if ((size_t)(end - p) > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
            size_t o = 0;
            for (const char *q = p + nl + 1; q < end && o < sizeof out - 1; q++) {
                if (*q == '+') {
                    out[o++] = ' ';
                } else if (*q == '%' && q + 2 < end + 1) {
                    char hex[3] = {q[1], q[2], 0};
                    out[o++] = (char)strtol(hex, NULL, 16);
                    q += 2;
                } else {
                    out[o++] = *q;
                }
            }
            out[o] = '\0';
            return out;
        }
        p = amp ? amp + 1 : NULL;
    }
    return NULL;
}

#define ITEM(id, state, code, extra)                                                               \
    "<item><instanceId>" id "</instanceId><imageId>ami-0abcdef1234567890</imageId>"                \
    "<instanceState><code>" #code "</code><name>" state "</name></instanceState>"                  \
    "<privateDnsName>ip-10-0-0-12.ec2.internal</privateDnsName><dnsName/><reason/>"                \
    "<keyName>ops</keyName><amiLaunchIndex>0</amiLaunchIndex><productCodes/>"                      \
    "<instanceType>t3.micro</instanceType><launchTime>2024-05-01T12:00:00.000Z</launchTime>"       \
    "<placement><availabilityZone>us-east-1a</availabilityZone><groupName/>"                       \
    "<tenancy>default</tenancy></placement><subnetId>subnet-0a1b2c3d4e5f60001</subnetId>"          \
    "<vpcId>vpc-0a1b2c3d</vpcId><privateIpAddress>10.0.0.12</privateIpAddress>" extra              \
    "<tagSet><item><key>Name</key><value>web &amp; api</value></item><item><key>env</key>"         \
    "<value>prod</value></item></tagSet></item>"

#define DESCRIBE(items, extra)                                                                     \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeInstancesResponse " NS                   \
    "><requestId>8f7724cf-496f-496e-8fe3-example</requestId><reservationSet><item>"                \
    "<reservationId>r-1234567890abcdef0</reservationId><ownerId>123456789012</ownerId>"            \
    "<groupSet/><instancesSet>" items "</instancesSet></item></reservationSet>" extra              \
    "</DescribeInstancesResponse>"

#define ERR(code, msg)                                                                             \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" code             \
    "</Code><Message>" msg "</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-"        \
    "example</RequestID></Response>"

#define ID1 "i-0123456789abcdef0"
#define ID2 "i-0123456789abcdef1"

static const char RUN_OK[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<RunInstancesResponse " NS
    "><requestId>abc</requestId><reservationId>r-0aaa1111bbbb2222c</reservationId>"
    "<ownerId>123456789012</ownerId><groupSet/><instancesSet>" ITEM(
        ID1, "pending", 0,
        "<stateReason><code>pending</code><message>pending</message></stateReason>")
        ITEM(ID2, "pending", 0, "") "</instancesSet></RunInstancesResponse>";

static void test_run_instances_wire(void **state)
{
    static const struct answer a[] = {{200, RUN_OK}};
    const char *groups[] = {"sg-0123456789abcdef0", "web servers"};
    struct fc_ec2_kv tags[] = {{"Name", "web & api"}, {"team", "food=good"}};
    const char ud[] = "#!/bin/sh\necho 'hi' > /tmp/x\n";
    struct fc_ec2_launch l = {.image_id = "ami-0abcdef1234567890",
                              .instance_type = "t3.micro",
                              .count = 2,
                              .key_name = "ops",
                              .subnet_id = "subnet-0a1b2c3d4e5f60001",
                              .security_groups = groups,
                              .n_security_groups = 2,
                              .tags = tags,
                              .n_tags = 2,
                              .user_data = ud,
                              .user_data_len = sizeof ud - 1,
                              .client_token = "tok-123"};
    struct fc_ec2_instance *out = NULL;
    struct aws_error err;
    int n = 0;
    struct aws_client *c = client(a, 1);
    (void)state;

    assert_int_equal(fc_ec2_run_instances(c, &l, &out, &n, &err), AWS_OK);
    assert_string_equal(param(0, "Action"), "RunInstances");
    assert_string_equal(param(0, "Version"), "2016-11-15");
    assert_string_equal(param(0, "ImageId"), "ami-0abcdef1234567890");
    assert_string_equal(param(0, "InstanceType"), "t3.micro");
    assert_string_equal(param(0, "MinCount"), "2");
    assert_string_equal(param(0, "MaxCount"), "2");
    assert_string_equal(param(0, "KeyName"), "ops");
    assert_string_equal(param(0, "SubnetId"), "subnet-0a1b2c3d4e5f60001");
    assert_string_equal(param(0, "SecurityGroupId.1"), "sg-0123456789abcdef0");
    assert_string_equal(param(0, "SecurityGroup.1"), "web servers");
    assert_null(param(0, "SecurityGroupId.2"));
    assert_string_equal(param(0, "TagSpecification.1.ResourceType"), "instance");
    assert_string_equal(param(0, "TagSpecification.1.Tag.1.Key"), "Name");
    assert_string_equal(param(0, "TagSpecification.1.Tag.1.Value"), "web & api");
    assert_string_equal(param(0, "TagSpecification.1.Tag.2.Key"), "team");
    assert_string_equal(param(0, "TagSpecification.1.Tag.2.Value"), "food=good");
    /* base64 of the script, as `base64 -w0` gives it */
    assert_string_equal(param(0, "UserData"), "IyEvYmluL3NoCmVjaG8gJ2hpJyA+IC90bXAveAo=");
    assert_string_equal(param(0, "ClientToken"), "tok-123");
    assert_null(param(0, "DryRun"));
    /* the form body writes spaces as '+' like botocore */
    assert_non_null(strstr(F.body[0], "SecurityGroup.1=web+servers"));

    assert_int_equal(n, 2);
    assert_string_equal(out[0].id, ID1);
    assert_string_equal(out[1].id, ID2);
    assert_string_equal(out[0].state, "pending");
    assert_string_equal(out[0].reservation_id, "r-0aaa1111bbbb2222c");
    assert_string_equal(out[0].name, "web & api");
    assert_int_equal(out[0].ntags, 2);
    assert_string_equal(out[0].tags[1].key, "env");
    assert_string_equal(out[0].private_ip, "10.0.0.12");
    assert_string_equal(out[0].public_ip, "");
    free(out);
    done(c);
}

static void test_run_instances_dry_run_and_errors(void **state)
{
    static const struct answer a[] = {
        {412, ERR("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")},
        {403, ERR("UnauthorizedOperation", "You are not authorized to perform this operation. "
                                           "Encoded authorization failure message: AAAAAAAA")},
        {400, ERR("InvalidAMIID.Malformed", "Invalid id: &quot;ami-x&quot;")},
    };
    struct fc_ec2_launch l = {
        .image_id = "ami-0abcdef1234567890", .instance_type = "t3.micro", .count = 1, .dry_run = 1};
    struct aws_error err;
    char msg[600];
    int rc;
    struct aws_client *c = client(a, 3);
    (void)state;

    rc = fc_ec2_run_instances(c, &l, NULL, NULL, &err);
    assert_int_equal(rc, AWS_E_HTTP);
    assert_string_equal(param(0, "DryRun"), "true");
    assert_true(fc_ec2_dry_run_ok(rc, &err));
    assert_non_null(strstr(fc_ec2_strerror(rc, &err, msg, sizeof msg), "Permission check passed"));

    rc = fc_ec2_run_instances(c, &l, NULL, NULL, &err);
    assert_false(fc_ec2_dry_run_ok(rc, &err));
    fc_ec2_strerror(rc, &err, msg, sizeof msg);
    assert_non_null(strstr(msg, "IAM permission"));
    assert_non_null(strstr(msg, "conf/iam-policy.json"));
    assert_null(strstr(msg, "Encoded")); /* the opaque blob is cut */

    l.dry_run = 0;
    rc = fc_ec2_run_instances(c, &l, NULL, NULL, &err);
    assert_string_equal(err.code, "InvalidAMIID.Malformed");
    assert_non_null(strstr(fc_ec2_strerror(rc, &err, msg, sizeof msg), "not a valid AMI id"));
    done(c);
}

static void test_describe_pages_and_filters(void **state)
{
    static const struct answer a[] = {
        {200, DESCRIBE(ITEM(ID1, "running", 16, "<ipAddress>54.1.2.3</ipAddress>"),
                       "<nextToken>tok+/=1</nextToken>")},
        {200, DESCRIBE(ITEM(ID2, "stopped", 80,
                            "<stateReason><code>Client.UserInitiatedShutdown</code><message>"
                            "Client.UserInitiatedShutdown: User initiated shutdown</message>"
                            "</stateReason>"),
                       "<nextToken>tok2</nextToken>")},
        {200, DESCRIBE(ITEM("i-0123456789abcdef2", "running", 16, ""), "")},
    };
    const char *states[] = {"running", "stopped"}, *tagv[] = {"prod"};
    struct fc_ec2_filter filters[] = {{"instance-state-name", states, 2}, {"tag:env", tagv, 1}};
    struct fc_ec2_query q = {.filters = filters, .n_filters = 2, .page_size = 5};
    struct fc_ec2_instance *v = NULL;
    struct aws_error err;
    int n = 0, pages = 0;
    struct aws_client *c = client(a, 3);
    (void)state;

    assert_int_equal(fc_ec2_describe(c, &q, &v, &n, &pages, &err), AWS_OK);
    assert_int_equal(pages, 3);
    assert_int_equal(n, 3);
    assert_int_equal(F.calls, 3);
    assert_string_equal(param(0, "Action"), "DescribeInstances");
    assert_string_equal(param(0, "MaxResults"), "5");
    assert_string_equal(param(0, "Filter.1.Name"), "instance-state-name");
    assert_string_equal(param(0, "Filter.1.Value.1"), "running");
    assert_string_equal(param(0, "Filter.1.Value.2"), "stopped");
    assert_string_equal(param(0, "Filter.2.Name"), "tag:env");
    assert_string_equal(param(0, "Filter.2.Value.1"), "prod");
    assert_null(param(0, "NextToken"));
    assert_string_equal(param(1, "NextToken"), "tok+/=1");
    assert_string_equal(param(2, "NextToken"), "tok2");
    assert_string_equal(param(2, "Filter.2.Value.1"), "prod");
    assert_string_equal(v[0].public_ip, "54.1.2.3");
    assert_string_equal(v[0].state, "running");
    assert_int_equal(v[0].state_code, 16);
    assert_string_equal(v[0].az, "us-east-1a");
    assert_string_equal(v[0].key_name, "ops");
    assert_string_equal(v[0].reservation_id, "r-1234567890abcdef0");
    assert_string_equal(v[1].reason_code, "Client.UserInitiatedShutdown");
    assert_string_equal(v[2].id, "i-0123456789abcdef2");
    free(v);
    done(c);
}

static void test_describe_one(void **state)
{
    static const struct answer a[] = {
        {200, DESCRIBE(ITEM(ID1, "pending", 0, ""), "")},
        {200, "<DescribeInstancesResponse " NS "><reservationSet/></DescribeInstancesResponse>"},
        {400, ERR("InvalidInstanceID.NotFound", "The instance ID 'i-0123456789abcdef0' does not "
                                                "exist")},
        {200, "<Nope/>"},
    };
    struct fc_ec2_instance in;
    struct aws_error err;
    struct aws_client *c = client(a, 4);
    (void)state;

    assert_int_equal(fc_ec2_describe_one(c, ID1, &in, &err), AWS_OK);
    assert_string_equal(param(0, "InstanceId.1"), ID1);
    assert_null(param(0, "MaxResults")); /* not allowed with instance ids */
    assert_string_equal(in.state, "pending");
    assert_int_equal(fc_ec2_describe_one(c, ID1, &in, &err), AWS_E_HTTP);
    assert_string_equal(err.code, "InvalidInstanceID.NotFound");
    assert_int_equal(fc_ec2_describe_one(c, ID1, &in, &err), AWS_E_HTTP);
    assert_string_equal(err.code, "InvalidInstanceID.NotFound");
    assert_int_equal(fc_ec2_describe_one(c, ID1, &in, &err), AWS_E_PARSE);
    done(c);
}

static void test_change_state(void **state)
{
    static const struct answer a[] = {
        {200, "<StopInstancesResponse " NS "><requestId>x</requestId><instancesSet><item>"
              "<instanceId>" ID1 "</instanceId><currentState><code>64</code><name>stopping</name>"
              "</currentState><previousState><code>16</code><name>running</name></previousState>"
              "</item></instancesSet></StopInstancesResponse>"},
        {200, "<RebootInstancesResponse " NS "><requestId>x</requestId><return>true</return>"
              "</RebootInstancesResponse>"},
        {200, "<TerminateInstancesResponse " NS "><instancesSet><item><instanceId>" ID1
              "</instanceId><currentState><code>32</code><name>shutting-down</name>"
              "</currentState><previousState><code>80</code><name>stopped</name></previousState>"
              "</item></instancesSet></TerminateInstancesResponse>"},
        {400, ERR("IncorrectInstanceState", "The instance is not in a state from which it can be "
                                            "started.")},
        {200, "<StartInstancesResponse " NS "/>"},
    };
    const char *ids[] = {ID1};
    struct fc_ec2_state_change ch[2];
    struct aws_error err;
    char msg[600];
    int n = -1, rc;
    enum fc_ec2_action act;
    struct aws_client *c = client(a, 5);
    (void)state;

    assert_int_equal(fc_ec2_change_state(c, FC_EC2_STOP, ids, 1, 0, ch, 2, &n, &err), AWS_OK);
    assert_string_equal(param(0, "Action"), "StopInstances");
    assert_string_equal(param(0, "InstanceId.1"), ID1);
    assert_int_equal(n, 1);
    assert_string_equal(ch[0].previous, "running");
    assert_string_equal(ch[0].current, "stopping");
    assert_int_equal(fc_ec2_change_state(c, FC_EC2_REBOOT, ids, 1, 0, ch, 2, &n, &err), AWS_OK);
    assert_string_equal(param(1, "Action"), "RebootInstances");
    assert_int_equal(n, 0);
    assert_int_equal(fc_ec2_change_state(c, FC_EC2_TERMINATE, ids, 1, 1, ch, 2, &n, &err), AWS_OK);
    assert_string_equal(param(2, "Action"), "TerminateInstances");
    assert_string_equal(param(2, "DryRun"), "true");
    assert_string_equal(ch[0].current, "shutting-down");
    rc = fc_ec2_change_state(c, FC_EC2_START, ids, 1, 0, ch, 2, &n, &err);
    assert_int_equal(rc, AWS_E_HTTP);
    assert_non_null(strstr(fc_ec2_strerror(rc, &err, msg, sizeof msg), "not in a state"));
    /* a wrong root element is refused */
    assert_int_equal(fc_ec2_change_state(c, FC_EC2_STOP, ids, 1, 0, ch, 2, &n, &err), AWS_E_PARSE);
    assert_int_equal(fc_ec2_action_parse("terminate", &act), FC_OK);
    assert_int_equal(act, FC_EC2_TERMINATE);
    assert_int_equal(fc_ec2_action_parse("explode", &act), FC_EINVAL);
    assert_string_equal(fc_ec2_action_target(FC_EC2_STOP), "stopped");
    assert_string_equal(fc_ec2_action_target(FC_EC2_REBOOT), "");
    done(c);
}

static void test_error_messages(void **state)
{
    static const struct {
        const char *code;
        int status;
        const char *want;
    } cases[] = {
        {"UnauthorizedOperation", 403, "IAM permission"},
        {"AuthFailure", 401, "refused the credentials"},
        {"InvalidAMIID.NotFound", 400, "does not exist in this region"},
        {"InvalidAMIID.Malformed", 400, "not a valid AMI id"},
        {"InvalidParameterValue", 400, "refused a value"},
        {"InsufficientInstanceCapacity", 500, "no spare capacity"},
        {"InstanceLimitExceeded", 400, "limit of running instances"},
        {"RequestLimitExceeded", 503, "throttling"},
        {"DryRunOperation", 412, "Permission check passed"},
        {"InvalidInstanceID.NotFound", 400, "no such instance"},
        {"IdempotentParameterMismatch", 400, "ClientToken"},
        {"SomethingNew", 400, "EC2 refused the request (SomethingNew)"},
        {"InternalError", 500, "failed on its side"},
    };
    struct aws_error err;
    char msg[700];
    (void)state;
    for (size_t i = 0; i < FC_ARRAY_LEN(cases); i++) {
        aws_error_clear(&err);
        err.http_status = cases[i].status;
        aws_error_set(&err, cases[i].code, "details from AWS");
        fc_ec2_strerror(AWS_E_HTTP, &err, msg, sizeof msg);
        if (!strstr(msg, cases[i].want))
            fail_msg("%s: '%s' lacks '%s'", cases[i].code, msg, cases[i].want);
    }
    aws_error_clear(&err);
    aws_error_set(&err, "Timeout", "connection timed out");
    assert_non_null(
        strstr(fc_ec2_strerror(AWS_E_TRANSPORT, &err, msg, sizeof msg), "Could not reach EC2"));
    assert_non_null(strstr(fc_ec2_strerror(AWS_E_CREDS, &err, msg, sizeof msg), "credentials"));
    assert_true(fc_ec2_transient(AWS_E_TRANSPORT, &err));
    err.http_status = 503;
    aws_error_set(&err, "RequestLimitExceeded", "slow down");
    assert_true(fc_ec2_transient(AWS_E_HTTP, &err));
    err.http_status = 403;
    aws_error_set(&err, "UnauthorizedOperation", "no");
    assert_false(fc_ec2_transient(AWS_E_HTTP, &err));
}

static void test_validators(void **state)
{
    (void)state;
    assert_true(fc_ec2_valid_instance_id("i-0123456789abcdef0"));
    assert_true(fc_ec2_valid_instance_id("i-1a2b3c4d"));
    assert_false(fc_ec2_valid_instance_id("i-1a2b3c4"));
    assert_false(fc_ec2_valid_instance_id("i-0123456789ABCDEF0"));
    assert_false(fc_ec2_valid_instance_id("i-0123456789abcdef0/x"));
    assert_false(fc_ec2_valid_instance_id("ami-1a2b3c4d"));
    assert_true(fc_ec2_valid_image_id("ami-1a2b3c4d"));
    assert_true(fc_ec2_valid_subnet_id("subnet-0a1b2c3d4e5f60001"));
}

/* ---- the wait state machine ----------------------------------------------------- */

static const struct fc_ec2_wait_opts OPTS = {
    .first_ms = 1000, .cap_ms = 15000, .timeout_s = 600, .not_found_s = 120, .public_ip_s = 60};

static void test_wait_delays(void **state)
{
    (void)state;
    /* equal jitter in [d/2, d], d = min(15000, 1000 * 2^n) */
    for (int n = 0; n < 12; n++) {
        int64_t d = 1000;
        for (int i = 0; i < n && d < 15000; i++)
            d *= 2;
        if (d > 15000)
            d = 15000;
        assert_int_equal(fc_ec2_wait_delay_ms(&OPTS, n, 0), d / 2);
        assert_int_equal(fc_ec2_wait_delay_ms(&OPTS, n, (uint32_t)(d - d / 2)), d);
        for (uint32_t r = 1; r < 2000000; r = r * 7 + 3) {
            int64_t v = fc_ec2_wait_delay_ms(&OPTS, n, r);
            assert_true(v >= d / 2 && v <= d);
        }
    }
    assert_int_equal(fc_ec2_wait_delay_ms(&OPTS, 30, UINT32_MAX) <= 15000, 1);
}

static void test_wait_launch_to_ip(void **state)
{
    static const struct answer a[] = {
        {400, ERR("InvalidInstanceID.NotFound", "The instance ID '" ID1 "' does not exist")},
        {200, DESCRIBE(ITEM(ID1, "pending", 0, ""), "")},
        {200, DESCRIBE(ITEM(ID1, "pending", 0, ""), "")},
        {200, DESCRIBE(ITEM(ID1, "running", 16, ""), "")},
        {200, "<DescribeSubnetsResponse " NS "><subnetSet><item><subnetId>subnet-0a1b2c3d4e5f6"
              "0001</subnetId><mapPublicIpOnLaunch>true</mapPublicIpOnLaunch></item></subnetSet>"
              "</DescribeSubnetsResponse>"},
        {200, DESCRIBE(ITEM(ID1, "running", 16, "<ipAddress>54.1.2.3</ipAddress>"), "")},
    };
    struct fc_ec2_wait w;
    struct fc_ec2_wait_result r;
    int64_t t = 1000000;
    struct aws_client *c = client(a, 6);
    (void)state;

    fc_ec2_wait_init(&w, ID1, "running", 1, t);
    fc_ec2_wait_step(c, &OPTS, &w, t += 1000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_AGAIN);
    assert_int_equal(r.n_notes, 1);
    assert_string_equal(r.notes[0].state, "");
    assert_non_null(strstr(r.notes[0].detail, "not visible yet"));
    assert_int_equal(r.delay_ms, 500);

    fc_ec2_wait_step(c, &OPTS, &w, t += 1000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_AGAIN);
    assert_int_equal(r.n_notes, 1);
    assert_string_equal(r.notes[0].state, "pending");
    assert_int_equal(r.delay_ms, 1000); /* the backoff grows */

    fc_ec2_wait_step(c, &OPTS, &w, t += 1000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_AGAIN);
    assert_int_equal(r.n_notes, 0); /* no change, nothing to record */
    assert_int_equal(r.delay_ms, 2000);

    fc_ec2_wait_step(c, &OPTS, &w, t += 1000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_AGAIN); /* running, but no public IP yet */
    assert_string_equal(r.notes[0].state, "running");
    assert_string_equal(r.notes[0].detail, "no public IP yet");
    assert_string_equal(param(4, "Action"), "DescribeSubnets");
    assert_string_equal(param(4, "SubnetId.1"), "subnet-0a1b2c3d4e5f60001");
    assert_int_equal(w.subnet_ip, 1);

    fc_ec2_wait_step(c, &OPTS, &w, t += 1000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_DONE);
    assert_string_equal(r.notes[0].detail, "public IP 54.1.2.3 assigned");
    assert_string_equal(w.public_ip, "54.1.2.3");
    assert_non_null(strstr(r.message, "running with public IP 54.1.2.3"));
    assert_int_equal(F.calls, 6); /* DescribeSubnets asked once only */
    done(c);
}

static void test_wait_no_ip_subnet(void **state)
{
    static const struct answer a[] = {
        {200, DESCRIBE(ITEM(ID1, "running", 16, ""), "")},
        {200, "<DescribeSubnetsResponse " NS "><subnetSet><item><subnetId>subnet-0a1b2c3d4e5f6"
              "0001</subnetId><mapPublicIpOnLaunch>false</mapPublicIpOnLaunch></item>"
              "</subnetSet></DescribeSubnetsResponse>"},
    };
    struct fc_ec2_wait w;
    struct fc_ec2_wait_result r;
    struct aws_client *c = client(a, 2);
    (void)state;
    fc_ec2_wait_init(&w, ID1, "running", 1, 0);
    fc_ec2_wait_step(c, &OPTS, &w, 2000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_NO_IP);
    assert_non_null(strstr(r.message, "without a public IP"));
    assert_non_null(strstr(r.message, "does not assign public IPv4 addresses"));
    assert_non_null(strstr(r.message, "10.0.0.12"));
    done(c);
}

static void test_wait_no_ip_grace(void **state)
{
    /* the subnet cannot be asked (no permission): wait public_ip_s for the IP, then say so */
    static const struct answer a[] = {
        {200, DESCRIBE(ITEM(ID1, "running", 16, ""), "")},
        {403, ERR("UnauthorizedOperation", "no")},
        {200, DESCRIBE(ITEM(ID1, "running", 16, ""), "")},
        {200, DESCRIBE(ITEM(ID1, "running", 16, ""), "")},
    };
    struct fc_ec2_wait w;
    struct fc_ec2_wait_result r;
    struct aws_client *c = client(a, 4);
    (void)state;
    fc_ec2_wait_init(&w, ID1, "running", 1, 0);
    fc_ec2_wait_step(c, &OPTS, &w, 2000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_AGAIN);
    assert_int_equal(w.subnet_ip, 2);
    fc_ec2_wait_step(c, &OPTS, &w, 30000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_AGAIN);
    fc_ec2_wait_step(c, &OPTS, &w, 62000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_NO_IP);
    assert_non_null(strstr(r.message, "no public IP was assigned within 60 s"));
    done(c);
}

static void test_wait_terminated_reason(void **state)
{
    static const struct answer a[] = {
        {200, DESCRIBE(ITEM(ID1, "pending", 0, ""), "")},
        {200, DESCRIBE(ITEM(ID1, "terminated", 48,
                            "<stateReason><code>Server.InternalError</code><message>Server."
                            "InternalError: Internal error on launch</message></stateReason>"),
                       "")},
    };
    struct fc_ec2_wait w;
    struct fc_ec2_wait_result r;
    struct aws_client *c = client(a, 2);
    (void)state;
    fc_ec2_wait_init(&w, ID1, "running", 1, 0);
    fc_ec2_wait_step(c, &OPTS, &w, 1000, 0, &r);
    fc_ec2_wait_step(c, &OPTS, &w, 2000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_ENDED);
    assert_non_null(strstr(r.message, "was terminated"));
    assert_non_null(strstr(r.message, "Internal error on launch"));
    assert_string_equal(r.notes[0].state, "terminated");
    assert_non_null(strstr(r.notes[0].detail, "Server.InternalError"));
    done(c);
}

static void test_wait_throttled_timeout_errors(void **state)
{
    static const struct answer a[] = {
        {503, ERR("RequestLimitExceeded", "Request limit exceeded.")},
        {200, DESCRIBE(ITEM(ID1, "pending", 0, ""), "")},
        {200, DESCRIBE(ITEM(ID1, "pending", 0, ""), "")},
        {400, ERR("InvalidInstanceID.NotFound", "gone")},
        {403, ERR("UnauthorizedOperation", "You are not authorized")},
    };
    struct fc_ec2_wait w, back;
    struct fc_ec2_wait_result r;
    json_object *j;
    struct aws_client *c = client(a, 5);
    (void)state;

    fc_ec2_wait_init(&w, ID1, "running", 1, 0);
    fc_ec2_wait_step(c, &OPTS, &w, 1000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_AGAIN); /* throttled: asked again, later */
    assert_int_equal(w.throttled, 1);
    assert_int_equal(r.delay_ms, 1000); /* one backoff step skipped */
    fc_ec2_wait_step(c, &OPTS, &w, 2000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_AGAIN);

    /* the progress survives a restart */
    j = fc_ec2_wait_to_json(&w);
    assert_int_equal(fc_ec2_wait_from_json(j, &back), FC_OK);
    json_object_put(j);
    assert_memory_equal(&back, &w, sizeof w);
    /* a damaged progress with counters or times that would overflow is refused (found by
     * t/fuzz/ec2) */
    {
        static const char *const bad[] = {
            "{\"id\":\"" ID1 "\",\"step\":2147483647}",
            "{\"id\":\"" ID1 "\",\"polls\":-1}",
            "{\"id\":\"" ID1 "\",\"started_ms\":9223372036854775807}",
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            j = json_tokener_parse(bad[i]);
            assert_non_null(j);
            assert_int_equal(fc_ec2_wait_from_json(j, &back), FC_EINVAL);
            json_object_put(j);
        }
    }

    /* past the deadline: one last poll, then a clear timeout */
    fc_ec2_wait_step(c, &OPTS, &w, 600000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_TIMEOUT);
    assert_non_null(strstr(r.message, "Gave up after 600 s"));
    assert_non_null(strstr(r.message, "still pending"));

    /* NotFound once the instance was seen is not "not visible yet" */
    fc_ec2_wait_step(c, &OPTS, &w, 3000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_ERROR);
    fc_ec2_wait_step(c, &OPTS, &w, 4000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_ERROR);
    assert_non_null(strstr(r.message, "IAM permission"));
    done(c);
}

static void test_wait_not_found_grace(void **state)
{
    static const struct answer a[] = {
        {400, ERR("InvalidInstanceID.NotFound", "x")},
        {400, ERR("InvalidInstanceID.NotFound", "x")},
        {400, ERR("InvalidInstanceID.NotFound", "x")},
    };
    struct fc_ec2_wait w;
    struct fc_ec2_wait_result r;
    struct aws_client *c = client(a, 3);
    (void)state;
    fc_ec2_wait_init(&w, ID1, "running", 1, 0);
    fc_ec2_wait_step(c, &OPTS, &w, 1000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_AGAIN);
    assert_int_equal(r.n_notes, 1);
    fc_ec2_wait_step(c, &OPTS, &w, 2000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_AGAIN);
    assert_int_equal(r.n_notes, 0); /* said once */
    fc_ec2_wait_step(c, &OPTS, &w, 121000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_ERROR);
    assert_non_null(strstr(r.message, "no such instance"));
    done(c);
}

static void test_wait_stop_and_terminate(void **state)
{
    static const struct answer a[] = {
        {200, DESCRIBE(ITEM(ID1, "stopping", 64, ""), "")},
        {200, DESCRIBE(ITEM(ID1, "stopped", 80,
                            "<stateReason><code>Client.UserInitiatedShutdown</code><message>"
                            "Client.UserInitiatedShutdown: User initiated shutdown</message>"
                            "</stateReason>"),
                       "")},
        {200, DESCRIBE(ITEM(ID1, "shutting-down", 32, ""), "")},
        {400, ERR("InvalidInstanceID.NotFound", "gone")},
    };
    struct fc_ec2_wait w;
    struct fc_ec2_wait_result r;
    struct aws_client *c = client(a, 4);
    (void)state;
    fc_ec2_wait_init(&w, ID1, "stopped", 0, 0);
    fc_ec2_wait_step(c, &OPTS, &w, 1000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_AGAIN);
    fc_ec2_wait_step(c, &OPTS, &w, 2000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_DONE);
    assert_non_null(strstr(r.notes[0].detail, "User initiated shutdown"));
    fc_ec2_wait_init(&w, ID1, "terminated", 0, 0);
    fc_ec2_wait_step(c, &OPTS, &w, 1000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_AGAIN);
    fc_ec2_wait_step(c, &OPTS, &w, 2000, 0, &r);
    assert_int_equal(r.status, FC_EC2_WAIT_DONE); /* gone counts as terminated */
    done(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_instances_wire),
        cmocka_unit_test(test_run_instances_dry_run_and_errors),
        cmocka_unit_test(test_describe_pages_and_filters),
        cmocka_unit_test(test_describe_one),
        cmocka_unit_test(test_change_state),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_validators),
        cmocka_unit_test(test_wait_delays),
        cmocka_unit_test(test_wait_launch_to_ip),
        cmocka_unit_test(test_wait_no_ip_subnet),
        cmocka_unit_test(test_wait_no_ip_grace),
        cmocka_unit_test(test_wait_terminated_reason),
        cmocka_unit_test(test_wait_throttled_timeout_errors),
        cmocka_unit_test(test_wait_not_found_grace),
        cmocka_unit_test(test_wait_stop_and_terminate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
