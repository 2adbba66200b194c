/* The hash type's API: a field -> value map with O(1) lookup that iterates
 * in insertion order, and remembers which encoding Redis 7.0 would give it
 * (see t_hash.c for why that matters). Fields and values are binary safe.
 *
 * Ownership: an rl_hash belongs to the rl_obj that holds it (RL_TYPE_HASH),
 * and is freed with it. Pointers returned by rl_hash_get are borrowed until
 * the next change to the hash. */
#ifndef REDLUA_EMULATOR_T_HASH_H
#define REDLUA_EMULATOR_T_HASH_H

#include <stddef.h>

#include "server.h"

/* Redis 7.0.15's defaults for hash-max-listpack-entries and hash-max-listpack-value
 * (512, not the 128 of the zset limit: checked with CONFIG GET on the oracle). */
#define RL_HASH_MAX_LISTPACK_ENTRIES 512
#define RL_HASH_MAX_LISTPACK_VALUE 64

typedef struct rl_hash rl_hash;

/* A new empty hash (listpack-sized). The first call registers the hash
 * type's free/dup functions with object.c. */
rl_hash *rl_hash_new(void);
void rl_hash_free(rl_hash *h);
/* A deep copy that keeps the order and the encoding (as Redis's COPY). */
rl_hash *rl_hash_dup(const rl_hash *h);

size_t rl_hash_len(const rl_hash *h);
/* 1 while Redis would keep the hash listpack-encoded, 0 once it would have
 * converted it to a hashtable (which never converts back). */
int rl_hash_is_listpack(const rl_hash *h);

/* 1 and the value when field exists, else 0. */
int rl_hash_get(const rl_hash *h, const char *field, size_t flen, const char **val, size_t *vlen);
/* Sets field to a copy of val: an existing field keeps its place, a new one
 * goes last. Returns 1 when the field existed (an update), 0 when added. */
int rl_hash_set(rl_hash *h, const char *field, size_t flen, const char *val, size_t vlen);
/* Removes field; 1 if it existed. */
int rl_hash_delete(rl_hash *h, const char *field, size_t flen);

#endif
