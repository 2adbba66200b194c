/* The sorted set type: ZADD and friends, ranges by rank, score and lex,
 * pops (blocking ones answer at once), ZRANDMEMBER, the union, intersection
 * and difference family, and ZSCAN.
 *
 * Representation. A B+tree with counts (so a node's rank is found on the
 * way up, O(log n)), whose leaves and separators hold copies of each key's
 * score and first 16 member bytes: a search compares within the tree's own
 * nodes, a few cache lines per level, where a skiplist (Redis's) waits on a
 * cold node at every step. Plus a member -> node index (index.h, which also
 * keeps the nodes in insertion order). Each element is one allocation
 * holding its score, its leaf and a copy of its member. Redis keeps
 * small sorted sets as listpacks, in the same score-then-member order, so
 * one representation serves every command; the encoding Redis would use is
 * still tracked (rl_zset.listpack) because it shows in three places:
 *   - ZSCAN on a listpack returns everything in one call with cursor 0, and
 *     writes integral scores as integers ("1e17" reads "100000000000000000");
 *   - a listpack stores a score of -0 as the integer 0, so ZSCORE reads "0";
 *   - COPY keeps the encoding.
 * The rules are Redis's (zset-max-listpack-entries 128, -value 64): a new key
 * is a listpack unless ZADD's first member is longer than 64 bytes; adding a
 * 129th member or one longer than 64 bytes converts it for good; the results
 * of ZUNIONSTORE and friends are listpacks when they fit; ZRANGESTORE starts
 * from the result's length.
 *
 * ZSCAN on a skiplist-encoded set (Redis's name for the encoding; redlua's
 * tree stands in for the skiplist). Redis walks a randomly seeded hash table;
 * here every node carries its insertion sequence number, the index iterates
 * in that order, and the cursor is the number of the next node to visit
 * (0 starts, a reply of 0 ends). A member present for the whole iteration is
 * returned exactly once. A resume hint (the node the last reply's cursor
 * named) makes a full iteration O(n). Under an order seed
 * (rl_emu_set_order_seed) the index is sorted by rank before ZSCAN walks it
 * (server.h, rl_order), as Redis's dict order changes per process, and the
 * cursor is the rank of the next node. */
#include "t_zset.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
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
#include "index.h"
#include "t_string.h"
#include "util.h"

/* ==========================================================================
 * Sorted set API
 * ========================================================================== */

#define ZSET_MAX_LISTPACK_ENTRIES 128
#define ZSET_MAX_LISTPACK_VALUE 64

/* The order: a B+tree with counts. Leaves hold up to ZB_LEAF elements in
 * order, inner nodes up to ZB_FAN children with the number of elements
 * under each (ranks) and a separator per child but the first, a lower
 * bound of that child's keys and above every key of the child before it.
 * Leaves and separators keep a copy of each key's score and first ZB_PFX
 * member bytes, so a search compares inside the tree's own nodes and only
 * reads an element when a longer member ties on its first ZB_PFX bytes. */
#define ZB_LEAF 16
#define ZB_FAN 16
#define ZB_PFX 16

typedef struct zs_node zs_node;
typedef struct zb_inner zb_inner;
typedef struct zb_leaf zb_leaf;

/* An element: its score and member, in the member index. */
struct zs_node {
    rl_ilink link; /* in the member index; link.spare is its place in its
                    * leaf as last known (checked before use) */
    zb_leaf *leaf; /* the leaf holding it */
    size_t len;
    double score;
};

/* The member: in the node's allocation after it, NUL-terminated. */
static inline char *node_ele(const zs_node *n)
{
    return (char *)(uintptr_t)(n + 1);
}

/* A key in the tree. In a leaf, node is the element; as a separator, full
 * is an owned copy of a member longer than ZB_PFX bytes (else NULL). */
typedef struct zb_item {
    double score;
    uint32_t len;
    unsigned char pfx[ZB_PFX]; /* the member's first bytes, zero-padded */
    union {
        zs_node *node;
        char *full;
    } u;
} zb_item;

/* The start of both kinds of tree node. */
typedef struct zb_head {
    zb_inner *parent;
    int n; /* elements (leaf) or children (inner) */
} zb_head;

struct zb_leaf {
    zb_head h;
    zb_leaf *prev, *next;
    zb_item e[ZB_LEAF + 1]; /* one over, until a split */
};

struct zb_inner {
    zb_head h;
    zb_item sep[ZB_FAN + 1]; /* sep[0] unused */
    void *child[ZB_FAN + 1];
    unsigned long count[ZB_FAN + 1]; /* elements under each child */
};

/* Movable (nothing points into it): a key's sorted set lives in its
 * object's block (rl_obj_new_inline), the fields a command reads first on
 * the object's cache line. */
struct rl_zset {
    void *root; /* a zb_leaf when height is 0, else a zb_inner; NULL when empty */
    int height;
    int listpack;
    zb_leaf *head, *tail; /* the first and last leaves (NULL when empty) */
    unsigned long length;
    /* The lowest score, read from the first leaf once min_known is set, so
     * that a score range below it (a sliding window's trim with nothing to
     * trim) is answered without that leaf. Cleared by anything that
     * changes the first leaf's first item: a stale value that is too high
     * would answer wrongly (an insertion below it); one too low (after a
     * removal) would only send searches down the tree. */
    double min_score;
    int min_known;
    rl_index index; /* member -> node (index.h), in insertion or rank order */
    /* ZSCAN resume hint: scan_node is the first node whose seq is at least
     * scan_cursor (kept right when that node is deleted); 0 means none. */
    uint64_t scan_cursor;
    zs_node *scan_node;
};

/* A score range (Redis's zrangespec). */
typedef struct {
    double min, max;
    int minex, maxex;
} zs_range;

/* One end of a lex range: "-", "+", or a member with its exclusivity. */
typedef enum { LEX_MINUS = -1, LEX_VALUE = 0, LEX_PLUS = 1 } lex_kind;

typedef struct {
    lex_kind kind;
    const char *p;
    size_t len;
    int ex;
} lex_bound;

typedef struct {
    lex_bound min, max;
} zs_lexrange;

static inline uint64_t load_be64(const unsigned char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

static int memb_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    /* memcmp's order, eight bytes a step without a call: members are
     * often short. */
    size_t n = alen < blen ? alen : blen, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x = load_be64((const unsigned char *)a + i);
        uint64_t y = load_be64((const unsigned char *)b + i);
        if (x != y) return x < y ? -1 : 1;
    }
    for (; i < n; i++)
        if (a[i] != b[i]) return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
    return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

/* The member bytes of an item of a leaf (leaf 1) or a separator. */
static inline const char *item_ele(const zb_item *it, int leaf)
{
    if (leaf) return node_ele(it->u.node);
    return it->len <= ZB_PFX ? (const char *)it->pfx : it->u.full;
}

/* What a search compares items with: a key, its member's prefix ready. */
typedef struct zb_probe {
    double score;
    size_t len;
    const char *ele;
    uint64_t p0, p1;
} zb_probe;

static void probe_init(zb_probe *p, double score, const char *ele, size_t len)
{
    unsigned char pfx[ZB_PFX] = { 0 };
    memcpy(pfx, ele, len < ZB_PFX ? len : ZB_PFX);
    p->score = score;
    p->len = len;
    p->ele = ele;
    p->p0 = load_be64(pfx);
    p->p1 = load_be64(pfx + 8);
}

/* <0, 0, >0 as the item sorts before, as, after the probe. Equal padded
 * prefixes with both members within ZB_PFX bytes mean one is a prefix of
 * the other: the shorter sorts first. */
static int item_cmp(const zb_item *it, int leaf, const zb_probe *p)
{
    if (it->score != p->score) return it->score < p->score ? -1 : 1;
    uint64_t a = load_be64(it->pfx);
    if (a != p->p0) return a < p->p0 ? -1 : 1;
    a = load_be64(it->pfx + 8);
    if (a != p->p1) return a < p->p1 ? -1 : 1;
    if (it->len <= ZB_PFX && p->len <= ZB_PFX) return it->len < p->len ? -1 : it->len > p->len;
    return memb_cmp(item_ele(it, leaf), it->len, p->ele, p->len);
}

static void item_set_node(zb_item *it, zs_node *n)
{
    it->score = n->score;
    it->len = (uint32_t)n->len;
    memset(it->pfx, 0, ZB_PFX);
    memcpy(it->pfx, node_ele(n), n->len < ZB_PFX ? n->len : ZB_PFX);
    it->u.node = n;
}

/* A separator copied from a leaf's item. */
static void item_to_sep(zb_item *sep, const zb_item *it)
{
    *sep = *it;
    sep->u.full = it->len > ZB_PFX ? rl_memdup(node_ele(it->u.node), it->len) : NULL;
}

static void sep_free(zb_item *sep)
{
    if (sep->len > ZB_PFX) rl_free(sep->u.full);
}

static int child_index(const zb_inner *p, const void *child)
{
    int i = 0;
    while (p->child[i] != child) i++;
    return i;
}

/* Node n's place in its leaf. The hint in link.spare goes stale as
 * elements come and go before it in the leaf: then the leaf is searched,
 * and the hint put right (n was read anyway). */
static int leaf_pos(const zs_node *n)
{
    const zb_leaf *l = n->leaf;
    int i = (int)n->link.spare;
    if (i < l->h.n && l->e[i].u.node == n) return i;
    for (i = 0; l->e[i].u.node != n; i++) {
    }
    ((zs_node *)(uintptr_t)n)->link.spare = (uint32_t)i;
    return i;
}

static void set_in_leaf(zb_leaf *l, int i, zs_node *n)
{
    n->leaf = l;
    n->link.spare = (uint32_t)i;
}

/* Adds delta to the counts of h's ancestors on the way to the root. */
static void count_add(zb_head *h, long delta)
{
    for (zb_inner *p = h->parent; p; h = &p->h, p = p->h.parent)
        p->count[child_index(p, h)] += (unsigned long)delta;
}

static zb_leaf *leaf_new(void)
{
    zb_leaf *l = rl_malloc(sizeof(*l));
    l->h.parent = NULL;
    l->h.n = 0;
    l->prev = l->next = NULL;
    return l;
}

static zb_inner *inner_new(void)
{
    zb_inner *p = rl_malloc(sizeof(*p));
    p->h.parent = NULL;
    p->h.n = 0;
    return p;
}

/* Asks for a tree node's lines from its start through its items, as a
 * search goes down to it: the binary search over its items then waits on
 * about one miss instead of one per probe (rate_limit, user seconds for a
 * fixed count, alternating builds: 1.25 -> 1.17 on average over eleven
 * pairs). */
static inline void prefetch_node(const void *h)
{
    for (size_t off = 0; off < offsetof(zb_inner, child); off += 64)
        __builtin_prefetch((const char *)h + off);
}

/* A test over keys that holds for a first stretch of the order and not
 * after it (a key below a bound, say). */
typedef int (*zb_pred)(const zb_item *it, int leaf, const void *ctx);

/* Goes down from the root to the leaf under the last child, at every
 * level, whose separator the test holds for (the first child when it holds
 * for none). A test that fails at the first separator settles the level on
 * one cache line (a search for the set's start). Inlined at each use, with
 * its test. */
static inline const zb_leaf *descend_by(const rl_zset *z, zb_pred goes_right, const void *ctx)
{
    const void *h = z->root;
    prefetch_node(h);
    for (int d = z->height; d > 0; d--) {
        const zb_inner *p = h;
        int lo = 1, hi = p->h.n - 1, at = 0;
        if (!goes_right(&p->sep[1], 0, ctx)) hi = 0;
        while (lo <= hi) {
            int mid = (lo + hi) / 2;
            if (goes_right(&p->sep[mid], 0, ctx)) {
                at = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        h = p->child[at];
        prefetch_node(h);
    }
    return h;
}

/* 1 when the item is not after the probe's key. */
static int not_after(const zb_item *it, int leaf, const void *k)
{
    return item_cmp(it, leaf, k) <= 0;
}

/* The leaf where the probe's key belongs. */
static zb_leaf *descend(const rl_zset *z, const zb_probe *k)
{
    return (zb_leaf *)(uintptr_t)descend_by(z, not_after, k);
}

static void split_inner(rl_zset *z, zb_inner *p);

/* Puts right after left in their parent (a new root when left was the
 * root), with sep between them (owned by the tree from now on) and the
 * element counts of both. */
static void insert_child(rl_zset *z, zb_head *left, zb_head *right, const zb_item *sep,
                         unsigned long lcount, unsigned long rcount)
{
    zb_inner *p = left->parent;
    if (!p) {
        p = inner_new();
        p->h.n = 2;
        p->child[0] = left;
        p->child[1] = right;
        p->count[0] = lcount;
        p->count[1] = rcount;
        p->sep[1] = *sep;
        left->parent = right->parent = p;
        z->root = p;
        z->height++;
        return;
    }
    int i = child_index(p, left), m = p->h.n - i - 1;
    memmove(&p->child[i + 2], &p->child[i + 1], (size_t)m * sizeof(p->child[0]));
    memmove(&p->count[i + 2], &p->count[i + 1], (size_t)m * sizeof(p->count[0]));
    memmove(&p->sep[i + 2], &p->sep[i + 1], (size_t)m * sizeof(p->sep[0]));
    p->child[i + 1] = right;
    p->count[i] = lcount;
    p->count[i + 1] = rcount;
    p->sep[i + 1] = *sep;
    p->h.n++;
    right->parent = p;
    if (p->h.n > ZB_FAN) split_inner(z, p);
}

static void split_leaf(rl_zset *z, zb_leaf *l)
{
    zb_leaf *r = leaf_new();
    int keep = l->h.n / 2;
    r->h.n = l->h.n - keep;
    memcpy(r->e, &l->e[keep], (size_t)r->h.n * sizeof(zb_item));
    for (int i = 0; i < r->h.n; i++) set_in_leaf(r, i, r->e[i].u.node);
    l->h.n = keep;
    r->next = l->next;
    if (r->next) r->next->prev = r;
    r->prev = l;
    l->next = r;
    if (z->tail == l) z->tail = r;
    zb_item sep;
    item_to_sep(&sep, &r->e[0]);
    insert_child(z, &l->h, &r->h, &sep, (unsigned long)l->h.n, (unsigned long)r->h.n);
}

static void split_inner(rl_zset *z, zb_inner *p)
{
    zb_inner *r = inner_new();
    int keep = p->h.n / 2;
    r->h.n = p->h.n - keep;
    unsigned long lcount = 0, rcount = 0;
    for (int i = 0; i < keep; i++) lcount += p->count[i];
    for (int i = 0; i < r->h.n; i++) {
        r->child[i] = p->child[keep + i];
        r->count[i] = p->count[keep + i];
        r->sep[i] = p->sep[keep + i];
        ((zb_head *)r->child[i])->parent = r;
        rcount += r->count[i];
    }
    p->h.n = keep;
    /* The first moved child's separator goes up between the two halves. */
    zb_item up = r->sep[0];
    insert_child(z, &p->h, &r->h, &up, lcount, rcount);
}

/* Links node n (not in the tree) at its place by (score, member). */
static void tree_insert(rl_zset *z, zs_node *n)
{
    zb_probe k;
    probe_init(&k, n->score, node_ele(n), n->len);
    if (!z->root) {
        z->root = z->head = z->tail = leaf_new();
        z->height = 0;
    }
    zb_leaf *l = descend(z, &k);
    int lo = 0, hi = l->h.n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (item_cmp(&l->e[mid], 1, &k) < 0) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0 && l == z->head) z->min_known = 0;
    memmove(&l->e[lo + 1], &l->e[lo], (size_t)(l->h.n - lo) * sizeof(zb_item));
    item_set_node(&l->e[lo], n);
    l->h.n++;
    /* The elements after it keep their leaf; their place hints go stale,
     * which leaf_pos checks, rather than reading each of them. */
    set_in_leaf(l, lo, n);
    count_add(&l->h, 1);
    z->length++;
    if (l->h.n > ZB_LEAF) split_leaf(z, l);
}

static void try_merge(rl_zset *z, zb_head *h, int leaf);

static void remove_child_at(rl_zset *z, zb_inner *p, int i, int free_sep);

/* Frees h, a tree node left with nothing under it, and takes it out of its
 * parent; the tree is empty when h was its root. */
static void drop_empty(rl_zset *z, zb_head *h)
{
    zb_inner *p = h->parent;
    int at = p ? child_index(p, h) : 0;
    rl_free(h);
    if (p) {
        remove_child_at(z, p, at, 1);
    } else {
        z->root = NULL;
        z->height = 0;
    }
}

/* Takes child i out of p: one no element counts on any more (an empty
 * node, which drop_empty frees, or one merged into the child before it,
 * which try_merge frees). The separator goes with it (with the first child, the next
 * child's, which no longer separates anything). */
static void remove_child_at(rl_zset *z, zb_inner *p, int i, int free_sep)
{
    int s = i == 0 ? 1 : i;
    if (free_sep && s < p->h.n) sep_free(&p->sep[s]);
    int m = p->h.n - i - 1;
    memmove(&p->child[i], &p->child[i + 1], (size_t)m * sizeof(p->child[0]));
    memmove(&p->count[i], &p->count[i + 1], (size_t)m * sizeof(p->count[0]));
    if (i == 0)
        memmove(&p->sep[1], &p->sep[2], (size_t)(m - 1 > 0 ? m - 1 : 0) * sizeof(p->sep[0]));
    else memmove(&p->sep[i], &p->sep[i + 1], (size_t)m * sizeof(p->sep[0]));
    p->h.n--;
    if (p->h.n == 0) {
        /* Every child gone: p goes too. */
        drop_empty(z, &p->h);
        return;
    }
    if (p == z->root && p->h.n == 1) {
        /* A root with one child hands over to it. */
        z->root = p->child[0];
        ((zb_head *)z->root)->parent = NULL;
        z->height--;
        rl_free(p);
        return;
    }
    if (p->h.n <= ZB_FAN / 4) try_merge(z, &p->h, 0);
}

static void unlink_leaf(zb_leaf *l)
{
    if (l->prev) l->prev->next = l->next;
    if (l->next) l->next->prev = l->prev;
}

/* Merges a small node (leaf, or inner with leaf 0) with a sibling of the
 * same parent when both fit in one. */
static void try_merge(rl_zset *z, zb_head *h, int leaf)
{
    zb_inner *p = h->parent;
    if (!p) return;
    int i = child_index(p, h), max = leaf ? ZB_LEAF : ZB_FAN;
    zb_head *left, *right;
    int ri;
    if (i + 1 < p->h.n && h->n + ((zb_head *)p->child[i + 1])->n <= max) {
        left = h;
        right = p->child[i + 1];
        ri = i + 1;
    } else if (i > 0 && h->n + ((zb_head *)p->child[i - 1])->n <= max) {
        left = p->child[i - 1];
        right = h;
        ri = i;
    } else {
        return;
    }
    if (leaf) {
        zb_leaf *l = (zb_leaf *)left, *r = (zb_leaf *)right;
        memcpy(&l->e[l->h.n], r->e, (size_t)r->h.n * sizeof(zb_item));
        for (int j = l->h.n; j < l->h.n + r->h.n; j++) set_in_leaf(l, j, l->e[j].u.node);
        l->h.n += r->h.n;
        unlink_leaf(r);
        if (z->tail == r) z->tail = l;
    } else {
        zb_inner *l = (zb_inner *)left, *r = (zb_inner *)right;
        /* The separator between them comes down to r's first child. */
        r->sep[0] = p->sep[ri];
        for (int j = 0; j < r->h.n; j++) {
            l->child[l->h.n + j] = r->child[j];
            l->count[l->h.n + j] = r->count[j];
            l->sep[l->h.n + j] = r->sep[j];
            ((zb_head *)r->child[j])->parent = l;
        }
        l->h.n += r->h.n;
    }
    p->count[ri - 1] += p->count[ri];
    p->count[ri] = 0;
    rl_free(right);
    remove_child_at(z, p, ri, leaf);
}

/* Unlinks node n from the tree (the index is left alone). */
static void tree_remove(rl_zset *z, zs_node *n)
{
    zb_leaf *l = n->leaf;
    int i = leaf_pos(n);
    if (i == 0 && l == z->head) z->min_known = 0;
    memmove(&l->e[i], &l->e[i + 1], (size_t)(l->h.n - i - 1) * sizeof(zb_item));
    l->h.n--;
    count_add(&l->h, -1);
    z->length--;
    if (l->h.n == 0) {
        unlink_leaf(l);
        if (z->head == l) z->head = l->next;
        if (z->tail == l) z->tail = l->prev;
        drop_empty(z, &l->h);
    } else if (l->h.n <= ZB_LEAF / 4) {
        try_merge(z, &l->h, 1);
    }
}

static zs_node *node_alloc(double score, const char *ele, size_t len)
{
    zs_node *n = rl_malloc(sizeof(zs_node) + len + 1);
    memset(n, 0, sizeof(*n));
    n->score = score;
    n->len = len;
    if (len) memcpy(node_ele(n), ele, len);
    node_ele(n)[len] = '\0';
    return n;
}

static void zset_init(rl_zset *z, int listpack)
{
    memset(z, 0, sizeof(*z));
    rl_index_init(&z->index);
    z->listpack = listpack;
}

static rl_zset *zset_new(int listpack)
{
    rl_zset *z = rl_malloc(sizeof(*z));
    zset_init(z, listpack);
    return z;
}

static void free_subtree(void *h, int depth)
{
    if (depth > 0) {
        zb_inner *p = h;
        for (int i = 0; i < p->h.n; i++) {
            if (i > 0) sep_free(&p->sep[i]);
            free_subtree(p->child[i], depth - 1);
        }
    } else {
        zb_leaf *l = h;
        for (int i = 0; i < l->h.n; i++) rl_free(l->e[i].u.node);
    }
    rl_free(h);
}

/* Frees what z owns, not z (an object's inline value). */
static void zset_clear(void *ptr)
{
    rl_zset *z = ptr;
    rl_index_free(&z->index);
    if (z->root) free_subtree(z->root, z->height);
}

static void zset_free(void *ptr)
{
    if (!ptr) return;
    zset_clear(ptr);
    rl_free(ptr);
}

/* The first and last elements; NULL when empty. */
static zs_node *zset_first(const rl_zset *z)
{
    return z->head ? z->head->e[0].u.node : NULL;
}

static zs_node *zset_last(const rl_zset *z)
{
    return z->tail ? z->tail->e[z->tail->h.n - 1].u.node : NULL;
}

/* The element after and before n in the order; NULL at the ends. */
/* The element after and before n in the order; NULL at the ends. A walk
 * reads the element it steps to next: its place hint is set on the way. */
static zs_node *znext(const zs_node *n)
{
    zb_leaf *l = n->leaf;
    int i = leaf_pos(n) + 1;
    if (i >= l->h.n) {
        l = l->next;
        i = 0;
        if (!l) return NULL;
    }
    l->e[i].u.node->link.spare = (uint32_t)i;
    return l->e[i].u.node;
}

static zs_node *zprev(const zs_node *n)
{
    zb_leaf *l = n->leaf;
    int i = leaf_pos(n) - 1;
    if (i < 0) {
        l = l->prev;
        if (!l) return NULL;
        i = l->h.n - 1;
    }
    l->e[i].u.node->link.spare = (uint32_t)i;
    return l->e[i].u.node;
}

/* The place (leaf, index) of the first element the test does not hold
 * for; 0 when it holds for all. Found top down: when the test is not
 * monotone over the order (a lex bound over members of different scores)
 * the answer is the one this search gives, as Redis's is the one its
 * skiplist walk gives. */
static int zset_seek_at(const rl_zset *z, zb_pred before, const void *ctx, const zb_leaf **leaf,
                        int *idx)
{
    if (!z->root) return 0;
    /* A search that ends at the set's start (ZREMRANGEBYSCORE -inf ...,
     * the sliding window's trim with nothing to trim) is answered by the
     * first leaf alone. */
    if (!before(&z->head->e[0], 1, ctx)) {
        *leaf = z->head;
        *idx = 0;
        return 1;
    }
    const zb_leaf *l = descend_by(z, before, ctx);
    int lo = 0, hi = before(&l->e[0], 1, ctx) ? l->h.n : 0;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (before(&l->e[mid], 1, ctx)) lo = mid + 1;
        else hi = mid;
    }
    if (lo == l->h.n) {
        l = l->next;
        lo = 0;
        if (!l) return 0;
    }
    *leaf = l;
    *idx = lo;
    return 1;
}

/* The first element the test does not hold for, or NULL. */
static zs_node *zset_seek(const rl_zset *z, zb_pred before, const void *ctx)
{
    const zb_leaf *l;
    int i;
    return zset_seek_at(z, before, ctx, &l, &i) ? l->e[i].u.node : NULL;
}

/* The place of the last element the test holds for, stepping back from
 * the first it does not hold for; 0 when there is none. */
static int zset_seek_last_at(const rl_zset *z, zb_pred before, const void *ctx,
                             const zb_leaf **leaf, int *idx)
{
    const zb_leaf *l;
    int i;
    if (zset_seek_at(z, before, ctx, &l, &i)) {
        if (--i < 0) {
            l = l->prev;
            if (!l) return 0;
            i = l->h.n - 1;
        }
    } else {
        l = z->tail;
        if (!l) return 0;
        i = l->h.n - 1;
    }
    *leaf = l;
    *idx = i;
    return 1;
}

/* The 1-based rank of node n. */
static unsigned long zset_node_rank(const zs_node *n)
{
    unsigned long rank = (unsigned long)leaf_pos(n) + 1;
    const zb_head *h = &n->leaf->h;
    for (const zb_inner *p = h->parent; p; h = &p->h, p = p->h.parent)
        for (int i = 0; p->child[i] != h; i++) rank += p->count[i];
    return rank;
}

/* The node of 1-based rank, or NULL. */
static zs_node *zset_by_rank(const rl_zset *z, unsigned long rank)
{
    if (rank < 1 || rank > z->length) return NULL;
    void *h = z->root;
    for (int d = z->height; d > 0; d--) {
        const zb_inner *p = h;
        int i = 0;
        while (i + 1 < p->h.n && rank > p->count[i]) rank -= p->count[i++];
        h = p->child[i];
    }
    return ((zb_leaf *)h)->e[rank - 1].u.node;
}

static const char *node_key(const rl_ilink *l, size_t *len)
{
    const zs_node *n = RL_ILINK_ITEM(l, zs_node, link);
    *len = n->len;
    return node_ele(n);
}

/* The node of a member whose rl_index_hash is h, or NULL. */
static zs_node *zset_find_hashed(const rl_zset *z, const char *ele, size_t len, uint32_t h)
{
    rl_ilink *l = rl_index_find_hashed(&z->index, ele, len, h, node_key);
    return l ? RL_ILINK_ITEM(l, zs_node, link) : NULL;
}

static zs_node *zset_find(const rl_zset *z, const char *ele, size_t len)
{
    rl_ilink *l = rl_index_find(&z->index, ele, len, node_key);
    return l ? RL_ILINK_ITEM(l, zs_node, link) : NULL;
}

/* The first node of the index's order, and the one after n; NULL at the end. */
static zs_node *ifirst(const rl_zset *z)
{
    return z->index.first ? RL_ILINK_ITEM(z->index.first, zs_node, link) : NULL;
}

static zs_node *inext(const zs_node *n)
{
    return n->link.next ? RL_ILINK_ITEM(n->link.next, zs_node, link) : NULL;
}

/* Stores a score the way the current encoding would: a listpack keeps an
 * integral score as an integer, so -0 comes back as 0. */
static double stored_score(const rl_zset *z, double score)
{
    return (z->listpack && score == 0) ? 0.0 : score;
}

/* Inserts a member known to be absent, whose rl_index_hash is h; returns
 * its node. */
static zs_node *zset_insert_hashed(rl_zset *z, double score, const char *ele, size_t len,
                                   uint32_t h)
{
    zs_node *n = node_alloc(stored_score(z, score), ele, len);
    tree_insert(z, n);
    rl_index_add_hashed(&z->index, &n->link, h);
    return n;
}

/* Inserts a member known to be absent; returns its node. */
static zs_node *zset_insert(rl_zset *z, double score, const char *ele, size_t len)
{
    return zset_insert_hashed(z, score, ele, len, rl_index_hash(ele, len));
}

/* Sorts the member index for the emulator's order seed; the ZSCAN resume
 * hint names a place in the old order, so it goes. */
static void zset_apply_order(rl_emu *emu, rl_zset *z)
{
    if (!rl_index_apply_order(emu, &z->index, node_key)) return;
    z->scan_cursor = 0;
    z->scan_node = NULL;
}

/* A node's place in the ZSCAN walk. */
static uint64_t node_pos(const rl_zset *z, const zs_node *n)
{
    return rl_index_pos(&z->index, &n->link);
}

static void zset_delete_node(rl_zset *z, zs_node *n)
{
    if (z->scan_node == n) {
        z->scan_node = inext(n);
        if (!z->scan_node) z->scan_cursor = 0;
    }
    tree_remove(z, n);
    rl_index_remove(&z->index, &n->link);
    rl_free(n);
}

/* 1 if the member existed and was removed. */
static int zset_delete(rl_zset *z, const char *ele, size_t len)
{
    zs_node *n = zset_find(z, ele, len);
    if (!n) return 0;
    zset_delete_node(z, n);
    return 1;
}

static void zset_update_score(rl_zset *z, zs_node *n, double score)
{
    score = stored_score(z, score);
    /* Inside its leaf, between neighbours it stays between, only the score
     * changes (at a leaf's ends a separator may hold the old key). */
    zb_leaf *l = n->leaf;
    int i = leaf_pos(n);
    if (i > 0 && i + 1 < l->h.n && l->e[i - 1].score < score && l->e[i + 1].score > score) {
        n->score = score;
        l->e[i].score = score;
        return;
    }
    tree_remove(z, n);
    n->score = score;
    tree_insert(z, n);
}

static void zset_to_skiplist(rl_zset *z)
{
    z->listpack = 0;
}

/* Converts to a listpack, as zsetConvertToListpackIfNeeded does for the
 * results of ZUNIONSTORE and friends, rewriting -0 scores as 0. */
static void zset_to_listpack_if_fits(rl_zset *z, size_t maxelelen)
{
    if (z->listpack) return;
    if (z->length > ZSET_MAX_LISTPACK_ENTRIES || maxelelen > ZSET_MAX_LISTPACK_VALUE) return;
    z->listpack = 1;
    for (zs_node *n = zset_first(z); n; n = znext(n))
        if (n->score == 0) n->score = 0.0;
}

/* --- Adding (Redis's zsetAdd) ------------------------------------------- */

#define ZADD_IN_INCR (1 << 0)
#define ZADD_IN_NX (1 << 1)
#define ZADD_IN_XX (1 << 2)
#define ZADD_IN_GT (1 << 3)
#define ZADD_IN_LT (1 << 4)

#define ZADD_OUT_NOP (1 << 0)
#define ZADD_OUT_NAN (1 << 1)
#define ZADD_OUT_ADDED (1 << 2)
#define ZADD_OUT_UPDATED (1 << 3)

/* Adds or updates a member under the ZADD flags. Returns 0 (with
 * ZADD_OUT_NAN) when the resulting score would be NaN, else 1 with the
 * outcome in *out and, unless nothing was done, the new score in *newscore
 * (as computed: a listpack may store -0 as 0). */
static int zset_add(rl_zset *z, double score, const char *ele, size_t len, int in, int *out,
                    double *newscore)
{
    *out = 0;
    if (isnan(score)) {
        *out = ZADD_OUT_NAN;
        return 0;
    }
    /* The member's slot, the tree's root and the list's last node are
     * independent lines, on a cold set each a miss: asked for together,
     * they arrive while the first is waited for. */
    uint32_t h = rl_index_hash(ele, len);
    rl_index_prefetch_add(&z->index, h);
    if (z->root) prefetch_node(z->root);
    zs_node *n = zset_find_hashed(z, ele, len, h);
    if (n) {
        if (in & ZADD_IN_NX) {
            *out |= ZADD_OUT_NOP;
            return 1;
        }
        double cur = n->score;
        if (in & ZADD_IN_INCR) {
            score += cur;
            if (isnan(score)) {
                *out |= ZADD_OUT_NAN;
                return 0;
            }
        }
        if (((in & ZADD_IN_LT) && score >= cur) || ((in & ZADD_IN_GT) && score <= cur)) {
            *out |= ZADD_OUT_NOP;
            return 1;
        }
        if (newscore) *newscore = score;
        if (score != cur) {
            zset_update_score(z, n, score);
            *out |= ZADD_OUT_UPDATED;
        }
        return 1;
    }
    if (in & ZADD_IN_XX) {
        *out |= ZADD_OUT_NOP;
        return 1;
    }
    if (z->listpack && (z->length + 1 > ZSET_MAX_LISTPACK_ENTRIES || len > ZSET_MAX_LISTPACK_VALUE))
        zset_to_skiplist(z);
    zset_insert_hashed(z, score, ele, len, h);
    if (newscore) *newscore = score;
    *out |= ZADD_OUT_ADDED;
    return 1;
}

/* --- Ranges ------------------------------------------------------------- */

static int value_gte_min(double v, const zs_range *r)
{
    return r->minex ? v > r->min : v >= r->min;
}

static int value_lte_max(double v, const zs_range *r)
{
    return r->maxex ? v < r->max : v <= r->max;
}

/* 1 when no score can be in the range (min above max, or equal with an
 * end excluded). */
static int range_empty(const zs_range *r)
{
    return r->min > r->max || (r->min == r->max && (r->minex || r->maxex));
}

static int below_min(const zb_item *it, int leaf, const void *r)
{
    (void)leaf;
    return !value_gte_min(it->score, r);
}

static int within_max(const zb_item *it, int leaf, const void *r)
{
    (void)leaf;
    return value_lte_max(it->score, r);
}

/* The first and last elements in a score range, found by one search each,
 * the end's score read from the leaf: an empty answer reads no element. */
static zs_node *zset_first_in_range(const rl_zset *z, const zs_range *r)
{
    const zb_leaf *l;
    int i;
    if (range_empty(r) || !z->head) return NULL;
    rl_zset *w = (rl_zset *)(uintptr_t)z; /* the cache only */
    if (!w->min_known) {
        w->min_score = z->head->e[0].score;
        w->min_known = 1;
    } else if (!value_lte_max(z->min_score, r)) {
        return NULL; /* every score is above the range */
    }
    if (!zset_seek_at(z, below_min, r, &l, &i)) return NULL;
    return value_lte_max(l->e[i].score, r) ? l->e[i].u.node : NULL;
}

static zs_node *zset_last_in_range(const rl_zset *z, const zs_range *r)
{
    const zb_leaf *l;
    int i;
    if (range_empty(r) || !zset_seek_last_at(z, within_max, r, &l, &i)) return NULL;
    return value_gte_min(l->e[i].score, r) ? l->e[i].u.node : NULL;
}

/* Compares two lex bounds' strings, "-" and "+" being the extremes. */
static int lex_cmp_bounds(const lex_bound *a, const lex_bound *b)
{
    if (a->kind != LEX_VALUE || b->kind != LEX_VALUE) {
        if (a->kind == b->kind) return 0;
        if (a->kind == LEX_MINUS || b->kind == LEX_PLUS) return -1;
        return 1;
    }
    return memb_cmp(a->p, a->len, b->p, b->len);
}

/* Compares a member with a bound. */
static int lex_cmp(const char *p, size_t len, const lex_bound *b)
{
    if (b->kind == LEX_MINUS) return 1;
    if (b->kind == LEX_PLUS) return -1;
    return memb_cmp(p, len, b->p, b->len);
}

static int ele_gte_min(const char *p, size_t len, const zs_lexrange *r)
{
    int c = lex_cmp(p, len, &r->min);
    return r->min.ex ? c > 0 : c >= 0;
}

static int ele_lte_max(const char *p, size_t len, const zs_lexrange *r)
{
    int c = lex_cmp(p, len, &r->max);
    return r->max.ex ? c < 0 : c <= 0;
}

static int lex_gte_min(const zs_node *n, const zs_lexrange *r)
{
    return ele_gte_min(node_ele(n), n->len, r);
}

static int lex_lte_max(const zs_node *n, const zs_lexrange *r)
{
    return ele_lte_max(node_ele(n), n->len, r);
}

static int lex_below_min(const zb_item *it, int leaf, const void *r)
{
    return !ele_gte_min(item_ele(it, leaf), it->len, r);
}

static int lex_within_max(const zb_item *it, int leaf, const void *r)
{
    return ele_lte_max(item_ele(it, leaf), it->len, r);
}

static int zset_in_lex_range(const rl_zset *z, const zs_lexrange *r)
{
    int c = lex_cmp_bounds(&r->min, &r->max);
    if (c > 0 || (c == 0 && (r->min.ex || r->max.ex))) return 0;
    zs_node *last = zset_last(z);
    if (!last || !lex_gte_min(last, r)) return 0;
    if (!lex_lte_max(zset_first(z), r)) return 0;
    return 1;
}

/* With members of different scores the lex order is not the set's order and
 * the answer depends on the walk. A listpack is walked linearly (the first
 * member, from the head, at or above min; the last, from the tail, at or
 * below max), exactly as Redis does; a skiplist is searched top down, which
 * in Redis depends on its random node levels, so it cannot match there
 * (redlua's tree gives its own answer). */
static zs_node *zset_first_in_lex_range(const rl_zset *z, const zs_lexrange *r)
{
    if (!zset_in_lex_range(z, r)) return NULL;
    zs_node *p;
    if (z->listpack) {
        for (p = zset_first(z); p && !lex_gte_min(p, r);) p = znext(p);
    } else {
        p = zset_seek(z, lex_below_min, r);
    }
    return (p && lex_lte_max(p, r)) ? p : NULL;
}

static zs_node *zset_last_in_lex_range(const rl_zset *z, const zs_lexrange *r)
{
    if (!zset_in_lex_range(z, r)) return NULL;
    zs_node *p;
    if (z->listpack) {
        for (p = zset_last(z); p && !lex_lte_max(p, r);) p = zprev(p);
        return (p && lex_gte_min(p, r)) ? p : NULL;
    }
    zs_node *after = zset_seek(z, lex_within_max, r);
    p = after ? zprev(after) : zset_last(z);
    return (p && lex_gte_min(p, r)) ? p : NULL;
}

/* ZREMRANGEBYLEX's start on a skiplist: the first member at or above min
 * found searching down, without the emptiness checks
 * (zslDeleteRangeByLex). */
static zs_node *zset_seek_lex_min(const rl_zset *z, const zs_lexrange *r)
{
    return zset_seek(z, lex_below_min, r);
}

/* --- Objects ------------------------------------------------------------ */

/* COPY keeps the encoding, the order and the scores. */
static void *zset_dup(const void *ptr)
{
    const rl_zset *s = ptr;
    rl_zset *d = zset_new(s->listpack);
    for (const zs_node *n = ifirst(s); n; n = inext(n))
        zset_insert(d, n->score, node_ele(n), n->len);
    return d;
}

static pthread_once_t zset_type_once = PTHREAD_ONCE_INIT;

static void zset_register_type(void)
{
    rl_obj_register_type(RL_TYPE_ZSET, zset_free, zset_dup);
    rl_obj_register_clear(RL_TYPE_ZSET, zset_clear);
}

/* Moves *zp (taken) into a new object, registering the type first; *zp is
 * then the object's value. */
static rl_obj *zset_obj_new(rl_zset **zp)
{
    pthread_once(&zset_type_once, zset_register_type);
    rl_obj *o = rl_obj_new_inline(RL_TYPE_ZSET, *zp, sizeof(**zp));
    rl_free(*zp);
    *zp = o->ptr;
    return o;
}

/* A new, empty set made in its object's block; *zp is set to it. */
static rl_obj *zset_obj_make(int listpack, rl_zset **zp)
{
    pthread_once(&zset_type_once, zset_register_type);
    rl_zset empty;
    zset_init(&empty, listpack);
    rl_obj *o = rl_obj_new_inline(RL_TYPE_ZSET, &empty, sizeof(empty));
    *zp = o->ptr;
    return o;
}

rl_obj *rl_zset_obj_new(void)
{
    rl_zset *z;
    return zset_obj_make(1, &z);
}

unsigned long rl_zset_length(const rl_zset *z)
{
    return z->length;
}

int rl_zset_add(rl_zset *z, double score, const char *ele, size_t len)
{
    int out;
    double ns;
    zset_add(z, score, ele, len, 0, &out, &ns);
    return (out & ZADD_OUT_ADDED) != 0;
}

int rl_zset_score(const rl_zset *z, const char *ele, size_t len, double *score)
{
    zs_node *n = zset_find(z, ele, len);
    if (!n) return 0;
    *score = n->score;
    return 1;
}

long rl_zset_rank(const rl_zset *z, const char *ele, size_t len, int reverse)
{
    zs_node *n = zset_find(z, ele, len);
    if (!n) return -1;
    unsigned long r = zset_node_rank(n);
    return reverse ? (long)(z->length - r) : (long)(r - 1);
}

int rl_zset_is_listpack(const rl_zset *z)
{
    return z->listpack;
}

void rl_zset_convert_to_skiplist(rl_zset *z)
{
    zset_to_skiplist(z);
}

/* ==========================================================================
 * Sorted set commands
 * ========================================================================== */

/* The sorted set under key for reading: NULL when missing (nothing replied)
 * or of another type (*err set after replying WRONGTYPE). */
static rl_zset *lookup_zset(rl_client *c, const rl_arg *key, int write, int *err)
{
    rl_obj *o = write ? rl_lookup_key_write(c, key) : rl_lookup_key_read(c, key);
    *err = 0;
    if (!o) return NULL;
    if (rl_check_type(c, o, RL_TYPE_ZSET)) {
        *err = 1;
        return NULL;
    }
    return o->ptr;
}

static void delete_key(rl_client *c, const rl_arg *key)
{
    if (rl_db_delete(c->emu, rl_client_db(c), key->ptr, key->len)) rl_signal_modified_key(c, key);
}

/* Deletes key when its sorted set became empty. */
static void delete_if_empty(rl_client *c, const rl_arg *key, const rl_zset *z)
{
    if (z->length == 0) delete_key(c, key);
}

static void reply_member(rl_client *c, const zs_node *n)
{
    rl_add_reply_bulk(c, node_ele(n), n->len);
}

/* One end of a score range as zslParseRange reads it: strtod on the
 * NUL-terminated argument, so leading spaces, hex and "" (0) pass, anything
 * after an embedded NUL is ignored, and only NaN or trailing bytes fail. */
static int parse_score_bound(const rl_arg *a, double *v, int *ex)
{
    /* A plain integer or infinity, the usual bounds, read the same without
     * the copy and strtod. */
    *ex = a->len && a->ptr[0] == '(';
    if (rl_small_int2d(a->ptr + *ex, a->len - (size_t)*ex, v)) return 1;
    if (rl_inf2d(a->ptr + *ex, a->len - (size_t)*ex, v)) return 1;
    char *s = rl_memdup(a->ptr, a->len);
    char *p = s, *end;
    *ex = 0;
    if (p[0] == '(') {
        p++;
        *ex = 1;
    }
    *v = strtod(p, &end);
    int ok = end[0] == '\0' && !isnan(*v);
    rl_free(s);
    return ok;
}

static int parse_range_or_reply(rl_client *c, const rl_arg *min, const rl_arg *max, zs_range *r)
{
    if (!parse_score_bound(min, &r->min, &r->minex) ||
        !parse_score_bound(max, &r->max, &r->maxex)) {
        rl_add_reply_error(c, RL_ERR_ZSET_MINMAX_FLOAT);
        return RL_ERR;
    }
    return RL_OK;
}

/* "-", "+", "(member" or "[member"; a lone sign may be followed by a NUL
 * and anything, as Redis checks only the byte after it. */
static int parse_lex_bound(const rl_arg *a, lex_bound *b)
{
    if (a->len == 0) return 0;
    b->p = a->ptr + 1;
    b->len = a->len - 1;
    switch (a->ptr[0]) {
    case '+':
    case '-':
        if (a->len > 1 && a->ptr[1] != '\0') return 0;
        b->kind = a->ptr[0] == '+' ? LEX_PLUS : LEX_MINUS;
        b->ex = 1;
        return 1;
    case '(':
        b->kind = LEX_VALUE;
        b->ex = 1;
        return 1;
    case '[':
        b->kind = LEX_VALUE;
        b->ex = 0;
        return 1;
    default: return 0;
    }
}

static int parse_lex_range_or_reply(rl_client *c, const rl_arg *min, const rl_arg *max,
                                    zs_lexrange *r)
{
    if (!parse_lex_bound(min, &r->min) || !parse_lex_bound(max, &r->max)) {
        rl_add_reply_error(c, RL_ERR_ZSET_MINMAX_LEX);
        return RL_ERR;
    }
    return RL_OK;
}

/* --- ZADD, ZINCRBY, ZREM ---------------------------------------------------- */

static void zadd_generic(rl_client *c, int flags)
{
    const rl_arg *key = &c->argv[1];
    int scoreidx = 2, ch = 0;
    while (scoreidx < c->argc) {
        const rl_arg *o = &c->argv[scoreidx];
        /* A score (the usual case: a digit, a sign, "inf") names no option:
         * every option starts with one of these letters. */
        if (o->len == 0 || !strchr("nNxXcCiIgGlL", o->ptr[0])) break;
        if (rl_string_opt_is(o, "nx")) flags |= ZADD_IN_NX;
        else if (rl_string_opt_is(o, "xx")) flags |= ZADD_IN_XX;
        else if (rl_string_opt_is(o, "ch")) ch = 1;
        else if (rl_string_opt_is(o, "incr")) flags |= ZADD_IN_INCR;
        else if (rl_string_opt_is(o, "gt")) flags |= ZADD_IN_GT;
        else if (rl_string_opt_is(o, "lt")) flags |= ZADD_IN_LT;
        else break;
        scoreidx++;
    }
    int incr = (flags & ZADD_IN_INCR) != 0, nx = (flags & ZADD_IN_NX) != 0;
    int xx = (flags & ZADD_IN_XX) != 0, gt = (flags & ZADD_IN_GT) != 0;
    int lt = (flags & ZADD_IN_LT) != 0;

    int elements = c->argc - scoreidx;
    if (elements % 2 || !elements) {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }
    elements /= 2;
    if (nx && xx) {
        rl_add_reply_error(c, RL_ERR_ZSET_XX_NX);
        return;
    }
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
        rl_add_reply_error(c, RL_ERR_ZSET_GT_LT_NX);
        return;
    }
    if (incr && elements > 1) {
        rl_add_reply_error(c, RL_ERR_ZSET_INCR_PAIR);
        return;
    }

    /* Every score is parsed before anything changes: all or nothing. A few
     * fit on the stack, which spares the allocation for the usual ZADD. */
    double small[8];
    double *scores = elements <= 8 ? small : rl_malloc((size_t)elements * sizeof(double));
    for (int j = 0; j < elements; j++) {
        const rl_arg *a = &c->argv[scoreidx + j * 2];
        if (!rl_string2d(a->ptr, a->len, &scores[j])) {
            rl_add_reply_error(c, RL_ERR_NOT_FLOAT);
            if (scores != small) rl_free(scores);
            return;
        }
    }

    int err;
    rl_zset *z = lookup_zset(c, key, 1, &err);
    if (err) {
        if (scores != small) rl_free(scores);
        return;
    }
    int added = 0, updated = 0, processed = 0;
    double score = 0;
    if (!z) {
        if (xx) goto reply;
        rl_obj *o = zset_obj_make(c->argv[scoreidx + 1].len <= ZSET_MAX_LISTPACK_VALUE, &z);
        rl_db_add(rl_client_db(c), key->ptr, key->len, o);
    }
    for (int j = 0; j < elements; j++) {
        const rl_arg *ele = &c->argv[scoreidx + 1 + j * 2];
        int out;
        double newscore = 0;
        if (!zset_add(z, scores[j], ele->ptr, ele->len, flags, &out, &newscore)) {
            rl_add_reply_error(c, RL_ERR_ZSET_NAN);
            if (scores != small) rl_free(scores);
            return;
        }
        if (out & ZADD_OUT_ADDED) added++;
        if (out & ZADD_OUT_UPDATED) updated++;
        if (!(out & ZADD_OUT_NOP)) processed++;
        score = newscore;
    }
reply:
    if (added || updated) rl_signal_modified_key(c, key);
    if (scores != small) rl_free(scores);
    if (incr) {
        if (processed) rl_add_reply_double(c, score);
        else rl_add_reply_null(c);
    } else {
        rl_add_reply_long_long(c, ch ? added + updated : added);
    }
}

/* ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] */
void rl_cmd_zadd(rl_client *c)
{
    zadd_generic(c, 0);
}

/* ZINCRBY key increment member */
void rl_cmd_zincrby(rl_client *c)
{
    zadd_generic(c, ZADD_IN_INCR);
}

/* ZREM key member [member ...] */
void rl_cmd_zrem(rl_client *c)
{
    int err;
    rl_zset *z = lookup_zset(c, &c->argv[1], 1, &err);
    if (err) return;
    if (!z) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    long long deleted = 0;
    for (int j = 2; j < c->argc; j++) {
        deleted += zset_delete(z, c->argv[j].ptr, c->argv[j].len);
        if (z->length == 0) {
            delete_key(c, &c->argv[1]);
            break;
        }
    }
    if (deleted) rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_long_long(c, deleted);
}

/* --- Reading single members ---------------------------------------------- */

/* ZCARD key */
void rl_cmd_zcard(rl_client *c)
{
    int err;
    rl_zset *z = lookup_zset(c, &c->argv[1], 0, &err);
    if (err) return;
    rl_add_reply_long_long(c, z ? (long long)z->length : 0);
}

/* ZSCORE key member */
void rl_cmd_zscore(rl_client *c)
{
    int err;
    rl_zset *z = lookup_zset(c, &c->argv[1], 0, &err);
    if (err) return;
    zs_node *n = z ? zset_find(z, c->argv[2].ptr, c->argv[2].len) : NULL;
    if (n) rl_add_reply_double(c, n->score);
    else rl_add_reply_null(c);
}

/* ZMSCORE key member [member ...] */
void rl_cmd_zmscore(rl_client *c)
{
    int err;
    rl_zset *z = lookup_zset(c, &c->argv[1], 0, &err);
    if (err) return;
    rl_add_reply_array_len(c, c->argc - 2);
    for (int j = 2; j < c->argc; j++) {
        zs_node *n = z ? zset_find(z, c->argv[j].ptr, c->argv[j].len) : NULL;
        if (n) rl_add_reply_double(c, n->score);
        else rl_add_reply_null(c);
    }
}

static void zrank_generic(rl_client *c, int reverse)
{
    int err;
    rl_zset *z = lookup_zset(c, &c->argv[1], 0, &err);
    if (err) return;
    long rank = z ? rl_zset_rank(z, c->argv[2].ptr, c->argv[2].len, reverse) : -1;
    if (rank >= 0) rl_add_reply_long_long(c, rank);
    else rl_add_reply_null(c);
}

/* ZRANK key member */
void rl_cmd_zrank(rl_client *c)
{
    zrank_generic(c, 0);
}

/* ZREVRANK key member */
void rl_cmd_zrevrank(rl_client *c)
{
    zrank_generic(c, 1);
}

/* ZCOUNT key min max */
void rl_cmd_zcount(rl_client *c)
{
    zs_range r;
    if (parse_range_or_reply(c, &c->argv[2], &c->argv[3], &r) != RL_OK) return;
    int err;
    rl_zset *z = lookup_zset(c, &c->argv[1], 0, &err);
    if (err) return;
    unsigned long count = 0;
    zs_node *first = z ? zset_first_in_range(z, &r) : NULL;
    if (first) {
        zs_node *last = zset_last_in_range(z, &r);
        count = zset_node_rank(last) - zset_node_rank(first) + 1;
    }
    rl_add_reply_long_long(c, (long long)count);
}

/* ZLEXCOUNT key min max */
void rl_cmd_zlexcount(rl_client *c)
{
    zs_lexrange r;
    if (parse_lex_range_or_reply(c, &c->argv[2], &c->argv[3], &r) != RL_OK) return;
    int err;
    rl_zset *z = lookup_zset(c, &c->argv[1], 0, &err);
    if (err) return;
    unsigned long count = 0;
    zs_node *first = z ? zset_first_in_lex_range(z, &r) : NULL;
    if (first && z->listpack) {
        /* A listpack counts from the first match while members stay below max. */
        for (zs_node *x = first; x && lex_lte_max(x, &r); x = znext(x)) count++;
    } else if (first) {
        /* Redis's arithmetic, unsigned, whatever the members' scores. */
        count = z->length - (zset_node_rank(first) - 1);
        zs_node *last = zset_last_in_lex_range(z, &r);
        if (last) count -= z->length - zset_node_rank(last);
    }
    rl_add_reply_long_long(c, (long long)count);
}

/* --- ZRANGE and its variants ------------------------------------------------ */

typedef enum { RANGE_AUTO, RANGE_RANK, RANGE_SCORE, RANGE_LEX } range_type;
typedef enum { DIR_AUTO, DIR_FORWARD, DIR_REVERSE } range_dir;

/* Where a range goes: the client's reply, or (ZRANGESTORE) a new set. */
typedef struct {
    rl_client *c;
    const rl_arg *dstkey; /* non-NULL: store */
    int withscores;
    rl_zset *dst;
    void *deferred;
    long count;
} range_sink;

/* length is the result's length when known, -1 otherwise; ZRANGESTORE
 * picks the result's encoding from it as Redis does. */
static void sink_begin(range_sink *s, long length)
{
    s->count = 0;
    if (s->dstkey) s->dst = zset_new(length <= ZSET_MAX_LISTPACK_ENTRIES);
    else s->deferred = rl_add_reply_deferred_len(s->c);
}

static void sink_emit(range_sink *s, const zs_node *n)
{
    s->count++;
    if (s->dstkey) {
        int out;
        double ns;
        zset_add(s->dst, n->score, node_ele(n), n->len, 0, &out, &ns);
        return;
    }
    if (s->withscores && s->c->resp > 2) rl_add_reply_array_len(s->c, 2);
    reply_member(s->c, n);
    if (s->withscores) rl_add_reply_double(s->c, n->score);
}

static void sink_finish(range_sink *s)
{
    rl_client *c = s->c;
    if (!s->dstkey) {
        rl_set_deferred_array_len(c, s->deferred,
                                  s->withscores && c->resp == 2 ? s->count * 2 : s->count);
        return;
    }
    if (s->count) {
        rl_db_set(c->emu, rl_client_db(c), s->dstkey->ptr, s->dstkey->len, zset_obj_new(&s->dst),
                  0);
        rl_add_reply_long_long(c, s->count);
    } else {
        zset_free(s->dst);
        rl_add_reply_long_long(c, 0);
        delete_key(c, s->dstkey);
    }
    s->dst = NULL;
}

static zs_node *step(const zs_node *n, int reverse)
{
    return reverse ? zprev(n) : znext(n);
}

static void range_by_rank(range_sink *s, const rl_zset *z, long long start, long long end,
                          int reverse)
{
    long long llen = (long long)z->length;
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    if (start > end || start >= llen) {
        sink_begin(s, 0);
        sink_finish(s);
        return;
    }
    if (end >= llen) end = llen - 1;
    long long n = end - start + 1;
    sink_begin(s, (long)n);
    zs_node *x = zset_by_rank(z, (unsigned long)(reverse ? llen - start : start + 1));
    while (n-- && x) {
        sink_emit(s, x);
        x = step(x, reverse);
    }
    sink_finish(s);
}

/* A negative offset walks past the end (Redis's "while (ln && offset--)"),
 * and a negative limit means no limit. */
static zs_node *skip_offset(zs_node *x, long long offset, int reverse)
{
    if (offset < 0) return NULL;
    while (x && offset--) x = step(x, reverse);
    return x;
}

static void range_by_score(range_sink *s, const rl_zset *z, const zs_range *r, long long offset,
                           long long limit, int reverse)
{
    sink_begin(s, -1);
    if (offset > 0 && offset >= (long long)z->length) {
        sink_finish(s);
        return;
    }
    zs_node *x = reverse ? zset_last_in_range(z, r) : zset_first_in_range(z, r);
    x = skip_offset(x, offset, reverse);
    while (x && limit != 0) {
        if (limit > 0) limit--;
        if (reverse ? !value_gte_min(x->score, r) : !value_lte_max(x->score, r)) break;
        sink_emit(s, x);
        x = step(x, reverse);
    }
    sink_finish(s);
}

static void range_by_lex(range_sink *s, const rl_zset *z, const zs_lexrange *r, long long offset,
                         long long limit, int reverse)
{
    sink_begin(s, -1);
    zs_node *x = reverse ? zset_last_in_lex_range(z, r) : zset_first_in_lex_range(z, r);
    x = skip_offset(x, offset, reverse);
    while (x && limit != 0) {
        if (limit > 0) limit--;
        if (reverse ? !lex_gte_min(x, r) : !lex_lte_max(x, r)) break;
        sink_emit(s, x);
        x = step(x, reverse);
    }
    sink_finish(s);
}

/* ZRANGE, ZRANGESTORE and the older Z[REV]RANGE[BYSCORE|BYLEX]. keyidx is
 * the source key's position; <min> <max> follow, then the options. */
static void zrange_generic(rl_client *c, int keyidx, const rl_arg *dstkey, range_type type,
                           range_dir dir)
{
    int minidx = keyidx + 1, maxidx = keyidx + 2;
    long long start = 0, end = 0, offset = 0, limit = -1;
    int withscores = 0;

    for (int j = keyidx + 3; j < c->argc; j++) {
        int left = c->argc - j - 1;
        const rl_arg *a = &c->argv[j];
        if (!dstkey && rl_string_opt_is(a, "withscores")) {
            withscores = 1;
        } else if (rl_string_opt_is(a, "limit") && left >= 2) {
            if (rl_arg_ll_or_reply(c, &c->argv[j + 1], &offset, NULL) != RL_OK ||
                rl_arg_ll_or_reply(c, &c->argv[j + 2], &limit, NULL) != RL_OK)
                return;
            j += 2;
        } else if (dir == DIR_AUTO && rl_string_opt_is(a, "rev")) {
            dir = DIR_REVERSE;
        } else if (type == RANGE_AUTO && rl_string_opt_is(a, "bylex")) {
            type = RANGE_LEX;
        } else if (type == RANGE_AUTO && rl_string_opt_is(a, "byscore")) {
            type = RANGE_SCORE;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }
    if (dir == DIR_AUTO) dir = DIR_FORWARD;
    if (type == RANGE_AUTO) type = RANGE_RANK;

    if (limit != -1 && type == RANGE_RANK) {
        rl_add_reply_error(c, RL_ERR_ZSET_LIMIT_RANK);
        return;
    }
    if (withscores && type == RANGE_LEX) {
        rl_add_reply_error(c, RL_ERR_ZSET_WITHSCORES_LEX);
        return;
    }
    int reverse = dir == DIR_REVERSE;
    if (reverse && type != RANGE_RANK) {
        /* The range is given as max then min. */
        int tmp = maxidx;
        maxidx = minidx;
        minidx = tmp;
    }

    zs_range sr;
    zs_lexrange lr;
    if (type == RANGE_RANK) {
        if (rl_arg_ll_or_reply(c, &c->argv[minidx], &start, NULL) != RL_OK ||
            rl_arg_ll_or_reply(c, &c->argv[maxidx], &end, NULL) != RL_OK)
            return;
    } else if (type == RANGE_SCORE) {
        if (parse_range_or_reply(c, &c->argv[minidx], &c->argv[maxidx], &sr) != RL_OK) return;
    } else {
        if (parse_lex_range_or_reply(c, &c->argv[minidx], &c->argv[maxidx], &lr) != RL_OK) return;
    }

    range_sink s = { c, dstkey, withscores || dstkey != NULL, NULL, NULL, 0 };
    rl_obj *o = rl_lookup_key_read(c, &c->argv[keyidx]);
    if (!o) {
        if (dstkey) {
            sink_begin(&s, -1);
            sink_finish(&s);
        } else {
            rl_add_reply_array_len(c, 0);
        }
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_ZSET)) return;
    const rl_zset *z = o->ptr;
    if (type == RANGE_RANK) range_by_rank(&s, z, start, end, reverse);
    else if (type == RANGE_SCORE) range_by_score(&s, z, &sr, offset, limit, reverse);
    else range_by_lex(&s, z, &lr, offset, limit, reverse);
}

/* ZRANGE key min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES] */
void rl_cmd_zrange(rl_client *c)
{
    zrange_generic(c, 1, NULL, RANGE_AUTO, DIR_AUTO);
}

/* ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] */
void rl_cmd_zrangestore(rl_client *c)
{
    zrange_generic(c, 2, &c->argv[1], RANGE_AUTO, DIR_AUTO);
}

/* ZREVRANGE key start stop [WITHSCORES] */
void rl_cmd_zrevrange(rl_client *c)
{
    zrange_generic(c, 1, NULL, RANGE_RANK, DIR_REVERSE);
}

/* ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count] */
void rl_cmd_zrangebyscore(rl_client *c)
{
    zrange_generic(c, 1, NULL, RANGE_SCORE, DIR_FORWARD);
}

/* ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count] */
void rl_cmd_zrevrangebyscore(rl_client *c)
{
    zrange_generic(c, 1, NULL, RANGE_SCORE, DIR_REVERSE);
}

/* ZRANGEBYLEX key min max [LIMIT offset count] */
void rl_cmd_zrangebylex(rl_client *c)
{
    zrange_generic(c, 1, NULL, RANGE_LEX, DIR_FORWARD);
}

/* ZREVRANGEBYLEX key max min [LIMIT offset count] */
void rl_cmd_zrevrangebylex(rl_client *c)
{
    zrange_generic(c, 1, NULL, RANGE_LEX, DIR_REVERSE);
}

/* --- ZREMRANGEBY* ----------------------------------------------------------- */

static void zremrange_generic(rl_client *c, range_type type)
{
    long long start = 0, end = 0;
    zs_range sr;
    zs_lexrange lr;
    if (type == RANGE_RANK) {
        if (rl_arg_ll_or_reply(c, &c->argv[2], &start, NULL) != RL_OK ||
            rl_arg_ll_or_reply(c, &c->argv[3], &end, NULL) != RL_OK)
            return;
    } else if (type == RANGE_SCORE) {
        if (parse_range_or_reply(c, &c->argv[2], &c->argv[3], &sr) != RL_OK) return;
    } else {
        if (parse_lex_range_or_reply(c, &c->argv[2], &c->argv[3], &lr) != RL_OK) return;
    }
    int err;
    rl_zset *z = lookup_zset(c, &c->argv[1], 1, &err);
    if (err) return;
    if (!z) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    long long deleted = 0;
    zs_node *x;
    if (type == RANGE_RANK) {
        long long llen = (long long)z->length;
        if (start < 0) start += llen;
        if (end < 0) end += llen;
        if (start < 0) start = 0;
        if (start > end || start >= llen) {
            rl_add_reply_long_long(c, 0);
            return;
        }
        if (end >= llen) end = llen - 1;
        x = zset_by_rank(z, (unsigned long)start + 1);
        for (long long n = end - start + 1; n > 0 && x; n--) {
            zs_node *next = znext(x);
            zset_delete_node(z, x);
            deleted++;
            x = next;
        }
    } else if (type == RANGE_SCORE) {
        x = zset_first_in_range(z, &sr);
        while (x && value_lte_max(x->score, &sr)) {
            zs_node *next = znext(x);
            zset_delete_node(z, x);
            deleted++;
            x = next;
        }
    } else {
        x = z->listpack ? zset_first_in_lex_range(z, &lr) : zset_seek_lex_min(z, &lr);
        while (x && lex_lte_max(x, &lr)) {
            zs_node *next = znext(x);
            zset_delete_node(z, x);
            deleted++;
            x = next;
        }
    }
    delete_if_empty(c, &c->argv[1], z);
    if (deleted) rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_long_long(c, deleted);
}

/* ZREMRANGEBYRANK key start stop */
void rl_cmd_zremrangebyrank(rl_client *c)
{
    zremrange_generic(c, RANGE_RANK);
}

/* ZREMRANGEBYSCORE key min max */
void rl_cmd_zremrangebyscore(rl_client *c)
{
    zremrange_generic(c, RANGE_SCORE);
}

/* ZREMRANGEBYLEX key min max */
void rl_cmd_zremrangebylex(rl_client *c)
{
    zremrange_generic(c, RANGE_LEX);
}

/* --- Pops ------------------------------------------------------------------- */

/* Redis's genericZpopCommand. Pops up to count members (-1: one, in the
 * flat single-pop shape) from the first existing key of keys. emitkey puts
 * the key name in the reply, nested gives [member, score] pairs their own
 * arrays, and nil_when_empty answers a null array (not an empty one) when no
 * key exists. */
static void zpop_generic(rl_client *c, const rl_arg *keys, long keyc, int max, int emitkey,
                         long long count, int nested, int nil_when_empty)
{
    rl_obj *o = NULL;
    const rl_arg *key = NULL;
    for (long i = 0; i < keyc; i++) {
        key = &keys[i];
        o = rl_lookup_key_write(c, key);
        if (!o) continue;
        if (rl_check_type(c, o, RL_TYPE_ZSET)) return;
        break;
    }
    if (!o) {
        if (nil_when_empty) rl_add_reply_null_array(c);
        else rl_add_reply_array_len(c, 0);
        return;
    }
    if (count == 0) {
        rl_add_reply_array_len(c, 0);
        return;
    }
    if (count == -1) count = 1;
    rl_zset *z = o->ptr;
    long long n = count > (long long)z->length ? (long long)z->length : count;
    if (!nested && !emitkey) {
        rl_add_reply_array_len(c, n * 2);
    } else if (nested && !emitkey) {
        rl_add_reply_array_len(c, n);
    } else if (!nested) {
        rl_add_reply_array_len(c, n * 2 + 1);
        rl_add_reply_bulk(c, key->ptr, key->len);
    } else {
        rl_add_reply_array_len(c, 2);
        rl_add_reply_bulk(c, key->ptr, key->len);
        rl_add_reply_array_len(c, n);
    }
    while (n-- > 0) {
        zs_node *x = max ? zset_last(z) : zset_first(z);
        if (nested) rl_add_reply_array_len(c, 2);
        reply_member(c, x);
        rl_add_reply_double(c, x->score);
        zset_delete_node(z, x);
    }
    delete_if_empty(c, key, z);
    rl_signal_modified_key(c, key);
}

static void zpop_minmax(rl_client *c, int max)
{
    if (c->argc > 3) {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }
    long long count = -1;
    if (c->argc == 3 &&
        rl_arg_ll_range_or_reply(c, &c->argv[2], 0, LLONG_MAX, &count,
                                 RL_ERR_ZSET_MUST_BE_POSITIVE) != RL_OK)
        return;
    /* RESP3 nests the pairs when a count was given. */
    int nested = c->resp > 2 && count != -1;
    zpop_generic(c, &c->argv[1], 1, max, 0, count, nested, 0);
}

/* ZPOPMIN key [count] */
void rl_cmd_zpopmin(rl_client *c)
{
    zpop_minmax(c, 0);
}

/* ZPOPMAX key [count] */
void rl_cmd_zpopmax(rl_client *c)
{
    zpop_minmax(c, 1);
}

/* A blocking command's timeout in seconds, as getTimeoutFromObjectOrReply
 * reads it: a long double turned into whole milliseconds (rounded up), where
 * a value outside long long's range becomes LLONG_MIN on x86-64 and so reads
 * as negative. The value itself is not needed: the emulator never blocks. */
static int timeout_or_reply(rl_client *c, const rl_arg *a)
{
    long double secs;
    if (!rl_string2ld(a->ptr, a->len, &secs)) {
        rl_add_reply_error(c, RL_ERR_TIMEOUT_NOT_FLOAT);
        return RL_ERR;
    }
    long double ms = ceill(secs * 1000.0L);
    if (!(ms >= -9223372036854775808.0L && ms < 9223372036854775808.0L) || ms < 0) {
        rl_add_reply_error(c, RL_ERR_TIMEOUT_NEGATIVE);
        return RL_ERR;
    }
    return RL_OK;
}

/* The blocking pops: the first non-empty key is popped like ZPOP*; with no
 * such key there is no other client that could ever push, so the reply is
 * the one a timeout gives (Redis gives it at once too when the client may
 * not block, as inside a script). */
static void bzpop_generic(rl_client *c, const rl_arg *keys, long keyc, const rl_arg *timeout,
                          int max, long long count, int nested)
{
    if (timeout_or_reply(c, timeout) != RL_OK) return;
    for (long j = 0; j < keyc; j++) {
        rl_obj *o = rl_lookup_key_write(c, &keys[j]);
        if (!o) continue;
        if (rl_check_type(c, o, RL_TYPE_ZSET)) return;
        zpop_generic(c, &keys[j], 1, max, 1, count, nested, nested);
        return;
    }
    rl_add_reply_null_array(c);
}

/* BZPOPMIN key [key ...] timeout */
void rl_cmd_bzpopmin(rl_client *c)
{
    bzpop_generic(c, &c->argv[1], c->argc - 2, &c->argv[c->argc - 1], 0, -1, 0);
}

/* BZPOPMAX key [key ...] timeout */
void rl_cmd_bzpopmax(rl_client *c)
{
    bzpop_generic(c, &c->argv[1], c->argc - 2, &c->argv[c->argc - 1], 1, -1, 0);
}

/* ZMPOP numkeys key [key ...] MIN|MAX [COUNT count], and BZMPOP with the
 * timeout before numkeys. */
static void zmpop_generic(rl_client *c, int numkeys_idx, int blocking)
{
    long long numkeys, count = -1;
    int max;
    if (rl_arg_ll_range_or_reply(c, &c->argv[numkeys_idx], 1, LLONG_MAX, &numkeys,
                                 RL_ERR_ZSET_NUMKEYS_POSITIVE) != RL_OK)
        return;
    if (numkeys > (long long)c->argc - numkeys_idx - 2) {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }
    int where_idx = numkeys_idx + (int)numkeys + 1;
    if (rl_string_opt_is(&c->argv[where_idx], "min")) {
        max = 0;
    } else if (rl_string_opt_is(&c->argv[where_idx], "max")) {
        max = 1;
    } else {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }
    for (int j = where_idx + 1; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        if (count == -1 && rl_string_opt_is(&c->argv[j], "count") && more) {
            j++;
            if (rl_arg_ll_range_or_reply(c, &c->argv[j], 1, LLONG_MAX, &count,
                                         RL_ERR_ZSET_COUNT_POSITIVE) != RL_OK)
                return;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }
    if (count == -1) count = 1;
    const rl_arg *keys = &c->argv[numkeys_idx + 1];
    if (blocking) bzpop_generic(c, keys, (long)numkeys, &c->argv[1], max, count, 1);
    else zpop_generic(c, keys, (long)numkeys, max, 1, count, 1, 1);
}

/* ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] */
void rl_cmd_zmpop(rl_client *c)
{
    zmpop_generic(c, 1, 0);
}

/* BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] */
void rl_cmd_bzmpop(rl_client *c)
{
    zmpop_generic(c, 2, 1);
}

/* --- ZRANDMEMBER -------------------------------------------------------------- */

static zs_node *random_node(rl_client *c, const rl_zset *z)
{
    return zset_by_rank(z, (unsigned long)(rl_emu_random(c->emu) % z->length) + 1);
}

static void reply_pair(rl_client *c, const zs_node *n, int withscores)
{
    if (withscores && c->resp > 2) rl_add_reply_array_len(c, 2);
    reply_member(c, n);
    if (withscores) rl_add_reply_double(c, n->score);
}

/* Redis's reply shapes and rules with the emulator's generator: a negative
 * count may repeat members (in draw order); a positive one gives distinct
 * members: the whole set from the highest score down when count reaches its
 * size (as Redis), else (where Redis uses hash order) the drawn members in
 * set order when more than a third of the set is asked for, and in draw
 * order otherwise. */
static void zrandmember_count(rl_client *c, long long l, int withscores)
{
    int err;
    rl_zset *z = lookup_zset(c, &c->argv[1], 0, &err);
    if (err) return;
    if (!z || l == 0) {
        rl_add_reply_array_len(c, 0);
        return;
    }
    unsigned long size = z->length;
    unsigned long long count = l < 0 ? (unsigned long long)(-l) : (unsigned long long)l;
    int pairs_flat = withscores && c->resp == 2;
    if (l < 0 || count == 1) {
        rl_add_reply_array_len(c, (long)(pairs_flat ? count * 2 : count));
        while (count--) reply_pair(c, random_node(c, z), withscores);
        return;
    }
    unsigned long n = count < size ? (unsigned long)count : size;
    rl_add_reply_array_len(c, (long)(pairs_flat ? n * 2 : n));
    if (count >= size) {
        /* Redis's set-operation iterator runs from the highest score down. */
        for (zs_node *x = zset_last(z); x; x = zprev(x)) reply_pair(c, x, withscores);
        return;
    }
    unsigned char *picked = rl_calloc(size / 8 + 1, 1);
    if (count * 3 > size) {
        /* Drop random members until count are left. */
        unsigned long left = size;
        while (left > count) {
            unsigned long r = (unsigned long)(rl_emu_random(c->emu) % size);
            if (picked[r / 8] & (1u << (r % 8))) continue;
            picked[r / 8] |= (unsigned char)(1u << (r % 8));
            left--;
        }
        unsigned long r = 0;
        for (zs_node *x = zset_first(z); x; x = znext(x), r++)
            if (!(picked[r / 8] & (1u << (r % 8)))) reply_pair(c, x, withscores);
    } else {
        unsigned long added = 0;
        while (added < count) {
            unsigned long r = (unsigned long)(rl_emu_random(c->emu) % size);
            if (picked[r / 8] & (1u << (r % 8))) continue;
            picked[r / 8] |= (unsigned char)(1u << (r % 8));
            reply_pair(c, zset_by_rank(z, r + 1), withscores);
            added++;
        }
    }
    rl_free(picked);
}

/* ZRANDMEMBER key [count [WITHSCORES]] */
void rl_cmd_zrandmember(rl_client *c)
{
    if (c->argc >= 3) {
        long long l;
        if (rl_arg_ll_or_reply(c, &c->argv[2], &l, NULL) != RL_OK) return;
        if (l < -LLONG_MAX) {
            rl_add_reply_errorf(c, RL_ERRF_INT_RANGE, -LONG_MAX, LONG_MAX);
            return;
        }
        int withscores = 0;
        if (c->argc > 4 || (c->argc == 4 && !rl_string_opt_is(&c->argv[3], "withscores"))) {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        } else if (c->argc == 4) {
            withscores = 1;
            if (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2) {
                rl_add_reply_error(c, RL_ERR_ZSET_VALUE_OUT_OF_RANGE);
                return;
            }
        }
        zrandmember_count(c, l, withscores);
        return;
    }
    int err;
    rl_zset *z = lookup_zset(c, &c->argv[1], 0, &err);
    if (err) return;
    if (!z) rl_add_reply_null(c);
    else reply_member(c, random_node(c, z));
}

/* --- ZUNION, ZINTER, ZDIFF and their STORE forms, ZINTERCARD ------------------ */

#define SETOP_UNION 0
#define SETOP_INTER 1
#define SETOP_DIFF 2

#define AGGR_SUM 0
#define AGGR_MIN 1
#define AGGR_MAX 2

/* An input: a sorted set, a plain set (every member scores 1) or a missing
 * key (empty). A plain set is read once into a scratch sorted set. */
typedef struct {
    const rl_obj *obj;
    const rl_zset *z; /* the sorted set to read, NULL when the key is missing */
    rl_zset *scratch; /* owned: a plain set's members */
    double weight;
    unsigned long len;
    long idx; /* position among the keys, to sort stably */
} zsrc;

/* One member of an input, as its bytes and score. */
typedef struct {
    const char *p;
    size_t len;
    double score;
} zsrc_elem;

/* A plain set's members with score 1. The set type (t_set.c) keeps its
 * representation private, so they are read through SMEMBERS on an internal
 * client of the same database. */
static rl_zset *set_members_as_zset(rl_client *c, const rl_arg *key)
{
    rl_client *tc = rl_client_new(c->emu);
    tc->db = c->db;
    tc->flags = c->flags;
    rl_arg argv[2] = { { "smembers", 8 }, *key };
    rl_reply *r = rl_client_call(tc, 2, argv);
    rl_zset *z = zset_new(0);
    if (r->type == RL_REPLY_ARRAY || r->type == RL_REPLY_SET)
        for (size_t i = 0; i < r->elements; i++)
            if (!zset_find(z, r->element[i]->str, r->element[i]->len))
                zset_insert(z, 1.0, r->element[i]->str, r->element[i]->len);
    rl_reply_free(r);
    rl_client_free(tc);
    return z;
}

/* Calls fn on every member of src in its order until fn returns 0. */
typedef int src_visit_fn(const zsrc_elem *e, void *ctx);

static void src_foreach(const zsrc *s, src_visit_fn *fn, void *ctx)
{
    if (!s->z) return;
    for (const zs_node *x = zset_first(s->z); x; x = znext(x)) {
        zsrc_elem e = { node_ele(x), x->len, x->score };
        if (!fn(&e, ctx)) return;
    }
}

/* 1 and *score when src holds the member. */
static int src_find(const zsrc *s, const zsrc_elem *e, double *score)
{
    if (!s->z) return 0;
    zs_node *n = zset_find(s->z, e->p, e->len);
    if (!n) return 0;
    *score = n->score;
    return 1;
}

static void free_srcs(zsrc *src, long n)
{
    for (long i = 0; i < n; i++) zset_free(src[i].scratch);
    rl_free(src);
}

/* Ascending size; equal sizes keep their key order (glibc's qsort, a merge
 * sort, is stable, and the order of aggregation can show in the scores). */
static int cmp_src_len(const void *a, const void *b)
{
    const zsrc *x = a, *y = b;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return x->idx < y->idx ? -1 : (x->idx > y->idx);
}

static void aggregate(double *target, double val, int aggr)
{
    if (aggr == AGGR_SUM) {
        *target = *target + val;
        /* inf + -inf is NaN; Redis makes it 0. */
        if (isnan(*target)) *target = 0.0;
    } else if (aggr == AGGR_MIN) {
        *target = val < *target ? val : *target;
    } else {
        *target = val > *target ? val : *target;
    }
}

typedef struct {
    zsrc *src;
    long setnum;
    int aggr;
    rl_zset *dst;
    int card_only;
    unsigned long long cardinality;
    long long limit;
    long cur; /* the input being visited (union) */
} setop_ctx;

static int inter_visit(const zsrc_elem *e, void *ctx)
{
    setop_ctx *k = ctx;
    double score = k->src[0].weight * e->score;
    if (isnan(score)) score = 0;
    long j;
    for (j = 1; j < k->setnum; j++) {
        double value;
        if (k->src[j].obj == k->src[0].obj) {
            value = e->score * k->src[j].weight;
            aggregate(&score, value, k->aggr);
        } else if (src_find(&k->src[j], e, &value)) {
            value *= k->src[j].weight;
            aggregate(&score, value, k->aggr);
        } else {
            break;
        }
    }
    if (j < k->setnum) return 1;
    if (k->card_only) {
        k->cardinality++;
        return !(k->limit && k->cardinality >= (unsigned long long)k->limit);
    }
    zset_insert(k->dst, score, e->p, e->len);
    return 1;
}

static int union_visit(const zsrc_elem *e, void *ctx)
{
    setop_ctx *k = ctx;
    double score = k->src[k->cur].weight * e->score;
    if (isnan(score)) score = 0;
    zs_node *n = zset_find(k->dst, e->p, e->len);
    if (!n) {
        zset_insert(k->dst, score, e->p, e->len);
        return 1;
    }
    double t = n->score;
    aggregate(&t, score, k->aggr);
    if (t != n->score) zset_update_score(k->dst, n, t);
    else n->score = t; /* 0 and -0 compare equal but read differently */
    return 1;
}

static int diff_visit(const zsrc_elem *e, void *ctx)
{
    setop_ctx *k = ctx;
    for (long j = 1; j < k->setnum; j++) {
        double value;
        if (src_find(&k->src[j], e, &value)) return 1;
    }
    zset_insert(k->dst, e->score, e->p, e->len);
    return 1;
}

/* Redis's zunionInterDiffGenericCommand: numkeys at numkeys_idx, then the
 * keys, then the options. dstkey is the STORE forms' destination. */
static void setop_generic(rl_client *c, const rl_arg *dstkey, int numkeys_idx, int op,
                          int card_only)
{
    long long setnum;
    if (rl_arg_ll_or_reply(c, &c->argv[numkeys_idx], &setnum, NULL) != RL_OK) return;
    if (setnum < 1) {
        rl_add_reply_errorf(c, RL_ERRF_ZSET_NUMKEYS, c->cmd->fullname);
        return;
    }
    if (setnum > (long long)c->argc - (numkeys_idx + 1)) {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }

    zsrc *src = rl_calloc((size_t)setnum, sizeof(*src));
    int j = numkeys_idx + 1;
    for (long i = 0; i < setnum; i++, j++) {
        rl_obj *o = rl_lookup_key_read(c, &c->argv[j]);
        if (o && o->type != RL_TYPE_ZSET && o->type != RL_TYPE_SET) {
            free_srcs(src, setnum);
            rl_add_reply_error(c, RL_ERR_WRONGTYPE);
            return;
        }
        src[i].obj = o;
        if (o && o->type == RL_TYPE_SET) {
            src[i].scratch = set_members_as_zset(c, &c->argv[j]);
            src[i].z = src[i].scratch;
        } else if (o) {
            src[i].z = o->ptr;
        }
        src[i].weight = 1.0;
        src[i].len = src[i].z ? src[i].z->length : 0;
        src[i].idx = i;
    }

    int aggr = AGGR_SUM, withscores = 0;
    long long limit = 0;
    int remaining = c->argc - j;
    while (remaining) {
        const rl_arg *a = &c->argv[j];
        if (op != SETOP_DIFF && !card_only && remaining >= setnum + 1 &&
            rl_string_opt_is(a, "weights")) {
            j++;
            remaining--;
            for (long i = 0; i < setnum; i++, j++, remaining--) {
                if (!rl_string2d(c->argv[j].ptr, c->argv[j].len, &src[i].weight)) {
                    free_srcs(src, (long)setnum);
                    rl_add_reply_error(c, RL_ERR_ZSET_WEIGHT_FLOAT);
                    return;
                }
            }
        } else if (op != SETOP_DIFF && !card_only && remaining >= 2 &&
                   rl_string_opt_is(a, "aggregate")) {
            const rl_arg *v = &c->argv[j + 1];
            if (rl_string_opt_is(v, "sum")) {
                aggr = AGGR_SUM;
            } else if (rl_string_opt_is(v, "min")) {
                aggr = AGGR_MIN;
            } else if (rl_string_opt_is(v, "max")) {
                aggr = AGGR_MAX;
            } else {
                free_srcs(src, (long)setnum);
                rl_add_reply_error(c, RL_ERR_SYNTAX);
                return;
            }
            j += 2;
            remaining -= 2;
        } else if (remaining >= 1 && !dstkey && !card_only && rl_string_opt_is(a, "withscores")) {
            j++;
            remaining--;
            withscores = 1;
        } else if (card_only && remaining >= 2 && rl_string_opt_is(a, "limit")) {
            if (rl_arg_ll_range_or_reply(c, &c->argv[j + 1], 0, LLONG_MAX, &limit,
                                         RL_ERR_ZSET_LIMIT_NEGATIVE) != RL_OK) {
                free_srcs(src, (long)setnum);
                return;
            }
            j += 2;
            remaining -= 2;
        } else {
            free_srcs(src, (long)setnum);
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }

    if (op != SETOP_DIFF) qsort(src, (size_t)setnum, sizeof(*src), cmp_src_len);

    setop_ctx k = { src, (long)setnum, aggr, zset_new(0), card_only, 0, limit, 0 };
    if (op == SETOP_INTER) {
        if (src[0].len > 0) src_foreach(&src[0], inter_visit, &k);
    } else if (op == SETOP_UNION) {
        for (k.cur = 0; k.cur < setnum; k.cur++) src_foreach(&src[k.cur], union_visit, &k);
    } else if (src[0].len > 0) {
        /* The first key given again leaves nothing. */
        int same = 0;
        for (long i = 1; i < setnum; i++) same |= src[i].obj == src[0].obj;
        if (!same) src_foreach(&src[0], diff_visit, &k);
    }
    free_srcs(src, (long)setnum);

    rl_zset *dst = k.dst;
    if (dstkey) {
        if (dst->length) {
            size_t maxlen = 0;
            if (dst->length <= ZSET_MAX_LISTPACK_ENTRIES)
                for (zs_node *x = zset_first(dst); x; x = znext(x))
                    if (x->len > maxlen) maxlen = x->len;
            zset_to_listpack_if_fits(dst, maxlen);
            long long n = (long long)dst->length;
            rl_db_set(c->emu, rl_client_db(c), dstkey->ptr, dstkey->len, zset_obj_new(&dst), 0);
            rl_add_reply_long_long(c, n);
        } else {
            zset_free(dst);
            rl_add_reply_long_long(c, 0);
            delete_key(c, dstkey);
        }
        return;
    }
    if (card_only) {
        rl_add_reply_long_long(c, (long long)k.cardinality);
    } else {
        long n = (long)dst->length;
        rl_add_reply_array_len(c, withscores && c->resp == 2 ? n * 2 : n);
        for (zs_node *x = zset_first(dst); x; x = znext(x)) reply_pair(c, x, withscores);
    }
    zset_free(dst);
}

/* ZUNIONSTORE dst numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] */
void rl_cmd_zunionstore(rl_client *c)
{
    setop_generic(c, &c->argv[1], 2, SETOP_UNION, 0);
}

/* ZINTERSTORE dst numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] */
void rl_cmd_zinterstore(rl_client *c)
{
    setop_generic(c, &c->argv[1], 2, SETOP_INTER, 0);
}

/* ZDIFFSTORE dst numkeys key [key ...] */
void rl_cmd_zdiffstore(rl_client *c)
{
    setop_generic(c, &c->argv[1], 2, SETOP_DIFF, 0);
}

/* ZUNION numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE ...] [WITHSCORES] */
void rl_cmd_zunion(rl_client *c)
{
    setop_generic(c, NULL, 1, SETOP_UNION, 0);
}

/* ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE ...] [WITHSCORES] */
void rl_cmd_zinter(rl_client *c)
{
    setop_generic(c, NULL, 1, SETOP_INTER, 0);
}

/* ZDIFF numkeys key [key ...] [WITHSCORES] */
void rl_cmd_zdiff(rl_client *c)
{
    setop_generic(c, NULL, 1, SETOP_DIFF, 0);
}

/* ZINTERCARD numkeys key [key ...] [LIMIT limit] */
void rl_cmd_zintercard(rl_client *c)
{
    setop_generic(c, NULL, 1, SETOP_INTER, 1);
}

/* --- ZSCAN ------------------------------------------------------------------ */

/* A listpack's score text: integral values within +-2^62 as integers,
 * anything else as "%.17g" (inf as "inf"). */
static int listpack_score_text(char *buf, size_t size, double score)
{
    if (score >= (double)(-LLONG_MAX / 2) && score <= (double)(LLONG_MAX / 2) &&
        (double)(long long)score == score)
        return rl_ll2string(buf, size, (long long)score);
    return rl_d2string(buf, size, score);
}

static int scan_match(const rl_arg *pat, const zs_node *n)
{
    return !pat || rl_stringmatchlen(pat->ptr, pat->len, node_ele(n), n->len, 0);
}

/* ZSCAN key cursor [MATCH pattern] [COUNT count] */
void rl_cmd_zscan(rl_client *c)
{
    unsigned long cursor;
    if (rl_arg_scan_cursor_or_reply(c, &c->argv[2], &cursor) != RL_OK) return;
    int err;
    rl_zset *z = lookup_zset(c, &c->argv[1], 0, &err);
    if (err) return;
    if (!z) {
        rl_add_reply_array_len(c, 2);
        rl_add_reply_bulk(c, "0", 1);
        rl_add_reply_array_len(c, 0);
        return;
    }
    long long count = 10;
    const rl_arg *pat = NULL;
    for (int i = 3; i < c->argc; i += 2) {
        int more = c->argc - i >= 2;
        if (rl_string_opt_is(&c->argv[i], "count") && more) {
            if (rl_arg_ll_or_reply(c, &c->argv[i + 1], &count, NULL) != RL_OK) return;
            if (count < 1) {
                rl_add_reply_error(c, RL_ERR_SYNTAX);
                return;
            }
        } else if (rl_string_opt_is(&c->argv[i], "match") && more) {
            pat = &c->argv[i + 1];
            /* "*" matches everything: the same as no pattern. */
            if (pat->len == 1 && pat->ptr[0] == '*') pat = NULL;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }

    char buf[RL_MAX_LONG_DOUBLE_CHARS];
    rl_add_reply_array_len(c, 2);
    if (z->listpack) {
        /* Small sets come whole, in order, and end the iteration. */
        rl_add_reply_bulk(c, "0", 1);
        void *len = rl_add_reply_deferred_len(c);
        long n = 0;
        for (zs_node *x = zset_first(z); x; x = znext(x)) {
            if (!scan_match(pat, x)) continue;
            reply_member(c, x);
            int l = listpack_score_text(buf, sizeof(buf), x->score);
            rl_add_reply_bulk(c, buf, (size_t)l);
            n += 2;
        }
        rl_set_deferred_array_len(c, len, n);
        return;
    }

    zs_node *x;
    zset_apply_order(c->emu, z);
    if (cursor == 0) {
        x = ifirst(z);
    } else if (cursor == z->scan_cursor && z->scan_node) {
        x = z->scan_node;
    } else {
        x = ifirst(z);
        while (x && node_pos(z, x) < cursor) x = inext(x);
    }
    /* Visit count members, then reply: the pattern filters afterwards. */
    zs_node **batch = rl_malloc((size_t)(count < 1024 ? count : 1024) * sizeof(*batch));
    size_t cap = (size_t)(count < 1024 ? count : 1024), nb = 0;
    for (; x && (long long)nb < count; x = inext(x)) {
        if (nb == cap) {
            cap *= 2;
            batch = rl_realloc(batch, cap * sizeof(*batch));
        }
        batch[nb++] = x;
    }
    uint64_t next = x ? node_pos(z, x) : 0;
    z->scan_cursor = next;
    z->scan_node = x;
    rl_add_reply_bulk_long_long(c, (long long)next);
    void *len = rl_add_reply_deferred_len(c);
    long n = 0;
    for (size_t i = 0; i < nb; i++) {
        if (!scan_match(pat, batch[i])) continue;
        reply_member(c, batch[i]);
        int l = rl_ld2string(buf, sizeof(buf), (long double)batch[i]->score, RL_LD_STR_AUTO);
        rl_add_reply_bulk(c, buf, (size_t)l);
        n += 2;
    }
    rl_set_deferred_array_len(c, len, n);
    rl_free(batch);
}
