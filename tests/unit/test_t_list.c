/* List commands (t_list.c). Every expected reply below was read from
 * redis-server 7.0.15 running the same commands from an empty database,
 * except the blocking commands with nothing to pop, which Redis answers
 * only when their timeout expires (the same bytes, checked with short
 * timeouts) and the emulator answers at once. The last tests check the ring
 * buffer against a plain array model over long random runs. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>

#include "errors.h"

static void push_should_create_lists_and_reply_lengths(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":3\r\n", "rpush", "l", "a", "b", "c");
    rl_assert_cmd(emu, ":5\r\n", "lpush", "l", "x", "y");
    rl_assert_cmd(emu, "*5\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "lrange",
                  "l", "0", "-1");
    rl_assert_cmd(emu, "+list\r\n", "type", "l");
    rl_assert_cmd(emu, ":0\r\n", "lpushx", "nokey", "a");
    rl_assert_cmd(emu, ":0\r\n", "rpushx", "nokey", "a");
    rl_assert_cmd(emu, ":0\r\n", "exists", "nokey");
    rl_assert_cmd(emu, ":6\r\n", "rpushx", "l", "z");
    rl_assert_cmd(emu, ":8\r\n", "lpushx", "l", "1", "2");
    rl_assert_cmd(emu, "*3\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\ny\r\n", "lrange", "l", "0", "2");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "rpush", "s", "a");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "lpushx", "s", "a");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'lpush' command\r\n", "lpush", "l");
    {
        const char *argv[] = { "rpush", "b", "\000\377", "" };
        size_t lens[] = { 5, 1, 2, 0 };
        rl_assert_resp(rl_emu_call(emu, 4, argv, lens), ":2\r\n");
    }
    rl_assert_cmd(emu, "*2\r\n$2\r\n\000\377\r\n$0\r\n\r\n", "lrange", "b", "0", "-1");
    rl_test_free_emu(emu);
}

static void pop_should_follow_the_count_rules(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$-1\r\n", "lpop", "nokey");
    rl_assert_cmd(emu, "*-1\r\n", "lpop", "nokey", "0");
    rl_assert_cmd(emu, "*-1\r\n", "rpop", "nokey", "3");
    rl_assert_cmd(emu, "-" RL_ERR_LIST_NOT_POSITIVE "\r\n", "lpop", "nokey", "-1");
    rl_assert_cmd(emu, "-" RL_ERR_LIST_NOT_POSITIVE "\r\n", "lpop", "nokey", "x");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'lpop' command\r\n", "lpop", "k", "1",
                  "2");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'rpop' command\r\n", "rpop", "k", "1",
                  "2");
    rl_assert_cmd(emu, ":5\r\n", "rpush", "l", "a", "b", "c", "d", "e");
    rl_assert_cmd(emu, "*0\r\n", "lpop", "l", "0");
    rl_assert_cmd(emu, "*0\r\n", "rpop", "l", "0");
    rl_assert_cmd(emu, "-" RL_ERR_LIST_NOT_POSITIVE "\r\n", "lpop", "l", "01");
    rl_assert_cmd(emu, "$1\r\na\r\n", "lpop", "l");
    rl_assert_cmd(emu, "$1\r\ne\r\n", "rpop", "l");
    rl_assert_cmd(emu, "*2\r\n$1\r\nd\r\n$1\r\nc\r\n", "rpop", "l", "2");
    rl_assert_cmd(emu, "*1\r\n$1\r\nb\r\n", "lpop", "l", "10");
    rl_assert_cmd(emu, ":0\r\n", "exists", "l");
    rl_assert_cmd(emu, "$-1\r\n", "rpop", "l");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "lpop", "s");
    rl_assert_cmd(emu, "-" RL_ERR_LIST_NOT_POSITIVE "\r\n", "lpop", "s", "-1");
    rl_test_free_emu(emu);
}

static void lrange_and_ltrim_should_clamp_indexes(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*0\r\n", "lrange", "nokey", "0", "-1");
    rl_assert_cmd(emu, "-" RL_ERR_NOT_INTEGER "\r\n", "lrange", "nokey", "x", "1");
    rl_assert_cmd(emu, "+OK\r\n", "ltrim", "nokey", "0", "1");
    rl_assert_cmd(emu, "-" RL_ERR_NOT_INTEGER "\r\n", "ltrim", "nokey", "0", "1.5");
    rl_assert_cmd(emu, ":5\r\n", "rpush", "l", "a", "b", "c", "d", "e");
    rl_assert_cmd(emu, "*2\r\n$1\r\nd\r\n$1\r\ne\r\n", "lrange", "l", "-2", "100");
    rl_assert_cmd(emu, "*1\r\n$1\r\na\r\n", "lrange", "l", "-100", "0");
    rl_assert_cmd(emu, "*0\r\n", "lrange", "l", "3", "2");
    rl_assert_cmd(emu, "*0\r\n", "lrange", "l", "5", "10");
    rl_assert_cmd(emu, "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n", "lrange",
                  "l", "-9223372036854775808", "9223372036854775807");
    rl_assert_cmd(emu, "+OK\r\n", "ltrim", "l", "1", "-2");
    rl_assert_cmd(emu, "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", "lrange", "l", "0", "-1");
    rl_assert_cmd(emu, "+OK\r\n", "ltrim", "l", "-1", "100");
    rl_assert_cmd(emu, "*1\r\n$1\r\nd\r\n", "lrange", "l", "0", "-1");
    rl_assert_cmd(emu, "+OK\r\n", "ltrim", "l", "1", "0");
    rl_assert_cmd(emu, ":0\r\n", "exists", "l");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "lrange", "s", "0", "1");
    rl_assert_cmd(emu, "-" RL_ERR_NOT_INTEGER "\r\n", "lrange", "s", "0", "x");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "ltrim", "s", "0", "1");
    rl_test_free_emu(emu);
}

static void lindex_lset_llen_should_check_key_then_index(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$-1\r\n", "lindex", "nokey", "x");
    rl_assert_cmd(emu, ":0\r\n", "llen", "nokey");
    rl_assert_cmd(emu, "-" RL_ERR_NO_SUCH_KEY "\r\n", "lset", "nokey", "x", "v");
    rl_assert_cmd(emu, ":3\r\n", "rpush", "l", "a", "b", "c");
    rl_assert_cmd(emu, ":3\r\n", "llen", "l");
    rl_assert_cmd(emu, "$1\r\na\r\n", "lindex", "l", "0");
    rl_assert_cmd(emu, "$1\r\nc\r\n", "lindex", "l", "-1");
    rl_assert_cmd(emu, "$1\r\na\r\n", "lindex", "l", "-3");
    rl_assert_cmd(emu, "$-1\r\n", "lindex", "l", "-4");
    rl_assert_cmd(emu, "$-1\r\n", "lindex", "l", "3");
    rl_assert_cmd(emu, "$-1\r\n", "lindex", "l", "-9223372036854775808");
    rl_assert_cmd(emu, "-" RL_ERR_NOT_INTEGER "\r\n", "lindex", "l", "x");
    rl_assert_cmd(emu, "-" RL_ERR_NOT_INTEGER "\r\n", "lset", "l", "x", "v");
    rl_assert_cmd(emu, "-" RL_ERR_LIST_INDEX_RANGE "\r\n", "lset", "l", "3", "v");
    rl_assert_cmd(emu, "-" RL_ERR_LIST_INDEX_RANGE "\r\n", "lset", "l", "-4", "v");
    rl_assert_cmd(emu, "+OK\r\n", "lset", "l", "-1", "z");
    rl_assert_cmd(emu, "+OK\r\n", "lset", "l", "0", "");
    rl_assert_cmd(emu, "*3\r\n$0\r\n\r\n$1\r\nb\r\n$1\r\nz\r\n", "lrange", "l", "0", "-1");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "llen", "s");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "lindex", "s", "x");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "lset", "s", "x", "v");
    rl_test_free_emu(emu);
}

static void linsert_should_find_the_first_pivot(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-" RL_ERR_SYNTAX "\r\n", "linsert", "nokey", "middle", "a", "b");
    rl_assert_cmd(emu, ":0\r\n", "linsert", "nokey", "before", "a", "b");
    rl_assert_cmd(emu, ":3\r\n", "rpush", "l", "a", "b", "a");
    rl_assert_cmd(emu, ":4\r\n", "linsert", "l", "BEFORE", "a", "x");
    rl_assert_cmd(emu, ":5\r\n", "linsert", "l", "after", "a", "y");
    rl_assert_cmd(emu, ":-1\r\n", "linsert", "l", "after", "zz", "y");
    rl_assert_cmd(emu, "*5\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\ny\r\n$1\r\nb\r\n$1\r\na\r\n", "lrange",
                  "l", "0", "-1");
    {
        /* Redis compares the option as a C string: it ends at the NUL. */
        const char *argv[] = { "linsert", "l", "after\000junk", "b", "c" };
        size_t lens[] = { 7, 1, 10, 1, 1 };
        rl_assert_resp(rl_emu_call(emu, 5, argv, lens), ":6\r\n");
    }
    rl_assert_cmd(emu, "$1\r\nc\r\n", "lindex", "l", "4");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "linsert", "s", "before", "a", "b");
    rl_test_free_emu(emu);
}

static void lrem_should_remove_from_either_end(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":0\r\n", "lrem", "nokey", "1", "a");
    rl_assert_cmd(emu, "-" RL_ERR_NOT_INTEGER "\r\n", "lrem", "nokey", "x", "a");
    rl_assert_cmd(emu, ":7\r\n", "rpush", "l", "a", "b", "a", "c", "a", "b", "a");
    rl_assert_cmd(emu, ":2\r\n", "lrem", "l", "-2", "a");
    rl_assert_cmd(emu, "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nb\r\n", "lrange",
                  "l", "0", "-1");
    rl_assert_cmd(emu, ":1\r\n", "lrem", "l", "1", "b");
    rl_assert_cmd(emu, ":2\r\n", "lrem", "l", "0", "a");
    rl_assert_cmd(emu, ":0\r\n", "lrem", "l", "0", "zz");
    rl_assert_cmd(emu, "*2\r\n$1\r\nc\r\n$1\r\nb\r\n", "lrange", "l", "0", "-1");
    rl_assert_cmd(emu, ":1\r\n", "lrem", "l", "-9223372036854775808", "c");
    rl_assert_cmd(emu, ":1\r\n", "lrem", "l", "5", "b");
    rl_assert_cmd(emu, ":0\r\n", "exists", "l");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "lrem", "s", "0", "a");
    rl_test_free_emu(emu);
}

static void lpos_should_honour_rank_count_and_maxlen(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$-1\r\n", "lpos", "nokey", "a");
    rl_assert_cmd(emu, "*0\r\n", "lpos", "nokey", "a", "COUNT", "0");
    rl_assert_cmd(emu, ":8\r\n", "rpush", "l", "a", "b", "c", "1", "2", "3", "c", "c");
    rl_assert_cmd(emu, ":2\r\n", "lpos", "l", "c");
    rl_assert_cmd(emu, "$-1\r\n", "lpos", "l", "zz");
    rl_assert_cmd(emu, ":6\r\n", "lpos", "l", "c", "RANK", "2");
    rl_assert_cmd(emu, ":7\r\n", "lpos", "l", "c", "rank", "-1");
    rl_assert_cmd(emu, ":2\r\n", "lpos", "l", "c", "RANK", "-3");
    rl_assert_cmd(emu, "$-1\r\n", "lpos", "l", "c", "RANK", "4");
    rl_assert_cmd(emu, "*3\r\n:2\r\n:6\r\n:7\r\n", "lpos", "l", "c", "COUNT", "0");
    rl_assert_cmd(emu, "*2\r\n:6\r\n:7\r\n", "lpos", "l", "c", "RANK", "2", "COUNT", "5");
    rl_assert_cmd(emu, "*2\r\n:7\r\n:6\r\n", "lpos", "l", "c", "RANK", "-1", "COUNT", "2");
    rl_assert_cmd(emu, "*0\r\n", "lpos", "l", "zz", "COUNT", "1");
    rl_assert_cmd(emu, "$-1\r\n", "lpos", "l", "c", "MAXLEN", "2");
    rl_assert_cmd(emu, ":2\r\n", "lpos", "l", "c", "MAXLEN", "3");
    rl_assert_cmd(emu, "*1\r\n:7\r\n", "lpos", "l", "c", "RANK", "-1", "COUNT", "0", "MAXLEN", "1");
    /* Redis negates RANK in a long: -2^63 stays negative, so every match
     * counts, from the tail. */
    rl_assert_cmd(emu, ":7\r\n", "lpos", "l", "c", "RANK", "-9223372036854775808");
    rl_assert_cmd(emu, "*3\r\n:7\r\n:6\r\n:2\r\n", "lpos", "l", "c", "RANK", "-9223372036854775808",
                  "COUNT", "2");
    rl_assert_cmd(emu, "-" RL_ERR_LPOS_RANK_ZERO "\r\n", "lpos", "nokey", "a", "RANK", "0");
    rl_assert_cmd(emu, "-" RL_ERR_NOT_INTEGER "\r\n", "lpos", "l", "a", "RANK", "x");
    rl_assert_cmd(emu, "-" RL_ERR_LPOS_COUNT_NEGATIVE "\r\n", "lpos", "l", "a", "COUNT", "-1");
    rl_assert_cmd(emu, "-" RL_ERR_LPOS_COUNT_NEGATIVE "\r\n", "lpos", "l", "a", "COUNT", "x");
    rl_assert_cmd(emu, "-" RL_ERR_LPOS_MAXLEN_NEGATIVE "\r\n", "lpos", "l", "a", "MAXLEN", "-1");
    rl_assert_cmd(emu, "-" RL_ERR_LPOS_MAXLEN_NEGATIVE "\r\n", "lpos", "l", "a", "MAXLEN", "1.0");
    rl_assert_cmd(emu, "-" RL_ERR_SYNTAX "\r\n", "lpos", "l", "a", "RANK");
    rl_assert_cmd(emu, "-" RL_ERR_SYNTAX "\r\n", "lpos", "l", "a", "FOO", "1");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "lpos", "s", "a");
    rl_assert_cmd(emu, "-" RL_ERR_SYNTAX "\r\n", "lpos", "s", "a", "BAR");
    rl_test_free_emu(emu);
}

static void lmove_should_pop_push_and_rotate(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$-1\r\n", "lmove", "nokey", "d", "left", "right");
    rl_assert_cmd(emu, "$-1\r\n", "rpoplpush", "nokey", "d");
    rl_assert_cmd(emu, ":0\r\n", "exists", "d");
    rl_assert_cmd(emu, "-" RL_ERR_SYNTAX "\r\n", "lmove", "nokey", "d", "left", "middle");
    rl_assert_cmd(emu, ":3\r\n", "rpush", "l", "a", "b", "c");
    rl_assert_cmd(emu, "$1\r\nc\r\n", "rpoplpush", "l", "d");
    rl_assert_cmd(emu, "$1\r\na\r\n", "lmove", "l", "d", "LEFT", "RIGHT");
    rl_assert_cmd(emu, "*2\r\n$1\r\nc\r\n$1\r\na\r\n", "lrange", "d", "0", "-1");
    rl_assert_cmd(emu, "$1\r\nb\r\n", "lmove", "l", "l", "left", "right");
    rl_assert_cmd(emu, "*1\r\n$1\r\nb\r\n", "lrange", "l", "0", "-1");
    rl_assert_cmd(emu, "$1\r\nc\r\n", "lmove", "d", "d", "left", "right");
    rl_assert_cmd(emu, "*2\r\n$1\r\na\r\n$1\r\nc\r\n", "lrange", "d", "0", "-1");
    rl_assert_cmd(emu, "$1\r\nb\r\n", "lmove", "l", "d", "right", "left");
    rl_assert_cmd(emu, ":0\r\n", "exists", "l");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "lmove", "d", "s", "left", "left");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "rpoplpush", "s", "d");
    rl_assert_cmd(emu, "$-1\r\n", "rpoplpush", "nokey", "s");
    rl_assert_cmd(emu, ":3\r\n", "llen", "d");
    rl_test_free_emu(emu);
}

static void lmpop_should_pop_from_the_first_non_empty_key(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*-1\r\n", "lmpop", "2", "k1", "k2", "left");
    rl_assert_cmd(emu, ":3\r\n", "rpush", "k2", "a", "b", "c");
    rl_assert_cmd(emu, "*2\r\n$2\r\nk2\r\n*1\r\n$1\r\na\r\n", "lmpop", "2", "k1", "k2", "left");
    rl_assert_cmd(emu, "*2\r\n$2\r\nk2\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n", "lmpop", "2", "k1", "k2",
                  "RIGHT", "count", "10");
    rl_assert_cmd(emu, ":0\r\n", "exists", "k2");
    rl_assert_cmd(emu, "-" RL_ERR_LMPOP_NUMKEYS "\r\n", "lmpop", "0", "k", "left");
    rl_assert_cmd(emu, "-" RL_ERR_LMPOP_NUMKEYS "\r\n", "lmpop", "x", "k", "left");
    rl_assert_cmd(emu, "-" RL_ERR_SYNTAX "\r\n", "lmpop", "5", "k", "left");
    rl_assert_cmd(emu, "-" RL_ERR_SYNTAX "\r\n", "lmpop", "1", "k", "middle");
    rl_assert_cmd(emu, "-" RL_ERR_LMPOP_COUNT "\r\n", "lmpop", "1", "k", "left", "count", "0");
    rl_assert_cmd(emu, "-" RL_ERR_LMPOP_COUNT "\r\n", "lmpop", "1", "k", "left", "count", "x");
    rl_assert_cmd(emu, "-" RL_ERR_SYNTAX "\r\n", "lmpop", "1", "k", "left", "count", "1", "count",
                  "1");
    rl_assert_cmd(emu, "-" RL_ERR_SYNTAX "\r\n", "lmpop", "1", "k", "left", "count");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'lmpop' command\r\n", "lmpop", "1", "k");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, ":1\r\n", "rpush", "k3", "z");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "lmpop", "3", "k1", "s", "k3", "left");
    rl_assert_cmd(emu, "*2\r\n$2\r\nk3\r\n*1\r\n$1\r\nz\r\n", "lmpop", "3", "k1", "k3", "s",
                  "left");
    rl_test_free_emu(emu);
}

static void blocking_pops_should_act_at_once_or_answer_as_the_timeout(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*-1\r\n", "blpop", "k1", "k2", "0");
    rl_assert_cmd(emu, "*-1\r\n", "brpop", "k1", "0.01");
    rl_assert_cmd(emu, "*-1\r\n", "blmove", "k1", "d", "left", "right", "0");
    rl_assert_cmd(emu, "*-1\r\n", "brpoplpush", "k1", "d", "0.01");
    rl_assert_cmd(emu, "*-1\r\n", "blmpop", "0", "2", "k1", "k2", "left");
    rl_assert_cmd(emu, ":0\r\n", "exists", "d");
    rl_assert_cmd(emu, ":3\r\n", "rpush", "k2", "a", "b", "c");
    rl_assert_cmd(emu, "*2\r\n$2\r\nk2\r\n$1\r\na\r\n", "blpop", "k1", "k2", "0");
    rl_assert_cmd(emu, "*2\r\n$2\r\nk2\r\n$1\r\nc\r\n", "brpop", "k1", "k2", "1");
    rl_assert_cmd(emu, ":2\r\n", "rpush", "k1", "x", "y");
    rl_assert_cmd(emu, "*2\r\n$2\r\nk1\r\n*2\r\n$1\r\ny\r\n$1\r\nx\r\n", "blmpop", "0", "2", "k1",
                  "k2", "right", "count", "3");
    rl_assert_cmd(emu, "$1\r\nb\r\n", "blmove", "k2", "d", "right", "left", "0");
    rl_assert_cmd(emu, "$1\r\nb\r\n", "brpoplpush", "d", "d", "0");
    rl_assert_cmd(emu, ":0\r\n", "exists", "k2");
    /* Timeouts: a float of seconds, checked before any key is read. */
    rl_assert_cmd(emu, "-" RL_ERR_TIMEOUT_NOT_FLOAT "\r\n", "blpop", "d", "x");
    rl_assert_cmd(emu, "-" RL_ERR_TIMEOUT_NOT_FLOAT "\r\n", "blpop", "d", "nan");
    rl_assert_cmd(emu, "-" RL_ERR_TIMEOUT_NEGATIVE "\r\n", "blpop", "d", "-1");
    rl_assert_cmd(emu, "-" RL_ERR_TIMEOUT_NEGATIVE "\r\n", "brpop", "d", "inf");
    rl_assert_cmd(emu, "-" RL_ERR_TIMEOUT_NEGATIVE "\r\n", "brpop", "d", "1e300");
    rl_assert_cmd(emu, "-" RL_ERR_TIMEOUT_NEGATIVE "\r\n", "brpop", "d", "9223372036854776");
    rl_assert_cmd(emu, "*-1\r\n", "blpop", "nokey", "-0.0001");
    rl_assert_cmd(emu, "*2\r\n$1\r\nd\r\n$1\r\nb\r\n", "blpop", "d", "0x10");
    rl_assert_cmd(emu, "-" RL_ERR_SYNTAX "\r\n", "blmove", "k", "d", "left", "middle", "x");
    rl_assert_cmd(emu, "-" RL_ERR_TIMEOUT_NOT_FLOAT "\r\n", "blmove", "k", "d", "left", "right",
                  "x");
    rl_assert_cmd(emu, "-" RL_ERR_TIMEOUT_NEGATIVE "\r\n", "brpoplpush", "k", "d", "-1");
    /* BLMPOP parses numkeys, the side and COUNT before its timeout. */
    rl_assert_cmd(emu, "-" RL_ERR_LMPOP_NUMKEYS "\r\n", "blmpop", "x", "0", "k", "left");
    rl_assert_cmd(emu, "-" RL_ERR_LMPOP_COUNT "\r\n", "blmpop", "x", "1", "k", "left", "count",
                  "0");
    rl_assert_cmd(emu, "-" RL_ERR_TIMEOUT_NOT_FLOAT "\r\n", "blmpop", "x", "1", "k", "left");
    rl_assert_cmd(emu, "-" RL_ERR_TIMEOUT_NEGATIVE "\r\n", "blmpop", "-1", "1", "k", "left");
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "v");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "blpop", "nokey", "s", "0");
    rl_assert_cmd(emu, "-" RL_ERR_WRONGTYPE "\r\n", "blmove", "s", "d", "left", "right", "0");
    rl_assert_cmd(emu, "*-1\r\n", "blmove", "nokey", "s", "left", "right", "0");
    rl_test_free_emu(emu);
}

static void scripts_should_refuse_blocking_forms_but_run_blmpop(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-ERR This Redis command is not allowed from script\r\n", "eval",
                  "return redis.pcall('blpop','k','0')", "0");
    rl_assert_cmd(emu, "-ERR This Redis command is not allowed from script\r\n", "eval",
                  "return redis.pcall('brpoplpush','k','d','0')", "0");
    rl_assert_cmd(emu, "-ERR This Redis command is not allowed from script\r\n", "eval",
                  "return redis.pcall('blmove','k','d','left','left','0')", "0");
    rl_assert_cmd(emu, "$-1\r\n", "eval", "return redis.call('blmpop','0','1','k','left')", "0");
    rl_assert_cmd(emu, ":2\r\n", "rpush", "k", "a", "b");
    rl_assert_cmd(emu, "*2\r\n$1\r\nk\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n", "eval",
                  "return redis.call('blmpop','0','1','k','left','count','5')", "0");
    rl_assert_cmd(emu, "-" RL_ERR_LUA_READONLY_WRITE "\r\n", "eval_ro",
                  "return redis.pcall('rpush','k','x')", "0");
    rl_assert_cmd(emu, "*0\r\n", "eval_ro", "return redis.call('lrange','k','0','-1')", "0");
    rl_test_free_emu(emu);
}

static void copy_should_duplicate_a_list(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":3\r\n", "rpush", "k", "a", "b", "c");
    rl_assert_cmd(emu, ":1\r\n", "copy", "k", "k2");
    rl_assert_cmd(emu, ":4\r\n", "rpush", "k2", "z");
    rl_assert_cmd(emu, "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "lrange", "k", "0", "-1");
    rl_assert_cmd(emu, "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nz\r\n", "lrange", "k2", "0",
                  "-1");
    rl_assert_cmd(emu, "+list\r\n", "type", "k2");
    rl_test_free_emu(emu);
}

/* --- Model checks ---------------------------------------------------------------
 * The ring buffer wraps, grows and shrinks, and moves the shorter side on
 * inserts and deletes; these runs drive it with random commands and compare
 * every state with a plain array holding what the list must contain. */

#define MODEL_MAX 4096

typedef struct model {
    int v[MODEL_MAX];
    int len;
} model;

static uint64_t test_rand_state = 42;

static uint64_t test_rand(void)
{
    uint64_t z = (test_rand_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void model_insert(model *m, int i, int v)
{
    memmove(&m->v[i + 1], &m->v[i], (size_t)(m->len - i) * sizeof(int));
    m->v[i] = v;
    m->len++;
}

static void model_delete(model *m, int i, int n)
{
    memmove(&m->v[i], &m->v[i + n], (size_t)(m->len - i - n) * sizeof(int));
    m->len -= n;
}

/* Runs `cmd l x` (nargs 3) or `cmd l x y` (nargs 4), which must not fail. */
static void call_ll(rl_emu *emu, const char *cmd, long long x, long long y, int nargs)
{
    char bx[32], by[32];
    snprintf(bx, sizeof(bx), "%lld", x);
    snprintf(by, sizeof(by), "%lld", y);
    rl_reply *r = nargs == 3 ? rl_emu_callv(emu, cmd, "l", bx, (const char *)NULL)
                             : rl_emu_callv(emu, cmd, "l", bx, by, (const char *)NULL);
    assert_int_not_equal(r->type, RL_REPLY_ERROR);
    rl_reply_free(r);
}

static void check_model(rl_emu *emu, const model *m)
{
    rl_reply *r = rl_emu_callv(emu, "lrange", "l", "0", "-1", (const char *)NULL);
    assert_int_equal(r->type, RL_REPLY_ARRAY);
    assert_int_equal(r->elements, m->len);
    for (int i = 0; i < m->len; i++) {
        assert_int_equal(atoi(r->element[i]->str), m->v[i]);
    }
    rl_reply_free(r);
}

static void list_should_match_an_array_model_under_random_edits(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    model m = { .len = 0 };
    int next = 0, longest = 0;
    for (int step = 0; step < 40000; step++) {
        int op = (int)(test_rand() % 8);
        char val[32];
        /* Phases of 5000 steps mostly grow, then mostly shrink, the list,
         * so the buffer grows, wraps and shrinks many times. */
        int growing = (step / 5000) % 2 == 0;
        if (growing && (op == 2 || op == 3 || op == 5 || op == 7) && test_rand() % 2) op &= 1;
        if (!growing && (op == 0 || op == 1 || op == 4) && test_rand() % 4) op = 2 + (op & 1);
        if (m.len >= MODEL_MAX - 2) op = 2 + (int)(test_rand() % 2); /* pops */
        if (m.len > longest) longest = m.len;
        snprintf(val, sizeof(val), "%d", next);
        if (op == 0 || op == 1) {
            rl_reply_free(rl_emu_callv(emu, op ? "rpush" : "lpush", "l", val, (const char *)NULL));
            model_insert(&m, op ? m.len : 0, next++);
        } else if ((op == 2 || op == 3) && m.len) {
            rl_reply_free(rl_emu_callv(emu, op == 2 ? "lpop" : "rpop", "l", (const char *)NULL));
            model_delete(&m, op == 2 ? 0 : m.len - 1, 1);
        } else if (op == 4 && m.len) {
            /* LINSERT before or after a random element: values are unique. */
            int i = (int)(test_rand() % (uint64_t)m.len), after = (int)(test_rand() % 2);
            char pivot[32];
            snprintf(pivot, sizeof(pivot), "%d", m.v[i]);
            rl_reply_free(rl_emu_callv(emu, "linsert", "l", after ? "after" : "before", pivot, val,
                                       (const char *)NULL));
            model_insert(&m, i + after, next++);
        } else if (op == 5 && m.len) {
            int i = (int)(test_rand() % (uint64_t)m.len);
            char ele[32];
            snprintf(ele, sizeof(ele), "%d", m.v[i]);
            rl_reply_free(rl_emu_callv(emu, "lrem", "l", "0", ele, (const char *)NULL));
            model_delete(&m, i, 1);
        } else if (op == 6 && m.len > 4 && test_rand() % 8 == 0) {
            int start = (int)(test_rand() % 3), end = m.len - 1 - (int)(test_rand() % 3);
            call_ll(emu, "ltrim", start, end, 4);
            model_delete(&m, end + 1, m.len - end - 1);
            model_delete(&m, 0, start);
        } else if (op == 7 && m.len) {
            /* LPOP with a count removes a run from the head. */
            int n = 1 + (int)(test_rand() % 5);
            if (n > m.len) n = m.len;
            call_ll(emu, "lpop", n, 0, 3);
            model_delete(&m, 0, n);
        }
        if (step % 97 == 0) check_model(emu, &m);
    }
    check_model(emu, &m);
    assert_true(longest > 1000);
    rl_test_free_emu(emu);
}

static void list_should_keep_constant_time_ends_on_long_lists(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    /* 200000 pushes and pops at both ends; quadratic behaviour would take
     * minutes here. */
    for (int i = 0; i < 100000; i++) {
        rl_reply_free(rl_emu_callv(emu, "lpush", "l", "x", (const char *)NULL));
        rl_reply_free(rl_emu_callv(emu, "rpush", "l", "y", (const char *)NULL));
    }
    rl_assert_cmd(emu, ":200000\r\n", "llen", "l");
    rl_assert_cmd(emu, "$1\r\nx\r\n", "lindex", "l", "99999");
    rl_assert_cmd(emu, "$1\r\ny\r\n", "lindex", "l", "100000");
    for (int i = 0; i < 100000; i++) {
        rl_reply_free(rl_emu_callv(emu, "rpop", "l", (const char *)NULL));
        rl_reply_free(rl_emu_callv(emu, "lpop", "l", (const char *)NULL));
    }
    rl_assert_cmd(emu, ":0\r\n", "exists", "l");
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(push_should_create_lists_and_reply_lengths),
        cmocka_unit_test(pop_should_follow_the_count_rules),
        cmocka_unit_test(lrange_and_ltrim_should_clamp_indexes),
        cmocka_unit_test(lindex_lset_llen_should_check_key_then_index),
        cmocka_unit_test(linsert_should_find_the_first_pivot),
        cmocka_unit_test(lrem_should_remove_from_either_end),
        cmocka_unit_test(lpos_should_honour_rank_count_and_maxlen),
        cmocka_unit_test(lmove_should_pop_push_and_rotate),
        cmocka_unit_test(lmpop_should_pop_from_the_first_non_empty_key),
        cmocka_unit_test(blocking_pops_should_act_at_once_or_answer_as_the_timeout),
        cmocka_unit_test(scripts_should_refuse_blocking_forms_but_run_blmpop),
        cmocka_unit_test(copy_should_duplicate_a_list),
        cmocka_unit_test(list_should_match_an_array_model_under_random_edits),
        cmocka_unit_test(list_should_keep_constant_time_ends_on_long_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
