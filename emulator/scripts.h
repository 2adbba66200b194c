/* What scripts.c (EVAL, EVALSHA, SCRIPT) shares with functions.c (FUNCTION,
 * FCALL): the script flags, Redis's argument splitter for metadata lines,
 * the rand48 state both Lua VMs draw from, and the run itself, so a function
 * call goes through exactly the machinery of an EVAL (script client, frozen
 * expiry, time limit, error handler, reply conversion, error replies). */
#ifndef REDLUA_EMULATOR_SCRIPTS_H
#define REDLUA_EMULATOR_SCRIPTS_H

#include <stdint.h>

#include "lua_env.h"
#include "server.h"

/* Script flags (a shebang's flags=..., a function's flags={...}). */
#define RL_SCRIPT_FLAG_NO_WRITES (1 << 0)
#define RL_SCRIPT_FLAG_ALLOW_OOM (1 << 1)
#define RL_SCRIPT_FLAG_ALLOW_STALE (1 << 2)
#define RL_SCRIPT_FLAG_NO_CLUSTER (1 << 3)
#define RL_SCRIPT_FLAG_ALLOW_CROSS_SLOT (1 << 4)
#define RL_SCRIPT_FLAG_EVAL_COMPAT_MODE (1 << 5) /* EVAL without a shebang */

typedef struct rl_script_flag {
    const char *name;
    int flag;
} rl_script_flag;

/* The flags by name, in Redis's order (scripts_flags_def), NULL-terminated. */
extern const rl_script_flag rl_script_flags[];

/* A line split like redis-cli does it (Redis's sdssplitargs): words
 * separated by white space, "double quotes" with \n \r \t \b \a \xHH
 * escapes, 'single quotes' with \' only; a closing quote must be followed
 * by a space or the end. argv[i] holds lens[i] bytes plus a NUL (a word may
 * hold NULs from \x00). */
typedef struct rl_split_args {
    int count;
    char **argv;
    size_t *lens;
} rl_split_args;

/* Splits the C string p into out; returns 0 (out empty) on unbalanced
 * quotes. Free out with rl_split_args_free either way. */
int rl_split_args_parse(const char *p, rl_split_args *out);
void rl_split_args_free(rl_split_args *a);

/* The rand48 state of math.random, shared by the EVAL and functions VMs as
 * Redis's process-wide one is. Creates the scripting state if needed. */
uint64_t *rl_script_rand48(rl_emu *emu);

/* Forgets what the last run left for rl_emu_last_traceback/last_log. */
void rl_script_reset_last(rl_emu *emu);

/* Runs a script or function for c and appends its reply (luaCallFunction).
 * env's stack holds the error handler and, above it, the function; both are
 * popped. Keys and arguments are c->argv[3 .. 3+numkeys) and the rest: as the
 * KEYS and ARGV globals, or (keys_as_arguments) as the function's two
 * parameters. sc is the client the script's commands run on; name is what
 * error replies call the script (its SHA1, or the function's name).
 * allow_oom: the script declared allow-oom, so its deny-oom commands run
 * even when used memory was over maxmemory at the start. script_flags are
 * the script's RL_SCRIPT_FLAG_* (the cluster checks read them). fn_cov is
 * a function's coverage record (its library's), NULL for EVAL scripts,
 * whose record is found by name. entry_ref is an EVAL script's entry
 * (rl_engine_enter), NULL for functions. */
void rl_script_run(rl_client *c, rl_lua_env *env, rl_client *sc, const char *name, int readonly,
                   long long numkeys, int keys_as_arguments, int allow_oom, int script_flags,
                   struct rl_cov_chunk *fn_cov, int *entry_ref, int scan_hint);

/* SCRIPT KILL (is_eval) and FUNCTION KILL: Redis's scriptKill. */
void rl_script_kill(rl_client *c, int is_eval);

#endif
