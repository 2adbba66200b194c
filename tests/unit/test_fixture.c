/* The fixture parser: JSON positions, strictness, hex strings, int64. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fixture.h"

/* Each test writes its fixture into a private temporary directory. */
static char tmpdir[64];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/rl_test_fixture.XXXXXX");
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
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Loads text as t.test.json; returns the fixture or NULL with the error
 * (path prefix stripped, so "line:col: msg") in err. */
static rl_fixture *load_text(const char *text, char *err, size_t errlen)
{
    char path[128], full[1024];
    write_file("t.test.json", text);
    snprintf(path, sizeof(path), "%s/t.test.json", tmpdir);
    rl_fixture *f = rl_fixture_load(path, full, sizeof(full));
    if (f == NULL) {
        size_t plen = strlen(path);
        assert_true(strncmp(full, path, plen) == 0 && full[plen] == ':');
        snprintf(err, errlen, "%s", full + plen + 1);
    }
    return f;
}

/* Asserts that text fails to load with an error starting with prefix. */
static void assert_load_error(const char *text, const char *prefix)
{
    char err[1024];
    rl_fixture *f = load_text(text, err, sizeof(err));
    if (f != NULL) {
        rl_fixture_free(f);
        fail_msg("expected error \"%s...\", but the fixture loaded", prefix);
    }
    if (strncmp(err, prefix, strlen(prefix)) != 0)
        fail_msg("expected error \"%s...\"\n got \"%s\"", prefix, err);
    assert_int_equal(rl_mem_used(), 0);
}

static rl_fixture *load_ok(const char *text)
{
    char err[1024];
    rl_fixture *f = load_text(text, err, sizeof(err));
    if (f == NULL) fail_msg("unexpected load error: %s", err);
    return f;
}

static void json_should_record_positions_of_values_and_keys(void **state)
{
    (void)state;
    char err[128];
    const char *text = "{\n  \"a\": [1,\n    \"x\"],\n\t\"b\": {\"c\": null}\n}";
    rl_json *v = rl_json_parse(text, strlen(text), err, sizeof(err));
    assert_non_null(v);
    assert_int_equal(v->line, 1);
    assert_int_equal(v->col, 1);
    assert_int_equal(v->keys[0]->line, 2);
    assert_int_equal(v->keys[0]->col, 3);
    const rl_json *a = rl_json_get(v, "a");
    assert_int_equal(a->line, 2);
    assert_int_equal(a->col, 8);
    assert_int_equal(a->items[1]->line, 3);
    assert_int_equal(a->items[1]->col, 5);
    /* A tab counts as one column. */
    assert_int_equal(v->keys[1]->line, 4);
    assert_int_equal(v->keys[1]->col, 2);
    const rl_json *c = rl_json_get(rl_json_get(v, "b"), "c");
    assert_int_equal(c->type, RL_JSON_NULL);
    assert_int_equal(c->col, 13);
    rl_json_free(v);
    assert_int_equal(rl_mem_used(), 0);
}

static void json_should_count_columns_in_characters(void **state)
{
    (void)state;
    char err[128];
    /* "é" is two bytes but one column. */
    const char *text = "[\"\xc3\xa9\", x]";
    assert_null(rl_json_parse(text, strlen(text), err, sizeof(err)));
    assert_string_equal(err, "1:7: unexpected 'x', expected a JSON value");
}

static void json_should_reject_malformed_text_with_position(void **state)
{
    (void)state;
    static const struct {
        const char *text, *err;
    } cases[] = {
        { "{\"a\": 1,}", "1:9: unexpected '}' after ',' (JSON has no trailing commas)" },
        { "{,}", "1:2: expected a string key but found ','" },
        { "[1,\n ]", "2:2: unexpected ']' after ','" },
        { "[1 2]", "1:4: expected ',' or ']' but found '2'" },
        { "{\"a\" 1}", "1:6: expected ':' after the key" },
        { "\n  [01]", "2:4: invalid number (leading zero)" },
        { "[1.]", "1:2: invalid number" },
        { "\"abc", "1:1: unterminated string" },
        { "\"a\tb\"", "1:3: control character in string" },
        { "\"\\x\"", "1:2: invalid escape '\\x'" },
        { "\"\\ud800\"", "1:2: unpaired UTF-16 surrogate" },
        { "\"\xff\"", "1:2: invalid UTF-8 in string" },
        { "[tru]", "1:2: invalid literal (expected true)" },
        { "{} {}", "1:4: unexpected content after the JSON value" },
        { "", "1:1: unexpected end of input, expected a value" },
        { "{\"a\": 1, \"a\": 2}", "1:10: duplicate key \"a\" (first at 1:2)" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[256];
        rl_json *v = rl_json_parse(cases[i].text, strlen(cases[i].text), err, sizeof(err));
        if (v != NULL) fail_msg("case %zu parsed: %s", i, cases[i].text);
        if (strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
            fail_msg("case %zu: expected \"%s\", got \"%s\"", i, cases[i].err, err);
    }
    assert_int_equal(rl_mem_used(), 0);
}

static void json_should_decode_escapes_and_surrogate_pairs(void **state)
{
    (void)state;
    char err[128];
    const char *text = "\"a\\u0000b\\n\\u00e9\\ud83d\\ude00\\/\"";
    rl_json *v = rl_json_parse(text, strlen(text), err, sizeof(err));
    assert_non_null(v);
    assert_int_equal(v->len, 11);
    assert_memory_equal(v->str, "a\0b\n\xc3\xa9\xf0\x9f\x98\x80/", 11);
    rl_json_free(v);
}

static void json_should_read_integers_exactly_as_int64(void **state)
{
    (void)state;
    char err[128];
    const char *text = "[9007199254740993, -9223372036854775808, 9223372036854775807, "
                       "9223372036854775808, 1.0, 1e3]";
    rl_json *v = rl_json_parse(text, strlen(text), err, sizeof(err));
    assert_non_null(v);
    /* 2^53 + 1 is not a double: only an exact re-read gets it right. */
    assert_true(v->items[0]->is_int);
    assert_true(v->items[0]->integer == INT64_C(9007199254740993));
    assert_true(v->items[1]->is_int);
    assert_true(v->items[1]->integer == INT64_MIN);
    assert_true(v->items[2]->integer == INT64_MAX);
    assert_false(v->items[3]->is_int);
    assert_false(v->items[4]->is_int);
    assert_false(v->items[5]->is_int);
    assert_true(v->items[5]->number == 1000.0);
    rl_json_free(v);
}

static void fixture_should_load_the_contract_example_shape(void **state)
{
    (void)state;
    write_file("s.lua", "return 1\n");
    rl_fixture *f = load_ok("{\n"
                            "  \"redlua\": 1,\n"
                            "  \"name\": \"demo\",\n"
                            "  \"scripts\": {\"file\": \"s.lua\", "
                            "\"inl\": {\"source\": \"return 2\"}},\n"
                            "  \"cases\": [\n"
                            "    {\"name\": \"one\", \"clock_ms\": 1700000000001,\n"
                            "     \"steps\": [\n"
                            "       {\"call\": [\"SET\", \"k\", {\"hex\": \"00fF\"}]},\n"
                            "       {\"eval\": \"inl\", \"keys\": [\"k\"], \"args\": [\"5\"], "
                            "\"reply\": 2},\n"
                            "       {\"advance_ms\": 1500},\n"
                            "       {\"fcall\": \"f\", \"error\": \"ERR *\"}\n"
                            "     ],\n"
                            "     \"keyspace\": {\"k\": {\"type\": \"string\", \"value\": "
                            "{\"hex\": \"00ff\"}, \"ttl\": 10}}},\n"
                            "    {\"steps\": [{\"call\": [\"PING\"], \"reply\": {\"status\": "
                            "\"PONG\"}}]}\n"
                            "  ]\n"
                            "}\n");
    assert_string_equal(f->name, "demo");
    assert_int_equal(f->nscripts, 2);
    assert_string_equal(f->scripts[0].name, "file");
    assert_int_equal(f->scripts[0].code.len, 9);
    assert_memory_equal(f->scripts[0].code.text, "return 1\n", 9);
    assert_true(f->scripts[1].inline_source);
    assert_int_equal(rl_fixture_case_count(f), 2);
    assert_string_equal(rl_fixture_case_name(f, 0), "one");
    /* An unnamed case gets its number. */
    assert_string_equal(rl_fixture_case_name(f, 1), "#2");
    assert_true(rl_fixture_case_uses_clock(f, 0));
    assert_false(rl_fixture_case_uses_clock(f, 1));
    const rl_case *c = &f->cases[0];
    assert_true(c->clock_ms == INT64_C(1700000000001));
    assert_int_equal(c->nsteps, 4);
    assert_int_equal(c->steps[0].kind, RL_STEP_CALL);
    assert_int_equal(c->steps[0].line, 8);
    assert_int_equal(c->steps[0].argc, 3);
    assert_int_equal(c->steps[0].argvlen[2], 2);
    assert_memory_equal(c->steps[0].argv[2], "\x00\xff", 2);
    assert_int_equal(c->steps[1].kind, RL_STEP_EVAL);
    assert_int_equal(c->steps[1].script, 1);
    assert_int_equal(c->steps[1].numkeys, 1);
    assert_int_equal(c->steps[1].argc, 2);
    assert_int_equal(c->steps[1].expect, RL_EXPECT_REPLY);
    assert_int_equal(c->steps[2].kind, RL_STEP_ADVANCE);
    assert_true(c->steps[2].advance_ms == 1500);
    assert_int_equal(c->steps[3].kind, RL_STEP_FCALL);
    assert_int_equal(c->steps[3].expect, RL_EXPECT_ERROR);
    assert_string_equal(c->steps[3].error, "ERR *");
    assert_non_null(c->keyspace);
    rl_fixture_free(f);
    assert_int_equal(rl_mem_used(), 0);
}

static void fixture_should_reject_unknown_fields_where_they_are(void **state)
{
    (void)state;
    assert_load_error("{\"redlua\": 1, \"cases\": [], \"case\": []}",
                      "1:28: unknown top-level field \"case\"");
    assert_load_error("{\"redlua\": 1, \"cases\": [\n  {\"name\": \"x\", \"setps\": []}]}",
                      "2:17: unknown case field \"setps\"");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [\n"
                      "  {\"call\": [\"PING\"], \"replay\": 1}]}]}",
                      "2:22: unknown step field \"replay\"");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"keyspace\": {\"k\":\n"
                      "  {\"type\": \"string\", \"value\": \"v\", \"tll\": 1}}}]}",
                      "2:36: unknown keyspace entry field \"tll\"");
}

/* "while_busy" and "busy_threshold_ms" (docs/fixture-format.md, "Extension:
 * busy scripts"): parsed into call steps; everything else is rejected where
 * it is. */
static void fixture_should_read_while_busy_steps(void **state)
{
    (void)state;
    rl_fixture *f = load_ok("{\"redlua\": 1, \"busy_threshold_ms\": 50,\n"
                            " \"scripts\": {\"s\": {\"source\": \"while true do end\"}},\n"
                            " \"cases\": [{\"busy_threshold_ms\": 7, \"steps\": [\n"
                            "  {\"eval\": \"s\", \"error\": \"*\", \"while_busy\": [\n"
                            "    {\"call\": [\"GET\", \"k\"], \"error\": \"BUSY *\"},\n"
                            "    {\"call\": [\"SCRIPT\", \"KILL\"]}]}]},\n"
                            "  {\"steps\": [{\"call\": [\"PING\"]}]}]}");
    const rl_case *cs = &f->cases[0];
    assert_true(cs->uses_busy);
    assert_false(f->cases[1].uses_busy);
    assert_int_equal(cs->limits[RL_CASE_LIMIT_BUSY_THRESHOLD_MS], 7);
    assert_int_equal(f->cases[1].limits[RL_CASE_LIMIT_BUSY_THRESHOLD_MS], 50);
    const rl_step *st = &cs->steps[0];
    assert_int_equal(st->nbusy, 2);
    assert_int_equal(st->busy[0].kind, RL_STEP_CALL);
    assert_int_equal(st->busy[0].line, 5);
    assert_int_equal(st->busy[0].expect, RL_EXPECT_ERROR);
    assert_int_equal(st->busy[1].argc, 2);
    assert_memory_equal(st->busy[1].argv[1], "KILL", 4);
    assert_int_equal(st->busy[1].expect, RL_EXPECT_NONE);
    rl_fixture_free(f);
    assert_int_equal(rl_mem_used(), 0);

    static const char head[] = "{\"redlua\": 1, \"scripts\": {\"s\": {\"source\": \"\"}},\n"
                               " \"cases\": [{\"steps\": [\n";
    char text[512];
    snprintf(text, sizeof(text),
             "%s  {\"eval\": \"s\", \"while_busy\": [{\"call\": [\"X\"], "
             "\"keys\": []}]}]}]}",
             head);
    assert_load_error(text, "3:48: unknown while_busy step field \"keys\"");
    snprintf(text, sizeof(text), "%s  {\"eval\": \"s\", \"while_busy\": [{\"eval\": \"s\"}]}]}]}",
             head);
    assert_load_error(text, "3:33: unknown while_busy step field \"eval\"");
    snprintf(text, sizeof(text), "%s  {\"eval\": \"s\", \"while_busy\": [{\"reply\": 1}]}]}]}",
             head);
    assert_load_error(text, "3:32: a while_busy step needs \"call\"");
    snprintf(text, sizeof(text), "%s  {\"eval\": \"s\", \"while_busy\": []}]}]}", head);
    assert_load_error(text, "3:31: \"while_busy\" needs at least one call step");
    snprintf(text, sizeof(text), "%s  {\"eval\": \"s\", \"while_busy\": {}}]}]}", head);
    assert_load_error(text, "3:31: \"while_busy\" must be an array of call steps, not an object");
    snprintf(text, sizeof(text),
             "%s  {\"advance_ms\": 1, \"while_busy\": [{\"call\": [\"X\"]}]}]}]}", head);
    assert_load_error(text, "3:35: \"while_busy\" belongs to eval, fcall and call steps");
    snprintf(text, sizeof(text),
             "%s  {\"eval\": \"s\", \"while_busy\": [{\"call\": [\"X\"], \"while_busy\": []}]}]}]}",
             head);
    assert_load_error(text, "3:48: unknown while_busy step field \"while_busy\"");
    assert_load_error("{\"redlua\": 1, \"busy_threshold_ms\": -1, \"cases\": []}",
                      "1:36: \"busy_threshold_ms\" must be >= 0");
}

static void fixture_should_reject_missing_required_fields(void **state)
{
    (void)state;
    assert_load_error("{\"cases\": []}", "1:1: missing required field \"redlua\"");
    assert_load_error("{\"redlua\": 1}", "1:1: missing required field \"cases\"");
    assert_load_error("{\"redlua\": 2, \"cases\": []}", "1:12: unsupported format version 2");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [{\"reply\": 1}]}]}",
                      "1:36: step 1 has no action");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"keyspace\": {\"k\": {\"value\": \"v\"}}}]}",
                      "1:44: keyspace entry \"k\" is missing required field \"type\"");
    assert_load_error("{\"redlua\": 1, \"scripts\": {\"s\": {}}, \"cases\": []}",
                      "1:32: script \"s\" is missing required field \"source\"");
}

static void fixture_should_reject_two_actions_or_two_expectations(void **state)
{
    (void)state;
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [\n"
                      "  {\"call\": [\"PING\"], \"advance_ms\": 5}]}]}",
                      "2:22: a step has exactly one action, but this one has \"call\" and "
                      "\"advance_ms\"");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [\n"
                      "  {\"call\": [\"PING\"], \"reply\": 1, \"error\": \"x\"}]}]}",
                      "2:34: a step has at most one expectation");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [\n"
                      "  {\"advance_ms\": 5, \"reply\": 1}]}]}",
                      "2:21: an advance_ms step has no reply to expect");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [\n"
                      "  {\"call\": [\"PING\"], \"keys\": []}]}]}",
                      "2:22: \"keys\" belongs to eval and fcall steps");
}

static void fixture_should_reject_numbers_and_wrong_types_as_arguments(void **state)
{
    (void)state;
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [\n"
                      "  {\"call\": [\"INCRBY\", \"k\", 5]}]}]}",
                      "2:28: a JSON number is not a Redis argument in \"call\": write \"5\", "
                      "not 5");
    assert_load_error("{\"redlua\": 1, \"scripts\": {\"s\": {\"source\": \"\"}}, \"cases\": [\n"
                      "  {\"steps\": [{\"eval\": \"s\", \"keys\": [1]}]}]}",
                      "2:37: a JSON number is not a Redis argument in \"keys\"");
    assert_load_error("{\"redlua\": 1, \"scripts\": {\"s\": {\"source\": \"\"}}, \"cases\": [\n"
                      "  {\"steps\": [{\"eval\": \"s\", \"args\": [\"a\", 2.5]}]}]}",
                      "2:42: a JSON number is not a Redis argument in \"args\": write \"2.5\"");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [{\"call\": \"PING\"}]}]}",
                      "1:45: \"call\" must be an array");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [{\"call\": []}]}]}",
                      "1:45: \"call\" needs at least the command name");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [{\"call\": [null]}]}]}",
                      "1:46: arguments in \"call\" must be strings or {\"hex\": ...}, not null");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"name\": 3}]}",
                      "1:34: \"name\" must be a string, not a number");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"clock_ms\": 1.5}]}",
                      "1:38: \"clock_ms\" must be an integer, not 1.5");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"clock_ms\": 99999999999999999999}]}",
                      "1:38: \"clock_ms\" is out of the 64-bit integer range");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [{\"advance_ms\": -1}]}]}",
                      "1:51: \"advance_ms\" must be >= 0");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [{\"eval\": \"nope\"}]}]}",
                      "1:45: unknown script \"nope\"");
}

static void fixture_should_check_hex_strings(void **state)
{
    (void)state;
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [{\"call\": "
                      "[{\"hex\": \"abc\"}]}]}]}",
                      "1:54: \"hex\" must be an even number of hex digits");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [{\"call\": "
                      "[{\"hex\": \"zz\"}]}]}]}",
                      "1:54: \"hex\" must be an even number of hex digits");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [{\"call\": [{\"hex\": \"00\", "
                      "\"x\": 1}]}]}]}",
                      "1:46: a {\"hex\": ...} argument must have no other field");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [{\"call\": [\"GET\", \"k\"], "
                      "\"reply\": {\"hex\": \"0\"}}]}]}",
                      "1:76: \"hex\" takes a string of an even number of hex digits");
}

static void fixture_should_check_reply_values(void **state)
{
    (void)state;
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [{\"call\": [\"PING\"], "
                      "\"reply\": [1, 1.5]}]}]}",
                      "1:68: 1.5 is not an integer");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [{\"call\": [\"PING\"], "
                      "\"reply\": {\"stauts\": \"OK\"}}]}]}",
                      "1:65: unknown reply object {\"stauts\": ...}");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [{\"call\": [\"PING\"], "
                      "\"reply\": {\"any\": false}}]}]}",
                      "1:72: the matcher is {\"any\": true}");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"steps\": [{\"call\": [\"PING\"], "
                      "\"error\": 1}]}]}",
                      "1:64: \"error\" must be a string");
}

static void fixture_should_check_keyspace_entries(void **state)
{
    (void)state;
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"keyspace\": {\"k\": "
                      "{\"type\": \"strng\", \"value\": \"v\"}}}]}",
                      "1:53: unknown key type \"strng\"");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"keyspace\": {\"k\": "
                      "{\"type\": \"zset\", \"value\": [[\"m\", 1]]}}}]}",
                      "1:77: a score (as Redis formats it) is a string: write \"1\", not 1");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"keyspace\": {\"k\": "
                      "{\"type\": \"hash\", \"value\": [\"f\"]}}}]}",
                      "1:70: a hash's value must be an object");
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"keyspace\": {\"k\": "
                      "{\"type\": \"string\", \"value\": \"v\", \"ttl\": \"1\"}}}]}",
                      "1:84: \"ttl\" must be a number of seconds");
    rl_fixture *f = load_ok("{\"redlua\": 1, \"cases\": [{\"keyspace\": {"
                            "\"h\": {\"type\": \"hash\", \"value\": {\"f\": {\"glob\": \"*\"}}},"
                            "\"s\": {\"type\": \"set\", \"value\": {\"any\": true}},"
                            "\"x\": {\"type\": \"stream\", \"value\": [[\"1-0\", [\"f\", \"v\"]]]},"
                            "\"z\": {\"type\": \"zset\", \"value\": [[\"m\", \"1.5\"]], "
                            "\"ttl\": 2.5}}}]}");
    rl_fixture_free(f);
    assert_int_equal(rl_mem_used(), 0);
}

static void fixture_should_report_missing_script_files_at_their_path(void **state)
{
    (void)state;
    assert_load_error("{\"redlua\": 1,\n \"scripts\": {\"s\": \"no/such.lua\"}, \"cases\": []}",
                      "2:19: script \"s\": cannot open ");
    char err[512], path[128];
    snprintf(path, sizeof(path), "%s/absent.test.json", tmpdir);
    assert_null(rl_fixture_load(path, err, sizeof(err)));
    assert_non_null(strstr(err, "absent.test.json: No such file or directory"));
}

static void fixture_should_resolve_script_paths_relative_to_the_fixture(void **state)
{
    (void)state;
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s/sub'", tmpdir);
    assert_int_equal(system(cmd), 0);
    write_file("sub/x.lua", "return 'x'");
    rl_fixture *f = load_ok("{\"redlua\": 1, \"scripts\": {\"x\": \"sub/x.lua\"}, \"cases\": []}");
    assert_int_equal(f->scripts[0].code.len, 10);
    const char *file;
    int line;
    assert_int_equal(rl_loader_map_line(&f->scripts[0].code, 1, &file, &line), 0);
    assert_non_null(strstr(file, "/sub/x.lua"));
    assert_int_equal(line, 1);
    assert_int_equal(rl_loader_map_line(&f->scripts[0].code, 2, &file, &line), -1);
    rl_fixture_free(f);
    assert_int_equal(rl_mem_used(), 0);
}

static void fixture_should_read_function_library_files(void **state)
{
    (void)state;
    write_file("a.lua",
               "#!lua name=alpha\nredis.register_function('a', function() return 1 end)\n");
    write_file("b.lua", "#!lua  engine=x name=beta other\n");
    rl_fixture *f =
        load_ok("{\"redlua\": 1, \"functions\": [\"a.lua\", \"b.lua\"], \"cases\": []}");
    assert_int_equal(f->nfunctions, 2);
    assert_string_equal(f->functions[0].name, "alpha");
    assert_string_equal(f->functions[1].name, "beta");
    assert_int_equal(f->functions[1].line, 1);
    assert_int_equal(f->functions[1].col, 38);
    /* A file without directives is sent byte for byte. */
    assert_int_equal(f->functions[0].code.len, 71);
    assert_memory_equal(f->functions[0].code.text, "#!lua name=alpha\n", 17);
    rl_fixture_free(f);
    assert_int_equal(rl_mem_used(), 0);
}

static void fixture_should_reject_malformed_function_libraries(void **state)
{
    (void)state;
    write_file("a.lua", "#!lua name=alpha\n");
    write_file("a2.lua", "#!lua name=alpha\n");
    write_file("plain.lua", "return 1\n");
    write_file("noname.lua", "#!lua engine=lua\n");
    write_file("other.lua", "#!luajit name=x\n");
    assert_load_error("{\"redlua\": 1,\n \"functions\": \"a.lua\", \"cases\": []}",
                      "2:15: \"functions\" must be an array of library files, not a string");
    assert_load_error("{\"redlua\": 1, \"functions\": [\"a.lua\",\n 7], \"cases\": []}",
                      "2:2: a \"functions\" entry must be a library file name");
    assert_load_error("{\"redlua\": 1, \"functions\": [\"\"], \"cases\": []}",
                      "1:29: a \"functions\" entry must be a library file name");
    assert_load_error("{\"redlua\": 1, \"functions\": [\"no/such.lua\"], \"cases\": []}",
                      "1:29: function library: cannot open ");
    char want[256];
    snprintf(want, sizeof(want),
             "1:29: function library: %s/plain.lua:1:1: not a function "
             "library: the first line must be \"#!lua name=<library>\"",
             tmpdir);
    assert_load_error("{\"redlua\": 1, \"functions\": [\"plain.lua\"], \"cases\": []}", want);
    snprintf(want, sizeof(want),
             "1:29: function library: %s/other.lua:1:1: not a function "
             "library",
             tmpdir);
    assert_load_error("{\"redlua\": 1, \"functions\": [\"other.lua\"], \"cases\": []}", want);
    snprintf(want, sizeof(want),
             "1:29: function library: %s/noname.lua:1:1: not a function "
             "library: its \"#!lua\" line has no \"name=<library>\"",
             tmpdir);
    assert_load_error("{\"redlua\": 1, \"functions\": [\"noname.lua\"], \"cases\": []}", want);
    snprintf(want, sizeof(want),
             "1:38: function library: %s/a2.lua names library \"alpha\", "
             "as %s/a.lua does",
             tmpdir, tmpdir);
    assert_load_error("{\"redlua\": 1, \"functions\": [\"a.lua\", \"a2.lua\"], \"cases\": []}",
                      want);
    /* Per case it is not a field. */
    assert_load_error("{\"redlua\": 1, \"cases\": [{\"name\": \"c\", \"steps\": [],\n"
                      " \"functions\": []}]}",
                      "2:2: unknown case field \"functions\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_should_record_positions_of_values_and_keys),
        cmocka_unit_test(json_should_count_columns_in_characters),
        cmocka_unit_test(json_should_reject_malformed_text_with_position),
        cmocka_unit_test(json_should_decode_escapes_and_surrogate_pairs),
        cmocka_unit_test(json_should_read_integers_exactly_as_int64),
        cmocka_unit_test(fixture_should_load_the_contract_example_shape),
        cmocka_unit_test(fixture_should_reject_unknown_fields_where_they_are),
        cmocka_unit_test(fixture_should_read_while_busy_steps),
        cmocka_unit_test(fixture_should_reject_missing_required_fields),
        cmocka_unit_test(fixture_should_reject_two_actions_or_two_expectations),
        cmocka_unit_test(fixture_should_reject_numbers_and_wrong_types_as_arguments),
        cmocka_unit_test(fixture_should_check_hex_strings),
        cmocka_unit_test(fixture_should_check_reply_values),
        cmocka_unit_test(fixture_should_check_keyspace_entries),
        cmocka_unit_test(fixture_should_report_missing_script_files_at_their_path),
        cmocka_unit_test(fixture_should_resolve_script_paths_relative_to_the_fixture),
        cmocka_unit_test(fixture_should_read_function_library_files),
        cmocka_unit_test(fixture_should_reject_malformed_function_libraries),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
