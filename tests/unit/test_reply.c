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

/* --- Reply sinks ---------------------------------------------------------- */

/* A sink that keeps a copy of the node it is handed (its text copied with
 * its length: the node's text need not be NUL-terminated). */
typedef struct copy_sink {
    rl_reply_sink base;
    rl_reply *got;
} copy_sink;

static void copy_put(rl_reply_sink *sink, const rl_reply *r)
{
    copy_sink *s = (copy_sink *)sink;
    assert_null(s->got);
    s->got = rl_reply_new_str(r->type, r->str ? r->str : "", r->len);
    if (!r->str) s->got->str = NULL;
    s->got->integer = r->integer;
    s->got->dval = r->dval;
    memcpy(s->got->vtype, r->vtype, sizeof(r->vtype));
}

/* Builds reply number which on c. */
static void add_scalar(rl_client *c, int which)
{
    static const char err[] = "ERR a\0b";
    switch (which) {
    case 0: rl_add_reply_status(c, "PONG"); break;
    case 1: rl_add_reply_status_len(c, "a\0b", 3); break;
    case 2: rl_add_reply_ok(c); break;
    case 3: rl_add_reply_error(c, "WRONGTYPE x"); break;
    case 4: rl_add_reply_error_len(c, err, sizeof(err) - 1); break;
    case 5: rl_add_reply_errorf(c, "ERR %s\r\n%d\n", "v", 7); break;
    case 6: rl_add_reply_long_long(c, -9223372036854775807LL - 1); break;
    case 7: rl_add_reply_bulk(c, "x\0y", 3); break;
    case 8: rl_add_reply_bulk(c, "", 0); break;
    case 9: rl_add_reply_bulk_cstr(c, "cstr"); break;
    case 10: rl_add_reply_bulk_cstr(c, NULL); break;
    case 11: rl_add_reply_bulk_long_long(c, -42); break;
    case 12: rl_add_reply_null(c); break;
    case 13: rl_add_reply_null_array(c); break;
    case 14: rl_add_reply_double(c, 0.1); break;
    case 15: rl_add_reply_double(c, -INFINITY); break;
    case 16: rl_add_reply_bool(c, 1); break;
    case 17: rl_add_reply_bool(c, 0); break;
    case 18: rl_add_reply_bignum(c, "123456789012345678901234567890", 30); break;
    case 19: rl_add_reply_verbatim(c, "v\0t", 3, "txt"); break;
    default: fail();
    }
}
#define NUM_SCALARS 20

/* Every scalar builder hands its sink the node the tree would hold, for
 * RESP2 and RESP3 clients, and builds nothing itself. */
static void sink_should_get_the_node_the_tree_would_hold(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_client *c = rl_client_new(emu);
    for (int proto = 2; proto <= 3; proto++) {
        c->resp = proto;
        for (int which = 0; which < NUM_SCALARS; which++) {
            add_scalar(c, which);
            rl_reply *tree = rl_client_take_reply(c);

            copy_sink sink = { { copy_put, 0 }, NULL };
            c->sink = &sink.base;
            add_scalar(c, which);
            assert_null(c->sink);
            assert_int_equal(sink.base.used, 1);
            assert_null(c->rb.root);
            assert_non_null(sink.got);
            if (!rl_reply_equal(tree, sink.got))
                print_error("scalar %d, RESP%d: the sink's node differs\n", which, proto);
            assert_true(rl_reply_equal(tree, sink.got));
            assert_int_equal(
                tree->dval == sink.got->dval || (isnan(tree->dval) && isnan(sink.got->dval)), 1);
            rl_reply_free(tree);
            rl_reply_free(sink.got);
        }
    }
    rl_client_free(c);
    rl_emu_free(emu);
    assert_int_equal(rl_mem_used(), 0);
}

/* An aggregate reply is built as a tree: the sink is cleared unused, and
 * the scalars inside the aggregate go to the tree too. */
static void sink_should_leave_aggregates_to_the_tree(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_client *c = rl_client_new(emu);
    for (int kind = 0; kind < 5; kind++) {
        copy_sink sink = { { copy_put, 0 }, NULL };
        c->sink = &sink.base;
        void *d = NULL;
        switch (kind) {
        case 0: rl_add_reply_array_len(c, 2); break;
        case 1: rl_add_reply_map_len(c, 1); break;
        case 2: rl_add_reply_set_len(c, 2); break;
        case 3: d = rl_add_reply_deferred_len(c); break;
        case 4: {
            rl_reply *pre = rl_reply_new(RL_REPLY_ARRAY);
            rl_reply_append_take(pre, rl_reply_new_integer(1));
            rl_add_reply_take(c, pre);
            break;
        }
        }
        assert_null(c->sink);
        if (kind != 4) {
            rl_add_reply_status(c, "OK");
            rl_add_reply_long_long(c, 5);
        }
        if (d) rl_set_deferred_array_len(c, d, 2);
        rl_reply *r = rl_client_take_reply(c);
        assert_int_equal(sink.base.used, 0);
        assert_null(sink.got);
        assert_int_equal(r->type, RL_REPLY_ARRAY);
        if (kind != 4) {
            assert_int_equal(r->elements, 2);
            assert_int_equal(r->element[0]->type, RL_REPLY_STATUS);
            assert_int_equal(r->element[1]->integer, 5);
        }
        rl_reply_free(r);
    }
    rl_client_free(c);
    rl_emu_free(emu);
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
        cmocka_unit_test(sink_should_get_the_node_the_tree_would_hold),
        cmocka_unit_test(sink_should_leave_aggregates_to_the_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
