/* pairs() order under the order seed (redlua.h, rl_emu_set_order_seed), on
 * both engines. PUC Lua hashes strings without a seed: the order is the same
 * for every seed (and is Redis's). LuaJIT seeds its string hashing from
 * getrandom(2) in lua_newstate; the emulator feeds it bytes drawn from the
 * order seed (engine_luajit.c), so one seed gives one order on every run and
 * other seeds give other orders. */
#include "test_common.h"

#include <stdio.h>

/* The keys of a 30-key table in pairs() order, on a fresh emulator with the
 * given seed. */
static void pairs_order(uint64_t seed, char *out, size_t cap)
{
    rl_emu *emu = rl_emu_new();
    rl_emu_set_order_seed(emu, seed);
    rl_reply *r = rl_emu_callv(emu, "EVAL",
                               "local t = {} for i = 1, 30 do t['k' .. i] = i end "
                               "local o = {} for k in pairs(t) do o[#o + 1] = k end "
                               "return table.concat(o, ' ')",
                               "0", (const char *)NULL);
    assert_int_equal(r->type, RL_REPLY_BULK);
    snprintf(out, cap, "%s", r->str);
    rl_reply_free(r);
    rl_test_free_emu(emu);
}

static void pairs_order_should_repeat_for_a_seed(void **state)
{
    (void)state;
    char a[512], b[512];
    for (uint64_t seed = 0; seed <= 2; seed++) {
        pairs_order(seed, a, sizeof(a));
        pairs_order(seed, b, sizeof(b));
        assert_string_equal(a, b);
    }
}

static void pairs_order_should_follow_the_seed_on_luajit_only(void **state)
{
    (void)state;
    char zero[512], one[512], two[512];
    pairs_order(0, zero, sizeof(zero));
    pairs_order(1, one, sizeof(one));
    pairs_order(2, two, sizeof(two));
    if (strcmp(rl_emu_engine(), "lua51") == 0) {
        assert_string_equal(zero, one);
        assert_string_equal(one, two);
    } else {
        assert_string_not_equal(zero, one);
        assert_string_not_equal(one, two);
        assert_string_not_equal(zero, two);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pairs_order_should_repeat_for_a_seed),
        cmocka_unit_test(pairs_order_should_follow_the_seed_on_luajit_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
