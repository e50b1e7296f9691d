#!/usr/bin/env python3
"""Records sized to their data (issue #15 item 5): a restaurant's text is kept in full, whatever
its size; no fixed buffer of the store cuts it. The demo database gets a restaurant whose hours
(3,000 bytes), address, url, name and cuisines are longer than the buffers the record once held
(1,024, 256, 256, 256 and 512 bytes): as a database written by another tool or a later import
may hold. Its text comes back whole from the API (the restaurant, the search, the saved list)
and the restaurant page, on SQLite and on DynamoDB (where it arrives through
`forkcast dynamodb copy`, which read it into the same record)."""
import html
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fcserver import Server, TAP, signup_with_token  # noqa: E402

t = TAP()
RID = 7
HOURS = "; ".join("Mon-Fri %02d:00-%02d:30" % (h % 24, h % 24) for h in range(160))[:3000]
ADDRESS = "Calle de los Arcos " + "y Portales " * 60  # 679 bytes
URL = "https://example.com/" + "menu/" * 100  # 520 bytes
NAME = "Fonda " + "Grande " * 45  # 321 bytes
CUISINES = ",".join("Cuisine%03d" % i for i in range(70))  # 769 bytes


class LongServer(Server):
    """A demo server whose restaurant RID has the long text (in SQLite before any copy)."""

    def _demo_db(self):
        super()._demo_db()
        db = sqlite3.connect(self.env["FORKCAST_STORE_SQLITE_PATH"])
        db.execute("UPDATE restaurants SET hours = ?, address = ?, url = ?, name = ?, "
                   "cuisines = ? WHERE id = ?", (HOURS, ADDRESS, URL, NAME, CUISINES, RID))
        db.commit()
        db.close()


def api(c, method, path, body=None):
    r = c.api(method, path, body)
    try:
        return r.status, json.loads(r.text)
    except ValueError:
        return r.status, r.text


def whole(j):
    return (isinstance(j, dict) and j.get("hours") == HOURS and j.get("address") == ADDRESS and
            j.get("url") == URL and j.get("name") == NAME and
            ",".join(j.get("cuisines") or []) == CUISINES)


def check(store):
    srv = LongServer(demo=True, store=store)
    try:
        c = signup_with_token(srv, "lupe", "tacos al pastor")
        st, j = api(c, "GET", "/api/v1/restaurants/%d" % RID)
        got = j.get("restaurant", j) if isinstance(j, dict) else j
        t.ok(st == 200 and whole(got),
             "%s: GET /api/v1/restaurants/%d gives the whole hours, address, url, name and "
             "cuisines" % (store, RID),
             (st, len((got or {}).get("hours", "")) if isinstance(got, dict) else str(j)[:300]))
        st, j = api(c, "GET", "/api/v1/restaurants?q=Fonda%20Grande")
        items = j.get("items", []) if isinstance(j, dict) else []
        t.ok(st == 200 and any(x.get("id") == RID and whole(x) for x in items),
             "%s: the search's row is whole" % store, (st, str(j)[:300]))
        st, _ = api(c, "PUT", "/api/v1/saved/%d" % RID)
        st2, j = api(c, "GET", "/api/v1/saved")
        items = j.get("items", []) if isinstance(j, dict) else []
        t.ok(st in (200, 204) and st2 == 200 and any(x.get("id") == RID and whole(x)
                                                     for x in items),
             "%s: the saved list's row is whole" % store, (st, st2, str(j)[:300]))
        page = c.get("/restaurants/%d" % RID)
        text = html.unescape(page.text)
        t.ok(page.status == 200 and HOURS in text and ADDRESS in text and NAME.strip() in text,
             "%s: the restaurant page shows the whole hours, address and name" % store,
             page.status)
        page = c.get("/saved")
        t.ok(page.status == 200 and NAME.strip() in html.unescape(page.text),
             "%s: /saved shows the whole name" % store, page.status)
    except Exception:
        import traceback
        t.ok(False, "%s: no exception" % store, traceback.format_exc())
    finally:
        reports = srv.stop()
        t.ok(not reports, "%s: no sanitizer reports from the FastCGI processes" % store,
             "\n".join(reports)[:3000])
        srv.cleanup()


check("sqlite")
check("dynamodb")
t.done()
