/* Reporting: the fixture's JSON notation for replies and expected values,
 * a growable text buffer the runner builds failure messages in, and the
 * human-readable printer redlua-test uses. */
#ifndef REDLUA_HARNESS_REPORT_H
#define REDLUA_HARNESS_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "fixture.h"
#include "reply.h"
#include "runner.h"

/* A NUL-terminated growable string; zero-initialize it, free with
 * rl_buf_free or take its text with rl_buf_take. */
typedef struct rl_buf {
    char *p;
    size_t len;
    size_t cap;
} rl_buf;

void rl_buf_put(rl_buf *b, const char *s, size_t n);
void rl_buf_puts(rl_buf *b, const char *s);
void rl_buf_printf(rl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the text (rl_malloc'd, never NULL) and empties b. */
char *rl_buf_take(rl_buf *b);
void rl_buf_free(rl_buf *b);

/* Appends bytes as a JSON string if they are valid UTF-8, else as
 * {"hex": "..."}. */
void rl_report_string(rl_buf *b, const char *s, size_t len);
/* Appends a reply in the contract's JSON notation. */
void rl_report_reply(rl_buf *b, const rl_reply *r);
/* Appends a fixture JSON value, compactly. */
void rl_report_json(rl_buf *b, const rl_json *v);
/* v as JSON text; compact drops the spaces after ',' and ':' (and leaves
 * DEL unescaped), for machine input such as script arguments. */
void rl_report_json_write(rl_buf *b, const rl_json *v, int compact);

/* Counts kept by the printer. */
typedef struct rl_report {
    FILE *out;
    int verbose;
    size_t passed, failed, skipped;
    int color; /* 1: ANSI colours (labels, expected/actual lines, the summary) */
} rl_report;

/* Prints one case's result (failures and skips always, passes if verbose)
 * and counts it. */
void rl_report_case(rl_report *rep, const rl_fixture *f, size_t case_index,
                    const rl_case_result *res);
/* The same, with the case's run time: verbose output then prints one line
 * per case, "PASS|FAIL|SKIP file: case "name" (T ms)". ms < 0: no time. */
void rl_report_case_ms(rl_report *rep, const rl_fixture *f, size_t case_index,
                       const rl_case_result *res, double ms);
/* Prints the closing line: "N passed, M failed" plus ", K skipped" when any
 * case was skipped. */
void rl_report_summary(rl_report *rep);

#endif
