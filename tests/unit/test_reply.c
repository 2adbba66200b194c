/* The reply model: builders, the RESP serializer and the RESP parser. */
#include "test_common.h"

#include <math.h>

#include "server.h"
#include "commands.h"

static rl_reply *build_nested(int proto)
{
    rl_emu *emu = rl_emu_new();
    rl_client *c = rl_client_new(emu);
    c->resp = proto;
    rl_add_reply_array_len(c, 4);
    rl_add_reply_long_long(c, -7);
    rl_add_reply_map_len(c, 1);
    rl_add_reply_bulk(c, "k\0x", 3);
    rl_add_reply_double(c, 1.5);
    void *d = rl_add_reply_deferred_len(c);
    rl_add_reply_null(c);
    rl_add_reply_array_len(c, 0);
    rl_add_reply_status(c, "OK");
    rl_set_deferred_set_len(c, d, 3);
    rl_add_reply_error(c, "ERR boom");
    rl_reply *r = rl_client_take_reply(c);
    rl_client_free(c);
    rl_emu_free(emu);
    return r;
}

static void builder_should_nest_aggregates_in_resp2(void **state)
{
    (void)state;
    rl_assert_resp(build_nested(2),
                   "*4\r\n:-7\r\n*2\r\n$3\r\nk\0x\r\n$3\r\n1.5\r\n"
                   "*3\r\n$-1\r\n*0\r\n+OK\r\n-ERR boom\r\n");
    assert_int_equal(rl_mem_used(), 0);
}

static void builder_should_emit_resp3_types_for_resp3_clients(void **state)
{
    (void)state;
    rl_reply *r = build_nested(3);
    size_t len;
    char *s = rl_reply_to_resp(r, 3, &len);
    const char want[] = "*4\r\n:-7\r\n%1\r\n$3\r\nk\0x\r\n,1.5\r\n"
                        "~3\r\n_\r\n*0\r\n+OK\r\n-ERR boom\r\n";
    assert_int_equal(len, sizeof(want) - 1);
    assert_memory_equal(s, want, len);
    rl_free(s);
    rl_reply_free(r);
    assert_int_equal(rl_mem_used(), 0);
}

static void parser_should_round_trip_every_type(void **state)
{
    (void)state;
    const char in[] = "*9\r\n+OK\r\n-ERR x\r\n:42\r\n$3\r\na\0b\r\n$-1\r\n*-1\r\n"
                      "%1\r\n+k\r\n,-inf\r\n~1\r\n#t\r\n=7\r\ntxt:abc\r\n";
    size_t consumed;
    rl_reply *r = rl_reply_parse(in, sizeof(in) - 1, &consumed);
    assert_non_null(r);
    assert_int_equal(consumed, sizeof(in) - 1);
    assert_int_equal(r->elements, 9);
    assert_int_equal(r->element[6]->type, RL_REPLY_MAP);
    assert_int_equal(r->element[6]->elements, 2);
    assert_true(isinf(r->element[6]->element[1]->dval));
    assert_string_equal(r->element[8]->vtype, "txt");
    size_t len;
    char *out = rl_reply_to_resp(r, 3, &len);
    /* The RESP2 nulls come back in RESP3 form when serialized for RESP3. */
    const char want3[] = "*9\r\n+OK\r\n-ERR x\r\n:42\r\n$3\r\na\0b\r\n_\r\n_\r\n"
                         "%1\r\n+k\r\n,-inf\r\n~1\r\n#t\r\n=7\r\ntxt:abc\r\n";
    assert_int_equal(len, sizeof(want3) - 1);
    assert_memory_equal(out, want3, len);
    rl_free(out);
    out = rl_reply_to_resp(r, 2, &len);
    assert_memory_equal(out, in, 4 + 5 + 8 + 5 + 9 + 5 + 5);
    rl_free(out);
    rl_reply_free(r);
    assert_int_equal(rl_mem_used(), 0);
}

static void parser_should_wait_for_incomplete_input(void **state)
{
    (void)state;
    const char in[] = "*2\r\n$5\r\nhello\r\n:1";
    size_t consumed = 99;
    for (size_t n = 0; n < sizeof(in) - 1; n++) {
        assert_null(rl_reply_parse(in, n, &consumed));
        assert_int_equal(consumed, 0);
    }
    assert_int_equal(rl_mem_used(), 0);
}

static void parser_should_reject_malformed_input(void **state)
{
    (void)state;
    size_t consumed = 0;
    assert_null(rl_reply_parse("?x\r\n", 4, &consumed));
    assert_true(consumed == (size_t)-1);
    assert_null(rl_reply_parse(":1x\r\n", 5, &consumed));
    assert_true(consumed == (size_t)-1);
    assert_null(rl_reply_parse("*1\r\n$-2\r\n", 9, &consumed));
    assert_true(consumed == (size_t)-1);
    assert_int_equal(rl_mem_used(), 0);
}

static void reply_equal_should_compare_deeply(void **state)
{
    (void)state;
    rl_reply *a = build_nested(2);
    rl_reply *b = rl_reply_dup(a);
    assert_true(rl_reply_equal(a, b));
    b->element[0]->integer = 8;
    assert_false(rl_reply_equal(a, b));
    rl_reply_free(a);
    rl_reply_free(b);
    assert_int_equal(rl_mem_used(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builder_should_nest_aggregates_in_resp2),
        cmocka_unit_test(builder_should_emit_resp3_types_for_resp3_clients),
        cmocka_unit_test(parser_should_round_trip_every_type),
        cmocka_unit_test(parser_should_wait_for_incomplete_input),
        cmocka_unit_test(parser_should_reject_malformed_input),
        cmocka_unit_test(reply_equal_should_compare_deeply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
