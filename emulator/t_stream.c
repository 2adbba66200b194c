/* The stream type: XADD and friends, consumer groups, XINFO.
 *
 * Representation. Redis 7.0 keeps a stream as a radix tree of listpacks
 * ("nodes"), each keyed by the ID of the first entry put in it (its master
 * ID). That layout is observable: approximate trimming (MAXLEN ~ / MINID ~)
 * removes whole nodes only, XINFO STREAM reports the number of nodes
 * (radix-tree-keys) and of radix tree nodes (radix-tree-nodes), and XDEL
 * leaves tombstones that keep a node alive. So the emulator keeps the same
 * nodes: a sorted array of nodes, each an array of entries (tombstones
 * included) with the live and deleted counters and the exact byte size the
 * node's listpack would have. A new node starts when the tail node holds
 * stream-node-max-entries entries or its listpack plus the new entry's
 * field and value bytes would reach stream-node-max-bytes, as in Redis. The
 * listpack size is computed from listpack's encoding rules (integers that
 * fit a string are stored as integers, the master entry holds the first
 * entry's field names, later entries with the same fields store only their
 * values). XADD appends to the tail node in O(1) amortized; lookups by ID
 * are two binary searches (node, then entry).
 *
 * radix-tree-nodes is computed from the node keys (16-byte big-endian IDs):
 * for keys of one length, Redis's rax always ends up as the canonical
 * compressed trie (inserts split chains, removals re-compress them), whose
 * node count follows from the longest common prefixes of adjacent keys.
 *
 * Consumer groups and consumers are sorted arrays (Redis's rax orders them
 * by name, bytewise), and each PEL is a treap keyed by entry ID, so pending
 * entries come out in ID order with O(log n) lookup, insert and removal.
 * A group's PEL owns the pending entries (NACKs); the consumer PELs share
 * them. Times (delivery, seen-time, idle) come from the virtual clock.
 *
 * Inside scripts XREAD/XREADGROUP with BLOCK are refused, as Redis does;
 * outside them, with nothing to serve, BLOCK answers what its timeout would,
 * at once, because no other client can add entries meanwhile. */
#include "t_stream.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "db.h"
#include "errors.h"
#include "mem.h"
#include "multi.h"
#include "object.h"
#include "reply.h"
#include "util.h"

/* --- Stream API ------------------------------------------------------------------ */

#define ID_MAX UINT64_MAX
/* The largest total of field and value bytes one entry may hold. */
#define STREAM_LISTPACK_MAX_SIZE (1ULL << 30)
/* The group's entries_read when it is unknown. */
#define ENTRIES_READ_INVALID (-1LL)
/* Entry flags, as in the listpack (only their encoded size matters). */
#define FLAG_DELETED 1
#define FLAG_SAMEFIELDS 2

static int id_cmp(const rl_stream_id *a, const rl_stream_id *b)
{
    if (a->ms != b->ms) return a->ms > b->ms ? 1 : -1;
    if (a->seq != b->seq) return a->seq > b->seq ? 1 : -1;
    return 0;
}

static int id_is_zero(const rl_stream_id *id)
{
    return id->ms == 0 && id->seq == 0;
}

/* The next ID; RL_ERR (and 0-0) past the largest. */
static int id_incr(rl_stream_id *id)
{
    if (id->seq == ID_MAX) {
        if (id->ms == ID_MAX) {
            id->ms = id->seq = 0;
            return RL_ERR;
        }
        id->ms++;
        id->seq = 0;
    } else {
        id->seq++;
    }
    return RL_OK;
}

/* The previous ID; RL_ERR (and the largest ID) before 0-0. */
static int id_decr(rl_stream_id *id)
{
    if (id->seq == 0) {
        if (id->ms == 0) {
            id->ms = id->seq = ID_MAX;
            return RL_ERR;
        }
        id->ms--;
        id->seq = ID_MAX;
    } else {
        id->seq--;
    }
    return RL_OK;
}

/* Writes "<ms>-<seq>" (at most 41 bytes with the NUL); returns the length. */
static int id_format(char *buf, size_t size, const rl_stream_id *id)
{
    return snprintf(buf, size, "%llu-%llu", (unsigned long long)id->ms,
                    (unsigned long long)id->seq);
}

/* The 16-byte big-endian form of an ID: Redis's rax key. */
static void id_encode(unsigned char *buf, const rl_stream_id *id)
{
    for (int i = 0; i < 8; i++) {
        buf[i] = (unsigned char)(id->ms >> (56 - 8 * i));
        buf[8 + i] = (unsigned char)(id->seq >> (56 - 8 * i));
    }
}

/* Listpack sizes. The bytes one element takes: its encoding plus the
 * back-length that lets listpacks be walked backwards. */
static size_t lp_backlen_size(size_t l)
{
    if (l <= 127) return 1;
    if (l < 16383) return 2;
    if (l < 2097151) return 3;
    if (l < 268435455) return 4;
    return 5;
}

static size_t lp_int_size(int64_t v)
{
    size_t enc;
    if (v >= 0 && v <= 127) enc = 1;
    else if (v >= -4096 && v <= 4095) enc = 2;
    else if (v >= -32768 && v <= 32767) enc = 3;
    else if (v >= -8388608 && v <= 8388607) enc = 4;
    else if (v >= INT32_MIN && v <= INT32_MAX) enc = 5;
    else enc = 9;
    return enc + lp_backlen_size(enc);
}

/* listpack's strict integer test (lpStringToInt64): what it accepts is
 * stored as an integer. */
static int lp_string_to_int64(const char *s, size_t len, int64_t *out)
{
    if (len == 0 || len >= 21) return 0;
    if (len == 1 && s[0] == '0') {
        *out = 0;
        return 1;
    }
    size_t i = 0;
    int negative = 0;
    if (s[0] == '-') {
        negative = 1;
        if (++i == len) return 0;
    }
    if (s[i] < '1' || s[i] > '9') return 0;
    uint64_t v = (uint64_t)(s[i++] - '0');
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    if (negative) {
        if (v > (uint64_t)INT64_MAX + 1) return 0;
        *out = (int64_t)(0 - v);
    } else {
        if (v > (uint64_t)INT64_MAX) return 0;
        *out = (int64_t)v;
    }
    return 1;
}

static size_t lp_str_size(const char *s, size_t len)
{
    int64_t v;
    if (lp_string_to_int64(s, len, &v)) return lp_int_size(v);
    size_t enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
    return enc + lp_backlen_size(enc);
}

/* An entry: its ID, flags and field-value pairs in one allocation. */
typedef struct sentry {
    rl_stream_id id;
    int deleted;
    int64_t nfields;
    rl_arg fv[]; /* 2 * nfields, pointing into the same block */
} sentry;

/* A node: what one listpack of Redis's radix tree holds. */
typedef struct snode {
    rl_stream_id master; /* the first entry's ID: the node's key */
    sentry **ents;       /* in ID order, tombstones included */
    size_t nents, cap;
    int64_t live, deleted;
    size_t lp_bytes; /* the listpack's size in bytes */
} snode;

typedef struct sconsumer sconsumer;

/* A pending entry (Redis's streamNACK). */
typedef struct snack {
    rl_stream_id id;
    int64_t delivery_time;
    uint64_t delivery_count;
    sconsumer *consumer;
} snack;

/* A PEL: a treap of NACKs keyed by ID. */
typedef struct pnode {
    snack *nack;
    uint64_t prio;
    struct pnode *left, *right;
} pnode;

typedef struct ptree {
    pnode *root;
    size_t size;
} ptree;

struct sconsumer {
    char *name;
    size_t nlen;
    int64_t seen_time;
    ptree pel; /* shares the group's NACKs */
};

typedef struct sgroup {
    char *name;
    size_t nlen;
    rl_stream_id last_id;
    long long entries_read;
    ptree pel;        /* owns its NACKs */
    sconsumer **cons; /* sorted by name */
    size_t ncons, conscap;
} sgroup;

struct rl_stream {
    snode **nodes;
    size_t nnodes, nodecap;
    uint64_t length;
    rl_stream_id last_id;
    rl_stream_id first_id;
    rl_stream_id max_deleted_id;
    uint64_t entries_added;
    sgroup **groups; /* sorted by name */
    size_t ngroups, groupcap;
};

/* --- PEL treap --- */

static uint64_t id_hash(const rl_stream_id *id)
{
    uint64_t z = id->ms * 0x9E3779B97F4A7C15ULL ^ id->seq;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static snack *ptree_find(const ptree *t, const rl_stream_id *id)
{
    const pnode *n = t->root;
    while (n) {
        int c = id_cmp(id, &n->nack->id);
        if (c == 0) return n->nack;
        n = c < 0 ? n->left : n->right;
    }
    return NULL;
}

/* The first NACK with an ID >= id, or NULL. */
static snack *ptree_lower_bound(const ptree *t, const rl_stream_id *id)
{
    const pnode *n = t->root;
    snack *best = NULL;
    while (n) {
        if (id_cmp(&n->nack->id, id) >= 0) {
            best = n->nack;
            n = n->left;
        } else {
            n = n->right;
        }
    }
    return best;
}

static snack *ptree_first(const ptree *t)
{
    const pnode *n = t->root;
    if (!n) return NULL;
    while (n->left) n = n->left;
    return n->nack;
}

static snack *ptree_last(const ptree *t)
{
    const pnode *n = t->root;
    if (!n) return NULL;
    while (n->right) n = n->right;
    return n->nack;
}

/* The NACK after id (strictly greater), or NULL. */
static snack *ptree_next(const ptree *t, const rl_stream_id *id)
{
    rl_stream_id next = *id;
    if (id_incr(&next) != RL_OK) return NULL;
    return ptree_lower_bound(t, &next);
}

static pnode *rotate_right(pnode *n)
{
    pnode *l = n->left;
    n->left = l->right;
    l->right = n;
    return l;
}

static pnode *rotate_left(pnode *n)
{
    pnode *r = n->right;
    n->right = r->left;
    r->left = n;
    return r;
}

static pnode *pnode_insert(pnode *n, pnode *add, int *inserted)
{
    if (!n) {
        *inserted = 1;
        return add;
    }
    int c = id_cmp(&add->nack->id, &n->nack->id);
    if (c == 0) return n;
    if (c < 0) {
        n->left = pnode_insert(n->left, add, inserted);
        if (n->left->prio > n->prio) n = rotate_right(n);
    } else {
        n->right = pnode_insert(n->right, add, inserted);
        if (n->right->prio > n->prio) n = rotate_left(n);
    }
    return n;
}

/* Adds nack; 0 (nothing changed) if its ID is already there. */
static int ptree_insert(ptree *t, snack *nack)
{
    pnode *add = rl_calloc(1, sizeof(*add));
    add->nack = nack;
    add->prio = id_hash(&nack->id);
    int inserted = 0;
    t->root = pnode_insert(t->root, add, &inserted);
    if (!inserted) {
        rl_free(add);
        return 0;
    }
    t->size++;
    return 1;
}

static pnode *pnode_remove(pnode *n, const rl_stream_id *id, snack **removed)
{
    if (!n) return NULL;
    int c = id_cmp(id, &n->nack->id);
    if (c < 0) {
        n->left = pnode_remove(n->left, id, removed);
    } else if (c > 0) {
        n->right = pnode_remove(n->right, id, removed);
    } else if (!n->left || !n->right) {
        pnode *child = n->left ? n->left : n->right;
        *removed = n->nack;
        rl_free(n);
        return child;
    } else if (n->left->prio > n->right->prio) {
        n = rotate_right(n);
        n->right = pnode_remove(n->right, id, removed);
    } else {
        n = rotate_left(n);
        n->left = pnode_remove(n->left, id, removed);
    }
    return n;
}

/* Removes id and returns its NACK (not freed), or NULL. */
static snack *ptree_remove(ptree *t, const rl_stream_id *id)
{
    snack *removed = NULL;
    t->root = pnode_remove(t->root, id, &removed);
    if (removed) t->size--;
    return removed;
}

static void pnode_clear(pnode *n, int free_nacks)
{
    while (n) {
        pnode_clear(n->left, free_nacks);
        pnode *right = n->right;
        if (free_nacks) rl_free(n->nack);
        rl_free(n);
        n = right;
    }
}

static void ptree_clear(ptree *t, int free_nacks)
{
    pnode_clear(t->root, free_nacks);
    t->root = NULL;
    t->size = 0;
}

/* --- Names (groups and consumers), ordered bytewise as rax keys --- */

static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* Binary search in an array of items whose first members are name/nlen;
 * returns the index of the match or of the insertion point in *pos. */
#define NAME_SEARCH(arr, n, key, klen, pos, found)                                  \
    do {                                                                            \
        size_t lo_ = 0, hi_ = (n);                                                  \
        (found) = 0;                                                                \
        while (lo_ < hi_) {                                                         \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                                    \
            int c_ = name_cmp((arr)[mid_]->name, (arr)[mid_]->nlen, (key), (klen)); \
            if (c_ == 0) {                                                          \
                lo_ = mid_;                                                         \
                (found) = 1;                                                        \
                break;                                                              \
            }                                                                       \
            if (c_ < 0) lo_ = mid_ + 1;                                             \
            else hi_ = mid_;                                                        \
        }                                                                           \
        (pos) = lo_;                                                                \
    } while (0)

static sgroup *group_find(const rl_stream *s, const char *name, size_t nlen)
{
    size_t pos;
    int found;
    NAME_SEARCH(s->groups, s->ngroups, name, nlen, pos, found);
    return found ? s->groups[pos] : NULL;
}

/* Creates a group; NULL if the name exists. */
static sgroup *group_create(rl_stream *s, const char *name, size_t nlen, const rl_stream_id *id,
                            long long entries_read)
{
    size_t pos;
    int found;
    NAME_SEARCH(s->groups, s->ngroups, name, nlen, pos, found);
    if (found) return NULL;
    sgroup *g = rl_calloc(1, sizeof(*g));
    g->name = rl_memdup(name, nlen);
    g->nlen = nlen;
    g->last_id = *id;
    g->entries_read = entries_read;
    if (s->ngroups == s->groupcap) {
        s->groupcap = s->groupcap ? s->groupcap * 2 : 4;
        s->groups = rl_realloc(s->groups, s->groupcap * sizeof(*s->groups));
    }
    memmove(s->groups + pos + 1, s->groups + pos, (s->ngroups - pos) * sizeof(*s->groups));
    s->groups[pos] = g;
    s->ngroups++;
    return g;
}

static void consumer_free(sconsumer *cons)
{
    ptree_clear(&cons->pel, 0);
    rl_free(cons->name);
    rl_free(cons);
}

static void group_free(sgroup *g)
{
    for (size_t i = 0; i < g->ncons; i++) consumer_free(g->cons[i]);
    rl_free(g->cons);
    ptree_clear(&g->pel, 1);
    rl_free(g->name);
    rl_free(g);
}

static void group_destroy(rl_stream *s, sgroup *g)
{
    size_t pos;
    int found;
    NAME_SEARCH(s->groups, s->ngroups, g->name, g->nlen, pos, found);
    if (!found) return;
    memmove(s->groups + pos, s->groups + pos + 1, (s->ngroups - pos - 1) * sizeof(*s->groups));
    s->ngroups--;
    group_free(g);
}

static sconsumer *consumer_find(const sgroup *g, const char *name, size_t nlen)
{
    size_t pos;
    int found;
    NAME_SEARCH(g->cons, g->ncons, name, nlen, pos, found);
    return found ? g->cons[pos] : NULL;
}

/* Creates a consumer seen now; NULL if the name exists. */
static sconsumer *consumer_create(sgroup *g, const char *name, size_t nlen, int64_t now)
{
    size_t pos;
    int found;
    NAME_SEARCH(g->cons, g->ncons, name, nlen, pos, found);
    if (found) return NULL;
    sconsumer *cons = rl_calloc(1, sizeof(*cons));
    cons->name = rl_memdup(name, nlen);
    cons->nlen = nlen;
    cons->seen_time = now;
    if (g->ncons == g->conscap) {
        g->conscap = g->conscap ? g->conscap * 2 : 4;
        g->cons = rl_realloc(g->cons, g->conscap * sizeof(*g->cons));
    }
    memmove(g->cons + pos + 1, g->cons + pos, (g->ncons - pos) * sizeof(*g->cons));
    g->cons[pos] = cons;
    g->ncons++;
    return cons;
}

/* Deletes a consumer and its pending entries (from the group PEL too). */
static void consumer_delete(sgroup *g, sconsumer *cons)
{
    for (snack *n = ptree_first(&cons->pel); n; n = ptree_first(&cons->pel)) {
        ptree_remove(&cons->pel, &n->id);
        ptree_remove(&g->pel, &n->id);
        rl_free(n);
    }
    size_t pos;
    int found;
    NAME_SEARCH(g->cons, g->ncons, cons->name, cons->nlen, pos, found);
    if (found) {
        memmove(g->cons + pos, g->cons + pos + 1, (g->ncons - pos - 1) * sizeof(*g->cons));
        g->ncons--;
    }
    consumer_free(cons);
}

/* Redis's streamLookupConsumer (refresh: the seen-time becomes now). */
static sconsumer *consumer_lookup(sgroup *g, const rl_arg *name, int refresh, int64_t now)
{
    sconsumer *cons = consumer_find(g, name->ptr, name->len);
    if (cons && refresh) cons->seen_time = now;
    return cons;
}

/* --- Object lifecycle --- */

static void stream_obj_free(void *ptr)
{
    rl_stream_free(ptr);
}

static void *stream_obj_dup(const void *ptr)
{
    return rl_stream_dup(ptr);
}

static pthread_once_t register_once = PTHREAD_ONCE_INIT;

static void register_type(void)
{
    rl_obj_register_type(RL_TYPE_STREAM, stream_obj_free, stream_obj_dup);
}

rl_stream *rl_stream_new(void)
{
    pthread_once(&register_once, register_type);
    return rl_calloc(1, sizeof(rl_stream));
}

static void node_free(snode *n)
{
    for (size_t i = 0; i < n->nents; i++) rl_free(n->ents[i]);
    rl_free(n->ents);
    rl_free(n);
}

void rl_stream_free(rl_stream *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->nnodes; i++) node_free(s->nodes[i]);
    rl_free(s->nodes);
    for (size_t i = 0; i < s->ngroups; i++) group_free(s->groups[i]);
    rl_free(s->groups);
    rl_free(s);
}

static sentry *entry_new(const rl_stream_id *id, const rl_arg *fv, int64_t nfields)
{
    size_t bytes = 0;
    for (int64_t i = 0; i < nfields * 2; i++) bytes += fv[i].len;
    size_t head = sizeof(sentry) + (size_t)nfields * 2 * sizeof(rl_arg);
    sentry *e = rl_malloc(head + bytes + 1);
    e->id = *id;
    e->deleted = 0;
    e->nfields = nfields;
    char *p = (char *)e + head;
    for (int64_t i = 0; i < nfields * 2; i++) {
        if (fv[i].len) memcpy(p, fv[i].ptr, fv[i].len);
        e->fv[i].ptr = p;
        e->fv[i].len = fv[i].len;
        p += fv[i].len;
    }
    return e;
}

static sentry *entry_dup(const sentry *e)
{
    sentry *d = entry_new(&e->id, e->fv, e->nfields);
    d->deleted = e->deleted;
    return d;
}

rl_stream *rl_stream_dup(const rl_stream *s)
{
    rl_stream *d = rl_stream_new();
    d->nodecap = s->nnodes;
    d->nodes = d->nodecap ? rl_malloc(d->nodecap * sizeof(*d->nodes)) : NULL;
    for (size_t i = 0; i < s->nnodes; i++) {
        const snode *n = s->nodes[i];
        snode *m = rl_calloc(1, sizeof(*m));
        *m = *n;
        m->cap = n->nents;
        m->ents = rl_malloc(m->cap * sizeof(*m->ents));
        for (size_t j = 0; j < n->nents; j++) m->ents[j] = entry_dup(n->ents[j]);
        d->nodes[i] = m;
    }
    d->nnodes = s->nnodes;
    d->length = s->length;
    d->last_id = s->last_id;
    d->first_id = s->first_id;
    d->max_deleted_id = s->max_deleted_id;
    d->entries_added = s->entries_added;
    for (size_t i = 0; i < s->ngroups; i++) {
        const sgroup *g = s->groups[i];
        sgroup *h = group_create(d, g->name, g->nlen, &g->last_id, g->entries_read);
        for (size_t j = 0; j < g->ncons; j++) {
            sconsumer *cons = consumer_create(h, g->cons[j]->name, g->cons[j]->nlen, 0);
            cons->seen_time = g->cons[j]->seen_time;
        }
        for (snack *n = ptree_first(&g->pel); n; n = ptree_next(&g->pel, &n->id)) {
            snack *copy = rl_malloc(sizeof(*copy));
            *copy = *n;
            copy->consumer =
                n->consumer ? consumer_find(h, n->consumer->name, n->consumer->nlen) : NULL;
            ptree_insert(&h->pel, copy);
            if (copy->consumer) ptree_insert(&copy->consumer->pel, copy);
        }
    }
    return d;
}

uint64_t rl_stream_len(const rl_stream *s)
{
    return s->length;
}

rl_stream_id rl_stream_last_id(const rl_stream *s)
{
    return s->last_id;
}

/* --- Finding entries --- */

/* The index of the last node whose master ID is <= id, or -1. */
static long node_index_at_or_before(const rl_stream *s, const rl_stream_id *id)
{
    size_t lo = 0, hi = s->nnodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (id_cmp(&s->nodes[mid]->master, id) <= 0) lo = mid + 1;
        else hi = mid;
    }
    return (long)lo - 1;
}

/* The index in n of the live entry with this ID, or -1. Nodes are walked
 * linearly, as Redis walks a listpack: once XSETID has moved the last ID
 * back, a node can hold a tombstone with a larger ID than the live entries
 * added after it, so a node's entries are sorted only among the live ones. */
static long entry_find_live(const snode *n, const rl_stream_id *id)
{
    for (size_t i = 0; i < n->nents; i++)
        if (!n->ents[i]->deleted && id_cmp(&n->ents[i]->id, id) == 0) return (long)i;
    return -1;
}

/* An iterator over the live entries between two IDs (both included), in
 * either direction. */
typedef struct siter {
    const rl_stream *s;
    long ni; /* node index */
    long ei; /* next entry index within the node */
    rl_stream_id start, end;
    int rev;
} siter;

static void siter_start(siter *it, const rl_stream *s, const rl_stream_id *start,
                        const rl_stream_id *end, int rev)
{
    it->s = s;
    it->rev = rev;
    it->start = start ? *start : (rl_stream_id){ 0, 0 };
    it->end = end ? *end : (rl_stream_id){ ID_MAX, ID_MAX };
    /* Start at the edge of the node that may hold the first entry in range;
     * siter_next walks its entries linearly (see entry_find_live). */
    if (!rev) {
        long ni = node_index_at_or_before(s, &it->start);
        it->ni = ni < 0 ? 0 : ni;
        it->ei = 0;
    } else {
        long ni = node_index_at_or_before(s, &it->end);
        it->ni = ni;
        if (ni >= 0) it->ei = (long)s->nodes[ni]->nents - 1;
    }
}

static sentry *siter_next(siter *it)
{
    const rl_stream *s = it->s;
    if (!it->rev) {
        while (it->ni < (long)s->nnodes) {
            const snode *n = s->nodes[it->ni];
            if (it->ei >= (long)n->nents) {
                it->ni++;
                it->ei = 0;
                continue;
            }
            sentry *e = n->ents[it->ei++];
            /* As Redis's iterator: only a live entry in range of the start
             * can end the walk, tombstones are just skipped. */
            if (e->deleted || id_cmp(&e->id, &it->start) < 0) continue;
            if (id_cmp(&e->id, &it->end) > 0) {
                it->ni = (long)s->nnodes;
                return NULL;
            }
            return e;
        }
    } else {
        while (it->ni >= 0) {
            const snode *n = s->nodes[it->ni];
            if (it->ei < 0) {
                if (--it->ni >= 0) it->ei = (long)s->nodes[it->ni]->nents - 1;
                continue;
            }
            sentry *e = n->ents[it->ei--];
            if (e->deleted || id_cmp(&e->id, &it->end) > 0) continue;
            if (id_cmp(&e->id, &it->start) < 0) {
                it->ni = -1;
                return NULL;
            }
            return e;
        }
    }
    return NULL;
}

/* The live entry with exactly this ID, or NULL. */
static sentry *stream_find(const rl_stream *s, const rl_stream_id *id)
{
    siter it;
    siter_start(&it, s, id, id, 0);
    return siter_next(&it);
}

/* The first (or last) live entry's ID; when there is none, the largest ID
 * (or 0-0), as Redis's streamGetEdgeID. */
static rl_stream_id stream_edge_id(const rl_stream *s, int first)
{
    siter it;
    siter_start(&it, s, NULL, NULL, !first);
    sentry *e = siter_next(&it);
    if (e) return e->id;
    return first ? (rl_stream_id){ ID_MAX, ID_MAX } : (rl_stream_id){ 0, 0 };
}

/* --- Changing the stream --- */

/* The listpack bytes of a new node's master entry, for these fields. */
static size_t master_entry_bytes(const rl_arg *fv, int64_t nfields)
{
    size_t bytes = 7; /* header and terminator of an empty listpack */
    bytes += lp_int_size(1) + lp_int_size(0) + lp_int_size(nfields);
    for (int64_t i = 0; i < nfields; i++) bytes += lp_str_size(fv[2 * i].ptr, fv[2 * i].len);
    return bytes + lp_int_size(0);
}

/* 1 if an entry has exactly the fields of n's master entry. */
static int same_fields_as_master(const snode *n, const rl_arg *fv, int64_t nfields)
{
    const sentry *m = n->ents[0];
    if (m->nfields != nfields) return 0;
    for (int64_t i = 0; i < nfields; i++) {
        const rl_arg *a = &m->fv[2 * i], *b = &fv[2 * i];
        if (a->len != b->len || (a->len && memcmp(a->ptr, b->ptr, a->len) != 0)) return 0;
    }
    return 1;
}

static void node_push(snode *n, sentry *e)
{
    if (n->nents == n->cap) {
        n->cap = n->cap ? n->cap * 2 : 8;
        n->ents = rl_realloc(n->ents, n->cap * sizeof(*n->ents));
    }
    n->ents[n->nents++] = e;
}

int rl_stream_append(rl_stream *s, const rl_arg *fv, int64_t nfields, const rl_stream_id *use_id,
                     int seq_given, int64_t clock_ms, rl_stream_id *added)
{
    rl_stream_id id;
    if (use_id) {
        if (seq_given) {
            id = *use_id;
        } else if (s->last_id.ms == use_id->ms) {
            if (s->last_id.seq == ID_MAX) return RL_ERR;
            id = s->last_id;
            id.seq++;
        } else {
            id = *use_id;
        }
    } else {
        uint64_t ms = clock_ms < 0 ? 0 : (uint64_t)clock_ms;
        if (ms > s->last_id.ms) {
            id.ms = ms;
            id.seq = 0;
        } else {
            id = s->last_id;
            id_incr(&id);
        }
    }
    if (id_cmp(&id, &s->last_id) <= 0) return RL_ERR;

    size_t totlen = 0;
    for (int64_t i = 0; i < nfields * 2; i++) totlen += fv[i].len;

    snode *n = s->nnodes ? s->nodes[s->nnodes - 1] : NULL;
    if (n &&
        (n->lp_bytes + totlen >= RL_STREAM_NODE_MAX_BYTES ||
         n->live + n->deleted >= RL_STREAM_NODE_MAX_ENTRIES))
        n = NULL;
    int same;
    if (!n) {
        n = rl_calloc(1, sizeof(*n));
        n->master = id;
        n->lp_bytes = master_entry_bytes(fv, nfields);
        if (s->nnodes == s->nodecap) {
            s->nodecap = s->nodecap ? s->nodecap * 2 : 4;
            s->nodes = rl_realloc(s->nodes, s->nodecap * sizeof(*s->nodes));
        }
        s->nodes[s->nnodes++] = n;
        same = 1;
    } else {
        same = same_fields_as_master(n, fv, nfields);
    }

    size_t bytes = lp_int_size(same ? FLAG_SAMEFIELDS : 0);
    bytes += lp_int_size((int64_t)(id.ms - n->master.ms));
    bytes += lp_int_size((int64_t)(id.seq - n->master.seq));
    if (!same) bytes += lp_int_size(nfields);
    for (int64_t i = 0; i < nfields; i++) {
        if (!same) bytes += lp_str_size(fv[2 * i].ptr, fv[2 * i].len);
        bytes += lp_str_size(fv[2 * i + 1].ptr, fv[2 * i + 1].len);
    }
    bytes += lp_int_size(nfields + 3 + (same ? 0 : nfields + 1));
    n->lp_bytes += bytes;
    node_push(n, entry_new(&id, fv, nfields));
    n->live++;

    s->length++;
    s->entries_added++;
    s->last_id = id;
    if (s->length == 1) s->first_id = id;
    if (added) *added = id;
    return RL_OK;
}

static void stream_remove_node(rl_stream *s, size_t ni)
{
    node_free(s->nodes[ni]);
    memmove(s->nodes + ni, s->nodes + ni + 1, (s->nnodes - ni - 1) * sizeof(*s->nodes));
    s->nnodes--;
}

/* Marks the live entry id deleted (a node left without live entries goes
 * away, tombstones and all); 1 if it existed. */
static int stream_delete(rl_stream *s, const rl_stream_id *id)
{
    long ni = node_index_at_or_before(s, id);
    if (ni < 0) return 0;
    snode *n = s->nodes[ni];
    long ei = entry_find_live(n, id);
    if (ei < 0) return 0;
    if (n->live == 1) {
        stream_remove_node(s, (size_t)ni);
    } else {
        n->ents[ei]->deleted = 1;
        n->live--;
        n->deleted++;
    }
    s->length--;
    return 1;
}

#define TRIM_NONE 0
#define TRIM_MAXLEN 1
#define TRIM_MINID 2

typedef struct trim_args {
    /* XADD only */
    rl_stream_id id;
    int id_given;
    int seq_given;
    int no_mkstream;
    /* XADD and XTRIM */
    int strategy;
    int approx;
    long long limit; /* 0: no limit */
    long long maxlen;
    rl_stream_id minid;
} trim_args;

/* Redis's streamTrim: whole nodes from the head while they can go, then
 * (exact trimming only) entries within the next node. Returns the number
 * of entries removed. */
static int64_t stream_trim(rl_stream *s, const trim_args *a)
{
    if (a->strategy == TRIM_NONE) return 0;
    int64_t deleted = 0;
    while (s->nnodes) {
        if (a->strategy == TRIM_MAXLEN && s->length <= (uint64_t)a->maxlen) break;
        snode *n = s->nodes[0];
        int64_t entries = n->live;
        if (a->limit && deleted + entries > a->limit) break;
        int remove_node;
        if (a->strategy == TRIM_MAXLEN) {
            remove_node = s->length - (uint64_t)entries >= (uint64_t)a->maxlen;
        } else {
            remove_node = id_cmp(&n->ents[n->nents - 1]->id, &a->minid) < 0;
        }
        if (remove_node) {
            s->length -= (uint64_t)entries;
            deleted += entries;
            stream_remove_node(s, 0);
            continue;
        }
        if (a->approx) break;
        int64_t from_node = 0;
        for (size_t i = 0; i < n->nents; i++) {
            sentry *e = n->ents[i];
            int stop = a->strategy == TRIM_MAXLEN ? s->length <= (uint64_t)a->maxlen
                                                  : id_cmp(&e->id, &a->minid) >= 0;
            if (stop) break;
            if (!e->deleted) {
                e->deleted = 1;
                from_node++;
                s->length--;
            }
        }
        n->live -= from_node;
        n->deleted += from_node;
        deleted += from_node;
        break;
    }
    if (s->length == 0) {
        s->first_id = (rl_stream_id){ 0, 0 };
    } else if (deleted) {
        s->first_id = stream_edge_id(s, 1);
    }
    return deleted;
}

/* Redis's radix tree node count for the node keys (see the top comment):
 * the root, every branching prefix, every child of one and every leaf. */
static long long stream_rax_nodes(const rl_stream *s)
{
    size_t n = s->nnodes;
    if (n == 0) return 1;
    unsigned char(*keys)[16] = rl_malloc(n * sizeof(*keys));
    int *lcp = rl_malloc(n * sizeof(*lcp)); /* lcp[i]: keys i-1 and i; lcp[0] = -1 */
    for (size_t i = 0; i < n; i++) {
        id_encode(keys[i], &s->nodes[i]->master);
        lcp[i] = -1;
        if (i > 0) {
            int l = 0;
            while (l < 16 && keys[i - 1][l] == keys[i][l]) l++;
            lcp[i] = l;
        }
    }
    long long count = 1; /* the root (prefix length 0) */
    for (size_t i = 0; i < n; i++) {
        /* Prefix lengths of key i first seen with it, as a bit set. */
        uint32_t depths = 1u << 16; /* the leaf */
        int below = lcp[i];
        if (i > 0) depths |= 1u << (below + 1);
        int run = 17;
        for (size_t j = i + 1; j < n; j++) {
            if (lcp[j] < run) run = lcp[j];
            if (run <= below) break;
            depths |= 1u << run;
            if (run + 1 <= 16) depths |= 1u << (run + 1);
        }
        depths &= ~1u; /* the root is counted once */
        if (below >= 0) depths &= ~((2u << below) - 1);
        count += __builtin_popcount(depths);
    }
    rl_free(keys);
    rl_free(lcp);
    return count;
}

/* Redis's streamRangeHasTombstones. */
static int range_has_tombstones(const rl_stream *s, const rl_stream_id *start,
                                const rl_stream_id *end)
{
    if (!s->length || id_is_zero(&s->max_deleted_id)) return 0;
    if (id_cmp(&s->first_id, &s->max_deleted_id) > 0) return 0;
    rl_stream_id lo = start ? *start : (rl_stream_id){ 0, 0 };
    rl_stream_id hi = end ? *end : (rl_stream_id){ ID_MAX, ID_MAX };
    return id_cmp(&lo, &s->max_deleted_id) <= 0 && id_cmp(&s->max_deleted_id, &hi) <= 0;
}

/* Redis's streamEstimateDistanceFromFirstEverEntry. */
static long long estimate_distance(const rl_stream *s, const rl_stream_id *id)
{
    if (!s->entries_added) return 0;
    if (!s->length && id_cmp(id, &s->last_id) < 1) return (long long)s->entries_added;
    int cmp_last = id_cmp(id, &s->last_id);
    if (cmp_last == 0) return (long long)s->entries_added;
    if (cmp_last > 0) return ENTRIES_READ_INVALID;
    int cmp_first = id_cmp(id, &s->first_id);
    if (id_is_zero(&s->max_deleted_id) || id_cmp(&s->max_deleted_id, &s->first_id) < 0) {
        if (cmp_first < 0) return (long long)(s->entries_added - s->length);
        if (cmp_first == 0) return (long long)(s->entries_added - s->length + 1);
    }
    return ENTRIES_READ_INVALID;
}

/* --- Stream commands ----------------------------------------------------------- */

/* 1 if a equals s ignoring case, comparing a as a C string (up to its
 * first NUL), as Redis's strcasecmp on an argument does. */
static int arg_ceq(const rl_arg *a, const char *s)
{
    const char *nul = memchr(a->ptr, '\0', a->len);
    size_t len = nul ? (size_t)(nul - a->ptr) : a->len;
    return strlen(s) == len && strncasecmp(a->ptr, s, len) == 0;
}

/* 1 if a equals s exactly, as a C string (Redis's strcmp on an argument). */
static int arg_cstr_eq(const rl_arg *a, const char *s)
{
    const char *nul = memchr(a->ptr, '\0', a->len);
    size_t len = nul ? (size_t)(nul - a->ptr) : a->len;
    return strlen(s) == len && memcmp(a->ptr, s, len) == 0;
}

/* A NUL-terminated copy of an argument, for "%s" in error formats (which
 * stop at its first NUL, as in Redis). Free with rl_free. */
static char *arg_cstr(const rl_arg *a)
{
    return rl_memdup(a->ptr, a->len);
}

/* Redis's string2ull: string2ll when it fits and is not negative, else
 * strtoull's rules (which allow leading spaces, a sign, and the largest
 * unsigned values). */
static int parse_ull(const char *s, unsigned long long *out)
{
    long long ll;
    if (rl_string2ll(s, strlen(s), &ll)) {
        if (ll < 0) return 0;
        *out = (unsigned long long)ll;
        return 1;
    }
    errno = 0;
    char *end = NULL;
    *out = strtoull(s, &end, 10);
    if (errno == EINVAL || errno == ERANGE || !(*s != '\0' && *end == '\0')) return 0;
    return 1;
}

/* Redis's streamGenericParseIDOrReply: "<ms>[-<seq>]", "-" and "+" (unless
 * strict), "<ms>-*" when seq_given is not NULL. Replies (when c is set) and
 * returns RL_ERR on an invalid ID. */
static int parse_id(rl_client *c, const rl_arg *a, rl_stream_id *id, uint64_t missing_seq,
                    int strict, int *seq_given)
{
    char buf[128];
    if (a->len > sizeof(buf) - 1) goto invalid;
    memcpy(buf, a->ptr, a->len);
    buf[a->len] = '\0';
    if (strict && (buf[0] == '-' || buf[0] == '+') && buf[1] == '\0') goto invalid;
    if (seq_given) *seq_given = 1;
    if (buf[0] == '-' && buf[1] == '\0') {
        id->ms = id->seq = 0;
        return RL_OK;
    }
    if (buf[0] == '+' && buf[1] == '\0') {
        id->ms = id->seq = ID_MAX;
        return RL_OK;
    }
    unsigned long long ms, seq;
    char *dash = strchr(buf, '-');
    if (dash) *dash = '\0';
    if (!parse_ull(buf, &ms)) goto invalid;
    if (dash) {
        if (seq_given && dash[1] == '*' && dash[2] == '\0') {
            seq = 0;
            *seq_given = 0;
        } else if (!parse_ull(dash + 1, &seq)) {
            goto invalid;
        }
    } else {
        seq = missing_seq;
    }
    id->ms = ms;
    id->seq = seq;
    return RL_OK;
invalid:
    if (c) rl_add_reply_error(c, RL_ERR_STREAM_ID_INVALID);
    return RL_ERR;
}

static int parse_strict_id(rl_client *c, const rl_arg *a, rl_stream_id *id, uint64_t missing_seq,
                           int *seq_given)
{
    return parse_id(c, a, id, missing_seq, 1, seq_given);
}

/* Redis's streamParseIntervalIDOrReply: "(" makes the bound exclusive. */
static int parse_interval_id(rl_client *c, const rl_arg *a, rl_stream_id *id, int *exclude,
                             uint64_t missing_seq)
{
    if (exclude) *exclude = a->len > 1 && a->ptr[0] == '(';
    if (exclude && *exclude) {
        rl_arg rest = { a->ptr + 1, a->len - 1 };
        return parse_strict_id(c, &rest, id, missing_seq, NULL);
    }
    return parse_id(c, a, id, missing_seq, 0, NULL);
}

/* A range's start and end arguments, with "(" and the incomplete-ID rules. */
static int parse_range(rl_client *c, const rl_arg *startarg, const rl_arg *endarg,
                       rl_stream_id *start, rl_stream_id *end)
{
    int ex;
    if (parse_interval_id(c, startarg, start, &ex, 0) != RL_OK) return RL_ERR;
    if (ex && id_incr(start) != RL_OK) {
        rl_add_reply_error(c, RL_ERR_STREAM_START_ID);
        return RL_ERR;
    }
    if (parse_interval_id(c, endarg, end, &ex, ID_MAX) != RL_OK) return RL_ERR;
    if (ex && id_decr(end) != RL_OK) {
        rl_add_reply_error(c, RL_ERR_STREAM_END_ID);
        return RL_ERR;
    }
    return RL_OK;
}

static void reply_id(rl_client *c, const rl_stream_id *id)
{
    char buf[48];
    int n = id_format(buf, sizeof(buf), id);
    rl_add_reply_bulk(c, buf, (size_t)n);
}

/* [id, [field, value, ...]] */
static void reply_entry(rl_client *c, const sentry *e)
{
    rl_add_reply_array_len(c, 2);
    reply_id(c, &e->id);
    rl_add_reply_array_len(c, (long)(e->nfields * 2));
    for (int64_t i = 0; i < e->nfields * 2; i++) rl_add_reply_bulk(c, e->fv[i].ptr, e->fv[i].len);
}

/* The stream under key, NULL when missing; *wrongtype set after replying
 * WRONGTYPE. */
static rl_stream *stream_lookup(rl_client *c, const rl_arg *key, int write, int *wrongtype)
{
    rl_obj *o = write ? rl_lookup_key_write(c, key) : rl_lookup_key_read(c, key);
    *wrongtype = 0;
    if (!o) return NULL;
    if (rl_check_type(c, o, RL_TYPE_STREAM)) {
        *wrongtype = 1;
        return NULL;
    }
    return o->ptr;
}

static int64_t now_ms(const rl_client *c)
{
    return c->emu->clock_ms;
}

#define RWR_NOACK 1
#define RWR_RAWENTRIES 2
#define RWR_HISTORY 4

/* Delivers an entry read through a group to consumer: a new or reassigned
 * PEL entry. */
static void group_deliver(rl_client *c, sgroup *g, sconsumer *cons, const rl_stream_id *id)
{
    snack *nack = ptree_find(&g->pel, id);
    if (!nack) {
        nack = rl_calloc(1, sizeof(*nack));
        nack->id = *id;
        nack->delivery_time = now_ms(c);
        nack->delivery_count = 1;
        nack->consumer = cons;
        ptree_insert(&g->pel, nack);
        ptree_insert(&cons->pel, nack);
        return;
    }
    ptree_remove(&nack->consumer->pel, id);
    nack->consumer = cons;
    nack->delivery_time = now_ms(c);
    nack->delivery_count = 1;
    ptree_insert(&cons->pel, nack);
}

/* XREADGROUP with an explicit ID: the consumer's own pending entries after
 * start, each with its entry (or a null when the entry is gone). */
static size_t reply_consumer_history(rl_client *c, const rl_stream *s, const rl_stream_id *start,
                                     size_t count, sconsumer *cons)
{
    size_t n = 0;
    for (snack *nack = ptree_lower_bound(&cons->pel, start); nack && (!count || n < count);
         nack = ptree_next(&cons->pel, &nack->id))
        n++;
    rl_add_reply_array_len(c, (long)n);
    size_t emitted = 0;
    for (snack *nack = ptree_lower_bound(&cons->pel, start); nack && emitted < n;
         nack = ptree_next(&cons->pel, &nack->id)) {
        const sentry *e = stream_find(s, &nack->id);
        if (e) {
            reply_entry(c, e);
            nack->delivery_time = now_ms(c);
            nack->delivery_count++;
        } else {
            rl_add_reply_array_len(c, 2);
            reply_id(c, &nack->id);
            rl_add_reply_null_array(c);
        }
        emitted++;
    }
    return emitted;
}

/* Redis's streamReplyWithRange: the live entries from start to end (NULL:
 * the largest ID), at most count (0: all). With a group, entries past its
 * last delivered ID move it forward and (unless NOACK) enter the PEL. */
static size_t reply_range(rl_client *c, rl_stream *s, const rl_stream_id *start,
                          const rl_stream_id *end, size_t count, int rev, sgroup *g,
                          sconsumer *cons, int flags)
{
    if (g && (flags & RWR_HISTORY)) return reply_consumer_history(c, s, start, count, cons);
    void *len = (flags & RWR_RAWENTRIES) ? NULL : rl_add_reply_deferred_len(c);
    size_t n = 0;
    siter it;
    siter_start(&it, s, start, end, rev);
    for (sentry *e = siter_next(&it); e; e = siter_next(&it)) {
        if (g && id_cmp(&e->id, &g->last_id) > 0) {
            if (g->entries_read != ENTRIES_READ_INVALID && !range_has_tombstones(s, &e->id, NULL))
                g->entries_read++;
            else if (s->entries_added) g->entries_read = estimate_distance(s, &e->id);
            g->last_id = e->id;
        }
        reply_entry(c, e);
        if (g && !(flags & RWR_NOACK)) group_deliver(c, g, cons, &e->id);
        n++;
        if (count && count == n) break;
    }
    if (len) rl_set_deferred_array_len(c, len, (long)n);
    return n;
}

/* Parses XADD's and XTRIM's options (Redis's streamParseAddOrTrimArgsOrReply);
 * returns the index of XADD's ID argument, or -1 after replying. */
static int parse_add_trim_args(rl_client *c, trim_args *a, int xadd)
{
    memset(a, 0, sizeof(*a));
    int i = 2;
    int limit_given = 0;
    for (; i < c->argc; i++) {
        int moreargs = c->argc - 1 - i;
        const rl_arg *opt = &c->argv[i];
        if (xadd && opt->len >= 1 && opt->ptr[0] == '*' && (opt->len == 1 || opt->ptr[1] == '\0'))
            break;
        int maxlen = arg_ceq(opt, "maxlen") && moreargs;
        int minid = !maxlen && arg_ceq(opt, "minid") && moreargs;
        if (maxlen || minid) {
            if (a->strategy != TRIM_NONE) {
                rl_add_reply_error(c, RL_ERR_STREAM_MAXLEN_MINID);
                return -1;
            }
            a->approx = 0;
            const rl_arg *next = &c->argv[i + 1];
            if (moreargs >= 2 && arg_cstr_eq(next, "~")) {
                a->approx = 1;
                i++;
            } else if (moreargs >= 2 && arg_cstr_eq(next, "=")) {
                i++;
            }
            if (maxlen) {
                if (rl_arg_ll_or_reply(c, &c->argv[i + 1], &a->maxlen, NULL) != RL_OK) return -1;
                if (a->maxlen < 0) {
                    rl_add_reply_error(c, RL_ERR_STREAM_MAXLEN_NEGATIVE);
                    return -1;
                }
            } else if (parse_strict_id(c, &c->argv[i + 1], &a->minid, 0, NULL) != RL_OK) {
                return -1;
            }
            i++;
            a->strategy = maxlen ? TRIM_MAXLEN : TRIM_MINID;
        } else if (arg_ceq(opt, "limit") && moreargs) {
            if (rl_arg_ll_or_reply(c, &c->argv[i + 1], &a->limit, NULL) != RL_OK) return -1;
            if (a->limit < 0) {
                rl_add_reply_error(c, RL_ERR_STREAM_LIMIT_NEGATIVE);
                return -1;
            }
            limit_given = 1;
            i++;
        } else if (xadd && arg_ceq(opt, "nomkstream")) {
            a->no_mkstream = 1;
        } else if (xadd) {
            if (parse_strict_id(c, opt, &a->id, 0, &a->seq_given) != RL_OK) return -1;
            a->id_given = 1;
            break;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return -1;
        }
    }
    if (a->limit && a->strategy == TRIM_NONE) {
        rl_add_reply_error(c, RL_ERR_STREAM_LIMIT_NO_STRATEGY);
        return -1;
    }
    if (!xadd && a->strategy == TRIM_NONE) {
        rl_add_reply_error(c, RL_ERR_XTRIM_NO_STRATEGY);
        return -1;
    }
    if (limit_given) {
        if (!a->approx) {
            rl_add_reply_error(c, RL_ERR_STREAM_LIMIT_NO_APPROX);
            return -1;
        }
    } else if (a->approx) {
        a->limit = 100LL * RL_STREAM_NODE_MAX_ENTRIES;
    } else {
        a->limit = 0;
    }
    return i;
}

void rl_cmd_xadd(rl_client *c)
{
    trim_args a;
    int idpos = parse_add_trim_args(c, &a, 1);
    if (idpos < 0) return;
    int field_pos = idpos + 1;
    if (c->argc - field_pos < 2 || (c->argc - field_pos) % 2 == 1) {
        rl_add_reply_errorf(c, RL_ERRF_WRONG_ARITY, c->cmd->fullname);
        return;
    }
    if (a.id_given && a.seq_given && a.id.ms == 0 && a.id.seq == 0) {
        rl_add_reply_error(c, RL_ERR_XADD_ID_ZERO);
        return;
    }
    int wrongtype;
    rl_stream *s = stream_lookup(c, &c->argv[1], 1, &wrongtype);
    if (wrongtype) return;
    int created = 0;
    if (!s) {
        if (a.no_mkstream) {
            rl_add_reply_null(c);
            return;
        }
        s = rl_stream_new();
        created = 1;
    }
    if (s->last_id.ms == ID_MAX && s->last_id.seq == ID_MAX) {
        rl_add_reply_error(c, RL_ERR_STREAM_EXHAUSTED);
        return;
    }
    int64_t nfields = (c->argc - field_pos) / 2;
    size_t totlen = 0;
    for (int i = field_pos; i < c->argc; i++) totlen += c->argv[i].len;
    rl_stream_id id;
    if (totlen > STREAM_LISTPACK_MAX_SIZE) {
        rl_add_reply_error(c, RL_ERR_STREAM_TOO_LARGE);
    } else if (a.id_given && !a.seq_given && s->last_id.ms == a.id.ms && s->last_id.seq == ID_MAX) {
        /* "<ms>-*" with no sequence left: Redis fails without setting
         * errno, so its text depends on a stale errno. A real server says
         * "too large" unless an "equal or smaller" failure came just before
         * in the same batch of commands; the emulator always says the former. */
        rl_add_reply_error(c, RL_ERR_STREAM_TOO_LARGE);
    } else if (rl_stream_append(s, &c->argv[field_pos], nfields, a.id_given ? &a.id : NULL,
                                a.seq_given, now_ms(c), &id) != RL_OK) {
        rl_add_reply_error(c, RL_ERR_XADD_ID_SMALL);
    } else {
        reply_id(c, &id);
        rl_signal_modified_key(c, &c->argv[1]);
        stream_trim(s, &a);
    }
    /* Redis adds the key before appending, so a failed first XADD leaves an
     * empty stream behind (only possible with a too-large entry). */
    if (created) {
        if (s->entries_added || totlen > STREAM_LISTPACK_MAX_SIZE)
            rl_db_add(rl_client_db(c), c->argv[1].ptr, c->argv[1].len,
                      rl_obj_new(RL_TYPE_STREAM, s));
        else rl_stream_free(s);
    }
}

void rl_cmd_xlen(rl_client *c)
{
    int wrongtype;
    rl_stream *s = stream_lookup(c, &c->argv[1], 0, &wrongtype);
    if (wrongtype) return;
    rl_add_reply_long_long(c, s ? (long long)s->length : 0);
}

static void xrange_generic(rl_client *c, int rev)
{
    const rl_arg *startarg = rev ? &c->argv[3] : &c->argv[2];
    const rl_arg *endarg = rev ? &c->argv[2] : &c->argv[3];
    rl_stream_id start, end;
    if (parse_range(c, startarg, endarg, &start, &end) != RL_OK) return;
    long long count = -1;
    for (int j = 4; j < c->argc; j++) {
        if (arg_ceq(&c->argv[j], "COUNT") && c->argc - j - 1 >= 1) {
            if (rl_arg_ll_or_reply(c, &c->argv[j + 1], &count, NULL) != RL_OK) return;
            if (count < 0) count = 0;
            j++;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }
    int wrongtype;
    rl_stream *s = stream_lookup(c, &c->argv[1], 0, &wrongtype);
    if (wrongtype) return;
    if (!s) {
        rl_add_reply_array_len(c, 0);
        return;
    }
    if (count == 0) {
        rl_add_reply_null_array(c);
        return;
    }
    reply_range(c, s, &start, &end, count == -1 ? 0 : (size_t)count, rev, NULL, NULL, 0);
}

void rl_cmd_xrange(rl_client *c)
{
    xrange_generic(c, 0);
}

void rl_cmd_xrevrange(rl_client *c)
{
    xrange_generic(c, 1);
}

/* Parses argv[first..] as strict IDs; XDEL and XACK parse every ID before
 * acting on any, as Redis does. Returns an rl_malloc'd array, or NULL after
 * replying with the parse error. */
static rl_stream_id *parse_id_args(rl_client *c, int first)
{
    int n = c->argc - first;
    rl_stream_id *ids = rl_malloc((size_t)(n > 0 ? n : 1) * sizeof(*ids));
    for (int j = 0; j < n; j++) {
        if (parse_strict_id(c, &c->argv[first + j], &ids[j], 0, NULL) != RL_OK) {
            rl_free(ids);
            return NULL;
        }
    }
    return ids;
}

void rl_cmd_xdel(rl_client *c)
{
    int wrongtype;
    rl_stream *s = stream_lookup(c, &c->argv[1], 1, &wrongtype);
    if (wrongtype) return;
    if (!s) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    int nids = c->argc - 2;
    rl_stream_id *ids = parse_id_args(c, 2);
    if (!ids) return;
    long long deleted = 0;
    int first_entry = 0;
    for (int j = 0; j < nids; j++) {
        if (stream_delete(s, &ids[j])) {
            if (id_cmp(&ids[j], &s->first_id) == 0) first_entry = 1;
            if (id_cmp(&ids[j], &s->max_deleted_id) > 0) s->max_deleted_id = ids[j];
            deleted++;
        }
    }
    if (deleted) {
        if (s->length == 0) s->first_id = (rl_stream_id){ 0, 0 };
        else if (first_entry) s->first_id = stream_edge_id(s, 1);
    }
    rl_free(ids);
    if (deleted) rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_long_long(c, deleted);
}

void rl_cmd_xtrim(rl_client *c)
{
    trim_args a;
    if (parse_add_trim_args(c, &a, 0) < 0) return;
    int wrongtype;
    rl_stream *s = stream_lookup(c, &c->argv[1], 1, &wrongtype);
    if (wrongtype) return;
    long long deleted = s ? (long long)stream_trim(s, &a) : 0;
    if (deleted) rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_long_long(c, deleted);
}

/* XREAD and XREADGROUP. */
static void xread_generic(rl_client *c, int xreadgroup)
{
    long long timeout = -1, count = 0;
    int streams_arg = 0, nstreams = 0, noack = 0;
    const rl_arg *groupname = NULL, *consname = NULL;
    for (int i = 1; i < c->argc; i++) {
        int moreargs = c->argc - i - 1;
        const rl_arg *o = &c->argv[i];
        if (arg_ceq(o, "BLOCK") && moreargs) {
            if (c->flags & RL_CLIENT_SCRIPT) {
                char *name = arg_cstr(&c->argv[0]);
                rl_add_reply_errorf(c, RL_ERRF_STREAM_BLOCK_IN_SCRIPT, name);
                rl_free(name);
                return;
            }
            i++;
            if (rl_arg_ll_or_reply(c, &c->argv[i], &timeout, RL_ERR_STREAM_TIMEOUT_NOT_INTEGER) !=
                RL_OK)
                return;
            if (timeout < 0) {
                rl_add_reply_error(c, RL_ERR_TIMEOUT_NEGATIVE);
                return;
            }
        } else if (arg_ceq(o, "COUNT") && moreargs) {
            i++;
            if (rl_arg_ll_or_reply(c, &c->argv[i], &count, NULL) != RL_OK) return;
            if (count < 0) count = 0;
        } else if (arg_ceq(o, "STREAMS") && moreargs) {
            streams_arg = i + 1;
            nstreams = c->argc - streams_arg;
            if (nstreams % 2 != 0) {
                rl_add_reply_error(c, RL_ERR_XREAD_UNBALANCED);
                return;
            }
            nstreams /= 2;
            break;
        } else if (arg_ceq(o, "GROUP") && moreargs >= 2) {
            if (!xreadgroup) {
                rl_add_reply_error(c, RL_ERR_XREAD_GROUP_OPTION);
                return;
            }
            groupname = &c->argv[i + 1];
            consname = &c->argv[i + 2];
            i += 2;
        } else if (arg_ceq(o, "NOACK")) {
            if (!xreadgroup) {
                rl_add_reply_error(c, RL_ERR_XREAD_NOACK_OPTION);
                return;
            }
            noack = 1;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }
    if (streams_arg == 0) {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }
    if (xreadgroup && !groupname) {
        rl_add_reply_error(c, RL_ERR_XREADGROUP_NO_GROUP);
        return;
    }

    rl_stream_id *ids = rl_malloc((size_t)nstreams * sizeof(*ids) + 1);
    sgroup **groups = groupname ? rl_malloc((size_t)nstreams * sizeof(*groups)) : NULL;
    for (int k = 0; k < nstreams; k++) {
        const rl_arg *key = &c->argv[streams_arg + k];
        const rl_arg *idarg = &c->argv[streams_arg + nstreams + k];
        int wrongtype;
        rl_stream *s = stream_lookup(c, key, 0, &wrongtype);
        if (wrongtype) goto cleanup;
        if (groupname) {
            sgroup *g = s ? group_find(s, groupname->ptr, groupname->len) : NULL;
            if (!g) {
                char *k1 = arg_cstr(key), *g1 = arg_cstr(groupname);
                rl_add_reply_errorf(c, RL_ERRF_XREADGROUP_NOGROUP, k1, g1);
                rl_free(k1);
                rl_free(g1);
                goto cleanup;
            }
            groups[k] = g;
        }
        if (arg_cstr_eq(idarg, "$")) {
            if (xreadgroup) {
                rl_add_reply_error(c, RL_ERR_XREADGROUP_DOLLAR);
                goto cleanup;
            }
            ids[k] = s ? s->last_id : (rl_stream_id){ 0, 0 };
            continue;
        }
        if (arg_cstr_eq(idarg, ">")) {
            if (!xreadgroup) {
                rl_add_reply_error(c, RL_ERR_XREAD_GT_ID);
                goto cleanup;
            }
            ids[k] = (rl_stream_id){ ID_MAX, ID_MAX };
            continue;
        }
        if (parse_strict_id(c, idarg, &ids[k], 0, NULL) != RL_OK) goto cleanup;
    }

    /* Serve what can be served now. */
    long served = 0;
    void *top = NULL;
    for (int k = 0; k < nstreams; k++) {
        const rl_arg *key = &c->argv[streams_arg + k];
        int wrongtype;
        rl_stream *s = stream_lookup(c, key, 0, &wrongtype);
        if (!s) continue;
        rl_stream_id gt = ids[k];
        int serve = 0, history = 0;
        if (groups) {
            if (gt.ms != ID_MAX || gt.seq != ID_MAX) {
                serve = history = 1;
            } else if (s->length) {
                rl_stream_id maxid = stream_edge_id(s, 0);
                if (id_cmp(&maxid, &groups[k]->last_id) > 0) {
                    serve = 1;
                    gt = groups[k]->last_id;
                }
            }
        } else if (s->length) {
            rl_stream_id maxid = stream_edge_id(s, 0);
            if (id_cmp(&maxid, &gt) > 0) serve = 1;
        }
        if (!serve) continue;
        if (++served == 1) top = rl_add_reply_deferred_len(c);
        rl_stream_id start = gt;
        id_incr(&start);
        if (c->resp == 2) rl_add_reply_array_len(c, 2);
        rl_add_reply_bulk(c, key->ptr, key->len);
        sconsumer *cons = NULL;
        if (groups) {
            cons = consumer_lookup(groups[k], consname, 1, now_ms(c));
            if (!cons) cons = consumer_create(groups[k], consname->ptr, consname->len, now_ms(c));
        }
        int flags = (noack ? RWR_NOACK : 0) | (history ? RWR_HISTORY : 0);
        reply_range(c, s, &start, NULL, (size_t)count, 0, groups ? groups[k] : NULL, cons, flags);
    }
    if (served) {
        if (c->resp == 2) rl_set_deferred_array_len(c, top, served);
        else rl_set_deferred_map_len(c, top, served);
        goto cleanup;
    }
    /* Nothing to serve: with BLOCK no other client can add entries while
     * this one waits, so the reply is the timeout's; without it the same. */
    rl_add_reply_null_array(c);
cleanup:
    rl_free(ids);
    rl_free(groups);
}

void rl_cmd_xread(rl_client *c)
{
    xread_generic(c, 0);
}

void rl_cmd_xreadgroup(rl_client *c)
{
    xread_generic(c, 1);
}

/* addReplySubcommandSyntaxError. */
static void reply_subcommand_syntax(rl_client *c)
{
    char *sub = arg_cstr(&c->argv[1]);
    char *cmd = arg_cstr(&c->argv[0]);
    for (char *p = cmd; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    rl_add_reply_errorf(c, RL_ERRF_STREAM_SUBCOMMAND_SYNTAX, sub, cmd);
    rl_free(sub);
    rl_free(cmd);
}

/* Every XGROUP subcommand but HELP (Redis's xgroupCommand). */
static void xgroup_generic(rl_client *c)
{
    const rl_arg *opt = &c->argv[1];
    int mkstream = 0;
    long long entries_read = ENTRIES_READ_INVALID;
    rl_stream *s = NULL;
    sgroup *g = NULL;
    const rl_arg *grp = &c->argv[3];
    int is_create = arg_ceq(opt, "CREATE"), is_setid = arg_ceq(opt, "SETID");
    for (int i = 5; i < c->argc;) {
        if (is_create && arg_ceq(&c->argv[i], "MKSTREAM")) {
            mkstream = 1;
            i++;
        } else if ((is_create || is_setid) && arg_ceq(&c->argv[i], "ENTRIESREAD") &&
                   i + 1 < c->argc) {
            if (rl_arg_ll_or_reply(c, &c->argv[i + 1], &entries_read, NULL) != RL_OK) return;
            if (entries_read < 0 && entries_read != ENTRIES_READ_INVALID) {
                rl_add_reply_error(c, RL_ERR_XGROUP_ENTRIESREAD);
                return;
            }
            i += 2;
        } else {
            reply_subcommand_syntax(c);
            return;
        }
    }
    int wrongtype;
    s = stream_lookup(c, &c->argv[2], 1, &wrongtype);
    if (wrongtype) return;
    if (!mkstream) {
        if (!s) {
            rl_add_reply_error(c, RL_ERR_XGROUP_NO_KEY);
            return;
        }
        g = group_find(s, grp->ptr, grp->len);
        if (!g && (is_setid || arg_ceq(opt, "CREATECONSUMER") || arg_ceq(opt, "DELCONSUMER"))) {
            char *g1 = arg_cstr(grp), *k1 = arg_cstr(&c->argv[2]);
            rl_add_reply_errorf(c, RL_ERRF_XGROUP_NOGROUP, g1, k1);
            rl_free(g1);
            rl_free(k1);
            return;
        }
    }
    if (is_create && c->argc >= 5 && c->argc <= 8) {
        rl_stream_id id;
        if (arg_cstr_eq(&c->argv[4], "$")) {
            id = s ? s->last_id : (rl_stream_id){ 0, 0 };
        } else if (parse_strict_id(c, &c->argv[4], &id, 0, NULL) != RL_OK) {
            return;
        }
        if (!s) {
            s = rl_stream_new();
            rl_db_add(rl_client_db(c), c->argv[2].ptr, c->argv[2].len,
                      rl_obj_new(RL_TYPE_STREAM, s));
            /* The only XGROUP change Redis 7.0 signals: a stream made by
             * MKSTREAM. */
            rl_signal_modified_key(c, &c->argv[2]);
        }
        if (group_create(s, grp->ptr, grp->len, &id, entries_read)) rl_add_reply_ok(c);
        else rl_add_reply_error(c, RL_ERR_BUSYGROUP);
    } else if (is_setid && (c->argc == 5 || c->argc == 7)) {
        rl_stream_id id;
        if (arg_cstr_eq(&c->argv[4], "$")) {
            id = s->last_id;
        } else if (parse_id(c, &c->argv[4], &id, 0, 0, NULL) != RL_OK) {
            return;
        }
        g->last_id = id;
        g->entries_read = entries_read;
        rl_add_reply_ok(c);
    } else if (arg_ceq(opt, "DESTROY") && c->argc == 4) {
        if (g) group_destroy(s, g);
        rl_add_reply_long_long(c, g ? 1 : 0);
    } else if (arg_ceq(opt, "CREATECONSUMER") && c->argc == 5) {
        sconsumer *cons = consumer_create(g, c->argv[4].ptr, c->argv[4].len, now_ms(c));
        rl_add_reply_long_long(c, cons ? 1 : 0);
    } else if (arg_ceq(opt, "DELCONSUMER") && c->argc == 5) {
        long long pending = 0;
        sconsumer *cons = consumer_lookup(g, &c->argv[4], 0, 0);
        if (cons) {
            pending = (long long)cons->pel.size;
            consumer_delete(g, cons);
        }
        rl_add_reply_long_long(c, pending);
    } else {
        reply_subcommand_syntax(c);
    }
}

void rl_cmd_xgroup_create(rl_client *c)
{
    xgroup_generic(c);
}

void rl_cmd_xgroup_setid(rl_client *c)
{
    xgroup_generic(c);
}

void rl_cmd_xgroup_destroy(rl_client *c)
{
    xgroup_generic(c);
}

void rl_cmd_xgroup_createconsumer(rl_client *c)
{
    xgroup_generic(c);
}

void rl_cmd_xgroup_delconsumer(rl_client *c)
{
    xgroup_generic(c);
}

static void reply_help(rl_client *c, const char *const *lines, long n)
{
    char *cmd = arg_cstr(&c->argv[0]);
    for (char *p = cmd; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    char head[160];
    snprintf(head, sizeof(head),
             "%s <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", cmd);
    rl_free(cmd);
    rl_add_reply_array_len(c, n + 3);
    rl_add_reply_status(c, head);
    for (long i = 0; i < n; i++) rl_add_reply_status(c, lines[i]);
    rl_add_reply_status(c, "HELP");
    rl_add_reply_status(c, "    Prints this help.");
}

void rl_cmd_xgroup_help(rl_client *c)
{
    static const char *const help[] = {
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
    };
    reply_help(c, help, (long)(sizeof(help) / sizeof(help[0])));
}

void rl_cmd_xsetid(rl_client *c)
{
    rl_stream_id id, max_xdel = { 0, 0 };
    long long entries_added = -1;
    if (parse_strict_id(c, &c->argv[2], &id, 0, NULL) != RL_OK) return;
    for (int i = 3; i < c->argc;) {
        int moreargs = c->argc - 1 - i;
        if (arg_ceq(&c->argv[i], "ENTRIESADDED") && moreargs) {
            if (rl_arg_ll_or_reply(c, &c->argv[i + 1], &entries_added, NULL) != RL_OK) return;
            if (entries_added < 0) {
                rl_add_reply_error(c, RL_ERR_XSETID_ENTRIES_ADDED);
                return;
            }
            i += 2;
        } else if (arg_ceq(&c->argv[i], "MAXDELETEDID") && moreargs) {
            if (parse_strict_id(c, &c->argv[i + 1], &max_xdel, 0, NULL) != RL_OK) return;
            if (id_cmp(&id, &max_xdel) < 0) {
                rl_add_reply_error(c, RL_ERR_XSETID_SMALLER_THAN_MAXDEL);
                return;
            }
            i += 2;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }
    int wrongtype;
    rl_stream *s = stream_lookup(c, &c->argv[1], 1, &wrongtype);
    if (wrongtype) return;
    if (!s) {
        rl_add_reply_error(c, RL_ERR_NO_SUCH_KEY);
        return;
    }
    if (s->length > 0) {
        rl_stream_id maxid = stream_edge_id(s, 0);
        if (id_cmp(&id, &maxid) < 0) {
            rl_add_reply_error(c, RL_ERR_XSETID_SMALLER_THAN_TOP);
            return;
        }
        if (entries_added != -1 && s->length > (uint64_t)entries_added) {
            rl_add_reply_error(c, RL_ERR_XSETID_ENTRIES_ADDED_SMALL);
            return;
        }
    }
    s->last_id = id;
    if (entries_added != -1) s->entries_added = (uint64_t)entries_added;
    if (!id_is_zero(&max_xdel)) s->max_deleted_id = max_xdel;
    rl_add_reply_ok(c);
}

void rl_cmd_xack(rl_client *c)
{
    int wrongtype;
    rl_stream *s = stream_lookup(c, &c->argv[1], 0, &wrongtype);
    if (wrongtype) return;
    sgroup *g = s ? group_find(s, c->argv[2].ptr, c->argv[2].len) : NULL;
    if (!g) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    int nids = c->argc - 3;
    rl_stream_id *ids = parse_id_args(c, 3);
    if (!ids) return;
    long long acked = 0;
    for (int j = 0; j < nids; j++) {
        snack *nack = ptree_remove(&g->pel, &ids[j]);
        if (nack) {
            ptree_remove(&nack->consumer->pel, &ids[j]);
            rl_free(nack);
            acked++;
        }
    }
    rl_free(ids);
    rl_add_reply_long_long(c, acked);
}

/* NOGROUP for XPENDING, XCLAIM and XAUTOCLAIM. */
static void reply_nogroup(rl_client *c)
{
    char *k = arg_cstr(&c->argv[1]), *g = arg_cstr(&c->argv[2]);
    rl_add_reply_errorf(c, RL_ERRF_STREAM_NOGROUP, k, g);
    rl_free(k);
    rl_free(g);
}

void rl_cmd_xpending(rl_client *c)
{
    int justinfo = c->argc == 3;
    rl_stream_id start = { 0, 0 }, end = { 0, 0 };
    long long count = 0, minidle = 0;
    const rl_arg *consname = NULL;
    if (c->argc != 3 && (c->argc < 6 || c->argc > 9)) {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }
    if (c->argc >= 6) {
        int startidx = 3;
        if (arg_ceq(&c->argv[3], "IDLE")) {
            if (rl_arg_ll_or_reply(c, &c->argv[4], &minidle, NULL) != RL_OK) return;
            if (c->argc < 8) {
                rl_add_reply_error(c, RL_ERR_SYNTAX);
                return;
            }
            startidx += 2;
        }
        if (rl_arg_ll_or_reply(c, &c->argv[startidx + 2], &count, NULL) != RL_OK) return;
        if (count < 0) count = 0;
        if (parse_range(c, &c->argv[startidx], &c->argv[startidx + 1], &start, &end) != RL_OK)
            return;
        if (startidx + 3 < c->argc) consname = &c->argv[startidx + 3];
    }
    int wrongtype;
    rl_stream *s = stream_lookup(c, &c->argv[1], 0, &wrongtype);
    if (wrongtype) return;
    sgroup *g = s ? group_find(s, c->argv[2].ptr, c->argv[2].len) : NULL;
    if (!g) {
        reply_nogroup(c);
        return;
    }
    if (justinfo) {
        rl_add_reply_array_len(c, 4);
        rl_add_reply_long_long(c, (long long)g->pel.size);
        if (g->pel.size == 0) {
            rl_add_reply_null(c);
            rl_add_reply_null(c);
            rl_add_reply_null_array(c);
            return;
        }
        reply_id(c, &ptree_first(&g->pel)->id);
        reply_id(c, &ptree_last(&g->pel)->id);
        long n = 0;
        for (size_t i = 0; i < g->ncons; i++) n += g->cons[i]->pel.size > 0;
        rl_add_reply_array_len(c, n);
        for (size_t i = 0; i < g->ncons; i++) {
            const sconsumer *cons = g->cons[i];
            if (!cons->pel.size) continue;
            rl_add_reply_array_len(c, 2);
            rl_add_reply_bulk(c, cons->name, cons->nlen);
            rl_add_reply_bulk_long_long(c, (long long)cons->pel.size);
        }
        return;
    }
    const ptree *pel = &g->pel;
    if (consname) {
        sconsumer *cons = consumer_lookup(g, consname, 0, 0);
        if (!cons) {
            rl_add_reply_array_len(c, 0);
            return;
        }
        pel = &cons->pel;
    }
    int64_t now = now_ms(c);
    void *len = rl_add_reply_deferred_len(c);
    long n = 0;
    for (snack *nack = ptree_lower_bound(pel, &start);
         count && nack && id_cmp(&nack->id, &end) <= 0; nack = ptree_next(pel, &nack->id)) {
        if (minidle && now - nack->delivery_time < minidle) continue;
        n++;
        count--;
        rl_add_reply_array_len(c, 4);
        reply_id(c, &nack->id);
        rl_add_reply_bulk(c, nack->consumer->name, nack->consumer->nlen);
        int64_t elapsed = now - nack->delivery_time;
        rl_add_reply_long_long(c, elapsed < 0 ? 0 : elapsed);
        rl_add_reply_long_long(c, (long long)nack->delivery_count);
    }
    rl_set_deferred_array_len(c, len, n);
}

/* Moves nack to cons (the claiming consumer). */
static void nack_move(snack *nack, sconsumer *cons)
{
    if (nack->consumer == cons) return;
    if (nack->consumer) ptree_remove(&nack->consumer->pel, &nack->id);
    ptree_insert(&cons->pel, nack);
    nack->consumer = cons;
}

/* Drops a pending entry whose stream entry is gone. */
static void nack_drop(sgroup *g, snack *nack)
{
    rl_stream_id id = nack->id;
    ptree_remove(&g->pel, &id);
    if (nack->consumer) ptree_remove(&nack->consumer->pel, &id);
    rl_free(nack);
}

void rl_cmd_xclaim(rl_client *c)
{
    int wrongtype;
    rl_stream *s = stream_lookup(c, &c->argv[1], 0, &wrongtype);
    if (wrongtype) return;
    sgroup *g = s ? group_find(s, c->argv[2].ptr, c->argv[2].len) : NULL;
    if (!g) {
        reply_nogroup(c);
        return;
    }
    long long minidle;
    if (rl_arg_ll_or_reply(c, &c->argv[4], &minidle, RL_ERR_XCLAIM_MIN_IDLE) != RL_OK) return;
    if (minidle < 0) minidle = 0;
    int nids = c->argc - 5, j;
    rl_stream_id *ids = rl_malloc((size_t)nids * sizeof(*ids));
    for (j = 5; j < c->argc; j++)
        if (parse_strict_id(NULL, &c->argv[j], &ids[j - 5], 0, NULL) != RL_OK) break;
    int last_id_arg = j - 1;
    int64_t now = now_ms(c);
    long long retrycount = -1, deliverytime = -1;
    int force = 0, justid = 0;
    rl_stream_id last_id = { 0, 0 };
    for (; j < c->argc; j++) {
        int moreargs = c->argc - 1 - j;
        const rl_arg *opt = &c->argv[j];
        if (arg_ceq(opt, "FORCE")) {
            force = 1;
        } else if (arg_ceq(opt, "JUSTID")) {
            justid = 1;
        } else if (arg_ceq(opt, "IDLE") && moreargs) {
            j++;
            if (rl_arg_ll_or_reply(c, &c->argv[j], &deliverytime, RL_ERR_XCLAIM_IDLE) != RL_OK)
                goto cleanup;
            deliverytime = (long long)((uint64_t)now - (uint64_t)deliverytime);
        } else if (arg_ceq(opt, "TIME") && moreargs) {
            j++;
            if (rl_arg_ll_or_reply(c, &c->argv[j], &deliverytime, RL_ERR_XCLAIM_TIME) != RL_OK)
                goto cleanup;
        } else if (arg_ceq(opt, "RETRYCOUNT") && moreargs) {
            j++;
            if (rl_arg_ll_or_reply(c, &c->argv[j], &retrycount, RL_ERR_XCLAIM_RETRYCOUNT) != RL_OK)
                goto cleanup;
        } else if (arg_ceq(opt, "LASTID") && moreargs) {
            j++;
            if (parse_strict_id(c, &c->argv[j], &last_id, 0, NULL) != RL_OK) goto cleanup;
        } else {
            char *o = arg_cstr(opt);
            rl_add_reply_errorf(c, RL_ERRF_XCLAIM_OPTION, o);
            rl_free(o);
            goto cleanup;
        }
    }
    if (id_cmp(&last_id, &g->last_id) > 0) g->last_id = last_id;
    if (deliverytime != -1) {
        if (deliverytime < 0 || deliverytime > now) deliverytime = now;
    } else {
        deliverytime = now;
    }

    /* Claim first, then reply: the reply's length is known only at the end. */
    sconsumer *cons = NULL;
    void *len = rl_add_reply_deferred_len(c);
    long n = 0;
    for (int k = 5; k <= last_id_arg; k++) {
        rl_stream_id id = ids[k - 5];
        snack *nack = ptree_find(&g->pel, &id);
        const sentry *e = stream_find(s, &id);
        if (!e) {
            if (nack) nack_drop(g, nack);
            continue;
        }
        if (force && !nack) {
            nack = rl_calloc(1, sizeof(*nack));
            nack->id = id;
            nack->delivery_time = now;
            nack->delivery_count = 1;
            ptree_insert(&g->pel, nack);
        }
        if (!nack) continue;
        if (nack->consumer && minidle && now - nack->delivery_time < minidle) continue;
        if (!cons) {
            cons = consumer_lookup(g, &c->argv[3], 1, now);
            if (!cons) cons = consumer_create(g, c->argv[3].ptr, c->argv[3].len, now);
        }
        nack->delivery_time = deliverytime;
        if (retrycount >= 0) nack->delivery_count = (uint64_t)retrycount;
        else if (!justid) nack->delivery_count++;
        nack_move(nack, cons);
        if (justid) reply_id(c, &id);
        else reply_entry(c, e);
        n++;
    }
    rl_set_deferred_array_len(c, len, n);
cleanup:
    rl_free(ids);
}

void rl_cmd_xautoclaim(rl_client *c)
{
    long long minidle, count = 100;
    rl_stream_id start;
    int startex, justid = 0;
    if (rl_arg_ll_or_reply(c, &c->argv[4], &minidle, RL_ERR_XAUTOCLAIM_MIN_IDLE) != RL_OK) return;
    if (minidle < 0) minidle = 0;
    if (parse_interval_id(c, &c->argv[5], &start, &startex, 0) != RL_OK) return;
    if (startex && id_incr(&start) != RL_OK) {
        rl_add_reply_error(c, RL_ERR_STREAM_START_ID);
        return;
    }
    for (int j = 6; j < c->argc; j++) {
        int moreargs = c->argc - 1 - j;
        if (arg_ceq(&c->argv[j], "COUNT") && moreargs) {
            long long max_count = LONG_MAX / 16;
            if (rl_arg_ll_range_or_reply(c, &c->argv[j + 1], 1, max_count, &count,
                                         RL_ERR_XAUTOCLAIM_COUNT) != RL_OK)
                return;
            j++;
        } else if (arg_ceq(&c->argv[j], "JUSTID")) {
            justid = 1;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }
    int wrongtype;
    rl_stream *s = stream_lookup(c, &c->argv[1], 0, &wrongtype);
    if (wrongtype) return;
    sgroup *g = s ? group_find(s, c->argv[2].ptr, c->argv[2].len) : NULL;
    if (!g) {
        reply_nogroup(c);
        return;
    }
    /* Redis allocates COUNT IDs up front and fails when it cannot; on
     * x86-64 Linux that happens beyond the 47-bit user address space. */
    if ((unsigned long long)count * sizeof(rl_stream_id) >= (1ULL << 47)) {
        rl_add_reply_error(c, RL_ERR_XAUTOCLAIM_MEMORY);
        return;
    }
    long long attempts = count * 10;
    int64_t now = now_ms(c);
    sconsumer *cons = NULL;
    rl_stream_id *claimed = NULL, *deleted = NULL;
    size_t nclaimed = 0, ndeleted = 0, cap = 0;
    rl_stream_id pos = start;
    int eof = 0;
    while (attempts-- && count) {
        snack *nack = ptree_lower_bound(&g->pel, &pos);
        if (!nack) {
            eof = 1;
            break;
        }
        rl_stream_id id = nack->id;
        pos = id;
        int more = id_incr(&pos) == RL_OK;
        if (nclaimed + ndeleted == cap) {
            cap = cap ? cap * 2 : 16;
            claimed = rl_realloc(claimed, cap * sizeof(*claimed));
            deleted = rl_realloc(deleted, cap * sizeof(*deleted));
        }
        if (!stream_find(s, &id)) {
            nack_drop(g, nack);
            deleted[ndeleted++] = id;
            count--;
        } else if (!minidle || now - nack->delivery_time >= minidle) {
            if (!cons) {
                cons = consumer_lookup(g, &c->argv[3], 1, now);
                if (!cons) cons = consumer_create(g, c->argv[3].ptr, c->argv[3].len, now);
            }
            nack->delivery_time = now;
            if (!justid) nack->delivery_count++;
            nack_move(nack, cons);
            claimed[nclaimed++] = id;
            count--;
        }
        if (!more) {
            eof = 1;
            break;
        }
    }
    snack *next = eof ? NULL : ptree_lower_bound(&g->pel, &pos);
    rl_add_reply_array_len(c, 3);
    rl_stream_id endid = next ? next->id : (rl_stream_id){ 0, 0 };
    reply_id(c, &endid);
    rl_add_reply_array_len(c, (long)nclaimed);
    for (size_t i = 0; i < nclaimed; i++) {
        if (justid) reply_id(c, &claimed[i]);
        else reply_entry(c, stream_find(s, &claimed[i]));
    }
    rl_add_reply_array_len(c, (long)ndeleted);
    for (size_t i = 0; i < ndeleted; i++) reply_id(c, &deleted[i]);
    rl_free(claimed);
    rl_free(deleted);
}

/* Redis's streamReplyWithCGLag. */
static void reply_group_lag(rl_client *c, const rl_stream *s, const sgroup *g)
{
    long long lag;
    if (!s->entries_added) {
        lag = 0;
    } else if (g->entries_read != ENTRIES_READ_INVALID &&
               !range_has_tombstones(s, &g->last_id, NULL)) {
        lag = (long long)s->entries_added - g->entries_read;
    } else {
        long long read = estimate_distance(s, &g->last_id);
        if (read == ENTRIES_READ_INVALID) {
            rl_add_reply_null(c);
            return;
        }
        lag = (long long)s->entries_added - read;
    }
    rl_add_reply_long_long(c, lag);
}

static void reply_entries_read(rl_client *c, const sgroup *g)
{
    if (g->entries_read != ENTRIES_READ_INVALID) rl_add_reply_long_long(c, g->entries_read);
    else rl_add_reply_null(c);
}

/* The live-entries stream under argv[2] for XINFO, or NULL after replying. */
static rl_stream *xinfo_lookup(rl_client *c)
{
    int wrongtype;
    rl_stream *s = stream_lookup(c, &c->argv[2], 0, &wrongtype);
    if (wrongtype) return NULL;
    if (!s) rl_add_reply_error(c, RL_ERR_NO_SUCH_KEY);
    return s;
}

static void xinfo_stream_full(rl_client *c, rl_stream *s, long long count)
{
    rl_add_reply_bulk_cstr(c, "entries");
    reply_range(c, s, NULL, NULL, (size_t)count, 0, NULL, NULL, 0);
    rl_add_reply_bulk_cstr(c, "groups");
    rl_add_reply_array_len(c, (long)s->ngroups);
    for (size_t i = 0; i < s->ngroups; i++) {
        const sgroup *g = s->groups[i];
        rl_add_reply_map_len(c, 7);
        rl_add_reply_bulk_cstr(c, "name");
        rl_add_reply_bulk(c, g->name, g->nlen);
        rl_add_reply_bulk_cstr(c, "last-delivered-id");
        reply_id(c, &g->last_id);
        rl_add_reply_bulk_cstr(c, "entries-read");
        reply_entries_read(c, g);
        rl_add_reply_bulk_cstr(c, "lag");
        reply_group_lag(c, s, g);
        rl_add_reply_bulk_cstr(c, "pel-count");
        rl_add_reply_long_long(c, (long long)g->pel.size);
        rl_add_reply_bulk_cstr(c, "pending");
        size_t n = g->pel.size;
        if (count && (size_t)count < n) n = (size_t)count;
        rl_add_reply_array_len(c, (long)n);
        snack *nack = ptree_first(&g->pel);
        for (size_t k = 0; k < n; k++, nack = ptree_next(&g->pel, &nack->id)) {
            rl_add_reply_array_len(c, 4);
            reply_id(c, &nack->id);
            rl_add_reply_bulk(c, nack->consumer->name, nack->consumer->nlen);
            rl_add_reply_long_long(c, nack->delivery_time);
            rl_add_reply_long_long(c, (long long)nack->delivery_count);
        }
        rl_add_reply_bulk_cstr(c, "consumers");
        rl_add_reply_array_len(c, (long)g->ncons);
        for (size_t j = 0; j < g->ncons; j++) {
            const sconsumer *cons = g->cons[j];
            rl_add_reply_map_len(c, 4);
            rl_add_reply_bulk_cstr(c, "name");
            rl_add_reply_bulk(c, cons->name, cons->nlen);
            rl_add_reply_bulk_cstr(c, "seen-time");
            rl_add_reply_long_long(c, cons->seen_time);
            rl_add_reply_bulk_cstr(c, "pel-count");
            rl_add_reply_long_long(c, (long long)cons->pel.size);
            rl_add_reply_bulk_cstr(c, "pending");
            size_t m = cons->pel.size;
            if (count && (size_t)count < m) m = (size_t)count;
            rl_add_reply_array_len(c, (long)m);
            snack *cn = ptree_first(&cons->pel);
            for (size_t k = 0; k < m; k++, cn = ptree_next(&cons->pel, &cn->id)) {
                rl_add_reply_array_len(c, 3);
                reply_id(c, &cn->id);
                rl_add_reply_long_long(c, cn->delivery_time);
                rl_add_reply_long_long(c, (long long)cn->delivery_count);
            }
        }
    }
}

void rl_cmd_xinfo_stream(rl_client *c)
{
    rl_stream *s = xinfo_lookup(c);
    if (!s) return;
    int full = 1;
    long long count = 10;
    int optc = c->argc - 3;
    if (optc == 0) {
        full = 0;
    } else {
        if ((optc != 1 && optc != 3) || !arg_ceq(&c->argv[3], "full") ||
            (optc == 3 && !arg_ceq(&c->argv[4], "count"))) {
            reply_subcommand_syntax(c);
            return;
        }
        if (optc == 3) {
            if (rl_arg_ll_or_reply(c, &c->argv[5], &count, NULL) != RL_OK) return;
            if (count < 0) count = 10;
        }
    }
    rl_add_reply_map_len(c, full ? 9 : 10);
    rl_add_reply_bulk_cstr(c, "length");
    rl_add_reply_long_long(c, (long long)s->length);
    rl_add_reply_bulk_cstr(c, "radix-tree-keys");
    rl_add_reply_long_long(c, (long long)s->nnodes);
    rl_add_reply_bulk_cstr(c, "radix-tree-nodes");
    rl_add_reply_long_long(c, stream_rax_nodes(s));
    rl_add_reply_bulk_cstr(c, "last-generated-id");
    reply_id(c, &s->last_id);
    rl_add_reply_bulk_cstr(c, "max-deleted-entry-id");
    reply_id(c, &s->max_deleted_id);
    rl_add_reply_bulk_cstr(c, "entries-added");
    rl_add_reply_long_long(c, (long long)s->entries_added);
    rl_add_reply_bulk_cstr(c, "recorded-first-entry-id");
    reply_id(c, &s->first_id);
    if (full) {
        xinfo_stream_full(c, s, count);
        return;
    }
    rl_add_reply_bulk_cstr(c, "groups");
    rl_add_reply_long_long(c, (long long)s->ngroups);
    rl_stream_id lo = { 0, 0 }, hi = { ID_MAX, ID_MAX };
    rl_add_reply_bulk_cstr(c, "first-entry");
    if (!reply_range(c, s, &lo, &hi, 1, 0, NULL, NULL, RWR_RAWENTRIES)) rl_add_reply_null(c);
    rl_add_reply_bulk_cstr(c, "last-entry");
    if (!reply_range(c, s, &lo, &hi, 1, 1, NULL, NULL, RWR_RAWENTRIES)) rl_add_reply_null(c);
}

void rl_cmd_xinfo_groups(rl_client *c)
{
    rl_stream *s = xinfo_lookup(c);
    if (!s) return;
    rl_add_reply_array_len(c, (long)s->ngroups);
    for (size_t i = 0; i < s->ngroups; i++) {
        const sgroup *g = s->groups[i];
        rl_add_reply_map_len(c, 6);
        rl_add_reply_bulk_cstr(c, "name");
        rl_add_reply_bulk(c, g->name, g->nlen);
        rl_add_reply_bulk_cstr(c, "consumers");
        rl_add_reply_long_long(c, (long long)g->ncons);
        rl_add_reply_bulk_cstr(c, "pending");
        rl_add_reply_long_long(c, (long long)g->pel.size);
        rl_add_reply_bulk_cstr(c, "last-delivered-id");
        reply_id(c, &g->last_id);
        rl_add_reply_bulk_cstr(c, "entries-read");
        reply_entries_read(c, g);
        rl_add_reply_bulk_cstr(c, "lag");
        reply_group_lag(c, s, g);
    }
}

void rl_cmd_xinfo_consumers(rl_client *c)
{
    rl_stream *s = xinfo_lookup(c);
    if (!s) return;
    const sgroup *g = group_find(s, c->argv[3].ptr, c->argv[3].len);
    if (!g) {
        char *g1 = arg_cstr(&c->argv[3]), *k1 = arg_cstr(&c->argv[2]);
        rl_add_reply_errorf(c, RL_ERRF_XGROUP_NOGROUP, g1, k1);
        rl_free(g1);
        rl_free(k1);
        return;
    }
    int64_t now = now_ms(c);
    rl_add_reply_array_len(c, (long)g->ncons);
    for (size_t i = 0; i < g->ncons; i++) {
        const sconsumer *cons = g->cons[i];
        int64_t idle = now - cons->seen_time;
        rl_add_reply_map_len(c, 3);
        rl_add_reply_bulk_cstr(c, "name");
        rl_add_reply_bulk(c, cons->name, cons->nlen);
        rl_add_reply_bulk_cstr(c, "pending");
        rl_add_reply_long_long(c, (long long)cons->pel.size);
        rl_add_reply_bulk_cstr(c, "idle");
        rl_add_reply_long_long(c, idle < 0 ? 0 : idle);
    }
}

void rl_cmd_xinfo_help(rl_client *c)
{
    static const char *const help[] = {
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
    };
    reply_help(c, help, (long)(sizeof(help) / sizeof(help[0])));
}
