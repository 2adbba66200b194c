/* Engine-specific pieces for the luajit build (LuaJIT 2.1).
 *
 * lua_newstate with our own allocator: LuaJIT refuses it on 64-bit builds
 * without GC64, but Debian 12's libluajit-5.1 2.1.0~beta3 is a GC64 build and
 * accepts it (checked: every byte comes back through the allocator at
 * lua_close), so rl_mem_used() stays exact on this engine too.
 *
 * The trace compiler and the time limit. LuaJIT calls hooks only from its
 * interpreter: a loop compiled to machine code (while true do end becomes a
 * trace that never exits) never reaches the count hook, and lua_sethook
 * called from a signal handler or another thread only changes the
 * interpreter's dispatch table, so the trace runs on. What does make
 * compiled code return is LuaJIT's own profiler (luaJIT_profile_start):
 * while it runs, every trace compiled checks a flag its timer signal sets
 * (mode "l": at the trace's start and at each change of source line,
 * loops included) and exits to the interpreter, which calls the profiler's
 * callback. That callback (prof_tick) cannot raise, and hooks it sets are
 * undone when it returns, except their count: it sets the count hook's
 * count to 1, so the hook fires at the next instruction the interpreter
 * runs, checks the clock, and puts the count back
 * (rl_engine_count_event). So a timed run may use the compiler while its
 * state holds the profiler; a runaway loop is then stopped within a tick
 * (PROFILE_MODE) of the limit. Checked on Debian's 2.1.0~beta3 with
 * infinite loops of every kind (while, repeat, numeric for, nested loops,
 * tail recursion, loops in coroutines, around pcall, allocating ones;
 * tests/unit/test_lua_jit.c). There is one profiler per process: a state
 * takes it at its first timed run and keeps it until another state of the
 * same thread takes it (stopping it flushes the old holder's machine code,
 * compiled with the checks) or it is closed; a state that cannot have it
 * (held by a state of another thread) runs interpreted, the compiler off.
 * A fork's child starts the profiler again (its timer stays behind).
 * Line events and a count of 1 (coverage, metrics, a stopped run) must see
 * every line or instruction: the compiler goes off and its code is dropped.
 * A timed run of a function that can reach other Lua functions keeps a call
 * hook (stack overflows, lua_engine.h), and any hook call aborts the
 * recording of a trace: its loops that call functions (redis.call included)
 * stay interpreted under a limit. Other functions run without it
 * (rl_engine_run_begin), and their loops of C calls compile.
 * The timer counts the process's CPU time (ITIMER_PROF) and its signal
 * handler is installed with SA_RESTART; redlua's own reads and writes
 * retry on EINTR. Once the profiler has run, SIGPROF is ignored rather
 * than left to its default action (take_profiler).
 *
 * Tail calls: LuaJIT drops the caller's frame for "return f(...)" even when
 * f is a C function, so the line of a failing "return redis.call(...)" is
 * gone when the error handler runs. jit.util reads the function's bytecode
 * before the run: when every tail call (CALLT, CALLMT) is in the function
 * itself and on one line (the usual "return redis.call(...)" at the end),
 * that line is the answer and no hook is needed; otherwise a line hook
 * records the last line run, which makes the interpreter several times
 * slower, and keeps the compiler off. */
/* RTLD_NEXT, and the SYS_getrandom number. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <lauxlib.h>
#include <lualib.h>
#include <luajit.h>

#include "lua_engine.h"
#include "redlua.h"

/* LuaJIT turns "return f(...)" into a tail call even when f is a C function,
 * so the frame of the Lua code that made the call is gone when f raises. */
const int rl_engine_tail_call_drops_caller = 1;
const int rl_engine_hash_seeded = 1;
const int rl_engine_order_follows_interning = 1;

/* Registry keys: the tail-call scanner, its results per function, the
 * coverage line lister (false once building it failed), and the function
 * run last (rl_engine_runs.fn, held so its address stays its own). */
static char lines_key;
static char scan_key;
static char scanned_key;
static char last_fn_key;

const char *rl_emu_engine(void)
{
    return RL_ENGINE_NAME;
}

/* String hashing, and so pairs() order. LuaJIT 2.1 (Debian's 2.1.0~beta3
 * +git20220320 included) seeds a PRNG in lua_newstate from 32 bytes of
 * getrandom(2), asked for through libc's syscall() (lj_prng_seed_secure,
 * lj_prng.c), and derives from it the seed of its string hash and the
 * string ids its tables hash strings by (lj_str.c): pairs() over string keys
 * changes with every new state, so from run to run. Nothing else in the
 * state is random. To make runs repeatable, and vary them on purpose under
 * an order seed (redlua-test --check-determinism), the emulator defines
 * syscall() itself: while rl_engine_new_state runs, SYS_getrandom gets bytes
 * drawn from the order seed (splitmix64); any other call, or a getrandom at
 * any other time, goes to libc's syscall(). syscall() takes at most six
 * arguments after the number, passed in registers and on the stack as
 * longs, so forwarding six of them is what libc itself reads. */
long syscall(long number, ...);

static _Thread_local int seeding;
static _Thread_local uint64_t seed_state;

static uint64_t next_seed_word(void)
{
    uint64_t z = (seed_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

long syscall(long number, ...)
{
    long a[6];
    va_list ap;
    va_start(ap, number);
    for (int i = 0; i < 6; i++) a[i] = va_arg(ap, long);
    va_end(ap);
    if (number == SYS_getrandom && seeding) {
        unsigned char *buf = (unsigned char *)a[0];
        size_t len = (size_t)a[1];
        uint64_t w = 0;
        for (size_t i = 0; i < len; i++) {
            if (i % 8 == 0) w = next_seed_word();
            buf[i] = (unsigned char)(w >> (8 * (i % 8)));
        }
        return (long)len;
    }
    long (*libc_syscall)(long, ...);
    *(void **)&libc_syscall = dlsym(RTLD_NEXT, "syscall");
    return libc_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

lua_State *rl_engine_new_state(lua_Alloc alloc, void *ud, uint64_t seed)
{
    seed_state = seed ^ 0x243F6A8885A308D3ULL;
    seeding = 1;
    lua_State *L = lua_newstate(alloc, ud);
    seeding = 0;
    return L;
}

/* Builds scan(f), whose answer is ((tail + 1) * 2 + calls) * 2 + gets.
 * tail is 0 when f makes no tail call, the line of its tail calls when they
 * are all in f itself (not in a nested function) and on one line, and -1
 * otherwise. calls is 1 when f can reach a Lua function other than itself
 * (it has nested functions, or upvalues, which may hold some), the only way
 * a run can recurse without end (rl_engine_run_begin). gets is 1 when f's
 * own code reads a global (rl_engine_enter). callt, callmt and gget are
 * the opcodes of the two tail calls and of a global's read
 * (opcodes_source, run once by scanner_prepare). */
static const char scanner_source[] =
    "local funcbc, funck, funcinfo, type, callt, callmt, gget = ...\n"
    "local gets\n"
    "local function own(f)\n"
    "  local line, pc = 0, 0\n"
    "  while true do\n"
    "    local ins = funcbc(f, pc)\n"
    "    if not ins then return line end\n"
    "    local op = ins % 256\n"
    "    if op == gget then gets = 1 end\n"
    "    if op == callt or op == callmt then\n"
    "      local l = funcinfo(f, pc).currentline\n"
    "      if line ~= 0 and l ~= line then return -1 end\n"
    "      line = l\n"
    "    end\n"
    "    pc = pc + 1\n"
    "  end\n"
    "end\n"
    "local function nested(f)\n"
    "  local k = -1\n"
    "  while true do\n"
    "    local v = funck(f, k)\n"
    "    if v == nil then return false end\n"
    "    if type(v) == 'proto' and (own(v) ~= 0 or nested(v)) then return true end\n"
    "    k = k - 1\n"
    "  end\n"
    "end\n"
    "local function answer(f)\n"
    "  if nested(f) then return -1 end\n"
    "  return own(f)\n"
    "end\n"
    "return function(f)\n"
    "  local info = funcinfo(f)\n"
    "  local calls = (info.children or info.upvalues > 0) and 1 or 0\n"
    "  gets = 0\n"
    "  local tail = answer(f)\n"
    "  if tail < 0 then gets = 1 end\n"
    "  return ((tail + 1) * 2 + calls) * 2 + gets\n"
    "end\n";

/* Finds the opcodes of the tail calls, which differ between LuaJIT 2.1
 * releases: the ones "return f()" and "return f(...)" compile to and "f()"
 * and "f(...)" do not; and a global's read, the one "return x" compiles to
 * and "return 1" does not. Answers them, or nothing when that does not
 * single out one opcode each. */
static const char opcodes_source[] =
    "local funcbc = require('jit.util').funcbc\n"
    "local function ops(src)\n"
    "  local f, set, pc = loadstring(src), {}, 0\n"
    "  while true do\n"
    "    local ins = funcbc(f, pc)\n"
    "    if not ins then return set end\n"
    "    set[ins % 256] = true\n"
    "    pc = pc + 1\n"
    "  end\n"
    "end\n"
    "local function only(a, b)\n"
    "  local op\n"
    "  for k in pairs(a) do\n"
    "    if not b[k] then\n"
    "      if op then return nil end\n"
    "      op = k\n"
    "    end\n"
    "  end\n"
    "  return op\n"
    "end\n"
    "local callt = only(ops('local f return f()'), ops('local f f()'))\n"
    "local callmt = only(ops('local f return f(...)'), ops('local f f(...)'))\n"
    "local gget = only(ops('return x'), ops('return 1'))\n"
    "if callt and callmt and gget then return callt, callmt, gget end\n";

/* The scanner as stripped bytecode, and the three opcodes, made once per
 * process in a state of its own (scanner_prepare): every state loads the
 * same bytes (a new state per test case would otherwise parse the source
 * and compile the samples each time, about 240,000 instructions), and the
 * samples leave no strings in the states scripts run in. scanner_size is 0
 * when they could not be made: then there is no scanner, and every function
 * gets the line hook. */
#define SCANNER_MAX 4096
static pthread_once_t scanner_once = PTHREAD_ONCE_INIT;
static char scanner_code[SCANNER_MAX];
static size_t scanner_size;
static int scanner_callt, scanner_callmt, scanner_gget;

static void scanner_prepare(void)
{
    lua_State *L = luaL_newstate();
    if (!L) return;
    luaL_openlibs(L);
    if (luaL_loadbuffer(L, opcodes_source, sizeof(opcodes_source) - 1, "=redlua_opcodes") == 0 &&
        lua_pcall(L, 0, 3, 0) == 0 && lua_isnumber(L, -3) && lua_isnumber(L, -2) &&
        lua_isnumber(L, -1)) {
        int callt = (int)lua_tointeger(L, -3), callmt = (int)lua_tointeger(L, -2);
        int gget = (int)lua_tointeger(L, -1);
        lua_settop(L, 0);
        lua_getglobal(L, "string");
        lua_getfield(L, -1, "dump");
        if (luaL_loadbuffer(L, scanner_source, sizeof(scanner_source) - 1, "=redlua_scan") == 0) {
            lua_pushboolean(L, 1); /* stripped */
            size_t len;
            const char *code;
            if (lua_pcall(L, 2, 1, 0) == 0 && (code = lua_tolstring(L, -1, &len)) != NULL &&
                len <= SCANNER_MAX) {
                memcpy(scanner_code, code, len);
                scanner_callt = callt;
                scanner_callmt = callmt;
                scanner_gget = gget;
                scanner_size = len;
            }
        }
    }
    lua_close(L);
}

/* Builds lines(f) for line coverage: a flat array line1, final1, line2,
 * final2... over the instructions of f and of the functions nested in it
 * (each nested function first gives its first line, with 2),
 * from pc 1 (pc 0 is the function header, which is not a line of the
 * source). finalN is 1 for the last instruction of a function when it is
 * RET0. Left out, to match what PUC Lua compiles (the rule is in
 * docs/redlua-test.md, "Coverage"): LOOP, a marker for the trace compiler
 * that PUC Lua has no counterpart for ("repeat", "while true do"), and the
 * nil loads a function starts with, which PUC Lua omits (registers start
 * nil there). Opcodes are found by compiling samples, as scanner_prepare does:
 * RET0 ends an empty chunk, KPRI nil is "local a", KNIL "local a, b",
 * LOOP starts "repeat until x". */
static const char lines_source[] =
    "local funcbc, funck, funcinfo, loadstring, type = ...\n"
    "local function first(src) return funcbc(loadstring(src), 1) end\n"
    "local ret0, loop = first('') % 256, first('repeat until x') % 256\n"
    "local kpri = first('local a')\n"
    "local knil = first('local a, b') % 256\n"
    "local function is_nil(ins)\n"
    "  return ins % 256 == knil or (ins % 256 == kpri % 256 and\n"
    "    (ins - ins % 65536) == (kpri - kpri % 65536))\n"
    "end\n"
    "local function walk(f, out, nested)\n"
    "  if nested then\n"
    "    out[#out + 1] = funcinfo(f).linedefined\n"
    "    out[#out + 1] = 2\n"
    "  end\n"
    "  local pc, start = 1, true\n"
    "  while true do\n"
    "    local ins = funcbc(f, pc)\n"
    "    if not ins then break end\n"
    "    start = start and is_nil(ins)\n"
    "    if not start and ins % 256 ~= loop then\n"
    "      out[#out + 1] = funcinfo(f, pc).currentline\n"
    "      out[#out + 1] = (ins % 256 == ret0 and not funcbc(f, pc + 1)) and 1 or 0\n"
    "    end\n"
    "    pc = pc + 1\n"
    "  end\n"
    "  local k = -1\n"
    "  while true do\n"
    "    local v = funck(f, k)\n"
    "    if v == nil then return out end\n"
    "    if type(v) == 'proto' then walk(v, out, true) end\n"
    "    k = k - 1\n"
    "  end\n"
    "end\n"
    "return function(f) return walk(f, {}) end\n";

/* Pushes the jit.util module (from _PRELOAD: the states' globals are
 * behind the sandbox) and answers 1, or answers 0 with whatever the way
 * there left on the stack; callers reset the stack either way. */
static int push_jit_util(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "_PRELOAD");
    if (lua_istable(L, -1)) lua_getfield(L, -1, "jit.util");
    return lua_isfunction(L, -1) && lua_pcall(L, 0, 1, 0) == 0 && lua_istable(L, -1);
}

/* type(), in C: the state's own globals may be behind the sandbox when the
 * scanner or the lines lister is built. */
static int c_type(lua_State *L)
{
    lua_pushstring(L, luaL_typename(L, 1));
    return 1;
}

/* Opens the jit library, which sets the compiler's flags and parameters
 * (jit_init: without it the compiler never runs) and turns it on;
 * rl_engine_prepare turns it off right after (rl_engine_runs.jit starts at
 * 0). Its tables, jit and jit.opt, are dropped: scripts never see them (not
 * a global of Redis's), and a test case's restore would copy them back
 * every time. jit.util, which the scanner and the lines lister read, stays
 * as its loader in _PRELOAD (push_jit_util). */
static void open_jit(lua_State *L)
{
    lua_pushcfunction(L, luaopen_jit);
    lua_call(L, 0, 0);
    lua_pushnil(L);
    lua_setfield(L, LUA_GLOBALSINDEX, LUA_JITLIBNAME);
    lua_getfield(L, LUA_REGISTRYINDEX, "_LOADED");
    if (lua_istable(L, -1)) {
        lua_pushnil(L);
        lua_setfield(L, -2, LUA_JITLIBNAME);
        lua_pushnil(L);
        lua_setfield(L, -2, LUA_JITLIBNAME ".opt");
    }
    lua_pop(L, 1);
}

/* Stores the scanner under scan_key (nothing when jit.util or the
 * scanner's bytecode cannot be had: then every function gets the line
 * hook), and the table of its answers under scanned_key. Built by the
 * first scan a state needs (scan): the EVAL state's scripts come with
 * their answers (rl_engine_load_script), so it never builds one and never
 * holds its strings and tables. */
static void build_scanner(lua_State *L)
{
    int top = lua_gettop(L);
    pthread_once(&scanner_once, scanner_prepare);
    if (scanner_size > 0 && push_jit_util(L) &&
        luaL_loadbuffer(L, scanner_code, scanner_size, "=redlua_scan") == 0) {
        lua_getfield(L, -2, "funcbc");
        lua_getfield(L, -3, "funck");
        lua_getfield(L, -4, "funcinfo");
        lua_pushcfunction(L, c_type);
        lua_pushinteger(L, scanner_callt);
        lua_pushinteger(L, scanner_callmt);
        lua_pushinteger(L, scanner_gget);
        if (lua_pcall(L, 7, 1, 0) == 0 && lua_isfunction(L, -1)) {
            lua_pushlightuserdata(L, &scan_key);
            lua_insert(L, -2);
            lua_rawset(L, LUA_REGISTRYINDEX);
        }
    }
    lua_settop(L, top);
    /* The results, per function, weak-keyed so scripts can be collected. */
    lua_pushlightuserdata(L, &scanned_key);
    lua_newtable(L);
    lua_newtable(L);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawset(L, LUA_REGISTRYINDEX);
}

/* rl_engine_load_script's scripts by key, per thread: the scanner's answer
 * and the chunk's bytecode. Direct-mapped: a slot holds the last key that
 * hashed to it. A chunk's bytecode over SCRIPT_CODE_MAX is not kept (the
 * script is then compiled from its source every time). */
#define SCRIPT_CACHE_SLOTS 256
#define SCRIPT_KEY_MAX 64
#define SCRIPT_NAME_MAX 32
#define SCRIPT_CODE_MAX (64 * 1024)

typedef struct script_slot {
    char key[SCRIPT_KEY_MAX + 1];   /* "" when unused */
    char name[SCRIPT_NAME_MAX + 1]; /* the chunkname it was compiled with */
    int hint;
    char *code; /* malloc'd: the emulator's memory accounting is not for this */
    size_t code_len;
} script_slot;

static _Thread_local script_slot script_cache[SCRIPT_CACHE_SLOTS];

/* A thread that kept bytecode frees it as it exits: the key's value is its
 * cache, set when the thread keeps its first chunk. */
static pthread_key_t script_cache_key;
static pthread_once_t script_cache_once = PTHREAD_ONCE_INIT;

static void script_cache_free(void *cache)
{
    script_slot *slots = cache;
    for (int i = 0; i < SCRIPT_CACHE_SLOTS; i++) {
        free(slots[i].code);
        slots[i].code = NULL;
        slots[i].key[0] = '\0';
    }
}

static void script_cache_key_make(void)
{
    pthread_key_create(&script_cache_key, script_cache_free);
}

static void script_cache_watch(void)
{
    pthread_once(&script_cache_once, script_cache_key_make);
    if (!pthread_getspecific(script_cache_key)) pthread_setspecific(script_cache_key, script_cache);
}

/* The slot for key, or NULL when key or chunkname is too long to keep. */
static script_slot *script_slot_for(const char *key, const char *chunkname)
{
    size_t len = strlen(key);
    if (len == 0 || len > SCRIPT_KEY_MAX || strlen(chunkname) > SCRIPT_NAME_MAX) return NULL;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)key[i]) * 16777619u;
    return &script_cache[h % SCRIPT_CACHE_SLOTS];
}

typedef struct code_buf {
    char *p;
    size_t len, cap;
    int over; /* past SCRIPT_CODE_MAX, or out of memory */
} code_buf;

static int code_write(lua_State *L, const void *p, size_t sz, void *ud)
{
    (void)L;
    code_buf *b = ud;
    if (b->over) return 1;
    if (b->len + sz > SCRIPT_CODE_MAX) {
        b->over = 1;
        return 1;
    }
    if (b->len + sz > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + sz) cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) {
            b->over = 1;
            return 1;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, sz);
    b->len += sz;
    return 0;
}

typedef struct code_reader {
    const char *p;
    size_t len;
} code_reader;

static const char *code_read(lua_State *L, void *ud, size_t *size)
{
    (void)L;
    code_reader *r = ud;
    *size = r->len;
    r->len = 0;
    return *size ? r->p : NULL;
}

static int scan(lua_State *L, int idx);

/* Compiles src in a state of its own: its hint (0: none) and, in *code,
 * its bytecode with debug information (empty when it cannot be had). */
static int compile_apart(const char *src, size_t len, const char *chunkname,
                         int (*load)(lua_State *, const char *, size_t, const char *),
                         code_buf *code)
{
    pthread_once(&scanner_once, scanner_prepare);
    /* Without a scanner the script's state answers "line hook" for every
     * function: no hint, and no state made to find that out. */
    if (scanner_size == 0) return 0;
    lua_State *L = luaL_newstate();
    if (!L) return 0;
    int hint = 0;
    open_jit(L);
    build_scanner(L);
    lua_pushlightuserdata(L, &scan_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    int have_scanner = lua_isfunction(L, -1);
    lua_pop(L, 1);
    if (have_scanner && load(L, src, len, chunkname) == 0) {
        int fn = lua_gettop(L);
        hint = scan(L, fn) + 1;
        lua_settop(L, fn);
        if (lua_dump(L, code_write, code) != 0 || code->over) code->len = 0;
    }
    lua_close(L);
    return hint;
}

int rl_engine_load_script(lua_State *L, const char *key, const char *src, size_t len,
                          const char *chunkname,
                          int (*load)(lua_State *, const char *, size_t, const char *), int *hint)
{
    script_slot *slot = script_slot_for(key, chunkname);
    if (!slot || strcmp(slot->key, key) != 0 || strcmp(slot->name, chunkname) != 0) {
        code_buf code = { 0 };
        int h = compile_apart(src, len, chunkname, load, &code);
        if (!code.len) {
            free(code.p);
            code.p = NULL;
        }
        if (!slot || h == 0) {
            free(code.p);
            *hint = h;
            return load(L, src, len, chunkname);
        }
        script_cache_watch();
        free(slot->code);
        strcpy(slot->key, key);
        strcpy(slot->name, chunkname);
        slot->hint = h;
        slot->code = code.p;
        slot->code_len = code.len;
    }
    *hint = slot->hint;
    if (slot->code) {
        code_reader r = { slot->code, slot->code_len };
        if (lua_load(L, code_read, &r, chunkname) == 0) return 0;
        lua_pop(L, 1);
    }
    return load(L, src, len, chunkname);
}

void rl_engine_new_array(lua_State *L, int n)
{
    (void)n;
    lua_newtable(L);
}

/* LuaJIT's table grows as the elements come, each count its own way. */
int rl_engine_array_capacity(int n)
{
    return n;
}

/* LuaJIT 2.1's GCtab and GCstr (lj_obj.h) of a GC64 build, mirrored to
 * read what the C API does not give: a table's shape, for scripts.c's
 * reuse of KEYS and ARGV (a walk with lua_next, lua_type and lua_settop
 * otherwise, about 6% of a two-command script's time by perf), and a
 * string's bytes in place. A GC64 value is 64 bits: nil is all ones, and
 * a string is its GCstr pointer under a 17-bit tag (itype, the top bits
 * shifted down with the sign, LJ_TSTR = ~4). The array part holds keys
 * 0..asize-1 (slot 0 is t[0]); hmask is 0 exactly when the table has no
 * hash part (node is then the state's nilnode). The mirror is checked once
 * (calibrate) in a state of its own, which also records the array part a
 * table made by rl_engine_new_array and filled with 1..n has, for each n
 * up to MIRROR_MAX_N; if anything differs (a 32-bit reference build, a
 * changed layout), the readers say they cannot tell and the caller walks. */
#define MIRROR_MAX_N 64
#define MIRROR_TSTR 0xFFFFFFFBu /* ~4u */
#define MIRROR_TTAB 11u         /* (uint8_t)~LJ_TTAB, a table's gct */

typedef struct mirror_gctab {
    const void *nextgc;
    uint8_t marked, gct, nomm;
    int8_t colo;
    const int64_t *array;
    const void *gclist;
    const void *metatable;
    const void *node;
    uint32_t asize, hmask;
    const void *freetop;
} mirror_gctab;

static pthread_once_t shape_once = PTHREAD_ONCE_INIT;
static int mirror_ok;
static size_t str_offset;                      /* where a string's bytes start */
static size_t str_len_offset;                  /* its MSize length, in the header */
static uint32_t fresh_asize[MIRROR_MAX_N + 1]; /* per count, a new array's asize */

static const mirror_gctab *table_at(lua_State *L, int idx)
{
    return (const mirror_gctab *)lua_topointer(L, idx);
}

/* The string slot v holds, or NULL. */
static const char *slot_string(int64_t v)
{
    if ((uint32_t)(v >> 47) != MIRROR_TSTR) return NULL;
    return (const char *)(uintptr_t)((uint64_t)v & (((uint64_t)1 << 47) - 1));
}

/* The header's 32-bit word at off, for the two strings pushed at -2 and -1
 * (their lengths differ): the offset of the length is the one word that
 * holds both lengths. */
static int find_len_offset(lua_State *L, size_t header, size_t *at)
{
    size_t la, lb;
    const char *a = lua_tolstring(L, -2, &la), *b = lua_tolstring(L, -1, &lb);
    int found = 0;
    for (size_t off = 8; off + 4 <= header; off += 4) {
        uint32_t wa, wb;
        memcpy(&wa, a - header + off, 4);
        memcpy(&wb, b - header + off, 4);
        if (wa == la && wb == lb) {
            *at = off;
            found++;
        }
    }
    return found == 1;
}

static void calibrate(void)
{
    if (sizeof(void *) != 8 || sizeof(mirror_gctab) != 64) return;
    lua_State *L = luaL_newstate();
    if (!L) return;
    lua_newtable(L);
    const mirror_gctab *e = table_at(L, 1);
    lua_createtable(L, 4, 0); /* keys 0..4 */
    const mirror_gctab *a = table_at(L, 2);
    int ok = e->gct == MIRROR_TTAB && a->gct == MIRROR_TTAB && !e->metatable && !a->metatable &&
        e->asize == 0 && e->hmask == 0 && a->asize == 5 && a->hmask == 0 && a->node == e->node;
    if (ok) {
        lua_pushliteral(L, "x");
        lua_rawseti(L, 2, 1);
        ok = slot_string(a->array[1]) != NULL && a->array[0] == -1 && a->array[2] == -1 &&
            a->array[4] == -1;
    }
    if (ok) {
        lua_pushliteral(L, "v");
        lua_setfield(L, 2, "k"); /* a hash part */
        ok = a->hmask != 0 && a->node != e->node;
    }
    if (ok) {
        lua_pushvalue(L, 1);
        lua_setmetatable(L, 2);
        ok = a->metatable == e;
    }
    /* The string in a's slot 1: its bytes where lua_tolstring finds them,
     * its length in its header. */
    size_t off = 0, len_off = 0;
    if (ok) {
        const char *ts = slot_string(a->array[1]);
        lua_rawgeti(L, 2, 1);
        size_t len;
        const char *bytes = lua_tolstring(L, -1, &len);
        off = (size_t)(bytes - ts);
        ok = ts[9] == 4 /* (uint8_t)~LJ_TSTR, a string's gct */ && len == 1 && off >= 16 &&
            off <= 64;
        lua_pushliteral(L, "a string of thirty-seven bytes, or so");
        ok = ok && find_len_offset(L, off, &len_off);
    }
    /* What a new array of each count looks like once filled. */
    for (int n = 0; ok && n <= MIRROR_MAX_N; n++) {
        rl_engine_new_array(L, n);
        for (int i = 1; i <= n; i++) {
            lua_pushliteral(L, "v");
            lua_rawseti(L, -2, i);
        }
        const mirror_gctab *t = table_at(L, -1);
        ok = t->hmask == 0 && !t->metatable && t->asize <= 2 * (uint32_t)n + 2;
        fresh_asize[n] = t->asize;
        lua_pop(L, 1);
    }
    if (ok) {
        str_offset = off;
        str_len_offset = len_off;
        mirror_ok = 1;
    }
    lua_close(L);
}

/* 1 when the mirror matches the library (calibrated on first use; the
 * flag read first spares a run pthread_once's call, twice per script). */
static int mirrored(void)
{
    static int calibrated;
    if (__atomic_load_n(&calibrated, __ATOMIC_ACQUIRE)) return mirror_ok;
    pthread_once(&shape_once, calibrate);
    __atomic_store_n(&calibrated, 1, __ATOMIC_RELEASE);
    return mirror_ok;
}

int rl_engine_array_shape(lua_State *L, int idx, int cap, int from)
{
    if (cap < 0 || cap > MIRROR_MAX_N || !mirrored()) return -1;
    const mirror_gctab *t = table_at(L, idx);
    if (t->metatable || t->hmask != 0 || t->asize != fresh_asize[cap]) return 0;
    /* Slot 0 (t[0]) and every slot past from hold nil, as in a new one. */
    if (t->asize > 0 && t->array[0] != -1) return 0;
    for (uint32_t i = (uint32_t)from + 1; i < t->asize; i++)
        if (t->array[i] != -1) return 0;
    return 1;
}

int rl_engine_array_holds(lua_State *L, int idx, int j, const char *p, size_t len)
{
    if (!mirrored()) return 0;
    const mirror_gctab *t = table_at(L, idx);
    if (j < 1 || (uint32_t)j >= t->asize) return 0;
    const char *ts = slot_string(t->array[j]);
    if (!ts) return 0;
    uint32_t have;
    memcpy(&have, ts + str_len_offset, sizeof(have));
    return have == len && memcmp(ts + str_offset, p, len) == 0;
}

int rl_engine_table_has_hash(lua_State *L, int idx)
{
    if (!mirrored()) return -1;
    return table_at(L, idx)->hmask != 0;
}

void rl_engine_prepare(lua_State *L)
{
    open_jit(L);
    luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF);
}

/* The scanner's answer for the function at idx, which has none cached in
 * this state: ((tail + 1) * 2 + calls) * 2 + gets (scanner_source). */
static int scan(lua_State *L, int idx)
{
    lua_pushlightuserdata(L, &scanned_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        build_scanner(L);
        lua_pushlightuserdata(L, &scanned_key);
        lua_rawget(L, LUA_REGISTRYINDEX);
    }
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    int code = 3; /* tail -1, calls 1, gets 1: the hooks that need no scan */
    if (lua_isnumber(L, -1)) {
        code = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
    } else {
        lua_pop(L, 1);
        lua_pushlightuserdata(L, &scan_key);
        lua_rawget(L, LUA_REGISTRYINDEX);
        if (lua_isfunction(L, -1)) {
            lua_pushvalue(L, idx);
            if (lua_pcall(L, 1, 1, 0) == 0 && lua_isnumber(L, -1)) code = (int)lua_tointeger(L, -1);
        }
        lua_pop(L, 1);
        lua_pushvalue(L, idx);
        lua_pushinteger(L, code);
        lua_rawset(L, -3);
    }
    lua_pop(L, 1);
    return code;
}

/* Reads a scanner's answer (scanner_source) into runs; returns tail. */
static int take_answer(rl_engine_runs *runs, int code)
{
    runs->gets = code % 2;
    runs->calls = code / 2 % 2;
    return code / 4 - 1;
}

/* What the scanner says of the Lua function at idx (its tail calls: 0, a
 * line, or -1; in runs->calls whether it can reach other Lua functions; in
 * runs->gets whether it reads globals): hint - 1 when hint is given, else a
 * scan in L, cached per function; and for the function run last in runs:
 * a test suite runs the same script over and over, and the registry
 * lookups cost about 430 instructions a run. */
static int tail_calls(lua_State *L, rl_engine_runs *runs, int idx, int hint)
{
    if (hint > 0) {
        runs->fn = NULL; /* runs->calls and runs->gets are the hint's now */
        return take_answer(runs, hint - 1);
    }
    if (idx < 0 && idx > LUA_REGISTRYINDEX) idx = lua_gettop(L) + idx + 1;
    const void *fn = lua_topointer(L, idx);
    if (fn && fn == runs->fn) return runs->tail;
    if (!lua_isfunction(L, idx) || lua_iscfunction(L, idx)) {
        runs->calls = 1;
        runs->gets = 1;
        return 0;
    }
    int answer = take_answer(runs, scan(L, idx));
    lua_pushlightuserdata(L, &last_fn_key);
    lua_pushvalue(L, idx);
    lua_rawset(L, LUA_REGISTRYINDEX);
    runs->fn = fn;
    runs->tail = answer;
    return answer;
}

/* The compiler off and its machine code dropped, if it was on. */
static void jit_off(lua_State *L, rl_engine_runs *runs)
{
    if (!runs->jit) return;
    luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF);
    luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_FLUSH);
    runs->jit = 0;
}

/* The compiler on, if it was off. */
static void jit_on(lua_State *L, rl_engine_runs *runs)
{
    if (runs->jit) return;
    luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_ON);
    runs->jit = 1;
}

int rl_engine_run_begin(lua_State *L, rl_engine_runs *runs, int idx, int timed, int hint,
                        int *tail_line)
{
    int t = tail_calls(L, runs, idx, hint);
    *tail_line = t > 0 ? t : 0;
    if (t < 0) return LUA_MASKCALL | LUA_MASKLINE;
    if (timed) return runs->calls ? LUA_MASKCALL : 0;
    jit_on(L, runs);
    return 0;
}

/* The entry's source: a fixed-argument function holding the chunk as its
 * upvalue (one prototype per chunk, so each script gets traces of its own
 * instead of side traces of one shared entry). */
static const char entry_source[] = "local f = ... return function() return f() end";

void rl_engine_enter(lua_State *L, const rl_engine_runs *runs, int *entry_ref)
{
    if (!runs->jit || runs->calls || !runs->gets || (runs->mask & (LUA_MASKCALL | LUA_MASKLINE)) ||
        runs->count == 1)
        return;
    /* A script run once (a test case's, in a state of its own) would pay
     * the entry's compile for nothing: the first run only marks it seen. */
    if (*entry_ref == LUA_NOREF) {
        *entry_ref = LUA_REFNIL;
        return;
    }
    if (*entry_ref == LUA_REFNIL) {
        if (luaL_loadbuffer(L, entry_source, sizeof(entry_source) - 1, "=redlua_entry") != 0) {
            lua_pop(L, 1);
            return;
        }
        lua_pushvalue(L, -2);
        if (lua_pcall(L, 1, 1, 0) != 0 || !lua_isfunction(L, -1)) {
            lua_pop(L, 1); /* out of memory: the chunk runs as it is */
            return;
        }
        *entry_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, *entry_ref);
    lua_replace(L, -2);
}

void rl_engine_function_made(lua_State *L, rl_engine_runs *runs)
{
    if ((runs->mask & LUA_MASKCOUNT) && !(runs->mask & LUA_MASKCALL))
        rl_engine_sethook(L, runs, runs->hook, runs->mask | LUA_MASKCALL, runs->count);
}

/* The profiler's interval and mode: a check at every change of line in
 * compiled code, a tick every 10 ms of CPU time. */
#define PROFILE_MODE "li10"

/* The state holding LuaJIT's profiler and its thread; NULL when none does.
 * prof_L is read without the lock only to compare it with the reader's own
 * state, which no other thread can make it become or stop being. */
static pthread_mutex_t prof_lock = PTHREAD_MUTEX_INITIALIZER;
static lua_State *prof_L;
static pthread_t prof_thread;
/* Set in the child of a fork: interval timers do not come along, so the
 * holder's profiler no longer ticks there and must be started again. */
static int prof_stale;
static pthread_once_t prof_once = PTHREAD_ONCE_INIT;

static void prof_after_fork(void)
{
    prof_stale = 1;
}

static void prof_watch_forks(void)
{
    pthread_atfork(NULL, NULL, prof_after_fork);
}

/* The profiler's callback, called by the interpreter once compiled code
 * left on a tick: brings the count hook forward (see the top of the file).
 * Outside a timed run there is no count hook and nothing to do. */
static void prof_tick(void *data, lua_State *L, int samples, int vmstate)
{
    rl_engine_runs *runs = data;
    (void)samples;
    (void)vmstate;
    if (!runs->hook || !(runs->mask & LUA_MASKCOUNT) || runs->count <= 1) return;
    runs->tick = 1;
    lua_sethook(L, runs->hook, runs->mask, 1);
}

/* 1 when L holds the profiler, taking it when it is free or held by a
 * state of this thread. */
static int take_profiler(lua_State *L, rl_engine_runs *runs)
{
    if (__atomic_load_n(&prof_L, __ATOMIC_RELAXED) == L && !prof_stale) return 1;
    pthread_once(&prof_once, prof_watch_forks);
    int taken = 0;
    pthread_mutex_lock(&prof_lock);
    if (!prof_L || pthread_equal(prof_thread, pthread_self())) {
        if (prof_L) luaJIT_profile_stop(prof_L);
        /* Stopping puts back the SIGPROF action found at the start. A tick
         * already on its way can still arrive after that (under valgrind,
         * which queues signals, it did), and SIGPROF's default action ends
         * the process: so a default action becomes "ignore" first. An
         * action the program set itself is left to it. */
        struct sigaction cur;
        if (sigaction(SIGPROF, NULL, &cur) == 0 && !(cur.sa_flags & SA_SIGINFO) &&
            cur.sa_handler == SIG_DFL)
            signal(SIGPROF, SIG_IGN);
        luaJIT_profile_start(L, PROFILE_MODE, prof_tick, runs);
        __atomic_store_n(&prof_L, L, __ATOMIC_RELAXED);
        prof_stale = 0;
        prof_thread = pthread_self();
        taken = 1;
    }
    pthread_mutex_unlock(&prof_lock);
    return taken;
}

void rl_engine_sethook(lua_State *L, rl_engine_runs *runs, lua_Hook hook, int mask, int count)
{
    rl_engine_set_if_changed(L, runs, hook, mask, count);
    runs->tick = 0;
    if ((mask & LUA_MASKLINE) || ((mask & LUA_MASKCOUNT) && count <= 1)) jit_off(L, runs);
    else if ((mask & LUA_MASKCOUNT) && take_profiler(L, runs)) jit_on(L, runs);
    else if (mask & LUA_MASKCOUNT) jit_off(L, runs);
}

void rl_engine_count_event(lua_State *L, rl_engine_runs *runs)
{
    if (!runs->tick) return;
    runs->tick = 0;
    lua_sethook(L, runs->hook, runs->mask, runs->count);
}

void rl_engine_close(lua_State *L, rl_engine_runs *runs)
{
    (void)runs;
    if (__atomic_load_n(&prof_L, __ATOMIC_RELAXED) != L) return;
    pthread_mutex_lock(&prof_lock);
    luaJIT_profile_stop(L);
    __atomic_store_n(&prof_L, NULL, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&prof_lock);
}

/* A test case per restored state: the profiler is started (two
 * sigactions and a setitimer) and stopped (as many) once per state, not
 * once per case. The snapshot holds the compiler's profiling mode ("l"),
 * so a restored state still compiles traces with the profiler's checks. */
void rl_engine_before_snapshot(lua_State *L, rl_engine_runs *runs)
{
    runs->snap_prof = take_profiler(L, runs);
}

void rl_engine_before_restore(lua_State *L, rl_engine_runs *runs)
{
    if (!runs->snap_prof) rl_engine_close(L, runs);
    luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_FLUSH);
}

static void no_hook(lua_State *L, lua_Debug *ar)
{
    (void)L;
    (void)ar;
}

/* A tick (profile_trigger in lj_profile.c) sets the profile hook bit in
 * the state's hook mask and rewrites the dispatch table; one that came
 * while the copy was put back can leave both half old, half new. Setting
 * an instruction hook and taking it away again rewrites the whole table
 * from the mask, whatever it holds. */
void rl_engine_after_restore(lua_State *L, rl_engine_runs *runs)
{
    if (!runs->snap_prof) return;
    lua_sethook(L, no_hook, LUA_MASKCOUNT, 1000000);
    lua_sethook(L, runs->hook, runs->mask, runs->count);
}

/* Counts the traces by jit.util.traceinfo, which answers nil past the last
 * one; trace numbers are reused from 1 after a flush. */
int rl_engine_traces(lua_State *L)
{
    int top = lua_gettop(L), n = 0;
    if (push_jit_util(L)) {
        lua_getfield(L, -1, "traceinfo");
        for (int i = 1; lua_isfunction(L, -1); i++) {
            lua_pushvalue(L, -1);
            lua_pushinteger(L, i);
            if (lua_pcall(L, 1, 1, 0) != 0 || lua_isnil(L, -1)) break;
            lua_pop(L, 1);
            n = i;
        }
    }
    lua_settop(L, top);
    return n;
}

/* loadstring for the lines lister, in C: the state's own globals are
 * behind the sandbox by the time it is built. */
static int lines_loadstring(lua_State *L)
{
    size_t len;
    const char *src = luaL_checklstring(L, 1, &len);
    if (luaL_loadbuffer(L, src, len, "=redlua_sample") != 0) lua_pushnil(L);
    return 1;
}

/* Builds the lines lister under lines_key, the first time coverage needs
 * it: building it interns strings, and LuaJIT hashes table keys by the
 * order strings were made in, so a state that never computes coverage
 * keeps exactly the pairs() order it had without it. */
static void build_lines(lua_State *L)
{
    int top = lua_gettop(L);
    lua_pushlightuserdata(L, &lines_key);
    lua_pushboolean(L, 0); /* tried, whatever the outcome */
    lua_rawset(L, LUA_REGISTRYINDEX);
    if (push_jit_util(L) &&
        luaL_loadbuffer(L, lines_source, sizeof(lines_source) - 1, "=redlua_lines") == 0) {
        lua_getfield(L, -2, "funcbc");
        lua_getfield(L, -3, "funck");
        lua_getfield(L, -4, "funcinfo");
        lua_pushcfunction(L, lines_loadstring);
        lua_pushcfunction(L, c_type);
        if (lua_pcall(L, 5, 1, 0) == 0 && lua_isfunction(L, -1)) {
            lua_pushlightuserdata(L, &lines_key);
            lua_insert(L, -2);
            lua_rawset(L, LUA_REGISTRYINDEX);
        }
    }
    lua_settop(L, top);
}

void rl_engine_code_lines(lua_State *L, rl_engine_line_fn line, void *ud)
{
    int top = lua_gettop(L);
    lua_pushlightuserdata(L, &lines_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        build_lines(L);
        lua_pushlightuserdata(L, &lines_key);
        lua_rawget(L, LUA_REGISTRYINDEX);
    }
    if (lua_isfunction(L, -1)) {
        lua_pushvalue(L, top);
        if (lua_pcall(L, 1, 1, 0) == 0 && lua_istable(L, -1)) {
            int n = (int)lua_objlen(L, -1);
            for (int i = 1; i + 1 <= n; i += 2) {
                lua_rawgeti(L, -1, i);
                lua_rawgeti(L, -2, i + 1);
                line(ud, (int)lua_tointeger(L, -2), (int)lua_tointeger(L, -1));
                lua_pop(L, 2);
            }
        }
    }
    lua_settop(L, top);
}
