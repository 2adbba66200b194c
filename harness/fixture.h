/* The fixture parser: reads a *.test.json file (docs/fixture-format.md,
 * version 1) strictly and keeps the line and column of every JSON value, so
 * that every problem is reported as "file:line:col: message" and every step
 * knows its line for failure reports.
 *
 * JSON is read by our own small reader instead of cJSON because cJSON keeps
 * no positions and stores numbers as doubles; here integers are re-read
 * exactly as int64 from the source text.
 *
 * Ownership: rl_fixture_load returns a fixture owned by the caller and freed
 * with rl_fixture_free; every pointer reached through it (cases, steps, JSON
 * nodes, script texts) is borrowed from it. */
#ifndef REDLUA_HARNESS_FIXTURE_H
#define REDLUA_HARNESS_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "loader.h"

typedef struct rl_fixture rl_fixture;

/* Loads and validates a fixture file and the script files it names. Returns
 * NULL with "file:line:col: msg" (or "file: msg" when the file cannot be
 * read) written to err on any problem. */
rl_fixture *rl_fixture_load(const char *path, char *err, size_t errlen);
/* rl_fixture_load with extra directories for %include / --- @include,
 * searched after the fixture's own "include" list (redlua-test -I). */
rl_fixture *rl_fixture_load_with(const char *path, const char *const *include_dirs,
                                 size_t ninclude_dirs, char *err, size_t errlen);
void rl_fixture_free(rl_fixture *f);
size_t rl_fixture_case_count(const rl_fixture *f);
const char *rl_fixture_case_name(const rl_fixture *f, size_t i);
/* 1 if case i sets clock_ms or has an advance_ms step: such a case needs a
 * backend with a clock. */
int rl_fixture_case_uses_clock(const rl_fixture *f, size_t i);

/* --- JSON with positions -------------------------------------------------- */

typedef enum rl_json_type {
    RL_JSON_NULL,
    RL_JSON_BOOL,
    RL_JSON_NUMBER,
    RL_JSON_STRING,
    RL_JSON_ARRAY,
    RL_JSON_OBJECT
} rl_json_type;

typedef struct rl_json rl_json;

struct rl_json {
    rl_json_type type;
    int line, col;     /* 1-based position of the value's first character */
    size_t start, end; /* byte offsets of the value's source text: [start, end) */
    int boolean;       /* BOOL */
    int is_int;        /* NUMBER: written without fraction or exponent and fits int64 */
    int64_t integer;   /* NUMBER with is_int */
    double number;     /* NUMBER (always set) */
    char *str;         /* STRING: the decoded bytes (NUL-terminated); NUMBER: source text */
    size_t len;        /* length of str */
    size_t count;      /* ARRAY, OBJECT: number of elements / members */
    rl_json **items;   /* ARRAY elements; OBJECT member values */
    rl_json **keys;    /* OBJECT member keys (STRING nodes, with their positions) */
};

/* Parses len bytes of JSON text. Returns the tree (free with rl_json_free) or
 * NULL with "line:col: msg" in err. */
rl_json *rl_json_parse(const char *text, size_t len, char *err, size_t errlen);
void rl_json_free(rl_json *v);
/* What v is, for error messages: "null", "a boolean", "a number", "a
 * string", "an array" or "an object". */
const char *rl_json_type_name(const rl_json *v);
/* The member of an object named key, or NULL. */
const rl_json *rl_json_get(const rl_json *obj, const char *key);
/* If v is {"hex": "..."} with valid hex, decodes it: returns an rl_malloc'd
 * buffer (free with rl_free) and its length in *len. Returns NULL if v is not
 * a hex object. */
char *rl_json_hex_decode(const rl_json *v, size_t *len);
/* 1 if the len bytes at s are valid UTF-8 (no overlong forms, no
 * surrogates), i.e. printable as a JSON string. */
int rl_utf8_valid(const char *s, size_t len);

/* --- The fixture model ---------------------------------------------------- */

typedef enum rl_step_kind {
    RL_STEP_CALL,
    RL_STEP_EVAL,
    RL_STEP_FCALL,
    RL_STEP_ADVANCE
} rl_step_kind;

typedef enum rl_expect_kind {
    RL_EXPECT_NONE,  /* any non-error reply passes */
    RL_EXPECT_REPLY, /* the reply matches a JSON value */
    RL_EXPECT_ERROR  /* the reply is an error matching a glob */
} rl_expect_kind;

typedef struct rl_script {
    char *name;
    int inline_source;     /* 1 for {"source": ...} */
    rl_loaded_script code; /* text is what Redis would be sent; file is NULL if inline */
} rl_script;

/* A "functions" library file (docs/fixture-format.md, "Extension: function
 * libraries"): loaded with FUNCTION LOAD before every case. */
typedef struct rl_function_lib {
    char *name;            /* the library name, from "#!lua name=..." */
    int line, col;         /* position of its path in the fixture */
    rl_loaded_script code; /* text is what FUNCTION LOAD is sent; file is the path */
} rl_function_lib;

typedef struct rl_step rl_step;

struct rl_step {
    rl_step_kind kind;
    int line, col;       /* position of the step object */
    const rl_json *node; /* the step object itself */
    /* CALL: argv is the command; EVAL/FCALL: keys then args. */
    int argc;
    char **argv;
    size_t *argvlen;
    int numkeys;    /* EVAL/FCALL */
    size_t script;  /* EVAL: index into rl_fixture.scripts */
    char *function; /* FCALL */
    size_t function_len;
    int64_t advance_ms; /* ADVANCE */
    rl_expect_kind expect;
    const rl_json *reply; /* REPLY */
    char *error;          /* ERROR: the glob */
    size_t error_len;
    /* "while_busy" (docs/fixture-format.md, "Extension: busy scripts"): call
     * steps sent from a second client once this step's script is busy. */
    size_t nbusy;
    rl_step *busy;
};

/* Indexes into rl_case.limits. */
#define RL_CASE_LIMIT_TIMEOUT_MS 0
#define RL_CASE_LIMIT_LUA_MEMORY_MB 1
#define RL_CASE_LIMIT_MAXMEMORY 2
#define RL_CASE_LIMIT_BUSY_THRESHOLD_MS 3
#define RL_CASE_LIMITS 4

typedef struct rl_case {
    char *name;
    int line, col;
    int has_clock_ms;
    int64_t clock_ms;
    int uses_clock;
    size_t nsteps;
    rl_step *steps;
    const rl_json *keyspace; /* the "keyspace" object, or NULL */
    int uses_busy;           /* a step has "while_busy": needs backend->call_busy */
    /* timeout_ms, lua_memory_mb, maxmemory, busy_threshold_ms
     * (RL_CASE_LIMIT_*), from the case or else the file; -1 where neither
     * sets it. */
    int64_t limits[RL_CASE_LIMITS];
} rl_case;

struct rl_fixture {
    char *path; /* as given to rl_fixture_load */
    char *name; /* top-level "name", or NULL */
    rl_json *root;
    size_t nscripts;
    rl_script *scripts;
    size_t ncases;
    rl_case *cases;
    size_t nfunctions; /* "functions", in the order given */
    rl_function_lib *functions;
};

#endif
