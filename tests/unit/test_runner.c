/* The runner against a scripted fake backend: which commands it sends (and
 * in what order), skips on a backend without a clock, and the keyspace check
 * reading RESP2 and RESP3 shapes, independent of what the emulator already
 * implements. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "backend.h"
#include "fixture.h"
#include "report.h"
#include "runner.h"

/* A canned answer: the command as its arguments joined by spaces, and the
 * RESP bytes of the reply. */
typedef struct canned {
    const char *cmd;
    const char *resp;
} canned;

typedef struct fake {
    const canned *answers;
    int resets;
    int clock_sets;
    int64_t clock;
    rl_buf log; /* "step: command" lines, from the hook */
} fake;

static rl_reply *fake_call(rl_backend *b, int argc, const char *const *argv, const size_t *argvlen)
{
    fake *f = b->ctx;
    rl_buf cmd = { 0 };
    for (int i = 0; i < argc; i++) {
        if (i > 0) rl_buf_puts(&cmd, " ");
        rl_buf_put(&cmd, argv[i], argvlen[i]);
    }
    const char *resp = "-ERR fake: no answer\r\n";
    for (const canned *c = f->answers; c->cmd != NULL; c++) {
        if (strcmp(c->cmd, cmd.p) == 0) {
            resp = c->resp;
            break;
        }
    }
    rl_buf_free(&cmd);
    size_t consumed;
    rl_reply *r = rl_reply_parse(resp, strlen(resp), &consumed);
    assert_non_null(r);
    return r;
}

static int fake_reset(rl_backend *b)
{
    ((fake *)b->ctx)->resets++;
    return 0;
}

static int fake_set_clock(rl_backend *b, int64_t ms)
{
    fake *f = b->ctx;
    f->clock_sets++;
    f->clock = ms;
    return 0;
}

static int fake_advance(rl_backend *b, int64_t ms)
{
    ((fake *)b->ctx)->clock += ms;
    return 0;
}

static const char *fake_null(rl_backend *b)
{
    (void)b;
    return NULL;
}

static void hook(void *ud, size_t case_index, int step, int argc, const char *const *argv,
                 const size_t *argvlen, const rl_reply *reply)
{
    fake *f = ud;
    (void)case_index;
    (void)reply;
    rl_buf_printf(&f->log, "%d:", step);
    for (int i = 0; i < argc; i++) {
        rl_buf_puts(&f->log, " ");
        rl_buf_put(&f->log, argv[i], argvlen[i]);
    }
    rl_buf_puts(&f->log, "\n");
}

static void fake_init(rl_backend *b, fake *f, const canned *answers, int has_clock)
{
    memset(b, 0, sizeof(*b));
    memset(f, 0, sizeof(*f));
    f->answers = answers;
    b->name = "fake";
    b->has_clock = has_clock;
    b->ctx = f;
    b->reset = fake_reset;
    b->call = fake_call;
    b->set_clock_ms = fake_set_clock;
    b->advance_ms = fake_advance;
    b->last_traceback = fake_null;
    b->last_log = fake_null;
}

static rl_fixture *load(const char *text)
{
    char path[] = "/tmp/rl_test_runner.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char err[512];
    rl_fixture *f = rl_fixture_load(path, err, sizeof(err));
    unlink(path);
    if (f == NULL) fail_msg("load error: %s", err);
    return f;
}

static void runner_should_skip_clock_cases_on_a_backend_without_clock(void **state)
{
    (void)state;
    static const canned answers[] = { { NULL, NULL } };
    rl_backend b;
    fake fk;
    fake_init(&b, &fk, answers, 0);
    rl_fixture *f = load("{\"redlua\": 1, \"cases\": ["
                         "{\"clock_ms\": 5, \"steps\": [{\"call\": [\"PING\"]}]},"
                         "{\"steps\": [{\"advance_ms\": 10}]}]}");
    rl_case_result res;
    assert_int_equal(rl_run_case(&b, f, 0, hook, &fk, &res), 0);
    assert_int_equal(res.status, RL_CASE_SKIP);
    assert_string_equal(res.message, "the fake backend has no clock and the case uses clock_ms");
    rl_case_result_clear(&res);
    assert_int_equal(rl_run_case(&b, f, 1, hook, &fk, &res), 0);
    assert_int_equal(res.status, RL_CASE_SKIP);
    assert_non_null(strstr(res.message, "advance_ms"));
    rl_case_result_clear(&res);
    /* Nothing was sent: a skipped case never half-runs. */
    assert_int_equal(fk.resets, 0);
    assert_null(fk.log.p);
    rl_fixture_free(f);
    assert_int_equal(rl_mem_used(), 0);
}

static void runner_should_load_a_script_once_and_call_it_by_sha(void **state)
{
    (void)state;
    static const canned answers[] = {
        { "SCRIPT LOAD return 7", "$3\r\nabc\r\n" },
        { "EVALSHA abc 1 k a", ":7\r\n" },
        { "EVALSHA abc 0", ":7\r\n" },
        { "FCALL fn 2 k1 k2 x", "+OK\r\n" },
        { NULL, NULL },
    };
    rl_backend b;
    fake fk;
    fake_init(&b, &fk, answers, 1);
    rl_fixture *f = load("{\"redlua\": 1, \"scripts\": {\"s\": {\"source\": \"return 7\"}},"
                         "\"cases\": [{\"clock_ms\": 42, \"steps\": ["
                         "{\"eval\": \"s\", \"keys\": [\"k\"], \"args\": [\"a\"], \"reply\": 7},"
                         "{\"advance_ms\": 8},"
                         "{\"eval\": \"s\", \"reply\": 7},"
                         "{\"fcall\": \"fn\", \"keys\": [\"k1\", \"k2\"], \"args\": [\"x\"], "
                         "\"reply\": {\"status\": \"OK\"}}]},"
                         "{\"steps\": [{\"eval\": \"s\", \"reply\": 7}]}]}");
    rl_case_result res;
    assert_int_equal(rl_run_case(&b, f, 0, hook, &fk, &res), 0);
    if (res.status != RL_CASE_PASS) fail_msg("case failed: %s", res.message);
    rl_case_result_clear(&res);
    assert_int_equal(fk.resets, 1);
    assert_true(fk.clock == 50);
    assert_string_equal(fk.log.p,
                        "0: SCRIPT LOAD return 7\n"
                        "0: EVALSHA abc 1 k a\n"
                        "2: EVALSHA abc 0\n"
                        "3: FCALL fn 2 k1 k2 x\n");
    rl_buf_free(&fk.log);
    /* The next case is a fresh server: the script is loaded again, and the
     * clock starts at the default. */
    assert_int_equal(rl_run_case(&b, f, 1, hook, &fk, &res), 0);
    assert_int_equal(res.status, RL_CASE_PASS);
    rl_case_result_clear(&res);
    assert_int_equal(fk.resets, 2);
    assert_true(fk.clock == RL_DEFAULT_CLOCK_MS);
    assert_string_equal(fk.log.p, "0: SCRIPT LOAD return 7\n0: EVALSHA abc 0\n");
    rl_buf_free(&fk.log);
    rl_fixture_free(f);
    assert_int_equal(rl_mem_used(), 0);
}

static void runner_should_judge_a_script_that_does_not_load_by_its_error(void **state)
{
    (void)state;
    static const canned answers[] = {
        { "SCRIPT LOAD return +", "-ERR Error compiling script\r\n" },
        { NULL, NULL },
    };
    rl_backend b;
    fake fk;
    fake_init(&b, &fk, answers, 1);
    rl_fixture *f = load("{\"redlua\": 1, \"scripts\": {\"s\": {\"source\": \"return +\"}},"
                         "\"cases\": [{\"steps\": [{\"eval\": \"s\", "
                         "\"error\": \"ERR Error comp*\"}]},"
                         "{\"steps\": [{\"eval\": \"s\"}]}]}");
    rl_case_result res;
    assert_int_equal(rl_run_case(&b, f, 0, NULL, NULL, &res), 0);
    assert_int_equal(res.status, RL_CASE_PASS);
    rl_case_result_clear(&res);
    assert_int_equal(rl_run_case(&b, f, 1, NULL, NULL, &res), 0);
    assert_int_equal(res.status, RL_CASE_FAIL);
    assert_non_null(strstr(res.message, "actual error:   \"ERR Error compiling script\""));
    assert_non_null(strstr(res.message, "SCRIPT LOAD"));
    rl_case_result_clear(&res);
    rl_fixture_free(f);
    assert_int_equal(rl_mem_used(), 0);
}

/* A database as RESP3 presents it: maps, sets, doubles. */
static const canned resp3_db[] = {
    { "SELECT 0", "+OK\r\n" },
    { "SCAN 0 COUNT 1000", "*2\r\n$1\r\n7\r\n*2\r\n$1\r\nh\r\n$1\r\nz\r\n" },
    { "SCAN 7 COUNT 1000", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\ns\r\n$1\r\nh\r\n" },
    { "TYPE h", "+hash\r\n" },
    { "TYPE z", "+zset\r\n" },
    { "TYPE s", "+set\r\n" },
    { "HGETALL h", "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n" },
    { "ZRANGE z 0 -1 WITHSCORES",
      "*2\r\n*2\r\n$1\r\nm\r\n,0.10000000000000001\r\n"
      "*2\r\n$1\r\nn\r\n,inf\r\n" },
    { "SMEMBERS s", "~2\r\n$1\r\nx\r\n$1\r\ny\r\n" },
    { "PTTL h", ":-1\r\n" },
    { "PTTL z", ":-1\r\n" },
    { "PTTL s", ":2400\r\n" },
    { NULL, NULL },
};

static void runner_should_read_the_keyspace_through_commands(void **state)
{
    (void)state;
    rl_backend b;
    fake fk;
    fake_init(&b, &fk, resp3_db, 0);
    rl_fixture *f = load(
        "{\"redlua\": 1, \"cases\": [{\"keyspace\": {"
        "\"h\": {\"type\": \"hash\", \"value\": {\"b\": \"2\", \"a\": \"1\"}},"
        "\"z\": {\"type\": \"zset\", \"value\": [[\"m\", \"0.10000000000000001\"], "
        "[\"n\", \"inf\"]]},"
        "\"s\": {\"type\": \"set\", \"value\": [\"y\", \"x\"], \"ttl\": 3}}},"
        "{\"keyspace\": {"
        "\"h\": {\"type\": \"hash\", \"value\": {\"a\": \"1\", \"b\": \"2\"}},"
        "\"z\": {\"type\": \"zset\", \"value\": [[\"n\", \"inf\"], [\"m\", \"0.1\"]]},"
        "\"s\": {\"type\": \"set\", \"value\": [\"x\", \"y\"], \"ttl\": 1}}},"
        "{\"keyspace\": {\"h\": {\"type\": \"hash\", \"value\": {\"a\": \"1\", \"b\": \"2\"}}}}"
        "]}");
    rl_case_result res;
    assert_int_equal(rl_run_case(&b, f, 0, hook, &fk, &res), 0);
    if (res.status != RL_CASE_PASS) fail_msg("case failed: %s", res.message);
    rl_case_result_clear(&res);
    /* Keys are read in byte order, each once although SCAN repeated h. */
    assert_string_equal(fk.log.p,
                        "-1: SELECT 0\n"
                        "-1: SCAN 0 COUNT 1000\n"
                        "-1: SCAN 7 COUNT 1000\n"
                        "-1: TYPE h\n-1: HGETALL h\n-1: PTTL h\n"
                        "-1: TYPE s\n-1: SMEMBERS s\n-1: PTTL s\n"
                        "-1: TYPE z\n-1: ZRANGE z 0 -1 WITHSCORES\n-1: PTTL z\n");
    rl_buf_free(&fk.log);

    /* Order of zset members matters, and a ttl 1.4 s away is too far. */
    assert_int_equal(rl_run_case(&b, f, 1, NULL, NULL, &res), 0);
    assert_int_equal(res.status, RL_CASE_FAIL);
    assert_non_null(strstr(res.message, "  key \"z\" ("));
    assert_non_null(strstr(res.message,
                           "actual   {\"type\": \"zset\", \"value\": "
                           "[[\"m\", \"0.10000000000000001\"], [\"n\", \"inf\"]]}"));
    assert_non_null(strstr(res.message,
                           "actual   {\"type\": \"set\", \"value\": [\"x\", \"y\"], "
                           "\"ttl\": 2} (PTTL 2400)"));
    assert_null(strstr(res.message, "key \"h\""));
    rl_case_result_clear(&res);

    /* Keys the fixture does not name are reported as extra. */
    assert_int_equal(rl_run_case(&b, f, 2, NULL, NULL, &res), 0);
    assert_int_equal(res.status, RL_CASE_FAIL);
    assert_non_null(strstr(res.message,
                           "unexpected key \"s\": {\"type\": \"set\", \"value\": "
                           "[\"x\", \"y\"], \"ttl\": 2}"));
    assert_non_null(strstr(res.message, "unexpected key \"z\""));
    rl_case_result_clear(&res);
    rl_fixture_free(f);
    assert_int_equal(rl_mem_used(), 0);
}

static void runner_should_fall_back_to_keys_where_scan_is_refused(void **state)
{
    (void)state;
    static const canned answers[] = {
        { "SELECT 0", "+OK\r\n" },  { "KEYS *", "*1\r\n$1\r\nk\r\n" }, { "TYPE k", "+string\r\n" },
        { "GET k", "$1\r\nv\r\n" }, { "PTTL k", ":-1\r\n" },           { NULL, NULL },
    };
    rl_backend b;
    fake fk;
    fake_init(&b, &fk, answers, 1);
    rl_fixture *f = load("{\"redlua\": 1, \"cases\": [{\"keyspace\": "
                         "{\"k\": {\"type\": \"string\", \"value\": \"v\"}}}]}");
    rl_case_result res;
    assert_int_equal(rl_run_case(&b, f, 0, NULL, NULL, &res), 0);
    if (res.status != RL_CASE_PASS) fail_msg("case failed: %s", res.message);
    rl_case_result_clear(&res);
    rl_fixture_free(f);
    assert_int_equal(rl_mem_used(), 0);
}

static void runner_should_stop_at_the_first_failing_step(void **state)
{
    (void)state;
    static const canned answers[] = {
        { "PING", "+PONG\r\n" },
        { "GET k", "$-1\r\n" },
        { NULL, NULL },
    };
    rl_backend b;
    fake fk;
    fake_init(&b, &fk, answers, 1);
    rl_fixture *f = load("{\"redlua\": 1, \"cases\": [{\"name\": \"n\", \"steps\": [\n"
                         "{\"call\": [\"PING\"], \"reply\": {\"status\": \"PONG\"}},\n"
                         "{\"call\": [\"GET\", \"k\"], \"reply\": \"v\"},\n"
                         "{\"call\": [\"PING\"]}]}]}");
    rl_case_result res;
    assert_int_equal(rl_run_case(&b, f, 0, hook, &fk, &res), 0);
    assert_int_equal(res.status, RL_CASE_FAIL);
    assert_non_null(strstr(res.message, "step 2 ("));
    assert_non_null(strstr(res.message,
                           ":3): call [\"GET\", \"k\"]\n"
                           "  expected reply: \"v\"\n"
                           "  actual reply:   null"));
    assert_string_equal(fk.log.p, "0: PING\n1: GET k\n");
    rl_buf_free(&fk.log);
    rl_case_result_clear(&res);
    rl_fixture_free(f);
    assert_int_equal(rl_mem_used(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(runner_should_skip_clock_cases_on_a_backend_without_clock),
        cmocka_unit_test(runner_should_load_a_script_once_and_call_it_by_sha),
        cmocka_unit_test(runner_should_judge_a_script_that_does_not_load_by_its_error),
        cmocka_unit_test(runner_should_read_the_keyspace_through_commands),
        cmocka_unit_test(runner_should_fall_back_to_keys_where_scan_is_refused),
        cmocka_unit_test(runner_should_stop_at_the_first_failing_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
