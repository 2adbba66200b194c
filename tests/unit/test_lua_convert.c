/* Conversions between Lua values and replies (lua_redis.c), both ways, for
 * RESP2 and RESP3 scripts and clients. Built and run once per Lua engine.
 * Every expected reply in the first part was read from redis-server 7.0.15
 * (Debian 7.0.15-1~deb12u10) running the same commands, in order, after
 * FLUSHALL and SCRIPT FLUSH; the second part builds long expectations whose
 * shape was read from the same server, and guards the cases whose order
 * depends on the engine's table iteration. */
#include "test_common.h"

/* Like rl_assert_cmd, for a client that speaks RESP3. */
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

/* --- Replies recorded from redis-server ------------------------------------- */

static void numbers_should_become_integers_by_c_cast(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":3\r\n", "EVAL", "return 3.99", "0");
    rl_assert_cmd(emu, ":-3\r\n", "EVAL", "return -3.99", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "return 0.5", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "return -0.0", "0");
    rl_assert_cmd(emu, ":-9223372036854775808\r\n", "EVAL", "return 0/0", "0");
    rl_assert_cmd(emu, ":-9223372036854775808\r\n", "EVAL", "return 1/0", "0");
    rl_assert_cmd(emu, ":-9223372036854775808\r\n", "EVAL", "return -1/0", "0");
    rl_assert_cmd(emu, ":-9223372036854775808\r\n", "EVAL", "return 2^63", "0");
    rl_assert_cmd(emu, ":-9223372036854775808\r\n", "EVAL", "return -2^63", "0");
    rl_assert_cmd(emu, ":9223372036854774784\r\n", "EVAL", "return 2^63 - 1024", "0");
    rl_assert_cmd(emu, ":9007199254740992\r\n", "EVAL", "return 2^53 + 1", "0");
    rl_assert_cmd(emu, ":-9223372036854775808\r\n", "EVAL", "return 1e300", "0");
    rl_assert_cmd(emu, "*4\r\n:0\r\n:0\r\n:3\r\n:-2\r\n", "EVAL", "return {0.1, 1/3, 3.0, -2.5}",
                  "0");
    rl_assert_cmd(emu, "$5\r\n1e+15\r\n", "EVAL", "return tostring(1e15)", "0");
    rl_assert_cmd(emu, ":1000000000000000\r\n", "EVAL", "return 1e15", "0");
    rl_test_free_emu(emu);
}

static void tables_should_convert_by_their_special_fields(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*1\r\n:1\r\n", "EVAL", "return {1,nil,3}", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "return {a=1}", "0");
    rl_assert_cmd(emu, "-my error\r\n", "EVAL", "return {err='my error'}", "0");
    rl_assert_cmd(emu, "--x\r\n", "EVAL", "return {err='-x'}", "0");
    rl_assert_cmd(emu, "-\r\n", "EVAL", "return {err=''}", "0");
    rl_assert_cmd(emu, "-a  b\r\n", "EVAL", "return {err='a\\r\\nb\\r\\n'}", "0");
    rl_assert_cmd(emu, "-  lead\r\n", "EVAL", "return {err='\\r\\nlead'}", "0");
    rl_assert_cmd(emu, "-x\r\n", "EVAL", "return {err='x\\0y'}", "0");
    rl_assert_cmd(emu, "+fine  x\r\n", "EVAL", "return {ok='fine\\r\\nx'}", "0");
    rl_assert_cmd(emu, "+a\r\n", "EVAL", "return {ok='a\\0b'}", "0");
    rl_assert_cmd(emu, "+\r\n", "EVAL", "return {ok=''}", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "return {err=123}", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "return {ok=123}", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "return {double='3.5'}", "0");
    rl_assert_cmd(emu, "-E1\r\n", "EVAL", "return {err='E1', ok='o'}", "0");
    rl_assert_cmd(emu, "+o\r\n", "EVAL", "return {ok='o', double=1}", "0");
    rl_assert_cmd(emu, "$3\r\n3.5\r\n", "EVAL", "return {double=3.5}", "0");
    rl_assert_cmd(emu, "$19\r\n0.10000000000000001\r\n", "EVAL", "return {double=0.1}", "0");
    rl_assert_cmd(emu, "$3\r\ninf\r\n", "EVAL", "return {double=1/0}", "0");
    rl_assert_cmd(emu, "$4\r\n-inf\r\n", "EVAL", "return {double=-1/0}", "0");
    rl_assert_cmd(emu, "$4\r\n-nan\r\n", "EVAL", "return {double=0/0}", "0");
    rl_assert_cmd(emu, "$13\r\n123456789.123\r\n", "EVAL", "return {double=123456789.123}", "0");
    rl_assert_cmd(emu, "$23\r\n-9.9999999999999995e-08\r\n", "EVAL", "return {double=-1e-7}", "0");
    rl_assert_cmd(emu, "$16\r\n9007199254740992\r\n", "EVAL", "return {double=2^53}", "0");
    rl_assert_cmd(emu, "$1\r\n3\r\n", "EVAL", "return {double=3}", "0");
    rl_assert_cmd(emu, "$7\r\n123  45\r\n", "EVAL", "return {big_number='123\\r\\n45'}", "0");
    rl_assert_cmd(emu, "$4\r\n1\000 2\r\n", "EVAL", "return {big_number='1\\0 2'}", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "return {big_number=12}", "0");
    rl_assert_cmd(emu, "$5\r\nhello\r\n", "EVAL",
                  "return {verbatim_string={format='txt', string='hello'}}", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "return {verbatim_string={format='txt'}}", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "return {verbatim_string='x'}", "0");
    rl_assert_cmd(emu, "*2\r\n$1\r\na\r\n:1\r\n", "EVAL", "return {map={a=1}}", "0");
    rl_assert_cmd(emu, "*2\r\n$1\r\na\r\n*2\r\n:1\r\n+s\r\n", "EVAL",
                  "return {map={a={1,{ok='s'}}}}", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "return {map={}}", "0");
    rl_assert_cmd(emu, "*1\r\n$1\r\na\r\n", "EVAL", "return {set={a=1}}", "0");
    rl_assert_cmd(emu, "*1\r\n$1\r\na\r\n", "EVAL", "return {set={a=false}}", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL", "return {set={}}", "0");
    rl_assert_cmd(emu, "*1\r\n:7\r\n", "EVAL", "return {map=1, 7}", "0");
    rl_assert_cmd(emu, "*3\r\n:1\r\n-x\r\n:3\r\n", "EVAL", "return {1,{err='x'},3}", "0");
    rl_assert_cmd(emu,
                  "*4\r\n:1\r\n+s\r\n$3\r\n1.5\r\n*2\r\n$1\r\n"
                  "k\r\n$1\r\nv\r\n",
                  "EVAL", "return {1,{ok='s'},{double=1.5},{map={k='v'}}}", "0");
    rl_assert_cmd(emu, "*0\r\n", "EVAL",
                  "return setmetatable({}, {__index=function() return 1 end})", "0");
    rl_assert_cmd(emu, "-e\r\n", "EVAL",
                  "return setmetatable({err='e'}, {__index=function() return 'm' end})", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'print' script: 2a7680c5ba77a8b4c0b8c33ea9151087d9848aaa, on @user_script:1"
                  ".\r\n",
                  "EVAL", "return {print}", "0");
    rl_assert_cmd(emu, "*2\r\n$-1\r\n:2\r\n", "EVAL", "return {function() end, 2}", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return coroutine.create(function() end)", "0");
    rl_assert_cmd(emu, "*3\r\n:1\r\n$-1\r\n:1\r\n", "EVAL", "return {true, false, 1}", "0");
    rl_test_free_emu(emu);
}

static void redis_pcall_errors_should_convert_inside_replies(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "SET", "str", "abc");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "EVAL",
                  "return redis.pcall('incr','str')", "0");
    rl_assert_cmd(emu,
                  "*2\r\n-ERR value is not an integer or out of range\r\n"
                  "$5\r\nafter\r\n",
                  "EVAL", "return {redis.pcall('incr','str'),'after'}", "0");
    rl_assert_cmd(emu, "-ERR Unknown Redis command called from script\r\n", "EVAL",
                  "return redis.pcall('nosuch')", "0");
    rl_assert_cmd(emu, "-ERR Please specify at least one argument for this redis lib call\r\n",
                  "EVAL", "return redis.pcall()", "0");
    rl_assert_cmd(emu, "-ERR Lua redis lib command arguments must be strings or integers\r\n",
                  "EVAL", "return redis.pcall('get', {})", "0");
    /* More arguments than argv's stack array holds (16). */
    rl_assert_cmd(emu, "-ERR Lua redis lib command arguments must be strings or integers\r\n",
                  "EVAL",
                  "return redis.pcall('del','a','b','c','d','e','f','g','h','i','j','k','l','m',"
                  "'n','o','p','q','r',{})",
                  "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL",
                  "return redis.pcall('del','a','b','c','d','e','f','g','h','i','j','k','l','m',"
                  "'n','o','p','q','r',7,1.5)",
                  "0");
    rl_assert_cmd(emu,
                  "*3\r\n:2\r\n$43\r\nERR value is not an integer or out of range\r\n"
                  "$4\r\ntrue\r\n",
                  "EVAL",
                  "local t = redis.pcall('incr','str') local n = 0 for k in pairs(t) do n = n "
                  "+ 1 end return {n, t.err, tostring(t.ignore_error_stats_update)}",
                  "0");
    rl_assert_cmd(emu,
                  "*3\r\n:2\r\n$44\r\nERR Unknown Redis command called from script\r\n"
                  "$4\r\ntrue\r\n",
                  "EVAL",
                  "local t = redis.pcall('nosuch') local n = 0 for k in pairs(t) do n = n + 1 "
                  "end return {n, t.err, tostring(t.ignore_error_stats_update)}",
                  "0");
    rl_assert_cmd(emu,
                  "*2\r\n:1\r\n$63\r\nERR Lua redis lib command arguments must be strings or i"
                  "ntegers\r\n",
                  "EVAL",
                  "local t = redis.pcall('get', nil) local n = 0 for k in pairs(t) do n = n + "
                  "1 end return {n, t.err}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n:1\r\n$3\r\nE x\r\n", "EVAL",
                  "local t = redis.error_reply('E x') local n = 0 for k in pairs(t) do n = n +"
                  " 1 end return {n, t.err}",
                  "0");
    rl_test_free_emu(emu);
}

static void command_replies_should_become_lua_values(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "SET", "k", "v");
    rl_assert_cmd(emu, "+PONG\r\n", "EVAL", "return redis.call('ping')", "0");
    rl_assert_cmd(emu, "$4\r\nPONG\r\n", "EVAL", "return redis.call('ping').ok", "0");
    rl_assert_cmd(emu, "$5\r\ntable\r\n", "EVAL", "return type(redis.call('ping'))", "0");
    rl_assert_cmd(emu, "+string\r\n", "EVAL", "return redis.call('type','k')", "0");
    rl_assert_cmd(emu, "$6\r\nstring\r\n", "EVAL", "return redis.call('type','k').ok", "0");
    rl_assert_cmd(emu, "+OK\r\n", "EVAL", "return redis.call('set','k2','v')", "0");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "EVAL", "return redis.call('get','k')", "0");
    rl_assert_cmd(emu, "*1\r\n$-1\r\n", "EVAL", "return {redis.call('get','nokey')}", "0");
    rl_assert_cmd(emu, "$5\r\nfalse\r\n", "EVAL", "return tostring(redis.call('get','nokey'))",
                  "0");
    rl_assert_cmd(emu, "*3\r\n$1\r\nv\r\n$-1\r\n$1\r\nv\r\n", "EVAL",
                  "return redis.call('mget','k','nokey','k')", "0");
    rl_assert_cmd(emu, ":3\r\n", "EVAL", "return #redis.call('mget','k','nokey','k')", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return redis.call('incr','n')", "0");
    rl_assert_cmd(emu, "$6\r\nnumber\r\n", "EVAL", "return type(redis.call('incr','n'))", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.call('time')[3]", "0");
    rl_assert_cmd(emu, "$3\r\na\000b\r\n", "EVAL", "return redis.call('echo','a\\0b')", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return redis.call('exists','k','nokey')", "0");
    rl_test_free_emu(emu);
}

static void resp3_scripts_and_clients_should_follow_the_matrix(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return true", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return false", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return nil", "0");
    rl_assert_cmd(emu, "$3\r\n3.5\r\n", "EVAL", "return {double=3.5}", "0");
    rl_assert_cmd(emu, "*2\r\n$1\r\na\r\n:1\r\n", "EVAL", "return {map={a=1}}", "0");
    rl_assert_cmd(emu, "*1\r\n$1\r\na\r\n", "EVAL", "return {set={a=1}}", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "redis.setresp(3) return true", "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL", "redis.setresp(3) return false", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "redis.setresp(3) return nil", "0");
    rl_assert_cmd(emu, "$3\r\n3.5\r\n", "EVAL", "redis.setresp(3) return {double=3.5}", "0");
    rl_emu_set_resp(emu, 3);
    assert_cmd3(emu, ":1\r\n", "EVAL", "return true", "0");
    assert_cmd3(emu, "_\r\n", "EVAL", "return false", "0");
    assert_cmd3(emu, "_\r\n", "EVAL", "return nil", "0");
    assert_cmd3(emu, ",3.5\r\n", "EVAL", "return {double=3.5}", "0");
    assert_cmd3(emu, ",inf\r\n", "EVAL", "return {double=1/0}", "0");
    assert_cmd3(emu, ",-inf\r\n", "EVAL", "return {double=-1/0}", "0");
    assert_cmd3(emu, ",-nan\r\n", "EVAL", "return {double=0/0}", "0");
    assert_cmd3(emu, ",0.10000000000000001\r\n", "EVAL", "return {double=0.1}", "0");
    assert_cmd3(emu, "%1\r\n$1\r\na\r\n:1\r\n", "EVAL", "return {map={a=1}}", "0");
    assert_cmd3(emu, "%1\r\n$1\r\na\r\n*2\r\n:1\r\n:1\r\n", "EVAL", "return {map={a={1,true}}}",
                "0");
    assert_cmd3(emu, "~1\r\n$1\r\na\r\n", "EVAL", "return {set={a=1}}", "0");
    assert_cmd3(emu, "(123\r\n", "EVAL", "return {big_number='123'}", "0");
    assert_cmd3(emu, "(1  2\r\n", "EVAL", "return {big_number='1\\r\\n2'}", "0");
    assert_cmd3(emu, "=9\r\ntxt:hello\r\n", "EVAL",
                "return {verbatim_string={format='txt', string='hello'}}", "0");
    assert_cmd3(emu, "=5\r\nmar:x\r\n", "EVAL",
                "return {verbatim_string={format='markdown', string='x'}}", "0");
    assert_cmd3(emu, "_\r\n", "EVAL", "return redis.call('get','nokey')", "0");
    assert_cmd3(emu, "#t\r\n", "EVAL", "redis.setresp(3) return true", "0");
    assert_cmd3(emu, "#f\r\n", "EVAL", "redis.setresp(3) return false", "0");
    assert_cmd3(emu, "_\r\n", "EVAL", "redis.setresp(3) return nil", "0");
    assert_cmd3(emu, "*2\r\n#t\r\n#f\r\n", "EVAL", "redis.setresp(3) return {true, false}", "0");
    assert_cmd3(emu, "_\r\n", "EVAL", "redis.setresp(3) return redis.call('get','nokey')", "0");
    assert_cmd3(emu, "*1\r\n*0\r\n", "EVAL", "redis.setresp(3) return {redis.call('mget','a','b')}",
                "0");
    assert_cmd3(emu, "*1\r\n:1\r\n", "EVAL",
                "redis.setresp(3) return {1, redis.call('get','x'), 3}", "0");
    assert_cmd3(emu, "-e\r\n", "EVAL", "return {err='e'}", "0");
    assert_cmd3(emu, "+s\r\n", "EVAL", "return {ok='s'}", "0");
    assert_cmd3(emu, ":1\r\n", "EVAL", "return 1.5", "0");
    rl_test_free_emu(emu);
}

/* redis.call converts a scalar reply as the command makes it (no reply
 * tree; lua_redis.c's reply sink), an aggregate from the tree: both must
 * give the same values, in RESP2 and after redis.setresp(3), for errors
 * (raised or returned) and with calls so long that the Lua stack has no
 * room above their arguments. Replies read from redis-server 7.0.15. */
static void scalar_replies_should_convert_as_the_command_makes_them(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "SET", "str", "abc");
    rl_assert_cmd(emu, ":1\r\n", "ZADD", "z", "1.5", "m");
    rl_assert_cmd(emu, "+OK\r\n", "EVAL", "return redis.call('set','bin','a\\0b')", "0");
    rl_assert_cmd(emu, "*2\r\n$6\r\nstring\r\n$3\r\n1.5\r\n", "EVAL",
                  "return {type(redis.call('zscore','z','m')), redis.call('zscore','z','m')}", "0");
    rl_assert_cmd(emu, "*2\r\n$5\r\ntable\r\n$3\r\n1.5\r\n", "EVAL",
                  "redis.setresp(3) local r = redis.call('zscore','z','m') "
                  "return {type(r), tostring(r.double)}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n$5\r\ntable\r\n$4\r\n1.75\r\n", "EVAL",
                  "redis.setresp(3) local r = redis.call('zincrby','z','0.25','m') "
                  "return {type(r), tostring(r.double)}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n$5\r\nfalse\r\n$5\r\nfalse\r\n", "EVAL",
                  "return {tostring(redis.call('lpop','nokey',2)), "
                  "tostring(redis.call('lpop','nokey'))}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n$3\r\nnil\r\n$3\r\nnil\r\n", "EVAL",
                  "redis.setresp(3) return {tostring(redis.call('lpop','nokey',2)), "
                  "tostring(redis.call('lpop','nokey'))}",
                  "0");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'set' command\r\n", "EVAL",
                  "return redis.pcall('set','k','v','ex','0')", "0");
    rl_assert_cmd(emu,
                  "-ERR invalid expire time in 'set' command script: "
                  "e1c6c71324352d513ccdc6c4a5a02e046ea7047e, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('set','k','v','ex','0')", "0");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "EVAL", "return redis.pcall('lpush','str','x')", "0");
    rl_assert_cmd(emu,
                  "*3\r\n$5\r\nfalse\r\n$6\r\nstring\r\n$43\r\nERR value is not an integer or "
                  "out of range\r\n",
                  "EVAL",
                  "local ok, e = pcall(redis.call, 'incr', 'str') "
                  "return {tostring(ok), type(e), tostring(e)}",
                  "0");
    rl_assert_cmd(emu,
                  "*3\r\n$43\r\nERR value is not an integer or out of range\r\n$2\r\nOK\r\n:2\r\n",
                  "EVAL",
                  "local a = redis.pcall('incr','str') local b = redis.call('set','x','1') "
                  "local c = redis.call('incr','x') return {a.err, b.ok, c}",
                  "0");
    rl_assert_cmd(emu,
                  "*4\r\n$43\r\nERR value is not an integer or out of range\r\n$2\r\nOK\r\n"
                  "$3\r\na\0b\r\n+string\r\n",
                  "EVAL",
                  "redis.setresp(3) local a = redis.pcall('incr','str') "
                  "local b = redis.call('set','x','1') return {a.err, b.ok, "
                  "redis.call('get','bin'), redis.call('type','bin')}",
                  "0");
    rl_assert_cmd(emu, "*3\r\n$3\r\na\0b\r\n$6\r\nstring\r\n$0\r\n\r\n", "EVAL",
                  "return {redis.call('get','bin'), redis.call('type','bin').ok, "
                  "redis.call('echo','')}",
                  "0");
    /* Up to 7995 arguments leave 5 free stack slots above them (the sink
     * path), 7996 and more do not (the tree path). */
    rl_assert_cmd(emu, ":0\r\n", "EVAL",
                  "local t = {} for i=1,7994 do t[i]='k'..i end "
                  "return redis.call('del', unpack(t))",
                  "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL",
                  "local t = {} for i=1,7995 do t[i]='k'..i end "
                  "return redis.call('del', unpack(t))",
                  "0");
    rl_assert_cmd(emu, "*3\r\n+OK\r\n$2\r\nk2\r\n:3997\r\n", "EVAL",
                  "local t = {} for i=1,7994 do t[i]='k'..i end return {redis.call('mset', "
                  "unpack(t)), redis.call('get','k1'), redis.call('del', unpack(t))}",
                  "0");
    rl_assert_cmd(emu, ":0\r\n", "EVAL",
                  "local t = {} for i=1,7998 do t[i]='k'..i end "
                  "return redis.call('del', unpack(t))",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR syntax error script: d58f4e22c6eaffb09d4f538c79ea1c40ea857eb3, on "
                  "@user_script:1.\r\n",
                  "EVAL",
                  "local t = {} for i=1,7998 do t[i]='k'..i end "
                  "return redis.call('set', 'kk', 'v', unpack(t))",
                  "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL",
                  "local t = {} for i=1,7997 do t[i]='k'..i end "
                  "return redis.call('exists', 'bin', unpack(t))",
                  "0");
    rl_assert_cmd(emu, "+OK\r\n", "EVAL",
                  "local t = {} for i=1,7996 do t[i]='k'..i end "
                  "return redis.call('mset', unpack(t))",
                  "0");
    /* Called from a coroutine: the values go to the coroutine's stack. */
    rl_assert_cmd(emu,
                  "*4\r\n+OK\r\n:2\r\n-WRONGTYPE Operation against a key holding the wrong kind "
                  "of value\r\n$1\r\n2\r\n",
                  "EVAL",
                  "local co = coroutine.wrap(function() local a = redis.call('set','co','1') "
                  "local b = redis.call('incr','co') local c = redis.pcall('hget','co','f') "
                  "return {a, b, c, redis.call('get','co')} end) return co()",
                  "0");
    rl_assert_cmd(emu, "*2\r\n$4\r\n1.75\r\n$3\r\nnil\r\n", "EVAL",
                  "redis.setresp(3) local co = coroutine.wrap(function() return "
                  "{redis.call('zscore','z','m').double, tostring(redis.call('get','nokey'))} "
                  "end) local r = co() return {tostring(r[1]), r[2]}",
                  "0");
    rl_test_free_emu(emu);
}

/* --- Nesting and iteration order ---------------------------------------------- */

/* Repeats unit n times into a malloc'd buffer, then appends tail. */
static char *repeat(const char *unit, size_t n, const char *tail, size_t *len)
{
    size_t ul = strlen(unit), tl = strlen(tail);
    char *buf = rl_malloc(ul * n + tl + 1);
    for (size_t i = 0; i < n; i++) memcpy(buf + i * ul, unit, ul);
    memcpy(buf + ul * n, tail, tl + 1);
    *len = ul * n + tl;
    return buf;
}

static void assert_eval_resp(rl_emu *emu, const char *script, const char *expected, size_t len)
{
    rl_reply *r = rl_emu_callv(emu, "EVAL", script, "0", (const char *)NULL);
    rl_assert_resp_len(r, expected, len);
}

/* Section 4.3: each value needs 4 free Lua stack slots (LUAI_MAXCSTACK 8000);
 * where there are none the element becomes "-ERR reached lua stack limit"
 * and the reply stays well formed. The counts were read from redis-server:
 * 7995 levels of a self-containing array, 2664 of nested maps, and 2500
 * plain nested arrays convert whole. */
static void deep_replies_should_hit_the_lua_stack_limit(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    size_t len;
    char *exp = repeat("*1\r\n", 7995, "-ERR reached lua stack limit\r\n", &len);
    assert_eval_resp(emu, "local a={} a[1]={a} return a", exp, len);
    rl_free(exp);

    exp = repeat("*2\r\n$1\r\nk\r\n", 2664,
                 "*2\r\n-ERR reached lua stack limit\r\n-ERR reached lua stack limit\r\n", &len);
    assert_eval_resp(emu,
                     "local t = {} local c = t for i=1,3000 do local m = {} c.map = {k=m} c = m "
                     "end return t",
                     exp, len);
    rl_free(exp);

    exp = repeat("*1\r\n", 2500, "*0\r\n", &len);
    assert_eval_resp(
        emu, "local t = {} local c = t for i=1,2500 do c[1] = {} c = c[1] end return t", exp, len);
    rl_free(exp);
    rl_test_free_emu(emu);
}

/* Map and set replies, and anything built with pairs(), follow the Lua
 * table's iteration order. PUC Lua 5.1 (the lua51 engine) has Redis's order,
 * checked byte for byte; LuaJIT hashes differently, so there only the
 * content is checked: each key with its value, in some order. */
static void map_replies_should_follow_lua_iteration_order(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    const char *map = "return {map={a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8}}";
    if (strcmp(rl_emu_engine(), "lua51") == 0) {
        rl_assert_cmd(emu,
                      "*16\r\n$1\r\na\r\n:1\r\n$1\r\nh\r\n:8\r\n$1\r\nc\r\n:3\r\n$1\r\nb\r\n:2\r\n"
                      "$1\r\ne\r\n:5\r\n$1\r\nd\r\n:4\r\n$1\r\ng\r\n:7\r\n$1\r\nf\r\n:6\r\n",
                      "EVAL", map, "0");
        rl_assert_cmd(emu,
                      "*8\r\n$1\r\na\r\n$1\r\nh\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\ne\r\n$1\r\nd\r\n"
                      "$1\r\ng\r\n$1\r\nf\r\n",
                      "EVAL", "return {set={a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8}}", "0");
        rl_assert_cmd(emu, "*2\r\n$25\r\nignore_error_stats_update\r\n$3\r\nerr\r\n", "EVAL",
                      "local t = redis.pcall('nosuch') local r = {} for k in pairs(t) do "
                      "r[#r+1] = k end return r",
                      "0");
    } else {
        rl_reply *r = rl_emu_callv(emu, "EVAL", map, "0", (const char *)NULL);
        assert_int_equal(r->type, RL_REPLY_ARRAY);
        assert_int_equal(r->elements, 16);
        int seen = 0;
        for (size_t i = 0; i < 16; i += 2) {
            assert_int_equal(r->element[i]->type, RL_REPLY_BULK);
            assert_int_equal(r->element[i]->len, 1);
            int k = r->element[i]->str[0] - 'a';
            assert_true(k >= 0 && k < 8);
            assert_int_equal(r->element[i + 1]->integer, k + 1);
            seen |= 1 << k;
        }
        assert_int_equal(seen, 0xff);
        rl_reply_free(r);
    }
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_should_become_integers_by_c_cast),
        cmocka_unit_test(tables_should_convert_by_their_special_fields),
        cmocka_unit_test(redis_pcall_errors_should_convert_inside_replies),
        cmocka_unit_test(command_replies_should_become_lua_values),
        cmocka_unit_test(resp3_scripts_and_clients_should_follow_the_matrix),
        cmocka_unit_test(scalar_replies_should_convert_as_the_command_makes_them),
        cmocka_unit_test(deep_replies_should_hit_the_lua_stack_limit),
        cmocka_unit_test(map_replies_should_follow_lua_iteration_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
