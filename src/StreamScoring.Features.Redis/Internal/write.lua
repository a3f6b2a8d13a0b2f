-- Writes one user's state change of a micro-batch, if and only if the user's hash is still at the version the
-- writer's in-process copy was built on (compare-and-set). RedisFeatureStore.cs explains the layout.
--
-- KEYS[1]: the user's hash (fields: v = version token, s = snapshot, b1..bn = log batches since it).
-- ARGV[1]: the version the writer expects ('' for a user without a hash), ARGV[2]: the new version,
-- ARGV[3]: time to live in ms, ARGV[4]: 's' (a snapshot replacing everything) or 'b<k>' (log batch k),
-- ARGV[5]: the snapshot or log batch bytes; ARGV[6]: see 'restore' below.
-- Returns 1 when written; 0 when the hash holds another version (another writer got there first: the user
-- moved between workers); -1 when the writer expected a version but the hash is gone (Redis lost its data:
-- a restart without persistence, a failover to a replica that lacked it, FLUSHALL). Nothing changes unless 1.
-- A hash at an OLDER version of this same writer also counts as lost (-1): Redis went back in time (restarted
-- from a snapshot or an AOF that missed its last writes, or a lagging replica was promoted); another worker's
-- write would carry that worker's token. Versions are '<writer id>:<counter>'.
-- ARGV[6] = 'restore' (optional): write the snapshot if the hash is absent, still at ARGV[1], or at an older
-- version of this writer; that is how a writer restores a lost or rolled-back hash from its memory.

local function ours_and_older(current, expected)
  local writer, n = string.match(expected, '^(.*):(%d+)$')
  if not writer then
    return false
  end
  local current_writer, current_n = string.match(current, '^(.*):(%d+)$')
  return current_writer == writer and tonumber(current_n) < tonumber(n)
end

local current = redis.call('HGET', KEYS[1], 'v')
if ARGV[6] == 'restore' then
  if current and current ~= ARGV[1] and not ours_and_older(current, ARGV[1]) then
    return 0
  end
elseif not current then
  if ARGV[1] ~= '' then
    return -1
  end
elseif current ~= ARGV[1] then
  if ours_and_older(current, ARGV[1]) then
    return -1
  end
  return 0
end
if ARGV[4] == 's' then
  redis.call('DEL', KEYS[1])
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], ARGV[4], ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
