/* The script loader: turns a script file into the exact text a real Redis
 * would be sent, plus the line map that leads every chunk line back to the
 * file and line it came from.
 *
 * Two families of directives are understood, each written exactly as its
 * original tool writes it, so that the text produced is the text that tool
 * would send:
 *
 * - the redis-lua Python library's: `%include "path"` (no .lua suffix),
 *   `%key NAME`, `%arg NAME [TYPE]`, `%return TYPE`, `%pragma once`;
 * - BullMQ's `--- @include "path"` comment lines.
 *
 * Includes resolve relative to the including file, then along the include
 * directories; a file is included once (later includes of it vanish), and
 * must lie in the including file's directory tree or in an include
 * directory's. A file without directives passes through byte for byte, so
 * its SHA1 is the file's own. docs/fixture-format.md ("Script directives")
 * describes the exact output.
 *
 * Ownership: rl_loaded_script owns every pointer in it; free it with
 * rl_loader_clear. Errors are "file:line:col: message" (or "file: message"
 * when a file cannot be read) written to err. */
#ifndef REDLUA_HARNESS_LOADER_H
#define REDLUA_HARNESS_LOADER_H

#include <stddef.h>

/* One range of chunk lines [first, first + count) that came from file,
 * starting at file line file_first. file is files[file_index].path. */
typedef struct rl_line_range {
    int first;
    int count;
    const char *file;
    int file_first;
    size_t file_index;
} rl_line_range;

/* One original file: its path as shown in messages (relative paths stay
 * relative, "a/../b" is folded) and its bytes. text is NULL when the bytes
 * are unknown (a line map read back without sources). */
typedef struct rl_source_file {
    char *path;
    char *text;
    size_t len;
} rl_source_file;

typedef enum rl_param_type {
    RL_PARAM_STRING,
    RL_PARAM_INT,
    RL_PARAM_BOOL,
    RL_PARAM_DICT,
    RL_PARAM_LIST
} rl_param_type;

/* A %key or %arg declaration. slot is its 1-based index in KEYS or ARGV. */
typedef struct rl_param_decl {
    char *name;
    int is_key;
    rl_param_type type;
    int slot;
    size_t file; /* index into files */
    int line, col;
} rl_param_decl;

typedef struct rl_loaded_script {
    char *text; /* rl_malloc'd; NUL-terminated; len bytes */
    size_t len;
    char *file; /* the top file as opened */
    size_t nranges;
    rl_line_range *ranges; /* sorted by first, never overlapping */
    size_t nfiles;
    rl_source_file *files; /* files[0] is the top file */
    size_t nparams;
    rl_param_decl *params; /* keys and args in chunk order */
    int nkeys, nargs;
    int has_return; /* the top file has %return */
    rl_param_type return_type;
} rl_loaded_script;

typedef struct rl_loader_opts {
    const char *const *include_dirs; /* searched in order after the including file's dir */
    size_t ninclude_dirs;
} rl_loader_opts;

/* Loads path and everything it includes into *out. opts may be NULL (no
 * include directories). Returns 0, or -1 with a located message in err. */
int rl_loader_load_script(const char *path, const rl_loader_opts *opts, rl_loaded_script *out,
                          char *err, size_t errlen);
/* rl_loader_load_script without include directories. */
int rl_loader_load(const char *path, rl_loaded_script *out, char *err, size_t errlen);
void rl_loader_clear(rl_loaded_script *s);
/* Maps chunk line `line` to a file and line; returns 0, or -1 if the line
 * is outside every range. */
int rl_loader_map_line(const rl_loaded_script *s, int line, const char **file, int *file_line);
/* The declaration named name (len bytes), or NULL. */
const rl_param_decl *rl_loader_find_param(const rl_loaded_script *s, const char *name, size_t len);
/* "string", "int", "bool", "dict", "list". */
const char *rl_param_type_name(rl_param_type t);

#endif
