/* The redis-server backend: a small RESP2 client over a POSIX socket.
 *
 * It speaks to a real server (the oracle of tests/diff, or a server named
 * with --against), so the runner can run the same fixture on both. A call
 * sends the argv as a RESP array of bulk strings (binary safe) and parses
 * one reply with rl_reply_parse. The split send/recv functions let the diff
 * tests pipeline thousands of commands without a round trip per command.
 *
 * Failures that are not Redis replies (refused connection, lost server,
 * protocol garbage) close the socket and set errstr; the next reset
 * reconnects. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include "backend.h"
#include "mem.h"
#include "reply.h"

/* A reply must arrive within this many seconds, so a hung server fails a
 * test instead of hanging it. */
#define IO_TIMEOUT_SEC 60

typedef struct redis_ctx {
    char *host;
    int port;
    int fd;
    char *wbuf; /* encoded commands not yet written */
    size_t wlen, wcap;
    char *rbuf; /* bytes read, from rpos on not yet parsed */
    size_t rlen, rpos, rcap;
    size_t pending; /* commands sent whose replies are not read yet */
} redis_ctx;

static void set_err(char *dst, size_t dstlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *dst, size_t dstlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, dstlen, fmt, ap);
    va_end(ap);
}

static void conn_close(redis_ctx *x)
{
    if (x->fd >= 0) close(x->fd);
    x->fd = -1;
    x->wlen = 0;
    x->rlen = x->rpos = 0;
    x->pending = 0;
}

static int conn_open(redis_ctx *x, char *err, size_t errlen)
{
    char portstr[16];
    struct addrinfo hints, *res = NULL, *ai;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(portstr, sizeof(portstr), "%d", x->port);
    int rc = getaddrinfo(x->host, portstr, &hints, &res);
    if (rc != 0) {
        set_err(err, errlen, "cannot resolve %s: %s", x->host, gai_strerror(rc));
        return -1;
    }
    int fd = -1, saved = 0;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        set_err(err, errlen, "cannot connect to %s:%d: %s", x->host, x->port, strerror(saved));
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct timeval tv = { IO_TIMEOUT_SEC, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    x->fd = fd;
    return 0;
}

static void wbuf_put(redis_ctx *x, const char *p, size_t n)
{
    if (x->wlen + n > x->wcap) {
        size_t cap = x->wcap ? x->wcap : 4096;
        while (cap < x->wlen + n) cap *= 2;
        x->wbuf = rl_realloc(x->wbuf, cap);
        x->wcap = cap;
    }
    memcpy(x->wbuf + x->wlen, p, n);
    x->wlen += n;
}

static void wbuf_hdr(redis_ctx *x, char prefix, size_t n)
{
    char hdr[32];
    int k = snprintf(hdr, sizeof(hdr), "%c%zu\r\n", prefix, n);
    wbuf_put(x, hdr, (size_t)k);
}

/* Writes the whole write buffer; -1 with errstr set on failure. */
static int conn_flush(rl_backend *b)
{
    redis_ctx *x = b->ctx;
    size_t off = 0;
    while (off < x->wlen) {
        ssize_t n = send(x->fd, x->wbuf + off, x->wlen - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            set_err(b->errstr, sizeof(b->errstr), "write to %s:%d failed: %s", x->host, x->port,
                    n < 0 ? strerror(errno) : "connection closed");
            conn_close(x);
            return -1;
        }
        off += (size_t)n;
    }
    x->wlen = 0;
    return 0;
}

/* Exported for pipelining (see backend.h). */
int rl_backend_redis_send(rl_backend *b, int argc, const char *const *argv, const size_t *argvlen)
{
    redis_ctx *x = b->ctx;
    if (x->fd < 0) {
        set_err(b->errstr, sizeof(b->errstr), "not connected to %s:%d", x->host, x->port);
        return -1;
    }
    wbuf_hdr(x, '*', (size_t)argc);
    for (int i = 0; i < argc; i++) {
        wbuf_hdr(x, '$', argvlen[i]);
        wbuf_put(x, argv[i], argvlen[i]);
        wbuf_put(x, "\r\n", 2);
    }
    x->pending++;
    /* Large pipelines are written as they grow, so the server can start
     * working and our buffer stays bounded. The server's replies queue up in
     * its output buffer meanwhile, which is fine for the sizes we send. */
    if (x->wlen >= 1 << 16) return conn_flush(b);
    return 0;
}

/* Exported for pipelining (see backend.h). */
int rl_backend_redis_flush(rl_backend *b)
{
    redis_ctx *x = b->ctx;
    if (x->fd < 0) {
        set_err(b->errstr, sizeof(b->errstr), "not connected to %s:%d", x->host, x->port);
        return -1;
    }
    return x->wlen ? conn_flush(b) : 0;
}

/* Exported for pipelining (see backend.h). */
rl_reply *rl_backend_redis_recv(rl_backend *b)
{
    redis_ctx *x = b->ctx;
    if (x->fd < 0) {
        set_err(b->errstr, sizeof(b->errstr), "not connected to %s:%d", x->host, x->port);
        return NULL;
    }
    if (x->pending == 0) {
        set_err(b->errstr, sizeof(b->errstr), "no reply pending");
        return NULL;
    }
    if (x->wlen && conn_flush(b) != 0) return NULL;
    for (;;) {
        if (x->rpos < x->rlen) {
            size_t used = 0;
            rl_reply *r = rl_reply_parse(x->rbuf + x->rpos, x->rlen - x->rpos, &used);
            if (r) {
                x->rpos += used;
                if (x->rpos == x->rlen) x->rpos = x->rlen = 0;
                x->pending--;
                return r;
            }
            if (used == (size_t)-1) {
                set_err(b->errstr, sizeof(b->errstr), "protocol error from %s:%d", x->host,
                        x->port);
                conn_close(x);
                return NULL;
            }
        }
        if (x->rpos > 0) {
            memmove(x->rbuf, x->rbuf + x->rpos, x->rlen - x->rpos);
            x->rlen -= x->rpos;
            x->rpos = 0;
        }
        if (x->rcap - x->rlen < 4096) {
            x->rcap = x->rcap ? x->rcap * 2 : 16384;
            x->rbuf = rl_realloc(x->rbuf, x->rcap);
        }
        ssize_t n = recv(x->fd, x->rbuf + x->rlen, x->rcap - x->rlen, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            set_err(b->errstr, sizeof(b->errstr), "read from %s:%d failed: %s", x->host, x->port,
                    n < 0 ? strerror(errno) : "connection closed by server");
            conn_close(x);
            return NULL;
        }
        x->rlen += (size_t)n;
    }
}

static rl_reply *redis_call(rl_backend *b, int argc, const char *const *argv, const size_t *argvlen)
{
    redis_ctx *x = b->ctx;
    /* A call is synchronous: replies of commands still in flight from an
     * earlier pipeline would be mistaken for ours, so drop them first. */
    while (x->fd >= 0 && x->pending > 0) {
        rl_reply *stale = rl_backend_redis_recv(b);
        if (!stale) return NULL;
        rl_reply_free(stale);
    }
    if (rl_backend_redis_send(b, argc, argv, argvlen) != 0) return NULL;
    return rl_backend_redis_recv(b);
}

/* Runs a command given as C strings and checks that it did not fail. */
static int redis_admin(rl_backend *b, int argc, const char *const *argv)
{
    size_t lens[8];
    for (int i = 0; i < argc; i++) lens[i] = strlen(argv[i]);
    rl_reply *r = redis_call(b, argc, argv, lens);
    if (!r) return -1;
    int ok = r->type != RL_REPLY_ERROR;
    if (!ok) {
        set_err(b->errstr, sizeof(b->errstr), "%s%s%s failed: %s", argv[0], argc > 1 ? " " : "",
                argc > 1 ? argv[1] : "", r->str);
    }
    rl_reply_free(r);
    return ok ? 0 : -1;
}

static int redis_reset(rl_backend *b)
{
    redis_ctx *x = b->ctx;
    if (x->fd < 0 && conn_open(x, b->errstr, sizeof(b->errstr)) != 0) return -1;
    /* RESET leaves MULTI and pub/sub mode and returns to RESP2 and db 0, so
     * a case that changed the connection's state does not leak into the
     * next one; the rest empties the server. */
    static const char *const steps[][3] = {
        { "RESET", NULL, NULL },       { "FLUSHALL", NULL, NULL }, { "SCRIPT", "FLUSH", NULL },
        { "FUNCTION", "FLUSH", NULL }, { "SELECT", "0", NULL },
    };
    static const int argcs[] = { 1, 1, 2, 2, 2 };
    for (size_t i = 0; i < sizeof(argcs) / sizeof(argcs[0]); i++)
        if (redis_admin(b, argcs[i], steps[i]) != 0) return -1;
    return 0;
}

static int redis_no_clock(rl_backend *b, int64_t ms)
{
    (void)ms;
    set_err(b->errstr, sizeof(b->errstr),
            "redis-server has no virtual clock: cases that set or move the clock run only on "
            "the emulator");
    return -1;
}

static const char *redis_no_text(rl_backend *b)
{
    (void)b;
    return NULL;
}

static void redis_free(rl_backend *b)
{
    if (!b) return;
    redis_ctx *x = b->ctx;
    conn_close(x);
    rl_free(x->host);
    rl_free(x->wbuf);
    rl_free(x->rbuf);
    rl_free(x);
    rl_free(b);
}

rl_backend *rl_backend_redis_new(const char *host, int port, char *err, size_t errlen)
{
    redis_ctx *x = rl_calloc(1, sizeof(*x));
    x->host = rl_strdup(host);
    x->port = port;
    x->fd = -1;
    if (conn_open(x, err, errlen) != 0) {
        rl_free(x->host);
        rl_free(x);
        return NULL;
    }
    rl_backend *b = rl_calloc(1, sizeof(*b));
    b->name = "redis";
    b->has_clock = 0;
    b->ctx = x;
    b->reset = redis_reset;
    b->call = redis_call;
    b->set_clock_ms = redis_no_clock;
    b->advance_ms = redis_no_clock;
    b->last_traceback = redis_no_text;
    b->last_log = redis_no_text;
    b->free = redis_free;
    return b;
}
