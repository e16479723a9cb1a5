/**
 * Lua scripts: each decision is one EVALSHA, atomic on the server (Redis docs, "Scripting
 * with Lua": a script runs without interleaving other commands). Time is the server's
 * TIME, so instances with skewed clocks agree; ARGV[1], when not empty, replaces it for
 * tests. Expiries set with PEXPIRE only collect garbage (SLACK later than needed); every
 * decision compares stored timestamps with that one clock. Since Redis 5 scripts replicate
 * by effects, so calling TIME before writing is allowed.
 *
 * The arithmetic mirrors ../memory/rate-math.ts line for line.
 */

const PREAMBLE = `
local EPS = 0.001
local SLACK = 1000
local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local function up(ms) local v = math.ceil(ms - EPS); if v < 0 then v = 0 end; return v end
local function down(n) return math.floor(n + EPS) end
local function clamp(n, max) if n < 0 then n = 0 end; if n > math.floor(max) then n = math.floor(max) end; return n end
local function f(x) return string.format('%.17g', x) end
`;

/**
 * KEYS[1] pause, KEYS[2..] one state per limit. ARGV: now, cost, max delay, then per limit
 * 'g', T, burst (GCRA) or 'w', window ms, limit (sliding window counter).
 * Returns paused ms, delay ms, then per limit allowed, remaining, reset ms, retry ms (-1 never).
 */
const RATE_CHECK = `
local cost = tonumber(ARGV[2])
local max_delay = tonumber(ARGV[3])
local paused = 0
local until_ = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > now then paused = up(until_ - now) end
local out = {paused, 0}
local writes = {}
local all = paused == 0
local delay = 0
for i = 2, #KEYS do
  local base = 4 + (i - 2) * 3
  local kind, a, b = ARGV[base], tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2])
  local key = KEYS[i]
  local ok, rem, reset, retry = 0, 0, 0, 0
  if kind == 'g' then
    local T, burst = a, b
    local tau = burst * T
    local tat = now
    local stored = redis.call('GET', key)
    if stored then tat = math.max(tonumber(stored), now) end
    rem = clamp(down((tau - (tat - now)) / T), burst)
    reset = up(tat - now)
    if cost > burst + EPS then
      retry = -1
    else
      local new_tat = tat + cost * T
      local d = new_tat - tau - now
      if d > max_delay + EPS then
        retry = up(d - max_delay)
      else
        ok = 1
        if up(d) > delay then delay = up(d) end
        rem = clamp(down((tau - (new_tat - now)) / T), burst)
        reset = up(new_tat - now)
        if cost > 0 then writes[#writes + 1] = {'g', key, new_tat} end
      end
    end
  else
    local W, limit = a, b
    local start = math.floor(now / W) * W
    local h = redis.call('HMGET', key, 's', 'c', 'p')
    local count, previous = 0, 0
    local s = tonumber(h[1])
    if s == start then
      count, previous = tonumber(h[2]), tonumber(h[3])
    elseif s == start - W then
      previous = tonumber(h[2])
    end
    local elapsed = now - start
    local used = previous * (W - elapsed) / W + count
    local c_after = count
    if cost > limit + EPS then
      retry = -1
      rem = clamp(down(limit - used), limit)
    elseif used + cost <= limit + EPS then
      ok = 1
      rem = clamp(down(limit - used - cost), limit)
      c_after = count + cost
      if cost > 0 then writes[#writes + 1] = {'w', key, start, c_after, previous, W} end
    else
      rem = clamp(down(limit - used), limit)
      local need = limit - cost
      retry = nil
      if count <= need and previous > 0 then
        local t = W * (1 - (need - count) / previous)
        if t < W then retry = up(t - elapsed) end
      end
      if retry == nil then
        local t2 = 0
        if count > 0 then t2 = math.max(0, W * (1 - need / count)) end
        retry = up(W - elapsed + t2)
      end
    end
    if c_after > 0 then reset = up(start + 2 * W - now)
    elseif previous > 0 then reset = up(start + W - now) end
  end
  if ok == 0 then all = false end
  out[#out + 1] = ok
  out[#out + 1] = rem
  out[#out + 1] = reset
  out[#out + 1] = retry
end
if all then
  out[2] = delay
  for _, w in ipairs(writes) do
    if w[1] == 'g' then
      redis.call('SET', w[2], f(w[3]), 'PX', up(w[3] - now) + SLACK)
    else
      redis.call('HSET', w[2], 's', f(w[3]), 'c', f(w[4]), 'p', f(w[5]))
      redis.call('PEXPIRE', w[2], up(w[3] + 2 * w[6] - now) + SLACK)
    end
  end
end
return out
`;

/** KEYS[1] GCRA state. ARGV: now, T, burst, level, mode. Returns allowed, remaining, reset, retry. */
const RATE_LEVEL = `
local T, burst, level, mode = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local current = now
local stored = redis.call('GET', KEYS[1])
if stored then current = math.max(tonumber(stored), now) end
local target = now + level * T
local tat = current
if mode == 'set' or target > current then tat = target end
if tat > now then
  redis.call('SET', KEYS[1], f(tat), 'PX', up(tat - now) + SLACK)
else
  redis.call('DEL', KEYS[1])
end
local tau = burst * T
local d = tat + T - tau - now
local ok, retry = 1, 0
if 1 > burst + EPS then ok, retry = 0, -1 elseif d > EPS then ok, retry = 0, up(d) end
return {ok, clamp(down((tau - (tat - now)) / T), burst), up(tat - now), retry}
`;

/** KEYS[1] pause. ARGV: now, duration. Extends, never shortens; returns ms remaining. */
const RATE_PAUSE = `
local until_ = now + tonumber(ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current > until_ then until_ = current end
redis.call('SET', KEYS[1], f(until_), 'PX', up(until_ - now) + SLACK)
return up(until_ - now)
`;

/** KEYS[1] counter. ARGV: now, by, ttl. The window starts at the first increment. */
const COUNTER_INCR = `
local h = redis.call('HMGET', KEYS[1], 'v', 'x')
local value, expires = 0, now + tonumber(ARGV[3])
if h[2] and tonumber(h[2]) > now then value, expires = tonumber(h[1]), tonumber(h[2]) end
value = value + tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'v', f(value), 'x', f(expires))
redis.call('PEXPIRE', KEYS[1], up(expires - now) + SLACK)
return f(value)
`;

/** Leases: a sorted set of lease id → expiry. Expired members are dropped first. */
const LEASE_PRUNE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', f(now))
local function earliest()
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if first[2] then return up(tonumber(first[2]) - now) end
  return 0
end
local function keep()
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIRE', KEYS[1], up(tonumber(last[2]) - now) + SLACK) end
end
`;

/** KEYS[1] leases. ARGV: now, limit, ttl, id. Returns acquired, active, retry ms. */
const LEASE_ACQUIRE = `${LEASE_PRUNE}
local n = redis.call('ZCARD', KEYS[1])
if n < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], f(now + tonumber(ARGV[3])), ARGV[4])
  keep()
  return {1, n + 1, 0}
end
return {0, n, earliest()}
`;

/** KEYS[1] leases. ARGV: now, id, ttl. Returns 1 when the lease was live and is extended. */
const LEASE_RENEW = `${LEASE_PRUNE}
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], 'XX', f(now + tonumber(ARGV[3])), ARGV[2])
keep()
return 1
`;

/** KEYS[1] leases. ARGV: now, id, channel. Publishing from a script is allowed on Redis Cluster too. */
const LEASE_RELEASE = `${LEASE_PRUNE}
local removed = redis.call('ZREM', KEYS[1], ARGV[2])
if removed == 1 then redis.call('PUBLISH', ARGV[3], '1') end
return removed
`;

/** KEYS[1] leases. ARGV: now. Returns active, ms until the earliest expires. */
const LEASE_COUNT = `${LEASE_PRUNE}
return {redis.call('ZCARD', KEYS[1]), earliest()}
`;

/** KEYS[1] entry hash {x: expiry, v: packed}. ARGV: now. Returns packed, ttl ms; nil when absent or expired. */
const CACHE_GET = `
local h = redis.call('HMGET', KEYS[1], 'x', 'v')
if not h[1] or not h[2] then return nil end
local x = tonumber(h[1])
if x <= now then return nil end
return {h[2], up(x - now)}
`;

/** KEYS[1] entry. ARGV: now, ttl, packed, invalidation channel, message for the other instances. */
const CACHE_SET = `
local ttl = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'x', f(now + ttl), 'v', ARGV[3])
redis.call('PEXPIRE', KEYS[1], up(ttl) + SLACK)
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`;

/**
 * KEYS[1] url index (all scores 0, so ZRANGEBYLEX finds URL prefixes), KEYS[2] expiry
 * index, KEYS[3..] tag sets. ARGV: now, ttl, member ("url\\0key"). Also drops a bounded
 * number of expired members so the indexes stay proportional to the live entries.
 */
const CACHE_INDEX = `
local expires = now + tonumber(ARGV[2])
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', f(now), 'LIMIT', 0, 64)
for _, m in ipairs(old) do
  redis.call('ZREM', KEYS[1], m)
  redis.call('ZREM', KEYS[2], m)
end
redis.call('ZADD', KEYS[1], 0, ARGV[3])
redis.call('ZADD', KEYS[2], f(expires), ARGV[3])
local keep = up(expires - now) + SLACK
for i = 3, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', f(now))
  redis.call('ZADD', KEYS[i], f(expires), ARGV[3])
  if redis.call('PTTL', KEYS[i]) < keep then redis.call('PEXPIRE', KEYS[i], keep) end
end
return 1
`;

/**
 * Takes up to ARGV[2] members out of the indexes. KEYS[1] url index, KEYS[2] expiry index,
 * KEYS[3] (optional) the set to read: a tag set, or the url index itself when absent.
 * ARGV: now, batch, then lex range min/max when reading the url index by prefix.
 * Returns how many were taken, then the members whose entries are still live: a tag set
 * may name entries already purged some other way, and those must not count or be deleted.
 */
const CACHE_TAKE = `
local batch = tonumber(ARGV[2])
local members
if KEYS[3] then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', f(now))
  members = redis.call('ZRANGE', KEYS[3], 0, batch - 1)
  if #members > 0 then redis.call('ZREM', KEYS[3], unpack(members)) end
elseif ARGV[3] then
  members = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[3], ARGV[4], 'LIMIT', 0, batch)
else
  members = redis.call('ZRANGE', KEYS[1], 0, batch - 1)
end
local out = {#members}
for _, m in ipairs(members) do
  local x = redis.call('ZSCORE', KEYS[2], m)
  if x and tonumber(x) > now then out[#out + 1] = m end
end
if #members > 0 then
  redis.call('ZREM', KEYS[1], unpack(members))
  redis.call('ZREM', KEYS[2], unpack(members))
end
return out
`;

const SOURCES = {
  rateCheck: RATE_CHECK,
  rateLevel: RATE_LEVEL,
  ratePause: RATE_PAUSE,
  counterIncr: COUNTER_INCR,
  leaseAcquire: LEASE_ACQUIRE,
  leaseRenew: LEASE_RENEW,
  leaseRelease: LEASE_RELEASE,
  leaseCount: LEASE_COUNT,
  cacheGet: CACHE_GET,
  cacheSet: CACHE_SET,
  cacheIndex: CACHE_INDEX,
  cacheTake: CACHE_TAKE,
};

export type ScriptName = keyof typeof SOURCES;

/** For ioredis' `scripts` option: each becomes a command sent as EVALSHA (EVAL once per connection). */
export const SCRIPTS = Object.fromEntries(
  Object.entries(SOURCES).map(([name, body]) => [name, { lua: PREAMBLE + body }]),
) as Record<ScriptName, { lua: string }>;
