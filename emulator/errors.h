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

#endif
