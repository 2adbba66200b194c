/* The time limit over compiled code: on LuaJIT a timed run uses the trace
 * compiler (engine_luajit.c), and every kind of runaway loop must still be
 * stopped by the time limit, whatever machine code it became. Built for
 * both engines: PUC Lua must stop the same loops, and compiles nothing. */
/* usleep, kill. */
#define _DEFAULT_SOURCE
#include "test_common.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "lua_engine.h"
#include "reply.h"
#include "server.h"

static int is_luajit(void)
{
    return strcmp(rl_emu_engine(), "luajit") == 0;
}

/* 1 when script, run on emu, was stopped by its 100 ms time limit. */
static int stopped(rl_emu *emu, const char *script)
{
    rl_reply *r = rl_emu_callv(emu, "EVAL", script, "0", (const char *)NULL);
    int ok = r->type == RL_REPLY_ERROR && strstr(r->str, "exceeded the time limit of 100 ms");
    rl_reply_free(r);
    return ok;
}

static void assert_stopped(rl_emu *emu, const char *script)
{
    if (!stopped(emu, script)) fail_msg("not stopped by the time limit: %s", script);
}

/* A loop hot enough for LuaJIT to compile (a loop is hot after 56 turns),
 * short enough for PUC Lua under valgrind within a 100 ms limit. */
static const char hot_loop[] = "local s = 0 for i = 1, 10000 do s = s + i end return s";
#define HOT_LOOP_REPLY ":50005000\r\n"

/* Loops that never end, of every shape a trace can take: one line or
 * several, numeric for, repeat, nested loops, a side trace per branch, a
 * Lua call inlined, tail recursion, loops that allocate or build strings,
 * a loop around pcall, loops in coroutines (resumed once and forever). */
static const char *const runaway[] = {
    "while true do end",
    "local i = 0 while true do i = i + 1 end",
    "for i = 1, 1e18 do end",
    "local x = 0 repeat x = x + 1 until x < 0",
    "local a = 0 while true do for j = 1, 100 do a = a + j end end",
    "local i = 0 while true do i = i + 1 if i % 3 == 0 then i = i + 0 elseif i % 5 == 0 then "
    "i = i - 0 end end",
    "local function g(x)\n return x + 1\nend\nlocal i = 0\nwhile true do\n i = g(i)\nend",
    "local function f(n) return f(n + 1) end return f(1)",
    "local t = {} while true do t[#t % 100 + 1] = {} end",
    "local s = '' while true do s = string.sub(s .. 'x', 1, 10) end",
    "local i = 0 while true do pcall(function() i = i + 1 end) end",
    "local co = coroutine.wrap(function() while true do end end) co()",
    "local co = coroutine.wrap(function() local i = 0 while true do i = i + 1 "
    "coroutine.yield(i) end end) while true do co() end",
};

static void runaway_loops_should_stop_at_the_time_limit(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_script_timeout_ms(emu, 100);
    for (size_t i = 0; i < sizeof(runaway) / sizeof(runaway[0]); i++) {
        assert_stopped(emu, runaway[i]);
    }
    /* The state is still sound after all those stops. */
    rl_assert_cmd(emu, ":5050\r\n", "EVAL", "local s = 0 for i = 1, 100 do s = s + i end return s",
                  "0");
    rl_test_free_emu(emu);
}

/* A hot loop is compiled under the default time limit on LuaJIT (that is
 * what makes it the fast engine), and the compiled code still gives the
 * right answer; PUC Lua compiles nothing. */
static void hot_code_should_be_compiled_under_the_time_limit(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, HOT_LOOP_REPLY, "EVAL", hot_loop, "0");
    if (is_luajit()) assert_true(rl_scripting_traces(emu) > 0);
    else assert_int_equal(rl_scripting_traces(emu), 0);
    /* The next run keeps the machine code, and still stops in time. */
    rl_emu_set_script_timeout_ms(emu, 100);
    assert_stopped(emu, "while true do end");
    rl_test_free_emu(emu);
}

/* rl_emu_reset puts the Lua state back from a copy of its heap taken when
 * it was new (lua_env.c rl_lua_env_restore), the profiler running: after
 * each of many resets, hot code compiles again, the machine code dropped
 * at the reset gives no wrong answer, and runaway loops, compiled, are
 * still stopped in time. */
static void resets_should_keep_the_time_limit_over_compiled_code(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    for (int round = 0; round < 4; round++) {
        rl_emu_set_script_timeout_ms(emu, 100);
        rl_assert_cmd(emu, HOT_LOOP_REPLY, "EVAL", hot_loop, "0");
        if (is_luajit()) assert_true(rl_scripting_traces(emu) > 0);
        assert_stopped(emu, runaway[round % 3]);
        assert_stopped(emu, runaway[3 + round]);
        rl_emu_reset(emu);
        assert_int_equal(rl_scripting_traces(emu), 0);
    }
    rl_test_free_emu(emu);
}

/* A script that makes no Lua function of its own runs without LuaJIT's
 * call hook (engine_luajit.c: nothing in it can recurse without end), and a
 * hook call would abort the recording of every trace through a call: its
 * loops of C calls compile. One with a nested function keeps the hook. */
/* The traces a fresh emulator holds after script (20,000 INCRs of n, then
 * n's value: 20000). */
static int traces_after(const char *script)
{
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":20000\r\n", "EVAL", script, "1", "n");
    int traces = rl_scripting_traces(emu);
    rl_test_free_emu(emu);
    return traces;
}

/* A script without a loop is a vararg main chunk, where LuaJIT starts no
 * trace: run through its entry (rl_engine_enter) it compiles once hot, and
 * errors still name the script's own line. */
static void loopless_scripts_should_compile_through_their_entry(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    const char *get_set = "local old = redis.call('GET', KEYS[1]) "
                          "redis.call('SET', KEYS[1], ARGV[1]) return old";
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", get_set, "1", "k", "v0");
    for (int i = 1; i < 300; i++) {
        char want[64], v[16], prev[16];
        snprintf(prev, sizeof(prev), "v%d", i - 1);
        snprintf(want, sizeof(want), "$%zu\r\n%s\r\n", strlen(prev), prev);
        snprintf(v, sizeof(v), "v%d", i);
        rl_assert_resp_len(rl_emu_callv(emu, "EVAL", get_set, "1", "k", v, (const char *)NULL),
                           want, strlen(want));
    }
    int traces = rl_scripting_traces(emu);
    if (is_luajit()) assert_true(traces > 0);
    else assert_int_equal(traces, 0);
    /* A hot script's error: its own line, as on the first run. */
    const char *fails = "local v = redis.call('GET', KEYS[1])\n"
                        "return redis.call('INCR', KEYS[1])";
    for (int i = 0; i < 300; i++) {
        rl_reply *r = rl_emu_callv(emu, "EVAL", fails, "1", "k", (const char *)NULL);
        assert_int_equal(r->type, RL_REPLY_ERROR);
        assert_non_null(strstr(r->str, "ERR value is not an integer or out of range script: "));
        assert_non_null(strstr(r->str, ", on @user_script:2."));
        rl_reply_free(r);
    }
    rl_test_free_emu(emu);
}

static int load_chunk(lua_State *L, const char *src, size_t len, const char *name)
{
    return luaL_loadbuffer(L, src, len, name);
}

/* What rl_engine_enter does with src's chunk, run a first time without
 * hooks, the compiler on: 1 when it marked the chunk for an entry (made on
 * its next run), 0 when it left it as it is. */
static int takes_entry(const char *key, const char *src)
{
    lua_State *L = luaL_newstate();
    rl_engine_prepare(L);
    int hint;
    assert_int_equal(rl_engine_load_script(L, key, src, strlen(src), "=t", load_chunk, &hint), 0);
    rl_engine_runs runs;
    memset(&runs, 0, sizeof(runs));
    int tail;
    assert_int_equal(rl_engine_run_begin(L, &runs, -1, 0, hint, &tail), 0);
    int ref = LUA_NOREF;
    rl_engine_enter(L, &runs, &ref);
    lua_close(L);
    return ref != LUA_NOREF;
}

/* A chunk that reads no global works on its constants alone: an entry's
 * extra call would cost it more than compiling saves, so it gets none
 * (LuaJIT; PUC Lua gives no chunk an entry). */
static void scripts_without_globals_should_skip_their_entry(void **state)
{
    (void)state;
    assert_int_equal(takes_entry("k1", "local a = 1 return a + 2"), 0);
    assert_int_equal(takes_entry("k2", "return 1"), 0);
    assert_int_equal(takes_entry("k3", "local a = tonumber('1') return a + 2"), is_luajit());
    assert_int_equal(takes_entry("k4", "return ARGV[1]"), is_luajit());
    assert_int_equal(takes_entry("k5", "local t = KEYS x = 1 return t"), is_luajit());
}

/* A script's first compile in a thread and its later ones give the state
 * the same strings in the same order (rl_engine_load_script keeps LuaJIT's
 * bytecode per thread): a table's pairs() order in a new emulator does not
 * depend on whether the thread had compiled the script before. A chunk
 * whose bytecode is too large to keep is compiled from its source, the
 * same way every time. */
static void scripts_should_walk_tables_alike_whatever_the_thread_compiled(void **state)
{
    (void)state;
    const char *walk = "local t, seen = {}, {} -- test_lua_jit: walk alike\n"
                       "for i = 1, 24 do t['key' .. i] = i end\n"
                       "for k in pairs(t) do seen[#seen + 1] = k end\n"
                       "return table.concat(seen, ',')";
    char first[512];
    size_t first_len = 0;
    for (int i = 0; i < 3; i++) {
        rl_emu *emu = rl_emu_new();
        rl_reply *r = rl_emu_callv(emu, "EVAL", walk, "0", (const char *)NULL);
        assert_int_equal(r->type, RL_REPLY_BULK);
        assert_true(r->len < sizeof(first));
        if (i == 0) {
            memcpy(first, r->str, r->len);
            first_len = r->len;
        } else {
            assert_int_equal(r->len, first_len);
            assert_memory_equal(r->str, first, r->len);
        }
        rl_reply_free(r);
        rl_test_free_emu(emu);
    }

    size_t big = 70 * 1024;
    char *src = malloc(big + 64);
    assert_non_null(src);
    int n = snprintf(src, 64, "local s = '");
    memset(src + n, 'x', big);
    snprintf(src + n + big, 64, "' return #s");
    rl_emu *emu = rl_emu_new();
    for (int i = 0; i < 2; i++) rl_assert_cmd(emu, ":71680\r\n", "EVAL", src, "0");
    rl_test_free_emu(emu);
    free(src);
}

static void *compile_in_thread(void *arg)
{
    rl_emu *emu = rl_emu_new();
    rl_reply *r = rl_emu_callv(emu, "EVAL", (const char *)arg, "0", (const char *)NULL);
    int ok = r->type == RL_REPLY_INTEGER && r->integer == 42;
    rl_reply_free(r);
    rl_emu_free(emu);
    return ok ? arg : NULL;
}

/* A thread keeps its own compiled scripts and frees them as it exits
 * (valgrind's leak check, in the valgrind build, sees any it left). */
static void threads_should_compile_scripts_of_their_own(void **state)
{
    (void)state;
    char script[] = "local answer = 6 * 7 -- test_lua_jit: threads\nreturn answer";
    for (int i = 0; i < 2; i++) {
        pthread_t t;
        void *res = NULL;
        assert_int_equal(pthread_create(&t, NULL, compile_in_thread, script), 0);
        assert_int_equal(pthread_join(t, &res), 0);
        assert_ptr_equal(res, script);
    }
    assert_ptr_equal(compile_in_thread(script), script);
    assert_int_equal(rl_mem_used(), 0);
}

/* Scripts that make tables compile through their entry too, and a table
 * made the same way walks its keys in the same order once the script is
 * compiled as while it was interpreted: the trace compiler does not resize
 * a constructor (see the next test). Both constructors: {} (TNEW) and a
 * template (TDUP); cjson.encode walks the table with lua_next. */
static void table_making_scripts_should_compile_and_keep_their_order(void **state)
{
    (void)state;
    static const char *const scripts[] = {
        "local t = {} t.alpha = ARGV[1] t.beta = 2 t.gamma = KEYS[1] t.delta = 4 t.eps = 5 "
        "t.zeta = 6 t.eta = 7 t.theta = 8 t.iota = 9 return cjson.encode(t)",
        "local t = {first = 1, second = 2} t.alpha = ARGV[1] t.beta = 2 t.gamma = KEYS[1] "
        "t.delta = 4 t.eps = 5 t.zeta = 6 t.eta = 7 return cjson.encode(t)",
        "return {tonumber(ARGV[1]), 2, KEYS[1]}",
    };
    for (size_t k = 0; k < sizeof(scripts) / sizeof(scripts[0]); k++) {
        rl_emu *emu = rl_emu_new();
        rl_reply *first =
            rl_emu_callv(emu, "EVAL", scripts[k], "1", "key", "7", (const char *)NULL);
        assert_int_not_equal(first->type, RL_REPLY_ERROR);
        size_t len = 0;
        char *want = rl_reply_to_resp(first, 2, &len);
        assert_non_null(want);
        rl_reply_free(first);
        for (int i = 0; i < 300; i++) {
            rl_assert_resp_len(
                rl_emu_callv(emu, "EVAL", scripts[k], "1", "key", "7", (const char *)NULL), want,
                len);
        }
        rl_free(want);
        if (is_luajit()) assert_true(rl_scripting_traces(emu) > 0);
        else assert_int_equal(rl_scripting_traces(emu), 0);
        rl_test_free_emu(emu);
    }
}

/* The premise of the test above, checked on the LuaJIT redlua is linked
 * with: built with LUAJIT_ENABLE_TABLE_BUMP, LuaJIT's recorder would patch
 * the size operand of a TNEW that a trace adds keys to (rec_idx_bump,
 * lj_record.c), and tables made after it would be made at another size,
 * which can change their pairs() order once a script compiles. Debian's
 * build leaves that option off: a function's bytecode is the same after a
 * hot loop compiled it. PUC Lua has no trace compiler. */
static void compiled_constructors_should_keep_their_bytecode(void **state)
{
    (void)state;
    if (!is_luajit()) return;
    static const char chunk[] =
        "local funcbc, traceinfo = require('jit.util').funcbc, require('jit.util').traceinfo\n"
        "local function make(x) local t = {} t.a = x t.b = x t.c = x t.d = x t.e = x return t end\n"
        "local function code(f)\n"
        "  local out, pc = {}, 0\n"
        "  while funcbc(f, pc) do out[#out + 1] = funcbc(f, pc) pc = pc + 1 end\n"
        "  return table.concat(out, ',')\n"
        "end\n"
        "local before, keep = code(make), {}\n"
        "for i = 1, 1000 do keep[i % 8] = make(i) end\n"
        "return traceinfo(1) ~= nil, before == code(make), keep[0].e\n";
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    luaL_openlibs(L);
    if (luaL_loadstring(L, chunk) != 0 || lua_pcall(L, 0, 3, 0) != 0)
        fail_msg("%s", lua_tostring(L, -1));
    assert_true(lua_toboolean(L, 1)); /* the loop compiled, make inlined */
    assert_true(lua_toboolean(L, 2)); /* and make's TNEW is as it was */
    assert_int_equal(lua_tointeger(L, 3), 1000);
    lua_close(L);
}

static void loops_of_calls_should_compile_without_nested_functions(void **state)
{
    (void)state;
    int plain = traces_after("for i = 1, 20000 do redis.call('INCR', KEYS[1]) end "
                             "return redis.call('GET', KEYS[1]) + 0");
    int nested = traces_after("local function get(k) return redis.call('GET', k) end "
                              "for i = 1, 20000 do redis.call('INCR', KEYS[1]) end "
                              "return get(KEYS[1]) + 0");
    if (is_luajit()) assert_true(plain > 0);
    else assert_int_equal(plain, 0);
    assert_int_equal(nested, 0);
}

/* A stopped run raises again at every instruction, so a pcall inside a
 * compiled loop cannot swallow the stop: once stopped, the compiler is off
 * (a count of 1 must see every instruction). */
static void stop_should_not_be_swallowed_by_a_compiled_pcall_loop(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_script_timeout_ms(emu, 100);
    assert_stopped(
        emu, "local n = 0 while true do pcall(function() while true do n = n + 1 end end) end");
    rl_test_free_emu(emu);
}

/* FUNCTION LOAD runs the library's code under its own limit (500 ms, as
 * Redis), with the compiler on when an earlier run turned it on. */
static void function_load_should_stop_a_compiled_loop(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, HOT_LOOP_REPLY, "EVAL", hot_loop, "0");
    rl_assert_cmd(emu, "-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n",
                  "FUNCTION", "LOAD", "#!lua name=spin\nlocal i = 0 while true do i = i + 1 end");
    rl_assert_cmd(emu, "$2\r\nok\r\n", "FUNCTION", "LOAD",
                  "#!lua name=ok\nlocal s = 0 for i = 1, 10000 do s = s + i end\n"
                  "redis.register_function('f', function() return s end)");
    rl_assert_cmd(emu, ":50005000\r\n", "FCALL", "f", "0");
    rl_test_free_emu(emu);
}

/* LuaJIT has one profiler per process: two live emulators take it in
 * turn, and each one's runaway loops still stop, with compiled code on
 * both. */
static void two_emulators_should_both_stop_loops(void **state)
{
    (void)state;
    rl_emu *a = rl_emu_new(), *b = rl_emu_new();
    rl_emu_set_script_timeout_ms(a, 100);
    rl_emu_set_script_timeout_ms(b, 100);
    for (int round = 0; round < 2; round++) {
        rl_emu *emus[2] = { a, b };
        for (int k = 0; k < 2; k++) {
            assert_stopped(emus[k], "local i = 0 while true do i = i + 1 end");
            rl_assert_cmd(emus[k], HOT_LOOP_REPLY, "EVAL", hot_loop, "0");
        }
    }
    if (is_luajit()) assert_true(rl_scripting_traces(b) > 0);
    rl_emu_free(a);
    /* b still holds the profiler; a's going did not disturb it. */
    assert_stopped(b, "for i = 1, 1e18 do end");
    rl_test_free_emu(b);
}

/* redlua-test's workers are forked, and interval timers stay behind in
 * the parent: a child whose emulator held the profiler must start it
 * again, or its compiled loops would never stop. The child reports by its
 * exit status; one that hangs is killed after ten seconds. */
static void forked_child_should_stop_loops(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_script_timeout_ms(emu, 100);
    rl_assert_cmd(emu, HOT_LOOP_REPLY, "EVAL", hot_loop, "0");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int ok = stopped(emu, "local i = 0 while true do i = i + 1 end");
        /* Freed, so that valgrind, which checks the child too, finds no
         * leak. */
        rl_emu_free(emu);
        _exit(ok && rl_mem_used() == 0 ? 0 : 1);
    }
    int status = 0;
    pid_t got = 0;
    for (int waited = 0; waited < 1000 && got == 0; waited++) {
        got = waitpid(pid, &status, WNOHANG);
        if (got == 0) usleep(10000);
    }
    if (got == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        fail_msg("the forked child's runaway loop was not stopped");
    }
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(runaway_loops_should_stop_at_the_time_limit),
        cmocka_unit_test(hot_code_should_be_compiled_under_the_time_limit),
        cmocka_unit_test(resets_should_keep_the_time_limit_over_compiled_code),
        cmocka_unit_test(loopless_scripts_should_compile_through_their_entry),
        cmocka_unit_test(scripts_without_globals_should_skip_their_entry),
        cmocka_unit_test(scripts_should_walk_tables_alike_whatever_the_thread_compiled),
        cmocka_unit_test(table_making_scripts_should_compile_and_keep_their_order),
        cmocka_unit_test(compiled_constructors_should_keep_their_bytecode),
        cmocka_unit_test(loops_of_calls_should_compile_without_nested_functions),
        cmocka_unit_test(stop_should_not_be_swallowed_by_a_compiled_pcall_loop),
        cmocka_unit_test(function_load_should_stop_a_compiled_loop),
        cmocka_unit_test(two_emulators_should_both_stop_loops),
        cmocka_unit_test(forked_child_should_stop_loops),
        /* Last: under valgrind, LuaJIT states made after it sometimes
         * compiled nothing (about half the runs; never natively). */
        cmocka_unit_test(threads_should_compile_scripts_of_their_own),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
