/* Redis 7.0 functions: FUNCTION and FCALL (functions.c, with the functions VM
 * of lua_env.c and the run of scripts.c). Built and run once per Lua engine.
 * Every expected reply was read from redis-server 7.0.15 (Debian
 * 7.0.15-1~deb12u10) running the same commands in order, each test after
 * FUNCTION FLUSH, FLUSHALL and SCRIPT FLUSH, the first one on a freshly
 * started server (math.random's state). Replies that depend on Redis's hash
 * order (several libraries or functions in FUNCTION LIST or DUMP) are left
 * out: redlua sorts them by name. */
#include "test_common.h"

/* Runs a binary-safe command and checks its reply serialized for a client
 * speaking proto. */
static void assert_call(rl_emu *emu, int proto, const char *expected, size_t explen, int argc,
                        const char *const *argv, const size_t *lens)
{
    rl_reply *r = rl_emu_call(emu, argc, argv, lens);
    size_t len;
    char *got = rl_reply_to_resp(r, proto, &len);
    rl_reply_free(r);
    if (len != explen || memcmp(got, expected, len) != 0) {
        print_error("expected RESP: %.*s\n     got RESP: %.*s\n", (int)explen, expected, (int)len,
                    got);
        rl_free(got);
        fail();
    }
    rl_free(got);
}

/* On a freshly started server: the rand48 state is one for both VMs. */
static void functions_should_share_math_random_with_eval(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$2\r\nrt\r\n", "FUNCTION", "LOAD",
                  "#!lua name=rt\nlocal captured = redis\n"
                  "redis.register_function('rnd', function() return tostring(math.r"
                  "andom()) end)\n");
    rl_assert_cmd(emu, "$16\r\n0.39646477363839\r\n", "FCALL", "rnd", "0");
    rl_assert_cmd(emu, "$16\r\n0.84048536971234\r\n", "EVAL", "return tostring(math.random())",
                  "0");
    rl_assert_cmd(emu, "$16\r\n0.35333609737146\r\n", "FCALL", "rnd", "0");
    rl_test_free_emu(emu);
}

/* The metadata line and its errors, in Redis's order. */
static void function_load_should_parse_the_metadata_line(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$4\r\nlib1\r\n", "FUNCTION", "LOAD",
                  "#!lua name=lib1\nredis.register_function(\"f1\", function(keys, "
                  "args) return 1 end)");
    rl_assert_cmd(emu, "-ERR Library 'lib1' already exists\r\n", "FUNCTION", "LOAD",
                  "#!lua name=lib1\nredis.register_function(\"f1\", function(keys, "
                  "args) return 1 end)");
    rl_assert_cmd(emu, "$4\r\nLib1\r\n", "FUNCTION", "LOAD",
                  "#!LUA NAME=Lib1\nredis.register_function(\"f2\", function(keys, "
                  "args) return 1 end)");
    rl_assert_cmd(emu, "$1\r\nq\r\n", "FUNCTION", "LOAD",
                  "#!lua name=\"q\"\nredis.register_function(\"fq\", function(keys,"
                  " args) return 1 end)");
    rl_assert_cmd(emu, "$3\r\ntab\r\n", "FUNCTION", "LOAD",
                  "#!lua\tname=tab \nredis.register_function(\"ft\", function(keys,"
                  " args) return 1 end)");
    rl_assert_cmd(emu, "-ERR Missing library metadata\r\n", "FUNCTION", "LOAD", "x");
    rl_assert_cmd(emu, "-ERR Missing library metadata\r\n", "FUNCTION", "LOAD", " #!lua name=x\n");
    rl_assert_cmd(emu, "-ERR Invalid library metadata\r\n", "FUNCTION", "LOAD", "#!lua name=x");
    rl_assert_cmd(emu, "-ERR Library name was not given\r\n", "FUNCTION", "LOAD", "#!lua\n");
    rl_assert_cmd(emu,
                  "-ERR Invalid metadata value, name argument was given multiple ti"
                  "mes\r\n",
                  "FUNCTION", "LOAD", "#!lua name=a name=b\n");
    rl_assert_cmd(emu, "-ERR Invalid metadata value given: foo=bar\r\n", "FUNCTION", "LOAD",
                  "#!lua foo=bar\n");
    rl_assert_cmd(emu, "-ERR Invalid library metadata\r\n", "FUNCTION", "LOAD",
                  "#!lua name=\"unbalanced\n");
    rl_assert_cmd(emu, "-ERR Engine '' not found\r\n", "FUNCTION", "LOAD", "#! name=x\n");
    rl_assert_cmd(emu, "-ERR Engine 'js' not found\r\n", "FUNCTION", "LOAD", "#!js name=x\n");
    rl_assert_cmd(emu,
                  "-ERR Library names can only contain letters, numbers, or undersc"
                  "ores(_) and must be at least one character long\r\n",
                  "FUNCTION", "LOAD", "#!js name=bad-name\n");
    rl_assert_cmd(emu,
                  "-ERR Library names can only contain letters, numbers, or undersc"
                  "ores(_) and must be at least one character long\r\n",
                  "FUNCTION", "LOAD", "#!lua name=\n");
    rl_assert_cmd(emu,
                  "-ERR Library names can only contain letters, numbers, or undersc"
                  "ores(_) and must be at least one character long\r\n",
                  "FUNCTION", "LOAD", "#!lua name=\"a\\x00b\"\n");
    {
        static const char *const argv[] = { "FUNCTION", "LOAD", "#!lua name=x\000\n" };
        static const size_t lens[] = { 8, 4, 14 };
        static const char expected[] = "-ERR Invalid library metadata\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    rl_assert_cmd(emu, "-ERR No functions registered\r\n", "FUNCTION", "LOAD",
                  "#!lua name=none\nlocal x = 1");
    rl_assert_cmd(emu, "-ERR Function F1 already exists\r\n", "FUNCTION", "LOAD",
                  "#!lua name=dup\nredis.register_function(\"F1\", function(keys, a"
                  "rgs) return 1 end)");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'function|load' command\r\n", "FUNCTION",
                  "LOAD");
    rl_assert_cmd(emu, "-ERR Missing library metadata\r\n", "FUNCTION", "LOAD", "REPLACE");
    rl_assert_cmd(emu, "-ERR Unknown option given: x\r\n", "FUNCTION", "LOAD", "REPLACE", "x", "y");
    rl_assert_cmd(emu, "-ERR Unknown option given: re place\r\n", "FUNCTION", "LOAD", "re\nplace",
                  "x");
    rl_assert_cmd(emu, "$4\r\nlib1\r\n", "FUNCTION", "LOAD", "replace", "REPLACE",
                  "#!lua name=lib1\nredis.register_function(\"f1\", function(keys, "
                  "args) return 1 end)");
    rl_test_free_emu(emu);
}

/* Compile errors, errors of the library code and what its globals hold at load time. */
static void function_load_should_report_compile_and_load_errors(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR Error compiling function: user_function:2: unexpected symbo"
                  "l near '+'\r\n",
                  "FUNCTION", "LOAD", "#!lua name=b\nreturn +");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR user_function:2: Script at"
                  "tempted to access nonexistent global variable 'error'\r\n",
                  "FUNCTION", "LOAD", "#!lua name=b\nlocal a = error");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR user_function:2: Attempt t"
                  "o modify a readonly table\r\n",
                  "FUNCTION", "LOAD", "#!lua name=b\nx = 1");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR user_function:2: Script at"
                  "tempted to access nonexistent global variable 'call'\r\n",
                  "FUNCTION", "LOAD", "#!lua name=b\nredis.call(\"ping\")");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR user_function:2: Attempt t"
                  "o modify a readonly table\r\n",
                  "FUNCTION", "LOAD", "#!lua name=b\nredis.x = 1");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR user_function:2: Script at"
                  "tempted to access nonexistent global variable '_G'\r\n",
                  "FUNCTION", "LOAD", "#!lua name=b\nlocal t = _G");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR user_function:2: Script at"
                  "tempted to access nonexistent global variable 'setresp'\r\n",
                  "FUNCTION", "LOAD", "#!lua name=b\nlocal t = redis.setresp");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR user_function:2: attempt t"
                  "o call method 'bad' (a nil value)\r\n",
                  "FUNCTION", "LOAD", "#!lua name=b\nlocal s = (\"x\"):rep(2):upper():bad()");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR user_function:3: Script at"
                  "tempted to access nonexistent global variable 'assert'\r\n",
                  "FUNCTION", "LOAD",
                  "#!lua name=b\nredis.log(redis.LOG_WARNING, \"loading\")\n"
                  "assert(redis.REDIS_VERSION_NUM == 458767)");
    rl_assert_cmd(emu, "$1\r\nb\r\n", "FUNCTION", "LOAD",
                  "#!lua name=b\nif redis.REDIS_VERSION == \"7.0.15\" and redis.LOG"
                  "_DEBUG == 0 then redis.register_function(\"f1\", function(keys, "
                  "args) return 1 end) end");
    rl_assert_cmd(emu,
                  "-ERR Error compiling function: user_function:2: unfinished strin"
                  "g near '\"a\nb'\r\n",
                  "FUNCTION", "LOAD",
                  "#!lua name=nl\nx = \"a\\nb\n"
                  "c");
    rl_assert_cmd(emu,
                  "*1\r\n*6\r\n$12\r\nlibrary_name\r\n"
                  "$1\r\nb\r\n$6\r\nengine\r\n"
                  "$3\r\nLUA\r\n$9\r\nfunctions\r\n"
                  "*1\r\n*6\r\n$4\r\nname\r\n"
                  "$2\r\nf1\r\n$11\r\ndescription\r\n"
                  "$-1\r\n$5\r\nflags\r\n*0\r\n",
                  "FUNCTION", "LIST");
    rl_test_free_emu(emu);
}

/* Both forms of redis.register_function and every error they give. */
static void register_function_should_check_its_arguments(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR wrong number of arguments "
                  "to redis.register_function\r\n",
                  "FUNCTION", "LOAD", "#!lua name=t\nredis.register_function()");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR wrong number of arguments "
                  "to redis.register_function\r\n",
                  "FUNCTION", "LOAD", "#!lua name=t\nredis.register_function(1, 2, 3)");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR calling redis.register_fun"
                  "ction with a single argument is only applicable to Lua table (re"
                  "presenting named arguments).\r\n",
                  "FUNCTION", "LOAD", "#!lua name=t\nredis.register_function(\"x\")");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR redis.register_function mu"
                  "st get a function name argument\r\n",
                  "FUNCTION", "LOAD", "#!lua name=t\nredis.register_function({})");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR first argument to redis.re"
                  "gister_function must be a string\r\n",
                  "FUNCTION", "LOAD", "#!lua name=t\nredis.register_function(nil, function() end)");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR second argument to redis.r"
                  "egister_function must be a function\r\n",
                  "FUNCTION", "LOAD", "#!lua name=t\nredis.register_function(\"x\", 1)");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR named argument key given t"
                  "o redis.register_function is not a string\r\n",
                  "FUNCTION", "LOAD", "#!lua name=t\nredis.register_function{[true] = 1}");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR unknown argument given to "
                  "redis.register_function\r\n",
                  "FUNCTION", "LOAD", "#!lua name=t\nredis.register_function{[1] = 1}");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR function_name argument giv"
                  "en to redis.register_function must be a string\r\n",
                  "FUNCTION", "LOAD", "#!lua name=t\nredis.register_function{function_name = {}}");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR description argument given"
                  " to redis.register_function must be a string\r\n",
                  "FUNCTION", "LOAD",
                  "#!lua name=t\nredis.register_function{function_name = \"x\", des"
                  "cription = {}}");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR callback argument given to"
                  " redis.register_function must be a function\r\n",
                  "FUNCTION", "LOAD", "#!lua name=t\nredis.register_function{callback = 1}");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR flags argument to redis.re"
                  "gister_function must be a table representing function flags\r\n",
                  "FUNCTION", "LOAD", "#!lua name=t\nredis.register_function{flags = 1}");
    rl_assert_cmd(emu, "-ERR Error registering functions: ERR unknown flag given\r\n", "FUNCTION",
                  "LOAD", "#!lua name=t\nredis.register_function{flags = {\"nope\"}}");
    rl_assert_cmd(emu, "-ERR Error registering functions: ERR unknown flag given\r\n", "FUNCTION",
                  "LOAD", "#!lua name=t\nredis.register_function{flags = {1}}");
    rl_assert_cmd(emu, "-ERR Error registering functions: ERR unknown flag given\r\n", "FUNCTION",
                  "LOAD", "#!lua name=t\nredis.register_function{flags = {true}}");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR unknown argument given to "
                  "redis.register_function\r\n",
                  "FUNCTION", "LOAD", "#!lua name=t\nredis.register_function{foo = 1}");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR redis.register_function mu"
                  "st get a function name argument\r\n",
                  "FUNCTION", "LOAD",
                  "#!lua name=t\nredis.register_function{callback = function() end}");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR redis.register_function mu"
                  "st get a callback argument\r\n",
                  "FUNCTION", "LOAD",
                  "#!lua name=t\nredis.register_function{function_name = \"x\"}");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR Library names can only con"
                  "tain letters, numbers, or underscores(_) and must be at least on"
                  "e character long\r\n",
                  "FUNCTION", "LOAD",
                  "#!lua name=t\nredis.register_function(\"bad-name\", function() e"
                  "nd)");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR Library names can only con"
                  "tain letters, numbers, or underscores(_) and must be at least on"
                  "e character long\r\n",
                  "FUNCTION", "LOAD",
                  "#!lua name=t\nredis.register_function(\"\", function() end)");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR Library names can only con"
                  "tain letters, numbers, or underscores(_) and must be at least on"
                  "e character long\r\n",
                  "FUNCTION", "LOAD",
                  "#!lua name=t\nredis.register_function(\"a\\0b\", function() end)");
    rl_assert_cmd(emu,
                  "-ERR Error registering functions: ERR Function already exists in"
                  " the library\r\n",
                  "FUNCTION", "LOAD",
                  "#!lua name=t\nredis.register_function(\"k\", function() end)\n"
                  "redis.register_function(\"k\", function() end)");
    rl_assert_cmd(emu, "$1\r\nt\r\n", "FUNCTION", "LOAD", "REPLACE",
                  "#!lua name=t\nredis.register_function{FUNCTION_NAME = \"ok1\", C"
                  "allBack = function() end, Description = 5, FLAGS = {\"NO-WRITES\""
                  ", \"allow-oom\"}}");
    rl_assert_cmd(emu,
                  "*1\r\n*8\r\n$12\r\nlibrary_name\r\n"
                  "$1\r\nt\r\n$6\r\nengine\r\n"
                  "$3\r\nLUA\r\n$9\r\nfunctions\r\n"
                  "*1\r\n*6\r\n$4\r\nname\r\n"
                  "$3\r\nok1\r\n$11\r\ndescription\r\n"
                  "$1\r\n5\r\n$5\r\nflags\r\n"
                  "*2\r\n+no-writes\r\n+allow-oom\r\n"
                  "$12\r\nlibrary_code\r\n$139\r\n"
                  "#!lua name=t\nredis.register_function{FUNCTION_NAME = \"ok1\", C"
                  "allBack = function() end, Description = 5, FLAGS = {\"NO-WRITES\""
                  ", \"allow-oom\"}}\r\n",
                  "FUNCTION", "LIST", "WITHCODE");
    rl_assert_cmd(emu, "$1\r\nt\r\n", "FUNCTION", "LOAD", "REPLACE",
                  "#!lua name=t\nredis.register_function(123, function() end)");
    rl_assert_cmd(emu,
                  "*1\r\n*8\r\n$12\r\nlibrary_name\r\n"
                  "$1\r\nt\r\n$6\r\nengine\r\n"
                  "$3\r\nLUA\r\n$9\r\nfunctions\r\n"
                  "*1\r\n*6\r\n$4\r\nname\r\n"
                  "$3\r\n123\r\n$11\r\ndescription\r\n"
                  "$-1\r\n$5\r\nflags\r\n*0\r\n"
                  "$12\r\nlibrary_code\r\n$57\r\n"
                  "#!lua name=t\nredis.register_function(123, function() end)\r\n",
                  "FUNCTION", "LIST", "WITHCODE");
    rl_assert_cmd(emu, "$1\r\nt\r\n", "FUNCTION", "LOAD", "REPLACE",
                  "#!lua name=t\nredis.register_function{function_name = \"d\", cal"
                  "lback = function() end, description = \"x\\0y\", flags = {\"allo"
                  "w-cross-slot-keys\", \"no-cluster\", \"allow-stale\", \"no-write"
                  "s\", \"allow-oom\"}}");
    rl_assert_cmd(emu,
                  "*1\r\n*8\r\n$12\r\nlibrary_name\r\n"
                  "$1\r\nt\r\n$6\r\nengine\r\n"
                  "$3\r\nLUA\r\n$9\r\nfunctions\r\n"
                  "*1\r\n*6\r\n$4\r\nname\r\n"
                  "$1\r\nd\r\n$11\r\ndescription\r\n"
                  "$3\r\nx\000y\r\n$5\r\nflags\r\n"
                  "*5\r\n+no-writes\r\n+allow-oom\r\n"
                  "+allow-stale\r\n+no-cluster\r\n"
                  "+allow-cross-slot-keys\r\n"
                  "$12\r\nlibrary_code\r\n$196\r\n"
                  "#!lua name=t\nredis.register_function{function_name = \"d\", cal"
                  "lback = function() end, description = \"x\\0y\", flags = {\"allo"
                  "w-cross-slot-keys\", \"no-cluster\", \"allow-stale\", \"no-write"
                  "s\", \"allow-oom\"}}\r\n",
                  "FUNCTION", "LIST", "WITHCODE");
    rl_assert_cmd(emu, "$1\r\nt\r\n", "FUNCTION", "LOAD", "REPLACE",
                  "#!lua name=t\nredis.register_function{function_name = \"e\", cal"
                  "lback = function() end, flags = {\"no-writes\", nil, \"bogus\"}}");
    rl_assert_cmd(emu,
                  "*1\r\n*8\r\n$12\r\nlibrary_name\r\n"
                  "$1\r\nt\r\n$6\r\nengine\r\n"
                  "$3\r\nLUA\r\n$9\r\nfunctions\r\n"
                  "*1\r\n*6\r\n$4\r\nname\r\n"
                  "$1\r\ne\r\n$11\r\ndescription\r\n"
                  "$-1\r\n$5\r\nflags\r\n*1\r\n"
                  "+no-writes\r\n$12\r\nlibrary_code\r\n"
                  "$121\r\n#!lua name=t\nredis.register_function{function_name = \""
                  "e\", callback = function() end, flags = {\"no-writes\", nil, \"b"
                  "ogus\"}}\r\n",
                  "FUNCTION", "LIST", "WITHCODE");
    rl_test_free_emu(emu);
}

/* FCALL: keys and arguments as parameters, the runtime globals and redis table, error replies
 * naming the function. */
static void fcall_should_run_functions_as_redis_does(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$2\r\nrt\r\n", "FUNCTION", "LOAD",
                  "#!lua name=rt\nlocal captured = redis\n"
                  "redis.register_function('boom', function(keys, args) error('boom"
                  "') end)\nredis.register_function('Tail', function(keys, args)\n"
                  "  return redis.call('incr', keys[1])\n"
                  "end)\nredis.register_function('echo', function(keys, args) retur"
                  "n {keys, args, #keys, #args} end)\n"
                  "redis.register_function('kw', function(keys, args) keys[1] = 'x'"
                  "; return {keys[1], select('#', keys, args)} end)\n"
                  "redis.register_function('g', function() return KEYS end)\n"
                  "redis.register_function('reg', function() captured.register_func"
                  "tion('x', function() end) end)\n"
                  "redis.register_function('cap', function() return captured.call('"
                  "ping') end)\nredis.register_function('capw', function() captured"
                  ".x = 1 end)\nredis.register_function('fields', function() return"
                  " {type(redis.breakpoint), type(redis.debug), type(redis.replicat"
                  "e_commands), type(redis.register_function), type(redis.call), ty"
                  "pe(redis.setresp), redis.REPL_ALL} end)\n"
                  "redis.register_function('handler', function() return __redis__er"
                  "r__handler end)\nredis.register_function('rf', function() return"
                  " redis.register_function('a', function() end) end)\n"
                  "redis.register_function('gw', function() x = 1 end)\n"
                  "redis.register_function('sel', function(keys) redis.call('select"
                  "', 3); redis.call('set', keys[1], 'in3'); return redis.call('dbs"
                  "ize') end)\nredis.register_function('resp', function() redis.set"
                  "resp(3); return redis.call('hgetall', 'h') end)\n"
                  "redis.register_function('nested', function() local function inne"
                  "r() error({err='MY custom'}) end inner() end)\n"
                  "redis.register_function('pc', function() return {pcall(function("
                  ") return undefined_g end)} end)\n"
                  "redis.register_function('refused', function() return {redis.pcal"
                  "l('fcall', 'echo', 0), redis.pcall('function', 'list'), redis.pc"
                  "all('eval', 'return 1', 0)} end)\n"
                  "redis.register_function('help', function() return #redis.call('f"
                  "unction', 'help') end)\n");
    rl_assert_cmd(emu, "-ERR user_function:3: boom script: boom, on @user_function:3.\r\n", "FCALL",
                  "boom", "0");
    rl_assert_cmd(emu, ":1\r\n", "FCALL", "tail", "1", "s");
    rl_assert_cmd(emu, "+OK\r\n", "SET", "s", "x");
    rl_assert_cmd(emu,
                  "-ERR value is not an integer or out of range script: Tail, on @u"
                  "ser_function:5.\r\n",
                  "FCALL", "TAIL", "1", "s");
    rl_assert_cmd(emu,
                  "*4\r\n*2\r\n$1\r\na\r\n$1\r\n"
                  "b\r\n*1\r\n$1\r\nc\r\n:2\r\n"
                  ":1\r\n",
                  "FCALL", "echo", "2", "a", "b", "c");
    rl_assert_cmd(emu, "*2\r\n$1\r\nx\r\n:2\r\n", "FCALL", "kw", "1", "a", "b");
    rl_assert_cmd(emu,
                  "-ERR user_function:9: Script attempted to access nonexistent glo"
                  "bal variable 'KEYS' script: g, on @user_function:9.\r\n",
                  "FCALL", "g", "0");
    rl_assert_cmd(emu,
                  "-ERR redis.register_function can only be called on FUNCTION LOAD"
                  " command script: reg, on @user_function:10.\r\n",
                  "FCALL", "reg", "0");
    rl_assert_cmd(emu,
                  "-ERR user_function:11: Script attempted to access nonexistent gl"
                  "obal variable 'call' script: cap, on @user_function:11.\r\n",
                  "FCALL", "cap", "0");
    rl_assert_cmd(emu,
                  "-ERR user_function:12: Attempt to modify a readonly table script"
                  ": capw, on @user_function:12.\r\n",
                  "FCALL", "capw", "0");
    rl_assert_cmd(emu,
                  "*7\r\n$3\r\nnil\r\n$3\r\n"
                  "nil\r\n$3\r\nnil\r\n$3\r\n"
                  "nil\r\n$8\r\nfunction\r\n"
                  "$8\r\nfunction\r\n:3\r\n",
                  "FCALL", "fields", "0");
    rl_assert_cmd(emu,
                  "-ERR user_function:14: Script attempted to access nonexistent gl"
                  "obal variable '__redis__err__handler' script: handler, on @user_"
                  "function:14.\r\n",
                  "FCALL", "handler", "0");
    rl_assert_cmd(emu,
                  "-ERR user_function:15: attempt to call field 'register_function'"
                  " (a nil value) script: rf, on @user_function:15.\r\n",
                  "FCALL", "rf", "0");
    rl_assert_cmd(emu,
                  "-ERR user_function:16: Attempt to modify a readonly table script"
                  ": gw, on @user_function:16.\r\n",
                  "FCALL", "gw", "0");
    rl_assert_cmd(emu, ":1\r\n", "FCALL", "sel", "1", "k");
    rl_assert_cmd(emu, ":1\r\n", "DBSIZE");
    rl_assert_cmd(emu, ":1\r\n", "HSET", "h", "a", "1");
    rl_assert_cmd(emu, "*2\r\n$1\r\na\r\n$1\r\n1\r\n", "FCALL", "resp", "0");
    rl_assert_cmd(emu, "-MY custom script: nested, on @user_function:19.\r\n", "FCALL", "nested",
                  "0");
    rl_assert_cmd(emu,
                  "*2\r\n$-1\r\n$86\r\nuser_function:20: Script attempted to access"
                  " nonexistent global variable 'undefined_g'\r\n",
                  "FCALL", "pc", "0");
    rl_assert_cmd(emu,
                  "*3\r\n-ERR This Redis command is not allowed from script\r\n"
                  "-ERR This Redis command is not allowed from script\r\n"
                  "-ERR This Redis command is not allowed from script\r\n",
                  "FCALL", "refused", "0");
    rl_assert_cmd(emu, ":40\r\n", "FCALL", "help", "0");
    rl_assert_cmd(emu, "-ERR This Redis command is not allowed from script\r\n", "EVAL",
                  "return redis.pcall(\"fcall\", \"echo\", 0)", "0");
    rl_assert_cmd(emu, "-ERR This Redis command is not allowed from script\r\n", "EVAL",
                  "return redis.pcall(\"function\", \"stats\")", "0");
    rl_test_free_emu(emu);
}

/* Function lookup first, then numkeys; FCALL_RO and no-writes. */
static void fcall_should_check_arguments_and_flags_in_redis_order(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$2\r\nro\r\n", "FUNCTION", "LOAD",
                  "#!lua name=ro\nredis.register_function{function_name='ro', callb"
                  "ack=function(keys) return redis.call('set', keys[1], 'v') end, f"
                  "lags={'no-writes'}}\nredis.register_function{function_name='get'"
                  ", callback=function(keys) return redis.call('get', keys[1]) end,"
                  " flags={'no-writes'}}\nredis.register_function('w', function(key"
                  "s) return redis.call('set', keys[1], 'v') end)\n");
    rl_assert_cmd(emu, "-ERR Function not found\r\n", "FCALL", "nope", "x");
    rl_assert_cmd(emu, "-ERR Bad number of keys provided\r\n", "FCALL", "w", "x");
    rl_assert_cmd(emu, "-ERR Bad number of keys provided\r\n", "FCALL", "w", " 1", "k");
    rl_assert_cmd(emu, "-ERR Bad number of keys provided\r\n", "FCALL", "w", "01", "k");
    rl_assert_cmd(emu, "-ERR Number of keys can't be negative\r\n", "FCALL", "w", "-1");
    rl_assert_cmd(emu, "-ERR Number of keys can't be greater than number of args\r\n", "FCALL", "w",
                  "2", "k");
    rl_assert_cmd(emu, "-ERR Bad number of keys provided\r\n", "FCALL", "w",
                  "99999999999999999999");
    rl_assert_cmd(emu, "-ERR Function not found\r\n", "FCALL_RO", "nope", "x");
    rl_assert_cmd(emu, "-ERR Bad number of keys provided\r\n", "FCALL_RO", "w", "x");
    rl_assert_cmd(emu,
                  "-ERR Can not execute a script with write flag using *_ro command"
                  ".\r\n",
                  "FCALL_RO", "w", "1", "k");
    rl_assert_cmd(emu, "$-1\r\n", "FCALL_RO", "get", "1", "k");
    rl_assert_cmd(emu,
                  "-ERR Write commands are not allowed from read-only scripts. scri"
                  "pt: ro, on @user_function:2.\r\n",
                  "FCALL", "ro", "1", "k");
    rl_assert_cmd(emu,
                  "-ERR Write commands are not allowed from read-only scripts. scri"
                  "pt: ro, on @user_function:2.\r\n",
                  "FCALL_RO", "ro", "1", "k");
    rl_assert_cmd(emu, "+OK\r\n", "FCALL", "W", "1", "k");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "FCALL_RO", "GET", "1", "k");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'fcall' command\r\n", "FCALL");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'fcall' command\r\n", "FCALL", "w");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'fcall_ro' command\r\n", "FCALL_RO",
                  "w");
    rl_test_free_emu(emu);
}

/* DELETE, FLUSH, LIST, STATS, KILL, HELP and their errors; FLUSHALL and SCRIPT FLUSH keep
 * functions. */
static void function_subcommands_should_answer_as_redis(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$3\r\nAbc\r\n", "FUNCTION", "LOAD",
                  "#!lua name=Abc\nredis.register_function(\"f1\", function(keys, a"
                  "rgs) return 1 end)");
    rl_assert_cmd(emu,
                  "*1\r\n*6\r\n$12\r\nlibrary_name\r\n"
                  "$3\r\nAbc\r\n$6\r\nengine\r\n"
                  "$3\r\nLUA\r\n$9\r\nfunctions\r\n"
                  "*1\r\n*6\r\n$4\r\nname\r\n"
                  "$2\r\nf1\r\n$11\r\ndescription\r\n"
                  "$-1\r\n$5\r\nflags\r\n*0\r\n",
                  "FUNCTION", "LIST", "LIBRARYNAME", "abc");
    rl_assert_cmd(emu,
                  "*1\r\n*8\r\n$12\r\nlibrary_name\r\n"
                  "$3\r\nAbc\r\n$6\r\nengine\r\n"
                  "$3\r\nLUA\r\n$9\r\nfunctions\r\n"
                  "*1\r\n*6\r\n$4\r\nname\r\n"
                  "$2\r\nf1\r\n$11\r\ndescription\r\n"
                  "$-1\r\n$5\r\nflags\r\n*0\r\n"
                  "$12\r\nlibrary_code\r\n$79\r\n"
                  "#!lua name=Abc\nredis.register_function(\"f1\", function(keys, a"
                  "rgs) return 1 end)\r\n",
                  "FUNCTION", "LIST", "libraryname", "A?c", "withcode");
    rl_assert_cmd(emu, "*0\r\n", "FUNCTION", "LIST", "LIBRARYNAME", "x*");
    rl_assert_cmd(emu, "-ERR Unknown argument foo\r\n", "FUNCTION", "LIST", "foo");
    rl_assert_cmd(emu, "-ERR library name argument was not given\r\n", "FUNCTION", "LIST",
                  "LIBRARYNAME");
    rl_assert_cmd(emu, "-ERR Unknown argument WITHCODE\r\n", "FUNCTION", "LIST", "WITHCODE",
                  "WITHCODE");
    rl_assert_cmd(emu, "-ERR Unknown argument LIBRARYNAME\r\n", "FUNCTION", "LIST", "LIBRARYNAME",
                  "a", "LIBRARYNAME", "b");
    rl_assert_cmd(emu,
                  "*4\r\n$14\r\nrunning_script\r\n"
                  "$-1\r\n$7\r\nengines\r\n"
                  "*2\r\n$3\r\nLUA\r\n*4\r\n"
                  "$15\r\nlibraries_count\r\n"
                  ":1\r\n$15\r\nfunctions_count\r\n"
                  ":1\r\n",
                  "FUNCTION", "STATS");
    rl_assert_cmd(emu, "+OK\r\n", "FLUSHALL");
    rl_assert_cmd(emu, "+OK\r\n", "SCRIPT", "FLUSH");
    rl_assert_cmd(emu, ":1\r\n", "FCALL", "f1", "0");
    rl_assert_cmd(emu, "-ERR Library not found\r\n", "FUNCTION", "DELETE", "abc");
    rl_assert_cmd(emu, "+OK\r\n", "FUNCTION", "DELETE", "Abc");
    rl_assert_cmd(emu, "-ERR Library not found\r\n", "FUNCTION", "DELETE", "Abc");
    rl_assert_cmd(emu, "$3\r\nAbc\r\n", "FUNCTION", "LOAD",
                  "#!lua name=Abc\nredis.register_function(\"f1\", function(keys, a"
                  "rgs) return 1 end)");
    rl_assert_cmd(emu, "-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n", "FUNCTION",
                  "FLUSH", "x");
    rl_assert_cmd(emu,
                  "-ERR unknown subcommand or wrong number of arguments for 'FLUSH'"
                  ". Try FUNCTION HELP.\r\n",
                  "FUNCTION", "FLUSH", "sync", "x");
    rl_assert_cmd(emu, "+OK\r\n", "FUNCTION", "FLUSH", "Async");
    rl_assert_cmd(emu, "*0\r\n", "FUNCTION", "LIST");
    rl_assert_cmd(emu,
                  "*4\r\n$14\r\nrunning_script\r\n"
                  "$-1\r\n$7\r\nengines\r\n"
                  "*2\r\n$3\r\nLUA\r\n*4\r\n"
                  "$15\r\nlibraries_count\r\n"
                  ":0\r\n$15\r\nfunctions_count\r\n"
                  ":0\r\n",
                  "FUNCTION", "STATS");
    rl_assert_cmd(emu, "+OK\r\n", "FUNCTION", "FLUSH");
    rl_assert_cmd(emu, "-NOTBUSY No scripts in execution right now.\r\n", "FUNCTION", "KILL");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'function|kill' command\r\n", "FUNCTION",
                  "KILL", "x");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'function|stats' command\r\n",
                  "FUNCTION", "STATS", "x");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'function|dump' command\r\n", "FUNCTION",
                  "DUMP", "x");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'function|help' command\r\n", "FUNCTION",
                  "HELP", "x");
    rl_assert_cmd(emu, "-ERR unknown subcommand 'BOGUS'. Try FUNCTION HELP.\r\n", "FUNCTION",
                  "BOGUS");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'function' command\r\n", "FUNCTION");
    rl_assert_cmd(emu,
                  "*40\r\n+FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcomm"
                  "ands are:\r\n+LOAD [REPLACE] <FUNCTION CODE>\r\n"
                  "+    Create a new library with the given library name and code.\r"
                  "\n+DELETE <LIBRARY NAME>\r\n"
                  "+    Delete the given library.\r\n"
                  "+LIST [LIBRARYNAME PATTERN] [WITHCODE]\r\n"
                  "+    Return general information on all the libraries:\r\n"
                  "+    * Library name\r\n+    * The engine used to run the Library"
                  "\r\n+    * Library description\r\n"
                  "+    * Functions list\r\n"
                  "+    * Library code (if WITHCODE is given)\r\n"
                  "+    It also possible to get only function that matches a patter"
                  "n using LIBRARYNAME argument.\r\n"
                  "+STATS\r\n+    Return information about the current function run"
                  "ning:\r\n+    * Function name\r\n"
                  "+    * Command used to run the function\r\n"
                  "+    * Duration in MS that the function is running\r\n"
                  "+    If no function is running, return nil\r\n"
                  "+    In addition, returns a list of available engines.\r\n"
                  "+KILL\r\n+    Kill the current running function.\r\n"
                  "+FLUSH [ASYNC|SYNC]\r\n+    Delete all the libraries.\r\n"
                  "+    When called without the optional mode argument, the behavio"
                  "r is determined by the\r\n"
                  "+    lazyfree-lazy-user-flush configuration directive. Valid mod"
                  "es are:\r\n+    * ASYNC: Asynchronously flush the libraries.\r\n"
                  "+    * SYNC: Synchronously flush the libraries.\r\n"
                  "+DUMP\r\n+    Return a serialized payload representing the curre"
                  "nt libraries, can be restored using FUNCTION RESTORE command\r\n"
                  "+RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]\r\n"
                  "+    Restore the libraries represented by the given payload, it "
                  "is possible to give a restore policy to\r\n"
                  "+    control how to handle existing libraries (default APPEND):\r"
                  "\n+    * FLUSH: delete all existing libraries.\r\n"
                  "+    * APPEND: appends the restored libraries to the existing li"
                  "braries. On collision, abort.\r\n"
                  "+    * REPLACE: appends the restored libraries to the existing l"
                  "ibraries, On collision, replace the old\r\n"
                  "+      libraries with the new libraries (notice that even on thi"
                  "s option there is a chance of failure\r\n"
                  "+      in case of functions name collision with another library)"
                  ".\r\n+HELP\r\n+    Prints this help.\r\n",
                  "FUNCTION", "HELP");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'function|delete' command\r\n",
                  "FUNCTION", "DELETE");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'function|restore' command\r\n",
                  "FUNCTION", "RESTORE");
    rl_test_free_emu(emu);
}

/* Maps, sets and the null of RESP3. */
static void function_list_and_stats_should_have_resp3_shapes(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$4\r\nlib1\r\n", "FUNCTION", "LOAD",
                  "#!lua name=lib1\nredis.register_function{function_name=\"f1\", c"
                  "allback=function() return 1 end, description=\"desc\", flags={\""
                  "allow-stale\",\"no-writes\"}}");
    rl_emu_set_resp(emu, 3);
    {
        static const char *const argv[] = { "FUNCTION", "LIST", "WITHCODE" };
        static const size_t lens[] = { 8, 4, 8 };
        static const char expected[] =
            "*1\r\n%4\r\n$12\r\nlibrary_name\r\n"
            "$4\r\nlib1\r\n$6\r\nengine\r\n"
            "$3\r\nLUA\r\n$9\r\nfunctions\r\n"
            "*1\r\n%3\r\n$4\r\nname\r\n"
            "$2\r\nf1\r\n$11\r\ndescription\r\n"
            "$4\r\ndesc\r\n$5\r\nflags\r\n"
            "~2\r\n+no-writes\r\n+allow-stale\r\n"
            "$12\r\nlibrary_code\r\n$148\r\n"
            "#!lua name=lib1\nredis.register_function{function_name=\"f1\", c"
            "allback=function() return 1 end, description=\"desc\", flags={\""
            "allow-stale\",\"no-writes\"}}\r\n";
        assert_call(emu, 3, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = { "FUNCTION", "STATS" };
        static const size_t lens[] = { 8, 5 };
        static const char expected[] = "%2\r\n$14\r\nrunning_script\r\n"
                                       "_\r\n$7\r\nengines\r\n%1\r\n"
                                       "$3\r\nLUA\r\n%2\r\n$15\r\n"
                                       "libraries_count\r\n:1\r\n"
                                       "$15\r\nfunctions_count\r\n"
                                       ":1\r\n";
        assert_call(emu, 3, expected, sizeof(expected) - 1, 2, argv, lens);
    }
    {
        static const char *const argv[] = { "FUNCTION", "LIST", "LIBRARYNAME", "zz" };
        static const size_t lens[] = { 8, 4, 11, 2 };
        static const char expected[] = "*0\r\n";
        assert_call(emu, 3, expected, sizeof(expected) - 1, 4, argv, lens);
    }
    {
        static const char *const argv[] = { "FCALL", "f1", "0" };
        static const size_t lens[] = { 5, 2, 1 };
        static const char expected[] = ":1\r\n";
        assert_call(emu, 3, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    rl_emu_set_resp(emu, 2);
    rl_test_free_emu(emu);
}

/* cjson settings live as long as the functions VM: FUNCTION FLUSH does not rebuild it, SCRIPT
 * FLUSH only rebuilds the EVAL VM. */
static void function_flush_should_keep_the_functions_vm(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$2\r\ncj\r\n", "FUNCTION", "LOAD",
                  "#!lua name=cj\nredis.register_function('setp', function() cjson."
                  "encode_number_precision(3) return 1 end)\n"
                  "redis.register_function('enc', function() return cjson.encode({1"
                  "/3}) end)\n");
    rl_assert_cmd(emu, "$18\r\n[0.33333333333333]\r\n", "FCALL", "enc", "0");
    rl_assert_cmd(emu, ":1\r\n", "FCALL", "setp", "0");
    rl_assert_cmd(emu, "$7\r\n[0.333]\r\n", "FCALL", "enc", "0");
    rl_assert_cmd(emu, "$18\r\n[0.33333333333333]\r\n", "EVAL", "return cjson.encode({1/3})", "0");
    rl_assert_cmd(emu, "+OK\r\n", "FUNCTION", "FLUSH");
    rl_assert_cmd(emu, "$2\r\ncj\r\n", "FUNCTION", "LOAD",
                  "#!lua name=cj\nredis.register_function('setp', function() cjson."
                  "encode_number_precision(3) return 1 end)\n"
                  "redis.register_function('enc', function() return cjson.encode({1"
                  "/3}) end)\n");
    rl_assert_cmd(emu, "$7\r\n[0.333]\r\n", "FCALL", "enc", "0");
    rl_assert_cmd(emu, "+OK\r\n", "SCRIPT", "FLUSH");
    rl_assert_cmd(emu, "$7\r\n[0.333]\r\n", "FCALL", "enc", "0");
    rl_assert_cmd(emu, "$2\r\ncj\r\n", "FUNCTION", "LOAD", "REPLACE",
                  "#!lua name=cj\nredis.register_function('setp', function() cjson."
                  "encode_number_precision(3) return 1 end)\n"
                  "redis.register_function('enc', function() return cjson.encode({1"
                  "/3}) end)\n");
    rl_assert_cmd(emu, "$7\r\n[0.333]\r\n", "FCALL", "enc", "0");
    rl_test_free_emu(emu);
}

/* DUMP writes Redis's bytes (LZF-compressed code, RDB version, CRC-64); RESTORE reads them, all
 * or nothing. */
static void function_dump_and_restore_should_use_redis_payload(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$10\r\n\n\000]\233\\@\017\177\242\332\r\n", "FUNCTION", "DUMP");
    rl_assert_cmd(emu, "$2\r\nl1\r\n", "FUNCTION", "LOAD",
                  "#!lua name=l1\nredis.register_function(\"f1\", function() return"
                  " \"l1\" end)");
    rl_assert_cmd(emu,
                  "$84\r\n\365@G#!lua name=l1\n"
                  "redis.register_function(\"f1\", function() return \"l1\" end)\n"
                  "\000\273!l\277Y.\0343\r\n",
                  "FUNCTION", "DUMP");
    rl_assert_cmd(emu, "+OK\r\n", "FUNCTION", "FLUSH");
    rl_assert_cmd(emu, "$3\r\nbig\r\n", "FUNCTION", "LOAD",
                  "#!lua name=big\nredis.register_function(\"big\", function(keys, "
                  "args)\n  return redis.call(\"GET\", keys[1])\n"
                  "end)\n-- comment line 0 of the library, repeated to compress\n"
                  "-- comment line 1 of the library, repeated to compress\n"
                  "-- comment line 2 of the library, repeated to compress\n"
                  "-- comment line 3 of the library, repeated to compress\n"
                  "-- comment line 4 of the library, repeated to compress\n"
                  "-- comment line 5 of the library, repeated to compress\n"
                  "-- comment line 6 of the library, repeated to compress\n"
                  "-- comment line 7 of the library, repeated to compress\n");
    rl_assert_cmd(emu,
                  "$212\r\n\365\303@\304B$\037#!lua name=big\n"
                  "redis.register_fu\007nction(\" \034\002\", \340\000\017\023keys,"
                  " args)\n  return \006@<\010call(\"GET /@&\037[1])\n"
                  "end)\n-- comment line 0 of t\001he \r\005brary, A\010peated to@*"
                  "\004press\340\0106\0001\340-6\0002\340-6\0003\340-6\0004\340-6\000"
                  "5\340-6\0006\340-6\0007\340\0336\001s\n"
                  "\n\000\313YC\222{E*B\r\n",
                  "FUNCTION", "DUMP");
    rl_assert_cmd(emu, "+OK\r\n", "FUNCTION", "FLUSH");
    rl_assert_cmd(emu, "$2\r\nl1\r\n", "FUNCTION", "LOAD",
                  "#!lua name=l1\nredis.register_function(\"f1\", function() return"
                  " \"l1\" end)");
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            ("\365@H#!lua name=l1\nredis.register_function(\"f1x\", function()"
             " return \"l1\" end)\365@G#!lua name=l2\n"
             "redis.register_function(\"f2\", function() return \"l2\" end)\n"
             "\000\363\021\357\014\\f\021\256"),
        };
        static const size_t lens[] = { 8, 7, 159 };
        static const char expected[] = "-ERR Library l1 already exists\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            ("\365@H#!lua name=l1\nredis.register_function(\"f1x\", function()"
             " return \"l1\" end)\365@G#!lua name=l2\n"
             "redis.register_function(\"f2\", function() return \"l2\" end)\n"
             "\000\363\021\357\014\\f\021\256"),
            "append",
        };
        static const size_t lens[] = { 8, 7, 159, 6 };
        static const char expected[] = "-ERR Library l1 already exists\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 4, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            ("\365@H#!lua name=l1\nredis.register_function(\"f1x\", function()"
             " return \"l1\" end)\365@G#!lua name=l2\n"
             "redis.register_function(\"f2\", function() return \"l2\" end)\n"
             "\000\363\021\357\014\\f\021\256"),
            "REPLACE",
        };
        static const size_t lens[] = { 8, 7, 159, 7 };
        static const char expected[] = "+OK\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 4, argv, lens);
    }
    rl_assert_cmd(emu, "$2\r\nl1\r\n", "FCALL", "f1x", "0");
    rl_assert_cmd(emu, "-ERR Function not found\r\n", "FCALL", "f1", "0");
    rl_assert_cmd(emu,
                  "*4\r\n$14\r\nrunning_script\r\n"
                  "$-1\r\n$7\r\nengines\r\n"
                  "*2\r\n$3\r\nLUA\r\n*4\r\n"
                  "$15\r\nlibraries_count\r\n"
                  ":2\r\n$15\r\nfunctions_count\r\n"
                  ":2\r\n",
                  "FUNCTION", "STATS");
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            ("\365@H#!lua name=l3\nredis.register_function(\"f1x\", function()"
             " return \"l3\" end)\n\000)\347\253\320\346.AW"),
        };
        static const size_t lens[] = { 8, 7, 85 };
        static const char expected[] = "-ERR Function f1x already exists\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            ("\365@H#!lua name=l3\nredis.register_function(\"F1X\", function()"
             " return \"l3\" end)\n\000|*\001\356Xr\340M"),
            "REPLACE",
        };
        static const size_t lens[] = { 8, 7, 85, 7 };
        static const char expected[] = "-ERR Function F1X already exists\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 4, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            ("\365@G#!lua name=l3\nredis.register_function(\"f3\", function() "
             "return \"l3\" end)\365@G#!lua name=l3\n"
             "redis.register_function(\"f4\", function() return \"l3\" end)\n"
             "\000\001V\303;\273\tK\372"),
        };
        static const size_t lens[] = { 8, 7, 158 };
        static const char expected[] = "-ERR Library 'l3' already exists\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            ("\365@G#!lua name=l3\nredis.register_function(\"f3\", function() "
             "return \"l3\" end)\365@G#!lua name=l4\n"
             "redis.register_function(\"f3\", function() return \"l4\" end)\n"
             "\000\300\240\377\307\246\301\337?"),
        };
        static const size_t lens[] = { 8, 7, 158 };
        static const char expected[] = "-ERR Function f3 already exists\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            ("\367@G#!lua name=l3\nredis.register_function(\"f3\", function() "
             "return \"l3\" end)\n\000\250d\307&\356)\213\200"),
        };
        static const size_t lens[] = { 8, 7, 84 };
        static const char expected[] = "-ERR given type is not a function\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            ("\365\026#!lua name=l5\nreturn +\n"
             "\000\374\030\344eI\0001\353"),
        };
        static const size_t lens[] = { 8, 7, 34 };
        static const char expected[] =
            "-ERR Error compiling function: user_function:2: unexpected symbo"
            "l near '+'\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            "\365@\n\000{\010\305\346\261\371\007\367",
        };
        static const size_t lens[] = { 8, 7, 12 };
        static const char expected[] = "-ERR Failed loading library payload\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            "\365\005ab\n\000\223\273\275>\233Wu\363",
        };
        static const size_t lens[] = { 8, 7, 14 };
        static const char expected[] = "-ERR Missing library metadata\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            ("\365\300\005\n\000\025\n"
             "t\356\362w\2576"),
        };
        static const size_t lens[] = { 8, 7, 13 };
        static const char expected[] = "-ERR Missing library metadata\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            "\365\304\n\000?y\350#4\213\375\213",
        };
        static const size_t lens[] = { 8, 7, 12 };
        static const char expected[] = "-ERR Failed loading library payload\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            ("\365\303\003\005\001ab\n"
             "\000\235\342V\232~\351\2517"),
        };
        static const size_t lens[] = { 8, 7, 17 };
        static const char expected[] = "-ERR Failed loading library payload\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            ("\365\303\003\002\001ab\n"
             "\000\347<;\322d\337\310\313"),
        };
        static const size_t lens[] = { 8, 7, 17 };
        static const char expected[] = "-ERR Missing library metadata\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            ("\366\004plib\003LUA\0006redis.register_function(\"pg\", function"
             "() return 1 end)\n\000\022\301\352\013\300\320M\237"),
        };
        static const size_t lens[] = { 8, 7, 76 };
        static const char expected[] = "+OK\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            "\366\001a\n\000\353\274/\277b@l\214",
        };
        static const size_t lens[] = { 8, 7, 13 };
        static const char expected[] = "-ERR Failed loading engine name\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            "\366\001a\001b\n\000/\302_\263\363\245N\315",
        };
        static const size_t lens[] = { 8, 7, 15 };
        static const char expected[] = "-ERR Failed loading library blob\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            "\366\001a\001b\001\n\000\244/(\361\235\370t\203",
        };
        static const size_t lens[] = { 8, 7, 16 };
        static const char expected[] = "-ERR Failed loading library description\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            "\366\001a\n\n\000\307\352\360\335@\331\251N",
        };
        static const size_t lens[] = { 8, 7, 14 };
        static const char expected[] = "-ERR Failed loading library description indicator\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            ("\365@G#!lua name=l6\nredis.register_function(\"f6\", function() "
             "return \"l6\" end)\n\000z\327PCD\346\210\366"),
            "FLUSH",
        };
        static const size_t lens[] = { 8, 7, 84, 5 };
        static const char expected[] = "+OK\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 4, argv, lens);
    }
    rl_assert_cmd(emu,
                  "*1\r\n*8\r\n$12\r\nlibrary_name\r\n"
                  "$2\r\nl6\r\n$6\r\nengine\r\n"
                  "$3\r\nLUA\r\n$9\r\nfunctions\r\n"
                  "*1\r\n*6\r\n$4\r\nname\r\n"
                  "$2\r\nf6\r\n$11\r\ndescription\r\n"
                  "$-1\r\n$5\r\nflags\r\n*0\r\n"
                  "$12\r\nlibrary_code\r\n$71\r\n"
                  "#!lua name=l6\nredis.register_function(\"f6\", function() return"
                  " \"l6\" end)\r\n",
                  "FUNCTION", "LIST", "WITHCODE");
    {
        static const char *const argv[] = { "FUNCTION", "RESTORE", "\013\0004D\3413\362\340KS" };
        static const size_t lens[] = { 8, 7, 10 };
        static const char expected[] = "-ERR DUMP payload version or checksum are wrong\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = { "FUNCTION", "RESTORE", "\t\000\215i\r\214[\371\301k" };
        static const size_t lens[] = { 8, 7, 10 };
        static const char expected[] = "+OK\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            "\n\000\000\000\000\000\000\000\000\000",
        };
        static const size_t lens[] = { 8, 7, 10 };
        static const char expected[] = "-ERR DUMP payload version or checksum are wrong\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 3, argv, lens);
    }
    rl_assert_cmd(emu, "-ERR DUMP payload version or checksum are wrong\r\n", "FUNCTION", "RESTORE",
                  "xxxxxxxxx");
    rl_assert_cmd(emu,
                  "-ERR unknown subcommand or wrong number of arguments for 'RESTOR"
                  "E'. Try FUNCTION HELP.\r\n",
                  "FUNCTION", "RESTORE", "x", "y", "z");
    rl_assert_cmd(emu,
                  "-ERR Wrong restore policy given, value should be either FLUSH, A"
                  "PPEND or REPLACE.\r\n",
                  "FUNCTION", "RESTORE", "x", "y");
    {
        static const char *const argv[] = {
            "FUNCTION",
            "RESTORE",
            "\n\000]\233\\@\017\177\242\332",
            "FLUSH",
        };
        static const size_t lens[] = { 8, 7, 10, 5 };
        static const char expected[] = "+OK\r\n";
        assert_call(emu, 2, expected, sizeof(expected) - 1, 4, argv, lens);
    }
    rl_assert_cmd(emu, "*0\r\n", "FUNCTION", "LIST");
    rl_test_free_emu(emu);
}

/* A library whose code runs over 500 ms fails with Redis's load timeout. */
static void function_load_should_stop_at_500_ms(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n",
                  "FUNCTION", "LOAD", "#!lua name=t\nlocal i = 0 while true do i = i + 1 end");
    rl_assert_cmd(emu, "*0\r\n", "FUNCTION", "LIST");
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(functions_should_share_math_random_with_eval),
        cmocka_unit_test(function_load_should_parse_the_metadata_line),
        cmocka_unit_test(function_load_should_report_compile_and_load_errors),
        cmocka_unit_test(register_function_should_check_its_arguments),
        cmocka_unit_test(fcall_should_run_functions_as_redis_does),
        cmocka_unit_test(fcall_should_check_arguments_and_flags_in_redis_order),
        cmocka_unit_test(function_subcommands_should_answer_as_redis),
        cmocka_unit_test(function_list_and_stats_should_have_resp3_shapes),
        cmocka_unit_test(function_flush_should_keep_the_functions_vm),
        cmocka_unit_test(function_dump_and_restore_should_use_redis_payload),
        cmocka_unit_test(function_load_should_stop_at_500_ms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
