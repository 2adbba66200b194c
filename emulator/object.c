#include "object.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

rl_str *rl_str_new(const char *p, size_t len)
{
    rl_str *s = rl_malloc(sizeof(*s));
    s->len = len;
    s->cap = len;
    s->buf = rl_malloc(len + 1);
    if (len) memcpy(s->buf, p, len);
    s->buf[len] = '\0';
    return s;
}

void rl_str_free(rl_str *s)
{
    if (!s) return;
    rl_free(s->buf);
    rl_free(s);
}

void rl_str_reserve(rl_str *s, size_t total)
{
    if (total <= s->cap) return;
    /* Grow geometrically below 1 MB, then by 1 MB steps, as sds does. */
    size_t cap = total < 1024 * 1024 ? total * 2 : total + 1024 * 1024;
    s->buf = rl_realloc(s->buf, cap + 1);
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
} type_ops[RL_TYPE_STREAM + 1];

void rl_obj_register_type(rl_type type, rl_obj_free_fn *free_fn, rl_obj_dup_fn *dup_fn)
{
    type_ops[type].free_fn = free_fn;
    type_ops[type].dup_fn = dup_fn;
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
    return rl_obj_new(RL_TYPE_STRING, rl_str_new(p, len));
}

void rl_obj_free(rl_obj *o)
{
    if (!o) return;
    if (o->type == RL_TYPE_STRING) {
        rl_str_free(o->ptr);
    } else if (type_ops[o->type].free_fn) {
        type_ops[o->type].free_fn(o->ptr);
    } else {
        abort(); /* a type without registered ops can never be created */
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
