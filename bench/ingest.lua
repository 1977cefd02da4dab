-- wrk script for bench/ingest.sh: every request is a new, valid submission (a fresh client-made id,
-- one respondent per wrk connection, a random spot in Dordrecht and a random category), so nothing
-- is answered from the idempotency check. done() prints one RESULT line for the shell script.

local kinds = {
  { kind = "barrier", categories = { "steps", "no_ramp", "poor_lighting", "dangerous_crossing", "costs_money", "language" },
    details = '{"severity":2,"affects":["elderly","buggy"]}' },
  { kind = "place", categories = { "community_centre", "library", "playground", "bench", "park_square", "cafe_restaurant" },
    details = '{"qualities":["free","seating"]}' },
  { kind = "wish", categories = { "meeting_place", "activity", "green_play", "traffic_safety" },
    details = '{}' },
}

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
  table.insert(threads, thread)
end

local function hex(n)
  local t = {}
  for i = 1, n do t[i] = string.format("%x", math.random(0, 15)) end
  return table.concat(t)
end

-- A random UUID v4 (the server only needs it to be a UUID and new).
local function uuid()
  return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-" .. string.format("%x", math.random(8, 11)) .. hex(3) .. "-" .. hex(12)
end

function init(args)
  -- os.time() alone would give the two threads the same ids.
  math.randomseed(os.time() * 1000 + seed * 7919 + math.floor(os.clock() * 1e6))
  respondent = uuid()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local k = kinds[math.random(#kinds)]
  local category = k.categories[math.random(#k.categories)]
  local lon = 4.64 + math.random() * 0.06
  local lat = 51.79 + math.random() * 0.03
  local body = string.format(
    '{"id":"%s","respondent":"%s","campaign":"default","kind":"%s","category":"%s",' ..
    '"location":{"lon":%.6f,"lat":%.6f},"details":%s,"language":"nl","source":"web"}',
    uuid(), respondent, k.kind, category, lon, lat, k.details)
  return wrk.format(nil, "/api/v1/submissions", nil, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local s = summary.errors
  local failed = s.status + s.connect + s.read + s.write + s.timeout
  io.write(string.format(
    "RESULT requests=%d failed=%d non2xx=%d socket_errors=%d rps=%.1f ok_rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, failed, s.status, s.connect + s.read + s.write + s.timeout,
    summary.requests / seconds, (summary.requests - failed) / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
