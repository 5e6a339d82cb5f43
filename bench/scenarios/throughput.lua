-- wrk script of bench/scenarios/throughput.py: counts every answer that is not a
-- 2xx as an error (wrk itself ignores 3xx, the login redirect of a lost session) and
-- prints the totals as one line of JSON.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

non2xx = 0 -- a global of each thread's own Lua state, read back by done()

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local status = 0
  for _, thread in ipairs(threads) do
    status = status + thread:get("non2xx")
  end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"p50_us": %.0f, "p95_us": %.0f, "p99_us": %.0f, "max_us": %.0f, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    status, summary.errors.timeout
  ))
end
