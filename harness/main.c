/* redlua-test: runs fixture files (docs/fixture-format.md) on the emulator.
 *
 * Exit codes: 0 every case passed (or was skipped), 1 some case failed,
 * 2 usage error or malformed input (then nothing runs at all). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "fixture.h"
#include "mem.h"
#include "redlua.h"
#include "report.h"
#include "runner.h"

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
    "  --timeout-ms N         stop a script that runs longer than N ms with an\n"
    "                         error (default 5000; 0 = no limit)\n"
    "  -v, --verbose          also list the cases that pass\n"
    "  -h, --help             show this help\n"
    "\n"
    "Output: every failing case with its fixture file, case name, step number\n"
    "and the step's file:line, the expected and actual values in the fixture's\n"
    "JSON notation and, for a script error, the traceback and redis.log lines;\n"
    "then the line \"N passed, M failed\" (\", K skipped\" when cases were skipped).\n"
    "\n"
    "Exit status: 0 all cases passed, 1 some case failed, 2 usage error or\n"
    "malformed fixture (reported as file:line:col; then nothing runs).\n";

typedef struct opts {
    const char *engine;
    int has_timeout;
    int64_t timeout_ms;
    int verbose;
} opts;

typedef struct strlist {
    char **items;
    size_t n, cap;
} strlist;

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
    for (size_t i = 0; i < l->n; i++)
        rl_free(l->items[i]);
    rl_free(l->items);
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
    if (!slash)
        p[dl++] = '/';
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
    strlist names = {0};
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            strlist_push(&names, e->d_name);
    }
    closedir(d);
    if (names.n > 0)
        qsort(names.items, names.n, sizeof(char *), cmp_names);
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
        if (walk_dir(path, out, 0) != 0)
            return -1;
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
    if (*s == '\0')
        return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0)
        return -1;
    *out = (int64_t)v;
    return 0;
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "redlua-test: %s%s%s\nTry 'redlua-test --help'.\n", msg, arg ? " " : "",
            arg ? arg : "");
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    opts o = {rl_emu_engine(), 0, 0, 0};
    strlist paths = {0};
    int only_paths = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
            strlist_push(&paths, a);
        } else if (strcmp(a, "--") == 0) {
            only_paths = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            strlist_free(&paths);
            return 0;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o.verbose = 1;
        } else if (strcmp(a, "--engine") == 0 || strncmp(a, "--engine=", 9) == 0) {
            const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
            if (v == NULL || (strcmp(v, "lua51") != 0 && strcmp(v, "luajit") != 0)) {
                strlist_free(&paths);
                return usage_error("--engine takes lua51 or luajit, not", v ? v : "(nothing)");
            }
            o.engine = v;
        } else if (strcmp(a, "--timeout-ms") == 0 || strncmp(a, "--timeout-ms=", 13) == 0) {
            const char *v = a[12] == '=' ? a + 13 : (i + 1 < argc ? argv[++i] : NULL);
            if (v == NULL || parse_int64(v, &o.timeout_ms) != 0) {
                strlist_free(&paths);
                return usage_error("--timeout-ms takes a number of milliseconds, not",
                                   v ? v : "(nothing)");
            }
            o.has_timeout = 1;
        } else {
            strlist_free(&paths);
            return usage_error("unknown option", a);
        }
    }
    if (strcmp(o.engine, rl_emu_engine()) != 0) {
        strlist_free(&paths);
        return exec_engine(o.engine, argv);
    }
    if (paths.n == 0) {
        strlist_free(&paths);
        return usage_error("no PATH given", NULL);
    }

    strlist files = {0};
    int status = 0;
    for (size_t i = 0; i < paths.n; i++) {
        if (collect(paths.items[i], &files) != 0)
            status = EXIT_USAGE;
    }
    strlist_free(&paths);

    /* Load everything first: a malformed file stops the run before any case
     * runs, and every malformed file is reported, not just the first. */
    rl_fixture **fixtures = rl_calloc(files.n ? files.n : 1, sizeof(*fixtures));
    for (size_t i = 0; i < files.n; i++) {
        char err[1024];
        fixtures[i] = rl_fixture_load(files.items[i], err, sizeof(err));
        if (fixtures[i] == NULL) {
            fprintf(stderr, "%s\n", err);
            status = EXIT_USAGE;
        }
    }

    if (status == 0) {
        rl_backend *b = rl_backend_emu_new();
        if (o.has_timeout)
            b->set_script_timeout_ms(b, o.timeout_ms);
        rl_report rep = {stdout, o.verbose, 0, 0, 0};
        for (size_t i = 0; i < files.n && status == 0; i++) {
            for (size_t c = 0; c < rl_fixture_case_count(fixtures[i]); c++) {
                rl_case_result res;
                int rc = rl_run_case(b, fixtures[i], c, NULL, NULL, &res);
                rl_report_case(&rep, fixtures[i], c, &res);
                rl_case_result_clear(&res);
                if (rc != 0) {
                    fprintf(stderr, "redlua-test: backend failure: %s\n", b->errstr);
                    status = EXIT_USAGE;
                    break;
                }
            }
        }
        rl_report_summary(&rep);
        if (status == 0 && rep.failed > 0)
            status = EXIT_FAILED;
        b->free(b);
    }

    for (size_t i = 0; i < files.n; i++)
        rl_fixture_free(fixtures[i]);
    rl_free(fixtures);
    strlist_free(&files);
    return status;
}
