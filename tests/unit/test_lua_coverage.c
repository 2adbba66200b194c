/* Line coverage of EVAL scripts (coverage.c, engine_*.c, the run hook in
 * lua_env.c). Built and run once per Lua engine: both must give the same
 * answers, which are derived by hand from the rule in docs/redlua-test.md
 * ("Coverage"), not read back from a run. */
#include "test_common.h"

#include <stdio.h>

/* The record of the only script run so far. */
static void get_only(rl_emu *emu, rl_emu_coverage *c)
{
    assert_int_equal(rl_emu_coverage_get(emu, 0, c), 0);
    rl_emu_coverage none;
    assert_int_equal(rl_emu_coverage_get(emu, 1, &none), -1);
}

/* code lists the lines that hold code, ending with 0; every other line of
 * the record must hold none. */
static void assert_code(const rl_emu_coverage *c, const int *code)
{
    for (int l = 1; l <= c->nlines; l++) {
        int want = 0;
        for (const int *p = code; *p; p++) want |= *p == l;
        if (c->code[l] != want) {
            print_error("line %d: code is %d, expected %d\n", l, c->code[l], want);
            fail();
        }
    }
}

static void eval(rl_emu *emu, const char *script, const char *arg)
{
    rl_reply *r = rl_emu_callv(emu, "EVAL", script, "0", arg, (const char *)NULL);
    if (r->type == RL_REPLY_ERROR) {
        print_error("script error: %s\n", r->str);
        rl_reply_free(r);
        fail();
    }
    rl_reply_free(r);
}

static const char script[] = "local total = 0\n"                 /* 1 code */
                             "local unused\n"                    /* 2 bare local */
                             "local function add(a, b)\n"        /* 3 */
                             "  return a + b\n"                  /* 4 code */
                             "end\n"                             /* 5 code: the closure */
                             "for i = 1, tonumber(ARGV[1]) do\n" /* 6 code */
                             "  total = add(total, i)\n"         /* 7 code */
                             "end\n"                             /* 8 */
                             "if total > 100 then\n"             /* 9 code */
                             "  total = 100\n"                   /* 10 code */
                             "end\n"                             /* 11 */
                             "local t = {\n"                     /* 12 code */
                             "  a = 1,\n"                        /* 13 constructor */
                             "  'b',\n"                          /* 14 constructor */
                             "}\n"                               /* 15 constructor */
                             "-- a comment\n"                    /* 16 */
                             "return total\n";                   /* 17 code */

static void coverage_should_count_runs_per_code_line(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_coverage(emu, 1);
    eval(emu, script, "3");
    eval(emu, script, "4");
    rl_emu_coverage c;
    get_only(emu, &c);
    assert_int_equal(c.nlines, 18); /* the text ends with a newline */
    assert_int_equal(c.len, strlen(script));
    assert_memory_equal(c.body, script, c.len);
    static const int code[] = { 1, 4, 5, 6, 7, 9, 10, 12, 17, 0 };
    assert_code(&c, code);
    /* Counts are runs that reached the line, however often they did. */
    static const int twice[] = { 1, 4, 5, 6, 7, 9, 12, 17 };
    for (size_t i = 0; i < sizeof(twice) / sizeof(twice[0]); i++)
        assert_int_equal(c.hits[twice[i]], 2);
    assert_int_equal(c.hits[10], 0);
    for (int l = 1; l <= c.nlines; l++)
        if (!c.code[l]) assert_int_equal(c.hits[l], 0);
    eval(emu, script, "20");
    get_only(emu, &c);
    assert_int_equal(c.hits[10], 1);
    assert_int_equal(c.hits[1], 3);
    rl_test_free_emu(emu);
}

/* A function that always returns early: its end line is code only because
 * the enclosing chunk makes the closure there; the end of a chunk that
 * falls off its last "end" holds no code. */
static void coverage_should_not_count_the_implicit_return(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_coverage(emu, 1);
    const char *s = "if ARGV[1] == 'x' then\n"        /* 1 code */
                    "  redis.call('SET', 'k', 'v')\n" /* 2 code */
                    "end\n";                          /* 3: the implicit return */
    eval(emu, s, "y");
    rl_emu_coverage c;
    get_only(emu, &c);
    static const int code[] = { 1, 2, 0 };
    assert_code(&c, code);
    assert_int_equal(c.hits[1], 1);
    assert_int_equal(c.hits[2], 0);
    rl_test_free_emu(emu);
}

/* Lines run by a chunk the script compiled with loadstring are not the
 * script's lines, even where the numbers coincide. */
static void coverage_should_ignore_loadstring_chunks(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_coverage(emu, 1);
    const char *s = "if ARGV[1] == 'x' then\n" /* 1 */
                    "  return 1\n"             /* 2: never run */
                    "end\n"                    /* 3 */
                    "local f = loadstring('local a = 1\\n"
                    "return a')\n"  /* 4 */
                    "return f()\n"; /* 5 */
    eval(emu, s, "y");
    rl_emu_coverage c;
    get_only(emu, &c);
    assert_int_equal(c.code[2], 1);
    assert_int_equal(c.hits[2], 0);
    assert_int_equal(c.hits[5], 1);
    rl_test_free_emu(emu);
}

/* Off (the default) records nothing; SCRIPT LOAD records a script never
 * run; a record survives SCRIPT FLUSH and keeps counting. A FUNCTION
 * library gets a record of its whole code (the SHA1 of the text sent),
 * whose lines count the load's run of the code and every FCALL of its
 * functions: the chunk starts at the newline ending the metadata line, so
 * its line 2 is the text's line 2. */
static void coverage_records_should_follow_the_script_cache(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_coverage c;
    eval(emu, "return 1", "a");
    assert_int_equal(rl_emu_coverage_get(emu, 0, &c), -1);
    rl_emu_set_coverage(emu, 1);
    rl_reply_free(rl_emu_callv(emu, "SCRIPT", "LOAD", "return 2", (const char *)NULL));
    get_only(emu, &c);
    assert_string_equal(c.sha, "7f923f79fe76194c868d7e1d0820de36700eb649");
    assert_int_equal(c.code[1], 1);
    assert_int_equal(c.hits[1], 0);
    eval(emu, "return 2", "a");
    rl_assert_cmd(emu, "+OK\r\n", "SCRIPT", "FLUSH");
    eval(emu, "return 2", "a");
    get_only(emu, &c);
    assert_int_equal(c.hits[1], 2);
    rl_reply_free(rl_emu_callv(emu, "FUNCTION", "LOAD",
                               "#!lua name=lib\nredis.register_function('f', function() return 1 "
                               "end)",
                               (const char *)NULL));
    rl_assert_cmd(emu, ":1\r\n", "FCALL", "f", "0");
    assert_int_equal(rl_emu_coverage_get(emu, 1, &c), 0);
    assert_int_equal(rl_emu_coverage_get(emu, 2, &c), -1);
    assert_int_equal(rl_emu_coverage_get(emu, 1, &c), 0);
    assert_string_equal(c.sha, "556b3440e2a02820c8e3b7fc7bf3c786b99b33dd");
    assert_int_equal(c.nlines, 2);
    assert_int_equal(c.code[1], 0);
    assert_int_equal(c.code[2], 1);
    assert_int_equal(c.hits[2], 2);
    assert_int_equal(c.nfuncs, 1);
    assert_int_equal(c.func_lines[0], 2);
    assert_int_equal(c.func_hits[0], 1);
    rl_test_free_emu(emu);
}

/* The time limit still stops a script while coverage holds the line hook
 * (on LuaJIT both need the interpreter). */
static void coverage_should_keep_the_time_limit(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_emu_set_coverage(emu, 1);
    rl_emu_set_script_timeout_ms(emu, 100);
    rl_reply *r = rl_emu_callv(emu, "EVAL", "local n = 0\nwhile true do\n  n = n + 1\nend", "0",
                               (const char *)NULL);
    assert_int_equal(r->type, RL_REPLY_ERROR);
    assert_non_null(strstr(r->str, "Script killed by redlua"));
    rl_reply_free(r);
    rl_emu_coverage c;
    get_only(emu, &c);
    static const int code[] = { 1, 3, 0 }; /* the loop jumps back from line 3 */
    assert_code(&c, code);
    assert_int_equal(c.hits[3], 1);
    rl_test_free_emu(emu);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(coverage_should_count_runs_per_code_line),
        cmocka_unit_test(coverage_should_not_count_the_implicit_return),
        cmocka_unit_test(coverage_should_ignore_loadstring_chunks),
        cmocka_unit_test(coverage_records_should_follow_the_script_cache),
        cmocka_unit_test(coverage_should_keep_the_time_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
