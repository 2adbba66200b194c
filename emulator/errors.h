/* Every error reply text the emulator produces, with its code and without
 * the leading '-' or the trailing CRLF, exactly as Redis 7.0 sends it.
 * RL_ERRF_* are printf formats. No other error literal may appear in
 * the emulator's .c files (tests/check_error_literals.sh enforces it). Group entries by
 * the module that raises them; each is proven against redis-server by the
 * differential tests. */
#ifndef REDLUA_EMULATOR_ERRORS_H
#define REDLUA_EMULATOR_ERRORS_H

/* Dispatcher. */
/* The name is passed as (int length, pointer): at most 128 bytes, cut at a NUL. */
#define RL_ERRF_UNKNOWN_COMMAND "ERR unknown command '%.*s', with args beginning with: %s"
#define RL_ERRF_UNKNOWN_SUBCOMMAND "ERR unknown subcommand '%.*s'. Try %s HELP."
#define RL_ERRF_WRONG_ARITY "ERR wrong number of arguments for '%s' command"

/* Shared by many commands. */
#define RL_ERR_WRONGTYPE "WRONGTYPE Operation against a key holding the wrong kind of value"
#define RL_ERR_SYNTAX "ERR syntax error"
#define RL_ERR_NOT_INTEGER "ERR value is not an integer or out of range"
#define RL_ERR_NOT_FLOAT "ERR value is not a valid float"
#define RL_ERR_OVERFLOW "ERR increment or decrement would overflow"
#define RL_ERR_NO_SUCH_KEY "ERR no such key"
#define RL_ERR_DB_INDEX "ERR DB index is out of range"

/* Strings (t_string.c). */
/* The argument is the command's full name, e.g. "set", "getex". */
#define RL_ERRF_STRING_EXPIRE_TIME "ERR invalid expire time in '%s' command"
#define RL_ERR_STRING_TOO_LONG "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
#define RL_ERR_STRING_OFFSET_RANGE "ERR offset is out of range"
#define RL_ERR_STRING_DECR_OVERFLOW "ERR decrement would overflow"
#define RL_ERR_STRING_INCR_NAN "ERR increment would produce NaN or Infinity"
#define RL_ERR_LCS_NOT_STRINGS "ERR The specified keys must contain string values"
#define RL_ERR_LCS_LEN_AND_IDX "ERR If you want both the length and indexes, please just use IDX."
#define RL_ERR_LCS_TOO_LONG "ERR String too long for LCS"
#define RL_ERR_LCS_MEMORY \
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"

/* Bitmaps (bitops.c). */
#define RL_ERR_BIT_OFFSET "ERR bit offset is not an integer or out of range"
#define RL_ERR_BIT_VALUE "ERR bit is not an integer or out of range"
#define RL_ERR_BITPOS_BIT "ERR The bit argument must be 1 or 0."
#define RL_ERR_BITOP_NOT "ERR BITOP NOT must be called with a single source key."
#define RL_ERR_BITFIELD_TYPE                                   \
    "ERR Invalid bitfield type. Use something like i16 u8. " \
    "Note that u64 is not supported but i64 is."
#define RL_ERR_BITFIELD_OVERFLOW "ERR Invalid OVERFLOW type specified"
#define RL_ERR_BITFIELD_RO "ERR BITFIELD_RO only supports the GET subcommand"

#endif
