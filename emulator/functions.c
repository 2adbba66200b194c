/* FUNCTION and FCALL, following Redis 7.0's functions.c and function_lua.c.
 *
 * State: one rl_functions per emulator, made on first use: the functions Lua
 * VM (rl_lua_env_new_functions), the client functions run their commands on
 * (Redis gives each engine its own), and the libraries, sorted by name.
 *
 * FUNCTION LOAD compiles the code after the metadata line as
 * "@user_function" and runs it once, with no error handler, while reading a
 * global falls through to a restricted table instead of the real globals
 * (Redis swaps the __index of its globals metatable the same way): the only
 * global is `redis`, holding register_function, log, LOG_*, REDIS_VERSION
 * and REDIS_VERSION_NUM; anything else raises the nonexistent-global error.
 * register_function keeps each callback in the Lua registry (luaL_ref). A
 * count hook stops the code after 500 ms. Nothing of a failed load remains:
 * its callbacks are unreferenced and a library it would have replaced stays.
 *
 * FCALL looks the function up by name (case-insensitively, across all
 * libraries), then hands the callback to rl_script_run with the keys and
 * arguments as its two parameters.
 *
 * FUNCTION DUMP writes each library as Redis's RDB does (opcode 0xF5, then
 * the code as an RDB string, LZF-compressed when that saves at least four
 * bytes), then RDB version 10 and a CRC-64 (Jones polynomial), both little
 * endian. FUNCTION RESTORE reads that format, and the 7.0 release candidates'
 * format (opcode 0xF6), into a separate set of libraries that replaces or
 * joins the current one only when all of it loaded. */
#include "functions.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "commands.h"
#include "coverage.h"
#include "errors.h"
#include "lua_env.h"
#include "lua_redis.h"
#include "mem.h"
#include "scripts.h"
#include "sha1.h"
#include "util.h"

#define ENGINE_NAME "LUA"
/* FUNCTION LOAD's limit, checked every LOAD_HOOK_COUNT VM instructions. */
#define LOAD_TIMEOUT_MS 500
#define LOAD_HOOK_COUNT 100000

/* RDB: opcodes of a library record, the version written after them. */
#define RDB_OPCODE_FUNCTION2 245
#define RDB_OPCODE_FUNCTION_PRE_GA 246
#define RDB_VERSION 10
#define RDB_ENC_INT8 0
#define RDB_ENC_INT16 1
#define RDB_ENC_INT32 2
#define RDB_ENC_LZF 3

/* Registry keys (addresses used as light userdata). */
static char load_ctx_key;     /* the load_ctx of the FUNCTION LOAD in progress */
static char load_globals_key; /* the globals FUNCTION LOAD's code sees */

typedef struct fn_function {
    char *name; /* [A-Za-z0-9_]+ */
    char *desc; /* NULL when not given; desc_len bytes */
    size_t desc_len;
    int flags;         /* RL_SCRIPT_FLAG_* */
    int ref;           /* the callback, in the Lua registry */
    rl_cov_chunk *cov; /* its library's coverage record, or NULL (coverage off) */
} fn_function;

typedef struct fn_library {
    char *name; /* [A-Za-z0-9_]+ */
    char *code; /* the whole code, metadata line included */
    size_t code_len;
    fn_function *functions; /* sorted by name */
    size_t nfunctions;
} fn_library;

/* A set of libraries sorted by name: the current one, or one being restored. */
typedef struct fn_set {
    fn_library **libs;
    size_t n;
} fn_set;

typedef struct rl_functions {
    rl_lua_env *env;
    rl_client *client;
    fn_set set;
} rl_functions;

/* What register_function needs while a library's code runs. */
typedef struct load_ctx {
    fn_library *lib;
    uint64_t start_ns;
    rl_cov_chunk *cov; /* the library's coverage record, or NULL (coverage off) */
    rl_engine_runs *engine;
} load_ctx;

/* --- Libraries ------------------------------------------------------------- */

static void function_free(lua_State *L, fn_function *fn)
{
    luaL_unref(L, LUA_REGISTRYINDEX, fn->ref);
    rl_free(fn->name);
    rl_free(fn->desc);
}

static void library_free(lua_State *L, fn_library *lib)
{
    if (!lib) return;
    for (size_t i = 0; i < lib->nfunctions; i++) function_free(L, &lib->functions[i]);
    rl_free(lib->functions);
    rl_free(lib->name);
    rl_free(lib->code);
    rl_free(lib);
}

static void set_clear(lua_State *L, fn_set *set)
{
    for (size_t i = 0; i < set->n; i++) library_free(L, set->libs[i]);
    rl_free(set->libs);
    set->libs = NULL;
    set->n = 0;
}

/* The index of the library called name in set, or where it would go (*found
 * tells which). Library names are case-sensitive. */
static size_t set_search(const fn_set *set, const char *name, int *found)
{
    size_t lo = 0, hi = set->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(set->libs[mid]->name, name);
        if (cmp == 0) {
            *found = 1;
            return mid;
        }
        if (cmp < 0) lo = mid + 1;
        else hi = mid;
    }
    *found = 0;
    return lo;
}

static fn_library *set_find(const fn_set *set, const char *name)
{
    int found;
    size_t i = set_search(set, name, &found);
    return found ? set->libs[i] : NULL;
}

/* Adds lib (taken), which must not be in set yet. */
static void set_add_take(fn_set *set, fn_library *lib)
{
    int found;
    size_t i = set_search(set, lib->name, &found);
    set->libs = rl_realloc(set->libs, sizeof(*set->libs) * (set->n + 1));
    memmove(set->libs + i + 1, set->libs + i, sizeof(*set->libs) * (set->n - i));
    set->libs[i] = lib;
    set->n++;
}

/* Takes lib out of set (not freed). */
static void set_remove(fn_set *set, const fn_library *lib)
{
    int found;
    size_t i = set_search(set, lib->name, &found);
    if (!found) return;
    memmove(set->libs + i, set->libs + i + 1, sizeof(*set->libs) * (set->n - i - 1));
    set->n--;
}

/* Function names are unique across libraries case-insensitively (Redis's
 * functions dict compares with strcasecmp). */
static int name_equal_nocase(const char *a, size_t alen, const char *b)
{
    return strlen(b) == alen && strncasecmp(a, b, alen) == 0;
}

/* The function called name (len bytes) in set, ignoring case; skip is a
 * library not to look in (the one a FUNCTION LOAD REPLACE replaces). */
static fn_function *set_find_function(const fn_set *set, const char *name, size_t len,
                                      const fn_library *skip)
{
    for (size_t i = 0; i < set->n; i++) {
        if (set->libs[i] == skip) continue;
        for (size_t j = 0; j < set->libs[i]->nfunctions; j++) {
            fn_function *fn = &set->libs[i]->functions[j];
            if (name_equal_nocase(name, len, fn->name)) return fn;
        }
    }
    return NULL;
}

static size_t set_function_count(const fn_set *set)
{
    size_t n = 0;
    for (size_t i = 0; i < set->n; i++) n += set->libs[i]->nfunctions;
    return n;
}

/* Redis's functionsVerifyName: [A-Za-z0-9_]+. */
static int valid_name(const char *p, size_t len)
{
    if (len == 0) return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = p[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_'))
            return 0;
    }
    return 1;
}

/* --- redis.register_function ---------------------------------------------------- */

static load_ctx *get_load_ctx(lua_State *L)
{
    lua_pushlightuserdata(L, &load_ctx_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    load_ctx *ctx = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return ctx;
}

static void set_load_ctx(lua_State *L, load_ctx *ctx)
{
    lua_pushlightuserdata(L, &load_ctx_key);
    if (ctx) lua_pushlightuserdata(L, ctx);
    else lua_pushnil(L);
    lua_rawset(L, LUA_REGISTRYINDEX);
}

static int raise_error(lua_State *L, const char *text)
{
    rl_lua_push_error_table(L, text);
    return lua_error(L);
}

/* Reads flags={...} (the table on top): entries 1, 2, ... up to the first
 * nil, each a string naming a flag, compared ignoring case as C strings. */
static int read_flags(lua_State *L, int *flags)
{
    int f = 0;
    for (int j = 1;; j++) {
        lua_pushnumber(L, j);
        lua_gettable(L, -2);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
        }
        const char *name = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
        int k = 0;
        while (name && rl_script_flags[k].name && strcasecmp(rl_script_flags[k].name, name) != 0)
            k++;
        lua_pop(L, 1);
        if (!name || !rl_script_flags[k].name) return RL_ERR;
        f |= rl_script_flags[k].flag;
    }
    *flags = f;
    return RL_OK;
}

/* The named form: {function_name=, callback=, description=, flags=}, keys
 * ignoring case, read in the table's iteration order (the first bad entry
 * met is the error, as in Redis). Leaves name, description and callback in
 * stack slots 2, 3 and 4 (nil when absent). */
static int read_named_args(lua_State *L, int *flags)
{
    if (!lua_istable(L, 1)) return raise_error(L, RL_ERR_FN_REG_SINGLE);
    lua_settop(L, 4);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        /* A number key passes Redis's string test and then matches nothing. */
        int kt = lua_type(L, -2);
        if (kt != LUA_TSTRING && kt != LUA_TNUMBER) return raise_error(L, RL_ERR_FN_REG_KEY);
        const char *key = kt == LUA_TSTRING ? lua_tostring(L, -2) : "";
        if (strcasecmp(key, "function_name") == 0) {
            if (!lua_isstring(L, -1)) return raise_error(L, RL_ERR_FN_REG_NAMED_NAME);
            lua_pushvalue(L, -1);
            lua_replace(L, 2);
        } else if (strcasecmp(key, "description") == 0) {
            if (!lua_isstring(L, -1)) return raise_error(L, RL_ERR_FN_REG_NAMED_DESC);
            lua_pushvalue(L, -1);
            lua_replace(L, 3);
        } else if (strcasecmp(key, "callback") == 0) {
            if (!lua_isfunction(L, -1)) return raise_error(L, RL_ERR_FN_REG_NAMED_CALLBACK);
            lua_pushvalue(L, -1);
            lua_replace(L, 4);
        } else if (strcasecmp(key, "flags") == 0) {
            if (!lua_istable(L, -1)) return raise_error(L, RL_ERR_FN_REG_FLAGS);
            if (read_flags(L, flags) != RL_OK) return raise_error(L, RL_ERR_FN_REG_UNKNOWN_FLAG);
        } else {
            return raise_error(L, RL_ERR_FN_REG_UNKNOWN_ARG);
        }
        lua_pop(L, 1);
    }
    if (lua_isnil(L, 2)) return raise_error(L, RL_ERR_FN_REG_NO_NAME);
    if (lua_isnil(L, 4)) return raise_error(L, RL_ERR_FN_REG_NO_CALLBACK);
    return 0;
}

/* redis.register_function(name, callback) or redis.register_function{...}
 * (luaRegisterFunction). Every check raises before anything is allocated. */
static int fn_register_function(lua_State *L)
{
    load_ctx *ctx = get_load_ctx(L);
    if (!ctx) return raise_error(L, RL_ERR_FN_REG_AFTER_LOAD);
    int argc = lua_gettop(L);
    if (argc < 1 || argc > 2) return raise_error(L, RL_ERR_FN_REG_ARGC);
    int flags = 0, name_idx, desc_idx = 0, cb_idx;
    if (argc == 2) {
        if (!lua_isstring(L, 1)) return raise_error(L, RL_ERR_FN_REG_NAME);
        if (!lua_isfunction(L, 2)) return raise_error(L, RL_ERR_FN_REG_CALLBACK);
        name_idx = 1;
        cb_idx = 2;
    } else {
        read_named_args(L, &flags);
        name_idx = 2;
        desc_idx = lua_isnil(L, 3) ? 0 : 3;
        cb_idx = 4;
    }
    size_t nlen;
    const char *name = lua_tolstring(L, name_idx, &nlen);
    if (!valid_name(name, nlen)) return raise_error(L, RL_ERR_FN_BAD_NAME);
    fn_library *lib = ctx->lib;
    size_t pos = 0;
    while (pos < lib->nfunctions) {
        int cmp = strcmp(lib->functions[pos].name, name);
        if (cmp == 0) return raise_error(L, RL_ERR_FN_REG_DUPLICATE);
        if (cmp > 0) break;
        pos++;
    }

    lua_pushvalue(L, cb_idx);
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lib->functions = rl_realloc(lib->functions, sizeof(fn_function) * (lib->nfunctions + 1));
    memmove(lib->functions + pos + 1, lib->functions + pos,
            sizeof(fn_function) * (lib->nfunctions - pos));
    fn_function *fn = &lib->functions[pos];
    lib->nfunctions++;
    fn->name = rl_memdup(name, nlen);
    fn->desc = NULL;
    fn->desc_len = 0;
    if (desc_idx) {
        const char *desc = lua_tolstring(L, desc_idx, &fn->desc_len);
        fn->desc = rl_memdup(desc, fn->desc_len);
    }
    fn->flags = flags;
    fn->ref = ref;
    return 0;
}

/* --- The functions VM ---------------------------------------------------------------- */

/* Pushes an empty read-only proxy of the table on top (which it replaces):
 * reads go through to it, writes raise "Attempt to modify a readonly table"
 * with the writer's position. */
static void make_proxy(lua_State *L)
{
    int t = lua_gettop(L);
    lua_newtable(L);
    lua_newtable(L);
    lua_pushvalue(L, t);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, rl_lua_env_readonly_assign);
    lua_setfield(L, -2, "__newindex");
    rl_lua_env_set_readonly(L, -1);
    lua_setmetatable(L, -2);
    rl_lua_env_set_readonly(L, -1);
    lua_replace(L, t);
}

/* Gives the table on top a metatable whose __index raises the
 * nonexistent-global error (luaSetErrorMetatable), and makes it read-only. */
static void set_error_metatable(lua_State *L)
{
    lua_newtable(L);
    lua_pushcfunction(L, rl_lua_env_missing_global);
    lua_setfield(L, -2, "__index");
    rl_lua_env_set_readonly(L, -1);
    lua_setmetatable(L, -2);
    rl_lua_env_set_readonly(L, -1);
}

/* Builds the globals of FUNCTION LOAD's code (Redis's __LIBRARY_API__): a
 * table holding only `redis`, itself holding register_function and, taken
 * from the runtime redis table, log, LOG_* and the version fields. */
static void build_load_globals(lua_State *L)
{
    static const char *const copied[] = {
        "log",         "LOG_DEBUG",     "LOG_VERBOSE",       "LOG_NOTICE",
        "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM", NULL
    };
    lua_newtable(L); /* the globals */
    lua_newtable(L); /* their redis */
    lua_pushcfunction(L, fn_register_function);
    lua_setfield(L, -2, "register_function");
    lua_getglobal(L, "redis");
    for (const char *const *p = copied; *p; p++) {
        lua_getfield(L, -1, *p);
        lua_setfield(L, -3, *p);
    }
    lua_pop(L, 1);
    set_error_metatable(L);
    make_proxy(L);
    lua_setfield(L, -2, "redis");
    set_error_metatable(L);
    lua_pushlightuserdata(L, &load_globals_key);
    lua_insert(L, -2);
    lua_rawset(L, LUA_REGISTRYINDEX);
}

static rl_functions *get_functions(rl_emu *emu)
{
    if (!emu->functions) {
        rl_functions *f = rl_calloc(1, sizeof(*f));
        f->env = rl_lua_env_new_functions(emu, rl_script_rand48(emu));
        f->client = rl_client_new(emu);
        f->client->flags = RL_CLIENT_SCRIPT | RL_CLIENT_DENY_BLOCKING;
        build_load_globals(f->env->L);
        emu->functions = f;
    }
    return emu->functions;
}

int rl_functions_flags(rl_emu *emu, const char *name, size_t len, int *flags)
{
    if (!emu->functions) return RL_ERR;
    const fn_function *fn = set_find_function(&emu->functions->set, name, len, NULL);
    if (!fn) return RL_ERR;
    *flags = fn->flags;
    return RL_OK;
}

void rl_functions_free(rl_emu *emu)
{
    rl_functions *f = emu->functions;
    if (!f) return;
    set_clear(f->env->L, &f->set);
    rl_lua_env_free(f->env);
    rl_client_free(f->client);
    rl_free(f);
    emu->functions = NULL;
}

/* --- Creating a library ----------------------------------------------------------------- */

/* An error text (with its code) for the caller to reply with. */
static char *error_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *error_text(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *buf = rl_vasprintf(NULL, fmt, ap);
    va_end(ap);
    return buf;
}

/* The metadata line, parsed (functionExtractLibMetaData). */
typedef struct metadata {
    char *engine; /* engine_len bytes */
    size_t engine_len;
    char *name; /* name_len bytes */
    size_t name_len;
} metadata;

static void metadata_free(metadata *md)
{
    rl_free(md->engine);
    rl_free(md->name);
}

/* Like Redis, reads the code as a C string up to the first newline. On
 * success *body is where the code proper starts (at that newline, so line
 * numbers count the metadata line). */
static char *parse_metadata(const char *code, metadata *md, size_t *body)
{
    memset(md, 0, sizeof(*md));
    if (strncmp(code, "#!", 2) != 0) return error_text(RL_ERR_FN_MISSING_METADATA);
    const char *nl = strchr(code, '\n');
    if (!nl) return error_text(RL_ERR_FN_INVALID_METADATA);
    char *line = rl_memdup(code, (size_t)(nl - code));
    rl_split_args parts;
    int ok = rl_split_args_parse(line, &parts);
    rl_free(line);
    char *err = NULL;
    if (!ok || parts.count == 0) {
        err = error_text(RL_ERR_FN_INVALID_METADATA);
        goto done;
    }
    /* The engine is the first word without its first two bytes. */
    md->engine_len = parts.lens[0] >= 2 ? parts.lens[0] - 2 : 0;
    md->engine =
        rl_memdup(parts.argv[0] + (parts.lens[0] >= 2 ? 2 : parts.lens[0]), md->engine_len);
    for (int i = 1; i < parts.count; i++) {
        if (strncasecmp(parts.argv[i], "name=", 5) == 0) {
            if (md->name) {
                err = error_text(RL_ERR_FN_NAME_TWICE);
                goto done;
            }
            md->name_len = parts.lens[i] - 5;
            md->name = rl_memdup(parts.argv[i] + 5, md->name_len);
            continue;
        }
        err = error_text(RL_ERRF_FN_METADATA_VALUE, parts.argv[i]);
        goto done;
    }
    if (!md->name) err = error_text(RL_ERR_FN_NO_LIBRARY_NAME);
done:
    rl_split_args_free(&parts);
    if (err) {
        metadata_free(md);
        memset(md, 0, sizeof(*md));
        return err;
    }
    *body = (size_t)(nl - code);
    return NULL;
}

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The count hook of a library's code (luaEngineLoadHook): past the time
 * limit, it raises on every line from then on. Under coverage it also gets
 * line and call events, counted for the library's own code as a script
 * run's are (lua_env.c, run_hook). */
static void load_hook(lua_State *L, lua_Debug *ar)
{
    load_ctx *ctx = get_load_ctx(L);
    if (ctx && ar->event == LUA_HOOKCOUNT) rl_engine_count_event(L, ctx->engine);
    if (ctx && ctx->cov && (ar->event == LUA_HOOKLINE || ar->event == LUA_HOOKCALL) &&
        lua_getinfo(L, "S", ar) && strcmp(ar->source, RL_LUA_FUNCTION_CHUNK_SOURCE) == 0) {
        if (ar->event == LUA_HOOKCALL) {
            if (ar->linedefined > 0) rl_cov_call(ctx->cov, ar->linedefined);
            return;
        }
        rl_cov_hit(ctx->cov, ar->currentline);
    }
    if (ar->event == LUA_HOOKCALL) return;
    if (!ctx || (monotonic_ns() - ctx->start_ns) / 1000000ULL <= LOAD_TIMEOUT_MS) return;
    rl_engine_sethook(L, ctx->engine, load_hook, LUA_MASKLINE, 0);
    raise_error(L, RL_ERR_FN_LOAD_TIMEOUT);
}

/* Compiles and runs a library's code with the load-time globals, filling
 * lib's functions (luaEngineCreate). Returns NULL or the error text. */
static char *run_library_code(rl_functions *f, fn_library *lib, const char *body, size_t len)
{
    lua_State *L = f->env->L;
    lua_pushlightuserdata(L, &load_globals_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    rl_lua_env_set_globals_fallback(L);

    char *err = NULL;
    if (luaL_loadbuffer(L, body, len, RL_LUA_FUNCTION_CHUNK_SOURCE)) {
        err = error_text(RL_ERRF_FN_COMPILE, lua_tostring(L, -1));
        lua_pop(L, 1);
    } else {
        /* Coverage records a library by the SHA1 of its whole code, the
         * text FUNCTION LOAD was sent: its chunk starts at the newline that
         * ends the metadata line, so chunk line N is line N of that text.
         * The load's run of the code is a run: its top-level lines count. */
        rl_cov_chunk *cov = NULL;
        if (f->env->emu->coverage_on) {
            char sha[RL_SHA1_HEX_SIZE];
            rl_sha1_hex(sha, lib->code, lib->code_len);
            cov = rl_cov_register(f->env->emu, sha, lib->code, lib->code_len, L);
        }
        load_ctx ctx = { lib, monotonic_ns(), cov, &f->env->engine };
        set_load_ctx(L, &ctx);
        if (cov) rl_cov_begin_run(cov);
        rl_engine_sethook(L, ctx.engine, load_hook,
                          LUA_MASKCOUNT | (cov ? LUA_MASKLINE | LUA_MASKCALL : 0), LOAD_HOOK_COUNT);
        int load_failed = lua_pcall(L, 0, 0, 0);
        for (size_t i = 0; !load_failed && i < lib->nfunctions; i++) lib->functions[i].cov = cov;
        if (load_failed) {
            /* A string gets the code ERR; an error table brings its own. */
            const char *msg = NULL;
            if (lua_istable(L, -1)) {
                lua_pushstring(L, "err");
                lua_rawget(L, -2);
                if (lua_isstring(L, -1)) msg = lua_tostring(L, -1);
                err = error_text(RL_ERRF_FN_REGISTER, msg ? msg : "");
                lua_pop(L, 1);
            } else {
                msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : luaL_typename(L, -1);
                lua_pushstring(L, RL_ERR_LUA_VALUE_PREFIX);
                lua_pushstring(L, msg);
                lua_concat(L, 2);
                err = error_text(RL_ERRF_FN_REGISTER, lua_tostring(L, -1));
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
        }
        rl_engine_sethook(L, ctx.engine, NULL, 0, 0);
        set_load_ctx(L, NULL);
    }
    lua_pushnil(L);
    rl_lua_env_set_globals_fallback(L);
    return err;
}

/* Creates the library that code (len bytes) describes and adds it to set
 * (functionsCreateWithLibraryCtx). With replace, a library of the same name
 * is replaced, but only once the new one is complete. Returns NULL and sets
 * *libname (borrowed from the library) on success, else the error text. */
static char *create_library(rl_functions *f, fn_set *set, const char *code, size_t len, int replace,
                            const char **libname)
{
    /* The metadata line is read as a C string, as Redis reads the sds. */
    char *ccode = rl_memdup(code, len);
    metadata md;
    size_t body;
    char *err = parse_metadata(ccode, &md, &body);
    rl_free(ccode);
    if (err) return err;

    fn_library *lib = NULL, *old = NULL;
    if (!valid_name(md.name, md.name_len)) {
        err = error_text(RL_ERR_FN_BAD_NAME);
        goto done;
    }
    if (md.engine_len != strlen(ENGINE_NAME) ||
        strncasecmp(md.engine, ENGINE_NAME, md.engine_len) != 0) {
        err = error_text(RL_ERRF_FN_ENGINE_NOT_FOUND, (int)md.engine_len, md.engine);
        goto done;
    }
    old = set_find(set, md.name);
    if (old && !replace) {
        err = error_text(RL_ERRF_FN_LIBRARY_EXISTS, md.name);
        goto done;
    }

    lib = rl_calloc(1, sizeof(*lib));
    lib->name = md.name;
    md.name = NULL;
    lib->code = rl_memdup(code, len);
    lib->code_len = len;
    err = run_library_code(f, lib, code + body, len - body);
    if (err) goto done;
    if (lib->nfunctions == 0) {
        err = error_text(RL_ERR_FN_NO_FUNCTIONS);
        goto done;
    }
    for (size_t i = 0; i < lib->nfunctions; i++) {
        const char *name = lib->functions[i].name;
        if (set_find_function(set, name, strlen(name), old)) {
            err = error_text(RL_ERRF_FN_FUNCTION_EXISTS, name);
            goto done;
        }
    }
    if (old) {
        set_remove(set, old);
        library_free(f->env->L, old);
    }
    set_add_take(set, lib);
    *libname = lib->name;
    lib = NULL;
done:
    library_free(f->env->L, lib);
    metadata_free(&md);
    return err;
}

/* --- Replies and argument helpers ----------------------------------------------------------- */

/* Replies with an error text built by error_text, sent as it is (Redis's
 * addReplyErrorSds does not replace newlines either), and frees it. */
static void reply_error_take(rl_client *c, char *err)
{
    rl_add_reply_error_len(c, err, strlen(err));
    rl_free(err);
}

/* Redis compares these options with strcasecmp, so an argument matches up
 * to its first NUL. */
static int arg_is(const rl_arg *a, const char *s)
{
    const char *z = memchr(a->ptr, '\0', a->len);
    size_t n = z ? (size_t)(z - a->ptr) : a->len;
    return n == strlen(s) && strncasecmp(a->ptr, s, n) == 0;
}

/* addReplySubcommandSyntaxError: the subcommand as typed. */
static void reply_subcommand_syntax(rl_client *c)
{
    char *sub = rl_memdup(c->argv[1].ptr, c->argv[1].len);
    rl_add_reply_errorf(c, RL_ERRF_STREAM_SUBCOMMAND_SYNTAX, sub, "FUNCTION");
    rl_free(sub);
}

/* --- FCALL ------------------------------------------------------------------------------------ */

static void fcall_generic(rl_client *c, int ro)
{
    rl_script_reset_last(c->emu);
    rl_functions *f = get_functions(c->emu);
    fn_function *fn = set_find_function(&f->set, c->argv[1].ptr, c->argv[1].len, NULL);
    if (!fn) {
        rl_add_reply_error(c, RL_ERR_FN_NOT_FOUND);
        return;
    }
    long long numkeys;
    if (!rl_string2ll(c->argv[2].ptr, c->argv[2].len, &numkeys)) {
        rl_add_reply_error(c, RL_ERR_FN_BAD_NUMKEYS);
        return;
    }
    if (numkeys > c->argc - 3) {
        rl_add_reply_error(c, RL_ERR_NUMKEYS_TOO_BIG);
        return;
    }
    if (numkeys < 0) {
        rl_add_reply_error(c, RL_ERR_NUMKEYS_NEGATIVE);
        return;
    }
    int no_writes = fn->flags & RL_SCRIPT_FLAG_NO_WRITES;
    if ((fn->flags & RL_SCRIPT_FLAG_NO_CLUSTER) && c->emu->cluster_mode) {
        rl_add_reply_error(c, RL_ERR_CLUSTER_NO_CLUSTER_SCRIPT);
        return;
    }
    if (ro && !no_writes) {
        rl_add_reply_error(c, RL_ERR_SCRIPT_RO_WRITE_FLAG);
        return;
    }
    lua_State *L = f->env->L;
    rl_lua_env_push_error_handler(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, fn->ref);
    rl_script_run(c, f->env, f->client, fn->name, ro || no_writes, numkeys, 1,
                  (fn->flags & RL_SCRIPT_FLAG_ALLOW_OOM) != 0, fn->flags, fn->cov, NULL, 0);
}

void rl_cmd_fcall(rl_client *c)
{
    fcall_generic(c, 0);
}

void rl_cmd_fcall_ro(rl_client *c)
{
    fcall_generic(c, 1);
}

/* --- FUNCTION LOAD, DELETE, FLUSH, LIST, STATS, KILL, HELP ---------------------------------- */

void rl_cmd_function_load(rl_client *c)
{
    int replace = 0, pos = 2;
    while (pos < c->argc - 1) {
        const rl_arg *a = &c->argv[pos++];
        if (arg_is(a, "replace")) {
            replace = 1;
            continue;
        }
        char *opt = rl_memdup(a->ptr, a->len);
        rl_add_reply_errorf(c, RL_ERRF_FN_UNKNOWN_OPTION, opt);
        rl_free(opt);
        return;
    }
    if (pos >= c->argc) {
        rl_add_reply_error(c, RL_ERR_FN_CODE_MISSING);
        return;
    }
    rl_functions *f = get_functions(c->emu);
    const char *name;
    char *err = create_library(f, &f->set, c->argv[pos].ptr, c->argv[pos].len, replace, &name);
    if (err) reply_error_take(c, err);
    else rl_add_reply_bulk_cstr(c, name);
}

void rl_cmd_function_delete(rl_client *c)
{
    rl_functions *f = get_functions(c->emu);
    char *name = rl_memdup(c->argv[2].ptr, c->argv[2].len);
    fn_library *lib = strlen(name) == c->argv[2].len ? set_find(&f->set, name) : NULL;
    rl_free(name);
    if (!lib) {
        rl_add_reply_error(c, RL_ERR_FN_LIBRARY_NOT_FOUND);
        return;
    }
    set_remove(&f->set, lib);
    library_free(f->env->L, lib);
    rl_add_reply_ok(c);
}

void rl_cmd_function_flush(rl_client *c)
{
    if (c->argc > 3) {
        reply_subcommand_syntax(c);
        return;
    }
    if (c->argc == 3 && !arg_is(&c->argv[2], "sync") && !arg_is(&c->argv[2], "async")) {
        rl_add_reply_error(c, RL_ERR_FN_FLUSH_OPTION);
        return;
    }
    if (c->emu->functions) set_clear(c->emu->functions->env->L, &c->emu->functions->set);
    rl_add_reply_ok(c);
}

static void reply_function(rl_client *c, const fn_function *fn)
{
    rl_add_reply_map_len(c, 3);
    rl_add_reply_bulk_cstr(c, "name");
    rl_add_reply_bulk_cstr(c, fn->name);
    rl_add_reply_bulk_cstr(c, "description");
    if (fn->desc) rl_add_reply_bulk(c, fn->desc, fn->desc_len);
    else rl_add_reply_null(c);
    rl_add_reply_bulk_cstr(c, "flags");
    long n = 0;
    for (int k = 0; rl_script_flags[k].name; k++)
        if (fn->flags & rl_script_flags[k].flag) n++;
    rl_add_reply_set_len(c, n);
    for (int k = 0; rl_script_flags[k].name; k++)
        if (fn->flags & rl_script_flags[k].flag) rl_add_reply_status(c, rl_script_flags[k].name);
}

void rl_cmd_function_list(rl_client *c)
{
    int with_code = 0;
    const rl_arg *pattern = NULL;
    for (int i = 2; i < c->argc; i++) {
        const rl_arg *a = &c->argv[i];
        if (!with_code && arg_is(a, "withcode")) {
            with_code = 1;
            continue;
        }
        if (!pattern && arg_is(a, "libraryname")) {
            if (i >= c->argc - 1) {
                rl_add_reply_error(c, RL_ERR_FN_LIST_NO_PATTERN);
                return;
            }
            pattern = &c->argv[++i];
            continue;
        }
        char *arg = rl_memdup(a->ptr, a->len);
        reply_error_take(c, error_text(RL_ERRF_FN_LIST_ARGUMENT, arg));
        rl_free(arg);
        return;
    }
    rl_functions *f = get_functions(c->emu);
    long n = 0;
    for (size_t i = 0; i < f->set.n; i++) {
        const char *name = f->set.libs[i]->name;
        if (!pattern || rl_stringmatchlen(pattern->ptr, pattern->len, name, strlen(name), 1)) n++;
    }
    rl_add_reply_array_len(c, n);
    for (size_t i = 0; i < f->set.n; i++) {
        const fn_library *lib = f->set.libs[i];
        if (pattern &&
            !rl_stringmatchlen(pattern->ptr, pattern->len, lib->name, strlen(lib->name), 1))
            continue;
        rl_add_reply_map_len(c, with_code ? 4 : 3);
        rl_add_reply_bulk_cstr(c, "library_name");
        rl_add_reply_bulk_cstr(c, lib->name);
        rl_add_reply_bulk_cstr(c, "engine");
        rl_add_reply_bulk_cstr(c, ENGINE_NAME);
        rl_add_reply_bulk_cstr(c, "functions");
        rl_add_reply_array_len(c, (long)lib->nfunctions);
        for (size_t j = 0; j < lib->nfunctions; j++) reply_function(c, &lib->functions[j]);
        if (with_code) {
            rl_add_reply_bulk_cstr(c, "library_code");
            rl_add_reply_bulk(c, lib->code, lib->code_len);
        }
    }
}

/* Nothing runs while a command is processed (a function runs to its end
 * inside the FCALL that started it), so running_script is always null. */
void rl_cmd_function_stats(rl_client *c)
{
    /* Only another client can see a running script, and only while it is
     * busy (rl_emu_set_busy_callback): an EVAL is not shown but refused. */
    const rl_lua_run *run = c->emu->busy_run;
    if (run && !run->is_function) {
        rl_add_reply_error(c, RL_ERR_BUSY_SCRIPT);
        return;
    }
    rl_functions *f = get_functions(c->emu);
    rl_add_reply_map_len(c, 2);
    rl_add_reply_bulk_cstr(c, "running_script");
    if (!run) {
        rl_add_reply_null(c);
    } else {
        rl_add_reply_map_len(c, 3);
        rl_add_reply_bulk_cstr(c, "name");
        rl_add_reply_bulk_cstr(c, run->name);
        rl_add_reply_bulk_cstr(c, "command");
        rl_add_reply_array_len(c, run->caller->argc);
        for (int i = 0; i < run->caller->argc; i++)
            rl_add_reply_bulk(c, run->caller->argv[i].ptr, run->caller->argv[i].len);
        rl_add_reply_bulk_cstr(c, "duration_ms");
        rl_add_reply_long_long(c, rl_lua_run_elapsed_ms(run));
    }
    rl_add_reply_bulk_cstr(c, "engines");
    rl_add_reply_map_len(c, 1);
    rl_add_reply_bulk_cstr(c, ENGINE_NAME);
    rl_add_reply_map_len(c, 2);
    rl_add_reply_bulk_cstr(c, "libraries_count");
    rl_add_reply_long_long(c, (long long)f->set.n);
    rl_add_reply_bulk_cstr(c, "functions_count");
    rl_add_reply_long_long(c, (long long)set_function_count(&f->set));
}

void rl_cmd_function_kill(rl_client *c)
{
    rl_script_kill(c, 0);
}

void rl_cmd_function_help(rl_client *c)
{
    static const char *const help[] = {
        "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME "
        "argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored "
        "using FUNCTION RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a "
        "restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
        "abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
        "replace the old",
        "      libraries with the new libraries (notice that even on this option there is a "
        "chance of failure",
        "      in case of functions name collision with another library).",
        "HELP",
        "    Prints this help.",
    };
    long n = (long)(sizeof(help) / sizeof(help[0]));
    rl_add_reply_array_len(c, n);
    for (long i = 0; i < n; i++) rl_add_reply_status(c, help[i]);
}

/* --- CRC-64 and LZF (the RDB payload) ------------------------------------------------------- */

/* Redis's crc64: the Jones polynomial 0xad93d23594c935a9, reflected, initial
 * value 0, no final xor (crc64("123456789") = 0xe9c6d914c4b8d9ca). */
static uint64_t crc64(const unsigned char *p, size_t len)
{
    static uint64_t table[256];
    static int ready;
    if (!ready) {
        for (int i = 0; i < 256; i++) {
            uint64_t v = (uint64_t)i;
            for (int b = 0; b < 8; b++) v = (v & 1) ? (v >> 1) ^ 0x95ac9329ac4bc9b5ULL : v >> 1;
            table[i] = v;
        }
        ready = 1;
    }
    uint64_t crc = 0;
    for (size_t i = 0; i < len; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return crc;
}

/* LZF as liblzf 3.6 compresses with Redis's settings (HLOG 16, VERY_FAST),
 * so the bytes are the ones Redis writes. The hash table starts empty; in
 * Redis it is uninitialised stack memory, whose stale entries almost never
 * pass the match checks. A literal run is a byte 0..31 (length - 1) then the
 * bytes; a back reference is 3 bits of length - 2 (7: one more length byte)
 * and 13 bits of distance - 1. Returns the compressed length, or 0 when it
 * does not fit in out_len bytes. */
#define LZF_HLOG 16
#define LZF_HSIZE (1u << LZF_HLOG)
#define LZF_MAX_LIT 32
#define LZF_MAX_OFF 8192
#define LZF_MAX_REF 264

static unsigned lzf_index(unsigned h)
{
    return ((h >> (24 - LZF_HLOG)) - h * 5) & (LZF_HSIZE - 1);
}

static size_t lzf_compress(const unsigned char *in, size_t in_len, unsigned char *out,
                           size_t out_len)
{
    if (!in_len || !out_len) return 0;
    /* Positions + 1, so 0 means "never seen". */
    size_t *htab = rl_calloc(LZF_HSIZE, sizeof(size_t));
    size_t ip = 0, op = 1, lit = 0, result = 0;
    unsigned hval = ((unsigned)in[0] << 8) | in[1];
    while (ip + 2 < in_len) {
        hval = (hval << 8) | in[ip + 2];
        unsigned slot = lzf_index(hval);
        size_t ref1 = htab[slot];
        htab[slot] = ip + 1;
        size_t ref = ref1 - 1, off = ip - ref - 1;
        if (ref1 > 1 && ref < ip && off < LZF_MAX_OFF && ip + 4 < in_len && in[ref] == in[ip] &&
            in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
            size_t len = 2, maxlen = in_len - ip - len;
            if (maxlen > LZF_MAX_REF) maxlen = LZF_MAX_REF;
            out[op - lit - 1] = (unsigned char)(lit - 1); /* close the literal run */
            op -= !lit;
            if (op + 3 + 1 >= out_len) goto done;
            /* liblzf compares the first 16 bytes unrolled, without the maxlen
             * bound, so a match may run past maxlen (never past the input). */
            int open_ended = 1;
            for (int k = 0; maxlen > 16 && k < 16; k++) {
                len++;
                if (in[ref + len] != in[ip + len]) {
                    open_ended = 0;
                    break;
                }
            }
            if (open_ended) {
                do len++;
                while (len < maxlen && in[ref + len] == in[ip + len]);
            }
            len -= 2; /* length - 1 from here on */
            ip++;
            if (len < 7) {
                out[op++] = (unsigned char)((off >> 8) + (len << 5));
            } else {
                out[op++] = (unsigned char)((off >> 8) + (7 << 5));
                out[op++] = (unsigned char)(len - 7);
            }
            out[op++] = (unsigned char)off;
            lit = 0;
            op++; /* open a literal run */
            ip += len + 1;
            if (ip + 2 >= in_len) break;
            /* VERY_FAST: hash the last two positions of the match. */
            ip -= 2;
            hval = ((unsigned)in[ip] << 8) | in[ip + 1];
            for (int k = 0; k < 2; k++) {
                hval = (hval << 8) | in[ip + 2];
                htab[lzf_index(hval)] = ip + 1;
                ip++;
            }
        } else {
            if (op >= out_len) goto done;
            lit++;
            out[op++] = in[ip++];
            if (lit == LZF_MAX_LIT) {
                out[op - lit - 1] = (unsigned char)(lit - 1);
                lit = 0;
                op++;
            }
        }
    }
    if (op + 3 > out_len) goto done;
    while (ip < in_len) {
        lit++;
        out[op++] = in[ip++];
        if (lit == LZF_MAX_LIT) {
            out[op - lit - 1] = (unsigned char)(lit - 1);
            lit = 0;
            op++;
        }
    }
    out[op - lit - 1] = (unsigned char)(lit - 1);
    op -= !lit;
    result = op;
done:
    rl_free(htab);
    return result;
}

/* lzf_decompress with its input checks; returns the length written, or 0 on
 * corrupt input or when out_len is too small. */
static size_t lzf_decompress(const unsigned char *in, size_t in_len, unsigned char *out,
                             size_t out_len)
{
    size_t ip = 0, op = 0;
    while (ip < in_len) {
        size_t ctrl = in[ip++];
        if (ctrl < 32) {
            ctrl++;
            if (op + ctrl > out_len || ip + ctrl > in_len) return 0;
            memcpy(out + op, in + ip, ctrl);
            op += ctrl;
            ip += ctrl;
            continue;
        }
        size_t len = ctrl >> 5, back = (ctrl & 0x1f) << 8;
        if (ip >= in_len) return 0;
        if (len == 7) {
            len += in[ip++];
            if (ip >= in_len) return 0;
        }
        back += (size_t)in[ip++] + 1;
        len += 2;
        if (op + len > out_len || back > op) return 0;
        for (size_t k = 0; k < len; k++, op++) out[op] = out[op - back];
    }
    return op;
}

/* --- FUNCTION DUMP --------------------------------------------------------------------------- */

typedef struct byte_buf {
    unsigned char *p;
    size_t len, cap;
} byte_buf;

static void buf_add(byte_buf *b, const void *p, size_t len)
{
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + len) cap *= 2;
        b->p = rl_realloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, len);
    b->len += len;
}

static void buf_add_byte(byte_buf *b, unsigned char v)
{
    buf_add(b, &v, 1);
}

/* rdbSaveLen: 6 bits, 14 bits, or a 32/64-bit big-endian length. */
static void rdb_save_len(byte_buf *b, uint64_t len)
{
    unsigned char tmp[9];
    if (len < (1 << 6)) {
        buf_add_byte(b, (unsigned char)len);
    } else if (len < (1 << 14)) {
        tmp[0] = (unsigned char)(0x40 | (len >> 8));
        tmp[1] = (unsigned char)len;
        buf_add(b, tmp, 2);
    } else {
        int n = len <= UINT32_MAX ? 4 : 8;
        tmp[0] = n == 4 ? 0x80 : 0x81;
        for (int i = 0; i < n; i++) tmp[1 + i] = (unsigned char)(len >> (8 * (n - 1 - i)));
        buf_add(b, tmp, (size_t)n + 1);
    }
}

/* rdbSaveRawString as a default redis-server (rdbcompression yes) writes a
 * library's code: LZF when longer than 20 bytes and at least 4 bytes
 * shorter compressed, else plain. (Redis first tries an integer encoding
 * for strings of up to 11 bytes, which code starting with "#!" never is.) */
static void rdb_save_string(byte_buf *b, const char *s, size_t len)
{
    if (len > 20) {
        unsigned char *out = rl_malloc(len - 4 + 1);
        size_t clen = lzf_compress((const unsigned char *)s, len, out, len - 4);
        if (clen) {
            buf_add_byte(b, (3 << 6) | RDB_ENC_LZF);
            rdb_save_len(b, clen);
            rdb_save_len(b, len);
            buf_add(b, out, clen);
            rl_free(out);
            return;
        }
        rl_free(out);
    }
    rdb_save_len(b, len);
    buf_add(b, s, len);
}

/* Appends the RDB version and the CRC-64 of everything before it. */
static void add_footer(byte_buf *b)
{
    unsigned char tmp[8];
    tmp[0] = RDB_VERSION & 0xff;
    tmp[1] = (RDB_VERSION >> 8) & 0xff;
    buf_add(b, tmp, 2);
    uint64_t crc = crc64(b->p, b->len);
    for (int i = 0; i < 8; i++) tmp[i] = (unsigned char)(crc >> (8 * i));
    buf_add(b, tmp, 8);
}

void rl_cmd_function_dump(rl_client *c)
{
    rl_functions *f = get_functions(c->emu);
    byte_buf b = { 0 };
    for (size_t i = 0; i < f->set.n; i++) {
        buf_add_byte(&b, RDB_OPCODE_FUNCTION2);
        rdb_save_string(&b, f->set.libs[i]->code, f->set.libs[i]->code_len);
    }
    add_footer(&b);
    rl_add_reply_bulk(c, (const char *)b.p, b.len);
    rl_free(b.p);
}

/* --- FUNCTION RESTORE ------------------------------------------------------------------------- */

/* A reader over the whole payload, footer included: like Redis's rio, a
 * record may run into the last ten bytes. */
typedef struct reader {
    const unsigned char *p;
    size_t len, pos;
} reader;

static int read_bytes(reader *r, void *out, size_t n)
{
    if (n > r->len - r->pos) return 0;
    memcpy(out, r->p + r->pos, n);
    r->pos += n;
    return 1;
}

/* rdbLoadLen: sets *encoded for the 11xxxxxx form. 0 on a failed read or an
 * unknown form. */
static int rdb_load_len(reader *r, uint64_t *len, int *encoded)
{
    unsigned char b[8];
    *encoded = 0;
    if (!read_bytes(r, b, 1)) return 0;
    int type = b[0] >> 6;
    if (type == 3) {
        *encoded = 1;
        *len = b[0] & 0x3f;
    } else if (type == 0) {
        *len = b[0] & 0x3f;
    } else if (type == 1) {
        unsigned char lo;
        if (!read_bytes(r, &lo, 1)) return 0;
        *len = ((uint64_t)(b[0] & 0x3f) << 8) | lo;
    } else if (b[0] == 0x80 || b[0] == 0x81) {
        int n = b[0] == 0x80 ? 4 : 8;
        if (!read_bytes(r, b, (size_t)n)) return 0;
        *len = 0;
        for (int i = 0; i < n; i++) *len = (*len << 8) | b[i];
    } else {
        return 0;
    }
    return 1;
}

/* rdbGenericLoadStringObject: a plain, integer-encoded or LZF string.
 * Returns an rl_malloc'd copy (NUL-terminated) and its length, or NULL. */
static char *rdb_load_string(reader *r, size_t *outlen)
{
    uint64_t len;
    int encoded;
    if (!rdb_load_len(r, &len, &encoded)) return NULL;
    if (encoded) {
        unsigned char b[4];
        long long v;
        char num[RL_LONG_STR_SIZE];
        switch (len) {
        case RDB_ENC_INT8:
            if (!read_bytes(r, b, 1)) return NULL;
            v = (signed char)b[0];
            break;
        case RDB_ENC_INT16:
            if (!read_bytes(r, b, 2)) return NULL;
            v = (int16_t)(b[0] | (b[1] << 8));
            break;
        case RDB_ENC_INT32:
            if (!read_bytes(r, b, 4)) return NULL;
            v = (int32_t)((uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
                          ((uint32_t)b[3] << 24));
            break;
        case RDB_ENC_LZF: {
            uint64_t clen, ulen;
            int e;
            if (!rdb_load_len(r, &clen, &e) || !rdb_load_len(r, &ulen, &e)) return NULL;
            /* A back reference expands 3 bytes into at most 264: anything
             * claiming more cannot decompress, so nothing is allocated. */
            if (clen > r->len - r->pos || ulen > clen * 100 + 64) return NULL;
            char *out = rl_malloc((size_t)ulen + 1);
            if (lzf_decompress(r->p + r->pos, (size_t)clen, (unsigned char *)out, (size_t)ulen) !=
                ulen) {
                rl_free(out);
                return NULL;
            }
            r->pos += (size_t)clen;
            out[ulen] = '\0';
            *outlen = (size_t)ulen;
            return out;
        }
        default: return NULL;
        }
        int n = rl_ll2string(num, sizeof(num), v);
        *outlen = (size_t)n;
        return rl_memdup(num, (size_t)n);
    }
    if (len > r->len - r->pos) return NULL;
    char *s = rl_memdup(r->p + r->pos, (size_t)len);
    r->pos += (size_t)len;
    *outlen = (size_t)len;
    return s;
}

/* verifyDumpPayload: at least the footer, an RDB version Redis 7.0 can read
 * and a matching CRC-64. */
static int payload_ok(const unsigned char *p, size_t len)
{
    if (len < 10) return 0;
    const unsigned char *footer = p + len - 10;
    unsigned version = footer[0] | ((unsigned)footer[1] << 8);
    if (version > RDB_VERSION) return 0;
    uint64_t crc = crc64(p, len - 8);
    for (int i = 0; i < 8; i++)
        if (footer[2 + i] != (unsigned char)(crc >> (8 * i))) return 0;
    return 1;
}

/* One library record after its opcode (rdbFunctionLoad) into set. The
 * pre-GA record carries the name, the engine and an optional description
 * before code without a metadata line; Redis writes the line for it. */
static char *restore_library(rl_functions *f, fn_set *set, reader *r, int type)
{
    char *code = NULL, *name = NULL, *engine = NULL, *desc = NULL, *err = NULL;
    size_t code_len = 0, name_len, engine_len, desc_len;
    if (type == RDB_OPCODE_FUNCTION_PRE_GA) {
        uint64_t has_desc;
        int encoded;
        if (!(name = rdb_load_string(r, &name_len))) {
            err = error_text(RL_ERR_FN_RESTORE_NAME);
        } else if (!(engine = rdb_load_string(r, &engine_len))) {
            err = error_text(RL_ERR_FN_RESTORE_ENGINE);
        } else if (!rdb_load_len(r, &has_desc, &encoded)) {
            err = error_text(RL_ERR_FN_RESTORE_DESC_FLAG);
        } else if (has_desc && !(desc = rdb_load_string(r, &desc_len))) {
            err = error_text(RL_ERR_FN_RESTORE_DESC);
        } else if (!(code = rdb_load_string(r, &code_len))) {
            err = error_text(RL_ERR_FN_RESTORE_BLOB);
        } else {
            byte_buf b = { 0 };
            buf_add(&b, "#!", 2);
            buf_add(&b, engine, strlen(engine));
            buf_add(&b, " name=", 6);
            buf_add(&b, name, strlen(name));
            buf_add(&b, "\n", 1);
            buf_add(&b, code, code_len);
            rl_free(code);
            code = (char *)b.p;
            code_len = b.len;
        }
    } else if (!(code = rdb_load_string(r, &code_len))) {
        err = error_text(RL_ERR_FN_RESTORE_PAYLOAD);
    }
    if (!err) {
        const char *libname;
        err = create_library(f, set, code, code_len, 0, &libname);
    }
    rl_free(code);
    rl_free(name);
    rl_free(engine);
    rl_free(desc);
    return err;
}

/* libraryJoin: adds src's libraries to dst. A library already in dst is an
 * error, or (replace) is replaced; a function name met in what remains of dst
 * is an error. Nothing changes on error. */
static char *join_libraries(lua_State *L, fn_set *dst, fn_set *src, int replace)
{
    fn_set kept = { 0 };
    for (size_t i = 0; i < src->n; i++) {
        if (set_find(dst, src->libs[i]->name) && !replace)
            return error_text(RL_ERRF_FN_RESTORE_LIBRARY_EXISTS, src->libs[i]->name);
    }
    for (size_t i = 0; i < dst->n; i++)
        if (!set_find(src, dst->libs[i]->name)) set_add_take(&kept, dst->libs[i]);
    for (size_t i = 0; i < src->n; i++) {
        for (size_t j = 0; j < src->libs[i]->nfunctions; j++) {
            const char *name = src->libs[i]->functions[j].name;
            if (set_find_function(&kept, name, strlen(name), NULL)) {
                rl_free(kept.libs);
                return error_text(RL_ERRF_FN_FUNCTION_EXISTS, name);
            }
        }
    }
    for (size_t i = 0; i < dst->n; i++)
        if (set_find(src, dst->libs[i]->name)) library_free(L, dst->libs[i]);
    rl_free(dst->libs);
    *dst = kept;
    for (size_t i = 0; i < src->n; i++) set_add_take(dst, src->libs[i]);
    rl_free(src->libs);
    src->libs = NULL;
    src->n = 0;
    return NULL;
}

void rl_cmd_function_restore(rl_client *c)
{
    if (c->argc > 4) {
        reply_subcommand_syntax(c);
        return;
    }
    enum { POLICY_APPEND, POLICY_REPLACE, POLICY_FLUSH } policy = POLICY_APPEND;
    if (c->argc == 4) {
        if (arg_is(&c->argv[3], "append")) {
            policy = POLICY_APPEND;
        } else if (arg_is(&c->argv[3], "replace")) {
            policy = POLICY_REPLACE;
        } else if (arg_is(&c->argv[3], "flush")) {
            policy = POLICY_FLUSH;
        } else {
            rl_add_reply_error(c, RL_ERR_FN_RESTORE_POLICY);
            return;
        }
    }
    reader r = { (const unsigned char *)c->argv[2].ptr, c->argv[2].len, 0 };
    if (!payload_ok(r.p, r.len)) {
        rl_add_reply_error(c, RL_ERR_FN_RESTORE_CHECKSUM);
        return;
    }
    rl_functions *f = get_functions(c->emu);
    lua_State *L = f->env->L;
    fn_set loaded = { 0 };
    char *err = NULL;
    while (!err && r.len - r.pos > 10) {
        unsigned char type = 0;
        read_bytes(&r, &type, 1);
        if (type != RDB_OPCODE_FUNCTION2 && type != RDB_OPCODE_FUNCTION_PRE_GA)
            err = error_text(RL_ERR_FN_RESTORE_TYPE);
        else err = restore_library(f, &loaded, &r, type);
    }
    if (!err && policy == POLICY_FLUSH) {
        set_clear(L, &f->set);
        f->set = loaded;
        loaded.libs = NULL;
        loaded.n = 0;
    } else if (!err) {
        err = join_libraries(L, &f->set, &loaded, policy == POLICY_REPLACE);
    }
    set_clear(L, &loaded);
    if (err) reply_error_take(c, err);
    else rl_add_reply_ok(c);
}
