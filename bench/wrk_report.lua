-- wrk script: rotate over the requests in BENCH_REQUESTS_FILE (one JSON object a line:
-- {"method","path","headers","body"}) and print a JSON summary line at the end.
local cjson_ok, cjson = pcall(require, "cjson")
local requests = {}
local counter = 0

local function decode_line(line)
  -- minimal decoder for the lines the harness writes (no cjson on every machine)
  local method = line:match('"method":%s*"([^"]*)"')
  local path = line:match('"path":%s*"([^"]*)"')
  -- the body is the last field the harness writes: take everything up to the closing "}
  local body = line:match('"body":%s*"(.*)"}%s*$')
  local headers = {}
  local hblock = line:match('"headers":%s*(%b{})')
  if hblock then
    for k, v in hblock:gmatch('"([^"]+)":%s*"([^"]*)"') do headers[k] = v end
  end
  if body then body = body:gsub('\\"', '"'):gsub('\\\\', '\\') end
  return method, path, headers, body
end

-- With BENCH_PARTITION set, each wrk thread takes its own share of the lines (line i goes to
-- thread i mod threads), so that no two threads send requests for one resource at once.
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("part", #threads - 1)
end

init = function(args)
  local file = os.getenv("BENCH_REQUESTS_FILE")
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local index = 0
  for line in io.lines(file) do
    if not os.getenv("BENCH_PARTITION") or index % nthreads == part then
      local method, path, headers, body = decode_line(line)
      table.insert(requests, wrk.format(method, path, headers, body))
    end
    index = index + 1
  end
  counter = os.getenv("BENCH_PARTITION") and 0 or math.random(#requests)
end

-- With BENCH_COUNT_STATUS set, count the failing status codes (a Lua call per response, so
-- only where errors must be explained).
failures = {}
if os.getenv("BENCH_COUNT_STATUS") then
  response = function(status, headers, body)
    if status >= 400 then failures[status] = (failures[status] or 0) + 1 end
  end
end

request = function()
  counter = counter % #requests + 1
  return requests[counter]
end

done = function(summary, latency, requests_)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  local statuses = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("failures")) do statuses[status] = (statuses[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(statuses) do table.insert(parts, string.format('"%d": %d', status, n)) end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %f, "errors": %d, "p50": %f, "p99": %f, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, errors, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    table.concat(parts, ", ")))
end
