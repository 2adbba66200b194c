/* The small interface behind which the two Lua engines differ. The emulator
 * is compiled twice from the same sources, once against PUC Lua 5.1.5 (the
 * interpreter Redis embeds) and once against LuaJIT 2.1; everything that
 * must differ between the two lives in engine_lua51.c or engine_luajit.c,
 * which implement this header. Everything else uses only the Lua 5.1 C API
 * that both engines provide. */
#ifndef REDLUA_EMULATOR_LUA_ENGINE_H
#define REDLUA_EMULATOR_LUA_ENGINE_H

#include <stdint.h>

#include <lua.h>

/* Creates a state whose every allocation goes through alloc(ud, ...), so the
 * emulator's memory counter sees all of Lua's memory. NULL on failure.
 * seed is the emulator's order seed (rl_emu_set_order_seed): LuaJIT seeds
 * its string hashing, and so its pairs() order, from it (engine_luajit.c);
 * PUC Lua's hashing has no seed. */
lua_State *rl_engine_new_state(lua_Alloc alloc, void *ud, uint64_t seed);
/* 1 when a state's string hashing depends on that seed (LuaJIT). */
extern const int rl_engine_hash_seeded;
/* 1 when a table's order for string keys depends on when each string was
 * first interned, not only on its bytes: LuaJIT numbers strings as they are
 * created and hashes them by that number, so interning a string earlier
 * than before changes the pairs() order of tables made later. PUC Lua
 * hashes the bytes. */
extern const int rl_engine_order_follows_interning;

/* 1 when a C function called in tail position (return redis.call(...))
 * replaces the frame of its Lua caller, as LuaJIT does: the error handler
 * then cannot see the line that called it, so a line hook records the last
 * line run for it to fall back on. PUC Lua keeps the caller's frame. */
extern const int rl_engine_tail_call_drops_caller;

/* Pushes a new table that will hold n values at 1..n, sized as lua_newtable
 * followed by n lua_rawseti would leave it (Redis builds KEYS and ARGV so),
 * so that a script sees the same table (its # border once it stores nils,
 * its later growth) without paying for the resizes on the way. PUC Lua
 * ends with an array part of the next power of two at or above n, which
 * lua_createtable gives at once; LuaJIT keeps lua_newtable. */
void rl_engine_new_array(lua_State *L, int n);
/* What rl_engine_new_array(L, n) gives tables of the same layout for: two
 * counts with the same capacity make tables whose array parts match. */
int rl_engine_array_capacity(int n);
/* Whether the table at idx still has the shape rl_engine_new_array gave a
 * table of capacity cap: no metatable, an array part of exactly cap slots,
 * of which from+1..cap hold nil, and no hash part. 1 or 0; -1 when this
 * engine cannot tell without walking the table (the caller then walks it
 * with lua_next). */
int rl_engine_array_shape(lua_State *L, int idx, int cap, int from);
/* 1 when slot j of the array part of the table at idx holds the string
 * (p, len); 0 when it does not, or when this engine cannot tell cheaply.
 * Only after rl_engine_array_shape said 1 of that table. */
int rl_engine_array_holds(lua_State *L, int idx, int j, const char *p, size_t len);
/* 1 when the table at idx has a hash part (which string keys need), 0 when
 * it has none, -1 when this engine cannot tell. */
int rl_engine_table_has_hash(lua_State *L, int idx);

/* Called once the standard libraries (base, table, string, math) are open
 * and before the sandbox is sealed: the place for engine-specific settings
 * and fix-ups. */
void rl_engine_prepare(lua_State *L);

/* What an engine remembers between the runs of one state, kept by the
 * state's owner (lua_env.c) and zeroed with it, so that a run does not
 * look it up in the Lua registry: LuaJIT's answer for the function run
 * last (which it keeps alive in the registry, so no other object can take
 * its address while it is remembered), the hook set last through
 * rl_engine_sethook, and whether LuaJIT's trace compiler is on. PUC Lua
 * reads none of it. */
typedef struct rl_engine_runs {
    const void *fn; /* the Lua function run last, or NULL */
    int tail;       /* its tail calls: 0, their line, or -1 (engine_luajit.c) */
    int calls;      /* it can reach other Lua functions (engine_luajit.c) */
    int gets;       /* it reads globals (engine_luajit.c) */
    lua_Hook hook;  /* the hook, its events and count, as set last */
    int mask;
    int count;
    int jit;       /* LuaJIT: the trace compiler is on */
    int tick;      /* LuaJIT: the profiler's tick moved the count hook to 1 */
    int snap_prof; /* LuaJIT: the state held the profiler at its snapshot */
} rl_engine_runs;

/* Called as a script run starts, the Lua function at idx about to run;
 * timed is 1 when hooks must fire for the whole run (the time limit is
 * armed, or line coverage is on). Returns the hook events
 * (LUA_MASK*) the engine needs besides the count events of the time limit,
 * and sets *tail_line to the line the error handler falls back on when a
 * tail call dropped the caller's frame (0: none known).
 * PUC Lua needs nothing. LuaJIT (engine_luajit.c): when every tail call of
 * the function is its own and on one line, that line; otherwise line events,
 * which record the last line run. A timed run of a function that can reach
 * other Lua functions (nested ones, or through its upvalues) also needs call
 * events: without any call or line hook LuaJIT's interpreter ends a Lua
 * stack overflow as "error in error handling", with no message handler and
 * no line, and only a Lua function can recurse without end. A script
 * without either (most) gets no call hook unless it makes a function with
 * loadstring or load (rl_engine_function_made). A run without a time limit
 * and without line events needs no hook; LuaJIT turns its trace compiler on
 * for it. hint is rl_engine_load_script's answer for the function, or 0:
 * LuaJIT then scans the function in L. */
int rl_engine_run_begin(lua_State *L, rl_engine_runs *runs, int idx, int timed, int hint,
                        int *tail_line);
/* Compiles a script's main chunk into L as load(L, src, len, chunkname)
 * does (the function, or the error message, on top; load's status), and
 * sets *hint to what rl_engine_run_begin needs to know of it: 0 when there
 * is nothing to find (PUC Lua) or it cannot be found. PUC Lua calls load.
 * LuaJIT compiles the source in a state of its own, with load, and scans
 * it there, so the state scripts run in is left as if no scan had run,
 * whatever the thread scanned before; it keeps the answer and the chunk's
 * bytecode (debug information included) per key (the script's SHA1) for
 * the thread, as a test suite compiles the same scripts in case after
 * case, and L loads that bytecode, every time, the first time included:
 * LuaJIT's parser costs about 18,600 instructions for get_set, loading
 * its bytecode about 2,300. The function is the same, and a state makes
 * the same strings in the same order whatever the thread ran before (its
 * pairs() order depends on that). */
int rl_engine_load_script(lua_State *L, const char *key, const char *src, size_t len,
                          const char *chunkname,
                          int (*load)(lua_State *, const char *, size_t, const char *), int *hint);
/* Called once a script's run has begun (rl_engine_run_begin, then its
 * hooks set), its main chunk at the top of the stack: replaces it there
 * with the chunk's entry when the engine runs the chunk faster through one.
 * LuaJIT (engine_luajit.c) starts traces at hot loops and at hot calls of
 * fixed-argument functions, never at a vararg function's entry, and a main
 * chunk is vararg: a script without a loop stays interpreted, run after run.
 * Its entry is a fixed-argument function of its own that tail-calls the
 * chunk ("return f()"), so that LuaJIT compiles the two as one trace; the
 * tail call leaves no frame (error levels, positions and tracebacks are
 * the chunk's alone). Used only for runs the compiler may run and with no
 * call or line events, which would see the extra call, and for chunks that
 * read globals: one that reads none works on its constants alone, and the
 * extra call costs it more than compiling saves (LuaJIT's "return 1", 2,864
 * instructions a script without the entry, 3,056 with). Made on the
 * script's second such run (a script run once, as a test case's often is,
 * is not worth the entry's compile) and kept in *entry_ref: LUA_NOREF
 * before the first, LUA_REFNIL after it, then a registry reference, which
 * goes with the state (or its restore) as the script's own does. PUC Lua
 * does nothing. */
void rl_engine_enter(lua_State *L, const rl_engine_runs *runs, int *entry_ref);
/* Called when a run made a new Lua function (loadstring, load): on LuaJIT,
 * a timed run without call events gets them from now on (see
 * rl_engine_run_begin). */
void rl_engine_function_made(lua_State *L, rl_engine_runs *runs);

/* Every hook of a state is set through here: lua_sethook(L, hook, mask,
 * count) when that differs from the hook L has, remembered in runs. On
 * LuaJIT it also decides whether compiled code may run under the hook:
 * never under line events or a count of 1 (they must see every line or
 * instruction, and machine code fires no hooks); under a count hook of a
 * time limit, only while this state holds LuaJIT's profiler, whose ticks
 * make compiled code return to the interpreter and bring the count hook
 * forward (engine_luajit.c). Called again with the same hook it only
 * checks that the profiler is still this state's. */
void rl_engine_sethook(lua_State *L, rl_engine_runs *runs, lua_Hook hook, int mask, int count);
/* What both engines' rl_engine_sethook start with: lua_sethook when the
 * hook differs from the one L has (LuaJIT's rewrites its dispatch tables,
 * about 650 instructions), and the hook remembered in runs. */
static inline void rl_engine_set_if_changed(lua_State *L, rl_engine_runs *runs, lua_Hook hook,
                                            int mask, int count)
{
    if (lua_gethookmask(L) != mask ||
        (mask && (lua_gethook(L) != hook || lua_gethookcount(L) != count)))
        lua_sethook(L, hook, mask, count);
    runs->hook = mask ? hook : NULL;
    runs->mask = mask;
    runs->count = count;
}

/* Called first by a count hook set through rl_engine_sethook: when the
 * event came early, from LuaJIT's profiler tick, the hook's count goes
 * back to the one it was set with. */
void rl_engine_count_event(lua_State *L, rl_engine_runs *runs);
/* Called before lua_close(L): LuaJIT gives the profiler up. */
void rl_engine_close(lua_State *L, rl_engine_runs *runs);
/* Called before L's heap is copied for rl_lua_env_restore (see there):
 * LuaJIT takes the profiler (as a timed run would), so that the copy has
 * it; a restore then leaves it running. */
void rl_engine_before_snapshot(lua_State *L, rl_engine_runs *runs);
/* Called before L's heap is put back as it was when the state was new
 * (rl_lua_env_restore): LuaJIT frees its machine code, which lives outside
 * the heap, and gives the profiler up if the copy was made without it
 * (the restored state would not know it runs). */
void rl_engine_before_restore(lua_State *L, rl_engine_runs *runs);
/* Called after it: LuaJIT rewrites its dispatch table, which a tick of
 * the profiler may have written to while the copy was put back. */
void rl_engine_after_restore(lua_State *L, rl_engine_runs *runs);
/* How many traces LuaJIT's compiler holds for L now (0 on PUC Lua): lets
 * tests check that hot code was compiled under a time limit. */
int rl_engine_traces(lua_State *L);

/* Line coverage (coverage.h): calls line(ud, n, kind) for every bytecode
 * instruction of the Lua function on top of the stack and of every function
 * nested in it, n being the source line the instruction is attributed to,
 * and once for every nested function with kind RL_ENGINE_FUNCTION and n the
 * line its definition starts on. kind is RL_ENGINE_FINAL_RETURN for an
 * instruction that is the last of its function and returns no value (the
 * return the compiler adds at the end of every function on PUC Lua, and
 * where control can fall off the end on LuaJIT), else RL_ENGINE_CODE. LuaJIT leaves out its function header, LOOP and the nil loads
 * a function starts with, which PUC Lua does not compile (engine_luajit.c).
 * Leaves the stack as it found it. */
#define RL_ENGINE_CODE 0
#define RL_ENGINE_FINAL_RETURN 1
#define RL_ENGINE_FUNCTION 2
typedef void (*rl_engine_line_fn)(void *ud, int line, int kind);
void rl_engine_code_lines(lua_State *L, rl_engine_line_fn line, void *ud);

#endif
