/* Line coverage for redlua-test --coverage: gathers the emulator's per-script
 * records (redlua.h, rl_emu_set_coverage) over every case, leads each chunk
 * line back to its original file through the source map (loader.h), so an
 * included helper is credited to its own file, and writes the result as an
 * lcov tracefile and as a table for the terminal.
 *
 * Only scripts a fixture names by file are reported; a chunk is matched to
 * its fixture script by its text (the text the loader produced is the text
 * EVAL compiled). docs/redlua-test.md ("Coverage") describes the output.
 *
 * Ownership: an rl_coverage owns copies of everything added to it; free it
 * with rl_coverage_free. Reports own their files (rl_coverage_report_clear).
 * Text goes to an rl_buf the caller owns. */
#ifndef REDLUA_HARNESS_SCRIPT_COVERAGE_H
#define REDLUA_HARNESS_SCRIPT_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

#include "loader.h"
#include "redlua.h"
#include "report.h"

typedef struct rl_coverage rl_coverage;

rl_coverage *rl_coverage_new(void);
void rl_coverage_free(rl_coverage *c);

/* Adds emu's records: counts of a script already known are summed. */
void rl_coverage_add_emu(rl_coverage *c, const rl_emu *emu);
/* Compiles each script not known yet (SCRIPT LOAD in a scratch emulator), so
 * a script no case ran shows every line with code as never run. */
void rl_coverage_add_scripts(rl_coverage *c, const rl_loaded_script *const *scripts, size_t n);
/* Forgets everything (a -j worker after sending what it had). */
void rl_coverage_clear(rl_coverage *c);

/* The wire format between -j workers and the parent: native integers (the
 * reader is the same binary). decode adds what it reads to c; 0, or -1 on a
 * malformed buffer. */
void rl_coverage_encode(const rl_coverage *c, rl_buf *out);
int rl_coverage_decode(rl_coverage *c, const char *p, size_t len);

/* A function defined in a file: the line its definition starts on (one
 * entry for all those starting on one line), its name for lcov (unique in
 * the file, see docs/redlua-test.md) and how many script runs called it. */
typedef struct rl_coverage_func {
    int line;
    char *name;
    uint64_t hits;
} rl_coverage_func;

/* One original file. Arrays run over lines 1..nlines; code[l] is 1 when the
 * line holds code, hits[l] how many script runs ran it. */
typedef struct rl_coverage_file {
    char *path;
    int nlines;
    unsigned char *code;
    uint64_t *hits;
    int lines_found, lines_hit; /* lcov's LF and LH */
    size_t nfuncs;
    rl_coverage_func *funcs; /* by line */
} rl_coverage_file;

typedef struct rl_coverage_report {
    size_t nfiles;
    rl_coverage_file *files; /* sorted by path (bytes) */
} rl_coverage_report;

/* Maps every record whose text is one of scripts (n of them; NULL entries
 * and scripts without files are skipped) to the files they came from. */
void rl_coverage_report_build(const rl_coverage *c, const rl_loaded_script *const *scripts,
                              size_t n, rl_coverage_report *out);
void rl_coverage_report_clear(rl_coverage_report *r);

/* Appends the lcov tracefile: per file TN:, SF:<path>, FN:<line>,<name> and
 * FNDA:<calls>,<name> per function, FNF:, FNH:, DA:<line>,<hits> for every
 * line with code, LF:, LH:, end_of_record. */
void rl_coverage_write_lcov(const rl_coverage_report *r, rl_buf *out);
/* Appends "12-14, 20": the lines with code of f that never ran, as ranges
 * over which no line ran (lines without code inside a range are bridged). */
void rl_coverage_missed_ranges(const rl_coverage_file *f, rl_buf *out);
/* Appends the terminal table: a header, one row per file (lines, hit,
 * percent, never run) and a total row. */
void rl_coverage_write_table(const rl_coverage_report *r, rl_buf *out);

#endif
