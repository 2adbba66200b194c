/* redlua-bench-emu: the workloads of bench/workloads.txt run in process,
 * through the public API as a test suite would use it: SCRIPT LOAD once,
 * then EVALSHA by rl_emu_call, each reply freed. Built once per engine
 * (redlua-bench-emu, redlua-bench-emu-luajit). A benchmark, never a test:
 * it asserts nothing about time.
 *
 *   redlua-bench-emu [--smoke] [--runs N] [--ms MS] [--scripts N] [--only NAME]
 *                    [--count N] BENCH_DIR
 *
 * For each workload, a fresh emulator; a warm-up of about MS milliseconds
 * (default 300) that also sizes a run to about MS milliseconds; then N runs
 * (default 5) of that many scripts, and the median run kept.
 *
 * --scripts N is the server's way (bench/run): every run, a first uncounted
 * one as the warm-up, starts with FLUSHALL and runs exactly N scripts, as
 * bench/run's redis-benchmark runs do, so that both sides of a ratio do the
 * same work from the same state. It matters for the workloads that build
 * state (rate_limit's and queue_move's sorted sets grow with every script:
 * a run that went on from the runs before it would be measured on larger
 * sets than the server's).
 *
 * Output, one line per workload, for bench/run to read:
 *
 *   emu ENGINE WORKLOAD SCRIPTS_PER_S CALLS_PER_S
 *
 * --only NAME runs one workload; --count N runs exactly N scripts, once,
 * without warm-up, for profilers and instruction counts.
 *
 * A script that answers an error is reported on stderr and fails the run
 * (exit 1): a broken workload must not pass for a fast one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem.h"
#include "redlua.h"

#define MAX_ARGS 16
#define MAX_WORKLOADS 16

typedef struct workload {
    char name[64];
    int calls; /* redis.call per script in the steady state */
    char *script;
    size_t script_len;
    /* EVALSHA sha numkeys keys... args... with every {r} already expanded to
     * 12 digits; rpos lists where those digits go, rewritten before each call. */
    int argc;
    char *argv[MAX_ARGS];
    size_t lens[MAX_ARGS];
    int nr;
    char *rpos[MAX_ARGS * 2];
} workload;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;

static unsigned long long next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    *len = n;
    return buf;
}

/* One argument of a manifest line: a copy with each {r} turned into 12
 * digits whose positions are recorded. */
static void add_arg(workload *w, const char *tok)
{
    size_t n = strlen(tok);
    char *a = malloc(n * 4 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (strncmp(tok + i, "{r}", 3) == 0) {
            w->rpos[w->nr++] = a + o;
            memset(a + o, '0', 12);
            o += 12;
            i += 3;
        } else {
            a[o++] = tok[i++];
        }
    }
    a[o] = '\0';
    w->argv[w->argc] = a;
    w->lens[w->argc] = o;
    w->argc++;
}

static int load_workloads(const char *dir, workload *ws, int max)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/workloads.txt", dir);
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        fprintf(stderr, "redlua-bench-emu: %s: %s\n", path, strerror(errno));
        return -1;
    }
    int n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '\0') continue;
        if (n == max) break;
        workload *w = &ws[n];
        memset(w, 0, sizeof(*w));
        char script[256], rest[1024] = "";
        int consumed = 0;
        if (sscanf(line, "%63s %d %255s %n", w->name, &w->calls, script, &consumed) < 3) {
            fprintf(stderr, "redlua-bench-emu: bad line in %s: %s\n", path, line);
            free(text);
            return -1;
        }
        snprintf(rest, sizeof(rest), "%s", line + consumed);
        snprintf(path, sizeof(path), "%s/workloads/%s", dir, script);
        w->script = read_file(path, &w->script_len);
        if (!w->script) {
            fprintf(stderr, "redlua-bench-emu: %s: %s\n", path, strerror(errno));
            free(text);
            return -1;
        }
        add_arg(w, "EVALSHA");
        add_arg(w, "0123456789012345678901234567890123456789"); /* the SHA1, set later */
        for (char *save = NULL, *tok = strtok_r(rest, " \t", &save); tok && w->argc < MAX_ARGS;
             tok = strtok_r(NULL, " \t", &save))
            add_arg(w, tok);
        n++;
    }
    free(text);
    return n;
}

static void free_workload(workload *w)
{
    for (int i = 0; i < w->argc; i++) free(w->argv[i]);
    free(w->script);
}

static void randomize(workload *w)
{
    for (int i = 0; i < w->nr; i++) {
        unsigned long v = (unsigned long)(next_rand() % 1000);
        char *p = w->rpos[i] + 12;
        for (int d = 0; d < 12; d++) {
            *--p = (char)('0' + v % 10);
            v /= 10;
        }
    }
}

/* FLUSHALL, as bench/run sends the server before each of its runs; 0 or -1. */
static int flush_all(rl_emu *emu)
{
    const char *argv[1] = { "FLUSHALL" };
    size_t lens[1] = { 8 };
    rl_reply *r = rl_emu_call(emu, 1, argv, lens);
    int ok = r->type == RL_REPLY_STATUS;
    if (!ok) fprintf(stderr, "redlua-bench-emu: FLUSHALL failed\n");
    rl_reply_free(r);
    return ok ? 0 : -1;
}

/* Runs n scripts; returns the seconds taken, or -1 after a script error. */
static double run(rl_emu *emu, workload *w, long n)
{
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        randomize(w);
        rl_reply *r = rl_emu_call(emu, w->argc, (const char *const *)w->argv, w->lens);
        if (r->type == RL_REPLY_ERROR) {
            fprintf(stderr, "redlua-bench-emu: %s: %s\n", w->name, r->str);
            rl_reply_free(r);
            return -1;
        }
        rl_reply_free(r);
    }
    return now_s() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    rl_mem_prefer_huge_pages();
    int runs = 5;
    double run_ms = 300;
    const char *dir = NULL, *only = NULL;
    long count = 0, scripts = -1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--smoke") == 0) {
            runs = 1;
            run_ms = 5;
        } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--ms") == 0 && i + 1 < argc) {
            run_ms = atof(argv[++i]);
        } else if (strcmp(argv[i], "--scripts") == 0 && i + 1 < argc) {
            scripts = atol(argv[++i]);
        } else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
            count = atol(argv[++i]);
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (argv[i][0] != '-' && !dir) {
            dir = argv[i];
        } else {
            dir = NULL;
            break;
        }
    }
    if (!dir || runs < 1 || runs > 99 || run_ms <= 0 || scripts == 0 || scripts < -1) {
        fprintf(stderr,
                "usage: redlua-bench-emu [--smoke] [--runs N] [--ms MS] [--scripts N] "
                "[--only NAME] [--count N] BENCH_DIR\n");
        return 2;
    }
    static workload ws[MAX_WORKLOADS];
    int nw = load_workloads(dir, ws, MAX_WORKLOADS);
    if (nw < 0) return 2;
    int status = 0;
    for (int k = 0; k < nw && status == 0; k++) {
        workload *w = &ws[k];
        if (only && strcmp(only, w->name) != 0) continue;
        rl_emu *emu = rl_emu_new();
        const char *load[3] = { "SCRIPT", "LOAD", w->script };
        size_t load_lens[3] = { 6, 4, w->script_len };
        rl_reply *sha = rl_emu_call(emu, 3, load, load_lens);
        if (sha->type != RL_REPLY_BULK || sha->len != 40) {
            fprintf(stderr, "redlua-bench-emu: %s: SCRIPT LOAD failed: %s\n", w->name,
                    sha->str ? sha->str : "?");
            status = 1;
        } else {
            memcpy(w->argv[1], sha->str, 40);
        }
        rl_reply_free(sha);
        /* --count: exactly that many scripts, once, no warm-up (for perf stat
         * and profilers, whose counts must not depend on the timing). */
        if (count > 0 && status == 0) {
            double t = run(emu, w, count);
            if (t < 0) status = 1;
            else
                printf("emu %s %s %.0f %.0f\n", rl_emu_engine(), w->name, count / t,
                       count / t * w->calls);
            rl_emu_free(emu);
            continue;
        }
        double rates[99];
        double took = 0;
        long per_run = scripts;
        if (scripts > 0) {
            /* The server's way: each run from an empty keyspace, the first
             * one uncounted. */
            for (int r = -1; r < runs && status == 0; r++) {
                if (flush_all(emu) != 0 || (took = run(emu, w, per_run)) < 0) status = 1;
                else if (r >= 0) rates[r] = (double)per_run / took;
            }
        } else {
            /* Warm-up, doubling until a batch takes a tenth of a run. */
            long n = 16;
            while (status == 0) {
                took = run(emu, w, n);
                if (took < 0) status = 1;
                else if (took * 1000 >= run_ms / 10) break;
                else n *= 2;
            }
            per_run = status ? 0 : (long)(n * (run_ms / 1000) / took) + 1;
            for (int r = 0; r < runs && status == 0; r++) {
                took = run(emu, w, per_run);
                if (took < 0) status = 1;
                else rates[r] = (double)per_run / took;
            }
        }
        if (status == 0) {
            qsort(rates, (size_t)runs, sizeof(rates[0]), cmp_double);
            double median =
                runs % 2 ? rates[runs / 2] : (rates[runs / 2 - 1] + rates[runs / 2]) / 2;
            printf("emu %s %s %.0f %.0f\n", rl_emu_engine(), w->name, median, median * w->calls);
            fflush(stdout);
        }
        rl_emu_free(emu);
    }
    for (int k = 0; k < nw; k++) free_workload(&ws[k]);
    return status;
}
