#include "mem.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each block carries its size in a 16-byte header so that rl_free can keep
 * the live-byte counter exact without malloc_usable_size. */
#define RL_MEM_HDR 16

static atomic_size_t used_bytes;

static void oom(size_t size)
{
    fprintf(stderr, "redlua: out of memory trying to allocate %zu bytes\n", size);
    fflush(stderr);
    abort();
}

void *rl_malloc(size_t size)
{
    if (size > ((size_t)-1) - RL_MEM_HDR) oom(size);
    unsigned char *p = malloc(size + RL_MEM_HDR);
    if (!p) oom(size);
    memcpy(p, &size, sizeof(size));
    atomic_fetch_add(&used_bytes, size);
    return p + RL_MEM_HDR;
}

void *rl_calloc(size_t nmemb, size_t size)
{
    if (size && nmemb > ((size_t)-1) / size) oom((size_t)-1);
    void *p = rl_malloc(nmemb * size);
    memset(p, 0, nmemb * size);
    return p;
}

void *rl_realloc(void *ptr, size_t size)
{
    if (!ptr) return rl_malloc(size);
    if (size > ((size_t)-1) - RL_MEM_HDR) oom(size);
    unsigned char *base = (unsigned char *)ptr - RL_MEM_HDR;
    size_t old;
    memcpy(&old, base, sizeof(old));
    unsigned char *p = realloc(base, size + RL_MEM_HDR);
    if (!p) oom(size);
    memcpy(p, &size, sizeof(size));
    atomic_fetch_sub(&used_bytes, old);
    atomic_fetch_add(&used_bytes, size);
    return p + RL_MEM_HDR;
}

void rl_free(void *ptr)
{
    if (!ptr) return;
    unsigned char *base = (unsigned char *)ptr - RL_MEM_HDR;
    size_t old;
    memcpy(&old, base, sizeof(old));
    atomic_fetch_sub(&used_bytes, old);
    free(base);
}

char *rl_memdup(const void *p, size_t len)
{
    char *s = rl_malloc(len + 1);
    if (len) memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

char *rl_strdup(const char *s)
{
    return rl_memdup(s, strlen(s));
}

char *rl_vasprintf(size_t *len, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    /* Only an invalid format fails; ours are literals the compiler checks. */
    if (n < 0) n = 0;
    char *buf = rl_malloc((size_t)n + 1);
    if (vsnprintf(buf, (size_t)n + 1, fmt, again) < 0) buf[n = 0] = '\0';
    va_end(again);
    if (len) *len = (size_t)n;
    return buf;
}

size_t rl_mem_used(void)
{
    return atomic_load(&used_bytes);
}
