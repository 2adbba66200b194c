/* Script metrics (redlua.h, rl_emu_set_metrics): the counting side. The
 * emulator holds an rl_metrics_state while metrics are on (emu->metrics,
 * NULL otherwise); redis.call reports each command it ran, the Lua layer
 * bumps the instruction count, the heap peak and the runs directly. */
#ifndef REDLUA_EMULATOR_METRICS_H
#define REDLUA_EMULATOR_METRICS_H

#include "server.h"

typedef struct rl_metrics_state {
    rl_metrics m;             /* the public counts; the arrays are filled by rl_emu_metrics */
    struct metrics_cmd *cmds; /* per command, in first-run order */
    size_t ncmds, cmds_cap;
    struct metrics_keyent *keys;  /* uthash of distinct (db, key) */
    rl_metrics_command *cmd_view; /* rl_emu_metrics's sorted copies */
    rl_metrics_key *key_view;
} rl_metrics_state;

/* Counts one command a script ran (pcall: through redis.pcall): its name,
 * the keys its key specs name, its argument bytes and its reply's bytes in
 * the protocol c speaks. */
void rl_metrics_count_command(rl_emu *emu, rl_client *c, const rl_command *cmd, int argc,
                              const rl_arg *argv, const rl_reply *reply, int pcall);
/* Frees the state (rl_emu_free). */
void rl_metrics_free(rl_emu *emu);

#endif
