#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rl_string2ll(const char *s, size_t slen, long long *value)
{
    const char *p = s;
    size_t plen = 0;
    int negative = 0;
    unsigned long long v;

    if (slen == 0 || slen >= RL_LONG_STR_SIZE) return 0;
    if (slen == 1 && p[0] == '0') {
        if (value) *value = 0;
        return 1;
    }
    if (p[0] == '-') {
        negative = 1;
        p++;
        plen++;
        if (plen == slen) return 0;
    }
    if (p[0] >= '1' && p[0] <= '9') {
        v = (unsigned long long)(p[0] - '0');
        p++;
        plen++;
    } else {
        return 0;
    }
    while (plen < slen && p[0] >= '0' && p[0] <= '9') {
        if (v > (ULLONG_MAX / 10)) return 0;
        v *= 10;
        if (v > (ULLONG_MAX - (unsigned long long)(p[0] - '0'))) return 0;
        v += (unsigned long long)(p[0] - '0');
        p++;
        plen++;
    }
    if (plen < slen) return 0;
    if (negative) {
        if (v > ((unsigned long long)(-(LLONG_MIN + 1)) + 1)) return 0;
        if (value) *value = (long long)(0ULL - v);
    } else {
        if (v > LLONG_MAX) return 0;
        if (value) *value = (long long)v;
    }
    return 1;
}

int rl_string2l(const char *s, size_t len, long *value)
{
    long long ll;
    if (!rl_string2ll(s, len, &ll)) return 0;
    if (ll < LONG_MIN || ll > LONG_MAX) return 0;
    if (value) *value = (long)ll;
    return 1;
}

int rl_ll2string(char *buf, size_t size, long long v)
{
    /* By hand rather than snprintf, which took a fifth of a redis.call
     * loop's time: digits into a scratch buffer from the end, the magnitude
     * taken as unsigned so that LLONG_MIN needs no special case. */
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    char tmp[24];
    char *p = tmp + sizeof(tmp);
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    /* Two digits a step (half the divisions), from a table of "00".."99". */
    while (u >= 100) {
        const char *d = pairs + (u % 100) * 2;
        u /= 100;
        *--p = d[1];
        *--p = d[0];
    }
    if (u >= 10) {
        *--p = pairs[u * 2 + 1];
        *--p = pairs[u * 2];
    } else {
        *--p = (char)('0' + u);
    }
    if (v < 0) *--p = '-';
    size_t n = (size_t)(tmp + sizeof(tmp) - p);
    if (n >= size) {
        /* Too small: snprintf's truncated text, and 0. */
        if (size) {
            memcpy(buf, p, size - 1);
            buf[size - 1] = '\0';
        }
        return 0;
    }
    memcpy(buf, p, n);
    buf[n] = '\0';
    return (int)n;
}

int rl_small_int2d(const char *s, size_t len, double *value)
{
    size_t i = len && s[0] == '-' ? 1 : 0;
    if (len == i || len - i > 15) return 0;
    unsigned long long u = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        u = u * 10 + (unsigned long long)(s[i] - '0');
    }
    /* "-0" is -0.0, as strtod reads it. */
    *value = s[0] == '-' ? -(double)u : (double)u;
    return 1;
}

int rl_inf2d(const char *s, size_t len, double *value)
{
    int neg = len && s[0] == '-';
    size_t i = len && (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (len - i != 3 || memcmp(s + i, "inf", 3) != 0) return 0;
    *value = neg ? -HUGE_VAL : HUGE_VAL;
    return 1;
}

int rl_string2d(const char *s, size_t len, double *value)
{
    /* Most scores and increments are small integers (or an infinity): no
     * copy, no strtod. */
    double small;
    if (rl_small_int2d(s, len, &small) || rl_inf2d(s, len, &small)) {
        if (value) *value = small;
        return 1;
    }
    char buf[RL_MAX_LONG_DOUBLE_CHARS];
    char *eptr;
    if (len == 0 || len >= sizeof(buf)) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    double v = strtod(buf, &eptr);
    if (isspace((unsigned char)buf[0]) || (size_t)(eptr - buf) != len ||
        (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || fpclassify(v) == FP_ZERO)) ||
        isnan(v))
        return 0;
    if (value) *value = v;
    return 1;
}

int rl_string2ld(const char *s, size_t len, long double *value)
{
    char buf[RL_MAX_LONG_DOUBLE_CHARS];
    char *eptr;
    if (len == 0 || len >= sizeof(buf)) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    long double v = strtold(buf, &eptr);
    if (isspace((unsigned char)buf[0]) || eptr[0] != '\0' || (size_t)(eptr - buf) != len ||
        (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || fpclassify(v) == FP_ZERO)) ||
        errno == EINVAL || isnan(v))
        return 0;
    if (value) *value = v;
    return 1;
}

int rl_ld2string(char *buf, size_t size, long double value, rl_ld2string_mode mode)
{
    size_t l = 0;
    int n;
    if (isinf(value)) {
        if (size < 5) return 0;
        if (value > 0) {
            memcpy(buf, "inf", 3);
            l = 3;
        } else {
            memcpy(buf, "-inf", 4);
            l = 4;
        }
    } else {
        switch (mode) {
        case RL_LD_STR_AUTO:
            n = snprintf(buf, size, "%.17Lg", value);
            if (n < 0 || (size_t)n + 1 > size) return 0;
            l = (size_t)n;
            break;
        case RL_LD_STR_HEX:
            n = snprintf(buf, size, "%La", value);
            if (n < 0 || (size_t)n + 1 > size) return 0;
            l = (size_t)n;
            break;
        case RL_LD_STR_HUMAN:
            /* Fixed point with 17 digits, trailing zeros (and a bare '.')
             * removed, and "-0" written as "0". */
            n = snprintf(buf, size, "%.17Lf", value);
            if (n < 0 || (size_t)n + 1 > size) return 0;
            l = (size_t)n;
            if (strchr(buf, '.') != NULL) {
                char *p = buf + l - 1;
                while (*p == '0') {
                    p--;
                    l--;
                }
                if (*p == '.') l--;
            }
            if (l == 2 && buf[0] == '-' && buf[1] == '0') {
                buf[0] = '0';
                l = 1;
            }
            break;
        }
    }
    buf[l] = '\0';
    return (int)l;
}

int rl_d2string(char *buf, size_t size, double value)
{
    int n;
    if (isinf(value)) n = snprintf(buf, size, "%s", value > 0 ? "inf" : "-inf");
    else n = snprintf(buf, size, "%.17g", value);
    return (n < 0 || (size_t)n >= size) ? 0 : n;
}

static int match_impl(const char *pattern, size_t patlen, const char *string, size_t strlen_,
                      int nocase, int *skip_longer, int nesting)
{
    /* Protection against abusive patterns, as Redis has it. */
    if (nesting > 1000) return 0;

    while (patlen && strlen_) {
        switch (pattern[0]) {
        case '*':
            while (patlen && pattern[1] == '*') {
                pattern++;
                patlen--;
            }
            if (patlen == 1) return 1; /* match */
            while (strlen_) {
                if (match_impl(pattern + 1, patlen - 1, string, strlen_, nocase, skip_longer,
                               nesting + 1))
                    return 1;
                if (*skip_longer) return 0;
                string++;
                strlen_--;
            }
            *skip_longer = 1;
            return 0;
        case '?':
            string++;
            strlen_--;
            break;
        case '[': {
            int not_, match = 0;
            pattern++;
            patlen--;
            not_ = patlen && pattern[0] == '^';
            if (not_) {
                pattern++;
                patlen--;
            }
            for (;;) {
                if (patlen && pattern[0] == '\\' && patlen >= 2) {
                    pattern++;
                    patlen--;
                    if (pattern[0] == string[0]) match = 1;
                } else if (!patlen || pattern[0] == ']') {
                    break;
                } else if (patlen >= 3 && pattern[1] == '-') {
                    int start = (unsigned char)pattern[0];
                    int end = (unsigned char)pattern[2];
                    int c = (unsigned char)string[0];
                    if (start > end) {
                        int t = start;
                        start = end;
                        end = t;
                    }
                    if (nocase) {
                        start = tolower(start);
                        end = tolower(end);
                        c = tolower(c);
                    }
                    pattern += 2;
                    patlen -= 2;
                    if (c >= start && c <= end) match = 1;
                } else {
                    if (!nocase) {
                        if (pattern[0] == string[0]) match = 1;
                    } else {
                        if (tolower((unsigned char)pattern[0]) == tolower((unsigned char)string[0]))
                            match = 1;
                    }
                }
                pattern++;
                patlen--;
            }
            if (!patlen) {
                /* Redis steps back so the closing ']' is consumed below. */
                pattern--;
                patlen++;
            }
            if (not_) match = !match;
            if (!match) return 0;
            string++;
            strlen_--;
            break;
        }
        case '\\':
            if (patlen >= 2) {
                pattern++;
                patlen--;
            }
            /* fall through */
        default:
            if (!nocase) {
                if (pattern[0] != string[0]) return 0;
            } else {
                if (tolower((unsigned char)pattern[0]) != tolower((unsigned char)string[0]))
                    return 0;
            }
            string++;
            strlen_--;
            break;
        }
        pattern++;
        patlen--;
        if (strlen_ == 0) {
            while (patlen && *pattern == '*') {
                pattern++;
                patlen--;
            }
            break;
        }
    }
    return patlen == 0 && strlen_ == 0;
}

int rl_stringmatchlen(const char *pattern, size_t patlen, const char *s, size_t slen, int nocase)
{
    int skip_longer = 0;
    return match_impl(pattern, patlen, s, slen, nocase, &skip_longer, 0);
}
