/* The cmsgpack library (lua_cmsgpack.c), lua-cmsgpack 0.4.0 as Redis 7.0
 * ships it. Built and run once per Lua engine. Every expected reply was read
 * from redis-server 7.0.15 (Debian 7.0.15-1~deb12u10) running the same
 * scripts in order; packed strings are shown as hex. Maps with several keys
 * are packed in pairs() order, which only PUC Lua shares with Redis. */
#include "test_common.h"

#include <string.h>

static void cmsgpack_pack_should_pick_the_smallest_integer_form(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(
        emu, "$2\r\n00\r\n", "EVAL",
        "local s = cmsgpack.pack(0) return (s:gsub('.', function(c) return string.format('%02x', "
        "c:byte()) end))",
        "0");
    rl_assert_cmd(emu, "$2\r\n7f\r\n", "EVAL",
                  "local s = cmsgpack.pack(127) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$4\r\ncc80\r\n", "EVAL",
                  "local s = cmsgpack.pack(128) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$4\r\nccff\r\n", "EVAL",
                  "local s = cmsgpack.pack(255) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$6\r\ncd0100\r\n", "EVAL",
                  "local s = cmsgpack.pack(256) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$6\r\ncdffff\r\n", "EVAL",
                  "local s = cmsgpack.pack(65535) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$10\r\nce00010000\r\n", "EVAL",
                  "local s = cmsgpack.pack(65536) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$10\r\nceffffffff\r\n", "EVAL",
                  "local s = cmsgpack.pack(2^32 - 1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$18\r\ncf0000000100000000\r\n", "EVAL",
                  "local s = cmsgpack.pack(2^32) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$18\r\ncf0020000000000000\r\n", "EVAL",
                  "local s = cmsgpack.pack(2^53) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$18\r\ncf7ffffffffffffc00\r\n", "EVAL",
                  "local s = cmsgpack.pack(2^63 - 1024) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$18\r\nd38000000000000000\r\n", "EVAL",
                  "local s = cmsgpack.pack(-2^63) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$2\r\nff\r\n", "EVAL",
                  "local s = cmsgpack.pack(-1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$2\r\ne0\r\n", "EVAL",
                  "local s = cmsgpack.pack(-32) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$4\r\nd0df\r\n", "EVAL",
                  "local s = cmsgpack.pack(-33) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$4\r\nd080\r\n", "EVAL",
                  "local s = cmsgpack.pack(-128) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$6\r\nd1ff7f\r\n", "EVAL",
                  "local s = cmsgpack.pack(-129) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$6\r\nd18000\r\n", "EVAL",
                  "local s = cmsgpack.pack(-32768) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$10\r\nd2ffff7fff\r\n", "EVAL",
                  "local s = cmsgpack.pack(-32769) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$10\r\nd280000000\r\n", "EVAL",
                  "local s = cmsgpack.pack(-2^31) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$18\r\nd3ffffffff7fffffff\r\n", "EVAL",
                  "local s = cmsgpack.pack(-2^31 - 1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$2\r\n00\r\n", "EVAL",
                  "local s = cmsgpack.pack(-0.0) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_test_free_emu(emu);
}

static void cmsgpack_pack_should_use_float32_only_when_exact(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$10\r\nca3f000000\r\n", "EVAL",
                  "local s = cmsgpack.pack(0.5) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$10\r\nca3fc00000\r\n", "EVAL",
                  "local s = cmsgpack.pack(1.5) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$18\r\ncb3fb999999999999a\r\n", "EVAL",
                  "local s = cmsgpack.pack(0.1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$18\r\ncbbfb999999999999a\r\n", "EVAL",
                  "local s = cmsgpack.pack(-0.1) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$18\r\ncb3fd5555555555555\r\n", "EVAL",
                  "local s = cmsgpack.pack(1/3) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$10\r\nca7f800000\r\n", "EVAL",
                  "local s = cmsgpack.pack(1/0) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$10\r\ncaff800000\r\n", "EVAL",
                  "local s = cmsgpack.pack(-1/0) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$18\r\ncbfff8000000000000\r\n", "EVAL",
                  "local s = cmsgpack.pack(0/0) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$10\r\nca5f000000\r\n", "EVAL",
                  "local s = cmsgpack.pack(2^63) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$10\r\nca5f800000\r\n", "EVAL",
                  "local s = cmsgpack.pack(2^64) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$18\r\ncbc3e0000000000001\r\n", "EVAL",
                  "local s = cmsgpack.pack(-2^63 - 2048) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$18\r\ncb7e37e43c8800759c\r\n", "EVAL",
                  "local s = cmsgpack.pack(1e300) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(
        emu, "$10\r\nca7f7fffff\r\n", "EVAL",
        "local s = cmsgpack.pack(3.4028234663852886e38) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu, "$18\r\ncb47effffff0000000\r\n", "EVAL",
        "local s = cmsgpack.pack(3.4028235677973366e38) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(emu, "$10\r\nca00000001\r\n", "EVAL",
                  "local s = cmsgpack.pack(2^-149) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$18\r\ncb3690000000000000\r\n", "EVAL",
                  "local s = cmsgpack.pack(2^-150) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$18\r\ncb41e0000000100000\r\n", "EVAL",
                  "local s = cmsgpack.pack(2^31 + 0.5) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_test_free_emu(emu);
}

static void cmsgpack_pack_should_encode_strings_booleans_and_nil(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$8\r\na3616263\r\n", "EVAL",
                  "local s = cmsgpack.pack('abc') return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$2\r\na0\r\n", "EVAL",
                  "local s = cmsgpack.pack('') return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$8\r\na30001ff\r\n", "EVAL",
                  "local s = cmsgpack.pack('\\0\\1\\255') return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$2\r\nc3\r\n", "EVAL",
                  "local s = cmsgpack.pack(true) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$2\r\nc2\r\n", "EVAL",
                  "local s = cmsgpack.pack(false) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$2\r\nc0\r\n", "EVAL",
                  "local s = cmsgpack.pack(nil) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$2\r\nc0\r\n", "EVAL",
                  "local s = cmsgpack.pack(cjson.null) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Script attempted to access nonexistent global variable 'print' "
        "script: dd017cf177ef4adf6b40a7c384d09164c0148c88, on @user_script:1.\r\n",
        "EVAL",
        "local s = cmsgpack.pack(print) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Script attempted to access nonexistent global variable 'print' "
        "script: fd5ecb52224d5c17dbe1b37dcc49422f32180df5, on @user_script:1.\r\n",
        "EVAL",
        "local s = cmsgpack.pack(coroutine.create(print)) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu, "$10\r\n01a178c0c3\r\n", "EVAL",
        "local s = cmsgpack.pack(1, 'x', nil, true) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(emu, "*2\r\n:32\r\n$4\r\nbf78\r\n", "EVAL",
                  "local s = cmsgpack.pack(string.rep('x', 31)) return {#s, (s:sub(1, 2):gsub('.', "
                  "function(c) return string.format('%02x', c:byte()) end))}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n:34\r\n$6\r\nd92078\r\n", "EVAL",
                  "local s = cmsgpack.pack(string.rep('x', 32)) return {#s, (s:sub(1, 3):gsub('.', "
                  "function(c) return string.format('%02x', c:byte()) end))}",
                  "0");
    rl_assert_cmd(
        emu, "*2\r\n:257\r\n$6\r\nd9ff78\r\n", "EVAL",
        "local s = cmsgpack.pack(string.rep('x', 255)) return {#s, (s:sub(1, 3):gsub('.', "
        "function(c) return string.format('%02x', c:byte()) end))}",
        "0");
    rl_assert_cmd(
        emu, "*2\r\n:259\r\n$8\r\nda010078\r\n", "EVAL",
        "local s = cmsgpack.pack(string.rep('x', 256)) return {#s, (s:sub(1, 4):gsub('.', "
        "function(c) return string.format('%02x', c:byte()) end))}",
        "0");
    rl_assert_cmd(
        emu, "*2\r\n:65538\r\n$8\r\ndaffff78\r\n", "EVAL",
        "local s = cmsgpack.pack(string.rep('x', 65535)) return {#s, (s:sub(1, 4):gsub('.', "
        "function(c) return string.format('%02x', c:byte()) end))}",
        "0");
    rl_assert_cmd(
        emu, "*2\r\n:65541\r\n$12\r\ndb0001000078\r\n", "EVAL",
        "local s = cmsgpack.pack(string.rep('x', 65536)) return {#s, (s:sub(1, 6):gsub('.', "
        "function(c) return string.format('%02x', c:byte()) end))}",
        "0");
    rl_test_free_emu(emu);
}

static void cmsgpack_pack_should_tell_arrays_from_maps(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$2\r\n90\r\n", "EVAL",
                  "local s = cmsgpack.pack({}) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$8\r\n93010203\r\n", "EVAL",
                  "local s = cmsgpack.pack({1, 2, 3}) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$10\r\n8201010303\r\n", "EVAL",
                  "local s = cmsgpack.pack({1, nil, 3}) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$8\r\n81a16101\r\n", "EVAL",
                  "local s = cmsgpack.pack({a = 1}) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$6\r\n810001\r\n", "EVAL",
                  "local s = cmsgpack.pack({[0] = 1}) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$6\r\n81ff01\r\n", "EVAL",
                  "local s = cmsgpack.pack({[-1] = 1}) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$14\r\n81ca3fc0000001\r\n", "EVAL",
                  "local s = cmsgpack.pack({[1.5] = 1}) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$14\r\n81ce8000000001\r\n", "EVAL",
                  "local s = cmsgpack.pack({[2^31] = 1}) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(
        emu, "$14\r\n81ce7fffffff01\r\n", "EVAL",
        "local s = cmsgpack.pack({[2^31 - 1] = 1}) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(emu, "$4\r\n9190\r\n", "EVAL",
                  "local s = cmsgpack.pack({{}}) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$10\r\n9291019102\r\n", "EVAL",
                  "local s = cmsgpack.pack({{1}, {2}}) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(emu, "$6\r\n81c301\r\n", "EVAL",
                  "local s = cmsgpack.pack({[true] = 1}) return (s:gsub('.', function(c) return "
                  "string.format('%02x', c:byte()) end))",
                  "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Script attempted to access nonexistent global variable 'print' "
        "script: 9ce195ca7d46355516420ce3c0a6f5ef47dfda5f, on @user_script:1.\r\n",
        "EVAL",
        "local s = cmsgpack.pack({x = print}) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu, "$32\r\n9f0102030405060708090a0b0c0d0e0f\r\n", "EVAL",
        "local s = cmsgpack.pack({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}) return "
        "(s:gsub('.', function(c) return string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu, "$38\r\ndc00100102030405060708090a0b0c0d0e0f10\r\n", "EVAL",
        "local s = cmsgpack.pack({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}) return "
        "(s:gsub('.', function(c) return string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd_pairs(
        emu, "$10\r\n8201010303\r\n", "EVAL",
        "local s = cmsgpack.pack({[1] = 1, [3] = 3}) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd_pairs(
        emu, "$12\r\n820101a13102\r\n", "EVAL",
        "local s = cmsgpack.pack({[1] = 1, ['1'] = 2}) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd_pairs(
        emu, "$16\r\n8301010202a16e01\r\n", "EVAL",
        "local s = cmsgpack.pack({n = 1, 1, 2}) return (s:gsub('.', function(c) return "
        "string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu, "*2\r\n:65541\r\n$16\r\ndd00010000010101\r\n", "EVAL",
        "local t = {} for i = 1, 65536 do t[i] = 1 end local s = cmsgpack.pack(t) return {#s, "
        "(s:sub(1, 8):gsub('.', function(c) return string.format('%02x', c:byte()) end))}",
        "0");
    rl_assert_cmd(
        emu, "*2\r\n:74\r\n$6\r\nde0010\r\n", "EVAL",
        "local t = {} for i = 1, 16 do t['k' .. i] = 1 end local s = cmsgpack.pack(t) return "
        "{#s, (s:sub(1, 3):gsub('.', function(c) return string.format('%02x', c:byte()) end))}",
        "0");
    rl_test_free_emu(emu);
}

static void cmsgpack_pack_should_cut_nesting_at_sixteen(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(
        emu, "$32\r\n91919191919191919191919191919190\r\n", "EVAL",
        "local s = cmsgpack.pack((function() local t = {} for i = 1, 15 do t = {t} end return t "
        "end)()) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu, "$34\r\n91919191919191919191919191919191c0\r\n", "EVAL",
        "local s = cmsgpack.pack((function() local t = {} for i = 1, 16 do t = {t} end return t "
        "end)()) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu, "$34\r\n91919191919191919191919191919191c0\r\n", "EVAL",
        "local s = cmsgpack.pack((function() local t = {} for i = 1, 17 do t = {t} end return t "
        "end)()) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu, "$34\r\n91919191919191919191919191919191c0\r\n", "EVAL",
        "local s = cmsgpack.pack((function() local t = {} t[1] = t return t end)()) return "
        "(s:gsub('.', function(c) return string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu,
        "$98\r\n81a17881a17881a17881a17881a17881a17881a17881a17881a17881a17881a17881a17881a17881a"
        "17881a17881a178c0\r\n",
        "EVAL",
        "local s = cmsgpack.pack((function() local t = {} t.x = t return t end)()) return "
        "(s:gsub('.', function(c) return string.format('%02x', c:byte()) end))",
        "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #0 to 'pack' (MessagePack pack needs input.) script: "
        "6bc235afa55de88253e203cc5fe5844792e25209, on @user_script:1.\r\n",
        "EVAL", "return cmsgpack.pack()", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$65\r\nbad argument #0 to '?' (Too many arguments for MessagePack "
        "pack.)\r\n",
        "EVAL",
        "local ok, e = pcall(cmsgpack.pack, unpack((function() local t = {} for i = 1, 5000 do "
        "t[i] = i end return t end)())) return {tostring(ok), e}",
        "0");
    rl_test_free_emu(emu);
}

static void cmsgpack_unpack_should_return_every_value(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "return {cmsgpack.unpack('')}", "0");
    rl_assert_cmd(emu, "*3\r\n:1\r\n:2\r\n:3\r\n", "EVAL", "return {cmsgpack.unpack('\\1\\2\\3')}",
                  "0");
    rl_assert_cmd(emu, "*3\r\n:1\r\n:2\r\n:3\r\n", "EVAL",
                  "return {cmsgpack.unpack('\\1\\2\\3', 'extra', 9)}", "0");
    rl_assert_cmd(emu, "*1\r\n*1\r\n:1\r\n", "EVAL", "return {cmsgpack.unpack('\\146\\1\\192')}",
                  "0");
    rl_assert_cmd(emu, "*1\r\n*1\r\n:1\r\n", "EVAL", "return {cmsgpack.unpack('\\147\\1\\192\\3')}",
                  "0");
    rl_assert_cmd(emu, "*1\r\n:1\r\n", "EVAL",
                  "local t = cmsgpack.unpack('\\147\\1\\192\\3') return {t[1], t[2], t[3]}", "0");
    rl_assert_cmd(emu, "*2\r\n:1\r\n:2\r\n", "EVAL",
                  "local t = cmsgpack.unpack('\\130\\161a\\1\\161b\\2') return {t.a, t.b}", "0");
    rl_assert_cmd(emu, ":-1\r\n", "EVAL",
                  "return cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255')", "0");
    rl_assert_cmd(emu, "$20\r\n-9.2233720368548e+18\r\n", "EVAL",
                  "return tostring(cmsgpack.unpack('\\207\\128\\0\\0\\0\\0\\0\\0\\0'))", "0");
    rl_assert_cmd(emu, "$20\r\n-9.2233720368548e+18\r\n", "EVAL",
                  "return tostring(cmsgpack.unpack('\\211\\128\\0\\0\\0\\0\\0\\0\\0'))", "0");
    rl_assert_cmd(
        emu, "*5\r\n:4294967295\r\n:-2147483648\r\n:-32768\r\n:-128\r\n:-128\r\n", "EVAL",
        "return {cmsgpack.unpack('\\206\\255\\255\\255\\255\\210\\128\\0\\0\\0\\209\\128\\0\\209"
        "\\255\\128\\208\\128')}",
        "0");
    rl_assert_cmd(emu, "*5\r\n:65535\r\n:255\r\n:-32\r\n:-1\r\n:127\r\n", "EVAL",
                  "return {cmsgpack.unpack('\\205\\255\\255\\204\\255\\224\\255\\127')}", "0");
    rl_assert_cmd(emu, "*2\r\n$3\r\n1.5\r\n$3\r\ninf\r\n", "EVAL",
                  "return {tostring(cmsgpack.unpack('\\202\\63\\192\\0\\0')), "
                  "tostring(cmsgpack.unpack('\\202\\127\\128\\0\\0'))}",
                  "0");
    rl_assert_cmd(
        emu, "$3\r\n0.1\r\n", "EVAL",
        "return tostring(cmsgpack.unpack('\\203\\63\\185\\153\\153\\153\\153\\153\\154'))", "0");
    rl_assert_cmd(
        emu, "*3\r\n$4\r\ntrue\r\n$5\r\nfalse\r\n$3\r\nnil\r\n", "EVAL",
        "local a, b, c = cmsgpack.unpack('\\195\\194\\192') return {tostring(a), tostring(b), "
        "tostring(c)}",
        "0");
    rl_assert_cmd(emu, "$3\r\nabc\r\n", "EVAL",
                  "return cmsgpack.unpack('\\217\\3abc\\218\\0\\1x\\219\\0\\0\\0\\2yz\\165hello')",
                  "0");
    rl_assert_cmd(
        emu, "*4\r\n$3\r\nabc\r\n$1\r\nx\r\n$2\r\nyz\r\n$5\r\nhello\r\n", "EVAL",
        "return {cmsgpack.unpack('\\217\\3abc\\218\\0\\1x\\219\\0\\0\\0\\2yz\\165hello')}", "0");
    rl_assert_cmd(emu, "*4\r\n:1\r\n$3\r\ntwo\r\n*2\r\n:3\r\n*1\r\n:4\r\n:1\r\n", "EVAL",
                  "return {cmsgpack.unpack(cmsgpack.pack(1, 'two', {3, {4}}, true))}", "0");
    rl_assert_cmd(emu, ":7000\r\n", "EVAL",
                  "local r = {cmsgpack.unpack(string.rep('\\1', 7000))} return #r", "0");
    rl_test_free_emu(emu);
}

static void cmsgpack_unpack_one_and_limit_should_return_the_offset_first(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*1\r\n:-1\r\n", "EVAL", "return {cmsgpack.unpack_one('')}", "0");
    rl_assert_cmd(emu, "*2\r\n:1\r\n:1\r\n", "EVAL", "return {cmsgpack.unpack_one('\\1\\2\\3')}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n:-1\r\n:3\r\n", "EVAL",
                  "return {cmsgpack.unpack_one('\\1\\2\\3', 2)}", "0");
    rl_assert_cmd(emu, "*1\r\n:-1\r\n", "EVAL", "return {cmsgpack.unpack_one('\\1\\2\\3', 3)}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n:2\r\n:2\r\n", "EVAL",
                  "return {cmsgpack.unpack_one('\\1\\2\\3', 1.9)}", "0");
    rl_assert_cmd(emu, "*2\r\n:2\r\n:2\r\n", "EVAL",
                  "return {cmsgpack.unpack_one('\\1\\2\\3', '1')}", "0");
    rl_assert_cmd(emu, "*2\r\n:3\r\n*2\r\n:1\r\n:2\r\n", "EVAL",
                  "return {cmsgpack.unpack_one('\\146\\1\\2\\3')}", "0");
    rl_assert_cmd(emu, "*3\r\n:1\r\n:2\r\n:3\r\n", "EVAL",
                  "return {cmsgpack.unpack_limit('\\1\\2\\3', 0)}", "0");
    rl_assert_cmd(emu, "*1\r\n:1\r\n", "EVAL", "return {cmsgpack.unpack_limit('\\1\\2\\3', 0, 1)}",
                  "0");
    rl_assert_cmd(emu, "*3\r\n:2\r\n:1\r\n:2\r\n", "EVAL",
                  "return {cmsgpack.unpack_limit('\\1\\2\\3', 2)}", "0");
    rl_assert_cmd(emu, "*2\r\n:-1\r\n:3\r\n", "EVAL",
                  "return {cmsgpack.unpack_limit('\\1\\2\\3', 2, 2)}", "0");
    rl_assert_cmd(emu, "*4\r\n:-1\r\n:1\r\n:2\r\n:3\r\n", "EVAL",
                  "return {cmsgpack.unpack_limit('\\1\\2\\3', 5)}", "0");
    rl_assert_cmd(
        emu, "*6\r\n:1\r\n:1\r\n:2\r\n:2\r\n:-1\r\n:3\r\n", "EVAL",
        "local s = cmsgpack.pack(1, 2, 3) local o, v = cmsgpack.unpack_one(s) local o2, v2 = "
        "cmsgpack.unpack_one(s, o) local o3, v3 = cmsgpack.unpack_one(s, o2) return {o, v, o2, "
        "v2, o3, v3}",
        "0");
    rl_test_free_emu(emu);
}

static void cmsgpack_unpack_should_report_bad_input(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Bad data format in input. script: "
                  "dc135bd7bc2955014f03280e151acf74360378e7, on @user_script:1.\r\n",
                  "EVAL", "return cmsgpack.unpack('\\193')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Bad data format in input. script: "
                  "d1a8e649c69a7ed9a4e62e8b7d23d5fea37c8e0c, on @user_script:1.\r\n",
                  "EVAL", "return cmsgpack.unpack('\\196\\1x')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Bad data format in input. script: "
                  "cf19445e5530b346880b9a93636b778506b3b9c1, on @user_script:1.\r\n",
                  "EVAL", "return cmsgpack.unpack('\\212\\1\\1')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Missing bytes in input. script: "
                  "332e907abffc8f6c8c9aa7fa8c8f82745d942bf9, on @user_script:1.\r\n",
                  "EVAL", "return cmsgpack.unpack('\\204')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Missing bytes in input. script: "
                  "4679240a23ff9735759d614fd4b677cab6fb1b9a, on @user_script:1.\r\n",
                  "EVAL", "return cmsgpack.unpack('\\205\\1')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Missing bytes in input. script: "
                  "dec19d8744f002d57aef4042a9eb73a0adfa00ba, on @user_script:1.\r\n",
                  "EVAL", "return cmsgpack.unpack('\\217\\5abc')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Missing bytes in input. script: "
                  "448e14ca25e65a85bb9f20f1603e0707f1a76f79, on @user_script:1.\r\n",
                  "EVAL", "return cmsgpack.unpack('\\219\\0\\0\\0\\5abc')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Missing bytes in input. script: "
                  "80b8429c773ab255f3d1bdeaf766f34377bef2a1, on @user_script:1.\r\n",
                  "EVAL", "return cmsgpack.unpack('\\165abc')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Missing bytes in input. script: "
                  "a554dbe54e9b5e6d26753c722e2cef5aded0e5e2, on @user_script:1.\r\n",
                  "EVAL", "return cmsgpack.unpack('\\146\\1')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Missing bytes in input. script: "
                  "aa7b5314aebbcb1a64ea8bb21f684b129b808f70, on @user_script:1.\r\n",
                  "EVAL", "return cmsgpack.unpack('\\130\\1')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Missing bytes in input. script: "
                  "7d4eccd8115cb68f0771715c6657f61769f0325f, on @user_script:1.\r\n",
                  "EVAL", "return cmsgpack.unpack('\\221\\0\\0\\0\\1')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Bad data format in input. script: "
                  "d0e15702d6c57e79fc935730fd4da40ee25d80cf, on @user_script:1.\r\n",
                  "EVAL", "return cmsgpack.unpack('\\1\\193')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Missing bytes in input. script: "
                  "48cd030cbd30231afd1be7e200a7f1ab27743f97, on @user_script:1.\r\n",
                  "EVAL", "return cmsgpack.unpack('\\203\\63\\185')", "0");
    rl_assert_cmd(emu, "*2\r\n$5\r\nfalse\r\n$18\r\ntable index is nil\r\n", "EVAL",
                  "local ok, e = pcall(cmsgpack.unpack, '\\129\\192\\1') return {tostring(ok), e}",
                  "0");
    rl_assert_cmd(
        emu, "*2\r\n$5\r\nfalse\r\n$18\r\ntable index is NaN\r\n", "EVAL",
        "local ok, e = pcall(cmsgpack.unpack, '\\129\\203\\255\\248\\0\\0\\0\\0\\0\\0\\1') "
        "return {tostring(ok), e}",
        "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Start offset 4 greater than input length 3. script: "
                  "20f363070f2503e0b7a10a1c59da3a86eeac39cf, on @user_script:1.\r\n",
                  "EVAL", "return {cmsgpack.unpack_one('\\1\\2\\3', 4)}", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Invalid request to unpack with offset of -1 and limit of 3. script: "
        "01c48994c7c313b4d5375e730dc2a78ab0f88aab, on @user_script:1.\r\n",
        "EVAL", "return {cmsgpack.unpack_one('\\1\\2\\3', -1)}", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Invalid request to unpack with offset of 0 and limit of 3. script: "
        "a61504c604879e3b4b9e8da20ce1ee48942ccd0b, on @user_script:1.\r\n",
        "EVAL", "return {cmsgpack.unpack_limit('\\1\\2\\3', -1)}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Start offset 9 greater than input length 3. script: "
                  "2e52c06c4f896137293e563c97139aec98ed5cf2, on @user_script:1.\r\n",
                  "EVAL", "return {cmsgpack.unpack_limit('\\1\\2\\3', 1, 9)}", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'unpack' (string expected, got no value) script: "
        "78103c0f3f46e5897cb5d2fad8dfb28bd38e0eeb, on @user_script:1.\r\n",
        "EVAL", "return cmsgpack.unpack()", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'unpack' (string expected, got table) script: "
        "1bf8d78c3e2298775df6934cb05254905d2c8ddc, on @user_script:1.\r\n",
        "EVAL", "return cmsgpack.unpack({})", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'unpack_one' (string expected, got no value) "
        "script: eb943cbabab4c1be475b701d22aeca8aa78bd649, on @user_script:1.\r\n",
        "EVAL", "return cmsgpack.unpack_one()", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'unpack_limit' (number expected, got no value) "
        "script: 117ef9f8e13ee70acf09939948c53ba92aa31fd7, on @user_script:1.\r\n",
        "EVAL", "return cmsgpack.unpack_limit('')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'unpack_limit' (number expected, got string) "
        "script: e9bd75dee89b8ef06b91595cc81c8aa1e4eef87f, on @user_script:1.\r\n",
        "EVAL", "return cmsgpack.unpack_limit('', 'x')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'unpack_one' (number expected, got string) "
        "script: 399ca8e35cef89b6720b18e0b1b79ca46b3520be, on @user_script:1.\r\n",
        "EVAL", "return cmsgpack.unpack_one('', 'x')", "0");
    rl_assert_cmd(
        emu, "*2\r\n$5\r\nfalse\r\n$51\r\nstack overflow (in function mp_decode_to_lua_array)\r\n",
        "EVAL",
        "local ok, e = pcall(cmsgpack.unpack, string.rep('\\145', 5000) .. '\\1') return "
        "{tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$88\r\nstack overflow (too many return values at once; use "
        "unpack_one or unpack_limit instead.)\r\n",
        "EVAL",
        "local ok, e = pcall(cmsgpack.unpack, string.rep('\\1', 10000)) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(emu, "*2\r\n$4\r\ntrue\r\n$5\r\ntable\r\n", "EVAL",
                  "local ok, e = pcall(cmsgpack.unpack, string.rep('\\145', 3990) .. '\\1') return "
                  "{tostring(ok), type(e)}",
                  "0");
    rl_assert_cmd(
        emu, "*2\r\n$4\r\ntrue\r\n$5\r\ntable\r\n", "EVAL",
        "local ok, e = pcall(cmsgpack.unpack, string.rep('\\129\\1', 2700) .. '\\1') return "
        "{tostring(ok), type(e)}",
        "0");
    rl_assert_cmd(
        emu, "*2\r\n$5\r\nfalse\r\n$6\r\nstring\r\n", "EVAL",
        "local ok, e = pcall(cmsgpack.unpack, string.rep('\\129\\1', 4000) .. '\\1') return "
        "{tostring(ok), type(e)}",
        "0");
    rl_assert_cmd(
        emu, "*3\r\n$4\r\ntrue\r\n:7996\r\n:1\r\n", "EVAL",
        "local r = {pcall(cmsgpack.unpack, string.rep('\\1', 7995))} return {tostring(r[1]), #r, "
        "r[2]}",
        "0");
    rl_test_free_emu(emu);
}

static void cmsgpack_table_should_hold_functions_and_metadata(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(
        emu,
        "*8\r\n$17\r\n_COPYRIGHT=string\r\n$19\r\n_DESCRIPTION=string\r\n$12\r\n_NAME=string\r\n$"
        "15\r\n_VERSION=string\r\n$13\r\npack=function\r\n$15\r\nunpack=function\r\n$21\r\nunpack"
        "_limit=function\r\n$19\r\nunpack_one=function\r\n",
        "EVAL",
        "local t = {} for k, v in pairs(cmsgpack) do t[#t + 1] = k .. '=' .. type(v) end "
        "table.sort(t) return t",
        "0");
    rl_assert_cmd(
        emu,
        "*4\r\n$8\r\ncmsgpack\r\n$18\r\nlua-cmsgpack 0.4.0\r\n$40\r\nCopyright (C) 2012, "
        "Salvatore Sanfilippo\r\n$36\r\nMessagePack C implementation for Lua\r\n",
        "EVAL",
        "return {cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION}",
        "0");
    rl_assert_cmd_pairs(
        emu,
        "*8\r\n$12\r\n_DESCRIPTION\r\n$4\r\npack\r\n$5\r\n_NAME\r\n$6\r\nunpack\r\n$10\r\n_COPYRI"
        "GHT\r\n$8\r\n_VERSION\r\n$10\r\nunpack_one\r\n$12\r\nunpack_limit\r\n",
        "EVAL", "local t = {} for k in pairs(cmsgpack) do t[#t + 1] = k end return t", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: "
                  "cb66ff93fc1829ff74e91ad89078a8336e759505, on @user_script:1.\r\n",
                  "EVAL", "rawset(cmsgpack, 'x', 1)", "0");
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cmsgpack_pack_should_pick_the_smallest_integer_form),
        cmocka_unit_test(cmsgpack_pack_should_use_float32_only_when_exact),
        cmocka_unit_test(cmsgpack_pack_should_encode_strings_booleans_and_nil),
        cmocka_unit_test(cmsgpack_pack_should_tell_arrays_from_maps),
        cmocka_unit_test(cmsgpack_pack_should_cut_nesting_at_sixteen),
        cmocka_unit_test(cmsgpack_unpack_should_return_every_value),
        cmocka_unit_test(cmsgpack_unpack_one_and_limit_should_return_the_offset_first),
        cmocka_unit_test(cmsgpack_unpack_should_report_bad_input),
        cmocka_unit_test(cmsgpack_table_should_hold_functions_and_metadata),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
