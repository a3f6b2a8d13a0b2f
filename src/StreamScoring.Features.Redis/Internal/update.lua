-- Applies ONE user's events of a micro-batch, atomically, mirroring UserWindowState.Apply step by step
-- (src/StreamScoring.Core/Features/UserWindowState.cs) so that RedisFeatureStore and InMemoryFeatureStore
-- hold the same state. The double-brace placeholders are filled from FeatureSpec by RedisScripts.cs.
--
-- KEYS (all carry the user's {hash tag}): 1 scalars hash, 2 ring list (most recent first),
-- 3 dedupe zset (event id -> ts), 4 session products hash, then one bucket hash per window
-- (bucket index -> additive stats), then one zset per distinct dimension (value -> last seen ms).
-- ARGV: per event, in arrival order: id, ts ms, type, presence mask (1 session, 2 product, 4 category,
-- 8 device, 16 ip, 32 country), session, product, category, device, ip, country, price (round-trip
-- text), type token, category token, price token.
-- Returns one flag per event: 1 applied, 0 duplicate (its id is within the dedupe window) or too late.
--
-- Numbers: Lua 5.1 has doubles only. Times are integer ms (< 2^53, exact); sums are doubles added in
-- the same order as C# and stored with %.17g, so they round-trip bit for bit (HINCRBYFLOAT uses long
-- double and would not). Every number sent back to Redis is formatted explicitly (Lua's own
-- number-to-string keeps only 14 digits).

local FIELDS = 14
local MAX_EVENTS = {{MAX_EVENTS}}
local MAX_DISTINCT = {{MAX_DISTINCT}}
local HORIZON = {{HORIZON_MS}}
local DEDUPE = {{DEDUPE_MS}}
local SESSION_GAP = {{SESSION_GAP_MS}}
local GAP_BOUNDS = { {{GAP_BOUNDS}} }
local WIN_MS = { {{WINDOW_BUCKET_MS}} }
local WIN_N = { {{WINDOW_BUCKET_COUNTS}} }
local NSTATS = {{ADDITIVE_STATS}}
local CART, REMOVE, PURCHASE = {{CART}}, {{REMOVE}}, {{PURCHASE}}
local SPEND, CARTVALUE = {{SPEND}} + 1, {{CART_VALUE}} + 1
local DIM_DEVICES, DIM_COUNTRIES = {{DIM_DEVICES}} + 1, {{DIM_COUNTRIES}} + 1
local NW, ND = #WIN_MS, {{DISTINCT_DIMS}}
local KB, KD = 4, 4 + NW

local function int(x) return string.format('%.0f', x) end
local function dbl(x) return string.format('%.17g', x) end
local function bit(mask, b) return math.floor(mask / b) % 2 == 1 end

-- floor(ts / ms) exactly, also for negative ts (the double quotient may round across an integer).
local function bucket_of(ts, ms)
  local q = math.floor(ts / ms)
  if q * ms > ts then q = q - 1 elseif (q + 1) * ms <= ts then q = q + 1 end
  return q
end

local raw = redis.call('HGETALL', KEYS[1])
local st = {}
for i = 1, #raw, 2 do st[raw[i]] = raw[i + 1] end
local n = tonumber(st.n or '0')
if n == 0 then
  -- A user never seen, or whose keys expired: start from nothing, as InMemoryFeatureStore does.
  redis.call('DEL', unpack(KEYS))
end
local now = tonumber(st.now or '0')
local first_seen = tonumber(st.fs or '0')
local last_purchase = tonumber(st.lp or '0')
local sess_events = tonumber(st.se or '0')
local sess_start = tonumber(st.ss or '0')
local sess_carts = tonumber(st.sc or '0')
local price_text = st.pr or '0'
local sess_views = tonumber(st.sv or '0')
local dev_new, ctry_new = st.dn or '0', st.cn or '0'
local last_dev, last_ctry, sess_key = st.ld, st.lc, st.sk
local last_arrival = tonumber(st.la or '0')
local last_gap = st.lg and tonumber(st.lg) or nil

-- Products in the ring as a multiset, plus their order (oldest first) to know what falls out.
-- (Explicit first/last indexes: the # operator is unreliable once the front has been cleared.)
local ring_order, ring_first, ring_last, ring_count = {}, 1, 0, {}
local ring = redis.call('LRANGE', KEYS[2], 0, MAX_EVENTS - 1)
for i = #ring, 1, -1 do
  local e = ring[i]
  local p = string.sub(e, string.find(e, '|', 1, true) + 1)
  local prod = false
  if p ~= '' then prod = string.sub(p, 2); ring_count[prod] = (ring_count[prod] or 0) + 1 end
  ring_last = ring_last + 1
  ring_order[ring_last] = prod
end
local pushes = {}

local buckets = {}
for w = 1, NW do buckets[w] = {} end

local function seen_within_horizon(d, value, at)
  local s = redis.call('ZSCORE', KEYS[KD + d], value)
  return s and (at - tonumber(s) < HORIZON)
end

local function touch(d, value, ts)
  if not value then return end
  local key = KEYS[KD + d]
  -- GT: a new value is added; a known one only moves forward (max of last seen).
  if redis.call('ZADD', key, 'GT', int(ts), value) == 1 and redis.call('ZCARD', key) > MAX_DISTINCT then
    -- Forget the value seen longest ago; ties go to the lexicographically smallest member,
    -- which is C#'s ordinal order for ASCII values.
    redis.call('ZPOPMIN', key)
  end
end

local applied, any = {}, false
for i = 0, #ARGV / FIELDS - 1 do
  local b = i * FIELDS
  local id, ts = ARGV[b + 1], tonumber(ARGV[b + 2])
  if (n > 0 and now - ts > DEDUPE) or redis.call('ZSCORE', KEYS[3], id) then
    -- A duplicate, or later than the dedupe window (EventIdWindow's allowed lateness).
    applied[i + 1] = 0
  else
    applied[i + 1] = 1
    any = true
    local first = n == 0
    local now2 = first and ts or math.max(now, ts)
    -- EventIdWindow: remember the id, forget ids older than the window before the latest event.
    redis.call('ZADD', KEYS[3], int(ts), id)
    redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. int(now2 - DEDUPE))

    local typ, mask = tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4])
    local sid = bit(mask, 1) and ARGV[b + 5] or nil
    local prod = bit(mask, 2) and ARGV[b + 6] or nil
    local cat = bit(mask, 4) and ARGV[b + 7] or nil
    local dev = bit(mask, 8) and ARGV[b + 8] or nil
    local ip = bit(mask, 16) and ARGV[b + 9] or nil
    local ctry = bit(mask, 32) and ARGV[b + 10] or nil
    local ptext = ARGV[b + 11]
    local price = tonumber(ptext)

    local gap = nil
    if not first then gap = math.max(0, ts - last_arrival) end
    local key = sid
    if not key then
      if first or gap > SESSION_GAP or not sess_key then key = 't:' .. int(ts) else key = sess_key end
    end
    local new_session = first or key ~= sess_key
    local dev_changed = (not first) and dev ~= nil and last_dev ~= nil and dev ~= last_dev
    local ctry_changed = (not first) and ctry ~= nil and last_ctry ~= nil and ctry ~= last_ctry
    dev_new = ((not first) and dev ~= nil and not seen_within_horizon(DIM_DEVICES, dev, now2)) and '1' or '0'
    ctry_new = ((not first) and ctry ~= nil and not seen_within_horizon(DIM_COUNTRIES, ctry, now2)) and '1' or '0'

    -- Token row: the state-free parts come from C#; gap, change and product-repeat are computed here.
    local gap_tok = 1
    if gap then
      local secs, c = math.max(gap, 0) / 1000.0, 0
      while c < #GAP_BOUNDS and GAP_BOUNDS[c + 1] < secs do c = c + 1 end
      gap_tok = 2 + c
    end
    local change_tok = 1 + (dev_changed and 1 or 0) + (ctry_changed and 2 or 0) + (new_session and 4 or 0)
    local prod_tok = 1
    if prod then prod_tok = ((ring_count[prod] or 0) > 0) and 3 or 2 end
    pushes[#pushes + 1] = ARGV[b + 12] .. ',' .. ARGV[b + 13] .. ',' .. ARGV[b + 14] .. ',' .. gap_tok .. ','
      .. change_tok .. ',' .. prod_tok .. '|' .. (prod and ('+' .. prod) or '')
    ring_last = ring_last + 1
    ring_order[ring_last] = prod or false
    if prod then ring_count[prod] = (ring_count[prod] or 0) + 1 end
    if ring_last - ring_first + 1 > MAX_EVENTS then
      local out = ring_order[ring_first]
      ring_order[ring_first] = nil
      ring_first = ring_first + 1
      if out then ring_count[out] = ring_count[out] - 1 end
    end

    -- Additive statistics in the bucket of the event's own time (late events included).
    for w = 1, NW do
      local bk = bucket_of(ts, WIN_MS[w])
      local s = buckets[w][bk]
      if not s then
        s = {}
        local text = redis.call('HGET', KEYS[KB + w], int(bk))
        if text then
          for x in string.gmatch(text, '[^,]+') do s[#s + 1] = tonumber(x) end
        else
          for j = 1, NSTATS do s[j] = 0 end
        end
        buckets[w][bk] = s
      end
      s[typ + 1] = s[typ + 1] + 1
      if typ == PURCHASE then s[SPEND] = s[SPEND] + price
      elseif typ == CART then s[CARTVALUE] = s[CARTVALUE] + price
      elseif typ == REMOVE then s[CARTVALUE] = s[CARTVALUE] - price end
    end

    touch(1, prod, ts)
    touch(2, cat, ts)
    touch(3, dev, ts)
    touch(4, ip, ts)
    touch(5, ctry, ts)
    touch(6, key, ts)

    if new_session then
      sess_key, sess_start, sess_events, sess_carts = key, ts, 0, 0
      redis.call('DEL', KEYS[4])
    end
    sess_events = sess_events + 1
    sess_start = math.min(sess_start, ts)
    if typ == CART then sess_carts = sess_carts + 1 end
    sess_views = 0
    if prod then sess_views = redis.call('HINCRBY', KEYS[4], prod, 1) end
    if typ == PURCHASE then last_purchase = math.max(last_purchase, ts) end
    first_seen = first and ts or math.min(first_seen, ts)
    now = now2
    n = n + 1
    price_text = ptext
    last_gap = gap
    last_arrival = ts
    if dev then last_dev = dev end
    if ctry then last_ctry = ctry end

    -- Prune: distinct values not seen within the horizon (before the next event's cap check).
    local stale = int(now - HORIZON) -- now - last seen >= horizon
    for d = 1, ND do redis.call('ZREMRANGEBYSCORE', KEYS[KD + d], '-inf', stale) end
  end
end

if any then
  local s = { 'n', int(n), 'now', int(now), 'fs', int(first_seen), 'lp', int(last_purchase),
    'se', int(sess_events), 'ss', int(sess_start), 'sc', int(sess_carts), 'pr', price_text,
    'sv', int(sess_views), 'dn', dev_new, 'cn', ctry_new, 'la', int(last_arrival) }
  if last_dev then s[#s + 1] = 'ld'; s[#s + 1] = last_dev end
  if last_ctry then s[#s + 1] = 'lc'; s[#s + 1] = last_ctry end
  if sess_key then s[#s + 1] = 'sk'; s[#s + 1] = sess_key end
  if last_gap then s[#s + 1] = 'lg'; s[#s + 1] = int(last_gap) else redis.call('HDEL', KEYS[1], 'lg') end
  redis.call('HSET', KEYS[1], unpack(s))

  -- Only the newest MAX_EVENTS pushes can survive the trim.
  local from = math.max(1, #pushes - MAX_EVENTS + 1)
  redis.call('LPUSH', KEYS[2], unpack(pushes, from, #pushes))
  redis.call('LTRIM', KEYS[2], 0, MAX_EVENTS - 1)

  for w = 1, NW do
    local args = {}
    for bk, s in pairs(buckets[w]) do
      local parts = {}
      for j = 1, NSTATS do parts[j] = dbl(s[j]) end
      args[#args + 1] = int(bk)
      args[#args + 1] = table.concat(parts, ',')
    end
    if #args > 0 then redis.call('HSET', KEYS[KB + w], unpack(args)) end
    -- Buckets that can never be inside the window again ("now" only moves forward).
    local oldest_kept = bucket_of(now, WIN_MS[w]) - WIN_N[w]
    local stale = {}
    for _, f in ipairs(redis.call('HKEYS', KEYS[KB + w])) do
      if tonumber(f) <= oldest_kept then stale[#stale + 1] = f end
    end
    if #stale > 0 then redis.call('HDEL', KEYS[KB + w], unpack(stale)) end
  end
end

-- Idle users cost nothing: every key lives for the horizon after the user's latest batch,
-- duplicates included (as InMemoryFeatureStore's idle clock is touched by them too).
for k = 1, #KEYS do redis.call('PEXPIRE', KEYS[k], HORIZON) end
return applied
