-- tools/bench-review.lua: wrk script of `make bench` for the write path: every request posts
-- a review (stars + text, the CSRF token of the logged-in session) to the next restaurant of
-- the list, so each one is a valid form: the first pass writes new reviews, later passes
-- replace the user's review of that place (what the site does with a second review).
-- Arguments after --: CSRF token, comma-separated restaurant ids. The session cookie comes
-- with -H. Responses other than 303 (the redirect after a saved review) are counted.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local report = require("bench-report")

local threads = {}
local csrf, ids, i, n = nil, {}, 0, 0
bad = 0

function setup(thread)
   thread:set("id", #threads)
   threads[#threads + 1] = thread
end

function init(args)
   csrf = args[1]
   for v in string.gmatch(args[2] or "", "%d+") do
      ids[#ids + 1] = v
   end
   -- threads start at different places of the list
   i = (id or 0) * 7919 % #ids
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
   i = i % #ids + 1
   n = n + 1
   local body = string.format("csrf=%s&stars=%d&body=Benchmark+review+number+%d%%2C+still+tasty.",
                              csrf, n % 5 + 1, n)
   return wrk.format("POST", "/restaurants/" .. ids[i] .. "/review", nil, body)
end

function response(status, headers, body)
   if status ~= 303 then
      bad = bad + 1
   end
end

function done(summary, latency, requests)
   local not303 = 0
   for _, t in ipairs(threads) do
      not303 = not303 + (t:get("bad") or 0)
   end
   report.done(summary, latency, {not_303 = not303})
end
