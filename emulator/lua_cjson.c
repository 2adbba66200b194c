/* cjson: lua-cjson 2.1.0 as Redis 7.0 ships it, written from its observable
 * behaviour.
 *
 * Encoding: numbers with "%.<precision>g" (14 by default), strings with
 * '"', '\\', '/' (as "\/"), \b \t \n \f \r escaped, other control bytes and
 * DEL as \u00XX, bytes >= 0x80 unchanged. A table is an array when all its
 * keys are positive integers (holes become null) unless it is "excessively
 * sparse" (max > count * ratio and max > safe, see encode_sparse_array),
 * which is an error or, when converting is on, an object. Any other table,
 * the empty one included, is an object whose keys (strings, or numbers
 * written as strings) come in lua_next order. nil and cjson.null encode as
 * null; nesting deeper than encode_max_depth is an error.
 *
 * Decoding: a tokenizer like lua-cjson's, because its error messages name its
 * tokens and their 1-based byte positions ("Expected comma or array end but
 * found T_END at character 5"). Numbers go through strtod, so hex, inf and
 * nan are read unless decode_invalid_numbers is off; null decodes to
 * cjson.null, a NULL light userdata; \uXXXX escapes, surrogate pairs
 * included, become UTF-8. The input ends at its first NUL byte.
 *
 * Configuration lives in a userdata that every function of a module table
 * holds as upvalue, so it lasts as long as the Lua state (until SCRIPT FLUSH)
 * and cjson.new() makes an independent copy with the defaults. As in
 * lua-cjson, the userdata also owns the encoder's output buffer and the
 * decoder's string buffer (blocks of the state's pool that do not count as
 * Lua heap, rl_lua_env_side_realloc, freed by its __gc), so neither takes a
 * Lua stack slot: the depth at which a deep structure runs out of
 * stack ("excessive nesting (7998)") is then the same as in Redis, and an
 * error raised halfway leaves the memory with its owner. Where the
 * original converts a huge array index to int with a plain C cast, the value
 * x86-64 produces (INT_MIN) is used, so {[2^40]=1} is an object as in Redis. */
#include "lua_libs.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errors.h"
#include "lua_env.h"
#include "mem.h"

/* The registry name of the configuration userdata's metatable. */
#define CONFIG_MT "redlua.cjson.config"

typedef struct cjson_config {
    int sparse_convert;
    int sparse_ratio;
    int sparse_safe;
    int encode_max_depth;
    int decode_max_depth;
    int encode_invalid_numbers; /* 0 off, 1 on, 2 "null" */
    int encode_number_precision;
    int encode_keep_buffer; /* keep the output buffer between calls */
    int decode_invalid_numbers;
    char *out; /* encode's output */
    size_t outlen, outcap;
    char *tmp; /* decode's strings: as long as the input at most */
    size_t tmpcap;
} cjson_config;

static cjson_config *get_config(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* --- Configuration ------------------------------------------------------------------ */

/* Checks the number of arguments and pads the missing ones with nil. */
static cjson_config *config_args(lua_State *L, int args)
{
    luaL_argcheck(L, lua_gettop(L) <= args, args + 1, RL_ERR_CJSON_TOO_MANY_ARGS);
    while (lua_gettop(L) < args) lua_pushnil(L);
    return get_config(L);
}

/* An integer setting: a non-nil argument replaces it, then it is pushed. The
 * range error always names argument #1, as lua-cjson's does; the value is
 * read as an int, wrapping. */
static void integer_option(lua_State *L, int idx, int *setting, int min, int max)
{
    if (!lua_isnil(L, idx)) {
        int value = (int)(uint32_t)(uint64_t)luaL_checkinteger(L, idx);
        if (value < min || value > max) {
            luaL_argerror(L, 1, lua_pushfstring(L, RL_ERRF_CJSON_INT_RANGE, min, max));
        }
        *setting = value;
    }
    lua_pushinteger(L, *setting);
}

/* An on/off setting, also given as a boolean; encode_invalid_numbers has the
 * third choice "null". Pushed back as a boolean, or as "null". */
static void enum_option(lua_State *L, int idx, int *setting, const char *const *options)
{
    static const char *const onoff[] = { "off", "on", NULL };
    if (!options) options = onoff;
    if (!lua_isnil(L, idx)) {
        if (lua_isboolean(L, idx)) *setting = lua_toboolean(L, idx);
        else *setting = luaL_checkoption(L, idx, NULL, options);
    }
    if (*setting == 0 || *setting == 1) lua_pushboolean(L, *setting);
    else lua_pushstring(L, options[*setting]);
}

static int cjson_encode_sparse_array(lua_State *L)
{
    cjson_config *cfg = config_args(L, 3);
    enum_option(L, 1, &cfg->sparse_convert, NULL);
    integer_option(L, 2, &cfg->sparse_ratio, 0, INT_MAX);
    integer_option(L, 3, &cfg->sparse_safe, 0, INT_MAX);
    return 3;
}

static int cjson_encode_max_depth(lua_State *L)
{
    cjson_config *cfg = config_args(L, 1);
    integer_option(L, 1, &cfg->encode_max_depth, 1, INT_MAX);
    return 1;
}

static int cjson_decode_max_depth(lua_State *L)
{
    cjson_config *cfg = config_args(L, 1);
    integer_option(L, 1, &cfg->decode_max_depth, 1, INT_MAX);
    return 1;
}

static int cjson_encode_number_precision(lua_State *L)
{
    cjson_config *cfg = config_args(L, 1);
    integer_option(L, 1, &cfg->encode_number_precision, 1, 14);
    return 1;
}

static int cjson_encode_keep_buffer(lua_State *L)
{
    cjson_config *cfg = config_args(L, 1);
    enum_option(L, 1, &cfg->encode_keep_buffer, NULL);
    return 1;
}

static int cjson_encode_invalid_numbers(lua_State *L)
{
    static const char *const options[] = { "off", "on", "null", NULL };
    cjson_config *cfg = config_args(L, 1);
    enum_option(L, 1, &cfg->encode_invalid_numbers, options);
    return 1;
}

static int cjson_decode_invalid_numbers(lua_State *L)
{
    cjson_config *cfg = config_args(L, 1);
    enum_option(L, 1, &cfg->decode_invalid_numbers, NULL);
    return 1;
}

/* --- Encoding ------------------------------------------------------------------------ */

typedef struct encoder {
    lua_State *L;
    cjson_config *cfg;
} encoder;

static char *out_reserve(encoder *e, size_t n)
{
    cjson_config *cfg = e->cfg;
    if (cfg->outcap - cfg->outlen < n) {
        size_t cap = cfg->outcap ? cfg->outcap : 256;
        while (cap - cfg->outlen < n) cap *= 2;
        cfg->out = rl_lua_env_side_realloc(e->L, cfg->out, cfg->outcap, cap);
        cfg->outcap = cap;
    }
    return cfg->out + cfg->outlen;
}

static void out_add(encoder *e, const char *s, size_t n)
{
    memcpy(out_reserve(e, n), s, n);
    e->cfg->outlen += n;
}

static void out_addc(encoder *e, char c)
{
    *out_reserve(e, 1) = c;
    e->cfg->outlen++;
}

static void encode_error(encoder *e, int idx, const char *reason)
{
    luaL_error(e->L, RL_ERRF_CJSON_SERIALISE, lua_typename(e->L, lua_type(e->L, idx)), reason);
}

static void encode_string(encoder *e, int idx)
{
    static const char hex[] = "0123456789abcdef";
    size_t len;
    const char *s = lua_tolstring(e->L, idx, &len);
    out_addc(e, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '/': esc = "\\/"; break;
        case '\b': esc = "\\b"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\f': esc = "\\f"; break;
        case '\r': esc = "\\r"; break;
        default: break;
        }
        if (esc) {
            out_add(e, esc, 2);
        } else if (c < 0x20 || c == 0x7f) {
            char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            out_add(e, u, sizeof(u));
        } else {
            out_addc(e, (char)c);
        }
    }
    out_addc(e, '"');
}

static void encode_number(encoder *e, int idx)
{
    double num = lua_tonumber(e->L, idx);
    int invalid = isinf(num) || isnan(num);
    if (e->cfg->encode_invalid_numbers == 0) {
        if (invalid) encode_error(e, idx, RL_ERR_CJSON_NAN_INF);
    } else if (e->cfg->encode_invalid_numbers == 1) {
        /* "nan" whatever its sign, where printf could say "-nan". */
        if (isnan(num)) {
            out_add(e, "nan", 3);
            return;
        }
    } else if (invalid) {
        out_add(e, "null", 4);
        return;
    }
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%.*g", e->cfg->encode_number_precision, num);
    out_add(e, tmp, (size_t)n);
}

/* The largest key when the table on top is an array (0 when empty), or -1
 * when it must be an object. An excessively sparse array is an error unless
 * encode_sparse_array converts it to an object. */
static int array_length(encoder *e)
{
    lua_State *L = e->L;
    int max = 0, items = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        double k;
        if (lua_type(L, -2) == LUA_TNUMBER && (k = lua_tonumber(L, -2)) != 0 && floor(k) == k &&
            k >= 1) {
            /* lua-cjson's int conversion: x86-64 gives INT_MIN past INT_MAX. */
            if (k > max) max = k < 2147483648.0 ? (int)k : INT_MIN;
            items++;
            lua_pop(L, 1);
            continue;
        }
        lua_pop(L, 2);
        return -1;
    }
    int ratio = e->cfg->sparse_ratio;
    if (ratio > 0 && max > (int)((unsigned)items * (unsigned)ratio) && max > e->cfg->sparse_safe) {
        if (!e->cfg->sparse_convert) encode_error(e, -1, RL_ERR_CJSON_SPARSE);
        return -1;
    }
    return max;
}

static void encode_value(encoder *e, int depth);

static void encode_array(encoder *e, int depth, int len)
{
    out_addc(e, '[');
    for (int i = 1; i <= len; i++) {
        if (i > 1) out_addc(e, ',');
        lua_rawgeti(e->L, -1, i);
        encode_value(e, depth);
        lua_pop(e->L, 1);
    }
    out_addc(e, ']');
}

static void encode_object(encoder *e, int depth)
{
    lua_State *L = e->L;
    int comma = 0;
    out_addc(e, '{');
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (comma) out_addc(e, ',');
        comma = 1;
        int keytype = lua_type(L, -2);
        if (keytype == LUA_TNUMBER) {
            out_addc(e, '"');
            encode_number(e, -2);
            out_add(e, "\":", 2);
        } else if (keytype == LUA_TSTRING) {
            encode_string(e, -2);
            out_addc(e, ':');
        } else {
            encode_error(e, -2, RL_ERR_CJSON_KEY_TYPE);
        }
        encode_value(e, depth);
        lua_pop(L, 1);
    }
    out_addc(e, '}');
}

/* Encodes the value on top of the stack (left there). */
static void encode_value(encoder *e, int depth)
{
    lua_State *L = e->L;
    switch (lua_type(L, -1)) {
    case LUA_TSTRING: encode_string(e, -1); break;
    case LUA_TNUMBER: encode_number(e, -1); break;
    case LUA_TBOOLEAN:
        if (lua_toboolean(L, -1)) out_add(e, "true", 4);
        else out_add(e, "false", 5);
        break;
    case LUA_TTABLE: {
        depth++;
        /* Room for key, value and an error message at every level. */
        if (depth > e->cfg->encode_max_depth || !lua_checkstack(L, 3))
            luaL_error(L, RL_ERRF_CJSON_NESTING, depth);
        rl_lua_env_unproxy(L, -1); /* a read-only library table: encode its contents */
        int len = array_length(e);
        if (len > 0) encode_array(e, depth, len);
        else encode_object(e, depth);
        break;
    }
    case LUA_TNIL: out_add(e, "null", 4); break;
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, -1) == NULL) {
            out_add(e, "null", 4);
            break;
        }
        encode_error(e, -1, RL_ERR_CJSON_TYPE);
        break;
    default: encode_error(e, -1, RL_ERR_CJSON_TYPE); break;
    }
}

static int cjson_encode(lua_State *L)
{
    encoder e;
    luaL_argcheck(L, lua_gettop(L) == 1, 1, RL_ERR_CJSON_ONE_ARG);
    e.L = L;
    e.cfg = get_config(L);
    e.cfg->outlen = 0;
    encode_value(&e, 0);
    lua_pushlstring(L, e.cfg->out, e.cfg->outlen);
    /* Without encode_keep_buffer the buffer goes after each call (after a
     * failed one, at the next call or with the configuration). */
    if (!e.cfg->encode_keep_buffer) {
        rl_lua_env_side_realloc(L, e.cfg->out, e.cfg->outcap, 0);
        e.cfg->out = NULL;
        e.cfg->outcap = 0;
    }
    return 1;
}

/* --- Decoding ------------------------------------------------------------------------ */

/* lua-cjson's token types; their names appear in error messages. */
typedef enum {
    T_OBJ_BEGIN,
    T_OBJ_END,
    T_ARR_BEGIN,
    T_ARR_END,
    T_STRING,
    T_NUMBER,
    T_BOOLEAN,
    T_NULL,
    T_COLON,
    T_COMMA,
    T_END,
    T_WHITESPACE,
    T_ERROR,
    T_UNKNOWN,
} token_type;

static const char *const token_names[] = {
    "T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING",     "T_NUMBER", "T_BOOLEAN",
    "T_NULL",      "T_COLON",   "T_COMMA",     "T_END",     "T_WHITESPACE", "T_ERROR",  "T_UNKNOWN",
};

typedef struct token {
    token_type type;
    size_t index;       /* 0-based byte offset, for messages */
    const char *string; /* T_STRING: the decoded bytes; T_ERROR: the reason */
    size_t string_len;
    double number;
    int boolean;
} token;

typedef struct decoder {
    lua_State *L;
    cjson_config *cfg;
    const char *data; /* NUL-terminated (a Lua string) */
    const char *ptr;
    char *tmp; /* room for the longest string: the input's length */
    int depth;
} decoder;

/* The token a byte starts: the single-character ones, T_UNKNOWN for the
 * starts of strings, numbers and literals, T_ERROR for everything else. */
static token_type char_token(unsigned char c)
{
    switch (c) {
    case '{': return T_OBJ_BEGIN;
    case '}': return T_OBJ_END;
    case '[': return T_ARR_BEGIN;
    case ']': return T_ARR_END;
    case ',': return T_COMMA;
    case ':': return T_COLON;
    case '\0': return T_END;
    case ' ':
    case '\t':
    case '\n':
    case '\r': return T_WHITESPACE;
    case 'f':
    case 'i':
    case 'I':
    case 'n':
    case 'N':
    case 't':
    case '"':
    case '+':
    case '-': return T_UNKNOWN;
    default: return c >= '0' && c <= '9' ? T_UNKNOWN : T_ERROR;
    }
}

static void set_token_error(decoder *d, token *t, const char *reason)
{
    t->type = T_ERROR;
    t->index = (size_t)(d->ptr - d->data);
    t->string = reason;
}

static int hexdigit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Four hex digits at p (stopping at the first bad one, so never past the
 * terminating NUL), or -1. */
static int decode_hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexdigit(p[i]);
        if (h < 0) return -1;
        v = (v << 4) | h;
    }
    return v;
}

/* d->ptr is at "\u": appends the code point (a surrogate pair takes both
 * escapes) as UTF-8 to out and moves past the escape; -1 when invalid. */
static int unicode_escape(decoder *d, char *out, size_t *outlen)
{
    int cp = decode_hex4(d->ptr + 2);
    int escape_len = 6;
    if (cp < 0) return -1;
    if ((cp & 0xF800) == 0xD800) {
        if (cp & 0x400) return -1; /* a low surrogate first */
        if (d->ptr[6] != '\\' || d->ptr[7] != 'u') return -1;
        int low = decode_hex4(d->ptr + 8);
        if (low < 0 || (low & 0xFC00) != 0xDC00) return -1;
        cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
        escape_len = 12;
    }
    unsigned char *u = (unsigned char *)out + *outlen;
    if (cp <= 0x7F) {
        u[0] = (unsigned char)cp;
        *outlen += 1;
    } else if (cp <= 0x7FF) {
        u[0] = (unsigned char)(0xC0 | (cp >> 6));
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        *outlen += 2;
    } else if (cp <= 0xFFFF) {
        u[0] = (unsigned char)(0xE0 | (cp >> 12));
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        *outlen += 3;
    } else {
        u[0] = (unsigned char)(0xF0 | (cp >> 18));
        u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (unsigned char)(0x80 | (cp & 0x3F));
        *outlen += 4;
    }
    d->ptr += escape_len;
    return 0;
}

static char escape_char(char c)
{
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 't': return '\t';
    case 'n': return '\n';
    case 'f': return '\f';
    case 'r': return '\r';
    case 'u': return 'u';
    default: return 0;
    }
}

/* d->ptr is at the opening quote. Errors point at the offending byte. */
static void next_string_token(decoder *d, token *t)
{
    size_t len = 0;
    char ch;
    d->ptr++;
    while ((ch = *d->ptr) != '"') {
        if (!ch) {
            set_token_error(d, t, RL_ERR_CJSON_STRING_END);
            return;
        }
        if (ch == '\\') {
            ch = escape_char(d->ptr[1]);
            if (ch == 'u') {
                if (unicode_escape(d, d->tmp, &len) == 0) continue;
                set_token_error(d, t, RL_ERR_CJSON_BAD_UNICODE);
                return;
            }
            if (!ch) {
                set_token_error(d, t, RL_ERR_CJSON_BAD_ESCAPE);
                return;
            }
            d->ptr++;
        }
        d->tmp[len++] = ch;
        d->ptr++;
    }
    d->ptr++;
    t->type = T_STRING;
    t->string = d->tmp;
    t->string_len = len;
}

/* What strict JSON forbids but strtod reads: a leading '+', hex, leading
 * zeros, inf and nan. Other malformed numbers are left to strtod. */
static int is_invalid_number(const char *p)
{
    if (*p == '+') return 1;
    if (*p == '-') p++;
    if (*p == '0') {
        char c2 = p[1];
        return (c2 | 0x20) == 'x' || (c2 >= '0' && c2 <= '9');
    }
    if (*p <= '9') return 0;
    return strncasecmp(p, "inf", 3) == 0 || strncasecmp(p, "nan", 3) == 0;
}

static void next_number_token(decoder *d, token *t)
{
    char *end;
    t->type = T_NUMBER;
    t->number = strtod(d->ptr, &end);
    if (end == d->ptr) set_token_error(d, t, RL_ERR_CJSON_BAD_NUMBER);
    else d->ptr = end;
}

static void next_token(decoder *d, token *t)
{
    unsigned char ch;
    for (;;) {
        ch = (unsigned char)*d->ptr;
        t->type = char_token(ch);
        if (t->type != T_WHITESPACE) break;
        d->ptr++;
    }
    t->index = (size_t)(d->ptr - d->data);
    if (t->type == T_ERROR) {
        set_token_error(d, t, RL_ERR_CJSON_BAD_TOKEN);
        return;
    }
    if (t->type == T_END) return;
    if (t->type != T_UNKNOWN) {
        d->ptr++;
        return;
    }
    if (ch == '"') {
        next_string_token(d, t);
    } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
        if (!d->cfg->decode_invalid_numbers && is_invalid_number(d->ptr))
            set_token_error(d, t, RL_ERR_CJSON_BAD_NUMBER);
        else next_number_token(d, t);
    } else if (strncmp(d->ptr, "true", 4) == 0) {
        t->type = T_BOOLEAN;
        t->boolean = 1;
        d->ptr += 4;
    } else if (strncmp(d->ptr, "false", 5) == 0) {
        t->type = T_BOOLEAN;
        t->boolean = 0;
        d->ptr += 5;
    } else if (strncmp(d->ptr, "null", 4) == 0) {
        t->type = T_NULL;
        d->ptr += 4;
    } else if (d->cfg->decode_invalid_numbers && is_invalid_number(d->ptr)) {
        next_number_token(d, t);
    } else {
        set_token_error(d, t, RL_ERR_CJSON_BAD_TOKEN);
    }
}

static void parse_error(decoder *d, const char *expected, const token *t)
{
    const char *found = t->type == T_ERROR ? t->string : token_names[t->type];
    luaL_error(d->L, RL_ERRF_CJSON_EXPECTED, expected, found, (int)(t->index + 1));
}

/* Entering an array or object, which needs `slots` stack slots. */
static void descend(decoder *d, int slots)
{
    d->depth++;
    if (d->depth <= d->cfg->decode_max_depth && lua_checkstack(d->L, slots)) return;
    luaL_error(d->L, RL_ERRF_CJSON_DEPTH, d->depth, (int)(d->ptr - d->data));
}

static void parse_value(decoder *d, token *t);

static void parse_object(decoder *d)
{
    lua_State *L = d->L;
    token t;
    descend(d, 3);
    lua_newtable(L);
    next_token(d, &t);
    if (t.type == T_OBJ_END) {
        d->depth--;
        return;
    }
    for (;;) {
        if (t.type != T_STRING) parse_error(d, RL_ERR_CJSON_EXPECT_KEY, &t);
        lua_pushlstring(L, t.string, t.string_len);
        next_token(d, &t);
        if (t.type != T_COLON) parse_error(d, RL_ERR_CJSON_EXPECT_COLON, &t);
        next_token(d, &t);
        parse_value(d, &t);
        lua_rawset(L, -3);
        next_token(d, &t);
        if (t.type == T_OBJ_END) {
            d->depth--;
            return;
        }
        if (t.type != T_COMMA) parse_error(d, RL_ERR_CJSON_EXPECT_OBJECT_NEXT, &t);
        next_token(d, &t);
    }
}

static void parse_array(decoder *d)
{
    lua_State *L = d->L;
    token t;
    descend(d, 2);
    lua_newtable(L);
    next_token(d, &t);
    if (t.type == T_ARR_END) {
        d->depth--;
        return;
    }
    for (int i = 1;; i++) {
        parse_value(d, &t);
        lua_rawseti(L, -2, i);
        next_token(d, &t);
        if (t.type == T_ARR_END) {
            d->depth--;
            return;
        }
        if (t.type != T_COMMA) parse_error(d, RL_ERR_CJSON_EXPECT_ARRAY_NEXT, &t);
        next_token(d, &t);
    }
}

static void parse_value(decoder *d, token *t)
{
    switch (t->type) {
    case T_STRING: lua_pushlstring(d->L, t->string, t->string_len); break;
    case T_NUMBER: lua_pushnumber(d->L, t->number); break;
    case T_BOOLEAN: lua_pushboolean(d->L, t->boolean); break;
    case T_OBJ_BEGIN: parse_object(d); break;
    case T_ARR_BEGIN: parse_array(d); break;
    case T_NULL: lua_pushlightuserdata(d->L, NULL); break;
    default: parse_error(d, RL_ERR_CJSON_EXPECT_VALUE, t);
    }
}

static int cjson_decode(lua_State *L)
{
    decoder d;
    token t;
    size_t len;
    luaL_argcheck(L, lua_gettop(L) == 1, 1, RL_ERR_CJSON_ONE_ARG);
    d.L = L;
    d.cfg = get_config(L);
    d.data = luaL_checklstring(L, 1, &len);
    d.ptr = d.data;
    d.depth = 0;
    /* JSON text starts with an ASCII byte, so a NUL among the first two
     * means UTF-16 or UTF-32 (RFC 4627, section 3). */
    if (len >= 2 && (!d.data[0] || !d.data[1])) luaL_error(L, RL_ERR_CJSON_UTF16);
    /* Decoded strings are never longer than the input. */
    if (d.cfg->tmpcap < len + 1) {
        d.cfg->tmp = rl_lua_env_side_realloc(L, d.cfg->tmp, d.cfg->tmpcap, len + 1);
        d.cfg->tmpcap = len + 1;
    }
    d.tmp = d.cfg->tmp;
    next_token(&d, &t);
    parse_value(&d, &t);
    next_token(&d, &t);
    if (t.type != T_END) parse_error(&d, RL_ERR_CJSON_EXPECT_END, &t);
    return 1;
}

/* --- Module ------------------------------------------------------------------------------ */

static int cjson_new(lua_State *L);

/* In lua-cjson's order, which decides the pairs() order of the table. */
static const luaL_Reg cjson_funcs[] = {
    { "encode", cjson_encode },
    { "decode", cjson_decode },
    { "encode_sparse_array", cjson_encode_sparse_array },
    { "encode_max_depth", cjson_encode_max_depth },
    { "decode_max_depth", cjson_decode_max_depth },
    { "encode_number_precision", cjson_encode_number_precision },
    { "encode_keep_buffer", cjson_encode_keep_buffer },
    { "encode_invalid_numbers", cjson_encode_invalid_numbers },
    { "decode_invalid_numbers", cjson_decode_invalid_numbers },
    { "new", cjson_new },
    { NULL, NULL },
};

static int config_gc(lua_State *L)
{
    cjson_config *cfg = lua_touserdata(L, 1);
    rl_lua_env_side_realloc(L, cfg->out, cfg->outcap, 0);
    rl_lua_env_side_realloc(L, cfg->tmp, cfg->tmpcap, 0);
    cfg->out = cfg->tmp = NULL;
    cfg->outcap = cfg->tmpcap = 0;
    return 0;
}

/* lua-cjson's defaults, as a new module starts with them. */
static void config_defaults(cjson_config *cfg)
{
    cfg->sparse_convert = 0;
    cfg->sparse_ratio = 2;
    cfg->sparse_safe = 10;
    cfg->encode_max_depth = 1000;
    cfg->decode_max_depth = 1000;
    cfg->encode_invalid_numbers = 0;
    cfg->encode_number_precision = 14;
    cfg->encode_keep_buffer = 1;
    cfg->decode_invalid_numbers = 1;
}

/* Pushes a new module table with its own configuration. */
static int cjson_new(lua_State *L)
{
    lua_newtable(L);
    cjson_config *cfg = lua_newuserdata(L, sizeof(*cfg));
    memset(cfg, 0, sizeof(*cfg));
    if (luaL_newmetatable(L, CONFIG_MT)) {
        lua_pushcfunction(L, config_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    config_defaults(cfg);
    for (const luaL_Reg *r = cjson_funcs; r->name; r++) {
        lua_pushvalue(L, -1);
        lua_pushcclosure(L, r->func, 1);
        lua_setfield(L, -3, r->name);
    }
    lua_pop(L, 1);
    lua_pushlightuserdata(L, NULL);
    lua_setfield(L, -2, "null");
    lua_pushliteral(L, "cjson");
    lua_setfield(L, -2, "_NAME");
    lua_pushliteral(L, "2.1.0");
    lua_setfield(L, -2, "_VERSION");
    return 1;
}

int rl_open_cjson(lua_State *L)
{
    cjson_new(L);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "cjson");
    return 1;
}
