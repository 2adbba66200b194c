#include "srcmap.h"

#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "mem.h"

/* The chunk name Redis gives EVAL scripts, as Lua prints it. */
static const char chunk_tag[] = "user_script:";
#define CHUNK_TAG_LEN (sizeof(chunk_tag) - 1)

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* The range holding chunk line `line`; Lua reports an error at the end of
 * the text one line past a final newline, so that line maps on from the
 * last range. NULL if none. */
static const rl_line_range *find_range(const rl_loaded_script *s, int line)
{
    size_t lo = 0, hi = s->nranges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const rl_line_range *r = &s->ranges[mid];
        if (line < r->first) hi = mid;
        else if (line >= r->first + r->count) lo = mid + 1;
        else return r;
    }
    if (s->nranges > 0) {
        const rl_line_range *last = &s->ranges[s->nranges - 1];
        if (line == last->first + last->count) return last;
    }
    return NULL;
}

/* Line n (1-based) of text, without its "\n" or "\r\n"; NULL past the end. */
static const char *nth_line(const char *text, size_t len, int n, size_t *outlen)
{
    size_t pos = 0;
    for (int i = 1; i < n; i++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        if (nl == NULL) return NULL;
        pos = (size_t)(nl - text) + 1;
    }
    if (pos >= len) return NULL;
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len;
    if (end > pos && text[end - 1] == '\r') end--;
    *outlen = end - pos;
    return text + pos;
}

int rl_srcmap_lookup(const rl_loaded_script *s, int line, const char **file, int *file_line,
                     const char **src, size_t *srclen)
{
    const char *text;
    size_t len;
    *src = NULL;
    *srclen = 0;
    if (line < 1) return -1;
    if (s->nfiles == 0) {
        *file = "user_script";
        *file_line = line;
        text = s->text;
        len = s->len;
    } else {
        const rl_line_range *r = find_range(s, line);
        if (r == NULL) return -1;
        *file = s->files[r->file_index].path;
        *file_line = r->file_first + (line - r->first);
        text = s->files[r->file_index].text;
        len = s->files[r->file_index].len;
    }
    if (text != NULL) *src = nth_line(text, len, *file_line, srclen);
    return 0;
}

/* Reads the decimal number at p (at most 9 digits, so it fits an int). */
static int read_line_number(const char *p, const char *end, int *n, size_t *used)
{
    size_t i = 0;
    long v = 0;
    while (p + i < end && is_digit(p[i]) && i < 9) {
        v = v * 10 + (p[i] - '0');
        i++;
    }
    if (i == 0 || (p + i < end && is_digit(p[i]))) return -1;
    *n = (int)v;
    *used = i;
    return 0;
}

void rl_srcmap_rewrite(const rl_loaded_script *s, const char *text, size_t len, rl_buf *out)
{
    static const char at_line[] = " at line ";
    const size_t at_len = sizeof(at_line) - 1;
    const char *p = text, *end = text + len, *copied = text;
    while (p < end) {
        size_t taglen = 0;
        if ((size_t)(end - p) > CHUNK_TAG_LEN && memcmp(p, chunk_tag, CHUNK_TAG_LEN) == 0)
            taglen = CHUNK_TAG_LEN;
        else if (s->nfiles > 0 && (size_t)(end - p) > at_len && memcmp(p, at_line, at_len) == 0)
            taglen = at_len;
        int n;
        size_t used;
        const char *file, *src;
        int fline;
        size_t srclen;
        if (taglen == 0 || read_line_number(p + taglen, end, &n, &used) != 0 ||
            (taglen == at_len && (p + taglen + used >= end || p[taglen + used] != ')')) ||
            rl_srcmap_lookup(s, n, &file, &fline, &src, &srclen) != 0) {
            p++;
            continue;
        }
        rl_buf_put(out, copied, (size_t)(p - copied));
        if (taglen == at_len) rl_buf_puts(out, " at ");
        rl_buf_printf(out, "%s:%d", file, fline);
        p += taglen + used;
        copied = p;
    }
    rl_buf_put(out, copied, (size_t)(end - copied));
}

static void put_trimmed(rl_buf *out, const char *src, size_t n)
{
    while (n > 0 && (*src == ' ' || *src == '\t')) {
        src++;
        n--;
    }
    while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\t' || src[n - 1] == '\r')) n--;
    rl_buf_put(out, src, n);
}

/* Finds the first "user_script:N" in text; 0 with *line set, or -1. */
static int first_chunk_line(const char *text, size_t len, int *line)
{
    for (size_t i = 0; i + CHUNK_TAG_LEN < len; i++) {
        size_t used;
        if (memcmp(text + i, chunk_tag, CHUNK_TAG_LEN) == 0 &&
            read_line_number(text + i + CHUNK_TAG_LEN, text + len, line, &used) == 0)
            return 0;
    }
    return -1;
}

int rl_srcmap_error_location(const rl_loaded_script *s, const char *text, size_t len, rl_buf *out)
{
    int line, fline;
    const char *file, *src;
    size_t srclen;
    if (first_chunk_line(text, len, &line) != 0 ||
        rl_srcmap_lookup(s, line, &file, &fline, &src, &srclen) != 0)
        return -1;
    rl_buf_printf(out, "%s:%d", file, fline);
    if (src != NULL) {
        rl_buf_puts(out, ": ");
        put_trimmed(out, src, srclen);
    }
    return 0;
}

void rl_srcmap_traceback(const rl_loaded_script *s, const char *tb, const char *indent, rl_buf *out)
{
    const char *p = tb;
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        int line, fline;
        size_t used, srclen;
        const char *file, *src = NULL;
        rl_buf_puts(out, indent);
        rl_srcmap_rewrite(s, p, n, out);
        if (n > CHUNK_TAG_LEN && memcmp(p, chunk_tag, CHUNK_TAG_LEN) == 0 &&
            read_line_number(p + CHUNK_TAG_LEN, p + n, &line, &used) == 0 &&
            rl_srcmap_lookup(s, line, &file, &fline, &src, &srclen) == 0 && src != NULL) {
            rl_buf_puts(out, ": ");
            put_trimmed(out, src, srclen);
        }
        rl_buf_puts(out, "\n");
        p += n;
        if (*p == '\n') p++;
    }
}

/* --- Map files ------------------------------------------------------------------ */

void rl_srcmap_to_json(const rl_loaded_script *s, const char *sha, rl_buf *out)
{
    int lines = 0;
    if (s->nranges > 0)
        lines = s->ranges[s->nranges - 1].first + s->ranges[s->nranges - 1].count - 1;
    rl_buf_puts(out, "{\n  \"redlua_map\": 1,\n  \"script\": ");
    rl_report_string(out, s->files[0].path, strlen(s->files[0].path));
    rl_buf_printf(out, ",\n  \"sha1\": \"%s\",\n  \"lines\": %d,\n  \"files\": [", sha, lines);
    for (size_t i = 0; i < s->nfiles; i++) {
        const rl_source_file *f = &s->files[i];
        rl_buf_puts(out, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
        rl_report_string(out, f->path, strlen(f->path));
        if (f->text != NULL && rl_utf8_valid(f->text, f->len)) {
            rl_buf_puts(out, ", \"source\": ");
            rl_report_string(out, f->text, f->len);
        }
        rl_buf_puts(out, "}");
    }
    rl_buf_puts(out, "\n  ],\n  \"ranges\": [");
    for (size_t i = 0; i < s->nranges; i++) {
        const rl_line_range *r = &s->ranges[i];
        rl_buf_printf(out, "%s\n    [%d, %d, %zu, %d]", i ? "," : "", r->first, r->count,
                      r->file_index, r->file_first);
    }
    rl_buf_puts(out, "\n  ]\n}\n");
}

static int map_err(const rl_json *at, char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%d:%d: %s", at->line, at->col, msg);
    return -1;
}

static int want_int(const rl_json *v, int min)
{
    return v != NULL && v->type == RL_JSON_NUMBER && v->is_int && v->integer >= min &&
        v->integer <= 0x7fffffff;
}

static int read_map(const rl_json *root, rl_loaded_script *out, char sha1[41], char *err,
                    size_t errlen)
{
    if (root->type != RL_JSON_OBJECT)
        return map_err(root, err, errlen, "a line map is a JSON object");
    const rl_json *ver = rl_json_get(root, "redlua_map");
    if (ver == NULL || !want_int(ver, 1) || ver->integer != 1)
        return map_err(ver ? ver : root, err, errlen,
                       "not a redlua line map (\"redlua_map\": 1 missing)");
    const rl_json *sha = rl_json_get(root, "sha1"), *files = rl_json_get(root, "files");
    const rl_json *ranges = rl_json_get(root, "ranges");
    if (sha == NULL || sha->type != RL_JSON_STRING || sha->len != 40)
        return map_err(sha ? sha : root, err, errlen, "\"sha1\" must be 40 hex digits");
    memcpy(sha1, sha->str, 41);
    if (files == NULL || files->type != RL_JSON_ARRAY || files->count == 0)
        return map_err(files ? files : root, err, errlen, "\"files\" must be a non-empty array");
    if (ranges == NULL || ranges->type != RL_JSON_ARRAY)
        return map_err(ranges ? ranges : root, err, errlen, "\"ranges\" must be an array");
    out->files = rl_calloc(files->count, sizeof(*out->files));
    for (size_t i = 0; i < files->count; i++) {
        const rl_json *f = files->items[i];
        const rl_json *path = f->type == RL_JSON_OBJECT ? rl_json_get(f, "path") : NULL;
        const rl_json *src = f->type == RL_JSON_OBJECT ? rl_json_get(f, "source") : NULL;
        if (path == NULL || path->type != RL_JSON_STRING)
            return map_err(f, err, errlen, "a file is {\"path\": ..., \"source\": ...}");
        if (src != NULL && src->type != RL_JSON_STRING)
            return map_err(src, err, errlen, "\"source\" must be a string");
        out->files[i].path = rl_memdup(path->str, path->len);
        if (src != NULL) {
            out->files[i].text = rl_memdup(src->str, src->len);
            out->files[i].len = src->len;
        }
        out->nfiles++;
    }
    out->file = rl_strdup(out->files[0].path);
    out->ranges = rl_calloc(ranges->count ? ranges->count : 1, sizeof(*out->ranges));
    int next = 1;
    for (size_t i = 0; i < ranges->count; i++) {
        const rl_json *r = ranges->items[i];
        if (r->type != RL_JSON_ARRAY || r->count != 4 || !want_int(r->items[0], 1) ||
            !want_int(r->items[1], 1) || !want_int(r->items[2], 0) || !want_int(r->items[3], 1) ||
            r->items[2]->integer >= (int64_t)files->count)
            return map_err(r, err, errlen,
                           "a range is [first, count, file index, first file line]");
        if (r->items[0]->integer < next)
            return map_err(r, err, errlen, "ranges must be sorted and must not overlap");
        rl_line_range *lr = &out->ranges[out->nranges++];
        lr->first = (int)r->items[0]->integer;
        lr->count = (int)r->items[1]->integer;
        lr->file_index = (size_t)r->items[2]->integer;
        lr->file_first = (int)r->items[3]->integer;
        lr->file = out->files[lr->file_index].path;
        next = lr->first + lr->count;
    }
    return 0;
}

int rl_srcmap_from_json(const char *json, size_t len, rl_loaded_script *out, char sha1[41],
                        char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    rl_json *root = rl_json_parse(json, len, err, errlen);
    if (root == NULL) return -1;
    int rc = read_map(root, out, sha1, err, errlen);
    rl_json_free(root);
    if (rc != 0) rl_loader_clear(out);
    return rc;
}
