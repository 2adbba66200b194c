/* MULTI/EXEC/DISCARD/WATCH/UNWATCH; see multi.h for how WATCH learns that
 * a key changed.
 *
 * Redis also remembers, per WATCHed key, whether it had already expired
 * (without being deleted yet) at WATCH time, and at EXEC treats a watched
 * key that has expired since as touched. In the emulator a key never sits
 * expired outside a running script (moving the clock deletes every expired
 * key, and that deletion touches the key like any other), and WATCH and EXEC
 * cannot run inside a script, so there is nothing for those rules to act
 * on. */
#include "multi.h"

#include <string.h>

#include "commands.h"
#include "db.h"
#include "errors.h"
#include "mem.h"
#include "object.h"
#include "reply.h"

typedef struct queued_cmd {
    const rl_command *cmd;
    int argc;
    rl_arg *argv; /* each ptr an rl_memdup copy */
} queued_cmd;

typedef struct watched_key {
    int db;
    char *key;
    size_t len;
} watched_key;

struct rl_multi_state {
    queued_cmd *cmds;
    int count, cap;
    uint64_t cmd_flags; /* flags of the queued commands, ORed */
    watched_key *keys;
    size_t nkeys, capkeys;
};

static struct rl_multi_state *state_of(rl_client *c)
{
    if (!c->mstate) c->mstate = rl_calloc(1, sizeof(*c->mstate));
    return c->mstate;
}

static void free_queue(struct rl_multi_state *ms)
{
    for (int i = 0; i < ms->count; i++) {
        for (int j = 0; j < ms->cmds[i].argc; j++) rl_free((void *)ms->cmds[i].argv[j].ptr);
        rl_free(ms->cmds[i].argv);
    }
    rl_free(ms->cmds);
    ms->cmds = NULL;
    ms->count = ms->cap = 0;
    ms->cmd_flags = 0;
}

static void unwatch_all(rl_client *c)
{
    struct rl_multi_state *ms = c->mstate;
    if (!ms || ms->nkeys == 0) return;
    for (size_t i = 0; i < ms->nkeys; i++) rl_free(ms->keys[i].key);
    c->emu->watched_keys -= ms->nkeys;
    ms->nkeys = 0;
}

/* Redis's discardTransaction. */
static void discard_transaction(rl_client *c)
{
    if (c->mstate) free_queue(c->mstate);
    c->flags &= ~(RL_CLIENT_MULTI | RL_CLIENT_DIRTY_CAS | RL_CLIENT_DIRTY_EXEC);
    unwatch_all(c);
}

void rl_multi_client_free(rl_client *c)
{
    if (!c->mstate) return;
    discard_transaction(c);
    rl_free(c->mstate->keys);
    rl_free(c->mstate);
    c->mstate = NULL;
}

void rl_multi_flag(rl_client *c)
{
    if (c->flags & RL_CLIENT_MULTI) c->flags |= RL_CLIENT_DIRTY_EXEC;
}

int rl_multi_should_queue(const rl_client *c, const rl_command *cmd)
{
    return (c->flags & RL_CLIENT_MULTI) && cmd->proc != rl_cmd_exec &&
        cmd->proc != rl_cmd_discard && cmd->proc != rl_cmd_multi && cmd->proc != rl_cmd_watch;
}

void rl_multi_queue(rl_client *c, const rl_command *cmd, int argc, const rl_arg *argv,
                    uint64_t flags)
{
    /* As Redis: an aborted transaction keeps answering QUEUED but stores
     * nothing, since EXEC will not run it anyway. */
    if (!(c->flags & (RL_CLIENT_DIRTY_CAS | RL_CLIENT_DIRTY_EXEC))) {
        struct rl_multi_state *ms = state_of(c);
        if (ms->count == ms->cap) {
            ms->cap = ms->cap ? ms->cap * 2 : 2;
            ms->cmds = rl_realloc(ms->cmds, sizeof(*ms->cmds) * (size_t)ms->cap);
        }
        queued_cmd *q = &ms->cmds[ms->count++];
        q->cmd = cmd;
        q->argc = argc;
        q->argv = rl_malloc(sizeof(rl_arg) * (size_t)argc);
        for (int i = 0; i < argc; i++) {
            /* One byte more keeps even an empty argument a distinct block. */
            char *p = rl_malloc(argv[i].len + 1);
            memcpy(p, argv[i].ptr, argv[i].len);
            p[argv[i].len] = '\0';
            q->argv[i].ptr = p;
            q->argv[i].len = argv[i].len;
        }
        ms->cmd_flags |= flags;
    }
    rl_add_reply_status(c, "QUEUED");
}

uint64_t rl_multi_queued_flags(const rl_client *c)
{
    return (c->flags & RL_CLIENT_MULTI) && c->mstate ? c->mstate->cmd_flags : 0;
}

void rl_multi_exec_abort(rl_client *c, const char *err)
{
    discard_transaction(c);
    rl_add_reply_errorf(c, RL_ERRF_EXECABORT_BECAUSE, err);
}

/* --- Commands ----------------------------------------------------------------------- */

void rl_cmd_multi(rl_client *c)
{
    if (c->flags & RL_CLIENT_MULTI) {
        rl_add_reply_error(c, RL_ERR_MULTI_NESTED);
        return;
    }
    c->flags |= RL_CLIENT_MULTI;
    rl_add_reply_ok(c);
}

void rl_cmd_discard(rl_client *c)
{
    if (!(c->flags & RL_CLIENT_MULTI)) {
        rl_add_reply_error(c, RL_ERR_DISCARD_WITHOUT_MULTI);
        return;
    }
    discard_transaction(c);
    rl_add_reply_ok(c);
}

void rl_cmd_exec(rl_client *c)
{
    if (!(c->flags & RL_CLIENT_MULTI)) {
        rl_add_reply_error(c, RL_ERR_EXEC_WITHOUT_MULTI);
        return;
    }
    if (c->flags & RL_CLIENT_DIRTY_EXEC) {
        rl_add_reply_error(c, RL_ERR_EXECABORT);
        discard_transaction(c);
        return;
    }
    if (c->flags & RL_CLIENT_DIRTY_CAS) {
        rl_add_reply_null_array(c);
        discard_transaction(c);
        return;
    }
    /* Queued commands never block (BLPOP answers at once, BLMOVE with a null
     * bulk string), and the client's own writes no longer concern its
     * WATCHes. The queue is taken out of the state so that nothing a queued
     * command does can reach it. */
    int deny_blocking = c->flags & RL_CLIENT_DENY_BLOCKING;
    c->flags |= RL_CLIENT_DENY_BLOCKING;
    unwatch_all(c);
    struct rl_multi_state *ms = state_of(c);
    struct rl_multi_state queue = *ms;
    ms->cmds = NULL;
    ms->count = ms->cap = 0;
    rl_add_reply_array_len(c, queue.count);
    for (int i = 0; i < queue.count; i++)
        rl_command_exec(c, queue.cmds[i].cmd, queue.cmds[i].argc, queue.cmds[i].argv);
    if (!deny_blocking) c->flags &= ~RL_CLIENT_DENY_BLOCKING;
    free_queue(&queue);
    discard_transaction(c);
}

static int watching(const struct rl_multi_state *ms, int db, const char *key, size_t len)
{
    for (size_t i = 0; ms && i < ms->nkeys; i++) {
        const watched_key *wk = &ms->keys[i];
        if (wk->db == db && wk->len == len && memcmp(wk->key, key, len) == 0) return 1;
    }
    return 0;
}

void rl_cmd_watch(rl_client *c)
{
    if (c->flags & RL_CLIENT_MULTI) {
        rl_add_reply_error(c, RL_ERR_WATCH_IN_MULTI);
        return;
    }
    /* No point in watching more once a watched key was touched. */
    if (c->flags & RL_CLIENT_DIRTY_CAS) {
        rl_add_reply_ok(c);
        return;
    }
    struct rl_multi_state *ms = state_of(c);
    for (int j = 1; j < c->argc; j++) {
        const rl_arg *k = &c->argv[j];
        if (watching(ms, c->db, k->ptr, k->len)) continue;
        if (ms->nkeys == ms->capkeys) {
            ms->capkeys = ms->capkeys ? ms->capkeys * 2 : 4;
            ms->keys = rl_realloc(ms->keys, sizeof(*ms->keys) * ms->capkeys);
        }
        watched_key *wk = &ms->keys[ms->nkeys++];
        wk->db = c->db;
        wk->key = rl_memdup(k->ptr, k->len);
        wk->len = k->len;
        c->emu->watched_keys++;
    }
    rl_add_reply_ok(c);
}

void rl_cmd_unwatch(rl_client *c)
{
    unwatch_all(c);
    c->flags &= ~RL_CLIENT_DIRTY_CAS;
    rl_add_reply_ok(c);
}

/* --- Touching watched keys ---------------------------------------------------------- */

void rl_multi_touch_key(rl_emu *emu, int dbid, const char *key, size_t len)
{
    if (emu->watched_keys == 0) return;
    for (rl_client *c = emu->clients; c; c = c->next) {
        if (!watching(c->mstate, dbid, key, len)) continue;
        c->flags |= RL_CLIENT_DIRTY_CAS;
        /* Once dirty, the client's other WATCHes can only be dropped. */
        unwatch_all(c);
    }
}

void rl_multi_touch_db(rl_emu *emu, int emptied, int replaced_with)
{
    if (emu->watched_keys == 0) return;
    for (rl_client *c = emu->clients; c; c = c->next) {
        struct rl_multi_state *ms = c->mstate;
        for (size_t i = 0; ms && i < ms->nkeys; i++) {
            const watched_key *wk = &ms->keys[i];
            if (wk->db != emptied) continue;
            if (rl_db_find_raw(&emu->db[emptied], wk->key, wk->len) ||
                (replaced_with >= 0 && rl_db_find_raw(&emu->db[replaced_with], wk->key, wk->len))) {
                c->flags |= RL_CLIENT_DIRTY_CAS;
                break;
            }
        }
    }
}
