#include <stdlib.h>

#include "backend.h"
#include "mem.h"
#include "redlua.h"
#include "script_coverage.h"

static int emu_set_limits(rl_backend *b, const rl_backend_limits *l)
{
    if (l->timeout_ms >= 0) rl_emu_set_script_timeout_ms(b->ctx, l->timeout_ms);
    if (l->lua_memory_bytes >= 0) rl_emu_set_lua_memory_limit(b->ctx, l->lua_memory_bytes);
    if (l->maxmemory >= 0) rl_emu_set_maxmemory(b->ctx, l->maxmemory);
    if (l->busy_threshold_ms >= 0) rl_emu_set_busy_threshold_ms(b->ctx, l->busy_threshold_ms);
    return 0;
}

static int emu_reset(rl_backend *b)
{
    if (b->coverage != NULL) rl_coverage_add_emu(b->coverage, b->ctx);
    rl_emu_reset(b->ctx);
    if (b->coverage != NULL) rl_emu_set_coverage(b->ctx, 1);
    if (b->has_script_timeout) rl_emu_set_script_timeout_ms(b->ctx, b->script_timeout_ms);
    if (b->metrics_on) rl_emu_set_metrics(b->ctx, 1);
    rl_emu_set_order_seed(b->ctx, b->order_seed);
    rl_emu_set_cluster(b->ctx, b->cluster_mode);
    rl_emu_set_cluster_audit(b->ctx, 1);
    return emu_set_limits(b, &b->defaults);
}

static int emu_set_script_timeout(rl_backend *b, int64_t ms)
{
    b->script_timeout_ms = ms;
    b->has_script_timeout = 1;
    rl_emu_set_script_timeout_ms(b->ctx, ms);
    return 0;
}

static rl_reply *emu_call(rl_backend *b, int argc, const char *const *argv, const size_t *argvlen)
{
    return rl_emu_call(b->ctx, argc, argv, argvlen);
}

/* A call_busy in progress: the commands and where their replies go. */
typedef struct busy_call {
    size_t n;
    const rl_backend_cmd *cmds;
    rl_reply **replies;
    int sent;
} busy_call;

/* The busy callback: the first time the script is busy, sends every command
 * from a fresh client, as a second connection would. */
static void emu_on_busy(rl_emu *emu, void *ud)
{
    busy_call *bc = ud;
    if (bc->sent) return;
    bc->sent = 1;
    rl_emu_client *c = rl_emu_client_new(emu);
    for (size_t i = 0; i < bc->n; i++)
        bc->replies[i] =
            rl_emu_client_call(c, bc->cmds[i].argc, bc->cmds[i].argv, bc->cmds[i].argvlen);
    rl_emu_client_free(c);
}

static rl_reply *emu_call_busy(rl_backend *b, int argc, const char *const *argv,
                               const size_t *argvlen, size_t nbusy, const rl_backend_cmd *busy,
                               rl_reply **busy_replies)
{
    busy_call bc = { nbusy, busy, busy_replies, 0 };
    for (size_t i = 0; i < nbusy; i++) busy_replies[i] = NULL;
    rl_emu_set_busy_callback(b->ctx, emu_on_busy, &bc);
    rl_reply *r = rl_emu_call(b->ctx, argc, argv, argvlen);
    rl_emu_set_busy_callback(b->ctx, NULL, NULL);
    return r;
}

static int emu_set_clock(rl_backend *b, int64_t ms)
{
    rl_emu_set_clock_ms(b->ctx, ms);
    return 0;
}

static int emu_advance(rl_backend *b, int64_t ms)
{
    rl_emu_advance_ms(b->ctx, ms);
    return 0;
}

static const char *emu_traceback(rl_backend *b)
{
    return rl_emu_last_traceback(b->ctx);
}

static const char *emu_log(rl_backend *b)
{
    return rl_emu_last_log(b->ctx);
}

static const rl_metrics *emu_metrics(rl_backend *b)
{
    return rl_emu_metrics(b->ctx);
}

static void emu_metrics_reset(rl_backend *b)
{
    rl_emu_metrics_reset(b->ctx);
}

static size_t emu_cluster_issues(rl_backend *b, const rl_cluster_issue **issues)
{
    return rl_emu_last_cluster_issues(b->ctx, issues);
}

static void emu_free(rl_backend *b)
{
    if (b->coverage != NULL) rl_coverage_add_emu(b->coverage, b->ctx);
    rl_emu_free(b->ctx);
    rl_free(b);
}

rl_backend *rl_backend_emu_new(void)
{
    rl_backend *b = rl_calloc(1, sizeof(*b));
    b->name = "emulator";
    b->has_clock = 1;
    b->ctx = rl_emu_new();
    b->reset = emu_reset;
    b->call = emu_call;
    b->set_clock_ms = emu_set_clock;
    b->advance_ms = emu_advance;
    b->last_traceback = emu_traceback;
    b->last_log = emu_log;
    b->free = emu_free;
    b->set_script_timeout_ms = emu_set_script_timeout;
    b->set_limits = emu_set_limits;
    b->last_cluster_issues = emu_cluster_issues;
    b->has_order_seed = 1;
    b->defaults = (rl_backend_limits){ -1, -1, -1, -1 };
    b->metrics = emu_metrics;
    b->metrics_reset = emu_metrics_reset;
    b->call_busy = emu_call_busy;
    return b;
}
