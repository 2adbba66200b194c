/* The Lua sandbox (lua_env.c): read-only tables, hidden globals, loading
 * rules, coroutines, and that no script can escape or change what later
 * scripts see. Built and run once per Lua engine. Every expected reply was
 * read from redis-server 7.0.15 (Debian 7.0.15-1~deb12u10), the same
 * commands in the same order on a fresh server (after SCRIPT FLUSH,
 * FUNCTION FLUSH and FLUSHALL), with a raw RESP client. Where LuaJIT cannot
 * give Redis's answer (table order), the case is in the last test, per
 * engine. */
#include "test_common.h"

#include <string.h>

static void free_emu(rl_emu *emu)
{
    rl_emu_free(emu);
    assert_int_equal(rl_mem_used(), 0);
}

/* Stores into every read-only table, to new and to existing keys, fail as the patched VM's do:
 * with the storing code's position. */
static void library_stores_should_fail_with_the_position(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 8217b76c7a501"
                  "906264bfd0d432550aa1280439c, on @user_script:1.\r\n",
                  "EVAL", "cjson.encode = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: f0d419af82be1"
                  "e070c19d2f3e6e7be07c8bb72da, on @user_script:1.\r\n",
                  "EVAL", "string.format = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 6a991db3f017a"
                  "00cee96335b68a9bc6c48ef425b, on @user_script:1.\r\n",
                  "EVAL", "string.newthing = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 69f883616b181"
                  "4e2dc95cf801f324e38c5cc5ed2, on @user_script:1.\r\n",
                  "EVAL", "redis.call = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: c03887dd7cac7"
                  "b521b5a4356f63c8d0986b99d36, on @user_script:1.\r\n",
                  "EVAL", "bit.band = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 9a4eec6d05136"
                  "1e699c5392e7dc83af809e8d1f8, on @user_script:1.\r\n",
                  "EVAL", "struct.pack = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: d6abb2226d9ca"
                  "9ea3d8ca223aa3aebc3539d11ef, on @user_script:1.\r\n",
                  "EVAL", "cmsgpack.pack = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 3964768616c12"
                  "d8fc4a3dfa02d26b2827af1ccc5, on @user_script:1.\r\n",
                  "EVAL", "math.pi = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 6c46dd50fb7a4"
                  "214b156a27df72ade89b2ddafcc, on @user_script:1.\r\n",
                  "EVAL", "coroutine.wrap = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 784e5a8b0e930"
                  "ecdeccd2542013f7413aad7bb23, on @user_script:1.\r\n",
                  "EVAL", "table.insert = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 7864baac9e299"
                  "de907b49c372c6792687dc727c5, on @user_script:1.\r\n",
                  "EVAL", "getmetatable(_G).__index = {}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 711157ecea7c4"
                  "499f262b9c76775b0d22cd57257, on @user_script:1.\r\n",
                  "EVAL", "getmetatable(_G).__newindex = {}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 5939f0f569714"
                  "26c0d4e566316c092f3a89a501c, on @user_script:1.\r\n",
                  "EVAL", "getmetatable('').x = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: b6891165ebdc5"
                  "34f0f374ecfee85c5d46f13aac3, on @user_script:1.\r\n",
                  "EVAL", "getmetatable('').__index = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 89dde19b7531a"
                  "8ce7251955df304bbd72a1c003e, on @user_script:1.\r\n",
                  "EVAL", "_G = {}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 00cca49a9d180"
                  "94f532f6d5cd3ecec29fc0fafd9, on @user_script:1.\r\n",
                  "EVAL", "redis = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 34bce5f775de9"
                  "7f557a34088509c8bfe1ea17e52, on @user_script:1.\r\n",
                  "EVAL", "x = 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: a039699933149"
                  "062c48afa7a82470b182290c568, on @user_script:1.\r\n",
                  "EVAL", "_G.string = nil", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: b0be533684466"
                  "d28b4ea3930dec7a684594e68c0, on @user_script:1.\r\n",
                  "EVAL", "local s = string s.upper = nil", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: 28885d27745cf"
                  "54dcd6cfa3dac95f67f534da017, on @user_script:1.\r\n",
                  "EVAL", "local f = function() cjson.decode = nil end f()", "0");
    free_emu(emu);
}

/* rawset, setmetatable and table.insert raise from C, without a position. */
static void raw_stores_should_fail_without_a_position(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: 4a61bbd2d416e92e138132e1e783"
                  "ac4b530768c6, on @user_script:1.\r\n",
                  "EVAL", "rawset(cjson,'x',1)", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: d40e631b35efb3f7af3a86299524"
                  "d322d9e868c7, on @user_script:1.\r\n",
                  "EVAL", "rawset(string,'x',1)", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: 90860ee597073785c7a12c667667"
                  "abc4495e2c78, on @user_script:1.\r\n",
                  "EVAL", "rawset(_G,'x',1)", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: 30e0507a07cf5c1ec0b6f95003ff"
                  "ce8872477c0d, on @user_script:1.\r\n",
                  "EVAL", "rawset(redis,'call',1)", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: 67260fdc84664a3dd0b5549f0a98"
                  "944bcab520a7, on @user_script:1.\r\n",
                  "EVAL", "rawset(getmetatable(_G), '__index', nil)", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: 319dcfc8f3282f3d7a50c7a1813d"
                  "4ddebe9b231b, on @user_script:1.\r\n",
                  "EVAL", "rawset(getmetatable(''), 'x', 1)", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: 51fb2d1ea61fab7fc38aeaeb0e33"
                  "46afa9fb931e, on @user_script:1.\r\n",
                  "EVAL", "setmetatable(cjson,{})", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: e8f1b52cec0990f58c59b37010d1"
                  "30cfdce9e1a5, on @user_script:1.\r\n",
                  "EVAL", "setmetatable(_G,{})", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: 943d130e2f0a28f12282346fcd8b"
                  "2587cec48345, on @user_script:1.\r\n",
                  "EVAL", "setmetatable(getmetatable(_G),{})", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: a5f8c4fcc1536b9bac168f37da30"
                  "3718afd8ce15, on @user_script:1.\r\n",
                  "EVAL", "setmetatable(getmetatable(''),{})", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: 971e78f019731c3b94cd1c9d1569"
                  "23a85ee493e8, on @user_script:1.\r\n",
                  "EVAL", "setmetatable(string, nil)", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: 54d6bceaddd07a2d36f3e595e5cb"
                  "bdedaa9fcb10, on @user_script:1.\r\n",
                  "EVAL", "table.insert(_G, 1)", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: 665a27be1dfc4d5eda6068dc8d83"
                  "1bb5fb63fa89, on @user_script:1.\r\n",
                  "EVAL", "table.insert(string, 1)", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: c349f34bc79dfe3ca692811adf42"
                  "ef9d90be1f1a, on @user_script:1.\r\n",
                  "EVAL", "table.insert(string, 5, 1)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: wrong number of arguments to 'insert' script: 84ac7e2411"
                  "24a1614e2bba5d08d4bb17e0c3af74, on @user_script:1.\r\n",
                  "EVAL", "table.insert(string)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #2 to 'insert' (number expected, got string"
                  ") script: beb3a592001255f2de799efc3cea87868e7a4bdb, on @user_script:1.\r\n",
                  "EVAL", "table.insert(string, 'x', 1)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'insert' (table expected, got nil) sc"
                  "ript: 299b315a066f2e452a66f250241fc738ce10682e, on @user_script:1.\r\n",
                  "EVAL", "table.insert(nil, 1)", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return pcall(rawset, bit, 'x', 1)", "0");
    rl_assert_cmd(emu, "$34\r\nAttempt to modify a readonly table\r\n", "EVAL",
                  "local ok, e = pcall(rawset, bit, 'x', 1) return e", "0");
    free_emu(emu);
}

/* Read-only tables still look like plain tables to scripts: type, counts, rawget, next,
 * getmetatable. */
static void readonly_tables_should_read_as_in_redis(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$5\r\ntable\r\n", "EVAL", "return type(string)", "0");
    rl_assert_cmd(emu, "$5\r\ntable\r\n", "EVAL", "return type(_G.string)", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "return #_G", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "return #string", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "return #KEYS", "0");
    rl_assert_cmd(emu, ":23\r\n", "EVAL", "local n=0 for k,v in pairs(redis) do n=n+1 end return n",
                  "0");
    rl_assert_cmd(emu, ":15\r\n", "EVAL",
                  "local n=0 for k,v in pairs(string) do n=n+1 end return n", "0");
    rl_assert_cmd(emu, ":35\r\n", "EVAL", "local n=0 for k,v in pairs(_G) do n=n+1 end return n",
                  "0");
    rl_assert_cmd(emu, ":9\r\n", "EVAL", "local n=0 for k in pairs(table) do n=n+1 end return n",
                  "0");
    rl_assert_cmd(emu, ":31\r\n", "EVAL", "local n=0 for k in pairs(math) do n=n+1 end return n",
                  "0");
    rl_assert_cmd(emu, ":6\r\n", "EVAL",
                  "local n=0 for k in pairs(coroutine) do n=n+1 end return n", "0");
    rl_assert_cmd(emu, ":13\r\n", "EVAL", "local n=0 for k in pairs(cjson) do n=n+1 end return n",
                  "0");
    rl_assert_cmd(emu, ":12\r\n", "EVAL",
                  "local n=0 table.foreach(bit, function() n=n+1 end) return n", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return rawget(_G,'redis') == redis", "0");
    rl_assert_cmd(emu, "$8\r\nfunction\r\n", "EVAL", "return type(rawget(string,'format'))", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return rawget(_G, 'nosuch')", "0");
    rl_assert_cmd(emu, "$3\r\nnil\r\n", "EVAL", "return tostring(getmetatable(cjson))", "0");
    rl_assert_cmd(emu, "$3\r\nnil\r\n", "EVAL", "return tostring(getmetatable(redis))", "0");
    rl_assert_cmd(emu, "$8\r\nfunction\r\n", "EVAL", "return type(getmetatable(_G).__index)", "0");
    rl_assert_cmd(emu, "$3\r\nnil\r\n", "EVAL", "return tostring(getmetatable(_G).__newindex)",
                  "0");
    rl_assert_cmd(emu, "$3\r\nnil\r\n", "EVAL", "return tostring(getmetatable(getmetatable(_G)))",
                  "0");
    rl_assert_cmd(emu, "$4\r\ntrue\r\n", "EVAL",
                  "return tostring(getmetatable(_G) == getmetatable(_G))", "0");
    rl_assert_cmd(emu, "$4\r\ntrue\r\n", "EVAL",
                  "return tostring(getmetatable('').__index == string)", "0");
    rl_assert_cmd(emu, "$4\r\ntrue\r\n", "EVAL",
                  "return tostring(rawget(getmetatable(''), '__index') == string)", "0");
    rl_assert_cmd(emu, "$3\r\nnil\r\n", "EVAL", "return tostring(getmetatable(getmetatable('')))",
                  "0");
    rl_assert_cmd(emu, "$7\r\n__index\r\n", "EVAL", "return next(getmetatable(''))", "0");
    rl_assert_cmd(emu, "$7\r\n__index\r\n", "EVAL", "return next(getmetatable(_G))", "0");
    rl_assert_cmd(emu, ":2\r\n", "EVAL", "return select('#', next(string))", "0");
    rl_assert_cmd(emu, "$4\r\ntrue\r\n", "EVAL", "return tostring(pcall(next, _G, 'string'))", "0");
    rl_assert_cmd(emu,
                  "-ERR invalid key to 'next' script: aeca9535394dd4da8e8d81556f650891177e7045,"
                  " on @user_script:1.\r\n",
                  "EVAL", "return next(string, 'nosuchkey')", "0");
    rl_assert_cmd(emu, "$5\r\nfalse\r\n", "EVAL", "return tostring(select(1, pairs({})) == next)",
                  "0");
    rl_assert_cmd(emu, "$4\r\ntrue\r\n", "EVAL", "return tostring(_G._G == _G)", "0");
    rl_assert_cmd(emu, "$1\r\nX\r\n", "EVAL", "return ('x'):upper()", "0");
    rl_assert_cmd(emu, "$1\r\n5\r\n", "EVAL", "return string.format('%d', 5)", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return string.gfind == string.gmatch", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return math.mod == math.fmod", "0");
    rl_assert_cmd(emu, "$3\r\nxxx\r\n", "EVAL", "return string.rep('x', 3, ',')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: 'setn' is obsolete script: 23f5fbfad52aa1d32869b8b617211"
                  "3f32d6148d2, on @user_script:1.\r\n",
                  "EVAL", "table.setn({}, 1)", "0");
    rl_assert_cmd(emu, "$1\r\nA\r\n", "EVAL",
                  "local t = setmetatable({}, getmetatable('')) return t.upper('a')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "x' script: cfb6b35bb0e20f998db5ada90d89521997330be1, on @user_script:1.\r\n",
                  "EVAL", "local t = setmetatable({}, getmetatable(_G)) return t.x", "0");
    rl_assert_cmd(emu, "$4\r\ntrue\r\n", "EVAL",
                  "return tostring(getmetatable(setmetatable({}, string)) == string)", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "return table.getn(string)", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "return table.maxn(string)", "0");
    rl_assert_cmd(emu, "$0\r\n\r\n", "EVAL", "return table.concat(string)", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return unpack(string)", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return table.remove(string)", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "table.sort(_G)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise function: type not supported script: 61"
                  "10815ca5926658c2eb33b2ba2d6640293bd9e3, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode(string)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Cannot serialise function: type not supported script: 81"
                  "6252174dd540086238604ba3946d0cb31a6b56, on @user_script:1.\r\n",
                  "EVAL", "return cjson.encode({bit})", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "return string", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "return redis", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'pairs' (table expected, got nil) scr"
                  "ipt: a535da6440828f635b77339d464e26606059706b, on @user_script:1.\r\n",
                  "EVAL", "return pairs(nil)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'next' (table expected, got nil) scri"
                  "pt: 3611cf56d76d70f1ee32388b38bf88854151b6d7, on @user_script:1.\r\n",
                  "EVAL", "return next(nil)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'rawget' (table expected, got nil) sc"
                  "ript: f767521e4a4ca93be7109082d3b9cdf2283aefac, on @user_script:1.\r\n",
                  "EVAL", "return rawget(nil, 1)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #2 to 'rawget' (value expected) script: 406"
                  "541aee787e093aba0098b9fba9a6d7e871354, on @user_script:1.\r\n",
                  "EVAL", "return rawget(string)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'getmetatable' (value expected) scrip"
                  "t: 079907dcac7a4f1ecf68e10e298d3983826b55b6, on @user_script:1.\r\n",
                  "EVAL", "return getmetatable()", "0");
    free_emu(emu);
}

/* KEYS, ARGV, the script's own tables, decoded values and cjson.new() modules are writable. */
static void writable_tables_should_stay_writable(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "local t = {} t.x = 1 return t.x", "0");
    rl_assert_cmd(emu, "$1\r\nx\r\n", "EVAL", "KEYS[1] = 'x' return KEYS[1]", "1", "k");
    rl_assert_cmd(emu, "$6\r\nnumber\r\n", "EVAL",
                  "local c = cjson.new() c.encode = 1 return type(c.encode)", "0");
    rl_assert_cmd(emu, "$3\r\nnil\r\n", "EVAL",
                  "local c = cjson.new() return tostring(getmetatable(c))", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "local c = cjson.new() rawset(c, 'x', 1) return c.x", "0");
    rl_assert_cmd(emu, ":2\r\n", "EVAL", "local t = cjson.decode('{\"a\":1}') t.a = 2 return t.a",
                  "0");
    rl_assert_cmd(emu, ":5\r\n", "EVAL",
                  "local t = cmsgpack.unpack(cmsgpack.pack({1})) t[1] = 5 "
                  "return t[1]",
                  "0");
    rl_assert_cmd(emu, "*2\r\n$1\r\nb\r\n$1\r\na\r\n", "EVAL",
                  "local t = {} table.insert(t, 'a') table.insert(t, 1, 'b') "
                  "return t",
                  "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL",
                  "local t = setmetatable({}, {__index = string}) t.x = 1 return t.x", "0");
    free_emu(emu);
}

/* A script cannot change what later scripts see: KEYS and ARGV are fresh, redis.call and the
 * libraries stay. */
static void nothing_should_leak_to_later_scripts(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "KEYS[1] = 'x' KEYS[2] = 'y' ARGV[5] = 'z' return 1", "1",
                  "k");
    rl_assert_cmd(emu, "*2\r\n:0\r\n:0\r\n", "EVAL", "return {#KEYS, #ARGV}", "0");
    rl_assert_cmd(emu, "+PONG\r\n", "EVAL",
                  "pcall(function() redis.call = function() return 'hijacked' end end) return r"
                  "edis.call('ping')",
                  "0");
    rl_assert_cmd(emu, "+PONG\r\n", "EVAL", "return redis.call('ping')", "0");
    rl_assert_cmd(emu, "$1\r\nA\r\n", "EVAL",
                  "pcall(rawset, string, 'upper', string.lower) return ('a'):upper()", "0");
    rl_assert_cmd(emu, "$1\r\nA\r\n", "EVAL",
                  "pcall(setmetatable, getmetatable(''), {}) return ('a'):upper()", "0");
    rl_assert_cmd(emu, "$1\r\nA\r\n", "EVAL",
                  "pcall(function() getmetatable('').__index = {upper = function() return 'no' "
                  "end} end) return ('a'):upper()",
                  "0");
    rl_assert_cmd(emu, "$1\r\nA\r\n", "EVAL", "return ('a'):upper()", "0");
    rl_assert_cmd(emu,
                  "-ERR [string \"x = 1\"]:1: Attempt to modify a readonly table script: f358a8"
                  "565716d9999ad1b3d9696ab6c3c37b0a64, on x = 1:1.\r\n",
                  "EVAL", "local f = loadstring('x = 1') f()", "0");
    rl_assert_cmd(emu,
                  "-ERR [string \"return y\"]:1: Script attempted to access nonexistent global "
                  "variable 'y' script: 5d93ed62e5c73ce856ab404275280bb7e2ccd264, on return y:1"
                  ".\r\n",
                  "EVAL", "local f = loadstring('return y') f()", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: user_script:1: Attempt to modify a readonly table script"
                  ": ce038db8c6328e4c2651cf3a2bbc9f532837de69, on @user_script:1.\r\n",
                  "EVAL", "local co = coroutine.wrap(function() x = 1 end) co()", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return rawget(_G, 'x')", "0");
    free_emu(emu);
}

/* No io, os, package, file loading, debug, environments or userdata factories (Debian's build). */
static void dangerous_globals_should_be_absent(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "io' script: 918bbded8bab006be53c3db116d9c93508fc799a, on @user_script:1.\r\n",
                  "EVAL", "return type(io)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "os' script: 88bfcb2247db0b6fa4925f3cddc3fd0651459f99, on @user_script:1.\r\n",
                  "EVAL", "return type(os)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "require' script: 68c9d8918a98cebaec1948aff703e96c57af9fdd, on @user_script:1"
                  ".\r\n",
                  "EVAL", "return require", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "package' script: bfab18646c3a65e87365badef4807726c27a0041, on @user_script:1"
                  ".\r\n",
                  "EVAL", "return package", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "loadfile' script: a08fbe72c95f67027cc9b6349f5d335b598397b7, on @user_script:"
                  "1.\r\n",
                  "EVAL", "return loadfile", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "dofile' script: 0c5f629ecf4a281cada464398cd571c2f6828b27, on @user_script:1."
                  "\r\n",
                  "EVAL", "return dofile", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "loadlib' script: 1e7453a6b5b0a5ddce7a3c35c07c8fe456933044, on @user_script:1"
                  ".\r\n",
                  "EVAL", "return loadlib", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "getfenv' script: 16cfebc0feae9751eb6419326840e1512625eb36, on @user_script:1"
                  ".\r\n",
                  "EVAL", "return getfenv", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "setfenv' script: 3ffeb955c6323bb75eb872e0e1bc7214ea8780d9, on @user_script:1"
                  ".\r\n",
                  "EVAL", "return setfenv", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "debug' script: 7f0eed9eaa523ec9e1ff69159f45a399473d9771, on @user_script:1."
                  "\r\n",
                  "EVAL", "return debug", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "newproxy' script: f77b925834a6a5cd4c3f954d604c77e44181c40f, on @user_script:"
                  "1.\r\n",
                  "EVAL", "return newproxy", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "print' script: df4c752a7558004676bbee87e38b92e0b9056d68, on @user_script:1."
                  "\r\n",
                  "EVAL", "return print", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "module' script: 2803774b6b78613fcfa3f4ce44070f589e937542, on @user_script:1."
                  "\r\n",
                  "EVAL", "return module", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "jit' script: 1cf6cd280894913182acc3f7a2a15141b828236a, on @user_script:1.\r"
                  "\n",
                  "EVAL", "return jit", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "bit32' script: bd18884cb7d54204d201b18bdc322eb5dd207013, on @user_script:1."
                  "\r\n",
                  "EVAL", "return bit32", "0");
    rl_assert_cmd(emu, "$3\r\nnil\r\n", "EVAL", "return tostring(rawget(_G,'jit'))", "0");
    rl_assert_cmd(emu, "$7\r\nLua 5.1\r\n", "EVAL", "return _VERSION", "0");
    rl_assert_cmd(emu, "$8\r\nfunction\r\n", "EVAL", "return type(unpack)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "debug' script: 763200efa15885c9fa970d45cc2b11711c739c13, on @user_script:1."
                  "\r\n",
                  "EVAL", "return debug.getregistry()", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable '"
                  "print' script: e7a70231a8c521ff6e063c712d6736d178fcbee3, on @user_script:1."
                  "\r\n",
                  "EVAL", "return string.dump(print)", "0");
    free_emu(emu);
}

/* loadstring and load run the text parser only: a precompiled chunk fails at its first
 * character. */
static void bytecode_should_never_load(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "*2\r\n$3\r\nnil\r\n$53\r\n[string \"\033LuaQ\"]:1: unexpected symbol near 'c"
                  "har(27)'\r\n",
                  "EVAL",
                  "local f, e = loadstring(string.dump(function() return 1 end)) return {tostri"
                  "ng(f), e}",
                  "0");
    rl_assert_cmd(emu, "$5\r\n\033LuaQ\r\n", "EVAL",
                  "return string.sub(string.dump(function() end), 1, 5)", "0");
    rl_assert_cmd(emu,
                  "*2\r\n$3\r\nnil\r\n$51\r\n[string \"foo\"]:1: unexpected symbol near 'char(2"
                  "7)'\r\n",
                  "EVAL", "local f, e = loadstring('\\27abc', 'foo') return {tostring(f), e}", "0");
    rl_assert_cmd(emu, "*2\r\n$3\r\nnil\r\n$40\r\nfoo:1: unexpected symbol near 'char(27)'\r\n",
                  "EVAL",
                  "local f, e = loadstring('\\27abc', '=foo') return "
                  "{tostring(f), e}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n$3\r\nnil\r\n$40\r\nfoo:1: unexpected symbol near 'char(27)'\r\n",
                  "EVAL",
                  "local f, e = loadstring('\\27abc', '@foo') return "
                  "{tostring(f), e}",
                  "0");
    rl_assert_cmd(emu,
                  "*2\r\n$3\r\nnil\r\n$49\r\n[string \"\033\"]:1: unexpected symbol near 'char("
                  "27)'\r\n",
                  "EVAL", "local f, e = loadstring('\\27') return {tostring(f), e}", "0");
    rl_assert_cmd(emu,
                  "*2\r\n$3\r\nnil\r\n$52\r\n[string \"\033...\"]:1: unexpected symbol near 'ch"
                  "ar(27)'\r\n",
                  "EVAL", "local f, e = loadstring('\\27\\nabc') return {tostring(f), e}", "0");
    rl_assert_cmd(emu,
                  "*2\r\n$3\r\nnil\r\n$54\r\n[string \"#!/bin/lua...\"]:1: unexpected symbol ne"
                  "ar '#'\r\n",
                  "EVAL",
                  "local f, e = loadstring('#!/bin/lua\\nreturn 1') return "
                  "{tostring(f), e}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n$3\r\nnil\r\n$43\r\n(load):1: unexpected symbol near 'char(27)'\r\n",
                  "EVAL",
                  "local i = 0 local f, e = load(function() i = i + 1 if i == 1 then return str"
                  "ing.dump(function() end) end end) return {tostring(f), e}",
                  "0");
    rl_assert_cmd(emu,
                  "*2\r\n$3\r\nnil\r\n$50\r\n[string \"nm\"]:1: unexpected symbol near 'char(27"
                  ")'\r\n",
                  "EVAL",
                  "local i = 0 local f, e = load(function() i = i + 1 if i == 1 then return '\\"
                  "27' end end, 'nm') return {tostring(f), e}",
                  "0");
    rl_assert_cmd(emu, ":7\r\n", "EVAL",
                  "local i = 0 local f, e = load(function() i = i + 1 if i == 1 then return 're"
                  "turn 7' end end) return f()",
                  "0");
    rl_assert_cmd(emu, ":8\r\n", "EVAL",
                  "local i = 0 local f, e = load(function() i = i + 1 if i == 1 then return 're"
                  "turn ' elseif i == 2 then return '8' end end) return f()",
                  "0");
    rl_assert_cmd(emu,
                  "*2\r\n$3\r\nnil\r\n-ERR user_script:1: reader function must return a string"
                  "\r\n",
                  "EVAL",
                  "local f, e = load(function() return {} end) return "
                  "{tostring(f), e}",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'load' (function expected, got string"
                  ") script: 311925b1490955a8f8c4ba46f2dea77f20c31b4e, on @user_script:1.\r\n",
                  "EVAL", "return load('return 1')", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return load(function() return nil end)", "0");
    rl_assert_cmd(emu, "$6\r\nstring\r\n", "EVAL", "return type(string.dump(function() end))", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: unable to dump given function script: 2929ad72ccbb179436"
                  "b966fdc47a095c7a52cfcc, on @user_script:1.\r\n",
                  "EVAL", "return string.dump(type)", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "local f = loadstring('return 1') return f()", "0");
    rl_assert_cmd(emu, "$48\r\n[string \"x =\"]:1: unexpected symbol near '<eof>'\r\n", "EVAL",
                  "local f, e = loadstring('x =') return e", "0");
    rl_assert_cmd(emu,
                  "*2\r\n$-1\r\n$54\r\n[string \"x = 1\"]:1: Attempt to modify a readonly table"
                  "\r\n",
                  "EVAL", "local f, e = loadstring('x = 1') return {pcall(f)}", "0");
    rl_assert_cmd(emu,
                  "-ERR [string \"error(\"boom\")\"]:1: boom script: 638b5e6c0e995d4d599424d448"
                  "edbf27e7b23204, on error(\"boom\"):1.\r\n",
                  "EVAL", "local f = loadstring('error(\"boom\")') f()", "0");
    rl_assert_cmd(emu,
                  "$114\r\n[string \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                  "bbbbb...\"]:1: unexpected symbol near 'char(27)'\r\n",
                  "EVAL", "local f, e = loadstring('\\27', string.rep('b', 70)) return e", "0");
    rl_assert_cmd(emu,
                  "$116\r\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                  "bbbbbbbbbbb:1: unexpected symbol near 'char(27)'\r\n",
                  "EVAL", "local f, e = loadstring('\\27', '=' .. string.rep('b', 90)) return e",
                  "0");
    rl_assert_cmd(emu,
                  "$112\r\n...bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                  "bbbbbbb:1: unexpected symbol near 'char(27)'\r\n",
                  "EVAL", "local f, e = loadstring('\\27', '@' .. string.rep('b', 90)) return e",
                  "0");
    rl_assert_cmd(emu,
                  "$111\r\n[string \"\033bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                  "bbbbbbbb\"]:1: unexpected symbol near 'char(27)'\r\n",
                  "EVAL", "local f, e = loadstring('\\27' .. string.rep('b', 62)) return e", "0");
    rl_assert_cmd(emu,
                  "$114\r\n[string \"\033bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                  "bbbbbbbb...\"]:1: unexpected symbol near 'char(27)'\r\n",
                  "EVAL", "local f, e = loadstring('\\27' .. string.rep('b', 63)) return e", "0");
    free_emu(emu);
}

/* Coroutines run, yielding from the script itself fails; collectgarbage options. */
static void coroutines_and_gc_should_work_as_in_redis(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*2\r\n:2\r\n:20\r\n", "EVAL",
                  "local co = coroutine.create(function(a) local b = coroutine.yield(a+1) retur"
                  "n b*2 end) local _, x = coroutine.resume(co, 1) local _, y = coroutine.resum"
                  "e(co, 10) return {x, y}",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR attempt to yield across metamethod/C-call boundary script: 72ff8263a9a7"
                  "024a2bb6d14fdef2014006cc8c9f, on @user_script:1.\r\n",
                  "EVAL", "coroutine.yield(1)", "0");
    rl_assert_cmd(emu,
                  "-ERR attempt to yield across metamethod/C-call boundary script: c0c3d8a4cbce"
                  "e35be6b566d6fb3a7a74f0fdcc6f, on @user_script:1.\r\n",
                  "EVAL", "return coroutine.yield(1)", "0");
    rl_assert_cmd(emu, "$50\r\nattempt to yield across metamethod/C-call boundary\r\n", "EVAL",
                  "local ok, e = pcall(coroutine.yield) return e", "0");
    rl_assert_cmd(emu, "$3\r\nnil\r\n", "EVAL", "return tostring(coroutine.running())", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL",
                  "local co = coroutine.wrap(function() return rawget(_G,'KEYS') ~= nil end) re"
                  "turn co()",
                  "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL",
                  "local f = coroutine.wrap(function() pcall(coroutine.yield, 1) end) return f("
                  ")",
                  "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return collectgarbage('count') > 0", "0");
    /* Whether a step finishes a cycle depends on the heap, so only its type
     * is pinned (Redis's reply was false here, in another heap). */
    rl_assert_cmd(emu, "$7\r\nboolean\r\n", "EVAL", "return type(collectgarbage('step'))", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "return collectgarbage('collect')", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "return collectgarbage()", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return gcinfo() > 0", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'collectgarbage' (invalid option 'bog"
                  "us') script: 577d8fc1d62fbefc74f87b9fa6596d64649e15cb, on @user_script:1.\r"
                  "\n",
                  "EVAL", "return collectgarbage('bogus')", "0");
    free_emu(emu);
}

/* __redis__err__handler is callable but hands out only error tables. */
static void error_handler_should_leak_nothing(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$8\r\nfunction\r\n", "EVAL", "return type(__redis__err__handler)", "0");
    rl_assert_cmd(emu, "-ERR x\r\n", "EVAL", "return __redis__err__handler('x')", "0");
    rl_assert_cmd(emu, "-x\r\n", "EVAL", "return __redis__err__handler({err='x'})", "0");
    rl_assert_cmd(emu, "*3\r\n$8\r\nERR boom\r\n$12\r\n@user_script\r\n:1\r\n", "EVAL",
                  "local t = __redis__err__handler('boom') return {t.err, "
                  "t.source, t.line}",
                  "0");
    rl_assert_cmd(emu, "*3\r\n$3\r\nnil\r\n$12\r\n@user_script\r\n:1\r\n", "EVAL",
                  "local t = __redis__err__handler({}) return {tostring(t.err), t.source, t.lin"
                  "e}",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Attempt to modify a readonly table script: f35fb7cdcbce7"
                  "31f59cad73f410c061af6bd76a5, on @user_script:1.\r\n",
                  "EVAL", "__redis__err__handler = nil", "0");
    free_emu(emu);
}

/* The functions VM protects its globals and libraries the same way. */
static void functions_vm_should_be_read_only_too(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$3\r\nsbx\r\n", "FUNCTION", "LOAD",
                  "#!lua name=sbx\nredis.register_function(\"f1\", function(k, a) local n=0 for"
                  " _ in pairs(_G) do n=n+1 end return n end)\nredis.register_function(\"f2\", "
                  "function(k, a) redis.call = nil end)\nredis.register_function(\"f3\", functi"
                  "on(k, a) return tostring(getmetatable(_G) ~= nil) end)\nredis.register_funct"
                  "ion(\"f4\", function(k, a) cjson.encode = nil end)\nredis.register_function("
                  "\"f5\", function(k, a) return {type(string), rawget(_G, \"KEYS\") == nil, #a"
                  "} end)\nredis.register_function(\"f6\", function(k, a) rawset(_G, \"x\", 1) "
                  "end)\nredis.register_function(\"f7\", function(k, a) return type(getmetatabl"
                  "e(_G).__index) end)\nredis.register_function(\"f8\", function(k, a) return p"
                  "call(setmetatable, _G, nil) end)");
    rl_assert_cmd(emu, ":32\r\n", "FCALL", "f1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_function:3: Attempt to modify a readonly table script: f2, on @use"
                  "r_function:3.\r\n",
                  "FCALL", "f2", "0");
    rl_assert_cmd(emu, "$4\r\ntrue\r\n", "FCALL", "f3", "0");
    rl_assert_cmd(emu,
                  "-ERR user_function:5: Attempt to modify a readonly table script: f4, on @use"
                  "r_function:5.\r\n",
                  "FCALL", "f4", "0");
    rl_assert_cmd(emu, "*3\r\n$5\r\ntable\r\n:1\r\n:0\r\n", "FCALL", "f5", "0");
    rl_assert_cmd(emu,
                  "-ERR Attempt to modify a readonly table script: f6, on @user_function:7.\r\n",
                  "FCALL", "f6", "0");
    rl_assert_cmd(emu, "$8\r\nfunction\r\n", "FCALL", "f7", "0");
    rl_assert_cmd(emu, "$-1\r\n", "FCALL", "f8", "0");
    free_emu(emu);
}

/* Walking a read-only table follows the real table's order: Redis's on
 * PUC Lua (same hash order), LuaJIT's own otherwise, with the same
 * contents. */
static void table_order_should_follow_the_engine(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":80\r\n", "EVAL", "return #cmsgpack.pack(bit)", "0");
    if (strcmp(rl_emu_engine(), "lua51") == 0) {
        rl_assert_cmd(emu, "$5\r\n_NAME\r\n", "EVAL", "return next(cjson)", "0");
        rl_assert_cmd(emu, "*3\r\n$4\r\npack\r\n$4\r\nsize\r\n$6\r\nunpack\r\n", "EVAL",
                      "local t = {} for k in pairs(struct) do t[#t+1] = k end return t", "0");
    } else {
        rl_assert_cmd(emu, "*3\r\n$4\r\npack\r\n$4\r\nsize\r\n$6\r\nunpack\r\n", "EVAL",
                      "local t = {} for k in pairs(struct) do t[#t+1] = k end table.sort(t) "
                      "return t",
                      "0");
    }
    free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(library_stores_should_fail_with_the_position),
        cmocka_unit_test(raw_stores_should_fail_without_a_position),
        cmocka_unit_test(readonly_tables_should_read_as_in_redis),
        cmocka_unit_test(writable_tables_should_stay_writable),
        cmocka_unit_test(nothing_should_leak_to_later_scripts),
        cmocka_unit_test(dangerous_globals_should_be_absent),
        cmocka_unit_test(bytecode_should_never_load),
        cmocka_unit_test(coroutines_and_gc_should_work_as_in_redis),
        cmocka_unit_test(error_handler_should_leak_nothing),
        cmocka_unit_test(functions_vm_should_be_read_only_too),
        cmocka_unit_test(table_order_should_follow_the_engine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
