-- wrk script for the benchmarks (see benchmarks/load.py).
-- BENCH_BODY set: every request is a JSON POST of it (a GraphQL query); unset: wrk's GET.
-- Counts requests sent (wrk counts only completed ones; the ones in flight when it stops
-- still reach the upstreams) and "bad" responses (non-200, or a body carrying GraphQL
-- "errors") per thread, and prints one machine-readable summary line, BENCH_JSON {...},
-- with p50/p95/p99 in µs (wrk's own text output has no p95).

local body = os.getenv("BENCH_BODY")
if body ~= nil and body ~= "" then
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

bad = 0
sent = 0
local threads = {}
local prepared = nil

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  prepared = wrk.format()  -- built once: the same request every time
end

function request()
  sent = sent + 1
  return prepared
end

function response(status, headers, response_body)
  if status ~= 200 or string.find(response_body, '"errors"', 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local bad_total, sent_total = 0, 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    sent_total = sent_total + thread:get("sent")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "sent": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"bad_responses": %d}\n',
    summary.requests, sent_total, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout,
    bad_total))
end
