/* hll_diff: the HyperLogLog commands on the emulator and on a real
 * redis-server, reply by reply, compared byte for byte as RESP2.
 *
 * The stream is seeded and made of rounds, each on freshly emptied servers:
 * - grow: one key fed random elements in batches up to a target size drawn
 *   around the sparse -> dense promotion (hll-sparse-max-bytes 3000) and
 *   past it, with PFCOUNT (cached and not), GET (the raw bytes),
 *   PFDEBUG ENCODING/DECODE/GETREG/TODENSE along the way;
 * - merge: up to ten keys of mixed sizes and encodings (some missing),
 *   PFCOUNT over subsets of them, PFMERGE into a new key, into one of the
 *   sources, into a key that is not a source;
 * - corrupt: an HLL changed with SETRANGE/APPEND, or SET to crafted bytes
 *   (bad magic, encoding or length, opcode streams covering too few or too
 *   many registers), then every command on it;
 * - types: other types, non-HLL strings, missing keys, bad subcommands and
 *   arity, all the error replies;
 * - scripts: the commands through EVAL, EVAL_RO, a `no-writes` shebang and
 *   functions (FCALL, FCALL_RO), where PFCOUNT is refused as a write.
 * Elements are unique counters, repeats, integers, binary strings with NUL
 * and high bytes, and long strings (every MurmurHash tail length).
 *
 * Usage: hll_diff [--seed N] [--rounds N] [--no-selftest] [--trace]
 *                 [--server HOST:PORT]
 * Environment: RL_DIFF_SEED (default 1), RL_HLL_ROUNDS (default 300).
 * PFSELFTEST runs once first unless --no-selftest (it adds 10 million
 * elements: too slow under valgrind). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "diff_rand.h"
#include "diff_server.h"
#include "mem.h"
#include "redlua.h"
#include "reply.h"

/* --- Commands ------------------------------------------------------------------ */

typedef struct cmd {
    int argc, cap;
    char **argv;
    size_t *len;
} cmd;

static void cmd_add(cmd *c, const void *p, size_t n)
{
    if (c->argc == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        c->argv = realloc(c->argv, sizeof(*c->argv) * (size_t)c->cap);
        c->len = realloc(c->len, sizeof(*c->len) * (size_t)c->cap);
        if (!c->argv || !c->len) abort();
    }
    c->argv[c->argc] = malloc(n + 1);
    if (!c->argv[c->argc]) abort();
    memcpy(c->argv[c->argc], p, n);
    c->argv[c->argc][n] = '\0';
    c->len[c->argc++] = n;
}

static void cmd_adds(cmd *c, const char *s)
{
    cmd_add(c, s, strlen(s));
}

static void cmd_free(cmd *c)
{
    for (int i = 0; i < c->argc; i++) free(c->argv[i]);
    free(c->argv);
    free(c->len);
    memset(c, 0, sizeof(*c));
}

/* --- The two sides --------------------------------------------------------------- */

static rl_emu *emu;
static rl_backend *redis;
static int trace;
static uint64_t seed;
static unsigned long round_no, ncompared;

/* Commands sent to Redis whose replies are not read yet, with the
 * emulator's reply to each. */
enum { BATCH = 256, HISTORY = 8 };
static struct pending {
    cmd c;
    rl_reply *emu_reply;
} pend[BATCH];
static int npend;
static cmd history[HISTORY];
static unsigned long nhistory;

static void print_cmd(FILE *f, const cmd *c)
{
    for (int i = 0; i < c->argc; i++) {
        if (i) fputc(' ', f);
        fputc('"', f);
        size_t n = c->len[i] > 200 ? 200 : c->len[i];
        rl_diff_print_escaped(f, c->argv[i], n);
        if (n < c->len[i]) fprintf(f, "...(%zu bytes)", c->len[i]);
        fputc('"', f);
    }
    fputc('\n', f);
}

static void print_resp(FILE *f, const char *what, const char *s, size_t n)
{
    fprintf(f, "  %s (%zu bytes): ", what, n);
    rl_diff_print_escaped(f, s, n > 600 ? 600 : n);
    if (n > 600) fputs("...", f);
    fputc('\n', f);
}

static void fail_exit(void)
{
    rl_emu_free(emu);
    redis->free(redis);
    exit(1);
}

/* Reads Redis's replies to every pending command and compares them. */
static void flush(void)
{
    if (npend && rl_backend_redis_flush(redis) != 0) {
        fprintf(stderr, "hll_diff: %s\n", redis->errstr);
        fail_exit();
    }
    for (int i = 0; i < npend; i++) {
        rl_reply *r = rl_backend_redis_recv(redis);
        if (!r) {
            fprintf(stderr, "hll_diff: %s\n", redis->errstr);
            fail_exit();
        }
        size_t en, rn_;
        char *es = rl_reply_to_resp(pend[i].emu_reply, 2, &en);
        char *rs = rl_reply_to_resp(r, 2, &rn_);
        int same = en == rn_ && memcmp(es, rs, en) == 0;
        if (trace || !same) {
            FILE *f = same ? stdout : stderr;
            if (!same) {
                fprintf(f, "hll_diff: MISMATCH (seed %llu, round %lu)\n", (unsigned long long)seed,
                        round_no);
                fputs("  commands before it:\n", f);
                /* The history holds the commands of earlier batches. */
                unsigned long from = nhistory > HISTORY ? nhistory - HISTORY : 0;
                for (unsigned long h = from; h < nhistory; h++) {
                    fputs("    ", f);
                    print_cmd(f, &history[h % HISTORY]);
                }
                for (int j = i > HISTORY ? i - HISTORY : 0; j < i; j++) {
                    fputs("    ", f);
                    print_cmd(f, &pend[j].c);
                }
                fputs("  command: ", f);
            }
            print_cmd(f, &pend[i].c);
            print_resp(f, "emulator", es, en);
            if (!same) print_resp(f, "redis   ", rs, rn_);
        }
        rl_free(es);
        rl_free(rs);
        rl_reply_free(r);
        if (!same) fail_exit();
        ncompared++;
    }
    for (int i = 0; i < npend; i++) {
        rl_reply_free(pend[i].emu_reply);
        cmd_free(&history[nhistory % HISTORY]);
        history[nhistory++ % HISTORY] = pend[i].c;
    }
    npend = 0;
}

/* Runs c on both sides (Redis pipelined); takes c. */
static void run(cmd *c)
{
    pend[npend].emu_reply = rl_emu_call(emu, c->argc, (const char *const *)c->argv, c->len);
    if (rl_backend_redis_send(redis, c->argc, (const char *const *)c->argv, c->len) != 0) {
        fprintf(stderr, "hll_diff: %s\n", redis->errstr);
        fail_exit();
    }
    pend[npend++].c = *c;
    memset(c, 0, sizeof(*c));
    if (npend == BATCH) flush();
}

/* Runs a command given as C strings, NULL-terminated. */
static void runv(const char *a0, ...)
{
    cmd c = { 0 };
    va_list ap;
    va_start(ap, a0);
    for (const char *s = a0; s; s = va_arg(ap, const char *)) cmd_adds(&c, s);
    va_end(ap);
    run(&c);
}

/* The emulator's current value of key (no effect on state), or NULL. The
 * caller frees it with rl_reply_free. */
static rl_reply *peek(const char *key)
{
    const char *argv[] = { "GET", key };
    size_t len[] = { 3, strlen(key) };
    rl_reply *r = rl_emu_call(emu, 2, argv, len);
    if (r->type != RL_REPLY_BULK) {
        rl_reply_free(r);
        return NULL;
    }
    return r;
}

/* Some commands go through a script instead: the plain EVAL path, which
 * must behave as the command itself. */
static void run_maybe_script(cmd *c)
{
    if (!chance(10)) {
        run(c);
        return;
    }
    cmd s = { 0 };
    cmd_adds(&s, "EVAL");
    cmd_adds(&s, "return redis.pcall(unpack(ARGV))");
    cmd_adds(&s, "0");
    for (int i = 0; i < c->argc; i++) cmd_add(&s, c->argv[i], c->len[i]);
    cmd_free(c);
    run(&s);
}

/* --- Elements ------------------------------------------------------------------ */

static unsigned long long counter;

static void add_element(cmd *c)
{
    char buf[700];
    size_t n;
    unsigned kind = rn(100);
    if (kind < 55) {
        n = (size_t)snprintf(buf, sizeof(buf), "%s%llu", chance(50) ? "e:" : "", counter++);
    } else if (kind < 67) {
        n = (size_t)snprintf(buf, sizeof(buf), "rep%u", rn(20));
    } else if (kind < 75) {
        static const char *const nums[] = {
            "0", "-0", "1", "-1", "9223372036854775807", "9223372036854775808", "1.5", "inf", ""
        };
        const char *s = nums[rn(sizeof(nums) / sizeof(nums[0]))];
        n = strlen(s);
        memcpy(buf, s, n);
    } else if (kind < 95) {
        n = rn(41);
        for (size_t i = 0; i < n; i++) buf[i] = chance(20) ? 0 : (char)rn(256);
    } else {
        n = 64 + rn(600);
        for (size_t i = 0; i < n; i++) buf[i] = (char)('a' + rn(26));
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%llu", counter++);
    }
    cmd_add(c, buf, n);
}

/* PFADD key with up to max elements (at least one unless zero_ok). */
static void pfadd(const char *key, unsigned max, int zero_ok)
{
    cmd c = { 0 };
    cmd_adds(&c, "PFADD");
    cmd_adds(&c, key);
    unsigned n = zero_ok ? rn(max + 1) : 1 + rn(max);
    for (unsigned i = 0; i < n; i++) add_element(&c);
    run_maybe_script(&c);
}

/* Feeds key about target elements in random batches, probing as it goes. */
static void grow(const char *key, unsigned target)
{
    unsigned added = 0;
    unsigned batch_max = target < 100 ? 4 : target < 3000 ? 24 : 200;
    while (added < target) {
        unsigned n = 1 + rn(batch_max);
        cmd c = { 0 };
        cmd_adds(&c, "PFADD");
        cmd_adds(&c, key);
        for (unsigned i = 0; i < n; i++) add_element(&c);
        added += n;
        run_maybe_script(&c);
        if (chance(40)) runv("PFCOUNT", key, NULL);
        if (chance(10)) runv("PFCOUNT", key, NULL); /* the cached value */
        if (chance(8)) runv("GET", key, NULL);
        if (chance(8)) runv("PFDEBUG", "ENCODING", key, NULL);
        if (chance(4)) runv("PFDEBUG", "DECODE", key, NULL);
    }
}

/* A target size: small, around the sparse -> dense promotion, or past it. */
static unsigned draw_size(void)
{
    unsigned k = rn(100);
    if (k < 10) return 0;
    if (k < 40) return rn(200);
    if (k < 85) return 600 + rn(3000);
    return 3000 + rn(15000);
}

/* --- Rounds ------------------------------------------------------------------- */

static void round_grow(void)
{
    grow("h", draw_size());
    runv("GET", "h", NULL);
    runv("PFCOUNT", "h", NULL);
    runv("PFDEBUG", "ENCODING", "h", NULL);
    if (chance(30)) runv("PFDEBUG", "DECODE", "h", NULL);
    if (chance(20)) runv("PFDEBUG", "GETREG", "h", NULL);
    if (chance(20)) {
        runv("PFDEBUG", "TODENSE", "h", NULL);
        runv("GET", "h", NULL);
        runv("PFCOUNT", "h", NULL);
    }
    /* Adding after promotion, and re-adding known elements. */
    grow("h", rn(50));
    runv("GET", "h", NULL);
    runv("PFCOUNT", "h", NULL);
}

static const char *const mkeys[] = { "m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9" };

static void round_merge(void)
{
    unsigned nkeys = 2 + rn(9);
    for (unsigned i = 0; i < nkeys; i++) {
        if (chance(10)) continue; /* missing */
        unsigned size = draw_size();
        if (chance(40)) size /= 8;
        grow(mkeys[i], size);
        if (chance(15)) runv("PFDEBUG", "TODENSE", mkeys[i], NULL);
    }
    for (unsigned t = 0, n = 1 + rn(6); t < n; t++) {
        cmd c = { 0 };
        cmd_adds(&c, chance(60) ? "PFCOUNT" : "PFMERGE");
        int merge = c.argv[0][3] == 'M';
        if (merge) {
            unsigned d = rn(3);
            cmd_adds(&c, d == 0 ? "dest" : d == 1 ? mkeys[rn(nkeys)] : mkeys[nkeys - 1]);
        }
        for (unsigned i = 0, k = rn(nkeys + 2); i < k; i++)
            cmd_adds(&c, chance(8) ? "missing" : mkeys[rn(nkeys)]);
        if (!merge && c.argc == 1) cmd_adds(&c, mkeys[0]);
        char dest[16];
        snprintf(dest, sizeof(dest), "%s", merge ? c.argv[1] : "");
        run_maybe_script(&c);
        if (merge) {
            runv("GET", dest, NULL);
            runv("PFCOUNT", dest, NULL);
            runv("PFDEBUG", "ENCODING", dest, NULL);
            if (chance(30)) pfadd(dest, 20, 0);
        }
    }
    cmd c = { 0 };
    cmd_adds(&c, "PFCOUNT");
    for (unsigned i = 0; i < nkeys; i++) cmd_adds(&c, mkeys[i]);
    run(&c);
}

/* A crafted sparse body: opcodes whose runs add up to 16384 registers, or
 * to a few more or fewer. */
static size_t craft_sparse(uint8_t *out, size_t cap, int force_cut)
{
    long want = 16384;
    if (chance(30)) want += (long)rn(9) - 4;
    if (chance(5)) want = rn(20000);
    /* Cut short by an XZERO opcode missing its second byte: Redis reads the
     * byte after the string for it, and PFADD can leave one there. */
    int cut = force_cut || chance(15);
    if (cut) want -= 1 + rn(400);
    size_t n = 0;
    long have = 0;
    while (have < want && n + 2 < cap) {
        long left = want - have;
        unsigned k = rn(10);
        if (k < 3) {
            long len = 1 + (long)rn(64);
            if (len > left) len = left;
            out[n++] = (uint8_t)(len - 1);
            have += len;
        } else if (k < 5) {
            long len = 1 + (long)rn(left < 16384 ? (unsigned)left : 16384);
            out[n++] = (uint8_t)(0x40 | ((len - 1) >> 8));
            out[n++] = (uint8_t)((len - 1) & 0xff);
            have += len;
        } else {
            long len = 1 + (long)rn(4);
            if (len > left) len = left;
            out[n++] = (uint8_t)(0x80 | (rn(32) << 2) | (unsigned)(len - 1));
            have += len;
        }
    }
    if (cut) {
        /* Mostly one whose first byte alone covers the registers left, so
         * that PFADD finds them there. */
        unsigned hi = (unsigned)(16384 - have + 254) >> 8;
        out[n++] = (uint8_t)(0x40 | (chance(70) && hi < 64 ? hi : rn(64)));
    } else if (chance(10) && n + 1 < cap) {
        out[n++] = (uint8_t)rn(256); /* trailing junk */
    }
    return n;
}

static void set_bytes(const char *key, const uint8_t *p, size_t n)
{
    cmd c = { 0 };
    cmd_adds(&c, "SET");
    cmd_adds(&c, key);
    cmd_add(&c, p, n);
    run(&c);
}

/* Commands on a possibly corrupt value, in a random order. */
static void poke_all(const char *key)
{
    for (unsigned t = 0, n = 2 + rn(12); t < n; t++) {
        switch (rn(9)) {
        case 0: runv("PFCOUNT", key, NULL); break;
        case 1: pfadd(key, 8, 1); break;
        case 8: pfadd(key, 200, 0); break;
        case 2: runv("PFDEBUG", "DECODE", key, NULL); break;
        case 3: runv("PFDEBUG", chance(50) ? "TODENSE" : "GETREG", key, NULL); break;
        case 4: runv("PFMERGE", chance(50) ? "dest" : key, key, NULL); break;
        case 5: runv("PFCOUNT", key, "other", NULL); break;
        case 6: runv("PFDEBUG", "ENCODING", key, NULL); break;
        default: runv("GET", key, NULL); break;
        }
    }
    runv("GET", key, NULL);
}

static void round_corrupt(void)
{
    uint8_t buf[20000];
    unsigned kind = rn(5);
    if (chance(50)) grow("other", rn(300));
    if (kind == 0) {
        /* A real HLL with some bytes changed. */
        grow("c", draw_size());
        if (chance(30)) runv("PFDEBUG", "TODENSE", "c", NULL);
        if (chance(50)) runv("PFCOUNT", "c", NULL);
        flush();
        rl_reply *v = peek("c");
        size_t len = v ? v->len : 0;
        rl_reply_free(v);
        for (unsigned t = 0, n = 1 + rn(3); t < n; t++) {
            char off[32], bytes[3];
            size_t nb = 1 + rn(3);
            long o = chance(30) ? (long)rn(16) : (long)rn((unsigned)len + 4);
            snprintf(off, sizeof(off), "%ld", o);
            for (size_t i = 0; i < nb; i++) bytes[i] = (char)rn(256);
            cmd c = { 0 };
            cmd_adds(&c, "SETRANGE");
            cmd_adds(&c, "c");
            cmd_adds(&c, off);
            cmd_add(&c, bytes, nb);
            run(&c);
        }
    } else if (kind == 1) {
        grow("c", rn(100));
        cmd c = { 0 };
        cmd_adds(&c, "APPEND");
        cmd_adds(&c, "c");
        size_t nb = 1 + rn(4);
        for (size_t i = 0; i < nb; i++) buf[i] = (uint8_t)rn(256);
        cmd_add(&c, buf, nb);
        run(&c);
    } else {
        /* Crafted bytes: a header, then a sparse or dense body. */
        memcpy(buf, "HYLL", 4);
        buf[4] = kind == 4 || chance(70) ? 1 : chance(80) ? 0 : (uint8_t)rn(256);
        memset(buf + 5, 0, 11);
        if (chance(20)) buf[5 + rn(3)] = (uint8_t)rn(256);
        if (chance(30)) {
            for (int i = 8; i < 16; i++) buf[i] = (uint8_t)rn(256);
            buf[15] &= 0x7f; /* a valid cache: PFCOUNT answers it as is */
        } else {
            buf[15] = 0x80;
        }
        if (chance(5)) buf[rn(4)] ^= (uint8_t)(1 + rn(255));
        size_t n = 16;
        if (kind == 4) memcpy(buf, "HYLL", 4); /* keep the magic intact */
        if (buf[4] == 0 && chance(80)) {
            n += 12288;
            for (size_t i = 16; i < n; i++) buf[i] = chance(70) ? 0 : (uint8_t)rn(256);
            if (chance(10)) n -= 1 + rn(4);
        } else {
            n += craft_sparse(buf + 16, sizeof(buf) - 16, kind == 4);
        }
        set_bytes("c", buf, n);
    }
    if (kind == 4) {
        /* Feed the cut-short XZERO until PFADDs land in it, more than once:
         * each split leaves a byte after the string for the next to read. */
        for (unsigned t = 0; t < 12; t++) {
            pfadd("c", 200, 0);
            runv("GET", "c", NULL);
            runv("PFDEBUG", "DECODE", "c", NULL);
        }
    }
    poke_all("c");
}

static void round_types(void)
{
    runv("RPUSH", "list", "a", NULL);
    runv("HSET", "hash", "f", "v", NULL);
    runv("SET", "str", "abc", NULL);
    runv("SET", "int", "12345678901234567", NULL);
    runv("SET", "hyll", "HYLL", NULL);
    set_bytes("hdr", (const uint8_t *)"HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80", 16);
    set_bytes("dense_short", (const uint8_t *)"HYLL\0\0\0\0\0\0\0\0\0\0\0\x80", 16);
    runv("SET", "empty", "", NULL);
    static const char *const keys[] = { "list", "hash",        "str",   "int",    "hyll",
                                        "hdr",  "dense_short", "empty", "missing" };
    const size_t nk = sizeof(keys) / sizeof(keys[0]);
    for (unsigned t = 0; t < 12; t++) {
        const char *k = keys[rn((unsigned)nk)];
        switch (rn(6)) {
        case 0: pfadd(k, 3, 1); break;
        case 1: runv("PFCOUNT", k, NULL); break;
        case 2: runv("PFCOUNT", "missing", k, NULL); break;
        case 3: runv("PFMERGE", k, "missing", NULL); break;
        case 4: runv("PFMERGE", "dest", k, NULL); break;
        default: {
            static const char *const subs[] = { "GETREG", "decode",    "Encoding", "todense",
                                                "nope",   "getreg\0x", "a\r\nb" };
            unsigned s = rn(7);
            cmd c = { 0 };
            cmd_adds(&c, "PFDEBUG");
            cmd_add(&c, subs[s], s == 5 ? 8 : strlen(subs[s]));
            cmd_adds(&c, k);
            run_maybe_script(&c);
        }
        }
    }
    runv("PFADD", "h", NULL);
    runv("PFDEBUG", "nope", "h", NULL);
    runv("PFDEBUG", "GETREG", NULL);
    runv("PFDEBUG", "GETREG", "h", "x", NULL);
    runv("PFCOUNT", NULL);
    runv("PFMERGE", NULL);
    runv("PFADD", NULL);
    runv("PFSELFTEST", "x", NULL);
    runv("PFCOUNT", "h", "missing", "hdr", NULL);
    runv("GET", "hdr", NULL);
    runv("GET", "h", NULL);
}

static const char lib[] =
    "#!lua name=hll\n"
    "redis.register_function{function_name='ro_count', flags={'no-writes'},\n"
    "  callback=function(keys) return redis.pcall('pfcount', unpack(keys)) end}\n"
    "redis.register_function('rw_count',\n"
    "  function(keys) return redis.pcall('pfcount', unpack(keys)) end)\n"
    "redis.register_function{function_name='ro_add', flags={'no-writes'},\n"
    "  callback=function(keys, args) return redis.pcall('pfadd', keys[1], unpack(args)) end}\n";

static void round_scripts(void)
{
    grow("s", rn(2000));
    runv("FUNCTION", "LOAD", "REPLACE", lib, NULL);
    static const char *const bodies[] = {
        "return redis.pcall('pfcount', KEYS[1])",
        "return redis.call('pfcount', KEYS[1])",
        "return redis.pcall('pfadd', KEYS[1], 'x', 'y')",
        "return redis.call('pfadd', KEYS[1], ARGV[1])",
        "return redis.pcall('pfmerge', KEYS[1], KEYS[1])",
        "return redis.pcall('pfdebug', 'encoding', KEYS[1])",
        "return redis.pcall('pfdebug', 'getreg', KEYS[1])[1]",
        "return redis.pcall('pfcount', KEYS[1], 'nokey')",
        "return redis.pcall('pfselftest', 'x')",
        "return redis.pcall('get', KEYS[1])",
    };
    for (unsigned t = 0; t < 10; t++) {
        const char *body = bodies[rn(sizeof(bodies) / sizeof(bodies[0]))];
        char shebang[512];
        const char *ev;
        switch (rn(4)) {
        case 0: ev = "EVAL"; break;
        case 1: ev = "EVAL_RO"; break;
        case 2:
            ev = chance(50) ? "EVAL" : "EVAL_RO";
            snprintf(shebang, sizeof(shebang), "#!lua flags=no-writes\n%s", body);
            body = shebang;
            break;
        default:
            ev = "EVAL";
            snprintf(shebang, sizeof(shebang), "#!lua\n%s", body);
            body = shebang;
        }
        char elem[32];
        snprintf(elem, sizeof(elem), "%llu", counter++);
        runv(ev, body, "1", chance(80) ? "s" : "nokey", elem, NULL);
        static const char *const fns[] = { "ro_count", "rw_count", "ro_add" };
        runv(chance(50) ? "FCALL_RO" : "FCALL", fns[rn(3)], "1", "s", elem, NULL);
    }
    runv("GET", "s", NULL);
    runv("PFCOUNT", "s", NULL);
}

/* --- Main ------------------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr,
            "usage: hll_diff [--seed N] [--rounds N] [--no-selftest] [--trace] "
            "[--server HOST:PORT]\n");
}

static void reset_both(void)
{
    flush();
    rl_emu_free(emu);
    emu = rl_emu_new();
    if (redis->reset(redis) != 0) {
        fprintf(stderr, "hll_diff: %s\n", redis->errstr);
        fail_exit();
    }
}

int main(int argc, char **argv)
{
    const char *env;
    seed = (env = getenv("RL_DIFF_SEED")) && *env ? strtoull(env, NULL, 10) : 1;
    unsigned long rounds = (env = getenv("RL_HLL_ROUNDS")) && *env ? strtoul(env, NULL, 10) : 300;
    int selftest = 1;
    const char *server = NULL;
    for (int i = 1; i < argc; i++) {
        int more = i + 1 < argc;
        if (!strcmp(argv[i], "--seed") && more) seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--rounds") && more) rounds = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--no-selftest")) selftest = 0;
        else if (!strcmp(argv[i], "--trace")) trace = 1;
        else if (!strcmp(argv[i], "--server") && more) server = argv[++i];
        else {
            usage();
            return 2;
        }
    }

    rl_diff_server srv;
    memset(&srv, 0, sizeof(srv));
    char host[256] = "127.0.0.1", err[512];
    int port;
    if (server) {
        if (rl_diff_parse_hostport(server, host, sizeof(host), &port) != 0) {
            usage();
            return 2;
        }
    } else {
        char exe[1024];
        if (rl_diff_find_redis(exe, sizeof(exe)) != 0)
            return rl_diff_no_server_exit("hll_diff", "redis-server not found");
        if (rl_diff_server_start(&srv, exe, err, sizeof(err)) != 0) {
            fprintf(stderr, "hll_diff: cannot start %s: %s\n", exe, err);
            return 1;
        }
        port = srv.port;
    }
    redis = rl_backend_redis_new(host, port, err, sizeof(err));
    if (!redis) {
        fprintf(stderr, "hll_diff: %s\n", err);
        rl_diff_server_stop(&srv);
        return 1;
    }
    emu = rl_emu_new();
    printf("hll_diff: seed %llu, %lu rounds, engine %s, redis %s:%d\n", (unsigned long long)seed,
           rounds, rl_emu_engine(), host, port);
    fflush(stdout);

    rnd_state = seed;
    reset_both();
    if (selftest) runv("PFSELFTEST", NULL);
    unsigned long kinds[5] = { 0 };
    for (round_no = 0; round_no < rounds; round_no++) {
        reset_both();
        unsigned k = rn(100);
        unsigned kind = k < 30 ? 0 : k < 50 ? 1 : k < 80 ? 2 : k < 90 ? 3 : 4;
        kinds[kind]++;
        switch (kind) {
        case 0: round_grow(); break;
        case 1: round_merge(); break;
        case 2: round_corrupt(); break;
        case 3: round_types(); break;
        default: round_scripts(); break;
        }
    }
    flush();
    printf("hll_diff: %lu replies compared, all equal (rounds: %lu grow, %lu merge, "
           "%lu corrupt, %lu types, %lu scripts)\n",
           ncompared, kinds[0], kinds[1], kinds[2], kinds[3], kinds[4]);
    for (unsigned long h = 0; h < HISTORY; h++) cmd_free(&history[h]);
    rl_emu_free(emu);
    redis->free(redis);
    rl_diff_server_stop(&srv);
    return 0;
}
