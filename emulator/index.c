/* The hash index of the keyspace and of sorted sets' members; see index.h. */
#include "index.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "server.h"

void rl_index_init(rl_index *ix)
{
    memset(ix, 0, sizeof(*ix));
    ix->next_seq = 1;
}

void rl_index_free(rl_index *ix)
{
    rl_free(ix->slots);
    uint64_t seq = ix->next_seq;
    rl_order order = ix->order;
    rl_index_init(ix);
    /* Keys added later keep numbering on, as Redis's cursors never reuse. */
    ix->next_seq = seq;
    ix->order = order;
}

static void place(rl_islot *slots, size_t mask, uint32_t hash, rl_ilink *l)
{
    size_t i = hash & mask;
    while (slots[i].link) i = (i + 1) & mask;
    slots[i].hash = hash;
    slots[i].link = l;
}

/* Rebuilds the slots with room for `want` items at most half full, eight
 * slots at the least. */
static void resize(rl_index *ix, size_t want)
{
    size_t cap = 8;
    while (cap < want * 2) cap *= 2;
    rl_islot *slots = rl_calloc(cap, sizeof(*slots));
    if (ix->slots) {
        for (size_t i = 0; i <= ix->mask; i++)
            if (ix->slots[i].link) place(slots, cap - 1, ix->slots[i].hash, ix->slots[i].link);
        rl_free(ix->slots);
    }
    ix->slots = slots;
    ix->mask = cap - 1;
}

void rl_index_add(rl_index *ix, rl_ilink *l, const char *key, size_t len)
{
    rl_index_add_hashed(ix, l, rl_index_hash(key, len));
}

void rl_index_add_hashed(rl_index *ix, rl_ilink *l, uint32_t h)
{
    if (!ix->slots || (ix->count + 1) * 2 > ix->mask + 1) resize(ix, ix->count + 1);
    l->hash = h;
    place(ix->slots, ix->mask, l->hash, l);
    ix->count++;
    l->seq = ix->next_seq++;
    l->next = NULL;
    l->prev = ix->last;
    if (ix->last) ix->last->next = l;
    else ix->first = l;
    ix->last = l;
    ix->order.stale = 1;
}

void rl_index_remove(rl_index *ix, rl_ilink *l)
{
    size_t mask = ix->mask, i = l->hash & mask;
    while (ix->slots[i].link != l) i = (i + 1) & mask;
    for (size_t j = (i + 1) & mask; ix->slots[j].link; j = (j + 1) & mask) {
        size_t home = ix->slots[j].hash & mask;
        /* Slot j stays unless its home is outside (i, j]: then the hole at
         * i is on its probe path, and it moves there. */
        int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (stays) continue;
        ix->slots[i] = ix->slots[j];
        i = j;
    }
    ix->slots[i].link = NULL;
    ix->count--;
    if (l->prev) l->prev->next = l->next;
    else ix->first = l->next;
    if (l->next) l->next->prev = l->prev;
    else ix->last = l->prev;
    if (ix->count == 0) {
        rl_free(ix->slots);
        ix->slots = NULL;
        ix->mask = 0;
    } else if (ix->mask + 1 > 8 && ix->count * 10 < ix->mask + 1) {
        resize(ix, ix->count);
    }
}

static int cmp_by_seq(const void *pa, const void *pb)
{
    const rl_ilink *a = *(rl_ilink *const *)pa, *b = *(rl_ilink *const *)pb;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_by_rank(const void *pa, const void *pb)
{
    const rl_ilink *a = *(rl_ilink *const *)pa, *b = *(rl_ilink *const *)pb;
    if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
    return cmp_by_seq(pa, pb);
}

int rl_index_apply_order(const rl_emu *emu, rl_index *ix, rl_index_key_fn *keyof)
{
    if (!rl_order_needs_sort(emu, &ix->order)) return 0;
    if (ix->first) {
        rl_ilink **v = rl_malloc(ix->count * sizeof(*v));
        size_t n = 0;
        for (rl_ilink *l = ix->first; l; l = l->next) {
            if (rl_emu_order_seed(emu) != 0) {
                size_t len;
                const char *key = keyof(l, &len);
                l->rank = rl_order_rank(emu, key, len);
            }
            v[n++] = l;
        }
        /* Both orders are total: ties of rank go by seq, and seq is unique. */
        qsort(v, n, sizeof(*v), rl_emu_order_seed(emu) != 0 ? cmp_by_rank : cmp_by_seq);
        for (size_t i = 0; i < n; i++) {
            v[i]->prev = i ? v[i - 1] : NULL;
            v[i]->next = i + 1 < n ? v[i + 1] : NULL;
        }
        ix->first = v[0];
        ix->last = v[n - 1];
        rl_free(v);
    }
    rl_order_sorted(emu, &ix->order);
    return 1;
}
