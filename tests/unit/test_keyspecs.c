/* Key positions and flags from Redis 7.0's key specifications
 * (emulator/keyspecs.c). Every expected line is what redis-server 7.0.15
 * (Debian 7.0.15-1~deb12u10) answered to COMMAND GETKEYSANDFLAGS with the
 * same arguments: "key:FLAGS" per key, in its order; "" where it answered an
 * error or no keys. */
#include "test_common.h"

#include <stdio.h>

#include "keyspecs.h"

typedef struct keys_case {
    const char *line; /* the command, split at spaces */
    const char *expected;
} keys_case;

static const keys_case cases[] = {
    { "GET k", "k:RO,access" },
    { "SET k v", "k:OW,update" },
    { "SET k v NX GET", "k:RW,access,update" },
    { "SET k v EX 10", "k:OW,update" },
    { "MSET a 1 b 2", "a:OW,update b:OW,update" },
    { "MGET a b c", "a:RO,access b:RO,access c:RO,access" },
    { "DEL a b", "a:RM,delete b:RM,delete" },
    { "EXISTS a b", "a:RO b:RO" },
    { "INCR k", "k:RW,access,update" },
    { "LPUSH l x", "l:RW,insert" },
    { "LPOP l", "l:RW,access,delete" },
    { "LMOVE a b LEFT RIGHT", "a:RW,access,delete b:RW,insert" },
    { "RPOPLPUSH a b", "a:RW,access,delete b:RW,insert" },
    { "COPY a b", "a:RO,access b:OW,update" },
    { "RENAME a b", "a:RW,access,delete b:OW,update" },
    { "SINTERSTORE d a b", "d:RW,update a:RO,access b:RO,access" },
    { "SUNIONSTORE d a b", "d:OW,update a:RO,access b:RO,access" },
    { "ZUNIONSTORE d 2 a b WEIGHTS 1 2", "d:OW,update a:RO,access b:RO,access" },
    { "ZUNIONSTORE d 3 a b", "" },
    { "ZRANGESTORE d s 0 -1", "d:OW,update s:RO,access" },
    { "ZINTERCARD 2 a b", "a:RO,access b:RO,access" },
    { "LMPOP 2 a b LEFT", "a:RW,access,delete b:RW,access,delete" },
    { "LMPOP 0 a LEFT", "" },
    { "ZMPOP 1 z MIN", "z:RW,access,delete" },
    { "SINTERCARD 2 a b LIMIT 1", "a:RO,access b:RO,access" },
    { "XREAD COUNT 1 STREAMS a b 0 0", "a:RO,access b:RO,access" },
    { "XREAD STREAMS a b 0", "a:RO,access" },
    { "XREADGROUP GROUP g c STREAMS s >", "s:RO,access" },
    { "XGROUP CREATE s g $", "s:RW,insert" },
    { "XINFO STREAM s", "s:RO,access" },
    { "BITOP AND d a b", "d:OW,update a:RO,access b:RO,access" },
    { "BITFIELD k GET u8 0", "k:RO,access" },
    { "BITFIELD k SET u8 0 1", "k:RW,access,update" },
    { "BITFIELD k OVERFLOW WRAP", "k:RO,access" },
    { "BITFIELD k FOO", "k:RW,access,update" },
    { "BITFIELD_RO k GET u8 0", "k:RO,access" },
    { "SORT k", "k:RO,access" },
    { "SORT k BY w_* GET h_*->f STORE d", "k:RO,access d:OW,update" },
    { "SORT k STORE d1 STORE d2", "k:RO,access d2:OW,update" },
    { "SORT k LIMIT 0 1 STORE d", "k:RO,access d:OW,update" },
    { "SORT_RO k BY x", "k:RO,access" },
    { "LCS a b", "a:RO,access b:RO,access" },
    { "HSET h f v", "h:RW,update" },
    { "EXPIRE k 10", "k:RW,update" },
    { "SMOVE a b m", "a:RW,access,delete b:RW,insert" },
    { "GETEX k PERSIST", "k:RW,access,update" },
    { "GETDEL k", "k:RW,access,delete" },
    { "TOUCH a b", "a:RO b:RO" },
    { "UNLINK a", "a:RM,delete" },
    { "RANDOMKEY", "" },
    { "DBSIZE", "" },
    { "PING", "" },
    { "WATCH a b", "a:RO b:RO" },
    { "SPUBLISH ch msg", "" },
    { "PFADD h a b", "h:RW,insert" },
    { "PFCOUNT a b c", "a:RW,access b:RW,access c:RW,access" },
    { "PFMERGE d a b", "d:RW,access,insert a:RO,access b:RO,access" },
    { "PFDEBUG getreg h", "h:RW,access" },
};

typedef struct found {
    const rl_arg *argv;
    char text[512];
    size_t len;
} found;

static void put(found *f, const char *s, size_t n)
{
    if (f->len + n >= sizeof(f->text)) fail();
    memcpy(f->text + f->len, s, n);
    f->len += n;
    f->text[f->len] = '\0';
}

/* Appends "key:FLAGS" in GETKEYSANDFLAGS's notation. */
static void visit(void *ud, int argi, unsigned flags)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = { { RL_KEY_RO, "RO" },         { RL_KEY_RW, "RW" },
                  { RL_KEY_OW, "OW" },         { RL_KEY_RM, "RM" },
                  { RL_KEY_ACCESS, "access" }, { RL_KEY_UPDATE, "update" },
                  { RL_KEY_INSERT, "insert" }, { RL_KEY_DELETE, "delete" } };
    found *f = ud;
    /* GETKEYSANDFLAGS leaves shard channels out; rl_command_keys marks them. */
    if (flags & RL_KEY_NOT_KEY) return;
    if (f->len) put(f, " ", 1);
    put(f, f->argv[argi].ptr, f->argv[argi].len);
    const char *sep = ":";
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!(flags & names[i].bit)) continue;
        put(f, sep, 1);
        put(f, names[i].name, strlen(names[i].name));
        sep = ",";
    }
}

static void keys_should_match_getkeysandflags(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char buf[256];
        rl_arg argv[16];
        int argc = 0;
        snprintf(buf, sizeof(buf), "%s", cases[c].line);
        for (char *p = strtok(buf, " "); p; p = strtok(NULL, " ")) {
            argv[argc].ptr = p;
            argv[argc++].len = strlen(p);
        }
        const rl_command *cmd = rl_command_lookup(argc, argv);
        assert_non_null(cmd);
        found f = { argv, "", 0 };
        int n = rl_command_keys(cmd, argc, argv, visit, &f);
        if (strcmp(f.text, cases[c].expected) != 0) {
            print_error("%s: expected \"%s\", got \"%s\"\n", cases[c].line, cases[c].expected,
                        f.text);
            fail();
        }
        assert_int_equal(n == 0,
                         cases[c].expected[0] == '\0' && strcmp(cmd->fullname, "spublish") != 0);
    }
}

/* A command added to the table with keys (legacy positions or movable
 * keys) must come with its key specs in keyspecs.def, or the metrics (and
 * anything else asking rl_command_keys) would miss its keys; commands
 * without keys must have none. SORT and SORT_RO find their keys in code
 * but have rows too. */
static void every_command_with_keys_should_have_specs(void **state)
{
    (void)state;
    const rl_command *cmd;
    for (size_t i = 0; (cmd = rl_command_at(i)) != NULL; i++) {
        int keyed = cmd->firstkey != 0 || (cmd->flags & RL_CMD_MOVABLE_KEYS);
        int specs = rl_command_keyspec_count(cmd);
        if (keyed != (specs > 0)) {
            print_error("%s: %s key positions, %d key specs\n", cmd->fullname,
                        keyed ? "has" : "has no", specs);
            fail();
        }
    }
}

/* How the metrics read the flags (docs/metrics-json.md). */
static void read_and_written_should_follow_the_flags(void **state)
{
    (void)state;
    assert_true(RL_KEY_IS_READ(RL_KEY_RO));
    assert_false(RL_KEY_IS_WRITTEN(RL_KEY_RO));
    assert_true(RL_KEY_IS_READ(RL_KEY_RW | RL_KEY_ACCESS));
    assert_true(RL_KEY_IS_WRITTEN(RL_KEY_RW | RL_KEY_ACCESS));
    assert_false(RL_KEY_IS_READ(RL_KEY_RW | RL_KEY_INSERT));
    assert_true(RL_KEY_IS_WRITTEN(RL_KEY_RW | RL_KEY_INSERT));
    assert_false(RL_KEY_IS_READ(RL_KEY_OW | RL_KEY_UPDATE));
    assert_true(RL_KEY_IS_WRITTEN(RL_KEY_RM | RL_KEY_DELETE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_should_match_getkeysandflags),
        cmocka_unit_test(every_command_with_keys_should_have_specs),
        cmocka_unit_test(read_and_written_should_follow_the_flags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
