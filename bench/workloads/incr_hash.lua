redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
return redis.call('HGET', KEYS[1], ARGV[1])
