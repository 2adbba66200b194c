/* Engine-specific pieces for the lua51 build. */
#include "redlua.h"

const char *rl_emu_engine(void)
{
    return RL_ENGINE_NAME;
}
