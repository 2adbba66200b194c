/* Sets: Redis 7.0's two encodings and the S* commands.
 *
 * A set is an "intset" while every member is a canonical int64 (Redis's
 * string2ll) and it has at most 512 members (set-max-intset-entries): a
 * sorted array, so members come out in ascending numeric order exactly as
 * Redis's intset does. Any other member, or a 513th, converts it to a
 * "hashtable" for good (Redis never converts back). Redis iterates a
 * hashtable in the order of a randomly seeded hash, so ours fixes an order
 * instead: insertion order into the hashtable (after a conversion, the
 * former intset's members in ascending order, then the newcomers).
 *
 * Since the encoding decides the order, the commands follow Redis's
 * algorithms step for step where the encoding of a result depends on them:
 * SUNION/SDIFF (and their STORE forms, and SINTERSTORE) build their result
 * in a set that starts as an intset, SDIFF picks between its two algorithms
 * as Redis does, SPOP with a count keeps the members it does not return in
 * a new set created as Redis creates it.
 *
 * A hashtable set keeps three views of its members: a uthash by bytes
 * (O(1) membership, insertion order), a uthash by insertion sequence (an
 * SSCAN cursor resumes in O(1)) and a dense array (O(1) random picks for
 * SPOP and SRANDMEMBER, with swap-remove on deletion).
 *
 * Under an order seed (rl_emu_set_order_seed) a hashtable iterates by rank
 * instead (server.h, rl_order): set_apply_order sorts the member list before
 * every walk a client sees, and an SSCAN cursor is the rank of the next
 * member. Intsets keep their ascending order, which Redis fixes too. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "db.h"
#include "errors.h"
#include "mem.h"
#include "multi.h"
#include "object.h"
#include "rl_uthash.h"
#include "server.h"
#include "util.h"

/* ==========================================================================
 * Set API
 * ========================================================================== */

#define SET_MAX_INTSET_ENTRIES 512
/* SPOP with a count keeps the members it leaves behind in a new set when
 * they are few compared to the popped ones (Redis's SPOP_MOVE_STRATEGY_MUL). */
#define SPOP_MOVE_STRATEGY_MUL 5
/* SRANDMEMBER removes random members from a full copy when the count is
 * close to the size (Redis's SRANDMEMBER_SUB_STRATEGY_MUL). */
#define SRANDMEMBER_SUB_STRATEGY_MUL 3

typedef struct set_member {
    char *buf; /* NUL-terminated copy of len bytes */
    size_t len;
    size_t pos;    /* index in the set's dense array */
    uint64_t seq;  /* insertion sequence, >= 1: the SSCAN cursor */
    uint64_t rank; /* rl_order_rank, while the set's order.seed != 0 */
    UT_hash_handle hh;
    UT_hash_handle hh_seq;
} set_member;

typedef struct rl_set {
    int is_intset;
    /* intset encoding: ascending, no duplicates. */
    int64_t *ints;
    size_t nints, intcap;
    /* hashtable encoding. */
    set_member *members; /* by bytes, insertion order */
    set_member *by_seq;  /* by seq */
    set_member **dense;
    size_t ndense, densecap;
    uint64_t next_seq;
    rl_order order;
} rl_set;

/* One member as an iterator or a random pick sees it. For an intset
 * member, ptr points into buf, which holds its decimal form. */
typedef struct set_elem {
    const char *ptr;
    size_t len;
    int is_int;
    long long ll;
    char buf[RL_LONG_STR_SIZE];
} set_elem;

typedef struct set_iter {
    const rl_set *s;
    size_t i;
    const set_member *m;
} set_iter;

static rl_set *set_new_intset(void)
{
    rl_set *s = rl_calloc(1, sizeof(*s));
    s->is_intset = 1;
    s->next_seq = 1;
    return s;
}

static rl_set *set_new_ht(void)
{
    rl_set *s = set_new_intset();
    s->is_intset = 0;
    return s;
}

/* Redis's setTypeCreate: an intset when value could live in one. */
static rl_set *set_new_for(const char *p, size_t len)
{
    long long ll;
    return rl_string2ll(p, len, &ll) ? set_new_intset() : set_new_ht();
}

static size_t set_size(const rl_set *s)
{
    return s->is_intset ? s->nints : s->ndense;
}

/* Binary search; *pos gets the index of v or where it would go. */
static int intset_search(const rl_set *s, int64_t v, size_t *pos)
{
    size_t lo = 0, hi = s->nints;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->ints[mid] == v) {
            *pos = mid;
            return 1;
        }
        if (s->ints[mid] < v) lo = mid + 1;
        else hi = mid;
    }
    *pos = lo;
    return 0;
}

static int intset_add(rl_set *s, int64_t v)
{
    size_t pos;
    if (intset_search(s, v, &pos)) return 0;
    if (s->nints == s->intcap) {
        s->intcap = s->intcap ? s->intcap * 2 : 4;
        s->ints = rl_realloc(s->ints, s->intcap * sizeof(*s->ints));
    }
    memmove(s->ints + pos + 1, s->ints + pos, (s->nints - pos) * sizeof(*s->ints));
    s->ints[pos] = v;
    s->nints++;
    return 1;
}

static int intset_remove(rl_set *s, int64_t v)
{
    size_t pos;
    if (!intset_search(s, v, &pos)) return 0;
    memmove(s->ints + pos, s->ints + pos + 1, (s->nints - pos - 1) * sizeof(*s->ints));
    s->nints--;
    return 1;
}

static set_member *ht_find(const rl_set *s, const char *p, size_t len)
{
    set_member *m;
    HASH_FIND(hh, s->members, p, len, m);
    return m;
}

static int ht_add(rl_set *s, const char *p, size_t len)
{
    if (ht_find(s, p, len)) return 0;
    set_member *m = rl_malloc(sizeof(*m));
    m->buf = rl_memdup(p, len);
    m->len = len;
    m->seq = s->next_seq++;
    if (s->ndense == s->densecap) {
        s->densecap = s->densecap ? s->densecap * 2 : 8;
        s->dense = rl_realloc(s->dense, s->densecap * sizeof(*s->dense));
    }
    m->pos = s->ndense;
    s->dense[s->ndense++] = m;
    HASH_ADD_KEYPTR(hh, s->members, m->buf, m->len, m);
    HASH_ADD(hh_seq, s->by_seq, seq, sizeof(m->seq), m);
    s->order.stale = 1;
    return 1;
}

static int cmp_by_seq(const set_member *a, const set_member *b)
{
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_by_rank(const set_member *a, const set_member *b)
{
    if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
    return cmp_by_seq(a, b);
}

/* Sorts a hashtable's member list for the emulator's order seed. The order
 * is not part of the set's value, so a set read through a const pointer is
 * still sorted in place. */
static void set_apply_order(rl_emu *emu, const rl_set *cs)
{
    rl_set *s = (rl_set *)cs;
    if (s->is_intset || !rl_order_needs_sort(emu, &s->order)) return;
    if (rl_emu_order_seed(emu) == 0) {
        HASH_SRT(hh, s->members, cmp_by_seq);
    } else {
        for (set_member *m = s->members; m; m = m->hh.next)
            m->rank = rl_order_rank(emu, m->buf, m->len);
        HASH_SRT(hh, s->members, cmp_by_rank);
    }
    rl_order_sorted(emu, &s->order);
}

/* A member's place in the SSCAN walk. */
static uint64_t member_pos(const rl_set *s, const set_member *m)
{
    return s->order.seed ? m->rank : m->seq;
}

static void ht_delete_member(rl_set *s, set_member *m)
{
    HASH_DELETE(hh, s->members, m);
    HASH_DELETE(hh_seq, s->by_seq, m);
    set_member *last = s->dense[--s->ndense];
    s->dense[m->pos] = last;
    last->pos = m->pos;
    rl_free(m->buf);
    rl_free(m);
}

/* Redis's setTypeConvert: the intset's members, ascending, become the
 * first members of the hashtable. */
static void set_convert_ht(rl_set *s)
{
    int64_t *ints = s->ints;
    size_t n = s->nints;
    s->ints = NULL;
    s->nints = s->intcap = 0;
    s->is_intset = 0;
    for (size_t i = 0; i < n; i++) {
        char buf[RL_LONG_STR_SIZE];
        int len = rl_ll2string(buf, sizeof(buf), ints[i]);
        ht_add(s, buf, (size_t)len);
    }
    rl_free(ints);
}

/* Redis's setTypeAdd: 1 when added, 0 when already a member. */
static int set_add(rl_set *s, const char *p, size_t len)
{
    if (!s->is_intset) return ht_add(s, p, len);
    long long ll;
    if (rl_string2ll(p, len, &ll)) {
        if (!intset_add(s, ll)) return 0;
        if (s->nints > SET_MAX_INTSET_ENTRIES) set_convert_ht(s);
        return 1;
    }
    set_convert_ht(s);
    return ht_add(s, p, len);
}

static int set_remove(rl_set *s, const char *p, size_t len)
{
    if (s->is_intset) {
        long long ll;
        return rl_string2ll(p, len, &ll) && intset_remove(s, ll);
    }
    set_member *m = ht_find(s, p, len);
    if (!m) return 0;
    ht_delete_member(s, m);
    return 1;
}

static int set_is_member(const rl_set *s, const char *p, size_t len)
{
    if (s->is_intset) {
        long long ll;
        size_t pos;
        return rl_string2ll(p, len, &ll) && intset_search(s, ll, &pos);
    }
    return ht_find(s, p, len) != NULL;
}

/* Membership of an element met while iterating another set. */
static int set_has_elem(const rl_set *s, const set_elem *e)
{
    if (s->is_intset && e->is_int) {
        size_t pos;
        return intset_search(s, e->ll, &pos);
    }
    return set_is_member(s, e->ptr, e->len);
}

static void elem_from_int(set_elem *e, long long v)
{
    e->is_int = 1;
    e->ll = v;
    e->len = (size_t)rl_ll2string(e->buf, sizeof(e->buf), v);
    e->ptr = e->buf;
}

static void elem_from_member(set_elem *e, const set_member *m)
{
    e->is_int = 0;
    e->ptr = m->buf;
    e->len = m->len;
}

/* Iteration: ascending for an intset, insertion order (or, under an order
 * seed, rank order) for a hashtable. The set must not change while an
 * iterator is in use. */
static void set_iter_init(set_iter *it, rl_emu *emu, const rl_set *s)
{
    set_apply_order(emu, s);
    it->s = s;
    it->i = 0;
    it->m = s->members;
}

static int set_iter_next(set_iter *it, set_elem *e)
{
    if (it->s->is_intset) {
        if (it->i >= it->s->nints) return 0;
        elem_from_int(e, it->s->ints[it->i++]);
        return 1;
    }
    if (!it->m) return 0;
    elem_from_member(e, it->m);
    it->m = it->m->hh.next;
    return 1;
}

/* A uniformly chosen member of a non-empty set (rl_emu_random). For a
 * hashtable member, e points into the set: valid until it changes. */
static void set_random(rl_emu *emu, const rl_set *s, set_elem *e)
{
    size_t n = set_size(s);
    size_t i = (size_t)(rl_emu_random(emu) % n);
    if (s->is_intset) elem_from_int(e, s->ints[i]);
    else elem_from_member(e, s->dense[i]);
}

static void set_free(void *ptr)
{
    rl_set *s = ptr;
    if (!s) return;
    HASH_CLEAR(hh, s->members);
    HASH_CLEAR(hh_seq, s->by_seq);
    for (size_t i = 0; i < s->ndense; i++) {
        rl_free(s->dense[i]->buf);
        rl_free(s->dense[i]);
    }
    rl_free(s->dense);
    rl_free(s->ints);
    rl_free(s);
}

/* COPY keeps the encoding and, for a hashtable, the iteration order. */
static void *set_dup(const void *ptr)
{
    const rl_set *s = ptr;
    rl_set *d;
    if (s->is_intset) {
        d = set_new_intset();
        d->nints = d->intcap = s->nints;
        d->ints = rl_malloc((s->nints ? s->nints : 1) * sizeof(*d->ints));
        if (s->nints) memcpy(d->ints, s->ints, s->nints * sizeof(*d->ints));
        return d;
    }
    d = set_new_ht();
    for (const set_member *m = s->members; m; m = m->hh.next) ht_add(d, m->buf, m->len);
    return d;
}

static pthread_once_t set_type_once = PTHREAD_ONCE_INIT;

static void set_register_type(void)
{
    rl_obj_register_type(RL_TYPE_SET, set_free, set_dup);
}

/* Wraps s (taken) in an object, registering the type's free/dup first. */
static rl_obj *set_obj_new(rl_set *s)
{
    pthread_once(&set_type_once, set_register_type);
    return rl_obj_new(RL_TYPE_SET, s);
}

/* ==========================================================================
 * Set commands
 * ========================================================================== */

/* Redis compares option names with strcasecmp on the NUL-terminated
 * argument, so anything after an embedded NUL is ignored. */
static int opt_is(const rl_arg *a, const char *s)
{
    size_t n = strlen(s);
    if (a->len < n || strncasecmp(a->ptr, s, n) != 0) return 0;
    return a->len == n || a->ptr[n] == '\0';
}

/* Redis's getRangeLongFromObjectOrReply: msg answers both a non-integer
 * and a value out of [min, max]; without msg those are RL_ERR_NOT_INTEGER
 * and RL_ERRF_INT_RANGE. */
static int range_long_or_reply(rl_client *c, const rl_arg *a, long long min, long long max,
                               long long *out, const char *msg)
{
    long long v;
    if (!rl_string2ll(a->ptr, a->len, &v)) {
        rl_add_reply_error(c, msg ? msg : RL_ERR_NOT_INTEGER);
        return RL_ERR;
    }
    if (v < min || v > max) {
        if (msg) rl_add_reply_error(c, msg);
        else rl_add_reply_errorf(c, RL_ERRF_INT_RANGE, (long)min, (long)max);
        return RL_ERR;
    }
    *out = v;
    return RL_OK;
}

static void reply_elem(rl_client *c, const set_elem *e)
{
    rl_add_reply_bulk(c, e->ptr, e->len);
}

/* SADD key member [member ...] */
void rl_cmd_sadd(rl_client *c)
{
    rl_obj *o = rl_lookup_key_write(c, &c->argv[1]);
    if (o && rl_check_type(c, o, RL_TYPE_SET)) return;
    if (!o) {
        o = set_obj_new(set_new_for(c->argv[2].ptr, c->argv[2].len));
        rl_db_add(rl_client_db(c), c->argv[1].ptr, c->argv[1].len, o);
    }
    long long added = 0;
    for (int j = 2; j < c->argc; j++) added += set_add(o->ptr, c->argv[j].ptr, c->argv[j].len);
    /* Members that were all there already are no change, as in Redis. */
    if (added) rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_long_long(c, added);
}

/* SREM key member [member ...]: the key goes when its last member does. */
void rl_cmd_srem(rl_client *c)
{
    rl_obj *o = rl_lookup_key_write(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_SET)) return;
    long long deleted = 0;
    for (int j = 2; j < c->argc; j++) {
        if (!set_remove(o->ptr, c->argv[j].ptr, c->argv[j].len)) continue;
        deleted++;
        if (set_size(o->ptr) == 0) {
            rl_db_delete(c->emu, rl_client_db(c), c->argv[1].ptr, c->argv[1].len);
            break;
        }
    }
    if (deleted) rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_long_long(c, deleted);
}

/* SMOVE source destination member */
void rl_cmd_smove(rl_client *c)
{
    const rl_arg *src = &c->argv[1], *dst = &c->argv[2], *ele = &c->argv[3];
    rl_obj *so = rl_lookup_key_write(c, src);
    rl_obj *dobj = rl_lookup_key_write(c, dst);
    /* A missing source answers 0 before any type check, as in Redis. */
    if (!so) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    if (rl_check_type(c, so, RL_TYPE_SET)) return;
    if (dobj && rl_check_type(c, dobj, RL_TYPE_SET)) return;
    if (so == dobj) {
        rl_add_reply_long_long(c, set_is_member(so->ptr, ele->ptr, ele->len));
        return;
    }
    if (!set_remove(so->ptr, ele->ptr, ele->len)) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    rl_db *db = rl_client_db(c);
    if (set_size(so->ptr) == 0) rl_db_delete(c->emu, db, src->ptr, src->len);
    if (!dobj) {
        dobj = set_obj_new(set_new_for(ele->ptr, ele->len));
        rl_db_add(db, dst->ptr, dst->len, dobj);
    }
    rl_signal_modified_key(c, src);
    /* The destination changes only when it did not have the member. */
    if (set_add(dobj->ptr, ele->ptr, ele->len)) rl_signal_modified_key(c, dst);
    rl_add_reply_long_long(c, 1);
}

/* SISMEMBER key member */
void rl_cmd_sismember(rl_client *c)
{
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_SET)) return;
    rl_add_reply_long_long(c, set_is_member(o->ptr, c->argv[2].ptr, c->argv[2].len));
}

/* SMISMEMBER key member [member ...]: a missing key is an empty set. */
void rl_cmd_smismember(rl_client *c)
{
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (o && rl_check_type(c, o, RL_TYPE_SET)) return;
    rl_add_reply_array_len(c, c->argc - 2);
    for (int j = 2; j < c->argc; j++) {
        int is = o && set_is_member(o->ptr, c->argv[j].ptr, c->argv[j].len);
        rl_add_reply_long_long(c, is);
    }
}

/* SCARD key */
void rl_cmd_scard(rl_client *c)
{
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_SET)) return;
    rl_add_reply_long_long(c, (long long)set_size(o->ptr));
}

/* --- SINTER, SINTERCARD, SINTERSTORE, SMEMBERS ------------------------------ */

/* Looks up n keys for reading; a missing key gives NULL and counts in
 * *missing. Replies WRONGTYPE and returns RL_ERR at the first key of
 * another type (the keys before it were looked up, as in Redis). */
static int lookup_sets(rl_client *c, const rl_arg *keys, long n, rl_set **sets, long *missing)
{
    *missing = 0;
    for (long j = 0; j < n; j++) {
        rl_obj *o = rl_lookup_key_read(c, &keys[j]);
        if (!o) {
            sets[j] = NULL;
            (*missing)++;
            continue;
        }
        if (rl_check_type(c, o, RL_TYPE_SET)) return RL_ERR;
        sets[j] = o->ptr;
    }
    return RL_OK;
}

/* Stores dst (taken) under key, or deletes key when dst is empty, and
 * replies with the size: Redis's tail of every *STORE command. setKey
 * clears the destination's expiry. */
static void store_result(rl_client *c, const rl_arg *key, rl_set *dst)
{
    rl_db *db = rl_client_db(c);
    size_t n = set_size(dst);
    if (n > 0) {
        rl_db_set(c->emu, db, key->ptr, key->len, set_obj_new(dst), 0);
    } else {
        set_free(dst);
        if (rl_db_delete(c->emu, db, key->ptr, key->len)) rl_signal_modified_key(c, key);
    }
    rl_add_reply_long_long(c, (long long)n);
}

typedef struct sized_set {
    rl_set *s;
    size_t size;
    long idx;
} sized_set;

/* Smallest first; equal sizes keep the argument order, as the stable
 * merge sort behind Debian 12's glibc qsort does for Redis. */
static int cmp_sized(const void *a, const void *b)
{
    const sized_set *x = a, *y = b;
    if (x->size != y->size) return x->size < y->size ? -1 : 1;
    return x->idx < y->idx ? -1 : (x->idx > y->idx);
}

/* Redis's sinterGenericCommand: the smallest set is walked (so its
 * encoding decides the order) and each member is tested against the
 * others. dstkey stores the result; card_only counts up to limit (0: all). */
static void sinter_generic(rl_client *c, const rl_arg *keys, long n, const rl_arg *dstkey,
                           int card_only, unsigned long long limit)
{
    rl_set **sets = rl_malloc((size_t)n * sizeof(*sets));
    long missing;
    if (lookup_sets(c, keys, n, sets, &missing) != RL_OK) {
        rl_free(sets);
        return;
    }
    if (missing > 0) {
        rl_free(sets);
        if (dstkey) {
            if (rl_db_delete(c->emu, rl_client_db(c), dstkey->ptr, dstkey->len))
                rl_signal_modified_key(c, dstkey);
            rl_add_reply_long_long(c, 0);
        } else if (card_only) {
            rl_add_reply_long_long(c, 0);
        } else {
            rl_add_reply_set_len(c, 0);
        }
        return;
    }

    sized_set *order = rl_malloc((size_t)n * sizeof(*order));
    for (long j = 0; j < n; j++) {
        order[j].s = sets[j];
        order[j].size = set_size(sets[j]);
        order[j].idx = j;
    }
    qsort(order, (size_t)n, sizeof(*order), cmp_sized);
    for (long j = 0; j < n; j++) sets[j] = order[j].s;
    rl_free(order);

    rl_set *dst = dstkey ? set_new_intset() : NULL;
    void *len = (!dstkey && !card_only) ? rl_add_reply_deferred_len(c) : NULL;
    unsigned long long card = 0;
    set_iter it;
    set_elem e;
    set_iter_init(&it, c->emu, sets[0]);
    while (set_iter_next(&it, &e)) {
        long j;
        for (j = 1; j < n; j++) {
            if (sets[j] == sets[0]) continue;
            if (!set_has_elem(sets[j], &e)) break;
        }
        if (j < n) continue;
        if (card_only) {
            card++;
            if (limit && card >= limit) break;
        } else if (!dstkey) {
            reply_elem(c, &e);
            card++;
        } else {
            set_add(dst, e.ptr, e.len);
        }
    }
    rl_free(sets);

    if (card_only) rl_add_reply_long_long(c, (long long)card);
    else if (dstkey) store_result(c, dstkey, dst);
    else rl_set_deferred_set_len(c, len, (long)card);
}

/* SMEMBERS key: Redis 7.0 runs it as a one-key SINTER. */
void rl_cmd_smembers(rl_client *c)
{
    sinter_generic(c, &c->argv[1], 1, NULL, 0, 0);
}

/* SINTER key [key ...] */
void rl_cmd_sinter(rl_client *c)
{
    sinter_generic(c, &c->argv[1], c->argc - 1, NULL, 0, 0);
}

/* SINTERSTORE destination key [key ...] */
void rl_cmd_sinterstore(rl_client *c)
{
    sinter_generic(c, &c->argv[2], c->argc - 2, &c->argv[1], 0, 0);
}

/* SINTERCARD numkeys key [key ...] [LIMIT limit] */
void rl_cmd_sintercard(rl_client *c)
{
    long long numkeys, limit = 0;
    if (range_long_or_reply(c, &c->argv[1], 1, LONG_MAX, &numkeys, RL_ERR_SET_NUMKEYS) != RL_OK)
        return;
    if (numkeys > c->argc - 2) {
        rl_add_reply_error(c, RL_ERR_NUMKEYS_TOO_BIG);
        return;
    }
    for (long long j = 2 + numkeys; j < c->argc; j++) {
        if (opt_is(&c->argv[j], "limit") && j + 1 < c->argc) {
            j++;
            if (range_long_or_reply(c, &c->argv[j], 0, LONG_MAX, &limit,
                                    RL_ERR_SET_LIMIT_NEGATIVE) != RL_OK)
                return;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }
    sinter_generic(c, &c->argv[2], (long)numkeys, NULL, 1, (unsigned long long)limit);
}

/* --- SUNION, SDIFF and their STORE forms ----------------------------------- */

enum { SET_OP_UNION, SET_OP_DIFF };

/* Redis's sunionDiffGenericCommand. The result is built in a set that
 * starts as an intset, so it comes out ascending exactly when Redis's
 * does; SDIFF chooses between its two algorithms as Redis does, since that
 * choice decides whether a non-integer passes through the result (turning
 * it into a hashtable) before it is removed again. */
static void sunion_diff_generic(rl_client *c, const rl_arg *keys, long n, const rl_arg *dstkey,
                                int op)
{
    rl_set **sets = rl_malloc((size_t)n * sizeof(*sets));
    long missing;
    if (lookup_sets(c, keys, n, sets, &missing) != RL_OK) {
        rl_free(sets);
        return;
    }
    int sameset = 0;
    for (long j = 1; j < n; j++) {
        if (sets[j] && sets[j] == sets[0]) sameset = 1;
    }

    /* Algorithm 1 walks the first set and probes the others; algorithm 2
     * adds the first set and removes the others. Redis also sorts the other
     * sets by size for algorithm 1, which changes only the probing order,
     * never the result. */
    int diff_algo = 1;
    if (op == SET_OP_DIFF && sets[0] && !sameset) {
        long long one = 0, two = 0;
        for (long j = 0; j < n; j++) {
            if (!sets[j]) continue;
            one += (long long)set_size(sets[0]);
            two += (long long)set_size(sets[j]);
        }
        one /= 2;
        diff_algo = one <= two ? 1 : 2;
    }

    rl_set *dst = set_new_intset();
    long long card = 0;
    set_iter it;
    set_elem e;
    if (op == SET_OP_UNION) {
        for (long j = 0; j < n; j++) {
            if (!sets[j]) continue;
            set_iter_init(&it, c->emu, sets[j]);
            while (set_iter_next(&it, &e)) card += set_add(dst, e.ptr, e.len);
        }
    } else if (sameset || !sets[0]) {
        /* A set minus itself, or nothing minus anything: empty. */
    } else if (diff_algo == 1) {
        set_iter_init(&it, c->emu, sets[0]);
        while (set_iter_next(&it, &e)) {
            long j;
            for (j = 1; j < n; j++) {
                if (sets[j] && set_has_elem(sets[j], &e)) break;
            }
            if (j == n) {
                set_add(dst, e.ptr, e.len);
                card++;
            }
        }
    } else {
        for (long j = 0; j < n; j++) {
            if (!sets[j]) continue;
            set_iter_init(&it, c->emu, sets[j]);
            while (set_iter_next(&it, &e)) {
                if (j == 0) card += set_add(dst, e.ptr, e.len);
                else card -= set_remove(dst, e.ptr, e.len);
            }
            if (card == 0) break;
        }
    }
    rl_free(sets);

    if (dstkey) {
        store_result(c, dstkey, dst);
        return;
    }
    rl_add_reply_set_len(c, (long)card);
    set_iter_init(&it, c->emu, dst);
    while (set_iter_next(&it, &e)) reply_elem(c, &e);
    set_free(dst);
}

/* SUNION key [key ...] */
void rl_cmd_sunion(rl_client *c)
{
    sunion_diff_generic(c, &c->argv[1], c->argc - 1, NULL, SET_OP_UNION);
}

/* SUNIONSTORE destination key [key ...] */
void rl_cmd_sunionstore(rl_client *c)
{
    sunion_diff_generic(c, &c->argv[2], c->argc - 2, &c->argv[1], SET_OP_UNION);
}

/* SDIFF key [key ...] */
void rl_cmd_sdiff(rl_client *c)
{
    sunion_diff_generic(c, &c->argv[1], c->argc - 1, NULL, SET_OP_DIFF);
}

/* SDIFFSTORE destination key [key ...] */
void rl_cmd_sdiffstore(rl_client *c)
{
    sunion_diff_generic(c, &c->argv[2], c->argc - 2, &c->argv[1], SET_OP_DIFF);
}

/* --- SPOP, SRANDMEMBER ------------------------------------------------------ */

/* SPOP key count: the shapes of Redis's three cases. */
static void spop_with_count(rl_client *c)
{
    long long count;
    /* Redis passes its "must be positive" text for a non-integer too. */
    if (range_long_or_reply(c, &c->argv[2], 0, LONG_MAX, &count, RL_ERR_SET_NOT_POSITIVE) != RL_OK)
        return;
    const rl_arg *key = &c->argv[1];
    rl_obj *o = rl_lookup_key_write(c, key);
    if (!o) {
        rl_add_reply_set_len(c, 0);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_SET)) return;
    if (count == 0) {
        rl_add_reply_set_len(c, 0);
        return;
    }
    rl_set *s = o->ptr;
    size_t size = set_size(s);

    /* Case 1: everything goes, in the order SUNION of the set would give. */
    if ((unsigned long long)count >= size) {
        sunion_diff_generic(c, key, 1, NULL, SET_OP_UNION);
        rl_db_delete(c->emu, rl_client_db(c), key->ptr, key->len);
        rl_signal_modified_key(c, key);
        return;
    }

    rl_add_reply_set_len(c, (long)count);
    size_t remaining = size - (size_t)count;
    set_elem e;
    if (remaining * SPOP_MOVE_STRATEGY_MUL > (size_t)count) {
        /* Case 2: pop random members one by one. */
        while (count--) {
            set_random(c->emu, s, &e);
            reply_elem(c, &e);
            set_remove(s, e.ptr, e.len);
        }
        rl_signal_modified_key(c, key);
        return;
    }
    /* Case 3: move random members to a new set that replaces the old one,
     * and return what is left of the old one in its iteration order. */
    rl_set *keep = NULL;
    while (remaining--) {
        set_random(c->emu, s, &e);
        if (!keep) keep = set_new_for(e.ptr, e.len);
        set_add(keep, e.ptr, e.len);
        set_remove(s, e.ptr, e.len);
    }
    set_iter it;
    set_iter_init(&it, c->emu, s);
    while (set_iter_next(&it, &e)) reply_elem(c, &e);
    o->ptr = keep;
    set_free(s);
    rl_signal_modified_key(c, key);
}

/* SPOP key [count] */
void rl_cmd_spop(rl_client *c)
{
    if (c->argc == 3) {
        spop_with_count(c);
        return;
    }
    if (c->argc > 3) {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }
    rl_obj *o = rl_lookup_key_write(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_null(c);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_SET)) return;
    rl_set *s = o->ptr;
    set_elem e;
    set_random(c->emu, s, &e);
    reply_elem(c, &e);
    set_remove(s, e.ptr, e.len);
    if (set_size(s) == 0) rl_db_delete(c->emu, rl_client_db(c), c->argv[1].ptr, c->argv[1].len);
    rl_signal_modified_key(c, &c->argv[1]);
}

typedef struct picked {
    size_t idx;
    UT_hash_handle hh;
} picked;

static void reply_index(rl_client *c, const rl_set *s, size_t i)
{
    if (s->is_intset) rl_add_reply_bulk_long_long(c, s->ints[i]);
    else rl_add_reply_bulk(c, s->dense[i]->buf, s->dense[i]->len);
}

/* SRANDMEMBER key count: the shapes of Redis's four cases. */
static void srandmember_with_count(rl_client *c)
{
    long long l;
    if (range_long_or_reply(c, &c->argv[2], -LONG_MAX, LONG_MAX, &l, NULL) != RL_OK) return;
    int uniq = l >= 0;
    unsigned long long count = uniq ? (unsigned long long)l : (unsigned long long)-l;

    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_array_len(c, 0);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_SET)) return;
    const rl_set *s = o->ptr;
    size_t size = set_size(s);
    if (count == 0) {
        rl_add_reply_array_len(c, 0);
        return;
    }
    set_elem e;

    /* Case 1: independent draws, repeats allowed (a negative count). */
    if (!uniq || count == 1) {
        rl_add_reply_array_len(c, (long)count);
        while (count--) {
            set_random(c->emu, s, &e);
            reply_elem(c, &e);
        }
        return;
    }

    /* Case 2: the whole set, in its iteration order. */
    if (count >= size) {
        set_iter it;
        rl_add_reply_array_len(c, (long)size);
        set_iter_init(&it, c->emu, s);
        while (set_iter_next(&it, &e)) reply_elem(c, &e);
        return;
    }

    /* Redis answers cases 3 and 4 from a scratch hash table, in its random
     * order; the emulator answers in the order described with each case. */
    rl_add_reply_array_len(c, (long)count);
    if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
        /* Case 3: drop random members from a full list of positions until
         * count remain; those remain in list order. */
        size_t *idx = rl_malloc(size * sizeof(*idx));
        size_t n = size;
        for (size_t i = 0; i < size; i++) idx[i] = i;
        while (n > count) {
            size_t r = (size_t)(rl_emu_random(c->emu) % n);
            idx[r] = idx[--n];
        }
        for (size_t i = 0; i < n; i++) reply_index(c, s, idx[i]);
        rl_free(idx);
        return;
    }
    /* Case 4: draw until count distinct members are found, in draw order. */
    picked *seen = NULL;
    picked *pool = rl_malloc((size_t)count * sizeof(*pool));
    size_t added = 0;
    while (added < count) {
        size_t r = (size_t)(rl_emu_random(c->emu) % size);
        picked *p;
        HASH_FIND(hh, seen, &r, sizeof(r), p);
        if (p) continue;
        p = &pool[added++];
        p->idx = r;
        HASH_ADD(hh, seen, idx, sizeof(p->idx), p);
        reply_index(c, s, r);
    }
    HASH_CLEAR(hh, seen);
    rl_free(pool);
}

/* SRANDMEMBER key [count] */
void rl_cmd_srandmember(rl_client *c)
{
    if (c->argc == 3) {
        srandmember_with_count(c);
        return;
    }
    if (c->argc > 3) {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_null(c);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_SET)) return;
    set_elem e;
    set_random(c->emu, o->ptr, &e);
    reply_elem(c, &e);
}

/* --- SSCAN ------------------------------------------------------------------ */

/* SSCAN key cursor [MATCH pattern] [COUNT count]. An intset answers
 * everything at once with cursor 0, as Redis does. A hashtable's cursor is
 * the insertion sequence of the next member to visit (Redis's is a
 * reverse-binary bucket index): a member present for the whole iteration is
 * returned exactly once. */
void rl_cmd_sscan(rl_client *c)
{
    unsigned long cursor;
    if (rl_arg_scan_cursor_or_reply(c, &c->argv[2], &cursor) != RL_OK) return;
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_array_len(c, 2);
        rl_add_reply_bulk(c, "0", 1);
        rl_add_reply_array_len(c, 0);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_SET)) return;

    long long count = 10;
    const rl_arg *pat = NULL;
    for (int i = 3; i < c->argc; i += 2) {
        int more = i + 1 < c->argc;
        if (opt_is(&c->argv[i], "count") && more) {
            if (rl_arg_ll_or_reply(c, &c->argv[i + 1], &count, NULL) != RL_OK) return;
            if (count < 1) {
                rl_add_reply_error(c, RL_ERR_SYNTAX);
                return;
            }
        } else if (opt_is(&c->argv[i], "match") && more) {
            pat = &c->argv[i + 1];
            if (pat->len == 1 && pat->ptr[0] == '*') pat = NULL;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }

    const rl_set *s = o->ptr;
    set_elem e;
    rl_add_reply_array_len(c, 2);
    void *len;
    long kept = 0;
    if (s->is_intset) {
        rl_add_reply_bulk(c, "0", 1);
        len = rl_add_reply_deferred_len(c);
        for (size_t i = 0; i < s->nints; i++) {
            elem_from_int(&e, s->ints[i]);
            if (pat && !rl_stringmatchlen(pat->ptr, pat->len, e.ptr, e.len, 0)) continue;
            reply_elem(c, &e);
            kept++;
        }
        rl_set_deferred_array_len(c, len, kept);
        return;
    }

    /* Resume at the member whose sequence is the cursor; if it has been
     * removed since, at the first member inserted after it. */
    const set_member *m = NULL;
    set_apply_order(c->emu, s);
    if (cursor == 0) {
        m = s->members;
    } else if (s->order.seed != 0) {
        m = s->members;
        while (m && m->rank < cursor) m = m->hh.next;
    } else {
        uint64_t seq = cursor;
        HASH_FIND(hh_seq, s->by_seq, &seq, sizeof(seq), m);
        if (!m) {
            m = s->members;
            while (m && m->seq < cursor) m = m->hh.next;
        }
    }
    size_t cap = (size_t)(count < 1024 ? count : 1024), n = 0;
    const set_member **batch = rl_malloc(cap * sizeof(*batch));
    for (; m && (long long)n < count; m = m->hh.next) {
        if (n == cap) {
            cap *= 2;
            batch = rl_realloc(batch, cap * sizeof(*batch));
        }
        batch[n++] = m;
    }
    char buf[RL_LONG_STR_SIZE];
    int blen = snprintf(buf, sizeof(buf), "%llu", m ? (unsigned long long)member_pos(s, m) : 0ULL);
    rl_add_reply_bulk(c, buf, (size_t)blen);
    len = rl_add_reply_deferred_len(c);
    for (size_t i = 0; i < n; i++) {
        if (pat && !rl_stringmatchlen(pat->ptr, pat->len, batch[i]->buf, batch[i]->len, 0))
            continue;
        rl_add_reply_bulk(c, batch[i]->buf, batch[i]->len);
        kept++;
    }
    rl_set_deferred_array_len(c, len, kept);
    rl_free(batch);
}
