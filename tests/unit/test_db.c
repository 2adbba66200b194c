/* The keyspace core (db.c): entries, insertion order and sequence numbers,
 * binary keys, lazy and active expiry on the virtual clock, and the script
 * time freeze. A key is expired only once the clock is past its expiry
 * millisecond (Redis's keyIsExpired: now > when). */
#include "test_common.h"

#include "db.h"
#include "object.h"
#include "server.h"

#define T0 1700000000000LL

static rl_dbentry *put_len(rl_emu *emu, rl_db *db, const char *key, size_t klen, const char *v)
{
    return rl_db_set(emu, db, key, klen, rl_obj_new_string(v, strlen(v)), 0);
}

static rl_dbentry *put(rl_emu *emu, rl_db *db, const char *key, const char *v)
{
    return put_len(emu, db, key, strlen(key), v);
}

static void db_should_keep_binary_keys_apart(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_db *db = &emu->db[0];
    put_len(emu, db, "a\0b", 3, "1");
    put_len(emu, db, "a\0c", 3, "2");
    put_len(emu, db, "a", 1, "3");
    put_len(emu, db, "", 0, "4");
    assert_int_equal(rl_db_size(db), 4);
    rl_obj *o = rl_db_lookup(emu, db, "a\0c", 3);
    assert_non_null(o);
    assert_string_equal(((rl_str *)o->ptr)->buf, "2");
    assert_non_null(rl_db_lookup(emu, db, "", 0));
    assert_null(rl_db_lookup(emu, db, "a\0", 2));
    assert_int_equal(rl_db_delete(emu, db, "a\0b", 3), 1);
    assert_int_equal(rl_db_delete(emu, db, "a\0b", 3), 0);
    assert_non_null(rl_db_lookup(emu, db, "a", 1));
    /* The same bytes in another database are another key. */
    assert_null(rl_db_lookup(emu, &emu->db[1], "a", 1));
    rl_emu_free(emu);
    assert_int_equal(rl_mem_used(), 0);
}

static void db_should_number_entries_in_insertion_order(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_db *db = &emu->db[0];
    rl_dbentry *a = put(emu, db, "a", "1");
    rl_dbentry *b = put(emu, db, "b", "1");
    rl_dbentry *c = put(emu, db, "c", "1");
    assert_true(a->link.seq >= 1);
    assert_true(a->link.seq < b->link.seq && b->link.seq < c->link.seq);
    /* Overwriting keeps the entry, its place and its number. */
    uint64_t bseq = b->link.seq;
    assert_ptr_equal(put(emu, db, "b", "2"), b);
    assert_int_equal(b->link.seq, bseq);
    /* A deleted and re-added key goes to the end with a new number. */
    rl_db_delete(emu, db, "a", 1);
    a = put(emu, db, "a", "1");
    assert_true(a->link.seq > c->link.seq);
    const char *order[] = { "b", "c", "a" };
    int i = 0;
    for (rl_dbentry *e = rl_db_first(db); e; e = rl_db_next(e), i++) {
        assert_true(i < 3);
        assert_string_equal(e->key, order[i]);
        if (rl_db_next(e)) assert_true(e->link.seq < rl_db_next(e)->link.seq);
    }
    assert_int_equal(i, 3);
    rl_emu_free(emu);
    assert_int_equal(rl_mem_used(), 0);
}

static void db_set_should_clear_the_expiry_unless_keepttl(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_clock_ms(emu, T0);
    rl_db *db = &emu->db[0];
    rl_db_set_expire(put(emu, db, "k", "1"), T0 + 100);
    assert_int_equal(rl_db_get_expire(emu, db, "k", 1), T0 + 100);
    rl_db_set(emu, db, "k", 1, rl_obj_new_string("2", 1), 1);
    assert_int_equal(rl_db_get_expire(emu, db, "k", 1), T0 + 100);
    rl_db_set(emu, db, "k", 1, rl_obj_new_string("3", 1), 0);
    assert_int_equal(rl_db_get_expire(emu, db, "k", 1), -1);
    assert_int_equal(rl_db_get_expire(emu, db, "missing", 7), -1);
    rl_emu_free(emu);
    assert_int_equal(rl_mem_used(), 0);
}

static void db_should_expire_lazily_after_the_expiry_millisecond(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_clock_ms(emu, T0);
    rl_db *db = &emu->db[0];
    rl_db_set_expire(put(emu, db, "k", "1"), T0 + 10);
    /* Move the clock without the sweep, so only lookups can expire it. */
    emu->clock_ms = T0 + 10;
    assert_non_null(rl_db_find(emu, db, "k", 1));
    emu->clock_ms = T0 + 11;
    assert_int_equal(rl_db_size(db), 1);
    assert_int_equal(rl_db_entry_expired(emu, rl_db_first(db)), 1);
    assert_null(rl_db_find(emu, db, "k", 1));
    assert_int_equal(rl_db_size(db), 0);
    /* A write of an expired key starts afresh, without the old expiry. */
    rl_db_set_expire(put(emu, db, "k", "1"), T0);
    put(emu, db, "k", "2");
    assert_int_equal(rl_db_get_expire(emu, db, "k", 1), -1);
    /* Deleting an expired key reports that nothing was there. */
    rl_db_set_expire(put(emu, db, "d", "1"), T0);
    assert_int_equal(rl_db_delete(emu, db, "d", 1), 0);
    assert_int_equal(rl_db_size(db), 1);
    rl_emu_free(emu);
    assert_int_equal(rl_mem_used(), 0);
}

static void db_should_expire_actively_when_the_clock_moves(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_clock_ms(emu, T0);
    rl_db_set_expire(put(emu, &emu->db[0], "a", "1"), T0 + 5);
    rl_db_set_expire(put(emu, &emu->db[7], "b", "1"), T0 + 50);
    put(emu, &emu->db[7], "c", "1");
    rl_emu_advance_ms(emu, 5);
    assert_int_equal(rl_db_size(&emu->db[0]), 1);
    rl_emu_advance_ms(emu, 1);
    assert_int_equal(rl_db_size(&emu->db[0]), 0);
    assert_int_equal(rl_db_size(&emu->db[7]), 2);
    rl_emu_set_clock_ms(emu, T0 + 1000);
    assert_int_equal(rl_db_size(&emu->db[7]), 1);
    assert_non_null(rl_db_lookup(emu, &emu->db[7], "c", 1));
    /* The commands see it too: DBSIZE counts what the sweep left. */
    rl_assert_cmd(emu, "+OK\r\n", "select", "7");
    rl_assert_cmd(emu, ":1\r\n", "dbsize");
    rl_emu_free(emu);
    assert_int_equal(rl_mem_used(), 0);
}

static void db_should_judge_expiry_at_script_start_while_a_script_runs(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_clock_ms(emu, T0);
    rl_db *db = &emu->db[0];
    rl_db_set_expire(put(emu, db, "k", "1"), T0 + 10);
    emu->script_start_ms = T0;
    emu->clock_ms = T0 + 100;
    assert_int_equal(rl_emu_expiry_now(emu), T0);
    assert_non_null(rl_db_find(emu, db, "k", 1));
    rl_assert_cmd(emu, ":1\r\n", "exists", "k");
    emu->script_start_ms = -1;
    assert_int_equal(rl_emu_expiry_now(emu), T0 + 100);
    rl_assert_cmd(emu, ":0\r\n", "exists", "k");
    assert_int_equal(rl_db_size(db), 0);
    rl_emu_free(emu);
    assert_int_equal(rl_mem_used(), 0);
}

static void db_empty_should_free_every_key(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    char key[16];
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof(key), "key:%d", i);
        put(emu, &emu->db[i % RL_NUM_DBS], key, "value");
    }
    rl_db_empty(&emu->db[3]);
    assert_int_equal(rl_db_size(&emu->db[3]), 0);
    assert_null(rl_db_first(&emu->db[3]));
    assert_int_equal(emu->db[3].index.count, 0);
    assert_true(rl_db_size(&emu->db[4]) > 0);
    rl_emu_free(emu);
    assert_int_equal(rl_mem_used(), 0);
}

/* rl_db_warm only reads: on an empty database it finds nothing, on a full
 * one it finds the entry of the key it was given (or, for a missing key,
 * nothing, or another key of the same slot run whose hash collides; never
 * a key of another hash), and the keyspace is as it was. */
static void db_warm_should_find_the_entry_and_change_nothing(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_db *db = &emu->db[0];
    rl_db_warm w;
    rl_db_warm_begin(db, &w, "k", 1);
    rl_db_warm_entry(db, &w);
    rl_db_warm_value(&w);
    assert_null(w.e);
    char key[16];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "key:%d", i);
        put(emu, db, key, "value");
    }
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "key:%d", i);
        rl_db_warm_begin(db, &w, key, strlen(key));
        rl_db_warm_entry(db, &w);
        rl_db_warm_value(&w);
        assert_ptr_equal(w.e, rl_db_find_raw(db, key, strlen(key)));
    }
    int found = 0;
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "nokey:%d", i);
        rl_db_warm_begin(db, &w, key, strlen(key));
        rl_db_warm_entry(db, &w);
        if (w.e) {
            found++;
            assert_int_equal(w.e->link.hash, w.hash);
        }
    }
    assert_true(found < 50);
    assert_int_equal(rl_db_size(db), 5000);
    rl_emu_free(emu);
    assert_int_equal(rl_mem_used(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(db_should_keep_binary_keys_apart),
        cmocka_unit_test(db_should_number_entries_in_insertion_order),
        cmocka_unit_test(db_set_should_clear_the_expiry_unless_keepttl),
        cmocka_unit_test(db_should_expire_lazily_after_the_expiry_millisecond),
        cmocka_unit_test(db_should_expire_actively_when_the_clock_moves),
        cmocka_unit_test(db_should_judge_expiry_at_script_start_while_a_script_runs),
        cmocka_unit_test(db_empty_should_free_every_key),
        cmocka_unit_test(db_warm_should_find_the_entry_and_change_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
