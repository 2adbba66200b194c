/* Reads a redlua-test --metrics file back and checks it against the schema
 * of docs/metrics-json.md, and that its numbers agree with each other:
 *
 *   metrics_check FILE CASES
 *
 * CASES is the number of cases the file must hold. Each script entry's
 * calls and pcalls must be the sums of its "commands", keys_touched must
 * lie between the larger of keys_read/keys_written and their sum, a case's
 * totals must add up its scripts (runs, calls, pcalls, bytes,
 * instructions), and the top-level "scripts" must add up the cases'
 * entries of each script. Prints "metrics ok" and exits 0, or names the
 * first problem and exits 1. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const char *where)
{
    printf("metrics check: %s%s%s\n", what, where ? ": " : "", where ? where : "");
    return 1;
}

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* A count: a non-negative whole number. */
static int count(const cJSON *o, const char *k, double *out)
{
    const cJSON *v = get(o, k);
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
        v->valuedouble != (double)(long long)v->valuedouble)
        return 0;
    *out = v->valuedouble;
    return 1;
}

static const char *const counts[] = { "runs",         "calls",         "pcalls",   "keys_read",
                                      "keys_written", "keys_touched",  "bytes_in", "bytes_out",
                                      "instructions", "lua_heap_peak", NULL };

/* The fields every script entry and the totals have; sums[] gets them. */
static int check_entry(const cJSON *e, double *sums, const char *where)
{
    double v[16];
    for (int i = 0; counts[i]; i++) {
        if (!count(e, counts[i], &v[i]))
            return fail("a count is missing or not a whole number", where);
        sums[i] += v[i];
    }
    if (!cJSON_IsNumber(get(e, "time_ms")) || get(e, "time_ms")->valuedouble < 0)
        return fail("time_ms is not a number >= 0", where);
    const cJSON *cmds = get(e, "commands");
    if (!cJSON_IsObject(cmds)) return fail("commands is not an object", where);
    double calls = 0, pcalls = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cmds)
    {
        double a, b;
        if (!count(c, "calls", &a) || !count(c, "pcalls", &b) || a + b == 0)
            return fail("a command entry lacks calls/pcalls or counts nothing", where);
        calls += a;
        pcalls += b;
    }
    if (calls != v[1] || pcalls != v[2])
        return fail("calls/pcalls are not the sums of commands", where);
    double big = v[3] > v[4] ? v[3] : v[4];
    if (v[5] < big || v[5] > v[3] + v[4])
        return fail("keys_touched does not fit keys_read and keys_written", where);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) return fail("usage: metrics_check FILE CASES", NULL);
    FILE *fp = fopen(argv[1], "rb");
    if (fp == NULL) return fail("cannot open the file", argv[1]);
    static char text[1 << 22];
    size_t n = fread(text, 1, sizeof(text) - 1, fp);
    fclose(fp);
    text[n] = '\0';
    cJSON *root = cJSON_Parse(text);
    if (root == NULL) return fail("not valid JSON", NULL);
    int rc = 0;
    const cJSON *files = get(root, "files"), *scripts = get(root, "scripts");
    const cJSON *ver = get(root, "redlua_metrics"), *engine = get(root, "engine");
    if (!cJSON_IsNumber(ver) || ver->valuedouble != 1)
        rc = fail("\"redlua_metrics\" is not 1", NULL);
    else if (!cJSON_IsString(engine) ||
             (strcmp(engine->valuestring, "lua51") != 0 &&
              strcmp(engine->valuestring, "luajit") != 0))
        rc = fail("\"engine\" is not lua51 or luajit", NULL);
    else if (!cJSON_IsArray(files) || !cJSON_IsArray(scripts))
        rc = fail("no \"files\" or \"scripts\" array", NULL);
    /* Per script id, the sums over the cases, to check "scripts" against. */
    struct {
        const char *id;
        double cases, sums[16];
    } ids[256];
    int nids = 0;
    double ncases = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, files)
    {
        if (rc != 0) break;
        const cJSON *cases = get(f, "cases");
        if (!cJSON_IsString(get(f, "file")) || !cJSON_IsArray(cases)) {
            rc = fail("a file lacks \"file\" or \"cases\"", NULL);
            break;
        }
        const cJSON *c;
        cJSON_ArrayForEach(c, cases)
        {
            const cJSON *name = get(c, "case"), *st = get(c, "status");
            const char *where = cJSON_IsString(name) ? name->valuestring : "?";
            double keys, tsums[16] = { 0 }, ssums[16] = { 0 };
            ncases++;
            if (!cJSON_IsString(name) || !cJSON_IsString(st) ||
                (strcmp(st->valuestring, "pass") && strcmp(st->valuestring, "fail") &&
                 strcmp(st->valuestring, "skip")) ||
                !cJSON_IsNumber(get(c, "time_ms")) || !count(c, "keyspace_keys", &keys) ||
                !cJSON_IsObject(get(c, "totals")) || !cJSON_IsArray(get(c, "scripts"))) {
                rc = fail("a case lacks case, status, time_ms, keyspace_keys, totals or scripts",
                          where);
                break;
            }
            if ((rc = check_entry(get(c, "totals"), tsums, where)) != 0) break;
            const cJSON *s;
            cJSON_ArrayForEach(s, get(c, "scripts"))
            {
                const cJSON *id = get(s, "script");
                if (!cJSON_IsString(id)) {
                    rc = fail("a script entry has no \"script\"", where);
                    break;
                }
                if ((rc = check_entry(s, ssums, where)) != 0) break;
                int k = 0;
                while (k < nids && strcmp(ids[k].id, id->valuestring) != 0) k++;
                if (k == nids) {
                    if (nids == 256) {
                        rc = fail("too many scripts for this checker", NULL);
                        break;
                    }
                    memset(&ids[k], 0, sizeof(ids[k]));
                    ids[k].id = id->valuestring;
                    nids++;
                }
                ids[k].cases++;
                double tmp[16] = { 0 };
                check_entry(s, tmp, where);
                for (int i = 0; counts[i]; i++) ids[k].sums[i] += tmp[i];
            }
            if (rc != 0) break;
            /* runs, calls, pcalls, bytes_in, bytes_out, instructions add up. */
            static const int additive[] = { 0, 1, 2, 6, 7, 8 };
            for (size_t i = 0; i < sizeof(additive) / sizeof(additive[0]); i++)
                if (tsums[additive[i]] != ssums[additive[i]])
                    rc = fail("the totals are not the sums of the scripts", where);
            if (rc != 0) break;
        }
    }
    if (rc == 0 && ncases != atof(argv[2]))
        rc = fail("the number of cases differs from the expected one", argv[2]);
    int seen = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, scripts)
    {
        if (rc != 0) break;
        const cJSON *id = get(s, "script");
        double nc;
        int k = 0;
        while (cJSON_IsString(id) && k < nids && strcmp(ids[k].id, id->valuestring) != 0) k++;
        if (!cJSON_IsString(id) || k == nids || !count(s, "cases", &nc) || nc != ids[k].cases ||
            !cJSON_IsNumber(get(s, "commands_per_case")) ||
            !cJSON_IsNumber(get(s, "instructions_per_case"))) {
            rc = fail("a \"scripts\" entry does not match the cases", NULL);
            break;
        }
        double sums[16] = { 0 };
        if ((rc = check_entry(s, sums, id->valuestring)) != 0) break;
        for (int i = 0; counts[i]; i++) {
            int is_max = strcmp(counts[i], "lua_heap_peak") == 0;
            if (!is_max && sums[i] != ids[k].sums[i])
                rc = fail("a \"scripts\" count is not the sum over the cases", id->valuestring);
        }
        seen++;
    }
    if (rc == 0 && seen != nids)
        rc = fail("\"scripts\" does not list every script of the cases", NULL);
    cJSON_Delete(root);
    if (rc == 0) printf("metrics ok\n");
    return rc;
}
