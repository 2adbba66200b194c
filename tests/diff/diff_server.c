/* A throwaway redis-server for the differential tests (see diff_server.h).
 *
 * hiredis's test.sh does the same with a shell script; here it is C so the
 * test binary owns the child and can reap it on every path: normal return,
 * exit(), a fatal signal in the test (the child gets SIGTERM through
 * PR_SET_PDEATHSIG on Linux) or Ctrl-C. */
#include "diff_server.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* The ports colleagues use for their own servers; never take them. */
#define RESERVED_LO 6401
#define RESERVED_HI 6420

static rl_diff_server *live_server; /* the one to stop at exit */

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int is_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int rl_diff_find_redis(char *path, size_t pathlen)
{
    const char *env = getenv("RL_REDIS_SERVER");
    if (env && *env) {
        if (!is_executable(env)) return -1;
        snprintf(path, pathlen, "%s", env);
        return 0;
    }
    const char *p = getenv("PATH");
    while (p && *p) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > 0 && n + sizeof("/redis-server") < pathlen) {
            snprintf(path, pathlen, "%.*s/redis-server", (int)n, p);
            if (is_executable(path)) return 0;
        }
        p = end ? end + 1 : NULL;
    }
    if (is_executable("/usr/bin/redis-server")) {
        snprintf(path, pathlen, "/usr/bin/redis-server");
        return 0;
    }
    return -1;
}

/* Asks the kernel for a free loopback port. Another process could take it
 * before the server binds; the caller retries with a new port then. */
static int free_port(void)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) return -1;
        struct sockaddr_in sa;
        memset(&sa, 0, sizeof(sa));
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t sl = sizeof(sa);
        int port = -1;
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
            getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
            port = ntohs(sa.sin_port);
        close(fd);
        if (port > 0 && (port < RESERVED_LO || port > RESERVED_HI)) return port;
    }
    return -1;
}

/* 1 when a PING on a new connection gets +PONG. */
static int answers_ping(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = 0;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
        static const char ping[] = "*1\r\n$4\r\nPING\r\n";
        char buf[64];
        if (send(fd, ping, sizeof(ping) - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof(ping) - 1)) {
            ssize_t n = read(fd, buf, sizeof(buf));
            ok = n >= 7 && memcmp(buf, "+PONG\r\n", 7) == 0;
        }
    }
    close(fd);
    return ok;
}

static void remove_dir(char *dir)
{
    if (!dir[0]) return;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[512];
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
    dir[0] = '\0';
}

/* Prints the tail of the server log, to explain a failed start. */
static void dump_log(const rl_diff_server *s)
{
    FILE *f = fopen(s->log, "r");
    if (!f) return;
    char line[512];
    fprintf(stderr, "--- %s ---\n", s->log);
    while (fgets(line, sizeof(line), f)) fputs(line, stderr);
    fclose(f);
}

/* Waits up to ms for the child to exit; 1 if it did (and is reaped). */
static int reap_within(pid_t pid, long ms)
{
    for (long waited = 0;; waited += 10) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD)) return 1;
        if (waited >= ms) return 0;
        sleep_ms(10);
    }
}

void rl_diff_server_stop(rl_diff_server *s)
{
    if (!s) return;
    if (s->pid > 0) {
        /* SIGTERM makes redis shut down cleanly; with --save '' it writes
         * nothing. SIGKILL is the fallback for a wedged server. */
        kill(s->pid, SIGTERM);
        if (!reap_within(s->pid, 5000)) {
            kill(s->pid, SIGKILL);
            reap_within(s->pid, 5000);
        }
        s->pid = 0;
    }
    remove_dir(s->dir);
    if (live_server == s) live_server = NULL;
}

static void stop_at_exit(void)
{
    rl_diff_server_stop(live_server);
}

/* On a fatal signal (Ctrl-C, SIGTERM, SIGPIPE when the output goes to a
 * closed pipe) only async-signal-safe calls: kill and reap the child, remove
 * its log and the temp dir by their precomputed paths, and die of the same
 * signal. */
static void on_signal(int sig)
{
    rl_diff_server *s = live_server;
    if (s && s->pid > 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
    }
    if (s && s->dir[0]) {
        unlink(s->log);
        rmdir(s->dir);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static pid_t spawn(const rl_diff_server *s)
{
    char port[16];
    snprintf(port, sizeof(port), "%d", s->port);
    fflush(NULL);
    pid_t pid = fork();
    if (pid != 0) return pid;
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
    int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        close(devnull);
    }
    char nodes[300];
    snprintf(nodes, sizeof(nodes), "%s/nodes.conf", s->dir);
    char *const argv[] = {
        (char *)s->exe,
        (char *)"--port",
        port,
        (char *)"--bind",
        (char *)"127.0.0.1",
        (char *)"--save",
        (char *)"",
        (char *)"--appendonly",
        (char *)"no",
        (char *)"--dir",
        (char *)s->dir,
        (char *)"--daemonize",
        (char *)"no",
        (char *)"--logfile",
        (char *)"",
        s->cluster ? (char *)"--cluster-enabled" : NULL,
        (char *)"yes",
        (char *)"--cluster-config-file",
        nodes,
        NULL,
    };
    execv(s->exe, argv);
    _exit(127);
}

static int start_server(rl_diff_server *s, const char *exe, int cluster, char *err, size_t errlen);

int rl_diff_server_start(rl_diff_server *s, const char *exe, char *err, size_t errlen)
{
    return start_server(s, exe, 0, err, errlen);
}

int rl_diff_server_start_cluster(rl_diff_server *s, const char *exe, char *err, size_t errlen)
{
    return start_server(s, exe, 1, err, errlen);
}

static int start_server(rl_diff_server *s, const char *exe, int cluster, char *err, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    s->cluster = cluster;
    snprintf(s->exe, sizeof(s->exe), "%s", exe);
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof(s->dir), "%s/redlua-diff-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(s->dir)) {
        snprintf(err, errlen, "mkdtemp %s: %s", s->dir, strerror(errno));
        s->dir[0] = '\0';
        return -1;
    }
    snprintf(s->log, sizeof(s->log), "%s/redis.log", s->dir);
    static int hooks_installed;
    if (!hooks_installed) {
        atexit(stop_at_exit);
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGHUP, on_signal);
        signal(SIGPIPE, on_signal);
        hooks_installed = 1;
    }
    live_server = s;
    /* A port can be taken between our probe and the server's bind; the
     * server then exits at once and we try again on another port. */
    for (int attempt = 0; attempt < 5; attempt++) {
        s->port = free_port();
        if (s->port < 0) {
            snprintf(err, errlen, "no free loopback port");
            break;
        }
        s->pid = spawn(s);
        if (s->pid < 0) {
            snprintf(err, errlen, "fork: %s", strerror(errno));
            s->pid = 0;
            break;
        }
        for (int waited = 0; waited < 10000; waited += 20) {
            if (answers_ping(s->port)) return 0;
            int st;
            if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
                s->pid = 0;
                snprintf(err, errlen, "redis-server exited during startup (status %d)",
                         WIFEXITED(st) ? WEXITSTATUS(st) : -1);
                break;
            }
            sleep_ms(20);
        }
        if (s->pid > 0) {
            snprintf(err, errlen, "redis-server on port %d did not answer PING in 10 s", s->port);
            kill(s->pid, SIGKILL);
            reap_within(s->pid, 5000);
            s->pid = 0;
        }
    }
    dump_log(s);
    rl_diff_server_stop(s);
    return -1;
}

static int env_is(const char *name, const char *value)
{
    const char *v = getenv(name);
    return v && !strcmp(v, value);
}

int rl_diff_no_server_exit(const char *prog, const char *why)
{
    if (env_is("CI", "true") || env_is("RL_DIFF_REQUIRED", "1")) {
        fprintf(stderr,
                "%s: FAIL: %s, and the diff tests are required here "
                "(CI=true or RL_DIFF_REQUIRED=1)\n",
                prog, why);
        return 1;
    }
    printf("%s: SKIP: %s (install redis-server, or set RL_REDIS_SERVER)\n", prog, why);
    return RL_DIFF_SKIP;
}

void rl_diff_print_escaped(FILE *f, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch == '\r') fputs("\\r", f);
        else if (ch == '\n') fputs("\\n", f);
        else if (ch == '\t') fputs("\\t", f);
        else if (ch == '\\') fputs("\\\\", f);
        else if (ch == '"') fputs("\\\"", f);
        else if (ch < 0x20 || ch >= 0x7f) fprintf(f, "\\x%02x", ch);
        else fputc(ch, f);
    }
}

int rl_diff_parse_hostport(const char *s, char *host, size_t hostlen, int *port)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= hostlen) return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    *port = atoi(colon + 1);
    return *port > 0 && *port < 65536 ? 0 : -1;
}
