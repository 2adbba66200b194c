/* redlua-test --check-determinism: does a case depend on an order Redis does
 * not promise?
 *
 * The case runs once with order seed 0 (the emulator's fixed orders) and
 * once per seed 1..runs (redlua.h, rl_emu_set_order_seed: hashtable sets and
 * hashes and the keyspace iterate in another permutation, and SPOP,
 * SRANDMEMBER, HRANDFIELD, ZRANDMEMBER and RANDOMKEY draw other numbers),
 * every step to the end, and each run's step replies and final database 0
 * are compared with the first run's. The rules (docs/redlua-test.md):
 * replies compare byte for byte, except inside a matcher of the step's
 * expectation that accepts several values: {"unordered"}, {"set"} and
 * {"map"} compare their elements as a multiset, {"any"} and {"glob"} (and an
 * "error" expectation, a glob) do not compare the value. The database
 * compares by content: a set's members and a hash's fields in any order. */
#ifndef REDLUA_HARNESS_DETERMINISM_H
#define REDLUA_HARNESS_DETERMINISM_H

#include <stddef.h>

#include "backend.h"
#include "fixture.h"

#define RL_DETERMINISM_DEFAULT_RUNS 3
#define RL_DETERMINISM_MAX_RUNS 1000

/* Runs case c of f as above on b, which must have has_order_seed (its
 * order_seed is 0 again afterwards). Returns 0 with *report NULL when every
 * run agrees, or with an rl_malloc'd text (no trailing newline) naming the
 * first seed that differs and the first step (or the database) where it
 * does, with both replies, and that step (1-based; 0 for the database) and
 * its fixture line in *step and *line; -1 on a backend failure (b->errstr
 * says why). */
int rl_check_determinism(rl_backend *b, const rl_fixture *f, size_t c, int runs, char **report,
                         int *step, int *line);

#endif
