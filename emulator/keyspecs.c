/* Key positions from Redis 7.0's key specifications (keyspecs.h). */
#include "keyspecs.h"

#include <string.h>
#include <strings.h>

#include "commands.h"
#include "util.h"

enum { BS_INDEX, BS_KEYWORD, BS_UNKNOWN };
enum { FK_RANGE, FK_KEYNUM, FK_UNKNOWN };

typedef struct keyspec {
    const char *cmd; /* full name, as rl_command.fullname */
    unsigned flags;  /* RL_KEY_* */
    int bs;          /* BS_* */
    int bs_arg;      /* BS_INDEX: the index; BS_KEYWORD: where the search starts */
    const char *keyword;
    int fk;            /* FK_* */
    int fk1, fk2, fk3; /* RANGE: lastkey, keystep, limit; KEYNUM: keynumidx, firstkey, keystep */
} keyspec;

#define KS_INDEX(i) BS_INDEX, i, NULL
#define KS_KEYWORD(kw, from) BS_KEYWORD, from, kw
#define KS_UNKNOWN BS_UNKNOWN, 0, NULL
#define KS_RANGE(last, step, limit) FK_RANGE, last, step, limit
#define KS_KEYNUM(idx, first, step) FK_KEYNUM, idx, first, step
#define KS_NO_KEYS FK_UNKNOWN, 0, 0, 0
#define RL_KEYSPEC(name, flags, bs, fk) { name, flags, bs, fk },
static const keyspec specs[] = {
#include "keyspecs.def"
};
#undef RL_KEYSPEC

#define NUM_SPECS (sizeof(specs) / sizeof(specs[0]))

/* The first row of name, or NUM_SPECS (rows are sorted by name). */
static size_t first_row(const char *name)
{
    size_t lo = 0, hi = NUM_SPECS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(specs[mid].cmd, name) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < NUM_SPECS && strcmp(specs[lo].cmd, name) == 0 ? lo : NUM_SPECS;
}

/* One spec's key range as getKeysUsingKeySpecs finds it: 1 with
 * [*first, *last] by *step, 0 when the spec does not apply (its keyword is
 * absent), -1 when the arguments do not fit it. */
static int spec_range(const keyspec *s, int argc, const rl_arg *argv, int *first, int *last,
                      int *step)
{
    int f = 0;
    if (s->bs == BS_INDEX) {
        f = s->bs_arg;
    } else if (s->bs == BS_KEYWORD) {
        int start = s->bs_arg > 0 ? s->bs_arg : argc + s->bs_arg;
        int end = s->bs_arg > 0 ? argc - 1 : 0;
        for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
            if (i >= argc || i < 1) break;
            if (rl_arg_is(&argv[i], s->keyword)) {
                f = i + 1;
                break;
            }
        }
        if (f == 0) return 0;
    } else {
        return -1;
    }
    int l;
    if (s->fk == FK_RANGE) {
        if (s->fk1 >= 0) l = f + s->fk1;
        else if (s->fk3 == 0) l = argc + s->fk1;
        else l = f + ((argc - f) / s->fk3 + s->fk1);
        *step = s->fk2;
    } else if (s->fk == FK_KEYNUM) {
        long long n;
        if (f + s->fk1 >= argc || !rl_string2ll(argv[f + s->fk1].ptr, argv[f + s->fk1].len, &n) ||
            n < 0 || n > argc)
            return -1;
        f += s->fk2;
        l = f + (int)n - 1;
        *step = s->fk3;
    } else {
        return -1;
    }
    if (l >= argc || l < f || f >= argc) return -1;
    *first = f;
    *last = l;
    return 1;
}

/* SET's flags: RW when a GET argument follows the value, else OW. */
static unsigned set_flags(int argc, const rl_arg *argv)
{
    for (int i = 3; i < argc; i++)
        if (rl_arg_is(&argv[i], "get")) return RL_KEY_RW | RL_KEY_ACCESS | RL_KEY_UPDATE;
    return RL_KEY_OW | RL_KEY_UPDATE;
}

/* BITFIELD's flags: read-only while only GET and OVERFLOW are given. */
static unsigned bitfield_flags(int argc, const rl_arg *argv)
{
    for (int i = 2; i < argc; i++) {
        int rest = argc - i - 1;
        if (rl_arg_is(&argv[i], "get") && rest >= 2) {
            i += 2;
        } else if (rl_arg_is(&argv[i], "overflow") && rest >= 1) {
            i += 1;
        } else {
            /* SET, INCRBY, or a syntax error, which Redis also takes as a write. */
            return RL_KEY_RW | RL_KEY_ACCESS | RL_KEY_UPDATE;
        }
    }
    return RL_KEY_RO | RL_KEY_ACCESS;
}

/* SORT: the source, and the last STORE's destination; LIMIT, GET and BY
 * skip their arguments, which are never keys. SORT_RO: the source. */
static int sort_keys(int ro, int argc, const rl_arg *argv, rl_key_visit *visit, void *ud)
{
    int store = 0;
    for (int i = 2; i < argc && !ro; i++) {
        if (rl_arg_is(&argv[i], "limit")) i += 2;
        else if (rl_arg_is(&argv[i], "get") || rl_arg_is(&argv[i], "by")) i += 1;
        else if (rl_arg_is(&argv[i], "store") && i + 1 < argc) store = i + 1;
    }
    visit(ud, 1, RL_KEY_RO | RL_KEY_ACCESS);
    if (store) visit(ud, store, RL_KEY_OW | RL_KEY_UPDATE);
    return store ? 2 : 1;
}

int rl_command_keyspec_count(const rl_command *cmd)
{
    size_t row = first_row(cmd->fullname), n = 0;
    while (row + n < NUM_SPECS && strcmp(specs[row + n].cmd, cmd->fullname) == 0) n++;
    return (int)n;
}

int rl_command_keys(const rl_command *cmd, int argc, const rl_arg *argv, rl_key_visit *visit,
                    void *ud)
{
    const char *name = cmd->fullname;
    if (strcmp(name, "sort") == 0 || strcmp(name, "sort_ro") == 0)
        return sort_keys(name[4] == '_', argc, argv, visit, ud);
    size_t row = first_row(name);
    if (row == NUM_SPECS) return 0;
    size_t end = row;
    while (end < NUM_SPECS && strcmp(specs[end].cmd, name) == 0) end++;
    /* A spec the arguments do not fit leaves the whole command without keys,
     * so every range is checked before the first visit. */
    for (size_t r = row; r < end; r++) {
        int first, last, step;
        if (spec_range(&specs[r], argc, argv, &first, &last, &step) < 0) return 0;
    }
    int n = 0;
    for (size_t r = row; r < end; r++) {
        int first, last, step;
        if (spec_range(&specs[r], argc, argv, &first, &last, &step) <= 0) continue;
        unsigned flags = specs[r].flags;
        if (flags & RL_KEY_VARIABLE)
            flags = strcmp(name, "set") == 0 ? set_flags(argc, argv) : bitfield_flags(argc, argv);
        for (int i = first; i <= last && i<argc; i += step> 0 ? step : 1) {
            visit(ud, i, flags);
            n++;
        }
    }
    return n;
}
