/* cmsgpack: lua-cmsgpack 0.4.0 (Salvatore Sanfilippo's MessagePack for Lua)
 * as Redis 7.0 ships it.
 *
 * pack(...) encodes each argument and concatenates the results. A number
 * that is exactly an int64 takes the smallest integer form; any other number
 * is a float32 when that is exact and a float64 otherwise. Strings use the
 * raw forms (a0-bf, d9, da, db), nil and every type MessagePack has no form
 * for become nil (c0). A table whose keys are exactly 1..n is an array, any
 * other a map, walked in lua_next order. Tables nested 16 deep become nil, so
 * cycles terminate.
 *
 * unpack(s) returns every value in s; unpack_one(s [,offset]) and
 * unpack_limit(s, limit [,offset]) return the next offset first (-1 once the
 * input is used up), then the values. Integers come back as Lua numbers; a
 * uint64 above INT64_MAX goes through a signed cast, as in the original.
 *
 * The original's "is it an integer" tests are C casts whose out-of-range
 * results are undefined; they are written out here as the x86-64 build of
 * Redis computes them (2^63 is not an int64, so it packs as a float32). */
#include "lua_libs.h"

#include <float.h>
#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "errors.h"
#include "lua_env.h"

#define MP_MAX_NESTING 16

/* --- Encoding ------------------------------------------------------------------- */

/* cvttsd2si (64 and 32 bits): the truncated value, or the minimum when out of
 * range or NaN. */
static int64_t x86_64_to_i64(double n)
{
    if (n >= -9223372036854775808.0 && n < 9223372036854775808.0) return (int64_t)n;
    return INT64_MIN;
}

static int32_t x86_64_to_i32(double n)
{
    if (n > -2147483649.0 && n < 2147483648.0) return (int32_t)n;
    return INT32_MIN;
}

static void put_be(unsigned char *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

/* A header byte followed by n big-endian bytes of v. */
static void mp_put(rl_lua_buf *b, unsigned char type, uint64_t v, int n)
{
    unsigned char hdr[9];
    hdr[0] = type;
    put_be(hdr + 1, v, n);
    rl_lua_buf_add(b, hdr, (size_t)n + 1);
}

static void mp_encode_int(rl_lua_buf *b, int64_t n)
{
    if (n >= 0) {
        if (n <= 127) mp_put(b, (unsigned char)n, 0, 0);
        else if (n <= 0xff) mp_put(b, 0xcc, (uint64_t)n, 1);
        else if (n <= 0xffff) mp_put(b, 0xcd, (uint64_t)n, 2);
        else if (n <= 0xffffffffLL) mp_put(b, 0xce, (uint64_t)n, 4);
        else mp_put(b, 0xcf, (uint64_t)n, 8);
    } else {
        if (n >= -32) mp_put(b, (unsigned char)(n & 0xff), 0, 0);
        else if (n >= -128) mp_put(b, 0xd0, (uint64_t)n, 1);
        else if (n >= -32768) mp_put(b, 0xd1, (uint64_t)n, 2);
        else if (n >= -2147483648LL) mp_put(b, 0xd2, (uint64_t)n, 4);
        else mp_put(b, 0xd3, (uint64_t)n, 8);
    }
}

/* float32 when converting to float and back gives the same double (so also
 * for the infinities), float64 otherwise (NaN included). Values beyond
 * FLT_MAX would overflow the conversion, so they are float64 outright. */
static void mp_encode_double(rl_lua_buf *b, double d)
{
    if (isinf(d) || (fabs(d) <= FLT_MAX && (double)(float)d == d)) {
        float f = (float)d;
        uint32_t bits;
        memcpy(&bits, &f, sizeof(bits));
        mp_put(b, 0xca, bits, 4);
    } else {
        uint64_t bits;
        memcpy(&bits, &d, sizeof(bits));
        mp_put(b, 0xcb, bits, 8);
    }
}

static void mp_encode_bytes(rl_lua_buf *b, const char *s, size_t len)
{
    if (len < 32) mp_put(b, (unsigned char)(0xa0 | len), 0, 0);
    else if (len <= 0xff) mp_put(b, 0xd9, len, 1);
    else if (len <= 0xffff) mp_put(b, 0xda, len, 2);
    else mp_put(b, 0xdb, len & 0xffffffffu, 4);
    rl_lua_buf_add(b, s, len);
}

/* Array and map headers: fix form up to 15, then 16 and 32 bits. */
static void mp_encode_len(rl_lua_buf *b, unsigned char fix, unsigned char t16, uint64_t n)
{
    if (n <= 15) mp_put(b, (unsigned char)(fix | n), 0, 0);
    else if (n <= 65535) mp_put(b, t16, n, 2);
    else mp_put(b, (unsigned char)(t16 + 1), n & 0xffffffffu, 4);
}

static void mp_encode_value(lua_State *L, rl_lua_buf *b, int level);

/* 1 when the keys of the table on top are exactly 1..n. */
static int table_is_an_array(lua_State *L)
{
    int count = 0, max = 0;
    int top = lua_gettop(L);
    luaL_checkstack(L, 2, RL_ERR_CMSGPACK_STACK_IS_ARRAY);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        lua_Number n;
        if (lua_type(L, -1) != LUA_TNUMBER || (n = lua_tonumber(L, -1)) <= 0 || isinf(n) ||
            (lua_Number)x86_64_to_i32(n) != n) {
            lua_settop(L, top);
            return 0;
        }
        if (n > max) max = (int)n;
        count++;
    }
    lua_settop(L, top);
    return max == count;
}

static void mp_encode_array(lua_State *L, rl_lua_buf *b, int level)
{
    size_t len = lua_objlen(L, -1);
    mp_encode_len(b, 0x90, 0xdc, len);
    luaL_checkstack(L, 1, RL_ERR_CMSGPACK_STACK_ENC_ARRAY);
    for (size_t j = 1; j <= len; j++) {
        lua_pushnumber(L, (lua_Number)j);
        lua_gettable(L, -2);
        mp_encode_value(L, b, level + 1);
    }
}

static void mp_encode_map(lua_State *L, rl_lua_buf *b, int level)
{
    size_t len = 0;
    luaL_checkstack(L, 3, RL_ERR_CMSGPACK_STACK_ENC_MAP);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        len++;
    }
    mp_encode_len(b, 0x80, 0xde, len);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        mp_encode_value(L, b, level + 1); /* the key's copy */
        mp_encode_value(L, b, level + 1); /* the value */
    }
}

/* Encodes the value on top of the stack and pops it. */
static void mp_encode_value(lua_State *L, rl_lua_buf *b, int level)
{
    int t = lua_type(L, -1);
    if (t == LUA_TTABLE && level == MP_MAX_NESTING) t = LUA_TNIL;
    switch (t) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        mp_encode_bytes(b, s, len);
        break;
    }
    case LUA_TBOOLEAN: rl_lua_buf_addc(b, lua_toboolean(L, -1) ? (char)0xc3 : (char)0xc2); break;
    case LUA_TNUMBER: {
        lua_Number n = lua_tonumber(L, -1);
        if (!isinf(n) && (lua_Number)x86_64_to_i64(n) == n) mp_encode_int(b, x86_64_to_i64(n));
        else mp_encode_double(b, n);
        break;
    }
    case LUA_TTABLE:
        rl_lua_env_unproxy(L, -1); /* a read-only library table: pack its contents */
        if (table_is_an_array(L)) mp_encode_array(L, b, level);
        else mp_encode_map(L, b, level);
        break;
    default: rl_lua_buf_addc(b, (char)0xc0); break;
    }
    lua_pop(L, 1);
}

static int mp_pack(lua_State *L)
{
    int nargs = lua_gettop(L);
    if (nargs == 0) return luaL_argerror(L, 0, RL_ERR_CMSGPACK_NO_INPUT);
    if (!lua_checkstack(L, nargs)) return luaL_argerror(L, 0, RL_ERR_CMSGPACK_TOO_MANY_ARGS);
    rl_lua_buf b;
    rl_lua_buf_init(&b, L);
    for (int i = 1; i <= nargs; i++) {
        luaL_checkstack(L, 1, RL_ERR_CMSGPACK_STACK_PACK);
        lua_pushvalue(L, i);
        mp_encode_value(L, &b, 0);
    }
    rl_lua_buf_push(&b);
    return 1;
}

/* --- Decoding ------------------------------------------------------------------- */

enum { MP_OK, MP_ERR_EOF, MP_ERR_BADFMT };

typedef struct mp_cur {
    const unsigned char *p;
    size_t left;
    int err;
} mp_cur;

/* Sets the EOF error when fewer than n bytes are left. */
static int mp_need(mp_cur *c, size_t n)
{
    if (c->left >= n) return 1;
    c->err = MP_ERR_EOF;
    return 0;
}

static void mp_consume(mp_cur *c, size_t n)
{
    c->p += n;
    c->left -= n;
}

static uint64_t get_be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = (v << 8) | p[i];
    return v;
}

static void mp_decode_value(lua_State *L, mp_cur *c);

static void mp_decode_array(lua_State *L, mp_cur *c, size_t len)
{
    lua_newtable(L);
    luaL_checkstack(L, 1, RL_ERR_CMSGPACK_STACK_ARRAY);
    for (size_t i = 1; i <= len; i++) {
        lua_pushnumber(L, (lua_Number)i);
        mp_decode_value(L, c);
        if (c->err) return;
        lua_settable(L, -3);
    }
}

static void mp_decode_map(lua_State *L, mp_cur *c, size_t len)
{
    lua_newtable(L);
    while (len--) {
        mp_decode_value(L, c);
        if (c->err) return;
        mp_decode_value(L, c);
        if (c->err) return;
        lua_settable(L, -3);
    }
}

/* A string of n bytes whose length takes hdr bytes after the type byte. */
static void mp_decode_raw(lua_State *L, mp_cur *c, int hdr)
{
    if (!mp_need(c, (size_t)hdr + 1)) return;
    size_t l = (size_t)get_be(c->p + 1, hdr);
    mp_consume(c, (size_t)hdr + 1);
    if (!mp_need(c, l)) return;
    lua_pushlstring(L, (const char *)c->p, l);
    mp_consume(c, l);
}

/* Decodes one value onto the stack; on error sets c->err (the stack then
 * holds partial results, dropped when the error is raised). */
static void mp_decode_value(lua_State *L, mp_cur *c)
{
    if (!mp_need(c, 1)) return;
    luaL_checkstack(L, 1, RL_ERR_CMSGPACK_RESULTS);
    unsigned char t = c->p[0];
    switch (t) {
    case 0xcc: /* uint 8, 16, 32 */
    case 0xcd:
    case 0xce: {
        int n = 1 << (t - 0xcc);
        if (!mp_need(c, (size_t)n + 1)) return;
        lua_pushnumber(L, (lua_Number)get_be(c->p + 1, n));
        mp_consume(c, (size_t)n + 1);
        break;
    }
    case 0xcf: /* uint 64, read through a signed cast */
        if (!mp_need(c, 9)) return;
        lua_pushnumber(L, (lua_Number)(int64_t)get_be(c->p + 1, 8));
        mp_consume(c, 9);
        break;
    case 0xd0:
        if (!mp_need(c, 2)) return;
        lua_pushnumber(L, (int8_t)c->p[1]);
        mp_consume(c, 2);
        break;
    case 0xd1:
        if (!mp_need(c, 3)) return;
        lua_pushnumber(L, (int16_t)get_be(c->p + 1, 2));
        mp_consume(c, 3);
        break;
    case 0xd2:
        if (!mp_need(c, 5)) return;
        lua_pushnumber(L, (int32_t)get_be(c->p + 1, 4));
        mp_consume(c, 5);
        break;
    case 0xd3:
        if (!mp_need(c, 9)) return;
        lua_pushnumber(L, (lua_Number)(int64_t)get_be(c->p + 1, 8));
        mp_consume(c, 9);
        break;
    case 0xc0:
        lua_pushnil(L);
        mp_consume(c, 1);
        break;
    case 0xc3:
    case 0xc2:
        lua_pushboolean(L, t == 0xc3);
        mp_consume(c, 1);
        break;
    case 0xca: {
        if (!mp_need(c, 5)) return;
        uint32_t bits = (uint32_t)get_be(c->p + 1, 4);
        float f;
        memcpy(&f, &bits, sizeof(f));
        lua_pushnumber(L, f);
        mp_consume(c, 5);
        break;
    }
    case 0xcb: {
        if (!mp_need(c, 9)) return;
        uint64_t bits = get_be(c->p + 1, 8);
        double d;
        memcpy(&d, &bits, sizeof(d));
        lua_pushnumber(L, d);
        mp_consume(c, 9);
        break;
    }
    case 0xd9: mp_decode_raw(L, c, 1); break;
    case 0xda: mp_decode_raw(L, c, 2); break;
    case 0xdb: mp_decode_raw(L, c, 4); break;
    case 0xdc:
    case 0xdd:
    case 0xde:
    case 0xdf: {
        int n = (t & 1) ? 4 : 2;
        if (!mp_need(c, (size_t)n + 1)) return;
        size_t l = (size_t)get_be(c->p + 1, n);
        mp_consume(c, (size_t)n + 1);
        if (t <= 0xdd) mp_decode_array(L, c, l);
        else mp_decode_map(L, c, l);
        break;
    }
    default:
        if ((t & 0x80) == 0) { /* positive fixnum */
            lua_pushnumber(L, t);
            mp_consume(c, 1);
        } else if ((t & 0xe0) == 0xe0) { /* negative fixnum */
            lua_pushnumber(L, (int8_t)t);
            mp_consume(c, 1);
        } else if ((t & 0xe0) == 0xa0) { /* fix raw */
            size_t l = t & 0x1f;
            if (!mp_need(c, 1 + l)) return;
            lua_pushlstring(L, (const char *)c->p + 1, l);
            mp_consume(c, 1 + l);
        } else if ((t & 0xf0) == 0x90) {
            mp_consume(c, 1);
            mp_decode_array(L, c, t & 0xf);
        } else if ((t & 0xf0) == 0x80) {
            mp_consume(c, 1);
            mp_decode_map(L, c, t & 0xf);
        } else {
            c->err = MP_ERR_BADFMT;
        }
    }
}

/* Decodes up to limit values from offset (all of them when both are 0,
 * without the offset result). The string is argument 1 and the only one left
 * on the stack below the results. */
static int mp_unpack_full(lua_State *L, lua_Integer limit, lua_Integer offset)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    int decode_all = !limit && !offset;
    if (offset < 0 || limit < 0)
        return luaL_error(L, RL_ERRF_CMSGPACK_BAD_REQUEST, (int)offset, (int)len);
    if ((size_t)offset > len) return luaL_error(L, RL_ERRF_CMSGPACK_OFFSET, (int)offset, (int)len);
    if (decode_all) limit = INT_MAX;
    mp_cur c = { (const unsigned char *)s + offset, len - (size_t)offset, MP_OK };
    int cnt;
    for (cnt = 0; c.left > 0 && cnt < limit; cnt++) {
        mp_decode_value(L, &c);
        if (c.err == MP_ERR_EOF) return luaL_error(L, RL_ERR_CMSGPACK_MISSING_BYTES);
        if (c.err == MP_ERR_BADFMT) return luaL_error(L, RL_ERR_CMSGPACK_BAD_FORMAT);
    }
    if (!decode_all) {
        luaL_checkstack(L, 1, RL_ERR_CMSGPACK_STACK_UNPACK);
        lua_pushinteger(L, c.left == 0 ? -1 : (lua_Integer)(len - c.left));
        lua_insert(L, 2);
        cnt++;
    }
    return cnt;
}

static int mp_unpack(lua_State *L)
{
    return mp_unpack_full(L, 0, 0);
}

static int mp_unpack_one(lua_State *L)
{
    lua_Integer offset = luaL_optinteger(L, 2, 0);
    lua_pop(L, lua_gettop(L) - 1);
    return mp_unpack_full(L, 1, offset);
}

static int mp_unpack_limit(lua_State *L)
{
    lua_Integer limit = luaL_checkinteger(L, 2);
    lua_Integer offset = luaL_optinteger(L, 3, 0);
    lua_pop(L, lua_gettop(L) - 1);
    return mp_unpack_full(L, limit, offset);
}

static const luaL_Reg cmsgpack_funcs[] = {
    { "pack", mp_pack },
    { "unpack", mp_unpack },
    { "unpack_one", mp_unpack_one },
    { "unpack_limit", mp_unpack_limit },
    { NULL, NULL },
};

int rl_open_cmsgpack(lua_State *L)
{
    lua_newtable(L);
    for (const luaL_Reg *r = cmsgpack_funcs; r->name; r++) {
        lua_pushcfunction(L, r->func);
        lua_setfield(L, -2, r->name);
    }
    lua_pushliteral(L, "cmsgpack");
    lua_setfield(L, -2, "_NAME");
    lua_pushliteral(L, "lua-cmsgpack 0.4.0");
    lua_setfield(L, -2, "_VERSION");
    lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
    lua_setfield(L, -2, "_COPYRIGHT");
    lua_pushliteral(L, "MessagePack C implementation for Lua");
    lua_setfield(L, -2, "_DESCRIPTION");
    lua_pushvalue(L, -1);
    lua_setglobal(L, "cmsgpack");
    return 1;
}
