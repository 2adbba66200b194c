/* HyperLogLog commands (t_hll.c). Every expected reply below was read from
 * redis-server 7.0.15 (Debian 12) running the same commands from an empty
 * database; values too long to spell out are compared by their length and
 * FNV-1a 64 hash, computed over the bytes Redis's GET returned. */
#include <stdio.h>

#include "test_common.h"

#include "errors.h"

/* PFADD key e<from> .. e<to - 1>, in batches of 1000 like the oracle run. */
static void add_range(rl_emu *emu, const char *key, int from, int to)
{
    static char bufs[1000][16];
    const char *argv[1002];
    size_t len[1002];
    for (int j = from; j < to; j += 1000) {
        int argc = 0;
        argv[argc] = "pfadd";
        len[argc++] = 5;
        argv[argc] = key;
        len[argc++] = strlen(key);
        for (int x = j; x < to && x < j + 1000; x++) {
            char *b = bufs[x - j];
            len[argc] = (size_t)snprintf(b, 16, "e%d", x);
            argv[argc++] = b;
        }
        rl_reply_free(rl_emu_call(emu, argc, argv, len));
    }
}

/* Runs argv, whose last argument is n bytes (a binary value); the others
 * are C strings. Returns the reply. */
static rl_reply *call_bin(rl_emu *emu, int argc, const char **argv, size_t n)
{
    size_t len[8];
    for (int i = 0; i < argc - 1; i++) len[i] = strlen(argv[i]);
    len[argc - 1] = n;
    return rl_emu_call(emu, argc, argv, len);
}

/* SET key to the n bytes of v. */
static void set_bin(rl_emu *emu, const char *key, const char *v, size_t n)
{
    const char *argv[] = { "set", key, v };
    rl_assert_resp(call_bin(emu, 3, argv, n), "+OK\r\n");
}

/* FNV-1a 64 of key's value, and its length in *n. */
static uint64_t value_hash(rl_emu *emu, const char *key, size_t *n)
{
    rl_reply *r = rl_emu_callv(emu, "get", key, (const char *)NULL);
    assert_int_equal(r->type, RL_REPLY_BULK);
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < r->len; i++) {
        h ^= (unsigned char)r->str[i];
        h *= 0x100000001b3ULL;
    }
    *n = r->len;
    rl_reply_free(r);
    return h;
}

static void pfadd_should_store_redis_sparse_bytes(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    /* A new key counts as a change even with no elements. */
    rl_assert_cmd(emu, ":1\r\n", "pfadd", "h");
    rl_assert_cmd(emu, ":0\r\n", "pfadd", "h");
    rl_assert_cmd(emu, "$18\r\nHYLL\001\000\000\000\000\000\000\000\000\000\000\200\177\377\r\n",
                  "get", "h");
    rl_assert_cmd(emu, "$7\r\nZ:16384\r\n", "pfdebug", "decode", "h");
    rl_assert_cmd(emu, "+sparse\r\n", "pfdebug", "encoding", "h");
    rl_assert_cmd(emu, ":0\r\n", "pfcount", "h");

    rl_assert_cmd(emu, ":1\r\n", "pfadd", "h2", "a", "b", "c");
    rl_assert_cmd(emu, ":0\r\n", "pfadd", "h2", "a");
    rl_assert_cmd(emu,
                  "$27\r\nHYLL\001\000\000\000\000\000\000\000\000\000\000\200`\363\200P\261\204K"
                  "\373\200BZ\r\n",
                  "get", "h2");
    rl_assert_cmd(emu, "$44\r\nZ:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603\r\n", "pfdebug",
                  "decode", "h2");
    /* PFCOUNT writes the estimate back into the header, cache bit clear. */
    rl_assert_cmd(emu, ":3\r\n", "pfcount", "h2");
    rl_assert_cmd(emu,
                  "$27\r\nHYLL\001\000\000\000\003\000\000\000\000\000\000\000`\363\200P\261\204K"
                  "\373\200BZ\r\n",
                  "get", "h2");
    rl_assert_cmd(emu, ":3\r\n", "pfcount", "h2");
    rl_test_free_emu(emu);
}

static void pfadd_should_promote_to_dense_past_3000_bytes(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    /* Redis promotes "p" when adding e1683: the sparse string was 3000
     * bytes (hll-sparse-max-bytes) and would have grown past it. */
    add_range(emu, "p", 0, 1683);
    rl_assert_cmd(emu, "+sparse\r\n", "pfdebug", "encoding", "p");
    rl_assert_cmd(emu, ":3000\r\n", "strlen", "p");
    add_range(emu, "p", 1683, 1684);
    rl_assert_cmd(emu, "+dense\r\n", "pfdebug", "encoding", "p");
    rl_assert_cmd(emu, ":12304\r\n", "strlen", "p");
    rl_assert_cmd(emu, ":1685\r\n", "pfcount", "p");
    size_t n;
    assert_true(value_hash(emu, "p", &n) == 0x22fe6cf0303a8312ULL);
    assert_int_equal(n, 12304);
    rl_assert_cmd(emu, "-ERR HLL encoding is not sparse\r\n", "pfdebug", "decode", "p");
    rl_assert_cmd(emu, ":0\r\n", "pfdebug", "todense", "p");
    rl_test_free_emu(emu);
}

static void pfcount_should_estimate_as_redis(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    static const struct {
        int n;
        const char *count, *encoding, *strlen;
    } cases[] = {
        { 10, ":10\r\n", "+sparse\r\n", ":48\r\n" },
        { 100, ":100\r\n", "+sparse\r\n", ":285\r\n" },
        { 1000, ":1008\r\n", "+sparse\r\n", ":1906\r\n" },
        { 5000, ":4968\r\n", "+dense\r\n", ":12304\r\n" },
        { 20000, ":19901\r\n", "+dense\r\n", ":12304\r\n" },
        { 100000, ":100853\r\n", "+dense\r\n", ":12304\r\n" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char key[16];
        snprintf(key, sizeof(key), "n%d", cases[i].n);
        add_range(emu, key, 0, cases[i].n);
        rl_assert_resp_len(rl_emu_callv(emu, "pfcount", key, (const char *)NULL), cases[i].count,
                           strlen(cases[i].count));
        rl_assert_resp_len(rl_emu_callv(emu, "pfdebug", "encoding", key, (const char *)NULL),
                           cases[i].encoding, strlen(cases[i].encoding));
        rl_assert_resp_len(rl_emu_callv(emu, "strlen", key, (const char *)NULL), cases[i].strlen,
                           strlen(cases[i].strlen));
    }
    size_t n;
    assert_true(value_hash(emu, "n1000", &n) == 0x4ded8ea0046b668dULL);
    assert_int_equal(n, 1906);
    assert_true(value_hash(emu, "n5000", &n) == 0x9219c5a2921db657ULL);
    assert_int_equal(n, 12304);
    /* Several keys: the estimate of the union; missing keys are empty. */
    rl_assert_cmd(emu, ":4968\r\n", "pfcount", "n10", "n1000", "n5000");
    rl_assert_cmd(emu, ":19901\r\n", "pfcount", "n100", "n20000", "missing");
    rl_test_free_emu(emu);
}

static void pfmerge_should_keep_sparse_unless_a_source_is_dense(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    char buf[16];
    for (int i = 0; i < 500; i++) {
        snprintf(buf, sizeof(buf), "a%d", i);
        rl_reply_free(rl_emu_callv(emu, "pfadd", "a", buf, (const char *)NULL));
    }
    for (int i = 0; i < 700; i++) {
        snprintf(buf, sizeof(buf), "b%d", i);
        rl_reply_free(rl_emu_callv(emu, "pfadd", "b", buf, (const char *)NULL));
    }
    add_range(emu, "n5000", 0, 5000);
    rl_assert_cmd(emu, ":1206\r\n", "pfcount", "a", "b");
    rl_assert_cmd(emu, "+OK\r\n", "pfmerge", "ab", "a", "b");
    rl_assert_cmd(emu, ":1206\r\n", "pfcount", "ab");
    rl_assert_cmd(emu, "+sparse\r\n", "pfdebug", "encoding", "ab");
    size_t n;
    assert_true(value_hash(emu, "ab", &n) == 0xd0f63e0fefde2659ULL);
    assert_int_equal(n, 2217);
    rl_assert_cmd(emu, "+OK\r\n", "pfmerge", "abn", "a", "n5000");
    rl_assert_cmd(emu, "+dense\r\n", "pfdebug", "encoding", "abn");
    rl_assert_cmd(emu, ":5463\r\n", "pfcount", "abn");
    assert_true(value_hash(emu, "abn", &n) == 0x3442f95791c90d66ULL);
    assert_int_equal(n, 12304);
    rl_assert_cmd(emu, ":496\r\n", "pfcount", "a");
    rl_assert_cmd(emu, ":709\r\n", "pfcount", "b");
    rl_test_free_emu(emu);
}

static void hll_commands_should_refuse_other_values(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "+OK\r\n", "set", "s", "abc");
    rl_assert_cmd(emu, ":1\r\n", "lpush", "l", "a");
    rl_assert_cmd(emu, "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n", "pfadd", "s",
                  "a");
    rl_assert_cmd(emu, "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n", "pfcount",
                  "s");
    rl_assert_cmd(emu, "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n", "pfcount",
                  "s", "t");
    rl_assert_cmd(emu, "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n", "pfmerge",
                  "d", "s");
    /* The key is checked before the subcommand. */
    rl_assert_cmd(emu, "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n", "pfdebug",
                  "foo", "s");
    rl_assert_cmd(emu, "-ERR The specified key does not exist\r\n", "pfdebug", "foo", "nokey");
    rl_assert_cmd(emu, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                  "pfadd", "l", "a");
    rl_assert_cmd(emu, "+OK\r\n", "set", "n", "12345678901234567");
    rl_assert_cmd(emu, "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n", "pfcount",
                  "n");
    rl_assert_cmd(emu, ":1\r\n", "pfadd", "h");
    rl_assert_cmd(emu, "-ERR Unknown PFDEBUG subcommand 'foo'\r\n", "pfdebug", "foo", "h");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'pfselftest' command\r\n", "pfselftest",
                  "x");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'pfdebug' command\r\n", "pfdebug",
                  "getreg");
    rl_test_free_emu(emu);
}

static void hll_commands_should_detect_corrupt_values(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    /* Sparse opcodes covering 16385 registers: XZERO 16383, VAL, VAL. Redis
     * with the CVE-2025-32023 fix refuses it everywhere the whole value is
     * read; PFADD of an element landing before the end still works. */
    const char c2[] = "HYLL\001\000\000\000\000\000\000\000\000\000\000\200\177\376\200\200";
    set_bin(emu, "c2", c2, sizeof(c2) - 1);
    rl_assert_cmd(emu, "-INVALIDOBJ Corrupted HLL object detected\r\n", "pfcount", "c2");
    rl_assert_cmd(emu, "-INVALIDOBJ Corrupted HLL object detected\r\n", "pfcount", "c2", "x");
    rl_assert_cmd(emu, "-INVALIDOBJ Corrupted HLL object detected\r\n", "pfmerge", "d", "c2");
    rl_assert_cmd(emu, "-INVALIDOBJ Corrupted HLL object detected\r\n", "pfdebug", "todense", "c2");
    rl_assert_cmd(emu, ":0\r\n", "exists", "d");
    rl_assert_cmd(emu, ":1\r\n", "pfadd", "c2", "a");
    /* Exactly 16384: XZERO 16383 then VAL 2. */
    const char c3[] = "HYLL\001\000\000\000\000\000\000\000\000\000\000\200\177\376\204";
    set_bin(emu, "c3", c3, sizeof(c3) - 1);
    rl_assert_cmd(emu, ":1\r\n", "pfcount", "c3");
    rl_assert_cmd(emu, "+OK\r\n", "pfmerge", "d", "c3");
    rl_assert_cmd(emu, ":1\r\n", "pfdebug", "todense", "c3");
    /* A sparse value cut short by an XZERO missing its second byte: Redis
     * reads the byte after the string for it. Splitting it leaves a byte
     * after the string, which the next PFADD reads (elements x24 and x29
     * land in registers 16032 and 16203). */
    const char c[] = "HYLL\001\000\000\000\000\000\000\000\000\000\000\200~\177A";
    set_bin(emu, "c", c, sizeof(c) - 1);
    rl_assert_cmd(emu, ":1\r\n", "pfadd", "c", "x24");
    rl_assert_cmd(emu, ":1\r\n", "pfadd", "c", "x29");
    rl_assert_cmd(emu,
                  "$23\r\nHYLL\001\000\000\000\000\000\000\000\000\000\000\200~\177\037\244@"
                  "\251\200\r\n",
                  "get", "c");
    rl_assert_cmd(emu, "$31\r\nZ:16000 z:32 v:10,1 Z:170 v:1,1\r\n", "pfdebug", "decode", "c");
    /* Bad magic, bad encoding byte, a dense value of the wrong length. */
    rl_assert_cmd(emu, ":1\r\n", "pfadd", "h", "a");
    rl_assert_cmd(emu, ":21\r\n", "setrange", "h", "0", "0123");
    rl_assert_cmd(emu, "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n", "pfcount",
                  "h");
    rl_assert_cmd(emu, ":1\r\n", "del", "h");
    rl_assert_cmd(emu, ":1\r\n", "pfadd", "h", "a");
    rl_assert_cmd(emu, ":21\r\n", "setrange", "h", "4", "x");
    rl_assert_cmd(emu, "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n", "pfadd", "h",
                  "b");
    const char *dense[] = { "setrange", "h", "4", "" };
    rl_assert_resp(call_bin(emu, 4, dense, 1), ":21\r\n");
    rl_assert_cmd(emu, "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n", "pfcount",
                  "h");
    /* Junk after a valid sparse body. */
    rl_assert_cmd(emu, ":1\r\n", "pfadd", "t", "a", "b");
    rl_assert_cmd(emu, ":29\r\n", "append", "t", "hello");
    rl_assert_cmd(emu, "-INVALIDOBJ Corrupted HLL object detected\r\n", "pfcount", "t");
    rl_assert_cmd(emu, ":1\r\n", "pfadd", "t", "zz");
    rl_test_free_emu(emu);
}

static void pfdebug_getreg_should_convert_to_dense(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "pfadd", "h", "a", "b", "c");
    rl_reply *r = rl_emu_callv(emu, "pfdebug", "getreg", "h", (const char *)NULL);
    assert_int_equal(r->type, RL_REPLY_ARRAY);
    assert_int_equal(r->elements, 16384);
    /* From PFDEBUG DECODE: Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603. */
    long long sum = 0;
    for (size_t i = 0; i < r->elements; i++) sum += r->element[i]->integer;
    assert_int_equal(sum, 4);
    assert_int_equal(r->element[8436]->integer, 1);
    assert_int_equal(r->element[12711]->integer, 2);
    assert_int_equal(r->element[15780]->integer, 1);
    rl_reply_free(r);
    rl_assert_cmd(emu, "+dense\r\n", "pfdebug", "encoding", "h");
    rl_assert_cmd(emu, ":3\r\n", "pfcount", "h");
    rl_test_free_emu(emu);
}

static void pfcount_should_be_refused_in_read_only_scripts(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, ":1\r\n", "pfadd", "h", "a", "b", "c");
    rl_assert_cmd(emu, "-" RL_ERR_LUA_READONLY_WRITE "\r\n", "eval_ro",
                  "return redis.pcall('pfcount', KEYS[1])", "1", "h");
    rl_assert_cmd(emu,
                  "-ERR Write commands are not allowed from read-only scripts. script: "
                  "555e6dad1394c7f70b9c2c36655e0441257b3a78, on @user_script:1.\r\n",
                  "eval_ro", "return redis.call('pfcount', KEYS[1])", "1", "h");
    rl_assert_cmd(emu, "-ERR Write commands are not allowed from read-only scripts.\r\n", "eval",
                  "#!lua flags=no-writes\nreturn redis.pcall('pfcount', KEYS[1])", "1", "h");
    rl_assert_cmd(emu, "-ERR Write commands are not allowed from read-only scripts.\r\n", "eval_ro",
                  "return redis.pcall('pfcount', KEYS[1], 'nokey')", "1", "h");
    rl_assert_cmd(emu, "-ERR Write commands are not allowed from read-only scripts.\r\n", "eval_ro",
                  "return redis.pcall('pfadd', KEYS[1], 'x')", "1", "h");
    rl_assert_cmd(emu, "-ERR Write commands are not allowed from read-only scripts.\r\n", "eval_ro",
                  "return redis.pcall('pfdebug', 'encoding', KEYS[1])", "1", "h");
    rl_assert_cmd(emu, ":3\r\n", "eval", "#!lua\nreturn redis.pcall('pfcount', KEYS[1])", "1", "h");
    rl_assert_cmd(emu, ":3\r\n", "eval", "return redis.pcall('pfcount', KEYS[1])", "1", "h");
    rl_assert_cmd(emu, ":1\r\n", "eval", "return redis.pcall('pfadd', KEYS[1], 'x')", "1", "h");
    rl_assert_cmd(emu, ":4\r\n", "eval", "return redis.pcall('pfcount', KEYS[1], 'nokey')", "1",
                  "h");
    rl_test_free_emu(emu);
}

/* WATCH h on one client, cmd on another, then an empty transaction: its
 * EXEC reply tells whether cmd counted as a change of h. */
static void assert_watch(const char *const *setup, size_t nsetup, const char *a0, const char *a1,
                         const char *a2, const char *expected)
{
    rl_emu *emu = rl_emu_new();
    rl_emu_client *a = rl_emu_client_new(emu), *b = rl_emu_client_new(emu);
    for (size_t i = 0; i < nsetup; i++) {
        const char *argv[] = { "pfadd", "h", setup[i] };
        rl_reply_free(call_bin(emu, 3, argv, strlen(setup[i])));
    }
    rl_assert_resp(rl_emu_client_callv(a, "watch", "h", (const char *)NULL), "+OK\r\n");
    rl_reply_free(rl_emu_client_callv(b, a0, a1, a2, (const char *)NULL));
    rl_assert_resp(rl_emu_client_callv(a, "multi", (const char *)NULL), "+OK\r\n");
    rl_assert_resp(rl_emu_client_callv(a, "ping", (const char *)NULL), "+QUEUED\r\n");
    rl_assert_resp_len(rl_emu_client_callv(a, "exec", (const char *)NULL), expected,
                       strlen(expected));
    rl_emu_client_free(a);
    rl_emu_client_free(b);
    rl_test_free_emu(emu);
}

static void hll_commands_should_touch_watched_keys_as_redis(void **state)
{
    (void)state;
    const char *const ab[] = { "a", "b" };
    /* PFMERGE always counts, even when the bytes come out the same. */
    assert_watch(ab, 2, "pfmerge", "h", "h", "*-1\r\n");
    /* PFCOUNT counts when it writes its cache, not when it reads it. */
    assert_watch(ab, 2, "pfcount", "h", NULL, "*-1\r\n");
    rl_emu *emu = rl_emu_new();
    rl_emu_client *a = rl_emu_client_new(emu), *b = rl_emu_client_new(emu);
    rl_assert_cmd(emu, ":1\r\n", "pfadd", "h", "a", "b");
    rl_assert_cmd(emu, ":2\r\n", "pfcount", "h");
    rl_assert_resp(rl_emu_client_callv(a, "watch", "h", (const char *)NULL), "+OK\r\n");
    rl_assert_resp(rl_emu_client_callv(b, "pfcount", "h", (const char *)NULL), ":2\r\n");
    rl_assert_resp(rl_emu_client_callv(b, "pfadd", "h", "a", (const char *)NULL), ":0\r\n");
    rl_assert_resp(rl_emu_client_callv(a, "multi", (const char *)NULL), "+OK\r\n");
    rl_assert_resp(rl_emu_client_callv(a, "ping", (const char *)NULL), "+QUEUED\r\n");
    rl_assert_resp(rl_emu_client_callv(a, "exec", (const char *)NULL), "*1\r\n+PONG\r\n");
    rl_emu_client_free(a);
    rl_emu_client_free(b);
    rl_test_free_emu(emu);
}

static void hll_commands_should_have_redis_table_rows(void **state)
{
    (void)state;
    /* COMMAND INFO does not print may-replicate; pfcount.json has it. */
    const rl_test_row rows[] = {
        { "pfadd", -2, RL_CMD_WRITE | RL_CMD_DENYOOM | RL_CMD_FAST, 1, 1, 1 },
        { "pfcount", -2, RL_CMD_READONLY | RL_CMD_MAY_REPLICATE, 1, -1, 1 },
        { "pfmerge", -2, RL_CMD_WRITE | RL_CMD_DENYOOM, 1, -1, 1 },
        { "pfdebug", 3, RL_CMD_WRITE | RL_CMD_DENYOOM | RL_CMD_ADMIN, 2, 2, 1 },
        { "pfselftest", 1, RL_CMD_ADMIN, 0, 0, 0 },
    };
    rl_assert_command_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pfadd_should_store_redis_sparse_bytes),
        cmocka_unit_test(pfadd_should_promote_to_dense_past_3000_bytes),
        cmocka_unit_test(pfcount_should_estimate_as_redis),
        cmocka_unit_test(pfmerge_should_keep_sparse_unless_a_source_is_dense),
        cmocka_unit_test(hll_commands_should_refuse_other_values),
        cmocka_unit_test(hll_commands_should_detect_corrupt_values),
        cmocka_unit_test(pfdebug_getreg_should_convert_to_dense),
        cmocka_unit_test(pfcount_should_be_refused_in_read_only_scripts),
        cmocka_unit_test(hll_commands_should_touch_watched_keys_as_redis),
        cmocka_unit_test(hll_commands_should_have_redis_table_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
