/* The order seed (rl_emu_set_order_seed): which orders it varies, which it
 * keeps, and that scans stay complete under it. Redis fixes the order of an
 * intset (ascending), a listpack hash (insertion), lists and sorted sets, and
 * does not promise the order of a hashtable set or hash or of the keyspace
 * (its dict is seeded at random per process); these tests pin the first
 * group unchanged and the second permuted, always the same way per seed. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>

#define CALL(emu, ...) rl_emu_callv((emu), __VA_ARGS__, (const char *)NULL)

/* The bulk strings of an array reply (a flat one, or the second element of
 * a SCAN reply) appended to out, space-separated; frees r. */
static void append_words(rl_reply *r, char *out, size_t cap)
{
    assert_int_equal(r->type, RL_REPLY_ARRAY);
    for (size_t i = 0; i < r->elements; i++) {
        assert_int_equal(r->element[i]->type, RL_REPLY_BULK);
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s%s", used ? " " : "", r->element[i]->str);
    }
    rl_reply_free(r);
}

static void words(rl_reply *r, char *out, size_t cap)
{
    out[0] = '\0';
    append_words(r, out, cap);
}

/* A fresh emulator with set s = m0..m9 (non-integers: a hashtable in Redis
 * 7.0), the intset i = {9, 3, 5}, a listpack hash lp, a hashtable hash ht
 * (one value longer than 64 bytes) and keys k0..k9. */
static rl_emu *fill(uint64_t seed)
{
    rl_emu *emu = rl_emu_new();
    rl_emu_set_order_seed(emu, seed);
    rl_reply_free(
        CALL(emu, "SADD", "s", "m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"));
    rl_reply_free(CALL(emu, "SADD", "i", "9", "3", "5"));
    rl_reply_free(CALL(emu, "HSET", "lp", "f3", "a", "f1", "b", "f2", "c"));
    rl_reply_free(CALL(emu, "HSET", "ht", "g0", "0", "g1", "1", "g2", "2", "g3", "3", "g4", "4",
                       "long",
                       "0123456789012345678901234567890123456789012345678901234567890123"
                       "4"));
    for (int k = 0; k < 10; k++) {
        char key[8];
        snprintf(key, sizeof(key), "k%d", k);
        rl_reply_free(CALL(emu, "SET", key, "v"));
    }
    return emu;
}

static const char set_inserted[] = "m0 m1 m2 m3 m4 m5 m6 m7 m8 m9";
static const char hkeys_inserted[] = "g0 g1 g2 g3 g4 long";

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The words of s in byte order, so two orders of one set compare equal. */
static void sorted_words(const char *s, char *out, size_t cap)
{
    char *copy = strdup(s), *items[64], *save = NULL;
    size_t n = 0;
    for (char *w = strtok_r(copy, " ", &save); w && n < 64; w = strtok_r(NULL, " ", &save))
        items[n++] = w;
    qsort(items, n, sizeof(*items), cmp_str);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s%s", i ? " " : "", items[i]);
    }
    free(copy);
}

static void order_seed_zero_should_keep_insertion_order(void **state)
{
    (void)state;
    char got[512];
    rl_emu *emu = fill(0);
    assert_int_equal(rl_emu_order_seed(emu), 0);
    words(CALL(emu, "SMEMBERS", "s"), got, sizeof(got));
    assert_string_equal(got, set_inserted);
    words(CALL(emu, "HKEYS", "ht"), got, sizeof(got));
    assert_string_equal(got, hkeys_inserted);
    words(CALL(emu, "KEYS", "k*"), got, sizeof(got));
    assert_string_equal(got, "k0 k1 k2 k3 k4 k5 k6 k7 k8 k9");
    rl_test_free_emu(emu);
}

static void hashtable_orders_should_change_with_the_seed(void **state)
{
    (void)state;
    char orders[4][512], sorted[512], keys[4][512], got[512];
    for (uint64_t seed = 1; seed <= 3; seed++) {
        rl_emu *emu = fill(seed);
        words(CALL(emu, "SMEMBERS", "s"), orders[seed], sizeof(orders[seed]));
        sorted_words(orders[seed], sorted, sizeof(sorted));
        assert_string_equal(sorted, set_inserted);
        assert_string_not_equal(orders[seed], set_inserted);
        /* Every walk of the set agrees: SUNION of one set, SORT BY nosort. */
        words(CALL(emu, "SUNION", "s"), got, sizeof(got));
        assert_string_equal(got, orders[seed]);
        words(CALL(emu, "SORT", "s", "BY", "nosort"), got, sizeof(got));
        assert_string_equal(got, orders[seed]);
        words(CALL(emu, "HKEYS", "ht"), got, sizeof(got));
        sorted_words(got, sorted, sizeof(sorted));
        assert_string_equal(sorted, hkeys_inserted);
        assert_string_not_equal(got, hkeys_inserted);
        words(CALL(emu, "KEYS", "k*"), keys[seed], sizeof(keys[seed]));
        assert_string_not_equal(keys[seed], "k0 k1 k2 k3 k4 k5 k6 k7 k8 k9");
        rl_test_free_emu(emu);
    }
    assert_string_not_equal(orders[1], orders[2]);
    assert_string_not_equal(orders[2], orders[3]);
    assert_string_not_equal(keys[1], keys[2]);

    /* The same seed gives the same order, whatever the insertion order. */
    rl_emu *emu = rl_emu_new();
    rl_emu_set_order_seed(emu, 2);
    rl_reply_free(CALL(emu, "SADD", "s", "m9", "m8", "m7", "m6", "m5"));
    rl_reply_free(CALL(emu, "SADD", "s", "m0", "m1", "m2", "m3", "m4"));
    words(CALL(emu, "SMEMBERS", "s"), got, sizeof(got));
    assert_string_equal(got, orders[2]);
    rl_test_free_emu(emu);
}

static void fixed_orders_should_not_change_with_the_seed(void **state)
{
    (void)state;
    char got[512];
    for (uint64_t seed = 0; seed <= 3; seed++) {
        rl_emu *emu = fill(seed);
        words(CALL(emu, "SMEMBERS", "i"), got, sizeof(got));
        assert_string_equal(got, "3 5 9");
        words(CALL(emu, "HKEYS", "lp"), got, sizeof(got));
        assert_string_equal(got, "f3 f1 f2");
        rl_reply_free(CALL(emu, "RPUSH", "l", "c", "a", "b"));
        words(CALL(emu, "LRANGE", "l", "0", "-1"), got, sizeof(got));
        assert_string_equal(got, "c a b");
        rl_reply_free(CALL(emu, "ZADD", "z", "2", "b", "1", "c", "3", "a"));
        words(CALL(emu, "ZRANGE", "z", "0", "-1"), got, sizeof(got));
        assert_string_equal(got, "c b a");
        rl_test_free_emu(emu);
    }
}

static void seed_zero_should_restore_insertion_order(void **state)
{
    (void)state;
    char got[512];
    rl_emu *emu = fill(5);
    words(CALL(emu, "SMEMBERS", "s"), got, sizeof(got));
    assert_string_not_equal(got, set_inserted);
    rl_emu_set_order_seed(emu, 0);
    words(CALL(emu, "SMEMBERS", "s"), got, sizeof(got));
    assert_string_equal(got, set_inserted);
    words(CALL(emu, "HKEYS", "ht"), got, sizeof(got));
    assert_string_equal(got, hkeys_inserted);
    words(CALL(emu, "KEYS", "k*"), got, sizeof(got));
    assert_string_equal(got, "k0 k1 k2 k3 k4 k5 k6 k7 k8 k9");
    rl_test_free_emu(emu);
}

/* Runs a SCAN-family command (cmd key cursor COUNT 3, or SCAN cursor COUNT 3
 * without a key) to the end and returns the elements in visit order; for
 * HSCAN only the fields. */
static void scan_all(rl_emu *emu, const char *cmd, const char *key, char *out, size_t cap)
{
    char cursor[32] = "0";
    out[0] = '\0';
    int calls = 0;
    do {
        rl_reply *r =
            key ? CALL(emu, cmd, key, cursor, "COUNT", "3") : CALL(emu, cmd, cursor, "COUNT", "3");
        assert_int_equal(r->type, RL_REPLY_ARRAY);
        assert_int_equal(r->elements, 2);
        snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
        rl_reply *items = r->element[1];
        int hscan = strcmp(cmd, "HSCAN") == 0;
        for (size_t i = 0; i < items->elements; i += hscan ? 2 : 1) {
            size_t used = strlen(out);
            snprintf(out + used, cap - used, "%s%s", used ? " " : "", items->element[i]->str);
        }
        rl_reply_free(r);
        assert_true(++calls < 100);
    } while (strcmp(cursor, "0") != 0);
}

static void scans_should_follow_the_seeded_order(void **state)
{
    (void)state;
    char whole[512], scanned[512];
    for (uint64_t seed = 0; seed <= 2; seed++) {
        rl_emu *emu = fill(seed);
        words(CALL(emu, "SMEMBERS", "s"), whole, sizeof(whole));
        scan_all(emu, "SSCAN", "s", scanned, sizeof(scanned));
        assert_string_equal(scanned, whole);
        words(CALL(emu, "HKEYS", "ht"), whole, sizeof(whole));
        scan_all(emu, "HSCAN", "ht", scanned, sizeof(scanned));
        assert_string_equal(scanned, whole);
        words(CALL(emu, "KEYS", "*"), whole, sizeof(whole));
        scan_all(emu, "SCAN", NULL, scanned, sizeof(scanned));
        assert_string_equal(scanned, whole);
        rl_test_free_emu(emu);
    }
}

/* A member present for the whole SSCAN is returned exactly once, even when
 * members are added and removed between the calls (the list is sorted again
 * before each call). */
static void sscan_should_return_each_member_once_across_changes(void **state)
{
    (void)state;
    rl_emu *emu = fill(7);
    char cursor[32] = "0", seen[1024] = "";
    int round = 0;
    do {
        rl_reply *r = CALL(emu, "SSCAN", "s", cursor, "COUNT", "2");
        snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
        append_words(rl_reply_dup(r->element[1]), seen, sizeof(seen));
        rl_reply_free(r);
        char extra[16];
        snprintf(extra, sizeof(extra), "x%d", round++);
        rl_reply_free(CALL(emu, "SADD", "s", extra));
        rl_reply_free(CALL(emu, "SREM", "s", extra));
        rl_reply_free(CALL(emu, "SADD", "s", "new"));
    } while (strcmp(cursor, "0") != 0);
    char sorted[1024];
    sorted_words(seen, sorted, sizeof(sorted));
    /* "new" came in after the first call: it may be in the walk or not. */
    if (strstr(sorted, "new") != NULL)
        assert_string_equal(sorted, "m0 m1 m2 m3 m4 m5 m6 m7 m8 m9 new");
    else assert_string_equal(sorted, set_inserted);
    rl_test_free_emu(emu);
}

/* ZSCAN of a skiplist-encoded sorted set walks Redis's dict, in an order
 * Redis does not promise; a listpack one answers in score order. */
static void zscan_should_follow_the_seed_for_skiplists_only(void **state)
{
    (void)state;
    char orders[3][4096], sorted[4096], small[3][256];
    char inserted[4096] = "";
    for (int i = 0; i < 200; i++) {
        size_t used = strlen(inserted);
        snprintf(inserted + used, sizeof(inserted) - used, "%sm%03d", i ? " " : "", i);
    }
    for (uint64_t seed = 0; seed <= 2; seed++) {
        rl_emu *emu = rl_emu_new();
        rl_emu_set_order_seed(emu, seed);
        for (int i = 0; i < 200; i++) {
            char m[8];
            snprintf(m, sizeof(m), "m%03d", i);
            rl_reply_free(CALL(emu, "ZADD", "big", "1", m));
        }
        rl_reply_free(CALL(emu, "ZADD", "small", "2", "b", "1", "a", "3", "c"));
        char cursor[32] = "0";
        orders[seed][0] = '\0';
        do {
            rl_reply *r = CALL(emu, "ZSCAN", "big", cursor, "COUNT", "7");
            snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
            rl_reply *items = r->element[1];
            for (size_t i = 0; i < items->elements; i += 2) {
                size_t used = strlen(orders[seed]);
                snprintf(orders[seed] + used, sizeof(orders[seed]) - used, "%s%s", used ? " " : "",
                         items->element[i]->str);
            }
            rl_reply_free(r);
        } while (strcmp(cursor, "0") != 0);
        rl_reply *r = CALL(emu, "ZSCAN", "small", "0");
        small[seed][0] = '\0';
        append_words(rl_reply_dup(r->element[1]), small[seed], sizeof(small[seed]));
        rl_reply_free(r);
        rl_test_free_emu(emu);
    }
    assert_string_equal(orders[0], inserted);
    for (uint64_t seed = 1; seed <= 2; seed++) {
        char *copy = strdup(orders[seed]), *items[200], *save = NULL;
        size_t n = 0;
        for (char *w = strtok_r(copy, " ", &save); w && n < 200; w = strtok_r(NULL, " ", &save))
            items[n++] = w;
        assert_int_equal(n, 200);
        qsort(items, n, sizeof(*items), cmp_str);
        sorted[0] = '\0';
        for (size_t i = 0; i < n; i++) {
            size_t used = strlen(sorted);
            snprintf(sorted + used, sizeof(sorted) - used, "%s%s", i ? " " : "", items[i]);
        }
        free(copy);
        assert_string_equal(sorted, inserted);
        assert_string_not_equal(orders[seed], inserted);
        assert_string_equal(small[seed], "a 1 b 2 c 3");
    }
    assert_string_not_equal(orders[1], orders[2]);
}

static void seed_should_restart_the_random_generator(void **state)
{
    (void)state;
    char runs[3][512], again[512];
    for (uint64_t seed = 0; seed <= 2; seed++) {
        rl_emu *emu = fill(seed);
        words(CALL(emu, "SRANDMEMBER", "i", "-8"), runs[seed], sizeof(runs[seed]));
        rl_test_free_emu(emu);
    }
    assert_string_not_equal(runs[0], runs[1]);
    assert_string_not_equal(runs[1], runs[2]);
    /* Seed 0 draws what an emulator that never heard of seeds draws. */
    rl_emu *emu = rl_emu_new();
    rl_reply_free(CALL(emu, "SADD", "i", "9", "3", "5"));
    words(CALL(emu, "SRANDMEMBER", "i", "-8"), again, sizeof(again));
    assert_string_equal(again, runs[0]);
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(order_seed_zero_should_keep_insertion_order),
        cmocka_unit_test(hashtable_orders_should_change_with_the_seed),
        cmocka_unit_test(fixed_orders_should_not_change_with_the_seed),
        cmocka_unit_test(seed_zero_should_restore_insertion_order),
        cmocka_unit_test(scans_should_follow_the_seeded_order),
        cmocka_unit_test(sscan_should_return_each_member_once_across_changes),
        cmocka_unit_test(zscan_should_follow_the_seed_for_skiplists_only),
        cmocka_unit_test(seed_should_restart_the_random_generator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
