#define _DEFAULT_SOURCE /* sbrk, madvise */
#include "mem.h"

#include <malloc.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The live-byte counter adds and subtracts each block's usable size, as
 * malloc_usable_size reports it: what Redis's zmalloc counts too (with
 * jemalloc's sizes), and no size header of our own, which cost 16 bytes a
 * block and, for small nodes, a share of every cache line they sit on. */
static atomic_size_t used_bytes;

/* Huge pages (rl_mem_prefer_huge_pages). A test suite's keyspace is
 * thousands of small blocks touched in random order, and with 4 KiB pages
 * nearly every touch of a cold key misses the TLB as well as the cache
 * (on a virtual machine, a two-level page walk). The kernel's transparent
 * huge pages, in its usual "madvise" mode, go to regions marked
 * MADV_HUGEPAGE: the heap is marked as it grows (glibc's own
 * glibc.malloc.hugetlb=1 tunable does the same, but only from the
 * environment at startup). The heap grows in steps of HEAP_STEP, so that
 * most of each step is whole, untouched 2 MiB ranges when it is marked (a
 * range with a small page already in it stays small), and blocks up to
 * that size come from the heap rather than from mmap. advised_end is the
 * heap's end as last marked, 0 while off. */
static _Atomic uintptr_t advised_end;
#define HEAP_STEP ((size_t)32 << 20)

static void advise_heap(void)
{
    uintptr_t end = (uintptr_t)sbrk(0),
              was = atomic_load_explicit(&advised_end, memory_order_relaxed);
    if (end <= was) return;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = was & ~(page - 1);
    /* Threads that race here mark the same range twice, which is harmless. */
    madvise((void *)from, end - from, MADV_HUGEPAGE);
    atomic_store_explicit(&advised_end, end, memory_order_relaxed);
}

void rl_mem_prefer_huge_pages(void)
{
    const char *env = getenv("REDLUA_HUGE_PAGES");
    if (atomic_load(&advised_end) || (env && strcmp(env, "0") == 0)) return;
    mallopt(M_TOP_PAD, (int)HEAP_STEP);
    mallopt(M_MMAP_THRESHOLD, (int)HEAP_STEP);
    void *end = sbrk(0);
    if (end != (void *)-1) atomic_store(&advised_end, (uintptr_t)end);
}

/* A block just past the marked heap means the heap grew. Blocks far from
 * it (mmap's, another allocator's under a sanitizer) are left alone. */
static inline void note_block(const void *p)
{
    uintptr_t end = atomic_load_explicit(&advised_end, memory_order_relaxed);
    if (end && (uintptr_t)p - end < ((uintptr_t)1 << 30)) advise_heap();
}

static void oom(size_t size)
{
    fprintf(stderr, "redlua: out of memory trying to allocate %zu bytes\n", size);
    fflush(stderr);
    abort();
}

void *rl_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) oom(size);
    note_block(p);
    atomic_fetch_add_explicit(&used_bytes, malloc_usable_size(p), memory_order_relaxed);
    return p;
}

/* glibc's calloc never takes a block from the thread cache, where a small
 * block freed a moment ago waits: for the small blocks that make up reply
 * trees and the like, malloc and memset are about 100 instructions
 * cheaper. Large blocks keep calloc, which knows fresh pages are zero. */
#define CALLOC_BY_MALLOC 1024

void *rl_calloc(size_t nmemb, size_t size)
{
    if (size && nmemb > ((size_t)-1) / size) oom((size_t)-1);
    size_t n = nmemb ? nmemb : 1, each = size ? size : 1, total = n * each;
    void *p;
    if (total <= CALLOC_BY_MALLOC) {
        p = malloc(total);
        /* Hidden from the compiler, which would fuse the two into calloc. */
        __asm__("" : "+r"(p));
        if (p) memset(p, 0, total);
    } else {
        p = calloc(n, each);
    }
    if (!p) oom(total);
    note_block(p);
    atomic_fetch_add_explicit(&used_bytes, malloc_usable_size(p), memory_order_relaxed);
    return p;
}

void *rl_realloc(void *ptr, size_t size)
{
    if (!ptr) return rl_malloc(size);
    size_t old = malloc_usable_size(ptr);
    void *p = realloc(ptr, size ? size : 1);
    if (!p) oom(size);
    note_block(p);
    atomic_fetch_sub_explicit(&used_bytes, old, memory_order_relaxed);
    atomic_fetch_add_explicit(&used_bytes, malloc_usable_size(p), memory_order_relaxed);
    return p;
}

void rl_free(void *ptr)
{
    if (!ptr) return;
    atomic_fetch_sub_explicit(&used_bytes, malloc_usable_size(ptr), memory_order_relaxed);
    free(ptr);
}

char *rl_memdup(const void *p, size_t len)
{
    char *s = rl_malloc(len + 1);
    if (len) memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

char *rl_strdup(const char *s)
{
    return rl_memdup(s, strlen(s));
}

char *rl_vasprintf(size_t *len, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    /* Only an invalid format fails; ours are literals the compiler checks. */
    if (n < 0) n = 0;
    char *buf = rl_malloc((size_t)n + 1);
    if (vsnprintf(buf, (size_t)n + 1, fmt, again) < 0) buf[n = 0] = '\0';
    va_end(again);
    if (len) *len = (size_t)n;
    return buf;
}

size_t rl_mem_used(void)
{
    return atomic_load(&used_bytes);
}
