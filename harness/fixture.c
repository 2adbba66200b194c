/* The fixture parser. It has two layers: a strict JSON reader (RFC 8259,
 * UTF-8, no duplicate keys) that records the position of every value and
 * keeps numbers' source text, and a validator that turns the tree into the
 * fixture model of fixture.h, rejecting anything the contract does not
 * allow. Nothing is run before a whole file validated. */
#include "fixture.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "mem.h"
#include "params.h"

/* Deep enough for any fixture, shallow enough for the C stack. */
#define JSON_MAX_DEPTH 256

/* ======================================================================
 * JSON reader
 * ====================================================================== */

typedef struct jreader {
    const char *s;
    size_t len;
    size_t pos;
    int line;
    size_t line_start;
    int depth;
    char *err;
    size_t errlen;
} jreader;

/* Columns count characters, not bytes, so they agree with editors on
 * non-ASCII lines: UTF-8 continuation bytes do not advance the column. */
static int jr_col(const jreader *r, size_t at)
{
    int col = 1;
    for (size_t i = r->line_start; i < at && i < r->len; i++) {
        if (((unsigned char)r->s[i] & 0xC0) != 0x80) col++;
    }
    return col;
}

static rl_json *jr_fail(jreader *r, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static rl_json *jr_fail(jreader *r, size_t at, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (r->err != NULL && r->errlen > 0)
        snprintf(r->err, r->errlen, "%d:%d: %s", r->line, jr_col(r, at), msg);
    return NULL;
}

static void jr_skip_ws(jreader *r)
{
    while (r->pos < r->len) {
        char ch = r->s[r->pos];
        if (ch == '\n') {
            r->line++;
            r->pos++;
            r->line_start = r->pos;
        } else if (ch == ' ' || ch == '\t' || ch == '\r') {
            r->pos++;
        } else {
            break;
        }
    }
}

static rl_json *jr_node(jreader *r, rl_json_type type)
{
    rl_json *v = rl_calloc(1, sizeof(*v));
    v->type = type;
    v->line = r->line;
    v->col = jr_col(r, r->pos);
    v->start = r->pos;
    return v;
}

void rl_json_free(rl_json *v)
{
    if (v == NULL) return;
    for (size_t i = 0; i < v->count; i++) {
        rl_json_free(v->items[i]);
        if (v->keys != NULL) rl_json_free(v->keys[i]);
    }
    rl_free(v->items);
    rl_free(v->keys);
    rl_free(v->str);
    rl_free(v);
}

static void describe_char(char *out, size_t outlen, unsigned char ch)
{
    if (ch >= 0x20 && ch < 0x7f) snprintf(out, outlen, "'%c'", ch);
    else snprintf(out, outlen, "byte 0x%02x", ch);
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static int jr_hex4(jreader *r, size_t at, unsigned *out)
{
    if (at + 4 > r->len) return -1;
    unsigned v = 0;
    for (size_t i = 0; i < 4; i++) {
        int h = hexval((unsigned char)r->s[at + i]);
        if (h < 0) return -1;
        v = (v << 4) | (unsigned)h;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *dst, unsigned cp)
{
    if (cp < 0x80) {
        dst[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        dst[0] = (char)(0xC0 | (cp >> 6));
        dst[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        dst[0] = (char)(0xE0 | (cp >> 12));
        dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        dst[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    dst[0] = (char)(0xF0 | (cp >> 18));
    dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    dst[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if it is invalid
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_seq_len(const unsigned char *p, size_t avail)
{
    unsigned char c = p[0];
    if (c < 0x80) return 1;
    size_t n;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (avail < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    return n;
}

int rl_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_seq_len((const unsigned char *)s + i, len - i);
        if (n == 0) return 0;
        i += n;
    }
    return 1;
}

static rl_json *jr_string(jreader *r)
{
    rl_json *v = jr_node(r, RL_JSON_STRING);
    size_t start = r->pos;
    r->pos++; /* the opening quote */
    /* The decoded string is never longer than its source. */
    size_t cap = 16;
    for (size_t i = r->pos; i < r->len && r->s[i] != '"'; i++) {
        cap++;
        if (r->s[i] == '\\') i++;
    }
    char *out = rl_malloc(cap + 4);
    size_t n = 0;
    for (;;) {
        if (r->pos >= r->len) {
            rl_free(out);
            rl_json_free(v);
            return jr_fail(r, start, "unterminated string");
        }
        unsigned char ch = (unsigned char)r->s[r->pos];
        if (ch == '"') {
            r->pos++;
            break;
        }
        if (ch < 0x20) {
            rl_free(out);
            rl_json_free(v);
            return jr_fail(r, r->pos, "control character in string (write it escaped)");
        }
        if (ch == '\\') {
            size_t esc = r->pos;
            if (r->pos + 1 >= r->len) {
                rl_free(out);
                rl_json_free(v);
                return jr_fail(r, start, "unterminated string");
            }
            char e = r->s[r->pos + 1];
            r->pos += 2;
            switch (e) {
            case '"': out[n++] = '"'; break;
            case '\\': out[n++] = '\\'; break;
            case '/': out[n++] = '/'; break;
            case 'b': out[n++] = '\b'; break;
            case 'f': out[n++] = '\f'; break;
            case 'n': out[n++] = '\n'; break;
            case 'r': out[n++] = '\r'; break;
            case 't': out[n++] = '\t'; break;
            case 'u': {
                unsigned cp;
                if (jr_hex4(r, r->pos, &cp) != 0) {
                    rl_free(out);
                    rl_json_free(v);
                    return jr_fail(r, esc, "invalid \\u escape");
                }
                r->pos += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned lo;
                    if (r->pos + 6 > r->len || r->s[r->pos] != '\\' || r->s[r->pos + 1] != 'u' ||
                        jr_hex4(r, r->pos + 2, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
                        rl_free(out);
                        rl_json_free(v);
                        return jr_fail(r, esc,
                                       "unpaired UTF-16 surrogate in \\u escape (use "
                                       "{\"hex\": ...} for arbitrary bytes)");
                    }
                    r->pos += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    rl_free(out);
                    rl_json_free(v);
                    return jr_fail(r, esc,
                                   "unpaired UTF-16 surrogate in \\u escape (use "
                                   "{\"hex\": ...} for arbitrary bytes)");
                }
                n += put_utf8(out + n, cp);
                break;
            }
            default:
                rl_free(out);
                rl_json_free(v);
                return jr_fail(r, esc, "invalid escape '\\%c'", e);
            }
            continue;
        }
        size_t sl = utf8_seq_len((const unsigned char *)r->s + r->pos, r->len - r->pos);
        if (sl == 0) {
            rl_free(out);
            rl_json_free(v);
            return jr_fail(r, r->pos, "invalid UTF-8 in string (use {\"hex\": ...} for bytes)");
        }
        memcpy(out + n, r->s + r->pos, sl);
        n += sl;
        r->pos += sl;
    }
    out[n] = '\0';
    v->str = out;
    v->len = n;
    v->end = r->pos;
    return v;
}

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static rl_json *jr_number(jreader *r)
{
    rl_json *v = jr_node(r, RL_JSON_NUMBER);
    size_t start = r->pos, p = r->pos;
    int integral = 1;
    if (p < r->len && r->s[p] == '-') p++;
    if (p >= r->len || !is_digit(r->s[p])) {
        rl_json_free(v);
        return jr_fail(r, start, "invalid number");
    }
    if (r->s[p] == '0') {
        p++;
        if (p < r->len && is_digit(r->s[p])) {
            rl_json_free(v);
            return jr_fail(r, start, "invalid number (leading zero)");
        }
    } else {
        while (p < r->len && is_digit(r->s[p])) p++;
    }
    if (p < r->len && r->s[p] == '.') {
        integral = 0;
        p++;
        if (p >= r->len || !is_digit(r->s[p])) {
            rl_json_free(v);
            return jr_fail(r, start, "invalid number");
        }
        while (p < r->len && is_digit(r->s[p])) p++;
    }
    if (p < r->len && (r->s[p] == 'e' || r->s[p] == 'E')) {
        integral = 0;
        p++;
        if (p < r->len && (r->s[p] == '+' || r->s[p] == '-')) p++;
        if (p >= r->len || !is_digit(r->s[p])) {
            rl_json_free(v);
            return jr_fail(r, start, "invalid number");
        }
        while (p < r->len && is_digit(r->s[p])) p++;
    }
    v->str = rl_memdup(r->s + start, p - start);
    v->len = p - start;
    r->pos = p;
    /* strtod and strtoll read the C locale's decimal point: the harness never
     * calls setlocale(LC_NUMERIC), so that is always '.'. */
    v->number = strtod(v->str, NULL);
    if (integral) {
        errno = 0;
        long long ll = strtoll(v->str, NULL, 10);
        if (errno == 0) {
            v->is_int = 1;
            v->integer = (int64_t)ll;
        }
    }
    return v;
}

static rl_json *jr_value(jreader *r);

static rl_json *jr_array(jreader *r)
{
    rl_json *v = jr_node(r, RL_JSON_ARRAY);
    size_t cap = 0;
    r->pos++;
    jr_skip_ws(r);
    if (r->pos < r->len && r->s[r->pos] == ']') {
        r->pos++;
        return v;
    }
    for (;;) {
        rl_json *item = jr_value(r);
        if (item == NULL) {
            rl_json_free(v);
            return NULL;
        }
        if (v->count == cap) {
            cap = cap ? cap * 2 : 4;
            v->items = rl_realloc(v->items, cap * sizeof(*v->items));
        }
        v->items[v->count++] = item;
        jr_skip_ws(r);
        if (r->pos >= r->len) {
            rl_json_free(v);
            return jr_fail(r, r->pos, "unexpected end of input, expected ',' or ']'");
        }
        if (r->s[r->pos] == ',') {
            r->pos++;
            jr_skip_ws(r);
            if (r->pos < r->len && r->s[r->pos] == ']') {
                rl_json_free(v);
                return jr_fail(r, r->pos,
                               "unexpected ']' after ',' (JSON has no trailing "
                               "commas)");
            }
            continue;
        }
        if (r->s[r->pos] == ']') {
            r->pos++;
            return v;
        }
        char d[24];
        describe_char(d, sizeof(d), (unsigned char)r->s[r->pos]);
        rl_json_free(v);
        return jr_fail(r, r->pos, "expected ',' or ']' but found %s", d);
    }
}

static rl_json *jr_object(jreader *r)
{
    rl_json *v = jr_node(r, RL_JSON_OBJECT);
    size_t cap = 0;
    r->pos++;
    jr_skip_ws(r);
    if (r->pos < r->len && r->s[r->pos] == '}') {
        r->pos++;
        return v;
    }
    for (;;) {
        if (r->pos >= r->len) {
            rl_json_free(v);
            return jr_fail(r, r->pos, "unexpected end of input, expected a key");
        }
        if (r->s[r->pos] == '}' && v->count > 0) {
            rl_json_free(v);
            return jr_fail(r, r->pos, "unexpected '}' after ',' (JSON has no trailing commas)");
        }
        if (r->s[r->pos] != '"') {
            char d[24];
            describe_char(d, sizeof(d), (unsigned char)r->s[r->pos]);
            rl_json_free(v);
            return jr_fail(r, r->pos, "expected a string key but found %s", d);
        }
        rl_json *key = jr_string(r);
        if (key == NULL) {
            rl_json_free(v);
            return NULL;
        }
        for (size_t i = 0; i < v->count; i++) {
            if (v->keys[i]->len == key->len && memcmp(v->keys[i]->str, key->str, key->len) == 0) {
                /* Report at the duplicate, the one a reader would delete. */
                r->err[0] = '\0';
                snprintf(r->err, r->errlen, "%d:%d: duplicate key \"%s\" (first at %d:%d)",
                         key->line, key->col, key->str, v->keys[i]->line, v->keys[i]->col);
                rl_json_free(key);
                rl_json_free(v);
                return NULL;
            }
        }
        jr_skip_ws(r);
        if (r->pos >= r->len || r->s[r->pos] != ':') {
            rl_json_free(key);
            rl_json_free(v);
            return jr_fail(r, r->pos, "expected ':' after the key");
        }
        r->pos++;
        jr_skip_ws(r);
        rl_json *item = jr_value(r);
        if (item == NULL) {
            rl_json_free(key);
            rl_json_free(v);
            return NULL;
        }
        if (v->count == cap) {
            cap = cap ? cap * 2 : 4;
            v->items = rl_realloc(v->items, cap * sizeof(*v->items));
            v->keys = rl_realloc(v->keys, cap * sizeof(*v->keys));
        }
        v->keys[v->count] = key;
        v->items[v->count++] = item;
        jr_skip_ws(r);
        if (r->pos >= r->len) {
            rl_json_free(v);
            return jr_fail(r, r->pos, "unexpected end of input, expected ',' or '}'");
        }
        if (r->s[r->pos] == ',') {
            r->pos++;
            jr_skip_ws(r);
            continue;
        }
        if (r->s[r->pos] == '}') {
            r->pos++;
            return v;
        }
        char d[24];
        describe_char(d, sizeof(d), (unsigned char)r->s[r->pos]);
        rl_json_free(v);
        return jr_fail(r, r->pos, "expected ',' or '}' but found %s", d);
    }
}

static rl_json *jr_literal(jreader *r, const char *word, rl_json_type type, int b)
{
    size_t n = strlen(word);
    if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n) != 0)
        return jr_fail(r, r->pos, "invalid literal (expected %s)", word);
    rl_json *v = jr_node(r, type);
    v->boolean = b;
    r->pos += n;
    return v;
}

static rl_json *jr_value(jreader *r)
{
    jr_skip_ws(r);
    if (r->pos >= r->len) return jr_fail(r, r->pos, "unexpected end of input, expected a value");
    if (r->depth >= JSON_MAX_DEPTH)
        return jr_fail(r, r->pos, "nesting deeper than %d levels", JSON_MAX_DEPTH);
    char ch = r->s[r->pos];
    rl_json *v;
    r->depth++;
    switch (ch) {
    case '{': v = jr_object(r); break;
    case '[': v = jr_array(r); break;
    case '"': v = jr_string(r); break;
    case 't': v = jr_literal(r, "true", RL_JSON_BOOL, 1); break;
    case 'f': v = jr_literal(r, "false", RL_JSON_BOOL, 0); break;
    case 'n': v = jr_literal(r, "null", RL_JSON_NULL, 0); break;
    default:
        if (ch == '-' || is_digit(ch)) {
            v = jr_number(r);
        } else {
            char d[24];
            describe_char(d, sizeof(d), (unsigned char)ch);
            v = jr_fail(r, r->pos, "unexpected %s, expected a JSON value", d);
        }
        break;
    }
    r->depth--;
    if (v != NULL) v->end = r->pos;
    return v;
}

rl_json *rl_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
    char dummy[1];
    jreader r = { text, len, 0, 1, 0, 0, err, errlen };
    if (err == NULL || errlen == 0) {
        r.err = dummy;
        r.errlen = sizeof(dummy);
    }
    /* A UTF-8 byte order mark is not JSON, but editors write it. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        r.pos = 3;
        r.line_start = 3;
    }
    rl_json *v = jr_value(&r);
    if (v == NULL) return NULL;
    jr_skip_ws(&r);
    if (r.pos < r.len) {
        rl_json_free(v);
        return jr_fail(&r, r.pos, "unexpected content after the JSON value");
    }
    return v;
}

const rl_json *rl_json_get(const rl_json *obj, const char *key)
{
    if (obj == NULL || obj->type != RL_JSON_OBJECT) return NULL;
    size_t klen = strlen(key);
    for (size_t i = 0; i < obj->count; i++) {
        if (obj->keys[i]->len == klen && memcmp(obj->keys[i]->str, key, klen) == 0)
            return obj->items[i];
    }
    return NULL;
}

char *rl_json_hex_decode(const rl_json *v, size_t *len)
{
    if (v == NULL || v->type != RL_JSON_OBJECT || v->count != 1 || v->keys[0]->len != 3 ||
        memcmp(v->keys[0]->str, "hex", 3) != 0)
        return NULL;
    const rl_json *h = v->items[0];
    if (h->type != RL_JSON_STRING || h->len % 2 != 0) return NULL;
    char *out = rl_malloc(h->len / 2 + 1);
    for (size_t i = 0; i < h->len; i += 2) {
        int hi = hexval((unsigned char)h->str[i]), lo = hexval((unsigned char)h->str[i + 1]);
        if (hi < 0 || lo < 0) {
            rl_free(out);
            return NULL;
        }
        out[i / 2] = (char)((hi << 4) | lo);
    }
    out[h->len / 2] = '\0';
    *len = h->len / 2;
    return out;
}

/* ======================================================================
 * Fixture validation
 * ====================================================================== */

typedef struct fctx {
    const char *path;
    char *err;
    size_t errlen;
    rl_fixture *f;
    char **include_dirs; /* the fixture's "include", resolved, then the extra ones */
    size_t ninclude_dirs;
    const char *const *extra_dirs; /* given by the caller (-I) */
    size_t nextra_dirs;
} fctx;

static int ferr_at(fctx *c, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int ferr_at(fctx *c, int line, int col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (c->err != NULL && c->errlen > 0)
        snprintf(c->err, c->errlen, "%s:%d:%d: %s", c->path, line, col, msg);
    return -1;
}

#define ferr(c, node, ...) ferr_at((c), (node)->line, (node)->col, __VA_ARGS__)

const char *rl_json_type_name(const rl_json *v)
{
    switch (v->type) {
    case RL_JSON_NULL: return "null";
    case RL_JSON_BOOL: return "a boolean";
    case RL_JSON_NUMBER: return "a number";
    case RL_JSON_STRING: return "a string";
    case RL_JSON_ARRAY: return "an array";
    case RL_JSON_OBJECT: return "an object";
    }
    return "a value";
}

/* Rejects every member of obj whose key is not in allowed (NULL-terminated). */
static int check_fields(fctx *c, const rl_json *obj, const char *what, const char *const *allowed,
                        const char *allowed_list)
{
    for (size_t i = 0; i < obj->count; i++) {
        const rl_json *k = obj->keys[i];
        int ok = 0;
        for (size_t j = 0; allowed[j] != NULL; j++) {
            if (k->len == strlen(allowed[j]) && memcmp(k->str, allowed[j], k->len) == 0) ok = 1;
        }
        if (!ok)
            return ferr(c, k, "unknown %s field \"%s\" (allowed: %s)", what, k->str, allowed_list);
    }
    return 0;
}

static const rl_json *member_key(const rl_json *obj, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i < obj->count; i++) {
        if (obj->keys[i]->len == klen && memcmp(obj->keys[i]->str, key, klen) == 0)
            return obj->keys[i];
    }
    return NULL;
}

static int want_type(fctx *c, const rl_json *v, const char *field, rl_json_type type,
                     const char *type_name)
{
    if (v->type != type)
        return ferr(c, v, "\"%s\" must be %s, not %s", field, type_name, rl_json_type_name(v));
    return 0;
}

static int want_int64(fctx *c, const rl_json *v, const char *field, int64_t min)
{
    if (v->type != RL_JSON_NUMBER)
        return ferr(c, v, "\"%s\" must be an integer, not %s", field, rl_json_type_name(v));
    if (!v->is_int) {
        if (strpbrk(v->str, ".eE") == NULL)
            return ferr(c, v, "\"%s\" is out of the 64-bit integer range", field);
        return ferr(c, v, "\"%s\" must be an integer, not %s", field, v->str);
    }
    if (v->integer < min) return ferr(c, v, "\"%s\" must be >= %lld", field, (long long)min);
    return 0;
}

/* A Redis argument: a string, or {"hex": "..."}. Stores a copy. */
static int parse_arg(fctx *c, const rl_json *v, const char *field, char **out, size_t *outlen)
{
    if (v->type == RL_JSON_STRING) {
        *out = rl_memdup(v->str, v->len);
        *outlen = v->len;
        return 0;
    }
    if (v->type == RL_JSON_NUMBER)
        return ferr(c, v,
                    "a JSON number is not a Redis argument in \"%s\": write \"%s\", not %s "
                    "(Redis arguments are strings)",
                    field, v->str, v->str);
    if (v->type == RL_JSON_OBJECT && member_key(v, "hex") != NULL) {
        if (v->count != 1) return ferr(c, v, "a {\"hex\": ...} argument must have no other field");
        const rl_json *h = v->items[0];
        if (h->type != RL_JSON_STRING) return ferr(c, h, "\"hex\" must be a string of hex digits");
        char *bytes = rl_json_hex_decode(v, outlen);
        if (bytes == NULL) return ferr(c, h, "\"hex\" must be an even number of hex digits");
        *out = bytes;
        return 0;
    }
    return ferr(c, v, "arguments in \"%s\" must be strings or {\"hex\": ...}, not %s", field,
                rl_json_type_name(v));
}

static int append_args(fctx *c, rl_step *st, const rl_json *arr, const char *field)
{
    if (arr->type != RL_JSON_ARRAY)
        return ferr(c, arr, "\"%s\" must be an array of strings, not %s", field,
                    rl_json_type_name(arr));
    if (arr->count > (size_t)(INT_MAX / 2))
        return ferr(c, arr, "\"%s\" has too many elements", field);
    size_t base = (size_t)st->argc;
    st->argv = rl_realloc(st->argv, (base + arr->count + 1) * sizeof(char *));
    st->argvlen = rl_realloc(st->argvlen, (base + arr->count + 1) * sizeof(size_t));
    for (size_t i = 0; i < arr->count; i++) {
        if (parse_arg(c, arr->items[i], field, &st->argv[base + i], &st->argvlen[base + i]) != 0)
            return -1;
        st->argc++;
    }
    return 0;
}

static int find_script(const rl_fixture *f, const rl_json *name, size_t *idx)
{
    for (size_t i = 0; i < f->nscripts; i++) {
        if (strlen(f->scripts[i].name) == name->len &&
            memcmp(f->scripts[i].name, name->str, name->len) == 0) {
            *idx = i;
            return 0;
        }
    }
    return -1;
}

static const char *const step_actions[] = { "call", "eval", "fcall", "advance_ms", NULL };
static const char *const step_expects[] = { "reply", "error", NULL };

static int parse_step(fctx *c, rl_case *cs, size_t idx, const rl_json *v);

/* "while_busy" (docs/fixture-format.md, "Extension: busy scripts"): an array
 * of call steps, each with at most one expectation, for the step st. */
static int parse_while_busy(fctx *c, rl_case *cs, rl_step *st, const rl_json *v)
{
    static const char *const allowed[] = { "call", "reply", "error", NULL };
    if (st->kind == RL_STEP_ADVANCE)
        return ferr(c, v,
                    "\"while_busy\" belongs to eval, fcall and call steps, not to "
                    "advance_ms");
    if (v->type != RL_JSON_ARRAY)
        return ferr(c, v, "\"while_busy\" must be an array of call steps, not %s",
                    rl_json_type_name(v));
    if (v->count == 0) return ferr(c, v, "\"while_busy\" needs at least one call step");
    rl_case sub = { 0 };
    sub.steps = rl_calloc(v->count, sizeof(rl_step));
    st->busy = sub.steps;
    st->nbusy = v->count;
    for (size_t i = 0; i < v->count; i++) {
        const rl_json *item = v->items[i];
        if (item->type == RL_JSON_OBJECT &&
            check_fields(c, item, "while_busy step", allowed, "call, reply, error") != 0)
            return -1;
        if (item->type == RL_JSON_OBJECT && rl_json_get(item, "call") == NULL)
            return ferr(c, item, "a while_busy step needs \"call\" (the command to send)");
        sub.nsteps = i + 1;
        if (parse_step(c, &sub, i, item) != 0) return -1;
    }
    cs->uses_busy = 1;
    return 0;
}

static int parse_step(fctx *c, rl_case *cs, size_t idx, const rl_json *v)
{
    static const char *const allowed[] = { "call",   "eval",  "fcall", "advance_ms", "keys", "args",
                                           "params", "reply", "error", "while_busy", NULL };
    rl_step *st = &cs->steps[idx];
    st->node = v;
    st->line = v->line;
    st->col = v->col;
    if (v->type != RL_JSON_OBJECT)
        return ferr(c, v, "a step must be an object, not %s", rl_json_type_name(v));
    if (check_fields(c, v, "step", allowed,
                     "call, eval, fcall, advance_ms, keys, args, params, reply, error, "
                     "while_busy") != 0)
        return -1;

    const rl_json *action_key = NULL;
    for (size_t i = 0; i < v->count; i++) {
        for (size_t j = 0; step_actions[j] != NULL; j++) {
            if (strcmp(v->keys[i]->str, step_actions[j]) != 0) continue;
            if (action_key != NULL)
                return ferr(c, v->keys[i],
                            "a step has exactly one action, but this one has \"%s\" and \"%s\"",
                            action_key->str, v->keys[i]->str);
            action_key = v->keys[i];
        }
    }
    if (action_key == NULL)
        return ferr(c, v, "step %zu has no action (call, eval, fcall or advance_ms)", idx + 1);

    const rl_json *expect_key = NULL;
    for (size_t i = 0; i < v->count; i++) {
        for (size_t j = 0; step_expects[j] != NULL; j++) {
            if (strcmp(v->keys[i]->str, step_expects[j]) != 0) continue;
            if (expect_key != NULL)
                return ferr(c, v->keys[i],
                            "a step has at most one expectation, but this one has \"%s\" and "
                            "\"%s\"",
                            expect_key->str, v->keys[i]->str);
            expect_key = v->keys[i];
        }
    }

    const rl_json *keys = rl_json_get(v, "keys"), *args = rl_json_get(v, "args");
    const char *action = action_key->str;
    const rl_json *a = rl_json_get(v, action);
    const rl_json *params = rl_json_get(v, "params");
    if (params != NULL && strcmp(action, "eval") != 0)
        return ferr(c, member_key(v, "params"), "\"params\" belongs to eval steps, not to %s",
                    action);
    if (params != NULL && (keys != NULL || args != NULL))
        return ferr(c, member_key(v, keys != NULL ? "keys" : "args"),
                    "a step gives \"params\" or \"keys\"/\"args\", not both");
    if (strcmp(action, "call") == 0 || strcmp(action, "advance_ms") == 0) {
        const rl_json *extra = keys != NULL ? member_key(v, "keys")
            : args != NULL                  ? member_key(v, "args")
                                            : NULL;
        if (extra != NULL)
            return ferr(c, extra, "\"%s\" belongs to eval and fcall steps, not to %s", extra->str,
                        action);
    }
    if (strcmp(action, "call") == 0) {
        st->kind = RL_STEP_CALL;
        if (a->type != RL_JSON_ARRAY)
            return ferr(c, a, "\"call\" must be an array [\"CMD\", \"arg\", ...], not %s",
                        rl_json_type_name(a));
        if (a->count == 0) return ferr(c, a, "\"call\" needs at least the command name");
        if (append_args(c, st, a, "call") != 0) return -1;
    } else if (strcmp(action, "eval") == 0 || strcmp(action, "fcall") == 0) {
        int is_eval = action[0] == 'e';
        st->kind = is_eval ? RL_STEP_EVAL : RL_STEP_FCALL;
        if (a->type != RL_JSON_STRING)
            return ferr(c, a, "\"%s\" must be a %s name (a string), not %s", action,
                        is_eval ? "script" : "function", rl_json_type_name(a));
        if (is_eval) {
            if (find_script(c->f, a, &st->script) != 0)
                return ferr(c, a, "unknown script \"%s\" (not in \"scripts\")", a->str);
        } else {
            st->function = rl_memdup(a->str, a->len);
            st->function_len = a->len;
        }
        if (params != NULL) {
            const rl_script *sc = &c->f->scripts[st->script];
            const rl_json *bad;
            char msg[512];
            if (rl_params_bind(&sc->code, params, &st->argc, &st->argv, &st->argvlen, &st->numkeys,
                               &bad, msg, sizeof(msg)) != 0)
                return ferr(c, bad, "script \"%s\": %s", sc->name ? sc->name : a->str, msg);
        }
        if (keys != NULL && append_args(c, st, keys, "keys") != 0) return -1;
        if (params == NULL) st->numkeys = st->argc;
        if (args != NULL && append_args(c, st, args, "args") != 0) return -1;
    } else {
        st->kind = RL_STEP_ADVANCE;
        if (want_int64(c, a, "advance_ms", 0) != 0) return -1;
        st->advance_ms = a->integer;
        cs->uses_clock = 1;
        if (expect_key != NULL)
            return ferr(c, expect_key, "an advance_ms step has no reply to expect");
    }

    if (expect_key == NULL) {
        st->expect = RL_EXPECT_NONE;
    } else if (strcmp(expect_key->str, "reply") == 0) {
        char msg[256];
        st->expect = RL_EXPECT_REPLY;
        st->reply = rl_json_get(v, "reply");
        /* A %return dict|list script's reply is any JSON value. */
        int decoded =
            st->kind == RL_STEP_EVAL && rl_params_returns_json(&c->f->scripts[st->script].code);
        const rl_json *bad = decoded ? NULL : rl_match_check(st->reply, msg, sizeof(msg));
        if (bad != NULL) return ferr(c, bad, "%s", msg);
    } else {
        const rl_json *e = rl_json_get(v, "error");
        st->expect = RL_EXPECT_ERROR;
        if (want_type(c, e, "error", RL_JSON_STRING, "a string (a glob for the error text)") != 0)
            return -1;
        st->error = rl_memdup(e->str, e->len);
        st->error_len = e->len;
    }
    const rl_json *busy = rl_json_get(v, "while_busy");
    if (busy != NULL && parse_while_busy(c, cs, st, busy) != 0) return -1;
    return 0;
}

static const char *const key_types[] = { "string", "hash", "list", "set", "zset", "stream", NULL };

static int parse_keyspace(fctx *c, const rl_json *ks)
{
    static const char *const allowed[] = { "type", "value", "ttl", NULL };
    if (ks->type != RL_JSON_OBJECT)
        return ferr(c, ks, "\"keyspace\" must be an object key -> {\"type\", \"value\"}, not %s",
                    rl_json_type_name(ks));
    for (size_t i = 0; i < ks->count; i++) {
        const rl_json *e = ks->items[i];
        if (e->type != RL_JSON_OBJECT)
            return ferr(c, e,
                        "keyspace entry \"%s\" must be an object with \"type\" and "
                        "\"value\", not %s",
                        ks->keys[i]->str, rl_json_type_name(e));
        if (check_fields(c, e, "keyspace entry", allowed, "type, value, ttl") != 0) return -1;
        const rl_json *type = rl_json_get(e, "type"), *value = rl_json_get(e, "value");
        const rl_json *ttl = rl_json_get(e, "ttl");
        if (type == NULL)
            return ferr(c, e, "keyspace entry \"%s\" is missing required field \"type\"",
                        ks->keys[i]->str);
        if (value == NULL)
            return ferr(c, e, "keyspace entry \"%s\" is missing required field \"value\"",
                        ks->keys[i]->str);
        if (want_type(c, type, "type", RL_JSON_STRING, "a string") != 0) return -1;
        int known = 0;
        for (size_t j = 0; key_types[j] != NULL; j++) {
            if (strcmp(type->str, key_types[j]) == 0 && strlen(key_types[j]) == type->len)
                known = 1;
        }
        if (!known)
            return ferr(c, type,
                        "unknown key type \"%s\" (string, hash, list, set, zset or "
                        "stream)",
                        type->str);
        if (ttl != NULL) {
            if (ttl->type != RL_JSON_NUMBER)
                return ferr(c, ttl, "\"ttl\" must be a number of seconds, not %s",
                            rl_json_type_name(ttl));
            if (ttl->number < 0)
                return ferr(c, ttl,
                            "\"ttl\" must be >= 0 (leave it out for a key without "
                            "expiry)");
        }
        char msg[256];
        const rl_json *bad = rl_match_check_key_value(type->str, value, msg, sizeof(msg));
        if (bad != NULL) return ferr(c, bad, "%s", msg);
    }
    return 0;
}

/* The limits a case may set, also at file level (docs/fixture-format.md,
 * "Limits"): each a non-negative integer; out[i] stays -1 when absent. */
static const char *const limit_fields[RL_CASE_LIMITS] = { "timeout_ms", "lua_memory_mb",
                                                          "maxmemory", "busy_threshold_ms" };

static int parse_limits(fctx *c, const rl_json *obj, int64_t out[RL_CASE_LIMITS])
{
    for (int i = 0; i < RL_CASE_LIMITS; i++) {
        const rl_json *v = rl_json_get(obj, limit_fields[i]);
        out[i] = -1;
        if (v == NULL) continue;
        if (want_int64(c, v, limit_fields[i], 0) != 0) return -1;
        out[i] = v->integer;
    }
    return 0;
}

static int parse_case(fctx *c, size_t idx, const rl_json *v)
{
    static const char *const allowed[] = { "name",      "clock_ms",          "steps",
                                           "keyspace",  "timeout_ms",        "lua_memory_mb",
                                           "maxmemory", "busy_threshold_ms", NULL };
    rl_case *cs = &c->f->cases[idx];
    cs->line = v->line;
    cs->col = v->col;
    if (v->type != RL_JSON_OBJECT)
        return ferr(c, v, "a case must be an object, not %s", rl_json_type_name(v));
    if (check_fields(c, v, "case", allowed,
                     "name, clock_ms, steps, keyspace, timeout_ms, lua_memory_mb, maxmemory, "
                     "busy_threshold_ms") != 0)
        return -1;
    if (parse_limits(c, v, cs->limits) != 0) return -1;
    const rl_json *name = rl_json_get(v, "name");
    if (name != NULL) {
        if (want_type(c, name, "name", RL_JSON_STRING, "a string") != 0) return -1;
        cs->name = rl_memdup(name->str, name->len);
    } else {
        char buf[32];
        snprintf(buf, sizeof(buf), "#%zu", idx + 1);
        cs->name = rl_strdup(buf);
    }
    const rl_json *clock = rl_json_get(v, "clock_ms");
    if (clock != NULL) {
        if (want_int64(c, clock, "clock_ms", 0) != 0) return -1;
        cs->has_clock_ms = 1;
        cs->uses_clock = 1;
        cs->clock_ms = clock->integer;
    }
    const rl_json *steps = rl_json_get(v, "steps");
    if (steps != NULL) {
        if (want_type(c, steps, "steps", RL_JSON_ARRAY, "an array") != 0) return -1;
        cs->steps = rl_calloc(steps->count ? steps->count : 1, sizeof(rl_step));
        cs->nsteps = steps->count;
        for (size_t i = 0; i < steps->count; i++) {
            if (parse_step(c, cs, i, steps->items[i]) != 0) return -1;
        }
    }
    const rl_json *ks = rl_json_get(v, "keyspace");
    if (ks != NULL) {
        if (parse_keyspace(c, ks) != 0) return -1;
        cs->keyspace = ks;
    }
    return 0;
}

/* Script paths are relative to the fixture file's directory. */
static char *resolve_path(const char *fixture_path, const char *rel)
{
    const char *slash = strrchr(fixture_path, '/');
    if (rel[0] == '/' || slash == NULL) return rl_strdup(rel);
    size_t dlen = (size_t)(slash - fixture_path) + 1;
    size_t rlen = strlen(rel);
    char *out = rl_malloc(dlen + rlen + 1);
    memcpy(out, fixture_path, dlen);
    memcpy(out + dlen, rel, rlen + 1);
    return out;
}

static int parse_scripts(fctx *c, const rl_json *v)
{
    if (v->type != RL_JSON_OBJECT)
        return ferr(c, v,
                    "\"scripts\" must be an object name -> path or {\"source\": ...}, "
                    "not %s",
                    rl_json_type_name(v));
    rl_fixture *f = c->f;
    f->scripts = rl_calloc(v->count ? v->count : 1, sizeof(rl_script));
    for (size_t i = 0; i < v->count; i++) {
        const rl_json *k = v->keys[i], *s = v->items[i];
        rl_script *sc = &f->scripts[f->nscripts];
        if (memchr(k->str, '\0', k->len) != NULL)
            return ferr(c, k, "a script name may not contain NUL");
        if (s->type == RL_JSON_STRING) {
            if (s->len == 0 || memchr(s->str, '\0', s->len) != NULL)
                return ferr(c, s, "script \"%s\": invalid file name", k->str);
            char *path = resolve_path(c->path, s->str);
            char msg[1024];
            rl_loader_opts opts = { (const char *const *)c->include_dirs, c->ninclude_dirs };
            int rc = rl_loader_load_script(path, &opts, &sc->code, msg, sizeof(msg));
            rl_free(path);
            if (rc != 0) return ferr(c, s, "script \"%s\": %s", k->str, msg);
        } else if (s->type == RL_JSON_OBJECT) {
            static const char *const allowed[] = { "source", NULL };
            if (check_fields(c, s, "script", allowed, "source") != 0) return -1;
            const rl_json *src = rl_json_get(s, "source");
            if (src == NULL)
                return ferr(c, s, "script \"%s\" is missing required field \"source\"", k->str);
            if (want_type(c, src, "source", RL_JSON_STRING, "a string of Lua code") != 0) return -1;
            sc->inline_source = 1;
            sc->code.text = rl_memdup(src->str, src->len);
            sc->code.len = src->len;
        } else {
            return ferr(c, s,
                        "script \"%s\" must be a file path (a string) or "
                        "{\"source\": ...}, not %s",
                        k->str, rl_json_type_name(s));
        }
        sc->name = rl_memdup(k->str, k->len);
        f->nscripts++;
    }
    return 0;
}

/* Checks that a library's first line is "#!lua" and names it, as FUNCTION
 * LOAD will ask; the name goes to *name (rl_malloc'd). Redis reads the
 * metadata line as space-separated arguments after "#!<engine>". */
static int library_name(const rl_loaded_script *code, char **name, char *msg, size_t msglen)
{
    const char *t = code->text, *nl = memchr(t, '\n', code->len);
    size_t n = nl ? (size_t)(nl - t) : code->len;
    if (n < 5 || memcmp(t, "#!lua", 5) != 0 || (n > 5 && t[5] != ' ')) {
        snprintf(msg, msglen,
                 "%s:1:1: not a function library: the first line must be "
                 "\"#!lua name=<library>\"",
                 code->file);
        return -1;
    }
    size_t i = 5;
    while (i < n) {
        while (i < n && t[i] == ' ') i++;
        size_t s0 = i;
        while (i < n && t[i] != ' ') i++;
        if (i - s0 > 5 && memcmp(t + s0, "name=", 5) == 0) {
            *name = rl_memdup(t + s0 + 5, i - s0 - 5);
            return 0;
        }
    }
    snprintf(msg, msglen,
             "%s:1:1: not a function library: its \"#!lua\" line has no "
             "\"name=<library>\"",
             code->file);
    return -1;
}

/* "functions": library files loaded with FUNCTION LOAD before every case,
 * relative to the fixture file (an extension, see docs/fixture-format.md). */
static int parse_functions(fctx *c, const rl_json *v)
{
    if (v->type != RL_JSON_ARRAY)
        return ferr(c, v, "\"functions\" must be an array of library files, not %s",
                    rl_json_type_name(v));
    rl_fixture *f = c->f;
    f->functions = rl_calloc(v->count ? v->count : 1, sizeof(rl_function_lib));
    for (size_t i = 0; i < v->count; i++) {
        const rl_json *s = v->items[i];
        rl_function_lib *lib = &f->functions[f->nfunctions];
        if (s->type != RL_JSON_STRING || s->len == 0 || memchr(s->str, '\0', s->len) != NULL)
            return ferr(c, s,
                        "a \"functions\" entry must be a library file name (a non-empty "
                        "string), not %s",
                        rl_json_type_name(s));
        char *path = resolve_path(c->path, s->str);
        char msg[1024];
        rl_loader_opts opts = { (const char *const *)c->include_dirs, c->ninclude_dirs };
        int rc = rl_loader_load_script(path, &opts, &lib->code, msg, sizeof(msg));
        rl_free(path);
        f->nfunctions++;
        if (rc != 0 || library_name(&lib->code, &lib->name, msg, sizeof(msg)) != 0)
            return ferr(c, s, "function library: %s", msg);
        lib->line = s->line;
        lib->col = s->col;
        for (size_t j = 0; j + 1 < f->nfunctions; j++)
            if (strcmp(f->functions[j].name, lib->name) == 0)
                return ferr(c, s, "function library: %s names library \"%s\", as %s does",
                            lib->code.file, lib->name, f->functions[j].code.file);
    }
    return 0;
}

/* "include": directories searched for %include / --- @include files,
 * relative to the fixture file (an extension, see docs/fixture-format.md). */
static int parse_include(fctx *c, const rl_json *v)
{
    if (v->type != RL_JSON_ARRAY)
        return ferr(c, v, "\"include\" must be an array of directories, not %s",
                    rl_json_type_name(v));
    c->include_dirs = rl_realloc(c->include_dirs, (v->count + c->nextra_dirs + 1) * sizeof(char *));
    for (size_t i = 0; i < v->count; i++) {
        const rl_json *d = v->items[i];
        if (d->type != RL_JSON_STRING || d->len == 0 || memchr(d->str, '\0', d->len) != NULL)
            return ferr(c, d, "an \"include\" directory must be a non-empty string");
        c->include_dirs[c->ninclude_dirs++] = resolve_path(c->path, d->str);
    }
    return 0;
}

/* The caller's directories come after the fixture's own. */
static void add_extra_dirs(fctx *c)
{
    if (c->nextra_dirs == 0) return;
    c->include_dirs =
        rl_realloc(c->include_dirs, (c->ninclude_dirs + c->nextra_dirs + 1) * sizeof(char *));
    for (size_t i = 0; i < c->nextra_dirs; i++)
        c->include_dirs[c->ninclude_dirs++] = rl_strdup(c->extra_dirs[i]);
}

static int parse_fixture(fctx *c, const rl_json *root)
{
    static const char *const allowed[] = { "redlua",        "name",      "include",
                                           "scripts",       "cases",     "timeout_ms",
                                           "lua_memory_mb", "maxmemory", "busy_threshold_ms",
                                           "functions",     NULL };
    rl_fixture *f = c->f;
    if (root->type != RL_JSON_OBJECT)
        return ferr(c, root, "a fixture must be a JSON object, not %s", rl_json_type_name(root));
    if (check_fields(c, root, "top-level", allowed,
                     "redlua, name, include, scripts, cases, timeout_ms, lua_memory_mb, "
                     "maxmemory, busy_threshold_ms, functions") != 0)
        return -1;
    int64_t file_limits[RL_CASE_LIMITS];
    if (parse_limits(c, root, file_limits) != 0) return -1;
    const rl_json *ver = rl_json_get(root, "redlua");
    if (ver == NULL)
        return ferr(c, root, "missing required field \"redlua\" (the format version, 1)");
    if (ver->type != RL_JSON_NUMBER || !ver->is_int)
        return ferr(c, ver, "\"redlua\" must be the format version 1, not %s",
                    ver->type == RL_JSON_NUMBER ? ver->str : rl_json_type_name(ver));
    if (ver->integer != 1)
        return ferr(c, ver, "unsupported format version %lld (this redlua-test reads version 1)",
                    (long long)ver->integer);
    const rl_json *name = rl_json_get(root, "name");
    if (name != NULL) {
        if (want_type(c, name, "name", RL_JSON_STRING, "a string") != 0) return -1;
        f->name = rl_memdup(name->str, name->len);
    }
    const rl_json *include = rl_json_get(root, "include");
    if (include != NULL && parse_include(c, include) != 0) return -1;
    add_extra_dirs(c);
    const rl_json *scripts = rl_json_get(root, "scripts");
    if (scripts != NULL && parse_scripts(c, scripts) != 0) return -1;
    const rl_json *functions = rl_json_get(root, "functions");
    if (functions != NULL && parse_functions(c, functions) != 0) return -1;
    const rl_json *cases = rl_json_get(root, "cases");
    if (cases == NULL) return ferr(c, root, "missing required field \"cases\"");
    if (want_type(c, cases, "cases", RL_JSON_ARRAY, "an array") != 0) return -1;
    f->cases = rl_calloc(cases->count ? cases->count : 1, sizeof(rl_case));
    f->ncases = cases->count;
    for (size_t i = 0; i < cases->count; i++) {
        if (parse_case(c, i, cases->items[i]) != 0) return -1;
        for (int j = 0; j < RL_CASE_LIMITS; j++)
            if (f->cases[i].limits[j] < 0) f->cases[i].limits[j] = file_limits[j];
    }
    return 0;
}

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    rl_loaded_script s;
    char msg[512];
    if (rl_loader_load(path, &s, msg, sizeof(msg)) != 0) {
        snprintf(err, errlen, "%s", msg);
        return NULL;
    }
    char *text = s.text;
    *len = s.len;
    s.text = NULL;
    rl_loader_clear(&s);
    return text;
}

rl_fixture *rl_fixture_load(const char *path, char *err, size_t errlen)
{
    return rl_fixture_load_with(path, NULL, 0, err, errlen);
}

rl_fixture *rl_fixture_load_with(const char *path, const char *const *include_dirs,
                                 size_t ninclude_dirs, char *err, size_t errlen)
{
    char dummy[1];
    if (err == NULL || errlen == 0) {
        err = dummy;
        errlen = sizeof(dummy);
    }
    err[0] = '\0';
    size_t len;
    char *text = read_file(path, &len, err, errlen);
    if (text == NULL) return NULL;
    char jerr[256];
    rl_json *root = rl_json_parse(text, len, jerr, sizeof(jerr));
    rl_free(text);
    if (root == NULL) {
        snprintf(err, errlen, "%s:%s", path, jerr);
        return NULL;
    }
    rl_fixture *f = rl_calloc(1, sizeof(*f));
    f->path = rl_strdup(path);
    f->root = root;
    fctx c = { path, err, errlen, f, NULL, 0, include_dirs, ninclude_dirs };
    int rc = parse_fixture(&c, root);
    for (size_t i = 0; i < c.ninclude_dirs; i++) rl_free(c.include_dirs[i]);
    rl_free(c.include_dirs);
    if (rc != 0) {
        rl_fixture_free(f);
        return NULL;
    }
    return f;
}

static void free_steps(rl_step *steps, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        rl_step *st = &steps[j];
        for (int k = 0; k < st->argc; k++) rl_free(st->argv[k]);
        rl_free(st->argv);
        rl_free(st->argvlen);
        rl_free(st->function);
        rl_free(st->error);
        free_steps(st->busy, st->nbusy);
    }
    rl_free(steps);
}

void rl_fixture_free(rl_fixture *f)
{
    if (f == NULL) return;
    for (size_t i = 0; i < f->ncases; i++) {
        rl_case *cs = &f->cases[i];
        free_steps(cs->steps, cs->nsteps);
        rl_free(cs->name);
    }
    rl_free(f->cases);
    for (size_t i = 0; i < f->nscripts; i++) {
        rl_free(f->scripts[i].name);
        rl_loader_clear(&f->scripts[i].code);
    }
    rl_free(f->scripts);
    for (size_t i = 0; i < f->nfunctions; i++) {
        rl_free(f->functions[i].name);
        rl_loader_clear(&f->functions[i].code);
    }
    rl_free(f->functions);
    rl_json_free(f->root);
    rl_free(f->name);
    rl_free(f->path);
    rl_free(f);
}

size_t rl_fixture_case_count(const rl_fixture *f)
{
    return f->ncases;
}

const char *rl_fixture_case_name(const rl_fixture *f, size_t i)
{
    return i < f->ncases ? f->cases[i].name : NULL;
}

int rl_fixture_case_uses_clock(const rl_fixture *f, size_t i)
{
    return i < f->ncases ? f->cases[i].uses_clock : 0;
}
