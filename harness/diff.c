/* Element-level differences for failure reports. Ordered arrays are
 * aligned on a longest common subsequence (equality is the matcher's, so
 * {"any": true} and globs count as equal where they match), which keeps an
 * inserted or deleted element from making every later one "different". */
#include "diff.h"

#include <stdio.h>
#include <string.h>

#include "match.h"
#include "mem.h"

/* Past this many lines a person stops reading; the count of the rest is
 * shown instead. */
#define DIFF_MAX_LINES 20
/* Above this many element pairs the alignment table gets big; compare by
 * position instead. */
#define DIFF_MAX_CELLS 250000

typedef struct dctx {
    rl_buf *m; /* the difference lines, before the header */
    const char *indent;
    size_t lines; /* lines written (or counted past the limit) */
} dctx;

/* Starts one difference line; returns 0 when the line is past the limit and
 * must not be written (it is still counted). */
static int line_start(dctx *d, const char *side, const char *path)
{
    d->lines++;
    if (d->lines > DIFF_MAX_LINES) return 0;
    rl_buf_printf(d->m, "%s  %s%s: ", d->indent, path[0] == '[' ? side : "", path);
    return 1;
}

static int is_array_reply(const rl_reply *r)
{
    return r->type == RL_REPLY_ARRAY || r->type == RL_REPLY_PUSH || r->type == RL_REPLY_SET;
}

/* The {"unordered": [...]} or {"set": [...]} list of a matcher, or NULL. */
static const rl_json *unordered_items(const rl_json *e)
{
    if (e->type != RL_JSON_OBJECT || e->count != 1 || e->items[0]->type != RL_JSON_ARRAY)
        return NULL;
    const char *k = e->keys[0]->str;
    if (strcmp(k, "unordered") == 0 || strcmp(k, "set") == 0) return e->items[0];
    return NULL;
}

static void put_changed(dctx *d, const char *path, const rl_json *e, const rl_reply *a)
{
    if (!line_start(d, "", path)) return;
    rl_buf_puts(d->m, "expected ");
    rl_report_json(d->m, e);
    rl_buf_puts(d->m, ", actual ");
    rl_report_reply(d->m, a);
    rl_buf_puts(d->m, "\n");
}

static void put_missing(dctx *d, const char *path, const rl_json *e)
{
    if (!line_start(d, "expected", path)) return;
    rl_buf_puts(d->m, "missing ");
    rl_report_json(d->m, e);
    rl_buf_puts(d->m, "\n");
}

static void put_extra(dctx *d, const char *path, const rl_reply *a)
{
    if (!line_start(d, "actual", path)) return;
    rl_buf_puts(d->m, "unexpected ");
    rl_report_reply(d->m, a);
    rl_buf_puts(d->m, "\n");
}

static void diff_value(dctx *d, const char *path, const rl_json *e, const rl_reply *a);

/* A changed element: nested arrays are compared element by element, other
 * values shown whole. */
static void diff_changed(dctx *d, const char *path, const rl_json *e, const rl_reply *a)
{
    if ((e->type == RL_JSON_ARRAY || unordered_items(e) != NULL) && is_array_reply(a))
        diff_value(d, path, e, a);
    else put_changed(d, path, e, a);
}

static void sub_path(char *out, size_t outlen, const char *path, size_t i)
{
    snprintf(out, outlen, "%s[%zu]", path, i);
}

static void diff_unordered(dctx *d, const char *path, const rl_json *items, const rl_reply *a)
{
    char *used = rl_calloc(a->elements ? a->elements : 1, 1);
    const char *label = path[0] ? path : "element";
    for (size_t i = 0; i < items->count; i++) {
        size_t j = 0;
        while (j < a->elements && (used[j] || !rl_match_reply(items->items[i], a->element[j]))) j++;
        if (j < a->elements) used[j] = 1;
        else put_missing(d, label, items->items[i]);
    }
    for (size_t j = 0; j < a->elements; j++) {
        if (!used[j]) put_extra(d, label, a->element[j]);
    }
    rl_free(used);
}

/* Flushes a run of deleted expected elements [ei, ei+nd) and inserted
 * actual ones [aj, aj+na): pairs become changes, the rest missing/extra. */
static void flush_run(dctx *d, const char *path, const rl_json *e, size_t ei, size_t nd,
                      const rl_reply *a, size_t aj, size_t na)
{
    char p[256];
    size_t pairs = nd < na ? nd : na;
    for (size_t t = 0; t < pairs; t++) {
        sub_path(p, sizeof(p), path, aj + t);
        diff_changed(d, p, e->items[ei + t], a->element[aj + t]);
    }
    for (size_t t = pairs; t < nd; t++) {
        sub_path(p, sizeof(p), path, ei + t);
        put_missing(d, p, e->items[ei + t]);
    }
    for (size_t t = pairs; t < na; t++) {
        sub_path(p, sizeof(p), path, aj + t);
        put_extra(d, p, a->element[aj + t]);
    }
}

static void diff_ordered(dctx *d, const char *path, const rl_json *e, const rl_reply *a)
{
    size_t n = e->count, k = a->elements;
    if (n * k > DIFF_MAX_CELLS || (k > 0 && n > DIFF_MAX_CELLS / k)) {
        size_t both = n < k ? n : k;
        char p[256];
        for (size_t i = 0; i < both; i++) {
            if (!rl_match_reply(e->items[i], a->element[i])) {
                sub_path(p, sizeof(p), path, i);
                diff_changed(d, p, e->items[i], a->element[i]);
            }
        }
        flush_run(d, path, e, both, n - both, a, both, k - both);
        return;
    }
    /* lcs[i][j]: the longest common subsequence of e[i..] and a[j..]. */
    size_t w = k + 1;
    unsigned *lcs = rl_calloc((n + 1) * w, sizeof(unsigned));
    char *eq = rl_calloc(n * k > 0 ? n * k : 1, 1);
    for (size_t i = n; i-- > 0;) {
        for (size_t j = k; j-- > 0;) {
            eq[i * k + j] = (char)rl_match_reply(e->items[i], a->element[j]);
            if (eq[i * k + j]) lcs[i * w + j] = lcs[(i + 1) * w + j + 1] + 1;
            else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])
                lcs[i * w + j] = lcs[(i + 1) * w + j];
            else lcs[i * w + j] = lcs[i * w + j + 1];
        }
    }
    size_t i = 0, j = 0, ei = 0, aj = 0;
    while (i < n || j < k) {
        if (i < n && j < k && eq[i * k + j]) {
            flush_run(d, path, e, ei, i - ei, a, aj, j - aj);
            i++;
            j++;
            ei = i;
            aj = j;
        } else if (j == k || (i < n && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
            i++;
        } else {
            j++;
        }
    }
    flush_run(d, path, e, ei, i - ei, a, aj, j - aj);
    rl_free(eq);
    rl_free(lcs);
}

static void diff_value(dctx *d, const char *path, const rl_json *e, const rl_reply *a)
{
    const rl_json *items = unordered_items(e);
    if (items != NULL) diff_unordered(d, path, items, a);
    else diff_ordered(d, path, e, a);
}

/* Appends the header and the lines collected in d->m to m, if any. */
static void finish(dctx *d, rl_buf *m, const char *what, size_t ne, size_t na)
{
    if (d->lines > 0) {
        rl_buf_printf(m, "%sdifferences (expected %zu %s%s, actual %zu):\n", d->indent, ne, what,
                      ne == 1 ? "" : "s", na);
        rl_buf_put(m, d->m->p, d->m->len);
    }
    if (d->lines > DIFF_MAX_LINES)
        rl_buf_printf(m, "%s  ... and %zu more\n", d->indent, d->lines - DIFF_MAX_LINES);
    rl_buf_free(d->m);
}

void rl_diff_reply(rl_buf *m, const rl_json *expected, const rl_reply *actual, const char *indent)
{
    const rl_json *items = unordered_items(expected);
    if (!is_array_reply(actual) || (expected->type != RL_JSON_ARRAY && items == NULL)) return;
    if (rl_match_reply(expected, actual)) return;
    rl_buf lines = { 0 };
    dctx d = { &lines, indent, 0 };
    diff_value(&d, "", expected, actual);
    finish(&d, m, "element", items ? items->count : expected->count, actual->elements);
}

static void diff_hash(dctx *d, const rl_json *e, const rl_reply *a)
{
    char *seen = rl_calloc(a->elements ? a->elements : 1, 1);
    rl_buf p = { 0 };
    for (size_t i = 0; i < e->count; i++) {
        const rl_json *f = e->keys[i];
        size_t j = 0;
        while (j + 1 < a->elements &&
               !(a->element[j]->len == f->len && memcmp(a->element[j]->str, f->str, f->len) == 0))
            j += 2;
        rl_buf_puts(&p, "field ");
        rl_report_string(&p, f->str, f->len);
        if (j + 1 >= a->elements) {
            put_missing(d, p.p, e->items[i]);
        } else {
            seen[j] = 1;
            if (!rl_match_reply(e->items[i], a->element[j + 1]))
                put_changed(d, p.p, e->items[i], a->element[j + 1]);
        }
        rl_buf_free(&p);
    }
    for (size_t j = 0; j + 1 < a->elements; j += 2) {
        if (seen[j]) continue;
        rl_buf_puts(&p, "field ");
        rl_report_reply(&p, a->element[j]);
        put_extra(d, p.p, a->element[j + 1]);
        rl_buf_free(&p);
    }
    rl_free(seen);
}

void rl_diff_key_value(rl_buf *m, const char *type, const rl_json *expected, const rl_reply *actual,
                       const char *indent)
{
    if (actual == NULL || !is_array_reply(actual)) return;
    rl_buf lines = { 0 };
    dctx d = { &lines, indent, 0 };
    if (strcmp(type, "list") == 0 && expected->type == RL_JSON_ARRAY) {
        diff_ordered(&d, "", expected, actual);
        finish(&d, m, "element", expected->count, actual->elements);
    } else if (strcmp(type, "set") == 0 && expected->type == RL_JSON_ARRAY) {
        diff_unordered(&d, "member", expected, actual);
        finish(&d, m, "member", expected->count, actual->elements);
    } else if (strcmp(type, "hash") == 0 && expected->type == RL_JSON_OBJECT) {
        diff_hash(&d, expected, actual);
        finish(&d, m, "field", expected->count, actual->elements / 2);
    }
}
