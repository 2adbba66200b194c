/* Results of a redlua-test run as data, and the machine-readable writers:
 * JUnit XML (--junit), TAP version 13 (--tap) and JSON (--json, the schema
 * is docs/results-json.md).
 *
 * The records own their messages (rl_malloc'd); the fixtures are borrowed.
 * Writers return 0, or -1 when the stream reported a write error. */
#ifndef REDLUA_HARNESS_RESULTS_H
#define REDLUA_HARNESS_RESULTS_H

#include <stddef.h>
#include <stdio.h>

#include "fixture.h"
#include "runner.h"

typedef struct rl_case_record {
    size_t case_index;
    rl_case_status status;
    double ms;     /* run time of the case */
    char *message; /* failure text or skip reason, or NULL */
    int fail_step; /* see rl_case_result */
    int fail_line;
    char *metrics;  /* the case's metrics, JSON text (script_metrics.h), or NULL */
    char *warnings; /* cluster-safety warnings (rl_case_result), or NULL */
} rl_case_record;

typedef struct rl_file_record {
    const rl_fixture *f;
    size_t ncases;
    rl_case_record *cases; /* the cases that ran, in fixture order */
    double ms;             /* sum of the cases' times */
} rl_file_record;

/* Frees the cases and their messages; f stays. */
void rl_file_record_clear(rl_file_record *r);

typedef struct rl_run_summary {
    const char *engine;  /* "lua51", "luajit" */
    const char *backend; /* "emulator" or "redis HOST:PORT" */
    size_t passed, failed, skipped;
    double ms; /* wall time of the whole run */
} rl_run_summary;

/* JUnit XML: one <testsuite> per fixture file, one <testcase> per case,
 * <failure message="first line">whole text</failure>, <skipped
 * message="reason"/>. Text that is not valid XML 1.0 character data
 * (control characters, bytes that are not UTF-8) is written as "\xNN". */
int rl_results_write_junit(FILE *out, const rl_file_record *files, size_t n,
                           const rl_run_summary *sum);

/* JSON, see docs/results-json.md. Bytes that are not valid UTF-8 are
 * written as \u00NN (their Latin-1 reading), so the file is always valid. */
int rl_results_write_json(FILE *out, const rl_file_record *files, size_t n,
                          const rl_run_summary *sum);

/* TAP version 13, written as the run goes: the header, then each file's
 * test points (numbered from *counter + 1; *counter is advanced), then the
 * plan and the summary as a comment. */
void rl_results_tap_begin(FILE *out);
void rl_results_tap_file(FILE *out, const rl_file_record *r, size_t *counter);
void rl_results_tap_end(FILE *out, size_t counter, const rl_run_summary *sum);

#endif
