/* The string type's API, shared by the string commands (t_string.c) and the
 * bitmap commands (bitops.c), which work on the same values. */
#ifndef REDLUA_EMULATOR_T_STRING_H
#define REDLUA_EMULATOR_T_STRING_H

#include "server.h"

/* 1 if the option argument a names name (lower case ASCII),
 * case-insensitively. Redis compares
 * option names as C strings, so a is cut at its first NUL byte first: "NX\0z"
 * is NX there, and is here. */
int rl_string_opt_is(const rl_arg *a, const char *name);

/* Redis's checkStringLength: replies RL_ERR_STRING_TOO_LONG and returns
 * RL_ERR when a string of size bytes grown by append bytes would exceed
 * proto-max-bulk-len, else returns RL_OK. */
int rl_string_check_length(rl_client *c, long long size, long long append);

/* Looks key up for writing. Returns 1 (after replying WRONGTYPE) when it
 * holds another type; else 0 with *out set to its string, NULL when the key
 * is missing. The pointer is borrowed until the next write to the keyspace. */
int rl_string_lookup_write(rl_client *c, const rl_arg *key, rl_str **out);

#endif
