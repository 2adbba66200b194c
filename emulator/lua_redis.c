/* The redis.* API and the reply <-> Lua conversions.
 *
 * Tables are built with the same sequence of lua_newtable/lua_settable calls
 * as Redis's script_lua.c, so that on PUC Lua their pairs() order (which
 * depends on the insertion history) is Redis's too. A table that gets one
 * field is made with lua_createtable(L, 0, 1): the one-node hash part that
 * Redis's first lua_settable grows it to, without the resize.
 *
 * The tables are fresh and have no metatable, so their fields are set with
 * lua_rawset, which stores exactly what lua_settable would (same key, same
 * node, same order) without the metamethod lookup. The field names
 * redis.call's conversion uses ("ok", "map", ...) and the common status
 * text "OK" are interned once, as upvalues of redis.call and redis.pcall
 * (scripts cannot see upvalues: the debug library is gone), and pushed with
 * lua_pushvalue instead of being hashed and looked up on every reply; not
 * on LuaJIT, whose pairs() order would change if these strings were
 * interned before a script's own (rl_engine_order_follows_interning).
 *
 * Memory discipline at the Lua boundary: the argv array and the reply tree
 * of redis.call are freed before lua_error is called (lua_error longjmps).
 * Lua allocations can fail while a script runs (the Lua memory limit,
 * lua_env.h), so redis.call converts a reply under rl_lua_env_mem_grace. */
#include "lua_redis.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "commands.h"
#include "errors.h"
#include "lua_engine.h"
#include "lua_env.h"
#include "mem.h"
#include "metrics.h"
#include "sha1.h"
#include "util.h"

#define REDIS_VERSION "7.0.15"
#define REDIS_VERSION_NUM 0x07000f

/* Log levels (LL_*) and the default verbosity (notice) below which Redis
 * drops a redis.log line. */
#define LOG_DEBUG 0
#define LOG_VERBOSE 1
#define LOG_NOTICE 2
#define LOG_WARNING 3
#define LOG_VERBOSITY LOG_NOTICE

/* Replication flags of redis.set_repl. */
#define REPL_AOF 1
#define REPL_REPLICA 2

/* --- Error tables ------------------------------------------------------------ */

void rl_lua_push_error_table(lua_State *L, const char *text)
{
    lua_createtable(L, 0, 1);
    lua_pushstring(L, "err");
    lua_pushstring(L, text);
    lua_rawset(L, -3);
}

static int is_crlf(char ch)
{
    return ch == '\r' || ch == '\n';
}

/* {err = code .. " " .. msg}, msg (len bytes) trimmed of CR/LF at both
 * ends (sdstrim). */
static void push_error_code_msg(lua_State *L, const char *code, size_t codelen, const char *msg,
                                size_t len)
{
    while (len && is_crlf(*msg)) {
        msg++;
        len--;
    }
    while (len && is_crlf(msg[len - 1])) len--;
    lua_createtable(L, 0, 1);
    lua_pushstring(L, "err");
    lua_pushlstring(L, code, codelen);
    lua_pushlstring(L, " ", 1);
    lua_pushlstring(L, msg, len);
    lua_concat(L, 3);
    lua_rawset(L, -3);
}

/* The "-CODE msg" form, given without its '-' (len bytes, of which a NUL
 * ends the text as it ends a C string): the code ends at the first space;
 * with no space the whole text is the message and the code is ERR. */
static void push_error_dashed(lua_State *L, const char *err, size_t len)
{
    const char *nul = memchr(err, '\0', len);
    if (nul) len = (size_t)(nul - err);
    const char *sp = memchr(err, ' ', len);
    if (!sp) push_error_code_msg(L, "ERR", 3, err, len);
    else push_error_code_msg(L, err, (size_t)(sp - err), sp + 1, len - (size_t)(sp + 1 - err));
}

/* Marks the error table on top as already counted in the error stats, as
 * Redis does for errors coming from a command or its checks. */
static void set_ignore_stats(lua_State *L)
{
    lua_pushstring(L, "ignore_error_stats_update");
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
}

/* --- Redis reply -> Lua ----------------------------------------------------------- */

/* The upvalues of redis.call and redis.pcall: interned names, in this
 * order (call_names). push_reply runs only inside those two functions. */
enum {
    UP_OK = 1,
    UP_OK_TEXT, /* "OK", the usual status text */
    UP_DOUBLE,
    UP_BIG_NUMBER,
    UP_VERBATIM_STRING,
    UP_STRING,
    UP_FORMAT,
    UP_MAP,
    UP_SET,
    UP_COUNT = UP_SET
};

static const char *const call_names[UP_COUNT] = {
    "ok", "OK", "double", "big_number", "verbatim_string", "string", "format", "map", "set"
};

static void push_name(lua_State *L, int up)
{
    if (rl_engine_order_follows_interning) lua_pushstring(L, call_names[up - 1]);
    else lua_pushvalue(L, lua_upvalueindex(up));
}

/* Pushes the scalar r (any type but the aggregates) as push_reply does,
 * using at most 5 stack slots, which the caller has made sure of. */
static void push_scalar(lua_State *L, const rl_reply *r, int resp)
{
    switch (r->type) {
    case RL_REPLY_STATUS:
        lua_createtable(L, 0, 1);
        push_name(L, UP_OK);
        if (r->len == 2 && r->str[0] == 'O' && r->str[1] == 'K') push_name(L, UP_OK_TEXT);
        else lua_pushlstring(L, r->str, r->len);
        lua_rawset(L, -3);
        break;
    case RL_REPLY_ERROR:
        push_error_dashed(L, r->str, r->len);
        set_ignore_stats(L);
        break;
    case RL_REPLY_INTEGER: lua_pushnumber(L, (lua_Number)r->integer); break;
    case RL_REPLY_BULK: lua_pushlstring(L, r->str, r->len); break;
    case RL_REPLY_NIL:
    case RL_REPLY_NIL_ARRAY:
        if (resp == 2) lua_pushboolean(L, 0);
        else lua_pushnil(L);
        break;
    case RL_REPLY_BOOL: lua_pushboolean(L, r->integer != 0); break;
    case RL_REPLY_DOUBLE:
        lua_newtable(L);
        push_name(L, UP_DOUBLE);
        lua_pushnumber(L, r->dval);
        lua_rawset(L, -3);
        break;
    case RL_REPLY_BIGNUM:
        lua_newtable(L);
        push_name(L, UP_BIG_NUMBER);
        lua_pushlstring(L, r->str, r->len);
        lua_rawset(L, -3);
        break;
    case RL_REPLY_VERB:
        lua_newtable(L);
        push_name(L, UP_VERBATIM_STRING);
        lua_newtable(L);
        push_name(L, UP_STRING);
        lua_pushlstring(L, r->str, r->len);
        lua_rawset(L, -3);
        push_name(L, UP_FORMAT);
        lua_pushlstring(L, r->vtype, 3);
        lua_rawset(L, -3);
        lua_rawset(L, -3);
        break;
    default: abort(); /* an aggregate: push_reply's */
    }
}

/* Pushes r converted as redisProtocolToLuaType does; resp is the protocol
 * the script's client spoke when the command ran (its nulls are false in
 * RESP2 and nil in RESP3). Returns 0, pushing nothing, when the Lua stack
 * cannot grow (never with real command replies). Only redis.call and
 * redis.pcall may call it (the names are their upvalues). */
static int push_reply(lua_State *L, const rl_reply *r, int resp)
{
    if (!lua_checkstack(L, 5)) return 0;
    switch (r->type) {
    case RL_REPLY_MAP:
        lua_newtable(L);
        push_name(L, UP_MAP);
        lua_newtable(L);
        for (size_t i = 0; i + 1 < r->elements; i += 2) {
            if (!push_reply(L, r->element[i], resp)) continue;
            if (lua_isnil(L, -1) || !push_reply(L, r->element[i + 1], resp)) {
                lua_pop(L, 1);
                continue;
            }
            lua_rawset(L, -3);
        }
        lua_rawset(L, -3);
        break;
    case RL_REPLY_SET:
        lua_newtable(L);
        push_name(L, UP_SET);
        lua_newtable(L);
        for (size_t i = 0; i < r->elements; i++) {
            if (!push_reply(L, r->element[i], resp)) continue;
            if (lua_isnil(L, -1)) {
                lua_pop(L, 1);
                continue;
            }
            lua_pushboolean(L, 1);
            lua_rawset(L, -3);
        }
        lua_rawset(L, -3);
        break;
    case RL_REPLY_ARRAY:
    case RL_REPLY_PUSH:
    case RL_REPLY_ATTR: {
        /* An attribute is skipped: the reply that follows it is the value.
         * lua_rawseti(j) stores what pushing j and lua_settable would. */
        lua_newtable(L);
        int j = 0;
        for (size_t i = 0; i < r->elements; i++) {
            if (r->element[i]->type == RL_REPLY_ATTR) continue;
            ++j;
            if (!push_reply(L, r->element[i], resp)) continue;
            lua_rawseti(L, -2, j);
        }
        break;
    }
    default: push_scalar(L, r, resp); break;
    }
    return 1;
}

/* --- Lua -> Redis reply ------------------------------------------------------------ */

/* The C cast (long long)d as x86-64 performs it: out-of-range values and NaN
 * give LLONG_MIN (spelled out, since the cast itself is undefined in C). */
static long long number_to_ll(double d)
{
    if (isnan(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) return LLONG_MIN;
    return (long long)d;
}

/* Replaces CR and LF by spaces (sdsmapchars). */
static void map_crlf(char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (is_crlf(s[i])) s[i] = ' ';
}

static rl_reply *str_node(rl_reply_type type, const char *s, size_t len)
{
    rl_reply *r = rl_reply_new_str(type, s, len);
    return r;
}

/* {err = s}: Redis formats "-%s" with the C string (a NUL ends it), trims
 * CR/LF at both ends, maps the inner ones to spaces and sends it as is. */
static rl_reply *error_node(const char *err)
{
    size_t len = strlen(err);
    while (len && is_crlf(err[len - 1])) len--;
    rl_reply *r = str_node(RL_REPLY_ERROR, err, len);
    map_crlf(r->str, r->len);
    return r;
}

/* addReplyDouble: "%.17g" text (inf, -inf spelled out), as a bulk string
 * for a RESP2 client. Kept out of the recursive functions so their frames
 * stay small: replies nest up to 8000 levels deep. */
static __attribute__((noinline)) rl_reply *double_node(double d, int cresp)
{
    char buf[64];
    int n = rl_d2string(buf, sizeof(buf), d);
    rl_reply *r = str_node(cresp >= 3 ? RL_REPLY_DOUBLE : RL_REPLY_BULK, buf, (size_t)n);
    r->dval = d;
    return r;
}

static rl_reply *to_reply(lua_State *L, int sresp, int cresp);

/* The table on top (left there) as a reply: err, ok, double, big_number,
 * verbatim_string, map, set fields in that order (raw gets), else an array
 * cut at the first nil. */
/* At most this many entries of a table are looked at for a string key. */
#define PLAIN_ARRAY_SCAN 8

/* 1 when the table on top has no hash part (asked of the engine), or at
 * most PLAIN_ARRAY_SCAN entries and none with a string key: then none of
 * table_to_reply's fields can be there, and the lookups of their seven
 * names (each an interning of the name) can be skipped. lua_next is raw,
 * as the rawgets are. */
static int plain_small_array(lua_State *L)
{
    /* No hash part, no string key, whatever the size (PUC Lua can tell). */
    if (rl_engine_table_has_hash(L, -1) == 0) return 1;
    int n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING || ++n > PLAIN_ARRAY_SCAN) {
            lua_pop(L, 1);
            return 0;
        }
    }
    return 1;
}

static rl_reply *table_to_reply(lua_State *L, int sresp, int cresp)
{
    rl_reply *r;

    if (plain_small_array(L)) goto array;

    lua_pushstring(L, "err");
    lua_rawget(L, -2);
    if (lua_type(L, -1) == LUA_TSTRING) {
        r = error_node(lua_tostring(L, -1));
        lua_pop(L, 1);
        return r;
    }
    lua_pop(L, 1);

    lua_pushstring(L, "ok");
    lua_rawget(L, -2);
    if (lua_type(L, -1) == LUA_TSTRING) {
        const char *ok = lua_tostring(L, -1);
        r = str_node(RL_REPLY_STATUS, ok, strlen(ok));
        map_crlf(r->str, r->len);
        lua_pop(L, 1);
        return r;
    }
    lua_pop(L, 1);

    lua_pushstring(L, "double");
    lua_rawget(L, -2);
    if (lua_type(L, -1) == LUA_TNUMBER) {
        r = double_node(lua_tonumber(L, -1), cresp);
        lua_pop(L, 1);
        return r;
    }
    lua_pop(L, 1);

    lua_pushstring(L, "big_number");
    lua_rawget(L, -2);
    if (lua_type(L, -1) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        r = str_node(cresp >= 3 ? RL_REPLY_BIGNUM : RL_REPLY_BULK, s, len);
        map_crlf(r->str, r->len);
        lua_pop(L, 1);
        return r;
    }
    lua_pop(L, 1);

    lua_pushstring(L, "verbatim_string");
    lua_rawget(L, -2);
    if (lua_type(L, -1) == LUA_TTABLE) {
        lua_pushstring(L, "format");
        lua_rawget(L, -2);
        if (lua_type(L, -1) == LUA_TSTRING) {
            size_t flen;
            const char *format = lua_tolstring(L, -1, &flen);
            lua_pushstring(L, "string");
            lua_rawget(L, -3);
            if (lua_type(L, -1) == LUA_TSTRING) {
                size_t len;
                const char *s = lua_tolstring(L, -1, &len);
                if (cresp >= 3) {
                    r = str_node(RL_REPLY_VERB, s, len);
                    memcpy(r->vtype, format, flen < 3 ? flen : 3);
                } else {
                    r = str_node(RL_REPLY_BULK, s, len);
                }
                lua_pop(L, 3);
                return r;
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    lua_pushstring(L, "map");
    lua_rawget(L, -2);
    if (lua_type(L, -1) == LUA_TTABLE) {
        r = rl_reply_new(cresp >= 3 ? RL_REPLY_MAP : RL_REPLY_ARRAY);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pushvalue(L, -2);
            rl_reply_append_take(r, to_reply(L, sresp, cresp)); /* key */
            rl_reply_append_take(r, to_reply(L, sresp, cresp)); /* value */
        }
        lua_pop(L, 1);
        return r;
    }
    lua_pop(L, 1);

    lua_pushstring(L, "set");
    lua_rawget(L, -2);
    if (lua_type(L, -1) == LUA_TTABLE) {
        r = rl_reply_new(cresp >= 3 ? RL_REPLY_SET : RL_REPLY_ARRAY);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pop(L, 1);
            lua_pushvalue(L, -1);
            rl_reply_append_take(r, to_reply(L, sresp, cresp));
        }
        lua_pop(L, 1);
        return r;
    }
    lua_pop(L, 1);

array:
    r = rl_reply_new(RL_REPLY_ARRAY);
    for (int j = 1;; j++) {
        lua_pushnumber(L, j);
        lua_rawget(L, -2);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
        }
        rl_reply_append_take(r, to_reply(L, sresp, cresp));
    }
    return r;
}

/* Converts and pops the value on top (luaReplyToRedisReply). */
static rl_reply *to_reply(lua_State *L, int sresp, int cresp)
{
    rl_reply *r;
    /* A map needs up to 4 more slots; when the stack cannot give them, this
     * element becomes an error and the reply stays well formed. */
    if (!lua_checkstack(L, 4)) {
        lua_pop(L, 1);
        return rl_reply_new_str(RL_REPLY_ERROR, RL_ERR_LUA_STACK_LIMIT,
                                strlen(RL_ERR_LUA_STACK_LIMIT));
    }
    switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        r = str_node(RL_REPLY_BULK, s, len);
        break;
    }
    case LUA_TBOOLEAN: {
        int b = lua_toboolean(L, -1);
        if (sresp == 2) {
            r = b ? rl_reply_new_integer(1) : rl_reply_new(RL_REPLY_NIL);
        } else if (cresp >= 3) {
            r = rl_reply_new(RL_REPLY_BOOL);
            r->integer = b;
        } else {
            r = rl_reply_new_integer(b);
        }
        break;
    }
    case LUA_TNUMBER: r = rl_reply_new_integer(number_to_ll(lua_tonumber(L, -1))); break;
    case LUA_TTABLE: r = table_to_reply(L, sresp, cresp); break;
    default: r = rl_reply_new(RL_REPLY_NIL); break;
    }
    lua_pop(L, 1);
    return r;
}

rl_reply *rl_lua_to_reply(lua_State *L, int script_resp, int client_resp)
{
    return to_reply(L, script_resp, client_resp);
}

/* --- redis.call / redis.pcall ------------------------------------------------------ */

#define ARGV_STACK 16

/* A number argument as Redis writes it, "%.17g". An integral value of at
 * most 2^53 in magnitude has at most 16 digits, which %.17g prints as the
 * plain integer: written by hand, as snprintf was most of the cost of a
 * call like ZADD key now member. -0 (which %.17g writes "-0"), fractions,
 * larger values, infinities and NaN still go through snprintf. */
static int number_arg(char *buf, size_t size, double d)
{
    if (d >= -9007199254740992.0 && d <= 9007199254740992.0 && d == (double)(long long)d &&
        !(d == 0 && signbit(d)))
        return rl_ll2string(buf, size, (long long)d);
    return snprintf(buf, size, "%.17g", d);
}

/* Replaces the number at index j by its text, as Redis writes it. Kept
 * out of lua_args_to_argv, whose loop then needs no buffer. */
static __attribute__((noinline)) void number_to_text(lua_State *L, int j)
{
    char buf[64];
    int n = number_arg(buf, sizeof(buf), (double)lua_tonumber(L, j));
    lua_pushlstring(L, buf, (size_t)n);
    lua_replace(L, j);
}

/* The text of the numbers among a call's first ARGV_STACK arguments, in the
 * caller's frame: a Lua string made for each would cost an interning, an
 * allocation and later a collection (about 400 instructions a number). The
 * longest "%.17g" is 24 bytes. */
typedef struct {
    char text[ARGV_STACK][32];
} number_texts;

/* Turns the call's arguments into argv (strings as they are, numbers as
 * "%.17g" in nums, or, past ARGV_STACK, as strings put in their place on
 * the Lua stack; the strings stay on the Lua stack, which keeps them
 * alive). Returns argc, or -1 with the error table pushed. *argv is
 * argv_stack or an rl_malloc'd array the caller frees. */
static int lua_args_to_argv(lua_State *L, rl_arg *argv_stack, number_texts *nums, rl_arg **argv)
{
    int argc = lua_gettop(L);
    *argv = argv_stack;
    if (argc == 0) {
        rl_lua_push_error_table(L, RL_ERR_LUA_NO_ARGS);
        return -1;
    }
    rl_arg *out = argc > ARGV_STACK ? rl_malloc(sizeof(rl_arg) * (size_t)argc) : argv_stack;
    for (int j = 1; j <= argc; j++) {
        int t = lua_type(L, j);
        if (t == LUA_TNUMBER && j <= ARGV_STACK) {
            char *text = nums->text[j - 1];
            int n = number_arg(text, sizeof(nums->text[0]), (double)lua_tonumber(L, j));
            out[j - 1].ptr = text;
            out[j - 1].len = (size_t)n;
            continue;
        }
        if (t == LUA_TNUMBER) {
            number_to_text(L, j);
        } else if (t != LUA_TSTRING) {
            if (out != argv_stack) rl_free(out);
            lua_settop(L, 0);
            rl_lua_push_error_table(L, RL_ERR_LUA_BAD_ARG);
            return -1;
        }
        out[j - 1].ptr = lua_tolstring(L, j, &out[j - 1].len);
    }
    *argv = out;
    return argc;
}

static void free_argv(rl_arg *argv, const rl_arg *argv_stack)
{
    if (argv != argv_stack) rl_free(argv);
}

/* The checks scriptCall makes before running a command, in Redis's order;
 * returns the error text or NULL. */
static const char *check_script_command(const rl_lua_run *run, const rl_command *cmd, int argc)
{
    if (!cmd) return RL_ERR_LUA_UNKNOWN_COMMAND;
    if (!rl_command_arity_ok(cmd, argc)) return RL_ERR_LUA_WRONG_ARITY;
    if (cmd->flags & RL_CMD_NOSCRIPT) return RL_ERR_LUA_NOSCRIPT_COMMAND;
    if (run->readonly && (cmd->flags & (RL_CMD_WRITE | RL_CMD_MAY_REPLICATE)))
        return RL_ERR_LUA_READONLY_WRITE;
    /* scriptVerifyOOM: only before the script's first write. */
    if (!run->allow_oom && run->oom_at_start && !run->write_dirty && (cmd->flags & RL_CMD_DENYOOM))
        return RL_ERR_OOM;
    return NULL;
}

/* redis.call's reply sink (reply.h): a scalar reply is converted as the
 * command makes it, pushed above the call's arguments, with no tree to
 * build and free. */
typedef struct lua_sink {
    rl_reply_sink base;
    lua_State *L;
    rl_lua_env *env;
    const rl_client *client;
    int failed; /* the reply was an error */
} lua_sink;

static void lua_sink_put(rl_reply_sink *sink, const rl_reply *r)
{
    lua_sink *s = (lua_sink *)sink;
    /* As redis_generic_command converts a tree: nothing Lua can raise may
     * leave the command halfway, so the Lua memory limit waits. A scalar
     * needs at most 5 stack slots, and a C function has LUA_MINSTACK (20)
     * above its arguments on both engines (the argc test made before the
     * command ran is push_reply's, which the tree path would have run). */
    rl_lua_env_mem_grace(s->env, 1);
    push_scalar(s->L, r, s->client->resp);
    rl_lua_env_mem_grace(s->env, 0);
    s->failed = r->type == RL_REPLY_ERROR;
}

static int redis_generic_command(lua_State *L, int raise)
{
    rl_lua_env *env = rl_lua_env_get(L);
    rl_lua_run *run = env->run;
    if (!run) {
        rl_lua_push_error_table(L, RL_ERR_LUA_OUTSIDE_SCRIPT);
        return lua_error(L);
    }
    rl_arg argv_stack[ARGV_STACK], *argv;
    number_texts nums;
    int argc = lua_args_to_argv(L, argv_stack, &nums, &argv);
    if (argc < 0) return raise ? lua_error(L) : 1;

    const rl_command *cmd = rl_command_lookup(argc, argv);
    const char *err = check_script_command(run, cmd, argc);
    if (!err) {
        if (cmd->flags & RL_CMD_WRITE) run->write_dirty = 1;
        /* scriptVerifyClusterState comes after the write is counted. */
        err = rl_cluster_script_call(L, run, cmd, argc, argv);
    }
    if (err) {
        free_argv(argv, argv_stack);
        lua_settop(L, 0);
        rl_lua_push_error_table(L, err);
        set_ignore_stats(L);
        return raise ? lua_error(L) : 1;
    }
    rl_client *sc = run->client;
    /* The sink needs the tree-free path to give what the tree path gives:
     * metrics want the tree, and push_reply's stack check must pass above
     * the arguments as it would on an empty stack. lua_checkstack(L, 5)
     * fails exactly when the stack would pass LUAI_MAXCSTACK slots (both
     * engines); the arguments are all this C function has pushed. */
    lua_sink sink = { { lua_sink_put, 0 }, L, env, sc, 0 };
    if (!env->emu->metrics && argc <= LUAI_MAXCSTACK - 5) sc->sink = &sink.base;
    rl_command_exec(sc, cmd, argc, argv);
    sc->sink = NULL;
    if (sink.base.used) {
        if (sc->rb.root) abort(); /* a handler replied twice: a bug */
        free_argv(argv, argv_stack);
        lua_replace(L, 1);
        lua_settop(L, 1);
        if (raise && sink.failed) return lua_error(L);
        return 1;
    }
    rl_reply *reply = rl_client_take_reply(sc);
    if (env->emu->metrics) rl_metrics_count_command(env->emu, sc, cmd, argc, argv, reply, !raise);
    free_argv(argv, argv_stack);
    lua_settop(L, 0);
    int failed = reply->type == RL_REPLY_ERROR;
    /* A memory error raised halfway would leak the reply: the Lua memory
     * limit waits until it is converted and freed. */
    rl_lua_env_mem_grace(env, 1);
    if (!push_reply(L, reply, sc->resp)) lua_pushnil(L);
    rl_lua_env_mem_grace(env, 0);
    rl_reply_free(reply);
    if (raise && failed) return lua_error(L);
    return 1;
}

static int redis_call(lua_State *L)
{
    return redis_generic_command(L, 1);
}

static int redis_pcall(lua_State *L)
{
    return redis_generic_command(L, 0);
}

/* --- Other redis.* functions ---------------------------------------------------------- */

/* lua_Number -> int as the C conversion does on x86-64 (out of range: INT_MIN). */
static int number_to_int(lua_Number d)
{
    if (!(d >= (lua_Number)INT_MIN && d < (lua_Number)INT_MAX + 1.0)) return INT_MIN;
    return (int)d;
}

static int raise_error_table(lua_State *L, const char *text)
{
    rl_lua_push_error_table(L, text);
    return lua_error(L);
}

static int redis_sha1hex(lua_State *L)
{
    if (lua_gettop(L) != 1) return raise_error_table(L, RL_ERR_LUA_ARGS_NUMBER);
    size_t len = 0;
    const char *s = lua_tolstring(L, 1, &len);
    char hex[RL_SHA1_HEX_SIZE];
    rl_sha1_hex(hex, s ? s : "", s ? len : 0);
    lua_pushstring(L, hex);
    return 1;
}

static int redis_error_reply(lua_State *L)
{
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
        rl_lua_push_error_table(L, RL_ERR_LUA_ARGS_NUMBER_OR_TYPE);
        return 1;
    }
    const char *err = lua_tostring(L, -1);
    if (err[0] == '-') err++;
    push_error_dashed(L, err, strlen(err));
    return 1;
}

static int redis_status_reply(lua_State *L)
{
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
        rl_lua_push_error_table(L, RL_ERR_LUA_ARGS_NUMBER_OR_TYPE);
        return 1;
    }
    lua_newtable(L);
    lua_pushstring(L, "ok");
    lua_pushvalue(L, -3);
    lua_settable(L, -3);
    return 1;
}

/* redis.log(level, ...): the arguments that are strings or numbers, joined
 * by spaces (a space goes before every argument but the first, even when
 * that one was skipped, as in Redis). The line is kept in the run's log
 * when the level reaches Redis's default verbosity (notice), as a default
 * redis-server would write it; like Redis's log it ends at a NUL. */
static int redis_log(lua_State *L)
{
    int argc = lua_gettop(L);
    if (argc < 2) return raise_error_table(L, RL_ERR_LUA_LOG_ARGC);
    if (!lua_isnumber(L, -argc)) return raise_error_table(L, RL_ERR_LUA_LOG_LEVEL_TYPE);
    int level = number_to_int(lua_tonumber(L, -argc));
    if (level < LOG_DEBUG || level > LOG_WARNING) return raise_error_table(L, RL_ERR_LUA_LOG_LEVEL);
    rl_lua_env *env = rl_lua_env_get(L);
    if (level < LOG_VERBOSITY || !env->run) return 0;

    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int j = 1; j < argc; j++) {
        size_t len;
        const char *s = lua_tolstring(L, -argc + j, &len);
        if (s) {
            if (j != 1) luaL_addchar(&b, ' ');
            luaL_addlstring(&b, s, len);
        }
    }
    luaL_pushresult(&b);
    const char *line = lua_tostring(L, -1);
    rl_lua_text *log = &env->run->log;
    if (log->len) rl_lua_text_append(log, "\n", 1);
    rl_lua_text_append(log, line, strlen(line));
    return 0;
}

static int redis_setresp(lua_State *L)
{
    rl_lua_env *env = rl_lua_env_get(L);
    if (!env->run) return raise_error_table(L, RL_ERR_LUA_OUTSIDE_SCRIPT);
    int argc = lua_gettop(L);
    if (argc != 1) return raise_error_table(L, RL_ERR_LUA_SETRESP_ARGC);
    int resp = number_to_int(lua_tonumber(L, -argc));
    if (resp != 2 && resp != 3) return raise_error_table(L, RL_ERR_LUA_SETRESP_VERSION);
    env->run->client->resp = resp;
    return 0;
}

/* redis.set_repl(flags): validated only; the emulator does not replicate. */
static int redis_set_repl(lua_State *L)
{
    rl_lua_env *env = rl_lua_env_get(L);
    if (!env->run) return raise_error_table(L, RL_ERR_LUA_OUTSIDE_SCRIPT);
    if (lua_gettop(L) != 1) return raise_error_table(L, RL_ERR_LUA_SET_REPL_ARGC);
    int flags = number_to_int(lua_tonumber(L, -1));
    if ((flags & ~(REPL_AOF | REPL_REPLICA)) != 0)
        return raise_error_table(L, RL_ERR_LUA_SET_REPL_FLAGS);
    return 0;
}

/* redis.acl_check_cmd(cmd, ...): the emulator has only the default user,
 * who may run everything, so any known command is allowed. */
static int redis_acl_check_cmd(lua_State *L)
{
    rl_lua_env *env = rl_lua_env_get(L);
    if (!env->run) return raise_error_table(L, RL_ERR_LUA_OUTSIDE_SCRIPT);
    rl_arg argv_stack[ARGV_STACK], *argv;
    number_texts nums;
    int argc = lua_args_to_argv(L, argv_stack, &nums, &argv);
    if (argc < 0) return lua_error(L);
    const rl_command *cmd = rl_command_lookup(argc, argv);
    free_argv(argv, argv_stack);
    if (!cmd) return raise_error_table(L, RL_ERR_LUA_ACL_CHECK_CMD);
    lua_pushboolean(L, 1);
    return 1;
}

/* The debugger is not emulated: redis.breakpoint() is false and
 * redis.debug() does nothing, as outside a SCRIPT DEBUG session. */
static int redis_breakpoint(lua_State *L)
{
    lua_pushboolean(L, 0);
    return 1;
}

static int redis_debug(lua_State *L)
{
    (void)L;
    return 0;
}

static int redis_replicate_commands(lua_State *L)
{
    lua_pushboolean(L, 1);
    return 1;
}

/* --- The table ------------------------------------------------------------------------- */

static void set_function(lua_State *L, const char *name, lua_CFunction f)
{
    lua_pushstring(L, name);
    lua_pushcfunction(L, f);
    lua_settable(L, -3);
}

/* redis.call and redis.pcall carry the names push_reply uses. */
static void set_call_function(lua_State *L, const char *name, lua_CFunction f)
{
    int n = rl_engine_order_follows_interning ? 0 : UP_COUNT;
    lua_pushstring(L, name);
    for (int i = 0; i < n; i++) lua_pushstring(L, call_names[i]);
    lua_pushcclosure(L, f, n);
    lua_settable(L, -3);
}

static void set_number(lua_State *L, const char *name, lua_Number v)
{
    lua_pushstring(L, name);
    lua_pushnumber(L, v);
    lua_settable(L, -3);
}

void rl_lua_redis_open(lua_State *L, int eval_vm)
{
    /* Same fields in the same order as luaRegisterRedisAPI + scriptingInit. */
    lua_newtable(L);
    set_call_function(L, "call", redis_call);
    set_call_function(L, "pcall", redis_pcall);
    set_function(L, "log", redis_log);
    set_number(L, "LOG_DEBUG", LOG_DEBUG);
    set_number(L, "LOG_VERBOSE", LOG_VERBOSE);
    set_number(L, "LOG_NOTICE", LOG_NOTICE);
    set_number(L, "LOG_WARNING", LOG_WARNING);
    set_number(L, "REDIS_VERSION_NUM", REDIS_VERSION_NUM);
    lua_pushstring(L, "REDIS_VERSION");
    lua_pushstring(L, REDIS_VERSION);
    lua_settable(L, -3);
    set_function(L, "setresp", redis_setresp);
    set_function(L, "sha1hex", redis_sha1hex);
    set_function(L, "error_reply", redis_error_reply);
    set_function(L, "status_reply", redis_status_reply);
    set_function(L, "set_repl", redis_set_repl);
    set_number(L, "REPL_NONE", 0);
    set_number(L, "REPL_AOF", REPL_AOF);
    set_number(L, "REPL_SLAVE", REPL_REPLICA);
    set_number(L, "REPL_REPLICA", REPL_REPLICA);
    set_number(L, "REPL_ALL", REPL_AOF | REPL_REPLICA);
    set_function(L, "acl_check_cmd", redis_acl_check_cmd);
    if (eval_vm) {
        set_function(L, "breakpoint", redis_breakpoint);
        set_function(L, "debug", redis_debug);
        set_function(L, "replicate_commands", redis_replicate_commands);
    }
    lua_setglobal(L, "redis");
}
