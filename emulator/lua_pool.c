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
    size_t *held = pool->held;
    rl_lua_pool_init(pool, held);
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
    if (ptr && !osmall && !nsmall) {
        *pool->held = *pool->held - osize + nsize;
        return rl_realloc(ptr, nsize);
    }
    void *n;
    if (nsmall) {
        n = rl_lua_pool_alloc_small(pool, nsize);
    } else {
        n = rl_malloc(nsize);
        *pool->held += nsize;
    }
    if (ptr) {
        memcpy(n, ptr, osize < nsize ? osize : nsize);
        rl_lua_pool_free(pool, ptr, osize);
    }
    return n;
}
