#include "reply.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "server.h"
#include "util.h"

/* --- Trees ---------------------------------------------------------------- */

rl_reply *rl_reply_new(rl_reply_type type)
{
    rl_reply *r = rl_calloc(1, sizeof(*r));
    r->type = type;
    return r;
}

/* The text lives in the node's own block, right after it: one allocation
 * instead of two (rl_mem_used counts the same bytes). rl_reply_free knows
 * such a text by its address. */
rl_reply *rl_reply_new_str(rl_reply_type type, const char *s, size_t len)
{
    if (len > (size_t)-1 - sizeof(rl_reply) - 1) abort();
    rl_reply *r = rl_malloc(sizeof(*r) + len + 1);
    memset(r, 0, sizeof(*r));
    r->type = type;
    r->str = (char *)(r + 1);
    if (len) memcpy(r->str, s, len);
    r->str[len] = '\0';
    r->len = len;
    return r;
}

rl_reply *rl_reply_new_integer(long long v)
{
    rl_reply *r = rl_reply_new(RL_REPLY_INTEGER);
    r->integer = v;
    return r;
}

void rl_reply_free(rl_reply *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->elements; i++) rl_reply_free(r->element[i]);
    rl_free(r->element);
    if (r->str != (char *)(r + 1)) rl_free(r->str);
    rl_free(r);
}

void rl_reply_append_take(rl_reply *parent, rl_reply *child)
{
    /* Grow by powers of two: capacity is implied by the element count. */
    size_t n = parent->elements;
    if ((n & (n - 1)) == 0) {
        size_t cap = n ? n * 2 : 1;
        parent->element = rl_realloc(parent->element, cap * sizeof(*parent->element));
    }
    parent->element[parent->elements++] = child;
}

rl_reply *rl_reply_dup(const rl_reply *r)
{
    rl_reply *d = rl_reply_new(r->type);
    d->integer = r->integer;
    d->dval = r->dval;
    memcpy(d->vtype, r->vtype, sizeof(d->vtype));
    if (r->str) {
        d->str = rl_memdup(r->str, r->len);
        d->len = r->len;
    }
    for (size_t i = 0; i < r->elements; i++) rl_reply_append_take(d, rl_reply_dup(r->element[i]));
    return d;
}

int rl_reply_equal(const rl_reply *a, const rl_reply *b)
{
    if (a->type != b->type || a->integer != b->integer || a->len != b->len ||
        a->elements != b->elements)
        return 0;
    if (a->len && memcmp(a->str, b->str, a->len) != 0) return 0;
    if (a->type == RL_REPLY_VERB && memcmp(a->vtype, b->vtype, 3) != 0) return 0;
    for (size_t i = 0; i < a->elements; i++)
        if (!rl_reply_equal(a->element[i], b->element[i])) return 0;
    return 1;
}

/* --- Builders ----------------------------------------------------------- */

static int is_aggregate(rl_reply_type t)
{
    return t == RL_REPLY_ARRAY || t == RL_REPLY_MAP || t == RL_REPLY_SET || t == RL_REPLY_ATTR ||
        t == RL_REPLY_PUSH;
}

/* Hands r to c's sink, the client's whole reply (a sink is set only while
 * nothing is built); 1 when it did. */
static int to_sink(rl_client *c, const rl_reply *r)
{
    rl_reply_sink *s = c->sink;
    if (!s) return 0;
    c->sink = NULL;
    s->used = 1;
    s->put(s, r);
    return 1;
}

/* A scalar node for to_sink: nothing allocated, str borrowed. Filled in
 * place: a node built in a temporary and then copied was written in
 * unaligned pieces and read back whole, a stalled store-to-load forward
 * that cost rate_limit 3% of its time. */
static void sink_node(rl_reply *r, rl_reply_type type, const char *s, size_t len)
{
    memset(r, 0, sizeof(*r));
    r->type = type;
    r->str = (char *)s;
    r->len = len;
}

static int sink_integer(rl_client *c, rl_reply_type type, long long v)
{
    if (!c->sink) return 0;
    rl_reply r;
    sink_node(&r, type, NULL, 0);
    r.integer = v;
    return to_sink(c, &r);
}

/* Pops every aggregate on top of the stack that has all its elements. */
static void complete_up(rl_reply_builder *rb)
{
    while (rb->sp > 0) {
        long exp = rb->stack[rb->sp - 1].expected;
        if (exp < 0 || (long)rb->stack[rb->sp - 1].node->elements < exp) break;
        rb->sp--;
    }
}

static void attach(rl_client *c, rl_reply *node, long expected)
{
    rl_reply_builder *rb = &c->rb;
    c->sink = NULL; /* an aggregate, or a scalar builder without a sink path */
    if (rb->sp == 0) {
        if (rb->root) abort(); /* a handler replied twice: a bug */
        rb->root = node;
    } else {
        rl_reply_append_take(rb->stack[rb->sp - 1].node, node);
    }
    if (is_aggregate(node->type)) {
        if (rb->sp == RL_REPLY_STACK_MAX) abort();
        rb->stack[rb->sp].node = node;
        rb->stack[rb->sp].expected = expected;
        rb->sp++;
    }
    complete_up(rb);
}

void rl_add_reply_take(rl_client *c, rl_reply *r)
{
    /* A prebuilt aggregate is already complete. */
    rl_reply_builder *rb = &c->rb;
    c->sink = NULL;
    if (rb->sp == 0) {
        if (rb->root) abort();
        rb->root = r;
    } else {
        rl_reply_append_take(rb->stack[rb->sp - 1].node, r);
    }
    complete_up(rb);
}

static void add_str(rl_client *c, rl_reply_type t, const char *s, size_t len)
{
    if (c->sink) {
        rl_reply r;
        sink_node(&r, t, s, len);
        to_sink(c, &r);
        return;
    }
    attach(c, rl_reply_new_str(t, s, len), 0);
}

void rl_add_reply_status_len(rl_client *c, const char *s, size_t len)
{
    add_str(c, RL_REPLY_STATUS, s, len);
}

void rl_add_reply_status(rl_client *c, const char *s)
{
    add_str(c, RL_REPLY_STATUS, s, strlen(s));
}

void rl_add_reply_ok(rl_client *c)
{
    add_str(c, RL_REPLY_STATUS, "OK", 2);
}

void rl_add_reply_error_len(rl_client *c, const char *err, size_t len)
{
    add_str(c, RL_REPLY_ERROR, err, len);
}

void rl_add_reply_error(rl_client *c, const char *err)
{
    add_str(c, RL_REPLY_ERROR, err, strlen(err));
}

void rl_add_reply_errorf(rl_client *c, const char *fmt, ...)
{
    size_t n;
    va_list ap;
    va_start(ap, fmt);
    char *buf = rl_vasprintf(&n, fmt, ap);
    va_end(ap);
    /* As addReplyErrorFormat: trailing newlines are trimmed, and the others
     * become spaces since they would corrupt the protocol. */
    while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == '\n')) buf[--n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '\r' || buf[i] == '\n') buf[i] = ' ';
    if (c->sink) {
        rl_reply s;
        sink_node(&s, RL_REPLY_ERROR, buf, n);
        to_sink(c, &s);
        rl_free(buf);
        return;
    }
    rl_reply *r = rl_reply_new(RL_REPLY_ERROR);
    r->str = buf;
    r->len = n;
    attach(c, r, 0);
}

void rl_add_reply_long_long(rl_client *c, long long v)
{
    if (sink_integer(c, RL_REPLY_INTEGER, v)) return;
    attach(c, rl_reply_new_integer(v), 0);
}

void rl_add_reply_bulk(rl_client *c, const char *p, size_t len)
{
    add_str(c, RL_REPLY_BULK, p, len);
}

void rl_add_reply_bulk_cstr(rl_client *c, const char *s)
{
    if (!s) {
        rl_add_reply_null(c);
        return;
    }
    add_str(c, RL_REPLY_BULK, s, strlen(s));
}

void rl_add_reply_bulk_long_long(rl_client *c, long long v)
{
    char buf[RL_LONG_STR_SIZE];
    int n = rl_ll2string(buf, sizeof(buf), v);
    add_str(c, RL_REPLY_BULK, buf, (size_t)n);
}

void rl_add_reply_null(rl_client *c)
{
    if (sink_integer(c, RL_REPLY_NIL, 0)) return;
    attach(c, rl_reply_new(RL_REPLY_NIL), 0);
}

void rl_add_reply_null_array(rl_client *c)
{
    rl_reply_type t = c->resp >= 3 ? RL_REPLY_NIL : RL_REPLY_NIL_ARRAY;
    if (sink_integer(c, t, 0)) return;
    attach(c, rl_reply_new(t), 0);
}

void rl_add_reply_array_len(rl_client *c, long n)
{
    attach(c, rl_reply_new(RL_REPLY_ARRAY), n);
}

void rl_add_reply_map_len(rl_client *c, long n)
{
    attach(c, rl_reply_new(c->resp >= 3 ? RL_REPLY_MAP : RL_REPLY_ARRAY), n * 2);
}

void rl_add_reply_set_len(rl_client *c, long n)
{
    attach(c, rl_reply_new(c->resp >= 3 ? RL_REPLY_SET : RL_REPLY_ARRAY), n);
}

void rl_add_reply_double(rl_client *c, double d)
{
    char buf[RL_MAX_LONG_DOUBLE_CHARS];
    int n = rl_d2string(buf, sizeof(buf), d);
    if (c->resp >= 3) {
        if (c->sink) {
            rl_reply s;
            sink_node(&s, RL_REPLY_DOUBLE, buf, (size_t)n);
            s.dval = d;
            to_sink(c, &s);
            return;
        }
        rl_reply *r = rl_reply_new_str(RL_REPLY_DOUBLE, buf, (size_t)n);
        r->dval = d;
        attach(c, r, 0);
    } else {
        add_str(c, RL_REPLY_BULK, buf, (size_t)n);
    }
}

void rl_add_reply_bool(rl_client *c, int b)
{
    if (c->resp >= 3) {
        if (sink_integer(c, RL_REPLY_BOOL, b ? 1 : 0)) return;
        rl_reply *r = rl_reply_new(RL_REPLY_BOOL);
        r->integer = b ? 1 : 0;
        attach(c, r, 0);
    } else {
        rl_add_reply_long_long(c, b ? 1 : 0);
    }
}

void rl_add_reply_bignum(rl_client *c, const char *digits, size_t len)
{
    add_str(c, c->resp >= 3 ? RL_REPLY_BIGNUM : RL_REPLY_BULK, digits, len);
}

void rl_add_reply_verbatim(rl_client *c, const char *s, size_t len, const char *ext)
{
    if (c->resp >= 3) {
        if (c->sink) {
            rl_reply v;
            sink_node(&v, RL_REPLY_VERB, s, len);
            memcpy(v.vtype, ext, 3);
            to_sink(c, &v);
            return;
        }
        rl_reply *r = rl_reply_new_str(RL_REPLY_VERB, s, len);
        memcpy(r->vtype, ext, 3);
        r->vtype[3] = '\0';
        attach(c, r, 0);
    } else {
        add_str(c, RL_REPLY_BULK, s, len);
    }
}

void *rl_add_reply_deferred_len(rl_client *c)
{
    rl_reply *r = rl_reply_new(RL_REPLY_ARRAY);
    attach(c, r, -1);
    return r;
}

static void set_deferred(rl_client *c, void *node, rl_reply_type t, long expected)
{
    rl_reply_builder *rb = &c->rb;
    for (int i = rb->sp - 1; i >= 0; i--) {
        if (rb->stack[i].node == node) {
            rb->stack[i].node->type = t;
            rb->stack[i].expected = expected;
            complete_up(rb);
            return;
        }
    }
    abort(); /* not an open deferred reply: a bug */
}

void rl_set_deferred_array_len(rl_client *c, void *node, long n)
{
    set_deferred(c, node, RL_REPLY_ARRAY, n);
}

void rl_set_deferred_map_len(rl_client *c, void *node, long n)
{
    set_deferred(c, node, c->resp >= 3 ? RL_REPLY_MAP : RL_REPLY_ARRAY, n * 2);
}

void rl_set_deferred_set_len(rl_client *c, void *node, long n)
{
    set_deferred(c, node, c->resp >= 3 ? RL_REPLY_SET : RL_REPLY_ARRAY, n);
}

/* --- Serializer ---------------------------------------------------------- */

typedef struct outbuf {
    char *p;
    size_t len, cap;
} outbuf;

static void out_put(outbuf *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 64;
        while (cap < o->len + n + 1) cap *= 2;
        o->p = rl_realloc(o->p, cap);
        o->cap = cap;
    }
    if (n) memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void out_hdr(outbuf *o, char prefix, long long n)
{
    char buf[32];
    int k = snprintf(buf, sizeof(buf), "%c%lld\r\n", prefix, n);
    out_put(o, buf, (size_t)k);
}

static void out_line(outbuf *o, char prefix, const char *s, size_t n)
{
    out_put(o, &prefix, 1);
    out_put(o, s, n);
    out_put(o, "\r\n", 2);
}

static void serialize(outbuf *o, const rl_reply *r, int proto)
{
    switch (r->type) {
    case RL_REPLY_STATUS: out_line(o, '+', r->str, r->len); break;
    case RL_REPLY_ERROR: out_line(o, '-', r->str, r->len); break;
    case RL_REPLY_INTEGER: out_hdr(o, ':', r->integer); break;
    case RL_REPLY_BULK:
        out_hdr(o, '$', (long long)r->len);
        out_put(o, r->str, r->len);
        out_put(o, "\r\n", 2);
        break;
    case RL_REPLY_NIL:
        if (proto >= 3) out_put(o, "_\r\n", 3);
        else out_put(o, "$-1\r\n", 5);
        break;
    case RL_REPLY_NIL_ARRAY:
        if (proto >= 3) out_put(o, "_\r\n", 3);
        else out_put(o, "*-1\r\n", 5);
        break;
    case RL_REPLY_DOUBLE: out_line(o, ',', r->str, r->len); break;
    case RL_REPLY_BOOL: out_put(o, r->integer ? "#t\r\n" : "#f\r\n", 4); break;
    case RL_REPLY_BIGNUM: out_line(o, '(', r->str, r->len); break;
    case RL_REPLY_VERB:
        out_hdr(o, '=', (long long)r->len + 4);
        out_put(o, r->vtype, 3);
        out_put(o, ":", 1);
        out_put(o, r->str, r->len);
        out_put(o, "\r\n", 2);
        break;
    case RL_REPLY_ARRAY:
    case RL_REPLY_SET:
    case RL_REPLY_PUSH:
        out_hdr(o,
                r->type == RL_REPLY_ARRAY     ? '*'
                    : r->type == RL_REPLY_SET ? '~'
                                              : '>',
                (long long)r->elements);
        for (size_t i = 0; i < r->elements; i++) serialize(o, r->element[i], proto);
        break;
    case RL_REPLY_MAP:
    case RL_REPLY_ATTR:
        out_hdr(o, r->type == RL_REPLY_MAP ? '%' : '|', (long long)(r->elements / 2));
        for (size_t i = 0; i < r->elements; i++) serialize(o, r->element[i], proto);
        break;
    }
}

char *rl_reply_to_resp(const rl_reply *r, int proto, size_t *len)
{
    outbuf o = { 0 };
    serialize(&o, r, proto);
    if (!o.p) out_put(&o, "", 0);
    if (len) *len = o.len;
    return o.p;
}

/* --- Parser ----------------------------------------------------------------- */

#define PARSE_INCOMPLETE 0
#define PARSE_ERROR (-1)

/* Finds the CRLF-terminated line at buf[*pos]; returns its length or -1. */
static long find_line(const char *buf, size_t len, size_t pos)
{
    for (size_t i = pos; i + 1 < len; i++)
        if (buf[i] == '\r' && buf[i + 1] == '\n') return (long)(i - pos);
    return -1;
}

static rl_reply *parse_at(const char *buf, size_t len, size_t *pos, int *status, int depth)
{
    if (depth > 10000) {
        *status = PARSE_ERROR;
        return NULL;
    }
    if (*pos >= len) {
        *status = PARSE_INCOMPLETE;
        return NULL;
    }
    char t = buf[*pos];
    long ll = find_line(buf, len, *pos + 1);
    if (ll < 0) {
        *status = PARSE_INCOMPLETE;
        return NULL;
    }
    const char *line = buf + *pos + 1;
    size_t after = *pos + 1 + (size_t)ll + 2;
    long long n = 0;
    rl_reply *r = NULL;

    switch (t) {
    case '+':
    case '-':
    case ',':
    case '(':
        r = rl_reply_new_str(t == '+'       ? RL_REPLY_STATUS
                                 : t == '-' ? RL_REPLY_ERROR
                                 : t == ',' ? RL_REPLY_DOUBLE
                                            : RL_REPLY_BIGNUM,
                             line, (size_t)ll);
        if (t == ',') r->dval = strtod(r->str, NULL);
        *pos = after;
        return r;
    case ':':
        if (!rl_string2ll(line, (size_t)ll, &n)) break;
        *pos = after;
        return rl_reply_new_integer(n);
    case '_': *pos = after; return rl_reply_new(RL_REPLY_NIL);
    case '#':
        if (ll != 1 || (line[0] != 't' && line[0] != 'f')) break;
        r = rl_reply_new(RL_REPLY_BOOL);
        r->integer = line[0] == 't';
        *pos = after;
        return r;
    case '$':
    case '=': {
        if (!rl_string2ll(line, (size_t)ll, &n) || n < -1) break;
        if (n == -1) {
            *pos = after;
            return rl_reply_new(RL_REPLY_NIL);
        }
        if (after + (size_t)n + 2 > len) {
            *status = PARSE_INCOMPLETE;
            return NULL;
        }
        if (t == '=') {
            if (n < 4) break;
            r = rl_reply_new_str(RL_REPLY_VERB, buf + after + 4, (size_t)n - 4);
            memcpy(r->vtype, buf + after, 3);
        } else {
            r = rl_reply_new_str(RL_REPLY_BULK, buf + after, (size_t)n);
        }
        *pos = after + (size_t)n + 2;
        return r;
    }
    case '*':
    case '%':
    case '~':
    case '|':
    case '>': {
        if (!rl_string2ll(line, (size_t)ll, &n) || n < -1) break;
        if (n == -1) {
            *pos = after;
            return rl_reply_new(RL_REPLY_NIL_ARRAY);
        }
        rl_reply_type rt = t == '*' ? RL_REPLY_ARRAY
            : t == '%'              ? RL_REPLY_MAP
            : t == '~'              ? RL_REPLY_SET
            : t == '|'              ? RL_REPLY_ATTR
                                    : RL_REPLY_PUSH;
        long long count = (t == '%' || t == '|') ? n * 2 : n;
        r = rl_reply_new(rt);
        size_t p = after;
        for (long long i = 0; i < count; i++) {
            rl_reply *child = parse_at(buf, len, &p, status, depth + 1);
            if (!child) {
                rl_reply_free(r);
                return NULL;
            }
            rl_reply_append_take(r, child);
        }
        *pos = p;
        return r;
    }
    default: break;
    }
    *status = PARSE_ERROR;
    return NULL;
}

rl_reply *rl_reply_parse(const char *buf, size_t len, size_t *consumed)
{
    size_t pos = 0;
    int status = PARSE_INCOMPLETE;
    rl_reply *r = parse_at(buf, len, &pos, &status, 0);
    if (!r) {
        *consumed = status == PARSE_ERROR ? (size_t)-1 : 0;
        return NULL;
    }
    *consumed = pos;
    return r;
}
