-- Reads ONE user's raw state in one atomic step (the same KEYS as update.lua); C# rebuilds the
-- UserWindowState from it and computes features with the shared code.
-- Returns { scalars, ring, session products, bucket hash per window..., distinct zset per dimension... }.
local NW, ND = {{WINDOWS}}, {{DISTINCT_DIMS}}
local out = {
  redis.call('HGETALL', KEYS[1]),
  redis.call('LRANGE', KEYS[2], 0, -1),
  redis.call('HGETALL', KEYS[4]),
}
for w = 1, NW do out[#out + 1] = redis.call('HGETALL', KEYS[4 + w]) end
for d = 1, ND do out[#out + 1] = redis.call('ZRANGE', KEYS[4 + NW + d], 0, -1, 'WITHSCORES') end
return out
