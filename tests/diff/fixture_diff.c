/* fixture_diff: runs every fixture case on the emulator and on a throwaway
 * redis-server and compares the reply of every step's commands byte for
 * byte (RESP2), through the runner's command hook.
 *
 * A case fails here when the replies differ, when it fails on the emulator,
 * or when it fails on redis-server (then the fixture itself disagrees with
 * the oracle). Cases that set or move the clock run only on the emulator:
 * Redis has no virtual clock, so they are reported as skipped on redis,
 * with the reason, never counted as passed there.
 *
 * What is compared loosely, and why:
 * - TTL/EXPIRETIME within 1 and PTTL/PEXPIRETIME within 1000 when both are
 *   >= 0: Redis's clock moves between the steps;
 * - KEYS, SMEMBERS, SINTER, SUNION, SDIFF, HKEYS, HVALS as sorted lists and
 *   HGETALL as sorted pairs: their order is the hash table's;
 * - *SCAN pages only when both cursors are 0 (unordered); a page with a
 *   non-zero cursor depends on the table layout and is only noted;
 * - where the step's expected reply uses {"any": true} or {"glob": ...},
 *   that part is not compared (the fixture's author declared it free, and
 *   the runner checked it on each backend); {"unordered": ...} is sorted;
 * - the keyspace check (hook step -1) is compared command by command
 *   except its SCAN pages (their order is the table's); the keys it then
 *   reads come in sorted order on both backends.
 *
 * Usage: fixture_diff [--server HOST:PORT] [--oracle-only] [--skip-cases FILE]
 * PATH... (files or
 * directories, walked recursively for *.test.json in name order).
 * --oracle-only runs the cases on redis-server alone: a quick way to check a
 * new fixture's expectations against the oracle. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "backend.h"
#include "diff_server.h"
#include "fixture.h"
#include "mem.h"
#include "redlua.h"
#include "reply.h"
#include "runner.h"

/* --- Recording the replies ----------------------------------------------- */

typedef struct rec {
    int step;
    int argc;
    char **argv;
    size_t *len;
    rl_reply *reply;
} rec;

typedef struct recs {
    rec *v;
    size_t n, cap;
    size_t keyspace_scans; /* SCAN pages of the keyspace check (not compared) */
} recs;

static void record(void *ud, size_t case_index, int step, int argc, const char *const *argv,
                   const size_t *argvlen, const rl_reply *reply)
{
    (void)case_index;
    recs *rs = ud;
    /* The keyspace check lists keys with SCAN, whose pages follow each
     * server's table layout; the per-key commands after it go in sorted key
     * order, so those are compared. */
    if (step < 0 && argc > 0 && argvlen[0] == 4 && strncasecmp(argv[0], "SCAN", 4) == 0) {
        rs->keyspace_scans++;
        return;
    }
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 16;
        rs->v = realloc(rs->v, sizeof(rec) * rs->cap);
        if (!rs->v) abort();
    }
    rec *r = &rs->v[rs->n++];
    r->step = step;
    r->argc = argc;
    r->argv = malloc(sizeof(char *) * (size_t)(argc ? argc : 1));
    r->len = malloc(sizeof(size_t) * (size_t)(argc ? argc : 1));
    for (int i = 0; i < argc; i++) {
        r->argv[i] = malloc(argvlen[i] + 1);
        memcpy(r->argv[i], argv[i], argvlen[i]);
        r->argv[i][argvlen[i]] = '\0';
        r->len[i] = argvlen[i];
    }
    r->reply = reply ? rl_reply_dup(reply) : NULL;
}

static void recs_clear(recs *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        rec *r = &rs->v[i];
        for (int j = 0; j < r->argc; j++) free(r->argv[j]);
        free(r->argv);
        free(r->len);
        rl_reply_free(r->reply);
    }
    free(rs->v);
    memset(rs, 0, sizeof(*rs));
}

/* --- Comparing ------------------------------------------------------------- */

static int name_is(const rec *r, const char *n)
{
    return r->argc > 0 && strlen(n) == r->len[0] && strcasecmp(r->argv[0], n) == 0;
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

static int cmp_bulk(const rl_reply *a, const rl_reply *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int d = memcmp(a->str, b->str, n);
    if (d) return d;
    return a->len < b->len ? -1 : a->len > b->len;
}

static int cmp_one(const void *pa, const void *pb)
{
    return cmp_bulk(*(const rl_reply *const *)pa, *(const rl_reply *const *)pb);
}

/* Pairs compare by field (fields of a hash are unique). */
static int cmp_pair(const void *pa, const void *pb)
{
    return cmp_bulk(((const rl_reply *const *)pa)[0], ((const rl_reply *const *)pb)[0]);
}

/* Sorts an array of bulk strings in place (by pairs if pairs); 0 when r is
 * not such an array. */
static int sort_array(rl_reply *r, int pairs)
{
    if (r->type != RL_REPLY_ARRAY || (pairs && r->elements % 2)) return 0;
    for (size_t i = 0; i < r->elements; i++)
        if (r->element[i]->type != RL_REPLY_BULK) return 0;
    size_t width = pairs ? 2 : 1;
    if (r->elements > width)
        qsort(r->element, r->elements / width, sizeof(r->element[0]) * width,
              pairs ? cmp_pair : cmp_one);
    return 1;
}

static int is_scan_page(const rl_reply *r)
{
    return r->type == RL_REPLY_ARRAY && r->elements == 2 && r->element[0]->type == RL_REPLY_BULK &&
        r->element[1]->type == RL_REPLY_ARRAY;
}

enum { SAME, DIFFERENT, INCOMPARABLE };

/* Compares two replies of the same command (see the file comment). */
static int compare_replies(const rec *cmd, rl_reply *e, rl_reply *r)
{
    static const char *const unordered[] = { "KEYS",  "SMEMBERS", "SINTER", "SUNION",
                                             "SDIFF", "HKEYS",    "HVALS" };
    int s = name_is(cmd, "TTL") || name_is(cmd, "EXPIRETIME");
    int ms = name_is(cmd, "PTTL") || name_is(cmd, "PEXPIRETIME");
    if ((s || ms) && e->type == RL_REPLY_INTEGER && r->type == RL_REPLY_INTEGER &&
        e->integer >= 0 && r->integer >= 0) {
        long long d = e->integer - r->integer, tol = s ? 1 : 1000;
        return d >= -tol && d <= tol ? SAME : DIFFERENT;
    }
    for (size_t i = 0; i < sizeof(unordered) / sizeof(unordered[0]); i++)
        if (name_is(cmd, unordered[i])) {
            sort_array(e, 0);
            sort_array(r, 0);
        }
    if (name_is(cmd, "HGETALL")) {
        sort_array(e, 1);
        sort_array(r, 1);
    }
    if ((name_is(cmd, "SCAN") || name_is(cmd, "SSCAN") || name_is(cmd, "HSCAN") ||
         name_is(cmd, "ZSCAN")) &&
        is_scan_page(e) && is_scan_page(r)) {
        int done_e = e->element[0]->len == 1 && e->element[0]->str[0] == '0';
        int done_r = r->element[0]->len == 1 && r->element[0]->str[0] == '0';
        if (!done_e || !done_r) return INCOMPARABLE;
        sort_array(e->element[1], name_is(cmd, "HSCAN") || name_is(cmd, "ZSCAN"));
        sort_array(r->element[1], name_is(cmd, "HSCAN") || name_is(cmd, "ZSCAN"));
    }
    return resp_equal(e, r) ? SAME : DIFFERENT;
}

/* The fixture's own matchers mark what its author declared free: where the
 * step's expected reply has {"any": true} or {"glob": ...} (a PTTL inside a
 * script's reply, say), the two replies need not agree, since the runner
 * already checked each against the matcher; {"unordered": [...]} compares
 * sorted. Elsewhere the replies must be byte-identical. */
static int masked_equal(const rl_json *want, rl_reply *e, rl_reply *r)
{
    if (want->type == RL_JSON_OBJECT) {
        if (rl_json_get(want, "any") || rl_json_get(want, "glob")) return 1;
        if (rl_json_get(want, "unordered")) {
            sort_array(e, 0);
            sort_array(r, 0);
        }
        return resp_equal(e, r);
    }
    if (want->type == RL_JSON_ARRAY && e->type == RL_REPLY_ARRAY && r->type == RL_REPLY_ARRAY &&
        e->elements == want->count && r->elements == want->count) {
        for (size_t i = 0; i < want->count; i++)
            if (!masked_equal(want->items[i], e->element[i], r->element[i])) return 0;
        return 1;
    }
    return resp_equal(e, r);
}

static void print_cmd(FILE *f, const rec *r)
{
    for (int i = 0; i < r->argc; i++) {
        fputs(i ? " \"" : "\"", f);
        rl_diff_print_escaped(f, r->argv[i], r->len[i]);
        fputc('"', f);
    }
}

static void print_reply(FILE *f, const char *label, const rl_reply *r)
{
    fprintf(f, "      %-9s ", label);
    if (!r) {
        fputs("(none)\n", f);
        return;
    }
    size_t n;
    char *s = rl_reply_to_resp(r, 2, &n);
    rl_diff_print_escaped(f, s, n);
    fputc('\n', f);
    rl_free(s);
}

static int same_argv(const rec *a, const rec *b)
{
    if (a->argc != b->argc || a->step != b->step) return 0;
    for (int i = 0; i < a->argc; i++)
        if (a->len[i] != b->len[i] || memcmp(a->argv[i], b->argv[i], a->len[i]) != 0) return 0;
    return 1;
}

/* Compares the two recordings; prints the first difference. 1 if equal. */
/* The expected reply of the step whose last command is e->v[i], if the
 * step has one. */
static const rl_json *step_expectation(const rl_case *cs, const recs *e, size_t i)
{
    const rec *a = &e->v[i];
    if (a->step < 0 || (size_t)a->step >= cs->nsteps) return NULL;
    if (i + 1 < e->n && e->v[i + 1].step == a->step) return NULL;
    const rl_step *st = &cs->steps[a->step];
    return st->expect == RL_EXPECT_REPLY ? st->reply : NULL;
}

static int compare_recs(const char *where, const rl_case *cs, recs *e, recs *r,
                        unsigned long *notes)
{
    size_t n = e->n < r->n ? e->n : r->n;
    for (size_t i = 0; i < n; i++) {
        rec *a = &e->v[i], *b = &r->v[i];
        const char *why = NULL;
        int res = SAME;
        const rl_json *want = step_expectation(cs, e, i);
        if (!same_argv(a, b)) {
            why = "the backends were sent different commands";
        } else if (!a->reply || !b->reply) {
            why = "no reply";
        } else {
            res = compare_replies(a, a->reply, b->reply);
            if (res == DIFFERENT && want && masked_equal(want, a->reply, b->reply)) res = SAME;
            if (res == DIFFERENT) why = "replies differ";
        }
        if (res == INCOMPARABLE) {
            printf("    note: %s: command %zu: scan page with a non-zero cursor not compared\n",
                   where, i + 1);
            (*notes)++;
            continue;
        }
        if (!why) continue;
        if (a->step < 0)
            printf("    MISMATCH %s: keyspace check, command %zu: %s\n", where, i + 1, why);
        else printf("    MISMATCH %s: step %d, command %zu: %s\n", where, a->step + 1, i + 1, why);
        printf("      command   ");
        print_cmd(stdout, a);
        printf("\n");
        if (!same_argv(a, b)) {
            printf("      redis got ");
            print_cmd(stdout, b);
            printf("\n");
        }
        print_reply(stdout, "emulator", a->reply);
        print_reply(stdout, "redis", b->reply);
        return 0;
    }
    if (e->n != r->n) {
        printf("    MISMATCH %s: the emulator ran %zu commands, redis %zu (one stopped "
               "early)\n",
               where, e->n, r->n);
        return 0;
    }
    return 1;
}

/* --- Finding fixtures ---------------------------------------------------- */

typedef struct paths {
    char **v;
    size_t n, cap;
} paths;

static void paths_add(paths *p, const char *s)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->v = realloc(p->v, sizeof(char *) * p->cap);
        if (!p->v) abort();
    }
    p->v[p->n++] = strdup(s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Appends the fixtures under path, in name order; -1 if path is missing. */
static int walk(paths *out, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    if (!S_ISDIR(st.st_mode)) {
        paths_add(out, path);
        return 0;
    }
    DIR *d = opendir(path);
    if (!d) return -1;
    paths names = { 0 };
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL)
        if (ent->d_name[0] != '.') paths_add(&names, ent->d_name);
    closedir(d);
    if (names.n) qsort(names.v, names.n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < names.n; i++) {
        size_t len = strlen(path) + strlen(names.v[i]) + 2;
        char *full = malloc(len);
        snprintf(full, len, "%s/%s", path, names.v[i]);
        if (stat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode)) walk(out, full);
            else if (ends_with(full, ".test.json")) paths_add(out, full);
        }
        free(full);
        free(names.v[i]);
    }
    free(names.v);
    return 0;
}

/* --- Main ------------------------------------------------------------------ */

typedef struct totals {
    unsigned long cases, same, skipped, failed, commands, notes;
} totals;

static const char *status_name(rl_case_status s)
{
    return s == RL_CASE_PASS ? "pass" : s == RL_CASE_FAIL ? "FAIL" : "skip";
}

/* --skip-cases FILE: cases not compared with this build's engine, one a
 * line as "<fixture path> :: <case name>" (the path may be a suffix of the
 * walked one, e.g. relative to the project root); '#' starts a comment
 * line. Used by diff_fixtures_luajit for cases that depend on Lua's table
 * order, which LuaJIT cannot reproduce. */
static struct {
    char **v;
    size_t n;
} skip_cases;

static int load_skip_cases(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) return -1;
    char line[2048];
    while (fgets(line, sizeof(line), fp)) {
        size_t len = strcspn(line, "\r\n");
        line[len] = '\0';
        if (len == 0 || line[0] == '#') continue;
        skip_cases.v = realloc(skip_cases.v, sizeof(char *) * (skip_cases.n + 1));
        skip_cases.v[skip_cases.n++] = strdup(line);
    }
    fclose(fp);
    return 0;
}

static int case_skipped(const char *where)
{
    size_t wlen = strlen(where);
    for (size_t i = 0; i < skip_cases.n; i++) {
        size_t len = strlen(skip_cases.v[i]);
        if (len <= wlen && strcmp(where + wlen - len, skip_cases.v[i]) == 0 &&
            (len == wlen || where[wlen - len - 1] == '/'))
            return 1;
    }
    return 0;
}

/* Runs one case on both backends. -1 if the redis connection is lost. */
static int diff_case(rl_backend *emu, rl_backend *redis, const rl_fixture *f, size_t ci, totals *t)
{
    const char *cname = rl_fixture_case_name(f, ci);
    char where[1024];
    snprintf(where, sizeof(where), "%s :: %s", f->path, cname);
    t->cases++;
    if (emu && case_skipped(where)) {
        printf("SKIP on %s  %s: listed in --skip-cases (depends on Lua's table order)\n",
               rl_emu_engine(), where);
        t->skipped++;
        return 0;
    }
    recs re = { 0 }, rr = { 0 };
    rl_case_result ee = { 0 }, er = { 0 };
    int rc = 0;

    if (emu) rl_run_case(emu, f, ci, record, &re, &ee);
    else ee.status = RL_CASE_SKIP;
    if (rl_fixture_case_uses_clock(f, ci)) {
        printf("SKIP on redis  %s: the case sets clock_ms or uses advance_ms, and "
               "redis-server has no virtual clock (emulator: %s)\n",
               where, status_name(ee.status));
        t->skipped++;
        if (ee.status == RL_CASE_FAIL) {
            printf("    emulator failed: %s\n", ee.message ? ee.message : "");
            t->failed++;
        }
        goto done;
    }
    if (rl_run_case(redis, f, ci, record, &rr, &er) != 0) {
        printf("FAIL %s: redis backend: %s\n", where, redis->errstr);
        t->failed++;
        rc = -1;
        goto done;
    }
    if (!emu) {
        /* --oracle-only: is the fixture right about redis-server? */
        printf("%s %s (redis only)\n", er.status == RL_CASE_PASS ? "ok  " : "FAIL", where);
        if (er.status != RL_CASE_PASS) {
            printf("    redis: %s\n", er.message ? er.message : "");
            t->failed++;
        } else {
            t->same++;
        }
        goto done;
    }
    t->commands += re.n;
    int same = compare_recs(where, &f->cases[ci], &re, &rr, &t->notes);
    int ok = same && ee.status == RL_CASE_PASS && er.status == RL_CASE_PASS;
    if (ok) {
        printf("ok   %s (%zu commands identical)\n", where, re.n);
        t->same++;
    } else {
        printf("FAIL %s (emulator: %s, redis: %s%s)\n", where, status_name(ee.status),
               status_name(er.status), same ? ", replies identical" : "");
        if (ee.status != RL_CASE_PASS && ee.message) printf("    emulator: %s\n", ee.message);
        if (er.status != RL_CASE_PASS && er.message)
            printf("    redis (the fixture disagrees with the oracle): %s\n", er.message);
        t->failed++;
    }
done:
    rl_case_result_clear(&ee);
    rl_case_result_clear(&er);
    recs_clear(&re);
    recs_clear(&rr);
    return rc;
}

int main(int argc, char **argv)
{
    const char *server = NULL;
    paths files = { 0 };
    int bad_args = 0, oracle_only = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--server") && i + 1 < argc) {
            server = argv[++i];
        } else if (!strcmp(argv[i], "--oracle-only")) {
            oracle_only = 1;
        } else if (!strcmp(argv[i], "--skip-cases") && i + 1 < argc) {
            if (load_skip_cases(argv[++i]) != 0) {
                fprintf(stderr, "fixture_diff: %s: cannot read\n", argv[i]);
                bad_args = 1;
            }
        } else if (walk(&files, argv[i]) != 0) {
            fprintf(stderr, "fixture_diff: %s: no such file or directory\n", argv[i]);
            bad_args = 1;
        }
    }
    if (bad_args || files.n == 0) {
        if (!bad_args) fprintf(stderr, "fixture_diff: no *.test.json fixtures found\n");
        fprintf(stderr,
                "usage: fixture_diff [--server HOST:PORT] [--oracle-only] "
                "[--skip-cases FILE] PATH...\n");
        for (size_t i = 0; i < files.n; i++) free(files.v[i]);
        free(files.v);
        return 2;
    }

    rl_diff_server srv;
    memset(&srv, 0, sizeof(srv));
    char host[256] = "127.0.0.1", err[1024];
    int port = 0, rc = 0;
    if (server) {
        if (rl_diff_parse_hostport(server, host, sizeof(host), &port) != 0) {
            fprintf(stderr, "fixture_diff: bad --server %s (want HOST:PORT)\n", server);
            rc = 2;
        }
    } else {
        char exe[1024];
        if (rl_diff_find_redis(exe, sizeof(exe)) != 0) {
            rc = rl_diff_no_server_exit("fixture_diff", "redis-server not found");
        } else if (rl_diff_server_start(&srv, exe, err, sizeof(err)) != 0) {
            fprintf(stderr, "fixture_diff: cannot start %s: %s\n", exe, err);
            rc = 1;
        } else {
            port = srv.port;
        }
    }
    rl_backend *emu = NULL, *redis = NULL;
    if (rc == 0) {
        redis = rl_backend_redis_new(host, port, err, sizeof(err));
        if (!redis) {
            fprintf(stderr, "fixture_diff: %s\n", err);
            rc = 1;
        }
    }
    totals t = { 0 };
    if (rc == 0) {
        if (!oracle_only) emu = rl_backend_emu_new();
        printf("fixture_diff: %zu fixture files, engine %s, redis %s:%d\n", files.n,
               rl_emu_engine(), host, port);
        for (size_t i = 0; i < files.n && rc == 0; i++) {
            rl_fixture *f = rl_fixture_load(files.v[i], err, sizeof(err));
            if (!f) {
                printf("FAIL %s: cannot load: %s\n", files.v[i], err);
                t.failed++;
                continue;
            }
            for (size_t c = 0; c < rl_fixture_case_count(f) && rc == 0; c++)
                if (diff_case(emu, redis, f, c, &t) != 0) rc = 1;
            rl_fixture_free(f);
        }
        printf("fixture_diff: %lu cases: %lu %s, %lu skipped (clock or --skip-cases), "
               "%lu failed; %lu commands compared, %lu scan pages not comparable\n",
               t.cases, t.same, oracle_only ? "passed on redis" : "identical on both", t.skipped,
               t.failed, t.commands, t.notes);
        if (t.failed) rc = 1;
    }
    if (emu) emu->free(emu);
    if (redis) redis->free(redis);
    rl_diff_server_stop(&srv);
    for (size_t i = 0; i < files.n; i++) free(files.v[i]);
    free(files.v);
    for (size_t i = 0; i < skip_cases.n; i++) free(skip_cases.v[i]);
    free(skip_cases.v);
    return rc;
}
