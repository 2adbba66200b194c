/* The reply model: a plain tree in the shape of hiredis's redisReply, able
 * to hold every RESP2 and RESP3 type, plus the builders that command
 * handlers use to append their reply (Redis's addReply* family), a RESP
 * serializer and a RESP parser.
 *
 * Ownership: a reply returned to a caller (rl_emu_call, rl_reply_parse)
 * belongs to the caller and is freed with rl_reply_free, which frees the
 * whole tree. */
#ifndef REDLUA_EMULATOR_REPLY_H
#define REDLUA_EMULATOR_REPLY_H

#include <stddef.h>

typedef enum rl_reply_type {
    RL_REPLY_STATUS = 1, /* +text */
    RL_REPLY_ERROR,      /* -CODE text (str holds "CODE text", no '-') */
    RL_REPLY_INTEGER,    /* :n */
    RL_REPLY_BULK,       /* $len bytes */
    RL_REPLY_NIL,        /* $-1 (RESP2) or _ (RESP3) */
    RL_REPLY_NIL_ARRAY,  /* *-1 (RESP2) or _ (RESP3) */
    RL_REPLY_ARRAY,      /* *n */
    RL_REPLY_MAP,        /* %n: elements holds 2n items, key then value */
    RL_REPLY_SET,        /* ~n */
    RL_REPLY_DOUBLE,     /* ,text (dval and str both set) */
    RL_REPLY_BOOL,       /* #t / #f (integer is 1 or 0) */
    RL_REPLY_BIGNUM,     /* (digits */
    RL_REPLY_VERB,       /* =len vtype:bytes (vtype is 3 chars) */
    RL_REPLY_ATTR,       /* |n: elements holds 2n items */
    RL_REPLY_PUSH        /* >n */
} rl_reply_type;

typedef struct rl_reply {
    rl_reply_type type;
    long long integer; /* INTEGER, BOOL */
    double dval;       /* DOUBLE */
    size_t len;        /* length of str */
    char *str;         /* STATUS ERROR BULK DOUBLE BIGNUM VERB; NUL-terminated */
    char vtype[4];     /* VERB */
    size_t elements;   /* ARRAY MAP SET ATTR PUSH (MAP/ATTR: 2 * pairs) */
    struct rl_reply **element;
} rl_reply;

typedef struct rl_client rl_client;

/* --- Trees ------------------------------------------------------------ */

void rl_reply_free(rl_reply *r);
/* Constructors for standalone trees (tests, parsers). */
rl_reply *rl_reply_new(rl_reply_type type);
rl_reply *rl_reply_new_str(rl_reply_type type, const char *s, size_t len);
rl_reply *rl_reply_new_integer(long long v);
/* Appends child (taken) to an aggregate reply. */
void rl_reply_append_take(rl_reply *parent, rl_reply *child);
rl_reply *rl_reply_dup(const rl_reply *r);
/* 1 if equal in type and content (recursively), else 0. */
int rl_reply_equal(const rl_reply *a, const rl_reply *b);

/* Serializes r as RESP for a client speaking protocol 2 or 3. The result is
 * malloc'd with rl_malloc and NUL-terminated; *len gets its length. */
char *rl_reply_to_resp(const rl_reply *r, int proto, size_t *len);

/* Parses one RESP2/RESP3 reply from buf. Returns the tree and sets *consumed,
 * returns NULL with *consumed = 0 when buf holds an incomplete reply, and
 * NULL with *consumed = (size_t)-1 on a protocol error. */
rl_reply *rl_reply_parse(const char *buf, size_t len, size_t *consumed);

/* --- Builders used by command handlers ----------------------------------
 * Each command appends exactly one top-level reply; aggregates announce
 * their length first and are closed automatically when their last element
 * arrives. Error texts carry their code ("ERR ...", "WRONGTYPE ..."). */

void rl_add_reply_status(rl_client *c, const char *s);
void rl_add_reply_status_len(rl_client *c, const char *s, size_t len);
void rl_add_reply_ok(rl_client *c);
void rl_add_reply_error(rl_client *c, const char *err);
void rl_add_reply_error_len(rl_client *c, const char *err, size_t len);
void rl_add_reply_errorf(rl_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rl_add_reply_long_long(rl_client *c, long long v);
void rl_add_reply_bulk(rl_client *c, const char *p, size_t len);
void rl_add_reply_bulk_cstr(rl_client *c, const char *s);
void rl_add_reply_bulk_long_long(rl_client *c, long long v);
void rl_add_reply_null(rl_client *c);
void rl_add_reply_null_array(rl_client *c);
void rl_add_reply_array_len(rl_client *c, long n);
void rl_add_reply_map_len(rl_client *c, long n);  /* RESP2: array of 2n */
void rl_add_reply_set_len(rl_client *c, long n);  /* RESP2: array of n */
void rl_add_reply_double(rl_client *c, double d); /* RESP2: bulk "%.17g" */
void rl_add_reply_bool(rl_client *c, int b);      /* RESP2: :1 / :0 */
void rl_add_reply_bignum(rl_client *c, const char *digits, size_t len);
void rl_add_reply_verbatim(rl_client *c, const char *s, size_t len, const char *ext);
/* Attaches a prebuilt tree as the next element; takes ownership. */
void rl_add_reply_take(rl_client *c, rl_reply *r);

/* Deferred lengths, for when the count is known only at the end. */
void *rl_add_reply_deferred_len(rl_client *c);
void rl_set_deferred_array_len(rl_client *c, void *node, long n);
void rl_set_deferred_map_len(rl_client *c, void *node, long n);
void rl_set_deferred_set_len(rl_client *c, void *node, long n);

/* A reply sink (rl_client.sink), for a caller that only converts the reply
 * (redis.call turns it into Lua values). The caller sets it on a client
 * with no reply started, for one command. The first builder call clears
 * it: a scalar reply (every builder above but the aggregates, the deferred
 * lengths and rl_add_reply_take) is then handed to put, and used set,
 * instead of becoming the client's reply tree; an aggregate is built as a
 * tree as usual. The node put gets lives on the builder's stack for that
 * call only and is what the tree would hold, except that its text is not
 * NUL-terminated (str[len] may be anything). */
typedef struct rl_reply_sink rl_reply_sink;
struct rl_reply_sink {
    void (*put)(rl_reply_sink *sink, const rl_reply *r);
    int used; /* set once put has been called */
};

#endif
