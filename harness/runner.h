/* The runner: executes one fixture case on a backend and judges it.
 *
 * Every case starts from backend->reset (a fresh, empty server) and, on a
 * backend with a clock, the case's clock_ms (or RL_DEFAULT_CLOCK_MS). Steps
 * run in order; the first failing expectation ends the case. The keyspace
 * check runs only through commands (SELECT 0, SCAN/KEYS, TYPE, GET, ...), so
 * the runner works unchanged against a real redis-server backend. A case
 * that needs a clock is skipped, with a reason, on a backend without one. */
#ifndef REDLUA_HARNESS_RUNNER_H
#define REDLUA_HARNESS_RUNNER_H

#include <stddef.h>

#include "backend.h"
#include "fixture.h"
#include "reply.h"

/* Called for every command the runner sends to the backend (SCRIPT LOAD,
 * EVALSHA, calls, keyspace-check commands), in order, with its reply. step
 * is the step index, or -1 for keyspace-check commands. */
typedef void (*rl_command_hook)(void *ud, size_t case_index, int step, int argc,
                                const char *const *argv, const size_t *argvlen,
                                const rl_reply *reply);

typedef enum { RL_CASE_PASS, RL_CASE_FAIL, RL_CASE_SKIP } rl_case_status;

typedef struct rl_case_result {
    rl_case_status status;
    char *message; /* failure or skip reason, rl_malloc'd, may be NULL */
} rl_case_result;

/* Runs case case_index of f on b. hook may be NULL. Fills *out (clear it
 * with rl_case_result_clear). Returns 0, or -1 on backend failure (no reply
 * could be had: b->errstr says why; *out then holds a FAIL with that text). */
int rl_run_case(rl_backend *b, const rl_fixture *f, size_t case_index, rl_command_hook hook,
                void *ud, rl_case_result *out);
void rl_case_result_clear(rl_case_result *r);

#endif
