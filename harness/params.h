/* Named parameters: a script that declares %key and %arg can be called with
 * {"name": value, ...} instead of positional KEYS and ARGV, each value
 * converted by its declared type as redis-lua converts it; and the reply
 * of a %return dict|list script (JSON text) can be compared with a JSON
 * value. Used by the fixture parser, the runner and `redlua run`. */
#ifndef REDLUA_HARNESS_PARAMS_H
#define REDLUA_HARNESS_PARAMS_H

#include <stddef.h>

#include "fixture.h"
#include "loader.h"
#include "report.h"

/* Binds params (a JSON object) to s's declarations. On success returns 0
 * and sets *argv / *argvlen (rl_malloc'd arrays of rl_malloc'd strings,
 * keys in KEYS order then args in ARGV order; free each with rl_free),
 * *argc and *numkeys. On failure returns -1, sets *bad to the JSON node at
 * fault and writes the reason to msg. */
int rl_params_bind(const rl_loaded_script *s, const rl_json *params, int *argc, char ***argv,
                   size_t **argvlen, int *numkeys, const rl_json **bad, char *msg, size_t msglen);

/* Appends v as compact JSON ({"a":1,"b":[true,null]}), as json.dumps with
 * separators (',', ':') writes it, numbers as written in the source. */
void rl_params_json_encode(rl_buf *out, const rl_json *v);

/* 1 if the len bytes at text are JSON equal to expected: objects with the
 * same members in any order, arrays in order, numbers by value. 0
 * otherwise, with the reason in why. */
int rl_params_json_matches(const rl_json *expected, const char *text, size_t len, char *why,
                           size_t whylen);

/* 1 for %return dict and %return list: replies are JSON text to decode. */
int rl_params_returns_json(const rl_loaded_script *s);

#endif
