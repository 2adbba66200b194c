/* Sorted set commands (t_zset.c). Every expected reply in the first group of
 * tests was read from redis-server 7.0.15 running the same commands from an
 * empty database (RESP2, or RESP3 after HELLO 3). The last tests check
 * properties that Redis leaves to hash order or to sizes too big to spell
 * out: ZSCAN over a skiplist-encoded set, large sets against a model, and
 * COPY keeping the encoding. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>

#include "object.h"
#include "t_zset.h"

/* As rl_assert_resp, for a client speaking RESP3. */
static void assert_resp3_len(rl_reply *r, const char *expected, size_t explen)
{
    size_t len;
    char *got = rl_reply_to_resp(r, 3, &len);
    if (len != explen || memcmp(got, expected, len) != 0) {
        print_error("expected RESP3: %.*s\n     got RESP3: %.*s\n", (int)explen, expected, (int)len,
                    got);
        rl_free(got);
        rl_reply_free(r);
        fail();
    }
    rl_free(got);
    rl_reply_free(r);
}

#define assert_resp3(r, expected) assert_resp3_len((r), (expected), sizeof(expected) - 1)
#define assert_cmd3(emu, expected, ...) \
    assert_resp3(rl_emu_callv((emu), __VA_ARGS__, (const char *)NULL), expected)

/* ZADD's options, their conflicts and replies. */
static void zadd_should_parse_options_and_reject_conflicts(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":3\r\n", "zadd", "z", "1", "a", "2", "b", "3", "c");
    rl_assert_cmd(emu, "-ERR XX and NX options at the same time are not compatible\r\n", "zadd",
                  "z", "nx", "xx", "1", "a");
    rl_assert_cmd(emu, "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
                  "zadd", "z", "gt", "lt", "1", "a");
    rl_assert_cmd(emu, "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
                  "zadd", "z", "nx", "gt", "1", "a");
    rl_assert_cmd(emu, "-ERR INCR option supports a single increment-element pair\r\n", "zadd", "z",
                  "incr", "1", "a", "2", "b");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'zadd' command\r\n", "zadd", "z", "1");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'zadd' command\r\n", "zadd", "z", "nx");
    rl_assert_cmd(emu, "-ERR value is not a valid float\r\n", "zadd", "z", "x", "a");
    rl_assert_cmd(emu, "-ERR value is not a valid float\r\n", "zadd", "z", "nan", "a");
    rl_assert_cmd(emu, "-ERR value is not a valid float\r\n", "zadd", "z", "1", "a", "bad", "b");
    rl_assert_cmd(emu, ":3\r\n", "zcard", "z");
    rl_assert_cmd(emu, ":2\r\n", "zadd", "z", "ch", "5", "a", "2", "b", "9", "d");
    rl_assert_cmd(emu, ":1\r\n", "zadd", "z", "xx", "ch", "6", "a", "7", "e");
    rl_assert_cmd(emu, ":1\r\n", "zadd", "z", "gt", "ch", "1", "a", "100", "b");
    rl_assert_cmd(emu, ":1\r\n", "zadd", "z", "lt", "ch", "1", "a", "100", "c");
    rl_assert_cmd(emu, "$-1\r\n", "zadd", "z", "xx", "incr", "1", "nope");
    rl_assert_cmd(emu, "$-1\r\n", "zadd", "z", "nx", "incr", "1", "a");
    rl_assert_cmd(emu, "$-1\r\n", "zadd", "z", "gt", "incr", "-1", "a");
    rl_assert_cmd(emu, "$3\r\n2.5\r\n", "zadd", "z", "GT", "INCR", "1.5", "a");
    rl_assert_cmd(emu, ":4\r\n", "zadd", "z", "0x10", "hex", "1e3", "exp", "-inf", "lo", "+inf",
                  "hi");
    rl_assert_cmd(emu,
                  "*16\r\n$2\r\nlo\r\n$4\r\n-inf\r\n$1\r\na\r\n$3\r\n2.5\r\n$1\r\nc\r\n$1\r\n3\r\n$"
                  "1\r\nd\r\n$1\r\n9\r\n$3\r\nhex\r\n$2\r\n16\r\n$1\r\nb\r\n$3\r\n100\r\n$3\r\nexp"
                  "\r\n$4\r\n1000\r\n$2\r\nhi\r\n$3\r\ninf\r\n",
                  "zrange", "z", "0", "-1", "withscores");
    rl_assert_cmd(emu, ":0\r\n", "zadd", "missing", "xx", "1", "a");
    rl_assert_cmd(emu, ":0\r\n", "exists", "missing");
    rl_assert_cmd(emu, "$-1\r\n", "zadd", "missing", "xx", "incr", "1", "a");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zadd", "s", "1", "a");
    rl_assert_cmd(emu, "-ERR value is not a valid float\r\n", "zadd", "s", "x", "a");
    rl_test_free_emu(emu);
}

/* INCR reaching NaN is refused; inf scores are fine. */
static void zadd_should_reply_nan_errors_and_keep_scores(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "zadd", "z", "inf", "a");
    rl_assert_cmd(emu, "-ERR resulting score is not a number (NaN)\r\n", "zadd", "z", "incr",
                  "-inf", "a");
    rl_assert_cmd(emu, "$3\r\ninf\r\n", "zscore", "z", "a");
    rl_assert_cmd(emu, "-ERR resulting score is not a number (NaN)\r\n", "zincrby", "z", "-inf",
                  "a");
    rl_assert_cmd(emu, "$3\r\ninf\r\n", "zincrby", "z", "1", "a");
    rl_assert_cmd(emu, "-ERR value is not a valid float\r\n", "zincrby", "z", "x", "a");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zincrby", "z", "nx", "a");
    rl_assert_cmd(emu, "$3\r\n2.5\r\n", "zincrby", "z", "2.5", "new");
    rl_assert_cmd(emu, "$18\r\n2.6000000000000001\r\n", "zincrby", "z", "0.1", "new");
    rl_assert_cmd(emu, "$18\r\n2.6000000000000001\r\n", "zscore", "z", "new");
    rl_assert_cmd(emu, "$6\r\n1e+308\r\n", "zadd", "z", "incr", "1e308", "big");
    rl_assert_cmd(emu, "$3\r\ninf\r\n", "zadd", "z", "incr", "1e308", "big");
    rl_test_free_emu(emu);
}

/* A listpack keeps -0 as 0, a skiplist keeps -0; the INCR reply is the computed score. */
static void zadd_should_store_negative_zero_like_the_encoding(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "zadd", "lp", "-0", "m");
    rl_assert_cmd(emu, "$1\r\n0\r\n", "zscore", "lp", "m");
    rl_assert_cmd(emu, "$2\r\n-0\r\n", "zadd", "lp", "incr", "-0", "n");
    rl_assert_cmd(emu, "$1\r\n0\r\n", "zscore", "lp", "n");
    rl_assert_cmd(emu, ":2\r\n", "zadd", "sl", "1",
                  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "-0", "m");
    rl_assert_cmd(emu, "$2\r\n-0\r\n", "zscore", "sl", "m");
    rl_assert_cmd(emu,
                  "*4\r\n$1\r\nm\r\n$2\r\n-0\r\n$65\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                  "xxxxxxxxxxxxxxxxxxxxx\r\n$1\r\n1\r\n",
                  "zrange", "sl", "0", "-1", "withscores");
    rl_assert_cmd(emu, ":1\r\n", "zadd", "cv", "-0", "m");
    rl_assert_cmd(emu, ":1\r\n", "zadd", "cv", "1",
                  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    rl_assert_cmd(emu, "$1\r\n0\r\n", "zscore", "cv", "m");
    rl_assert_cmd(emu, ":2\r\n", "zunionstore", "u", "1", "sl");
    rl_assert_cmd(emu, "$2\r\n-0\r\n", "zscore", "u", "m");
    rl_assert_cmd(emu,
                  "*4\r\n$1\r\nm\r\n$2\r\n-0\r\n$65\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                  "xxxxxxxxxxxxxxxxxxxxx\r\n$1\r\n1\r\n",
                  "zunion", "1", "sl", "withscores");
    rl_test_free_emu(emu);
}

/* Single-member reads, deletes and the empty key's removal. */
static void zrem_zcard_zscore_should_read_and_delete_members(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":3\r\n", "zadd", "z", "1", "a", "2", "b", "3", "c");
    rl_assert_cmd(emu, ":1\r\n", "zrem", "z", "nope", "a", "a");
    rl_assert_cmd(emu, ":2\r\n", "zcard", "z");
    rl_assert_cmd(emu, ":0\r\n", "zcard", "nokey");
    rl_assert_cmd(emu, "$1\r\n2\r\n", "zscore", "z", "b");
    rl_assert_cmd(emu, "$-1\r\n", "zscore", "z", "nope");
    rl_assert_cmd(emu, "$-1\r\n", "zscore", "nokey", "b");
    rl_assert_cmd(emu, "*3\r\n$1\r\n2\r\n$-1\r\n$1\r\n3\r\n", "zmscore", "z", "b", "nope", "c");
    rl_assert_cmd(emu, "*2\r\n$-1\r\n$-1\r\n", "zmscore", "nokey", "a", "b");
    rl_assert_cmd(emu, ":1\r\n", "zrank", "z", "c");
    rl_assert_cmd(emu, ":0\r\n", "zrevrank", "z", "c");
    rl_assert_cmd(emu, "$-1\r\n", "zrank", "z", "nope");
    rl_assert_cmd(emu, "$-1\r\n", "zrank", "nokey", "a");
    rl_assert_cmd(emu, ":0\r\n", "zrem", "nokey", "a");
    rl_assert_cmd(emu, ":2\r\n", "zrem", "z", "b", "c", "d");
    rl_assert_cmd(emu, ":0\r\n", "exists", "z");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zrem", "s", "a");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zcard", "s");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zscore", "s", "a");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zmscore", "s", "a");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zrank", "s", "a");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'zrank' command\r\n", "zrank", "z", "a",
                  "withscore");
    rl_test_free_emu(emu);
}

/* Members are binary safe and ordered by memcmp, shorter first. */
static void zadd_should_keep_binary_members_in_byte_order(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    {
        const char *argv[] = { "zadd", "z", "0",    "b", "0", "a\000b", "0",
                               "a",    "0", "\377", "0", "",  "0",      "ab" };
        size_t lens[] = { 4, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 0, 1, 2 };
        rl_assert_resp(rl_emu_call(emu, 14, argv, lens), ":6\r\n");
    }
    rl_assert_cmd(
        emu, "*6\r\n$0\r\n\r\n$1\r\na\r\n$3\r\na\000b\r\n$2\r\nab\r\n$1\r\nb\r\n$1\r\n\377\r\n",
        "zrange", "z", "0", "-1");
    {
        const char *argv[] = { "zrangebylex", "z", "[a\000", "(b" };
        size_t lens[] = { 11, 1, 3, 2 };
        rl_assert_resp(rl_emu_call(emu, 4, argv, lens), "*2\r\n$3\r\na\000b\r\n$2\r\nab\r\n");
    }
    {
        const char *argv[] = { "zscore", "z", "a\000b" };
        size_t lens[] = { 6, 1, 3 };
        rl_assert_resp(rl_emu_call(emu, 3, argv, lens), "$1\r\n0\r\n");
    }
    {
        const char *argv[] = { "zrank", "z", "\377" };
        size_t lens[] = { 5, 1, 1 };
        rl_assert_resp(rl_emu_call(emu, 3, argv, lens), ":5\r\n");
    }
    rl_test_free_emu(emu);
}

/* ZRANGE by rank and its option errors. */
static void zrange_should_handle_ranks_and_options(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":4\r\n", "zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d");
    rl_assert_cmd(emu, "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", "zrange", "z", "0",
                  "-1");
    rl_assert_cmd(emu, "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n", "zrange", "z", "1",
                  "2", "withscores");
    rl_assert_cmd(emu, "*2\r\n$1\r\nb\r\n$1\r\na\r\n", "zrange", "z", "-2", "-1", "rev");
    rl_assert_cmd(emu, "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", "zrange", "z", "-100",
                  "100");
    rl_assert_cmd(emu, "*0\r\n", "zrange", "z", "3", "2");
    rl_assert_cmd(emu, "*0\r\n", "zrange", "z", "5", "10");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "zrange", "z", "x", "1");
    rl_assert_cmd(emu,
                  "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or"
                  " BYLEX\r\n",
                  "zrange", "z", "0", "-1", "limit", "0", "1");
    rl_assert_cmd(emu, "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", "zrange", "z", "0",
                  "-1", "limit", "5", "-1");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zrange", "z", "0", "-1", "rev", "rev");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zrange", "z", "0", "-1", "byscore", "bylex");
    rl_assert_cmd(emu, "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
                  "zrange", "z", "-", "+", "bylex", "withscores");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zrange", "z", "0", "-1", "foo");
    rl_assert_cmd(emu, "*0\r\n", "zrange", "nokey", "0", "-1", "withscores");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "zrange", "nokey", "x",
                  "y");
    rl_assert_cmd(emu, "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n", "zrevrange", "z", "0",
                  "1", "withscores");
    rl_assert_cmd(emu,
                  "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or"
                  " BYLEX\r\n",
                  "zrevrange", "z", "0", "1", "limit", "0", "1");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zrevrange", "z", "0", "1", "rev");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zrange", "s", "0", "-1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "zrange", "s", "x",
                  "-1");
    rl_test_free_emu(emu);
}

/* Score ranges: exclusive bounds, infinities, strtod quirks and LIMIT. */
static void zrange_should_select_score_ranges(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":7\r\n", "zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
                  "-inf", "lo", "inf", "hi");
    rl_assert_cmd(emu, "*2\r\n$1\r\nb\r\n$1\r\nc\r\n", "zrangebyscore", "z", "(1", "3");
    rl_assert_cmd(emu,
                  "*14\r\n$2\r\nlo\r\n$4\r\n-inf\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1"
                  "\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n$2\r\nhi\r\n$3"
                  "\r\ninf\r\n",
                  "zrangebyscore", "z", "-inf", "+inf", "withscores");
    rl_assert_cmd(emu, "*0\r\n", "zrangebyscore", "z", "(1", "(1");
    rl_assert_cmd(emu, "*0\r\n", "zrangebyscore", "z", "3", "1");
    rl_assert_cmd(emu, "*0\r\n", "zrangebyscore", "z", "", "(");
    rl_assert_cmd(emu, "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", "zrangebyscore", "z", " 2",
                  "0x4");
    rl_assert_cmd(emu, "-ERR min or max is not a float\r\n", "zrangebyscore", "z", "x", "1");
    rl_assert_cmd(emu, "-ERR min or max is not a float\r\n", "zrangebyscore", "z", "nan", "1");
    rl_assert_cmd(emu, "-ERR min or max is not a float\r\n", "zrangebyscore", "z", "((1", "2");
    rl_assert_cmd(emu, "*0\r\n", "zrangebyscore", "z", "(inf", "inf");
    rl_assert_cmd(emu, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "zrangebyscore", "z", "-inf", "inf", "limit",
                  "1", "2");
    rl_assert_cmd(emu, "*0\r\n", "zrangebyscore", "z", "-inf", "inf", "limit", "-1", "2");
    rl_assert_cmd(emu, "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$2\r\nhi\r\n",
                  "zrangebyscore", "z", "-inf", "inf", "limit", "2", "-1");
    rl_assert_cmd(emu, "*0\r\n", "zrangebyscore", "z", "-inf", "inf", "limit", "7", "1");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zrangebyscore", "z", "0", "10", "limit", "1");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zrangebyscore", "z", "0", "10", "rev");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "zrangebyscore", "z",
                  "0", "10", "limit", "x", "1");
    rl_assert_cmd(emu, "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n", "zrevrangebyscore",
                  "z", "3", "(1", "withscores");
    rl_assert_cmd(emu, "*2\r\n$1\r\ne\r\n$1\r\nd\r\n", "zrevrangebyscore", "z", "+inf", "-inf",
                  "limit", "1", "2");
    rl_assert_cmd(emu, "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n", "zrange", "z", "(4",
                  "2", "byscore", "rev", "withscores");
    rl_assert_cmd(emu, "*2\r\n$1\r\nc\r\n$1\r\nd\r\n", "zrange", "z", "2", "4", "byscore", "limit",
                  "1", "5");
    rl_assert_cmd(emu, ":2\r\n", "zcount", "z", "(1", "3");
    rl_assert_cmd(emu, ":7\r\n", "zcount", "z", "-inf", "+inf");
    rl_assert_cmd(emu, ":0\r\n", "zcount", "z", "5", "1");
    rl_assert_cmd(emu, "-ERR min or max is not a float\r\n", "zcount", "z", "x", "1");
    rl_assert_cmd(emu, ":0\r\n", "zcount", "nokey", "1", "2");
    rl_assert_cmd(emu, "-ERR min or max is not a float\r\n", "zcount", "nokey", "x", "2");
    rl_test_free_emu(emu);
}

/* Lex ranges, their parse errors, and listpack walks over mixed scores. */
static void zrange_should_select_lex_ranges(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":6\r\n", "zadd", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "", "0",
                  "aa");
    rl_assert_cmd(emu, "*6\r\n$0\r\n\r\n$1\r\na\r\n$2\r\naa\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
                  "zrangebylex", "l", "-", "+");
    rl_assert_cmd(emu, "*3\r\n$1\r\na\r\n$2\r\naa\r\n$1\r\nb\r\n", "zrangebylex", "l", "[a", "(c");
    rl_assert_cmd(emu, "*1\r\n$1\r\nb\r\n", "zrangebylex", "l", "(a", "[c", "limit", "1", "1");
    rl_assert_cmd(emu, "*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n", "zrevrangebylex", "l", "+", "[b");
    rl_assert_cmd(emu, "*1\r\n$1\r\nb\r\n", "zrangebylex", "l", "[b", "[b");
    rl_assert_cmd(emu, "*0\r\n", "zrangebylex", "l", "(b", "[b");
    rl_assert_cmd(emu, "*0\r\n", "zrangebylex", "l", "+", "-");
    rl_assert_cmd(emu, "*6\r\n$0\r\n\r\n$1\r\na\r\n$2\r\naa\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
                  "zrangebylex", "l", "[", "+");
    rl_assert_cmd(emu, "-ERR min or max not valid string range item\r\n", "zrangebylex", "l", "a",
                  "+");
    rl_assert_cmd(emu, "-ERR min or max not valid string range item\r\n", "zrangebylex", "l", "",
                  "+");
    rl_assert_cmd(emu, "-ERR min or max not valid string range item\r\n", "zrangebylex", "l", "-x",
                  "+");
    rl_assert_cmd(emu, "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
                  "zrangebylex", "l", "-", "+", "withscores");
    rl_assert_cmd(emu, "*2\r\n$1\r\nd\r\n$1\r\nc\r\n", "zrange", "l", "[d", "(a", "bylex", "rev",
                  "limit", "0", "2");
    rl_assert_cmd(emu, ":6\r\n", "zlexcount", "l", "-", "+");
    rl_assert_cmd(emu, ":3\r\n", "zlexcount", "l", "[aa", "(d");
    rl_assert_cmd(emu, "-ERR min or max not valid string range item\r\n", "zlexcount", "l", "x",
                  "+");
    rl_assert_cmd(emu, ":0\r\n", "zlexcount", "nokey", "-", "+");
    rl_assert_cmd(emu, ":4\r\n", "zadd", "m", "3", "a", "1", "b", "2", "c", "0", "d");
    rl_assert_cmd(emu, "*0\r\n", "zrangebylex", "m", "[b", "[c");
    rl_assert_cmd(emu, ":0\r\n", "zlexcount", "m", "[a", "[c");
    rl_assert_cmd(emu, "*0\r\n", "zrevrangebylex", "m", "[c", "-");
    rl_assert_cmd(emu, ":0\r\n", "zremrangebylex", "m", "[b", "+");
    rl_assert_cmd(emu, "*4\r\n$1\r\nd\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n", "zrange", "m", "0",
                  "-1");
    rl_test_free_emu(emu);
}

/* ZREMRANGEBY{RANK,SCORE,LEX} and the empty key's removal. */
static void zremrange_should_delete_ranges(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":5\r\n", "zadd", "z", "0", "a", "1", "b", "2", "c", "3", "d", "4", "e");
    rl_assert_cmd(emu, ":1\r\n", "zremrangebyrank", "z", "-1", "-1");
    rl_assert_cmd(emu, ":0\r\n", "zremrangebyrank", "z", "3", "1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "zremrangebyrank", "z",
                  "x", "1");
    rl_assert_cmd(emu, ":1\r\n", "zremrangebyscore", "z", "(0", "1");
    rl_assert_cmd(emu, "-ERR min or max is not a float\r\n", "zremrangebyscore", "z", "x", "1");
    rl_assert_cmd(emu, "*3\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nd\r\n", "zrange", "z", "0", "-1");
    rl_assert_cmd(emu, "-ERR min or max not valid string range item\r\n", "zremrangebylex", "z",
                  "x", "+");
    rl_assert_cmd(emu, ":2\r\n", "zremrangebylex", "z", "(a", "+");
    rl_assert_cmd(emu, ":1\r\n", "zremrangebyrank", "z", "0", "-1");
    rl_assert_cmd(emu, ":0\r\n", "exists", "z");
    rl_assert_cmd(emu, ":0\r\n", "zremrangebyrank", "nokey", "0", "1");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zremrangebyscore", "s", "0", "1");
    rl_assert_cmd(emu, "-ERR min or max is not a float\r\n", "zremrangebyscore", "s", "x", "1");
    rl_test_free_emu(emu);
}

/* ZPOPMIN/ZPOPMAX, ZMPOP and the blocking pops (which answer at once). */
static void zpop_should_pop_in_every_shape(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":4\r\n", "zadd", "p", "1", "a", "2", "b", "3", "c", "4", "d");
    rl_assert_cmd(emu, "*2\r\n$1\r\na\r\n$1\r\n1\r\n", "zpopmin", "p");
    rl_assert_cmd(emu, "*2\r\n$1\r\nd\r\n$1\r\n4\r\n", "zpopmax", "p");
    rl_assert_cmd(emu, "*0\r\n", "zpopmin", "p", "0");
    rl_assert_cmd(emu, "-ERR value is out of range, must be positive\r\n", "zpopmin", "p", "-1");
    rl_assert_cmd(emu, "-ERR value is out of range, must be positive\r\n", "zpopmin", "p", "x");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zpopmin", "p", "1", "2");
    rl_assert_cmd(emu, "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n", "zpopmax", "p", "10");
    rl_assert_cmd(emu, ":0\r\n", "exists", "p");
    rl_assert_cmd(emu, "*0\r\n", "zpopmin", "p");
    rl_assert_cmd(emu, "*0\r\n", "zpopmin", "p", "3");
    rl_assert_cmd(emu, ":3\r\n", "zadd", "p", "1", "a", "2", "b", "3", "c");
    rl_assert_cmd(emu, "*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", "zmpop", "2", "nokey",
                  "p", "min");
    rl_assert_cmd(emu,
                  "*2\r\n$1\r\np\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
                  "zmpop", "2", "nokey", "p", "max", "count", "10");
    rl_assert_cmd(emu, "*-1\r\n", "zmpop", "1", "p", "min");
    rl_assert_cmd(emu, "-ERR numkeys should be greater than 0\r\n", "zmpop", "0", "p", "min");
    rl_assert_cmd(emu, "-ERR numkeys should be greater than 0\r\n", "zmpop", "x", "p", "min");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zmpop", "1", "p", "mid");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zmpop", "1", "p", "min", "count");
    rl_assert_cmd(emu, "-ERR count should be greater than 0\r\n", "zmpop", "1", "p", "min", "count",
                  "0");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zmpop", "1", "p", "min", "count", "1", "count",
                  "1");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zmpop", "2", "p", "min");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zmpop", "9223372036854775807", "p", "min");
    rl_assert_cmd(emu, ":2\r\n", "zadd", "p", "1", "a", "2", "b");
    rl_assert_cmd(emu, "*3\r\n$1\r\np\r\n$1\r\na\r\n$1\r\n1\r\n", "bzpopmin", "nokey", "p", "0");
    rl_assert_cmd(emu, "*3\r\n$1\r\np\r\n$1\r\nb\r\n$1\r\n2\r\n", "bzpopmax", "p", "1.5");
    rl_assert_cmd(emu, "-ERR timeout is not a float or out of range\r\n", "bzpopmin", "p", "x");
    rl_assert_cmd(emu, "-ERR timeout is negative\r\n", "bzpopmin", "p", "-1");
    rl_assert_cmd(emu, "-ERR timeout is negative\r\n", "bzpopmin", "p", "inf");
    rl_assert_cmd(emu, "-ERR timeout is negative\r\n", "bzpopmin", "p", "1e30");
    rl_assert_cmd(emu, ":3\r\n", "zadd", "p", "1", "a", "2", "b", "3", "c");
    rl_assert_cmd(emu,
                  "*2\r\n$1\r\np\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
                  "bzmpop", "0", "1", "p", "max", "count", "2");
    rl_assert_cmd(emu, "-ERR timeout is not a float or out of range\r\n", "bzmpop", "x", "1", "p",
                  "max");
    rl_assert_cmd(emu, "-ERR timeout is negative\r\n", "bzmpop", "-1", "1", "p", "max");
    rl_assert_cmd(emu, "-ERR numkeys should be greater than 0\r\n", "bzmpop", "0", "0", "p", "max");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "bzmpop", "0", "1", "p", "bad");
    rl_assert_cmd(emu, "*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", "bzmpop", "0", "1",
                  "p", "min");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zpopmin", "s");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zmpop", "2", "nokey", "s", "min");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "bzpopmin", "nokey", "s", "0");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "bzmpop", "0", "1", "s", "min");
    rl_test_free_emu(emu);
}

/* RESP3: doubles, nested pairs with a count, flat single pops. */
static void zpop_should_nest_pairs_in_resp3(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_resp(emu, 3);
    assert_cmd3(emu, ":5\r\n", "zadd", "p", "1", "a", "2.5", "b", "3", "c", "4", "d", "5", "e");
    assert_cmd3(emu, ",2.5\r\n", "zscore", "p", "b");
    assert_cmd3(emu, "*2\r\n,1\r\n_\r\n", "zmscore", "p", "a", "x");
    assert_cmd3(emu, ",2\r\n", "zincrby", "p", "1", "a");
    assert_cmd3(emu, "*2\r\n$1\r\na\r\n,2\r\n", "zpopmin", "p");
    assert_cmd3(emu, "*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n", "zpopmin", "p", "1");
    assert_cmd3(emu, "*0\r\n", "zpopmax", "p", "0");
    assert_cmd3(emu, "*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\ne\r\n,5\r\n", "zmpop", "1", "p", "max");
    assert_cmd3(emu, "*3\r\n$1\r\np\r\n$1\r\nc\r\n,3\r\n", "bzpopmin", "p", "0");
    assert_cmd3(emu, "*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\nd\r\n,4\r\n", "bzmpop", "0", "1", "p",
                "min");
    assert_cmd3(emu, "*0\r\n", "zpopmin", "nokey", "2");
    assert_cmd3(emu, "_\r\n", "zmpop", "1", "nokey", "min");
    assert_cmd3(emu, "_\r\n", "bzpopmin", "nokey", "0.01");
    assert_cmd3(emu, ":2\r\n", "zadd", "r", "1", "a", "2", "b");
    assert_cmd3(emu, "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n", "zrange", "r", "0",
                "-1", "withscores");
    assert_cmd3(emu, "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n", "zrangebyscore", "r",
                "-inf", "inf", "withscores");
    assert_cmd3(emu, "*2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1\r\n", "zrandmember", "r",
                "5", "withscores");
    assert_cmd3(emu, "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n", "zunion", "1", "r",
                "withscores");
    rl_test_free_emu(emu);
}

/* ZRANDMEMBER's errors and its deterministic shapes. */
static void zrandmember_should_follow_redis_shapes(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":3\r\n", "zadd", "q", "1", "a", "2", "b", "3", "c");
    rl_assert_cmd(emu, "$-1\r\n", "zrandmember", "nokey");
    rl_assert_cmd(emu, "*0\r\n", "zrandmember", "nokey", "5");
    rl_assert_cmd(emu, "*0\r\n", "zrandmember", "q", "0");
    rl_assert_cmd(emu, "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n",
                  "zrandmember", "q", "3", "withscores");
    rl_assert_cmd(emu, "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n", "zrandmember", "q", "10");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "zrandmember", "q", "x");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zrandmember", "q", "1", "withscore");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zrandmember", "q", "1", "withscores", "x");
    rl_assert_cmd(emu,
                  "-ERR value is out of range, value must between -9223372036854775807 and 92233720"
                  "36854775807\r\n",
                  "zrandmember", "q", "-9223372036854775808");
    rl_assert_cmd(emu, "-ERR value is out of range\r\n", "zrandmember", "q", "9223372036854775807",
                  "withscores");
    rl_assert_cmd(emu, "-ERR value is out of range\r\n", "zrandmember", "q", "-4611686018427387904",
                  "withscores");
    rl_assert_cmd(emu, ":1\r\n", "zadd", "one", "7", "only");
    rl_assert_cmd(emu, "$4\r\nonly\r\n", "zrandmember", "one");
    rl_assert_cmd(emu,
                  "*6\r\n$4\r\nonly\r\n$1\r\n7\r\n$4\r\nonly\r\n$1\r\n7\r\n$4\r\nonly\r\n$1\r\n7"
                  "\r\n",
                  "zrandmember", "one", "-3", "withscores");
    rl_assert_cmd(emu, "*1\r\n$4\r\nonly\r\n", "zrandmember", "one", "1");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zrandmember", "s");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zrandmember", "s", "1");
    rl_test_free_emu(emu);
}

/* Set operations with weights, aggregates, NaN rules and stores. */
static void zunion_zinter_zdiff_should_combine_sets(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":3\r\n", "zadd", "s1", "1", "a", "2", "b", "3", "c");
    rl_assert_cmd(emu, ":3\r\n", "zadd", "s2", "10", "b", "20", "c", "30", "d");
    rl_assert_cmd(emu, ":2\r\n", "zadd", "s3", "inf", "a", "-inf", "b");
    rl_assert_cmd(emu,
                  "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1"
                  "\r\nd\r\n$2\r\n30\r\n",
                  "zunion", "2", "s1", "s2", "withscores");
    rl_assert_cmd(emu, "*4\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n", "zinter", "2", "s1",
                  "s2", "withscores");
    rl_assert_cmd(emu, "*2\r\n$1\r\na\r\n$1\r\n1\r\n", "zdiff", "2", "s1", "s2", "withscores");
    rl_assert_cmd(emu,
                  "*8\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n6\r\n$1\r\nd"
                  "\r\n$2\r\n90\r\n",
                  "zunion", "2", "s1", "s2", "weights", "2", "3", "aggregate", "min", "withscores");
    rl_assert_cmd(emu, "*4\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nc\r\n$2\r\n20\r\n", "zinter", "2", "s1",
                  "s2", "aggregate", "max", "withscores");
    rl_assert_cmd(emu,
                  "*6\r\n$1\r\nb\r\n$4\r\n-inf\r\n$1\r\nc\r\n$1\r\n0\r\n$1\r\na\r\n$3\r\ninf\r\n",
                  "zunion", "2", "s1", "s3", "weights", "0", "1", "withscores");
    rl_assert_cmd(emu, "*4\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$3\r\ninf\r\n", "zinter", "2", "s1",
                  "s3", "weights", "inf", "-inf", "withscores");
    rl_assert_cmd(emu, "*4\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n", "zunion", "2", "s3",
                  "s3", "weights", "1", "-1", "withscores");
    rl_assert_cmd(emu, "*0\r\n", "zinter", "2", "s1", "nokey");
    rl_assert_cmd(emu, "*0\r\n", "zdiff", "2", "s1", "s1");
    rl_assert_cmd(emu, "-ERR at least 1 input key is needed for 'zunion' command\r\n", "zunion",
                  "0", "s1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "zinter", "x", "s1");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zunion", "3", "s1", "s2");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zunion", "2", "s1", "s2", "weights", "1");
    rl_assert_cmd(emu, "-ERR weight value is not a float\r\n", "zunion", "2", "s1", "s2", "weights",
                  "x", "1");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zunion", "2", "s1", "s2", "aggregate", "avg");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zdiff", "2", "s1", "s2", "weights", "1", "1");
    rl_assert_cmd(emu, "+OK\r\n", "set", "str", "v");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zunion", "2", "s1", "str");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zunion", "2", "s1", "str", "bogus");
    rl_assert_cmd(emu, ":4\r\n", "zunionstore", "d", "2", "s1", "s2");
    rl_assert_cmd(emu,
                  "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1"
                  "\r\nd\r\n$2\r\n30\r\n",
                  "zrange", "d", "0", "-1", "withscores");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zinterstore", "d", "2", "s1", "s2", "withscores");
    rl_assert_cmd(emu, ":1\r\n", "zdiffstore", "d", "2", "s1", "s2");
    rl_assert_cmd(emu, "*2\r\n$1\r\na\r\n$1\r\n1\r\n", "zrange", "d", "0", "-1", "withscores");
    rl_assert_cmd(emu, ":1\r\n", "expire", "d", "100");
    rl_assert_cmd(emu, ":2\r\n", "zinterstore", "d", "2", "s1", "s2");
    rl_assert_cmd(emu, ":-1\r\n", "ttl", "d");
    rl_assert_cmd(emu, ":0\r\n", "zinterstore", "d", "2", "s1", "nokey");
    rl_assert_cmd(emu, ":0\r\n", "exists", "d");
    rl_assert_cmd(emu, "-ERR at least 1 input key is needed for 'zdiffstore' command\r\n",
                  "zdiffstore", "d", "0", "s1");
    rl_assert_cmd(emu, ":2\r\n", "zintercard", "2", "s1", "s2");
    rl_assert_cmd(emu, ":1\r\n", "zintercard", "2", "s1", "s2", "limit", "1");
    rl_assert_cmd(emu, "-ERR LIMIT can't be negative\r\n", "zintercard", "2", "s1", "s2", "limit",
                  "-1");
    rl_assert_cmd(emu, "-ERR LIMIT can't be negative\r\n", "zintercard", "2", "s1", "s2", "limit",
                  "x");
    rl_assert_cmd(emu, "-ERR at least 1 input key is needed for 'zintercard' command\r\n",
                  "zintercard", "0", "s1");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zintercard", "1", "s1", "withscores");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zintercard", "1", "str");
    rl_test_free_emu(emu);
}

/* ZRANGESTORE by rank, score and lex; an empty result deletes the destination. */
static void zrangestore_should_store_ranges(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":3\r\n", "zadd", "s", "1", "a", "2", "b", "3", "c");
    rl_assert_cmd(emu, ":3\r\n", "zrangestore", "d", "s", "0", "-1");
    rl_assert_cmd(emu, "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
                  "zrange", "d", "0", "-1", "withscores");
    rl_assert_cmd(emu, ":1\r\n", "zrangestore", "d", "s", "(1", "+inf", "byscore", "limit", "0",
                  "1");
    rl_assert_cmd(emu, "*2\r\n$1\r\nb\r\n$1\r\n2\r\n", "zrange", "d", "0", "-1", "withscores");
    rl_assert_cmd(emu, ":2\r\n", "zrangestore", "d", "s", "+", "[b", "bylex", "rev");
    rl_assert_cmd(emu, "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n", "zrange", "d", "0",
                  "-1", "withscores");
    rl_assert_cmd(emu, ":0\r\n", "zrangestore", "d", "s", "5", "6");
    rl_assert_cmd(emu, ":0\r\n", "exists", "d");
    rl_assert_cmd(emu, ":0\r\n", "zrangestore", "d", "nokey", "0", "-1");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zrangestore", "d", "s", "0", "-1", "withscores");
    rl_assert_cmd(emu,
                  "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or"
                  " BYLEX\r\n",
                  "zrangestore", "d", "s", "0", "-1", "limit", "0", "1");
    rl_assert_cmd(emu, "+OK\r\n", "set", "str", "v");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zrangestore", "d", "str", "0", "-1");
    rl_assert_cmd(emu, ":1\r\n", "zrangestore", "str", "s", "0", "0");
    rl_assert_cmd(emu, "+zset\r\n", "type", "str");
    rl_test_free_emu(emu);
}

/* ZSCAN on listpacks: one call, cursor 0, integral scores as integers; option errors. */
static void zscan_should_return_small_sets_whole(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":7\r\n", "zadd", "z", "1e17", "x", "0.1", "y", "inf", "z", "-inf", "w",
                  "4611686018427387904", "v", "1.5", "t", "-0", "r");
    rl_assert_cmd(emu,
                  "*2\r\n$1\r\n0\r\n*14\r\n$1\r\nw\r\n$4\r\n-inf\r\n$1\r\nr\r\n$1\r\n0\r\n$1\r\ny"
                  "\r\n$19\r\n0.10000000000000001\r\n$1\r\nt\r\n$3\r\n1.5\r\n$1\r\nx\r\n$18\r\n1000"
                  "00000000000000\r\n$1\r\nv\r\n$19\r\n4611686018427387904\r\n$1\r\nz\r\n$3\r\ninf"
                  "\r\n",
                  "zscan", "z", "0");
    rl_assert_cmd(emu,
                  "*2\r\n$1\r\n0\r\n*4\r\n$1\r\ny\r\n$19\r\n0.10000000000000001\r\n$1\r\nx\r\n$18"
                  "\r\n100000000000000000\r\n",
                  "zscan", "z", "0", "match", "[xy]");
    rl_assert_cmd(emu,
                  "*2\r\n$1\r\n0\r\n*14\r\n$1\r\nw\r\n$4\r\n-inf\r\n$1\r\nr\r\n$1\r\n0\r\n$1\r\ny"
                  "\r\n$19\r\n0.10000000000000001\r\n$1\r\nt\r\n$3\r\n1.5\r\n$1\r\nx\r\n$18\r\n1000"
                  "00000000000000\r\n$1\r\nv\r\n$19\r\n4611686018427387904\r\n$1\r\nz\r\n$3\r\ninf"
                  "\r\n",
                  "zscan", "z", "0", "count", "1");
    rl_assert_cmd(emu, "-ERR invalid cursor\r\n", "zscan", "z", "x");
    rl_assert_cmd(emu, "-ERR invalid cursor\r\n", "zscan", "z", " 1");
    rl_assert_cmd(emu,
                  "*2\r\n$1\r\n0\r\n*14\r\n$1\r\nw\r\n$4\r\n-inf\r\n$1\r\nr\r\n$1\r\n0\r\n$1\r\ny"
                  "\r\n$19\r\n0.10000000000000001\r\n$1\r\nt\r\n$3\r\n1.5\r\n$1\r\nx\r\n$18\r\n1000"
                  "00000000000000\r\n$1\r\nv\r\n$19\r\n4611686018427387904\r\n$1\r\nz\r\n$3\r\ninf"
                  "\r\n",
                  "zscan", "z", "-1");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zscan", "z", "0", "count", "0");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "zscan", "z", "0",
                  "count", "x");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zscan", "z", "0", "type", "zset");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "zscan", "z", "0", "match");
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*0\r\n", "zscan", "nokey", "0");
    rl_assert_cmd(emu, "-ERR invalid cursor\r\n", "zscan", "nokey", "x");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zscan", "s", "0");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "zscan", "s", "0", "foo");
    rl_test_free_emu(emu);
}

/* Inside scripts BZPOPMIN/BZPOPMAX are refused (noscript) and BZMPOP does not block. */
static void scripts_should_refuse_bzpop_but_run_bzmpop(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR This Redis command is not allowed from script script: 2707fb020c79855a5c2e4"
                  "20687b29f922da168b9, on @user_script:1.\r\n",
                  "eval", "return redis.call('bzpopmin', 'k', 0)", "0");
    rl_assert_cmd(emu, "-ERR This Redis command is not allowed from script\r\n", "eval",
                  "return redis.pcall('bzpopmax', 'k', 0)", "0");
    rl_assert_cmd(emu, "$-1\r\n", "eval", "return redis.call('bzmpop', 0, 1, 'k', 'min')", "0");
    rl_assert_cmd(emu, ":1\r\n", "zadd", "k", "1", "a");
    rl_assert_cmd(emu, "*2\r\n$1\r\nk\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", "eval",
                  "return redis.call('bzmpop', 0, 1, 'k', 'min')", "0");
    rl_assert_cmd(emu, ":2\r\n", "eval", "return redis.call('zadd', 'k', 1.5, 'b', 2, 'c')", "0");
    rl_assert_cmd(emu, "*4\r\n$1\r\nb\r\n$3\r\n1.5\r\n$1\r\nc\r\n$1\r\n2\r\n", "eval",
                  "return redis.call('zrange', 'k', 0, -1, 'withscores')", "0");
    rl_assert_cmd(emu, "$3\r\n1.5\r\n", "eval", "return redis.call('zscore', 'k', 'b')", "0");
    rl_test_free_emu(emu);
}

/* Plain sets (intset and hashtable) are inputs whose members score 1. */
static void zunion_should_read_plain_sets_with_score_one(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":4\r\n", "sadd", "is", "1", "2", "3", "10");
    rl_assert_cmd(emu, ":4\r\n", "sadd", "hs", "a", "b", "2", "c");
    rl_assert_cmd(emu, ":3\r\n", "zadd", "z", "5", "a", "6", "2", "7", "x");
    rl_assert_cmd(emu,
                  "*16\r\n$1\r\n1\r\n$1\r\n1\r\n$2\r\n10\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n1\r\n$1"
                  "\r\nb\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n6\r\n$1\r\nx\r\n$1"
                  "\r\n7\r\n$1\r\n2\r\n$1\r\n8\r\n",
                  "zunion", "3", "is", "hs", "z", "withscores");
    rl_assert_cmd(emu, "*4\r\n$1\r\na\r\n$2\r\n15\r\n$1\r\n2\r\n$2\r\n18\r\n", "zinter", "2", "hs",
                  "z", "weights", "2", "3", "aggregate", "max", "withscores");
    rl_assert_cmd(emu, "*6\r\n$1\r\n1\r\n$1\r\n1\r\n$2\r\n10\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n1\r\n",
                  "zdiff", "2", "is", "z", "withscores");
    rl_assert_cmd(emu, ":4\r\n", "zunionstore", "d", "2", "hs", "hs");
    rl_assert_cmd(emu,
                  "*8\r\n$1\r\n2\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc"
                  "\r\n$1\r\n2\r\n",
                  "zrange", "d", "0", "-1", "withscores");
    rl_assert_cmd(emu, ":1\r\n", "zintercard", "3", "is", "hs", "z");
    rl_assert_cmd(emu, ":0\r\n", "zinterstore", "d", "2", "is", "nokey");
    rl_assert_cmd(emu, ":0\r\n", "exists", "d");
    rl_test_free_emu(emu);
}

/* Runs a command built from printf-style pieces and returns its reply. */
static rl_reply *call(rl_emu *emu, const char *a0, const char *a1, const char *a2, const char *a3)
{
    return rl_emu_callv(emu, a0, a1, a2, a3, (const char *)NULL);
}

/* A skiplist-encoded set is scanned by insertion order with a numeric
 * cursor; every member present throughout comes back exactly once, even
 * when members are removed and added between calls. */
static void zscan_should_page_a_skiplist_and_return_each_member_once(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    char m[16], s[16], cur[32];
    for (int i = 0; i < 300; i++) {
        snprintf(m, sizeof m, "m%03d", i);
        snprintf(s, sizeof s, "%d", (i * 37) % 300);
        rl_reply_free(call(emu, "zadd", "z", s, m));
    }
    int seen[300] = { 0 };
    unsigned long long cursor = 0;
    int calls = 0, extra = 0;
    do {
        snprintf(cur, sizeof cur, "%llu", cursor);
        rl_reply *r = rl_emu_callv(emu, "zscan", "z", cur, "count", "7", (const char *)NULL);
        assert_int_equal(r->type, RL_REPLY_ARRAY);
        assert_int_equal(r->elements, 2);
        cursor = strtoull(r->element[0]->str, NULL, 10);
        rl_reply *items = r->element[1];
        assert_true(items->elements <= 14);
        for (size_t i = 0; i < items->elements; i += 2) {
            int idx = atoi(items->element[i]->str + 1);
            if (idx >= 300) {
                extra++;
                continue;
            }
            seen[idx]++;
            /* The score text is Redis's for a skiplist (long double, %.17Lg). */
            char want[16];
            snprintf(want, sizeof want, "%d", (idx * 37) % 300);
            assert_string_equal(items->element[i + 1]->str, want);
        }
        rl_reply_free(r);
        /* Churn: remove a member never visited yet at an odd index, add a new one. */
        if (calls < 10) {
            snprintf(m, sizeof m, "m%03d", 299 - calls * 2);
            rl_reply_free(call(emu, "zrem", "z", m, NULL));
            snprintf(m, sizeof m, "m%03d", 300 + calls);
            rl_reply_free(call(emu, "zadd", "z", "5", m));
        }
        calls++;
    } while (cursor != 0 && calls < 1000);
    assert_int_equal(cursor, 0);
    for (int i = 0; i < 300; i++) {
        int removed = i % 2 == 1 && i >= 281;
        if (!removed) assert_int_equal(seen[i], 1);
        else assert_true(seen[i] <= 1);
    }
    assert_true(extra <= 10);
    /* MATCH filters what a page visited. */
    rl_reply *r =
        rl_emu_callv(emu, "zscan", "z", "0", "count", "1000", "match", "m00*", (const char *)NULL);
    assert_int_equal(r->element[1]->elements, 20);
    assert_string_equal(r->element[0]->str, "0");
    rl_reply_free(r);
    rl_test_free_emu(emu);
}

/* Ranks, scores and ranges of a large set agree with a sorted model, and
 * deleting through every path keeps the spans right. */
static int cmp_pair(const void *a, const void *b)
{
    const int *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    char ma[16], mb[16];
    snprintf(ma, sizeof ma, "m%d", x[1]);
    snprintf(mb, sizeof mb, "m%d", y[1]);
    return strcmp(ma, mb);
}

static void zset_should_keep_ranks_right_on_a_large_set(void **state)
{
    (void)state;
    enum { N = 20000 };
    rl_emu *emu = rl_emu_new();
    static int model[N][2];
    char m[16], s[16];
    unsigned x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        model[i][0] = (int)((x >> 8) % 5000);
        model[i][1] = i;
        snprintf(m, sizeof m, "m%d", i);
        snprintf(s, sizeof s, "%d", model[i][0]);
        rl_reply_free(call(emu, "zadd", "big", s, m));
    }
    /* Move every tenth member: ZADD updates must re-place nodes. */
    for (int i = 0; i < N; i += 10) {
        model[i][0] = 5000 - model[i][0];
        snprintf(m, sizeof m, "m%d", i);
        snprintf(s, sizeof s, "%d", model[i][0]);
        rl_reply *r = call(emu, "zadd", "big", s, m);
        assert_int_equal(r->integer, 0);
        rl_reply_free(r);
    }
    qsort(model, N, sizeof(model[0]), cmp_pair);
    for (int k = 0; k < N; k += 97) {
        snprintf(m, sizeof m, "m%d", model[k][1]);
        rl_reply *r = call(emu, "zrank", "big", m, NULL);
        assert_int_equal(r->integer, k);
        rl_reply_free(r);
        r = call(emu, "zrevrank", "big", m, NULL);
        assert_int_equal(r->integer, N - 1 - k);
        rl_reply_free(r);
        snprintf(s, sizeof s, "%d", k);
        r = call(emu, "zrange", "big", s, s);
        assert_string_equal(r->element[0]->str, m);
        rl_reply_free(r);
    }
    /* ZCOUNT against the model. */
    int lo = 1000, hi = 1999, want = 0;
    for (int i = 0; i < N; i++) want += model[i][0] >= lo && model[i][0] <= hi;
    rl_reply *r = call(emu, "zcount", "big", "1000", "1999");
    assert_int_equal(r->integer, want);
    rl_reply_free(r);
    r = call(emu, "zremrangebyscore", "big", "1000", "1999");
    assert_int_equal(r->integer, want);
    rl_reply_free(r);
    r = call(emu, "zremrangebyrank", "big", "0", "99");
    assert_int_equal(r->integer, 100);
    rl_reply_free(r);
    /* The first survivor of the model is now rank 0. */
    int first = -1, skipped = 0;
    for (int i = 0; i < N && first < 0; i++) {
        if (model[i][0] >= lo && model[i][0] <= hi) continue;
        if (skipped++ < 100) continue;
        first = i;
    }
    snprintf(m, sizeof m, "m%d", model[first][1]);
    r = call(emu, "zrank", "big", m, NULL);
    assert_int_equal(r->integer, 0);
    rl_reply_free(r);
    r = call(emu, "zcard", "big", NULL, NULL);
    assert_int_equal(r->integer, N - want - 100);
    rl_reply_free(r);
    rl_test_free_emu(emu);
}

/* The model of the tree test below: a member, its score, whether it is in. */
typedef struct {
    char m[48];
    int score;
    int in;
} tree_elem;

static int cmp_tree_elem(const void *a, const void *b)
{
    const tree_elem *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? -1 : 1;
    return strcmp(x->m, y->m);
}

/* Checks the whole order, both ways, and a rank per element, against the
 * model (sorted into a copy). */
static void check_tree_against_model(rl_emu *emu, const tree_elem *model, int n)
{
    static tree_elem sorted[4000];
    int k = 0;
    for (int i = 0; i < n; i++)
        if (model[i].in) sorted[k++] = model[i];
    qsort(sorted, (size_t)k, sizeof(sorted[0]), cmp_tree_elem);
    rl_reply *r = rl_emu_callv(emu, "zrange", "t", "0", "-1", "withscores", (const char *)NULL);
    assert_int_equal(r->elements, 2 * (size_t)k);
    for (int i = 0; i < k; i++) {
        assert_string_equal(r->element[2 * i]->str, sorted[i].m);
        assert_int_equal(atoi(r->element[2 * i + 1]->str), sorted[i].score);
    }
    rl_reply_free(r);
    r = rl_emu_callv(emu, "zrevrange", "t", "0", "-1", (const char *)NULL);
    assert_int_equal(r->elements, (size_t)k);
    for (int i = 0; i < k; i++) assert_string_equal(r->element[i]->str, sorted[k - 1 - i].m);
    rl_reply_free(r);
    for (int i = 0; i < k; i += 7) {
        r = rl_emu_callv(emu, "zrank", "t", sorted[i].m, (const char *)NULL);
        assert_int_equal(r->integer, i);
        rl_reply_free(r);
    }
    /* A score range with a limit, from both ends. */
    char lo[16], hi[16];
    snprintf(lo, sizeof lo, "(%d", 20);
    snprintf(hi, sizeof hi, "%d", 60);
    int first = 0;
    while (first < k && sorted[first].score <= 20) first++;
    int last = k - 1;
    while (last >= 0 && sorted[last].score > 60) last--;
    r = rl_emu_callv(emu, "zrangebyscore", "t", lo, hi, "limit", "3", "50", (const char *)NULL);
    int want = last - first + 1 - 3;
    want = want < 0 ? 0 : (want > 50 ? 50 : want);
    assert_int_equal(r->elements, (size_t)want);
    for (int i = 0; i < want; i++) assert_string_equal(r->element[i]->str, sorted[first + 3 + i].m);
    rl_reply_free(r);
    r = rl_emu_callv(emu, "zrevrangebyscore", "t", hi, lo, "limit", "2", "40", (const char *)NULL);
    want = last - first + 1 - 2;
    want = want < 0 ? 0 : (want > 40 ? 40 : want);
    assert_int_equal(r->elements, (size_t)want);
    for (int i = 0; i < want; i++) assert_string_equal(r->element[i]->str, sorted[last - 2 - i].m);
    rl_reply_free(r);
    r = rl_emu_callv(emu, "zcount", "t", lo, hi, (const char *)NULL);
    assert_int_equal(r->integer, last - first + 1 > 0 ? last - first + 1 : 0);
    rl_reply_free(r);
    /* Just below and at the lowest score, twice: the second answers come
     * from the lowest score the set remembers. */
    int at_min = 0;
    while (at_min < k && sorted[at_min].score == sorted[0].score) at_min++;
    for (int rep = 0; k > 0 && rep < 2; rep++) {
        snprintf(lo, sizeof lo, "(%d", sorted[0].score);
        r = rl_emu_callv(emu, "zcount", "t", "-inf", lo, (const char *)NULL);
        assert_int_equal(r->integer, 0);
        rl_reply_free(r);
        snprintf(hi, sizeof hi, "%d", sorted[0].score);
        r = rl_emu_callv(emu, "zcount", "t", "-inf", hi, (const char *)NULL);
        assert_int_equal(r->integer, at_min);
        rl_reply_free(r);
    }
}

/* The order structure (t_zset.c, a B+tree with counts) through splits,
 * merges and a root that grows and shrinks: members short, exactly 16
 * bytes, and longer ones sharing their first 16+ bytes (which the tree's
 * key copies cannot tell apart), scores from a small range so that many
 * tie; adds, score changes in place and across the set, removals one by
 * one and by range, down to a handful and up again; the whole order, ranks
 * and ranges checked against a model after every phase. */
static void zset_tree_should_keep_order_through_splits_and_merges(void **state)
{
    (void)state;
    enum { N = 4000 };
    static tree_elem model[N];
    for (int i = 0; i < N; i++) {
        if (i % 3 == 0) snprintf(model[i].m, sizeof model[i].m, "m%d", i);
        else if (i % 3 == 1) snprintf(model[i].m, sizeof model[i].m, "req:%012d", i);
        else snprintf(model[i].m, sizeof model[i].m, "a-long-shared-prefix-of-members:%d", i);
        model[i].in = 0;
    }
    rl_emu *emu = rl_emu_new();
    unsigned x = 4242;
    char sc[16];
    for (int round = 0; round < 3; round++) {
        /* Up: most elements in, at random scores. */
        for (int i = 0; i < N; i++) {
            x = x * 1103515245u + 12345u;
            if ((x >> 16) % 8 == 0) continue;
            model[i].score = (int)((x >> 8) % 100);
            model[i].in = 1;
            snprintf(sc, sizeof sc, "%d", model[i].score);
            rl_reply_free(rl_emu_callv(emu, "zadd", "t", sc, model[i].m, (const char *)NULL));
        }
        check_tree_against_model(emu, model, N);
        /* Scores move by one (often in place) or far. */
        for (int i = 0; i < N; i += 3) {
            if (!model[i].in) continue;
            x = x * 1103515245u + 12345u;
            int d = (x >> 16) % 2 ? 1 : 50;
            model[i].score += d;
            snprintf(sc, sizeof sc, "%d", d);
            rl_reply_free(rl_emu_callv(emu, "zincrby", "t", sc, model[i].m, (const char *)NULL));
        }
        check_tree_against_model(emu, model, N);
        /* Down: scattered removals, then a score range, to a handful. */
        for (int k = 0; k < N; k++) {
            int i = (int)(((unsigned)k * 2654435761u) % N);
            x = x * 1103515245u + 12345u;
            if (!model[i].in || (x >> 16) % 10 == 0) continue;
            model[i].in = 0;
            rl_reply *r = rl_emu_callv(emu, "zrem", "t", model[i].m, (const char *)NULL);
            assert_int_equal(r->integer, 1);
            rl_reply_free(r);
        }
        check_tree_against_model(emu, model, N);
        int gone = 0;
        for (int i = 0; i < N; i++)
            if (model[i].in && model[i].score >= 10 && model[i].score <= 140) {
                model[i].in = 0;
                gone++;
            }
        rl_reply *r = rl_emu_callv(emu, "zremrangebyscore", "t", "10", "140", (const char *)NULL);
        assert_int_equal(r->integer, gone);
        rl_reply_free(r);
        check_tree_against_model(emu, model, N);
    }
    rl_test_free_emu(emu);
}

/* Members that differ only past their first 16 bytes, or by trailing NUL
 * bytes (which the tree's zero-padded key copies would hide), sort as
 * memcmp and then length say. */
static void zset_tree_should_order_members_by_their_bytes(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    const char *names[] = { "x\0\1",
                            "x",
                            "x\0\0",
                            "x\0",
                            "0123456789abcdefB",
                            "0123456789abcdef",
                            "0123456789abcdefA",
                            "0123456789abcdef\0" };
    const size_t lens[] = { 3, 1, 3, 2, 17, 16, 17, 17 };
    /* Past 128 members the set is no listpack: the tree orders them. */
    for (int i = 0; i < 200; i++) {
        char m[16];
        snprintf(m, sizeof m, "f%03d", i);
        rl_reply_free(rl_emu_callv(emu, "zadd", "t", "5", m, (const char *)NULL));
    }
    for (int i = 0; i < 8; i++) {
        const char *argv[] = { "zadd", "t", "1", names[i] };
        const size_t argvlen[] = { 4, 1, 1, lens[i] };
        rl_reply_free(rl_emu_call(emu, 4, argv, argvlen));
    }
    rl_reply *r = rl_emu_callv(emu, "zrange", "t", "0", "7", (const char *)NULL);
    const int order[] = { 5, 7, 6, 4, 1, 3, 2, 0 };
    assert_int_equal(r->elements, 8);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(r->element[i]->len, lens[order[i]]);
        assert_memory_equal(r->element[i]->str, names[order[i]], lens[order[i]]);
    }
    rl_reply_free(r);
    rl_test_free_emu(emu);
}

/* The member index (open addressing, shifting entries back on delete,
 * shrinking at a tenth full): after every phase of growth and random
 * deletion, each member present has its score and each removed one has
 * none, and ZSCAN still visits each present member once. */
static void zset_index_should_find_every_member_through_growth_and_shrinking(void **state)
{
    (void)state;
    enum { N = 5000 };
    rl_emu *emu = rl_emu_new();
    static int present[N];
    char m[16], s[16];
    unsigned x = 777;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            x = x * 1103515245u + 12345u;
            if (present[i] || (x >> 16) % 3 == 0) continue;
            snprintf(m, sizeof m, "k:%d", i);
            snprintf(s, sizeof s, "%d", i % 7);
            rl_reply *r = call(emu, "zadd", "ix", s, m);
            assert_int_equal(r->integer, 1);
            rl_reply_free(r);
            present[i] = 1;
        }
        /* Remove all but about one in twenty, in a scattered order. */
        for (int k = 0; k < N; k++) {
            int i = (int)(((unsigned)k * 2654435761u) % N);
            x = x * 1103515245u + 12345u;
            if (!present[i] || (x >> 16) % 20 == 0) continue;
            snprintf(m, sizeof m, "k:%d", i);
            rl_reply *r = call(emu, "zrem", "ix", m, NULL);
            assert_int_equal(r->integer, 1);
            rl_reply_free(r);
            present[i] = 0;
        }
        long count = 0;
        for (int i = 0; i < N; i++) {
            snprintf(m, sizeof m, "k:%d", i);
            rl_reply *r = call(emu, "zscore", "ix", m, NULL);
            if (present[i]) {
                count++;
                assert_int_equal(r->type, RL_REPLY_BULK);
                assert_int_equal(atoi(r->str), i % 7);
            } else {
                assert_int_equal(r->type, RL_REPLY_NIL);
            }
            rl_reply_free(r);
        }
        rl_reply *r = call(emu, "zcard", "ix", NULL, NULL);
        assert_int_equal(r->integer, count);
        rl_reply_free(r);
        r = rl_emu_callv(emu, "zscan", "ix", "0", "count", "100000", (const char *)NULL);
        if (count > 128) assert_string_equal(r->element[0]->str, "0");
        assert_int_equal(r->element[1]->elements, 2 * count);
        for (size_t j = 0; j < r->element[1]->elements; j += 2) {
            int i = atoi(r->element[1]->element[j]->str + 2);
            assert_true(present[i] == 1);
            present[i] = 2; /* seen once */
        }
        for (int i = 0; i < N; i++) present[i] = present[i] ? 1 : 0;
        rl_reply_free(r);
    }
    rl_test_free_emu(emu);
}

/* COPY keeps the skiplist encoding (a -0 score survives) and the scores;
 * the API reports the encoding Redis would use. */
static void copy_should_keep_the_encoding(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    char big[70];
    memset(big, 'x', 69);
    big[69] = '\0';
    rl_reply_free(rl_emu_callv(emu, "zadd", "s", "1", big, "-0", "m", (const char *)NULL));
    rl_assert_cmd(emu, ":1\r\n", "copy", "s", "t");
    rl_assert_cmd(emu, "$2\r\n-0\r\n", "zscore", "t", "m");
    rl_reply_free(rl_emu_callv(emu, "zadd", "small", "2", "b", "1", "a", (const char *)NULL));
    rl_assert_cmd(emu, ":1\r\n", "copy", "small", "small2");
    rl_assert_cmd(emu, "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", "zrange", "small2",
                  "0", "-1", "withscores");
    rl_obj *o = rl_zset_obj_new();
    rl_zset *z = o->ptr;
    assert_int_equal(rl_zset_is_listpack(z), 1);
    assert_int_equal(rl_zset_add(z, 2, "b", 1), 1);
    assert_int_equal(rl_zset_add(z, 1, "a", 1), 1);
    assert_int_equal(rl_zset_add(z, 3, "a", 1), 0);
    assert_int_equal(rl_zset_rank(z, "a", 1, 0), 1);
    assert_int_equal(rl_zset_rank(z, "a", 1, 1), 0);
    assert_int_equal(rl_zset_rank(z, "c", 1, 0), -1);
    double sc = 0;
    assert_int_equal(rl_zset_score(z, "a", 1, &sc), 1);
    assert_true(sc == 3);
    for (int i = 0; i < 127; i++) {
        char m[8];
        snprintf(m, sizeof m, "k%d", i);
        rl_zset_add(z, i, m, strlen(m));
    }
    assert_int_equal(rl_zset_length(z), 129);
    assert_int_equal(rl_zset_is_listpack(z), 0);
    rl_obj_free(o);
    rl_test_free_emu(emu);
}

/* A score range below every score is answered from the lowest score the
 * set remembers (t_zset.c, min_score): each change to the first member has
 * to be seen. Small sets and one large enough to have many leaves; the
 * replies are redis-server 7.0.15's to the same commands. */
static void score_ranges_should_follow_the_lowest_score(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "ZADD", "k", "5", "a");
    rl_assert_cmd(emu, "*0\r\n", "ZRANGEBYSCORE", "k", "-inf", "4");
    rl_assert_cmd(emu, ":0\r\n", "ZCOUNT", "k", "-inf", "4");
    rl_assert_cmd(emu, ":1\r\n", "ZADD", "k", "3", "b");
    rl_assert_cmd(emu, "*1\r\n$1\r\nb\r\n", "ZRANGEBYSCORE", "k", "-inf", "4");
    rl_assert_cmd(emu, ":1\r\n", "ZREM", "k", "b");
    rl_assert_cmd(emu, ":0\r\n", "ZCOUNT", "k", "-inf", "4");
    rl_assert_cmd(emu, ":0\r\n", "ZADD", "k", "1", "a");
    rl_assert_cmd(emu, ":1\r\n", "ZCOUNT", "k", "-inf", "(2");
    rl_assert_cmd(emu, ":0\r\n", "ZCOUNT", "k", "-inf", "(1");
    rl_assert_cmd(emu, ":1\r\n", "ZREMRANGEBYSCORE", "k", "-inf", "1");
    rl_assert_cmd(emu, ":0\r\n", "EXISTS", "k");
    rl_assert_cmd(emu, ":1\r\n", "ZADD", "k", "9", "a");
    rl_assert_cmd(emu, ":0\r\n", "ZCOUNT", "k", "-inf", "8");
    char m[16], sc[16];
    for (int i = 100; i < 400; i++) {
        snprintf(m, sizeof m, "m%d", i);
        snprintf(sc, sizeof sc, "%d", i);
        rl_assert_cmd(emu, ":1\r\n", "ZADD", "big", sc, m);
    }
    rl_assert_cmd(emu, ":0\r\n", "ZREMRANGEBYSCORE", "big", "-inf", "(100");
    rl_assert_cmd(emu, ":1\r\n", "ZCOUNT", "big", "-inf", "100");
    rl_assert_cmd(emu, ":1\r\n", "ZADD", "big", "40", "x");
    rl_assert_cmd(emu, "*1\r\n$1\r\nx\r\n", "ZRANGEBYSCORE", "big", "-inf", "50");
    rl_assert_cmd(emu, ":1\r\n", "ZREMRANGEBYRANK", "big", "0", "0");
    rl_assert_cmd(emu, "*0\r\n", "ZRANGEBYSCORE", "big", "-inf", "50");
    rl_assert_cmd(emu, "$2\r\n50\r\n", "ZINCRBY", "big", "-100", "m150");
    rl_assert_cmd(emu, "*1\r\n$4\r\nm150\r\n", "ZRANGEBYSCORE", "big", "-inf", "50");
    rl_assert_cmd(emu, ":2\r\n", "ZREMRANGEBYSCORE", "big", "-inf", "100");
    rl_assert_cmd(emu, ":1\r\n", "ZCOUNT", "big", "-inf", "101");
    rl_assert_cmd(emu, ":10\r\n", "ZREMRANGEBYSCORE", "big", "-inf", "110");
    rl_assert_cmd(emu, ":0\r\n", "ZCOUNT", "big", "-inf", "110");
    rl_assert_cmd(emu, ":1\r\n", "ZCOUNT", "big", "-inf", "111");
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zadd_should_parse_options_and_reject_conflicts),
        cmocka_unit_test(zadd_should_reply_nan_errors_and_keep_scores),
        cmocka_unit_test(zadd_should_store_negative_zero_like_the_encoding),
        cmocka_unit_test(zrem_zcard_zscore_should_read_and_delete_members),
        cmocka_unit_test(zadd_should_keep_binary_members_in_byte_order),
        cmocka_unit_test(zrange_should_handle_ranks_and_options),
        cmocka_unit_test(zrange_should_select_score_ranges),
        cmocka_unit_test(zrange_should_select_lex_ranges),
        cmocka_unit_test(zremrange_should_delete_ranges),
        cmocka_unit_test(zpop_should_pop_in_every_shape),
        cmocka_unit_test(zpop_should_nest_pairs_in_resp3),
        cmocka_unit_test(zrandmember_should_follow_redis_shapes),
        cmocka_unit_test(zunion_zinter_zdiff_should_combine_sets),
        cmocka_unit_test(zrangestore_should_store_ranges),
        cmocka_unit_test(zscan_should_return_small_sets_whole),
        cmocka_unit_test(scripts_should_refuse_bzpop_but_run_bzmpop),
        cmocka_unit_test(zunion_should_read_plain_sets_with_score_one),
        cmocka_unit_test(zscan_should_page_a_skiplist_and_return_each_member_once),
        cmocka_unit_test(zset_should_keep_ranks_right_on_a_large_set),
        cmocka_unit_test(zset_index_should_find_every_member_through_growth_and_shrinking),
        cmocka_unit_test(copy_should_keep_the_encoding),
        cmocka_unit_test(zset_tree_should_keep_order_through_splits_and_merges),
        cmocka_unit_test(zset_tree_should_order_members_by_their_bytes),
        cmocka_unit_test(score_ranges_should_follow_the_lowest_score),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
