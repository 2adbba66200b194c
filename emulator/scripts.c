/* EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT, following Redis 7.0's
 * eval.c and script.c.
 *
 * Each emulator has one scripting state, created on first use: the Lua
 * environment (lua_env.c), the script cache (sha -> compiled function, the
 * function itself kept in the Lua registry under "f_<sha>" as Redis does),
 * the fake client scripts run their commands on, and the rand48 state of
 * math.random, which survives SCRIPT FLUSH as Redis's process-wide one does.
 *
 * A run: the error handler and the function are pushed, the run is begun
 * (expiry frozen, time limit armed), KEYS and ARGV are set, lua_pcall runs
 * the chunk, and the first result is converted into the caller's reply; on
 * error the handler's table becomes "-<err> script: <sha>, on <source>:<line>.".
 * That run is rl_script_run (scripts.h), which FCALL (functions.c) shares. */
#include "scripts.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "cluster.h"
#include "commands.h"
#include "coverage.h"
#include "db.h"
#include "errors.h"
#include "functions.h"
#include "lua_engine.h"
#include "lua_env.h"
#include "lua_redis.h"
#include "mem.h"
#include "rl_uthash.h"
#include "sha1.h"

const rl_script_flag rl_script_flags[] = {
    { "no-writes", RL_SCRIPT_FLAG_NO_WRITES },
    { "allow-oom", RL_SCRIPT_FLAG_ALLOW_OOM },
    { "allow-stale", RL_SCRIPT_FLAG_ALLOW_STALE },
    { "no-cluster", RL_SCRIPT_FLAG_NO_CLUSTER },
    { "allow-cross-slot-keys", RL_SCRIPT_FLAG_ALLOW_CROSS_SLOT },
    { NULL, 0 },
};

/* Redis runs a Lua GC step every this many script calls; redlua looks at
 * the heap as often, and collects only when it has grown past GC_GROWTH
 * times its size after the last full collection, plus the slack
 * (maybe_gc_step). */
#define GC_CYCLE_PERIOD 50
#define GC_GROWTH 4
#define GC_GROWTH_SLACK (64 * 1024)

typedef struct script_entry {
    char sha[RL_SHA1_HEX_SIZE]; /* lowercase; the hash key */
    int flags;
    int ref;       /* the compiled function, a reference in the Lua registry */
    int entry_ref; /* its entry (rl_engine_enter), LUA_NOREF until made */
    int scan_hint; /* rl_engine_load_script's answer */
    UT_hash_handle hh;
} script_entry;

/* A KEYS or ARGV table kept for the next run. */
typedef struct reused_array {
    int ref;      /* registry reference, LUA_NOREF when there is none */
    int n;        /* the elements the last run was given */
    int capacity; /* rl_engine_array_capacity of its n when it was made */
} reused_array;

typedef struct rl_scripting {
    rl_lua_env *env;
    script_entry *scripts;
    rl_client *client; /* the scripts' fake client */
    uint64_t rand48;   /* math.random state; survives SCRIPT FLUSH */
    reused_array keys, args;
    script_entry *last_run; /* the entry EVAL/EVALSHA found last, or NULL */
    char *last_traceback;
    char *last_log;
} rl_scripting;

/* --- Scripting state ------------------------------------------------------------ */

static void free_scripts(rl_scripting *s)
{
    script_entry *e, *tmp;
    s->last_run = NULL;
    HASH_ITER(hh, s->scripts, e, tmp)
    {
        HASH_DEL(s->scripts, e);
        rl_free(e);
    }
}

/* No table kept: the next run makes one. */
static void forget_reused(reused_array *a)
{
    a->ref = LUA_NOREF;
    a->n = a->capacity = 0;
}

static void clear_last(rl_scripting *s)
{
    rl_free(s->last_traceback);
    rl_free(s->last_log);
    s->last_traceback = s->last_log = NULL;
}

/* The fake client the scripts' commands run on. */
static rl_client *new_script_client(rl_emu *emu)
{
    rl_client *c = rl_client_new(emu);
    c->flags = RL_CLIENT_SCRIPT | RL_CLIENT_DENY_BLOCKING;
    return c;
}

static rl_scripting *get_scripting(rl_emu *emu)
{
    if (!emu->scripting) {
        rl_scripting *s = rl_calloc(1, sizeof(*s));
        s->rand48 = RL_RAND48_INITIAL;
        s->env = rl_lua_env_new(emu, &s->rand48);
        forget_reused(&s->keys);
        forget_reused(&s->args);
        s->client = new_script_client(emu);
        emu->scripting = s;
    }
    return emu->scripting;
}

void rl_scripting_free(rl_emu *emu)
{
    rl_scripting *s = emu->scripting;
    if (!s) return;
    rl_functions_free(emu);
    free_scripts(s);
    rl_lua_env_free(s->env);
    rl_client_free(s->client);
    rl_free(s->last_traceback);
    rl_free(s->last_log);
    rl_free(s);
    emu->scripting = NULL;
}

void rl_scripting_reset(rl_emu *emu, int keep_env)
{
    rl_scripting *s = emu->scripting;
    if (!s) return;
    rl_functions_free(emu);
    /* The restore voids every registry reference: the compiled scripts and
     * the KEYS and ARGV tables are forgotten, not unreferenced. */
    if (keep_env && emu->busy_run == NULL && rl_lua_env_restore(s->env)) {
        free_scripts(s);
        forget_reused(&s->keys);
        forget_reused(&s->args);
        rl_client_free(s->client);
        s->client = new_script_client(emu);
        s->rand48 = RL_RAND48_INITIAL;
        clear_last(s);
        return;
    }
    rl_scripting_free(emu);
}

void rl_scripting_seed_changed(rl_emu *emu)
{
    rl_scripting *s = emu->scripting;
    if (!s || !rl_engine_hash_seeded || s->env->order_seed == emu->order_seed) return;
    /* A kept environment nothing has used since rl_emu_reset: drop it, so
     * that the next script gets a state seeded as on a new emulator. */
    if (s->scripts == NULL && emu->functions == NULL && s->env->run == NULL &&
        emu->busy_run == NULL)
        rl_scripting_free(emu);
}

int rl_scripting_traces(rl_emu *emu)
{
    return emu->scripting ? rl_engine_traces(emu->scripting->env->L) : 0;
}

/* SCRIPT FLUSH: a new Lua VM and an empty cache (Redis's scriptingReset). */
static void scripting_reset(rl_scripting *s, rl_emu *emu)
{
    free_scripts(s);
    rl_lua_env_free(s->env);
    s->env = rl_lua_env_new(emu, &s->rand48);
    forget_reused(&s->keys); /* they were in the old state */
    forget_reused(&s->args);
}

const char *rl_emu_last_traceback(const rl_emu *emu)
{
    return emu->scripting ? emu->scripting->last_traceback : NULL;
}

const char *rl_emu_last_log(const rl_emu *emu)
{
    return emu->scripting ? emu->scripting->last_log : NULL;
}

/* --- Error replies ------------------------------------------------------------------ */

static int is_crlf(char ch)
{
    return ch == '\r' || ch == '\n';
}

/* Redis's addReplyErrorFormat: the text is trimmed of CR/LF at both ends,
 * inner ones become spaces, and without a leading '-' the code ERR is
 * expected to be in the format already. */
static void reply_error_format(rl_client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void reply_error_format(rl_client *c, const char *fmt, ...)
{
    va_list ap;
    size_t start = 0, end;
    va_start(ap, fmt);
    char *buf = rl_vasprintf(&end, fmt, ap);
    va_end(ap);
    while (start < end && is_crlf(buf[start])) start++;
    while (end > start && is_crlf(buf[end - 1])) end--;
    for (size_t i = start; i < end; i++)
        if (is_crlf(buf[i])) buf[i] = ' ';
    rl_add_reply_error_len(c, buf + start, end - start);
    rl_free(buf);
}

/* --- Shebang --------------------------------------------------------------------------- */

void rl_split_args_free(rl_split_args *a)
{
    for (int i = 0; i < a->count; i++) rl_free(a->argv[i]);
    rl_free(a->argv);
    rl_free(a->lens);
    a->argv = NULL;
    a->lens = NULL;
    a->count = 0;
}

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

int rl_split_args_parse(const char *p, rl_split_args *out)
{
    rl_lua_text cur = { 0 };
    out->count = 0;
    out->argv = NULL;
    out->lens = NULL;
    for (;;) {
        while (*p && isspace((unsigned char)*p)) p++;
        if (!*p) {
            rl_lua_text_free(&cur);
            return 1;
        }
        int inq = 0, insq = 0, done = 0;
        cur.len = 0;
        rl_lua_text_append(&cur, "", 0);
        while (!done) {
            char ch = *p;
            if (inq) {
                if (ch == '\\' && p[1] == 'x' && hex_value(p[2]) >= 0 && hex_value(p[3]) >= 0) {
                    char byte = (char)(hex_value(p[2]) * 16 + hex_value(p[3]));
                    rl_lua_text_append(&cur, &byte, 1);
                    p += 3;
                } else if (ch == '\\' && p[1]) {
                    p++;
                    char e = *p;
                    e = e == 'n'   ? '\n'
                        : e == 'r' ? '\r'
                        : e == 't' ? '\t'
                        : e == 'b' ? '\b'
                        : e == 'a' ? '\a'
                                   : e;
                    rl_lua_text_append(&cur, &e, 1);
                } else if (ch == '"') {
                    if (p[1] && !isspace((unsigned char)p[1])) goto fail;
                    done = 1;
                } else if (!ch) {
                    goto fail;
                } else {
                    rl_lua_text_append(&cur, &ch, 1);
                }
            } else if (insq) {
                if (ch == '\\' && p[1] == '\'') {
                    p++;
                    rl_lua_text_append(&cur, "'", 1);
                } else if (ch == '\'') {
                    if (p[1] && !isspace((unsigned char)p[1])) goto fail;
                    done = 1;
                } else if (!ch) {
                    goto fail;
                } else {
                    rl_lua_text_append(&cur, &ch, 1);
                }
            } else if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t' || ch == '\0') {
                done = 1;
            } else if (ch == '"') {
                inq = 1;
            } else if (ch == '\'') {
                insq = 1;
            } else {
                rl_lua_text_append(&cur, &ch, 1);
            }
            if (*p) p++;
        }
        out->argv = rl_realloc(out->argv, sizeof(char *) * (size_t)(out->count + 1));
        out->lens = rl_realloc(out->lens, sizeof(size_t) * (size_t)(out->count + 1));
        out->lens[out->count] = cur.len;
        out->argv[out->count++] = rl_memdup(cur.buf, cur.len);
    }
fail:
    rl_lua_text_free(&cur);
    rl_split_args_free(out);
    return 0;
}

/* Parses the shebang of body (evalExtractShebangFlags). On success sets
 * *flags and *shebang_len (0 without a shebang) and returns RL_OK; on error
 * replies and returns RL_ERR. Like Redis it reads body as a C string. */
static int parse_shebang(rl_client *c, const char *body, int *flags, size_t *shebang_len)
{
    *flags = RL_SCRIPT_FLAG_EVAL_COMPAT_MODE;
    *shebang_len = 0;
    if (strncmp(body, "#!", 2) != 0) return RL_OK;
    const char *nl = strchr(body, '\n');
    if (!nl) {
        rl_add_reply_error(c, RL_ERR_SHEBANG_INVALID);
        return RL_ERR;
    }
    char *line = rl_memdup(body, (size_t)(nl - body));
    rl_split_args parts;
    int ok = rl_split_args_parse(line, &parts);
    rl_free(line);
    if (!ok || parts.count == 0) {
        rl_split_args_free(&parts);
        rl_add_reply_error(c, RL_ERR_SHEBANG_NO_ENGINE);
        return RL_ERR;
    }
    int rc = RL_OK;
    if (strcmp(parts.argv[0], "#!lua") != 0) {
        reply_error_format(c, RL_ERRF_SHEBANG_ENGINE, parts.argv[0]);
        rc = RL_ERR;
    }
    int f = 0;
    for (int j = 1; rc == RL_OK && j < parts.count; j++) {
        if (strncmp(parts.argv[j], "flags=", 6) != 0) {
            reply_error_format(c, RL_ERRF_SHEBANG_OPTION, parts.argv[j]);
            rc = RL_ERR;
            break;
        }
        /* Comma-separated, empty list allowed, empty names are not. */
        const char *p = parts.argv[j] + 6;
        while (*p) {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            int k;
            for (k = 0; rl_script_flags[k].name; k++)
                if (strlen(rl_script_flags[k].name) == n &&
                    memcmp(rl_script_flags[k].name, p, n) == 0)
                    break;
            if (!rl_script_flags[k].name) {
                char *name = rl_memdup(p, n);
                reply_error_format(c, RL_ERRF_SHEBANG_FLAG, name);
                rl_free(name);
                rc = RL_ERR;
                break;
            }
            f |= rl_script_flags[k].flag;
            if (!comma) break;
            p = comma + 1;
            if (!*p) {
                /* A trailing comma leaves an empty flag name. */
                reply_error_format(c, RL_ERRF_SHEBANG_FLAG, "");
                rc = RL_ERR;
                break;
            }
        }
    }
    rl_split_args_free(&parts);
    if (rc != RL_OK) return rc;
    *flags = f;
    *shebang_len = (size_t)(nl - body);
    return RL_OK;
}

/* --- Compilation and the cache ----------------------------------------------------------- */

/* Compiles and caches body (luaCreateFunction). Returns the cache entry, or
 * NULL after replying with the shebang or compile error. */
static script_entry *create_function(rl_scripting *s, rl_client *c, const rl_arg *body)
{
    char sha[RL_SHA1_HEX_SIZE];
    rl_sha1_hex(sha, body->ptr, body->len);
    script_entry *e;
    HASH_FIND_STR(s->scripts, sha, e);
    if (e) return e;

    /* The shebang is read as a C string, as Redis reads the sds body. */
    char *cbody = rl_memdup(body->ptr, body->len);
    int flags;
    size_t shebang_len;
    int rc = parse_shebang(c, cbody, &flags, &shebang_len);
    rl_free(cbody);
    if (rc != RL_OK) return NULL;

    lua_State *L = s->env->L;
    int hint;
    if (rl_engine_load_script(L, sha, body->ptr + shebang_len, body->len - shebang_len,
                              RL_LUA_CHUNK_SOURCE, rl_lua_env_load_source, &hint)) {
        const char *msg = lua_tostring(L, -1);
        reply_error_format(c, RL_ERRF_SCRIPT_COMPILE, msg ? msg : "");
        lua_pop(L, 1);
        return NULL;
    }
    rl_cov_register(c->emu, sha, body->ptr, body->len, L);
    e = rl_calloc(1, sizeof(*e));
    e->scan_hint = hint;
    memcpy(e->sha, sha, sizeof(sha));
    e->flags = flags;
    /* Redis names it f_<sha> in the registry; nothing a script can reach
     * sees the registry, and an integer reference is cheaper to fetch. */
    e->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    e->entry_ref = LUA_NOREF;
    HASH_ADD_STR(s->scripts, sha, e);
    return e;
}

/* Lowercases a 40-char SHA argument (ASCII letters only, as Redis does). */
static void sha_from_arg(char out[RL_SHA1_HEX_SIZE], const rl_arg *a)
{
    for (size_t i = 0; i < 40; i++) {
        char ch = a->ptr[i];
        out[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
    }
    out[40] = '\0';
}

/* The cached script EVAL's body or EVALSHA's SHA1 names, or NULL. A test
 * suite runs the same script over and over: the last one run is checked
 * first, which spares lowercasing and hashing the SHA1 (entries are only
 * ever freed by free_scripts, which forgets it). */
static script_entry *find_script(rl_scripting *s, int evalsha, const rl_arg *arg)
{
    char sha[RL_SHA1_HEX_SIZE];
    if (evalsha) {
        if (s->last_run && memcmp(s->last_run->sha, arg->ptr, 40) == 0) return s->last_run;
        sha_from_arg(sha, arg);
    } else {
        rl_sha1_hex(sha, arg->ptr, arg->len);
    }
    if (s->last_run && memcmp(s->last_run->sha, sha, 40) == 0) return s->last_run;
    script_entry *e;
    HASH_FIND_STR(s->scripts, sha, e);
    return e;
}

/* --- Running --------------------------------------------------------------------------- */

static void push_string_array(lua_State *L, const rl_arg *v, long long n)
{
    rl_engine_new_array(L, n > INT_MAX ? INT_MAX : (int)n);
    for (long long j = 0; j < n; j++) {
        lua_pushlstring(L, v[j].ptr, v[j].len);
        lua_rawseti(L, -2, (int)(j + 1));
    }
}

/* Sets the global KEYS or ARGV to the n strings of v, in the table the
 * previous run had when that is safe, which spares a table and the GC work
 * it would become. A script cannot keep a reference to the table past its
 * run (the globals and every table reachable from them are read-only, and
 * scripts have no registry or upvalue that outlives them), so the table
 * only needs to look new: no metatable, no key other than 1..n_old (the
 * previous run's), and the array part a new table of n elements would have
 * (rl_engine_array_capacity), on which the # of a table with holes
 * depends. Both engines read that shape off the table itself through a
 * mirror of its layout (rl_engine_array_shape: no hash part at all); where
 * the mirror does not match the library, the table is walked. A script
 * that left a key or a metatable gets the table dropped and a new one
 * made. Functions get KEYS and ARGV as arguments, which a library can
 * keep: they never reuse. */
static void set_reused_array(lua_State *L, reused_array *a, const rl_arg *v, long long n,
                             const char *global)
{
    int want = n > INT_MAX ? INT_MAX : (int)n;
    if (a->ref != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, a->ref);
        int t = lua_gettop(L);
        int clean = lua_istable(L, t) && a->capacity == rl_engine_array_capacity(want);
        int shape = clean ? rl_engine_array_shape(L, t, a->capacity, a->n) : 0;
        if (shape >= 0) clean = shape;
        else clean = !lua_getmetatable(L, t);
        if (shape < 0 && clean) {
            lua_pushnil(L);
            while (lua_next(L, t)) {
                lua_pop(L, 1);
                lua_Number k = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : 0;
                if (!(k >= 1 && k <= a->n && k == (lua_Number)(int)k)) {
                    clean = 0;
                    lua_pop(L, 1);
                    break;
                }
            }
        }
        if (clean) {
            /* A slot that already holds the string (a script's constant
             * arguments) is left as it is: interning it again is most of
             * the cost of an argument. */
            for (int j = 0; j < want; j++) {
                if (shape == 1 && j < a->n &&
                    rl_engine_array_holds(L, t, j + 1, v[j].ptr, v[j].len))
                    continue;
                lua_pushlstring(L, v[j].ptr, v[j].len);
                lua_rawseti(L, t, j + 1);
            }
            for (int j = want; j < a->n; j++) {
                lua_pushnil(L);
                lua_rawseti(L, t, j + 1);
            }
            lua_pop(L, 1);
            a->n = want;
            return;
        }
        lua_settop(L, t - 1);
        luaL_unref(L, LUA_REGISTRYINDEX, a->ref);
        a->ref = LUA_NOREF;
    }
    push_string_array(L, v, n);
    lua_pushvalue(L, -1);
    rl_lua_env_set_global(L, global);
    a->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    a->n = want;
    a->capacity = rl_engine_array_capacity(want);
}

/* Redis runs lua_gc(LUA_GCSTEP, 50) every 50 scripts, to spread a cycle's
 * latency. Each such step works through a whole cycle of a small heap,
 * marking every library table, which made it the largest single cost of a
 * short script. The collector's own pace (pause 200%) already frees what
 * scripts leave, so redlua looks at the heap every 50 scripts and collects
 * only when it has grown past GC_GROWTH times its size after the last full
 * collection (plus GC_GROWTH_SLACK), which the collector's own pace never
 * lets it reach. Scripts that call collectgarbage("stop") (Redis allows
 * it, and its step restarts the collector) are what this catches: the full
 * collection frees everything dead and restarts the collector too, so the
 * heap stays within a few times what is live. Nothing a script sees depends
 * on when a cycle runs, except collectgarbage("count"), which never matches
 * Redis's heap. */
static void maybe_gc_step(rl_lua_env *env)
{
    if (++env->gc_count < GC_CYCLE_PERIOD) return;
    env->gc_count = 0;
    size_t heap = (size_t)lua_gc(env->L, LUA_GCCOUNT, 0) * 1024;
    if (heap <= GC_GROWTH * env->gc_heap_mark + GC_GROWTH_SLACK) return;
    lua_gc(env->L, LUA_GCCOLLECT, 0);
    env->gc_heap_mark = (size_t)lua_gc(env->L, LUA_GCCOUNT, 0) * 1024;
}

/* Pushes t[name] without metamethods, t being the table on top. */
static void raw_field(lua_State *L, int t, const char *name)
{
    lua_pushstring(L, name);
    lua_rawget(L, t < 0 ? t - 1 : t);
}

/* Replies with the error on top of the stack (luaCallFunction's error path).
 * The fields are read raw: this runs outside any pcall, where a metamethod
 * that raised would abort the process (Redis reads them with lua_getfield
 * and would crash the same way). */
static void reply_script_error(rl_client *c, lua_State *L, const char *sha)
{
    if (!lua_istable(L, -1)) {
        const char *msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
        reply_error_format(c, RL_ERRF_SCRIPT_RUN, sha, msg);
        return;
    }
    rl_lua_text out = { 0 };
    rl_lua_text_append(&out, "-", 1);
    raw_field(L, -1, "err");
    if (lua_isstring(L, -1)) {
        const char *msg = lua_tostring(L, -1);
        rl_lua_text_append(&out, msg, strlen(msg));
    } else {
        rl_lua_text_append(&out, RL_ERR_SCRIPT_ERROR_TABLE, strlen(RL_ERR_SCRIPT_ERROR_TABLE));
    }
    raw_field(L, -2, "source");
    raw_field(L, -3, "line");
    if (lua_isstring(L, -1) && lua_isstring(L, -2)) {
        const char *source = lua_tostring(L, -2);
        const char *line = lua_tostring(L, -1);
        int n = snprintf(NULL, 0, RL_ERRF_SCRIPT_ERROR_SUFFIX, sha, source, line);
        char *suffix = rl_malloc((size_t)n + 1);
        snprintf(suffix, (size_t)n + 1, RL_ERRF_SCRIPT_ERROR_SUFFIX, sha, source, line);
        rl_lua_text_append(&out, suffix, (size_t)n);
        rl_free(suffix);
    }
    lua_pop(L, 3);
    /* Debian's redis-server maps CR/LF to spaces here (upstream 7.0.15 sends
     * them raw and breaks the protocol). */
    for (size_t i = 0; i < out.len; i++)
        if (is_crlf(out.buf[i])) out.buf[i] = ' ';
    rl_add_reply_error_len(c, out.buf + 1, out.len - 1);
    rl_lua_text_free(&out);
}

void rl_script_reset_last(rl_emu *emu)
{
    if (emu->scripting) clear_last(emu->scripting);
}

uint64_t *rl_script_rand48(rl_emu *emu)
{
    return &get_scripting(emu)->rand48;
}

void rl_script_run(rl_client *c, rl_lua_env *env, rl_client *sc, const char *name, int readonly,
                   long long numkeys, int keys_as_arguments, int allow_oom, int script_flags,
                   struct rl_cov_chunk *fn_cov, int *entry_ref, int scan_hint)
{
    rl_scripting *s = get_scripting(c->emu);
    lua_State *L = env->L;
    rl_lua_run run = { 0 };
    run.caller = c;
    run.client = sc;
    run.readonly = readonly;
    run.allow_oom = allow_oom;
    run.oom_at_start = rl_emu_over_maxmemory(c->emu);
    sc->db = c->db;
    sc->resp = 2;
    sc->flags =
        RL_CLIENT_SCRIPT | RL_CLIENT_DENY_BLOCKING | (run.readonly ? RL_CLIENT_READONLY_SCRIPT : 0);
    run.timeout_ms = c->emu->script_timeout_ms;
    run.is_function = keys_as_arguments;
    run.name = name;
    run.scan_hint = scan_hint;
    /* An EVAL script's record is found by its SHA1 (name); a function's is
     * its library's, given. */
    run.cov = keys_as_arguments ? (c->emu->coverage_on ? fn_cov : NULL) : rl_cov_find(c->emu, name);
    /* The declared keys' lines, asked for while the script's arguments are
     * set up (rl_db_warm). */
    rl_db_warm warm[4];
    int nwarm = numkeys < 4 ? (int)numkeys : 4;
    rl_db *db = rl_client_db(c);
    for (int i = 0; i < nwarm; i++)
        rl_db_warm_begin(db, &warm[i], c->argv[3 + i].ptr, c->argv[3 + i].len);
    rl_cluster_script_begin(&run, c->argv + 3, numkeys, script_flags);

    rl_lua_env_begin_run(env, &run);
    if (entry_ref) rl_engine_enter(L, &env->engine, entry_ref);
    if (keys_as_arguments) {
        push_string_array(L, c->argv + 3, numkeys);
        for (int i = 0; i < nwarm; i++) rl_db_warm_entry(db, &warm[i]);
        push_string_array(L, c->argv + 3 + numkeys, c->argc - 3 - numkeys);
    } else {
        set_reused_array(L, &s->keys, c->argv + 3, numkeys, "KEYS");
        for (int i = 0; i < nwarm; i++) rl_db_warm_entry(db, &warm[i]);
        set_reused_array(L, &s->args, c->argv + 3 + numkeys, c->argc - 3 - numkeys, "ARGV");
    }
    for (int i = 0; i < nwarm; i++) rl_db_warm_value(&warm[i]);
    int nargs = keys_as_arguments ? 2 : 0;
    int err = rl_lua_env_pcall(env, nargs, 1, -(nargs + 2));
    /* A script that caught SCRIPT KILL's error in a coroutine and returned
     * returns its value, as in Redis; redlua's own stops always fail. */
    if (!err && run.stop && run.stop != RL_RUN_STOP_KILLED) {
        lua_pop(L, 1);
        rl_lua_env_push_stop_error(env);
        err = LUA_ERRRUN;
    }
    maybe_gc_step(env);
    if (err) {
        reply_script_error(c, L, name);
        lua_pop(L, 1);
        if (err == LUA_ERRMEM) {
            /* No message handler ran, so there are no frames; say why. */
            char note[160];
            int n = snprintf(note, sizeof(note), RL_ERRF_LUA_MEMORY_LIMIT_NOTE,
                             (long long)c->emu->lua_memory_limit);
            run.traceback.len = 0;
            rl_lua_text_append(&run.traceback, note, (size_t)n);
        }
        s->last_traceback = rl_lua_text_take(&run.traceback);
    } else {
        rl_add_reply_take(c, rl_lua_to_reply(L, sc->resp, c->resp));
    }
    rl_lua_env_end_run(env);
    lua_pop(L, 1); /* the error handler */
    s->last_log = rl_lua_text_take(&run.log);
    rl_lua_text_free(&run.traceback);
}

static void eval_generic(rl_client *c, int evalsha, int ro)
{
    rl_scripting *s = get_scripting(c->emu);
    clear_last(s);
    if (evalsha && c->argv[1].len != 40) {
        rl_add_reply_error(c, RL_ERR_NOSCRIPT);
        return;
    }
    long long numkeys;
    if (rl_arg_ll_or_reply(c, &c->argv[2], &numkeys, NULL) != RL_OK) return;
    if (numkeys > c->argc - 3) {
        rl_add_reply_error(c, RL_ERR_NUMKEYS_TOO_BIG);
        return;
    }
    if (numkeys < 0) {
        rl_add_reply_error(c, RL_ERR_NUMKEYS_NEGATIVE);
        return;
    }

    lua_State *L = s->env->L;
    script_entry *e = find_script(s, evalsha, &c->argv[1]);
    if (!e) {
        if (evalsha) {
            rl_add_reply_error(c, RL_ERR_NOSCRIPT);
            return;
        }
        e = create_function(s, c, &c->argv[1]);
        if (!e) return;
    }
    s->last_run = e;
    rl_lua_env_push_error_handler(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref);
    char sha[RL_SHA1_HEX_SIZE];
    memcpy(sha, e->sha, sizeof(sha));
    int compat = e->flags & RL_SCRIPT_FLAG_EVAL_COMPAT_MODE;
    if (!compat && (e->flags & RL_SCRIPT_FLAG_NO_CLUSTER) && c->emu->cluster_mode) {
        lua_pop(L, 2);
        rl_add_reply_error(c, RL_ERR_CLUSTER_NO_CLUSTER_SCRIPT);
        return;
    }
    if (!compat && !(e->flags & RL_SCRIPT_FLAG_NO_WRITES) && ro) {
        lua_pop(L, 2);
        rl_add_reply_error(c, RL_ERR_SCRIPT_RO_WRITE_FLAG);
        return;
    }

    int readonly = ro || (!compat && (e->flags & RL_SCRIPT_FLAG_NO_WRITES));
    int allow_oom = !compat && (e->flags & RL_SCRIPT_FLAG_ALLOW_OOM);
    rl_script_run(c, s->env, s->client, sha, readonly, numkeys, 0, allow_oom, e->flags, NULL,
                  &e->entry_ref, e->scan_hint);
}

/* scriptFlagsToCmdFlags: a script that declares flags replaces the
 * command's stale, deny-oom, write and may-replicate flags with its own. */
static uint64_t script_flags_to_cmd_flags(uint64_t cmd_flags, int script_flags)
{
    cmd_flags &= ~(RL_CMD_STALE | RL_CMD_DENYOOM | RL_CMD_WRITE | RL_CMD_MAY_REPLICATE);
    if (!(script_flags & (RL_SCRIPT_FLAG_ALLOW_OOM | RL_SCRIPT_FLAG_NO_WRITES)))
        cmd_flags |= RL_CMD_DENYOOM;
    if (!(script_flags & RL_SCRIPT_FLAG_NO_WRITES)) cmd_flags |= RL_CMD_WRITE;
    if (script_flags & RL_SCRIPT_FLAG_ALLOW_STALE) cmd_flags |= RL_CMD_STALE;
    return cmd_flags;
}

/* evalGetCommandFlags and fcallGetCommandFlags, for the dispatcher's
 * maxmemory gate: the flags of a cached script, or of the shebang of an
 * EVAL body not cached yet (a shebang that does not parse leaves the
 * command's flags, and EVAL then answers the shebang error). */
uint64_t rl_script_command_flags(rl_client *c, const rl_command *cmd, int argc, const rl_arg *argv)
{
    uint64_t flags = cmd->flags;
    int script_flags;
    if (cmd->proc == rl_cmd_fcall || cmd->proc == rl_cmd_fcall_ro) {
        if (rl_functions_flags(c->emu, argv[1].ptr, argv[1].len, &script_flags) != RL_OK)
            return flags;
        return script_flags_to_cmd_flags(flags, script_flags);
    }
    int evalsha = cmd->proc == rl_cmd_evalsha || cmd->proc == rl_cmd_evalsha_ro;
    if (!evalsha && cmd->proc != rl_cmd_eval && cmd->proc != rl_cmd_eval_ro) return flags;
    if (argc < 2 || (evalsha && argv[1].len != 40)) return flags;
    script_entry *e = NULL;
    if (c->emu->scripting) e = find_script(c->emu->scripting, evalsha, &argv[1]);
    if (e) {
        script_flags = e->flags;
    } else {
        if (evalsha) return flags;
        /* parse_shebang replies on error: a scratch client takes it. */
        rl_client *tmp = rl_client_new(c->emu);
        char *body = rl_memdup(argv[1].ptr, argv[1].len);
        size_t shebang_len;
        int rc = parse_shebang(tmp, body, &script_flags, &shebang_len);
        rl_free(body);
        rl_client_free(tmp);
        if (rc != RL_OK) return flags;
    }
    if (script_flags & RL_SCRIPT_FLAG_EVAL_COMPAT_MODE) return flags;
    return script_flags_to_cmd_flags(flags, script_flags);
}

/* --- Commands ------------------------------------------------------------------------ */

void rl_cmd_eval(rl_client *c)
{
    eval_generic(c, 0, 0);
}

void rl_cmd_eval_ro(rl_client *c)
{
    eval_generic(c, 0, 1);
}

void rl_cmd_evalsha(rl_client *c)
{
    eval_generic(c, 1, 0);
}

void rl_cmd_evalsha_ro(rl_client *c)
{
    eval_generic(c, 1, 1);
}

void rl_cmd_script_load(rl_client *c)
{
    rl_scripting *s = get_scripting(c->emu);
    script_entry *e = create_function(s, c, &c->argv[2]);
    if (e) rl_add_reply_bulk(c, e->sha, 40);
}

void rl_cmd_script_exists(rl_client *c)
{
    rl_scripting *s = get_scripting(c->emu);
    rl_add_reply_array_len(c, c->argc - 2);
    for (int j = 2; j < c->argc; j++) {
        script_entry *e = NULL;
        if (c->argv[j].len == 40) {
            char sha[RL_SHA1_HEX_SIZE];
            sha_from_arg(sha, &c->argv[j]);
            HASH_FIND_STR(s->scripts, sha, e);
        }
        rl_add_reply_long_long(c, e ? 1 : 0);
    }
}

void rl_cmd_script_flush(rl_client *c)
{
    if (c->argc > 3 ||
        (c->argc == 3 && !rl_arg_is(&c->argv[2], "sync") && !rl_arg_is(&c->argv[2], "async"))) {
        rl_add_reply_error(c, RL_ERR_SCRIPT_FLUSH_OPTION);
        return;
    }
    if (c->emu->scripting) scripting_reset(c->emu->scripting, c->emu);
    rl_add_reply_ok(c);
}

/* --- A busy script: BUSY, SCRIPT KILL, FUNCTION KILL, SHUTDOWN ------------------------ */

/* Other clients reach the server only while a script is busy (from the busy
 * callback, lua_env.c), so a script that is running but not yet busy is never
 * seen here, as in Redis, whose event loop is not running then. */

int rl_script_busy_reply(rl_client *c, const rl_command *cmd)
{
    rl_lua_run *run = c->emu->busy_run;
    if (!run) return 0;
    if (c == run->caller) {
        rl_add_reply_error(c, RL_ERR_BUSY_CALLER);
        return 1;
    }
    if (cmd->flags & RL_CMD_ALLOW_BUSY) return 0;
    rl_add_reply_error(c, run->is_function ? RL_ERR_BUSY_FUNCTION : RL_ERR_BUSY_SCRIPT);
    return 1;
}

const char *rl_script_busy_error(const rl_emu *emu)
{
    const rl_lua_run *run = emu->busy_run;
    if (!run) return NULL;
    return run->is_function ? RL_ERR_BUSY_FUNCTION : RL_ERR_BUSY_SCRIPT;
}

void rl_script_kill(rl_client *c, int is_eval)
{
    rl_lua_run *run = c->emu->busy_run;
    if (!run) {
        rl_add_reply_error(c, RL_ERR_SCRIPT_NOTBUSY);
    } else if (run->write_dirty) {
        rl_add_reply_error(c, RL_ERR_SCRIPT_UNKILLABLE);
    } else if (is_eval && run->is_function) {
        rl_add_reply_error(c, RL_ERR_BUSY_FUNCTION);
    } else if (!is_eval && !run->is_function) {
        rl_add_reply_error(c, RL_ERR_BUSY_SCRIPT);
    } else {
        /* The script stops when the busy callback returns (lua_env.c). */
        if (!run->kill) run->kill = RL_RUN_STOP_KILLED;
        rl_add_reply_ok(c);
    }
}

void rl_cmd_script_kill(rl_client *c)
{
    rl_script_kill(c, 1);
}

/* SHUTDOWN's arguments as Redis 7.0 checks them. The emulator cannot exit,
 * so what would end the process answers redlua's own error instead; while a
 * script is busy, NOSAVE stops it (its caller gets RL_ERR_SCRIPT_SHUTDOWN),
 * which is the one effect of SHUTDOWN NOSAVE a test can observe. */
void rl_cmd_shutdown(rl_client *c)
{
    int nosave = 0, save = 0, other = 0, abort_ = 0;
    for (int i = 1; i < c->argc; i++) {
        if (rl_arg_is(&c->argv[i], "nosave")) {
            nosave = 1;
        } else if (rl_arg_is(&c->argv[i], "save")) {
            save = 1;
        } else if (rl_arg_is(&c->argv[i], "now") || rl_arg_is(&c->argv[i], "force")) {
            other = 1;
        } else if (rl_arg_is(&c->argv[i], "abort")) {
            abort_ = 1;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }
    if ((abort_ && (nosave || save || other)) || (nosave && save)) {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }
    if (abort_) {
        rl_add_reply_error(c, RL_ERR_SHUTDOWN_NOT_IN_PROGRESS);
        return;
    }
    rl_lua_run *run = c->emu->busy_run;
    if (run && !nosave) {
        rl_add_reply_error(c, rl_script_busy_error(c->emu));
    } else if (run) {
        run->kill = RL_RUN_STOP_SHUTDOWN;
        rl_add_reply_error(c, RL_ERR_SHUTDOWN_BUSY_EMULATED);
    } else {
        rl_add_reply_error(c, RL_ERR_SHUTDOWN_UNSUPPORTED);
    }
}

/* SCRIPT DEBUG: Redis's argument handling. NO is what every client starts
 * with; YES and SYNC would start Lua's debugger session for the next EVAL,
 * which needs an interactive client (redis-cli --ldb): redlua says it has
 * none rather than answer OK and then run the script without it. */
void rl_cmd_script_debug(rl_client *c)
{
    if (rl_arg_is(&c->argv[2], "no")) {
        rl_add_reply_ok(c);
    } else if (rl_arg_is(&c->argv[2], "yes") || rl_arg_is(&c->argv[2], "sync")) {
        rl_add_reply_error(c, RL_ERR_SCRIPT_DEBUG_UNSUPPORTED);
    } else {
        rl_add_reply_error(c, RL_ERR_SCRIPT_DEBUG_MODE);
    }
}

void rl_cmd_script_help(rl_client *c)
{
    static const char *const help[] = {
        "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
        "HELP",
        "    Prints this help.",
    };
    long n = (long)(sizeof(help) / sizeof(help[0]));
    rl_add_reply_array_len(c, n);
    for (long i = 0; i < n; i++) rl_add_reply_status(c, help[i]);
}
