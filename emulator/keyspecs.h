/* Which arguments of a command are keys, and what the command does with
 * each, as Redis 7.0's key specifications say (COMMAND GETKEYSANDFLAGS).
 *
 * The table (keyspecs.def) holds every emulated command's specs as Redis
 * 7.0.15 reports them in COMMAND INFO; keys are found from them the way
 * Redis's getKeysUsingKeySpecs does. Three commands have key-finding code of
 * their own in Redis, copied here in effect: SET (OW without GET, RW with
 * it), BITFIELD (RO unless a SET or INCRBY subcommand is given) and SORT
 * (the source key, plus the last STORE destination; BY and GET patterns are
 * not keys, as in Redis). A command whose arguments do not fit its specs
 * (a numkeys past the end, say) has no keys, as GETKEYSANDFLAGS answers
 * "Invalid arguments". SPUBLISH's shard channel is visited with
 * RL_KEY_NOT_KEY: GETKEYSANDFLAGS leaves it out, Redis Cluster hashes it to
 * a slot like a key. */
#ifndef REDLUA_EMULATOR_KEYSPECS_H
#define REDLUA_EMULATOR_KEYSPECS_H

#include "server.h"

/* Key flags, Redis 7.0's key-spec flags. */
#define RL_KEY_RO (1u << 0)     /* read only */
#define RL_KEY_RW (1u << 1)     /* read and modified */
#define RL_KEY_OW (1u << 2)     /* overwritten, old value not read */
#define RL_KEY_RM (1u << 3)     /* deleted */
#define RL_KEY_ACCESS (1u << 4) /* the value's data is returned or used */
#define RL_KEY_UPDATE (1u << 5)
#define RL_KEY_INSERT (1u << 6)
#define RL_KEY_DELETE (1u << 7)
#define RL_KEY_VARIABLE (1u << 8) /* table only: the command decides (SET, BITFIELD) */
#define RL_KEY_NOT_KEY (1u << 9)  /* a shard channel (SPUBLISH), hashed like a key */

/* Calls visit(ud, i, flags) for each key argument argv[i] of cmd (argv[0] is
 * the command name), in Redis's order; a key named by two specs is visited
 * twice. Returns the number of visits. */
typedef void rl_key_visit(void *ud, int argi, unsigned flags);
int rl_command_keys(const rl_command *cmd, int argc, const rl_arg *argv, rl_key_visit *visit,
                    void *ud);

/* The number of key specs the table has for cmd (0: a command without
 * keys). */
int rl_command_keyspec_count(const rl_command *cmd);

/* How the metrics classify a key (docs/metrics-json.md): read when RO or
 * ACCESS, written when RW, OW or RM; a NOT_KEY argument is neither. */
#define RL_KEY_IS_READ(f) (((f) & (RL_KEY_RO | RL_KEY_ACCESS)) != 0)
#define RL_KEY_IS_WRITTEN(f) (((f) & (RL_KEY_RW | RL_KEY_OW | RL_KEY_RM)) != 0)

#endif
