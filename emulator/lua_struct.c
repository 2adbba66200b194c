/* struct: Roberto Ierusalimschy's struct library (1.7, as in Redis 7.0 with
 * its bounds checks on unpack), packing Lua values to binary strings and
 * back.
 *
 * Format options: '>' big and '<' little endian (default native, little on
 * the machines we run on), '![n]' alignment (default 8), 'x' a zero byte,
 * 'b'/'B' 'h'/'H' 'l'/'L' 'T' signed/unsigned 1, 2, 8 and 8 (size_t) byte
 * integers, 'i[n]'/'I[n]' n-byte integers (default 4, at most 32), 'c[n]'
 * n characters (pack: 'c0' takes the whole string; unpack: 'c0' takes the
 * length from the number just read), 's' a zero-terminated string, 'f'
 * float, 'd' double, ' ' ignored.
 *
 * Integers go through a 64-bit unsigned long, as in the original: wider
 * sizes are zero-filled when packing and keep only the low 64 bits when
 * unpacking. The original converts doubles to integers with plain C casts,
 * whose out-of-range results are undefined in C; x86_64_to_* below give the
 * values the Debian x86-64 build of Redis produces (checked against it), so
 * '>I8' of 2^64 or inf is all zeros and of NaN is 80 00 .. 00. */
#include "lua_libs.h"

#include <float.h>
#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "errors.h"

#define MAXINTSIZE 32
/* The alignment of a double after a char: 8 on x86-64 (and at least an int). */
#define MAXALIGN 8

#define BIG 0
#define LITTLE 1
#define NATIVE_ENDIAN LITTLE

typedef struct header {
    int endian;
    int align;
} header;

/* cvttsd2si: the truncated value, or INT64_MIN when out of range or NaN. */
static int64_t x86_64_to_i64(double n)
{
    if (n >= -9223372036854775808.0 && n < 9223372036854775808.0) return (int64_t)n;
    return INT64_MIN;
}

/* gcc's double -> unsigned long on x86-64: values below 2^63 (and NaN, which
 * fails the comparison the other way) go through cvttsd2si; the rest have
 * 2^63 taken off first and the top bit flipped back. */
static uint64_t x86_64_to_u64(double n)
{
    if (!(n >= 9223372036854775808.0)) return (uint64_t)x86_64_to_i64(n);
    return (uint64_t)x86_64_to_i64(n - 9223372036854775808.0) ^ 0x8000000000000000ULL;
}

/* double -> float with IEEE rounding: overflow gives an infinity. */
static float to_float(double d)
{
    if (isnan(d) || fabs(d) <= FLT_MAX) return (float)d;
    /* Above FLT_MAX by less than half an ulp (2^103) rounds down to it. */
    if (fabs(d) < (double)FLT_MAX + 0x1p103) return d < 0 ? -FLT_MAX : FLT_MAX;
    return d < 0 ? -INFINITY : INFINITY;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int getnum(lua_State *L, const char **fmt, int df)
{
    if (!is_digit(**fmt)) return df;
    int a = 0;
    do {
        int d = **fmt - '0';
        if (a > INT_MAX / 10 || a * 10 > INT_MAX - d) luaL_error(L, RL_ERR_STRUCT_SIZE_OVERFLOW);
        a = a * 10 + d;
        (*fmt)++;
    } while (is_digit(**fmt));
    return a;
}

static size_t optsize(lua_State *L, int opt, const char **fmt)
{
    switch (opt) {
    case 'B':
    case 'b': return 1;
    case 'H':
    case 'h': return sizeof(short);
    case 'L':
    case 'l': return sizeof(long);
    case 'T': return sizeof(size_t);
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
    case 'x': return 1;
    case 'c': return (size_t)getnum(L, fmt, 1);
    case 'i':
    case 'I': {
        int sz = getnum(L, fmt, (int)sizeof(int));
        if (sz > MAXINTSIZE) luaL_error(L, RL_ERRF_STRUCT_INT_SIZE, sz, MAXINTSIZE);
        return (size_t)sz;
    }
    default: return 0; /* the other options need no alignment */
    }
}

/* Padding needed before an item of `size` bytes at offset len. As in the
 * original, sizes that are not powers of two are not special-cased. */
static int gettoalign(size_t len, const header *h, int opt, size_t size)
{
    if (size == 0 || opt == 'c') return 0;
    if (size > (size_t)h->align) size = (size_t)h->align;
    return (int)((size - (len & (size - 1))) & (size - 1));
}

static void controloptions(lua_State *L, int opt, const char **fmt, header *h)
{
    switch (opt) {
    case ' ': return;
    case '>': h->endian = BIG; return;
    case '<': h->endian = LITTLE; return;
    case '!': {
        int a = getnum(L, fmt, MAXALIGN);
        if (a <= 0 || (a & (a - 1)) != 0) luaL_error(L, RL_ERRF_STRUCT_ALIGN, a);
        h->align = a;
        return;
    }
    default: luaL_argerror(L, 1, lua_pushfstring(L, RL_ERRF_STRUCT_OPTION, opt));
    }
}

static void putinteger(lua_State *L, luaL_Buffer *b, int arg, int endian, int size)
{
    lua_Number n = luaL_checknumber(L, arg);
    uint64_t value = n < 0 ? (uint64_t)x86_64_to_i64(n) : x86_64_to_u64(n);
    char buff[MAXINTSIZE];
    for (int i = 0; i < size; i++) {
        buff[endian == LITTLE ? i : size - 1 - i] = (char)(value & 0xff);
        value >>= 8;
    }
    luaL_addlstring(b, buff, (size_t)size);
}

static void correctbytes(char *b, int size, int endian)
{
    if (endian == NATIVE_ENDIAN) return;
    for (int i = 0, j = size - 1; i < j; i++, j--) {
        char t = b[i];
        b[i] = b[j];
        b[j] = t;
    }
}

static int struct_pack(lua_State *L)
{
    luaL_Buffer b;
    const char *fmt = luaL_checkstring(L, 1);
    header h = { NATIVE_ENDIAN, 1 };
    int arg = 2;
    size_t totalsize = 0;
    lua_pushnil(L); /* keeps the arguments apart from the buffer's pieces */
    luaL_buffinit(L, &b);
    while (*fmt != '\0') {
        int opt = (unsigned char)*fmt++;
        size_t size = optsize(L, opt, &fmt);
        int toalign = gettoalign(totalsize, &h, opt, size);
        totalsize += (size_t)toalign;
        while (toalign-- > 0) luaL_addchar(&b, '\0');
        switch (opt) {
        case 'b':
        case 'B':
        case 'h':
        case 'H':
        case 'l':
        case 'L':
        case 'T':
        case 'i':
        case 'I': putinteger(L, &b, arg++, h.endian, (int)size); break;
        case 'x': luaL_addchar(&b, '\0'); break;
        case 'f': {
            float f = to_float(luaL_checknumber(L, arg++));
            correctbytes((char *)&f, (int)size, h.endian);
            luaL_addlstring(&b, (char *)&f, size);
            break;
        }
        case 'd': {
            double d = luaL_checknumber(L, arg++);
            correctbytes((char *)&d, (int)size, h.endian);
            luaL_addlstring(&b, (char *)&d, size);
            break;
        }
        case 'c':
        case 's': {
            size_t l;
            const char *s = luaL_checklstring(L, arg++, &l);
            if (size == 0) size = l;
            /* The original names the argument after the string. */
            luaL_argcheck(L, l >= size, arg, RL_ERR_STRUCT_STRING_SHORT);
            luaL_addlstring(&b, s, size);
            if (opt == 's') {
                luaL_addchar(&b, '\0');
                size++;
            }
            break;
        }
        default: controloptions(L, opt, &fmt, &h);
        }
        totalsize += size;
    }
    luaL_pushresult(&b);
    return 1;
}

static lua_Number getinteger(const char *buff, int endian, int issigned, int size)
{
    uint64_t l = 0;
    for (int i = 0; i < size; i++) {
        l <<= 8;
        l |= (unsigned char)buff[endian == BIG ? i : size - 1 - i];
    }
    if (!issigned) return (lua_Number)l;
    /* The sign bit is size*8-1, a shift the x86 takes modulo 64. */
    uint64_t mask = ~(uint64_t)0 << ((size * 8 - 1) & 63);
    if (l & mask) l |= mask;
    return (lua_Number)(int64_t)l;
}

static int struct_unpack(lua_State *L)
{
    header h = { NATIVE_ENDIAN, 1 };
    const char *fmt = luaL_checkstring(L, 1);
    size_t ld;
    const char *data = luaL_checklstring(L, 2, &ld);
    size_t pos = (size_t)luaL_optinteger(L, 3, 1);
    int n = 0;
    luaL_argcheck(L, pos > 0, 3, RL_ERR_STRUCT_OFFSET);
    pos--;
    while (*fmt) {
        int opt = (unsigned char)*fmt++;
        size_t size = optsize(L, opt, &fmt);
        pos += (size_t)gettoalign(pos, &h, opt, size);
        luaL_argcheck(L, size <= ld && pos <= ld - size, 2, RL_ERR_STRUCT_DATA_SHORT);
        luaL_checkstack(L, 2, RL_ERR_STRUCT_RESULTS);
        switch (opt) {
        case 'b':
        case 'B':
        case 'h':
        case 'H':
        case 'l':
        case 'L':
        case 'T':
        case 'i':
        case 'I': {
            int issigned = opt >= 'a' && opt <= 'z';
            lua_pushnumber(L, getinteger(data + pos, h.endian, issigned, (int)size));
            n++;
            break;
        }
        case 'x': break;
        case 'f': {
            float f;
            memcpy(&f, data + pos, sizeof(f));
            correctbytes((char *)&f, (int)sizeof(f), h.endian);
            lua_pushnumber(L, f);
            n++;
            break;
        }
        case 'd': {
            double d;
            memcpy(&d, data + pos, sizeof(d));
            correctbytes((char *)&d, (int)sizeof(d), h.endian);
            lua_pushnumber(L, d);
            n++;
            break;
        }
        case 'c':
            if (size == 0) {
                /* The length is the previous result, which may be a numeric string. */
                if (n == 0 || !lua_isnumber(L, -1)) luaL_error(L, RL_ERR_STRUCT_C0);
                size = (size_t)x86_64_to_u64(lua_tonumber(L, -1));
                lua_pop(L, 1);
                n--;
                luaL_argcheck(L, size <= ld && pos <= ld - size, 2, RL_ERR_STRUCT_DATA_SHORT);
            }
            lua_pushlstring(L, data + pos, size);
            n++;
            break;
        case 's': {
            const char *e = memchr(data + pos, '\0', ld - pos);
            if (e == NULL) luaL_error(L, RL_ERR_STRUCT_UNFINISHED);
            size = (size_t)(e - (data + pos)) + 1;
            lua_pushlstring(L, data + pos, size - 1);
            n++;
            break;
        }
        default: controloptions(L, opt, &fmt, &h);
        }
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)(pos + 1));
    return n + 1;
}

static int struct_size(lua_State *L)
{
    header h = { NATIVE_ENDIAN, 1 };
    const char *fmt = luaL_checkstring(L, 1);
    size_t pos = 0;
    while (*fmt) {
        int opt = (unsigned char)*fmt++;
        size_t size = optsize(L, opt, &fmt);
        pos += (size_t)gettoalign(pos, &h, opt, size);
        if (opt == 's') luaL_argerror(L, 1, RL_ERR_STRUCT_S_SIZE);
        else if (opt == 'c' && size == 0) luaL_argerror(L, 1, RL_ERR_STRUCT_C0_SIZE);
        /* Unknown letters and digits are silently sized 0, as in the original. */
        if (!is_alnum(opt)) controloptions(L, opt, &fmt, &h);
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)pos);
    return 1;
}

static const luaL_Reg struct_funcs[] = {
    { "pack", struct_pack },
    { "unpack", struct_unpack },
    { "size", struct_size },
    { NULL, NULL },
};

int rl_open_struct(lua_State *L)
{
    luaL_register(L, "struct", struct_funcs);
    return 1;
}
