/* The generic keyspace and server commands of t_keys.c and server.c. Every
 * expected reply was read from redis-server 7.0.15 (raw RESP over a socket);
 * times relative to the clock follow Redis's expire.c arithmetic. Keys are
 * created through db.h so these tests do not depend on the string commands. */
#include "test_common.h"

#include <stdio.h>

#include "db.h"
#include "errors.h"
#include "object.h"
#include "server.h"

#define T0 1700000000000LL

static rl_emu *new_emu(void)
{
    rl_emu *emu = rl_emu_new();
    rl_emu_set_clock_ms(emu, T0);
    return emu;
}

/* Stores a string value under a (binary) key of database dbid. */
static rl_dbentry *put_len(rl_emu *emu, int dbid, const char *key, size_t klen, const char *val)
{
    return rl_db_set(emu, &emu->db[dbid], key, klen, rl_obj_new_string(val, strlen(val)), 0);
}

static rl_dbentry *put(rl_emu *emu, int dbid, const char *key, const char *val)
{
    return put_len(emu, dbid, key, strlen(key), val);
}

/* The string stored under key in database dbid, or NULL. */
static const char *value_of(rl_emu *emu, int dbid, const char *key)
{
    rl_obj *o = rl_db_lookup(emu, &emu->db[dbid], key, strlen(key));
    return o ? ((rl_str *)o->ptr)->buf : NULL;
}

static rl_reply *call_bin(rl_emu *emu, int argc, const char *const *argv, const size_t *lens)
{
    return rl_emu_call(emu, argc, argv, lens);
}

/* --- PING ECHO TIME SELECT ------------------------------------------------ */

static void ping_should_reply_pong_or_echo_and_check_arity(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_assert_cmd(emu, "+PONG\r\n", "ping");
    rl_assert_cmd(emu, "$1\r\na\r\n", "ping", "a");
    rl_assert_cmd(emu, "$0\r\n\r\n", "ping", "");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'ping' command\r\n", "PING", "a", "b");
    rl_assert_cmd(emu, "$1\r\nx\r\n", "echo", "x");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'echo' command\r\n", "echo", "a", "b");
    const char *argv[] = { "ECHO", "a\0b" };
    size_t lens[] = { 4, 3 };
    rl_assert_resp(call_bin(emu, 2, argv, lens), "$3\r\na\0b\r\n");
    rl_test_free_emu(emu);
}

static void time_should_follow_the_virtual_clock(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_emu_set_clock_ms(emu, 1700000000123LL);
    rl_assert_cmd(emu, "*2\r\n$10\r\n1700000000\r\n$6\r\n123000\r\n", "TIME");
    rl_emu_advance_ms(emu, 877);
    rl_assert_cmd(emu, "*2\r\n$10\r\n1700000001\r\n$1\r\n0\r\n", "time");
    /* Before 1970 the microseconds stay positive, as gettimeofday's would. */
    rl_emu_set_clock_ms(emu, -1);
    rl_assert_cmd(emu, "*2\r\n$2\r\n-1\r\n$6\r\n999000\r\n", "time");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'time' command\r\n", "time", "x");
    rl_test_free_emu(emu);
}

static void select_should_check_the_index_like_redis(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_assert_cmd(emu, "-ERR DB index is out of range\r\n", "select", "16");
    rl_assert_cmd(emu, "-ERR DB index is out of range\r\n", "select", "-1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "select", "abc");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "select", " 1");
    rl_assert_cmd(emu,
                  "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
                  "select", "2147483648");
    rl_assert_cmd(emu,
                  "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
                  "select", "-2147483649");
    put(emu, 3, "k", "v");
    rl_assert_cmd(emu, ":0\r\n", "exists", "k");
    rl_assert_cmd(emu, "+OK\r\n", "select", "3");
    rl_assert_cmd(emu, ":1\r\n", "exists", "k");
    rl_test_free_emu(emu);
}

/* --- DEL UNLINK EXISTS TOUCH TYPE ------------------------------------------ */

static void del_should_count_each_deleted_key_once(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    put(emu, 0, "x", "1");
    rl_assert_cmd(emu, ":1\r\n", "del", "x", "y", "x");
    rl_assert_cmd(emu, ":0\r\n", "unlink", "x");
    put(emu, 0, "x", "1");
    put(emu, 0, "y", "1");
    rl_assert_cmd(emu, ":2\r\n", "UNLINK", "x", "x", "y");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'del' command\r\n", "del");
    /* An expired key is not counted as deleted. */
    rl_db_set_expire(put(emu, 0, "e", "1"), T0);
    emu->clock_ms = T0 + 1; /* moved without the sweep: only lazy expiry applies */
    rl_assert_cmd(emu, ":0\r\n", "del", "e");
    assert_int_equal(rl_db_size(&emu->db[0]), 0);
    rl_test_free_emu(emu);
}

static void exists_should_count_repeated_keys_and_binary_names(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    put(emu, 0, "x", "1");
    put_len(emu, 0, "a\0b", 3, "1");
    rl_assert_cmd(emu, ":2\r\n", "exists", "x", "y", "x");
    rl_assert_cmd(emu, ":2\r\n", "touch", "x", "y", "x");
    const char *argv[] = { "exists", "a\0b", "a", "a\0c" };
    size_t lens[] = { 6, 3, 1, 3 };
    rl_assert_resp(call_bin(emu, 4, argv, lens), ":1\r\n");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'touch' command\r\n", "touch");
    rl_test_free_emu(emu);
}

static void type_should_reply_a_status(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_assert_cmd(emu, "+none\r\n", "type", "x");
    put(emu, 0, "x", "1");
    rl_assert_cmd(emu, "+string\r\n", "TYPE", "x");
    rl_test_free_emu(emu);
}

/* --- RENAME RENAMENX MOVE COPY ---------------------------------------------- */

static void rename_should_report_missing_keys_and_keep_ttl(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_assert_cmd(emu, "-ERR no such key\r\n", "rename", "a", "b");
    rl_assert_cmd(emu, "-ERR no such key\r\n", "rename", "a", "a");
    rl_assert_cmd(emu, "-ERR no such key\r\n", "renamenx", "a", "a");
    put(emu, 0, "a", "1");
    rl_assert_cmd(emu, "+OK\r\n", "rename", "a", "a");
    rl_assert_cmd(emu, ":0\r\n", "renamenx", "a", "a");
    put(emu, 0, "b", "2");
    rl_assert_cmd(emu, ":0\r\n", "renamenx", "a", "b");
    rl_assert_cmd(emu, ":1\r\n", "pexpireat", "a", "4000000000000");
    rl_assert_cmd(emu, "+OK\r\n", "rename", "a", "c");
    rl_assert_cmd(emu, ":4000000000000\r\n", "pexpiretime", "c");
    rl_assert_cmd(emu, ":0\r\n", "exists", "a");
    /* Overwriting takes the source's value and expiry. */
    rl_assert_cmd(emu, "+OK\r\n", "rename", "c", "b");
    rl_assert_cmd(emu, ":4000000000000\r\n", "pexpiretime", "b");
    assert_string_equal(value_of(emu, 0, "b"), "1");
    rl_assert_cmd(emu, ":1\r\n", "renamenx", "b", "d");
    rl_assert_cmd(emu, ":4000000000000\r\n", "pexpiretime", "d");
    assert_int_equal(rl_db_size(&emu->db[0]), 1);
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'rename' command\r\n", "rename", "d");
    rl_test_free_emu(emu);
}

static void move_should_check_the_db_and_keep_ttl(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_assert_cmd(emu, "-ERR source and destination objects are the same\r\n", "move", "zz", "0");
    rl_assert_cmd(emu, ":0\r\n", "move", "zz", "1");
    put(emu, 0, "d", "1");
    rl_assert_cmd(emu, ":1\r\n", "pexpireat", "d", "4000000000000");
    rl_assert_cmd(emu, "-ERR source and destination objects are the same\r\n", "move", "d", "0");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "move", "d", "x");
    rl_assert_cmd(emu, "-ERR DB index is out of range\r\n", "move", "d", "16");
    rl_assert_cmd(emu, "-ERR DB index is out of range\r\n", "move", "d", "-1");
    rl_assert_cmd(emu,
                  "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
                  "move", "d", "2147483648");
    rl_assert_cmd(emu, ":1\r\n", "move", "d", "1");
    rl_assert_cmd(emu, ":0\r\n", "move", "d", "1");
    rl_assert_cmd(emu, ":0\r\n", "exists", "d");
    rl_assert_cmd(emu, "+OK\r\n", "select", "1");
    rl_assert_cmd(emu, ":4000000000000\r\n", "pexpiretime", "d");
    /* The destination already holding the key: nothing moves. */
    put(emu, 0, "e", "x");
    put(emu, 1, "e", "y");
    rl_assert_cmd(emu, ":0\r\n", "move", "e", "0");
    assert_string_equal(value_of(emu, 0, "e"), "x");
    assert_string_equal(value_of(emu, 1, "e"), "y");
    rl_test_free_emu(emu);
}

static void copy_should_parse_options_and_duplicate_the_value(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_assert_cmd(emu, "-ERR source and destination objects are the same\r\n", "copy", "nokey",
                  "nokey");
    rl_assert_cmd(emu, ":0\r\n", "copy", "nokey", "c");
    put(emu, 0, "b", "x");
    rl_assert_cmd(emu, "-ERR source and destination objects are the same\r\n", "copy", "b", "b");
    rl_assert_cmd(emu, "-ERR source and destination objects are the same\r\n", "copy", "b", "b",
                  "db", "0");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "copy", "b", "c", "db");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "copy", "b", "c", "db",
                  "x");
    rl_assert_cmd(emu, "-ERR DB index is out of range\r\n", "copy", "b", "c", "db", "16");
    rl_assert_cmd(emu,
                  "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
                  "copy", "b", "c", "db", "99999999999");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "copy", "b", "c", "foo");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "copy", "b", "c", "db",
                  "x", "foo");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "copy", "b", "c", "foo", "db", "x");
    put(emu, 0, "c", "old");
    rl_assert_cmd(emu, ":0\r\n", "copy", "b", "c");
    assert_string_equal(value_of(emu, 0, "c"), "old");
    rl_assert_cmd(emu, ":1\r\n", "copy", "b", "c", "REPLACE");
    assert_string_equal(value_of(emu, 0, "c"), "x");
    rl_assert_cmd(emu, ":1\r\n", "copy", "b", "c", "replace", "replace");
    /* The copy is a distinct object: changing it leaves the source alone. */
    rl_obj *src = rl_db_lookup(emu, &emu->db[0], "b", 1);
    rl_obj *dst = rl_db_lookup(emu, &emu->db[0], "c", 1);
    assert_ptr_not_equal(src, dst);
    assert_ptr_not_equal(src->ptr, dst->ptr);
    rl_str_append(dst->ptr, "yz", 2);
    assert_string_equal(value_of(emu, 0, "b"), "x");
    assert_string_equal(value_of(emu, 0, "c"), "xyz");
    /* Another database, a NUL-cut option name, and the expiry kept. */
    const char *argv[] = { "copy", "b", "b", "db", "2", "replace\0x" };
    size_t lens[] = { 4, 1, 1, 2, 1, 9 };
    rl_assert_resp(call_bin(emu, 6, argv, lens), ":1\r\n");
    assert_string_equal(value_of(emu, 2, "b"), "x");
    rl_assert_cmd(emu, ":1\r\n", "pexpireat", "b", "4000000000000");
    rl_assert_cmd(emu, ":1\r\n", "copy", "b", "z");
    rl_assert_cmd(emu, ":4000000000000\r\n", "pexpiretime", "z");
    rl_test_free_emu(emu);
}

/* --- KEYS SCAN RANDOMKEY DBSIZE --------------------------------------------- */

static void keys_should_glob_binary_names_and_skip_expired(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_assert_cmd(emu, "*0\r\n", "keys", "*");
    put(emu, 0, "a", "1");
    put(emu, 0, "b", "1");
    put_len(emu, 0, "a\0b", 3, "1");
    /* Insertion order (documented in t_keys.c); Redis's is its hash order. */
    rl_assert_resp(rl_emu_callv(emu, "keys", "*", NULL),
                   "*3\r\n$1\r\na\r\n$1\r\nb\r\n$3\r\na\0b\r\n");
    rl_assert_cmd(emu, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "keys", "[ab]");
    rl_assert_cmd(emu, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "keys", "?");
    rl_assert_resp(rl_emu_callv(emu, "keys", "a*", NULL), "*2\r\n$1\r\na\r\n$3\r\na\0b\r\n");
    const char *argv[] = { "keys", "a\0" };
    size_t lens[] = { 4, 2 };
    rl_assert_resp(call_bin(emu, 2, argv, lens), "*0\r\n");
    /* An expired key is skipped but stays until something deletes it. */
    rl_db_set_expire(rl_db_find(emu, &emu->db[0], "b", 1), T0);
    emu->clock_ms = T0 + 1;
    rl_assert_cmd(emu, "*1\r\n$1\r\na\r\n", "keys", "?");
    assert_int_equal(rl_db_size(&emu->db[0]), 3);
    rl_test_free_emu(emu);
}

static void scan_should_parse_cursor_and_options_like_redis(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*0\r\n", "scan", "0");
    rl_assert_cmd(emu, "-ERR invalid cursor\r\n", "scan", "abc");
    rl_assert_cmd(emu, "-ERR invalid cursor\r\n", "scan", " 0");
    rl_assert_cmd(emu, "-ERR invalid cursor\r\n", "scan", "0 ");
    rl_assert_cmd(emu, "-ERR invalid cursor\r\n", "scan", "0x");
    rl_assert_cmd(emu, "-ERR invalid cursor\r\n", "scan", "18446744073709551616");
    rl_assert_cmd(emu, "-ERR invalid cursor\r\n", "scan", "x", "count", "0");
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*0\r\n", "scan", "");
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*0\r\n", "scan", "-1");
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*0\r\n", "scan", "+0");
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*0\r\n", "scan", "18446744073709551615");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "scan", "0", "count");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "scan", "0", "count", "0");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "scan", "0", "count", "-1");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "scan", "0", "count",
                  "x");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "scan", "0", "count",
                  "1", "count", "x");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "scan", "0", "match");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "scan", "0", "type");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "scan", "0", "foo", "bar");
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*0\r\n", "scan", "0", "type", "foo");
    rl_test_free_emu(emu);
}

static void scan_should_filter_by_match_and_type(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    put(emu, 0, "a", "1");
    put(emu, 0, "b", "1");
    put_len(emu, 0, "a\0b", 3, "1");
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n", "scan", "0", "match", "?");
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n", "scan", "0", "match", "a", "count",
                  "100");
    /* The last MATCH wins, and "*" switches matching off. */
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n", "scan", "0", "match", "*", "count",
                  "100", "match", "a");
    rl_assert_resp(rl_emu_callv(emu, "scan", "0", "match", "a", "match", "*", NULL),
                   "*2\r\n$1\r\n0\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n$3\r\na\0b\r\n");
    /* TYPE compares case-insensitively, up to a NUL; an unknown type matches nothing. */
    rl_assert_resp(rl_emu_callv(emu, "scan", "0", "type", "STRING", NULL),
                   "*2\r\n$1\r\n0\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n$3\r\na\0b\r\n");
    const char *argv[] = { "scan", "0", "TYPE", "string\0xx", "MATCH", "b" };
    size_t lens[] = { 4, 1, 4, 9, 5, 1 };
    rl_assert_resp(call_bin(emu, 6, argv, lens), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nb\r\n");
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*0\r\n", "scan", "0", "type", "hash");
    /* COUNT entries are visited before filtering: a page can come back empty. */
    rl_assert_cmd(emu, "*2\r\n$1\r\n2\r\n*0\r\n", "scan", "0", "count", "1", "match", "b");
    rl_assert_cmd(emu, "*2\r\n$1\r\n3\r\n*1\r\n$1\r\nb\r\n", "scan", "2", "count", "1", "match",
                  "b");
    rl_test_free_emu(emu);
}

static void scan_should_return_expired_keys_for_type_none_like_redis(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    /* Redis 7.0.15 (keys given a 1 ms PEXPIRE, scanned before the active
     * cycle ran): SCAN 0 TYPE none returns the expired keys, deleting them,
     * because the type lookup deletes them before the expiry filter runs. */
    rl_db_set_expire(put(emu, 0, "e0", "v"), T0);
    rl_db_set_expire(put(emu, 0, "e1", "v"), T0);
    put(emu, 0, "live", "v");
    emu->clock_ms = T0 + 1; /* moved without the sweep */
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*2\r\n$2\r\ne0\r\n$2\r\ne1\r\n", "scan", "0", "type",
                  "none", "count", "100");
    rl_assert_cmd(emu, ":1\r\n", "dbsize");
    /* Without TYPE, expired keys are deleted and left out. */
    rl_db_set_expire(put(emu, 0, "e2", "v"), T0);
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*1\r\n$4\r\nlive\r\n", "scan", "0", "count", "100");
    rl_assert_cmd(emu, ":1\r\n", "dbsize");
    rl_test_free_emu(emu);
}

/* Runs SCAN with cursor and COUNT count; returns the next cursor and marks
 * every returned key "k<n>" in seen[n]. */
static unsigned long long scan_page(rl_emu *emu, unsigned long long cursor, int *seen, int max)
{
    char cur[32];
    snprintf(cur, sizeof(cur), "%llu", cursor);
    rl_reply *r = rl_emu_callv(emu, "SCAN", cur, "COUNT", "7", NULL);
    assert_int_equal(r->type, RL_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    unsigned long long next = strtoull(r->element[0]->str, NULL, 10);
    rl_reply *keys = r->element[1];
    assert_true(keys->elements <= 7);
    for (size_t i = 0; i < keys->elements; i++) {
        int n = atoi(keys->element[i]->str + 1);
        assert_true(n >= 0 && n < max);
        seen[n]++;
    }
    rl_reply_free(r);
    return next;
}

static void scan_should_return_stable_keys_once_under_concurrent_changes(void **state)
{
    (void)state;
    enum { STABLE = 500, MAX = 5000 };
    rl_emu *emu = new_emu();
    static int seen[MAX];
    memset(seen, 0, sizeof(seen));
    char key[16];
    /* Keys k0..k499 stay for the whole iteration; k500.. come and go. */
    for (int i = 0; i < STABLE + 300; i++) {
        snprintf(key, sizeof(key), "k%d", i < STABLE ? i : i + 1000);
        put(emu, 0, key, "v");
        /* Interleave volatile keys among the stable ones. */
        if (i < 300) {
            snprintf(key, sizeof(key), "k%d", STABLE + i);
            put(emu, 0, key, "v");
        }
    }
    unsigned long long cursor = 0;
    int next_new = 2000, calls = 0, del = STABLE;
    do {
        cursor = scan_page(emu, cursor, seen, MAX);
        /* Between pages: delete two volatile keys, add three new ones, and
         * overwrite a stable key (which keeps its place). */
        for (int j = 0; j < 2 && del < STABLE + 300; j++, del++) {
            snprintf(key, sizeof(key), "k%d", del);
            rl_db_delete(emu, &emu->db[0], key, strlen(key));
        }
        for (int j = 0; j < 3 && next_new < MAX; j++, next_new++) {
            snprintf(key, sizeof(key), "k%d", next_new);
            put(emu, 0, key, "v");
        }
        snprintf(key, sizeof(key), "k%d", calls % STABLE);
        put(emu, 0, key, "w");
        calls++;
        assert_true(calls < 10000);
    } while (cursor != 0);
    for (int i = 0; i < STABLE; i++) assert_int_equal(seen[i], 1);
    /* No key, volatile or new, came back twice. */
    for (int i = 0; i < MAX; i++) assert_true(seen[i] <= 1);
    rl_test_free_emu(emu);
}

/* SCAN resumes where the last call stopped (db->scan_hint); any other cursor,
 * an earlier one or one whose entry was deleted, must give what a walk from
 * the head gives. */
static char *scan_reply(rl_emu *emu, const char *cursor)
{
    rl_reply *r = rl_emu_callv(emu, "SCAN", cursor, "COUNT", "10", NULL);
    size_t len;
    char *resp = rl_reply_to_resp(r, 2, &len);
    rl_reply_free(r);
    return resp;
}

static void scan_should_resume_from_any_cursor(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    char key[16];
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        put(emu, 0, key, "v");
    }
    /* Cursors are insertion numbers: k0 is 1, so pages end at 11, 21, ... */
    char *p1 = scan_reply(emu, "0"), *p2 = scan_reply(emu, "11"), *p3 = scan_reply(emu, "21");
    assert_non_null(strstr(p1, "$2\r\n11\r\n"));
    assert_non_null(strstr(p2, "$2\r\n21\r\n*10\r\n$3\r\nk10\r\n"));
    /* Going back: the same pages again. */
    char *again = scan_reply(emu, "11");
    assert_string_equal(again, p2);
    rl_free(again);
    again = scan_reply(emu, "0");
    assert_string_equal(again, p1);
    rl_free(again);
    /* The entry the last call stopped at (k10, cursor 11) is deleted: the
     * page from 11 starts at k11 and ends one entry later. */
    rl_db_delete(emu, &emu->db[0], "k10", 3);
    again = scan_reply(emu, "11");
    assert_non_null(strstr(again, "$2\r\n22\r\n*10\r\n$3\r\nk11\r\n"));
    rl_free(again);
    again = scan_reply(emu, "21");
    assert_string_equal(again, p3);
    rl_free(again);
    /* FLUSHDB forgets the place. */
    rl_assert_cmd(emu, "+OK\r\n", "flushdb");
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*0\r\n", "scan", "21");
    rl_free(p1);
    rl_free(p2);
    rl_free(p3);
    rl_test_free_emu(emu);
}

static void randomkey_should_be_deterministic_and_skip_expired(void **state)
{
    (void)state;
    rl_emu *a = new_emu(), *b = new_emu();
    rl_assert_cmd(a, "$-1\r\n", "randomkey");
    char key[8];
    for (int i = 0; i < 20; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        put(a, 0, key, "v");
        put(b, 0, key, "v");
    }
    int picked[20] = { 0 };
    for (int i = 0; i < 200; i++) {
        rl_reply *ra = rl_emu_callv(a, "RANDOMKEY", NULL);
        rl_reply *rb = rl_emu_callv(b, "RANDOMKEY", NULL);
        assert_int_equal(ra->type, RL_REPLY_BULK);
        assert_true(rl_reply_equal(ra, rb));
        picked[atoi(ra->str + 1)] = 1;
        rl_reply_free(ra);
        rl_reply_free(rb);
    }
    int distinct = 0;
    for (int i = 0; i < 20; i++) distinct += picked[i];
    assert_true(distinct > 10);
    /* Only "live" remains alive: every other key expired without a sweep. */
    rl_db *db = &a->db[0];
    for (rl_dbentry *e = rl_db_first(db); e; e = rl_db_next(e)) rl_db_set_expire(e, T0);
    put(a, 0, "live", "v");
    a->clock_ms = T0 + 1;
    /* Each expired pick is deleted before another draw. */
    for (int i = 0; i < 5; i++) rl_assert_cmd(a, "$4\r\nlive\r\n", "randomkey");
    assert_true(rl_db_size(db) < 21);
    rl_emu_free(a);
    rl_test_free_emu(b);
}

static void dbsize_and_flush_should_cover_the_right_databases(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    put(emu, 0, "a", "1");
    put(emu, 0, "b", "1");
    put(emu, 1, "c", "1");
    rl_assert_cmd(emu, ":2\r\n", "dbsize");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "flushdb", "x");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "flushdb", "async", "x");
    rl_assert_cmd(emu, "-ERR syntax error\r\n", "flushall", "lazy");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'dbsize' command\r\n", "dbsize", "x");
    rl_assert_cmd(emu, "+OK\r\n", "flushdb", "ASYNC");
    rl_assert_cmd(emu, ":0\r\n", "dbsize");
    assert_int_equal(rl_db_size(&emu->db[1]), 1);
    put(emu, 0, "a", "1");
    const char *argv[] = { "flushall", "sync\0x" };
    size_t lens[] = { 8, 6 };
    rl_assert_resp(call_bin(emu, 2, argv, lens), "+OK\r\n");
    for (int i = 0; i < RL_NUM_DBS; i++) assert_int_equal(rl_db_size(&emu->db[i]), 0);
    rl_assert_cmd(emu, "+OK\r\n", "flushall");
    rl_assert_cmd(emu, "+OK\r\n", "flushdb", "sync");
    rl_test_free_emu(emu);
}

static void swapdb_should_check_indexes_and_swap_contents(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_assert_cmd(emu, "+OK\r\n", "swapdb", "0", "0");
    rl_assert_cmd(emu, "-ERR invalid first DB index\r\n", "swapdb", "a", "0");
    rl_assert_cmd(emu, "-ERR invalid second DB index\r\n", "swapdb", "0", "a");
    rl_assert_cmd(emu, "-ERR invalid second DB index\r\n", "swapdb", "16", "a");
    rl_assert_cmd(emu, "-ERR invalid first DB index\r\n", "swapdb", "2147483648", "0");
    rl_assert_cmd(emu, "-ERR invalid second DB index\r\n", "swapdb", "0", "-2147483649");
    rl_assert_cmd(emu, "-ERR DB index is out of range\r\n", "swapdb", "0", "16");
    rl_assert_cmd(emu, "-ERR DB index is out of range\r\n", "swapdb", "-1", "0");
    put(emu, 0, "zero", "0");
    put(emu, 5, "five", "5");
    rl_assert_cmd(emu, "+OK\r\n", "swapdb", "5", "0");
    rl_assert_cmd(emu, "*1\r\n$4\r\nfive\r\n", "keys", "*");
    assert_string_equal(value_of(emu, 5, "zero"), "0");
    /* New keys still go after the swapped-in ones, so SCAN stays complete. */
    put(emu, 0, "new", "n");
    rl_assert_cmd(emu, "*2\r\n$1\r\n0\r\n*2\r\n$4\r\nfive\r\n$3\r\nnew\r\n", "scan", "0");
    rl_test_free_emu(emu);
}

/* Each database remembers the entry it found last (db.c); SWAPDB, DEL and
 * expiry must leave no database answering with another's entry. Replies
 * as Redis 7.0 gives them for the same commands. */
static void lookups_should_follow_swapdb_deletes_and_expiry(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v0");
    rl_assert_cmd(emu, "+OK\r\n", "select", "1");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v1");
    rl_assert_cmd(emu, "+OK\r\n", "select", "0");
    rl_assert_cmd(emu, "$2\r\nv0\r\n", "get", "k");
    rl_assert_cmd(emu, "+OK\r\n", "swapdb", "0", "1");
    rl_assert_cmd(emu, "$2\r\nv1\r\n", "get", "k");
    rl_assert_cmd(emu, ":1\r\n", "del", "k");
    rl_assert_cmd(emu, "$-1\r\n", "get", "k");
    rl_assert_cmd(emu, "+OK\r\n", "select", "1");
    rl_assert_cmd(emu, "$2\r\nv0\r\n", "get", "k");
    rl_assert_cmd(emu, ":1\r\n", "pexpire", "k", "10");
    rl_assert_cmd(emu, "$2\r\nv0\r\n", "get", "k");
    rl_emu_advance_ms(emu, 11);
    rl_assert_cmd(emu, "$-1\r\n", "get", "k");
    rl_assert_cmd(emu, ":0\r\n", "exists", "k");
    rl_assert_cmd(emu, "+OK\r\n", "set", "k", "v2");
    rl_assert_cmd(emu, "+OK\r\n", "flushdb");
    rl_assert_cmd(emu, "$-1\r\n", "get", "k");
    rl_test_free_emu(emu);
}

/* --- EXPIRE family, TTL family, PERSIST ------------------------------------- */

static void expire_should_reject_bad_options_like_redis(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    put(emu, 0, "k", "v");
    rl_assert_cmd(emu, "-ERR Unsupported option foo\r\n", "expire", "k", "10", "foo\n");
    rl_assert_cmd(emu, "-ERR Unsupported option foo\r\n", "expire", "k", "10", "foo\r\n");
    rl_assert_cmd(emu, "-ERR Unsupported option foo bar\r\n", "expire", "k", "10", "foo\nbar");
    rl_assert_cmd(emu, "-ERR Unsupported option foo\r\n", "expire", "k", "abc", "foo");
    rl_assert_cmd(emu, "-ERR Unsupported option bogus\r\n", "expire", "nokey", "10", "bogus");
    const char *argv[] = { "expire", "k", "10", "foo\0zz" };
    size_t lens[] = { 6, 1, 2, 6 };
    rl_assert_resp(call_bin(emu, 4, argv, lens), "-ERR Unsupported option foo\r\n");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "expire", "k", "abc");
#define NX_ERR "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"
    rl_assert_cmd(emu, NX_ERR, "expire", "k", "10", "nx", "xx");
    rl_assert_cmd(emu, NX_ERR, "expire", "k", "10", "nx", "gt");
    rl_assert_cmd(emu, NX_ERR, "expire", "k", "10", "lt", "NX");
#undef NX_ERR
    rl_assert_cmd(emu, "-ERR GT and LT options at the same time are not compatible\r\n", "expire",
                  "k", "10", "gt", "lt");
    rl_assert_cmd(emu, "-ERR GT and LT options at the same time are not compatible\r\n", "pexpire",
                  "k", "10", "xx", "lt", "gt");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'expire' command\r\n", "expire", "k");
    /* An option cut at a NUL still counts. */
    const char *nulnx[] = { "expire", "k", "10", "nx\0zz" };
    size_t nullens[] = { 6, 1, 2, 5 };
    rl_assert_resp(call_bin(emu, 4, nulnx, nullens), ":1\r\n");
    rl_test_free_emu(emu);
}

static void expire_should_reject_overflowing_times(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    put(emu, 0, "k", "v");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'expire' command\r\n", "expire", "k",
                  "9223372036854775807");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'expire' command\r\n", "EXPIRE", "k",
                  "9223372036854775");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'expire' command\r\n", "expire", "k",
                  "-9223372036854775808");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'expire' command\r\n", "expire", "missing",
                  "9223372036854775807");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'pexpire' command\r\n", "PEXPIRE", "k",
                  "9223372036854775807");
    rl_assert_cmd(emu, "-ERR invalid expire time in 'expireat' command\r\n", "expireat", "k",
                  "9223372036854776");
    rl_assert_cmd(emu, ":1\r\n", "expireat", "k", "9223372036854775");
    rl_assert_cmd(emu, ":9223372036854775000\r\n", "pexpiretime", "k");
    rl_assert_cmd(emu, ":1\r\n", "pexpireat", "k", "9223372036854775807");
    rl_assert_cmd(emu, ":9223372036854775807\r\n", "pexpiretime", "k");
    /* Rounding near LLONG_MAX gives what redis-server returns. */
    rl_assert_cmd(emu, ":9223372036854776\r\n", "expiretime", "k");
    rl_test_free_emu(emu);
}

static void expire_should_delete_the_key_when_the_time_has_passed(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    put(emu, 0, "k", "v");
    rl_assert_cmd(emu, ":1\r\n", "expire", "k", "-1");
    rl_assert_cmd(emu, ":0\r\n", "exists", "k");
    put(emu, 0, "k", "v");
    rl_assert_cmd(emu, ":1\r\n", "expire", "k", "0");
    rl_assert_cmd(emu, ":0\r\n", "exists", "k");
    put(emu, 0, "k", "v");
    rl_assert_cmd(emu, ":1\r\n", "pexpireat", "k", "1");
    rl_assert_cmd(emu, ":0\r\n", "exists", "k");
    put(emu, 0, "k", "v");
    rl_assert_cmd(emu, ":1\r\n", "pexpire", "k", "-9223372036854775808");
    rl_assert_cmd(emu, ":0\r\n", "exists", "k");
    rl_assert_cmd(emu, ":0\r\n", "expire", "k", "-1");
    /* The current millisecond is already past for EXPIRE. */
    put(emu, 0, "k", "v");
    rl_assert_cmd(emu, ":1\r\n", "pexpireat", "k", "1700000000000");
    rl_assert_cmd(emu, ":0\r\n", "exists", "k");
    rl_test_free_emu(emu);
}

static void expire_should_apply_nx_xx_gt_lt(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_assert_cmd(emu, ":0\r\n", "expire", "nokey", "10", "nx");
    put(emu, 0, "k", "v");
    rl_assert_cmd(emu, ":0\r\n", "expire", "k", "100", "gt");
    rl_assert_cmd(emu, ":0\r\n", "expire", "k", "100", "xx");
    rl_assert_cmd(emu, ":0\r\n", "expire", "k", "-1", "gt");
    rl_assert_cmd(emu, ":1\r\n", "expire", "k", "100", "nx");
    rl_assert_cmd(emu, ":0\r\n", "expire", "k", "200", "nx");
    rl_assert_cmd(emu, ":1\r\n", "expireat", "k", "4000000000");
    rl_assert_cmd(emu, ":0\r\n", "expireat", "k", "4000000000", "lt");
    rl_assert_cmd(emu, ":1\r\n", "expireat", "k", "3000000000", "lt");
    rl_assert_cmd(emu, ":3000000000\r\n", "expiretime", "k");
    rl_assert_cmd(emu, ":0\r\n", "expireat", "k", "3000000000", "GT");
    rl_assert_cmd(emu, ":1\r\n", "expireat", "k", "3000000001", "GT");
    rl_assert_cmd(emu, ":1\r\n", "expireat", "k", "3000000002", "xx", "GT", "xx");
    rl_assert_cmd(emu, ":3000000002\r\n", "expiretime", "k");
    /* LT with a past time deletes a volatile key. */
    rl_assert_cmd(emu, ":1\r\n", "expire", "k", "-5", "lt");
    rl_assert_cmd(emu, ":0\r\n", "exists", "k");
    /* LT on a persistent key: no expiry counts as infinite, so it applies. */
    put(emu, 0, "p", "v");
    rl_assert_cmd(emu, ":1\r\n", "expire", "p", "50", "LT");
    rl_assert_cmd(emu, ":50\r\n", "ttl", "p");
    rl_test_free_emu(emu);
}

static void ttl_should_round_and_follow_the_clock(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_assert_cmd(emu, ":-2\r\n", "ttl", "k");
    rl_assert_cmd(emu, ":-2\r\n", "pttl", "k");
    rl_assert_cmd(emu, ":-2\r\n", "expiretime", "k");
    rl_assert_cmd(emu, ":-2\r\n", "pexpiretime", "k");
    put(emu, 0, "k", "v");
    rl_assert_cmd(emu, ":-1\r\n", "ttl", "k");
    rl_assert_cmd(emu, ":-1\r\n", "pttl", "k");
    rl_assert_cmd(emu, ":-1\r\n", "expiretime", "k");
    rl_assert_cmd(emu, ":-1\r\n", "pexpiretime", "k");
    rl_assert_cmd(emu, ":1\r\n", "pexpire", "k", "1500");
    rl_assert_cmd(emu, ":1500\r\n", "pttl", "k");
    rl_assert_cmd(emu, ":2\r\n", "ttl", "k");
    rl_assert_cmd(emu, ":1700000001500\r\n", "pexpiretime", "k");
    rl_assert_cmd(emu, ":1700000002\r\n", "expiretime", "k");
    rl_emu_advance_ms(emu, 1);
    rl_assert_cmd(emu, ":1499\r\n", "pttl", "k");
    rl_assert_cmd(emu, ":1\r\n", "ttl", "k");
    rl_emu_advance_ms(emu, 999);
    rl_assert_cmd(emu, ":500\r\n", "pttl", "k");
    rl_assert_cmd(emu, ":1\r\n", "ttl", "k");
    rl_emu_advance_ms(emu, 1);
    rl_assert_cmd(emu, ":0\r\n", "ttl", "k");
    /* At its expiry millisecond the key still exists, with a TTL of 0. */
    rl_emu_advance_ms(emu, 499);
    rl_assert_cmd(emu, ":0\r\n", "pttl", "k");
    rl_assert_cmd(emu, ":1\r\n", "exists", "k");
    rl_emu_advance_ms(emu, 1);
    rl_assert_cmd(emu, ":-2\r\n", "pttl", "k");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'ttl' command\r\n", "ttl");
    rl_test_free_emu(emu);
}

static void persist_should_remove_only_an_existing_expiry(void **state)
{
    (void)state;
    rl_emu *emu = new_emu();
    rl_assert_cmd(emu, ":0\r\n", "persist", "k");
    put(emu, 0, "k", "v");
    rl_assert_cmd(emu, ":0\r\n", "persist", "k");
    rl_assert_cmd(emu, ":1\r\n", "expire", "k", "10");
    rl_assert_cmd(emu, ":10\r\n", "ttl", "k");
    rl_assert_cmd(emu, ":1\r\n", "PERSIST", "k");
    rl_assert_cmd(emu, ":-1\r\n", "ttl", "k");
    rl_assert_cmd(emu, ":0\r\n", "persist", "k");
    rl_emu_advance_ms(emu, 20000);
    rl_assert_cmd(emu, ":1\r\n", "exists", "k");
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ping_should_reply_pong_or_echo_and_check_arity),
        cmocka_unit_test(time_should_follow_the_virtual_clock),
        cmocka_unit_test(select_should_check_the_index_like_redis),
        cmocka_unit_test(del_should_count_each_deleted_key_once),
        cmocka_unit_test(exists_should_count_repeated_keys_and_binary_names),
        cmocka_unit_test(type_should_reply_a_status),
        cmocka_unit_test(rename_should_report_missing_keys_and_keep_ttl),
        cmocka_unit_test(move_should_check_the_db_and_keep_ttl),
        cmocka_unit_test(copy_should_parse_options_and_duplicate_the_value),
        cmocka_unit_test(keys_should_glob_binary_names_and_skip_expired),
        cmocka_unit_test(scan_should_parse_cursor_and_options_like_redis),
        cmocka_unit_test(scan_should_filter_by_match_and_type),
        cmocka_unit_test(scan_should_return_expired_keys_for_type_none_like_redis),
        cmocka_unit_test(scan_should_return_stable_keys_once_under_concurrent_changes),
        cmocka_unit_test(scan_should_resume_from_any_cursor),
        cmocka_unit_test(randomkey_should_be_deterministic_and_skip_expired),
        cmocka_unit_test(dbsize_and_flush_should_cover_the_right_databases),
        cmocka_unit_test(swapdb_should_check_indexes_and_swap_contents),
        cmocka_unit_test(lookups_should_follow_swapdb_deletes_and_expiry),
        cmocka_unit_test(expire_should_reject_bad_options_like_redis),
        cmocka_unit_test(expire_should_reject_overflowing_times),
        cmocka_unit_test(expire_should_delete_the_key_when_the_time_has_passed),
        cmocka_unit_test(expire_should_apply_nx_xx_gt_lt),
        cmocka_unit_test(ttl_should_round_and_follow_the_clock),
        cmocka_unit_test(persist_should_remove_only_an_existing_expiry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
