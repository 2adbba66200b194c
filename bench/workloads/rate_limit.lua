-- Sliding-window limiter: KEYS[1] a sorted set of request ids scored by
-- time; ARGV: now (ms), window (ms), limit, request id.
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < limit then
    redis.call('ZADD', KEYS[1], now, ARGV[4])
    allowed = 1
    count = count + 1
end
redis.call('PEXPIRE', KEYS[1], window)
return {allowed, limit - count}
