/* busy_diff: busy scripts, the emulator against a throwaway redis-server.
 *
 * Each scenario runs one script (EVAL or FCALL) that takes long enough to
 * pass busy-reply-threshold (100 ms on both sides), and sends a list of
 * commands from a second connection while it is busy: on redis-server the
 * script is sent from connection A without waiting, connection B sends the
 * commands after BUSY_WAIT_MS, then A's reply is read; on the emulator the
 * busy callback sends them from a second client (rl_emu_client_new). Every
 * reply (the commands' and the script's) is compared byte for byte as RESP2,
 * except FUNCTION STATS's duration_ms, a wall-clock time, which is masked.
 *
 * SHUTDOWN NOSAVE is never sent (it would stop the oracle): scripts that
 * wrote, which no KILL can stop, are bounded loops that end by themselves.
 * Built against both engines (busy_diff, busy_diff_luajit). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "diff_server.h"
#include "mem.h"
#include "redlua.h"
#include "reply.h"

#define BUSY_THRESHOLD "100"
#define BUSY_WAIT_MS 300
#define MAX_CMDS 20
#define MAX_ARGS 5

/* A bounded loop that runs well past the threshold on both sides (about a
 * second on Redis, a third of one here), for scripts that wrote and so
 * cannot be killed. Its time goes to redis.call: an empty loop would be
 * over in a few milliseconds once LuaJIT compiled it. */
#define LONG_LOOP "for i = 1, 3e6 do redis.call('ping') end "

#define LIBRARY                                                                    \
    "#!lua name=busylib\n"                                                         \
    "redis.register_function('spin', function() while true do end end)\n"          \
    "redis.register_function('wspin', function(k)\n"                               \
    "  redis.call('set', k[1], 'w') " LONG_LOOP "return 'done' end)\n"             \
    "redis.register_function{function_name='ro', callback=function() local n = 0 " \
    "while true do n = n + 1 end end, flags={'no-writes'}}\n"

typedef struct scenario {
    const char *name;
    const char *cmd;                      /* EVAL or FCALL */
    const char *body;                     /* the script, or the function's name */
    const char *cmds[MAX_CMDS][MAX_ARGS]; /* sent from the second connection */
} scenario;

static const scenario scenarios[] = {
    { "read-only EVAL, then SCRIPT KILL",
      "EVAL",
      "local x = 1\nwhile true do end",
      { { "PING" },
        { "GET", "k" },
        { "NOSUCH", "x" },
        { "GET" },
        { "SET", "k", "v" },
        { "EVAL", "return 1", "0" },
        { "SCRIPT", "FLUSH" },
        { "SCRIPT", "EXISTS", "x" },
        { "FUNCTION", "STATS" },
        { "FUNCTION", "KILL" },
        { "FUNCTION", "FLUSH" },
        { "SHUTDOWN" },
        { "SHUTDOWN", "SAVE" },
        { "SHUTDOWN", "foo" },
        { "SHUTDOWN", "ABORT" },
        { "SHUTDOWN", "NOSAVE", "SAVE" },
        { "SCRIPT", "DEBUG", "no" },
        { "SCRIPT", "KILL" } } },
    { "read-only EVAL, transactions from the other client",
      "EVAL",
      "while true do end",
      { { "EXEC" },
        { "WATCH", "k" },
        { "MULTI" },
        { "GET", "k" },
        { "UNWATCH" },
        { "EXEC" },
        { "DISCARD" },
        { "UNWATCH" },
        { "SCRIPT", "KILL" } } },
    { "EVAL whose pcall would catch the kill",
      "EVAL",
      "while true do pcall(function() while true do end end) end",
      { { "SCRIPT", "KILL" } } },
    { "EVAL killed in a coroutine, looping on",
      "EVAL",
      "local co = coroutine.create(function() while true do end end)\n"
      "while true do coroutine.resume(co) end",
      { { "SCRIPT", "KILL" } } },
    { "EVAL returning the kill caught in a coroutine",
      "EVAL",
      "return coroutine.resume(coroutine.create(function() while true do end end))",
      { { "SCRIPT", "KILL" } } },
    { "EVAL that wrote: unkillable",
      "EVAL",
      "redis.call('set', KEYS[1], 'v') " LONG_LOOP "return redis.call('get', KEYS[1])",
      { { "SCRIPT", "KILL" }, { "FUNCTION", "KILL" }, { "GET", "k" }, { "FUNCTION", "STATS" } } },
    { "read-only function, then FUNCTION KILL",
      "FCALL",
      "spin",
      { { "PING" },
        { "SCRIPT", "KILL" },
        { "FUNCTION", "STATS" },
        { "FCALL", "spin", "0" },
        { "SHUTDOWN" },
        { "FUNCTION", "KILL" } } },
    { "no-writes function, then FUNCTION KILL",
      "FCALL",
      "ro",
      { { "FUNCTION", "STATS" }, { "FUNCTION", "KILL" } } },
    { "function that wrote: unkillable",
      "FCALL",
      "wspin",
      { { "FUNCTION", "KILL" }, { "SCRIPT", "KILL" }, { "GET", "k" }, { "FUNCTION", "STATS" } } },
};

static int failures;

static int count_args(const char *const *a)
{
    int n = 0;
    while (n < MAX_ARGS && a[n]) n++;
    return n;
}

/* RESP2 bytes of r (rl_malloc'd), with FUNCTION STATS's duration masked. */
static char *resp_of(const rl_reply *r, size_t *len)
{
    char *s = rl_reply_to_resp(r, 2, len);
    static const char key[] = "$11\r\nduration_ms\r\n:";
    char *p = strstr(s, key);
    if (p) {
        char *num = p + sizeof(key) - 1;
        char *end = strstr(num, "\r\n");
        if (end && end > num) {
            *num = 'N';
            memmove(num + 1, end, (size_t)(s + *len - end) + 1);
            *len -= (size_t)(end - num) - 1;
        }
    }
    return s;
}

/* --- The emulator side ---------------------------------------------------------------- */

typedef struct emu_run {
    const scenario *sc;
    int calls;
    char *replies[MAX_CMDS];
    size_t lens[MAX_CMDS];
} emu_run;

static void on_busy(rl_emu *emu, void *ud)
{
    emu_run *er = ud;
    if (er->calls++ > 0) return;
    rl_emu_client *c = rl_emu_client_new(emu);
    for (int i = 0; i < MAX_CMDS && er->sc->cmds[i][0]; i++) {
        size_t lens[MAX_ARGS];
        int argc = count_args(er->sc->cmds[i]);
        for (int j = 0; j < argc; j++) lens[j] = strlen(er->sc->cmds[i][j]);
        rl_reply *r = rl_emu_client_call(c, argc, er->sc->cmds[i], lens);
        er->replies[i] = resp_of(r, &er->lens[i]);
        rl_reply_free(r);
    }
    rl_emu_client_free(c);
}

/* --- The redis-server side ------------------------------------------------------------ */

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static rl_reply *callv(rl_backend *b, int argc, const char *const *argv)
{
    size_t lens[MAX_ARGS];
    for (int j = 0; j < argc; j++) lens[j] = strlen(argv[j]);
    rl_reply *r = b->call(b, argc, argv, lens);
    if (!r) fprintf(stderr, "busy_diff: %s failed: %s\n", argv[0], b->errstr);
    return r;
}

/* 1 if the command succeeded (a reply that is not an error). */
static int admin(rl_backend *b, int argc, const char *const *argv)
{
    rl_reply *r = callv(b, argc, argv);
    int ok = r && r->type != RL_REPLY_ERROR;
    if (r && !ok) fprintf(stderr, "busy_diff: %s: %s\n", argv[0], r->str);
    rl_reply_free(r);
    return ok;
}

static void compare(const scenario *sc, const char *what, const char *want, size_t wantlen,
                    const char *got, size_t gotlen)
{
    if (wantlen == gotlen && memcmp(want, got, wantlen) == 0) return;
    failures++;
    fprintf(stderr, "busy_diff [%s] %s (%s engine):\n  redis    ", sc->name, what, rl_emu_engine());
    rl_diff_print_escaped(stderr, want, wantlen);
    fputs("\n  emulator ", stderr);
    rl_diff_print_escaped(stderr, got, gotlen);
    fputc('\n', stderr);
}

static int run_scenario(rl_backend *a, rl_backend *b, const scenario *sc)
{
    static const char *const fn_load[] = { "FUNCTION", "LOAD", LIBRARY };
    const char *script[] = { sc->cmd, sc->body, "1", "k" };

    /* redis-server. */
    if (a->reset(a) != 0 || !admin(a, 3, fn_load)) return -1;
    size_t lens[4];
    for (int j = 0; j < 4; j++) lens[j] = strlen(script[j]);
    if (rl_backend_redis_send(a, 4, script, lens) != 0 || rl_backend_redis_flush(a) != 0) {
        fprintf(stderr, "busy_diff: cannot send the script: %s\n", a->errstr);
        return -1;
    }
    sleep_ms(BUSY_WAIT_MS);
    char *want[MAX_CMDS] = { 0 };
    size_t wantlen[MAX_CMDS] = { 0 };
    int n = 0;
    for (; n < MAX_CMDS && sc->cmds[n][0]; n++) {
        rl_reply *r = callv(b, count_args(sc->cmds[n]), sc->cmds[n]);
        if (!r) return -1;
        want[n] = resp_of(r, &wantlen[n]);
        rl_reply_free(r);
    }
    rl_reply *ra = rl_backend_redis_recv(a);
    if (!ra) {
        fprintf(stderr, "busy_diff: no reply to the script: %s\n", a->errstr);
        return -1;
    }
    size_t want_script_len;
    char *want_script = resp_of(ra, &want_script_len);
    rl_reply_free(ra);

    /* The emulator, the same way. */
    emu_run er = { .sc = sc };
    rl_emu *emu = rl_emu_new();
    rl_emu_set_busy_threshold_ms(emu, atoi(BUSY_THRESHOLD));
    rl_emu_set_busy_callback(emu, on_busy, &er);
    rl_emu_set_script_timeout_ms(emu, 20000);
    rl_reply_free(rl_emu_call(emu, 3, fn_load, (size_t[]){ 8, 4, strlen(LIBRARY) }));
    rl_reply *re = rl_emu_call(emu, 4, script, lens);
    size_t got_script_len;
    char *got_script = resp_of(re, &got_script_len);
    rl_reply_free(re);
    rl_emu_free(emu);

    if (er.calls == 0) {
        failures++;
        fprintf(stderr, "busy_diff [%s]: the emulator's script never became busy\n", sc->name);
    }
    for (int i = 0; i < n; i++) {
        char what[64];
        snprintf(what, sizeof(what), "command %d (%s)", i + 1, sc->cmds[i][0]);
        if (er.replies[i]) compare(sc, what, want[i], wantlen[i], er.replies[i], er.lens[i]);
        rl_free(want[i]);
        rl_free(er.replies[i]);
    }
    compare(sc, "the script's reply", want_script, want_script_len, got_script, got_script_len);
    rl_free(want_script);
    rl_free(got_script);
    return 0;
}

int main(void)
{
    char exe[1024], err[512];
    if (rl_diff_find_redis(exe, sizeof(exe)) != 0)
        return rl_diff_no_server_exit("busy_diff", "redis-server not found");
    rl_diff_server srv;
    if (rl_diff_server_start(&srv, exe, err, sizeof(err)) != 0) {
        fprintf(stderr, "busy_diff: cannot start %s: %s\n", exe, err);
        return 1;
    }
    rl_backend *a = rl_backend_redis_new("127.0.0.1", srv.port, err, sizeof(err));
    rl_backend *b = a ? rl_backend_redis_new("127.0.0.1", srv.port, err, sizeof(err)) : NULL;
    static const char *const threshold[] = { "CONFIG", "SET", "busy-reply-threshold",
                                             BUSY_THRESHOLD };
    int rc = 0;
    if (!b || !admin(b, 4, threshold)) {
        fprintf(stderr, "busy_diff: %s\n", b ? "CONFIG SET failed" : err);
        rc = 1;
    }
    size_t n = sizeof(scenarios) / sizeof(scenarios[0]);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (run_scenario(a, b, &scenarios[i]) != 0) rc = 1;
    if (a) a->free(a);
    if (b) b->free(b);
    rl_diff_server_stop(&srv);
    if (rc == 0 && failures == 0)
        printf("busy_diff: %zu scenarios match redis-server (%s engine)\n", n, rl_emu_engine());
    return rc != 0 || failures != 0;
}
