/* The script loader. Design:
 *
 * Files are read whole and walked line by line. Text lines are copied as
 * they are; a directive line is replaced by what its tool would write in
 * its place; an include line by the included file's own output. Every byte
 * goes through emit(), which records, for each chunk line it starts, the
 * file and line it came from. After the walk, the whole-script rules of
 * the two tools run on the lines (BullMQ drops blank lines, redis-lua drops
 * the final newline), and the per-line origins are folded into ranges.
 *
 * redis-lua renders a file as its lines joined by "\n" (the final newline
 * of the file is dropped) and an included file in place of the %include
 * line, so an included file's output loses its final newline and the
 * include line keeps its own. A repeated include renders nothing, and its
 * line disappears with its newline. BullMQ replaces the `--- @include`
 * text by the whole included output, keeps the rest of the line, then
 * removes every whitespace-only line of the result. */
/* realpath() is an XSI function. */
#define _XOPEN_SOURCE 700

#include "loader.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mem.h"
#include "report.h"

/* Deeper include chains are surely a mistake, and the C stack is finite. */
#define RL_LOADER_MAX_DEPTH 64

typedef struct origin {
    size_t file;
    int line;
} origin;

typedef struct lctx {
    rl_loaded_script *out;
    char **real;  /* realpath of files[i] */
    char **roots; /* realpaths of the include directories */
    const rl_loader_opts *opts;
    size_t *stack; /* files being walked, outermost first */
    size_t depth;
    rl_buf text;
    origin *lines; /* origin of chunk line i + 1 */
    size_t nlines, cap;
    int at_line_start;
    int used_percent; /* some file had a % directive */
    int used_bullmq;  /* some file had a --- @include */
    char *err;
    size_t errlen;
} lctx;

static int lerr(lctx *c, size_t file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int lerr(lctx *c, size_t file, int line, int col, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (c->err != NULL && c->errlen > 0)
        snprintf(c->err, c->errlen, "%s:%d:%d: %s", c->out->files[file].path, line, col, msg);
    return -1;
}

/* --- Paths ------------------------------------------------------------------ */

/* Folds "." and "a/.." components and repeated slashes, without touching
 * the file system; leading ".." components of a relative path stay. */
static char *normalize_path(const char *p)
{
    size_t n = strlen(p);
    int absolute = n > 0 && p[0] == '/';
    const char **comp = rl_malloc((n / 2 + 2) * sizeof(char *));
    size_t *clen = rl_malloc((n / 2 + 2) * sizeof(size_t));
    size_t nc = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && p[i] == '/') i++;
        size_t s = i;
        while (i < n && p[i] != '/') i++;
        size_t l = i - s;
        if (l == 0 || (l == 1 && p[s] == '.')) continue;
        if (l == 2 && p[s] == '.' && p[s + 1] == '.') {
            if (nc > 0 && !(clen[nc - 1] == 2 && memcmp(comp[nc - 1], "..", 2) == 0)) {
                nc--;
                continue;
            }
            if (absolute) continue; /* "/.." is "/" */
        }
        comp[nc] = p + s;
        clen[nc++] = l;
    }
    char *out = rl_malloc(n + 2);
    size_t len = 0;
    if (absolute) out[len++] = '/';
    for (size_t k = 0; k < nc; k++) {
        if (k > 0) out[len++] = '/';
        memcpy(out + len, comp[k], clen[k]);
        len += clen[k];
    }
    if (len == 0) out[len++] = '.';
    out[len] = '\0';
    rl_free(comp);
    rl_free(clen);
    return out;
}

/* dir of path ("" when it has none) joined with rel, then normalized. */
static char *join_dir(const char *path, const char *rel, size_t rellen)
{
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
    if (rellen > 0 && rel[0] == '/') dl = 0;
    char *tmp = rl_malloc(dl + rellen + 1);
    memcpy(tmp, path, dl);
    memcpy(tmp + dl, rel, rellen);
    tmp[dl + rellen] = '\0';
    char *n = normalize_path(tmp);
    rl_free(tmp);
    return n;
}

/* realpath through rl_malloc; NULL if the file does not exist. */
static char *real_path(const char *p)
{
    char *r = realpath(p, NULL);
    if (r == NULL) return NULL;
    char *copy = rl_strdup(r);
    free(r); /* realpath's buffer comes from malloc */
    return copy;
}

/* 1 if real lies in the directory tree whose realpath is root. */
static int inside(const char *real, const char *root)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/') return 1;
    return strncmp(real, root, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

/* --- Files ------------------------------------------------------------------ */

static char *read_whole(const char *path, size_t *len, char *msg, size_t msglen)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        snprintf(msg, msglen, "%s", strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = rl_malloc(cap);
    for (;;) {
        if (cap - n < 4096) {
            cap *= 2;
            buf = rl_realloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0) break;
    }
    if (ferror(fp)) {
        snprintf(msg, msglen, "%s", strerror(errno));
        fclose(fp);
        rl_free(buf);
        return NULL;
    }
    fclose(fp);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static size_t add_file(lctx *c, char *display, char *real, char *text, size_t len)
{
    rl_loaded_script *s = c->out;
    s->files = rl_realloc(s->files, (s->nfiles + 1) * sizeof(*s->files));
    c->real = rl_realloc(c->real, (s->nfiles + 1) * sizeof(*c->real));
    s->files[s->nfiles].path = display;
    s->files[s->nfiles].text = text;
    s->files[s->nfiles].len = len;
    c->real[s->nfiles] = real;
    return s->nfiles++;
}

/* --- Output ----------------------------------------------------------------- */

static void push_origin(lctx *c, size_t file, int line)
{
    if (c->nlines == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->lines = rl_realloc(c->lines, c->cap * sizeof(*c->lines));
    }
    c->lines[c->nlines].file = file;
    c->lines[c->nlines].line = line;
    c->nlines++;
}

/* Appends bytes; every chunk line they start comes from (file, line). */
static void emit(lctx *c, const char *p, size_t n, size_t file, int line)
{
    for (size_t i = 0; i < n; i++) {
        if (c->at_line_start) {
            push_origin(c, file, line);
            c->at_line_start = 0;
        }
        if (p[i] == '\n') c->at_line_start = 1;
    }
    rl_buf_put(&c->text, p, n);
}

static void emitf(lctx *c, size_t file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void emitf(lctx *c, size_t file, int line, const char *fmt, ...)
{
    size_t n;
    va_list ap;
    va_start(ap, fmt);
    char *text = rl_vasprintf(&n, fmt, ap);
    va_end(ap);
    emit(c, text, n, file, line);
    rl_free(text);
}

/* Drops the final newline of what was emitted since mark, if any. */
static void drop_final_newline(lctx *c, size_t mark)
{
    if (c->text.len > mark && c->text.p[c->text.len - 1] == '\n') {
        c->text.len--;
        c->text.p[c->text.len] = '\0';
        c->at_line_start = 0;
    }
}

/* --- Directives -------------------------------------------------------------- */

/* Python's \s on ASCII, which redis-lua's patterns use. */
static int py_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

static int ident_start(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

static int ident_char(char ch)
{
    return ident_start(ch) || (ch >= '0' && ch <= '9');
}

static const char *const lua_keywords[] = { "and",   "break",  "do",     "else",     "elseif",
                                            "end",   "false",  "for",    "function", "goto",
                                            "if",    "in",     "local",  "nil",      "not",
                                            "or",    "repeat", "return", "then",     "true",
                                            "until", "while",  NULL };

/* One whitespace-separated word of a directive line. */
typedef struct word {
    const char *p;
    size_t n;
    int col;
} word;

/* Splits l[from, n) into at most max words; returns their count, or max + 1
 * if there are more. */
static int split_words(const char *l, size_t n, size_t from, word *w, int max)
{
    int count = 0;
    size_t i = from;
    for (;;) {
        while (i < n && py_space(l[i])) i++;
        if (i >= n) return count;
        if (count == max) return max + 1;
        w[count].p = l + i;
        w[count].col = (int)i + 1;
        while (i < n && !py_space(l[i])) i++;
        w[count].n = (size_t)(l + i - w[count].p);
        count++;
    }
}

static int check_name(lctx *c, size_t file, int line, const word *w, const char *what)
{
    int ok = w->n > 0 && ident_start(w->p[0]);
    for (size_t i = 1; ok && i < w->n; i++) ok = ident_char(w->p[i]);
    if (!ok)
        return lerr(c, file, line, w->col, "%s name '%.*s' is not a Lua identifier", what,
                    (int)w->n, w->p);
    for (size_t i = 0; lua_keywords[i] != NULL; i++) {
        if (strlen(lua_keywords[i]) == w->n && memcmp(lua_keywords[i], w->p, w->n) == 0)
            return lerr(c, file, line, w->col, "%s name '%.*s' is a Lua keyword", what, (int)w->n,
                        w->p);
    }
    return 0;
}

static int parse_type(const word *w, rl_param_type *t)
{
    static const struct {
        const char *name;
        rl_param_type type;
    } types[] = { { "int", RL_PARAM_INT },       { "integer", RL_PARAM_INT },
                  { "string", RL_PARAM_STRING }, { "str", RL_PARAM_STRING },
                  { "bool", RL_PARAM_BOOL },     { "boolean", RL_PARAM_BOOL },
                  { "dict", RL_PARAM_DICT },     { "dictionary", RL_PARAM_DICT },
                  { "list", RL_PARAM_LIST },     { "array", RL_PARAM_LIST } };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strlen(types[i].name) == w->n && memcmp(types[i].name, w->p, w->n) == 0) {
            *t = types[i].type;
            return 0;
        }
    }
    return -1;
}

#define TYPE_LIST "int, integer, string, str, bool, boolean, dict, dictionary, list or array"

/* The Python class redis-lua prints for a type in its %return comment. */
static const char *python_class(rl_param_type t)
{
    switch (t) {
    case RL_PARAM_STRING: return "str";
    case RL_PARAM_INT: return "int";
    case RL_PARAM_BOOL: return "bool";
    case RL_PARAM_DICT: return "dict";
    case RL_PARAM_LIST: return "list";
    }
    return "str";
}

static int declare(lctx *c, size_t file, int line, const word *name, int is_key, rl_param_type type,
                   int *slot)
{
    rl_loaded_script *s = c->out;
    const rl_param_decl *prev = rl_loader_find_param(s, name->p, name->n);
    if (prev != NULL)
        return lerr(c, file, line, name->col,
                    "duplicate name '%.*s': already declared by %s at %s:%d", (int)name->n, name->p,
                    prev->is_key ? "%key" : "%arg", s->files[prev->file].path, prev->line);
    s->params = rl_realloc(s->params, (s->nparams + 1) * sizeof(*s->params));
    rl_param_decl *d = &s->params[s->nparams++];
    d->name = rl_memdup(name->p, name->n);
    d->is_key = is_key;
    d->type = type;
    d->slot = is_key ? ++s->nkeys : ++s->nargs;
    d->file = file;
    d->line = line;
    d->col = name->col;
    *slot = d->slot;
    return 0;
}

static int load_file(lctx *c, size_t fi);

/* Resolves an include of name (rel is name with its suffix) written in
 * file `from`: relative to it, then along the include directories. Sets
 * *display and *real (rl_malloc'd) or reports. */
static int resolve_include(lctx *c, size_t from, const char *name, size_t namelen, const char *rel,
                           int line, int col, char **display, char **real)
{
    size_t ncand = 1 + (rel[0] == '/' ? 0 : c->opts->ninclude_dirs);
    char *from_dir_real = join_dir(c->real[from], ".", 1);
    char *outside = NULL;
    rl_buf tried = { 0 };
    *display = *real = NULL;
    for (size_t i = 0; i < ncand && *display == NULL; i++) {
        char *cand;
        if (i == 0) {
            cand = join_dir(c->out->files[from].path, rel, strlen(rel));
        } else {
            const char *dir = c->opts->include_dirs[i - 1];
            size_t dl = strlen(dir);
            char *tmp = rl_malloc(dl + strlen(rel) + 2);
            memcpy(tmp, dir, dl);
            tmp[dl] = '/';
            memcpy(tmp + dl + 1, rel, strlen(rel) + 1);
            cand = normalize_path(tmp);
            rl_free(tmp);
        }
        struct stat st;
        char *r = real_path(cand);
        if (r == NULL || stat(r, &st) != 0 || !S_ISREG(st.st_mode)) {
            rl_buf_printf(&tried, "%s%s", tried.len ? ", " : "", cand);
            rl_free(r);
            rl_free(cand);
            continue;
        }
        int ok = inside(r, from_dir_real);
        for (size_t k = 0; !ok && k < c->opts->ninclude_dirs; k++)
            ok = c->roots[k] != NULL && inside(r, c->roots[k]);
        if (!ok) {
            if (outside == NULL) outside = rl_strdup(cand);
            rl_free(r);
            rl_free(cand);
            continue;
        }
        *display = cand;
        *real = r;
    }
    rl_free(from_dir_real);
    int rc = 0;
    if (*display == NULL) {
        if (outside != NULL)
            rc = lerr(c, from, line, col,
                      "include \"%.*s\" resolves to %s, outside the allowed paths (the "
                      "including file's directory tree and the -I directories)",
                      (int)namelen, name, outside);
        else
            rc = lerr(c, from, line, col, "include not found: \"%.*s\" (tried %s)", (int)namelen,
                      name, tried.p ? tried.p : rel);
    }
    rl_free(outside);
    rl_buf_free(&tried);
    return rc;
}

/* Includes the file at (display, real) from line `line` of file `from`:
 * reports a cycle, skips a file already included (returns 1), or walks it
 * (returns 0). Takes display and real. */
static int include_file(lctx *c, size_t from, int line, int col, char *display, char *real)
{
    for (size_t i = 0; i < c->depth; i++) {
        if (strcmp(c->real[c->stack[i]], real) != 0) continue;
        rl_buf chain = { 0 };
        for (size_t k = i; k < c->depth; k++)
            rl_buf_printf(&chain, "%s -> ", c->out->files[c->stack[k]].path);
        rl_buf_puts(&chain, display);
        lerr(c, from, line, col, "include cycle: %s", chain.p);
        rl_buf_free(&chain);
        rl_free(display);
        rl_free(real);
        return -1;
    }
    for (size_t i = 0; i < c->out->nfiles; i++) {
        if (strcmp(c->real[i], real) == 0) {
            rl_free(display);
            rl_free(real);
            return 1;
        }
    }
    if (c->depth >= RL_LOADER_MAX_DEPTH) {
        rl_free(display);
        rl_free(real);
        return lerr(c, from, line, col, "includes nested deeper than %d files",
                    RL_LOADER_MAX_DEPTH);
    }
    char msg[256];
    size_t len;
    char *text = read_whole(real, &len, msg, sizeof(msg));
    if (text == NULL) {
        lerr(c, from, line, col, "cannot read %s: %s", display, msg);
        rl_free(display);
        rl_free(real);
        return -1;
    }
    size_t fi = add_file(c, display, real, text, len);
    return load_file(c, fi);
}

/* A %include line: its output replaces the line, without its final
 * newline; the line's own newline follows. A file included before
 * renders nothing, and the line goes with its newline. */
static int do_percent_include(lctx *c, size_t fi, int line, const char *l, size_t n, size_t at,
                              int has_nl)
{
    size_t i = at;
    while (i < n && py_space(l[i])) i++;
    if (i == at || i >= n || (l[i] != '"' && l[i] != '\''))
        return lerr(c, fi, line, (int)at + 1, "malformed %%include: expected %%include \"path\"");
    char q = l[i];
    int qcol = (int)i + 1;
    size_t s = ++i;
    while (i < n && l[i] != q) i++;
    if (i >= n || i == s)
        return lerr(c, fi, line, qcol, "malformed %%include: expected %%include \"path\"");
    size_t e = i++;
    while (i < n && py_space(l[i])) i++;
    if (i < n)
        return lerr(c, fi, line, (int)i + 1, "unexpected text after %%include \"%.*s\"",
                    (int)(e - s), l + s);
    if (memchr(l + s, '\0', e - s) != NULL)
        return lerr(c, fi, line, qcol, "an include path may not contain NUL");
    char *rel = rl_malloc(e - s + 5);
    memcpy(rel, l + s, e - s);
    memcpy(rel + (e - s), ".lua", 5);
    char *display, *real;
    int rc = resolve_include(c, fi, l + s, e - s, rel, line, qcol, &display, &real);
    rl_free(rel);
    if (rc != 0) return -1;
    size_t mark = c->text.len;
    rc = include_file(c, fi, line, qcol, display, real);
    if (rc < 0) return -1;
    if (rc == 1) return 0;
    drop_final_newline(c, mark);
    if (has_nl) emit(c, "\n", 1, fi, line);
    return 0;
}

static int do_directive(lctx *c, size_t fi, int line, const char *l, size_t n, size_t pct,
                        int has_nl, int *seen_return)
{
    size_t i = pct + 1;
    while (i < n && ident_char(l[i])) i++;
    const char *dw = l + pct + 1;
    size_t dn = i - pct - 1;
    int col = (int)pct + 1;
    if (i < n && !py_space(l[i]))
        return lerr(c, fi, line, col, "malformed directive: '%%%.*s' must be followed by a space",
                    (int)dn, dw);
    c->used_percent = 1;
    if (dn == 7 && memcmp(dw, "include", 7) == 0)
        return do_percent_include(c, fi, line, l, n, i, has_nl);

    word w[3];
    int nw = split_words(l, n, i, w, 2);
    const char *nl = has_nl ? "\n" : "";
    if (dn == 3 && memcmp(dw, "key", 3) == 0) {
        if (nw != 1) return lerr(c, fi, line, col, "malformed %%key: expected %%key NAME");
        int slot;
        if (check_name(c, fi, line, &w[0], "%key") != 0 ||
            declare(c, fi, line, &w[0], 1, RL_PARAM_STRING, &slot) != 0)
            return -1;
        emitf(c, fi, line, "local %.*s = KEYS[%d]%s", (int)w[0].n, w[0].p, slot, nl);
        return 0;
    }
    if (dn == 3 && memcmp(dw, "arg", 3) == 0) {
        if (nw < 1 || nw > 2)
            return lerr(c, fi, line, col, "malformed %%arg: expected %%arg NAME [TYPE]");
        rl_param_type t = RL_PARAM_STRING;
        if (nw == 2 && parse_type(&w[1], &t) != 0)
            return lerr(c, fi, line, w[1].col, "unknown %%arg type '%.*s' (" TYPE_LIST ")",
                        (int)w[1].n, w[1].p);
        int slot;
        if (check_name(c, fi, line, &w[0], "%arg") != 0 ||
            declare(c, fi, line, &w[0], 0, t, &slot) != 0)
            return -1;
        int wn = (int)w[0].n;
        switch (t) {
        case RL_PARAM_INT:
            emitf(c, fi, line, "local %.*s = tonumber(ARGV[%d])%s", wn, w[0].p, slot, nl);
            break;
        case RL_PARAM_BOOL:
            emitf(c, fi, line, "local %.*s = tonumber(ARGV[%d]) ~= 0%s", wn, w[0].p, slot, nl);
            break;
        case RL_PARAM_DICT:
        case RL_PARAM_LIST:
            emitf(c, fi, line, "local %.*s = cjson.decode(ARGV[%d])%s", wn, w[0].p, slot, nl);
            break;
        case RL_PARAM_STRING:
            emitf(c, fi, line, "local %.*s = ARGV[%d]%s", wn, w[0].p, slot, nl);
            break;
        }
        return 0;
    }
    if (dn == 6 && memcmp(dw, "return", 6) == 0) {
        rl_param_type t;
        if (nw != 1) return lerr(c, fi, line, col, "malformed %%return: expected %%return TYPE");
        if (parse_type(&w[0], &t) != 0)
            return lerr(c, fi, line, w[0].col, "unknown %%return type '%.*s' (" TYPE_LIST ")",
                        (int)w[0].n, w[0].p);
        if (*seen_return)
            return lerr(c, fi, line, col,
                        "a file has at most one %%return (the first is at "
                        "line %d)",
                        *seen_return);
        *seen_return = line;
        if (fi == 0) {
            c->out->has_return = 1;
            c->out->return_type = t;
        }
        emitf(c, fi, line, "-- Expected return type is: <class '%s'>%s", python_class(t), nl);
        return 0;
    }
    if (dn == 6 && memcmp(dw, "pragma", 6) == 0) {
        if (nw != 1) return lerr(c, fi, line, col, "malformed %%pragma: expected %%pragma once");
        if (w[0].n != 4 || memcmp(w[0].p, "once", 4) != 0)
            return lerr(c, fi, line, w[0].col, "unknown pragma '%.*s' (the only one is once)",
                        (int)w[0].n, w[0].p);
        emitf(c, fi, line, "-- File can only be included once.%s", nl);
        return 0;
    }
    return lerr(c, fi, line, col,
                "unknown directive '%%%.*s' (known: %%include, %%key, %%arg, %%return, %%pragma)",
                (int)dn, dw);
}

/* BullMQ's include pattern, /^-{2,3}[ \t]*@include[ \t]+(["'])(.+?)\1[; \t\n]*$/m,
 * on one line (without its "\n"). Sets the name and where the match ends
 * (a "\r" there stays, as JavaScript's $ stops before it). */
static int match_bullmq(const char *l, size_t n, size_t *name, size_t *namelen, int *col,
                        size_t *end)
{
    if (n < 2 || l[0] != '-' || l[1] != '-') return 0;
    size_t i = 2;
    if (i < n && l[i] == '-') i++;
    while (i < n && (l[i] == ' ' || l[i] == '\t')) i++;
    if (n - i < 8 || memcmp(l + i, "@include", 8) != 0) return 0;
    *col = (int)i + 1;
    i += 8;
    size_t s = i;
    while (i < n && (l[i] == ' ' || l[i] == '\t')) i++;
    if (i == s || i >= n || (l[i] != '"' && l[i] != '\'')) return 0;
    char q = l[i++];
    for (size_t j = i + 1; j < n; j++) {
        if (l[j - 1] == '\r') return 0; /* '.' does not match a line terminator */
        if (l[j] != q) continue;
        size_t k = j + 1;
        while (k < n && (l[k] == ';' || l[k] == ' ' || l[k] == '\t')) k++;
        if (k == n || l[k] == '\r') {
            *name = i;
            *namelen = j - i;
            *end = k;
            return 1;
        }
    }
    return 0;
}

/* Node's path.extname of the last component: "" when it has no dot past
 * its first character. */
static const char *extname(const char *p, size_t n)
{
    size_t b = n;
    while (b > 0 && p[b - 1] != '/') b--;
    for (size_t i = n; i > b + 1; i--) {
        if (p[i - 1] == '.') return p + i - 1;
    }
    return p + n;
}

static int do_bullmq_include(lctx *c, size_t fi, int line, const char *l, size_t n, size_t name,
                             size_t namelen, int col, size_t end, int has_nl, char ***done,
                             size_t *ndone)
{
    const char *nm = l + name;
    c->used_bullmq = 1;
    if (nm[0] == '~' || nm[0] == '<')
        return lerr(c, fi, line, col,
                    "include \"%.*s\": mapped paths (~, <name>) are not supported; use a "
                    "relative path or -I",
                    (int)namelen, nm);
    if (strcspn(nm, "*?[{") < namelen)
        return lerr(c, fi, line, col, "include \"%.*s\": glob patterns are not supported",
                    (int)namelen, nm);
    if (memchr(nm, '\0', namelen) != NULL)
        return lerr(c, fi, line, col, "an include path may not contain NUL");
    const char *ext = extname(nm, namelen);
    size_t extlen = namelen - (size_t)(ext - nm);
    int add = extlen == 0 || (extlen == 1 && ext[0] == '.');
    if (!add && !(extlen == 4 && memcmp(ext, ".lua", 4) == 0))
        return lerr(c, fi, line, col, "include not found: \"%.*s\" (only .lua files)", (int)namelen,
                    nm);
    char *rel = rl_malloc(namelen + 5);
    memcpy(rel, nm, namelen);
    memcpy(rel + namelen, add ? ".lua" : "", add ? 5 : 1);
    char *display, *real;
    int rc = resolve_include(c, fi, nm, namelen, rel, line, col, &display, &real);
    rl_free(rel);
    if (rc != 0) return -1;
    for (size_t i = 0; i < *ndone; i++) {
        if (strcmp((*done)[i], real) == 0) {
            lerr(c, fi, line, col, "file \"%.*s\" already included in \"%s\"", (int)namelen, nm,
                 c->out->files[fi].path);
            rl_free(display);
            rl_free(real);
            return -1;
        }
    }
    *done = rl_realloc(*done, (*ndone + 1) * sizeof(char *));
    (*done)[(*ndone)++] = rl_strdup(real);
    if (include_file(c, fi, line, col, display, real) < 0) return -1;
    emit(c, l + end, n - end, fi, line);
    if (has_nl) emit(c, "\n", 1, fi, line);
    return 0;
}

static int load_file(lctx *c, size_t fi)
{
    c->stack = rl_realloc(c->stack, (c->depth + 1) * sizeof(*c->stack));
    c->stack[c->depth++] = fi;
    int seen_return = 0, rc = 0;
    char **done = NULL; /* realpaths this file included with --- @include */
    size_t ndone = 0;
    size_t pos = 0;
    int line = 0;
    /* files[] may move while an include adds to it: index it every time. */
    while (rc == 0 && pos < c->out->files[fi].len) {
        const char *text = c->out->files[fi].text;
        size_t len = c->out->files[fi].len;
        const char *nlp = memchr(text + pos, '\n', len - pos);
        size_t end = nlp ? (size_t)(nlp - text) : len;
        int has_nl = nlp != NULL;
        const char *l = text + pos;
        size_t n = end - pos;
        line++;
        pos = has_nl ? end + 1 : end;

        size_t i = 0;
        while (i < n && py_space(l[i])) i++;
        size_t name, namelen, mend;
        int col;
        if (i + 1 < n && l[i] == '%' && ident_start(l[i + 1])) {
            rc = do_directive(c, fi, line, l, n, i, has_nl, &seen_return);
        } else if (match_bullmq(l, n, &name, &namelen, &col, &mend)) {
            rc = do_bullmq_include(c, fi, line, l, n, name, namelen, col, mend, has_nl, &done,
                                   &ndone);
        } else {
            emit(c, l, n + (size_t)has_nl, fi, line);
        }
    }
    for (size_t i = 0; i < ndone; i++) rl_free(done[i]);
    rl_free(done);
    c->depth--;
    return rc;
}

/* --- Whole-script rules and the line map ---------------------------------------- */

static int blank_line(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!py_space(p[i])) return 0;
    }
    return 1;
}

/* BullMQ's removeEmptyLines: every whitespace-only line that ends in a
 * newline goes. */
static void remove_blank_lines(lctx *c)
{
    rl_buf out = { 0 };
    size_t kept = 0, pos = 0;
    for (size_t k = 0; k < c->nlines; k++) {
        const char *p = c->text.p + pos;
        const char *nl = memchr(p, '\n', c->text.len - pos);
        size_t n = nl ? (size_t)(nl - p) + 1 : c->text.len - pos;
        pos += n;
        if (nl != NULL && blank_line(p, n - 1)) continue;
        rl_buf_put(&out, p, n);
        c->lines[kept++] = c->lines[k];
    }
    c->nlines = kept;
    rl_buf_free(&c->text);
    c->text = out;
    if (c->text.p == NULL) rl_buf_put(&c->text, "", 0);
}

static void build_ranges(lctx *c)
{
    rl_loaded_script *s = c->out;
    for (size_t k = 0; k < c->nlines; k++) {
        const origin *o = &c->lines[k];
        rl_line_range *r = s->nranges ? &s->ranges[s->nranges - 1] : NULL;
        if (r != NULL && r->file_index == o->file && r->file_first + r->count == o->line &&
            r->first + r->count == (int)k + 1) {
            r->count++;
            continue;
        }
        s->ranges = rl_realloc(s->ranges, (s->nranges + 1) * sizeof(*s->ranges));
        r = &s->ranges[s->nranges++];
        r->first = (int)k + 1;
        r->count = 1;
        r->file_index = o->file;
        r->file_first = o->line;
        r->file = NULL;
    }
    for (size_t i = 0; i < s->nranges; i++)
        s->ranges[i].file = s->files[s->ranges[i].file_index].path;
}

int rl_loader_load_script(const char *path, const rl_loader_opts *opts, rl_loaded_script *out,
                          char *err, size_t errlen)
{
    static const rl_loader_opts no_opts = { NULL, 0 };
    char dummy[1];
    if (err == NULL || errlen == 0) {
        err = dummy;
        errlen = sizeof(dummy);
    }
    memset(out, 0, sizeof(*out));
    lctx c;
    memset(&c, 0, sizeof(c));
    c.out = out;
    c.opts = opts ? opts : &no_opts;
    c.err = err;
    c.errlen = errlen;
    c.at_line_start = 1;

    char msg[256];
    size_t len;
    char *text = read_whole(path, &len, msg, sizeof(msg));
    if (text == NULL) {
        snprintf(err, errlen, "cannot open %s: %s", path, msg);
        return -1;
    }
    char *real = real_path(path);
    if (real == NULL) real = rl_strdup(path);
    add_file(&c, normalize_path(path), real, text, len);
    out->file = rl_strdup(path);

    int rc = 0;
    c.roots = rl_calloc(c.opts->ninclude_dirs + 1, sizeof(char *));
    for (size_t i = 0; i < c.opts->ninclude_dirs && rc == 0; i++) {
        struct stat st;
        c.roots[i] = real_path(c.opts->include_dirs[i]);
        if (c.roots[i] == NULL || stat(c.roots[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "%s: include directory %s: %s", path, c.opts->include_dirs[i],
                     c.roots[i] == NULL ? strerror(errno) : "not a directory");
            rc = -1;
        }
    }
    if (rc == 0) rc = load_file(&c, 0);
    if (rc == 0) {
        if (c.used_bullmq) remove_blank_lines(&c);
        /* redis-lua joins the lines of the script: no final newline. */
        if (c.used_percent) drop_final_newline(&c, 0);
        if (c.text.p == NULL) rl_buf_put(&c.text, "", 0);
        out->len = c.text.len;
        out->text = rl_buf_take(&c.text);
        build_ranges(&c);
    }
    for (size_t i = 0; i < out->nfiles; i++) rl_free(c.real[i]);
    for (size_t i = 0; i < c.opts->ninclude_dirs; i++) rl_free(c.roots[i]);
    rl_free(c.roots);
    rl_free(c.real);
    rl_free(c.stack);
    rl_free(c.lines);
    rl_buf_free(&c.text);
    if (rc != 0) rl_loader_clear(out);
    return rc;
}

int rl_loader_load(const char *path, rl_loaded_script *out, char *err, size_t errlen)
{
    return rl_loader_load_script(path, NULL, out, err, errlen);
}

void rl_loader_clear(rl_loaded_script *s)
{
    rl_free(s->text);
    rl_free(s->file);
    rl_free(s->ranges);
    for (size_t i = 0; i < s->nfiles; i++) {
        rl_free(s->files[i].path);
        rl_free(s->files[i].text);
    }
    rl_free(s->files);
    for (size_t i = 0; i < s->nparams; i++) rl_free(s->params[i].name);
    rl_free(s->params);
    memset(s, 0, sizeof(*s));
}

int rl_loader_map_line(const rl_loaded_script *s, int line, const char **file, int *file_line)
{
    size_t lo = 0, hi = s->nranges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const rl_line_range *r = &s->ranges[mid];
        if (line < r->first) {
            hi = mid;
        } else if (line >= r->first + r->count) {
            lo = mid + 1;
        } else {
            *file = r->file;
            *file_line = r->file_first + (line - r->first);
            return 0;
        }
    }
    return -1;
}

const rl_param_decl *rl_loader_find_param(const rl_loaded_script *s, const char *name, size_t len)
{
    for (size_t i = 0; i < s->nparams; i++) {
        if (strlen(s->params[i].name) == len && memcmp(s->params[i].name, name, len) == 0)
            return &s->params[i];
    }
    return NULL;
}

const char *rl_param_type_name(rl_param_type t)
{
    switch (t) {
    case RL_PARAM_STRING: return "string";
    case RL_PARAM_INT: return "int";
    case RL_PARAM_BOOL: return "bool";
    case RL_PARAM_DICT: return "dict";
    case RL_PARAM_LIST: return "list";
    }
    return "string";
}
