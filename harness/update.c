/* Snapshot updates: edits are (start, end, text) replacements of byte spans
 * of the fixture file, collected per case and applied in one pass. */
#include "update.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "params.h"

typedef struct edit {
    size_t start, end;
    char *text;
} edit;

struct rl_update {
    const rl_fixture *f;
    char *text;
    size_t len;
    edit *edits;
    size_t nedits, cap;
};

static char *read_all(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    rl_buf b = { 0 };
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) rl_buf_put(&b, chunk, n);
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        snprintf(err, errlen, "%s: read error", path);
        rl_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return rl_buf_take(&b);
}

rl_update *rl_update_new(const rl_fixture *f, char *err, size_t errlen)
{
    size_t len;
    char *text = read_all(f->path, &len, err, errlen);
    if (text == NULL) return NULL;
    if (f->root == NULL || f->root->end > len) {
        snprintf(err, errlen, "%s: the file changed since it was read", f->path);
        rl_free(text);
        return NULL;
    }
    rl_update *u = rl_calloc(1, sizeof(*u));
    u->f = f;
    u->text = text;
    u->len = len;
    return u;
}

void rl_update_free(rl_update *u)
{
    if (u == NULL) return;
    for (size_t i = 0; i < u->nedits; i++) rl_free(u->edits[i].text);
    rl_free(u->edits);
    rl_free(u->text);
    rl_free(u);
}

/* Takes text (a buffer's contents). */
static void add_edit(edit **edits, size_t *n, size_t *cap, size_t start, size_t end, rl_buf *text)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *edits = rl_realloc(*edits, *cap * sizeof(edit));
    }
    (*edits)[*n].start = start;
    (*edits)[*n].end = end;
    (*edits)[*n].text = rl_buf_take(text);
    (*n)++;
}

void rl_update_glob_escape(rl_buf *b, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '*' || ch == '?' || ch == '\\') {
            char two[2] = { '\\', (char)ch };
            rl_buf_put(b, two, 2);
            i++;
            continue;
        }
        /* The longest valid UTF-8 sequence here, 1 to 4 bytes. */
        size_t n = 1;
        while (n <= 4 && i + n <= len && !rl_utf8_valid(s + i, n)) n++;
        if (n > 4 || i + n > len) {
            rl_buf_put(b, "?", 1);
            i++;
        } else {
            rl_buf_put(b, s + i, n);
            i += n;
        }
    }
}

/* A JSON string for an error text, as an "error" expectation. */
static void put_error_glob(rl_buf *b, const rl_reply *r)
{
    rl_buf g = { 0 };
    rl_update_glob_escape(&g, r->str, r->len);
    rl_report_string(b, g.p ? g.p : "", g.len);
    rl_buf_free(&g);
}

/* The expected value for a reply. For a %return dict|list script the
 * expectation is the decoded JSON, written as the script's own text. */
static int put_reply_value(rl_buf *b, const rl_step *st, const rl_fixture *f, const rl_reply *r,
                           char *err, size_t errlen)
{
    if (st->kind == RL_STEP_EVAL && rl_params_returns_json(&f->scripts[st->script].code)) {
        rl_json *v = r->type == RL_REPLY_BULK ? rl_json_parse(r->str, r->len, NULL, 0) : NULL;
        if (v == NULL) {
            snprintf(err, errlen,
                     "line %d: the script declares %%return JSON but did not "
                     "reply JSON text",
                     st->line);
            return -1;
        }
        rl_json_free(v);
        rl_buf_put(b, r->str, r->len);
        return 0;
    }
    rl_report_reply(b, r);
    return 0;
}

static const rl_json *member_key(const rl_json *obj, const char *key)
{
    for (size_t i = 0; i < obj->count; i++) {
        if (strcmp(obj->keys[i]->str, key) == 0) return obj->keys[i];
    }
    return NULL;
}

/* The edit for one step that did not meet its expectation. */
static int update_step(rl_update *u, const rl_step *st, const rl_reply *r, edit **edits, size_t *n,
                       size_t *cap, char *err, size_t errlen)
{
    rl_buf b = { 0 };
    const char *key = st->expect == RL_EXPECT_REPLY ? "reply" : "error";
    const rl_json *k = member_key(st->node, key), *v = rl_json_get(st->node, key);
    int is_error = r->type == RL_REPLY_ERROR;
    if (is_error && st->expect == RL_EXPECT_ERROR) {
        put_error_glob(&b, r);
        add_edit(edits, n, cap, v->start, v->end, &b);
    } else if (!is_error && st->expect == RL_EXPECT_REPLY) {
        /* {"unordered": [...]} stays a matcher: only its list changes. */
        const rl_json *un = rl_json_get(v, "unordered");
        if (v->type == RL_JSON_OBJECT && v->count == 1 && un != NULL &&
            (r->type == RL_REPLY_ARRAY || r->type == RL_REPLY_SET)) {
            rl_reply tmp = *r;
            tmp.type = RL_REPLY_ARRAY;
            rl_report_reply(&b, &tmp);
            add_edit(edits, n, cap, un->start, un->end, &b);
            return 0;
        }
        if (put_reply_value(&b, st, u->f, r, err, errlen) != 0) {
            rl_buf_free(&b);
            return -1;
        }
        add_edit(edits, n, cap, v->start, v->end, &b);
    } else if (is_error) {
        rl_buf_puts(&b, "\"error\": ");
        put_error_glob(&b, r);
        add_edit(edits, n, cap, k->start, v->end, &b);
    } else {
        rl_buf_puts(&b, "\"reply\": ");
        if (put_reply_value(&b, st, u->f, r, err, errlen) != 0) {
            rl_buf_free(&b);
            return -1;
        }
        add_edit(edits, n, cap, k->start, v->end, &b);
    }
    return 0;
}

static int cmp_replies(const void *a, const void *b)
{
    const rl_reply *x = *(const rl_reply *const *)a, *y = *(const rl_reply *const *)b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = n ? memcmp(x->str, y->str, n) : 0;
    if (c != 0) return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* A keyspace entry {"type": ..., "value": ..., "ttl": N} for an actual key. */
static int put_entry(rl_buf *b, const rl_actual_key *k, char *err, size_t errlen)
{
    rl_buf_printf(b, "{\"type\": \"%s\", \"value\": ", k->type);
    const rl_reply *v = k->value;
    if (strcmp(k->type, "hash") == 0) {
        rl_buf_puts(b, "{");
        for (size_t i = 0; i + 1 < v->elements; i += 2) {
            const rl_reply *f = v->element[i];
            if (!rl_utf8_valid(f->str, f->len)) {
                snprintf(err, errlen,
                         "hash field of key \"%.*s\" is not valid UTF-8 and "
                         "cannot be a JSON object key",
                         (int)(k->len > 60 ? 60 : k->len), k->name);
                return -1;
            }
            if (i > 0) rl_buf_puts(b, ", ");
            rl_report_string(b, f->str, f->len);
            rl_buf_puts(b, ": ");
            rl_report_reply(b, v->element[i + 1]);
        }
        rl_buf_puts(b, "}");
    } else if (strcmp(k->type, "set") == 0) {
        /* Members in byte order, so a snapshot does not depend on the
         * backend's iteration order. */
        const rl_reply **m = rl_malloc((v->elements ? v->elements : 1) * sizeof(*m));
        for (size_t i = 0; i < v->elements; i++) m[i] = v->element[i];
        if (v->elements > 1) qsort(m, v->elements, sizeof(*m), cmp_replies);
        rl_buf_puts(b, "[");
        for (size_t i = 0; i < v->elements; i++) {
            if (i > 0) rl_buf_puts(b, ", ");
            rl_report_reply(b, m[i]);
        }
        rl_buf_puts(b, "]");
        rl_free(m);
    } else {
        rl_report_reply(b, v);
    }
    if (k->pttl >= 0) rl_buf_printf(b, ", \"ttl\": %lld", (k->pttl + 500) / 1000);
    rl_buf_puts(b, "}");
    return 0;
}

/* The whitespace that starts the line holding byte offset at. */
static void line_indent(const rl_update *u, size_t at, rl_buf *out)
{
    size_t s = at;
    while (s > 0 && u->text[s - 1] != '\n') s--;
    size_t e = s;
    while (e < u->len && (u->text[e] == ' ' || u->text[e] == '\t')) e++;
    rl_buf_put(out, u->text + s, e - s);
}

static int multiline(const rl_update *u, const rl_json *v)
{
    return memchr(u->text + v->start, '\n', v->end - v->start) != NULL;
}

static int update_keyspace(rl_update *u, const rl_case *cs, const rl_case_capture *cap,
                           edit **edits, size_t *n, size_t *ecap, char *err, size_t errlen)
{
    const rl_json *ks = cs->keyspace;
    int same_keys = 1, changed = 0;
    for (size_t i = 0; i < ks->count; i++) {
        if (!cap->entry_ok[i]) changed++;
        int found = 0;
        for (size_t j = 0; j < cap->nkeys && !found; j++)
            found = cap->keys[j].len == ks->keys[i]->len &&
                memcmp(cap->keys[j].name, ks->keys[i]->str, ks->keys[i]->len) == 0;
        if (!found) same_keys = 0;
    }
    for (size_t j = 0; j < cap->nkeys; j++) {
        if (!cap->keys[j].matched) {
            same_keys = 0;
            changed++;
        }
    }
    if (changed == 0) return 0;
    rl_buf b = { 0 };
    if (same_keys) {
        /* Only the entries that differ are rewritten. */
        for (size_t i = 0; i < ks->count; i++) {
            if (cap->entry_ok[i]) continue;
            const rl_actual_key *k = NULL;
            for (size_t j = 0; j < cap->nkeys && k == NULL; j++) {
                if (cap->keys[j].len == ks->keys[i]->len &&
                    memcmp(cap->keys[j].name, ks->keys[i]->str, ks->keys[i]->len) == 0)
                    k = &cap->keys[j];
            }
            if (put_entry(&b, k, err, errlen) != 0) {
                rl_buf_free(&b);
                return -1;
            }
            add_edit(edits, n, ecap, ks->items[i]->start, ks->items[i]->end, &b);
        }
        return changed;
    }
    /* Keys come or go: the section is written anew, entries that still
     * match copied as they were, in their order, new keys after them. */
    int ml = ks->count == 0 || multiline(u, ks);
    rl_buf ind = { 0 }, ind2 = { 0 };
    line_indent(u, ks->start, &ind);
    if (ks->count > 0 && ks->keys[0]->line != ks->line) {
        line_indent(u, ks->keys[0]->start, &ind2);
    } else {
        rl_buf_put(&ind2, ind.p ? ind.p : "", ind.len);
        rl_buf_puts(&ind2, "  ");
    }
    size_t written = 0;
    rl_buf_puts(&b, "{");
    for (size_t i = 0; i < ks->count + cap->nkeys; i++) {
        const rl_actual_key *k = NULL;
        const rl_json *name = NULL;
        if (i < ks->count) {
            name = ks->keys[i];
            for (size_t j = 0; j < cap->nkeys && k == NULL; j++) {
                if (cap->keys[j].len == name->len &&
                    memcmp(cap->keys[j].name, name->str, name->len) == 0)
                    k = &cap->keys[j];
            }
            if (k == NULL) continue; /* gone */
        } else {
            k = &cap->keys[i - ks->count];
            if (k->matched) continue;
        }
        rl_buf_puts(&b, written > 0 ? "," : "");
        if (ml) {
            rl_buf_puts(&b, "\n");
            rl_buf_put(&b, ind2.p ? ind2.p : "", ind2.len);
        } else if (written > 0) {
            rl_buf_puts(&b, " ");
        }
        if (name != NULL) {
            /* The key as written, with its colon and alignment. */
            const rl_json *v = ks->items[i];
            rl_buf_put(&b, u->text + name->start, v->start - name->start);
        } else {
            if (!rl_utf8_valid(k->name, k->len)) {
                snprintf(err, errlen,
                         "a key name is not valid UTF-8 and cannot be a JSON "
                         "object key");
                rl_buf_free(&b);
                rl_buf_free(&ind);
                rl_buf_free(&ind2);
                return -1;
            }
            rl_report_string(&b, k->name, k->len);
            rl_buf_puts(&b, ": ");
        }
        if (name != NULL && cap->entry_ok[i]) {
            const rl_json *v = ks->items[i];
            rl_buf_put(&b, u->text + v->start, v->end - v->start);
        } else if (put_entry(&b, k, err, errlen) != 0) {
            rl_buf_free(&b);
            rl_buf_free(&ind);
            rl_buf_free(&ind2);
            return -1;
        }
        written++;
    }
    if (ml && written > 0) {
        rl_buf_puts(&b, "\n");
        rl_buf_put(&b, ind.p ? ind.p : "", ind.len);
    }
    rl_buf_puts(&b, "}");
    rl_buf_free(&ind);
    rl_buf_free(&ind2);
    add_edit(edits, n, ecap, ks->start, ks->end, &b);
    return changed;
}

int rl_update_case(rl_update *u, size_t case_index, const rl_case_capture *cap, char *err,
                   size_t errlen)
{
    const rl_case *cs = &u->f->cases[case_index];
    edit *edits = NULL;
    size_t n = 0, ecap = 0;
    int count = 0, rc = 0;
    for (size_t i = 0; i < cs->nsteps && i < cap->nsteps && rc == 0; i++) {
        const rl_step *st = &cs->steps[i];
        if (cap->step_ok[i] != 0 || cap->replies[i] == NULL || st->expect == RL_EXPECT_NONE)
            continue;
        rc = update_step(u, st, cap->replies[i], &edits, &n, &ecap, err, errlen);
        count++;
    }
    if (rc == 0 && cap->keyspace_read && cs->keyspace != NULL) {
        int k = update_keyspace(u, cs, cap, &edits, &n, &ecap, err, errlen);
        if (k < 0) rc = -1;
        else count += k;
    }
    if (rc != 0) {
        for (size_t i = 0; i < n; i++) rl_free(edits[i].text);
        rl_free(edits);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        rl_buf t = { 0 };
        rl_buf_puts(&t, edits[i].text);
        add_edit(&u->edits, &u->nedits, &u->cap, edits[i].start, edits[i].end, &t);
        rl_free(edits[i].text);
    }
    rl_free(edits);
    return count;
}

static int cmp_edits(const void *a, const void *b)
{
    const edit *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

int rl_update_write(rl_update *u, char *err, size_t errlen)
{
    if (u->nedits == 0) return 0;
    qsort(u->edits, u->nedits, sizeof(edit), cmp_edits);
    rl_buf out = { 0 };
    size_t at = 0;
    for (size_t i = 0; i < u->nedits; i++) {
        const edit *e = &u->edits[i];
        if (e->start < at || e->end > u->len) {
            snprintf(err, errlen, "%s: overlapping edits (a bug in redlua-test)", u->f->path);
            rl_buf_free(&out);
            return -1;
        }
        rl_buf_put(&out, u->text + at, e->start - at);
        rl_buf_puts(&out, e->text);
        at = e->end;
    }
    rl_buf_put(&out, u->text + at, u->len - at);

    const char *path = u->f->path;
    rl_buf tmp = { 0 };
    rl_buf_printf(&tmp, "%s.redlua-update.%ld", path, (long)getpid());
    FILE *fp = fopen(tmp.p, "wb");
    struct stat st;
    int rc = 0;
    if (fp == NULL) {
        snprintf(err, errlen, "%s: %s", tmp.p, strerror(errno));
        rc = -1;
    } else {
        int bad = fwrite(out.p, 1, out.len, fp) != out.len;
        if (fclose(fp) != 0 || bad) {
            snprintf(err, errlen, "%s: write error", tmp.p);
            rc = -1;
        } else if (stat(path, &st) == 0 && chmod(tmp.p, st.st_mode & 07777) != 0) {
            snprintf(err, errlen, "%s: %s", tmp.p, strerror(errno));
            rc = -1;
        } else if (rename(tmp.p, path) != 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            rc = -1;
        }
        if (rc != 0) remove(tmp.p);
    }
    rl_buf_free(&tmp);
    rl_buf_free(&out);
    return rc;
}
