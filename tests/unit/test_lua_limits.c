/* Limits: the script time limit on both engines (loops LuaJIT would compile
 * included), the Lua memory limit, maxmemory with Redis's OOM gates, deep
 * recursion and nesting, SCRIPT KILL, and the shebang flags (scripts.c,
 * lua_env.c, lua_redis.c, server.c, engine_*.c). Built and run once per Lua
 * engine. Replies marked "redis-server" were read from redis-server 7.0.15
 * (Debian 7.0.15-1~deb12u10) running the same commands in order (maxmemory
 * set with CONFIG SET maxmemory 1); the others check redlua's own limits. */
#include "test_common.h"

#include <stdio.h>
#include <time.h>

#include "errors.h"
#include "server.h"

static void free_emu(rl_emu *emu)
{
    rl_emu_free(emu);
    assert_int_equal(rl_mem_used(), 0);
}

static int on_luajit(void)
{
    return strcmp(rl_emu_engine(), "luajit") == 0;
}

static double elapsed_s(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Runs script under the emulator's time limit and asserts it was stopped by
 * it, on time. */
static void assert_stopped(rl_emu *emu, const char *script, const char *limit_text)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rl_reply *r = rl_emu_callv(emu, "EVAL", script, "0", (const char *)NULL);
    double took = elapsed_s(&t0);
    if (r->type != RL_REPLY_ERROR || strstr(r->str, limit_text) == NULL) {
        print_error("script %s answered %s\n", script, r->str ? r->str : "(no text)");
        rl_reply_free(r);
        fail();
    }
    assert_non_null(strstr(r->str, ", on @user_script:"));
    rl_reply_free(r);
    assert_true(took >= 0.2 && took < 3.0);
}

/* --- Time limit ------------------------------------------------------------ */

/* Loops that LuaJIT would compile to machine code without an exit, where no
 * debug hook fires, all end at the limit on both engines. */
static void loops_should_stop_at_the_time_limit(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_script_timeout_ms(emu, 200);
    static const char *const loops[] = {
        "while true do end",
        "while true do local x = 1 end",
        "for i = 1, 1e18 do end",
        "local n = 0 for i = 1, 1e18 do n = n + i end return n",
        "repeat until false",
        "local co = coroutine.wrap(function() while true do end end) co()",
        "local co = coroutine.create(function() for i = 1, 1e18 do end end)\n"
        "return coroutine.resume(co)",
        "local function f() while true do end end\nreturn f()",
    };
    const char *text = "ERR Script killed by redlua: it exceeded the time limit of 200 ms script: ";
    for (size_t i = 0; i < sizeof(loops) / sizeof(loops[0]); i++)
        assert_stopped(emu, loops[i], text);
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return 1", "0");
    free_emu(emu);
}

/* A run without a time limit may use LuaJIT's compiler; what it compiled is
 * dropped at its end, so the same loop run later under a limit still stops. */
static void compiled_code_should_not_outlive_an_unlimited_run(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    const char *loop = "local n = 0 for i = 1, tonumber(ARGV[1]) do n = n + 1 end return n";
    rl_emu_set_script_timeout_ms(emu, 0);
    rl_assert_cmd(emu, ":2000000\r\n", "EVAL", loop, "0", "2000000");
    rl_assert_cmd(emu, ":3\r\n", "EVAL",
                  "local function f(n) if n == 0 then return 0 end "
                  "return 1 + f(n - 1) end return f(3)",
                  "0");
    rl_emu_set_script_timeout_ms(emu, 200);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rl_reply *r = rl_emu_callv(emu, "EVAL", loop, "0", "1e18", (const char *)NULL);
    assert_int_equal(r->type, RL_REPLY_ERROR);
    assert_non_null(strstr(r->str, "exceeded the time limit of 200 ms"));
    rl_reply_free(r);
    assert_true(elapsed_s(&t0) < 3.0);
    free_emu(emu);
}

/* SCRIPT KILL and FUNCTION KILL can only ever find nothing running: a
 * script runs to its end inside the EVAL that started it. redis-server
 * answers the same when idle. */
static void kill_should_find_nothing_running(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-NOTBUSY No scripts in execution right now.\r\n", "SCRIPT", "KILL");
    rl_assert_cmd(emu, "-NOTBUSY No scripts in execution right now.\r\n", "FUNCTION", "KILL");
    rl_assert_cmd(emu,
                  "-ERR This Redis command is not allowed from script script: 824cb2cb3ae60949"
                  "443e586cf69a5e06fbc45b48, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('SCRIPT','KILL')", "0");
    free_emu(emu);
}

/* --- Lua memory limit ------------------------------------------------------ */

static void assert_out_of_memory(rl_emu *emu, const char *script)
{
    rl_reply *r = rl_emu_callv(emu, "EVAL", script, "0", (const char *)NULL);
    const char *prefix = "ERR Error running script ";
    const char *suffix = ", not enough memory";
    if (r->type != RL_REPLY_ERROR || strncmp(r->str, prefix, strlen(prefix)) != 0 ||
        r->len != strlen(prefix) + 40 + strlen(suffix) ||
        strcmp(r->str + strlen(prefix) + 40, suffix) != 0) {
        print_error("script %s answered %s\n", script, r->str ? r->str : "(no text)");
        rl_reply_free(r);
        fail();
    }
    rl_reply_free(r);
    char note[160];
    snprintf(note, sizeof(note), RL_ERRF_LUA_MEMORY_LIMIT_NOTE, (long long)(16 << 20));
    assert_string_equal(rl_emu_last_traceback(emu), note);
}

/* A script growing the Lua heap past the limit fails with the reply Redis
 * gives a failed Lua allocation; the heap is collected afterwards and the
 * emulator carries on. */
static void lua_heap_should_stop_at_the_memory_limit(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    assert_int_equal(emu->lua_memory_limit, RL_DEFAULT_LUA_MEMORY_LIMIT);
    rl_emu_set_lua_memory_limit(emu, 16 << 20);
    rl_emu_set_script_timeout_ms(emu, 0);
    assert_out_of_memory(emu, "local t = {} for i = 1, 1e9 do t[i] = i end return #t");
    assert_out_of_memory(emu, "local t = {} for i = 1, 1e9 do t['k' .. i] = i end");
    assert_out_of_memory(emu, "return #string.rep('x', 100000000)");
    assert_out_of_memory(emu, "local s = 'x' for i = 1, 40 do s = s .. s end return #s");
    assert_out_of_memory(emu, "local t = {} local c = t for i = 1, 1e9 do c[1] = {} c = c[1] end");
    assert_true(emu->lua_heap_bytes < (8u << 20));
    /* pcall catches it, as Lua's pcall catches any memory error. */
    rl_assert_cmd(emu, "$23\r\nfalse not enough memory\r\n", "EVAL",
                  "local ok, e = pcall(function() local t = {} for i = 1, 1e9 do t[i] = i end end)"
                  " return tostring(ok) .. ' ' .. e",
                  "0");
    rl_assert_cmd(emu, ":1000000\r\n", "EVAL", "return #string.rep('x', 1000000)", "0");
    /* The same on the functions VM. */
    rl_assert_cmd(emu, "$3\r\nmem\r\n", "FUNCTION", "LOAD",
                  "#!lua name=mem\nredis.register_function('grow', function() local t = {} "
                  "for i = 1, 1e9 do t[i] = i end end)");
    rl_reply *r = rl_emu_callv(emu, "FCALL", "grow", "0", (const char *)NULL);
    assert_int_equal(r->type, RL_REPLY_ERROR);
    assert_string_equal(r->str, "ERR Error running script grow, not enough memory");
    rl_reply_free(r);
    /* 0 lifts the limit. */
    rl_emu_set_lua_memory_limit(emu, 0);
    rl_assert_cmd(emu, ":20000000\r\n", "EVAL", "return #string.rep('x', 20000000)", "0");
    free_emu(emu);
}

/* redis.call converts a command's reply even past the limit (so the reply
 * tree is never leaked by a memory error); the script's next allocation then
 * fails. free_emu checks that nothing leaked. */
static void reply_conversion_should_not_leak_at_the_limit(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    /* Filling the list takes seconds under valgrind on a busy machine: the
     * test is about the memory limit, so no time limit may end it first. */
    rl_emu_set_script_timeout_ms(emu, 0);
    rl_assert_cmd(emu, ":1\r\n", "EVAL",
                  "for i = 1, 100000 do redis.call('RPUSH', 'l', string.rep('v', 50) .. i) end "
                  "return 1",
                  "0");
    rl_emu_set_lua_memory_limit(emu, 4 << 20);
    for (int i = 0; i < 3; i++) {
        rl_reply *r = rl_emu_callv(emu, "EVAL",
                                   "local keep = {} for i = 1, 100 do "
                                   "keep[i] = redis.call('LRANGE', 'l', 0, -1) end return #keep",
                                   "0", (const char *)NULL);
        assert_int_equal(r->type, RL_REPLY_ERROR);
        assert_non_null(strstr(r->str, "not enough memory"));
        rl_reply_free(r);
    }
    rl_assert_cmd(emu, ":100000\r\n", "EVAL", "return #redis.call('LRANGE', 'l', 0, -1)", "0");
    free_emu(emu);
}

/* --- maxmemory ------------------------------------------------------------- */

/* processCommand's gate and scriptVerifyOOM, as redis-server answers them
 * with maxmemory 1 (used memory is always over it). */
/* A script may stop the collector (collectgarbage("stop") is allowed, as
 * in Redis). Redis's GC step every 50 scripts restarts it; redlua's policy
 * (scripts.c, maybe_gc_step) must too, so that scripts which stop it and
 * leave garbage keep a bounded heap. Each run here leaves about 15 KB:
 * 5,000 runs without a collection would hold 75 MB. redis-server 7.0.15
 * keeps used_memory_lua under 200 KB between such scripts. */
static void stopped_collector_should_not_grow_the_heap(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    const char *script = "collectgarbage('stop') local t = {} "
                         "for i = 1, 100 do t[i] = string.rep('x', 100) .. i .. ARGV[1] end "
                         "return #t";
    size_t peak = 0;
    for (int i = 0; i < 5000; i++) {
        char arg[16];
        snprintf(arg, sizeof(arg), "%d", i);
        rl_assert_resp(rl_emu_callv(emu, "EVAL", script, "0", arg, (const char *)NULL), ":100\r\n");
        if (emu->lua_heap_bytes > peak) peak = emu->lua_heap_bytes;
    }
    assert_true(peak < 4 * 1024 * 1024);
    free_emu(emu);
}

static void maxmemory_should_refuse_deny_oom_commands(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "SET", "k", "v");
    rl_assert_cmd(emu, "$40\r\n318a87d366dd62abfed3ebfff9f8259753098b39\r\n", "SCRIPT", "LOAD",
                  "#!lua\nreturn redis.call('SET','c','3')");
    rl_assert_cmd(
        emu, "$3\r\nlim\r\n", "FUNCTION", "LOAD",
        "#!lua name=lim\n"
        "redis.register_function('w', function(k) return redis.call('SET', k[1], '1') end)\n"
        "redis.register_function{function_name='oomok', callback=function(k) return "
        "redis.call('SET', k[1], '2') end, flags={'allow-oom'}}\n"
        "redis.register_function{function_name='ro', callback=function(k) return "
        "redis.call('GET', k[1]) end, flags={'no-writes'}}");
    rl_emu_set_maxmemory(emu, 1);
    const char *oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
    rl_assert_resp_len(rl_emu_callv(emu, "SET", "k", "v", (const char *)NULL), oom, strlen(oom));
    rl_assert_resp_len(rl_emu_callv(emu, "SETEX", "k", "10", "v", (const char *)NULL), oom,
                       strlen(oom));
    rl_assert_resp_len(rl_emu_callv(emu, "INCR", "n", (const char *)NULL), oom, strlen(oom));
    rl_assert_resp_len(rl_emu_callv(emu, "APPEND", "a", "b", (const char *)NULL), oom, strlen(oom));
    rl_assert_cmd(emu, "$1\r\nv\r\n", "GET", "k");
    rl_assert_cmd(emu, ":1\r\n", "EXPIRE", "k", "10");
    /* Scripts without a shebang run; their first deny-oom call fails. */
    rl_assert_cmd(emu,
                  "-OOM command not allowed when used memory > 'maxmemory'. script: 756928dd124"
                  "6249109cfe8475bfa267e967ea948, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('SET','k','v')", "0");
    rl_assert_resp_len(
        rl_emu_callv(emu, "EVAL", "return redis.pcall('INCR','k')", "0", (const char *)NULL), oom,
        strlen(oom));
    rl_assert_resp_len(rl_emu_callv(emu, "EVAL",
                                    "redis.pcall('SET','x','1') return redis.pcall('SET','y','1')",
                                    "0", (const char *)NULL),
                       oom, strlen(oom));
    rl_assert_cmd(emu,
                  "-OOM command not allowed when used memory > 'maxmemory'. script: d0af076b1f7"
                  "b3afad37247f9ea8cdd0364661ec0, on @user_script:1.\r\n",
                  "EVAL", "redis.call('SADD','st','1') return redis.call('SET','y','1')", "0");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.call('GET','x')", "0");
    /* After a first write (DEL is not deny-oom) nothing is checked any more. */
    rl_assert_cmd(emu, "+OK\r\n", "EVAL", "redis.call('DEL','x') return redis.call('SET','k','v')",
                  "0");
    /* Shebang scripts are refused up front unless allow-oom or no-writes. */
    rl_assert_resp_len(rl_emu_callv(emu, "EVAL", "#!lua\nreturn 1", "0", (const char *)NULL), oom,
                       strlen(oom));
    rl_assert_resp_len(rl_emu_callv(emu, "EVAL", "#!lua\nreturn 1", "x", (const char *)NULL), oom,
                       strlen(oom));
    rl_assert_resp_len(rl_emu_callv(emu, "EVAL_RO", "#!lua\nreturn 1", "0", (const char *)NULL),
                       oom, strlen(oom));
    rl_assert_resp_len(rl_emu_callv(emu, "EVALSHA", "318a87d366dd62abfed3ebfff9f8259753098b39", "0",
                                    (const char *)NULL),
                       oom, strlen(oom));
    rl_assert_cmd(emu, "-ERR Unexpected flag in script shebang: bad\r\n", "EVAL",
                  "#!lua flags=bad\nreturn 1", "0");
    rl_assert_cmd(emu, "+OK\r\n", "EVAL", "#!lua flags=allow-oom\nreturn redis.call('SET','k','v')",
                  "0");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "EVAL", "#!lua flags=no-writes\nreturn redis.call('GET','k')",
                  "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "#!lua flags=allow-oom,no-writes\nreturn 1", "0");
    rl_assert_cmd(emu, "-NOSCRIPT No matching script. Please use EVAL.\r\n", "EVALSHA",
                  "0000000000000000000000000000000000000000", "0");
    rl_assert_cmd(emu, "$40\r\ne0e1f9fabfc9d4800c877a703b823ac0578ff8db\r\n", "SCRIPT", "LOAD",
                  "return 1");
    /* Functions follow their flags; FUNCTION LOAD is deny-oom. */
    rl_assert_resp_len(rl_emu_callv(emu, "FCALL", "w", "1", "f1", (const char *)NULL), oom,
                       strlen(oom));
    rl_assert_resp_len(rl_emu_callv(emu, "FCALL", "w", "x", (const char *)NULL), oom, strlen(oom));
    rl_assert_resp_len(rl_emu_callv(emu, "FCALL_RO", "w", "1", "f2", (const char *)NULL), oom,
                       strlen(oom));
    rl_assert_cmd(emu, "+OK\r\n", "FCALL", "oomok", "1", "f2");
    rl_assert_cmd(emu, "$1\r\n2\r\n", "FCALL", "ro", "1", "f2");
    rl_assert_cmd(emu, "$1\r\n2\r\n", "FCALL_RO", "ro", "1", "f2");
    rl_assert_cmd(emu, "-ERR Function not found\r\n", "FCALL", "nosuch", "0");
    rl_assert_resp_len(rl_emu_callv(emu, "FUNCTION", "LOAD",
                                    "#!lua name=x\nredis.register_function('f', function() "
                                    "return 1 end)",
                                    (const char *)NULL),
                       oom, strlen(oom));
    /* 0 lifts it. */
    rl_emu_set_maxmemory(emu, 0);
    rl_assert_cmd(emu, "+OK\r\n", "SET", "k", "v");
    rl_assert_cmd(emu, "+OK\r\n", "EVAL", "#!lua\nreturn redis.call('SET','k','v')", "0");
    free_emu(emu);
}

/* Used memory counts the keyspace but not the Lua heaps, as Redis's
 * used_memory leaves out used_memory_lua; a limit above it lets commands
 * through until the keyspace grows past it. */
static void maxmemory_should_follow_the_keyspace(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "local t = {} for i = 1, 100000 do t[i] = i end return 1",
                  "0");
    size_t before = rl_emu_used_memory(emu);
    assert_true(before + emu->lua_heap_held == rl_mem_used());
    assert_true(emu->lua_heap_held >= emu->lua_heap_bytes);
    rl_emu_set_maxmemory(emu, (int64_t)before + (1 << 20));
    rl_assert_cmd(emu, "+OK\r\n", "SET", "a", "1");
    rl_assert_cmd(emu, "+OK\r\n", "EVAL",
                  "return redis.call('SET', 'big', string.rep('x', 2000000))", "0");
    rl_assert_cmd(emu, "-OOM command not allowed when used memory > 'maxmemory'.\r\n", "SET", "b",
                  "1");
    rl_assert_cmd(emu, ":1\r\n", "DEL", "big");
    rl_assert_cmd(emu, "+OK\r\n", "SET", "b", "1");
    free_emu(emu);
}

/* --- Deep recursion and nesting -------------------------------------------- */

/* redis-server's replies; LuaJIT reports recursive metamethods as a plain
 * stack overflow (docs/lua.md). */
static void deep_recursion_should_end_in_an_error(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu,
                  "-ERR user_script:1: stack overflow script: 6ab18391d60e7e7bcbf4a881fd9b0c865"
                  "dade0c6, on @user_script:1.\r\n",
                  "EVAL", "local function f() return f() + 1 end return f()", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: stack overflow script: ef5b65872cb582371ecea142590f46b7a"
                  "fc00f55, on @user_script:1.\r\n",
                  "EVAL", "local function f() f() end f()", "0");
    if (on_luajit())
        rl_assert_cmd(
            emu,
            "-ERR user_script:1: stack overflow script: 553c80442cbb6251a0a0c826c4c384"
            "a0eb1bc25a, on @user_script:1.\r\n",
            "EVAL",
            "local t = setmetatable({}, {__index=function(t,k) return t[k] end}) return t.x", "0");
    else
        rl_assert_cmd(
            emu,
            "-ERR user_script:1: C stack overflow script: 553c80442cbb6251a0a0c826c4c3"
            "84a0eb1bc25a, on @user_script:1.\r\n",
            "EVAL",
            "local t = setmetatable({}, {__index=function(t,k) return t[k] end}) return t.x", "0");
    rl_assert_cmd(emu, ":7999\r\n", "EVAL",
                  "local t = {} for i=1,7999 do t[i]=i end return select('#', unpack(t))", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: too many results to unpack script: 03c453adca32e7c0d94e6"
                  "b72177979ab9b229fb9, on @user_script:1.\r\n",
                  "EVAL", "return unpack({},1,8000)", "0");
    rl_assert_cmd(emu,
                  "-ERR user_script:1: too many results to unpack script: 9f9851677101b29a9435a"
                  "5c773e3f7f0ca3d7e77, on @user_script:1.\r\n",
                  "EVAL", "return unpack({},1,1e8)", "0");
    rl_assert_cmd(emu, "$0\r\n\r\n", "EVAL", "return string.rep('x', -1)", "0");
    rl_assert_cmd(emu, ":1\r\n", "EVAL",
                  "local t = {} local c = t for i=1,100 do c[1] = {} c = c[1] end return #t", "0");
    /* Without a time limit (and on LuaJIT, with its compiler on) too. */
    rl_emu_set_script_timeout_ms(emu, 0);
    rl_reply *r = rl_emu_callv(emu, "EVAL", "local function f() return f() + 1 end return f()", "0",
                               (const char *)NULL);
    assert_int_equal(r->type, RL_REPLY_ERROR);
    assert_non_null(strstr(r->str, "stack overflow"));
    rl_reply_free(r);
    free_emu(emu);
}

/* A reply nested 10000 deep: redis-server sends 7995 levels of "*1" and then
 * the error in place of the rest (32010 bytes). */
static void deep_reply_should_be_cut_with_an_error(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_reply *r = rl_emu_callv(emu, "EVAL",
                               "local t = {} local c = t for i=1,10000 do c[1] = {} c = c[1] end "
                               "return t",
                               "0", (const char *)NULL);
    size_t len;
    char *resp = rl_reply_to_resp(r, 2, &len);
    assert_int_equal(len, 32010);
    for (size_t i = 0; i < 7995; i++) assert_memory_equal(resp + 4 * i, "*1\r\n", 4);
    assert_string_equal(resp + 4 * 7995, "-ERR reached lua stack limit\r\n");
    rl_free(resp);
    rl_reply_free(r);
    free_emu(emu);
}

/* --- Lines of tail calls ---------------------------------------------------- */

/* The line of a failing command called in tail position, as redis-server
 * reports it; on LuaJIT these take the static line (one tail call) and the
 * line hook (several lines, nested functions). */
static void tail_called_commands_should_report_their_line(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    for (int timed = 1; timed >= 0; timed--) {
        rl_emu_set_script_timeout_ms(emu, timed ? 5000 : 0);
        rl_assert_cmd(emu, "+OK\r\n", "SET", "s", "x");
        rl_assert_cmd(emu,
                      "-ERR value is not an integer or out of range script: 00b5ca450718d41fda86f"
                      "e9bb13221f21db512aa, on @user_script:2.\r\n",
                      "EVAL", "local x = 1\nreturn redis.call('INCR', KEYS[1])", "1", "s");
        rl_assert_cmd(emu,
                      "-WRONGTYPE Operation against a key holding the wrong kind of value script: "
                      "26f5a0c577aaf9d9a2e0867be3b3457251a0b544, on @user_script:4.\r\n",
                      "EVAL",
                      "if ARGV[1] == 'a' then\n  return redis.call('INCR', KEYS[1])\nelse\n"
                      "  return redis.call('HGET', KEYS[1], 'f')\nend",
                      "1", "s", "b");
        rl_assert_cmd(emu,
                      "-ERR value is not an integer or out of range script: d602edf5c37d64e0d89c8"
                      "30cd8024a9329e7c6d8, on @user_script:2.\r\n",
                      "EVAL",
                      "local function g()\n  return redis.call('INCR', KEYS[1])\nend\nreturn g()",
                      "1", "s");
        /* LuaJIT gives a call spanning lines the line of its last argument. */
        if (on_luajit())
            rl_assert_cmd(emu,
                          "-ERR value is not an integer or out of range script: a4bc599808074a8d"
                          "3343fadf34fd5991653c8975, on @user_script:2.\r\n",
                          "EVAL", "return redis.call('INCR',\n  KEYS[1])", "1", "s");
        else
            rl_assert_cmd(emu,
                          "-ERR value is not an integer or out of range script: a4bc599808074a8d"
                          "3343fadf34fd5991653c8975, on @user_script:1.\r\n",
                          "EVAL", "return redis.call('INCR',\n  KEYS[1])", "1", "s");
    }
    free_emu(emu);
}

/* --- Shebang flags ----------------------------------------------------------- */

/* allow-stale, no-cluster and allow-cross-slot-keys change nothing on a
 * standalone primary; no-writes makes a read-only run (redis-server's
 * replies). */
static void shebang_flags_should_act_as_on_a_standalone_server(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "EVAL",
                  "#!lua flags=allow-stale,no-cluster,allow-cross-slot-keys\n"
                  "return redis.call('SET', KEYS[1], ARGV[1])",
                  "1", "k1", "v");
    rl_assert_cmd(emu, "-ERR Can not execute a script with write flag using *_ro command.\r\n",
                  "EVAL_RO", "#!lua flags=allow-stale\nreturn 1", "0");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "EVAL_RO",
                  "#!lua flags=no-writes,allow-stale\nreturn redis.call('GET','k1')", "0");
    rl_assert_cmd(emu, "*2\r\n+OK\r\n+OK\r\n", "EVAL",
                  "#!lua flags=allow-cross-slot-keys\n"
                  "return {redis.call('SET','a','1'), redis.call('SET','b','2')}",
                  "0");
    rl_assert_cmd(emu, "$40\r\n318a87d366dd62abfed3ebfff9f8259753098b39\r\n", "SCRIPT", "LOAD",
                  "#!lua\nreturn redis.call('SET','c','3')");
    rl_assert_cmd(emu, "-ERR Can not execute a script with write flag using *_ro command.\r\n",
                  "EVALSHA_RO", "318a87d366dd62abfed3ebfff9f8259753098b39", "0");
    rl_assert_cmd(
        emu, ":1\r\n", "EVAL",
        "redis.call('SELECT','3') redis.call('SET','db3','x') return redis.call('DBSIZE')", "0");
    rl_assert_cmd(emu, ":3\r\n", "DBSIZE");
    free_emu(emu);
}

/* The virtual clock does not move while a script runs: TIME answers the same
 * inside one script (on redis-server it moves, by microseconds), and keys
 * expire on the clock as it was at the start. */
static void clock_should_stand_still_during_a_script(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*2\r\n:1\r\n:1\r\n", "EVAL",
                  "local t1 = redis.call('TIME') for i = 1, 100000 do end "
                  "local t2 = redis.call('TIME') return {t1[1] == t2[1], t1[2] == t2[2]}",
                  "0");
    rl_assert_cmd(emu, "+OK\r\n", "SET", "k", "v", "PX", "1");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "EVAL", "return redis.call('GET', 'k')", "0");
    rl_emu_advance_ms(emu, 1);
    rl_assert_cmd(emu, "$1\r\nv\r\n", "EVAL", "return redis.call('GET', 'k')", "0");
    rl_emu_advance_ms(emu, 1);
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.call('GET', 'k')", "0");
    free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loops_should_stop_at_the_time_limit),
        cmocka_unit_test(compiled_code_should_not_outlive_an_unlimited_run),
        cmocka_unit_test(kill_should_find_nothing_running),
        cmocka_unit_test(lua_heap_should_stop_at_the_memory_limit),
        cmocka_unit_test(reply_conversion_should_not_leak_at_the_limit),
        cmocka_unit_test(stopped_collector_should_not_grow_the_heap),
        cmocka_unit_test(maxmemory_should_refuse_deny_oom_commands),
        cmocka_unit_test(maxmemory_should_follow_the_keyspace),
        cmocka_unit_test(deep_recursion_should_end_in_an_error),
        cmocka_unit_test(deep_reply_should_be_cut_with_an_error),
        cmocka_unit_test(tail_called_commands_should_report_their_line),
        cmocka_unit_test(shebang_flags_should_act_as_on_a_standalone_server),
        cmocka_unit_test(clock_should_stand_still_during_a_script),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
