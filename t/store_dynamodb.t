#!/usr/bin/env python3
"""store_dynamodb.t - the DynamoDB store against dynalite (t/lib/dynalite.py): `forkcast
dynamodb create-tables` (idempotent, indexes, TTL), the store contract suite
(build/asan/t/test_store) with FORKCAST_STORE_BACKEND=dynamodb, the randomized SQLite/DynamoDB
parity suite (build/asan/t/test_dynamodb), `forkcast dynamodb copy` both ways (every table,
derived items, refusing a non-empty target without --force), import-uci straight into
DynamoDB giving what it gives on SQLite, TTL expiry of sessions and log-in failures, rebuilding
the feeds and the photo items, and the wire format checked with the aws CLI: items forkcast wrote read with `aws
dynamodb get-item`/`query`, items `aws` wrote read by forkcast. Prints TAP."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "lib"))
from dynalite import Dynalite, available  # noqa: E402
from fcserver import TAP  # noqa: E402
from suites import finish  # noqa: E402

t = TAP()
CLI = os.path.join(ROOT, "build", "asan", "forkcast")
TMP = tempfile.mkdtemp(prefix="fc-dyn-")
DEMO = os.path.join(ROOT, "data", "uci-restaurant-consumer")


def base_env(dl, table):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and not k.startswith("FORKCAST_")}
    env.update(dl.env(table))
    env.update({
        "FORKCAST_CONFIG": os.path.join(ROOT, "conf", "forkcast.hdf"),
        "FORKCAST_DATA_DIR": TMP,
        "FORKCAST_AUTH_SCRYPT_LOGN": "10",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent",
        "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0",
        "CMOCKA_MESSAGE_OUTPUT": "TAP",
    })
    return env


def forkcast(env, *args, **extra):
    e = dict(env)
    e.update(extra)
    return subprocess.run([CLI] + list(args), env=e, capture_output=True, text=True,
                          timeout=900, cwd=ROOT)


def aws_cli():
    for c in ("/usr/bin/aws", shutil.which("aws")):
        if c and os.access(c, os.X_OK):
            return c
    return None


def aws(env, *args):
    p = subprocess.run([aws_cli(), "--endpoint-url", env["AWS_ENDPOINT_URL_DYNAMODB"],
                        "--output", "json", "dynamodb"] + list(args),
                       env=env, capture_output=True, text=True, timeout=120)
    try:
        return p.returncode, json.loads(p.stdout or "{}"), p.stderr
    except ValueError:
        return p.returncode, {}, p.stdout + p.stderr


def relay(name, p):
    """Repeats the TAP lines of a cmocka suite; one more test for its exit status."""
    n = 0
    for line in p.stdout.splitlines():
        m = re.match(r"^(not ok|ok) \d+ - (.*)$", line)
        if m:
            n += 1
            t.ok(m.group(1) == "ok", "%s: %s" % (name, m.group(2)),
                 "\n".join(x for x in p.stdout.splitlines() if x.startswith("#"))[:3000] + "\n"
                 + p.stderr[-3000:])
    t.ok(p.returncode == 0 and n > 0, "%s: %d tests, exit %d" % (name, n, p.returncode),
         p.stderr[-3000:])
    return n


def items(dl, table, prefix=None):
    return [i for i in dl.scan_all(table)
            if prefix is None or i["pk"]["S"].startswith(prefix)]


# ---- the fixture: a SQLite store with rows in every table ---------------------------------------

FIXTURE = {
    # the last column: saves_private (sql/015_saves_private.sql)
    "users": [
        (1, "ana", "ana@example.com", "h1", None, "Ana", "bio 1", "Cuernavaca", "Mexican", "low",
         "public", 1, 0, 1700000001, None, 0),
        (2, "Bea", "bea@Example.com", "h2", "x:2", "Bea Ü", "", "San Luis Potosi", "", "",
         "friends", 0, 0, 1700000002, "cognito:sub-bea", 1),
        (3, "cy", "cy@example.com", "h3", None, "Cy", "", "", "Japanese,Bar", "high", "public",
         0, 1, 1700000003, None, 0),
        (4, "dee", "dee@example.com", "h4", None, "", "", "", "", "", "public", 0, 0, 1700000004,
         None, 0),
    ],
    "restaurants": [
        (1, "t:1", "Taqueria Uno", "Calle 1", "Cuernavaca", "Morelos", "Mexico", 18.91, -99.23,
         "low", "Mexican, Bar", "Mon-Fri 08:00-21:00", "No_Alcohol_Served", "none", ""),
        (2, "t:2", "Sushi Dos", "", "San Luis Potosi", "", "", None, None, "high", "Japanese",
         "", "", "", "http://sushi.example"),
        (3, "t:3", "Café 50%", "", "", "", "", 22.1, -100.9, "", "", "", "", "", ""),
    ],
    "friendships": [(1, 2, 1700000100), (2, 1, 1700000100), (2, 3, 1700000200),
                    (3, 2, 1700000200)],
    "friend_requests": [(1, 3, 1700000300)],
    "blocks": [(4, 1, 1700000400)],
    "reviews": [(10, 2, 1, 5, "Great tacos", "/photos/%064d.jpg" % 1, 1700001000, 1700001000,
                 "2023-10"),
                (11, 3, 1, 2, "meh", "", 1700001100, 1700001200, ""),
                (12, 1, 2, 4, "Fresh", "", 1700001300, 1700001300, "")],
    # with the owner's private note (sql/014_save_notes.sql), "" for none
    "saves": [(20, 3, 2, 1700002000, "ask for the window table"), (21, 1, 3, 1700002100, "")],
    # conversation (sql/011_talk.sql): likes, comments, notifications, the last one seen
    "likes": [(10, 1, 1700004000), (10, 3, 1700004100), (12, 2, 1700004200)],
    "comments": [(60, 10, 1, 1, "Agreed!", 1700004300), (61, 10, 1, 3, "Really?", 1700004400)],
    "notes": [(70, 2, 1, 1, 10, 1, 0, 1700004000), (71, 2, 1, 2, 10, 1, 60, 1700004300),
              (72, 3, 1, 3, 0, 0, 0, 1700000300)],
    "notes_seen": [(2, 70)],
    "events": [(30, 1, 1, "view", 1.0, 1700003000), (31, 1, 1, "view", 1.0, 1700003100),
               (32, 2, 1, "review", 5.0, 1700001000), (33, 3, 2, "save", 1.0, 1700002000)],
    "sessions": [("a" * 64, 1, 1700000000, 1700000500), ("b" * 64, 2, 0, 0)],
    "session_tokens": [("a" * 64, "sealed-tokens", 1700003600, 1700000500)],
    "login_failures": [("user:ana", 1700000000), ("addr:127.0.0.1", 1700000001)],
    "metrics_requests": [tuple([28333333, "/feed", 200, 7, 21.5, 9.25] + [0] * 3 + [4, 3]
                               + [0] * 35)],
    "metrics_counters": [(28333333, "rec.fallback", 2)],
    "jobs": [(40, "ec2.follow", "ec2:i-1", "running", '{"id":"i-1"}', "{}", "", 1, 0, 2,
              1700000000000, "w1", 1700000060000, 1700000000, 1700000001, 0),
             (41, "s3.backup", None, "done", "{}", '{"n":3}', "ok", 0, 5, 1, 1700000000000, "",
              0, 1700000000, 1700000100, 1700000100)],
    "ec2_instances": [("i-1", "web", "ami-1", "t3.micro", "running", "1.2.3.4", "10.0.0.1",
                       "subnet-1", "2024-01-01T00:00:00Z", "tok", "ready", "up", 1, 1700000000,
                       1700000100)],
    "ec2_instance_events": [(50, "i-1", "pending", "launched", 1700000000000),
                            (51, "i-1", "running", "1.2.3.4", 1700000050000)],
    "avatars": [(2, "%064d.png" % 7, 1700000600)],
}
# feed entries the copy must derive: each review and save in every friend's feed
FEED_ENTRIES = 6  # u2's review -> u1, u3; u3's review -> u2; u1's review -> u2; saves -> u2, u2
# photo items the copy must derive: which review carries each photo
PHOTO_ITEMS = [("PHOTO#/photos/%064d.jpg" % 1, "R#0000000010")]


def make_fixture(env, path):
    p = forkcast(env, "migrate", FORKCAST_STORE_SQLITE_PATH=path)
    if p.returncode:
        raise RuntimeError(p.stderr)
    db = sqlite3.connect(path)
    with db:
        for table, rows in FIXTURE.items():
            for row in rows:
                db.execute("INSERT INTO %s VALUES (%s)" % (table, ",".join("?" * len(row))), row)
        for row in FIXTURE["restaurants"]:  # what rest_upsert keeps beside a restaurant
            for c in {c.strip() for c in row[10].split(",") if c.strip()}:
                db.execute("INSERT INTO restaurant_cuisines VALUES (?, ?)", (row[0], c))
    db.close()


def dump(path, table, drop_id=False):
    db = sqlite3.connect(path)
    cur = db.execute("SELECT * FROM %s" % table)
    cols = [c[0] for c in cur.description]
    rows = [tuple(v for c, v in zip(cols, r) if not (drop_id and c == "id")) for r in cur]
    db.close()
    return sorted(rows, key=repr)


# ---- the parts ----------------------------------------------------------------------------------

def check_create_tables(dl, env):
    p = forkcast(env, "dynamodb", "create-tables")
    t.ok(p.returncode == 0 and "created, ACTIVE" in p.stdout and "TTL on attribute ttl enabled"
         in p.stdout, "create-tables makes the table, waits for ACTIVE, turns TTL on",
         p.stdout + p.stderr)
    p = forkcast(env, "dynamodb", "create-tables")
    t.ok(p.returncode == 0 and "already there" in p.stdout and "already enabled" in p.stdout,
         "create-tables again changes nothing", p.stdout + p.stderr)
    st, d = dl.call("DescribeTable", {"TableName": env["FORKCAST_STORE_DYNAMODB_TABLE"]})
    tbl = d.get("Table", {})
    gsi = {g["IndexName"]: g for g in tbl.get("GlobalSecondaryIndexes", [])}
    lsi = {g["IndexName"]: g for g in tbl.get("LocalSecondaryIndexes", [])}
    t.ok([k["AttributeName"] for k in tbl.get("KeySchema", [])] == ["pk", "sk"]
         and gsi.get("gsi1", {}).get("Projection", {}).get("ProjectionType") == "ALL"
         and gsi.get("gsi2", {}).get("Projection", {}).get("ProjectionType") == "INCLUDE"
         and lsi.get("lsi1", {}).get("Projection", {}).get("ProjectionType") == "ALL",
         "the table: pk/sk, gsi1 (ALL), gsi2 (INCLUDE), lsi1 (ALL)", json.dumps(tbl)[:1500])
    st, d = dl.call("DescribeTimeToLive", {"TableName": env["FORKCAST_STORE_DYNAMODB_TABLE"]})
    t.ok(d.get("TimeToLiveDescription", {}).get("AttributeName") == "ttl",
         "TTL is enabled on attribute ttl", d)
    p = forkcast(env, "dynamodb", "create-tables",
                 FORKCAST_STORE_DYNAMODB_TABLEFILE="/nonexistent.json")
    t.ok(p.returncode != 0 and "cannot read the table definition" in p.stderr,
         "a missing table definition is an error", p.stderr)
    if aws_cli():
        rc, out, err = aws(env, "create-table", "--cli-input-json",
                           "file://" + os.path.join(ROOT, "conf", "dynamodb-table.json"),
                           "--table-name", "made_by_aws_cli")
        t.ok(rc == 0 and out.get("TableDescription", {}).get("TableName") == "made_by_aws_cli",
             "conf/dynamodb-table.json is accepted by aws dynamodb create-table "
             "--cli-input-json", err)
    else:
        t.ok(True, "aws create-table --cli-input-json # SKIP no aws CLI")


def check_proxy(dl, env):
    """The test proxy's TransactWriteItems (dynalite has none) is all-or-nothing."""
    table = env["FORKCAST_STORE_DYNAMODB_TABLE"]

    def key(k):
        return {"pk": {"S": k}, "sk": {"S": "x"}}

    dl.call("PutItem", {"TableName": table, "Item": dict(key("tx-b"), v={"N": "1"})})
    st, d = dl.call("TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": table, "Item": dict(key("tx-a"), v={"N": "1"})}},
        {"Update": {"TableName": table, "Key": key("tx-b"), "UpdateExpression": "ADD v :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"ConditionCheck": {"TableName": table, "Key": key("tx-c"),
                            "ConditionExpression": "attribute_exists(pk)"}}]})
    st2, a = dl.call("GetItem", {"TableName": table, "Key": key("tx-a")})
    st3, b = dl.call("GetItem", {"TableName": table, "Key": key("tx-b")})
    t.ok(st == 400 and d.get("__type", "").endswith("TransactionCanceledException")
         and "[None, None, ConditionalCheckFailed]" in d.get("message", "")
         and "Item" not in a and b.get("Item", {}).get("v") == {"N": "1"},
         "the test proxy's transactions are all-or-nothing, with DynamoDB's reasons",
         "%s %s %s" % (d, a, b))
    st, d = dl.call("TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": table, "Item": key("tx-a")}},
        {"Delete": {"TableName": table, "Key": key("tx-a")}}]})
    t.ok(st == 400 and "multiple operations on one item" in d.get("message", ""),
         "and refuse two actions on one item like DynamoDB", d)
    for k in ("tx-a", "tx-b"):
        dl.call("DeleteItem", {"TableName": table, "Key": key(k)})


SUITES = (
    ("contract", "test_store", "contract suite on DynamoDB", {}),
    # the restaurant catalog read every time instead of kept (store/dynamodb_catalog.c)
    ("contract_nokeep", "test_store", "contract suite on DynamoDB, catalog not kept",
     {"FORKCAST_STORE_DYNAMODB_CATALOGSECONDS": "0"}),
    ("parity", "test_dynamodb", "SQLite/DynamoDB parity", {}),
    # reviews of a restaurant read per friend by key, not from its whole index
    ("parity_keys", "test_dynamodb", "SQLite/DynamoDB parity, reviews by key",
     {"FORKCAST_STORE_DYNAMODB_REVIEWSPERPAGE": "1", "FC_PARITY_SEED": "2"}))


def start_suites():
    """Starts the cmocka suites against DynamoDB, each on a dynalite and in a folder of its own,
    all at once: they wait on dynalite's answers more than they compute, and the checks below
    run meanwhile. finish_suites reports them."""
    runs = []
    for table, binary, name, extra in SUITES:
        dl = Dynalite(log=os.path.join(TMP, "dynalite-%s.log" % table))
        e = dict(base_env(dl, table), FORKCAST_STORE_BACKEND="dynamodb",
                 FORKCAST_DATA_DIR=os.path.join(TMP, table), **extra)
        os.makedirs(e["FORKCAST_DATA_DIR"])
        p = forkcast(e, "dynamodb", "create-tables")
        if p.returncode:
            runs.append((name, dl, None, p.stderr, None))
            continue
        # output to files, not pipes: a suite never blocks on a full pipe
        out, err = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
        proc = subprocess.Popen([os.path.join(ROOT, "build", "asan", "t", binary)], env=e,
                                stdout=out, stderr=err, text=True, cwd=ROOT)
        runs.append((name, dl, proc, out, err))
    return runs


def finish_suites(runs):
    for name, dl, proc, out, err in runs:
        if proc is None:
            t.ok(False, "%s: table" % name, out)
            dl.stop()
            continue
        relay(name, finish(proc, out, err))
        dl.stop()


def check_copy(dl, env):
    src, back, fresh = (os.path.join(TMP, n) for n in ("fixture.db", "back.db", "fresh.db"))
    table = env["FORKCAST_STORE_DYNAMODB_TABLE"]
    make_fixture(env, src)
    p = forkcast(env, "dynamodb", "copy", "--from", "sqlite", "--to", "dynamodb",
                 FORKCAST_STORE_SQLITE_PATH=src)
    counts = dict(re.findall(r"^\s+(\w+)\s+(\d+)$", p.stdout, re.M))
    t.ok(p.returncode == 0 and all(int(counts.get(k, -1)) == len(v) for k, v in FIXTURE.items()),
         "copy sqlite -> dynamodb: every table, counts printed", p.stdout + p.stderr)
    all_items = dl.scan_all(table)
    by = {(i["pk"]["S"], i["sk"]["S"]): i for i in all_items}
    feed = [k for k in by if k[0].startswith("FEED#")]
    t.ok(len(feed) == FEED_ENTRIES, "the copy derives the feeds (%d entries)" % len(feed),
         sorted(feed))
    r1 = by.get(("RST#1", "RESTAURANT"), {})
    t.ok(r1.get("review_count") == {"N": "2"} and r1.get("stars_sum") == {"N": "7"},
         "and the restaurants' rating totals", r1)
    photo = sorted(k for k in by if k[0].startswith("PHOTO#"))
    it = by.get(PHOTO_ITEMS[0], {})
    t.ok(photo == PHOTO_ITEMS and it.get("user_id") == {"N": "2"}
         and it.get("restaurant_id") == {"N": "1"} and it.get("id") == {"N": "10"},
         "and the photo items (photo -> the review carrying it)", "%s %s" % (photo, it))
    u1 = by.get(("U#1", "PROFILE"), {})
    t.ok(u1.get("friends", {}).get("NS") == ["2"] and u1.get("req_out", {}).get("NS") == ["3"]
         and u1.get("blocked_by", {}).get("NS") == ["4"]
         and ("UNAME#bea", "UNIQUE") in by and ("EMAIL#bea@example.com", "UNIQUE") in by
         and ("UEXT#x:2", "UNIQUE") in by and ("UEXT#cognito:sub-bea", "UNIQUE") in by
         and ("RV#12", "REVIEW") in by
         and ("JOBKEY#ec2:i-1", "UNIQUE") in by,
         "the relation sets on profiles and the uniqueness and id items", u1)
    sv20, sv21 = by.get(("U#3", "SV#2"), {}), by.get(("U#1", "SV#3"), {})
    t.ok(sv20.get("note") == {"S": "ask for the window table"} and sv20.get("id") == {"N": "20"}
         and "note" not in sv21, "a save's private note on its item (none: no attribute)",
         "%s %s" % (sv20, sv21))
    seq = {k[0]: int(by[k]["v"]["N"]) for k in by if k[0].startswith("SEQ#")}
    rv10 = by.get(("RV#10", "REVIEW"), {})
    t.ok(rv10.get("likes") == {"N": "2"} and rv10.get("comments") == {"N": "2"}
         and by.get(("RV#12", "REVIEW"), {}).get("likes") == {"N": "1"}
         and ("CM#61", "COMMENT") in by and ("N#2", "SEEN") in by,
         "the reviews' like and comment counts and the comments' id items", rv10)
    t.ok(seq.get("SEQ#comment", 0) >= 61 and seq.get("SEQ#note", 0) >= 72,
         "and the comment and notification counters", seq)
    t.ok(seq.get("SEQ#user", 0) >= 4 and seq.get("SEQ#review", 0) >= 12
         and seq.get("SEQ#save", 0) >= 21 and seq.get("SEQ#job", 0) >= 41,
         "id counters moved past the copied ids", seq)
    sess = by.get(("S#" + "a" * 64, "SESSION"), {})
    t.ok(sess.get("ttl") == {"N": str(min(1700000000 + 2592000, 1700000500 + 604800))}
         and sess.get("sealed") == {"S": "sealed-tokens"},
         "a session's TTL is its idle or absolute end, its Cognito tokens on its item", sess)

    # refused onto a non-empty target, replaced with --force
    before = len(all_items)
    p = forkcast(env, "dynamodb", "copy", "--from", "sqlite", "--to", "dynamodb",
                 FORKCAST_STORE_SQLITE_PATH=src)
    t.ok(p.returncode == 1 and "is not empty" in p.stderr and "--force" in p.stderr
         and len(dl.scan_all(table)) == before,
         "a non-empty target is refused without --force, nothing changed", p.stderr)

    # and back: the same rows
    p = forkcast(env, "dynamodb", "copy", "--from", "dynamodb", "--to", "sqlite",
                 FORKCAST_STORE_SQLITE_PATH=back)
    t.ok(p.returncode == 0, "copy dynamodb -> sqlite", p.stdout + p.stderr)
    diffs = [tb for tb in FIXTURE if dump(src, tb, tb == "events") != dump(back, tb, tb == "events")]
    t.ok(not diffs, "the round trip gives back every row of every table (events: new ids)",
         "\n".join("%s:\n %s\n %s" % (tb, dump(src, tb), dump(back, tb)) for tb in diffs))
    t.ok(dump(src, "restaurant_cuisines") == dump(back, "restaurant_cuisines"),
         "restaurant_cuisines derived again on the way back")

    db = sqlite3.connect(src)
    with db:
        db.execute("DELETE FROM saves WHERE id = 21")
    db.close()
    p = forkcast(env, "dynamodb", "copy", "--from", "sqlite", "--to", "dynamodb", "--force",
                 FORKCAST_STORE_SQLITE_PATH=src)
    keys = {(i["pk"]["S"], i["sk"]["S"]) for i in dl.scan_all(table)}
    t.ok(p.returncode == 0 and "emptying" in p.stdout and ("U#1", "SV#3") not in keys
         and ("U#3", "SV#2") in keys and len([k for k in keys if k[0].startswith("FEED#")])
         == FEED_ENTRIES - 1,
         "--force replaces the target: a row deleted from the source is gone", p.stdout + p.stderr)
    p = forkcast(env, "dynamodb", "copy", "--from", "sqlite", "--to", "sqlite")
    t.ok(p.returncode == 2, "copy needs two different stores", p.returncode)

    # TTL: DynamoDB's sweeper deletes expired sessions and old log-in failures
    gone = dl.expire_ttl(table, now=1700000000 + 2592000 + 1)
    keys = {(i["pk"]["S"], i["sk"]["S"]) for i in dl.scan_all(table)}
    t.ok(gone >= 3 and ("S#" + "a" * 64, "SESSION") not in keys
         and not [k for k in keys if k[0].startswith("FAIL#")]
         and ("U#1", "PROFILE") in keys,
         "expired sessions and failures go by TTL (%d items), the rest stays" % gone)

    # rebuilding the feeds after a lost fan-out
    feed = [k for k in keys if k[0].startswith("FEED#")] or [("FEED#0", "none")]
    dl.call("DeleteItem", {"TableName": table, "Key": {"pk": {"S": feed[0][0]},
                                                       "sk": {"S": feed[0][1]}}})
    dl.call("PutItem", {"TableName": table, "Item": {"pk": {"S": "FEED#4"}, "sk": {"S": "stale"}}})
    p = forkcast(env, "dynamodb", "rebuild-feeds")
    now = sorted(k for k in ((i["pk"]["S"], i["sk"]["S"]) for i in dl.scan_all(table))
                 if k[0].startswith("FEED#"))
    t.ok(p.returncode == 0 and now == sorted(feed), "rebuild-feeds restores the feeds exactly",
         p.stdout + p.stderr)

    # rebuilding the photo items (a table written before they existed, or a lost one)
    def photo_keys():
        return sorted((i["pk"]["S"], i["sk"]["S"]) for i in dl.scan_all(table)
                      if i["pk"]["S"].startswith("PHOTO#"))
    before = photo_keys()
    for pk, sk in before:
        dl.call("DeleteItem", {"TableName": table, "Key": {"pk": {"S": pk}, "sk": {"S": sk}}})
    dl.call("PutItem", {"TableName": table, "Item": {"pk": {"S": "PHOTO#gone.jpg"},
                                                     "sk": {"S": "R#0000000099"}}})
    p = forkcast(env, "dynamodb", "rebuild-photos")
    t.ok(p.returncode == 0 and before == PHOTO_ITEMS and photo_keys() == PHOTO_ITEMS
         and "1 deleted, 1 written" in p.stdout,
         "rebuild-photos restores the photo items exactly", p.stdout + p.stderr)
    p = forkcast(env, "dynamodb", "rebuild-photos")
    t.ok(p.returncode == 0 and photo_keys() == PHOTO_ITEMS and "0 deleted, 0 written" in p.stdout,
         "and again changes nothing", p.stdout + p.stderr)
    return back, fresh


def check_aws_cli(dl, env, fresh):
    name = "the aws CLI reads what forkcast wrote"
    if not aws_cli():
        t.ok(True, name + " # SKIP no aws CLI")
        t.ok(True, "forkcast reads what the aws CLI wrote # SKIP no aws CLI")
        return
    table = env["FORKCAST_STORE_DYNAMODB_TABLE"]
    rc, out, err = aws(env, "get-item", "--table-name", table, "--consistent-read", "--key",
                       json.dumps({"pk": {"S": "U#2"}, "sk": {"S": "PROFILE"}}))
    it = out.get("Item", {})
    t.ok(rc == 0 and it.get("username") == {"S": "Bea"} and it.get("display_name") == {"S": "Bea Ü"}
         and it.get("visibility") == {"S": "friends"} and it.get("created_at") == {"N": "1700000002"}
         and it.get("saves_private") == {"N": "1"},
         name + ": get-item of a user", "%s %s" % (out, err))
    rc, out, err = aws(env, "query", "--table-name", table, "--index-name", "gsi1",
                       "--key-condition-expression", "gsi1pk = :p", "--expression-attribute-values",
                       json.dumps({":p": {"S": "REST#1"}}), "--no-scan-index-forward")
    got = [(i["user_id"]["N"], i["stars"]["N"], i["body"]["S"]) for i in out.get("Items", [])]
    t.ok(rc == 0 and got == [("3", "2", "meh"), ("2", "5", "Great tacos")],
         name + ": a restaurant's reviews, newest first, from gsi1", "%s %s" % (out, err))

    # items made by the aws CLI, in the documented format, used by forkcast
    put = [
        {"pk": {"S": "U#900"}, "sk": {"S": "PROFILE"}, "type": {"S": "user"}, "id": {"N": "900"},
         "username": {"S": "Zoe"}, "email": {"S": "zoe@example.com"}, "pw_hash": {"S": "x"},
         "display_name": {"S": "Zoé"}, "visibility": {"S": "public"}, "is_admin": {"N": "0"},
         "disabled": {"N": "0"}, "created_at": {"N": "1700009000"}, "gsi2pk": {"S": "USERS"},
         "gsi2sk": {"S": "Zoé\u0001" + "0000000900"}},
        {"pk": {"S": "UNAME#zoe"}, "sk": {"S": "UNIQUE"}, "uid": {"N": "900"}},
        {"pk": {"S": "EMAIL#zoe@example.com"}, "sk": {"S": "UNIQUE"}, "uid": {"N": "900"}},
        {"pk": {"S": "RST#77"}, "sk": {"S": "RESTAURANT"}, "type": {"S": "restaurant"},
         "id": {"N": "77"}, "ext_id": {"S": "cli:77"}, "name": {"S": "Fonda CLI"},
         "lname": {"S": "fonda cli"}, "city": {"S": "Cuernavaca"}, "price": {"S": "medium"},
         "cuisines": {"S": "Mexican"}, "cuis": {"SS": ["Mexican"]}, "lat": {"N": "18.5"},
         "lon": {"N": "-99.5"}, "review_count": {"N": "0"}, "stars_sum": {"N": "0"},
         "gsi2pk": {"S": "RESTS"}, "gsi2sk": {"S": "0000000077"}},
        {"pk": {"S": "REXT#cli:77"}, "sk": {"S": "UNIQUE"}, "rid": {"N": "77"}},
    ]
    bad = []
    for item in put:
        rc, out, err = aws(env, "put-item", "--table-name", table, "--item", json.dumps(item))
        if rc:
            bad.append(err)
    p = forkcast(env, "user", "make-admin", "ZOE", FORKCAST_STORE_BACKEND="dynamodb")
    rc, out, err = aws(env, "get-item", "--table-name", table, "--consistent-read", "--key",
                       json.dumps({"pk": {"S": "U#900"}, "sk": {"S": "PROFILE"}}))
    t.ok(not bad and p.returncode == 0 and "Zoe is now an admin" in p.stdout
         and out.get("Item", {}).get("is_admin") == {"N": "1"},
         "forkcast reads what the aws CLI wrote: finds user ZOE (case-insensitively) and makes "
         "her admin, which aws get-item sees", "%s %s %s %s" % (bad, p.stdout, p.stderr, out))
    p = forkcast(env, "dynamodb", "copy", "--from", "dynamodb", "--to", "sqlite",
                 FORKCAST_STORE_SQLITE_PATH=fresh)
    rows = dump(fresh, "restaurants") if p.returncode == 0 else []
    t.ok((77, "cli:77", "Fonda CLI", "", "Cuernavaca", "", "", 18.5, -99.5, "medium", "Mexican",
          "", "", "", "") in rows,
         "and the restaurant the aws CLI put comes out of forkcast's copy",
         "%s %s" % (rows, p.stderr))


def subset_uci(dst, nratings=260):
    """The first ratings of the demo data set, with the users and places they name."""
    os.makedirs(dst, exist_ok=True)

    def lines(name):
        with open(os.path.join(DEMO, name), "rb") as f:
            return f.read().splitlines(True)

    ratings = lines("rating_final.csv")
    keep = ratings[:1 + nratings]
    users = {r.split(b",")[0] for r in keep[1:]}
    places = {r.split(b",")[1] for r in keep[1:]}
    plan = {"rating_final.csv": None, "userprofile.csv": users, "usercuisine.csv": users,
            "geoplaces2.csv": places, "chefmozcuisine.csv": places, "chefmozhours4.csv": places}
    for name, ids in plan.items():
        src = lines(name)
        out = keep if ids is None else [src[0]] + [x for x in src[1:] if x.split(b",")[0] in ids]
        with open(os.path.join(dst, name), "wb") as f:
            f.writelines(out)


def check_import(dl, env):
    data = os.path.join(TMP, "uci")
    subset_uci(data)
    e = dict(env, FORKCAST_STORE_DYNAMODB_TABLE="imported", FORKCAST_STORE_BACKEND="dynamodb")
    lite, back = os.path.join(TMP, "imp-sqlite.db"), os.path.join(TMP, "imp-back.db")
    forkcast(e, "dynamodb", "create-tables")
    t0 = time.time()
    p1 = forkcast(e, "import-uci", data)
    took = time.time() - t0
    p2 = forkcast(e, "import-uci", data, FORKCAST_STORE_BACKEND="sqlite",
                  FORKCAST_STORE_SQLITE_PATH=lite)
    t.ok(p1.returncode == 0 and p2.returncode == 0 and p1.stdout == p2.stdout,
         "import-uci into DynamoDB reports what it reports on SQLite (%.1f s)" % took,
         "%s%s\n%s%s" % (p1.stdout, p1.stderr[-800:], p2.stdout, p2.stderr[-800:]))
    p3 = forkcast(e, "import-uci", data)
    t.ok(p3.returncode == 0 and "0 new users" in p3.stdout and "0 new reviews" in p3.stdout,
         "importing again into DynamoDB changes nothing", p3.stdout + p3.stderr[-500:])
    p = forkcast(e, "dynamodb", "copy", "--from", "dynamodb", "--to", "sqlite",
                 FORKCAST_STORE_SQLITE_PATH=back)
    same = []
    for table in ("restaurants", "restaurant_cuisines", "reviews", "friendships"):
        same.append(table if dump(lite, table) == dump(back, table) else "")
    users_l = [r[:3] + r[4:] for r in dump(lite, "users")]  # password hashes are salted
    users_b = [r[:3] + r[4:] for r in dump(back, "users")]
    t.ok(p.returncode == 0 and all(same) and users_l == users_b and len(users_l) > 5,
         "the same users, restaurants, reviews and friendships, with the same ids",
         "%s %s" % (same, p.stderr))
    return data, lite


COUNTS = re.compile(r"(\d+) restaurants, (\d+) new users \((\d+) already there\), (\d+) new "
                    r"reviews \((\d+) already there\), (\d+) (?:new )?demo friendships"
                    r"(?: \((\d+) already there\))?")


def counts(text):
    """The import's counts, as a dict, from its report or its failure message."""
    m = COUNTS.search(text)
    names = ("restaurants", "users_new", "users_there", "reviews_new", "reviews_there",
             "friends_new", "friends_there")
    return dict(zip(names, (int(g) if g else None for g in m.groups()))) if m else {}


def content(path):
    """What an import made, without ids (an interrupted DynamoDB import skips some) or
    password hashes (salted): restaurants, users, reviews and friendships by their names."""
    db = sqlite3.connect(path)
    q = {
        "restaurants": "SELECT * FROM restaurants",
        "restaurant_cuisines": "SELECT r.ext_id, c.cuisine FROM restaurant_cuisines c "
                               "JOIN restaurants r ON r.id = c.restaurant_id",
        "users": "SELECT * FROM users",
        "reviews": "SELECT u.username, r.ext_id, v.stars, v.body, v.photo, v.created_at, "
                   "v.updated_at FROM reviews v JOIN users u ON u.id = v.user_id "
                   "JOIN restaurants r ON r.id = v.restaurant_id",
        "friendships": "SELECT a.username, b.username, f.created_at FROM friendships f "
                       "JOIN users a ON a.id = f.user_id JOIN users b ON b.id = f.friend_id",
    }
    out = {}
    for name, sql in q.items():
        cur = db.execute(sql)
        cols = [c[0] for c in cur.description]
        out[name] = sorted((tuple(v for c, v in zip(cols, r) if c not in ("id", "pw_hash"))
                            for r in cur), key=repr)
    db.close()
    return out


def check_import_interrupted(dl, env, data, lite):
    """An import that DynamoDB stops halfway (every TransactWriteItems failing after the
    first n) says what it wrote and what failed; running it again completes it: the same
    content as one uninterrupted import, and the two runs' counts add up to its counts."""
    clean = counts(forkcast(env, "import-uci", data, FORKCAST_STORE_BACKEND="sqlite",
                            FORKCAST_STORE_SQLITE_PATH=os.path.join(TMP, "imp-count.db")).stdout)
    want = content(lite)
    if not clean:
        t.ok(False, "the SQLite import's counts")
        return
    # one transaction per new restaurant, user, review and friendship, in that order
    users = clean["users_new"]
    reviews_from = clean["restaurants"] + users
    for name, skip in (("while importing the reviews", reviews_from + clean["reviews_new"] // 2),
                       ("while making the demo friendships",
                        reviews_from + clean["reviews_new"] + clean["friends_new"] // 2)):
        table = "interrupted%d" % skip
        e = dict(env, FORKCAST_STORE_DYNAMODB_TABLE=table, FORKCAST_STORE_BACKEND="dynamodb",
                 FORKCAST_AWS_RETRY_MAXATTEMPTS="2", FORKCAST_AWS_RETRY_BASEMS="1")
        forkcast(e, "dynamodb", "create-tables")
        dl.fail(["TransactWriteItems"], [{"status": 500, "type": "InternalServerError",
                                          "message": "injected fault"}], times=None, skip=skip)
        p1 = forkcast(e, "import-uci", data)
        dl.clear_faults()
        got = counts(p1.stderr)
        made = {"users": len(items(dl, table, "UNAME#")),
                "reviews": len(items(dl, table, "RV#")),
                "friends": len([i for i in items(dl, table, "U#")
                                if i["sk"]["S"].startswith("G#F#")]) // 2}
        t.ok(p1.returncode == 1 and "nothing was changed" not in p1.stderr
             and "InternalServerError: injected fault" in p1.stderr
             and "run the same import again" in p1.stderr.lower()
             and got.get("users_new") == made["users"] == users
             and got.get("reviews_new") == made["reviews"]
             and got.get("friends_new") == made["friends"]
             and got["restaurants"] == clean["restaurants"]
             and got["reviews_new"] + got["friends_new"] + reviews_from == skip,
             "import-uci stopped by DynamoDB %s: says what it wrote (%s), the error, and to "
             "run it again, not that nothing changed" % (name, made), p1.stderr[-1500:])
        p2 = forkcast(e, "import-uci", data)
        again = counts(p2.stdout)
        t.ok(p2.returncode == 0 and again.get("users_new") == 0
             and again.get("users_there") == users
             and again.get("reviews_new") == clean["reviews_new"] - got.get("reviews_new", -1)
             and again.get("reviews_there") == got.get("reviews_new")
             and again.get("friends_new") == clean["friends_new"] - got.get("friends_new", -1)
             and again.get("friends_there") == got.get("friends_new"),
             "running it again imports the rest: the two runs' counts add up to one import's "
             "(%s)" % clean, "%s%s" % (p2.stdout, p2.stderr[-1500:]))
        back = os.path.join(TMP, "%s.db" % table)
        p = forkcast(e, "dynamodb", "copy", "--from", "dynamodb", "--to", "sqlite",
                     FORKCAST_STORE_SQLITE_PATH=back)
        have = content(back) if p.returncode == 0 else {}
        diff = [k for k in want if want[k] != have.get(k)]
        feeds = [len(items(dl, tb, "FEED#")) for tb in ("imported", table)]
        t.ok(not diff and feeds[0] == feeds[1] and feeds[0] > 0,
             "and the table holds what one uninterrupted import gives: restaurants, users, "
             "reviews, friendships (%d feed entries)" % feeds[1],
             "%s %s %s" % (diff, feeds, p.stderr[-500:]))
        p3 = forkcast(e, "import-uci", data)
        t.ok(p3.returncode == 0 and counts(p3.stdout).get("reviews_new") == 0
             and counts(p3.stdout).get("friends_new") == 0
             and counts(p3.stdout).get("users_new") == 0,
             "a third run adds nothing", p3.stdout + p3.stderr[-500:])


def sha(path):
    import hashlib
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")


def check_import_if_empty(dl, env, data):
    """`import-uci --if-empty`, what tools/run.sh (make run) does on every start: imports into
    a store without the demo data, completes one a DynamoDB import left halfway, and on a
    store that holds it writes nothing and says so."""
    path = os.path.join(TMP, "if-empty.db")
    p1 = forkcast(env, "import-uci", "--if-empty", data, FORKCAST_STORE_SQLITE_PATH=path)
    before = sha(path)
    p2 = forkcast(env, "import-uci", "--if-empty", data, FORKCAST_STORE_SQLITE_PATH=path)
    t.ok(p1.returncode == 0 and counts(p1.stdout).get("users_new", 0) > 5,
         "import-uci --if-empty imports into an empty SQLite store", p1.stdout + p1.stderr[-800:])
    t.ok(p2.returncode == 0 and "already holds the demo data" in p2.stdout
         and "imported" not in p2.stdout and sha(path) == before,
         "and again writes nothing, and says so", p2.stdout + p2.stderr[-800:])

    e = dict(env, FORKCAST_STORE_DYNAMODB_TABLE="if_empty", FORKCAST_STORE_BACKEND="dynamodb",
             FORKCAST_AWS_RETRY_MAXATTEMPTS="2", FORKCAST_AWS_RETRY_BASEMS="1")
    forkcast(e, "dynamodb", "create-tables")
    clean = counts(p1.stdout)
    # stopped while making the users: the store has the restaurants and some users
    dl.fail(["TransactWriteItems"], [{"status": 500, "type": "InternalServerError",
                                      "message": "injected fault"}], times=None,
            skip=clean.get("restaurants", 0) + 5)
    p0 = forkcast(e, "import-uci", "--if-empty", data)
    dl.clear_faults()
    p1 = forkcast(e, "import-uci", "--if-empty", data)
    got = counts(p1.stdout)
    t.ok(p0.returncode == 1 and p1.returncode == 0 and got.get("users_there") == 5
         and got.get("users_new") == clean.get("users_new", 0) - 5
         and got.get("reviews_new") == clean.get("reviews_new"),
         "import-uci --if-empty on DynamoDB completes an import stopped halfway",
         p0.stderr[-600:] + p1.stdout + p1.stderr[-600:])
    dl.reset_log()
    p2 = forkcast(e, "import-uci", "--if-empty", data)
    writes = {op: dl.calls[op] for op in WRITES if dl.calls[op]}
    t.ok(p2.returncode == 0 and "already holds the demo data" in p2.stdout
         and "imported" not in p2.stdout and not writes,
         "and once it holds the demo data, writes nothing and says so (%d calls)"
         % sum(dl.calls.values()), "%s %s%s" % (writes, p2.stdout, p2.stderr[-800:]))


def check_import_sqlite_failure(env):
    """On SQLite the import is one transaction: a failure leaves nothing, and says so."""
    data = os.path.join(TMP, "uci-bad")
    subset_uci(data, 40)
    with open(os.path.join(data, "rating_final.csv"), "a") as f:
        f.write("U9999,132825,2,2,2\n")  # a rating by nobody in userprofile.csv
    path = os.path.join(TMP, "bad.db")
    p = forkcast(env, "import-uci", data, FORKCAST_STORE_SQLITE_PATH=path)
    rows = [dump(path, tb) for tb in ("restaurants", "users", "reviews")]
    t.ok(p.returncode == 1 and "nothing was changed" in p.stderr and "U9999" in p.stderr
         and rows == [[], [], []],
         "a failing import on SQLite says nothing was changed, and nothing was",
         "%s %s" % (p.stderr[-800:], [len(r) for r in rows]))


def main():
    why = available()
    if why:
        t.ok(True, "DynamoDB store # SKIP %s" % why)
        return
    if not os.access(CLI, os.X_OK):
        t.ok(False, "forkcast built", "missing %s: run make asan" % CLI)
        return
    runs = start_suites()
    try:
        checks()
    finally:
        finish_suites(runs)


def checks():
    with Dynalite(log=os.path.join(TMP, "dynalite.log")) as dl:
        env = base_env(dl, "store_test")
        check_create_tables(dl, env)
        check_proxy(dl, env)
        back, fresh = check_copy(dl, env)
        check_aws_cli(dl, env, fresh)
        data, lite = check_import(dl, env)
        check_import_interrupted(dl, env, data, lite)
        check_import_sqlite_failure(env)
        check_import_if_empty(dl, env, data)


try:
    main()
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    shutil.rmtree(TMP, ignore_errors=True)
t.done()
