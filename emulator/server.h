/* Internal structures shared by the emulator's modules: the server, its
 * databases, the client a command runs for, and the value objects. */
#ifndef REDLUA_EMULATOR_SERVER_H
#define REDLUA_EMULATOR_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "index.h"
#include "redlua.h"
#include "reply.h"

#define RL_OK 0
#define RL_ERR (-1)

#define RL_NUM_DBS 16
/* proto-max-bulk-len: the largest string value. */
#define RL_MAX_STRING_SIZE (512LL * 1024 * 1024)

/* --- Values -------------------------------------------------------------- */

typedef enum rl_type {
    RL_TYPE_STRING = 0,
    RL_TYPE_LIST,
    RL_TYPE_SET,
    RL_TYPE_ZSET,
    RL_TYPE_HASH,
    RL_TYPE_STREAM
} rl_type;

/* A binary-safe growable string; buf is NUL-terminated at buf[len] (but see
 * object.h: a corrupt HyperLogLog may hold another byte there). */
typedef struct rl_str {
    size_t len;
    size_t cap;
    char *buf;
} rl_str;

/* A value stored under a key. ptr's type depends on type:
 * RL_TYPE_STRING -> rl_str*. Other types add their own structure. */
typedef struct rl_obj {
    rl_type type;
    void *ptr;
} rl_obj;

/* --- Command arguments ----------------------------------------------------- */

typedef struct rl_arg {
    const char *ptr; /* not necessarily NUL-terminated */
    size_t len;
} rl_arg;

/* --- Databases --------------------------------------------------------------- */

typedef struct rl_dbentry rl_dbentry; /* defined in db.c */

typedef struct rl_db {
    int id;
    rl_index index; /* the keys, in insertion order or the order seed's */
    /* Where the last SCAN stopped (NULL when unknown, or once that entry is
     * deleted), so a full iteration does not walk the list from its head on
     * every call. */
    rl_dbentry *scan_hint;
    /* The entry rl_db_find or rl_db_add returned last (NULL when none, or
     * once it is deleted): a script's commands often name one key in a
     * row, and comparing it costs less than hashing. */
    rl_dbentry *last_found;
} rl_db;

/* --- Commands ---------------------------------------------------------------- */

typedef void rl_command_proc(rl_client *c);

typedef struct rl_command {
    const char *name;                /* lowercase, e.g. "get", "load" */
    const char *fullname;            /* "get", "script|load" */
    rl_command_proc *proc;           /* NULL for containers */
    int arity;                       /* N exact, -N at least N (counting the name) */
    uint64_t flags;                  /* RL_CMD_* */
    int firstkey, lastkey, keystep;  /* legacy key spec (0 = no keys) */
    const struct rl_command *parent; /* subcommands: their container */
} rl_command;

/* --- Server and client ---------------------------------------------------------- */

#define RL_REPLY_STACK_MAX 64

typedef struct rl_reply_builder {
    rl_reply *root;
    int sp;
    struct {
        rl_reply *node;
        long expected; /* elements (2n for maps); -1 while deferred */
    } stack[RL_REPLY_STACK_MAX];
} rl_reply_builder;

/* Client flags. */
#define RL_CLIENT_SCRIPT (1 << 0) /* the fake client of a running script */
#define RL_CLIENT_DENY_BLOCKING (1 << 1)
#define RL_CLIENT_READONLY_SCRIPT (1 << 2) /* EVAL_RO, no-writes */
#define RL_CLIENT_MULTI (1 << 3)           /* inside MULTI: commands are queued */
#define RL_CLIENT_DIRTY_CAS (1 << 4)       /* a WATCHed key was touched */
#define RL_CLIENT_DIRTY_EXEC (1 << 5)      /* a command was rejected while queueing */

struct rl_multi_state; /* owned by multi.c */

struct rl_client {
    rl_emu *emu;
    int db;    /* selected database index */
    int resp;  /* 2 or 3 */
    int flags; /* RL_CLIENT_* */
    int argc;
    const rl_arg *argv; /* borrowed for the length of one command */
    const rl_command *cmd;
    rl_reply_builder rb;
    /* Connection clients (the built-in one and rl_emu_client_new's) are
     * linked on emu->clients; scripts' fake clients are not. */
    rl_client *prev, *next;
    struct rl_multi_state *mstate; /* MULTI queue and WATCHed keys; NULL when unused */
    rl_reply_sink *sink;           /* reply.h; set only for one command, by its caller */
};

struct rl_scripting;     /* owned by scripts.c */
struct rl_functions;     /* owned by functions.c */
struct rl_metrics_state; /* metrics.h; NULL while metrics are off */
struct rl_lua_run;       /* lua_env.h: one script run */
struct rl_cluster_audit; /* owned by cluster.c */

struct rl_emu {
    rl_db db[RL_NUM_DBS];
    int64_t clock_ms;
    /* While a script runs, key expiry is judged against the time the script
     * started (Redis freezes it for the script's length); -1 otherwise. */
    int64_t script_start_ms;
    int64_t script_timeout_ms;
    /* Busy scripts (redlua.h, rl_emu_set_busy_callback): the threshold in
     * ms (0 = never busy), the callback, and the run that is busy now
     * (NULL when none: Redis's isInsideYieldingLongCommand). */
    int64_t busy_threshold_ms;
    rl_busy_callback *busy_cb;
    void *busy_ud;
    struct rl_lua_run *busy_run;
    /* Limits (docs/lua.md, "Limits"): the Lua heaps of both VMs together may
     * not grow past lua_memory_limit bytes while a script runs (0 = none);
     * lua_heap_bytes is what they hold now, counted by their allocator;
     * lua_heap_held is what their allocator holds from rl_malloc for them
     * (its pool's slabs and the large blocks, lua_pool.h, with blocks C code
     * keeps in Lua objects, rl_lua_env_side_realloc), at least as much.
     * maxmemory (0 = none) is Redis's setting with the noeviction policy,
     * judged against rl_emu_used_memory. */
    int64_t lua_memory_limit;
    size_t lua_heap_bytes;
    size_t lua_heap_held;
    int64_t maxmemory;
    uint64_t rand_state; /* deterministic PRNG for RANDOMKEY and friends */
    uint64_t order_seed; /* rl_emu_set_order_seed; 0 = insertion order */
    rl_client *client;   /* the built-in client used by rl_emu_call */
    rl_client *clients;  /* every connection client, the built-in one too */
    size_t watched_keys; /* WATCHed keys of every client; 0 skips the WATCH checks */
    struct rl_scripting *scripting;
    struct rl_functions *functions; /* FUNCTION libraries and their Lua VM */
    struct rl_metrics_state *metrics;
    struct rl_cov_state *coverage; /* line coverage records (coverage.h), or NULL */
    int coverage_on;               /* rl_emu_set_coverage */
    int cluster_mode;              /* RL_CLUSTER_* (cluster.h) */
    int cluster_audit;             /* 1: scripts' key accesses are audited (cluster.h) */
    struct rl_cluster_audit *cluster_issues;
};

/* Milliseconds against which key expiry is judged right now. */
int64_t rl_emu_expiry_now(const rl_emu *emu);

/* Redis's used_memory as the emulator approximates it: every byte allocated
 * through mem.h in the process (rl_mem_used) except the Lua heaps of emu
 * (lua_heap_held, their pools' free blocks included), which Redis 7.0 does
 * not count either. */
size_t rl_emu_used_memory(const rl_emu *emu);
/* 1 when maxmemory is set and used memory is over it (Redis's
 * performEvictions() == EVICT_FAIL under noeviction). */
int rl_emu_over_maxmemory(const rl_emu *emu);

/* A deterministic pseudo-random number (splitmix64 on emu->rand_state). */
uint64_t rl_emu_random(rl_emu *emu);

/* Order seeds (rl_emu_set_order_seed). rl_order_needs_sort says whether a
 * collection whose state is o must be sorted before it is iterated: by rank
 * when the emulator's seed is not 0, back into insertion order when it is 0
 * and o was sorted for another seed. The caller then sorts it (by rank, ties
 * by insertion sequence, or by sequence alone under seed 0) and calls
 * rl_order_sorted. rl_order_rank is a member's rank under the emulator's
 * seed: a keyed hash of its bytes, never 0 (so it can serve as a SCAN
 * cursor, where 0 means "start" and "done"). */
int rl_order_needs_sort(const rl_emu *emu, const rl_order *o);
void rl_order_sorted(const rl_emu *emu, rl_order *o);
uint64_t rl_order_rank(const rl_emu *emu, const char *p, size_t len);

/* Client lifecycle (scripts create their own fake client). */
rl_client *rl_client_new(rl_emu *emu);
void rl_client_free(rl_client *c);
/* Runs argv on c, as the dispatcher would, and returns the reply tree. */
rl_reply *rl_client_call(rl_client *c, int argc, const rl_arg *argv);

/* Hooks implemented by scripts.c. */
void rl_scripting_free(rl_emu *emu);
/* rl_emu_reset's part: forgets every script and the functions, and keeps
 * the EVAL Lua environment, restored as it was new (rl_lua_env_restore),
 * when keep_env is set and it can be; otherwise frees it all as
 * rl_scripting_free does. */
void rl_scripting_reset(rl_emu *emu, int keep_env);
/* rl_emu_set_order_seed's part: on an engine whose hashing is seeded, drops
 * a kept EVAL environment made under another seed while it holds no script
 * (rl_emu_reset then rl_emu_set_order_seed, as on a new emulator). */
void rl_scripting_seed_changed(rl_emu *emu);
/* The traces LuaJIT compiled for the scripting state (0 on PUC Lua, or
 * when there is no state yet); for tests. */
int rl_scripting_traces(rl_emu *emu);
/* While a script is busy (rl_emu.busy_run): for the dispatcher, replies
 * BUSY when c may not run cmd now (cmd lacks allow-busy), or redlua's
 * RL_ERR_BUSY_CALLER when c is the client running the script, and returns
 * 1; returns 0 when cmd may run. */
int rl_script_busy_reply(rl_client *c, const rl_command *cmd);
/* The BUSY text for the busy script (EVAL or function), or NULL. */
const char *rl_script_busy_error(const rl_emu *emu);
/* Redis's getCommandFlags: cmd's flags, except that EVAL, EVALSHA (and _RO)
 * of a script with a shebang, and FCALL (_RO) of a known function, take
 * their flags from the script's: deny-oom and write unless allow-oom or
 * no-writes say otherwise. */
uint64_t rl_script_command_flags(rl_client *c, const rl_command *cmd, int argc, const rl_arg *argv);

#endif
