/* multi_diff: transactions and several clients, on the emulator and on a
 * throwaway redis-server. Each sequence below runs on up to three clients
 * (a, b, c: emulator clients from rl_emu_client_new, separate connections to
 * the server), once in RESP2 and once in RESP3, and every reply is compared
 * as the RESP bytes its client receives.
 *
 * Steps whose first word starts with '!' are driver actions, done on both
 * sides: "!maxmemory N" (CONFIG SET on the server, rl_emu_set_maxmemory on
 * the emulator) and "!sleep MS" (the server's clock runs for MS ms, the
 * emulator's is advanced by MS). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "diff_server.h"
#include "mem.h"
#include "redlua.h"
#include "reply.h"

#define MAX_ARGS 12
#define NCLIENTS 3

typedef struct step {
    char client; /* 'a', 'b', 'c'; 0 ends a sequence */
    const char *argv[MAX_ARGS];
} step;

typedef struct sequence {
    const char *name;
    const step *steps;
} sequence;

#define END      \
    {            \
        0,       \
        {        \
            NULL \
        }        \
    }

/* Queueing, the errors of the transaction commands, EXECABORT. */
static const step seq_basics[] = {
    { 'a', { "MULTI" } },
    { 'a', { "MULTI" } },
    { 'a', { "WATCH", "x" } },
    { 'a', { "SET", "k", "v" } },
    { 'a', { "GET", "k" } },
    { 'a', { "EXEC" } },
    { 'a', { "EXEC" } },
    { 'a', { "DISCARD" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "MULTI" } },
    { 'a', { "SET", "k", "w" } },
    { 'a', { "DISCARD" } },
    { 'a', { "GET", "k" } },
    { 'a', { "MULTI" } },
    { 'a', { "NOPE", "x" } },
    { 'a', { "SET", "k", "never" } },
    { 'a', { "EXEC" } },
    { 'a', { "GET", "k" } },
    { 'a', { "MULTI" } },
    { 'a', { "SET", "k" } },
    { 'a', { "EXEC" } },
    { 'a', { "MULTI" } },
    { 'a', { "SCRIPT", "NOPE" } },
    { 'a', { "EXEC" } },
    /* A no-multi command is refused and flags the transaction. */
    { 'a', { "MULTI" } },
    { 'a', { "SHUTDOWN", "NOSAVE" } },
    { 'a', { "SET", "k", "never" } },
    { 'a', { "EXEC" } },
    /* UNWATCH is queued like any command; it runs at EXEC. */
    { 'a', { "WATCH", "k" } },
    { 'a', { "MULTI" } },
    { 'a', { "UNWATCH" } },
    { 'a', { "EXEC" } },
    { 'a', { "UNWATCH" } },
    { 'a', { "WATCH" } },
    END,
};

/* Runtime errors are elements of EXEC's array; nothing is rolled back. */
static const step seq_runtime_errors[] = {
    { 'a', { "SET", "s", "text" } },
    { 'a', { "MULTI" } },
    { 'a', { "INCR", "s" } },
    { 'a', { "SET", "n", "1" } },
    { 'a', { "INCR", "n" } },
    { 'a', { "LPUSH", "s", "x" } },
    { 'a', { "HSET", "h", "f", "v", "g", "w" } },
    { 'a', { "HGETALL", "h" } },
    { 'a', { "ZADD", "z", "1.5", "m" } },
    { 'a', { "ZSCORE", "z", "m" } },
    { 'a', { "EXPIRE", "n", "100" } },
    { 'a', { "EXPIRE", "n", "x" } },
    { 'a', { "PING" } },
    { 'a', { "ECHO", "hi" } },
    { 'a', { "PUBLISH", "ch", "m" } },
    { 'a', { "EXEC" } },
    { 'a', { "MGET", "s", "n" } },
    END,
};

/* SELECT inside MULTI, and the database the client keeps afterwards. */
static const step seq_select[] = {
    { 'a', { "MULTI" } },       { 'a', { "SELECT", "2" } },  { 'a', { "SET", "k", "db2" } },
    { 'a', { "SELECT", "x" } }, { 'a', { "SELECT", "99" } }, { 'a', { "GET", "k" } },
    { 'a', { "EXEC" } },        { 'a', { "GET", "k" } },     { 'b', { "GET", "k" } },
    { 'b', { "SELECT", "2" } }, { 'b', { "GET", "k" } },     END,
};

/* Blocking commands inside MULTI answer at once. */
static const step seq_blocking[] = {
    { 'a', { "MULTI" } },
    { 'a', { "BLPOP", "nolist", "0" } },
    { 'a', { "BRPOP", "nolist", "0" } },
    { 'a', { "BLMOVE", "nolist", "dst", "LEFT", "RIGHT", "0" } },
    { 'a', { "BRPOPLPUSH", "nolist", "dst", "0" } },
    { 'a', { "BZPOPMIN", "nz", "0" } },
    { 'a', { "BLMPOP", "0", "1", "nolist", "LEFT" } },
    { 'a', { "XREAD", "BLOCK", "0", "STREAMS", "nos", "$" } },
    { 'a', { "RPUSH", "l", "x" } },
    { 'a', { "BLPOP", "l", "0" } },
    { 'a', { "EXEC" } },
    END,
};

/* WATCH: a write from another client, from the same client before MULTI,
 * writes that change nothing, UNWATCH, DISCARD, keys in other databases. */
static const step seq_watch[] = {
    { 'a', { "SET", "k", "1" } },
    { 'a', { "WATCH", "k" } },
    { 'b', { "SET", "k", "2" } },
    { 'a', { "MULTI" } },
    { 'a', { "GET", "k" } },
    { 'a', { "EXEC" } },
    /* Untouched: EXEC runs. */
    { 'a', { "WATCH", "k", "other" } },
    { 'b', { "GET", "k" } },
    { 'a', { "MULTI" } },
    { 'a', { "INCR", "k" } },
    { 'a', { "EXEC" } },
    /* The same client touches its own watched key before MULTI. */
    { 'a', { "WATCH", "k" } },
    { 'a', { "SET", "k", "5" } },
    { 'a', { "MULTI" } },
    { 'a', { "GET", "k" } },
    { 'a', { "EXEC" } },
    /* The dirty flag outlives an EXEC without MULTI and a second WATCH. */
    { 'a', { "WATCH", "k" } },
    { 'b', { "APPEND", "k", "x" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "k2" } },
    { 'a', { "MULTI" } },
    { 'a', { "PING" } },
    { 'a', { "EXEC" } },
    /* UNWATCH clears it. */
    { 'a', { "WATCH", "k" } },
    { 'b', { "SET", "k", "6" } },
    { 'a', { "UNWATCH" } },
    { 'a', { "MULTI" } },
    { 'a', { "GET", "k" } },
    { 'a', { "EXEC" } },
    /* DISCARD unwatches too. */
    { 'a', { "WATCH", "k" } },
    { 'a', { "MULTI" } },
    { 'a', { "DISCARD" } },
    { 'b', { "SET", "k", "7" } },
    { 'a', { "MULTI" } },
    { 'a', { "GET", "k" } },
    { 'a', { "EXEC" } },
    /* Writes that do not change the key: DEL of a missing key, SREM of a
     * missing member, a WRONGTYPE error, SET NX on an existing key. */
    { 'a', { "WATCH", "k", "missing", "set" } },
    { 'b', { "DEL", "missing" } },
    { 'b', { "SREM", "set", "m" } },
    { 'b', { "LPUSH", "k", "x" } },
    { 'b', { "SET", "k", "8", "NX" } },
    { 'b', { "EXPIRE", "missing", "10" } },
    { 'a', { "MULTI" } },
    { 'a', { "GET", "k" } },
    { 'a', { "EXEC" } },
    /* SET of the same value touches the key. */
    { 'a', { "WATCH", "k" } },
    { 'b', { "SET", "k", "7" } },
    { 'a', { "MULTI" } },
    { 'a', { "GET", "k" } },
    { 'a', { "EXEC" } },
    /* A key of the same name in another database is another key. */
    { 'a', { "WATCH", "k" } },
    { 'b', { "SELECT", "1" } },
    { 'b', { "SET", "k", "in-db1" } },
    { 'a', { "MULTI" } },
    { 'a', { "GET", "k" } },
    { 'a', { "EXEC" } },
    /* A key watched after SELECT is watched in that database. */
    { 'a', { "SELECT", "1" } },
    { 'a', { "WATCH", "k" } },
    { 'a', { "SELECT", "0" } },
    { 'b', { "SET", "k", "again" } },
    { 'a', { "MULTI" } },
    { 'a', { "GET", "k" } },
    { 'a', { "EXEC" } },
    END,
};

/* In-place writes to every type are seen; so are deletions and creations.
 * A stream's consumer groups and XSETID are not (Redis 7.0 does not signal
 * them). */
static const step seq_watch_types[] = {
    { 'a', { "RPUSH", "l", "a", "b" } },
    { 'a', { "HSET", "h", "f", "1" } },
    { 'a', { "SADD", "s", "m" } },
    { 'a', { "ZADD", "z", "1", "m" } },
    { 'a', { "XADD", "x", "1-1", "f", "v" } },
    { 'a', { "WATCH", "l" } },
    { 'b', { "LSET", "l", "0", "z" } },
    { 'a', { "MULTI" } },
    { 'a', { "LRANGE", "l", "0", "-1" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "h" } },
    { 'b', { "HINCRBY", "h", "f", "1" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "s" } },
    { 'b', { "SADD", "s", "m2" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "z" } },
    { 'b', { "ZINCRBY", "z", "2", "m" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "x" } },
    { 'b', { "XGROUP", "CREATE", "x", "g", "0" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "x" } },
    { 'b', { "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "x", ">" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "x" } },
    { 'b', { "XSETID", "x", "5-5" } },
    { 'b', { "XACK", "x", "g", "1-1" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "x" } },
    { 'b', { "XADD", "x", "6-1", "f", "v" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "x" } },
    { 'b', { "XDEL", "x", "1-1" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "new" } },
    { 'b', { "RPUSH", "new", "x" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "l" } },
    { 'b', { "DEL", "l" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "h" } },
    { 'b', { "RENAME", "h", "h2" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "h2" } },
    { 'b', { "MOVE", "h2", "3" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "s" } },
    { 'b', { "EXPIRE", "s", "1000" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "s" } },
    { 'b', { "PERSIST", "s" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "WATCH", "z" } },
    { 'b', { "ZADD", "z", "3", "m" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    /* Reads change nothing. */
    { 'a', { "WATCH", "z", "x", "s" } },
    { 'b', { "ZRANGE", "z", "0", "-1" } },
    { 'b', { "XRANGE", "x", "-", "+" } },
    { 'b', { "SISMEMBER", "s", "m" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    END,
};

/* FLUSHDB, FLUSHALL and SWAPDB touch the watched keys that exist. */
static const step seq_watch_flush[] = {
    { 'a', { "SET", "k", "1" } },
    { 'a', { "WATCH", "k" } },
    { 'b', { "FLUSHDB" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    /* A missing key: flushing changes nothing. */
    { 'a', { "WATCH", "k" } },
    { 'b', { "FLUSHALL" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    /* FLUSHDB of another database. */
    { 'a', { "SET", "k", "1" } },
    { 'a', { "WATCH", "k" } },
    { 'b', { "SELECT", "5" } },
    { 'b', { "FLUSHDB" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    /* SWAPDB: the key exists on one side. */
    { 'a', { "WATCH", "k" } },
    { 'b', { "SWAPDB", "0", "5" } },
    { 'a', { "MULTI" } },
    { 'a', { "GET", "k" } },
    { 'a', { "EXEC" } },
    /* SWAPDB: the key exists on both sides with the same value. */
    { 'a', { "SET", "k", "same" } },
    { 'b', { "SET", "k", "same" } },
    { 'a', { "WATCH", "k" } },
    { 'b', { "SWAPDB", "5", "0" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    /* SWAPDB: on neither side. */
    { 'a', { "WATCH", "nothere" } },
    { 'b', { "SWAPDB", "0", "5" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    /* SWAPDB of a database with itself. */
    { 'a', { "WATCH", "k" } },
    { 'b', { "SWAPDB", "0", "0" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    END,
};

/* Several watchers: one write makes every one of them fail. */
static const step seq_watch_many[] = {
    { 'a', { "WATCH", "k" } },
    { 'b', { "WATCH", "k" } },
    { 'c', { "SET", "k", "1" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'b', { "MULTI" } },
    { 'b', { "EXEC" } },
    /* A's EXEC touches the key B watches. */
    { 'a', { "WATCH", "k" } },
    { 'b', { "WATCH", "k" } },
    { 'a', { "MULTI" } },
    { 'a', { "INCR", "k" } },
    { 'a', { "EXEC" } },
    { 'b', { "MULTI" } },
    { 'b', { "INCR", "k" } },
    { 'b', { "EXEC" } },
    { 'c', { "GET", "k" } },
    END,
};

/* The signals of every write command, as Redis 7.0 gives them: client a
 * WATCHes a key, client b runs one command, then a runs an empty
 * transaction, whose EXEC answers an empty array when Redis did not count
 * the command as a change of the key and a null array when it did. Many
 * cases write a value the key already has: Redis counts most of those
 * (signalModifiedKey is called whatever the content), but not all. */
#define WATCH_CASE(key, ...)                                                   \
    { 'a', { "WATCH", key } }, { 'b', { __VA_ARGS__ } }, { 'a', { "MULTI" } }, \
    {                                                                          \
        'a',                                                                   \
        {                                                                      \
            "EXEC"                                                             \
        }                                                                      \
    }

static const step seq_signal_strings[] = {
    { 'c', { "SET", "k", "v" } },
    WATCH_CASE("k", "GET", "k"),
    WATCH_CASE("k", "SET", "k", "v"),
    WATCH_CASE("k", "SET", "k", "w", "NX"),
    WATCH_CASE("new", "SET", "new", "w", "XX"),
    WATCH_CASE("k", "SET", "k", "v", "GET"),
    WATCH_CASE("k", "SET", "k", "v", "KEEPTTL"),
    WATCH_CASE("k", "SETNX", "k", "v"),
    WATCH_CASE("n1", "SETNX", "n1", "v"),
    WATCH_CASE("k", "SETEX", "k", "1000", "v"),
    WATCH_CASE("k", "PSETEX", "k", "1000000", "v"),
    WATCH_CASE("k", "GETSET", "k", "v"),
    WATCH_CASE("k", "GETEX", "k"),
    WATCH_CASE("k", "GETEX", "k", "PERSIST"),
    WATCH_CASE("k", "GETEX", "k", "PERSIST"),
    WATCH_CASE("k", "GETEX", "k", "PXAT", "4000000000000"),
    WATCH_CASE("k", "GETEX", "k", "PXAT", "4000000000000"),
    WATCH_CASE("k", "GETEX", "k", "PERSIST"),
    WATCH_CASE("k", "GETEX", "k", "EXAT", "1"),
    WATCH_CASE("k", "GETEX", "k", "EX", "100"),
    { 'c', { "SET", "k", "v" } },
    WATCH_CASE("k", "GETDEL", "k"),
    WATCH_CASE("k", "GETDEL", "k"),
    { 'c', { "SET", "k", "v" } },
    WATCH_CASE("k", "MSET", "k", "v", "other", "x"),
    WATCH_CASE("k", "MSETNX", "k", "v", "fresh", "x"),
    WATCH_CASE("k2", "MSETNX", "k2", "v", "fresh", "x"),
    WATCH_CASE("k", "APPEND", "k", ""),
    WATCH_CASE("e", "APPEND", "e", ""),
    WATCH_CASE("k", "SETRANGE", "k", "0", "v"),
    WATCH_CASE("k", "SETRANGE", "k", "0", ""),
    WATCH_CASE("k", "SETRANGE", "k", "5", ""),
    WATCH_CASE("m", "SETRANGE", "m", "0", ""),
    WATCH_CASE("k", "SETRANGE", "k", "-1", "x"),
    WATCH_CASE("k", "STRLEN", "k"),
    { 'c', { "SET", "n", "5" } },
    WATCH_CASE("n", "INCR", "n"),
    WATCH_CASE("n", "DECR", "n"),
    WATCH_CASE("n", "INCRBY", "n", "0"),
    WATCH_CASE("n", "DECRBY", "n", "0"),
    WATCH_CASE("n", "INCRBYFLOAT", "n", "0"),
    WATCH_CASE("k", "INCR", "k"),
    WATCH_CASE("n", "INCRBY", "n", "9223372036854775807"),
    WATCH_CASE("c0", "INCRBY", "c0", "0"),
    END,
};

static const step seq_signal_bits[] = {
    { 'c', { "SETBIT", "b", "3", "1" } },
    WATCH_CASE("b", "SETBIT", "b", "3", "1"),
    WATCH_CASE("b", "SETBIT", "b", "4", "0"),
    WATCH_CASE("b", "SETBIT", "b", "3", "0"),
    WATCH_CASE("b", "SETBIT", "b", "100", "0"),
    WATCH_CASE("b", "GETBIT", "b", "3"),
    WATCH_CASE("b", "BITFIELD", "b", "GET", "u8", "0"),
    WATCH_CASE("b", "BITFIELD", "b", "SET", "u8", "0", "0"),
    WATCH_CASE("b", "BITFIELD", "b", "SET", "u8", "0", "7"),
    WATCH_CASE("b", "BITFIELD", "b", "INCRBY", "u8", "0", "0"),
    WATCH_CASE("b", "BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "10"),
    WATCH_CASE("b", "BITFIELD", "b", "SET", "u8", "800", "0"),
    WATCH_CASE("nb", "BITFIELD", "nb", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "10"),
    WATCH_CASE("nb", "STRLEN", "nb"),
    WATCH_CASE("nb2", "BITFIELD", "nb2", "SET", "u8", "0", "0"),
    WATCH_CASE("b", "BITFIELD_RO", "b", "GET", "u8", "0"),
    { 'c', { "SET", "src", "abc" } },
    WATCH_CASE("dst", "BITOP", "AND", "dst", "src"),
    WATCH_CASE("dst", "BITOP", "AND", "dst", "src"),
    WATCH_CASE("dst", "BITOP", "OR", "dst", "nosrc"),
    WATCH_CASE("dst", "BITOP", "OR", "dst", "nosrc"),
    WATCH_CASE("src", "BITCOUNT", "src"),
    END,
};

static const step seq_signal_hll[] = {
    { 'c', { "PFADD", "h", "a", "b" } },   WATCH_CASE("h", "PFADD", "h", "a"),
    WATCH_CASE("h", "PFADD", "h"),         WATCH_CASE("h", "PFADD", "h", "c"),
    WATCH_CASE("h", "PFCOUNT", "h"),       WATCH_CASE("h", "PFCOUNT", "h"),
    WATCH_CASE("h2", "PFADD", "h2"),       WATCH_CASE("h", "PFDEBUG", "TODENSE", "h"),
    WATCH_CASE("h", "PFMERGE", "h", "h"),  WATCH_CASE("hm", "PFMERGE", "hm"),
    WATCH_CASE("h", "PFCOUNT", "h", "h2"), END,
};

static const step seq_signal_lists[] = {
    { 'c', { "RPUSH", "l", "a", "b", "c" } },
    WATCH_CASE("l", "LRANGE", "l", "0", "-1"),
    WATCH_CASE("l", "LPUSH", "l", "x"),
    WATCH_CASE("l", "RPUSH", "l", "y"),
    WATCH_CASE("nl", "LPUSHX", "nl", "x"),
    WATCH_CASE("l", "RPUSHX", "l", "z"),
    WATCH_CASE("l", "LPOP", "l"),
    WATCH_CASE("l", "RPOP", "l", "1"),
    WATCH_CASE("l", "LPOP", "l", "0"),
    WATCH_CASE("nl", "LPOP", "nl"),
    WATCH_CASE("l", "LSET", "l", "0", "a"),
    WATCH_CASE("l", "LSET", "l", "0", "a"),
    WATCH_CASE("l", "LSET", "l", "99", "a"),
    WATCH_CASE("l", "LINSERT", "l", "BEFORE", "nope", "q"),
    WATCH_CASE("l", "LINSERT", "l", "AFTER", "a", "q"),
    WATCH_CASE("l", "LTRIM", "l", "0", "-1"),
    WATCH_CASE("nl", "LTRIM", "nl", "0", "-1"),
    WATCH_CASE("l", "LREM", "l", "0", "nope"),
    WATCH_CASE("l", "LREM", "l", "1", "q"),
    WATCH_CASE("l", "LPOS", "l", "a"),
    WATCH_CASE("l", "LMOVE", "l", "l", "LEFT", "RIGHT"),
    WATCH_CASE("l", "LMOVE", "l", "d", "LEFT", "RIGHT"),
    WATCH_CASE("d", "LMOVE", "l", "d", "LEFT", "RIGHT"),
    WATCH_CASE("d", "LMOVE", "nl", "d", "LEFT", "RIGHT"),
    WATCH_CASE("d", "RPOPLPUSH", "l", "d"),
    /* Blocking pops only where there is something to pop (Redis would
     * block otherwise). */
    { 'c', { "RPUSH", "l", "a", "b", "c", "d", "e", "f" } },
    WATCH_CASE("l", "BLPOP", "l", "0"),
    WATCH_CASE("l", "BRPOP", "nl", "l", "0"),
    WATCH_CASE("d", "BLMOVE", "d", "l", "LEFT", "LEFT", "0"),
    WATCH_CASE("l", "BRPOPLPUSH", "d", "l", "0"),
    WATCH_CASE("l", "LMPOP", "2", "nl", "l", "LEFT", "COUNT", "2"),
    WATCH_CASE("l", "BLMPOP", "0", "1", "l", "RIGHT"),
    WATCH_CASE("l", "LMPOP", "1", "nl", "LEFT"),
    WATCH_CASE("l", "EXISTS", "l"),
    END,
};

static const step seq_signal_hashes[] = {
    { 'c', { "HSET", "h", "f", "1", "g", "x" } },
    WATCH_CASE("h", "HGET", "h", "f"),
    WATCH_CASE("h", "HSET", "h", "f", "1"),
    WATCH_CASE("h", "HMSET", "h", "f", "1", "g", "x"),
    WATCH_CASE("h", "HSETNX", "h", "f", "2"),
    WATCH_CASE("h", "HSETNX", "h", "new", "2"),
    WATCH_CASE("h", "HDEL", "h", "nope"),
    WATCH_CASE("h", "HDEL", "h", "new", "nope"),
    WATCH_CASE("h", "HINCRBY", "h", "f", "0"),
    WATCH_CASE("h", "HINCRBYFLOAT", "h", "f", "0"),
    WATCH_CASE("h", "HINCRBY", "h", "g", "1"),
    WATCH_CASE("h", "HINCRBYFLOAT", "h", "g", "1"),
    WATCH_CASE("nh", "HINCRBY", "nh", "f", "0"),
    WATCH_CASE("nh", "HDEL", "nh", "f"),
    WATCH_CASE("h", "HGETALL", "h"),
    END,
};

static const step seq_signal_sets[] = {
    { 'c', { "SADD", "s", "a", "b", "c" } },
    { 'c', { "SADD", "t", "a" } },
    WATCH_CASE("s", "SISMEMBER", "s", "a"),
    WATCH_CASE("s", "SADD", "s", "a", "b"),
    WATCH_CASE("s", "SADD", "s", "a", "d"),
    WATCH_CASE("s", "SREM", "s", "nope"),
    WATCH_CASE("s", "SREM", "s", "nope", "d"),
    WATCH_CASE("s", "SMOVE", "s", "s", "a"),
    WATCH_CASE("s", "SMOVE", "s", "t", "nope"),
    WATCH_CASE("t", "SMOVE", "s", "t", "a"),
    { 'c', { "SADD", "s", "a" } },
    WATCH_CASE("s", "SMOVE", "s", "t", "a"),
    WATCH_CASE("t", "SMOVE", "s", "t", "b"),
    WATCH_CASE("s", "SPOP", "s", "0"),
    WATCH_CASE("ns", "SPOP", "ns"),
    /* Only pops whose reply is not random. */
    { 'c', { "SADD", "p1", "only" } },
    { 'c', { "SADD", "p2", "only" } },
    { 'c', { "SADD", "p", "1", "2", "3", "4", "5", "6", "7", "8" } },
    WATCH_CASE("p1", "SPOP", "p1"),
    WATCH_CASE("p2", "SPOP", "p2", "1"),
    WATCH_CASE("p", "SPOP", "p", "10"),
    { 'c', { "SADD", "s", "a", "b" } },
    WATCH_CASE("st", "SINTERSTORE", "st", "s", "t"),
    WATCH_CASE("st", "SINTERSTORE", "st", "s", "t"),
    WATCH_CASE("st", "SINTERSTORE", "st", "s", "nope"),
    WATCH_CASE("st", "SINTERSTORE", "st", "s", "nope"),
    WATCH_CASE("su", "SUNIONSTORE", "su", "s", "t"),
    WATCH_CASE("su", "SUNIONSTORE", "su", "nope"),
    WATCH_CASE("su", "SUNIONSTORE", "su", "nope"),
    WATCH_CASE("sd", "SDIFFSTORE", "sd", "s", "t"),
    WATCH_CASE("sd", "SDIFFSTORE", "sd", "s", "s"),
    WATCH_CASE("sd", "SDIFFSTORE", "sd", "s", "s"),
    WATCH_CASE("s", "SINTERCARD", "1", "s"),
    END,
};

static const step seq_signal_zsets[] = {
    { 'c', { "ZADD", "z", "1", "a", "2", "b", "3", "c" } },
    WATCH_CASE("z", "ZSCORE", "z", "a"),
    WATCH_CASE("z", "ZADD", "z", "1", "a"),
    WATCH_CASE("z", "ZADD", "z", "CH", "1", "a", "2", "b"),
    WATCH_CASE("z", "ZADD", "z", "NX", "5", "a"),
    WATCH_CASE("z", "ZADD", "z", "GT", "0", "a"),
    WATCH_CASE("z", "ZADD", "z", "LT", "0.5", "a"),
    WATCH_CASE("z", "ZADD", "z", "XX", "1", "new"),
    WATCH_CASE("nz", "ZADD", "nz", "XX", "1", "a"),
    WATCH_CASE("z", "ZADD", "z", "4", "d"),
    WATCH_CASE("z", "ZINCRBY", "z", "0", "a"),
    WATCH_CASE("z", "ZADD", "z", "INCR", "0", "a"),
    WATCH_CASE("z", "ZINCRBY", "z", "1", "a"),
    WATCH_CASE("z", "ZADD", "z", "XX", "INCR", "1", "new"),
    WATCH_CASE("z", "ZREM", "z", "nope"),
    WATCH_CASE("z", "ZREM", "z", "nope", "d"),
    WATCH_CASE("z", "ZREMRANGEBYSCORE", "z", "100", "200"),
    WATCH_CASE("z", "ZREMRANGEBYRANK", "z", "10", "20"),
    WATCH_CASE("z", "ZREMRANGEBYLEX", "z", "[x", "[y"),
    { 'c', { "ZADD", "z", "10", "e", "11", "f", "12", "g" } },
    WATCH_CASE("z", "ZREMRANGEBYSCORE", "z", "10", "10"),
    WATCH_CASE("z", "ZREMRANGEBYRANK", "z", "-1", "-1"),
    WATCH_CASE("z", "ZREMRANGEBYLEX", "z", "-", "(b"),
    WATCH_CASE("z", "ZPOPMIN", "z", "0"),
    WATCH_CASE("nz", "ZPOPMAX", "nz"),
    WATCH_CASE("z", "ZPOPMIN", "z"),
    WATCH_CASE("z", "ZPOPMAX", "z", "1"),
    { 'c', { "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d" } },
    WATCH_CASE("z", "BZPOPMIN", "nz", "z", "0"),
    WATCH_CASE("z", "BZPOPMAX", "z", "0"),
    WATCH_CASE("z", "ZMPOP", "1", "z", "MIN"),
    WATCH_CASE("z", "BZMPOP", "0", "2", "nz", "z", "MAX", "COUNT", "1"),
    { 'c', { "ZADD", "z", "1", "a", "2", "b", "3", "c" } },
    { 'c', { "ZADD", "y", "1", "a" } },
    WATCH_CASE("zr", "ZRANGESTORE", "zr", "z", "0", "-1"),
    WATCH_CASE("zr", "ZRANGESTORE", "zr", "z", "0", "-1"),
    WATCH_CASE("zr", "ZRANGESTORE", "zr", "z", "5", "6"),
    WATCH_CASE("zr", "ZRANGESTORE", "zr", "z", "5", "6"),
    WATCH_CASE("zu", "ZUNIONSTORE", "zu", "2", "z", "y"),
    WATCH_CASE("zu", "ZUNIONSTORE", "zu", "2", "z", "y"),
    WATCH_CASE("zi", "ZINTERSTORE", "zi", "2", "z", "y"),
    WATCH_CASE("zi", "ZINTERSTORE", "zi", "2", "z", "nope"),
    WATCH_CASE("zi", "ZINTERSTORE", "zi", "2", "z", "nope"),
    WATCH_CASE("zd", "ZDIFFSTORE", "zd", "2", "z", "y"),
    WATCH_CASE("zd", "ZDIFFSTORE", "zd", "2", "z", "z"),
    WATCH_CASE("z", "ZUNION", "2", "z", "y"),
    END,
};

/* Redis 7.0 signals a stream only from XADD, XDEL, XTRIM and XGROUP CREATE
 * MKSTREAM. */
static const step seq_signal_streams[] = {
    { 'c', { "XADD", "x", "1-1", "f", "v" } },
    { 'c', { "XADD", "x", "2-1", "f", "v" } },
    WATCH_CASE("x", "XLEN", "x"),
    WATCH_CASE("x", "XADD", "x", "3-1", "f", "v"),
    WATCH_CASE("x", "XADD", "x", "1-1", "f", "v"),
    WATCH_CASE("nx", "XADD", "nx", "NOMKSTREAM", "1-1", "f", "v"),
    WATCH_CASE("x", "XADD", "x", "MAXLEN", "2", "4-1", "f", "v"),
    WATCH_CASE("x", "XDEL", "x", "9-9"),
    WATCH_CASE("x", "XDEL", "x", "9-9", "3-1"),
    WATCH_CASE("x", "XTRIM", "x", "MAXLEN", "5"),
    WATCH_CASE("x", "XTRIM", "x", "MINID", "3"),
    { 'c', { "XADD", "x", "5-1", "f", "v" } },
    WATCH_CASE("x", "XTRIM", "x", "MINID", "5"),
    WATCH_CASE("x", "XGROUP", "CREATE", "x", "g", "0"),
    WATCH_CASE("x", "XGROUP", "CREATE", "x", "g2", "$", "MKSTREAM"),
    WATCH_CASE("ny", "XGROUP", "CREATE", "ny", "g", "$", "MKSTREAM"),
    WATCH_CASE("x", "XGROUP", "CREATECONSUMER", "x", "g", "c1"),
    WATCH_CASE("x", "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "x", ">"),
    WATCH_CASE("x", "XACK", "x", "g", "4-1"),
    WATCH_CASE("x", "XCLAIM", "x", "g", "c2", "0", "5-1"),
    WATCH_CASE("x", "XAUTOCLAIM", "x", "g", "c1", "0", "0"),
    WATCH_CASE("x", "XGROUP", "SETID", "x", "g", "0"),
    WATCH_CASE("x", "XGROUP", "DELCONSUMER", "x", "g", "c2"),
    WATCH_CASE("x", "XGROUP", "DESTROY", "x", "g2"),
    WATCH_CASE("x", "XSETID", "x", "99-0"),
    WATCH_CASE("x", "XINFO", "STREAM", "x"),
    END,
};

static const step seq_signal_keys[] = {
    { 'c', { "SET", "k", "v" } },
    WATCH_CASE("k", "TYPE", "k"),
    WATCH_CASE("k", "TOUCH", "k"),
    WATCH_CASE("nk", "DEL", "nk"),
    WATCH_CASE("k", "DEL", "nk", "k"),
    { 'c', { "SET", "k", "v" } },
    WATCH_CASE("k", "UNLINK", "k"),
    { 'c', { "SET", "k", "v" } },
    WATCH_CASE("k", "RENAME", "k", "k"),
    WATCH_CASE("k", "RENAMENX", "k", "k"),
    WATCH_CASE("k2", "RENAME", "k", "k2"),
    WATCH_CASE("k2", "RENAME", "k2", "k"),
    WATCH_CASE("k", "RENAME", "nk", "k"),
    { 'c', { "SET", "k2", "w" } },
    WATCH_CASE("k2", "RENAMENX", "k", "k2"),
    WATCH_CASE("k", "RENAMENX", "k", "k3"),
    WATCH_CASE("k3", "COPY", "k3", "k4"),
    WATCH_CASE("k4", "COPY", "k3", "k4"),
    WATCH_CASE("k4", "COPY", "k3", "k4", "REPLACE"),
    WATCH_CASE("k3", "COPY", "k3", "k4", "DB", "1"),
    { 'a', { "SELECT", "1" } },
    WATCH_CASE("k4", "COPY", "k3", "k4", "DB", "1"),
    WATCH_CASE("k4", "COPY", "k3", "k4", "DB", "1", "REPLACE"),
    WATCH_CASE("k3", "MOVE", "k3", "1"),
    { 'c', { "DEL", "k4" } },
    WATCH_CASE("k4", "MOVE", "k4", "1"),
    WATCH_CASE("k3", "EXISTS", "k3"),
    { 'a', { "SELECT", "0" } },
    WATCH_CASE("k3", "MOVE", "k3", "1"),
    { 'c', { "SET", "e", "v" } },
    WATCH_CASE("e", "PERSIST", "e"),
    WATCH_CASE("e", "EXPIREAT", "e", "4000000000"),
    WATCH_CASE("e", "EXPIREAT", "e", "4000000000"),
    WATCH_CASE("e", "PEXPIREAT", "e", "4000000000000"),
    WATCH_CASE("e", "EXPIREAT", "e", "4000000000", "NX"),
    WATCH_CASE("e", "EXPIREAT", "e", "3000000000", "GT"),
    WATCH_CASE("e", "EXPIREAT", "e", "5000000000", "LT"),
    WATCH_CASE("e", "EXPIRE", "e", "100000", "XX"),
    WATCH_CASE("e", "TTL", "e"),
    WATCH_CASE("e", "PERSIST", "e"),
    WATCH_CASE("ne", "EXPIRE", "ne", "100"),
    WATCH_CASE("e", "PEXPIRE", "e", "abc"),
    WATCH_CASE("e", "PEXPIREAT", "e", "1"),
    WATCH_CASE("e", "EXISTS", "e"),
    END,
};

static const step seq_signal_sort[] = {
    { 'c', { "RPUSH", "l", "3", "1", "2" } },
    WATCH_CASE("l", "SORT", "l"),
    WATCH_CASE("l", "SORT_RO", "l"),
    WATCH_CASE("dst", "SORT", "l", "STORE", "dst"),
    WATCH_CASE("dst", "SORT", "l", "STORE", "dst"),
    WATCH_CASE("l", "SORT", "l", "STORE", "l"),
    WATCH_CASE("dst", "SORT", "nl", "STORE", "dst"),
    WATCH_CASE("dst", "SORT", "nl", "STORE", "dst"),
    END,
};

/* Scripts write through the same commands. */
static const step seq_signal_scripts[] = {
    { 'c', { "HSET", "h", "f", "v" } },
    { 'c', { "SADD", "s", "m" } },
    WATCH_CASE("h", "EVAL", "return redis.call('hset', KEYS[1], 'f', 'v')", "1", "h"),
    WATCH_CASE("s", "EVAL", "return redis.call('sadd', KEYS[1], 'm')", "1", "s"),
    WATCH_CASE("s", "EVAL", "return redis.call('sadd', KEYS[1], 'm2')", "1", "s"),
    WATCH_CASE("s", "FCALL", "nofunc", "1", "s"),
    { 'b',
      { "FUNCTION", "LOAD",
        "#!lua name=w\nredis.register_function('w', function(k) "
        "return redis.call('lpush', k[1], 'x') end)" } },
    WATCH_CASE("q", "FCALL", "w", "1", "q"),
    /* A transaction of another client writes a watched key at its EXEC. */
    { 'a', { "WATCH", "h" } },
    { 'b', { "MULTI" } },
    { 'b', { "HSET", "h", "f", "v" } },
    { 'b', { "EXEC" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    END,
};

/* Expiry of a watched key (real time on the server, the clock on the
 * emulator). The margins are wide: a key that had already expired at WATCH
 * time (a server stalled for 300 ms) would not fail the EXEC on Redis. */
static const step seq_watch_expire[] = {
    { 'a', { "SET", "k", "v", "PX", "300" } },
    { 'a', { "WATCH", "k" } },
    { 'a', { "!sleep", "500" } },
    { 'a', { "MULTI" } },
    { 'a', { "GET", "k" } },
    { 'a', { "EXEC" } },
    /* Expired and read (deleted) before EXEC. */
    { 'a', { "SET", "k", "v", "PX", "300" } },
    { 'a', { "WATCH", "k" } },
    { 'a', { "!sleep", "500" } },
    { 'b', { "GET", "k" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    END,
};

/* Scripts in transactions. */
static const step seq_scripts[] = {
    { 'a', { "SET", "s", "text" } },
    { 'a', { "MULTI" } },
    { 'a', { "EVAL", "return 1", "0" } },
    { 'a', { "EVAL", "return redis.call('incr', KEYS[1])", "1", "n" } },
    { 'a', { "EVAL", "return redis.call('incr', KEYS[1])", "1", "s" } },
    { 'a', { "EVAL", "error", "0" } },
    { 'a', { "EVAL", "return 1", "x" } },
    { 'a', { "EVAL", "return 1", "5" } },
    { 'a', { "EVALSHA", "0123456789012345678901234567890123456789", "0" } },
    { 'a', { "EVALSHA", "short", "0" } },
    { 'a', { "SCRIPT", "LOAD", "return 'loaded'" } },
    { 'a', { "EVALSHA", "b534286061d4b9e4026607613b95c06c06015ae8", "0" } },
    { 'a', { "EVAL", "return redis.pcall('exec')", "0" } },
    { 'a', { "EVAL", "return {redis.call('get', 'n'), redis.call('select', '3')}", "0" } },
    { 'a', { "EVAL_RO", "return redis.call('set', 'ro', '1')", "0" } },
    { 'a', { "EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'n')", "0" } },
    { 'a', { "EVAL", "return redis.call('blpop', 'nolist', 0)", "0" } },
    { 'a', { "GET", "n" } },
    { 'a', { "EXEC" } },
    { 'a', { "MULTI" } },
    { 'a', { "EVAL", "return 1" } },
    { 'a', { "EXEC" } },
    /* A script in a transaction touches another client's watched key. */
    { 'b', { "WATCH", "n" } },
    { 'a', { "MULTI" } },
    { 'a', { "EVAL", "return redis.call('incr', 'n')", "0" } },
    { 'a', { "EXEC" } },
    { 'b', { "MULTI" } },
    { 'b', { "EXEC" } },
    /* A script outside a transaction that changes nothing does not. */
    { 'b', { "WATCH", "n" } },
    { 'a', { "EVAL", "return redis.call('get', 'n')", "0" } },
    { 'a', { "EVAL", "return redis.pcall('lpush', 'n', 'x')", "0" } },
    { 'b', { "MULTI" } },
    { 'b', { "EXEC" } },
    END,
};

/* The transaction commands refused inside scripts. */
static const step seq_scripts_refuse[] = {
    { 'a', { "EVAL", "return redis.call('multi')", "0" } },
    { 'a', { "EVAL", "return redis.pcall('exec')", "0" } },
    { 'a', { "EVAL", "return redis.pcall('discard')", "0" } },
    { 'a', { "EVAL", "return redis.pcall('watch', 'k')", "0" } },
    { 'a', { "EVAL", "return redis.pcall('unwatch')", "0" } },
    { 'a',
      { "FUNCTION", "LOAD",
        "#!lua name=lib\nredis.register_function('f', function() "
        "return redis.pcall('multi') end)" } },
    { 'a', { "FCALL", "f", "0" } },
    { 'a', { "MULTI" } },
    { 'a', { "FCALL", "f", "0" } },
    { 'a', { "FCALL", "nofunc", "0" } },
    { 'a', { "EXEC" } },
    END,
};

/* maxmemory: inside MULTI every command but EXEC and DISCARD is refused. */
static const step seq_oom[] = {
    { 'a', { "SET", "k", "v" } },
    { 'a', { "MULTI" } },
    { 'a', { "!maxmemory", "1" } },
    { 'a', { "GET", "k" } },
    { 'a', { "EXEC" } },
    { 'a', { "MULTI" } },
    { 'a', { "DISCARD" } },
    { 'a', { "MULTI" } },
    { 'a', { "EXEC" } },
    { 'a', { "!maxmemory", "0" } },
    /* Deny-oom commands queued, then OOM: EXEC itself is refused. */
    { 'a', { "MULTI" } },
    { 'a', { "SET", "k", "v2" } },
    { 'a', { "!maxmemory", "1" } },
    { 'a', { "EXEC" } },
    { 'a', { "!maxmemory", "0" } },
    { 'a', { "GET", "k" } },
    /* Only reads queued: EXEC runs. */
    { 'a', { "MULTI" } },
    { 'a', { "GET", "k" } },
    { 'a', { "!maxmemory", "1" } },
    { 'a', { "EXEC" } },
    { 'a', { "!maxmemory", "0" } },
    /* A script without a shebang is not deny-oom; with one it is. */
    { 'a', { "MULTI" } },
    { 'a', { "EVAL", "return 1", "0" } },
    { 'a', { "!maxmemory", "1" } },
    { 'a', { "EXEC" } },
    { 'a', { "!maxmemory", "0" } },
    { 'a', { "MULTI" } },
    { 'a', { "EVAL", "#!lua\nreturn 1", "0" } },
    { 'a', { "!maxmemory", "1" } },
    { 'a', { "EXEC" } },
    { 'a', { "!maxmemory", "0" } },
    { 'a', { "MULTI" } },
    { 'a', { "EVAL", "#!lua flags=no-writes\nreturn 1", "0" } },
    { 'a', { "!maxmemory", "1" } },
    { 'a', { "EXEC" } },
    { 'a', { "!maxmemory", "0" } },
    { 'a', { "MULTI" } },
    { 'a', { "EVAL", "return redis.call('set', 'k', 'x')", "0" } },
    { 'a', { "!maxmemory", "1" } },
    { 'a', { "EXEC" } },
    { 'a', { "!maxmemory", "0" } },
    END,
};

/* PUBLISH and PUBSUB with no subscribers, also from scripts. */
static const step seq_pubsub[] = {
    { 'a', { "PUBLISH", "ch", "msg" } },
    { 'a', { "SPUBLISH", "ch", "msg" } },
    { 'a', { "PUBLISH", "ch" } },
    { 'a', { "PUBSUB", "CHANNELS" } },
    { 'a', { "PUBSUB", "CHANNELS", "x*" } },
    { 'a', { "PUBSUB", "CHANNELS", "a", "b" } },
    { 'a', { "PUBSUB", "SHARDCHANNELS" } },
    { 'a', { "PUBSUB", "SHARDCHANNELS", "a", "b" } },
    { 'a', { "PUBSUB", "NUMSUB" } },
    { 'a', { "PUBSUB", "NUMSUB", "a", "b" } },
    { 'a', { "PUBSUB", "SHARDNUMSUB", "a" } },
    { 'a', { "PUBSUB", "NUMPAT" } },
    { 'a', { "PUBSUB", "NUMPAT", "x" } },
    { 'a', { "PUBSUB" } },
    { 'a', { "PUBSUB", "FOO" } },
    { 'a', { "PUBSUB", "HELP" } },
    { 'a', { "PUBSUB", "HELP", "x" } },
    { 'a', { "EVAL", "return redis.call('publish', 'ch', 'm')", "0" } },
    { 'a', { "EVAL", "return redis.call('spublish', 'ch', 'm')", "0" } },
    { 'a', { "EVAL", "return redis.call('pubsub', 'numsub', 'x')", "0" } },
    { 'a', { "EVAL_RO", "return redis.call('publish', 'ch', 'm')", "0" } },
    { 'a', { "EVAL_RO", "return redis.pcall('spublish', 'ch', 'm')", "0" } },
    { 'a', { "EVAL_RO", "return redis.call('pubsub', 'channels')", "0" } },
    { 'a', { "EVAL", "#!lua flags=no-writes\nreturn redis.call('publish', 'ch', 'm')", "0" } },
    { 'a', { "EVAL", "#!lua flags=no-writes\nreturn redis.pcall('spublish', 'ch', 'm')", "0" } },
    { 'a',
      { "FUNCTION", "LOAD",
        "#!lua name=pub\nredis.register_function{function_name='p', callback=function() "
        "return redis.pcall('publish', 'ch', 'm') end, flags={'no-writes'}}" } },
    { 'a', { "FCALL", "p", "0" } },
    { 'a', { "FCALL_RO", "p", "0" } },
    { 'a', { "MULTI" } },
    { 'a', { "PUBLISH", "ch", "m" } },
    { 'a', { "PUBSUB", "NUMSUB", "x" } },
    { 'a', { "EXEC" } },
    END,
};

static const sequence sequences[] = {
    { "basics", seq_basics },
    { "runtime_errors", seq_runtime_errors },
    { "select", seq_select },
    { "blocking", seq_blocking },
    { "watch", seq_watch },
    { "watch_types", seq_watch_types },
    { "watch_flush", seq_watch_flush },
    { "watch_many", seq_watch_many },
    { "watch_expire", seq_watch_expire },
    { "signal_strings", seq_signal_strings },
    { "signal_bits", seq_signal_bits },
    { "signal_hll", seq_signal_hll },
    { "signal_lists", seq_signal_lists },
    { "signal_hashes", seq_signal_hashes },
    { "signal_sets", seq_signal_sets },
    { "signal_zsets", seq_signal_zsets },
    { "signal_streams", seq_signal_streams },
    { "signal_keys", seq_signal_keys },
    { "signal_sort", seq_signal_sort },
    { "signal_scripts", seq_signal_scripts },
    { "scripts", seq_scripts },
    { "scripts_refuse", seq_scripts_refuse },
    { "oom", seq_oom },
    { "pubsub", seq_pubsub },
};

static int nargs(const step *s)
{
    int n = 0;
    while (n < MAX_ARGS && s->argv[n]) n++;
    return n;
}

static void print_step(const step *s)
{
    fprintf(stderr, "  %c:", s->client);
    for (int i = 0; i < nargs(s); i++) {
        fputc(' ', stderr);
        rl_diff_print_escaped(stderr, s->argv[i], strlen(s->argv[i]));
    }
    fputc('\n', stderr);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* A reply as the bytes a client speaking proto receives. */
static char *to_resp(const rl_reply *r, int proto, size_t *len)
{
    return rl_reply_to_resp(r, proto, len);
}

static rl_reply *server_call(rl_backend *b, int argc, const char *const *argv)
{
    size_t len[MAX_ARGS];
    for (int i = 0; i < argc; i++) len[i] = strlen(argv[i]);
    rl_reply *r = b->call(b, argc, argv, len);
    if (!r) fprintf(stderr, "multi_diff: server call failed: %s\n", b->errstr);
    return r;
}

/* Runs one sequence in protocol proto; returns the number of mismatches. */
static int run_sequence(const sequence *seq, int proto, rl_backend *const *conns)
{
    /* Fresh state on the server (each connection's RESET leaves MULTI,
     * WATCH, RESP3 and its database) and a fresh emulator. */
    for (int i = 0; i < NCLIENTS; i++) {
        if (conns[i]->reset(conns[i]) != 0) {
            fprintf(stderr, "multi_diff: reset failed: %s\n", conns[i]->errstr);
            return 1;
        }
        if (proto == 3) {
            const char *hello[] = { "HELLO", "3" };
            rl_reply_free(server_call(conns[i], 2, hello));
        }
    }
    rl_emu *emu = rl_emu_new();
    rl_emu_client *clients[NCLIENTS];
    for (int i = 0; i < NCLIENTS; i++) {
        clients[i] = rl_emu_client_new(emu);
        rl_emu_client_set_resp(clients[i], proto);
    }
    int mismatches = 0;
    for (const step *s = seq->steps; s->client; s++) {
        int ci = s->client - 'a';
        int argc = nargs(s);
        if (strcmp(s->argv[0], "!sleep") == 0) {
            long ms = atol(s->argv[1]);
            sleep_ms(ms);
            rl_emu_advance_ms(emu, ms);
            continue;
        }
        if (strcmp(s->argv[0], "!maxmemory") == 0) {
            const char *cfg[] = { "CONFIG", "SET", "maxmemory", s->argv[1] };
            rl_reply_free(server_call(conns[NCLIENTS - 1], 4, cfg));
            rl_emu_set_maxmemory(emu, atol(s->argv[1]));
            continue;
        }
        size_t len[MAX_ARGS];
        for (int i = 0; i < argc; i++) len[i] = strlen(s->argv[i]);
        rl_reply *want = server_call(conns[ci], argc, s->argv);
        rl_reply *got = rl_emu_client_call(clients[ci], argc, s->argv, len);
        if (!want) {
            rl_reply_free(got);
            mismatches++;
            break;
        }
        size_t wl, gl;
        char *w = to_resp(want, proto, &wl), *g = to_resp(got, proto, &gl);
        if (wl != gl || memcmp(w, g, wl) != 0) {
            fprintf(stderr, "multi_diff: %s (RESP%d), step %d differs:\n", seq->name, proto,
                    (int)(s - seq->steps) + 1);
            print_step(s);
            fputs("  redis:    ", stderr);
            rl_diff_print_escaped(stderr, w, wl);
            fputs("\n  emulator: ", stderr);
            rl_diff_print_escaped(stderr, g, gl);
            fputc('\n', stderr);
            mismatches++;
        }
        rl_free(w);
        rl_free(g);
        rl_reply_free(want);
        rl_reply_free(got);
    }
    /* Clients are left open on purpose: rl_emu_free frees them. */
    rl_emu_free(emu);
    const char *cfg[] = { "CONFIG", "SET", "maxmemory", "0" };
    rl_reply_free(server_call(conns[NCLIENTS - 1], 4, cfg));
    return mismatches;
}

int main(void)
{
    char exe[1024], err[512];
    if (rl_diff_find_redis(exe, sizeof(exe)) != 0)
        return rl_diff_no_server_exit("multi_diff", "redis-server not found");
    rl_diff_server srv;
    if (rl_diff_server_start(&srv, exe, err, sizeof(err)) != 0) {
        fprintf(stderr, "multi_diff: cannot start %s: %s\n", exe, err);
        return 1;
    }
    rl_backend *conns[NCLIENTS];
    for (int i = 0; i < NCLIENTS; i++) {
        conns[i] = rl_backend_redis_new("127.0.0.1", srv.port, err, sizeof(err));
        if (!conns[i]) {
            fprintf(stderr, "multi_diff: %s\n", err);
            rl_diff_server_stop(&srv);
            return 1;
        }
    }
    int failed = 0, run = 0;
    for (size_t i = 0; i < sizeof(sequences) / sizeof(sequences[0]); i++) {
        for (int proto = 2; proto <= 3; proto++) {
            failed += run_sequence(&sequences[i], proto, conns) != 0;
            run++;
        }
    }
    for (int i = 0; i < NCLIENTS; i++) conns[i]->free(conns[i]);
    rl_diff_server_stop(&srv);
    if (rl_mem_used() != 0) {
        fprintf(stderr, "multi_diff: %zu bytes still allocated\n", rl_mem_used());
        failed++;
    }
    if (failed) {
        fprintf(stderr, "multi_diff: %d of %d sequence runs differ\n", failed, run);
        return 1;
    }
    printf("multi_diff: %d sequence runs (RESP2 and RESP3) match redis-server\n", run);
    return 0;
}
