/* Engine-specific pieces for the lua51 build: PUC Lua 5.1.5, the interpreter
 * Redis embeds, so nothing needs adjusting.
 *
 * Line coverage reads the line of every instruction from the function's
 * binary chunk (lua_dump): Lua 5.1's C API has no way to reach the
 * prototypes of nested functions that have not been instantiated, but the
 * dump holds them all, with their line info (Lua 5.1's ldump.c, never
 * stripped). */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

#include "lua_engine.h"
#include "mem.h"
#include "redlua.h"

const int rl_engine_tail_call_drops_caller = 0;
const int rl_engine_hash_seeded = 0;
const int rl_engine_order_follows_interning = 0;

const char *rl_emu_engine(void)
{
    return RL_ENGINE_NAME;
}

lua_State *rl_engine_new_state(lua_Alloc alloc, void *ud, uint64_t seed)
{
    (void)seed;
    return lua_newstate(alloc, ud);
}

int rl_engine_array_capacity(int n)
{
    /* Lua 5.1's rehash gives the array part the largest power of two that
     * is more than half full, for 1..n the next one at or above n. */
    int size = 0;
    if (n > 0) {
        size = 1;
        while (size < n && size <= INT_MAX / 2) size *= 2;
        if (size < n) size = n;
    }
    return size;
}

void rl_engine_new_array(lua_State *L, int n)
{
    lua_createtable(L, rl_engine_array_capacity(n), 0);
}

/* --- The shape of a table -----------------------------------------------
 * Lua 5.1.5's Table (lobject.h), mirrored to read the fields that tell a
 * table's shape, which the C API does not give. scripts.c reuses the KEYS
 * and ARGV tables of the previous run when the script left them as they
 * were made; asking through the API takes a walk with lua_next, about
 * 1,000 instructions of a four-argument script. The mirror is checked once
 * (calibrate) against tables whose shape is known, in a state of its own;
 * if the library's layout differs, rl_engine_array_shape says -1 and the
 * caller walks. */
typedef struct {
    union {
        void *p;
        lua_Number n;
    } value;
    int tt;
} mirror_tvalue;

typedef struct mirror_table {
    void *next;
    unsigned char tt, marked, flags, lsizenode;
    const struct mirror_table *metatable;
    const mirror_tvalue *array;
    const void *node; /* the library's one dummy node while it has no hash part */
    const void *lastfree;
    const void *gclist;
    int sizearray;
} mirror_table;

/* Lua 5.1.5's TString: a header, then the bytes (getstr). */
typedef struct {
    void *next;
    unsigned char tt, marked, reserved;
    unsigned int hash;
    size_t len;
} mirror_tstring;

static pthread_once_t shape_once = PTHREAD_ONCE_INIT;
static const void *dummy_node; /* NULL: the mirror does not match */
static size_t str_offset;      /* where a string's bytes start in its TString */

static const mirror_table *table_at(lua_State *L, int idx)
{
    return (const mirror_table *)lua_topointer(L, idx);
}

static void calibrate(void)
{
    lua_State *L = luaL_newstate();
    if (!L) return;
    lua_newtable(L);
    const mirror_table *e = table_at(L, 1);
    lua_createtable(L, 4, 0);
    const mirror_table *a = table_at(L, 2);
    const void *dummy = e->node;
    int ok = e->tt == LUA_TTABLE && a->tt == LUA_TTABLE && !e->metatable && !a->metatable &&
        e->sizearray == 0 && a->sizearray == 4 && e->lsizenode == 0 && a->node == dummy;
    if (ok) {
        lua_pushliteral(L, "x");
        lua_rawseti(L, 2, 1);
        ok = a->array[0].tt == LUA_TSTRING && a->array[1].tt == LUA_TNIL &&
            a->array[3].tt == LUA_TNIL && a->node == dummy;
    }
    if (ok) {
        lua_pushliteral(L, "v");
        lua_setfield(L, 2, "k");                    /* a hash part */
        ok = a->node != dummy && a->sizearray == 1; /* rehashed: only [1] is set */
    }
    if (ok) {
        lua_pushvalue(L, 1);
        lua_setmetatable(L, 2);
        ok = a->metatable == e;
    }
    if (ok) {
        lua_createtable(L, 0, 0);
        ok = table_at(L, -1)->node == dummy;
    }
    /* The string in a's first slot: its header's length, and its bytes
     * where lua_tolstring finds them. */
    size_t off = 0;
    if (ok) {
        const mirror_tstring *ts = a->array[0].value.p;
        lua_rawgeti(L, 2, 1);
        size_t len;
        const char *bytes = lua_tolstring(L, -1, &len);
        off = (size_t)(bytes - (const char *)ts);
        ok = ts && ts->tt == LUA_TSTRING && ts->len == 1 && len == 1 &&
            off >= sizeof(mirror_tstring) && off <= 2 * sizeof(mirror_tstring);
    }
    if (ok) {
        str_offset = off;
        dummy_node = dummy;
    }
    lua_close(L);
}

/* 1 when the mirror matches the library (calibrated on first use). */
static int mirrored(void)
{
    pthread_once(&shape_once, calibrate);
    return dummy_node != NULL;
}

int rl_engine_array_shape(lua_State *L, int idx, int cap, int from)
{
    if (!mirrored()) return -1;
    const mirror_table *t = table_at(L, idx);
    if (t->metatable || t->sizearray != cap || t->node != dummy_node) return 0;
    for (int i = from; i < cap; i++)
        if (t->array[i].tt != LUA_TNIL) return 0;
    return 1;
}

int rl_engine_array_holds(lua_State *L, int idx, int j, const char *p, size_t len)
{
    if (!mirrored()) return 0;
    const mirror_table *t = table_at(L, idx);
    if (j < 1 || j > t->sizearray || t->array[j - 1].tt != LUA_TSTRING) return 0;
    const mirror_tstring *ts = t->array[j - 1].value.p;
    return ts->len == len && memcmp((const char *)ts + str_offset, p, len) == 0;
}

int rl_engine_table_has_hash(lua_State *L, int idx)
{
    if (!mirrored()) return -1;
    return table_at(L, idx)->node != dummy_node;
}

void rl_engine_prepare(lua_State *L)
{
    (void)L;
}

void rl_engine_function_made(lua_State *L, rl_engine_runs *runs)
{
    (void)L;
    (void)runs;
}

int rl_engine_run_begin(lua_State *L, rl_engine_runs *runs, int idx, int timed, int hint,
                        int *tail_line)
{
    (void)hint;
    (void)L;
    (void)runs;
    (void)idx;
    (void)timed;
    *tail_line = 0;
    return 0;
}

void rl_engine_enter(lua_State *L, const rl_engine_runs *runs, int *entry_ref)
{
    (void)L;
    (void)runs;
    (void)entry_ref;
}

void rl_engine_sethook(lua_State *L, rl_engine_runs *runs, lua_Hook hook, int mask, int count)
{
    rl_engine_set_if_changed(L, runs, hook, mask, count);
}

void rl_engine_count_event(lua_State *L, rl_engine_runs *runs)
{
    (void)L;
    (void)runs;
}

void rl_engine_close(lua_State *L, rl_engine_runs *runs)
{
    (void)L;
    (void)runs;
}

int rl_engine_load_script(lua_State *L, const char *key, const char *src, size_t len,
                          const char *chunkname,
                          int (*load)(lua_State *, const char *, size_t, const char *), int *hint)
{
    (void)key;
    *hint = 0;
    return load(L, src, len, chunkname);
}

void rl_engine_before_snapshot(lua_State *L, rl_engine_runs *runs)
{
    (void)L;
    (void)runs;
}

void rl_engine_before_restore(lua_State *L, rl_engine_runs *runs)
{
    (void)L;
    (void)runs;
}

void rl_engine_after_restore(lua_State *L, rl_engine_runs *runs)
{
    (void)L;
    (void)runs;
}

int rl_engine_traces(lua_State *L)
{
    (void)L;
    return 0;
}

/* --- Line coverage: reading a Lua 5.1 binary chunk ------------------------- */

/* Lua 5.1's opcodes (lopcodes.h) looked at, and where the B operand sits. */
#define OP51_JMP 22
#define OP51_RETURN 30
#define OP51_TFORLOOP 33
#define OP51_B(i) (((i) >> 23) & 0x1FF)

typedef struct dump_buf {
    unsigned char *p;
    size_t len, cap;
} dump_buf;

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
    dump_buf *b = ud;
    (void)L;
    if (b->len + sz > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + sz) cap *= 2;
        b->p = rl_realloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, sz);
    b->len += sz;
    return 0;
}

/* A cursor over the dump; any read past the end sets bad. The sizes come
 * from the chunk's header (same process, so same byte order). */
typedef struct dump_reader {
    const unsigned char *p, *end;
    size_t int_size, size_t_size, num_size;
    int bad;
} dump_reader;

static const unsigned char *take(dump_reader *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *at = r->p;
    r->p += n;
    return at;
}

static long long take_int(dump_reader *r, size_t size)
{
    const unsigned char *at = take(r, size);
    if (!at) return 0;
    if (size == sizeof(int)) {
        int v;
        memcpy(&v, at, sizeof(v));
        return v;
    }
    if (size == sizeof(size_t)) {
        size_t v;
        memcpy(&v, at, sizeof(v));
        return v > (size_t)INT32_MAX ? (r->bad = 1, 0) : (long long)v;
    }
    r->bad = 1;
    return 0;
}

static void skip_string(dump_reader *r)
{
    take(r, (size_t)take_int(r, r->size_t_size));
}

/* One function (ldump.c DumpFunction), then its nested ones. */
static void read_function(dump_reader *r, rl_engine_line_fn line, void *ud, int depth)
{
    if (depth > 200) r->bad = 1;
    skip_string(r); /* source */
    long long linedefined = take_int(r, r->int_size);
    take(r, r->int_size + 4); /* lastlinedefined, 4 bytes */
    if (depth > 0 && !r->bad) line(ud, (int)linedefined, RL_ENGINE_FUNCTION);
    long long ncode = take_int(r, r->int_size);
    const unsigned char *code = take(r, (size_t)(ncode > 0 ? ncode : 0) * 4);
    long long nk = take_int(r, r->int_size);
    for (long long i = 0; i < nk && !r->bad; i++) {
        const unsigned char *t = take(r, 1);
        if (!t) break;
        if (*t == LUA_TBOOLEAN) take(r, 1);
        else if (*t == LUA_TNUMBER) take(r, r->num_size);
        else if (*t == LUA_TSTRING) skip_string(r);
        else if (*t != LUA_TNIL) r->bad = 1;
    }
    long long np = take_int(r, r->int_size);
    for (long long i = 0; i < np && !r->bad; i++) read_function(r, line, ud, depth + 1);
    long long nline = take_int(r, r->int_size);
    const unsigned char *lines = take(r, (size_t)(nline > 0 ? nline : 0) * r->int_size);
    if (r->bad || nline != ncode || r->int_size != sizeof(int)) {
        r->bad = 1;
        return;
    }
    uint32_t prev = 0;
    int prev_line = 0;
    for (long long pc = 0; pc < ncode; pc++) {
        uint32_t ins;
        int l;
        memcpy(&ins, code + pc * 4, 4);
        memcpy(&l, lines + pc * sizeof(int), sizeof(int));
        /* A generic for's TFORLOOP is followed by the jump back into the
         * loop body, which Lua 5.1 puts on the body's last line (often an
         * inner "end"); it belongs to the for line, as LuaJIT's ITERL
         * does. */
        if ((ins & 0x3F) == OP51_JMP && pc > 0 && (prev & 0x3F) == OP51_TFORLOOP) l = prev_line;
        int final_return = pc == ncode - 1 && (ins & 0x3F) == OP51_RETURN && OP51_B(ins) == 1;
        line(ud, l, final_return ? RL_ENGINE_FINAL_RETURN : RL_ENGINE_CODE);
        prev = ins;
        prev_line = l;
    }
    long long nloc = take_int(r, r->int_size);
    for (long long i = 0; i < nloc && !r->bad; i++) {
        skip_string(r);
        take(r, 2 * r->int_size);
    }
    long long nup = take_int(r, r->int_size);
    for (long long i = 0; i < nup && !r->bad; i++) skip_string(r);
}

void rl_engine_code_lines(lua_State *L, rl_engine_line_fn line, void *ud)
{
    dump_buf b = { 0 };
    if (lua_dump(L, dump_writer, &b) == 0 && b.len >= 12) {
        /* The header (lundump.c luaU_header): ESC "Lua", version, format,
         * endianness, then the sizes of int, size_t, Instruction and
         * lua_Number. */
        dump_reader r = { b.p + 12, b.p + b.len, b.p[7], b.p[8], b.p[10], 0 };
        if (b.p[9] == 4) read_function(&r, line, ud, 0);
    }
    rl_free(b.p);
}
