#!/usr/bin/env python3
"""aws_faults.t - forkcast's AWS client (cgi/aws/, driven by build/asan/t/aws_tool) against
t/lib/fault_server.py, a loopback server answering scripted faults: 500, 503, throttling
(JSON and XML), a hang past the client timeout, then success; checks the number of attempts,
that every attempt is signed again (valid signature, fresh X-Amz-Date, attempt counter), the
typed error after the attempt cap, no retry of a plain 400, connection reuse, and the
credentials chain end to end: IMDSv2 (cache and refresh) and a shared credentials file.
Prints TAP."""
import calendar
import os
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from fault_server import (FaultServer, clean_env, hang, json_error, run_tool,  # noqa: E402
                          sigv4_check, tool_path, xml_step)
from fcserver import TAP  # noqa: E402

AKID = "AKIDFAULTTEST"
SECRET = "fault/secret+KEY0123456789abcdefghijklm"
ITEM = '{"Item":{"pk":{"S":"restaurant#42"},"name":{"S":"Chez Fork"}}}'
GET_ITEM = ["json", "dynamodb", "DynamoDB_20120810.GetItem",
            '{"TableName":"forkcast","Key":{"pk":{"S":"restaurant#42"}}}']

try:
    import botocore  # noqa: F401
    HAVE_BOTOCORE = True
except ImportError:
    HAVE_BOTOCORE = False

t = TAP()


def env_for(srv, **extra):
    e = {"AWS_ACCESS_KEY_ID": AKID, "AWS_SECRET_ACCESS_KEY": SECRET,
         "AWS_ENDPOINT_URL": srv.url,
         # shrink the backoff so the test is quick (keys read by aws_config_int)
         "FORKCAST_AWS_RETRY_BASEMS": "10", "FORKCAST_AWS_RETRY_CAPMS": "40",
         "FORKCAST_AWS_TIMEOUT_CONNECTMS": "1000", "FORKCAST_AWS_TIMEOUT_TOTALMS": "1500"}
    e.update(extra)
    return clean_env(e)


def sig_problems(srv, secret=SECRET, s3=False):
    if not HAVE_BOTOCORE:
        return ["botocore not importable (python3-botocore): cannot verify signatures"]
    out = []
    for r in srv.requests:
        p = sigv4_check(r, secret, srv.url, s3=s3)
        if p:
            out.append("request %d: %s" % (r["n"], p))
    return out


def amz_date_epoch(s):
    return calendar.timegm(time.strptime(s, "%Y%m%dT%H%M%SZ"))


def main():
    if not os.access(tool_path(), os.X_OK):
        t.ok(False, "aws_tool built", "missing %s: run make asan" % tool_path())
        return
    srv = FaultServer()
    try:
        scenarios(srv)
    finally:
        srv.stop()


def scenarios(srv):
    # 1. Every kind of retryable fault in a row, then success.
    srv.reset([
        json_error(500, "InternalServerError", "Internal server error"),
        {"status": 503, "body": ""},
        json_error(400, "ThrottlingException", "Rate exceeded"),
        json_error(400, "ProvisionedThroughputExceededException", "Throughput exceeded"),
        hang(3.0),
        {"status": 200, "headers": {"Content-Type": "application/x-amz-json-1.0"},
         "body": ITEM},
    ])
    res, rc, err, took = run_tool(GET_ITEM + ["+", "stats", "dynamodb"],
                                  env_for(srv, FORKCAST_AWS_RETRY_MAXATTEMPTS="6"))
    r = res[0] if res else {}
    t.ok(rc == 0 and r.get("ok") and r.get("attempts") == 6
         and r.get("body", {}).get("Item", {}).get("name") == {"S": "Chez Fork"},
         "500, 503, Throttling, ProvisionedThroughputExceeded, hang: retried to success "
         "on the 6th attempt", "%s\n%s" % (res, err))
    reqs = srv.requests
    t.ok(len(reqs) == 6 and all(q["method"] == "POST" and q["path"] == "/" and
                                q["headers"].get("X-Amz-Target") == "DynamoDB_20120810.GetItem"
                                for q in reqs),
         "the server saw exactly 6 requests, all the same call",
         [(q["method"], q["path"]) for q in reqs])
    t.ok([q["headers"].get("amz-sdk-request") for q in reqs]
         == ["attempt=%d; max=6" % i for i in range(1, 7)],
         "each attempt carries its number (amz-sdk-request)",
         [q["headers"].get("amz-sdk-request") for q in reqs])
    probs = sig_problems(srv)
    sigs = [q["headers"].get("Authorization", "").rsplit("Signature=", 1)[-1] for q in reqs]
    t.ok(not probs and len(set(sigs)) == 6,
         "every attempt is signed again: 6 valid, distinct signatures", "\n".join(probs))
    skew = [q["time"] - amz_date_epoch(q["headers"].get("X-Amz-Date", "19700101T000000Z"))
            for q in reqs]
    t.ok(all(-0.1 <= s < 1.3 for s in skew),
         "every attempt has a fresh X-Amz-Date (signed when sent, even after the 1.5 s "
         "timeout)", skew)
    t.ok(len({q["client_port"] for q in reqs[:5]}) == 1 and reqs[5]["client_port"]
         != reqs[4]["client_port"],
         "one connection reused for attempts 1-5; a new one after the timeout",
         [q["client_port"] for q in reqs])
    st = res[1] if len(res) > 1 else {}
    t.ok(st.get("calls") == 1 and st.get("retries") == 5 and st.get("throttles") == 2
         and st.get("errors") == 0 and st.get("latency_ms", 0) >= 1500,
         "counters: 1 call, 5 retries, 2 throttles, 0 errors, latency includes the hang", st)
    t.ok(took < 8, "backoff stays small with AWS.Retry.BaseMs=10 (%.1f s)" % took)

    # 2. The cap: default 4 attempts, then a typed error from the last answer.
    srv.reset([json_error(500, "InternalServerError", "Internal server error")] * 5
              + [{"status": 200, "body": "{}"}])
    res, rc, err, took = run_tool(GET_ITEM, env_for(srv))
    r = res[0] if res else {}
    t.ok(rc == 1 and not r.get("ok") and r.get("attempts") == 4 and len(srv.requests) == 4,
         "gives up after the default cap of 4 attempts", "%s\n%s" % (res, err))
    t.ok(r.get("rc") == -2 and r.get("status") == 500 and r.get("code") == "InternalServerError"
         and r.get("message") == "Internal server error"
         and r.get("request_id") == "FAULT-500-InternalServerError"
         and r.get("retryable") is True and r.get("transport") is False,
         "typed error: status, code, message, request id", r)

    # 3. A plain 400 is not retried.
    srv.reset([json_error(400, "ValidationException",
                          "One or more parameter values were invalid"),
               {"status": 200, "body": ITEM}])
    res, rc, err, took = run_tool(GET_ITEM, env_for(srv))
    r = res[0] if res else {}
    t.ok(rc == 1 and len(srv.requests) == 1 and r.get("attempts") == 1
         and r.get("code") == "ValidationException" and r.get("status") == 400
         and r.get("message") == "One or more parameter values were invalid"
         and r.get("retryable") is False,
         "400 ValidationException: no retry, typed error", "%s\n%s" % (res, err))

    # 4. Timeouts only: a transport error after the cap, quickly.
    srv.reset([hang(3.0)] * 3)
    res, rc, err, took = run_tool(GET_ITEM, env_for(srv, FORKCAST_AWS_RETRY_MAXATTEMPTS="2",
                                                     FORKCAST_AWS_TIMEOUT_TOTALMS="400"))
    r = res[0] if res else {}
    t.ok(rc == 1 and r.get("code") == "Timeout" and r.get("transport") is True
         and r.get("rc") == -3 and r.get("attempts") == 2 and r.get("status") == 0
         and len(srv.requests) == 2 and took < 2.5,
         "hangs: Timeout transport error after 2 attempts of 400 ms (%.1f s)" % took,
         "%s\n%s" % (res, err))

    # 5. S3 (REST-XML): SlowDown is retried; NoSuchKey is typed from the XML.
    srv.reset([xml_step(503, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown"
                             "</Code><Message>Please reduce your request rate.</Message>"
                             "<RequestId>S3SLOW</RequestId></Error>"),
               {"status": 200, "headers": {"Content-Type": "text/plain"}, "body": "morels"}])
    res, rc, err, took = run_tool(["s3", "GET", "forkcast-media", "/menus/spring%20menu.txt"],
                                  env_for(srv))
    r = res[0] if res else {}
    reqs = srv.requests
    t.ok(rc == 0 and r.get("body") == "morels" and len(reqs) == 2
         and reqs[0]["path"] == "/forkcast-media/menus/spring%20menu.txt",
         "S3 503 SlowDown retried; path-style URL on an overridden endpoint",
         "%s\n%s\n%s" % (res, err, [q["path"] for q in reqs]))
    probs = sig_problems(srv, s3=True)
    t.ok(not probs and all(q["headers"].get("x-amz-content-sha256") ==
                           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                           for q in reqs),
         "S3 requests carry x-amz-content-sha256 and a valid S3 signature", "\n".join(probs))
    srv.reset([xml_step(404, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey"
                             "</Code><Message>The specified key does not exist.</Message>"
                             "<Key>nope</Key><RequestId>S3REQ404</RequestId></Error>")])
    res, rc, err, took = run_tool(["s3", "GET", "forkcast-media", "/nope"], env_for(srv))
    r = res[0] if res else {}
    t.ok(rc == 1 and r.get("code") == "NoSuchKey" and r.get("status") == 404
         and r.get("message") == "The specified key does not exist."
         and r.get("request_id") == "S3REQ404" and len(srv.requests) == 1,
         "S3 404 NoSuchKey: typed from the XML body, not retried", r)

    # 6. EC2 (query): RequestLimitExceeded as 503 and as 400 is retried; form body.
    ec2_throttle = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>"
                    "RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>"
                    "</Error></Errors><RequestID>EC2REQ</RequestID></Response>")
    srv.reset([xml_step(503, ec2_throttle), xml_step(400, ec2_throttle),
               xml_step(200, "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/"
                             "2016-11-15/\"><requestId>ok</requestId><reservationSet/>"
                             "</DescribeInstancesResponse>")])
    res, rc, err, took = run_tool(["query", "ec2", "DescribeInstances", "2016-11-15",
                                   "Filter.1.Name=instance-state-name",
                                   "Filter.1.Value.1=running"], env_for(srv))
    r = res[0] if res else {}
    reqs = srv.requests
    t.ok(rc == 0 and r.get("attempts") == 3 and "DescribeInstancesResponse" in r.get("body", "")
         and all(q["body"] == b"Action=DescribeInstances&Version=2016-11-15&Filter.1.Name="
                              b"instance-state-name&Filter.1.Value.1=running" for q in reqs)
         and not sig_problems(srv),
         "EC2 RequestLimitExceeded (503 and 400) retried; form-encoded, signed body",
         "%s\n%s" % (res, [q["body"] for q in reqs]))
    srv.reset([xml_step(400, "<Response><Errors><Error><Code>InvalidInstanceID.Malformed</Code>"
                             "<Message>Invalid id: \"i-x\"</Message></Error></Errors>"
                             "<RequestID>EC2BAD</RequestID></Response>")])
    res, rc, err, took = run_tool(["query", "ec2", "DescribeInstances", "2016-11-15",
                                   "InstanceId.1=i-x"], env_for(srv))
    r = res[0] if res else {}
    t.ok(rc == 1 and r.get("code") == "InvalidInstanceID.Malformed"
         and r.get("message") == 'Invalid id: "i-x"' and r.get("request_id") == "EC2BAD"
         and len(srv.requests) == 1,
         "EC2 error typed from <Response><Errors><Error>, not retried", r)

    imds_scenarios(srv)
    files_scenario(srv)


def imds_scenarios(srv):
    imds_conf = {"token": "IMDS-SESSION-TOKEN-1", "role": "forkcast-web",
                 "access_key_id": "ASIAIMDSEXAMPLE", "secret_access_key": "imds/secret+key",
                 "session_token": "IQoJb3JpZ2luX2VjEIMDS//token==", "expires_in": 3600}
    imds = FaultServer(imds=dict(imds_conf))
    try:
        def imds_env(**extra):
            e = env_for(srv, AWS_EC2_METADATA_DISABLED=None,
                        AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.url + "/")
            e.pop("AWS_ACCESS_KEY_ID")
            e.pop("AWS_SECRET_ACCESS_KEY")
            e.update(extra)
            return e

        # Credentials from IMDSv2, used to sign; fetched once for two calls.
        srv.reset([{"status": 200, "body": "{}"}] * 2)
        res, rc, err, took = run_tool(["json", "dynamodb", "DynamoDB_20120810.ListTables", "+",
                                       "json", "dynamodb", "DynamoDB_20120810.ListTables", "+",
                                       "creds", "dynamodb"], imds_env())
        cr = res[2] if len(res) > 2 else {}
        t.ok(rc == 0 and cr.get("source") == "imds" and cr.get("access_key_id") ==
             "ASIAIMDSEXAMPLE" and cr.get("has_token") is True,
             "no env or file credentials: taken from the instance metadata service",
             "%s\n%s" % (res, err))
        paths = [(q["method"], q["path"]) for q in imds.requests]
        t.ok(paths == [("PUT", "/latest/api/token"),
                       ("GET", "/latest/meta-data/iam/security-credentials/"),
                       ("GET", "/latest/meta-data/iam/security-credentials/forkcast-web")]
             and imds.requests[0]["headers"].get("X-aws-ec2-metadata-token-ttl-seconds")
             and all(q["headers"].get("X-aws-ec2-metadata-token") == "IMDS-SESSION-TOKEN-1"
                     for q in imds.requests[1:]),
             "IMDSv2 flow: token PUT, role, credentials, with the token; once for 2 calls "
             "(cached)", paths)
        probs = sig_problems(srv, secret="imds/secret+key")
        t.ok(len(srv.requests) == 2 and not probs and all(
            q["headers"].get("X-Amz-Security-Token") == imds_conf["session_token"]
            for q in srv.requests),
            "requests signed with the IMDS secret and carry its session token",
            "\n".join(probs))

        # Credentials expiring within 5 minutes are fetched again before each use.
        imds.reset(imds=dict(imds_conf, expires_in=240))
        srv.reset([{"status": 200, "body": "{}"}] * 2)
        res, rc, err, took = run_tool(["json", "dynamodb", "DynamoDB_20120810.ListTables", "+",
                                       "json", "dynamodb", "DynamoDB_20120810.ListTables"],
                                      imds_env())
        creds_gets = [q for q in imds.requests if q["path"].endswith("/forkcast-web")]
        t.ok(rc == 0 and len(creds_gets) == 2,
             "credentials expiring in 4 minutes are refreshed (margin 5 minutes)",
             "%s\n%s" % (res, [q["path"] for q in imds.requests]))

        # Disabled: no request to IMDS, a typed NoCredentials error, no HTTP call.
        imds.reset(imds=dict(imds_conf))
        srv.reset([])
        res, rc, err, took = run_tool(GET_ITEM, imds_env(AWS_EC2_METADATA_DISABLED="true"))
        r = res[0] if res else {}
        t.ok(rc == 1 and r.get("code") == "NoCredentials" and r.get("rc") == -4
             and not imds.requests and not srv.requests,
             "AWS_EC2_METADATA_DISABLED=true: NoCredentials, IMDS never asked", r)

        # A hanging IMDS costs about its 1 s timeout, not more.
        imds.reset(imds=dict(imds_conf, delay=5))
        res, rc, err, took = run_tool(["creds", "dynamodb"], imds_env())
        r = res[0] if res else {}
        t.ok(rc == 1 and r.get("code") == "NoCredentials" and took < 3,
             "a hanging metadata service gives up after its 1 s timeout (%.1f s)" % took, r)
    finally:
        imds.stop()


def files_scenario(srv):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "credentials")
        with open(path, "w") as f:
            f.write("[default]\naws_access_key_id = AKIADEFAULTFILE\n"
                    "aws_secret_access_key = default-secret\n\n"
                    "[forkcast-dev]\naws_access_key_id = AKIAFILEPROFILE\n"
                    "aws_secret_access_key = file/profile+secret\n")
        srv.reset([{"status": 200, "body": "{}"}])
        e = env_for(srv, AWS_SHARED_CREDENTIALS_FILE=path, AWS_PROFILE="forkcast-dev")
        e.pop("AWS_ACCESS_KEY_ID")
        e.pop("AWS_SECRET_ACCESS_KEY")
        res, rc, err, took = run_tool(["json", "dynamodb", "DynamoDB_20120810.ListTables"], e)
        probs = sig_problems(srv, secret="file/profile+secret")
        auth = srv.requests[0]["headers"].get("Authorization", "") if srv.requests else ""
        t.ok(rc == 0 and "Credential=AKIAFILEPROFILE/" in auth and not probs,
             "AWS_SHARED_CREDENTIALS_FILE + AWS_PROFILE: signed with that profile's keys",
             "%s\n%s\n%s" % (res, auth, probs))


try:
    main()
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
t.done()
