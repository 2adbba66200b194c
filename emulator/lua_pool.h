/* A small-object pool for the Lua heaps (lua_env.c's allocator).
 *
 * Most of what a script allocates is small (strings, tables, their node and
 * array parts, closures, upvalues), and both engines free and resize a block
 * with its exact old size (PUC Lua 5.1's lmem.c; LuaJIT 2.1's lj_gc.c
 * lj_mem_realloc, lj_mem_free and lua_close, which hands back the GG_State
 * with its size too). So blocks of up to RL_LUA_POOL_MAX bytes need no
 * header: their size class (16-byte steps) follows from the size Lua passes,
 * and each class has a free list. Blocks are carved from slabs taken from
 * rl_malloc; a freed block goes back to its class's list, and slabs are
 * only returned, all at once, by rl_lua_pool_release (rl_lua_env_free).
 * Larger blocks come from rl_malloc with a header that links them in a
 * list of the pool's. A block moving to another class is copied (the
 * smaller of both sizes).
 *
 * Snapshots: the pool can copy all it holds and later put it back
 * (rl_lua_pool_snapshot, rl_lua_pool_restore), which turns a Lua state
 * that scripts have run in back into the state as it was, byte for byte:
 * rl_emu_reset's way to give each test case a new Lua environment
 * (lua_env.c rl_lua_env_restore).
 *
 * The slabs and the large blocks count in rl_mem_used() like any
 * allocation; *held (the emulator's lua_heap_held) is their total, so the
 * emulator's used memory can leave the Lua heaps out exactly, and every
 * slab is freed before rl_emu_free returns.
 *
 * The pool keeps the most it ever held until the environment is freed
 * (SCRIPT FLUSH, FUNCTION FLUSH or rl_emu_free): a script that built a
 * million small strings leaves their slabs behind as free lists, for the
 * next scripts to reuse. That is the price of having no header; it does not
 * count towards maxmemory (used memory leaves the Lua heaps out) nor the Lua
 * memory limit (which counts what Lua asked for, lua_heap_bytes).
 *
 * Under AddressSanitizer the pool is bypassed (every block is a "large"
 * one), so ASan sees each Lua block. In the valgrind build (CMake's
 * RL_VALGRIND, which defines RL_VALGRIND=1) the pool tells memcheck about
 * each block with its client requests, so use after free, overruns past the
 * size Lua asked for and reads of undefined bytes are still caught; a plain
 * build run under valgrind by hand does not, as memcheck then sees only
 * slabs. The requests are compiled out of the other builds because each
 * costs a dozen instructions even outside valgrind, on every allocation. */
#ifndef REDLUA_EMULATOR_LUA_POOL_H
#define REDLUA_EMULATOR_LUA_POOL_H

#include <stddef.h>
#include <string.h>

#include "mem.h"

#if defined(__SANITIZE_ADDRESS__)
#define RL_LUA_POOL_BYPASS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RL_LUA_POOL_BYPASS 1
#endif
#endif

/* 1 where rl_lua_pool_snapshot may be used: all but the valgrind build, as
 * memcheck would have to be told which blocks each restore brings back to
 * life. */
#if defined(RL_VALGRIND) && RL_VALGRIND && !defined(RL_LUA_POOL_BYPASS)
#define RL_LUA_POOL_SNAPSHOTS 0
#else
#define RL_LUA_POOL_SNAPSHOTS 1
#endif

#define RL_LUA_POOL_STEP 16
#define RL_LUA_POOL_MAX 512
#define RL_LUA_POOL_CLASSES (RL_LUA_POOL_MAX / RL_LUA_POOL_STEP)

#if defined(RL_VALGRIND) && RL_VALGRIND && !defined(RL_LUA_POOL_BYPASS)
#include <valgrind/memcheck.h>
#define RL_POOL_VG(x) x
#else
#define RL_POOL_VG(x) ((void)0)
#endif

/* The header in front of a large block: the pool lists them all, so that a
 * snapshot can find them and a restore can free the ones made since. */
typedef struct rl_lua_pool_big {
    struct rl_lua_pool_big *next, *prev;
    size_t size;   /* the bytes after the header */
    size_t pinned; /* PINNED_*: the block is in the pool's snapshot (lua_pool.c) */
} rl_lua_pool_big;

#define RL_LUA_POOL_BIG_HDR sizeof(rl_lua_pool_big)

struct rl_lua_pool_snap;

typedef struct rl_lua_pool {
    void *free[RL_LUA_POOL_CLASSES]; /* per class, blocks linked by their first word */
    unsigned char *bump, *end;       /* the part of the newest slab not carved yet */
    void *slabs;                     /* every slab, linked by its first word */
    rl_lua_pool_big *big;            /* every large block */
    size_t *held;                    /* bytes of slabs and large blocks, emulator-wide */
    struct rl_lua_pool_snap *snap;   /* rl_lua_pool_snapshot's copy, or NULL */
} rl_lua_pool;

void rl_lua_pool_init(rl_lua_pool *pool, size_t *held);
/* Frees every slab, every large block and the snapshot; the blocks must be
 * dead (after lua_close). */
void rl_lua_pool_release(rl_lua_pool *pool);
/* Copies every block the pool holds now (the slabs whole, the large
 * blocks' bytes), so that rl_lua_pool_restore can put them all back, at
 * the same addresses: a Lua state whose every byte comes from the pool is
 * then the state it was at the snapshot. From then on a large block in the
 * snapshot is never freed, only marked, until the restore or the release.
 * Once per pool, and only where RL_LUA_POOL_SNAPSHOTS is 1. */
void rl_lua_pool_snapshot(rl_lua_pool *pool);
/* Puts every block of the snapshot back as it was (its bytes, the free
 * lists) and frees what was taken since (slabs, large blocks): every
 * pointer into the pool made since is dangling. The snapshot stays, for the
 * next restore. */
void rl_lua_pool_restore(rl_lua_pool *pool);
/* A large block (nsize > RL_LUA_POOL_MAX, or any size when bypassed), and
 * the freeing of one: the slow paths of the two functions below. */
void *rl_lua_pool_big_alloc(rl_lua_pool *pool, size_t nsize);
void rl_lua_pool_big_free(rl_lua_pool *pool, void *ptr);
/* Carves a block of class cls from the newest slab, taking a new one when
 * it is used up. */
void *rl_lua_pool_carve(rl_lua_pool *pool, size_t cls);
/* The slow paths of rl_lua_pool_realloc: a block changing class, or a
 * large block. */
void *rl_lua_pool_move(rl_lua_pool *pool, void *ptr, size_t osize, size_t nsize);

/* Whether a block of size bytes comes from the pool: 1..RL_LUA_POOL_MAX
 * (size - 1 wraps for 0, a NULL block). */
static inline int rl_lua_pool_small(size_t size)
{
#ifdef RL_LUA_POOL_BYPASS
    (void)size;
    return 0;
#else
    return size - 1 < RL_LUA_POOL_MAX;
#endif
}

/* Class of a size in 1..RL_LUA_POOL_MAX. */
static inline size_t rl_lua_pool_class(size_t size)
{
    return (size - 1) / RL_LUA_POOL_STEP;
}

/* A small block (1 <= size <= RL_LUA_POOL_MAX). */
static inline void *rl_lua_pool_alloc_small(rl_lua_pool *pool, size_t size)
{
    size_t cls = rl_lua_pool_class(size);
    void **p = pool->free[cls];
    if (!p) {
        p = rl_lua_pool_carve(pool, cls);
    } else {
        RL_POOL_VG(VALGRIND_MAKE_MEM_DEFINED(p, sizeof(void *)));
        pool->free[cls] = *p;
    }
    RL_POOL_VG(VALGRIND_MALLOCLIKE_BLOCK(p, size, 0, 0));
    return p;
}

static inline void rl_lua_pool_free_small(rl_lua_pool *pool, void *ptr, size_t size)
{
    size_t cls = rl_lua_pool_class(size);
    RL_POOL_VG(VALGRIND_FREELIKE_BLOCK(ptr, 0));
    RL_POOL_VG(VALGRIND_MAKE_MEM_UNDEFINED(ptr, sizeof(void *)));
    *(void **)ptr = pool->free[cls];
    RL_POOL_VG(VALGRIND_MAKE_MEM_NOACCESS(ptr, sizeof(void *)));
    pool->free[cls] = ptr;
}

/* Frees a block Lua allocated with size bytes (ptr NULL: size 0, nothing). */
static inline void rl_lua_pool_free(rl_lua_pool *pool, void *ptr, size_t size)
{
    if (rl_lua_pool_small(size)) {
        rl_lua_pool_free_small(pool, ptr, size);
    } else if (ptr) {
        rl_lua_pool_big_free(pool, ptr);
    }
}

/* Lua's realloc: ptr NULL with osize 0 allocates; nsize > 0. Never fails
 * (rl_malloc aborts on an allocation failure). */
static inline void *rl_lua_pool_realloc(rl_lua_pool *pool, void *ptr, size_t osize, size_t nsize)
{
    if (rl_lua_pool_small(nsize)) {
        if (!ptr) return rl_lua_pool_alloc_small(pool, nsize);
        if (rl_lua_pool_small(osize) && rl_lua_pool_class(osize) == rl_lua_pool_class(nsize)) {
            RL_POOL_VG(VALGRIND_RESIZEINPLACE_BLOCK(ptr, osize, nsize, 0));
            return ptr;
        }
    }
    return rl_lua_pool_move(pool, ptr, osize, nsize);
}

#endif
