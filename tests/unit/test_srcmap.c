/* The source map (harness/srcmap.c): lookups, message and traceback
 * rewriting, map files, and the whole path from a script split across three
 * files, run on the emulator, to a traceback on the original files. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"
#include "srcmap.h"

static char tmpdir[64];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/rl_test_srcmap.XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    for (char *p = path + strlen(tmpdir) + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0700);
            *p = '/';
        }
    }
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* A script split across three files: main includes mid, mid includes deep,
 * and deep fails in three ways. The bundle's lines come from:
 *   1-2 main:1-2 (%key, %arg)    9-13 mid:2-6 (g)
 *   3-8 deep:1-6 (boom)         14-15 main:4-5 */
static void load_three(rl_loaded_script *s)
{
    write_file("app/main.lua",
               "%key k\n%arg mode\n%include \"mid\"\nlocal out = g(k, mode)\n"
               "return out\n");
    write_file("lib/mid.lua",
               "%include \"deep\"\n\nlocal function g(k, m)\n"
               "  local r = boom(k, m)\n  return r\nend\n");
    write_file("lib/deep.lua",
               "local function boom(k, m)\n"
               "  if m == 'table' then error({err = 'EBOOM ' .. k}) end\n"
               "  if m == 'string' then error('bad ' .. k) end\n"
               "  local v = redis.call('INCR', k)\n"
               "  return v\nend\n");
    char cwd[512], err[512];
    static const char *const dirs[] = { "lib" };
    rl_loader_opts opts = { dirs, 1 };
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(tmpdir), 0);
    int rc = rl_loader_load_script("app/main.lua", &opts, s, err, sizeof(err));
    assert_int_equal(chdir(cwd), 0);
    if (rc != 0) fail_msg("%s", err);
}

static void srcmap_should_find_files_lines_and_sources(void **state)
{
    (void)state;
    rl_loaded_script s;
    load_three(&s);
    static const struct {
        int line;
        const char *file;
        int file_line;
        const char *src;
    } cases[] = {
        { 1, "app/main.lua", 1, "%key k" },
        { 3, "lib/deep.lua", 1, "local function boom(k, m)" },
        { 6, "lib/deep.lua", 4, "  local v = redis.call('INCR', k)" },
        { 9, "lib/mid.lua", 2, "" },
        { 11, "lib/mid.lua", 4, "  local r = boom(k, m)" },
        { 13, "lib/mid.lua", 6, "end" },
        { 14, "app/main.lua", 4, "local out = g(k, mode)" },
        { 15, "app/main.lua", 5, "return out" },
        /* One past the end (Lua's line for an unexpected end of text). */
        { 16, "app/main.lua", 6, NULL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *file, *src;
        int fl;
        size_t srclen;
        assert_int_equal(rl_srcmap_lookup(&s, cases[i].line, &file, &fl, &src, &srclen), 0);
        assert_string_equal(file, cases[i].file);
        assert_int_equal(fl, cases[i].file_line);
        if (cases[i].src == NULL) {
            assert_null(src);
        } else {
            assert_non_null(src);
            assert_int_equal(srclen, strlen(cases[i].src));
            assert_memory_equal(src, cases[i].src, srclen);
        }
    }
    const char *file, *src;
    int fl;
    size_t srclen;
    assert_int_equal(rl_srcmap_lookup(&s, 0, &file, &fl, &src, &srclen), -1);
    assert_int_equal(rl_srcmap_lookup(&s, 17, &file, &fl, &src, &srclen), -1);
    rl_loader_clear(&s);
    assert_int_equal(rl_mem_used(), 0);
}

static void srcmap_should_rewrite_chunk_references_only(void **state)
{
    (void)state;
    rl_loaded_script s;
    load_three(&s);
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "ERR user_script:4: bad k script: 0123, on @user_script:4.",
          "ERR lib/deep.lua:2: bad k script: 0123, on @lib/deep.lua:2." },
        { "ERR Error compiling script (new function): user_script:16: 'end' expected (to close "
          "'function' at line 10) near '<eof>'",
          "ERR Error compiling script (new function): app/main.lua:6: 'end' expected (to close "
          "'function' at lib/mid.lua:3) near '<eof>'" },
        /* Out of range, zero, no digits, too many digits: left alone. */
        { "user_script:99: x user_script:0 user_script:x user_script:12345678901",
          "user_script:99: x user_script:0 user_script:x user_script:12345678901" },
        { "at line 3 without a parenthesis", "at line 3 without a parenthesis" },
        { "trailing user_script:", "trailing user_script:" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rl_buf out = { 0 };
        rl_srcmap_rewrite(&s, cases[i].in, strlen(cases[i].in), &out);
        assert_string_equal(out.p, cases[i].out);
        rl_buf_free(&out);
    }
    rl_buf loc = { 0 };
    static const char e[] = "WRONGTYPE Operation script: 1, on @user_script:6.";
    assert_int_equal(rl_srcmap_error_location(&s, e, strlen(e), &loc), 0);
    assert_string_equal(loc.p, "lib/deep.lua:4: local v = redis.call('INCR', k)");
    rl_buf_free(&loc);
    assert_int_equal(rl_srcmap_error_location(&s, "ERR no line", 11, &loc), -1);
    assert_null(loc.p);
    rl_loader_clear(&s);
    assert_int_equal(rl_mem_used(), 0);
}

static void srcmap_should_leave_inline_scripts_named_user_script(void **state)
{
    (void)state;
    rl_loaded_script s;
    memset(&s, 0, sizeof(s));
    s.text = rl_strdup("local t = nil\n  return t.x\n");
    s.len = strlen(s.text);
    rl_buf out = { 0 };
    rl_srcmap_traceback(&s, "user_script:2: in main chunk\n...", "  ", &out);
    assert_string_equal(out.p, "  user_script:2: in main chunk: return t.x\n  ...\n");
    rl_buf_free(&out);
    rl_srcmap_rewrite(&s, "(to close 'if' at line 1)", 25, &out);
    assert_string_equal(out.p, "(to close 'if' at line 1)");
    rl_buf_free(&out);
    rl_loader_clear(&s);
    assert_int_equal(rl_mem_used(), 0);
}

/* Runs the three-file script on the emulator with mode and returns the
 * mapped traceback and error location; frees everything else. */
static void run_three(const rl_loaded_script *s, const char *mode, const char *want_error,
                      const char *want_at, const char *want_tb)
{
    rl_emu *emu = rl_emu_new();
    rl_reply_free(rl_emu_callv(emu, "SET", "k", "x", (const char *)NULL));
    const char *argv[] = { "EVAL", s->text, "1", "k", mode };
    size_t argvlen[] = { 4, s->len, 1, 1, strlen(mode) };
    rl_reply *r = rl_emu_call(emu, 5, argv, argvlen);
    assert_int_equal(r->type, RL_REPLY_ERROR);
    if (strncmp(r->str, want_error, strlen(want_error)) != 0)
        fail_msg("error %s, expected it to start with %s", r->str, want_error);
    rl_buf at = { 0 }, tb = { 0 };
    assert_int_equal(rl_srcmap_error_location(s, r->str, r->len, &at), 0);
    assert_string_equal(at.p, want_at);
    const char *raw = rl_emu_last_traceback(emu);
    assert_non_null(raw);
    rl_srcmap_traceback(s, raw, "", &tb);
    assert_string_equal(tb.p, want_tb);
    rl_buf_free(&at);
    rl_buf_free(&tb);
    rl_reply_free(r);
    rl_emu_free(emu);
}

static void srcmap_should_map_errors_deep_inside_includes(void **state)
{
    (void)state;
    rl_loaded_script s;
    load_three(&s);
    /* The error texts are Redis 7.0.15's for this bundle (checked with
     * EVAL on redis-server). */
    static const char frames_top[] = "app/main.lua:4: in main chunk: local out = g(k, mode)\n"
                                     "lib/mid.lua:4: in function 'g': local r = boom(k, m)\n";
    char tb[1024];
    snprintf(tb, sizeof(tb),
             "%slib/deep.lua:3: in function 'boom': if m == 'string' then "
             "error('bad ' .. k) end\n",
             frames_top);
    run_three(&s, "string", "ERR user_script:5: bad k script: ",
              "lib/deep.lua:3: if m == 'string' then error('bad ' .. k) end", tb);
    snprintf(tb, sizeof(tb),
             "%slib/deep.lua:2: in function 'boom': if m == 'table' then "
             "error({err = 'EBOOM ' .. k}) end\n",
             frames_top);
    run_three(&s, "table", "EBOOM k script: ",
              "lib/deep.lua:2: if m == 'table' then error({err = 'EBOOM ' .. k}) end", tb);
    snprintf(tb, sizeof(tb),
             "%slib/deep.lua:4: in function 'boom': local v = redis.call('INCR', "
             "k)\n",
             frames_top);
    run_three(&s, "call", "ERR value is not an integer or out of range script: ",
              "lib/deep.lua:4: local v = redis.call('INCR', k)", tb);
    rl_loader_clear(&s);
    assert_int_equal(rl_mem_used(), 0);
}

static void srcmap_should_save_and_read_maps(void **state)
{
    (void)state;
    rl_loaded_script s, back;
    load_three(&s);
    rl_buf json = { 0 };
    rl_srcmap_to_json(&s, "da39a3ee5e6b4b0d3255bfef95601890afd80709", &json);
    assert_non_null(strstr(json.p,
                           "\"redlua_map\": 1,\n  \"script\": \"app/main.lua\",\n"
                           "  \"sha1\": \"da39a3ee5e6b4b0d3255bfef95601890afd80709\",\n"
                           "  \"lines\": 15,\n"));
    char sha[41], err[256];
    assert_int_equal(rl_srcmap_from_json(json.p, json.len, &back, sha, err, sizeof(err)), 0);
    assert_string_equal(sha, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    assert_int_equal(back.nfiles, s.nfiles);
    assert_int_equal(back.nranges, s.nranges);
    for (int line = 1; line <= 16; line++) {
        const char *f1, *f2, *s1, *s2;
        int l1, l2;
        size_t n1, n2;
        assert_int_equal(rl_srcmap_lookup(&s, line, &f1, &l1, &s1, &n1), 0);
        assert_int_equal(rl_srcmap_lookup(&back, line, &f2, &l2, &s2, &n2), 0);
        assert_string_equal(f1, f2);
        assert_int_equal(l1, l2);
        assert_int_equal(n1, n2);
        if (s1 != NULL) assert_memory_equal(s1, s2, n1);
    }
    rl_buf_free(&json);
    rl_loader_clear(&back);
    rl_loader_clear(&s);

    static const struct {
        const char *json, *err;
    } bads[] = {
        { "[]", "1:1: a line map is a JSON object" },
        { "{\"redlua_map\": 2}", "1:16: not a redlua line map (\"redlua_map\": 1 missing)" },
        { "{\"redlua_map\": 1, \"sha1\": \"x\"}", "1:27: \"sha1\" must be 40 hex digits" },
        { "{\"redlua_map\": 1, \"sha1\": \"da39a3ee5e6b4b0d3255bfef95601890afd80709\", "
          "\"files\": [{\"path\": \"a\"}], \"ranges\": [[1, 2, 0, 1], [2, 1, 0, 5]]}",
          "1:122: ranges must be sorted and must not overlap" },
        { "{\"redlua_map\": 1, \"sha1\": \"da39a3ee5e6b4b0d3255bfef95601890afd80709\", "
          "\"files\": [{\"path\": \"a\"}], \"ranges\": [[1, 2, 1, 1]]}",
          "1:108: a range is [first, count, file index, first file line]" },
        { "{\"redlua_map\": 1,", "1:18: unexpected end of input, expected a key" },
    };
    for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
        assert_int_equal(
            rl_srcmap_from_json(bads[i].json, strlen(bads[i].json), &back, sha, err, sizeof(err)),
            -1);
        assert_string_equal(err, bads[i].err);
    }
    assert_int_equal(rl_mem_used(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(srcmap_should_find_files_lines_and_sources),
        cmocka_unit_test(srcmap_should_rewrite_chunk_references_only),
        cmocka_unit_test(srcmap_should_leave_inline_scripts_named_user_script),
        cmocka_unit_test(srcmap_should_map_errors_deep_inside_includes),
        cmocka_unit_test(srcmap_should_save_and_read_maps),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
