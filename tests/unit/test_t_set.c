/* Set commands (t_set.c). Every expected reply below was read from
 * redis-server 7.0.15 running the same commands from an empty database,
 * except where a comment says otherwise: Redis iterates a hashtable-encoded
 * set and picks random members in an order of its own, so those tests
 * assert the emulator's documented order (docs/commands.md, "Sets") or the
 * properties Redis's reply has (size, membership, distinctness). */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>

/* Checks the RESP3 serialization of r, then frees it. */
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

#define assert_cmd3(emu, expected, ...)                                                \
    assert_resp3_len(rl_emu_callv((emu), __VA_ARGS__, (const char *)NULL), (expected), \
                     sizeof(expected) - 1)

#define CALL(emu, ...) rl_emu_callv((emu), __VA_ARGS__, (const char *)NULL)

#define WRONGTYPE "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

/* Runs a command given as an argv array of C strings. */
static rl_reply *call_argv(rl_emu *emu, int argc, const char **argv)
{
    size_t *lens = malloc(sizeof(*lens) * (size_t)argc);
    for (int i = 0; i < argc; i++) lens[i] = strlen(argv[i]);
    rl_reply *r = rl_emu_call(emu, argc, argv, lens);
    free(lens);
    return r;
}

/* Runs cmd key with the integers from..to (inclusive) as decimal strings;
 * returns its integer reply. */
static long long range_cmd(rl_emu *emu, const char *cmd, const char *key, long from, long to)
{
    long n = to - from + 1;
    const char **argv = malloc(sizeof(*argv) * (size_t)(n + 2));
    char *bufs = malloc((size_t)n * 24);
    argv[0] = cmd;
    argv[1] = key;
    for (long i = 0; i < n; i++) {
        snprintf(bufs + i * 24, 24, "%ld", from + i);
        argv[i + 2] = bufs + i * 24;
    }
    rl_reply *r = call_argv(emu, (int)n + 2, argv);
    assert_int_equal(r->type, RL_REPLY_INTEGER);
    long long v = r->integer;
    rl_reply_free(r);
    free(bufs);
    free(argv);
    return v;
}

static void sadd_range(rl_emu *emu, const char *key, long from, long to)
{
    range_cmd(emu, "sadd", key, from, to);
}

/* 1 if SSCAN key 0 COUNT 1 returns all n members at once with cursor 0:
 * what an intset does in Redis and here, and a hashtable of n >= 2 never
 * does here (for Redis the tests read OBJECT ENCODING instead). */
static int scans_as_intset(rl_emu *emu, const char *key, size_t n)
{
    rl_reply *r = CALL(emu, "sscan", key, "0", "count", "1");
    assert_int_equal(r->type, RL_REPLY_ARRAY);
    int all = strcmp(r->element[0]->str, "0") == 0 && r->element[1]->elements == n;
    rl_reply_free(r);
    return all;
}

/* 1 if the bulk strings of an array reply are ascending as integers. */
static int ascending_ints(const rl_reply *r)
{
    for (size_t i = 1; i < r->elements; i++) {
        if (atoll(r->element[i - 1]->str) >= atoll(r->element[i]->str)) return 0;
    }
    return 1;
}

static int is_member(rl_emu *emu, const char *key, const char *m)
{
    rl_reply *r = CALL(emu, "sismember", key, m);
    int is = (int)r->integer;
    rl_reply_free(r);
    return is;
}

static void sadd_should_keep_integer_sets_ascending(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":5\r\n", "sadd", "s", "3", "1", "2", "10", "-5");
    rl_assert_cmd(emu, "*5\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n",
                  "smembers", "s");
    rl_assert_cmd(emu, ":1\r\n", "sadd", "s", "3", "4");
    rl_assert_cmd(emu, "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$2\r\n10\r\n",
                  "smembers", "s");
    rl_assert_cmd(emu, ":6\r\n", "scard", "s");
    rl_assert_cmd(emu, ":1\r\n", "sismember", "s", "10");
    rl_assert_cmd(emu, ":0\r\n", "sismember", "s", "010");
    rl_assert_cmd(emu, "*3\r\n:1\r\n:0\r\n:1\r\n", "smismember", "s", "1", "x", "4");
    rl_assert_cmd(emu, "*1\r\n:0\r\n", "smismember", "nokey", "1");
    rl_assert_cmd(emu, ":2\r\n", "srem", "s", "10", "11", "-5");
    rl_assert_cmd(emu, ":0\r\n", "srem", "nokey", "a");
    rl_assert_cmd(emu, ":5\r\n", "sadd", "ints", "9223372036854775807", "-9223372036854775808", "0",
                  "-1", "1");
    rl_assert_cmd(emu,
                  "*5\r\n$20\r\n-9223372036854775808\r\n$2\r\n-1\r\n$1\r\n0\r\n$1\r\n1\r\n$19\r\n"
                  "9223372036854775807\r\n",
                  "smembers", "ints");
    /* Non-canonical spellings are distinct strings, not the integer 1. */
    rl_assert_cmd(emu, ":4\r\n", "sadd", "nc", "01", "+1", "-0", "1.0");
    rl_assert_cmd(emu, ":4\r\n", "scard", "nc");
    rl_assert_cmd(emu, ":0\r\n", "sismember", "nc", "1");
    /* SREM of the last member deletes the key. */
    rl_assert_cmd(emu, ":1\r\n", "sadd", "one", "m");
    rl_assert_cmd(emu, ":1\r\n", "srem", "one", "m", "n");
    rl_assert_cmd(emu, ":0\r\n", "exists", "one");
    rl_assert_cmd(emu, "+set\r\n", "type", "s");
    rl_test_free_emu(emu);
}

static void set_commands_should_refuse_wrong_types_and_arity(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "sadd", "s", "1");
    rl_assert_cmd(emu, "+OK\r\n", "set", "str", "v");
    rl_assert_cmd(emu, WRONGTYPE, "sadd", "str", "a");
    rl_assert_cmd(emu, WRONGTYPE, "smembers", "str");
    rl_assert_cmd(emu, WRONGTYPE, "sismember", "str", "a");
    rl_assert_cmd(emu, WRONGTYPE, "smismember", "str", "a");
    rl_assert_cmd(emu, WRONGTYPE, "scard", "str");
    rl_assert_cmd(emu, WRONGTYPE, "srem", "str", "a");
    rl_assert_cmd(emu, WRONGTYPE, "spop", "str");
    rl_assert_cmd(emu, WRONGTYPE, "spop", "str", "1");
    rl_assert_cmd(emu, WRONGTYPE, "srandmember", "str");
    rl_assert_cmd(emu, WRONGTYPE, "srandmember", "str", "1");
    rl_assert_cmd(emu, WRONGTYPE, "smove", "str", "s", "1");
    rl_assert_cmd(emu, WRONGTYPE, "smove", "s", "str", "1");
    /* A missing source answers 0 before the destination's type is checked. */
    rl_assert_cmd(emu, ":0\r\n", "smove", "nokey", "str", "1");
    rl_assert_cmd(emu, WRONGTYPE, "sinter", "s", "str");
    rl_assert_cmd(emu, WRONGTYPE, "sinter", "nokey", "str");
    rl_assert_cmd(emu, WRONGTYPE, "sintercard", "2", "s", "str");
    rl_assert_cmd(emu, WRONGTYPE, "sunion", "s", "str");
    rl_assert_cmd(emu, WRONGTYPE, "sdiff", "nokey", "str");
    rl_assert_cmd(emu, WRONGTYPE, "sscan", "str", "0");
    rl_assert_cmd(emu, "-ERR invalid cursor\r\n", "sscan", "str", "x");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'sadd' command\r\n", "sadd");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'smembers' command\r\n", "smembers");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'smembers' command\r\n", "smembers", "a",
                  "b");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "spop", "s", "1", "2");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "srandmember", "s", "1", "2");
    rl_test_free_emu(emu);
}

static void set_commands_should_reject_bad_counts_and_options(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "sadd", "s", "1");
    rl_assert_cmd(emu, "-ERR value is out of range, must be positive\r\n", "spop", "s", "abc");
    rl_assert_cmd(emu, "-ERR value is out of range, must be positive\r\n", "spop", "s", "-1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "srandmember", "s",
                  "abc");
    rl_assert_cmd(emu,
                  "-ERR value is out of range, value must between -9223372036854775807 and "
                  "9223372036854775807\r\n",
                  "srandmember", "s", "-9223372036854775808");
    rl_assert_cmd(emu, "-ERR numkeys should be greater than 0\r\n", "sintercard", "0", "s");
    rl_assert_cmd(emu, "-ERR numkeys should be greater than 0\r\n", "sintercard", "x", "s");
    rl_assert_cmd(emu, "-ERR Number of keys can't be greater than number of args\r\n", "sintercard",
                  "2", "s");
    rl_assert_cmd(emu, "-ERR LIMIT can't be negative\r\n", "sintercard", "1", "s", "limit", "-1");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "sintercard", "1", "s", "limit");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "sintercard", "1", "s", "foo");
    rl_assert_cmd(emu, "-ERR invalid cursor\r\n", "sscan", "s", "x");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "sscan", "s", "0", "count", "0");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "sscan", "s", "0",
                  "count", "x");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "sscan", "s", "0", "type", "set");
    /* A missing key answers the empty scan before the options are read. */
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*0\r\n", "sscan", "nokey", "0", "count", "0");
    rl_test_free_emu(emu);
}

static void set_should_convert_to_hashtable_after_512_members(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    sadd_range(emu, "big", 1, 512);
    /* Redis: OBJECT ENCODING big is "intset", and SSCAN answers all at once. */
    assert_true(scans_as_intset(emu, "big", 512));
    rl_assert_cmd(emu, ":1\r\n", "sadd", "big", "1000");
    /* Redis: "hashtable" now, and removing members never converts back. */
    assert_false(scans_as_intset(emu, "big", 513));
    sadd_range(emu, "big", 1, 600);
    assert_int_equal(range_cmd(emu, "srem", "big", 1, 600), 600);
    rl_assert_cmd(emu, ":1\r\n", "scard", "big");
    rl_assert_cmd(emu, ":1\r\n", "sadd", "big", "5");
    /* Emulator's documented order (Redis: random): insertion order. */
    rl_assert_cmd(emu, "*2\r\n$4\r\n1000\r\n$1\r\n5\r\n", "smembers", "big");
    assert_false(scans_as_intset(emu, "big", 2));
    rl_test_free_emu(emu);
}

/* Redis iterates these hashtables in a random order; the members are
 * Redis's, the order is the emulator's documented insertion order. */
static void hashtable_sets_should_iterate_in_insertion_order(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":4\r\n", "sadd", "h", "b", "a", "10", "2");
    rl_assert_cmd(emu, "*4\r\n$1\r\nb\r\n$1\r\na\r\n$2\r\n10\r\n$1\r\n2\r\n", "smembers", "h");
    /* A converted intset: its members ascending, then the newcomer. */
    rl_assert_cmd(emu, ":3\r\n", "sadd", "m", "5", "3", "4");
    rl_assert_cmd(emu, ":1\r\n", "sadd", "m", "x");
    rl_assert_cmd(emu, "*4\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\nx\r\n", "smembers", "m");
    /* Removing and re-adding moves a member to the end. */
    rl_assert_cmd(emu, ":1\r\n", "srem", "m", "3");
    rl_assert_cmd(emu, ":1\r\n", "sadd", "m", "3");
    rl_assert_cmd(emu, "*4\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\nx\r\n$1\r\n3\r\n", "smembers", "m");
    /* Redis: still "hashtable" after the non-integer goes. */
    rl_assert_cmd(emu, ":1\r\n", "srem", "m", "x");
    assert_false(scans_as_intset(emu, "m", 3));
    rl_test_free_emu(emu);
}

static void set_algebra_should_match_redis_order(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":5\r\n", "sadd", "i1", "1", "2", "3", "4", "5");
    rl_assert_cmd(emu, ":4\r\n", "sadd", "i2", "6", "5", "4", "3");
    rl_assert_cmd(emu, ":5\r\n", "sadd", "h1", "x", "5", "4", "3", "2");
    rl_assert_cmd(emu, "*3\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n", "sinter", "i1", "i2");
    rl_assert_cmd(emu, "*3\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n", "sinter", "h1", "i1", "i2");
    rl_assert_cmd(emu, ":3\r\n", "sintercard", "2", "i1", "i2");
    rl_assert_cmd(emu, ":1\r\n", "sintercard", "3", "i1", "i2", "h1", "limit", "1");
    rl_assert_cmd(emu, ":3\r\n", "sintercard", "2", "i1", "i2", "limit", "0");
    rl_assert_cmd(emu, ":0\r\n", "sintercard", "2", "i1", "nokey");
    rl_assert_cmd(emu, "*6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n",
                  "sunion", "i2", "i1");
    rl_assert_cmd(emu, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "sdiff", "i1", "i2");
    rl_assert_cmd(emu, "*1\r\n$1\r\n1\r\n", "sdiff", "i1", "h1");
    rl_assert_cmd(emu, "*0\r\n", "sinter", "i1", "nokey");
    /* A hashtable whose members are all integers: SUNION, SDIFF and a
     * covering SPOP build their result as an intset, so Redis answers
     * ascending although SMEMBERS would not. */
    rl_assert_cmd(emu, ":4\r\n", "sadd", "h", "x", "5", "3", "1");
    rl_assert_cmd(emu, ":1\r\n", "srem", "h", "x");
    rl_assert_cmd(emu, "*3\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n", "sunion", "h");
    rl_assert_cmd(emu, "*3\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n", "sdiff", "h");
    rl_assert_cmd(emu, ":3\r\n", "sinterstore", "dst2", "h");
    /* Redis: OBJECT ENCODING dst2 is "intset". */
    rl_assert_cmd(emu, "*3\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n", "smembers", "dst2");
    assert_true(scans_as_intset(emu, "dst2", 3));
    rl_assert_cmd(emu, "*3\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n", "spop", "h", "10");
    rl_assert_cmd(emu, ":0\r\n", "exists", "h");
    rl_test_free_emu(emu);
}

static void store_commands_should_clear_ttl_and_delete_empty_results(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":5\r\n", "sadd", "i1", "1", "2", "3", "4", "5");
    rl_assert_cmd(emu, ":4\r\n", "sadd", "i2", "6", "5", "4", "3");
    rl_assert_cmd(emu, ":5\r\n", "sadd", "h1", "x", "5", "4", "3", "2");
    rl_assert_cmd(emu, "+OK\r\n", "set", "dst", "v", "ex", "100");
    rl_assert_cmd(emu, ":6\r\n", "sunionstore", "dst", "i2", "i1");
    rl_assert_cmd(emu, ":-1\r\n", "ttl", "dst");
    rl_assert_cmd(emu, "*6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n",
                  "smembers", "dst");
    rl_assert_cmd(emu, ":4\r\n", "sinterstore", "dst", "i1", "h1");
    rl_assert_cmd(emu, "*4\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n", "smembers", "dst");
    rl_assert_cmd(emu, ":0\r\n", "sdiffstore", "dst", "i1", "i1");
    rl_assert_cmd(emu, ":0\r\n", "exists", "dst");
    rl_assert_cmd(emu, ":1\r\n", "sadd", "dst", "1");
    rl_assert_cmd(emu, ":0\r\n", "sinterstore", "dst", "nokey", "i1");
    rl_assert_cmd(emu, ":0\r\n", "exists", "dst");
    rl_assert_cmd(emu, ":0\r\n", "sdiffstore", "dst", "nokey", "i1");
    /* The destination may be a source. */
    rl_assert_cmd(emu, ":6\r\n", "sunionstore", "i1", "i1", "i2");
    rl_assert_cmd(emu, ":6\r\n", "scard", "i1");
    rl_test_free_emu(emu);
}

/* SDIFF's first algorithm never adds the non-integer "x" to the result,
 * the second adds and removes it, which leaves a hashtable in Redis (read
 * with OBJECT ENCODING on redis-server: "intset", then "hashtable"). */
static void sdiff_should_choose_redis_algorithm(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":4\r\n", "sadd", "d1", "x", "1", "2", "3");
    rl_assert_cmd(emu, ":1\r\n", "sadd", "e1", "x");
    rl_assert_cmd(emu, ":3\r\n", "sdiffstore", "dst", "d1", "e1");
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", "sscan", "dst",
                  "0", "count", "1");
    rl_assert_cmd(emu, ":3\r\n", "sdiffstore", "dst", "d1", "e1", "e1", "e1");
    rl_assert_cmd(emu, ":3\r\n", "scard", "dst");
    assert_false(scans_as_intset(emu, "dst", 3));
    rl_test_free_emu(emu);
}

static void smove_should_move_create_and_delete_keys(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":5\r\n", "sadd", "i1", "1", "2", "3", "4", "5");
    rl_assert_cmd(emu, ":4\r\n", "sadd", "i2", "6", "5", "4", "3");
    rl_assert_cmd(emu, ":2\r\n", "sadd", "h1", "x", "5");
    rl_assert_cmd(emu, ":1\r\n", "smove", "i1", "i1", "3");
    rl_assert_cmd(emu, ":0\r\n", "smove", "i1", "i1", "9");
    rl_assert_cmd(emu, ":1\r\n", "smove", "i2", "newdst", "6");
    rl_assert_cmd(emu, ":1\r\n", "smove", "i2", "newdst", "5");
    rl_assert_cmd(emu, "*2\r\n$1\r\n5\r\n$1\r\n6\r\n", "smembers", "newdst");
    rl_assert_cmd(emu, ":0\r\n", "smove", "i2", "newdst", "99");
    rl_assert_cmd(emu, ":1\r\n", "smove", "h1", "nd2", "x");
    rl_assert_cmd(emu, "+set\r\n", "type", "nd2");
    rl_assert_cmd(emu, ":1\r\n", "sadd", "one", "m");
    rl_assert_cmd(emu, ":1\r\n", "smove", "one", "i1", "m");
    rl_assert_cmd(emu, ":0\r\n", "exists", "one");
    rl_assert_cmd(emu, ":1\r\n", "sismember", "i1", "m");
    rl_test_free_emu(emu);
}

static void spop_should_follow_redis_strategies(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$-1\r\n", "spop", "nokey");
    rl_assert_cmd(emu, "*0\r\n", "spop", "nokey", "5");
    rl_assert_cmd(emu, ":5\r\n", "sadd", "ints", "9223372036854775807", "-9223372036854775808", "0",
                  "-1", "1");
    rl_assert_cmd(emu, "*0\r\n", "spop", "ints", "0");
    /* Covering count: the whole set, ascending, and the key is gone. */
    rl_assert_cmd(emu,
                  "*5\r\n$20\r\n-9223372036854775808\r\n$2\r\n-1\r\n$1\r\n0\r\n$1\r\n1\r\n$19\r\n"
                  "9223372036854775807\r\n",
                  "spop", "ints", "10");
    rl_assert_cmd(emu, ":0\r\n", "exists", "ints");

    /* Popping most of an intset: Redis keeps the rest in a new set and
     * answers what it popped in ascending order (checked: 9 of 1..10). */
    rl_assert_cmd(emu, ":10\r\n", "sadd", "i3", "10", "9", "8", "7", "6", "5", "4", "3", "2", "1");
    rl_reply *r = CALL(emu, "spop", "i3", "9");
    assert_int_equal(r->type, RL_REPLY_ARRAY);
    assert_int_equal(r->elements, 9);
    assert_true(ascending_ints(r));
    for (size_t i = 0; i < r->elements; i++)
        assert_int_equal(is_member(emu, "i3", r->element[i]->str), 0);
    rl_reply_free(r);
    rl_assert_cmd(emu, ":1\r\n", "scard", "i3");

    /* A hashtable of integers keeps its rest in a new set, which is an
     * intset again (Redis: OBJECT ENCODING h3 is "intset" afterwards). */
    rl_assert_cmd(emu, ":11\r\n", "sadd", "h3", "x", "1", "2", "3", "4", "5", "6", "7", "8", "9",
                  "10");
    rl_assert_cmd(emu, ":1\r\n", "srem", "h3", "x");
    r = CALL(emu, "spop", "h3", "9");
    assert_int_equal(r->elements, 9);
    rl_reply_free(r);
    rl_assert_cmd(emu, ":1\r\n", "scard", "h3");
    rl_assert_cmd(emu, ":1\r\n", "sadd", "h3", "100");
    assert_true(scans_as_intset(emu, "h3", 2));

    /* Few popped: one at a time, distinct, out of the set. */
    sadd_range(emu, "p", 1, 20);
    r = CALL(emu, "spop", "p", "3");
    assert_int_equal(r->elements, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(is_member(emu, "p", r->element[i]->str), 0);
        long v = atol(r->element[i]->str);
        assert_true(v >= 1 && v <= 20);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(r->element[i]->str, r->element[j]->str);
    }
    rl_reply_free(r);
    rl_assert_cmd(emu, ":17\r\n", "scard", "p");

    /* Single pops until the key goes. */
    rl_assert_cmd(emu, ":2\r\n", "sadd", "pe", "a", "b");
    r = CALL(emu, "spop", "pe");
    assert_int_equal(r->type, RL_REPLY_BULK);
    rl_reply_free(r);
    r = CALL(emu, "spop", "pe");
    assert_int_equal(r->type, RL_REPLY_BULK);
    rl_reply_free(r);
    rl_assert_cmd(emu, ":0\r\n", "exists", "pe");
    rl_assert_cmd(emu, "$-1\r\n", "spop", "pe");
    rl_test_free_emu(emu);
}

/* The same commands on two fresh emulators give the same replies. */
static void random_replies_should_repeat_across_runs(void **state)
{
    (void)state;
    char *out[2];
    size_t outlen[2];
    for (int k = 0; k < 2; k++) {
        rl_emu *emu = rl_emu_new();
        rl_reply *r = CALL(emu, "sadd", "s", "a", "b", "c", "d", "e", "f", "g");
        rl_reply_free(r);
        rl_reply *all = rl_reply_new(RL_REPLY_ARRAY);
        rl_reply_append_take(all, CALL(emu, "srandmember", "s", "-10"));
        rl_reply_append_take(all, CALL(emu, "srandmember", "s", "3"));
        rl_reply_append_take(all, CALL(emu, "spop", "s", "2"));
        rl_reply_append_take(all, CALL(emu, "spop", "s"));
        out[k] = rl_reply_to_resp(all, 2, &outlen[k]);
        rl_reply_free(all);
        rl_emu_free(emu);
    }
    assert_int_equal(outlen[0], outlen[1]);
    assert_memory_equal(out[0], out[1], outlen[0]);
    rl_free(out[0]);
    rl_free(out[1]);
    assert_int_equal(rl_mem_used(), 0);
}

static void srandmember_should_follow_redis_shapes(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$-1\r\n", "srandmember", "nokey");
    rl_assert_cmd(emu, "*0\r\n", "srandmember", "nokey", "5");
    sadd_range(emu, "big", 1, 20);
    rl_assert_cmd(emu, "*0\r\n", "srandmember", "big", "0");
    static const char all20[] =
        "*20\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n"
        "8\r\n$1\r\n9\r\n$2\r\n10\r\n$2\r\n11\r\n$2\r\n12\r\n$2\r\n13\r\n$2\r\n14\r\n$2\r\n15\r\n"
        "$2\r\n16\r\n$2\r\n17\r\n$2\r\n18\r\n$2\r\n19\r\n$2\r\n20\r\n";
    rl_assert_cmd(emu, all20, "srandmember", "big", "20");
    rl_assert_cmd(emu, all20, "srandmember", "big", "100");
    /* Distinct members for a positive count (both of Redis's strategies:
     * 10 * 3 > 20 copies and drops, 5 * 3 <= 20 draws). */
    const char *counts[] = { "10", "5", "1" };
    for (size_t k = 0; k < 3; k++) {
        rl_reply *r = CALL(emu, "srandmember", "big", counts[k]);
        assert_int_equal(r->type, RL_REPLY_ARRAY);
        assert_int_equal(r->elements, (size_t)atoi(counts[k]));
        for (size_t i = 0; i < r->elements; i++) {
            assert_int_equal(is_member(emu, "big", r->element[i]->str), 1);
            for (size_t j = 0; j < i; j++)
                assert_string_not_equal(r->element[i]->str, r->element[j]->str);
        }
        rl_reply_free(r);
    }
    /* A negative count may repeat: as many draws as asked, even beyond the size. */
    rl_reply *r = CALL(emu, "srandmember", "big", "-50");
    assert_int_equal(r->elements, 50);
    for (size_t i = 0; i < r->elements; i++)
        assert_int_equal(is_member(emu, "big", r->element[i]->str), 1);
    rl_reply_free(r);
    r = CALL(emu, "srandmember", "big");
    assert_int_equal(r->type, RL_REPLY_BULK);
    assert_int_equal(is_member(emu, "big", r->str), 1);
    rl_reply_free(r);
    rl_assert_cmd(emu, ":20\r\n", "scard", "big");
    rl_test_free_emu(emu);
}

static void replies_should_use_resp3_shapes(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_resp(emu, 3);
    assert_cmd3(emu, ":5\r\n", "sadd", "ints", "9223372036854775807", "-9223372036854775808", "0",
                "-1", "1");
    assert_cmd3(emu,
                "~5\r\n$20\r\n-9223372036854775808\r\n$2\r\n-1\r\n$1\r\n0\r\n$1\r\n1\r\n"
                "$19\r\n9223372036854775807\r\n",
                "smembers", "ints");
    assert_cmd3(emu, "~0\r\n", "smembers", "nokey");
    assert_cmd3(emu, "~0\r\n", "sinter", "nokey");
    assert_cmd3(emu,
                "~5\r\n$20\r\n-9223372036854775808\r\n$2\r\n-1\r\n$1\r\n0\r\n$1\r\n1\r\n"
                "$19\r\n9223372036854775807\r\n",
                "sunion", "ints");
    assert_cmd3(emu,
                "~5\r\n$20\r\n-9223372036854775808\r\n$2\r\n-1\r\n$1\r\n0\r\n$1\r\n1\r\n"
                "$19\r\n9223372036854775807\r\n",
                "sdiff", "ints");
    assert_cmd3(emu, "_\r\n", "spop", "nokey");
    assert_cmd3(emu, "~0\r\n", "spop", "nokey", "3");
    assert_cmd3(emu, "~0\r\n", "spop", "ints", "0");
    assert_cmd3(emu, "*0\r\n", "srandmember", "ints", "0");
    assert_cmd3(emu, "*0\r\n", "srandmember", "nokey", "2");
    assert_cmd3(emu,
                "*5\r\n$20\r\n-9223372036854775808\r\n$2\r\n-1\r\n$1\r\n0\r\n$1\r\n1\r\n"
                "$19\r\n9223372036854775807\r\n",
                "srandmember", "ints", "100");
    assert_cmd3(emu, "*2\r\n:1\r\n:0\r\n", "smismember", "ints", "0", "7");
    assert_cmd3(emu, ":5\r\n", "sintercard", "1", "ints");
    assert_cmd3(emu,
                "*2\r\n$1\r\n0\r\n*5\r\n$20\r\n-9223372036854775808\r\n$2\r\n-1\r\n$1\r\n0\r\n"
                "$1\r\n1\r\n$19\r\n9223372036854775807\r\n",
                "sscan", "ints", "0");
    assert_cmd3(emu, "*2\r\n$1\r\n0\r\n*0\r\n", "sscan", "nokey", "0");
    assert_cmd3(emu,
                "~5\r\n$20\r\n-9223372036854775808\r\n$2\r\n-1\r\n$1\r\n0\r\n$1\r\n1\r\n"
                "$19\r\n9223372036854775807\r\n",
                "spop", "ints", "10");
    rl_test_free_emu(emu);
}

static void sscan_should_return_intsets_at_once_and_every_member_once(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":5\r\n", "sadd", "ints", "9223372036854775807", "-9223372036854775808", "0",
                  "-1", "1");
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*2\r\n$20\r\n-9223372036854775808\r\n$2\r\n-1\r\n",
                  "sscan", "ints", "0", "match", "-*");
    rl_assert_cmd(emu,
                  "*2\r\n$1\r\n0\r\n*5\r\n$20\r\n-9223372036854775808\r\n$2\r\n-1\r\n$1\r\n0\r\n"
                  "$1\r\n1\r\n$19\r\n9223372036854775807\r\n",
                  "sscan", "ints", "5", "count", "1");

    /* A hashtable of 300 members, 20 of them removed half-way. */
    const char *argv[302];
    char names[300][8];
    argv[0] = "sadd";
    argv[1] = "h";
    for (int i = 0; i < 300; i++) {
        snprintf(names[i], sizeof(names[i]), "e%d", i);
        argv[i + 2] = names[i];
    }
    rl_reply *r = call_argv(emu, 302, argv);
    assert_int_equal(r->integer, 300);
    rl_reply_free(r);
    const char *counts[] = { "1", "7", "10", "1000" };
    for (size_t k = 0; k < 4; k++) {
        unsigned char seen[300] = { 0 };
        char cursor[32] = "0";
        int pages = 0, removed = 0;
        do {
            r = CALL(emu, "sscan", "h", cursor, "count", counts[k]);
            snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
            assert_true(r->element[1]->elements <= (size_t)atoi(counts[k]));
            for (size_t i = 0; i < r->element[1]->elements; i++) {
                int idx = atoi(r->element[1]->element[i]->str + 1);
                assert_int_equal(seen[idx], 0);
                seen[idx] = 1;
            }
            rl_reply_free(r);
            if (++pages == 3 && k == 0) {
                /* Members removed mid-scan may or may not be returned;
                 * the rest must still be, exactly once. */
                for (int i = 100; i < 120; i++) {
                    rl_reply_free(CALL(emu, "srem", "h", names[i]));
                }
                removed = 1;
            }
        } while (strcmp(cursor, "0") != 0);
        for (int i = 0; i < 300; i++) {
            if (removed && i >= 100 && i < 120) continue;
            if (k > 0 && i >= 100 && i < 120) continue;
            assert_int_equal(seen[i], 1);
        }
    }
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*1\r\n$4\r\ne299\r\n", "sscan", "h", "0", "match", "e299",
                  "count", "1000");
    rl_test_free_emu(emu);
}

static void copy_should_duplicate_sets(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":3\r\n", "sadd", "i", "3", "1", "2");
    rl_assert_cmd(emu, ":3\r\n", "sadd", "h", "b", "a", "c");
    rl_assert_cmd(emu, ":1\r\n", "copy", "i", "i2");
    rl_assert_cmd(emu, ":1\r\n", "copy", "h", "h2");
    rl_assert_cmd(emu, ":1\r\n", "srem", "i", "1");
    rl_assert_cmd(emu, ":1\r\n", "srem", "h", "a");
    rl_assert_cmd(emu, "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", "smembers", "i2");
    /* Emulator's documented order (Redis: random). */
    rl_assert_cmd(emu, "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n", "smembers", "h2");
    rl_assert_cmd(emu, "+set\r\n", "type", "h2");
    rl_test_free_emu(emu);
}

/* O(1) membership and random picks: 200,000 members stay fast. */
static void large_sets_should_stay_fast(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    for (long base = 0; base < 200000; base += 10000) sadd_range(emu, "big", base, base + 9999);
    rl_assert_cmd(emu, ":200000\r\n", "scard", "big");
    rl_assert_cmd(emu, ":1\r\n", "sismember", "big", "199999");
    rl_reply *r = CALL(emu, "spop", "big", "100000");
    assert_int_equal(r->elements, 100000);
    rl_reply_free(r);
    rl_assert_cmd(emu, ":100000\r\n", "scard", "big");
    r = CALL(emu, "spop", "big", "99990");
    assert_int_equal(r->elements, 99990);
    rl_reply_free(r);
    rl_assert_cmd(emu, ":10\r\n", "scard", "big");
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sadd_should_keep_integer_sets_ascending),
        cmocka_unit_test(set_commands_should_refuse_wrong_types_and_arity),
        cmocka_unit_test(set_commands_should_reject_bad_counts_and_options),
        cmocka_unit_test(set_should_convert_to_hashtable_after_512_members),
        cmocka_unit_test(hashtable_sets_should_iterate_in_insertion_order),
        cmocka_unit_test(set_algebra_should_match_redis_order),
        cmocka_unit_test(store_commands_should_clear_ttl_and_delete_empty_results),
        cmocka_unit_test(sdiff_should_choose_redis_algorithm),
        cmocka_unit_test(smove_should_move_create_and_delete_keys),
        cmocka_unit_test(spop_should_follow_redis_strategies),
        cmocka_unit_test(random_replies_should_repeat_across_runs),
        cmocka_unit_test(srandmember_should_follow_redis_shapes),
        cmocka_unit_test(replies_should_use_resp3_shapes),
        cmocka_unit_test(sscan_should_return_intsets_at_once_and_every_member_once),
        cmocka_unit_test(copy_should_duplicate_sets),
        cmocka_unit_test(large_sets_should_stay_fast),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
