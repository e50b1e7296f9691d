"""personalize_double: a TEST DOUBLE of Amazon Personalize's two data-plane endpoints for
forkcast's tests (not an emulator: moto has no Personalize). Two loopback HTTP servers:

* personalize-runtime: POST /recommendations (GetRecommendations) answers
  {"itemList": [{"itemId", "score"}], "recommendationId"} from `items` (per userId, else the
  default list);
* personalize-events: POST /events (PutEvents) records the events it accepts.

Every request is checked like AWS would, and each problem is recorded in `problems` (a test
asserts it stays empty) and answered as AWS does (400 InvalidInputException, 403
InvalidSignatureException / UnrecognizedClientException):

* SigV4: `Authorization: AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/personalize/aws4_request,
  SignedHeaders=..., Signature=...` with the double's access key, the service name
  `personalize` (both endpoints sign as personalize) and the region in the scope, an
  `X-Amz-Date` within 15 minutes of now whose day is the scope's, host and x-amz-date signed,
  and the signature recomputed with botocore's SigV4 for the double's secret;
* the body: application/json; GetRecommendations: exactly one of campaignArn / recommenderArn
  (the configured one), userId, numResults 1..500, filterArn when one is configured (and
  never otherwise), context a map of strings, nothing else; PutEvents: the configured
  trackingId, userId, sessionId, eventList of 1..10 events {eventType, sentAt (seconds),
  itemId, eventValue (number), eventId...}, nothing else.

Faults: `runtime_mode` "ok" | "slow" (answers after `slow_seconds`) | "error" (500) |
"notfound" (404 ResourceNotFoundException) | "garbage" (200, not JSON);
`events_mode` "ok" | "error" (500) | "invalid" (400) | "slow"; `events_fail_next(n)`: the
next n PutEvents calls answer 500 (then "ok" again).

Use: d = PersonalizeDouble(campaign_arn=..., tracking_id=...); env.update(d.env());
d.set_items(["12", "7"]); ... d.calls("recommendations"); d.events; d.problems; d.stop().
Standalone: python3 t/lib/personalize_double.py (prints both URLs, serves until ^C)."""
import datetime
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

KEY_ID = "AKIAPERSONALIZEDOUBLE"
SECRET = "pErSoNaLiZe/DoUbLe+SeCrEt/0123456789abcdef"
REGION = "us-east-1"
EVENT_KEYS = {"eventId", "eventType", "eventValue", "impression", "itemId", "metricAttribution",
              "properties", "recommendationId", "sentAt"}


def _check_signature(rec, base_url):
    """None when the request is signed correctly for the double, else what is wrong."""
    from fault_server import sigv4_check
    h = rec["headers"]
    auth = h.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "no AWS4-HMAC-SHA256 Authorization header"
    try:
        fields = dict(p.strip().split("=", 1)
                      for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
        akid, day, region, service, term = fields["Credential"].split("/")
        signed = fields["SignedHeaders"].split(";")
        fields["Signature"]
    except (ValueError, KeyError):
        return "malformed Authorization header"
    if akid != KEY_ID:
        return "unknown access key id %s" % akid
    if service != "personalize" or term != "aws4_request":
        return "credential scope names service %r (%r), not personalize" % (service, term)
    if region != REGION:
        return "credential scope region %r, not %r" % (region, REGION)
    amz = h.get("X-Amz-Date", "")
    try:
        when = datetime.datetime.strptime(amz, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc)
    except ValueError:
        return "bad or missing X-Amz-Date %r" % amz
    if amz[:8] != day:
        return "X-Amz-Date %s is not the scope's day %s" % (amz, day)
    if abs(time.time() - when.timestamp()) > 900:
        return "X-Amz-Date %s is more than 15 minutes off" % amz
    if "host" not in signed or "x-amz-date" not in signed:
        return "host and x-amz-date must be signed (%s)" % ";".join(signed)
    return sigv4_check(rec, SECRET, base_url)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def _send(self, status, body, error_type=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("x-amzn-RequestId", "double-%d" % time.monotonic_ns())
            if error_type:
                self.send_header("x-amzn-ErrorType", error_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (its timeout) and closed the connection

    def _error(self, status, code, message):
        self._send(status, {"__type": code, "message": message}, code)

    def do_POST(self):
        d = self.server.double
        kind = self.server.kind
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        rec = {"kind": kind, "method": self.command, "path": self.path, "headers": self.headers,
               "header_list": list(self.headers.items()), "body": body, "time": time.time()}
        with d.lock:
            d.requests.append(rec)
        problem = _check_signature(rec, self.server.url)
        if problem:
            d._problem(kind, problem)
            return self._error(403, "InvalidSignatureException", problem)
        want = "/recommendations" if kind == "runtime" else "/events"
        if self.path != want:
            d._problem(kind, "POST %s on the %s endpoint" % (self.path, kind))
            return self._error(404, "UnknownOperationException", "no such operation")
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("application/json"):
            d._problem(kind, "Content-Type %r" % ctype)
            return self._error(400, "InvalidInputException", "bad Content-Type")
        try:
            req = json.loads(body.decode("utf-8"))
        except ValueError:
            d._problem(kind, "the body is not JSON")
            return self._error(400, "InvalidInputException", "the body is not JSON")
        rec["json"] = req
        if kind == "runtime":
            return self._recommendations(d, rec, req)
        return self._events(d, rec, req)

    def do_GET(self):
        self.server.double._problem(self.server.kind, "GET %s" % self.path)
        self._error(404, "UnknownOperationException", "no such operation")

    do_PUT = do_DELETE = do_GET

    def _recommendations(self, d, rec, req):
        problem = d.check_recommendations(req)
        if problem:
            d._problem("runtime", problem)
            return self._error(400, "InvalidInputException", problem)
        mode = d.runtime_mode
        if mode == "slow":
            time.sleep(d.slow_seconds)
        elif mode == "error":
            return self._error(500, "InternalServerError", "the double fails on purpose")
        elif mode == "notfound":
            return self._error(404, "ResourceNotFoundException", "no such campaign")
        elif mode == "garbage":
            return self._send(200, b"<html>not json</html>")
        with d.lock:
            items = list(d.items.get(req["userId"], d.default_items))
            d.served += 1
            rid = "rid-%d" % d.served
        out = [{"itemId": str(i), "score": round(1.0 / (k + 2), 4)}
               for k, i in enumerate(items[:req["numResults"]])]
        rec["answered"] = out
        self._send(200, {"itemList": out, "recommendationId": rid})

    def _events(self, d, rec, req):
        problem = d.check_events(req)
        if problem:
            d._problem("events", problem)
            return self._error(400, "InvalidInputException", problem)
        with d.lock:
            fail = d.events_fail > 0 or d.events_mode == "error"
            if d.events_fail > 0:
                d.events_fail -= 1
            mode = d.events_mode
        if mode == "slow":
            time.sleep(d.slow_seconds)
        if fail:
            rec["failed"] = True
            return self._error(500, "InternalServerError", "the double fails on purpose")
        if mode == "invalid":
            return self._error(400, "InvalidInputException", "the double refuses on purpose")
        with d.lock:
            for ev in req["eventList"]:
                d.events.append({"trackingId": req["trackingId"], "userId": req["userId"],
                                 "sessionId": req["sessionId"], "event": ev})
        self._send(200, b"")


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class PersonalizeDouble:
    def __init__(self, campaign_arn=None, recommender_arn=None, filter_arn=None,
                 tracking_id="forkcast-tracker-0001"):
        self.campaign_arn = campaign_arn
        self.recommender_arn = recommender_arn
        self.filter_arn = filter_arn
        self.tracking_id = tracking_id
        self.lock = threading.Lock()
        self.requests = []
        self.problems = []
        self.events = []
        self.items = {}
        self.default_items = []
        self.served = 0
        self.runtime_mode = "ok"
        self.events_mode = "ok"
        self.events_fail = 0
        self.slow_seconds = 1.5
        self._servers = []
        for kind in ("runtime", "events"):
            s = _Server(("127.0.0.1", 0), _Handler)
            s.double, s.kind = self, kind
            s.url = "http://127.0.0.1:%d" % s.server_address[1]
            threading.Thread(target=s.serve_forever, daemon=True).start()
            self._servers.append(s)
        self.runtime_url = self._servers[0].url
        self.events_url = self._servers[1].url

    # ---- the checks --------------------------------------------------------------------------

    def check_recommendations(self, req):
        if not isinstance(req, dict):
            return "the body is not an object"
        extra = set(req) - {"campaignArn", "recommenderArn", "userId", "numResults",
                            "filterArn", "filterValues", "context", "itemId", "promotions",
                            "metadataColumns"}
        if extra:
            return "unknown members %s" % sorted(extra)
        if ("campaignArn" in req) == ("recommenderArn" in req):
            return "exactly one of campaignArn and recommenderArn is required"
        if self.campaign_arn and req.get("campaignArn") != self.campaign_arn:
            return "campaignArn %r, want %r" % (req.get("campaignArn"), self.campaign_arn)
        if self.recommender_arn and req.get("recommenderArn") != self.recommender_arn:
            return "recommenderArn %r, want %r" % (req.get("recommenderArn"),
                                                    self.recommender_arn)
        if not isinstance(req.get("userId"), str) or not req["userId"]:
            return "userId must be a non-empty string"
        n = req.get("numResults")
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 500:
            return "numResults must be an integer in 1..500 (%r)" % (n,)
        if req.get("filterArn") != self.filter_arn:
            return "filterArn %r, want %r" % (req.get("filterArn"), self.filter_arn)
        ctx = req.get("context", {})
        if not isinstance(ctx, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and 0 < len(k) <= 150 and
                len(v) <= 1000 for k, v in ctx.items()):
            return "context must map strings to strings"
        if "itemId" in req:
            return "itemId is for related-items recipes only"
        return None

    def check_events(self, req):
        if not isinstance(req, dict):
            return "the body is not an object"
        extra = set(req) - {"trackingId", "userId", "sessionId", "eventList"}
        if extra:
            return "unknown members %s" % sorted(extra)
        if req.get("trackingId") != self.tracking_id:
            return "trackingId %r, want %r" % (req.get("trackingId"), self.tracking_id)
        for k in ("userId", "sessionId"):
            if not isinstance(req.get(k), str) or not 1 <= len(req[k]) <= 256:
                return "%s must be a string of 1..256 characters" % k
        evs = req.get("eventList")
        if not isinstance(evs, list) or not 1 <= len(evs) <= 10:
            return "eventList must hold 1..10 events"
        for ev in evs:
            if not isinstance(ev, dict):
                return "an event is not an object"
            if set(ev) - EVENT_KEYS:
                return "unknown event members %s" % sorted(set(ev) - EVENT_KEYS)
            if not isinstance(ev.get("eventType"), str) or not ev["eventType"]:
                return "eventType is required"
            at = ev.get("sentAt")
            if not isinstance(at, (int, float)) or isinstance(at, bool) or \
                    not 1e9 < at < 1e10:
                return "sentAt must be a time in seconds (%r)" % (at,)
            if not isinstance(ev.get("itemId"), str) or not ev["itemId"]:
                return "itemId must be a non-empty string"
            v = ev.get("eventValue", 0)
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                return "eventValue must be a number"
            if "eventId" in ev and (not isinstance(ev["eventId"], str) or not ev["eventId"]):
                return "eventId must be a non-empty string"
        return None

    def _problem(self, kind, what):
        with self.lock:
            self.problems.append("%s: %s" % (kind, what))

    # ---- for tests -----------------------------------------------------------------------------

    def env(self):
        """Environment for forkcast processes talking to the double."""
        return {"AWS_ENDPOINT_URL_PERSONALIZE_RUNTIME": self.runtime_url,
                "AWS_ENDPOINT_URL_PERSONALIZE_EVENTS": self.events_url,
                "AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET,
                "AWS_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
                "AWS_CONFIG_FILE": "/nonexistent/aws-config"}

    def set_items(self, items, user=None):
        with self.lock:
            if user is None:
                self.default_items = [str(i) for i in items]
            else:
                self.items[str(user)] = [str(i) for i in items]

    def events_fail_next(self, n):
        with self.lock:
            self.events_fail = n

    def calls(self, kind):
        """Requests received by the runtime ("recommendations") or events ("events") server."""
        k = "runtime" if kind == "recommendations" else "events"
        with self.lock:
            return [r for r in self.requests if r["kind"] == k]

    def reset(self):
        with self.lock:
            self.requests, self.problems, self.events = [], [], []
            self.runtime_mode, self.events_mode, self.events_fail = "ok", "ok", 0

    def stop(self):
        for s in self._servers:
            s.shutdown()
            s.server_close()


if __name__ == "__main__":
    d = PersonalizeDouble(campaign_arn="arn:aws:personalize:us-east-1:000000000000:campaign/x")
    print("runtime %s\nevents %s\nkey %s secret %s" % (d.runtime_url, d.events_url, KEY_ID,
                                                       SECRET), flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        for r in d.requests:
            print(r["kind"], r["path"], r.get("json"))
        print("problems:", d.problems)
        d.stop()
