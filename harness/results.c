/* Machine-readable reports. Case names and messages are arbitrary bytes
 * (a Lua error may hold any), so every writer escapes for its format and
 * never emits an invalid document. */
#include "results.h"

#include <string.h>

#include "mem.h"

void rl_file_record_clear(rl_file_record *r)
{
    for (size_t i = 0; i < r->ncases; i++) {
        rl_free(r->cases[i].message);
        rl_free(r->cases[i].metrics);
        rl_free(r->cases[i].warnings);
    }
    rl_free(r->cases);
    r->cases = NULL;
    r->ncases = 0;
}

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid. */
static size_t utf8_len(const char *s, size_t avail)
{
    for (size_t n = 1; n <= 4 && n <= avail; n++) {
        if (rl_utf8_valid(s, n)) return n;
    }
    return 0;
}

static const char *status_word(rl_case_status s)
{
    return s == RL_CASE_PASS ? "passed" : s == RL_CASE_FAIL ? "failed" : "skipped";
}

/* --- JUnit XML --------------------------------------------------------------- */

static void xml_text(FILE *out, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '&':
            fputs("&amp;", out);
            i++;
            continue;
        case '<':
            fputs("&lt;", out);
            i++;
            continue;
        case '>':
            fputs("&gt;", out);
            i++;
            continue;
        case '"':
            fputs("&quot;", out);
            i++;
            continue;
        case '\'':
            fputs("&apos;", out);
            i++;
            continue;
        case '\n':
            fputs("&#10;", out);
            i++;
            continue;
        case '\t':
            fputs("&#9;", out);
            i++;
            continue;
        case '\r':
            fputs("&#13;", out);
            i++;
            continue;
        default: break;
        }
        size_t n = ch < 0x80 ? 1 : utf8_len(s + i, len - i);
        if (ch < 0x20 || ch == 0x7f || n == 0) {
            fprintf(out, "\\x%02x", ch);
            i++;
            continue;
        }
        fwrite(s + i, 1, n, out);
        i += n;
    }
}

static void xml_str(FILE *out, const char *s)
{
    xml_text(out, s, strlen(s));
}

/* Counts of a file's records. */
static void count(const rl_file_record *r, size_t *failed, size_t *skipped)
{
    *failed = *skipped = 0;
    for (size_t i = 0; i < r->ncases; i++) {
        if (r->cases[i].status == RL_CASE_FAIL) (*failed)++;
        else if (r->cases[i].status == RL_CASE_SKIP) (*skipped)++;
    }
}

/* A case's cluster-safety warnings, as <system-err>, one "warning: " line
 * each. */
static void junit_warnings(FILE *out, const char *warnings)
{
    if (warnings == NULL) return;
    fputs("      <system-err>", out);
    for (const char *p = warnings; *p != '\0';) {
        size_t k = strcspn(p, "\n");
        fputs("warning: ", out);
        xml_text(out, p, k);
        fputc('\n', out);
        p += k + (p[k] == '\n');
    }
    fputs("</system-err>\n", out);
}

int rl_results_write_junit(FILE *out, const rl_file_record *files, size_t n,
                           const rl_run_summary *sum)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out,
            "<testsuites name=\"redlua-test\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
            "skipped=\"%zu\" time=\"%.3f\">\n",
            sum->passed + sum->failed + sum->skipped, sum->failed, sum->skipped, sum->ms / 1000.0);
    for (size_t i = 0; i < n; i++) {
        const rl_file_record *r = &files[i];
        size_t failed, skipped;
        count(r, &failed, &skipped);
        fputs("  <testsuite name=\"", out);
        xml_str(out, r->f->path);
        fprintf(out,
                "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
                "time=\"%.3f\">\n",
                r->ncases, failed, skipped, r->ms / 1000.0);
        fputs("    <properties>\n      <property name=\"engine\" value=\"", out);
        xml_str(out, sum->engine);
        fputs("\"/>\n      <property name=\"backend\" value=\"", out);
        xml_str(out, sum->backend);
        fputs("\"/>\n    </properties>\n", out);
        for (size_t c = 0; c < r->ncases; c++) {
            const rl_case_record *cr = &r->cases[c];
            const rl_case *cs = &r->f->cases[cr->case_index];
            fputs("    <testcase classname=\"", out);
            xml_str(out, r->f->path);
            fputs("\" name=\"", out);
            xml_str(out, cs->name);
            fputs("\" file=\"", out);
            xml_str(out, r->f->path);
            fprintf(out, "\" line=\"%d\" time=\"%.3f\"", cr->fail_line ? cr->fail_line : cs->line,
                    cr->ms / 1000.0);
            if (cr->status == RL_CASE_PASS) {
                if (cr->warnings == NULL) {
                    fputs("/>\n", out);
                    continue;
                }
                fputs(">\n", out);
                junit_warnings(out, cr->warnings);
                fputs("    </testcase>\n", out);
                continue;
            }
            const char *msg = cr->message ? cr->message : "";
            size_t first = strcspn(msg, "\n");
            if (cr->status == RL_CASE_SKIP) {
                fputs(">\n      <skipped message=\"", out);
                xml_text(out, msg, strlen(msg));
                fputs("\"/>\n", out);
                junit_warnings(out, cr->warnings);
                fputs("    </testcase>\n", out);
                continue;
            }
            fputs(">\n      <failure type=\"failure\" message=\"", out);
            xml_text(out, msg, first);
            fputs("\">", out);
            /* The body keeps its line breaks as written characters. */
            for (const char *p = msg; *p != '\0';) {
                size_t k = strcspn(p, "\n");
                xml_text(out, p, k);
                p += k;
                if (*p == '\n') {
                    fputc('\n', out);
                    p++;
                }
            }
            fputs("</failure>\n", out);
            junit_warnings(out, cr->warnings);
            fputs("    </testcase>\n", out);
        }
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    return ferror(out) ? -1 : 0;
}

/* --- JSON -------------------------------------------------------------------- */

static void json_str(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    size_t i = 0;
    while (i < len) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '"':
            fputs("\\\"", out);
            i++;
            continue;
        case '\\':
            fputs("\\\\", out);
            i++;
            continue;
        case '\n':
            fputs("\\n", out);
            i++;
            continue;
        case '\r':
            fputs("\\r", out);
            i++;
            continue;
        case '\t':
            fputs("\\t", out);
            i++;
            continue;
        default: break;
        }
        size_t n = ch < 0x80 ? 1 : utf8_len(s + i, len - i);
        if (ch < 0x20 || ch == 0x7f || n == 0) {
            fprintf(out, "\\u%04x", ch);
            i++;
            continue;
        }
        fwrite(s + i, 1, n, out);
        i += n;
    }
    fputc('"', out);
}

static void json_cstr(FILE *out, const char *s)
{
    if (s == NULL) fputs("null", out);
    else json_str(out, s, strlen(s));
}

int rl_results_write_json(FILE *out, const rl_file_record *files, size_t n,
                          const rl_run_summary *sum)
{
    fputs("{\n  \"version\": 1,\n  \"engine\": ", out);
    json_cstr(out, sum->engine);
    fputs(",\n  \"backend\": ", out);
    json_cstr(out, sum->backend);
    fprintf(out,
            ",\n  \"summary\": {\"passed\": %zu, \"failed\": %zu, \"skipped\": %zu, "
            "\"duration_ms\": %.3f},\n  \"cases\": [",
            sum->passed, sum->failed, sum->skipped, sum->ms);
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        const rl_file_record *r = &files[i];
        for (size_t c = 0; c < r->ncases; c++) {
            const rl_case_record *cr = &r->cases[c];
            const rl_case *cs = &r->f->cases[cr->case_index];
            fputs(first ? "\n    {\"file\": " : ",\n    {\"file\": ", out);
            first = 0;
            json_cstr(out, r->f->path);
            fputs(", \"fixture\": ", out);
            json_cstr(out, r->f->name);
            fputs(", \"name\": ", out);
            json_cstr(out, cs->name);
            fprintf(out,
                    ", \"index\": %zu, \"line\": %d, \"status\": \"%s\", "
                    "\"duration_ms\": %.3f",
                    cr->case_index, cs->line, status_word(cr->status), cr->ms);
            if (cr->status == RL_CASE_FAIL) {
                fputs(", \"failure\": {\"step\": ", out);
                if (cr->fail_step > 0) fprintf(out, "%d", cr->fail_step);
                else fputs(cr->fail_line > 0 ? "\"keyspace\"" : "null", out);
                fputs(", \"line\": ", out);
                if (cr->fail_line > 0) fprintf(out, "%d", cr->fail_line);
                else fputs("null", out);
                fputs(", \"message\": ", out);
                json_cstr(out, cr->message ? cr->message : "");
                fputs("}", out);
            } else if (cr->status == RL_CASE_SKIP) {
                fputs(", \"reason\": ", out);
                json_cstr(out, cr->message ? cr->message : "");
            }
            if (cr->warnings != NULL) {
                fputs(", \"warnings\": [", out);
                for (const char *p = cr->warnings; *p != '\0';) {
                    size_t k = strcspn(p, "\n");
                    if (p != cr->warnings) fputs(", ", out);
                    json_str(out, p, k);
                    p += k + (p[k] == '\n');
                }
                fputs("]", out);
            }
            fputs("}", out);
        }
    }
    fputs(first ? "]\n}\n" : "\n  ]\n}\n", out);
    return ferror(out) ? -1 : 0;
}

/* --- TAP ----------------------------------------------------------------------- */

/* A TAP description may not hold '#' unescaped (it starts a directive) nor
 * a line break. */
static void tap_desc(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '#') fputs("\\#", out);
        else if (*s == '\n' || *s == '\r') fputc(' ', out);
        else fputc(*s, out);
    }
}

void rl_results_tap_begin(FILE *out)
{
    fputs("TAP version 13\n", out);
}

void rl_results_tap_file(FILE *out, const rl_file_record *r, size_t *counter)
{
    for (size_t c = 0; c < r->ncases; c++) {
        const rl_case_record *cr = &r->cases[c];
        const rl_case *cs = &r->f->cases[cr->case_index];
        size_t num = ++*counter;
        fprintf(out, "%s %zu - ", cr->status == RL_CASE_FAIL ? "not ok" : "ok", num);
        tap_desc(out, r->f->path);
        fputs(": ", out);
        tap_desc(out, cs->name);
        if (cr->status == RL_CASE_SKIP) {
            fputs(" # SKIP ", out);
            tap_desc(out, cr->message ? cr->message : "skipped");
        }
        fputc('\n', out);
        if (cr->status != RL_CASE_FAIL) continue;
        /* The YAML diagnostic block of TAP 13; the message as a literal
         * block scalar, every line indented. */
        fputs("  ---\n  message: |\n", out);
        const char *p = cr->message ? cr->message : "";
        while (*p != '\0') {
            size_t k = strcspn(p, "\n");
            fprintf(out, "    %.*s\n", (int)k, p);
            p += k;
            if (*p == '\n') p++;
        }
        fputs("  severity: fail\n  file: ", out);
        json_cstr(out, r->f->path);
        fprintf(out, "\n  line: %d\n", cr->fail_line ? cr->fail_line : cs->line);
        if (cr->fail_step > 0) fprintf(out, "  step: %d\n", cr->fail_step);
        fputs("  ...\n", out);
    }
}

void rl_results_tap_end(FILE *out, size_t counter, const rl_run_summary *sum)
{
    fprintf(out, "1..%zu\n", counter);
    if (sum->skipped > 0)
        fprintf(out, "# %zu passed, %zu failed, %zu skipped\n", sum->passed, sum->failed,
                sum->skipped);
    else fprintf(out, "# %zu passed, %zu failed\n", sum->passed, sum->failed);
}
