/* Fuzz harness: the EC2 query API answers (XML) as aws/ec2.c reads them, through an injected
 * transport. First byte: the call (DescribeInstances over pages, RunInstances, a state
 * change, DescribeSubnets, polls of the wait state machine, or a saved wait state as JSON, a
 * NUL, then the polls that resume it);
 * the rest: the answers, separated by "\n--next--\n" (see fuzz.h). */
#include <json-c/json.h>

#include "aws/ec2.h"
#include "core/util.h"
#include "fuzz.h"

static struct aws_client *client;
static struct fuzz_answers answers;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_aws_env();
    unsetenv("AWS_ENDPOINT_URL_EC2");
    if (fc_ec2_client_new(NULL, &client) != AWS_OK)
        abort();
    fuzz_client(client, &answers);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {(const char *)data, size};
    unsigned op = fuzz_byte(&in) % 6;
    struct fc_ec2_instance *list = NULL;
    struct aws_error err;
    int n = 0, rc;

    memset(&answers, 0, sizeof answers);
    answers.in = in;
    if (op == 0) {
        static const char *const states[] = {"pending", "running"};
        struct fc_ec2_filter f = {"instance-state-name", states, 2};
        struct fc_ec2_query q = {.filters = &f, .n_filters = 1, .page_size = 50, .max_pages = 4};
        int pages = 0;
        rc = fc_ec2_describe(client, &q, &list, &n, &pages, &err);
        if (rc == AWS_OK && (n < 0 || (n > 0 && !list)))
            abort();
    } else if (op == 1) {
        static const char *const groups[] = {"sg-0123456789abcdef0", "web"};
        struct fc_ec2_kv tags[] = {{"Name", "web-1"}, {"env", "prod"}};
        struct fc_ec2_launch l = {.image_id = "ami-0abcdef1234567890",
                                  .instance_type = "t3.micro",
                                  .count = 2,
                                  .key_name = "ops",
                                  .subnet_id = "subnet-0a1b2c3d4e5f60001",
                                  .security_groups = groups,
                                  .n_security_groups = 2,
                                  .tags = tags,
                                  .n_tags = 2,
                                  .user_data = "#!/bin/sh\necho hi\n",
                                  .user_data_len = 18,
                                  .client_token = "fuzz-token-1"};
        rc = fc_ec2_run_instances(client, &l, &list, &n, &err);
    } else if (op == 2) {
        static const char *const ids[] = {"i-0123456789abcdef0", "i-0123456789abcdef1"};
        struct fc_ec2_state_change ch[2];
        rc =
            fc_ec2_change_state(client, (enum fc_ec2_action)(size % 4), ids, 2, 0, ch, 2, &n, &err);
        if (rc == AWS_OK && (n < 0 || n > 2))
            abort();
    } else if (op == 3) {
        int maps = -1;
        rc = fc_ec2_subnet_maps_public_ip(client, "subnet-0a1b2c3d4e5f60001", &maps, &err);
    } else if (op == 4) {
        struct fc_ec2_wait_opts o = {1000, 15000, 600, 120, 60};
        struct fc_ec2_wait w;
        struct fc_ec2_wait_result r;
        fc_ec2_wait_init(&w, "i-0123456789abcdef0", size & 1 ? "running" : "stopped", 1, 1000000);
        for (int i = 0; i < 3; i++)
            fc_ec2_wait_step(client, &o, &w, 1000000 + i * 5000, (uint32_t)size, &r);
    } else {
        char *js = fuzz_field(&in, '\0', NULL);
        json_object *o = json_tokener_parse(js);
        struct fc_ec2_wait w;
        if (o && fc_ec2_wait_from_json(o, &w) == FC_OK) {
            /* a saved state resumed: the next polls (answers after the JSON and its NUL) */
            struct fc_ec2_wait_opts wo = {1000, 15000, 600, 120, 60};
            struct fc_ec2_wait_result r;
            json_object *back;
            answers.in = in;
            for (int i = 0; i < 2; i++)
                fc_ec2_wait_step(client, &wo, &w, 1714564800000 + i * 5000, (uint32_t)size, &r);
            back = fc_ec2_wait_to_json(&w);
            json_object_put(back);
        }
        json_object_put(o);
        free(js);
    }
    free(list);
    return 0;
}
