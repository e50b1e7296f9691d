-- tools/bench-report.lua: shared by the wrk scripts of `make bench` (tools/bench-web.py):
-- done() prints one line "BENCH_JSON {...}" with the run's figures (times in microseconds).
local report = {}

function report.done(summary, latency, extra)
   local e = summary.errors
   local parts = {
      string.format('"requests":%d', summary.requests),
      string.format('"duration_us":%d', summary.duration),
      string.format('"bytes":%d', summary.bytes),
      string.format('"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}',
                    e.connect, e.read, e.write, e.status, e.timeout),
      string.format('"latency_us":{"min":%d,"mean":%.1f,"max":%d,"stdev":%.1f,"p50":%d,"p90":%d,"p99":%d}',
                    latency.min, latency.mean, latency.max, latency.stdev,
                    latency:percentile(50), latency:percentile(90), latency:percentile(99)),
   }
   for k, v in pairs(extra or {}) do
      parts[#parts + 1] = string.format('"%s":%d', k, v)
   end
   io.write("BENCH_JSON {" .. table.concat(parts, ",") .. "}\n")
end

return report
