/* Cluster mode and the cluster-safety audit (emulator/cluster.c). Expected
 * slots and error texts were asked of a real redis-server 7.0.15 started
 * with --cluster-enabled yes and every slot added (CLUSTER ADDSLOTSRANGE 0
 * 16383); tests/diff/cluster.sh compares the same replies byte for byte. */
#include "test_common.h"

#include "cluster.h"

#include <stdlib.h>

static void slot_should_match_cluster_keyslot(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        size_t len;
        unsigned int slot;
    } cases[] = {
        { "foo", 3, 12182 },
        { "bar", 3, 5061 },
        { "123456789", 9, 12739 }, /* the CRC16/XMODEM check value 0x31C3 */
        { "{user1000}.following", 20, 3443 },
        { "{}", 2, 15257 },     /* empty tag: the whole key */
        { "{a", 2, 10276 },     /* no closing brace: the whole key */
        { "a{}{b}", 6, 15033 }, /* the first tag is empty: the whole key */
        { "a{b}{c}", 7, 3300 }, /* only the first tag counts */
        { "a{b}", 4, 3300 },
        { "", 0, 0 },
        { "{", 1, 4092 },
        { "}", 1, 12090 },
        { "a{b", 3, 13340 },
        { "{}a", 3, 10875 },
        { "{{}}", 4, 4092 }, /* the tag is "{" */
        { "{a}}", 4, 15495 },
        { "}{a}", 4, 15495 },
        { "user:{42}:cart", 14, 8000 },
        { "{user:42}", 9, 15880 },
        { "user:42", 7, 15880 },
        { "\0", 1, 0 },
        { "a\0b", 3, 8383 },
        { "{\0}x", 4, 0 },
        { "\xff\xfe", 2, 3374 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (rl_key_hash_slot(cases[i].key, cases[i].len) != cases[i].slot)
            print_error("key #%zu: expected slot %u, got %u\n", i, cases[i].slot,
                        rl_key_hash_slot(cases[i].key, cases[i].len));
        assert_int_equal(rl_key_hash_slot(cases[i].key, cases[i].len), cases[i].slot);
    }
}

static void cluster_keyslot_should_need_cluster_mode(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-ERR This instance has cluster support disabled\r\n", "CLUSTER", "KEYSLOT",
                  "foo");
    rl_emu_set_cluster(emu, RL_CLUSTER_ON);
    assert_int_equal(rl_emu_cluster(emu), RL_CLUSTER_ON);
    rl_assert_cmd(emu, ":12182\r\n", "CLUSTER", "KEYSLOT", "foo");
    rl_assert_cmd(emu, ":3300\r\n", "cluster", "keyslot", "a{b}{c}");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'cluster|keyslot' command\r\n",
                  "CLUSTER", "KEYSLOT");
    rl_assert_cmd(emu, "-ERR unknown subcommand 'bogus'. Try CLUSTER HELP.\r\n", "CLUSTER",
                  "bogus");
    rl_assert_cmd(emu, ":12182\r\n", "EVAL", "return redis.call('cluster','keyslot','foo')", "0");
    rl_test_free_emu(emu);
}

static void cluster_mode_should_refuse_cross_slot_commands(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "*2\r\n$-1\r\n$-1\r\n", "MGET", "a", "b");
    rl_emu_set_cluster(emu, RL_CLUSTER_ON);
    rl_assert_cmd(emu, "-CROSSSLOT Keys in request don't hash to the same slot\r\n", "MGET", "a",
                  "b");
    rl_assert_cmd(emu, "*2\r\n$-1\r\n$-1\r\n", "MGET", "{a}x", "{a}y");
    rl_assert_cmd(emu, "*2\r\n$-1\r\n$-1\r\n", "MGET", "a", "a");
    rl_assert_cmd(emu, "-CROSSSLOT Keys in request don't hash to the same slot\r\n", "MSET", "a",
                  "1", "b", "2");
    rl_assert_cmd(emu, "-CROSSSLOT Keys in request don't hash to the same slot\r\n", "ZUNIONSTORE",
                  "d", "1", "a");
    rl_assert_cmd(emu, ":0\r\n", "ZUNIONSTORE", "{a}d", "1", "a");
    rl_assert_cmd(emu, "-CROSSSLOT Keys in request don't hash to the same slot\r\n", "SORT", "a",
                  "STORE", "b");
    rl_assert_cmd(emu, "-CROSSSLOT Keys in request don't hash to the same slot\r\n", "EVAL",
                  "return 1", "2", "a", "b");
    /* Arity comes first; then CROSSSLOT, before the command parses anything. */
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'mget' command\r\n", "MGET");
    rl_assert_cmd(emu, "-CROSSSLOT Keys in request don't hash to the same slot\r\n", "COPY", "a",
                  "b", "DB", "1");
    /* A rejection while queueing dooms the transaction. */
    rl_assert_cmd(emu, "+OK\r\n", "MULTI");
    rl_assert_cmd(emu, "-CROSSSLOT Keys in request don't hash to the same slot\r\n", "MGET", "a",
                  "b");
    rl_assert_cmd(emu, "-EXECABORT Transaction discarded because of previous errors.\r\n", "EXEC");
    rl_test_free_emu(emu);
}

static void cluster_mode_should_refuse_other_databases(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_cluster(emu, RL_CLUSTER_ON);
    rl_assert_cmd(emu, "-ERR SELECT is not allowed in cluster mode\r\n", "SELECT", "1");
    rl_assert_cmd(emu, "-ERR SELECT is not allowed in cluster mode\r\n", "SELECT", "99");
    rl_assert_cmd(emu, "-ERR value is not an integer or out of range\r\n", "SELECT", "x");
    rl_assert_cmd(emu, "+OK\r\n", "SELECT", "0");
    rl_assert_cmd(emu, "-ERR MOVE is not allowed in cluster mode\r\n", "MOVE", "a", "1");
    rl_assert_cmd(emu, "-ERR SWAPDB is not allowed in cluster mode\r\n", "SWAPDB", "0", "1");
    rl_assert_cmd(emu, "-ERR Copying to another database is not allowed in cluster mode\r\n",
                  "COPY", "{a}x", "{a}y", "DB", "1");
    rl_assert_cmd(emu, ":0\r\n", "COPY", "{a}x", "{a}y", "DB", "0");
    rl_assert_cmd(emu, "-ERR BY option of SORT denied in Cluster mode.\r\n", "SORT", "a", "BY",
                  "w_*");
    rl_assert_cmd(emu, "-ERR GET option of SORT denied in Cluster mode.\r\n", "SORT", "a", "GET",
                  "#");
    rl_assert_cmd(emu, "*0\r\n", "SORT", "a", "BY", "nosort");
    rl_assert_cmd(emu,
                  "-ERR SELECT is not allowed in cluster mode script: "
                  "0d16ccea427a19461999cbde2555a41e90e6c462, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('select', 1)", "0");
    rl_test_free_emu(emu);
}

#define GET_A_GET_B "redis.call('get','a'); return redis.call('get','b')"

static void cluster_mode_should_check_scripts_like_redis(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_cluster(emu, RL_CLUSTER_ON);
    /* One command across slots: refused even on a node serving every slot. */
    rl_assert_cmd(emu,
                  "-ERR Script attempted to access a non local key in a cluster node script: "
                  "ff92ad5e51cb8a1f1904e7fe9873e1e24fe2a575, on @user_script:1.\r\n",
                  "EVAL", "return redis.call('mget', 'a', 'b')", "0");
    /* No shebang: compatibility mode allows slots to change between commands. */
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", GET_A_GET_B, "0");
    /* A shebang script is bound to its first slot. */
    rl_assert_cmd(emu,
                  "-ERR Script attempted to access keys that do not hash to the same slot "
                  "script: ea11a53a0096aa991693b46abd6f6535f801a515, on @user_script:2.\r\n",
                  "EVAL", "#!lua\n" GET_A_GET_B, "0");
    rl_assert_cmd(emu,
                  "-ERR Script attempted to access keys that do not hash to the same slot "
                  "script: ea11a53a0096aa991693b46abd6f6535f801a515, on @user_script:2.\r\n",
                  "EVAL", "#!lua\n" GET_A_GET_B, "1", "a");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "#!lua flags=allow-cross-slot-keys\n" GET_A_GET_B, "1",
                  "a");
    rl_assert_cmd(emu, "-ERR Can not run script on cluster, 'no-cluster' flag is set.\r\n", "EVAL",
                  "#!lua flags=no-cluster\nreturn 1", "0");
    rl_assert_cmd(emu, "-CROSSSLOT Keys in request don't hash to the same slot\r\n", "EVAL",
                  "#!lua flags=no-cluster\nreturn 1", "2", "a", "b");
    /* redis.pcall returns the refusal as an error table. */
    rl_assert_cmd(emu, "-ERR Script attempted to access a non local key in a cluster node\r\n",
                  "EVAL", "return redis.pcall('mget', 'a', 'b')", "0");
    rl_emu_set_cluster(emu, RL_CLUSTER_OFF);
    rl_assert_cmd(emu, ":1\r\n", "EVAL", "#!lua flags=no-cluster\nreturn 1", "0");
    rl_test_free_emu(emu);
}

static void cluster_mode_should_check_functions_like_redis(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_cluster(emu, RL_CLUSTER_ON);
    rl_assert_cmd(emu, "$3\r\nlib\r\n", "FUNCTION", "LOAD",
                  "#!lua name=lib\n"
                  "redis.register_function('two', function(k) redis.call('get', 'a')\n"
                  "  return redis.call('get', 'b') end)\n"
                  "redis.register_function{function_name='nc', callback=function() return 1 "
                  "end, flags={'no-cluster'}}\n"
                  "redis.register_function{function_name='cross', callback=function()\n"
                  "  redis.call('get', 'a') return redis.call('get', 'b') end,\n"
                  "  flags={'allow-cross-slot-keys'}}\n");
    rl_assert_cmd(emu,
                  "-ERR Script attempted to access keys that do not hash to the same slot "
                  "script: two, on @user_function:3.\r\n",
                  "FCALL", "two", "0");
    rl_assert_cmd(emu, "-ERR Can not run script on cluster, 'no-cluster' flag is set.\r\n", "FCALL",
                  "nc", "0");
    rl_assert_cmd(emu, "$-1\r\n", "FCALL", "cross", "0");
    rl_assert_cmd(emu, "-CROSSSLOT Keys in request don't hash to the same slot\r\n", "FCALL",
                  "cross", "2", "a", "b");
    rl_test_free_emu(emu);
}

static void strict_mode_should_bind_a_script_to_the_slot_of_its_keys(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_cluster(emu, RL_CLUSTER_STRICT);
    /* Compatibility mode too: on a cluster of several nodes, b's slot is elsewhere. */
    rl_reply *r = rl_emu_callv(emu, "EVAL", GET_A_GET_B, "1", "a", NULL);
    assert_int_equal(r->type, RL_REPLY_ERROR);
    assert_non_null(strstr(r->str,
                           "ERR Script attempted to access a non local key in a "
                           "cluster node script: "));
    assert_non_null(strstr(r->str, "on @user_script:1."));
    rl_reply_free(r);
    /* Without KEYS, the script was sent to any node. */
    r = rl_emu_callv(emu, "EVAL", "return redis.call('get','a')", "0", NULL);
    assert_int_equal(r->type, RL_REPLY_ERROR);
    rl_reply_free(r);
    /* Undeclared keys of the KEYS' slot and a declared cross-slot script run. */
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "return redis.call('get','{a}2')", "1", "{a}1");
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "#!lua flags=allow-cross-slot-keys\n" GET_A_GET_B, "1",
                  "a");
    rl_test_free_emu(emu);
}

static void audit_should_record_undeclared_and_cross_slot_keys(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_cluster_audit(emu, 1);
    const rl_cluster_issue *is;
    rl_assert_cmd(emu, "$-1\r\n", "EVAL",
                  "redis.call('get', KEYS[1])\n"
                  "for i = 1, 3 do redis.call('get', '{k}2') end\n"
                  "return redis.call('get', 'other')",
                  "1", "{k}1");
    assert_int_equal(rl_emu_last_cluster_issues(emu, &is), 2);
    assert_int_equal(is[0].kind, RL_CLUSTER_ISSUE_UNDECLARED_KEY);
    assert_int_equal(is[0].line, 2);
    assert_string_equal(is[0].command, "get");
    assert_int_equal(is[0].keylen, 4);
    assert_memory_equal(is[0].key, "{k}2", 4);
    assert_int_equal(is[0].slot, rl_key_hash_slot("k", 1));
    assert_int_equal(is[0].expected_slot, rl_key_hash_slot("k", 1));
    assert_null(is[0].redis_error); /* the KEYS' slot: Redis Cluster runs it */
    assert_int_equal(is[1].kind, RL_CLUSTER_ISSUE_UNDECLARED_KEY);
    assert_int_equal(is[1].line, 3);
    assert_int_equal(is[1].slot, rl_key_hash_slot("other", 5));
    assert_string_equal(is[1].redis_error,
                        "ERR Script attempted to access a non local key in a cluster node");

    /* The next command forgets them; pcall(redis.call) still finds its line. */
    rl_assert_cmd(emu, "$-1\r\n", "EVAL",
                  "local ok, v = pcall(redis.call, 'mget', KEYS[1], KEYS[2])\n"
                  "return redis.call('get', KEYS[1])",
                  "2", "a", "b");
    assert_int_equal(rl_emu_last_cluster_issues(emu, &is), 2);
    assert_int_equal(is[0].kind, RL_CLUSTER_ISSUE_KEYS_CROSS_SLOT);
    assert_int_equal(is[0].line, 0);
    assert_memory_equal(is[0].key, "b", 1);
    assert_string_equal(is[0].redis_error, "CROSSSLOT Keys in request don't hash to the same slot");
    assert_int_equal(is[1].kind, RL_CLUSTER_ISSUE_CROSS_SLOT);
    assert_int_equal(is[1].line, 1);
    assert_string_equal(is[1].command, "mget");
    assert_int_equal(is[1].expected_slot, rl_key_hash_slot("a", 1));

    /* no-cluster scripts opted out; allow-cross-slot-keys ones are still told. */
    rl_assert_cmd(emu, "$-1\r\n", "EVAL", "#!lua flags=no-cluster\nreturn redis.call('get','x')",
                  "0");
    assert_int_equal(rl_emu_last_cluster_issues(emu, &is), 0);
    rl_assert_cmd(emu, "$-1\r\n", "EVAL",
                  "#!lua flags=allow-cross-slot-keys\nreturn redis.call('get','x')", "1", "a");
    assert_int_equal(rl_emu_last_cluster_issues(emu, &is), 1);
    assert_null(is[0].redis_error);
    assert_int_equal(is[0].line, 2);

    rl_assert_cmd(emu, "+OK\r\n", "SET", "x", "1");
    assert_int_equal(rl_emu_last_cluster_issues(emu, &is), 0);
    rl_emu_set_cluster_audit(emu, 0);
    rl_assert_cmd(emu, "$1\r\n1\r\n", "EVAL", "return redis.call('get','x')", "0");
    assert_int_equal(rl_emu_last_cluster_issues(emu, &is), 0);
    rl_test_free_emu(emu);
}

static void key_positions_should_follow_redis_getkeys(void **state)
{
    (void)state;
    static const struct {
        const char *argv[10];
        int n;
        int pos[4];
    } cases[] = {
        { { "GET", "k" }, 1, { 1 } },
        { { "MSET", "a", "1", "b", "2" }, 2, { 1, 3 } },
        { { "EVAL", "s", "2", "a", "b", "x" }, 2, { 3, 4 } },
        { { "EVAL", "s", "2x", "a", "b", "x" }, 2, { 3, 4 } }, /* atoi */
        { { "EVAL", "s", "0", "a" }, 0, { 0 } },
        { { "EVAL", "s", "3", "a" }, 0, { 0 } },
        { { "FCALL", "f", "1", "a" }, 1, { 3 } },
        { { "ZUNIONSTORE", "d", "2", "a", "b" }, 3, { 3, 4, 1 } },
        { { "ZINTERCARD", "2", "a", "b" }, 2, { 2, 3 } },
        { { "BLMPOP", "0", "1", "l", "LEFT" }, 1, { 3 } },
        { { "SORT", "s", "LIMIT", "0", "1", "GET", "store", "STORE", "d" }, 2, { 1, 8 } },
        { { "SORT_RO", "s", "BY", "x" }, 1, { 1 } },
        { { "XREAD", "COUNT", "1", "STREAMS", "a", "b", "0", "0" }, 2, { 4, 5 } },
        { { "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">" }, 1, { 5 } },
        { { "XREAD", "STREAMS", "a", "b", "0" }, 0, { 0 } },
        { { "RENAME", "a", "b" }, 2, { 1, 2 } },
        { { "PING" }, 0, { 0 } },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rl_arg argv[10];
        int argc = 0, pos[10];
        while (argc < 10 && cases[i].argv[argc]) {
            argv[argc].ptr = cases[i].argv[argc];
            argv[argc].len = strlen(cases[i].argv[argc]);
            argc++;
        }
        const rl_command *cmd = rl_command_lookup(argc, argv);
        assert_non_null(cmd);
        int n = rl_command_key_positions(cmd, argc, argv, pos);
        if (n != cases[i].n) print_error("case %zu (%s): %d keys\n", i, cases[i].argv[0], n);
        assert_int_equal(n, cases[i].n);
        for (int j = 0; j < n; j++) assert_int_equal(pos[j], cases[i].pos[j]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slot_should_match_cluster_keyslot),
        cmocka_unit_test(cluster_keyslot_should_need_cluster_mode),
        cmocka_unit_test(cluster_mode_should_refuse_cross_slot_commands),
        cmocka_unit_test(cluster_mode_should_refuse_other_databases),
        cmocka_unit_test(cluster_mode_should_check_scripts_like_redis),
        cmocka_unit_test(cluster_mode_should_check_functions_like_redis),
        cmocka_unit_test(strict_mode_should_bind_a_script_to_the_slot_of_its_keys),
        cmocka_unit_test(audit_should_record_undeclared_and_cross_slot_keys),
        cmocka_unit_test(key_positions_should_follow_redis_getkeys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
