/* The command table and the dispatcher.
 *
 * The table is data: one X-macro row per command in the cmd_*.def files,
 * one file per area, each included by commands.c and here:
 *   RL_CMD(get, 2, RL_CMD_READONLY | RL_CMD_FAST, 1, 1, 1)
 *       name token, arity, flags, first key, last key, key step;
 *       the handler is rl_cmd_<name>(rl_client *c).
 *   RL_CONTAINER(script, -2, 0)
 *       a command with subcommands, whose rows are
 *   RL_SUBCMD(script, load, 3, RL_CMD_NOSCRIPT, 0, 0, 0)
 *       handler rl_cmd_script_load, full name "script|load".
 * Arity follows Redis (N exact, -N at least N, counting the name) and is
 * checked only by the dispatcher. */
#ifndef REDLUA_EMULATOR_COMMANDS_H
#define REDLUA_EMULATOR_COMMANDS_H

#include "server.h"

/* Command flags, as Redis 7.0 names them. */
#define RL_CMD_WRITE (1ULL << 0)
#define RL_CMD_READONLY (1ULL << 1)
#define RL_CMD_DENYOOM (1ULL << 2)
#define RL_CMD_ADMIN (1ULL << 4)
#define RL_CMD_PUBSUB (1ULL << 5)
#define RL_CMD_NOSCRIPT (1ULL << 6)
#define RL_CMD_BLOCKING (1ULL << 8)
#define RL_CMD_LOADING (1ULL << 9)
#define RL_CMD_STALE (1ULL << 10)
#define RL_CMD_SKIP_MONITOR (1ULL << 11)
#define RL_CMD_SKIP_SLOWLOG (1ULL << 12)
#define RL_CMD_FAST (1ULL << 14)
#define RL_CMD_NO_AUTH (1ULL << 15)
#define RL_CMD_MAY_REPLICATE (1ULL << 16)
#define RL_CMD_NO_MANDATORY_KEYS (1ULL << 19)
#define RL_CMD_NO_MULTI (1ULL << 24)
#define RL_CMD_MOVABLE_KEYS (1ULL << 25)
#define RL_CMD_ALLOW_BUSY (1ULL << 26)
#define RL_CMD_CONTAINER (1ULL << 40) /* redlua: has subcommands */

#define RL_CMD(name, arity, flags, first, last, step) void rl_cmd_##name(rl_client *c);
#define RL_CONTAINER(name, arity, flags)
#define RL_SUBCMD(parent, name, arity, flags, first, last, step) \
    void rl_cmd_##parent##_##name(rl_client *c);
#include "cmd_all.def"
#undef RL_CMD
#undef RL_CONTAINER
#undef RL_SUBCMD

/* Finds the command argv names, resolving a container's subcommand from
 * argv[1] (a container given alone resolves to itself). Case-insensitive.
 * NULL when unknown. */
const rl_command *rl_command_lookup(int argc, const rl_arg *argv);
/* Finds a top-level command by name only (subcommands not resolved). */
const rl_command *rl_command_lookup_name(const char *name, size_t len);
/* 1 if argc satisfies cmd's arity. */
int rl_command_arity_ok(const rl_command *cmd, int argc);
/* Replies with Redis's unknown command / unknown subcommand error. */
void rl_command_reply_unknown(rl_client *c, int argc, const rl_arg *argv);
/* Runs cmd's handler on c with argv; exactly one reply is appended. */
void rl_command_exec(rl_client *c, const rl_command *cmd, int argc, const rl_arg *argv);
/* Takes the finished reply out of c's builder. */
rl_reply *rl_client_take_reply(rl_client *c);

/* Iteration over every command, subcommands included (for COMMAND and
 * documentation); returns NULL past the end. */
const rl_command *rl_command_at(size_t i);

/* --- Argument helpers (each replies on failure and returns RL_ERR) -------- */

/* Case-insensitive comparison of an argument with a C string. */
int rl_arg_is(const rl_arg *a, const char *s);
/* Strict integer parse (Redis's string2ll); msg NULL means RL_ERR_NOT_INTEGER. */
int rl_arg_ll_or_reply(rl_client *c, const rl_arg *a, long long *out, const char *msg);
/* A SCAN-family cursor as Redis parses it (strtoul on the NUL-terminated
 * argument): a leading space, trailing bytes or overflow is "invalid
 * cursor", while "", "+5", "-1" (ULONG_MAX) and "5\0junk" (cut at the NUL)
 * are accepted. */
int rl_arg_scan_cursor_or_reply(rl_client *c, const rl_arg *a, unsigned long *cursor);
/* Redis's getLongLongFromObjectOrReply with a range check. */
int rl_arg_ll_range_or_reply(rl_client *c, const rl_arg *a, long long min, long long max,
                             long long *out, const char *msg);
/* Redis's getIntFromObjectOrReply: a strict integer within int's range. A
 * non-integer replies msg (NULL: RL_ERR_NOT_INTEGER); one outside int's range
 * replies msg too, or RL_ERRF_INT_RANGE when msg is NULL. */
int rl_arg_int_or_reply(rl_client *c, const rl_arg *a, int *out, const char *msg);
/* Double parse as Redis's getDoubleFromObjectOrReply; msg NULL means RL_ERR_NOT_FLOAT. */
int rl_arg_double_or_reply(rl_client *c, const rl_arg *a, double *out, const char *msg);
/* Long double parse as Redis's getLongDoubleFromObjectOrReply. */
int rl_arg_long_double_or_reply(rl_client *c, const rl_arg *a, long double *out, const char *msg);

#endif
