/* Engine-specific pieces for the lua51 build: PUC Lua 5.1.5, the interpreter
 * Redis embeds, so nothing needs adjusting. */
#include "lua_engine.h"
#include "redlua.h"

const int rl_engine_tail_call_drops_caller = 0;

const char *rl_emu_engine(void)
{
    return RL_ENGINE_NAME;
}

lua_State *rl_engine_new_state(lua_Alloc alloc, void *ud)
{
    return lua_newstate(alloc, ud);
}

void rl_engine_prepare(lua_State *L)
{
    (void)L;
}

int rl_engine_run_begin(lua_State *L, int idx, int timed, int *tail_line)
{
    (void)L;
    (void)idx;
    (void)timed;
    *tail_line = 0;
    return 0;
}

void rl_engine_run_end(lua_State *L)
{
    (void)L;
}
