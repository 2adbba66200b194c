/* redlua-bench-json-check FILE: checks that bench/run's results file is
 * valid JSON holding every section docs/performance.md describes, each
 * workload with a positive in-process rate on both engines and on Redis.
 * Prints "results ok" and exits 0, or names the first problem and exits 1.
 * Used by the smoke test; it checks shape, never speed. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what, const char *where)
{
    printf("results check: %s%s%s\n", what, where ? ": " : "", where ? where : "");
    return 1;
}

static int positive(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsNumber(v) && v->valuedouble > 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) return fail("usage: redlua-bench-json-check FILE", NULL);
    FILE *fp = fopen(argv[1], "rb");
    if (!fp) return fail("cannot open", argv[1]);
    static char text[1 << 22];
    size_t n = fread(text, 1, sizeof(text) - 1, fp);
    fclose(fp);
    text[n] = '\0';
    cJSON *root = cJSON_Parse(text);
    if (!root) return fail("not valid JSON", argv[1]);
    int rc = 0;
    static const char *const sections[] = { "machine", "workloads", "fixture_runner", "scale",
                                            "targets" };
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]) && !rc; i++)
        if (!cJSON_GetObjectItemCaseSensitive(root, sections[i]))
            rc = fail("missing section", sections[i]);
    const cJSON *ws = cJSON_GetObjectItemCaseSensitive(root, "workloads");
    static const char *const names[] = { "noop",       "get_set", "incr_hash",
                                         "rate_limit", "loop100", "queue_move" };
    static const char *const systems[] = { "redlua_lua51", "redlua_luajit", "redis_p1_c1",
                                           "redis_p32_c50" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !rc; i++) {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(ws, names[i]);
        if (!cJSON_IsObject(w)) {
            rc = fail("missing workload", names[i]);
            break;
        }
        for (size_t k = 0; k < sizeof(systems) / sizeof(systems[0]) && !rc; k++)
            if (!positive(cJSON_GetObjectItemCaseSensitive(w, systems[k]), "scripts_per_s"))
                rc = fail("no positive scripts_per_s for", systems[k]);
    }
    const cJSON *fr = cJSON_GetObjectItemCaseSensitive(root, "fixture_runner");
    if (!rc &&
        !(positive(fr, "redlua_cases_per_s") && positive(fr, "redlua_luajit_cases_per_s") &&
          positive(fr, "redis_cases_per_s")))
        rc = fail("fixture_runner lacks its rates", NULL);
    const cJSON *targets = cJSON_GetObjectItemCaseSensitive(root, "targets");
    if (!rc && (!cJSON_IsArray(targets) || cJSON_GetArraySize(targets) < 5))
        rc = fail("targets is not a list of the issue's five targets", NULL);
    cJSON_Delete(root);
    if (!rc) printf("results ok\n");
    return rc;
}
