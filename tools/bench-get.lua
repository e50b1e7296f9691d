-- tools/bench-get.lua: wrk script of `make bench` for GET pages and the static file: the
-- request is wrk's own (URL and -H headers, e.g. the session cookie); done() prints the
-- figures as JSON for tools/bench-web.py.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local report = require("bench-report")

function done(summary, latency, requests)
   report.done(summary, latency)
end
