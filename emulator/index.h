/* A hash index over items that embed an rl_ilink, for the keyspace and the
 * member index of a sorted set.
 *
 * Lookups. Open addressing with linear probing, at most half full, each
 * slot an item's hash next to the item, so a lookup reads one line of slots
 * and then the one item whose hash matches. (uthash chains its items, up to
 * ten a bucket before it doubles, and every link is an item of its own, a
 * cache miss once the table is large.) A deletion shifts the slots after it
 * back, with no tombstones; the table shrinks at a tenth full, like Redis's
 * dicts.
 *
 * Order. The items are also in a list, the order a client sees when it walks
 * them (SCAN, KEYS, ZSCAN, RANDOMKEY...): insertion order, or under an order
 * seed (server.h, rl_order) the order of each item's rank, once
 * rl_index_apply_order has sorted the list. An item's place in that walk,
 * the cursor SCAN hands out, is rl_index_pos. */
#ifndef REDLUA_EMULATOR_INDEX_H
#define REDLUA_EMULATOR_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "redlua.h"
#include "rl_uthash.h"

/* The order of a collection Redis keeps in a hash table (the keyspace, a
 * hashtable set or hash), whose iteration order Redis does not promise.
 * Under order seed 0 its list is in insertion order (appending keeps it so);
 * under another seed (rl_emu_set_order_seed) it is sorted by each member's
 * rank, a keyed hash of its bytes, before it is iterated. See
 * rl_order_needs_sort in server.h. */
typedef struct rl_order {
    uint64_t seed; /* the seed the list is sorted for */
    int stale;     /* members were appended since it was sorted */
} rl_order;

typedef struct rl_ilink {
    struct rl_ilink *prev, *next; /* the list, NULL at its ends */
    uint64_t seq;                 /* insertion number, from 1 */
    uint64_t rank;                /* rl_order_rank, while sorted under a seed */
    uint32_t hash;
    uint32_t spare; /* the item's own: a field it would otherwise pad for */
} rl_ilink;

typedef struct {
    uint32_t hash;
    rl_ilink *link; /* NULL: empty */
} rl_islot;

typedef struct rl_index {
    rl_islot *slots; /* NULL while empty */
    size_t mask;     /* slot count - 1 */
    size_t count;
    rl_ilink *first, *last; /* kept here, so that adding an item reads no
                             * other item (the first one is often cold) */
    uint64_t next_seq;
    rl_order order;
} rl_index;

/* The item a link is embedded in. */
#define RL_ILINK_ITEM(l, type, member) ((type *)(void *)((char *)(l)-offsetof(type, member)))

/* An item's key, for comparing with the key looked up. */
typedef const char *rl_index_key_fn(const rl_ilink *l, size_t *len);

void rl_index_init(rl_index *ix);
/* Frees the slots; the items are the caller's. The index is then empty. */
void rl_index_free(rl_index *ix);

static inline uint32_t rl_index_hash(const char *key, size_t len)
{
    return rl_uthash_fn(key, len);
}

/* Adds the item of link l (not in the index) under key, last in the list. */
void rl_index_add(rl_index *ix, rl_ilink *l, const char *key, size_t len);
/* The same, for a key whose rl_index_hash is h. */
void rl_index_add_hashed(rl_index *ix, rl_ilink *l, uint32_t h);
/* Takes l out of the index and the list. */
void rl_index_remove(rl_index *ix, rl_ilink *l);

/* The probe for hash h (slots not NULL): from slot *i (h & mask to start)
 * on, the link of the first slot whose hash is h, *i left at it; NULL at
 * the empty slot that ends the run. Only the slots are read, never an
 * item. */
static inline rl_ilink *rl_index_probe(const rl_index *ix, uint32_t h, size_t *i)
{
    for (;; *i = (*i + 1) & ix->mask) {
        const rl_islot *s = &ix->slots[*i];
        if (!s->link) return NULL;
        if (s->hash == h) return s->link;
    }
}

/* Asks for the line of the slot where the probe for hash h starts. */
static inline void rl_index_prefetch(const rl_index *ix, uint32_t h)
{
    if (ix->slots) __builtin_prefetch(&ix->slots[h & ix->mask]);
}

/* Asks for the lines that adding an item with hash h will write: its slot
 * and the list's last item (the new one is linked after it). */
static inline void rl_index_prefetch_add(const rl_index *ix, uint32_t h)
{
    rl_index_prefetch(ix, h);
    if (ix->last) __builtin_prefetch(ix->last, 1);
}

/* The link of the item whose key (as keyof gives it) is key, whose
 * rl_index_hash is h; or NULL. */
static inline rl_ilink *rl_index_find_hashed(const rl_index *ix, const char *key, size_t len,
                                             uint32_t h, rl_index_key_fn *keyof)
{
    if (!ix->slots) return NULL;
    size_t i = h & ix->mask;
    for (rl_ilink *l; (l = rl_index_probe(ix, h, &i)) != NULL; i = (i + 1) & ix->mask) {
        size_t klen;
        const char *k = keyof(l, &klen);
        if (klen == len && rl_uthash_keycmp(k, key, len) == 0) return l;
    }
    return NULL;
}

/* The link of the item whose key (as keyof gives it) is key, or NULL. */
static inline rl_ilink *rl_index_find(const rl_index *ix, const char *key, size_t len,
                                      rl_index_key_fn *keyof)
{
    if (!ix->slots) return NULL;
    return rl_index_find_hashed(ix, key, len, rl_index_hash(key, len), keyof);
}

/* The item before l in the list, NULL for the first. */
static inline rl_ilink *rl_index_prev(const rl_ilink *l)
{
    return l->prev;
}

/* Sorts the list for the emulator's order seed if it is not already; 1 if
 * it sorted (places in the old order, such as a SCAN hint, are then stale). */
int rl_index_apply_order(const rl_emu *emu, rl_index *ix, rl_index_key_fn *keyof);

/* l's place in the walk of a sorted list. */
static inline uint64_t rl_index_pos(const rl_index *ix, const rl_ilink *l)
{
    return ix->order.seed ? l->rank : l->seq;
}

#endif
