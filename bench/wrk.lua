-- wrk script of bench/web.py.
-- Spreads wrk's threads round-robin over the ports in BENCH_PORTS (thread i talks to port
-- i mod n, so with as many threads as ports each Zope client gets the same connections)
-- and prints the summary as one JSON line prefixed "WRK ", with the 95th percentile that
-- wrk's own --latency report does not give.

local host = os.getenv("BENCH_HOST") or "127.0.0.1"
local ports = {}
for port in string.gmatch(os.getenv("BENCH_PORTS") or "", "%d+") do
  table.insert(ports, port)
end
local counter = 0

function setup(thread)
  if #ports > 0 then
    thread.addr = wrk.lookup(host, ports[counter % #ports + 1])[1]
  end
  counter = counter + 1
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, '
      .. '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, '
      .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
