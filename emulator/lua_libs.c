#include "lua_libs.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "util.h"

void rl_lua_buf_init(rl_lua_buf *b, lua_State *L)
{
    b->L = L;
    b->cap = 64;
    b->len = 0;
    b->p = lua_newuserdata(L, b->cap);
    b->slot = lua_gettop(L);
}

char *rl_lua_buf_reserve(rl_lua_buf *b, size_t n)
{
    if (b->cap - b->len < n) {
        size_t cap = b->cap;
        while (cap - b->len < n) {
            if (cap > ((size_t)-1) / 2) luaL_error(b->L, RL_ERR_LUALIB_BUFFER_SIZE);
            cap *= 2;
        }
        luaL_checkstack(b->L, 1, RL_ERR_LUALIB_BUFFER_STACK);
        char *p = lua_newuserdata(b->L, cap);
        memcpy(p, b->p, b->len);
        lua_replace(b->L, b->slot);
        b->p = p;
        b->cap = cap;
    }
    return b->p + b->len;
}

void rl_lua_buf_add(rl_lua_buf *b, const void *s, size_t n)
{
    memcpy(rl_lua_buf_reserve(b, n), s, n);
    b->len += n;
}

void rl_lua_buf_addc(rl_lua_buf *b, char c)
{
    if (b->len == b->cap) rl_lua_buf_reserve(b, 1);
    b->p[b->len++] = c;
}

void rl_lua_buf_push(rl_lua_buf *b)
{
    lua_pushlstring(b->L, b->p, b->len);
}

/* --- tonumber ------------------------------------------------------------- */

/* Lua 5.1's luaO_str2d: strtod, a hexadecimal constant by strtoul, then
 * nothing but white space. s ends at its first NUL, as Lua's C string. */
static int str2d(const char *s, lua_Number *result)
{
    char *end;
    *result = strtod(s, &end);
    if (end == s) return 0;
    if (*end == 'x' || *end == 'X') *result = (lua_Number)strtoul(s, &end, 16);
    while (isspace((unsigned char)*end)) end++;
    return *end == '\0';
}

int rl_lua_tonumber(lua_State *L)
{
    int base = luaL_optint(L, 2, 10);
    if (base == 10) {
        luaL_checkany(L, 1);
        int t = lua_type(L, 1);
        if (t == LUA_TNUMBER) {
            lua_pushvalue(L, 1);
            return 1;
        }
        if (t == LUA_TSTRING) {
            size_t len;
            const char *s = lua_tolstring(L, 1, &len);
            /* A plain decimal integer reads as strtod reads it, without it
             * (rl_small_int2d); anything else takes Lua's own route. */
            lua_Number n;
            if (rl_small_int2d(s, len, &n) || str2d(s, &n)) {
                lua_pushnumber(L, n);
                return 1;
            }
        }
    } else {
        const char *s1 = luaL_checkstring(L, 1);
        luaL_argcheck(L, 2 <= base && base <= 36, 2, RL_ERR_LUA_TONUMBER_BASE);
        char *s2;
        unsigned long n = strtoul(s1, &s2, base);
        if (s1 != s2) {
            while (isspace((unsigned char)*s2)) s2++;
            if (*s2 == '\0') {
                lua_pushnumber(L, (lua_Number)n);
                return 1;
            }
        }
    }
    lua_pushnil(L);
    return 1;
}
