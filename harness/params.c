#include "params.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"
#include "report.h"

void rl_params_json_encode(rl_buf *out, const rl_json *v)
{
    rl_report_json_write(out, v, 1);
}

/* Converts one value by its declaration into an rl_malloc'd string. */
static int convert(const rl_param_decl *d, const rl_json *v, char **out, size_t *outlen, char *msg,
                   size_t msglen)
{
    const char *what = d->is_key ? "%key" : "%arg";
    if (d->is_key || d->type == RL_PARAM_STRING) {
        if (v->type == RL_JSON_STRING) {
            *out = rl_memdup(v->str, v->len);
            *outlen = v->len;
            return 0;
        }
        if (v->type == RL_JSON_OBJECT) {
            char *bytes = rl_json_hex_decode(v, outlen);
            if (bytes != NULL) {
                *out = bytes;
                return 0;
            }
        }
        /* redis-lua passes str(value): a number is its text. */
        if (v->type == RL_JSON_NUMBER && !d->is_key) {
            *out = rl_memdup(v->str, v->len);
            *outlen = v->len;
            return 0;
        }
        snprintf(msg, msglen, "param \"%s\" (%s %s) must be a string or {\"hex\": ...}, not %s",
                 d->name, what, d->name, rl_json_type_name(v));
        return -1;
    }
    rl_buf b = { 0 };
    switch (d->type) {
    case RL_PARAM_INT:
        if (v->type != RL_JSON_NUMBER || !v->is_int) {
            snprintf(msg, msglen, "param \"%s\" (%%arg %s int) must be an integer, not %s", d->name,
                     d->name, v->type == RL_JSON_NUMBER ? v->str : rl_json_type_name(v));
            return -1;
        }
        rl_buf_printf(&b, "%lld", (long long)v->integer);
        break;
    case RL_PARAM_BOOL:
        if (v->type != RL_JSON_BOOL) {
            snprintf(msg, msglen, "param \"%s\" (%%arg %s bool) must be true or false, not %s",
                     d->name, d->name, rl_json_type_name(v));
            return -1;
        }
        rl_buf_puts(&b, v->boolean ? "1" : "0");
        break;
    case RL_PARAM_DICT:
    case RL_PARAM_LIST: {
        rl_json_type want = d->type == RL_PARAM_DICT ? RL_JSON_OBJECT : RL_JSON_ARRAY;
        if (v->type != want) {
            snprintf(msg, msglen, "param \"%s\" (%%arg %s %s) must be %s, not %s", d->name, d->name,
                     rl_param_type_name(d->type), want == RL_JSON_OBJECT ? "an object" : "an array",
                     rl_json_type_name(v));
            return -1;
        }
        rl_params_json_encode(&b, v);
        break;
    }
    case RL_PARAM_STRING: break;
    }
    *outlen = b.len;
    *out = rl_buf_take(&b);
    return 0;
}

int rl_params_bind(const rl_loaded_script *s, const rl_json *params, int *argc, char ***argv,
                   size_t **argvlen, int *numkeys, const rl_json **bad, char *msg, size_t msglen)
{
    *bad = params;
    if (params->type != RL_JSON_OBJECT) {
        snprintf(msg, msglen, "\"params\" must be an object name -> value, not %s",
                 rl_json_type_name(params));
        return -1;
    }
    if (s->nparams == 0) {
        snprintf(msg, msglen, "\"params\" needs a script that declares %%key or %%arg");
        return -1;
    }
    for (size_t i = 0; i < params->count; i++) {
        const rl_json *k = params->keys[i];
        if (rl_loader_find_param(s, k->str, k->len) != NULL) continue;
        rl_buf names = { 0 };
        for (size_t j = 0; j < s->nparams; j++)
            rl_buf_printf(&names, "%s%s", j ? ", " : "", s->params[j].name);
        snprintf(msg, msglen, "unknown param \"%s\" (the script declares: %s)", k->str, names.p);
        rl_buf_free(&names);
        *bad = k;
        return -1;
    }
    int n = s->nkeys + s->nargs;
    char **av = rl_calloc((size_t)n + 1, sizeof(char *));
    size_t *al = rl_calloc((size_t)n + 1, sizeof(size_t));
    int rc = 0;
    for (size_t j = 0; j < s->nparams && rc == 0; j++) {
        const rl_param_decl *d = &s->params[j];
        const rl_json *v = rl_json_get(params, d->name);
        int at = d->is_key ? d->slot - 1 : s->nkeys + d->slot - 1;
        if (v == NULL) {
            snprintf(msg, msglen, "missing param \"%s\" (%s %s%s%s, declared at %s:%d)", d->name,
                     d->is_key ? "%key" : "%arg", d->name, d->is_key ? "" : " ",
                     d->is_key ? "" : rl_param_type_name(d->type), s->files[d->file].path, d->line);
            rc = -1;
        } else if (convert(d, v, &av[at], &al[at], msg, msglen) != 0) {
            *bad = v;
            rc = -1;
        }
    }
    if (rc != 0) {
        for (int i = 0; i < n; i++) rl_free(av[i]);
        rl_free(av);
        rl_free(al);
        return -1;
    }
    *argc = n;
    *argv = av;
    *argvlen = al;
    *numkeys = s->nkeys;
    return 0;
}

int rl_params_returns_json(const rl_loaded_script *s)
{
    return s->has_return && (s->return_type == RL_PARAM_DICT || s->return_type == RL_PARAM_LIST);
}

static int json_equal(const rl_json *a, const rl_json *b)
{
    if (a->type != b->type) return 0;
    switch (a->type) {
    case RL_JSON_NULL: return 1;
    case RL_JSON_BOOL: return a->boolean == b->boolean;
    case RL_JSON_NUMBER:
        if (a->is_int && b->is_int) return a->integer == b->integer;
        return a->number == b->number || (isnan(a->number) && isnan(b->number));
    case RL_JSON_STRING: return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
    case RL_JSON_ARRAY:
        if (a->count != b->count) return 0;
        for (size_t i = 0; i < a->count; i++) {
            if (!json_equal(a->items[i], b->items[i])) return 0;
        }
        return 1;
    case RL_JSON_OBJECT:
        if (a->count != b->count) return 0;
        for (size_t i = 0; i < a->count; i++) {
            const rl_json *other = NULL;
            for (size_t j = 0; j < b->count && other == NULL; j++) {
                if (b->keys[j]->len == a->keys[i]->len &&
                    memcmp(b->keys[j]->str, a->keys[i]->str, a->keys[i]->len) == 0)
                    other = b->items[j];
            }
            if (other == NULL || !json_equal(a->items[i], other)) return 0;
        }
        return 1;
    }
    return 0;
}

int rl_params_json_matches(const rl_json *expected, const char *text, size_t len, char *why,
                           size_t whylen)
{
    char jerr[256];
    rl_json *actual = rl_json_parse(text, len, jerr, sizeof(jerr));
    if (actual == NULL) {
        snprintf(why, whylen, "the reply is not JSON (%s)", jerr);
        return 0;
    }
    int same = json_equal(expected, actual);
    if (!same) snprintf(why, whylen, "the decoded reply differs");
    rl_json_free(actual);
    return same;
}
