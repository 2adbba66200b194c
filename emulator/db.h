/* The keyspace: sixteen databases of key -> object, each key with an
 * optional expiry in Unix ms on the emulator's virtual clock.
 *
 * Expiry is lazy (a key is deleted when it is looked up after its time) and,
 * when the clock is moved, active: rl_db_active_expire sweeps every database,
 * as Redis's background cycle would have done in that time. While a script
 * runs, expiry is judged against the time the script started.
 *
 * Keys iterate in insertion order (index.h). Redis's own order is that of a
 * randomly seeded hash table, so nothing may rely on either; under an order
 * seed (rl_emu_set_order_seed) they iterate by rank instead, once
 * rl_db_apply_order has sorted them. */
#ifndef REDLUA_EMULATOR_DB_H
#define REDLUA_EMULATOR_DB_H

#include "index.h"
#include "server.h"

struct rl_dbentry {
    rl_ilink link; /* in db->index */
    size_t keylen;
    rl_obj *val;
    int64_t expire_ms; /* -1 when the key has no expiry */
    char key[];        /* NUL-terminated copy, keylen bytes, in the entry's allocation */
};

/* The first key of db's walk, and the one after e; NULL at the end. */
static inline rl_dbentry *rl_db_first(const rl_db *db)
{
    return db->index.first ? RL_ILINK_ITEM(db->index.first, rl_dbentry, link) : NULL;
}

static inline rl_dbentry *rl_db_next(const rl_dbentry *e)
{
    return e->link.next ? RL_ILINK_ITEM(e->link.next, rl_dbentry, link) : NULL;
}

/* The entry of key, expired or not (Redis's dictFind on the keyspace). */
rl_dbentry *rl_db_find_raw(const rl_db *db, const char *key, size_t len);

/* Brings a key's lines toward the cache a step at a time, so that a caller
 * with other work to do (a script's KEYS, before it runs) overlaps the
 * misses of a cold key with it: begin asks for the key's slot; entry, some
 * work later, reads the slot and asks for the entry; value, later still,
 * asks for the entry's object. Only hints: nothing is compared, nothing
 * changes, and a key that is not there costs a slot's line. */
typedef struct rl_db_warm {
    uint32_t hash;
    const rl_dbentry *e;
} rl_db_warm;
void rl_db_warm_begin(const rl_db *db, rl_db_warm *w, const char *key, size_t len);
void rl_db_warm_entry(const rl_db *db, rl_db_warm *w);
void rl_db_warm_value(const rl_db_warm *w);

void rl_db_init(rl_db *db, int id);
/* Frees every key of db. */
void rl_db_empty(rl_db *db);
long long rl_db_size(const rl_db *db);

/* The database client c has selected. */
rl_db *rl_client_db(rl_client *c);

/* Returns the entry of a live key, deleting it first if it has expired;
 * NULL when missing. The pointer is valid until the next write. */
rl_dbentry *rl_db_find(rl_emu *emu, rl_db *db, const char *key, size_t len);
/* Same as rl_db_find, but returns the object. */
rl_obj *rl_db_lookup(rl_emu *emu, rl_db *db, const char *key, size_t len);
/* Lookups for commands (Redis's lookupKeyRead/lookupKeyWrite). */
rl_obj *rl_lookup_key_read(rl_client *c, const rl_arg *key);
rl_obj *rl_lookup_key_write(rl_client *c, const rl_arg *key);
/* Looks up key; when missing, replies with `missing` (a prebuilt reply, taken
 * and freed when unused) and returns NULL. */
rl_obj *rl_lookup_key_read_or_reply(rl_client *c, const rl_arg *key, rl_reply *missing);
/* 1 (after replying WRONGTYPE) when o is not of type t, else 0. */
int rl_check_type(rl_client *c, const rl_obj *o, rl_type t);

/* Sorts db's keys for the emulator's order seed (server.h, rl_order);
 * called before anything walks them in an order a client sees. The SCAN
 * position of an entry is then rl_db_entry_pos. */
void rl_db_apply_order(rl_emu *emu, rl_db *db);
uint64_t rl_db_entry_pos(const rl_db *db, const rl_dbentry *e);

/* Adds a key that must not exist; takes val. Returns the new entry. */
rl_dbentry *rl_db_add(rl_db *db, const char *key, size_t len, rl_obj *val);
/* Redis's setKey: adds or replaces the value (the entry keeps its position);
 * the expiry is cleared unless keepttl. Takes val. */
rl_dbentry *rl_db_set(rl_emu *emu, rl_db *db, const char *key, size_t len, rl_obj *val,
                      int keepttl);
/* rl_db_set for a caller that has just looked the key up with rl_db_find
 * (e is what it returned, NULL when missing) and changed nothing since:
 * the same result without a second lookup. */
rl_dbentry *rl_db_set_found(rl_emu *emu, rl_db *db, rl_dbentry *e, const char *key, size_t len,
                            rl_obj *val, int keepttl);
/* rl_db_set_found with the string value (p, plen); an old string value of
 * exactly that size (the usual SET of a counter or a flag) is overwritten
 * in place rather than freed for a new object. */
rl_dbentry *rl_db_set_string(rl_emu *emu, rl_db *db, rl_dbentry *e, const char *key, size_t len,
                             const char *p, size_t plen, int keepttl);
/* Removes a key; 1 if it existed (expired keys count as missing). */
int rl_db_delete(rl_emu *emu, rl_db *db, const char *key, size_t len);
/* Removes and frees an entry found with rl_db_find. */
void rl_db_delete_entry(rl_db *db, rl_dbentry *e);

/* Expiry of a live key, or -1. */
int64_t rl_db_get_expire(rl_emu *emu, rl_db *db, const char *key, size_t len);
void rl_db_set_expire(rl_dbentry *e, int64_t when_ms);
/* 1 if the entry's time has come, judged at rl_emu_expiry_now. */
int rl_db_entry_expired(const rl_emu *emu, const rl_dbentry *e);

/* Deletes every expired key of every database. */
void rl_db_active_expire(rl_emu *emu);

#endif
