/* redlua: command line tools around the script loader and its line map.
 *
 *   redlua bundle FILE [-I DIR]... [--map MAP.json]
 *   redlua map-error --map MAP.json MESSAGE
 *   redlua run FILE [-I DIR]... [--keys K...] [--args A...] [--params JSON]
 *                   [--data SEED.json]
 *
 * Exit codes: 0 success, 1 the script answered an error (run) or the
 * message names no mapped line (map-error), 2 usage error or bad input
 * (reported as file:line:col; then nothing runs). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "loader.h"
#include "mem.h"
#include "params.h"
#include "redlua.h"
#include "report.h"
#include "sha1.h"
#include "srcmap.h"

#define EXIT_SCRIPT_ERROR 1
#define EXIT_USAGE 2

static const char usage_text[] =
    "usage: redlua bundle FILE [-I DIR]... [--map MAP.json]\n"
    "       redlua map-error --map MAP.json MESSAGE\n"
    "       redlua run FILE [-I DIR]... [--keys KEY...] [--args ARG...]\n"
    "                  [--params JSON] [--data SEED.json]\n"
    "\n"
    "bundle     prints exactly the text to send to Redis (EVAL / SCRIPT LOAD) for\n"
    "           FILE with its %include / --- @include files and %key / %arg\n"
    "           directives resolved, and with --map writes the line map.\n"
    "map-error  turns an error text seen from Redis (\"ERR user_script:17: ...\")\n"
    "           into the original file, line and source line, using a map\n"
    "           written by bundle. MESSAGE \"-\" reads the message from stdin.\n"
    "run        runs FILE once on a fresh emulator (seeded from SEED.json when\n"
    "           given) and prints the reply in the fixture JSON notation, or the\n"
    "           error with the traceback on the original files, then the\n"
    "           redis.log lines.\n"
    "\n"
    "Options:\n"
    "  -I DIR          also search DIR for included files (repeatable)\n"
    "  --map MAP.json  the line map to write (bundle) or read (map-error)\n"
    "  --keys K...     KEYS, every following argument up to the next option\n"
    "  --args A...     ARGV, likewise\n"
    "  --params JSON   named parameters {\"name\": value} for a script that\n"
    "                  declares %key / %arg (instead of --keys / --args)\n"
    "  --data FILE     seed data: a keyspace object as in fixtures\n"
    "                  ({\"k\": {\"type\": \"string\", \"value\": \"v\"}}) or an\n"
    "                  array of commands ([[\"SET\", \"k\", \"v\"]])\n"
    "  -h, --help      show this help\n"
    "\n"
    "Exit status: 0 success; 1 the script replied an error (run) or the message\n"
    "names no mapped line (map-error); 2 usage error or bad input.\n";

typedef struct strvec {
    char **v;
    size_t *len;
    size_t n;
} strvec;

static void strvec_push(strvec *s, const char *p, size_t n)
{
    s->v = rl_realloc(s->v, (s->n + 1) * sizeof(char *));
    s->len = rl_realloc(s->len, (s->n + 1) * sizeof(size_t));
    s->v[s->n] = rl_memdup(p, n);
    s->len[s->n++] = n;
}

static void strvec_free(strvec *s)
{
    for (size_t i = 0; i < s->n; i++) rl_free(s->v[i]);
    rl_free(s->v);
    rl_free(s->len);
    memset(s, 0, sizeof(*s));
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "redlua: %s%s%s\nTry 'redlua --help'.\n", msg, arg ? " " : "", arg ? arg : "");
    return EXIT_USAGE;
}

static char *read_all(FILE *fp, size_t *len)
{
    rl_buf b = { 0 };
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) rl_buf_put(&b, chunk, n);
    *len = b.len;
    return rl_buf_take(&b);
}

/* Reads a whole file, or reports "path: reason" and returns NULL. */
static char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return NULL;
    }
    char *text = read_all(fp, len);
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        fprintf(stderr, "%s: read error\n", path);
        rl_free(text);
        return NULL;
    }
    return text;
}

/* --- bundle ----------------------------------------------------------------- */

static int cmd_bundle(int argc, char **argv)
{
    const char *file = NULL, *map = NULL;
    strvec dirs = { 0 };
    int rc = 0;
    for (int i = 2; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-I") == 0 && i + 1 < argc) {
            strvec_push(&dirs, argv[i + 1], strlen(argv[i + 1]));
            i++;
        } else if (strncmp(a, "-I", 2) == 0 && a[2] != '\0') {
            strvec_push(&dirs, a + 2, strlen(a + 2));
        } else if (strcmp(a, "--map") == 0 && i + 1 < argc) {
            map = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            rc = usage_error("bundle: unknown option or missing value:", a);
        } else if (file == NULL) {
            file = a;
        } else {
            rc = usage_error("bundle takes one FILE; extra:", a);
        }
    }
    if (rc == 0 && file == NULL) rc = usage_error("bundle: no FILE given", NULL);
    rl_loaded_script s;
    char err[1024];
    rl_loader_opts opts = { (const char *const *)dirs.v, dirs.n };
    if (rc == 0 && rl_loader_load_script(file, &opts, &s, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        rc = EXIT_USAGE;
    } else if (rc == 0) {
        if (map != NULL) {
            rl_buf json = { 0 };
            char sha[RL_SHA1_HEX_SIZE];
            rl_sha1_hex(sha, s.text, s.len);
            rl_srcmap_to_json(&s, sha, &json);
            FILE *fp = fopen(map, "wb");
            if (fp == NULL || fwrite(json.p, 1, json.len, fp) != json.len || fclose(fp) != 0) {
                fprintf(stderr, "%s: %s\n", map, strerror(errno));
                rc = EXIT_USAGE;
            }
            rl_buf_free(&json);
        }
        if (rc == 0) fwrite(s.text, 1, s.len, stdout);
        rl_loader_clear(&s);
    }
    strvec_free(&dirs);
    return rc;
}

/* --- map-error -------------------------------------------------------------- */

/* The SHA1 an EVAL error names ("script: <sha>, on"), or NULL. */
static const char *named_sha(const char *msg, size_t len)
{
    static const char tag[] = "script: ";
    for (size_t i = 0; i + sizeof(tag) - 1 + 40 <= len; i++) {
        if (memcmp(msg + i, tag, sizeof(tag) - 1) != 0) continue;
        const char *h = msg + i + sizeof(tag) - 1;
        size_t k = 0;
        while (k < 40 && ((h[k] >= '0' && h[k] <= '9') || (h[k] >= 'a' && h[k] <= 'f'))) k++;
        if (k == 40) return h;
    }
    return NULL;
}

static int cmd_map_error(int argc, char **argv)
{
    const char *map = NULL, *msg = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--map") == 0 && i + 1 < argc) map = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return usage_error("map-error: unknown option or missing value:", argv[i]);
        else if (msg == NULL) msg = argv[i];
        else return usage_error("map-error takes one MESSAGE (quote it); extra:", argv[i]);
    }
    if (map == NULL) return usage_error("map-error needs --map MAP.json", NULL);
    if (msg == NULL) return usage_error("map-error: no MESSAGE given", NULL);
    size_t maplen;
    char *json = read_file(map, &maplen);
    if (json == NULL) return EXIT_USAGE;
    rl_loaded_script s;
    char sha[41], err[512];
    int rc = rl_srcmap_from_json(json, maplen, &s, sha, err, sizeof(err));
    rl_free(json);
    if (rc != 0) {
        fprintf(stderr, "%s:%s\n", map, err);
        return EXIT_USAGE;
    }
    char *owned = NULL;
    size_t len;
    if (strcmp(msg, "-") == 0) {
        owned = read_all(stdin, &len);
        while (len > 0 && (owned[len - 1] == '\n' || owned[len - 1] == '\r')) owned[--len] = '\0';
        msg = owned;
    } else {
        len = strlen(msg);
    }
    rl_buf out = { 0 };
    if (rl_srcmap_error_location(&s, msg, len, &out) == 0) {
        printf("at:     %s\n", out.p);
        rl_buf_free(&out);
        rl_srcmap_rewrite(&s, msg, len, &out);
        printf("mapped: %s\n", out.p);
        rc = 0;
    } else {
        printf("the message names no line of %s (no user_script:N in the map's %d lines)\n", s.file,
               s.nranges ? s.ranges[s.nranges - 1].first + s.ranges[s.nranges - 1].count - 1 : 0);
        rc = EXIT_SCRIPT_ERROR;
    }
    const char *named = named_sha(msg, len);
    if (named != NULL && memcmp(named, sha, 40) != 0)
        printf("note:   the error names script %.40s, but the map is for %s\n", named, sha);
    rl_buf_free(&out);
    rl_free(owned);
    rl_loader_clear(&s);
    return rc;
}

/* --- run -------------------------------------------------------------------- */

/* A Redis argument from seed JSON: a string, {"hex"}, or a number's text. */
static int seed_arg(const rl_json *v, strvec *out)
{
    size_t n;
    char *hex = rl_json_hex_decode(v, &n);
    if (hex != NULL) {
        strvec_push(out, hex, n);
        rl_free(hex);
        return 0;
    }
    if (v->type == RL_JSON_STRING || v->type == RL_JSON_NUMBER) {
        strvec_push(out, v->str, v->len);
        return 0;
    }
    return -1;
}

static int seed_fail(const char *path, const rl_json *at, const char *msg)
{
    fprintf(stderr, "%s:%d:%d: %s\n", path, at->line, at->col, msg);
    return -1;
}

/* Runs one seed command; a Redis error is an input error. */
static int seed_call(rl_emu *emu, const char *path, const rl_json *at, strvec *cmd)
{
    rl_reply *r = rl_emu_call(emu, (int)cmd->n, (const char *const *)cmd->v, cmd->len);
    int rc = 0;
    if (r->type == RL_REPLY_ERROR) {
        rl_buf m = { 0 };
        rl_buf_printf(&m, "seeding with %s failed: %s", cmd->v[0], r->str);
        rc = seed_fail(path, at, m.p);
        rl_buf_free(&m);
    }
    rl_reply_free(r);
    strvec_free(cmd);
    return rc;
}

static int seed_key(rl_emu *emu, const char *path, const rl_json *name, const rl_json *e)
{
    const rl_json *type = e->type == RL_JSON_OBJECT ? rl_json_get(e, "type") : NULL;
    const rl_json *value = e->type == RL_JSON_OBJECT ? rl_json_get(e, "value") : NULL;
    const rl_json *ttl = e->type == RL_JSON_OBJECT ? rl_json_get(e, "ttl") : NULL;
    if (type == NULL || type->type != RL_JSON_STRING || value == NULL)
        return seed_fail(path, e, "a key is {\"type\": ..., \"value\": ...[, \"ttl\": s]}");
    strvec cmd = { 0 };
    const char *t = type->str;
    int bad = 0;
    const char *verb = strcmp(t, "string") == 0 ? "SET"
        : strcmp(t, "hash") == 0                ? "HSET"
        : strcmp(t, "list") == 0                ? "RPUSH"
        : strcmp(t, "set") == 0                 ? "SADD"
        : strcmp(t, "zset") == 0                ? "ZADD"
                                                : NULL;
    if (verb == NULL && strcmp(t, "stream") != 0)
        return seed_fail(path, type, "type must be string, hash, list, set, zset or stream");
    if (strcmp(t, "stream") == 0) {
        if (value->type != RL_JSON_ARRAY)
            return seed_fail(path, value, "a stream is [[id, [field, value, ...]], ...]");
        for (size_t i = 0; i < value->count; i++) {
            const rl_json *en = value->items[i];
            if (en->type != RL_JSON_ARRAY || en->count != 2 || en->items[1]->type != RL_JSON_ARRAY)
                return seed_fail(path, en, "a stream entry is [id, [field, value, ...]]");
            strvec_push(&cmd, "XADD", 4);
            seed_arg(name, &cmd);
            bad = seed_arg(en->items[0], &cmd) != 0;
            for (size_t k = 0; k < en->items[1]->count && !bad; k++)
                bad = seed_arg(en->items[1]->items[k], &cmd) != 0;
            if (bad) {
                strvec_free(&cmd);
                return seed_fail(path, en, "stream ids, fields and values are strings");
            }
            if (seed_call(emu, path, en, &cmd) != 0) return -1;
        }
    } else {
        strvec_push(&cmd, verb, strlen(verb));
        seed_arg(name, &cmd);
        if (strcmp(t, "string") == 0) {
            bad = seed_arg(value, &cmd) != 0;
        } else if (strcmp(t, "hash") == 0) {
            bad = value->type != RL_JSON_OBJECT || value->count == 0;
            for (size_t i = 0; !bad && i < value->count; i++)
                bad = seed_arg(value->keys[i], &cmd) != 0 || seed_arg(value->items[i], &cmd) != 0;
        } else if (strcmp(t, "zset") == 0) {
            bad = value->type != RL_JSON_ARRAY || value->count == 0;
            for (size_t i = 0; !bad && i < value->count; i++) {
                const rl_json *pair = value->items[i];
                bad = pair->type != RL_JSON_ARRAY || pair->count != 2 ||
                    seed_arg(pair->items[1], &cmd) != 0 || seed_arg(pair->items[0], &cmd) != 0;
            }
        } else {
            bad = value->type != RL_JSON_ARRAY || value->count == 0;
            for (size_t i = 0; !bad && i < value->count; i++)
                bad = seed_arg(value->items[i], &cmd) != 0;
        }
        if (bad) {
            strvec_free(&cmd);
            return seed_fail(path, value,
                             "the value does not fit the type (as in a fixture's "
                             "keyspace, non-empty)");
        }
        if (seed_call(emu, path, e, &cmd) != 0) return -1;
    }
    if (ttl != NULL) {
        if (ttl->type != RL_JSON_NUMBER || ttl->number <= 0)
            return seed_fail(path, ttl, "\"ttl\" is a positive number of seconds");
        char ms[32];
        snprintf(ms, sizeof(ms), "%lld", (long long)llround(ttl->number * 1000.0));
        strvec_push(&cmd, "PEXPIRE", 7);
        seed_arg(name, &cmd);
        strvec_push(&cmd, ms, strlen(ms));
        if (seed_call(emu, path, ttl, &cmd) != 0) return -1;
    }
    return 0;
}

static int seed(rl_emu *emu, const char *path)
{
    size_t len;
    char *text = read_file(path, &len);
    if (text == NULL) return -1;
    char err[256];
    rl_json *root = rl_json_parse(text, len, err, sizeof(err));
    rl_free(text);
    if (root == NULL) {
        fprintf(stderr, "%s:%s\n", path, err);
        return -1;
    }
    int rc = 0;
    if (root->type == RL_JSON_OBJECT) {
        for (size_t i = 0; i < root->count && rc == 0; i++)
            rc = seed_key(emu, path, root->keys[i], root->items[i]);
    } else if (root->type == RL_JSON_ARRAY) {
        for (size_t i = 0; i < root->count && rc == 0; i++) {
            const rl_json *c = root->items[i];
            strvec cmd = { 0 };
            int bad = c->type != RL_JSON_ARRAY || c->count == 0;
            for (size_t k = 0; !bad && k < c->count; k++) bad = seed_arg(c->items[k], &cmd) != 0;
            if (bad) {
                strvec_free(&cmd);
                rc = seed_fail(path, c, "a command is an array of strings [\"SET\", \"k\", \"v\"]");
            } else {
                rc = seed_call(emu, path, c, &cmd);
            }
        }
    } else {
        rc = seed_fail(path, root, "seed data is a keyspace object or an array of commands");
    }
    rl_json_free(root);
    return rc;
}

static void print_block(const char *title, const char *text)
{
    printf("%s:\n", title);
    const char *p = text;
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        printf("  %.*s\n", (int)n, p);
        p += n + (nl != NULL);
    }
}

static int print_result(const rl_loaded_script *s, rl_emu *emu, const rl_reply *r)
{
    rl_buf out = { 0 };
    int rc = 0;
    if (r->type == RL_REPLY_ERROR) {
        rl_buf_puts(&out, "error: ");
        rl_report_string(&out, r->str, r->len);
        rl_buf_puts(&out, "\n");
        rl_buf loc = { 0 };
        if (rl_srcmap_error_location(s, r->str, r->len, &loc) == 0)
            rl_buf_printf(&out, "at: %s\n", loc.p);
        if (strstr(r->str, "Error compiling script") != NULL) {
            rl_buf_free(&loc);
            rl_srcmap_rewrite(s, r->str, r->len, &loc);
            rl_buf_printf(&out, "mapped: %s\n", loc.p);
        }
        rl_buf_free(&loc);
        const char *tb = rl_emu_last_traceback(emu);
        if (tb != NULL && tb[0] != '\0') {
            rl_buf_puts(&out, "traceback (most recent call last):\n");
            rl_srcmap_traceback(s, tb, "  ", &out);
        }
        rc = EXIT_SCRIPT_ERROR;
    } else {
        char why[300];
        rl_buf_puts(&out, "reply: ");
        if (rl_params_returns_json(s) && r->type == RL_REPLY_BULK) {
            rl_json *v = rl_json_parse(r->str, r->len, why, sizeof(why));
            if (v != NULL) {
                rl_report_json(&out, v);
                rl_buf_printf(&out, "\n(decoded: the script declares %%return %s)",
                              rl_param_type_name(s->return_type));
                rl_json_free(v);
            } else {
                rl_report_reply(&out, r);
            }
        } else {
            rl_report_reply(&out, r);
        }
        rl_buf_puts(&out, "\n");
    }
    fputs(out.p, stdout);
    rl_buf_free(&out);
    const char *log = rl_emu_last_log(emu);
    if (log != NULL && log[0] != '\0') print_block("redis.log", log);
    return rc;
}

typedef struct run_opts {
    const char *file, *params, *data;
    strvec dirs, keys, args;
    int has_keys, has_args;
} run_opts;

static int parse_run(int argc, char **argv, run_opts *o)
{
    strvec *list = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--keys") == 0) {
            list = &o->keys;
            o->has_keys = 1;
        } else if (strcmp(a, "--args") == 0) {
            list = &o->args;
            o->has_args = 1;
        } else if (strcmp(a, "-I") == 0 && i + 1 < argc) {
            strvec_push(&o->dirs, argv[i + 1], strlen(argv[i + 1]));
            list = NULL;
            i++;
        } else if (strncmp(a, "-I", 2) == 0 && a[2] != '\0') {
            strvec_push(&o->dirs, a + 2, strlen(a + 2));
            list = NULL;
        } else if (strcmp(a, "--params") == 0 && i + 1 < argc) {
            o->params = argv[++i];
            list = NULL;
        } else if (strcmp(a, "--data") == 0 && i + 1 < argc) {
            o->data = argv[++i];
            list = NULL;
        } else if (a[0] == '-' && a[1] == '-') {
            return usage_error("run: unknown option or missing value:", a);
        } else if (list != NULL) {
            strvec_push(list, a, strlen(a));
        } else if (o->file == NULL) {
            o->file = a;
        } else {
            return usage_error("run takes one FILE; extra:", a);
        }
    }
    if (o->file == NULL) return usage_error("run: no FILE given", NULL);
    if (o->params != NULL && (o->has_keys || o->has_args))
        return usage_error("run: give --params or --keys/--args, not both", NULL);
    return 0;
}

/* Builds EVAL's argv in cmd; 0, or -1 (reported). */
static int build_eval(const rl_loaded_script *s, const run_opts *o, strvec *cmd)
{
    strvec_push(cmd, "EVAL", 4);
    strvec_push(cmd, s->text, s->len);
    if (o->params == NULL) {
        char nk[24];
        snprintf(nk, sizeof(nk), "%zu", o->keys.n);
        strvec_push(cmd, nk, strlen(nk));
        for (size_t i = 0; i < o->keys.n; i++) strvec_push(cmd, o->keys.v[i], o->keys.len[i]);
        for (size_t i = 0; i < o->args.n; i++) strvec_push(cmd, o->args.v[i], o->args.len[i]);
        return 0;
    }
    char err[512];
    rl_json *p = rl_json_parse(o->params, strlen(o->params), err, sizeof(err));
    if (p == NULL) {
        fprintf(stderr, "--params:%s\n", err);
        return -1;
    }
    int argc, numkeys;
    char **argv;
    size_t *argvlen;
    const rl_json *bad;
    if (rl_params_bind(s, p, &argc, &argv, &argvlen, &numkeys, &bad, err, sizeof(err)) != 0) {
        fprintf(stderr, "--params:%d:%d: %s\n", bad->line, bad->col, err);
        rl_json_free(p);
        return -1;
    }
    rl_json_free(p);
    char nk[24];
    snprintf(nk, sizeof(nk), "%d", numkeys);
    strvec_push(cmd, nk, strlen(nk));
    for (int i = 0; i < argc; i++) {
        strvec_push(cmd, argv[i], argvlen[i]);
        rl_free(argv[i]);
    }
    rl_free(argv);
    rl_free(argvlen);
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    run_opts o;
    memset(&o, 0, sizeof(o));
    int rc = parse_run(argc, argv, &o);
    rl_loaded_script s;
    int loaded = 0;
    strvec cmd = { 0 };
    if (rc == 0) {
        char err[1024];
        rl_loader_opts opts = { (const char *const *)o.dirs.v, o.dirs.n };
        if (rl_loader_load_script(o.file, &opts, &s, err, sizeof(err)) != 0) {
            fprintf(stderr, "%s\n", err);
            rc = EXIT_USAGE;
        } else {
            loaded = 1;
        }
    }
    if (rc == 0 && build_eval(&s, &o, &cmd) != 0) rc = EXIT_USAGE;
    if (rc == 0) {
        rl_emu *emu = rl_emu_new();
        if (o.data != NULL && seed(emu, o.data) != 0) {
            rc = EXIT_USAGE;
        } else {
            rl_reply *r = rl_emu_call(emu, (int)cmd.n, (const char *const *)cmd.v, cmd.len);
            rc = print_result(&s, emu, r);
            rl_reply_free(r);
        }
        rl_emu_free(emu);
    }
    if (loaded) rl_loader_clear(&s);
    strvec_free(&cmd);
    strvec_free(&o.dirs);
    strvec_free(&o.keys);
    strvec_free(&o.args);
    return rc;
}

int main(int argc, char **argv)
{
    rl_mem_prefer_huge_pages();
    if (argc < 2) return usage_error("no command given (bundle, map-error or run)", NULL);
    const char *c = argv[1];
    if (strcmp(c, "-h") == 0 || strcmp(c, "--help") == 0 || strcmp(c, "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(c, "bundle") == 0) return cmd_bundle(argc, argv);
    if (strcmp(c, "map-error") == 0) return cmd_map_error(argc, argv);
    if (strcmp(c, "run") == 0) return cmd_run(argc, argv);
    return usage_error("unknown command", c);
}
