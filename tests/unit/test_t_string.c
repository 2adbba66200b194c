/* String commands (t_string.c). Every expected reply below was read from
 * redis-server 7.0.15 running the same commands from an empty database;
 * the expiry tests use the virtual clock, which Redis has no counterpart of,
 * and assert the absolute expiry it implies. */
#include "test_common.h"

#include <stdlib.h>

#include "commands.h"
#include "db.h"
#include "object.h"
#include "server.h"

/* The emulator's other types live in other modules; a value of a type the
 * string commands must refuse is enough here, so this registers a dummy
 * stream type owned by the test. */
static void free_foreign(void *ptr)
{
    rl_free(ptr);
}

static void *dup_foreign(const void *ptr)
{
    (void)ptr;
    return rl_malloc(1);
}

static void add_foreign_key(rl_emu *emu, const char *key)
{
    rl_obj_register_type(RL_TYPE_STREAM, free_foreign, dup_foreign);
    rl_db_add(&emu->db[0], key, strlen(key), rl_obj_new(RL_TYPE_STREAM, rl_malloc(1)));
}

/* The absolute expiry of key in database 0, -1 when it has none. */
static int64_t expire_of(rl_emu *emu, const char *key)
{
    return rl_db_get_expire(emu, &emu->db[0], key, strlen(key));
}

static void get_should_reply_values_nil_and_arity_errors(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$-1\r\n", "get", "k");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "get", "k");
    rl_assert_cmd(emu, "+OK\r\n", "set", "", "");
    rl_assert_cmd(emu, "$0\r\n\r\n", "get", "");
    {
        const char *argv[] = { "set", "bin\000key", "\000\377\r\n\000" };
        size_t lens[] = { 3, 7, 5 };
        rl_assert_resp(rl_emu_call(emu, 3, argv, lens), "+OK\r\n");
    }
    {
        const char *argv[] = { "get", "bin\000key" };
        size_t lens[] = { 3, 7 };
        rl_assert_resp(rl_emu_call(emu, 2, argv, lens), "$5\r\n\000\377\r\n\000\r\n");
    }
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'get' command\r\n", "get");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'get' command\r\n", "get", "a", "b");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'set' command\r\n", "set", "k");
    rl_test_free_emu(emu);
}

static void set_should_honour_nx_xx_and_get(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v1", "nx");
    rl_assert_cmd(emu, "$-1\r\n", "set", "k", "v2", "nx");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v2", "xx");
    rl_assert_cmd(emu, "$2\r\nv2\r\n", "get", "k");
    rl_assert_cmd(emu, "$-1\r\n", "set", "n", "v", "xx");
    rl_assert_cmd(emu, "$-1\r\n", "get", "n");
    rl_assert_cmd(emu, "$2\r\nv2\r\n", "set", "k", "v3", "xx", "get");
    rl_assert_cmd(emu, "$2\r\nv3\r\n", "set", "k", "v4", "NX", "GET");
    rl_assert_cmd(emu, "$2\r\nv3\r\n", "get", "k");
    rl_assert_cmd(emu, "$-1\r\n", "set", "n", "v", "get");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "get", "n");
    rl_assert_cmd(emu, "$-1\r\n", "set", "m", "v", "xx", "get");
    rl_assert_cmd(emu, "$-1\r\n", "get", "m");
    rl_assert_cmd(emu, "$2\r\nv3\r\n", "set", "k", "v", "get", "get");
    {
        const char *argv[] = { "set", "k", "v5", "nx\000junk" };
        size_t lens[] = { 3, 1, 2, 7 };
        rl_assert_resp(rl_emu_call(emu, 4, argv, lens), "$-1\r\n");
    }
    {
        const char *argv[] = { "set", "k", "v6", "xX\000" };
        size_t lens[] = { 3, 1, 2, 3 };
        rl_assert_resp(rl_emu_call(emu, 4, argv, lens), "+OK\r\n");
    }
    rl_assert_cmd(emu, "$2\r\nv6\r\n", "get", "k");
    rl_test_free_emu(emu);
}

/* SET over a string of the same length writes over it in place (object.c,
 * rl_obj_string_overwrite); the result must be a new value in every way. */
static void set_over_a_value_of_the_same_length_should_replace_it_whole(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "abc", "ex", "100");
    rl_assert_cmd(emu, ":100\r\n", "ttl", "k");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "xyz");
    rl_assert_cmd(emu, "$3\r\nxyz\r\n", "get", "k");
    rl_assert_cmd(emu, ":-1\r\n", "ttl", "k");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "abc", "px", "5000");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "def", "keepttl");
    rl_assert_cmd(emu, ":5000\r\n", "pttl", "k");
    rl_assert_cmd(emu, "$3\r\ndef\r\n", "get", "k");
    /* A grown value has its own buffer: SET then makes a new object. */
    rl_assert_cmd(emu, ":4\r\n", "append", "k", "g");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "wxyz");
    rl_assert_cmd(emu, "$4\r\nwxyz\r\n", "get", "k");
    rl_assert_cmd(emu, ":4\r\n", "strlen", "k");
    rl_assert_cmd(emu, ":1\r\n", "lpush", "l", "a");
    rl_assert_cmd(emu, "+OK\r\n", "set", "l", "b");
    rl_assert_cmd(emu, "+string\r\n", "type", "l");
    /* The same bytes counted as for a new value. */
    rl_assert_cmd(emu, "+OK\r\n", "set", "m", "aaaa");
    size_t used = rl_mem_used();
    rl_assert_cmd(emu, "+OK\r\n", "set", "m", "bbbb");
    assert_int_equal(rl_mem_used(), used);
    /* WATCH sees the write (Redis aborts the EXEC). */
    rl_assert_cmd(emu, "+OK\r\n", "watch", "k");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "abcd");
    rl_assert_cmd(emu, "+OK\r\n", "multi");
    rl_assert_cmd(emu, "+QUEUED\r\n", "get", "k");
    rl_assert_cmd(emu, "*-1\r\n", "exec");
    rl_test_free_emu(emu);
}

static void set_should_reject_conflicting_options(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "set", "k", "v", "nx", "xx");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "set", "k", "v", "xx", "nx");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "set", "k", "v", "ex", "10", "px", "10");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "set", "k", "v", "exat", "10", "pxat", "10");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "set", "k", "v", "keepttl", "ex", "10");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "set", "k", "v", "px", "10", "keepttl");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "set", "k", "v", "persist");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "set", "k", "v", "ex");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "set", "k", "v", "pxat");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "set", "k", "v", "bogus");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "set", "k", "v", "nxx");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v", "ex", "10", "ex", "20");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v", "keepttl", "keepttl");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "set", "k", "v", "ex", "10", "bogus", "get");
    rl_test_free_emu(emu);
}

static void set_should_reject_invalid_expire_times(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "ex", "0");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "px",
                  "-1");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "exat",
                  "0");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "pxat",
                  "-9223372036854775808");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "ex",
                  "9223372036854775");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "ex",
                  "9223372036854776");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "px",
                  "9223372036854775807");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "set", "k", "v", "ex",
                  "1.5");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "set", "k", "v", "ex",
                  "+1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "set", "k", "v", "ex",
                  " 1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "set", "k", "v", "ex",
                  "");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "ex", "0",
                  "get");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'setex' command\r\n", "setex", "k", "0", "v");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "setex", "k", "x", "v");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'psetex' command\r\n", "psetex", "k", "-5",
                  "v");
    rl_assert_cmd(emu, "$-1\r\n", "getex", "k", "ex", "0");
    rl_assert_cmd(emu, ":0\r\n", "exists", "k");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'getex' command\r\n", "getex", "k", "ex", "0");
    rl_assert_cmd(emu, "$-1\r\n", "getex", "missing", "ex", "0");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'getex' command\r\n", "getex", "k", "pxat",
                  "-1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "getex", "k", "ex",
                  "abc");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'getex' command\r\n", "getex", "k", "exat",
                  "9223372036854776");
    rl_test_free_emu(emu);
}

static void getex_should_parse_its_own_options(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "getex", "k");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "getex", "k", "persist", "persist");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "getex", "k", "persist", "ex", "10");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "getex", "k", "ex", "10", "persist");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "getex", "k", "ex", "10", "px", "10");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "getex", "k", "keepttl");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "getex", "k", "nx");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "getex", "k", "get");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "getex", "k", "ex");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "getex", "missing", "bogus");
    rl_assert_cmd(emu, "$-1\r\n", "getex", "missing");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'getex' command\r\n", "getex");
    rl_test_free_emu(emu);
}

static void setnx_setex_psetex_getset_getdel_should_reply_like_redis(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "setnx", "k", "1");
    rl_assert_cmd(emu, ":0\r\n", "setnx", "k", "2");
    rl_assert_cmd(emu, "$1\r\n1\r\n", "get", "k");
    rl_assert_cmd(emu, "+OK\r\n", "setex", "se", "10", "v");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "get", "se");
    rl_assert_cmd(emu, "+OK\r\n", "psetex", "pe", "10000", "v");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "get", "pe");
    rl_assert_cmd(emu, "$-1\r\n", "getset", "gs", "a");
    rl_assert_cmd(emu, "$1\r\na\r\n", "getset", "gs", "b");
    rl_assert_cmd(emu, "$1\r\nb\r\n", "get", "gs");
    rl_assert_cmd(emu, "$1\r\nb\r\n", "getdel", "gs");
    rl_assert_cmd(emu, "$-1\r\n", "getdel", "gs");
    rl_assert_cmd(emu, ":0\r\n", "exists", "gs");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'setex' command\r\n", "setex", "k",
                  "10");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'setnx' command\r\n", "setnx", "k");
    rl_test_free_emu(emu);
}

static void mget_mset_msetnx_should_handle_many_keys(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "mset", "a", "1", "b", "2", "c", "3");
    rl_assert_cmd(emu, "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$-1\r\n", "mget", "a", "b", "c",
                  "nokey");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'mset' command\r\n", "mset", "a", "1",
                  "b");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'msetnx' command\r\n", "msetnx", "q");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'msetnx' command\r\n", "msetnx", "q",
                  "1", "r");
    rl_assert_cmd(emu, "+OK\r\n", "mset", "x", "1", "x", "2");
    rl_assert_cmd(emu, "$1\r\n2\r\n", "get", "x");
    rl_assert_cmd(emu, ":0\r\n", "msetnx", "x", "1", "y", "2");
    rl_assert_cmd(emu, ":0\r\n", "exists", "y");
    rl_assert_cmd(emu, ":1\r\n", "msetnx", "y", "1", "z", "2");
    rl_assert_cmd(emu, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "mget", "y", "z");
    rl_assert_cmd(emu, ":1\r\n", "msetnx", "m", "1", "m", "2");
    rl_assert_cmd(emu, "$1\r\n2\r\n", "get", "m");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'mget' command\r\n", "mget");
    rl_test_free_emu(emu);
}

static void append_should_create_and_extend_values(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":5\r\n", "append", "ap", "hello");
    rl_assert_cmd(emu, ":11\r\n", "append", "ap", " world");
    rl_assert_cmd(emu, "$11\r\nhello world\r\n", "get", "ap");
    rl_assert_cmd(emu, ":11\r\n", "append", "ap", "");
    rl_assert_cmd(emu, ":0\r\n", "append", "new", "");
    rl_assert_cmd(emu, ":1\r\n", "exists", "new");
    {
        const char *argv[] = { "append", "b\000", "\000\001" };
        size_t lens[] = { 6, 2, 2 };
        rl_assert_resp(rl_emu_call(emu, 3, argv, lens), ":2\r\n");
    }
    {
        const char *argv[] = { "append", "b\000", "\377" };
        size_t lens[] = { 6, 2, 1 };
        rl_assert_resp(rl_emu_call(emu, 3, argv, lens), ":3\r\n");
    }
    {
        const char *argv[] = { "get", "b\000" };
        size_t lens[] = { 3, 2 };
        rl_assert_resp(rl_emu_call(emu, 2, argv, lens), "$3\r\n\000\001\377\r\n");
    }
    {
        const char *argv[] = { "strlen", "b\000" };
        size_t lens[] = { 6, 2 };
        rl_assert_resp(rl_emu_call(emu, 2, argv, lens), ":3\r\n");
    }
    rl_assert_cmd(emu, ":11\r\n", "strlen", "ap");
    rl_assert_cmd(emu, ":0\r\n", "strlen", "nokey");
    rl_assert_cmd(emu, ":0\r\n", "strlen", "new");
    rl_test_free_emu(emu);
}

static void getrange_should_clamp_negative_and_large_indexes(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "set", "gr", "Hello World");
    rl_assert_cmd(emu, "$5\r\nHello\r\n", "getrange", "gr", "0", "4");
    rl_assert_cmd(emu, "$5\r\nWorld\r\n", "getrange", "gr", "-5", "-1");
    rl_assert_cmd(emu, "$0\r\n\r\n", "getrange", "gr", "-1", "-5");
    rl_assert_cmd(emu, "$0\r\n\r\n", "getrange", "gr", "5", "3");
    rl_assert_cmd(emu, "$11\r\nHello World\r\n", "getrange", "gr", "0", "-1");
    rl_assert_cmd(emu, "$11\r\nHello World\r\n", "getrange", "gr", "0", "100");
    rl_assert_cmd(emu, "$3\r\nHel\r\n", "getrange", "gr", "-100", "2");
    rl_assert_cmd(emu, "$1\r\nH\r\n", "getrange", "gr", "-100", "-100");
    rl_assert_cmd(emu, "$0\r\n\r\n", "getrange", "gr", "100", "200");
    rl_assert_cmd(emu, "$11\r\nHello World\r\n", "getrange", "gr", "-9223372036854775808",
                  "9223372036854775807");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "getrange", "gr", "a",
                  "1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "getrange", "gr", "1",
                  "1.0");
    rl_assert_cmd(emu, "$0\r\n\r\n", "getrange", "nokey", "0", "1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "getrange", "nokey", "a",
                  "1");
    rl_assert_cmd(emu, "$3\r\nrld\r\n", "substr", "gr", "-3", "-1");
    rl_assert_cmd(emu, "+OK\r\n", "set", "e", "");
    rl_assert_cmd(emu, "$0\r\n\r\n", "getrange", "e", "0", "-1");
    rl_assert_cmd(emu, "$0\r\n\r\n", "getrange", "e", "-1", "0");
    rl_test_free_emu(emu);
}

static void setrange_should_pad_with_zeros_and_check_limits(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":8\r\n", "setrange", "sr", "5", "abc");
    rl_assert_cmd(emu, "$8\r\n\000\000\000\000\000abc\r\n", "get", "sr");
    rl_assert_cmd(emu, ":8\r\n", "setrange", "sr", "0", "XY");
    rl_assert_cmd(emu, "$8\r\nXY\000\000\000abc\r\n", "get", "sr");
    rl_assert_cmd(emu, ":8\r\n", "setrange", "sr", "20", "");
    rl_assert_cmd(emu, ":8\r\n", "strlen", "sr");
    rl_assert_cmd(emu, ":0\r\n", "setrange", "new", "10", "");
    rl_assert_cmd(emu, ":0\r\n", "exists", "new");
    rl_assert_cmd(emu, "-ERR offset is out of range\r\n", "setrange", "sr", "-1", "x");
    rl_assert_cmd(emu, "-ERR offset is out of range\r\n", "setrange", "new", "-1", "");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "setrange", "sr", "abc",
                  "x");
    rl_assert_cmd(emu, "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
                  "setrange", "sr", "536870911", "ab");
    rl_assert_cmd(emu, "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
                  "setrange", "sr", "9223372036854775807", "x");
    rl_assert_cmd(emu, ":0\r\n", "setrange", "new", "536870912", "");
    rl_assert_cmd(emu, "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
                  "setrange", "new", "536870911", "xy");
    rl_assert_cmd(emu, ":0\r\n", "exists", "new");
    {
        const char *argv[] = { "setrange", "sr", "3", "\000\001" };
        size_t lens[] = { 8, 2, 1, 2 };
        rl_assert_resp(rl_emu_call(emu, 4, argv, lens), ":8\r\n");
    }
    rl_assert_cmd(emu, "$8\r\nXY\000\000\001abc\r\n", "get", "sr");
    rl_test_free_emu(emu);
}

static void incr_should_parse_strictly_and_detect_overflow(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "incr", "n");
    rl_assert_cmd(emu, ":2\r\n", "incr", "n");
    rl_assert_cmd(emu, ":1\r\n", "decr", "n");
    rl_assert_cmd(emu, ":11\r\n", "incrby", "n", "10");
    rl_assert_cmd(emu, ":-89\r\n", "decrby", "n", "100");
    rl_assert_cmd(emu, "$3\r\n-89\r\n", "get", "n");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "incrby", "n", "+1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "incrby", "n", " 1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "incrby", "n", "01");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "incrby", "n", "1.0");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "incrby", "n", "");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "incrby", "n", "-0");
    rl_assert_cmd(emu, "+OK\r\n", "set", "n", "9223372036854775807");
    rl_assert_cmd(emu, "-ERR increment or decrement would overflow\r\n", "incr", "n");
    rl_assert_cmd(emu, ":9223372036854775807\r\n", "incrby", "n", "0");
    rl_assert_cmd(emu, "+OK\r\n", "set", "n", "-9223372036854775808");
    rl_assert_cmd(emu, "-ERR increment or decrement would overflow\r\n", "decr", "n");
    rl_assert_cmd(emu, "-ERR decrement would overflow\r\n", "decrby", "n", "-9223372036854775808");
    rl_assert_cmd(emu, "-ERR increment or decrement would overflow\r\n", "incrby", "n",
                  "-9223372036854775808");
    rl_assert_cmd(emu, "+OK\r\n", "set", "n", "-1");
    rl_assert_cmd(emu, "-ERR increment or decrement would overflow\r\n", "incrby", "n",
                  "-9223372036854775808");
    rl_assert_cmd(emu, "+OK\r\n", "set", "n", "+1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "incr", "n");
    rl_assert_cmd(emu, "+OK\r\n", "set", "n", "01");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "incr", "n");
    rl_assert_cmd(emu, "+OK\r\n", "set", "n", "-0");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "incr", "n");
    rl_assert_cmd(emu, "+OK\r\n", "set", "n", "1.0");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "incr", "n");
    rl_assert_cmd(emu, "+OK\r\n", "set", "n", "");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "incr", "n");
    {
        const char *argv[] = { "set", "n", "1\000" };
        size_t lens[] = { 3, 1, 2 };
        rl_assert_resp(rl_emu_call(emu, 3, argv, lens), "+OK\r\n");
    }
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "incr", "n");
    rl_assert_cmd(emu, "+OK\r\n", "set", "n", "9223372036854775808");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "decr", "n");
    rl_assert_cmd(emu, "+OK\r\n", "set", "n", "123");
    rl_assert_cmd(emu, ":0\r\n", "incrby", "n", "-123");
    rl_assert_cmd(emu, "$1\r\n0\r\n", "get", "n");
    rl_test_free_emu(emu);
}

static void incrbyfloat_should_format_like_redis(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd_ld(emu, "$4\r\n10.5\r\n", "incrbyfloat", "f", "10.5");
    rl_assert_cmd_ld(emu, "$4\r\n10.6\r\n", "incrbyfloat", "f", "0.1");
    rl_assert_cmd_ld(emu, "$3\r\n5.6\r\n", "incrbyfloat", "f", "-5");
    rl_assert_cmd_ld(emu, "$22\r\n5005.60000000000000009\r\n", "incrbyfloat", "f", "5.0e3");
    rl_assert_cmd_ld(emu, "$1\r\n0\r\n", "incrbyfloat", "f", "-5005.6");
    rl_assert_cmd_ld(emu, "$2\r\n16\r\n", "incrbyfloat", "f", "0x10");
    rl_assert_cmd_ld(emu, "$2\r\n16\r\n", "incrbyfloat", "f", "1e-20");
    rl_assert_cmd_ld(emu, "$4\r\n16.5\r\n", "incrbyfloat", "f", ".5");
    rl_assert_cmd_ld(emu, "$21\r\n100000000000000000000\r\n", "incrbyfloat", "g", "1e20");
    rl_assert_cmd_ld(emu, "-ERR value is not an integer or out of range\r\n", "incr", "g");
    rl_assert_cmd_ld(emu, "$19\r\n1.23456789012345679\r\n", "incrbyfloat", "h",
                     "1.23456789012345678901234");
    rl_assert_cmd_ld(emu, "$3\r\n0.1\r\n", "incrbyfloat", "i", "0.1");
    rl_assert_cmd_ld(emu, "$3\r\n0.3\r\n", "incrbyfloat", "i", "0.2");
    rl_assert_cmd_ld(emu, "+OK\r\n", "set", "f", "3.0");
    rl_assert_cmd_ld(emu, "$1\r\n3\r\n", "incrbyfloat", "f", "0");
    rl_assert_cmd_ld(emu, "+OK\r\n", "set", "f", "-0.0");
    rl_assert_cmd_ld(emu, "$1\r\n0\r\n", "incrbyfloat", "f", "0");
    rl_assert_cmd_ld(emu, "+OK\r\n", "set", "f", "1e400");
    rl_assert_cmd_ld(
        emu,
        "$401\r\n1000000000000000000028188068394758651458645343362905203862591069353968553400862986"
        "203936399484832416052209405392731761620029582277725925573402382897659334066101779744743454"
        "617391786244811667497172377894382439159333804747067502624668440135923751360383034373548550"
        "524495596497902182503828009106841494740245689865304095101751265809261582758892018347251164"
        "3316591362664138176309734806343732497430221946880\r\n",
        "incrbyfloat", "f", "1");
    rl_assert_cmd_ld(emu, "+OK\r\n", "set", "f", "1.5");
    rl_assert_cmd_ld(emu, "-ERR value is not an integer or out of range\r\n", "incr", "f");
    rl_assert_cmd_ld(emu, "-ERR value is not a valid float\r\n", "incrbyfloat", "f", " 1");
    rl_assert_cmd_ld(emu, "-ERR value is not a valid float\r\n", "incrbyfloat", "f", "1 ");
    rl_assert_cmd_ld(emu, "-ERR value is not a valid float\r\n", "incrbyfloat", "f", "");
    rl_assert_cmd_ld(emu, "-ERR value is not a valid float\r\n", "incrbyfloat", "f", "abc");
    rl_assert_cmd_ld(emu, "-ERR value is not a valid float\r\n", "incrbyfloat", "f", "nan");
    rl_assert_cmd_ld(emu, "-ERR increment would produce NaN or Infinity\r\n", "incrbyfloat", "f",
                     "inf");
    rl_assert_cmd_ld(emu, "-ERR increment would produce NaN or Infinity\r\n", "incrbyfloat", "f",
                     "-inf");
    rl_assert_cmd_ld(emu, "-ERR value is not a valid float\r\n", "incrbyfloat", "f", "1e5000");
    rl_assert_cmd_ld(emu, "$3\r\n1.5\r\n", "get", "f");
    rl_assert_cmd_ld(emu, "+OK\r\n", "set", "f", "abc");
    rl_assert_cmd_ld(emu, "-ERR value is not a valid float\r\n", "incrbyfloat", "f", "1");
    rl_assert_cmd_ld(emu, "+OK\r\n", "set", "big", "1e308");
    rl_assert_cmd_ld(
        emu,
        "$309\r\n1999999999999999999933717593116912913211201996948311344155940959898434697376761237"
        "442002538437770786408934944501080264463042694991879211671948416288603928375359182000392063"
        "815573262192090142133358783067915778778291210871261225367298032372604341731785068897632475"
        "82601711514636284849020905456510092687857156096\r\n",
        "incrbyfloat", "big", "1e308");
    rl_test_free_emu(emu);
}

static void lcs_should_reply_subsequence_length_and_ranges(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$0\r\n\r\n", "lcs", "l1", "l2");
    rl_assert_cmd(emu, "+OK\r\n", "mset", "l1", "ohmytext", "l2", "mynewtext");
    rl_assert_cmd(emu, "$6\r\nmytext\r\n", "lcs", "l1", "l2");
    rl_assert_cmd(emu, ":6\r\n", "lcs", "l1", "l2", "len");
    rl_assert_cmd(emu, ":6\r\n", "lcs", "l1", "l2", "LEN", "len");
    rl_assert_cmd(emu,
                  "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*"
                  "2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
                  "lcs", "l1", "l2", "idx");
    rl_assert_cmd(emu,
                  "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*"
                  "3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
                  "lcs", "l1", "l2", "idx", "withmatchlen");
    rl_assert_cmd(emu,
                  "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$"
                  "3\r\nlen\r\n:6\r\n",
                  "lcs", "l1", "l2", "idx", "minmatchlen", "4");
    rl_assert_cmd(emu,
                  "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$"
                  "3\r\nlen\r\n:6\r\n",
                  "lcs", "l1", "l2", "idx", "minmatchlen", "4", "withmatchlen");
    rl_assert_cmd(emu,
                  "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*"
                  "2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
                  "lcs", "l1", "l2", "idx", "minmatchlen", "-4");
    rl_assert_cmd(emu, "$6\r\nmytext\r\n", "lcs", "l1", "l2", "withmatchlen", "minmatchlen", "2");
    rl_assert_cmd(emu, "$0\r\n\r\n", "lcs", "l1", "nokey");
    rl_assert_cmd(emu, "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "lcs", "nokey", "l2",
                  "idx");
    rl_assert_cmd(emu, ":0\r\n", "lcs", "nokey", "nokey2", "len");
    rl_assert_cmd(emu, "+OK\r\n", "mset", "s1", "abcabcabcxyz", "s2", "xyzabcqqqabc");
    rl_assert_cmd(emu,
                  "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:6\r\n:8\r\n*2\r\n:9\r\n:11\r\n:3\r\n*"
                  "3\r\n*2\r\n:3\r\n:5\r\n*2\r\n:3\r\n:5\r\n:3\r\n$3\r\nlen\r\n:6\r\n",
                  "lcs", "s1", "s2", "idx", "withmatchlen");
    rl_assert_cmd(emu,
                  "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:9\r\n:11\r\n*2\r\n:6\r\n:8\r\n*2\r\n*"
                  "2\r\n:3\r\n:5\r\n*2\r\n:0\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
                  "lcs", "s2", "s1", "idx", "minmatchlen", "3");
    {
        const char *argv[] = { "mset", "b1", "\000\377\000a\200", "b2", "\200\000a\000\377" };
        size_t lens[] = { 4, 2, 5, 2, 5 };
        rl_assert_resp(rl_emu_call(emu, 5, argv, lens), "+OK\r\n");
    }
    rl_assert_cmd(emu, "$2\r\n\000a\r\n", "lcs", "b1", "b2");
    rl_assert_cmd(emu,
                  "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:1\r\n:2\r\n$"
                  "3\r\nlen\r\n:2\r\n",
                  "lcs", "b1", "b2", "idx");
    rl_test_free_emu(emu);
}

static void lcs_should_reject_bad_options(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "mset", "l1", "ohmytext", "l2", "mynewtext");
    rl_assert_cmd(emu, "-ERR If you want both the length and indexes, please just use IDX.\r\n",
                  "lcs", "l1", "l2", "len", "idx");
    rl_assert_cmd(emu, "-ERR If you want both the length and indexes, please just use IDX.\r\n",
                  "lcs", "l1", "l2", "idx", "len");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "lcs", "l1", "l2", "bogus");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "lcs", "l1", "l2", "minmatchlen");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "lcs", "l1", "l2",
                  "minmatchlen", "abc");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "lcs", "l1", "l2",
                  "minmatchlen", "abc", "len", "idx");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'lcs' command\r\n", "lcs", "l1");
    {
        const char *argv[] = { "lcs", "l1", "l2", "len\000x" };
        size_t lens[] = { 3, 2, 2, 5 };
        rl_assert_resp(rl_emu_call(emu, 4, argv, lens), ":6\r\n");
    }
    rl_test_free_emu(emu);
}

static void string_commands_should_reject_other_types(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    add_foreign_key(emu, "w");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "get", "w");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "getex", "w", "ex", "0");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "getex", "w", "bogus");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "getdel", "w");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "getset", "w", "v");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "set", "w", "v", "get");
    rl_assert_cmd(emu, "$-1\r\n", "set", "w", "v", "nx");
    rl_assert_cmd(emu, ":0\r\n", "setnx", "w", "v");
    rl_assert_cmd(emu, ":0\r\n", "msetnx", "a", "1", "w", "2");
    rl_assert_cmd(emu, ":0\r\n", "exists", "a");
    rl_assert_cmd(emu, "*2\r\n$-1\r\n$-1\r\n", "mget", "a", "w");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "append", "w", "x");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "strlen", "w");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "getrange", "w", "0", "1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "getrange", "w", "x",
                  "1");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "substr", "w", "0", "1");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "setrange", "w", "0", "");
    rl_assert_cmd(emu, "-ERR offset is out of range\r\n", "setrange", "w", "-1", "x");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "setrange", "w", "0", "x");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "incr", "w");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "decrby", "w", "x");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "incrbyfloat", "w", "x");
    rl_assert_cmd(emu, "-ERR The specified keys must contain string values\r\n", "lcs", "w", "a");
    rl_assert_cmd(emu, "-ERR The specified keys must contain string values\r\n", "lcs", "a", "w",
                  "bogus");
    rl_assert_cmd(emu, "+OK\r\n", "set", "w", "v", "xx");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "get", "w");
    rl_test_free_emu(emu);
}

static void set_should_compute_expiry_from_the_virtual_clock(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    int64_t now = rl_emu_clock_ms(emu);
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v", "ex", "10");
    assert_int_equal(expire_of(emu, "k"), now + 10000);
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v", "px", "1500");
    assert_int_equal(expire_of(emu, "k"), now + 1500);
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v", "exat", "1700000002");
    assert_int_equal(expire_of(emu, "k"), 1700000002000LL);
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v", "pxat", "1700000000250");
    assert_int_equal(expire_of(emu, "k"), 1700000000250LL);
    rl_assert_cmd(emu, "+OK\r\n", "setex", "se", "3", "v");
    assert_int_equal(expire_of(emu, "se"), now + 3000);
    rl_assert_cmd(emu, "+OK\r\n", "psetex", "pe", "7", "v");
    assert_int_equal(expire_of(emu, "pe"), now + 7);
    /* As in Redis, a key is still alive during its expiry millisecond. */
    rl_emu_advance_ms(emu, 250);
    rl_assert_cmd(emu, "$1\r\nv\r\n", "get", "k");
    rl_emu_advance_ms(emu, 1);
    rl_assert_cmd(emu, "$-1\r\n", "get", "k");
    rl_assert_cmd(emu, "$-1\r\n", "get", "pe");
    /* A time already past is accepted and the key is gone at once. */
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v", "pxat", "1");
    rl_assert_cmd(emu, "$-1\r\n", "get", "k");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "set", "k", "w", "exat", "1", "get");
    rl_assert_cmd(emu, "$-1\r\n", "set", "k", "w", "xx", "get");
    /* Relative times that overflow once the clock is added are invalid. */
    rl_emu_set_clock_ms(emu, 1000);
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v", "px", "9223372036854774807");
    assert_int_equal(expire_of(emu, "k"), INT64_MAX);
    rl_assert_cmd(emu, "-ERR invalid expire time in 'set' command\r\n", "set", "k", "v", "px",
                  "9223372036854774808");
    rl_test_free_emu(emu);
}

static void ttl_should_be_kept_only_where_redis_keeps_it(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    int64_t when = rl_emu_clock_ms(emu) + 100000;
    rl_assert_cmd(emu, "+OK\r\n", "mset", "n", "1", "f", "1.5", "s", "abc", "g", "x");
    const char *keys[] = { "n", "f", "s", "g" };
    for (int i = 0; i < 4; i++) rl_assert_cmd(emu, ":1\r\n", "pexpire", keys[i], "100000");
    /* In-place changes keep the expiry. */
    rl_assert_cmd(emu, ":2\r\n", "incr", "n");
    rl_assert_cmd(emu, "$3\r\n2.5\r\n", "incrbyfloat", "f", "1");
    rl_assert_cmd(emu, ":4\r\n", "append", "s", "x");
    rl_assert_cmd(emu, ":4\r\n", "setrange", "s", "2", "y");
    rl_assert_cmd(emu, "+OK\r\n", "set", "g", "v", "keepttl");
    for (int i = 0; i < 4; i++) assert_int_equal(expire_of(emu, keys[i]), when);
    rl_assert_cmd(emu, "$1\r\nv\r\n", "getex", "g");
    assert_int_equal(expire_of(emu, "g"), when);
    /* New values clear it. */
    rl_assert_cmd(emu, "+OK\r\n", "set", "n", "1");
    rl_assert_cmd(emu, "$3\r\n2.5\r\n", "getset", "f", "x");
    rl_assert_cmd(emu, "+OK\r\n", "mset", "s", "y");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "set", "g", "w", "get");
    for (int i = 0; i < 4; i++) assert_int_equal(expire_of(emu, keys[i]), -1);
    rl_test_free_emu(emu);
}

static void getex_should_set_remove_or_expire_at_once(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    int64_t now = rl_emu_clock_ms(emu);
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "getex", "k", "ex", "10");
    assert_int_equal(expire_of(emu, "k"), now + 10000);
    rl_assert_cmd(emu, "$1\r\nv\r\n", "getex", "k", "px", "20");
    assert_int_equal(expire_of(emu, "k"), now + 20);
    rl_assert_cmd(emu, "$1\r\nv\r\n", "getex", "k", "exat", "1800000000");
    assert_int_equal(expire_of(emu, "k"), 1800000000000LL);
    rl_assert_cmd(emu, "$1\r\nv\r\n", "getex", "k", "persist");
    assert_int_equal(expire_of(emu, "k"), -1);
    rl_assert_cmd(emu, "$1\r\nv\r\n", "getex", "k", "pxat", "1700000000001");
    assert_int_equal(expire_of(emu, "k"), now + 1);
    /* An absolute time not after now replies the value and deletes the key. */
    rl_assert_cmd(emu, "$1\r\nv\r\n", "getex", "k", "pxat", "1700000000000");
    rl_assert_cmd(emu, ":0\r\n", "exists", "k");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "getex", "k", "exat", "1");
    rl_assert_cmd(emu, "$-1\r\n", "getex", "k");
    rl_test_free_emu(emu);
}

static void string_commands_should_have_redis_table_rows(void **state)
{
    (void)state;
    static const rl_test_row rows[] = {
        { "get", 2, RL_CMD_READONLY | RL_CMD_FAST, 1, 1, 1 },
        { "set", -3, RL_CMD_WRITE | RL_CMD_DENYOOM, 1, 1, 1 },
        { "setnx", 3, RL_CMD_WRITE | RL_CMD_DENYOOM | RL_CMD_FAST, 1, 1, 1 },
        { "setex", 4, RL_CMD_WRITE | RL_CMD_DENYOOM, 1, 1, 1 },
        { "psetex", 4, RL_CMD_WRITE | RL_CMD_DENYOOM, 1, 1, 1 },
        { "getset", 3, RL_CMD_WRITE | RL_CMD_DENYOOM | RL_CMD_FAST, 1, 1, 1 },
        { "getdel", 2, RL_CMD_WRITE | RL_CMD_FAST, 1, 1, 1 },
        { "getex", -2, RL_CMD_WRITE | RL_CMD_FAST, 1, 1, 1 },
        { "mget", -2, RL_CMD_READONLY | RL_CMD_FAST, 1, -1, 1 },
        { "mset", -3, RL_CMD_WRITE | RL_CMD_DENYOOM, 1, -1, 2 },
        { "msetnx", -3, RL_CMD_WRITE | RL_CMD_DENYOOM, 1, -1, 2 },
        { "append", 3, RL_CMD_WRITE | RL_CMD_DENYOOM | RL_CMD_FAST, 1, 1, 1 },
        { "strlen", 2, RL_CMD_READONLY | RL_CMD_FAST, 1, 1, 1 },
        { "getrange", 4, RL_CMD_READONLY, 1, 1, 1 },
        { "substr", 4, RL_CMD_READONLY, 1, 1, 1 },
        { "setrange", 4, RL_CMD_WRITE | RL_CMD_DENYOOM, 1, 1, 1 },
        { "incr", 2, RL_CMD_WRITE | RL_CMD_DENYOOM | RL_CMD_FAST, 1, 1, 1 },
        { "decr", 2, RL_CMD_WRITE | RL_CMD_DENYOOM | RL_CMD_FAST, 1, 1, 1 },
        { "incrby", 3, RL_CMD_WRITE | RL_CMD_DENYOOM | RL_CMD_FAST, 1, 1, 1 },
        { "decrby", 3, RL_CMD_WRITE | RL_CMD_DENYOOM | RL_CMD_FAST, 1, 1, 1 },
        { "incrbyfloat", 3, RL_CMD_WRITE | RL_CMD_DENYOOM | RL_CMD_FAST, 1, 1, 1 },
        { "lcs", -3, RL_CMD_READONLY, 1, 2, 1 },
    };
    rl_assert_command_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(get_should_reply_values_nil_and_arity_errors),
        cmocka_unit_test(set_should_honour_nx_xx_and_get),
        cmocka_unit_test(set_over_a_value_of_the_same_length_should_replace_it_whole),
        cmocka_unit_test(set_should_reject_conflicting_options),
        cmocka_unit_test(set_should_reject_invalid_expire_times),
        cmocka_unit_test(getex_should_parse_its_own_options),
        cmocka_unit_test(setnx_setex_psetex_getset_getdel_should_reply_like_redis),
        cmocka_unit_test(mget_mset_msetnx_should_handle_many_keys),
        cmocka_unit_test(append_should_create_and_extend_values),
        cmocka_unit_test(getrange_should_clamp_negative_and_large_indexes),
        cmocka_unit_test(setrange_should_pad_with_zeros_and_check_limits),
        cmocka_unit_test(incr_should_parse_strictly_and_detect_overflow),
        cmocka_unit_test(incrbyfloat_should_format_like_redis),
        cmocka_unit_test(lcs_should_reply_subsequence_length_and_ranges),
        cmocka_unit_test(lcs_should_reject_bad_options),
        cmocka_unit_test(string_commands_should_reject_other_types),
        cmocka_unit_test(set_should_compute_expiry_from_the_virtual_clock),
        cmocka_unit_test(ttl_should_be_kept_only_where_redis_keeps_it),
        cmocka_unit_test(getex_should_set_remove_or_expire_at_once),
        cmocka_unit_test(string_commands_should_have_redis_table_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
