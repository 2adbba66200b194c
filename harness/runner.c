/* The runner. It only sends commands through the backend vtable, and the
 * keyspace check reads the database through ordinary commands, so a case
 * runs the same way on the emulator and on a real redis-server. */
#include "runner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diff.h"
#include "errors.h"
#include "match.h"
#include "mem.h"
#include "params.h"
#include "redlua.h"
#include "report.h"
#include "srcmap.h"

/* Bounds the SCAN loop, in case a backend never returns cursor 0. */
#define RL_SCAN_MAX_ROUNDS 1000000

typedef struct run {
    rl_backend *b;
    const rl_fixture *f;
    const rl_case *cs;
    size_t case_index;
    rl_command_hook hook;
    void *ud;
    int backend_failed;
    rl_buf msg;
    rl_case_capture *cap;     /* NULL unless rl_run_case_capture was given one */
    int fail_step, fail_line; /* the first failure, for rl_case_result */
    int fail_recorded;
    int in_multi; /* a call step's MULTI answered OK; EXEC or DISCARD ends it */
    /* While the command of a step with "while_busy" is sent: that step, and
     * where the replies of its busy commands go. */
    const rl_step *busy_step;
    rl_reply **busy_replies;
    rl_buf warn; /* cluster-safety warnings, see rl_case_result */
} run;

/* 1 if the len bytes at p are the command name s, case-insensitively. */
static int name_is(const char *p, size_t len, const char *s)
{
    size_t n = strlen(s);
    return len == n && strncasecmp(p, s, n) == 0;
}

/* Remembers where the case first failed (step 0: the keyspace check). */
static void record_failure(run *r, int step, int line)
{
    if (r->fail_recorded) return;
    r->fail_recorded = 1;
    r->fail_step = step;
    r->fail_line = line;
}

/* Sends one command; NULL (with the failure recorded) if the backend could
 * give no reply at all. */
static rl_reply *send_cmd(run *r, int step, int argc, const char *const *argv,
                          const size_t *argvlen)
{
    rl_reply *reply;
    if (r->busy_step != NULL) {
        const rl_step *st = r->busy_step;
        rl_backend_cmd *cmds = rl_malloc(st->nbusy * sizeof(*cmds));
        for (size_t i = 0; i < st->nbusy; i++)
            cmds[i] = (rl_backend_cmd){ st->busy[i].argc, (const char *const *)st->busy[i].argv,
                                        st->busy[i].argvlen };
        reply = r->b->call_busy(r->b, argc, argv, argvlen, st->nbusy, cmds, r->busy_replies);
        rl_free(cmds);
    } else {
        reply = r->b->call(r->b, argc, argv, argvlen);
    }
    if (reply == NULL) {
        r->backend_failed = 1;
        rl_buf_printf(&r->msg, "backend %s failed: %s\n", r->b->name, r->b->errstr);
        return NULL;
    }
    if (r->hook != NULL) r->hook(r->ud, r->case_index, step, argc, argv, argvlen, reply);
    return reply;
}

/* Convenience for commands made of C strings plus one binary-safe key. */
static rl_reply *send_key_cmd(run *r, const char *cmd, const char *key, size_t keylen,
                              const char *a1, const char *a2, const char *a3)
{
    const char *argv[5] = { cmd, key, a1, a2, a3 };
    size_t argvlen[5] = { strlen(cmd), keylen, a1 ? strlen(a1) : 0, a2 ? strlen(a2) : 0,
                          a3 ? strlen(a3) : 0 };
    int argc = a3 ? 5 : a2 ? 4 : a1 ? 3 : 2;
    return send_cmd(r, -1, argc, argv, argvlen);
}

/* Sends name [extra] numkeys keys... args... for EVALSHA and FCALL. */
static rl_reply *send_script_cmd(run *r, int step, const char *cmd, const char *name,
                                 size_t namelen, const rl_step *st)
{
    int argc = 3 + st->argc;
    const char **argv = rl_malloc((size_t)argc * sizeof(char *));
    size_t *argvlen = rl_malloc((size_t)argc * sizeof(size_t));
    char numkeys[24];
    snprintf(numkeys, sizeof(numkeys), "%d", st->numkeys);
    argv[0] = cmd;
    argvlen[0] = strlen(cmd);
    argv[1] = name;
    argvlen[1] = namelen;
    argv[2] = numkeys;
    argvlen[2] = strlen(numkeys);
    for (int i = 0; i < st->argc; i++) {
        argv[3 + i] = st->argv[i];
        argvlen[3 + i] = st->argvlen[i];
    }
    rl_reply *reply = send_cmd(r, step, argc, argv, argvlen);
    rl_free(argv);
    rl_free(argvlen);
    return reply;
}

/* --- Failure messages ------------------------------------------------------ */

static void describe_args(rl_buf *m, const rl_step *st, int from, int to)
{
    rl_buf_puts(m, "[");
    for (int i = from; i < to; i++) {
        if (i > from) rl_buf_puts(m, ", ");
        rl_report_string(m, st->argv[i], st->argvlen[i]);
    }
    rl_buf_puts(m, "]");
}

static void describe_step(run *r, size_t idx)
{
    record_failure(r, (int)idx + 1, r->cs->steps[idx].line);
    rl_runner_describe_step(&r->msg, r->f, r->cs, idx);
}

void rl_runner_describe_step(rl_buf *m, const rl_fixture *f, const rl_case *cs, size_t idx)
{
    const rl_step *st = &cs->steps[idx];
    rl_buf_printf(m, "step %zu (%s:%d): ", idx + 1, f->path, st->line);
    switch (st->kind) {
    case RL_STEP_CALL:
        rl_buf_puts(m, "call ");
        describe_args(m, st, 0, st->argc);
        break;
    case RL_STEP_EVAL:
    case RL_STEP_FCALL:
        if (st->kind == RL_STEP_EVAL) {
            const char *n = f->scripts[st->script].name;
            rl_buf_puts(m, "eval ");
            rl_report_string(m, n, strlen(n));
        } else {
            rl_buf_puts(m, "fcall ");
            rl_report_string(m, st->function, st->function_len);
        }
        rl_buf_puts(m, " keys ");
        describe_args(m, st, 0, st->numkeys);
        rl_buf_puts(m, " args ");
        describe_args(m, st, st->numkeys, st->argc);
        break;
    case RL_STEP_ADVANCE: rl_buf_printf(m, "advance_ms %lld", (long long)st->advance_ms); break;
    }
    rl_buf_puts(m, "\n");
}

static void put_block(rl_buf *m, const char *title, const char *text)
{
    rl_buf_printf(m, "  %s:\n", title);
    const char *p = text;
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        rl_buf_puts(m, "    ");
        rl_buf_put(m, p, n);
        rl_buf_puts(m, "\n");
        p += n;
        if (*p == '\n') p++;
    }
}

/* For a script error, the first "user_script:N" of the message as the
 * original file, line and source line: the place a person opens in an
 * editor. */
static void put_location(rl_buf *m, const rl_reply *reply, const rl_script *sc)
{
    if (sc == NULL || sc->code.file == NULL || reply->type != RL_REPLY_ERROR) return;
    rl_buf loc = { 0 };
    if (rl_srcmap_error_location(&sc->code, reply->str, reply->len, &loc) == 0)
        rl_buf_printf(m, "  at:             %s\n", loc.p);
    /* A compile error names a second line ("to close 'function' at line
     * N"): the whole message, mapped, shows both. */
    if (strstr(reply->str, "Error compiling script") != NULL) {
        rl_buf_free(&loc);
        rl_srcmap_rewrite(&sc->code, reply->str, reply->len, &loc);
        rl_buf_printf(m, "  mapped:         %s\n", loc.p);
    }
    rl_buf_free(&loc);
}

/* Redis compiles a library as "@user_function", from the newline that ends
 * its "#!lua" line, so "user_function:N" is line N of the text FUNCTION LOAD
 * was sent: mapped here to the library file and line. */
static void put_function_location(rl_buf *m, const rl_reply *reply, const rl_function_lib *lib)
{
    static const char tag[] = "user_function:";
    const size_t taglen = sizeof(tag) - 1;
    if (lib == NULL || reply->type != RL_REPLY_ERROR) return;
    for (size_t i = 0; i + taglen < reply->len; i++) {
        if (memcmp(reply->str + i, tag, taglen) != 0) continue;
        int line = 0;
        size_t j = i + taglen;
        while (j < reply->len && reply->str[j] >= '0' && reply->str[j] <= '9' && line < 1000000)
            line = line * 10 + (reply->str[j++] - '0');
        const char *file, *src;
        int fline;
        size_t srclen;
        if (j == i + taglen ||
            rl_srcmap_lookup(&lib->code, line, &file, &fline, &src, &srclen) != 0)
            return;
        rl_buf_printf(m, "  at:             %s:%d", file, fline);
        if (src != NULL) {
            while (srclen > 0 && (*src == ' ' || *src == '\t')) {
                src++;
                srclen--;
            }
            while (srclen > 0 &&
                   (src[srclen - 1] == ' ' || src[srclen - 1] == '\t' || src[srclen - 1] == '\r'))
                srclen--;
            rl_buf_puts(m, ": ");
            rl_buf_put(m, src, srclen);
        }
        rl_buf_puts(m, "\n");
        return;
    }
}

/* The library that registers the function an fcall step names: the only
 * library, else the first whose text quotes the name (as register_function
 * is given it). NULL if none does. */
static const rl_function_lib *function_library(const rl_fixture *f, const rl_step *st)
{
    if (f->nfunctions == 1) return &f->functions[0];
    for (size_t i = 0; i < f->nfunctions; i++) {
        const rl_loaded_script *code = &f->functions[i].code;
        for (size_t j = 1; j + st->function_len + 1 < code->len; j++) {
            char q = code->text[j - 1];
            if ((q == '\'' || q == '"') && code->text[j + st->function_len] == q &&
                memcmp(code->text + j, st->function, st->function_len) == 0)
                return &f->functions[i];
        }
    }
    return NULL;
}

/* Replaces every "from" in text by "to" (same-purpose chunk tags). */
static void replace_tag(rl_buf *out, const char *text, const char *from, const char *to)
{
    size_t flen = strlen(from);
    const char *p = text, *hit;
    while ((hit = strstr(p, from)) != NULL) {
        rl_buf_put(out, p, (size_t)(hit - p));
        rl_buf_puts(out, to);
        p = hit + flen;
    }
    rl_buf_puts(out, p);
}

/* A function's traceback, its "user_function:N" frames mapped to the library
 * file, as a script's are: srcmap maps chunk lines named "user_script:N",
 * so the tag is swapped for it, and back where a line maps nowhere. */
static void put_function_traceback(rl_buf *m, const rl_function_lib *lib, const char *tb)
{
    rl_buf as_script = { 0 }, mapped = { 0 };
    replace_tag(&as_script, tb, "user_function:", "user_script:");
    rl_srcmap_traceback(&lib->code, as_script.p, "    ", &mapped);
    replace_tag(m, mapped.p, "user_script:", "user_function:");
    rl_buf_free(&as_script);
    rl_buf_free(&mapped);
}

static void describe_failure(run *r, size_t idx, const rl_reply *reply, int from_load,
                             const char *tb, const char *log)
{
    const rl_step *st = &r->cs->steps[idx];
    const rl_script *sc = st->kind == RL_STEP_EVAL ? &r->f->scripts[st->script] : NULL;
    rl_buf *m = &r->msg;
    describe_step(r, idx);
    switch (st->expect) {
    case RL_EXPECT_REPLY:
        rl_buf_puts(m, "  expected reply: ");
        rl_report_json(m, st->reply);
        break;
    case RL_EXPECT_ERROR:
        rl_buf_puts(m, "  expected error: ");
        rl_report_string(m, st->error, st->error_len);
        rl_buf_puts(m, " (glob)");
        break;
    case RL_EXPECT_NONE: rl_buf_puts(m, "  expected:       any reply but an error"); break;
    }
    if (reply->type == RL_REPLY_ERROR) {
        rl_buf_puts(m, "\n  actual error:   ");
        rl_report_string(m, reply->str, reply->len);
    } else {
        rl_buf_puts(m, "\n  actual reply:   ");
        rl_report_reply(m, reply);
    }
    rl_buf_puts(m, "\n");
    if (st->expect == RL_EXPECT_REPLY && reply->type != RL_REPLY_ERROR &&
        !(st->kind == RL_STEP_EVAL && rl_params_returns_json(&sc->code)))
        rl_diff_reply(m, st->reply, reply, "  ");
    if (from_load) rl_buf_puts(m, "  (the error is SCRIPT LOAD's: the script did not load)\n");
    put_location(m, reply, sc);
    if (st->kind == RL_STEP_FCALL) put_function_location(m, reply, function_library(r->f, st));
    /* The time limit's error, whatever the expectation: say what stopped it. */
    size_t tlen = strcspn(RL_ERRF_SCRIPT_TIMEOUT, "%");
    if (reply->type == RL_REPLY_ERROR && reply->len >= tlen &&
        memcmp(reply->str, RL_ERRF_SCRIPT_TIMEOUT, tlen) == 0)
        rl_buf_puts(m,
                    "  timed out:      the script ran past its time limit (\"timeout_ms\" in the "
                    "fixture or\n                  --timeout-ms) and was stopped on the last "
                    "line of its traceback\n");
    if (reply->type == RL_REPLY_ERROR && tb != NULL && tb[0] != '\0') {
        static const rl_loaded_script no_script;
        rl_buf_puts(m, "  traceback (most recent call last):\n");
        const rl_function_lib *lib = st->kind == RL_STEP_FCALL ? function_library(r->f, st) : NULL;
        if (lib != NULL) put_function_traceback(m, lib, tb);
        else rl_srcmap_traceback(sc != NULL ? &sc->code : &no_script, tb, "    ", m);
    }
    if (log != NULL && log[0] != '\0') put_block(m, "redis.log", log);
}

static int judge(const rl_fixture *f, const rl_step *st, const rl_reply *reply)
{
    /* A %return dict|list script replies JSON text; "reply" is its decoded
     * value (docs/fixture-format.md, "Named parameters"). */
    if (st->expect == RL_EXPECT_REPLY && st->kind == RL_STEP_EVAL &&
        rl_params_returns_json(&f->scripts[st->script].code)) {
        char why[300];
        return reply->type == RL_REPLY_BULK &&
            rl_params_json_matches(st->reply, reply->str, reply->len, why, sizeof(why));
    }
    switch (st->expect) {
    case RL_EXPECT_NONE: return reply->type != RL_REPLY_ERROR;
    case RL_EXPECT_ERROR:
        return reply->type == RL_REPLY_ERROR &&
            rl_glob_match(st->error, st->error_len, reply->str, reply->len);
    case RL_EXPECT_REPLY: return rl_match_reply(st->reply, reply);
    }
    return 0;
}

/* --- Steps ----------------------------------------------------------------- */

/* 1 if a call step runs a script or function (EVAL, FCALL and variants). */
static int runs_script(const rl_step *st)
{
    static const char *const names[] = { "EVAL",  "EVALSHA",  "EVAL_RO", "EVALSHA_RO",
                                         "FCALL", "FCALL_RO", NULL };
    for (size_t i = 0; names[i] != NULL; i++) {
        size_t n = strlen(names[i]);
        if (st->argvlen[0] != n) continue;
        size_t j = 0;
        while (j < n && (st->argv[0][j] & ~0x20) == names[i][j]) j++;
        if (j == n) return 1;
    }
    return 0;
}

/* Judges the while_busy commands of step idx (their replies are in
 * r->busy_replies); 1 if all passed. A script that ran but never became
 * busy fails the step: its busy commands were never sent. not_run: the step
 * sent no script (SCRIPT LOAD failed, or the backend did), which the step's
 * own expectation judges. */
static int judge_busy(run *r, size_t idx, int not_run)
{
    const rl_step *st = &r->cs->steps[idx];
    int ok = 1;
    for (size_t i = 0; i < st->nbusy; i++) {
        const rl_step *sub = &st->busy[i];
        const rl_reply *reply = r->busy_replies[i];
        if (reply == NULL) {
            if (not_run) return 1; /* the step's own expectation judges what happened */
            describe_step(r, idx);
            rl_buf_printf(&r->msg,
                          "  while_busy:     the script ended before it was busy, so its %zu "
                          "command(s) were never sent\n"
                          "                  (the busy threshold is \"busy_threshold_ms\" in the "
                          "fixture or --busy-threshold-ms, 5000 ms by default)\n",
                          st->nbusy);
            return 0;
        }
        if (judge(r->f, sub, reply)) continue;
        if (ok) describe_step(r, idx);
        ok = 0;
        rl_buf_printf(&r->msg, "  while_busy %zu (%s:%d): call ", i + 1, r->f->path, sub->line);
        describe_args(&r->msg, sub, 0, sub->argc);
        if (sub->expect == RL_EXPECT_REPLY) {
            rl_buf_puts(&r->msg, "\n    expected reply: ");
            rl_report_json(&r->msg, sub->reply);
        } else if (sub->expect == RL_EXPECT_ERROR) {
            rl_buf_puts(&r->msg, "\n    expected error: ");
            rl_report_string(&r->msg, sub->error, sub->error_len);
            rl_buf_puts(&r->msg, " (glob)");
        } else {
            rl_buf_puts(&r->msg, "\n    expected:       any reply but an error");
        }
        rl_buf_puts(&r->msg,
                    reply->type == RL_REPLY_ERROR ? "\n    actual error:   "
                                                  : "\n    actual reply:   ");
        if (reply->type == RL_REPLY_ERROR) rl_report_string(&r->msg, reply->str, reply->len);
        else rl_report_reply(&r->msg, reply);
        rl_buf_puts(&r->msg, "\n");
    }
    return ok;
}

/* Frees the replies of st's while_busy commands. */
static void drop_busy_replies(run *r, const rl_step *st)
{
    if (r->busy_replies == NULL) return;
    for (size_t i = 0; i < st->nbusy; i++) rl_reply_free(r->busy_replies[i]);
    rl_free(r->busy_replies);
    r->busy_replies = NULL;
}

/* --- Cluster safety ---------------------------------------------------------- */

/* Appends one issue of the cluster audit as "file:line: text". */
static void describe_issue(rl_buf *w, const rl_fixture *f, const rl_step *st, const rl_script *sc,
                           const rl_cluster_issue *is)
{
    const char *file = NULL;
    int line = 0;
    if (is->line > 0 && sc != NULL) {
        const char *src;
        size_t srclen;
        if (rl_srcmap_lookup(&sc->code, is->line, &file, &line, &src, &srclen) != 0) file = NULL;
    }
    if (file != NULL) rl_buf_printf(w, "%s:%d: ", file, line);
    else if (is->line > 0)
        rl_buf_printf(w, "%s:%d: ", st->kind == RL_STEP_FCALL ? "user_function" : "user_script",
                      is->line);
    else rl_buf_printf(w, "%s:%d: ", f->path, st->line);
    switch (is->kind) {
    case RL_CLUSTER_ISSUE_KEYS_CROSS_SLOT:
        rl_buf_puts(w, "the script's KEYS hash to different slots (");
        rl_report_string(w, is->key, is->keylen);
        rl_buf_printf(w, " is in slot %d, KEYS[1] in slot %d)", is->slot, is->expected_slot);
        break;
    case RL_CLUSTER_ISSUE_CROSS_SLOT:
        rl_buf_printf(w, "%s touches keys in different slots (", is->command);
        rl_report_string(w, is->key, is->keylen);
        rl_buf_printf(w, " is in slot %d, its first key in slot %d)", is->slot, is->expected_slot);
        break;
    case RL_CLUSTER_ISSUE_UNDECLARED_KEY:
        rl_buf_printf(w, "%s touches key ", is->command);
        rl_report_string(w, is->key, is->keylen);
        rl_buf_printf(w,
                      " (slot %d), which is not in KEYS: Redis Cluster requires a script to "
                      "declare every key it touches",
                      is->slot);
        if (is->redis_error == NULL && is->slot == is->expected_slot)
            rl_buf_puts(w, "; it shares the slot of KEYS, so it works there by chance");
        else if (is->redis_error == NULL)
            rl_buf_printf(w,
                          "; allow-cross-slot-keys: it works only where slot %d is served "
                          "by the node of slot %d",
                          is->slot, is->expected_slot);
        else if (is->expected_slot < 0)
            rl_buf_puts(w, "; the script has no KEYS, so a cluster client sends it to any node");
        else rl_buf_printf(w, "; KEYS are in slot %d", is->expected_slot);
        break;
    }
    if (is->redis_error != NULL) rl_buf_printf(w, "; Redis Cluster answers: %s", is->redis_error);
}

/* Adds the cluster audit's issues of the step that just ran a script to
 * the case's warnings, each text once. */
static void collect_cluster_issues(run *r, const rl_step *st)
{
    if (r->b->last_cluster_issues == NULL) return;
    const rl_cluster_issue *issues;
    size_t n = r->b->last_cluster_issues(r->b, &issues);
    const rl_script *sc = st->kind == RL_STEP_EVAL ? &r->f->scripts[st->script] : NULL;
    for (size_t i = 0; i < n; i++) {
        rl_buf one = { 0 };
        describe_issue(&one, r->f, st, sc, &issues[i]);
        rl_buf_puts(&one, "\n");
        int seen = 0;
        for (const char *p = r->warn.p; p != NULL && *p != '\0' && !seen;) {
            const char *nl = strchr(p, '\n');
            size_t len = (size_t)(nl - p) + 1;
            seen = len == one.len && memcmp(p, one.p, len) == 0;
            p = nl + 1;
        }
        if (!seen) rl_buf_put(&r->warn, one.p, one.len);
        rl_buf_free(&one);
    }
}

/* Returns 1 if the step passed, 0 if it failed, -1 on backend failure. */
static int run_step(run *r, size_t idx, char **shas)
{
    const rl_step *st = &r->cs->steps[idx];
    int step = (int)idx;
    rl_reply *reply = NULL;
    int from_load = 0;
    const rl_step *busy_step = st->nbusy > 0 ? st : NULL;
    if (busy_step != NULL) r->busy_replies = rl_calloc(st->nbusy, sizeof(rl_reply *));
    switch (st->kind) {
    case RL_STEP_ADVANCE:
        if (r->b->advance_ms(r->b, st->advance_ms) != 0) {
            r->backend_failed = 1;
            rl_buf_printf(&r->msg, "backend %s cannot advance its clock: %s\n", r->b->name,
                          r->b->errstr);
            return -1;
        }
        return 1;
    case RL_STEP_CALL:
        r->busy_step = busy_step;
        reply = send_cmd(r, step, st->argc, (const char *const *)st->argv, st->argvlen);
        if (reply != NULL && st->argc > 0) {
            const char *name = st->argv[0];
            size_t len = st->argvlen[0];
            if (name_is(name, len, "MULTI") && reply->type == RL_REPLY_STATUS) r->in_multi = 1;
            else if (name_is(name, len, "EXEC") || name_is(name, len, "DISCARD")) r->in_multi = 0;
        }
        break;
    case RL_STEP_FCALL:
        r->busy_step = busy_step;
        reply = send_script_cmd(r, step, "FCALL", st->function, st->function_len, st);
        break;
    case RL_STEP_EVAL: {
        const rl_script *sc = &r->f->scripts[st->script];
        if (r->in_multi) {
            /* Inside MULTI a SCRIPT LOAD would be queued (no SHA1 to call,
             * and one more element in EXEC's reply): EVAL queues the script
             * itself, which runs at EXEC as EVALSHA would. */
            reply = send_script_cmd(r, step, "EVAL", sc->code.text, sc->code.len, st);
            break;
        }
        if (shas[st->script] == NULL) {
            const char *argv[3] = { "SCRIPT", "LOAD", sc->code.text };
            size_t argvlen[3] = { 6, 4, sc->code.len };
            reply = send_cmd(r, step, 3, argv, argvlen);
            if (reply == NULL) {
                drop_busy_replies(r, st);
                return -1;
            }
            /* A script that does not compile: EVAL would have answered the
             * same error, so the step's expectation judges it. */
            if (reply->type == RL_REPLY_ERROR) {
                from_load = 1;
                break;
            }
            if (reply->type != RL_REPLY_BULK) {
                describe_step(r, idx);
                rl_buf_puts(&r->msg, "  SCRIPT LOAD answered ");
                rl_report_reply(&r->msg, reply);
                rl_buf_puts(&r->msg, " instead of a SHA1\n");
                rl_reply_free(reply);
                drop_busy_replies(r, st);
                return 0;
            }
            shas[st->script] = rl_memdup(reply->str, reply->len);
            rl_reply_free(reply);
        }
        const char *sha = shas[st->script];
        r->busy_step = busy_step;
        reply = send_script_cmd(r, step, "EVALSHA", sha, strlen(sha), st);
        break;
    }
    }
    r->busy_step = NULL;
    int busy_ok = 1;
    if (busy_step != NULL) {
        busy_ok = judge_busy(r, idx, reply == NULL || from_load);
        drop_busy_replies(r, st);
    }
    if (reply == NULL) return -1;
    /* Read the traceback and log now: they describe the last script only,
     * so they are asked for only after a step that ran one. */
    const char *tb = NULL, *log = NULL;
    if (st->kind != RL_STEP_CALL || runs_script(st)) {
        tb = r->b->last_traceback ? r->b->last_traceback(r->b) : NULL;
        log = r->b->last_log ? r->b->last_log(r->b) : NULL;
        collect_cluster_issues(r, st);
    }
    int ok = judge(r->f, st, reply);
    if (!ok) describe_failure(r, idx, reply, from_load, tb, log);
    ok = ok && busy_ok;
    if (r->cap != NULL) {
        r->cap->replies[idx] = reply;
        r->cap->step_ok[idx] = ok;
    } else {
        rl_reply_free(reply);
    }
    return ok;
}

/* Loads the fixture's "functions" libraries, in order, as a client would:
 * FUNCTION LOAD with the library's text. A library Redis refuses fails the
 * case with Redis's error and the library file. 1, 0 or -1 as run_step. */
static int load_functions(run *r)
{
    for (size_t i = 0; i < r->f->nfunctions; i++) {
        const rl_function_lib *lib = &r->f->functions[i];
        const char *argv[3] = { "FUNCTION", "LOAD", lib->code.text };
        size_t argvlen[3] = { 8, 4, lib->code.len };
        rl_reply *reply = send_cmd(r, -1, 3, argv, argvlen);
        if (reply == NULL) return -1;
        int ok = reply->type != RL_REPLY_ERROR;
        if (!ok) {
            record_failure(r, 0, lib->line);
            rl_buf_printf(&r->msg, "functions (%s:%d): FUNCTION LOAD of %s failed\n", r->f->path,
                          lib->line, lib->code.file);
            rl_buf_puts(&r->msg, "  actual error:   ");
            rl_report_string(&r->msg, reply->str, reply->len);
            rl_buf_puts(&r->msg, "\n");
            put_function_location(&r->msg, reply, lib);
        }
        rl_reply_free(reply);
        if (!ok) return 0;
    }
    return 1;
}

/* --- Keyspace check -------------------------------------------------------- */

/* value in the canonical shape of match.h, pttl -1 for no expiry. */
typedef rl_actual_key actual_key;

static int cmp_keys(const void *a, const void *b)
{
    const actual_key *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->name, y->name, n);
    if (c != 0) return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

static void keyspace_error(run *r, const char *what, const rl_reply *reply)
{
    record_failure(r, 0, r->cs->keyspace->line);
    rl_buf_printf(&r->msg, "keyspace check: %s answered ", what);
    rl_report_reply(&r->msg, reply);
    rl_buf_puts(&r->msg, "\n");
}

static int add_keys(actual_key **keys, size_t *n, size_t *cap, const rl_reply *arr)
{
    for (size_t i = 0; i < arr->elements; i++) {
        const rl_reply *k = arr->element[i];
        if (k->type != RL_REPLY_BULK) return -1;
        int dup = 0;
        /* SCAN may return a key more than once. */
        for (size_t j = 0; j < *n && !dup; j++)
            dup = (*keys)[j].len == k->len && memcmp((*keys)[j].name, k->str, k->len) == 0;
        if (dup) continue;
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 16;
            *keys = rl_realloc(*keys, *cap * sizeof(actual_key));
        }
        memset(&(*keys)[*n], 0, sizeof(actual_key));
        (*keys)[*n].name = rl_memdup(k->str, k->len);
        (*keys)[*n].len = k->len;
        (*n)++;
    }
    return 0;
}

/* Lists database 0 with SCAN, or KEYS * where SCAN is refused. Returns 0, or
 * -1 with the reason in the message (or a backend failure). */
static int list_keys(run *r, actual_key **keys, size_t *n)
{
    size_t cap = 0;
    char cursor[32] = "0";
    for (long round = 0; round < RL_SCAN_MAX_ROUNDS; round++) {
        const char *argv[4] = { "SCAN", cursor, "COUNT", "1000" };
        size_t argvlen[4] = { 4, strlen(cursor), 5, 4 };
        rl_reply *rep = send_cmd(r, -1, 4, argv, argvlen);
        if (rep == NULL) return -1;
        if (rep->type == RL_REPLY_ERROR && round == 0) {
            rl_reply_free(rep);
            const char *kargv[2] = { "KEYS", "*" };
            size_t kargvlen[2] = { 4, 1 };
            rep = send_cmd(r, -1, 2, kargv, kargvlen);
            if (rep == NULL) return -1;
            if (rep->type != RL_REPLY_ARRAY || add_keys(keys, n, &cap, rep) != 0) {
                keyspace_error(r, "KEYS *", rep);
                rl_reply_free(rep);
                return -1;
            }
            rl_reply_free(rep);
            return 0;
        }
        if (rep->type != RL_REPLY_ARRAY || rep->elements != 2 ||
            rep->element[0]->type != RL_REPLY_BULK || rep->element[0]->len >= sizeof(cursor) ||
            rep->element[1]->type != RL_REPLY_ARRAY ||
            add_keys(keys, n, &cap, rep->element[1]) != 0) {
            keyspace_error(r, "SCAN", rep);
            rl_reply_free(rep);
            return -1;
        }
        memcpy(cursor, rep->element[0]->str, rep->element[0]->len);
        cursor[rep->element[0]->len] = '\0';
        rl_reply_free(rep);
        if (strcmp(cursor, "0") == 0) return 0;
    }
    rl_buf_puts(&r->msg, "keyspace check: SCAN never finished\n");
    return -1;
}

/* Turns a HGETALL reply (RESP2 array or RESP3 map) into a flat array. */
static rl_reply *flatten_pairs(rl_reply *rep)
{
    if (rep->type == RL_REPLY_MAP) rep->type = RL_REPLY_ARRAY;
    return rep;
}

/* ZRANGE WITHSCORES answers m, s, m, s in RESP2 and [m, s] pairs with
 * doubles in RESP3; both become [[m, "s"], ...] with the score as Redis
 * formats it. */
static rl_reply *zset_pairs(rl_reply *rep)
{
    rl_reply *out = rl_reply_new(RL_REPLY_ARRAY);
    int nested = rep->elements > 0 && rep->element[0]->type == RL_REPLY_ARRAY;
    size_t step = nested ? 1 : 2;
    for (size_t i = 0; i + step - 1 < rep->elements; i += step) {
        const rl_reply *m = nested ? rep->element[i]->element[0] : rep->element[i];
        const rl_reply *s = nested ? rep->element[i]->element[1] : rep->element[i + 1];
        if (nested && rep->element[i]->elements != 2) continue;
        rl_reply *pair = rl_reply_new(RL_REPLY_ARRAY);
        rl_reply_append_take(pair, rl_reply_dup(m));
        if (s->type == RL_REPLY_DOUBLE) {
            char buf[64];
            int len;
            if (isinf(s->dval))
                len = snprintf(buf, sizeof(buf), "%s", s->dval > 0 ? "inf" : "-inf");
            else if (s->str != NULL && s->len > 0) len = snprintf(buf, sizeof(buf), "%s", s->str);
            else len = snprintf(buf, sizeof(buf), "%.17g", s->dval);
            rl_reply_append_take(pair, rl_reply_new_str(RL_REPLY_BULK, buf, (size_t)len));
        } else {
            rl_reply_append_take(pair, rl_reply_dup(s));
        }
        rl_reply_append_take(out, pair);
    }
    rl_reply_free(rep);
    return out;
}

/* Reads one key's type, value and PTTL. Returns 0, 1 if the key is gone,
 * or -1 on failure. */
static int read_key(run *r, actual_key *k)
{
    rl_reply *t = send_key_cmd(r, "TYPE", k->name, k->len, NULL, NULL, NULL);
    if (t == NULL) return -1;
    if (t->type != RL_REPLY_STATUS || t->len >= sizeof(k->type)) {
        keyspace_error(r, "TYPE", t);
        rl_reply_free(t);
        return -1;
    }
    memcpy(k->type, t->str, t->len + 1);
    rl_reply_free(t);
    if (strcmp(k->type, "none") == 0) return 1;
    const char *what;
    rl_reply *v;
    if (strcmp(k->type, "string") == 0) {
        what = "GET";
        v = send_key_cmd(r, "GET", k->name, k->len, NULL, NULL, NULL);
    } else if (strcmp(k->type, "hash") == 0) {
        what = "HGETALL";
        v = send_key_cmd(r, "HGETALL", k->name, k->len, NULL, NULL, NULL);
    } else if (strcmp(k->type, "list") == 0) {
        what = "LRANGE";
        v = send_key_cmd(r, "LRANGE", k->name, k->len, "0", "-1", NULL);
    } else if (strcmp(k->type, "set") == 0) {
        what = "SMEMBERS";
        v = send_key_cmd(r, "SMEMBERS", k->name, k->len, NULL, NULL, NULL);
    } else if (strcmp(k->type, "zset") == 0) {
        what = "ZRANGE";
        v = send_key_cmd(r, "ZRANGE", k->name, k->len, "0", "-1", "WITHSCORES");
    } else if (strcmp(k->type, "stream") == 0) {
        what = "XRANGE";
        v = send_key_cmd(r, "XRANGE", k->name, k->len, "-", "+", NULL);
    } else {
        rl_buf_puts(&r->msg, "keyspace check: key ");
        rl_report_string(&r->msg, k->name, k->len);
        rl_buf_printf(&r->msg, " has type \"%s\", which fixtures cannot describe\n", k->type);
        return -1;
    }
    if (v == NULL) return -1;
    int want_array = strcmp(k->type, "string") != 0;
    if (v->type == RL_REPLY_SET) v->type = RL_REPLY_ARRAY;
    if (v->type == RL_REPLY_MAP) v = flatten_pairs(v);
    if ((want_array && v->type != RL_REPLY_ARRAY) || (!want_array && v->type != RL_REPLY_BULK)) {
        if (v->type == RL_REPLY_NIL || v->type == RL_REPLY_NIL_ARRAY) {
            rl_reply_free(v);
            return 1; /* expired between SCAN and now */
        }
        keyspace_error(r, what, v);
        rl_reply_free(v);
        return -1;
    }
    if (strcmp(k->type, "zset") == 0) v = zset_pairs(v);
    k->value = v;
    rl_reply *p = send_key_cmd(r, "PTTL", k->name, k->len, NULL, NULL, NULL);
    if (p == NULL) return -1;
    if (p->type != RL_REPLY_INTEGER) {
        keyspace_error(r, "PTTL", p);
        rl_reply_free(p);
        return -1;
    }
    k->pttl = p->integer;
    rl_reply_free(p);
    return k->pttl == -2 ? 1 : 0;
}

/* TTL's rounding of a PTTL, so that "actual" reads like TTL output. */
static long long ttl_of(long long pttl)
{
    return (pttl + 500) / 1000;
}

static void put_actual_value(rl_buf *m, const actual_key *k)
{
    if (strcmp(k->type, "hash") == 0) {
        rl_buf_puts(m, "{");
        for (size_t i = 0; i + 1 < k->value->elements; i += 2) {
            if (i > 0) rl_buf_puts(m, ", ");
            rl_report_reply(m, k->value->element[i]);
            rl_buf_puts(m, ": ");
            rl_report_reply(m, k->value->element[i + 1]);
        }
        rl_buf_puts(m, "}");
    } else {
        rl_report_reply(m, k->value);
    }
}

static void put_actual_entry(rl_buf *m, const actual_key *k)
{
    rl_buf_printf(m, "{\"type\": \"%s\", \"value\": ", k->type);
    put_actual_value(m, k);
    if (k->pttl >= 0) rl_buf_printf(m, ", \"ttl\": %lld", ttl_of(k->pttl));
    rl_buf_puts(m, "}");
}

static int check_keyspace(run *r)
{
    const rl_json *ks = r->cs->keyspace;
    rl_buf *m = &r->msg;
    const char *argv[2] = { "SELECT", "0" };
    size_t argvlen[2] = { 6, 1 };
    rl_reply *sel = send_cmd(r, -1, 2, argv, argvlen);
    if (sel == NULL) return -1;
    if (sel->type == RL_REPLY_ERROR) {
        keyspace_error(r, "SELECT 0", sel);
        rl_reply_free(sel);
        return 0;
    }
    rl_reply_free(sel);

    actual_key *keys = NULL;
    size_t n = 0;
    int ok = 1;
    if (list_keys(r, &keys, &n) != 0) {
        ok = r->backend_failed ? -1 : 0;
        goto done;
    }
    if (n > 1) qsort(keys, n, sizeof(*keys), cmp_keys); /* keys is NULL when n == 0 */
    size_t live = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = read_key(r, &keys[i]);
        if (rc < 0) {
            ok = r->backend_failed ? -1 : 0;
            goto done;
        }
        /* Each slot is moved or freed, then cleared, so that the cleanup
         * below frees every name exactly once even after a failure. */
        if (rc == 0) {
            actual_key tmp = keys[i];
            memset(&keys[i], 0, sizeof(keys[i]));
            keys[live++] = tmp;
        } else {
            rl_free(keys[i].name);
            rl_reply_free(keys[i].value);
            memset(&keys[i], 0, sizeof(keys[i]));
        }
    }
    n = live;

    rl_buf diff = { 0 };
    if (r->cap != NULL) {
        r->cap->keyspace_read = 1;
        r->cap->entry_ok = rl_calloc(ks->count ? ks->count : 1, sizeof(int));
    }
    for (size_t i = 0; i < ks->count; i++) {
        const rl_json *name = ks->keys[i], *e = ks->items[i];
        const rl_json *type = rl_json_get(e, "type"), *value = rl_json_get(e, "value");
        const rl_json *ttl = rl_json_get(e, "ttl");
        actual_key *k = NULL;
        for (size_t j = 0; j < n && k == NULL; j++) {
            if (keys[j].len == name->len && memcmp(keys[j].name, name->str, name->len) == 0)
                k = &keys[j];
        }
        if (k == NULL) {
            rl_buf_puts(&diff, "  missing key ");
            rl_report_string(&diff, name->str, name->len);
            rl_buf_printf(&diff, " (%s:%d): expected ", r->f->path, name->line);
            rl_report_json(&diff, e);
            rl_buf_puts(&diff, "\n");
            continue;
        }
        k->matched = 1;
        int same = strcmp(k->type, type->str) == 0 && rl_match_key_value(k->type, value, k->value);
        if (same) {
            if (ttl == NULL) same = k->pttl == -1;
            else same = k->pttl >= 0 && fabs((double)k->pttl / 1000.0 - ttl->number) <= 1.0;
        }
        if (same && r->cap != NULL) r->cap->entry_ok[i] = 1;
        if (!same) {
            rl_buf_puts(&diff, "  key ");
            rl_report_string(&diff, name->str, name->len);
            rl_buf_printf(&diff, " (%s:%d):\n    expected ", r->f->path, name->line);
            rl_report_json(&diff, e);
            rl_buf_puts(&diff, "\n    actual   ");
            put_actual_entry(&diff, k);
            if (ttl != NULL && k->pttl >= 0) rl_buf_printf(&diff, " (PTTL %lld)", k->pttl);
            rl_buf_puts(&diff, "\n");
            if (strcmp(k->type, type->str) == 0)
                rl_diff_key_value(&diff, k->type, value, k->value, "    ");
        }
    }
    for (size_t j = 0; j < n; j++) {
        if (keys[j].matched) continue;
        rl_buf_puts(&diff, "  unexpected key ");
        rl_report_string(&diff, keys[j].name, keys[j].len);
        rl_buf_puts(&diff, ": ");
        put_actual_entry(&diff, &keys[j]);
        rl_buf_puts(&diff, "\n");
    }
    if (diff.len > 0) {
        ok = 0;
        record_failure(r, 0, ks->line);
        rl_buf_printf(m, "keyspace (%s:%d) differs from database 0:\n", r->f->path, ks->line);
        rl_buf_put(m, diff.p, diff.len);
    }
    rl_buf_free(&diff);
    if (r->cap != NULL) {
        /* The capture takes the keys; the cleanup below then has none. */
        r->cap->keys = keys;
        r->cap->nkeys = n;
        keys = NULL;
        n = 0;
    }

done:
    for (size_t i = 0; i < n; i++) {
        rl_free(keys[i].name);
        rl_reply_free(keys[i].value);
    }
    rl_free(keys);
    return ok;
}

/* For a capture with read_keyspace, on a case without a keyspace section:
 * database 0 into cap->keys, sorted by name, as check_keyspace reads it.
 * Returns 1, 0 when it could not be read (the message says why), or -1 on
 * a backend failure. */
static int capture_keyspace(run *r)
{
    const char *argv[2] = { "SELECT", "0" };
    size_t argvlen[2] = { 6, 1 };
    rl_reply *sel = send_cmd(r, -1, 2, argv, argvlen);
    if (sel == NULL) return -1;
    rl_reply_free(sel);
    actual_key *keys = NULL;
    size_t n = 0, live = 0;
    int ok = list_keys(r, &keys, &n) == 0;
    if (ok && n > 1) qsort(keys, n, sizeof(*keys), cmp_keys);
    for (size_t i = 0; ok && i < n; i++) {
        int rc = read_key(r, &keys[i]);
        if (rc < 0) {
            ok = 0;
        } else {
            /* Moved down, or freed when the key is gone; each slot is then
             * cleared, so the cleanup frees every name once. */
            actual_key tmp = keys[i];
            memset(&keys[i], 0, sizeof(keys[i]));
            if (rc == 0) {
                keys[live++] = tmp;
            } else {
                rl_free(tmp.name);
                rl_reply_free(tmp.value);
            }
        }
    }
    if (ok) {
        r->cap->keyspace_read = 1;
        r->cap->keys = keys;
        r->cap->nkeys = live;
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        rl_free(keys[i].name);
        rl_reply_free(keys[i].value);
    }
    rl_free(keys);
    return r->backend_failed ? -1 : 0;
}

/* --- Cases ----------------------------------------------------------------- */

static char *strip_newline(char *s)
{
    size_t n = strlen(s);
    if (n > 0 && s[n - 1] == '\n') s[n - 1] = '\0';
    return s;
}

int rl_run_case(rl_backend *b, const rl_fixture *f, size_t case_index, rl_command_hook hook,
                void *ud, rl_case_result *out)
{
    return rl_run_case_capture(b, f, case_index, hook, ud, NULL, out);
}

int rl_run_case_capture(rl_backend *b, const rl_fixture *f, size_t case_index, rl_command_hook hook,
                        void *ud, rl_case_capture *cap, rl_case_result *out)
{
    memset(out, 0, sizeof(*out));
    if (case_index >= f->ncases) {
        out->status = RL_CASE_FAIL;
        out->message = rl_strdup("no such case");
        return -1;
    }
    const rl_case *cs = &f->cases[case_index];
    if (cs->uses_clock && !b->has_clock) {
        rl_buf m = { 0 };
        rl_buf_printf(&m, "the %s backend has no clock and the case uses %s", b->name,
                      cs->has_clock_ms ? "clock_ms" : "advance_ms");
        out->status = RL_CASE_SKIP;
        out->message = rl_buf_take(&m);
        return 0;
    }
    if (cs->uses_busy && b->call_busy == NULL) {
        rl_buf m = { 0 };
        rl_buf_printf(&m, "the %s backend cannot send while_busy commands", b->name);
        out->status = RL_CASE_SKIP;
        out->message = rl_buf_take(&m);
        return 0;
    }
    const int64_t *lim = cs->limits;
    int has_limits = lim[RL_CASE_LIMIT_TIMEOUT_MS] >= 0 || lim[RL_CASE_LIMIT_LUA_MEMORY_MB] >= 0 ||
        lim[RL_CASE_LIMIT_MAXMEMORY] >= 0 || lim[RL_CASE_LIMIT_BUSY_THRESHOLD_MS] >= 0;
    if (has_limits && b->set_limits == NULL) {
        rl_buf m = { 0 };
        rl_buf_printf(&m,
                      "the %s backend cannot apply the case's limits (timeout_ms, "
                      "lua_memory_mb, maxmemory, busy_threshold_ms)",
                      b->name);
        out->status = RL_CASE_SKIP;
        out->message = rl_buf_take(&m);
        return 0;
    }
    run r = { b, f, cs, case_index, hook, ud, 0, { 0 }, cap, 0, 0, 0, 0, NULL, NULL, { 0 } };
    int keep_going = cap != NULL && cap->keep_going;
    if (cap != NULL) {
        cap->nsteps = cs->nsteps;
        cap->replies = rl_calloc(cs->nsteps ? cs->nsteps : 1, sizeof(rl_reply *));
        cap->step_ok = rl_malloc((cs->nsteps ? cs->nsteps : 1) * sizeof(int));
        for (size_t i = 0; i < cs->nsteps; i++) cap->step_ok[i] = -1;
    }
    int result = 1;
    if (b->reset(b) != 0) {
        rl_buf_printf(&r.msg, "backend %s cannot reset: %s\n", b->name, b->errstr);
        r.backend_failed = 1;
        result = -1;
    } else if (b->has_clock &&
               b->set_clock_ms(b, cs->has_clock_ms ? cs->clock_ms : RL_DEFAULT_CLOCK_MS) != 0) {
        rl_buf_printf(&r.msg, "backend %s cannot set its clock: %s\n", b->name, b->errstr);
        r.backend_failed = 1;
        result = -1;
    } else if (has_limits) {
        int64_t mb = lim[RL_CASE_LIMIT_LUA_MEMORY_MB];
        rl_backend_limits l = { lim[RL_CASE_LIMIT_TIMEOUT_MS],
                                mb < 0                       ? -1
                                    : mb > (INT64_MAX >> 20) ? INT64_MAX
                                                             : mb << 20,
                                lim[RL_CASE_LIMIT_MAXMEMORY],
                                lim[RL_CASE_LIMIT_BUSY_THRESHOLD_MS] };
        if (b->set_limits(b, &l) != 0) {
            rl_buf_printf(&r.msg, "backend %s cannot apply the case's limits: %s\n", b->name,
                          b->errstr);
            r.backend_failed = 1;
            result = -1;
        }
    }
    if (result == 1) result = load_functions(&r);
    char **shas = rl_calloc(f->nscripts ? f->nscripts : 1, sizeof(char *));
    /* keep_going runs on past failing steps (never past a backend failure),
     * so a capture sees every step's reply. */
    for (size_t i = 0; i < cs->nsteps && (result == 1 || (result == 0 && keep_going)); i++) {
        int rc = run_step(&r, i, shas);
        if (rc < result) result = rc;
    }
    if ((result == 1 || (result == 0 && keep_going)) && cs->keyspace != NULL) {
        int rc = check_keyspace(&r);
        if (rc < result) result = rc;
    } else if ((result == 1 || (result == 0 && keep_going)) && cap != NULL && cap->read_keyspace) {
        int rc = capture_keyspace(&r);
        if (rc < result) result = rc;
    }
    for (size_t i = 0; i < f->nscripts; i++) rl_free(shas[i]);
    rl_free(shas);

    out->status = result == 1 ? RL_CASE_PASS : RL_CASE_FAIL;
    out->fail_step = r.fail_step;
    out->fail_line = r.fail_line;
    if (r.msg.len > 0) out->message = strip_newline(rl_buf_take(&r.msg));
    rl_buf_free(&r.msg);
    if (r.warn.len > 0) out->warnings = strip_newline(rl_buf_take(&r.warn));
    rl_buf_free(&r.warn);
    return r.backend_failed ? -1 : 0;
}

void rl_case_result_clear(rl_case_result *r)
{
    rl_free(r->message);
    r->message = NULL;
    rl_free(r->warnings);
    r->warnings = NULL;
    r->status = RL_CASE_PASS;
    r->fail_step = 0;
    r->fail_line = 0;
}

void rl_case_capture_clear(rl_case_capture *cap)
{
    for (size_t i = 0; i < cap->nsteps && cap->replies != NULL; i++) rl_reply_free(cap->replies[i]);
    rl_free(cap->replies);
    rl_free(cap->step_ok);
    rl_free(cap->entry_ok);
    for (size_t i = 0; i < cap->nkeys; i++) {
        rl_free(cap->keys[i].name);
        rl_reply_free(cap->keys[i].value);
    }
    rl_free(cap->keys);
    int keep_going = cap->keep_going;
    memset(cap, 0, sizeof(*cap));
    cap->keep_going = keep_going;
}
