/* diff_backend: checks the redis-server backend (harness/backend_redis.c)
 * and the server launcher against a throwaway redis-server: binary-safe
 * arguments, error replies, large replies, pipelining, reset, the missing
 * clock, and behaviour when the server goes away. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend.h"
#include "diff_server.h"
#include "mem.h"
#include "reply.h"

static int failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                              \
        }                                                                            \
    } while (0)

static rl_reply *call(rl_backend *b, int argc, const char *const *argv, const size_t *len)
{
    rl_reply *r = b->call(b, argc, argv, len);
    if (!r) fprintf(stderr, "call %s failed: %s\n", argv[0], b->errstr);
    return r;
}

/* Calls a command given as C strings. */
static rl_reply *callv(rl_backend *b, int argc, const char *a0, const char *a1, const char *a2)
{
    const char *argv[] = { a0, a1, a2 };
    size_t len[] = { strlen(a0), a1 ? strlen(a1) : 0, a2 ? strlen(a2) : 0 };
    return call(b, argc, argv, len);
}

/* 1 if r serializes as RESP2 to exactly the given bytes. */
static int resp_is(const rl_reply *r, const char *want, size_t wantlen)
{
    if (!r) return 0;
    size_t n;
    char *s = rl_reply_to_resp(r, 2, &n);
    int ok = n == wantlen && memcmp(s, want, n) == 0;
    if (!ok) {
        fputs("  got  ", stderr);
        rl_diff_print_escaped(stderr, s, n);
        fputs("\n  want ", stderr);
        rl_diff_print_escaped(stderr, want, wantlen);
        fputc('\n', stderr);
    }
    rl_free(s);
    return ok;
}

#define RESP_IS(r, lit) resp_is((r), lit, sizeof(lit) - 1)

static void check_one(rl_backend *b, int argc, const char *a0, const char *a1, const char *a2,
                      const char *want, size_t wantlen, int line)
{
    rl_reply *r = callv(b, argc, a0, a1, a2);
    if (!resp_is(r, want, wantlen)) {
        fprintf(stderr, "%s:%d: unexpected reply to %s\n", __FILE__, line, a0);
        failures++;
    }
    rl_reply_free(r);
}

#define CHECK_CALL(b, argc, a0, a1, a2, lit) \
    check_one(b, argc, a0, a1, a2, lit, sizeof(lit) - 1, __LINE__)

static void test_binary_args(rl_backend *b)
{
    static const char key[] = "k\0\r\n*1\r\n", val[] = "v\0\xff\r\n$-1\r\n";
    const char *set[] = { "SET", key, val }, *get[] = { "GET", key };
    size_t setlen[] = { 3, sizeof(key) - 1, sizeof(val) - 1 }, getlen[] = { 3, sizeof(key) - 1 };
    rl_reply *r = call(b, 3, set, setlen);
    CHECK(RESP_IS(r, "+OK\r\n"));
    rl_reply_free(r);
    r = call(b, 2, get, getlen);
    CHECK(r && r->type == RL_REPLY_BULK && r->len == sizeof(val) - 1 &&
          memcmp(r->str, val, r->len) == 0);
    rl_reply_free(r);
}

static void test_replies(rl_backend *b)
{
    CHECK_CALL(b, 1, "PING", NULL, NULL, "+PONG\r\n");
    CHECK_CALL(b, 2, "GET", "missing", NULL, "$-1\r\n");
    CHECK_CALL(b, 3, "SET", "n", "abc", "+OK\r\n");
    CHECK_CALL(b, 2, "INCR", "n", NULL, "-ERR value is not an integer or out of range\r\n");
    CHECK_CALL(b, 1, "NOSUCHCMD", NULL, NULL,
               "-ERR unknown command 'NOSUCHCMD', with args beginning with: \r\n");
    CHECK_CALL(b, 3, "MGET", "n", "missing", "*2\r\n$3\r\nabc\r\n$-1\r\n");
    CHECK_CALL(b, 2, "EXISTS", "n", NULL, ":1\r\n");
}

/* A reply far larger than one read() must be reassembled. */
static void test_large_reply(rl_backend *b)
{
    size_t n = 3 * 1024 * 1024 + 7;
    char *big = malloc(n);
    for (size_t i = 0; i < n; i++) big[i] = (char)('a' + i % 26);
    const char *set[] = { "SET", "big", big };
    size_t setlen[] = { 3, 3, n };
    rl_reply *r = call(b, 3, set, setlen);
    CHECK(RESP_IS(r, "+OK\r\n"));
    rl_reply_free(r);
    r = callv(b, 2, "GET", "big", NULL);
    CHECK(r && r->type == RL_REPLY_BULK && r->len == n && memcmp(r->str, big, n) == 0);
    rl_reply_free(r);
    free(big);
}

static void test_pipeline(rl_backend *b)
{
    enum { N = 5000 };
    const char *incr[] = { "INCR", "ctr" };
    size_t len[] = { 4, 3 };
    for (int i = 0; i < N; i++) CHECK(rl_backend_redis_send(b, 2, incr, len) == 0);
    int in_order = 1;
    for (int i = 0; i < N; i++) {
        rl_reply *r = rl_backend_redis_recv(b);
        if (!r || r->type != RL_REPLY_INTEGER || r->integer != i + 1) in_order = 0;
        rl_reply_free(r);
    }
    CHECK(in_order);
    /* Nothing pending: recv must say so instead of blocking. */
    CHECK(rl_backend_redis_recv(b) == NULL);
    CHECK(strstr(b->errstr, "no reply pending") != NULL);
    /* A synchronous call after unread pipelined commands gets its own reply. */
    CHECK(rl_backend_redis_send(b, 2, incr, len) == 0);
    CHECK(rl_backend_redis_send(b, 2, incr, len) == 0);
    CHECK_CALL(b, 2, "GET", "ctr", NULL, "$4\r\n5002\r\n");
}

static void test_reset(rl_backend *b)
{
    CHECK_CALL(b, 2, "SELECT", "3", NULL, "+OK\r\n");
    CHECK_CALL(b, 3, "SET", "in3", "x", "+OK\r\n");
    rl_reply *r = callv(b, 3, "SCRIPT", "LOAD", "return 1");
    CHECK(r && r->type == RL_REPLY_BULK && r->len == 40);
    char sha[41] = "";
    if (r && r->len == 40) memcpy(sha, r->str, 41);
    rl_reply_free(r);
    r = callv(b, 3, "FUNCTION", "LOAD",
              "#!lua name=difflib\nredis.register_function('f', "
              "function() return 1 end)");
    CHECK(RESP_IS(r, "$7\r\ndifflib\r\n"));
    rl_reply_free(r);
    r = callv(b, 2, "HELLO", "3", NULL);
    CHECK(r && r->type == RL_REPLY_MAP);
    rl_reply_free(r);

    CHECK(b->reset(b) == 0);
    /* RESP2 again: an empty HGETALL is an array, not a RESP3 map. */
    CHECK_CALL(b, 2, "HGETALL", "nokey", NULL, "*0\r\n");
    CHECK_CALL(b, 1, "DBSIZE", NULL, NULL, ":0\r\n");
    CHECK_CALL(b, 2, "SELECT", "3", NULL, "+OK\r\n");
    CHECK_CALL(b, 1, "DBSIZE", NULL, NULL, ":0\r\n");
    CHECK_CALL(b, 3, "SCRIPT", "EXISTS", sha, "*1\r\n:0\r\n");
    CHECK_CALL(b, 2, "FUNCTION", "LIST", NULL, "*0\r\n");
    CHECK(b->reset(b) == 0);
    CHECK_CALL(b, 3, "SET", "in0", "y", "+OK\r\n");
    CHECK_CALL(b, 2, "SELECT", "0", NULL, "+OK\r\n");
    CHECK_CALL(b, 2, "GET", "in0", NULL, "$1\r\ny\r\n");
}

static void test_no_clock(rl_backend *b)
{
    CHECK(b->has_clock == 0);
    CHECK(strcmp(b->name, "redis") == 0);
    b->errstr[0] = '\0';
    CHECK(b->set_clock_ms(b, 1700000000000LL) == -1 && b->errstr[0] != '\0');
    b->errstr[0] = '\0';
    CHECK(b->advance_ms(b, 1000) == -1 && b->errstr[0] != '\0');
    CHECK(b->last_traceback(b) == NULL);
    CHECK(b->last_log(b) == NULL);
}

int main(void)
{
    char exe[1024], err[512];
    if (rl_diff_find_redis(exe, sizeof(exe)) != 0)
        return rl_diff_no_server_exit("diff_backend", "redis-server not found");
    rl_diff_server srv;
    if (rl_diff_server_start(&srv, exe, err, sizeof(err)) != 0) {
        fprintf(stderr, "diff_backend: cannot start %s: %s\n", exe, err);
        return 1;
    }
    CHECK(srv.port < 6401 || srv.port > 6406);
    char dir[sizeof(srv.dir)];
    memcpy(dir, srv.dir, sizeof(dir));
    struct stat st;
    CHECK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode));

    rl_backend *b = rl_backend_redis_new("127.0.0.1", srv.port, err, sizeof(err));
    CHECK(b != NULL);
    if (!b) {
        fprintf(stderr, "diff_backend: %s\n", err);
        rl_diff_server_stop(&srv);
        return 1;
    }
    CHECK(b->reset(b) == 0);
    test_no_clock(b);
    test_binary_args(b);
    test_replies(b);
    test_large_reply(b);
    test_pipeline(b);
    test_reset(b);

    /* The server goes away: calls fail with a reason instead of hanging,
     * and the launcher has removed its temp dir. */
    rl_diff_server_stop(&srv);
    CHECK(stat(dir, &st) != 0);
    const char *ping[] = { "PING" };
    size_t pinglen[] = { 4 };
    rl_reply *r = b->call(b, 1, ping, pinglen);
    CHECK(r == NULL && b->errstr[0] != '\0');
    rl_reply_free(r);
    CHECK(b->reset(b) == -1);
    b->free(b);
    rl_diff_server_stop(&srv);

    /* Nothing listens on the old port any more: the constructor fails. */
    err[0] = '\0';
    rl_backend *none = rl_backend_redis_new("127.0.0.1", srv.port ? srv.port : 1, err, sizeof(err));
    CHECK(none == NULL && strstr(err, "cannot connect") != NULL);

    if (failures) {
        fprintf(stderr, "diff_backend: %d checks failed\n", failures);
        return 1;
    }
    printf("diff_backend: all checks passed\n");
    return 0;
}
