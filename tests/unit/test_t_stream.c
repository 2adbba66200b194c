/* Stream commands (t_stream.c). Every exact reply below was read from
 * redis-server 7.0.15 running the same commands from an empty database
 * (stream-node-max-entries 100, stream-node-max-bytes 4096, the defaults).
 * Replies that depend on the clock (auto IDs, idle and delivery times,
 * seen-times) are checked on the emulator's virtual clock against the
 * values Redis's rules give for the same times; the private differential
 * driver compared those rules with a real server whose clock it copied. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "server.h"

/* Checks a reply serialized as RESP3. */
/* Found by the random differential run; bytes from redis-server 7.0.15.
 * After XSETID moves the last ID back below a tombstone, the node holds
 * 10-2, 50-0 (deleted), 21-0: ranges and XDEL must still find 21-0. */
static void stream_should_find_entries_added_after_xsetid_moved_back(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$4\r\n10-2\r\n", "XADD", "x", "10-2", "f", "v");
    rl_assert_cmd(emu, "$4\r\n50-0\r\n", "XADD", "x", "50", "f", "v");
    rl_assert_cmd(emu, ":1\r\n", "XDEL", "x", "50");
    rl_assert_cmd(emu, "+OK\r\n", "XSETID", "x", "20-0");
    rl_assert_cmd(emu, "$4\r\n21-0\r\n", "XADD", "x", "21-0", "f", "v");
    rl_assert_cmd(emu, "*1\r\n*2\r\n$4\r\n21-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "XRANGE", "x",
                  "15-0", "21-1");
    rl_assert_cmd(emu, "*1\r\n*2\r\n$4\r\n21-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "XREVRANGE", "x",
                  "21-1", "15-0");
    rl_assert_cmd(emu,
                  "*2\r\n*2\r\n$4\r\n10-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
                  "*2\r\n$4\r\n21-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
                  "XRANGE", "x", "-", "+");
    rl_assert_cmd(emu, ":1\r\n", "XDEL", "x", "21-0");
    rl_assert_cmd(emu, "*1\r\n*2\r\n$4\r\n10-2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "XRANGE", "x", "-",
                  "+");
    rl_assert_cmd(emu, ":1\r\n", "XLEN", "x");
    rl_test_free_emu(emu);
}

static void assert_resp3_len(rl_reply *r, const char *expected, size_t explen)
{
    size_t len;
    char *got = rl_reply_to_resp(r, 3, &len);
    if (len != explen || memcmp(got, expected, len) != 0) {
        print_error("expected RESP3: %.*s\n     got RESP3: %.*s\n", (int)explen, expected, (int)len,
                    got);
        rl_free(got);
        rl_reply_free(r);
        fail();
    }
    rl_free(got);
    rl_reply_free(r);
}

#define assert_cmd3(emu, expected, ...)                                                \
    assert_resp3_len(rl_emu_callv((emu), __VA_ARGS__, (const char *)NULL), (expected), \
                     sizeof(expected) - 1)

/* XADD key <i>-1 field <i> for i in [first, first + n). */
static void fill(rl_emu *emu, const char *key, int first, int n, const char *field)
{
    char id[32], v[32];
    for (int i = first; i < first + n; i++) {
        snprintf(id, sizeof(id), "%d-1", i);
        snprintf(v, sizeof(v), "%d", i);
        rl_reply *r = rl_emu_callv(emu, "XADD", key, id, field, v, (const char *)NULL);
        assert_int_equal(r->type, RL_REPLY_BULK);
        rl_reply_free(r);
    }
}

/* A value of 3000 bytes: two of them do not fit one 4096-byte node. */
static char big[3001];

static void xadd_should_generate_ids_from_the_virtual_clock(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_clock_ms(emu, 1000);
    rl_assert_cmd(emu, "$6\r\n1000-0\r\n", "XADD", "s", "*", "f", "v");
    rl_assert_cmd(emu, "$6\r\n1000-1\r\n", "XADD", "s", "*", "f", "v");
    /* A clock behind the last ID: the last ID's time, next sequence. */
    rl_emu_set_clock_ms(emu, 500);
    rl_assert_cmd(emu, "$6\r\n1000-2\r\n", "XADD", "s", "*", "f", "v");
    rl_emu_advance_ms(emu, 1500);
    rl_assert_cmd(emu, "$6\r\n2000-0\r\n", "XADD", "s", "*", "f", "v");
    rl_assert_cmd(emu, "$6\r\n2000-1\r\n", "XADD", "s", "2000-*", "f", "v");
    rl_assert_cmd(emu, "$6\r\n3000-0\r\n", "XADD", "s", "3000-*", "f", "v");
    rl_assert_cmd(emu, "$6\r\n3000-1\r\n", "XADD", "s", "*", "f", "v");
    rl_assert_cmd(emu, ":7\r\n", "XLEN", "s");
    rl_test_free_emu(emu);
}

static void xpending_should_measure_idle_times_on_the_virtual_clock(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_clock_ms(emu, 10000);
    fill(emu, "s", 1, 3, "f");
    rl_assert_cmd(emu, "+OK\r\n", "XGROUP", "CREATE", "s", "g", "0");
    rl_reply_free(rl_emu_callv(emu, "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">",
                               (const char *)NULL));
    rl_emu_advance_ms(emu, 1500);
    rl_assert_cmd(emu,
                  "*2\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:1500\r\n:1\r\n"
                  "*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:1500\r\n:1\r\n",
                  "XPENDING", "s", "g", "-", "+", "2");
    rl_assert_cmd(emu, "*0\r\n", "XPENDING", "s", "g", "IDLE", "2000", "-", "+", "10");
    /* Claiming needs the minimum idle time, and restarts the idle clock. */
    rl_assert_cmd(emu, "*0\r\n", "XCLAIM", "s", "g", "c2", "2000", "1-1", "JUSTID");
    rl_assert_cmd(emu, "*1\r\n$3\r\n1-1\r\n", "XCLAIM", "s", "g", "c2", "1000", "1-1", "JUSTID");
    rl_emu_advance_ms(emu, 10);
    rl_assert_cmd(emu, "*1\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc2\r\n:10\r\n:1\r\n", "XPENDING", "s", "g",
                  "-", "+", "1");
    /* IDLE sets the delivery time in the past; TIME sets it absolutely. */
    rl_assert_cmd(emu, "*1\r\n$3\r\n2-1\r\n", "XCLAIM", "s", "g", "c2", "0", "2-1", "IDLE", "700",
                  "JUSTID");
    rl_assert_cmd(emu, "*1\r\n$3\r\n3-1\r\n", "XCLAIM", "s", "g", "c2", "0", "3-1", "TIME", "11000",
                  "JUSTID");
    rl_assert_cmd(emu,
                  "*2\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc2\r\n:700\r\n:1\r\n"
                  "*4\r\n$3\r\n3-1\r\n$2\r\nc2\r\n:510\r\n:1\r\n",
                  "XPENDING", "s", "g", "2-1", "+", "5");
    rl_assert_cmd(emu, "*3\r\n$3\r\n0-0\r\n*1\r\n$3\r\n2-1\r\n*0\r\n", "XAUTOCLAIM", "s", "g", "c3",
                  "600", "0", "JUSTID");
    /* Consumers: c1 was last seen at the read, c2 at the claims, c3 now. */
    rl_emu_advance_ms(emu, 5);
    rl_assert_cmd(emu,
                  "*3\r\n*6\r\n$4\r\nname\r\n$2\r\nc1\r\n$7\r\npending\r\n:0\r\n"
                  "$4\r\nidle\r\n:1515\r\n"
                  "*6\r\n$4\r\nname\r\n$2\r\nc2\r\n$7\r\npending\r\n:2\r\n$4\r\nidle\r\n:5\r\n"
                  "*6\r\n$4\r\nname\r\n$2\r\nc3\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:5\r\n",
                  "XINFO", "CONSUMERS", "s", "g");
    rl_test_free_emu(emu);
}

static void xread_block_should_not_wait(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    fill(emu, "s", 1, 1, "f");
    rl_assert_cmd(emu, "+OK\r\n", "XGROUP", "CREATE", "s", "g", "$");
    /* Outside scripts no other client can add entries: the timeout's null. */
    rl_assert_cmd(emu, "*-1\r\n", "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
    rl_assert_cmd(emu, "*-1\r\n", "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s",
                  ">");
    /* Inside scripts BLOCK is refused, naming the command as typed. */
    rl_assert_cmd(emu, "-ERR xread command is not allowed with BLOCK option from scripts\r\n",
                  "EVAL", "return redis.pcall('xread','BLOCK','0','STREAMS','s','$')", "0");
    rl_assert_cmd(
        emu, "-ERR XREADGROUP command is not allowed with BLOCK option from scripts\r\n", "EVAL",
        "return redis.pcall('XREADGROUP','GROUP','g','c','BLOCK','0','STREAMS','s','>')", "0");
    rl_assert_cmd(emu,
                  "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n",
                  "EVAL", "return redis.call('XREAD','STREAMS','s','0')", "0");
    rl_test_free_emu(emu);
}

static void copy_should_duplicate_a_stream_with_its_groups(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    fill(emu, "s", 1, 150, "f");
    rl_assert_cmd(emu, ":1\r\n", "XDEL", "s", "120-1");
    rl_assert_cmd(emu, "+OK\r\n", "XGROUP", "CREATE", "s", "g", "0");
    rl_reply_free(rl_emu_callv(emu, "XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "s",
                               ">", (const char *)NULL));
    rl_assert_cmd(emu, ":1\r\n", "COPY", "s", "d");
    rl_assert_cmd(emu, ":1\r\n", "XACK", "s", "g", "1-1");
    rl_reply *a = rl_emu_callv(emu, "XINFO", "STREAM", "d", "FULL", (const char *)NULL);
    rl_reply *b = rl_emu_callv(emu, "XINFO", "STREAM", "s", "FULL", (const char *)NULL);
    assert_int_equal(a->type, RL_REPLY_ARRAY);
    assert_false(rl_reply_equal(a, b)); /* the ack reached the source only */
    rl_reply_free(a);
    rl_reply_free(b);
    rl_assert_cmd(emu, ":1\r\n", "XACK", "d", "g", "1-1");
    a = rl_emu_callv(emu, "XINFO", "STREAM", "d", "FULL", (const char *)NULL);
    b = rl_emu_callv(emu, "XINFO", "STREAM", "s", "FULL", (const char *)NULL);
    assert_true(rl_reply_equal(a, b));
    rl_reply_free(a);
    rl_reply_free(b);
    rl_assert_cmd(emu, ":1\r\n", "DEL", "s");
    rl_assert_cmd(emu, ":149\r\n", "XLEN", "d");
    rl_test_free_emu(emu);
}

/* IDs given in full, as <ms>-* or <ms>, and every ID error. */
static void xadd_should_accept_explicit_and_partial_ids(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "$3\r\n1-1\r\n", "XADD", "s", "1-1", "a", "1", "b", "2");
    rl_assert_cmd(emu, "$3\r\n1-2\r\n", "XADD", "s", "1-*", "c", "3");
    rl_assert_cmd(emu, "$3\r\n5-0\r\n", "XADD", "s", "5", "d", "4");
    rl_assert_cmd(
        emu,
        "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r"
        "\n",
        "XADD", "s", "1-1", "x", "y");
    rl_assert_cmd(emu, "-ERR The ID specified in XADD must be greater than 0-0\r\n", "XADD", "s",
                  "0-0", "x", "y");
    rl_assert_cmd(emu, "-ERR Invalid stream ID specified as stream command argument\r\n", "XADD",
                  "s", "bad", "x", "y");
    rl_assert_cmd(emu, "-ERR Invalid stream ID specified as stream command argument\r\n", "XADD",
                  "s", "-", "x", "y");
    rl_assert_cmd(emu, "-ERR Invalid stream ID specified as stream command argument\r\n", "XADD",
                  "s", "1-2-3", "x", "y");
    rl_assert_cmd(emu, "$3\r\n9-0\r\n", "XADD", "s", " 9", "x", "y");
    rl_assert_cmd(emu, "$4\r\n10-0\r\n", "XADD", "s", "+10-00", "x", "y");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'xadd' command\r\n", "XADD", "s", "2-1",
                  "odd");
    rl_assert_cmd(
        emu,
        "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r"
        "\n",
        "XADD", "s", "NOMKSTREAM", "7-1", "f", "v");
    rl_assert_cmd(emu, "$-1\r\n", "XADD", "nokey", "NOMKSTREAM", "*", "f", "v");
    rl_assert_cmd(emu, ":0\r\n", "EXISTS", "nokey");
    rl_assert_cmd(emu, "-ERR The ID specified in XADD must be greater than 0-0\r\n", "XADD", "e",
                  "0-0", "f", "v");
    rl_assert_cmd(emu, ":0\r\n", "EXISTS", "e");
    rl_assert_cmd(emu, ":5\r\n", "XLEN", "s");
    rl_assert_cmd(emu, ":0\r\n", "XLEN", "nokey");
    rl_assert_cmd(
        emu,
        "*5\r\n*2\r\n$3\r\n1-1\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3"
        "\r\n1-2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r"
        "\n*2\r\n$3\r\n9-0\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n*2\r\n$4\r\n10-0\r\n*2\r\n$1\r\nx\r"
        "\n$1\r\ny\r\n",
        "XRANGE", "s", "-", "+");
    rl_test_free_emu(emu);
}

/* MAXLEN and MINID trimming on XADD, and their option errors. */
static void xadd_should_trim_with_maxlen_and_minid(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    fill(emu, "s", 1, 10, "f");
    rl_assert_cmd(emu, "$4\r\n11-1\r\n", "XADD", "s", "MAXLEN", "5", "11-1", "f", "v");
    rl_assert_cmd(emu, ":5\r\n", "XLEN", "s");
    rl_assert_cmd(emu, "$4\r\n12-1\r\n", "XADD", "s", "MINID", "=", "9", "12-1", "f", "v");
    rl_assert_cmd(
        emu,
        "*4\r\n*2\r\n$3\r\n9-1\r\n*2\r\n$1\r\nf\r\n$1\r\n9\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r"
        "\nf\r\n$2\r\n10\r\n*2\r\n$4\r\n11-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$4\r\n12-1"
        "\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
        "XRANGE", "s", "-", "+");
    rl_assert_cmd(emu, "$4\r\n13-1\r\n", "XADD", "s", "MAXLEN", "~", "1", "13-1", "f", "v");
    rl_assert_cmd(emu, ":5\r\n", "XLEN", "s");
    rl_assert_cmd(emu, "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n",
                  "XADD", "s", "MAXLEN", "1", "LIMIT", "1", "14-1", "f", "v");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "XADD", "s", "MAXLEN",
                  "~", "1", "LIMIT", "x", "14-1", "f", "v");
    rl_assert_cmd(
        emu, "-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n",
        "XADD", "s", "LIMIT", "5", "14-1", "f", "v");
    rl_assert_cmd(
        emu, "-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n",
        "XADD", "s", "MAXLEN", "1", "MINID", "1", "14-1", "f", "v");
    rl_assert_cmd(emu, "-ERR The MAXLEN argument must be >= 0.\r\n", "XADD", "s", "MAXLEN", "-1",
                  "14-1", "f", "v");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "XADD", "s", "MAXLEN",
                  "x", "14-1", "f", "v");
    rl_assert_cmd(emu, "-ERR The LIMIT argument must be >= 0.\r\n", "XADD", "s", "LIMIT", "-1",
                  "14-1", "f", "v");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'xadd' command\r\n", "XADD", "s",
                  "MAXLEN", "5");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'xadd' command\r\n", "XADD", "s",
                  "MAXLEN");
    rl_assert_cmd(emu, "-ERR Invalid stream ID specified as stream command argument\r\n", "XADD",
                  "s", "MINID", "-", "14-1", "f", "v");
    rl_test_free_emu(emu);
}

/* XRANGE and XREVRANGE: inclusive and exclusive bounds, COUNT, errors. */
static void xrange_should_select_by_bounds_and_count(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    fill(emu, "s", 1, 5, "f");
    rl_assert_cmd(
        emu,
        "*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\n"
        "f\r\n$1\r\n2\r\n",
        "XRANGE", "s", "-", "+", "COUNT", "2");
    rl_assert_cmd(
        emu,
        "*2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nf\r\n$1\r\n3\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\n"
        "f\r\n$1\r\n4\r\n",
        "XRANGE", "s", "(2-1", "4");
    rl_assert_cmd(
        emu,
        "*2\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\n"
        "f\r\n$1\r\n3\r\n",
        "XRANGE", "s", "2", "(4-1");
    rl_assert_cmd(emu, "*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nf\r\n$1\r\n3\r\n", "XRANGE", "s", "3",
                  "3");
    rl_assert_cmd(emu, "*-1\r\n", "XRANGE", "s", "-", "+", "COUNT", "0");
    rl_assert_cmd(emu, "*-1\r\n", "XRANGE", "s", "-", "+", "COUNT", "-5");
    rl_assert_cmd(
        emu,
        "*2\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\nf\r\n$1\r\n5\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\n"
        "f\r\n$1\r\n4\r\n",
        "XREVRANGE", "s", "+", "-", "COUNT", "2");
    rl_assert_cmd(
        emu,
        "*3\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\nf\r\n$1\r\n4\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\n"
        "f\r\n$1\r\n3\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n",
        "XREVRANGE", "s", "(5-1", "(1-1");
    rl_assert_cmd(emu, "*0\r\n", "XRANGE", "nokey", "-", "+");
    rl_assert_cmd(emu, "-ERR Invalid stream ID specified as stream command argument\r\n", "XRANGE",
                  "s", "(-", "+");
    rl_assert_cmd(emu, "-ERR Invalid stream ID specified as stream command argument\r\n", "XRANGE",
                  "s", "-", "(+");
    rl_assert_cmd(emu, "-ERR invalid start ID for the interval\r\n", "XRANGE", "s",
                  "(18446744073709551615-18446744073709551615", "+");
    rl_assert_cmd(emu, "-ERR invalid end ID for the interval\r\n", "XRANGE", "s", "-", "(0-0");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "XRANGE", "s", "-", "+", "COUNT");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "XRANGE", "s", "-", "+",
                  "COUNT", "x");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "XRANGE", "s", "-", "+", "LIMIT", "1");
    rl_assert_cmd(emu, "-ERR Invalid stream ID specified as stream command argument\r\n", "XRANGE",
                  "s", "x", "+");
    rl_emu_set_resp(emu, 3);
    assert_cmd3(emu, "_\r\n", "XRANGE", "s", "-", "+", "COUNT", "0");
    assert_cmd3(
        emu,
        "*2\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\nf\r\n$1\r\n4\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\n"
        "f\r\n$1\r\n5\r\n",
        "XRANGE", "s", "4", "+");
    rl_test_free_emu(emu);
}

/* Nodes hold 100 entries: ~ trims whole nodes, = trims exactly. */
static void xtrim_approx_should_remove_whole_nodes_only(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    fill(emu, "s", 1, 250, "f");
    rl_assert_cmd(
        emu,
        "*20\r\n$6\r\nlength\r\n:250\r\n$15\r\nradix-tree-keys\r\n:3\r\n$16\r\nradix-tree-nod"
        "es\r\n:8\r\n$17\r\nlast-generated-id\r\n$5\r\n250-1\r\n$20\r\nmax-deleted-entry-id\r"
        "\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:250\r\n$23\r\nrecorded-first-entry-id\r\n$3"
        "\r\n1-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r"
        "\nf\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$5\r\n250-1\r\n*2\r\n$1\r\nf\r\n$3\r\n2"
        "50\r\n",
        "XINFO", "STREAM", "s");
    rl_assert_cmd(emu, ":100\r\n", "XTRIM", "s", "MAXLEN", "~", "120");
    rl_assert_cmd(emu, ":150\r\n", "XLEN", "s");
    rl_assert_cmd(emu, ":0\r\n", "XTRIM", "s", "MAXLEN", "~", "120");
    rl_assert_cmd(emu, ":30\r\n", "XTRIM", "s", "MAXLEN", "=", "120");
    rl_assert_cmd(emu, ":120\r\n", "XLEN", "s");
    rl_assert_cmd(emu, ":0\r\n", "XTRIM", "s", "MINID", "~", "190");
    rl_assert_cmd(emu, "*1\r\n*2\r\n$5\r\n131-1\r\n*2\r\n$1\r\nf\r\n$3\r\n131\r\n", "XRANGE", "s",
                  "-", "+", "COUNT", "1");
    rl_assert_cmd(emu, ":64\r\n", "XTRIM", "s", "MINID", "195");
    rl_assert_cmd(emu, "*1\r\n*2\r\n$5\r\n195-1\r\n*2\r\n$1\r\nf\r\n$3\r\n195\r\n", "XRANGE", "s",
                  "-", "+", "COUNT", "1");
    rl_assert_cmd(emu, ":6\r\n", "XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "10");
    rl_assert_cmd(emu, ":50\r\n", "XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "100");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'xtrim' command\r\n", "XTRIM", "s");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "XTRIM", "s", "FOO", "1");
    rl_assert_cmd(emu, "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n",
                  "XTRIM", "s", "MAXLEN", "1", "LIMIT", "1");
    rl_assert_cmd(
        emu, "-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n",
        "XTRIM", "s", "LIMIT", "1");
    rl_assert_cmd(emu, ":0\r\n", "XTRIM", "nokey", "MAXLEN", "0");
    rl_assert_cmd(
        emu,
        "*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes"
        "\r\n:1\r\n$17\r\nlast-generated-id\r\n$5\r\n250-1\r\n$20\r\nmax-deleted-entry-id\r\n"
        "$3\r\n0-0\r\n$13\r\nentries-added\r\n:250\r\n$23\r\nrecorded-first-entry-id\r\n$3\r"
        "\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1"
        "\r\n",
        "XINFO", "STREAM", "s");
    rl_test_free_emu(emu);
}

/* Nodes split at 4096 bytes; XDEL leaves tombstones and the stream key. */
static void xinfo_stream_should_report_nodes_and_tombstones(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_reply_free(rl_emu_callv(emu, "XADD", "big", "1-1", "f", big, (const char *)NULL));
    rl_reply_free(rl_emu_callv(emu, "XADD", "big", "2-1", "f", big, (const char *)NULL));
    fill(emu, "s", 1, 3, "f");
    rl_assert_cmd(
        emu,
        "*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:2\r\n$16\r\nradix-tree-nodes"
        "\r\n:6\r\n$17\r\nlast-generated-id\r\n$3\r\n2-1\r\n$20\r\nmax-deleted-entry-id\r\n$3"
        "\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1"
        "\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n"
        "$3000\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n$10\r\nlast"
        "-entry\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nf\r\n$3000\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n",
        "XINFO", "STREAM", "big");
    rl_assert_cmd(emu, ":1\r\n", "XDEL", "s", "2-1", "9-9");
    rl_assert_cmd(emu, ":0\r\n", "XDEL", "s", "2-1");
    rl_assert_cmd(emu, "-ERR Invalid stream ID specified as stream command argument\r\n", "XDEL",
                  "s", "bad");
    rl_assert_cmd(
        emu,
        "*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes"
        "\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3"
        "\r\n2-1\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1"
        "\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n"
        "$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nf\r\n$1\r\n3\r\n",
        "XINFO", "STREAM", "s");
    rl_assert_cmd(emu, ":2\r\n", "XDEL", "s", "1-1", "3-1");
    rl_assert_cmd(emu, ":0\r\n", "XLEN", "s");
    rl_assert_cmd(
        emu,
        "*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes"
        "\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3"
        "\r\n3-1\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0"
        "\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n",
        "XINFO", "STREAM", "s");
    rl_assert_cmd(emu, ":1\r\n", "EXISTS", "s");
    rl_assert_cmd(
        emu,
        "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r"
        "\n",
        "XADD", "s", "3-1", "f", "v");
    rl_assert_cmd(emu, "$3\r\n4-1\r\n", "XADD", "s", "4-1", "f", "v");
    rl_assert_cmd(
        emu,
        "*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes"
        "\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n4-1\r\n$20\r\nmax-deleted-entry-id\r\n$3"
        "\r\n3-1\r\n$13\r\nentries-added\r\n:4\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n4-1"
        "\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\nf\r\n"
        "$1\r\nv\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
        "XINFO", "STREAM", "s");
    rl_test_free_emu(emu);
}

/* XGROUP CREATE/SETID/DESTROY/CREATECONSUMER/DELCONSUMER/HELP. */
static void xgroup_should_manage_groups_and_consumers(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    fill(emu, "s", 1, 3, "f");
    rl_assert_cmd(emu, "+OK\r\n", "XGROUP", "CREATE", "s", "g", "0");
    rl_assert_cmd(emu, "-BUSYGROUP Consumer Group name already exists\r\n", "XGROUP", "CREATE", "s",
                  "g", "0");
    rl_assert_cmd(emu, "+OK\r\n", "XGROUP", "CREATE", "s", "h", "$", "ENTRIESREAD", "3");
    rl_assert_cmd(emu, "-ERR value for ENTRIESREAD must be positive or -1\r\n", "XGROUP", "CREATE",
                  "s", "x", "0", "ENTRIESREAD", "-2");
    rl_assert_cmd(
        emu,
        "-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP."
        "\r\n",
        "XGROUP", "CREATE", "s", "x", "0", "FOO");
    rl_assert_cmd(emu, "-ERR Invalid stream ID specified as stream command argument\r\n", "XGROUP",
                  "CREATE", "s", "x", "-");
    rl_assert_cmd(
        emu,
        "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may w"
        "ant to use the MKSTREAM option to create an empty stream automatically.\r\n",
        "XGROUP", "CREATE", "nokey", "g", "0");
    rl_assert_cmd(emu, "+OK\r\n", "XGROUP", "CREATE", "nokey", "g", "0", "MKSTREAM");
    rl_assert_cmd(
        emu,
        "*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes"
        "\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n0-0\r\n$20\r\nmax-deleted-entry-id\r\n$3"
        "\r\n0-0\r\n$13\r\nentries-added\r\n:0\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0"
        "\r\n$6\r\ngroups\r\n:1\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n",
        "XINFO", "STREAM", "nokey");
    rl_assert_cmd(emu, "-NOGROUP No such consumer group 'nog' for key name 's'\r\n", "XGROUP",
                  "SETID", "s", "nog", "0");
    rl_assert_cmd(emu, "+OK\r\n", "XGROUP", "SETID", "s", "g", "2-1", "ENTRIESREAD", "1");
    rl_assert_cmd(
        emu,
        "-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.\r"
        "\n",
        "XGROUP", "SETID", "s", "g", "0", "MKSTREAM");
    rl_assert_cmd(emu, ":1\r\n", "XGROUP", "CREATECONSUMER", "s", "g", "alice");
    rl_assert_cmd(emu, ":0\r\n", "XGROUP", "CREATECONSUMER", "s", "g", "alice");
    rl_assert_cmd(
        emu,
        "*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r"
        "\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r"
        "\n:2\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0"
        "\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag"
        "\r\n:0\r\n",
        "XINFO", "GROUPS", "s");
    rl_assert_cmd(emu, ":1\r\n", "XGROUP", "DESTROY", "s", "h");
    rl_assert_cmd(emu, ":0\r\n", "XGROUP", "DESTROY", "s", "h");
    rl_assert_cmd(emu, "-ERR unknown subcommand 'FOO'. Try XGROUP HELP.\r\n", "XGROUP", "FOO", "s",
                  "g");
    rl_assert_cmd(emu, ":0\r\n", "XGROUP", "DELCONSUMER", "s", "g", "alice");
    rl_assert_cmd(emu, ":0\r\n", "XGROUP", "DELCONSUMER", "s", "g", "bob");
    rl_assert_cmd(
        emu,
        "*17\r\n+XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CREATE <"
        "key> <groupname> <id|$> [option]\r\n+    Create a new consumer group. Options are:\r"
        "\n+    * MKSTREAM\r\n+      Create the empty stream if it does not exist.\r\n+    * "
        "ENTRIESREAD entries_read\r\n+      Set the group's entries_read counter (internal us"
        "e).\r\n+CREATECONSUMER <key> <groupname> <consumer>\r\n+    Create a new consumer in"
        " the specified group.\r\n+DELCONSUMER <key> <groupname> <consumer>\r\n+    Remove th"
        "e specified consumer.\r\n+DESTROY <key> <groupname>\r\n+    Remove the specified gro"
        "up.\r\n+SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]\r\n+    Set the cu"
        "rrent group ID and entries_read counter.\r\n+HELP\r\n+    Prints this help.\r\n",
        "XGROUP", "HELP");
    rl_assert_cmd(
        emu,
        "*9\r\n+XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CONSUMERS "
        "<key> <groupname>\r\n+    Show consumers of <groupname>.\r\n+GROUPS <key>\r\n+    Sh"
        "ow the stream consumer groups.\r\n+STREAM <key> [FULL [COUNT <count>]\r\n+    Show i"
        "nformation about the stream.\r\n+HELP\r\n+    Prints this help.\r\n",
        "XINFO", "HELP");
    rl_test_free_emu(emu);
}

/* New entries, history, NOACK, the PEL and XACK; a map in RESP3. */
static void xreadgroup_should_deliver_and_track_the_pel(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    fill(emu, "s", 1, 4, "f");
    rl_assert_cmd(emu, "+OK\r\n", "XGROUP", "CREATE", "s", "g", "0");
    rl_assert_cmd(
        emu,
        "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$3"
        "\r\n2-1\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n",
        "XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">");
    rl_assert_cmd(
        emu,
        "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nf\r\n$1\r\n3\r\n*2\r\n$3"
        "\r\n4-1\r\n*2\r\n$1\r\nf\r\n$1\r\n4\r\n",
        "XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">");
    rl_assert_cmd(emu, "*-1\r\n", "XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">");
    rl_assert_cmd(
        emu,
        "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$3"
        "\r\n2-1\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n",
        "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0");
    rl_assert_cmd(emu,
                  "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n",
                  "XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", "1-1");
    rl_assert_cmd(
        emu,
        "*4\r\n:4\r\n$3\r\n1-1\r\n$3\r\n4-1\r\n*2\r\n*2\r\n$2\r\nc1\r\n$1\r\n2\r\n*2\r\n$2\r"
        "\nc2\r\n$1\r\n2\r\n",
        "XPENDING", "s", "g");
    rl_assert_cmd(
        emu,
        "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:4\r"
        "\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r"
        "\n:0\r\n",
        "XINFO", "GROUPS", "s");
    rl_assert_cmd(emu, ":1\r\n", "XDEL", "s", "1-1");
    rl_assert_cmd(
        emu,
        "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*-1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r"
        "\nf\r\n$1\r\n2\r\n",
        "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0");
    rl_assert_cmd(emu, ":1\r\n", "XACK", "s", "g", "1-1", "9-9");
    rl_assert_cmd(emu, "-ERR Invalid stream ID specified as stream command argument\r\n", "XACK",
                  "s", "g", "bad");
    rl_assert_cmd(emu, ":0\r\n", "XACK", "s", "nog", "bad");
    rl_assert_cmd(
        emu,
        "*4\r\n:3\r\n$3\r\n2-1\r\n$3\r\n4-1\r\n*2\r\n*2\r\n$2\r\nc1\r\n$1\r\n1\r\n*2\r\n$2\r"
        "\nc2\r\n$1\r\n2\r\n",
        "XPENDING", "s", "g");
    rl_assert_cmd(emu, "$3\r\n5-1\r\n", "XADD", "s", "5-1", "f", "v");
    rl_assert_cmd(emu,
                  "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
                  "XREADGROUP", "GROUP", "g", "c3", "NOACK", "STREAMS", "s", ">");
    rl_assert_cmd(
        emu,
        "*4\r\n:3\r\n$3\r\n2-1\r\n$3\r\n4-1\r\n*2\r\n*2\r\n$2\r\nc1\r\n$1\r\n1\r\n*2\r\n$2\r"
        "\nc2\r\n$1\r\n2\r\n",
        "XPENDING", "s", "g");
    rl_assert_cmd(
        emu,
        "-ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the hist"
        "ory of this consumer by specifying a proper ID, or use the > ID to get new messages."
        " The $ ID would just return an empty result set.\r\n",
        "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "$");
    rl_assert_cmd(
        emu, "-NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option\r\n",
        "XREADGROUP", "GROUP", "nog", "c1", "STREAMS", "s", ">");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'xreadgroup' command\r\n", "XREADGROUP",
                  "COUNT", "1", "STREAMS", "s", ">");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'xreadgroup' command\r\n", "XREADGROUP",
                  "GROUP", "g", "c1", "STREAMS", "s");
    rl_emu_set_resp(emu, 3);
    assert_cmd3(emu, "$3\r\n6-1\r\n", "XADD", "s", "6-1", "f", "v");
    assert_cmd3(emu, "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n6-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
                "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">");
    assert_cmd3(
        emu,
        "*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:3\r\n$7\r\npending\r\n:4\r"
        "\n$17\r\nlast-delivered-id\r\n$3\r\n6-1\r\n$12\r\nentries-read\r\n:6\r\n$3\r\nlag\r"
        "\n:0\r\n",
        "XINFO", "GROUPS", "s");
    rl_test_free_emu(emu);
}

/* Ownership changes, FORCE, JUSTID, deleted entries, errors. */
static void xclaim_and_xautoclaim_should_move_pending_entries(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    fill(emu, "s", 1, 5, "f");
    rl_assert_cmd(emu, "+OK\r\n", "XGROUP", "CREATE", "s", "g", "0");
    rl_assert_cmd(
        emu,
        "*1\r\n*2\r\n$1\r\ns\r\n*5\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$3"
        "\r\n2-1\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nf\r\n$1\r\n3\r"
        "\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\nf\r\n$1\r\n4\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\nf\r"
        "\n$1\r\n5\r\n",
        "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">");
    rl_assert_cmd(
        emu,
        "*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\n"
        "f\r\n$1\r\n2\r\n",
        "XCLAIM", "s", "g", "c2", "0", "1-1", "2-1");
    rl_assert_cmd(emu, "*1\r\n$3\r\n3-1\r\n", "XCLAIM", "s", "g", "c2", "0", "3-1", "JUSTID",
                  "RETRYCOUNT", "7");
    rl_assert_cmd(
        emu,
        "*4\r\n:5\r\n$3\r\n1-1\r\n$3\r\n5-1\r\n*2\r\n*2\r\n$2\r\nc1\r\n$1\r\n2\r\n*2\r\n$2\r"
        "\nc2\r\n$1\r\n3\r\n",
        "XPENDING", "s", "g");
    rl_assert_cmd(emu, "*0\r\n", "XCLAIM", "s", "g", "c2", "0", "9-9", "FORCE");
    rl_assert_cmd(emu, ":1\r\n", "XDEL", "s", "4-1");
    rl_assert_cmd(emu, "*0\r\n", "XCLAIM", "s", "g", "c2", "0", "4-1");
    rl_assert_cmd(
        emu,
        "*4\r\n:4\r\n$3\r\n1-1\r\n$3\r\n5-1\r\n*2\r\n*2\r\n$2\r\nc1\r\n$1\r\n1\r\n*2\r\n$2\r"
        "\nc2\r\n$1\r\n3\r\n",
        "XPENDING", "s", "g");
    rl_assert_cmd(emu, "-ERR Invalid min-idle-time argument for XCLAIM\r\n", "XCLAIM", "s", "g",
                  "c2", "x", "1-1");
    rl_assert_cmd(emu, "-ERR Invalid IDLE option argument for XCLAIM\r\n", "XCLAIM", "s", "g", "c2",
                  "0", "1-1", "IDLE", "x");
    rl_assert_cmd(emu, "-ERR Unrecognized XCLAIM option 'FOO'\r\n", "XCLAIM", "s", "g", "c2", "0",
                  "1-1", "FOO");
    rl_assert_cmd(emu, "-NOGROUP No such key 's' or consumer group 'nog'\r\n", "XCLAIM", "s", "nog",
                  "c2", "0", "1-1");
    rl_assert_cmd(emu, "*1\r\n$3\r\n1-1\r\n", "XCLAIM", "s", "g", "c3", "0", "1-1", "LASTID", "8-1",
                  "JUSTID");
    rl_assert_cmd(
        emu,
        "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:3\r\n$7\r\npending\r\n:4\r"
        "\n$17\r\nlast-delivered-id\r\n$3\r\n8-1\r\n$12\r\nentries-read\r\n:5\r\n$3\r\nlag\r"
        "\n:0\r\n",
        "XINFO", "GROUPS", "s");
    rl_assert_cmd(emu, ":1\r\n", "XDEL", "s", "2-1");
    rl_assert_cmd(
        emu,
        "*3\r\n$3\r\n3-1\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*1\r\n$3\r\n"
        "2-1\r\n",
        "XAUTOCLAIM", "s", "g", "c4", "0", "0", "COUNT", "2");
    rl_assert_cmd(emu, "*3\r\n$3\r\n0-0\r\n*2\r\n$3\r\n3-1\r\n$3\r\n5-1\r\n*0\r\n", "XAUTOCLAIM",
                  "s", "g", "c4", "0", "3-1", "JUSTID");
    rl_assert_cmd(emu, "-ERR COUNT must be > 0\r\n", "XAUTOCLAIM", "s", "g", "c4", "0", "0",
                  "COUNT", "0");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "XAUTOCLAIM", "s", "g", "c4", "0", "0", "FOO");
    rl_assert_cmd(emu, "-ERR invalid start ID for the interval\r\n", "XAUTOCLAIM", "s", "g", "c4",
                  "0", "(18446744073709551615-18446744073709551615");
    rl_assert_cmd(
        emu, "-ERR Insufficient memory, failed allocating transient memory, COUNT too high.\r\n",
        "XAUTOCLAIM", "s", "g", "c4", "0", "0", "COUNT", "576460752303423487");
    rl_assert_cmd(emu, "-NOGROUP No such key 's' or consumer group 'nog'\r\n", "XAUTOCLAIM", "s",
                  "nog", "c4", "0", "0");
    rl_assert_cmd(emu, "*4\r\n:3\r\n$3\r\n1-1\r\n$3\r\n5-1\r\n*1\r\n*2\r\n$2\r\nc4\r\n$1\r\n3\r\n",
                  "XPENDING", "s", "g");
    rl_test_free_emu(emu);
}

/* XREAD: several streams, COUNT, $, BLOCK with nothing new, errors. */
static void xread_should_serve_every_stream_with_new_entries(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    fill(emu, "s", 1, 3, "f");
    fill(emu, "t", 5, 2, "f");
    rl_assert_cmd(
        emu,
        "*2\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n*2\r\n$3"
        "\r\n3-1\r\n*2\r\n$1\r\nf\r\n$1\r\n3\r\n*2\r\n$1\r\nt\r\n*2\r\n*2\r\n$3\r\n5-1\r\n*2"
        "\r\n$1\r\nf\r\n$1\r\n5\r\n*2\r\n$3\r\n6-1\r\n*2\r\n$1\r\nf\r\n$1\r\n6\r\n",
        "XREAD", "STREAMS", "s", "t", "1-1", "0");
    rl_assert_cmd(
        emu,
        "*2\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$1"
        "\r\nt\r\n*1\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\nf\r\n$1\r\n5\r\n",
        "XREAD", "COUNT", "1", "STREAMS", "s", "t", "0", "0");
    rl_assert_cmd(emu, "*-1\r\n", "XREAD", "STREAMS", "s", "$");
    rl_assert_cmd(
        emu,
        "*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$3"
        "\r\n2-1\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nf\r\n$1\r\n3\r"
        "\n",
        "XREAD", "STREAMS", "s", "nokey", "0", "0");
    rl_assert_cmd(
        emu,
        "-ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
        "<consumer> option.\r\n",
        "XREAD", "STREAMS", "s", ">");
    rl_assert_cmd(
        emu, "-ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.\r\n",
        "XREAD", "GROUP", "g", "c", "STREAMS", "s", "0");
    rl_assert_cmd(
        emu, "-ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.\r\n",
        "XREAD", "NOACK", "STREAMS", "s", "0");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'xread' command\r\n", "XREAD", "STREAMS",
                  "s");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "XREAD", "COUNT", "1", "FOO", "1");
    rl_assert_cmd(emu, "-ERR timeout is negative\r\n", "XREAD", "BLOCK", "-1", "STREAMS", "s", "$");
    rl_assert_cmd(emu, "-ERR timeout is not an integer or out of range\r\n", "XREAD", "BLOCK", "x",
                  "STREAMS", "s", "$");
    rl_assert_cmd(emu, "*-1\r\n", "XREAD", "BLOCK", "1", "STREAMS", "s", "$");
    rl_assert_cmd(
        emu,
        "*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$3"
        "\r\n2-1\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nf\r\n$1\r\n3\r"
        "\n",
        "XREAD", "BLOCK", "1", "STREAMS", "s", "0");
    rl_emu_set_resp(emu, 3);
    assert_cmd3(
        emu,
        "%2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nf\r\n$1\r\n3\r\n$1\r\nt\r\n*2"
        "\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\nf\r\n$1\r\n5\r\n*2\r\n$3\r\n6-1\r\n*2\r\n$1\r\nf"
        "\r\n$1\r\n6\r\n",
        "XREAD", "STREAMS", "s", "t", "2-1", "0");
    assert_cmd3(emu, "_\r\n", "XREAD", "STREAMS", "s", "$");
    rl_test_free_emu(emu);
}

/* XSETID and the exhausted-stream error. */
static void xsetid_should_set_the_last_id_and_counters(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    fill(emu, "s", 1, 2, "f");
    rl_assert_cmd(emu,
                  "-ERR The ID specified in XSETID is smaller than the target stream top item\r\n",
                  "XSETID", "s", "1-1");
    rl_assert_cmd(
        emu,
        "-ERR The entries_added specified in XSETID is smaller than the target stream length"
        "\r\n",
        "XSETID", "s", "9-9", "ENTRIESADDED", "1");
    rl_assert_cmd(emu, "-ERR entries_added must be positive\r\n", "XSETID", "s", "9-9",
                  "ENTRIESADDED", "-1");
    rl_assert_cmd(
        emu,
        "-ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id\r"
        "\n",
        "XSETID", "s", "9-9", "MAXDELETEDID", "10-0");
    rl_assert_cmd(emu, "+OK\r\n", "XSETID", "s", "9-9", "MAXDELETEDID", "5-0", "ENTRIESADDED",
                  "100");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "XSETID", "s", "9-9", "FOO");
    rl_assert_cmd(emu, "-ERR no such key\r\n", "XSETID", "nokey", "9-9");
    rl_assert_cmd(emu, "-ERR Invalid stream ID specified as stream command argument\r\n", "XSETID",
                  "s", "-");
    rl_assert_cmd(
        emu,
        "*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes"
        "\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n9-9\r\n$20\r\nmax-deleted-entry-id\r\n$3"
        "\r\n5-0\r\n$13\r\nentries-added\r\n:100\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1"
        "-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r"
        "\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n",
        "XINFO", "STREAM", "s");
    rl_assert_cmd(emu, "$4\r\n9-10\r\n", "XADD", "s", "9-*", "f", "v");
    rl_assert_cmd(emu, "$3\r\n1-1\r\n", "XADD", "e", "1-1", "f", "v");
    rl_assert_cmd(emu, ":1\r\n", "XDEL", "e", "1-1");
    rl_assert_cmd(emu, "+OK\r\n", "XSETID", "e", "0-1");
    rl_assert_cmd(emu, "+OK\r\n", "XSETID", "e", "18446744073709551615-18446744073709551615");
    rl_assert_cmd(
        emu, "-ERR The stream has exhausted the last possible ID, unable to add more items\r\n",
        "XADD", "e", "*", "f", "v");
    rl_test_free_emu(emu);
}

/* WRONGTYPE and missing-key replies. */
static void stream_commands_should_reject_other_types(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_reply_free(rl_emu_callv(emu, "SET", "str", "x", (const char *)NULL));
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "XADD", "str", "*", "f", "v");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "XLEN", "str");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "XRANGE", "str", "-", "+");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "XDEL", "str", "1-1");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "XTRIM", "str", "MAXLEN", "1");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "XREAD", "STREAMS", "str", "0");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "XGROUP", "CREATE", "str", "g", "0", "MKSTREAM");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "XINFO", "STREAM", "str");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "XACK", "str", "g", "1-1");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "XPENDING", "str", "g");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "XCLAIM", "str", "g", "c", "0", "1-1");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "XAUTOCLAIM", "str", "g", "c", "0", "0");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "XSETID", "str", "1-1");
    rl_assert_cmd(emu, "-ERR no such key\r\n", "XINFO", "STREAM", "nokey");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "XINFO", "STREAM", "str", "FULL", "FOO");
    rl_assert_cmd(emu, "+string\r\n", "TYPE", "str");
    rl_test_free_emu(emu);
}

int main(void)
{
    memset(big, 'x', sizeof(big) - 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stream_should_find_entries_added_after_xsetid_moved_back),
        cmocka_unit_test(xadd_should_generate_ids_from_the_virtual_clock),
        cmocka_unit_test(xpending_should_measure_idle_times_on_the_virtual_clock),
        cmocka_unit_test(xread_block_should_not_wait),
        cmocka_unit_test(copy_should_duplicate_a_stream_with_its_groups),
        cmocka_unit_test(xadd_should_accept_explicit_and_partial_ids),
        cmocka_unit_test(xadd_should_trim_with_maxlen_and_minid),
        cmocka_unit_test(xrange_should_select_by_bounds_and_count),
        cmocka_unit_test(xtrim_approx_should_remove_whole_nodes_only),
        cmocka_unit_test(xinfo_stream_should_report_nodes_and_tombstones),
        cmocka_unit_test(xgroup_should_manage_groups_and_consumers),
        cmocka_unit_test(xreadgroup_should_deliver_and_track_the_pel),
        cmocka_unit_test(xclaim_and_xautoclaim_should_move_pending_entries),
        cmocka_unit_test(xread_should_serve_every_stream_with_new_entries),
        cmocka_unit_test(xsetid_should_set_the_last_id_and_counters),
        cmocka_unit_test(stream_commands_should_reject_other_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
