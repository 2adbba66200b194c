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
    client_cmd(a, "-ERR unknown command 'NOPE', with args beginning with: 'x' \r\n", "NOPE",
               "x");
    client_cmd(a, "-ERR wrong number of arguments for 'get' command\r\n", "GET");
    rl_assert_resp(rl_emu_client_call(a, 0, NULL, NULL),
                   "-ERR unknown command '', with args beginning with: \r\n");
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
