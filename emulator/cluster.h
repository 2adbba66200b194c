/* Redis Cluster's view of commands and scripts (cluster.c).
 *
 * The emulator can act as a Redis 7.0 cluster node that serves all 16384
 * slots (rl_emu_set_cluster): commands whose keys hash to different slots
 * are refused with CROSSSLOT, SELECT of a non-zero database and the other
 * multi-database commands are refused, and scripts are checked as
 * script.c's scriptVerifyClusterState checks them. The strict mode adds the
 * view of a script from a multi-node cluster: the node that runs a script
 * serves only the slot of its KEYS. Independently, the script audit records,
 * for every redis.call, the keys a script touches that it did not declare in
 * KEYS and the slots they hash to (rl_emu_last_cluster_issues). */
#ifndef REDLUA_EMULATOR_CLUSTER_H
#define REDLUA_EMULATOR_CLUSTER_H

#include <lua.h>

#include "lua_env.h"
#include "server.h"

/* The positions in argv of the keys of cmd, as Redis 7.0's
 * getKeysFromCommand finds them (its getkeys procs for the commands that
 * have one, the legacy key range otherwise). pos must have room for argc
 * entries. Returns the number of positions written. */
int rl_command_key_positions(const rl_command *cmd, int argc, const rl_arg *argv, int *pos);

/* The dispatcher's cluster check (processCommand's getNodeByQuery): when
 * emu is in cluster mode and cmd's keys hash to different slots, replies
 * CROSSSLOT and returns RL_ERR; otherwise returns RL_OK. */
int rl_cluster_check_command(rl_client *c, const rl_command *cmd, int argc, const rl_arg *argv);

/* The script-side state of a run: called by rl_script_run before the script
 * starts (keys are the declared KEYS, flags the script's RL_SCRIPT_FLAG_*),
 * and by redis.call/redis.pcall for every command that passed the other
 * checks (scriptVerifyClusterState): returns the error text to answer, or
 * NULL to run the command. L is the running script's state, for the line of
 * the call. */
void rl_cluster_script_begin(rl_lua_run *run, const rl_arg *keys, long long numkeys, int flags);
const char *rl_cluster_script_call(lua_State *L, rl_lua_run *run, const rl_command *cmd, int argc,
                                   const rl_arg *argv);

/* Adds an issue to the audit's record (the key is copied; command must be
 * static text), unless the same kind, line and key are there already. */
void rl_cluster_record(rl_emu *emu, const rl_cluster_issue *is);
/* Forgets the issues of the previous top-level command (the dispatcher). */
void rl_cluster_clear_issues(rl_emu *emu);
/* Frees what the audit recorded (rl_emu_free). */
void rl_cluster_free(rl_emu *emu);

#endif
