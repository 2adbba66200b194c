#include "server.h"

#include <stdarg.h>
#include <string.h>

#include "cluster.h"
#include "commands.h"
#include "coverage.h"
#include "db.h"
#include "errors.h"
#include "mem.h"
#include "metrics.h"
#include "multi.h"
#include "reply.h"
#include "util.h"

/* --- Server lifecycle --------------------------------------------------------- */

/* A seed's generator state: seed 0 keeps the state every emulator has
 * always started from, so existing runs draw the same numbers. */
static uint64_t rand_state_for(uint64_t seed)
{
    return 0x5DEECE66DULL ^ (seed * 0x9E3779B97F4A7C15ULL);
}

/* What rl_emu_new sets on a zeroed emulator. */
static void init_emu(rl_emu *emu)
{
    for (int i = 0; i < RL_NUM_DBS; i++) rl_db_init(&emu->db[i], i);
    emu->clock_ms = RL_DEFAULT_CLOCK_MS;
    emu->script_start_ms = -1;
    emu->script_timeout_ms = 5000;
    emu->busy_threshold_ms = 5000;
    emu->lua_memory_limit = RL_DEFAULT_LUA_MEMORY_LIMIT;
    emu->rand_state = rand_state_for(0);
    emu->client = rl_emu_client_new(emu);
}

rl_emu *rl_emu_new(void)
{
    rl_emu *emu = rl_calloc(1, sizeof(*emu));
    init_emu(emu);
    return emu;
}

void rl_emu_free(rl_emu *emu)
{
    if (!emu) return;
    rl_scripting_free(emu);
    rl_metrics_free(emu);
    rl_cluster_free(emu);
    for (int i = 0; i < RL_NUM_DBS; i++) rl_db_empty(&emu->db[i]);
    while (emu->clients) rl_emu_client_free(emu->clients);
    rl_cov_free_all(emu);
    rl_free(emu);
}

void rl_emu_reset(rl_emu *emu)
{
    /* Coverage and metrics record what the environment allocates and runs
     * from the moment they are turned on: only a new environment gives
     * them the same figures as a new emulator. */
    int keep_env = !emu->coverage_on && emu->coverage == NULL && emu->metrics == NULL;
    rl_scripting_reset(emu, keep_env);
    rl_metrics_free(emu);
    for (int i = 0; i < RL_NUM_DBS; i++) rl_db_empty(&emu->db[i]);
    while (emu->clients) rl_emu_client_free(emu->clients);
    rl_cov_free_all(emu);
    rl_cluster_free(emu);
    struct rl_scripting *scripting = emu->scripting;
    size_t lua_heap_bytes = emu->lua_heap_bytes; /* the kept environment's */
    size_t lua_heap_held = emu->lua_heap_held;
    memset(emu, 0, sizeof(*emu));
    emu->scripting = scripting;
    emu->lua_heap_bytes = lua_heap_bytes;
    emu->lua_heap_held = lua_heap_held;
    init_emu(emu);
}

int64_t rl_emu_expiry_now(const rl_emu *emu)
{
    return emu->script_start_ms >= 0 ? emu->script_start_ms : emu->clock_ms;
}

uint64_t rl_emu_random(rl_emu *emu)
{
    uint64_t z = (emu->rand_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void rl_emu_set_order_seed(rl_emu *emu, uint64_t seed)
{
    emu->order_seed = seed;
    emu->rand_state = rand_state_for(seed);
    rl_scripting_seed_changed(emu);
}

uint64_t rl_emu_order_seed(const rl_emu *emu)
{
    return emu->order_seed;
}

int rl_order_needs_sort(const rl_emu *emu, const rl_order *o)
{
    if (emu->order_seed == 0) return o->seed != 0;
    return o->seed != emu->order_seed || o->stale;
}

void rl_order_sorted(const rl_emu *emu, rl_order *o)
{
    o->seed = emu->order_seed;
    o->stale = 0;
}

/* FNV-1a over the bytes from a seed-dependent basis, then splitmix64's
 * finalizer, so that each seed gives an unrelated permutation. */
uint64_t rl_order_rank(const rl_emu *emu, const char *p, size_t len)
{
    uint64_t h = 0xCBF29CE484222325ULL ^ (emu->order_seed * 0x9E3779B97F4A7C15ULL);
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)p[i]) * 0x100000001B3ULL;
    h ^= emu->order_seed;
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
    h ^= h >> 31;
    return h ? h : 1;
}

void rl_emu_set_clock_ms(rl_emu *emu, int64_t ms)
{
    emu->clock_ms = ms;
    rl_db_active_expire(emu);
}

void rl_emu_advance_ms(rl_emu *emu, int64_t ms)
{
    if (ms > 0) rl_emu_set_clock_ms(emu, emu->clock_ms + ms);
}

int64_t rl_emu_clock_ms(const rl_emu *emu)
{
    return emu->clock_ms;
}

void rl_emu_set_script_timeout_ms(rl_emu *emu, int64_t ms)
{
    emu->script_timeout_ms = ms;
}

void rl_emu_set_busy_callback(rl_emu *emu, rl_busy_callback *fn, void *ud)
{
    emu->busy_cb = fn;
    emu->busy_ud = ud;
}

void rl_emu_set_busy_threshold_ms(rl_emu *emu, int64_t ms)
{
    emu->busy_threshold_ms = ms > 0 ? ms : 0;
}

int rl_emu_script_busy(const rl_emu *emu)
{
    return emu->busy_run != NULL;
}

void rl_emu_set_lua_memory_limit(rl_emu *emu, int64_t bytes)
{
    emu->lua_memory_limit = bytes > 0 ? bytes : 0;
}

void rl_emu_set_maxmemory(rl_emu *emu, int64_t bytes)
{
    emu->maxmemory = bytes > 0 ? bytes : 0;
}

size_t rl_emu_used_memory(const rl_emu *emu)
{
    size_t used = rl_mem_used();
    return used > emu->lua_heap_held ? used - emu->lua_heap_held : 0;
}

int rl_emu_over_maxmemory(const rl_emu *emu)
{
    return emu->maxmemory > 0 && rl_emu_used_memory(emu) > (size_t)emu->maxmemory;
}

void rl_emu_set_resp(rl_emu *emu, int proto)
{
    rl_emu_client_set_resp(emu->client, proto);
}

int rl_emu_resp(const rl_emu *emu)
{
    return rl_emu_client_resp(emu->client);
}

/* --- Clients and dispatch -------------------------------------------------------- */

rl_client *rl_client_new(rl_emu *emu)
{
    rl_client *c = rl_calloc(1, sizeof(*c));
    c->emu = emu;
    c->resp = 2;
    return c;
}

void rl_client_free(rl_client *c)
{
    if (!c) return;
    rl_multi_client_free(c);
    rl_reply_free(c->rb.root);
    rl_free(c);
}

rl_reply *rl_client_call(rl_client *c, int argc, const rl_arg *argv)
{
    const rl_command *cmd = rl_command_lookup(argc, argv);
    if (!cmd) {
        rl_command_reply_unknown(c, argc, argv);
        rl_multi_flag(c);
        return rl_client_take_reply(c);
    }
    if (!rl_command_arity_ok(cmd, argc)) {
        rl_add_reply_errorf(c, RL_ERRF_WRONG_ARITY, cmd->fullname);
        rl_multi_flag(c);
        return rl_client_take_reply(c);
    }
    if ((c->flags & RL_CLIENT_MULTI) && (cmd->flags & RL_CMD_NO_MULTI)) {
        rl_add_reply_error(c, RL_ERR_NO_MULTI_COMMAND);
        rl_multi_flag(c);
        return rl_client_take_reply(c);
    }
    if (rl_cluster_check_command(c, cmd, argc, argv) != RL_OK) {
        /* processCommand's cluster redirection: CROSSSLOT (every slot is
         * ours), which flags a transaction as every rejection does. A
         * transaction whose commands each keep to one slot but together
         * span several is not refused at EXEC, as Redis would. */
        rl_multi_flag(c);
        return rl_client_take_reply(c);
    }
    int is_exec = cmd->proc == rl_cmd_exec;
    if (rl_script_busy_reply(c, cmd)) {
        /* processCommand's busy-script gate replied; as every rejection it
         * flags a transaction, and an EXEC it rejects ends the transaction
         * with EXECABORT carrying the BUSY text (rejectCommand does that for
         * every EXEC, in a transaction or not). */
        rl_multi_flag(c);
        rl_reply *r = rl_client_take_reply(c);
        const char *busy = rl_script_busy_error(c->emu);
        if (is_exec && busy && strcmp(r->str, busy) == 0) {
            rl_reply_free(r);
            rl_multi_exec_abort(c, busy);
            return rl_client_take_reply(c);
        }
        return r;
    }
    /* processCommand's maxmemory gate (noeviction: nothing to evict), which
     * a busy script's callback skips. EXEC counts as deny-oom when a queued
     * command is; inside MULTI everything but EXEC and DISCARD is, since
     * queueing takes memory too. A script's own flags (a cache lookup) are
     * only read when the gate or the queue needs them. */
    int over = !c->emu->busy_run && rl_emu_over_maxmemory(c->emu);
    int queue = rl_multi_should_queue(c, cmd);
    uint64_t flags = over || queue ? rl_script_command_flags(c, cmd, argc, argv) : cmd->flags;
    int denyoom = (flags & RL_CMD_DENYOOM) ||
        (is_exec && (rl_multi_queued_flags(c) & RL_CMD_DENYOOM)) ||
        ((c->flags & RL_CLIENT_MULTI) && !is_exec && cmd->proc != rl_cmd_discard);
    if (over && denyoom) {
        rl_multi_flag(c);
        if (is_exec) rl_multi_exec_abort(c, RL_ERR_OOM);
        else rl_add_reply_error(c, RL_ERR_OOM);
    } else if (queue) {
        rl_multi_queue(c, cmd, argc, argv, flags);
    } else {
        rl_command_exec(c, cmd, argc, argv);
    }
    return rl_client_take_reply(c);
}

rl_emu_client *rl_emu_client_new(rl_emu *emu)
{
    rl_client *c = rl_client_new(emu);
    c->next = emu->clients;
    if (emu->clients) emu->clients->prev = c;
    emu->clients = c;
    return c;
}

void rl_emu_client_free(rl_emu_client *c)
{
    if (!c) return;
    if (c->prev) c->prev->next = c->next;
    else c->emu->clients = c->next;
    if (c->next) c->next->prev = c->prev;
    rl_client_free(c);
}

void rl_emu_client_set_resp(rl_emu_client *c, int proto)
{
    c->resp = proto == 3 ? 3 : 2;
}

int rl_emu_client_resp(const rl_emu_client *c)
{
    return c->resp;
}

rl_reply *rl_emu_call(rl_emu *emu, int argc, const char *const *argv, const size_t *argvlen)
{
    return rl_emu_client_call(emu->client, argc, argv, argvlen);
}

rl_reply *rl_emu_client_call(rl_emu_client *c, int argc, const char *const *argv,
                             const size_t *argvlen)
{
    static const rl_arg empty = { "", 0 };
    /* The cluster audit's issues are those of the last command a client
     * sent; a command sent while a script is busy does not end that one. */
    if (!c->emu->busy_run) rl_cluster_clear_issues(c->emu);
    if (argc < 1) return rl_client_call(c, 1, &empty);
    rl_arg stackv[16];
    rl_arg *args = argc <= 16 ? stackv : rl_malloc(sizeof(rl_arg) * (size_t)argc);
    for (int i = 0; i < argc; i++) {
        args[i].ptr = argv[i];
        args[i].len = argvlen[i];
    }
    rl_reply *r = rl_client_call(c, argc, args);
    if (args != stackv) rl_free(args);
    return r;
}

/* Runs the NULL-terminated C strings of ap on c. */
static rl_reply *client_callva(rl_client *c, va_list ap)
{
    const char *argv[64];
    size_t lens[64];
    int argc = 0;
    const char *s;
    while (argc < 64 && (s = va_arg(ap, const char *)) != NULL) {
        argv[argc] = s;
        lens[argc] = strlen(s);
        argc++;
    }
    return rl_emu_client_call(c, argc, argv, lens);
}

rl_reply *rl_emu_callv(rl_emu *emu, ...)
{
    va_list ap;
    va_start(ap, emu);
    rl_reply *r = client_callva(emu->client, ap);
    va_end(ap);
    return r;
}

rl_reply *rl_emu_client_callv(rl_emu_client *c, ...)
{
    va_list ap;
    va_start(ap, c);
    rl_reply *r = client_callva(c, ap);
    va_end(ap);
    return r;
}

/* --- Connection and server commands ---------------------------------------------- */

void rl_cmd_ping(rl_client *c)
{
    if (c->argc > 2) {
        rl_add_reply_errorf(c, RL_ERRF_WRONG_ARITY, c->cmd->fullname);
    } else if (c->argc == 2) {
        rl_add_reply_bulk(c, c->argv[1].ptr, c->argv[1].len);
    } else {
        rl_add_reply_status(c, "PONG");
    }
}

void rl_cmd_echo(rl_client *c)
{
    rl_add_reply_bulk(c, c->argv[1].ptr, c->argv[1].len);
}

void rl_cmd_time(rl_client *c)
{
    /* Floor division keeps the microseconds in [0, 999000] before 1970 too,
     * as gettimeofday's tv_usec would be. */
    int64_t ms = c->emu->clock_ms;
    int64_t sec = ms / 1000 - (ms % 1000 < 0);
    rl_add_reply_array_len(c, 2);
    rl_add_reply_bulk_long_long(c, sec);
    rl_add_reply_bulk_long_long(c, (ms - sec * 1000) * 1000);
}

void rl_cmd_select(rl_client *c)
{
    int id;
    if (rl_arg_int_or_reply(c, &c->argv[1], &id, NULL) != RL_OK) return;
    if (c->emu->cluster_mode && id != 0) {
        rl_add_reply_error(c, RL_ERR_CLUSTER_SELECT);
        return;
    }
    if (id < 0 || id >= RL_NUM_DBS) {
        rl_add_reply_error(c, RL_ERR_DB_INDEX);
        return;
    }
    c->db = id;
    rl_add_reply_ok(c);
}
