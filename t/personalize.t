#!/usr/bin/env python3
"""Integration test of the Amazon Personalize backend against a local test double of its two
endpoints (t/lib/personalize_double.py, which checks request shapes and SigV4 signatures):
the home page shows Personalize's picks; a slow, failing or garbled Personalize falls back to
the built-in engine quickly and counts the fallback (admin health page); the circuit breaker
stops calling a failing Personalize; reviews and saves (pages and API) become PutEvents calls
sent by the worker, retried when the endpoint fails, kept as failed and resent, none lost; and
`forkcast personalize export` writes the datasets and uploads them to S3 (s3rver)."""
import csv
import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import ROOT, Client, Server, TAP, free_port, multipart  # noqa: E402
from personalize_double import PersonalizeDouble  # noqa: E402

CAMPAIGN = "arn:aws:personalize:us-east-1:000000000000:campaign/forkcast-test"
FILTER = "arn:aws:personalize:us-east-1:000000000000:filter/forkcast-exclude-reviewed"
TRACKER = "6f0c2a0e-tracker-forkcast-test"
PW = "forkcast-demo"
JOB = "personalize.put_events"
PICKED = "Picked for you from your activity"
ENGINE_WORDS = ("Rated", "Because you liked", "Popular in", "You like", "Popular on")

t = TAP()
d = PersonalizeDouble(campaign_arn=CAMPAIGN, filter_arn=FILTER, tracking_id=TRACKER)
d.slow_seconds = 9.0  # well past TimeoutMs below
env = d.env()
env.update({
    "FORKCAST_REC_BACKEND": "personalize",
    # Rec.Personalize.* is not in conf/forkcast.hdf: read from FORKCAST_* as the AWS keys are
    "FORKCAST_REC_PERSONALIZE_CAMPAIGNARN": CAMPAIGN,
    "FORKCAST_REC_PERSONALIZE_FILTERARN": FILTER,
    "FORKCAST_REC_PERSONALIZE_TRACKINGID": TRACKER,
    "FORKCAST_REC_PERSONALIZE_TIMEOUTMS": "3500",  # 300 by default; ASan, t/run in parallel (2000 timed out on a loaded fresh Debian)
    "FORKCAST_REC_PERSONALIZE_BREAKERFAILURES": "3",
    "FORKCAST_REC_PERSONALIZE_BREAKERSECONDS": "2",
    "FORKCAST_METRICS_FLUSHSECONDS": "0",
    "FORKCAST_WORKER_RETRYBASEMS": "100",
    "FORKCAST_WORKER_RETRYCAPMS": "300",
    "FORKCAST_WORKER_POLLMS": "50",
    "FORKCAST_AWS_RETRY_BASEMS": "10",
    "FORKCAST_AWS_RETRY_CAPMS": "50",
    "FORKCAST_REC_REFRESHSECONDS": "100000",  # the model built at start is the one asked
})
srv = Server(demo=True, env=env)
tmp = tempfile.mkdtemp(prefix="fc-personalize-")
s3proc = None


def cards(html):
    sec = html.split("Recommended for you", 1)[-1].split("</section>", 1)[0]
    return [(int(i), re.sub(r"<[^>]+>", "", w).strip()) for i, w in re.findall(
        r'<a class="card-title" href="/restaurants/(\d+)">[^<]*</a>\s*<p class="why">(.*?)</p>',
        sec, re.S)]


def login(name):
    c = Client(srv)
    r = c.post("/login", {"username": name, "password": PW}, csrf_from="/login")
    assert r.status == 303, (name, r.status)
    return c


def fallbacks(adm):
    m = re.search(r'id="rec-fallback">(\d+)<', adm.get("/admin/health").text)
    return int(m.group(1)) if m else -1


def server_log():
    """lighttpd's error log and the FastCGI processes' stderr."""
    with open(os.path.join(srv.dir, "run", "lighttpd.out"), errors="replace") as f:
        return srv.errorlog() + f.read()


def timed_home(c):
    t0 = time.time()
    r = c.get("/")
    return r, time.time() - t0


def cli(*args, extra=None, timeout=90):
    e = dict(srv.env)
    e.update(extra or {})
    try:
        return subprocess.run([srv.cli] + list(args), env=e, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as x:
        err = x.stderr.decode(errors="replace") if isinstance(x.stderr, bytes) else x.stderr
        return subprocess.CompletedProcess(x.cmd, -1, "", "timed out: %s" % (err or "")[-3000:])


def worker(extra=None):
    return cli("worker", "run", "--drain", "--types", JOB, extra=extra)


def review(c, rid, stars, body="tasty"):
    data, ct = multipart({"csrf": c.csrf("/restaurants/%d" % rid), "stars": str(stars),
                          "body": body}, {"photo": ("", "application/octet-stream", b"")})
    return c.request("POST", "/restaurants/%d/review" % rid, body=data,
                     headers={"Content-Type": ct})


def save(c, rid, undo=False):
    return c.post("/restaurants/%d/%s" % (rid, "unsave" if undo else "save"), {},
                  csrf_from="/restaurants/%d" % rid)


def api(method, path, body=None, token=None):
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    c.request(method, path, body=json.dumps(body).encode() if body is not None else None,
              headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    try:
        return r.status, json.loads(data or b"null")
    except ValueError:
        return r.status, None


def queued_after_answer(db, n, timeout=10):
    """Waits until n PutEvents jobs exist: a page queues its job after its answer."""
    deadline = time.time() + timeout
    while len(jobs(db)) < n and time.time() < deadline:
        time.sleep(0.05)


def jobs(db, state=None):
    q = "SELECT id, state, attempts, payload, message FROM jobs WHERE type = ?"
    args = [JOB]
    if state:
        q += " AND state = ?"
        args.append(state)
    return db.execute(q + " ORDER BY id", args).fetchall()


def delivered(kind=None):
    """(userId, eventType, itemId, eventValue, eventId) of the events the double accepted."""
    with d.lock:
        evs = list(d.events)
    return [(e["userId"], e["event"]["eventType"], e["event"]["itemId"],
             e["event"].get("eventValue"), e["event"].get("eventId")) for e in evs]


try:
    db = sqlite3.connect(os.path.join(srv.dir, "forkcast.db"), timeout=30)
    uid = {n: db.execute("SELECT id FROM users WHERE username = ?", (n,)).fetchone()[0]
           for n in ("u1001", "u1002", "u1003")}
    reviewed = {n: {r[0] for r in db.execute(
        "SELECT restaurant_id FROM reviews WHERE user_id = ?", (uid[n],))} for n in uid}
    all_ids = [r[0] for r in db.execute("SELECT id FROM restaurants ORDER BY id DESC")]
    adm = login("admin")

    # ---- Personalize answers: the home page shows its picks, in its order -----------------
    u = login("u1001")
    picks = [i for i in all_ids if i not in reviewed["u1001"]][:12]
    seen = sorted(reviewed["u1001"])[0]
    # a non-numeric itemId and a place u1001 reviewed are left out
    d.set_items(["not-a-restaurant", picks[0], seen] + picks[1:], user=uid["u1001"])
    f0 = fallbacks(adm)
    got = cards(u.get("/").text)
    t.ok([i for i, _ in got] == picks[:10],
         "the home page shows Personalize's items in its order (reviewed and non-numeric "
         "ids left out)", (got, picks[:10], server_log()[-1000:]))
    fav = {c.strip() for c in db.execute("SELECT cuisines FROM users WHERE id = ?",
                                         (uid["u1001"],)).fetchone()[0].split(",") if c.strip()}
    t.ok(got and all(w == PICKED or w[len("You like "):] in fav for _, w in got) and
         any(w == PICKED for _, w in got),
         "each with the personalized reason, or a favourite cuisine of the profile (true: "
         "'You like %s')" % ", ".join(sorted(fav)), [w for _, w in got])
    calls = d.calls("recommendations")
    req = calls[-1].get("json", {}) if calls else {}
    t.ok(len(calls) == 1 and req.get("userId") == str(uid["u1001"]) and
         req.get("campaignArn") == CAMPAIGN and req.get("filterArn") == FILTER and
         req.get("numResults") == 20 and "recommenderArn" not in req,
         "one GetRecommendations call: campaignArn, userId, numResults, filterArn", req)
    auth = calls[-1]["headers"].get("Authorization", "") if calls else ""
    t.ok("/us-east-1/personalize/aws4_request" in auth and calls[-1]["headers"].get("X-Amz-Date"),
         "signed with SigV4 for service personalize (the double recomputes the signature)",
         auth)
    t.ok(not d.problems, "the test double found no problem in the request", d.problems)
    t.ok(fallbacks(adm) == f0, "no fallback counted when Personalize answers",
         (f0, fallbacks(adm)))

    # a short answer is topped up by the built-in engine
    u2 = login("u1002")
    few = [i for i in all_ids if i not in reviewed["u1002"]][:3]
    d.set_items(few, user=uid["u1002"])
    got = cards(u2.get("/").text)
    ids = [i for i, _ in got]
    t.ok(len(got) == 10 and ids[:3] == few and all(w == PICKED for _, w in got[:3]) and
         all(w.startswith(ENGINE_WORDS) for _, w in got[3:]) and len(set(ids)) == 10 and
         not set(ids) & reviewed["u1002"],
         "3 items from Personalize, topped up with 7 from the built-in engine", got)

    # the built-in engine's places in the answer (top-up, fallback) name only friends the
    # viewer may name now: a block shows at once, not at the model's next rebuild
    def named(html):
        sec = html.split("Recommended for you", 1)[-1].split("</section>", 1)[0]
        return set(re.findall(r'<p class="why">Rated \d+&#9733; by <a href="/u/([^"]+)"', sec))

    def api_named(tok):
        st, body = api("GET", "/api/v1/recommendations?limit=10", token=tok)
        return st, {n["username"] for it in (body or {}).get("items", []) if it.get("friends")
                    for n in it["friends"].get("names", [])}

    def personal(why):  # Personalize's pick: its reason, or a favourite cuisine's
        return why == PICKED or why.startswith("You like ")

    pair, busy = None, {"u1001", "u1002", "u1003"}
    for name, vid in db.execute("SELECT username, id FROM users WHERE username LIKE 'u1%' "
                                "ORDER BY id LIMIT 40").fetchall():
        if name in busy:
            continue
        rv = {r[0] for r in db.execute("SELECT restaurant_id FROM reviews WHERE user_id = ?",
                                       (vid,))}
        d.set_items([i for i in all_ids if i not in rv][:1], user=vid)
        v = login(name)
        html = v.get("/").text
        st, body = api("POST", "/api/v1/login", {"username": name, "password": PW})
        tok = (body or {}).get("token", "")
        friends = (named(html) & api_named(tok)[1]) - busy
        if cards(html) and personal(cards(html)[0][1]) and friends:
            pair = (name, v, tok, sorted(friends)[0])
            break
    t.ok(pair, "a user whose topped-up places name a friend (page and API)", pair)
    vname, v, tok, fname = pair
    r = login(fname).post("/friends/block", {"username": vname}, csrf_from="/friends")
    html = v.get("/").text
    st, api_names = api_named(tok)
    t.ok(r.status == 303 and len(cards(html)) == 10 and personal(cards(html)[0][1]) and
         fname not in named(html) and st == 200 and fname not in api_names,
         "after %s blocks %s, the topped-up reasons name %s neither on the home page nor in "
         "the API" % (fname, vname, fname), (r.status, named(html), api_names))

    # ---- slow, failing, garbled: the built-in engine answers at once, fallback counted ------
    def fallback_case(mode, what):
        d.runtime_mode = mode
        before = fallbacks(adm)
        r, took = timed_home(u)
        got = cards(r.text)
        t.ok(r.status == 200 and len(got) == 10 and
             all(w.startswith(ENGINE_WORDS) for _, w in got) and
             not {i for i, _ in got} & reviewed["u1001"],
             "Personalize %s: the home page shows the built-in engine's 10 places" % what,
             (r.status, got))
        t.ok(fallbacks(adm) == before + 1, "Personalize %s: the fallback is counted" % what,
             (before, fallbacks(adm)))
        return took

    took = fallback_case("slow", "slower than TimeoutMs")
    t.ok(took < 7.0, "the page did not wait for the slow answer (%.2f s, double sleeps %.1f s)"
         % (took, d.slow_seconds))
    fallback_case("error", "answering 500")
    fallback_case("notfound", "answering 404 ResourceNotFoundException")
    fallback_case("garbage", "answering 200 with a body that is not JSON")
    log = server_log()
    t.ok("Personalize failed for user %d" % uid["u1001"] in log and "InternalServerError" in log,
         "fallbacks are logged with the reason", log[-1500:])
    t.ok(d.runtime_mode == "garbage" and not d.problems, "still no request problem", d.problems)

    # ---- circuit breaker: after 3 failures in a row a process stops calling for 2 s ---------
    d.runtime_mode = "error"
    time.sleep(2.2)  # whatever breaker is open closes
    n0, before = len(d.calls("recommendations")), fallbacks(adm)
    for _ in range(10):
        r, took = timed_home(u)
    made = len(d.calls("recommendations")) - n0
    t.ok(made <= 6, "10 pages with Personalize failing: at most 3 calls per FastCGI process "
         "(%d calls)" % made)
    t.ok(fallbacks(adm) == before + 10, "every one of them counted as a fallback",
         (before, fallbacks(adm)))
    d.runtime_mode = "ok"
    time.sleep(2.2)
    pages = [cards(u.get("/").text) for _ in range(3)]
    t.ok(all(p and p[0][1] == PICKED for p in pages),
         "once Personalize answers again (after BreakerSeconds), its picks are back",
         [p[:1] for p in pages])

    # ---- events: reviews and saves queue PutEvents jobs; the worker sends them --------------
    free = [i for i in all_ids if i not in reviewed["u1001"] and i not in reviewed["u1002"]]
    r1, r2, r3, r4 = free[20], free[21], free[22], free[23]
    n_events = len(d.calls("events"))
    r = review(u, r1, 4)
    t.ok(r.status == 303, "u1001 reviews a place (page)", r.status)
    t.ok(save(u, r2).status == 303 and save(u, r2, undo=True).status == 303,
         "u1001 saves and unsaves a place (page)")
    st, body = api("POST", "/api/v1/login", {"username": "u1002", "password": PW})
    tok = (body or {}).get("token", "")
    st1, _ = api("POST", "/api/v1/restaurants/%d/reviews" % r3, {"stars": 5, "body": "great"},
                 tok)
    st2, _ = api("PUT", "/api/v1/saved/%d" % r4, None, tok)
    t.ok(st == 200 and st1 == 201 and st2 == 204, "u1002 reviews and saves through the API",
         (st, st1, st2))
    queued_after_answer(db, 4)
    queued = jobs(db, "queued")
    t.ok(len(queued) == 4, "4 PutEvents jobs queued (the unsave is not sent)",
         [(j[0], j[3]) for j in queued])
    t.ok(len(d.calls("events")) == n_events, "no page called PutEvents itself")
    w = worker()
    t.ok(w.returncode == 0, "forkcast worker run --drain", w.stderr[-1500:])
    want = {(str(uid["u1001"]), "review", str(r1), 4), (str(uid["u1001"]), "save", str(r2), 1),
            (str(uid["u1002"]), "review", str(r3), 5), (str(uid["u1002"]), "save", str(r4), 1)}
    got = delivered()
    t.ok({g[:4] for g in got} == want and len(got) == 4,
         "the double received the 4 events: userId, eventType, itemId, eventValue", got)
    with d.lock:
        evs = list(d.events)
    now = time.time()
    t.ok(all(e["trackingId"] == TRACKER and e["sessionId"] and
             abs(e["event"]["sentAt"] - now) < 300 and e["event"].get("eventId") for e in evs),
         "with the trackingId, a sessionId, sentAt and an eventId", evs)
    t.ok(not jobs(db, "queued") and len(jobs(db, "done")) == 4, "the 4 jobs are done",
         jobs(db))
    t.ok(not d.problems, "the PutEvents requests were well formed and signed", d.problems)

    # ---- the events endpoint fails for a while: retried with backoff, all delivered once ----
    d.events_fail_next(5)
    r5, r6, r7 = free[24], free[25], free[26]
    review(u, r5, 2)
    save(u, r6)
    save(u2, r7)
    queued_after_answer(db, 7)
    w = worker({"FORKCAST_AWS_RETRY_MAXATTEMPTS": "2"})
    got = delivered()
    new = [g for g in got if g[2] in (str(r5), str(r6), str(r7))]
    t.ok(w.returncode == 0 and len(new) == 3 and {g[1] for g in new} == {"review", "save"},
         "after 5 failed PutEvents calls the 3 events are delivered", (new, w.stderr[-800:]))
    ids = [g[4] for g in got]
    t.ok(len(ids) == len(set(ids)) == 7, "none lost, none twice (7 distinct eventIds)", ids)
    retried = db.execute("SELECT sum(attempts) FROM jobs WHERE type = ?", (JOB,)).fetchone()[0]
    t.ok(retried >= 2 and len(jobs(db, "done")) == 7,
         "the worker retried (%s failed runs) and every job is done" % retried)

    # ---- the endpoint stays down: the job fails for good, is kept and visible, resent ------
    d.events_mode = "error"
    r8 = free[27]
    save(u2, r8)
    queued_after_answer(db, 8)
    w = worker({"FORKCAST_WORKER_MAXATTEMPTS": "2", "FORKCAST_AWS_RETRY_MAXATTEMPTS": "1"})
    failed = jobs(db, "failed")
    t.ok(w.returncode == 0 and len(failed) == 1 and failed[0][2] == 2 and "PutEvents" in failed[0][4] and
         "InternalServerError" in failed[0][4],
         "after Worker.MaxAttempts the job is failed, with the error as its message",
         (failed, w.stderr[-2000:]))
    t.ok(not [g for g in delivered() if g[2] == str(r8)], "nothing was delivered meanwhile")
    lst = cli("worker", "list", "--type", JOB, "--state", "failed")
    t.ok(lst.returncode == 0 and str(failed[0][0]) in lst.stdout and "PutEvents" in lst.stdout,
         "forkcast worker list shows the failed event job", lst.stdout + lst.stderr)
    d.events_mode = "ok"
    rs = cli("personalize", "resend")
    t.ok(rs.returncode == 0 and "1 queued again" in rs.stdout, "forkcast personalize resend",
         rs.stdout + rs.stderr)
    w = worker()
    got = [g for g in delivered() if g[2] == str(r8)]
    t.ok(len(got) == 1 and got[0][:4] == (str(uid["u1002"]), "save", str(r8), 1) and
         got[0][4] == json.loads(failed[0][3])["eventId"],
         "the resent job delivers the kept event (same eventId)", got)
    rs = cli("personalize", "resend")
    w = worker()
    t.ok(rs.returncode == 0 and "0 queued again, 1 queued again before" in rs.stdout and
         len([g for g in delivered() if g[2] == str(r8)]) == 1,
         "resending again sends nothing twice", rs.stdout)

    # a request Personalize refuses (400) is not retried: failed at once, kept
    d.events_mode = "invalid"
    save(u, free[28])
    queued_after_answer(db, 10)  # the resend queued a job of its own
    w = worker({"FORKCAST_WORKER_MAXATTEMPTS": "5"})
    bad = [j for j in jobs(db, "failed") if json.loads(j[3])["itemId"] == str(free[28])]
    t.ok(len(bad) == 1 and bad[0][2] == 0 and "InvalidInputException" in bad[0][4],
         "a 400 answer fails the job at once (no retries) and keeps it", bad)
    d.events_mode = "ok"

    # ---- export: the datasets in Personalize's schemas, uploaded to S3 ----------------------
    out = os.path.join(tmp, "export")
    s3dir = os.path.join(tmp, "s3")
    os.makedirs(s3dir)
    s3port = free_port()
    s3bin = os.path.join(ROOT, "node_modules", ".bin", "s3rver")
    s3proc = subprocess.Popen([s3bin, "-d", s3dir, "-a", "127.0.0.1", "-p", str(s3port),
                               "--silent", "--configure-bucket", "forkcast-datasets"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", s3port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    s3env = {"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:%d" % s3port,
             "AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER"}
    ex = cli("personalize", "export", "--out", out, "--upload",
             "s3://forkcast-datasets/personalize/run1", extra=s3env)
    t.ok(ex.returncode == 0, "forkcast personalize export --out DIR --upload s3://...",
         ex.stdout + ex.stderr)

    def rows(name):
        with open(os.path.join(out, name), newline="") as f:
            return list(csv.reader(f))

    inter, users, items = rows("interactions.csv"), rows("users.csv"), rows("items.csv")
    t.ok(inter[0] == ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE", "EVENT_VALUE"],
         "interactions.csv header", inter[0])
    t.ok(users[0] == ["USER_ID", "CITY", "PRICE", "CUISINES"] and
         items[0] == ["ITEM_ID", "CITY", "PRICE", "CUISINES"], "users.csv and items.csv headers",
         (users[0], items[0]))
    n_reviews = db.execute("SELECT count(*) FROM reviews").fetchone()[0]
    n_saves = db.execute("SELECT count(*) FROM saves").fetchone()[0]
    n_users = db.execute("SELECT count(*) FROM users WHERE disabled = 0").fetchone()[0]
    n_items = db.execute("SELECT count(*) FROM restaurants").fetchone()[0]
    types = [r[3] for r in inter[1:]]
    t.ok(len(inter) - 1 == n_reviews + n_saves and types.count("review") == n_reviews and
         types.count("save") == n_saves,
         "one interaction per review and per save (%d + %d)" % (n_reviews, n_saves),
         (len(inter) - 1, types.count("review"), types.count("save")))
    t.ok(len(users) - 1 == n_users and len(items) - 1 == n_items,
         "one row per user (%d) and per restaurant (%d)" % (n_users, n_items),
         (len(users) - 1, len(items) - 1))
    stored = {(str(a), str(b), str(c), "review", str(s)) for a, b, c, s in db.execute(
        "SELECT user_id, restaurant_id, created_at, stars FROM reviews")}
    t.ok({tuple(r) for r in inter[1:] if r[3] == "review"} == stored,
         "review rows are the store's reviews: user, restaurant, time, stars")
    cities = dict(db.execute("SELECT id, city FROM restaurants"))
    t.ok(all(cities[int(r[0])].strip() == r[1] for r in items[1:]) and
         any("|" in r[3] for r in items[1:]),
         "items carry their city and their cuisines joined with |")
    ok = True
    for name, header in (("interactions", inter[0]), ("users", users[0]), ("items", items[0])):
        with open(os.path.join(out, name + "-schema.json")) as f:
            sch = json.load(f)
        ok = ok and sch["type"] == "record" and \
            sch["namespace"] == "com.amazonaws.personalize.schema" and \
            [x["name"] for x in sch["fields"]] == header
    t.ok(ok, "the Avro schemas parse and name the CSV columns in order")

    from botocore.session import get_session
    s3 = get_session().create_client(
        "s3", region_name="us-east-1", endpoint_url="http://127.0.0.1:%d" % s3port,
        aws_access_key_id="S3RVER", aws_secret_access_key="S3RVER")
    same = []
    for name in ("interactions.csv", "users.csv", "items.csv", "interactions-schema.json",
                 "users-schema.json", "items-schema.json"):
        try:
            body = s3.get_object(Bucket="forkcast-datasets",
                                 Key="personalize/run1/" + name)["Body"].read()
        except Exception as e:  # noqa: BLE001
            body = repr(e).encode()
        with open(os.path.join(out, name), "rb") as f:
            same.append(body == f.read())
    t.ok(all(same), "the 6 files are in S3 under the prefix, byte for byte", same)

    views = db.execute("SELECT count(*) FROM (SELECT DISTINCT user_id, restaurant_id FROM "
                       "events WHERE type = 'view')").fetchone()[0]
    out2 = os.path.join(tmp, "export-views")
    ex = cli("personalize", "export", "--out", out2, "--views")
    with open(os.path.join(out2, "interactions.csv"), newline="") as f:
        inter2 = list(csv.reader(f))
    t.ok(ex.returncode == 0 and views > 0 and
         [r[3] for r in inter2[1:]].count("view") == views and
         len(inter2) == len(inter) + views,
         "--views adds one row per place a user viewed (%d)" % views, ex.stderr)
    bad = cli("personalize", "export", "--out", os.path.join(tmp, "x"), "--upload", "http://x",
              extra=s3env)
    t.ok(bad.returncode != 0 and "s3://" in bad.stderr, "--upload wants an s3:// URL",
         bad.stderr)
    # ---- the test double itself: it refuses what AWS would refuse ---------------------------
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    import personalize_double as pd
    chk = PersonalizeDouble(campaign_arn=CAMPAIGN, tracking_id=TRACKER)

    def signed(url, path, body, secret=pd.SECRET, service="personalize"):
        req = AWSRequest(method="POST", url=url + path, data=json.dumps(body).encode(),
                         headers={"Content-Type": "application/json"})
        SigV4Auth(Credentials(pd.KEY_ID, secret), service, pd.REGION).add_auth(req)
        host = url.split("//", 1)[1]
        c = http.client.HTTPConnection(host, timeout=10)
        c.request("POST", path, body=req.body, headers=dict(req.headers))
        r = c.getresponse()
        r.read()
        c.close()
        return r.status

    good = {"campaignArn": CAMPAIGN, "userId": "7", "numResults": 5}
    t.ok(signed(chk.runtime_url, "/recommendations", good) == 200 and not chk.problems,
         "double: a request botocore signs with its secret is accepted", chk.problems)
    t.ok(signed(chk.runtime_url, "/recommendations", good, secret="wrong") == 403 and
         "signature" in " ".join(chk.problems),
         "double: a wrong signature is refused (403)", chk.problems)
    chk.problems.clear()
    t.ok(signed(chk.runtime_url, "/recommendations", good, service="personalize-runtime") ==
         403 and "personalize" in " ".join(chk.problems),
         "double: a scope naming another service is refused", chk.problems)
    chk.problems.clear()
    t.ok(signed(chk.runtime_url, "/recommendations", dict(good, numResults=0)) == 400 and
         signed(chk.events_url, "/events", {"trackingId": TRACKER, "userId": "7",
                                            "sessionId": "s", "eventList": []}) == 400 and
         len(chk.problems) == 2, "double: malformed bodies are refused (400)", chk.problems)
    chk.stop()
    # ---- a place rated now leaves Personalize's picks at once (the model is not asked) -----
    d.runtime_mode = "ok"
    u = login("u1003")
    picks = [i for i in all_ids if i not in reviewed["u1003"]][:12]
    d.set_items(picks, user=uid["u1003"])
    t.ok([i for i, _ in cards(u.get("/").text)] == picks[:10], "u1003 sees Personalize's picks")
    r = review(u, picks[0], 5)
    got = cards(u.get("/").text)
    t.ok(r.status == 303 and [i for i, _ in got] == picks[1:11],
         "a place just rated leaves Personalize's picks at once", (r.status, got, picks[1:11]))
    st, body = api("POST", "/api/v1/login", {"username": "u1003", "password": PW})
    st, body = api("GET", "/api/v1/recommendations?limit=10", token=body["token"])
    t.ok(st == 200 and [x["restaurant"]["id"] for x in body["items"]] == picks[1:11],
         "and the API's", (st, body))
except Exception:
    t.ok(False, "no exception", traceback.format_exc())
finally:
    if s3proc:
        s3proc.terminate()
        s3proc.wait(10)
    d.stop()
    reports = srv.stop()
    t.ok(not reports, "no sanitizer reports (server, worker, CLI)", "\n".join(reports)[:3000])
    srv.cleanup()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
