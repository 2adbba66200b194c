/* Bitmap commands on string values: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
 * BITFIELD and BITFIELD_RO.
 *
 * Bit 0 is the most significant bit of the first byte. Reading past the end
 * of a string reads zeros; writing past it grows the string with zero bytes.
 * Bit offsets are limited so that the byte they fall in stays below
 * proto-max-bulk-len (512 MB), as in Redis. */
#include "t_string.h"

#include <stdint.h>
#include <string.h>

#include "commands.h"
#include "db.h"
#include "errors.h"
#include "mem.h"
#include "multi.h"
#include "object.h"
#include "reply.h"
#include "util.h"

/* --- Helpers ------------------------------------------------------------------ */

static long long popcount(const unsigned char *p, size_t n)
{
    long long bits = 0;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, sizeof(w));
        bits += __builtin_popcountll(w);
        p += 8;
        n -= 8;
    }
    while (n--) bits += __builtin_popcount(*p++);
    return bits;
}

/* Position of the first bit equal to bit in count bytes. When there is none:
 * -1 when looking for a 1, and count * 8 when looking for a 0, because the
 * string is seen as padded with zeros on the right (Redis's redisBitpos). */
static long long first_bit(const unsigned char *p, size_t count, int bit)
{
    unsigned char skip = bit ? 0x00 : 0xff;
    size_t i = 0;
    while (i < count && p[i] == skip) i++;
    if (i == count) return bit ? -1 : (long long)count * 8;
    /* p[i] differs from skip, so one of its bits matches: if not one of the
     * first seven, the last. */
    for (int b = 0; b < 7; b++) {
        if (((p[i] >> (7 - b)) & 1) == bit) return (long long)i * 8 + b;
    }
    return (long long)i * 8 + 7;
}

/* Parses a bit offset. With hash set and bits > 0, "#n" means n * bits (the
 * BITFIELD form). The offset's byte must stay below proto-max-bulk-len. */
static int bit_offset_or_reply(rl_client *c, const rl_arg *a, int hash, int bits, uint64_t *out)
{
    long long off;
    size_t skip = hash && bits > 0 && a->len > 0 && a->ptr[0] == '#';
    if (!rl_string2ll(a->ptr + skip, a->len - skip, &off)) goto err;
    /* Redis multiplies without an overflow check; wrap the same way. */
    if (skip) off = (long long)((unsigned long long)off * (unsigned long long)bits);
    if (off < 0 || (off >> 3) >= RL_MAX_STRING_SIZE) goto err;
    *out = (uint64_t)off;
    return RL_OK;
err:
    rl_add_reply_error(c, RL_ERR_BIT_OFFSET);
    return RL_ERR;
}

/* The string of argv[1] for writing, created when missing and grown with
 * zero bytes so that bit maxbit exists. NULL after replying WRONGTYPE.
 * *grown is 1 when it was created or grown: Redis then counts the write as
 * a change (for WATCH) even if the bits written were already zero. */
static rl_str *string_for_bits(rl_client *c, uint64_t maxbit, int *grown)
{
    const rl_arg *key = &c->argv[1];
    size_t need = (size_t)(maxbit >> 3) + 1;
    rl_str *s;
    *grown = 0;
    if (rl_string_lookup_write(c, key, &s)) return NULL;
    if (!s) {
        rl_obj *o = rl_obj_new_string("", 0);
        rl_db_add(rl_client_db(c), key->ptr, key->len, o);
        s = o->ptr;
        *grown = 1;
    }
    if (s->len < need) {
        rl_str_resize(s, need);
        *grown = 1;
    }
    return s;
}

/* The string of argv[1] for reading: 0 with *out NULL when missing, 1 after
 * replying WRONGTYPE. */
static int string_for_read(rl_client *c, const rl_str **out)
{
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    *out = NULL;
    if (!o) return 0;
    if (rl_check_type(c, o, RL_TYPE_STRING)) return 1;
    *out = o->ptr;
    return 0;
}

/* --- SETBIT and GETBIT ------------------------------------------------------------ */

void rl_cmd_setbit(rl_client *c)
{
    uint64_t offset;
    long long on;
    if (bit_offset_or_reply(c, &c->argv[2], 0, 0, &offset) != RL_OK) return;
    if (rl_arg_ll_or_reply(c, &c->argv[3], &on, RL_ERR_BIT_VALUE) != RL_OK) return;
    if (on & ~1LL) {
        rl_add_reply_error(c, RL_ERR_BIT_VALUE);
        return;
    }
    int grown;
    rl_str *s = string_for_bits(c, offset, &grown);
    if (!s) return;
    unsigned char *byte = (unsigned char *)s->buf + (offset >> 3);
    int shift = 7 - (int)(offset & 7);
    int old = (*byte >> shift) & 1;
    *byte = (unsigned char)((*byte & ~(1u << shift)) | ((unsigned)on << shift));
    /* As Redis: setting a bit to the value it has is no change. */
    if (grown || old != on) rl_signal_modified_key(c, &c->argv[1]);
    rl_add_reply_long_long(c, old);
}

void rl_cmd_getbit(rl_client *c)
{
    uint64_t offset;
    const rl_str *s;
    if (bit_offset_or_reply(c, &c->argv[2], 0, 0, &offset) != RL_OK) return;
    if (string_for_read(c, &s)) return;
    int bit = 0;
    if (s && (offset >> 3) < s->len) {
        bit = ((unsigned char)s->buf[offset >> 3] >> (7 - (offset & 7))) & 1;
    }
    rl_add_reply_long_long(c, bit);
}

/* --- BITCOUNT and BITPOS ------------------------------------------------------------ */

/* Reads the optional BYTE|BIT unit; 1 for BIT. RL_ERR after a syntax error. */
static int unit_or_reply(rl_client *c, const rl_arg *a, int *isbit)
{
    if (rl_string_opt_is(a, "bit")) {
        *isbit = 1;
    } else if (rl_string_opt_is(a, "byte")) {
        *isbit = 0;
    } else {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return RL_ERR;
    }
    return RL_OK;
}

/* Clamps [*start, *end] (negative = from the end) to a string of totlen units
 * and, in BIT mode, turns it into bytes plus masks of the bits of the first
 * and last byte that fall outside the range. */
static void clamp_range(long long totlen, int isbit, long long *start, long long *end,
                        unsigned char *first_mask, unsigned char *last_mask)
{
    if (*start < 0) *start += totlen;
    if (*end < 0) *end += totlen;
    if (*start < 0) *start = 0;
    if (*end < 0) *end = 0;
    if (*end >= totlen) *end = totlen - 1;
    *first_mask = 0;
    *last_mask = 0;
    if (isbit && *start <= *end) {
        *first_mask = (unsigned char)(~((1u << (8 - (*start & 7))) - 1) & 0xff);
        *last_mask = (unsigned char)((1u << (7 - (*end & 7))) - 1);
        *start >>= 3;
        *end >>= 3;
    }
}

/* BITCOUNT key [start end [BYTE|BIT]] */
void rl_cmd_bitcount(rl_client *c)
{
    const rl_str *s;
    long long start, end;
    int isbit = 0;
    unsigned char first_mask = 0, last_mask = 0;

    if (string_for_read(c, &s)) return;
    if (!s) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    const unsigned char *p = (const unsigned char *)s->buf;
    long long len = (long long)s->len;
    if (c->argc == 4 || c->argc == 5) {
        if (rl_arg_ll_or_reply(c, &c->argv[2], &start, NULL) != RL_OK) return;
        if (rl_arg_ll_or_reply(c, &c->argv[3], &end, NULL) != RL_OK) return;
        if (start < 0 && end < 0 && start > end) {
            rl_add_reply_long_long(c, 0);
            return;
        }
        if (c->argc == 5 && unit_or_reply(c, &c->argv[4], &isbit) != RL_OK) return;
        clamp_range(isbit ? len * 8 : len, isbit, &start, &end, &first_mask, &last_mask);
    } else if (c->argc == 2) {
        start = 0;
        end = len - 1;
    } else {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }
    if (start > end) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    long long count = popcount(p + start, (size_t)(end - start + 1));
    /* Take back the bits of the edge bytes that lie outside a BIT range. */
    unsigned char outside[2] = { (unsigned char)(p[start] & first_mask),
                                 (unsigned char)(p[end] & last_mask) };
    count -= popcount(outside, 2);
    rl_add_reply_long_long(c, count);
}

/* BITPOS key bit [start [end [BYTE|BIT]]] */
void rl_cmd_bitpos(rl_client *c)
{
    const rl_str *s;
    long long bit, start, end, pos;
    int isbit = 0, end_given = 0;
    unsigned char first_mask = 0, last_mask = 0;

    if (rl_arg_ll_or_reply(c, &c->argv[2], &bit, NULL) != RL_OK) return;
    if (bit != 0 && bit != 1) {
        rl_add_reply_error(c, RL_ERR_BITPOS_BIT);
        return;
    }
    if (string_for_read(c, &s)) return;
    /* A missing key is an endless run of zeros. */
    if (!s) {
        rl_add_reply_long_long(c, bit ? -1 : 0);
        return;
    }
    const unsigned char *p = (const unsigned char *)s->buf;
    long long len = (long long)s->len;
    if (c->argc >= 4 && c->argc <= 6) {
        if (rl_arg_ll_or_reply(c, &c->argv[3], &start, NULL) != RL_OK) return;
        /* The unit is read before the end, as Redis does. */
        if (c->argc == 6 && unit_or_reply(c, &c->argv[5], &isbit) != RL_OK) return;
        if (c->argc >= 5) {
            if (rl_arg_ll_or_reply(c, &c->argv[4], &end, NULL) != RL_OK) return;
            end_given = 1;
        } else {
            end = isbit ? len * 8 + 7 : len - 1;
        }
        clamp_range(isbit ? len * 8 : len, isbit, &start, &end, &first_mask, &last_mask);
    } else if (c->argc == 3) {
        start = 0;
        end = len - 1;
    } else {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }
    if (start > end) {
        rl_add_reply_long_long(c, -1);
        return;
    }

    /* Search the partial first byte, the whole middle bytes and the partial
     * last byte in turn; start and bytes follow what is left to search. */
    long long bytes = end - start + 1;
    unsigned char tmp;
    if (first_mask) {
        tmp =
            bit ? (unsigned char)(p[start] & ~first_mask) : (unsigned char)(p[start] | first_mask);
        if (last_mask && bytes == 1) {
            tmp = bit ? (unsigned char)(tmp & ~last_mask) : (unsigned char)(tmp | last_mask);
        }
        pos = first_bit(&tmp, 1, (int)bit);
        if (bytes == 1 || (pos != -1 && pos != 8)) goto result;
        start++;
        bytes--;
    }
    long long middle = bytes - (last_mask ? 1 : 0);
    if (middle > 0) {
        pos = first_bit(p + start, (size_t)middle, (int)bit);
        if (bytes == middle || (pos != -1 && pos != middle * 8)) goto result;
        start += middle;
        bytes -= middle;
    }
    tmp = bit ? (unsigned char)(p[end] & ~last_mask) : (unsigned char)(p[end] | last_mask);
    pos = first_bit(&tmp, 1, (int)bit);
result:
    /* With an explicit end, the zero padding past the range does not count. */
    if (end_given && bit == 0 && pos == bytes * 8) {
        rl_add_reply_long_long(c, -1);
        return;
    }
    if (pos != -1) pos += start * 8;
    rl_add_reply_long_long(c, pos);
}

/* --- BITOP -------------------------------------------------------------------------- */

typedef enum { BITOP_AND, BITOP_OR, BITOP_XOR, BITOP_NOT } bitop_kind;

/* BITOP AND|OR|XOR|NOT destkey key [key ...]: missing keys are empty strings,
 * shorter strings are padded with zeros; an empty result deletes destkey. */
void rl_cmd_bitop(rl_client *c)
{
    const rl_arg *opname = &c->argv[1];
    const rl_arg *dest = &c->argv[2];
    bitop_kind op;

    if (rl_string_opt_is(opname, "and")) op = BITOP_AND;
    else if (rl_string_opt_is(opname, "or")) op = BITOP_OR;
    else if (rl_string_opt_is(opname, "xor")) op = BITOP_XOR;
    else if (rl_string_opt_is(opname, "not")) op = BITOP_NOT;
    else {
        rl_add_reply_error(c, RL_ERR_SYNTAX);
        return;
    }
    if (op == BITOP_NOT && c->argc != 4) {
        rl_add_reply_error(c, RL_ERR_BITOP_NOT);
        return;
    }

    size_t numkeys = (size_t)c->argc - 3;
    const rl_str **src = rl_malloc(sizeof(*src) * numkeys);
    size_t maxlen = 0;
    for (size_t j = 0; j < numkeys; j++) {
        rl_obj *o = rl_lookup_key_read(c, &c->argv[j + 3]);
        src[j] = NULL;
        if (!o) continue;
        if (rl_check_type(c, o, RL_TYPE_STRING)) {
            rl_free(src);
            return;
        }
        src[j] = o->ptr;
        if (src[j]->len > maxlen) maxlen = src[j]->len;
    }

    rl_obj *res = NULL;
    if (maxlen) {
        res = rl_obj_new_string("", 0);
        rl_str *r = res->ptr;
        rl_str_resize(r, maxlen);
        unsigned char *out = (unsigned char *)r->buf;
        for (size_t i = 0; i < maxlen; i++) {
            unsigned char acc = src[0] && i < src[0]->len ? (unsigned char)src[0]->buf[i] : 0;
            if (op == BITOP_NOT) acc = (unsigned char)~acc;
            for (size_t j = 1; j < numkeys; j++) {
                unsigned char byte = src[j] && i < src[j]->len ? (unsigned char)src[j]->buf[i] : 0;
                if (op == BITOP_AND) acc &= byte;
                else if (op == BITOP_OR) acc |= byte;
                else acc ^= byte;
            }
            out[i] = acc;
        }
    }
    rl_free(src);

    if (res) rl_db_set(c->emu, rl_client_db(c), dest->ptr, dest->len, res, 0);
    else if (rl_db_delete(c->emu, rl_client_db(c), dest->ptr, dest->len))
        rl_signal_modified_key(c, dest);
    rl_add_reply_long_long(c, (long long)maxlen);
}

/* --- BITFIELD ------------------------------------------------------------------------ */

typedef enum { BF_GET, BF_SET, BF_INCRBY } bf_opcode;
typedef enum { BF_WRAP, BF_SAT, BF_FAIL } bf_overflow;

typedef struct bf_op {
    uint64_t offset;
    int64_t value; /* SET value or INCRBY increment */
    bf_opcode opcode;
    bf_overflow overflow;
    int bits;
    int sign;
} bf_op;

static uint64_t get_unsigned(const unsigned char *p, uint64_t offset, int bits)
{
    uint64_t v = 0;
    for (int j = 0; j < bits; j++, offset++) {
        v = (v << 1) | ((p[offset >> 3] >> (7 - (offset & 7))) & 1);
    }
    return v;
}

static int64_t get_signed(const unsigned char *p, uint64_t offset, int bits)
{
    uint64_t u = get_unsigned(p, offset, bits);
    /* Sign-extend from the field's top bit. */
    if (bits < 64 && (u & (1ULL << (bits - 1)))) u |= UINT64_MAX << bits;
    return (int64_t)u;
}

static void set_unsigned(unsigned char *p, uint64_t offset, int bits, uint64_t v)
{
    for (int j = 0; j < bits; j++, offset++) {
        unsigned bit = (unsigned)((v >> (bits - 1 - j)) & 1);
        int shift = 7 - (int)(offset & 7);
        p[offset >> 3] = (unsigned char)((p[offset >> 3] & ~(1u << shift)) | (bit << shift));
    }
}

/* Whether value + incr fits an unsigned field of bits bits: 0 if so, 1 on
 * overflow, -1 on underflow; then *limit gets the wrapped or saturated
 * result (Redis's checkUnsignedBitfieldOverflow). */
static int unsigned_overflow(uint64_t value, int64_t incr, int bits, bf_overflow ow,
                             uint64_t *limit)
{
    uint64_t max = (1ULL << bits) - 1; /* bits <= 63 */
    int64_t maxincr = (int64_t)(max - value);
    int64_t minincr = (int64_t)(0 - value);
    int ret;
    if (value > max || (incr > 0 && incr > maxincr)) {
        ret = 1;
        if (ow == BF_SAT) *limit = max;
    } else if (incr < 0 && incr < minincr) {
        ret = -1;
        if (ow == BF_SAT) *limit = 0;
    } else {
        return 0;
    }
    if (ow == BF_WRAP) *limit = (value + (uint64_t)incr) & max;
    /* Redis reports a wrapped underflow as 1 too. */
    return ow == BF_WRAP ? 1 : ret;
}

/* The signed counterpart (Redis's checkSignedBitfieldOverflow). */
static int signed_overflow(int64_t value, int64_t incr, int bits, bf_overflow ow, int64_t *limit)
{
    int64_t max = bits == 64 ? INT64_MAX : (int64_t)((1ULL << (bits - 1)) - 1);
    int64_t min = -max - 1;
    /* These may wrap; they are only used where they cannot have. */
    int64_t maxincr = (int64_t)((uint64_t)max - (uint64_t)value);
    int64_t minincr = (int64_t)((uint64_t)min - (uint64_t)value);
    int ret;
    if (value > max || (bits != 64 && incr > maxincr) ||
        (value >= 0 && incr > 0 && incr > maxincr)) {
        ret = 1;
        if (ow == BF_SAT) *limit = max;
    } else if (value < min || (bits != 64 && incr < minincr) ||
               (value < 0 && incr < 0 && incr < minincr)) {
        ret = -1;
        if (ow == BF_SAT) *limit = min;
    } else {
        return 0;
    }
    if (ow == BF_WRAP) {
        uint64_t r = (uint64_t)value + (uint64_t)incr;
        if (bits < 64) {
            uint64_t mask = UINT64_MAX << bits;
            if (r & (1ULL << (bits - 1))) r |= mask;
            else r &= ~mask;
        }
        *limit = (int64_t)r;
        return 1;
    }
    return ret;
}

/* Parses a field type: 'i' or 'u' then the width, i1..i64 or u1..u63. The
 * argument is read as a C string, as Redis does. */
static int bf_type_or_reply(rl_client *c, const rl_arg *a, int *sign, int *bits)
{
    const char *nul = memchr(a->ptr, '\0', a->len);
    size_t len = nul ? (size_t)(nul - a->ptr) : a->len;
    long long ll;
    if (len == 0 || (a->ptr[0] != 'i' && a->ptr[0] != 'u')) goto err;
    *sign = a->ptr[0] == 'i';
    if (!rl_string2ll(a->ptr + 1, len - 1, &ll) || ll < 1 || (*sign && ll > 64) ||
        (!*sign && ll > 63))
        goto err;
    *bits = (int)ll;
    return RL_OK;
err:
    rl_add_reply_error(c, RL_ERR_BITFIELD_TYPE);
    return RL_ERR;
}

/* Runs one SET or INCRBY on s and replies with its result; returns 1 when
 * it wrote a value other than the field's old one, 0 when it wrote the same
 * value, -1 when OVERFLOW FAIL skipped the write. */
static int bf_write(rl_client *c, unsigned char *p, const bf_op *op)
{
    int overflow;
    if (op->sign) {
        int64_t oldval = get_signed(p, op->offset, op->bits), newval, wrapped = 0, retval;
        if (op->opcode == BF_INCRBY) {
            overflow = signed_overflow(oldval, op->value, op->bits, op->overflow, &wrapped);
            newval = overflow ? wrapped : (int64_t)((uint64_t)oldval + (uint64_t)op->value);
            retval = newval;
        } else {
            newval = op->value;
            overflow = signed_overflow(newval, 0, op->bits, op->overflow, &wrapped);
            if (overflow) newval = wrapped;
            retval = oldval;
        }
        if (overflow && op->overflow == BF_FAIL) {
            rl_add_reply_null(c);
            return -1;
        }
        rl_add_reply_long_long(c, retval);
        set_unsigned(p, op->offset, op->bits, (uint64_t)newval);
        return oldval != newval;
    } else {
        uint64_t oldval = get_unsigned(p, op->offset, op->bits), newval, wrapped = 0, retval;
        if (op->opcode == BF_INCRBY) {
            newval = oldval + (uint64_t)op->value;
            overflow = unsigned_overflow(oldval, op->value, op->bits, op->overflow, &wrapped);
            if (overflow) newval = wrapped;
            retval = newval;
        } else {
            newval = (uint64_t)op->value;
            overflow = unsigned_overflow(newval, 0, op->bits, op->overflow, &wrapped);
            if (overflow) newval = wrapped;
            retval = oldval;
        }
        if (overflow && op->overflow == BF_FAIL) {
            rl_add_reply_null(c);
            return -1;
        }
        rl_add_reply_long_long(c, (long long)retval);
        set_unsigned(p, op->offset, op->bits, newval);
        return oldval != newval;
    }
}

/* Runs one GET on s (NULL when the key is missing), reading zeros past its end. */
static void bf_read(rl_client *c, const rl_str *s, const bf_op *op)
{
    /* A field of up to 64 bits spans at most 9 bytes: copy them, zero padded. */
    unsigned char buf[9] = { 0 };
    uint64_t byte = op->offset >> 3;
    for (uint64_t i = 0; i < 9 && s && byte + i < s->len; i++) {
        buf[i] = (unsigned char)s->buf[byte + i];
    }
    uint64_t off = op->offset - byte * 8;
    if (op->sign) rl_add_reply_long_long(c, get_signed(buf, off, op->bits));
    else rl_add_reply_long_long(c, (long long)get_unsigned(buf, off, op->bits));
}

/* BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset
 * increment] [OVERFLOW WRAP|SAT|FAIL] ...: every operation is parsed before
 * any runs; with no write operation the key is only read. */
static void bitfield_generic(rl_client *c, int readonly_cmd)
{
    bf_op *ops = NULL;
    int numops = 0;
    bf_overflow overflow = BF_WRAP;
    int readonly = 1;
    uint64_t highest_write = 0;

    for (int j = 2; j < c->argc; j++) {
        int remargs = c->argc - j - 1;
        const rl_arg *sub = &c->argv[j];
        bf_op op = { 0 };
        if (rl_string_opt_is(sub, "get") && remargs >= 2) {
            op.opcode = BF_GET;
        } else if (rl_string_opt_is(sub, "set") && remargs >= 3) {
            op.opcode = BF_SET;
        } else if (rl_string_opt_is(sub, "incrby") && remargs >= 3) {
            op.opcode = BF_INCRBY;
        } else if (rl_string_opt_is(sub, "overflow") && remargs >= 1) {
            const rl_arg *kind = &c->argv[++j];
            if (rl_string_opt_is(kind, "wrap")) overflow = BF_WRAP;
            else if (rl_string_opt_is(kind, "sat")) overflow = BF_SAT;
            else if (rl_string_opt_is(kind, "fail")) overflow = BF_FAIL;
            else {
                rl_add_reply_error(c, RL_ERR_BITFIELD_OVERFLOW);
                goto done;
            }
            continue;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            goto done;
        }
        if (bf_type_or_reply(c, &c->argv[j + 1], &op.sign, &op.bits) != RL_OK) goto done;
        if (bit_offset_or_reply(c, &c->argv[j + 2], 1, op.bits, &op.offset) != RL_OK) goto done;
        if (op.opcode != BF_GET) {
            long long v;
            readonly = 0;
            if (highest_write < op.offset + (uint64_t)op.bits - 1) {
                highest_write = op.offset + (uint64_t)op.bits - 1;
            }
            if (rl_arg_ll_or_reply(c, &c->argv[j + 3], &v, NULL) != RL_OK) goto done;
            op.value = v;
        }
        op.overflow = overflow;
        ops = rl_realloc(ops, sizeof(*ops) * (size_t)(numops + 1));
        ops[numops++] = op;
        j += op.opcode == BF_GET ? 2 : 3;
    }

    const rl_str *rs = NULL;
    rl_str *ws = NULL;
    int grown = 0, changes = 0;
    if (readonly) {
        if (string_for_read(c, &rs)) goto done;
    } else {
        if (readonly_cmd) {
            rl_add_reply_error(c, RL_ERR_BITFIELD_RO);
            goto done;
        }
        /* The string grows to the farthest bit written, even when an
         * OVERFLOW FAIL then skips the write. */
        if ((ws = string_for_bits(c, highest_write, &grown)) == NULL) goto done;
        rs = ws;
    }
    rl_add_reply_array_len(c, numops);
    for (int j = 0; j < numops; j++) {
        if (ops[j].opcode == BF_GET) bf_read(c, rs, &ops[j]);
        else if (bf_write(c, (unsigned char *)ws->buf, &ops[j]) + grown > 0) changes++;
    }
    /* As Redis: only a write that changed a field (or a string created or
     * grown for one that was written, not failed) is a change. */
    if (changes) rl_signal_modified_key(c, &c->argv[1]);
done:
    rl_free(ops);
}

void rl_cmd_bitfield(rl_client *c)
{
    bitfield_generic(c, 0);
}

void rl_cmd_bitfield_ro(rl_client *c)
{
    bitfield_generic(c, 1);
}
