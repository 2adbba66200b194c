/* Script metrics in redlua-test (script_metrics.h, docs/metrics-json.md). */
#include "script_metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* --- Collecting a case ---------------------------------------------------- */

typedef struct cmd_count {
    char *name;
    uint64_t calls, pcalls;
} cmd_count;

typedef struct key_ent {
    int db;
    unsigned access; /* RL_METRICS_KEY_* */
    size_t len;
    char *name;
} key_ent;

/* What one script (or, for the totals, the whole case) did. */
typedef struct acc {
    char *id;                     /* the script's file, "FIXTURE#name", "function:f", "call" */
    char *name;                   /* its name in the fixture, or NULL */
    const rl_loaded_script *code; /* its loaded text (for the included files), or NULL */
    uint64_t runs, calls, pcalls, bytes_in, bytes_out, instructions, heap_peak, ns;
    cmd_count *cmds; /* sorted by name */
    size_t ncmds;
    key_ent *keys; /* sorted by db, then bytes */
    size_t nkeys;
} acc;

struct rl_case_metrics {
    const rl_fixture *f;
    size_t case_index;
    acc *accs;
    size_t n;
};

rl_case_metrics *rl_case_metrics_new(const rl_fixture *f, size_t case_index)
{
    rl_case_metrics *cm = rl_calloc(1, sizeof(*cm));
    cm->f = f;
    cm->case_index = case_index;
    return cm;
}

static void acc_clear(acc *a)
{
    for (size_t i = 0; i < a->ncmds; i++) rl_free(a->cmds[i].name);
    for (size_t i = 0; i < a->nkeys; i++) rl_free(a->keys[i].name);
    rl_free(a->cmds);
    rl_free(a->keys);
    rl_free(a->id);
    rl_free(a->name);
    memset(a, 0, sizeof(*a));
}

void rl_case_metrics_free(rl_case_metrics *cm)
{
    if (cm == NULL) return;
    for (size_t i = 0; i < cm->n; i++) acc_clear(&cm->accs[i]);
    rl_free(cm->accs);
    rl_free(cm);
}

static void add_command(acc *a, const char *name, uint64_t calls, uint64_t pcalls)
{
    size_t i = 0;
    while (i < a->ncmds && strcmp(a->cmds[i].name, name) < 0) i++;
    if (i == a->ncmds || strcmp(a->cmds[i].name, name) != 0) {
        a->cmds = rl_realloc(a->cmds, (a->ncmds + 1) * sizeof(cmd_count));
        memmove(&a->cmds[i + 1], &a->cmds[i], (a->ncmds - i) * sizeof(cmd_count));
        a->cmds[i].name = rl_strdup(name);
        a->cmds[i].calls = a->cmds[i].pcalls = 0;
        a->ncmds++;
    }
    a->cmds[i].calls += calls;
    a->cmds[i].pcalls += pcalls;
}

static int key_cmp(int db1, const char *n1, size_t l1, int db2, const char *n2, size_t l2)
{
    if (db1 != db2) return db1 < db2 ? -1 : 1;
    int c = memcmp(n1, n2, l1 < l2 ? l1 : l2);
    if (c != 0) return c;
    return l1 < l2 ? -1 : l1 > l2;
}

/* Merges n sorted keys into a's sorted set, copying the names it adds. */
static void merge_keys(acc *a, const key_ent *src, size_t n)
{
    key_ent *out = rl_calloc(a->nkeys + n ? a->nkeys + n : 1, sizeof(key_ent));
    size_t i = 0, j = 0, k = 0;
    while (i < a->nkeys || j < n) {
        int c = i == a->nkeys ? 1
            : j == n          ? -1
                              : key_cmp(a->keys[i].db, a->keys[i].name, a->keys[i].len, src[j].db,
                                        src[j].name, src[j].len);
        if (c <= 0) {
            out[k] = a->keys[i++];
            if (c == 0) out[k].access |= src[j++].access;
        } else {
            out[k] = src[j++];
            out[k].name = rl_malloc(out[k].len + 1);
            memcpy(out[k].name, src[j - 1].name, out[k].len);
            out[k].name[out[k].len] = '\0';
        }
        k++;
    }
    rl_free(a->keys);
    a->keys = out;
    a->nkeys = k;
}

static void acc_add(acc *a, const acc *b)
{
    a->runs += b->runs;
    a->calls += b->calls;
    a->pcalls += b->pcalls;
    a->bytes_in += b->bytes_in;
    a->bytes_out += b->bytes_out;
    a->instructions += b->instructions;
    a->ns += b->ns;
    if (b->heap_peak > a->heap_peak) a->heap_peak = b->heap_peak;
    for (size_t i = 0; i < b->ncmds; i++)
        add_command(a, b->cmds[i].name, b->cmds[i].calls, b->cmds[i].pcalls);
    merge_keys(a, b->keys, b->nkeys);
}

/* The script step s runs, as an accumulator's identity. */
static void step_identity(const rl_fixture *f, const rl_case *cs, int s, acc *a)
{
    const rl_step *st = s >= 0 && (size_t)s < cs->nsteps ? &cs->steps[s] : NULL;
    rl_buf id = { 0 };
    if (st != NULL && st->kind == RL_STEP_EVAL) {
        const rl_script *sc = &f->scripts[st->script];
        if (sc->inline_source || sc->code.nfiles == 0)
            rl_buf_printf(&id, "%s#%s", f->path, sc->name);
        else rl_buf_puts(&id, sc->code.files[0].path);
        a->name = rl_strdup(sc->name);
        a->code = &sc->code;
    } else if (st != NULL && st->kind == RL_STEP_FCALL) {
        rl_buf_puts(&id, "function:");
        rl_buf_put(&id, st->function, st->function_len);
    } else {
        rl_buf_puts(&id, "call");
    }
    a->id = rl_buf_take(&id);
}

void rl_case_metrics_add(rl_case_metrics *cm, int step, const rl_metrics *m)
{
    if (m->runs == 0 && m->calls == 0 && m->pcalls == 0) return;
    acc one = { 0 };
    step_identity(cm->f, &cm->f->cases[cm->case_index], step, &one);
    acc *a = NULL;
    for (size_t i = 0; i < cm->n && a == NULL; i++)
        if (strcmp(cm->accs[i].id, one.id) == 0) a = &cm->accs[i];
    if (a == NULL) {
        cm->accs = rl_realloc(cm->accs, (cm->n + 1) * sizeof(acc));
        a = &cm->accs[cm->n++];
        *a = one;
    } else {
        acc_clear(&one);
    }
    a->runs += m->runs;
    a->calls += m->calls;
    a->pcalls += m->pcalls;
    a->bytes_in += m->bytes_in;
    a->bytes_out += m->bytes_out;
    a->instructions += m->instructions;
    a->ns += m->script_ns;
    if (m->lua_heap_peak > a->heap_peak) a->heap_peak = m->lua_heap_peak;
    for (size_t i = 0; i < m->ncommands; i++)
        add_command(a, m->commands[i].name, m->commands[i].calls, m->commands[i].pcalls);
    key_ent *ks = rl_calloc(m->nkeys ? m->nkeys : 1, sizeof(key_ent));
    for (size_t i = 0; i < m->nkeys; i++) {
        ks[i].db = m->keys[i].db;
        ks[i].access = m->keys[i].access;
        ks[i].len = m->keys[i].len;
        ks[i].name = (char *)m->keys[i].name; /* copied by merge_keys */
    }
    merge_keys(a, ks, m->nkeys);
    rl_free(ks);
}

/* --- JSON text -------------------------------------------------------------- */

static void put_u64(rl_buf *b, const char *ind, const char *name, uint64_t v, int last)
{
    rl_buf_printf(b, "%s\"%s\": %" PRIu64 "%s\n", ind, name, v, last ? "" : ",");
}

static void put_acc_fields(rl_buf *b, const acc *a, const char *ind)
{
    uint64_t rd = 0, wr = 0;
    for (size_t i = 0; i < a->nkeys; i++) {
        rd += (a->keys[i].access & RL_METRICS_KEY_READ) != 0;
        wr += (a->keys[i].access & RL_METRICS_KEY_WRITTEN) != 0;
    }
    put_u64(b, ind, "runs", a->runs, 0);
    put_u64(b, ind, "calls", a->calls, 0);
    put_u64(b, ind, "pcalls", a->pcalls, 0);
    rl_buf_printf(b, "%s\"commands\": {", ind);
    for (size_t i = 0; i < a->ncmds; i++) {
        rl_buf_printf(b, "%s", i ? ", " : "");
        rl_report_string(b, a->cmds[i].name, strlen(a->cmds[i].name));
        rl_buf_printf(b, ": {\"calls\": %" PRIu64 ", \"pcalls\": %" PRIu64 "}", a->cmds[i].calls,
                      a->cmds[i].pcalls);
    }
    rl_buf_puts(b, "},\n");
    put_u64(b, ind, "keys_read", rd, 0);
    put_u64(b, ind, "keys_written", wr, 0);
    put_u64(b, ind, "keys_touched", a->nkeys, 0);
    put_u64(b, ind, "bytes_in", a->bytes_in, 0);
    put_u64(b, ind, "bytes_out", a->bytes_out, 0);
    put_u64(b, ind, "instructions", a->instructions, 0);
    put_u64(b, ind, "lua_heap_peak", a->heap_peak, 0);
    rl_buf_printf(b, "%s\"time_ms\": %.3f\n", ind, (double)a->ns / 1e6);
}

static int cmp_acc(const void *x, const void *y)
{
    return strcmp(((const acc *)x)->id, ((const acc *)y)->id);
}

static const char *status_name(rl_case_status s)
{
    return s == RL_CASE_PASS ? "pass" : s == RL_CASE_FAIL ? "fail" : "skip";
}

char *rl_case_metrics_json(const rl_case_metrics *cm, rl_case_status status, double ms,
                           uint64_t keyspace_keys)
{
    rl_buf b = { 0 };
    const char *cname = rl_fixture_case_name(cm->f, cm->case_index);
    rl_buf_puts(&b, "        {\n          \"case\": ");
    rl_report_string(&b, cname, strlen(cname));
    rl_buf_printf(&b, ",\n          \"status\": \"%s\",\n", status_name(status));
    rl_buf_printf(&b, "          \"time_ms\": %.3f,\n", ms);
    put_u64(&b, "          ", "keyspace_keys", keyspace_keys, 0);
    acc total = { 0 };
    for (size_t i = 0; i < cm->n; i++) acc_add(&total, &cm->accs[i]);
    rl_buf_puts(&b, "          \"totals\": {\n");
    put_acc_fields(&b, &total, "            ");
    acc_clear(&total);
    rl_buf_puts(&b, "          },\n          \"scripts\": [");
    acc *sorted = rl_calloc(cm->n ? cm->n : 1, sizeof(acc));
    if (cm->n > 0) {
        memcpy(sorted, cm->accs, cm->n * sizeof(acc));
        qsort(sorted, cm->n, sizeof(acc), cmp_acc);
    }
    for (size_t i = 0; i < cm->n; i++) {
        const acc *a = &sorted[i];
        rl_buf_puts(&b, i ? ",\n" : "\n");
        rl_buf_puts(&b, "            {\n              \"script\": ");
        rl_report_string(&b, a->id, strlen(a->id));
        rl_buf_puts(&b, ",\n");
        if (a->name != NULL) {
            rl_buf_puts(&b, "              \"name\": ");
            rl_report_string(&b, a->name, strlen(a->name));
            rl_buf_puts(&b, ",\n");
        }
        if (a->code != NULL && a->code->nfiles > 1) {
            rl_buf_puts(&b, "              \"included\": [");
            for (size_t k = 1; k < a->code->nfiles; k++) {
                rl_buf_puts(&b, k > 1 ? ", " : "");
                rl_report_string(&b, a->code->files[k].path, strlen(a->code->files[k].path));
            }
            rl_buf_puts(&b, "],\n");
        }
        put_acc_fields(&b, a, "              ");
        rl_buf_puts(&b, "            }");
    }
    rl_free(sorted);
    rl_buf_puts(&b, cm->n ? "\n          ]\n        }" : "]\n        }");
    return rl_buf_take(&b);
}

/* --- Reading JSON back ------------------------------------------------------ */

static uint64_t get_u64(const rl_json *obj, const char *name)
{
    const rl_json *v = rl_json_get(obj, name);
    return v != NULL && v->type == RL_JSON_NUMBER && v->is_int && v->integer >= 0
        ? (uint64_t)v->integer
        : 0;
}

static double get_double(const rl_json *obj, const char *name)
{
    const rl_json *v = rl_json_get(obj, name);
    return v != NULL && v->type == RL_JSON_NUMBER ? v->number : 0;
}

static const char *get_str(const rl_json *obj, const char *name)
{
    const rl_json *v = rl_json_get(obj, name);
    return v != NULL && v->type == RL_JSON_STRING ? v->str : NULL;
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

void rl_metrics_summary(rl_buf *out, const char *case_json)
{
    char err[256];
    rl_json *c = rl_json_parse(case_json, strlen(case_json), err, sizeof(err));
    const rl_json *t = c != NULL ? rl_json_get(c, "totals") : NULL;
    if (t == NULL) {
        rl_json_free(c);
        return;
    }
    uint64_t runs = get_u64(t, "runs"), calls = get_u64(t, "calls") + get_u64(t, "pcalls");
    rl_buf_printf(out, "  metrics: %" PRIu64 " %s, %" PRIu64 " %s", runs,
                  plural(runs, "run", "runs"), calls, plural(calls, "call", "calls"));
    const rl_json *cmds = rl_json_get(t, "commands");
    if (cmds != NULL && cmds->type == RL_JSON_OBJECT && cmds->count > 0) {
        rl_buf_puts(out, " (");
        for (size_t i = 0; i < cmds->count; i++)
            rl_buf_printf(out, "%s%s %" PRIu64, i ? ", " : "", cmds->keys[i]->str,
                          get_u64(cmds->items[i], "calls") + get_u64(cmds->items[i], "pcalls"));
        rl_buf_puts(out, ")");
    }
    uint64_t rd = get_u64(t, "keys_read"), wr = get_u64(t, "keys_written");
    uint64_t after = get_u64(c, "keyspace_keys");
    rl_buf_printf(out,
                  ", %" PRIu64 " %s read, %" PRIu64 " written, %" PRIu64 " B in, %" PRIu64
                  " B out, %" PRIu64 " %s, Lua heap peak %" PRIu64 " B, %" PRIu64 " %s after\n",
                  rd, plural(rd, "key", "keys"), wr, get_u64(t, "bytes_in"),
                  get_u64(t, "bytes_out"), get_u64(t, "instructions"),
                  plural(get_u64(t, "instructions"), "instruction", "instructions"),
                  get_u64(t, "lua_heap_peak"), after, plural(after, "key", "keys"));
    rl_json_free(c);
}

/* --- The whole document ------------------------------------------------------ */

/* A script across every case it ran in. */
typedef struct script_sum {
    const char *id; /* borrowed from the parsed cases */
    uint64_t cases, runs, calls, pcalls, rd, wr, touched, bytes_in, bytes_out, instructions,
        heap_peak;
    double ms;
    acc cmds; /* only its cmds are used */
} script_sum;

static int cmp_sum(const void *x, const void *y)
{
    return strcmp(((const script_sum *)x)->id, ((const script_sum *)y)->id);
}

static void put_scripts(rl_buf *b, const rl_file_record *files, size_t n)
{
    rl_json **parsed = NULL;
    size_t nparsed = 0;
    script_sum *sums = NULL;
    size_t nsums = 0;
    for (size_t f = 0; f < n; f++) {
        for (size_t c = 0; c < files[f].ncases; c++) {
            const char *text = files[f].cases[c].metrics;
            char err[256];
            rl_json *cj = text != NULL ? rl_json_parse(text, strlen(text), err, sizeof(err)) : NULL;
            if (cj == NULL) continue;
            parsed = rl_realloc(parsed, (nparsed + 1) * sizeof(*parsed));
            parsed[nparsed++] = cj;
            const rl_json *scripts = rl_json_get(cj, "scripts");
            for (size_t i = 0; scripts != NULL && i < scripts->count; i++) {
                const rl_json *s = scripts->items[i];
                const char *id = get_str(s, "script");
                if (id == NULL) continue;
                script_sum *sum = NULL;
                for (size_t k = 0; k < nsums && sum == NULL; k++)
                    if (strcmp(sums[k].id, id) == 0) sum = &sums[k];
                if (sum == NULL) {
                    sums = rl_realloc(sums, (nsums + 1) * sizeof(script_sum));
                    sum = &sums[nsums++];
                    memset(sum, 0, sizeof(*sum));
                    sum->id = id;
                }
                sum->cases++;
                sum->runs += get_u64(s, "runs");
                sum->calls += get_u64(s, "calls");
                sum->pcalls += get_u64(s, "pcalls");
                sum->rd += get_u64(s, "keys_read");
                sum->wr += get_u64(s, "keys_written");
                sum->touched += get_u64(s, "keys_touched");
                sum->bytes_in += get_u64(s, "bytes_in");
                sum->bytes_out += get_u64(s, "bytes_out");
                sum->instructions += get_u64(s, "instructions");
                if (get_u64(s, "lua_heap_peak") > sum->heap_peak)
                    sum->heap_peak = get_u64(s, "lua_heap_peak");
                sum->ms += get_double(s, "time_ms");
                const rl_json *cmds = rl_json_get(s, "commands");
                for (size_t k = 0; cmds != NULL && k < cmds->count; k++)
                    add_command(&sum->cmds, cmds->keys[k]->str, get_u64(cmds->items[k], "calls"),
                                get_u64(cmds->items[k], "pcalls"));
            }
        }
    }
    if (nsums > 0) qsort(sums, nsums, sizeof(script_sum), cmp_sum);
    rl_buf_puts(b, "  \"scripts\": [");
    for (size_t i = 0; i < nsums; i++) {
        script_sum *s = &sums[i];
        const char *ind = "      ";
        rl_buf_puts(b, i ? ",\n    {\n" : "\n    {\n");
        rl_buf_puts(b, "      \"script\": ");
        rl_report_string(b, s->id, strlen(s->id));
        rl_buf_puts(b, ",\n");
        put_u64(b, ind, "cases", s->cases, 0);
        put_u64(b, ind, "runs", s->runs, 0);
        put_u64(b, ind, "calls", s->calls, 0);
        put_u64(b, ind, "pcalls", s->pcalls, 0);
        rl_buf_printf(b, "%s\"commands\": {", ind);
        for (size_t k = 0; k < s->cmds.ncmds; k++)
            rl_buf_printf(b, "%s\"%s\": {\"calls\": %" PRIu64 ", \"pcalls\": %" PRIu64 "}",
                          k ? ", " : "", s->cmds.cmds[k].name, s->cmds.cmds[k].calls,
                          s->cmds.cmds[k].pcalls);
        rl_buf_puts(b, "},\n");
        rl_buf_printf(b, "%s\"commands_per_case\": %.2f,\n", ind,
                      (double)(s->calls + s->pcalls) / (double)s->cases);
        put_u64(b, ind, "keys_read", s->rd, 0);
        put_u64(b, ind, "keys_written", s->wr, 0);
        put_u64(b, ind, "keys_touched", s->touched, 0);
        put_u64(b, ind, "bytes_in", s->bytes_in, 0);
        put_u64(b, ind, "bytes_out", s->bytes_out, 0);
        put_u64(b, ind, "instructions", s->instructions, 0);
        rl_buf_printf(b, "%s\"instructions_per_case\": %.2f,\n", ind,
                      (double)s->instructions / (double)s->cases);
        put_u64(b, ind, "lua_heap_peak", s->heap_peak, 0);
        rl_buf_printf(b, "%s\"time_ms\": %.3f\n    }", ind, s->ms);
        acc_clear(&s->cmds);
    }
    rl_buf_puts(b, nsums ? "\n  ]\n" : "]\n");
    rl_free(sums);
    for (size_t i = 0; i < nparsed; i++) rl_json_free(parsed[i]);
    rl_free(parsed);
}

void rl_metrics_document(rl_buf *b, const char *engine, const rl_file_record *files, size_t n)
{
    rl_buf_printf(b, "{\n  \"redlua_metrics\": 1,\n  \"engine\": \"%s\",\n  \"files\": [", engine);
    size_t shown = 0;
    for (size_t f = 0; f < n; f++) {
        size_t ncases = 0;
        for (size_t c = 0; c < files[f].ncases; c++) ncases += files[f].cases[c].metrics != NULL;
        if (ncases == 0) continue;
        rl_buf_puts(b, shown++ ? ",\n    {\n      \"file\": " : "\n    {\n      \"file\": ");
        rl_report_string(b, files[f].f->path, strlen(files[f].f->path));
        rl_buf_puts(b, ",\n      \"cases\": [\n");
        size_t k = 0;
        for (size_t c = 0; c < files[f].ncases; c++) {
            if (files[f].cases[c].metrics == NULL) continue;
            rl_buf_puts(b, k++ ? ",\n" : "");
            rl_buf_puts(b, files[f].cases[c].metrics);
        }
        rl_buf_puts(b, "\n      ]\n    }");
    }
    rl_buf_puts(b, shown ? "\n  ],\n" : "],\n");
    put_scripts(b, files, n);
    rl_buf_puts(b, "}\n");
}

int rl_metrics_write(FILE *out, const char *engine, const rl_file_record *files, size_t n)
{
    rl_buf b = { 0 };
    rl_metrics_document(&b, engine, files, n);
    int rc = fwrite(b.p, 1, b.len, out) == b.len ? 0 : -1;
    rl_buf_free(&b);
    return rc;
}

/* --- Baselines ----------------------------------------------------------------- */

/* One (file, case, script) of a document, with the three metrics a
 * baseline guards. */
typedef struct entry {
    const char *file, *cname, *script;
    uint64_t commands, instructions, touched;
} entry;

struct rl_metrics_baseline {
    char *path;
    rl_json *root;
    char *engine;
    entry *e;
    size_t n;
};

static int cmp_entry(const void *x, const void *y)
{
    const entry *a = x, *b = y;
    int c = strcmp(a->file, b->file);
    if (c == 0) c = strcmp(a->cname, b->cname);
    if (c == 0) c = strcmp(a->script, b->script);
    return c;
}

static int bad(char *err, size_t errlen, const char *path, const rl_json *at, const char *msg)
{
    snprintf(err, errlen, "%s:%d:%d: %s", path, at->line, at->col, msg);
    return -1;
}

static int is_count(const rl_json *obj, const char *name)
{
    const rl_json *v = rl_json_get(obj, name);
    return v != NULL && v->type == RL_JSON_NUMBER && v->is_int && v->integer >= 0;
}

/* Reads the entries of a parsed document, checking what the comparison
 * needs; -1 with a located message in err when the document lacks it. */
static int read_entries(const rl_json *root, const char *path, entry **out, size_t *nout, char *err,
                        size_t errlen)
{
    *out = NULL;
    *nout = 0;
    if (root->type != RL_JSON_OBJECT)
        return bad(err, errlen, path, root, "a metrics document is a JSON object");
    const rl_json *ver = rl_json_get(root, "redlua_metrics");
    if (ver == NULL || ver->type != RL_JSON_NUMBER || !ver->is_int || ver->integer != 1)
        return bad(err, errlen, path, ver ? ver : root,
                   "not a redlua-test --metrics file (\"redlua_metrics\": 1 is missing)");
    if (get_str(root, "engine") == NULL)
        return bad(err, errlen, path, root, "\"engine\" must be a string");
    const rl_json *files = rl_json_get(root, "files");
    if (files == NULL || files->type != RL_JSON_ARRAY)
        return bad(err, errlen, path, files ? files : root, "\"files\" must be an array");
    for (size_t f = 0; f < files->count; f++) {
        const rl_json *fo = files->items[f];
        const rl_json *cases = fo->type == RL_JSON_OBJECT ? rl_json_get(fo, "cases") : NULL;
        if (get_str(fo, "file") == NULL || cases == NULL || cases->type != RL_JSON_ARRAY)
            return bad(err, errlen, path, fo,
                       "each file needs a \"file\" string and a \"cases\" array");
        for (size_t c = 0; c < cases->count; c++) {
            const rl_json *co = cases->items[c];
            const rl_json *scripts = co->type == RL_JSON_OBJECT ? rl_json_get(co, "scripts") : NULL;
            if (get_str(co, "case") == NULL || scripts == NULL || scripts->type != RL_JSON_ARRAY)
                return bad(err, errlen, path, co,
                           "each case needs a \"case\" string and a \"scripts\" array");
            for (size_t s = 0; s < scripts->count; s++) {
                const rl_json *so = scripts->items[s];
                if (so->type != RL_JSON_OBJECT || get_str(so, "script") == NULL ||
                    !is_count(so, "calls") || !is_count(so, "pcalls") ||
                    !is_count(so, "instructions") || !is_count(so, "keys_touched"))
                    return bad(err, errlen, path, so,
                               "each script needs \"script\" and the counts \"calls\", "
                               "\"pcalls\", \"instructions\" and \"keys_touched\"");
                *out = rl_realloc(*out, (*nout + 1) * sizeof(entry));
                entry *e = &(*out)[(*nout)++];
                e->file = get_str(fo, "file");
                e->cname = get_str(co, "case");
                e->script = get_str(so, "script");
                e->commands = get_u64(so, "calls") + get_u64(so, "pcalls");
                e->instructions = get_u64(so, "instructions");
                e->touched = get_u64(so, "keys_touched");
            }
        }
    }
    return 0;
}

rl_metrics_baseline *rl_metrics_baseline_load(const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    rl_buf text = { 0 };
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0) rl_buf_put(&text, chunk, got);
    int rerr = ferror(fp);
    fclose(fp);
    if (rerr) {
        snprintf(err, errlen, "%s: read error", path);
        rl_buf_free(&text);
        return NULL;
    }
    char perr[512];
    rl_json *root = rl_json_parse(text.p ? text.p : "", text.len, perr, sizeof(perr));
    rl_buf_free(&text);
    if (root == NULL) {
        snprintf(err, errlen, "%s:%s", path, perr);
        return NULL;
    }
    rl_metrics_baseline *bl = rl_calloc(1, sizeof(*bl));
    bl->root = root;
    bl->path = rl_strdup(path);
    if (read_entries(root, path, &bl->e, &bl->n, err, errlen) != 0) {
        rl_metrics_baseline_free(bl);
        return NULL;
    }
    bl->engine = rl_strdup(get_str(root, "engine"));
    if (bl->n > 0) qsort(bl->e, bl->n, sizeof(entry), cmp_entry);
    return bl;
}

void rl_metrics_baseline_free(rl_metrics_baseline *bl)
{
    if (bl == NULL) return;
    rl_json_free(bl->root);
    rl_free(bl->e);
    rl_free(bl->path);
    rl_free(bl->engine);
    rl_free(bl);
}

/* 1 when cur is more than max_growth above base (any growth from 0). */
static int grew(uint64_t base, uint64_t cur, double max_growth)
{
    if (cur <= base) return 0;
    if (base == 0) return 1;
    return (double)(cur - base) > (double)base * max_growth;
}

static void put_row(rl_buf *t, const char *metric, uint64_t base, uint64_t cur, const entry *e)
{
    char growth[32];
    if (base == 0) snprintf(growth, sizeof(growth), "new");
    else snprintf(growth, sizeof(growth), "+%.1f%%", 100.0 * (double)(cur - base) / (double)base);
    rl_buf_printf(t, "  %-13s %10" PRIu64 " %10" PRIu64 " %8s  %s  %s: case ", metric, base, cur,
                  growth, e->script, e->file);
    rl_report_string(t, e->cname, strlen(e->cname));
    rl_buf_puts(t, "\n");
}

int rl_metrics_compare(const rl_metrics_baseline *bl, const char *current, double max_growth,
                       FILE *out)
{
    char err[512];
    rl_json *root = rl_json_parse(current, strlen(current), err, sizeof(err));
    entry *cur = NULL;
    size_t ncur = 0;
    if (root == NULL || read_entries(root, "current metrics", &cur, &ncur, err, sizeof(err))) {
        rl_json_free(root);
        rl_free(cur);
        return -1;
    }
    const char *engine = get_str(root, "engine");
    int same_engine = strcmp(engine, bl->engine) == 0;
    char *seen = rl_calloc(bl->n ? bl->n : 1, 1);
    rl_buf table = { 0 };
    int regressions = 0;
    size_t compared = 0, fresh = 0;
    for (size_t i = 0; i < ncur; i++) {
        const entry *b =
            bl->n > 0 ? bsearch(&cur[i], bl->e, bl->n, sizeof(entry), cmp_entry) : NULL;
        if (b == NULL) {
            fresh++;
            continue;
        }
        seen[b - bl->e] = 1;
        compared++;
        if (grew(b->commands, cur[i].commands, max_growth)) {
            put_row(&table, "commands", b->commands, cur[i].commands, &cur[i]);
            regressions++;
        }
        if (same_engine && grew(b->instructions, cur[i].instructions, max_growth)) {
            put_row(&table, "instructions", b->instructions, cur[i].instructions, &cur[i]);
            regressions++;
        }
        if (grew(b->touched, cur[i].touched, max_growth)) {
            put_row(&table, "keys_touched", b->touched, cur[i].touched, &cur[i]);
            regressions++;
        }
    }
    size_t gone = 0;
    for (size_t i = 0; i < bl->n; i++) gone += !seen[i];
    rl_free(seen);
    double pct = max_growth * 100.0;
    if (regressions > 0) {
        fprintf(out, "baseline %s: %d %s grew by more than %g%%:\n", bl->path, regressions,
                regressions == 1 ? "metric" : "metrics", pct);
        fprintf(out, "  %-13s %10s %10s %8s  %s\n", "metric", "baseline", "current", "growth",
                "script  case");
        fputs(table.p, out);
    } else {
        fprintf(out, "baseline %s: no metric grew by more than %g%% (%zu script %s compared)\n",
                bl->path, pct, compared, compared == 1 ? "case" : "cases");
    }
    if (!same_engine)
        fprintf(out, "baseline %s: instructions not compared (baseline engine %s, this run %s)\n",
                bl->path, bl->engine, engine);
    if (fresh > 0 || gone > 0)
        fprintf(out, "baseline %s: %zu script %s not in the baseline, %zu in it not run\n",
                bl->path, fresh, fresh == 1 ? "case" : "cases", gone);
    rl_buf_free(&table);
    rl_free(cur);
    rl_json_free(root);
    return regressions;
}
