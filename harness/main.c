/* redlua-test: runs fixture files (docs/fixture-format.md) on the emulator,
 * or on a real redis-server (--against, --record).
 *
 * The run has three phases: collect the files (walking directories, then
 * --shard), load every one of them (a malformed file stops the run before
 * any case runs), then run the cases -k selects, file by file. With -j N the
 * files are handed round-robin to N forked worker processes (the emulator
 * and its libraries are not audited for thread safety, a process is
 * independent by construction); each worker sends its results back over a
 * pipe, and the parent prints them in file order, so the output is the same
 * for every N.
 *
 * Exit codes: 0 every case passed (or was skipped), 1 some case failed (or
 * -k selected no case, or --baseline found a metric that grew too much), 2
 * usage error, malformed input (a fixture, a baseline) or a backend that
 * failed (then nothing, or not everything, ran). */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "determinism.h"
#include "fixture.h"
#include "mem.h"
#include "redlua.h"
#include "report.h"
#include "results.h"
#include "runner.h"
#include "script_coverage.h"
#include "script_metrics.h"
#include "update.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2

static const char usage_text[] =
    "usage: redlua-test [OPTIONS] PATH...\n"
    "\n"
    "Runs redlua fixture files on the in-process Redis emulator. A PATH is a\n"
    "fixture file, or a directory searched recursively, in name order, for\n"
    "files whose names end in .test.json.\n"
    "\n"
    "Options:\n"
    "  --engine lua51|luajit  the Lua engine scripts run on (default: lua51,\n"
    "                         Redis's own interpreter). redlua-test runs the\n"
    "                         redlua-test-luajit binary installed next to it for\n"
    "                         luajit (and redlua-test-luajit runs redlua-test for\n"
    "                         lua51), passing the same arguments.\n"
    "  -I DIR                 also search DIR for %include and --- @include files,\n"
    "                         after the fixture's own \"include\" list (repeatable)\n"
    "  --timeout-ms N         stop a script that runs longer than N ms with an\n"
    "                         error (default 5000; 0 = no limit)\n"
    "  --lua-memory-mb N      fail a script whose Lua heap would grow past N MiB\n"
    "                         (\"not enough memory\"; default 1024; 0 = no limit)\n"
    "  --maxmemory BYTES      Redis's maxmemory (noeviction): deny-oom commands\n"
    "                         answer OOM once used memory is over it (default 0,\n"
    "                         none)\n"
    "  --busy-threshold-ms N  Redis's busy-reply-threshold: a step's while_busy\n"
    "                         commands are sent once its script has run N ms\n"
    "                         (default 5000; 0 = never busy). A fixture's\n"
    "                         timeout_ms, lua_memory_mb, maxmemory and\n"
    "                         busy_threshold_ms fields win over these options\n"
    "  --cluster              run as Redis Cluster judges scripts: a script's\n"
    "                         node serves only the slot of its KEYS, so an\n"
    "                         undeclared key of another slot, or keys of one\n"
    "                         command in different slots, fail with Redis\n"
    "                         Cluster's errors (CROSSSLOT, SELECT, no-cluster\n"
    "                         too). Without it these are only warnings\n"
    "\n"
    "Selecting:\n"
    "  -k PATTERN             run only the cases whose name, fixture name or file\n"
    "                         path contains PATTERN (ASCII case ignored); a\n"
    "                         PATTERN with * ? or [ is a glob that must match a\n"
    "                         whole name. \"not PATTERN\" deselects. Repeatable: a\n"
    "                         case runs if any plain -k matches and no \"not\" does\n"
    "  --shard K/N            run shard K of N (1-based): the fixture files sorted\n"
    "                         by path, every N-th one from the K-th. The N shards\n"
    "                         together run every file exactly once\n"
    "  -x, --exitfirst        stop after the first failing case (the summary is\n"
    "                         still printed)\n"
    "  -j, --jobs N           run N files at a time, in worker processes (0: one\n"
    "                         per CPU). The output is the same as with -j 1\n"
    "\n"
    "Output:\n"
    "  -v, --verbose          one line per case: PASS, FAIL or SKIP, the file, the\n"
    "                         case name and its run time\n"
    "  --color WHEN           auto (the default: colour when stdout is a terminal\n"
    "                         and NO_COLOR is not set), always or never\n"
    "  --tap                  write TAP version 13 on stdout instead\n"
    "  --junit FILE           also write JUnit XML to FILE (one testsuite per file)\n"
    "  --json FILE            also write the results as JSON to FILE\n"
    "                         (docs/results-json.md)\n"
    "\n"
    "Script metrics (docs/metrics-json.md; with -v, a metrics line per case):\n"
    "  --metrics FILE         write per-script and per-case metrics as JSON to\n"
    "                         FILE: redis.call/pcall counts per command, keys read\n"
    "                         and written, bytes in and out, Lua instructions,\n"
    "                         Lua heap peak, keys after the case, run time\n"
    "  --baseline FILE        compare the metrics with FILE (an earlier --metrics\n"
    "                         file) and fail (exit 1) when a script's commands,\n"
    "                         instructions or keys touched in a case grew by more\n"
    "                         than --max-regression, printing what grew\n"
    "  --max-regression PCT   the growth --baseline allows (default 10%)\n"
    "\n"
    "Coverage (docs/redlua-test.md, \"Coverage\"):\n"
    "  --coverage FILE        write the line coverage of the script files (included\n"
    "                         files under their own names) to FILE as an lcov\n"
    "                         tracefile, for genhtml, and print a table per file:\n"
    "                         lines with code, lines run, percent, lines never run\n"
    "\n"
    "Determinism (docs/redlua-test.md):\n"
    "  --check-determinism    run each case again with the orders Redis does not\n"
    "                         promise varied (hashtable sets and hashes, the\n"
    "                         keyspace, SPOP/SRANDMEMBER/HRANDFIELD/ZRANDMEMBER/\n"
    "                         RANDOMKEY picks) and fail the cases whose replies or\n"
    "                         database change, naming the first step that differs\n"
    "  --determinism-runs N   how many varied runs per case (default 3; implies\n"
    "                         --check-determinism)\n"
    "\n"
    "Snapshots and real Redis:\n"
    "  --update               rewrite the expectations of the selected cases from\n"
    "                         what they actually did: the \"reply\"/\"error\" of each\n"
    "                         failing step and a keyspace section that differs;\n"
    "                         the rest of the file stays as it is. Then the\n"
    "                         rewritten files run and are reported as usual\n"
    "  --record HOST:PORT     the same, with the replies and keyspace of a real\n"
    "                         Redis at HOST:PORT (golden recording)\n"
    "  --against HOST:PORT    run on a real Redis instead of the emulator; cases\n"
    "                         that use clock_ms or advance_ms are skipped there.\n"
    "                         The server is flushed (FLUSHALL) before every case\n"
    "  -h, --help             show this help\n"
    "\n"
    "Output: every failing case with its fixture file, case name, step number\n"
    "and the step's file:line, the expected and actual values in the fixture's\n"
    "JSON notation (the elements, members or fields that differ, for arrays,\n"
    "sets and hashes) and, for a script error, the traceback and redis.log\n"
    "lines; then the line \"N passed, M failed\" (\", K skipped\" when cases were\n"
    "skipped).\n"
    "\n"
    "Exit status: 0 all cases passed, 1 some case failed (or -k selected no\n"
    "case, or --baseline found a regression), 2 usage error, malformed fixture\n"
    "or baseline (reported as file:line:col; then nothing runs) or a failing\n"
    "backend.\n";

typedef struct strlist {
    char **items;
    size_t n, cap;
} strlist;

typedef struct opts {
    const char *engine;
    int has_timeout;
    int64_t timeout_ms;
    int64_t lua_memory_mb;     /* -1 unless --lua-memory-mb */
    int64_t maxmemory;         /* -1 unless --maxmemory */
    int64_t busy_threshold_ms; /* -1 unless --busy-threshold-ms */
    int verbose;
    strlist patterns;
    strlist include_dirs; /* -I */
    int fail_fast;
    long jobs;
    long shard_k, shard_n;
    const char *color;
    int tap;
    int cluster; /* --cluster */
    const char *junit;
    const char *json;
    int update;
    const char *record;    /* HOST:PORT */
    const char *against;   /* HOST:PORT */
    const char *metrics;   /* --metrics FILE */
    const char *baseline;  /* --baseline FILE */
    const char *coverage;  /* --coverage FILE */
    long determinism_runs; /* --check-determinism: varied runs per case, 0 = off */
    double max_regression; /* a fraction: 0.1 for 10% */
    int has_max_regression;
} opts;

static void strlist_push(strlist *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->items = rl_realloc(l->items, l->cap * sizeof(char *));
    }
    l->items[l->n++] = rl_strdup(s);
}

static void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++) rl_free(l->items[i]);
    rl_free(l->items);
    memset(l, 0, sizeof(*l));
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static char *join_path(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    int slash = dl > 0 && dir[dl - 1] == '/';
    char *p = rl_malloc(dl + nl + 2);
    memcpy(p, dir, dl);
    if (!slash) p[dl++] = '/';
    memcpy(p + dl, name, nl + 1);
    return p;
}

/* Adds the fixtures under dir, visiting entries in byte order of their
 * names (strcmp, independent of the locale) and descending into
 * subdirectories where they sort. Returns 0 or -1 (reported). */
static int walk_dir(const char *dir, strlist *out, int depth)
{
    if (depth > 64) {
        fprintf(stderr, "redlua-test: %s: directories nested too deep\n", dir);
        return -1;
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "redlua-test: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    strlist names = { 0 };
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            strlist_push(&names, e->d_name);
    }
    closedir(d);
    if (names.n > 0) qsort(names.items, names.n, sizeof(char *), cmp_names);
    int rc = 0;
    for (size_t i = 0; i < names.n && rc == 0; i++) {
        char *path = join_path(dir, names.items[i]);
        struct stat st;
        if (stat(path, &st) != 0) {
            /* A dangling symlink is not a fixture; anything else is odd. */
            if (errno != ENOENT) {
                fprintf(stderr, "redlua-test: %s: %s\n", path, strerror(errno));
                rc = -1;
            }
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk_dir(path, out, depth + 1);
        } else if (S_ISREG(st.st_mode) && ends_with(names.items[i], ".test.json")) {
            strlist_push(out, path);
        }
        rl_free(path);
    }
    strlist_free(&names);
    return rc;
}

static int collect(const char *path, strlist *out)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "redlua-test: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        size_t before = out->n;
        if (walk_dir(path, out, 0) != 0) return -1;
        if (out->n == before) {
            fprintf(stderr, "redlua-test: %s: no fixture files (*.test.json) found\n", path);
            return -1;
        }
        return 0;
    }
    strlist_push(out, path);
    return 0;
}

/* Runs the binary of the other engine, found next to this one. */
static int exec_engine(const char *engine, char **argv)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n < 0) {
        fprintf(stderr, "redlua-test: cannot find my own binary: %s\n", strerror(errno));
        return EXIT_USAGE;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    const char *name = strcmp(engine, "luajit") == 0 ? "redlua-test-luajit" : "redlua-test";
    size_t dirlen = slash ? (size_t)(slash - self) + 1 : 0;
    if (dirlen + strlen(name) + 1 > sizeof(self)) {
        fprintf(stderr, "redlua-test: path too long\n");
        return EXIT_USAGE;
    }
    memcpy(self + dirlen, name, strlen(name) + 1);
    execv(self, argv);
    fprintf(stderr, "redlua-test: cannot run %s for --engine %s: %s\n", self, engine,
            strerror(errno));
    return EXIT_USAGE;
}

static int parse_int64(const char *s, int64_t *out)
{
    if (*s == '\0') return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0) return -1;
    *out = (int64_t)v;
    return 0;
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "redlua-test: %s%s%s\nTry 'redlua-test --help'.\n", msg, arg ? " " : "",
            arg ? arg : "");
    return EXIT_USAGE;
}

/* HOST:PORT (the host may be [v6]). 0, or -1. host is rl_malloc'd. */
static int parse_hostport(const char *s, char **host, int *port)
{
    const char *colon = strrchr(s, ':');
    if (colon == NULL || colon == s || colon[1] == '\0') return -1;
    int64_t p;
    if (parse_int64(colon + 1, &p) != 0 || p < 1 || p > 65535) return -1;
    const char *h = s;
    size_t hl = (size_t)(colon - s);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    *host = rl_memdup(h, hl);
    *port = (int)p;
    return 0;
}

static void lower_ascii(char *s)
{
    for (; *s != '\0'; s++) {
        if (*s >= 'A' && *s <= 'Z') *s = (char)(*s - 'A' + 'a');
    }
}

/* --- Option parsing ----------------------------------------------------- */

/* Matches "--name VALUE" or "--name=VALUE" (and, for a short name "-k",
 * "-kVALUE"). Returns 1 with *v set (NULL if the value is missing), 0 if
 * argv[*i] is another option. */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **v)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0) return 0;
    if (a[n] == '\0') {
        *v = *i + 1 < argc ? argv[++*i] : NULL;
        return 1;
    }
    if (a[n] == '=' && name[1] == '-') {
        *v = a + n + 1;
        return 1;
    }
    if (name[1] != '-') {
        *v = a + n;
        return 1;
    }
    return 0;
}

static int parse_long(const char *s, long min, long *out)
{
    int64_t v;
    if (s == NULL || parse_int64(s, &v) != 0 || v < min || v > 1000000) return -1;
    *out = (long)v;
    return 0;
}

/* "10%", "10" or "2.5%": a percentage >= 0, as a fraction in *out. */
static int parse_percent(const char *s, double *out)
{
    if (s == NULL || s[0] == '\0' || s[0] == '-' || s[0] == '+' || s[0] == ' ') return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno != 0 || !(v >= 0 && v <= 1e9)) return -1;
    if (*end == '%') end++;
    if (*end != '\0') return -1;
    *out = v / 100.0;
    return 0;
}

/* Returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, opts *o, strlist *paths)
{
    int only_paths = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
            strlist_push(paths, a);
        } else if (strcmp(a, "--") == 0) {
            only_paths = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            return 0;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o->verbose = 1;
        } else if (strcmp(a, "-x") == 0 || strcmp(a, "--exitfirst") == 0) {
            o->fail_fast = 1;
        } else if (strcmp(a, "--tap") == 0) {
            o->tap = 1;
        } else if (strcmp(a, "--cluster") == 0) {
            o->cluster = 1;
        } else if (strcmp(a, "--update") == 0) {
            o->update = 1;
        } else if (opt_value(argc, argv, &i, "--engine", &v)) {
            if (v == NULL || (strcmp(v, "lua51") != 0 && strcmp(v, "luajit") != 0))
                return usage_error("--engine takes lua51 or luajit, not", v ? v : "(nothing)");
            o->engine = v;
        } else if (opt_value(argc, argv, &i, "--timeout-ms", &v)) {
            if (v == NULL || parse_int64(v, &o->timeout_ms) != 0)
                return usage_error("--timeout-ms takes a number of milliseconds, not",
                                   v ? v : "(nothing)");
            o->has_timeout = 1;
        } else if (opt_value(argc, argv, &i, "--lua-memory-mb", &v)) {
            if (v == NULL || parse_int64(v, &o->lua_memory_mb) != 0 ||
                o->lua_memory_mb > (INT64_MAX >> 20))
                return usage_error("--lua-memory-mb takes a number of MiB, not",
                                   v ? v : "(nothing)");
        } else if (opt_value(argc, argv, &i, "--busy-threshold-ms", &v)) {
            if (v == NULL || parse_int64(v, &o->busy_threshold_ms) != 0)
                return usage_error("--busy-threshold-ms takes a number of milliseconds, not",
                                   v ? v : "(nothing)");
        } else if (opt_value(argc, argv, &i, "--maxmemory", &v)) {
            if (v == NULL || parse_int64(v, &o->maxmemory) != 0)
                return usage_error("--maxmemory takes a number of bytes, not", v ? v : "(nothing)");
        } else if (opt_value(argc, argv, &i, "-I", &v)) {
            if (v == NULL || v[0] == '\0') return usage_error("-I takes a DIR", NULL);
            strlist_push(&o->include_dirs, v);
        } else if (opt_value(argc, argv, &i, "-k", &v)) {
            if (v == NULL || v[0] == '\0') return usage_error("-k takes a PATTERN", NULL);
            strlist_push(&o->patterns, v);
            lower_ascii(o->patterns.items[o->patterns.n - 1]);
        } else if (opt_value(argc, argv, &i, "-j", &v) || opt_value(argc, argv, &i, "--jobs", &v)) {
            if (parse_long(v, 0, &o->jobs) != 0)
                return usage_error("-j takes a number of jobs, not", v ? v : "(nothing)");
        } else if (opt_value(argc, argv, &i, "--shard", &v)) {
            char *slash = v ? strchr(v, '/') : NULL;
            int ok = slash != NULL;
            if (ok) {
                char *k = rl_memdup(v, (size_t)(slash - v));
                ok = parse_long(k, 1, &o->shard_k) == 0 &&
                    parse_long(slash + 1, 1, &o->shard_n) == 0 && o->shard_k <= o->shard_n;
                rl_free(k);
            }
            if (!ok)
                return usage_error("--shard takes K/N with 1 <= K <= N, not", v ? v : "(nothing)");
        } else if (opt_value(argc, argv, &i, "--color", &v) ||
                   opt_value(argc, argv, &i, "--colour", &v)) {
            if (v == NULL ||
                (strcmp(v, "auto") != 0 && strcmp(v, "always") != 0 && strcmp(v, "never") != 0))
                return usage_error("--color takes auto, always or never, not", v ? v : "(nothing)");
            o->color = v;
        } else if (opt_value(argc, argv, &i, "--junit", &v)) {
            if (v == NULL || v[0] == '\0') return usage_error("--junit takes a FILE", NULL);
            o->junit = v;
        } else if (opt_value(argc, argv, &i, "--json", &v)) {
            if (v == NULL || v[0] == '\0') return usage_error("--json takes a FILE", NULL);
            o->json = v;
        } else if (opt_value(argc, argv, &i, "--coverage", &v)) {
            if (v == NULL || v[0] == '\0') return usage_error("--coverage takes a FILE", NULL);
            o->coverage = v;
        } else if (opt_value(argc, argv, &i, "--metrics", &v)) {
            if (v == NULL || v[0] == '\0') return usage_error("--metrics takes a FILE", NULL);
            o->metrics = v;
        } else if (opt_value(argc, argv, &i, "--baseline", &v)) {
            if (v == NULL || v[0] == '\0') return usage_error("--baseline takes a FILE", NULL);
            o->baseline = v;
        } else if (strcmp(a, "--check-determinism") == 0) {
            if (o->determinism_runs == 0) o->determinism_runs = RL_DETERMINISM_DEFAULT_RUNS;
        } else if (opt_value(argc, argv, &i, "--determinism-runs", &v)) {
            if (v == NULL || parse_long(v, 1, &o->determinism_runs) != 0 ||
                o->determinism_runs > RL_DETERMINISM_MAX_RUNS)
                return usage_error("--determinism-runs takes a number of runs from 1 to 1000, not",
                                   v ? v : "(nothing)");
        } else if (opt_value(argc, argv, &i, "--max-regression", &v)) {
            if (parse_percent(v, &o->max_regression) != 0)
                return usage_error("--max-regression takes a percentage such as 10%, not",
                                   v ? v : "(nothing)");
            o->has_max_regression = 1;
        } else if (opt_value(argc, argv, &i, "--record", &v) ||
                   opt_value(argc, argv, &i, "--against", &v)) {
            int rec = strncmp(a, "--record", 8) == 0;
            char *h = NULL;
            int p;
            if (v == NULL || parse_hostport(v, &h, &p) != 0)
                return usage_error(rec ? "--record takes HOST:PORT, not"
                                       : "--against takes HOST:PORT, not",
                                   v ? v : "(nothing)");
            rl_free(h);
            if (rec) o->record = v;
            else o->against = v;
        } else {
            return usage_error("unknown option", a);
        }
    }
    if (o->record != NULL && o->against != NULL)
        return usage_error("--record and --against cannot be combined", NULL);
    if (o->record != NULL && o->update)
        return usage_error("--record already updates; give --update or --record", NULL);
    if ((o->record != NULL || o->against != NULL) && o->jobs != 1 && o->jobs != -1)
        return usage_error("-j cannot be combined with --record or --against (one server "
                           "holds one keyspace)",
                           NULL);
    if (o->has_max_regression && o->baseline == NULL)
        return usage_error("--max-regression needs --baseline", NULL);
    if (o->determinism_runs > 0 && (o->record != NULL || o->against != NULL || o->update))
        return usage_error("--check-determinism needs the emulator's order seeds: it cannot be "
                           "combined with --update, --record or --against",
                           NULL);
    if ((o->metrics != NULL || o->baseline != NULL) && (o->record != NULL || o->against != NULL))
        return usage_error("--metrics and --baseline need the emulator, not --record or --against",
                           NULL);
    if (o->coverage != NULL && (o->record != NULL || o->against != NULL))
        return usage_error("--coverage needs the emulator, not --record or --against", NULL);
    if (o->cluster && (o->record != NULL || o->against != NULL))
        return usage_error("--cluster needs the emulator, not --record or --against", NULL);
    return -1;
}

/* --- Selection ------------------------------------------------------------ */

/* pat is lower-cased already. */
static int name_matches(const char *pat, const char *name)
{
    if (name == NULL) return 0;
    char *n = rl_strdup(name);
    lower_ascii(n);
    int m = strpbrk(pat, "*?[") != NULL ? fnmatch(pat, n, 0) == 0 : strstr(n, pat) != NULL;
    rl_free(n);
    return m;
}

static int case_selected(const strlist *patterns, const rl_fixture *f, size_t c)
{
    int any_plain = 0, plain_hit = 0;
    for (size_t i = 0; i < patterns->n; i++) {
        const char *p = patterns->items[i];
        int neg = strncmp(p, "not ", 4) == 0;
        if (neg) p += 4;
        int hit = name_matches(p, f->cases[c].name) || name_matches(p, f->name) ||
            name_matches(p, f->path);
        if (neg && hit) return 0;
        if (!neg) {
            any_plain = 1;
            plain_hit |= hit;
        }
    }
    return !any_plain || plain_hit;
}

/* --- Running files ---------------------------------------------------------- */

typedef struct plan {
    rl_fixture *f;
    size_t nsel;
    size_t *sel; /* the selected case indexes */
} plan;

/* What one file's run produced, printed by the parent. */
typedef struct file_out {
    rl_file_record rec;
    char *notes; /* lines to show before the cases (--update), or NULL */
    char *fatal; /* an error that stops the run (exit 2), or NULL */
    char *cov;   /* -j: a worker's coverage (rl_coverage_encode), or NULL */
    size_t cov_len;
} file_out;

typedef struct ctx {
    const opts *o;
    plan *plans;
    size_t nplans;
    char *host; /* --record / --against */
    int port;
    rl_fixture **fixtures; /* every file loaded, owned by run() */
    rl_coverage *cov;      /* --coverage: what the runs covered, or NULL */
} ctx;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static rl_backend *make_backend(const ctx *x, char *err, size_t errlen)
{
    rl_backend *b;
    if (x->host != NULL) {
        b = rl_backend_redis_new(x->host, x->port, err, errlen);
    } else {
        b = rl_backend_emu_new();
    }
    if (b != NULL && (x->o->metrics != NULL || x->o->baseline != NULL) && b->metrics != NULL)
        b->metrics_on = 1;
    if (b != NULL && x->cov != NULL) b->coverage = x->cov;
    if (b != NULL && x->o->cluster) b->cluster_mode = RL_CLUSTER_STRICT;
    if (b != NULL && x->o->has_timeout && b->set_script_timeout_ms != NULL)
        b->set_script_timeout_ms(b, x->o->timeout_ms);
    if (b != NULL && b->set_limits != NULL) {
        if (x->o->lua_memory_mb >= 0) b->defaults.lua_memory_bytes = x->o->lua_memory_mb << 20;
        if (x->o->maxmemory >= 0) b->defaults.maxmemory = x->o->maxmemory;
        if (x->o->busy_threshold_ms >= 0) b->defaults.busy_threshold_ms = x->o->busy_threshold_ms;
    }
    return b;
}

/* The runner's command hook under --metrics: what the emulator counted
 * during the command goes to the step's script. */
typedef struct metrics_ctx {
    rl_backend *b;
    rl_case_metrics *cm;
} metrics_ctx;

static void metrics_hook(void *ud, size_t case_index, int step, int argc, const char *const *argv,
                         const size_t *argvlen, const rl_reply *reply)
{
    (void)case_index;
    (void)argc;
    (void)argv;
    (void)argvlen;
    (void)reply;
    metrics_ctx *mc = ud;
    const rl_metrics *m = mc->b->metrics(mc->b);
    if (m != NULL) rl_case_metrics_add(mc->cm, step, m);
    mc->b->metrics_reset(mc->b);
}

static void push_record(rl_file_record *r, size_t ci, const rl_case_result *res, double ms)
{
    r->cases = rl_realloc(r->cases, (r->ncases + 1) * sizeof(rl_case_record));
    rl_case_record *cr = &r->cases[r->ncases++];
    cr->case_index = ci;
    cr->status = res->status;
    cr->ms = ms;
    cr->message = res->message ? rl_strdup(res->message) : NULL;
    cr->fail_step = res->fail_step;
    cr->fail_line = res->fail_line;
    cr->metrics = NULL;
    cr->warnings = res->warnings ? rl_strdup(res->warnings) : NULL;
    r->ms += ms;
}

static char *backend_fatal(rl_backend *b)
{
    rl_buf m = { 0 };
    rl_buf_printf(&m, "backend failure: %s", b->errstr);
    return rl_buf_take(&m);
}

/* --check-determinism on a case that ran (cr is its record): a case whose
 * varied runs differ fails with the report after any failure it had. 0, or
 * -1 on a backend failure. */
static int check_determinism(const ctx *x, rl_backend *b, const rl_fixture *f, size_t c,
                             rl_case_record *cr)
{
    if (x->o->determinism_runs <= 0 || cr->status == RL_CASE_SKIP || !b->has_order_seed) return 0;
    char *report;
    int step, line;
    /* The varied runs are not part of --coverage: a reset now adds the
     * case's own records, and the varied runs' are never added. */
    struct rl_coverage *cov = b->coverage;
    if (cov != NULL && b->reset(b) != 0) return -1;
    b->coverage = NULL;
    int rc = rl_check_determinism(b, f, c, (int)x->o->determinism_runs, &report, &step, &line);
    b->coverage = cov;
    if (rc != 0) return -1;
    if (report == NULL) return 0;
    if (cr->status == RL_CASE_PASS) {
        cr->status = RL_CASE_FAIL;
        cr->fail_step = step;
        cr->fail_line = line;
    }
    rl_buf m = { 0 };
    if (cr->message != NULL) rl_buf_printf(&m, "%s\n", cr->message);
    rl_buf_puts(&m, report);
    rl_free(cr->message);
    rl_free(report);
    cr->message = rl_buf_take(&m);
    return 0;
}

/* Runs the selected cases of f, filling out->rec. */
static void run_cases(const ctx *x, rl_backend *b, const rl_fixture *f, const plan *p,
                      file_out *out)
{
    for (size_t s = 0; s < p->nsel; s++) {
        size_t c = p->sel[s];
        rl_case_result res;
        metrics_ctx mc = { b, NULL };
        if (b->metrics_on) mc.cm = rl_case_metrics_new(f, c);
        double t0 = now_ms();
        int rc = rl_run_case(b, f, c, mc.cm ? metrics_hook : NULL, &mc, &res);
        double ms = now_ms() - t0;
        push_record(&out->rec, c, &res, ms);
        if (mc.cm != NULL) {
            const rl_metrics *m = b->metrics(b);
            out->rec.cases[out->rec.ncases - 1].metrics =
                rl_case_metrics_json(mc.cm, res.status, ms, m ? m->keyspace_keys : 0);
            rl_case_metrics_free(mc.cm);
        }
        rl_case_result_clear(&res);
        if (rc == 0) rc = check_determinism(x, b, f, c, &out->rec.cases[out->rec.ncases - 1]);
        int failed = out->rec.cases[out->rec.ncases - 1].status == RL_CASE_FAIL;
        if (rc != 0) {
            out->fatal = backend_fatal(b);
            return;
        }
        if (failed && x->o->fail_fast) return;
    }
}

/* --update / --record: runs every selected case to the end, rewrites the
 * file's expectations, then loads the rewritten file and runs it. */
static void update_file(const ctx *x, rl_backend *b, const plan *p, file_out *out)
{
    const rl_fixture *f = p->f;
    char err[1024];
    rl_update *u = rl_update_new(f, err, sizeof(err));
    if (u == NULL) {
        out->fatal = rl_strdup(err);
        return;
    }
    rl_buf notes = { 0 };
    size_t changed = 0, cases = 0;
    /* --coverage counts the run of the rewritten file, not this pass: a
     * reset now adds what ran before it, and nothing of this pass is added
     * (the next reset finds coverage off). */
    struct rl_coverage *cov = b->coverage;
    if (cov != NULL && b->reset(b) != 0) out->fatal = backend_fatal(b);
    b->coverage = NULL;
    for (size_t s = 0; s < p->nsel && out->fatal == NULL; s++) {
        size_t c = p->sel[s];
        rl_case_capture cap = { 0 };
        cap.keep_going = 1;
        rl_case_result res;
        int rc = rl_run_case_capture(b, f, c, NULL, NULL, &cap, &res);
        if (rc != 0) {
            out->fatal = backend_fatal(b);
        } else if (res.status == RL_CASE_FAIL) {
            int n = rl_update_case(u, c, &cap, err, sizeof(err));
            if (n < 0) {
                rl_buf_printf(&notes, "NOT UPDATED %s: case \"%s\": %s\n", f->path,
                              f->cases[c].name, err);
            } else if (n > 0) {
                changed += (size_t)n;
                cases++;
            }
        }
        rl_case_result_clear(&res);
        rl_case_capture_clear(&cap);
    }
    b->coverage = cov;
    if (out->fatal == NULL && changed > 0) {
        if (rl_update_write(u, err, sizeof(err)) != 0) out->fatal = rl_strdup(err);
        else
            rl_buf_printf(&notes, "UPDATED %s: %zu expectation%s in %zu case%s\n", f->path, changed,
                          changed == 1 ? "" : "s", cases, cases == 1 ? "" : "s");
    }
    rl_update_free(u);
    if (notes.len > 0) out->notes = rl_buf_take(&notes);
    rl_buf_free(&notes);
    if (out->fatal != NULL) return;
    const strlist *dirs = &x->o->include_dirs;
    rl_fixture *again =
        rl_fixture_load_with(f->path, (const char *const *)dirs->items, dirs->n, err, sizeof(err));
    if (again == NULL) {
        rl_buf m = { 0 };
        rl_buf_printf(&m, "the updated file does not load: %s", err);
        out->fatal = rl_buf_take(&m);
        return;
    }
    run_cases(x, b, again, p, out);
    rl_fixture_free(again);
}

static void run_file(const ctx *x, rl_backend *b, size_t i, file_out *out)
{
    memset(out, 0, sizeof(*out));
    out->rec.f = x->plans[i].f;
    if (x->o->update || x->o->record != NULL) update_file(x, b, &x->plans[i], out);
    else run_cases(x, b, x->plans[i].f, &x->plans[i], out);
}

static void file_out_clear(file_out *out)
{
    rl_free(out->notes);
    rl_free(out->fatal);
    rl_free(out->cov);
    out->notes = out->fatal = out->cov = NULL;
    out->cov_len = 0;
}

/* --- Worker processes ------------------------------------------------------- */

/* The wire format of a file_out: native integers and doubles (the reader
 * is the same binary), strings as a length (SIZE_MAX for NULL) and bytes. */
static void put_bytes(rl_buf *b, const void *p, size_t n)
{
    rl_buf_put(b, p, n);
}

static void put_str(rl_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : SIZE_MAX;
    put_bytes(b, &n, sizeof(n));
    if (s != NULL) put_bytes(b, s, n);
}

static void encode(const file_out *out, rl_buf *b)
{
    put_str(b, out->notes);
    put_str(b, out->fatal);
    put_bytes(b, &out->rec.ncases, sizeof(size_t));
    for (size_t i = 0; i < out->rec.ncases; i++) {
        const rl_case_record *c = &out->rec.cases[i];
        int st = (int)c->status;
        put_bytes(b, &c->case_index, sizeof(size_t));
        put_bytes(b, &st, sizeof(int));
        put_bytes(b, &c->ms, sizeof(double));
        put_bytes(b, &c->fail_step, sizeof(int));
        put_bytes(b, &c->fail_line, sizeof(int));
        put_str(b, c->message);
        put_str(b, c->metrics);
        put_str(b, c->warnings);
    }
    size_t n = out->cov ? out->cov_len : SIZE_MAX;
    put_bytes(b, &n, sizeof(n));
    if (out->cov != NULL) put_bytes(b, out->cov, n);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *dst, size_t n)
{
    char *p = dst;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static int get_str(int fd, char **s)
{
    size_t n;
    *s = NULL;
    if (read_all(fd, &n, sizeof(n)) != 0) return -1;
    if (n == SIZE_MAX) return 0;
    if (n > ((size_t)1 << 30)) return -1;
    *s = rl_malloc(n + 1);
    if (read_all(fd, *s, n) != 0) {
        rl_free(*s);
        *s = NULL;
        return -1;
    }
    (*s)[n] = '\0';
    return 0;
}

/* get_str for bytes that may hold NULs: a length (SIZE_MAX for none), then
 * that many bytes. */
static int get_blob(int fd, char **p, size_t *len)
{
    *p = NULL;
    *len = 0;
    if (read_all(fd, len, sizeof(*len)) != 0) return -1;
    if (*len == SIZE_MAX) {
        *len = 0;
        return 0;
    }
    if (*len > ((size_t)1 << 30)) return -1;
    *p = rl_malloc(*len ? *len : 1);
    if (read_all(fd, *p, *len) != 0) {
        rl_free(*p);
        *p = NULL;
        return -1;
    }
    return 0;
}

static int decode(int fd, file_out *out)
{
    if (get_str(fd, &out->notes) != 0 || get_str(fd, &out->fatal) != 0) return -1;
    size_t n;
    if (read_all(fd, &n, sizeof(n)) != 0 || n > ((size_t)1 << 24)) return -1;
    for (size_t i = 0; i < n; i++) {
        rl_case_record c;
        int st;
        if (read_all(fd, &c.case_index, sizeof(size_t)) != 0 ||
            read_all(fd, &st, sizeof(int)) != 0 || read_all(fd, &c.ms, sizeof(double)) != 0 ||
            read_all(fd, &c.fail_step, sizeof(int)) != 0 ||
            read_all(fd, &c.fail_line, sizeof(int)) != 0 || get_str(fd, &c.message) != 0)
            return -1;
        if (get_str(fd, &c.metrics) != 0) {
            rl_free(c.message);
            return -1;
        }
        if (get_str(fd, &c.warnings) != 0) {
            rl_free(c.message);
            rl_free(c.metrics);
            return -1;
        }
        c.status = (rl_case_status)st;
        out->rec.cases = rl_realloc(out->rec.cases, (out->rec.ncases + 1) * sizeof(c));
        out->rec.cases[out->rec.ncases++] = c;
        out->rec.ms += c.ms;
    }
    return get_blob(fd, &out->cov, &out->cov_len);
}

/* A worker runs files w, w + n, w + 2n ... and writes each result to fd
 * as soon as it has it. It never returns. */
static void worker(const ctx *x, size_t w, size_t n, int fd)
{
    signal(SIGPIPE, SIG_IGN);
    char err[512];
    rl_backend *b = make_backend(x, err, sizeof(err));
    for (size_t i = w; i < x->nplans; i += n) {
        file_out out;
        if (b == NULL) {
            memset(&out, 0, sizeof(out));
            out.fatal = rl_strdup(err);
        } else {
            run_file(x, b, i, &out);
        }
        if (b != NULL && x->cov != NULL) {
            /* The last case's emulator is collected when it is reset. */
            b->reset(b);
            rl_buf cov = { 0 };
            rl_coverage_encode(x->cov, &cov);
            rl_coverage_clear(x->cov);
            out.cov_len = cov.len;
            out.cov = rl_buf_take(&cov);
        }
        rl_buf enc = { 0 };
        encode(&out, &enc);
        int bad = write_all(fd, enc.p, enc.len) != 0;
        rl_buf_free(&enc);
        int stop = out.fatal != NULL;
        rl_file_record_clear(&out.rec);
        file_out_clear(&out);
        if (bad || stop) break;
    }
    if (b != NULL) b->free(b);
    close(fd);
    /* _exit: the parent's stdio buffers and atexit handlers are not ours. */
    _exit(0);
}

typedef struct pool {
    size_t n;
    pid_t *pids;
    int *fds;
} pool;

static int pool_start(pool *pl, const ctx *x, size_t n)
{
    pl->n = 0;
    pl->pids = rl_calloc(n, sizeof(pid_t));
    pl->fds = rl_calloc(n, sizeof(int));
    fflush(NULL);
    for (size_t w = 0; w < n; w++) {
        int fds[2];
        if (pipe(fds) != 0) {
            fprintf(stderr, "redlua-test: pipe: %s\n", strerror(errno));
            return -1;
        }
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "redlua-test: fork: %s\n", strerror(errno));
            close(fds[0]);
            close(fds[1]);
            return -1;
        }
        if (pid == 0) {
            close(fds[0]);
            /* The read ends of the workers started before stay open in
             * this child otherwise; they are not its business. */
            for (size_t k = 0; k < pl->n; k++) close(pl->fds[k]);
            worker(x, w, n, fds[1]);
        }
        close(fds[1]);
        pl->pids[w] = pid;
        pl->fds[w] = fds[0];
        pl->n++;
    }
    return 0;
}

/* Reaps the workers; early (after -x or an error) stops them first, as
 * they may still be running. Otherwise each has sent its last result and
 * is exiting by itself. */
static void pool_stop(pool *pl, int early)
{
    for (size_t w = 0; w < pl->n; w++) {
        close(pl->fds[w]);
        if (early) kill(pl->pids[w], SIGTERM);
    }
    for (size_t w = 0; w < pl->n; w++) {
        int st;
        while (waitpid(pl->pids[w], &st, 0) < 0 && errno == EINTR) {
        }
    }
    rl_free(pl->pids);
    rl_free(pl->fds);
    memset(pl, 0, sizeof(*pl));
}

/* --- Output ------------------------------------------------------------------ */

static int want_color(const opts *o)
{
    if (o->tap) return 0;
    if (o->color != NULL && strcmp(o->color, "always") == 0) return 1;
    if (o->color != NULL && strcmp(o->color, "never") == 0) return 0;
    const char *nc = getenv("NO_COLOR");
    if (nc != NULL && nc[0] != '\0') return 0;
    return isatty(STDOUT_FILENO);
}

static void print_file(const opts *o, rl_report *rep, const file_out *out, size_t *tap_counter)
{
    if (out->notes != NULL) {
        for (const char *p = out->notes; *p != '\0';) {
            size_t k = strcspn(p, "\n");
            fprintf(stdout, "%s%.*s\n", o->tap ? "# " : "", (int)k, p);
            p += k + (p[k] == '\n');
        }
    }
    if (o->tap) {
        rl_results_tap_file(stdout, &out->rec, tap_counter);
        for (size_t c = 0; c < out->rec.ncases; c++) {
            rl_case_status s = out->rec.cases[c].status;
            rep->passed += s == RL_CASE_PASS;
            rep->failed += s == RL_CASE_FAIL;
            rep->skipped += s == RL_CASE_SKIP;
        }
        return;
    }
    for (size_t c = 0; c < out->rec.ncases; c++) {
        const rl_case_record *cr = &out->rec.cases[c];
        rl_case_result res = { cr->status, cr->message, cr->fail_step, cr->fail_line,
                               cr->warnings };
        rl_report_case_ms(rep, out->rec.f, cr->case_index, &res, cr->ms);
        if (o->verbose && cr->metrics != NULL) {
            rl_buf line = { 0 };
            rl_metrics_summary(&line, cr->metrics);
            if (line.len > 0) fputs(line.p, stdout);
            rl_buf_free(&line);
        }
    }
}

static int write_report(const char *path, int junit, const file_out *outs, size_t n,
                        const rl_run_summary *sum)
{
    FILE *fp = fopen(path, "w");
    if (fp == NULL) {
        fprintf(stderr, "redlua-test: %s: %s\n", path, strerror(errno));
        return -1;
    }
    rl_file_record *recs = rl_calloc(n ? n : 1, sizeof(*recs));
    for (size_t i = 0; i < n; i++) recs[i] = outs[i].rec;
    int rc =
        junit ? rl_results_write_junit(fp, recs, n, sum) : rl_results_write_json(fp, recs, n, sum);
    rl_free(recs);
    if (fclose(fp) != 0 || rc != 0) {
        fprintf(stderr, "redlua-test: %s: write error\n", path);
        return -1;
    }
    return 0;
}

static int write_metrics(const opts *o, const file_out *outs, size_t n)
{
    FILE *fp = fopen(o->metrics, "w");
    if (fp == NULL) {
        fprintf(stderr, "redlua-test: %s: %s\n", o->metrics, strerror(errno));
        return -1;
    }
    rl_file_record *recs = rl_calloc(n ? n : 1, sizeof(*recs));
    for (size_t i = 0; i < n; i++) recs[i] = outs[i].rec;
    int rc = rl_metrics_write(fp, rl_emu_engine(), recs, n);
    rl_free(recs);
    if (fclose(fp) != 0 || rc != 0) {
        fprintf(stderr, "redlua-test: %s: write error\n", o->metrics);
        return -1;
    }
    return 0;
}

/* --coverage: adds the scripts no case compiled, writes the lcov file and
 * prints the table to fp. The files are those of the scripts of the files
 * that ran (done of x->plans). 0, or -1 when the file cannot be written. */
static int write_coverage(const opts *o, const ctx *x, size_t done, FILE *fp)
{
    size_t n = 0, cap = 0;
    const rl_loaded_script **scripts = NULL;
    for (size_t i = 0; i < done; i++) {
        const rl_fixture *f = x->plans[i].f;
        for (size_t s = 0; s < f->nscripts; s++) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                scripts = rl_realloc(scripts, cap * sizeof(*scripts));
            }
            scripts[n++] = &f->scripts[s].code;
        }
        /* "functions" libraries are covered as scripts are. */
        for (size_t s = 0; s < f->nfunctions; s++) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                scripts = rl_realloc(scripts, cap * sizeof(*scripts));
            }
            scripts[n++] = &f->functions[s].code;
        }
    }
    rl_coverage_add_scripts(x->cov, scripts, n);
    rl_coverage_report rep;
    rl_coverage_report_build(x->cov, scripts, n, &rep);
    rl_free(scripts);
    rl_buf text = { 0 };
    rl_coverage_write_lcov(&rep, &text);
    int rc = 0;
    FILE *out = fopen(o->coverage, "w");
    if (out == NULL) {
        fprintf(stderr, "redlua-test: %s: %s\n", o->coverage, strerror(errno));
        rc = -1;
    } else {
        if (text.len > 0) fwrite(text.p, 1, text.len, out);
        if (fclose(out) != 0) {
            fprintf(stderr, "redlua-test: %s: write error\n", o->coverage);
            rc = -1;
        }
    }
    rl_buf_free(&text);
    rl_coverage_write_table(&rep, &text);
    fputs(text.p, fp);
    rl_buf_free(&text);
    rl_coverage_report_clear(&rep);
    return rc;
}

/* --- main ------------------------------------------------------------------------ */

/* status is EXIT_USAGE when collecting the files failed: the files found
 * are still loaded (and their errors reported), but nothing runs. */
static int run(const opts *o, strlist *files, int status)
{
    if (o->shard_n > 0) {
        /* Sorted, so that every machine agrees on the split whatever order
         * the PATHs came in. */
        if (files->n > 1) qsort(files->items, files->n, sizeof(char *), cmp_names);
        size_t keep = 0;
        for (size_t i = 0; i < files->n; i++) {
            if ((long)(i % (size_t)o->shard_n) == o->shard_k - 1)
                files->items[keep++] = files->items[i];
            else rl_free(files->items[i]);
        }
        files->n = keep;
    }

    /* Load everything first: a malformed file stops the run before any case
     * runs, and every malformed file is reported, not just the first. */
    rl_fixture **fixtures = rl_calloc(files->n ? files->n : 1, sizeof(*fixtures));
    for (size_t i = 0; i < files->n; i++) {
        char err[1024];
        fixtures[i] =
            rl_fixture_load_with(files->items[i], (const char *const *)o->include_dirs.items,
                                 o->include_dirs.n, err, sizeof(err));
        if (fixtures[i] == NULL) {
            fprintf(stderr, "%s\n", err);
            status = EXIT_USAGE;
        }
    }

    /* A baseline that cannot be used stops the run before it starts. */
    rl_metrics_baseline *baseline = NULL;
    if (o->baseline != NULL && status == 0) {
        char err[1024];
        baseline = rl_metrics_baseline_load(o->baseline, err, sizeof(err));
        if (baseline == NULL) {
            fprintf(stderr, "redlua-test: %s\n", err);
            status = EXIT_USAGE;
        }
    }

    ctx x = { o, NULL, 0, NULL, 0, fixtures, NULL };
    if (o->coverage != NULL) x.cov = rl_coverage_new();
    const char *server = o->record ? o->record : o->against;
    if (server != NULL) parse_hostport(server, &x.host, &x.port);
    x.plans = rl_calloc(files->n ? files->n : 1, sizeof(plan));
    size_t total_cases = 0;
    for (size_t i = 0; i < files->n && status == 0; i++) {
        plan *p = &x.plans[x.nplans];
        p->f = fixtures[i];
        p->sel = rl_calloc(fixtures[i]->ncases ? fixtures[i]->ncases : 1, sizeof(size_t));
        for (size_t c = 0; c < fixtures[i]->ncases; c++) {
            if (case_selected(&o->patterns, fixtures[i], c)) p->sel[p->nsel++] = c;
        }
        total_cases += fixtures[i]->ncases;
        if (p->nsel > 0) {
            x.nplans++;
        } else {
            rl_free(p->sel);
            p->sel = NULL;
        }
    }

    if (status == 0 && o->patterns.n > 0 && x.nplans == 0 && total_cases > 0) {
        fprintf(stderr, "redlua-test: -k selected none of the %zu cases\n", total_cases);
        status = EXIT_FAILED;
    }

    if (status == 0) {
        double t0 = now_ms();
        char berr[512] = "";
        rl_backend *b = NULL;
        pool pl = { 0 };
        size_t jobs = o->jobs == 0 ? (size_t)sysconf(_SC_NPROCESSORS_ONLN)
            : o->jobs < 0          ? 1
                                   : (size_t)o->jobs;
        if (jobs > x.nplans) jobs = x.nplans;
        if (jobs <= 1) {
            b = make_backend(&x, berr, sizeof(berr));
            if (b == NULL) {
                fprintf(stderr, "redlua-test: %s: %s\n", server, berr);
                status = EXIT_USAGE;
            }
        } else if (pool_start(&pl, &x, jobs) != 0) {
            status = EXIT_USAGE;
        }
        rl_report rep = { stdout, o->verbose, 0, 0, 0, want_color(o) };
        file_out *outs = rl_calloc(x.nplans ? x.nplans : 1, sizeof(file_out));
        size_t done = 0, tap_counter = 0;
        if (o->tap) rl_results_tap_begin(stdout);
        for (size_t i = 0; i < x.nplans && status == 0; i++) {
            file_out *out = &outs[i];
            if (b != NULL) {
                run_file(&x, b, i, out);
            } else {
                memset(out, 0, sizeof(*out));
                out->rec.f = x.plans[i].f;
                if (decode(pl.fds[i % pl.n], out) != 0 && out->fatal == NULL)
                    out->fatal = rl_strdup("a worker process died");
                else if (x.cov != NULL && out->cov != NULL &&
                         rl_coverage_decode(x.cov, out->cov, out->cov_len) != 0 &&
                         out->fatal == NULL)
                    out->fatal = rl_strdup("a worker sent malformed coverage");
            }
            done++;
            size_t failed_before = rep.failed;
            print_file(o, &rep, out, &tap_counter);
            fflush(stdout);
            if (out->fatal != NULL) {
                fprintf(stderr, "redlua-test: %s: %s\n", x.plans[i].f->path, out->fatal);
                status = EXIT_USAGE;
            }
            if (o->fail_fast && rep.failed > failed_before) break;
        }
        if (pl.n > 0) pool_stop(&pl, done < x.nplans);
        if (b != NULL) b->free(b);
        char backend_name[300];
        snprintf(backend_name, sizeof(backend_name), "%s%s", server ? "redis " : "emulator",
                 server ? server : "");
        rl_run_summary sum = { o->engine,  backend_name, rep.passed,
                               rep.failed, rep.skipped,  now_ms() - t0 };
        /* The coverage table comes before the closing line, which stays
         * last; TAP readers take every line on stdout as theirs. */
        if (x.cov != NULL && status != EXIT_USAGE &&
            write_coverage(o, &x, done, o->tap ? stderr : stdout) != 0)
            status = EXIT_USAGE;
        if (o->tap) rl_results_tap_end(stdout, tap_counter, &sum);
        else rl_report_summary(&rep);
        if (o->junit != NULL && write_report(o->junit, 1, outs, done, &sum) != 0)
            status = EXIT_USAGE;
        if (o->json != NULL && write_report(o->json, 0, outs, done, &sum) != 0) status = EXIT_USAGE;
        if (o->metrics != NULL && write_metrics(o, outs, done) != 0) status = EXIT_USAGE;
        if (baseline != NULL && status != EXIT_USAGE) {
            rl_file_record *recs = rl_calloc(done ? done : 1, sizeof(*recs));
            for (size_t i = 0; i < done; i++) recs[i] = outs[i].rec;
            rl_buf doc = { 0 };
            rl_metrics_document(&doc, rl_emu_engine(), recs, done);
            rl_free(recs);
            /* TAP readers take every line on stdout as theirs. */
            int grew = rl_metrics_compare(baseline, doc.p,
                                          o->has_max_regression ? o->max_regression : 0.10,
                                          o->tap ? stderr : stdout);
            rl_buf_free(&doc);
            if (grew > 0 && status == 0) status = EXIT_FAILED;
        }
        if (status == 0 && rep.failed > 0) status = EXIT_FAILED;
        for (size_t i = 0; i < done; i++) {
            rl_file_record_clear(&outs[i].rec);
            file_out_clear(&outs[i]);
        }
        rl_free(outs);
    }

    rl_metrics_baseline_free(baseline);
    rl_coverage_free(x.cov);
    for (size_t i = 0; i < x.nplans; i++) rl_free(x.plans[i].sel);
    rl_free(x.plans);
    rl_free(x.host);
    for (size_t i = 0; i < files->n; i++) rl_fixture_free(fixtures[i]);
    rl_free(fixtures);
    return status;
}

int main(int argc, char **argv)
{
    rl_mem_prefer_huge_pages();
    opts o;
    memset(&o, 0, sizeof(o));
    o.engine = rl_emu_engine();
    o.jobs = -1;
    o.lua_memory_mb = -1;
    o.maxmemory = -1;
    o.busy_threshold_ms = -1;
    strlist paths = { 0 };
    int rc = parse_args(argc, argv, &o, &paths);
    if (rc < 0 && strcmp(o.engine, rl_emu_engine()) != 0) {
        strlist_free(&paths);
        strlist_free(&o.patterns);
        strlist_free(&o.include_dirs);
        return exec_engine(o.engine, argv);
    }
    if (rc < 0 && paths.n == 0) rc = usage_error("no PATH given", NULL);
    if (rc >= 0) {
        strlist_free(&paths);
        strlist_free(&o.patterns);
        strlist_free(&o.include_dirs);
        return rc;
    }

    strlist files = { 0 };
    int status = 0;
    for (size_t i = 0; i < paths.n; i++) {
        if (collect(paths.items[i], &files) != 0) status = EXIT_USAGE;
    }
    strlist_free(&paths);
    status = run(&o, &files, status);
    strlist_free(&files);
    strlist_free(&o.patterns);
    strlist_free(&o.include_dirs);
    return status;
}
