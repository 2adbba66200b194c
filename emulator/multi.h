/* Transactions: MULTI/EXEC/DISCARD and WATCH/UNWATCH, as Redis 7.0's
 * multi.c behaves.
 *
 * While a client is in MULTI, the dispatcher (server.c) queues every command
 * except EXEC, DISCARD, MULTI and WATCH, and answers +QUEUED; a command
 * rejected while queueing (unknown, wrong arity, no-multi such as SHUTDOWN,
 * OOM, BUSY) flags the transaction, so that EXEC answers EXECABORT.
 *
 * WATCH. Redis marks a watching client dirty from signalModifiedKey, which
 * each write command calls after it changed a key. The emulator's commands
 * have no such call; instead, while any key is watched, the dispatcher
 * takes a digest (type, expiry and content) of every watched key before a
 * command that may write (write or may-replicate flag) and compares it
 * after: a changed digest touches the key. Replacing a value (rl_db_set),
 * deleting a key by expiry, FLUSHDB, FLUSHALL and SWAPDB touch explicitly,
 * so those count even when the content ends up the same, as in Redis. What
 * is not seen: an in-place write that leaves a value byte-identical (HSET of
 * the value a field already has, LSET of the same element, EXPIRE to the
 * same time, APPEND of ""), which Redis counts as a change. Streams follow
 * Redis 7.0, where only XADD, XDEL, XTRIM and XGROUP CREATE MKSTREAM touch a
 * stream: a change to its consumer groups or XSETID is not a change. */
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

/* Touches a key: every client watching (dbid, key) becomes dirty. */
void rl_multi_touch_key(rl_emu *emu, int dbid, const char *key, size_t len);
/* Redis's touchAllWatchedKeysInDb for FLUSHDB/FLUSHALL (replaced_with -1)
 * and SWAPDB: keys watched in db `emptied` that exist there, or in
 * replaced_with, are touched. Call before the databases change. */
void rl_multi_touch_db(rl_emu *emu, int emptied, int replaced_with);

/* The watched-key digests around one command (see the top of this file):
 * rl_multi_watch_begin returns NULL when nothing is watched or cmd cannot
 * write; rl_multi_watch_end compares, touches what changed and frees. */
struct rl_watch_snapshot;
struct rl_watch_snapshot *rl_multi_watch_begin(rl_emu *emu, const rl_command *cmd);
void rl_multi_watch_end(rl_emu *emu, struct rl_watch_snapshot *snap);

#endif
