/* The hash type: HSET and friends, counters, HRANDFIELD and HSCAN.
 *
 * Representation. A hash is a uthash table of fields (O(1) lookup) whose
 * iteration order is insertion order, plus two indexes: a dense array of the
 * fields (O(1) random picks for HRANDFIELD; a deletion moves the last field
 * into the hole) and a second uthash keyed by each field's insertion
 * sequence number (the HSCAN cursor).
 *
 * Order. Redis keeps a small hash in a listpack, which iterates in insertion
 * order: a new field goes last, setting an existing field keeps its place,
 * deleting removes it. That is exactly the uthash order, so HGETALL, HKEYS,
 * HVALS and HSCAN of a small hash match Redis byte for byte. Redis converts a
 * hash to a hashtable (a randomly seeded order, never converted back) as soon
 * as it has more than 512 fields or a field or value longer than 64 bytes is
 * stored; after that the emulator keeps the same insertion order, which is
 * one of the orders Redis could produce, and repeatable. Under an order seed
 * (rl_emu_set_order_seed) a hashtable hash iterates by rank instead (server.h,
 * rl_order), sorted by hash_apply_order whenever a command looks it up, and
 * its HSCAN cursor is the rank of the next field; a listpack hash keeps its
 * order, which Redis fixes too.
 *
 * Encoding. The flag `listpack` follows Redis's conversions exactly, because
 * HSCAN depends on it: a listpack hash is returned whole in one call with
 * cursor 0 (whatever cursor was given), a hashtable one page by page.
 *
 * HSCAN cursor (hashtable encoding). As the keyspace SCAN (t_keys.c), the
 * cursor is the insertion sequence number of the next field to visit; COUNT
 * fields are visited per call before MATCH filters them. A field present for
 * the whole iteration is returned exactly once.
 *
 * Random picks use the emulator's deterministic generator. HRANDFIELD follows
 * Redis's cases and reply shapes: a negative count (or 1) draws with
 * repeats, in draw order; a count >= the size returns the whole hash; other
 * positive counts return distinct fields, in hash order, except that a
 * hashtable hash at least three times the count returns them in draw order,
 * as Redis does. */
#include "t_hash.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "db.h"
#include "errors.h"
#include "mem.h"
#include "multi.h"
#include "object.h"
#include "reply.h"
#include "rl_uthash.h"
#include "t_string.h"
#include "util.h"

/* --- Hash API ---------------------------------------------------------------------- */

typedef struct hfield {
    char *field; /* rl_memdup copies: NUL-terminated */
    size_t flen;
    char *val;
    size_t vlen;
    uint64_t seq;      /* insertion sequence number, >= 1 */
    uint64_t rank;     /* rl_order_rank, while the hash's order.seed != 0 */
    size_t idx;        /* position in rl_hash.dense */
    int picked;        /* HRANDFIELD scratch mark, 0 between commands */
    UT_hash_handle hh; /* by field, insertion order */
    UT_hash_handle hs; /* by seq */
} hfield;

struct rl_hash {
    hfield *by_field;
    hfield *by_seq;
    hfield **dense;
    size_t len, cap;
    uint64_t next_seq;
    int listpack;
    rl_order order;
};

static void hash_obj_free(void *ptr)
{
    rl_hash_free(ptr);
}

static void *hash_obj_dup(const void *ptr)
{
    return rl_hash_dup(ptr);
}

static pthread_once_t register_once = PTHREAD_ONCE_INIT;

static void register_type(void)
{
    rl_obj_register_type(RL_TYPE_HASH, hash_obj_free, hash_obj_dup);
}

rl_hash *rl_hash_new(void)
{
    pthread_once(&register_once, register_type);
    rl_hash *h = rl_calloc(1, sizeof(*h));
    h->next_seq = 1;
    h->listpack = 1;
    return h;
}

static void field_free(hfield *e)
{
    rl_free(e->field);
    rl_free(e->val);
    rl_free(e);
}

void rl_hash_free(rl_hash *h)
{
    if (!h) return;
    HASH_CLEAR(hh, h->by_field);
    HASH_CLEAR(hs, h->by_seq);
    for (size_t i = 0; i < h->len; i++) field_free(h->dense[i]);
    rl_free(h->dense);
    rl_free(h);
}

/* Links a new field, with the given sequence number, at the end. */
static hfield *field_add(rl_hash *h, const char *field, size_t flen, const char *val, size_t vlen,
                         uint64_t seq)
{
    hfield *e = rl_calloc(1, sizeof(*e));
    e->field = rl_memdup(field, flen);
    e->flen = flen;
    e->val = rl_memdup(val, vlen);
    e->vlen = vlen;
    e->seq = seq;
    if (h->len == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 8;
        h->dense = rl_realloc(h->dense, h->cap * sizeof(*h->dense));
    }
    e->idx = h->len;
    h->dense[h->len++] = e;
    HASH_ADD_KEYPTR(hh, h->by_field, e->field, e->flen, e);
    HASH_ADD(hs, h->by_seq, seq, sizeof(e->seq), e);
    h->order.stale = 1;
    return e;
}

static int cmp_by_seq(const hfield *a, const hfield *b)
{
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_by_rank(const hfield *a, const hfield *b)
{
    if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
    return cmp_by_seq(a, b);
}

/* Sorts a hashtable hash's fields for the emulator's order seed. */
static void hash_apply_order(rl_emu *emu, rl_hash *h)
{
    if (h->listpack || !rl_order_needs_sort(emu, &h->order)) return;
    if (rl_emu_order_seed(emu) == 0) {
        HASH_SRT(hh, h->by_field, cmp_by_seq);
    } else {
        for (hfield *e = h->by_field; e; e = e->hh.next)
            e->rank = rl_order_rank(emu, e->field, e->flen);
        HASH_SRT(hh, h->by_field, cmp_by_rank);
    }
    rl_order_sorted(emu, &h->order);
}

/* A field's place in the HSCAN walk. */
static uint64_t field_pos(const rl_hash *h, const hfield *e)
{
    return h->order.seed ? e->rank : e->seq;
}

rl_hash *rl_hash_dup(const rl_hash *h)
{
    rl_hash *d = rl_hash_new();
    for (const hfield *e = h->by_field; e; e = e->hh.next)
        field_add(d, e->field, e->flen, e->val, e->vlen, e->seq);
    d->next_seq = h->next_seq;
    d->listpack = h->listpack;
    /* The copy's list is in h's order, sorted or not. */
    d->order = h->order;
    d->order.stale = 1;
    return d;
}

size_t rl_hash_len(const rl_hash *h)
{
    return h->len;
}

int rl_hash_is_listpack(const rl_hash *h)
{
    return h->listpack;
}

static hfield *field_find(const rl_hash *h, const char *field, size_t flen)
{
    hfield *e = NULL;
    HASH_FIND(hh, h->by_field, field, flen, e);
    return e;
}

int rl_hash_get(const rl_hash *h, const char *field, size_t flen, const char **val, size_t *vlen)
{
    const hfield *e = field_find(h, field, flen);
    if (!e) return 0;
    *val = e->val;
    *vlen = e->vlen;
    return 1;
}

/* Redis's hashTypeTryConversion for one string: a field or value longer than
 * hash-max-listpack-value turns the hash into a hashtable before it is set. */
static void hash_check_value_len(rl_hash *h, size_t len)
{
    if (len > RL_HASH_MAX_LISTPACK_VALUE) h->listpack = 0;
}

/* Replaces the value of an existing field. A value of the same length (a
 * counter, a state flag) is overwritten in its buffer: the same bytes, and
 * the same size for mem.c's count, without a free and a malloc. */
static void field_set_value(hfield *e, const char *val, size_t vlen)
{
    if (vlen == e->vlen) {
        if (vlen) memmove(e->val, val, vlen);
        return;
    }
    rl_free(e->val);
    e->val = rl_memdup(val, vlen);
    e->vlen = vlen;
}

/* rl_hash_set for a caller that has just found the field (e, NULL when
 * missing) and changed nothing since: no second lookup. */
static int hash_set_found(rl_hash *h, hfield *e, const char *field, size_t flen, const char *val,
                          size_t vlen)
{
    hash_check_value_len(h, flen);
    hash_check_value_len(h, vlen);
    if (e) {
        field_set_value(e, val, vlen);
        return 1;
    }
    field_add(h, field, flen, val, vlen, h->next_seq++);
    if (h->len > RL_HASH_MAX_LISTPACK_ENTRIES) h->listpack = 0;
    return 0;
}

int rl_hash_set(rl_hash *h, const char *field, size_t flen, const char *val, size_t vlen)
{
    return hash_set_found(h, field_find(h, field, flen), field, flen, val, vlen);
}

int rl_hash_delete(rl_hash *h, const char *field, size_t flen)
{
    hfield *e = field_find(h, field, flen);
    if (!e) return 0;
    HASH_DELETE(hh, h->by_field, e);
    HASH_DELETE(hs, h->by_seq, e);
    hfield *last = h->dense[--h->len];
    h->dense[e->idx] = last;
    last->idx = e->idx;
    field_free(e);
    return 1;
}

/* A field drawn uniformly with the emulator's generator; h is not empty. */
static hfield *hash_random_field(rl_client *c, const rl_hash *h)
{
    return h->dense[rl_emu_random(c->emu) % h->len];
}

/* The first field whose sequence number is >= cursor, in hash order: the
 * cursor's own field when it still exists (O(1)), else a walk. */
static hfield *hash_seek(const rl_hash *h, uint64_t cursor)
{
    hfield *e = NULL;
    if (h->order.seed != 0) {
        for (e = h->by_field; e && e->rank < cursor; e = e->hh.next) continue;
        return e;
    }
    if (cursor >= h->next_seq) return NULL;
    HASH_FIND(hs, h->by_seq, &cursor, sizeof(cursor), e);
    if (e) return e;
    for (e = h->by_field; e && e->seq < cursor; e = e->hh.next) continue;
    return e;
}

/* --- Hash commands ----------------------------------------------------------------- */

/* The hash under key for reading: NULL when missing, and *wrongtype set (after
 * replying WRONGTYPE) when the key holds another type. */
static rl_hash *hash_lookup_read(rl_client *c, const rl_arg *key, int *wrongtype)
{
    rl_obj *o = rl_lookup_key_read(c, key);
    *wrongtype = 0;
    if (!o) return NULL;
    if (rl_check_type(c, o, RL_TYPE_HASH)) {
        *wrongtype = 1;
        return NULL;
    }
    hash_apply_order(c->emu, o->ptr);
    return o->ptr;
}

/* The hash under key for writing, NULL when missing (or, with *wrongtype
 * set, after replying WRONGTYPE). */
static rl_hash *hash_lookup_write(rl_client *c, const rl_arg *key, int *wrongtype)
{
    rl_obj *o = rl_lookup_key_write(c, key);
    *wrongtype = 0;
    if (!o) return NULL;
    if (rl_check_type(c, o, RL_TYPE_HASH)) {
        *wrongtype = 1;
        return NULL;
    }
    hash_apply_order(c->emu, o->ptr);
    return o->ptr;
}

/* Redis's hashTypeLookupWriteOrCreate: the hash under key, created empty when
 * missing; NULL after replying WRONGTYPE. Every caller stores a field right
 * after, so no empty hash is left in the keyspace. */
static rl_hash *hash_lookup_write_or_create(rl_client *c, const rl_arg *key)
{
    int wrongtype;
    rl_hash *h = hash_lookup_write(c, key, &wrongtype);
    if (wrongtype) return NULL;
    if (!h) {
        h = rl_hash_new();
        rl_db_add(rl_client_db(c), key->ptr, key->len, rl_obj_new(RL_TYPE_HASH, h));
    }
    return h;
}

/* Deletes key when its hash became empty (Redis never keeps one). */
static void hash_delete_if_empty(rl_client *c, const rl_arg *key, const rl_hash *h)
{
    if (h->len == 0) rl_db_delete(c->emu, rl_client_db(c), key->ptr, key->len);
}

/* HSET key field value [field value ...] and HMSET (which answers OK). */
static void hset_generic(rl_client *c, int is_hmset)
{
    if (c->argc % 2 == 1) {
        rl_add_reply_errorf(c, RL_ERRF_WRONG_ARITY, c->cmd->fullname);
        return;
    }
    rl_hash *h = hash_lookup_write_or_create(c, &c->argv[1]);
    if (!h) return;
    /* Redis checks every length before storing anything; the result is the
     * same as checking each pair as it is stored. */
    long long created = 0;
    for (int i = 2; i < c->argc; i += 2) {
        created +=
            !rl_hash_set(h, c->argv[i].ptr, c->argv[i].len, c->argv[i + 1].ptr, c->argv[i + 1].len);
    }
    /* Even when every value was already there, as in Redis. */
    rl_signal_modified_key(c, &c->argv[1]);
    if (is_hmset) rl_add_reply_ok(c);
    else rl_add_reply_long_long(c, created);
}

void rl_cmd_hset(rl_client *c)
{
    hset_generic(c, 0);
}

void rl_cmd_hmset(rl_client *c)
{
    hset_generic(c, 1);
}

void rl_cmd_hsetnx(rl_client *c)
{
    rl_hash *h = hash_lookup_write_or_create(c, &c->argv[1]);
    if (!h) return;
    const rl_arg *f = &c->argv[2], *v = &c->argv[3];
    if (field_find(h, f->ptr, f->len)) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    rl_hash_set(h, f->ptr, f->len, v->ptr, v->len);
    rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_long_long(c, 1);
}

/* Replies the value of field in h (NULL: a missing key), or a null. */
static void reply_value(rl_client *c, const rl_hash *h, const rl_arg *field)
{
    const char *v;
    size_t vlen;
    if (h && rl_hash_get(h, field->ptr, field->len, &v, &vlen)) rl_add_reply_bulk(c, v, vlen);
    else rl_add_reply_null(c);
}

void rl_cmd_hget(rl_client *c)
{
    int wrongtype;
    rl_hash *h = hash_lookup_read(c, &c->argv[1], &wrongtype);
    if (wrongtype) return;
    reply_value(c, h, &c->argv[2]);
}

/* A missing key reads as an empty hash: one null per field. */
void rl_cmd_hmget(rl_client *c)
{
    int wrongtype;
    rl_hash *h = hash_lookup_read(c, &c->argv[1], &wrongtype);
    if (wrongtype) return;
    rl_add_reply_array_len(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) reply_value(c, h, &c->argv[i]);
}

void rl_cmd_hdel(rl_client *c)
{
    int wrongtype;
    rl_hash *h = hash_lookup_write(c, &c->argv[1], &wrongtype);
    if (wrongtype) return;
    long long deleted = 0;
    if (h) {
        for (int i = 2; i < c->argc && h->len; i++)
            deleted += rl_hash_delete(h, c->argv[i].ptr, c->argv[i].len);
        hash_delete_if_empty(c, &c->argv[1], h);
        if (deleted) rl_signal_modified_key(c, &c->argv[1]);
    }
    rl_add_reply_long_long(c, deleted);
}

void rl_cmd_hexists(rl_client *c)
{
    int wrongtype;
    rl_hash *h = hash_lookup_read(c, &c->argv[1], &wrongtype);
    if (wrongtype) return;
    rl_add_reply_long_long(c, h && field_find(h, c->argv[2].ptr, c->argv[2].len) ? 1 : 0);
}

void rl_cmd_hlen(rl_client *c)
{
    int wrongtype;
    rl_hash *h = hash_lookup_read(c, &c->argv[1], &wrongtype);
    if (wrongtype) return;
    rl_add_reply_long_long(c, h ? (long long)h->len : 0);
}

void rl_cmd_hstrlen(rl_client *c)
{
    int wrongtype;
    rl_hash *h = hash_lookup_read(c, &c->argv[1], &wrongtype);
    if (wrongtype) return;
    const hfield *e = h ? field_find(h, c->argv[2].ptr, c->argv[2].len) : NULL;
    rl_add_reply_long_long(c, e ? (long long)e->vlen : 0);
}

#define HASH_KEYS 1
#define HASH_VALS 2

/* HKEYS, HVALS and HGETALL, in hash order. HGETALL is a map (RESP3), the
 * others flat arrays; a missing key is an empty one of those. */
static void hgetall_generic(rl_client *c, int what)
{
    int wrongtype;
    rl_hash *h = hash_lookup_read(c, &c->argv[1], &wrongtype);
    if (wrongtype) return;
    long len = h ? (long)h->len : 0;
    if (what == (HASH_KEYS | HASH_VALS)) rl_add_reply_map_len(c, len);
    else rl_add_reply_array_len(c, len);
    if (!h) return;
    for (const hfield *e = h->by_field; e; e = e->hh.next) {
        if (what & HASH_KEYS) rl_add_reply_bulk(c, e->field, e->flen);
        if (what & HASH_VALS) rl_add_reply_bulk(c, e->val, e->vlen);
    }
}

void rl_cmd_hkeys(rl_client *c)
{
    hgetall_generic(c, HASH_KEYS);
}

void rl_cmd_hvals(rl_client *c)
{
    hgetall_generic(c, HASH_VALS);
}

void rl_cmd_hgetall(rl_client *c)
{
    hgetall_generic(c, HASH_KEYS | HASH_VALS);
}

/* HINCRBY key field increment: the increment is parsed before the key is
 * looked up, as in Redis, so its error wins over WRONGTYPE. */
void rl_cmd_hincrby(rl_client *c)
{
    long long incr, value = 0;
    if (rl_arg_ll_or_reply(c, &c->argv[3], &incr, NULL) != RL_OK) return;
    rl_hash *h = hash_lookup_write_or_create(c, &c->argv[1]);
    if (!h) return;
    const rl_arg *f = &c->argv[2];
    hfield *e = field_find(h, f->ptr, f->len);
    if (e && !rl_string2ll(e->val, e->vlen, &value)) {
        rl_add_reply_error(c, RL_ERR_HASH_NOT_INTEGER);
        return;
    }
    if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) ||
        (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
        rl_add_reply_error(c, RL_ERR_OVERFLOW);
        return;
    }
    value += incr;
    char buf[RL_LONG_STR_SIZE];
    int n = rl_ll2string(buf, sizeof(buf), value);
    hash_set_found(h, e, f->ptr, f->len, buf, (size_t)n);
    rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_long_long(c, value);
}

/* HINCRBYFLOAT key field increment, in long double arithmetic and printed as
 * INCRBYFLOAT prints (the reply is the stored text). */
void rl_cmd_hincrbyfloat(rl_client *c)
{
    long double incr, value = 0;
    if (rl_arg_long_double_or_reply(c, &c->argv[3], &incr, NULL) != RL_OK) return;
    if (isnan(incr) || isinf(incr)) {
        rl_add_reply_error(c, RL_ERR_HASH_INCR_NOT_FINITE);
        return;
    }
    rl_hash *h = hash_lookup_write_or_create(c, &c->argv[1]);
    if (!h) return;
    const rl_arg *f = &c->argv[2];
    hfield *e = field_find(h, f->ptr, f->len);
    if (e && !rl_string2ld(e->val, e->vlen, &value)) {
        rl_add_reply_error(c, RL_ERR_HASH_NOT_FLOAT);
        return;
    }
    value += incr;
    if (isnan(value) || isinf(value)) {
        rl_add_reply_error(c, RL_ERR_HASH_INCR_NAN);
        return;
    }
    char buf[RL_MAX_LONG_DOUBLE_CHARS];
    int n = rl_ld2string(buf, sizeof(buf), value, RL_LD_STR_HUMAN);
    hash_set_found(h, e, f->ptr, f->len, buf, (size_t)n);
    rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_bulk(c, buf, (size_t)n);
}

/* One HRANDFIELD element: the field, then its value when asked; a RESP3
 * client gets each pair as a two-element array. */
static void randfield_reply(rl_client *c, const hfield *e, int withvalues)
{
    if (withvalues && c->resp > 2) rl_add_reply_array_len(c, 2);
    rl_add_reply_bulk(c, e->field, e->flen);
    if (withvalues) rl_add_reply_bulk(c, e->val, e->vlen);
}

/* Replies the marked fields in hash order, clearing the marks. */
static void randfield_reply_marked(rl_client *c, rl_hash *h, int withvalues)
{
    for (hfield *e = h->by_field; e; e = e->hh.next) {
        if (!e->picked) continue;
        e->picked = 0;
        randfield_reply(c, e, withvalues);
    }
}

/* Distinct fields, 0 < count < size. Redis's CASE 3 (the count is more than
 * a third of the size) removes random fields from a copy until count are
 * left; CASE 4 draws until it has count distinct ones. */
static void randfield_unique(rl_client *c, rl_hash *h, unsigned long count, int withvalues)
{
    unsigned long size = h->len;
    if (count * 3 > size) {
        hfield **pool = rl_malloc(size * sizeof(*pool));
        memcpy(pool, h->dense, size * sizeof(*pool));
        unsigned long left = size;
        while (left > count) {
            unsigned long j = (unsigned long)(rl_emu_random(c->emu) % left);
            pool[j] = pool[--left];
        }
        for (unsigned long i = 0; i < count; i++) pool[i]->picked = 1;
        rl_free(pool);
        randfield_reply_marked(c, h, withvalues);
        return;
    }
    hfield **picks = rl_malloc(count * sizeof(*picks));
    unsigned long n = 0;
    while (n < count) {
        hfield *e = hash_random_field(c, h);
        if (e->picked) continue;
        e->picked = 1;
        picks[n++] = e;
    }
    if (h->listpack) {
        /* Redis picks from a listpack in its order. */
        randfield_reply_marked(c, h, withvalues);
    } else {
        for (unsigned long i = 0; i < count; i++) {
            picks[i]->picked = 0;
            randfield_reply(c, picks[i], withvalues);
        }
    }
    rl_free(picks);
}

static void hrandfield_with_count(rl_client *c, long l, int withvalues)
{
    int wrongtype;
    rl_hash *h = hash_lookup_read(c, &c->argv[1], &wrongtype);
    if (wrongtype) return;
    if (!h) {
        rl_add_reply_array_len(c, 0);
        return;
    }
    int uniq = l >= 0;
    unsigned long count = uniq ? (unsigned long)l : (unsigned long)-l;
    unsigned long size = h->len;
    if (count == 0) {
        rl_add_reply_array_len(c, 0);
        return;
    }
    /* Draws with repeats, in draw order. */
    if (!uniq || count == 1) {
        rl_add_reply_array_len(c, (long)(withvalues && c->resp == 2 ? count * 2 : count));
        while (count--) randfield_reply(c, hash_random_field(c, h), withvalues);
        return;
    }
    unsigned long n = count < size ? count : size;
    rl_add_reply_array_len(c, (long)(withvalues && c->resp == 2 ? n * 2 : n));
    if (count >= size) {
        for (const hfield *e = h->by_field; e; e = e->hh.next) randfield_reply(c, e, withvalues);
        return;
    }
    randfield_unique(c, h, count, withvalues);
}

/* HRANDFIELD key [count [WITHVALUES]]: the count and the option are checked
 * before the key is looked up. */
void rl_cmd_hrandfield(rl_client *c)
{
    if (c->argc >= 3) {
        long long l;
        if (rl_arg_ll_or_reply(c, &c->argv[2], &l, NULL) != RL_OK) return;
        if (l < -LONG_MAX || l > LONG_MAX) {
            rl_add_reply_errorf(c, RL_ERRF_INT_RANGE, -LONG_MAX, LONG_MAX);
            return;
        }
        if (c->argc > 4 || (c->argc == 4 && !rl_string_opt_is(&c->argv[3], "withvalues"))) {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
        int withvalues = c->argc == 4;
        if (withvalues && (l < -LONG_MAX / 2 || l > LONG_MAX / 2)) {
            rl_add_reply_error(c, RL_ERR_HASH_RANDFIELD_RANGE);
            return;
        }
        hrandfield_with_count(c, (long)l, withvalues);
        return;
    }
    int wrongtype;
    rl_hash *h = hash_lookup_read(c, &c->argv[1], &wrongtype);
    if (wrongtype) return;
    if (!h) {
        rl_add_reply_null(c);
        return;
    }
    const hfield *e = hash_random_field(c, h);
    rl_add_reply_bulk(c, e->field, e->flen);
}

/* HSCAN key cursor [MATCH pattern] [COUNT count]. As in Redis the cursor is
 * parsed first, then the key looked up (a missing key answers an empty scan
 * without reading the options), then the options. */
void rl_cmd_hscan(rl_client *c)
{
    unsigned long cursor;
    if (rl_arg_scan_cursor_or_reply(c, &c->argv[2], &cursor) != RL_OK) return;
    int wrongtype;
    rl_hash *h = hash_lookup_read(c, &c->argv[1], &wrongtype);
    if (wrongtype) return;
    if (!h) {
        rl_add_reply_array_len(c, 2);
        rl_add_reply_bulk(c, "0", 1);
        rl_add_reply_array_len(c, 0);
        return;
    }

    long long count = 10;
    const rl_arg *pat = NULL;
    for (int i = 3; i < c->argc; i += 2) {
        int more = i + 1 < c->argc;
        if (more && rl_string_opt_is(&c->argv[i], "count")) {
            if (rl_arg_ll_or_reply(c, &c->argv[i + 1], &count, NULL) != RL_OK) return;
            if (count < 1) {
                rl_add_reply_error(c, RL_ERR_SYNTAX);
                return;
            }
        } else if (more && rl_string_opt_is(&c->argv[i], "match")) {
            pat = &c->argv[i + 1];
            /* "*" matches everything: the same as no pattern. */
            if (pat->len == 1 && pat->ptr[0] == '*') pat = NULL;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }

    /* A listpack hash is returned whole, whatever the cursor and COUNT. */
    hfield *e = h->listpack ? h->by_field : hash_seek(h, cursor);
    long long budget = h->listpack ? LLONG_MAX : count;
    hfield *stop = e;
    for (long long n = 0; stop && n < budget; n++) stop = stop->hh.next;
    uint64_t next = stop ? field_pos(h, stop) : 0;

    rl_add_reply_array_len(c, 2);
    char buf[RL_LONG_STR_SIZE];
    int blen = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)next);
    rl_add_reply_bulk(c, buf, (size_t)blen);
    void *len = rl_add_reply_deferred_len(c);
    long items = 0;
    for (; e != stop; e = e->hh.next) {
        if (pat && !rl_stringmatchlen(pat->ptr, pat->len, e->field, e->flen, 0)) continue;
        rl_add_reply_bulk(c, e->field, e->flen);
        rl_add_reply_bulk(c, e->val, e->vlen);
        items += 2;
    }
    rl_set_deferred_array_len(c, len, items);
}
