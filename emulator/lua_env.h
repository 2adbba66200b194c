/* The Lua environment scripts run in: one Lua state per emulator (rebuilt
 * by SCRIPT FLUSH), set up as Redis 7.0 sets up its EVAL VM.
 *
 * - Memory: small blocks come from a pool of slabs (lua_pool.h), larger
 *   ones from rl_malloc, listed by the pool, which can put them all back as
 *   they were (rl_lua_env_restore).
 * - Libraries: base (with coroutine), table, string and math; no io, os,
 *   package or debug. Only the globals on Redis's allow list survive (so
 *   print, dofile, loadfile are absent), minus getfenv, setfenv and newproxy,
 *   which Debian's redis-server (our oracle) removes.
 * - Globals protection: scripts see an empty proxy as their globals table;
 *   reading a missing name raises "Script attempted to access nonexistent
 *   global variable 'x'", assigning any global raises "Attempt to modify a
 *   readonly table". Every table reachable from the globals (the libraries,
 *   the globals' metatable) and the string metatable are read-only the same
 *   way, through proxies that next, pairs, rawget and getmetatable see
 *   through; rawset, setmetatable and table.insert refuse them. KEYS and
 *   ARGV are stored behind the proxy before every run.
 * - Loading: loadstring, load and string.dump are Lua 5.1's on both engines
 *   and bytecode is never loaded.
 * - pcall is Redis's wrapper (an error table with a string err field is
 *   returned as that string); math.random/randomseed are Redis's rand48.
 * - __redis__err__handler is the message handler of every run: it turns the
 *   error into {err=..., source=..., line=...} and records a traceback.
 * - A count hook enforces the script time limit and, past the busy
 *   threshold, calls the emulator's busy callback (redlua.h).
 * - Under line coverage (coverage.h) the same hook also takes line and call
 *   events, which count the script's lines and function calls.
 *
 * cjson, cmsgpack, struct and bit are opened next to the standard libraries
 * in rl_lua_env_new. */
#ifndef REDLUA_EMULATOR_LUA_ENV_H
#define REDLUA_EMULATOR_LUA_ENV_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

#include "lua_engine.h"
#include "lua_pool.h"
#include "server.h"

/* A growable byte buffer for logs and tracebacks (NUL-terminated when set). */
typedef struct rl_lua_text {
    char *buf;
    size_t len, cap;
} rl_lua_text;

void rl_lua_text_append(rl_lua_text *t, const char *p, size_t len);
/* Gives the buffer away (NULL when empty) and resets t. */
char *rl_lua_text_take(rl_lua_text *t);
void rl_lua_text_free(rl_lua_text *t);

/* One script run: what the redis.* functions, the hook and the error handler
 * need while a script executes. Owned by the caller of rl_lua_env_begin_run. */
typedef struct rl_lua_run {
    rl_client *caller;        /* the client that sent EVAL */
    rl_client *client;        /* the script's own client; its resp is the script's */
    int readonly;             /* EVAL_RO / no-writes: write commands are refused */
    int allow_oom;            /* allow-oom: deny-oom commands run even over maxmemory */
    int oom_at_start;         /* used memory was over maxmemory when the run began */
    int write_dirty;          /* a write command passed the checks (Redis's SCRIPT_WRITE_DIRTY) */
    uint64_t start_ns;        /* run_clock_ns at start (lua_env.c) */
    int precise_clock;        /* run_clock_ns reads CLOCK_MONOTONIC, not the coarse one */
    int64_t timeout_ms;       /* 0 = no limit */
    int stop;                 /* RL_RUN_STOP_*: why the run is being stopped, 0 while it goes on */
    int kill;                 /* RL_RUN_STOP_KILLED / _SHUTDOWN: asked for by another client */
    int is_function;          /* FCALL: BUSY replies and the KILL checks name functions */
    const char *name;         /* the script's SHA1 or the function's name */
    int64_t busy_ms;          /* the busy threshold when a busy callback is set, else 0 */
    int last_line;            /* last line run, where the engine needs it (lua_engine.h) */
    int scan_hint;            /* rl_engine_load_script's answer for the chunk, or 0 */
    uint32_t since_check;     /* metrics: instructions since the time limit's last check */
    struct rl_cov_chunk *cov; /* line coverage record of the script (coverage.h), or NULL */
    rl_lua_text log;          /* redis.log lines, '\n'-separated */
    rl_lua_text traceback;    /* set by the error handler */
    /* Redis Cluster's view of the run (cluster.h). */
    int script_flags;   /* the script's RL_SCRIPT_FLAG_* */
    const rl_arg *keys; /* the declared KEYS */
    long long numkeys;
    int keys_slot;    /* the slot of the first of KEYS, -1 without KEYS, -2 until needed */
    int cluster_slot; /* the slot the script is bound to so far (Redis's caller slot) */
} rl_lua_run;

/* Why a run stops before its end (rl_lua_run.stop). */
#define RL_RUN_STOP_TIMEOUT 1  /* redlua's time limit */
#define RL_RUN_STOP_KILLED 2   /* SCRIPT KILL / FUNCTION KILL while busy */
#define RL_RUN_STOP_SHUTDOWN 3 /* SHUTDOWN NOSAVE while busy */

typedef struct rl_lua_env {
    lua_State *L;
    rl_emu *emu;
    uint64_t *rand48;         /* the rand48 state, owned by the emulator's scripting */
    rl_lua_run *run;          /* non-NULL while a script runs */
    const char *chunk_source; /* RL_LUA_CHUNK_SOURCE or RL_LUA_FUNCTION_CHUNK_SOURCE */
    int mem_enforce;          /* > 0 inside rl_lua_env_pcall: the Lua memory limit applies */
    int mem_grace;            /* > 0: the limit is lifted (rl_lua_env_mem_grace) */
    uint64_t order_seed;      /* the emulator's order seed when the state was made */
    int gc_count;             /* runs since the last GC step was considered (scripts.c) */
    size_t gc_heap_mark;      /* the heap after the last full collection (scripts.c) */
    rl_engine_runs engine;    /* the engine's memory between runs (lua_engine.h) */
    rl_lua_pool pool;         /* the state's blocks (lua_pool.h) */
    size_t heap_bytes;        /* what the state holds (its part of lua_heap_bytes) */
    struct {                  /* at the pool's snapshot (rl_lua_env_restore) */
        size_t heap_bytes;
        rl_engine_runs engine;
    } snap;
} rl_lua_env;

/* Builds a fresh environment. rand48 must outlive it. Never returns NULL
 * (aborts when Lua cannot be created, like every allocation failure). */
rl_lua_env *rl_lua_env_new(rl_emu *emu, uint64_t *rand48);
/* The same for the functions VM (Redis's function_lua.c): the globals of a
 * function run lack __redis__err__handler, its redis table lacks breakpoint,
 * debug and replicate_commands, and its chunks are "@user_function". */
rl_lua_env *rl_lua_env_new_functions(rl_emu *emu, uint64_t *rand48);
void rl_lua_env_free(rl_lua_env *env);

/* Makes an environment whose scripts have run the one rl_lua_env_new made,
 * byte for byte (rl_emu_reset): its Lua state's every block, taken from
 * its pool (lua_pool.h), is put back as it was when the state was new and
 * what was allocated since is freed. Every pointer to the state's objects
 * made since, and every registry reference, is void: the caller forgets
 * them (the compiled scripts). Even collectgarbage("count"), the collector's
 * pace, LuaJIT's string ids (the pairs() order) and the addresses
 * tostring() shows are a new state's. The engine drops what lives outside
 * the heap first (rl_engine_before_restore). Returns 0, doing nothing,
 * while a script runs, and for an environment without a snapshot (the
 * functions VM, or any in the valgrind build, lua_pool.h): the caller then
 * makes a new one. */
int rl_lua_env_restore(rl_lua_env *env);

/* Memory that C code keeps in the state's objects (cjson's buffers): a
 * block of the state's pool, so that rl_lua_env_restore takes it back with
 * the object that held it, but not Lua heap (lua_heap_bytes, the Lua
 * memory limit), as lua-cjson's are malloc's in Redis. osize is the block's
 * size (ignored for NULL); nsize 0 frees it and answers NULL. */
void *rl_lua_env_side_realloc(lua_State *L, void *ptr, size_t osize, size_t nsize);

/* The environment a state belongs to. */
rl_lua_env *rl_lua_env_get(lua_State *L);

/* Pushes the message handler (__redis__err__handler) for lua_pcall. */
void rl_lua_env_push_error_handler(lua_State *L);

/* Pops a table and makes it what reading a global falls through to (FUNCTION
 * LOAD's restricted globals); nil restores the real globals. */
void rl_lua_env_set_globals_fallback(lua_State *L);

/* The protection's metamethods, for other protected tables: __index raising
 * "Script attempted to access nonexistent global variable 'k'" and
 * __newindex raising "Attempt to modify a readonly table", both with the
 * position of the Lua code that did it. */
int rl_lua_env_missing_global(lua_State *L);
int rl_lua_env_readonly_assign(lua_State *L);

/* Sets a global behind the protection (KEYS, ARGV); pops the value. */
void rl_lua_env_set_global(lua_State *L, const char *name);

/* Start and end of a run: installs run as the current one, freezes key
 * expiry at the current clock and arms the time limit; end undoes all. The
 * function about to run is on top of env's stack at begin (on LuaJIT, the
 * line hook is installed only if that function needs it). */
void rl_lua_env_begin_run(rl_lua_env *env, rl_lua_run *run);
void rl_lua_env_end_run(rl_lua_env *env);

/* lua_pcall on env->L under the Lua memory limit (rl_emu_set_lua_memory_limit):
 * inside it an allocation that would grow the emulator's Lua heaps past the
 * limit fails, and the call returns LUA_ERRMEM with "not enough memory" on
 * the stack (no message handler runs for it); a full collection then frees
 * what the script left. Outside it, where an error would be unprotected,
 * Lua's allocations are never refused. */
int rl_lua_env_pcall(rl_lua_env *env, int nargs, int nresults, int errfunc);

/* Pushes the error table of a run that was stopped (time limit, SCRIPT
 * KILL, SHUTDOWN NOSAVE), for a run that still returned: on LuaJIT, a
 * coroutine that ran out of time and was resumed in tail position ("return
 * coroutine.resume(co)") leaves no instruction for the hook to stop. Its
 * line is the last one known. */
void rl_lua_env_push_stop_error(rl_lua_env *env);

/* Wall-clock milliseconds since run began (FUNCTION STATS's duration_ms). */
int64_t rl_lua_run_elapsed_ms(const rl_lua_run *run);

/* Lifts the limit (on) or puts it back (off), in pairs: for C code that
 * holds emulator memory while it pushes Lua values, such as redis.call
 * converting a command's reply, which must not be interrupted by an error.
 * The next allocation after it is judged against the limit again. */
static inline void rl_lua_env_mem_grace(rl_lua_env *env, int on)
{
    env->mem_grace += on ? 1 : -1;
}

/* Marks the table at idx read-only for rawset, setmetatable and the globals
 * proxy. */
void rl_lua_env_set_readonly(lua_State *L, int idx);

/* Read-only tables reach scripts as empty proxies (lua_env.c, "Read-only
 * tables"). For C code that reads a table a script gave it (cjson.encode,
 * cmsgpack.pack): replaces the value at idx, when it is such a proxy, with
 * the real table behind it and returns 1, else returns 0. The real table
 * must not be given back to Lua code. */
int rl_lua_env_unproxy(lua_State *L, int idx);

/* Compiles a chunk as Redis's EVAL does, on either engine: text only (a
 * chunk starting with ESC fails as Lua 5.1's parser fails on it, never
 * loaded as bytecode) and no first line or BOM skipped. Returns lua_load's
 * status with the function or the message pushed. */
int rl_lua_env_load_source(lua_State *L, const char *p, size_t len, const char *chunkname);

/* The same for loadstring and load: a chunk starting with ESC fails at once
 * with RL_ERRF_LUA_BYTECODE, the parser's message in the form Redis's
 * loadstring gives it, on both engines. */
int rl_lua_env_load_text(lua_State *L, const char *p, size_t len, const char *chunkname);

/* The chunk name scripts are compiled with (Lua shows it as "user_script"). */
#define RL_LUA_CHUNK_SOURCE "@user_script"
/* The chunk name of function libraries ("user_function"). */
#define RL_LUA_FUNCTION_CHUNK_SOURCE "@user_function"

/* The initial state of Redis's rand48 generator (libc's default seed). */
#define RL_RAND48_INITIAL 0x1234ABCD330EULL

#endif
