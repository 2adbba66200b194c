/* uthash, with its allocator routed through mem.c. Include this, never
 * <uthash.h> directly. */
#ifndef REDLUA_EMULATOR_RL_UTHASH_H
#define REDLUA_EMULATOR_RL_UTHASH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define uthash_malloc(sz) rl_malloc(sz)
#define uthash_free(ptr, sz) rl_free(ptr)
#define uthash_fatal(msg) (fprintf(stderr, "redlua: %s\n", msg), abort())
#define HASH_NONFATAL_OOM 0

/* uthash's default hash (Bob Jenkins's, twelve bytes a round) was most of
 * the cost of a keyspace lookup. This one reads eight bytes at a time and mixes the result with murmur3's
 * finaliser, whose low bits (the bucket index) depend on every input bit.
 * Only the bucket a key falls in changes: every table iterates in its own
 * application order (hh.next), never by bucket. */
static inline unsigned rl_uthash_fn(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)len;
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
    }
    uint64_t t = 0;
    switch (len) {
    case 7: t |= (uint64_t)p[6] << 48; /* fall through */
    case 6: t |= (uint64_t)p[5] << 40; /* fall through */
    case 5: t |= (uint64_t)p[4] << 32; /* fall through */
    case 4: t |= (uint64_t)p[3] << 24; /* fall through */
    case 3: t |= (uint64_t)p[2] << 16; /* fall through */
    case 2: t |= (uint64_t)p[1] << 8;  /* fall through */
    case 1: t |= (uint64_t)p[0];
    }
    h = (h ^ t) * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (unsigned)h;
}
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = rl_uthash_fn((keyptr), (size_t)(keylen)))

#include <uthash.h>

#endif
