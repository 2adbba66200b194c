/* All emulator memory goes through these functions. An allocation failure
 * prints a message and aborts (as Redis's zmalloc does), so there are no
 * untested recovery paths. rl_mem_used() counts live bytes, so a test can
 * assert that everything it allocated was freed. */
#ifndef REDLUA_EMULATOR_MEM_H
#define REDLUA_EMULATOR_MEM_H

#include <stddef.h>

void *rl_malloc(size_t size);
void *rl_calloc(size_t nmemb, size_t size);
void *rl_realloc(void *ptr, size_t size);
void rl_free(void *ptr);
/* Returns a NUL-terminated copy of len bytes; free with rl_free. */
char *rl_memdup(const void *p, size_t len);
char *rl_strdup(const char *s);
/* Bytes currently allocated through this module, process wide. */
size_t rl_mem_used(void);

#endif
