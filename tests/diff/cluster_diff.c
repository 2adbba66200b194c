/* cluster_diff: the emulator's cluster mode against a real Redis Cluster
 * node. It starts a throwaway redis-server with --cluster-enabled yes, adds
 * every slot to it (CLUSTER ADDSLOTSRANGE 0 16383) and waits for
 * cluster_state:ok, so it is a one-node cluster serving all 16384 slots,
 * which is what rl_emu_set_cluster(emu, RL_CLUSTER_ON) models. Then every
 * command below runs on both, and the replies are compared as RESP2 bytes:
 * CLUSTER KEYSLOT, CROSSSLOT, the refused multi-database commands, and the
 * script checks (scriptVerifyClusterState, no-cluster). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "diff_server.h"
#include "mem.h"
#include "redlua.h"
#include "reply.h"

#define MAX_ARGS 12

static const char *const steps[][MAX_ARGS] = {
    { "CLUSTER", "KEYSLOT", "foo" },
    { "CLUSTER", "KEYSLOT", "123456789" },
    { "CLUSTER", "KEYSLOT", "{user1000}.following" },
    { "CLUSTER", "KEYSLOT", "{}" },
    { "CLUSTER", "KEYSLOT", "{a" },
    { "CLUSTER", "KEYSLOT", "a{}{b}" },
    { "CLUSTER", "KEYSLOT", "a{b}{c}" },
    { "CLUSTER", "KEYSLOT", "" },
    { "CLUSTER", "KEYSLOT", "{{}}" },
    { "CLUSTER", "KEYSLOT", "}{a}" },
    { "CLUSTER", "KEYSLOT", "user:{42}:cart" },
    { "CLUSTER", "KEYSLOT" },
    { "CLUSTER", "KEYSLOT", "a", "b" },
    { "CLUSTER", "NOSUCHSUB" },
    { "CLUSTER" },
    /* Keys of one command in different slots. */
    { "MGET", "a", "b" },
    { "MGET", "{a}x", "{a}y" },
    { "MGET", "a", "a" },
    { "MGET" },
    { "MSET", "a", "1", "b", "2" },
    { "MSET", "{a}1", "1", "{a}2", "2" },
    { "DEL", "a", "b" },
    { "RENAME", "a", "b" },
    { "ZUNIONSTORE", "d", "1", "a" },
    { "ZUNIONSTORE", "{a}d", "1", "a" },
    { "LMPOP", "2", "a", "b", "LEFT" },
    { "SINTERCARD", "2", "a", "b" },
    { "XREAD", "STREAMS", "a", "b", "0", "0" },
    { "SORT", "a", "STORE", "b" },
    { "EVAL", "return 1", "2", "a", "b" },
    { "EVALSHA", "0000000000000000000000000000000000000000", "2", "a", "b" },
    { "EVAL", "return 1", "2", "{a}1", "{a}2" },
    /* One database. */
    { "SELECT", "1" },
    { "SELECT", "99" },
    { "SELECT", "x" },
    { "SELECT", "0" },
    { "MOVE", "a", "1" },
    { "SWAPDB", "0", "1" },
    { "COPY", "a", "b", "DB", "1" },
    { "COPY", "{a}x", "{a}y", "DB", "1" },
    { "COPY", "{a}x", "{a}y", "DB", "0" },
    { "SORT", "a", "BY", "w_*" },
    { "SORT", "a", "GET", "#" },
    { "SORT", "a", "BY", "nosort" },
    /* Scripts. */
    { "EVAL", "return redis.call('mget', 'a', 'b')", "0" },
    { "EVAL", "return redis.pcall('mget', 'a', 'b')", "0" },
    { "EVAL", "redis.call('get','a'); return redis.call('get','b')", "0" },
    { "EVAL", "#!lua\nredis.call('get','a'); return redis.call('get','b')", "0" },
    { "EVAL", "#!lua\nredis.call('get','a'); return redis.call('get','b')", "1", "a" },
    { "EVAL", "#!lua\nreturn redis.call('get','b')", "1", "a" },
    { "EVAL", "#!lua\nreturn redis.call('get','{a}b')", "1", "a" },
    { "EVAL",
      "#!lua flags=allow-cross-slot-keys\nredis.call('get','a'); return "
      "redis.call('get','b')",
      "1", "a" },
    { "EVAL", "#!lua flags=allow-cross-slot-keys\nreturn 1", "2", "a", "b" },
    { "EVAL", "#!lua flags=no-cluster\nreturn 1", "0" },
    { "EVAL", "#!lua flags=no-cluster\nreturn 1", "2", "a", "b" },
    { "EVAL_RO", "#!lua flags=no-cluster\nreturn 1", "0" },
    { "EVAL", "return redis.call('select', 1)", "0" },
    { "EVAL", "return redis.call('cluster', 'keyslot', 'foo')", "0" },
    { "FUNCTION", "LOAD",
      "#!lua name=lib\n"
      "redis.register_function('two', function(k) redis.call('get', 'a')\n"
      "  return redis.call('get', 'b') end)\n"
      "redis.register_function{function_name='nc', callback=function() return 1 end,\n"
      "  flags={'no-cluster'}}\n"
      "redis.register_function{function_name='cross', callback=function()\n"
      "  redis.call('get', 'a') return redis.call('get', 'b') end,\n"
      "  flags={'allow-cross-slot-keys'}}\n" },
    { "FCALL", "two", "0" },
    { "FCALL", "two", "1", "a" },
    { "FCALL", "nc", "0" },
    { "FCALL_RO", "nc", "0" },
    { "FCALL", "cross", "0" },
    { "FCALL", "cross", "2", "a", "b" },
    /* A rejection while queueing dooms the transaction. */
    { "MULTI" },
    { "MGET", "a", "b" },
    { "EXEC" },
};

static int compare(rl_emu *emu, rl_backend *redis, const char *const *argv, int *failures)
{
    int argc = 0;
    size_t lens[MAX_ARGS];
    while (argc < MAX_ARGS && argv[argc]) {
        lens[argc] = strlen(argv[argc]);
        argc++;
    }
    rl_reply *e = rl_emu_call(emu, argc, argv, lens);
    rl_reply *r = redis->call(redis, argc, argv, lens);
    if (!r) {
        fprintf(stderr, "cluster_diff: %s\n", redis->errstr);
        rl_reply_free(e);
        return -1;
    }
    size_t en, rn;
    char *es = rl_reply_to_resp(e, 2, &en);
    char *rs = rl_reply_to_resp(r, 2, &rn);
    if (en != rn || memcmp(es, rs, en) != 0) {
        (*failures)++;
        printf("DIFF %s %s\n  redis:    ", argv[0], argc > 1 ? argv[1] : "");
        rl_diff_print_escaped(stdout, rs, rn);
        printf("\n  emulator: ");
        rl_diff_print_escaped(stdout, es, en);
        printf("\n");
    }
    rl_free(es);
    rl_free(rs);
    rl_reply_free(e);
    rl_reply_free(r);
    return 0;
}

/* Adds every slot and waits (at most 10 s) for cluster_state:ok. */
static int make_cluster(rl_backend *redis)
{
    const char *add[] = { "CLUSTER", "ADDSLOTSRANGE", "0", "16383" };
    size_t addlen[] = { 7, 13, 1, 5 };
    rl_reply *r = redis->call(redis, 4, add, addlen);
    if (!r || r->type != RL_REPLY_STATUS) {
        rl_reply_free(r);
        return -1;
    }
    rl_reply_free(r);
    const char *info[] = { "CLUSTER", "INFO" };
    size_t infolen[] = { 7, 4 };
    for (int waited = 0; waited < 10000; waited += 50) {
        r = redis->call(redis, 2, info, infolen);
        int ok = r && r->type == RL_REPLY_BULK && strstr(r->str, "cluster_state:ok") != NULL;
        rl_reply_free(r);
        if (ok) return 0;
        struct timespec ts = { 0, 50 * 1000000L };
        nanosleep(&ts, NULL);
    }
    return -1;
}

int main(void)
{
    char exe[1024], err[512];
    if (rl_diff_find_redis(exe, sizeof(exe)) != 0)
        return rl_diff_no_server_exit("cluster_diff", "redis-server not found");
    rl_diff_server srv;
    if (rl_diff_server_start_cluster(&srv, exe, err, sizeof(err)) != 0) {
        fprintf(stderr, "cluster_diff: cannot start %s: %s\n", exe, err);
        return 1;
    }
    rl_backend *redis = rl_backend_redis_new("127.0.0.1", srv.port, err, sizeof(err));
    if (!redis) {
        fprintf(stderr, "cluster_diff: %s\n", err);
        rl_diff_server_stop(&srv);
        return 1;
    }
    if (make_cluster(redis) != 0) {
        fprintf(stderr, "cluster_diff: the node did not reach cluster_state:ok\n");
        redis->free(redis);
        rl_diff_server_stop(&srv);
        return 1;
    }
    rl_emu *emu = rl_emu_new();
    rl_emu_set_cluster(emu, RL_CLUSTER_ON);
    int failures = 0, rc = 0;
    size_t n = sizeof(steps) / sizeof(steps[0]);
    for (size_t i = 0; i < n && rc == 0; i++) rc = compare(emu, redis, steps[i], &failures);
    printf("cluster_diff: %zu commands, %d differ, engine %s\n", n, failures, rl_emu_engine());
    rl_emu_free(emu);
    redis->free(redis);
    rl_diff_server_stop(&srv);
    return rc != 0 || failures > 0;
}
