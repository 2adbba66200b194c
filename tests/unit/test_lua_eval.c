/* EVAL, EVALSHA, EVAL_RO, SCRIPT and the redis.* API (scripts.c, lua_env.c,
 * lua_redis.c). Built and run once per Lua engine. Every expected reply in
 * the first part was read from redis-server 7.0.15 (Debian 7.0.15-1~deb12u10)
 * running the same commands, in order, after FLUSHALL and SCRIPT FLUSH; the
 * second part checks the emulator's own features (time limit, log capture,
 * expiry freeze) and the rand48 sequence of a freshly started server. */
#include "test_common.h"

#include <time.h>

#include <lauxlib.h>

#include "lua_engine.h"
#include "server.h"

/* --- Replies recorded from redis-server ------------------------------------- */

static void eval_should_reply_with_the_first_result_converted(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return 1", "0");
    rl_assert_cmd(emu, "$3\r\nabc\r\n", "EVAL", "return 'abc'", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return 1, 2", "0");
    rl_assert_cmd(emu, "*3\r\n:1\r\n:2\r\n*2\r\n:3\r\n$1\r\nx\r\n", "EVAL", "return {1,2,{3,'x'}}",
                  "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return nil", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return true", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return false", "0");
    rl_assert_cmd(emu, "*1\r\n:1\r\n", "EVAL", "return {1,nil,3}", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "return {a=1}", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "return _G", "0");
    rl_assert_cmd(emu, "$3\r\na\000b\r\n", "EVAL", "return 'a\\0b'", "0");
    rl_assert_cmd(emu, "$3\r\na\000b\r\n", "EVAL", "return redis.call('echo','a\\0b')", "0");
    rl_test_free_emu(emu);
}

static void eval_should_set_fresh_keys_and_argv_globals(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\nb\r\n", "EVAL",
                  "return {KEYS[1],ARGV[1],ARGV[2]}", "1", "k", "a", "b");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "return #KEYS + #ARGV", "0");
    rl_assert_cmd(emu, "*2\r\n:2\r\n:0\r\n", "EVAL", "return {#KEYS, #ARGV}", "2", "k1", "k2");
    rl_assert_cmd(emu, "$1\r\nx\r\n", "EVAL", "KEYS[1]='x' return KEYS[1]", "1", "k");
    rl_assert_cmd(emu, "$1\r\nk\r\n", "EVAL", "return KEYS[1]", "1", "k");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return KEYS[1]", "0");
    rl_test_free_emu(emu);
}

/* KEYS and ARGV are reused between runs (scripts.c): whatever a script did
 * to them, the next script sees new tables, with the # border Redis's
 * fresh tables give (replies taken from redis-server 7.0.15). */
static void eval_should_give_each_script_keys_and_argv_as_new(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":4\r\n", "EVAL", "return #KEYS", "4", "a", "b", "c", "d");
    rl_assert_cmd(emu, ":3\r\n", "EVAL", "KEYS[1]=nil return #KEYS", "3", "a", "b", "c");
    rl_assert_cmd(emu, "*3\r\n:3\r\n$1\r\na\r\n$1\r\nc\r\n", "EVAL",
                  "return {#KEYS, KEYS[1], KEYS[3]}", "3", "a", "b", "c");
    rl_assert_cmd(emu, ":2\r\n", "EVAL", "KEYS.x = 1 KEYS[7] = 'y' return #KEYS", "2", "a", "b");
    rl_assert_cmd(emu, "*3\r\n:2\r\n$3\r\nnil\r\n$3\r\nnil\r\n", "EVAL",
                  "return {#KEYS, type(KEYS.x), type(KEYS[7])}", "2", "a", "b");
    rl_assert_cmd(emu, "$1\r\nz\r\n", "EVAL",
                  "setmetatable(KEYS, {__index = function() return 'z' end}) return KEYS[5]", "1",
                  "a");
    rl_assert_cmd(emu, "*3\r\n:1\r\n$3\r\nnil\r\n$3\r\nnil\r\n", "EVAL",
                  "return {#KEYS, type(KEYS[5]), tostring(getmetatable(KEYS))}", "1", "a");
    rl_reply *r = rl_emu_callv(emu, "EVAL", "ARGV[1] = 'changed' ARGV[3] = 'more' error('boom')",
                               "0", "p", "q", (const char *)NULL);
    assert_int_equal(r->type, RL_REPLY_ERROR);
    assert_non_null(strstr(r->str, "user_script:1: boom"));
    rl_reply_free(r);
    rl_assert_cmd(emu, "*4\r\n:2\r\n$1\r\np\r\n$1\r\nq\r\n$3\r\nnil\r\n", "EVAL",
                  "return {#ARGV, ARGV[1], ARGV[2], type(ARGV[3])}", "0", "p", "q");
    rl_assert_cmd(emu, "*2\r\n:1\r\n:1\r\n", "EVAL",
                  "local n = 0 for k, v in pairs(KEYS) do n = n + 1 end return {n, #KEYS}", "1",
                  "a");
    rl_assert_cmd(emu, ":4\r\n", "EVAL", "KEYS[2] = nil return #KEYS", "4", "a", "b", "c", "d");
    rl_assert_cmd(emu, ":5\r\n", "EVAL", "KEYS[3] = nil return #KEYS", "5", "a", "b", "c", "d",
                  "e");
    rl_assert_cmd(emu, ":8\r\n", "EVAL", "return #KEYS", "8", "a", "b", "c", "d", "e", "f", "g",
                  "h");
    rl_assert_cmd(emu, ":5\r\n", "EVAL", "KEYS[3] = nil return #KEYS", "5", "a", "b", "c", "d",
                  "e");
    rl_assert_cmd(emu, ":3\r\n", "EVAL", "KEYS[1] = nil return #KEYS", "3", "a", "b", "c");
    /* A value in the array part's spare slot (three keys, four slots), a
     * hash part left empty again, the array part shrunk by a rehash. */
    rl_assert_cmd(emu, ":4\r\n", "EVAL", "KEYS[4] = 'd' return #KEYS", "3", "a", "b", "c");
    rl_assert_cmd(emu, "*2\r\n:3\r\n$3\r\nnil\r\n", "EVAL", "return {#KEYS, type(KEYS[4])}", "3",
                  "a", "b", "c");
    rl_assert_cmd(emu, ":3\r\n", "EVAL", "KEYS.x = 1 KEYS.x = nil return #KEYS", "3", "a", "b",
                  "c");
    rl_assert_cmd(emu, ":3\r\n", "EVAL",
                  "local n = 0 for k in pairs(KEYS) do n = n + 1 end return n", "3", "a", "b", "c");
    rl_assert_cmd(emu, ":1\r\n", "EVAL",
                  "KEYS[1] = nil KEYS[2] = nil KEYS[3] = nil KEYS.x = 1 KEYS.y = 2 return 1", "4",
                  "a", "b", "c", "d");
    rl_assert_cmd(emu, "*3\r\n:4\r\n$3\r\nnil\r\n$3\r\nnil\r\n", "EVAL",
                  "return {#KEYS, type(KEYS.x), type(KEYS.y)}", "4", "a", "b", "c", "d");
    /* Values a script replaced, where the next run's are the same as the
     * last run's (a slot still holding its string is not set again). */
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "ARGV[1] = 'changed' ARGV[2] = 7 return 1", "0", "p", "q",
                  "r");
    rl_assert_cmd(emu, "*3\r\n$1\r\np\r\n$1\r\nq\r\n$1\r\nr\r\n", "EVAL",
                  "return {ARGV[1], ARGV[2], ARGV[3]}", "0", "p", "q", "r");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "ARGV[3] = 'p' return 1", "0", "p", "q", "r");
    rl_assert_cmd(emu, "*3\r\n$1\r\np\r\n$1\r\nq\r\n$1\r\nr\r\n", "EVAL",
                  "return {ARGV[1], ARGV[2], ARGV[3]}", "0", "p", "q", "r");
    rl_test_free_emu(emu);
}

/* What the reuse above asks of the engine: both builds read a table's
 * shape off the table through a mirror of their library's layout (and
 * must, or every run pays a walk of KEYS and ARGV). */
static void engine_should_tell_a_new_arrays_shape(void **state)
{
    (void)state;
    lua_State *L = luaL_newstate();
    int cap = rl_engine_array_capacity(3);
    rl_engine_new_array(L, 3);
    /* PUC Lua makes the array part at once, at the next power of two;
     * LuaJIT's grows as the elements come, so only the count says. */
    assert_int_equal(cap, strcmp(rl_emu_engine(), "luajit") == 0 ? 3 : 4);
    for (int i = 1; i <= 3; i++) {
        lua_pushliteral(L, "v");
        lua_rawseti(L, -2, i);
    }
    assert_int_equal(rl_engine_array_shape(L, -1, cap, 3), 1);
    assert_int_equal(rl_engine_array_shape(L, -1, rl_engine_array_capacity(9), 3), 0); /* bigger */
    lua_pushliteral(L, "d");
    lua_rawseti(L, -2, 4);
    assert_int_equal(rl_engine_array_shape(L, -1, cap, 3), 0); /* slot 4 taken */
    assert_int_equal(rl_engine_array_shape(L, -1, cap, 4), 1);
    lua_pushnil(L);
    lua_rawseti(L, -2, 4);
    assert_int_equal(rl_engine_array_shape(L, -1, cap, 3), 1);
    lua_pushinteger(L, 1);
    lua_setfield(L, -2, "x");
    lua_pushnil(L);
    lua_setfield(L, -2, "x");
    assert_int_equal(rl_engine_array_shape(L, -1, cap, 3), 0); /* a hash part, if empty */
    assert_int_equal(rl_engine_table_has_hash(L, -1), 1);
    lua_pop(L, 1);
    /* Which strings the array part holds. */
    rl_engine_new_array(L, 2);
    assert_int_equal(rl_engine_table_has_hash(L, -1), 0);
    lua_pushliteral(L, "value");
    lua_rawseti(L, -2, 1);
    lua_pushnumber(L, 5);
    lua_rawseti(L, -2, 2);
    assert_int_equal(rl_engine_array_shape(L, -1, 2, 2), 1);
    assert_int_equal(rl_engine_array_holds(L, -1, 1, "value", 5), 1);
    assert_int_equal(rl_engine_array_holds(L, -1, 1, "valuf", 5), 0);
    assert_int_equal(rl_engine_array_holds(L, -1, 1, "valu", 4), 0);
    assert_int_equal(rl_engine_array_holds(L, -1, 2, "5", 1), 0);     /* a number */
    assert_int_equal(rl_engine_array_holds(L, -1, 3, "value", 5), 0); /* past the array */
    assert_int_equal(rl_engine_array_holds(L, -1, 0, "value", 5), 0);
    rl_engine_new_array(L, 0);
    assert_int_equal(rl_engine_array_shape(L, -1, 0, 0), 1);
    lua_newtable(L);
    lua_setmetatable(L, -2);
    assert_int_equal(rl_engine_array_shape(L, -1, 0, 0), 0); /* a metatable */
    lua_close(L);
}

/* tonumber is Lua 5.1.5's, rewritten (lua_libs.c) to convert once and to
 * give Redis's results on LuaJIT too; every outcome, errors included, is
 * checked against redis-server 7.0.15's reply to the same script. The calls
 * are not in tail position, where LuaJIT's errors lose their position
 * (docs/lua.md). */
static const char tonumber_script[] =
    "local out = {}\n"
    "local function show(f)\n"
    "    local ok, v = pcall(f)\n"
    "    if ok then\n"
    "        out[#out + 1] = type(v) .. ':' .. tostring(v)\n"
    "    else\n"
    "        out[#out + 1] = 'error:' .. tostring(v)\n"
    "    end\n"
    "end\n"
    "local strings = {'10', '  10  ', '0x1A', '1e3', '', ' ', 'abc', '12abc', '0', '-0', '-5', "
    "'+5',\n"
    "    '007', '999999999999999', '9999999999999999', '123456789012345678', '1.5', '.5', '5.',\n"
    "    'inf', 'nan', '1\\0002', '\\0', '12 ', '\\t12', '0x', '1e', '1e400', '-1e400', "
    "'4294967296'}\n"
    "for _, s in ipairs(strings) do\n"
    "    show(function() local v = tonumber(s) return v end)\n"
    "    show(function() local v = tonumber(s, 10) return v end)\n"
    "    show(function() local v = tonumber(s, 16) return v end)\n"
    "    show(function() local v = tonumber(s, 2) return v end)\n"
    "    show(function() local v = tonumber(s, 36) return v end)\n"
    "end\n"
    "show(function() local v = tonumber(7) return v end)\n"
    "show(function() local v = tonumber(-0.0) return v end)\n"
    "show(function() local v = tonumber(10, 16) return v end)\n"
    "show(function() local v = tonumber(nil) return v end)\n"
    "show(function() local v = tonumber() return v end)\n"
    "show(function() local v = tonumber({}) return v end)\n"
    "show(function() local v = tonumber(true) return v end)\n"
    "show(function() local v = tonumber({}, 16) return v end)\n"
    "show(function() local v = tonumber('10', 1) return v end)\n"
    "show(function() local v = tonumber('10', 37) return v end)\n"
    "show(function() local v = tonumber('10', 'x') return v end)\n"
    "show(function() local v = tonumber('10', '16') return v end)\n"
    "show(function() local v = tonumber('10', 16.9) return v end)\n"
    "show(function() local v = tonumber('10', nil) return v end)\n"
    "show(function() local v = tonumber('zz', 36) return v end)\n"
    "show(function() local v = tonumber('ffffffffffffffff', 16) return v end)\n"
    "show(function() local v = tonumber('-ff', 16) return v end)\n"
    "show(function() local v = tonumber('  11  ', 2) return v end)\n"
    "show(function() local v = tonumber('12', 2) return v end)\n"
    "show(function() local v = tonumber(ARGV[1]) + tonumber(ARGV[2]) return v end)\n"
    "show(function() local ok, e = pcall(tonumber) return e end)\n"
    "return out\n";

static void tonumber_should_behave_as_in_redis(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    static const char expected[] =
        "*171\r\n$9\r\nnumber:10\r\n$9\r\nnumber:10\r\n$9\r\nnumber:16\r\n$8\r\n"
        "number:2\r\n$9\r\nnumber:36\r\n$9\r\nnumber:10\r\n$9\r\nnumber:10\r\n$9\r\n"
        "number:16\r\n$8\r\nnumber:2\r\n$9\r\nnumber:36\r\n$9\r\nnumber:26\r\n$9\r\n"
        "number:26\r\n$9\r\nnumber:26\r\n$7\r\nnil:nil\r\n$12\r\nnumber:42814\r\n"
        "$11\r\nnumber:1000\r\n$11\r\nnumber:1000\r\n$10\r\nnumber:483\r\n$7\r\n"
        "nil:nil\r\n$11\r\nnumber:1803\r\n$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$7\r\n"
        "nil:nil\r\n$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n"
        "$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$7\r\n"
        "nil:nil\r\n$11\r\nnumber:2748\r\n$7\r\nnil:nil\r\n$12\r\nnumber:13368\r\n"
        "$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$12\r\nnumber:76476\r\n$7\r\nnil:nil\r\n"
        "$14\r\nnumber:1786296\r\n$8\r\nnumber:0\r\n$8\r\nnumber:0\r\n$8\r\nnumber:0\r\n"
        "$8\r\nnumber:0\r\n$8\r\nnumber:0\r\n$9\r\nnumber:-0\r\n$9\r\nnumber:-0\r\n"
        "$8\r\nnumber:0\r\n$8\r\nnumber:0\r\n$8\r\nnumber:0\r\n$9\r\nnumber:-5\r\n"
        "$9\r\nnumber:-5\r\n$25\r\nnumber:1.844674407371e+19\r\n$7\r\nnil:nil\r\n"
        "$25\r\nnumber:1.844674407371e+19\r\n$8\r\nnumber:5\r\n$8\r\nnumber:5\r\n"
        "$8\r\nnumber:5\r\n$7\r\nnil:nil\r\n$8\r\nnumber:5\r\n$8\r\nnumber:7\r\n"
        "$8\r\nnumber:7\r\n$8\r\nnumber:7\r\n$7\r\nnil:nil\r\n$8\r\nnumber:7\r\n"
        "$12\r\nnumber:1e+15\r\n$12\r\nnumber:1e+15\r\n$26\r\nnumber:6.9175290276411e+17\r\n"
        "$7\r\nnil:nil\r\n$25\r\nnumber:1.844674407371e+19\r\n$12\r\nnumber:1e+16\r\n"
        "$12\r\nnumber:1e+16\r\n$26\r\nnumber:1.1068046444226e+19\r\n$7\r\nnil:nil\r\n"
        "$25\r\nnumber:1.844674407371e+19\r\n$26\r\nnumber:1.2345678901235e+17\r\n"
        "$26\r\nnumber:1.2345678901235e+17\r\n$25\r\nnumber:1.844674407371e+19\r\n"
        "$7\r\nnil:nil\r\n$25\r\nnumber:1.844674407371e+19\r\n$10\r\nnumber:1.5\r\n"
        "$10\r\nnumber:1.5\r\n$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n"
        "$10\r\nnumber:0.5\r\n$10\r\nnumber:0.5\r\n$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n"
        "$7\r\nnil:nil\r\n$8\r\nnumber:5\r\n$8\r\nnumber:5\r\n$7\r\nnil:nil\r\n$7\r\n"
        "nil:nil\r\n$7\r\nnil:nil\r\n$10\r\nnumber:inf\r\n$10\r\nnumber:inf\r\n$7\r\n"
        "nil:nil\r\n$7\r\nnil:nil\r\n$12\r\nnumber:24171\r\n$10\r\nnumber:nan\r\n"
        "$10\r\nnumber:nan\r\n$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$12\r\nnumber:30191\r\n"
        "$8\r\nnumber:1\r\n$8\r\nnumber:1\r\n$8\r\nnumber:1\r\n$8\r\nnumber:1\r\n"
        "$8\r\nnumber:1\r\n$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$7\r\n"
        "nil:nil\r\n$7\r\nnil:nil\r\n$9\r\nnumber:12\r\n$9\r\nnumber:12\r\n$9\r\n"
        "number:18\r\n$7\r\nnil:nil\r\n$9\r\nnumber:38\r\n$9\r\nnumber:12\r\n$9\r\n"
        "number:12\r\n$9\r\nnumber:18\r\n$7\r\nnil:nil\r\n$9\r\nnumber:38\r\n$7\r\n"
        "nil:nil\r\n$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$9\r\nnumber:33\r\n"
        "$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$9\r\nnumber:30\r\n$7\r\nnil:nil\r\n$9\r\n"
        "number:50\r\n$10\r\nnumber:inf\r\n$10\r\nnumber:inf\r\n$13\r\nnumber:123904\r\n"
        "$7\r\nnil:nil\r\n$14\r\nnumber:2337984\r\n$11\r\nnumber:-inf\r\n$11\r\n"
        "number:-inf\r\n$26\r\nnumber:1.8446744073709e+19\r\n$7\r\nnil:nil\r\n$26\r\n"
        "number:1.8446744073707e+19\r\n$17\r\nnumber:4294967296\r\n$17\r\nnumber:4294967296\r\n"
        "$19\r\nnumber:285960729238\r\n$7\r\nnil:nil\r\n$26\r\nnumber:4.1259658569758e+14\r\n"
        "$8\r\nnumber:7\r\n$9\r\nnumber:-0\r\n$9\r\nnumber:16\r\n$7\r\nnil:nil\r\n"
        "$68\r\nerror:user_script:24: bad argument #1 to 'tonumber' (value expected)\r\n"
        "$7\r\nnil:nil\r\n$7\r\nnil:nil\r\n$80\r\nerror:user_script:27: bad argument #1 to "
        "'tonumber' (string expected, got table)\r\n"
        "$71\r\nerror:user_script:28: bad argument #2 to 'tonumber' (base out of range)\r\n"
        "$71\r\nerror:user_script:29: bad argument #2 to 'tonumber' (base out of range)\r\n"
        "$81\r\nerror:user_script:30: bad argument #2 to 'tonumber' (number expected, got "
        "string)\r\n"
        "$9\r\nnumber:16\r\n$9\r\nnumber:16\r\n$9\r\nnumber:10\r\n$11\r\nnumber:1295\r\n"
        "$25\r\nnumber:1.844674407371e+19\r\n$25\r\nnumber:1.844674407371e+19\r\n"
        "$8\r\nnumber:3\r\n$7\r\nnil:nil\r\n$20\r\nnumber:1700000060000\r\n$46\r\n"
        "string:bad argument #1 to '?' (value expected)\r\n";
    rl_reply *r = rl_emu_callv(emu, "EVAL", tonumber_script, "0", "1700000000000", "60000",
                               (const char *)NULL);
    rl_assert_resp_len(r, expected, sizeof(expected) - 1);
    rl_test_free_emu(emu);
}

static void eval_should_check_arguments_in_redis_order(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'eval' command\r\n", "EVAL");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'eval' command\r\n", "EVAL", "return 1");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'eval_ro' command\r\n", "eval_ro",
                  "return 1");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'evalsha' command\r\n", "EVALSHA", "x");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "EVAL", "return 1", "x");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "EVAL", "return 1",
                  "1.5");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "EVAL", "return 1",
                  " 1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "EVAL", "return 1",
                  "01");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "EVAL", "return 1",
                  "99999999999999999999");
    rl_assert_cmd(emu, "-ERR Number of keys can't be greater than number of args\r\n", "EVAL",
                  "return 1", "1");
    rl_assert_cmd(emu, "-ERR Number of keys can't be negative\r\n", "EVAL", "return 1", "-1");
    rl_assert_cmd(emu, "-ERR Number of keys can't be negative\r\n", "EVAL", "return +", "-1");
    rl_assert_cmd(emu, "-NOSCRIPT No matching script. Please use EVAL.\r\n", "EVALSHA", "abc", "x");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "EVALSHA",
                  "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "x");
    rl_assert_cmd(emu, "-NOSCRIPT No matching script. Please use EVAL.\r\n", "EVALSHA",
                  "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0");
    rl_assert_cmd(emu, "-NOSCRIPT No matching script. Please use EVAL.\r\n", "EVALSHA_RO", "abc",
                  "0");
    rl_test_free_emu(emu);
}

static void evalsha_should_find_cached_scripts_case_insensitively(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return 1", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVALSHA", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0");
    rl_assert_cmd(emu, ":1\r\n", "evalsha_ro", "E0E1f9fabfc9d4800c877a703b823ac0578ff8db", "0");
    rl_assert_cmd(emu, "*3\r\n:1\r\n:1\r\n:0\r\n", "SCRIPT", "EXISTS",
                  "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB",
                  "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "x");
    rl_assert_cmd(emu, "+OK\r\n", "SCRIPT", "FLUSH");
    rl_assert_cmd(emu, "*1\r\n:0\r\n", "SCRIPT", "EXISTS",
                  "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    rl_assert_cmd(emu, "-NOSCRIPT No matching script. Please use EVAL.\r\n", "EVALSHA",
                  "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0");
    rl_test_free_emu(emu);
}

static void script_load_should_cache_and_compile_errors_should_not(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$40\r\nb534286061d4b9e4026607613b95c06c06015ae8\r\n", "SCRIPT", "LOAD",
                  "return 'loaded'");
    rl_assert_cmd(emu, "$40\r\nb534286061d4b9e4026607613b95c06c06015ae8\r\n", "SCRIPT", "LOAD",
                  "return 'loaded'");
    rl_assert_cmd(emu, "$6\r\nloaded\r\n", "EVALSHA", "b534286061d4b9e4026607613b95c06c06015ae8",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR Error compiling script (new function): user_script:1: unexpected symbo"
                  "l near '+'\r\n",
                  "SCRIPT", "LOAD", "return +");
    rl_assert_cmd(emu,
                  "-ERR Error compiling script (new function): user_script:1: unexpected symbo"
                  "l near '+'\r\n",
                  "EVAL", "return +", "0");
    rl_assert_cmd(emu,
                  "-ERR Error compiling script (new function): user_script:1: unexpected symbo"
                  "l near '<eof>'\r\n",
                  "EVAL", "x = ", "0");
    rl_assert_cmd(emu,
                  "-ERR Error compiling script (new function): user_script:1: unfinished strin"
                  "g near '<eof>'\r\n",
                  "EVAL", "return 'abc", "0");
    rl_assert_cmd(emu, "*1\r\n:0\r\n", "SCRIPT", "EXISTS",
                  "1fd5091818ea327c4e55ed84125fdc6179ae44cf");
    rl_assert_cmd(emu,
                  "-ERR Error compiling script (new function): user_script:1: unexpected symbo"
                  "l near '#'\r\n",
                  "EVAL", "#comment\nreturn 1", "0");
    rl_assert_cmd(emu,
                  "-ERR Error compiling script (new function): user_script:1: unexpected symbo"
                  "l near 'char(27)'\r\n",
                  "EVAL", "\033Lua", "0");
    rl_test_free_emu(emu);
}

static void script_should_answer_its_subcommands_and_errors(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'script' command\r\n", "SCRIPT");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'script|load' command\r\n", "SCRIPT",
                  "LOAD");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'script|load' command\r\n", "SCRIPT",
                  "LOAD", "a", "b");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'script|exists' command\r\n", "SCRIPT",
                  "EXISTS");
    rl_assert_cmd(emu, "*2\r\n:0\r\n:0\r\n", "script", "exists", "x", "y");
    rl_assert_cmd(emu, "+OK\r\n", "SCRIPT", "FLUSH", "ASYNC");
    rl_assert_cmd(emu, "+OK\r\n", "SCRIPT", "FLUSH", "sync");
    rl_assert_cmd(emu, "-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n", "SCRIPT", "FLUSH",
                  "x");
    rl_assert_cmd(emu, "-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n", "SCRIPT", "FLUSH",
                  "a", "b");
    rl_assert_cmd(emu, "-ERR unknown subcommand 'NOSUCH'. Try SCRIPT HELP.\r\n", "SCRIPT",
                  "NOSUCH");
    rl_assert_cmd(emu, "-NOTBUSY No scripts in execution right now.\r\n", "SCRIPT", "KILL");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'script|kill' command\r\n", "SCRIPT",
                  "KILL", "x");
    rl_assert_cmd(emu, RL_TEST_SCRIPT_HELP, "SCRIPT", "HELP");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'script|help' command\r\n", "script",
                  "help", "x");
    rl_test_free_emu(emu);
}

static void eval_should_parse_the_shebang(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-ERR Invalid script shebang\r\n", "EVAL", "#!lua", "0");
    rl_assert_cmd(emu, "-ERR Unexpected engine in script shebang: #!\r\n", "EVAL", "#!\nreturn 1",
                  "0");
    rl_assert_cmd(emu, "-ERR Unexpected engine in script shebang: #!LUA\r\n", "EVAL",
                  "#!LUA\nreturn 1", "0");
    rl_assert_cmd(emu, "-ERR Unknown lua shebang option: name=x\r\n", "EVAL",
                  "#!lua name=x\nreturn 1", "0");
    rl_assert_cmd(emu, "-ERR Unexpected flag in script shebang: NO-WRITES\r\n", "EVAL",
                  "#!lua flags=NO-WRITES\nreturn 1", "0");
    rl_assert_cmd(emu, "-ERR Unexpected flag in script shebang: \r\n", "EVAL",
                  "#!lua flags=no-writes,\nreturn 1", "0");
    rl_assert_cmd(emu, "-ERR Unexpected flag in script shebang: \r\n", "EVAL",
                  "#!lua flags=,no-writes\nreturn 1", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "#!lua flags=\nreturn 1", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "#!lua\n", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "#!lua\nreturn 1", "0");
    rl_assert_cmd(emu,
                  "-ERR Error compiling script (new function): user_script:1: unexpected symbo"
                  "l near '#'\r\n",
                  "EVAL", " #!lua\nreturn 1", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL",
                  "#!lua flags=no-writes flags=allow-oom,allow-stale,no-cluster,allow-cross-sl"
                  "ot-keys\nreturn 1",
                  "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "#!lua\r\nreturn 1", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "#!lua \"flags=no-writes\"\nreturn 1", "0");
    rl_assert_cmd(emu, "-ERR Invalid engine in script shebang\r\n", "EVAL",
                  "#!lua \"unbalanced\nreturn 1", "0");
    rl_assert_cmd(emu, "-ERR Invalid engine in script shebang\r\n", "EVAL", "#!lua 'a'b\nreturn 1",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:3: x script: d5c067904293d26cc22cb0530ae28ee1fdc88fbc, on "
                  "@user_script:3.\r\n",
                  "EVAL", "#!lua\n\nerror('x')", "0");
    rl_assert_cmd(emu,
                  "-ERR Error compiling script (new function): user_script:2: unexpected symbo"
                  "l near '+'\r\n",
                  "EVAL", "#!lua\nreturn +", "0");
    rl_assert_cmd(emu,
                  "-ERR Write commands are not allowed from read-only scripts. script: 6acb400"
                  "a50fe96e33eca4e0af6e9dcfb21193726, on @user_script:2.\r\n",
                  "EVAL", "#!lua flags=no-writes\nreturn redis.call('set','a','b')", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "#!lua flags=no-writes\nreturn redis.call('get','a')",
                  "0");
    rl_test_free_emu(emu);
}

static void eval_ro_should_refuse_writes(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "SET", "a", "1");
    rl_assert_cmd(emu,
                  "-ERR Write commands are not allowed from read-only scripts. script: ff967d0"
                  "ae0e68b4f9e360fa91c54598bc25ad9b6, on @user_script:1.\r\n",
                  "EVAL_RO", "return redis.call('set','a','b')", "0");
    rl_assert_cmd(emu, "-ERR Write commands are not allowed from read-only scripts.\r\n", "EVAL_RO",
                  "return redis.pcall('incr','a')", "0");
    rl_assert_cmd(emu, "$1\r\n1\r\n", "EVAL_RO", "return redis.call('get','a')", "0");
    rl_assert_cmd(emu, "-ERR Can not execute a script with write flag using *_ro command.\r\n",
                  "EVAL_RO", "#!lua\nreturn 1", "0");
    rl_assert_cmd(emu, "-ERR Can not execute a script with write flag using *_ro command.\r\n",
                  "EVAL_RO", "#!lua flags=allow-oom\nreturn 1", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL_RO", "#!lua flags=no-writes\nreturn 1", "0");
    rl_assert_cmd(emu, "$40\r\n28e650f60f252340a185b0754612ac7c00965a3e\r\n", "SCRIPT", "LOAD",
                  "return redis.call('del','a')");
    rl_assert_cmd(emu,
                  "-ERR Write commands are not allowed from read-only scripts. script: 28e650f"
                  "60f252340a185b0754612ac7c00965a3e, on @user_script:1.\r\n",
                  "EVALSHA_RO", "28e650f60f252340a185b0754612ac7c00965a3e", "0");
    rl_assert_cmd(emu, "$1\r\n1\r\n", "EVAL", "return redis.call('get','a')", "0");
    rl_test_free_emu(emu);
}

static void select_inside_a_script_should_not_leak_to_the_caller(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "EVAL", "return redis.call('select','1')", "0");
    rl_assert_cmd(emu, "+OK\r\n", "EVAL",
                  "redis.call('select','1') return redis.call('set','x','1')", "0");
    rl_assert_cmd(emu, "$-1\r\n", "GET", "x");
    rl_assert_cmd(emu, "+OK\r\n", "SELECT", "1");
    rl_assert_cmd(emu, "$1\r\n1\r\n", "GET", "x");
    rl_assert_cmd(emu, "$1\r\n1\r\n", "EVAL", "return redis.call('get','x')", "0");
    rl_assert_cmd(emu, "+OK\r\n", "SELECT", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: after select script: d28615aa4d01ddc360effa5a29b270bb7b"
                  "d7c368, on @user_script:1.\r\n",
                  "EVAL",
                  "redis.call('select','2') redis.call('set','y','2') error('after select')", "0");
    rl_assert_cmd(emu, "$-1\r\n", "GET", "y");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.call('get','y')", "0");
    rl_assert_cmd(emu,
                  "-ERR DB index is out of range script: 5f72176ae2b82fe5e33c8d814dd61a9880ab5"
                  "bde, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('select','99')", "0");
    rl_test_free_emu(emu);
}

static void redis_call_should_convert_arguments(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$19\r\n0.10000000000000001\r\n", "EVAL", "return redis.call('echo', 0.1)",
                  "0");
    rl_assert_cmd(emu, "$19\r\n0.33333333333333331\r\n", "EVAL", "return redis.call('echo', 1/3)",
                  "0");
    rl_assert_cmd(emu, "$1\r\n3\r\n", "EVAL", "return redis.call('echo', 3.0)", "0");
    rl_assert_cmd(emu, "$5\r\n1e+20\r\n", "EVAL", "return redis.call('echo', 1e20)", "0");
    rl_assert_cmd(emu, "$16\r\n9007199254740992\r\n", "EVAL", "return redis.call('echo', 2^53)",
                  "0");
    rl_assert_cmd(emu, "$2\r\n-0\r\n", "EVAL", "return redis.call('echo', -0.0)", "0");
    rl_assert_cmd(emu, "$3\r\ninf\r\n", "EVAL", "return redis.call('echo', 1/0)", "0");
    rl_assert_cmd(emu, "$4\r\n-inf\r\n", "EVAL", "return redis.call('echo', -1/0)", "0");
    rl_assert_cmd(emu, "$4\r\n-nan\r\n", "EVAL", "return redis.call('echo', 0/0)", "0");
    rl_assert_cmd(emu, "$22\r\n1.2345678901234568e+17\r\n", "EVAL",
                  "return redis.call('echo', 123456789012345678)", "0");
    rl_assert_cmd(emu, "$1\r\nx\r\n", "EVAL", "return redis.call('ECHO', 'x')", "0");
    rl_assert_cmd(emu, "+OK\r\n", "EVAL", "return redis.call('set','k',0.1)", "0");
    rl_assert_cmd(emu, "$19\r\n0.10000000000000001\r\n", "GET", "k");
    rl_assert_cmd(emu,
                  "-ERR value is not an integer or out of range script: 6eb7ea4ae1121d4d01b065"
                  "88f92812ada76fe642, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('expire','k',1.5)", "0");
    rl_test_free_emu(emu);
}

static void redis_functions_should_behave_as_in_redis(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-My error\r\n", "EVAL", "return redis.error_reply('My error')", "0");
    rl_assert_cmd(emu, "-ERR nospace\r\n", "EVAL", "return redis.error_reply('nospace')", "0");
    rl_assert_cmd(emu, "-ERR \r\n", "EVAL", "return redis.error_reply('')", "0");
    rl_assert_cmd(emu, "-X y\r\n", "EVAL", "return redis.error_reply('-X y')", "0");
    rl_assert_cmd(emu, "-ERR x\r\n", "EVAL", "return redis.error_reply('x\\r\\n')", "0");
    rl_assert_cmd(emu, "-ERR wrong number or type of arguments\r\n", "EVAL",
                  "return redis.error_reply(1)", "0");
    rl_assert_cmd(emu, "-ERR wrong number or type of arguments\r\n", "EVAL",
                  "return redis.error_reply()", "0");
    rl_assert_cmd(emu, "-ERR wrong number or type of arguments\r\n", "EVAL",
                  "return redis.error_reply('a','b')", "0");
    rl_assert_cmd(emu, "$3\r\nE x\r\n", "EVAL", "return redis.error_reply('E x').err", "0");
    rl_assert_cmd(emu, "+FINE\r\n", "EVAL", "return redis.status_reply('FINE')", "0");
    rl_assert_cmd(emu, "-ERR wrong number or type of arguments\r\n", "EVAL",
                  "return redis.status_reply(1)", "0");
    rl_assert_cmd(emu, "$1\r\nx\r\n", "EVAL", "return redis.status_reply('x').ok", "0");
    rl_assert_cmd(emu, "$40\r\na9993e364706816aba3e25717850c26c9cd0d89d\r\n", "EVAL",
                  "return redis.sha1hex('abc')", "0");
    rl_assert_cmd(emu, "$40\r\n40bd001563085fc35165329ea1ff5c5ecbdbbeef\r\n", "EVAL",
                  "return redis.sha1hex(123)", "0");
    rl_assert_cmd(emu, "$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n", "EVAL",
                  "return redis.sha1hex(nil)", "0");
    rl_assert_cmd(emu, "$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n", "EVAL",
                  "return redis.sha1hex({})", "0");
    rl_assert_cmd(emu, "$40\r\n4a3dec2d1f8245280855c42db0ee4239f917fdb8\r\n", "EVAL",
                  "return redis.sha1hex('a\\0b')", "0");
    rl_assert_cmd(emu,
                  "-ERR wrong number of arguments script: 3c7ce947ae74a835cc575b6ee87fb27503cb"
                  "7ba4, on @user_script:1.\r\n",
                  "EVAL", "return redis.sha1hex()", "0");
    rl_assert_cmd(emu,
                  "-ERR wrong number of arguments script: a97eea736fa048281600b66dea5d6467541c"
                  "1f44, on @user_script:1.\r\n",
                  "EVAL", "return redis.sha1hex(1, 2)", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.log(redis.LOG_WARNING, 'x')", "0");
    rl_assert_cmd(emu,
                  "-ERR redis.log() requires two arguments or more. script: 3f3f405a68f1629d40"
                  "734c03d5bbba6b55824cf9, on @user_script:1.\r\n",
                  "EVAL", "redis.log(1)", "0");
    rl_assert_cmd(emu,
                  "-ERR First argument must be a number (log level). script: 44225587e19201339"
                  "7ebcdcfb56a766ebb8c7e47, on @user_script:1.\r\n",
                  "EVAL", "redis.log('x','y')", "0");
    rl_assert_cmd(emu,
                  "-ERR Invalid debug level. script: 6d93cfa0116834feceea9d3139f21cd8df553169,"
                  " on @user_script:1.\r\n",
                  "EVAL", "redis.log(9,'y')", "0");
    rl_assert_cmd(emu,
                  "-ERR Invalid debug level. script: 3b438f3e0ef6c68f53607aa1cdb9f794887ad490,"
                  " on @user_script:1.\r\n",
                  "EVAL", "redis.log(-1,'y')", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.log('3','y')", "0");
    rl_assert_cmd(emu,
                  "-ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REP"
                  "L_NONE. script: e081d0c5dbda472e6f65ca721d725d769d2291f3, on @user_script:1"
                  ".\r\n",
                  "EVAL", "return redis.set_repl(12345)", "0");
    rl_assert_cmd(emu,
                  "-ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REP"
                  "L_NONE. script: 745493868ce735be1a1f08a9d115f18086342e9b, on @user_script:1"
                  ".\r\n",
                  "EVAL", "return redis.set_repl(-1)", "0");
    rl_assert_cmd(emu,
                  "-ERR redis.set_repl() requires two arguments. script: 9504533b41060c143a92e"
                  "b2f8878e77d33b6dc33, on @user_script:1.\r\n",
                  "EVAL", "return redis.set_repl()", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.set_repl(redis.REPL_ALL)", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.set_repl('x')", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return redis.acl_check_cmd('get')", "0");
    rl_assert_cmd(emu,
                  "-ERR Invalid command passed to redis.acl_check_cmd() script: d2491587bab514"
                  "9c93be0dce4426f7a06ba9e1a1, on @user_script:1.\r\n",
                  "EVAL", "return redis.acl_check_cmd('nosuch')", "0");
    rl_assert_cmd(emu,
                  "-ERR Please specify at least one argument for this redis lib call script: 1"
                  "124f33ad66e7866b4e0c1499a4c20fb5eb9c180, on @user_script:1.\r\n",
                  "EVAL", "return redis.acl_check_cmd()", "0");
    rl_assert_cmd(emu,
                  "-ERR Lua redis lib command arguments must be strings or integers script: 8b"
                  "3d233cc233d15538b743edd3bc4603509e4325, on @user_script:1.\r\n",
                  "EVAL", "return redis.acl_check_cmd({})", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return redis.replicate_commands()", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.breakpoint()", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.debug('x')", "0");
    rl_assert_cmd(emu,
                  "*6\r\n$6\r\n7.0.15\r\n:458767\r\n:0\r\n"
                  ":1\r\n:2\r\n:3\r\n",
                  "EVAL",
                  "return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM, redis.LOG_DEBUG, redi"
                  "s.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}",
                  "0");
    rl_assert_cmd(emu, "*5\r\n:0\r\n:1\r\n:2\r\n:2\r\n:3\r\n", "EVAL",
                  "return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLI"
                  "CA, redis.REPL_ALL}",
                  "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.nosuch", "0");
    rl_test_free_emu(emu);
}

static void setresp_should_change_the_script_protocol(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "redis.setresp(3) return redis.call('get','nokey')", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.call('get','nokey')", "0");
    rl_assert_cmd(emu, "*1\r\n$3\r\nnil\r\n", "EVAL",
                  "redis.setresp(3) return {type(redis.call('get','x'))}", "0");
    rl_assert_cmd(emu, "*1\r\n$7\r\nboolean\r\n", "EVAL", "return {type(redis.call('get','x'))}",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR RESP version must be 2 or 3. script: 68e72e4d8a428b9f599dce492315f2455"
                  "a425a82, on @user_script:1.\r\n",
                  "EVAL", "redis.setresp(4)", "0");
    rl_assert_cmd(emu,
                  "-ERR redis.setresp() requires one argument. script: 42aacaf580759e59c97e8b1"
                  "974d08a62f960014f, on @user_script:1.\r\n",
                  "EVAL", "redis.setresp()", "0");
    rl_assert_cmd(emu,
                  "-ERR redis.setresp() requires one argument. script: 572defd933d67500478b711"
                  "c7fa9e34b7534b0ca, on @user_script:1.\r\n",
                  "EVAL", "redis.setresp(2, 3)", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "redis.setresp('3') return 1", "0");
    rl_assert_cmd(emu,
                  "-ERR RESP version must be 2 or 3. script: c2a797a9752572869ec889597b789377d"
                  "b40332b, on @user_script:1.\r\n",
                  "EVAL", "redis.setresp('x')", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "redis.setresp(3) return true", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "redis.setresp(3) return false", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "redis.setresp(3) redis.setresp(2) return false", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "redis.setresp(3) return redis.call('mget','a','b')", "0");
    rl_assert_cmd(emu, "*2\r\n$-1\r\n$-1\r\n", "EVAL", "return redis.call('mget','a','b')", "0");
    rl_test_free_emu(emu);
}

static void globals_should_be_protected(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'a' script: bbfcd1ececc90deec823f7fb730e4bfb2a4ba625, on @user_script:1.\r"
                  "\n",
                  "EVAL", "return a", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: b88f1ec0c9fe"
                  "96fde96a6f9dabcbeee661dd7afe, on @user_script:1.\r\n",
                  "EVAL", "a = 1", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return rawget(_G,'x')", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: e9a7d849f5330127761233e4169"
                  "4d9bad7e28412, on @user_script:1.\r\n",
                  "EVAL", "return rawset(_G,'x',1)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 00cca49a9d18"
                  "094f532f6d5cd3ecec29fc0fafd9, on @user_script:1.\r\n",
                  "EVAL", "redis = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 6f9c2135c385"
                  "ef4406555ad3ccccb97d6af382cb, on @user_script:1.\r\n",
                  "EVAL", "KEYS = {}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: e5cf4a26667a"
                  "f1721988fe8c9829d5cd2e26c62e, on @user_script:1.\r\n",
                  "EVAL", "_G.x = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 89dde19b7531"
                  "a8ce7251955df304bbd72a1c003e, on @user_script:1.\r\n",
                  "EVAL", "_G = {}", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "local t = {} t.x = 1 return t.x", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'print' script: df4c752a7558004676bbee87e38b92e0b9056d68, on @user_script:1"
                  ".\r\n",
                  "EVAL", "return print", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'print' script: af544869f07ee0ff98e955508566826cfc6fcf49, on @user_script:1"
                  ".\r\n",
                  "EVAL", "print('x')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'dofile' script: 0c5f629ecf4a281cada464398cd571c2f6828b27, on @user_script:"
                  "1.\r\n",
                  "EVAL", "return dofile", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'loadfile' script: a08fbe72c95f67027cc9b6349f5d335b598397b7, on @user_scrip"
                  "t:1.\r\n",
                  "EVAL", "return loadfile", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'getfenv' script: 16cfebc0feae9751eb6419326840e1512625eb36, on @user_script"
                  ":1.\r\n",
                  "EVAL", "return getfenv", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'setfenv' script: 3ffeb955c6323bb75eb872e0e1bc7214ea8780d9, on @user_script"
                  ":1.\r\n",
                  "EVAL", "return setfenv", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'newproxy' script: f77b925834a6a5cd4c3f954d604c77e44181c40f, on @user_scrip"
                  "t:1.\r\n",
                  "EVAL", "return newproxy", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'debug' script: 7f0eed9eaa523ec9e1ff69159f45a399473d9771, on @user_script:1"
                  ".\r\n",
                  "EVAL", "return debug", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'io' script: badfe324d30f60abd2dbecf4d4b0f915038384e2, on @user_script:1.\r"
                  "\n",
                  "EVAL", "return io", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'os' script: f03b5ad6e7d58786b6a5e879efbea4a4408f5c2f, on @user_script:1.\r"
                  "\n",
                  "EVAL", "return os", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'require' script: 68c9d8918a98cebaec1948aff703e96c57af9fdd, on @user_script"
                  ":1.\r\n",
                  "EVAL", "return require", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'package' script: bfab18646c3a65e87365badef4807726c27a0041, on @user_script"
                  ":1.\r\n",
                  "EVAL", "return package", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'module' script: 2803774b6b78613fcfa3f4ce44070f589e937542, on @user_script:"
                  "1.\r\n",
                  "EVAL", "return module", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: 6272db8503d65d1a388d09238bb"
                  "fa63398419ac5, on @user_script:1.\r\n",
                  "EVAL", "return setmetatable(_G, {})", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Second argument to luaProtectedTableError must be a str"
                  "ing or number script: a5fb9501a2e4fbb131676c3a0b4e087c474f92b4, on @user_sc"
                  "ript:1.\r\n",
                  "EVAL", "return _G[true]", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'rawset' (table expected, got no val"
                  "ue) script: e083c3c3169b550515eb809bb88641ea21ea5e1b, on @user_script:1.\r"
                  "\n",
                  "EVAL", "return rawset()", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return rawset({}, 'a', 1).a", "0");
    rl_assert_cmd(emu, "$8\r\nfunction\r\n", "EVAL", "return type(getmetatable(_G).__index)", "0");
    rl_assert_cmd(emu, "$7\r\nLua 5.1\r\n", "EVAL", "return _VERSION", "0");
    rl_assert_cmd(emu, "$8\r\nfunction\r\n", "EVAL", "return type(__redis__err__handler)", "0");
    rl_assert_cmd(emu,
                  "*8\r\n$8\r\nfunction\r\n$8\r\nfunction\r\n"
                  "$8\r\nfunction\r\n$8\r\nfunction\r\n$8\r\n"
                  "function\r\n$8\r\nfunction\r\n$5\r\ntable\r\n"
                  "$8\r\nfunction\r\n",
                  "EVAL",
                  "return {type(pcall), type(xpcall), type(loadstring), type(load), type(unpac"
                  "k), type(gcinfo), type(coroutine), type(select)}",
                  "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return loadstring('return 1')()", "0");
    rl_assert_cmd(emu,
                  "-ERR [string \"x=1\"]:1: Attempt to modify a readonly table script: 0c14d57"
                  "34b62d25f8e858e0229d5df5ab94f9eba, on x=1:1.\r\n",
                  "EVAL", "return loadstring('x=1')()", "0");
    rl_assert_cmd(emu,
                  "-ERR [string \"return y\"]:1: Script attempted to access nonexistent global"
                  " variable 'y' script: a02f35b3bad77402da1e1e57654b2fae62a75e66, on return y"
                  ":1.\r\n",
                  "EVAL", "return loadstring('return y')()", "0");
    rl_assert_cmd(emu,
                  "-ERR [string \"error(\"x\")\"]:1: x script: 90fc7520b8e558fb01fe068ff77d90b"
                  "ca1cc10b9, on error(\"x\"):1.\r\n",
                  "EVAL", "local f = loadstring('error(\"x\")') f()", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'nosuchfunction' script: 4f3b06a314dccf79eb98f39770bdd0efc9476635, on @user"
                  "_script:1.\r\n",
                  "EVAL", "return nosuchfunction()", "0");
    rl_test_free_emu(emu);
}

static void math_random_should_follow_redis_rand48(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "*2\r\n$16\r\n0.17082803611217\r\n$16\r\n"
                  "0.74990198051087\r\n",
                  "EVAL",
                  "math.randomseed(0) return {tostring(math.random()), tostring(math.random())"
                  "}",
                  "0");
    rl_assert_cmd(emu, "$16\r\n0.74452500033403\r\n", "EVAL",
                  "math.randomseed(42) return tostring(math.random())", "0");
    rl_assert_cmd(emu, "$16\r\n0.26644419658298\r\n", "EVAL",
                  "math.randomseed(7) return tostring(math.random())", "0");
    rl_assert_cmd(emu, "*3\r\n:3\r\n:7\r\n:-2\r\n", "EVAL",
                  "math.randomseed(7) return {math.random(10), math.random(5, 7), math.random("
                  "-3, 3)}",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'random' (interval is empty) script:"
                  " 008bcb60f86ee36d26c67b641b46674578d9cba0, on @user_script:1.\r\n",
                  "EVAL", "return math.random(0)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #2 to 'random' (interval is empty) script:"
                  " 68acc572476cae3f902bc415099bdefb8ea66576, on @user_script:1.\r\n",
                  "EVAL", "return math.random(3,1)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: wrong number of arguments script: 5cd983b5db563301a1c7a"
                  "b05351573640323e7a9, on @user_script:1.\r\n",
                  "EVAL", "return math.random(1,2,3)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'random' (number expected, got strin"
                  "g) script: d36aee4c433f6d1a257f71070b6a0b37a40bbb04, on @user_script:1.\r\n",
                  "EVAL", "return math.random('x')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'randomseed' (number expected, got n"
                  "o value) script: 9eed10cf76a7a6865ba6e0fcf62b0b32831bf4da, on @user_script:"
                  "1.\r\n",
                  "EVAL", "return math.randomseed()", "0");
    rl_assert_cmd(emu, "$17\r\n0.041630344484761\r\n", "EVAL",
                  "math.randomseed(1.9) return tostring(math.random())", "0");
    rl_test_free_emu(emu);
}

/* --- The emulator's own behaviour --------------------------------------------- */

/* The first values of math.random on a freshly started redis-server (its
 * rand48 starts at libc's default seed and is never reseeded per script),
 * and the state surviving SCRIPT FLUSH as Redis's process-wide one does. */
static void math_random_should_start_like_a_fresh_server(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*4\r\n$16\r\n0.39646477363839\r\n$16\r\n0.84048536971234\r\n:36\r\n:-1\r\n",
                  "EVAL",
                  "return {tostring(math.random()), tostring(math.random()), math.random(100), "
                  "math.random(-5,5)}",
                  "0");
    rl_assert_cmd(emu, "$16\r\n0.31869277233197\r\n", "EVAL", "return tostring(math.random())",
                  "0");
    rl_assert_cmd(emu, "+OK\r\n", "SCRIPT", "FLUSH");
    rl_assert_cmd(emu, "$16\r\n0.88642843341754\r\n", "EVAL", "return tostring(math.random())",
                  "0");
    rl_test_free_emu(emu);
}

static double elapsed_s(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A runaway script ends with RL_ERRF_SCRIPT_TIMEOUT (redlua's own text; Redis
 * never stops a script) at the line it was running, even when it tries to
 * swallow the error with pcall; the emulator stays usable afterwards. */
static void runaway_script_should_stop_at_the_time_limit(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_script_timeout_ms(emu, 200);
    static const char *const scripts[] = {
        "while true do end",
        "local i = 0\nwhile true do i = i + 1 end",
        "while true do pcall(function() while true do end end) end",
        "while true do xpcall(function() while true do end end, function(e) return e end) end",
        "local function f() return f() end\nreturn f()",
    };
    for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rl_reply *r = rl_emu_callv(emu, "EVAL", scripts[i], "0", (const char *)NULL);
        double took = elapsed_s(&t0);
        assert_int_equal(r->type, RL_REPLY_ERROR);
        const char *prefix = "ERR Script killed by redlua: it exceeded the time limit of 200 ms "
                             "script: ";
        assert_memory_equal(r->str, prefix, strlen(prefix));
        assert_non_null(strstr(r->str, ", on @user_script:"));
        rl_reply_free(r);
        assert_true(took >= 0.2 && took < 2.0);
        assert_int_equal(emu->script_start_ms, -1);
        assert_non_null(rl_emu_last_traceback(emu));
    }
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return 1", "0");

    /* 0 means no limit: a long loop runs to its end. */
    rl_emu_set_script_timeout_ms(emu, 0);
    rl_assert_cmd(emu, ":3000000\r\n", "EVAL",
                  "local n = 0 for i = 1, 3000000 do n = n + 1 end return n", "0");
    rl_test_free_emu(emu);
}

/* The exact reply of a timed-out script, including the line it was on. */
static void timed_out_script_should_name_its_line(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_script_timeout_ms(emu, 100);
    rl_assert_cmd(emu,
                  "-ERR Script killed by redlua: it exceeded the time limit of 100 ms script: "
                  "dbed7847d9e64da22f8396679221009f855a5057, on @user_script:3.\r\n",
                  "EVAL", "local x = 1\n\nwhile true do end", "0");
    assert_string_equal(rl_emu_last_traceback(emu), "user_script:3: in main chunk");
    rl_test_free_emu(emu);
}

/* redis.log lines at or above Redis's default verbosity (notice) are kept,
 * joined with newlines, for rl_emu_last_log; each script starts afresh. */
static void redis_log_should_be_captured(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    assert_null(rl_emu_last_log(emu));
    rl_assert_cmd(emu, "$-1\r\n", "EVAL",
                  "redis.log(redis.LOG_WARNING, 'a', 1, 'b')\n"
                  "redis.log(redis.LOG_NOTICE, 'second', {}, 'x')\n"
                  "redis.log(redis.LOG_VERBOSE, 'verbose')\n"
                  "redis.log(redis.LOG_DEBUG, 'debug')\n"
                  "redis.log(redis.LOG_NOTICE, nil, 'leading')",
                  "0");
    assert_string_equal(rl_emu_last_log(emu), "a 1 b\nsecond x\n leading");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return 1", "0");
    assert_null(rl_emu_last_log(emu));
    /* A script that fails keeps what it logged before failing. */
    rl_assert_cmd(emu,
                  "-ERR user_script:1: boom script: 624112815ae2cf8a11ca01590434626e42ba568c, on "
                  "@user_script:1.\r\n",
                  "EVAL", "redis.log(redis.LOG_WARNING, 'before') error('boom')", "0");
    assert_string_equal(rl_emu_last_log(emu), "before");
    rl_test_free_emu(emu);
}

/* Key expiry is judged at the script's start time while it runs, and the
 * freeze is lifted afterwards, whatever the outcome. */
static void script_should_freeze_expiry_only_while_it_runs(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "SET", "k", "v", "PX", "100");
    assert_int_equal(emu->script_start_ms, -1);
    rl_assert_cmd(emu, "$1\r\nv\r\n", "EVAL", "return redis.call('get', KEYS[1])", "1", "k");
    assert_int_equal(emu->script_start_ms, -1);
    rl_assert_cmd(emu, "-ERR x\r\n", "EVAL", "return redis.error_reply('x')", "0");
    assert_int_equal(emu->script_start_ms, -1);
    rl_emu_advance_ms(emu, 101);
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.call('get', KEYS[1])", "1", "k");
    assert_int_equal(rl_emu_expiry_now(emu), rl_emu_clock_ms(emu));
    rl_test_free_emu(emu);
}

/* The scripting state, once created, is released with the emulator, also
 * after SCRIPT FLUSH and with cached scripts. */
static void scripting_memory_should_all_be_released(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$40\r\ne0e1f9fabfc9d4800c877a703b823ac0578ff8db\r\n", "SCRIPT", "LOAD",
                  "return 1");
    rl_assert_cmd(emu, "+OK\r\n", "SCRIPT", "FLUSH");
    rl_assert_cmd(emu, "*3\r\n:1\r\n:2\r\n:3\r\n", "EVAL",
                  "local t = {} for i = 1, 3 do t[i] = i end return t", "0");
    rl_test_free_emu(emu);
    assert_int_equal(rl_mem_used(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eval_should_reply_with_the_first_result_converted),
        cmocka_unit_test(eval_should_set_fresh_keys_and_argv_globals),
        cmocka_unit_test(eval_should_give_each_script_keys_and_argv_as_new),
        cmocka_unit_test(engine_should_tell_a_new_arrays_shape),
        cmocka_unit_test(tonumber_should_behave_as_in_redis),
        cmocka_unit_test(eval_should_check_arguments_in_redis_order),
        cmocka_unit_test(evalsha_should_find_cached_scripts_case_insensitively),
        cmocka_unit_test(script_load_should_cache_and_compile_errors_should_not),
        cmocka_unit_test(script_should_answer_its_subcommands_and_errors),
        cmocka_unit_test(eval_should_parse_the_shebang),
        cmocka_unit_test(eval_ro_should_refuse_writes),
        cmocka_unit_test(select_inside_a_script_should_not_leak_to_the_caller),
        cmocka_unit_test(redis_call_should_convert_arguments),
        cmocka_unit_test(redis_functions_should_behave_as_in_redis),
        cmocka_unit_test(setresp_should_change_the_script_protocol),
        cmocka_unit_test(globals_should_be_protected),
        cmocka_unit_test(math_random_should_follow_redis_rand48),
        cmocka_unit_test(math_random_should_start_like_a_fresh_server),
        cmocka_unit_test(runaway_script_should_stop_at_the_time_limit),
        cmocka_unit_test(timed_out_script_should_name_its_line),
        cmocka_unit_test(redis_log_should_be_captured),
        cmocka_unit_test(script_should_freeze_expiry_only_while_it_runs),
        cmocka_unit_test(scripting_memory_should_all_be_released),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
