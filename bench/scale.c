/* redlua-bench-scale: per-operation cost of data-type commands as the
 * collection grows from 1e3 to 1e6 elements, through the public API
 * (rl_emu_call), so dispatch and reply building are counted as a script's
 * redis.call would see them. A benchmark, never a test: it asserts nothing
 * about time and prints a table (and, with --json FILE, the numbers).
 *
 * For each size N the collection is first filled to N, then OPS operations
 * are timed at that size (reads hit random existing members; writes add and
 * remove so the size stays N). A flat row means O(1), a slowly growing one
 * O(log n).
 *
 * --memory N also loads N small string keys (SET key:<i> value:<i>, what
 * Redis's DEBUG POPULATE N writes) into a fresh emulator and reports the
 * bytes per key the emulator's allocator counts (rl_mem_used, the figure
 * maxmemory is judged by), for bench/run to set next to Redis's used_memory.
 * --memory 0 skips the per-operation table. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem.h"
#include "redlua.h"

#define OPS 20000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void call3(rl_emu *emu, const char *a, const char *b, const char *c, const char *d)
{
    const char *argv[4] = { a, b, c, d };
    size_t lens[4] = { strlen(a), strlen(b), strlen(c), d ? strlen(d) : 0 };
    rl_reply_free(rl_emu_call(emu, d ? 4 : 3, argv, lens));
}

typedef struct workload {
    const char *name;
    /* Adds member i to a collection of the workload's type. */
    void (*add)(rl_emu *emu, long i);
    /* One timed operation on a collection of n members. */
    void (*op)(rl_emu *emu, long n);
} workload;

static void fmt(char *buf, long i)
{
    snprintf(buf, 32, "m%ld", i);
}

static void zadd_add(rl_emu *emu, long i)
{
    char m[32], s[32];
    fmt(m, i);
    snprintf(s, sizeof(s), "%ld", (long)(next_rand() % 1000000007ULL));
    const char *argv[] = { "ZADD", "z", s, m };
    size_t lens[] = { 4, 1, strlen(s), strlen(m) };
    rl_reply_free(rl_emu_call(emu, 4, argv, lens));
}

static void zadd_op(rl_emu *emu, long n)
{
    /* Re-score an existing member: a delete and insert in the skiplist. */
    zadd_add(emu, (long)(next_rand() % (uint64_t)n));
}

static void zrank_op(rl_emu *emu, long n)
{
    char m[32];
    fmt(m, (long)(next_rand() % (uint64_t)n));
    call3(emu, "ZRANK", "z", m, NULL);
}

static void zrangebyscore_op(rl_emu *emu, long n)
{
    (void)n;
    char lo[32];
    snprintf(lo, sizeof(lo), "%ld", (long)(next_rand() % 1000000007ULL));
    const char *argv[] = { "ZRANGEBYSCORE", "z", lo, "+inf", "LIMIT", "0", "10" };
    size_t lens[7];
    for (int i = 0; i < 7; i++) lens[i] = strlen(argv[i]);
    rl_reply_free(rl_emu_call(emu, 7, argv, lens));
}

static void list_add(rl_emu *emu, long i)
{
    char m[32];
    fmt(m, i);
    call3(emu, "RPUSH", "l", m, NULL);
}

static void list_op(rl_emu *emu, long n)
{
    char m[32];
    fmt(m, n);
    call3(emu, "LPUSH", "l", m, NULL);
    call3(emu, "LPOP", "l", "1", NULL);
}

static void hash_add(rl_emu *emu, long i)
{
    char m[32];
    fmt(m, i);
    call3(emu, "HSET", "h", m, "v");
}

static void hash_op(rl_emu *emu, long n)
{
    char m[32];
    fmt(m, (long)(next_rand() % (uint64_t)n));
    call3(emu, "HSET", "h", m, "w");
    call3(emu, "HGET", "h", m, NULL);
}

static void set_add(rl_emu *emu, long i)
{
    char m[32];
    fmt(m, i);
    call3(emu, "SADD", "s", m, NULL);
}

static void set_op(rl_emu *emu, long n)
{
    char m[32];
    fmt(m, (long)(next_rand() % (uint64_t)n));
    call3(emu, "SADD", "s", m, NULL);
    call3(emu, "SISMEMBER", "s", m, NULL);
}

static const workload workloads[] = {
    { "ZADD (re-score)", zadd_add, zadd_op },
    { "ZRANK", zadd_add, zrank_op },
    { "ZRANGEBYSCORE LIMIT 10", zadd_add, zrangebyscore_op },
    { "LPUSH+LPOP", list_add, list_op },
    { "HSET+HGET", hash_add, hash_op },
    { "SADD+SISMEMBER", set_add, set_op },
};

/* Bytes per key for n keys "key:<i>" = "value:<i>", counted by mem.c. */
static double memory_per_key(long n)
{
    rl_emu *emu = rl_emu_new();
    size_t before = rl_mem_used();
    for (long i = 0; i < n; i++) {
        char k[32], v[32];
        int kl = snprintf(k, sizeof(k), "key:%ld", i);
        int vl = snprintf(v, sizeof(v), "value:%ld", i);
        const char *argv[] = { "SET", k, v };
        size_t lens[] = { 3, (size_t)kl, (size_t)vl };
        rl_reply_free(rl_emu_call(emu, 3, argv, lens));
    }
    double per_key = n > 0 ? (double)(rl_mem_used() - before) / (double)n : 0;
    rl_emu_free(emu);
    return per_key;
}

int main(int argc, char **argv)
{
    rl_mem_prefer_huge_pages();
    long sizes[] = { 1000, 10000, 100000, 1000000 };
    int nsizes = 4;
    long mem_keys = -1;
    const char *json = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--smoke") == 0) {
            nsizes = 2; /* CI: check it still works, quickly */
        } else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
            json = argv[++i];
        } else if (strcmp(argv[i], "--memory") == 0 && i + 1 < argc) {
            mem_keys = atol(argv[++i]);
        } else {
            fprintf(stderr, "usage: redlua-bench-scale [--smoke] [--json FILE] [--memory N]\n");
            return 2;
        }
    }
    if (mem_keys == 0) nsizes = 0;
    double ns[sizeof(workloads) / sizeof(workloads[0])][4];
    if (nsizes)
        printf("per-operation cost in ns (%d ops per cell, engine %s)\n", OPS, rl_emu_engine());
    if (nsizes) printf("%-24s", "workload");
    for (int s = 0; s < nsizes; s++) printf("%12ld", sizes[s]);
    if (nsizes) printf("\n");
    for (size_t w = 0; nsizes && w < sizeof(workloads) / sizeof(workloads[0]); w++) {
        printf("%-24s", workloads[w].name);
        fflush(stdout);
        rl_emu *emu = rl_emu_new();
        long filled = 0;
        for (int s = 0; s < nsizes; s++) {
            for (; filled < sizes[s]; filled++) workloads[w].add(emu, filled);
            double t0 = now_s();
            for (int k = 0; k < OPS; k++) workloads[w].op(emu, sizes[s]);
            ns[w][s] = (now_s() - t0) * 1e9 / OPS;
            printf("%12.0f", ns[w][s]);
            fflush(stdout);
        }
        printf("\n");
        rl_emu_free(emu);
    }
    double mem_per_key = 0;
    if (mem_keys > 0) {
        mem_per_key = memory_per_key(mem_keys);
        printf("memory: %ld string keys, %.1f bytes per key (rl_mem_used)\n", mem_keys,
               mem_per_key);
    }
    if (json) {
        FILE *f = fopen(json, "w");
        if (!f) {
            perror(json);
            return 1;
        }
        fprintf(f, "{\"engine\": \"%s\", \"ops_per_cell\": %d, \"sizes\": [", rl_emu_engine(), OPS);
        for (int s = 0; s < nsizes; s++) fprintf(f, "%s%ld", s ? ", " : "", sizes[s]);
        fprintf(f, "], \"ns_per_op\": {");
        for (size_t w = 0; w < sizeof(workloads) / sizeof(workloads[0]); w++) {
            fprintf(f, "%s\"%s\": [", w ? ", " : "", workloads[w].name);
            for (int s = 0; s < nsizes; s++) fprintf(f, "%s%.1f", s ? ", " : "", ns[w][s]);
            fprintf(f, "]");
        }
        fprintf(f, "}");
        if (mem_keys > 0)
            fprintf(f, ", \"memory\": {\"keys\": %ld, \"bytes_per_key\": %.1f}", mem_keys,
                    mem_per_key);
        fprintf(f, "}\n");
        fclose(f);
    }
    return 0;
}
