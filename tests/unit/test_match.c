/* Reply matching and the JSON notation of replies. */
#include "test_common.h"

#include <math.h>

#include "fixture.h"
#include "match.h"
#include "report.h"

/* Parses RESP bytes (the reply as a server sends it) into a tree. */
static rl_reply *resp(const char *bytes, size_t len)
{
    size_t consumed;
    rl_reply *r = rl_reply_parse(bytes, len, &consumed);
    assert_non_null(r);
    assert_int_equal(consumed, len);
    return r;
}

#define RESP(lit) resp((lit), sizeof(lit) - 1)

static rl_json *json(const char *text)
{
    char err[256];
    rl_json *v = rl_json_parse(text, strlen(text), err, sizeof(err));
    if (v == NULL) fail_msg("bad test JSON %s: %s", text, err);
    char msg[256];
    const rl_json *bad = rl_match_check(v, msg, sizeof(msg));
    if (bad != NULL) fail_msg("invalid expected value %s: %s", text, msg);
    return v;
}

/* 1 if the JSON expectation matches the RESP reply; frees both. */
static int matches(const char *expected, rl_reply *actual)
{
    rl_json *e = json(expected);
    int ok = rl_match_reply(e, actual);
    rl_json_free(e);
    rl_reply_free(actual);
    return ok;
}

static int glob(const char *pat, const char *s)
{
    return rl_glob_match(pat, strlen(pat), s, strlen(s));
}

static void glob_should_match_stars_questions_and_escapes(void **state)
{
    (void)state;
    assert_true(
        glob("ERR value is not an integer*", "ERR value is not an integer or out of range"));
    assert_true(glob("*", ""));
    assert_true(glob("a*b*c", "aXXbYYbc"));
    assert_false(glob("a*b*c", "aXXbYYbd"));
    assert_true(glob("?rr", "err"));
    assert_false(glob("?", ""));
    assert_false(glob("abc", "abcd"));
    assert_false(glob("abc*", "ab"));
    /* A backslash makes the next character literal. */
    assert_true(glob("100\\*", "100*"));
    assert_false(glob("100\\*", "1000"));
    assert_true(glob("what\\?", "what?"));
    assert_false(glob("what\\?", "whatX"));
    assert_true(glob("a\\\\b", "a\\b"));
    /* Brackets are not classes in the contract's glob: they match themselves. */
    assert_true(glob("[ab]", "[ab]"));
    assert_false(glob("[ab]", "a"));
    /* Binary safe. */
    assert_true(rl_glob_match("a?c", 3, "a\0c", 3));
}

static void match_should_distinguish_reply_types(void **state)
{
    (void)state;
    assert_true(matches("42", RESP(":42\r\n")));
    assert_false(matches("42", RESP("$2\r\n42\r\n")));
    assert_true(matches("\"42\"", RESP("$2\r\n42\r\n")));
    assert_false(matches("\"OK\"", RESP("+OK\r\n")));
    assert_true(matches("{\"status\": \"OK\"}", RESP("+OK\r\n")));
    assert_false(matches("{\"status\": \"OK\"}", RESP("$2\r\nOK\r\n")));
    assert_true(matches("null", RESP("$-1\r\n")));
    assert_true(matches("null", RESP("*-1\r\n")));
    assert_true(matches("null", RESP("_\r\n")));
    assert_false(matches("null", RESP("$0\r\n\r\n")));
    assert_true(matches("\"\"", RESP("$0\r\n\r\n")));
    assert_true(matches("-9223372036854775808", RESP(":-9223372036854775808\r\n")));
    assert_false(matches("9007199254740993", RESP(":9007199254740992\r\n")));
}

static void match_should_compare_arrays_in_order(void **state)
{
    (void)state;
    assert_true(matches("[1, \"a\", null, []]", RESP("*4\r\n:1\r\n$1\r\na\r\n$-1\r\n*0\r\n")));
    assert_false(matches("[\"a\", 1]", RESP("*2\r\n:1\r\n$1\r\na\r\n")));
    assert_false(matches("[1]", RESP("*2\r\n:1\r\n:1\r\n")));
    assert_true(matches("[1, {\"error\": \"ERR x\"}]", RESP("*2\r\n:1\r\n-ERR x\r\n")));
    assert_false(matches("[1, {\"error\": \"ERR x\"}]", RESP("*2\r\n:1\r\n-ERR y\r\n")));
}

static void match_should_decode_hex_strings(void **state)
{
    (void)state;
    assert_true(matches("{\"hex\": \"00ff61\"}",
                        RESP("$3\r\n\0\xff"
                             "a\r\n")));
    assert_true(matches("{\"hex\": \"00FF61\"}",
                        RESP("$3\r\n\0\xff"
                             "a\r\n")));
    assert_false(matches("{\"hex\": \"00ff\"}",
                         RESP("$3\r\n\0\xff"
                              "a\r\n")));
    assert_true(matches("{\"hex\": \"\"}", RESP("$0\r\n\r\n")));
}

static void match_should_apply_matchers_anywhere(void **state)
{
    (void)state;
    assert_true(matches("{\"any\": true}", RESP(":1\r\n")));
    assert_true(matches("{\"any\": true}", RESP("$-1\r\n")));
    assert_false(matches("{\"any\": true}", RESP("-ERR x\r\n")));
    assert_true(matches("[{\"any\": true}, 2]", RESP("*2\r\n$1\r\nz\r\n:2\r\n")));
    assert_true(matches("{\"glob\": \"sha:*\"}", RESP("$6\r\nsha:ab\r\n")));
    assert_true(matches("{\"glob\": \"O?\"}", RESP("+OK\r\n")));
    assert_false(matches("{\"glob\": \"*\"}", RESP(":1\r\n")));
    assert_false(matches("{\"glob\": \"*\"}", RESP("-ERR\r\n")));
    assert_true(matches("{\"unordered\": [\"b\", \"a\"]}", RESP("*2\r\n$1\r\na\r\n$1\r\nb\r\n")));
    assert_false(matches("{\"unordered\": [\"a\", \"a\"]}", RESP("*2\r\n$1\r\na\r\n$1\r\nb\r\n")));
    assert_false(matches("{\"unordered\": [\"a\"]}", RESP("*2\r\n$1\r\na\r\n$1\r\nb\r\n")));
    /* A greedy pairing would give "a*" the "ab" element and then fail on
     * "ab" itself: the matcher must backtrack. */
    assert_true(matches("{\"unordered\": [{\"glob\": \"a*\"}, \"ab\"]}",
                        RESP("*2\r\n$2\r\nab\r\n$2\r\nac\r\n")));
    assert_true(matches("[{\"unordered\": [1, 2]}, {\"unordered\": []}]",
                        RESP("*2\r\n*2\r\n:2\r\n:1\r\n*0\r\n")));
}

static void match_should_handle_resp3_types(void **state)
{
    (void)state;
    assert_true(matches("{\"double\": 1.5}", RESP(",1.5\r\n")));
    assert_false(matches("{\"double\": 1.5}", RESP("$3\r\n1.5\r\n")));
    assert_true(matches("{\"double\": \"inf\"}", RESP(",inf\r\n")));
    assert_true(matches("{\"double\": \"-inf\"}", RESP(",-inf\r\n")));
    assert_false(matches("{\"double\": \"inf\"}", RESP(",-inf\r\n")));
    assert_true(matches("true", RESP("#t\r\n")));
    assert_true(matches("false", RESP("#f\r\n")));
    assert_false(matches("true", RESP(":1\r\n")));
    assert_true(
        matches("{\"bignum\": \"12345678901234567890\"}", RESP("(12345678901234567890\r\n")));
    /* Maps and sets are unordered in RESP3, so order does not matter. */
    assert_true(matches("{\"map\": [[\"b\", 2], [\"a\", 1]]}",
                        RESP("%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n")));
    assert_false(matches("{\"map\": [[\"a\", 2], [\"b\", 1]]}",
                         RESP("%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n")));
    assert_false(matches("[\"a\", 1, \"b\", 2]", RESP("%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n")));
    assert_true(matches("{\"set\": [\"y\", \"x\"]}", RESP("~2\r\n$1\r\nx\r\n$1\r\ny\r\n")));
    assert_false(matches("{\"set\": [\"x\", \"y\"]}", RESP("*2\r\n$1\r\nx\r\n$1\r\ny\r\n")));
}

static int key_matches(const char *type, const char *expected, rl_reply *actual)
{
    char err[256], msg[256];
    rl_json *e = rl_json_parse(expected, strlen(expected), err, sizeof(err));
    assert_non_null(e);
    assert_null(rl_match_check_key_value(type, e, msg, sizeof(msg)));
    int ok = rl_match_key_value(type, e, actual);
    rl_json_free(e);
    rl_reply_free(actual);
    return ok;
}

static void match_should_compare_keyspace_values_by_type(void **state)
{
    (void)state;
    assert_true(key_matches("string", "\"15\"", RESP("$2\r\n15\r\n")));
    assert_true(key_matches("hash", "{\"b\": \"2\", \"a\": \"1\"}",
                            RESP("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n")));
    assert_false(key_matches("hash", "{\"a\": \"1\"}",
                             RESP("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n")));
    assert_false(key_matches("hash", "{\"a\": \"1\", \"c\": \"2\"}",
                             RESP("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n")));
    assert_true(
        key_matches("hash", "{\"a\": {\"glob\": \"*\"}}", RESP("*2\r\n$1\r\na\r\n$3\r\nxyz\r\n")));
    assert_true(key_matches("list", "[\"a\", \"b\"]", RESP("*2\r\n$1\r\na\r\n$1\r\nb\r\n")));
    assert_false(key_matches("list", "[\"b\", \"a\"]", RESP("*2\r\n$1\r\na\r\n$1\r\nb\r\n")));
    /* A set is compared in any order. */
    assert_true(key_matches("set", "[\"b\", \"a\"]", RESP("*2\r\n$1\r\na\r\n$1\r\nb\r\n")));
    assert_false(key_matches("set", "[\"b\"]", RESP("*2\r\n$1\r\na\r\n$1\r\nb\r\n")));
    assert_true(key_matches("zset", "[[\"m\", \"1.5\"], [\"n\", \"2\"]]",
                            RESP("*2\r\n*2\r\n$1\r\nm\r\n$3\r\n1.5\r\n"
                                 "*2\r\n$1\r\nn\r\n$1\r\n2\r\n")));
    assert_false(key_matches("zset", "[[\"n\", \"2\"], [\"m\", \"1.5\"]]",
                             RESP("*2\r\n*2\r\n$1\r\nm\r\n$3\r\n1.5\r\n"
                                  "*2\r\n$1\r\nn\r\n$1\r\n2\r\n")));
    assert_true(key_matches("stream", "[[\"1-0\", [\"f\", \"v\"]]]",
                            RESP("*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n")));
    assert_true(key_matches("zset", "{\"any\": true}", RESP("*0\r\n")));
    assert_int_equal(rl_mem_used(), 0);
}

static void report_should_print_replies_in_fixture_notation(void **state)
{
    (void)state;
    static const struct {
        const char *resp;
        size_t len;
        const char *json;
    } cases[] = {
#define C(r, j) { r, sizeof(r) - 1, j }
        C(":-3\r\n", "-3"),
        C("$5\r\na\"b\nc\r\n", "\"a\\\"b\\nc\""),
        C("$2\r\n\0\xff\r\n", "{\"hex\": \"00ff\"}"),
        C("$2\r\n\xc3\xa9\r\n", "\"\xc3\xa9\""),
        C("$-1\r\n", "null"),
        C("+OK\r\n", "{\"status\": \"OK\"}"),
        C("*2\r\n-ERR x\r\n:1\r\n", "[{\"error\": \"ERR x\"}, 1]"),
        C("%1\r\n$1\r\nk\r\n,1.5\r\n", "{\"map\": [[\"k\", {\"double\": 1.5}]]}"),
        C("~1\r\n#t\r\n", "{\"set\": [true]}"),
        C(",-inf\r\n", "{\"double\": \"-inf\"}"),
        C("(123\r\n", "{\"bignum\": \"123\"}"),
#undef C
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rl_buf b = { 0 };
        rl_reply *r = resp(cases[i].resp, cases[i].len);
        rl_report_reply(&b, r);
        assert_string_equal(b.p, cases[i].json);
        /* What the report prints reads back as an expectation that matches. */
        assert_true(matches(b.p, r));
        rl_buf_free(&b);
    }
    assert_int_equal(rl_mem_used(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(glob_should_match_stars_questions_and_escapes),
        cmocka_unit_test(match_should_distinguish_reply_types),
        cmocka_unit_test(match_should_compare_arrays_in_order),
        cmocka_unit_test(match_should_decode_hex_strings),
        cmocka_unit_test(match_should_apply_matchers_anywhere),
        cmocka_unit_test(match_should_handle_resp3_types),
        cmocka_unit_test(match_should_compare_keyspace_values_by_type),
        cmocka_unit_test(report_should_print_replies_in_fixture_notation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
