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
static inline uint64_t rl_uthash_mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 31);
}

static inline unsigned rl_uthash_fn(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)len;
    uint64_t w;
    if (len >= 8) {
        /* Whole words, then the last eight bytes (overlapping the previous
         * word when len is not a multiple of eight): no byte-wise tail. */
        const unsigned char *last = p + len - 8;
        for (; p < last; p += 8) {
            memcpy(&w, p, 8);
            h = rl_uthash_mix(h, w);
        }
        memcpy(&w, last, 8);
    } else if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + len - 4, 4);
        w = (uint64_t)a << 32 | b;
    } else {
        w = len ? (uint64_t)p[0] | (uint64_t)p[len / 2] << 8 | (uint64_t)p[len - 1] << 16 : 0;
    }
    h = rl_uthash_mix(h, w);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (unsigned)h;
}
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = rl_uthash_fn((keyptr), (size_t)(keylen)))

/* uthash only asks whether two keys of the same length are equal: compared
 * a word at a time here, without a call to memcmp. */
static inline int rl_uthash_keycmp(const void *a, const void *b, size_t len)
{
    const unsigned char *x = a, *y = b;
    uint64_t u, v;
    if (len < 8) return len ? memcmp(x, y, len) : 0;
    for (size_t i = 0; i + 8 < len; i += 8) {
        memcpy(&u, x + i, 8);
        memcpy(&v, y + i, 8);
        if (u != v) return 1;
    }
    memcpy(&u, x + len - 8, 8);
    memcpy(&v, y + len - 8, 8);
    return u != v;
}
#define HASH_KEYCMP(a, b, n) rl_uthash_keycmp((a), (b), (size_t)(n))

#include <uthash.h>

#endif
