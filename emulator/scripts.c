/* Placeholder until the scripting module lands: no scripting state yet. */
#include "server.h"

void rl_scripting_free(rl_emu *emu)
{
    (void)emu;
}

const char *rl_emu_last_traceback(const rl_emu *emu)
{
    (void)emu;
    return NULL;
}

const char *rl_emu_last_log(const rl_emu *emu)
{
    (void)emu;
    return NULL;
}
