/* Script metrics (redlua.h rl_emu_set_metrics; metrics.c, keyspecs.c and
 * the counting in lua_redis.c and lua_env.c). Built and run once per Lua
 * engine. Byte counts are worked out by hand from the RESP of each argument
 * list and reply; key flags are Redis 7.0's key specs (test_keyspecs.c
 * checks those against redis-server); instruction counts on lua51 come from
 * `luac5.1 -l` listings of the same chunks, walked by hand. */
#include "test_common.h"

#include "errors.h"

static int on_lua51(void)
{
    return strcmp(rl_emu_engine(), "lua51") == 0;
}

static rl_emu *new_emu(void)
{
    rl_emu *emu = rl_emu_new();
    rl_emu_set_metrics(emu, 1);
    return emu;
}

/* Runs EVAL script with the given keys (NULL-terminated) and frees the reply. */
static void eval(rl_emu *emu, const char *script, const char *k1, const char *k2, const char *k3,
                 const char *k4, const char *k5)
{
    const char *argv[8] = { "EVAL", script, "0" };
    size_t argvlen[8];
    int argc = 3;
    const char *keys[] = { k1, k2, k3, k4, k5 };
    for (int i = 0; i < 5 && keys[i]; i++) argv[argc++] = keys[i];
    char nk[2] = { (char)('0' + (argc - 3)), '\0' };
    argv[2] = nk;
    for (int i = 0; i < argc; i++) argvlen[i] = strlen(argv[i]);
    rl_reply *r = rl_emu_call(emu, argc, argv, argvlen);
    if (r->type == RL_REPLY_ERROR) print_error("EVAL answered %s\n", r->str);
    rl_reply_free(r);
}

static uint64_t command_calls(const rl_metrics *m, const char *name, uint64_t *pcalls)
{
    for (size_t i = 0; i < m->ncommands; i++) {
        if (strcmp(m->commands[i].name, name) == 0) {
            if (pcalls) *pcalls = m->commands[i].pcalls;
            return m->commands[i].calls;
        }
    }
    if (pcalls) *pcalls = 0;
    return 0;
}

static unsigned key_access(const rl_metrics *m, int db, const char *name)
{
    for (size_t i = 0; i < m->nkeys; i++)
        if (m->keys[i].db == db && m->keys[i].len == strlen(name) &&
            memcmp(m->keys[i].name, name, m->keys[i].len) == 0)
            return m->keys[i].access;
    return 0;
}

static void metrics_should_be_null_when_off(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    assert_null(rl_emu_metrics(emu));
    rl_emu_set_metrics(emu, 1);
    assert_non_null(rl_emu_metrics(emu));
    rl_emu_set_metrics(emu, 0);
    assert_null(rl_emu_metrics(emu));
    rl_test_free_emu(emu);
}

/* INCR three times and GET once: exactly those counts, one key both read
 * and written, and the bytes of "INCR k" x3 + "GET k" (5 * 3 + 4 = 19 in)
 * and ":1\r\n" ":2\r\n" ":3\r\n" "$1\r\n3\r\n" (4 * 3 + 7 = 19 out). */
static void counts_should_be_exact_per_command(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    eval(emu,
         "redis.call('INCR', KEYS[1]); redis.call('INCR', KEYS[1]); "
         "redis.call('INCR', KEYS[1]); return redis.call('GET', KEYS[1])",
         "k", NULL, NULL, NULL, NULL);
    const rl_metrics *m = rl_emu_metrics(emu);
    assert_int_equal(m->runs, 1);
    assert_int_equal(m->calls, 4);
    assert_int_equal(m->pcalls, 0);
    assert_int_equal(m->ncommands, 2);
    assert_string_equal(m->commands[0].name, "get");
    assert_int_equal(m->commands[0].calls, 1);
    assert_string_equal(m->commands[1].name, "incr");
    assert_int_equal(m->commands[1].calls, 3);
    assert_int_equal(m->nkeys, 1);
    assert_int_equal(key_access(m, 0, "k"), RL_METRICS_KEY_READ | RL_METRICS_KEY_WRITTEN);
    assert_int_equal(m->keys_read, 1);
    assert_int_equal(m->keys_written, 1);
    assert_int_equal(m->bytes_in, 19);
    assert_int_equal(m->bytes_out, 19);
    assert_int_equal(m->keyspace_keys, 1);
    rl_test_free_emu(emu);
}

/* SET a (OW), EXISTS b (RO), LPUSH c (RW insert, not access), COPY a d (a
 * RO, d OW), DEL e (RM): a read and written, b read only, c d e written
 * only. The LPUSH goes through redis.pcall. */
static void keys_should_be_split_into_read_and_written(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    eval(emu,
         "redis.call('SET', KEYS[1], 'v'); redis.call('EXISTS', KEYS[2]); "
         "redis.pcall('LPUSH', KEYS[3], 'x'); redis.call('COPY', KEYS[1], KEYS[4]); "
         "redis.call('DEL', KEYS[5])",
         "a", "b", "c", "d", "e");
    const rl_metrics *m = rl_emu_metrics(emu);
    assert_int_equal(m->nkeys, 5);
    assert_int_equal(key_access(m, 0, "a"), RL_METRICS_KEY_READ | RL_METRICS_KEY_WRITTEN);
    assert_int_equal(key_access(m, 0, "b"), RL_METRICS_KEY_READ);
    assert_int_equal(key_access(m, 0, "c"), RL_METRICS_KEY_WRITTEN);
    assert_int_equal(key_access(m, 0, "d"), RL_METRICS_KEY_WRITTEN);
    assert_int_equal(key_access(m, 0, "e"), RL_METRICS_KEY_WRITTEN);
    assert_int_equal(m->keys_read, 2);
    assert_int_equal(m->keys_written, 4);
    uint64_t pcalls;
    assert_int_equal(command_calls(m, "lpush", &pcalls), 0);
    assert_int_equal(pcalls, 1);
    assert_int_equal(m->calls, 4);
    assert_int_equal(m->pcalls, 1);
    /* Keys are sorted by bytes. */
    assert_memory_equal(m->keys[0].name, "a", 1);
    assert_memory_equal(m->keys[4].name, "e", 1);
    /* a, c, d after the script (COPY copied a into d; e never existed). */
    assert_int_equal(m->keyspace_keys, 3);
    rl_test_free_emu(emu);
}

/* An error reply counts its RESP bytes, and a key in another database is a
 * different key. */
static void errors_and_databases_should_count(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    eval(emu,
         "redis.call('SET', KEYS[1], 'x'); redis.pcall('INCR', KEYS[1]); "
         "redis.call('SELECT', '1'); redis.call('SET', KEYS[1], 'y')",
         "k", NULL, NULL, NULL, NULL);
    const rl_metrics *m = rl_emu_metrics(emu);
    /* in: "SETkx" 5 + "INCRk" 5 + "SELECT1" 7 + "SETky" 5 = 22;
     * out: "+OK\r\n" 5 + "-ERR value is not an integer or out of range\r\n"
     * + "+OK\r\n" 5 + "+OK\r\n" 5. */
    assert_int_equal(m->bytes_in, 22);
    assert_int_equal(m->bytes_out, 15 + 1 + strlen(RL_ERR_NOT_INTEGER) + 2);
    assert_int_equal(m->nkeys, 2);
    assert_int_equal(m->keys[0].db, 0);
    assert_int_equal(m->keys[1].db, 1);
    assert_int_equal(key_access(m, 0, "k"), RL_METRICS_KEY_READ | RL_METRICS_KEY_WRITTEN);
    assert_int_equal(key_access(m, 1, "k"), RL_METRICS_KEY_WRITTEN);
    assert_int_equal(m->keyspace_keys, 2);
    rl_test_free_emu(emu);
}

/* SPUBLISH's shard channel is hashed like a key by Redis Cluster but is no
 * key (GETKEYSANDFLAGS leaves it out): it is not counted. */
static void shard_channels_should_not_count_as_keys(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    eval(emu, "return redis.call('SPUBLISH', 'ch', 'm')", NULL, NULL, NULL, NULL, NULL);
    const rl_metrics *m = rl_emu_metrics(emu);
    assert_int_equal(m->calls, 1);
    assert_int_equal(m->nkeys, 0);
    assert_int_equal(m->keys_read + m->keys_written, 0);
    rl_test_free_emu(emu);
}

/* Bytes out are counted in the protocol the script speaks: HGETALL of one
 * field is "*2\r\n$1\r\nf\r\n$1\r\nv\r\n" (18) in RESP2 and
 * "%1\r\n$1\r\nf\r\n$1\r\nv\r\n" (18) in RESP3; HLEN is ":1\r\n" (4). */
static void bytes_out_should_follow_the_script_protocol(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_reply_free(rl_emu_callv(emu, "HSET", "h", "f", "v", (const char *)NULL));
    eval(emu, "redis.call('HGETALL', KEYS[1]); redis.setresp(3); redis.call('HGETALL', KEYS[1])",
         "h", NULL, NULL, NULL, NULL);
    const rl_metrics *m = rl_emu_metrics(emu);
    assert_int_equal(m->bytes_out, 36);
    assert_int_equal(m->bytes_in, 2 * 8);
    rl_test_free_emu(emu);
}

/* Instructions: exact VM instruction counts. On lua51 "return 1" runs
 * LOADK, RETURN (2); the loop below runs 4 LOADK, FORPREP, 11 FORLOOP, 10
 * ADD and RETURN (27). LuaJIT's bytecode differs, so there the counts only
 * have to be positive, repeatable and grow with the loop. */
static void instructions_should_be_counted(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    const char *loop10 = "local n = 0\nfor i = 1, 10 do n = n + i end\nreturn n";
    const char *loop20 = "local n = 0\nfor i = 1, 20 do n = n + i end\nreturn n";
    eval(emu, "return 1", NULL, NULL, NULL, NULL, NULL);
    uint64_t one = rl_emu_metrics(emu)->instructions;
    rl_emu_metrics_reset(emu);
    eval(emu, loop10, NULL, NULL, NULL, NULL, NULL);
    uint64_t ten = rl_emu_metrics(emu)->instructions;
    rl_emu_metrics_reset(emu);
    eval(emu, loop10, NULL, NULL, NULL, NULL, NULL);
    assert_int_equal(rl_emu_metrics(emu)->instructions, ten);
    rl_emu_metrics_reset(emu);
    eval(emu, loop20, NULL, NULL, NULL, NULL, NULL);
    uint64_t twenty = rl_emu_metrics(emu)->instructions;
    if (on_lua51()) {
        assert_int_equal(one, 2);
        assert_int_equal(ten, 27);
        assert_int_equal(twenty, 47);
    } else {
        assert_true(one > 0);
        assert_true(ten > one);
        assert_int_equal(twenty - ten, 2 * 10); /* FORL and ADDVV per iteration */
    }
    /* Two runs add up. */
    rl_emu_metrics_reset(emu);
    eval(emu, "return 1", NULL, NULL, NULL, NULL, NULL);
    eval(emu, "return 1", NULL, NULL, NULL, NULL, NULL);
    assert_int_equal(rl_emu_metrics(emu)->instructions, 2 * one);
    assert_int_equal(rl_emu_metrics(emu)->runs, 2);
    rl_test_free_emu(emu);
}

/* Coroutines run instructions too (PUC Lua keeps hooks per coroutine). */
static void instructions_in_coroutines_should_count(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    eval(emu,
         "local co = coroutine.create(function() local n = 0\nfor i = 1, 1000 do n = n + i "
         "end\nreturn n end)\nreturn select(2, coroutine.resume(co))",
         NULL, NULL, NULL, NULL, NULL);
    /* At least an ADD and a FORLOOP per iteration inside the coroutine. */
    assert_true(rl_emu_metrics(emu)->instructions >= 2 * 1000);
    rl_test_free_emu(emu);
}

/* The time limit still stops a loop under metrics, on both engines (on
 * LuaJIT, metrics keep the interpreter, where hooks fire). */
static void time_limit_should_hold_under_metrics(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_emu_set_script_timeout_ms(emu, 100);
    rl_reply *r = rl_emu_callv(emu, "EVAL", "while true do end", "0", (const char *)NULL);
    assert_int_equal(r->type, RL_REPLY_ERROR);
    rl_reply_free(r);
    assert_true(rl_emu_metrics(emu)->instructions >= 100000);
    /* And with no limit at all, counting still works. */
    rl_emu_set_script_timeout_ms(emu, 0);
    rl_emu_metrics_reset(emu);
    eval(emu, "local n = 0\nfor i = 1, 10 do n = n + i end\nreturn n", NULL, NULL, NULL, NULL,
         NULL);
    if (on_lua51()) assert_int_equal(rl_emu_metrics(emu)->instructions, 27);
    else assert_true(rl_emu_metrics(emu)->instructions > 20);
    rl_test_free_emu(emu);
}

/* The heap peak sees a 1 MB string that is garbage by the end of the run,
 * and a reset starts again from the heap as it is. */
static void heap_peak_should_see_transient_memory(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    eval(emu, "return 1", NULL, NULL, NULL, NULL, NULL);
    uint64_t base = rl_emu_metrics(emu)->lua_heap_peak;
    assert_true(base > 0);
    eval(emu, "local s = string.rep('x', 1000000) return #s", NULL, NULL, NULL, NULL, NULL);
    assert_true(rl_emu_metrics(emu)->lua_heap_peak >= base + 1000000);
    rl_reply_free(rl_emu_callv(emu, "SCRIPT", "FLUSH", (const char *)NULL));
    rl_emu_metrics_reset(emu);
    assert_true(rl_emu_metrics(emu)->lua_heap_peak < base + 1000000);
    rl_test_free_emu(emu);
}

/* FCALL runs count as runs, their commands as commands; plain commands sent
 * by the client are not counted. */
static void fcall_should_count_and_client_commands_not(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_reply *r = rl_emu_callv(emu, "FUNCTION", "LOAD",
                               "#!lua name=lib\nredis.register_function('f', function(keys) "
                               "return redis.call('GET', keys[1]) end)",
                               (const char *)NULL);
    assert_int_equal(r->type, RL_REPLY_BULK);
    rl_reply_free(r);
    rl_reply_free(rl_emu_callv(emu, "SET", "k", "v", (const char *)NULL));
    rl_reply_free(rl_emu_callv(emu, "FCALL", "f", "1", "k", (const char *)NULL));
    const rl_metrics *m = rl_emu_metrics(emu);
    assert_int_equal(m->runs, 1);
    assert_int_equal(m->calls, 1);
    assert_int_equal(command_calls(m, "get", NULL), 1);
    assert_int_equal(command_calls(m, "set", NULL), 0);
    assert_int_equal(key_access(m, 0, "k"), RL_METRICS_KEY_READ);
    assert_int_equal(m->bytes_in, 4);
    assert_int_equal(m->bytes_out, 7); /* "$1\r\nv\r\n" */
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(metrics_should_be_null_when_off),
        cmocka_unit_test(counts_should_be_exact_per_command),
        cmocka_unit_test(keys_should_be_split_into_read_and_written),
        cmocka_unit_test(errors_and_databases_should_count),
        cmocka_unit_test(shard_channels_should_not_count_as_keys),
        cmocka_unit_test(bytes_out_should_follow_the_script_protocol),
        cmocka_unit_test(instructions_should_be_counted),
        cmocka_unit_test(instructions_in_coroutines_should_count),
        cmocka_unit_test(time_limit_should_hold_under_metrics),
        cmocka_unit_test(heap_peak_should_see_transient_memory),
        cmocka_unit_test(fcall_should_count_and_client_commands_not),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
