#include "lua_pool.h"

/* Slabs of 32 KiB: a new EVAL environment's heap (about 35 KiB of
 * libraries and globals on PUC Lua, 42 KiB on LuaJIT, mostly small blocks)
 * takes two, and a slab's rl_malloc is paid once per few hundred blocks. The first 16 bytes link
 * the slabs, keeping the blocks 16-byte aligned as malloc's are. */
#define SLAB_SIZE (32 * 1024)
#define SLAB_HDR 16

void rl_lua_pool_init(rl_lua_pool *pool, size_t *held)
{
    memset(pool, 0, sizeof(*pool));
    pool->held = held;
}

/* rl_lua_pool_big.pinned: a block not in the snapshot; one in it that Lua
 * holds; one in it that Lua freed (or moved) since, kept for the restore. */
#define PINNED_NO 0
#define PINNED_LIVE 1
#define PINNED_FREED 2

typedef struct rl_lua_pool_snap {
    rl_lua_pool pool;      /* the free lists, bump, end and slabs at the snapshot */
    size_t nbig;           /* the large blocks then */
    rl_lua_pool_big **big; /* their headers */
    unsigned char *bytes;  /* the slabs' bytes (the newest one up to bump), then the blocks' */
} rl_lua_pool_snap;

void rl_lua_pool_release(rl_lua_pool *pool)
{
    void *slab = pool->slabs;
    while (slab) {
        void *next = *(void **)slab;
        RL_POOL_VG(VALGRIND_MAKE_MEM_UNDEFINED(slab, SLAB_SIZE));
        rl_free(slab);
        *pool->held -= SLAB_SIZE;
        slab = next;
    }
    rl_lua_pool_big *h = pool->big;
    while (h) {
        rl_lua_pool_big *next = h->next;
        *pool->held -= RL_LUA_POOL_BIG_HDR + h->size;
        rl_free(h);
        h = next;
    }
    if (pool->snap) {
        rl_free(pool->snap->big);
        rl_free(pool->snap->bytes);
        rl_free(pool->snap);
    }
    size_t *held = pool->held;
    rl_lua_pool_init(pool, held);
}

/* The bytes of a slab the snapshot copies: all but the header, and of the
 * newest slab only what was carved from it. */
static size_t slab_used(const rl_lua_pool *pool, const unsigned char *slab)
{
    return (slab == pool->slabs ? (size_t)(pool->bump - slab) : SLAB_SIZE) - SLAB_HDR;
}

void rl_lua_pool_snapshot(rl_lua_pool *pool)
{
    size_t nbytes = 0, nbig = 0;
    for (unsigned char *slab = pool->slabs; slab; slab = *(void **)slab)
        nbytes += slab_used(pool, slab);
    for (rl_lua_pool_big *h = pool->big; h; h = h->next) {
        nbytes += h->size;
        nbig++;
    }
    rl_lua_pool_snap *snap = rl_malloc(sizeof(*snap));
    snap->pool = *pool;
    snap->nbig = nbig;
    snap->big = rl_malloc((nbig ? nbig : 1) * sizeof(*snap->big));
    snap->bytes = rl_malloc(nbytes ? nbytes : 1);
    unsigned char *at = snap->bytes;
    for (unsigned char *slab = pool->slabs; slab; slab = *(void **)slab) {
        size_t n = slab_used(pool, slab);
        memcpy(at, slab + SLAB_HDR, n);
        at += n;
    }
    size_t i = 0;
    for (rl_lua_pool_big *h = pool->big; h; h = h->next) {
        h->pinned = PINNED_LIVE;
        snap->big[i++] = h;
        memcpy(at, h + 1, h->size);
        at += h->size;
    }
    pool->snap = snap;
}

static void big_unlink(rl_lua_pool *pool, rl_lua_pool_big *h)
{
    if (h->prev) h->prev->next = h->next;
    else pool->big = h->next;
    if (h->next) h->next->prev = h->prev;
}

void rl_lua_pool_restore(rl_lua_pool *pool)
{
    rl_lua_pool_snap *snap = pool->snap;
    /* Slabs taken since are the first ones of the list. */
    void *slab = pool->slabs;
    while (slab != snap->pool.slabs) {
        void *next = *(void **)slab;
        rl_free(slab);
        *pool->held -= SLAB_SIZE;
        slab = next;
    }
    rl_lua_pool_big *h = pool->big;
    while (h) {
        rl_lua_pool_big *next = h->next;
        if (h->pinned) {
            h->pinned = PINNED_LIVE;
        } else {
            big_unlink(pool, h);
            *pool->held -= RL_LUA_POOL_BIG_HDR + h->size;
            rl_free(h);
        }
        h = next;
    }
    rl_lua_pool_big *big = pool->big;
    *pool = snap->pool;
    pool->big = big;
    pool->snap = snap;
    const unsigned char *at = snap->bytes;
    for (unsigned char *s = pool->slabs; s; s = *(void **)s) {
        size_t n = slab_used(pool, s);
        memcpy(s + SLAB_HDR, at, n);
        at += n;
    }
    for (size_t i = 0; i < snap->nbig; i++) {
        memcpy(snap->big[i] + 1, at, snap->big[i]->size);
        at += snap->big[i]->size;
    }
}

void *rl_lua_pool_big_alloc(rl_lua_pool *pool, size_t nsize)
{
    rl_lua_pool_big *h = rl_malloc(RL_LUA_POOL_BIG_HDR + nsize);
    *pool->held += RL_LUA_POOL_BIG_HDR + nsize;
    h->size = nsize;
    h->pinned = PINNED_NO;
    h->prev = NULL;
    h->next = pool->big;
    if (h->next) h->next->prev = h;
    pool->big = h;
    return h + 1;
}

void rl_lua_pool_big_free(rl_lua_pool *pool, void *ptr)
{
    rl_lua_pool_big *h = (rl_lua_pool_big *)ptr - 1;
    if (h->pinned) {
        h->pinned = PINNED_FREED;
        return;
    }
    big_unlink(pool, h);
    *pool->held -= RL_LUA_POOL_BIG_HDR + h->size;
    rl_free(h);
}

/* A large block resized: in place when it is not in the snapshot (its
 * neighbours in the list then learn where it went), else as a new block. */
static void *big_realloc(rl_lua_pool *pool, void *ptr, size_t nsize)
{
    rl_lua_pool_big *h = (rl_lua_pool_big *)ptr - 1;
    if (h->pinned) {
        void *n = rl_lua_pool_big_alloc(pool, nsize);
        memcpy(n, ptr, h->size < nsize ? h->size : nsize);
        h->pinned = PINNED_FREED;
        return n;
    }
    *pool->held = *pool->held - h->size + nsize;
    h = rl_realloc(h, RL_LUA_POOL_BIG_HDR + nsize);
    h->size = nsize;
    if (h->prev) h->prev->next = h;
    else pool->big = h;
    if (h->next) h->next->prev = h;
    return h + 1;
}

void *rl_lua_pool_carve(rl_lua_pool *pool, size_t cls)
{
    size_t size = (cls + 1) * RL_LUA_POOL_STEP;
    if ((size_t)(pool->end - pool->bump) < size) {
        /* The rest of the old slab (a multiple of the step, smaller than
         * size) joins the free list of its own class. */
        size_t rest = (size_t)(pool->end - pool->bump);
        if (rest) {
            void **p = (void **)pool->bump;
            size_t rcls = rl_lua_pool_class(rest);
            RL_POOL_VG(VALGRIND_MAKE_MEM_UNDEFINED(p, sizeof(void *)));
            *p = pool->free[rcls];
            RL_POOL_VG(VALGRIND_MAKE_MEM_NOACCESS(p, sizeof(void *)));
            pool->free[rcls] = p;
        }
        unsigned char *slab = rl_malloc(SLAB_SIZE);
        *pool->held += SLAB_SIZE;
        *(void **)slab = pool->slabs;
        pool->slabs = slab;
        pool->bump = slab + SLAB_HDR;
        pool->end = slab + SLAB_SIZE;
        RL_POOL_VG(VALGRIND_MAKE_MEM_NOACCESS(pool->bump, SLAB_SIZE - SLAB_HDR));
    }
    void *p = pool->bump;
    pool->bump += size;
    return p;
}

void *rl_lua_pool_move(rl_lua_pool *pool, void *ptr, size_t osize, size_t nsize)
{
    int osmall = rl_lua_pool_small(osize), nsmall = rl_lua_pool_small(nsize);
    if (ptr && !osmall && !nsmall) return big_realloc(pool, ptr, nsize);
    void *n = nsmall ? rl_lua_pool_alloc_small(pool, nsize) : rl_lua_pool_big_alloc(pool, nsize);
    if (ptr) {
        memcpy(n, ptr, osize < nsize ? osize : nsize);
        rl_lua_pool_free(pool, ptr, osize);
    }
    return n;
}
