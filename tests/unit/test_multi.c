/* Extra clients (redlua.h, rl_emu_client_*) and transactions: MULTI, EXEC,
 * DISCARD, WATCH, UNWATCH. Expected bytes come from redis-server 7.0.15. */
#include "test_common.h"

#include "errors.h"

#define client_cmd(cl, expected, ...) \
    rl_assert_resp(rl_emu_client_callv((cl), __VA_ARGS__, (const char *)NULL), expected)

/* Checks r serialized for protocol proto, then frees r. */
static void assert_resp_proto(rl_reply *r, int proto, const char *expected)
{
    size_t len;
    char *got = rl_reply_to_resp(r, proto, &len);
    if (len != strlen(expected) || memcmp(got, expected, len) != 0)
        print_error("expected RESP%d: %s\n     got: %.*s\n", proto, expected, (int)len, got);
    int same = len == strlen(expected) && memcmp(got, expected, len) == 0;
    rl_free(got);
    rl_reply_free(r);
    assert_true(same);
}

static void clients_should_share_the_keyspace(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_client *a = rl_emu_client_new(emu);
    rl_emu_client *b = rl_emu_client_new(emu);
    client_cmd(a, "+OK\r\n", "SET", "k", "from-a");
    client_cmd(b, "$6\r\nfrom-a\r\n", "GET", "k");
    rl_assert_cmd(emu, "$6\r\nfrom-a\r\n", "GET", "k");
    rl_assert_cmd(emu, "+OK\r\n", "SET", "k", "from-builtin");
    client_cmd(a, "$12\r\nfrom-builtin\r\n", "GET", "k");
    rl_emu_client_free(a);
    rl_emu_client_free(b);
    rl_test_free_emu(emu);
}

static void clients_should_each_have_their_own_db(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_client *a = rl_emu_client_new(emu);
    rl_emu_client *b = rl_emu_client_new(emu);
    client_cmd(a, "+OK\r\n", "SELECT", "3");
    client_cmd(a, "+OK\r\n", "SET", "k", "db3");
    client_cmd(b, "$-1\r\n", "GET", "k");
    rl_assert_cmd(emu, "$-1\r\n", "GET", "k");
    client_cmd(b, "+OK\r\n", "SELECT", "3");
    client_cmd(b, "$3\r\ndb3\r\n", "GET", "k");
    rl_emu_client_free(a);
    rl_emu_client_free(b);
    rl_test_free_emu(emu);
}

static void clients_should_each_have_their_own_protocol(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_client *a = rl_emu_client_new(emu);
    assert_int_equal(rl_emu_client_resp(a), 2);
    rl_emu_client_set_resp(a, 3);
    assert_int_equal(rl_emu_client_resp(a), 3);
    assert_int_equal(rl_emu_resp(emu), 2);
    /* A RESP3 client gets a map from HGETALL, a RESP2 one a flat array. */
    rl_assert_cmd(emu, ":1\r\n", "HSET", "h", "f", "v");
    assert_resp_proto(rl_emu_client_callv(a, "HGETALL", "h", (const char *)NULL), 3,
                      "%1\r\n$1\r\nf\r\n$1\r\nv\r\n");
    assert_resp_proto(rl_emu_callv(emu, "HGETALL", "h", (const char *)NULL), 2,
                      "*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
    rl_emu_client_free(a);
    rl_test_free_emu(emu);
}

static void clients_should_be_freed_by_emu_free(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_client *a = rl_emu_client_new(emu);
    rl_emu_client *b = rl_emu_client_new(emu);
    rl_emu_client *c = rl_emu_client_new(emu);
    client_cmd(a, "+OK\r\n", "SET", "a", "1");
    /* Freed out of creation order, the middle one first; the rest are left
     * to rl_emu_free, which must not leak them. */
    rl_emu_client_free(b);
    client_cmd(c, "$1\r\n1\r\n", "GET", "a");
    rl_emu_client_free(NULL);
    rl_test_free_emu(emu);
}

static void clients_should_report_errors_like_the_builtin_one(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_client *a = rl_emu_client_new(emu);
    client_cmd(a, "-ERR unknown command 'NOPE', with args beginning with: 'x' \r\n", "NOPE", "x");
    client_cmd(a, "-ERR wrong number of arguments for 'get' command\r\n", "GET");
    rl_assert_resp(rl_emu_client_call(a, 0, NULL, NULL),
                   "-ERR unknown command '', with args beginning with: \r\n");
    rl_test_free_emu(emu);
}

/* Texts and replies below were read from redis-server 7.0.15. */
static void multi_should_queue_and_exec(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "MULTI");
    rl_assert_cmd(emu, "-ERR MULTI calls can not be nested\r\n", "MULTI");
    rl_assert_cmd(emu, "-ERR WATCH inside MULTI is not allowed\r\n", "WATCH", "x");
    rl_assert_cmd(emu, "+QUEUED\r\n", "SET", "s", "text");
    rl_assert_cmd(emu, "+QUEUED\r\n", "INCR", "s");
    rl_assert_cmd(emu, "+QUEUED\r\n", "GET", "s");
    /* Nothing ran yet. */
    rl_emu_client *other = rl_emu_client_new(emu);
    client_cmd(other, "$-1\r\n", "GET", "s");
    rl_assert_cmd(emu,
                  "*3\r\n+OK\r\n-ERR value is not an integer or out of range\r\n"
                  "$4\r\ntext\r\n",
                  "EXEC");
    rl_assert_cmd(emu, "-ERR EXEC without MULTI\r\n", "EXEC");
    rl_assert_cmd(emu, "-ERR DISCARD without MULTI\r\n", "DISCARD");
    rl_assert_cmd(emu, "+OK\r\n", "MULTI");
    rl_assert_cmd(emu, "*0\r\n", "EXEC");
    rl_test_free_emu(emu);
}

static void multi_should_abort_after_a_queueing_error(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "MULTI");
    rl_assert_cmd(emu, "+QUEUED\r\n", "SET", "k", "v");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'get' command\r\n", "GET");
    rl_assert_cmd(emu, "+QUEUED\r\n", "SET", "k2", "v");
    rl_assert_cmd(emu, "-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC");
    rl_assert_cmd(emu, "*0\r\n", "KEYS", "*");
    /* The transaction is over: a new one runs. */
    rl_assert_cmd(emu, "+OK\r\n", "MULTI");
    rl_assert_cmd(emu, "-ERR Command not allowed inside a transaction\r\n", "SHUTDOWN", "NOSAVE");
    rl_assert_cmd(emu, "-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC");
    rl_assert_cmd(emu, "+OK\r\n", "MULTI");
    rl_assert_cmd(emu, "-ERR unknown command 'NOPE', with args beginning with: \r\n", "NOPE");
    rl_assert_cmd(emu, "+OK\r\n", "DISCARD");
    rl_assert_cmd(emu, "+OK\r\n", "MULTI");
    rl_assert_cmd(emu, "+QUEUED\r\n", "SET", "k", "v");
    rl_assert_cmd(emu, "*1\r\n+OK\r\n", "EXEC");
    rl_test_free_emu(emu);
}

static void multi_should_answer_oom_while_queueing(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "MULTI");
    rl_emu_set_maxmemory(emu, 1);
    /* Even a read is refused inside MULTI; DISCARD is not. */
    rl_assert_cmd(emu, "-OOM command not allowed when used memory > 'maxmemory'.\r\n", "GET", "k");
    rl_assert_cmd(emu, "+OK\r\n", "DISCARD");
    rl_emu_set_maxmemory(emu, 0);
    rl_assert_cmd(emu, "+OK\r\n", "MULTI");
    rl_assert_cmd(emu, "+QUEUED\r\n", "SET", "k", "v");
    rl_emu_set_maxmemory(emu, 1);
    rl_assert_cmd(emu,
                  "-EXECABORT Transaction discarded because of: OOM command not allowed when "
                  "used memory > 'maxmemory'.\r\n",
                  "EXEC");
    rl_emu_set_maxmemory(emu, 0);
    rl_assert_cmd(emu, "-ERR EXEC without MULTI\r\n", "EXEC");
    rl_test_free_emu(emu);
}

static void multi_should_run_scripts_at_exec(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "MULTI");
    rl_assert_cmd(emu, "+QUEUED\r\n", "EVAL", "return redis.call('incr', KEYS[1])", "1", "n");
    rl_assert_cmd(emu, "+QUEUED\r\n", "EVALSHA", "0123456789012345678901234567890123456789", "0");
    rl_assert_cmd(emu, "+QUEUED\r\n", "EVAL", "return redis.pcall('exec')", "0");
    rl_assert_cmd(emu, "+QUEUED\r\n", "EVAL", "return 1", "x");
    rl_assert_cmd(emu,
                  "*4\r\n:1\r\n-NOSCRIPT No matching script. Please use EVAL.\r\n"
                  "-ERR This Redis command is not allowed from script\r\n"
                  "-ERR value is not an integer or out of range\r\n",
                  "EXEC");
    rl_assert_cmd(emu, "-ERR This Redis command is not allowed from script\r\n", "EVAL",
                  "return redis.pcall('watch', 'k')", "0");
    rl_test_free_emu(emu);
}

static void watch_should_fail_exec_when_another_client_writes(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_client *a = rl_emu_client_new(emu);
    rl_emu_client *b = rl_emu_client_new(emu);
    client_cmd(a, "+OK\r\n", "WATCH", "k");
    client_cmd(b, "+OK\r\n", "SET", "k", "1");
    client_cmd(a, "+OK\r\n", "MULTI");
    client_cmd(a, "+QUEUED\r\n", "GET", "k");
    client_cmd(a, "*-1\r\n", "EXEC");
    /* RESP3 gets a null. */
    rl_emu_client_set_resp(a, 3);
    client_cmd(a, "+OK\r\n", "WATCH", "k");
    client_cmd(b, ":2\r\n", "INCR", "k");
    client_cmd(a, "+OK\r\n", "MULTI");
    assert_resp_proto(rl_emu_client_callv(a, "EXEC", (const char *)NULL), 3, "_\r\n");
    /* A failed write does not count. */
    client_cmd(a, "+OK\r\n", "WATCH", "k");
    client_cmd(b, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "LPUSH",
               "k", "x");
    client_cmd(a, "+OK\r\n", "MULTI");
    client_cmd(a, "+QUEUED\r\n", "GET", "k");
    assert_resp_proto(rl_emu_client_callv(a, "EXEC", (const char *)NULL), 3, "*1\r\n$1\r\n2\r\n");
    rl_test_free_emu(emu);
}

/* a WATCHes key, b runs the command (argv, NULL-terminated), a runs an
 * empty transaction: EXEC answers "*-1" when the command counted as a
 * change of key, "*0" when it did not. */
static void watch_case(rl_emu_client *a, rl_emu_client *b, const char *key, const char *exec,
                       const char *reply, ...)
{
    const char *argv[8];
    size_t len[8];
    int argc = 0;
    va_list ap;
    va_start(ap, reply);
    for (const char *s; argc < 8 && (s = va_arg(ap, const char *)) != NULL; argc++) {
        argv[argc] = s;
        len[argc] = strlen(s);
    }
    va_end(ap);
    client_cmd(a, "+OK\r\n", "WATCH", key);
    rl_assert_resp_len(rl_emu_client_call(b, argc, argv, len), reply, strlen(reply));
    client_cmd(a, "+OK\r\n", "MULTI");
    rl_assert_resp_len(rl_emu_client_callv(a, "EXEC", (const char *)NULL), exec, strlen(exec));
}

/* Redis 7.0 signals a key from the write commands whatever the value ends
 * up being, with a few exceptions (redis-server 7.0.15). */
static void watch_should_count_writes_as_redis_signals_them(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_client *a = rl_emu_client_new(emu);
    rl_emu_client *b = rl_emu_client_new(emu);
    rl_assert_cmd(emu, ":1\r\n", "HSET", "h", "f", "v");
    rl_assert_cmd(emu, ":1\r\n", "RPUSH", "l", "x");
    rl_assert_cmd(emu, ":1\r\n", "SADD", "s", "m");
    rl_assert_cmd(emu, ":1\r\n", "ZADD", "z", "1", "m");
    rl_assert_cmd(emu, "+OK\r\n", "SET", "k", "ab");
    /* The same content, still a change. */
    watch_case(a, b, "h", "*-1\r\n", ":0\r\n", "HSET", "h", "f", "v", NULL);
    watch_case(a, b, "l", "*-1\r\n", "+OK\r\n", "LSET", "l", "0", "x", NULL);
    watch_case(a, b, "k", "*-1\r\n", ":2\r\n", "APPEND", "k", "", NULL);
    watch_case(a, b, "k", "*-1\r\n", ":2\r\n", "SETRANGE", "k", "0", "ab", NULL);
    watch_case(a, b, "k", "*-1\r\n", ":1\r\n", "EXPIREAT", "k", "4000000000", NULL);
    watch_case(a, b, "k", "*-1\r\n", ":1\r\n", "EXPIREAT", "k", "4000000000", NULL);
    watch_case(a, b, "h", "*-1\r\n", ":0\r\n", "EVAL",
               "return redis.call('hset', KEYS[1], 'f', 'v')", "1", "h", NULL);
    /* Not a change for Redis. */
    watch_case(a, b, "s", "*0\r\n", ":0\r\n", "SADD", "s", "m", NULL);
    watch_case(a, b, "s", "*0\r\n", ":0\r\n", "SREM", "s", "nope", NULL);
    watch_case(a, b, "z", "*0\r\n", ":0\r\n", "ZADD", "z", "1", "m", NULL);
    watch_case(a, b, "z", "*0\r\n", "$1\r\n1\r\n", "ZINCRBY", "z", "0", "m", NULL);
    watch_case(a, b, "l", "*0\r\n", ":0\r\n", "LREM", "l", "0", "nope", NULL);
    watch_case(a, b, "k", "*0\r\n", ":2\r\n", "SETRANGE", "k", "0", "", NULL);
    watch_case(a, b, "k", "*0\r\n", ":0\r\n", "SETBIT", "k", "0", "0", NULL);
    watch_case(a, b, "s", "*0\r\n", ":0\r\n", "EVAL", "return redis.call('sadd', KEYS[1], 'm')",
               "1", "s", NULL);
    rl_test_free_emu(emu);
}

static void watch_should_see_expiry_on_the_clock(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "SET", "k", "v", "PX", "100");
    rl_assert_cmd(emu, "+OK\r\n", "WATCH", "k");
    rl_emu_advance_ms(emu, 50);
    rl_assert_cmd(emu, "+OK\r\n", "MULTI");
    rl_assert_cmd(emu, "*0\r\n", "EXEC");
    rl_assert_cmd(emu, "+OK\r\n", "WATCH", "k");
    rl_emu_advance_ms(emu, 51);
    rl_assert_cmd(emu, "+OK\r\n", "MULTI");
    rl_assert_cmd(emu, "*-1\r\n", "EXEC");
    rl_test_free_emu(emu);
}

static void watch_should_end_with_its_client(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_client *a = rl_emu_client_new(emu);
    client_cmd(a, "+OK\r\n", "WATCH", "k", "k2", "k");
    client_cmd(a, "+OK\r\n", "MULTI");
    client_cmd(a, "+QUEUED\r\n", "SET", "k", "queued");
    rl_emu_client_free(a);
    /* The freed client's queue never runs, and touching its keys is safe. */
    rl_assert_cmd(emu, "+OK\r\n", "SET", "k", "v");
    rl_assert_cmd(emu, "$1\r\nv\r\n", "GET", "k");
    /* WATCHes left at rl_emu_free are freed with their client. */
    rl_assert_cmd(emu, "+OK\r\n", "WATCH", "k");
    rl_assert_cmd(emu, "+OK\r\n", "MULTI");
    rl_assert_cmd(emu, "+QUEUED\r\n", "GET", "k");
    rl_test_free_emu(emu);
}

static void multi_commands_should_have_redis_rows(void **state)
{
    (void)state;
    /* COMMAND INFO on redis-server 7.0.15 (may-replicate from publish.json). */
    const uint64_t tx = RL_CMD_NOSCRIPT | RL_CMD_LOADING | RL_CMD_STALE;
    const rl_test_row rows[] = {
        { "multi", 1, tx | RL_CMD_FAST | RL_CMD_ALLOW_BUSY, 0, 0, 0 },
        { "exec", 1, tx | RL_CMD_SKIP_SLOWLOG, 0, 0, 0 },
        { "discard", 1, tx | RL_CMD_FAST | RL_CMD_ALLOW_BUSY, 0, 0, 0 },
        { "watch", -2, tx | RL_CMD_FAST | RL_CMD_ALLOW_BUSY, 1, -1, 1 },
        { "unwatch", 1, tx | RL_CMD_FAST | RL_CMD_ALLOW_BUSY, 0, 0, 0 },
        { "publish", 3,
          RL_CMD_PUBSUB | RL_CMD_LOADING | RL_CMD_STALE | RL_CMD_FAST | RL_CMD_MAY_REPLICATE, 0, 0,
          0 },
        { "spublish", 3,
          RL_CMD_PUBSUB | RL_CMD_LOADING | RL_CMD_STALE | RL_CMD_FAST | RL_CMD_MAY_REPLICATE, 1, 1,
          1 },
    };
    rl_assert_command_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void publish_should_reach_nobody(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":0\r\n", "PUBLISH", "ch", "m");
    rl_assert_cmd(emu, "*4\r\n$1\r\na\r\n:0\r\n$1\r\nb\r\n:0\r\n", "PUBSUB", "NUMSUB", "a", "b");
    rl_assert_cmd(emu,
                  "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try "
                  "PUBSUB HELP.\r\n",
                  "PUBSUB", "CHANNELS", "a", "b");
    rl_assert_cmd(emu,
                  "-ERR Write commands are not allowed from read-only scripts. script: "
                  "74b48facc8d88408df5ec994b50567763b69a952, on @user_script:1.\r\n",
                  "EVAL_RO", "return redis.call('publish','ch','m')", "0");
    rl_test_free_emu(emu);
}

/* A script past the busy threshold: another client's MULTI and DISCARD run
 * (allow-busy), a queued command is refused with BUSY and flags the
 * transaction, UNWATCH is queued, and EXEC is refused with EXECABORT
 * carrying the BUSY text (redis-server 7.0.15, busy-reply-threshold 100). */
static void on_busy(rl_emu *emu, void *ud)
{
    int *calls = ud;
    if ((*calls)++ > 0) return;
    rl_emu_client *b = rl_emu_client_new(emu);
    client_cmd(b, "+OK\r\n", "MULTI");
    client_cmd(b,
               "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or "
               "SHUTDOWN NOSAVE.\r\n",
               "GET", "k");
    client_cmd(b, "-ERR WATCH inside MULTI is not allowed\r\n", "WATCH", "x");
    client_cmd(b, "+QUEUED\r\n", "UNWATCH");
    client_cmd(b,
               "-EXECABORT Transaction discarded because of: BUSY Redis is busy running a "
               "script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
               "EXEC");
    client_cmd(b, "+OK\r\n", "MULTI");
    client_cmd(b, "+OK\r\n", "DISCARD");
    client_cmd(b, "+OK\r\n", "SCRIPT", "KILL");
    rl_emu_client_free(b);
}

static void multi_should_meet_a_busy_script_as_redis(void **state)
{
    (void)state;
    int calls = 0;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_busy_threshold_ms(emu, 20);
    rl_emu_set_busy_callback(emu, on_busy, &calls);
    rl_assert_cmd(emu,
                  "-ERR Script killed by user with SCRIPT KILL... script: "
                  "694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7, on @user_script:1.\r\n",
                  "EVAL", "while true do end", "0");
    assert_true(calls > 0);
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clients_should_share_the_keyspace),
        cmocka_unit_test(clients_should_each_have_their_own_db),
        cmocka_unit_test(clients_should_each_have_their_own_protocol),
        cmocka_unit_test(clients_should_be_freed_by_emu_free),
        cmocka_unit_test(clients_should_report_errors_like_the_builtin_one),
        cmocka_unit_test(multi_should_queue_and_exec),
        cmocka_unit_test(multi_should_abort_after_a_queueing_error),
        cmocka_unit_test(multi_should_answer_oom_while_queueing),
        cmocka_unit_test(multi_should_run_scripts_at_exec),
        cmocka_unit_test(watch_should_fail_exec_when_another_client_writes),
        cmocka_unit_test(watch_should_see_expiry_on_the_clock),
        cmocka_unit_test(watch_should_end_with_its_client),
        cmocka_unit_test(watch_should_count_writes_as_redis_signals_them),
        cmocka_unit_test(multi_commands_should_have_redis_rows),
        cmocka_unit_test(publish_should_reach_nobody),
        cmocka_unit_test(multi_should_meet_a_busy_script_as_redis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
