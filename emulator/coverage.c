#include "coverage.h"

#include <stdlib.h>
#include <string.h>

#include "lua_engine.h"
#include "mem.h"
#include "redlua.h"

struct rl_cov_chunk {
    char sha[41];
    char *body;
    size_t len;
    int nlines;
    unsigned char *code; /* [nlines + 1], index 0 unused */
    uint64_t *hits;      /* [nlines + 1] */
    uint32_t *seen;      /* [nlines + 1]: the run that last counted the line */
    uint32_t run;        /* the current run's number, from 1 */
    int nfuncs;          /* nested functions, by the line their definition starts on */
    int *func_lines;     /* [nfuncs], ascending */
    uint64_t *func_hits; /* [nfuncs]: runs that called the function */
    uint32_t *func_seen; /* [nfuncs]: the run that last counted the call */
};

struct rl_cov_state {
    size_t n;
    rl_cov_chunk **chunks; /* in the order of first compilation */
};

void rl_emu_set_coverage(rl_emu *emu, int on)
{
    if (on && emu->coverage == NULL) emu->coverage = rl_calloc(1, sizeof(*emu->coverage));
    emu->coverage_on = on != 0;
}

rl_cov_chunk *rl_cov_find(rl_emu *emu, const char *sha)
{
    if (!emu->coverage_on) return NULL;
    for (size_t i = 0; i < emu->coverage->n; i++)
        if (strcmp(emu->coverage->chunks[i]->sha, sha) == 0) return emu->coverage->chunks[i];
    return NULL;
}

/* Start of line `line` (1-based) in the body, or NULL. */
static const char *line_start(const rl_cov_chunk *c, int line, const char **end)
{
    const char *p = c->body, *stop = c->body + c->len;
    for (int i = 1; i < line; i++) {
        const char *nl = memchr(p, '\n', (size_t)(stop - p));
        if (!nl) return NULL;
        p = nl + 1;
    }
    const char *nl = memchr(p, '\n', (size_t)(stop - p));
    *end = nl ? nl : stop;
    return p;
}

static int is_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
        ch == '_';
}

/* 1 when the line holds the word "return" (a bare scan: a "return" in a
 * comment or a string on the same line also counts, which at worst keeps a
 * line that holds an explicit return's neighbour). */
static int says_return(const rl_cov_chunk *c, int line)
{
    const char *end, *start = line_start(c, line, &end);
    if (!start) return 0;
    for (const char *p = start; p + 6 <= end; p++) {
        if (memcmp(p, "return", 6) == 0 && (p == start || !is_name_char(p[-1])) &&
            (p + 6 == end || !is_name_char(p[6])))
            return 1;
    }
    return 0;
}

/* --- The lexical part of the rule ------------------------------------------------ */

/* A small Lua 5.1 lexer: just enough to know, per line, whether every token
 * on it lies inside a table constructor (and not in a function written in
 * it), and whether the line is a bare "local a, b" declaration. Lines are
 * counted by '\n', as the source map counts them. */
typedef struct lexer {
    const char *p, *end;
    int line;
} lexer;

enum { TK_EOF, TK_NAME, TK_OTHER };

typedef struct token {
    int kind;
    const char *s;
    size_t len;
    int line, last_line; /* where it starts and ends (long strings span lines) */
} token;

/* Skips a long bracket's body from just after its opening "[" "="* "[";
 * level is the count of '='. */
static void skip_long(lexer *lx, int level)
{
    while (lx->p < lx->end) {
        char ch = *lx->p++;
        if (ch == '\n') {
            lx->line++;
        } else if (ch == ']') {
            const char *q = lx->p;
            int n = 0;
            while (q < lx->end && *q == '=') q++, n++;
            if (n == level && q < lx->end && *q == ']') {
                lx->p = q + 1;
                return;
            }
        }
    }
}

/* At "[": the level of a long bracket opening here, or -1. */
static int long_open(const lexer *lx, const char *at)
{
    const char *q = at + 1;
    int n = 0;
    while (q < lx->end && *q == '=') q++, n++;
    return q < lx->end && *q == '[' ? n : -1;
}

static token next_token(lexer *lx)
{
    for (;;) {
        while (lx->p < lx->end &&
               (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r' || *lx->p == '\n' ||
                *lx->p == '\f' || *lx->p == '\v')) {
            if (*lx->p == '\n') lx->line++;
            lx->p++;
        }
        if (lx->p + 1 < lx->end && lx->p[0] == '-' && lx->p[1] == '-') {
            lx->p += 2;
            int level = lx->p < lx->end && *lx->p == '[' ? long_open(lx, lx->p) : -1;
            if (level >= 0) {
                lx->p += (size_t)level + 2;
                skip_long(lx, level);
            } else {
                while (lx->p < lx->end && *lx->p != '\n') lx->p++;
            }
            continue;
        }
        break;
    }
    token t = { TK_EOF, lx->p, 0, lx->line, lx->line };
    if (lx->p >= lx->end) return t;
    const char *start = lx->p;
    char ch = *lx->p;
    if (is_name_char(ch) && !(ch >= '0' && ch <= '9')) {
        while (lx->p < lx->end && is_name_char(*lx->p)) lx->p++;
        t.kind = TK_NAME;
    } else if ((ch >= '0' && ch <= '9') ||
               (ch == '.' && lx->p + 1 < lx->end && lx->p[1] >= '0' && lx->p[1] <= '9')) {
        while (lx->p < lx->end &&
               (is_name_char(*lx->p) || *lx->p == '.' ||
                ((*lx->p == '+' || *lx->p == '-') && (lx->p[-1] == 'e' || lx->p[-1] == 'E'))))
            lx->p++;
        t.kind = TK_OTHER;
    } else if (ch == '"' || ch == '\'') {
        lx->p++;
        while (lx->p < lx->end && *lx->p != ch && *lx->p != '\n') {
            if (*lx->p == '\\' && lx->p + 1 < lx->end) {
                lx->p++;
                if (*lx->p == '\n') lx->line++;
            }
            lx->p++;
        }
        if (lx->p < lx->end && *lx->p == ch) lx->p++;
        t.kind = TK_OTHER;
    } else if (ch == '[' && long_open(lx, lx->p) >= 0) {
        int level = long_open(lx, lx->p);
        lx->p += (size_t)level + 2;
        skip_long(lx, level);
        t.kind = TK_OTHER;
    } else {
        lx->p++;
        t.kind = TK_OTHER;
    }
    t.s = start;
    t.len = (size_t)(lx->p - start);
    t.last_line = lx->line;
    return t;
}

static int is_word(const token *t, const char *w)
{
    return t->kind == TK_NAME && t->len == strlen(w) && memcmp(t->s, w, t->len) == 0;
}

static int is_char(const token *t, char ch)
{
    return t->kind == TK_OTHER && t->len == 1 && t->s[0] == ch;
}

/* Marks skip[line] for the lines no engine-independent rule can call code:
 * lines whose every token lies inside a table constructor (outside any
 * function written in it), and bare "local a, b" declarations (no "=").
 * The context stack holds '{', '(' and '[' for brackets and 'B' for blocks
 * (function, if, do, repeat, closed by end or until). */
static void mark_lexical(const char *body, size_t len, int nlines, unsigned char *skip)
{
    lexer lx = { body, body + len, 1 };
    size_t depth = 0, cap = 64;
    char *stack = rl_malloc(cap);
    unsigned char *code_token = rl_calloc((size_t)nlines + 2, 1);
    /* The bare local declaration being read: its line, and the state
     * 1 after "local", 2 after a name, 3 after a comma. */
    int decl_line = 0, decl_state = 0;
    token t = next_token(&lx);
    while (t.kind != TK_EOF) {
        int data = 0;
        for (size_t i = depth; i > 0; i--) {
            if (stack[i - 1] == 'B') break;
            if (stack[i - 1] == '{') {
                data = 1;
                break;
            }
        }
        for (int l = t.line; !data && l <= t.last_line && l <= nlines; l++) code_token[l] = 1;
        token next = next_token(&lx);
        /* Bare declarations: "local" Name {"," Name}, then a token that is
         * not "=" nor "," on a later line, or ";". */
        if (decl_state == 0 && is_word(&t, "local") && !is_word(&next, "function")) {
            decl_state = 1;
            decl_line = t.line;
        } else if (decl_state == 1 || decl_state == 3) {
            decl_state = t.kind == TK_NAME && t.line == decl_line ? 2 : 0;
        } else if (decl_state == 2) {
            decl_state = is_char(&t, ',') && t.line == decl_line ? 3 : 0;
        }
        if (decl_state == 2 && !is_char(&next, ',') &&
            (next.kind == TK_EOF || next.line != decl_line || is_char(&next, ';'))) {
            if (!is_char(&next, '=') && decl_line <= nlines) skip[decl_line] |= 2;
            decl_state = 0;
        }
        char push = 0;
        if (is_char(&t, '{') || is_char(&t, '(') || is_char(&t, '[')) push = t.s[0];
        else if (is_word(&t, "function") || is_word(&t, "if") || is_word(&t, "do") ||
                 is_word(&t, "repeat"))
            push = 'B';
        if (push) {
            if (depth == cap) stack = rl_realloc(stack, cap *= 2);
            stack[depth++] = push;
        } else if ((is_char(&t, '}') || is_char(&t, ')') || is_char(&t, ']') ||
                    is_word(&t, "end") || is_word(&t, "until")) &&
                   depth > 0) {
            depth--;
        }
        t = next;
    }
    for (int l = 1; l <= nlines; l++)
        if (!code_token[l]) skip[l] |= 1;
    rl_free(code_token);
    rl_free(stack);
}

static void add_line(void *ud, int line, int kind)
{
    rl_cov_chunk *c = ud;
    if (line < 1 || line > c->nlines) return;
    if (kind == RL_ENGINE_FUNCTION) {
        /* Functions defined on one line share one record. */
        for (int i = 0; i < c->nfuncs; i++)
            if (c->func_lines[i] == line) return;
        c->func_lines = rl_realloc(c->func_lines, (size_t)(c->nfuncs + 1) * sizeof(int));
        c->func_lines[c->nfuncs++] = line;
        return;
    }
    if (kind == RL_ENGINE_FINAL_RETURN && !says_return(c, line)) return;
    c->code[line] = 1;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

rl_cov_chunk *rl_cov_register(rl_emu *emu, const char *sha, const char *body, size_t len,
                              lua_State *L)
{
    if (!emu->coverage_on) return NULL;
    rl_cov_chunk *c = rl_cov_find(emu, sha);
    if (c) return c;
    c = rl_calloc(1, sizeof(*c));
    memcpy(c->sha, sha, 40);
    c->body = rl_memdup(body, len);
    c->len = len;
    c->nlines = 1;
    for (size_t i = 0; i < len; i++) c->nlines += body[i] == '\n';
    c->code = rl_calloc((size_t)c->nlines + 1, 1);
    c->hits = rl_calloc((size_t)c->nlines + 1, sizeof(uint64_t));
    c->seen = rl_calloc((size_t)c->nlines + 1, sizeof(uint32_t));
    rl_engine_code_lines(L, add_line, c);
    if (c->nfuncs > 1) qsort(c->func_lines, (size_t)c->nfuncs, sizeof(int), cmp_int);
    c->func_hits = rl_calloc((size_t)c->nfuncs + 1, sizeof(uint64_t));
    c->func_seen = rl_calloc((size_t)c->nfuncs + 1, sizeof(uint32_t));
    unsigned char *skip = rl_calloc((size_t)c->nlines + 1, 1);
    mark_lexical(body, len, c->nlines, skip);
    for (int l = 1; l <= c->nlines; l++)
        if (skip[l]) c->code[l] = 0;
    rl_free(skip);
    struct rl_cov_state *cov = emu->coverage;
    cov->chunks = rl_realloc(cov->chunks, (cov->n + 1) * sizeof(*cov->chunks));
    cov->chunks[cov->n++] = c;
    return c;
}

void rl_cov_begin_run(rl_cov_chunk *c)
{
    c->run++;
}

void rl_cov_hit(rl_cov_chunk *c, int line)
{
    if (line < 1 || line > c->nlines || !c->code[line] || c->seen[line] == c->run) return;
    c->seen[line] = c->run;
    c->hits[line]++;
}

void rl_cov_call(rl_cov_chunk *c, int linedefined)
{
    int lo = 0, hi = c->nfuncs;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (c->func_lines[mid] < linedefined) lo = mid + 1;
        else hi = mid;
    }
    if (lo == c->nfuncs || c->func_lines[lo] != linedefined || c->func_seen[lo] == c->run) return;
    c->func_seen[lo] = c->run;
    c->func_hits[lo]++;
}

int rl_emu_coverage_get(const rl_emu *emu, size_t i, rl_emu_coverage *out)
{
    if (emu->coverage == NULL || i >= emu->coverage->n) return -1;
    const rl_cov_chunk *c = emu->coverage->chunks[i];
    out->sha = c->sha;
    out->body = c->body;
    out->len = c->len;
    out->nlines = c->nlines;
    out->code = c->code;
    out->hits = c->hits;
    out->nfuncs = c->nfuncs;
    out->func_lines = c->func_lines;
    out->func_hits = c->func_hits;
    return 0;
}

void rl_cov_free_all(rl_emu *emu)
{
    struct rl_cov_state *cov = emu->coverage;
    if (!cov) return;
    for (size_t i = 0; i < cov->n; i++) {
        rl_free(cov->chunks[i]->body);
        rl_free(cov->chunks[i]->code);
        rl_free(cov->chunks[i]->hits);
        rl_free(cov->chunks[i]->seen);
        rl_free(cov->chunks[i]->func_lines);
        rl_free(cov->chunks[i]->func_hits);
        rl_free(cov->chunks[i]->func_seen);
        rl_free(cov->chunks[i]);
    }
    rl_free(cov->chunks);
    rl_free(cov);
    emu->coverage = NULL;
}
