#include "report.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "mem.h"

/* Values longer than this are cut in messages: a person cannot compare two
 * screens of JSON anyway, and the start usually shows the difference. */
#define RL_REPORT_VALUE_MAX 4000

void rl_buf_put(rl_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        while (b->len + n + 1 > cap) cap *= 2;
        b->p = rl_realloc(b->p, cap);
        b->cap = cap;
    }
    if (n > 0) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void rl_buf_puts(rl_buf *b, const char *s)
{
    rl_buf_put(b, s, strlen(s));
}

void rl_buf_printf(rl_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof(small)) {
        rl_buf_put(b, small, (size_t)n);
        return;
    }
    char *big = rl_malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    rl_buf_put(b, big, (size_t)n);
    rl_free(big);
}

char *rl_buf_take(rl_buf *b)
{
    if (b->p == NULL) rl_buf_put(b, "", 0);
    char *p = b->p;
    memset(b, 0, sizeof(*b));
    return p;
}

void rl_buf_free(rl_buf *b)
{
    rl_free(b->p);
    memset(b, 0, sizeof(*b));
}

/* A JSON string literal. escape_del also writes DEL (0x7f) as \u007f, as the
 * human output does; machine input (compact JSON) keeps it raw. */
static void put_json_string_esc(rl_buf *b, const char *s, size_t len, int escape_del)
{
    rl_buf_put(b, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '"': rl_buf_put(b, "\\\"", 2); break;
        case '\\': rl_buf_put(b, "\\\\", 2); break;
        case '\n': rl_buf_put(b, "\\n", 2); break;
        case '\r': rl_buf_put(b, "\\r", 2); break;
        case '\t': rl_buf_put(b, "\\t", 2); break;
        case '\b': rl_buf_put(b, "\\b", 2); break;
        case '\f': rl_buf_put(b, "\\f", 2); break;
        default:
            if (ch < 0x20 || (escape_del && ch == 0x7f)) rl_buf_printf(b, "\\u%04x", ch);
            else rl_buf_put(b, (const char *)&ch, 1);
        }
    }
    rl_buf_put(b, "\"", 1);
}

static void put_json_string(rl_buf *b, const char *s, size_t len)
{
    put_json_string_esc(b, s, len, 1);
}

void rl_report_string(rl_buf *b, const char *s, size_t len)
{
    if (rl_utf8_valid(s, len)) {
        put_json_string(b, s, len);
        return;
    }
    static const char digits[] = "0123456789abcdef";
    rl_buf_puts(b, "{\"hex\": \"");
    for (size_t i = 0; i < len; i++) {
        char two[2] = { digits[(unsigned char)s[i] >> 4], digits[(unsigned char)s[i] & 15] };
        rl_buf_put(b, two, 2);
    }
    rl_buf_puts(b, "\"}");
}

static void put_tagged_string(rl_buf *b, const char *tag, const char *s, size_t len)
{
    rl_buf_printf(b, "{\"%s\": ", tag);
    put_json_string(b, s, len);
    rl_buf_puts(b, "}");
}

static void put_elements(rl_buf *b, const rl_reply *r, size_t step)
{
    rl_buf_puts(b, "[");
    for (size_t i = 0; i < r->elements; i += step) {
        if (i > 0) rl_buf_puts(b, ", ");
        if (step == 2) {
            rl_buf_puts(b, "[");
            rl_report_reply(b, r->element[i]);
            rl_buf_puts(b, ", ");
            if (i + 1 < r->elements) rl_report_reply(b, r->element[i + 1]);
            rl_buf_puts(b, "]");
        } else {
            rl_report_reply(b, r->element[i]);
        }
    }
    rl_buf_puts(b, "]");
}

void rl_report_reply(rl_buf *b, const rl_reply *r)
{
    switch (r->type) {
    case RL_REPLY_STATUS: put_tagged_string(b, "status", r->str, r->len); break;
    case RL_REPLY_ERROR: put_tagged_string(b, "error", r->str, r->len); break;
    case RL_REPLY_INTEGER: rl_buf_printf(b, "%lld", r->integer); break;
    case RL_REPLY_BULK:
    case RL_REPLY_VERB: rl_report_string(b, r->str, r->len); break;
    case RL_REPLY_NIL:
    case RL_REPLY_NIL_ARRAY: rl_buf_puts(b, "null"); break;
    case RL_REPLY_ARRAY:
    case RL_REPLY_PUSH: put_elements(b, r, 1); break;
    case RL_REPLY_SET:
        rl_buf_puts(b, "{\"set\": ");
        put_elements(b, r, 1);
        rl_buf_puts(b, "}");
        break;
    case RL_REPLY_MAP:
    case RL_REPLY_ATTR:
        rl_buf_puts(b, r->type == RL_REPLY_MAP ? "{\"map\": " : "{\"attribute\": ");
        put_elements(b, r, 2);
        rl_buf_puts(b, "}");
        break;
    case RL_REPLY_DOUBLE:
        if (isnan(r->dval)) rl_buf_puts(b, "{\"double\": \"nan\"}");
        else if (isinf(r->dval))
            rl_buf_puts(b, r->dval > 0 ? "{\"double\": \"inf\"}" : "{\"double\": \"-inf\"}");
        else rl_buf_printf(b, "{\"double\": %.17g}", r->dval);
        break;
    case RL_REPLY_BOOL: rl_buf_puts(b, r->integer ? "true" : "false"); break;
    case RL_REPLY_BIGNUM: put_tagged_string(b, "bignum", r->str, r->len); break;
    }
}

void rl_report_json_write(rl_buf *b, const rl_json *v, int compact)
{
    const char *comma = compact ? "," : ", ";
    const char *colon = compact ? ":" : ": ";
    switch (v->type) {
    case RL_JSON_NULL: rl_buf_puts(b, "null"); break;
    case RL_JSON_BOOL: rl_buf_puts(b, v->boolean ? "true" : "false"); break;
    case RL_JSON_NUMBER: rl_buf_put(b, v->str, v->len); break;
    case RL_JSON_STRING: put_json_string_esc(b, v->str, v->len, !compact); break;
    case RL_JSON_ARRAY:
        rl_buf_puts(b, "[");
        for (size_t i = 0; i < v->count; i++) {
            if (i > 0) rl_buf_puts(b, comma);
            rl_report_json_write(b, v->items[i], compact);
        }
        rl_buf_puts(b, "]");
        break;
    case RL_JSON_OBJECT:
        rl_buf_puts(b, "{");
        for (size_t i = 0; i < v->count; i++) {
            if (i > 0) rl_buf_puts(b, comma);
            put_json_string_esc(b, v->keys[i]->str, v->keys[i]->len, !compact);
            rl_buf_puts(b, colon);
            rl_report_json_write(b, v->items[i], compact);
        }
        rl_buf_puts(b, "}");
        break;
    }
}

void rl_report_json(rl_buf *b, const rl_json *v)
{
    rl_report_json_write(b, v, 0);
}

#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_BOLD_RED "\033[1;31m"
#define C_BOLD_GREEN "\033[1;32m"
#define C_BOLD_YELLOW "\033[1;33m"
#define C_RESET "\033[0m"

/* The colour of a message line: what was expected in green, what came in
 * red, so the eye finds the two values at once. */
static const char *line_color(const char *p, size_t n)
{
    while (n > 0 && *p == ' ') {
        p++;
        n--;
    }
    if (n >= 8 && memcmp(p, "expected", 8) == 0) return C_GREEN;
    if (n >= 6 && memcmp(p, "actual", 6) == 0) return C_RED;
    if (n >= 7 && memcmp(p, "missing", 7) == 0) return C_GREEN;
    if (n >= 10 && memcmp(p, "unexpected", 10) == 0) return C_RED;
    return NULL;
}

/* Prints msg with every line indented, cutting overlong lines. */
static void print_indented_color(FILE *out, const char *msg, const char *indent, int color)
{
    const char *p = msg;
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const char *c = color ? line_color(p, n) : NULL;
        if (n > RL_REPORT_VALUE_MAX)
            fprintf(out, "%s%s%.*s ... (%zu more bytes)%s\n", indent, c ? c : "",
                    RL_REPORT_VALUE_MAX, p, n - RL_REPORT_VALUE_MAX, c ? C_RESET : "");
        else fprintf(out, "%s%s%.*s%s\n", indent, c ? c : "", (int)n, p, c ? C_RESET : "");
        p += n;
        if (*p == '\n') p++;
    }
}

static void print_time(FILE *out, double ms)
{
    if (ms >= 0) fprintf(out, " (%.2f ms)", ms);
}

/* The case's cluster-safety warnings, one "  warning: " line each. */
static void print_warnings(rl_report *rep, const rl_case_result *res)
{
    for (const char *p = res->warnings; p != NULL && *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(rep->out, "  %s %.*s\n",
                rep->color ? C_BOLD_YELLOW "warning:" C_RESET : "warning:", (int)n, p);
        p += n + (nl != NULL);
    }
}

void rl_report_case_ms(rl_report *rep, const rl_fixture *f, size_t case_index,
                       const rl_case_result *res, double ms)
{
    if (!rep->verbose) {
        rl_report_case(rep, f, case_index, res);
        return;
    }
    rl_buf name = { 0 };
    const char *cname = rl_fixture_case_name(f, case_index);
    put_json_string(&name, cname, strlen(cname));
    static const char *const labels[] = { "PASS", "FAIL", "SKIP" };
    static const char *const colors[] = { C_BOLD_GREEN, C_BOLD_RED, C_BOLD_YELLOW };
    int s = res->status == RL_CASE_PASS ? 0 : res->status == RL_CASE_FAIL ? 1 : 2;
    if (rep->color) fprintf(rep->out, "%s%s%s", colors[s], labels[s], C_RESET);
    else fputs(labels[s], rep->out);
    fprintf(rep->out, " %s: case %s", f->path, name.p);
    if (res->status == RL_CASE_SKIP)
        fprintf(rep->out, ": %s", res->message ? res->message : "skipped");
    print_time(rep->out, ms);
    fputc('\n', rep->out);
    if (res->status == RL_CASE_FAIL && res->message != NULL)
        print_indented_color(rep->out, res->message, "  ", rep->color);
    print_warnings(rep, res);
    if (res->status == RL_CASE_PASS) rep->passed++;
    else if (res->status == RL_CASE_FAIL) rep->failed++;
    else rep->skipped++;
    rl_buf_free(&name);
}

void rl_report_case(rl_report *rep, const rl_fixture *f, size_t case_index,
                    const rl_case_result *res)
{
    rl_buf name = { 0 };
    const char *cname = rl_fixture_case_name(f, case_index);
    put_json_string(&name, cname, strlen(cname));
    switch (res->status) {
    case RL_CASE_PASS:
        rep->passed++;
        if (rep->verbose) fprintf(rep->out, "ok   %s: case %s\n", f->path, name.p);
        else if (res->warnings != NULL)
            fprintf(rep->out, "%s %s: case %s\n",
                    rep->color ? C_BOLD_YELLOW "WARN" C_RESET : "WARN", f->path, name.p);
        print_warnings(rep, res);
        break;
    case RL_CASE_SKIP:
        rep->skipped++;
        fprintf(rep->out, "%s %s: case %s: %s\n",
                rep->color ? C_BOLD_YELLOW "SKIP" C_RESET : "SKIP", f->path, name.p,
                res->message ? res->message : "skipped");
        break;
    case RL_CASE_FAIL:
        rep->failed++;
        fprintf(rep->out, "%s %s: case %s\n", rep->color ? C_BOLD_RED "FAIL" C_RESET : "FAIL",
                f->path, name.p);
        if (res->message != NULL) print_indented_color(rep->out, res->message, "  ", rep->color);
        print_warnings(rep, res);
        break;
    }
    rl_buf_free(&name);
}

void rl_report_summary(rl_report *rep)
{
    char line[128];
    if (rep->skipped > 0)
        snprintf(line, sizeof(line), "%zu passed, %zu failed, %zu skipped", rep->passed,
                 rep->failed, rep->skipped);
    else snprintf(line, sizeof(line), "%zu passed, %zu failed", rep->passed, rep->failed);
    if (rep->color)
        fprintf(rep->out, "%s%s%s\n", rep->failed > 0 ? C_BOLD_RED : C_BOLD_GREEN, line, C_RESET);
    else fprintf(rep->out, "%s\n", line);
}
