/* Script error replies (scripts.c, lua_env.c): the "script: <sha>, on
 * @user_script:<n>." format, the error handler, error tables, Redis's pcall,
 * redis.call's checks, recursion limits and tracebacks. Built and run once
 * per Lua engine. Every expected reply in the first part was read from
 * redis-server 7.0.15 (Debian 7.0.15-1~deb12u10) running the same commands,
 * in order, after FLUSHALL and SCRIPT FLUSH; the second part covers the
 * emulator's own choices and the cases where the engines differ. */
#include "test_common.h"

/* --- Replies recorded from redis-server ------------------------------------- */

static void runtime_errors_should_name_script_and_line(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR user_script:1: boom script: 82903a0434f1503e152f89c03c9acd881a0e8150, "
                  "on @user_script:1.\r\n",
                  "EVAL", "error('boom')", "0");
    rl_assert_cmd(emu,
                  "-ERR boom script: 90724e16396e5864c1184910ba6d7440461cee4f, on @user_script"
                  ":1.\r\n",
                  "EVAL", "error('boom', 0)", "0");
    rl_assert_cmd(emu,
                  "-ERR nil script: aca90d914519fdb9825352bdc0befb59f7c8510f, on @user_script:"
                  "1.\r\n",
                  "EVAL", "error()", "0");
    rl_assert_cmd(emu,
                  "-ERR nil script: c402aa49952c86c38f35fb311d54977d08f3bf01, on @user_script:"
                  "1.\r\n",
                  "EVAL", "error(nil)", "0");
    rl_assert_cmd(emu,
                  "-ERR true script: 4fafe2149f68a1618a3eef40aeef55f5af6951da, on @user_script"
                  ":1.\r\n",
                  "EVAL", "error(true)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: 123 script: 11e4dc32230d2c1e720fc094a49809887ce1381a, o"
                  "n @user_script:1.\r\n",
                  "EVAL", "error(123)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: 1.5 script: 660bab571284196b0f42ea4388a3e08ee28cff0b, o"
                  "n @user_script:1.\r\n",
                  "EVAL", "error(1.5)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:2: attempt to index local 't' (a nil value) script: 5e383a"
                  "4a9d10a799a7bdaae726524fbbe9af80c0, on @user_script:2.\r\n",
                  "EVAL", "local t = nil\nreturn t.x", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:3: deep script: c6fd32de3ff647bbbdc0c198acd707bc7da350b2, "
                  "on @user_script:3.\r\n",
                  "EVAL",
                  "\n\nlocal function f() error('deep') end\n"
                  "f()",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:5: lvl2 script: 7c9ff0c14fbbffc9c73755270af6c37359039f55, "
                  "on @user_script:2.\r\n",
                  "EVAL",
                  "local function f()\n  error('lvl2', 2)\n"
                  "end\n\nf()",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: attempt to perform arithmetic on a table value script: "
                  "8ab7d53c27e34dc602fbe3688d99968c695c98e4, on @user_script:1.\r\n",
                  "EVAL", "return 1 + {}", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: attempt to get length of a nil value script: 6d6abd31d8"
                  "721234b1ee1a830316ae36ef2693e2, on @user_script:1.\r\n",
                  "EVAL", "return #nil", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: attempt to compare string with number script: 5851bab3a"
                  "04d71dc164a96b2d662d39a817f86a2, on @user_script:1.\r\n",
                  "EVAL", "local x = 'a' < 1", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: attempt to call method 'bad' (a nil value) script: 60af"
                  "801ca8aafcf91936a9a510ab2ceb6df30acc, on @user_script:1.\r\n",
                  "EVAL", "return ('x'):bad()", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: Script attempted to access nonexistent global variable "
                  "'nosuch' script: ef47cdd45cf4c175f795c148df253b32dd334f2f, on @user_script:"
                  "1.\r\n",
                  "EVAL", "return nosuch.field", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'rep' (string expected, got no value"
                  ") script: 312a592c4be4cbcb6748209b815c8eb090f3ca71, on @user_script:1.\r\n",
                  "EVAL", "return string.rep()", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'rep' (string expected, got no value"
                  ") script: 2ec92a5bc2be10279b788c84861101755037b120, on @user_script:1.\r\n",
                  "EVAL", "string.rep()", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'rep' (string expected, got no value"
                  ") script: 4194851d02a18f8be025e4d611fb932f92c93ccb, on @user_script:1.\r\n",
                  "EVAL", "local x = string.rep()", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'floor' (number expected, got string"
                  ") script: 7cf2c038a55f1ca159d6ef112dff26587d2f619f, on @user_script:1.\r\n",
                  "EVAL", "return math.floor('x')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'tostring' (value expected) script: "
                  "b3870418043f3698962b400fd4ccc5dd4e449625, on @user_script:1.\r\n",
                  "EVAL", "return tostring()", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: bad argument #1 to 'setmetatable' (table expected, got "
                  "no value) script: 57df074193a7369d4535b7190dff901374e79006, on @user_script"
                  ":1.\r\n",
                  "EVAL", "return setmetatable()", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return 1", "0");
    rl_test_free_emu(emu);
}

static void error_tables_should_keep_their_code(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-MYCODE my msg script: 5abe0e7b2acf101191df603548ae80c489384650, on @user_s"
                  "cript:1.\r\n",
                  "EVAL", "error({err='MYCODE my msg'})", "0");
    rl_assert_cmd(emu,
                  "-nospace script: 6fe38c0ab0e51658fd84770c3e79613ec6070818, on @user_script:"
                  "1.\r\n",
                  "EVAL", "error({err='nospace'})", "0");
    rl_assert_cmd(emu,
                  "--x y script: ec07bd4b5b359b3239b136bcf87b1ae251836f08, on @user_script:1."
                  "\r\n",
                  "EVAL", "error({err='-x y'})", "0");
    rl_assert_cmd(emu, "- script: 940f0d766d90ae9087b4e8454d02c9c34c51ea22, on @user_script:1.\r\n",
                  "EVAL", "error({err=''})", "0");
    rl_assert_cmd(emu,
                  "-ERR with source script: 4647a236b7246cf2450b3e4af1985f70c8616804, on @user"
                  "_script:1.\r\n",
                  "EVAL", "error({err='ERR with source', source='fake', line=99})", "0");
    rl_assert_cmd(emu,
                  "-x script: 389525fb79fe6365dad648c2a2e95ff9ea467d96, on @user_script:1.\r\n",
                  "EVAL", "error({err='x', ignore_error_stats_update=true})", "0");
    rl_assert_cmd(emu, "-my error\r\n", "EVAL", "return {err='my error'}", "0");
    rl_assert_cmd(emu, "-My error\r\n", "EVAL", "return redis.error_reply('My error')", "0");
    rl_assert_cmd(emu,
                  "-My error script: d441dfee2c150ec117d525c8a645a68be663a790, on @user_script"
                  ":1.\r\n",
                  "EVAL", "error(redis.error_reply('My error'))", "0");
    rl_assert_cmd(emu,
                  "-ERR nospace script: df3481acbf72dcff0054fd3e3264864ecae887b4, on @user_scr"
                  "ipt:1.\r\n",
                  "EVAL", "error(redis.error_reply('nospace'))", "0");
    rl_test_free_emu(emu);
}

static void error_texts_should_lose_cr_lf_and_stop_at_nul(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR user_script:1: a  b script: 9651526a9f202dabbb853951a21a9aa00e6d7e2e, "
                  "on @user_script:1.\r\n",
                  "EVAL", "error('a\\r\\nb')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: trailing   script: d55c3f142928fefb8c32bb17165f5e8cd52f"
                  "8e79, on @user_script:1.\r\n",
                  "EVAL", "error('trailing\\r\\n')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1:  lead script: eb5239261493bf2cd73823b56c86e6787dc2f635,"
                  " on @user_script:1.\r\n",
                  "EVAL", "error('\\nlead')", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: x script: 7f4ecbb5a8f424eadcddb5be960d1ce6e276ae3c, on "
                  "@user_script:1.\r\n",
                  "EVAL", "error('x\\0y')", "0");
    rl_assert_cmd(emu,
                  "-a  b script: 395169d0f7980ab3a9b6c9c08f3f3ef78d1f7caf, on @user_script:1."
                  "\r\n",
                  "EVAL", "error({err='a\\r\\nb'})", "0");
    rl_assert_cmd(emu,
                  "-t   script: 5568fc1047eb37cfa25c19a5f42254739ab4c64a, on @user_script:1.\r"
                  "\n",
                  "EVAL", "error({err='t\\r\\n'})", "0");
    rl_assert_cmd(emu,
                  "-n script: 1b0e04aef09118f881d820ed1bba60273285278e, on @user_script:1.\r\n",
                  "EVAL", "error({err='n\\0ul'})", "0");
    rl_assert_cmd(emu, "-a b\r\n", "EVAL", "return {err='a\\nb\\n'}", "0");
    rl_test_free_emu(emu);
}

static void redis_call_errors_should_raise_error_tables(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "SET", "str", "abc");
    rl_assert_cmd(emu,
                  "-ERR value is not an integer or out of range script: 851ab5c4815573433b8c8e"
                  "ed0a889f947a2e885a, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('incr','str')", "0");
    rl_assert_cmd(emu,
                  "-ERR value is not an integer or out of range script: be1d62088fdda2d5a4367e"
                  "98bfa06ab5a5d26d1e, on @user_script:1.\r\n",
                  "EVAL", "redis.call('incr','str')", "0");
    rl_assert_cmd(emu,
                  "-ERR value is not an integer or out of range script: c62c50b516cd5e6da28ff3"
                  "90908f51a0d8cffdc4, on @user_script:1.\r\n",
                  "EVAL", "local x = redis.call('incr','str')", "0");
    rl_assert_cmd(emu,
                  "-ERR Unknown Redis command called from script script: 206396248e12c6e742fd7"
                  "296250433c8d7343b74, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('nosuch')", "0");
    rl_assert_cmd(emu,
                  "-ERR Please specify at least one argument for this redis lib call script: 0"
                  "a907e1429221a4d85516cab7fd219a82a9439d8, on @user_script:1.\r\n",
                  "EVAL", "return redis.call()", "0");
    rl_assert_cmd(emu,
                  "-ERR Wrong number of args calling Redis command from script script: f187dee"
                  "77f607f7cff00bbabc9df38507582c78d, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('get')", "0");
    rl_assert_cmd(emu,
                  "-ERR Wrong number of args calling Redis command from script script: aa27915"
                  "209d20b65685c6c9e00817c26a6178f92, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('get','a','b')", "0");
    rl_assert_cmd(emu,
                  "-ERR This Redis command is not allowed from script script: 1e5046f3a9119d3d"
                  "c9cf5824428b6d9fedd305d2, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('eval','return 1','0')", "0");
    rl_assert_cmd(emu,
                  "-ERR This Redis command is not allowed from script script: 02eddbe18032d1b5"
                  "6f566214a11058ec4a7d9686, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('evalsha_ro','x','0')", "0");
    rl_assert_cmd(emu,
                  "-ERR This Redis command is not allowed from script script: 0cfe87fb8778d763"
                  "843526b43c030de98555dec5, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('script','load','x')", "0");
    rl_assert_cmd(emu,
                  "-ERR This Redis command is not allowed from script script: 2e2db287d48c3643"
                  "1e8437bb7077dc6af3cae3d6, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('script','flush')", "0");
    rl_assert_cmd(emu,
                  "-ERR Unknown Redis command called from script script: f9df04a3cc3876c30d538"
                  "ba06a26312d9b0e1b44, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('script','nosuch')", "0");
    rl_assert_cmd(emu,
                  "-ERR Wrong number of args calling Redis command from script script: da3c5f1"
                  "700f7211575d090ab780213944e08ddb4, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('script')", "0");
    rl_assert_cmd(emu, RL_TEST_SCRIPT_HELP, "EVAL", "return redis.call('script','help')", "0");
    rl_assert_cmd(emu,
                  "-ERR Lua redis lib command arguments must be strings or integers script: 80"
                  "747816df1f4411f7c442b928fce6a814214839, on @user_script:1.\r\n",
                  "EVAL", "return redis.call({})", "0");
    rl_assert_cmd(emu,
                  "-ERR Lua redis lib command arguments must be strings or integers script: c4"
                  "f0508352db6a351553146ea055b37d9498876d, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('get',nil)", "0");
    rl_assert_cmd(emu,
                  "-ERR Lua redis lib command arguments must be strings or integers script: 5f"
                  "57befa052e6145a1c7ee7da8a40581a0cafc23, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('ping', true)", "0");
    rl_assert_cmd(emu,
                  "-ERR Unknown Redis command called from script script: cd99a959e73adaa87f91f"
                  "01fcd6884dc703b464b, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('CLIENT|ID')", "0");
    rl_assert_cmd(emu,
                  "-ERR Unknown Redis command called from script script: 4f747abccded4fe9957e6"
                  "21fd4c471a3268503ec, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('')", "0");
    rl_assert_cmd(emu, "+PONG\r\n", "EVAL", "return redis.call('PiNg')", "0");
    rl_assert_cmd(emu,
                  "-ERR Unknown Redis command called from script script: 243080578bd54149e4dcf"
                  "2c3d667099a1b496ac7, on @user_script:3.\r\n",
                  "EVAL",
                  "\nlocal ok = redis.call('set', 'k', 'v')\n"
                  "return redis.call('nosuch', 'k')",
                  "0");
    rl_test_free_emu(emu);
}

static void lua_pcall_should_unwrap_error_tables(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*2\r\n$-1\r\n$3\r\nX y\r\n", "EVAL", "return {pcall(error,{err='X y'})}",
                  "0");
    rl_assert_cmd(emu, "*2\r\n$-1\r\n$44\r\nERR Unknown Redis command called from script\r\n",
                  "EVAL", "return {pcall(redis.call,'nosuch')}", "0");
    rl_assert_cmd(emu,
                  "*2\r\n$-1\r\n$64\r\nERR Please specify at least one argument for this redis"
                  " lib call\r\n",
                  "EVAL", "return {pcall(redis.call)}", "0");
    rl_assert_cmd(emu, "*2\r\n$-1\r\n$3\r\nmsg\r\n", "EVAL", "return {pcall(error,'msg')}", "0");
    rl_assert_cmd(emu, "*2\r\n$-1\r\n$31\r\nattempt to call a boolean value\r\n", "EVAL",
                  "return {pcall()}", "0");
    rl_assert_cmd(emu, "*1\r\n$-1\r\n", "EVAL", "return {pcall(error)}", "0");
    rl_assert_cmd(emu, "*2\r\n$-1\r\n:1\r\n", "EVAL", "return {pcall(error, {err=1})}", "0");
    rl_assert_cmd(emu, ":3\r\n", "EVAL", "return select('#', pcall(error, {}))", "0");
    rl_assert_cmd(emu, "$5\r\ntable\r\n", "EVAL", "return type(select(2, pcall(error, {})))", "0");
    rl_assert_cmd(emu,
                  "*2\r\n$-1\r\n$75\r\nuser_script:1: Script attempted to access nonexistent g"
                  "lobal variable 'foo'\r\n",
                  "EVAL", "return {pcall(function() return foo end)}", "0");
    rl_assert_cmd(emu, "*2\r\n:1\r\n:3\r\n", "EVAL",
                  "return {pcall(function(a, b) return a + b end, 1, 2)}", "0");
    rl_assert_cmd(emu,
                  "*3\r\n$5\r\nfalse\r\n$5\r\ntable\r\n$44\r\n"
                  "ERR Unknown Redis command called from script\r\n",
                  "EVAL",
                  "local ok, e = xpcall(function() return redis.call('nosuch') end, function(e"
                  ") return e end) return {tostring(ok), type(e), e.err}",
                  "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: attempt to index local 'e' (a number value) script: c6b"
                  "6c45a35ed5276c29328f1d13cd3e5065ebf3a, on @user_script:1.\r\n",
                  "EVAL",
                  "local co = coroutine.create(function() return redis.call('incr', 'str') end"
                  ") local ok, e = coroutine.resume(co) return {tostring(ok), type(e), e.err}",
                  "0");
    rl_assert_cmd(emu, "+OK\r\n", "SET", "str", "abc");
    rl_assert_cmd(emu, "*2\r\n$-1\r\n$43\r\nERR value is not an integer or out of range\r\n",
                  "EVAL", "return {pcall(redis.call,'incr','str')}", "0");
    rl_assert_cmd(emu, "*1\r\n-ERR value is not an integer or out of range\r\n", "EVAL",
                  "return {redis.pcall('incr','str')}", "0");
    rl_test_free_emu(emu);
}

static void error_handler_should_be_a_callable_global(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-ERR x\r\n", "EVAL", "return __redis__err__handler('x')", "0");
    rl_assert_cmd(emu,
                  "*3\r\n$5\r\nERR x\r\n$12\r\n@user_script\r\n"
                  ":1\r\n",
                  "EVAL", "local t = __redis__err__handler('x') return {t.err, t.source, t.line}",
                  "0");
    rl_assert_cmd(emu,
                  "*3\r\n$3\r\nE x\r\n$12\r\n@user_script\r\n"
                  ":1\r\n",
                  "EVAL",
                  "local t = __redis__err__handler({err='E x'}) return {t.err, t.source, t.lin"
                  "e}",
                  "0");
    rl_assert_cmd(emu, "$7\r\nERR nil\r\n", "EVAL",
                  "local t = __redis__err__handler(nil) return t.err", "0");
    rl_assert_cmd(emu, "*2\r\n$6\r\nERR 12\r\n:2\r\n", "EVAL",
                  "\nlocal t = __redis__err__handler(12) return {t.err, t.line}", "0");
    rl_test_free_emu(emu);
}

static void recursion_should_end_in_stack_overflow(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR user_script:1: stack overflow script: ef5b65872cb582371ecea142590f46b7"
                  "afc00f55, on @user_script:1.\r\n",
                  "EVAL", "local function f() f() end f()", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: stack overflow script: 2c347ae0c7feaa40c62d8208d59e954e"
                  "e9ff79ff, on @user_script:1.\r\n",
                  "EVAL", "local function f() return 1 + f() end return f()", "0");
    /* A script without functions of its own that makes one (LuaJIT then
     * turns its call hook on: rl_engine_function_made). Redis's reply. */
    rl_assert_cmd(emu,
                  "-ERR [string \"local function g() g() end g()\"]:1: stack overflow script: "
                  "d37cbe9de63ea1db798816130822235765a34024, on local function g() g() end "
                  "g():1.\r\n",
                  "EVAL", "loadstring('local function g() g() end g()')()", "0");
    rl_assert_cmd(emu, ":7999\r\n", "EVAL",
                  "local t = {} for i=1,7999 do t[i]=i end return select('#', unpack(t))", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: too many results to unpack script: 03c453adca32e7c0d94e"
                  "6b72177979ab9b229fb9, on @user_script:1.\r\n",
                  "EVAL", "return unpack({},1,8000)", "0");
    rl_test_free_emu(emu);
}

/* --- The emulator's own choices and engine-specific cases -------------------- */

/* error() with a table lacking a string err field crashes Redis 7.0
 * (SIGSEGV); the emulator answers RL_ERR_SCRIPT_ERROR_TABLE with the usual
 * suffix instead. pcall still hands the table back untouched. */
static void error_table_without_err_should_not_crash(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR Script raised an error table without a string 'err' field script: "
                  "bafcd7c5012a43d461ed94a96f491246f2c32f63, on @user_script:1.\r\n",
                  "EVAL", "error({foo='bar'})", "0");
    rl_assert_cmd(emu, "*2\r\n$-1\r\n$3\r\nbar\r\n", "EVAL",
                  "local ok, e = pcall(error, {foo='bar'}) return {ok, e.foo}", "0");
    rl_test_free_emu(emu);
}

/* Recursion through a metamethod: PUC Lua counts C calls (LUAI_MAXCCALLS) and
 * says "C stack overflow", as Redis does; LuaJIT runs metamethods without C
 * recursion and reports a plain "stack overflow". Either way it is an error
 * reply, never a crash. */
static void metamethod_recursion_should_end_in_an_error(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    const char *script =
        "local t = setmetatable({}, {__index=function(t,k) return t[k] end}) return t.x";
    if (strcmp(rl_emu_engine(), "lua51") == 0) {
        rl_assert_cmd(emu,
                      "-ERR user_script:1: C stack overflow script: "
                      "553c80442cbb6251a0a0c826c4c384a0eb1bc25a, on @user_script:1.\r\n",
                      "EVAL", script, "0");
    } else {
        rl_assert_cmd(emu,
                      "-ERR user_script:1: stack overflow script: "
                      "553c80442cbb6251a0a0c826c4c384a0eb1bc25a, on @user_script:1.\r\n",
                      "EVAL", script, "0");
    }
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return 1", "0");
    rl_test_free_emu(emu);
}

static void assert_traceback(rl_emu *emu, const char *script, const char *expected)
{
    rl_reply *r = rl_emu_callv(emu, "EVAL", script, "0", (const char *)NULL);
    assert_int_equal(r->type, RL_REPLY_ERROR);
    rl_reply_free(r);
    assert_non_null(rl_emu_last_traceback(emu));
    assert_string_equal(rl_emu_last_traceback(emu), expected);
}

/* The traceback of a failed script lists its Lua frames, oldest first and
 * the failing one last; C frames are left out and a deep stack keeps its
 * 10 oldest and 11 most recent levels. A successful script, a compile error
 * and an error returned as a value leave none. */
static void failed_script_should_leave_a_traceback(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    assert_null(rl_emu_last_traceback(emu));
    assert_traceback(emu, "error('top')", "user_script:1: in main chunk");
    assert_traceback(emu, "\n\nlocal function f() error('deep') end\nf()",
                     "user_script:4: in main chunk\nuser_script:3: in function 'f'");
    assert_traceback(emu,
                     "local function inner()\n  local x = nil\n  return x.y\nend\n"
                     "local function outer()\n  inner()\nend\nouter()",
                     "user_script:8: in main chunk\nuser_script:6: in function 'outer'\n"
                     "user_script:3: in function 'inner'");
    assert_traceback(emu, "local function f(n) if n == 0 then error('x') end f(n - 1) end f(30)",
                     "user_script:1: in main chunk\n"
                     "user_script:1: in function 'f'\nuser_script:1: in function 'f'\n"
                     "user_script:1: in function 'f'\nuser_script:1: in function 'f'\n"
                     "user_script:1: in function 'f'\nuser_script:1: in function 'f'\n"
                     "user_script:1: in function 'f'\nuser_script:1: in function 'f'\n"
                     "user_script:1: in function 'f'\n...\n"
                     "user_script:1: in function 'f'\nuser_script:1: in function 'f'\n"
                     "user_script:1: in function 'f'\nuser_script:1: in function 'f'\n"
                     "user_script:1: in function 'f'\nuser_script:1: in function 'f'\n"
                     "user_script:1: in function 'f'\nuser_script:1: in function 'f'\n"
                     "user_script:1: in function 'f'\nuser_script:1: in function 'f'\n"
                     "user_script:1: in function 'f'");

    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return 1", "0");
    assert_null(rl_emu_last_traceback(emu));
    assert_traceback(emu, "error('again')", "user_script:1: in main chunk");
    rl_assert_cmd(emu,
                  "-ERR Error compiling script (new function): user_script:1: unexpected symbol "
                  "near '+'\r\n",
                  "EVAL", "return +", "0");
    assert_null(rl_emu_last_traceback(emu));
    rl_assert_cmd(emu, "-x\r\n", "EVAL", "return {err='x'}", "0");
    assert_null(rl_emu_last_traceback(emu));
    rl_test_free_emu(emu);
}

/* "return redis.call(...)" is a tail call. PUC Lua keeps the calling frame;
 * LuaJIT drops it, so the emulator falls back to the last line run (the
 * reply is the same on both, the traceback says what happened). */
static void tail_called_errors_should_keep_their_line(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR Unknown Redis command called from script script: "
                  "42d5a5e856820587892f7a681c6d5b2b19317133, on @user_script:3.\r\n",
                  "EVAL", "local a = 1\nlocal b = 2\nreturn redis.call('nosuch')", "0");
    if (strcmp(rl_emu_engine(), "lua51") == 0)
        assert_string_equal(rl_emu_last_traceback(emu), "user_script:3: in main chunk");
    else assert_string_equal(rl_emu_last_traceback(emu), "user_script:3: in ? (tail call)");
    rl_assert_cmd(emu,
                  "-ERR user_script:2: bad argument #1 to 'rep' (string expected, got no value) "
                  "script: a244a95d21925b44d2c62a0255b003d57d00cad3, on @user_script:2.\r\n",
                  "EVAL", "local a = 1\nreturn string.rep()", "0");
    rl_test_free_emu(emu);
}

/* Scripts run in turn keep their own lines: LuaJIT remembers what it read
 * of the function run last (engine_luajit.c), which must follow the script.
 * The third has tail calls on two lines, which LuaJIT follows with a line
 * hook. Replies as redis-server 7.0.15 gave them. */
static void alternating_scripts_should_keep_their_lines(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    const char *three = "local a = 1\nlocal b = 2\nreturn redis.call('nosuch')";
    const char *one = "return redis.call('nosuch')";
    const char *two = "if #KEYS == 0 then\n  return redis.call('nosuch')\nend\n"
                      "return redis.call('nosuch')";
    for (int i = 0; i < 3; i++) {
        rl_assert_cmd(emu,
                      "-ERR Unknown Redis command called from script script: "
                      "42d5a5e856820587892f7a681c6d5b2b19317133, on @user_script:3.\r\n",
                      "EVAL", three, "0");
        rl_assert_cmd(emu,
                      "-ERR Unknown Redis command called from script script: "
                      "206396248e12c6e742fd7296250433c8d7343b74, on @user_script:1.\r\n",
                      "EVAL", one, "0");
        rl_assert_cmd(emu,
                      "-ERR Unknown Redis command called from script script: "
                      "98817f0d20c4bb23e6d2153f35db1f32b6157971, on @user_script:2.\r\n",
                      "EVAL", two, "0");
    }
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(runtime_errors_should_name_script_and_line),
        cmocka_unit_test(error_tables_should_keep_their_code),
        cmocka_unit_test(error_texts_should_lose_cr_lf_and_stop_at_nul),
        cmocka_unit_test(redis_call_errors_should_raise_error_tables),
        cmocka_unit_test(lua_pcall_should_unwrap_error_tables),
        cmocka_unit_test(error_handler_should_be_a_callable_global),
        cmocka_unit_test(recursion_should_end_in_stack_overflow),
        cmocka_unit_test(error_table_without_err_should_not_crash),
        cmocka_unit_test(metamethod_recursion_should_end_in_an_error),
        cmocka_unit_test(failed_script_should_leave_a_traceback),
        cmocka_unit_test(tail_called_errors_should_keep_their_line),
        cmocka_unit_test(alternating_scripts_should_keep_their_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
