/* Shared pieces of the differential tests: a throwaway redis-server and the
 * skip-or-fail policy when there is none.
 *
 * The server is a child process on a free loopback port, with persistence
 * off and its working directory in a fresh mkdtemp directory, so parallel
 * test runs and colleagues' servers never collide. */
#ifndef REDLUA_TESTS_DIFF_SERVER_H
#define REDLUA_TESTS_DIFF_SERVER_H

#include <stdio.h>
#include <sys/types.h>

/* The exit code CTest treats as "skipped" (SKIP_RETURN_CODE). */
#define RL_DIFF_SKIP 77

typedef struct rl_diff_server {
    pid_t pid; /* 0 when not running */
    int port;
    char dir[256];  /* the temp dir, "" once removed */
    char log[300];  /* dir/redis.log, the only file the server writes there */
    char exe[1024]; /* the redis-server binary */
    int cluster;    /* started with --cluster-enabled yes (nodes.conf in dir) */
} rl_diff_server;

/* Finds redis-server: $RL_REDIS_SERVER, then PATH, then /usr/bin. Returns 0
 * and fills path, or -1 when there is none. */
int rl_diff_find_redis(char *path, size_t pathlen);

/* Starts a server from exe on a free loopback port and waits until it
 * answers PING. 0, or -1 with err set (everything started is cleaned up).
 * The server is stopped by rl_diff_server_stop, and also at exit. */
int rl_diff_server_start(rl_diff_server *s, const char *exe, char *err, size_t errlen);
/* The same, with --cluster-enabled yes and its nodes file in the temp dir:
 * a cluster node that serves no slot until CLUSTER ADDSLOTS[RANGE]. */
int rl_diff_server_start_cluster(rl_diff_server *s, const char *exe, char *err, size_t errlen);
/* Stops the server (SIGTERM, then SIGKILL after a grace period), reaps it
 * and removes its temp dir. Safe to call twice. */
void rl_diff_server_stop(rl_diff_server *s);

/* Splits --server's "HOST:PORT" (the last colon ends the host) into host
 * (hostlen bytes at most, NUL included) and port (1..65535). 0, or -1 when
 * it does not parse. */
int rl_diff_parse_hostport(const char *s, char *host, size_t hostlen, int *port);

/* What to do when there is no redis-server: returns RL_DIFF_SKIP normally,
 * and 1 (a failure) when the environment says the diff tests are required
 * (CI=true or RL_DIFF_REQUIRED=1). Prints the reason either way. */
int rl_diff_no_server_exit(const char *prog, const char *why);

/* Prints n bytes with C escapes for anything not printable, so RESP replies
 * and binary arguments are readable on one line. */
void rl_diff_print_escaped(FILE *f, const char *p, size_t n);

#endif
