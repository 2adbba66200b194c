#include "lua_env.h"

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errors.h"
#include "lua_engine.h"
#include "lua_libs.h"
#include "lua_redis.h"
#include "mem.h"

/* Registry keys: the addresses of these statics are unique light userdata. */
static char env_key;      /* the rl_lua_env of the state */
static char readonly_key; /* weak-keyed set of read-only tables */
static char globals_key;  /* the real globals table, behind the proxy */
static char tostring_key; /* the original tostring, used by the error handler */
static char error_key;    /* the original error, recognised by the error handler */
static char proxy_mt_key; /* the metatable of the globals proxy */
static char handler_key;  /* the error handler (__redis__err__handler) */

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

static void *env_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        rl_free(ptr);
        return NULL;
    }
    return rl_realloc(ptr, nsize);
}

rl_lua_env *rl_lua_env_get(lua_State *L)
{
    lua_pushlightuserdata(L, &env_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    rl_lua_env *env = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return env;
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

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
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

/* setmetatable(t, mt), refusing read-only tables. Redis's read-only tables
 * carry no __metatable field, so the read-only check comes first here, as
 * the proxy and the decoy metatable are the ones that carry it. */
static int env_setmetatable(lua_State *L)
{
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argcheck(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table expected");
    if (is_readonly(L, 1)) return readonly_error(L);
    if (luaL_getmetafield(L, 1, "__metatable")) luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
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
    "string", "cjson", "bit", "cmsgpack", "math", "table", "struct",
    "redis", "__redis__err__handler",
    "xpcall", "tostring", "setmetatable", "next", "assert", "tonumber", "rawequal",
    "collectgarbage", "getmetatable", "rawset", "pcall", "coroutine", "type", "_G",
    "select", "unpack", "gcinfo", "pairs", "rawget", "loadstring", "ipairs", "_VERSION",
    "load", "error", NULL,
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

/* Scripts get an empty proxy as their globals table: reads fall through to
 * the real table (whose own __index raises the nonexistent-global error) and
 * writes hit __newindex, so even existing globals (redis, KEYS, type) cannot
 * be replaced. getmetatable(_G) returns a decoy so the real table stays out
 * of reach, and _G names the proxy. */
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

    lua_newtable(L); /* the decoy, shaped like Redis's globals metatable */
    int decoy = lua_gettop(L);
    lua_pushcfunction(L, rl_lua_env_missing_global);
    lua_setfield(L, -2, "__index");

    lua_newtable(L); /* the proxy */
    int proxy = lua_gettop(L);
    lua_newtable(L);
    int mt = lua_gettop(L);
    lua_pushvalue(L, real);
    lua_setfield(L, mt, "__index");
    lua_pushcfunction(L, rl_lua_env_readonly_assign);
    lua_setfield(L, mt, "__newindex");
    lua_pushvalue(L, decoy);
    lua_setfield(L, mt, "__metatable");
    lua_pushvalue(L, mt);
    lua_setmetatable(L, proxy);
    lua_pushvalue(L, mt);
    set_registry(L, &proxy_mt_key);

    lua_pushvalue(L, proxy);
    lua_setfield(L, real, "_G");

    rl_lua_env_set_readonly(L, real);
    rl_lua_env_set_readonly(L, decoy);
    rl_lua_env_set_readonly(L, proxy);
    rl_lua_env_set_readonly(L, mt);

    lua_pushvalue(L, proxy);
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
    case 0:
        lua_pushnumber(L, r);
        break;
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
    default:
        return luaL_error(L, RL_ERR_LUA_RANDOM_ARGS);
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
        n = snprintf(line, sizeof(line), "%s:%d: in function '%s'", ar->short_src,
                     ar->currentline, ar->name);
    else if (*ar->what == 'm')
        n = snprintf(line, sizeof(line), "%s:%d: in main chunk", ar->short_src,
                     ar->currentline);
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
    case LUA_TNIL:
        lua_pushliteral(L, "nil");
        break;
    case LUA_TBOOLEAN:
        lua_pushstring(L, lua_toboolean(L, idx) ? "true" : "false");
        break;
    default:
        push_registry(L, &tostring_key);
        lua_pushvalue(L, idx);
        lua_call(L, 1, 1);
        break;
    }
}

/* Library tables searched for the name of a function (see below). */
static const char *const library_tables[] = {"string", "table", "math",  "coroutine", "redis",
                                              "cjson",  "struct", "cmsgpack", "bit",   NULL};

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
 * error(), whose position depends on its level argument, and the read-only
 * error of rawset and setmetatable, which never has one. */
static void repair_tail_call_message(lua_State *L, const char *chunk, int line)
{
    lua_Debug ar;
    if (!lua_getstack(L, 1, &ar) || !lua_getinfo(L, "f", &ar)) return;
    int f = lua_gettop(L);
    push_registry(L, &error_key);
    int keep = lua_rawequal(L, -1, f) || strcmp(lua_tostring(L, 1), RL_ERR_LUA_READONLY_TABLE) == 0;
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
            int n = snprintf(frame, sizeof(frame), "%s:%d: in ? (tail call)",
                             &source[1], line);
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

/* The hook of a run. Count events enforce the time limit: once the run is
 * over it, an error table is raised and the hook re-armed on every
 * instruction so a pcall in the script cannot swallow the stop (Redis does
 * the same for SCRIPT KILL). Line events (only where the engine needs them)
 * record the last line run for the error handler. */
static void run_hook(lua_State *L, lua_Debug *ar)
{
    rl_lua_env *env = rl_lua_env_get(L);
    rl_lua_run *run = env ? env->run : NULL;
    if (!run) return;
    if (ar->event == LUA_HOOKLINE) {
        run->last_line = ar->currentline;
        if (!run->timed_out) return;
    }
    if (run->timeout_ms <= 0) return;
    if (!run->timed_out) {
        uint64_t elapsed_ms = (monotonic_ns() - run->start_ns) / 1000000ULL;
        if (elapsed_ms < (uint64_t)run->timeout_ms) return;
        run->timed_out = 1;
        lua_sethook(L, run_hook, lua_gethookmask(L), 1);
    }
    char msg[128];
    snprintf(msg, sizeof(msg), RL_ERRF_SCRIPT_TIMEOUT, (long long)run->timeout_ms);
    rl_lua_push_error_table(L, msg);
    lua_error(L);
}

void rl_lua_env_begin_run(rl_lua_env *env, rl_lua_run *run)
{
    env->run = run;
    run->start_ns = monotonic_ns();
    run->timed_out = 0;
    run->last_line = 0;
    env->emu->script_start_ms = env->emu->clock_ms;
    int mask = run->timeout_ms > 0 ? LUA_MASKCOUNT : 0;
    if (rl_engine_tail_call_drops_caller) mask |= LUA_MASKLINE;
    if (mask) lua_sethook(env->L, run_hook, mask, HOOK_COUNT);
}

void rl_lua_env_end_run(rl_lua_env *env)
{
    lua_sethook(env->L, NULL, 0, 0);
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

/* The EVAL VM, or (functions) the VM of FUNCTION / FCALL: no
 * __redis__err__handler global, no EVAL-only redis.* functions, chunks named
 * "@user_function". */
static rl_lua_env *env_new(rl_emu *emu, uint64_t *rand48, int functions)
{
    rl_lua_env *env = rl_calloc(1, sizeof(*env));
    env->emu = emu;
    env->rand48 = rand48;
    env->chunk_source = functions ? RL_LUA_FUNCTION_CHUNK_SOURCE : RL_LUA_CHUNK_SOURCE;
    lua_State *L = rl_engine_new_state(env_alloc, env);
    if (!L) {
        fprintf(stderr, "redlua: cannot create a Lua state\n");
        abort();
    }
    env->L = L;
    lua_atpanic(L, env_panic);

    lua_pushlightuserdata(L, env);
    set_registry(L, &env_key);
    lua_newtable(L); /* the read-only set, weak keys */
    lua_newtable(L);
    lua_pushstring(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    set_registry(L, &readonly_key);

    open_lib(L, "", luaopen_base);
    open_lib(L, LUA_TABLIBNAME, luaopen_table);
    open_lib(L, LUA_STRLIBNAME, luaopen_string);
    open_lib(L, LUA_MATHLIBNAME, luaopen_math);
    /* Redis's bundled libraries, in its order (lua_libs.h). Their tables are
     * read-only for rawset and setmetatable; plain assignment still works. */
    static const struct {
        const char *name;
        lua_CFunction open;
    } bundled[] = {{"cjson", rl_open_cjson},
                   {"struct", rl_open_struct},
                   {"cmsgpack", rl_open_cmsgpack},
                   {"bit", rl_open_bit}};
    for (size_t i = 0; i < sizeof(bundled) / sizeof(bundled[0]); i++) {
        open_lib(L, bundled[i].name, bundled[i].open);
        lua_getglobal(L, bundled[i].name);
        rl_lua_env_set_readonly(L, -1);
        lua_pop(L, 1);
    }
    rl_engine_prepare(L);
    drop_unlisted_globals(L);

    lua_getglobal(L, "tostring");
    set_registry(L, &tostring_key);
    lua_getglobal(L, "error");
    set_registry(L, &error_key);
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    int g = lua_gettop(L);
    set_field_cfunction(L, g, "pcall", env_pcall);
    set_field_cfunction(L, g, "rawset", env_rawset);
    set_field_cfunction(L, g, "setmetatable", env_setmetatable);
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

void rl_lua_env_free(rl_lua_env *env)
{
    if (!env) return;
    lua_close(env->L);
    rl_free(env);
}
