#!/usr/bin/env python3
"""ec2_pages.t - the EC2 admin pages (/admin/instances) through the real lighttpd + FastCGI,
with `forkcast worker` following launches, against the EC2 test double (t/lib/ec2_double.py):
only admins get in; launch answers at once (303 to the instance page, pending, following, a
<meta refresh> fallback and /static/instances.js, no inline script) and the worker takes it
to running with a public IP, recording each state change (NotFound first, pending, running,
then the IP); a form sent twice (one after the other, and at the same time) launches one
instance; the permission check (DryRun) and UnauthorizedOperation; form errors; AWS errors
mapped to clear messages; a RequestLimitExceeded burst is ridden out; the worker killed
(SIGKILL) mid-launch and started again resumes the job; a doomed image ends terminated with
its StateReason; a private subnet ends "running without a public IP"; giving up after the
timeout; stop and terminate through their confirmation pages; the list reads every page;
without any AWS credentials the pages say what to configure (200 on the list)
(NextToken) and filters by state and tag. Prints TAP."""
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ec2_double import PRIVATE_SUBNET, Ec2Double  # noqa: E402
from fcserver import ROOT, Client, Server, TAP  # noqa: E402

PW = "forkcast-demo"
AMI = "ami-0abcdef1234567890"
DOOMED = "ami-0badc0de0badc0de0"
FAST = {
    "FORKCAST_EC2_WAIT_FIRSTMS": "100",
    "FORKCAST_EC2_WAIT_CAPMS": "300",
    "FORKCAST_EC2_PAGESIZE": "5",
    "FORKCAST_WORKER_POLLMS": "50",
    "FORKCAST_WORKER_LEASESECONDS": "2",
    "FORKCAST_WORKER_RETRYBASEMS": "100",
    "FORKCAST_WORKER_RETRYCAPMS": "500",
    "FORKCAST_AWS_RETRY_BASEMS": "5",
    "FORKCAST_AWS_RETRY_CAPMS": "20",
}

t = TAP()
dbl = Ec2Double()
env = dict(dbl.env())
env.update(FAST)
srv = None
workers = []


def start_worker(extra=None):
    e = dict(srv.env)
    e.update(extra or {})
    log = open(os.path.join(srv.dir, "worker-%d.log" % len(workers)), "w")
    p = subprocess.Popen([srv.cli, "worker"], env=e, stdout=log, stderr=subprocess.STDOUT)
    workers.append(p)
    return p


def stop_worker(p, sig=signal.SIGTERM):
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return p.returncode


def worker_logs():
    out = []
    for i in range(len(workers)):
        try:
            with open(os.path.join(srv.dir, "worker-%d.log" % i)) as f:
                out.append(f.read()[-1500:])
        except OSError:
            pass
    return "\n".join(out)


def login(name, password=PW):
    c = Client(srv)
    r = c.post("/login", {"username": name, "password": password}, csrf_from="/login")
    return c, r


def launch_form(c, **fields):
    page = c.get("/admin/instances/launch")
    m = re.search(r'name="nonce" value="([0-9a-f]{32})"', page.text)
    form = {"nonce": m.group(1) if m else "", "image_id": AMI, "instance_type": "t3.micro",
            "count": "1", "name": "", "tags": "", "user_data": "", "security_groups": "",
            "key_name": "", "subnet_id": "", "do": "launch"}
    form.update(fields)
    return form


def launch(c, **fields):
    form = launch_form(c, **fields)
    return form, c.post("/admin/instances/launch", form)


def iid_of(r):
    m = re.match(r"/admin/instances/(i-[0-9a-f]+)$", r.getheader("Location") or "")
    return m.group(1) if m else None


def status(c, iid):
    r = c.get("/admin/instances/%s/status" % iid)
    try:
        return json.loads(r.text)
    except ValueError:
        return {"http": r.status, "text": r.text[:300]}


def wait_status(c, iid, done=lambda s: not s.get("following"), timeout=40):
    deadline = time.time() + timeout
    s = {}
    while time.time() < deadline:
        s = status(c, iid)
        if done(s):
            return s
        time.sleep(0.1)
    return s


def flash(c, r):
    page = c.get(r.getheader("Location")).text
    m = re.search(r'<p class="flash" role="status">(.*?)</p>', page, re.S)
    return m.group(1) if m else ""


def form_error(text):
    m = re.search(r'<p class="form-error" role="alert">(.*?)</p>', text, re.S)
    return m.group(1).strip() if m else ""


def last_list():
    """The last DescribeInstances of a list page (the worker's name an instance)."""
    with dbl.lock:
        return [x for x in dbl.requests if x["action"] == "DescribeInstances"
                and "InstanceId.1" not in x["params"]][-1]


def history_states(s):
    return [h["state"] for h in s.get("history", [])]


BROWSER_JS = r"""
'use strict';
const { chromium } = require('playwright-core');
const [base, id, cookiesJson] = process.argv.slice(2);
const check = (ok, name, diag) =>
  console.log(JSON.stringify({ ok: !!ok, name, diag: diag === undefined ? null : String(diag) }));
async function until(page, fn, ms, arg) {      // survives the page reloading meanwhile
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { if (await page.evaluate(fn, arg)) return true; } catch (e) { /* navigating */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const cookies = JSON.parse(cookiesJson).map(([name, value]) => ({ name, value, url: base }));
    const nojs = await browser.newContext({ javaScriptEnabled: false });
    await nojs.addCookies(cookies);
    const p2 = await nojs.newPage();
    let loads2 = 0;
    p2.on('load', () => loads2++);
    await p2.goto(base + '/admin/instances/' + id);
    await p2.waitForTimeout(6500);
    check(loads2 >= 2, 'browser without scripts: the <meta refresh> reloads the page', loads2);
    await nojs.close();

    const ctx = await browser.newContext();
    await ctx.addCookies(cookies);
    const page = await ctx.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));
    let loads = 0;
    const t0 = Date.now(), log = [];
    page.on('load', () => { loads++; log.push((Date.now() - t0) + 'ms load'); });
    page.on('response', async (r) => {
      if (r.url().endsWith('/status')) {
        const j = await r.json().catch(() => ({}));
        log.push((Date.now() - t0) + 'ms status, history ' + (j.history || []).length);
      }
    });
    await page.goto(base + '/admin/instances/' + id);
    const s0 = (await page.textContent('[data-field="state"]')).trim();
    check(s0 === 'pending', 'browser: the page opens with the instance pending', s0);
    console.log('READY');   // the test starts the worker now
    const first = await page.evaluate(() => document.querySelectorAll('#history li').length);
    const grew = await until(page, (n) => document.querySelectorAll('#history li').length > n,
                             30000, first);
    check(grew && loads === 1, 'browser: instances.js adds the new history lines in place (no reload)',
          'grew=' + grew + ' loads=' + loads + ' ' + log.join(', '));
    const done = await until(page, () => !document.querySelector('[data-status-url]') &&
      /^54\./.test((document.querySelector('[data-field="public_ip"]') || {}).textContent || ''), 40000);
    check(done && loads >= 2, 'browser: once it runs with its public IP the page reloads itself, done',
          'done=' + done + ' loads=' + loads);
    check(problems.length === 0, 'browser: no console errors (no CSP violation)', problems.join('\n'));
  } finally {
    await browser.close();
  }
})().catch((e) => { check(false, 'the browser script ran', e.stack); process.exit(1); });
"""


def browser_check(adm):
    """instances.js and the <meta refresh> fallback in headless Chromium (playwright-core)."""
    if not os.path.exists("/usr/bin/chromium") or \
            not os.path.isdir(os.path.join(ROOT, "node_modules", "playwright-core")):
        t.ok(True, "instances.js in a browser # SKIP needs /usr/bin/chromium and playwright-core")
        return
    dbl.configure(pending_polls=25)  # long enough to watch the page update in place
    form, r = launch(adm, name="in a browser")
    bid = iid_of(r)
    script = os.path.join(srv.dir, "ec2_browser.js")
    with open(script, "w") as f:
        f.write(BROWSER_JS)
    p = subprocess.Popen(["node", script, "http://127.0.0.1:%d" % srv.port, bid,
                          json.dumps(list(adm.cookies.items()))], cwd=ROOT,
                         env=dict(os.environ, NODE_PATH=os.path.join(ROOT, "node_modules")),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines, w = [], None
    try:
        for line in p.stdout:
            line = line.strip()
            if line == "READY":
                w = start_worker()
            elif line.startswith("{"):
                lines.append(json.loads(line))
        p.wait(60)
    finally:
        if w:
            stop_worker(w)
        dbl.configure(pending_polls=3)
    for c in lines:
        t.ok(c["ok"], c["name"], c["diag"])
    t.ok(p.returncode == 0 and len(lines) == 5, "the browser script ran", p.stderr.read()[-2000:])


def main():
    global srv
    srv = Server(demo=True, env=env)

    # ---- access ----
    anon = Client(srv)
    r = anon.get("/admin/instances")
    t.ok(r.status == 303 and r.getheader("Location").startswith("/login"),
         "anonymous: /admin/instances sends to the log-in page", r.status)
    user, r = login("u1001")
    t.ok(r.status == 303, "a demo user logs in", r.status)
    iid0 = "i-0123456789abcdef0"
    gets = ["/admin/instances", "/admin/instances/launch", "/admin/instances/" + iid0,
            "/admin/instances/%s/status" % iid0, "/admin/instances/%s/stop" % iid0,
            "/admin/instances/%s/terminate" % iid0]
    bad = [p for p in gets if user.get(p).status != 403]
    t.ok(not bad, "a non-admin gets 403 on every instance page", bad)
    token = user.csrf("/")
    posts = ["/admin/instances/launch", "/admin/instances/%s/stop" % iid0,
             "/admin/instances/%s/terminate" % iid0]
    bad = [p for p in posts if user.post(p, {"csrf": token, "image_id": AMI}).status != 403]
    t.ok(not bad and dbl.count() == 0,
         "a non-admin's POSTs get 403 and never reach EC2", (bad, dbl.count()))

    adm, r = login("admin")
    t.ok(r.status == 303, "admin logs in", r.status)
    r = adm.get("/admin/instances")
    t.ok(r.status == 200 and "No instances" in r.text and 'href="/admin/instances/launch"' in r.text,
         "the list is empty and offers the launch form", r.text[-800:])
    r2 = adm.request("POST", "/admin/instances/launch", form=launch_form(adm))
    t.ok(r2.status == 403, "a launch without the CSRF token is refused (403)", r2.status)

    # ---- form checks and the permission check ----
    before = dbl.count("RunInstances")
    r = adm.post("/admin/instances/launch", launch_form(adm, image_id="", instance_type="T3 MICRO",
                                                     count="99", tags="no equals sign"))
    t.ok(r.status == 400 and all("err-%s" % f in r.text for f in
                                 ("image_id", "instance_type", "count", "tags"))
         and dbl.count("RunInstances") == before,
         "invalid fields: 400, each field says what is wrong, EC2 not called", r.text[-1500:])
    r = adm.post("/admin/instances/launch", launch_form(adm, do="check"))
    t.ok(r.status == 200 and "Permission check passed" in r.text
         and dbl.count("RunInstances", DryRun="true") == 1,
         "'Check permissions' sends RunInstances with DryRun=true: DryRunOperation means yes",
         r.text[-1200:])
    dbl.configure(unauthorized=("RunInstances",))
    r = adm.post("/admin/instances/launch", launch_form(adm, do="check"))
    dbl.configure(unauthorized=())
    t.ok(r.status == 400 and "IAM permission" in form_error(r.text)
         and "Encoded authorization" not in r.text,
         "UnauthorizedOperation on the check: a clear message pointing at the IAM policy",
         form_error(r.text))
    for img, itype, want in [("ami-nothex", "t3.micro", "not a valid AMI id"),
                             ("ami-00000000000000000", "t3.micro", "does not exist in this region"),
                             (AMI, "t3.bogus", "refused a value"),
                             (AMI, "p5.48xlarge", "no spare capacity")]:
        r = adm.post("/admin/instances/launch", launch_form(adm, image_id=img, instance_type=itype))
        t.ok(r.status in (400, 503) and want in form_error(r.text)
             and 'value="%s"' % img in r.text,
             "launch refused by EC2 (%s / %s): '%s', form kept" % (img, itype, want),
             (r.status, form_error(r.text)))
    dbl.configure(instance_limit=0)
    r = adm.post("/admin/instances/launch", launch_form(adm))
    dbl.configure(instance_limit=20)
    t.ok(r.status == 400 and "limit of running instances" in form_error(r.text),
         "InstanceLimitExceeded: a clear message", form_error(r.text))

    # ---- launch: answers at once, the page follows ----
    t0 = time.time()
    form, r = launch(adm, name="web <1>", tags="env=prod\nteam = food & drink",
                     user_data="#!/bin/sh\necho 'hello' > /tmp/hello\n",
                     security_groups="sg-0123456789abcdef0, web", key_name="ops")
    took = time.time() - t0
    iid = iid_of(r)
    t.ok(r.status == 303 and iid and took < 5,
         "launch answers at once: 303 to the instance page (%.2f s)" % took,
         (r.status, r.getheader("Location"), r.text[:300]))
    inst = dbl.instances.get(iid)
    import base64
    t.ok(inst is not None and ("Name", "web <1>") in inst.tags and ("env", "prod") in inst.tags
         and ("team", "food & drink") in inst.tags and inst.key == "ops"
         and inst.groups == ["sg-0123456789abcdef0", "web"]
         and base64.b64decode(inst.user_data) == b"#!/bin/sh\necho 'hello' > /tmp/hello\n"
         and len(inst.token) == 64,
         "RunInstances carried the tags, key pair, groups, base64 user data and a ClientToken",
         inst.__dict__ if inst else None)
    page = adm.get("/admin/instances/%s" % iid)
    t.ok(page.status == 200 and "following" in page.text and 'data-field="state">pending' in page.text
         and "web &lt;1&gt;" in page.text and "web <1>" not in page.text,
         "the instance page shows it pending, being followed, the name escaped", page.text[-2500:])
    t.ok('<noscript><meta http-equiv="refresh" content="5"></noscript>' in page.text
         and '<script src="/static/instances.js" defer></script>' in page.text
         and 'data-status-url="/admin/instances/%s/status"' % iid in page.text,
         "the page polls its status with /static/instances.js, <meta refresh> without scripts")
    inline = [s for s in re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
              if "src=" not in s[0] or s[1].strip()]
    t.ok(not inline and not re.search(r"\son[a-z]+=", page.text),
         "no inline script or event handler (CSP default-src 'self')", inline)
    js = adm.get("/static/instances.js")
    t.ok(js.status == 200 and "data-status-url" in js.text
         and "javascript" in (js.getheader("Content-Type") or ""),
         "static/instances.js is served by lighttpd", (js.status, js.getheader("Content-Type")))
    s = status(adm, iid)
    t.ok(s.get("following") is True and s.get("state") == "pending" and s.get("public_ip") == ""
         and history_states(s)[:1] == ["pending"],
         "the JSON status says pending, following, launched (worker not started yet)", s)
    h0 = (s.get("history") or [{}])[0]
    t.ok(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", h0.get("at") or "")
         and h0.get("at") == time.strftime("%Y-%m-%d %H:%M:%S UTC",
                                           time.gmtime(h0.get("at_ms", 0) // 1000)),
         "its history's times: at_ms, and as text in UTC", h0)

    # the same form again, then at the same time from two browsers
    r = adm.post("/admin/instances/launch", form)
    t.ok(r.status == 303 and iid_of(r) == iid and "already sent" in flash(adm, r)
         and dbl.count("RunInstances", ClientToken=inst.token) == 1,
         "the same form sent twice: same instance, EC2 asked once", r.getheader("Location"))
    form2 = launch_form(adm, name="twice")
    res = []

    def send():
        res.append(adm.post("/admin/instances/launch", dict(form2, csrf=adm.csrf("/"))))
    th = [threading.Thread(target=send) for _ in range(2)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    ids = {iid_of(x) for x in res}
    named = [i for i in dbl.instances.values() if ("Name", "twice") in i.tags]
    t.ok(len(res) == 2 and all(x.status == 303 for x in res) and len(ids) == 1
         and len(named) == 1,
         "a form sent twice at the same time launches one instance (idempotent ClientToken)",
         ([x.status for x in res], ids, len(named)))
    twice = named[0].id if named else None

    # ---- the worker follows both to running with a public IP ----
    w = start_worker()
    s = wait_status(adm, iid)
    states = history_states(s)
    details = " | ".join(h["detail"] for h in s.get("history", []))
    t.ok(s.get("state") == "running" and re.fullmatch(r"54\.\d+\.\d+\.7", s.get("public_ip", ""))
         and s.get("status") == "ready" and not s.get("following"),
         "the worker takes the launch to running with its public IP", (s, worker_logs()))
    t.ok(states == ["pending", "", "pending", "running", "running"]
         and "launched by admin" in s["history"][0]["detail"]
         and "not visible yet" in s["history"][1]["detail"],
         "history: launched, not visible yet (NotFound), pending, running, public IP",
         (states, details))
    t.ok([h["state"] for h in s["history"][-2:]] == ["running", "running"]
         and "no public IP yet" in s["history"][-2]["detail"]
         and "public IP %s assigned" % s["public_ip"] in s["history"][-1]["detail"],
         "the public IP is recorded when it comes, a poll after running",
         s["history"][-2:])
    nf = [x for x in dbl.requests if x["action"] == "DescribeInstances"
          and x["params"].get("InstanceId.1") == iid]
    t.ok(nf and nf[0]["code"] == "InvalidInstanceID.NotFound"
         and all(x["status"] == 200 for x in nf[1:]),
         "the double answered NotFound to the first describe only; the worker went on",
         [(x["status"], x["code"]) for x in nf])
    gaps = [b["time"] - a["time"] for a, b in zip(nf, nf[1:])]
    t.ok(len(gaps) >= 3 and all(g >= 0.04 for g in gaps) and max(gaps) <= 1.5,
         "polls are spaced by backoff (first ~0.1 s here, capped at 0.3 s + jitter)", gaps)
    page = adm.get("/admin/instances/%s" % iid)
    t.ok(s["public_ip"] in page.text and "<noscript>" not in page.text
         and "instances.js" not in page.text and "/stop" in page.text,
         "done: the page shows the IP, stops refreshing, offers stop/terminate", page.text[-2000:])
    s2 = wait_status(adm, twice) if twice else {}
    t.ok(s2.get("status") == "ready", "the twice-sent launch is followed once, to running", s2)
    jobs = srv.run_cli("worker", "list", "--type", "ec2.follow")
    t.ok(jobs.count(" done ") >= 2, "the jobs are done in the store (forkcast worker list)", jobs)

    # ---- RequestLimitExceeded burst ----
    form, r = launch(adm, name="throttled")
    tid = iid_of(r)
    dbl.throttle(9)  # more than the client's 4 attempts per call
    s = wait_status(adm, tid)
    t.ok(s.get("status") == "ready" and dbl.count(status=503) >= 9,
         "a RequestLimitExceeded burst (503) is retried with backoff; the launch completes",
         (s, dbl.count(status=503), worker_logs()))

    # ---- worker killed mid-launch, started again: resumes ----
    dbl.configure(pending_polls=12)
    form, r = launch(adm, name="resume me")
    rid = iid_of(r)
    s = wait_status(adm, rid, done=lambda s: "pending" in history_states(s)[1:], timeout=20)
    stop_worker(w, signal.SIGKILL)
    polls_before = len([x for x in dbl.requests if x["params"].get("InstanceId.1") == rid])
    s = status(adm, rid)
    t.ok(s.get("following") and s.get("state") == "pending",
         "worker killed (SIGKILL) while the instance is pending", (s, polls_before))
    time.sleep(0.5)
    quiet = len([x for x in dbl.requests if x["params"].get("InstanceId.1") == rid])
    dbl.configure(pending_polls=3)
    w = start_worker()
    s = wait_status(adm, rid)
    states = history_states(s)
    job = srv.run_cli("worker", "list", "--type", "ec2.follow", "--limit", "1")
    t.ok(s.get("status") == "ready" and quiet == polls_before and states.count("") == 1
         and states.count("running") == 2,
         "a new worker resumes the job from its saved progress to running with an IP",
         (s, quiet, polls_before, states, job))

    # ---- doomed image: terminated with its StateReason ----
    form, r = launch(adm, image_id=DOOMED, name="doomed")
    did = iid_of(r)
    s = wait_status(adm, did)
    t.ok(s.get("status") == "ended" and "shutting-down" in history_states(s)
         and "Internal error on launch" in s.get("message", ""),
         "an instance that goes to terminated is reported with its StateReason", s)
    page = adm.get("/admin/instances/%s" % did)
    t.ok("Internal error on launch" in page.text and 'class="form-error"' in page.text,
         "the instance page says why it ended", page.text[-2000:])

    # ---- private subnet: running, no public IP, said plainly ----
    form, r = launch(adm, subnet_id=PRIVATE_SUBNET, name="private")
    pid = iid_of(r)
    s = wait_status(adm, pid)
    t.ok(s.get("status") == "no-ip" and s.get("state") == "running"
         and "does not assign public IPv4 addresses" in s.get("message", "")
         and dbl.count("DescribeSubnets", **{"SubnetId.1": PRIVATE_SUBNET}) >= 1,
         "a subnet without public IPs: 'running without a public IP', said plainly", s)

    # ---- giving up ----
    stop_worker(w)
    dbl.configure(pending_polls=10000)
    form, r = launch(adm, name="slow")
    sid = iid_of(r)
    w = start_worker({"FORKCAST_EC2_WAIT_TIMEOUTSECONDS": "2"})
    s = wait_status(adm, sid, timeout=30)
    stop_worker(w)
    dbl.configure(pending_polls=3)
    t.ok(s.get("status") == "timeout" and "Gave up after 2 s" in s.get("message", "")
         and "still pending" in s.get("message", ""),
         "after EC2.Wait.TimeoutSeconds the worker gives up with a clear message", s)
    w = start_worker()

    # ---- stop and terminate, each behind a confirmation page ----
    r = adm.get("/admin/instances/%s/stop" % iid)
    t.ok(r.status == 200 and "Stop this instance?" in r.text and 'name="nonce"' in r.text
         and 'name="csrf"' in r.text and dbl.count("StopInstances") == 0,
         "stop asks for confirmation first (nothing sent yet)", r.text[-1500:])
    m = re.search(r'name="nonce" value="([0-9a-f]{32})"', r.text)
    r = adm.post("/admin/instances/%s/stop" % iid, {"nonce": m.group(1), "do": "check"})
    t.ok(r.status == 200 and "Permission check passed" in r.text
         and dbl.count("StopInstances", DryRun="true") == 1 and dbl.state_of(iid) == "running",
         "the stop page's permission check is a DryRun", r.text[-800:])
    r = adm.post("/admin/instances/%s/stop" % iid, {"nonce": m.group(1), "do": "stop"})
    t.ok(r.status == 303 and r.getheader("Location") == "/admin/instances/" + iid,
         "stop confirmed: 303 back to the instance page", r.status)
    s = wait_status(adm, iid)
    t.ok(s.get("state") == "stopped" and s.get("status") == "done"
         and any("stop requested by admin (running -> stopping)" in h["detail"]
                 for h in s["history"]),
         "the worker follows it to stopped; the history says who asked", s)
    page = adm.get("/admin/instances/%s" % iid)
    t.ok("/%s/start" % iid in page.text and "/%s/stop" % iid not in page.text,
         "a stopped instance offers start, not stop", page.text[-1500:])
    r = adm.get("/admin/instances/%s/terminate" % iid)
    m = re.search(r'name="nonce" value="([0-9a-f]{32})"', r.text)
    t.ok("cannot be undone" in r.text and 'class="danger"' in r.text,
         "terminate warns that it cannot be undone")
    r = adm.post("/admin/instances/%s/terminate" % iid, {"nonce": m.group(1), "do": "terminate"})
    s = wait_status(adm, iid)
    t.ok(r.status == 303 and s.get("state") == "terminated"
         and "User initiated shutdown" in json.dumps(s["history"]),
         "terminate confirmed: followed to terminated, with the StateReason", s)

    # ---- the list: every page, filters ----
    dbl.configure(notfound_polls=0)
    form, r = launch(adm, count="7", name="fleet", tags="role=batch")
    r = adm.get("/admin/instances")
    rows = re.findall(r'<tr data-instance="(i-[0-9a-f]+)" data-state="([a-z-]+)"', r.text)
    n_all = len(dbl.instances)
    pages = [x for x in dbl.requests if x["action"] == "DescribeInstances"
             and "MaxResults" in x["params"]]
    t.ok(r.status == 200 and len(rows) == n_all and len({x[0] for x in rows}) == n_all
         and "(%d pages from EC2)" % -(-n_all // 5) in r.text
         and pages[-1]["params"].get("NextToken"),
         "the list reads every page (MaxResults 5, NextToken): all %d instances" % n_all,
         (len(rows), n_all, re.findall(r"\(\d+ pages? from EC2\)", r.text)))
    r = adm.get("/admin/instances?state=terminated")
    rows = re.findall(r'<tr data-instance="(i-[0-9a-f]+)" data-state="([a-z-]+)"', r.text)
    t.ok(rows and all(s == "terminated" for _, s in rows)
         and last_list()["params"].get("Filter.1.Name") == "instance-state-name",
         "filter by state (instance-state-name)", rows)
    r = adm.get("/admin/instances?tag=role%3Dbatch")
    rows = re.findall(r'<tr data-instance="(i-[0-9a-f]+)"', r.text)
    t.ok(len(rows) == 7 and last_list()["params"].get("Filter.1.Name") == "tag:role"
         and last_list()["params"].get("Filter.1.Value.1") == "batch",
         "filter by tag (tag:role = batch): the 7 of the fleet", len(rows))
    r = adm.get("/admin/instances?state=exploded")
    t.ok(r.status == 400, "an unknown state filter is a 400", r.status)
    r = adm.get("/admin/instances/not-an-id")
    r2 = adm.get("/admin/instances/i-0fffffffffffffff0/status")
    t.ok(r.status == 404 and r2.status == 404 and "error" in json.loads(r2.text),
         "a malformed id is 404; an unknown one's status is a JSON 404", (r.status, r2.status))
    dbl.throttle(100)
    r = adm.get("/admin/instances")
    dbl.throttle(0)
    t.ok(r.status == 503 and "throttling" in form_error(r.text),
         "EC2 unreachable (throttled throughout): the list page says so", form_error(r.text))
    stop_worker(w)
    browser_check(adm)


def check_not_configured():
    """Without any AWS credentials (no environment keys, no files, no metadata service) the
    instances pages say politely what to configure, as the backups page does: no 503, no
    address of the metadata service."""
    e = {k: "" for k in os.environ if k.startswith("AWS_")}
    e.update({"AWS_EC2_METADATA_DISABLED": "true", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
              "AWS_CONFIG_FILE": "/nonexistent", "FORKCAST_AWS_REGION": "us-east-1"})
    bare = Server(env=e)
    try:
        c = Client(bare)
        r = c.post("/signup", {"username": "opal", "email": "opal@example.com",
                               "password": "tamales verdes", "password2": "tamales verdes",
                               "display_name": "Opal"}, csrf_from="/signup")
        bare.run_cli("user", "make-admin", "opal")
        r = c.get("/admin/instances")
        t.ok(r.status == 200 and "EC2 is not configured" in r.text and
             "AWS_ACCESS_KEY_ID" in r.text and "169.254" not in r.text and
             "Could not list" not in r.text,
             "no credentials: the list page says what to configure (200, no raw chain)",
             (r.status, r.text[-1500:]))
        r = c.post("/admin/instances/launch", launch_form(c))
        t.ok(r.status == 503 and "EC2 is not configured" in r.text and "169.254" not in r.text,
             "no credentials: a launch says what to configure", (r.status, r.text[-1500:]))
    finally:
        reports = bare.stop()
        t.ok(not reports, "no sanitizer reports (server without credentials)", reports)
        bare.cleanup()


try:
    main()
    check_not_configured()
except Exception:
    t.ok(False, "no exception", traceback.format_exc() + "\n" + (worker_logs() if srv else ""))
finally:
    for p in workers:
        stop_worker(p)
    if srv:
        reports = srv.stop()
        t.ok(not reports, "no sanitizer reports (server and workers)", "\n".join(reports)[:3000])
        srv.cleanup()
    dbl.stop()
t.done()
