/* The dispatcher: lookup, unknown command and arity errors. Expected bytes
 * were read from redis-server 7.0.15. */
#include "test_common.h"

#include <ctype.h>

#include "commands.h"

static void dispatch_should_report_unknown_commands_like_redis(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n", "foo",
                  "a", "b");
    rl_assert_cmd(emu, "-ERR unknown command 'foo', with args beginning with: \r\n", "foo");
    /* NUL cuts the name and arguments; CR and LF become spaces. */
    const char *argv[] = { "fOo\0bar", "a\r\nb", "xxxxx" };
    size_t lens[] = { 7, 4, 5 };
    rl_assert_resp(rl_emu_call(emu, 3, argv, lens),
                   "-ERR unknown command 'fOo', with args beginning with: 'a  b' 'xxxxx' \r\n");
    /* The argument text stops once it reaches 128 bytes. */
    char a126[127], b[131];
    memset(a126, 'a', 126);
    a126[126] = '\0';
    memset(b, 'b', 130);
    b[130] = '\0';
    rl_assert_resp(rl_emu_callv(emu, "x", a126, "b", NULL),
                   "-ERR unknown command 'x', with args beginning with: 'aaaaaaaaaaaaaaaaaaaaaaaa"
                   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                   "aaaaaaaaaaaaaaaaaaaaaaaaa' \r\n");
    rl_assert_resp(rl_emu_callv(emu, "x", "a", b, "c", NULL),
                   "-ERR unknown command 'x', with args beginning with: 'a' 'bbbbbbbbbbbbbbbbbbbbbb"
                   "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                   "bbbbbbbbbbbbbbbbbbbbbbb' \r\n");
    rl_emu_free(emu);
    assert_int_equal(rl_mem_used(), 0);
}

static void dispatch_should_check_arity(void **state)
{
    (void)state;
    rl_emu *emu = rl_emu_new();
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'echo' command\r\n", "echo");
    rl_assert_cmd(emu, "-ERR wrong number of arguments for 'time' command\r\n", "TIME", "x");
    rl_assert_cmd(emu, "$1\r\nx\r\n", "EcHo", "x");
    rl_emu_free(emu);
    assert_int_equal(rl_mem_used(), 0);
}

static void lookup_should_be_case_insensitive_and_binary_safe(void **state)
{
    (void)state;
    rl_arg a[] = { { "PiNg", 4 } };
    const rl_command *cmd = rl_command_lookup(1, a);
    assert_non_null(cmd);
    assert_string_equal(cmd->fullname, "ping");
    rl_arg z[] = { { "ping\0", 5 } };
    assert_null(rl_command_lookup(1, z));
    rl_arg e[] = { { "", 0 } };
    assert_null(rl_command_lookup(1, e));
    /* A full name with '|' is no top-level command (Redis answers "unknown
     * command 'script|load'"), nor is "LoAd|x" a subcommand. */
    rl_arg bar[] = { { "script|load", 11 } };
    assert_null(rl_command_lookup(1, bar));
    rl_arg sub[] = { { "ScRiPt", 6 }, { "LoAd", 4 } };
    assert_string_equal(rl_command_lookup(2, sub)->fullname, "script|load");
    rl_arg subbar[] = { { "script", 6 }, { "LoAd|x", 6 } };
    assert_null(rl_command_lookup(2, subbar));
    rl_arg subnul[] = { { "script", 6 }, { "load\0", 5 } };
    assert_null(rl_command_lookup(2, subnul));
    for (size_t i = 0; rl_command_at(i); i++) {
        const rl_command *c = rl_command_at(i);
        /* Every command is found by its own name, in upper case too. */
        const char *bar_at = strchr(c->fullname, '|');
        char upper[128];
        size_t n = strlen(c->fullname);
        for (size_t k = 0; k <= n; k++) upper[k] = (char)toupper((unsigned char)c->fullname[k]);
        rl_arg byname[2] = { { upper, bar_at ? (size_t)(bar_at - c->fullname) : n },
                             { bar_at ? upper + (bar_at - c->fullname) + 1 : "", 0 } };
        if (bar_at) byname[1].len = strlen(byname[1].ptr);
        assert_ptr_equal(rl_command_lookup(bar_at ? 2 : 1, byname), c);
        if (c->flags & RL_CMD_CONTAINER) continue;
        assert_non_null(c->proc);
        if (strchr(c->fullname, '|')) assert_non_null(c->parent);
    }
    /* Names found are remembered by their bytes (commands.c): asked again,
     * in another case, or with one byte changed, the answer must still be
     * the table's. */
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; rl_command_at(i); i++) {
            const rl_command *c = rl_command_at(i);
            if (strchr(c->fullname, '|')) continue;
            char name[128];
            size_t n = strlen(c->fullname);
            memcpy(name, c->fullname, n + 1);
            rl_arg lower[] = { { name, n } };
            assert_ptr_equal(rl_command_lookup_name(name, n), c);
            name[n / 2] = (char)toupper((unsigned char)name[n / 2]);
            assert_ptr_equal(rl_command_lookup(1, lower), c);
            name[n / 2] = '#';
            assert_null(rl_command_lookup_name(name, n));
            /* A shorter prefix of it is another name, or none. */
            assert_true(rl_command_lookup_name(c->fullname, n - 1) != c);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dispatch_should_report_unknown_commands_like_redis),
        cmocka_unit_test(dispatch_should_check_arity),
        cmocka_unit_test(lookup_should_be_case_insensitive_and_binary_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
