-- One fixed-window decision, atomically: the window of KEYS[1] starts at its first hit and
-- lasts ARGV[2] ms; ARGV[1] is the caller's now (unix ms), ARGV[3] the limit, ARGV[4] '1' to
-- count a hit ('0' to peek). A denied hit is not counted. Returns {allowed, count, ms left}.
local now = tonumber(ARGV[1])
local length = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 's', 'c')
local start, count = tonumber(state[1]), tonumber(state[2])
local fresh = start == nil or now - start >= length
if fresh then
  start, count = now, 0
end
local allowed = count < limit
if ARGV[4] == '1' then
  if fresh then
    redis.call('HSET', KEYS[1], 's', start, 'c', 0)
    redis.call('PEXPIRE', KEYS[1], length)
  end
  if allowed then
    count = redis.call('HINCRBY', KEYS[1], 'c', 1)
  end
end
local left = length - math.max(now - start, 0)
return {allowed and 1 or 0, count, left}
