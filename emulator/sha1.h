/* SHA-1 (FIPS 180-4), used for script names: EVAL caches a script under the
 * lowercase hex SHA-1 of its body, and redis.sha1hex exposes the same hash.
 * Written for redlua; no allocation, binary safe. */
#ifndef REDLUA_EMULATOR_SHA1_H
#define REDLUA_EMULATOR_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define RL_SHA1_DIGEST_LEN 20
/* 40 hex digits plus the NUL. */
#define RL_SHA1_HEX_SIZE 41

typedef struct rl_sha1_ctx {
    uint32_t h[5];
    uint64_t total; /* bytes hashed so far */
    unsigned char block[64];
    size_t used; /* bytes waiting in block */
} rl_sha1_ctx;

void rl_sha1_init(rl_sha1_ctx *ctx);
void rl_sha1_update(rl_sha1_ctx *ctx, const void *data, size_t len);
void rl_sha1_final(rl_sha1_ctx *ctx, unsigned char digest[RL_SHA1_DIGEST_LEN]);

/* Writes the lowercase hex digest of len bytes at data into out (NUL-terminated). */
void rl_sha1_hex(char out[RL_SHA1_HEX_SIZE], const void *data, size_t len);

#endif
