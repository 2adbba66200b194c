#!/usr/bin/env bash
# Tests of redlua-test's script metrics that need a file written by the run
# or two runs: --metrics (checked by metrics_check and against a golden),
# the -v summary, --metrics output used as a --baseline, the same numbers
# with -j 2 and on LuaJIT (but for instructions, which are the engine's).
#
#   metrics_cli.sh MODE REDLUA_TEST METRICS_CHECK
#
# Runs in tests/cli/fixtures on metrics/; goldens are in tests/cli/expected.
# Times and the Lua heap peak (which moves by a few hundred bytes with the
# addresses Lua hashes) are replaced by T and H before comparing.
set -u
mode=$1 bin=$2 check=$3
here=$(cd "$(dirname "$0")" && pwd)
expected=$here/expected
cd "$here/fixtures" || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

normalize() {
    sed -E 's/ \([0-9]+\.[0-9]+ ms\)/ (T ms)/; s/"time_ms": [0-9.]+/"time_ms": T/;
            s/"lua_heap_peak": [0-9]+/"lua_heap_peak": H/; s/Lua heap peak [0-9]+ B/Lua heap peak H B/'
}

failures=0
fail() {
    echo "$*"
    failures=$((failures + 1))
}

# golden NAME FILE: the normalized FILE must equal expected/NAME.
golden() {
    if ! normalize <"$2" | diff -u "$expected/$1" - >"$tmp/diff"; then
        fail "output differs from expected/$1"
        cat "$tmp/diff"
    fi
}

case $mode in
verbose)
    "$bin" -v --color=never --metrics "$tmp/m.json" metrics >"$tmp/out" 2>&1
    [ $? -eq 0 ] || fail "-v --metrics: exit status $?, expected 0"
    golden metrics_verbose.out "$tmp/out"
    ;;
json)
    "$bin" --metrics "$tmp/m.json" metrics >/dev/null 2>&1 || fail "--metrics failed"
    "$check" "$tmp/m.json" 3 || fail "metrics_check rejected the file"
    golden metrics.json "$tmp/m.json"
    ;;
selfbaseline)
    # --metrics output is a valid baseline, and a run against itself passes.
    "$bin" --metrics "$tmp/m.json" metrics >/dev/null 2>&1 || fail "--metrics failed"
    "$bin" --baseline "$tmp/m.json" metrics >"$tmp/out" 2>&1
    st=$?
    [ $st -eq 0 ] || fail "--baseline of its own metrics: exit status $st, expected 0"
    grep -q "^baseline $tmp/m.json: no metric grew by more than 10% (4 script cases compared)\$" \
        "$tmp/out" || { fail "no pass line"; cat "$tmp/out"; }
    ;;
jobs)
    "$bin" --metrics "$tmp/a.json" metrics runner >/dev/null 2>&1
    "$bin" -j 2 --metrics "$tmp/b.json" metrics runner >/dev/null 2>&1
    normalize <"$tmp/a.json" >"$tmp/a"
    normalize <"$tmp/b.json" >"$tmp/b"
    diff -u "$tmp/a" "$tmp/b" || fail "-j 2 wrote other metrics than -j 1"
    ;;
engines)
    "$bin" --metrics "$tmp/a.json" metrics >/dev/null 2>&1 || fail "lua51 run failed"
    "$bin" --engine luajit --metrics "$tmp/b.json" metrics >/dev/null 2>&1 ||
        fail "luajit run failed"
    "$check" "$tmp/b.json" 3 || fail "metrics_check rejected the luajit file"
    grep -q '"engine": "luajit"' "$tmp/b.json" || fail "the luajit file does not say luajit"
    drop='"instructions|"engine"'
    normalize <"$tmp/a.json" | grep -Ev "$drop" >"$tmp/a"
    normalize <"$tmp/b.json" | grep -Ev "$drop" >"$tmp/b"
    diff -u "$tmp/a" "$tmp/b" || fail "the engines differ in more than instructions"
    ;;
*)
    echo "unknown mode $mode"
    exit 2
    ;;
esac
[ $failures -eq 0 ]
