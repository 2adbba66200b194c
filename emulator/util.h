/* Conversions between strings and numbers exactly as Redis's util.c does
 * them, and Redis's glob matcher. All take (pointer, length): binary safe. */
#ifndef REDLUA_EMULATOR_UTIL_H
#define REDLUA_EMULATOR_UTIL_H

#include <stddef.h>

/* Buffer sizes for the formatters below. */
#define RL_LONG_STR_SIZE 21
#define RL_MAX_LONG_DOUBLE_CHARS (5 * 1024)

/* Strict: no spaces, no '+', no leading zeros, fits in int64. 1 on success. */
int rl_string2ll(const char *s, size_t len, long long *value);
/* Redis's string2l: as rl_string2ll but into a long. */
int rl_string2l(const char *s, size_t len, long *value);
/* Writes v in decimal; returns the length. */
int rl_ll2string(char *buf, size_t size, long long v);
/* strtod over the whole string: no leading space, no NaN, no overflow. */
int rl_string2d(const char *s, size_t len, double *value);
/* 1 with *value set when s is an optional '-' and 1 to 15 decimal digits:
 * the double strtod gives such text, found without it (exact, since every
 * integer below 2^53 is a double). 0 for any other text, which the caller
 * then reads with strtod as before. */
int rl_small_int2d(const char *s, size_t len, double *value);
/* 1 with *value set to the infinity strtod reads when s is exactly "inf",
 * "+inf" or "-inf" (the spellings clients use); 0 for any other text. */
int rl_inf2d(const char *s, size_t len, double *value);
/* strtold likewise (Redis's string2ld). */
int rl_string2ld(const char *s, size_t len, long double *value);

typedef enum { RL_LD_STR_AUTO, RL_LD_STR_HUMAN, RL_LD_STR_HEX } rl_ld2string_mode;
/* Redis's ld2string; returns the length, 0 if buf is too small. */
int rl_ld2string(char *buf, size_t size, long double value, rl_ld2string_mode mode);
/* "%.17g", with "inf" / "-inf" (Redis's reply and score format). */
int rl_d2string(char *buf, size_t size, double value);

/* Redis's stringmatchlen: glob with * ? [..] [^..] ranges and \ escapes. */
int rl_stringmatchlen(const char *pattern, size_t patlen, const char *s, size_t slen, int nocase);

#endif
