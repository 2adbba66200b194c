/* Number conversions and glob matching: the results are Redis's (util.c),
 * checked against redis-server where a command shows them. */
#include "test_common.h"

#include <limits.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

static void string2ll_should_accept_only_canonical_integers(void **state)
{
    (void)state;
    long long v = 0;
    assert_true(rl_string2ll("0", 1, &v));
    assert_int_equal(v, 0);
    assert_true(rl_string2ll("-9223372036854775808", 20, &v));
    assert_true(v == INT64_MIN);
    assert_true(rl_string2ll("9223372036854775807", 19, &v));
    assert_true(v == INT64_MAX);
    assert_false(rl_string2ll("9223372036854775808", 19, &v));
    assert_false(rl_string2ll("-9223372036854775809", 20, &v));
    assert_false(rl_string2ll("", 0, &v));
    assert_false(rl_string2ll("-", 1, &v));
    assert_false(rl_string2ll("-0", 2, &v));
    assert_false(rl_string2ll("01", 2, &v));
    assert_false(rl_string2ll("+1", 2, &v));
    assert_false(rl_string2ll(" 1", 2, &v));
    assert_false(rl_string2ll("1 ", 2, &v));
    assert_false(rl_string2ll("1.0", 3, &v));
    assert_false(rl_string2ll("1\0", 2, &v));
    assert_false(rl_string2ll("123456789012345678901", 21, &v));
}

static void ll2string_should_write_decimal_and_refuse_small_buffers(void **state)
{
    (void)state;
    char buf[32];
    assert_int_equal(rl_ll2string(buf, sizeof(buf), 0), 1);
    assert_string_equal(buf, "0");
    assert_int_equal(rl_ll2string(buf, sizeof(buf), -7), 2);
    assert_string_equal(buf, "-7");
    assert_int_equal(rl_ll2string(buf, sizeof(buf), 1234567890123LL), 13);
    assert_string_equal(buf, "1234567890123");
    assert_int_equal(rl_ll2string(buf, sizeof(buf), LLONG_MAX), 19);
    assert_string_equal(buf, "9223372036854775807");
    assert_int_equal(rl_ll2string(buf, sizeof(buf), LLONG_MIN), 20);
    assert_string_equal(buf, "-9223372036854775808");
    /* The text and its NUL must fit: 3 bytes hold "-7", not "100". */
    assert_int_equal(rl_ll2string(buf, 3, -7), 2);
    assert_int_equal(rl_ll2string(buf, 3, 100), 0);
    assert_string_equal(buf, "10");
}

static void ll2string_should_match_printf_for_every_digit_count(void **state)
{
    (void)state;
    char buf[32], want[32];
    long long p = 1; /* 10^k */
    for (int k = 0; k <= 18; k++) {
        if (k > 0) p *= 10;
        const long long vals[] = { p - 1, p, p + 1, -(p - 1), -p, -(p + 1) };
        for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
            int n = snprintf(want, sizeof(want), "%lld", vals[i]);
            assert_int_equal(rl_ll2string(buf, sizeof(buf), vals[i]), n);
            assert_string_equal(buf, want);
        }
    }
    unsigned long long x = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 10000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        long long v = (long long)(x >> (i % 64));
        if (i % 2) v = -v;
        int n = snprintf(want, sizeof(want), "%lld", v);
        assert_int_equal(rl_ll2string(buf, sizeof(buf), v), n);
        assert_string_equal(buf, want);
    }
}

static void inf2d_should_read_only_the_plain_spellings(void **state)
{
    (void)state;
    static const char *const yes[] = { "inf", "+inf", "-inf" };
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        double d = 0;
        assert_true(rl_inf2d(yes[i], strlen(yes[i]), &d));
        assert_true(d == strtod(yes[i], NULL));
    }
    /* Other spellings strtod reads are left to it (callers fall back). */
    static const char *const no[] = { "",         "-",    "+",     "in",   "Inf", "INF",
                                      "infinity", "inff", "--inf", " inf", "1" };
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        double d = 0;
        assert_false(rl_inf2d(no[i], strlen(no[i]), &d));
    }
    double d = 0;
    assert_false(rl_inf2d("inf\0", 4, &d));
    assert_true(rl_string2d("-inf", 4, &d));
    assert_true(isinf(d) && d < 0);
    assert_true(rl_string2d("INF", 3, &d));
    assert_true(isinf(d) && d > 0);
}

static void ld2string_should_format_like_incrbyfloat(void **state)
{
    (void)state;
    char buf[RL_MAX_LONG_DOUBLE_CHARS];
    if (!rl_test_long_double_exact()) {
        print_message("long doubles are computed as doubles here (valgrind): skipped\n");
        return;
    }
    struct {
        long double v;
        const char *want;
    } cases[] = {
        { 10.5L, "10.5" },      { 3.0L, "3" },
        { -0.0L, "0" },         { 0.1L, "0.1" },
        { -2.5L, "-2.5" },      { 5.0e3L, "5000" },
        { 1.0L / 0.0L, "inf" }, { -1.0L / 0.0L, "-inf" },
        { 1e-18L, "0" },        { 1e20L, "100000000000000000000" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int n = rl_ld2string(buf, sizeof(buf), cases[i].v, RL_LD_STR_HUMAN);
        assert_int_equal(n, (int)strlen(cases[i].want));
        assert_string_equal(buf, cases[i].want);
    }
}

static void d2string_should_use_17_significant_digits(void **state)
{
    (void)state;
    char buf[64];
    rl_d2string(buf, sizeof(buf), 0.1);
    assert_string_equal(buf, "0.10000000000000001");
    rl_d2string(buf, sizeof(buf), 1.5);
    assert_string_equal(buf, "1.5");
    rl_d2string(buf, sizeof(buf), 1e20);
    assert_string_equal(buf, "1e+20");
    rl_d2string(buf, sizeof(buf), -INFINITY);
    assert_string_equal(buf, "-inf");
}

static void small_int2d_should_match_strtod_or_decline(void **state)
{
    (void)state;
    /* Redis reads these with strtod: the fast path must give its double. */
    static const char *const ok[] = {
        "0", "-0", "7", "007", "-42", "1700000000000", "999999999999999", "-999999999999999"
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        double d = 1234.5;
        assert_true(rl_small_int2d(ok[i], strlen(ok[i]), &d));
        double want = strtod(ok[i], NULL);
        assert_true(d == want);
        assert_int_equal(signbit(d) != 0, signbit(want) != 0);
    }
    /* Anything else is left to strtod. */
    static const char *const no[] = {
        "", "-", "+5", " 1", "1 ", "1.0", "1e3", "0x10", "1000000000000000", "--1", "inf"
    };
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        double d = 0;
        assert_false(rl_small_int2d(no[i], strlen(no[i]), &d));
    }
    double d = 0;
    assert_false(rl_small_int2d("1\0", 2, &d));
    assert_true(rl_string2d("-0", 2, &d));
    assert_true(d == 0 && signbit(d));
    assert_true(rl_string2d("12", 2, &d));
    assert_true(d == 12.0);
}

static void string2d_should_reject_spaces_nan_and_overflow(void **state)
{
    (void)state;
    double d;
    assert_true(rl_string2d("1.5", 3, &d));
    assert_true(d == 1.5);
    assert_true(rl_string2d("inf", 3, &d));
    assert_true(isinf(d));
    assert_false(rl_string2d(" 1", 2, &d));
    assert_false(rl_string2d("1 ", 2, &d));
    assert_false(rl_string2d("nan", 3, &d));
    assert_false(rl_string2d("1e400", 5, &d));
    assert_false(rl_string2d("", 0, &d));
    assert_false(rl_string2d("1\0", 2, &d));
}

static void stringmatchlen_should_follow_redis_globs(void **state)
{
    (void)state;
#define M(p, s) rl_stringmatchlen(p, sizeof(p) - 1, s, sizeof(s) - 1, 0)
    /* Redis's matcher never matches an empty string (KEYS '**' skips the key "";
     * only a lone '*' is special-cased by KEYS and SCAN themselves). */
    assert_false(M("*", ""));
    assert_false(M("**", ""));
    assert_true(M("*", "a"));
    assert_true(M("h?llo", "hello"));
    assert_true(M("h*llo", "heeeello"));
    assert_true(M("h[ae]llo", "hallo"));
    assert_false(M("h[ae]llo", "hillo"));
    assert_true(M("h[^e]llo", "hallo"));
    assert_false(M("h[^e]llo", "hello"));
    assert_true(M("h[a-b]llo", "hbllo"));
    assert_true(M("h[b-a]llo", "hallo"));
    assert_true(M("h\\*llo", "h*llo"));
    assert_false(M("h\\*llo", "hello"));
    assert_true(M("a\0b*", "a\0bc"));
    assert_false(M("a*b", "a\0c"));
    assert_true(rl_stringmatchlen("H*", 2, "hello", 5, 1));
    assert_false(rl_stringmatchlen("H*", 2, "hello", 5, 0));
#undef M
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(string2ll_should_accept_only_canonical_integers),
        cmocka_unit_test(ll2string_should_write_decimal_and_refuse_small_buffers),
        cmocka_unit_test(ll2string_should_match_printf_for_every_digit_count),
        cmocka_unit_test(inf2d_should_read_only_the_plain_spellings),
        cmocka_unit_test(ld2string_should_format_like_incrbyfloat),
        cmocka_unit_test(d2string_should_use_17_significant_digits),
        cmocka_unit_test(small_int2d_should_match_strtod_or_decline),
        cmocka_unit_test(string2d_should_reject_spaces_nan_and_overflow),
        cmocka_unit_test(stringmatchlen_should_follow_redis_globs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
