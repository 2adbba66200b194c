/* HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST.
 *
 * A HyperLogLog is a plain string value laid out byte for byte as Redis 7.0
 * lays it out, so GET, SET, APPEND or SETRANGE see and change the same bytes
 * a real server would hold:
 *
 *   "HYLL" | encoding (0 dense, 1 sparse) | 3 unused bytes | cardinality
 *
 * The cardinality is a cache, 8 bytes little endian, whose top bit marks it
 * stale. 16384 registers follow, each the longest run of zero bits (plus
 * one) seen in the 50 hash bits above a 14-bit register index, hashing
 * elements with MurmurHash64A (seed 0xadc83b19).
 *
 * Dense: 6 bits per register, packed from the least significant bit of
 * each byte on (12288 bytes). Sparse: a run-length code of ZERO (00xxxxxx,
 * 1-64 zero registers), XZERO (01xxxxxx yyyyyyyy, 1-16384 zero registers)
 * and VAL (1vvvvvxx, 1-4 registers of value 1-32) opcodes. New values start
 * sparse and are promoted to dense when a register exceeds 32 or the string
 * would grow past hll-sparse-max-bytes (3000, header included).
 *
 * Every edit of the sparse code follows Redis's hllSparseSet step by step
 * (which opcode is split, which neighbours are merged, when it promotes),
 * because that order decides the bytes a later GET returns. The estimator
 * is Otmar Ertl's improved one that Redis 7.0 uses, computed with the same
 * double arithmetic, so PFCOUNT answers the same numbers.
 *
 * Corrupt values. Reading a sparse value whole (PFCOUNT, PFMERGE, the
 * conversion to dense) accepts it only when its opcodes cover exactly 16384
 * registers: an opcode that would cross the end makes it corrupt. That is
 * Redis 7.0.15 as Debian ships it, with the CVE-2025-32023 fix; the
 * upstream 7.0.15 tag ignored VAL opcodes past the end there. An XZERO
 * opcode cut off at the end of a corrupt value takes its second byte from
 * the one after the string, as in Redis: the NUL rl_str keeps there like
 * sds, or the byte an earlier PFADD left there (see sparse_set). */
#include "t_string.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "db.h"
#include "errors.h"
#include "mem.h"
#include "multi.h"
#include "object.h"
#include "reply.h"

#define HLL_P 14
#define HLL_Q (64 - HLL_P)
#define HLL_REGISTERS (1 << HLL_P)
#define HLL_P_MASK (HLL_REGISTERS - 1)
#define HLL_BITS 6
#define HLL_REGISTER_MAX ((1 << HLL_BITS) - 1)
#define HLL_HDR_SIZE 16
#define HLL_DENSE_SIZE (HLL_HDR_SIZE + (HLL_REGISTERS * HLL_BITS + 7) / 8)
#define HLL_DENSE 0
#define HLL_SPARSE 1
#define HLL_MAX_ENCODING 1
#define HLL_HASH_SEED 0xadc83b19ULL
/* Redis's hll-sparse-max-bytes default; the emulator has no CONFIG SET. */
#define HLL_SPARSE_MAX_BYTES 3000

/* Header offsets. */
#define HDR_ENCODING 4
#define HDR_CARD 8

#define SPARSE_VAL_MAX_VALUE 32
#define SPARSE_VAL_MAX_LEN 4
#define SPARSE_ZERO_MAX_LEN 64
#define SPARSE_XZERO_MAX_LEN 16384

/* 0.5 / ln(2), the estimator's alpha for an infinite number of registers. */
#define HLL_ALPHA_INF 0.721347520444481703680

/* --- Registers ------------------------------------------------------------------ */

/* Reads register i of a dense array. The last register also reads the byte
 * after the array, which is always there (the string's NUL, or one spare
 * byte in our own buffers) and never changes the result. */
static unsigned dense_get(const uint8_t *r, long i)
{
    unsigned long byte = (unsigned long)i * HLL_BITS / 8;
    unsigned long fb = ((unsigned long)i * HLL_BITS) & 7;
    unsigned long b0 = r[byte], b1 = r[byte + 1];
    return (unsigned)(((b0 >> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX);
}

static void dense_put(uint8_t *r, long i, unsigned v)
{
    unsigned long byte = (unsigned long)i * HLL_BITS / 8;
    unsigned long fb = ((unsigned long)i * HLL_BITS) & 7;
    unsigned long fb8 = 8 - fb;
    r[byte] = (uint8_t)((r[byte] & ~(HLL_REGISTER_MAX << fb)) | (v << fb));
    r[byte + 1] = (uint8_t)((r[byte + 1] & ~(HLL_REGISTER_MAX >> fb8)) | (v >> fb8));
}

static int is_zero_op(const uint8_t *p)
{
    return (*p & 0xc0) == 0;
}

static int is_xzero_op(const uint8_t *p)
{
    return (*p & 0xc0) == 0x40;
}

static int is_val_op(const uint8_t *p)
{
    return (*p & 0x80) != 0;
}

static long zero_len(const uint8_t *p)
{
    return (*p & 0x3f) + 1;
}

static long xzero_len(const uint8_t *p)
{
    return (((long)(p[0] & 0x3f) << 8) | p[1]) + 1;
}

static int val_value(const uint8_t *p)
{
    return ((*p >> 2) & 0x1f) + 1;
}

static long val_len(const uint8_t *p)
{
    return (*p & 0x3) + 1;
}

/* The number of registers the opcode at p covers. */
static long sparse_op_len(const uint8_t *p)
{
    return is_zero_op(p) ? zero_len(p) : is_xzero_op(p) ? xzero_len(p) : val_len(p);
}

static void put_val(uint8_t *p, int val, long len)
{
    *p = (uint8_t)(((val - 1) << 2) | (len - 1) | 0x80);
}

static void put_zero(uint8_t *p, long len)
{
    *p = (uint8_t)(len - 1);
}

static void put_xzero(uint8_t *p, long len)
{
    p[0] = (uint8_t)(((len - 1) >> 8) | 0x40);
    p[1] = (uint8_t)((len - 1) & 0xff);
}

/* Writes a run of len zero registers with the shorter opcode that holds it
 * and returns the byte after it. */
static uint8_t *put_zeros(uint8_t *p, long len)
{
    if (len > SPARSE_ZERO_MAX_LEN) {
        put_xzero(p, len);
        return p + 2;
    }
    put_zero(p, len);
    return p + 1;
}

static uint8_t *hll_bytes(rl_str *s)
{
    return (uint8_t *)s->buf;
}

static void invalidate_cache(rl_str *s)
{
    hll_bytes(s)[HDR_CARD + 7] |= 0x80;
}

static int cache_valid(const rl_str *s)
{
    return (((const uint8_t *)s->buf)[HDR_CARD + 7] & 0x80) == 0;
}

/* --- Hashing ------------------------------------------------------------------------ */

/* MurmurHash64A, reading 8-byte words little endian as Redis does on every
 * architecture. */
static uint64_t murmur64a(const uint8_t *data, size_t size, uint64_t seed)
{
    const uint64_t m = 0xc6a4a7935bd1e995ULL;
    const int r = 47;
    int len = (int)size;
    uint64_t h = seed ^ ((uint64_t)len * m);
    const uint8_t *end = data + (len - (len & 7));

    while (data != end) {
        uint64_t k = 0;
        for (int i = 7; i >= 0; i--) k = (k << 8) | data[i];
        k *= m;
        k ^= k >> r;
        k *= m;
        h ^= k;
        h *= m;
        data += 8;
    }
    int tail = len & 7;
    if (tail) {
        for (int i = tail - 1; i >= 0; i--) h ^= (uint64_t)data[i] << (8 * i);
        h *= m;
    }
    h ^= h >> r;
    h *= m;
    h ^= h >> r;
    return h;
}

/* The register an element lands in, and the length of the run of zero bits
 * ending in a one in the rest of its hash (1 to 51). */
static int pattern_len(const uint8_t *ele, size_t size, long *reg)
{
    uint64_t hash = murmur64a(ele, size, HLL_HASH_SEED);
    *reg = (long)(hash & HLL_P_MASK);
    hash >>= HLL_P;
    hash |= (uint64_t)1 << HLL_Q; /* the run ends at bit Q at the latest */
    int count = 1;
    for (uint64_t bit = 1; (hash & bit) == 0; bit <<= 1) count++;
    return count;
}

/* --- Dense and sparse representations ------------------------------------------ */

/* Raises a dense register to count; 1 if it changed. */
static int dense_set(uint8_t *registers, long index, unsigned count)
{
    if (count > dense_get(registers, index)) {
        dense_put(registers, index, count);
        return 1;
    }
    return 0;
}

/* Rewrites a sparse value as dense, keeping the header (cache included) but
 * the encoding byte. RL_ERR, leaving s alone, when the opcodes do not cover
 * exactly 16384 registers. */
static int sparse_to_dense(rl_str *s)
{
    const uint8_t *p = hll_bytes(s), *end = p + s->len;
    if (p[HDR_ENCODING] == HLL_DENSE) return RL_OK;

    /* One spare byte: dense_put of the last register touches it. */
    uint8_t *dense = rl_calloc(1, HLL_DENSE_SIZE + 1);
    memcpy(dense, p, HLL_HDR_SIZE);
    dense[HDR_ENCODING] = HLL_DENSE;
    uint8_t *registers = dense + HLL_HDR_SIZE;
    long idx = 0;
    p += HLL_HDR_SIZE;
    while (p < end) {
        long runlen = sparse_op_len(p);
        if (runlen + idx > HLL_REGISTERS) {
            idx = -1;
            break;
        }
        if (is_val_op(p)) {
            int regval = val_value(p);
            while (runlen--) dense_put(registers, idx++, (unsigned)regval);
        } else {
            idx += runlen;
        }
        p += is_xzero_op(p) ? 2 : 1;
    }
    if (idx != HLL_REGISTERS) {
        rl_free(dense);
        return RL_ERR;
    }
    rl_str_resize(s, 0);
    rl_str_append(s, (const char *)dense, HLL_DENSE_SIZE);
    rl_free(dense);
    return RL_OK;
}

/* Raises sparse register index to count, as Redis's hllSparseSet: 1 if it
 * changed, 0 if not, -1 when the value is corrupt. May promote s to dense. */
static int sparse_set(rl_str *s, long index, int count)
{
    if (count > SPARSE_VAL_MAX_VALUE) goto promote;

    /* Splitting an opcode grows the string by 3 bytes at most; reserving
     * them first keeps the pointers below valid. */
    rl_str_reserve(s, s->len + 3);
    uint8_t *sparse = hll_bytes(s) + HLL_HDR_SIZE, *p = sparse;
    uint8_t *end = hll_bytes(s) + s->len;
    uint8_t *prev = NULL, *next;
    long first = 0, span = 0;

    /* Step 1: find the opcode covering the register. */
    while (p < end) {
        long oplen = 1;
        if (is_zero_op(p)) {
            span = zero_len(p);
        } else if (is_val_op(p)) {
            span = val_len(p);
        } else {
            span = xzero_len(p);
            oplen = 2;
        }
        if (index <= first + span - 1) break;
        prev = p;
        p += oplen;
        first += span;
    }
    if (span == 0 || p >= end) return -1;

    next = is_xzero_op(p) ? p + 2 : p + 1;
    if (next >= end) next = NULL;

    int is_zero = 0, is_xzero = 0, is_val = 0;
    long runlen;
    if (is_zero_op(p)) {
        is_zero = 1;
        runlen = zero_len(p);
    } else if (is_xzero_op(p)) {
        is_xzero = 1;
        runlen = xzero_len(p);
    } else {
        is_val = 1;
        runlen = val_len(p);
    }

    /* Step 2: the cases that change one byte in place. */
    if (is_val) {
        if (val_value(p) >= count) return 0;
        if (runlen == 1) {
            put_val(p, count, 1);
            goto updated;
        }
    }
    if (is_zero && runlen == 1) {
        put_val(p, count, 1);
        goto updated;
    }

    /* Otherwise the opcode is split in up to three: the registers before
     * ours, ours, the registers after it. */
    uint8_t seq[5], *n = seq;
    long last = first + span - 1;
    if (is_zero || is_xzero) {
        if (index != first) n = put_zeros(n, index - first);
        put_val(n++, count, 1);
        if (index != last) n = put_zeros(n, last - index);
    } else {
        int curval = val_value(p);
        if (index != first) put_val(n++, curval, index - first);
        put_val(n++, count, 1);
        if (index != last) put_val(n++, curval, last - index);
    }

    /* Step 3: put the new sequence in place of the old opcode. */
    long seqlen = n - seq;
    long oldlen = is_xzero ? 2 : 1;
    long deltalen = seqlen - oldlen;
    if (deltalen > 0 && s->len + (size_t)deltalen > HLL_SPARSE_MAX_BYTES) goto promote;
    if (deltalen && next) memmove(next + deltalen, next, (size_t)(end - next));
    s->len = (size_t)((long)s->len + deltalen);
    s->buf[s->len] = '\0';
    /* A corrupt value whose last byte starts an XZERO had that opcode read
     * with the byte after the string as its second byte; the copy then
     * writes one byte past the new end. Redis leaves it there (after
     * sdsIncrLen wrote the NUL), where the next read past the end finds
     * it, and so do we: the one case where buf[len] is not NUL. */
    memcpy(p, seq, (size_t)seqlen);
    end += deltalen;

updated:
    /* Step 4: merge equal neighbouring VAL opcodes, looking at up to five
     * opcodes from the one before the change. */
    p = prev ? prev : sparse;
    int scanlen = 5;
    while (p < end && scanlen--) {
        if (is_xzero_op(p)) {
            p += 2;
            continue;
        } else if (is_zero_op(p)) {
            p++;
            continue;
        }
        if (p + 1 < end && is_val_op(p + 1)) {
            int v1 = val_value(p), v2 = val_value(p + 1);
            if (v1 == v2) {
                long len = val_len(p) + val_len(p + 1);
                if (len <= SPARSE_VAL_MAX_LEN) {
                    put_val(p + 1, v1, len);
                    memmove(p, p + 1, (size_t)(end - p - 1));
                    s->len--;
                    s->buf[s->len] = '\0';
                    end--;
                    /* Try the merged opcode with its next neighbour too. */
                    continue;
                }
            }
        }
        p++;
    }
    invalidate_cache(s);
    return 1;

promote:
    if (sparse_to_dense(s) != RL_OK) return -1;
    /* A register that needed raising in the sparse form needs it here too. */
    return dense_set(hll_bytes(s) + HLL_HDR_SIZE, index, (unsigned)count);
}

/* Adds one element: 1 if a register changed, 0 if not, -1 when corrupt. */
static int hll_add(rl_str *s, const uint8_t *ele, size_t size)
{
    long index;
    int count = pattern_len(ele, size, &index);
    switch (hll_bytes(s)[HDR_ENCODING]) {
    case HLL_DENSE: return dense_set(hll_bytes(s) + HLL_HDR_SIZE, index, (unsigned)count);
    case HLL_SPARSE: return sparse_set(s, index, count);
    default: return -1;
    }
}

/* Raises max[i] to every register of s. RL_ERR when a sparse s does not
 * cover exactly 16384 registers. */
static int hll_merge(uint8_t *max, rl_str *s)
{
    const uint8_t *p = hll_bytes(s);
    if (p[HDR_ENCODING] == HLL_DENSE) {
        for (long i = 0; i < HLL_REGISTERS; i++) {
            unsigned v = dense_get(p + HLL_HDR_SIZE, i);
            if (v > max[i]) max[i] = (uint8_t)v;
        }
        return RL_OK;
    }
    const uint8_t *end = p + s->len;
    long i = 0;
    p += HLL_HDR_SIZE;
    while (p < end) {
        long runlen = sparse_op_len(p);
        if (runlen + i > HLL_REGISTERS) return RL_ERR;
        if (is_val_op(p)) {
            int regval = val_value(p);
            while (runlen--) {
                if (regval > max[i]) max[i] = (uint8_t)regval;
                i++;
            }
        } else {
            i += runlen;
        }
        p += is_xzero_op(p) ? 2 : 1;
    }
    return i == HLL_REGISTERS ? RL_OK : RL_ERR;
}

/* --- Cardinality ----------------------------------------------------------------- */

/* sigma and tau from Ertl, "New cardinality estimation algorithms for
 * HyperLogLog sketches" (arXiv:1702.01284), iterated as Redis does. */
static double hll_sigma(double x)
{
    if (x == 1.) return INFINITY;
    double z_prev, y = 1, z = x;
    do {
        x *= x;
        z_prev = z;
        z += x * y;
        y += y;
    } while (z_prev != z);
    return z;
}

static double hll_tau(double x)
{
    if (x == 0. || x == 1.) return 0.;
    double z_prev, y = 1.0, z = 1 - x;
    do {
        x = sqrt(x);
        z_prev = z;
        y *= 0.5;
        z -= pow(1 - x, 2) * y;
    } while (z_prev != z);
    return z / 3;
}

/* The estimate from a histogram of register values (64 slots, since a
 * crafted dense value may hold registers up to 63; those above 51 count
 * nowhere, as in Redis). */
static uint64_t count_histogram(const int *reghisto)
{
    double m = HLL_REGISTERS;
    double z = m * hll_tau((m - reghisto[HLL_Q + 1]) / m);
    for (int j = HLL_Q; j >= 1; --j) {
        z += reghisto[j];
        z *= 0.5;
    }
    z += m * hll_sigma(reghisto[0] / m);
    double e = (double)llroundl(HLL_ALPHA_INF * m * m / z);
    return (uint64_t)e;
}

/* The estimate of a dense or sparse value; sets *invalid when a sparse one
 * does not cover exactly 16384 registers. */
static uint64_t hll_count(const rl_str *s, int *invalid)
{
    int reghisto[64] = { 0 };
    const uint8_t *p = (const uint8_t *)s->buf;
    if (p[HDR_ENCODING] == HLL_DENSE) {
        for (long i = 0; i < HLL_REGISTERS; i++) reghisto[dense_get(p + HLL_HDR_SIZE, i)]++;
    } else {
        const uint8_t *end = p + s->len;
        long idx = 0;
        p += HLL_HDR_SIZE;
        while (p < end) {
            long runlen = sparse_op_len(p);
            if (runlen + idx > HLL_REGISTERS) {
                idx = -1;
                break;
            }
            idx += runlen;
            reghisto[is_val_op(p) ? val_value(p) : 0] += (int)runlen;
            p += is_xzero_op(p) ? 2 : 1;
        }
        if (idx != HLL_REGISTERS && invalid) *invalid = 1;
    }
    return count_histogram(reghisto);
}

/* The estimate of a plain array of 16384 one-byte registers. */
static uint64_t hll_count_raw(const uint8_t *registers)
{
    int reghisto[64] = { 0 };
    for (long i = 0; i < HLL_REGISTERS; i++) reghisto[registers[i]]++;
    return count_histogram(reghisto);
}

/* --- Values -------------------------------------------------------------------------- */

/* A new, empty HLL: sparse, one XZERO covering every register. */
static rl_obj *hll_new(void)
{
    uint8_t v[HLL_HDR_SIZE + 2] = { 'H', 'Y', 'L', 'L', HLL_SPARSE };
    put_xzero(v + HLL_HDR_SIZE, HLL_REGISTERS);
    return rl_obj_new_string((const char *)v, sizeof(v));
}

/* Redis's isHLLObjectOrReply: RL_OK when o is a string shaped as an HLL;
 * otherwise replies (WRONGTYPE for other types, Redis's "not a valid
 * HyperLogLog" text for other strings) and returns RL_ERR. */
static int hll_check_or_reply(rl_client *c, const rl_obj *o)
{
    if (rl_check_type(c, o, RL_TYPE_STRING)) return RL_ERR;
    const rl_str *s = o->ptr;
    const uint8_t *p = (const uint8_t *)s->buf;
    if (s->len < HLL_HDR_SIZE || memcmp(p, "HYLL", 4) != 0 || p[HDR_ENCODING] > HLL_MAX_ENCODING ||
        (p[HDR_ENCODING] == HLL_DENSE && s->len != HLL_DENSE_SIZE)) {
        rl_add_reply_error(c, RL_ERR_HLL_NOT_HLL);
        return RL_ERR;
    }
    return RL_OK;
}

/* --- Commands ------------------------------------------------------------------------ */

void rl_cmd_pfadd(rl_client *c)
{
    const rl_arg *key = &c->argv[1];
    rl_obj *o = rl_lookup_key_write(c, key);
    int updated = 0;
    if (!o) {
        o = hll_new();
        rl_db_add(rl_client_db(c), key->ptr, key->len, o);
        updated++;
    } else if (hll_check_or_reply(c, o) != RL_OK) {
        return;
    }
    rl_str *s = o->ptr;
    for (int j = 2; j < c->argc; j++) {
        int r = hll_add(s, (const uint8_t *)c->argv[j].ptr, c->argv[j].len);
        if (r == 1) {
            updated++;
        } else if (r == -1) {
            /* Registers raised before the corrupt part stay raised. */
            rl_add_reply_error(c, RL_ERR_HLL_INVALID);
            return;
        }
    }
    if (updated) {
        invalidate_cache(s);
        rl_signal_modified_key(c, key);
    }
    rl_add_reply_long_long(c, updated ? 1 : 0);
}

/* PFCOUNT of several keys: the estimate of their union, never cached. */
static void pfcount_union(rl_client *c)
{
    uint8_t *max = rl_calloc(1, HLL_REGISTERS);
    for (int j = 1; j < c->argc; j++) {
        rl_obj *o = rl_lookup_key_read(c, &c->argv[j]);
        if (!o) continue;
        if (hll_check_or_reply(c, o) != RL_OK) goto done;
        if (hll_merge(max, o->ptr) != RL_OK) {
            rl_add_reply_error(c, RL_ERR_HLL_INVALID);
            goto done;
        }
    }
    rl_add_reply_long_long(c, (long long)hll_count_raw(max));
done:
    rl_free(max);
}

void rl_cmd_pfcount(rl_client *c)
{
    if (c->argc > 2) {
        pfcount_union(c);
        return;
    }
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    if (hll_check_or_reply(c, o) != RL_OK) return;
    rl_str *s = o->ptr;
    uint8_t *card = hll_bytes(s) + HDR_CARD;
    uint64_t n = 0;
    if (cache_valid(s)) {
        for (int i = 7; i >= 0; i--) n = (n << 8) | card[i];
    } else {
        int invalid = 0;
        n = hll_count(s, &invalid);
        if (invalid) {
            rl_add_reply_error(c, RL_ERR_HLL_INVALID);
            return;
        }
        /* A read that writes: the cache is part of the string, which is why
         * PFCOUNT is flagged may-replicate and refused in read-only scripts. */
        for (int i = 0; i < 8; i++) card[i] = (uint8_t)(n >> (8 * i));
        /* Redis signals the key whenever it stores the cache. */
        rl_signal_modified_key(c, &c->argv[1]);
    }
    rl_add_reply_long_long(c, (long long)n);
}

void rl_cmd_pfmerge(rl_client *c)
{
    uint8_t *max = rl_calloc(1, HLL_REGISTERS);
    int use_dense = 0;
    /* The destination is a source too, so it is checked here. */
    for (int j = 1; j < c->argc; j++) {
        rl_obj *o = rl_lookup_key_read(c, &c->argv[j]);
        if (!o) continue;
        if (hll_check_or_reply(c, o) != RL_OK) goto done;
        rl_str *s = o->ptr;
        if (hll_bytes(s)[HDR_ENCODING] == HLL_DENSE) use_dense = 1;
        if (hll_merge(max, s) != RL_OK) {
            rl_add_reply_error(c, RL_ERR_HLL_INVALID);
            goto done;
        }
    }

    const rl_arg *key = &c->argv[1];
    rl_obj *o = rl_lookup_key_write(c, key);
    if (!o) {
        o = hll_new();
        rl_db_add(rl_client_db(c), key->ptr, key->len, o);
    }
    rl_str *s = o->ptr;
    if (use_dense && sparse_to_dense(s) != RL_OK) {
        rl_add_reply_error(c, RL_ERR_HLL_INVALID);
        goto done;
    }
    /* Register by register, in order: a sparse destination is edited (and
     * maybe promoted) exactly as Redis edits it, so the bytes match. */
    for (long j = 0; j < HLL_REGISTERS; j++) {
        if (max[j] == 0) continue;
        if (hll_bytes(s)[HDR_ENCODING] == HLL_DENSE)
            dense_set(hll_bytes(s) + HLL_HDR_SIZE, j, max[j]);
        else sparse_set(s, j, max[j]);
    }
    invalidate_cache(s);
    /* Redis signals the destination even when its bytes come out the same. */
    rl_signal_modified_key(c, key);
    rl_add_reply_ok(c);
done:
    rl_free(max);
}

/* PFDEBUG DECODE: the sparse opcodes as text, "z:N" "Z:N" "v:VALUE,N". */
static void pfdebug_decode(rl_client *c, rl_str *s)
{
    if (hll_bytes(s)[HDR_ENCODING] != HLL_SPARSE) {
        rl_add_reply_error(c, RL_ERR_HLL_NOT_SPARSE);
        return;
    }
    rl_str *out = rl_str_new("", 0);
    const uint8_t *p = hll_bytes(s) + HLL_HDR_SIZE, *end = hll_bytes(s) + s->len;
    while (p < end) {
        char buf[32];
        int n;
        if (is_zero_op(p)) {
            n = snprintf(buf, sizeof(buf), "z:%ld ", zero_len(p));
            p++;
        } else if (is_xzero_op(p)) {
            n = snprintf(buf, sizeof(buf), "Z:%ld ", xzero_len(p));
            p += 2;
        } else {
            n = snprintf(buf, sizeof(buf), "v:%d,%ld ", val_value(p), val_len(p));
            p++;
        }
        rl_str_append(out, buf, (size_t)n);
    }
    if (out->len) rl_str_resize(out, out->len - 1); /* the last space */
    rl_add_reply_bulk(c, out->buf, out->len);
    rl_str_free(out);
}

void rl_cmd_pfdebug(rl_client *c)
{
    const rl_arg *sub = &c->argv[1];
    rl_obj *o = rl_lookup_key_write(c, &c->argv[2]);
    if (!o) {
        rl_add_reply_error(c, RL_ERR_HLL_NO_KEY);
        return;
    }
    if (hll_check_or_reply(c, o) != RL_OK) return;
    rl_str *s = o->ptr;

    if (rl_string_opt_is(sub, "getreg")) {
        if (hll_bytes(s)[HDR_ENCODING] == HLL_SPARSE && sparse_to_dense(s) != RL_OK) {
            rl_add_reply_error(c, RL_ERR_HLL_INVALID);
            return;
        }
        rl_add_reply_array_len(c, HLL_REGISTERS);
        for (long j = 0; j < HLL_REGISTERS; j++)
            rl_add_reply_long_long(c, dense_get(hll_bytes(s) + HLL_HDR_SIZE, j));
    } else if (rl_string_opt_is(sub, "decode")) {
        pfdebug_decode(c, s);
    } else if (rl_string_opt_is(sub, "encoding")) {
        rl_add_reply_status(c, hll_bytes(s)[HDR_ENCODING] == HLL_DENSE ? "dense" : "sparse");
    } else if (rl_string_opt_is(sub, "todense")) {
        int conv = 0;
        if (hll_bytes(s)[HDR_ENCODING] == HLL_SPARSE) {
            if (sparse_to_dense(s) != RL_OK) {
                rl_add_reply_error(c, RL_ERR_HLL_INVALID);
                return;
            }
            conv = 1;
        }
        rl_add_reply_long_long(c, conv);
    } else {
        /* Redis prints the name as a C string: up to its first NUL. */
        const char *nul = memchr(sub->ptr, '\0', sub->len);
        int len = (int)(nul ? (size_t)(nul - sub->ptr) : sub->len);
        rl_add_reply_errorf(c, RL_ERRF_HLL_PFDEBUG_UNKNOWN, len, sub->ptr);
    }
}

/* PFSELFTEST runs Redis's two checks on this implementation: 6-bit register
 * access over random values, then 10 million distinct elements added to a
 * dense and a sparse HLL, whose estimates must agree and stay within six
 * standard errors at every power of ten. Randomness comes from the
 * emulator's seeded generator instead of rand(). */
#define HLL_TEST_CYCLES 1000
void rl_cmd_pfselftest(rl_client *c)
{
    uint8_t *dense = rl_calloc(1, HLL_DENSE_SIZE + 1);
    uint8_t *registers = dense + HLL_HDR_SIZE;
    uint8_t *bytes = rl_malloc(HLL_REGISTERS);
    rl_obj *o = NULL;

    for (int j = 0; j < HLL_TEST_CYCLES; j++) {
        for (long i = 0; i < HLL_REGISTERS; i++) {
            unsigned r = (unsigned)(rl_emu_random(c->emu) & HLL_REGISTER_MAX);
            bytes[i] = (uint8_t)r;
            dense_put(registers, i, r);
        }
        for (long i = 0; i < HLL_REGISTERS; i++) {
            unsigned v = dense_get(registers, i);
            if (v != bytes[i]) {
                rl_add_reply_errorf(c, RL_ERRF_HLL_TEST_REGISTER, (int)i, (int)bytes[i], (int)v);
                goto cleanup;
            }
        }
    }

    memset(registers, 0, HLL_DENSE_SIZE - HLL_HDR_SIZE);
    rl_str dense_str = { HLL_DENSE_SIZE, HLL_DENSE_SIZE, (char *)dense };
    o = hll_new();
    double relerr = 1.04 / sqrt(HLL_REGISTERS);
    int64_t checkpoint = 1;
    uint64_t seed = rl_emu_random(c->emu);
    for (uint64_t j = 1; j <= 10000000; j++) {
        uint8_t ele[8];
        uint64_t v = j ^ seed;
        memcpy(ele, &v, sizeof(ele));
        long index;
        int count = pattern_len(ele, sizeof(ele), &index);
        dense_set(registers, index, (unsigned)count);
        hll_add(o->ptr, ele, sizeof(ele));
        if ((int64_t)j != checkpoint) continue;

        rl_str *sparse = o->ptr;
        if (j < HLL_SPARSE_MAX_BYTES / 2 && hll_bytes(sparse)[HDR_ENCODING] != HLL_SPARSE) {
            rl_add_reply_error(c, RL_ERR_HLL_TEST_SPARSE);
            goto cleanup;
        }
        uint64_t estimate = hll_count(&dense_str, NULL);
        if (estimate != hll_count(sparse, NULL)) {
            rl_add_reply_error(c, RL_ERR_HLL_TEST_DISAGREE);
            goto cleanup;
        }
        int64_t abserr = checkpoint - (int64_t)estimate;
        uint64_t maxerr = (uint64_t)ceil(relerr * 6 * (double)checkpoint);
        /* Collisions make a large error likely now and then at 10. */
        if (j == 10) maxerr = 1;
        if (abserr < 0) abserr = -abserr;
        if (abserr > (int64_t)maxerr) {
            rl_add_reply_errorf(c, RL_ERRF_HLL_TEST_ERROR, (unsigned long long)checkpoint,
                                (unsigned long long)abserr);
            goto cleanup;
        }
        checkpoint *= 10;
    }
    rl_add_reply_ok(c);

cleanup:
    rl_free(dense);
    rl_free(bytes);
    rl_obj_free(o);
}
