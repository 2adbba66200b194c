/* The sorted set type's API: members (binary-safe strings) ordered by score,
 * then by member bytes (memcmp, shorter first on a common prefix), as Redis
 * orders them. A sorted set is a skiplist with spans (O(log n) insert,
 * delete, rank and score or lex range lookups) plus a member -> node hash
 * index (O(1) score lookup).
 *
 * Ownership: a sorted set owns copies of its members. Scores are doubles and
 * never NaN. */
#ifndef REDLUA_EMULATOR_T_ZSET_H
#define REDLUA_EMULATOR_T_ZSET_H

#include <stddef.h>

#include "server.h"

typedef struct rl_zset rl_zset;

/* A new, empty sorted set object (RL_TYPE_ZSET); free it with rl_obj_free.
 * The first call registers the type's free/dup functions with object.c. */
rl_obj *rl_zset_obj_new(void);

unsigned long rl_zset_length(const rl_zset *z);
/* Sets member's score, adding the member when missing, with ZADD's rules
 * (also its encoding changes). Returns 1 when the member was added, 0 when
 * it existed. score must not be NaN. */
int rl_zset_add(rl_zset *z, double score, const char *ele, size_t len);
/* 1 and *score when member exists, else 0. */
int rl_zset_score(const rl_zset *z, const char *ele, size_t len, double *score);
/* The 0-based rank of member (from the highest score when reverse), or -1. */
long rl_zset_rank(const rl_zset *z, const char *ele, size_t len, int reverse);
/* 1 when Redis would hold this sorted set as a listpack (at most 128
 * members of at most 64 bytes, by the rules Redis applies when it adds
 * members), 0 for its skiplist encoding. ZSCAN's paging and score text
 * depend on it, as in Redis. */
int rl_zset_is_listpack(const rl_zset *z);
/* Gives the sorted set the skiplist encoding for good, as SORT does to any
 * sorted set it reads (Redis's zsetConvert). */
void rl_zset_convert_to_skiplist(rl_zset *z);

#endif
