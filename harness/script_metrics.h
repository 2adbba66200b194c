/* Script metrics in redlua-test: --metrics FILE.json, the -v summary and
 * --baseline (the schema and the rules are docs/metrics-json.md).
 *
 * A case's metrics are collected from the emulator backend after every
 * command the runner sends (rl_command_hook): what the emulator counted
 * since the last command is credited to the step's script, named by its
 * original file (the loader's top file; included helpers count for the
 * script that includes them). The case's metrics travel as JSON text (a
 * worker process sends them to the parent as they are), and the whole file
 * and the baseline check work on that text parsed back. */
#ifndef REDLUA_HARNESS_SCRIPT_METRICS_H
#define REDLUA_HARNESS_SCRIPT_METRICS_H

#include <stddef.h>
#include <stdio.h>

#include "fixture.h"
#include "redlua.h"
#include "report.h"
#include "results.h"

/* One case's metrics, per script, being collected. */
typedef struct rl_case_metrics rl_case_metrics;

rl_case_metrics *rl_case_metrics_new(const rl_fixture *f, size_t case_index);
void rl_case_metrics_free(rl_case_metrics *cm);
/* Credits m (what the emulator counted during one command of step step, -1
 * for the keyspace check) to that step's script; a command that ran no
 * script and no redis.call adds nothing. */
void rl_case_metrics_add(rl_case_metrics *cm, int step, const rl_metrics *m);
/* The case's JSON object (docs/metrics-json.md), indented for its place in
 * the file; rl_malloc'd. keyspace_keys is DBSIZE summed after the case. */
char *rl_case_metrics_json(const rl_case_metrics *cm, rl_case_status status, double ms,
                           uint64_t keyspace_keys);

/* The -v line of a case, from its JSON object: "  metrics: ...\n". */
void rl_metrics_summary(rl_buf *out, const char *case_json);

/* Writes the whole --metrics document for the files' records (their cases'
 * metrics text, in order) to out. Returns 0, or -1 on a write error. */
int rl_metrics_write(FILE *out, const char *engine, const rl_file_record *files, size_t n);
/* The same document in b. */
void rl_metrics_document(rl_buf *b, const char *engine, const rl_file_record *files, size_t n);

/* A baseline: a --metrics document read back. */
typedef struct rl_metrics_baseline rl_metrics_baseline;
/* Reads and checks path. NULL with "path: message" (or a position) in err. */
rl_metrics_baseline *rl_metrics_baseline_load(const char *path, char *err, size_t errlen);
void rl_metrics_baseline_free(rl_metrics_baseline *bl);
/* Compares the current document (text) with the baseline and prints the
 * verdict to out: a table of every (script, case) metric that grew by more
 * than max_growth (0.1 = 10%), or one line saying none did. Returns the
 * number of regressions, or -1 if current is not a metrics document. */
int rl_metrics_compare(const rl_metrics_baseline *bl, const char *current, double max_growth,
                       FILE *out);

#endif
