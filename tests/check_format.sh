#!/usr/bin/env bash
# Every C file git tracks is formatted as the root .clang-format says, with
# clang-format 14 (Debian 12's; other versions format differently). Fails on
# any difference and names the lines (`cmake --build build --target format`
# fixes them). Without clang-format 14 the check is skipped (exit 77), and
# fails instead in CI (CI=true or RL_DIFF_REQUIRED=1).
set -u
cd "$(dirname "$0")/.."
required=0
[ "${CI:-}" = true ] || [ "${RL_DIFF_REQUIRED:-}" = 1 ] && required=1
skip() {
    echo "format check: $1"
    [ "$required" = 1 ] && exit 1
    exit 77
}
command -v clang-format > /dev/null || skip "no clang-format (apt-get install clang-format)"
ver=$(clang-format --version | sed -n 's/.*version \([0-9][0-9]*\)\..*/\1/p')
[ "$ver" = 14 ] || skip "clang-format $ver is not the pinned version 14"
if git rev-parse --git-dir > /dev/null 2>&1; then
    mapfile -t files < <(git ls-files '*.c' '*.h')
else
    mapfile -t files < <(find emulator harness tests bench -name '*.[ch]' | sort)
fi
if ! clang-format --dry-run --Werror "${files[@]}"; then
    echo "format check: the files above differ from .clang-format's layout"
    exit 1
fi
echo "format check: ${#files[@]} files as .clang-format says"
