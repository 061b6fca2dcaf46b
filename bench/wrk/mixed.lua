-- wrk script for the mixed, reply and login-flood rows of `make bench` (bench/run.py): each request is one
-- line of a file, picked at random, so wrk asks for many pages with many sessions instead of
-- repeating one request.
--
-- Environment:
--   BENCH_REQUESTS      file with one request per line: "<path>\t<Cookie header>" (cookie may be empty)
--   BENCH_SEED          seed; each thread uses BENCH_SEED * 1000 + its number (default 1)
--   BENCH_METHOD        GET (default) or POST
--   BENCH_BODY_FILE     the body sent with every request (read once, bytes as they are)
--   BENCH_CONTENT_TYPE  its Content-Type
--
-- Prints how many answers each status got ("status 200 1234").

local method = os.getenv("BENCH_METHOD") or "GET"
local content_type = os.getenv("BENCH_CONTENT_TYPE")
local seed = tonumber(os.getenv("BENCH_SEED") or "1") or 1

local body = nil
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  body = f:read("*a")
  f:close()
end

local threads = {}
local requests = {}
local count = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  statuses = {}
  local f = assert(io.open(assert(os.getenv("BENCH_REQUESTS"), "BENCH_REQUESTS not set"), "rb"))
  for line in f:lines() do
    local path, cookie = line:match("^([^\t]+)\t?(.*)$")
    if path then
      local headers = {}
      if content_type then
        headers["Content-Type"] = content_type
      end
      if cookie ~= "" then
        headers["Cookie"] = cookie
      end
      -- Formatted once here: request() only picks one.
      requests[#requests + 1] = wrk.format(method, path, headers, body)
    end
  end
  f:close()
  count = #requests
  assert(count > 0, "no requests in BENCH_REQUESTS")
  math.randomseed(seed * 1000 + (number or 0))
end

function request()
  return requests[math.random(count)]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, total_requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do
      total[code] = (total[code] or 0) + n
    end
  end
  for code, n in pairs(total) do
    io.write(string.format("status %d %d\n", code, n))
  end
end
