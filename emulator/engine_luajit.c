/* Engine-specific pieces for the luajit build (LuaJIT 2.1).
 *
 * lua_newstate with our own allocator: LuaJIT refuses it on 64-bit builds
 * without GC64, but Debian 12's libluajit-5.1 2.1.0~beta3 is a GC64 build and
 * accepts it (checked: every byte comes back through the allocator at
 * lua_close), so rl_mem_used() stays exact on this engine too.
 *
 * The trace compiler is kept off. LuaJIT only calls count and line hooks
 * from its interpreter: a loop compiled to machine code (while true do end
 * becomes a trace with no exit) never reaches the hook, so the script time
 * limit could not stop it, and no signal or timer can safely interrupt a
 * running trace either. The JIT is enabled only by luaopen_jit (jit_init),
 * which we never call; luaJIT_setmode below states the choice explicitly.
 * Scripts therefore run in LuaJIT's interpreter, where the count hook fires
 * exactly as in PUC Lua. */
#include <luajit.h>

#include "lua_engine.h"
#include "redlua.h"

/* LuaJIT turns "return f(...)" into a tail call even when f is a C function,
 * so the frame of the Lua code that made the call is gone when f raises. */
const int rl_engine_tail_call_drops_caller = 1;

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
    luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF);
}
