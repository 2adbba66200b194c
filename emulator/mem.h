/* All emulator memory goes through these functions. An allocation failure
 * prints a message and aborts (as Redis's zmalloc does), so there are no
 * untested recovery paths. rl_mem_used() counts live bytes, so a test can
 * assert that everything it allocated was freed. */
#ifndef REDLUA_EMULATOR_MEM_H
#define REDLUA_EMULATOR_MEM_H

#include <stdarg.h>
#include <stddef.h>

void *rl_malloc(size_t size);
void *rl_calloc(size_t nmemb, size_t size);
void *rl_realloc(void *ptr, size_t size);
void rl_free(void *ptr);
/* Returns a NUL-terminated copy of len bytes; free with rl_free. */
char *rl_memdup(const void *p, size_t len);
char *rl_strdup(const char *s);
/* vsprintf into a new allocation (free with rl_free); *len, when not NULL,
 * gets the length of the text. */
char *rl_vasprintf(size_t *len, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Bytes currently allocated through this module, process wide. */
size_t rl_mem_used(void);

#endif
