#!/usr/bin/env bash
# docs/commands.md must have a row for every command in the command table
# (emulator/cmd_*.def), and no row for a command the table lacks.
set -u
cd "$(dirname "$0")/.."
status=0
table=$(cat emulator/cmd_*.def | tr '\n' ' ' | grep -oE 'RL_(CMD|SUBCMD)\( *[a-z_]+( *, *[a-z_]+)?' |
        sed -E 's/RL_CMD\( *([a-z_]+).*/\1/; s/RL_SUBCMD\( *([a-z_]+) *, *([a-z_]+)/\1 \2/' |
        tr 'a-z' 'A-Z' | sort -u)
while IFS= read -r name; do
    [ -n "$name" ] || continue
    if ! grep -qF "| $name |" docs/commands.md; then
        echo "docs/commands.md has no row for $name"
        status=1
    fi
done <<< "$table"
documented=$(grep -oE '^\| [A-Z_]+( [A-Z_]+)? \| (yes|partial)' docs/commands.md | sed -E 's/^\| (.*) \| (yes|partial)$/\1/' | sort -u)
while IFS= read -r name; do
    [ -n "$name" ] || continue
    if ! grep -qxF "$name" <<< "$table"; then
        echo "docs/commands.md lists $name as supported, but the command table has no such row"
        status=1
    fi
done <<< "$documented"
[ $status -eq 0 ] && echo "docs/commands.md matches the command table ($(wc -l <<< "$table") commands)"
exit $status
