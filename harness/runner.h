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
    int fail_step; /* FAIL: the first failing step, 1-based; 0 for the keyspace check */
    int fail_line; /* FAIL: that step's (or the keyspace's) line in the fixture, or 0 */
    /* Cluster-safety warnings (docs/redlua-test.md, "Cluster safety"): one
     * "file:line: text" a line, each once, '\n'-separated; NULL when none. */
    char *warnings;
} rl_case_result;

/* Runs case case_index of f on b. hook may be NULL. Fills *out (clear it
 * with rl_case_result_clear). Returns 0, or -1 on backend failure (no reply
 * could be had: b->errstr says why; *out then holds a FAIL with that text). */
int rl_run_case(rl_backend *b, const rl_fixture *f, size_t case_index, rl_command_hook hook,
                void *ud, rl_case_result *out);
void rl_case_result_clear(rl_case_result *r);

/* One key of database 0 as the keyspace check read it: value in the shape
 * rl_match_key_value takes, pttl -1 when the key has no expiry. */
typedef struct rl_actual_key {
    char *name;
    size_t len;
    char type[32];
    rl_reply *value;
    long long pttl;
    int matched; /* 1 if the keyspace section names the key */
} rl_actual_key;

/* What a case did, for rewriting its expectations (redlua-test --update and
 * --record). Zero-initialize it, set keep_going, pass it to
 * rl_run_case_capture, free what it holds with rl_case_capture_clear. */
typedef struct rl_case_capture {
    int keep_going;      /* in: run every step, and check the keyspace, after a failure */
    int read_keyspace;   /* in: read database 0 into keys even without a keyspace section */
    size_t nsteps;       /* out: the case's step count */
    rl_reply **replies;  /* out: each step's reply (the SCRIPT LOAD error when the
                           * script did not load); NULL for advance_ms or a step not run */
    int *step_ok;        /* out: 1 the step met its expectation, 0 it did not, -1 not run */
    int keyspace_read;   /* out: 1 when the keyspace section was checked */
    int *entry_ok;       /* out: per keyspace section entry, 1 if the key matched it */
    rl_actual_key *keys; /* out: database 0, sorted by name */
    size_t nkeys;
} rl_case_capture;

/* rl_run_case that also fills *cap (may be NULL: then it is rl_run_case). */
int rl_run_case_capture(rl_backend *b, const rl_fixture *f, size_t case_index, rl_command_hook hook,
                        void *ud, rl_case_capture *cap, rl_case_result *out);
void rl_case_capture_clear(rl_case_capture *cap);

/* Appends "step N (file:line): call [...]" and a newline: step idx (0-based)
 * of cs as failure messages name it. */
struct rl_buf;
void rl_runner_describe_step(struct rl_buf *m, const rl_fixture *f, const rl_case *cs, size_t idx);

#endif
