/* The allocation layer (mem.c): the live-byte count, zeroed blocks from
 * rl_calloc on both of its paths, and the heap's huge pages
 * (rl_mem_prefer_huge_pages), read back from the kernel's own account of
 * the mapping in /proc/self/smaps. */
#include "test_common.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"

/* Blocks under and over the size where rl_calloc stops going through
 * malloc: every byte zero, even where a freed block of the same size,
 * full of other bytes, is what malloc hands back. */
static void calloc_should_zero_reused_and_large_blocks(void **state)
{
    (void)state;
    size_t base = rl_mem_used();
    size_t sizes[] = { 1, 24, 100, 1000, 1024, 1025, 4096, 200000 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        unsigned char *dirty = rl_malloc(sizes[i]);
        memset(dirty, 0xAB, sizes[i]);
        rl_free(dirty);
        unsigned char *p = rl_calloc(1, sizes[i]);
        for (size_t k = 0; k < sizes[i]; k++) assert_int_equal(p[k], 0);
        assert_true(rl_mem_used() >= base + sizes[i]);
        rl_free(p);
        assert_int_equal(rl_mem_used(), base);
    }
    unsigned char *q = rl_calloc(3, 7);
    for (size_t k = 0; k < 21; k++) assert_int_equal(q[k], 0);
    rl_free(q);
    assert_int_equal(rl_mem_used(), base);
}

/* The VmFlags line of the mapping that holds p, and whether that mapping is
 * the [heap]. */
static int mapping_of(const void *p, char *flags, size_t cap, int *is_heap)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f) return -1;
    char line[512];
    int inside = 0, found = -1;
    uintptr_t a = (uintptr_t)p;
    while (fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            inside = a >= lo && a < hi;
            if (inside) *is_heap = strstr(line, "[heap]") != NULL;
        } else if (inside && strncmp(line, "VmFlags:", 8) == 0) {
            size_t n = strlen(line + 8);
            if (n >= cap) n = cap - 1;
            memcpy(flags, line + 8, n);
            flags[n] = '\0';
            found = 0;
            break;
        }
    }
    fclose(f);
    return found;
}

static int has_flag(const char *flags, const char *flag)
{
    char padded[512];
    snprintf(padded, sizeof(padded), " %s ", flags);
    char *nl = strchr(padded, '\n');
    if (nl) *nl = ' ';
    char want[8];
    snprintf(want, sizeof(want), " %s ", flag);
    return strstr(padded, want) != NULL;
}

#if defined(RL_VALGRIND) || defined(__SANITIZE_ADDRESS__)
#define OWN_MALLOC 0 /* valgrind's or the sanitizer's allocator, not glibc's heap */
#else
#define OWN_MALLOC 1
#endif

/* In a child (the setting is process wide): asks for huge pages unless
 * told not to, grows the heap by 80 MiB of small blocks, and exits 0 when
 * the last block's mapping is marked huge ("hg"), 1 when it is not, 2 when
 * the block is not in the heap at all, 3 when smaps cannot be read. */
static int child_marks(const char *env)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (env) setenv("REDLUA_HUGE_PAGES", env, 1);
        rl_mem_prefer_huge_pages();
        enum { N = 20000, SIZE = 4000 };
        void **blocks = rl_malloc(N * sizeof(void *));
        for (int i = 0; i < N; i++) blocks[i] = rl_malloc(SIZE);
        char flags[400];
        int heap = 0, code;
        if (mapping_of(blocks[N - 1], flags, sizeof(flags), &heap) != 0) code = 3;
        else if (!heap) code = 2;
        else code = has_flag(flags, "hg") ? 0 : 1;
        for (int i = 0; i < N; i++) rl_free(blocks[i]);
        rl_free(blocks);
        _exit(rl_mem_used() == 0 ? code : 4);
    }
    assert_true(pid > 0);
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void heap_should_be_marked_for_huge_pages(void **state)
{
    (void)state;
    /* Without glibc's heap there is nothing to mark, and the blocks must not
     * be in a [heap] mapping either. */
    assert_int_equal(child_marks(NULL), OWN_MALLOC ? 0 : 2);
    assert_int_equal(child_marks("1"), OWN_MALLOC ? 0 : 2);
}

static void huge_pages_should_stay_off_when_told(void **state)
{
    (void)state;
    assert_int_equal(child_marks("0"), OWN_MALLOC ? 1 : 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calloc_should_zero_reused_and_large_blocks),
        cmocka_unit_test(heap_should_be_marked_for_huge_pages),
        cmocka_unit_test(huge_pages_should_stay_off_when_told),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
