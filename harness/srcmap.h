/* The source map: leads the chunk lines Redis and Lua talk about
 * ("user_script:17") back to the original files and lines of a loaded
 * script (loader.h), rewrites messages and traceback frames with them, and
 * saves or reads the map as a JSON file (`redlua bundle --map`) so that an
 * error from a production log can be mapped later (`redlua map-error`).
 *
 * Every function borrows the script; text appended to an rl_buf is owned by
 * the buffer. A script without files (inline source) maps each line to
 * itself, still named user_script, and shows its own source lines. */
#ifndef REDLUA_HARNESS_SRCMAP_H
#define REDLUA_HARNESS_SRCMAP_H

#include <stddef.h>

#include "loader.h"
#include "report.h"

/* Chunk line -> file, file line and the text of that line (without its
 * newline; *src is NULL when the file's text is unknown). Returns 0, or -1
 * when the line is in no range. */
int rl_srcmap_lookup(const rl_loaded_script *s, int line, const char **file, int *file_line,
                     const char **src, size_t *srclen);

/* Appends text with every chunk reference mapped: "user_script:N" (also
 * inside "@user_script:N.") becomes "file:L", and a compile error's
 * "(to close 'x' at line N)" becomes "(to close 'x' at file:L)". */
void rl_srcmap_rewrite(const rl_loaded_script *s, const char *text, size_t len, rl_buf *out);

/* For an error text, appends "file:L: <source line>" for its first
 * "user_script:N". Returns 0, or -1 (nothing appended) when the text names
 * no mapped line. */
int rl_srcmap_error_location(const rl_loaded_script *s, const char *text, size_t len, rl_buf *out);

/* Appends a Lua traceback as rl_emu_last_traceback gives it (one frame a
 * line, oldest first), each frame on one line after indent: the mapped
 * frame, then ": " and the frame's source line, trimmed. */
void rl_srcmap_traceback(const rl_loaded_script *s, const char *tb, const char *indent,
                         rl_buf *out);

/* Appends the map of s as JSON: {"redlua_map": 1, "script", "sha1",
 * "lines", "files": [{"path", "source"}], "ranges": [[first, count, file,
 * file_first], ...]}. sha is the SHA1 of s->text in hex (the harness
 * library does not hash: it links to no emulator). */
void rl_srcmap_to_json(const rl_loaded_script *s, const char *sha, rl_buf *out);

/* Reads a map written by rl_srcmap_to_json into *out (text stays NULL;
 * files carry their sources when the map has them) and its SHA1 into
 * sha1. Returns 0, or -1 with "line:col: msg" in err. */
int rl_srcmap_from_json(const char *json, size_t len, rl_loaded_script *out, char sha1[41],
                        char *err, size_t errlen);

#endif
