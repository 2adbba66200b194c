/* A script past the busy threshold (rl_emu_set_busy_callback): other
 * clients get Redis's BUSY replies, SCRIPT KILL / FUNCTION KILL / SHUTDOWN
 * NOSAVE act on it. Expected texts come from redis-server 7.0.15 (Debian)
 * with busy-reply-threshold 100, the same scripts sent from one connection
 * and the commands from another; tests/diff/busy_diff.c compares them live. */
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "test_common.h"

#define BUSY_EVAL                                                                      \
    "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN " \
    "NOSAVE.\r\n"
#define BUSY_FUNCTION                                                                    \
    "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN " \
    "NOSAVE.\r\n"
#define UNKILLABLE                                                                           \
    "-UNKILLABLE Sorry the script already executed write commands against the dataset. You " \
    "can either wait the script termination or kill the server in a hard way using the "     \
    "SHUTDOWN NOSAVE command.\r\n"

#define MAX_CMDS 16

/* What the busy callback does: on its first call, sends each command from
 * another client (or from the script's caller when from_caller is set) and
 * keeps the replies, serialized as RESP2. */
typedef struct busy_plan {
    const char *cmds[MAX_CMDS][5]; /* NULL-terminated argument lists */
    int ncmds;
    int from_caller;
    int calls; /* how many times the callback ran */
    char *replies[MAX_CMDS];
} busy_plan;

static void on_busy(rl_emu *emu, void *ud)
{
    busy_plan *p = ud;
    assert_true(rl_emu_script_busy(emu));
    if (p->calls++ > 0) return;
    rl_emu_client *c = p->from_caller ? NULL : rl_emu_client_new(emu);
    for (int i = 0; i < p->ncmds; i++) {
        const char *const *a = p->cmds[i];
        int argc = 0;
        size_t lens[5];
        while (argc < 5 && a[argc]) {
            lens[argc] = strlen(a[argc]);
            argc++;
        }
        rl_reply *r = c ? rl_emu_client_call(c, argc, a, lens) : rl_emu_call(emu, argc, a, lens);
        size_t len;
        p->replies[i] = rl_reply_to_resp(r, 2, &len);
        rl_reply_free(r);
    }
    rl_emu_client_free(c);
}

static rl_emu *busy_emu(busy_plan *p)
{
    rl_emu *emu = rl_emu_new();
    rl_emu_set_busy_threshold_ms(emu, 50);
    rl_emu_set_busy_callback(emu, on_busy, p);
    return emu;
}

static void plan_free(busy_plan *p)
{
    for (int i = 0; i < p->ncmds; i++) rl_free(p->replies[i]);
}

/* A read-only EVAL: every command but the allowed ones is refused with the
 * EVAL variant of BUSY (after the unknown-command and arity checks), and
 * SCRIPT KILL stops it with Redis's error on the line it was running. */
static void busy_eval_should_refuse_others_and_die_on_script_kill(void **state)
{
    (void)state;
    busy_plan p = { .cmds = { { "PING" },
                              { "GET", "k" },
                              { "NOSUCH" },
                              { "GET" },
                              { "FUNCTION", "KILL" },
                              { "FUNCTION", "STATS" },
                              { "SHUTDOWN" },
                              { "SHUTDOWN", "SAVE" },
                              { "SHUTDOWN", "foo" },
                              { "SCRIPT", "DEBUG", "no" },
                              { "EVAL", "return 1", "0" },
                              { "EXEC" },
                              { "SCRIPT", "KILL" },
                              { "PING" } },
                    .ncmds = 14 };
    rl_emu *emu = busy_emu(&p);
    rl_assert_cmd(emu,
                  "-ERR Script killed by user with SCRIPT KILL... script: "
                  "a4e39fc82d12dc3aa92764a40dba1b3fc2076889, on @user_script:2.\r\n",
                  "EVAL", "local x = 1\nwhile true do end", "1", "k");
    assert_int_equal(p.calls, 1);
    const char *want[] = {
        BUSY_EVAL,
        BUSY_EVAL,
        "-ERR unknown command 'NOSUCH', with args beginning with: \r\n",
        "-ERR wrong number of arguments for 'get' command\r\n",
        BUSY_EVAL,
        BUSY_EVAL,
        BUSY_EVAL,
        BUSY_EVAL,
        "-ERR syntax error\r\n",
        BUSY_EVAL,
        BUSY_EVAL,
        "-EXECABORT Transaction discarded because of: BUSY Redis is busy "
        "running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
        "+OK\r\n",
        BUSY_EVAL
    };
    for (int i = 0; i < p.ncmds; i++) assert_string_equal(p.replies[i], want[i]);
    assert_false(rl_emu_script_busy(emu));
    rl_assert_cmd(emu, "-NOTBUSY No scripts in execution right now.\r\n", "SCRIPT", "KILL");
    rl_assert_cmd(emu, "+PONG\r\n", "PING");
    /* The Lua VM is usable again, and pcall did not keep the stop. */
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return 1", "0");
    plan_free(&p);
    rl_test_free_emu(emu);
}

/* A script that wrote can't be killed by either command; SHUTDOWN NOSAVE
 * stops it (redlua's texts: Redis exits there), and what it wrote stays. */
static void written_script_should_be_unkillable_but_stop_on_shutdown_nosave(void **state)
{
    (void)state;
    busy_plan p = { .cmds = { { "SCRIPT", "KILL" },
                              { "FUNCTION", "KILL" },
                              { "GET", "k" },
                              { "SHUTDOWN", "NOSAVE", "SAVE" },
                              { "SHUTDOWN", "ABORT" },
                              { "SHUTDOWN", "NOSAVE" } },
                    .ncmds = 6 };
    rl_emu *emu = busy_emu(&p);
    rl_reply *r = rl_emu_callv(emu, "EVAL", "redis.call('set', KEYS[1], 'v') while true do end",
                               "1", "k", (const char *)NULL);
    assert_int_equal(r->type, RL_REPLY_ERROR);
    const char *prefix = RL_ERR_SCRIPT_SHUTDOWN " script: ";
    assert_memory_equal(r->str, prefix, strlen(prefix));
    assert_non_null(strstr(r->str, ", on @user_script:1."));
    rl_reply_free(r);
    const char *want[] = { UNKILLABLE,
                           UNKILLABLE,
                           BUSY_EVAL,
                           "-ERR syntax error\r\n",
                           "-ERR No shutdown in progress.\r\n",
                           "-" RL_ERR_SHUTDOWN_BUSY_EMULATED "\r\n" };
    for (int i = 0; i < p.ncmds; i++) assert_string_equal(p.replies[i], want[i]);
    rl_assert_cmd(emu, "$1\r\nv\r\n", "GET", "k");
    rl_assert_cmd(emu, "-" RL_ERR_SHUTDOWN_UNSUPPORTED "\r\n", "SHUTDOWN", "NOSAVE");
    plan_free(&p);
    rl_test_free_emu(emu);
}

/* A function: the FUNCTION variant of BUSY, SCRIPT KILL refused, FUNCTION
 * STATS shows it, FUNCTION KILL stops it. */
static void busy_function_should_show_in_stats_and_die_on_function_kill(void **state)
{
    (void)state;
    busy_plan p = { .cmds = { { "PING" },
                              { "SCRIPT", "KILL" },
                              { "FUNCTION", "STATS" },
                              { "FUNCTION", "KILL" } },
                    .ncmds = 4 };
    rl_emu *emu = busy_emu(&p);
    rl_assert_cmd(emu, "$3\r\nlib\r\n", "FUNCTION", "LOAD",
                  "#!lua name=lib\n"
                  "redis.register_function('spin', function() while true do end end)");
    rl_assert_cmd(emu,
                  "-ERR Script killed by user with SCRIPT KILL... script: spin, on "
                  "@user_function:2.\r\n",
                  "FCALL", "spin", "1", "k");
    assert_string_equal(p.replies[0], BUSY_FUNCTION);
    assert_string_equal(p.replies[1], BUSY_FUNCTION);
    const char *stats = "*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n"
                        "$7\r\ncommand\r\n*4\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n1\r\n$1\r\nk\r\n"
                        "$11\r\nduration_ms\r\n:";
    assert_memory_equal(p.replies[2], stats, strlen(stats));
    long ms = strtol(p.replies[2] + strlen(stats), NULL, 10);
    assert_true(ms >= 50 && ms < 5000);
    assert_non_null(strstr(p.replies[2], "$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n"));
    assert_string_equal(p.replies[3], "+OK\r\n");
    plan_free(&p);
    rl_test_free_emu(emu);
}

/* Killing can't be swallowed by pcall, nor by a coroutine, and a script's
 * own caller gets redlua's text when it sends a command while busy. */
static void kill_should_not_be_caught_by_pcall_or_coroutines(void **state)
{
    (void)state;
    static const char *const scripts[] = {
        "while true do pcall(function() while true do end end) end",
        "local co = coroutine.create(function() while true do end end)\n"
        "while true do coroutine.resume(co) end",
    };
    for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
        busy_plan p = { .cmds = { { "SCRIPT", "KILL" } }, .ncmds = 1 };
        rl_emu *emu = busy_emu(&p);
        rl_reply *r = rl_emu_callv(emu, "EVAL", scripts[i], "0", (const char *)NULL);
        assert_int_equal(r->type, RL_REPLY_ERROR);
        const char *prefix = "ERR Script killed by user with SCRIPT KILL... script: ";
        assert_memory_equal(r->str, prefix, strlen(prefix));
        rl_reply_free(r);
        assert_string_equal(p.replies[0], "+OK\r\n");
        plan_free(&p);
        rl_test_free_emu(emu);
    }

    /* As in Redis, a script that catches the kill in a coroutine and
     * returns before its own thread's next count check returns normally. */
    busy_plan q = { .cmds = { { "SCRIPT", "KILL" } }, .ncmds = 1 };
    rl_emu *emu = busy_emu(&q);
    rl_assert_cmd(emu, "$-1\r\n", "EVAL",
                  "return coroutine.resume(coroutine.create(function() while true do end end))",
                  "0");
    plan_free(&q);
    rl_test_free_emu(emu);

    busy_plan p = { .cmds = { { "PING" }, { "SCRIPT", "KILL" } }, .ncmds = 2, .from_caller = 1 };
    emu = busy_emu(&p);
    rl_emu_set_script_timeout_ms(emu, 200);
    rl_reply *r = rl_emu_callv(emu, "EVAL", "while true do end", "0", (const char *)NULL);
    assert_int_equal(r->type, RL_REPLY_ERROR);
    assert_non_null(strstr(r->str, "exceeded the time limit of 200 ms"));
    rl_reply_free(r);
    assert_string_equal(p.replies[0], "-" RL_ERR_BUSY_CALLER "\r\n");
    assert_string_equal(p.replies[1], "-" RL_ERR_BUSY_CALLER "\r\n");
    plan_free(&p);
    rl_test_free_emu(emu);
}

/* The busy threshold and the time limit are separate: the callback runs
 * again and again while nobody kills the script, the time limit still stops
 * it; a script that ends before the threshold never calls it; threshold 0
 * means never busy. */
static void busy_threshold_should_be_apart_from_the_time_limit(void **state)
{
    (void)state;
    busy_plan p = { .ncmds = 0 };
    rl_emu *emu = busy_emu(&p);
    rl_emu_set_script_timeout_ms(emu, 300);
    rl_reply *r = rl_emu_callv(emu, "EVAL", "while true do end", "0", (const char *)NULL);
    assert_non_null(strstr(r->str, "ERR Script killed by redlua: it exceeded the time limit"));
    rl_reply_free(r);
    assert_true(p.calls > 1);

    p.calls = 0;
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "return 1", "0");
    assert_int_equal(p.calls, 0);

    rl_emu_set_busy_threshold_ms(emu, 0);
    rl_emu_set_script_timeout_ms(emu, 100);
    r = rl_emu_callv(emu, "EVAL", "while true do end", "0", (const char *)NULL);
    assert_non_null(strstr(r->str, "exceeded the time limit of 100 ms"));
    rl_reply_free(r);
    assert_int_equal(p.calls, 0);

    /* With no time limit at all, the busy callback alone can end it (on
     * LuaJIT this keeps the interpreter on, or the loop would never see a
     * hook). */
    busy_plan k = { .cmds = { { "SCRIPT", "KILL" } }, .ncmds = 1 };
    rl_emu_set_busy_callback(emu, on_busy, &k);
    rl_emu_set_busy_threshold_ms(emu, 50);
    rl_emu_set_script_timeout_ms(emu, 0);
    r = rl_emu_callv(emu, "EVAL", "while true do end", "0", (const char *)NULL);
    assert_non_null(strstr(r->str, "ERR Script killed by user with SCRIPT KILL..."));
    rl_reply_free(r);
    plan_free(&k);
    rl_test_free_emu(emu);
}

/* SCRIPT DEBUG's arguments as Redis checks them; YES and SYNC get redlua's
 * error (no debugger). */
static void script_debug_should_check_its_mode(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-ERR Use SCRIPT DEBUG YES/SYNC/NO\r\n", "SCRIPT", "DEBUG", "foo");
    rl_assert_cmd(emu, "+OK\r\n", "SCRIPT", "DEBUG", "no");
    rl_assert_cmd(emu, "+OK\r\n", "SCRIPT", "DEBUG", "NO");
    rl_assert_cmd(emu, "-" RL_ERR_SCRIPT_DEBUG_UNSUPPORTED "\r\n", "SCRIPT", "DEBUG", "yes");
    rl_assert_cmd(emu, "-" RL_ERR_SCRIPT_DEBUG_UNSUPPORTED "\r\n", "SCRIPT", "DEBUG", "Sync");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'script|debug' command\r\n", "SCRIPT",
                  "DEBUG");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'script|debug' command\r\n", "SCRIPT",
                  "DEBUG", "a", "b");
    rl_assert_cmd(emu, "-ERR This Redis command is not allowed from script\r\n", "EVAL",
                  "return redis.pcall('script', 'debug', 'no')", "0");
    rl_assert_cmd(emu, "-ERR This Redis command is not allowed from script\r\n", "EVAL",
                  "return redis.pcall('shutdown')", "0");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "SHUTDOWN", "foo");
    rl_assert_cmd(emu, "-ERR No shutdown in progress.\r\n", "SHUTDOWN", "abort");
    rl_assert_cmd(emu, "-NOTBUSY No scripts in execution right now.\r\n", "FUNCTION", "KILL");
    static const rl_test_row rows[] = {
        { "shutdown", -1,
          RL_CMD_ADMIN | RL_CMD_NOSCRIPT | RL_CMD_LOADING | RL_CMD_STALE | RL_CMD_NO_MULTI |
              RL_CMD_ALLOW_BUSY,
          0, 0, 0 },
    };
    rl_assert_command_rows(rows, 1);
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(busy_eval_should_refuse_others_and_die_on_script_kill),
        cmocka_unit_test(written_script_should_be_unkillable_but_stop_on_shutdown_nosave),
        cmocka_unit_test(busy_function_should_show_in_stats_and_die_on_function_kill),
        cmocka_unit_test(kill_should_not_be_caught_by_pcall_or_coroutines),
        cmocka_unit_test(busy_threshold_should_be_apart_from_the_time_limit),
        cmocka_unit_test(script_debug_should_check_its_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
