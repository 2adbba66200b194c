#include "lua_env.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "coverage.h"
#include "errors.h"
#include "lua_engine.h"
#include "lua_libs.h"
#include "lua_redis.h"
#include "mem.h"
#include "metrics.h"

/* Registry keys: the addresses of these statics are unique light userdata. */
static char env_key;      /* the rl_lua_env of the state */
static char readonly_key; /* weak-keyed set of read-only tables */
static char globals_key;  /* the real globals table, behind the proxy */
static char tostring_key; /* the original tostring, used by the error handler */
static char error_key;    /* the original error, recognised by the error handler */
static char proxy_mt_key; /* the metatable of the globals proxy */
static char handler_key;  /* the error handler (__redis__err__handler) */
static char proxy_key;    /* read-only proxy -> the real table behind it */
static char real_key;     /* real table -> its read-only proxy */

/* Redis checks for a busy script every 100000 VM instructions. */
#define HOOK_COUNT 100000

/* --- Text buffers ------------------------------------------------------------ */

void rl_lua_text_append(rl_lua_text *t, const char *p, size_t len)
{
    if (t->len + len + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 64;
        while (cap < t->len + len + 1) cap *= 2;
        t->buf = rl_realloc(t->buf, cap);
        t->cap = cap;
    }
    if (len) memcpy(t->buf + t->len, p, len);
    t->len += len;
    t->buf[t->len] = '\0';
}

char *rl_lua_text_take(rl_lua_text *t)
{
    char *s = t->buf;
    t->buf = NULL;
    t->len = t->cap = 0;
    return s;
}

void rl_lua_text_free(rl_lua_text *t)
{
    rl_free(rl_lua_text_take(t));
}

/* --- State, allocator, registry ------------------------------------------------ */

/* Lua's allocator. Both engines pass the exact old size of a block (0 for
 * a new one), so the emulator's lua_heap_bytes is exact, and small blocks
 * come from the environment's pool without a size header (lua_pool.h).
 * While a script runs inside rl_lua_env_pcall, growing the heap past the
 * emulator's Lua memory limit is refused with NULL, which both engines
 * raise as a "not enough memory" error (LUA_ERRMEM). The refusal comes
 * before the pool or rl_realloc, which abort on a real allocation failure.
 * Shrinking and freeing never fail: Lua 5.1 does not expect them to. */
static void *env_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    rl_lua_env *env = ud;
    rl_emu *emu = env->emu;
    if (!ptr) osize = 0;
    if (nsize == 0) {
        rl_lua_pool_free(&env->pool, ptr, osize);
        emu->lua_heap_bytes -= osize;
        env->heap_bytes -= osize;
        return NULL;
    }
    if (nsize > osize && env->mem_enforce && !env->mem_grace && emu->lua_memory_limit > 0 &&
        emu->lua_heap_bytes + (nsize - osize) > (uint64_t)emu->lua_memory_limit)
        return NULL;
    void *p = rl_lua_pool_realloc(&env->pool, ptr, osize, nsize);
    emu->lua_heap_bytes = emu->lua_heap_bytes - osize + nsize;
    env->heap_bytes = env->heap_bytes - osize + nsize;
    if (emu->metrics && emu->lua_heap_bytes > emu->metrics->m.lua_heap_peak)
        emu->metrics->m.lua_heap_peak = emu->lua_heap_bytes;
    return p;
}

int rl_lua_env_pcall(rl_lua_env *env, int nargs, int nresults, int errfunc)
{
    env->mem_enforce++;
    int rc = lua_pcall(env->L, nargs, nresults, errfunc);
    env->mem_enforce--;
    /* What the failed script built is garbage now; Lua 5.1 has no emergency
     * collection, and its GC debt after a heap that size would let the next
     * script hit the limit again before a cycle ran. */
    if (rc == LUA_ERRMEM) lua_gc(env->L, LUA_GCCOLLECT, 0);
    return rc;
}

void *rl_lua_env_side_realloc(lua_State *L, void *ptr, size_t osize, size_t nsize)
{
    rl_lua_env *env = rl_lua_env_get(L);
    if (nsize == 0) {
        rl_lua_pool_free(&env->pool, ptr, ptr ? osize : 0);
        return NULL;
    }
    return rl_lua_pool_realloc(&env->pool, ptr, ptr ? osize : 0, nsize);
}

/* The allocator's pointer is the environment (env_new): cheaper than the
 * registry entry, which redis.call would otherwise read on every call. */
rl_lua_env *rl_lua_env_get(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

static void push_registry(lua_State *L, void *key)
{
    lua_pushlightuserdata(L, key);
    lua_rawget(L, LUA_REGISTRYINDEX);
}

static void set_registry(lua_State *L, void *key)
{
    lua_pushlightuserdata(L, key);
    lua_insert(L, -2);
    lua_rawset(L, LUA_REGISTRYINDEX);
}

/* An error outside any lua_pcall is a bug in the emulator: say what it was
 * and abort instead of letting Lua call exit(). */
static int env_panic(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "redlua: unprotected Lua error: %s\n", msg ? msg : "?");
    fflush(stderr);
    abort();
}

/* A run's clock. The time limit and the busy threshold only need
 * milliseconds, and a few of them at that (Redis reads mstime() too):
 * CLOCK_MONOTONIC_COARSE, the kernel's last tick (a few milliseconds'
 * resolution, 4 here), costs about 5 ns to read where CLOCK_MONOTONIC
 * costs about 24, which was 7% of a `return 1` script. Metrics, which add
 * up each run's time, read the precise clock. */
static uint64_t run_clock_ns(const rl_lua_run *run)
{
    struct timespec ts;
#ifdef CLOCK_MONOTONIC_COARSE
    clock_gettime(run->precise_clock ? CLOCK_MONOTONIC : CLOCK_MONOTONIC_COARSE, &ts);
#else
    (void)run;
    clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static _Atomic uint64_t coarse_res_ns; /* 0 until read */

/* A run's start on its clock. The coarse clock lags real time by up to its
 * resolution, so the start is put one resolution later: then no limit is
 * reached before that many milliseconds have really passed (it may be
 * reached up to two ticks late). */
static uint64_t run_start_ns(const rl_lua_run *run)
{
    uint64_t now = run_clock_ns(run);
#ifdef CLOCK_MONOTONIC_COARSE
    if (!run->precise_clock) {
        uint64_t res = atomic_load_explicit(&coarse_res_ns, memory_order_relaxed);
        if (!res) {
            struct timespec ts;
            res = clock_getres(CLOCK_MONOTONIC_COARSE, &ts) == 0
                ? (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec
                : 10000000ULL;
            if (!res) res = 1;
            atomic_store_explicit(&coarse_res_ns, res, memory_order_relaxed);
        }
        now += res;
    }
#endif
    return now;
}

/* Milliseconds of the run so far (0 while its clock is short of the start
 * it was given). */
static uint64_t run_elapsed_ms(const rl_lua_run *run)
{
    uint64_t now = run_clock_ns(run);
    return now > run->start_ns ? (now - run->start_ns) / 1000000ULL : 0;
}

/* --- Read-only tables ----------------------------------------------------------- */

void rl_lua_env_set_readonly(lua_State *L, int idx)
{
    idx = idx < 0 && idx > LUA_REGISTRYINDEX ? lua_gettop(L) + idx + 1 : idx;
    push_registry(L, &readonly_key);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

static int is_readonly(lua_State *L, int idx)
{
    idx = idx < 0 && idx > LUA_REGISTRYINDEX ? lua_gettop(L) + idx + 1 : idx;
    push_registry(L, &readonly_key);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    int ro = lua_toboolean(L, -1);
    lua_pop(L, 2);
    return ro;
}

/* Raised from C with no position, as the patched VM does for rawset and
 * setmetatable on a read-only table. */
static int readonly_error(lua_State *L)
{
    lua_pushstring(L, RL_ERR_LUA_READONLY_TABLE);
    return lua_error(L);
}

/* rawset(t, k, v), refusing read-only tables after the usual checks. */
static int env_rawset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_settop(L, 3);
    if (is_readonly(L, 1)) return readonly_error(L);
    lua_rawset(L, 1);
    return 1;
}

/* Read-only tables are proxies. Stock Lua 5.1 and LuaJIT have no read-only
 * bit (Redis patched one into its VM), and a store to an existing key never
 * reaches __newindex, so every table Redis makes read-only (the globals,
 * their metatable, string, table, math, coroutine, cjson, cmsgpack, struct,
 * bit, redis and the string metatable) stays out of the scripts' reach and
 * they see an empty proxy instead: reads go through its metatable's __index
 * to the real table, every store hits __newindex and raises. The real tables
 * hold proxies wherever they hold a table, so no path from a script leads
 * to one; the functions that look at tables raw (next, pairs, rawget,
 * getmetatable, table.foreach) see through a proxy to its real table, so
 * they answer as Redis does, and the ones that write raw (rawset,
 * setmetatable, table.insert) refuse read-only tables. A proxy's own
 * metatable is never handed out: getmetatable answers for the real table. */

/* Replaces the value at idx, when it is a proxy, with its real table;
 * returns 1 if it did. Only C code ever holds the real table. */
static int unproxy(lua_State *L, int idx)
{
    if (!lua_istable(L, idx)) return 0;
    idx = idx < 0 && idx > LUA_REGISTRYINDEX ? lua_gettop(L) + idx + 1 : idx;
    push_registry(L, &proxy_key);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 2);
        return 0;
    }
    lua_replace(L, idx);
    lua_pop(L, 1);
    return 1;
}

/* Replaces the real table at idx with its proxy, if it has one. */
static void to_proxy(lua_State *L, int idx)
{
    if (!lua_istable(L, idx)) return;
    idx = idx < 0 && idx > LUA_REGISTRYINDEX ? lua_gettop(L) + idx + 1 : idx;
    push_registry(L, &real_key);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 2);
        return;
    }
    lua_replace(L, idx);
    lua_pop(L, 1);
}

/* Pushes the proxy of the real table at idx, making it on first use: an
 * empty table whose metatable reads from the real one and refuses stores
 * with the storing code's position (rl_lua_env_readonly_assign). */
static void push_proxy(lua_State *L, int idx)
{
    idx = idx < 0 && idx > LUA_REGISTRYINDEX ? lua_gettop(L) + idx + 1 : idx;
    push_registry(L, &real_key);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    if (!lua_isnil(L, -1)) {
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 1);
    lua_newtable(L); /* the proxy */
    int proxy = lua_gettop(L);
    lua_newtable(L);
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, rl_lua_env_readonly_assign);
    lua_setfield(L, -2, "__newindex");
    rl_lua_env_set_readonly(L, -1);
    lua_setmetatable(L, proxy);
    rl_lua_env_set_readonly(L, proxy);
    rl_lua_env_set_readonly(L, idx);
    lua_pushvalue(L, idx); /* real -> proxy */
    lua_pushvalue(L, proxy);
    lua_rawset(L, proxy - 1);
    push_registry(L, &proxy_key); /* proxy -> real */
    lua_pushvalue(L, proxy);
    lua_pushvalue(L, idx);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    lua_remove(L, proxy - 1);
}

/* Makes the real table at idx read-only as Redis's init does: the tables
 * it holds (recursively) and its metatable get proxies, and the fields
 * holding those tables are pointed at the proxies. Tables that already have
 * a proxy are not walked twice, so cycles (_G._G) end. */
static void protect_tree(lua_State *L, int idx)
{
    idx = idx < 0 && idx > LUA_REGISTRYINDEX ? lua_gettop(L) + idx + 1 : idx;
    luaL_checkstack(L, 8, NULL);
    push_proxy(L, idx);
    lua_pop(L, 1);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_istable(L, -1) && !unproxy(L, -1)) {
            push_registry(L, &real_key);
            lua_pushvalue(L, -2);
            lua_rawget(L, -2);
            int seen = !lua_isnil(L, -1);
            lua_pop(L, 2);
            if (!seen) protect_tree(L, -1);
            push_proxy(L, -1);
            lua_pushvalue(L, -3); /* key */
            lua_insert(L, -2);
            lua_rawset(L, idx); /* replacing an existing field is allowed during lua_next */
        }
        lua_pop(L, 1);
    }
    if (lua_getmetatable(L, idx)) {
        push_registry(L, &real_key);
        lua_pushvalue(L, -2);
        lua_rawget(L, -2);
        int seen = !lua_isnil(L, -1);
        lua_pop(L, 2);
        if (!seen) protect_tree(L, -1);
        lua_pop(L, 1);
    }
}

/* setmetatable(t, mt), refusing read-only tables. Redis's read-only tables
 * carry no __metatable field, so the read-only check comes first. A proxy
 * given as mt is replaced by its real table, so the new metatable works as
 * the original does in Redis (its fields are metamethods); getmetatable
 * still answers with the proxy. */
static int env_setmetatable(lua_State *L)
{
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argcheck(L, t == LUA_TNIL || t == LUA_TTABLE, 2, RL_ERR_LUA_SETMETATABLE_ARG);
    if (is_readonly(L, 1)) return readonly_error(L);
    if (luaL_getmetafield(L, 1, "__metatable"))
        return luaL_error(L, RL_ERR_LUA_PROTECTED_METATABLE);
    lua_settop(L, 2);
    unproxy(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* getmetatable(v), answering for the real table behind a proxy and handing
 * out proxies of protected metatables (the globals', the strings'). */
static int env_getmetatable(lua_State *L)
{
    luaL_checkany(L, 1);
    lua_settop(L, 1);
    unproxy(L, 1);
    if (!lua_getmetatable(L, 1)) {
        lua_pushnil(L);
        return 1;
    }
    if (!luaL_getmetafield(L, 1, "__metatable")) to_proxy(L, -1);
    return 1;
}

/* lua_next(t, k) for env_next, run protected. */
static int next_protected(lua_State *L)
{
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

/* next(t [, k]), walking the real table behind a proxy. A key that is not
 * in the table fails with Lua 5.1's message and, as there, no position
 * (LuaJIT would add the caller's); keys whose value is nil can still be
 * valid (cleared during a traversal), so only those take the protected
 * path. */
static int env_next(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    unproxy(L, 1);
    if (!lua_isnil(L, 2)) {
        lua_pushvalue(L, 2);
        lua_rawget(L, 1);
        int absent = lua_isnil(L, -1);
        lua_pop(L, 1);
        if (absent) {
            lua_pushcfunction(L, next_protected);
            lua_insert(L, 1);
            if (lua_pcall(L, 2, 2, 0)) {
                lua_pushstring(L, RL_ERR_LUA_NEXT_KEY);
                return lua_error(L);
            }
            return lua_isnil(L, -2) ? 1 : 2;
        }
    }
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

/* pairs(t): the iterator is next, a closure of its own as in Lua 5.1
 * (pairs({}) ~= next). */
static int env_pairs(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* rawget(t, k), reading the real table behind a proxy. */
static int env_rawget(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    lua_settop(L, 2);
    unproxy(L, 1);
    lua_rawget(L, 1);
    return 1;
}

/* table.insert(t, [pos,] v) with Lua 5.1's semantics on both engines; the
 * argument checks come first, then a read-only table refuses the first
 * store, as the patched lua_rawseti does. */
static int env_table_insert(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    int end = (int)lua_objlen(L, 1) + 1;
    int pos = end;
    switch (lua_gettop(L)) {
    case 2: break;
    case 3:
        pos = luaL_checkint(L, 2);
        if (pos > end) end = pos;
        break;
    default: return luaL_error(L, RL_ERR_LUA_INSERT_ARGS);
    }
    if (is_readonly(L, 1)) return readonly_error(L);
    for (int i = end; i > pos; i--) {
        lua_rawgeti(L, 1, i - 1);
        lua_rawseti(L, 1, i);
    }
    lua_rawseti(L, 1, pos);
    return 0;
}

/* table.foreach(t, f) as in Lua 5.1, walking the real table behind a
 * proxy; f sees keys and values only. */
static int env_table_foreach(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    unproxy(L, 1);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pushvalue(L, 2);
        lua_pushvalue(L, -3);
        lua_pushvalue(L, -3);
        lua_call(L, 2, 1);
        if (!lua_isnil(L, -1)) return 1;
        lua_pop(L, 2);
    }
    return 0;
}

/* table.setn(t, n): obsolete in Lua 5.1 (LuaJIT lacks it). */
static int env_table_setn(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    return luaL_error(L, RL_ERR_LUA_SETN);
}

/* string.rep(s, n) as in Lua 5.1, which has no separator argument (LuaJIT's
 * would use a third one). */
static int env_string_rep(lua_State *L)
{
    size_t len;
    luaL_Buffer b;
    const char *s = luaL_checklstring(L, 1, &len);
    int n = luaL_checkint(L, 2);
    luaL_buffinit(L, &b);
    while (n-- > 0) luaL_addlstring(&b, s, len);
    luaL_pushresult(&b);
    return 1;
}

int rl_lua_env_unproxy(lua_State *L, int idx)
{
    return unproxy(L, idx);
}

/* --- Globals protection ----------------------------------------------------------- */

/* __index of the real globals table: a missing global is an error. */
int rl_lua_env_missing_global(lua_State *L)
{
    if (!lua_isstring(L, 2)) return luaL_error(L, RL_ERR_LUA_GLOBAL_KEY_TYPE);
    return luaL_error(L, RL_ERRF_LUA_NONEXISTENT_GLOBAL, lua_tostring(L, 2));
}

/* __newindex of the proxy: no global may be assigned. luaL_error adds the
 * position of the assigning Lua code ("user_script:1: "), as the VM does. */
int rl_lua_env_readonly_assign(lua_State *L)
{
    return luaL_error(L, RL_ERR_LUA_READONLY_TABLE);
}

/* Globals that survive library loading: Redis's allow lists (script_lua.c)
 * without getfenv, setfenv and newproxy, which Debian's build drops, and
 * without debug, which Redis removes after init. Later libraries (cjson,
 * cmsgpack, struct, bit) are listed already. */
static const char *const allowed_globals[] = {
    "string",
    "cjson",
    "bit",
    "cmsgpack",
    "math",
    "table",
    "struct",
    "redis",
    "__redis__err__handler",
    "xpcall",
    "tostring",
    "setmetatable",
    "next",
    "assert",
    "tonumber",
    "rawequal",
    "collectgarbage",
    "getmetatable",
    "rawset",
    "pcall",
    "coroutine",
    "type",
    "_G",
    "select",
    "unpack",
    "gcinfo",
    "pairs",
    "rawget",
    "loadstring",
    "ipairs",
    "_VERSION",
    "load",
    "error",
    NULL,
};

static int is_allowed_global(const char *name)
{
    for (const char *const *p = allowed_globals; *p; p++)
        if (strcmp(*p, name) == 0) return 1;
    return 0;
}

/* Removes every global that is not on the allow list (print, dofile,
 * loadfile, getfenv, setfenv, newproxy and engine extras). Clearing fields
 * during a traversal is allowed by lua_next. */
static void drop_unlisted_globals(lua_State *L)
{
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING || !is_allowed_global(lua_tostring(L, -1))) {
            lua_pushvalue(L, -1);
            lua_pushnil(L);
            lua_rawset(L, -4);
        }
    }
    lua_pop(L, 1);
}

/* Scripts get a proxy as their globals table (see "Read-only tables"):
 * reads fall through to the real table, whose metatable (Redis's, shown to
 * scripts as a proxy) raises the nonexistent-global error, and stores hit
 * __newindex, so even existing globals (redis, KEYS, type) cannot be
 * replaced. Every table reachable from the globals, and the string
 * metatable, become read-only the same way. The proxy's metatable is kept
 * in the registry for rl_lua_env_set_globals_fallback. */
static void seal_globals(lua_State *L)
{
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    int real = lua_gettop(L);
    lua_pushvalue(L, real);
    set_registry(L, &globals_key);

    lua_newtable(L); /* the real table's metatable */
    lua_pushcfunction(L, rl_lua_env_missing_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, real);

    protect_tree(L, real);
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) protect_tree(L, -1);
    lua_settop(L, real);

    push_proxy(L, real);
    lua_getmetatable(L, -1);
    set_registry(L, &proxy_mt_key);
    lua_replace(L, LUA_GLOBALSINDEX);
    lua_settop(L, real - 1);
}

void rl_lua_env_set_globals_fallback(lua_State *L)
{
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        push_registry(L, &globals_key);
    }
    push_registry(L, &proxy_mt_key);
    lua_insert(L, -2);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

void rl_lua_env_set_global(lua_State *L, const char *name)
{
    push_registry(L, &globals_key);
    lua_pushstring(L, name);
    lua_pushvalue(L, -3);
    lua_rawset(L, -3);
    lua_pop(L, 2);
}

/* --- Loading code ---------------------------------------------------------------- */

/* Redis's Lua only ever runs its text parser, so bytecode is never loaded:
 * a chunk starting with ESC fails as text, at its first character. Both
 * stock engines would load it (LuaJIT would also skip a first line starting
 * with '#' or a UTF-8 BOM), so loadstring and load are redlua's, on both
 * engines, with Lua 5.1's arguments and results. */

/* The room Lua 5.1's lexer gives a chunk's name in its messages (MAXSRC in
 * llex.c; runtime messages use LUA_IDSIZE, 60). */
#define CHUNK_ID_SIZE 80

/* Writes the name Lua 5.1 shows for a chunk loaded as `source` (its
 * luaO_chunkid rules): "=name" as is, "@file" as the file (keeping the end
 * of a long one), anything else as [string "first line"]. */
static void chunk_id(char out[CHUNK_ID_SIZE], const char *source)
{
    if (*source == '=') {
        snprintf(out, CHUNK_ID_SIZE, "%s", source + 1);
    } else if (*source == '@') {
        size_t room = CHUNK_ID_SIZE - sizeof(" '...' "), len = strlen(source + 1);
        if (len > room) snprintf(out, CHUNK_ID_SIZE, "...%s", source + 1 + (len - room));
        else snprintf(out, CHUNK_ID_SIZE, "%s", source + 1);
    } else {
        size_t room = CHUNK_ID_SIZE - sizeof(" [string \"...\"] ");
        size_t len = strcspn(source, "\n\r");
        if (len > room) len = room;
        snprintf(out, CHUNK_ID_SIZE, "[string \"%.*s%s\"]", (int)len, source,
                 source[len] ? "..." : "");
    }
}

/* Pushes the error of a chunk that starts with ESC. */
static void push_bytecode_error(lua_State *L, const char *chunkname)
{
    char id[CHUNK_ID_SIZE];
    chunk_id(id, chunkname);
    lua_pushfstring(L, RL_ERRF_LUA_BYTECODE, id);
}

/* 1 when lua_load would not parse the start of the text as Lua 5.1 text:
 * ESC (stock lua_load takes it as precompiled bytecode) or, on LuaJIT, a
 * '#' line or a UTF-8 BOM its lexer skips. A space in front keeps it text
 * for the parser and changes no line number. */
static int needs_space_in_front(const char *p, size_t len)
{
    return len && (p[0] == LUA_SIGNATURE[0] || p[0] == '#' || (unsigned char)p[0] == 0xEF);
}

typedef struct text_reader {
    const char *prefix;
    const char *p;
    size_t len;
} text_reader;

static const char *read_text(lua_State *L, void *ud, size_t *size)
{
    text_reader *r = ud;
    (void)L;
    if (r->prefix) {
        const char *pre = r->prefix;
        r->prefix = NULL;
        *size = strlen(pre);
        return pre;
    }
    if (!r->len) return NULL;
    *size = r->len;
    r->len = 0;
    return r->p;
}

int rl_lua_env_load_source(lua_State *L, const char *p, size_t len, const char *chunkname)
{
    text_reader r = { needs_space_in_front(p, len) ? " " : NULL, p, len };
    return lua_load(L, read_text, &r, chunkname);
}

int rl_lua_env_load_text(lua_State *L, const char *p, size_t len, const char *chunkname)
{
    if (len && p[0] == LUA_SIGNATURE[0]) {
        push_bytecode_error(L, chunkname);
        return LUA_ERRSYNTAX;
    }
    return rl_lua_env_load_source(L, p, len, chunkname);
}

/* The result of loadstring / load: the function, or nil and the message. */
static int load_result(lua_State *L, int status)
{
    if (status == 0) {
        rl_lua_env *env = rl_lua_env_get(L);
        if (env) rl_engine_function_made(L, &env->engine);
        return 1;
    }
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
}

/* loadstring(s [, chunkname]). */
static int env_loadstring(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *chunkname = luaL_optstring(L, 2, s);
    return load_result(L, rl_lua_env_load_text(L, s, len, chunkname));
}

/* The reader of load(f): calls f for each piece, as Lua 5.1's does, keeping
 * the current piece in stack slot 3. A first piece starting with ESC ends
 * the text at once (load then reports it as bytecode); one starting with
 * '#' or a BOM is preceded by a space. */
typedef struct fn_reader {
    int first;    /* no piece read yet */
    int bytecode; /* the first piece started with ESC */
    int pending;  /* slot 3 holds a piece to give after the space */
} fn_reader;

static const char *read_fn(lua_State *L, void *ud, size_t *size)
{
    fn_reader *r = ud;
    if (r->pending) {
        r->pending = 0;
        return lua_tolstring(L, 3, size);
    }
    luaL_checkstack(L, 2, RL_ERR_LUA_READER_NESTED);
    lua_pushvalue(L, 1);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        *size = 0;
        return NULL;
    }
    if (!lua_isstring(L, -1)) luaL_error(L, RL_ERR_LUA_READER_TYPE);
    lua_replace(L, 3);
    const char *p = lua_tolstring(L, 3, size);
    if (r->first && *size) {
        r->first = 0;
        if (p[0] == LUA_SIGNATURE[0]) {
            r->bytecode = 1;
            *size = 0;
            return NULL;
        }
        if (needs_space_in_front(p, *size)) {
            r->pending = 1;
            *size = 1;
            return " ";
        }
    }
    return p;
}

/* load(f [, chunkname]): Lua 5.1's, which takes only a function. */
static int env_load(lua_State *L)
{
    const char *chunkname = luaL_optstring(L, 2, "=(load)");
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 3);
    fn_reader r = { 1, 0, 0 };
    int status = lua_load(L, read_fn, &r, chunkname);
    if (status == 0 && r.bytecode) {
        lua_pop(L, 1);
        push_bytecode_error(L, chunkname);
        status = LUA_ERRSYNTAX;
    }
    return load_result(L, status);
}

/* The header of a Lua 5.1 precompiled chunk on x86-64 (signature, version
 * 5.1, official format, little endian, int 4, size_t 8, Instruction 4,
 * lua_Number 8, floating point). */
static const char lua51_dump_header[] = "\x1bLuaQ\x00\x01\x04\x08\x04\x08\x00";

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
    (void)L;
    luaL_addlstring(ud, p, sz);
    return 0;
}

/* string.dump(f) as Lua 5.1's. On LuaJIT the dump (its own bytecode) is
 * preceded by Lua 5.1's header, so a script sees the same first bytes as
 * on Redis and loading the dump fails with the same message; no engine
 * loads it either way. */
static int env_string_dump(lua_State *L)
{
    luaL_Buffer b;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    luaL_buffinit(L, &b);
    if (lua_dump(L, dump_writer, &b) != 0) return luaL_error(L, RL_ERR_LUA_DUMP);
    luaL_pushresult(&b);
    size_t len, hlen = sizeof(lua51_dump_header) - 1;
    const char *s = lua_tolstring(L, -1, &len);
    if (len < 5 || memcmp(s, lua51_dump_header, 5) != 0) {
        lua_pushlstring(L, lua51_dump_header, hlen);
        lua_insert(L, -2);
        lua_concat(L, 2);
    }
    return 1;
}

/* coroutine.yield(...): the script's own code runs in the main thread,
 * called from C, where Lua 5.1 refuses to yield (LuaJIT words it
 * differently and adds a position). */
static int env_coroutine_yield(lua_State *L)
{
    if (lua_pushthread(L)) {
        lua_pushstring(L, RL_ERR_LUA_YIELD_BOUNDARY);
        return lua_error(L);
    }
    lua_pop(L, 1);
    return lua_yield(L, lua_gettop(L));
}

/* --- Redis's pcall ---------------------------------------------------------------- */

/* As luaRedisPcall: when the error is a table whose err field is a string,
 * that string is returned in its place. A non-string err field is left on
 * the stack, so Redis returns it as an extra (third) result. With no
 * arguments Redis ends up calling its boolean placeholder; calling a boolean
 * here gives the same "attempt to call a boolean value". */
static int env_pcall(lua_State *L)
{
    int argc = lua_gettop(L);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    if (argc == 0) lua_pushboolean(L, 1);
    if (lua_pcall(L, argc ? argc - 1 : 0, LUA_MULTRET, 0)) {
        lua_remove(L, 1);
        if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "err");
            if (lua_isstring(L, -1)) lua_replace(L, -2);
        }
        lua_pushboolean(L, 0);
        lua_insert(L, 1);
    }
    return lua_gettop(L);
}

/* --- math.random ------------------------------------------------------------------- */

/* Redis's redisLrand48: the 48-bit LCG of lrand48 (a = 0x5DEECE66D, c = 0xB),
 * returning the top 31 bits. The state starts at libc's default seed. */
static int32_t rand48_next(uint64_t *x)
{
    *x = (*x * 0x5DEECE66DULL + 0xBULL) & 0xFFFFFFFFFFFFULL;
    return (int32_t)(*x >> 17);
}

#define RAND48_MAX 2147483647

static int env_math_random(lua_State *L)
{
    rl_lua_env *env = rl_lua_env_get(L);
    lua_Number r = (lua_Number)(rand48_next(env->rand48) % RAND48_MAX) / (lua_Number)RAND48_MAX;
    switch (lua_gettop(L)) {
    case 0: lua_pushnumber(L, r); break;
    case 1: {
        int u = luaL_checkint(L, 1);
        luaL_argcheck(L, 1 <= u, 1, RL_ERR_LUA_RANDOM_INTERVAL);
        lua_pushnumber(L, floor(r * u) + 1);
        break;
    }
    case 2: {
        int l = luaL_checkint(L, 1);
        int u = luaL_checkint(L, 2);
        luaL_argcheck(L, l <= u, 2, RL_ERR_LUA_RANDOM_INTERVAL);
        lua_pushnumber(L, floor(r * (u - l + 1)) + l);
        break;
    }
    default: return luaL_error(L, RL_ERR_LUA_RANDOM_ARGS);
    }
    return 1;
}

static int env_math_randomseed(lua_State *L)
{
    rl_lua_env *env = rl_lua_env_get(L);
    uint32_t seed = (uint32_t)luaL_checkint(L, 1);
    *env->rand48 = ((uint64_t)seed << 16) | 0x330EULL;
    return 0;
}

/* --- Error handler and traceback ------------------------------------------------------ */

/* Frames shown at each end of a long traceback, as luaL_traceback does. */
#define TB_FIRST 10
#define TB_LAST 11

static void traceback_frame(const lua_Debug *ar, rl_lua_text *out)
{
    char line[256];
    int n;
    if (*ar->namewhat != '\0')
        n = snprintf(line, sizeof(line), "%s:%d: in function '%s'", ar->short_src, ar->currentline,
                     ar->name);
    else if (*ar->what == 'm')
        n = snprintf(line, sizeof(line), "%s:%d: in main chunk", ar->short_src, ar->currentline);
    else
        n = snprintf(line, sizeof(line), "%s:%d: in function <%s:%d>", ar->short_src,
                     ar->currentline, ar->short_src, ar->linedefined);
    if (n < 0) return;
    if ((size_t)n >= sizeof(line)) n = (int)sizeof(line) - 1;
    if (out->len) rl_lua_text_append(out, "\n", 1);
    rl_lua_text_append(out, line, (size_t)n);
}

/* Records the Lua frames (C frames skipped) from level `from` up, oldest
 * first and most recent last; of a deep stack only the TB_FIRST oldest and
 * TB_LAST most recent levels are kept, around a "..." line. lua_getstack
 * walks the whole stack on LuaJIT, so the depth is found by bisection
 * rather than by probing every level. */
static void record_traceback(lua_State *L, int from, rl_lua_text *out)
{
    lua_Debug ar;
    if (!lua_getstack(L, from, &ar)) return;
    int lo = from, hi = from + 1;
    while (lua_getstack(L, hi, &ar)) {
        lo = hi;
        hi *= 2;
    }
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        if (lua_getstack(L, mid, &ar)) lo = mid;
        else hi = mid;
    }
    int oldest = lo;
    int skip_hi = -1, skip_lo = 0; /* levels skip_lo..skip_hi are elided */
    if (oldest - from + 1 > TB_FIRST + TB_LAST) {
        skip_hi = oldest - TB_FIRST;
        skip_lo = from + TB_LAST;
    }
    out->len = 0;
    for (int level = oldest; level >= from; level--) {
        if (level == skip_hi) {
            if (out->len) rl_lua_text_append(out, "\n", 1);
            rl_lua_text_append(out, "...", 3);
            level = skip_lo;
            continue;
        }
        if (!lua_getstack(L, level, &ar) || !lua_getinfo(L, "Snl", &ar)) continue;
        if (*ar.what == 'C' || ar.currentline < 0) continue;
        traceback_frame(&ar, out);
    }
}

/* Pushes the text of a non-table error value as tostring would, calling
 * the real tostring only for the types whose text is an address: after a
 * stack overflow there is little room left for calls. */
static void push_error_text(lua_State *L, int idx)
{
    switch (lua_type(L, idx)) {
    case LUA_TSTRING:
    case LUA_TNUMBER:
        lua_pushvalue(L, idx);
        lua_tostring(L, -1);
        break;
    case LUA_TNIL: lua_pushliteral(L, "nil"); break;
    case LUA_TBOOLEAN: lua_pushstring(L, lua_toboolean(L, idx) ? "true" : "false"); break;
    default:
        push_registry(L, &tostring_key);
        lua_pushvalue(L, idx);
        lua_call(L, 1, 1);
        break;
    }
}

/* Library tables searched for the name of a function (see below). */
static const char *const library_tables[] = { "string", "table",  "math",     "coroutine", "redis",
                                              "cjson",  "struct", "cmsgpack", "bit",       NULL };

/* Pushes the name under which the function at fidx is found, raw, in the
 * real globals or in a library table; returns 0, pushing nothing, when it is
 * found nowhere. */
static int push_function_name(lua_State *L, int fidx)
{
    push_registry(L, &globals_key);
    int g = lua_gettop(L);
    for (int i = -1; i < 0 || library_tables[i]; i++) {
        if (i < 0) {
            lua_pushvalue(L, g);
        } else {
            lua_pushstring(L, library_tables[i]);
            lua_rawget(L, g);
            unproxy(L, -1);
        }
        int t = lua_gettop(L);
        if (lua_istable(L, t)) {
            lua_pushnil(L);
            while (lua_next(L, t)) {
                if (lua_rawequal(L, -1, fidx) && lua_type(L, -2) == LUA_TSTRING) {
                    lua_pop(L, 1);
                    lua_replace(L, g);
                    lua_settop(L, g);
                    return 1;
                }
                lua_pop(L, 1);
            }
        }
        lua_settop(L, g);
    }
    lua_pop(L, 1);
    return 0;
}

/* The error string at index 1 was raised by a C function called in tail
 * position on an engine that dropped its caller's frame (LuaJIT), so Lua
 * could neither prefix the position nor name the function in "bad argument
 * #n to '?'". Both are restored from the last line run and from where the
 * function is stored, as PUC Lua would have written them. Left alone are
 * error(), whose position depends on its level argument, and the errors
 * raised without one (read-only tables, next's invalid key, yield). */
static void repair_tail_call_message(lua_State *L, const char *chunk, int line)
{
    lua_Debug ar;
    if (!lua_getstack(L, 1, &ar) || !lua_getinfo(L, "f", &ar)) return;
    int f = lua_gettop(L);
    push_registry(L, &error_key);
    const char *raised = lua_tostring(L, 1);
    int keep = lua_rawequal(L, -1, f) || strcmp(raised, RL_ERR_LUA_READONLY_TABLE) == 0 ||
        strcmp(raised, RL_ERR_LUA_NEXT_KEY) == 0 || strcmp(raised, RL_ERR_LUA_YIELD_BOUNDARY) == 0;
    lua_pop(L, 1);
    if (!keep) {
        const char *msg = lua_tostring(L, 1);
        const char *q = strstr(msg, " to '?'");
        lua_pushfstring(L, "%s:%d: ", &chunk[1], line);
        if (strncmp(msg, "bad argument #", 14) == 0 && q && push_function_name(L, f)) {
            lua_pushlstring(L, msg, (size_t)(q - msg) + 5); /* up to " to '" */
            lua_insert(L, -2);
            lua_pushstring(L, q + 6); /* from the closing quote on */
            lua_concat(L, 4);
        } else {
            lua_pushvalue(L, 1);
            lua_concat(L, 2);
        }
        lua_replace(L, 1);
    }
    lua_settop(L, f - 1);
}

/* __redis__err__handler: the message handler of every script run, as the
 * Lua function Redis defines in eval.c. The frame that raised is level 1;
 * when that is a C function (error, redis.call, a library function), the Lua
 * code that called it is level 2. Non-table errors become
 * {err = 'ERR ' .. tostring(err)}; source and line are then set on the table
 * (replacing any the script put there).
 *
 * When the C function was called in tail position on an engine that drops
 * the caller's frame for it (LuaJIT), the last line run (recorded by the line
 * hook) stands in for the missing frame, in the script's own chunk. */
static int env_error_handler(lua_State *L)
{
    lua_settop(L, 1);
    lua_Debug ar;
    const char *source = NULL;
    int line = 0, level = 1, tail_call = 0;
    rl_lua_env *env = rl_lua_env_get(L);
    rl_lua_run *run = env ? env->run : NULL;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "nSl", &ar)) {
        if (strcmp(ar.what, "C") == 0) {
            level = 2;
            if (lua_getstack(L, 2, &ar) && lua_getinfo(L, "nSl", &ar)) {
                source = ar.source;
                line = ar.currentline;
            } else if (rl_engine_tail_call_drops_caller && run && run->last_line > 0) {
                tail_call = 1;
                source = env->chunk_source;
                line = run->last_line;
            }
        } else {
            source = ar.source;
            line = ar.currentline;
        }
    }
    if (run) {
        record_traceback(L, level, &run->traceback);
        if (tail_call && !run->traceback.len) {
            char frame[64];
            int n = snprintf(frame, sizeof(frame), "%s:%d: in ? (tail call)", &source[1], line);
            rl_lua_text_append(&run->traceback, frame, (size_t)n);
        }
    }
    if (tail_call && lua_type(L, 1) == LUA_TSTRING) repair_tail_call_message(L, source, line);

    if (!lua_istable(L, 1)) {
        lua_pushstring(L, RL_ERR_LUA_VALUE_PREFIX);
        push_error_text(L, 1);
        lua_concat(L, 2);
        lua_newtable(L);
        lua_insert(L, -2);
        lua_setfield(L, -2, "err");
        lua_replace(L, 1);
    }
    if (source) {
        lua_pushstring(L, source);
        lua_setfield(L, 1, "source");
        lua_pushinteger(L, line);
        lua_setfield(L, 1, "line");
    }
    return 1;
}

void rl_lua_env_push_error_handler(lua_State *L)
{
    push_registry(L, &handler_key);
}

/* --- Time limit ------------------------------------------------------------------------ */

/* The error text of a run stopped for reason (RL_RUN_STOP_*), into buf. */
static const char *stop_message(const rl_lua_run *run, char *buf, size_t len)
{
    switch (run->stop) {
    case RL_RUN_STOP_KILLED: return RL_ERR_SCRIPT_KILLED;
    case RL_RUN_STOP_SHUTDOWN: return RL_ERR_SCRIPT_SHUTDOWN;
    default: snprintf(buf, len, RL_ERRF_SCRIPT_TIMEOUT, (long long)run->timeout_ms); return buf;
    }
}

/* Past the busy threshold: the server is busy (Redis's
 * enterScriptTimedoutMode) and lets the others in (processEventsWhileBlocked):
 * the callback sends their commands, which the dispatcher answers as a busy
 * Redis does, and SCRIPT KILL or SHUTDOWN NOSAVE among them sets run->kill. */
static void run_busy(rl_lua_env *env, rl_lua_run *run)
{
    rl_emu *emu = env->emu;
    if (!emu->busy_cb) return;
    emu->busy_run = run;
    emu->busy_cb(emu, emu->busy_ud);
    if (run->kill) run->stop = run->kill;
}

/* Under metrics the count hook fires on every instruction (count 1): counts
 * it and answers 1, except every HOOK_COUNT instructions (or once the run
 * timed out), when the time limit's check below is due. */
static int count_instruction(rl_lua_env *env)
{
    rl_lua_run *run = env->run;
    if (!run || !env->emu->metrics) return 0;
    env->emu->metrics->m.instructions++;
    if (!run->stop && ++run->since_check < HOOK_COUNT) return 1;
    run->since_check = 0;
    return 0;
}

/* Under coverage, a call of one of the script's own functions (not a C
 * function, nor a chunk made by loadstring) is counted by the line its
 * definition starts on. */
static void count_call(lua_State *L, rl_lua_env *env, lua_Debug *ar)
{
    if (!env->run || !env->run->cov || !lua_getinfo(L, "S", ar)) return;
    if (ar->linedefined > 0 && strcmp(ar->source, env->chunk_source) == 0)
        rl_cov_call(env->run->cov, ar->linedefined);
}

/* The hook of a run. Count events enforce the time limit and the busy
 * threshold: once the run is stopped (time limit, SCRIPT KILL, SHUTDOWN
 * NOSAVE), an error table is raised and the hook re-armed on every
 * instruction so a pcall in the script cannot swallow the stop (Redis does
 * the same for SCRIPT KILL). Line events (where the engine needs them, or
 * under coverage) record the last line run for the error handler, and count
 * the line for coverage. Call events (LuaJIT, lua_engine.h) only need the
 * hook to be there, except under coverage. The environment comes from the
 * allocator's pointer, cheaper than the registry, once per event: under
 * metrics this runs on every instruction. */
static void run_hook(lua_State *L, lua_Debug *ar)
{
    rl_lua_env *env = rl_lua_env_get(L);
    if (!env) return;
    if (ar->event == LUA_HOOKCOUNT) {
        rl_engine_count_event(L, &env->engine);
        if (count_instruction(env)) return;
    }
    if (ar->event == LUA_HOOKCALL) {
        count_call(L, env, ar);
        return;
    }
    rl_lua_run *run = env->run;
    if (!run) return;
    if (ar->event == LUA_HOOKLINE) {
        run->last_line = ar->currentline;
        /* Coverage counts the script's own lines only, not those of a
         * chunk it made with loadstring. */
        if (run->cov && lua_getinfo(L, "S", ar) && strcmp(ar->source, env->chunk_source) == 0)
            rl_cov_hit(run->cov, ar->currentline);
        if (!run->stop) return;
    }
    if (run->timeout_ms <= 0 && run->busy_ms <= 0) return;
    if (!run->stop) {
        uint64_t elapsed_ms = run_elapsed_ms(run);
        /* The callback first: at a check past both limits it still gets its
         * turn, so a busy threshold equal to the time limit is useful. */
        if (run->busy_ms > 0 && elapsed_ms >= (uint64_t)run->busy_ms) run_busy(env, run);
        if (!run->stop && run->timeout_ms > 0 && elapsed_ms >= (uint64_t)run->timeout_ms)
            run->stop = RL_RUN_STOP_TIMEOUT;
        if (!run->stop) return;
        rl_engine_sethook(L, &env->engine, run_hook, lua_gethookmask(L), 1);
        /* PUC Lua keeps hooks per coroutine: when a coroutine ran out of
         * time, the script's own thread must stop at its next instruction
         * too, or coroutine.resume would swallow the stop for good. A kill
         * is Redis's: only the thread that was running gets the hook on
         * every instruction, the script's own thread keeps its count hook,
         * which raises the kill again at its next count (so a script that
         * catches it through coroutine.resume and returns at once
         * returns normally, as in Redis). */
        if (L != env->L && run->stop != RL_RUN_STOP_KILLED)
            rl_engine_sethook(env->L, &env->engine, run_hook,
                              lua_gethookmask(env->L) | LUA_MASKCOUNT, 1);
    }
    char buf[128];
    rl_lua_push_error_table(L, stop_message(run, buf, sizeof(buf)));
    lua_error(L);
}

/* The hook of a run without coverage, whose call events (LuaJIT's call
 * hook, lua_engine.h) have nothing to count: they return at once instead of
 * finding the environment, on every function call, redis.call included. */
static void run_hook_uncovered(lua_State *L, lua_Debug *ar)
{
    if (ar->event != LUA_HOOKCALL) run_hook(L, ar);
}

int64_t rl_lua_run_elapsed_ms(const rl_lua_run *run)
{
    return (int64_t)run_elapsed_ms(run);
}

void rl_lua_env_push_stop_error(rl_lua_env *env)
{
    lua_State *L = env->L;
    char buf[128];
    rl_lua_push_error_table(L, stop_message(env->run, buf, sizeof(buf)));
    if (env->run->last_line > 0) {
        lua_pushstring(L, env->chunk_source);
        lua_setfield(L, -2, "source");
        lua_pushinteger(L, env->run->last_line);
        lua_setfield(L, -2, "line");
    }
}

void rl_lua_env_begin_run(rl_lua_env *env, rl_lua_run *run)
{
    run->precise_clock = env->emu->metrics != NULL;
    run->start_ns = run_start_ns(run);
    run->stop = run->kill = 0;
    run->last_line = 0;
    run->since_check = 0;
    run->busy_ms = env->emu->busy_cb ? env->emu->busy_threshold_ms : 0;
    env->emu->script_start_ms = env->emu->clock_ms;
    /* Metrics count every instruction, which needs LuaJIT's interpreter as
     * a time limit does (engine_luajit.c); so does the busy threshold, which
     * needs the count hook as the time limit does, and coverage's line hook. */
    rl_metrics_state *ms = env->emu->metrics;
    if (ms) ms->m.runs++;
    int counted = run->timeout_ms > 0 || run->busy_ms > 0 || ms;
    int mask = counted ? LUA_MASKCOUNT : 0;
    if (run->cov) {
        mask |= LUA_MASKLINE | LUA_MASKCALL;
        rl_cov_begin_run(run->cov);
    }
    /* The engine may run Lua code here (LuaJIT's tail-call scanner), before
     * env->run is set: a hook left from the last run ignores it. */
    mask |= rl_engine_run_begin(env->L, &env->engine, -1, counted || run->cov, run->scan_hint,
                                &run->last_line);
    env->run = run;
    /* The hook stays installed between runs (rl_lua_env_end_run), where it
     * does nothing (env->run is NULL); rl_engine_sethook sets it only when
     * it changes (LuaJIT's lua_sethook rewrites its dispatch tables). Its
     * count is not reset then: the first check of a run may come early,
     * which only reads the clock. A stop leaves a count of 1, which
     * differs. */
    int count = ms ? 1 : HOOK_COUNT;
    lua_Hook hook = run->cov ? run_hook : run_hook_uncovered;
    rl_engine_sethook(env->L, &env->engine, hook, mask, count);
}

void rl_lua_env_end_run(rl_lua_env *env)
{
    if (env->emu->busy_run == env->run) env->emu->busy_run = NULL;
    /* The hook is left for the next run (rl_lua_env_begin_run), except the
     * one of metrics and coverage, which fires on every instruction or line
     * and would slow down Lua code run between runs for nothing. */
    if (env->emu->metrics || env->run->cov) rl_engine_sethook(env->L, &env->engine, NULL, 0, 0);
    if (env->emu->metrics && env->run->precise_clock)
        env->emu->metrics->m.script_ns += run_clock_ns(env->run) - env->run->start_ns;
    env->run = NULL;
    env->emu->script_start_ms = -1;
}

/* --- Construction ------------------------------------------------------------------------ */

static void open_lib(lua_State *L, const char *name, lua_CFunction open)
{
    lua_pushcfunction(L, open);
    lua_pushstring(L, name);
    lua_call(L, 1, 0);
}

static void set_field_cfunction(lua_State *L, int idx, const char *name, lua_CFunction f)
{
    if (idx < 0) idx = lua_gettop(L) + idx + 1;
    lua_pushcfunction(L, f);
    lua_setfield(L, idx, name);
}

/* The standard libraries' fields as Redis's Lua 5.1 has them (with its
 * compat aliases string.gfind = gmatch and math.mod = fmod); engine extras
 * such as LuaJIT's coroutine.isyieldable are dropped, missing aliases
 * added. */
static const char *const string_fields[] = { "byte",    "char", "dump",  "find",  "format", "gfind",
                                             "gmatch",  "gsub", "len",   "lower", "match",  "rep",
                                             "reverse", "sub",  "upper", NULL };
static const char *const table_fields[] = { "concat", "foreach", "foreachi", "getn", "insert",
                                            "maxn",   "remove",  "setn",     "sort", NULL };
static const char *const math_fields[] = { "abs",    "acos",       "asin",  "atan", "atan2", "ceil",
                                           "cos",    "cosh",       "deg",   "exp",  "floor", "fmod",
                                           "frexp",  "huge",       "ldexp", "log",  "log10", "max",
                                           "min",    "mod",        "modf",  "pi",   "pow",   "rad",
                                           "random", "randomseed", "sin",   "sinh", "sqrt",  "tan",
                                           "tanh",   NULL };
static const char *const coroutine_fields[] = { "create", "resume", "running", "status",
                                                "wrap",   "yield",  NULL };

static int in_list(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp(*list, name) == 0) return 1;
    return 0;
}

/* Keeps only the listed fields of the global library `lib`; `alias`, when
 * missing, becomes a copy of `original`. */
static void fix_library(lua_State *L, const char *lib, const char *const *fields, const char *alias,
                        const char *original)
{
    lua_getglobal(L, lib);
    int t = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING || !in_list(fields, lua_tostring(L, -1))) {
            lua_pushvalue(L, -1);
            lua_pushnil(L);
            lua_rawset(L, t);
        }
    }
    if (alias) {
        lua_getfield(L, t, alias);
        if (lua_isnil(L, -1)) {
            lua_getfield(L, t, original);
            lua_setfield(L, t, alias);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static void fix_std_libraries(lua_State *L)
{
    fix_library(L, LUA_STRLIBNAME, string_fields, "gfind", "gmatch");
    fix_library(L, LUA_TABLIBNAME, table_fields, NULL, NULL);
    fix_library(L, LUA_MATHLIBNAME, math_fields, "mod", "fmod");
    fix_library(L, LUA_COLIBNAME, coroutine_fields, NULL, NULL);
}

/* References the registry has room for from the start (env_new). */
#define REGISTRY_ROOM 16

/* The EVAL VM, or (functions) the VM of FUNCTION / FCALL: no
 * __redis__err__handler global, no EVAL-only redis.* functions, chunks named
 * "@user_function". */
static rl_lua_env *env_new(rl_emu *emu, uint64_t *rand48, int functions)
{
    rl_lua_env *env = rl_calloc(1, sizeof(*env));
    env->emu = emu;
    env->rand48 = rand48;
    env->order_seed = rl_emu_order_seed(emu);
    env->chunk_source = functions ? RL_LUA_FUNCTION_CHUNK_SOURCE : RL_LUA_CHUNK_SOURCE;
    rl_lua_pool_init(&env->pool, &emu->lua_heap_held);
    lua_State *L = rl_engine_new_state(env_alloc, env, rl_emu_order_seed(emu));
    if (!L) {
        fprintf(stderr, "redlua: cannot create a Lua state\n");
        abort();
    }
    env->L = L;
    lua_atpanic(L, env_panic);

    lua_pushlightuserdata(L, env);
    set_registry(L, &env_key);
    /* Made at the size the sandbox fills them to (36 read-only tables,
     * 12 proxies), so that they do not grow a key at a time: each growth
     * rehashed the table, most of the proxies' cost. */
    lua_createtable(L, 0, 64); /* the read-only set, weak keys */
    lua_newtable(L);
    lua_pushstring(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    set_registry(L, &readonly_key);
    lua_createtable(L, 0, 16);
    set_registry(L, &proxy_key);
    lua_createtable(L, 0, 16);
    set_registry(L, &real_key);

    open_lib(L, "", luaopen_base);
    open_lib(L, LUA_TABLIBNAME, luaopen_table);
    open_lib(L, LUA_STRLIBNAME, luaopen_string);
    open_lib(L, LUA_MATHLIBNAME, luaopen_math);
    /* Redis's bundled libraries, in its order (lua_libs.h). */
    static const struct {
        const char *name;
        lua_CFunction open;
    } bundled[] = { { "cjson", rl_open_cjson },
                    { "struct", rl_open_struct },
                    { "cmsgpack", rl_open_cmsgpack },
                    { "bit", rl_open_bit } };
    for (size_t i = 0; i < sizeof(bundled) / sizeof(bundled[0]); i++) {
        open_lib(L, bundled[i].name, bundled[i].open);
    }
    lua_pushcfunction(L, rl_lua_tonumber);
    lua_setglobal(L, "tonumber");
    rl_engine_prepare(L);
    drop_unlisted_globals(L);
    fix_std_libraries(L);

    lua_getglobal(L, "tostring");
    set_registry(L, &tostring_key);
    lua_getglobal(L, "error");
    set_registry(L, &error_key);
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    int g = lua_gettop(L);
    set_field_cfunction(L, g, "pcall", env_pcall);
    set_field_cfunction(L, g, "rawset", env_rawset);
    set_field_cfunction(L, g, "setmetatable", env_setmetatable);
    set_field_cfunction(L, g, "getmetatable", env_getmetatable);
    set_field_cfunction(L, g, "rawget", env_rawget);
    set_field_cfunction(L, g, "next", env_next);
    lua_pushcfunction(L, env_next); /* pairs's own next, as in Lua 5.1 */
    lua_pushcclosure(L, env_pairs, 1);
    lua_setfield(L, g, "pairs");
    set_field_cfunction(L, g, "loadstring", env_loadstring);
    set_field_cfunction(L, g, "load", env_load);
    lua_getfield(L, g, LUA_TABLIBNAME);
    set_field_cfunction(L, -1, "insert", env_table_insert);
    set_field_cfunction(L, -1, "foreach", env_table_foreach);
    set_field_cfunction(L, -1, "setn", env_table_setn);
    lua_pop(L, 1);
    lua_getfield(L, g, LUA_STRLIBNAME);
    set_field_cfunction(L, -1, "dump", env_string_dump);
    set_field_cfunction(L, -1, "rep", env_string_rep);
    lua_pop(L, 1);
    lua_getfield(L, g, LUA_COLIBNAME);
    set_field_cfunction(L, -1, "yield", env_coroutine_yield);
    lua_pop(L, 1);
    lua_getfield(L, g, "math");
    set_field_cfunction(L, -1, "random", env_math_random);
    set_field_cfunction(L, -1, "randomseed", env_math_randomseed);
    lua_pop(L, 1);
    rl_lua_redis_open(L, !functions);
    lua_pushcfunction(L, env_error_handler);
    if (!functions) {
        lua_pushvalue(L, -1);
        lua_setfield(L, g, "__redis__err__handler");
    }
    set_registry(L, &handler_key);
    lua_pop(L, 1);

    seal_globals(L);
    /* The registry's array part made room for the references a test case
     * takes (its scripts, KEYS and ARGV): in a restored state the first of
     * them would otherwise grow it, rehashing the registry, in every case. */
    int refs[REGISTRY_ROOM];
    for (int i = 0; i < REGISTRY_ROOM; i++) {
        lua_pushboolean(L, 1);
        refs[i] = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    for (int i = REGISTRY_ROOM - 1; i >= 0; i--) luaL_unref(L, LUA_REGISTRYINDEX, refs[i]);
    /* The EVAL environment is restored rather than remade between test
     * cases (rl_emu_reset); the functions VM is made anew, when used. */
    if (!functions && RL_LUA_POOL_SNAPSHOTS) {
        lua_gc(L, LUA_GCCOLLECT, 0);
        rl_engine_before_snapshot(L, &env->engine);
        rl_lua_pool_snapshot(&env->pool);
        env->snap.heap_bytes = env->heap_bytes;
        env->snap.engine = env->engine;
    }
    return env;
}

rl_lua_env *rl_lua_env_new(rl_emu *emu, uint64_t *rand48)
{
    return env_new(emu, rand48, 0);
}

rl_lua_env *rl_lua_env_new_functions(rl_emu *emu, uint64_t *rand48)
{
    return env_new(emu, rand48, 1);
}

int rl_lua_env_restore(rl_lua_env *env)
{
    if (!env->pool.snap || env->run != NULL || env->mem_enforce || env->mem_grace) return 0;
    rl_engine_before_restore(env->L, &env->engine);
    rl_lua_pool_restore(&env->pool);
    env->engine = env->snap.engine;
    rl_engine_after_restore(env->L, &env->engine);
    env->emu->lua_heap_bytes = env->emu->lua_heap_bytes - env->heap_bytes + env->snap.heap_bytes;
    env->heap_bytes = env->snap.heap_bytes;
    env->gc_count = 0;
    env->gc_heap_mark = 0;
    return 1;
}

void rl_lua_env_free(rl_lua_env *env)
{
    if (!env) return;
    rl_engine_close(env->L, &env->engine);
    lua_close(env->L);
    rl_lua_pool_release(&env->pool);
    rl_free(env);
}
