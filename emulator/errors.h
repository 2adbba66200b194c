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

/* Transactions (multi.c). */
#define RL_ERR_MULTI_NESTED "ERR MULTI calls can not be nested"
#define RL_ERR_EXEC_WITHOUT_MULTI "ERR EXEC without MULTI"
#define RL_ERR_DISCARD_WITHOUT_MULTI "ERR DISCARD without MULTI"
#define RL_ERR_WATCH_IN_MULTI "ERR WATCH inside MULTI is not allowed"
#define RL_ERR_EXECABORT "EXECABORT Transaction discarded because of previous errors."
/* The error that rejected EXEC itself, without its '-' (e.g. the OOM text). */
#define RL_ERRF_EXECABORT_BECAUSE "EXECABORT Transaction discarded because of: %s"
/* A no-multi command (SHUTDOWN) sent inside MULTI. */
#define RL_ERR_NO_MULTI_COMMAND "ERR Command not allowed inside a transaction"

/* Pub/Sub (pubsub.c). The subcommand as typed (length, pointer; at most 128
 * bytes), then the command name in capitals. */
#define RL_ERRF_SUBCOMMAND_SYNTAX \
    "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try %s HELP."

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

/* HyperLogLog (t_hll.c). */
#define RL_ERR_HLL_NOT_HLL "WRONGTYPE Key is not a valid HyperLogLog string value."
#define RL_ERR_HLL_INVALID "INVALIDOBJ Corrupted HLL object detected"
#define RL_ERR_HLL_NO_KEY "ERR The specified key does not exist"
#define RL_ERR_HLL_NOT_SPARSE "ERR HLL encoding is not sparse"
/* The subcommand as (int length, pointer), cut at its first NUL. */
#define RL_ERRF_HLL_PFDEBUG_UNKNOWN "ERR Unknown PFDEBUG subcommand '%.*s'"
/* PFSELFTEST failures (only a broken build can reach them). */
#define RL_ERRF_HLL_TEST_REGISTER "TESTFAILED Register %d should be %d but is %d"
#define RL_ERR_HLL_TEST_SPARSE "TESTFAILED sparse encoding not used"
#define RL_ERR_HLL_TEST_DISAGREE "TESTFAILED dense/sparse disagree"
#define RL_ERRF_HLL_TEST_ERROR "TESTFAILED Too big error. card:%llu abserr:%llu"

/* Bitmaps (bitops.c). */
#define RL_ERR_BIT_OFFSET "ERR bit offset is not an integer or out of range"
#define RL_ERR_BIT_VALUE "ERR bit is not an integer or out of range"
#define RL_ERR_BITPOS_BIT "ERR The bit argument must be 1 or 0."
#define RL_ERR_BITOP_NOT "ERR BITOP NOT must be called with a single source key."
#define RL_ERR_BITFIELD_TYPE                                 \
    "ERR Invalid bitfield type. Use something like i16 u8. " \
    "Note that u64 is not supported but i64 is."
#define RL_ERR_BITFIELD_OVERFLOW "ERR Invalid OVERFLOW type specified"
#define RL_ERR_BITFIELD_RO "ERR BITFIELD_RO only supports the GET subcommand"

/* Lists (t_list.c). */
/* LPOP/RPOP's count: any non-integer or negative value. */
#define RL_ERR_LIST_NOT_POSITIVE "ERR value is out of range, must be positive"
#define RL_ERR_LIST_INDEX_RANGE "ERR index out of range"
#define RL_ERR_LPOS_RANK_ZERO                                                  \
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the " \
    "second ... or use negative to start from the end of the list"
#define RL_ERR_LPOS_COUNT_NEGATIVE "ERR COUNT can't be negative"
#define RL_ERR_LPOS_MAXLEN_NEGATIVE "ERR MAXLEN can't be negative"
#define RL_ERR_LMPOP_NUMKEYS "ERR numkeys should be greater than 0"
#define RL_ERR_LMPOP_COUNT "ERR count should be greater than 0"
/* Blocking commands' timeout in seconds (BLPOP, BLMOVE, BLMPOP...). */
#define RL_ERR_TIMEOUT_NOT_FLOAT "ERR timeout is not a float or out of range"
#define RL_ERR_TIMEOUT_NEGATIVE "ERR timeout is negative"

/* Hashes (t_hash.c). */
#define RL_ERR_HASH_NOT_INTEGER "ERR hash value is not an integer"
#define RL_ERR_HASH_NOT_FLOAT "ERR hash value is not a float"
#define RL_ERR_HASH_INCR_NOT_FINITE "ERR value is NaN or Infinity"
#define RL_ERR_HASH_INCR_NAN "ERR increment would produce NaN or Infinity"
/* HRANDFIELD WITHVALUES with a count beyond +-LONG_MAX/2. */
#define RL_ERR_HASH_RANDFIELD_RANGE "ERR value is out of range"

/* Streams (t_stream.c). */
#define RL_ERR_STREAM_ID_INVALID "ERR Invalid stream ID specified as stream command argument"
#define RL_ERR_XADD_ID_SMALL \
    "ERR The ID specified in XADD is equal or smaller than the target stream top item"
#define RL_ERR_XADD_ID_ZERO "ERR The ID specified in XADD must be greater than 0-0"
#define RL_ERR_STREAM_EXHAUSTED \
    "ERR The stream has exhausted the last possible ID, unable to add more items"
#define RL_ERR_STREAM_TOO_LARGE "ERR Elements are too large to be stored"
#define RL_ERR_STREAM_MAXLEN_MINID \
    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible"
#define RL_ERR_STREAM_MAXLEN_NEGATIVE "ERR The MAXLEN argument must be >= 0."
#define RL_ERR_STREAM_LIMIT_NEGATIVE "ERR The LIMIT argument must be >= 0."
#define RL_ERR_STREAM_LIMIT_NO_STRATEGY \
    "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"
#define RL_ERR_XTRIM_NO_STRATEGY "ERR syntax error, XTRIM must be called with a trimming strategy"
#define RL_ERR_STREAM_LIMIT_NO_APPROX \
    "ERR syntax error, LIMIT cannot be used without the special ~ option"
#define RL_ERR_STREAM_START_ID "ERR invalid start ID for the interval"
#define RL_ERR_STREAM_END_ID "ERR invalid end ID for the interval"
/* The argument is the command name as typed (argv[0]). */
#define RL_ERRF_STREAM_BLOCK_IN_SCRIPT \
    "ERR %s command is not allowed with BLOCK option from scripts"
#define RL_ERR_STREAM_TIMEOUT_NOT_INTEGER "ERR timeout is not an integer or out of range"
#define RL_ERR_XREAD_UNBALANCED                                                       \
    "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be " \
    "specified."
#define RL_ERR_XREAD_GROUP_OPTION \
    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."
#define RL_ERR_XREAD_NOACK_OPTION \
    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."
#define RL_ERR_XREADGROUP_NO_GROUP "ERR Missing GROUP option for XREADGROUP"
/* Key name, group name. */
#define RL_ERRF_XREADGROUP_NOGROUP \
    "NOGROUP No such key '%s' or consumer group '%s' in XREADGROUP with GROUP option"
#define RL_ERR_XREADGROUP_DOLLAR                                                      \
    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the " \
    "history of this consumer by specifying a proper ID, or use the > ID to get new " \
    "messages. The $ ID would just return an empty result set."
#define RL_ERR_XREAD_GT_ID                                                        \
    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP " \
    "<group> <consumer> option."
#define RL_ERR_XGROUP_ENTRIESREAD "ERR value for ENTRIESREAD must be positive or -1"
/* The subcommand as typed (at most 128 bytes), the command name in capitals. */
#define RL_ERRF_STREAM_SUBCOMMAND_SYNTAX \
    "ERR unknown subcommand or wrong number of arguments for '%.128s'. Try %s HELP."
#define RL_ERR_XGROUP_NO_KEY                                                         \
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you " \
    "may want to use the MKSTREAM option to create an empty stream automatically."
/* Group name, key name (XGROUP and XINFO CONSUMERS). */
#define RL_ERRF_XGROUP_NOGROUP "NOGROUP No such consumer group '%s' for key name '%s'"
#define RL_ERR_BUSYGROUP "BUSYGROUP Consumer Group name already exists"
/* Key name, group name (XPENDING, XCLAIM, XAUTOCLAIM). */
#define RL_ERRF_STREAM_NOGROUP "NOGROUP No such key '%s' or consumer group '%s'"
#define RL_ERR_XSETID_ENTRIES_ADDED "ERR entries_added must be positive"
#define RL_ERR_XSETID_SMALLER_THAN_MAXDEL \
    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"
#define RL_ERR_XSETID_SMALLER_THAN_TOP \
    "ERR The ID specified in XSETID is smaller than the target stream top item"
#define RL_ERR_XSETID_ENTRIES_ADDED_SMALL \
    "ERR The entries_added specified in XSETID is smaller than the target stream length"
#define RL_ERR_XCLAIM_MIN_IDLE "ERR Invalid min-idle-time argument for XCLAIM"
#define RL_ERR_XCLAIM_IDLE "ERR Invalid IDLE option argument for XCLAIM"
#define RL_ERR_XCLAIM_TIME "ERR Invalid TIME option argument for XCLAIM"
#define RL_ERR_XCLAIM_RETRYCOUNT "ERR Invalid RETRYCOUNT option argument for XCLAIM"
#define RL_ERRF_XCLAIM_OPTION "ERR Unrecognized XCLAIM option '%s'"
#define RL_ERR_XAUTOCLAIM_MIN_IDLE "ERR Invalid min-idle-time argument for XAUTOCLAIM"
#define RL_ERR_XAUTOCLAIM_COUNT "ERR COUNT must be > 0"
#define RL_ERR_XAUTOCLAIM_MEMORY \
    "ERR Insufficient memory, failed allocating transient memory, COUNT too high."

/* Sets (t_set.c). */
/* SPOP's count: any non-integer or negative value. */
#define RL_ERR_SET_NOT_POSITIVE "ERR value is out of range, must be positive"
#define RL_ERR_SET_NUMKEYS "ERR numkeys should be greater than 0"
#define RL_ERR_SET_LIMIT_NEGATIVE "ERR LIMIT can't be negative"

/* Sorted sets (t_zset.c). The blocking pops use RL_ERR_TIMEOUT_* above. */
#define RL_ERR_ZSET_XX_NX "ERR XX and NX options at the same time are not compatible"
#define RL_ERR_ZSET_GT_LT_NX "ERR GT, LT, and/or NX options at the same time are not compatible"
#define RL_ERR_ZSET_INCR_PAIR "ERR INCR option supports a single increment-element pair"
#define RL_ERR_ZSET_NAN "ERR resulting score is not a number (NaN)"
#define RL_ERR_ZSET_MINMAX_FLOAT "ERR min or max is not a float"
#define RL_ERR_ZSET_MINMAX_LEX "ERR min or max not valid string range item"
#define RL_ERR_ZSET_LIMIT_RANK \
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
#define RL_ERR_ZSET_WITHSCORES_LEX \
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
/* The argument is the command's full name, e.g. "zunionstore". */
#define RL_ERRF_ZSET_NUMKEYS "ERR at least 1 input key is needed for '%s' command"
#define RL_ERR_ZSET_WEIGHT_FLOAT "ERR weight value is not a float"
/* ZINTERCARD's LIMIT: any non-integer or negative value. */
#define RL_ERR_ZSET_LIMIT_NEGATIVE "ERR LIMIT can't be negative"
/* ZPOPMIN/ZPOPMAX's count: any non-integer or negative value. */
#define RL_ERR_ZSET_MUST_BE_POSITIVE "ERR value is out of range, must be positive"
/* ZMPOP/BZMPOP's numkeys and COUNT: any non-integer or value below 1. */
#define RL_ERR_ZSET_NUMKEYS_POSITIVE "ERR numkeys should be greater than 0"
#define RL_ERR_ZSET_COUNT_POSITIVE "ERR count should be greater than 0"
/* ZRANDMEMBER WITHSCORES with a count beyond +-LONG_MAX/2. */
#define RL_ERR_ZSET_VALUE_OUT_OF_RANGE "ERR value is out of range"

/* Sort (t_sort.c). A numeric weight strtod cannot read whole, or NaN / out of range. */
#define RL_ERR_SORT_SCORES "ERR One or more scores can't be converted into double"

/* Keys and server (t_keys.c, SELECT in server.c, rl_arg_int_or_reply). */
/* getIntFromObjectOrReply's range error; the arguments are INT_MIN, INT_MAX as long. */
#define RL_ERRF_INT_RANGE "ERR value is out of range, value must between %ld and %ld"
#define RL_ERR_SAME_OBJECT "ERR source and destination objects are the same"
#define RL_ERR_INVALID_CURSOR "ERR invalid cursor"
#define RL_ERR_SWAPDB_FIRST "ERR invalid first DB index"
#define RL_ERR_SWAPDB_SECOND "ERR invalid second DB index"
/* The argument is the command's full name, e.g. "expire", "pexpireat". */
#define RL_ERRF_KEYS_EXPIRE_TIME "ERR invalid expire time in '%s' command"
/* The option is passed as (int length, pointer), cut at its first NUL. */
#define RL_ERRF_EXPIRE_OPTION "ERR Unsupported option %.*s"
#define RL_ERR_EXPIRE_NX_COMBO "ERR NX and XX, GT or LT options at the same time are not compatible"
#define RL_ERR_EXPIRE_GT_LT "ERR GT and LT options at the same time are not compatible"

/* Scripting (scripts.c: EVAL, EVALSHA, SCRIPT). */
#define RL_ERR_NOSCRIPT "NOSCRIPT No matching script. Please use EVAL."
#define RL_ERR_NUMKEYS_TOO_BIG "ERR Number of keys can't be greater than number of args"
#define RL_ERR_NUMKEYS_NEGATIVE "ERR Number of keys can't be negative"
/* The argument is Lua's compiler message, e.g. "user_script:1: unexpected symbol near '+'". */
#define RL_ERRF_SCRIPT_COMPILE "ERR Error compiling script (new function): %s"
#define RL_ERR_SHEBANG_INVALID "ERR Invalid script shebang"
#define RL_ERR_SHEBANG_NO_ENGINE "ERR Invalid engine in script shebang"
#define RL_ERRF_SHEBANG_ENGINE "ERR Unexpected engine in script shebang: %s"
#define RL_ERRF_SHEBANG_OPTION "ERR Unknown lua shebang option: %s"
#define RL_ERRF_SHEBANG_FLAG "ERR Unexpected flag in script shebang: %s"
#define RL_ERR_SCRIPT_RO_WRITE_FLAG \
    "ERR Can not execute a script with write flag using *_ro command."
#define RL_ERR_SCRIPT_FLUSH_OPTION "ERR SCRIPT FLUSH only support SYNC|ASYNC option"
#define RL_ERR_SCRIPT_NOTBUSY "NOTBUSY No scripts in execution right now."
/* Appended to a runtime error: script name (sha), source ("@user_script"), line. */
#define RL_ERRF_SCRIPT_ERROR_SUFFIX " script: %s, on %s:%s."
/* A script failed with an error object the error handler could not turn into
 * a table (e.g. "error in error handling"): sha, then the message (<= 100 bytes). */
#define RL_ERRF_SCRIPT_RUN "ERR Error running script %s, %.100s"
/* redlua's own text: error() with a table lacking a string 'err' field
 * crashes Redis 7.0 (SIGSEGV); the emulator answers this error instead,
 * followed by the usual " script: <sha>, on @user_script:<line>." suffix. */
#define RL_ERR_SCRIPT_ERROR_TABLE "ERR Script raised an error table without a string 'err' field"
/* redlua's own text: the script ran longer than rl_emu_set_script_timeout_ms
 * allows (Redis never stops a script by itself; it answers BUSY to others).
 * The argument is the limit in ms. */
#define RL_ERRF_SCRIPT_TIMEOUT "ERR Script killed by redlua: it exceeded the time limit of %lld ms"

/* A script past busy-reply-threshold (docs/lua.md, "Limits"): what other
 * clients' commands get while an EVAL or a function runs (Redis's
 * shared.slowevalerr and shared.slowscripterr). */
#define RL_ERR_BUSY_SCRIPT \
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
#define RL_ERR_BUSY_FUNCTION \
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
/* SCRIPT KILL / FUNCTION KILL of a script that already ran a write command. */
#define RL_ERR_SCRIPT_UNKILLABLE                                                            \
    "UNKILLABLE Sorry the script already executed write commands against the dataset. You " \
    "can either wait the script termination or kill the server in a hard way using the "    \
    "SHUTDOWN NOSAVE command."
/* What the killed script's caller gets (for EVAL and FCALL alike), followed
 * by the " script: <name>, on <source>:<line>." suffix. */
#define RL_ERR_SCRIPT_KILLED "ERR Script killed by user with SCRIPT KILL..."
/* redlua's own texts for SHUTDOWN, after which Redis exits and closes every
 * connection without a reply. The emulator cannot exit: SHUTDOWN NOSAVE
 * while a script is busy stops the script (its caller gets the first text,
 * with the usual suffix) and answers the second; SHUTDOWN otherwise answers
 * the third. */
#define RL_ERR_SCRIPT_SHUTDOWN \
    "ERR Script killed by redlua: another client sent SHUTDOWN NOSAVE (Redis would exit)"
#define RL_ERR_SHUTDOWN_BUSY_EMULATED \
    "ERR redlua stopped the busy script but does not exit on SHUTDOWN NOSAVE"
#define RL_ERR_SHUTDOWN_UNSUPPORTED "ERR redlua does not exit on SHUTDOWN"
/* A command sent, from the busy callback, by the client whose script is
 * running: Redis reads nothing from that connection until the script ends. */
#define RL_ERR_BUSY_CALLER \
    "ERR redlua: this client is running the busy script; send commands from another client"
/* SCRIPT DEBUG with an unknown mode (Redis's text), and redlua's answer to
 * YES and SYNC: the Lua debugger needs an interactive client (redis-cli
 * --ldb) and is not emulated. */
#define RL_ERR_SCRIPT_DEBUG_MODE "ERR Use SCRIPT DEBUG YES/SYNC/NO"
#define RL_ERR_SCRIPT_DEBUG_UNSUPPORTED \
    "ERR redlua has no Lua debugger: SCRIPT DEBUG YES and SYNC are not supported"
/* SHUTDOWN ABORT: no shutdown is ever in progress. */
#define RL_ERR_SHUTDOWN_NOT_IN_PROGRESS "ERR No shutdown in progress."

/* Limits (server.c, lua_redis.c, scripts.c): maxmemory reached, for a
 * deny-oom command, a shebang script without allow-oom, or a script's first
 * deny-oom call. */
#define RL_ERR_OOM "OOM command not allowed when used memory > 'maxmemory'."
/* A script whose Lua heap would pass the Lua memory limit fails with
 * RL_ERRF_SCRIPT_RUN and Lua's "not enough memory", as Redis answers a
 * failed Lua allocation. Not a reply: what rl_emu_last_traceback says then. */
#define RL_ERRF_LUA_MEMORY_LIMIT_NOTE \
    "(the Lua heap reached redlua's Lua memory limit of %lld bytes)"

/* Cluster mode (cluster.c, and the commands Redis refuses on a cluster
 * node: server.c, t_keys.c, t_sort.c, scripts.c, functions.c). */
#define RL_ERR_CLUSTER_CROSSSLOT "CROSSSLOT Keys in request don't hash to the same slot"
#define RL_ERR_CLUSTER_DISABLED "ERR This instance has cluster support disabled"
#define RL_ERR_CLUSTER_SCRIPT_NON_LOCAL \
    "ERR Script attempted to access a non local key in a cluster node"
#define RL_ERR_CLUSTER_SCRIPT_CROSS_SLOT \
    "ERR Script attempted to access keys that do not hash to the same slot"
#define RL_ERR_CLUSTER_NO_CLUSTER_SCRIPT \
    "ERR Can not run script on cluster, 'no-cluster' flag is set."
#define RL_ERR_CLUSTER_SELECT "ERR SELECT is not allowed in cluster mode"
#define RL_ERR_CLUSTER_MOVE "ERR MOVE is not allowed in cluster mode"
#define RL_ERR_CLUSTER_SWAPDB "ERR SWAPDB is not allowed in cluster mode"
#define RL_ERR_CLUSTER_COPY_DB "ERR Copying to another database is not allowed in cluster mode"
#define RL_ERR_CLUSTER_SORT_BY "ERR BY option of SORT denied in Cluster mode."
#define RL_ERR_CLUSTER_SORT_GET "ERR GET option of SORT denied in Cluster mode."

/* Scripting: error tables raised or returned by the redis.* Lua API
 * (lua_redis.c), as {err="<text>"}, shown with their code. */
#define RL_ERR_LUA_UNKNOWN_COMMAND "ERR Unknown Redis command called from script"
#define RL_ERR_LUA_WRONG_ARITY "ERR Wrong number of args calling Redis command from script"
#define RL_ERR_LUA_NOSCRIPT_COMMAND "ERR This Redis command is not allowed from script"
#define RL_ERR_LUA_READONLY_WRITE "ERR Write commands are not allowed from read-only scripts."
#define RL_ERR_LUA_NO_ARGS "ERR Please specify at least one argument for this redis lib call"
#define RL_ERR_LUA_BAD_ARG "ERR Lua redis lib command arguments must be strings or integers"
#define RL_ERR_LUA_ARGS_NUMBER_OR_TYPE "ERR wrong number or type of arguments"
#define RL_ERR_LUA_ARGS_NUMBER "ERR wrong number of arguments"
#define RL_ERR_LUA_LOG_ARGC "ERR redis.log() requires two arguments or more."
#define RL_ERR_LUA_LOG_LEVEL_TYPE "ERR First argument must be a number (log level)."
#define RL_ERR_LUA_LOG_LEVEL "ERR Invalid debug level."
#define RL_ERR_LUA_SETRESP_ARGC "ERR redis.setresp() requires one argument."
#define RL_ERR_LUA_SETRESP_VERSION "ERR RESP version must be 2 or 3."
#define RL_ERR_LUA_SET_REPL_ARGC "ERR redis.set_repl() requires two arguments."
#define RL_ERR_LUA_SET_REPL_FLAGS \
    "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE."
#define RL_ERR_LUA_ACL_CHECK_CMD "ERR Invalid command passed to redis.acl_check_cmd()"
/* Raised when redis.* is used while no script runs (unreachable from scripts). */
#define RL_ERR_LUA_OUTSIDE_SCRIPT \
    "ERR redis.call/pcall can only be called inside a script invocation"
/* An element of a script's reply nested deeper than the Lua stack allows. */
#define RL_ERR_LUA_STACK_LIMIT "ERR reached lua stack limit"

/* The code the error handler puts before an error value that is not a
 * table ({err = 'ERR ' .. tostring(value)}). */
#define RL_ERR_LUA_VALUE_PREFIX "ERR "

/* Scripting: Lua error messages raised as strings (Lua adds the position
 * "user_script:N: " where it applies, the error handler adds "ERR "). */
#define RL_ERRF_LUA_NONEXISTENT_GLOBAL "Script attempted to access nonexistent global variable '%s'"
#define RL_ERR_LUA_READONLY_TABLE "Attempt to modify a readonly table"
/* Lua 5.1's tonumber with a base outside 2..36 (luaB_tonumber; the
 * argument error names the function and argument). */
#define RL_ERR_LUA_TONUMBER_BASE "base out of range"
/* Reading _G with a key that is neither a string nor a number. */
#define RL_ERR_LUA_GLOBAL_KEY_TYPE \
    "Second argument to luaProtectedTableError must be a string or number"
#define RL_ERR_LUA_RANDOM_ARGS "wrong number of arguments"
#define RL_ERR_LUA_RANDOM_INTERVAL "interval is empty"

/* Lua sandbox (lua_env.c): the texts of Lua 5.1's own base and table
 * functions, which redlua reimplements on both engines to keep read-only
 * tables and bytecode out of reach. */
#define RL_ERR_LUA_INSERT_ARGS "wrong number of arguments to 'insert'"
#define RL_ERR_LUA_YIELD_BOUNDARY "attempt to yield across metamethod/C-call boundary"
#define RL_ERR_LUA_DUMP "unable to dump given function"
#define RL_ERR_LUA_READER_TYPE "reader function must return a string"
#define RL_ERR_LUA_READER_NESTED "too many nested functions"
#define RL_ERR_LUA_SETMETATABLE_ARG "nil or table expected"
#define RL_ERR_LUA_PROTECTED_METATABLE "cannot change a protected metatable"
#define RL_ERR_LUA_SETN "'setn' is obsolete"
#define RL_ERR_LUA_NEXT_KEY "invalid key to 'next'"
/* What the text parser says about a chunk starting with ESC (a precompiled
 * chunk, which Redis's Lua never loads). The argument is the chunk's name
 * as Lua 5.1 shows it ([string "..."]). */
#define RL_ERRF_LUA_BYTECODE "%s:1: unexpected symbol near 'char(27)'"

/* Functions (functions.c: FUNCTION, FCALL, FCALL_RO). Wrong subcommand
 * arity (FLUSH, RESTORE) uses RL_ERRF_STREAM_SUBCOMMAND_SYNTAX. */
#define RL_ERRF_FN_UNKNOWN_OPTION "ERR Unknown option given: %s"
#define RL_ERR_FN_CODE_MISSING "ERR Function code is missing"
#define RL_ERR_FN_MISSING_METADATA "ERR Missing library metadata"
#define RL_ERR_FN_INVALID_METADATA "ERR Invalid library metadata"
#define RL_ERR_FN_NAME_TWICE "ERR Invalid metadata value, name argument was given multiple times"
/* The metadata word as a C string. */
#define RL_ERRF_FN_METADATA_VALUE "ERR Invalid metadata value given: %s"
#define RL_ERR_FN_NO_LIBRARY_NAME "ERR Library name was not given"
/* Bad library names and bad function names alike. */
#define RL_ERR_FN_BAD_NAME                                                                \
    "ERR Library names can only contain letters, numbers, or underscores(_) and must be " \
    "at least one character long"
/* The engine as (int length, pointer). */
#define RL_ERRF_FN_ENGINE_NOT_FOUND "ERR Engine '%.*s' not found"
/* FUNCTION LOAD quotes the library name, FUNCTION RESTORE does not. */
#define RL_ERRF_FN_LIBRARY_EXISTS "ERR Library '%s' already exists"
#define RL_ERRF_FN_RESTORE_LIBRARY_EXISTS "ERR Library %s already exists"
#define RL_ERR_FN_NO_FUNCTIONS "ERR No functions registered"
#define RL_ERRF_FN_FUNCTION_EXISTS "ERR Function %s already exists"
/* Lua's compiler message, e.g. "user_function:2: unexpected symbol near '+'". */
#define RL_ERRF_FN_COMPILE "ERR Error compiling function: %s"
/* The error raised by the library's code: "ERR " + a Lua error string, or
 * the err field of an error table. */
#define RL_ERRF_FN_REGISTER "ERR Error registering functions: %s"
/* Raised (as an error table) when the library's code runs over 500 ms. */
#define RL_ERR_FN_LOAD_TIMEOUT "ERR FUNCTION LOAD timeout"
#define RL_ERR_FN_NOT_FOUND "ERR Function not found"
#define RL_ERR_FN_BAD_NUMKEYS "ERR Bad number of keys provided"
#define RL_ERR_FN_LIBRARY_NOT_FOUND "ERR Library not found"
#define RL_ERR_FN_FLUSH_OPTION "ERR FUNCTION FLUSH only supports SYNC|ASYNC option"
#define RL_ERR_FN_LIST_NO_PATTERN "ERR library name argument was not given"
/* The argument as a C string. */
#define RL_ERRF_FN_LIST_ARGUMENT "ERR Unknown argument %s"
#define RL_ERR_FN_RESTORE_POLICY \
    "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."
#define RL_ERR_FN_RESTORE_CHECKSUM "ERR DUMP payload version or checksum are wrong"
#define RL_ERR_FN_RESTORE_TYPE "ERR given type is not a function"
#define RL_ERR_FN_RESTORE_PAYLOAD "ERR Failed loading library payload"
/* The fields of the pre-GA record (RDB opcode 0xF6, Redis 7.0 rc1/rc2). */
#define RL_ERR_FN_RESTORE_NAME "ERR Failed loading library name"
#define RL_ERR_FN_RESTORE_ENGINE "ERR Failed loading engine name"
#define RL_ERR_FN_RESTORE_DESC_FLAG "ERR Failed loading library description indicator"
#define RL_ERR_FN_RESTORE_DESC "ERR Failed loading library description"
#define RL_ERR_FN_RESTORE_BLOB "ERR Failed loading library blob"
/* redis.register_function: error tables raised at FUNCTION LOAD (shown after
 * "Error registering functions: ") or, the last one, when called later. */
#define RL_ERR_FN_REG_ARGC "ERR wrong number of arguments to redis.register_function"
#define RL_ERR_FN_REG_SINGLE                                              \
    "ERR calling redis.register_function with a single argument is only " \
    "applicable to Lua table (representing named arguments)."
#define RL_ERR_FN_REG_NAME "ERR first argument to redis.register_function must be a string"
#define RL_ERR_FN_REG_CALLBACK "ERR second argument to redis.register_function must be a function"
#define RL_ERR_FN_REG_KEY "ERR named argument key given to redis.register_function is not a string"
#define RL_ERR_FN_REG_NAMED_NAME \
    "ERR function_name argument given to redis.register_function must be a string"
#define RL_ERR_FN_REG_NAMED_DESC \
    "ERR description argument given to redis.register_function must be a string"
#define RL_ERR_FN_REG_NAMED_CALLBACK \
    "ERR callback argument given to redis.register_function must be a function"
#define RL_ERR_FN_REG_FLAGS \
    "ERR flags argument to redis.register_function must be a table representing function flags"
#define RL_ERR_FN_REG_UNKNOWN_FLAG "ERR unknown flag given"
#define RL_ERR_FN_REG_UNKNOWN_ARG "ERR unknown argument given to redis.register_function"
#define RL_ERR_FN_REG_NO_NAME "ERR redis.register_function must get a function name argument"
#define RL_ERR_FN_REG_NO_CALLBACK "ERR redis.register_function must get a callback argument"
#define RL_ERR_FN_REG_DUPLICATE "ERR Function already exists in the library"
#define RL_ERR_FN_REG_AFTER_LOAD \
    "ERR redis.register_function can only be called on FUNCTION LOAD command"

/* Lua libraries (lua_cjson.c, lua_cmsgpack.c, lua_struct.c, lua_bit.c,
 * lua_libs.c): Lua error messages, raised as strings. luaL_error adds the
 * position ("user_script:N: ") and the error handler the "ERR " code;
 * argument checks become "bad argument #n to 'f' (<text>)". */
/* An encoder's buffer cannot grow (redlua's own text; needs > SIZE_MAX/2). */
#define RL_ERR_LUALIB_BUFFER_SIZE "not enough memory"
/* luaL_checkstack's text when growing an encoder's buffer (redlua's own). */
#define RL_ERR_LUALIB_BUFFER_STACK "string buffer"
/* cjson: the arguments are a Lua type name and one of the reasons below. */
#define RL_ERRF_CJSON_SERIALISE "Cannot serialise %s: %s"
#define RL_ERR_CJSON_SPARSE "excessively sparse array"
#define RL_ERR_CJSON_NAN_INF "must not be NaN or Inf"
#define RL_ERR_CJSON_KEY_TYPE "table key must be a number or string"
#define RL_ERR_CJSON_TYPE "type not supported"
#define RL_ERRF_CJSON_NESTING "Cannot serialise, excessive nesting (%d)"
/* What was expected, what was found (a token name or a tokenizer error),
 * the 1-based byte position. */
#define RL_ERRF_CJSON_EXPECTED "Expected %s but found %s at character %d"
#define RL_ERRF_CJSON_DEPTH "Found too many nested data structures (%d) at character %d"
/* What the decoder expected, by context. */
#define RL_ERR_CJSON_EXPECT_VALUE "value"
#define RL_ERR_CJSON_EXPECT_KEY "object key string"
#define RL_ERR_CJSON_EXPECT_COLON "colon"
#define RL_ERR_CJSON_EXPECT_OBJECT_NEXT "comma or object end"
#define RL_ERR_CJSON_EXPECT_ARRAY_NEXT "comma or array end"
#define RL_ERR_CJSON_EXPECT_END "the end"
/* What it found instead, when that is not a token (token names are T_*). */
#define RL_ERR_CJSON_BAD_TOKEN "invalid token"
#define RL_ERR_CJSON_BAD_NUMBER "invalid number"
#define RL_ERR_CJSON_STRING_END "unexpected end of string"
#define RL_ERR_CJSON_BAD_ESCAPE "invalid escape code"
#define RL_ERR_CJSON_BAD_UNICODE "invalid unicode escape code"
#define RL_ERR_CJSON_UTF16 "JSON parser does not support UTF-16 or UTF-32"
#define RL_ERR_CJSON_ONE_ARG "expected 1 argument"
#define RL_ERR_CJSON_TOO_MANY_ARGS "found too many arguments"
#define RL_ERRF_CJSON_INT_RANGE "expected integer between %d and %d"
/* cmsgpack. */
#define RL_ERR_CMSGPACK_NO_INPUT "MessagePack pack needs input."
#define RL_ERR_CMSGPACK_TOO_MANY_ARGS "Too many arguments for MessagePack pack."
#define RL_ERR_CMSGPACK_MISSING_BYTES "Missing bytes in input."
#define RL_ERR_CMSGPACK_BAD_FORMAT "Bad data format in input."
/* Offset, then (as lua-cmsgpack prints it) the input length, not the limit. */
#define RL_ERRF_CMSGPACK_BAD_REQUEST "Invalid request to unpack with offset of %d and limit of %d."
#define RL_ERRF_CMSGPACK_OFFSET "Start offset %d greater than input length %d."
#define RL_ERR_CMSGPACK_RESULTS \
    "too many return values at once; use unpack_one or unpack_limit instead."
#define RL_ERR_CMSGPACK_STACK_ARRAY "in function mp_decode_to_lua_array"
#define RL_ERR_CMSGPACK_STACK_ENC_ARRAY "in function mp_encode_lua_table_as_array"
#define RL_ERR_CMSGPACK_STACK_ENC_MAP "in function mp_encode_lua_table_as_map"
#define RL_ERR_CMSGPACK_STACK_IS_ARRAY "in function table_is_an_array"
#define RL_ERR_CMSGPACK_STACK_PACK "in function mp_check"
#define RL_ERR_CMSGPACK_STACK_UNPACK "in function mp_unpack_full"
/* struct. */
#define RL_ERR_STRUCT_SIZE_OVERFLOW "integral size overflow"
#define RL_ERRF_STRUCT_INT_SIZE "integral size %d is larger than limit of %d"
#define RL_ERRF_STRUCT_ALIGN "alignment %d is not a power of 2"
#define RL_ERRF_STRUCT_OPTION "invalid format option '%c'"
#define RL_ERR_STRUCT_STRING_SHORT "string too short"
#define RL_ERR_STRUCT_OFFSET "offset must be 1 or greater"
#define RL_ERR_STRUCT_DATA_SHORT "data string too short"
#define RL_ERR_STRUCT_RESULTS "too many results"
#define RL_ERR_STRUCT_C0 "format 'c0' needs a previous size"
#define RL_ERR_STRUCT_UNFINISHED "unfinished string in data"
#define RL_ERR_STRUCT_S_SIZE "option 's' has no fixed size"
#define RL_ERR_STRUCT_C0_SIZE "option 'c0' has no fixed size"
/* bit: luaL_typerror's expected type. */
#define RL_ERR_BIT_TYPE "number"

#endif
