local v
for i = 1, 100 do
    v = redis.call('INCR', KEYS[1])
end
return v
