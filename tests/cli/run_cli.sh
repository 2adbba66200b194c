#!/bin/sh
# Runs redlua-test and compares its exit status and its output (stdout and
# stderr together) with a golden file.
#
#   run_cli.sh BINARY WORKDIR EXPECTED_FILE EXPECTED_STATUS [ARGS...]
#
# BINARY runs in WORKDIR with ARGS (relative paths, so the output is the same
# on every machine). In EXPECTED_FILE a line that is exactly "..." stands for
# any number of lines (used where the output holds text that only the
# emulator defines, such as the Lua traceback); every other line must match
# exactly.
set -u
bin=$1 workdir=$2 expected=$3 want_status=$4
shift 4
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
(cd "$workdir" && "$bin" "$@") >"$out" 2>&1
status=$?
ok=1
if [ "$status" -ne "$want_status" ]; then
    echo "exit status $status, expected $want_status"
    ok=0
fi
if ! awk -v expfile="$expected" '
    BEGIN {
        n = 0
        while ((getline line < expfile) > 0)
            want[++n] = line
    }
    { got[++m] = $0 }
    END {
        i = 1; j = 1
        while (i <= n) {
            if (want[i] == "...") {
                if (i == n) { j = m + 1; i++; continue }
                while (j <= m && got[j] != want[i + 1]) j++
                i++
                continue
            }
            if (j > m || got[j] != want[i]) {
                printf "first difference at expected line %d: \"%s\"\n", i, want[i]
                if (j <= m) printf "                 actual output line %d: \"%s\"\n", j, got[j]
                else print "                 the output ended"
                exit 1
            }
            i++; j++
        }
        if (j <= m) {
            printf "unexpected output from line %d: \"%s\"\n", j, got[j]
            exit 1
        }
    }' "$out"; then
    ok=0
fi
if [ "$ok" -eq 0 ]; then
    echo "--- expected ($expected)"
    cat "$expected"
    echo "--- actual"
    cat "$out"
    exit 1
fi
exit 0
