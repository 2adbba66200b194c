/* redlua-test's coverage report (harness/script_coverage.c): chunk lines
 * led back to the original files through the loader's map, an included
 * helper credited to its own file, the ranges never run, the lcov text and
 * the -j wire format. Built and run once per engine; the expected lines are
 * worked out by hand from tests/cli/fixtures/coverage/scripts and the rule
 * in docs/redlua-test.md ("Coverage"). */
#include "test_common.h"

#include <stdio.h>

#include "loader.h"
#include "script_coverage.h"

#define DIR "tests/cli/fixtures/coverage/scripts/"

/* Runs the loaded script once with KEYS/ARGV as given, on emu. */
static void run(rl_emu *emu, const rl_loaded_script *s, const char *key, const char *arg)
{
    const char *argv[5] = { "EVAL", s->text, "1", key, arg };
    size_t argvlen[5] = { 4, s->len, 1, strlen(key), strlen(arg) };
    rl_reply_free(rl_emu_call(emu, 5, argv, argvlen));
}

static const rl_coverage_file *file_named(const rl_coverage_report *r, const char *path)
{
    for (size_t i = 0; i < r->nfiles; i++)
        if (strcmp(r->files[i].path, path) == 0) return &r->files[i];
    print_error("no file %s in the report\n", path);
    fail();
    return NULL;
}

/* The lines with code of f, and their counts: lines[i] ran hits[i] times;
 * every other line holds no code. */
static void assert_lines(const rl_coverage_file *f, const int *lines, const int *hits, size_t n)
{
    int found = 0;
    for (int l = 1; l <= f->nlines; l++) found += f->code[l];
    assert_int_equal(found, (int)n);
    assert_int_equal(f->lines_found, (int)n);
    for (size_t i = 0; i < n; i++) {
        assert_true(lines[i] <= f->nlines);
        if (!f->code[lines[i]] || f->hits[lines[i]] != (uint64_t)hits[i]) {
            print_error("%s:%d: code %d, hits %llu; expected code, %d hits\n", f->path, lines[i],
                        f->code[lines[i]], (unsigned long long)f->hits[lines[i]], hits[i]);
            fail();
        }
    }
}

static void assert_missed(const rl_coverage_file *f, const char *want)
{
    rl_buf b = { 0 };
    rl_coverage_missed_ranges(f, &b);
    assert_string_equal(b.len ? b.p : "", want);
    rl_buf_free(&b);
}

/* discount.lua includes lib/helper.lua; two runs: one with a price (10% off,
 * so clamp runs its last line), one without (the early error return). */
static void coverage_should_credit_included_lines_to_their_file(void **state)
{
    (void)state;
    char err[512];
    rl_loaded_script s;
    assert_int_equal(rl_loader_load(DIR "discount.lua", &s, err, sizeof(err)), 0);
    rl_emu *emu = rl_emu_new();
    rl_emu_set_coverage(emu, 1);
    rl_reply_free(rl_emu_callv(emu, "SET", "price", "200", (const char *)NULL));
    run(emu, &s, "price", "10");
    run(emu, &s, "none", "10");
    rl_coverage *cov = rl_coverage_new();
    rl_coverage_add_emu(cov, emu);
    rl_emu_free(emu);
    const rl_loaded_script *list[] = { &s };
    rl_coverage_report r;
    rl_coverage_report_build(cov, list, 1, &r);
    assert_int_equal(r.nfiles, 2);
    /* Sorted by path: the script, then its helper. */
    assert_string_equal(r.files[0].path, DIR "discount.lua");
    const rl_coverage_file *d = file_named(&r, DIR "discount.lua");
    const rl_coverage_file *h = file_named(&r, DIR "lib/helper.lua");
    /* %key and %arg lines are code (the loader makes them locals); "end"
     * lines of if blocks hold none; line 15's call ran once. */
    static const int dl[] = { 3, 4, 6, 7, 8, 10, 12, 13, 15 };
    static const int dh[] = { 2, 2, 2, 2, 1, 1, 0, 0, 1 };
    assert_lines(d, dl, dh, 9);
    assert_int_equal(d->lines_hit, 7);
    assert_missed(d, "12-13");
    /* The helper: function headers hold no code, the end lines do (the
     * closure is made there, on every run). */
    static const int hl[] = { 3, 4, 6, 7, 9, 10, 13, 14 };
    static const int hh[] = { 1, 0, 1, 0, 1, 2, 0, 2 };
    assert_lines(h, hl, hh, 8);
    assert_missed(h, "4, 7, 13");

    /* Functions, by the line their definition starts on: clamp ran in one
     * run, never_called in none; the script defines none of its own. */
    assert_int_equal(d->nfuncs, 0);
    assert_int_equal(h->nfuncs, 2);
    assert_int_equal(h->funcs[0].line, 2);
    assert_string_equal(h->funcs[0].name, "clamp");
    assert_int_equal(h->funcs[0].hits, 1);
    assert_int_equal(h->funcs[1].line, 12);
    assert_string_equal(h->funcs[1].name, "never_called");
    assert_int_equal(h->funcs[1].hits, 0);

    rl_buf lcov = { 0 };
    rl_coverage_write_lcov(&r, &lcov);
    assert_non_null(strstr(lcov.p,
                           "TN:\nSF:" DIR "lib/helper.lua\nFN:2,clamp\nFN:12,never_called\n"
                           "FNDA:1,clamp\nFNDA:0,never_called\nFNF:2\nFNH:1\n"
                           "DA:3,1\nDA:4,0\nDA:6,1\n"
                           "DA:7,0\nDA:9,1\nDA:10,2\nDA:13,0\nDA:14,2\nLF:8\nLH:5\n"
                           "end_of_record\n"));
    rl_buf_free(&lcov);

    /* Through the wire format, twice: every count doubles. */
    rl_buf wire = { 0 };
    rl_coverage_encode(cov, &wire);
    rl_coverage *again = rl_coverage_new();
    assert_int_equal(rl_coverage_decode(again, wire.p, wire.len), 0);
    assert_int_equal(rl_coverage_decode(again, wire.p, wire.len), 0);
    assert_int_equal(rl_coverage_decode(again, wire.p, wire.len - 1), -1);
    rl_buf_free(&wire);
    rl_coverage_report r2;
    rl_coverage_report_build(again, list, 1, &r2);
    assert_int_equal(file_named(&r2, DIR "lib/helper.lua")->hits[10], 4);
    rl_coverage_report_clear(&r2);
    rl_coverage_free(again);

    rl_coverage_report_clear(&r);
    rl_coverage_free(cov);
    rl_loader_clear(&s);
    assert_int_equal(rl_mem_used(), 0);
}

/* A script no case ran: add_scripts compiles it, every line with code is
 * listed as never run. */
static void coverage_should_list_scripts_never_run(void **state)
{
    (void)state;
    char err[512];
    rl_loaded_script s;
    assert_int_equal(rl_loader_load(DIR "unused.lua", &s, err, sizeof(err)), 0);
    rl_coverage *cov = rl_coverage_new();
    const rl_loaded_script *list[] = { &s };
    rl_coverage_add_scripts(cov, list, 1);
    rl_coverage_report r;
    rl_coverage_report_build(cov, list, 1, &r);
    assert_int_equal(r.nfiles, 1);
    static const int ul[] = { 2, 3 };
    static const int uh[] = { 0, 0 };
    assert_lines(&r.files[0], ul, uh, 2);
    assert_missed(&r.files[0], "2-3");
    rl_buf t = { 0 };
    rl_coverage_write_table(&r, &t);
    /* The path column is as wide as the longest path; numbers are right
     * aligned in 6 columns, the percent in 8 with one decimal. */
    char want[512];
    snprintf(want, sizeof(want), "%-46s  %s\n%s  %s\n%-46s  %s\n", "coverage",
             " lines     hit   percent  never run", DIR "unused.lua",
             "     2       0      0.0%  2-3", "total", "     2       0      0.0%");
    assert_string_equal(t.p, want);
    rl_buf_free(&t);
    rl_coverage_report_clear(&r);
    rl_coverage_free(cov);
    rl_loader_clear(&s);
    assert_int_equal(rl_mem_used(), 0);
}

/* A FUNCTION library no case loaded is compiled with FUNCTION LOAD (SCRIPT
 * LOAD refuses its "#!lua name=" line) and listed with every line never
 * run: lines 4, 5, 7, 8 and 10 of partial.lua hold code (line 3's "local
 * function" makes its closure at the "end" on line 8). */
static void coverage_should_list_libraries_never_loaded(void **state)
{
    (void)state;
    char err[512];
    rl_loaded_script s;
    assert_int_equal(
        rl_loader_load("tests/cli/fixtures/functions/lib/partial.lua", &s, err, sizeof(err)), 0);
    rl_coverage *cov = rl_coverage_new();
    const rl_loaded_script *list[] = { &s };
    rl_coverage_add_scripts(cov, list, 1);
    rl_coverage_report r;
    rl_coverage_report_build(cov, list, 1, &r);
    assert_int_equal(r.nfiles, 1);
    static const int ll[] = { 4, 5, 7, 8, 10 };
    static const int lh[] = { 0, 0, 0, 0, 0 };
    assert_lines(&r.files[0], ll, lh, 5);
    assert_missed(&r.files[0], "4-10");
    rl_coverage_report_clear(&r);
    rl_coverage_free(cov);
    rl_loader_clear(&s);
    assert_int_equal(rl_mem_used(), 0);
}

/* Function names as lcov shows them: what follows "function", else what is
 * assigned, else function@LINE; a name two functions share gets @LINE. */
static void functions_should_be_named_from_their_line(void **state)
{
    (void)state;
    const char *src = "local M = {}\n"                              /* 1 */
                      "function M.get(k) return k end\n"            /* 2 */
                      "function M:set(v)\n"                         /* 3 */
                      "  self.v = v\n"                              /* 4 */
                      "end\n"                                       /* 5 */
                      "local helper = function(x) return x end\n"   /* 6 */
                      "M.twice = function(x)\n"                     /* 7 */
                      "  return x * 2\n"                            /* 8 */
                      "end\n"                                       /* 9 */
                      "local ok = pcall(function() return 1 end)\n" /* 10 */
                      "local t = {[1] = function() end}\n"          /* 11 */
                      "do local function helper() end end\n"        /* 12 */
                      "return M.get(helper(1)) + M.twice(1)\n";     /* 13 */
    rl_emu *emu = rl_emu_new();
    rl_emu_set_coverage(emu, 1);
    rl_reply_free(rl_emu_callv(emu, "EVAL", src, "0", (const char *)NULL));
    /* A loaded script made of one file, as the loader would give it. */
    rl_source_file file = { (char *)"m.lua", (char *)src, strlen(src) };
    rl_line_range range = { 1, 14, "m.lua", 1, 0 };
    rl_loaded_script s;
    memset(&s, 0, sizeof(s));
    s.text = (char *)src;
    s.len = strlen(src);
    s.nranges = 1;
    s.ranges = &range;
    s.nfiles = 1;
    s.files = &file;
    rl_coverage *cov = rl_coverage_new();
    rl_coverage_add_emu(cov, emu);
    rl_emu_free(emu);
    const rl_loaded_script *list[] = { &s };
    rl_coverage_report r;
    rl_coverage_report_build(cov, list, 1, &r);
    assert_int_equal(r.nfiles, 1);
    static const struct {
        int line;
        const char *name;
        int hits;
    } want[] = { { 2, "M.get", 1 },     { 3, "M:set", 0 },        { 6, "helper@6", 1 },
                 { 7, "M.twice", 1 },   { 10, "function@10", 1 }, { 11, "function@11", 0 },
                 { 12, "helper@12", 0 } };
    assert_int_equal(r.files[0].nfuncs, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < r.files[0].nfuncs; i++) {
        assert_int_equal(r.files[0].funcs[i].line, want[i].line);
        assert_string_equal(r.files[0].funcs[i].name, want[i].name);
        assert_int_equal(r.files[0].funcs[i].hits, want[i].hits);
    }
    rl_coverage_report_clear(&r);
    rl_coverage_free(cov);
    assert_int_equal(rl_mem_used(), 0);
}

/* Ranges bridge lines without code but stop at a line that ran. */
static void missed_ranges_should_bridge_lines_without_code(void **state)
{
    (void)state;
    unsigned char code[] = { 0, 1, 1, 0, 1, 1, 1, 0, 1, 0 };
    uint64_t hits[] = { 0, 1, 0, 0, 0, 3, 0, 0, 0, 0 };
    rl_coverage_file f = { (char *)"f.lua", 9, code, hits, 0, 0, 0, NULL };
    assert_missed(&f, "2-4, 6-8");
    hits[8] = 1;
    assert_missed(&f, "2-4, 6");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(coverage_should_credit_included_lines_to_their_file),
        cmocka_unit_test(coverage_should_list_scripts_never_run),
        cmocka_unit_test(coverage_should_list_libraries_never_loaded),
        cmocka_unit_test(missed_ranges_should_bridge_lines_without_code),
        cmocka_unit_test(functions_should_be_named_from_their_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
