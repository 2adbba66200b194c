/* The four libraries Redis 7.0 builds into its Lua (deps/lua/src): cjson
 * (lua-cjson 2.1.0 as Redis patched it), cmsgpack (lua-cmsgpack 0.4.0),
 * struct (Roberto Ierusalimschy's struct 1.7 with Redis's bounds fix) and
 * bit (LuaBitOp 1.0.2 with Debian's tohex fix). Each is our own code, written
 * to give byte for byte the results and error texts of the originals as the
 * Debian redis-server 7.0.15 shows them, and the same module is used on both
 * engines (LuaJIT's built-in bit is not opened).
 *
 * Each opener is a lua_CFunction in the shape of luaopen_*: it builds the
 * module table with the fields in the order Redis inserts them (so PUC Lua's
 * pairs() walks them in Redis's order), stores it as a global of the same
 * name and returns it. Call them before the globals are sealed. */
#ifndef REDLUA_EMULATOR_LUA_LIBS_H
#define REDLUA_EMULATOR_LUA_LIBS_H

#include <lua.h>
#include <stddef.h>

int rl_open_cjson(lua_State *L);
int rl_open_struct(lua_State *L);
int rl_open_cmsgpack(lua_State *L);
int rl_open_bit(lua_State *L);

/* Lua 5.1.5's base tonumber (lbaselib.c), with the same checks in the same
 * order (so the same argument errors, which name the function from the
 * call site) and the same conversions (strtod, hexadecimal by strtoul,
 * trailing white space; strtoul for other bases), on both engines: LuaJIT's
 * own converts differently (tonumber("-ff", 16) is -255 there, 2^64 - 255
 * in Redis). It converts a string once (the original's lua_isnumber then
 * lua_tonumber ran strtod twice), and a plain decimal integer of up to 15
 * digits without strtod (rl_small_int2d). */
int rl_lua_tonumber(lua_State *L);

/* A byte buffer for encoders that push and pop Lua values while they write
 * (so a luaL_Buffer, which keeps its pieces on the stack, cannot be used).
 * The bytes live in a full userdata kept at a fixed stack slot; growing it
 * replaces that slot with a larger copy. Lua owns all of it, so an error
 * raised halfway through leaks nothing. */
typedef struct rl_lua_buf {
    lua_State *L;
    int slot; /* absolute stack index of the userdata */
    char *p;
    size_t len, cap;
} rl_lua_buf;

/* Pushes the (empty) backing userdata: the caller keeps that stack slot
 * until it is done with the buffer. */
void rl_lua_buf_init(rl_lua_buf *b, lua_State *L);
/* Makes room for n more bytes and returns where they go; the caller then
 * adds them to b->len. */
char *rl_lua_buf_reserve(rl_lua_buf *b, size_t n);
void rl_lua_buf_add(rl_lua_buf *b, const void *s, size_t n);
void rl_lua_buf_addc(rl_lua_buf *b, char c);
/* Pushes the contents as a Lua string. */
void rl_lua_buf_push(rl_lua_buf *b);

#endif
