/* Snapshot updates: rewrites a fixture file's expectations from what its
 * cases actually did (redlua-test --update, and --record on a real Redis).
 *
 * Only the text spans that change are replaced, using the byte offsets the
 * fixture parser records for every JSON value: a failing step's "reply" or
 * "error" value (or the whole member, when a reply must become an error or
 * the other way round), and a keyspace section that no longer matches. The
 * rest of the file (formatting, comments in strings, key order) stays byte
 * for byte. Steps without an expectation stay without one, and cases
 * without a keyspace section get none.
 *
 * Ownership: rl_update_new returns an object freed with rl_update_free; it
 * borrows the fixture, which must outlive it. Errors are returned as -1 with
 * a message in err. */
#ifndef REDLUA_HARNESS_UPDATE_H
#define REDLUA_HARNESS_UPDATE_H

#include <stddef.h>

#include "fixture.h"
#include "report.h"
#include "runner.h"

typedef struct rl_update rl_update;

/* Reads the fixture's file again (the text the offsets refer to). NULL with
 * err set if it cannot be read. */
rl_update *rl_update_new(const rl_fixture *f, char *err, size_t errlen);
void rl_update_free(rl_update *u);

/* Adds the edits that make case case_index expect what cap captured (a
 * capture made with keep_going). Returns the number of expectations it
 * changes (0 when the case already passed), or -1 with err set for a value
 * the fixture notation cannot hold (then nothing of this case changes). */
int rl_update_case(rl_update *u, size_t case_index, const rl_case_capture *cap, char *err,
                   size_t errlen);

/* Writes the edited text over the file (through a temporary file renamed
 * into place) if any edit was added. 0, or -1 with err set. */
int rl_update_write(rl_update *u, char *err, size_t errlen);

/* Appends s as a glob of the fixture contract that matches exactly s:
 * '*', '?' and '\' are escaped, bytes that are not valid UTF-8 become '?'. */
void rl_update_glob_escape(rl_buf *b, const char *s, size_t len);

#endif
