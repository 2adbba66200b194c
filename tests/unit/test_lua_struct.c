/* The struct library (lua_struct.c), struct 1.7 as Redis 7.0 ships it.
 * Built and run once per Lua engine. Every expected reply was read from
 * redis-server 7.0.15 (Debian 7.0.15-1~deb12u10) running the same scripts in
 * order; packed strings are shown as hex so the replies stay readable. */
#include "test_common.h"

#include <string.h>

static void struct_pack_should_write_integers_in_either_order(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$2\r\nff\r\n", "EVAL",
                  "local s = struct.pack('b', -1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$2\r\n00\r\n", "EVAL",
                  "local s = struct.pack('B', 256) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$4\r\nfffe\r\n", "EVAL",
                  "local s = struct.pack('>h', -2) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$4\r\n0201\r\n", "EVAL",
                  "local s = struct.pack('<H', 258) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$16\r\n0000000000000001\r\n", "EVAL",
                  "local s = struct.pack('>l', 1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$16\r\n0500000000000000\r\n", "EVAL",
                  "local s = struct.pack('T', 5) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$8\r\n01000000\r\n", "EVAL",
                  "local s = struct.pack('i', 1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$6\r\nffffff\r\n", "EVAL",
                  "local s = struct.pack('>i3', -1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$6\r\n000080\r\n", "EVAL",
                  "local s = struct.pack('<i3', 2^23) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$8\r\n00000000\r\n", "EVAL",
                  "local s = struct.pack('>I4', 2^32) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$8\r\nffffffff\r\n", "EVAL",
                  "local s = struct.pack('>I4', -1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$16\r\n8000000000000000\r\n", "EVAL",
                  "local s = struct.pack('>i8', -2^63) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$20\r\nffffffffffffffff0000\r\n", "EVAL",
                  "local s = struct.pack('<i10', -1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$32\r\n0000000000000000fffffffffffffffe\r\n", "EVAL",
                  "local s = struct.pack('>i16', -2) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$0\r\n\r\n", "EVAL",
                  "local s = struct.pack('>i0', 5) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$8\r\n01000000\r\n", "EVAL",
                  "local s = struct.pack('i', 1.9) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$8\r\nffffffff\r\n", "EVAL",
                  "local s = struct.pack('i', -1.9) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$8\r\n0000000c\r\n", "EVAL",
                  "local s = struct.pack('>i', '12') return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(
        emu, "$8\r\n01020304\r\n", "EVAL",
        "local s = struct.pack('bbbb', 1, 2, 3, 4) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(emu, "$8\r\n01000001\r\n", "EVAL",
                  "local s = struct.pack('<I2>I2', 1, 1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_test_free_emu(emu);
}

static void struct_pack_should_wrap_out_of_range_numbers_as_x86_64(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$16\r\n8000000000000000\r\n", "EVAL",
                  "local s = struct.pack('>I8', 0/0) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$16\r\n0000000000000000\r\n", "EVAL",
                  "local s = struct.pack('>I8', 2^64) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$16\r\n0000000000000000\r\n", "EVAL",
                  "local s = struct.pack('>I8', 1/0) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$16\r\n8000000000000000\r\n", "EVAL",
                  "local s = struct.pack('>i8', -1/0) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$16\r\n8000000000000000\r\n", "EVAL",
                  "local s = struct.pack('>i8', -2^64) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(
        emu, "$16\r\n8000000000100000\r\n", "EVAL",
        "local s = struct.pack('>I8', 2^63 + 2^20) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(emu, "$8\r\n00000005\r\n", "EVAL",
                  "local s = struct.pack('>i4', 2^40 + 5) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$32\r\n00000000000000000000000000000000\r\n", "EVAL",
                  "local s = struct.pack('>I16', 2^70) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$2\r\n2c\r\n", "EVAL",
                  "local s = struct.pack('>I1', 300) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_test_free_emu(emu);
}

static void struct_pack_should_write_floats_strings_and_padding(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$8\r\n3fc00000\r\n", "EVAL",
                  "local s = struct.pack('>f', 1.5) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$8\r\n3dcccccd\r\n", "EVAL",
                  "local s = struct.pack('>f', 0.1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$8\r\n7f800000\r\n", "EVAL",
                  "local s = struct.pack('>f', 1e39) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$8\r\nff800000\r\n", "EVAL",
                  "local s = struct.pack('>f', -1e39) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(
        emu, "$8\r\n7f800000\r\n", "EVAL",
        "local s = struct.pack('>f', 3.4028235677973366e38) return (s:gsub('.', function(c) "
        "return string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(emu, "$8\r\n00000000\r\n", "EVAL",
                  "local s = struct.pack('>f', 1e-46) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$16\r\n3fb999999999999a\r\n", "EVAL",
                  "local s = struct.pack('>d', 0.1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$16\r\n8000000000000000\r\n", "EVAL",
                  "local s = struct.pack('>d', -0.0) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$16\r\n000000000000f07f\r\n", "EVAL",
                  "local s = struct.pack('<d', 1/0) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(
        emu, "$2\r\n00\r\n", "EVAL",
        "local s = struct.pack('x') return (s:gsub('.', function(c) return string.format('%02x', "
        "c:byte()) end))",
        "0");
    rl_assert_cmd(emu, "$6\r\n000001\r\n", "EVAL",
                  "local s = struct.pack('xxb', 1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$2\r\n61\r\n", "EVAL",
                  "local s = struct.pack('c', 'abc') return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$6\r\n616263\r\n", "EVAL",
                  "local s = struct.pack('c3', 'abcdef') return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$10\r\n68656c6c6f\r\n", "EVAL",
                  "local s = struct.pack('c0', 'hello') return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$0\r\n\r\n", "EVAL",
                  "local s = struct.pack('c0', '') return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$6\r\n686900\r\n", "EVAL",
                  "local s = struct.pack('s', 'hi') return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$8\r\n61006200\r\n", "EVAL",
                  "local s = struct.pack('s', 'a\\0b') return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$8\r\n61006200\r\n", "EVAL",
                  "local s = struct.pack('ss', 'a', 'b') return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$2\r\n35\r\n", "EVAL",
                  "local s = struct.pack('c', 5) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$4\r\n0178\r\n", "EVAL",
                  "local s = struct.pack('b c', 1, 'x') return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_test_free_emu(emu);
}

static void struct_pack_should_align_with_bang(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$8\r\n01000200\r\n", "EVAL",
                  "local s = struct.pack('!bh', 1, 2) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$16\r\n0100000002000000\r\n", "EVAL",
                  "local s = struct.pack('!4bi', 1, 2) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$32\r\n01000000000000000000000000000040\r\n", "EVAL",
                  "local s = struct.pack('!8bd', 1, 2) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$12\r\n010002000000\r\n", "EVAL",
                  "local s = struct.pack('!2bi', 1, 2) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$12\r\n010000020000\r\n", "EVAL",
                  "local s = struct.pack('!bi3', 1, 2) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$12\r\n010000020000\r\n", "EVAL",
                  "local s = struct.pack('!4bi3', 1, 2) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$32\r\n01000000000000000200000000000000\r\n", "EVAL",
                  "local s = struct.pack('!bl', 1, 2) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$32\r\n01000000000000000000000000000040\r\n", "EVAL",
                  "local s = struct.pack('!16bd', 1, 2) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(
        emu, "$16\r\n0161626302000000\r\n", "EVAL",
        "local s = struct.pack('!4bc3i', 1, 'abc', 2) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu, "$16\r\n0161620002000000\r\n", "EVAL",
        "local s = struct.pack('!4bsi', 1, 'ab', 2) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu, "$20\r\n01000000000000020300\r\n", "EVAL",
        "local s = struct.pack('!4b>i<h', 1, 2, 3) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(emu, "$8\r\n61000700\r\n", "EVAL",
                  "local s = struct.pack('c1x!2i2', 'a', 7) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_test_free_emu(emu);
}

static void struct_pack_should_report_format_and_argument_errors(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'pack' (invalid format option 'q') script: "
        "0bbff53fbc48c8003010bf788415ecb3e82058d6, on @user_script:1.\r\n",
        "EVAL",
        "local s = struct.pack('q', 1) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'pack' (invalid format option '?') script: "
        "244693605cf98dc4893f4d92a717afe5551ed50e, on @user_script:1.\r\n",
        "EVAL",
        "local s = struct.pack('?', 1) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'pack' (invalid format option '\310') script: "
        "026c385b8ab189ae0caaa7d06a84472c3f4d92cb, on @user_script:1.\r\n",
        "EVAL",
        "local s = struct.pack('\\200', 1) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: integral size 33 is larger than limit of 32 script: "
                  "4535fe5819b66d2c992bc27dc945bbc06293b3ba, on @user_script:1.\r\n",
                  "EVAL",
                  "local s = struct.pack('i33', 1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: integral size overflow script: "
                  "8b930eedf376346406792a55ada60a7930ca3d75, on @user_script:1.\r\n",
                  "EVAL",
                  "local s = struct.pack('i99999999999', 1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: alignment 3 is not a power of 2 script: "
                  "021b5c5386d0cc4b4d587cba8f9ad89e24d1bde3, on @user_script:1.\r\n",
                  "EVAL",
                  "local s = struct.pack('!3bi', 1, 2) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: alignment 0 is not a power of 2 script: "
                  "4295ca1960a97098a29464a041b1afed5a1a668f, on @user_script:1.\r\n",
                  "EVAL",
                  "local s = struct.pack('!0bi', 1, 2) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: integral size overflow script: "
                  "667606753156dce28f8e82845a57487503c094c3, on @user_script:1.\r\n",
                  "EVAL",
                  "local s = struct.pack('!99999999999') return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #3 to 'pack' (string too short) script: "
                  "f1729f3f75838033782f3dd982cc148fc5df170f, on @user_script:1.\r\n",
                  "EVAL",
                  "local s = struct.pack('c5', 'ab') return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'pack' (invalid format option '5') script: "
        "7e07f354d241acfbe237ae57770b396e89c5e445, on @user_script:1.\r\n",
        "EVAL",
        "local s = struct.pack('s5', 'hi') return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'pack' (number expected, got string) script: "
        "bd1286cb4181798778c715e8bb592dfa9649b1f7, on @user_script:1.\r\n",
        "EVAL",
        "local s = struct.pack('i', 'x') return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'pack' (number expected, got nil) script: "
        "a9a076e281869e4b8ec1032ee93e8301ffadb2b2, on @user_script:1.\r\n",
        "EVAL",
        "local s = struct.pack('i') return (s:gsub('.', function(c) return string.format('%02x', "
        "c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'pack' (number expected, got table) script: "
        "e19d65329ea84b1221fbb7ea54f76b3099b94b0f, on @user_script:1.\r\n",
        "EVAL",
        "local s = struct.pack('i', {}) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'pack' (string expected, got table) script: "
        "90c85fb57e36fc75a2da6078d872fcc0b7f5e66a, on @user_script:1.\r\n",
        "EVAL",
        "local s = struct.pack('c', {}) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #4 to 'pack' (number expected, got nil) script: "
        "c7a6adc0ba4406e1bfc66869182b4a06179bbab7, on @user_script:1.\r\n",
        "EVAL",
        "local s = struct.pack('bbbb', 1, 2) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'pack' (string expected, got no value) script: "
        "c9b8aed4f0633591e6252db264bf8b86b82828d5, on @user_script:1.\r\n",
        "EVAL", "return struct.pack()", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'pack' (invalid format option '1') script: "
        "1e6f677941d2e400128bbd862a35df6cc2b3a05e, on @user_script:1.\r\n",
        "EVAL", "return struct.pack(12, 1)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'pack' (string expected, got table) script: "
        "48dc0e53c764beb8b4d41783496584bb97e5f764, on @user_script:1.\r\n",
        "EVAL", "return struct.pack({})", "0");
    rl_test_free_emu(emu);
}

static void struct_unpack_should_read_values_and_the_next_position(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*2\r\n:-1\r\n:2\r\n", "EVAL", "return {struct.unpack('b', '\\255')}", "0");
    rl_assert_cmd(emu, "*2\r\n:255\r\n:2\r\n", "EVAL", "return {struct.unpack('B', '\\255')}", "0");
    rl_assert_cmd(emu, "*2\r\n:-2\r\n:3\r\n", "EVAL", "return {struct.unpack('>h', '\\255\\254')}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n:-257\r\n:3\r\n", "EVAL",
                  "return {struct.unpack('<h', '\\255\\254')}", "0");
    rl_assert_cmd(emu, "*2\r\n:1\r\n:3\r\n", "EVAL", "return {struct.unpack('>I2', '\\0\\1')}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n:-1\r\n:4\r\n", "EVAL",
                  "return {struct.unpack('>i3', '\\255\\255\\255')}", "0");
    rl_assert_cmd(emu, "*2\r\n:16777215\r\n:4\r\n", "EVAL",
                  "return {struct.unpack('>I3', '\\255\\255\\255')}", "0");
    rl_assert_cmd(emu, "*2\r\n:-1\r\n:9\r\n", "EVAL",
                  "return {struct.unpack('>l', string.rep('\\255', 8))}", "0");
    rl_assert_cmd(emu, "*2\r\n:-9223372036854775808\r\n:9\r\n", "EVAL",
                  "return {struct.unpack('>L', string.rep('\\255', 8))}", "0");
    rl_assert_cmd(emu, "*2\r\n:-1\r\n:11\r\n", "EVAL",
                  "return {struct.unpack('<i10', string.rep('\\255', 10))}", "0");
    rl_assert_cmd(emu, "*2\r\n:-9223372036854775808\r\n:11\r\n", "EVAL",
                  "return {struct.unpack('<I10', string.rep('\\255', 10))}", "0");
    rl_assert_cmd(emu, "*2\r\n:0\r\n:10\r\n", "EVAL",
                  "return {struct.unpack('>i9', '\\128' .. string.rep('\\0', 8))}", "0");
    rl_assert_cmd(emu, "*2\r\n:-128\r\n:10\r\n", "EVAL",
                  "return {struct.unpack('>i9', '\\0\\128' .. string.rep('\\0', 7))}", "0");
    rl_assert_cmd(emu, "*2\r\n:1\r\n:5\r\n", "EVAL",
                  "return {struct.unpack('>f', '\\63\\192\\0\\0')}", "0");
    rl_assert_cmd(emu, "*2\r\n:1\r\n:5\r\n", "EVAL",
                  "return {struct.unpack('<f', '\\0\\0\\192\\63')}", "0");
    rl_assert_cmd(emu, "*2\r\n:0\r\n:9\r\n", "EVAL",
                  "return {struct.unpack('>d', '\\63\\185\\153\\153\\153\\153\\153\\154')}", "0");
    rl_assert_cmd(emu, "*2\r\n$3\r\nnan\r\n:5\r\n", "EVAL",
                  "local a, n = struct.unpack('>f', '\\127\\192\\0\\0') return {tostring(a), n}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n$3\r\nabc\r\n:4\r\n", "EVAL",
                  "return {struct.unpack('c3', 'abcdef')}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: format 'c0' needs a previous size script: "
                  "b3fd8e7c8bb6ee20854fafea5b84014791ec5cf5, on @user_script:1.\r\n",
                  "EVAL", "return {struct.unpack('c0', 'abc')}", "0");
    rl_assert_cmd(emu, "*2\r\n$3\r\nabc\r\n:5\r\n", "EVAL",
                  "return {struct.unpack('bc0', '\\3abcdef')}", "0");
    rl_assert_cmd(emu, "*2\r\n$3\r\nabc\r\n:5\r\n", "EVAL",
                  "return {struct.unpack('c1c0', '3abcdef')}", "0");
    rl_assert_cmd(emu, "*2\r\n$3\r\nabc\r\n:5\r\n", "EVAL",
                  "return {struct.unpack('s', 'abc\\0def')}", "0");
    rl_assert_cmd(emu, "*3\r\n$1\r\na\r\n$1\r\nb\r\n:5\r\n", "EVAL",
                  "return {struct.unpack('ss', 'a\\0b\\0')}", "0");
    rl_assert_cmd(emu, "*3\r\n$1\r\na\r\n:5\r\n:4\r\n", "EVAL",
                  "return {struct.unpack('sb', 'a\\0\\5')}", "0");
    rl_assert_cmd(emu, "*2\r\n:2\r\n:3\r\n", "EVAL", "return {struct.unpack('xb', '\\1\\2')}", "0");
    rl_assert_cmd(emu, "*3\r\n:1\r\n:2\r\n:9\r\n", "EVAL",
                  "return {struct.unpack('!4bi', '\\1\\0\\0\\0\\2\\0\\0\\0')}", "0");
    rl_assert_cmd(emu, "*3\r\n:1\r\n:2\r\n:9\r\n", "EVAL",
                  "return {struct.unpack('>!4 b i', '\\1\\0\\0\\0\\0\\0\\0\\2')}", "0");
    rl_assert_cmd(emu, "*2\r\n:2\r\n:3\r\n", "EVAL", "return {struct.unpack('b', '\\1\\2\\3', 2)}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n:3\r\n:4\r\n", "EVAL", "return {struct.unpack('b', '\\1\\2\\3', 3)}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n:2\r\n:3\r\n", "EVAL",
                  "return {struct.unpack('b', '\\1\\2\\3', 2.7)}", "0");
    rl_assert_cmd(emu, "*1\r\n:4\r\n", "EVAL", "return {struct.unpack('', '\\1\\2\\3', 4)}", "0");
    rl_assert_cmd(emu, "*6\r\n:-1\r\n:300\r\n:-70000\r\n:70000\r\n:1\r\n:20\r\n", "EVAL",
                  "local s = struct.pack('>bhiId', -1, 300, -70000, 70000, 1.25) return "
                  "{struct.unpack('>bhiId', s)}",
                  "0");
    rl_test_free_emu(emu);
}

static void struct_unpack_should_report_short_data_and_bad_formats(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #2 to 'unpack' (data string too short) script: "
                  "7d0b4afe8ff091b04bd1f60430a2b0db29ed1ab7, on @user_script:1.\r\n",
                  "EVAL", "return {struct.unpack('b', '')}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #2 to 'unpack' (data string too short) script: "
                  "e201cb7d0f1db2dfba15cd2667d06cdd6f322a55, on @user_script:1.\r\n",
                  "EVAL", "return {struct.unpack('i', 'abc')}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #2 to 'unpack' (data string too short) script: "
                  "b89eee172b9017fa78c1454baa4e3caa0164291f, on @user_script:1.\r\n",
                  "EVAL", "return {struct.unpack('!4bi', '\\1\\0\\0\\0\\2\\0\\0')}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #2 to 'unpack' (data string too short) script: "
                  "d9d20b0ddf39cc554e612c87405aa0025cb1d000, on @user_script:1.\r\n",
                  "EVAL", "return {struct.unpack('c5', 'abc')}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #2 to 'unpack' (data string too short) script: "
                  "2ca8a7c0e82d71d35f5a82edebe08cc4e65da9d8, on @user_script:1.\r\n",
                  "EVAL", "return {struct.unpack('bc0', '\\9abc')}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: format 'c0' needs a previous size script: "
                  "b3fd8e7c8bb6ee20854fafea5b84014791ec5cf5, on @user_script:1.\r\n",
                  "EVAL", "return {struct.unpack('c0', 'abc')}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: format 'c0' needs a previous size script: "
                  "6e118717219f36e7c5aa11b5fe68447e05ab3f3f, on @user_script:1.\r\n",
                  "EVAL", "return {struct.unpack('c1c0', 'xabc')}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: unfinished string in data script: "
                  "492b42cd22537e0bb82c111843dde3f2c69bafe9, on @user_script:1.\r\n",
                  "EVAL", "return {struct.unpack('s', 'abc')}", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'unpack' (invalid format option 'q') script: "
        "06ac1d89304ecb919d42278bb60041542ec99f8e, on @user_script:1.\r\n",
        "EVAL", "return {struct.unpack('q', 'abc')}", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'unpack' (invalid format option '?') script: "
        "3761374f78b99e1ba33df1162358f23456b07e1c, on @user_script:1.\r\n",
        "EVAL", "return {struct.unpack('?', 'abc')}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: integral size 33 is larger than limit of 32 script: "
                  "af7e2aafb3ed2f6aa8ae2d8b9beb71aaa4a97a1f, on @user_script:1.\r\n",
                  "EVAL", "return {struct.unpack('i33', 'x')}", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #3 to 'unpack' (offset must be 1 or greater) script: "
        "fabac3393e12c42952073af428f68be0421c6631, on @user_script:1.\r\n",
        "EVAL", "return {struct.unpack('b', '\\1\\2\\3', 0)}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #2 to 'unpack' (data string too short) script: "
                  "afbaf0367c8079590cebdd6f33c57eeb095f9fa9, on @user_script:1.\r\n",
                  "EVAL", "return {struct.unpack('b', '\\1\\2\\3', -1)}", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #3 to 'unpack' (number expected, got string) script: "
        "39525469f585926f5122fba9134a52068515e9ad, on @user_script:1.\r\n",
        "EVAL", "return {struct.unpack('b', '\\1\\2\\3', 'x')}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #2 to 'unpack' (data string too short) script: "
                  "4972739233f8f5db244ca664ed0719a0f4ce3d16, on @user_script:1.\r\n",
                  "EVAL", "return {struct.unpack('b', '\\1\\2\\3', 4)}", "0");
    rl_assert_cmd(emu, "*1\r\n:5\r\n", "EVAL", "return {struct.unpack('', '\\1\\2\\3', 5)}", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'unpack' (string expected, got nil) script: "
        "a1e72d577881babb1f7e85a9dc9937abc063dcb1, on @user_script:1.\r\n",
        "EVAL", "return {struct.unpack('b', nil)}", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'unpack' (string expected, got nil) script: "
        "50bb2f26b8aa691a68e344e91f8c5851903474db, on @user_script:1.\r\n",
        "EVAL", "return {struct.unpack(nil, 'x')}", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'unpack' (string expected, got no value) script: "
        "8c477a7a8092b99b128ce33cc36d749bac3bfeae, on @user_script:1.\r\n",
        "EVAL", "return struct.unpack('b')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: stack overflow (too many results) script: "
                  "82c968c1a7a19af81829fd16c7f4909249e84e63, on @user_script:1.\r\n",
                  "EVAL", "return {struct.unpack(string.rep('b', 9000), string.rep('x', 9000))}",
                  "0");
    rl_assert_cmd(
        emu, ":7991\r\n", "EVAL",
        "local r = {struct.unpack(string.rep('b', 7990), string.rep('x', 7990))} return #r", "0");
    rl_test_free_emu(emu);
}

/* Unknown letters and digits are sized 0 by size(), as in Redis. */
static void struct_size_should_add_sizes_and_alignment(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return struct.size('b')", "0");
    rl_assert_cmd(emu, ":31\r\n", "EVAL", "return struct.size('bhilLT')", "0");
    rl_assert_cmd(emu, ":32\r\n", "EVAL", "return struct.size('!bhilLT')", "0");
    rl_assert_cmd(emu, ":32\r\n", "EVAL", "return struct.size('!4bhilLT')", "0");
    rl_assert_cmd(emu, ":3\r\n", "EVAL", "return struct.size('i3')", "0");
    rl_assert_cmd(emu, ":5\r\n", "EVAL", "return struct.size('c5')", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return struct.size('c')", "0");
    rl_assert_cmd(emu, ":12\r\n", "EVAL", "return struct.size('>!4bd')", "0");
    rl_assert_cmd(emu, ":16\r\n", "EVAL", "return struct.size('!8bd')", "0");
    rl_assert_cmd(emu, ":13\r\n", "EVAL", "return struct.size('d f x')", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "return struct.size('')", "0");
    rl_assert_cmd(emu, ":16\r\n", "EVAL", "return struct.size('!4b!2h!bd')", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "return struct.size('q')", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "return struct.size('5')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'size' (option 'c0' has no fixed size) script: "
        "18f217e7d560de92703dc71e9797e043b536e0e6, on @user_script:1.\r\n",
        "EVAL", "return struct.size('c0')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'size' (option 's' has no fixed size) script: "
        "a2a0525826ab7939ccd3f54427a862205642f28f, on @user_script:1.\r\n",
        "EVAL", "return struct.size('s')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'size' (invalid format option '?') script: "
        "7bbb71570e714600c71d9cc568bccd7730051b1f, on @user_script:1.\r\n",
        "EVAL", "return struct.size('?')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: alignment 3 is not a power of 2 script: "
                  "e85d1ac33cd35488c9a4f9b4f97cb56bbfae9248, on @user_script:1.\r\n",
                  "EVAL", "return struct.size('!3')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: integral size 33 is larger than limit of 32 script: "
                  "971b8442ed57a477454e5ab5cf888849b8b0f029, on @user_script:1.\r\n",
                  "EVAL", "return struct.size('i33')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'size' (invalid format option '\310') script: "
        "8725746822bb00374768970aceaec3a104a7a026, on @user_script:1.\r\n",
        "EVAL", "return struct.size('\\200')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'size' (string expected, got nil) script: "
        "cdd119c1ea370b9410548a5fd1d4ea7ebbc376f4, on @user_script:1.\r\n",
        "EVAL", "return struct.size(nil)", "0");
    rl_test_free_emu(emu);
}

static void struct_table_should_hold_pack_unpack_size(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(
        emu, "*3\r\n$13\r\npack=function\r\n$13\r\nsize=function\r\n$15\r\nunpack=function\r\n",
        "EVAL",
        "local t = {} for k, v in pairs(struct) do t[#t + 1] = k .. '=' .. type(v) end "
        "table.sort(t) return t",
        "0");
    rl_assert_cmd_pairs(emu, "*3\r\n$4\r\npack\r\n$4\r\nsize\r\n$6\r\nunpack\r\n", "EVAL",
                        "local t = {} for k in pairs(struct) do t[#t + 1] = k end return t", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: "
                  "cb02cce0d268d3436ea53f534280ee3a9ac7e3a5, on @user_script:1.\r\n",
                  "EVAL", "rawset(struct, 'x', 1)", "0");
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(struct_pack_should_write_integers_in_either_order),
        cmocka_unit_test(struct_pack_should_wrap_out_of_range_numbers_as_x86_64),
        cmocka_unit_test(struct_pack_should_write_floats_strings_and_padding),
        cmocka_unit_test(struct_pack_should_align_with_bang),
        cmocka_unit_test(struct_pack_should_report_format_and_argument_errors),
        cmocka_unit_test(struct_unpack_should_read_values_and_the_next_position),
        cmocka_unit_test(struct_unpack_should_report_short_data_and_bad_formats),
        cmocka_unit_test(struct_size_should_add_sizes_and_alignment),
        cmocka_unit_test(struct_table_should_hold_pack_unpack_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
