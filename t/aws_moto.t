#!/usr/bin/env python3
"""aws_moto.t - forkcast's AWS client (cgi/aws/, driven by build/asan/t/aws_tool) against
moto's server with signature checking on (t/lib/moto_server.py): DynamoDB CreateTable,
PutItem, GetItem, Query; EC2 RunInstances and DescribeInstances; S3 bucket, PUT and GET of
an object; Cognito (awsJson 1.1). With the right keys everything must work and read back
what was written; with a wrong secret or an unknown key each service must refuse with the
code moto sends (SignatureDoesNotMatch, AuthFailure, InvalidClientTokenId,
InvalidAccessKeyId). The aws CLI, if installed, reads back an item our client wrote.
Prints TAP; skipped when moto is not importable."""
import json
import os
import shutil
import subprocess
import sys
import traceback
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from moto_server import MotoServer, moto_available  # noqa: E402

why = moto_available()
if why:
    print("1..0 # SKIP moto not installed (%s)" % why)
    sys.exit(0)

from fault_server import clean_env, run_tool, tool_path  # noqa: E402
from fcserver import TAP  # noqa: E402

TABLE = "forkcast-moto"
BUCKET = "forkcast-moto-media"
KEY_PATH = "/menus/spring%20menu.txt"  # key "menus/spring menu.txt"
MENU = "Spring menu: asparagus, morels, rhubarb tart. Crème brûlée 7€\n"
ITEM1 = {"pk": {"S": "restaurant#42"}, "sk": {"S": "review#0001"},
         "text": {"S": "Crème brûlée to die for"}, "stars": {"N": "5"}}
ITEM2 = {"pk": {"S": "restaurant#42"}, "sk": {"S": "review#0002"},
         "text": {"S": "Slow service"}, "stars": {"N": "2"}}


def ec2_xml(text):
    """Parses an EC2 answer with the namespace dropped (moto and AWS differ by a '/')."""
    root = ET.fromstring(text)
    for el in root.iter():
        el.tag = el.tag.rsplit("}", 1)[-1]
    return root

t = TAP()


def tool(moto, args, secret=None, akid=None):
    env = clean_env({"AWS_ACCESS_KEY_ID": akid or moto.access_key_id,
                     "AWS_SECRET_ACCESS_KEY": secret or moto.secret_access_key,
                     "AWS_ENDPOINT_URL": moto.url,
                     # a loaded machine makes moto slow: a client-side timeout would retry the
                     # call, and moto (unlike EC2) ignores ClientToken, so RunInstances launched
                     # twice now and then
                     "FORKCAST_AWS_TIMEOUT_TOTALMS": "60000",
                     "FORKCAST_AWS_TIMEOUT_CALLMS": "120000"})
    res, rc, err, _ = run_tool(args, env)
    return res, rc, err


def one(moto, args, **kw):
    res, rc, err = tool(moto, args, **kw)
    return (res[0] if res else {"ok": False, "stderr": err}), rc


def ddb(target, body):
    return ["json", "dynamodb", "DynamoDB_20120810." + target, json.dumps(body)]


def check_valid_keys(moto):
    r, rc = one(moto, ddb("CreateTable", {
        "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                      {"AttributeName": "sk", "KeyType": "RANGE"}]}))
    t.ok(rc == 0 and r.get("body", {}).get("TableDescription", {}).get("TableName") == TABLE,
         "DynamoDB CreateTable with valid keys", r)

    res, rc, err = tool(moto, ddb("PutItem", {"TableName": TABLE, "Item": ITEM1}) + ["+"]
                        + ddb("PutItem", {"TableName": TABLE, "Item": ITEM2}))
    t.ok(rc == 0 and len(res) == 2 and all(x.get("ok") for x in res),
         "DynamoDB PutItem x2", "%s\n%s" % (res, err))

    r, rc = one(moto, ddb("GetItem", {"TableName": TABLE, "Key": {
        "pk": ITEM1["pk"], "sk": ITEM1["sk"]}, "ConsistentRead": True}))
    t.ok(rc == 0 and r.get("body", {}).get("Item") == ITEM1,
         "DynamoDB GetItem reads back the item written (UTF-8 intact)", r)

    r, rc = one(moto, ddb("Query", {
        "TableName": TABLE, "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
        "ExpressionAttributeValues": {":p": {"S": "restaurant#42"}, ":s": {"S": "review#"}},
        "ScanIndexForward": False}))
    items = r.get("body", {}).get("Items", [])
    t.ok(rc == 0 and r.get("body", {}).get("Count") == 2 and items == [ITEM2, ITEM1],
         "DynamoDB Query returns both items, newest first", r)

    r, rc = one(moto, ["query", "ec2", "RunInstances", "2016-11-15", "ImageId=ami-12c6146b",
                       "MinCount=1", "MaxCount=1", "InstanceType=t3.micro",
                       # as forkcast's own launches do (EC2 launches once per token)
                       "ClientToken=aws-moto-t-%d" % os.getpid(),
                       "TagSpecification.1.ResourceType=instance",
                       "TagSpecification.1.Tag.1.Key=Name",
                       "TagSpecification.1.Tag.1.Value=forkcast web & api"])
    iid = None
    if r.get("ok"):
        iid = ec2_xml(r["body"]).findtext("./instancesSet/item/instanceId")
    t.ok(rc == 0 and iid and iid.startswith("i-"), "EC2 RunInstances (query API)", r)

    r, rc = one(moto, ["query", "ec2", "DescribeInstances", "2016-11-15",
                       "Filter.1.Name=tag:Name", "Filter.1.Value.1=forkcast web & api"])
    found = []
    if r.get("ok"):
        found = [e.text for e in ec2_xml(r["body"]).findall(
            "./reservationSet/item/instancesSet/item/instanceId")]
    t.ok(rc == 0 and found == [iid],
         "EC2 DescribeInstances filtered by tag finds that instance", r)

    res, rc, err = tool(moto, ["s3", "PUT", BUCKET, "/", "+",
                               "s3", "PUT", BUCKET, KEY_PATH, "--data", MENU,
                               "--header", "Content-Type: text/plain; charset=utf-8", "+",
                               "s3", "GET", BUCKET, KEY_PATH])
    get = res[2] if len(res) > 2 else {}
    ctype = {k.lower(): v for k, v in get.get("headers", {}).items()}.get("content-type", "")
    t.ok(rc == 0 and len(res) == 3 and get.get("body") == MENU
         and ctype.startswith("text/plain"),
         "S3 create bucket, PUT object, GET it back (path-style on the override)",
         "%s\n%s" % (res, err))

    r, rc = one(moto, ["s3", "HEAD", BUCKET, "/no-such-key"])
    t.ok(rc == 1 and r.get("status") == 404 and r.get("code") == "NotFound",
         "S3 HEAD of a missing key: 404 NotFound", r)

    r, rc = one(moto, ["json", "cognito-idp", "AWSCognitoIdentityProviderService.CreateUserPool",
                       '{"PoolName":"forkcast-users"}'])
    pool = r.get("body", {}).get("UserPool", {}).get("Id")
    r2, rc2 = one(moto, ["json", "cognito-idp",
                         "AWSCognitoIdentityProviderService.ListUserPools", '{"MaxResults":10}'])
    t.ok(rc == 0 and rc2 == 0 and pool and
         [p.get("Id") for p in r2.get("body", {}).get("UserPools", [])] == [pool],
         "Cognito CreateUserPool + ListUserPools (awsJson 1.1)", "%s\n%s" % (r, r2))

    # Cognito's public operations go unsigned (no credentials needed).
    r, rc = one(moto, ["json", "cognito-idp",
                       "AWSCognitoIdentityProviderService.CreateUserPoolClient",
                       json.dumps({"UserPoolId": pool or "none", "ClientName": "web"})])
    client_id = r.get("body", {}).get("UserPoolClient", {}).get("ClientId")
    res, rc, err = tool(moto, ["anonymous", "cognito-idp", "1", "+", "json", "cognito-idp",
                               "AWSCognitoIdentityProviderService.SignUp",
                               json.dumps({"ClientId": client_id or "none", "Username": "ana",
                                           "Password": "Tacos-al-pastor-1"})],
                        akid="-", secret="-")
    t.ok(rc == 0 and client_id and len(res) == 2 and res[1].get("body", {}).get("UserSub"),
         "Cognito SignUp sent anonymously (unsigned) is accepted", "%s\n%s\n%s" % (r, res, err))


def check_aws_cli(moto):
    cli = "/usr/bin/aws" if os.access("/usr/bin/aws", os.X_OK) else shutil.which("aws")
    name = "aws CLI reads back the item our client wrote"
    if not cli:
        t.ok(True, name + " # SKIP no aws CLI")
        return
    env = clean_env({"AWS_ACCESS_KEY_ID": moto.access_key_id,
                     "AWS_SECRET_ACCESS_KEY": moto.secret_access_key,
                     "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": ""})
    p = subprocess.run([cli, "--endpoint-url", moto.url, "--output", "json", "dynamodb",
                        "get-item", "--table-name", TABLE, "--consistent-read", "--key",
                        json.dumps({"pk": ITEM1["pk"], "sk": ITEM1["sk"]})],
                       env=env, capture_output=True, timeout=120)
    try:
        item = json.loads(p.stdout.decode()).get("Item")
    except ValueError:
        item = None
    t.ok(p.returncode == 0 and item == ITEM1, name,
         "%s\n%s" % (p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")))


def check_bad_keys(moto):
    bad = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYWRONGSECRET"
    get1 = ddb("GetItem", {"TableName": TABLE, "Key": {"pk": ITEM1["pk"], "sk": ITEM1["sk"]}})
    cases = [
        ("DynamoDB", get1, 403, "SignatureDoesNotMatch"),
        ("EC2", ["query", "ec2", "DescribeInstances", "2016-11-15"], 401, "AuthFailure"),
        ("S3", ["s3", "GET", BUCKET, KEY_PATH], 403, "SignatureDoesNotMatch"),
        ("Cognito", ["json", "cognito-idp", "AWSCognitoIdentityProviderService.ListUserPools",
                     '{"MaxResults":10}'], 403, "SignatureDoesNotMatch"),
    ]
    for svc, args, status, code in cases:
        r, rc = one(moto, args, secret=bad)
        t.ok(rc == 1 and r.get("code") == code and r.get("status") == status
             and r.get("attempts") == 1 and r.get("retryable") is False,
             "%s with a wrong secret: %d %s, not retried" % (svc, status, code), r)
    cases = [
        ("DynamoDB", get1, 403, "InvalidClientTokenId"),
        ("EC2", ["query", "ec2", "DescribeInstances", "2016-11-15"], 401, "AuthFailure"),
        ("S3", ["s3", "GET", BUCKET, KEY_PATH], 403, "InvalidAccessKeyId"),
    ]
    for svc, args, status, code in cases:
        r, rc = one(moto, args, akid="AKIAUNKNOWNKEY000000")
        t.ok(rc == 1 and r.get("code") == code and r.get("status") == status,
             "%s with an unknown access key: %d %s" % (svc, status, code), r)


def main():
    if not os.access(tool_path(), os.X_OK):
        t.ok(False, "aws_tool built", "missing %s: run make asan" % tool_path())
        return
    moto = MotoServer()
    try:
        t.ok(moto.access_key_id.startswith("AKIA"),
             "moto started with authentication on; IAM user and key created")
        check_valid_keys(moto)
        check_aws_cli(moto)
        check_bad_keys(moto)
        # Still enforcing after all that (the no-auth allowance was spent on setup only).
        r, rc = one(moto, ["json", "dynamodb", "DynamoDB_20120810.ListTables"], secret="x")
        t.ok(r.get("code") == "SignatureDoesNotMatch", "moto still enforces signatures", r)
    except Exception:
        t.ok(False, "no exception", traceback.format_exc() + "\nmoto log:\n" + moto.logtext())
    finally:
        moto.stop()


try:
    main()
except Exception:
    t.ok(False, "moto server started", traceback.format_exc())
t.done()
