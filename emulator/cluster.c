/* Redis Cluster's rules, as a Redis 7.0 node applies them (cluster.h).
 *
 * Slots. A key's slot is the CRC16 (XMODEM: polynomial 0x1021, initial 0,
 * no reflection) of the key mod 16384. When the key holds a '{' followed,
 * later, by a '}' with at least one byte between them, only the bytes
 * between the first '{' and the first '}' after it are hashed (the hash
 * tag): "{user}.a" and "{user}.b" share a slot, "{}a" and "a{" do not use a
 * tag. This is Redis's keyHashSlot, and its results are pinned by unit tests
 * against values CLUSTER KEYSLOT gave on a real cluster node.
 *
 * Scripts. Redis 7.0 checks every command a script runs (script.c,
 * scriptVerifyClusterState): the command's own keys must share one slot
 * (else "Script attempted to access a non local key in a cluster node", the
 * answer getNodeByQuery's CROSSSLOT turns into), and, unless the script
 * runs in compatibility mode (no shebang) or declares allow-cross-slot-keys,
 * every command's slot must be the slot of the script's first keys: those
 * of EVAL/FCALL when it declared any (the caller's slot), else the first
 * command's. The strict mode adds what a multi-node cluster does to a
 * script routed by its KEYS: every other slot is served by another node, so
 * a key outside the KEYS' slot (any key when KEYS is empty) is non local,
 * unless the script declares allow-cross-slot-keys (its author then vouches
 * that the keys live together).
 *
 * Audit. Whatever the mode, when the audit is on, every redis.call records
 * the keys the script did not declare and the commands whose keys span
 * slots, with the line of the call in the script's chunk and what a strict
 * cluster would answer. Issues are kept per top-level command (the
 * dispatcher clears them) and each (kind, line, key) once, so a loop
 * reports a key once. */
#include "cluster.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "errors.h"
#include "lua_engine.h"
#include "mem.h"
#include "reply.h"
#include "scripts.h"
#include "util.h"

#define RL_CLUSTER_SLOTS 16384
/* At most this many issues are kept per top-level command. */
#define RL_CLUSTER_MAX_ISSUES 100

/* --- Slots ------------------------------------------------------------------------------ */

static uint16_t crc16_xmodem(const char *p, size_t len)
{
    uint16_t crc = 0;
    for (size_t i = 0; i < len; i++) {
        crc ^= (uint16_t)((unsigned char)p[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

unsigned int rl_key_hash_slot(const char *key, size_t len)
{
    const char *open = memchr(key, '{', len);
    if (open) {
        size_t start = (size_t)(open - key) + 1;
        const char *close = memchr(key + start, '}', len - start);
        if (close && close > key + start)
            return crc16_xmodem(key + start, (size_t)(close - key) - start) % RL_CLUSTER_SLOTS;
    }
    return crc16_xmodem(key, len) % RL_CLUSTER_SLOTS;
}

/* --- Keys of a command ------------------------------------------------------------------- */

/* Redis's genericGetKeys: the key count is read with atoi (so "2x" is 2),
 * and a count below 1 or beyond the arguments gives no key at all. */
static int numkeys_keys(int store, int count_at, int first, int argc, const rl_arg *argv, int *pos)
{
    if (count_at >= argc) return 0;
    char buf[32];
    size_t n = argv[count_at].len < sizeof(buf) - 1 ? argv[count_at].len : sizeof(buf) - 1;
    memcpy(buf, argv[count_at].ptr, n);
    buf[n] = '\0';
    int num = atoi(buf);
    if (num < 1 || num > argc - first) return 0;
    for (int i = 0; i < num; i++) pos[i] = first + i;
    if (store) pos[num++] = store;
    return num;
}

/* NUL-terminated comparison, as strcasecmp on Redis's sds arguments. */
static int arg_eq(const rl_arg *a, const char *s)
{
    size_t n = strlen(s);
    if (a->len < n) return 0;
    for (size_t i = 0; i < n; i++)
        if ((a->ptr[i] | 0x20) != s[i]) return 0;
    return a->len == n || a->ptr[n] == '\0';
}

/* sortGetKeys: the sorted key and the last STORE destination. */
static int sort_keys(int argc, const rl_arg *argv, int *pos)
{
    int num = 1, store = 0;
    pos[0] = 1;
    for (int i = 2; i < argc; i++) {
        if (arg_eq(&argv[i], "limit")) i += 2;
        else if (arg_eq(&argv[i], "get") || arg_eq(&argv[i], "by")) i += 1;
        else if (arg_eq(&argv[i], "store") && i + 1 < argc) store = i + 1;
    }
    if (store) pos[num++] = store;
    return num;
}

/* xreadGetKeys: the first half of the arguments after STREAMS. */
static int xread_keys(int argc, const rl_arg *argv, int *pos)
{
    int streams = -1;
    for (int i = 1; i < argc; i++) {
        if (arg_eq(&argv[i], "block") || arg_eq(&argv[i], "count")) {
            i++;
        } else if (arg_eq(&argv[i], "group")) {
            i += 2;
        } else if (arg_eq(&argv[i], "noack")) {
            continue;
        } else {
            if (arg_eq(&argv[i], "streams")) streams = i;
            break;
        }
    }
    int num = streams < 0 ? 0 : argc - streams - 1;
    if (num == 0 || num % 2 != 0) return 0;
    num /= 2;
    for (int i = 0; i < num; i++) pos[i] = streams + 1 + i;
    return num;
}

/* The legacy key range of the command's row (getKeysUsingLegacyRangeSpec). */
static int range_keys(const rl_command *cmd, int argc, int *pos)
{
    if (cmd->firstkey <= 0) return 0;
    int last = cmd->lastkey < 0 ? argc + cmd->lastkey : cmd->lastkey;
    int n = 0;
    for (int j = cmd->firstkey; j <= last; j += cmd->keystep) {
        if (j >= argc) return 0;
        pos[n++] = j;
    }
    return n;
}

int rl_command_key_positions(const rl_command *cmd, int argc, const rl_arg *argv, int *pos)
{
    static const struct {
        const char *name;
        int store, count_at, first;
    } numkeys_cmds[] = {
        { "eval", 0, 2, 3 },        { "eval_ro", 0, 2, 3 },     { "evalsha", 0, 2, 3 },
        { "evalsha_ro", 0, 2, 3 },  { "fcall", 0, 2, 3 },       { "fcall_ro", 0, 2, 3 },
        { "blmpop", 0, 2, 3 },      { "bzmpop", 0, 2, 3 },      { "lmpop", 0, 1, 2 },
        { "zmpop", 0, 1, 2 },       { "sintercard", 0, 1, 2 },  { "zintercard", 0, 1, 2 },
        { "zunion", 0, 1, 2 },      { "zinter", 0, 1, 2 },      { "zdiff", 0, 1, 2 },
        { "zunionstore", 1, 2, 3 }, { "zinterstore", 1, 2, 3 }, { "zdiffstore", 1, 2, 3 },
    };
    if (cmd->flags & RL_CMD_MOVABLE_KEYS) {
        for (size_t i = 0; i < sizeof(numkeys_cmds) / sizeof(numkeys_cmds[0]); i++) {
            if (strcmp(cmd->fullname, numkeys_cmds[i].name) == 0)
                return numkeys_keys(numkeys_cmds[i].store, numkeys_cmds[i].count_at,
                                    numkeys_cmds[i].first, argc, argv, pos);
        }
        if (strcmp(cmd->fullname, "sort") == 0) return sort_keys(argc, argv, pos);
        if (strcmp(cmd->fullname, "sort_ro") == 0) {
            pos[0] = 1;
            return 1;
        }
        if (strcmp(cmd->fullname, "xread") == 0 || strcmp(cmd->fullname, "xreadgroup") == 0)
            return xread_keys(argc, argv, pos);
    }
    return range_keys(cmd, argc, pos);
}

/* The slot shared by the keys at pos (-1 when n is 0); *cross gets the
 * index in pos of the first key in another slot, or -1. */
static int keys_slot(const rl_arg *argv, const int *pos, int n, int *cross)
{
    int slot = -1;
    *cross = -1;
    for (int i = 0; i < n; i++) {
        int s = (int)rl_key_hash_slot(argv[pos[i]].ptr, argv[pos[i]].len);
        if (slot < 0) {
            slot = s;
        } else if (s != slot && *cross < 0) {
            *cross = i;
        }
    }
    return slot;
}

/* The key positions of a command, in pos_stack when it is large enough. */
static int *get_positions(const rl_command *cmd, int argc, const rl_arg *argv, int *pos_stack,
                          int stack_n, int *n)
{
    int *pos = argc <= stack_n ? pos_stack : rl_malloc(sizeof(int) * (size_t)argc);
    *n = rl_command_key_positions(cmd, argc, argv, pos);
    return pos;
}

#define POS_STACK 16

int rl_cluster_check_command(rl_client *c, const rl_command *cmd, int argc, const rl_arg *argv)
{
    if (!c->emu->cluster_mode) return RL_OK;
    int pos_stack[POS_STACK], n, cross;
    int *pos = get_positions(cmd, argc, argv, pos_stack, POS_STACK, &n);
    keys_slot(argv, pos, n, &cross);
    if (pos != pos_stack) rl_free(pos);
    if (cross >= 0) {
        rl_add_reply_error(c, RL_ERR_CLUSTER_CROSSSLOT);
        return RL_ERR;
    }
    return RL_OK;
}

/* --- Scripts ---------------------------------------------------------------------------- */

/* run->keys_slot before it is computed. */
#define SLOT_UNKNOWN (-2)

/* Sets run->keys_slot and run->cluster_slot to the slot of the script's
 * keys and returns it; *cross gets the index of the first key in another
 * slot, or -1. */
static int script_keys_slot(rl_lua_run *run, int *cross)
{
    /* Redis binds the script to its caller's slot, the one the dispatcher
     * found for the declared keys (the transaction's, inside EXEC; redlua
     * takes the KEYS' there too). */
    int slot = -1;
    *cross = -1;
    for (long long i = 0; i < run->numkeys; i++) {
        int s = (int)rl_key_hash_slot(run->keys[i].ptr, run->keys[i].len);
        if (slot < 0) slot = s;
        else if (s != slot && *cross < 0) *cross = (int)i;
    }
    run->keys_slot = slot;
    run->cluster_slot = slot;
    return slot;
}

void rl_cluster_script_begin(rl_lua_run *run, const rl_arg *keys, long long numkeys, int flags)
{
    run->script_flags = flags;
    run->keys = keys;
    run->numkeys = numkeys;
    rl_emu *emu = run->caller->emu;
    /* Without cluster mode or the audit nothing reads the slots: they are
     * found on the first call that needs them (rl_cluster_script_call), so
     * a script pays no CRC16 per key when clusters are off. */
    if (!emu->cluster_mode && !emu->cluster_audit) {
        run->keys_slot = run->cluster_slot = SLOT_UNKNOWN;
        return;
    }
    int cross;
    int slot = script_keys_slot(run, &cross);
    if (cross >= 0 && emu->cluster_audit && !(flags & RL_SCRIPT_FLAG_NO_CLUSTER)) {
        rl_cluster_issue is = { RL_CLUSTER_ISSUE_KEYS_CROSS_SLOT,
                                0,
                                "",
                                keys[cross].ptr,
                                keys[cross].len,
                                (int)rl_key_hash_slot(keys[cross].ptr, keys[cross].len),
                                slot,
                                RL_ERR_CLUSTER_CROSSSLOT };
        rl_cluster_record(emu, &is);
    }
}

/* The line of the script's chunk that made the current call: the first Lua
 * frame of the chunk above redis.call (skipping C frames such as pcall).
 * When redis.call was called in tail position on an engine that drops the
 * caller's frame for it (LuaJIT), the last line run stands in for it, as in
 * the error handler (lua_env.c). */
static int call_line(lua_State *L, const rl_lua_env *env)
{
    lua_Debug ar;
    int level = 1;
    for (; level < 64 && lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar)) break;
        if (ar.currentline > 0 && strcmp(ar.source, env->chunk_source) == 0) return ar.currentline;
    }
    if (level == 1 && rl_engine_tail_call_drops_caller && env->run) return env->run->last_line;
    return 0;
}

static int is_declared(const rl_lua_run *run, const rl_arg *k)
{
    for (long long i = 0; i < run->numkeys; i++)
        if (run->keys[i].len == k->len && memcmp(run->keys[i].ptr, k->ptr, k->len) == 0) return 1;
    return 0;
}

/* What the strict cluster answers to a command of a script whose keys all
 * hash to slot (cross >= 0: they do not), or NULL when it runs it. */
static const char *strict_answer(const rl_lua_run *run, int slot, int cross)
{
    if (slot < 0) return NULL;
    if (cross >= 0) return RL_ERR_CLUSTER_SCRIPT_NON_LOCAL;
    if (run->script_flags & RL_SCRIPT_FLAG_ALLOW_CROSS_SLOT) return NULL;
    if (slot != run->keys_slot) return RL_ERR_CLUSTER_SCRIPT_NON_LOCAL;
    return NULL;
}

static void audit_call(lua_State *L, rl_lua_run *run, const rl_command *cmd, const rl_arg *argv,
                       const int *pos, int n, int slot, int cross, const char *answer)
{
    rl_emu *emu = run->caller->emu;
    int line = -1;
    for (int i = 0; i < n; i++) {
        const rl_arg *k = &argv[pos[i]];
        int is_cross = i == cross;
        if (!is_cross && is_declared(run, k)) continue;
        if (line < 0) line = call_line(L, rl_lua_env_get(L));
        int kslot = (int)rl_key_hash_slot(k->ptr, k->len);
        rl_cluster_issue is = { is_cross ? RL_CLUSTER_ISSUE_CROSS_SLOT
                                         : RL_CLUSTER_ISSUE_UNDECLARED_KEY,
                                line,
                                cmd->fullname,
                                k->ptr,
                                k->len,
                                kslot,
                                is_cross ? slot : run->keys_slot,
                                kslot == run->keys_slot && !is_cross ? NULL : answer };
        rl_cluster_record(emu, &is);
    }
}

const char *rl_cluster_script_call(lua_State *L, rl_lua_run *run, const rl_command *cmd, int argc,
                                   const rl_arg *argv)
{
    rl_emu *emu = run->caller->emu;
    int mode = emu->cluster_mode;
    int audit = emu->cluster_audit && !(run->script_flags & RL_SCRIPT_FLAG_NO_CLUSTER);
    if (!mode && !audit) return NULL;
    int pos_stack[POS_STACK], n, cross;
    /* Cluster mode or the audit was turned on while the script ran. */
    if (run->keys_slot == SLOT_UNKNOWN) script_keys_slot(run, &cross);
    int *pos = get_positions(cmd, argc, argv, pos_stack, POS_STACK, &n);
    int slot = keys_slot(argv, pos, n, &cross);
    const char *answer = strict_answer(run, slot, cross);
    if (audit) audit_call(L, run, cmd, argv, pos, n, slot, cross, answer);
    if (pos != pos_stack) rl_free(pos);
    if (!mode) return NULL;

    /* scriptVerifyClusterState on a node serving every slot. */
    if (cross >= 0) return RL_ERR_CLUSTER_SCRIPT_NON_LOCAL;
    if (mode == RL_CLUSTER_STRICT && answer) return answer;
    int allow_cross =
        run->script_flags & (RL_SCRIPT_FLAG_EVAL_COMPAT_MODE | RL_SCRIPT_FLAG_ALLOW_CROSS_SLOT);
    if (slot >= 0 && !allow_cross) {
        if (run->cluster_slot < 0) run->cluster_slot = slot;
        else if (run->cluster_slot != slot) return RL_ERR_CLUSTER_SCRIPT_CROSS_SLOT;
    }
    return NULL;
}

/* --- The audit's record ------------------------------------------------------------------ */

struct rl_cluster_audit {
    rl_cluster_issue *issues;
    size_t n, cap;
};

static void free_issues(struct rl_cluster_audit *a)
{
    for (size_t i = 0; i < a->n; i++) rl_free((char *)a->issues[i].key);
    a->n = 0;
}

void rl_cluster_record(rl_emu *emu, const rl_cluster_issue *is)
{
    if (!emu->cluster_issues) emu->cluster_issues = rl_calloc(1, sizeof(*emu->cluster_issues));
    struct rl_cluster_audit *a = emu->cluster_issues;
    for (size_t i = 0; i < a->n; i++) {
        const rl_cluster_issue *o = &a->issues[i];
        if (o->kind == is->kind && o->line == is->line && o->keylen == is->keylen &&
            memcmp(o->key, is->key, is->keylen) == 0)
            return;
    }
    if (a->n == RL_CLUSTER_MAX_ISSUES) return;
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 8;
        a->issues = rl_realloc(a->issues, a->cap * sizeof(*a->issues));
    }
    rl_cluster_issue *dst = &a->issues[a->n++];
    *dst = *is;
    dst->key = rl_memdup(is->key, is->keylen);
}

void rl_cluster_clear_issues(rl_emu *emu)
{
    if (emu->cluster_issues) free_issues(emu->cluster_issues);
}

void rl_cluster_free(rl_emu *emu)
{
    if (!emu->cluster_issues) return;
    free_issues(emu->cluster_issues);
    rl_free(emu->cluster_issues->issues);
    rl_free(emu->cluster_issues);
    emu->cluster_issues = NULL;
}

size_t rl_emu_last_cluster_issues(const rl_emu *emu, const rl_cluster_issue **issues)
{
    if (!emu->cluster_issues || emu->cluster_issues->n == 0) {
        *issues = NULL;
        return 0;
    }
    *issues = emu->cluster_issues->issues;
    return emu->cluster_issues->n;
}

void rl_emu_set_cluster(rl_emu *emu, int mode)
{
    emu->cluster_mode = mode == RL_CLUSTER_ON || mode == RL_CLUSTER_STRICT ? mode : RL_CLUSTER_OFF;
}

int rl_emu_cluster(const rl_emu *emu)
{
    return emu->cluster_mode;
}

void rl_emu_set_cluster_audit(rl_emu *emu, int on)
{
    emu->cluster_audit = on != 0;
}

/* --- CLUSTER ----------------------------------------------------------------------------- */

void rl_cmd_cluster_keyslot(rl_client *c)
{
    if (!c->emu->cluster_mode) {
        rl_add_reply_error(c, RL_ERR_CLUSTER_DISABLED);
        return;
    }
    rl_add_reply_long_long(c, rl_key_hash_slot(c->argv[2].ptr, c->argv[2].len));
}
