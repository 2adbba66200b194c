/* The string type: GET/SET and their variants, counters, ranges and LCS.
 *
 * Redis keeps small integers in an "int" encoding, but every observable
 * behaviour (GETRANGE, STRLEN, APPEND, bit commands) is that of the decimal
 * text, so here a string value is always its bytes (an rl_str).
 *
 * Commands that modify a string in place (APPEND, SETRANGE, INCR and friends)
 * keep the key's TTL, as Redis's dbOverwrite and in-place edits do; commands
 * that store a new value (SET, GETSET, MSET) clear it unless told otherwise. */
#include "t_string.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
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

/* --- String API -------------------------------------------------------------- */

int rl_string_opt_is(const rl_arg *a, const char *name)
{
    /* In one pass, without strlen, memchr and strncasecmp: the argument
     * matches when its bytes equal name's up to ASCII case and it ends (or
     * has a NUL) right after them; a NUL earlier differs from name's byte.
     * ASCII folding is strcasecmp's in the C locale, which the emulator
     * never changes (Redis's LC_CTYPE is "C" too). */
    size_t i = 0;
    for (; name[i]; i++) {
        if (i == a->len) return 0;
        unsigned char x = (unsigned char)a->ptr[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + ('a' - 'A'));
        if (x != (unsigned char)name[i]) return 0;
    }
    return i == a->len || a->ptr[i] == '\0';
}

int rl_string_check_length(rl_client *c, long long size, long long append)
{
    /* The unsigned sum also catches an overflow of the addition itself. */
    unsigned long long total = (unsigned long long)size + (unsigned long long)append;
    if (total > (unsigned long long)RL_MAX_STRING_SIZE) {
        rl_add_reply_error(c, RL_ERR_STRING_TOO_LONG);
        return RL_ERR;
    }
    return RL_OK;
}

int rl_string_lookup_write(rl_client *c, const rl_arg *key, rl_str **out)
{
    rl_obj *o = rl_lookup_key_write(c, key);
    *out = NULL;
    if (!o) return 0;
    if (rl_check_type(c, o, RL_TYPE_STRING)) return 1;
    *out = o->ptr;
    return 0;
}

/* Replaces the bytes of s (keeping the key's entry, so its TTL too). */
static void str_assign(rl_str *s, const char *p, size_t len)
{
    if (len <= s->cap) {
        /* The buffer holds it (INCR's next number, mostly): what resize to
         * 0 and append would do, in one copy. */
        memmove(s->buf, p, len);
        s->len = len;
        s->buf[len] = '\0';
        return;
    }
    rl_str_resize(s, 0);
    rl_str_append(s, p, len);
}

/* --- Options of SET and GETEX -------------------------------------------------- */

#define SET_NX (1 << 0)
#define SET_XX (1 << 1)
#define SET_EX (1 << 2)
#define SET_PX (1 << 3)
#define SET_KEEPTTL (1 << 4)
#define SET_GET (1 << 5)
#define SET_EXAT (1 << 6)
#define SET_PXAT (1 << 7)
#define SET_PERSIST (1 << 8)
#define SET_ANY_EXPIRE (SET_EX | SET_PX | SET_EXAT | SET_PXAT)

typedef enum { OPTS_GETEX, OPTS_SET } opts_kind;

/* The expire option a names (one of SET_EX, SET_PX, SET_EXAT, SET_PXAT), or 0. */
static int expire_option(const rl_arg *a)
{
    if (rl_string_opt_is(a, "ex")) return SET_EX;
    if (rl_string_opt_is(a, "px")) return SET_PX;
    if (rl_string_opt_is(a, "exat")) return SET_EXAT;
    if (rl_string_opt_is(a, "pxat")) return SET_PXAT;
    return 0;
}

/* Parses the options of SET (after the value) or GETEX (after the key) into
 * *flags and *expire, as Redis's parseExtendedStringArgumentsOrReply does: an
 * option that conflicts with an earlier one, or an expire option without its
 * argument, is a syntax error. Repeating an option is allowed. */
static int parse_options(rl_client *c, opts_kind kind, int *flags, const rl_arg **expire)
{
    int set = kind == OPTS_SET;
    for (int j = set ? 3 : 2; j < c->argc; j++) {
        const rl_arg *opt = &c->argv[j];
        int f = *flags;
        int unit;
        if (set && rl_string_opt_is(opt, "nx") && !(f & SET_XX)) {
            *flags |= SET_NX;
        } else if (set && rl_string_opt_is(opt, "xx") && !(f & SET_NX)) {
            *flags |= SET_XX;
        } else if (set && rl_string_opt_is(opt, "get")) {
            *flags |= SET_GET;
        } else if (set && rl_string_opt_is(opt, "keepttl") &&
                   !(f & (SET_PERSIST | SET_ANY_EXPIRE))) {
            *flags |= SET_KEEPTTL;
        } else if (!set && rl_string_opt_is(opt, "persist") &&
                   !(f & (SET_ANY_EXPIRE | SET_KEEPTTL))) {
            *flags |= SET_PERSIST;
        } else if (j + 1 < c->argc && (unit = expire_option(opt)) != 0 &&
                   !(f & (SET_KEEPTTL | SET_PERSIST | (SET_ANY_EXPIRE & ~unit)))) {
            *flags |= unit;
            *expire = &c->argv[++j];
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return RL_ERR;
        }
    }
    return RL_OK;
}

/* Turns the expire argument into an absolute Unix time in ms on the virtual
 * clock. Zero, negative and overflowing values are "invalid expire time". */
static int expire_ms_or_reply(rl_client *c, const rl_arg *arg, int flags, long long *out)
{
    long long ms;
    int seconds = (flags & (SET_EX | SET_EXAT)) != 0;
    if (rl_arg_ll_or_reply(c, arg, &ms, NULL) != RL_OK) return RL_ERR;
    if (ms <= 0 || (seconds && ms > LLONG_MAX / 1000)) goto invalid;
    if (seconds) ms *= 1000;
    if (flags & (SET_EX | SET_PX)) {
        /* Redis adds the time and rejects a sum that wrapped to <= 0. */
        ms = (long long)((unsigned long long)ms + (unsigned long long)c->emu->clock_ms);
        if (ms <= 0) goto invalid;
    }
    *out = ms;
    return RL_OK;
invalid:
    rl_add_reply_errorf(c, RL_ERRF_STRING_EXPIRE_TIME, c->cmd->fullname);
    return RL_ERR;
}

/* --- GET and SET families --------------------------------------------------------- */

/* Replies with the value of argv[1] (nil when missing). RL_ERR after replying
 * WRONGTYPE. */
static int get_generic(rl_client *c)
{
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_null(c);
        return RL_OK;
    }
    if (rl_check_type(c, o, RL_TYPE_STRING)) return RL_ERR;
    const rl_str *s = o->ptr;
    rl_add_reply_bulk(c, s->buf, s->len);
    return RL_OK;
}

typedef enum {
    SET_REPLY_OK,     /* +OK when set, nil when NX/XX stopped it (SET) */
    SET_REPLY_INTEGER /* :1 when set, :0 otherwise (SETNX) */
} set_reply;

/* SET, SETNX, SETEX and PSETEX: stores val under argv[1] as flags allow. */
static void set_generic(rl_client *c, int flags, const rl_arg *val, const rl_arg *expire,
                        set_reply style)
{
    const rl_arg *key = &c->argv[1];
    long long when = 0;

    if (expire && expire_ms_or_reply(c, expire, flags, &when) != RL_OK) return;
    if ((flags & SET_GET) && get_generic(c) != RL_OK) return;

    /* Looked up once, for both the NX/XX test and the store. */
    rl_db *db = rl_client_db(c);
    rl_dbentry *old = rl_db_find(c->emu, db, key->ptr, key->len);
    int found = old != NULL;
    if (((flags & SET_NX) && found) || ((flags & SET_XX) && !found)) {
        if (flags & SET_GET) return; /* GET already replied */
        if (style == SET_REPLY_INTEGER) rl_add_reply_long_long(c, 0);
        else rl_add_reply_null(c);
        return;
    }

    rl_dbentry *e = rl_db_set_string(c->emu, db, old, key->ptr, key->len, val->ptr, val->len,
                                     (flags & SET_KEEPTTL) != 0);
    /* A time already past is stored as is: the key then expires at its
     * next lookup, as with Redis's SET ... EXAT. */
    if (expire) rl_db_set_expire(e, when);

    if (flags & SET_GET) return;
    if (style == SET_REPLY_INTEGER) rl_add_reply_long_long(c, 1);
    else rl_add_reply_ok(c);
}

void rl_cmd_get(rl_client *c)
{
    get_generic(c);
}

/* SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL] */
void rl_cmd_set(rl_client *c)
{
    int flags = 0;
    const rl_arg *expire = NULL;
    if (parse_options(c, OPTS_SET, &flags, &expire) != RL_OK) return;
    set_generic(c, flags, &c->argv[2], expire, SET_REPLY_OK);
}

void rl_cmd_setnx(rl_client *c)
{
    set_generic(c, SET_NX, &c->argv[2], NULL, SET_REPLY_INTEGER);
}

void rl_cmd_setex(rl_client *c)
{
    set_generic(c, SET_EX, &c->argv[3], &c->argv[2], SET_REPLY_OK);
}

void rl_cmd_psetex(rl_client *c)
{
    set_generic(c, SET_PX, &c->argv[3], &c->argv[2], SET_REPLY_OK);
}

void rl_cmd_getset(rl_client *c)
{
    if (get_generic(c) != RL_OK) return;
    const rl_arg *key = &c->argv[1];
    rl_db_set(c->emu, rl_client_db(c), key->ptr, key->len,
              rl_obj_new_string(c->argv[2].ptr, c->argv[2].len), 0);
}

void rl_cmd_getdel(rl_client *c)
{
    if (get_generic(c) != RL_OK) return;
    if (rl_db_delete(c->emu, rl_client_db(c), c->argv[1].ptr, c->argv[1].len))
        rl_signal_modified_key(c, &c->argv[1]);
}

/* GETEX key [EX s|PX ms|EXAT ts|PXAT ms-ts|PERSIST] */
void rl_cmd_getex(rl_client *c)
{
    int flags = 0;
    const rl_arg *expire = NULL;
    long long when = 0;
    rl_db *db = rl_client_db(c);

    if (parse_options(c, OPTS_GETEX, &flags, &expire) != RL_OK) return;
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_null(c);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_STRING)) return;
    /* The expire time is validated only once the key is known to exist. */
    if (expire && expire_ms_or_reply(c, expire, flags, &when) != RL_OK) return;

    const rl_str *s = o->ptr;
    rl_add_reply_bulk(c, s->buf, s->len);

    rl_dbentry *e = rl_db_find(c->emu, db, c->argv[1].ptr, c->argv[1].len);
    if ((flags & (SET_EXAT | SET_PXAT)) && when <= c->emu->clock_ms) {
        /* An absolute time already past deletes the key at once. */
        rl_db_delete_entry(db, e);
        rl_signal_modified_key(c, &c->argv[1]);
    } else if (expire) {
        rl_db_set_expire(e, when);
        rl_signal_modified_key(c, &c->argv[1]);
    } else if ((flags & SET_PERSIST) && e->expire_ms != -1) {
        /* As Redis: PERSIST of a key without a TTL changes nothing. */
        rl_db_set_expire(e, -1);
        rl_signal_modified_key(c, &c->argv[1]);
    }
}

void rl_cmd_mget(rl_client *c)
{
    rl_add_reply_array_len(c, c->argc - 1);
    for (int j = 1; j < c->argc; j++) {
        rl_obj *o = rl_lookup_key_read(c, &c->argv[j]);
        if (!o || o->type != RL_TYPE_STRING) {
            rl_add_reply_null(c);
        } else {
            const rl_str *s = o->ptr;
            rl_add_reply_bulk(c, s->buf, s->len);
        }
    }
}

static void mset_generic(rl_client *c, int nx)
{
    rl_db *db = rl_client_db(c);
    if (c->argc % 2 == 0) {
        rl_add_reply_errorf(c, RL_ERRF_WRONG_ARITY, c->cmd->fullname);
        return;
    }
    /* MSETNX sets nothing when at least one key exists. */
    if (nx) {
        for (int j = 1; j < c->argc; j += 2) {
            if (rl_lookup_key_write(c, &c->argv[j])) {
                rl_add_reply_long_long(c, 0);
                return;
            }
        }
    }
    for (int j = 1; j < c->argc; j += 2) {
        rl_db_set(c->emu, db, c->argv[j].ptr, c->argv[j].len,
                  rl_obj_new_string(c->argv[j + 1].ptr, c->argv[j + 1].len), 0);
    }
    if (nx) rl_add_reply_long_long(c, 1);
    else rl_add_reply_ok(c);
}

void rl_cmd_mset(rl_client *c)
{
    mset_generic(c, 0);
}

void rl_cmd_msetnx(rl_client *c)
{
    mset_generic(c, 1);
}

/* --- Lengths and ranges --------------------------------------------------------------- */

void rl_cmd_append(rl_client *c)
{
    const rl_arg *key = &c->argv[1];
    const rl_arg *arg = &c->argv[2];
    rl_str *s;
    if (rl_string_lookup_write(c, key, &s)) return;
    if (!s) {
        /* A new key takes the argument as is, without a length check. */
        rl_db_add(rl_client_db(c), key->ptr, key->len, rl_obj_new_string(arg->ptr, arg->len));
        rl_signal_modified_key(c, key);
        rl_add_reply_long_long(c, (long long)arg->len);
        return;
    }
    if (rl_string_check_length(c, (long long)s->len, (long long)arg->len) != RL_OK) return;
    rl_str_append(s, arg->ptr, arg->len);
    /* Even APPEND of "" counts as a change, as in Redis. */
    rl_signal_modified_key(c, key);
    rl_add_reply_long_long(c, (long long)s->len);
}

void rl_cmd_strlen(rl_client *c)
{
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_long_long(c, 0);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_STRING)) return;
    rl_add_reply_long_long(c, (long long)((const rl_str *)o->ptr)->len);
}

/* GETRANGE key start end: inclusive, negative indexes count from the end. */
void rl_cmd_getrange(rl_client *c)
{
    long long start, end;
    if (rl_arg_ll_or_reply(c, &c->argv[2], &start, NULL) != RL_OK) return;
    if (rl_arg_ll_or_reply(c, &c->argv[3], &end, NULL) != RL_OK) return;
    rl_obj *o = rl_lookup_key_read(c, &c->argv[1]);
    if (!o) {
        rl_add_reply_bulk(c, "", 0);
        return;
    }
    if (rl_check_type(c, o, RL_TYPE_STRING)) return;
    const rl_str *s = o->ptr;
    long long len = (long long)s->len;

    if (start < 0 && end < 0 && start > end) {
        rl_add_reply_bulk(c, "", 0);
        return;
    }
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= len) end = len - 1;
    if (start > end || len == 0) {
        rl_add_reply_bulk(c, "", 0);
        return;
    }
    rl_add_reply_bulk(c, s->buf + start, (size_t)(end - start + 1));
}

void rl_cmd_substr(rl_client *c)
{
    rl_cmd_getrange(c);
}

/* SETRANGE key offset value: overwrites from offset, padding with zero bytes. */
void rl_cmd_setrange(rl_client *c)
{
    const rl_arg *key = &c->argv[1];
    const rl_arg *value = &c->argv[3];
    long long offset;
    rl_str *s;

    if (rl_arg_ll_or_reply(c, &c->argv[2], &offset, NULL) != RL_OK) return;
    if (offset < 0) {
        rl_add_reply_error(c, RL_ERR_STRING_OFFSET_RANGE);
        return;
    }
    if (rl_string_lookup_write(c, key, &s)) return;
    if (value->len == 0) {
        /* Setting nothing creates nothing and changes nothing. */
        rl_add_reply_long_long(c, s ? (long long)s->len : 0);
        return;
    }
    /* Checked before anything is allocated. */
    if (rl_string_check_length(c, offset, (long long)value->len) != RL_OK) return;
    if (!s) {
        rl_obj *o = rl_obj_new_string("", 0);
        rl_db_add(rl_client_db(c), key->ptr, key->len, o);
        s = o->ptr;
    }
    size_t need = (size_t)offset + value->len;
    if (s->len < need) rl_str_resize(s, need);
    memcpy(s->buf + offset, value->ptr, value->len);
    rl_signal_modified_key(c, key);
    rl_add_reply_long_long(c, (long long)s->len);
}

/* --- Counters ------------------------------------------------------------------------ */

static void incr_decr(rl_client *c, long long incr)
{
    const rl_arg *key = &c->argv[1];
    long long value = 0;
    rl_str *s;

    if (rl_string_lookup_write(c, key, &s)) return;
    if (s && !rl_string2ll(s->buf, s->len, &value)) {
        rl_add_reply_error(c, RL_ERR_NOT_INTEGER);
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
    if (s) str_assign(s, buf, (size_t)n);
    else rl_db_add(rl_client_db(c), key->ptr, key->len, rl_obj_new_string(buf, (size_t)n));
    rl_signal_modified_key(c, key);
    rl_add_reply_long_long(c, value);
}

void rl_cmd_incr(rl_client *c)
{
    incr_decr(c, 1);
}

void rl_cmd_decr(rl_client *c)
{
    incr_decr(c, -1);
}

void rl_cmd_incrby(rl_client *c)
{
    long long incr;
    if (rl_arg_ll_or_reply(c, &c->argv[2], &incr, NULL) != RL_OK) return;
    incr_decr(c, incr);
}

void rl_cmd_decrby(rl_client *c)
{
    long long incr;
    if (rl_arg_ll_or_reply(c, &c->argv[2], &incr, NULL) != RL_OK) return;
    /* LLONG_MIN has no positive counterpart to add. */
    if (incr == LLONG_MIN) {
        rl_add_reply_error(c, RL_ERR_STRING_DECR_OVERFLOW);
        return;
    }
    incr_decr(c, -incr);
}

/* INCRBYFLOAT works in long double and stores the result in Redis's "human"
 * format (%.17Lf without trailing zeros), which is also the reply. */
void rl_cmd_incrbyfloat(rl_client *c)
{
    const rl_arg *key = &c->argv[1];
    long double value = 0, incr;
    rl_str *s;

    if (rl_string_lookup_write(c, key, &s)) return;
    if ((s && !rl_string2ld(s->buf, s->len, &value)) ||
        !rl_string2ld(c->argv[2].ptr, c->argv[2].len, &incr)) {
        rl_add_reply_error(c, RL_ERR_NOT_FLOAT);
        return;
    }
    value += incr;
    if (isnan(value) || isinf(value)) {
        rl_add_reply_error(c, RL_ERR_STRING_INCR_NAN);
        return;
    }
    char buf[RL_MAX_LONG_DOUBLE_CHARS];
    int n = rl_ld2string(buf, sizeof(buf), value, RL_LD_STR_HUMAN);
    if (s) str_assign(s, buf, (size_t)n);
    else rl_db_add(rl_client_db(c), key->ptr, key->len, rl_obj_new_string(buf, (size_t)n));
    rl_signal_modified_key(c, key);
    rl_add_reply_bulk(c, buf, (size_t)n);
}

/* --- LCS ----------------------------------------------------------------------------- */

/* One LCS range, emitted in the order Redis finds them: from the end of the
 * strings backwards. */
static void lcs_reply_range(rl_client *c, uint32_t astart, uint32_t aend, uint32_t bstart,
                            uint32_t bend, int withmatchlen)
{
    rl_add_reply_array_len(c, 2 + withmatchlen);
    rl_add_reply_array_len(c, 2);
    rl_add_reply_long_long(c, astart);
    rl_add_reply_long_long(c, aend);
    rl_add_reply_array_len(c, 2);
    rl_add_reply_long_long(c, bstart);
    rl_add_reply_long_long(c, bend);
    if (withmatchlen) rl_add_reply_long_long(c, (long long)(aend - astart + 1));
}

/* LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
 *
 * The classic dynamic-programming table, then a walk back from its corner
 * that rebuilds the subsequence and the matching ranges. The walk (which
 * neighbour wins a tie, when a range is closed) follows Redis's, since the
 * IDX reply exposes it. */
void rl_cmd_lcs(rl_client *c)
{
    long long minmatchlen = 0;
    int getlen = 0, getidx = 0, withmatchlen = 0;

    rl_obj *oa = rl_lookup_key_read(c, &c->argv[1]);
    rl_obj *ob = rl_lookup_key_read(c, &c->argv[2]);
    if ((oa && oa->type != RL_TYPE_STRING) || (ob && ob->type != RL_TYPE_STRING)) {
        rl_add_reply_error(c, RL_ERR_LCS_NOT_STRINGS);
        return;
    }
    for (int j = 3; j < c->argc; j++) {
        const rl_arg *opt = &c->argv[j];
        if (rl_string_opt_is(opt, "idx")) {
            getidx = 1;
        } else if (rl_string_opt_is(opt, "len")) {
            getlen = 1;
        } else if (rl_string_opt_is(opt, "withmatchlen")) {
            withmatchlen = 1;
        } else if (rl_string_opt_is(opt, "minmatchlen") && j + 1 < c->argc) {
            if (rl_arg_ll_or_reply(c, &c->argv[j + 1], &minmatchlen, NULL) != RL_OK) return;
            if (minmatchlen < 0) minmatchlen = 0;
            j++;
        } else {
            rl_add_reply_error(c, RL_ERR_SYNTAX);
            return;
        }
    }
    if (getlen && getidx) {
        rl_add_reply_error(c, RL_ERR_LCS_LEN_AND_IDX);
        return;
    }

    const rl_str *sa = oa ? oa->ptr : NULL;
    const rl_str *sb = ob ? ob->ptr : NULL;
    const char *a = sa ? sa->buf : "";
    const char *b = sb ? sb->buf : "";
    size_t alen_sz = sa ? sa->len : 0;
    size_t blen_sz = sb ? sb->len : 0;
    if (alen_sz >= UINT32_MAX - 1 || blen_sz >= UINT32_MAX - 1) {
        rl_add_reply_error(c, RL_ERR_LCS_TOO_LONG);
        return;
    }
    uint32_t alen = (uint32_t)alen_sz;
    uint32_t blen = (uint32_t)blen_sz;

    /* Redis refuses a table larger than proto-max-bulk-len. */
    unsigned long long cells = (unsigned long long)(alen + 1ULL) * (blen + 1ULL);
    if (cells * sizeof(uint32_t) > (unsigned long long)RL_MAX_STRING_SIZE) {
        rl_add_reply_error(c, RL_ERR_LCS_MEMORY);
        return;
    }
    uint32_t *lcs = rl_malloc((size_t)cells * sizeof(uint32_t));
#define LCS(i, j) lcs[(size_t)(j) + (size_t)(i) * ((size_t)blen + 1)]
    for (uint32_t i = 0; i <= alen; i++) {
        for (uint32_t j = 0; j <= blen; j++) {
            if (i == 0 || j == 0) {
                LCS(i, j) = 0;
            } else if (a[i - 1] == b[j - 1]) {
                LCS(i, j) = LCS(i - 1, j - 1) + 1;
            } else {
                uint32_t up = LCS(i - 1, j), left = LCS(i, j - 1);
                LCS(i, j) = up > left ? up : left;
            }
        }
    }

    uint32_t total = LCS(alen, blen);
    uint32_t idx = total;
    int computelcs = getidx || !getlen;
    char *result = computelcs ? rl_malloc((size_t)total + 1) : NULL;
    void *matches = NULL;
    long nmatches = 0;
    /* arange_start == alen means "no range open". */
    uint32_t arange_start = alen, arange_end = 0, brange_start = 0, brange_end = 0;

    if (getidx) {
        rl_add_reply_map_len(c, 2);
        rl_add_reply_bulk_cstr(c, "matches");
        matches = rl_add_reply_deferred_len(c);
    }
    uint32_t i = alen, j = blen;
    while (computelcs && i > 0 && j > 0) {
        int emit = 0;
        if (a[i - 1] == b[j - 1]) {
            result[idx - 1] = a[i - 1];
            if (arange_start == alen) {
                arange_start = arange_end = i - 1;
                brange_start = brange_end = j - 1;
            } else if (arange_start == i && brange_start == j) {
                /* Contiguous with the open range: extend it backwards. */
                arange_start--;
                brange_start--;
            } else {
                emit = 1;
            }
            if (arange_start == 0 || brange_start == 0) emit = 1;
            idx--;
            i--;
            j--;
        } else {
            if (LCS(i - 1, j) > LCS(i, j - 1)) i--;
            else j--;
            if (arange_start != alen) emit = 1;
        }
        if (emit) {
            uint32_t match_len = arange_end - arange_start + 1;
            if (matches && (minmatchlen == 0 || match_len >= minmatchlen)) {
                lcs_reply_range(c, arange_start, arange_end, brange_start, brange_end,
                                withmatchlen);
                nmatches++;
            }
            arange_start = alen;
        }
    }
#undef LCS

    if (matches) {
        rl_set_deferred_array_len(c, matches, nmatches);
        rl_add_reply_bulk_cstr(c, "len");
        rl_add_reply_long_long(c, total);
    } else if (getlen) {
        rl_add_reply_long_long(c, total);
    } else {
        rl_add_reply_bulk(c, result, total);
    }
    rl_free(result);
    rl_free(lcs);
}
