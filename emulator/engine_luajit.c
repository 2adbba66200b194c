/* Engine-specific pieces for the luajit build. */
#include "redlua.h"

const char *rl_emu_engine(void)
{
    return RL_ENGINE_NAME;
}
