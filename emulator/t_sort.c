/* SORT and SORT_RO, as Redis 7.0's sort.c behaves.
 *
 * The elements to sort come from a list, a set or a sorted set (a missing
 * key sorts as an empty list). Lists are read in place; sets and sorted sets
 * export no iterator, so their members are read through SMEMBERS and ZRANGE
 * on a private client, which gives the same order those commands give.
 *
 * Orders, as in Redis:
 *   - numeric (the default): by the double the weight parses to with strtod
 *     (the whole string must be consumed; a missing BY weight counts as 0),
 *     equal scores ordered by the elements' bytes;
 *   - ALPHA: by strcoll, or by raw bytes with STORE. The emulator collates as
 *     the C and C.UTF-8 locales do (strcmp, so comparison stops at a NUL
 *     byte), the locale the reference redis-server runs under; with BY,
 *     elements whose weight key is missing come first;
 *   - BY with a pattern without '*' does not sort: lists and sorted sets keep
 *     their order (reversed by DESC), sets their iteration order. A set is
 *     sorted ALPHA instead when SORT runs from a script or with STORE, so the
 *     result is deterministic.
 * A full sort is stable (glibc's qsort is a merge sort), and when BY and a
 * LIMIT narrow the range Redis runs its partial quicksort (pqsort.c, the
 * NetBSD / Bentley-McIlroy algorithm that only recurses into partitions that
 * overlap the range); partial_qsort below follows the same steps, so
 * elements of equal weight come out in Redis's order. Redis iterates a
 * hashtable set and a sorted set's dict in a random order before sorting;
 * the emulator starts from SMEMBERS / ZRANGE order, so equal weights of those
 * come out in a fixed order where Redis's may vary. */
#include <errno.h>
#include <math.h>
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
#include "server.h"
#include "t_hash.h"
#include "t_list.h"
#include "t_zset.h"

/* One element being sorted. ele is NUL-terminated at ele[len] and borrowed
 * from the list or from the members reply; cmp, for ALPHA with BY, is a
 * NUL-terminated copy of the weight, NULL when the weight is missing. */
typedef struct sort_item {
    const char *ele;
    size_t len;
    double score; /* numeric weight */
    char *cmp;
    size_t cmplen;
} sort_item;

/* How items compare (Redis keeps these in server.sort_*). */
typedef struct sort_order {
    int desc;
    int alpha;
    int bypattern;
    int store;
} sort_order;

/* A GET or BY pattern, split where Redis's lookupKeyByPattern splits it.
 * Like Redis, the search for '*' and "->" stops at the first NUL byte,
 * while the lengths count the whole argument. */
typedef struct sort_pattern {
    const rl_arg *arg;
    int self;          /* "#": the element itself */
    int has_star;      /* 0: no key is looked up */
    size_t prefixlen;  /* bytes before the '*' */
    size_t postfixlen; /* bytes after the '*' that belong to the key name */
    const char *field; /* hash field after "->", or NULL */
    size_t fieldlen;
} sort_pattern;

/* ==========================================================================
 * Patterns
 * ========================================================================== */

/* Length of the C string Redis sees in a (NUL-terminated) argument. */
static size_t cstr_len(const rl_arg *a)
{
    const char *nul = memchr(a->ptr, '\0', a->len);
    return nul ? (size_t)(nul - a->ptr) : a->len;
}

/* 1 if the argument holds a '*' before its first NUL. */
static int has_star(const rl_arg *a)
{
    return memchr(a->ptr, '*', cstr_len(a)) != NULL;
}

/* Redis compares option names with strcasecmp on the NUL-terminated
 * argument, so anything after an embedded NUL is ignored. */
static int opt_is(const rl_arg *a, const char *name)
{
    size_t n = strlen(name);
    return cstr_len(a) == n && strncasecmp(a->ptr, name, n) == 0;
}

static void pattern_init(sort_pattern *p, const rl_arg *a)
{
    size_t clen = cstr_len(a);
    memset(p, 0, sizeof(*p));
    p->arg = a;
    p->self = clen == 1 && a->ptr[0] == '#';
    const char *star = memchr(a->ptr, '*', clen);
    if (p->self || !star) return;
    p->has_star = 1;
    p->prefixlen = (size_t)(star - a->ptr);
    /* The first "->" after the '*' that is followed by something (before
     * the NUL) names a hash field: everything after it, to the very end. */
    const char *end = a->ptr + clen;
    for (const char *f = star + 1; f + 1 < end; f++) {
        if (f[0] == '-' && f[1] == '>') {
            if (f + 2 < end) {
                p->field = f + 2;
                p->fieldlen = a->len - (size_t)(f + 2 - a->ptr);
            }
            break;
        }
    }
    p->postfixlen = a->len - p->prefixlen - 1 - (p->field ? p->fieldlen + 2 : 0);
}

/* Looks up the value a pattern names for an element: 1 and the value
 * (borrowed until the next write to the keyspace) when it exists, 0 when
 * the key is missing, of the wrong type or lacks the hash field.
 * keybuf is a scratch buffer for the key name. */
static int pattern_lookup(rl_client *c, const sort_pattern *p, const sort_item *it, rl_str *keybuf,
                          const char **val, size_t *vlen)
{
    if (p->self) {
        *val = it->ele;
        *vlen = it->len;
        return 1;
    }
    if (!p->has_star) return 0;
    rl_str_resize(keybuf, 0);
    rl_str_append(keybuf, p->arg->ptr, p->prefixlen);
    rl_str_append(keybuf, it->ele, it->len);
    rl_str_append(keybuf, p->arg->ptr + p->prefixlen + 1, p->postfixlen);
    rl_obj *o = rl_db_lookup(c->emu, rl_client_db(c), keybuf->buf, keybuf->len);
    if (!o) return 0;
    if (p->field) {
        if (o->type != RL_TYPE_HASH) return 0;
        return rl_hash_get(o->ptr, p->field, p->fieldlen, val, vlen);
    }
    if (o->type != RL_TYPE_STRING) return 0;
    const rl_str *s = o->ptr;
    *val = s->buf;
    *vlen = s->len;
    return 1;
}

/* ==========================================================================
 * Ordering
 * ========================================================================== */

/* Redis's compareStringObjects: bytes, then length. */
static int cmp_binary(const char *a, size_t alen, const char *b, size_t blen)
{
    int r = memcmp(a, b, alen < blen ? alen : blen);
    if (r != 0) return r;
    return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

/* Redis's sortCompare. */
static int item_cmp(const sort_item *a, const sort_item *b, const sort_order *o)
{
    int cmp;
    if (!o->alpha) {
        if (a->score > b->score) cmp = 1;
        else if (a->score < b->score) cmp = -1;
        else cmp = cmp_binary(a->ele, a->len, b->ele, b->len);
    } else if (o->bypattern) {
        if (!a->cmp || !b->cmp) cmp = a->cmp == b->cmp ? 0 : (a->cmp ? 1 : -1);
        else if (o->store) cmp = cmp_binary(a->cmp, a->cmplen, b->cmp, b->cmplen);
        else cmp = strcmp(a->cmp, b->cmp);
    } else {
        if (o->store) cmp = cmp_binary(a->ele, a->len, b->ele, b->len);
        else cmp = strcmp(a->ele, b->ele);
    }
    return o->desc ? -cmp : cmp;
}

/* A stable merge sort of v[0..n) using tmp (n items) as scratch. */
static void merge_sort(sort_item *v, sort_item *tmp, size_t n, const sort_order *o)
{
    if (n < 2) return;
    size_t n1 = n / 2;
    merge_sort(v, tmp, n1, o);
    merge_sort(v + n1, tmp, n - n1, o);
    size_t i = 0, j = n1, k = 0;
    while (i < n1 && j < n) tmp[k++] = item_cmp(&v[i], &v[j], o) <= 0 ? v[i++] : v[j++];
    while (i < n1) tmp[k++] = v[i++];
    memcpy(v, tmp, k * sizeof(*v));
}

static void item_swap(sort_item *v, long i, long j)
{
    sort_item t = v[i];
    v[i] = v[j];
    v[j] = t;
}

/* Swaps the n items at i with the n items at j, pairwise. */
static void items_swap(sort_item *v, long i, long j, long n)
{
    for (long k = 0; k < n; k++) item_swap(v, i + k, j + k);
}

static long med3(sort_item *v, long a, long b, long c, const sort_order *o)
{
    if (item_cmp(&v[a], &v[b], o) < 0) {
        if (item_cmp(&v[b], &v[c], o) < 0) return b;
        return item_cmp(&v[a], &v[c], o) < 0 ? c : a;
    }
    if (item_cmp(&v[b], &v[c], o) > 0) return b;
    return item_cmp(&v[a], &v[c], o) < 0 ? a : c;
}

static void insertion_sort(sort_item *v, long lo, long n, const sort_order *o)
{
    for (long m = lo + 1; m < lo + n; m++)
        for (long l = m; l > lo && item_cmp(&v[l - 1], &v[l], o) > 0; l--) item_swap(v, l, l - 1);
}

/* 1 when the n items at lo overlap the wanted range [left, right]. */
static int overlaps(long lo, long n, long left, long right)
{
    return !((left < lo && right < lo) || (left >= lo + n && right >= lo + n));
}

/* Redis 7.0's pqsort: a Bentley-McIlroy quicksort (ninther pivot above 40
 * items, three-way partition, insertion sort below 7 items; unlike later
 * versions, no switch to insertion sort after a pass without swaps) that
 * only descends into the partitions overlapping [left, right]. The steps are
 * the same, so ties come out as in Redis. */
static void partial_qsort(sort_item *v, long lo, long n, long left, long right, const sort_order *o)
{
    for (;;) {
        if (n < 7) {
            insertion_sort(v, lo, n, o);
            return;
        }
        long pm = lo + n / 2;
        if (n > 7) {
            long pl = lo, pn = lo + n - 1;
            if (n > 40) {
                long d = n / 8;
                pl = med3(v, pl, pl + d, pl + 2 * d, o);
                pm = med3(v, pm - d, pm, pm + d, o);
                pn = med3(v, pn - 2 * d, pn - d, pn, o);
            }
            pm = med3(v, pl, pm, pn, o);
        }
        item_swap(v, lo, pm);
        long pa = lo + 1, pb = lo + 1;
        long pc = lo + n - 1, pd = lo + n - 1;
        for (;;) {
            int r;
            while (pb <= pc && (r = item_cmp(&v[pb], &v[lo], o)) <= 0) {
                if (r == 0) item_swap(v, pa++, pb);
                pb++;
            }
            while (pb <= pc && (r = item_cmp(&v[pc], &v[lo], o)) >= 0) {
                if (r == 0) item_swap(v, pc, pd--);
                pc--;
            }
            if (pb > pc) break;
            item_swap(v, pb++, pc--);
        }
        long pn = lo + n;
        long r = pa - lo < pb - pa ? pa - lo : pb - pa;
        items_swap(v, lo, pb - r, r);
        r = pd - pc < pn - pd - 1 ? pd - pc : pn - pd - 1;
        items_swap(v, pb, pn - r, r);
        r = pb - pa;
        if (r > 1 && overlaps(lo, r, left, right)) partial_qsort(v, lo, r, left, right, o);
        r = pd - pc;
        if (r <= 1) return;
        lo = pn - r;
        n = r;
        if (!overlaps(lo, n, left, right)) return;
    }
}

/* ==========================================================================
 * Loading the elements
 * ========================================================================== */

/* The members of a set or a sorted set, read with SMEMBERS or with ZRANGE
 * key from to [REV] on a private client of c's database. The caller frees
 * the reply with rl_reply_free. */
static rl_reply *read_members(rl_client *c, const rl_arg *key, rl_type type, long from, long to,
                              int rev)
{
    char sfrom[24], sto[24];
    rl_arg argv[5];
    int argc = 2;
    argv[1] = *key;
    if (type == RL_TYPE_SET) {
        argv[0] = (rl_arg){ "SMEMBERS", 8 };
    } else {
        argv[0] = (rl_arg){ "ZRANGE", 6 };
        argv[2] = (rl_arg){ sfrom, (size_t)snprintf(sfrom, sizeof(sfrom), "%ld", from) };
        argv[3] = (rl_arg){ sto, (size_t)snprintf(sto, sizeof(sto), "%ld", to) };
        argc = 4;
        if (rev) argv[argc++] = (rl_arg){ "REV", 3 };
    }
    rl_client *tmp = rl_client_new(c->emu);
    tmp->db = c->db;
    rl_reply *r = rl_client_call(tmp, argc, argv);
    rl_client_free(tmp);
    return r;
}

static void items_from_reply(sort_item *v, const rl_reply *r)
{
    for (size_t i = 0; i < r->elements; i++) {
        v[i].ele = r->element[i]->str;
        v[i].len = r->element[i]->len;
    }
}

/* ==========================================================================
 * SORT command
 * ========================================================================== */

typedef struct sort_args {
    int desc, alpha, dontsort;
    long limit_start, limit_count;
    const rl_arg *sortby;
    const rl_arg *storekey;
    sort_pattern *gets;
    int ngets;
} sort_args;

/* Parses the options after the key; replies and returns RL_ERR on an error. */
static int parse_args(rl_client *c, int readonly, sort_args *a)
{
    memset(a, 0, sizeof(*a));
    a->limit_count = -1;
    a->gets = rl_malloc(sizeof(*a->gets) * (size_t)c->argc);
    for (int j = 2; j < c->argc; j++) {
        int left = c->argc - j - 1;
        const rl_arg *opt = &c->argv[j];
        if (opt_is(opt, "asc")) {
            a->desc = 0;
        } else if (opt_is(opt, "desc")) {
            a->desc = 1;
        } else if (opt_is(opt, "alpha")) {
            a->alpha = 1;
        } else if (opt_is(opt, "limit") && left >= 2) {
            long long s, n;
            if (rl_arg_ll_or_reply(c, &c->argv[j + 1], &s, NULL) != RL_OK ||
                rl_arg_ll_or_reply(c, &c->argv[j + 2], &n, NULL) != RL_OK)
                return RL_ERR;
            a->limit_start = (long)s;
            a->limit_count = (long)n;
            j += 2;
        } else if (!readonly && opt_is(opt, "store") && left >= 1) {
            a->storekey = &c->argv[++j];
        } else if (opt_is(opt, "by") && left >= 1) {
            a->sortby = &c->argv[++j];
            /* A BY pattern without '*' names no weights: nothing to sort. As
             * in Redis, a later BY with a '*' does not turn sorting back on. */
            if (!has_star(a->sortby)) {
                a->dontsort = 1;
            } else if (c->emu->cluster_mode) {
                rl_add_reply_error(c, RL_ERR_CLUSTER_SORT_BY);
                return RL_ERR;
            }
        } else if (opt_is(opt, "get") && left >= 1) {
            if (c->emu->cluster_mode) {
                rl_add_reply_error(c, RL_ERR_CLUSTER_SORT_GET);
                return RL_ERR;
            }
            pattern_init(&a->gets[a->ngets++], &c->argv[++j]);
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return RL_ERR;
        }
    }
    return RL_OK;
}

/* Computes the weights of v[0..n) for the given order; 1 when a numeric
 * weight cannot be parsed as Redis parses it. */
static int load_weights(rl_client *c, sort_item *v, long n, const sort_pattern *by,
                        const sort_order *o, rl_str *keybuf)
{
    int bad = 0;
    for (long j = 0; j < n; j++) {
        const char *w;
        size_t wlen;
        if (by) {
            if (!pattern_lookup(c, by, &v[j], keybuf, &w, &wlen)) continue;
        } else {
            w = v[j].ele;
            wlen = v[j].len;
        }
        if (o->alpha) {
            if (by) {
                v[j].cmp = rl_memdup(w, wlen);
                v[j].cmplen = wlen;
            }
            continue;
        }
        /* strtod reads the value as a C string, up to its first NUL. */
        char *copy = rl_memdup(w, wlen);
        char *eptr;
        errno = 0;
        v[j].score = strtod(copy, &eptr);
        if (eptr[0] != '\0' || errno == ERANGE || isnan(v[j].score)) bad = 1;
        rl_free(copy);
    }
    return bad;
}

/* Replies with (or, with STORE, stores) v[start..end] and the GET values. */
static void emit(rl_client *c, const sort_args *a, sort_item *v, long start, long end,
                 rl_str *keybuf)
{
    long count = end - start + 1;
    long outputlen = a->ngets ? a->ngets * count : count;
    const char *val;
    size_t vlen;
    if (!a->storekey) {
        rl_add_reply_array_len(c, outputlen);
        for (long j = start; j <= end; j++) {
            if (!a->ngets) rl_add_reply_bulk(c, v[j].ele, v[j].len);
            for (int g = 0; g < a->ngets; g++) {
                if (pattern_lookup(c, &a->gets[g], &v[j], keybuf, &val, &vlen))
                    rl_add_reply_bulk(c, val, vlen);
                else rl_add_reply_null(c);
            }
        }
        return;
    }
    rl_obj *list = rl_list_obj_new();
    for (long j = start; j <= end; j++) {
        if (!a->ngets) rl_list_push(list->ptr, v[j].ele, v[j].len, RL_LIST_TAIL);
        for (int g = 0; g < a->ngets; g++) {
            if (!pattern_lookup(c, &a->gets[g], &v[j], keybuf, &val, &vlen)) {
                val = "";
                vlen = 0;
            }
            rl_list_push(list->ptr, val, vlen, RL_LIST_TAIL);
        }
    }
    /* The elements may belong to the destination itself: set it last. */
    rl_db *db = rl_client_db(c);
    if (outputlen > 0) {
        rl_db_set(c->emu, db, a->storekey->ptr, a->storekey->len, list, 0);
    } else {
        rl_obj_free(list);
        if (rl_db_delete(c->emu, db, a->storekey->ptr, a->storekey->len))
            rl_signal_modified_key(c, a->storekey);
    }
    rl_add_reply_long_long(c, outputlen);
}

static void sort_generic(rl_client *c, int readonly)
{
    sort_args a;
    if (parse_args(c, readonly, &a) != RL_OK) {
        rl_free(a.gets);
        return;
    }
    const rl_arg *key = &c->argv[1];
    rl_obj *o = rl_lookup_key_read(c, key);
    if (o && o->type != RL_TYPE_LIST && o->type != RL_TYPE_SET && o->type != RL_TYPE_ZSET) {
        rl_free(a.gets);
        rl_add_reply_error(c, RL_ERR_WRONGTYPE);
        return;
    }
    rl_type type = o ? o->type : RL_TYPE_LIST;
    const rl_arg *sortby = a.sortby;
    int alpha = a.alpha, dontsort = a.dontsort;
    /* A set has no order of its own: sort it when the result must be
     * deterministic (scripts, and STORE which replicates). */
    if (dontsort && type == RL_TYPE_SET && (a.storekey || (c->flags & RL_CLIENT_SCRIPT))) {
        dontsort = 0;
        alpha = 1;
        sortby = NULL;
    }

    /* Like Redis, SORT leaves a sorted set with the skiplist encoding,
     * which shows later in ZSCAN and in scores of -0. */
    if (type == RL_TYPE_ZSET) rl_zset_convert_to_skiplist(o->ptr);

    /* The members of a set, or of a sorted set that is sorted, are read
     * first: their count is the vector's length. */
    rl_reply *members = NULL;
    long vectorlen = 0;
    if (type == RL_TYPE_LIST) {
        vectorlen = o ? (long)rl_list_len(o->ptr) : 0;
    } else if (type == RL_TYPE_SET || !dontsort) {
        members = read_members(c, key, type, 0, -1, 0);
        vectorlen = (long)members->elements;
    } else {
        vectorlen = (long)rl_zset_length(o->ptr);
    }

    /* Redis's LIMIT sanity checks, clamping to the object's size. */
    long start = a.limit_start < 0 ? 0 : (a.limit_start > vectorlen ? vectorlen : a.limit_start);
    long count = a.limit_count < -1 ? -1 : (a.limit_count > vectorlen ? vectorlen : a.limit_count);
    long end = count < 0 ? vectorlen - 1 : start + count - 1;
    if (start >= vectorlen) {
        start = vectorlen - 1;
        end = vectorlen - 2;
    }
    if (end >= vectorlen) end = vectorlen - 1;

    /* Lists and sorted sets that are not sorted load just the range. */
    int ranged = type != RL_TYPE_SET && dontsort && (start != 0 || end != vectorlen - 1);
    long total = vectorlen;
    if (ranged) vectorlen = end - start + 1;
    sort_item *v = rl_calloc(vectorlen > 0 ? (size_t)vectorlen : 1, sizeof(*v));

    if (type == RL_TYPE_LIST && dontsort) {
        /* The list's own order (reversed by DESC) from start. */
        if (end >= start) {
            for (long j = 0; j < vectorlen; j++) {
                long idx = a.desc ? total - start - 1 - j : start + j;
                const rl_str *s = rl_list_at(o->ptr, (size_t)idx);
                v[j].ele = s->buf;
                v[j].len = s->len;
            }
            end -= start;
            start = 0;
        }
    } else if (type == RL_TYPE_LIST) {
        for (long j = 0; j < vectorlen; j++) {
            const rl_str *s = rl_list_at(o->ptr, (size_t)j);
            v[j].ele = s->buf;
            v[j].len = s->len;
        }
    } else if (type == RL_TYPE_ZSET && dontsort) {
        /* The rank range, from the highest score with DESC. */
        if (vectorlen > 0) {
            members = read_members(c, key, type, start, start + vectorlen - 1, a.desc);
            items_from_reply(v, members);
        }
        end -= start;
        start = 0;
    } else {
        items_from_reply(v, members);
    }

    sort_order ord = { a.desc, alpha, sortby != NULL, a.storekey != NULL };
    rl_str *keybuf = rl_str_new("", 0);
    int bad = 0;
    if (!dontsort) {
        sort_pattern by;
        if (sortby) pattern_init(&by, sortby);
        bad = load_weights(c, v, vectorlen, sortby ? &by : NULL, &ord, keybuf);
        if (sortby && (start != 0 || end != vectorlen - 1)) {
            partial_qsort(v, 0, vectorlen, start, end, &ord);
        } else {
            sort_item *tmp = rl_malloc((vectorlen > 0 ? (size_t)vectorlen : 1) * sizeof(*tmp));
            merge_sort(v, tmp, (size_t)vectorlen, &ord);
            rl_free(tmp);
        }
    }

    if (bad) rl_add_reply_error(c, RL_ERR_SORT_SCORES);
    else emit(c, &a, v, start, end, keybuf);

    for (long j = 0; j < vectorlen; j++) rl_free(v[j].cmp);
    rl_free(v);
    rl_str_free(keybuf);
    rl_reply_free(members);
    rl_free(a.gets);
}

void rl_cmd_sort(rl_client *c)
{
    sort_generic(c, 0);
}

void rl_cmd_sort_ro(rl_client *c)
{
    sort_generic(c, 1);
}
