/* SORT and SORT_RO (t_sort.c). Every expected reply below was read from
 * redis-server 7.0.15 (run under the C.UTF-8 locale) with the same commands
 * on an empty database. The sets sorted here are intsets, or are sorted, so
 * Redis's order is deterministic. */
#include "test_common.h"

static const char SCRIPT_1[] = "return redis.call('sort',KEYS[1],'by','nosort')";
static const char SCRIPT_2[] =
    "return redis.call('sort',KEYS[1],'by','nosort','desc','limit','1','3')";
static const char SCRIPT_3[] = "return redis.call('sort_ro',KEYS[1],'by','nosort','limit','0','2')";

/* Numeric order by strtod, equal scores by bytes ("010" < "10" < "1e1"), and
 * LIMIT clamped to the list: negative offsets count as 0, a negative count
 * means everything, an offset past the end gives nothing. */
static void sort_should_order_numerically_and_clamp_limit(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":6\r\n", "rpush", "l", "3", "10", "-2.5", "1e1", "2", "010");
    rl_assert_cmd(emu,
                  "*6\r\n$4\r\n-2.5\r\n$1\r\n2\r\n$1\r\n3\r\n$3\r\n010\r\n$2\r\n10\r\n$3\r\n"
                  "1e1\r\n",
                  "sort", "l");
    rl_assert_cmd(emu,
                  "*6\r\n$3\r\n1e1\r\n$2\r\n10\r\n$3\r\n010\r\n$1\r\n3\r\n$1\r\n2\r\n$4\r\n"
                  "-2.5\r\n",
                  "sort", "l", "desc");
    rl_assert_cmd(emu,
                  "*6\r\n$4\r\n-2.5\r\n$3\r\n010\r\n$2\r\n10\r\n$3\r\n1e1\r\n$1\r\n2\r\n"
                  "$1\r\n3\r\n",
                  "sort", "l", "alpha");
    rl_assert_cmd(emu, "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$3\r\n010\r\n", "sort", "l", "limit", "1", "3");
    rl_assert_cmd(emu, "*2\r\n$4\r\n-2.5\r\n$1\r\n2\r\n", "sort", "l", "limit", "-5", "2");
    rl_assert_cmd(emu, "*2\r\n$2\r\n10\r\n$3\r\n1e1\r\n", "sort", "l", "limit", "4", "100");
    rl_assert_cmd(emu, "*0\r\n", "sort", "l", "limit", "6", "1");
    rl_assert_cmd(emu, "*0\r\n", "sort", "l", "limit", "2", "0");
    rl_assert_cmd(emu, "*4\r\n$1\r\n3\r\n$3\r\n010\r\n$2\r\n10\r\n$3\r\n1e1\r\n", "sort", "l",
                  "limit", "2", "-7");
    rl_test_free_emu(emu);
}

/* A weight strtod cannot read whole, or NaN, fails the whole sort (nothing is
 * stored); strtod's own syntax (leading blanks, hex, inf, "") is accepted. */
/* Found by the random differential run; bytes from redis-server 7.0.15. */
static void sort_should_keep_nosort_after_a_later_by_pattern(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":3\r\n", "RPUSH", "l", "3", "1", "2");
    rl_assert_cmd(emu, "*3\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n", "SORT", "l", "BY", "nosort", "BY",
                  "w_*");
    rl_assert_cmd(emu, "*3\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n", "SORT", "l", "BY", "w_*", "BY",
                  "nosort");
    rl_assert_cmd(emu, "*3\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n", "SORT", "l", "BY", "nosort", "BY",
                  "w_*", "DESC");
    rl_test_free_emu(emu);
}

static void sort_should_reject_weights_strtod_cannot_read(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":2\r\n", "rpush", "l", "1", "2x");
    rl_assert_cmd(emu, "-ERR One or more scores can't be converted into double\r\n", "sort", "l");
    rl_assert_cmd(emu, "-ERR One or more scores can't be converted into double\r\n", "sort", "l",
                  "store", "d");
    rl_assert_cmd(emu, ":0\r\n", "exists", "d");
    rl_assert_cmd(emu, ":2\r\n", "rpush", "m", "1", "nan");
    rl_assert_cmd(emu, "-ERR One or more scores can't be converted into double\r\n", "sort", "m");
    rl_assert_cmd(emu, ":5\r\n", "rpush", "n", "1", "", " 2", "0x10", "inf");
    rl_assert_cmd(emu, "*5\r\n$0\r\n\r\n$1\r\n1\r\n$2\r\n 2\r\n$4\r\n0x10\r\n$3\r\ninf\r\n", "sort",
                  "n");
    rl_test_free_emu(emu);
}

/* ALPHA collates with strcoll (C locale: stops at a NUL, so "e\0b", "e\0a"
 * and "e" tie and keep their order), but compares whole bytes with STORE. */
static void sort_should_collate_alpha_as_c_strings_unless_storing(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    /* Elements with NUL bytes, so given with their lengths. */
    const char *argv[] = { "rpush", "l", "e\0b", "b", "e\0a", "B", "e", "\xff", "a" };
    const size_t lens[] = { 5, 1, 3, 1, 3, 1, 1, 1, 1 };
    rl_assert_resp(rl_emu_call(emu, 9, argv, lens), ":7\r\n");
    rl_assert_cmd(emu,
                  "*7\r\n$1\r\nB\r\n$1\r\na\r\n$1\r\nb\r\n$3\r\ne\x00"
                  "b\r\n$3\r\n"
                  "e\x00"
                  "a\r\n$1\r\ne\r\n$1\r\n\xff\r\n",
                  "sort", "l", "alpha");
    rl_assert_cmd(emu,
                  "*7\r\n$1\r\n\xff\r\n$3\r\ne\x00"
                  "b\r\n$3\r\ne\x00"
                  "a\r\n$1\r\ne\r\n$1\r\n"
                  "b\r\n$1\r\na\r\n$1\r\nB\r\n",
                  "sort", "l", "alpha", "desc");
    rl_assert_cmd(emu, ":7\r\n", "sort", "l", "alpha", "store", "d");
    rl_assert_cmd(emu,
                  "*7\r\n$1\r\nB\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\ne\r\n$3\r\ne\x00"
                  "a\r\n$3\r\n"
                  "e\x00"
                  "b\r\n$1\r\n\xff\r\n",
                  "lrange", "d", "0", "-1");
    rl_test_free_emu(emu);
}

/* BY and GET patterns: "*" replaced by the element, "->field" reading a hash,
 * "#" the element itself; missing keys or fields give nulls (empty strings
 * when stored) and sort first with ALPHA; "->" with no field is part of
 * the key name. */
static void sort_should_resolve_by_and_get_patterns(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":3\r\n", "rpush", "l", "a", "b", "c");
    rl_assert_cmd(emu, "+OK\r\n", "mset", "w_a", "3", "w_b", "1", "w_c", "2");
    rl_assert_cmd(emu, ":2\r\n", "hset", "h_a", "f", "z", "g", "1");
    rl_assert_cmd(emu, ":1\r\n", "hset", "h_b", "f", "y");
    rl_assert_cmd(emu, ":2\r\n", "hset", "h_c", "f", "x", "g", "3");
    rl_assert_cmd(emu, "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n", "sort", "l", "by", "w_*");
    rl_assert_cmd(emu,
                  "*9\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\nb\r\n$-1\r\n$1\r\n1\r\n$1\r\n"
                  "a\r\n$1\r\n1\r\n$1\r\n3\r\n",
                  "sort", "l", "by", "h_*->f", "alpha", "get", "#", "get", "h_*->g", "get", "w_*");
    rl_assert_cmd(emu, "*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n", "sort", "l", "by", "h_*->g",
                  "desc");
    rl_assert_cmd(emu, "*9\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n",
                  "sort", "l", "alpha", "get", "h_*->", "get", "w_*->f", "get", "nokey");
    rl_assert_cmd(emu, ":2\r\n", "sort", "l", "by", "h_*->f", "limit", "0", "2", "get", "h_*->f",
                  "alpha", "store", "d");
    rl_assert_cmd(emu, "*2\r\n$1\r\nx\r\n$1\r\ny\r\n", "lrange", "d", "0", "-1");
    rl_assert_cmd(emu, ":3\r\n", "sort", "l", "get", "h_*->g", "alpha", "store", "d");
    rl_assert_cmd(emu, "*3\r\n$1\r\n1\r\n$0\r\n\r\n$1\r\n3\r\n", "lrange", "d", "0", "-1");
    rl_test_free_emu(emu);
}

/* BY without '*' does not sort: lists and sorted sets keep their order,
 * reversed by DESC, the LIMIT range taken from that order; a set keeps its
 * iteration order and ignores DESC. */
static void sort_should_keep_list_and_zset_order_without_sorting(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":4\r\n", "rpush", "l", "c", "a", "b", "d");
    rl_assert_cmd(emu, "*4\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nd\r\n", "sort", "l", "by",
                  "nosort");
    rl_assert_cmd(emu, "*4\r\n$1\r\nd\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n", "sort", "l", "by",
                  "nosort", "desc");
    rl_assert_cmd(emu, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "sort", "l", "by", "nosort", "limit", "1",
                  "2");
    rl_assert_cmd(emu, "*2\r\n$1\r\nb\r\n$1\r\na\r\n", "sort", "l", "by", "nosort", "desc", "limit",
                  "1", "2");
    rl_assert_cmd(emu, ":4\r\n", "zadd", "z", "3", "a", "1", "b", "2", "c", "2", "bb");
    rl_assert_cmd(emu, "*4\r\n$1\r\nb\r\n$2\r\nbb\r\n$1\r\nc\r\n$1\r\na\r\n", "sort", "z", "by",
                  "nosort");
    rl_assert_cmd(emu, "*4\r\n$1\r\na\r\n$1\r\nc\r\n$2\r\nbb\r\n$1\r\nb\r\n", "sort", "z", "by",
                  "nosort", "desc");
    rl_assert_cmd(emu, "*2\r\n$2\r\nbb\r\n$1\r\nc\r\n", "sort", "z", "by", "nosort", "limit", "1",
                  "2");
    rl_assert_cmd(emu, "*2\r\n$1\r\nc\r\n$2\r\nbb\r\n", "sort", "z", "by", "nosort", "desc",
                  "limit", "1", "2");
    rl_assert_cmd(emu, "*4\r\n$1\r\nc\r\n$2\r\nbb\r\n$1\r\nb\r\n$1\r\na\r\n", "sort", "z", "alpha",
                  "desc");
    rl_assert_cmd(emu, ":3\r\n", "sadd", "s", "5", "-1", "3");
    rl_assert_cmd(emu, "*2\r\n$1\r\n3\r\n$1\r\n5\r\n", "sort", "s", "by", "nosort", "desc", "limit",
                  "1", "5");
    rl_test_free_emu(emu);
}

/* STORE replaces the destination (clearing its TTL) and replies the count;
 * an empty result deletes it. */
static void sort_should_store_a_list_or_delete_the_destination(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":2\r\n", "rpush", "l", "2", "1");
    rl_assert_cmd(emu, "+OK\r\n", "set", "d", "x");
    rl_assert_cmd(emu, ":1\r\n", "pexpire", "d", "100000");
    rl_assert_cmd(emu, ":2\r\n", "sort", "l", "store", "d");
    rl_assert_cmd(emu, ":-1\r\n", "pttl", "d");
    rl_assert_cmd(emu, "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "lrange", "d", "0", "-1");
    rl_assert_cmd(emu, ":0\r\n", "sort", "l", "limit", "0", "0", "store", "d");
    rl_assert_cmd(emu, ":0\r\n", "exists", "d");
    rl_assert_cmd(emu, ":0\r\n", "sort", "nokey", "store", "l");
    rl_assert_cmd(emu, ":0\r\n", "exists", "l");
    rl_assert_cmd(emu, "*0\r\n", "sort", "nokey");
    rl_test_free_emu(emu);
}

/* Inside a script, or with STORE, BY nosort on a set becomes an ALPHA sort
 * (LIMIT and DESC applied to it); SORT is a write command for EVAL_RO,
 * SORT_RO is not. */
static void sort_should_sort_sets_alpha_under_nosort_in_scripts_and_store(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":5\r\n", "sadd", "s", "b", "10", "a", "2", "c");
    rl_assert_cmd(emu, "*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "eval",
                  SCRIPT_1, "1", "s");
    rl_assert_cmd(emu, "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\n2\r\n", "eval", SCRIPT_2, "1", "s");
    rl_assert_cmd(emu, ":5\r\n", "sort", "s", "by", "nosort", "store", "d");
    rl_assert_cmd(emu, "*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", "lrange",
                  "d", "0", "-1");
    rl_assert_cmd(emu, "*2\r\n$2\r\n10\r\n$1\r\n2\r\n", "eval_ro", SCRIPT_3, "1", "s");
    rl_assert_cmd(emu, "-ERR Write commands are not allowed from read-only scripts.\r\n", "eval_ro",
                  "return redis.pcall('sort',KEYS[1])", "1", "s");
    rl_assert_cmd(emu,
                  "-ERR One or more scores can't be converted into double script: "
                  "a07548b52546d21d1d8794960de3e83c3f97179c, on @user_script:1.\r\n",
                  "eval", "return redis.call('sort',KEYS[1])", "1", "s");
    rl_test_free_emu(emu);
}

/* Equal weights: a full sort is stable, while BY with a LIMIT that narrows
 * the range runs Redis 7.0's partial quicksort, whose order is not. */
static void sort_should_order_equal_weights_as_redis_partial_quicksort(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":7\r\n", "rpush", "l", "3", "33.2", "b", "7", "-94", "57", "c");
    rl_assert_cmd(emu, ":1\r\n", "hset", "h_3", "g", "3!");
    rl_assert_cmd(emu, ":1\r\n", "hset", "h_7", "g", "7!");
    rl_assert_cmd(emu, ":1\r\n", "hset", "h_-94", "g", "-94!");
    rl_assert_cmd(emu, ":1\r\n", "hset", "h_c", "g", "c!");
    rl_assert_cmd(emu,
                  "*7\r\n$4\r\n33.2\r\n$1\r\nb\r\n$2\r\n57\r\n$3\r\n-94\r\n$1\r\n3\r\n$1\r\n"
                  "7\r\n$1\r\nc\r\n",
                  "sort", "l", "by", "h_*->g", "alpha");
    rl_assert_cmd(emu,
                  "*6\r\n$2\r\n57\r\n$4\r\n33.2\r\n$1\r\nb\r\n$3\r\n-94\r\n$1\r\n3\r\n$1\r\n"
                  "7\r\n",
                  "sort", "l", "by", "h_*->g", "alpha", "limit", "0", "6");
    rl_assert_cmd(emu, "*3\r\n$1\r\nb\r\n$3\r\n-94\r\n$1\r\n3\r\n", "sort", "l", "by", "h_*->g",
                  "alpha", "limit", "2", "3");
    rl_assert_cmd(emu, ":7\r\n", "rpush", "m", "a1", "a2", "a3", "a4", "a5", "a6", "a7");
    rl_assert_cmd(emu,
                  "*6\r\n$2\r\na4\r\n$2\r\na2\r\n$2\r\na3\r\n$2\r\na1\r\n$2\r\na5\r\n$2\r\n"
                  "a6\r\n",
                  "sort", "m", "by", "nokey_*", "alpha", "limit", "0", "6");
    rl_assert_cmd(emu,
                  "*7\r\n$2\r\na1\r\n$2\r\na2\r\n$2\r\na3\r\n$2\r\na4\r\n$2\r\na5\r\n$2\r\n"
                  "a6\r\n$2\r\na7\r\n",
                  "sort", "m", "by", "nokey_*", "alpha");
    rl_test_free_emu(emu);
}

/* Option errors come before the key's type is checked; SORT_RO has no STORE. */
static void sort_should_report_errors_in_redis_order(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "set", "str", "1");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "sort", "str");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "sort", "str", "bad");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "sort", "str", "limit",
                  "0", "x");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "sort", "str", "limit", "1");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "sort", "str", "by");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "sort", "str", "get");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "sort_ro", "str", "store", "d");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "sort_ro", "nokey", "store", "d");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'sort' command\r\n", "sort");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'sort_ro' command\r\n", "sort_ro");
    rl_assert_cmd(emu, ":1\r\n", "hset", "h", "a", "b");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "sort_ro", "h");
    rl_test_free_emu(emu);
}

/* A sorted set read by SORT becomes a skiplist, which keeps a -0 score (a
 * listpack stores it as 0). */
static void sort_should_leave_sorted_sets_skiplist_encoded(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "zadd", "z", "1", "a");
    rl_assert_cmd(emu, "*0\r\n", "sort_ro", "z", "alpha", "limit", "0", "0");
    rl_assert_cmd(emu, ":1\r\n", "zadd", "z", "-0", "n");
    rl_assert_cmd(emu, "$2\r\n-0\r\n", "zscore", "z", "n");
    rl_assert_cmd(emu, ":1\r\n", "zadd", "y", "1", "a");
    rl_assert_cmd(emu, ":1\r\n", "zadd", "y", "-0", "n");
    rl_assert_cmd(emu, "$1\r\n0\r\n", "zscore", "y", "n");
    rl_test_free_emu(emu);
}

/* Redis reads option names and patterns as C strings: an option ends at a
 * NUL byte, a '*' after a NUL does not count (so BY does not sort) and
 * "#\0x" is "#". */
static void sort_should_read_options_and_patterns_up_to_a_nul(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":3\r\n", "rpush", "l", "b", "a", "c");
    const char *alpha[] = { "sort", "l", "alpha\0x", "limit", "1", "5" };
    const size_t alpha_lens[] = { 4, 1, 7, 5, 1, 1 };
    rl_assert_resp(rl_emu_call(emu, 6, alpha, alpha_lens), "*2\r\n$1\r\nb\r\n$1\r\nc\r\n");
    const char *by[] = { "sort", "l", "by", "w_\0*", "get", "#\0x" };
    const size_t by_lens[] = { 4, 1, 2, 4, 3, 3 };
    rl_assert_resp(rl_emu_call(emu, 6, by, by_lens), "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n");
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sort_should_order_numerically_and_clamp_limit),
        cmocka_unit_test(sort_should_keep_nosort_after_a_later_by_pattern),
        cmocka_unit_test(sort_should_reject_weights_strtod_cannot_read),
        cmocka_unit_test(sort_should_collate_alpha_as_c_strings_unless_storing),
        cmocka_unit_test(sort_should_resolve_by_and_get_patterns),
        cmocka_unit_test(sort_should_keep_list_and_zset_order_without_sorting),
        cmocka_unit_test(sort_should_store_a_list_or_delete_the_destination),
        cmocka_unit_test(sort_should_sort_sets_alpha_under_nosort_in_scripts_and_store),
        cmocka_unit_test(sort_should_order_equal_weights_as_redis_partial_quicksort),
        cmocka_unit_test(sort_should_report_errors_in_redis_order),
        cmocka_unit_test(sort_should_leave_sorted_sets_skiplist_encoded),
        cmocka_unit_test(sort_should_read_options_and_patterns_up_to_a_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
