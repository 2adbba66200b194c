/* Bitmap commands (bitops.c). Every expected reply below was read from
 * redis-server 7.0.15 running the same commands from an empty database. */
#include "test_common.h"

#include "commands.h"
#include "db.h"
#include "object.h"
#include "server.h"

/* A value of a type the bit commands must refuse: a dummy stream type owned
 * by the test, since the real other types live in other modules. */
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

static void setbit_should_grow_the_string_and_reply_the_old_bit(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":0\r\n", "setbit", "b", "7", "1");
    rl_assert_cmd(emu, "$1\r\n\001\r\n", "get", "b");
    rl_assert_cmd(emu, ":1\r\n", "setbit", "b", "7", "0");
    rl_assert_cmd(emu, ":0\r\n", "setbit", "b", "7", "1");
    rl_assert_cmd(emu, ":1\r\n", "setbit", "b", "7", "1");
    rl_assert_cmd(emu, ":0\r\n", "setbit", "b", "100", "1");
    rl_assert_cmd(emu, ":13\r\n", "strlen", "b");
    rl_assert_cmd(emu, "$13\r\n\001\000\000\000\000\000\000\000\000\000\000\000\010\r\n", "get",
                  "b");
    rl_assert_cmd(emu, ":1\r\n", "getbit", "b", "100");
    rl_assert_cmd(emu, ":0\r\n", "getbit", "b", "101");
    rl_assert_cmd(emu, ":1\r\n", "getbit", "b", "7");
    rl_assert_cmd(emu, ":0\r\n", "getbit", "b", "100000");
    rl_assert_cmd(emu, ":0\r\n", "getbit", "nokey", "5");
    rl_assert_cmd(emu, "+OK\r\n", "set", "num", "123");
    rl_assert_cmd(emu, ":1\r\n", "getbit", "num", "2");
    rl_assert_cmd(emu, ":1\r\n", "getbit", "num", "3");
    rl_assert_cmd(emu, ":1\r\n", "setbit", "num", "7", "1");
    rl_assert_cmd(emu, "$3\r\n123\r\n", "get", "num");
    rl_assert_cmd(emu, ":0\r\n", "setbit", "num", "0", "0");
    rl_test_free_emu(emu);
}

static void setbit_should_reject_bad_offsets_and_values(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "setbit", "b", "-1",
                  "1");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "setbit", "b",
                  "4294967296", "1");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "setbit", "b", "+1",
                  "1");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "setbit", "b",
                  "1.0", "1");
    rl_assert_cmd(emu, "-ERR bit is not an integer or out of range\r\n", "setbit", "b", "1", "2");
    rl_assert_cmd(emu, "-ERR bit is not an integer or out of range\r\n", "setbit", "b", "1", "-1");
    rl_assert_cmd(emu, "-ERR bit is not an integer or out of range\r\n", "setbit", "b", "1", "abc");
    rl_assert_cmd(emu, "-ERR bit is not an integer or out of range\r\n", "setbit", "b", "1", "");
    rl_assert_cmd(emu, "-ERR bit is not an integer or out of range\r\n", "setbit", "b", "1", "01");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "setbit", "b",
                  "abc", "x");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "getbit", "b",
                  "-1");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "getbit", "b",
                  "4294967296");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "getbit", "nokey",
                  "4294967296");
    rl_assert_cmd(emu, ":0\r\n", "getbit", "b", "4294967295");
    rl_assert_cmd(emu, ":0\r\n", "exists", "b");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'getbit' command\r\n", "getbit", "b");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'setbit' command\r\n", "setbit", "b",
                  "1");
    rl_test_free_emu(emu);
}

static void bitcount_should_count_byte_and_bit_ranges(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "foobar");
    rl_assert_cmd(emu, ":26\r\n", "bitcount", "s");
    rl_assert_cmd(emu, ":4\r\n", "bitcount", "s", "0", "0");
    rl_assert_cmd(emu, ":6\r\n", "bitcount", "s", "1", "1");
    rl_assert_cmd(emu, ":22\r\n", "bitcount", "s", "1", "-1");
    rl_assert_cmd(emu, ":7\r\n", "bitcount", "s", "-2", "-1");
    rl_assert_cmd(emu, ":0\r\n", "bitcount", "s", "-1", "-2");
    rl_assert_cmd(emu, ":26\r\n", "bitcount", "s", "-100", "100");
    rl_assert_cmd(emu, ":17\r\n", "bitcount", "s", "5", "30", "bit");
    rl_assert_cmd(emu, ":17\r\n", "bitcount", "s", "5", "30", "BIT");
    rl_assert_cmd(emu, ":4\r\n", "bitcount", "s", "5", "30", "byte");
    rl_assert_cmd(emu, ":0\r\n", "bitcount", "s", "7", "7", "bit");
    rl_assert_cmd(emu, ":4\r\n", "bitcount", "s", "1", "6", "bit");
    rl_assert_cmd(emu, ":1\r\n", "bitcount", "s", "9", "9", "bit");
    rl_assert_cmd(emu, ":1\r\n", "bitcount", "s", "-3", "-1", "bit");
    rl_assert_cmd(emu, ":26\r\n", "bitcount", "s", "-9223372036854775808", "9223372036854775807",
                  "bit");
    rl_assert_cmd(emu, ":26\r\n", "bitcount", "s", "0", "9223372036854775807");
    rl_assert_cmd(emu, ":0\r\n", "bitcount", "nokey");
    rl_assert_cmd(emu, "+OK\r\n", "set", "e", "");
    rl_assert_cmd(emu, ":0\r\n", "bitcount", "e");
    rl_assert_cmd(emu, ":0\r\n", "bitcount", "e", "0", "-1", "bit");
    rl_test_free_emu(emu);
}

static void bitcount_should_check_arguments_after_the_key(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "foobar");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "bitcount", "s", "0");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "bitcount", "s", "0", "1", "bit", "x");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "bitcount", "s", "5", "30", "bits");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "bitcount", "s", "a",
                  "1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "bitcount", "s", "1",
                  "a");
    rl_assert_cmd(emu, ":0\r\n", "bitcount", "s", "-1", "-5", "bogus");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "bitcount", "s", "1",
                  "a", "bogus");
    rl_assert_cmd(emu, ":0\r\n", "bitcount", "nokey", "0");
    rl_assert_cmd(emu, ":0\r\n", "bitcount", "nokey", "a", "b");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'bitcount' command\r\n", "bitcount");
    rl_test_free_emu(emu);
}

static void bitpos_should_find_bits_in_byte_and_bit_ranges(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    {
        const char *argv[] = { "set", "z", "\377\360\000" };
        size_t lens[] = { 3, 1, 3 };
        rl_assert_resp(rl_emu_call(emu, 3, argv, lens), "+OK\r\n");
    }
    rl_assert_cmd(emu, ":12\r\n", "bitpos", "z", "0");
    rl_assert_cmd(emu, ":0\r\n", "bitpos", "z", "1");
    rl_assert_cmd(emu, ":12\r\n", "bitpos", "z", "0", "0");
    rl_assert_cmd(emu, ":16\r\n", "bitpos", "z", "0", "2");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "z", "0", "3");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "z", "1", "2");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "z", "1", "2", "-1");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "z", "0", "0", "0");
    rl_assert_cmd(emu, ":12\r\n", "bitpos", "z", "0", "0", "1");
    rl_assert_cmd(emu, ":0\r\n", "bitpos", "z", "1", "0", "-1", "bit");
    rl_assert_cmd(emu, ":12\r\n", "bitpos", "z", "0", "0", "-1", "bit");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "z", "0", "5", "10", "bit");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "z", "1", "13", "20", "bit");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "z", "1", "12", "20", "bit");
    rl_assert_cmd(emu, ":3\r\n", "bitpos", "z", "1", "3", "3", "bit");
    rl_assert_cmd(emu, ":12\r\n", "bitpos", "z", "0", "12", "12", "bit");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "z", "0", "7", "7", "bit");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "bitpos", "z", "0", "4",
                  "bit");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "bitpos", "z", "1", "16",
                  "bit");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "bitpos", "z", "0", "-3",
                  "bit");
    {
        const char *argv[] = { "set", "ones", "\377\377\377" };
        size_t lens[] = { 3, 4, 3 };
        rl_assert_resp(rl_emu_call(emu, 3, argv, lens), "+OK\r\n");
    }
    rl_assert_cmd(emu, ":24\r\n", "bitpos", "ones", "0");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "ones", "0", "0", "-1");
    rl_assert_cmd(emu, ":24\r\n", "bitpos", "ones", "0", "1");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "ones", "0", "3", "20", "bit");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "bitpos", "ones", "0",
                  "3", "bit");
    {
        const char *argv[] = { "set", "zero", "\000\000\000" };
        size_t lens[] = { 3, 4, 3 };
        rl_assert_resp(rl_emu_call(emu, 3, argv, lens), "+OK\r\n");
    }
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "zero", "1");
    rl_assert_cmd(emu, ":0\r\n", "bitpos", "zero", "0");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "bitpos", "zero", "1",
                  "5", "bit");
    rl_assert_cmd(emu, ":0\r\n", "bitpos", "nokey", "0");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "nokey", "1");
    rl_assert_cmd(emu, "+OK\r\n", "set", "e", "");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "e", "0");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "e", "1");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "e", "0", "0", "-1");
    {
        const char *argv[] = {
            "set", "big",
            "\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000"
            "\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\001\377"
            "\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377"
            "\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377"
        };
        size_t lens[] = { 3, 3, 81 };
        rl_assert_resp(rl_emu_call(emu, 3, argv, lens), "+OK\r\n");
    }
    rl_assert_cmd(emu, ":327\r\n", "bitpos", "big", "1");
    rl_assert_cmd(emu, ":648\r\n", "bitpos", "big", "0", "41");
    rl_assert_cmd(emu, ":327\r\n", "bitpos", "big", "1", "3", "330", "bit");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "bitpos", "big", "0",
                  "328", "bit");
    rl_test_free_emu(emu);
}

static void bitpos_should_check_arguments_like_redis(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    {
        const char *argv[] = { "set", "z", "\377\360\000" };
        size_t lens[] = { 3, 1, 3 };
        rl_assert_resp(rl_emu_call(emu, 3, argv, lens), "+OK\r\n");
    }
    rl_assert_cmd(emu, "-ERR The bit argument must be 1 or 0.\r\n", "bitpos", "z", "2");
    rl_assert_cmd(emu, "-ERR The bit argument must be 1 or 0.\r\n", "bitpos", "z", "-1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "bitpos", "z", "a");
    rl_assert_cmd(emu, "-ERR The bit argument must be 1 or 0.\r\n", "bitpos", "nokey", "2");
    rl_assert_cmd(emu, ":-1\r\n", "bitpos", "nokey", "1", "a");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "bitpos", "z", "0", "a");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "bitpos", "z", "0", "0", "-1", "bits");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "bitpos", "z", "0", "0", "a", "bits");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "bitpos", "z", "0", "0",
                  "a", "bit");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "bitpos", "z", "0", "0", "1", "bit", "x");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'bitpos' command\r\n", "bitpos", "z");
    rl_test_free_emu(emu);
}

static void bitop_should_combine_pad_and_delete_empty_results(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "set", "k1", "foobar");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k2", "abcdef");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k3", "\017");
    rl_assert_cmd(emu, ":6\r\n", "bitop", "and", "dest", "k1", "k2");
    rl_assert_cmd(emu, "$6\r\n`bc`ab\r\n", "get", "dest");
    rl_assert_cmd(emu, ":6\r\n", "bitop", "or", "dest", "k1", "k2");
    rl_assert_cmd(emu, "$6\r\ngoofev\r\n", "get", "dest");
    rl_assert_cmd(emu, ":6\r\n", "bitop", "xor", "dest", "k1", "k2", "k3");
    rl_assert_cmd(emu, "$6\r\n\010\r\014\006\004\024\r\n", "get", "dest");
    rl_assert_cmd(emu, ":1\r\n", "bitop", "not", "dest", "k3");
    rl_assert_cmd(emu, "$1\r\n\360\r\n", "get", "dest");
    rl_assert_cmd(emu, ":6\r\n", "bitop", "AND", "dest", "k1", "nokey");
    rl_assert_cmd(emu, "$6\r\n\000\000\000\000\000\000\r\n", "get", "dest");
    rl_assert_cmd(emu, ":6\r\n", "bitop", "or", "dest", "k3", "nokey", "k1");
    rl_assert_cmd(emu, "$6\r\nooobar\r\n", "get", "dest");
    rl_assert_cmd(emu, ":0\r\n", "bitop", "not", "dest", "nokey");
    rl_assert_cmd(emu, ":0\r\n", "exists", "dest");
    rl_assert_cmd(emu, "+OK\r\n", "set", "dest", "y");
    rl_assert_cmd(emu, ":0\r\n", "bitop", "and", "dest", "nokey", "nokey2");
    rl_assert_cmd(emu, ":0\r\n", "exists", "dest");
    rl_assert_cmd(emu, ":6\r\n", "bitop", "and", "k1", "k1", "k2");
    rl_assert_cmd(emu, "$6\r\n`bc`ab\r\n", "get", "k1");
    rl_assert_cmd(emu, "-ERR BITOP NOT must be called with a single source key.\r\n", "bitop",
                  "not", "dest", "k1", "k2");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "bitop", "nand", "dest", "k1");
    {
        const char *argv[] = { "bitop", "or\000x", "dest", "k2" };
        size_t lens[] = { 5, 4, 4, 2 };
        rl_assert_resp(rl_emu_call(emu, 4, argv, lens), ":6\r\n");
    }
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'bitop' command\r\n", "bitop", "or",
                  "dest");
    rl_test_free_emu(emu);
}

static void bitfield_should_get_set_and_incrby_with_overflow(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*1\r\n:0\r\n", "bitfield", "bf", "set", "i8", "0", "100");
    rl_assert_cmd(emu, "*1\r\n:100\r\n", "bitfield", "bf", "get", "i8", "0");
    rl_assert_cmd(emu, "*1\r\n:-56\r\n", "bitfield", "bf", "incrby", "i8", "0", "100");
    rl_assert_cmd(emu, "*1\r\n:44\r\n", "bitfield", "bf", "overflow", "sat", "incrby", "i8", "0",
                  "100");
    rl_assert_cmd(emu, "*1\r\n$-1\r\n", "bitfield", "bf", "overflow", "fail", "incrby", "i8", "0",
                  "100");
    rl_assert_cmd(emu, "*1\r\n:-112\r\n", "bitfield", "bf", "overflow", "wrap", "incrby", "i8", "0",
                  "100");
    rl_assert_cmd(emu, "*2\r\n:144\r\n:255\r\n", "bitfield", "bf", "set", "u8", "0", "255", "get",
                  "u8", "0");
    rl_assert_cmd(emu, "*1\r\n:9\r\n", "bitfield", "bf", "incrby", "u8", "0", "10");
    rl_assert_cmd(emu, "*2\r\n:0\r\n:0\r\n", "bitfield", "bf", "overflow", "sat", "incrby", "u8",
                  "0", "-100", "incrby", "u8", "0", "-100");
    rl_assert_cmd(emu, "*1\r\n$-1\r\n", "bitfield", "bf", "overflow", "fail", "incrby", "u8", "0",
                  "-100");
    rl_assert_cmd(emu, "*2\r\n:0\r\n:255\r\n", "bitfield", "bf", "overflow", "sat", "set", "u8",
                  "0", "300", "get", "u8", "0");
    rl_assert_cmd(emu, "*2\r\n:255\r\n:255\r\n", "bitfield", "bf", "overflow", "sat", "set", "u8",
                  "0", "-1", "get", "u8", "0");
    rl_assert_cmd(emu, "*2\r\n$-1\r\n:255\r\n", "bitfield", "bf", "overflow", "fail", "set", "u8",
                  "0", "-1", "get", "u8", "0");
    rl_assert_cmd(emu, "*2\r\n:-1\r\n:-56\r\n", "bitfield", "bf", "set", "i8", "0", "200", "get",
                  "i8", "0");
    rl_assert_cmd(emu, "*2\r\n:-56\r\n:-128\r\n", "bitfield", "bf", "overflow", "sat", "set", "i8",
                  "0", "-200", "get", "i8", "0");
    rl_assert_cmd(
        emu,
        "*4\r\n:-9223372036854775808\r\n:-1\r\n:9223372036854775807\r\n:9223372036854775807\r\n",
        "bitfield", "bf", "set", "i64", "0", "-1", "get", "i64", "0", "get", "u63", "0", "get",
        "u63", "1");
    rl_assert_cmd(emu, "*2\r\n:-1\r\n:-9223372036854775808\r\n", "bitfield", "bf", "set", "i64",
                  "0", "9223372036854775807", "incrby", "i64", "0", "1");
    rl_assert_cmd(emu, "*2\r\n:-9223372036854775808\r\n:-9223372036854775808\r\n", "bitfield", "bf",
                  "overflow", "sat", "incrby", "i64", "0", "-9223372036854775808", "incrby", "i64",
                  "0", "-9223372036854775808");
    rl_assert_cmd(emu, "*1\r\n$-1\r\n", "bitfield", "bf", "overflow", "fail", "incrby", "i64", "0",
                  "-1");
    rl_assert_cmd(emu, "*2\r\n:4611686018427387904\r\n:0\r\n", "bitfield", "bf", "set", "u63", "0",
                  "9223372036854775807", "incrby", "u63", "0", "1");
    rl_assert_cmd(emu, "*1\r\n:9223372036854775807\r\n", "bitfield", "bf", "overflow", "sat",
                  "incrby", "u63", "0", "9223372036854775807");
    rl_assert_cmd(emu, "*1\r\n:9223372036854775807\r\n", "bitfield", "bf", "overflow", "wrap",
                  "incrby", "u63", "0", "-9223372036854775808");
    rl_assert_cmd(emu, "*4\r\n:-1\r\n:-7\r\n:25\r\n:1\r\n", "bitfield", "bf", "set", "i5", "3",
                  "-7", "get", "i5", "3", "get", "u5", "3", "get", "u3", "5");
    rl_assert_cmd(emu, "*3\r\n$-1\r\n$-1\r\n:-7\r\n", "bitfield", "bf", "overflow", "fail",
                  "incrby", "i5", "3", "100", "incrby", "i5", "3", "-100", "get", "i5", "3");
    rl_assert_cmd(emu, "*4\r\n:1\r\n:1\r\n:0\r\n:1\r\n", "bitfield", "bf", "set", "u1", "7", "1",
                  "get", "u1", "7", "incrby", "u1", "7", "1", "overflow", "sat", "incrby", "u1",
                  "7", "5");
    rl_assert_cmd(emu, "*4\r\n:-1\r\n:5\r\n:63749\r\n:5\r\n", "bitfield", "bf", "set", "i8", "#1",
                  "5", "get", "i8", "#1", "get", "u16", "#0", "get", "u8", "8");
    rl_assert_cmd(emu, "$8\r\n\371\005\377\377\377\377\377\376\r\n", "get", "bf");
    rl_assert_cmd(emu, "*2\r\n:0\r\n:0\r\n", "bitfield", "nokey", "get", "i8", "0", "get", "u4",
                  "100");
    rl_assert_cmd(emu, ":0\r\n", "exists", "nokey");
    rl_assert_cmd(emu, "*1\r\n$-1\r\n", "bitfield", "nokey", "overflow", "fail", "incrby", "u8",
                  "100", "300");
    rl_assert_cmd(emu, "$14\r\n\000\000\000\000\000\000\000\000\000\000\000\000\000\000\r\n", "get",
                  "nokey");
    rl_assert_cmd(emu, "*0\r\n", "bitfield", "bf");
    rl_assert_cmd(emu, "*0\r\n", "bitfield", "bf", "overflow", "SAT");
    rl_assert_cmd(emu, "+OK\r\n", "set", "num", "123");
    rl_assert_cmd(emu, "*4\r\n:49\r\n:50\r\n:51\r\n:0\r\n", "bitfield", "num", "get", "u8", "0",
                  "get", "u8", "8", "get", "u8", "16", "get", "u8", "24");
    rl_test_free_emu(emu);
}

static void bitfield_should_parse_types_and_offsets_like_redis(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "bitfield", "bf",
                  "get", "i8", "#");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "bitfield", "bf",
                  "get", "i8", "#-1");
    rl_assert_cmd(emu, "*1\r\n:0\r\n", "bitfield", "bf", "get", "i8", "#536870911");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "bitfield", "bf",
                  "get", "i8", "#536870912");
    rl_assert_cmd(emu, "*1\r\n:0\r\n", "bitfield", "bf", "get", "i64", "#67108863");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "bitfield", "bf",
                  "get", "i64", "#67108864");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "bitfield", "bf",
                  "get", "i64", "#144115188075855872");
    rl_assert_cmd(emu, "*1\r\n:0\r\n", "bitfield", "bf", "get", "i8", "4294967295");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "bitfield", "bf",
                  "get", "i8", "4294967296");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "bitfield", "bf",
                  "get", "i8", "-1");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "bitfield", "bf",
                  "get", "i8", "a");
    rl_assert_cmd(emu,
                  "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
                  "supported but i64 is.\r\n",
                  "bitfield", "bf", "get", "i0", "0");
    rl_assert_cmd(emu,
                  "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
                  "supported but i64 is.\r\n",
                  "bitfield", "bf", "get", "i65", "0");
    rl_assert_cmd(emu,
                  "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
                  "supported but i64 is.\r\n",
                  "bitfield", "bf", "get", "u64", "0");
    rl_assert_cmd(emu, "*1\r\n:0\r\n", "bitfield", "bf", "get", "u63", "0");
    rl_assert_cmd(emu,
                  "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
                  "supported but i64 is.\r\n",
                  "bitfield", "bf", "get", "I8", "0");
    rl_assert_cmd(emu,
                  "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
                  "supported but i64 is.\r\n",
                  "bitfield", "bf", "get", "", "0");
    rl_assert_cmd(emu,
                  "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
                  "supported but i64 is.\r\n",
                  "bitfield", "bf", "get", "i", "0");
    rl_assert_cmd(emu,
                  "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
                  "supported but i64 is.\r\n",
                  "bitfield", "bf", "get", "i+8", "0");
    {
        const char *argv[] = { "bitfield", "bf", "get", "i8\000x", "0" };
        size_t lens[] = { 8, 2, 3, 4, 1 };
        rl_assert_resp(rl_emu_call(emu, 5, argv, lens), "*1\r\n:0\r\n");
    }
    {
        const char *argv[] = { "bitfield", "bf", "GET\000x", "i8", "0" };
        size_t lens[] = { 8, 2, 5, 2, 1 };
        rl_assert_resp(rl_emu_call(emu, 5, argv, lens), "*1\r\n:0\r\n");
    }
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "bitfield", "bf", "get", "i8");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "bitfield", "bf", "set", "i8", "0");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "bitfield", "bf", "set",
                  "i8", "0", "a");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "bitfield", "bf",
                  "incrby", "i8", "0", "1.5");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "bitfield", "bf", "overflow");
    rl_assert_cmd(emu, "-ERR Invalid OVERFLOW type specified\r\n", "bitfield", "bf", "overflow",
                  "bad");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "bitfield", "bf", "bogus");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "bitfield", "bf", "get", "i8", "0", "bogus");
    rl_assert_cmd(emu,
                  "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
                  "supported but i64 is.\r\n",
                  "bitfield", "bf", "set", "x8", "0", "1", "overflow", "bad");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'bitfield' command\r\n", "bitfield");
    rl_test_free_emu(emu);
}

static void bitfield_ro_should_only_run_get(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "set", "bf", "abc");
    rl_assert_cmd(emu, "*2\r\n:97\r\n:0\r\n", "bitfield_ro", "bf", "get", "i8", "0", "get", "u4",
                  "3");
    rl_assert_cmd(emu, "-ERR BITFIELD_RO only supports the GET subcommand\r\n", "bitfield_ro", "bf",
                  "set", "i8", "0", "1");
    rl_assert_cmd(emu, "-ERR BITFIELD_RO only supports the GET subcommand\r\n", "bitfield_ro", "bf",
                  "incrby", "i8", "0", "1");
    rl_assert_cmd(emu,
                  "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
                  "supported but i64 is.\r\n",
                  "bitfield_ro", "bf", "set", "i8", "0", "1", "get", "x8", "0");
    rl_assert_cmd(emu, "*0\r\n", "bitfield_ro", "bf", "overflow", "sat");
    rl_assert_cmd(emu, "*0\r\n", "bitfield_ro", "bf");
    rl_assert_cmd(emu, "*1\r\n:0\r\n", "bitfield_ro", "nokey", "get", "i8", "0");
    rl_assert_cmd(emu, ":0\r\n", "exists", "nokey");
    rl_assert_cmd(emu, "$3\r\nabc\r\n", "get", "bf");
    rl_test_free_emu(emu);
}

static void bit_commands_should_reject_other_types(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    add_foreign_key(emu, "w");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "setbit", "w", "0", "1");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "setbit", "w", "-1",
                  "1");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "getbit", "w", "0");
    rl_assert_cmd(emu, "-ERR bit offset is not an integer or out of range\r\n", "getbit", "w", "x");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "bitcount", "w");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "bitcount", "w", "a", "b");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "bitpos", "w", "1");
    rl_assert_cmd(emu, "-ERR The bit argument must be 1 or 0.\r\n", "bitpos", "w", "2");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "bitop", "and", "d", "k", "w");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "bitop", "not", "d", "w");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "bitfield", "w", "get", "i8", "0");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "bitfield", "w", "set", "i8", "0", "1");
    rl_assert_cmd(emu,
                  "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
                  "supported but i64 is.\r\n",
                  "bitfield", "w", "get", "x8", "0");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "bitfield_ro", "w", "get", "i8", "0");
    rl_assert_cmd(emu, "-ERR BITFIELD_RO only supports the GET subcommand\r\n", "bitfield_ro", "w",
                  "set", "i8", "0", "1");
    rl_assert_cmd(emu, ":0\r\n", "bitop", "or", "w", "k");
    rl_assert_cmd(emu, ":0\r\n", "exists", "w");
    rl_test_free_emu(emu);
}

static void bitop_should_keep_no_ttl_on_the_destination(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "set", "dest", "x", "px", "100000");
    rl_assert_cmd(emu, "+OK\r\n", "set", "src", "ab");
    rl_assert_cmd(emu, ":2\r\n", "bitop", "or", "dest", "src");
    assert_int_equal(rl_db_get_expire(emu, &emu->db[0], "dest", 4), -1);
    /* SETBIT and BITFIELD change the value in place and keep it. */
    rl_assert_cmd(emu, ":1\r\n", "pexpire", "src", "100000");
    rl_assert_cmd(emu, ":0\r\n", "setbit", "src", "100", "1");
    rl_assert_cmd(emu, "*1\r\n:0\r\n", "bitfield", "src", "set", "u8", "200", "7");
    assert_int_equal(rl_db_get_expire(emu, &emu->db[0], "src", 3), rl_emu_clock_ms(emu) + 100000);
    rl_test_free_emu(emu);
}

static void bit_commands_should_have_redis_table_rows(void **state)
{
    (void)state;
    static const rl_test_row rows[] = {
        { "setbit", 4, RL_CMD_WRITE | RL_CMD_DENYOOM, 1, 1, 1 },
        { "getbit", 3, RL_CMD_READONLY | RL_CMD_FAST, 1, 1, 1 },
        { "bitcount", -2, RL_CMD_READONLY, 1, 1, 1 },
        { "bitpos", -3, RL_CMD_READONLY, 1, 1, 1 },
        { "bitop", -4, RL_CMD_WRITE | RL_CMD_DENYOOM, 2, -1, 1 },
        { "bitfield", -2, RL_CMD_WRITE | RL_CMD_DENYOOM, 1, 1, 1 },
        { "bitfield_ro", -2, RL_CMD_READONLY | RL_CMD_FAST, 1, 1, 1 },
    };
    rl_assert_command_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(setbit_should_grow_the_string_and_reply_the_old_bit),
        cmocka_unit_test(setbit_should_reject_bad_offsets_and_values),
        cmocka_unit_test(bitcount_should_count_byte_and_bit_ranges),
        cmocka_unit_test(bitcount_should_check_arguments_after_the_key),
        cmocka_unit_test(bitpos_should_find_bits_in_byte_and_bit_ranges),
        cmocka_unit_test(bitpos_should_check_arguments_like_redis),
        cmocka_unit_test(bitop_should_combine_pad_and_delete_empty_results),
        cmocka_unit_test(bitfield_should_get_set_and_incrby_with_overflow),
        cmocka_unit_test(bitfield_should_parse_types_and_offsets_like_redis),
        cmocka_unit_test(bitfield_ro_should_only_run_get),
        cmocka_unit_test(bit_commands_should_reject_other_types),
        cmocka_unit_test(bitop_should_keep_no_ttl_on_the_destination),
        cmocka_unit_test(bit_commands_should_have_redis_table_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
