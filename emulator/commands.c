#include "commands.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errors.h"
#include "mem.h"
#include "multi.h"
#include "reply.h"
#include "util.h"

#define RL_CMD(name, arity, flags, first, last, step) \
    {#name, #name, rl_cmd_##name, arity, flags, first, last, step, NULL},
#define RL_CONTAINER(name, arity, flags) \
    {#name, #name, NULL, arity, (flags) | RL_CMD_CONTAINER, 0, 0, 0, NULL},
#define RL_SUBCMD(parent, name, arity, flags, first, last, step) \
    {#name, #parent "|" #name, rl_cmd_##parent##_##name, arity, flags, first, last, step, NULL},
static rl_command command_table[] = {
#include "cmd_all.def"
};
#undef RL_CMD
#undef RL_CONTAINER
#undef RL_SUBCMD

#define NUM_COMMANDS (sizeof(command_table) / sizeof(command_table[0]))

/* Lookup index: every command sorted by full name. Built once per process. */
static const rl_command *sorted[NUM_COMMANDS ? NUM_COMMANDS : 1];
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static int cmp_fullname(const void *a, const void *b)
{
    const rl_command *x = *(const rl_command *const *)a;
    const rl_command *y = *(const rl_command *const *)b;
    return strcmp(x->fullname, y->fullname);
}

static void build_index(void)
{
    for (size_t i = 0; i < NUM_COMMANDS; i++) {
        rl_command *cmd = &command_table[i];
        const char *bar = strchr(cmd->fullname, '|');
        if (bar) {
            size_t plen = (size_t)(bar - cmd->fullname);
            for (size_t j = 0; j < NUM_COMMANDS; j++) {
                if (strlen(command_table[j].fullname) == plen &&
                    memcmp(command_table[j].fullname, cmd->fullname, plen) == 0) {
                    cmd->parent = &command_table[j];
                    break;
                }
            }
        }
        sorted[i] = cmd;
    }
    qsort(sorted, NUM_COMMANDS, sizeof(sorted[0]), cmp_fullname);
}

static const rl_command *find_full(const char *name)
{
    size_t lo = 0, hi = NUM_COMMANDS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(sorted[mid]->fullname, name);
        if (c == 0) return sorted[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

#define MAX_NAME 64

/* Lowercases a name into buf; 0 if it cannot be a command name. */
static int lower_name(char *buf, size_t bufsize, const char *p, size_t len)
{
    if (len == 0 || len >= bufsize) return 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\0' || p[i] == '|') return 0;
        buf[i] = (char)tolower((unsigned char)p[i]);
    }
    buf[len] = '\0';
    return 1;
}

const rl_command *rl_command_lookup_name(const char *name, size_t len)
{
    char buf[MAX_NAME];
    pthread_once(&index_once, build_index);
    if (!lower_name(buf, sizeof(buf), name, len)) return NULL;
    return find_full(buf);
}

const rl_command *rl_command_lookup(int argc, const rl_arg *argv)
{
    if (argc < 1) return NULL;
    const rl_command *base = rl_command_lookup_name(argv[0].ptr, argv[0].len);
    if (!base || !(base->flags & RL_CMD_CONTAINER) || argc == 1) return base;
    char buf[2 * MAX_NAME + 1];
    size_t blen = strlen(base->fullname);
    memcpy(buf, base->fullname, blen);
    buf[blen] = '|';
    if (!lower_name(buf + blen + 1, sizeof(buf) - blen - 1, argv[1].ptr, argv[1].len))
        return NULL;
    return find_full(buf);
}

const rl_command *rl_command_at(size_t i)
{
    pthread_once(&index_once, build_index);
    return i < NUM_COMMANDS ? sorted[i] : NULL;
}

int rl_command_arity_ok(const rl_command *cmd, int argc)
{
    return cmd->arity > 0 ? argc == cmd->arity : argc >= -cmd->arity;
}

/* The bytes of a at most max, stopping at a NUL as C's "%.*s" does. */
static size_t cstr_len(const rl_arg *a, size_t max)
{
    size_t n = a->len < max ? a->len : max;
    const char *z = memchr(a->ptr, '\0', n);
    return z ? (size_t)(z - a->ptr) : n;
}

void rl_command_reply_unknown(rl_client *c, int argc, const rl_arg *argv)
{
    const rl_command *base = argc ? rl_command_lookup_name(argv[0].ptr, argv[0].len) : NULL;
    if (base && (base->flags & RL_CMD_CONTAINER) && argc >= 2) {
        char upper[MAX_NAME];
        size_t n = strlen(base->fullname);
        for (size_t i = 0; i <= n; i++) upper[i] = (char)toupper((unsigned char)base->fullname[i]);
        rl_add_reply_errorf(c, RL_ERRF_UNKNOWN_SUBCOMMAND, (int)cstr_len(&argv[1], 128),
                            argv[1].ptr, upper);
        return;
    }
    /* "'arg' " for each argument while the text is shorter than 128 bytes. */
    char args[512];
    size_t alen = 0;
    for (int i = 1; i < argc && alen < 128; i++) {
        size_t n = cstr_len(&argv[i], 128 - alen);
        args[alen++] = '\'';
        memcpy(args + alen, argv[i].ptr, n);
        alen += n;
        args[alen++] = '\'';
        args[alen++] = ' ';
    }
    args[alen] = '\0';
    rl_add_reply_errorf(c, RL_ERRF_UNKNOWN_COMMAND, (int)cstr_len(&argv[0], 128), argv[0].ptr,
                        args);
}

void rl_command_exec(rl_client *c, const rl_command *cmd, int argc, const rl_arg *argv)
{
    const rl_arg *saved_argv = c->argv;
    int saved_argc = c->argc;
    const rl_command *saved_cmd = c->cmd;
    c->argv = argv;
    c->argc = argc;
    c->cmd = cmd;
    struct rl_watch_snapshot *watch = rl_multi_watch_begin(c->emu, cmd);
    cmd->proc(c);
    rl_multi_watch_end(c->emu, watch);
    c->argv = saved_argv;
    c->argc = saved_argc;
    c->cmd = saved_cmd;
}

rl_reply *rl_client_take_reply(rl_client *c)
{
    rl_reply *r = c->rb.root;
    if (!r || c->rb.sp != 0) abort(); /* a handler left its reply unfinished: a bug */
    c->rb.root = NULL;
    return r;
}

/* --- Argument helpers ------------------------------------------------------ */

int rl_arg_is(const rl_arg *a, const char *s)
{
    size_t n = strlen(s);
    return a->len == n && strncasecmp(a->ptr, s, n) == 0;
}

int rl_arg_ll_or_reply(rl_client *c, const rl_arg *a, long long *out, const char *msg)
{
    if (!rl_string2ll(a->ptr, a->len, out)) {
        rl_add_reply_error(c, msg ? msg : RL_ERR_NOT_INTEGER);
        return RL_ERR;
    }
    return RL_OK;
}

int rl_arg_ll_range_or_reply(rl_client *c, const rl_arg *a, long long min, long long max,
                             long long *out, const char *msg)
{
    long long v;
    if (!rl_string2ll(a->ptr, a->len, &v) || v < min || v > max) {
        rl_add_reply_error(c, msg ? msg : RL_ERR_NOT_INTEGER);
        return RL_ERR;
    }
    *out = v;
    return RL_OK;
}

int rl_arg_int_or_reply(rl_client *c, const rl_arg *a, int *out, const char *msg)
{
    long long v;
    if (rl_arg_ll_or_reply(c, a, &v, msg) != RL_OK) return RL_ERR;
    if (v < INT_MIN || v > INT_MAX) {
        if (msg) rl_add_reply_error(c, msg);
        else rl_add_reply_errorf(c, RL_ERRF_INT_RANGE, (long)INT_MIN, (long)INT_MAX);
        return RL_ERR;
    }
    *out = (int)v;
    return RL_OK;
}

int rl_arg_double_or_reply(rl_client *c, const rl_arg *a, double *out, const char *msg)
{
    if (!rl_string2d(a->ptr, a->len, out)) {
        rl_add_reply_error(c, msg ? msg : RL_ERR_NOT_FLOAT);
        return RL_ERR;
    }
    return RL_OK;
}

int rl_arg_long_double_or_reply(rl_client *c, const rl_arg *a, long double *out,
                                const char *msg)
{
    if (!rl_string2ld(a->ptr, a->len, out)) {
        rl_add_reply_error(c, msg ? msg : RL_ERR_NOT_FLOAT);
        return RL_ERR;
    }
    return RL_OK;
}
