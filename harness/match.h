/* Matching replies against the fixture's JSON notation
 * (docs/fixture-format.md, "Replies as JSON" and matchers).
 *
 * Expected values are rl_json trees from the fixture; rl_match_check
 * validates one at load time, so the matchers can assume a valid tree. */
#ifndef REDLUA_HARNESS_MATCH_H
#define REDLUA_HARNESS_MATCH_H

#include <stddef.h>

#include "fixture.h"
#include "reply.h"

/* The glob of the contract: '*' any run of bytes, '?' one byte, a
 * backslash escapes the next character, everything else matches itself.
 * Returns 1 on a match. */
int rl_glob_match(const char *pat, size_t plen, const char *s, size_t slen);

/* Checks that v is a valid expected reply value. Returns NULL if it is, or
 * the offending node with a message in msg. */
const rl_json *rl_match_check(const rl_json *v, char *msg, size_t msglen);

/* 1 if the reply matches the expected value (validated by rl_match_check). */
int rl_match_reply(const rl_json *expected, const rl_reply *actual);

/* Keyspace values. The actual value is given as the runner reads it:
 * string: a bulk; list: an array; set: an array (compared in any order);
 * hash: an array of field, value, field, value...; zset: an array of
 * [member, score] arrays with scores as bulks; stream: the XRANGE array.
 * type is "string", "hash", ... as TYPE answers. Returns 1 on a match. */
int rl_match_key_value(const char *type, const rl_json *expected, const rl_reply *actual);

/* Checks that v is a valid expected value for a key of type `type`; same
 * convention as rl_match_check. */
const rl_json *rl_match_check_key_value(const char *type, const rl_json *v, char *msg,
                                        size_t msglen);

#endif
