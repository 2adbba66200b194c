#include "db.h"

#include <string.h>

#include "mem.h"
#include "multi.h"
#include "object.h"
#include "reply.h"
#include "errors.h"

void rl_db_init(rl_db *db, int id)
{
    db->id = id;
    rl_index_init(&db->index);
    db->scan_hint = NULL;
    db->last_found = NULL;
}

static void free_entry(rl_dbentry *e)
{
    rl_obj_free(e->val);
    rl_free(e);
}

void rl_db_empty(rl_db *db)
{
    rl_dbentry *e = rl_db_first(db);
    while (e) {
        rl_dbentry *next = rl_db_next(e);
        free_entry(e);
        e = next;
    }
    rl_index_free(&db->index);
    db->scan_hint = NULL;
    db->last_found = NULL;
}

long long rl_db_size(const rl_db *db)
{
    return (long long)db->index.count;
}

rl_db *rl_client_db(rl_client *c)
{
    return &c->emu->db[c->db];
}

int rl_db_entry_expired(const rl_emu *emu, const rl_dbentry *e)
{
    /* Redis's keyIsExpired: a key is still alive during its expiry millisecond. */
    return e->expire_ms >= 0 && e->expire_ms < rl_emu_expiry_now(emu);
}

void rl_db_delete_entry(rl_db *db, rl_dbentry *e)
{
    if (db->scan_hint == e) db->scan_hint = NULL;
    if (db->last_found == e) db->last_found = NULL;
    rl_index_remove(&db->index, &e->link);
    free_entry(e);
}

static const char *entry_key(const rl_ilink *l, size_t *len)
{
    const rl_dbentry *e = RL_ILINK_ITEM(l, rl_dbentry, link);
    *len = e->keylen;
    return e->key;
}

rl_dbentry *rl_db_find_raw(const rl_db *db, const char *key, size_t len)
{
    rl_ilink *l = rl_index_find(&db->index, key, len, entry_key);
    return l ? RL_ILINK_ITEM(l, rl_dbentry, link) : NULL;
}

void rl_db_warm_begin(const rl_db *db, rl_db_warm *w, const char *key, size_t len)
{
    w->e = NULL;
    w->hash = 0;
    if (!db->index.slots) return; /* nothing to find, nor to hash for */
    w->hash = rl_index_hash(key, len);
    rl_index_prefetch(&db->index, w->hash);
}

void rl_db_warm_entry(const rl_db *db, rl_db_warm *w)
{
    if (!db->index.slots) return;
    /* The first slot with the hash: its entry is the key's but for a
     * collision of hashes, which costs nothing worse than a wasted line. */
    size_t i = w->hash & db->index.mask;
    const rl_ilink *l = rl_index_probe(&db->index, w->hash, &i);
    if (!l) return;
    w->e = RL_ILINK_ITEM(l, rl_dbentry, link);
    __builtin_prefetch(w->e);
    __builtin_prefetch((const char *)w->e + 64);
}

void rl_db_warm_value(const rl_db_warm *w)
{
    if (!w->e) return;
    /* The object and, for the types kept inline (rl_obj_new_inline), the
     * first fields of its value. */
    __builtin_prefetch(w->e->val);
    __builtin_prefetch((const char *)w->e->val + 64);
}

rl_dbentry *rl_db_find(rl_emu *emu, rl_db *db, const char *key, size_t len)
{
    rl_dbentry *e = db->last_found;
    if (!e || e->keylen != len || rl_uthash_keycmp(e->key, key, len) != 0)
        e = rl_db_find_raw(db, key, len);
    if (e && rl_db_entry_expired(emu, e)) {
        rl_db_delete_entry(db, e);
        rl_signal_key(emu, db->id, key, len);
        return NULL;
    }
    if (e) db->last_found = e;
    return e;
}

rl_obj *rl_db_lookup(rl_emu *emu, rl_db *db, const char *key, size_t len)
{
    rl_dbentry *e = rl_db_find(emu, db, key, len);
    return e ? e->val : NULL;
}

rl_obj *rl_lookup_key_read(rl_client *c, const rl_arg *key)
{
    return rl_db_lookup(c->emu, rl_client_db(c), key->ptr, key->len);
}

rl_obj *rl_lookup_key_write(rl_client *c, const rl_arg *key)
{
    return rl_db_lookup(c->emu, rl_client_db(c), key->ptr, key->len);
}

rl_obj *rl_lookup_key_read_or_reply(rl_client *c, const rl_arg *key, rl_reply *missing)
{
    rl_obj *o = rl_lookup_key_read(c, key);
    if (!o) {
        rl_add_reply_take(c, missing);
    } else {
        rl_reply_free(missing);
    }
    return o;
}

int rl_check_type(rl_client *c, const rl_obj *o, rl_type t)
{
    if (o->type != t) {
        rl_add_reply_error(c, RL_ERR_WRONGTYPE);
        return 1;
    }
    return 0;
}

rl_dbentry *rl_db_add(rl_db *db, const char *key, size_t len, rl_obj *val)
{
    rl_dbentry *e = rl_calloc(1, sizeof(*e) + len + 1);
    if (len) memcpy(e->key, key, len);
    e->keylen = len;
    e->val = val;
    e->expire_ms = -1;
    rl_index_add(&db->index, &e->link, e->key, len);
    db->last_found = e;
    return e;
}

void rl_db_apply_order(rl_emu *emu, rl_db *db)
{
    (void)rl_index_apply_order(emu, &db->index, entry_key);
}

uint64_t rl_db_entry_pos(const rl_db *db, const rl_dbentry *e)
{
    return rl_index_pos(&db->index, &e->link);
}

rl_dbentry *rl_db_set(rl_emu *emu, rl_db *db, const char *key, size_t len, rl_obj *val, int keepttl)
{
    return rl_db_set_found(emu, db, rl_db_find(emu, db, key, len), key, len, val, keepttl);
}

rl_dbentry *rl_db_set_found(rl_emu *emu, rl_db *db, rl_dbentry *e, const char *key, size_t len,
                            rl_obj *val, int keepttl)
{
    /* Redis's setKey signals the key even when the value is the same. */
    rl_signal_key(emu, db->id, key, len);
    if (!e) return rl_db_add(db, key, len, val);
    rl_obj_free(e->val);
    e->val = val;
    if (!keepttl) e->expire_ms = -1;
    return e;
}

rl_dbentry *rl_db_set_string(rl_emu *emu, rl_db *db, rl_dbentry *e, const char *key, size_t len,
                             const char *p, size_t plen, int keepttl)
{
    if (e && rl_obj_string_overwrite(e->val, p, plen)) {
        /* What rl_db_set_found does to an existing key, the value aside. */
        rl_signal_key(emu, db->id, key, len);
        if (!keepttl) e->expire_ms = -1;
        return e;
    }
    return rl_db_set_found(emu, db, e, key, len, rl_obj_new_string(p, plen), keepttl);
}

int rl_db_delete(rl_emu *emu, rl_db *db, const char *key, size_t len)
{
    rl_dbentry *e = rl_db_find(emu, db, key, len);
    if (!e) return 0;
    rl_db_delete_entry(db, e);
    return 1;
}

int64_t rl_db_get_expire(rl_emu *emu, rl_db *db, const char *key, size_t len)
{
    rl_dbentry *e = rl_db_find(emu, db, key, len);
    return e ? e->expire_ms : -1;
}

void rl_db_set_expire(rl_dbentry *e, int64_t when_ms)
{
    e->expire_ms = when_ms;
}

void rl_db_active_expire(rl_emu *emu)
{
    for (int i = 0; i < RL_NUM_DBS; i++) {
        rl_db *db = &emu->db[i];
        rl_dbentry *e = rl_db_first(db);
        while (e) {
            rl_dbentry *next = rl_db_next(e);
            if (rl_db_entry_expired(emu, e)) {
                rl_signal_key(emu, i, e->key, e->keylen);
                rl_db_delete_entry(db, e);
            }
            e = next;
        }
    }
}
