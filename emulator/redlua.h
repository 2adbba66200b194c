/* redlua: the public C API of the emulator. The harness and the tests use
 * only this header, reply.h and errors.h.
 *
 * An rl_emu is a whole fake Redis server with one built-in client: sixteen
 * databases, a virtual clock that moves only when told, the script cache and
 * the Lua VM. It is not thread safe; use one per thread. */
#ifndef REDLUA_EMULATOR_REDLUA_H
#define REDLUA_EMULATOR_REDLUA_H

#include <stddef.h>
#include <stdint.h>

#include "reply.h"

typedef struct rl_emu rl_emu;

/* The clock a new emulator starts at: 2023-11-14T22:13:20Z, in Unix ms. */
#define RL_DEFAULT_CLOCK_MS 1700000000000LL

rl_emu *rl_emu_new(void);
void rl_emu_free(rl_emu *emu);
/* Puts emu back in the state rl_emu_new gives (empty keyspace, no
 * scripts or functions, default clock, limits, seeds and settings, no
 * extra clients, metrics and coverage off), faster than freeing it and
 * making a new one: the EVAL Lua environment is kept, its heap put back
 * byte for byte as it was new, unless metrics or coverage were on, or in
 * the valgrind build (docs/performance.md, "Fixture runner"). Scripts see
 * a new environment, down to collectgarbage("count") and, on LuaJIT, the
 * pairs() order. Not while a command runs. */
void rl_emu_reset(rl_emu *emu);

/* Runs one command as the built-in client would send it. argv[i] holds
 * argvlen[i] bytes (binary safe). Returns the reply; the caller frees it
 * with rl_reply_free. Never returns NULL. */
rl_reply *rl_emu_call(rl_emu *emu, int argc, const char *const *argv, const size_t *argvlen);
/* Convenience for C strings (tests): rl_emu_callv(emu, "SET", "k", "v", NULL). */
rl_reply *rl_emu_callv(rl_emu *emu, ...);

/* The protocol the built-in client speaks (2 or 3); default 2. */
void rl_emu_set_resp(rl_emu *emu, int proto);
int rl_emu_resp(const rl_emu *emu);

/* Extra clients, for what needs more than one connection (WATCH in one
 * client, a write from another). Each client has its own selected database
 * (0 at first), protocol (2 at first) and transaction state (MULTI queue and
 * WATCHed keys), as a real connection has; they share the keyspace, the
 * clock, the script cache and the functions of emu. rl_emu_call keeps using
 * the built-in client, which is not one of these.
 *
 * rl_emu_client_new never returns NULL. A client is freed with
 * rl_emu_client_free (its queued transaction is discarded and its WATCHes
 * dropped, as when a connection closes); rl_emu_free frees any client still
 * open, after which its pointer must not be used. */
typedef struct rl_client rl_emu_client;
rl_emu_client *rl_emu_client_new(rl_emu *emu);
void rl_emu_client_free(rl_emu_client *c);
/* Runs one command on client c; the reply is the caller's (rl_reply_free). */
rl_reply *rl_emu_client_call(rl_emu_client *c, int argc, const char *const *argv,
                             const size_t *argvlen);
/* Convenience for C strings, NULL-terminated like rl_emu_callv. */
rl_reply *rl_emu_client_callv(rl_emu_client *c, ...);
/* The protocol client c speaks (2 or 3). */
void rl_emu_client_set_resp(rl_emu_client *c, int proto);
int rl_emu_client_resp(const rl_emu_client *c);

/* The virtual clock, in Unix milliseconds. */
void rl_emu_set_clock_ms(rl_emu *emu, int64_t ms);
void rl_emu_advance_ms(rl_emu *emu, int64_t ms);
int64_t rl_emu_clock_ms(const rl_emu *emu);

/* Script time limit in ms (default 5000; 0 = none). A script running longer
 * is stopped with an error. */
void rl_emu_set_script_timeout_ms(rl_emu *emu, int64_t ms);

/* Redis's BUSY state, in-process (docs/lua.md, "Limits"). Once a script
 * (EVAL or FCALL) has run for the busy threshold (Redis's
 * busy-reply-threshold, alias lua-time-limit: default 5000 ms of wall-clock
 * time; 0 = never busy, as in Redis), the emulator calls fn(emu, ud) from
 * inside the script, and again every 100 000 Lua instructions until the
 * script ends, as Redis processes other clients' commands meanwhile. In fn,
 * commands sent from other clients get Redis's replies to a busy server:
 * BUSY for most, and SCRIPT KILL, FUNCTION KILL, FUNCTION STATS and
 * SHUTDOWN NOSAVE act on the running script. A killed script stops when fn
 * returns, and its caller gets Redis's "Script killed by user" error. This
 * is independent of the time limit above, which stops a script even if no
 * one kills it; at a check past both, fn runs first. fn NULL turns it off
 * (the default): nothing can see a busy script then, so none is armed. */
typedef void rl_busy_callback(rl_emu *emu, void *ud);
void rl_emu_set_busy_callback(rl_emu *emu, rl_busy_callback *fn, void *ud);
void rl_emu_set_busy_threshold_ms(rl_emu *emu, int64_t ms);
/* 1 while a script is busy (past the threshold, inside the callback). */
int rl_emu_script_busy(const rl_emu *emu);

/* The cap on the Lua heap, in bytes, for the emulator's two Lua VMs (EVAL
 * and functions) together; default RL_DEFAULT_LUA_MEMORY_LIMIT, 0 = none.
 * While a script runs, an allocation that would grow the heap past it is
 * refused, and the script fails as Redis answers a Lua allocation failure:
 * "ERR Error running script <sha>, not enough memory". */
#define RL_DEFAULT_LUA_MEMORY_LIMIT (1024LL * 1024 * 1024)
void rl_emu_set_lua_memory_limit(rl_emu *emu, int64_t bytes);

/* Redis's maxmemory (policy noeviction), in bytes; default 0 = none. CONFIG
 * SET is refused inside scripts, so this is where tests set it. Used memory
 * is approximated (server.h, rl_emu_used_memory); 1 makes every deny-oom
 * command fail with "OOM command not allowed when used memory > 'maxmemory'." */
void rl_emu_set_maxmemory(rl_emu *emu, int64_t bytes);

/* Varies the orders Redis does not promise (redlua-test --check-determinism,
 * docs/redlua-test.md). Seed 0, the default, keeps the emulator's fixed
 * orders: the keyspace, hashtable-encoded sets and hashtable-encoded hashes
 * iterate in insertion order. Another seed orders each of those by a keyed
 * hash of the member (or key, or field) bytes, a different permutation per
 * seed, as Redis's randomly seeded dict does per process; KEYS, SCAN, SSCAN,
 * HSCAN, SMEMBERS, HGETALL and every other walk follow it, and ZSCAN of a
 * skiplist-encoded sorted set (Redis walks its dict). Intsets, listpack
 * hashes, lists and the score order of sorted sets stay, as Redis fixes
 * them too. The
 * seed also restarts the generator behind SPOP, SRANDMEMBER, HRANDFIELD,
 * ZRANDMEMBER and RANDOMKEY at a state of its own (seed 0: the default
 * state). On LuaJIT it also seeds the string hashing, and so the pairs()
 * order, of the Lua states made afterwards (they are made on first use, so
 * set the seed on a fresh emulator); PUC Lua's hashing has no seed, and
 * math.random is Redis's fixed sequence on both. */
void rl_emu_set_order_seed(rl_emu *emu, uint64_t seed);
uint64_t rl_emu_order_seed(const rl_emu *emu);

/* After a script error: the Lua traceback of the failing script (chunk names
 * and lines as Lua reports them, e.g. "user_script:3"), or NULL. Valid until
 * the next call. */
const char *rl_emu_last_traceback(const rl_emu *emu);

/* Lines logged with redis.log by the last script, joined with '\n', or NULL. */
const char *rl_emu_last_log(const rl_emu *emu);

/* --- Script metrics (docs/metrics-json.md) ---------------------------------
 * Off by default, and then they cost one pointer test per allocation, script
 * run and redis.call. When on, the emulator counts, from the last reset: */

typedef struct rl_metrics_command {
    const char *name; /* the command's full name, lowercase: "get", "xinfo|stream" */
    uint64_t calls;   /* run through redis.call */
    uint64_t pcalls;  /* run through redis.pcall */
} rl_metrics_command;

#define RL_METRICS_KEY_READ 1u
#define RL_METRICS_KEY_WRITTEN 2u

/* A key a script's command named (by the command's Redis 7.0 key specs):
 * read when the spec is RO or ACCESS, written when RW, OW or RM. */
typedef struct rl_metrics_key {
    int db;
    unsigned access; /* RL_METRICS_KEY_READ | RL_METRICS_KEY_WRITTEN */
    size_t len;
    const char *name; /* len bytes, NUL-terminated */
} rl_metrics_key;

typedef struct rl_metrics {
    uint64_t runs;          /* script runs: EVAL, EVALSHA, FCALL and their _RO forms */
    uint64_t calls, pcalls; /* commands run by redis.call / redis.pcall (sum below) */
    size_t ncommands;
    const rl_metrics_command *commands; /* one per command run, sorted by name */
    size_t nkeys;
    const rl_metrics_key *keys;       /* distinct (db, name), sorted by db, then bytes */
    uint64_t keys_read, keys_written; /* how many of keys have each flag */
    uint64_t bytes_in;                /* the argument bytes of those commands, name included */
    uint64_t bytes_out;               /* their replies' bytes in RESP, in the script's protocol */
    uint64_t instructions;            /* Lua VM instructions the runs executed (engine-specific) */
    uint64_t lua_heap_peak; /* the most bytes the Lua heaps held (rl_emu_set_lua_memory_limit) */
    uint64_t keyspace_keys; /* DBSIZE summed over the databases, now */
    uint64_t script_ns;     /* wall time spent in script runs (the only varying field) */
} rl_metrics;

/* Turns counting on (from zero) or off. Instructions are counted by a count
 * hook on every VM instruction, so a run under metrics is slower; on LuaJIT
 * it also keeps the trace compiler off (compiled code fires no hooks). */
void rl_emu_set_metrics(rl_emu *emu, int on);
/* The counts so far, or NULL when metrics are off. Valid until the next call
 * into emu. */
const rl_metrics *rl_emu_metrics(rl_emu *emu);
/* Starts counting again from zero (the heap peak from the heap's size now). */
void rl_emu_metrics_reset(rl_emu *emu);
/* Redis Cluster (docs/lua.md, "Cluster mode").
 *
 * The hash slot of a key, 0..16383, as Redis Cluster computes it (CRC16 of
 * the key, or of its {hash tag}, mod 16384: CLUSTER KEYSLOT). */
unsigned int rl_key_hash_slot(const char *key, size_t len);

/* Cluster mode. RL_CLUSTER_ON: the emulator answers as a Redis 7.0 cluster
 * node serving all 16384 slots (CROSSSLOT for commands whose keys hash to
 * different slots, SELECT of a non-zero database refused, scripts checked
 * as Redis checks them, no-cluster scripts refused, CLUSTER KEYSLOT).
 * RL_CLUSTER_STRICT: the same, and a script's node serves only the slot of
 * its KEYS, as when a cluster client routes the script by its KEYS to one
 * node of many: a key of another slot (any key, when KEYS is empty) fails
 * with Redis's "non local key" error, unless the script declares
 * allow-cross-slot-keys. Default RL_CLUSTER_OFF. */
#define RL_CLUSTER_OFF 0
#define RL_CLUSTER_ON 1
#define RL_CLUSTER_STRICT 2
void rl_emu_set_cluster(rl_emu *emu, int mode);
int rl_emu_cluster(const rl_emu *emu);

/* The cluster-safety audit of scripts (off by default; any cluster mode):
 * while on, every redis.call/redis.pcall of a script (except scripts that
 * declare no-cluster) records the issues below. */
typedef enum rl_cluster_issue_kind {
    RL_CLUSTER_ISSUE_UNDECLARED_KEY = 1, /* a key not passed in KEYS */
    RL_CLUSTER_ISSUE_CROSS_SLOT,         /* one command's keys hash to different slots */
    RL_CLUSTER_ISSUE_KEYS_CROSS_SLOT     /* the KEYS given hash to different slots */
} rl_cluster_issue_kind;

typedef struct rl_cluster_issue {
    rl_cluster_issue_kind kind;
    int line;            /* line of the redis.call in the script's chunk (as in
                          * "user_script:N"); 0 for KEYS_CROSS_SLOT or unknown */
    const char *command; /* the command's full name, lowercase ("" for KEYS_CROSS_SLOT) */
    const char *key;     /* the offending key (keylen bytes, binary safe) */
    size_t keylen;
    int slot;                /* the key's slot */
    int expected_slot;       /* the slot it should have been in: that of the script's
                          * KEYS (of the command's first key for CROSS_SLOT), or -1
                          * when the script has no KEYS */
    const char *redis_error; /* what a strict Redis Cluster answers the call, or
                              * NULL when it runs it (same slot as the KEYS) */
} rl_cluster_issue;

void rl_emu_set_cluster_audit(rl_emu *emu, int on);
/* The issues of the last command a client sent (an EVAL, EVALSHA or
 * FCALL), each (kind, line, key) once, at most 100; returns their count.
 * Valid until the next call. */
size_t rl_emu_last_cluster_issues(const rl_emu *emu, const rl_cluster_issue **issues);

/* Line coverage of EVAL scripts and FUNCTION libraries (redlua-test
 * --coverage); off by default, and then it costs nothing: no hook is
 * installed for it. While it is on, every script EVAL or SCRIPT LOAD
 * compiles gets a record of the lines of its body that hold code, and its
 * runs count the line events of the script's own code (the functions it
 * defines included) per line, and the calls of the functions it defines; on
 * LuaJIT, runs then use the interpreter (line hooks do not fire in compiled
 * code). A library FUNCTION LOAD compiles gets a record too, its body the
 * whole code sent (metadata line included, sha its SHA1): the load's run of
 * its top-level code and each FCALL of its functions are its runs (the
 * load's run is not forced into LuaJIT's interpreter). Records are freed
 * with the emulator; they survive SCRIPT FLUSH and FUNCTION FLUSH. */
void rl_emu_set_coverage(rl_emu *emu, int on);

/* One script's record. Arrays are indexed by line, 1 to nlines (the lines of
 * body); code[l] is 1 when line l holds code (the rule is in
 * docs/redlua-test.md, "Coverage"), hits[l] the line events counted there. */
typedef struct rl_emu_coverage {
    const char *sha;  /* the SHA1 of body, lowercase hex */
    const char *body; /* the script as sent */
    size_t len;
    int nlines;
    const unsigned char *code;
    const uint64_t *hits;
    /* The functions the script defines (not the script itself), by the line
     * their definition starts on (functions starting on one line share an
     * entry), ascending; func_hits[i] is how many runs called function i. */
    int nfuncs;
    const int *func_lines;
    const uint64_t *func_hits;
} rl_emu_coverage;

/* Fills *out with record i (0-based, in the order the scripts were first
 * compiled) and returns 0, or returns -1 past the last one. The pointers
 * stay valid until the next call into emu. */
int rl_emu_coverage_get(const rl_emu *emu, size_t i, rl_emu_coverage *out);

/* "lua51" or "luajit": the engine this emulator library was built with. */
const char *rl_emu_engine(void);

#endif
