/* Transactions: MULTI/EXEC/DISCARD and WATCH/UNWATCH, as Redis 7.0's
 * multi.c behaves.
 *
 * While a client is in MULTI, the dispatcher (server.c) queues every command
 * except EXEC, DISCARD, MULTI and WATCH, and answers +QUEUED; a command
 * rejected while queueing (unknown, wrong arity, no-multi such as SHUTDOWN,
 * OOM, BUSY) flags the transaction, so that EXEC answers EXECABORT.
 *
 * WATCH. As in Redis, a watching client becomes dirty when a key it
 * watches is signalled as modified: every write command calls
 * rl_signal_modified_key (Redis's signalModifiedKey) where Redis 7.0 calls
 * it, under the same conditions, so the EXEC outcome is Redis's even for a
 * write that leaves the value as it was (HSET of the value a field already
 * has, LSET of the same element, EXPIRE to the same time, APPEND of "",
 * SET of the same value), and not for one Redis does not count (SADD of
 * existing members, ZADD of the same score, ZINCRBY by 0, LREM or SREM
 * that removed nothing, SETBIT to the bit's value, PERSIST of a key without
 * a TTL). Replacing a value (rl_db_set, Redis's setKey) and deleting a key
 * by expiry signal in db.c; FLUSHDB, FLUSHALL and SWAPDB touch the watched
 * keys that exist (rl_multi_touch_db). Streams follow Redis 7.0, where only
 * XADD, XDEL, XTRIM and XGROUP CREATE MKSTREAM signal a stream: a change to
 * its consumer groups or XSETID is not a change. Scripts write through the
 * same command handlers, so their writes signal too. */
#ifndef REDLUA_EMULATOR_MULTI_H
#define REDLUA_EMULATOR_MULTI_H

#include <stdint.h>

#include "server.h"

/* Frees c's queue and WATCHes (the client is going away). */
void rl_multi_client_free(rl_client *c);

/* Redis's flagTransaction: a command was rejected while c queues. */
void rl_multi_flag(rl_client *c);
/* 1 if cmd is to be queued rather than run (c is in MULTI and cmd is not
 * EXEC, DISCARD, MULTI or WATCH). */
int rl_multi_should_queue(const rl_client *c, const rl_command *cmd);
/* Queues a copy of argv with cmd and its flags (as getCommandFlags gave
 * them), and replies +QUEUED. */
void rl_multi_queue(rl_client *c, const rl_command *cmd, int argc, const rl_arg *argv,
                    uint64_t flags);
/* The flags of every queued command ORed together (0 outside MULTI). */
uint64_t rl_multi_queued_flags(const rl_client *c);
/* Rejects EXEC with err: discards the transaction and replies
 * "EXECABORT Transaction discarded because of: <err>". */
void rl_multi_exec_abort(rl_client *c, const char *err);

/* Touches a key: every client watching (dbid, key) becomes dirty. Commands
 * call it through rl_signal_key / rl_signal_modified_key below. */
void rl_multi_touch_key(rl_emu *emu, int dbid, const char *key, size_t len);

/* Redis's signalModifiedKey, for the places where Redis 7.0 calls it (a
 * command that changed key, setKey, a deletion by expiry). With nothing
 * WATCHed anywhere, nearly always, it is one branch and no call: it sits
 * on the hottest write paths. */
static inline void rl_signal_key(rl_emu *emu, int dbid, const char *key, size_t len)
{
    if (emu->watched_keys) rl_multi_touch_key(emu, dbid, key, len);
}

/* rl_signal_key for key in the database c has selected. */
static inline void rl_signal_modified_key(rl_client *c, const rl_arg *key)
{
    rl_signal_key(c->emu, c->db, key->ptr, key->len);
}

/* Redis's touchAllWatchedKeysInDb for FLUSHDB/FLUSHALL (replaced_with -1)
 * and SWAPDB: keys watched in db `emptied` that exist there, or in
 * replaced_with, are touched. Call before the databases change. */
void rl_multi_touch_db(rl_emu *emu, int emptied, int replaced_with);

#endif
