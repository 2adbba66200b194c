#!/bin/sh
# Runs the CI recipe of docs/ci.md as a new user would: the commands between
# the ci-install and ci-run markers of the GitHub Actions and GitLab CI
# recipes are taken from the page itself, checked to be the same commands in
# both, then the install commands build and install redlua from a clone of
# this repository (apt-get lines left out: the test suite's setup installed
# the packages; the install goes to a DESTDIR), and the run commands run on
# a copy of the bundled fixtures. The reports they write are checked: JUnit
# XML valid, metrics JSON, an lcov file, and genhtml's HTML.
#
# usage: ci_recipe.sh SOURCE_DIR WORK_DIR
set -eu
src=$1
work=$2

fail() { echo "ci_recipe: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"

# Extracts the lines between "# NAME-begin" and "# NAME-end" of the yaml
# block whose first line contains MARK, joined into one command per line:
# GitHub's shell continuation (a trailing backslash) and GitLab's folded
# list items ("- cmd" and more-indented continuation lines) both become one
# line with single spaces.
extract() { # MARK NAME
    awk -v mark="$1" -v name="$2" '
        /^```yaml/ { inblock = 1; first = 1; next }
        /^```/ { inblock = 0; take = 0; next }
        inblock && first { first = 0; chosen = (index($0, mark) > 0) }
        inblock && chosen && $0 ~ ("# " name "-begin") { take = 1; next }
        inblock && chosen && $0 ~ ("# " name "-end") { take = 0; next }
        inblock && chosen && take { print }
    ' "$src/docs/ci.md" | awk '
        function flush() { if (cmd != "") print cmd; cmd = "" }
        {
            line = $0
            sub(/^[ \t]+/, "", line)
            sub(/[ \t]+$/, "", line)
            if (line ~ /^- /) { gitlab = 1; flush(); line = substr(line, 3) }
            else if (!gitlab && !cont) flush()
            cont = (line ~ /\\$/)
            if (cont) { line = substr(line, 1, length(line) - 1); sub(/[ \t]+$/, "", line) }
            cmd = (cmd == "") ? line : cmd " " line
        }
        END { flush() }
    '
}

for part in install run; do
    extract 'name: redis scripts' "ci-$part" > "$work/github-$part.sh"
    extract 'redis-scripts:' "ci-$part" > "$work/gitlab-$part.sh"
    [ -s "$work/github-$part.sh" ] || fail "no ci-$part commands in the GitHub recipe"
    cmp -s "$work/github-$part.sh" "$work/gitlab-$part.sh" || {
        diff "$work/github-$part.sh" "$work/gitlab-$part.sh" >&2 || true
        fail "the GitHub and GitLab recipes run different ci-$part commands"
    }
done

# Install: from a clone of this repository's committed state.
git -C "$src" rev-parse --git-dir > /dev/null 2>&1 || fail "$src is not a git checkout"
# The commit checked out here becomes branch "recipe" of a scratch repository
# (the checkout may be a detached or shallow clone), which is what the
# recipe clones.
git init -q "$work/origin"
git -C "$work/origin" fetch -q "$src" HEAD:refs/heads/recipe || fail "cannot fetch $src"
grep -v '^apt-get ' "$work/github-install.sh" |
    sed "s#/tmp/redlua#$work/redlua#g" > "$work/install.sh"
(
    cd "$work"
    export REDLUA_REPO="file://$work/origin" REDLUA_REF=recipe DESTDIR="$work/root"
    sh -e "$work/install.sh" > "$work/install.log" 2>&1
) || { tail -30 "$work/install.log" >&2; fail "the install commands failed"; }
bin="$work/root/usr/local/bin"
for prog in redlua-test redlua-test-luajit redlua; do
    [ -x "$bin/$prog" ] || fail "cmake --install did not install $prog"
done

# Run: in a project of the user's, here a copy of the bundled fixtures.
mkdir -p "$work/project"
cp -R "$src/fixtures" "$work/project/fixtures"
(
    cd "$work/project"
    PATH="$bin:$PATH" sh -e "$work/github-run.sh" > "$work/run.log" 2>&1
) || { cat "$work/run.log" >&2; fail "the run commands failed"; }

r="$work/project/reports"
grep -q ' passed, 0 failed' "$work/run.log" || fail "no passing summary line in the output"
grep -q '^baseline fixtures/baseline.json: no metric grew' "$work/run.log" ||
    fail "the baseline check did not run"
grep -q '^total ' "$work/run.log" || fail "no coverage table"
xmllint --noout "$r/junit.xml" || fail "reports/junit.xml is not well-formed XML"
grep -q '<testsuite ' "$r/junit.xml" || fail "reports/junit.xml has no testsuite"
grep -q '^SF:fixtures/' "$r/coverage.info" || fail "coverage.info names no fixture script"
grep -q '^end_of_record' "$r/coverage.info" || fail "coverage.info has no record"
[ -f "$r/coverage/index.html" ] || fail "genhtml wrote no index.html"
grep -q '"cases"' "$r/metrics.json" || fail "metrics.json has no cases"
# The metrics of this run are themselves a baseline that passes.
PATH="$bin:$PATH" sh -c "cd '$work/project' && redlua-test --baseline reports/metrics.json fixtures/" \
    > "$work/rebase.log" 2>&1 || { cat "$work/rebase.log" >&2; fail "metrics.json is no baseline"; }
echo "ci_recipe: both recipes ran; junit, metrics, coverage and genhtml's HTML checked"
