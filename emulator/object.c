#include "object.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* A string's first buffer lives in the same allocation, right after the
 * rl_str (and a string object's rl_str right after its rl_obj): one malloc
 * and one free per value instead of three. A buffer that has to grow moves
 * to an allocation of its own; buf then no longer points at the inline
 * bytes, which is how the free functions tell the two apart. */
_Static_assert(sizeof(rl_obj) % _Alignof(rl_str) == 0, "an rl_str can follow an rl_obj");

static char *inline_buf(const rl_str *s)
{
    return (char *)(s + 1);
}

static void str_init(rl_str *s, const char *p, size_t len)
{
    s->len = len;
    s->cap = len;
    s->buf = inline_buf(s);
    if (len) memcpy(s->buf, p, len);
    s->buf[len] = '\0';
}

/* Frees the buffer of s when it is not the inline one. */
static void str_free_buf(rl_str *s)
{
    if (s->buf != inline_buf(s)) rl_free(s->buf);
}

rl_str *rl_str_new(const char *p, size_t len)
{
    rl_str *s = rl_malloc(sizeof(*s) + len + 1);
    str_init(s, p, len);
    return s;
}

void rl_str_free(rl_str *s)
{
    if (!s) return;
    str_free_buf(s);
    rl_free(s);
}

void rl_str_reserve(rl_str *s, size_t total)
{
    if (total <= s->cap) return;
    /* Grow geometrically below 1 MB, then by 1 MB steps, as sds does. */
    size_t cap = total < 1024 * 1024 ? total * 2 : total + 1024 * 1024;
    if (s->buf == inline_buf(s)) {
        /* All cap + 1 bytes, as realloc would keep them (t_hll.c may have
         * left one past len). */
        char *buf = rl_malloc(cap + 1);
        memcpy(buf, s->buf, s->cap + 1);
        s->buf = buf;
    } else {
        s->buf = rl_realloc(s->buf, cap + 1);
    }
    s->cap = cap;
}

void rl_str_append(rl_str *s, const char *p, size_t len)
{
    rl_str_reserve(s, s->len + len);
    if (len) memcpy(s->buf + s->len, p, len);
    s->len += len;
    s->buf[s->len] = '\0';
}

void rl_str_resize(rl_str *s, size_t len)
{
    if (len > s->len) {
        rl_str_reserve(s, len);
        memset(s->buf + s->len, 0, len - s->len);
    }
    s->len = len;
    s->buf[len] = '\0';
}

static struct {
    rl_obj_free_fn *free_fn;
    rl_obj_dup_fn *dup_fn;
    rl_obj_free_fn *clear_fn; /* for a value inside its object's block */
} type_ops[RL_TYPE_STREAM + 1];

void rl_obj_register_type(rl_type type, rl_obj_free_fn *free_fn, rl_obj_dup_fn *dup_fn)
{
    type_ops[type].free_fn = free_fn;
    type_ops[type].dup_fn = dup_fn;
}

void rl_obj_register_clear(rl_type type, rl_obj_free_fn *clear_fn)
{
    type_ops[type].clear_fn = clear_fn;
}

/* The value of an inline object starts at the first 16-byte boundary after
 * the object header (which is 16 bytes on LP64). */
#define INLINE_OFFSET ((sizeof(rl_obj) + 15) & ~(size_t)15)

static int is_inline(const rl_obj *o)
{
    return o->ptr == (const char *)o + INLINE_OFFSET;
}

rl_obj *rl_obj_new_inline(rl_type type, const void *value, size_t size)
{
    if (!type_ops[type].clear_fn) abort(); /* registered before the first */
    rl_obj *o = rl_malloc(INLINE_OFFSET + size);
    o->type = type;
    o->ptr = (char *)o + INLINE_OFFSET;
    memcpy(o->ptr, value, size);
    return o;
}

rl_obj *rl_obj_new(rl_type type, void *ptr)
{
    rl_obj *o = rl_malloc(sizeof(*o));
    o->type = type;
    o->ptr = ptr;
    return o;
}

rl_obj *rl_obj_new_string(const char *p, size_t len)
{
    rl_obj *o = rl_malloc(sizeof(rl_obj) + sizeof(rl_str) + len + 1);
    rl_str *s = (rl_str *)(o + 1);
    str_init(s, p, len);
    o->type = RL_TYPE_STRING;
    o->ptr = s;
    return o;
}

int rl_obj_string_overwrite(rl_obj *o, const char *p, size_t len)
{
    if (o->type != RL_TYPE_STRING) return 0;
    rl_str *s = o->ptr;
    /* Only the one-block layout of rl_obj_new_string at exactly this size:
     * then the object is what rl_obj_new_string(p, len) would make, down
     * to the bytes mem.c counts. */
    if (s != (rl_str *)(o + 1) || s->buf != inline_buf(s) || s->len != len || s->cap != len)
        return 0;
    if (len) memmove(s->buf, p, len);
    s->buf[len] = '\0';
    return 1;
}

void rl_obj_free(rl_obj *o)
{
    if (!o) return;
    if (o->type == RL_TYPE_STRING) {
        rl_str *s = o->ptr;
        if (s == (rl_str *)(o + 1)) str_free_buf(s);
        else rl_str_free(s);
    } else {
        rl_obj_free_fn *fn = is_inline(o) ? type_ops[o->type].clear_fn : type_ops[o->type].free_fn;
        if (!fn) abort(); /* a type without registered ops can never be created */
        fn(o->ptr);
    }
    rl_free(o);
}

rl_obj *rl_obj_dup(const rl_obj *o)
{
    if (o->type == RL_TYPE_STRING) {
        const rl_str *s = o->ptr;
        return rl_obj_new_string(s->buf, s->len);
    }
    if (!type_ops[o->type].dup_fn) abort();
    return rl_obj_new(o->type, type_ops[o->type].dup_fn(o->ptr));
}

const char *rl_type_name(rl_type type)
{
    switch (type) {
    case RL_TYPE_STRING: return "string";
    case RL_TYPE_LIST: return "list";
    case RL_TYPE_SET: return "set";
    case RL_TYPE_ZSET: return "zset";
    case RL_TYPE_HASH: return "hash";
    case RL_TYPE_STREAM: return "stream";
    }
    return "none";
}
