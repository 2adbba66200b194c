#!/usr/bin/env bash
# Tests of redlua-test options that need more than one run or a file
# written by the run: -v, -j, --shard, --junit, --json, --update, and
# --against / --record on a throwaway redis-server.
#
#   runner_opts.sh MODE REDLUA_TEST JSON_CHECK
#
# Runs in tests/cli/fixtures with relative paths; goldens are in
# tests/cli/expected. Run times in the output are replaced by "(T ms)" and
# time="T" before comparing. The redis mode exits 77 (skipped) when
# redis-server or redis-cli is missing, unless CI=true or RL_DIFF_REQUIRED=1,
# where that is a failure; so does junit when xmllint is missing.
set -u
mode=$1 bin=$2 json_check=$3
here=$(cd "$(dirname "$0")" && pwd)
expected=$here/expected
cd "$here/fixtures" || exit 2
tmp=$(mktemp -d) || exit 2
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$server_pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

required() {
    [ "${CI:-}" = true ] || [ "${RL_DIFF_REQUIRED:-}" = 1 ]
}

normalize() {
    sed -E 's/ \([0-9]+\.[0-9]+ ms\)/ (T ms)/; s/time="[0-9.]+"/time="T"/g'
}

# check NAME STATUS WANT_STATUS FILE GOLDEN: the status and the normalized
# file must match.
failures=0
check() {
    local name=$1 status=$2 want=$3 file=$4 golden=$5
    if [ "$status" -ne "$want" ]; then
        echo "$name: exit status $status, expected $want"
        failures=$((failures + 1))
    fi
    if ! normalize <"$file" | diff -u "$golden" - >"$tmp/diff"; then
        echo "$name: output differs from $golden"
        cat "$tmp/diff"
        failures=$((failures + 1))
    fi
}

same() {
    local name=$1 a=$2 b=$3
    if ! diff -u "$a" "$b" >"$tmp/diff"; then
        echo "$name: outputs differ"
        cat "$tmp/diff"
        failures=$((failures + 1))
    fi
}

run() {
    "$bin" "$@" >"$tmp/out" 2>&1
}

case $mode in
verbose)
    run -v --color=never runner
    check "-v" $? 1 "$tmp/out" "$expected/verbose.out"
    ;;
color)
    # --color=auto colours on a terminal unless NO_COLOR is set; script(1)
    # (util-linux) gives the run a pseudo-terminal.
    if ! command -v script >/dev/null 2>&1; then
        echo "no script(1): skipped"
        exit 77
    fi
    esc=$(printf '\033')
    script -qec "$bin -k 'beta fails on a' runner" /dev/null >"$tmp/tty" 2>&1
    grep -q "${esc}\[1;31mFAIL" "$tmp/tty" || { echo "no colour on a terminal"; cat -v "$tmp/tty"; failures=$((failures + 1)); }
    NO_COLOR=1 script -qec "$bin -k 'beta fails on a' runner" /dev/null >"$tmp/tty" 2>&1
    grep -q "$esc" "$tmp/tty" && { echo "colour despite NO_COLOR"; cat -v "$tmp/tty"; failures=$((failures + 1)); }
    NO_COLOR=1 script -qec "$bin --color=always -k 'beta fails on a' runner" /dev/null >"$tmp/tty" 2>&1
    grep -q "$esc" "$tmp/tty" || { echo "--color=always did not win over NO_COLOR"; failures=$((failures + 1)); }
    script -qec "$bin --color=never -k 'beta fails on a' runner" /dev/null >"$tmp/tty" 2>&1
    grep -q "$esc" "$tmp/tty" && { echo "colour despite --color=never"; failures=$((failures + 1)); }
    "$bin" -k 'beta fails on a' runner >"$tmp/out" 2>&1
    grep -q "$esc" "$tmp/out" && { echo "colour in a file"; failures=$((failures + 1)); }
    ;;
jobs)
    # The same output (and status) whatever the number of workers, also
    # when -x stops the run early.
    for x in "" -x; do
        run -v --color=never $x -j 1 runner
        s1=$?
        normalize <"$tmp/out" >"$tmp/j1"
        for j in 2 3 0; do
            run -v --color=never $x -j $j runner
            s=$?
            normalize <"$tmp/out" >"$tmp/j$j"
            same "-j $j $x" "$tmp/j1" "$tmp/j$j"
            [ "$s" -eq "$s1" ] || { echo "-j $j $x: status $s, -j 1 gave $s1"; failures=$((failures + 1)); }
        done
    done
    check "-j 2 -x" "$s1" 1 "$tmp/j1" "$expected/jobs_x.out"
    ;;
shard)
    # Every case runs in exactly one of the shards, and the shards together
    # run every case: the union of the case lines is the full run's.
    run -v --color=never runner
    grep -E '^(PASS|FAIL|SKIP) ' "$tmp/out" | normalize | sort >"$tmp/all"
    : >"$tmp/union"
    for k in 1 2 3; do
        run -v --color=never --shard $k/3 runner
        grep -E '^(PASS|FAIL|SKIP) ' "$tmp/out" | normalize >>"$tmp/union"
    done
    sort "$tmp/union" >"$tmp/union.sorted"
    same "union of --shard k/3" "$tmp/all" "$tmp/union.sorted"
    # The split follows the sorted file list: with four files, shard 2/2
    # gets the second and the fourth, whatever order the PATHs came in.
    run -v --color=never --shard 2/2 runner/d_pass.test.json runner/c_clock.test.json \
        runner/b_mixed.test.json runner/a_pass.test.json
    check "--shard 2/2" $? 1 "$tmp/out" "$expected/shard.out"
    ;;
junit)
    run --color=never --junit "$tmp/report.xml" runner
    status=$?
    check "--junit" "$status" 1 "$tmp/report.xml" "$expected/junit.xml"
    if command -v xmllint >/dev/null 2>&1; then
        xmllint --noout "$tmp/report.xml" || { echo "--junit: not well-formed XML"; failures=$((failures + 1)); }
    elif required; then
        echo "xmllint is missing (Debian package libxml2-utils)"
        exit 1
    else
        echo "no xmllint: the XML is compared with the golden file only"
    fi
    ;;
json)
    run --color=never --json "$tmp/report.json" runner
    s=$?
    [ "$s" -eq 1 ] || { echo "--json: exit status $s"; failures=$((failures + 1)); }
    "$json_check" "$tmp/report.json" 7 2 0 || failures=$((failures + 1))
    run --color=never --json "$tmp/report.json" -k alpha runner
    "$json_check" "$tmp/report.json" 2 0 0 || failures=$((failures + 1))
    ;;
update)
    # The rewritten files equal the goldens byte for byte (so every part
    # --update had no reason to touch is unchanged), pass, and a second
    # --update changes nothing.
    files="b_mixed.test.json diff.test.json snap.test.json"
    mkdir -p "$tmp/u"
    cp runner/b_mixed.test.json diff/diff.test.json update/snap.test.json "$tmp/u/"
    (cd "$tmp/u" && "$bin" --update --color=never $files) >"$tmp/out" 2>&1
    check "--update" $? 0 "$tmp/out" "$expected/update.out"
    for f in $files; do
        same "--update $f" "$expected/update_$f" "$tmp/u/$f"
        cp "$tmp/u/$f" "$tmp/$f"
    done
    (cd "$tmp/u" && "$bin" --update --color=never $files) >"$tmp/out" 2>&1
    [ $? -eq 0 ] || { echo "second --update failed"; cat "$tmp/out"; failures=$((failures + 1)); }
    grep -q UPDATED "$tmp/out" && { echo "second --update changed something"; failures=$((failures + 1)); }
    for f in $files; do
        same "second --update $f" "$tmp/$f" "$tmp/u/$f"
    done
    ;;
redis)
    if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
        if required; then
            echo "redis-server or redis-cli is missing"
            exit 1
        fi
        echo "no redis-server: skipped"
        exit 77
    fi
    # A free loopback port: nothing answers there, and our server must
    # start on it (another process may take it first: then the next one).
    port=
    for try in $(seq 1 20); do
        p=$((20000 + (RANDOM * 7 + $$ + try * 131) % 30000))
        redis-cli -p "$p" ping >/dev/null 2>&1 && continue
        redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" \
            --daemonize yes --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log" >/dev/null || continue
        for i in $(seq 1 100); do
            if redis-cli -p "$p" ping >/dev/null 2>&1; then
                port=$p
                break
            fi
            sleep 0.05
        done
        [ -n "$port" ] && break
    done
    if [ -z "$port" ]; then
        echo "redis-server did not start"
        exit 1
    fi
    server_pid=$(cat "$tmp/redis.pid")
    run -v --color=never --against "127.0.0.1:$port" runner
    check "--against" $? 1 "$tmp/out" "$expected/against.out"
    # Golden recording: Redis's replies become the expectations; for these
    # steps they are the emulator's too, so the recorded file passes on the
    # emulator and equals what --update writes.
    files="b_mixed.test.json snap.test.json"
    mkdir -p "$tmp/r"
    cp runner/b_mixed.test.json update/snap.test.json "$tmp/r/"
    (cd "$tmp/r" && "$bin" --record "127.0.0.1:$port" --color=never $files) >"$tmp/out" 2>&1
    check "--record" $? 0 "$tmp/out" "$expected/record.out"
    for f in $files; do
        same "--record $f" "$expected/update_$f" "$tmp/r/$f"
    done
    (cd "$tmp/r" && "$bin" $files) >"$tmp/out" 2>&1 ||
        { echo "the recorded file fails on the emulator"; cat "$tmp/out"; failures=$((failures + 1)); }
    ;;
*)
    echo "unknown mode $mode"
    exit 2
    ;;
esac
if [ "$failures" -gt 0 ]; then
    exit 1
fi
exit 0
