/* uthash, with its allocator routed through mem.c. Include this, never
 * <uthash.h> directly. */
#ifndef REDLUA_EMULATOR_RL_UTHASH_H
#define REDLUA_EMULATOR_RL_UTHASH_H

#include <stdio.h>
#include <stdlib.h>

#include "mem.h"

#define uthash_malloc(sz) rl_malloc(sz)
#define uthash_free(ptr, sz) rl_free(ptr)
#define uthash_fatal(msg) (fprintf(stderr, "redlua: %s\n", msg), abort())
#define HASH_NONFATAL_OOM 0

#include <uthash.h>

#endif
