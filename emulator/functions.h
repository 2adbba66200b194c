/* Redis 7.0 functions: FUNCTION LOAD | DELETE | FLUSH | LIST | DUMP | RESTORE
 * | STATS | KILL | HELP, FCALL and FCALL_RO (Redis's functions.c and
 * function_lua.c), on a Lua VM of their own (lua_env.c's functions VM),
 * created on first use and kept for the emulator's life: FUNCTION FLUSH drops
 * the libraries, never the VM. Calls run through scripts.c's run machinery.
 *
 * Order: Redis lists, dumps and checks collisions in hash-table order, which
 * is not stable. redlua keeps libraries sorted by name and the functions of a
 * library sorted by name (bytewise), and uses that order everywhere. */
#ifndef REDLUA_EMULATOR_FUNCTIONS_H
#define REDLUA_EMULATOR_FUNCTIONS_H

#include "server.h"

/* Frees every library and the functions VM (rl_scripting_free calls it: the
 * functions VM shares the scripting state's rand48). */
void rl_functions_free(rl_emu *emu);

/* The script flags (scripts.h) of the function called name (len bytes, any
 * case) in *flags: RL_OK, or RL_ERR when there is no such function. */
int rl_functions_flags(rl_emu *emu, const char *name, size_t len, int *flags);

#endif
