#include "commands.h"

#include <ctype.h>
#include <errno.h>
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
    { #name, #name, rl_cmd_##name, arity, flags, first, last, step, NULL },
#define RL_CONTAINER(name, arity, flags) \
    { #name, #name, NULL, arity, (flags) | RL_CMD_CONTAINER, 0, 0, 0, NULL },
#define RL_SUBCMD(parent, name, arity, flags, first, last, step) \
    { #name, #parent "|" #name, rl_cmd_##parent##_##name, arity, flags, first, last, step, NULL },
static rl_command command_table[] = {
#include "cmd_all.def"
};
#undef RL_CMD
#undef RL_CONTAINER
#undef RL_SUBCMD

#define NUM_COMMANDS (sizeof(command_table) / sizeof(command_table[0]))

/* Lookup indexes, built once per process: every command sorted by full
 * name (for listing), and an open-addressing hash table on the lowercased
 * full name, so that a lookup (every command, every redis.call) hashes the
 * name once, without copying or lowercasing it first. */
static const rl_command *sorted[NUM_COMMANDS ? NUM_COMMANDS : 1];
#define HASH_SLOTS 2048
_Static_assert(NUM_COMMANDS * 2 < HASH_SLOTS, "the command hash table must stay sparse");
static struct {
    const rl_command *cmd;
    uint32_t hash;
} hashed[HASH_SLOTS];
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static int cmp_fullname(const void *a, const void *b)
{
    const rl_command *x = *(const rl_command *const *)a;
    const rl_command *y = *(const rl_command *const *)b;
    return strcmp(x->fullname, y->fullname);
}

/* ASCII lowercase: command names are matched as the C locale's tolower
 * would (the emulator never sets a locale). */
static unsigned char lower_byte(unsigned char ch)
{
    return ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch + ('a' - 'A')) : ch;
}

/* FNV-1a over lowercased bytes. */
static uint32_t hash_lower(uint32_t h, const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        h ^= lower_byte((unsigned char)p[i]);
        h *= 16777619u;
    }
    return h;
}

#define HASH_SEED 2166136261u

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
        uint32_t h = hash_lower(HASH_SEED, cmd->fullname, strlen(cmd->fullname));
        size_t slot = h & (HASH_SLOTS - 1);
        while (hashed[slot].cmd) slot = (slot + 1) & (HASH_SLOTS - 1);
        hashed[slot].cmd = cmd;
        hashed[slot].hash = h;
    }
    qsort(sorted, NUM_COMMANDS, sizeof(sorted[0]), cmp_fullname);
}

#define MAX_NAME 64

/* 1 when the lowercase NUL-terminated full equals name (len bytes, no
 * NUL) without case. */
static int name_equal(const char *full, const char *name, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)full[i] != lower_byte((unsigned char)name[i])) return 0;
    return full[len] == '\0';
}

/* The command whose full name is prefix (already lowercase; "" for a
 * top-level name), then '|' when there is a prefix, then name compared
 * without case; NULL if none. A name holding NUL or '|', empty, or longer
 * than any command name, never matches. */
static const rl_command *find_hashed(const char *prefix, size_t plen, const char *name, size_t len)
{
    if (len == 0 || len >= MAX_NAME) return NULL;
    uint32_t h = HASH_SEED;
    if (plen) h = hash_lower(hash_lower(h, prefix, plen), "|", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (ch == '\0' || ch == '|') return NULL;
        h = (h ^ lower_byte(ch)) * 16777619u;
    }
    for (size_t slot = h & (HASH_SLOTS - 1); hashed[slot].cmd;
         slot = (slot + 1) & (HASH_SLOTS - 1)) {
        if (hashed[slot].hash != h) continue;
        const char *full = hashed[slot].cmd->fullname;
        if (plen) {
            if (memcmp(full, prefix, plen) != 0 || full[plen] != '|') continue;
            full += plen + 1;
        }
        if (name_equal(full, name, len)) return hashed[slot].cmd;
    }
    return NULL;
}

/* The names found last, by their exact bytes, per thread: a test suite
 * sends the same few commands over and over (every EVALSHA, every
 * redis.call), and a hit costs one compare instead of hashing the name and
 * comparing it again without case. A slot per length and end bytes. The
 * command table is fixed, so an answer never goes stale; a container is
 * kept too, its subcommand being found by rl_command_lookup from the next
 * argument. */
#define MEMO_SLOTS 64
#define MEMO_NAME 24
typedef struct {
    const rl_command *cmd;
    size_t len; /* 0: empty */
    char name[MEMO_NAME];
} name_memo;
static _Thread_local name_memo memo[MEMO_SLOTS];

/* The table's answer for a name the memo did not have; kept in the memo's
 * slot m (NULL: too long to keep) when the name is a command. */
static __attribute__((noinline)) const rl_command *lookup_and_keep(name_memo *m, const char *name,
                                                                   size_t len)
{
    pthread_once(&index_once, build_index);
    const rl_command *cmd = find_hashed("", 0, name, len);
    if (m && cmd) {
        m->cmd = cmd;
        m->len = len;
        memcpy(m->name, name, len);
    }
    return cmd;
}

/* The memo's answer, compared byte by byte inline (names are short; a
 * call to memcmp cost more than the loop), else the table's. */
static inline const rl_command *lookup_name(const char *name, size_t len)
{
    if (len == 0 || len > MEMO_NAME) return lookup_and_keep(NULL, name, len);
    name_memo *m =
        &memo[(len * 7 + (unsigned char)name[0] + (unsigned char)name[len - 1]) & (MEMO_SLOTS - 1)];
    if (m->len != len) return lookup_and_keep(m, name, len);
    for (size_t i = 0; i < len; i++)
        if (m->name[i] != name[i]) return lookup_and_keep(m, name, len);
    return m->cmd;
}

const rl_command *rl_command_lookup_name(const char *name, size_t len)
{
    return lookup_name(name, len);
}

/* A container's subcommand named by sub; out of line, so that the usual
 * lookup (a memo hit) sets up no stack frame. */
static __attribute__((noinline)) const rl_command *lookup_subcommand(const rl_command *base,
                                                                     const rl_arg *sub)
{
    return find_hashed(base->fullname, strlen(base->fullname), sub->ptr, sub->len);
}

const rl_command *rl_command_lookup(int argc, const rl_arg *argv)
{
    if (argc < 1) return NULL;
    const rl_command *base = lookup_name(argv[0].ptr, argv[0].len);
    if (!base || !(base->flags & RL_CMD_CONTAINER) || argc == 1) return base;
    return lookup_subcommand(base, &argv[1]);
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
    cmd->proc(c);
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

int rl_arg_scan_cursor_or_reply(rl_client *c, const rl_arg *a, unsigned long *cursor)
{
    char *s = rl_memdup(a->ptr, a->len);
    char *end;
    errno = 0;
    *cursor = strtoul(s, &end, 10);
    int bad = isspace((unsigned char)s[0]) || *end != '\0' || errno == ERANGE;
    rl_free(s);
    if (bad) {
        rl_add_reply_error(c, RL_ERR_INVALID_CURSOR);
        return RL_ERR;
    }
    return RL_OK;
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

int rl_arg_long_double_or_reply(rl_client *c, const rl_arg *a, long double *out, const char *msg)
{
    if (!rl_string2ld(a->ptr, a->len, out)) {
        rl_add_reply_error(c, msg ? msg : RL_ERR_NOT_FLOAT);
        return RL_ERR;
    }
    return RL_OK;
}
