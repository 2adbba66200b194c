/* Script speed on one engine (docs/lua.md, "Speed"): tight loops, function
 * calls and redis.call, each run five times on one emulator with and without
 * the script time limit, best time kept. Built once per engine as
 * redlua-bench-lua and redlua-bench-lua-luajit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "redlua.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static const struct {
    const char *name;
    const char *script;
} cases[] = {
    { "for 1e7", "local x = 0 for i = 1, 10000000 do x = x + i end return x" },
    { "while 1e7", "local i = 0 while i < 10000000 do i = i + 1 end return i" },
    { "calls 1e7",
      "local function f(x) return x + 1 end local s = 0 "
      "for i = 1, 10000000 do s = f(s) end return s" },
    { "INCR 1e5", "for i = 1, 100000 do redis.call('INCR', 'k') end return 1" },
    { "for 1e7 + tail call",
      "local x = 0 for i = 1, 10000000 do x = x + i end "
      "return redis.call('SET', 'k', x)" },
};

int main(int argc, char **argv)
{
    int runs = argc > 1 && strcmp(argv[1], "--smoke") == 0 ? 1 : 5;
    int status = 0;
    for (int timed = 1; timed >= 0; timed--) {
        rl_emu *emu = rl_emu_new();
        rl_emu_set_script_timeout_ms(emu, timed ? 60000 : 0);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            double best = 0;
            for (int r = 0; r < runs; r++) {
                double t0 = now_ms();
                rl_reply *rep = rl_emu_callv(emu, "EVAL", cases[i].script, "0", (const char *)NULL);
                double took = now_ms() - t0;
                if (rep->type == RL_REPLY_ERROR) {
                    fprintf(stderr, "%s: %s\n", cases[i].name, rep->str);
                    status = 1;
                }
                rl_reply_free(rep);
                rl_reply_free(rl_emu_callv(emu, "DEL", "k", (const char *)NULL));
                if (r == 0 || took < best) best = took;
            }
            printf("%-7s %-12s %-20s %8.1f ms\n", rl_emu_engine(),
                   timed ? "time limit" : "no limit", cases[i].name, best);
        }
        rl_emu_free(emu);
    }
    return status;
}
