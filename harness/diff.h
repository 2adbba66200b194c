/* Readable differences between an expected value (fixture JSON) and an
 * actual reply, for failure reports: which elements of an array differ,
 * which members of an unordered collection are missing or extra, which
 * fields of a hash differ. The expected/actual lines of a report already
 * show both values whole; these lines point at the parts that differ.
 *
 * Each function appends nothing when it has nothing to point at (two
 * scalars, or shapes too different to compare element by element). */
#ifndef REDLUA_HARNESS_DIFF_H
#define REDLUA_HARNESS_DIFF_H

#include "fixture.h"
#include "reply.h"
#include "report.h"

/* Appends "<indent>differences:" and one line per differing element when
 * expected and actual are both arrays (ordered: aligned on their longest
 * common subsequence), or an {"unordered": ...} / {"set": ...} matcher and
 * an array or set. expected was validated by rl_match_check. */
void rl_diff_reply(rl_buf *m, const rl_json *expected, const rl_reply *actual, const char *indent);

/* The same for a keyspace value of the given type, actual in the shape of
 * rl_match_key_value: lists element by element, sets by member, hashes by
 * field. */
void rl_diff_key_value(rl_buf *m, const char *type, const rl_json *expected, const rl_reply *actual,
                       const char *indent);

#endif
