/* The cjson library (lua_cjson.c), lua-cjson 2.1.0 as Redis 7.0 ships it.
 * Built and run once per Lua engine. Every expected reply was read from
 * redis-server 7.0.15 (Debian 7.0.15-1~deb12u10) running the same commands
 * in order (settings persist between scripts until SCRIPT FLUSH, so order
 * matters). Objects with several keys are written in pairs() order, which
 * only PUC Lua shares with Redis; those assertions are guarded. */
#include "test_common.h"

#include <string.h>

static void cjson_encode_should_write_numbers_with_14_digits(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$31\r\n[1,-1,0,0.1,0.33333333333333,3]\r\n", "EVAL",
                  "return cjson.encode({1, -1, 0, 0.1, 1/3, 3.0})", "0");
    rl_assert_cmd(emu, "$2\r\n-0\r\n", "EVAL", "return cjson.encode(-0.0)", "0");
    rl_assert_cmd(
        emu,
        "$80\r\n[1e+20,9.007199254741e+15,1e-07,1.2345678901235e+17,1e+308,4.9406564584125e-324]"
        "\r\n",
        "EVAL", "return cjson.encode({1e20, 2^53, 1e-7, 123456789012345678, 1e308, 5e-324})", "0");
    rl_assert_cmd(
        emu, "$56\r\n[0.5,100,1e+14,1e+15,12345678901234,1.2345678901234e+14]\r\n", "EVAL",
        "return cjson.encode({0.5, 100, 1e14, 1e15, 12345678901234, 123456789012345})", "0");
    rl_assert_cmd(
        emu, "$71\r\n[-9.2233720368548e+18,9.2233720368548e+18,4.9406564584125e-324,-1e-308]\r\n",
        "EVAL", "return cjson.encode({-2^63, 2^63, 2^-1074, -1e-308})", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise number: must not be NaN or Inf script: "
                  "08ffdaa5e7f117332da21c3b5222c2ede9492c60, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode(1/0)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise number: must not be NaN or Inf script: "
                  "eeea526afae25161c515bd49cddc89d6cfbf2456, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode(-1/0)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise number: must not be NaN or Inf script: "
                  "d3f8d4e745d6587b04e9dd216e0d4631f0a306d9, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode(0/0)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise number: must not be NaN or Inf script: "
                  "49e9920f572abba300ff983c80817e5a096a7fec, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode({['x'] = 0/0})", "0");
    rl_test_free_emu(emu);
}

static void cjson_encode_should_escape_like_lua_cjson(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$12\r\n\"a\\\"b\\\\c\\/d\"\r\n", "EVAL",
                  "return cjson.encode('a\"b\\\\c/d')", "0");
    rl_assert_cmd(emu, "$12\r\n\"\\b\\f\\n\\r\\t\"\r\n", "EVAL",
                  "return cjson.encode('\\b\\f\\n\\r\\t')", "0");
    rl_assert_cmd(emu, "$34\r\n\"\\u0000\\u0001\\u0002\\u001f\\u007f\200\377\"\r\n", "EVAL",
                  "return cjson.encode('\\0\\1\\2\\31\\127\\128\\255')", "0");
    rl_assert_cmd(emu, "$38\r\n\"\\u000b\\u000e\\u000f\\u0010\\u001a\\u001b\"\r\n", "EVAL",
                  "return cjson.encode(string.char(11, 14, 15, 16, 26, 27))", "0");
    rl_assert_cmd(emu, "$7\r\n\"\303\251\346\227\245\"\r\n", "EVAL",
                  "return cjson.encode('\\195\\169\\230\\151\\165')", "0");
    rl_assert_cmd(emu, "$2\r\n\"\"\r\n", "EVAL", "return cjson.encode('')", "0");
    rl_assert_cmd(emu, "$15\r\n{\"a\\/b\":\"c\\\"d\"}\r\n", "EVAL",
                  "return cjson.encode({['a/b'] = 'c\"d'})", "0");
    rl_assert_cmd(emu, "$10\r\n[\"\\\\\\\\\\\\\"]\r\n", "EVAL",
                  "return cjson.encode({string.rep('\\\\', 3)})", "0");
    rl_test_free_emu(emu);
}

static void cjson_encode_should_tell_arrays_from_objects(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$2\r\n{}\r\n", "EVAL", "return cjson.encode({})", "0");
    rl_assert_cmd(emu, "$7\r\n[1,2,3]\r\n", "EVAL", "return cjson.encode({1, 2, 3})", "0");
    rl_assert_cmd(emu, "$10\r\n[1,null,3]\r\n", "EVAL", "return cjson.encode({1, nil, 3})", "0");
    rl_assert_cmd(emu, "$12\r\n[1,2,null,4]\r\n", "EVAL",
                  "return cjson.encode({[1] = 1, [2] = 2, [4] = 4})", "0");
    rl_assert_cmd(emu, "$8\r\n[null,1]\r\n", "EVAL", "return cjson.encode({[2] = 1})", "0");
    rl_assert_cmd(emu, "$45\r\n[1,null,null,null,null,null,null,null,null,2]\r\n", "EVAL",
                  "return cjson.encode({[1] = 1, [10] = 2})", "0");
    rl_assert_cmd(emu, "$20\r\n[null,null,1,null,2]\r\n", "EVAL",
                  "return cjson.encode({[3] = 1, [5] = 2})", "0");
    rl_assert_cmd(emu, "$7\r\n{\"0\":1}\r\n", "EVAL", "return cjson.encode({[0] = 1})", "0");
    rl_assert_cmd(emu, "$8\r\n{\"-1\":1}\r\n", "EVAL", "return cjson.encode({[-1] = 1})", "0");
    rl_assert_cmd(emu, "$9\r\n{\"1.5\":1}\r\n", "EVAL", "return cjson.encode({[1.5] = 1})", "0");
    rl_assert_cmd(emu, "$9\r\n{\"a\":\"x\"}\r\n", "EVAL", "return cjson.encode({a = 'x'})", "0");
    rl_assert_cmd(emu, "$20\r\n{\"a\":{\"b\":{\"c\":{}}}}\r\n", "EVAL",
                  "return cjson.encode({a = {b = {c = {}}}})", "0");
    rl_assert_cmd(emu, "$16\r\n[{},[{}],[[{}]]]\r\n", "EVAL",
                  "return cjson.encode({{}, {{}}, {{{}}}})", "0");
    rl_assert_cmd(emu, "$12\r\n[true,false]\r\n", "EVAL",
                  "return cjson.encode({[1] = true, [2] = false})", "0");
    rl_assert_cmd(emu, "$19\r\n{\"1099511627776\":1}\r\n", "EVAL",
                  "return cjson.encode({[2^40] = 1})", "0");
    rl_assert_cmd(emu, "$16\r\n{\"2147483648\":1}\r\n", "EVAL", "return cjson.encode({[2^31] = 1})",
                  "0");
    rl_assert_cmd(emu, "$6\r\n[null]\r\n", "EVAL", "return cjson.encode({[1] = cjson.null})", "0");
    rl_assert_cmd(emu, "$10\r\n{\"n\":null}\r\n", "EVAL", "return cjson.encode({n = cjson.null})",
                  "0");
    rl_assert_cmd(emu, "$12\r\n[true,false]\r\n", "EVAL", "return cjson.encode({true, false, nil})",
                  "0");
    rl_assert_cmd(emu, "$5\r\n[1,2]\r\n", "EVAL",
                  "return cjson.encode(setmetatable({1, 2}, {__len = function() return 5 end}))",
                  "0");
    rl_assert_cmd_pairs(emu, "$25\r\n{\"1\":1,\"2\":2,\"1\":4,\"3\":3}\r\n", "EVAL",
                        "return cjson.encode({[1] = 1, [2] = 2, [3] = 3, ['1'] = 4})", "0");
    rl_assert_cmd_pairs(emu, "$19\r\n{\"1\":1,\"2\":2,\"a\":3}\r\n", "EVAL",
                        "return cjson.encode({1, 2, a = 3})", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise table: excessively sparse array script: "
                  "cd90e31c96870ac4e5a0882544dcf03116fc1916, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode({[1] = 1, [11] = 2, [12] = 3})", "0");
    rl_assert_cmd(
        emu, "$71\r\n[1,1,1,1,1,1,1,1,1,null,null,null,null,null,null,null,null,null,null,1]\r\n",
        "EVAL",
        "return cjson.encode({[20] = 1, [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, "
        "[7] = 1, [8] = 1, [9] = 1})",
        "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Cannot serialise table: excessively sparse array script: "
        "c04e75bacd91341bfa4a8c3ac3bf24951b0096ed, on @user_script:1.\r\n",
        "EVAL",
        "return cjson.encode({[21] = 1, [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, "
        "[7] = 1, [8] = 1, [9] = 1})",
        "0");
    rl_test_free_emu(emu);
}

static void cjson_encode_should_refuse_what_json_cannot_hold(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise table: excessively sparse array script: "
                  "099d61b3a321f4ea9655a3f4c396114ba1d10899, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode({[1] = 1, [11] = 2})", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Cannot serialise boolean: table key must be a number or string "
        "script: 9be9d56d744ab7aaccc1be53d581f76afb5ae4bd, on @user_script:1.\r\n",
        "EVAL", "return cjson.encode({[true] = 1})", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Cannot serialise table: table key must be a number or string "
        "script: f5015c082e276158872f3ba04e6c53c359ffba35, on @user_script:1.\r\n",
        "EVAL", "return cjson.encode({[{}] = 1})", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Script attempted to access nonexistent global variable 'print' "
        "script: 8d87d02dc9dc22ef8e1a9ef2fc499a776fb0dbdd, on @user_script:1.\r\n",
        "EVAL", "return cjson.encode(print)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise function: type not supported script: "
                  "7af458adac0845cdec0afdda1c3ab2ccd6c4f0da, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode({f = string.len})", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise thread: type not supported script: "
                  "a6623ce6b732fc5d7a9f3cf8070e4ed88fffcddb, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode(coroutine.create(function() end))", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise number: must not be NaN or Inf script: "
                  "9f18d3d46e2f4b3fe38e8e9be4cac6144a22763c, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode({[1/0] = 1})", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise number: must not be NaN or Inf script: "
                  "ac912be45ba2581869fe8bf5755c7fed2b2313d0, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode({1/0})", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise function: type not supported script: "
                  "fd9054455742051c5dc4b4ae0b003252bead04c5, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode({1, 2, [4] = function() end})", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'encode' (expected 1 argument) script: "
                  "fc593ea31f478c7ed65c77495cc63edeb9153530, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode()", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'encode' (expected 1 argument) script: "
                  "e3a38cd8c1bb7de419304607b05108c80af53cbc, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode(1, 2)", "0");
    rl_assert_cmd(emu, "$4\r\nnull\r\n", "EVAL", "return cjson.encode(nil)", "0");
    rl_assert_cmd(emu, ":2000\r\n", "EVAL",
                  "local t = {} local c = t for i = 1, 999 do c[1] = {} c = c[1] end return "
                  "#cjson.encode(t)",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise, excessive nesting (1001) script: "
                  "4f7f10ecb0640f36fc4ac5b982c2ed92f920c476, on @user_script:1.\r\n",
                  "EVAL",
                  "local t = {} local c = t for i = 1, 1000 do c[1] = {} c = c[1] end return "
                  "#cjson.encode(t)",
                  "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Cannot serialise, excessive nesting (1001) script: "
        "053c7b616efe6df095dc1f18196eef5081d15068, on @user_script:1.\r\n",
        "EVAL",
        "local t = {} local c = t for i = 1, 1000 do c.a = {} c = c.a end return cjson.encode(t)",
        "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise, excessive nesting (1001) script: "
                  "576653f0096d47f87063058b9abe9085cdcd4f41, on @user_script:1.\r\n",
                  "EVAL", "local t = {} t[1] = t return cjson.encode(t)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Script attempted to access nonexistent global variable 'print' "
        "script: d32dce34804053b658544d2839d4a8c06c053620, on @user_script:1.\r\n",
        "EVAL", "local ok, e = pcall(cjson.encode, {a = print}) return e", "0");
    rl_test_free_emu(emu);
}

/* A failing setter may have changed the settings before the failing argument. */
static void cjson_settings_should_have_redis_defaults_and_checks(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(
        emu,
        "*9\r\n$5\r\nfalse\r\n:2\r\n:10\r\n:1000\r\n:1000\r\n:14\r\n$4\r\ntrue\r\n$5\r\nfalse\r\n"
        "$4\r\ntrue\r\n",
        "EVAL",
        "local a, b, c = cjson.encode_sparse_array() return {tostring(a), b, c, "
        "cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision(), "
        "tostring(cjson.encode_keep_buffer()), tostring(cjson.encode_invalid_numbers()), "
        "tostring(cjson.decode_invalid_numbers())}",
        "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'encode_number_precision' (expected integer "
        "between 1 and 14) script: 208a2ca1783398233de006ab8a11e48151d6a3ec, on "
        "@user_script:1.\r\n",
        "EVAL", "return cjson.encode_number_precision(0)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'encode_number_precision' (expected integer "
        "between 1 and 14) script: bbd9450de606b026b51b67e7b961ff09397ea6dd, on "
        "@user_script:1.\r\n",
        "EVAL", "return cjson.encode_number_precision(15)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'encode_number_precision' (number expected, got "
        "string) script: 8d0008d5f0d16a721a289258267f16eea5d54a95, on @user_script:1.\r\n",
        "EVAL", "return cjson.encode_number_precision('x')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #2 to 'encode_number_precision' (found too many "
        "arguments) script: 96f60690a3b1442a2648595e4022888eb1b29ad6, on @user_script:1.\r\n",
        "EVAL", "return cjson.encode_number_precision(1, 2)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'encode_max_depth' (expected integer between 1 "
        "and 2147483647) script: f40da52b0819d675b8802812b1c4504462426d31, on @user_script:1.\r\n",
        "EVAL", "return cjson.encode_max_depth(0)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'decode_max_depth' (expected integer between 1 "
        "and 2147483647) script: ec1659e354e1be03726de086497576a926a9cbbf, on @user_script:1.\r\n",
        "EVAL", "return cjson.decode_max_depth(-1)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'encode_sparse_array' (expected integer between "
        "0 and 2147483647) script: fc87412626061342c56f3c5bbbc69d6dc9b90499, on "
        "@user_script:1.\r\n",
        "EVAL", "return cjson.encode_sparse_array(true, -1)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'encode_sparse_array' (expected integer between "
        "0 and 2147483647) script: bc44470f39cf6547f80d2d3802ce6d78500b1bfa, on "
        "@user_script:1.\r\n",
        "EVAL", "return cjson.encode_sparse_array(true, 1, -1)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'encode_sparse_array' (invalid option 'x') "
        "script: 840c2a57198cb99403029c4335c56cafc3840962, on @user_script:1.\r\n",
        "EVAL", "return cjson.encode_sparse_array('x')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #4 to 'encode_sparse_array' (found too many arguments) "
        "script: 05d93fdd503d90490d66a3858278ae623165b131, on @user_script:1.\r\n",
        "EVAL", "return cjson.encode_sparse_array(true, 2, 10, 4)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'encode_keep_buffer' (invalid option 'maybe') "
        "script: 784ec2b3ecc8cefb20ef2d614a006d9defe12fa4, on @user_script:1.\r\n",
        "EVAL", "return cjson.encode_keep_buffer('maybe')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'encode_keep_buffer' (invalid option '1') "
        "script: 9b0b81d1d5be71be522bde8c8d92e598ae999c42, on @user_script:1.\r\n",
        "EVAL", "return cjson.encode_keep_buffer(1)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'encode_invalid_numbers' (invalid option 'nul') "
        "script: 4fab89882d0c60c184330a56bedbcd1b51f45ee1, on @user_script:1.\r\n",
        "EVAL", "return cjson.encode_invalid_numbers('nul')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'encode_invalid_numbers' (string expected, got "
        "table) script: 0e36dc2a3a9c54f621a0ce6a0fef7557a16972bc, on @user_script:1.\r\n",
        "EVAL", "return cjson.encode_invalid_numbers({})", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'decode_invalid_numbers' (invalid option 'null') "
        "script: bb0df997802ffafddfa733f632b2c3c7db0c218a, on @user_script:1.\r\n",
        "EVAL", "return cjson.decode_invalid_numbers('null')", "0");
    rl_assert_cmd(
        emu,
        "*9\r\n$4\r\ntrue\r\n:1\r\n:10\r\n:1000\r\n:1000\r\n:14\r\n$4\r\ntrue\r\n$5\r\nfalse\r\n$"
        "4\r\ntrue\r\n",
        "EVAL",
        "local a, b, c = cjson.encode_sparse_array() return {tostring(a), b, c, "
        "cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision(), "
        "tostring(cjson.encode_keep_buffer()), tostring(cjson.encode_invalid_numbers()), "
        "tostring(cjson.decode_invalid_numbers())}",
        "0");
    rl_assert_cmd(emu, ":5\r\n", "EVAL", "return cjson.encode_number_precision(2^32 + 5)", "0");
    rl_assert_cmd(emu, ":5\r\n", "EVAL", "return cjson.encode_number_precision(5.9)", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return cjson.encode_max_depth(1.5)", "0");
    rl_assert_cmd(
        emu,
        "*9\r\n$4\r\ntrue\r\n:1\r\n:10\r\n:1\r\n:1000\r\n:5\r\n$4\r\ntrue\r\n$5\r\nfalse\r\n$4\r"
        "\ntrue\r\n",
        "EVAL",
        "local a, b, c = cjson.encode_sparse_array() return {tostring(a), b, c, "
        "cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision(), "
        "tostring(cjson.encode_keep_buffer()), tostring(cjson.encode_invalid_numbers()), "
        "tostring(cjson.decode_invalid_numbers())}",
        "0");
    rl_assert_cmd(emu, "+OK\r\n", "SCRIPT", "FLUSH");
    rl_assert_cmd(
        emu,
        "*9\r\n$5\r\nfalse\r\n:2\r\n:10\r\n:1000\r\n:1000\r\n:14\r\n$4\r\ntrue\r\n$5\r\nfalse\r\n"
        "$4\r\ntrue\r\n",
        "EVAL",
        "local a, b, c = cjson.encode_sparse_array() return {tostring(a), b, c, "
        "cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision(), "
        "tostring(cjson.encode_keep_buffer()), tostring(cjson.encode_invalid_numbers()), "
        "tostring(cjson.decode_invalid_numbers())}",
        "0");
    rl_test_free_emu(emu);
}

static void cjson_settings_should_persist_until_script_flush(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$20\r\n[0.333,1.23e+06,0.1]\r\n", "EVAL",
                  "cjson.encode_number_precision(3) return cjson.encode({1/3, 1234567, 0.1})", "0");
    rl_assert_cmd(emu, "$16\r\n[0.333,1.23e+06]\r\n", "EVAL", "return cjson.encode({1/3, 1234567})",
                  "0");
    rl_assert_cmd(emu, "$23\r\n[0.3,2e+01,0.06,1e+100]\r\n", "EVAL",
                  "cjson.encode_number_precision(1) return cjson.encode({1/3, 15, 0.06, 1e100})",
                  "0");
    rl_assert_cmd(emu, ":14\r\n", "EVAL", "return cjson.encode_number_precision(14)", "0");
    rl_assert_cmd(emu, "$16\r\n0.33333333333333\r\n", "EVAL", "return cjson.encode(1/3)", "0");
    rl_assert_cmd(emu, ":2\r\n", "EVAL", "return cjson.encode_max_depth(2)", "0");
    rl_assert_cmd(emu, "$5\r\n[[1]]\r\n", "EVAL", "return cjson.encode({{1}})", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise, excessive nesting (3) script: "
                  "16a93f15fe65727018096b2814a95cac3753b00b, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode({{{1}}})", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return cjson.decode_max_depth(1)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Found too many nested data structures (2) at character 6 script: "
        "891b293ddfb60617cdeef8cca2bdad7513fd8785, on @user_script:1.\r\n",
        "EVAL", "return cjson.decode('{\"a\":{}}')", "0");
    rl_assert_cmd(emu, "+OK\r\n", "SCRIPT", "FLUSH");
    rl_assert_cmd(
        emu, "*3\r\n:1000\r\n:1000\r\n$7\r\n[[[1]]]\r\n", "EVAL",
        "return {cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode({{{1}}})}", "0");
    rl_test_free_emu(emu);
}

static void cjson_encode_invalid_numbers_should_choose_error_text_or_null(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return cjson.encode_invalid_numbers(true)", "0");
    rl_assert_cmd(emu, "$18\r\n[inf,-inf,nan,nan]\r\n", "EVAL",
                  "return cjson.encode({1/0, -1/0, 0/0, -(0/0)})", "0");
    rl_assert_cmd(emu, "$9\r\n{\"inf\":1}\r\n", "EVAL", "return cjson.encode({[1/0] = 1})", "0");
    rl_assert_cmd(emu, "$4\r\nnull\r\n", "EVAL", "return cjson.encode_invalid_numbers('null')",
                  "0");
    rl_assert_cmd(emu, "$18\r\n[null,null,null,5]\r\n", "EVAL",
                  "return cjson.encode({1/0, -1/0, 0/0, 5})", "0");
    rl_assert_cmd(emu, "$10\r\n{\"null\":1}\r\n", "EVAL", "return cjson.encode({[1/0] = 1})", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return cjson.encode_invalid_numbers('on')", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return cjson.encode_invalid_numbers('off')", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return cjson.encode_invalid_numbers(false)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise number: must not be NaN or Inf script: "
                  "08ffdaa5e7f117332da21c3b5222c2ede9492c60, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode(1/0)", "0");
    rl_test_free_emu(emu);
}

static void cjson_encode_sparse_array_should_convert_or_allow(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*3\r\n:1\r\n:2\r\n:10\r\n", "EVAL",
                  "return {cjson.encode_sparse_array(true)}", "0");
    rl_assert_cmd_pairs(emu, "$14\r\n{\"1\":1,\"11\":2}\r\n", "EVAL",
                        "return cjson.encode({[1] = 1, [11] = 2})", "0");
    rl_assert_cmd(emu, "*3\r\n$-1\r\n:0\r\n:10\r\n", "EVAL",
                  "return {cjson.encode_sparse_array(false, 0)}", "0");
    rl_assert_cmd(
        emu,
        "$4995\r\n[1,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,n"
        "ull,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null"
        ",null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nu"
        "ll,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,"
        "null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nul"
        "l,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,n"
        "ull,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null"
        ",null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nu"
        "ll,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,"
        "null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nul"
        "l,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,n"
        "ull,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null"
        ",null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nu"
        "ll,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,"
        "null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nul"
        "l,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,n"
        "ull,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null"
        ",null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nu"
        "ll,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,"
        "null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nul"
        "l,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,n"
        "ull,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null"
        ",null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nu"
        "ll,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,"
        "null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nul"
        "l,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,n"
        "ull,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null"
        ",null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nu"
        "ll,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,"
        "null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nul"
        "l,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,n"
        "ull,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null"
        ",null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nu"
        "ll,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,"
        "null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nul"
        "l,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,n"
        "ull,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null"
        ",null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nu"
        "ll,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,"
        "null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nul"
        "l,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,n"
        "ull,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null"
        ",null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nu"
        "ll,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,"
        "null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nul"
        "l,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,n"
        "ull,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null"
        ",null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nu"
        "ll,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,"
        "null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nul"
        "l,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,n"
        "ull,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null"
        ",null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nu"
        "ll,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,"
        "null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,nul"
        "l,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,n"
        "ull,null,null,null,null,null,null,null,null,null,null,null,null,null,null,2]\r\n",
        "EVAL", "return cjson.encode({[1] = 1, [1000] = 2})", "0");
    rl_assert_cmd(emu, "*3\r\n$-1\r\n:1\r\n:0\r\n", "EVAL",
                  "return {cjson.encode_sparse_array(false, 1, 0)}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise table: excessively sparse array script: "
                  "070e52ba4f3029e2238c6c1d2b3a09ef169e54db, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode({[1] = 1, [3] = 2})", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise table: excessively sparse array script: "
                  "4f27ef90a560d4c24e5506bb5eedf153ba8eef3d, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode({[2] = 1})", "0");
    rl_assert_cmd(emu, "$5\r\n[1,2]\r\n", "EVAL", "return cjson.encode({[1] = 1, [2] = 2})", "0");
    rl_assert_cmd(emu, "*3\r\n:1\r\n:3\r\n:4\r\n", "EVAL",
                  "return {cjson.encode_sparse_array(true, 3, 4)}", "0");
    rl_assert_cmd(emu, "$20\r\n[1,null,null,null,2]\r\n", "EVAL",
                  "return cjson.encode({[1] = 1, [5] = 2})", "0");
    rl_assert_cmd_pairs(emu, "$13\r\n{\"1\":1,\"7\":2}\r\n", "EVAL",
                        "return cjson.encode({[1] = 1, [7] = 2})", "0");
    rl_assert_cmd(emu, "*3\r\n$-1\r\n:2\r\n:10\r\n", "EVAL",
                  "return {cjson.encode_sparse_array(false, 2, 10)}", "0");
    rl_assert_cmd(emu, "*4\r\n$-1\r\n$5\r\n[1,2]\r\n:1\r\n$3\r\n[3]\r\n", "EVAL",
                  "return {cjson.encode_keep_buffer(false), cjson.encode({1, 2}), "
                  "cjson.encode_keep_buffer(true), cjson.encode({3})}",
                  "0");
    rl_test_free_emu(emu);
}

static void cjson_new_should_make_an_independent_module(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(
        emu, "*4\r\n$4\r\n0.33\r\n$16\r\n0.33333333333333\r\n:2\r\n:14\r\n", "EVAL",
        "local c = cjson.new() c.encode_number_precision(2) return {c.encode(1/3), "
        "cjson.encode(1/3), c.encode_number_precision(), cjson.encode_number_precision()}",
        "0");
    rl_assert_cmd(
        emu, "*5\r\n:1\r\n$5\r\ncjson\r\n$5\r\n2.1.0\r\n$4\r\ntrue\r\n$8\r\nfunction\r\n", "EVAL",
        "local c = cjson.new() c.x = 1 return {c.x, c._NAME, c._VERSION, tostring(c.null == "
        "cjson.null), type(c.new)}",
        "0");
    rl_assert_cmd(
        emu,
        "*13\r\n$5\r\n_NAME\r\n$8\r\n_VERSION\r\n$6\r\ndecode\r\n$22\r\ndecode_invalid_numbers\r"
        "\n$16\r\ndecode_max_depth\r\n$6\r\nencode\r\n$22\r\nencode_invalid_numbers\r\n$18\r\nenc"
        "ode_keep_buffer\r\n$16\r\nencode_max_depth\r\n$23\r\nencode_number_precision\r\n$19\r\ne"
        "ncode_sparse_array\r\n$3\r\nnew\r\n$4\r\nnull\r\n",
        "EVAL",
        "local c = cjson.new() local t = {} for k in pairs(c) do t[#t + 1] = k end table.sort(t) "
        "return t",
        "0");
    rl_assert_cmd(emu, "*3\r\n:5\r\n:1000\r\n:1000\r\n", "EVAL",
                  "local c = cjson.new() local c2 = c.new() c.encode_max_depth(5) return "
                  "{c.encode_max_depth(), c2.encode_max_depth(), cjson.encode_max_depth()}",
                  "0");
    rl_test_free_emu(emu);
}

static void cjson_decode_should_read_json_values(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$7\r\n[1,2,3]\r\n", "EVAL",
                  "return cjson.encode(cjson.decode([==[[1,2,3]]==]))", "0");
    rl_assert_cmd(emu, "$8\r\n{\"a\":{}}\r\n", "EVAL",
                  "return cjson.encode(cjson.decode([==[{\"a\":[]}]==]))", "0");
    rl_assert_cmd(emu, "$2\r\n{}\r\n", "EVAL", "return cjson.encode(cjson.decode([==[[]]==]))",
                  "0");
    rl_assert_cmd(emu, "$2\r\n{}\r\n", "EVAL", "return cjson.encode(cjson.decode([==[{}]==]))",
                  "0");
    rl_assert_cmd(emu, "$3\r\n\"x\"\r\n", "EVAL",
                  "return cjson.encode(cjson.decode([==[\"x\"]==]))", "0");
    rl_assert_cmd(emu, "$2\r\n-0\r\n", "EVAL", "return cjson.encode(cjson.decode([==[-0]==]))",
                  "0");
    rl_assert_cmd(emu, "$5\r\n1e-05\r\n", "EVAL", "return cjson.encode(cjson.decode([==[1E-5]==]))",
                  "0");
    rl_assert_cmd(emu, "$2\r\n16\r\n", "EVAL", "return cjson.encode(cjson.decode([==[0x10]==]))",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise number: must not be NaN or Inf script: "
                  "690f3b872881e1793266463872c6b13ff6a8699e, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode(cjson.decode([==[NaN]==]))", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise number: must not be NaN or Inf script: "
                  "1c1073ba5b68593f5fbd89d596498a86804e3303, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode(cjson.decode([==[-Infinity]==]))", "0");
    rl_assert_cmd(emu, "$1\r\n1\r\n", "EVAL", "return cjson.encode(cjson.decode([==[+1]==]))", "0");
    rl_assert_cmd(emu, "$1\r\n1\r\n", "EVAL", "return cjson.encode(cjson.decode([==[01]==]))", "0");
    rl_assert_cmd(emu, "$1\r\n1\r\n", "EVAL", "return cjson.encode(cjson.decode([==[1.]==]))", "0");
    rl_assert_cmd(
        emu, "$17\r\n\"\303\251\360\237\230\200A\337\277\340\240\200\357\277\277\"\r\n", "EVAL",
        "return cjson.encode(cjson.decode([==[\"\\u00e9\\ud83d\\ude00\\u0041\\u07ff\\u0800\\uFFFF"
        "\"]==]))",
        "0");
    rl_assert_cmd(emu, "$18\r\n\"\\b\\f\\n\\r\\t\\\"\\\\\\/\"\r\n", "EVAL",
                  "return cjson.encode(cjson.decode([==[\"\\b\\f\\n\\r\\t\\\"\\\\\\/\"]==]))", "0");
    rl_assert_cmd(emu, "$8\r\n\"\\u0000\"\r\n", "EVAL",
                  "return cjson.encode(cjson.decode([==[\"\\u0000\"]==]))", "0");
    rl_assert_cmd(emu, "$3\r\n[1]\r\n", "EVAL",
                  "return cjson.encode(cjson.decode([==[  [1]  ]==]))", "0");
    rl_assert_cmd(emu, "$17\r\n[true,false,null]\r\n", "EVAL",
                  "return cjson.encode(cjson.decode([==[[true,false,null]]==]))", "0");
    rl_assert_cmd(emu, "$20\r\n[{\"a\":[{\"b\":null}]}]\r\n", "EVAL",
                  "return cjson.encode(cjson.decode([==[[{\"a\":[{\"b\":null}]}]]==]))", "0");
    rl_assert_cmd_pairs(emu, "$7\r\n{\"a\":2}\r\n", "EVAL",
                        "return cjson.encode(cjson.decode([==[{\"a\":1,\"a\":2}]==]))", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise number: must not be NaN or Inf script: "
                  "9db29efc4a7d968f713fbba9b68ced3d5471d9a5, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode(cjson.decode([==[1e400]==]))", "0");
    rl_assert_cmd(emu, "$19\r\n1.2345678901235e+29\r\n", "EVAL",
                  "return cjson.encode(cjson.decode([==[123456789012345678901234567890]==]))", "0");
    rl_assert_cmd(emu, "$7\r\n{\"\":\"\"}\r\n", "EVAL",
                  "return cjson.encode(cjson.decode([==[{\"\":\"\"}]==]))", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Expected value but found invalid escape code at character 2 script: "
        "6caf8db3eff8afe530b5a45eda5ae50120b3b210, on @user_script:1.\r\n",
        "EVAL", "return cjson.encode(cjson.decode([==[\"\\200\\255\"]==]))", "0");
    rl_assert_cmd(emu, "$5\r\n[1,2]\r\n", "EVAL",
                  "return cjson.encode(cjson.decode([==[\n[\n1\n,\n2\n]\n]==]))", "0");
    rl_assert_cmd(emu, "*3\r\n:1\r\n:2\r\n:3\r\n", "EVAL", "return cjson.decode('[1,2,3]')", "0");
    rl_assert_cmd(emu, "$3\r\nabc\r\n", "EVAL", "return cjson.decode('\"abc\"')", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return cjson.decode('1.5')", "0");
    rl_assert_cmd(emu, "*2\r\n$1\r\na\r\n*3\r\n$1\r\nb\r\n:1\r\n$-1\r\n", "EVAL",
                  "return cjson.decode('[\"a\",[\"b\",true,false]]')", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return cjson.decode('{\"a\":1}').a", "0");
    rl_assert_cmd(emu, ":123\r\n", "EVAL", "return cjson.decode(123)", "0");
    rl_assert_cmd(emu, "$3\r\nnan\r\n", "EVAL", "return tostring(cjson.decode('NaN'))", "0");
    rl_assert_cmd(emu, "$2\r\n-0\r\n", "EVAL", "return tostring(cjson.decode('-0'))", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return cjson.decode('null')", "0");
    rl_assert_cmd(emu, "*3\r\n:1\r\n$-1\r\n:3\r\n", "EVAL", "return {1, cjson.decode('null'), 3}",
                  "0");
    rl_assert_cmd(emu, "$4\r\ntrue\r\n", "EVAL",
                  "return tostring(cjson.decode('null') == cjson.null)", "0");
    rl_assert_cmd(emu, "*1\r\n:1\r\n", "EVAL", "return cjson.decode('[1]\\0x')", "0");
    rl_assert_cmd_pairs(emu, "$13\r\n{\"1\":1,\"2\":2}\r\n", "EVAL",
                        "return cjson.encode(cjson.decode('{\"1\":1,\"2\":2}'))", "0");
    rl_assert_cmd(emu, "*3\r\n:1\r\n:2\r\n:3\r\n", "EVAL",
                  "local t = cjson.decode('[1,2]') t[3] = 3 return t", "0");
    rl_test_free_emu(emu);
}

static void cjson_decode_should_report_lua_cjson_errors(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(
        emu, "*2\r\n$5\r\nfalse\r\n$45\r\nExpected value but found T_END at character 1\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu, "*2\r\n$5\r\nfalse\r\n$45\r\nExpected value but found T_END at character 2\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[ ]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$58\r\nExpected comma or array end but found T_END at character "
        "5\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[[1,2]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu, "*2\r\n$5\r\nfalse\r\n$49\r\nExpected value but found T_ARR_END at character 6\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[[1,2,]]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu, "*2\r\n$5\r\nfalse\r\n$47\r\nExpected value but found T_COMMA at character 2\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[[,]]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$61\r\nExpected comma or array end but found T_NUMBER at character "
        "4\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[[1 2]]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu, "*2\r\n$5\r\nfalse\r\n$48\r\nExpected colon but found T_NUMBER at character 6\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[{\"a\" 1}]==]) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$61\r\nExpected object key string but found T_OBJ_END at character "
        "8\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[{\"a\":1,}]==]) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$65\r\nExpected object key string but found invalid token at "
        "character 2\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[{a:1}]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$62\r\nExpected comma or object end but found T_STRING at "
        "character 8\r\n",
        "EVAL",
        "local ok, e = pcall(cjson.decode, [==[{\"a\":1 \"b\":2}]==]) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu, "*2\r\n$5\r\nfalse\r\n$45\r\nExpected colon but found T_END at character 5\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[{\"a\"]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu, "*2\r\n$5\r\nfalse\r\n$45\r\nExpected value but found T_END at character 6\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[{\"a\":]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$55\r\nExpected the end but found invalid token at character 4\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[[1]x]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$55\r\nExpected the end but found invalid token at character 5\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[[1] x]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu, "*2\r\n$5\r\nfalse\r\n$50\r\nExpected the end but found T_NUMBER at character 3\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[1 2]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu, "*2\r\n$5\r\nfalse\r\n$51\r\nExpected the end but found T_ARR_END at character 4\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[[1]]]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$53\r\nExpected value but found invalid token at character 1\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[x]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$53\r\nExpected value but found invalid token at character 1\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[.5]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$54\r\nExpected value but found invalid number at character 1\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[-]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$54\r\nExpected value but found invalid number at character 1\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[- 1]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$54\r\nExpected value but found invalid number at character 1\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[--1]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$54\r\nExpected value but found invalid number at character 1\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[+]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$55\r\nExpected the end but found invalid token at character 4\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[infinit]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$55\r\nExpected the end but found invalid token at character 4\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[nanx]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$53\r\nExpected value but found invalid token at character 1\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[tru]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$53\r\nExpected value but found invalid token at character 1\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[nul]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$53\r\nExpected value but found invalid token at character 1\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[True]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$64\r\nExpected value but found unexpected end of string at "
        "character 3\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[\"a]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$64\r\nExpected value but found unexpected end of string at "
        "character 2\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[\"]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$67\r\nExpected value but found invalid unicode escape code at "
        "character 2\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[\"\\u]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$67\r\nExpected value but found invalid unicode escape code at "
        "character 2\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[\"\\u12\"]==]) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$67\r\nExpected value but found invalid unicode escape code at "
        "character 2\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[\"\\u12G4\"]==]) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$59\r\nExpected value but found invalid escape code at character "
        "2\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[\"\\x\"]==]) return {tostring(ok), e}", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$67\r\nExpected value but found invalid unicode escape code at "
        "character 2\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[\"\\ud83d\"]==]) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$67\r\nExpected value but found invalid unicode escape code at "
        "character 2\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[\"\\ude00\"]==]) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$67\r\nExpected value but found invalid unicode escape code at "
        "character 2\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[\"\\ud83dx\"]==]) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$67\r\nExpected value but found invalid unicode escape code at "
        "character 2\r\n",
        "EVAL",
        "local ok, e = pcall(cjson.decode, [==[\"\\ud83d\\u0041\"]==]) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$67\r\nExpected value but found invalid unicode escape code at "
        "character 2\r\n",
        "EVAL",
        "local ok, e = pcall(cjson.decode, [==[\"\\ud83d\\ude0\"]==]) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$79\r\nExpected object key string but found invalid unicode escape "
        "code at character 3\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[{\"\\u\"]==]) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$53\r\nExpected value but found invalid token at character 1\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[\302\200]==]) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$53\r\nExpected value but found invalid token at character 4\r\n",
        "EVAL", "local ok, e = pcall(cjson.decode, [==[[1,\302\200]]==]) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Expected comma or array end but found T_END at character 5 script: "
        "c107001b5ba2ff860ee2557f64da37c4767ef4bd, on @user_script:1.\r\n",
        "EVAL", "return cjson.decode('[1,2')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Expected value but found T_END at character 1 script: "
                  "7ff8cf86abed928f4d61a01dcc9713f0117b180a, on @user_script:1.\r\n",
                  "EVAL", "return cjson.decode('')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Expected value but found T_END at character 1 script: "
                  "415c2ca45509b359c98e03d445d505048ec768e3, on @user_script:1.\r\n",
                  "EVAL", "return cjson.decode('\\0')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: JSON parser does not support UTF-16 or UTF-32 script: "
                  "ae6e6163c84cc211846d894dc30b0cf3de3b2595, on @user_script:1.\r\n",
                  "EVAL", "return cjson.decode('1\\0')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: JSON parser does not support UTF-16 or UTF-32 script: "
                  "0d9e33f53417bbf2cd75611e70c42a5a09cff13e, on @user_script:1.\r\n",
                  "EVAL", "return cjson.decode('\\0\\0')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'decode' (expected 1 argument) script: "
                  "5378278d59343caf5c3375a655dfea5e69ab8a74, on @user_script:1.\r\n",
                  "EVAL", "return cjson.decode()", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'decode' (expected 1 argument) script: "
                  "e228fd9069825c688e1e3830a632120c615963cd, on @user_script:1.\r\n",
                  "EVAL", "return cjson.decode('1', '2')", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'decode' (string expected, got nil) script: "
        "a844f6020def000abf40e0ee50e4a4bd8ed32ccd, on @user_script:1.\r\n",
        "EVAL", "return cjson.decode(nil)", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: bad argument #1 to 'decode' (string expected, got table) script: "
        "10c706d54b3ae7d2bcc169d647405abd961145fa, on @user_script:1.\r\n",
        "EVAL", "return cjson.decode({})", "0");
    rl_test_free_emu(emu);
}

static void cjson_decode_should_limit_nesting(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "EVAL",
                  "return cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000)) and 1", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Found too many nested data structures (1001) at character 1001 "
        "script: 16688796523d8f6cf1ef0ab4577ccee2204836fc, on @user_script:1.\r\n",
        "EVAL", "return cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001))", "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Found too many nested data structures (1001) at character 5001 "
        "script: 61e53886072422c6fe7d36d011546fce66f68a32, on @user_script:1.\r\n",
        "EVAL", "return cjson.decode(string.rep('{\"a\":', 1001) .. '1' .. string.rep('}', 1001))",
        "0");
    rl_assert_cmd(
        emu,
        "-ERR user_script:1: Found too many nested data structures (1001) at character 2002 "
        "script: 0c6d3c6974dbb217bde461ff2c3b99c6725bcd05, on @user_script:1.\r\n",
        "EVAL", "return cjson.decode(string.rep(' [', 1001))", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Expected value but found T_END at character 1001 script: "
                  "b73e7a1ef6821b91fbee9099e8555225b08ed338, on @user_script:1.\r\n",
                  "EVAL", "return cjson.decode(string.rep('[', 1000))", "0");
    rl_assert_cmd(
        emu,
        "*3\r\n$5\r\nfalse\r\n$56\r\nFound too many nested data structures (3) at character "
        "3\r\n$4\r\ntrue\r\n",
        "EVAL",
        "cjson.decode_max_depth(2) local ok, e = pcall(cjson.decode, '[[[1]]]') local ok2 = "
        "pcall(cjson.decode, '[[1]]') cjson.decode_max_depth(1000) return {tostring(ok), e, "
        "tostring(ok2)}",
        "0");
    rl_test_free_emu(emu);
}

static void cjson_decode_invalid_numbers_off_should_be_strict(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return cjson.decode_invalid_numbers(false)", "0");
    rl_assert_cmd(
        emu,
        "*18\r\n$63\r\nNaN=false:Expected value but found invalid token at character "
        "1\r\n$68\r\nInfinity=false:Expected value but found invalid token at character "
        "1\r\n$70\r\n-Infinity=false:Expected value but found invalid number at character "
        "1\r\n$65\r\n0x10=false:Expected value but found invalid number at character "
        "1\r\n$62\r\n+1=false:Expected value but found invalid token at character "
        "1\r\n$63\r\n01=false:Expected value but found invalid number at character "
        "1\r\n$64\r\n-01=false:Expected value but found invalid number at character "
        "1\r\n$15\r\n1e5=true:100000\r\n$10\r\n-0=true:-0\r\n$8\r\n0=true:0\r\n$63\r\nnan=false:E"
        "xpected value but found invalid token at character 1\r\n$63\r\ninf=false:Expected value "
        "but found invalid token at character 1\r\n$65\r\n-inf=false:Expected value but found "
        "invalid number at character 1\r\n$65\r\n-0x1=false:Expected value but found invalid "
        "number at character 1\r\n$12\r\n0.5=true:0.5\r\n$62\r\n-=false:Expected value but found "
        "invalid number at character 1\r\n$64\r\n- 1=false:Expected value but found invalid "
        "number at character 1\r\n$9\r\n1.=true:1\r\n",
        "EVAL",
        "local r = {} for _, s in ipairs({'NaN', 'Infinity', '-Infinity', '0x10', '+1', '01', "
        "'-01', '1e5', '-0', '0', 'nan', 'inf', '-inf', '-0x1', '0.5', '-', '- 1', '1.'}) do "
        "local ok, e = pcall(cjson.decode, s) r[#r + 1] = s .. '=' .. tostring(ok) .. ':' .. "
        "tostring(e) end return r",
        "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return cjson.decode_invalid_numbers()", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return cjson.decode_invalid_numbers('on')", "0");
    rl_assert_cmd(emu, ":-9223372036854775808\r\n", "EVAL", "return cjson.decode('Infinity')", "0");
    rl_test_free_emu(emu);
}

/* Raised limits leave the Lua stack (8000 slots) as the limit; lua-cjson keeps its buffers off the
 * stack. */
static void cjson_should_run_out_of_stack_where_redis_does(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(
        emu, "*2\r\n$5\r\nfalse\r\n$42\r\nCannot serialise, excessive nesting (7998)\r\n", "EVAL",
        "cjson.encode_max_depth(100000) local t = {} local c = t for i = 1, 9000 do c[1] = {} c "
        "= c[1] end local ok, e = pcall(cjson.encode, t) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(emu, "*2\r\n$5\r\nfalse\r\n:42\r\n", "EVAL",
                  "local t = {} local c = t for i = 1, 5000 do c.k = {} c = c.k end local ok, e = "
                  "pcall(cjson.encode, t) return {tostring(ok), type(e) == 'string' and #e or e}",
                  "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$62\r\nFound too many nested data structures (7999) at character "
        "7999\r\n",
        "EVAL",
        "cjson.decode_max_depth(100000) local ok, e = pcall(cjson.decode, string.rep('[', 9000) "
        ".. string.rep(']', 9000)) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu,
        "*2\r\n$5\r\nfalse\r\n$63\r\nFound too many nested data structures (4000) at character "
        "19996\r\n",
        "EVAL",
        "local ok, e = pcall(cjson.decode, string.rep('{\"a\":', 5000) .. '1' .. string.rep('}', "
        "5000)) return {tostring(ok), e}",
        "0");
    rl_assert_cmd(
        emu, "*2\r\n$4\r\ntrue\r\n$5\r\ntable\r\n", "EVAL",
        "local ok, e = pcall(cjson.decode, string.rep('{\"a\":', 2600) .. '1' .. string.rep('}', "
        "2600)) return {tostring(ok), type(e)}",
        "0");
    rl_test_free_emu(emu);
}

static void cjson_table_should_hold_redis_fields(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(
        emu,
        "*13\r\n$12\r\n_NAME=string\r\n$15\r\n_VERSION=string\r\n$15\r\ndecode=function\r\n$31\r"
        "\ndecode_invalid_numbers=function\r\n$25\r\ndecode_max_depth=function\r\n$15\r\nencode=f"
        "unction\r\n$31\r\nencode_invalid_numbers=function\r\n$27\r\nencode_keep_buffer=function"
        "\r\n$25\r\nencode_max_depth=function\r\n$32\r\nencode_number_precision=function\r\n$28\r"
        "\nencode_sparse_array=function\r\n$12\r\nnew=function\r\n$13\r\nnull=userdata\r\n",
        "EVAL",
        "local t = {} for k, v in pairs(cjson) do t[#t + 1] = k .. '=' .. type(v) end "
        "table.sort(t) return t",
        "0");
    rl_assert_cmd(emu, "*3\r\n$5\r\ncjson\r\n$5\r\n2.1.0\r\n$8\r\nuserdata\r\n", "EVAL",
                  "return {cjson._NAME, cjson._VERSION, type(cjson.null)}", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return cjson.null", "0");
    rl_assert_cmd_pairs(
        emu,
        "*13\r\n$5\r\n_NAME\r\n$6\r\nencode\r\n$16\r\ndecode_max_depth\r\n$8\r\n_VERSION\r\n$22\r"
        "\ndecode_invalid_numbers\r\n$18\r\nencode_keep_buffer\r\n$4\r\nnull\r\n$23\r\nencode_num"
        "ber_precision\r\n$3\r\nnew\r\n$16\r\nencode_max_depth\r\n$22\r\nencode_invalid_numbers\r"
        "\n$6\r\ndecode\r\n$19\r\nencode_sparse_array\r\n",
        "EVAL", "local t = {} for k in pairs(cjson) do t[#t + 1] = k end return t", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: "
                  "72133cab515c26304bbc4d13c5486d358033c69e, on @user_script:1.\r\n",
                  "EVAL", "rawset(cjson, 'x', 1)", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: "
                  "6d4e656be3657403ec2af7e141b5b71f44d1b49b, on @user_script:1.\r\n",
                  "EVAL", "setmetatable(cjson, {})", "0");
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cjson_encode_should_write_numbers_with_14_digits),
        cmocka_unit_test(cjson_encode_should_escape_like_lua_cjson),
        cmocka_unit_test(cjson_encode_should_tell_arrays_from_objects),
        cmocka_unit_test(cjson_encode_should_refuse_what_json_cannot_hold),
        cmocka_unit_test(cjson_settings_should_have_redis_defaults_and_checks),
        cmocka_unit_test(cjson_settings_should_persist_until_script_flush),
        cmocka_unit_test(cjson_encode_invalid_numbers_should_choose_error_text_or_null),
        cmocka_unit_test(cjson_encode_sparse_array_should_convert_or_allow),
        cmocka_unit_test(cjson_new_should_make_an_independent_module),
        cmocka_unit_test(cjson_decode_should_read_json_values),
        cmocka_unit_test(cjson_decode_should_report_lua_cjson_errors),
        cmocka_unit_test(cjson_decode_should_limit_nesting),
        cmocka_unit_test(cjson_decode_invalid_numbers_off_should_be_strict),
        cmocka_unit_test(cjson_should_run_out_of_stack_where_redis_does),
        cmocka_unit_test(cjson_table_should_hold_redis_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
