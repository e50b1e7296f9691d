#!/usr/bin/env python3
"""aws_site_faults.t - the running site (lighttpd + the ASan build) and `forkcast worker`
while each AWS dependency misbehaves in every way: answering 500, 503 or throttling on every
attempt, answering slower than the client's timeout, accepting the connection and never
answering, and a closed port (connection refused). For each service:

* EC2 (the admin's instance list): the 503 page with a message, within the time budget;
* Personalize (the home page's recommendations): the built-in engine answers instead
  (the documented fallback), within Rec.Personalize.TimeoutMs;
* Cognito (log-in with Auth.Backend = cognito): the log-in form again with a message, 503;
* S3 (backups): the Backups page says it cannot list the snapshots, a backup ends failed
  with a message;
* the worker (`forkcast worker run`): a Personalize PutEvents job ends failed after
  Worker.MaxAttempts runs with a message, the worker keeps taking the next jobs through
  every fault and stops on SIGTERM;
* DynamoDB (the store): the error page, within the budget (the retried faults themselves
  are in t/dynamodb_faults.t).

The budget of one AWS call is computed from the settings: MaxAttempts attempts of at most
TotalMs each (ConnectMs for a connection) plus the backoff before each retry (at most
min(CapMs, BaseMs * 2^n)); a page making k calls gets k times that, plus SLACK for the page
itself on a shared machine. The endpoint of a running FastCGI process is switched by
t/lib/fcgi_wrap.py (kill, lighttpd spawns it again with the new environment). Prints TAP."""
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from fault_server import FaultServer, free_port, json_error, never, xml_step  # noqa: E402
from fcgi_wrap import FcgiWrap  # noqa: E402
from fcserver import TAP, Client, Server  # noqa: E402

PW = "forkcast-demo"
ATTEMPTS, BASE_MS, CAP_MS, CONNECT_MS, TOTAL_MS = 3, 20, 100, 500, 1000
PZ_TIMEOUT_MS = 800
# S3 calls a backup (and the Backups page) makes before it gives up on an unreachable
# repository: the repository's config, then the snapshot list
S3_CALLS = 2
WORKER_ATTEMPTS = 2
SLACK = 2.5  # seconds for the page itself (ASan build, shared machine)
CAMPAIGN = "arn:aws:personalize:us-east-1:000000000000:campaign/forkcast-faults"
ENGINE_WORDS = ("Rated", "Because you liked", "Popular in", "You like", "Popular on")

AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIDSITEFAULTS", "AWS_SECRET_ACCESS_KEY": "site/faults+secret",
    "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
    "AWS_CONFIG_FILE": "/nonexistent/config",
    "FORKCAST_AWS_RETRY_MAXATTEMPTS": str(ATTEMPTS),
    "FORKCAST_AWS_RETRY_BASEMS": str(BASE_MS), "FORKCAST_AWS_RETRY_CAPMS": str(CAP_MS),
    "FORKCAST_AWS_TIMEOUT_CONNECTMS": str(CONNECT_MS),
    "FORKCAST_AWS_TIMEOUT_TOTALMS": str(TOTAL_MS),
}

t = TAP()


def call_budget(attempts=ATTEMPTS, total_ms=TOTAL_MS):
    """Seconds one AWS call may take at most: every attempt timing out, every backoff at its
    ceiling."""
    backoff = sum(min(CAP_MS, BASE_MS * 2 ** n) for n in range(attempts - 1))
    return (attempts * total_ms + backoff) / 1000.0


def modes(kind):
    """(name, fault-server default step or None for a closed port) for a service whose
    errors are `kind` (json, xml-ec2, xml-s3)."""
    if kind == "json":
        e500 = json_error(500, "InternalFailure", "Internal failure")
        e503 = json_error(503, "ServiceUnavailable", "Service unavailable")
        thr = json_error(400, "ThrottlingException", "Rate exceeded")
    elif kind == "xml-ec2":
        body = ("<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors>"
                "<RequestID>FAULT</RequestID></Response>")
        e500 = xml_step(500, body % ("InternalError", "An internal error has occurred"))
        e503 = xml_step(503, body % ("Unavailable", "The server is overloaded"))
        thr = xml_step(503, body % ("RequestLimitExceeded", "Request limit exceeded."))
    else:
        body = "<Error><Code>%s</Code><Message>%s</Message><RequestId>FAULT</RequestId></Error>"
        e500 = xml_step(500, body % ("InternalError", "We encountered an internal error."))
        e503 = xml_step(503, body % ("ServiceUnavailable", "Reduce your request rate."))
        thr = xml_step(503, body % ("SlowDown", "Please reduce your request rate."))
    return [("500", e500), ("503", e503), ("throttling", thr),
            ("slower than the timeout", {"status": 200, "delay": TOTAL_MS / 1000.0 * 2.5,
                                         "body": "{}"}),
            ("no answer at all", never()), ("closed port", None)]


def form_error(text):
    m = re.search(r'<p class="form-error" role="alert">(.*?)</p>', text, re.S)
    return re.sub(r"\s+", " ", m.group(1)).strip() if m else ""


def timed(fn):
    t0 = time.time()
    r = fn()
    return r, time.time() - t0


def login(srv, name):
    c = Client(srv)
    r = c.post("/login", {"username": name, "password": PW}, csrf_from="/login")
    if r.status != 303:
        raise AssertionError("log-in of %s: %d %s" % (name, r.status, r.text[:300]))
    return c


class Site:
    """The SQLite site with EC2, Personalize and S3 endpoints switched by fcgi_wrap."""

    def __init__(self):
        self.fs = FaultServer()
        self.closed = "http://127.0.0.1:%d" % free_port()
        self.wrap = FcgiWrap()
        env = dict(AWS_ENV)
        env.update(self.wrap.env())
        env.update({
            "FORKCAST_SERVER_PROCS": "1",
            "FORKCAST_REC_BACKEND": "personalize",
            "FORKCAST_REC_PERSONALIZE_CAMPAIGNARN": CAMPAIGN,
            "FORKCAST_REC_PERSONALIZE_TIMEOUTMS": str(PZ_TIMEOUT_MS),
            # every home page asks Personalize (no breaker), so every fault is met
            "FORKCAST_REC_PERSONALIZE_BREAKERFAILURES": "0",
            # reviews and saves become PutEvents jobs for the worker
            "FORKCAST_REC_PERSONALIZE_TRACKINGID": "faults-tracker",
            "FORKCAST_BACKUP_BUCKET": "forkcast-faults",
            "FORKCAST_WORKER_POLLMS": "50",
            "FORKCAST_WORKER_MAXATTEMPTS": str(WORKER_ATTEMPTS),
            "FORKCAST_WORKER_RETRYBASEMS": "100", "FORKCAST_WORKER_RETRYCAPMS": "200",
            "FORKCAST_WORKER_LEASESECONDS": "30",
        })
        self.srv = Server(demo=True, env=env)
        self.srv.run_cli("user", "make-admin", "u1001")

    def point(self, url):
        """Every AWS endpoint of the FastCGI process (and of workers started later) at url."""
        ep = {"FORKCAST_AWS_ENDPOINT_EC2": url, "FORKCAST_AWS_ENDPOINT_S3": url,
              "FORKCAST_AWS_ENDPOINT_PERSONALIZERUNTIME": url,
              "FORKCAST_AWS_ENDPOINT_PERSONALIZEEVENTS": url}
        self.ep = ep
        self.wrap.restart(self.srv, 1, env=ep)

    def fault(self, step):
        """The fault server answers step to everything; or a closed port when step is None."""
        if step is None:
            self.point(self.closed)
        else:
            self.fs.reset([], default=step)
            if getattr(self, "ep", {}).get("FORKCAST_AWS_ENDPOINT_EC2") != self.fs.url:
                self.point(self.fs.url)

    def stop(self):
        reports = self.srv.stop()
        self.srv.cleanup()
        self.fs.stop()
        return reports


def ec2_and_personalize(site):
    adm = login(site.srv, "u1001")
    for name, step in modes("xml-ec2"):
        site.fault(step)
        r, took = timed(lambda: adm.get("/admin/instances"))
        budget = call_budget() + SLACK
        msg = form_error(r.text)
        t.ok(r.status == 503 and msg and took <= budget,
             "EC2 %s: the instance list is a 503 with a message in %.1f s (budget %.1f s): %s"
             % (name, took, budget, msg[:90]), "%s %s" % (r.status, r.text[-600:]))
    for name, step in modes("json"):
        site.fault(step)
        r, took = timed(lambda: adm.get("/"))
        budget = PZ_TIMEOUT_MS / 1000.0 + SLACK
        words = [w for w in ENGINE_WORDS if w in r.text]
        t.ok(r.status == 200 and "Recommended for you" in r.text and words and took <= budget,
             "Personalize %s: the home page falls back to the built-in engine in %.1f s "
             "(budget %.1f s)" % (name, took, budget), "%s %s" % (r.status, r.text[:300]))


def db_row(srv, sql, args=()):
    db = sqlite3.connect(os.path.join(srv.dir, "forkcast.db"), timeout=30)
    try:
        return db.execute(sql, args).fetchone()
    finally:
        db.close()


def db_one(srv, sql, args=()):
    return db_row(srv, sql, args)[0]


def backups(site):
    srv = site.srv
    adm = login(srv, "u1001")
    env = dict(srv.env)
    log = open(os.path.join(srv.dir, "worker.log"), "w")
    results = []
    worker = None
    try:
        for name, step in modes("xml-s3"):
            site.fault(step)
            env.update(site.ep)
            if worker is None:
                worker = subprocess.Popen([srv.cli, "worker", "run"], env=env, stdout=log,
                                          stderr=subprocess.STDOUT)
            # the page lists the snapshots (S3): a message instead, in bounded time
            page_r, took = timed(lambda: adm.get("/admin/backups"))
            budget = S3_CALLS * call_budget() + SLACK
            msg = form_error(page_r.text)
            t.ok(page_r.status == 200 and msg and took <= budget,
                 "S3 %s: the Backups page says it cannot list the snapshots in %.1f s (budget "
                 "%.1f s): %s" % (name, took, budget, msg[:80]), page_r.text[-800:])
            r = adm.post("/admin/backups/run", {}, csrf_from="/admin/backups")
            t0 = time.time()
            page = ""
            while time.time() - t0 < 60:
                page = adm.get("/admin/backups").text
                if re.search(r'class="tag bad">(failed|interrupted)<', page) or \
                        re.search(r'class="tag">done<', page):
                    break
                time.sleep(0.3)
            took = time.time() - t0
            m = re.search(r"<dt>Message</dt><dd>(.*?)</dd>", page, re.S)
            results.append((name, r.status, took, m and m.group(1)))
            # the worker's poll, the backup process's start, then its S3 calls
            budget = S3_CALLS * call_budget() + SLACK + 2
            t.ok(r.status == 303 and re.search(r'class="tag bad">failed<', page) and m
                 and m.group(1).strip() and took <= budget,
                 "S3 %s: the backup ends failed with a message in %.1f s (budget %.1f s): %s"
                 % (name, took, budget, (m.group(1).strip()[:90] if m else "")), page[-1500:])
            # a job the worker runs itself: Personalize PutEvents for a save
            rid = 1 + len(results)
            last = db_one(srv, "SELECT coalesce(max(id), 0) FROM jobs")
            r = adm.post("/restaurants/%d/save" % rid, {}, csrf_from="/restaurants/%d" % rid)
            t0 = time.time()
            job = None
            while time.time() - t0 < 60:
                job = db_row(srv, "SELECT id, state, attempts, message FROM jobs WHERE id > ? "
                                  "AND type = 'personalize.put_events'", (last,))
                if job and job[1] in ("done", "failed"):
                    break
                time.sleep(0.1)
            took = time.time() - t0
            # Worker.MaxAttempts runs, each one call, with the worker's backoff between them
            budget = WORKER_ATTEMPTS * call_budget() + WORKER_ATTEMPTS * 0.2 + SLACK
            t.ok(r.status == 303 and job and job[1] == "failed" and job[2] == WORKER_ATTEMPTS
                 and job[3] and took <= budget,
                 "Personalize events %s: the worker's job ends failed after %d runs with a "
                 "message in %.1f s (budget %.1f s): %s" % (
                     name, WORKER_ATTEMPTS, took, budget, job and job[3][:80]), job)
        t.ok(worker.poll() is None, "the worker is still running after every fault")
        worker.send_signal(signal.SIGTERM)
        try:
            rc = worker.wait(15)
        except subprocess.TimeoutExpired:
            rc = None
        t.ok(rc is not None, "the worker stops on SIGTERM (rc %s): it never hung" % rc)
    finally:
        if worker and worker.poll() is None:
            worker.kill()
        log.close()


def cognito():
    """Auth.Backend = cognito: log-in while Cognito misbehaves."""
    fs = FaultServer()
    closed = "http://127.0.0.1:%d" % free_port()
    wrap = FcgiWrap()
    pool = "us-east-1_FaUlTs"
    env = dict(AWS_ENV)
    env.update(wrap.env())
    env.update({"FORKCAST_SERVER_PROCS": "1", "FORKCAST_AUTH_BACKEND": "cognito",
                "FORKCAST_AUTH_COGNITO_USERPOOLID": pool,
                "FORKCAST_AUTH_COGNITO_CLIENTID": "faultsclient",
                "FORKCAST_AUTH_COGNITO_ISSUER": "%s/%s" % (fs.url, pool),
                "FORKCAST_AUTH_COGNITO_JWKSURL": "%s/%s/.well-known/jwks.json" % (fs.url, pool),
                "FORKCAST_AWS_ENDPOINT_COGNITOIDENTITYPROVIDER": fs.url})
    srv = Server(env=env)
    try:
        cur = fs.url
        for name, step in modes("json"):
            if name == "throttling":  # Cognito's own throttling error
                step = json_error(400, "TooManyRequestsException", "Rate exceeded")
            url = closed if step is None else fs.url
            if step is not None:
                fs.reset([], default=step)
            if url != cur:
                wrap.restart(srv, 1, env={"FORKCAST_AWS_ENDPOINT_COGNITOIDENTITYPROVIDER": url})
                cur = url
            c = Client(srv)
            r, took = timed(lambda: c.post("/login", {"username": "carla",
                                                      "password": "a-long-password"},
                                           csrf_from="/login"))
            budget = call_budget() + SLACK
            msg = form_error(r.text)
            want = 429 if name == "throttling" else 503
            t.ok(r.status == want and msg and "login" in r.text and took <= budget,
                 "Cognito %s: log-in answers %d with the form and a message in %.1f s (budget "
                 "%.1f s): %s" % (name, want, took, budget, msg[:80]),
                 "%s %s" % (r.status, r.text[-800:]))
    finally:
        reports = srv.stop()
        srv.cleanup()
        fs.stop()
        t.ok(not reports, "no sanitizer reports (Cognito site)", "\n".join(reports)[:3000])


def main():
    site = Site()
    try:
        ec2_and_personalize(site)
        backups(site)
    except Exception:
        t.ok(False, "no exception", traceback.format_exc())
    finally:
        reports = site.stop()
        t.ok(not reports, "no sanitizer reports", "\n".join(reports)[:3000])
    try:
        cognito()
    except Exception:
        t.ok(False, "no exception (Cognito)", traceback.format_exc())


main()
t.done()
