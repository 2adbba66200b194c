/* The bit library (lua_bit.c), LuaBitOp 1.0.2 as Redis 7.0 ships it. Built
 * and run once per Lua engine: redlua uses its own module on LuaJIT too, so
 * every result must match. Every expected reply was read from redis-server
 * 7.0.15 (Debian 7.0.15-1~deb12u10) running the same scripts in order. */
#include "test_common.h"

#include <string.h>

static void bit_should_round_to_nearest_even_and_wrap(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*6\r\n:2\r\n:-2\r\n:2\r\n:2\r\n:-2\r\n:0\r\n", "EVAL",
                  "return {bit.tobit(1.7), bit.tobit(-1.5), bit.tobit(1.5), bit.tobit(2.5), "
                  "bit.tobit(-2.5), bit.tobit(0.5)}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n:2\r\n:-2\r\n", "EVAL", "return {bit.band(1.7), bit.band(-1.5)}",
                  "0");
    rl_assert_cmd(
        emu, "*4\r\n:-2147483648\r\n:-1\r\n:1\r\n:2147483647\r\n", "EVAL",
        "return {bit.tobit(2^31), bit.tobit(0xffffffff), bit.tobit(2^32 + 1), bit.tobit(-2^31 - "
        "1)}",
        "0");
    rl_assert_cmd(
        emu, "*4\r\n:1\r\n:0\r\n:2025163840\r\n:2025163840\r\n", "EVAL",
        "return {bit.tobit(2^53 + 2), bit.tobit(2^60 + 3), bit.tobit(1e20), bit.tobit(-1e20)}",
        "0");
    rl_assert_cmd(emu, "*4\r\n:0\r\n:0\r\n:0\r\n:0\r\n", "EVAL",
                  "return {bit.tobit(0/0), bit.tobit(1/0), bit.tobit(-1/0), bit.tobit(-0.0)}", "0");
    rl_assert_cmd(emu, "*4\r\n:7\r\n:16\r\n:5\r\n:2\r\n", "EVAL",
                  "return {bit.tobit('7'), bit.tobit('0x10'), bit.tobit(' 5 '), bit.tobit('2.5')}",
                  "0");
    rl_assert_cmd(
        emu, "*3\r\n:0\r\n:0\r\n:0\r\n", "EVAL",
        "return {bit.tobit(4294967295.5), bit.tobit(4294967296.5), bit.tobit(2^51 + 0.5)}", "0");
    rl_assert_cmd(emu, "$11\r\n-2147483648\r\n", "EVAL", "return tostring(bit.tobit(2^31))", "0");
    rl_assert_cmd(emu, "$6\r\nnumber\r\n", "EVAL", "return type(bit.tobit(1))", "0");
    rl_test_free_emu(emu);
}

static void bit_should_combine_and_negate(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*4\r\n:-1\r\n:0\r\n:-305419897\r\n:-1\r\n", "EVAL",
                  "return {bit.bnot(0), bit.bnot(-1), bit.bnot(0x12345678), bit.bnot(2^32)}", "0");
    rl_assert_cmd(
        emu, "*3\r\n:12\r\n:15\r\n:204\r\n", "EVAL",
        "return {bit.band(0xff, 0x0f, 0x3c), bit.bor(1, 2, 4, 8), bit.bxor(0xff, 0x0f, 0x3c)}",
        "0");
    rl_assert_cmd(emu, "*3\r\n:2147483647\r\n:-2147483647\r\n:-2\r\n", "EVAL",
                  "return {bit.band(-1, 0x7fffffff), bit.bor(0x80000000, 1), bit.bxor(-1, 1)}",
                  "0");
    rl_assert_cmd(emu, "*3\r\n:1\r\n:7\r\n:1\r\n", "EVAL",
                  "return {bit.band(1), bit.bor(2^32 + 7, 3), bit.bxor(1.7, 3)}", "0");
    rl_assert_cmd(emu, "*4\r\n:2018915346\r\n:-1\r\n:-16777216\r\n:-2147483648\r\n", "EVAL",
                  "return {bit.bswap(0x12345678), bit.bswap(-1), bit.bswap(0xff), bit.bswap(0x80)}",
                  "0");
    rl_test_free_emu(emu);
}

static void bit_should_shift_by_the_low_five_bits(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(
        emu, "*5\r\n:1\r\n:-2147483648\r\n:1\r\n:2\r\n:-2147483648\r\n", "EVAL",
        "return {bit.lshift(1, 0), bit.lshift(1, 31), bit.lshift(1, 32), bit.lshift(1, 33), "
        "bit.lshift(1, -1)}",
        "0");
    rl_assert_cmd(emu, "*4\r\n:15\r\n:1\r\n:-1\r\n:0\r\n", "EVAL",
                  "return {bit.rshift(-1, 28), bit.rshift(0x80000000, 31), bit.rshift(-1, 32), "
                  "bit.rshift(1, 1.5)}",
                  "0");
    rl_assert_cmd(emu, "*4\r\n:-4\r\n:16\r\n:-1\r\n:-1073741824\r\n", "EVAL",
                  "return {bit.arshift(-16, 2), bit.arshift(256, 4), bit.arshift(-1, 31), "
                  "bit.arshift(0x80000000, 1)}",
                  "0");
    rl_assert_cmd(
        emu, "*4\r\n:1\r\n:591751041\r\n:1\r\n:-2147483648\r\n", "EVAL",
        "return {bit.rol(0x80000000, 1), bit.rol(0x12345678, 4), bit.rol(1, 32), bit.rol(1, -1)}",
        "0");
    rl_assert_cmd(emu, "*4\r\n:-2147483648\r\n:-2128394905\r\n:1\r\n:-2147483648\r\n", "EVAL",
                  "return {bit.ror(1, 1), bit.ror(0x12345678, 4), bit.ror(1, 0), bit.ror(1, 33)}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n:-1851608128\r\n:305419896\r\n", "EVAL",
                  "return {bit.lshift(0x12345678, 2^32 + 3), bit.rshift(0x12345678, 0/0)}", "0");
    rl_test_free_emu(emu);
}

/* Debian's redis-server treats tohex(x, -2^31) as n = -2^31 + 1 (upstream crashes). */
static void bit_tohex_should_follow_width_and_case(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(
        emu, "*4\r\n$8\r\n000000ff\r\n$8\r\nffffffff\r\n$8\r\n12345678\r\n$8\r\n00000000\r\n",
        "EVAL", "return {bit.tohex(255), bit.tohex(-1), bit.tohex(0x12345678), bit.tohex(0)}", "0");
    rl_assert_cmd(
        emu, "*4\r\n$2\r\nff\r\n$2\r\nFF\r\n$0\r\n\r\n$8\r\n000000ff\r\n", "EVAL",
        "return {bit.tohex(255, 2), bit.tohex(255, -2), bit.tohex(255, 0), bit.tohex(255, 9)}",
        "0");
    rl_assert_cmd(
        emu, "*3\r\n$8\r\nABCDEF01\r\n$8\r\nABCDEF01\r\n$8\r\nabcdef01\r\n", "EVAL",
        "return {bit.tohex(0xABCDEF01, -8), bit.tohex(0xABCDEF01, -100), bit.tohex(0xABCDEF01, "
        "100)}",
        "0");
    rl_assert_cmd(emu, "*3\r\n$8\r\n00000001\r\n$8\r\n000000FF\r\n$8\r\nABCDEF01\r\n", "EVAL",
                  "return {bit.tohex(1, 2^31), bit.tohex(255, 2^31), bit.tohex(0xABCDEF01, -2^31)}",
                  "0");
    rl_assert_cmd(emu, "*4\r\n$8\r\n000000ff\r\n$0\r\n\r\n$2\r\nff\r\n$3\r\n0ff\r\n", "EVAL",
                  "return {bit.tohex(255, 2^31 - 1), bit.tohex(255, 2^32), bit.tohex(255, 1.5), "
                  "bit.tohex(255, '3')}",
                  "0");
    rl_assert_cmd(emu, "*3\r\n$8\r\n80000000\r\n$8\r\nFFFFFFFF\r\n$8\r\nffffffff\r\n", "EVAL",
                  "return {bit.tohex(2^31), bit.tohex(-1, -8), bit.tohex(bit.bnot(0))}", "0");
    rl_test_free_emu(emu);
}

static void bit_should_raise_lua_bitop_argument_errors(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'tobit' (number expected, got no value) script: "
        "6058df6fbdf91c1b96015f209fb1a490233f2272, on @user_script:1.\r\n",
        "EVAL", "return bit.tobit()", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'tobit' (number expected, got nil) script: "
        "130e2a6c711747aa38341d4cfaf2e15e27ffceb2, on @user_script:1.\r\n",
        "EVAL", "return bit.tobit(nil)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'tobit' (number expected, got string) script: "
        "4fe0a4258aa95439ac2f80d95b01a24a0ba1ff0c, on @user_script:1.\r\n",
        "EVAL", "return bit.tobit('x')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'tobit' (number expected, got table) script: "
        "c9c355caabcd207bb2074ae3fd5cc71de2ef4e3e, on @user_script:1.\r\n",
        "EVAL", "return bit.tobit({})", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "return bit.tobit('0')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'bnot' (number expected, got string) script: "
        "ebbf120c6e1b62ebe88f4ef04c0073bb9578a4e2, on @user_script:1.\r\n",
        "EVAL", "return bit.bnot('abc')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'band' (number expected, got string) script: "
        "855eca651502a1b972d194697c283b74019b4048, on @user_script:1.\r\n",
        "EVAL", "return bit.band(1, 'x')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #3 to 'band' (number expected, got string) script: "
        "63bd78740cd64d67afe474d2997255cd018d4206, on @user_script:1.\r\n",
        "EVAL", "return bit.band(1, 'x', 'y')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #3 to 'band' (number expected, got string) script: "
        "95ee8c13a2cdf57d92fc7ad0e27857920ca6362a, on @user_script:1.\r\n",
        "EVAL", "return bit.band(1, 2, 'x', 4)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'band' (number expected, got no value) script: "
        "5cf53f885283a4f44a8fe7ad7e7fccaed4113e62, on @user_script:1.\r\n",
        "EVAL", "return bit.band()", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'lshift' (number expected, got no value) script: "
        "96ef0de5140ab932215a1863ca1373f10f03b7a6, on @user_script:1.\r\n",
        "EVAL", "return bit.lshift(1)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'rol' (number expected, got string) script: "
        "e6354a22e242d4dcddbe980d0d4ecbe2adb30589, on @user_script:1.\r\n",
        "EVAL", "return bit.rol(1, 'x')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'tohex' (number expected, got nil) script: "
        "a371c52406761939e731eaf561be8634ccb2af98, on @user_script:1.\r\n",
        "EVAL", "return bit.tohex(1, nil)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'tohex' (number expected, got string) script: "
        "0ca1f096b532b33d775ffdc7a878ae173dc63339, on @user_script:1.\r\n",
        "EVAL", "return bit.tohex(1, 'x')", "0");
    rl_assert_cmd(emu, "*2\r\n:1\r\n:0\r\n", "EVAL",
                  "return {bit.tobit(1, 'ignored'), bit.tobit(0/0, 'x')}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$53\r\nbad argument #2 to '?' (number expected, got boolean)\r\n",
        "EVAL", "local ok, e = pcall(bit.band, 1, true) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu, "*2\r\n$5\r\nfalse\r\n$52\r\nbad argument #1 to '?' (number expected, got string)\r\n",
        "EVAL", "local ok, e = pcall(bit.tobit, '') return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'bswap' (number expected, got no value) script: "
        "1940a4681fdbaabac963f28c92ac161af67d94c5, on @user_script:1.\r\n",
        "EVAL", "local r = bit.bswap() return r", "0");
    rl_test_free_emu(emu);
}

static void bit_table_should_hold_the_twelve_functions(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(
        emu,
        "*12\r\n$16\r\narshift=function\r\n$13\r\nband=function\r\n$13\r\nbnot=function\r\n$12\r"
        "\nbor=function\r\n$14\r\nbswap=function\r\n$13\r\nbxor=function\r\n$15\r\nlshift=functio"
        "n\r\n$12\r\nrol=function\r\n$12\r\nror=function\r\n$15\r\nrshift=function\r\n$14\r\ntobi"
        "t=function\r\n$14\r\ntohex=function\r\n",
        "EVAL",
        "local t = {} for k, v in pairs(bit) do t[#t + 1] = k .. '=' .. type(v) end "
        "table.sort(t) return t",
        "0");
    rl_assert_cmd_pairs(
        emu,
        "*12\r\n$4\r\nband\r\n$6\r\nrshift\r\n$3\r\nbor\r\n$4\r\nbnot\r\n$5\r\nbswap\r\n$4\r\nbxo"
        "r\r\n$5\r\ntobit\r\n$3\r\nror\r\n$6\r\nlshift\r\n$5\r\ntohex\r\n$3\r\nrol\r\n$7\r\narshi"
        "ft\r\n",
        "EVAL", "local t = {} for k in pairs(bit) do t[#t + 1] = k end return t", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: "
                  "6bbd94f4484b7aa2cf890cfb47e68261e890dece, on @user_script:1.\r\n",
                  "EVAL", "rawset(bit, 'x', 1)", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: "
                  "0004d5ac32ff012e8dfc53fe78601ca7b627123d, on @user_script:1.\r\n",
                  "EVAL", "setmetatable(bit, {})", "0");
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bit_should_round_to_nearest_even_and_wrap),
        cmocka_unit_test(bit_should_combine_and_negate),
        cmocka_unit_test(bit_should_shift_by_the_low_five_bits),
        cmocka_unit_test(bit_tohex_should_follow_width_and_case),
        cmocka_unit_test(bit_should_raise_lua_bitop_argument_errors),
        cmocka_unit_test(bit_table_should_hold_the_twelve_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
