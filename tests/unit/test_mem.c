/* The allocation layer (mem.c): the live-byte count and zeroed blocks from
 * rl_calloc on both of its paths. */
#include "test_common.h"

#include <stdlib.h>
#include <string.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calloc_should_zero_reused_and_large_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
