/* aws_tool: drives forkcast's AWS client layer (cgi/aws/client.c) from the command line for
 * t/aws_moto.t and t/aws_faults.t; prints one JSON line per command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libxml/tree.h>

#include "aws/client.h"
#include "core/config.h"

#define MAX_PARAMS  64
#define MAX_HEADERS 16

static void usage(void)
{
    fputs("usage: aws_tool [--no-config] COMMAND [ARGS...] [+ COMMAND [ARGS...]]...\n"
          "  json SERVICE TARGET [BODY-JSON]         awsJson call (X-Amz-Target)\n"
          "  rest SERVICE METHOD PATH [BODY-JSON]     REST-JSON call\n"
          "  query SERVICE ACTION VERSION [N=V...]    query (form POST) call, XML answer\n"
          "  s3 METHOD BUCKET PATH [--data S] [--header 'N: v']... [--payload-hash H]\n"
          "  presign SERVICE METHOD BUCKET PATH SECONDS\n"
          "  creds SERVICE | endpoint SERVICE | stats SERVICE\n"
          "  anonymous SERVICE 0|1                    unsigned calls from now on\n"
          "Each command prints one JSON object on a line: {\"ok\":true,...} or the error.\n"
          "Config from $FORKCAST_CONFIG or conf/forkcast.hdf; exit 0 when all succeed.\n",
          stderr);
}

/* One client per service, kept for the whole run (connection reuse, credentials cache). */
static struct aws_client *clients[AWS_SVC_COUNT];
static HDF *cfg;

static struct aws_client *client_for(const char *service)
{
    const struct aws_service *s = aws_service_find(service);

    if (!s)
        return NULL;
    if (!clients[s->id] && aws_client_new(cfg, service, &clients[s->id]) != AWS_OK)
        return NULL;
    return clients[s->id];
}

static json_object *result_ok(const char *cmd)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "cmd", json_object_new_string(cmd));
    json_object_object_add(o, "ok", json_object_new_boolean(1));
    return o;
}

static json_object *result_err(const char *cmd, int rc, const struct aws_error *e)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "cmd", json_object_new_string(cmd));
    json_object_object_add(o, "ok", json_object_new_boolean(0));
    json_object_object_add(o, "rc", json_object_new_int(rc));
    json_object_object_add(o, "status", json_object_new_int(e->http_status));
    json_object_object_add(o, "code", json_object_new_string(e->code));
    json_object_object_add(o, "message", json_object_new_string(e->message));
    json_object_object_add(o, "request_id", json_object_new_string(e->request_id));
    json_object_object_add(o, "attempts", json_object_new_int(e->attempts));
    json_object_object_add(o, "retryable", json_object_new_boolean(e->retryable));
    json_object_object_add(o, "transport", json_object_new_boolean(e->transport));
    return o;
}

static json_object *bad_usage(const char *cmd, const char *why)
{
    struct aws_error e;
    aws_error_clear(&e);
    aws_error_set(&e, "Usage", "%s", why);
    return result_err(cmd, AWS_ERR, &e);
}

static json_object *cmd_json(int argc, char **argv)
{
    struct aws_client *c;
    struct aws_error e;
    json_object *req = NULL, *resp = NULL, *o;
    int rc;

    if (argc < 3 || argc > 4)
        return bad_usage("json", "json SERVICE TARGET [BODY]");
    if (!(c = client_for(argv[1])))
        return bad_usage("json", "unknown service or bad configuration");
    if (argc == 4 && !(req = json_tokener_parse(argv[3])))
        return bad_usage("json", "BODY is not JSON");
    rc = aws_json_call(c, argv[2], req, &resp, &e);
    json_object_put(req);
    if (rc != AWS_OK)
        return result_err("json", rc, &e);
    o = result_ok("json");
    json_object_object_add(o, "attempts", json_object_new_int(e.attempts));
    json_object_object_add(o, "body", resp);
    return o;
}

static json_object *cmd_rest(int argc, char **argv)
{
    struct aws_client *c;
    struct aws_error e;
    json_object *req = NULL, *resp = NULL, *o;
    int rc;

    if (argc < 4 || argc > 5)
        return bad_usage("rest", "rest SERVICE METHOD PATH [BODY]");
    if (!(c = client_for(argv[1])))
        return bad_usage("rest", "unknown service or bad configuration");
    if (argc == 5 && !(req = json_tokener_parse(argv[4])))
        return bad_usage("rest", "BODY is not JSON");
    rc = aws_rest_json_call(c, argv[2], argv[3], req, &resp, &e);
    json_object_put(req);
    if (rc != AWS_OK)
        return result_err("rest", rc, &e);
    o = result_ok("rest");
    json_object_object_add(o, "attempts", json_object_new_int(e.attempts));
    json_object_object_add(o, "body", resp);
    return o;
}

static json_object *cmd_query(int argc, char **argv)
{
    struct aws_client *c;
    struct aws_error e;
    struct aws_param params[MAX_PARAMS];
    size_t n = 0;
    xmlDoc *doc = NULL;
    xmlChar *xml = NULL;
    int len = 0, rc;
    json_object *o;

    if (argc < 4 || argc - 4 > MAX_PARAMS)
        return bad_usage("query", "query SERVICE ACTION VERSION [N=V...]");
    if (!(c = client_for(argv[1])))
        return bad_usage("query", "unknown service or bad configuration");
    for (int i = 4; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq)
            return bad_usage("query", "parameters are NAME=VALUE");
        *eq = '\0';
        params[n].name = argv[i];
        params[n].value = eq + 1;
        n++;
    }
    rc = aws_query_call(c, argv[2], argv[3], params, n, &doc, &e);
    if (rc != AWS_OK)
        return result_err("query", rc, &e);
    xmlDocDumpMemory(doc, &xml, &len);
    o = result_ok("query");
    json_object_object_add(o, "attempts", json_object_new_int(e.attempts));
    json_object_object_add(o, "body", json_object_new_string_len((const char *)xml, len));
    xmlFree(xml);
    xmlFreeDoc(doc);
    return o;
}

static json_object *cmd_s3(int argc, char **argv)
{
    struct aws_client *c;
    struct aws_error e;
    struct aws_http_response resp = {0};
    struct sigv4_header hdrs[MAX_HEADERS];
    char *hbuf[MAX_HEADERS];
    size_t nh = 0;
    const char *data = NULL, *payload_hash = NULL;
    json_object *o, *rh;
    int rc;

    if (argc < 4)
        return bad_usage("s3", "s3 METHOD BUCKET PATH [--data S] [--header 'N: v']");
    if (!(c = client_for("s3")))
        return bad_usage("s3", "bad configuration");
    for (int i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc) {
            data = argv[++i];
        } else if (!strcmp(argv[i], "--payload-hash") && i + 1 < argc) {
            payload_hash = argv[++i];
        } else if (!strcmp(argv[i], "--header") && i + 1 < argc && nh < MAX_HEADERS) {
            char *colon = strchr(argv[++i], ':');
            if (!colon)
                return bad_usage("s3", "--header 'Name: value'");
            hbuf[nh] = argv[i];
            *colon = '\0';
            hdrs[nh].name = hbuf[nh];
            hdrs[nh].value = colon + 1 + strspn(colon + 1, " ");
            nh++;
        } else {
            return bad_usage("s3", "unknown option");
        }
    }
    struct aws_request req = {
        .method = argv[1],
        .bucket = argv[2],
        .path = argv[3],
        .headers = hdrs,
        .n_headers = nh,
        .body = data,
        .body_len = data ? strlen(data) : 0,
        .payload_hash = payload_hash,
    };
    rc = aws_request(c, &req, &resp, &e);
    if (rc != AWS_OK) {
        o = result_err("s3", rc, &e);
    } else {
        o = result_ok("s3");
        json_object_object_add(o, "attempts", json_object_new_int(e.attempts));
    }
    json_object_object_add(o, "http_status", json_object_new_int(resp.status));
    rh = json_object_new_object();
    for (size_t i = 0; i < resp.headers.n; i++)
        json_object_object_add(rh, resp.headers.v[i].name,
                               json_object_new_string(resp.headers.v[i].value));
    json_object_object_add(o, "headers", rh);
    json_object_object_add(
        o, "body", json_object_new_string_len(resp.body ? resp.body : "", (int)resp.body_len));
    aws_http_response_free(&resp);
    return o;
}

static json_object *cmd_presign(int argc, char **argv)
{
    struct aws_client *c;
    struct aws_error e;
    char *url = NULL;
    json_object *o;
    int rc;

    if (argc != 6)
        return bad_usage("presign", "presign SERVICE METHOD BUCKET PATH SECONDS");
    if (!(c = client_for(argv[1])))
        return bad_usage("presign", "unknown service or bad configuration");
    rc = aws_presign(c, argv[2], argv[3], argv[4], (unsigned)strtoul(argv[5], NULL, 10), &url, &e);
    if (rc != AWS_OK)
        return result_err("presign", rc, &e);
    o = result_ok("presign");
    json_object_object_add(o, "url", json_object_new_string(url));
    free(url);
    return o;
}

static json_object *cmd_info(int argc, char **argv)
{
    struct aws_client *c;
    struct aws_error e;
    json_object *o;

    if (argc != 2)
        return bad_usage(argv[0], "COMMAND SERVICE");
    if (!(c = client_for(argv[1])))
        return bad_usage(argv[0], "unknown service or bad configuration");
    if (!strcmp(argv[0], "creds")) {
        const struct aws_creds *cr = NULL;
        int rc = aws_client_credentials(c, &cr, &e);
        if (rc != AWS_OK)
            return result_err("creds", rc, &e);
        o = result_ok("creds");
        /* The key id and where it came from; never the secret nor the token. */
        json_object_object_add(o, "source",
                               json_object_new_string(aws_creds_source_name(cr->source)));
        json_object_object_add(o, "access_key_id", json_object_new_string(cr->access_key_id));
        json_object_object_add(o, "has_token", json_object_new_boolean(cr->session_token[0]));
        json_object_object_add(o, "expiration", json_object_new_int64((int64_t)cr->expiration));
        json_object_object_add(o, "profile", json_object_new_string(cr->profile));
        return o;
    }
    if (!strcmp(argv[0], "endpoint")) {
        const struct aws_endpoint *ep = aws_client_endpoint(c);
        o = result_ok("endpoint");
        json_object_object_add(o, "url", json_object_new_string(ep->url));
        json_object_object_add(o, "overridden", json_object_new_boolean(ep->overridden));
        json_object_object_add(o, "source", json_object_new_string(ep->source));
        json_object_object_add(o, "region", json_object_new_string(aws_client_region(c)));
        json_object_object_add(o, "signing_name",
                               json_object_new_string(aws_client_service(c)->signing_name));
        return o;
    }
    struct aws_stats st;
    aws_stats_get(argv[1], &st);
    o = result_ok("stats");
    json_object_object_add(o, "calls", json_object_new_int64((int64_t)st.calls));
    json_object_object_add(o, "errors", json_object_new_int64((int64_t)st.errors));
    json_object_object_add(o, "retries", json_object_new_int64((int64_t)st.retries));
    json_object_object_add(o, "throttles", json_object_new_int64((int64_t)st.throttles));
    json_object_object_add(o, "latency_ms", json_object_new_int64((int64_t)st.latency_ms));
    return o;
}

static json_object *cmd_anonymous(int argc, char **argv)
{
    struct aws_client *c;

    if (argc != 3)
        return bad_usage("anonymous", "anonymous SERVICE 0|1");
    if (!(c = client_for(argv[1])))
        return bad_usage("anonymous", "unknown service or bad configuration");
    aws_client_set_anonymous(c, !strcmp(argv[2], "1"));
    return result_ok("anonymous");
}

static json_object *run(int argc, char **argv)
{
    const char *cmd = argv[0];

    if (!strcmp(cmd, "json"))
        return cmd_json(argc, argv);
    if (!strcmp(cmd, "rest"))
        return cmd_rest(argc, argv);
    if (!strcmp(cmd, "query"))
        return cmd_query(argc, argv);
    if (!strcmp(cmd, "s3"))
        return cmd_s3(argc, argv);
    if (!strcmp(cmd, "presign"))
        return cmd_presign(argc, argv);
    if (!strcmp(cmd, "anonymous"))
        return cmd_anonymous(argc, argv);
    if (!strcmp(cmd, "creds") || !strcmp(cmd, "endpoint") || !strcmp(cmd, "stats"))
        return cmd_info(argc, argv);
    return bad_usage(cmd, "unknown command");
}

int main(int argc, char **argv)
{
    int i = 1, status = 0;
    NEOERR *nerr;

    if (i < argc && !strcmp(argv[i], "--no-config")) {
        i++;
    } else {
        nerr = fc_config_load(&cfg, NULL);
        if (nerr) {
            nerr_log_error(nerr);
            nerr_ignore(&nerr);
            return 2;
        }
    }
    if (i >= argc) {
        usage();
        hdf_destroy(&cfg);
        return 2;
    }
    while (i < argc) {
        int j = i;
        while (j < argc && strcmp(argv[j], "+"))
            j++;
        if (j > i) {
            json_object *o = run(j - i, argv + i);
            json_object *ok;
            if (json_object_object_get_ex(o, "ok", &ok) && !json_object_get_boolean(ok))
                status = 1;
            puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
            fflush(stdout);
            json_object_put(o);
        }
        i = j + 1;
    }
    for (int k = 0; k < AWS_SVC_COUNT; k++)
        aws_client_free(clients[k]);
    hdf_destroy(&cfg);
    return status;
}
