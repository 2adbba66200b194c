#!/bin/sh
# The traceback criterion on a real server: bundles the inventory reserve
# script with its line map, sends the bundle to a throwaway redis-server
# (unix socket only, temporary directory), makes it fail two includes deep
# and maps the error Redis answers with `redlua map-error`. The output must
# equal EXPECTED_FILE.
#
#   map_error_redis.sh REDLUA EXPECTED_FILE
#
# Exits 77 (skipped) when redis-server or redis-cli is missing, unless
# CI=true or RL_DIFF_REQUIRED=1, where that is a failure.
set -u
redlua=$1 expected=$2
cd "$(dirname "$0")/../.." || exit 2
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    if [ "${CI:-}" = true ] || [ "${RL_DIFF_REQUIRED:-}" = 1 ]; then
        echo "redis-server or redis-cli is missing"
        exit 1
    fi
    echo "no redis-server: skipped"
    exit 77
fi
dir=$(mktemp -d) || exit 2
sock=$dir/redis.sock
cleanup() {
    redis-cli -s "$sock" shutdown nosave >/dev/null 2>&1
    rm -rf "$dir"
}
trap cleanup EXIT
redis-server --port 0 --unixsocket "$sock" --save '' --appendonly no --dir "$dir" \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null || exit 2
i=0
until redis-cli -s "$sock" ping >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then
        echo "redis-server did not start"
        exit 2
    fi
    sleep 0.05
done

"$redlua" bundle fixtures/inventory/scripts/reserve.lua -I fixtures/lib \
    --map "$dir/map.json" >"$dir/bundle.lua" || exit 1
sha=$(redis-cli -s "$sock" -x script load <"$dir/bundle.lua")
redis-cli -s "$sock" set stock:pear lots >/dev/null
redis-cli -s "$sock" hset stock:fig a 1 >/dev/null
out=$dir/out
{
    for key in stock:pear stock:fig stock:kiwi; do
        err=$(redis-cli -s "$sock" evalsha "$sha" 2 "$key" holds o1 2 '{}')
        echo "redis: $err"
        "$redlua" map-error --map "$dir/map.json" "$err"
        echo "exit status $?"
    done
} >"$out" 2>&1
if ! diff -u "$expected" "$out"; then
    exit 1
fi
exit 0
