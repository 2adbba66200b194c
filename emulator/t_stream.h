/* The stream type's API: entries (field-value lists) ordered by a 128-bit
 * ID <ms>-<seq>, grouped into nodes the way Redis 7.0 groups them into
 * listpacks, plus consumer groups with their pending entries lists.
 *
 * Ownership: an rl_stream belongs to the rl_obj that holds it
 * (RL_TYPE_STREAM) and is freed with it. Field and value bytes are copied
 * in; pointers returned by the API are borrowed until the stream changes. */
#ifndef REDLUA_EMULATOR_T_STREAM_H
#define REDLUA_EMULATOR_T_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "server.h"

/* Redis 7.0.15's defaults for stream-node-max-entries and stream-node-max-bytes
 * (CONFIG GET on the oracle): they decide where nodes end, which decides what
 * approximate trimming (~) removes and what XINFO STREAM reports. */
#define RL_STREAM_NODE_MAX_ENTRIES 100
#define RL_STREAM_NODE_MAX_BYTES 4096

typedef struct rl_stream_id {
    uint64_t ms;
    uint64_t seq;
} rl_stream_id;

typedef struct rl_stream rl_stream;

/* A new empty stream. The first call registers the stream type's free/dup
 * functions with object.c. */
rl_stream *rl_stream_new(void);
void rl_stream_free(rl_stream *s);
/* A deep copy: entries, node layout, tombstones, groups, consumers and PELs
 * (as Redis's COPY). */
rl_stream *rl_stream_dup(const rl_stream *s);

/* Number of live entries. */
uint64_t rl_stream_len(const rl_stream *s);
/* The ID of the last entry ever added (or set with XSETID); 0-0 if none. */
rl_stream_id rl_stream_last_id(const rl_stream *s);

/* Appends an entry of nfields field-value pairs (fv holds 2 * nfields
 * arguments: field, value, ...). With id NULL the ID is generated from
 * clock_ms as XADD "*" does; with seq_given 0 only id->ms is used (XADD
 * "<ms>-*"). Returns RL_OK and the new ID in *added, or RL_ERR when the ID
 * is not greater than the last one. */
int rl_stream_append(rl_stream *s, const rl_arg *fv, int64_t nfields, const rl_stream_id *id,
                     int seq_given, int64_t clock_ms, rl_stream_id *added);

#endif
