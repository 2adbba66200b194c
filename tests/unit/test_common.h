/* Helpers shared by the cmocka unit tests. */
#ifndef REDLUA_TESTS_UNIT_TEST_COMMON_H
#define REDLUA_TESTS_UNIT_TEST_COMMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "commands.h"
#include "mem.h"
#include "redlua.h"
#include "reply.h"

/* Redis 7.0's SCRIPT HELP reply, RESP2 (taken from redis-server). */
#define RL_TEST_SCRIPT_HELP                                                       \
    "*17\r\n+SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n" \
    "+DEBUG (YES|SYNC|NO)\r\n+    Set the debug mode for subsequent scripts exec" \
    "uted.\r\n+EXISTS <sha1> [<sha1> ...]\r\n"                                    \
    "+    Return information about the existence of the scripts in the script ca" \
    "che.\r\n+FLUSH [ASYNC|SYNC]\r\n+    Flush the Lua scripts cache. Very dange" \
    "rous on replicas.\r\n+    When called without the optional mode argument, t" \
    "he behavior is determined by the\r\n+    lazyfree-lazy-user-flush configura" \
    "tion directive. Valid modes are:\r\n+    * ASYNC: Asynchronously flush the " \
    "scripts cache.\r\n+    * SYNC: Synchronously flush the scripts cache.\r\n"   \
    "+KILL\r\n+    Kill the currently executing Lua script.\r\n"                  \
    "+LOAD <script>\r\n+    Load a script into the scripts cache without executi" \
    "ng it.\r\n+HELP\r\n+    Prints this help.\r\n"

/* Asserts that r serializes (RESP2) to exactly the expected bytes, then
 * frees r. */
static inline void rl_assert_resp_len(rl_reply *r, const char *expected, size_t explen)
{
    size_t len;
    char *got = rl_reply_to_resp(r, 2, &len);
    if (len != explen || memcmp(got, expected, len) != 0) {
        print_error("expected RESP: %.*s\n     got RESP: %.*s\n", (int)explen, expected, (int)len,
                    got);
        rl_free(got);
        rl_reply_free(r);
        fail();
    }
    rl_free(got);
    rl_reply_free(r);
}

#define rl_assert_resp(r, expected) rl_assert_resp_len((r), (expected), sizeof(expected) - 1)

/* Runs a command given as C strings and checks its RESP2 reply. */
#define rl_assert_cmd(emu, expected, ...) \
    rl_assert_resp(rl_emu_callv((emu), __VA_ARGS__, (const char *)NULL), expected)

/* A command table row as COMMAND INFO on redis-server shows it. */
typedef struct rl_test_row {
    const char *name;
    int arity;
    uint64_t flags;
    int first, last, step;
} rl_test_row;

/* Checks that each command's row in the table is exactly as given. */
static inline void rl_assert_command_rows(const rl_test_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const rl_command *cmd = rl_command_lookup_name(rows[i].name, strlen(rows[i].name));
        assert_non_null(cmd);
        assert_int_equal(cmd->arity, rows[i].arity);
        assert_int_equal(cmd->flags, rows[i].flags);
        assert_int_equal(cmd->firstkey, rows[i].first);
        assert_int_equal(cmd->lastkey, rows[i].last);
        assert_int_equal(cmd->keystep, rows[i].step);
    }
}

/* Frees emu and checks that everything the test allocated was freed. */
static inline void rl_test_free_emu(rl_emu *emu)
{
    rl_emu_free(emu);
    assert_int_equal(rl_mem_used(), 0);
}

/* Checks a reply built in pairs() order: byte for byte on PUC Lua, which
 * walks tables in Redis's order; on LuaJIT, whose order differs, as the same
 * bytes in some order (same length, same count of every byte value). */
static inline void rl_assert_resp_pairs_len(rl_reply *r, const char *expected, size_t explen)
{
    if (strcmp(rl_emu_engine(), "lua51") == 0) {
        rl_assert_resp_len(r, expected, explen);
        return;
    }
    size_t len, counts[256] = { 0 };
    char *got = rl_reply_to_resp(r, 2, &len);
    int same = len == explen;
    for (size_t i = 0; same && i < len; i++) {
        counts[(unsigned char)expected[i]]++;
        counts[(unsigned char)got[i]]--;
    }
    for (size_t i = 0; same && i < 256; i++) same = counts[i] == 0;
    if (!same)
        print_error("expected (any order): %.*s\n  got: %.*s\n", (int)explen, expected, (int)len,
                    got);
    rl_free(got);
    rl_reply_free(r);
    assert_true(same);
}

#define rl_assert_cmd_pairs(emu, expected, ...)                                                \
    rl_assert_resp_pairs_len(rl_emu_callv((emu), __VA_ARGS__, (const char *)NULL), (expected), \
                             sizeof(expected) - 1)

/* 1 where long double arithmetic has its full x87 precision. Valgrind
 * computes long doubles at double precision (and its strtold("inf") is
 * finite), so replies that depend on long double results (INCRBYFLOAT,
 * HINCRBYFLOAT) cannot match Redis there; the sanitizer and plain runs
 * check them. */
static inline int rl_test_long_double_exact(void)
{
    volatile long double third = 1.0L;
    third /= 3.0L;
    return third != (long double)(double)third;
}

/* rl_assert_cmd for replies computed with long doubles: where they are not
 * exact (valgrind) the command still runs, for memcheck, unchecked. */
#define rl_assert_cmd_ld(emu, expected, ...)                                     \
    do {                                                                         \
        if (rl_test_long_double_exact()) {                                       \
            rl_assert_cmd(emu, expected, __VA_ARGS__);                           \
        } else {                                                                 \
            rl_reply_free(rl_emu_callv((emu), __VA_ARGS__, (const char *)NULL)); \
        }                                                                        \
    } while (0)

#endif
