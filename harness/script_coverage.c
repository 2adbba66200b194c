/* Coverage records are kept per chunk text; files are derived only when a
 * report is built, so the same helper included by two scripts sums the
 * runs of both. */
#include "script_coverage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

typedef struct chunk {
    char *text;
    size_t len;
    int nlines;
    unsigned char *code; /* [nlines + 1] */
    uint64_t *hits;      /* [nlines + 1] */
    int nfuncs;
    int *func_lines;     /* [nfuncs], ascending */
    uint64_t *func_hits; /* [nfuncs] */
} chunk;

struct rl_coverage {
    size_t n;
    chunk *chunks;
};

rl_coverage *rl_coverage_new(void)
{
    return rl_calloc(1, sizeof(rl_coverage));
}

void rl_coverage_clear(rl_coverage *c)
{
    for (size_t i = 0; i < c->n; i++) {
        rl_free(c->chunks[i].text);
        rl_free(c->chunks[i].code);
        rl_free(c->chunks[i].hits);
        rl_free(c->chunks[i].func_lines);
        rl_free(c->chunks[i].func_hits);
    }
    rl_free(c->chunks);
    c->chunks = NULL;
    c->n = 0;
}

void rl_coverage_free(rl_coverage *c)
{
    if (c == NULL) return;
    rl_coverage_clear(c);
    rl_free(c);
}

static chunk *find(const rl_coverage *c, const char *text, size_t len)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->chunks[i].len == len && memcmp(c->chunks[i].text, text, len) == 0)
            return &c->chunks[i];
    return NULL;
}

/* Adds one record (e, whose pointers are borrowed); an existing chunk with
 * the same text gets the counts summed (the code lines and functions are
 * the same: same text, same compiler). */
static void add(rl_coverage *c, const rl_emu_coverage *e)
{
    const char *text = e->body;
    size_t len = e->len;
    int nlines = e->nlines;
    const unsigned char *code = e->code;
    const uint64_t *hits = e->hits;
    chunk *k = find(c, text, len);
    if (k != NULL && k->nlines == nlines && k->nfuncs == e->nfuncs) {
        for (int l = 1; l <= nlines; l++) k->hits[l] += hits[l];
        for (int i = 0; i < e->nfuncs; i++) k->func_hits[i] += e->func_hits[i];
        return;
    }
    c->chunks = rl_realloc(c->chunks, (c->n + 1) * sizeof(chunk));
    k = &c->chunks[c->n++];
    k->text = rl_memdup(text, len);
    k->len = len;
    k->nlines = nlines;
    k->code = (unsigned char *)rl_memdup((const char *)code, (size_t)nlines + 1);
    k->hits = rl_malloc(((size_t)nlines + 1) * sizeof(uint64_t));
    memcpy(k->hits, hits, ((size_t)nlines + 1) * sizeof(uint64_t));
    k->nfuncs = e->nfuncs;
    k->func_lines = rl_malloc(((size_t)e->nfuncs + 1) * sizeof(int));
    k->func_hits = rl_malloc(((size_t)e->nfuncs + 1) * sizeof(uint64_t));
    if (e->nfuncs > 0) {
        memcpy(k->func_lines, e->func_lines, (size_t)e->nfuncs * sizeof(int));
        memcpy(k->func_hits, e->func_hits, (size_t)e->nfuncs * sizeof(uint64_t));
    }
}

void rl_coverage_add_emu(rl_coverage *c, const rl_emu *emu)
{
    rl_emu_coverage r;
    for (size_t i = 0; rl_emu_coverage_get(emu, i, &r) == 0; i++) add(c, &r);
}

void rl_coverage_add_scripts(rl_coverage *c, const rl_loaded_script *const *scripts, size_t n)
{
    rl_emu *emu = NULL;
    for (size_t i = 0; i < n; i++) {
        const rl_loaded_script *s = scripts[i];
        if (s == NULL || s->nfiles == 0 || s->text == NULL || find(c, s->text, s->len) != NULL)
            continue;
        if (emu == NULL) {
            emu = rl_emu_new();
            rl_emu_set_coverage(emu, 1);
        }
        const char *argv[3] = { "SCRIPT", "LOAD", s->text };
        size_t argvlen[3] = { 6, 4, s->len };
        rl_reply *r = rl_emu_call(emu, 3, argv, argvlen);
        /* A FUNCTION library ("#!lua name=...") is no script: SCRIPT LOAD
         * refuses its metadata, FUNCTION LOAD compiles it. */
        if (r != NULL && r->type == RL_REPLY_ERROR) {
            const char *fargv[4] = { "FUNCTION", "LOAD", "REPLACE", s->text };
            size_t fargvlen[4] = { 8, 4, 7, s->len };
            rl_reply_free(rl_emu_call(emu, 4, fargv, fargvlen));
        }
        rl_reply_free(r);
    }
    if (emu != NULL) {
        /* No case ran these: a library's FUNCTION LOAD ran its top-level
         * code in the scratch emulator, which is no run of a case, so the
         * counts are dropped and only the lines with code are kept. */
        rl_emu_coverage r;
        for (size_t i = 0; rl_emu_coverage_get(emu, i, &r) == 0; i++) {
            uint64_t *zero = rl_calloc((size_t)(r.nlines > r.nfuncs ? r.nlines : r.nfuncs) + 1,
                                       sizeof(uint64_t));
            r.hits = zero;
            r.func_hits = zero;
            add(c, &r);
            rl_free(zero);
        }
        rl_emu_free(emu);
    }
}

/* --- Wire format ------------------------------------------------------------------- */

void rl_coverage_encode(const rl_coverage *c, rl_buf *out)
{
    rl_buf_put(out, (const char *)&c->n, sizeof(size_t));
    for (size_t i = 0; i < c->n; i++) {
        const chunk *k = &c->chunks[i];
        rl_buf_put(out, (const char *)&k->len, sizeof(size_t));
        rl_buf_put(out, k->text, k->len);
        rl_buf_put(out, (const char *)&k->nlines, sizeof(int));
        rl_buf_put(out, (const char *)k->code, (size_t)k->nlines + 1);
        rl_buf_put(out, (const char *)k->hits, ((size_t)k->nlines + 1) * sizeof(uint64_t));
        rl_buf_put(out, (const char *)&k->nfuncs, sizeof(int));
        rl_buf_put(out, (const char *)k->func_lines, (size_t)k->nfuncs * sizeof(int));
        rl_buf_put(out, (const char *)k->func_hits, (size_t)k->nfuncs * sizeof(uint64_t));
    }
}

typedef struct reader {
    const char *p, *end;
} reader;

static const char *take(reader *r, size_t n)
{
    if ((size_t)(r->end - r->p) < n) return NULL;
    const char *at = r->p;
    r->p += n;
    return at;
}

int rl_coverage_decode(rl_coverage *c, const char *p, size_t len)
{
    reader r = { p, p + len };
    size_t n;
    const char *at = take(&r, sizeof(size_t));
    if (at == NULL) return -1;
    memcpy(&n, at, sizeof(n));
    for (size_t i = 0; i < n; i++) {
        size_t tlen;
        int nlines;
        const char *text, *code, *hits;
        if ((at = take(&r, sizeof(size_t))) == NULL) return -1;
        memcpy(&tlen, at, sizeof(tlen));
        if ((text = take(&r, tlen)) == NULL || (at = take(&r, sizeof(int))) == NULL) return -1;
        memcpy(&nlines, at, sizeof(nlines));
        if (nlines < 1 || (size_t)nlines > tlen + 1 ||
            (code = take(&r, (size_t)nlines + 1)) == NULL ||
            (hits = take(&r, ((size_t)nlines + 1) * sizeof(uint64_t))) == NULL)
            return -1;
        int nfuncs;
        const char *flines, *fhits;
        if ((at = take(&r, sizeof(int))) == NULL) return -1;
        memcpy(&nfuncs, at, sizeof(nfuncs));
        if (nfuncs < 0 || nfuncs > nlines ||
            (flines = take(&r, (size_t)nfuncs * sizeof(int))) == NULL ||
            (fhits = take(&r, (size_t)nfuncs * sizeof(uint64_t))) == NULL)
            return -1;
        /* Copies: the buffer need not be aligned for the arrays. */
        rl_emu_coverage e = { NULL, text, tlen, nlines, NULL, NULL, nfuncs, NULL, NULL };
        uint64_t *h = rl_malloc(((size_t)nlines + 1) * sizeof(uint64_t));
        int *fl = rl_malloc(((size_t)nfuncs + 1) * sizeof(int));
        uint64_t *fh = rl_malloc(((size_t)nfuncs + 1) * sizeof(uint64_t));
        memcpy(h, hits, ((size_t)nlines + 1) * sizeof(uint64_t));
        memcpy(fl, flines, (size_t)nfuncs * sizeof(int));
        memcpy(fh, fhits, (size_t)nfuncs * sizeof(uint64_t));
        e.code = (const unsigned char *)code;
        e.hits = h;
        e.func_lines = fl;
        e.func_hits = fh;
        add(c, &e);
        rl_free(h);
        rl_free(fl);
        rl_free(fh);
    }
    return r.p == r.end ? 0 : -1;
}

/* --- Reports ------------------------------------------------------------------------- */

/* The number of lines of a file's text (a final newline ends the last line). */
static int count_lines(const char *text, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++) n += text[i] == '\n';
    return n + (len > 0 && text[len - 1] != '\n');
}

static rl_coverage_file *file_for(rl_coverage_report *r, const rl_source_file *src)
{
    for (size_t i = 0; i < r->nfiles; i++)
        if (strcmp(r->files[i].path, src->path) == 0) return &r->files[i];
    r->files = rl_realloc(r->files, (r->nfiles + 1) * sizeof(rl_coverage_file));
    rl_coverage_file *f = &r->files[r->nfiles++];
    memset(f, 0, sizeof(*f));
    f->path = rl_strdup(src->path);
    f->nlines = src->text != NULL ? count_lines(src->text, src->len) : 0;
    f->code = rl_calloc((size_t)f->nlines + 1, 1);
    f->hits = rl_calloc((size_t)f->nlines + 1, sizeof(uint64_t));
    return f;
}

/* Grows f to hold line `line` (a map read without sources knows no size). */
static void grow(rl_coverage_file *f, int line)
{
    if (line <= f->nlines) return;
    f->code = rl_realloc(f->code, (size_t)line + 1);
    f->hits = rl_realloc(f->hits, ((size_t)line + 1) * sizeof(uint64_t));
    memset(f->code + f->nlines + 1, 0, (size_t)(line - f->nlines));
    memset(f->hits + f->nlines + 1, 0, (size_t)(line - f->nlines) * sizeof(uint64_t));
    f->nlines = line;
}

static int is_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
        ch == '_';
}

static int is_path_char(char ch)
{
    return is_name_char(ch) || ch == '.' || ch == ':';
}

/* The name a function defined on line `line` of text is known by: what
 * follows "function" (function M.f, local function f), else what is
 * assigned (t.f = function, local f = function); "" when neither (an
 * argument, a table field written [k] = function). The first "function" of
 * the line is the one read. */
static char *function_name(const char *text, size_t len, int line)
{
    const char *p = text, *end = text + len;
    for (int i = 1; i < line && p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end, *start = p;
    for (; p + 8 <= stop; p++) {
        if (memcmp(p, "function", 8) != 0 || (p > start && is_name_char(p[-1])) ||
            (p + 8 < stop && is_name_char(p[8])))
            continue;
        const char *q = p + 8;
        while (q < stop && (*q == ' ' || *q == '\t')) q++;
        const char *n = q;
        while (q < stop && is_path_char(*q)) q++;
        if (q > n) return rl_memdup(n, (size_t)(q - n));
        q = p;
        while (q > start && (q[-1] == ' ' || q[-1] == '\t')) q--;
        if (q == start || q[-1] != '=' ||
            (q - 1 > start && (q[-2] == '=' || q[-2] == '~' || q[-2] == '<' || q[-2] == '>')))
            return rl_strdup("");
        q--;
        while (q > start && (q[-1] == ' ' || q[-1] == '\t')) q--;
        const char *e = q;
        while (q > start && is_path_char(q[-1])) q--;
        return rl_memdup(q, (size_t)(e - q));
    }
    return rl_strdup("");
}

/* Adds (or sums into) the function on line `line` of f. */
static void add_func(rl_coverage_file *f, const rl_source_file *src, int line, uint64_t hits)
{
    for (size_t i = 0; i < f->nfuncs; i++) {
        if (f->funcs[i].line == line) {
            f->funcs[i].hits += hits;
            return;
        }
    }
    f->funcs = rl_realloc(f->funcs, (f->nfuncs + 1) * sizeof(rl_coverage_func));
    rl_coverage_func *fn = &f->funcs[f->nfuncs++];
    fn->line = line;
    fn->hits = hits;
    fn->name = src->text != NULL ? function_name(src->text, src->len, line) : rl_strdup("");
}

static int cmp_funcs(const void *a, const void *b)
{
    const rl_coverage_func *x = a, *y = b;
    return (x->line > y->line) - (x->line < y->line);
}

/* Sorts f's functions by line and makes their names unique: a function
 * without a name, or whose name another function of the file has too, is
 * called NAME@LINE ("function@LINE" without a name). */
static void name_funcs(rl_coverage_file *f)
{
    if (f->nfuncs > 1) qsort(f->funcs, f->nfuncs, sizeof(rl_coverage_func), cmp_funcs);
    unsigned char *dup = rl_calloc(f->nfuncs ? f->nfuncs : 1, 1);
    for (size_t i = 0; i < f->nfuncs; i++)
        for (size_t j = i + 1; j < f->nfuncs; j++)
            if (strcmp(f->funcs[i].name, f->funcs[j].name) == 0) dup[i] = dup[j] = 1;
    for (size_t i = 0; i < f->nfuncs; i++) {
        rl_coverage_func *fn = &f->funcs[i];
        if (fn->name[0] != '\0' && !dup[i]) continue;
        rl_buf b = { 0 };
        rl_buf_printf(&b, "%s@%d", fn->name[0] ? fn->name : "function", fn->line);
        rl_free(fn->name);
        fn->name = rl_buf_take(&b);
    }
    rl_free(dup);
}

static int cmp_files(const void *a, const void *b)
{
    const rl_coverage_file *x = a, *y = b;
    return strcmp(x->path, y->path);
}

void rl_coverage_report_build(const rl_coverage *c, const rl_loaded_script *const *scripts,
                              size_t n, rl_coverage_report *out)
{
    memset(out, 0, sizeof(*out));
    unsigned char *used = rl_calloc(c->n ? c->n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        const rl_loaded_script *s = scripts[i];
        if (s == NULL || s->nfiles == 0 || s->text == NULL) continue;
        chunk *k = find(c, s->text, s->len);
        if (k == NULL || used[k - c->chunks]) continue;
        used[k - c->chunks] = 1;
        /* Every file the script is made of is listed, even one without
         * code (a file of declarations). */
        for (size_t fi = 0; fi < s->nfiles; fi++) file_for(out, &s->files[fi]);
        for (int l = 1; l <= k->nlines; l++) {
            const char *path;
            int fline;
            if (!k->code[l] || rl_loader_map_line(s, l, &path, &fline) != 0) continue;
            rl_coverage_file *f = NULL;
            for (size_t fi = 0; fi < s->nfiles && f == NULL; fi++)
                if (strcmp(s->files[fi].path, path) == 0) f = file_for(out, &s->files[fi]);
            if (f == NULL) continue;
            grow(f, fline);
            f->code[fline] = 1;
            f->hits[fline] += k->hits[l];
        }
        for (int fn = 0; fn < k->nfuncs; fn++) {
            const char *path;
            int fline;
            if (rl_loader_map_line(s, k->func_lines[fn], &path, &fline) != 0) continue;
            for (size_t fi = 0; fi < s->nfiles; fi++) {
                if (strcmp(s->files[fi].path, path) == 0) {
                    add_func(file_for(out, &s->files[fi]), &s->files[fi], fline, k->func_hits[fn]);
                    break;
                }
            }
        }
    }
    rl_free(used);
    for (size_t i = 0; i < out->nfiles; i++) {
        rl_coverage_file *f = &out->files[i];
        name_funcs(f);
        for (int l = 1; l <= f->nlines; l++) {
            f->lines_found += f->code[l];
            f->lines_hit += f->code[l] && f->hits[l] > 0;
        }
    }
    if (out->nfiles > 1) qsort(out->files, out->nfiles, sizeof(rl_coverage_file), cmp_files);
}

void rl_coverage_report_clear(rl_coverage_report *r)
{
    for (size_t i = 0; i < r->nfiles; i++) {
        rl_free(r->files[i].path);
        rl_free(r->files[i].code);
        rl_free(r->files[i].hits);
        for (size_t j = 0; j < r->files[i].nfuncs; j++) rl_free(r->files[i].funcs[j].name);
        rl_free(r->files[i].funcs);
    }
    rl_free(r->files);
    memset(r, 0, sizeof(*r));
}

void rl_coverage_write_lcov(const rl_coverage_report *r, rl_buf *out)
{
    for (size_t i = 0; i < r->nfiles; i++) {
        const rl_coverage_file *f = &r->files[i];
        rl_buf_printf(out, "TN:\nSF:%s\n", f->path);
        size_t called = 0;
        for (size_t j = 0; j < f->nfuncs; j++)
            rl_buf_printf(out, "FN:%d,%s\n", f->funcs[j].line, f->funcs[j].name);
        for (size_t j = 0; j < f->nfuncs; j++) {
            rl_buf_printf(out, "FNDA:%llu,%s\n", (unsigned long long)f->funcs[j].hits,
                          f->funcs[j].name);
            called += f->funcs[j].hits > 0;
        }
        rl_buf_printf(out, "FNF:%zu\nFNH:%zu\n", f->nfuncs, called);
        for (int l = 1; l <= f->nlines; l++)
            if (f->code[l]) rl_buf_printf(out, "DA:%d,%llu\n", l, (unsigned long long)f->hits[l]);
        rl_buf_printf(out, "LF:%d\nLH:%d\nend_of_record\n", f->lines_found, f->lines_hit);
    }
}

void rl_coverage_missed_ranges(const rl_coverage_file *f, rl_buf *out)
{
    int first = 0, last = 0, any = 0;
    for (int l = 1; l <= f->nlines + 1; l++) {
        int ran = l <= f->nlines && f->code[l] && f->hits[l] > 0;
        int missed = l <= f->nlines && f->code[l] && f->hits[l] == 0;
        if (missed) {
            if (first == 0) first = l;
            last = l;
        } else if ((ran || l > f->nlines) && first != 0) {
            rl_buf_puts(out, any ? ", " : "");
            if (first == last) rl_buf_printf(out, "%d", first);
            else rl_buf_printf(out, "%d-%d", first, last);
            any = 1;
            first = 0;
        }
    }
}

static void put_percent(rl_buf *out, int hit, int found)
{
    if (found == 0) rl_buf_printf(out, "%8s", "-");
    else rl_buf_printf(out, "%7.1f%%", 100.0 * hit / found);
}

void rl_coverage_write_table(const rl_coverage_report *r, rl_buf *out)
{
    size_t w = strlen("coverage");
    for (size_t i = 0; i < r->nfiles; i++)
        if (strlen(r->files[i].path) > w) w = strlen(r->files[i].path);
    rl_buf_printf(out, "%-*s  %6s  %6s  %8s  %s\n", (int)w, "coverage", "lines", "hit", "percent",
                  "never run");
    int found = 0, hit = 0;
    for (size_t i = 0; i < r->nfiles; i++) {
        const rl_coverage_file *f = &r->files[i];
        rl_buf_printf(out, "%-*s  %6d  %6d  ", (int)w, f->path, f->lines_found, f->lines_hit);
        put_percent(out, f->lines_hit, f->lines_found);
        rl_buf line = { 0 };
        rl_coverage_missed_ranges(f, &line);
        if (line.len > 0) rl_buf_printf(out, "  %s", line.p);
        rl_buf_free(&line);
        rl_buf_puts(out, "\n");
        found += f->lines_found;
        hit += f->lines_hit;
    }
    rl_buf_printf(out, "%-*s  %6d  %6d  ", (int)w, "total", found, hit);
    put_percent(out, hit, found);
    rl_buf_puts(out, "\n");
}
