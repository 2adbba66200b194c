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
    }
    rl_free(c->chunks);
    c->chunks = NULL;
    c->n = 0;
}

void rl_coverage_free(rl_coverage *c)
{
    if (c == NULL)
        return;
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

/* Adds one record; an existing chunk with the same text and line count
 * gets the counts summed (the code lines are the same: same text). */
static void add(rl_coverage *c, const char *text, size_t len, int nlines,
                const unsigned char *code, const uint64_t *hits)
{
    chunk *k = find(c, text, len);
    if (k != NULL && k->nlines == nlines) {
        for (int l = 1; l <= nlines; l++)
            k->hits[l] += hits[l];
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
}

void rl_coverage_add_emu(rl_coverage *c, const rl_emu *emu)
{
    rl_emu_coverage r;
    for (size_t i = 0; rl_emu_coverage_get(emu, i, &r) == 0; i++)
        add(c, r.body, r.len, r.nlines, r.code, r.hits);
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
        const char *argv[3] = {"SCRIPT", "LOAD", s->text};
        size_t argvlen[3] = {6, 4, s->len};
        rl_reply_free(rl_emu_call(emu, 3, argv, argvlen));
    }
    if (emu != NULL) {
        rl_coverage_add_emu(c, emu);
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
    }
}

typedef struct reader {
    const char *p, *end;
} reader;

static const char *take(reader *r, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return NULL;
    const char *at = r->p;
    r->p += n;
    return at;
}

int rl_coverage_decode(rl_coverage *c, const char *p, size_t len)
{
    reader r = {p, p + len};
    size_t n;
    const char *at = take(&r, sizeof(size_t));
    if (at == NULL)
        return -1;
    memcpy(&n, at, sizeof(n));
    for (size_t i = 0; i < n; i++) {
        size_t tlen;
        int nlines;
        const char *text, *code, *hits;
        if ((at = take(&r, sizeof(size_t))) == NULL)
            return -1;
        memcpy(&tlen, at, sizeof(tlen));
        if ((text = take(&r, tlen)) == NULL || (at = take(&r, sizeof(int))) == NULL)
            return -1;
        memcpy(&nlines, at, sizeof(nlines));
        if (nlines < 1 || (size_t)nlines > tlen + 1 ||
            (code = take(&r, (size_t)nlines + 1)) == NULL ||
            (hits = take(&r, ((size_t)nlines + 1) * sizeof(uint64_t))) == NULL)
            return -1;
        uint64_t *h = rl_malloc(((size_t)nlines + 1) * sizeof(uint64_t));
        memcpy(h, hits, ((size_t)nlines + 1) * sizeof(uint64_t));
        add(c, text, tlen, nlines, (const unsigned char *)code, h);
        rl_free(h);
    }
    return r.p == r.end ? 0 : -1;
}

/* --- Reports ------------------------------------------------------------------------- */

/* The number of lines of a file's text (a final newline ends the last line). */
static int count_lines(const char *text, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    return n + (len > 0 && text[len - 1] != '\n');
}

static rl_coverage_file *file_for(rl_coverage_report *r, const rl_source_file *src)
{
    for (size_t i = 0; i < r->nfiles; i++)
        if (strcmp(r->files[i].path, src->path) == 0)
            return &r->files[i];
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
    if (line <= f->nlines)
        return;
    f->code = rl_realloc(f->code, (size_t)line + 1);
    f->hits = rl_realloc(f->hits, ((size_t)line + 1) * sizeof(uint64_t));
    memset(f->code + f->nlines + 1, 0, (size_t)(line - f->nlines));
    memset(f->hits + f->nlines + 1, 0, (size_t)(line - f->nlines) * sizeof(uint64_t));
    f->nlines = line;
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
        if (s == NULL || s->nfiles == 0 || s->text == NULL)
            continue;
        chunk *k = find(c, s->text, s->len);
        if (k == NULL || used[k - c->chunks])
            continue;
        used[k - c->chunks] = 1;
        /* Every file the script is made of is listed, even one without
         * code (a file of declarations). */
        for (size_t fi = 0; fi < s->nfiles; fi++)
            file_for(out, &s->files[fi]);
        for (int l = 1; l <= k->nlines; l++) {
            const char *path;
            int fline;
            if (!k->code[l] || rl_loader_map_line(s, l, &path, &fline) != 0)
                continue;
            rl_coverage_file *f = NULL;
            for (size_t fi = 0; fi < s->nfiles && f == NULL; fi++)
                if (strcmp(s->files[fi].path, path) == 0)
                    f = file_for(out, &s->files[fi]);
            if (f == NULL)
                continue;
            grow(f, fline);
            f->code[fline] = 1;
            f->hits[fline] += k->hits[l];
        }
    }
    rl_free(used);
    for (size_t i = 0; i < out->nfiles; i++) {
        rl_coverage_file *f = &out->files[i];
        for (int l = 1; l <= f->nlines; l++) {
            f->lines_found += f->code[l];
            f->lines_hit += f->code[l] && f->hits[l] > 0;
        }
    }
    if (out->nfiles > 1)
        qsort(out->files, out->nfiles, sizeof(rl_coverage_file), cmp_files);
}

void rl_coverage_report_clear(rl_coverage_report *r)
{
    for (size_t i = 0; i < r->nfiles; i++) {
        rl_free(r->files[i].path);
        rl_free(r->files[i].code);
        rl_free(r->files[i].hits);
    }
    rl_free(r->files);
    memset(r, 0, sizeof(*r));
}

void rl_coverage_write_lcov(const rl_coverage_report *r, rl_buf *out)
{
    for (size_t i = 0; i < r->nfiles; i++) {
        const rl_coverage_file *f = &r->files[i];
        rl_buf_printf(out, "TN:\nSF:%s\n", f->path);
        for (int l = 1; l <= f->nlines; l++)
            if (f->code[l])
                rl_buf_printf(out, "DA:%d,%llu\n", l, (unsigned long long)f->hits[l]);
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
            if (first == 0)
                first = l;
            last = l;
        } else if ((ran || l > f->nlines) && first != 0) {
            rl_buf_puts(out, any ? ", " : "");
            if (first == last)
                rl_buf_printf(out, "%d", first);
            else
                rl_buf_printf(out, "%d-%d", first, last);
            any = 1;
            first = 0;
        }
    }
}

static void put_percent(rl_buf *out, int hit, int found)
{
    if (found == 0)
        rl_buf_printf(out, "%8s", "-");
    else
        rl_buf_printf(out, "%7.1f%%", 100.0 * hit / found);
}

void rl_coverage_write_table(const rl_coverage_report *r, rl_buf *out)
{
    size_t w = strlen("coverage");
    for (size_t i = 0; i < r->nfiles; i++)
        if (strlen(r->files[i].path) > w)
            w = strlen(r->files[i].path);
    rl_buf_printf(out, "%-*s  %6s  %6s  %8s  %s\n", (int)w, "coverage", "lines", "hit", "percent",
                  "never run");
    int found = 0, hit = 0;
    for (size_t i = 0; i < r->nfiles; i++) {
        const rl_coverage_file *f = &r->files[i];
        rl_buf_printf(out, "%-*s  %6d  %6d  ", (int)w, f->path, f->lines_found, f->lines_hit);
        put_percent(out, f->lines_hit, f->lines_found);
        rl_buf line = {0};
        rl_coverage_missed_ranges(f, &line);
        if (line.len > 0)
            rl_buf_printf(out, "  %s", line.p);
        rl_buf_free(&line);
        rl_buf_puts(out, "\n");
        found += f->lines_found;
        hit += f->lines_hit;
    }
    rl_buf_printf(out, "%-*s  %6d  %6d  ", (int)w, "total", found, hit);
    put_percent(out, hit, found);
    rl_buf_puts(out, "\n");
}
