-- One job-queue step: rotate the next job of the queue KEYS[1] (the
-- reliable-queue pattern; a new job ARGV[2] when the queue is empty), mark
-- it running in the job hash KEYS[3] and schedule it in KEYS[2] at ARGV[1].
local job = redis.call('LMOVE', KEYS[1], KEYS[1], 'RIGHT', 'LEFT')
if not job then
    job = ARGV[2]
    redis.call('LPUSH', KEYS[1], job)
end
redis.call('HSET', KEYS[3], 'state', 'running', 'started', ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[1], job)
return job
