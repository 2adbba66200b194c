/* Reply matching. The contract's JSON notation is mapped onto reply types
 * one to one (a JSON string is a bulk, {"status": ...} a status, ...), so a
 * status never matches a string and an integer never matches "1": the
 * fixture states exactly what Redis answers. Sets and maps have no order in
 * RESP3, so {"set": [...]} and {"map": [...]} match in any order; arrays are
 * ordered unless wrapped in {"unordered": [...]}. */
#include "match.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

int rl_glob_match(const char *pat, size_t plen, const char *s, size_t slen)
{
    size_t p = 0, i = 0;
    size_t star = (size_t)-1, mark = 0;
    while (i < slen) {
        if (p < plen && pat[p] == '*') {
            star = p++;
            mark = i;
            continue;
        }
        if (p < plen && pat[p] == '?') {
            p++;
            i++;
            continue;
        }
        if (p < plen) {
            char ch = pat[p];
            size_t adv = 1;
            if (ch == '\\' && p + 1 < plen) {
                ch = pat[p + 1];
                adv = 2;
            }
            if (ch == s[i]) {
                p += adv;
                i++;
                continue;
            }
        }
        /* Mismatch: let the last star swallow one more byte and retry. */
        if (star != (size_t)-1) {
            p = star + 1;
            i = ++mark;
            continue;
        }
        return 0;
    }
    while (p < plen && pat[p] == '*') p++;
    return p == plen;
}

/* --- Validation ------------------------------------------------------------ */

static int is_key(const rl_json *obj, size_t i, const char *key)
{
    const rl_json *k = obj->keys[i];
    return k->len == strlen(key) && memcmp(k->str, key, k->len) == 0;
}

/* The single key of a one-member object, or NULL. */
static const char *tag_of(const rl_json *v)
{
    if (v->type != RL_JSON_OBJECT || v->count != 1) return NULL;
    return v->keys[0]->str;
}

static int is_tag(const rl_json *v, const char *tag)
{
    const char *t = tag_of(v);
    return t != NULL && strcmp(t, tag) == 0 && v->keys[0]->len == strlen(tag);
}

static const rl_json *bad(const rl_json *v, char *msg, size_t msglen, const char *text)
{
    snprintf(msg, msglen, "%s", text);
    return v;
}

static int valid_bignum(const rl_json *v)
{
    size_t i = 0;
    if (v->len > 0 && v->str[0] == '-') i = 1;
    if (i == v->len) return 0;
    for (; i < v->len; i++) {
        if (v->str[i] < '0' || v->str[i] > '9') return 0;
    }
    return 1;
}

static int is_special_double(const rl_json *v)
{
    return v->type == RL_JSON_STRING &&
        (strcmp(v->str, "inf") == 0 || strcmp(v->str, "-inf") == 0 || strcmp(v->str, "nan") == 0);
}

const rl_json *rl_match_check(const rl_json *v, char *msg, size_t msglen)
{
    switch (v->type) {
    case RL_JSON_NULL:
    case RL_JSON_BOOL:
    case RL_JSON_STRING: return NULL;
    case RL_JSON_NUMBER:
        if (v->is_int) return NULL;
        if (strpbrk(v->str, ".eE") == NULL) {
            snprintf(msg, msglen,
                     "integer %s is out of the 64-bit range (a big number reply is "
                     "{\"bignum\": \"%s\"})",
                     v->str, v->str);
            return v;
        }
        snprintf(msg, msglen,
                 "%s is not an integer: integer replies are integers, a RESP3 double is "
                 "{\"double\": %s}, and a number sent as a bulk string is \"%s\"",
                 v->str, v->str, v->str);
        return v;
    case RL_JSON_ARRAY:
        for (size_t i = 0; i < v->count; i++) {
            const rl_json *b = rl_match_check(v->items[i], msg, msglen);
            if (b != NULL) return b;
        }
        return NULL;
    case RL_JSON_OBJECT: break;
    }
    if (v->count != 1)
        return bad(v, msg, msglen,
                   "a reply object has exactly one field: {\"status\": ...}, {\"error\": ...}, "
                   "{\"hex\": ...}, {\"double\": ...}, {\"map\": ...}, {\"set\": ...}, "
                   "{\"bignum\": ...}, {\"any\": true}, {\"unordered\": ...} or {\"glob\": ...}");
    const rl_json *x = v->items[0];
    if (is_key(v, 0, "status") || is_key(v, 0, "error") || is_key(v, 0, "glob")) {
        if (x->type != RL_JSON_STRING) {
            snprintf(msg, msglen, "\"%s\" takes a string", v->keys[0]->str);
            return x;
        }
        return NULL;
    }
    if (is_key(v, 0, "hex")) {
        size_t n;
        char *bytes = rl_json_hex_decode(v, &n);
        if (bytes == NULL)
            return bad(x, msg, msglen, "\"hex\" takes a string of an even number of hex digits");
        rl_free(bytes);
        return NULL;
    }
    if (is_key(v, 0, "bignum")) {
        if (x->type != RL_JSON_STRING || !valid_bignum(x))
            return bad(x, msg, msglen, "\"bignum\" takes a string of decimal digits");
        return NULL;
    }
    if (is_key(v, 0, "double")) {
        if (x->type != RL_JSON_NUMBER && !is_special_double(x))
            return bad(x, msg, msglen,
                       "\"double\" takes a JSON number, or \"inf\", \"-inf\" or \"nan\"");
        return NULL;
    }
    if (is_key(v, 0, "any")) {
        if (x->type != RL_JSON_BOOL || !x->boolean)
            return bad(x, msg, msglen, "the matcher is {\"any\": true}");
        return NULL;
    }
    if (is_key(v, 0, "set") || is_key(v, 0, "unordered")) {
        if (x->type != RL_JSON_ARRAY) {
            snprintf(msg, msglen, "\"%s\" takes an array", v->keys[0]->str);
            return x;
        }
        return rl_match_check(x, msg, msglen);
    }
    if (is_key(v, 0, "map")) {
        if (x->type != RL_JSON_ARRAY)
            return bad(x, msg, msglen, "\"map\" takes an array of [key, value] pairs");
        for (size_t i = 0; i < x->count; i++) {
            const rl_json *pair = x->items[i];
            if (pair->type != RL_JSON_ARRAY || pair->count != 2)
                return bad(pair, msg, msglen, "\"map\" takes an array of [key, value] pairs");
        }
        return rl_match_check(x, msg, msglen);
    }
    snprintf(msg, msglen,
             "unknown reply object {\"%s\": ...} (status, error, hex, double, map, set, bignum, "
             "any, unordered or glob)",
             v->keys[0]->str);
    return v->keys[0];
}

/* A value standing for one string: a string, hex, or a matcher. */
static const rl_json *check_stringish(const rl_json *v, const char *what, char *msg, size_t msglen)
{
    if (v->type == RL_JSON_STRING || is_tag(v, "hex") || is_tag(v, "glob") || is_tag(v, "any"))
        return rl_match_check(v, msg, msglen);
    if (v->type == RL_JSON_NUMBER) {
        snprintf(msg, msglen, "%s is a string: write \"%s\", not %s", what, v->str, v->str);
        return v;
    }
    snprintf(msg, msglen,
             "%s must be a string, {\"hex\": ...}, {\"glob\": ...} or "
             "{\"any\": true}",
             what);
    return v;
}

static const rl_json *check_string_array(const rl_json *v, const char *what, char *msg,
                                         size_t msglen)
{
    if (v->type != RL_JSON_ARRAY) {
        snprintf(msg, msglen, "%s must be an array", what);
        return v;
    }
    for (size_t i = 0; i < v->count; i++) {
        const rl_json *b = check_stringish(v->items[i], "an element", msg, msglen);
        if (b != NULL) return b;
    }
    return NULL;
}

const rl_json *rl_match_check_key_value(const char *type, const rl_json *v, char *msg,
                                        size_t msglen)
{
    if (is_tag(v, "any")) return rl_match_check(v, msg, msglen);
    if (strcmp(type, "string") == 0) return check_stringish(v, "a string key's value", msg, msglen);
    if (strcmp(type, "hash") == 0) {
        if (v->type != RL_JSON_OBJECT)
            return bad(v, msg, msglen, "a hash's value must be an object field -> value");
        for (size_t i = 0; i < v->count; i++) {
            const rl_json *b = check_stringish(v->items[i], "a hash field's value", msg, msglen);
            if (b != NULL) return b;
        }
        return NULL;
    }
    if (strcmp(type, "list") == 0 || strcmp(type, "set") == 0) {
        if (is_tag(v, "unordered")) {
            const rl_json *b = rl_match_check(v, msg, msglen);
            return b != NULL ? b : check_string_array(v->items[0], "\"unordered\"", msg, msglen);
        }
        return check_string_array(v, strcmp(type, "list") == 0 ? "a list's value" : "a set's value",
                                  msg, msglen);
    }
    const rl_json *arr = v;
    if (is_tag(v, "unordered")) arr = v->items[0];
    if (arr->type != RL_JSON_ARRAY) {
        snprintf(msg, msglen, "a %s's value must be an array", type);
        return arr;
    }
    for (size_t i = 0; i < arr->count; i++) {
        const rl_json *e = arr->items[i];
        if (is_tag(e, "any")) continue;
        if (strcmp(type, "zset") == 0) {
            if (e->type != RL_JSON_ARRAY || e->count != 2)
                return bad(e, msg, msglen, "a zset's value is an array of [member, score]");
            const rl_json *b = check_stringish(e->items[0], "a member", msg, msglen);
            if (b == NULL)
                b = check_stringish(e->items[1], "a score (as Redis formats it)", msg, msglen);
            if (b != NULL) return b;
        } else if (strcmp(type, "stream") == 0) {
            if (e->type != RL_JSON_ARRAY || e->count != 2)
                return bad(e, msg, msglen,
                           "a stream's value is an array of [id, [field, value, ...]]");
            const rl_json *b = check_stringish(e->items[0], "an entry id", msg, msglen);
            if (b == NULL && !is_tag(e->items[1], "any"))
                b = check_string_array(e->items[1], "an entry's fields", msg, msglen);
            if (b != NULL) return b;
        } else {
            snprintf(msg, msglen, "unknown key type \"%s\"", type);
            return v;
        }
    }
    return NULL;
}

/* --- Matching -------------------------------------------------------------- */

static int bytes_eq(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static int is_stringy(const rl_reply *r)
{
    return r->type == RL_REPLY_BULK || r->type == RL_REPLY_VERB;
}

/* Finds an assignment of every expected element to a distinct actual one
 * (backtracking: elements can be matchers, so greedy is not enough). */
static int match_unordered_from(const rl_json *const *exp, size_t n, rl_reply *const *act,
                                int *used, size_t i, int pairs)
{
    if (i == n) return 1;
    for (size_t j = 0; j < n; j++) {
        if (used[j]) continue;
        int ok;
        if (pairs) {
            const rl_json *pair = exp[i];
            ok = rl_match_reply(pair->items[0], act[2 * j]) &&
                rl_match_reply(pair->items[1], act[2 * j + 1]);
        } else {
            ok = rl_match_reply(exp[i], act[j]);
        }
        if (!ok) continue;
        used[j] = 1;
        if (match_unordered_from(exp, n, act, used, i + 1, pairs)) return 1;
        used[j] = 0;
    }
    return 0;
}

static int match_unordered(const rl_json *exp, const rl_reply *act, int pairs)
{
    size_t n = pairs ? act->elements / 2 : act->elements;
    if (exp->count != n) return 0;
    if (n == 0) return 1;
    int *used = rl_calloc(n, sizeof(int));
    int ok =
        match_unordered_from((const rl_json *const *)exp->items, n, act->element, used, 0, pairs);
    rl_free(used);
    return ok;
}

static int match_double(const rl_json *e, const rl_reply *r)
{
    if (r->type != RL_REPLY_DOUBLE) return 0;
    if (e->type == RL_JSON_STRING) {
        if (strcmp(e->str, "nan") == 0) return isnan(r->dval);
        if (strcmp(e->str, "inf") == 0) return isinf(r->dval) && r->dval > 0;
        return isinf(r->dval) && r->dval < 0;
    }
    return r->dval == e->number;
}

int rl_match_reply(const rl_json *e, const rl_reply *r)
{
    switch (e->type) {
    case RL_JSON_NULL: return r->type == RL_REPLY_NIL || r->type == RL_REPLY_NIL_ARRAY;
    case RL_JSON_BOOL: return r->type == RL_REPLY_BOOL && (r->integer != 0) == (e->boolean != 0);
    case RL_JSON_NUMBER:
        return r->type == RL_REPLY_INTEGER && e->is_int && r->integer == e->integer;
    case RL_JSON_STRING: return is_stringy(r) && bytes_eq(e->str, e->len, r->str, r->len);
    case RL_JSON_ARRAY:
        if (r->type != RL_REPLY_ARRAY || r->elements != e->count) return 0;
        for (size_t i = 0; i < e->count; i++) {
            if (!rl_match_reply(e->items[i], r->element[i])) return 0;
        }
        return 1;
    case RL_JSON_OBJECT: break;
    }
    const rl_json *x = e->items[0];
    if (is_tag(e, "any")) return r->type != RL_REPLY_ERROR;
    if (is_tag(e, "glob"))
        return (is_stringy(r) || r->type == RL_REPLY_STATUS) &&
            rl_glob_match(x->str, x->len, r->str, r->len);
    if (is_tag(e, "unordered"))
        return (r->type == RL_REPLY_ARRAY || r->type == RL_REPLY_SET) && match_unordered(x, r, 0);
    if (is_tag(e, "status"))
        return r->type == RL_REPLY_STATUS && bytes_eq(x->str, x->len, r->str, r->len);
    if (is_tag(e, "error"))
        return r->type == RL_REPLY_ERROR && bytes_eq(x->str, x->len, r->str, r->len);
    if (is_tag(e, "bignum"))
        return r->type == RL_REPLY_BIGNUM && bytes_eq(x->str, x->len, r->str, r->len);
    if (is_tag(e, "double")) return match_double(x, r);
    if (is_tag(e, "set")) return r->type == RL_REPLY_SET && match_unordered(x, r, 0);
    if (is_tag(e, "map")) return r->type == RL_REPLY_MAP && match_unordered(x, r, 1);
    if (is_tag(e, "hex")) {
        size_t n;
        char *bytes = rl_json_hex_decode(e, &n);
        int ok = is_stringy(r) && bytes_eq(bytes, n, r->str, r->len);
        rl_free(bytes);
        return ok;
    }
    return 0;
}

static int match_hash(const rl_json *e, const rl_reply *r)
{
    if (r->type != RL_REPLY_ARRAY || r->elements % 2 != 0 || r->elements / 2 != e->count) return 0;
    for (size_t i = 0; i < e->count; i++) {
        const rl_json *field = e->keys[i];
        size_t j;
        for (j = 0; j < r->elements; j += 2) {
            if (bytes_eq(field->str, field->len, r->element[j]->str, r->element[j]->len)) break;
        }
        if (j == r->elements || !rl_match_reply(e->items[i], r->element[j + 1])) return 0;
    }
    return 1;
}

int rl_match_key_value(const char *type, const rl_json *e, const rl_reply *r)
{
    if (is_tag(e, "any")) return 1;
    if (strcmp(type, "hash") == 0) return match_hash(e, r);
    if (strcmp(type, "set") == 0 && e->type == RL_JSON_ARRAY)
        return r->type == RL_REPLY_ARRAY && match_unordered(e, r, 0);
    return rl_match_reply(e, r);
}
