#!/usr/bin/env bash
# Tests of redlua-test --coverage that need the file it writes: the terminal
# table and the lcov tracefile against goldens, the same file on LuaJIT and
# with -j 2, and genhtml (Debian package lcov) accepting it.
#
#   coverage_cli.sh MODE REDLUA_TEST
#
# Runs in tests/cli/fixtures on coverage/, whose expected lines are worked
# out by hand in tests/unit/test_lua_script_coverage.c. genhtml missing
# skips (77), unless CI=true or RL_DIFF_REQUIRED=1, where it fails.
set -u
mode=$1 bin=$2
here=$(cd "$(dirname "$0")" && pwd)
expected=$here/expected
cd "$here/fixtures" || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

failures=0
fail() {
    echo "$*"
    failures=$((failures + 1))
}

golden() {
    if ! diff -u "$expected/$1" "$2" >"$tmp/diff"; then
        fail "output differs from expected/$1"
        cat "$tmp/diff"
    fi
}

case $mode in
golden)
    "$bin" --color=never --coverage "$tmp/c.info" coverage >"$tmp/out" 2>&1
    st=$?
    [ $st -eq 0 ] || fail "exit status $st, expected 0"
    golden coverage.out "$tmp/out"
    golden coverage.info "$tmp/c.info"
    ;;
engines)
    "$bin" --coverage "$tmp/a.info" coverage >/dev/null 2>&1 || fail "lua51 run failed"
    "$bin" --engine luajit --coverage "$tmp/b.info" coverage >"$tmp/out" 2>&1 ||
        fail "luajit run failed"
    golden coverage.info "$tmp/b.info"
    # The bundled fixtures too: every line the same on both engines.
    "$bin" --coverage "$tmp/c.info" ../../../fixtures >/dev/null 2>&1 || fail "lua51 bundled"
    "$bin" --engine luajit --coverage "$tmp/d.info" ../../../fixtures >/dev/null 2>&1 ||
        fail "luajit bundled"
    diff -u "$tmp/c.info" "$tmp/d.info" || fail "the engines differ on the bundled fixtures"
    ;;
jobs)
    "$bin" -j 2 --coverage "$tmp/j.info" coverage >"$tmp/out" 2>&1 || fail "-j 2 failed"
    golden coverage.info "$tmp/j.info"
    golden coverage.out "$tmp/out"
    ;;
update)
    # --update runs every case twice (to rewrite, then to check): coverage
    # counts the second pass only, so the file equals a plain run's.
    cp -r coverage "$tmp/coverage"
    (cd "$tmp" && "$bin" --update --coverage c.info coverage) >"$tmp/out" 2>&1 ||
        fail "--update failed"
    golden coverage.info "$tmp/c.info"
    ;;
genhtml)
    if ! command -v genhtml >/dev/null 2>&1; then
        if [ "${CI:-}" = true ] || [ "${RL_DIFF_REQUIRED:-}" = 1 ]; then
            echo "genhtml is missing (Debian package lcov; .ci/setup installs it)"
            exit 1
        fi
        echo "no genhtml: skipped"
        exit 77
    fi
    "$bin" --coverage "$tmp/c.info" coverage >/dev/null 2>&1 || fail "the run failed"
    # From the directory redlua-test ran in: the SF: paths are relative to it.
    if ! genhtml --quiet --output-directory "$tmp/html" "$tmp/c.info" >"$tmp/gen" 2>&1; then
        fail "genhtml rejected the file"
        cat "$tmp/gen"
    fi
    [ -s "$tmp/html/index.html" ] || fail "genhtml wrote no index.html"
    # genhtml drops the prefix all paths share (coverage/).
    page=$tmp/html/scripts/lib/helper.lua.gcov.html
    [ -s "$page" ] || fail "genhtml wrote no page for the included helper"
    grep -q 'never_called' "$page" 2>/dev/null || fail "the helper's page does not show its source"
    ;;
*)
    echo "unknown mode $mode"
    exit 2
    ;;
esac
[ "$failures" -eq 0 ]
