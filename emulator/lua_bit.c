/* bit: LuaBitOp 1.0.2's API on 32-bit two's complement values, as Redis 7.0
 * ships it, with Debian's fix for tohex with n = INT_MIN.
 *
 * Numbers are turned into 32-bit values the way LuaBitOp does it: adding
 * 2^52 + 2^51 to the double puts its integer part, rounded to nearest even,
 * in the low 32 bits of the mantissa (so 1.7 becomes 2, -1.5 becomes -2, and
 * values wrap modulo 2^32). NaN and infinities come out as 0. Results are
 * pushed as signed 32-bit numbers. LuaBitOp reads arguments with
 * lua_tonumber and only complains about a non-number whose result is 0, so a
 * numeric string is accepted.
 *
 * LuaJIT has its own bit library with the same API, but it differs from
 * LuaBitOp in details (argument errors, tohex), so this module replaces it
 * on both engines. */
#include "lua_libs.h"

#include <lauxlib.h>
#include <stdint.h>
#include <string.h>

#include "errors.h"

static uint32_t bit_arg(lua_State *L, int idx)
{
    double n = lua_tonumber(L, idx) + 6755399441055744.0; /* 2^52 + 2^51 */
    uint64_t bits;
    memcpy(&bits, &n, sizeof(bits));
    uint32_t b = (uint32_t)bits;
    if (b == 0 && !lua_isnumber(L, idx)) luaL_typerror(L, idx, RL_ERR_BIT_TYPE);
    return b;
}

static int bit_push(lua_State *L, uint32_t b)
{
    lua_pushnumber(L, (lua_Number)(int32_t)b);
    return 1;
}

static int bit_tobit(lua_State *L)
{
    return bit_push(L, bit_arg(L, 1));
}

static int bit_bnot(lua_State *L)
{
    return bit_push(L, ~bit_arg(L, 1));
}

/* band, bor and bxor fold their arguments from the last to the second into
 * the first, as LuaBitOp does (which decides the argument a type error names). */
static int bit_band(lua_State *L)
{
    uint32_t b = bit_arg(L, 1);
    for (int i = lua_gettop(L); i > 1; i--) b &= bit_arg(L, i);
    return bit_push(L, b);
}

static int bit_bor(lua_State *L)
{
    uint32_t b = bit_arg(L, 1);
    for (int i = lua_gettop(L); i > 1; i--) b |= bit_arg(L, i);
    return bit_push(L, b);
}

static int bit_bxor(lua_State *L)
{
    uint32_t b = bit_arg(L, 1);
    for (int i = lua_gettop(L); i > 1; i--) b ^= bit_arg(L, i);
    return bit_push(L, b);
}

/* Shift counts use their low five bits. */
static int bit_lshift(lua_State *L)
{
    uint32_t b = bit_arg(L, 1), n = bit_arg(L, 2) & 31;
    return bit_push(L, b << n);
}

static int bit_rshift(lua_State *L)
{
    uint32_t b = bit_arg(L, 1), n = bit_arg(L, 2) & 31;
    return bit_push(L, b >> n);
}

/* An arithmetic shift, written without shifting a negative value. */
static int bit_arshift(lua_State *L)
{
    uint32_t b = bit_arg(L, 1), n = bit_arg(L, 2) & 31;
    uint32_t r = b >> n;
    if ((b & 0x80000000u) && n) r |= ~(0xFFFFFFFFu >> n);
    return bit_push(L, r);
}

static int bit_rol(lua_State *L)
{
    uint32_t b = bit_arg(L, 1), n = bit_arg(L, 2) & 31;
    return bit_push(L, n ? (b << n) | (b >> (32 - n)) : b);
}

static int bit_ror(lua_State *L)
{
    uint32_t b = bit_arg(L, 1), n = bit_arg(L, 2) & 31;
    return bit_push(L, n ? (b >> n) | (b << (32 - n)) : b);
}

static int bit_bswap(lua_State *L)
{
    uint32_t b = bit_arg(L, 1);
    b = (b >> 24) | ((b >> 8) & 0xff00u) | ((b & 0xff00u) << 8) | (b << 24);
    return bit_push(L, b);
}

/* tohex(x [,n]): n digits (default 8, at most 8), uppercase when n is
 * negative, none when n is 0. Debian's redis-server treats n = INT_MIN as
 * -INT_MAX (upstream 7.0.15 crashes on it). */
static int bit_tohex(lua_State *L)
{
    static const char lower[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
    uint32_t b = bit_arg(L, 1);
    int32_t n = lua_isnone(L, 2) ? 8 : (int32_t)bit_arg(L, 2);
    const char *digits = lower;
    char buf[8];
    if (n == INT32_MIN) n = INT32_MIN + 1;
    if (n < 0) {
        n = -n;
        digits = upper;
    }
    if (n > 8) n = 8;
    for (int i = n - 1; i >= 0; i--) {
        buf[i] = digits[b & 15];
        b >>= 4;
    }
    lua_pushlstring(L, buf, (size_t)n);
    return 1;
}

/* In LuaBitOp's order, which luaL_register inserts as is. */
static const luaL_Reg bit_funcs[] = {
    { "tobit", bit_tobit },   { "bnot", bit_bnot },       { "band", bit_band },
    { "bor", bit_bor },       { "bxor", bit_bxor },       { "lshift", bit_lshift },
    { "rshift", bit_rshift }, { "arshift", bit_arshift }, { "rol", bit_rol },
    { "ror", bit_ror },       { "bswap", bit_bswap },     { "tohex", bit_tohex },
    { NULL, NULL },
};

int rl_open_bit(lua_State *L)
{
    luaL_register(L, "bit", bit_funcs);
    return 1;
}
