/* Generic keyspace commands (Redis's db.c and expire.c): DEL, EXISTS, TYPE,
 * RENAME, COPY, MOVE, KEYS, SCAN, RANDOMKEY, DBSIZE, FLUSHDB, FLUSHALL, TOUCH,
 * the EXPIRE family, TTL and friends, PERSIST and SWAPDB.
 *
 * Key order. A database iterates its keys in insertion order: a new key goes
 * to the end, overwriting a value keeps the key's place, and RENAME, COPY and
 * MOVE insert the destination anew. Redis's order is that of a randomly
 * seeded hash table, so KEYS and SCAN replies must be compared unordered.
 * Under an order seed (rl_emu_set_order_seed) the keys are walked by rank,
 * and a SCAN cursor is the rank of the next entry instead of its sequence
 * number, with the same guarantees.
 *
 * SCAN cursor. Every entry carries the insertion sequence number it got when
 * it was added (rl_dbentry.seq), and a database's list is sorted by it. The
 * cursor is the sequence number of the next entry to visit (0 starts, and a
 * reply of 0 ends the iteration). A key present for the whole iteration keeps
 * its number, so it is returned exactly once whatever is deleted or inserted
 * meanwhile; keys added during the iteration may or may not be returned, as
 * Redis allows. COUNT entries are visited per call before MATCH and TYPE
 * filter them, so a call may return fewer keys than COUNT, or none.
 *
 * Time. Key expiry is judged at rl_emu_expiry_now (frozen while a script
 * runs), while TTL arithmetic and "already expired" use the virtual clock,
 * as Redis uses mstime() there. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
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
#include "reply.h"
#include "util.h"

/* --- Helpers ------------------------------------------------------------- */

/* Redis compares option names with strcasecmp on the NUL-terminated
 * argument, so "nx\0junk" is NX: a match is s, case-insensitively, followed
 * by the end of the argument or a NUL. */
static int opt_is(const rl_arg *a, const char *s)
{
    size_t n = strlen(s);
    if (a->len < n || strncasecmp(a->ptr, s, n) != 0) return 0;
    return a->len == n || a->ptr[n] == '\0';
}

/* Bytes of a before its first NUL. */
static size_t cstr_len(const rl_arg *a)
{
    const char *z = memchr(a->ptr, '\0', a->len);
    return z ? (size_t)(z - a->ptr) : a->len;
}

static int same_bytes(const rl_arg *a, const rl_arg *b)
{
    return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

/* Parses a DB index argument as Redis's MOVE and COPY do: an int first, then
 * a range check. Replies and returns RL_ERR on failure. */
static int db_index_or_reply(rl_client *c, const rl_arg *a, int *out)
{
    if (rl_arg_int_or_reply(c, a, out, NULL) != RL_OK) return RL_ERR;
    if (*out < 0 || *out >= RL_NUM_DBS) {
        rl_add_reply_error(c, RL_ERR_DB_INDEX);
        return RL_ERR;
    }
    return RL_OK;
}

/* --- DEL, UNLINK, EXISTS, TOUCH, TYPE --------------------------------------- */

static void del_generic(rl_client *c)
{
    long long deleted = 0;
    for (int j = 1; j < c->argc; j++) {
        if (!rl_db_delete(c->emu, rl_client_db(c), c->argv[j].ptr, c->argv[j].len)) continue;
        rl_signal_modified_key(c, &c->argv[j]);
        deleted++;
    }
    rl_add_reply_long_long(c, deleted);
}

void rl_cmd_del(rl_client *c)
{
    del_generic(c);
}

/* Freeing is synchronous here: there is no background thread to hand it to. */
void rl_cmd_unlink(rl_client *c)
{
    del_generic(c);
}

/* EXISTS and TOUCH count each argument, repeated keys included. */
static void count_existing(rl_client *c)
{
    long long count = 0;
    for (int j = 1; j < c->argc; j++) {
        if (rl_lookup_key_read(c, &c->argv[j])) count++;
    }
    rl_add_reply_long_long(c, count);
}

void rl_cmd_exists(rl_client *c)
{
    count_existing(c);
}

/* The emulator keeps no access times, so TOUCH only counts. */
void rl_cmd_touch(rl_client *c)
{
    count_existing(c);
}

void rl_cmd_type(rl_client *c)
{
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    rl_add_reply_status(c, o ? rl_type_name(o->type) : "none");
}

/* --- RENAME, RENAMENX, MOVE, COPY ----------------------------------------- */

static void rename_generic(rl_client *c, int nx)
{
    rl_db *db = rl_client_db(c);
    const rl_arg *src = &c->argv[1], *dst = &c->argv[2];
    rl_dbentry *e = rl_db_find(c->emu, db, src->ptr, src->len);
    if (!e) {
        rl_add_reply_error(c, RL_ERR_NO_SUCH_KEY);
        return;
    }
    if (same_bytes(src, dst)) {
        if (nx) {
            rl_add_reply_long_long(c, 0);
        } else {
            rl_add_reply_ok(c);
        }
        return;
    }
    if (rl_db_find(c->emu, db, dst->ptr, dst->len)) {
        if (nx) {
            rl_add_reply_long_long(c, 0);
            return;
        }
        rl_db_delete(c->emu, db, dst->ptr, dst->len);
    }
    /* The value moves to a new entry; the old one is freed without it. */
    rl_obj *val = e->val;
    int64_t expire = e->expire_ms;
    e->val = NULL;
    rl_db_delete_entry(db, e);
    rl_dbentry *ne = rl_db_add(db, dst->ptr, dst->len, val);
    rl_db_set_expire(ne, expire);
    rl_signal_modified_key(c, src);
    rl_signal_modified_key(c, dst);
    if (nx) {
        rl_add_reply_long_long(c, 1);
    } else {
        rl_add_reply_ok(c);
    }
}

void rl_cmd_rename(rl_client *c)
{
    rename_generic(c, 0);
}

void rl_cmd_renamenx(rl_client *c)
{
    rename_generic(c, 1);
}

void rl_cmd_move(rl_client *c)
{
    int dbid;
    if (c->emu->cluster_mode) {
        rl_add_reply_error(c, RL_ERR_CLUSTER_MOVE);
        return;
    }
    if (db_index_or_reply(c, &c->argv[2], &dbid) != RL_OK) return;
    rl_db *src = rl_client_db(c), *dst = &c->emu->db[dbid];
    if (src == dst) {
        rl_add_reply_error(c, RL_ERR_SAME_OBJECT);
        return;
    }
    const rl_arg *key = &c->argv[1];
    rl_dbentry *e = rl_db_find(c->emu, src, key->ptr, key->len);
    if (!e || rl_db_find(c->emu, dst, key->ptr, key->len)) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    rl_obj *val = e->val;
    int64_t expire = e->expire_ms;
    e->val = NULL;
    rl_db_delete_entry(src, e);
    rl_db_set_expire(rl_db_add(dst, key->ptr, key->len, val), expire);
    rl_signal_key(c->emu, src->id, key->ptr, key->len);
    rl_signal_key(c->emu, dst->id, key->ptr, key->len);
    rl_add_reply_long_long(c, 1);
}

/* COPY source destination [DB destination-db] [REPLACE] */
void rl_cmd_copy(rl_client *c)
{
    rl_db *src = rl_client_db(c), *dst = src;
    int replace = 0;
    for (int j = 3; j < c->argc; j++) {
        if (opt_is(&c->argv[j], "replace")) {
            replace = 1;
        } else if (opt_is(&c->argv[j], "db") && j + 1 < c->argc) {
            int dbid;
            if (db_index_or_reply(c, &c->argv[j + 1], &dbid) != RL_OK) return;
            dst = &c->emu->db[dbid];
            j++;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }
    if (c->emu->cluster_mode && (src->id != 0 || dst->id != 0)) {
        rl_add_reply_error(c, RL_ERR_CLUSTER_COPY_DB);
        return;
    }
    const rl_arg *key = &c->argv[1], *newkey = &c->argv[2];
    if (src == dst && same_bytes(key, newkey)) {
        rl_add_reply_error(c, RL_ERR_SAME_OBJECT);
        return;
    }
    rl_dbentry *e = rl_db_find(c->emu, src, key->ptr, key->len);
    if (!e) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    if (rl_db_find(c->emu, dst, newkey->ptr, newkey->len)) {
        if (!replace) {
            rl_add_reply_long_long(c, 0);
            return;
        }
        rl_db_delete(c->emu, dst, newkey->ptr, newkey->len);
    }
    /* e is still valid: only an entry of dst under another name (or in
     * another database) was deleted. */
    rl_dbentry *ne = rl_db_add(dst, newkey->ptr, newkey->len, rl_obj_dup(e->val));
    rl_db_set_expire(ne, e->expire_ms);
    /* Only the destination changed. */
    rl_signal_key(c->emu, dst->id, newkey->ptr, newkey->len);
    rl_add_reply_long_long(c, 1);
}

/* --- KEYS, SCAN, RANDOMKEY, DBSIZE ---------------------------------------- */

void rl_cmd_keys(rl_client *c)
{
    const rl_arg *pat = &c->argv[1];
    int allkeys = pat->len == 1 && pat->ptr[0] == '*';
    rl_db *db = rl_client_db(c);
    rl_db_apply_order(c->emu, db);
    void *len = rl_add_reply_deferred_len(c);
    long n = 0;
    /* Expired keys are skipped but, as in Redis, not deleted here. */
    for (rl_dbentry *e = rl_db_first(db); e; e = rl_db_next(e)) {
        if (!allkeys && !rl_stringmatchlen(pat->ptr, pat->len, e->key, e->keylen, 0)) continue;
        if (rl_db_entry_expired(c->emu, e)) continue;
        rl_add_reply_bulk(c, e->key, e->keylen);
        n++;
    }
    rl_set_deferred_array_len(c, len, n);
}

/* SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
void rl_cmd_scan(rl_client *c)
{
    unsigned long cursor;
    if (rl_arg_scan_cursor_or_reply(c, &c->argv[1], &cursor) != RL_OK) return;

    long long count = 10;
    const rl_arg *pat = NULL, *type = NULL;
    for (int i = 2; i < c->argc; i += 2) {
        int more = i + 1 < c->argc;
        if (opt_is(&c->argv[i], "count") && more) {
            if (rl_arg_ll_or_reply(c, &c->argv[i + 1], &count, NULL) != RL_OK) return;
            if (count < 1) {
                rl_add_reply_error(c, RL_ERR_SYNTAX);
                return;
            }
        } else if (opt_is(&c->argv[i], "match") && more) {
            pat = &c->argv[i + 1];
            /* "*" matches everything: the same as no pattern. */
            if (pat->len == 1 && pat->ptr[0] == '*') pat = NULL;
        } else if (opt_is(&c->argv[i], "type") && more) {
            type = &c->argv[i + 1];
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }

    /* Visit up to count entries from the cursor on, and remember where the
     * next call starts. */
    rl_db *db = rl_client_db(c);
    rl_db_apply_order(c->emu, db);
    /* The list is sorted by position, so the walk to the cursor may start at
     * the entry the last SCAN stopped at when that entry is not past the
     * cursor and the one before it is before the cursor: a full iteration
     * then costs O(keys) instead of O(keys^2). */
    rl_dbentry *e = rl_db_first(db), *hint = db->scan_hint;
    if (hint && rl_db_entry_pos(db, hint) <= cursor) {
        const rl_ilink *prev = rl_index_prev(&hint->link);
        if (!prev || rl_index_pos(&db->index, prev) < cursor) e = hint;
    }
    while (e && rl_db_entry_pos(db, e) < cursor) e = rl_db_next(e);
    size_t cap = (size_t)(count < 1024 ? count : 1024), n = 0;
    rl_dbentry **batch = rl_malloc(cap * sizeof(*batch));
    for (; e && (long long)n < count; e = rl_db_next(e)) {
        if (n == cap) {
            cap *= 2;
            batch = rl_realloc(batch, cap * sizeof(*batch));
        }
        batch[n++] = e;
    }
    uint64_t next = e ? rl_db_entry_pos(db, e) : 0;
    db->scan_hint = e;

    /* Filter as Redis does, in its order: the pattern, then the type (its
     * lookup deletes an expired key, which then reads as "none"), then expiry
     * (which no longer sees a key the type lookup deleted). Expired entries
     * are marked and deleted only after the reply is built. */
    size_t tlen = type ? cstr_len(type) : 0;
    unsigned char *keep = rl_calloc(n ? n : 1, 1), *drop = rl_calloc(n ? n : 1, 1);
    long kept = 0;
    for (size_t i = 0; i < n; i++) {
        rl_dbentry *b = batch[i];
        if (pat && !rl_stringmatchlen(pat->ptr, pat->len, b->key, b->keylen, 0)) continue;
        int expired = rl_db_entry_expired(c->emu, b);
        drop[i] = (unsigned char)expired;
        if (type) {
            const char *name = expired ? "none" : rl_type_name(b->val->type);
            if (tlen != strlen(name) || strncasecmp(type->ptr, name, tlen) != 0) continue;
        } else if (expired) {
            continue;
        }
        keep[i] = 1;
        kept++;
    }

    rl_add_reply_array_len(c, 2);
    char buf[RL_LONG_STR_SIZE];
    int blen = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)next);
    rl_add_reply_bulk(c, buf, (size_t)blen);
    rl_add_reply_array_len(c, kept);
    for (size_t i = 0; i < n; i++) {
        if (keep[i]) rl_add_reply_bulk(c, batch[i]->key, batch[i]->keylen);
    }
    for (size_t i = 0; i < n; i++) {
        if (!drop[i]) continue;
        /* A deletion by expiry, which Redis signals like any other. */
        rl_signal_key(c->emu, db->id, batch[i]->key, batch[i]->keylen);
        rl_db_delete_entry(db, batch[i]);
    }
    rl_free(keep);
    rl_free(drop);
    rl_free(batch);
}

/* A deterministic pick (rl_emu_random); an expired pick is deleted and
 * another drawn, as Redis's dbRandomKey does. */
void rl_cmd_randomkey(rl_client *c)
{
    rl_db *db = rl_client_db(c);
    rl_db_apply_order(c->emu, db);
    for (;;) {
        size_t count = db->index.count;
        if (count == 0) {
            rl_add_reply_null(c);
            return;
        }
        uint64_t idx = rl_emu_random(c->emu) % count;
        rl_dbentry *e = rl_db_first(db);
        while (idx--) e = rl_db_next(e);
        if (rl_db_entry_expired(c->emu, e)) {
            rl_signal_key(c->emu, db->id, e->key, e->keylen);
            rl_db_delete_entry(db, e);
            continue;
        }
        rl_add_reply_bulk(c, e->key, e->keylen);
        return;
    }
}

/* Like Redis, this counts keys whose time has passed but that no access or
 * sweep has deleted yet. */
void rl_cmd_dbsize(rl_client *c)
{
    rl_add_reply_long_long(c, rl_db_size(rl_client_db(c)));
}

/* --- FLUSHDB, FLUSHALL, SWAPDB --------------------------------------------- */

/* [ASYNC|SYNC]: both free at once here. Replies with an error on bad input. */
static int flush_args_ok(rl_client *c)
{
    if (c->argc == 1) return 1;
    if (c->argc == 2 && (opt_is(&c->argv[1], "sync") || opt_is(&c->argv[1], "async"))) return 1;
    rl_add_reply_error(c, RL_ERR_SYNTAX);
    return 0;
}

/* Neither flush touches the script cache or the functions, as in Redis. */
void rl_cmd_flushdb(rl_client *c)
{
    if (!flush_args_ok(c)) return;
    rl_multi_touch_db(c->emu, c->db, -1);
    rl_db_empty(rl_client_db(c));
    rl_add_reply_ok(c);
}

void rl_cmd_flushall(rl_client *c)
{
    if (!flush_args_ok(c)) return;
    for (int i = 0; i < RL_NUM_DBS; i++) rl_multi_touch_db(c->emu, i, -1);
    for (int i = 0; i < RL_NUM_DBS; i++) rl_db_empty(&c->emu->db[i]);
    rl_add_reply_ok(c);
}

void rl_cmd_swapdb(rl_client *c)
{
    int id1, id2;
    if (c->emu->cluster_mode) {
        rl_add_reply_error(c, RL_ERR_CLUSTER_SWAPDB);
        return;
    }
    if (rl_arg_int_or_reply(c, &c->argv[1], &id1, RL_ERR_SWAPDB_FIRST) != RL_OK) return;
    if (rl_arg_int_or_reply(c, &c->argv[2], &id2, RL_ERR_SWAPDB_SECOND) != RL_OK) return;
    if (id1 < 0 || id1 >= RL_NUM_DBS || id2 < 0 || id2 >= RL_NUM_DBS) {
        rl_add_reply_error(c, RL_ERR_DB_INDEX);
        return;
    }
    /* The keys (with their sequence numbers) change places; the indexes
     * stay, so clients keep their selected index. */
    if (id1 != id2) {
        rl_multi_touch_db(c->emu, id1, id2);
        rl_multi_touch_db(c->emu, id2, id1);
    }
    rl_db *a = &c->emu->db[id1], *b = &c->emu->db[id2];
    rl_index index = a->index;
    rl_dbentry *hint = a->scan_hint;
    a->scan_hint = b->scan_hint;
    b->scan_hint = hint;
    hint = a->last_found;
    a->last_found = b->last_found;
    b->last_found = hint;
    a->index = b->index;
    b->index = index;
    rl_add_reply_ok(c);
}

/* --- EXPIRE family, TTL family, PERSIST ------------------------------------ */

#define EXPIRE_NX (1 << 0)
#define EXPIRE_XX (1 << 1)
#define EXPIRE_GT (1 << 2)
#define EXPIRE_LT (1 << 3)

/* Parses [NX|XX|GT|LT] from argv[3] on; replies and returns RL_ERR on failure. */
static int expire_flags_or_reply(rl_client *c, int *flags)
{
    *flags = 0;
    for (int j = 3; j < c->argc; j++) {
        const rl_arg *a = &c->argv[j];
        if (opt_is(a, "nx")) {
            *flags |= EXPIRE_NX;
        } else if (opt_is(a, "xx")) {
            *flags |= EXPIRE_XX;
        } else if (opt_is(a, "gt")) {
            *flags |= EXPIRE_GT;
        } else if (opt_is(a, "lt")) {
            *flags |= EXPIRE_LT;
        } else {
            rl_add_reply_errorf(c, RL_ERRF_EXPIRE_OPTION, (int)cstr_len(a), a->ptr);
            return RL_ERR;
        }
    }
    if ((*flags & EXPIRE_NX) && (*flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT))) {
        rl_add_reply_error(c, RL_ERR_EXPIRE_NX_COMBO);
        return RL_ERR;
    }
    if ((*flags & EXPIRE_GT) && (*flags & EXPIRE_LT)) {
        rl_add_reply_error(c, RL_ERR_EXPIRE_GT_LT);
        return RL_ERR;
    }
    return RL_OK;
}

/* EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT: basetime is the clock for relative
 * forms and 0 for absolute ones; seconds says argv[2]'s unit. */
static void expire_generic(rl_client *c, long long basetime, int seconds)
{
    int flags;
    long long when;
    if (expire_flags_or_reply(c, &flags) != RL_OK) return;
    if (rl_arg_ll_or_reply(c, &c->argv[2], &when, NULL) != RL_OK) return;
    /* Negative times are allowed; only overflow is an error. */
    if (seconds) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
            rl_add_reply_errorf(c, RL_ERRF_KEYS_EXPIRE_TIME, c->cmd->fullname);
            return;
        }
        when *= 1000;
    }
    if (basetime > 0 ? when > LLONG_MAX - basetime : when < LLONG_MIN - basetime) {
        rl_add_reply_errorf(c, RL_ERRF_KEYS_EXPIRE_TIME, c->cmd->fullname);
        return;
    }
    when += basetime;

    rl_db *db = rl_client_db(c);
    rl_dbentry *e = rl_db_find(c->emu, db, c->argv[1].ptr, c->argv[1].len);
    if (!e) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    long long cur = e->expire_ms;
    /* No expiry counts as an infinite one for GT and LT. */
    if (((flags & EXPIRE_NX) && cur != -1) || ((flags & EXPIRE_XX) && cur == -1) ||
        ((flags & EXPIRE_GT) && (cur == -1 || when <= cur)) ||
        ((flags & EXPIRE_LT) && cur != -1 && when >= cur)) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    if (when <= c->emu->clock_ms) {
        rl_db_delete_entry(db, e);
    } else {
        rl_db_set_expire(e, when);
    }
    /* Even to the time the key already had, as in Redis. */
    rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_long_long(c, 1);
}

void rl_cmd_expire(rl_client *c)
{
    expire_generic(c, c->emu->clock_ms, 1);
}

void rl_cmd_pexpire(rl_client *c)
{
    expire_generic(c, c->emu->clock_ms, 0);
}

void rl_cmd_expireat(rl_client *c)
{
    expire_generic(c, 0, 1);
}

void rl_cmd_pexpireat(rl_client *c)
{
    expire_generic(c, 0, 0);
}

/* TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 for a missing key, -1 without an
 * expiry; seconds are rounded to the nearest ((ms + 500) / 1000). */
static void ttl_generic(rl_client *c, int output_ms, int output_abs)
{
    rl_dbentry *e = rl_db_find(c->emu, rl_client_db(c), c->argv[1].ptr, c->argv[1].len);
    if (!e) {
        rl_add_reply_long_long(c, -2);
        return;
    }
    if (e->expire_ms == -1) {
        rl_add_reply_long_long(c, -1);
        return;
    }
    long long ttl = output_abs ? e->expire_ms : e->expire_ms - c->emu->clock_ms;
    if (ttl < 0) ttl = 0;
    /* Unsigned, so that rounding a time near LLONG_MAX gives what Redis's
     * build returns (9223372036854776 for EXPIRETIME of LLONG_MAX ms). */
    long long secs = (long long)(((unsigned long long)ttl + 500) / 1000);
    rl_add_reply_long_long(c, output_ms ? ttl : secs);
}

void rl_cmd_ttl(rl_client *c)
{
    ttl_generic(c, 0, 0);
}

void rl_cmd_pttl(rl_client *c)
{
    ttl_generic(c, 1, 0);
}

void rl_cmd_expiretime(rl_client *c)
{
    ttl_generic(c, 0, 1);
}

void rl_cmd_pexpiretime(rl_client *c)
{
    ttl_generic(c, 1, 1);
}

void rl_cmd_persist(rl_client *c)
{
    rl_dbentry *e = rl_db_find(c->emu, rl_client_db(c), c->argv[1].ptr, c->argv[1].len);
    if (!e || e->expire_ms == -1) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    rl_db_set_expire(e, -1);
    rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_long_long(c, 1);
}
