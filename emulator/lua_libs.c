#include "lua_libs.h"

#include <lauxlib.h>
#include <string.h>

#include "errors.h"

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
