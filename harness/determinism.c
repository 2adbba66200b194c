/* redlua-test --check-determinism (determinism.h). Every run of a case goes
 * through rl_run_case_capture with keep_going, so one run's failing step does
 * not hide the later ones, and with read_keyspace, so the database is read
 * whether or not the case has a keyspace section. The seeds are 0..runs on
 * every machine and in every worker process, so the report repeats. */
#include "determinism.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "params.h"
#include "reply.h"
#include "report.h"
#include "runner.h"

/* --- Comparing replies ------------------------------------------------------ */

/* The member name of an object with exactly one member (a matcher such as
 * {"unordered": [...]}), or NULL. */
static const char *single_tag(const rl_json *v)
{
    if (v == NULL || v->type != RL_JSON_OBJECT || v->count != 1) return NULL;
    return v->keys[0]->str;
}

static int is_aggregate(const rl_reply *r)
{
    return r->type == RL_REPLY_ARRAY || r->type == RL_REPLY_SET || r->type == RL_REPLY_MAP ||
        r->type == RL_REPLY_PUSH || r->type == RL_REPLY_ATTR;
}

typedef struct item {
    char *p;
    size_t len;
} item;

static int cmp_items(const void *a, const void *b)
{
    const item *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->p, y->p, n);
    if (c != 0) return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* r's elements taken group at a time (1, or 2 for field/value pairs), each
 * group as its RESP3 bytes, sorted when sort is 1, appended to out with
 * their lengths: a canonical text of the multiset (or the sequence). */
static void canon_items(rl_buf *out, const rl_reply *r, size_t group, int sort)
{
    size_t n = r->elements / group;
    item *items = rl_calloc(n ? n : 1, sizeof(*items));
    for (size_t i = 0; i < n; i++) {
        rl_buf b = { 0 };
        for (size_t j = 0; j < group; j++) {
            size_t len;
            char *resp = rl_reply_to_resp(r->element[i * group + j], 3, &len);
            rl_buf_put(&b, resp, len);
            rl_free(resp);
        }
        items[i].len = b.len;
        items[i].p = rl_buf_take(&b);
    }
    if (sort && n > 1) qsort(items, n, sizeof(*items), cmp_items);
    rl_buf_printf(out, "%d:%zu:", (int)r->type, n);
    for (size_t i = 0; i < n; i++) {
        rl_buf_printf(out, "%zu:", items[i].len);
        rl_buf_put(out, items[i].p, items[i].len);
        rl_free(items[i].p);
    }
    rl_free(items);
}

/* 1 when the aggregates a and b hold the same groups in any order. */
static int same_multiset(const rl_reply *a, const rl_reply *b, size_t group)
{
    if (a->type != b->type || a->elements != b->elements || !is_aggregate(a))
        return rl_reply_equal(a, b);
    rl_buf x = { 0 }, y = { 0 };
    canon_items(&x, a, group, 1);
    canon_items(&y, b, group, 1);
    int same = x.len == y.len && memcmp(x.p, y.p, x.len) == 0;
    rl_buf_free(&x);
    rl_buf_free(&y);
    return same;
}

/* 1 when a and b are the same reply as far as the expected value exp (a
 * fixture JSON value, or NULL) cares: see determinism.h. */
static int same_reply(const rl_json *exp, const rl_reply *a, const rl_reply *b)
{
    const char *tag = single_tag(exp);
    if (tag != NULL && (strcmp(tag, "any") == 0 || strcmp(tag, "glob") == 0)) return 1;
    if (tag != NULL && (strcmp(tag, "unordered") == 0 || strcmp(tag, "set") == 0))
        return same_multiset(a, b, 1);
    if (tag != NULL && strcmp(tag, "map") == 0) return same_multiset(a, b, 2);
    if (exp != NULL && exp->type == RL_JSON_ARRAY && a->type == b->type && is_aggregate(a) &&
        a->elements == b->elements && exp->count == a->elements) {
        for (size_t i = 0; i < a->elements; i++) {
            if (!same_reply(exp->items[i], a->element[i], b->element[i])) return 0;
        }
        return 1;
    }
    return rl_reply_equal(a, b);
}

static int same_step(const rl_fixture *f, const rl_step *st, const rl_reply *a, const rl_reply *b)
{
    if (a == NULL || b == NULL) return a == b;
    if (st->expect == RL_EXPECT_ERROR && a->type == RL_REPLY_ERROR && b->type == RL_REPLY_ERROR)
        return 1;
    /* A %return dict|list script's reply is JSON text, compared as text. */
    if (st->expect == RL_EXPECT_REPLY &&
        !(st->kind == RL_STEP_EVAL && rl_params_returns_json(&f->scripts[st->script].code)))
        return same_reply(st->reply, a, b);
    return rl_reply_equal(a, b);
}

/* --- Comparing databases ---------------------------------------------------- */

/* k's type, expiry and value as text, sets and hashes in a canonical order. */
static void canon_key(rl_buf *out, const rl_actual_key *k)
{
    rl_buf_printf(out, "%s:%lld:", k->type, k->pttl);
    if (strcmp(k->type, "set") == 0) canon_items(out, k->value, 1, 1);
    else if (strcmp(k->type, "hash") == 0) canon_items(out, k->value, 2, 1);
    else if (is_aggregate(k->value)) canon_items(out, k->value, 1, 0);
    else
        canon_items(out,
                    &(rl_reply){ .type = RL_REPLY_ARRAY,
                                 .elements = 1,
                                 .element = (rl_reply *[]){ k->value } },
                    1, 0);
}

static int cmp_names(const rl_actual_key *a, const rl_actual_key *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->name, b->name, n);
    if (c != 0) return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

static void put_key(rl_buf *m, const rl_actual_key *k, const char *name, size_t len, uint64_t seed)
{
    rl_buf_puts(m, "  key ");
    rl_report_string(m, name, len);
    rl_buf_printf(m, " with seed %llu: ", (unsigned long long)seed);
    if (k == NULL) {
        rl_buf_puts(m, "(no such key)\n");
        return;
    }
    rl_buf_printf(m, "%s ", k->type);
    rl_report_reply(m, k->value);
    if (k->pttl >= 0) rl_buf_printf(m, " (PTTL %lld)", k->pttl);
    rl_buf_puts(m, "\n");
}

/* Appends the first key (in byte order) whose content differs between the
 * two databases and returns 1, or returns 0 when they hold the same. */
static int diff_keyspace(rl_buf *m, const rl_case_capture *a, const rl_case_capture *b,
                         uint64_t seed)
{
    size_t i = 0, j = 0;
    while (i < a->nkeys || j < b->nkeys) {
        const rl_actual_key *x = i < a->nkeys ? &a->keys[i] : NULL;
        const rl_actual_key *y = j < b->nkeys ? &b->keys[j] : NULL;
        int c = x == NULL ? 1 : y == NULL ? -1 : cmp_names(x, y);
        if (c == 0) {
            rl_buf cx = { 0 }, cy = { 0 };
            canon_key(&cx, x);
            canon_key(&cy, y);
            int same = cx.len == cy.len && memcmp(cx.p, cy.p, cx.len) == 0;
            rl_buf_free(&cx);
            rl_buf_free(&cy);
            if (!same) {
                put_key(m, x, x->name, x->len, 0);
                put_key(m, y, y->name, y->len, seed);
                return 1;
            }
            i++;
            j++;
            continue;
        }
        const rl_actual_key *k = c < 0 ? x : y;
        put_key(m, c < 0 ? x : NULL, k->name, k->len, 0);
        put_key(m, c < 0 ? NULL : y, k->name, k->len, seed);
        return 1;
    }
    return 0;
}

/* --- Running ------------------------------------------------------------------ */

static int run_seed(rl_backend *b, const rl_fixture *f, size_t c, uint64_t seed,
                    rl_case_capture *cap)
{
    rl_case_result res;
    memset(cap, 0, sizeof(*cap));
    cap->keep_going = 1;
    cap->read_keyspace = 1;
    b->order_seed = seed;
    int rc = rl_run_case_capture(b, f, c, NULL, NULL, cap, &res);
    b->order_seed = 0;
    rl_case_result_clear(&res);
    return rc;
}

static void put_reply(rl_buf *m, uint64_t seed, const rl_reply *r)
{
    rl_buf_printf(m, "  reply with seed %llu: ", (unsigned long long)seed);
    if (r == NULL) rl_buf_puts(m, "(the step did not run)");
    else rl_report_reply(m, r);
    rl_buf_puts(m, "\n");
}

int rl_check_determinism(rl_backend *b, const rl_fixture *f, size_t c, int runs, char **report,
                         int *step, int *line)
{
    *report = NULL;
    *step = *line = 0;
    const rl_case *cs = &f->cases[c];
    rl_case_capture base, var;
    if (run_seed(b, f, c, 0, &base) != 0) {
        rl_case_capture_clear(&base);
        return -1;
    }
    int rc = 0;
    rl_buf m = { 0 };
    for (int s = 1; s <= runs && rc == 0 && m.len == 0; s++) {
        uint64_t seed = (uint64_t)s;
        if (run_seed(b, f, c, seed, &var) != 0) {
            rc = -1;
        } else {
            for (size_t i = 0; i < cs->nsteps && m.len == 0; i++) {
                const rl_step *st = &cs->steps[i];
                if (st->kind == RL_STEP_ADVANCE ||
                    same_step(f, st, base.replies[i], var.replies[i]))
                    continue;
                rl_buf_printf(&m,
                              "not deterministic (--check-determinism): order seed %llu "
                              "changes step %zu\n",
                              (unsigned long long)seed, i + 1);
                rl_runner_describe_step(&m, f, cs, i);
                put_reply(&m, 0, base.replies[i]);
                put_reply(&m, seed, var.replies[i]);
                *step = (int)i + 1;
                *line = st->line;
            }
            if (m.len == 0 && base.keyspace_read && var.keyspace_read) {
                rl_buf d = { 0 };
                if (diff_keyspace(&d, &base, &var, seed)) {
                    rl_buf_printf(&m,
                                  "not deterministic (--check-determinism): order seed %llu "
                                  "changes database 0 after the last step\n",
                                  (unsigned long long)seed);
                    rl_buf_put(&m, d.p, d.len);
                    *step = 0;
                    *line = cs->keyspace != NULL ? cs->keyspace->line : cs->line;
                }
                rl_buf_free(&d);
            }
        }
        rl_case_capture_clear(&var);
    }
    rl_case_capture_clear(&base);
    if (m.len > 0 && m.p[m.len - 1] == '\n') m.p[--m.len] = '\0';
    if (m.len > 0) *report = rl_buf_take(&m);
    rl_buf_free(&m);
    return rc;
}
