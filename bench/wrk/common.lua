-- Shared by the wrk scripts: each thread takes every n-th line of an input file, counts status
-- codes itself (wrk's own summary counts 3xx as success; a login redirect must be an error),
-- and done() prints one JSON line the harness parses.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function read_lines(path, first, count)
  local lines = {}
  local index = 0
  for line in io.lines(path) do
    if index >= first and (count <= 0 or index < first + count) and line ~= "" then
      table.insert(lines, line)
    end
    index = index + 1
  end
  return lines
end

function split(line, sep)
  local fields = {}
  for field in string.gmatch(line, "([^" .. sep .. "]+)") do
    table.insert(fields, field)
  end
  return fields
end

ok, redirects, client_errors, server_errors, used = 0, 0, 0, 0, 0

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  elseif status < 400 then
    redirects = redirects + 1
  elseif status < 500 then
    client_errors = client_errors + 1
  else
    server_errors = server_errors + 1
  end
end

function done(summary, latency, requests)
  local totals = {ok = 0, redirects = 0, client_errors = 0, server_errors = 0, wrapped = 0}
  for _, thread in ipairs(threads) do
    totals.ok = totals.ok + thread:get("ok")
    totals.redirects = totals.redirects + thread:get("redirects")
    totals.client_errors = totals.client_errors + thread:get("client_errors")
    totals.server_errors = totals.server_errors + thread:get("server_errors")
    totals.wrapped = totals.wrapped + (thread:get("wrapped") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"ok":%d,"redirects":%d,"client_errors":%d,' ..
    '"server_errors":%d,"wrapped":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,' ..
    '"timeouts":%d,"p50_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, totals.ok, totals.redirects,
    totals.client_errors, totals.server_errors, totals.wrapped, e.connect, e.read, e.write,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
