#!/usr/bin/env bash
# Every error reply text lives in emulator/errors.h. This fails when a .c file
# in emulator/ passes a string literal to an rl_add_reply_error* builder or
# spells out an error-coded literal ("ERR ...", "WRONGTYPE ...") itself.
set -u
cd "$(dirname "$0")/../emulator"
bad=$(grep -nE 'rl_add_reply_error(_len|f)?\([^,]+, *"|"(ERR|WRONGTYPE|NOSCRIPT|BUSY|NOTBUSY|UNKILLABLE|OOM|READONLY|EXECABORT|BUSYKEY|NOGROUP|MISCONF|NOPERM) ' ./*.c)
if [ -n "$bad" ]; then
    echo "error literals outside errors.h:"
    echo "$bad"
    exit 1
fi
echo "error literals: all in errors.h"
