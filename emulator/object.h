/* Value objects and the binary-safe string type. */
#ifndef REDLUA_EMULATOR_OBJECT_H
#define REDLUA_EMULATOR_OBJECT_H

#include "server.h"

/* rl_str: buf is NUL-terminated at buf[len], except that PFADD on a corrupt
 * HyperLogLog may leave a byte there, as Redis does (t_hll.c, sparse_set);
 * never read a value as a C string. */
rl_str *rl_str_new(const char *p, size_t len);
void rl_str_free(rl_str *s);
/* Makes room for at least total bytes (plus the NUL). */
void rl_str_reserve(rl_str *s, size_t total);
void rl_str_append(rl_str *s, const char *p, size_t len);
/* Grows with zero bytes, or truncates, to exactly len. */
void rl_str_resize(rl_str *s, size_t len);

/* Objects own their ptr. rl_obj_free/rl_obj_dup dispatch on the type. */
rl_obj *rl_obj_new(rl_type type, void *ptr);
rl_obj *rl_obj_new_string(const char *p, size_t len);
void rl_obj_free(rl_obj *o);
/* Puts the bytes (p, len) in string object o in place when o has exactly
 * the size rl_obj_new_string(p, len) would have (the same allocation and
 * the same count in mem.c); 1 when done, 0 (o untouched) otherwise. */
int rl_obj_string_overwrite(rl_obj *o, const char *p, size_t len);
rl_obj *rl_obj_dup(const rl_obj *o);
/* "string", "list", "set", "zset", "hash", "stream" */
const char *rl_type_name(rl_type type);

/* Registration of per-type free/dup functions for the non-string types, so
 * each type module owns its representation. */
typedef void rl_obj_free_fn(void *ptr);
typedef void *rl_obj_dup_fn(const void *ptr);
void rl_obj_register_type(rl_type type, rl_obj_free_fn *free_fn, rl_obj_dup_fn *dup_fn);

/* An object whose value is a copy of the size bytes at value, kept in the
 * object's own block, so that a command finds the object and the first
 * fields of its value on one cache line (one miss instead of two, on a
 * cold key). The value must be movable: nothing may point into it. Its
 * type registers a clear function, which frees what the value owns but
 * not the value itself; rl_obj_free calls it and frees the block. */
rl_obj *rl_obj_new_inline(rl_type type, const void *value, size_t size);
void rl_obj_register_clear(rl_type type, rl_obj_free_fn *clear_fn);

#endif
