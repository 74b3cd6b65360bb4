/* vm/asm_lex.c - the assembler's lexical layer: character classes, numbers,
 * registers and error messages, shared by both syntaxes.
 *
 * Everything here works on NUL-terminated lines and never reads past the
 * NUL. Character tests are written out rather than taken from <ctype.h> so
 * that bytes >= 0x80 (and the locale) cannot change what is accepted.
 */
#include "vm/asm_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool vm_asm_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

bool vm_asm_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex_digit(char c)
{
    return vm_asm_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hex_value(char c)
{
    if (vm_asm_is_digit(c))
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a' + 10);
    return (unsigned)(c - 'A' + 10);
}

bool vm_asm_is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' ||
           c == '$';
}

bool vm_asm_is_ident_char(char c)
{
    return vm_asm_is_ident_start(c) || vm_asm_is_digit(c);
}

const char *vm_asm_skip_ws(const char *p)
{
    while (vm_asm_is_space(*p))
        p++;
    return p;
}

size_t vm_asm_ident_len(const char *p)
{
    size_t n = 0;
    if (!vm_asm_is_ident_start(p[0]))
        return 0;
    while (vm_asm_is_ident_char(p[n]))
        n++;
    return n;
}

size_t vm_asm_tok_len(const char *p)
{
    size_t n = 0;
    if (p[0] == '\0')
        return 0;
    if (p[0] == '+' || p[0] == '-')
        n++;
    while (vm_asm_is_ident_char(p[n]) || p[n] == '%' || p[n] == '#')
        n++;
    /* Punctuation: quote that one character. */
    return n ? n : 1;
}

int vm_asm_err(const struct vm_asm_line *ln, const char *fmt, ...)
{
    if (!ln->err || ln->errlen == 0)
        return -1;
    int k = snprintf(ln->err, ln->errlen, "line %u: ", ln->lineno);
    if (k < 0 || (size_t)k >= ln->errlen)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ln->err + k, ln->errlen - (size_t)k, fmt, ap);
    va_end(ap);
    return -1;
}

int vm_asm_err_at(const struct vm_asm_line *ln, const char *what, const char *p)
{
    size_t n = vm_asm_tok_len(p);
    if (n == 0)
        return vm_asm_err(ln, "%s end of line", what);
    return vm_asm_err(ln, "%s '%.*s'", what, (int)n, p);
}

/* ------------------------------------------------------------ numbers ---- */

size_t vm_asm_scan_num(const char *p, struct vm_asm_num *n)
{
    size_t i = 0;
    *n = (struct vm_asm_num){0};
    if (p[0] == '+' || p[0] == '-') {
        n->neg = p[0] == '-';
        i++;
    }
    if (p[i] == '0' && (p[i + 1] == 'x' || p[i + 1] == 'X') && is_hex_digit(p[i + 2])) {
        n->hex = true;
        for (i += 2; is_hex_digit(p[i]); i++) {
            if (n->mag >> 60)
                n->overflow = true;
            n->mag = (n->mag << 4) | hex_value(p[i]);
        }
    } else if (vm_asm_is_digit(p[i])) {
        for (; vm_asm_is_digit(p[i]); i++) {
            unsigned d = (unsigned)(p[i] - '0');
            if (n->mag > (UINT64_MAX - d) / 10)
                n->overflow = true;
            n->mag = n->mag * 10 + d;
        }
    } else {
        return 0;
    }
    /* "5abc" or "0x1g" is one bad token, not a number and a word. */
    if (vm_asm_is_ident_char(p[i]))
        return 0;
    return i;
}

/* Reinterpret a 32-bit pattern as signed without implementation-defined
 * conversions. */
static int32_t s32_of_u32(uint32_t v)
{
    return v > (uint32_t)INT32_MAX ? -(int32_t)(~v) - 1 : (int32_t)v;
}

static int16_t s16_of_u16(uint16_t v)
{
    return v > (uint16_t)INT16_MAX ? (int16_t)(-(int32_t)(uint16_t)~v - 1) : (int16_t)v;
}

bool vm_asm_num_imm32(const struct vm_asm_num *n, int32_t *out)
{
    if (n->overflow)
        return false;
    if (n->neg) {
        if (n->mag > (uint64_t)INT32_MAX + 1)
            return false;
        *out = (int32_t)(-(int64_t)n->mag);
        return true;
    }
    if (n->hex ? n->mag > UINT32_MAX : n->mag > (uint64_t)INT32_MAX)
        return false;
    *out = s32_of_u32((uint32_t)n->mag);
    return true;
}

bool vm_asm_num_off16(const struct vm_asm_num *n, int16_t *out)
{
    if (n->overflow)
        return false;
    if (n->neg) {
        if (n->mag > (uint64_t)INT16_MAX + 1)
            return false;
        *out = (int16_t)(-(int32_t)n->mag);
        return true;
    }
    if (n->hex ? n->mag > UINT16_MAX : n->mag > (uint64_t)INT16_MAX)
        return false;
    *out = s16_of_u16((uint16_t)n->mag);
    return true;
}

bool vm_asm_num_imm64(const struct vm_asm_num *n, uint64_t *out)
{
    if (n->overflow)
        return false;
    if (n->neg) {
        if (n->mag > (uint64_t)INT64_MAX + 1)
            return false;
        *out = 0 - n->mag; /* unsigned wrap: two's complement */
        return true;
    }
    *out = n->mag;
    return true;
}

bool vm_asm_num_u32(const struct vm_asm_num *n, int32_t *out)
{
    if (n->overflow)
        return false;
    if (n->neg)
        return vm_asm_num_imm32(n, out);
    if (n->mag > UINT32_MAX)
        return false;
    *out = s32_of_u32((uint32_t)n->mag);
    return true;
}

bool vm_asm_num_fits_s32(const struct vm_asm_num *n)
{
    if (n->overflow)
        return false;
    return n->neg ? n->mag <= (uint64_t)INT32_MAX + 1 : n->mag <= (uint64_t)INT32_MAX;
}

int vm_asm_parse_num(const struct vm_asm_line *ln, const char **pp, char kind, void *out)
{
    const char *p = vm_asm_skip_ws(*pp);
    struct vm_asm_num n;
    size_t len = vm_asm_scan_num(p, &n);
    if (len == 0) {
        bool looks_numeric = vm_asm_is_digit(p[0]) ||
                             ((p[0] == '+' || p[0] == '-') && vm_asm_is_digit(p[1]));
        return vm_asm_err_at(ln, looks_numeric ? "invalid number" : "expected number, got", p);
    }
    bool ok;
    const char *what = "immediate";
    int bits = 32;
    switch (kind) {
    case 'o':
        ok = vm_asm_num_off16(&n, out);
        what = "offset";
        bits = 16;
        break;
    case 'q':
        ok = vm_asm_num_imm64(&n, out);
        bits = 64;
        break;
    case 'u':
        ok = vm_asm_num_u32(&n, out);
        what = "value";
        break;
    default:
        ok = vm_asm_num_imm32(&n, out);
        break;
    }
    if (!ok)
        return vm_asm_err(ln, "%s '%.*s' does not fit in %d bits", what, (int)len, p, bits);
    *pp = p + len;
    return 0;
}

int vm_asm_parse_signed(const struct vm_asm_line *ln, const char **pp, char kind, void *out)
{
    const char *start = vm_asm_skip_ws(*pp);
    if (*start != '+' && *start != '-')
        return vm_asm_err_at(ln, "expected '+' or '-', got", start);
    const char *p = vm_asm_skip_ws(start + 1);
    struct vm_asm_num n;
    size_t len = vm_asm_scan_num(p, &n);
    if (len == 0 || p[0] == '+' || p[0] == '-')
        return vm_asm_err_at(ln, vm_asm_is_digit(p[0]) ? "invalid number" : "expected number, got",
                             p);
    n.neg = *start == '-';
    bool ok = kind == 'o' ? vm_asm_num_off16(&n, out) : vm_asm_num_imm32(&n, out);
    if (!ok)
        return vm_asm_err(ln, "%s '%.*s' does not fit in %d bits",
                          kind == 'o' ? "offset" : "immediate", (int)(p + len - start), start,
                          kind == 'o' ? 16 : 32);
    *pp = p + len;
    return 0;
}

/* ---------------------------------------------------------- registers ---- */

size_t vm_asm_scan_reg(const char *p, bool allow_pct, bool allow_w, unsigned *reg, bool *is_w)
{
    size_t i = 0;
    if (allow_pct && p[0] == '%')
        i++;
    if (p[i] != 'r' && !(allow_w && p[i] == 'w'))
        return 0;
    *is_w = p[i] == 'w';
    i++;
    if (!vm_asm_is_digit(p[i]))
        return 0;
    unsigned v = 0;
    for (; vm_asm_is_digit(p[i]); i++)
        v = v > 1000 ? v : v * 10 + (unsigned)(p[i] - '0'); /* saturate: out of range anyway */
    if (vm_asm_is_ident_char(p[i]))
        return 0;
    *reg = v;
    return i;
}

int vm_asm_parse_reg(const struct vm_asm_line *ln, const char **pp, bool allow_pct,
                     bool allow_w, unsigned *reg, bool *is_w)
{
    const char *p = vm_asm_skip_ws(*pp);
    bool w = false;
    size_t n = vm_asm_scan_reg(p, allow_pct, allow_w, reg, &w);
    if (n == 0)
        return vm_asm_err_at(ln, "expected register, got", p);
    if (*reg > 10)
        return vm_asm_err(ln, "register '%.*s' out of range", (int)n, p);
    if (is_w)
        *is_w = w;
    *pp = p + n;
    return 0;
}

struct bpf_insn vm_asm_insn(uint8_t code, unsigned dst, unsigned src, int16_t off, int32_t imm)
{
    struct bpf_insn in;
    memset(&in, 0, sizeof(in));
    in.code = code;
    in.dst_reg = dst & 0xf;
    in.src_reg = src & 0xf;
    in.off = off;
    in.imm = imm;
    return in;
}
