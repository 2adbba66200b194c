/* The script loader: turns a script file into the exact text a real Redis
 * would be sent, plus what is needed to map chunk lines back to files.
 *
 * Version 1 of the loader reads the file byte for byte (a file without
 * directives passes through unchanged, so its SHA1 is the file's). The
 * directives (%include and friends) come later; they will fill the line map
 * with more than one range, and rl_loader_map_line already answers through
 * it, so callers need not change. */
#ifndef REDLUA_HARNESS_LOADER_H
#define REDLUA_HARNESS_LOADER_H

#include <stddef.h>

/* One range of chunk lines [first, first + count) that came from file,
 * starting at file line file_first. */
typedef struct rl_line_range {
    int first;
    int count;
    const char *file;
    int file_first;
} rl_line_range;

typedef struct rl_loaded_script {
    char *text;   /* rl_malloc'd; NUL-terminated; len bytes */
    size_t len;
    char *file;   /* the top file as opened */
    size_t nranges;
    rl_line_range *ranges;
} rl_loaded_script;

/* Loads path into *out. Returns 0, or -1 with a message in err (e.g.
 * "cannot open x.lua: No such file or directory"). */
int rl_loader_load(const char *path, rl_loaded_script *out, char *err, size_t errlen);
void rl_loader_clear(rl_loaded_script *s);
/* Maps chunk line `line` to a file and line; returns 0, or -1 if the line
 * is outside every range. */
int rl_loader_map_line(const rl_loaded_script *s, int line, const char **file, int *file_line);

#endif
