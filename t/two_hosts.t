#!/usr/bin/env python3
"""two_hosts.t - two complete forkcast app hosts (own lighttpd, FastCGI processes, data folder
and port) serving one site on one DynamoDB (dynalite) and one S3 bucket (s3rver) for photos,
with nothing shared between them but those and no Server.Secret configured: the site's key
comes from the store (the first host to start stores it, the other reads it).

* log in on A and go on on B with the same cookie;
* a form rendered by A and posted to B is accepted (the CSRF key is the same);
* a review with a photo posted on A is shown with its photo on B;
* a friend request sent on A is accepted on B, and the friend's review is in the feed on
  both hosts;
* a third host configured with a Server.Secret of its own refuses A's form (the key is what
  makes the difference);
* an EC2 launch started on A's admin page, with a worker running on each host (the EC2 test
  double): one follow job, the instance followed to "ready" once, each state change in its
  history once;
* host A killed with SIGKILL (lighttpd and its FastCGI processes) while two writers post
  reviews through A and B: B keeps serving, and every review either host acknowledged (303)
  is there afterwards."""
import collections
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from s3rver import S3rver, s3rver_available  # noqa: E402
from dynalite import available as dynalite_available  # noqa: E402

why = s3rver_available() or dynalite_available()
if why:
    print("1..0 # SKIP %s" % why)
    sys.exit(0)

from fcserver import TAP, Client, Server, multipart  # noqa: E402
from ec2_double import Ec2Double  # noqa: E402

BUCKET = "fc-site-photos"
PW = "tacos al pastor"
t = TAP()
s3 = S3rver()
# one set of keys for all the emulators: s3rver knows only its own
dbl = Ec2Double(key_id="S3RVER", secret="S3RVER", pending_polls=2)
hosts = []
workers = []


def signup(host, name):
    c = Client(host)
    r = c.post("/signup", {"username": name, "email": name + "@example.com", "password": PW,
                           "password2": PW, "display_name": name.capitalize()}, csrf_from="/signup")
    assert r.status == 303, (name, r.status, r.text[:300])
    return c


def same_browser(c, host):
    """The browser c, talking to host (the same cookies)."""
    other = Client(host)
    other.cookies = c.cookies
    return other


try:
    r = subprocess.run(["aws", "--endpoint-url", s3.url, "s3api", "create-bucket", "--bucket", BUCKET], env=s3.env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    photos = s3.env({"FORKCAST_BLOB_BACKEND": "s3", "FORKCAST_BLOB_S3_BUCKET": BUCKET})
    # one set of credentials for both emulators: s3rver knows only its own key, dynalite
    # takes any
    photos = {k: v for k, v in photos.items() if k.startswith(("AWS_", "FORKCAST_"))}
    photos.update({"AWS_ENDPOINT_URL_EC2": dbl.url, "FORKCAST_EC2_WAIT_FIRSTMS": "100",
                   "FORKCAST_EC2_WAIT_CAPMS": "300", "FORKCAST_WORKER_POLLMS": "50"})
    a = Server(demo=True, store="dynamodb", env=photos)
    hosts.append(a)
    # with FORKCAST_TEST_AUTH=cognito (t/two_hosts_cognito.t), A's cognito-local pool is the
    # site's: the other hosts get its settings, not a pool of their own
    photos.update({k: v for k, v in a.env.items()
                   if k.startswith("FORKCAST_AUTH_") or k.endswith("COGNITOIDENTITYPROVIDER")})
    b = Server(dynalite=a.dynalite, env=photos, auth="local")
    hosts.append(b)
    t.ok(a.port != b.port and a.dir != b.dir, "two hosts: own port, own data folder")
    t.ok(not os.path.exists(os.path.join(a.dir, "secret")) and
         not os.path.exists(os.path.join(b.dir, "secret")),
         "neither host made a key of its own (Data.Dir/secret)")

    # log in on A, go on on B
    olga_a = signup(a, "olga")
    if a.cognito:
        t.ok(a.cognito.user(a.pool, "olga"), "olga's account is in the Cognito pool")
    olga_b = same_browser(olga_a, b)
    r = olga_b.get("/feed")
    t.ok(r.status == 200 and "olga" in r.text.lower(), "the session made on A is valid on B",
         r.status)

    # a form from A posted to B
    rests = [int(x) for x in re.findall(r'href="/restaurants/(\d+)"',
                                        Client(a).get("/restaurants").text)]
    token = olga_a.csrf("/u/olga/edit")
    r = olga_b.request("POST", "/u/olga/edit", form={
        "csrf": token, "display_name": "Olga from A", "bio": "", "city": "",
        "visibility": "public"})
    t.ok(r.status == 303, "a form rendered by A is accepted by B", (r.status, r.text[:200]))
    t.ok("Olga from A" in Client(a).get("/u/olga").text, "and A shows what B saved")

    # a review with a photo on A, seen with its photo on B
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF" + os.urandom(1500)
    data, ct = multipart({"csrf": olga_a.csrf("/restaurants/%d" % rests[0]), "stars": "5",
                          "body": "two-hosts-review-5c1d"}, {"photo": ("p.jpg", "image/jpeg", jpeg)})
    r = olga_a.request("POST", "/restaurants/%d/review" % rests[0], body=data,
                       headers={"Content-Type": ct})
    assert r.status == 303, (r.status, r.text[:300])
    page = Client(b).get("/restaurants/%d" % rests[0]).text
    m = re.search(r'src="/photos/([0-9a-f]{64}\.jpg)"', page)
    t.ok("two-hosts-review-5c1d" in page and m, "B shows the review posted on A, with its photo")
    r = Client(b).request("GET", "/photos/" + m.group(1)) if m else None
    t.ok(r is not None and r.status == 200 and r.data == jpeg, "B serves the photo uploaded on A",
         r.status if r else None)

    # a friend request sent on A, accepted on B, in the feed on both
    pia_b = signup(b, "pia")
    r = olga_a.post("/friends/request", {"username": "pia"}, csrf_from="/friends")
    t.ok(r.status == 303, "olga asks pia on A", r.status)
    t.ok("olga" in pia_b.get("/friends").text.lower(), "pia sees the request on B")
    r = pia_b.post("/friends/accept", {"username": "olga"}, csrf_from="/friends")
    t.ok(r.status == 303, "pia accepts on B", r.status)
    pia_a = same_browser(pia_b, a)
    t.ok("two-hosts-review-5c1d" in pia_b.get("/feed").text, "olga's review is in pia's feed on B")
    t.ok("two-hosts-review-5c1d" in pia_a.get("/feed").text, "and on A")

    # a host with a key of its own refuses A's forms
    c = Server(dynalite=a.dynalite, env=dict(photos, FORKCAST_SERVER_SECRET="ab" * 32),
               auth="local")
    hosts.append(c)
    olga_c = same_browser(olga_a, c)
    r = olga_c.request("POST", "/u/olga/edit", form={
        "csrf": olga_a.csrf("/u/olga/edit"), "display_name": "Olga from C", "bio": "",
        "city": "", "visibility": "public"})
    t.ok(r.status == 403, "a host with another Server.Secret refuses A's form", r.status)
    t.ok("Olga from C" not in Client(a).get("/u/olga").text, "and nothing was saved")

    c.stop()
    hosts.remove(c)
    c.cleanup()

    # an EC2 launch on A, a worker on each host
    for h in (a, b):
        workers.append(subprocess.Popen([h.cli, "worker"], env=h.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    ada = signup(a, "ada")
    a.run_cli("user", "make-admin", "ada")
    page = ada.get("/admin/instances/launch").text
    nonce = re.search(r'name="nonce" value="([^"]+)"', page).group(1)
    r = ada.post("/admin/instances/launch", {
        "nonce": nonce, "image_id": "ami-0123456789abcdef0", "instance_type": "t3.micro",
        "count": "1", "name": "followed once", "tags": "", "key_name": "", "security_groups": "",
        "subnet_id": "", "user_data": "", "do": "launch"}, csrf_from="/admin/instances/launch")
    t.ok(r.status == 303, "A launches an instance", r.status)
    iid = r.getheader("Location").rsplit("/", 1)[1]
    ada_b = same_browser(ada, b)

    def followed():
        page = ada_b.get("/admin/instances/" + iid).text
        return "ready" in page and page
    page = None
    deadline = time.time() + 90
    while time.time() < deadline and not page:
        page = followed()
        time.sleep(0.5)
    t.ok(bool(page), "B's admin page shows the instance ready (followed by the workers)")
    jobs = json.loads(a.run_cli("worker", "list", "--type", "ec2.follow", "--json"))
    t.ok(len(jobs) == 1 and jobs[0]["state"] == "done", "one follow job, done", jobs)
    history = re.findall(r"</time> <strong>(\w[\w-]*)</strong> &middot; (.*?)</li>", page or "")
    t.ok(history and len(history) == len(set(history)),
         "each event recorded once although two workers ran", history)
    for w in workers:
        w.terminate()
        w.wait(30)
    workers.clear()

    # SIGKILL under write load
    writers = {"A": signup(a, "wanda"), "B": signup(b, "wilma")}
    acked = {"A": [], "B": []}
    sent = collections.defaultdict(list)  # (host, place): the bodies sent, in order
    after_kill = {"A": 0, "B": 0}
    killed = threading.Event()
    stop = threading.Event()

    def write(name):
        w = writers[name]
        i = 0
        while not stop.is_set():
            rest = rests[i % len(rests)]
            body = "load-%s-%d" % (name, i)
            sent[(name, rest)].append(body)
            try:
                r = w.post("/restaurants/%d/review" % rest, {"stars": "4", "body": body},
                           csrf_from="/restaurants/%d" % rest)
            except OSError:
                if killed.is_set():
                    return  # its host is gone: nothing more is acknowledged
                raise
            if r.status == 303:
                acked[name].append((rest, body))
                if killed.is_set():
                    after_kill[name] += 1
            i += 1

    threads = [threading.Thread(target=write, args=(n,)) for n in ("A", "B")]
    for th in threads:
        th.start()
    time.sleep(3)
    kids = []  # lighttpd's FastCGI processes (read from /proc: no procps needed)
    for d in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % d) as f:
                if d.isdigit() and int(f.read().rsplit(")", 1)[1].split()[1]) == a.proc.pid:
                    kids.append(d)
        except (OSError, ValueError, IndexError):
            pass
    os.kill(a.proc.pid, signal.SIGKILL)
    for k in kids:
        try:
            os.kill(int(k), signal.SIGKILL)
        except ProcessLookupError:
            pass
    killed.set()
    a.proc.wait()
    t.ok(len(kids) >= 1, "A's lighttpd and its %d FastCGI processes were killed" % len(kids))
    time.sleep(3)
    stop.set()
    for th in threads:
        th.join(60)
    t.ok(len(acked["A"]) > 0 and len(acked["B"]) > 0,
         "both hosts acknowledged reviews before the kill (A %d, B %d)"
         % (len(acked["A"]), len(acked["B"])))
    t.ok(after_kill["B"] > 0, "B kept acknowledging after A was killed (%d)" % after_kill["B"])
    # a review per restaurant and person: the last acknowledged body of each place must be there
    last = {}
    for name in ("A", "B"):
        for rest, body in acked[name]:
            last[(name, rest)] = body
    # (or a later one to the same place: a write in flight when A was killed may have landed
    # without its answer, replacing the acknowledged one)
    reader = Client(b)
    missing = []
    for k, v in last.items():
        page = reader.get("/restaurants/%d" % k[1]).text
        later = sent[k][sent[k].index(v):]
        if not any(re.search(re.escape(x) + r"(?!\d)", page) for x in later):
            missing.append((k, v))
    t.ok(not missing, "every acknowledged review is served by B (%d checked)" % len(last),
         missing[:5])

    for h in hosts:
        errs = [l for l in h.logs().splitlines() if "AddressSanitizer" in l or "runtime error" in l]
        t.ok(not errs, "no sanitizer report on host %s" % h.port, errs[:3])
finally:
    for w in workers:
        w.kill()
    dbl.stop()
    for h in reversed(hosts):
        h.stop()
        h.cleanup()
    s3.stop()
t.done()
