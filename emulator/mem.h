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
/* Asks the kernel for transparent huge pages for the heap from now on (see
 * mem.c), unless REDLUA_HUGE_PAGES=0. Process wide, and it changes two of
 * glibc's malloc settings (M_TOP_PAD, M_MMAP_THRESHOLD): for programs that
 * own their process (redlua-test, redlua, the benchmarks), called first
 * thing in main. A no-op for blocks that do not come from glibc's heap. */
void rl_mem_prefer_huge_pages(void);

#endif
