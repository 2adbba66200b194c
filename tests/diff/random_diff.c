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
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backend.h"
#include "diff_rand.h"
#include "diff_server.h"
#include "mem.h"
#include "redlua.h"
#include "reply.h"

static long long rrange(long long lo, long long hi)
{
    return lo + (long long)(rnd() % (uint64_t)(hi - lo + 1));
}

/* --- Commands ------------------------------------------------------------ */

typedef struct cmd {
    int argc, cap;
    char **argv;
    size_t *len;
    int spec;   /* index into specs[] */
    int off;    /* 3 when wrapped in EVAL: the command's own argv starts there */
    int block;  /* a blocking form that may block on Redis (see run_blocking) */
    int nprobe; /* probe commands sent to Redis after it (see probes_for) */
    int lex;    /* a lex range on a sorted set (see run_lex) */
    int npre;   /* commands sent to Redis before it (see errno_reset) */
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

#define L(s)             \
    {                    \
        s, sizeof(s) - 1 \
    }
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void pick(cmd *c, const lit *tab, size_t n)
{
    const lit *l = &tab[rn((unsigned)n)];
    arg(c, l->p, l->n);
}

/* --- Value domains --------------------------------------------------------- */

static const lit odd_keys[] = { L(""), L("k\0z"), L("kk"), L("K1"), L("k1 ") };

/* Each data type also has home keys (l1-l3 lists, h hashes, s sets, z
 * sorted sets, x streams) where its own commands go a third of the time,
 * so its collections grow deep even while the shared keys k1-k4 keep
 * changing type; the key commands visit every home. home is the prefix
 * of the command being generated: a letter, "*" for any, NULL for none. */
static const char *home;
static const char homes[] = "lhszx";

static void key(cmd *c)
{
    unsigned r = rn(100);
    if (r < (home ? 50u : 80u)) argf(c, "k%u", 1 + rn(4));
    else if (r < 85 && home && *home != '*') argf(c, "%c%u", *home, 1 + rn(3));
    else if (r < 85 || (r < 90 && home)) argf(c, "%c%u", homes[rn(5)], 1 + rn(3));
    else pick(c, odd_keys, COUNT(odd_keys));
}

static const lit edge_vals[] = {
    L(""),
    L("0"),
    L("1"),
    L("-1"),
    L("10"),
    L("42"),
    L("-0"),
    L("+5"),
    L("007"),
    L(" 1"),
    L("1 "),
    L("0x10"),
    L("abc"),
    L("a\0b"),
    L("\xff\xfe\x00\x01"),
    L("hello world"),
    L("9223372036854775807"),
    L("-9223372036854775808"),
    L("9223372036854775808"),
    L("-9223372036854775809"),
    L("1.5"),
    L("-1.5"),
    L("0.1"),
    L("3e3"),
    L("5.0e-1"),
    L("1e400"),
    L("1.7976931348623157e308"),
    L("inf"),
    L("-inf"),
    L("nan"),
    L("1.0"),
    L("10.50"),
    L("\x80"),
    L("foobar"),
    L("foobaz"),
    L("ohmytext"),
    L("mynewtext"),
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
        static const char fill[] = { '\0', '\xff', 'a', '\x01' };
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
    L("0"),
    L("1"),
    L("-1"),
    L("2"),
    L("5"),
    L("-5"),
    L("10"),
    L("100"),
    L("-100"),
    L("1000"),
    L("9223372036854775807"),
    L("-9223372036854775808"),
    L("9223372036854775808"),
    L("-9223372036854775809"),
    L("abc"),
    L(""),
    L("1.5"),
    L(" 1"),
    L("+1"),
    L("007"),
    L("-0"),
    L("4294967295"),
    L("4294967296"),
    L("2147483647"),
    L("2147483648"),
    L("-2147483649"),
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
    L("1.5"),    L("-1.5"), L("0"),      L("1e308"), L("1.7976931348623157e308"),
    L("-1e308"), L("inf"),  L("-inf"),   L("+inf"),  L("nan"),
    L("abc"),    L(""),     L("5e-324"), L("0.1"),   L("1e-10"),
    L("-0"),     L("3"),    L("10.50"),  L("1e1"),   L(" 1"),
    L("1 "),     L("0x10"), L("1.0e"),   L("3.0e3"), L("9223372036854775807"),
    L("1\0"),
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
    L("0"),
    L("-1"),
    L("-100"),
    L("abc"),
    L(""),
    L("1.5"),
    L("9223372036854775807"),
    L("-9223372036854775808"),
    L("9223372036854775"),
    L("9223372036854776"),
    L("-9223372036854776"),
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
    L("0"),
    L("-1"),
    L("-100"),
    L("abc"),
    L(""),
    L("1.5"),
    L("9223372036854775807"),
    L("-9223372036854775808"),
    L("-9223372036854776"),
};

static void ttl_ms(cmd *c)
{
    if (chance(40)) pick(c, bad_ttls_ms, COUNT(bad_ttls_ms));
    else if (chance(5)) argf(c, "%lld", rrange(9000000000000000LL, 9223372036854775LL));
    else argf(c, "%lld", rrange(1000000, 10000000000LL));
}

/* Absolute expiry: far past (before 2024) or far future (after 2096). */
static const lit bad_abs[] = {
    L("0"),
    L("1"),
    L("-1"),
    L("abc"),
    L(""),
    L("1.5"),
    L("9223372036854775807"),
    L("9223372036854775"),
    L("9223372036854776"),
    L("-9223372036854775808"),
};

/* The same without a valid past time, for SET (see the file comment). */
static const lit bad_abs_future[] = {
    L("0"),
    L("-1"),
    L("abc"),
    L(""),
    L("1.5"),
    L("9223372036854775807"),
    L("9223372036854775"),
    L("9223372036854776"),
    L("-9223372036854775808"),
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

static const lit odd_dbs[] = { L("15"), L("16"), L("-1"), L("abc"), L(""), L("1.0") };

static void db(cmd *c)
{
    if (chance(85)) argf(c, "%u", rn(3));
    else pick(c, odd_dbs, COUNT(odd_dbs));
}

static const lit patterns[] = {
    L("*"),  L("k*"),   L("k?"),    L("k[1-2]"), L("*1"), L("[^k]*"), L("k\\*"), L(""),    L("?"),
    L("k["), L("*\0*"), L("k[!1]"), L("K*"),     L("*z"), L("[k]?"),  L("\\k1"), L("k1*"),
};

/* Maybe lower-cases the command name: names are case-insensitive and errors
 * quote them, so both spellings are worth sending. */
static void name(cmd *c, const char *n)
{
    args(c, n);
    if (chance(10))
        for (size_t i = 0; i < c->len[0]; i++) c->argv[0][i] = (char)(c->argv[0][i] | 0x20);
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

static const lit scan_types[] = { L("string"), L("STRING"), L("hash"), L("list"),
                                  L("set"),    L("zset"),   L("none"), L("bad") };
static const lit scan_counts[] = { L("1"),    L("2"), L("3"),  L("10"),
                                   L("1000"), L("0"), L("-1"), L("abc") };
static const lit bad_cursors[] = { L("abc"), L(""), L("1.5"), L(" 0"), L("0 ") };

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
        default: args(c, chance(50) ? "match" : "BOGUS"); break;
        }
    }
}

static void g_flushdb(cmd *c, const char *n)
{
    static const lit modes[] = { L("ASYNC"), L("SYNC"), L("sync"), L("LAZY") };
    name(c, n);
    if (chance(30)) pick(c, modes, COUNT(modes));
}

static const lit exp_flags[] = { L("NX"), L("XX"), L("GT"), L("LT"), L("nx"), L("gt"), L("BAD") };

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

/* The expiry options SET and GETEX share: EX, PX, EXAT, PXAT (which 0..3),
 * with its time; allow_past as abs_s/abs_ms take it. */
static void expiry_option(cmd *c, unsigned which, int allow_past)
{
    switch (which) {
    case 0:
        args(c, "EX");
        ttl_s(c);
        break;
    case 1:
        args(c, "PX");
        ttl_ms(c);
        break;
    case 2:
        args(c, "EXAT");
        abs_s(c, allow_past);
        break;
    default:
        args(c, "PXAT");
        abs_ms(c, allow_past);
        break;
    }
}

static void g_set(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    val(c);
    unsigned k = rn(4);
    for (unsigned i = 0; i < k; i++) {
        unsigned r = rn(9);
        switch (r) {
        case 0: args(c, chance(80) ? "NX" : "nx"); break;
        case 1: args(c, "XX"); break;
        case 2: args(c, chance(80) ? "GET" : "get"); break;
        case 3:
        case 4:
        case 5:
        case 6: expiry_option(c, r - 3, 0); break;
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
        unsigned r = rn(6);
        switch (r) {
        case 0:
        case 1:
        case 2:
        case 3: expiry_option(c, r, 1); break;
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
static const lit big_offsets[] = {
    L("1000"), L("-1"), L("abc"), L("536870912"), L("9223372036854775807"), L("4294967296")
};

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
        case 2:
            args(c, "MINMATCHLEN");
            intarg(c);
            break;
        case 3: args(c, "WITHMATCHLEN"); break;
        default: args(c, chance(50) ? "idx" : "BAD"); break;
        }
    }
}

/* Bit offsets: bits within the first bytes, a few kB further, or errors.
 * Offsets near 2^32 are valid and would allocate 512 MB on both sides. */
static const lit bad_bitoffs[] = {
    L("8000"), L("-1"), L("abc"), L("4294967296"), L("1.5"), L(""), L("9223372036854775807")
};

static void bitoff(cmd *c)
{
    if (chance(85)) argf(c, "%lld", rrange(0, 80));
    else pick(c, bad_bitoffs, COUNT(bad_bitoffs));
}

static const lit bitvals[] = { L("0"), L("1"), L("2"), L("-1"), L("abc"), L("") };

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

static const lit units[] = { L("BYTE"), L("BIT"), L("bit"), L("BITS") };

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
    static const lit ops[] = {
        L("AND"), L("OR"), L("XOR"), L("NOT"), L("and"), L("not"), L("NAND")
    };
    name(c, n);
    pick(c, ops, COUNT(ops));
    key(c);
    unsigned k = 1 + (chance(60) ? 0 : rn(3));
    for (unsigned i = 0; i < k; i++) key(c);
}

static void bf_type(cmd *c)
{
    static const lit bad[] = { L("i0"), L("u0"), L("u64"), L("i65"), L("x8"),
                               L(""),   L("I8"), L("i"),   L("u-1") };
    if (chance(90)) {
        int sign = chance(50);
        argf(c, "%c%u", sign ? 'i' : 'u', sign ? 1 + rn(64) : 1 + rn(63));
    } else {
        pick(c, bad, COUNT(bad));
    }
}

static void bf_offset(cmd *c)
{
    static const lit bad[] = { L("-1"), L("abc"),  L("4294967296"), L("#-1"),
                               L("#"),  L("#abc"), L("1.5") };
    unsigned r = rn(100);
    if (r < 70) argf(c, "%lld", rrange(0, 100));
    else if (r < 90) argf(c, "#%u", rn(20));
    else pick(c, bad, COUNT(bad));
}

static void g_bitfield(cmd *c, const char *n)
{
    static const lit ovf[] = { L("WRAP"), L("SAT"), L("FAIL"), L("wrap"), L("BAD") };
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
        default: args(c, chance(50) ? "get" : "BOGUS"); break;
        }
    }
}

/* --- Lists, hashes, sets, sorted sets, streams ----------------------------- */

/* Known emulator bugs and differences are kept out of the stream unless
 * RL_DIFF_KNOWN_BUGS=1 (see tests/diff/README.md); each place says which. */
static int known_bugs;

/* Members, fields and list elements: a small alphabet so they collide, small
 * integers (intset material), and edge cases: "", NUL bytes, non-canonical
 * numbers, and a member longer than 64 bytes, which converts a listpack. */
static const lit edge_members[] = {
    L(""),
    L("a\0b"),
    L("-0"),
    L("+1"),
    L("007"),
    L("1.5"),
    L("9223372036854775807"),
    L("-9223372036854775808"),
    L("9223372036854775808"),
    L(" 1"),
    L("\xff"),
    L("inf"),
    L("nan"),
    L("A"),
    L("0"),
    L("-1"),
    L("1e3"),
    L("0x1"),
    L("aa"),
    L("ab"),
    L("b\0"),
    L("a member longer than sixty-four bytes, past the listpack value limit."),
};

static void member(cmd *c)
{
    unsigned r = rn(100);
    if (r < 42) {
        argf(c, "%c", 'a' + rn(7));
    } else if (r < 70) {
        argf(c, "%lld", rrange(-3, 12));
    } else if (r < 84) {
        pick(c, edge_members, COUNT(edge_members));
    } else if (r < 88) {
        val(c);
    } else {
        static const char alphabet[] = "ab1\0";
        char buf[8];
        size_t n = rn(5);
        for (size_t i = 0; i < n; i++) buf[i] = alphabet[rn(sizeof(alphabet) - 1)];
        arg(c, buf, n);
    }
}

static void members(cmd *c, unsigned max)
{
    unsigned k = 1 + rn(max);
    for (unsigned i = 0; i < k; i++) member(c);
}

/* Now and then a command adds hundreds of members, so collections cross
 * Redis's encoding limits (128 zset entries, 512 hash fields and intset
 * members) and the orders that depend on them are exercised. */
static unsigned bulk_count(void)
{
    return chance(1) ? 100 + rn(520) : 0;
}

/* Counts of elements to pop or return: mostly small, some errors. */
static const lit odd_counts[] = {
    L("abc"), L(""),  L("1.5"), L("-9223372036854775808"), L("9223372036854775808"),
    L(" 1"),  L("0"), L("100"), L("9223372036854775807"),  L("-1")
};

static void count_arg(cmd *c)
{
    if (chance(85)) argf(c, "%lld", rrange(-2, 10));
    else pick(c, odd_counts, COUNT(odd_counts));
}

/* SRANDMEMBER, HRANDFIELD, ZRANDMEMBER counts. A valid huge negative count
 * asks for that many replies, so huge values are only the rejected ones
 * (-2^62 is rejected only with WITHVALUES, which a mutation could drop;
 * +2^62 is rejected then too, and asks for the whole collection without). */
static const lit odd_rand_counts[] = {
    L("abc"),
    L(""),
    L("1.5"),
    L("-9223372036854775808"),
    L("9223372036854775808"),
    L("4611686018427387904"),
    L("9223372036854775807"),
    L("0"),
    L("1000"),
    L("-1000"),
};

static void rand_count(cmd *c)
{
    if (chance(88)) argf(c, "%lld", rrange(-15, 15));
    else pick(c, odd_rand_counts, COUNT(odd_rand_counts));
}

/* Blocking timeouts. Redis blocks on empty keys, so the runner sends these
 * to Redis with a short timeout in place of a long one (see run_blocking);
 * the invalid ones were all checked to be refused by redis-server 7.0.15
 * before it would block. */
static const lit long_timeouts[] = { L("0"), L("1"), L("5"), L("0.5"), L("100") };
static const lit short_timeouts[] = { L("0.01"), L("0.005"), L("1e-2") };
static const lit bad_timeouts[] = { L("-1"),    L("abc"), L(""),      L("inf"),
                                    L("1e400"), L("nan"), L("-0.01"), L("9223372036854775807") };

static void timeout_s(cmd *c)
{
    unsigned r = rn(100);
    if (r < 60) pick(c, long_timeouts, COUNT(long_timeouts));
    else if (r < 75) pick(c, short_timeouts, COUNT(short_timeouts));
    else pick(c, bad_timeouts, COUNT(bad_timeouts));
}

static const lit long_block_ms[] = { L("0"), L("1000"), L("100000") };
static const lit short_block_ms[] = { L("1"), L("5") };
static const lit bad_block_ms[] = { L("-1"), L("abc"), L(""), L("1.5") };

static void timeout_ms(cmd *c)
{
    unsigned r = rn(100);
    if (r < 60) pick(c, long_block_ms, COUNT(long_block_ms));
    else if (r < 75) pick(c, short_block_ms, COUNT(short_block_ms));
    else pick(c, bad_block_ms, COUNT(bad_block_ms));
}

/* numkeys followed by that many keys, sometimes a wrong numkeys. */
static void numkeys(cmd *c, unsigned max)
{
    static const lit bad[] = { L("0"),         L("-1"), L("abc"), L(""), L("9223372036854775807"),
                               L("2147483648") };
    unsigned k = 1 + rn(max);
    if (chance(92)) argf(c, "%u", k);
    else if (chance(50)) argf(c, "%u", k + 1 + rn(2));
    else pick(c, bad, COUNT(bad));
    for (unsigned i = 0; i < k; i++) key(c);
}

static void side(cmd *c, const char *a, const char *b)
{
    unsigned r = rn(100);
    if (r < 45) args(c, a);
    else if (r < 90) args(c, b);
    else if (r < 95) args(c, r & 1 ? "left" : "min");
    else args(c, "MIDDLE");
}

/* Lists. */

static void g_push(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    unsigned b = bulk_count();
    for (unsigned i = 0; i < b; i++) argf(c, "e%u", rn(40));
    if (!b) members(c, 4);
}

static void g_key_count(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    if (chance(60)) count_arg(c);
}

static void g_key_idx(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    idx(c);
}

static void g_linsert(cmd *c, const char *n)
{
    static const lit where[] = { L("BEFORE"), L("AFTER"), L("before"), L("after"), L("MIDDLE") };
    name(c, n);
    key(c);
    pick(c, where, COUNT(where));
    member(c);
    member(c);
}

static void g_lset(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    idx(c);
    member(c);
}

static void g_lrem(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    if (chance(85)) argf(c, "%lld", rrange(-3, 3));
    else intarg(c);
    member(c);
}

static void g_lpos(cmd *c, const char *n)
{
    static const lit bad[] = {
        L("0"), L("abc"), L("-9223372036854775808"), L("9223372036854775807"), L("-1"), L("")
    };
    name(c, n);
    key(c);
    member(c);
    unsigned k = rn(4);
    for (unsigned i = 0; i < k; i++) {
        switch (rn(7)) {
        case 0:
        case 1:
            args(c, "RANK");
            if (chance(90)) argf(c, "%s%u", chance(50) ? "-" : "", 1 + rn(3));
            else pick(c, bad, COUNT(bad));
            break;
        case 2:
        case 3:
            args(c, "COUNT");
            if (chance(90)) argf(c, "%u", rn(4));
            else pick(c, bad + 1, COUNT(bad) - 1);
            break;
        case 4:
        case 5:
            args(c, "MAXLEN");
            if (chance(90)) argf(c, "%u", rn(8));
            else pick(c, bad + 1, COUNT(bad) - 1);
            break;
        default: args(c, chance(50) ? "rank" : "BOGUS"); break;
        }
    }
}

static void g_lmove(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    key(c);
    side(c, "LEFT", "RIGHT");
    side(c, "LEFT", "RIGHT");
}

static void opt_count(cmd *c, unsigned pct)
{
    if (chance(pct)) {
        args(c, chance(95) ? "COUNT" : "count");
        count_arg(c);
    }
}

static void g_lmpop(cmd *c, const char *n)
{
    name(c, n);
    numkeys(c, 3);
    side(c, "LEFT", "RIGHT");
    opt_count(c, 50);
}

static void g_bpop(cmd *c, const char *n)
{
    name(c, n);
    unsigned k = 1 + rn(3);
    for (unsigned i = 0; i < k; i++) key(c);
    timeout_s(c);
    c->block = 1;
}

static void g_blmove(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    key(c);
    side(c, "LEFT", "RIGHT");
    side(c, "LEFT", "RIGHT");
    timeout_s(c);
    c->block = 1;
}

static void g_brpoplpush(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    key(c);
    timeout_s(c);
    c->block = 1;
}

static void g_blmpop(cmd *c, const char *n)
{
    name(c, n);
    timeout_s(c);
    numkeys(c, 3);
    if (!strcmp(n, "BLMPOP")) side(c, "LEFT", "RIGHT");
    else side(c, "MIN", "MAX");
    opt_count(c, 50);
    c->block = 1;
}

/* Hashes. */

static void g_hset(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    unsigned b = bulk_count();
    for (unsigned i = 0; i < b; i++) {
        argf(c, "f%u", i);
        argf(c, "%u", rn(1000));
    }
    if (b) return;
    unsigned k = 1 + rn(3);
    for (unsigned i = 0; i < k; i++) {
        member(c);
        val(c);
    }
}

static void g_hsetnx(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    member(c);
    val(c);
}

static void g_key_member(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    member(c);
}

static void g_key_members(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    members(c, 4);
}

static void g_hincrby(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    member(c);
    intarg(c);
}

static void g_hincrbyfloat(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    member(c);
    floatarg(c);
}

static void g_randfield(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    if (chance(75)) {
        rand_count(c);
        if (chance(40)) {
            if (!strcmp(n, "HRANDFIELD")) args(c, chance(90) ? "WITHVALUES" : "withscores");
            else if (!strcmp(n, "ZRANDMEMBER")) args(c, chance(90) ? "WITHSCORES" : "withvalues");
            else args(c, "BOGUS");
        }
    }
}

static const lit member_patterns[] = { L("*"), L("a*"),    L("?"),  L("[a-c]"), L("1*"), L("*\0*"),
                                       L(""),  L("[^a]*"), L("*b"), L("f1*"),   L("\\a") };

static void g_kscan(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    if (chance(95)) args(c, "0");
    else pick(c, bad_cursors, COUNT(bad_cursors));
    unsigned k = rn(3);
    for (unsigned i = 0; i < k; i++) {
        switch (rn(3)) {
        case 0:
            args(c, "MATCH");
            pick(c, member_patterns, COUNT(member_patterns));
            break;
        case 1:
            args(c, "COUNT");
            pick(c, scan_counts, COUNT(scan_counts));
            break;
        default: args(c, chance(50) ? "match" : "TYPE"); break;
        }
    }
}

/* Sets. */

static void g_sadd(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    unsigned b = bulk_count();
    int ints = chance(70);
    unsigned base = rn(300);
    for (unsigned i = 0; i < b; i++) {
        if (ints) argf(c, "%u", base + i);
        else argf(c, "m%u", i);
    }
    if (!b) members(c, 4);
}

static void g_spop(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    if (chance(60)) {
        static const lit odd[] = { L("abc"), L("-1"),  L("9223372036854775807"),
                                   L(""),    L("1.5"), L("-9223372036854775808") };
        if (chance(85)) argf(c, "%u", rn(9));
        else pick(c, odd, COUNT(odd));
    }
}

static void g_smove(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    key(c);
    member(c);
}

static void g_store(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    unsigned k = 1 + rn(3);
    for (unsigned i = 0; i < k; i++) key(c);
}

static void opt_limit1(cmd *c)
{
    static const lit odd[] = { L("-1"), L("abc"), L(""), L("9223372036854775807"), L("0") };
    if (chance(40)) {
        args(c, chance(95) ? "LIMIT" : "limit");
        if (chance(80)) argf(c, "%u", rn(5));
        else pick(c, odd, COUNT(odd));
    }
}

static void g_intercard(cmd *c, const char *n)
{
    name(c, n);
    numkeys(c, 3);
    opt_limit1(c);
}

/* Sorted sets. */

static const lit edge_scores[] = {
    L("inf"),
    L("-inf"),
    L("+inf"),
    L("nan"),
    L("1e400"),
    L("-1e400"),
    L("(1"),
    L("0"),
    L("-0"),
    L("1.5"),
    L("-2.5"),
    L("1e-320"),
    L("5e-324"),
    L("1.7976931348623157e308"),
    L("9007199254740993"),
    L("abc"),
    L(""),
    L(" 1"),
    L("1 "),
    L("3.0"),
    L("0x10"),
    L("1e2"),
    L(".5"),
    L("5."),
    L("-.5"),
    L("1e"),
    L("INF"),
    L("-Infinity"),
    L("1\0"),
};

/* Known difference (RL_DIFF_KNOWN_BUGS): SORT converts a listpack sorted
 * set, re-reading its scores with strtod, and a subnormal score leaves
 * errno at ERANGE, so Redis's numeric SORT of it then fails; the emulator
 * does not reproduce that. Without the flag no score is subnormal. */
static void score(cmd *c)
{
    unsigned r = rn(100);
    if (r < 75) {
        argf(c, "%lld", rrange(-4, 6));
    } else if (r < 91) {
        argf(c, "%lld.%u", rrange(-3, 3), rn(10));
    } else {
        const lit *l = &edge_scores[rn(COUNT(edge_scores))];
        if (!known_bugs && (!strcmp(l->p, "1e-320") || !strcmp(l->p, "5e-324"))) args(c, "1e-300");
        else arg(c, l->p, l->n);
    }
}

static const lit edge_sbounds[] = {
    L("-inf"), L("+inf"), L("inf"), L("(-inf"), L("(+inf"), L("("), L("(("),
    L("(1"),   L("((1"),  L("abc"), L("nan"),   L("(nan"),  L(""),  L("1e400"),
    L("(1.5"), L("-0"),   L("[1"),  L("-inf"),  L("+inf"),
};

static void sbound(cmd *c)
{
    if (chance(65)) argf(c, "%s%lld", chance(30) ? "(" : "", rrange(-5, 7));
    else pick(c, edge_sbounds, COUNT(edge_sbounds));
}

static const lit edge_lbounds[] = { L("-"),   L("+"),     L("["),   L("("),    L("a"),  L(""),
                                    L("[\0"), L("(\xff"), L("[aa"), L("-inf"), L("[-"), L("(+"),
                                    L("-"),   L("+"),     L("[1"),  L("(5") };

static void lbound(cmd *c)
{
    if (chance(70)) argf(c, "%c%c", chance(50) ? '[' : '(', 'a' + rn(8));
    else pick(c, edge_lbounds, COUNT(edge_lbounds));
}

static void g_zadd(cmd *c, const char *n)
{
    static const lit opts[] = { L("NX"),   L("XX"), L("GT"), L("LT"),   L("CH"),
                                L("INCR"), L("nx"), L("ch"), L("BOGUS") };
    name(c, n);
    key(c);
    flags(c, opts, COUNT(opts) - (chance(95) ? 1 : 0), chance(50) ? 0 : 3);
    unsigned b = bulk_count() / 3;
    for (unsigned i = 0; i < b; i++) {
        argf(c, "%u", rn(50));
        argf(c, "z%u", i);
    }
    if (b) return;
    unsigned k = 1 + rn(4);
    for (unsigned i = 0; i < k; i++) {
        score(c);
        member(c);
    }
}

static void g_zincrby(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    score(c);
    member(c);
}

static void g_zrank(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    member(c);
    if (chance(5)) args(c, "WITHSCORE"); /* 7.2 syntax: an error in 7.0 */
}

static void g_key_sbounds(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    sbound(c);
    sbound(c);
}

static void g_key_lbounds(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    lbound(c);
    lbound(c);
}

static void opt_limit2(cmd *c)
{
    args(c, chance(95) ? "LIMIT" : "limit");
    if (chance(85)) argf(c, "%lld", rrange(-1, 5));
    else intarg(c);
    if (chance(85)) argf(c, "%lld", rrange(-2, 6));
    else intarg(c);
}

/* ZRANGE and ZRANGESTORE: a mode (rank, BYSCORE, BYLEX) with its bounds,
 * REV, LIMIT and WITHSCORES in random order; one in ten is a wrong
 * combination (another mode's bounds, LIMIT by rank, WITHSCORES by lex or
 * in ZRANGESTORE, a repeated or unknown option). */
static void zrange_tail(cmd *c, int store)
{
    unsigned mode = rn(3), bounds = chance(95) ? mode : rn(3);
    int wrong = chance(10);
    for (int i = 0; i < 2; i++) {
        if (bounds == 0) idx(c);
        else if (bounds == 1) sbound(c);
        else lbound(c);
    }
    /* The options, then shuffled. */
    const char *opt[4];
    unsigned n = 0;
    if (mode == 1 && (!wrong || chance(50))) opt[n++] = chance(95) ? "BYSCORE" : "byscore";
    if (mode == 2 && (!wrong || chance(50))) opt[n++] = chance(95) ? "BYLEX" : "bylex";
    if (chance(40)) opt[n++] = chance(95) ? "REV" : "rev";
    if (chance(35) && (mode || wrong)) opt[n++] = "LIMIT";
    if (chance(40) && ((mode != 2 && !store) || wrong)) opt[n++] = "WITHSCORES";
    for (unsigned i = n; i > 1; i--) {
        unsigned j = rn(i);
        const char *t = opt[i - 1];
        opt[i - 1] = opt[j];
        opt[j] = t;
    }
    for (unsigned i = 0; i < n; i++) {
        if (!strcmp(opt[i], "LIMIT")) opt_limit2(c);
        else args(c, opt[i]);
    }
    if (wrong && chance(30)) args(c, chance(50) ? "BOGUS" : "REV");
}

static void g_zrange(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    zrange_tail(c, 0);
}

static void g_zrangestore(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    key(c);
    zrange_tail(c, 1);
}

static void g_zrevrange(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    idx(c);
    idx(c);
    if (chance(40)) args(c, chance(90) ? "WITHSCORES" : "LIMIT");
}

static void g_zrangebyscore(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    int lex = strstr(n, "LEX") != NULL;
    for (int i = 0; i < 2; i++) {
        if (lex) lbound(c);
        else sbound(c);
    }
    unsigned k = rn(3);
    for (unsigned i = 0; i < k; i++) {
        if (chance(50)) opt_limit2(c);
        else if (!lex || chance(10)) args(c, chance(95) ? "WITHSCORES" : "BOGUS");
    }
}

static void g_zmpop(cmd *c, const char *n)
{
    name(c, n);
    numkeys(c, 3);
    side(c, "MIN", "MAX");
    opt_count(c, 50);
}

static const lit weights[] = { L("1"),   L("2"),    L("0"),   L("-1"),  L("1.5"),
                               L("inf"), L("-inf"), L("nan"), L("abc"), L("1e400") };

/* ZUNION/ZINTER/ZDIFF and their STORE forms: numkeys, keys, WEIGHTS,
 * AGGREGATE and WITHSCORES, in any order. */
static void g_zsetop(cmd *c, const char *n)
{
    static const lit aggs[] = { L("SUM"), L("MIN"), L("MAX"), L("sum"), L("AVG") };
    int store = strstr(n, "STORE") != NULL;
    name(c, n);
    if (store) key(c);
    unsigned k = 1 + rn(3);
    if (chance(93)) argf(c, "%u", k);
    else intarg(c);
    for (unsigned i = 0; i < k; i++) key(c);
    unsigned o = rn(3);
    for (unsigned i = 0; i < o; i++) {
        switch (rn(4)) {
        case 0: {
            args(c, "WEIGHTS");
            unsigned w = chance(90) ? k : rn(k + 2);
            for (unsigned j = 0; j < w; j++) {
                if (chance(70)) argf(c, "%lld", rrange(-2, 3));
                else pick(c, weights, COUNT(weights));
            }
            break;
        }
        case 1:
            args(c, "AGGREGATE");
            pick(c, aggs, COUNT(aggs));
            break;
        case 2: args(c, store && chance(80) ? "AGGREGATE" : "WITHSCORES"); break;
        default: args(c, chance(50) ? "withscores" : "BOGUS"); break;
        }
    }
}

/* Streams. IDs are explicit, never "*": auto IDs come from each side's own
 * clock. xms is the newest millisecond part handed out so far, so most
 * XADDs land after the stream's last entry and most reads hit entries. */
static unsigned long long xms = 1;

static const lit edge_xids[] = {
    L("0-0"),
    L("0"),
    L("0-1"),
    L("abc"),
    L("-1"),
    L("1-"),
    L("-"),
    L("+"),
    L(""),
    L("1-2-3"),
    L("18446744073709551616"),
    L("1-18446744073709551616"),
    L("$"),
    L(">"),
    L("(0-0"),
    L("(18446744073709551615-18446744073709551615"),
    L("18446744073709551615"),
};

/* Known emulator bugs: here, XSETID that moves a stream's last ID back
 * below a deleted entry, after which XRANGE misses later entries. To keep
 * that out, XSETID only moves forward and XADD never goes past xms + 2. */
/* The command selection, for the replay line of a mismatch. */
static const char *sel_focus, *sel_only, *sel_exclude;

static unsigned long long xback(unsigned n)
{
    unsigned long long d = rn(n);
    return d > xms ? 0 : xms - d;
}

static void xid_new(cmd *c)
{
    unsigned r = rn(100);
    if (r < 55) {
        xms += rn(3);
        argf(c, "%llu-%u", xms, rn(3));
    } else if (r < 65) {
        argf(c, "%llu", xms + rn(2));
    } else if (r < 75) {
        argf(c, "%llu-*", xms + rn(2));
    } else if (r < 90) {
        argf(c, "%llu-%u", xback(6), rn(3));
    } else if (r < 99) {
        const lit *l = &edge_xids[rn(COUNT(edge_xids))];
        arg(c, l->p, l->n);
    } else if (chance(50)) {
        args(c, "18446744073709551615-18446744073709551615");
    } else {
        argf(c, "%llu-%u", xms + 2, rn(3));
    }
}

static void xid_read(cmd *c)
{
    unsigned r = rn(100);
    if (r < 55) argf(c, "%llu-%u", xback(10), rn(3));
    else if (r < 65) argf(c, "%llu", xback(10));
    else if (r < 75) argf(c, "(%llu-%u", xback(10), rn(3));
    else pick(c, edge_xids, COUNT(edge_xids));
}

static void xtrim_args(cmd *c)
{
    static const lit odd[] = { L("-1"), L("abc"), L(""), L("9223372036854775807") };
    int minid = chance(40);
    args(c, minid ? "MINID" : chance(95) ? "MAXLEN" : "maxlen");
    if (chance(50)) args(c, chance(50) ? "=" : "~");
    if (minid) xid_read(c);
    else if (chance(90)) argf(c, "%u", rn(12));
    else pick(c, odd, COUNT(odd));
    if (chance(15)) {
        args(c, "LIMIT");
        if (chance(85)) argf(c, "%u", rn(200));
        else pick(c, odd, COUNT(odd));
    }
}

static void xfields(cmd *c)
{
    unsigned k = 1 + (chance(80) ? 0 : rn(3));
    for (unsigned i = 0; i < k; i++) {
        member(c);
        val(c);
    }
}

static void g_xadd(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    if (chance(10)) args(c, "NOMKSTREAM");
    if (chance(20)) xtrim_args(c);
    xid_new(c);
    xfields(c);
}

static void g_xrange(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    int rev = !strcmp(n, "XREVRANGE");
    if (chance(30)) args(c, rev ? "+" : "-");
    else xid_read(c);
    if (chance(30)) args(c, rev ? "-" : "+");
    else xid_read(c);
    if (chance(40)) {
        args(c, "COUNT");
        count_arg(c);
    }
}

static void g_xdel(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    unsigned k = 1 + rn(3);
    for (unsigned i = 0; i < k; i++) xid_read(c);
}

static void g_xtrim(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    xtrim_args(c);
}

static const lit groups[] = { L("g1"), L("g2"), L("g1"), L("g2"), L(""), L("G1") };
static const lit consumers[] = { L("c1"), L("c2"), L("c3"), L("c1"), L("") };

static void group(cmd *c)
{
    pick(c, groups, COUNT(groups));
}

static void consumer(cmd *c)
{
    pick(c, consumers, COUNT(consumers));
}

/* STREAMS key... id...: the ids are "$"/">" or IDs, one per key mostly. */
static void xstreams(cmd *c, int grp)
{
    args(c, chance(97) ? "STREAMS" : "streams");
    unsigned k = 1 + (chance(70) ? 0 : rn(2));
    for (unsigned i = 0; i < k; i++) key(c);
    unsigned ids = chance(93) ? k : rn(k + 2);
    for (unsigned i = 0; i < ids; i++) {
        unsigned r = rn(100);
        if (grp && r < 60) args(c, ">");
        else if (r < 20) args(c, "$");
        else if (r < 35) args(c, "0");
        else xid_read(c);
    }
}

static void g_xread(cmd *c, const char *n)
{
    name(c, n);
    int grp = !strcmp(n, "XREADGROUP");
    if (grp) {
        args(c, chance(97) ? "GROUP" : "group");
        group(c);
        consumer(c);
    }
    unsigned k = rn(3);
    for (unsigned i = 0; i < k; i++) {
        switch (rn(grp ? 4 : 3)) {
        case 0:
            args(c, "COUNT");
            count_arg(c);
            break;
        case 1:
            args(c, "BLOCK");
            timeout_ms(c);
            c->block = 1;
            break;
        case 2:
            if (chance(20)) args(c, "BOGUS");
            break;
        default: args(c, "NOACK"); break;
        }
    }
    xstreams(c, grp);
}

static void g_xgroup(cmd *c, const char *n)
{
    static const lit odd_ids[] = { L("$"), L("0"), L("0-0"), L("$"), L("abc") };
    static const lit reads[] = { L("0"), L("1"), L("3"), L("-1"), L("abc"), L("100") };
    name(c, n);
    switch (rn(12)) {
    case 0:
    case 1:
    case 2:
    case 3:
        args(c, chance(95) ? "CREATE" : "create");
        key(c);
        group(c);
        if (chance(60)) pick(c, odd_ids, COUNT(odd_ids));
        else xid_read(c);
        if (chance(50)) args(c, "MKSTREAM");
        if (chance(20)) {
            args(c, "ENTRIESREAD");
            pick(c, reads, COUNT(reads));
        }
        break;
    case 4:
    case 5:
        args(c, "SETID");
        key(c);
        group(c);
        if (chance(40)) pick(c, odd_ids, COUNT(odd_ids));
        else xid_read(c);
        if (chance(20)) {
            args(c, "ENTRIESREAD");
            pick(c, reads, COUNT(reads));
        }
        break;
    case 6:
        args(c, "DESTROY");
        key(c);
        group(c);
        break;
    case 7:
    case 8:
        args(c, "CREATECONSUMER");
        key(c);
        group(c);
        consumer(c);
        break;
    case 9:
        args(c, "DELCONSUMER");
        key(c);
        group(c);
        consumer(c);
        break;
    case 10: args(c, chance(50) ? "HELP" : "help"); break;
    default:
        args(c, "BOGUS");
        key(c);
        break;
    }
}

static void g_xack(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    group(c);
    unsigned k = 1 + rn(3);
    for (unsigned i = 0; i < k; i++) xid_read(c);
}

/* Idle thresholds: 0 claims everything delivered, 10^13 ms nothing (no
 * entry is that old, even one given TIME in 2001); never a value near a
 * real idle time, which would make the outcome depend on timing. */
static const lit min_idles[] = { L("0"), L("0"), L("0"), L("10000000000000"), L("-1"), L("abc") };

static void g_xpending(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    group(c);
    if (chance(35)) return;
    if (chance(25)) {
        args(c, "IDLE");
        pick(c, min_idles, COUNT(min_idles));
    }
    xid_read(c);
    xid_read(c);
    count_arg(c);
    if (chance(40)) consumer(c);
}

static void g_xclaim(cmd *c, const char *n)
{
    static const lit odd[] = { L("-1"), L("abc"), L("") };
    name(c, n);
    key(c);
    group(c);
    consumer(c);
    pick(c, min_idles, COUNT(min_idles));
    unsigned k = 1 + rn(3);
    for (unsigned i = 0; i < k; i++) xid_read(c);
    unsigned o = rn(4);
    for (unsigned i = 0; i < o; i++) {
        switch (rn(7)) {
        case 0:
            args(c, "IDLE");
            if (chance(45)) argf(c, "%lld", rrange(0, 100000));
            else if (chance(80)) argf(c, "%lld", rrange(1000000000LL, 2000000000LL));
            else pick(c, odd, COUNT(odd));
            break;
        case 1:
            args(c, "TIME");
            if (chance(45)) argf(c, "%lld", rrange(1000000000000LL, 1100000000000LL));
            else if (chance(80)) argf(c, "%lld", rrange(4000000000000LL, 4100000000000LL));
            else pick(c, odd, COUNT(odd));
            break;
        case 2:
            args(c, "RETRYCOUNT");
            if (chance(85)) argf(c, "%u", rn(10));
            else pick(c, odd, COUNT(odd));
            break;
        case 3: args(c, "FORCE"); break;
        case 4: args(c, "JUSTID"); break;
        case 5:
            args(c, "LASTID");
            xid_read(c);
            break;
        default: args(c, chance(50) ? "force" : "BOGUS"); break;
        }
    }
}

static void g_xautoclaim(cmd *c, const char *n)
{
    static const lit counts[] = { L("1"), L("2"),  L("5"),   L("100"),
                                  L("0"), L("-1"), L("abc"), L("9223372036854775807") };
    name(c, n);
    key(c);
    group(c);
    consumer(c);
    pick(c, min_idles, COUNT(min_idles));
    if (chance(30)) args(c, chance(50) ? "0" : "-");
    else xid_read(c);
    if (chance(40)) {
        args(c, "COUNT");
        pick(c, counts, COUNT(counts));
    }
    if (chance(30)) args(c, "JUSTID");
}

static void g_xinfo(cmd *c, const char *n)
{
    name(c, n);
    switch (rn(10)) {
    case 0:
    case 1:
    case 2:
        args(c, "STREAM");
        key(c);
        if (chance(40)) {
            args(c, "FULL");
            if (chance(40)) {
                args(c, "COUNT");
                count_arg(c);
            }
        }
        break;
    case 3:
    case 4:
    case 5:
        args(c, "GROUPS");
        key(c);
        break;
    case 6:
    case 7:
    case 8:
        args(c, "CONSUMERS");
        key(c);
        group(c);
        break;
    default: args(c, chance(50) ? "HELP" : "BOGUS"); break;
    }
}

static void g_xsetid(cmd *c, const char *n)
{
    name(c, n);
    key(c);
    if (chance(80)) {
        xms += 2 + rn(3);
        argf(c, "%llu-%u", xms, rn(3));
    } else {
        xid_read(c);
    }
    if (chance(30)) {
        args(c, "ENTRIESADDED");
        if (chance(80)) argf(c, "%u", rn(30));
        else intarg(c);
    }
    if (chance(30)) {
        args(c, "MAXDELETEDID");
        xid_read(c);
    }
}

/* SORT and SORT_RO over the shared keys: elements such as "1" or "a" make
 * the patterns "k*" and "k*->a" name real keys (k1, a string or a hash). */
static void g_sort(cmd *c, const char *n)
{
    static const lit bys[] = { L("nosort"), L("k*"),    L("k*->a"), L("w_*"),  L("*"),
                               L("k*->"),   L("nokey"), L("k*->b"), L("h*->a") };
    static const lit gets[] = { L("#"),     L("k*"),   L("k*->a"), L("*"), L("w_*"),
                                L("h*->b"), L("k*->"), L("#"),     L("") };
    int ro = !strcmp(n, "SORT_RO");
    name(c, n);
    key(c);
    unsigned k = rn(5);
    for (unsigned i = 0; i < k; i++) {
        switch (rn(8)) {
        case 0:
            args(c, chance(95) ? "BY" : "by");
            pick(c, bys, COUNT(bys));
            break;
        case 1: opt_limit2(c); break;
        case 2:
        case 3:
            args(c, "GET");
            pick(c, gets, COUNT(gets));
            break;
        case 4: args(c, chance(50) ? "ASC" : "DESC"); break;
        case 5: args(c, chance(95) ? "ALPHA" : "alpha"); break;
        case 6:
            if (!ro || chance(10)) {
                args(c, "STORE");
                key(c);
            }
            break;
        default: args(c, chance(50) ? "BOGUS" : "LIMIT"); break;
        }
    }
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
    CMP_SETORD,  /* SMEMBERS SINTER SUNION SDIFF: exact where Redis's order is fixed */
    CMP_HASHORD, /* HGETALL HKEYS HVALS: exact for a listpack, else unordered */
    CMP_RAND,    /* HRANDFIELD SRANDMEMBER ZRANDMEMBER: by properties */
    CMP_KSCAN,   /* HSCAN SSCAN ZSCAN: one page or full iterations */
    CMP_SPOP,    /* random pops: by properties, then resynchronised */
    CMP_BLOCK,   /* blocking commands (run_blocking) */
    CMP_XTIME,   /* stream replies with idle and delivery times */
    CMP_SORTCMD, /* SORT: unordered where Redis walks a hashtable set */
};

/* Spec flags. */
enum {
    F_NOJUNK = 1,   /* no junk argument inserted: it could be a time threshold */
    F_NORENAME = 2, /* never the target of the name mutation */
};

typedef struct spec {
    const char *name;
    unsigned weight;
    gen_fn *gen;
    int cmp;
    int aux; /* 1: only if the emulator has it; 2: it has not */
    int enabled;
    unsigned long compared, mismatched;
    const char *group; /* for --focus and the per-type counts */
    unsigned flags;
} spec;

/* A row for the types added since the emulator grew them: generated only
 * when the emulator knows the command (probed at start). */
#define ROW(n, w, g, cmp, grp, fl)        \
    {                                     \
        n, w, g, cmp, 1, 0, 0, 0, grp, fl \
    }

static spec specs[] = {
    /* keys and server */
    { "DEL", 4, g_keys_n, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "UNLINK", 2, g_keys_n, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "EXISTS", 4, g_keys_n, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "TYPE", 4, g_key, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "RENAME", 3, g_key_key, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "RENAMENX", 3, g_key_key, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "COPY", 3, g_copy, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "MOVE", 3, g_move, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "KEYS", 3, g_pattern, CMP_SORTED, 0, 0, 0, 0, "keys", 0 },
    { "SCAN", 2, g_scan, CMP_SCAN, 0, 0, 0, 0, "keys", 0 },
    { "RANDOMKEY", 2, g_noargs, CMP_RANDOM, 0, 0, 0, 0, "keys", 0 },
    { "DBSIZE", 3, g_noargs, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "FLUSHDB", 1, g_flushdb, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "TOUCH", 2, g_keys_n, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "EXPIRE", 4, g_expire, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "PEXPIRE", 4, g_pexpire, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "EXPIREAT", 4, g_expireat, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "PEXPIREAT", 4, g_pexpireat, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "EXPIRETIME", 3, g_key, CMP_TTL_S, 0, 0, 0, 0, "keys", 0 },
    { "PEXPIRETIME", 3, g_key, CMP_TTL_MS, 0, 0, 0, 0, "keys", 0 },
    { "TTL", 4, g_key, CMP_TTL_S, 0, 0, 0, 0, "keys", 0 },
    { "PTTL", 4, g_key, CMP_TTL_MS, 0, 0, 0, 0, "keys", 0 },
    { "PERSIST", 3, g_key, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "SELECT", 2, g_select, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "SWAPDB", 1, g_swapdb, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "PING", 1, g_ping, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    { "ECHO", 1, g_echo, CMP_EXACT, 0, 0, 0, 0, "keys", 0 },
    /* strings */
    { "GET", 6, g_key, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "SET", 10, g_set, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "SETNX", 3, g_key_val, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "SETEX", 3, g_setex, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "PSETEX", 3, g_psetex, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "GETSET", 3, g_key_val, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "GETDEL", 3, g_key, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "GETEX", 4, g_getex, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "MGET", 3, g_keys_n, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "MSET", 3, g_mset, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "MSETNX", 3, g_mset, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "APPEND", 4, g_key_val, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "STRLEN", 3, g_key, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "GETRANGE", 4, g_range, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "SUBSTR", 2, g_range, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "SETRANGE", 4, g_setrange, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "INCR", 4, g_key, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "DECR", 3, g_key, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "INCRBY", 4, g_incrby, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "DECRBY", 3, g_incrby, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "INCRBYFLOAT", 5, g_incrbyfloat, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    { "LCS", 3, g_lcs, CMP_EXACT, 0, 0, 0, 0, "strings", 0 },
    /* bitmaps */
    { "SETBIT", 5, g_setbit, CMP_EXACT, 0, 0, 0, 0, "bitmaps", 0 },
    { "GETBIT", 4, g_getbit, CMP_EXACT, 0, 0, 0, 0, "bitmaps", 0 },
    { "BITCOUNT", 4, g_bitcount, CMP_EXACT, 0, 0, 0, 0, "bitmaps", 0 },
    { "BITPOS", 4, g_bitpos, CMP_EXACT, 0, 0, 0, 0, "bitmaps", 0 },
    { "BITOP", 3, g_bitop, CMP_EXACT, 0, 0, 0, 0, "bitmaps", 0 },
    { "BITFIELD", 5, g_bitfield, CMP_EXACT, 0, 0, 0, 0, "bitmaps", 0 },
    { "BITFIELD_RO", 3, g_bitfield, CMP_EXACT, 0, 0, 0, 0, "bitmaps", 0 },
    /* not generated: the periodic whole-keyspace comparison (see
     * state_check), counted here */
    { "(state)", 0, g_noargs, CMP_EXACT, 0, 0, 0, 0, "-", 0 },
    /* lists */
    ROW("LPUSH", 6, g_push, CMP_EXACT, "lists", 0),
    ROW("RPUSH", 6, g_push, CMP_EXACT, "lists", 0),
    ROW("LPUSHX", 2, g_push, CMP_EXACT, "lists", 0),
    ROW("RPUSHX", 2, g_push, CMP_EXACT, "lists", 0),
    ROW("LPOP", 4, g_key_count, CMP_EXACT, "lists", 0),
    ROW("RPOP", 4, g_key_count, CMP_EXACT, "lists", 0),
    ROW("LLEN", 2, g_key, CMP_EXACT, "lists", 0),
    ROW("LINDEX", 3, g_key_idx, CMP_EXACT, "lists", 0),
    ROW("LINSERT", 3, g_linsert, CMP_EXACT, "lists", 0),
    ROW("LSET", 3, g_lset, CMP_EXACT, "lists", 0),
    ROW("LRANGE", 5, g_range, CMP_EXACT, "lists", 0),
    ROW("LTRIM", 2, g_range, CMP_EXACT, "lists", 0),
    ROW("LREM", 3, g_lrem, CMP_EXACT, "lists", 0),
    ROW("LPOS", 4, g_lpos, CMP_EXACT, "lists", 0),
    ROW("LMOVE", 3, g_lmove, CMP_EXACT, "lists", 0),
    ROW("RPOPLPUSH", 2, g_key_key, CMP_EXACT, "lists", 0),
    ROW("LMPOP", 3, g_lmpop, CMP_EXACT, "lists", 0),
    ROW("BLPOP", 2, g_bpop, CMP_BLOCK, "lists", 0),
    ROW("BRPOP", 2, g_bpop, CMP_BLOCK, "lists", 0),
    ROW("BLMOVE", 2, g_blmove, CMP_BLOCK, "lists", 0),
    ROW("BRPOPLPUSH", 1, g_brpoplpush, CMP_BLOCK, "lists", 0),
    ROW("BLMPOP", 2, g_blmpop, CMP_BLOCK, "lists", 0),
    /* hashes */
    ROW("HSET", 8, g_hset, CMP_EXACT, "hashes", 0),
    ROW("HMSET", 2, g_hset, CMP_EXACT, "hashes", 0),
    ROW("HSETNX", 3, g_hsetnx, CMP_EXACT, "hashes", 0),
    ROW("HGET", 5, g_key_member, CMP_EXACT, "hashes", 0),
    ROW("HMGET", 3, g_key_members, CMP_EXACT, "hashes", 0),
    ROW("HDEL", 4, g_key_members, CMP_EXACT, "hashes", 0),
    ROW("HEXISTS", 3, g_key_member, CMP_EXACT, "hashes", 0),
    ROW("HLEN", 2, g_key, CMP_EXACT, "hashes", 0),
    ROW("HSTRLEN", 2, g_key_member, CMP_EXACT, "hashes", 0),
    ROW("HKEYS", 2, g_key, CMP_HASHORD, "hashes", 0),
    ROW("HVALS", 2, g_key, CMP_HASHORD, "hashes", 0),
    ROW("HGETALL", 3, g_key, CMP_HASHORD, "hashes", 0),
    ROW("HINCRBY", 3, g_hincrby, CMP_EXACT, "hashes", 0),
    ROW("HINCRBYFLOAT", 3, g_hincrbyfloat, CMP_EXACT, "hashes", 0),
    ROW("HRANDFIELD", 4, g_randfield, CMP_RAND, "hashes", 0),
    ROW("HSCAN", 2, g_kscan, CMP_KSCAN, "hashes", 0),
    /* sets */
    ROW("SADD", 8, g_sadd, CMP_EXACT, "sets", 0),
    ROW("SREM", 4, g_key_members, CMP_EXACT, "sets", 0),
    ROW("SCARD", 2, g_key, CMP_EXACT, "sets", 0),
    ROW("SISMEMBER", 3, g_key_member, CMP_EXACT, "sets", 0),
    ROW("SMISMEMBER", 2, g_key_members, CMP_EXACT, "sets", 0),
    ROW("SMEMBERS", 3, g_key, CMP_SETORD, "sets", 0),
    ROW("SPOP", 3, g_spop, CMP_SPOP, "sets", 0),
    ROW("SRANDMEMBER", 3, g_randfield, CMP_RAND, "sets", 0),
    ROW("SMOVE", 3, g_smove, CMP_EXACT, "sets", 0),
    ROW("SINTER", 2, g_keys_n, CMP_SETORD, "sets", 0),
    ROW("SINTERCARD", 2, g_intercard, CMP_EXACT, "sets", 0),
    ROW("SINTERSTORE", 2, g_store, CMP_EXACT, "sets", 0),
    ROW("SUNION", 2, g_keys_n, CMP_SETORD, "sets", 0),
    ROW("SUNIONSTORE", 2, g_store, CMP_EXACT, "sets", 0),
    ROW("SDIFF", 2, g_keys_n, CMP_SETORD, "sets", 0),
    ROW("SDIFFSTORE", 2, g_store, CMP_EXACT, "sets", 0),
    ROW("SSCAN", 2, g_kscan, CMP_KSCAN, "sets", 0),
    /* sorted sets */
    ROW("ZADD", 10, g_zadd, CMP_EXACT, "zsets", 0),
    ROW("ZINCRBY", 3, g_zincrby, CMP_EXACT, "zsets", 0),
    ROW("ZREM", 3, g_key_members, CMP_EXACT, "zsets", 0),
    ROW("ZCARD", 2, g_key, CMP_EXACT, "zsets", 0),
    ROW("ZSCORE", 3, g_key_member, CMP_EXACT, "zsets", 0),
    ROW("ZMSCORE", 2, g_key_members, CMP_EXACT, "zsets", 0),
    ROW("ZRANK", 2, g_zrank, CMP_EXACT, "zsets", 0),
    ROW("ZREVRANK", 2, g_zrank, CMP_EXACT, "zsets", 0),
    ROW("ZCOUNT", 2, g_key_sbounds, CMP_EXACT, "zsets", 0),
    ROW("ZLEXCOUNT", 2, g_key_lbounds, CMP_EXACT, "zsets", 0),
    ROW("ZRANGE", 6, g_zrange, CMP_EXACT, "zsets", 0),
    ROW("ZRANGESTORE", 2, g_zrangestore, CMP_EXACT, "zsets", 0),
    ROW("ZREVRANGE", 2, g_zrevrange, CMP_EXACT, "zsets", 0),
    ROW("ZRANGEBYSCORE", 2, g_zrangebyscore, CMP_EXACT, "zsets", 0),
    ROW("ZREVRANGEBYSCORE", 2, g_zrangebyscore, CMP_EXACT, "zsets", 0),
    ROW("ZRANGEBYLEX", 2, g_zrangebyscore, CMP_EXACT, "zsets", 0),
    ROW("ZREVRANGEBYLEX", 2, g_zrangebyscore, CMP_EXACT, "zsets", 0),
    ROW("ZREMRANGEBYRANK", 1, g_range, CMP_EXACT, "zsets", 0),
    ROW("ZREMRANGEBYSCORE", 1, g_key_sbounds, CMP_EXACT, "zsets", 0),
    ROW("ZREMRANGEBYLEX", 1, g_key_lbounds, CMP_EXACT, "zsets", 0),
    ROW("ZPOPMIN", 2, g_key_count, CMP_EXACT, "zsets", 0),
    ROW("ZPOPMAX", 2, g_key_count, CMP_EXACT, "zsets", 0),
    ROW("ZMPOP", 2, g_zmpop, CMP_EXACT, "zsets", 0),
    ROW("BZPOPMIN", 1, g_bpop, CMP_BLOCK, "zsets", 0),
    ROW("BZPOPMAX", 1, g_bpop, CMP_BLOCK, "zsets", 0),
    ROW("BZMPOP", 1, g_blmpop, CMP_BLOCK, "zsets", 0),
    ROW("ZRANDMEMBER", 3, g_randfield, CMP_RAND, "zsets", 0),
    ROW("ZUNION", 2, g_zsetop, CMP_EXACT, "zsets", 0),
    ROW("ZINTER", 2, g_zsetop, CMP_EXACT, "zsets", 0),
    ROW("ZDIFF", 2, g_zsetop, CMP_EXACT, "zsets", 0),
    ROW("ZUNIONSTORE", 2, g_zsetop, CMP_EXACT, "zsets", 0),
    ROW("ZINTERSTORE", 2, g_zsetop, CMP_EXACT, "zsets", 0),
    ROW("ZDIFFSTORE", 2, g_zsetop, CMP_EXACT, "zsets", 0),
    ROW("ZINTERCARD", 2, g_intercard, CMP_EXACT, "zsets", 0),
    ROW("ZSCAN", 2, g_kscan, CMP_KSCAN, "zsets", 0),
    /* streams */
    ROW("XADD", 12, g_xadd, CMP_EXACT, "streams", F_NORENAME),
    ROW("XLEN", 2, g_key, CMP_EXACT, "streams", 0),
    ROW("XRANGE", 4, g_xrange, CMP_EXACT, "streams", 0),
    ROW("XREVRANGE", 3, g_xrange, CMP_EXACT, "streams", 0),
    ROW("XDEL", 2, g_xdel, CMP_EXACT, "streams", 0),
    ROW("XTRIM", 2, g_xtrim, CMP_EXACT, "streams", 0),
    ROW("XREAD", 3, g_xread, CMP_EXACT, "streams", F_NORENAME),
    ROW("XGROUP", 5, g_xgroup, CMP_EXACT, "streams", 0),
    ROW("XREADGROUP", 5, g_xread, CMP_EXACT, "streams", F_NORENAME),
    ROW("XACK", 3, g_xack, CMP_EXACT, "streams", 0),
    ROW("XPENDING", 3, g_xpending, CMP_XTIME, "streams", F_NOJUNK),
    ROW("XCLAIM", 3, g_xclaim, CMP_EXACT, "streams", F_NOJUNK | F_NORENAME),
    ROW("XAUTOCLAIM", 2, g_xautoclaim, CMP_EXACT, "streams", F_NOJUNK | F_NORENAME),
    ROW("XINFO", 3, g_xinfo, CMP_XTIME, "streams", 0),
    ROW("XSETID", 1, g_xsetid, CMP_EXACT, "streams", 0),
    /* SORT */
    ROW("SORT", 4, g_sort, CMP_SORTCMD, "sort", 0),
    ROW("SORT_RO", 2, g_sort, CMP_SORTCMD, "sort", 0),
};

#define NSPECS COUNT(specs)

static unsigned total_weight;
static unsigned eval_percent; /* share of commands sent through EVAL */
static unsigned long evals;   /* how many were */

/* Commands the name mutation must not produce: those that set an expiry
 * (see generate) and those that grow a string to an offset, which with
 * GETBIT's 4294967295 allocates 512 MB on both sides. */
static int unsafe_rename(const char *n)
{
    static const char *const names[] = { "EXPIRE", "PEXPIRE",  "EXPIREAT", "PEXPIREAT",
                                         "SETEX",  "PSETEX",   "SET",      "GETEX",
                                         "SETBIT", "SETRANGE", "BITFIELD" };
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
    static const char *const group_homes[][2] = { { "keys", "*" },   { "lists", "l" },
                                                  { "hashes", "h" }, { "sets", "s" },
                                                  { "zsets", "z" },  { "streams", "x" },
                                                  { "sort", "*" } };
    home = NULL;
    for (size_t g = 0; g < COUNT(group_homes); g++)
        if (!strcmp(specs[i].group, group_homes[g][0])) home = group_homes[g][1];
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
            specs[i].cmp == CMP_EXACT && !(specs[other].flags & F_NORENAME) &&
            !unsafe_rename(specs[other].name)) {
            free(c->argv[0]);
            c->argv[0] = strdup(specs[other].name);
            c->len[0] = strlen(specs[other].name);
            c->block = 0; /* XREAD's BLOCK under another name blocks nothing */
        }
    }
    /* Mutations for arity and syntax errors. */
    if (chance(4) && !(specs[i].flags & F_NOJUNK)) {
        static const lit junk[] = { L("NX"),      L("XX"),   L("GT"),    L("EX"),    L("GET"),
                                    L("KEEPTTL"), L("BYTE"), L("MATCH"), L("COUNT"), L("REPLACE"),
                                    L("DB"),      L("x"),    L(""),      L("1") };
        if (c->argc > 1 && chance(50)) {
            free(c->argv[--c->argc]);
        } else {
            const lit *j = &junk[rn(COUNT(junk))];
            arg_insert(c, 1 + (int)rn((unsigned)c->argc), j->p, j->n);
        }
    }
    /* Through a script: the same command from redis.pcall, its reply
     * converted to Lua and back, and script-only refusals. */
    /* Nothing blocks in a script: the single-key blocking forms are refused
     * (noscript) and the others answer at once. */
    if (eval_percent && specs[i].cmp != CMP_SORTED && specs[i].cmp != CMP_SCAN &&
        specs[i].cmp != CMP_RANDOM && specs[i].cmp != CMP_KSCAN && chance(eval_percent)) {
        static const lit wrapper[] = { L("EVAL"), L("return redis.pcall(unpack(ARGV))"), L("0") };
        for (int k = 0; k < 3; k++) arg_insert(c, k, wrapper[k].p, wrapper[k].n);
        c->off = 3;
        c->block = 0;
        evals++;
    }
    const char *n = c->argv[c->off];
    c->lex = !strcasecmp(n, "ZLEXCOUNT") || !strcasecmp(n, "ZRANGEBYLEX") ||
        !strcasecmp(n, "ZREVRANGEBYLEX") || !strcasecmp(n, "ZREMRANGEBYLEX");
    if (!strcasecmp(n, "ZRANGE") || !strcasecmp(n, "ZRANGESTORE"))
        for (int k = c->off + 1; k < c->argc; k++)
            if (!strcasecmp(c->argv[k], "BYLEX")) c->lex = 1;
}

/* 1 for SORT with a STORE option, which run_sortstore runs. */
static int has_store(const cmd *c)
{
    if (specs[c->spec].cmp != CMP_SORTCMD) return 0;
    for (int i = c->off + 2; i + 1 < c->argc; i++)
        if (!strcasecmp(c->argv[i], "STORE")) return 1;
    return 0;
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
    int cur_db;                          /* the db SELECTed on both sides */
    int64_t window_start, max_window_ms; /* see sync_clock, drift_ms */
    int64_t slowest_ms;                  /* the slowest emulator command of the pipelined ones */
    cmd slowest;
    unsigned long slowest_index;
    unsigned long block_waits;   /* blocking commands Redis waited on (run_blocking) */
    unsigned long block_skipped; /* ... and not sent, past the ration */
    unsigned long resyncs;       /* random pops made equal again (run_spop) */
    unsigned long lex_skipped;   /* undefined lex ranges, not run (run_lex) */
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
    if (tol >= 0 && e->type == RL_REPLY_INTEGER && r->type == RL_REPLY_INTEGER && e->integer >= 0 &&
        r->integer >= 0) {
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
    fprintf(stderr, "  replay:   RL_DIFF_SEED=%llu RL_DIFF_COMMANDS=%lu random_diff --trace",
            (unsigned long long)R->seed, R->index + 1);
    if (sel_focus && *sel_focus) fprintf(stderr, " --focus %s", sel_focus);
    if (sel_only && *sel_only) fprintf(stderr, " --only %s", sel_only);
    if (sel_exclude && *sel_exclude) fprintf(stderr, " --exclude %s", sel_exclude);
    if (eval_percent != 5) fprintf(stderr, " --eval-percent %u", eval_percent);
    if (known_bugs) fprintf(stderr, " (with RL_DIFF_KNOWN_BUGS=1)");
    fputc('\n', stderr);
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
    static const char *const flush[] = { "FLUSHALL" }, *const sel[] = { "SELECT", "0" };
    static const size_t flen[] = { 8 }, slen[] = { 6, 1 };
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
static rl_reply *scan_all_at(run *R, const cmd *c, int on_redis, int cpos, size_t width)
{
    cmd page = { 0 };
    for (int i = 0; i < c->argc; i++) arg(&page, c->argv[i], c->len[i]);
    rl_reply *all = rl_reply_new(RL_REPLY_ARRAY);
    for (int iter = 0;; iter++) {
        rl_reply *r = on_redis
            ? R->redis->call(R->redis, page.argc, (const char *const *)page.argv, page.len)
            : emu_call(R, &page);
        if (!r || r->type != RL_REPLY_ARRAY || r->elements != 2 ||
            r->element[0]->type != RL_REPLY_BULK || r->element[1]->type != RL_REPLY_ARRAY ||
            iter > 100000 || page.argc < cpos + 1) {
            rl_reply_free(all);
            cmd_clear(&page);
            return r;
        }
        rl_reply *keys = r->element[1];
        for (size_t i = 0; i < keys->elements; i++) rl_reply_append_take(all, keys->element[i]);
        keys->elements = 0;
        int done = r->element[0]->len == 1 && r->element[0]->str[0] == '0';
        if (!done) {
            free(page.argv[cpos]);
            page.argv[cpos] = malloc(r->element[0]->len + 1);
            memcpy(page.argv[cpos], r->element[0]->str, r->element[0]->len + 1);
            page.len[cpos] = r->element[0]->len;
        }
        rl_reply_free(r);
        if (done) break;
    }
    cmd_clear(&page);
    sort_bulks_by(all, width);
    /* Redis may return a key twice during one iteration; the union counts it
     * once. Entries of width 2 (field and value) go by their field. */
    size_t w = 0;
    for (size_t i = 0; i + width <= all->elements; i += width) {
        if (w > 0 && cmp_bulk(&all->element[w - width], &all->element[i]) == 0) {
            for (size_t k = 0; k < width; k++) rl_reply_free(all->element[i + k]);
            continue;
        }
        for (size_t k = 0; k < width; k++) all->element[w++] = all->element[i + k];
    }
    all->elements = w;
    return all;
}

static rl_reply *scan_all(run *R, const cmd *c, int on_redis)
{
    return scan_all_at(R, c, on_redis, 1, 1);
}

/* RANDOMKEY: a key that exists, or null on an empty db, on each side. */
static int randomkey_ok(run *R, const rl_reply *e, const rl_reply *r)
{
    if (e->type == RL_REPLY_NIL && r->type == RL_REPLY_NIL) return 1;
    if (e->type != RL_REPLY_BULK || r->type != RL_REPLY_BULK) return resp_equal(e, r);
    const char *ea[] = { "EXISTS", e->str }, *ra[] = { "EXISTS", r->str };
    size_t el[] = { 6, e->len }, rlen[] = { 6, r->len };
    rl_reply *ex = rl_emu_call(R->emu, 2, ea, el);
    rl_reply *rx = R->redis->call(R->redis, 2, ra, rlen);
    int ok = ex->type == RL_REPLY_INTEGER && ex->integer == 1 && rx &&
        rx->type == RL_REPLY_INTEGER && rx->integer == 1;
    rl_reply_free(ex);
    rl_reply_free(rx);
    return ok;
}

/* --- Aggregate types: probes, order rules, random replies ------------------ */

static int is_cmd(const cmd *c, const char *n)
{
    return c->argc > c->off && !strcasecmp(c->argv[c->off], n);
}

static int bulk_is(const rl_reply *r, const char *s)
{
    size_t n = strlen(s);
    return r && (r->type == RL_REPLY_BULK || r->type == RL_REPLY_STATUS) && r->len == n &&
        memcmp(r->str, s, n) == 0;
}

/* 1 if p is an integer exactly as Redis would print it, so an intset can
 * hold it ("-0", "007", "+1" and " 1" cannot). */
static int canonical_int(const char *p, size_t n)
{
    char buf[32], back[32];
    if (n == 0 || n > 20) return 0;
    memcpy(buf, p, n);
    buf[n] = '\0';
    if (strlen(buf) != n) return 0;
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno || *end) return 0;
    snprintf(back, sizeof(back), "%lld", v);
    return strcmp(back, buf) == 0;
}

static int parse_ll(const char *p, size_t n, long long *v)
{
    return n > 0 && n < 32 && canonical_int(p, n) && (*v = strtoll(p, NULL, 10), 1);
}

static void cmd_of(cmd *c, int argc, ...)
{
    va_list ap;
    va_start(ap, argc);
    for (int i = 0; i < argc; i++) {
        const char *p = va_arg(ap, const char *);
        size_t n = va_arg(ap, size_t);
        arg(c, p, n);
    }
    va_end(ap);
}

#define S_(s) s, sizeof(s) - 1

/* The command that reads the whole collection a random command picks from. */
static void content_cmd(const cmd *c, cmd *out)
{
    const char *k = c->argv[c->off + 1];
    size_t kn = c->len[c->off + 1];
    if (is_cmd(c, "HRANDFIELD")) cmd_of(out, 2, S_("HGETALL"), k, kn);
    else if (is_cmd(c, "ZRANDMEMBER"))
        cmd_of(out, 5, S_("ZRANGE"), k, kn, S_("0"), S_("-1"), S_("WITHSCORES"));
    else cmd_of(out, 2, S_("SMEMBERS"), k, kn);
}

#define MAXPROBE 12

/* Probe commands sent to Redis right after c, in the same pipeline: the
 * encodings that decide whether Redis's order is fixed, and for random
 * replies the collection they were drawn from. Returns how many. */
static int probes_for(const cmd *c, cmd *out)
{
    int cmp = specs[c->spec].cmp, o = c->off, n = 0;
    if (c->argc < o + 2) return 0;
    if (cmp == CMP_SETORD) {
        int last = is_cmd(c, "SMEMBERS") ? o + 1 : c->argc - 1;
        for (int i = o + 1; i <= last && n + 2 <= MAXPROBE; i++) {
            cmd_of(&out[n++], 3, S_("OBJECT"), S_("ENCODING"), c->argv[i], c->len[i]);
            cmd_of(&out[n++], 2, S_("SCARD"), c->argv[i], c->len[i]);
        }
    } else if (cmp == CMP_HASHORD || cmp == CMP_SORTCMD || cmp == CMP_RAND) {
        cmd_of(&out[n++], 3, S_("OBJECT"), S_("ENCODING"), c->argv[o + 1], c->len[o + 1]);
        if (cmp == CMP_RAND && c->argc >= o + 2) content_cmd(c, &out[n++]);
    }
    return n;
}

/* SMEMBERS, SINTER, SUNION, SDIFF. Redis's order is fixed where it walks an
 * intset: SMEMBERS of an intset; SINTER walks its smallest set (the first
 * of equals); SUNION and SDIFF build an intset result while every member
 * added is an integer (SUNION: all of them; SDIFF: a subset of the first
 * set, so when that is an intset). Elsewhere it is a hashtable's random
 * order, and the replies are compared sorted. */
static int setord_ok(const cmd *c, rl_reply *e, rl_reply *r, rl_reply **rp, int nrp)
{
    if (resp_equal(e, r)) return 1;
    if (e->type != RL_REPLY_ARRAY || r->type != RL_REPLY_ARRAY || nrp < 2) return 0;
    int ordered;
    if (is_cmd(c, "SINTER")) {
        int best = -1;
        long long card = 0;
        for (int j = 0; j + 1 < nrp; j += 2) {
            if (rp[j + 1]->type != RL_REPLY_INTEGER) continue;
            if (best < 0 || rp[j + 1]->integer < card) {
                best = j;
                card = rp[j + 1]->integer;
            }
        }
        ordered = best >= 0 && bulk_is(rp[best], "intset");
    } else if (is_cmd(c, "SUNION")) {
        ordered = r->elements <= 512;
        for (size_t i = 0; i < r->elements && ordered; i++)
            ordered = r->element[i]->type == RL_REPLY_BULK &&
                canonical_int(r->element[i]->str, r->element[i]->len);
    } else {
        ordered = bulk_is(rp[0], "intset");
    }
    if (ordered) return 0;
    sort_bulks(e);
    sort_bulks(r);
    return resp_equal(e, r);
}

/* HGETALL, HKEYS, HVALS: a listpack's order is insertion order on both
 * sides; a hashtable's is random in Redis. */
static int hashord_ok(const cmd *c, rl_reply *e, rl_reply *r, rl_reply **rp, int nrp)
{
    if (resp_equal(e, r)) return 1;
    if (nrp < 1 || bulk_is(rp[0], "listpack")) return 0;
    if (e->type != RL_REPLY_ARRAY || r->type != RL_REPLY_ARRAY) return 0;
    size_t w = is_cmd(c, "HGETALL") ? 2 : 1;
    sort_bulks_by(e, w);
    sort_bulks_by(r, w);
    return resp_equal(e, r);
}

static int same_str(const rl_reply *a, const rl_reply *b)
{
    return a->type == b->type && a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
}

/* Whether item (a field, with its value when val is set) is in content,
 * an array of entries of width cw. */
static int in_content(const rl_reply *content, size_t cw, const rl_reply *item, const rl_reply *val)
{
    if (!content || content->type != RL_REPLY_ARRAY) return 0;
    for (size_t i = 0; i + cw <= content->elements; i += cw) {
        if (!same_str(content->element[i], item)) continue;
        return !val || (cw == 2 && same_str(content->element[i + 1], val));
    }
    return 0;
}

/* Every entry of reply (width w) is in content; with distinct, no field
 * twice. */
static int entries_from(const rl_reply *reply, size_t w, const rl_reply *content, size_t cw,
                        int distinct)
{
    for (size_t i = 0; i + w <= reply->elements; i += w) {
        if (!in_content(content, cw, reply->element[i], w == 2 ? reply->element[i + 1] : NULL))
            return 0;
        for (size_t j = 0; distinct && j < i; j += w)
            if (same_str(reply->element[j], reply->element[i])) return 0;
    }
    return 1;
}

/* HRANDFIELD, SRANDMEMBER, ZRANDMEMBER: which entries come back is random
 * on both sides, so the replies are checked by Redis's rules against each
 * side's own collection (read right after, and compared too): the shape
 * and length, entries that exist with their values, distinct entries for
 * a positive count; a count covering the collection answers all of it in
 * iteration order (listpack, intset and sorted sets: exact). */
static int rand_ok(const cmd *c, rl_reply *e, rl_reply *r, rl_reply **rp, int nrp, rl_reply *ep,
                   const char **why)
{
    if (e->type == RL_REPLY_ERROR || r->type == RL_REPLY_ERROR || e->type != r->type || nrp < 2 ||
        !ep)
        return resp_equal(e, r);
    int hash = is_cmd(c, "HRANDFIELD"), zset = is_cmd(c, "ZRANDMEMBER");
    size_t cw = hash || zset ? 2 : 1;
    rl_reply *rc = rp[1];
    if (ep->type != RL_REPLY_ARRAY || rc->type != RL_REPLY_ARRAY) return resp_equal(e, r);
    if (!zset) {
        sort_bulks_by(ep, cw);
        sort_bulks_by(rc, cw);
    }
    if (!resp_equal(ep, rc)) {
        *why = "the collections differ (read after the command)";
        return 0;
    }
    size_t size = rc->elements / cw;
    int nargs = c->argc - c->off;
    *why = "the random reply breaks Redis's rules";
    if (nargs == 2) {
        if (e->type != RL_REPLY_BULK) return resp_equal(e, r);
        return in_content(ep, cw, e, NULL) && in_content(rc, cw, r, NULL);
    }
    long long count;
    if (e->type != RL_REPLY_ARRAY || !parse_ll(c->argv[c->off + 2], c->len[c->off + 2], &count) ||
        count == 0 || size == 0)
        return resp_equal(e, r);
    size_t w = nargs >= 4 ? 2 : 1;
    if (count > 0 && (unsigned long long)count >= size) {
        if (resp_equal(e, r)) return 1;
        if (zset || bulk_is(rp[0], hash ? "listpack" : "intset")) return 0;
        sort_bulks_by(e, w);
        sort_bulks_by(r, w);
        return resp_equal(e, r);
    }
    unsigned long long want = (unsigned long long)(count < 0 ? -count : count) * w;
    if (e->elements != want || r->elements != want) return 0;
    return entries_from(e, w, ep, cw, count > 0) && entries_from(r, w, rc, cw, count > 0);
}

static int is_stream_id(const rl_reply *x)
{
    if (x->type != RL_REPLY_BULK || x->len == 0) return 0;
    const char *dash = memchr(x->str, '-', x->len);
    return dash && dash > x->str && (size_t)(dash - x->str) + 1 < x->len;
}

/* Stream replies with times in them (XPENDING, XINFO): equal, except the
 * integers that are times, compared within tol ms: the value after an
 * "idle" or "seen-time" key, and the time in a pending entry ([id,
 * consumer, time, count] or [id, time, count]). */
static int xtime_equal(const rl_reply *a, const rl_reply *b, long long tol)
{
    if (a->type != b->type) return 0;
    if (a->type != RL_REPLY_ARRAY) return resp_equal(a, b);
    if (a->elements != b->elements) return 0;
    int pel = a->elements >= 3 && a->elements <= 4 && is_stream_id(a->element[0]);
    for (size_t i = 0; i < a->elements; i++) {
        const rl_reply *x = a->element[i], *y = b->element[i];
        int timey = 0;
        if (x->type == RL_REPLY_INTEGER && y->type == RL_REPLY_INTEGER && i > 0) {
            const rl_reply *k = a->element[i - 1];
            if (i % 2 == 1 &&
                (bulk_is(k, "idle") || bulk_is(k, "seen-time") || bulk_is(k, "active-time") ||
                 bulk_is(k, "inactive")))
                timey = 1;
            if (pel && i == a->elements - 2) timey = 1;
        }
        if (timey) {
            long long d = x->integer - y->integer;
            if (d < -tol || d > tol) return 0;
        } else if (!xtime_equal(x, y, tol)) {
            return 0;
        }
    }
    return 1;
}

/* SORT and SORT_RO. A BY pattern without '*' anywhere (a later BY does not
 * undo it) skips sorting: a list or sorted set keeps its order, a set its
 * iteration order, which for a hashtable is random in Redis (in scripts
 * and with STORE Redis sorts it ALPHA, see below). A real sort
 * starts from a hashtable set's or a sorted set's dict order, random in
 * Redis, and ALPHA leaves ties in that order (equal BY weights, missing
 * ones, elements equal up to a NUL byte, which strcoll does not see);
 * numeric ties are broken by the elements' bytes. Where the order is random
 * the replies are compared sorted, or by length when LIMIT picks a random
 * part or GET maps the elements. */
typedef struct sort_opts {
    int random; /* Redis's order is random (see sort_ok) */
    int limit, get;
    int store; /* index of the STORE destination, or 0 */
} sort_opts;

/* Reads SORT's options; enc is Redis's OBJECT ENCODING of the key. */
static sort_opts sort_parse(const cmd *c, const rl_reply *enc)
{
    sort_opts so = { 0, 0, 0, 0 };
    int hset = bulk_is(enc, "hashtable");
    int zset = bulk_is(enc, "listpack") || bulk_is(enc, "skiplist");
    int nosort = 0, alpha = 0;
    for (int i = c->off + 2; i < c->argc; i++) {
        const char *a = c->argv[i];
        if (!strcasecmp(a, "BY") && i + 1 < c->argc) {
            if (!memchr(c->argv[i + 1], '*', c->len[i + 1])) nosort = 1;
            i++;
        } else if (!strcasecmp(a, "ALPHA")) {
            alpha = 1;
        } else if (!strcasecmp(a, "STORE") && i + 1 < c->argc) {
            so.store = ++i;
        } else if (!strcasecmp(a, "LIMIT")) {
            so.limit = 1;
        } else if (!strcasecmp(a, "GET")) {
            so.get = 1;
        }
    }
    /* In a script or with STORE a no-sort set is sorted ALPHA instead,
     * which leaves elements equal up to a NUL byte in dict order too. */
    if (nosort) so.random = hset;
    else so.random = alpha && (hset || zset);
    return so;
}

static int sort_ok(const cmd *c, rl_reply *e, rl_reply *r, rl_reply **rp, int nrp)
{
    if (resp_equal(e, r)) return 1;
    if (e->type != RL_REPLY_ARRAY || r->type != RL_REPLY_ARRAY || nrp < 1) return 0;
    sort_opts so = sort_parse(c, rp[0]);
    if (!so.random) return 0;
    if (so.limit || so.get || !sort_bulks(e) || !sort_bulks(r)) return e->elements == r->elements;
    return resp_equal(e, r);
}

/* Returns 0 when the replies agree, 1 on a mismatch. rp holds the replies
 * to the Redis probes sent after the command (probes_for), ep the
 * emulator's collection for a random reply (content_cmd). */
static int check_probed(run *R, const cmd *c, rl_reply *e, rl_reply *r, rl_reply **rp, int nrp,
                        rl_reply *ep)
{
    spec *s = &specs[c->spec];
    s->compared++;
    trace(R, c, e, r);
    const char *why = s->cmp == CMP_SCAN ? "SCAN unions differ" : NULL;
    int ok;
    switch (s->cmp) {
    case CMP_RANDOM: ok = randomkey_ok(R, e, r); break;
    case CMP_SETORD: ok = setord_ok(c, e, r, rp, nrp); break;
    case CMP_HASHORD: ok = hashord_ok(c, e, r, rp, nrp); break;
    case CMP_RAND: ok = rand_ok(c, e, r, rp, nrp, ep, &why); break;
    case CMP_SORTCMD: ok = sort_ok(c, e, r, rp, nrp); break;
    case CMP_XTIME: ok = xtime_equal(e, r, 2 * drift_ms(R) + 5); break;
    default: ok = compare(s->cmp, drift_ms(R), e, r); break;
    }
    if (ok && c->argc == 2 && !strcasecmp(c->argv[0], "SELECT") && e->type == RL_REPLY_STATUS)
        R->cur_db = (int)strtol(c->argv[1], NULL, 10);
    if (ok) return 0;
    report_mismatch(R, c, e, r, why);
    if (!R->keep_going || s->mismatched == 1) {
        for (int i = 0; i < nrp; i++) print_reply(stderr, "probe", rp[i]);
        if (ep) print_reply(stderr, "emu coll.", ep);
    }
    return 1;
}

static int check(run *R, const cmd *c, rl_reply *e, rl_reply *r)
{
    return check_probed(R, c, e, r, NULL, 0, NULL);
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

/* --- Aggregate types: commands with their own round trips -------------------- */

static rl_reply *redis_cmd(run *R, const cmd *c)
{
    return R->redis->call(R->redis, c->argc, (const char *const *)c->argv, c->len);
}

/* Records a comparison made outside check(): counts it, traces it, reports
 * a mismatch. Returns 0 when ok, 1 on a mismatch. */
static int verdict(run *R, const cmd *c, const rl_reply *e, const rl_reply *r, int ok,
                   const char *what)
{
    specs[c->spec].compared++;
    trace(R, c, e, r);
    if (ok) return 0;
    report_mismatch(R, c, e, r, what);
    return 1;
}

/* After a random pop the two sets hold different members. The emulator's
 * set is rebuilt from Redis's members in Redis's encoding, keeping the key's
 * expiry: patching members in with SADD/SREM is not enough, because a set
 * that became a hashtable never turns back into an intset, while SPOP can
 * leave Redis with a fresh intset (it copies the members it keeps into a
 * new set). */
static void mirror_set(run *R, const char *key, size_t klen)
{
    cmd members = { 0 }, enc = { 0 }, when = { 0 }, del = { 0 }, add = { 0 }, rem = { 0 },
        exp = { 0 };
    cmd_of(&members, 2, S_("SMEMBERS"), key, klen);
    cmd_of(&enc, 3, S_("OBJECT"), S_("ENCODING"), key, klen);
    cmd_of(&when, 2, S_("PEXPIRETIME"), key, klen);
    cmd_of(&del, 2, S_("DEL"), key, klen);
    rl_reply *m = redis_cmd(R, &members), *e = redis_cmd(R, &enc);
    rl_reply *t = emu_call(R, &when);
    rl_reply_free(emu_call(R, &del));
    static const char sentinel[] = "\x01redlua-mirror\x01";
    int hashtable = e && e->type == RL_REPLY_BULK && e->len == 9 && !memcmp(e->str, "hashtable", 9);
    if (m && m->type == RL_REPLY_ARRAY && m->elements > 0) {
        cmd_of(&add, 2, S_("SADD"), key, klen);
        if (hashtable) arg(&add, sentinel, sizeof(sentinel) - 1); /* forces a hashtable */
        for (size_t i = 0; i < m->elements; i++) arg(&add, m->element[i]->str, m->element[i]->len);
        rl_reply_free(emu_call(R, &add));
        if (hashtable) {
            cmd_of(&rem, 3, S_("SREM"), key, klen, sentinel, sizeof(sentinel) - 1);
            rl_reply_free(emu_call(R, &rem));
        }
        if (t && t->type == RL_REPLY_INTEGER && t->integer >= 0) {
            char ms[32];
            int n = snprintf(ms, sizeof(ms), "%lld", t->integer);
            cmd_of(&exp, 3, S_("PEXPIREAT"), key, klen, ms, (size_t)n);
            rl_reply_free(emu_call(R, &exp));
        }
    }
    rl_reply_free(m);
    rl_reply_free(e);
    rl_reply_free(t);
    cmd_clear(&members);
    cmd_clear(&enc);
    cmd_clear(&when);
    cmd_clear(&del);
    cmd_clear(&add);
    cmd_clear(&rem);
    cmd_clear(&exp);
}

/* SPOP: which members go is random on both sides. The reply is checked by
 * Redis's rules against each side's set read just before (the two sets
 * compared as well); a count covering the set answers all of it, in
 * ascending order when the result fits an intset (Redis builds it as a
 * union). Afterwards the emulator's set is made Redis's: its popped
 * members go back and Redis's popped ones are removed. */
static int run_spop(run *R, const cmd *c)
{
    sync_clock(R);
    int o = c->off, nargs = c->argc - o;
    if (nargs < 2 || nargs > 3) {
        rl_reply *e = emu_call(R, c), *r = redis_cmd(R, c);
        if (!r) {
            rl_reply_free(e);
            return -1;
        }
        int bad = verdict(R, c, e, r, resp_equal(e, r), NULL);
        rl_reply_free(e);
        rl_reply_free(r);
        return after_mismatch(R, bad);
    }
    cmd before = { 0 };
    cmd_of(&before, 2, S_("SMEMBERS"), c->argv[o + 1], c->len[o + 1]);
    rl_reply *eb = emu_call(R, &before), *e = emu_call(R, c);
    rl_reply *rb = NULL, *r = NULL;
    if (rl_backend_redis_send(R->redis, before.argc, (const char *const *)before.argv,
                              before.len) == 0 &&
        rl_backend_redis_send(R->redis, c->argc, (const char *const *)c->argv, c->len) == 0 &&
        (rb = rl_backend_redis_recv(R->redis)) != NULL)
        r = rl_backend_redis_recv(R->redis);
    cmd_clear(&before);
    if (!r) {
        rl_reply_free(eb);
        rl_reply_free(e);
        rl_reply_free(rb);
        return -1;
    }
    window_end(R);
    const char *why = NULL;
    int ok;
    long long count = 1;
    int have_count = nargs == 3;
    if (e->type == RL_REPLY_ERROR || r->type == RL_REPLY_ERROR || e->type != r->type ||
        eb->type != RL_REPLY_ARRAY || rb->type != RL_REPLY_ARRAY ||
        (have_count && !parse_ll(c->argv[o + 2], c->len[o + 2], &count))) {
        ok = resp_equal(e, r);
    } else {
        sort_bulks(eb);
        sort_bulks(rb);
        size_t size = rb->elements;
        if (!resp_equal(eb, rb)) {
            ok = 0;
            why = "the sets differ before SPOP";
        } else if (size == 0 || count == 0 || (!have_count && e->type != RL_REPLY_BULK)) {
            ok = resp_equal(e, r);
        } else if (have_count && (unsigned long long)count >= size) {
            int ordered = size <= 512;
            for (size_t i = 0; i < size && ordered; i++)
                ordered = canonical_int(rb->element[i]->str, rb->element[i]->len);
            ok = resp_equal(e, r);
            if (!ok && !ordered) {
                sort_bulks(e);
                sort_bulks(r);
                ok = resp_equal(e, r);
            }
        } else {
            why = "SPOP's reply breaks Redis's rules";
            if (!have_count) {
                ok = in_content(eb, 1, e, NULL) && in_content(rb, 1, r, NULL);
            } else {
                ok = e->elements == (size_t)count && r->elements == (size_t)count &&
                    entries_from(e, 1, eb, 1, 1) && entries_from(r, 1, rb, 1, 1);
            }
            if (ok) {
                /* Resynchronise: the emulator gets Redis's remaining set. */
                mirror_set(R, c->argv[o + 1], c->len[o + 1]);
                R->resyncs++;
            }
        }
    }
    int bad = verdict(R, c, e, r, ok, why);
    rl_reply_free(eb);
    rl_reply_free(rb);
    rl_reply_free(e);
    rl_reply_free(r);
    return after_mismatch(R, bad);
}

/* HSCAN, SSCAN, ZSCAN. A listpack or intset comes whole in one call with
 * cursor 0 on both sides, compared exactly; a hashtable or skiplist is
 * iterated to the end on each side and the unions of entries compared. */
static int run_kscan(run *R, const cmd *c)
{
    sync_clock(R);
    int full = 0;
    /* Redis reads an empty cursor as 0. */
    if (c->argc >= 3 && (c->len[2] == 0 || (c->len[2] == 1 && c->argv[2][0] == '0'))) {
        cmd enc = { 0 };
        cmd_of(&enc, 3, S_("OBJECT"), S_("ENCODING"), c->argv[1], c->len[1]);
        rl_reply *x = redis_cmd(R, &enc);
        cmd_clear(&enc);
        if (!x) return -1;
        full = bulk_is(x, "hashtable") || bulk_is(x, "skiplist");
        rl_reply_free(x);
    }
    size_t width = is_cmd(c, "SSCAN") ? 1 : 2;
    rl_reply *e, *r;
    if (full) {
        e = scan_all_at(R, c, 0, 2, width);
        r = scan_all_at(R, c, 1, 2, width);
    } else {
        e = emu_call(R, c);
        r = redis_cmd(R, c);
    }
    if (!r) {
        rl_reply_free(e);
        return -1;
    }
    window_end(R);
    int bad = verdict(R, c, e, r, resp_equal(e, r), full ? "the iterations' unions differ" : NULL);
    rl_reply_free(e);
    rl_reply_free(r);
    return after_mismatch(R, bad);
}

/* Lex ranges (ZLEXCOUNT, *BYLEX, ZRANGE BYLEX...) assume every member has
 * the same score; otherwise their result is undefined. Over a listpack
 * Redis scans linearly, which is deterministic; over a skiplist it jumps
 * along random levels, so the result changes from run to run. Such a
 * command is neither run nor compared (R->lex_skipped): Redis is asked
 * first for the encoding and the lowest and highest scores. */
static int run_lex(run *R, const cmd *c)
{
    sync_clock(R);
    int kpos = c->off + (is_cmd(c, "ZRANGESTORE") ? 2 : 1);
    if (kpos < c->argc) {
        cmd p[3];
        memset(p, 0, sizeof(p));
        const char *k = c->argv[kpos];
        size_t kn = c->len[kpos];
        cmd_of(&p[0], 3, S_("OBJECT"), S_("ENCODING"), k, kn);
        cmd_of(&p[1], 5, S_("ZRANGE"), k, kn, S_("0"), S_("0"), S_("WITHSCORES"));
        cmd_of(&p[2], 5, S_("ZRANGE"), k, kn, S_("-1"), S_("-1"), S_("WITHSCORES"));
        rl_reply *x[3] = { NULL, NULL, NULL };
        int fail = 0;
        for (int j = 0; j < 3 && !fail; j++)
            fail = rl_backend_redis_send(R->redis, p[j].argc, (const char *const *)p[j].argv,
                                         p[j].len) != 0;
        for (int j = 0; j < 3 && !fail; j++)
            fail = (x[j] = rl_backend_redis_recv(R->redis)) == NULL;
        int undefined = !fail && bulk_is(x[0], "skiplist") && x[1]->type == RL_REPLY_ARRAY &&
            x[2]->type == RL_REPLY_ARRAY && x[1]->elements == 2 && x[2]->elements == 2 &&
            !same_str(x[1]->element[1], x[2]->element[1]);
        for (int j = 0; j < 3; j++) {
            cmd_clear(&p[j]);
            rl_reply_free(x[j]);
        }
        if (fail) return -1;
        if (undefined) {
            R->lex_skipped++;
            return 0;
        }
    }
    rl_reply *e = emu_call(R, c), *r = redis_cmd(R, c);
    if (!r) {
        rl_reply_free(e);
        return -1;
    }
    window_end(R);
    int bad = verdict(R, c, e, r, resp_equal(e, r), NULL);
    rl_reply_free(e);
    rl_reply_free(r);
    return after_mismatch(R, bad);
}

/* SORT ... STORE. Where Redis's order is random (sort_parse) the two
 * stored lists can differ in order: they are compared sorted (by length
 * with LIMIT, which picks a random part), then the emulator's copy is
 * replaced by Redis's, so later commands see the same list. */
static int run_sortstore(run *R, const cmd *c)
{
    sync_clock(R);
    static const char *const zr[] = { "ZADD", "rl:errno", "XX", "1", "m" };
    static const size_t zrlen[] = { 4, 8, 2, 1, 1 };
    cmd enc = { 0 };
    cmd_of(&enc, 3, S_("OBJECT"), S_("ENCODING"), c->argv[c->off + 1], c->len[c->off + 1]);
    rl_reply *e = emu_call(R, c), *x = NULL, *r = NULL, *pre = NULL;
    if (rl_backend_redis_send(R->redis, enc.argc, (const char *const *)enc.argv, enc.len) == 0 &&
        rl_backend_redis_send(R->redis, 5, zr, zrlen) == 0 &&
        rl_backend_redis_send(R->redis, c->argc, (const char *const *)c->argv, c->len) == 0 &&
        (x = rl_backend_redis_recv(R->redis)) != NULL &&
        (pre = rl_backend_redis_recv(R->redis)) != NULL)
        r = rl_backend_redis_recv(R->redis);
    cmd_clear(&enc);
    rl_reply_free(pre);
    if (!r) {
        rl_reply_free(e);
        rl_reply_free(x);
        return -1;
    }
    window_end(R);
    sort_opts so = sort_parse(c, x);
    rl_reply_free(x);
    int ok = resp_equal(e, r);
    const char *why = NULL;
    if (ok && so.random && so.store && r->type == RL_REPLY_INTEGER) {
        cmd lr = { 0 };
        cmd_of(&lr, 4, S_("LRANGE"), c->argv[so.store], c->len[so.store], S_("0"), S_("-1"));
        rl_reply *el = emu_call(R, &lr), *rl = redis_cmd(R, &lr);
        cmd_clear(&lr);
        if (!rl) {
            rl_reply_free(e);
            rl_reply_free(r);
            rl_reply_free(el);
            return -1;
        }
        cmd put = { 0 };
        cmd_of(&put, 2, S_("RPUSH"), c->argv[so.store], c->len[so.store]);
        for (size_t i = 0; rl->type == RL_REPLY_ARRAY && i < rl->elements; i++)
            arg(&put, rl->element[i]->str, rl->element[i]->len);
        if (so.limit) {
            ok = el->type == rl->type && el->elements == rl->elements;
        } else {
            sort_bulks(el);
            sort_bulks(rl);
            ok = resp_equal(el, rl);
        }
        why = "the stored lists differ (compared sorted)";
        if (ok && put.argc > 2) {
            /* The emulator gets Redis's order. */
            cmd del = { 0 };
            cmd_of(&del, 2, S_("DEL"), c->argv[so.store], c->len[so.store]);
            rl_reply_free(emu_call(R, &del));
            rl_reply_free(emu_call(R, &put));
            cmd_clear(&del);
            R->resyncs++;
        }
        cmd_clear(&put);
        rl_reply_free(el);
        rl_reply_free(rl);
    }
    int bad = verdict(R, c, e, r, ok, why);
    rl_reply_free(e);
    rl_reply_free(r);
    return after_mismatch(R, bad);
}

/* Where a blocking command's timeout is, or -1; *ms says it counts in ms. */
static int timeout_at(const cmd *c, int *ms)
{
    *ms = 0;
    if (c->argc < 2) return -1;
    if (is_cmd(c, "BLMPOP") || is_cmd(c, "BZMPOP")) return 1;
    if (is_cmd(c, "XREAD") || is_cmd(c, "XREADGROUP")) {
        int at = -1;
        *ms = 1;
        for (int i = 1; i + 1 < c->argc && strcasecmp(c->argv[i], "STREAMS"); i++)
            if (!strcasecmp(c->argv[i], "BLOCK")) at = ++i;
        return at;
    }
    return c->argc - 1;
}

static int in_lits(const lit *tab, size_t n, const char *p, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (tab[i].n == len && memcmp(tab[i].p, p, len) == 0) return 1;
    return 0;
}

/* A blocking command outside a script. The emulator never blocks: with
 * nothing to pop it answers the timeout's null at once. Redis blocks for
 * the timeout, so it gets the command with a long timeout (or 0, forever)
 * replaced by a short one (10 ms), which changes nothing but how long it
 * waits: if the emulator popped something, Redis pops the same at once;
 * if it answered null, Redis waits 10 ms and answers null too (or pops
 * something, a mismatch). Those waits are rationed (R->block_waits): past
 * the ration a command the emulator answered with null is not sent. */
static int run_blocking(run *R, const cmd *c)
{
    sync_clock(R);
    rl_reply *e = emu_call(R, c);
    int ms, at = timeout_at(c, &ms);
    cmd rc = { 0 };
    for (int i = 0; i < c->argc; i++) {
        int swap = i == at &&
            (ms ? in_lits(long_block_ms, COUNT(long_block_ms), c->argv[i], c->len[i])
                : in_lits(long_timeouts, COUNT(long_timeouts), c->argv[i], c->len[i]));
        if (swap) args(&rc, ms ? "10" : "0.01");
        else arg(&rc, c->argv[i], c->len[i]);
    }
    int null = e->type == RL_REPLY_NIL || e->type == RL_REPLY_NIL_ARRAY;
    if (null) {
        if (R->block_waits >= 20 + R->index / 1000) {
            R->block_skipped++;
            rl_reply_free(e);
            cmd_clear(&rc);
            return 0;
        }
        R->block_waits++;
    }
    rl_reply *r = redis_cmd(R, &rc);
    cmd_clear(&rc);
    if (!r) {
        rl_reply_free(e);
        return -1;
    }
    /* A wait for the timeout is no clock drift. */
    if (!null) window_end(R);
    int bad = verdict(R, c, e, r, resp_equal(e, r), NULL);
    rl_reply_free(e);
    rl_reply_free(r);
    return after_mismatch(R, bad);
}

/* Runs a command that needs its own round trips (SCAN, RANDOMKEY, SPOP,
 * *SCAN, blocking forms); the pipeline is empty at this point. Returns as
 * after_mismatch. */
static int run_special(run *R, const cmd *c)
{
    if (c->block) return run_blocking(R, c);
    if (specs[c->spec].cmp == CMP_SPOP) return run_spop(R, c);
    if (specs[c->spec].cmp == CMP_KSCAN) return run_kscan(R, c);
    if (c->lex) return run_lex(R, c);
    if (specs[c->spec].cmp == CMP_SORTCMD) return run_sortstore(R, c);
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
    cmd c = { 0 };
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
    if (!strcmp(type, "stream")) {
        int bad = state_cmd(R, CMP_EXACT, what, NULL, 4, "XRANGE", (size_t)6, k->str, k->len, "-",
                            (size_t)1, "+", (size_t)1);
        if (!bad)
            bad = state_cmd(R, CMP_EXACT, what, NULL, 3, "XINFO", (size_t)5, "GROUPS", (size_t)6,
                            k->str, k->len);
        if (!bad)
            bad = state_cmd(R, CMP_EXACT, what, NULL, 3, "XINFO", (size_t)5, "STREAM", (size_t)6,
                            k->str, k->len);
        return bad;
    }
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
    if (!bad)
        bad = state_cmd(R, CMP_EXACT, "restoring the db", NULL, 2, "SELECT", (size_t)6, db,
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
    rl_reply **ep = calloc(n ? n : 1, sizeof(*ep));
    for (size_t i = 0; i < n; i++) {
        int64_t t0 = wall_ms();
        e[i] = emu_call(R, &batch[i]);
        int64_t took = wall_ms() - t0;
        if (specs[batch[i].spec].cmp == CMP_RAND && batch[i].argc >= batch[i].off + 2) {
            /* The collection the random reply was drawn from, as it is now
             * (the random commands only read). */
            cmd cc = { 0 };
            content_cmd(&batch[i], &cc);
            ep[i] = emu_call(R, &cc);
            cmd_clear(&cc);
        }
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
        int pre_ok = 1;
        for (int k = 0; k < batch[i].npre && pre_ok; k++) {
            rl_reply *x = rl_backend_redis_recv(R->redis);
            pre_ok = x != NULL;
            rl_reply_free(x);
        }
        rl_reply *r = pre_ok ? rl_backend_redis_recv(R->redis) : NULL;
        rl_reply *rp[MAXPROBE];
        int nrp = 0;
        while (r && nrp < batch[i].nprobe && (rp[nrp] = rl_backend_redis_recv(R->redis)) != NULL)
            nrp++;
        if (!r || nrp < batch[i].nprobe) {
            rl_reply_free(r);
            for (int k = 0; k < nrp; k++) rl_reply_free(rp[k]);
            for (; i < n; i++) {
                rl_reply_free(e[i]);
                rl_reply_free(ep[i]);
            }
            free(e);
            free(ep);
            return -1;
        }
        /* After a mismatch the two sides have diverged: the rest of the
         * batch is drained without comparing. */
        if (!mismatch) {
            R->index = first_index + i;
            remember(R, &batch[i]);
            mismatch = check_probed(R, &batch[i], e[i], r, rp, nrp, ep[i]);
        }
        rl_reply_free(e[i]);
        rl_reply_free(ep[i]);
        rl_reply_free(r);
        for (int k = 0; k < nrp; k++) rl_reply_free(rp[k]);
    }
    free(e);
    free(ep);
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
    const char *argv[] = { n };
    size_t len[] = { strlen(n) };
    rl_reply *r = rl_emu_call(emu, 1, argv, len);
    int has = !(r->type == RL_REPLY_ERROR && strncmp(r->str, "ERR unknown command", 19) == 0);
    rl_reply_free(r);
    return has;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: random_diff [--seed N] [--commands N] [--only A,B] "
            "[--exclude A,B] [--focus TYPES] [--eval-percent P] [--keep-going] "
            "[--trace] [--server HOST:PORT]\n");
}

/* --focus lists,sets: the commands of those groups get three quarters of
 * the draws, the rest (keys, strings and the other types, which make the
 * wrong types) one quarter. -1 if no enabled command is in them. */
static int apply_focus(const char *focus)
{
    unsigned in = 0, out = 0;
    for (size_t i = 0; i < NSPECS; i++) {
        if (!specs[i].enabled || !specs[i].weight) continue;
        if (in_list(focus, specs[i].group)) in += specs[i].weight;
        else out += specs[i].weight;
    }
    if (!in) return -1;
    unsigned m = (3 * out + in - 1) / in;
    if (m < 1) m = 1;
    total_weight = 0;
    for (size_t i = 0; i < NSPECS; i++) {
        if (!specs[i].enabled || !specs[i].weight) continue;
        if (in_list(focus, specs[i].group)) specs[i].weight *= m;
        total_weight += specs[i].weight;
    }
    return 0;
}

static void summary(const run *R)
{
    printf("compared per command:");
    int col = 21;
    for (size_t i = 0; i < NSPECS; i++) {
        if (!specs[i].enabled) continue;
        char item[64];
        int n = specs[i].mismatched
            ? snprintf(item, sizeof(item), " %s=%lu(%lu bad)", specs[i].name, specs[i].compared,
                       specs[i].mismatched)
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
    static const char *const groups_all[] = { "keys", "strings", "bitmaps", "lists", "hashes",
                                              "sets", "zsets",   "streams", "sort" };
    printf("compared per type:");
    for (size_t g = 0; g < COUNT(groups_all); g++) {
        unsigned long n = 0;
        for (size_t i = 0; i < NSPECS; i++)
            if (!strcmp(specs[i].group, groups_all[g])) n += specs[i].compared;
        printf(" %s=%lu", groups_all[g], n);
    }
    printf("\n");
    if (R->block_waits || R->block_skipped || R->resyncs || R->lex_skipped)
        printf("blocking commands Redis waited 10 ms on: %lu; not sent (the emulator answered "
               "null, past the ration): %lu; random pops and SORT STOREs resynchronised: %lu; "
               "lex ranges over mixed scores not run: %lu\n",
               R->block_waits, R->block_skipped, R->resyncs, R->lex_skipped);
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
    const char *focus = getenv("RL_DIFF_FOCUS");
    R.keep_going = (env = getenv("RL_DIFF_KEEP_GOING")) && !strcmp(env, "1");
    eval_percent = (env = getenv("RL_DIFF_EVAL_PERCENT")) && *env ? (unsigned)atoi(env) : 5;
    known_bugs = (env = getenv("RL_DIFF_KNOWN_BUGS")) && !strcmp(env, "1");
    const char *server = NULL;
    for (int i = 1; i < argc; i++) {
        int more = i + 1 < argc;
        if (!strcmp(argv[i], "--seed") && more) R.seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--commands") && more) R.ncommands = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--only") && more) only = argv[++i];
        else if (!strcmp(argv[i], "--exclude") && more) exclude = argv[++i];
        else if (!strcmp(argv[i], "--focus") && more) focus = argv[++i];
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

    sel_focus = focus;
    sel_only = only;
    sel_exclude = exclude;
    R.emu = rl_emu_new();
    for (size_t i = 0; i < NSPECS; i++) {
        spec *s = &specs[i];
        if (s->weight == 0) {
            state_spec = i;
            s->enabled = 1;
            continue;
        }
        s->enabled = (!only || !*only || in_list(only, s->name) || in_list(only, s->group)) &&
            !in_list(exclude, s->name) && !in_list(exclude, s->group);
        if (s->aux && s->enabled && !emu_has(R.emu, s->name)) {
            s->enabled = 0;
            s->aux = 2; /* wanted, but the emulator lacks it */
        }
        if (s->enabled) total_weight += s->weight;
    }
    if (focus && *focus && apply_focus(focus) != 0) {
        int lacking = 0;
        for (size_t i = 0; i < NSPECS; i++)
            if (specs[i].aux == 2 && in_list(focus, specs[i].group)) lacking = 1;
        fprintf(stderr, "random_diff: --focus %s: %s\n", focus,
                lacking ? "the emulator has none of these commands yet (skipped)"
                        : "no such type among the commands run");
        rl_emu_free(R.emu);
        return lacking ? RL_DIFF_SKIP : 2;
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
        if (rl_diff_parse_hostport(server, host, sizeof(host), &port) != 0) {
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
    if (!server) {
        /* Blocked clients time out on the server's cron tick: at the
         * default 10 Hz a 10 ms timeout takes up to 100 ms. */
        static const char *const hz[] = { "CONFIG", "SET", "hz", "100" };
        static const size_t hzlen[] = { 6, 3, 2, 3 };
        rl_reply_free(R.redis->call(R.redis, 4, hz, hzlen));
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
        cmd c = { 0 };
        generate(&c);
        int check_state = (i + 1) % STATE_EVERY == 0 || i + 1 == R.ncommands;
        int cmpk = specs[c.spec].cmp;
        int special = cmpk == CMP_SCAN || cmpk == CMP_RANDOM || cmpk == CMP_SPOP ||
            cmpk == CMP_KSCAN || c.block || c.lex || has_store(&c);
        if (!special) {
            if (nb == 0) first = i;
            if (specs[c.spec].cmp == CMP_SORTCMD) {
                /* Redis 7.0's numeric SORT reads a stale errno after strtod:
                 * a float that overflowed in an earlier command makes it
                 * fail. ZADD parses its score with errno cleared first;
                 * with XX on a key that never exists it does nothing else. */
                static const char *const zr[] = { "ZADD", "rl:errno", "XX", "1", "m" };
                static const size_t zrlen[] = { 4, 8, 2, 1, 1 };
                c.npre = 1;
                if (rl_backend_redis_send(R.redis, 5, zr, zrlen) != 0) {
                    cmd_clear(&c);
                    rc = -1;
                    break;
                }
            }
            if (rl_backend_redis_send(R.redis, c.argc, (const char *const *)c.argv, c.len) != 0) {
                cmd_clear(&c);
                rc = -1;
                break;
            }
            cmd pr[MAXPROBE];
            memset(pr, 0, sizeof(pr));
            c.nprobe = probes_for(&c, pr);
            for (int k = 0; k < c.nprobe; k++) {
                if (rc == 0 &&
                    rl_backend_redis_send(R.redis, pr[k].argc, (const char *const *)pr[k].argv,
                                          pr[k].len) != 0)
                    rc = -1;
                cmd_clear(&pr[k]);
            }
            batch[nb++] = c;
            if (rc) break;
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
