/* rl_emu_reset (server.c, scripts.c rl_scripting_reset, lua_env.c
 * rl_lua_env_restore): after a reset an emulator must behave as a new one,
 * although it keeps its EVAL Lua environment, restored to the bytes it had
 * when new. Each test leaves one kind of state behind, resets, and checks
 * that a new emulator's answer comes back; each would fail if that state
 * leaked through the kept environment. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>

/* The RESP2 bytes of a command's reply, NUL-terminated (caller frees). */
static char *resp_of(rl_emu *emu, int argc, const char *const *argv)
{
    size_t lens[16];
    for (int i = 0; i < argc; i++) lens[i] = strlen(argv[i]);
    rl_reply *r = rl_emu_call(emu, argc, argv, lens);
    size_t len;
    char *bytes = rl_reply_to_resp(r, 2, &len);
    rl_reply_free(r);
    char *out = rl_malloc(len + 1);
    memcpy(out, bytes, len);
    out[len] = '\0';
    rl_free(bytes);
    return out;
}

/* Checks that an EVAL of script gives the same bytes on a new emulator and
 * on emu right after dirty ran on it and it was reset; before the reset
 * they differ (differs) or are the same already. */
static void check_as_new(const char *const *dirty, int ndirty, const char *script, int differs)
{
    const char *probe[] = { "EVAL", script, "0" };
    rl_emu *fresh = rl_emu_new();
    char *want = resp_of(fresh, 3, probe);
    rl_emu_free(fresh);

    rl_emu *emu = rl_emu_new();
    for (int i = 0; i < ndirty; i++) {
        const char *argv[] = { "EVAL", dirty[i], "0" };
        rl_free(resp_of(emu, 3, argv));
    }
    /* The dirty scripts changed what the probe sees, or the test proves
     * nothing (unless the probe is one they cannot change). */
    char *before = resp_of(emu, 3, probe);
    if (differs) assert_string_not_equal(before, want);
    else assert_string_equal(before, want);
    rl_free(before);
    rl_emu_reset(emu);
    char *got = resp_of(emu, 3, probe);
    assert_string_equal(got, want);
    rl_free(got);
    rl_free(want);
    rl_test_free_emu(emu);
}

static void assert_as_new(const char *const *dirty, int ndirty, const char *script)
{
    check_as_new(dirty, ndirty, script, 1);
}

static void keys_should_not_survive(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "SET", "k", "v");
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return redis.call('RPUSH', 'l', 'a')", "0");
    rl_emu_reset(emu);
    rl_assert_cmd(emu, ":0\r\n", "DBSIZE");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.call('GET', 'k')", "0");
    rl_test_free_emu(emu);
}

static void cached_scripts_should_be_forgotten(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$40\r\ne0e1f9fabfc9d4800c877a703b823ac0578ff8db\r\n", "SCRIPT", "LOAD",
                  "return 1");
    rl_assert_cmd(emu, ":1\r\n", "EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0");
    rl_emu_reset(emu);
    rl_assert_cmd(emu, "*1\r\n:0\r\n", "SCRIPT", "EXISTS",
                  "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    rl_assert_cmd(emu, "-NOSCRIPT No matching script. Please use EVAL.\r\n", "EVALSHA",
                  "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0");
    /* The environment still compiles and runs scripts, and SCRIPT FLUSH
     * still works on it. */
    rl_assert_cmd(emu, ":2\r\n", "EVAL", "return 2", "0");
    rl_assert_cmd(emu, "+OK\r\n", "SCRIPT", "FLUSH");
    rl_assert_cmd(emu, ":3\r\n", "EVAL", "return 3", "0");
    rl_test_free_emu(emu);
}

static void function_libraries_should_be_forgotten(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$3\r\nlib\r\n", "FUNCTION", "LOAD",
                  "#!lua name=lib\nredis.register_function('f', function() return 7 end)");
    rl_assert_cmd(emu, ":7\r\n", "FCALL", "f", "0");
    rl_emu_reset(emu);
    rl_assert_cmd(emu, "*0\r\n", "FUNCTION", "LIST");
    rl_assert_cmd(emu, "-ERR Function not found\r\n", "FCALL", "f", "0");
    rl_test_free_emu(emu);
}

static void cjson_settings_should_be_defaults(void **state)
{
    (void)state;
    const char *dirty[] = {
        "cjson.encode_number_precision(3) cjson.encode_max_depth(1) "
        "cjson.encode_sparse_array(true) cjson.encode_invalid_numbers(true) return 1"
    };
    assert_as_new(dirty, 1,
                  "local ok, deep = pcall(cjson.encode, {{1}}) "
                  "local ok2, inf = pcall(cjson.encode, 1/0) "
                  "return {cjson.encode(1/3), tostring(ok), tostring(deep), tostring(ok2), "
                  "cjson.encode({[3] = 1})}");
}

/* Buffers that C code keeps in Lua objects (cjson's, in the global module
 * and in one cjson.new() made) go with the restore: rl_test_free_emu checks
 * that nothing is left allocated. */
static void cjson_buffers_should_not_leak(void **state)
{
    (void)state;
    const char *dirty[] = { "local big = {} for i = 1, 3000 do big[i] = 'item' .. i end "
                            "local mine = cjson.new() "
                            "return {#cjson.encode(big), #mine.encode(big), "
                            "#cjson.decode(cjson.encode(big)), #mine.decode(mine.encode(big))}" };
    assert_as_new(dirty, 1, "return #cjson.encode({1, 2, 3}) .. ' ' .. collectgarbage('count')");
}

/* The Lua heap is a new environment's to the byte, as collectgarbage
 * ("count") sees it, after scripts that stay compiled, garbage, and a
 * stopped collector. */
static void heap_should_be_a_new_environments(void **state)
{
    (void)state;
    const char *dirty[] = { "collectgarbage('stop') local t = {} for i = 1, 5000 do "
                            "t[i] = {tostring(i)} end return 1",
                            "return 2", "return 3" };
    assert_as_new(dirty, 3, "return tostring(collectgarbage('count'))");
}

/* pairs() order over string keys: on LuaJIT it follows the ids its states
 * give strings as they are made, so strings the earlier scripts made would
 * change it in a state merely kept; on PUC Lua it follows the strings'
 * bytes, and is the same either way. */
static void pairs_order_should_not_follow_earlier_scripts(void **state)
{
    (void)state;
    const char *dirty[] = { "local t = {} for i = 30, 1, -1 do t[i] = 'k' .. i end return #t" };
    const char *probe = "local t = {} for i = 1, 30 do t['k' .. i] = i end "
                        "local o = {} for k in pairs(t) do o[#o + 1] = k end "
                        "return table.concat(o, ' ')";
    check_as_new(dirty, 1, probe, strcmp(rl_emu_engine(), "luajit") == 0);
}

static void math_random_should_start_over(void **state)
{
    (void)state;
    const char *dirty[] = { "math.randomseed(42) return math.random(1000)",
                            "return math.random(1000)" };
    assert_as_new(dirty, 2, "return {math.random(1000000), math.random(1000000)}");
}

static void collector_should_run_again(void **state)
{
    (void)state;
    const char *dirty[] = { "collectgarbage('stop') return 1" };
    /* 200,000 small tables are about 8 MB: a running collector keeps the
     * heap far below that, a stopped one does not. Each is stored in a
     * table, or LuaJIT's compiled loop would not make it at all. */
    assert_as_new(dirty, 1,
                  "local before = collectgarbage('count') local keep = {} "
                  "for i = 1, 200000 do keep[i % 2 + 1] = {i} end "
                  "return collectgarbage('count') - before < 4000");
}

static void setresp_should_not_carry_over(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$3\r\nnil\r\n", "EVAL",
                  "redis.setresp(3) return type(redis.call('GET', 'nokey'))", "0");
    rl_emu_reset(emu);
    rl_assert_cmd(emu, "$7\r\nboolean\r\n", "EVAL", "return type(redis.call('GET', 'nokey'))", "0");
    rl_test_free_emu(emu);
}

static void selected_db_and_protocol_should_be_defaults(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "SELECT", "5");
    rl_emu_set_resp(emu, 3);
    rl_emu_reset(emu);
    assert_int_equal(rl_emu_resp(emu), 2);
    rl_assert_cmd(emu, "+OK\r\n", "EVAL", "return redis.call('SET', 'a', '1')", "0");
    rl_assert_cmd(emu, "+OK\r\n", "SELECT", "0");
    rl_assert_cmd(emu, "$1\r\n1\r\n", "GET", "a");
    rl_test_free_emu(emu);
}

static void clock_and_limits_should_be_defaults(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_advance_ms(emu, 123456);
    rl_emu_set_maxmemory(emu, 1);
    rl_emu_set_lua_memory_limit(emu, 64 * 1024);
    rl_emu_set_script_timeout_ms(emu, 1);
    rl_emu_set_order_seed(emu, 99);
    rl_emu_reset(emu);
    assert_int_equal(rl_emu_clock_ms(emu), RL_DEFAULT_CLOCK_MS);
    assert_int_equal(rl_emu_order_seed(emu), 0);
    rl_assert_cmd(emu, "+OK\r\n", "SET", "k", "v");
    /* About 1 MB of strings: over the 64 KB limit, and over 1 ms of
     * interpreted Lua under valgrind. */
    rl_assert_cmd(emu, ":1\r\n", "EVAL",
                  "local t = {} for i = 1, 20000 do t[i] = string.rep('x', 40) .. i end "
                  "return 1",
                  "0");
    rl_test_free_emu(emu);
}

static void metrics_should_be_off(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_metrics(emu, 1);
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return 1", "0");
    assert_non_null(rl_emu_metrics(emu));
    rl_emu_reset(emu);
    assert_null(rl_emu_metrics(emu));
    /* And on again from zero. */
    rl_emu_set_metrics(emu, 1);
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return 1", "0");
    assert_int_equal(rl_emu_metrics(emu)->runs, 1);
    rl_test_free_emu(emu);
}

/* Garbage a stopped collector left must not count against a tight memory
 * limit set for the next case. */
static void garbage_should_not_count_against_a_new_limit(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "EVAL",
                  "collectgarbage('stop') local t = {} "
                  "for i = 1, 50000 do t[i] = {i} end return 1",
                  "0");
    rl_emu_reset(emu);
    rl_emu_set_lua_memory_limit(emu, 1024 * 1024);
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "local t = {} for i = 1, 2000 do t[i] = {i} end return 1",
                  "0");
    rl_test_free_emu(emu);
}

/* Many cases on one emulator: nothing leaks, and the memory held after each
 * reset is the same, to the byte, as the environment is restored. */
static void repeated_resets_should_not_grow(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    size_t first = 0;
    for (int i = 0; i < 200; i++) {
        char body[64];
        snprintf(body, sizeof(body), "return redis.call('SET', KEYS[1], '%d')", i);
        rl_assert_cmd(emu, "+OK\r\n", "EVAL", body, "1", "k");
        rl_emu_reset(emu);
        if (i == 10) first = rl_mem_used();
        if (i > 10) assert_int_equal(rl_mem_used(), first);
    }
    rl_test_free_emu(emu);
}

/* The order seed set after a reset reaches LuaJIT's string hashing (pairs()
 * order) as on a new emulator; PUC Lua has no seed (test_lua_order_seed.c). */
static void pairs_order_should_follow_a_seed_set_after_reset(void **state)
{
    (void)state;
    const char *probe = "local t = {} for i = 1, 30 do t['k' .. i] = i end "
                        "local o = {} for k in pairs(t) do o[#o + 1] = k end "
                        "return table.concat(o, ' ')";
    const char *argv[] = { "EVAL", probe, "0" };
    for (uint64_t seed = 1; seed <= 2; seed++) {
        rl_emu *fresh = rl_emu_new();
        rl_emu_set_order_seed(fresh, seed);
        char *want = resp_of(fresh, 3, argv);
        rl_emu_free(fresh);
        rl_emu *emu = rl_emu_new();
        rl_free(resp_of(emu, 3, argv));
        rl_emu_reset(emu);
        rl_emu_set_order_seed(emu, seed);
        char *got = resp_of(emu, 3, argv);
        assert_string_equal(got, want);
        rl_free(got);
        rl_free(want);
        rl_test_free_emu(emu);
    }
}

/* Extra clients are dropped by the reset, as rl_emu_free drops them. */
static void extra_clients_should_be_freed(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_client *c = rl_emu_client_new(emu);
    (void)c;
    rl_emu_reset(emu);
    rl_assert_cmd(emu, ":0\r\n", "DBSIZE");
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_should_not_survive),
        cmocka_unit_test(cached_scripts_should_be_forgotten),
        cmocka_unit_test(function_libraries_should_be_forgotten),
        cmocka_unit_test(cjson_settings_should_be_defaults),
        cmocka_unit_test(cjson_buffers_should_not_leak),
        cmocka_unit_test(heap_should_be_a_new_environments),
        cmocka_unit_test(pairs_order_should_not_follow_earlier_scripts),
        cmocka_unit_test(math_random_should_start_over),
        cmocka_unit_test(collector_should_run_again),
        cmocka_unit_test(setresp_should_not_carry_over),
        cmocka_unit_test(selected_db_and_protocol_should_be_defaults),
        cmocka_unit_test(clock_and_limits_should_be_defaults),
        cmocka_unit_test(metrics_should_be_off),
        cmocka_unit_test(garbage_should_not_count_against_a_new_limit),
        cmocka_unit_test(repeated_resets_should_not_grow),
        cmocka_unit_test(extra_clients_should_be_freed),
        cmocka_unit_test(pairs_order_should_follow_a_seed_set_after_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
