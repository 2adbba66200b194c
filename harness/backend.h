/* A backend is something fixture steps run on: the in-process emulator, or
 * a real redis-server reached over a socket (tests/diff, --against). The
 * runner sees only this interface, so the same fixture runs on both.
 *
 * Errors that are not Redis replies (a lost connection, say) are reported
 * through the return value and errstr, as hiredis does. */
#ifndef REDLUA_HARNESS_BACKEND_H
#define REDLUA_HARNESS_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "redlua.h"
#include "reply.h"

typedef struct rl_backend rl_backend;

/* One command, for call_busy. */
typedef struct rl_backend_cmd {
    int argc;
    const char *const *argv;
    const size_t *argvlen;
} rl_backend_cmd;

/* Limits (docs/lua.md, "Limits"); -1 leaves a setting as it is. */
typedef struct rl_backend_limits {
    int64_t timeout_ms;        /* the script time limit, 0 = none */
    int64_t lua_memory_bytes;  /* the Lua heap limit, 0 = none */
    int64_t maxmemory;         /* Redis's maxmemory, 0 = none */
    int64_t busy_threshold_ms; /* Redis's busy-reply-threshold, 0 = never busy */
} rl_backend_limits;

struct rl_backend {
    const char *name; /* "emulator", "redis" */
    int has_clock;    /* 1 if set_clock_ms/advance_ms work (the emulator) */
    char errstr[256]; /* set when a function returns -1 */
    void *ctx;

    /* Makes the backend a fresh, empty server: every database empty, no
     * scripts, no functions, database 0 selected, default clock. 0 or -1. */
    int (*reset)(rl_backend *b);
    /* Runs one command; returns the reply (caller frees it with
     * rl_reply_free) or NULL with errstr set when no reply could be had. */
    rl_reply *(*call)(rl_backend *b, int argc, const char *const *argv, const size_t *argvlen);
    /* Clock control; -1 with errstr set where the backend has no clock. */
    int (*set_clock_ms)(rl_backend *b, int64_t ms);
    int (*advance_ms)(rl_backend *b, int64_t ms);
    /* After a script error: the Lua traceback and the redis.log lines of the
     * last script, or NULL where the backend cannot tell. */
    const char *(*last_traceback)(rl_backend *b);
    const char *(*last_log)(rl_backend *b);
    void (*free)(rl_backend *b);
    /* Optional, NULL where unsupported: sets the script time limit in ms
     * (0 = none), kept across reset in script_timeout_ms. 0 or -1. */
    int (*set_script_timeout_ms)(rl_backend *b, int64_t ms);
    int64_t script_timeout_ms; /* the limit last set, if has_script_timeout */
    int has_script_timeout;    /* 1 once set_script_timeout_ms succeeded */
    /* Optional, NULL where unsupported: applies the limits that are not -1
     * to the server as it is now (a fixture case's limits, right after
     * reset); the next reset forgets them. 0, or -1 with errstr set. */
    int (*set_limits)(rl_backend *b, const rl_backend_limits *l);
    /* Applied by every reset of a backend that has set_limits (the
     * command-line options); -1 leaves the emulator's default. */
    rl_backend_limits defaults;
    /* Optional, NULL where unsupported (a real Redis): script metrics
     * (redlua.h, rl_emu_set_metrics). While metrics_on is 1 every reset
     * turns them on; metrics returns the counts since the last
     * metrics_reset (valid until the next call into the backend). */
    int metrics_on;
    const rl_metrics *(*metrics)(rl_backend *b);
    void (*metrics_reset)(rl_backend *b);
    /* Line coverage (script_coverage.h), on the emulator only: when set,
     * every emulator the backend makes has coverage on, and its records are
     * added here when it is reset or freed. Borrowed; NULL = off. */
    struct rl_coverage *coverage;
    /* The emulator's order seed (redlua.h, rl_emu_set_order_seed), applied
     * by every reset where has_order_seed is 1 (the emulator backend); 0,
     * the default, keeps the emulator's fixed orders. */
    int has_order_seed;
    uint64_t order_seed;
    /* Optional, NULL where unsupported: runs one command (a script) like
     * call, and once the script is busy (past busy_threshold_ms) sends the
     * nbusy commands busy[i] from a second client, in order; busy_replies[i]
     * gets each reply (the caller frees them), or stays NULL when the
     * script ended before it was busy. Returns what call returns. */
    rl_reply *(*call_busy)(rl_backend *b, int argc, const char *const *argv, const size_t *argvlen,
                           size_t nbusy, const rl_backend_cmd *busy, rl_reply **busy_replies);
    /* Redis Cluster (redlua.h, rl_emu_set_cluster), on the emulator only:
     * every reset applies cluster_mode (RL_CLUSTER_*) and turns the
     * cluster audit on; last_cluster_issues gives the audit's issues of
     * the last command (NULL where unsupported). */
    int cluster_mode;
    size_t (*last_cluster_issues)(rl_backend *b, const rl_cluster_issue **issues);
};

/* The emulator backend (harness/backend_emu.c). */
rl_backend *rl_backend_emu_new(void);

/* The redis-server backend (harness/backend_redis.c): a RESP2 connection to
 * host:port. has_clock is 0. Returns NULL with err set when it cannot
 * connect; free with b->free. */
rl_backend *rl_backend_redis_new(const char *host, int port, char *err, size_t errlen);
/* Pipelining on a redis backend only: send queues one command (0 or -1),
 * flush writes the queued commands now (0 or -1; recv also does it), recv
 * returns the reply of the oldest command sent and not yet received (caller
 * frees it), or NULL with errstr set. */
int rl_backend_redis_send(rl_backend *b, int argc, const char *const *argv, const size_t *argvlen);
int rl_backend_redis_flush(rl_backend *b);
rl_reply *rl_backend_redis_recv(rl_backend *b);

#endif
