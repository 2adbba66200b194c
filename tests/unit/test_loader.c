/* The script loader (harness/loader.c) and named parameters
 * (harness/params.c). Expected texts of the directive tests were produced by
 * the redis-lua Python library's own renderer and by BullMQ 4's
 * ScriptLoader on the same files, and compared byte for byte with ours. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "loader.h"
#include "params.h"

static char tmpdir[64];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/rl_test_loader.XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to tmpdir/name, creating the directories on the way. */
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

/* The loader runs in tmpdir, so paths in messages are short. */
static int load(const char *name, const char *const *dirs, size_t ndirs, rl_loaded_script *s,
                char *err, size_t errlen)
{
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(tmpdir), 0);
    rl_loader_opts opts = { dirs, ndirs };
    int rc = rl_loader_load_script(name, &opts, s, err, errlen);
    assert_int_equal(chdir(cwd), 0);
    return rc;
}

static void assert_text(const rl_loaded_script *s, const char *expected)
{
    if (s->len != strlen(expected) || memcmp(s->text, expected, s->len) != 0) {
        print_error("expected: [%s]\n     got: [%.*s]\n", expected, (int)s->len, s->text);
        fail();
    }
}

static void assert_maps(const rl_loaded_script *s, int line, const char *file, int file_line)
{
    const char *f;
    int fl;
    assert_int_equal(rl_loader_map_line(s, line, &f, &fl), 0);
    assert_string_equal(f, file);
    assert_int_equal(fl, file_line);
}

static void assert_load_error(const char *name, const char *expected)
{
    rl_loaded_script s;
    char err[1024];
    assert_int_equal(load(name, NULL, 0, &s, err, sizeof(err)), -1);
    assert_string_equal(err, expected);
    assert_null(s.text);
    assert_int_equal(rl_mem_used(), 0);
}

static void loader_should_pass_files_without_directives_byte_for_byte(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "return 1\n",
        "return 1",
        "local a = 1\r\nreturn a\r\n",
        "",
        "\n\n\n",
        "-- %key is only text in a comment\nlocal x = 10\n  % 3\nreturn x\n",
        "-- @include \"x\" followed by more text is not an include\n",
        NULL
    };
    for (size_t i = 0; texts[i] != NULL; i++) {
        rl_loaded_script s;
        char err[512];
        write_file("plain.lua", texts[i]);
        assert_int_equal(load("plain.lua", NULL, 0, &s, err, sizeof(err)), 0);
        assert_text(&s, texts[i]);
        assert_string_equal(s.file, "plain.lua");
        assert_int_equal(s.nfiles, 1);
        assert_int_equal(s.nparams, 0);
        assert_int_equal(s.nranges, texts[i][0] == '\0' ? 0 : 1);
        rl_loader_clear(&s);
    }
    assert_int_equal(rl_mem_used(), 0);
}

static void loader_should_render_directives_as_redis_lua_does(void **state)
{
    (void)state;
    write_file("lib/util.lua",
               "%pragma once\n"
               "local function must_int(v, what)\n"
               "  local n = tonumber(v)\n"
               "  if n == nil then\n"
               "    error('not an integer: ' .. what)\n"
               "  end\n"
               "  return n\n"
               "end\n");
    write_file("lib/acct.lua",
               "%include \"util\"\n"
               "\n"
               "local function balance(key)\n"
               "  return must_int(redis.call('GET', key) or '0', key)\n"
               "end\n");
    write_file("app/transfer.lua",
               "%key src\n"
               "%key dst\n"
               "%arg amount int\n"
               "%arg meta dict\n"
               "%return dict\n"
               "%include \"../lib/acct\"\n"
               "%include \"../lib/util\"\n"
               "local b = balance(src)\n"
               "return cjson.encode({from = b, amount = amount, note = meta.note})\n");
    static const char *const dirs[] = { "lib" };
    rl_loaded_script s;
    char err[512];
    assert_int_equal(load("app/transfer.lua", dirs, 1, &s, err, sizeof(err)), 0);
    assert_text(&s,
                "local src = KEYS[1]\n"
                "local dst = KEYS[2]\n"
                "local amount = tonumber(ARGV[1])\n"
                "local meta = cjson.decode(ARGV[2])\n"
                "-- Expected return type is: <class 'dict'>\n"
                "-- File can only be included once.\n"
                "local function must_int(v, what)\n"
                "  local n = tonumber(v)\n"
                "  if n == nil then\n"
                "    error('not an integer: ' .. what)\n"
                "  end\n"
                "  return n\n"
                "end\n"
                "\n"
                "local function balance(key)\n"
                "  return must_int(redis.call('GET', key) or '0', key)\n"
                "end\n"
                "local b = balance(src)\n"
                "return cjson.encode({from = b, amount = amount, note = meta.note})");
    /* Every chunk line leads back to its file: generated lines to their
     * directive, included lines to the included file. */
    assert_int_equal(s.nfiles, 3);
    assert_maps(&s, 1, "app/transfer.lua", 1);
    assert_maps(&s, 5, "app/transfer.lua", 5);
    assert_maps(&s, 6, "lib/util.lua", 1);
    assert_maps(&s, 10, "lib/util.lua", 5);
    assert_maps(&s, 13, "lib/util.lua", 8);
    assert_maps(&s, 14, "lib/acct.lua", 2);
    assert_maps(&s, 16, "lib/acct.lua", 4);
    assert_maps(&s, 18, "app/transfer.lua", 8);
    assert_maps(&s, 19, "app/transfer.lua", 9);
    const char *f;
    int fl;
    assert_int_equal(rl_loader_map_line(&s, 20, &f, &fl), -1);
    assert_int_equal(rl_loader_map_line(&s, 0, &f, &fl), -1);
    /* The ranges are sorted and cover every line once. */
    int next = 1;
    for (size_t i = 0; i < s.nranges; i++) {
        assert_int_equal(s.ranges[i].first, next);
        next += s.ranges[i].count;
    }
    assert_int_equal(next, 20);
    /* Declarations, with their slots and types. */
    assert_int_equal(s.nkeys, 2);
    assert_int_equal(s.nargs, 2);
    const rl_param_decl *d = rl_loader_find_param(&s, "meta", 4);
    assert_non_null(d);
    assert_false(d->is_key);
    assert_int_equal(d->slot, 2);
    assert_int_equal(d->type, RL_PARAM_DICT);
    assert_int_equal(d->line, 4);
    assert_int_equal(d->col, 6);
    d = rl_loader_find_param(&s, "dst", 3);
    assert_true(d->is_key);
    assert_int_equal(d->slot, 2);
    assert_null(rl_loader_find_param(&s, "ds", 2));
    assert_true(s.has_return);
    assert_int_equal(s.return_type, RL_PARAM_DICT);
    rl_loader_clear(&s);
    assert_int_equal(rl_mem_used(), 0);
}

static void loader_should_render_every_arg_type_and_include_once(void **state)
{
    (void)state;
    write_file("c.lua",
               "%pragma once\n%arg flag bool\n%arg n integer\n%arg s str\n"
               "%arg l array\nlocal z = 3\n");
    write_file("b.lua", "x = 1\n%include \"c\"\n  %include 'c'  \ny = 2");
    write_file("e.lua", "");
    write_file("d.lua", "%include \"e\"\nreturn 1\n");
    write_file("a.lua", "%key k\nreturn k\n\n");
    rl_loaded_script s;
    char err[512];
    assert_int_equal(load("b.lua", NULL, 0, &s, err, sizeof(err)), 0);
    assert_text(&s,
                "x = 1\n-- File can only be included once.\n"
                "local flag = tonumber(ARGV[1]) ~= 0\nlocal n = tonumber(ARGV[2])\n"
                "local s = ARGV[3]\nlocal l = cjson.decode(ARGV[4])\nlocal z = 3\ny = 2");
    /* The repeated include vanished with its line: "y = 2" is line 3 of b. */
    assert_maps(&s, 8, "b.lua", 4);
    assert_int_equal(s.nargs, 4);
    assert_int_equal(rl_loader_find_param(&s, "l", 1)->type, RL_PARAM_LIST);
    assert_int_equal(rl_loader_find_param(&s, "flag", 4)->type, RL_PARAM_BOOL);
    rl_loader_clear(&s);
    /* An empty file leaves an empty line. */
    assert_int_equal(load("d.lua", NULL, 0, &s, err, sizeof(err)), 0);
    assert_text(&s, "\nreturn 1");
    assert_maps(&s, 1, "d.lua", 1);
    rl_loader_clear(&s);
    /* Only one final newline goes, as redis-lua joins the lines. */
    assert_int_equal(load("a.lua", NULL, 0, &s, err, sizeof(err)), 0);
    assert_text(&s, "local k = KEYS[1]\nreturn k\n");
    rl_loader_clear(&s);
    assert_int_equal(rl_mem_used(), 0);
}

static void loader_should_search_include_dirs_in_order(void **state)
{
    (void)state;
    write_file("s/main.lua", "%include \"h\"\nreturn f()\n");
    write_file("i1/h.lua", "local function f() return 1 end\n");
    write_file("i2/h.lua", "local function f() return 2 end\n");
    write_file("s/h2.lua", "local function f() return 0 end\n");
    write_file("s/main2.lua", "%include \"h2\"\nreturn f()\n");
    static const char *const dirs[] = { "i1", "i2" };
    static const char *const rdirs[] = { "i2", "i1" };
    rl_loaded_script s;
    char err[512];
    assert_int_equal(load("s/main.lua", dirs, 2, &s, err, sizeof(err)), 0);
    assert_text(&s, "local function f() return 1 end\nreturn f()");
    assert_maps(&s, 1, "i1/h.lua", 1);
    rl_loader_clear(&s);
    assert_int_equal(load("s/main.lua", rdirs, 2, &s, err, sizeof(err)), 0);
    assert_text(&s, "local function f() return 2 end\nreturn f()");
    rl_loader_clear(&s);
    /* The including file's directory comes first. */
    assert_int_equal(load("s/main2.lua", dirs, 2, &s, err, sizeof(err)), 0);
    assert_maps(&s, 1, "s/h2.lua", 1);
    rl_loader_clear(&s);
    /* A missing include directory is an error of its own. */
    static const char *const bad[] = { "nodir" };
    assert_int_equal(load("s/main2.lua", bad, 1, &s, err, sizeof(err)), -1);
    assert_string_equal(err, "s/main2.lua: include directory nodir: No such file or directory");
    assert_int_equal(rl_mem_used(), 0);
}

static void loader_should_report_bad_includes_where_they_are(void **state)
{
    (void)state;
    write_file("m.lua", "-- comment\n  %include \"nope\"\n");
    assert_load_error("m.lua", "m.lua:2:12: include not found: \"nope\" (tried nope.lua)");
    assert_load_error("none.lua", "cannot open none.lua: No such file or directory");
    write_file("top/secret.lua", "return 1\n");
    write_file("top/sub/x.lua", "%include \"../secret\"\n");
    assert_load_error("top/sub/x.lua",
                      "top/sub/x.lua:1:10: include \"../secret\" resolves to top/secret.lua, "
                      "outside the allowed paths (the including file's directory tree and the "
                      "-I directories)");
    /* The same include is fine once -I allows the directory. */
    static const char *const dirs[] = { "top" };
    rl_loaded_script s;
    char err[512];
    assert_int_equal(load("top/sub/x.lua", dirs, 1, &s, err, sizeof(err)), 0);
    assert_text(&s, "return 1");
    rl_loader_clear(&s);
    write_file("cy/a.lua", "%include \"b\"\n");
    write_file("cy/b.lua", "local x\n%include \"c\"\n");
    write_file("cy/c.lua", "%include \"a\"\n");
    assert_load_error("cy/a.lua",
                      "cy/c.lua:1:10: include cycle: cy/a.lua -> cy/b.lua -> "
                      "cy/c.lua -> cy/a.lua");
    write_file("self.lua", "%include \"self\"\n");
    assert_load_error("self.lua", "self.lua:1:10: include cycle: self.lua -> self.lua");
}

static void loader_should_reject_unknown_and_malformed_directives(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *err;
    } cases[] = {
        { "%frobnicate x\n",
          "d.lua:1:1: unknown directive '%frobnicate' (known: %include, "
          "%key, %arg, %return, %pragma)" },
        { "%key\n", "d.lua:1:1: malformed %key: expected %key NAME" },
        { "%key a b\n", "d.lua:1:1: malformed %key: expected %key NAME" },
        { "%key 1x\n", "d.lua:1:6: %key name '1x' is not a Lua identifier" },
        { "%key end\n", "d.lua:1:6: %key name 'end' is a Lua keyword" },
        { "%arg a float\n",
          "d.lua:1:8: unknown %arg type 'float' (int, integer, string, str, "
          "bool, boolean, dict, dictionary, list or array)" },
        { "%arg\n", "d.lua:1:1: malformed %arg: expected %arg NAME [TYPE]" },
        { "%return\n", "d.lua:1:1: malformed %return: expected %return TYPE" },
        { "%return int\n%return str\n",
          "d.lua:2:1: a file has at most one %return (the first "
          "is at line 1)" },
        { "%pragma twice\n", "d.lua:1:9: unknown pragma 'twice' (the only one is once)" },
        { "%include foo\n", "d.lua:1:9: malformed %include: expected %include \"path\"" },
        { "%include \"foo\" x\n", "d.lua:1:16: unexpected text after %include \"foo\"" },
        { "%include \"\"\n", "d.lua:1:10: malformed %include: expected %include \"path\"" },
        { "%key\"a\"\n", "d.lua:1:1: malformed directive: '%key' must be followed by a space" },
        { "%key a\n%arg a\n",
          "d.lua:2:6: duplicate name 'a': already declared by %key at "
          "d.lua:1" },
        { "--- @include \"<lib>/x\"\n",
          "d.lua:1:5: include \"<lib>/x\": mapped paths (~, "
          "<name>) are not supported; use a relative path or -I" },
        { "--- @include \"lib/*.lua\"\n",
          "d.lua:1:5: include \"lib/*.lua\": glob patterns are "
          "not supported" },
        { "-- @include 'x.txt'\n", "d.lua:1:4: include not found: \"x.txt\" (only .lua files)" },
        { "--- @include \"e\"\n--- @include \"e.lua\"\n",
          "d.lua:2:5: file \"e.lua\" already "
          "included in \"d.lua\"" },
    };
    write_file("e.lua", "local e\n");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        write_file("d.lua", cases[i].text);
        assert_load_error("d.lua", cases[i].err);
    }
    /* Names clash across files too. */
    write_file("k1.lua", "%key stock\n");
    write_file("k2.lua", "%include \"k1\"\n%arg stock int\n");
    assert_load_error("k2.lua",
                      "k2.lua:2:6: duplicate name 'stock': already declared by %key "
                      "at k1.lua:1");
}

static void loader_should_follow_bullmq_includes(void **state)
{
    (void)state;
    write_file("b/includes/getKey.lua",
               "--[[\n  helper\n]]\n\nlocal function getKey(k)\n"
               "  return redis.call(\"GET\", k)\nend\n");
    write_file("b/includes/both.lua",
               "--- @include \"getKey\"\n\nlocal function both(a, b)\n\n"
               "  return getKey(a), getKey(b)\nend\n");
    write_file("b/main-2.lua",
               "--[[ main ]]\nlocal rcall = redis.call\n"
               "--- @include \"includes/both\"\n"
               "--- @include \"includes/getKey\";\n\n"
               "local x = getKey(KEYS[1])\n   \nreturn x\n");
    rl_loaded_script s;
    char err[512];
    assert_int_equal(load("b/main-2.lua", NULL, 0, &s, err, sizeof(err)), 0);
    assert_text(&s,
                "--[[ main ]]\nlocal rcall = redis.call\n--[[\n  helper\n]]\n"
                "local function getKey(k)\n  return redis.call(\"GET\", k)\nend\n"
                "local function both(a, b)\n  return getKey(a), getKey(b)\nend\n"
                "local x = getKey(KEYS[1])\nreturn x\n");
    assert_maps(&s, 2, "b/main-2.lua", 2);
    assert_maps(&s, 3, "b/includes/getKey.lua", 1);
    assert_maps(&s, 6, "b/includes/getKey.lua", 5);
    assert_maps(&s, 9, "b/includes/both.lua", 3);
    assert_maps(&s, 10, "b/includes/both.lua", 5);
    assert_maps(&s, 12, "b/main-2.lua", 6);
    assert_maps(&s, 13, "b/main-2.lua", 8);
    rl_loader_clear(&s);

    /* A file without a final newline joins the rest of the include line;
     * the pattern allows two or three dashes, ';' and blanks after it. */
    write_file("b2/a.lua", "local function a() return 1 end");
    write_file("b2/b.lua", "--- @include 'a'\nlocal function b() end\n");
    write_file("b2/m.lua",
               "-- @include \"a.lua\"\t ;\nlocal y = 1\n\n\n  \n---@include \"b\"\n"
               "return a()");
    write_file("b2/m2.lua", "local q = 1\n--- @include \"a\"");
    assert_int_equal(load("b2/m.lua", NULL, 0, &s, err, sizeof(err)), 0);
    assert_text(&s,
                "local function a() return 1 end\nlocal y = 1\nlocal function b() end\n"
                "return a()");
    rl_loader_clear(&s);
    assert_int_equal(load("b2/m2.lua", NULL, 0, &s, err, sizeof(err)), 0);
    assert_text(&s, "local q = 1\nlocal function a() return 1 end");
    assert_maps(&s, 2, "b2/a.lua", 1);
    rl_loader_clear(&s);
    assert_int_equal(rl_mem_used(), 0);
}

/* --- Named parameters ---------------------------------------------------------- */

static void params_should_bind_by_declared_types(void **state)
{
    (void)state;
    write_file("p.lua",
               "%key src\n%arg n int\n%arg on bool\n%arg d dict\n%arg l list\n"
               "%arg s\n%key dst\nreturn 1\n");
    rl_loaded_script s;
    char err[512];
    assert_int_equal(load("p.lua", NULL, 0, &s, err, sizeof(err)), 0);
    static const char params[] =
        "{\"s\": 12.50, \"dst\": {\"hex\": \"00ff\"}, \"l\": [1, \"a\\/\", null, true],"
        " \"d\": {\"k\": {\"x\": []}, \"q\": \"\\u00e9\\n\"}, \"on\": false, \"n\": -7,"
        " \"src\": \"a\"}";
    rl_json *p = rl_json_parse(params, strlen(params), err, sizeof(err));
    assert_non_null(p);
    int argc, numkeys;
    char **argv;
    size_t *argvlen;
    const rl_json *bad;
    assert_int_equal(
        rl_params_bind(&s, p, &argc, &argv, &argvlen, &numkeys, &bad, err, sizeof(err)), 0);
    assert_int_equal(argc, 7);
    assert_int_equal(numkeys, 2);
    assert_string_equal(argv[0], "a");
    assert_int_equal(argvlen[1], 2);
    assert_memory_equal(argv[1], "\x00\xff", 2);
    assert_string_equal(argv[2], "-7");
    assert_string_equal(argv[3], "0");
    assert_string_equal(argv[4], "{\"k\":{\"x\":[]},\"q\":\"\xc3\xa9\\n\"}");
    assert_string_equal(argv[5], "[1,\"a/\",null,true]");
    assert_string_equal(argv[6], "12.50");
    for (int i = 0; i < argc; i++) rl_free(argv[i]);
    rl_free(argv);
    rl_free(argvlen);
    rl_json_free(p);

    static const struct {
        const char *json;
        const char *msg;
        int line, col;
    } bads[] = {
        { "{\"src\": \"a\", \"n\": 1, \"on\": true, \"d\": {}, \"l\": [], \"s\": \"x\", \"dsx\": "
          "\"b\"}",
          "unknown param \"dsx\" (the script declares: src, n, on, d, l, s, dst)", 1, 62 },
        { "{\"src\": \"a\"}", "missing param \"n\" (%arg n int, declared at p.lua:2)", 1, 1 },
        { "{\"src\": 1}",
          "param \"src\" (%key src) must be a string or {\"hex\": ...}, not a "
          "number",
          1, 9 },
        { "{\"src\": \"a\", \"n\": \"1\"}",
          "param \"n\" (%arg n int) must be an integer, not a string", 1, 19 },
        { "{\"src\": \"a\", \"n\": 1.5}", "param \"n\" (%arg n int) must be an integer, not 1.5", 1,
          19 },
        { "{\"src\": \"a\", \"n\": 1, \"on\": 1}",
          "param \"on\" (%arg on bool) must be true or false, not a number", 1, 28 },
        { "{\"src\": \"a\", \"n\": 1, \"on\": true, \"d\": []}",
          "param \"d\" (%arg d dict) must be an object, not an array", 1, 39 },
        { "{\"src\": \"a\", \"n\": 1, \"on\": true, \"d\": {}, \"l\": {}}",
          "param \"l\" (%arg l list) must be an array, not an object", 1, 48 },
        { "[]", "\"params\" must be an object name -> value, not an array", 1, 1 },
    };
    for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
        p = rl_json_parse(bads[i].json, strlen(bads[i].json), err, sizeof(err));
        assert_non_null(p);
        assert_int_equal(
            rl_params_bind(&s, p, &argc, &argv, &argvlen, &numkeys, &bad, err, sizeof(err)), -1);
        assert_string_equal(err, bads[i].msg);
        assert_int_equal(bad->line, bads[i].line);
        assert_int_equal(bad->col, bads[i].col);
        rl_json_free(p);
    }
    rl_loader_clear(&s);
    assert_int_equal(rl_mem_used(), 0);
}

static void params_should_compare_json_replies_by_value(void **state)
{
    (void)state;
    static const struct {
        const char *expected, *actual;
        int same;
    } cases[] = {
        { "{\"a\": 1, \"b\": [1, 2]}", "{\"b\":[1,2],\"a\":1}", 1 },
        { "{\"a\": 1}", "{\"a\":1,\"b\":2}", 0 },
        { "[1, 2]", "[2,1]", 0 },
        { "[1.5, \"x/y\"]", "[1.5,\"x\\/y\"]", 1 },
        { "[10]", "[1e1]", 1 },
        { "[]", "{}", 0 },
        { "{\"a\": null}", "{\"a\":null}", 1 },
        { "{\"a\": true}", "{\"a\":1}", 0 },
    };
    char why[300];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[256];
        rl_json *e = rl_json_parse(cases[i].expected, strlen(cases[i].expected), err, sizeof(err));
        assert_non_null(e);
        assert_int_equal(
            rl_params_json_matches(e, cases[i].actual, strlen(cases[i].actual), why, sizeof(why)),
            cases[i].same);
        rl_json_free(e);
    }
    rl_json *e = rl_json_parse("[]", 2, why, sizeof(why));
    assert_int_equal(rl_params_json_matches(e, "OK", 2, why, sizeof(why)), 0);
    assert_string_equal(why,
                        "the reply is not JSON (1:1: unexpected 'O', expected a JSON "
                        "value)");
    rl_json_free(e);
    assert_int_equal(rl_mem_used(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loader_should_pass_files_without_directives_byte_for_byte),
        cmocka_unit_test(loader_should_render_directives_as_redis_lua_does),
        cmocka_unit_test(loader_should_render_every_arg_type_and_include_once),
        cmocka_unit_test(loader_should_search_include_dirs_in_order),
        cmocka_unit_test(loader_should_report_bad_includes_where_they_are),
        cmocka_unit_test(loader_should_reject_unknown_and_malformed_directives),
        cmocka_unit_test(loader_should_follow_bullmq_includes),
        cmocka_unit_test(params_should_bind_by_declared_types),
        cmocka_unit_test(params_should_compare_json_replies_by_value),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
