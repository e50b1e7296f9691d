#!/usr/bin/env python3
"""dynamodb_faults.t - the site on the DynamoDB backend while DynamoDB misbehaves: the proxy
in front of dynalite (t/lib/dynalite.py) answers 500, 503, ThrottlingException,
ProvisionedThroughputExceededException or hangs past the client's timeout, or never answers; or the endpoint is a closed port. Retried faults
end in success, with every attempt counted on the wire (one invocation, attempt=N, backoff
within the full-jitter bounds); when the retries run out the person sees the error page with
its request id (503, "the database is not answering") and nothing is reported saved that was not (the write is absent, or the old
text kept), and the next request works again. An endpoint whose Query and Scan pages never
end (the same LastEvaluatedKey again, or a new one every time) gets the same 503 page after
2 pages, or Store.DynamoDB.MaxPages, with one log line, instead of a request that never ends.
Prints TAP."""
import json
import os
import re
import shutil
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
from dynalite import available  # noqa: E402
from fault_server import free_port  # noqa: E402
from fcgi_wrap import FcgiWrap  # noqa: E402
from fcserver import Client, Server, TAP, multipart  # noqa: E402

t = TAP()
MAX_ATTEMPTS, BASE_MS, CAP_MS = 5, 20, 160
SLACK = 3.0  # seconds for the page itself (ASan build, shared machine)
DOWN = "database is not answering right now"
ENV = {
    "FORKCAST_AWS_RETRY_MAXATTEMPTS": str(MAX_ATTEMPTS),
    "FORKCAST_AWS_RETRY_BASEMS": str(BASE_MS),
    "FORKCAST_AWS_RETRY_CAPMS": str(CAP_MS),
    "FORKCAST_AWS_TIMEOUT_TOTALMS": "1500",
    # no background writes that could take an injected fault meant for a page
    "FORKCAST_METRICS_FLUSHSECONDS": "100000",
    "FORKCAST_REC_REFRESHSECONDS": "100000",
    "FORKCAST_SERVER_PROCS": "1",
}


def small_uci(dirname):
    """The tests' small UCI data set, plus the hours file the importer wants."""
    src = os.path.join(HERE, "data", "rec", "uci")
    for name in os.listdir(src):
        shutil.copy(os.path.join(src, name), dirname)
    with open(os.path.join(dirname, "chefmozhours4.csv"), "w") as f:
        f.write("placeID,hours,days\n")


def review(c, rid, stars, body):
    data, ct = multipart({"csrf": c.csrf("/restaurants/%d" % rid), "stars": str(stars),
                          "body": body}, {"photo": ("", "application/octet-stream", b"")})
    return c.request("POST", "/restaurants/%d/review" % rid, body=data,
                     headers={"Content-Type": ct})


def paging_answer(n):
    """A Query or Scan page with no items and LastEvaluatedKey number n."""
    return json.dumps({"Items": [], "Count": 0, "ScannedCount": 0,
                       "LastEvaluatedKey": {"pk": {"S": "REST#0"}, "sk": {"S": "PAGE#%d" % n},
                                            "n": {"N": str(n)}}})


def page_of(req):
    """The number of the LastEvaluatedKey a request starts from (0: none)."""
    return int(req.get("ExclusiveStartKey", {}).get("n", {}).get("N", "0"))


def calls_of(dl, op):
    """The calls of op, without the view events of logged-in restaurant pages (written after
    the answer, one TransactWriteItems each: not the write under test)."""
    return [r for r in dl.requests if r["op"] == op and not is_view(r.get("body") or b"")]


def is_view(body):
    return b'"EV#' in body


def main():
    why = available()
    if why:
        t.ok(True, "DynamoDB faults # SKIP %s" % why)
        return
    wrap = FcgiWrap()
    srv = Server(store="dynamodb", env=dict(ENV, **wrap.env()))
    uci = tempfile.mkdtemp(prefix="fc-uci-")
    try:
        dl = srv.dynalite
        dl.keep_bodies = True  # calls_of tells the view events apart
        small_uci(uci)
        srv.run_cli("import-uci", uci)
        a = Client(srv)
        r = a.post("/login", {"username": "u9001", "password": "forkcast-demo"})
        t.ok(r.status == 303, "a demo user logs in (DynamoDB backend)", r.status)
        rid = int(re.search(r'href="/restaurants/(\d+)"', a.get("/restaurants").text).group(1))
        page = "/restaurants/%d" % rid

        # 1. every kind of fault once, then success: the review is saved and says so
        dl.reset_log()
        dl.fail(["TransactWriteItems"], [
            {"status": 500, "type": "InternalServerError"},
            {"status": 503, "type": "ServiceUnavailable", "body": ""},
            {"status": 400, "type": "ThrottlingException", "message": "Rate exceeded"},
            {"status": 400, "type": "ProvisionedThroughputExceededException"},
        ], times=1, match=lambda body: not is_view(body))
        r = review(a, rid, 4, "Saved after four faults")
        tx = calls_of(dl, "TransactWriteItems")
        t.ok(r.status == 303, "500, 503, throttling and throughput faults are retried: the "
             "review is saved (303)", "%s %s" % (r.status, r.text[:300]))
        t.ok("Saved after four faults" in a.get(page).text, "the saved review is on the page")
        t.ok(len(tx) == 5 and [x["status"] for x in tx] == [500, 503, 400, 400, 200],
             "the proxy saw 4 faults then the success", [(x["status"], x["attempt"]) for x in tx])
        t.ok([x["attempt"] for x in tx] == ["attempt=%d; max=%d" % (i, MAX_ATTEMPTS)
                                            for i in range(1, 6)]
             and len({x["invocation"] for x in tx}) == 1,
             "one call, attempts 1 to 5 (amz-sdk-request), one invocation id",
             [(x["attempt"], x["invocation"]) for x in tx])
        gaps = [tx[i + 1]["time"] - tx[i]["time"] for i in range(len(tx) - 1)]
        bounds = [min(CAP_MS, BASE_MS * 2 ** i) / 1000.0 for i in range(len(gaps))]
        t.ok(all(g <= b + 0.25 for g, b in zip(gaps, bounds)) and sum(gaps) <= sum(bounds) + 0.5,
             "backoff between attempts within full jitter's bounds (%s s)"
             % ", ".join("%.3f<=%.3f" % gb for gb in zip(gaps, bounds)))

        # 2. a hang past the client's timeout, then success
        dl.reset_log()
        dl.fail(["TransactWriteItems"], [{"status": 200, "delay": 3.0, "body": "{}"}], times=1,
                match=lambda body: not is_view(body))
        t0 = time.time()
        r = review(a, rid, 5, "Saved after a timeout")
        took = time.time() - t0
        tx = calls_of(dl, "TransactWriteItems")
        t.ok(r.status == 303 and "Saved after a timeout" in a.get(page).text,
             "a hang past AWS.Timeout.TotalMs is retried: saved", r.status)
        t.ok(len(tx) == 2 and tx[1]["attempt"].startswith("attempt=2") and 1.4 < took < 10,
             "the timed-out attempt was abandoned after ~1.5 s and tried again (%.1f s)" % took,
             [(x["status"], x["attempt"]) for x in tx])

        # 3. faults that do not stop: the retries run out, the person is told, nothing lies
        dl.reset_log()
        dl.fail(["TransactWriteItems"], [{"status": 500, "type": "InternalServerError"}],
                times=None, match=lambda body: not is_view(body))
        r = review(a, rid, 1, "This edit is lost")
        tx = calls_of(dl, "TransactWriteItems")
        dl.clear_faults()
        t.ok(r.status == 503 and DOWN in r.text and r.getheader("Retry-After")
             and re.search(r"Request id: <code>[0-9a-f]{16}</code>", r.text),
             "retries run out: the 503 page 'the database is not answering' with the request "
             "id and Retry-After, not a redirect",
             "%s %s" % (r.status, r.text[:400]))
        t.ok(len(tx) == MAX_ATTEMPTS, "exactly AWS.Retry.MaxAttempts attempts (%d)" % len(tx),
             [(x["status"], x["attempt"]) for x in tx])
        text = a.get(page).text
        t.ok("This edit is lost" not in text and "Saved after a timeout" in text,
             "no lost write reported as success: the old review is still the one shown")
        logs = srv.logs()
        t.ok(re.search(r"dynamodb: TransactWriteItems on table \S+ failed after %d attempt\(s\): "
                       r"InternalServerError" % MAX_ATTEMPTS, logs),
             "the failure is logged with the operation, attempts and the AWS error code",
             logs[-1500:])

        # 4. a new write that cannot be made: the save is not reported done
        dl.fail(["PutItem"], [{"status": 400, "type": "ProvisionedThroughputExceededException"}],
                times=None)
        r = a.post("/restaurants/%d/save" % rid, {}, csrf_from=page)
        dl.clear_faults()
        t.ok(r.status == 503 and DOWN in r.text,
             "throttled until the retries run out: the save is refused with the 503 page",
             r.status)
        t.ok("Your list is empty" in a.get("/saved").text, "and nothing was saved")

        # 5. reads that keep timing out: the error page, in bounded time
        dl.fail(["Query"], [{"status": 200, "delay": 2.0, "body": "{}"}], times=None)
        t0 = time.time()
        r = a.get(page)
        took = time.time() - t0
        dl.clear_faults()
        t.ok(r.status == 503 and DOWN in r.text,
             "a page whose reads keep timing out shows the 503 page", r.status)
        t.ok(took < MAX_ATTEMPTS * 2.2 + 3, "after the attempts' timeouts (%.1f s)" % took)

        # 6. afterwards everything works again
        r = a.get(page)
        t.ok(r.status == 200 and "Saved after a timeout" in r.text,
             "once DynamoDB answers again, the page works", r.status)

        # 7. accepting the connection and never answering: the same bound as the timeouts
        dl.fail(["Query"], [{"status": 200, "delay": 60, "body": "{}"}], times=None)
        t0 = time.time()
        r = a.get(page)
        took = time.time() - t0
        dl.clear_faults()
        budget = MAX_ATTEMPTS * 1.5 + sum(min(CAP_MS, BASE_MS * 2 ** n)
                                          for n in range(MAX_ATTEMPTS - 1)) / 1000.0 + SLACK
        t.ok(r.status == 503 and DOWN in r.text and took <= budget,
             "DynamoDB never answering: the error page in %.1f s (budget %.1f s: %d attempts "
             "of AWS.Timeout.TotalMs 1.5 s, backoff, slack)" % (took, budget, MAX_ATTEMPTS),
             r.status)

        # 7b. the same with a call budget (AWS.Timeout.CallMs 2 s): the retries stop when
        # the budget is spent, well before the attempts' own limits (the bound above)
        wrap.restart(srv, 1, env={"FORKCAST_AWS_TIMEOUT_CALLMS": "2000"})
        dl.fail(["Query"], [{"status": 200, "delay": 60, "body": "{}"}], times=None)
        t0 = time.time()
        r = a.get(page)
        took = time.time() - t0
        dl.clear_faults()
        t.ok(r.status == 503 and DOWN in r.text and 1.9 <= took <= 2.0 + SLACK < budget - 2,
             "with AWS.Timeout.CallMs = 2000 the error page comes in %.1f s (budget %.1f s; "
             "%.1f s without it)" % (took, 2.0 + SLACK, budget), r.status)
        wrap.restart(srv, 1)

        # 8. an endpoint that keeps sending a LastEvaluatedKey: the error page, not a loop
        for what, body, env, limit in (
                ("the same LastEvaluatedKey every time", paging_answer(1), None, 2),
                ("a new LastEvaluatedKey every time (Store.DynamoDB.MaxPages 25)",
                 lambda req: paging_answer(page_of(req) + 1),
                 {"FORKCAST_STORE_DYNAMODB_MAXPAGES": "25"}, 25)):
            if env:
                wrap.restart(srv, 1, env=env)
            before = len(srv.logs())
            dl.reset_log()
            dl.fail(["Query", "Scan"], [{"status": 200, "body": body}], times=None)
            t0 = time.time()
            try:
                r = a.get(page)
            finally:
                dl.clear_faults()
            took = time.time() - t0
            logs = srv.logs()[before:]
            calls = len(calls_of(dl, "Query")) + len(calls_of(dl, "Scan"))
            stops = re.findall(r"dynamodb: (?:Query|Scan) on table \S+ stopped after page "
                               r"(\d+): .*LastEvaluatedKey", logs)
            t.ok(r.status == 503 and DOWN in r.text and took < SLACK + 2 and calls <= 2 * limit
                 and stops == [str(limit)],
                 "%s: the 503 page in %.1f s after %d calls, one log line saying why"
                 % (what, took, calls), "%s %s\n%s" % (r.status, r.text[:200], logs[-1500:]))
            if env:
                wrap.restart(srv, 1)
        r = a.get(page)
        t.ok(r.status == 200 and "Saved after a timeout" in r.text,
             "the endpoint paging again: the page works", r.status)

        # 9. a closed port (the FastCGI process started again with the endpoint moved)
        closed = "http://127.0.0.1:%d" % free_port()
        wrap.restart(srv, 1, env={"FORKCAST_AWS_ENDPOINT_DYNAMODB": closed})
        t0 = time.time()
        r = a.get(page)
        took = time.time() - t0
        t.ok(r.status == 503 and DOWN in r.text and took <= budget,
             "DynamoDB refusing connections: a %d page in %.1f s (budget %.1f s)"
             % (r.status, took, budget), r.text[:300])
        wrap.restart(srv, 1)
        r = a.get(page)
        t.ok(r.status == 200 and "Saved after a timeout" in r.text,
             "the endpoint back: the page works again", r.status)
    except Exception:
        t.ok(False, "no exception", traceback.format_exc())
    finally:
        reports = srv.stop()
        t.ok(not reports, "no sanitizer reports from the FastCGI processes",
             "\n".join(reports)[:3000])
        srv.cleanup()
        shutil.rmtree(uci, ignore_errors=True)


main()
t.done()
