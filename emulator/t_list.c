/* The list type: LPUSH/RPUSH and friends, pops (plain, counted, multi-key
 * and blocking), index and range commands, LPOS, LREM, LINSERT, LMOVE.
 *
 * Representation. Redis keeps a list as a quicklist (a linked list of
 * listpacks); only its observable behaviour matters here, so a list is a
 * ring buffer of element pointers: push and pop at either end are O(1)
 * amortized, access by index is O(1), and inserting or deleting inside the
 * list moves the shorter side, O(n) like Redis. Elements are rl_str values
 * holding the exact bytes pushed (Redis's integer-encoded entries always
 * read back as the same canonical text, so nothing is lost by not having
 * that encoding).
 *
 * Blocking commands. The emulator has no other client that could push
 * while one waits, so BLPOP and friends with nothing to pop answer at once
 * with what the timeout would have produced (a null array), after parsing
 * the timeout with its errors. A client that may not block (a script's)
 * gets the reply Redis gives under CLIENT_DENY_BLOCKING instead, which
 * differs only for BLMOVE/BRPOPLPUSH (a null bulk string). */
#include "t_list.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "commands.h"
#include "db.h"
#include "errors.h"
#include "mem.h"
#include "multi.h"
#include "object.h"
#include "reply.h"
#include "t_string.h"

/* --- List API ------------------------------------------------------------------ */

struct rl_list {
    rl_str **items; /* ring buffer of cap slots; cap is 0 or a power of two */
    size_t cap;
    size_t head; /* slot of element 0 */
    size_t len;
};

/* Below this many slots the buffer is never shrunk. */
#define LIST_MIN_SHRINK_CAP 16

/* The slot of element i (0 <= i <= len, i < cap). */
static rl_str **slot(const rl_list *l, size_t i)
{
    return &l->items[(l->head + i) & (l->cap - 1)];
}

/* Moves the elements into a fresh buffer of newcap slots (>= len). */
static void list_realloc(rl_list *l, size_t newcap)
{
    rl_str **items = rl_malloc(newcap * sizeof(*items));
    for (size_t i = 0; i < l->len; i++) items[i] = *slot(l, i);
    rl_free(l->items);
    l->items = items;
    l->cap = newcap;
    l->head = 0;
}

/* Makes room for one more element. */
static void list_grow(rl_list *l)
{
    if (l->len == l->cap) list_realloc(l, l->cap ? l->cap * 2 : 4);
}

/* Gives memory back once the list has shrunk to a quarter of its buffer. */
static void list_maybe_shrink(rl_list *l)
{
    if (l->cap > LIST_MIN_SHRINK_CAP && l->len <= l->cap / 4) list_realloc(l, l->cap / 2);
}

static rl_list *list_new(void)
{
    return rl_calloc(1, sizeof(rl_list));
}

static void list_free(void *ptr)
{
    rl_list *l = ptr;
    for (size_t i = 0; i < l->len; i++) rl_str_free(*slot(l, i));
    rl_free(l->items);
    rl_free(l);
}

static void *list_dup(const void *ptr)
{
    const rl_list *src = ptr;
    rl_list *l = list_new();
    if (src->len) {
        l->cap = src->cap;
        l->items = rl_malloc(l->cap * sizeof(*l->items));
        for (size_t i = 0; i < src->len; i++) {
            const rl_str *s = *slot(src, i);
            l->items[i] = rl_str_new(s->buf, s->len);
        }
        l->len = src->len;
    }
    return l;
}

static pthread_once_t list_type_once = PTHREAD_ONCE_INIT;

static void list_register_type(void)
{
    rl_obj_register_type(RL_TYPE_LIST, list_free, list_dup);
}

rl_obj *rl_list_obj_new(void)
{
    pthread_once(&list_type_once, list_register_type);
    return rl_obj_new(RL_TYPE_LIST, list_new());
}

size_t rl_list_len(const rl_list *l)
{
    return l->len;
}

const rl_str *rl_list_at(const rl_list *l, size_t i)
{
    return *slot(l, i);
}

/* Adds s (taken) at one end. */
static void list_push_str(rl_list *l, rl_str *s, int where)
{
    list_grow(l);
    if (where == RL_LIST_HEAD) {
        l->head = (l->head - 1) & (l->cap - 1);
        l->items[l->head] = s;
    } else {
        *slot(l, l->len) = s;
    }
    l->len++;
}

void rl_list_push(rl_list *l, const char *p, size_t len, int where)
{
    list_push_str(l, rl_str_new(p, len), where);
}

rl_str *rl_list_pop(rl_list *l, int where)
{
    if (l->len == 0) return NULL;
    rl_str *s;
    if (where == RL_LIST_HEAD) {
        s = l->items[l->head];
        l->head = (l->head + 1) & (l->cap - 1);
    } else {
        s = *slot(l, l->len - 1);
    }
    l->len--;
    list_maybe_shrink(l);
    return s;
}

/* Inserts a copy of (p, len) so that it becomes element i (0 <= i <= len),
 * moving whichever side of i is shorter. */
static void list_insert_at(rl_list *l, size_t i, const char *p, size_t len)
{
    list_grow(l);
    if (i < l->len - i) {
        l->head = (l->head - 1) & (l->cap - 1);
        for (size_t k = 0; k < i; k++) *slot(l, k) = *slot(l, k + 1);
    } else {
        for (size_t k = l->len; k > i; k--) *slot(l, k) = *slot(l, k - 1);
    }
    *slot(l, i) = rl_str_new(p, len);
    l->len++;
}

/* Replaces element i's bytes. */
static void list_replace_at(rl_list *l, size_t i, const char *p, size_t len)
{
    rl_str **s = slot(l, i);
    rl_str_free(*s);
    *s = rl_str_new(p, len);
}

/* Frees count elements from index start on (start + count <= len), closing
 * the gap from the shorter side. */
static void list_delete_range(rl_list *l, size_t start, size_t count)
{
    if (count == 0) return;
    for (size_t k = start; k < start + count; k++) rl_str_free(*slot(l, k));
    size_t after = l->len - start - count;
    if (start < after) {
        for (size_t k = start; k > 0; k--) *slot(l, k - 1 + count) = *slot(l, k - 1);
        l->head = (l->head + count) & (l->cap - 1);
    } else {
        for (size_t k = start; k < l->len - count; k++) *slot(l, k) = *slot(l, k + count);
    }
    l->len -= count;
    list_maybe_shrink(l);
}

/* 1 if element i holds exactly the bytes (p, len). */
static int list_equal_at(const rl_list *l, size_t i, const char *p, size_t len)
{
    const rl_str *s = *slot(l, i);
    return s->len == len && memcmp(s->buf, p, len) == 0;
}

/* Redis's LREM walk: removes up to limit elements equal to (p, len), all of
 * them when limit is 0, scanning from the tail when from_tail. Returns how
 * many went. One compaction pass keeps it O(n). */
static long long list_remove(rl_list *l, const char *p, size_t len, unsigned long long limit,
                             int from_tail)
{
    unsigned long long removed = 0;
    for (size_t n = 0; n < l->len; n++) {
        size_t i = from_tail ? l->len - 1 - n : n;
        if (!list_equal_at(l, i, p, len)) continue;
        rl_str_free(*slot(l, i));
        *slot(l, i) = NULL;
        removed++;
        if (limit && removed == limit) break;
    }
    if (removed) {
        size_t w = 0;
        for (size_t r = 0; r < l->len; r++) {
            rl_str *s = *slot(l, r);
            if (s) *slot(l, w++) = s;
        }
        l->len = w;
        list_maybe_shrink(l);
    }
    return (long long)removed;
}

/* Resolves a Redis list index (negative counts from the tail) to a
 * position; 0 when it is out of range. */
static int list_resolve_index(const rl_list *l, long long index, size_t *pos)
{
    long long len = (long long)l->len;
    if (index < 0) {
        if (index < -len) return 0;
        index += len;
    } else if (index >= len) {
        return 0;
    }
    *pos = (size_t)index;
    return 1;
}

/* --- List commands --------------------------------------------------------------- */

/* The list stored at key for writing: NULL when missing or (after replying
 * WRONGTYPE, with *failed set) of another type. */
static rl_obj *lookup_list_write(rl_client *c, const rl_arg *key, int *failed)
{
    rl_obj *o = rl_lookup_key_write(c, key);
    *failed = o && rl_check_type(c, o, RL_TYPE_LIST);
    return *failed ? NULL : o;
}

/* Creates an empty list at key, which must be missing. */
static rl_obj *add_list(rl_client *c, const rl_arg *key)
{
    rl_obj *o = rl_list_obj_new();
    rl_db_add(rl_client_db(c), key->ptr, key->len, o);
    return o;
}

/* Redis never keeps an empty list: deletes key once o has no element. */
static void delete_if_empty(rl_client *c, const rl_arg *key, const rl_obj *o)
{
    if (rl_list_len(o->ptr) == 0) rl_db_delete(c->emu, rl_client_db(c), key->ptr, key->len);
}

/* Parses LEFT|RIGHT (as a C string, like Redis's strcasecmp). */
static int parse_position(rl_client *c, const rl_arg *a, int *where)
{
    if (rl_string_opt_is(a, "right")) {
        *where = RL_LIST_TAIL;
    } else if (rl_string_opt_is(a, "left")) {
        *where = RL_LIST_HEAD;
    } else {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return RL_ERR;
    }
    return RL_OK;
}

/* Redis's getTimeoutFromObjectOrReply in seconds. The timeout itself is
 * never waited for (see the top of the file), but its errors are Redis's:
 * the value becomes ceil(seconds * 1000) as a long long, and an infinite or
 * too large product converts (on x86-64) to the most negative long long,
 * so it is reported as negative. */
static int parse_timeout(rl_client *c, const rl_arg *a)
{
    long double secs;
    if (rl_arg_long_double_or_reply(c, a, &secs, RL_ERR_TIMEOUT_NOT_FLOAT) != RL_OK) return RL_ERR;
    long double ms = ceill(secs * 1000.0);
    if (ms < 0 || ms >= 9223372036854775808.0L) {
        rl_add_reply_error(c, RL_ERR_TIMEOUT_NEGATIVE);
        return RL_ERR;
    }
    return RL_OK;
}

/* Redis's addListRangeReply: the elements start..end (inclusive, negative
 * indexes from the tail, clamped), tail first when reverse. */
static void reply_range(rl_client *c, const rl_list *l, long long start, long long end, int reverse)
{
    long long len = (long long)rl_list_len(l);
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (start > end || start >= len) {
        rl_add_reply_array_len(c, 0);
        return;
    }
    if (end >= len) end = len - 1;
    rl_add_reply_array_len(c, (long)(end - start + 1));
    for (long long i = start; i <= end; i++) {
        const rl_str *s = rl_list_at(l, (size_t)(reverse ? end - (i - start) : i));
        rl_add_reply_bulk(c, s->buf, s->len);
    }
}

/* Pops up to count (>= 1) elements from one end of the list at key,
 * replying with them as an array (in popping order), and deletes the key if
 * emptied. */
static void pop_range_reply(rl_client *c, const rl_arg *key, rl_obj *o, int where, long long count)
{
    rl_list *l = o->ptr;
    long long len = (long long)rl_list_len(l);
    long long n = count > len ? len : count;
    if (where == RL_LIST_HEAD) {
        reply_range(c, l, 0, n - 1, 0);
        list_delete_range(l, 0, (size_t)n);
    } else {
        reply_range(c, l, -n, -1, 1);
        list_delete_range(l, (size_t)(len - n), (size_t)n);
    }
    delete_if_empty(c, key, o);
    rl_signal_modified_key(c, key);
}

/* LMPOP/BLMPOP's reply with data: [key, [elements...]]. */
static void pop_range_reply_with_key(rl_client *c, const rl_arg *key, rl_obj *o, int where,
                                     long long count)
{
    rl_add_reply_array_len(c, 2);
    rl_add_reply_bulk(c, key->ptr, key->len);
    pop_range_reply(c, key, o, where, count);
}

/* Pops one element from the end of the list at key, replying with it as a
 * bulk string, and deletes the key if emptied. */
static void pop_one_reply(rl_client *c, const rl_arg *key, rl_obj *o, int where)
{
    rl_str *s = rl_list_pop(o->ptr, where);
    rl_add_reply_bulk(c, s->buf, s->len);
    rl_str_free(s);
    delete_if_empty(c, key, o);
    rl_signal_modified_key(c, key);
}

/* LPUSH/RPUSH/LPUSHX/RPUSHX; xx: only push onto an existing list. */
static void push_generic(rl_client *c, int where, int xx)
{
    int failed;
    rl_obj *o = lookup_list_write(c, &c->argv[1], &failed);
    if (failed) return;
    if (!o) {
        if (xx) {
            rl_add_reply_long_long(c, 0);
            return;
        }
        o = add_list(c, &c->argv[1]);
    }
    for (int j = 2; j < c->argc; j++) rl_list_push(o->ptr, c->argv[j].ptr, c->argv[j].len, where);
    rl_add_reply_long_long(c, (long long)rl_list_len(o->ptr));
    rl_signal_modified_key(c, &c->argv[1]);
}

void rl_cmd_lpush(rl_client *c)
{
    push_generic(c, RL_LIST_HEAD, 0);
}

void rl_cmd_rpush(rl_client *c)
{
    push_generic(c, RL_LIST_TAIL, 0);
}

void rl_cmd_lpushx(rl_client *c)
{
    push_generic(c, RL_LIST_HEAD, 1);
}

void rl_cmd_rpushx(rl_client *c)
{
    push_generic(c, RL_LIST_TAIL, 1);
}

/* LPOP/RPOP key [count]. Without count the reply is one bulk string (nil
 * for a missing key); with it an array (a null array for a missing key,
 * an empty one for count 0). */
static void pop_generic(rl_client *c, int where)
{
    int hascount = c->argc == 3;
    long long count = 0;
    if (c->argc > 3) {
        rl_add_reply_errorf(c, RL_ERRF_WRONG_ARITY, c->cmd->fullname);
        return;
    }
    if (hascount &&
        rl_arg_ll_range_or_reply(c, &c->argv[2], 0, LLONG_MAX, &count, RL_ERR_LIST_NOT_POSITIVE) !=
            RL_OK) {
        return;
    }
    int failed;
    rl_obj *o = lookup_list_write(c, &c->argv[1], &failed);
    if (failed) return;
    if (!o) {
        if (hascount) rl_add_reply_null_array(c);
        else rl_add_reply_null(c);
        return;
    }
    if (hascount && count == 0) {
        rl_add_reply_array_len(c, 0);
    } else if (hascount) {
        pop_range_reply(c, &c->argv[1], o, where, count);
    } else {
        pop_one_reply(c, &c->argv[1], o, where);
    }
}

void rl_cmd_lpop(rl_client *c)
{
    pop_generic(c, RL_LIST_HEAD);
}

void rl_cmd_rpop(rl_client *c)
{
    pop_generic(c, RL_LIST_TAIL);
}

void rl_cmd_llen(rl_client *c)
{
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_LIST)) return;
    rl_add_reply_long_long(c, (long long)rl_list_len(o->ptr));
}

/* LINDEX key index: a missing key answers nil before the index is parsed. */
void rl_cmd_lindex(rl_client *c)
{
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_null(c);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_LIST)) return;
    long long index;
    if (rl_arg_ll_or_reply(c, &c->argv[2], &index, NULL) != RL_OK) return;
    size_t pos;
    if (!list_resolve_index(o->ptr, index, &pos)) {
        rl_add_reply_null(c);
        return;
    }
    const rl_str *s = rl_list_at(o->ptr, pos);
    rl_add_reply_bulk(c, s->buf, s->len);
}

/* LSET key index element: the key is checked before the index is parsed. */
void rl_cmd_lset(rl_client *c)
{
    int failed;
    rl_obj *o = lookup_list_write(c, &c->argv[1], &failed);
    if (failed) return;
    if (!o) {
        rl_add_reply_error(c, RL_ERR_NO_SUCH_KEY);
        return;
    }
    long long index;
    if (rl_arg_ll_or_reply(c, &c->argv[2], &index, NULL) != RL_OK) return;
    size_t pos;
    if (!list_resolve_index(o->ptr, index, &pos)) {
        rl_add_reply_error(c, RL_ERR_LIST_INDEX_RANGE);
        return;
    }
    list_replace_at(o->ptr, pos, c->argv[3].ptr, c->argv[3].len);
    /* Even with the element it had, as in Redis. */
    rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_ok(c);
}

/* LINSERT key BEFORE|AFTER pivot element: the new length, 0 for a missing
 * key, -1 when the pivot is not found. */
void rl_cmd_linsert(rl_client *c)
{
    int after;
    if (rl_string_opt_is(&c->argv[2], "after")) {
        after = 1;
    } else if (rl_string_opt_is(&c->argv[2], "before")) {
        after = 0;
    } else {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }
    int failed;
    rl_obj *o = lookup_list_write(c, &c->argv[1], &failed);
    if (failed) return;
    if (!o) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    rl_list *l = o->ptr;
    for (size_t i = 0; i < rl_list_len(l); i++) {
        if (list_equal_at(l, i, c->argv[3].ptr, c->argv[3].len)) {
            list_insert_at(l, i + (size_t)after, c->argv[4].ptr, c->argv[4].len);
            rl_signal_modified_key(c, &c->argv[1]);
            rl_add_reply_long_long(c, (long long)rl_list_len(l));
            return;
        }
    }
    rl_add_reply_long_long(c, -1);
}

/* LRANGE key start stop: the indexes are parsed before the key is read. */
void rl_cmd_lrange(rl_client *c)
{
    long long start, end;
    if (rl_arg_ll_or_reply(c, &c->argv[2], &start, NULL) != RL_OK ||
        rl_arg_ll_or_reply(c, &c->argv[3], &end, NULL) != RL_OK) {
        return;
    }
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_array_len(c, 0);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_LIST)) return;
    reply_range(c, o->ptr, start, end, 0);
}

void rl_cmd_ltrim(rl_client *c)
{
    long long start, end;
    if (rl_arg_ll_or_reply(c, &c->argv[2], &start, NULL) != RL_OK ||
        rl_arg_ll_or_reply(c, &c->argv[3], &end, NULL) != RL_OK) {
        return;
    }
    int failed;
    rl_obj *o = lookup_list_write(c, &c->argv[1], &failed);
    if (failed) return;
    if (!o) {
        rl_add_reply_ok(c);
        return;
    }
    rl_list *l = o->ptr;
    long long len = (long long)rl_list_len(l);
    long long ltrim, rtrim;
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (start > end || start >= len) {
        ltrim = len;
        rtrim = 0;
    } else {
        if (end >= len) end = len - 1;
        ltrim = start;
        rtrim = len - end - 1;
    }
    list_delete_range(l, 0, (size_t)ltrim);
    list_delete_range(l, rl_list_len(l) - (size_t)rtrim, (size_t)rtrim);
    delete_if_empty(c, &c->argv[1], o);
    /* Redis signals an existing list even when nothing was trimmed. */
    rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_ok(c);
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. Options
 * are parsed before the key is read. Redis negates a negative rank in a
 * long, so RANK -2^63 stays negative there: every match then counts, and
 * the arithmetic below is done in unsigned to give the same answers. */
void rl_cmd_lpos(rl_client *c)
{
    const rl_arg *ele = &c->argv[2];
    long long rank = 1, count = -1, maxlen = 0; /* count -1: no COUNT option */
    for (int j = 3; j < c->argc; j++) {
        const rl_arg *opt = &c->argv[j];
        int moreargs = c->argc - 1 - j;
        if (rl_string_opt_is(opt, "rank") && moreargs) {
            j++;
            if (rl_arg_ll_or_reply(c, &c->argv[j], &rank, NULL) != RL_OK) return;
            if (rank == 0) {
                rl_add_reply_error(c, RL_ERR_LPOS_RANK_ZERO);
                return;
            }
        } else if (rl_string_opt_is(opt, "count") && moreargs) {
            j++;
            if (rl_arg_ll_range_or_reply(c, &c->argv[j], 0, LLONG_MAX, &count,
                                         RL_ERR_LPOS_COUNT_NEGATIVE) != RL_OK) {
                return;
            }
        } else if (rl_string_opt_is(opt, "maxlen") && moreargs) {
            j++;
            if (rl_arg_ll_range_or_reply(c, &c->argv[j], 0, LLONG_MAX, &maxlen,
                                         RL_ERR_LPOS_MAXLEN_NEGATIVE) != RL_OK) {
                return;
            }
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }
    int from_tail = 0;
    if (rank < 0) {
        rank = (long long)(0ULL - (unsigned long long)rank);
        from_tail = 1;
    }

    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (!o) {
        if (count != -1) rl_add_reply_array_len(c, 0);
        else rl_add_reply_null(c);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_LIST)) return;

    const rl_list *l = o->ptr;
    long long len = (long long)rl_list_len(l);
    void *arraylen = count != -1 ? rl_add_reply_deferred_len(c) : NULL;
    long long matches = 0, matchindex = -1, found = 0;
    for (long long n = 0; n < len && (maxlen == 0 || n < maxlen); n++) {
        long long i = from_tail ? len - 1 - n : n;
        if (!list_equal_at(l, (size_t)i, ele->ptr, ele->len)) continue;
        matches++;
        if (matches < rank) continue;
        if (!arraylen) {
            matchindex = i;
            break;
        }
        found++;
        rl_add_reply_long_long(c, i);
        long long past = (long long)((unsigned long long)matches - (unsigned long long)rank + 1);
        if (count && past >= count) break;
    }
    if (arraylen) {
        rl_set_deferred_array_len(c, arraylen, (long)found);
    } else if (matchindex != -1) {
        rl_add_reply_long_long(c, matchindex);
    } else {
        rl_add_reply_null(c);
    }
}

/* LREM key count element. A negative count removes from the tail; Redis
 * negates it in a long, so -2^63 stays unreachable and removes them all. */
void rl_cmd_lrem(rl_client *c)
{
    long long toremove;
    if (rl_arg_ll_or_reply(c, &c->argv[2], &toremove, NULL) != RL_OK) return;
    int failed;
    rl_obj *o = lookup_list_write(c, &c->argv[1], &failed);
    if (failed) return;
    if (!o) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    int from_tail = toremove < 0;
    unsigned long long limit =
        from_tail ? 0ULL - (unsigned long long)toremove : (unsigned long long)toremove;
    if (limit > (unsigned long long)LLONG_MAX) limit = 0;
    long long removed = list_remove(o->ptr, c->argv[3].ptr, c->argv[3].len, limit, from_tail);
    delete_if_empty(c, &c->argv[1], o);
    if (removed) rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_long_long(c, removed);
}

/* LMOVE/RPOPLPUSH and the blocking forms once the source has data: pops
 * from the source, pushes onto the destination (created when missing) and
 * replies with the element. The destination's type is checked before
 * anything moves; source and destination may be the same list. */
static void lmove_generic(rl_client *c, int wherefrom, int whereto)
{
    const rl_arg *src = &c->argv[1], *dst = &c->argv[2];
    int failed;
    rl_obj *so = lookup_list_write(c, src, &failed);
    if (failed) return;
    if (!so) {
        rl_add_reply_null(c);
        return;
    }
    /* Rotating a list onto itself (the reliable-queue pattern) looks the
     * key up once: the second lookup would find the same object. */
    rl_obj *dobj = so;
    if (dst->len != src->len || memcmp(dst->ptr, src->ptr, src->len) != 0) {
        dobj = lookup_list_write(c, dst, &failed);
        if (failed) return;
        if (!dobj) dobj = add_list(c, dst);
    }
    /* The element moves as it is, rather than as a copy. */
    rl_str *s = rl_list_pop(so->ptr, wherefrom);
    list_push_str(dobj->ptr, s, whereto);
    rl_add_reply_bulk(c, s->buf, s->len);
    delete_if_empty(c, src, so);
    rl_signal_modified_key(c, dst);
    rl_signal_modified_key(c, src);
}

void rl_cmd_lmove(rl_client *c)
{
    int wherefrom, whereto;
    if (parse_position(c, &c->argv[3], &wherefrom) != RL_OK) return;
    if (parse_position(c, &c->argv[4], &whereto) != RL_OK) return;
    lmove_generic(c, wherefrom, whereto);
}

void rl_cmd_rpoplpush(rl_client *c)
{
    lmove_generic(c, RL_LIST_TAIL, RL_LIST_HEAD);
}

/* Pops from the first of numkeys keys that holds a list: one element as
 * [key, element] when count is -1 (BLPOP/BRPOP), else up to count as
 * [key, [elements...]]. A key of another type on the way is an error. With
 * nothing to pop, replies with the null array that both a timeout and a
 * client that may not block get. */
static void mpop_generic(rl_client *c, const rl_arg *keys, long long numkeys, int where,
                         long long count)
{
    for (long long j = 0; j < numkeys; j++) {
        int failed;
        rl_obj *o = lookup_list_write(c, &keys[j], &failed);
        if (failed) return;
        if (!o) continue;
        if (count != -1) {
            pop_range_reply_with_key(c, &keys[j], o, where, count);
        } else {
            rl_add_reply_array_len(c, 2);
            rl_add_reply_bulk(c, keys[j].ptr, keys[j].len);
            pop_one_reply(c, &keys[j], o, where);
        }
        return;
    }
    rl_add_reply_null_array(c);
}

/* BLPOP/BRPOP key [key ...] timeout. */
static void bpop_generic(rl_client *c, int where)
{
    if (parse_timeout(c, &c->argv[c->argc - 1]) != RL_OK) return;
    mpop_generic(c, &c->argv[1], c->argc - 2, where, -1);
}

void rl_cmd_blpop(rl_client *c)
{
    bpop_generic(c, RL_LIST_HEAD);
}

void rl_cmd_brpop(rl_client *c)
{
    bpop_generic(c, RL_LIST_TAIL);
}

/* BLMOVE/BRPOPLPUSH after their arguments are parsed. Only the source's
 * type is checked when it is missing, as Redis does before blocking. */
static void blmove_generic(rl_client *c, int wherefrom, int whereto)
{
    int failed;
    rl_obj *so = lookup_list_write(c, &c->argv[1], &failed);
    if (failed) return;
    if (so) {
        lmove_generic(c, wherefrom, whereto);
    } else if (c->flags & RL_CLIENT_DENY_BLOCKING) {
        rl_add_reply_null(c);
    } else {
        rl_add_reply_null_array(c); /* what the timeout would answer */
    }
}

void rl_cmd_blmove(rl_client *c)
{
    int wherefrom, whereto;
    if (parse_position(c, &c->argv[3], &wherefrom) != RL_OK) return;
    if (parse_position(c, &c->argv[4], &whereto) != RL_OK) return;
    if (parse_timeout(c, &c->argv[5]) != RL_OK) return;
    blmove_generic(c, wherefrom, whereto);
}

void rl_cmd_brpoplpush(rl_client *c)
{
    if (parse_timeout(c, &c->argv[3]) != RL_OK) return;
    blmove_generic(c, RL_LIST_TAIL, RL_LIST_HEAD);
}

/* LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count], and BLMPOP with a
 * timeout before numkeys (parsed last, as Redis does). */
static void lmpop_generic(rl_client *c, int numkeys_idx, int blocking)
{
    long long numkeys, count = -1;
    int where;
    if (rl_arg_ll_range_or_reply(c, &c->argv[numkeys_idx], 1, LLONG_MAX, &numkeys,
                                 RL_ERR_LMPOP_NUMKEYS) != RL_OK) {
        return;
    }
    /* Redis computes the index of LEFT|RIGHT and calls it a syntax error
     * when it lies past the arguments. */
    if (numkeys >= (long long)c->argc - numkeys_idx - 1) {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }
    int where_idx = numkeys_idx + (int)numkeys + 1;
    if (parse_position(c, &c->argv[where_idx], &where) != RL_OK) return;
    for (int j = where_idx + 1; j < c->argc; j++) {
        int moreargs = c->argc - 1 - j;
        if (count == -1 && rl_string_opt_is(&c->argv[j], "count") && moreargs) {
            j++;
            if (rl_arg_ll_range_or_reply(c, &c->argv[j], 1, LLONG_MAX, &count,
                                         RL_ERR_LMPOP_COUNT) != RL_OK) {
                return;
            }
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }
    if (count == -1) count = 1;
    if (blocking && parse_timeout(c, &c->argv[1]) != RL_OK) return;
    mpop_generic(c, &c->argv[numkeys_idx + 1], numkeys, where, count);
}

void rl_cmd_lmpop(rl_client *c)
{
    lmpop_generic(c, 1, 0);
}

void rl_cmd_blmpop(rl_client *c)
{
    lmpop_generic(c, 2, 1);
}
