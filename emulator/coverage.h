/* Line coverage of EVAL scripts (rl_emu_set_coverage, redlua.h).
 *
 * While coverage is on, every script compiled by EVAL or SCRIPT LOAD (and
 * every library FUNCTION LOAD compiles, functions.c) gets a record, keyed by
 * its SHA1: the lines of its body that hold code and, per
 * line, how many of its runs ran that line; and the functions it defines,
 * by the line their definition starts on, with how many runs called each. Which lines hold code
 * is read from the compiled bytecode (rl_engine_code_lines): a line holds
 * code when an instruction is attributed to it, except an instruction that
 * is the final "return nothing" of a function while its line does not say
 * `return` (the return every function ends with where control falls off its
 * end: that line is "end", or the last line of the script, and counting it
 * would show a line as never run whenever a function always returns
 * early). docs/redlua-test.md ("Coverage") states the rule for users.
 *
 * Records belong to the emulator and are freed with it; they survive SCRIPT
 * FLUSH, so a script loaded again keeps counting where it was.
 *
 * A line's count is the number of runs that ran it, not the number of line
 * events: the engines report events differently (LuaJIT reports a line
 * again after a call made on it returns, PUC Lua reports a numeric for
 * line once more than LuaJIT, for its set-up), but both run the same lines,
 * so counting runs gives the same numbers on both. */
#ifndef REDLUA_EMULATOR_COVERAGE_H
#define REDLUA_EMULATOR_COVERAGE_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

#include "server.h"

typedef struct rl_cov_chunk rl_cov_chunk;

/* The record of the script whose SHA1 (lowercase hex) is sha, creating it
 * from body (len bytes, the script as sent) and the compiled function on
 * top of L's stack when it does not exist yet. NULL when coverage is off. */
rl_cov_chunk *rl_cov_register(rl_emu *emu, const char *sha, const char *body, size_t len,
                              lua_State *L);
/* The record of sha, or NULL (coverage off, or never compiled with it on). */
rl_cov_chunk *rl_cov_find(rl_emu *emu, const char *sha);
/* A run of the script starts. */
void rl_cov_begin_run(rl_cov_chunk *c);
/* Line `line` ran; counted once per run (ignored outside the body). */
void rl_cov_hit(rl_cov_chunk *c, int line);
/* The nested function whose definition starts on line linedefined was
 * called; counted once per run (ignored for lines without one). */
void rl_cov_call(rl_cov_chunk *c, int linedefined);
/* Frees every record (rl_emu_free). */
void rl_cov_free_all(rl_emu *emu);

#endif
