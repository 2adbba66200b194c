/* random_diff: a seeded random command stream sent to the emulator and to a
 * real redis-server, reply by reply, compared byte for byte as RESP2.
 *
 * Domains are deliberately tiny (a handful of keys, three databases, values
 * full of edge cases: "", "-0", 2^63, "1.5", NUL bytes) so collisions, type
 * errors, overflow and bad options happen all the time. A few percent of
 * commands are mutated (an argument dropped or a stray option added) to hit
 * arity and syntax errors.
 *
 * Time. Redis uses its wall clock; the emulator a virtual one. Before each
 * batch the emulator clock is set to the wall clock, so both agree within
 * the batch's duration (milliseconds). To keep results deterministic:
 * - relative expiries are either <= 0 (the key goes at once), invalid, or
 *   at least 1000 s (ms: 10^6) and drawn from a wide range, so no key ever
 *   expires during a run and two expiries never fall within the drift of
 *   each other (GT/LT/NX/XX outcomes are stable);
 * - absolute expiries are far in the past (before 2024-01-01) or far in
 *   the future (after 2096), relative to fixed bases, never near now;
 * - SET ... EXAT/PXAT uses only future or invalid times: Redis keeps a key
 *   set with a past EXAT until its random active-expiry cycle finds it, so
 *   DBSIZE would depend on timing;
 * - TTL/EXPIRETIME and PTTL/PEXPIRETIME, when both are >= 0, are compared
 *   within the longest "clock window" seen so far: the time from reading
 *   the clock for a batch to having all its replies, which bounds how far
 *   apart the two sides' clocks can be (usually a few ms; see drift_ms).
 *   -1/-2 must match exactly.
 * Unordered results: KEYS is compared as a sorted list; SCAN runs a full
 * iteration on each side and the unions are compared; RANDOMKEY only as
 * null vs a key that exists (checked with EXISTS on its own side).
 *
 * Scripts: by default 5% of commands (not KEYS/SCAN/RANDOMKEY) are sent as
 * EVAL "return redis.pcall(unpack(ARGV))" 0 <command...>, which checks the
 * reply conversion to Lua and back and the script-only refusals with the
 * same argument domains.
 *
 * Usage: random_diff [--seed N] [--commands N] [--only A,B] [--exclude A,B]
 *                    [--eval-percent P] [--keep-going] [--trace]
 *                    [--server HOST:PORT]
 * Environment: RL_DIFF_SEED, RL_DIFF_COMMANDS, RL_DIFF_ONLY, RL_DIFF_EXCLUDE,
 * RL_DIFF_EVAL_PERCENT, RL_DIFF_KEEP_GOING=1. Without --server a throwaway redis-server is
 * started (see diff_server.h for skipping when there is none). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backend.h"
#include "diff_server.h"
#include "mem.h"
#include "redlua.h"
#include "reply.h"

/* --- Random numbers (splitmix64: tiny, seedable, good enough) ------------- */

static uint64_t rnd_state;

static uint64_t rnd(void)
{
    uint64_t z = (rnd_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static unsigned rn(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static int chance(unsigned pct)
{
    return rn(100) < pct;
}

static long long rrange(long long lo, long long hi)
{
    return lo + (long long)(rnd() % (uint64_t)(hi - lo + 1));
}

/* --- Commands ------------------------------------------------------------ */

typedef struct cmd {
    int argc, cap;
    char **argv;
    size_t *len;
    int spec; /* index into specs[] */
} cmd;

static void arg(cmd *c, const char *p, size_t n)
{
    if (c->argc == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        c->argv = realloc(c->argv, sizeof(char *) * (size_t)c->cap);
        c->len = realloc(c->len, sizeof(size_t) * (size_t)c->cap);
        if (!c->argv || !c->len) abort();
    }
    char *copy = malloc(n + 1);
    if (!copy) abort();
    memcpy(copy, p, n);
    copy[n] = '\0';
    c->argv[c->argc] = copy;
    c->len[c->argc] = n;
    c->argc++;
}

static void args(cmd *c, const char *s)
{
    arg(c, s, strlen(s));
}

static void argf(cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void argf(cmd *c, const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    arg(c, buf, (size_t)n);
}

static void cmd_clear(cmd *c)
{
    for (int i = 0; i < c->argc; i++) free(c->argv[i]);
    free(c->argv);
    free(c->len);
    memset(c, 0, sizeof(*c));
}

/* Inserts a copy of p at position pos (for mutations). */
static void arg_insert(cmd *c, int pos, const char *p, size_t n)
{
    arg(c, p, n);
    char *s = c->argv[c->argc - 1];
    for (int i = c->argc - 1; i > pos; i--) {
        c->argv[i] = c->argv[i - 1];
        c->len[i] = c->len[i - 1];
    }
    c->argv[pos] = s;
    c->len[pos] = n;
}

/* A string literal with its length, so NUL bytes count. */
typedef struct lit {
    const char *p;
    size_t n;
} lit;

#define L(s) {s, sizeof(s) - 1}
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void pick(cmd *c, const lit *tab, size_t n)
{
    const lit *l = &tab[rn((unsigned)n)];
    arg(c, l->p, l->n);
}

/* --- Value domains --------------------------------------------------------- */

static const lit odd_keys[] = {L(""), L("k\0z"), L("kk"), L("K1"), L("k1 ")};

static void key(cmd *c)
{
    if (chance(85)) argf(c, "k%u", 1 + rn(4));
    else pick(c, odd_keys, COUNT(odd_keys));
}

static const lit edge_vals[] = {
    L(""), L("0"), L("1"), L("-1"), L("10"), L("42"), L("-0"), L("+5"), L("007"), L(" 1"),
    L("1 "), L("0x10"), L("abc"), L("a\0b"), L("\xff\xfe\x00\x01"), L("hello world"),
    L("9223372036854775807"), L("-9223372036854775808"), L("9223372036854775808"),
    L("-9223372036854775809"), L("1.5"), L("-1.5"), L("0.1"), L("3e3"), L("5.0e-1"), L("1e400"),
    L("1.7976931348623157e308"), L("inf"), L("-inf"), L("nan"), L("1.0"), L("10.50"),
    L("\x80"), L("foobar"), L("foobaz"), L("ohmytext"), L("mynewtext"),
};

static void val(cmd *c)
{
    unsigned r = rn(100);
    if (r < 55) {
        pick(c, edge_vals, COUNT(edge_vals));
    } else if (r < 72) {
        argf(c, "%lld", rrange(-100, 100));
    } else if (r < 77) {
        /* Long runs of one byte, then noise: bit scans and counts take
         * word-at-a-time paths over such strings. */
        static const char fill[] = {'\0', '\xff', 'a', '\x01'};
        char buf[300];
        size_t run = rn(260), n = run + rn(8);
        memset(buf, fill[rn(sizeof(fill))], run);
        for (size_t i = run; i < n; i++) buf[i] = (char)rn(256);
        arg(c, buf, n);
    } else {
        static const char alphabet[] = "ab01\xff-. \0";
        char buf[24];
        size_t n = rn(20);
        for (size_t i = 0; i < n; i++) buf[i] = alphabet[rn(sizeof(alphabet) - 1)];
        arg(c, buf, n);
    }
}

static const lit edge_ints[] = {
    L("0"), L("1"), L("-1"), L("2"), L("5"), L("-5"), L("10"), L("100"), L("-100"), L("1000"),
    L("9223372036854775807"), L("-9223372036854775808"), L("9223372036854775808"),
    L("-9223372036854775809"), L("abc"), L(""), L("1.5"), L(" 1"), L("+1"), L("007"), L("-0"),
    L("4294967295"), L("4294967296"), L("2147483647"), L("2147483648"), L("-2147483649"),
    L("1\0"),
};

static void intarg(cmd *c)
{
    if (chance(50)) pick(c, edge_ints, COUNT(edge_ints));
    else argf(c, "%lld", rrange(-20, 20));
}

/* Indexes into strings: mostly small, sometimes huge (reads only). */
static void idx(cmd *c)
{
    if (chance(70)) argf(c, "%lld", rrange(-12, 12));
    else intarg(c);
}

static const lit edge_floats[] = {
    L("1.5"), L("-1.5"), L("0"), L("1e308"), L("1.7976931348623157e308"), L("-1e308"), L("inf"),
    L("-inf"), L("+inf"), L("nan"), L("abc"), L(""), L("5e-324"), L("0.1"), L("1e-10"), L("-0"),
    L("3"), L("10.50"), L("1e1"), L(" 1"), L("1 "), L("0x10"), L("1.0e"), L("3.0e3"),
    L("9223372036854775807"), L("1\0"),
};

static void floatarg(cmd *c)
{
    if (chance(60)) pick(c, edge_floats, COUNT(edge_floats));
    else if (chance(40)) argf(c, "%lld.%02u", rrange(-50, 50), rn(100));
    else if (chance(30)) argf(c, "%u.%ue%lld", rn(10), rn(1000), rrange(-30, 30));
    else intarg(c);
}

/* Relative expiry in seconds: immediate, invalid, or >= 1000 s. */
static const lit bad_ttls[] = {
    L("0"), L("-1"), L("-100"), L("abc"), L(""), L("1.5"), L("9223372036854775807"),
    L("-9223372036854775808"), L("9223372036854775"), L("9223372036854776"), L("-9223372036854776"),
};

static void ttl_s(cmd *c)
{
    if (chance(40)) pick(c, bad_ttls, COUNT(bad_ttls));
    else argf(c, "%lld", rrange(1000, 10000000));
}

/* In milliseconds 9223372036854775 and ...776 are valid TTLs, and a fixed
 * valid TTL given twice makes GT/LT depend on whether a millisecond passed
 * in between; the huge ones are drawn at random instead. */
static const lit bad_ttls_ms[] = {
    L("0"), L("-1"), L("-100"), L("abc"), L(""), L("1.5"), L("9223372036854775807"),
    L("-9223372036854775808"), L("-9223372036854776"),
};

static void ttl_ms(cmd *c)
{
    if (chance(40)) pick(c, bad_ttls_ms, COUNT(bad_ttls_ms));
    else if (chance(5)) argf(c, "%lld", rrange(9000000000000000LL, 9223372036854775LL));
    else argf(c, "%lld", rrange(1000000, 10000000000LL));
}

/* Absolute expiry: far past (before 2024) or far future (after 2096). */
static const lit bad_abs[] = {
    L("0"), L("1"), L("-1"), L("abc"), L(""), L("1.5"), L("9223372036854775807"),
    L("9223372036854775"), L("9223372036854776"), L("-9223372036854775808"),
};

/* The same without a valid past time, for SET (see the file comment). */
static const lit bad_abs_future[] = {
    L("0"), L("-1"), L("abc"), L(""), L("1.5"), L("9223372036854775807"), L("9223372036854775"),
    L("9223372036854776"), L("-9223372036854775808"),
};

static void bad_abs_time(cmd *c, int allow_past)
{
    if (allow_past) pick(c, bad_abs, COUNT(bad_abs));
    else pick(c, bad_abs_future, COUNT(bad_abs_future));
}

static void abs_s(cmd *c, int allow_past)
{
    unsigned r = rn(100);
    if (r < 25) bad_abs_time(c, allow_past);
    else if (r < 55 && allow_past) argf(c, "%lld", rrange(1000000000LL, 1700000000LL));
    else argf(c, "%lld", rrange(4000000000LL, 5000000000LL));
}

static void abs_ms(cmd *c, int allow_past)
{
    unsigned r = rn(100);
    if (r < 25) bad_abs_time(c, allow_past);
    else if (r < 55 && allow_past) argf(c, "%lld", rrange(1000000000000LL, 1700000000000LL));
    else argf(c, "%lld", rrange(4000000000000LL, 5000000000000LL));
}

static const lit odd_dbs[] = {L("15"), L("16"), L("-1"), L("abc"), L(""), L("1.0")};

static void db(cmd *c)
{
    if (chance(85)) argf(c, "%u", rn(3));
    else pick(c, odd_dbs, COUNT(odd_dbs));
}

static const lit patterns[] = {
    L("*"), L("k*"), L("k?"), L("k[1-2]"), L("*1"), L("[^k]*"), L("k\\*"), L(""), L("?"),
    L("k["), L("*\0*"), L("k[!1]"), L("K*"), L("*z"), L("[k]?"), L("\\k1"), L("k1*"),
};

/* Maybe lower-cases the command name: names are case-insensitive and errors
 * quote them, so both spellings are worth sending. */
static void name(cmd *c, const char *n)
{
    args(c, n);
    if (chance(10))
        for (size_t i = 0; i < c->len[0]; i++)
            c->argv[0][i] = (char)(c->argv[0][i] | 0x20);
}

/* A few flags from tab, in random order, repeats and conflicts allowed. */
static void flags(cmd *c, const lit *tab, size_t n, unsigned max)
{
    unsigned k = rn(max + 1);
    for (unsigned i = 0; i < k; i++) pick(c, tab, n);
}

/* --- Generators, one per command ------------------------------------------ */

typedef void gen_fn(cmd *c, const char *n);

static void g_keys_n(cmd *c, const char *n)
{
    name(c, n);
    unsigned k = 1 + rn(4);
    for (unsigned i = 0; i < k; i++) key(c);
}

static void g_key(cmd *c, const char *n)
{
    name(c, n);
    key(c);
}

static void g_key_key(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    key(c);
}

static void g_noargs(cmd *c, const char *n)
{
    name(c, n);
}

static void g_copy(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    key(c);
    if (chance(40)) {
        args(c, chance(90) ? "DB" : "db");
        db(c);
    }
    if (chance(40)) args(c, "REPLACE");
}

static void g_move(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    db(c);
}

static void g_pattern(cmd *c, const char *n)
{
    name(c, n);
    pick(c, patterns, COUNT(patterns));
}

static const lit scan_types[] = {L("string"), L("STRING"), L("hash"), L("list"), L("set"),
                                 L("zset"), L("none"), L("bad")};
static const lit scan_counts[] = {L("1"), L("2"), L("3"), L("10"), L("1000"), L("0"), L("-1"),
                                  L("abc")};
static const lit bad_cursors[] = {L("abc"), L(""), L("1.5"), L(" 0"), L("0 ")};

static void g_scan(cmd *c, const char *n)
{
    name(c, n);
    if (chance(95)) args(c, "0");
    else pick(c, bad_cursors, COUNT(bad_cursors));
    unsigned k = rn(4);
    for (unsigned i = 0; i < k; i++) {
        switch (rn(4)) {
        case 0:
            args(c, "MATCH");
            pick(c, patterns, COUNT(patterns));
            break;
        case 1:
            args(c, "COUNT");
            pick(c, scan_counts, COUNT(scan_counts));
            break;
        case 2:
            args(c, "TYPE");
            pick(c, scan_types, COUNT(scan_types));
            break;
        default:
            args(c, chance(50) ? "match" : "BOGUS");
            break;
        }
    }
}

static void g_flushdb(cmd *c, const char *n)
{
    static const lit modes[] = {L("ASYNC"), L("SYNC"), L("sync"), L("LAZY")};
    name(c, n);
    if (chance(30)) pick(c, modes, COUNT(modes));
}

static const lit exp_flags[] = {L("NX"), L("XX"), L("GT"), L("LT"), L("nx"), L("gt"), L("BAD")};

static void g_expire(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    ttl_s(c);
    flags(c, exp_flags, COUNT(exp_flags), 2);
}

static void g_pexpire(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    ttl_ms(c);
    flags(c, exp_flags, COUNT(exp_flags), 2);
}

static void g_expireat(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    abs_s(c, 1);
    flags(c, exp_flags, COUNT(exp_flags), 2);
}

static void g_pexpireat(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    abs_ms(c, 1);
    flags(c, exp_flags, COUNT(exp_flags), 2);
}

static void g_select(cmd *c, const char *n)
{
    name(c, n);
    db(c);
}

static void g_swapdb(cmd *c, const char *n)
{
    name(c, n);
    db(c);
    db(c);
}

static void g_ping(cmd *c, const char *n)
{
    name(c, n);
    if (chance(50)) val(c);
}

static void g_echo(cmd *c, const char *n)
{
    name(c, n);
    val(c);
}

static void g_key_val(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    val(c);
}

static void g_set(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    val(c);
    unsigned k = rn(4);
    for (unsigned i = 0; i < k; i++) {
        switch (rn(9)) {
        case 0: args(c, chance(80) ? "NX" : "nx"); break;
        case 1: args(c, "XX"); break;
        case 2: args(c, chance(80) ? "GET" : "get"); break;
        case 3: args(c, "EX"); ttl_s(c); break;
        case 4: args(c, "PX"); ttl_ms(c); break;
        case 5: args(c, "EXAT"); abs_s(c, 0); break;
        case 6: args(c, "PXAT"); abs_ms(c, 0); break;
        case 7: args(c, "KEEPTTL"); break;
        default: args(c, chance(50) ? "EX" : "PERSIST"); break;
        }
    }
}

static void g_setex(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    ttl_s(c);
    val(c);
}

static void g_psetex(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    ttl_ms(c);
    val(c);
}

static void g_getex(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    unsigned k = rn(3);
    for (unsigned i = 0; i < k; i++) {
        switch (rn(6)) {
        case 0: args(c, "EX"); ttl_s(c); break;
        case 1: args(c, "PX"); ttl_ms(c); break;
        case 2: args(c, "EXAT"); abs_s(c, 1); break;
        case 3: args(c, "PXAT"); abs_ms(c, 1); break;
        case 4: args(c, chance(80) ? "PERSIST" : "persist"); break;
        default: args(c, chance(50) ? "KEEPTTL" : "EX"); break;
        }
    }
}

static void g_mset(cmd *c, const char *n)
{
    name(c, n);
    unsigned k = 1 + rn(4);
    for (unsigned i = 0; i < k; i++) {
        key(c);
        val(c);
    }
}

static void g_range(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    idx(c);
    idx(c);
}

/* Offsets up to 1000: big enough to pad with zeros, small enough that LCS
 * over two such strings stays cheap. Offsets past 512 MB are errors. */
static const lit big_offsets[] = {L("1000"), L("-1"), L("abc"), L("536870912"),
                                  L("9223372036854775807"), L("4294967296")};

static void g_setrange(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    if (chance(85)) argf(c, "%lld", rrange(0, 24));
    else pick(c, big_offsets, COUNT(big_offsets));
    val(c);
}

static void g_incrby(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    intarg(c);
}

static void g_incrbyfloat(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    floatarg(c);
}

static void g_lcs(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    key(c);
    unsigned k = rn(4);
    for (unsigned i = 0; i < k; i++) {
        switch (rn(5)) {
        case 0: args(c, "LEN"); break;
        case 1: args(c, "IDX"); break;
        case 2: args(c, "MINMATCHLEN"); intarg(c); break;
        case 3: args(c, "WITHMATCHLEN"); break;
        default: args(c, chance(50) ? "idx" : "BAD"); break;
        }
    }
}

/* Bit offsets: bits within the first bytes, a few kB further, or errors.
 * Offsets near 2^32 are valid and would allocate 512 MB on both sides. */
static const lit bad_bitoffs[] = {L("8000"), L("-1"), L("abc"), L("4294967296"), L("1.5"),
                                  L(""), L("9223372036854775807")};

static void bitoff(cmd *c)
{
    if (chance(85)) argf(c, "%lld", rrange(0, 80));
    else pick(c, bad_bitoffs, COUNT(bad_bitoffs));
}

static const lit bitvals[] = {L("0"), L("1"), L("2"), L("-1"), L("abc"), L("")};

static void g_setbit(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    bitoff(c);
    if (chance(85)) argf(c, "%u", rn(2));
    else pick(c, bitvals, COUNT(bitvals));
}

static void g_getbit(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    if (chance(95)) bitoff(c);
    else args(c, "4294967295");
}

static const lit units[] = {L("BYTE"), L("BIT"), L("bit"), L("BITS")};

static void g_bitcount(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    if (chance(70)) {
        idx(c);
        idx(c);
        if (chance(50)) pick(c, units, COUNT(units));
    } else if (chance(20)) {
        idx(c);
    }
}

static void g_bitpos(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    if (chance(90)) argf(c, "%u", rn(2));
    else pick(c, bitvals, COUNT(bitvals));
    if (chance(60)) {
        idx(c);
        if (chance(60)) {
            idx(c);
            if (chance(50)) pick(c, units, COUNT(units));
        }
    }
}

static void g_bitop(cmd *c, const char *n)
{
    static const lit ops[] = {L("AND"), L("OR"), L("XOR"), L("NOT"), L("and"), L("not"),
                              L("NAND")};
    name(c, n);
    pick(c, ops, COUNT(ops));
    key(c);
    unsigned k = 1 + (chance(60) ? 0 : rn(3));
    for (unsigned i = 0; i < k; i++) key(c);
}

static void bf_type(cmd *c)
{
    static const lit bad[] = {L("i0"), L("u0"), L("u64"), L("i65"), L("x8"), L(""), L("I8"),
                              L("i"), L("u-1")};
    if (chance(90)) {
        int sign = chance(50);
        argf(c, "%c%u", sign ? 'i' : 'u', sign ? 1 + rn(64) : 1 + rn(63));
    } else {
        pick(c, bad, COUNT(bad));
    }
}

static void bf_offset(cmd *c)
{
    static const lit bad[] = {L("-1"), L("abc"), L("4294967296"), L("#-1"), L("#"), L("#abc"),
                              L("1.5")};
    unsigned r = rn(100);
    if (r < 70) argf(c, "%lld", rrange(0, 100));
    else if (r < 90) argf(c, "#%u", rn(20));
    else pick(c, bad, COUNT(bad));
}

static void g_bitfield(cmd *c, const char *n)
{
    static const lit ovf[] = {L("WRAP"), L("SAT"), L("FAIL"), L("wrap"), L("BAD")};
    int ro = !strcmp(n, "BITFIELD_RO");
    name(c, n);
    key(c);
    unsigned k = rn(4) + (ro ? 1 : 0);
    for (unsigned i = 0; i < k; i++) {
        unsigned op = ro && chance(90) ? 0 : rn(5);
        switch (op) {
        case 0:
            args(c, "GET");
            bf_type(c);
            bf_offset(c);
            break;
        case 1:
            args(c, "SET");
            bf_type(c);
            bf_offset(c);
            intarg(c);
            break;
        case 2:
            args(c, "INCRBY");
            bf_type(c);
            bf_offset(c);
            intarg(c);
            break;
        case 3:
            args(c, "OVERFLOW");
            pick(c, ovf, COUNT(ovf));
            break;
        default:
            args(c, chance(50) ? "get" : "BOGUS");
            break;
        }
    }
}

/* Non-string types, only to provoke WRONGTYPE; used when the emulator has
 * the command (probed at start). */
static void g_rpush(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    val(c);
}

static void g_hset(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    args(c, "f");
    val(c);
}

static void g_zadd(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    args(c, "1");
    val(c);
}

/* How a command's replies are compared. */
enum {
    CMP_EXACT,
    CMP_TTL_S,   /* integers >= 0 within 1 */
    CMP_TTL_MS,  /* integers >= 0 within 1000 */
    CMP_SORTED,  /* an array compared as a sorted list (KEYS) */
    CMP_PAIRS,   /* an array of field/value pairs compared sorted (HGETALL) */
    CMP_SCAN,    /* full iteration on each side, unions compared */
    CMP_RANDOM,  /* null vs existing key */
};

typedef struct spec {
    const char *name;
    unsigned weight;
    gen_fn *gen;
    int cmp;
    int aux; /* 1: only if the emulator has it (type seeding); 2: it has not */
    int enabled;
    unsigned long compared, mismatched;
} spec;

static spec specs[] = {
    /* keys and server */
    {"DEL", 4, g_keys_n, CMP_EXACT, 0, 0, 0, 0},
    {"UNLINK", 2, g_keys_n, CMP_EXACT, 0, 0, 0, 0},
    {"EXISTS", 4, g_keys_n, CMP_EXACT, 0, 0, 0, 0},
    {"TYPE", 4, g_key, CMP_EXACT, 0, 0, 0, 0},
    {"RENAME", 3, g_key_key, CMP_EXACT, 0, 0, 0, 0},
    {"RENAMENX", 3, g_key_key, CMP_EXACT, 0, 0, 0, 0},
    {"COPY", 3, g_copy, CMP_EXACT, 0, 0, 0, 0},
    {"MOVE", 3, g_move, CMP_EXACT, 0, 0, 0, 0},
    {"KEYS", 3, g_pattern, CMP_SORTED, 0, 0, 0, 0},
    {"SCAN", 2, g_scan, CMP_SCAN, 0, 0, 0, 0},
    {"RANDOMKEY", 2, g_noargs, CMP_RANDOM, 0, 0, 0, 0},
    {"DBSIZE", 3, g_noargs, CMP_EXACT, 0, 0, 0, 0},
    {"FLUSHDB", 1, g_flushdb, CMP_EXACT, 0, 0, 0, 0},
    {"TOUCH", 2, g_keys_n, CMP_EXACT, 0, 0, 0, 0},
    {"EXPIRE", 4, g_expire, CMP_EXACT, 0, 0, 0, 0},
    {"PEXPIRE", 4, g_pexpire, CMP_EXACT, 0, 0, 0, 0},
    {"EXPIREAT", 4, g_expireat, CMP_EXACT, 0, 0, 0, 0},
    {"PEXPIREAT", 4, g_pexpireat, CMP_EXACT, 0, 0, 0, 0},
    {"EXPIRETIME", 3, g_key, CMP_TTL_S, 0, 0, 0, 0},
    {"PEXPIRETIME", 3, g_key, CMP_TTL_MS, 0, 0, 0, 0},
    {"TTL", 4, g_key, CMP_TTL_S, 0, 0, 0, 0},
    {"PTTL", 4, g_key, CMP_TTL_MS, 0, 0, 0, 0},
    {"PERSIST", 3, g_key, CMP_EXACT, 0, 0, 0, 0},
    {"SELECT", 2, g_select, CMP_EXACT, 0, 0, 0, 0},
    {"SWAPDB", 1, g_swapdb, CMP_EXACT, 0, 0, 0, 0},
    {"PING", 1, g_ping, CMP_EXACT, 0, 0, 0, 0},
    {"ECHO", 1, g_echo, CMP_EXACT, 0, 0, 0, 0},
    /* strings */
    {"GET", 6, g_key, CMP_EXACT, 0, 0, 0, 0},
    {"SET", 10, g_set, CMP_EXACT, 0, 0, 0, 0},
    {"SETNX", 3, g_key_val, CMP_EXACT, 0, 0, 0, 0},
    {"SETEX", 3, g_setex, CMP_EXACT, 0, 0, 0, 0},
    {"PSETEX", 3, g_psetex, CMP_EXACT, 0, 0, 0, 0},
    {"GETSET", 3, g_key_val, CMP_EXACT, 0, 0, 0, 0},
    {"GETDEL", 3, g_key, CMP_EXACT, 0, 0, 0, 0},
    {"GETEX", 4, g_getex, CMP_EXACT, 0, 0, 0, 0},
    {"MGET", 3, g_keys_n, CMP_EXACT, 0, 0, 0, 0},
    {"MSET", 3, g_mset, CMP_EXACT, 0, 0, 0, 0},
    {"MSETNX", 3, g_mset, CMP_EXACT, 0, 0, 0, 0},
    {"APPEND", 4, g_key_val, CMP_EXACT, 0, 0, 0, 0},
    {"STRLEN", 3, g_key, CMP_EXACT, 0, 0, 0, 0},
    {"GETRANGE", 4, g_range, CMP_EXACT, 0, 0, 0, 0},
    {"SUBSTR", 2, g_range, CMP_EXACT, 0, 0, 0, 0},
    {"SETRANGE", 4, g_setrange, CMP_EXACT, 0, 0, 0, 0},
    {"INCR", 4, g_key, CMP_EXACT, 0, 0, 0, 0},
    {"DECR", 3, g_key, CMP_EXACT, 0, 0, 0, 0},
    {"INCRBY", 4, g_incrby, CMP_EXACT, 0, 0, 0, 0},
    {"DECRBY", 3, g_incrby, CMP_EXACT, 0, 0, 0, 0},
    {"INCRBYFLOAT", 5, g_incrbyfloat, CMP_EXACT, 0, 0, 0, 0},
    {"LCS", 3, g_lcs, CMP_EXACT, 0, 0, 0, 0},
    /* bitmaps */
    {"SETBIT", 5, g_setbit, CMP_EXACT, 0, 0, 0, 0},
    {"GETBIT", 4, g_getbit, CMP_EXACT, 0, 0, 0, 0},
    {"BITCOUNT", 4, g_bitcount, CMP_EXACT, 0, 0, 0, 0},
    {"BITPOS", 4, g_bitpos, CMP_EXACT, 0, 0, 0, 0},
    {"BITOP", 3, g_bitop, CMP_EXACT, 0, 0, 0, 0},
    {"BITFIELD", 5, g_bitfield, CMP_EXACT, 0, 0, 0, 0},
    {"BITFIELD_RO", 3, g_bitfield, CMP_EXACT, 0, 0, 0, 0},
    /* not generated: the periodic whole-keyspace comparison (see
     * state_check), counted here */
    {"(state)", 0, g_noargs, CMP_EXACT, 0, 0, 0, 0},
    /* other types, to provoke WRONGTYPE */
    {"RPUSH", 2, g_rpush, CMP_EXACT, 1, 0, 0, 0},
    {"HSET", 2, g_hset, CMP_EXACT, 1, 0, 0, 0},
    {"SADD", 1, g_rpush, CMP_EXACT, 1, 0, 0, 0},
    {"ZADD", 1, g_zadd, CMP_EXACT, 1, 0, 0, 0},
};

#define NSPECS COUNT(specs)

static unsigned total_weight;
static unsigned eval_percent;   /* share of commands sent through EVAL */
static unsigned long evals;     /* how many were */

/* Commands the name mutation must not produce: those that set an expiry
 * (see generate) and those that grow a string to an offset, which with
 * GETBIT's 4294967295 allocates 512 MB on both sides. */
static int unsafe_rename(const char *n)
{
    static const char *const names[] = {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT",
                                         "SETEX",  "PSETEX",  "SET",      "GETEX",
                                         "SETBIT", "SETRANGE", "BITFIELD"};
    for (size_t i = 0; i < COUNT(names); i++)
        if (!strcmp(n, names[i])) return 1;
    return 0;
}

static void generate(cmd *c)
{
    unsigned r = rn(total_weight), i = 0;
    for (;; i++) {
        if (!specs[i].enabled) continue;
        if (r < specs[i].weight) break;
        r -= specs[i].weight;
    }
    c->spec = (int)i;
    specs[i].gen(c, specs[i].name);
    /* Another command's arguments: parse errors from every angle. The spec
     * stays the generator's, so the comparison rule is the one the
     * arguments were made for (the replies are errors or exact anyway).
     * Never a command that sets an expiry: foreign arguments would give it
     * small TTLs ("SETEX k 21 v"), and such a key expires mid-run at a
     * moment that differs between the two sides. Nor one that writes at an
     * offset ("SETBIT k 4294967295 1" from GETBIT's arguments). */
    if (chance(2)) {
        size_t other = rn(NSPECS);
        if (specs[other].enabled && specs[other].weight && specs[other].cmp == CMP_EXACT &&
            specs[i].cmp == CMP_EXACT && !unsafe_rename(specs[other].name)) {
            free(c->argv[0]);
            c->argv[0] = strdup(specs[other].name);
            c->len[0] = strlen(specs[other].name);
        }
    }
    /* Mutations for arity and syntax errors. */
    if (chance(4)) {
        static const lit junk[] = {L("NX"), L("XX"), L("GT"), L("EX"), L("GET"), L("KEEPTTL"),
                                   L("BYTE"), L("MATCH"), L("COUNT"), L("REPLACE"), L("DB"),
                                   L("x"), L(""), L("1")};
        if (c->argc > 1 && chance(50)) {
            free(c->argv[--c->argc]);
        } else {
            const lit *j = &junk[rn(COUNT(junk))];
            arg_insert(c, 1 + (int)rn((unsigned)c->argc), j->p, j->n);
        }
    }
    /* Through a script: the same command from redis.pcall, its reply
     * converted to Lua and back, and script-only refusals. */
    if (eval_percent && specs[i].cmp != CMP_SORTED && specs[i].cmp != CMP_SCAN &&
        specs[i].cmp != CMP_RANDOM && chance(eval_percent)) {
        static const lit wrapper[] = {L("EVAL"), L("return redis.pcall(unpack(ARGV))"), L("0")};
        for (int k = 0; k < 3; k++) arg_insert(c, k, wrapper[k].p, wrapper[k].n);
        evals++;
    }
}

/* --- Comparison and reporting ----------------------------------------------- */

typedef struct run {
    uint64_t seed;
    unsigned long ncommands;
    int keep_going;
    int trace;
    rl_emu *emu;
    rl_backend *redis;
    unsigned long index; /* of the command being compared */
    unsigned long mismatches;
    int64_t last_clock;
#define HISTORY 12
    cmd history[HISTORY]; /* the last commands, for context */
    unsigned long hist_count;
    int cur_db; /* the db SELECTed on both sides */
    int64_t window_start, max_window_ms; /* see sync_clock, drift_ms */
    int64_t slowest_ms; /* the slowest emulator command of the pipelined ones */
    cmd slowest;
    unsigned long slowest_index;
} run;

static void print_cmd(FILE *f, const cmd *c)
{
    for (int i = 0; i < c->argc; i++) {
        fputs(i ? " \"" : "\"", f);
        rl_diff_print_escaped(f, c->argv[i], c->len[i]);
        fputc('"', f);
    }
}

static void print_reply(FILE *f, const char *label, const rl_reply *r)
{
    fprintf(f, "  %-9s ", label);
    if (!r) {
        fputs("(no reply)\n", f);
        return;
    }
    size_t n;
    char *s = rl_reply_to_resp(r, 2, &n);
    rl_diff_print_escaped(f, s, n);
    fputc('\n', f);
    rl_free(s);
}

static int resp_equal(const rl_reply *a, const rl_reply *b)
{
    size_t na, nb;
    char *sa = rl_reply_to_resp(a, 2, &na);
    char *sb = rl_reply_to_resp(b, 2, &nb);
    int eq = na == nb && memcmp(sa, sb, na) == 0;
    rl_free(sa);
    rl_free(sb);
    return eq;
}

static int cmp_bulk(const void *pa, const void *pb)
{
    const rl_reply *a = *(const rl_reply *const *)pa, *b = *(const rl_reply *const *)pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int d = memcmp(a->str, b->str, n);
    if (d) return d;
    return a->len < b->len ? -1 : a->len > b->len;
}

/* Sorts an array of bulk strings in place, as single strings or as pairs
 * ordered by their first string (hash fields are unique); 0 if r is not
 * such an array. */
static int sort_bulks_by(rl_reply *r, size_t width)
{
    if (r->type != RL_REPLY_ARRAY || r->elements % width) return 0;
    for (size_t i = 0; i < r->elements; i++)
        if (r->element[i]->type != RL_REPLY_BULK) return 0;
    if (r->elements > width)
        qsort(r->element, r->elements / width, sizeof(r->element[0]) * width, cmp_bulk);
    return 1;
}

static int sort_bulks(rl_reply *r)
{
    return sort_bulks_by(r, 1);
}

/* Compares two replies by rule how. drift_ms bounds how far apart the two
 * sides' clocks were when they set and read the expiry (see drift_ms()). */
static int compare(int how, int64_t drift_ms, rl_reply *e, rl_reply *r)
{
    long long tol = how == CMP_TTL_S ? drift_ms / 1000 + 1 : how == CMP_TTL_MS ? drift_ms + 2 : -1;
    if (tol >= 0 && e->type == RL_REPLY_INTEGER && r->type == RL_REPLY_INTEGER &&
        e->integer >= 0 && r->integer >= 0) {
        long long d = e->integer - r->integer;
        return d >= -tol && d <= tol;
    }
    if ((how == CMP_SORTED || how == CMP_PAIRS) && e->type == RL_REPLY_ARRAY &&
        r->type == RL_REPLY_ARRAY) {
        sort_bulks_by(e, how == CMP_PAIRS ? 2 : 1);
        sort_bulks_by(r, how == CMP_PAIRS ? 2 : 1);
    }
    return resp_equal(e, r);
}

static void remember(run *R, const cmd *c)
{
    cmd *slot = &R->history[R->hist_count % HISTORY];
    cmd_clear(slot);
    for (int i = 0; i < c->argc; i++) arg(slot, c->argv[i], c->len[i]);
    slot->spec = c->spec;
    R->hist_count++;
}

static void report_mismatch(run *R, const cmd *c, const rl_reply *e, const rl_reply *r,
                            const char *what)
{
    spec *s = &specs[c->spec];
    s->mismatched++;
    R->mismatches++;
    if (R->keep_going && s->mismatched > 1) return;
    fprintf(stderr, "\nMISMATCH%s%s at command #%lu (seed %llu)\n", what ? ": " : "",
            what ? what : "", R->index, (unsigned long long)R->seed);
    fputs("  command   ", stderr);
    print_cmd(stderr, c);
    fputc('\n', stderr);
    print_reply(stderr, "emulator", e);
    print_reply(stderr, "redis", r);
    unsigned long first = R->hist_count > HISTORY ? R->hist_count - HISTORY : 0;
    if (R->hist_count > 1) fprintf(stderr, "  preceding commands:\n");
    for (unsigned long i = first; i + 1 < R->hist_count; i++) {
        fprintf(stderr, "    #%lu ", R->index - (R->hist_count - 1 - i));
        print_cmd(stderr, &R->history[i % HISTORY]);
        fputc('\n', stderr);
    }
    fprintf(stderr, "  replay:   RL_DIFF_SEED=%llu RL_DIFF_COMMANDS=%lu random_diff --trace\n",
            (unsigned long long)R->seed, R->index + 1);
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keeps the emulator's clock on the wall clock (never backwards), and
 * opens a timing window: redis runs the commands that follow at some moment
 * between now and when their replies are in. */
static void sync_clock(run *R)
{
    int64_t now = wall_ms();
    R->window_start = now;
    if (now > R->last_clock) R->last_clock = now;
    rl_emu_set_clock_ms(R->emu, R->last_clock);
}

/* Closes the timing window opened by sync_clock. */
static void window_end(run *R)
{
    int64_t took = wall_ms() - R->window_start;
    if (took > R->max_window_ms) R->max_window_ms = took;
}

/* The most the two clocks can disagree by about an expiry: the emulator
 * reads its clock at the start of a window and redis somewhere inside it,
 * both when the expiry was set and when it is read, so the difference is
 * bounded by the longest window so far (the current one included). With
 * pipelining a window is normally a millisecond or two; a stalled host
 * widens it, and the tolerance follows instead of failing. */
static int64_t drift_ms(const run *R)
{
    int64_t cur = wall_ms() - R->window_start;
    return cur > R->max_window_ms ? cur : R->max_window_ms;
}

static void trace(const run *R, const cmd *c, const rl_reply *e, const rl_reply *r)
{
    if (!R->trace) return;
    fprintf(stderr, "#%lu ", R->index);
    print_cmd(stderr, c);
    fputc('\n', stderr);
    print_reply(stderr, "emulator", e);
    print_reply(stderr, "redis", r);
}

/* Both sides back to empty after a mismatch (--keep-going), so one bug does
 * not cascade into every later command. -1 if the server is gone. */
static int resync(run *R)
{
    rl_emu_free(R->emu);
    R->emu = rl_emu_new();
    R->cur_db = 0;
    sync_clock(R);
    static const char *const flush[] = {"FLUSHALL"}, *const sel[] = {"SELECT", "0"};
    static const size_t flen[] = {8}, slen[] = {6, 1};
    rl_reply *a = R->redis->call(R->redis, 1, flush, flen);
    rl_reply *b = a ? R->redis->call(R->redis, 2, sel, slen) : NULL;
    rl_reply_free(a);
    if (!b) return -1;
    rl_reply_free(b);
    return 0;
}

static rl_reply *emu_call(run *R, const cmd *c)
{
    return rl_emu_call(R->emu, c->argc, (const char *const *)c->argv, c->len);
}

/* --- Commands that need their own round trips ----------------------------- */

/* One full SCAN iteration; returns the sorted union of keys as an array, or
 * the first reply that was not a well-formed page (an error, say). */
static rl_reply *scan_all(run *R, const cmd *c, int on_redis)
{
    cmd page = {0};
    for (int i = 0; i < c->argc; i++) arg(&page, c->argv[i], c->len[i]);
    rl_reply *all = rl_reply_new(RL_REPLY_ARRAY);
    for (int iter = 0;; iter++) {
        rl_reply *r = on_redis ? R->redis->call(R->redis, page.argc,
                                                (const char *const *)page.argv, page.len)
                               : emu_call(R, &page);
        if (!r || r->type != RL_REPLY_ARRAY || r->elements != 2 ||
            r->element[0]->type != RL_REPLY_BULK || r->element[1]->type != RL_REPLY_ARRAY ||
            iter > 100000 || page.argc < 2) {
            rl_reply_free(all);
            cmd_clear(&page);
            return r;
        }
        rl_reply *keys = r->element[1];
        for (size_t i = 0; i < keys->elements; i++) rl_reply_append_take(all, keys->element[i]);
        keys->elements = 0;
        int done = r->element[0]->len == 1 && r->element[0]->str[0] == '0';
        if (!done) {
            free(page.argv[1]);
            page.argv[1] = malloc(r->element[0]->len + 1);
            memcpy(page.argv[1], r->element[0]->str, r->element[0]->len + 1);
            page.len[1] = r->element[0]->len;
        }
        rl_reply_free(r);
        if (done) break;
    }
    cmd_clear(&page);
    sort_bulks(all);
    /* Redis may return a key twice during one iteration; the union counts it
     * once. */
    size_t w = 0;
    for (size_t i = 0; i < all->elements; i++) {
        if (w > 0 && cmp_bulk(&all->element[w - 1], &all->element[i]) == 0) {
            rl_reply_free(all->element[i]);
            continue;
        }
        all->element[w++] = all->element[i];
    }
    all->elements = w;
    return all;
}

/* RANDOMKEY: a key that exists, or null on an empty db, on each side. */
static int randomkey_ok(run *R, const rl_reply *e, const rl_reply *r)
{
    if (e->type == RL_REPLY_NIL && r->type == RL_REPLY_NIL) return 1;
    if (e->type != RL_REPLY_BULK || r->type != RL_REPLY_BULK) return resp_equal(e, r);
    const char *ea[] = {"EXISTS", e->str}, *ra[] = {"EXISTS", r->str};
    size_t el[] = {6, e->len}, rlen[] = {6, r->len};
    rl_reply *ex = rl_emu_call(R->emu, 2, ea, el);
    rl_reply *rx = R->redis->call(R->redis, 2, ra, rlen);
    int ok = ex->type == RL_REPLY_INTEGER && ex->integer == 1 && rx &&
             rx->type == RL_REPLY_INTEGER && rx->integer == 1;
    rl_reply_free(ex);
    rl_reply_free(rx);
    return ok;
}

/* Returns 0 when the replies agree, 1 on a mismatch. */
static int check(run *R, const cmd *c, rl_reply *e, rl_reply *r)
{
    spec *s = &specs[c->spec];
    s->compared++;
    trace(R, c, e, r);
    int ok = s->cmp == CMP_RANDOM ? randomkey_ok(R, e, r) : compare(s->cmp, drift_ms(R), e, r);
    if (ok && c->argc == 2 && !strcasecmp(c->argv[0], "SELECT") && e->type == RL_REPLY_STATUS)
        R->cur_db = (int)strtol(c->argv[1], NULL, 10);
    if (ok) return 0;
    report_mismatch(R, c, e, r, s->cmp == CMP_SCAN ? "SCAN unions differ" : NULL);
    return 1;
}

/* What a comparison result means for the run: 0 go on, 1 stop (first
 * mismatch), -1 the server is lost. With --keep-going both sides are
 * emptied after a mismatch and the run goes on. */
static int after_mismatch(run *R, int mismatch)
{
    if (!mismatch) return 0;
    if (!R->keep_going) return 1;
    return resync(R) == 0 ? 0 : -1;
}

/* Runs a command that needs its own round trips (SCAN, RANDOMKEY); the
 * pipeline is empty at this point. Returns as after_mismatch. */
static int run_special(run *R, const cmd *c)
{
    sync_clock(R);
    rl_reply *e, *r;
    if (specs[c->spec].cmp == CMP_SCAN) {
        e = scan_all(R, c, 0);
        r = scan_all(R, c, 1);
    } else {
        e = emu_call(R, c);
        r = R->redis->call(R->redis, c->argc, (const char *const *)c->argv, c->len);
    }
    if (!r) {
        rl_reply_free(e);
        return -1;
    }
    window_end(R);
    int rc = check(R, c, e, r);
    rl_reply_free(e);
    rl_reply_free(r);
    return after_mismatch(R, rc);
}

/* --- Whole-keyspace comparison ----------------------------------------------- */

static size_t state_spec;

/* Runs a C-string command on both sides and compares; 1 on a mismatch.
 * With out set, the emulator's reply is handed back instead of freed. */
static int state_cmd(run *R, int how, const char *what, rl_reply **out, int argc, ...)
{
    cmd c = {0};
    va_list ap;
    va_start(ap, argc);
    for (int i = 0; i < argc; i++) {
        const char *p = va_arg(ap, const char *);
        size_t n = va_arg(ap, size_t);
        arg(&c, p, n);
    }
    va_end(ap);
    c.spec = (int)state_spec;
    rl_reply *e = emu_call(R, &c);
    rl_reply *r = R->redis->call(R->redis, c.argc, (const char *const *)c.argv, c.len);
    int bad = 0;
    if (!r) {
        bad = -1;
    } else {
        specs[state_spec].compared++;
        trace(R, &c, e, r);
        if (!compare(how, drift_ms(R), e, r)) {
            report_mismatch(R, &c, e, r, what);
            bad = 1;
        }
    }
    if (out && bad == 0) *out = e;
    else rl_reply_free(e);
    rl_reply_free(r);
    cmd_clear(&c);
    return bad;
}

/* Compares one key's value, read with the command for its type. */
static int state_value(run *R, const char *what, const rl_reply *k, const char *type)
{
    if (!strcmp(type, "list"))
        return state_cmd(R, CMP_EXACT, what, NULL, 4, "LRANGE", (size_t)6, k->str, k->len, "0",
                         (size_t)1, "-1", (size_t)2);
    if (!strcmp(type, "hash"))
        return state_cmd(R, CMP_PAIRS, what, NULL, 2, "HGETALL", (size_t)7, k->str, k->len);
    if (!strcmp(type, "set"))
        return state_cmd(R, CMP_SORTED, what, NULL, 2, "SMEMBERS", (size_t)8, k->str, k->len);
    if (!strcmp(type, "zset"))
        return state_cmd(R, CMP_EXACT, what, NULL, 5, "ZRANGE", (size_t)6, k->str, k->len, "0",
                         (size_t)1, "-1", (size_t)2, "WITHSCORES", (size_t)10);
    return state_cmd(R, CMP_EXACT, what, NULL, 2, "GET", (size_t)3, k->str, k->len);
}

/* Compares every key, its type, value and TTL in all sixteen databases, to
 * catch a divergence that no command happened to show (hash fields and set
 * members unordered). Returns as after_mismatch. */
static int state_check(run *R)
{
    char what[64], dbname[4];
    int bad = 0;
    sync_clock(R);
    for (int d = 0; d < 16 && !bad; d++) {
        int dblen = snprintf(dbname, sizeof(dbname), "%d", d);
        snprintf(what, sizeof(what), "keyspace check of db %d", d);
        bad = state_cmd(R, CMP_EXACT, what, NULL, 2, "SELECT", (size_t)6, dbname, (size_t)dblen);
        rl_reply *keys = NULL;
        if (!bad) bad = state_cmd(R, CMP_SORTED, what, &keys, 2, "KEYS", (size_t)4, "*", (size_t)1);
        for (size_t i = 0; keys && i < keys->elements && !bad; i++) {
            const rl_reply *k = keys->element[i];
            rl_reply *type = NULL;
            bad = state_cmd(R, CMP_EXACT, what, &type, 2, "TYPE", (size_t)4, k->str, k->len);
            const char *t = !bad && type->type == RL_REPLY_STATUS ? type->str : "";
            if (!bad) bad = state_value(R, what, k, t);
            rl_reply_free(type);
            if (!bad)
                bad = state_cmd(R, CMP_TTL_MS, what, NULL, 2, "PTTL", (size_t)4, k->str, k->len);
        }
        rl_reply_free(keys);
    }
    window_end(R);
    if (bad < 0) return -1;
    char db[16];
    int n = snprintf(db, sizeof(db), "%d", R->cur_db);
    if (!bad) bad = state_cmd(R, CMP_EXACT, "restoring the db", NULL, 2, "SELECT", (size_t)6, db,
                              (size_t)n);
    return bad < 0 ? -1 : after_mismatch(R, bad);
}

/* Runs a pipelined batch: every command already went to redis; run them on
 * the emulator, then read and compare redis's replies in order. */
static int run_batch(run *R, cmd *batch, size_t n, unsigned long first_index)
{
    /* Redis runs the batch as soon as it is written, within a millisecond
     * or so of this clock reading, while the emulator works through it. */
    sync_clock(R);
    if (n && rl_backend_redis_flush(R->redis) != 0) return -1;
    rl_reply **e = malloc(sizeof(*e) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        int64_t t0 = wall_ms();
        e[i] = emu_call(R, &batch[i]);
        int64_t took = wall_ms() - t0;
        if (took > R->slowest_ms) {
            R->slowest_ms = took;
            R->slowest_index = first_index + i;
            cmd_clear(&R->slowest);
            for (int k = 0; k < batch[i].argc; k++)
                arg(&R->slowest, batch[i].argv[k], batch[i].len[k]);
        }
    }
    int mismatch = 0;
    for (size_t i = 0; i < n; i++) {
        rl_reply *r = rl_backend_redis_recv(R->redis);
        if (!r) {
            for (; i < n; i++) rl_reply_free(e[i]);
            free(e);
            return -1;
        }
        /* After a mismatch the two sides have diverged: the rest of the
         * batch is drained without comparing. */
        if (!mismatch) {
            R->index = first_index + i;
            remember(R, &batch[i]);
            mismatch = check(R, &batch[i], e[i], r);
        }
        rl_reply_free(e[i]);
        rl_reply_free(r);
    }
    free(e);
    window_end(R);
    return after_mismatch(R, mismatch);
}

/* --- Setup ------------------------------------------------------------------ */

static int in_list(const char *list, const char *n)
{
    size_t len = strlen(n);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t k = end ? (size_t)(end - p) : strlen(p);
        if (k == len && strncasecmp(p, n, k) == 0) return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

/* 1 if the emulator knows the command name. */
static int emu_has(rl_emu *emu, const char *n)
{
    const char *argv[] = {n};
    size_t len[] = {strlen(n)};
    rl_reply *r = rl_emu_call(emu, 1, argv, len);
    int has = !(r->type == RL_REPLY_ERROR && strncmp(r->str, "ERR unknown command", 19) == 0);
    rl_reply_free(r);
    return has;
}

static int parse_hostport(const char *s, char *host, size_t hostlen, int *port)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= hostlen) return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    *port = atoi(colon + 1);
    return *port > 0 && *port < 65536 ? 0 : -1;
}

static void usage(void)
{
    fprintf(stderr, "usage: random_diff [--seed N] [--commands N] [--only A,B] "
                    "[--exclude A,B] [--eval-percent P] [--keep-going] [--trace] "
                    "[--server HOST:PORT]\n");
}

static void summary(const run *R)
{
    printf("compared per command:");
    int col = 21;
    for (size_t i = 0; i < NSPECS; i++) {
        if (!specs[i].enabled) continue;
        char item[64];
        int n = specs[i].mismatched
                    ? snprintf(item, sizeof(item), " %s=%lu(%lu bad)", specs[i].name,
                               specs[i].compared, specs[i].mismatched)
                    : snprintf(item, sizeof(item), " %s=%lu", specs[i].name, specs[i].compared);
        if (col + n > 100) {
            printf("\n ");
            col = 1;
        }
        fputs(item, stdout);
        col += n;
    }
    printf("\n");
    int any = 0;
    for (size_t i = 0; i < NSPECS; i++) {
        if (specs[i].aux != 2) continue;
        printf("%s %s", any ? "," : "not generated (emulator lacks them):", specs[i].name);
        any = 1;
    }
    if (any) printf("\n");
    unsigned long total = 0;
    for (size_t i = 0; i < NSPECS; i++) total += specs[i].compared;
    printf("longest clock window %lld ms (the TTL tolerance)\n", (long long)R->max_window_ms);
    if (R->slowest.argc) {
        printf("slowest emulator command: %lld ms, #%lu ", (long long)R->slowest_ms,
               R->slowest_index);
        print_cmd(stdout, &R->slowest);
        printf("\n");
    }
    printf("seed %llu: %lu commands compared (%lu through EVAL), %lu mismatches\n",
           (unsigned long long)R->seed, total, evals, R->mismatches);
}

int main(int argc, char **argv)
{
    run R;
    memset(&R, 0, sizeof(R));
    const char *env;
    R.seed = (env = getenv("RL_DIFF_SEED")) && *env ? strtoull(env, NULL, 10) : 1;
    R.ncommands = (env = getenv("RL_DIFF_COMMANDS")) && *env ? strtoul(env, NULL, 10) : 100000;
    const char *only = getenv("RL_DIFF_ONLY"), *exclude = getenv("RL_DIFF_EXCLUDE");
    R.keep_going = (env = getenv("RL_DIFF_KEEP_GOING")) && !strcmp(env, "1");
    eval_percent = (env = getenv("RL_DIFF_EVAL_PERCENT")) && *env ? (unsigned)atoi(env) : 5;
    const char *server = NULL;
    for (int i = 1; i < argc; i++) {
        int more = i + 1 < argc;
        if (!strcmp(argv[i], "--seed") && more) R.seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--commands") && more) R.ncommands = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--only") && more) only = argv[++i];
        else if (!strcmp(argv[i], "--exclude") && more) exclude = argv[++i];
        else if (!strcmp(argv[i], "--server") && more) server = argv[++i];
        else if (!strcmp(argv[i], "--eval-percent") && more)
            eval_percent = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--keep-going")) R.keep_going = 1;
        else if (!strcmp(argv[i], "--trace")) R.trace = 1;
        else {
            usage();
            return 2;
        }
    }

    R.emu = rl_emu_new();
    for (size_t i = 0; i < NSPECS; i++) {
        spec *s = &specs[i];
        if (s->weight == 0) {
            state_spec = i;
            s->enabled = 1;
            continue;
        }
        s->enabled = (!only || !*only || in_list(only, s->name)) && !in_list(exclude, s->name);
        if (s->aux && s->enabled && !emu_has(R.emu, s->name)) {
            s->enabled = 0;
            s->aux = 2; /* wanted, but the emulator lacks it */
        }
        if (s->enabled) total_weight += s->weight;
    }
    if (!total_weight) {
        fprintf(stderr, "random_diff: no command selected\n");
        rl_emu_free(R.emu);
        return 2;
    }

    rl_diff_server srv;
    memset(&srv, 0, sizeof(srv));
    char host[256] = "127.0.0.1", err[512];
    int port;
    if (server) {
        if (parse_hostport(server, host, sizeof(host), &port) != 0) {
            usage();
            rl_emu_free(R.emu);
            return 2;
        }
    } else {
        char exe[1024];
        if (rl_diff_find_redis(exe, sizeof(exe)) != 0) {
            rl_emu_free(R.emu);
            return rl_diff_no_server_exit("random_diff", "redis-server not found");
        }
        if (rl_diff_server_start(&srv, exe, err, sizeof(err)) != 0) {
            fprintf(stderr, "random_diff: cannot start %s: %s\n", exe, err);
            rl_emu_free(R.emu);
            return 1;
        }
        port = srv.port;
    }
    R.redis = rl_backend_redis_new(host, port, err, sizeof(err));
    if (!R.redis || R.redis->reset(R.redis) != 0) {
        fprintf(stderr, "random_diff: %s\n", R.redis ? R.redis->errstr : err);
        if (R.redis) R.redis->free(R.redis);
        rl_emu_free(R.emu);
        rl_diff_server_stop(&srv);
        return 1;
    }
    printf("random_diff: seed %llu, %lu commands, engine %s, redis %s:%d%s\n",
           (unsigned long long)R.seed, R.ncommands, rl_emu_engine(), host, port,
           R.keep_going ? ", keep going" : "");
    fflush(stdout);

    rnd_state = R.seed;
    enum { BATCH = 512, STATE_EVERY = 5000 };
    cmd batch[BATCH];
    memset(batch, 0, sizeof(batch));
    size_t nb = 0;
    unsigned long first = 0;
    int rc = 0;
    for (unsigned long i = 0; i < R.ncommands && rc == 0; i++) {
        cmd c = {0};
        generate(&c);
        int check_state = (i + 1) % STATE_EVERY == 0 || i + 1 == R.ncommands;
        int special = specs[c.spec].cmp == CMP_SCAN || specs[c.spec].cmp == CMP_RANDOM;
        if (!special) {
            if (nb == 0) first = i;
            if (rl_backend_redis_send(R.redis, c.argc, (const char *const *)c.argv, c.len) != 0) {
                cmd_clear(&c);
                rc = -1;
                break;
            }
            batch[nb++] = c;
        }
        /* SCAN and RANDOMKEY need their own round trips, and the state
         * check must see every earlier command: both drain the pipeline. */
        if (nb == BATCH || special || check_state) {
            rc = run_batch(&R, batch, nb, first);
            for (size_t j = 0; j < nb; j++) cmd_clear(&batch[j]);
            nb = 0;
        }
        if (special) {
            if (rc == 0) {
                R.index = i;
                remember(&R, &c);
                rc = run_special(&R, &c);
            }
            cmd_clear(&c);
        }
        if (rc == 0 && check_state) rc = state_check(&R);
    }
    for (size_t j = 0; j < nb; j++) cmd_clear(&batch[j]);
    if (rc < 0) fprintf(stderr, "random_diff: redis connection: %s\n", R.redis->errstr);

    summary(&R);
    for (int i = 0; i < HISTORY; i++) cmd_clear(&R.history[i]);
    cmd_clear(&R.slowest);
    R.redis->free(R.redis);
    rl_emu_free(R.emu);
    rl_diff_server_stop(&srv);
    if (rc < 0) return 1;
    return R.mismatches ? 1 : 0;
}
