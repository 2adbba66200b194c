/* Script metrics: counts of what scripts do (metrics.h, redlua.h). */
#include "metrics.h"

#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "db.h"
#include "keyspecs.h"
#include "mem.h"
#include "rl_uthash.h"

struct metrics_cmd {
    const rl_command *cmd;
    uint64_t calls, pcalls;
};

/* A distinct key: hkey is the database number's byte, then the name. */
struct metrics_keyent {
    char *hkey;
    size_t hlen;
    unsigned access;
    UT_hash_handle hh;
};

void rl_emu_set_metrics(rl_emu *emu, int on)
{
    rl_metrics_free(emu);
    if (on) {
        emu->metrics = rl_calloc(1, sizeof(rl_metrics_state));
        emu->metrics->m.lua_heap_peak = emu->lua_heap_bytes;
    }
}

static void clear_views(rl_metrics_state *s)
{
    rl_free(s->cmd_view);
    rl_free(s->key_view);
    s->cmd_view = NULL;
    s->key_view = NULL;
}

void rl_emu_metrics_reset(rl_emu *emu)
{
    if (emu->metrics) rl_emu_set_metrics(emu, 1);
}

void rl_metrics_free(rl_emu *emu)
{
    rl_metrics_state *s = emu->metrics;
    if (!s) return;
    struct metrics_keyent *e, *tmp;
    HASH_ITER(hh, s->keys, e, tmp)
    {
        HASH_DEL(s->keys, e);
        rl_free(e->hkey);
        rl_free(e);
    }
    clear_views(s);
    rl_free(s->cmds);
    rl_free(s);
    emu->metrics = NULL;
}

typedef struct key_visit_ctx {
    rl_metrics_state *s;
    int db;
    const rl_arg *argv;
} key_visit_ctx;

static void add_key(void *ud, int argi, unsigned flags)
{
    key_visit_ctx *k = ud;
    const rl_arg *a = &k->argv[argi];
    unsigned access = (RL_KEY_IS_READ(flags) ? RL_METRICS_KEY_READ : 0) |
        (RL_KEY_IS_WRITTEN(flags) ? RL_METRICS_KEY_WRITTEN : 0);
    if (access == 0) return; /* a shard channel, not a key */
    size_t hlen = a->len + 1;
    char stackbuf[128];
    char *hkey = hlen <= sizeof(stackbuf) ? stackbuf : rl_malloc(hlen);
    hkey[0] = (char)k->db;
    memcpy(hkey + 1, a->ptr, a->len);
    struct metrics_keyent *e;
    HASH_FIND(hh, k->s->keys, hkey, hlen, e);
    if (!e) {
        e = rl_calloc(1, sizeof(*e));
        e->hkey = rl_malloc(hlen + 1);
        memcpy(e->hkey, hkey, hlen);
        e->hkey[hlen] = '\0';
        e->hlen = hlen;
        HASH_ADD_KEYPTR(hh, k->s->keys, e->hkey, e->hlen, e);
    }
    e->access |= access;
    if (hkey != stackbuf) rl_free(hkey);
}

void rl_metrics_count_command(rl_emu *emu, rl_client *c, const rl_command *cmd, int argc,
                              const rl_arg *argv, const rl_reply *reply, int pcall)
{
    rl_metrics_state *s = emu->metrics;
    struct metrics_cmd *mc = NULL;
    for (size_t i = 0; i < s->ncmds && !mc; i++)
        if (s->cmds[i].cmd == cmd) mc = &s->cmds[i];
    if (!mc) {
        if (s->ncmds == s->cmds_cap) {
            s->cmds_cap = s->cmds_cap ? 2 * s->cmds_cap : 8;
            s->cmds = rl_realloc(s->cmds, s->cmds_cap * sizeof(*s->cmds));
        }
        mc = &s->cmds[s->ncmds++];
        memset(mc, 0, sizeof(*mc));
        mc->cmd = cmd;
    }
    if (pcall) {
        mc->pcalls++;
        s->m.pcalls++;
    } else {
        mc->calls++;
        s->m.calls++;
    }
    for (int i = 0; i < argc; i++) s->m.bytes_in += argv[i].len;
    size_t len = 0;
    rl_free(rl_reply_to_resp(reply, c->resp, &len));
    s->m.bytes_out += len;
    /* The database the command ran in: SELECT inside a script changes it
     * for the commands after it. */
    key_visit_ctx k = { s, c->db, argv };
    rl_command_keys(cmd, argc, argv, add_key, &k);
}

static int cmp_cmd(const void *a, const void *b)
{
    return strcmp(((const rl_metrics_command *)a)->name, ((const rl_metrics_command *)b)->name);
}

static int cmp_key(const void *a, const void *b)
{
    const rl_metrics_key *x = a, *y = b;
    if (x->db != y->db) return x->db < y->db ? -1 : 1;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->name, y->name, n);
    if (c) return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

const rl_metrics *rl_emu_metrics(rl_emu *emu)
{
    rl_metrics_state *s = emu->metrics;
    if (!s) return NULL;
    clear_views(s);
    s->cmd_view = rl_calloc(s->ncmds ? s->ncmds : 1, sizeof(rl_metrics_command));
    for (size_t i = 0; i < s->ncmds; i++) {
        s->cmd_view[i].name = s->cmds[i].cmd->fullname;
        s->cmd_view[i].calls = s->cmds[i].calls;
        s->cmd_view[i].pcalls = s->cmds[i].pcalls;
    }
    qsort(s->cmd_view, s->ncmds, sizeof(rl_metrics_command), cmp_cmd);
    size_t nkeys = HASH_COUNT(s->keys);
    s->key_view = rl_calloc(nkeys ? nkeys : 1, sizeof(rl_metrics_key));
    s->m.keys_read = s->m.keys_written = 0;
    size_t i = 0;
    struct metrics_keyent *e, *tmp;
    HASH_ITER(hh, s->keys, e, tmp)
    {
        rl_metrics_key *k = &s->key_view[i++];
        k->db = (unsigned char)e->hkey[0];
        k->access = e->access;
        k->len = e->hlen - 1;
        k->name = e->hkey + 1;
        s->m.keys_read += (e->access & RL_METRICS_KEY_READ) != 0;
        s->m.keys_written += (e->access & RL_METRICS_KEY_WRITTEN) != 0;
    }
    qsort(s->key_view, nkeys, sizeof(rl_metrics_key), cmp_key);
    s->m.commands = s->cmd_view;
    s->m.ncommands = s->ncmds;
    s->m.keys = s->key_view;
    s->m.nkeys = nkeys;
    s->m.keyspace_keys = 0;
    for (int d = 0; d < RL_NUM_DBS; d++) s->m.keyspace_keys += (uint64_t)rl_db_size(&emu->db[d]);
    return &s->m;
}
