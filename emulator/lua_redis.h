/* The `redis` table of the scripting environment (redis.call, redis.pcall,
 * redis.error_reply, ...) and the conversions between Redis replies and Lua
 * values in both directions, following Redis 7.0's script_lua.c. */
#ifndef REDLUA_EMULATOR_LUA_REDIS_H
#define REDLUA_EMULATOR_LUA_REDIS_H

#include <lua.h>
#include <stddef.h>

#include "reply.h"

/* Creates the redis table as the global `redis` (before the globals are
 * sealed). eval_vm adds the functions only the EVAL VM has (breakpoint,
 * debug, replicate_commands); the functions VM passes 0. */
void rl_lua_redis_open(lua_State *L, int eval_vm);

/* Pushes {err = text}, text taken verbatim ("ERR ..." with its code). */
void rl_lua_push_error_table(lua_State *L, const char *text);

/* Pops the value on top of the stack and converts it into a reply for a
 * client speaking client_resp, the script having selected script_resp (2 or
 * 3, see redis.setresp). The caller owns the result (rl_reply_free). */
rl_reply *rl_lua_to_reply(lua_State *L, int script_resp, int client_resp);

#endif
