/* Reads a redlua-test --json report back and checks it against the schema
 * of docs/results-json.md and against the counts it is given:
 *
 *   json_check FILE PASSED FAILED SKIPPED
 *
 * Prints "json ok" and exits 0, or names the first problem and exits 1. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what)
{
    printf("json check: %s\n", what);
    return 1;
}

static int is_count(const cJSON *v, double want)
{
    return cJSON_IsNumber(v) && v->valuedouble == want;
}

int main(int argc, char **argv)
{
    if (argc != 5) return fail("usage: json_check FILE PASSED FAILED SKIPPED");
    FILE *fp = fopen(argv[1], "rb");
    if (fp == NULL) return fail("cannot open the file");
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof(text) - 1, fp);
    fclose(fp);
    text[n] = '\0';
    cJSON *root = cJSON_Parse(text);
    if (root == NULL) return fail("not valid JSON");
    double want[3] = { atof(argv[2]), atof(argv[3]), atof(argv[4]) };
    static const char *const words[3] = { "passed", "failed", "skipped" };
    int rc = 0;
    const cJSON *sum = cJSON_GetObjectItemCaseSensitive(root, "summary");
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    if (!is_count(cJSON_GetObjectItemCaseSensitive(root, "version"), 1))
        rc = fail("\"version\" is not 1");
    else if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "engine")) ||
             !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "backend")))
        rc = fail("\"engine\" or \"backend\" is not a string");
    else if (!cJSON_IsObject(sum) || !cJSON_IsArray(cases))
        rc = fail("no \"summary\" object or \"cases\" array");
    else if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(sum, "duration_ms")))
        rc = fail("summary.duration_ms is not a number");
    for (int i = 0; i < 3 && rc == 0; i++) {
        if (!is_count(cJSON_GetObjectItemCaseSensitive(sum, words[i]), want[i]))
            rc = fail("a summary count differs from the expected one");
    }
    double seen[3] = { 0, 0, 0 };
    const cJSON *c;
    cJSON_ArrayForEach(c, cases)
    {
        if (rc != 0) break;
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(c, "status");
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(c, "duration_ms");
        if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "file")) ||
            !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "name")) ||
            !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(c, "index")) ||
            !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(c, "line")) || !cJSON_IsString(st) ||
            !cJSON_IsNumber(d) || d->valuedouble < 0) {
            rc = fail("a case lacks file, name, index, line, status or duration_ms");
            break;
        }
        int k = 0;
        while (k < 3 && strcmp(st->valuestring, words[k]) != 0) k++;
        if (k == 3) {
            rc = fail("a case has an unknown status");
            break;
        }
        seen[k]++;
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(c, "failure");
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(f, "message");
        if (k == 1 &&
            (!cJSON_IsString(msg) || msg->valuestring[0] == '\0' ||
             !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(f, "line"))))
            rc = fail("a failed case has no failure.message or failure.line");
        if (k != 1 && f != NULL) rc = fail("a case that did not fail has a failure");
        if (k == 2 && !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "reason")))
            rc = fail("a skipped case has no reason");
    }
    for (int i = 0; i < 3 && rc == 0; i++) {
        if (seen[i] != want[i]) rc = fail("the cases' statuses do not add up to the counts");
    }
    cJSON_Delete(root);
    if (rc == 0) printf("json ok\n");
    return rc;
}
