#include "loader.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"

/* Counts the lines of text the way Lua numbers them: a final line without a
 * newline still counts, an empty text has none. */
static int count_lines(const char *text, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            n++;
    }
    if (len > 0 && text[len - 1] != '\n')
        n++;
    return n;
}

int rl_loader_load(const char *path, rl_loaded_script *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, len = 0;
    char *buf = rl_malloc(cap);
    for (;;) {
        if (cap - len < 4096) {
            cap *= 2;
            buf = rl_realloc(buf, cap);
        }
        size_t n = fread(buf + len, 1, cap - len - 1, fp);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(fp)) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        fclose(fp);
        rl_free(buf);
        return -1;
    }
    fclose(fp);
    buf[len] = '\0';
    out->text = buf;
    out->len = len;
    out->file = rl_strdup(path);
    out->nranges = 1;
    out->ranges = rl_calloc(1, sizeof(rl_line_range));
    out->ranges[0].first = 1;
    out->ranges[0].count = count_lines(buf, len);
    out->ranges[0].file = out->file;
    out->ranges[0].file_first = 1;
    return 0;
}

void rl_loader_clear(rl_loaded_script *s)
{
    rl_free(s->text);
    rl_free(s->file);
    rl_free(s->ranges);
    memset(s, 0, sizeof(*s));
}

int rl_loader_map_line(const rl_loaded_script *s, int line, const char **file, int *file_line)
{
    for (size_t i = 0; i < s->nranges; i++) {
        const rl_line_range *r = &s->ranges[i];
        if (line >= r->first && line < r->first + r->count) {
            *file = r->file;
            *file_line = r->file_first + (line - r->first);
            return 0;
        }
    }
    return -1;
}
