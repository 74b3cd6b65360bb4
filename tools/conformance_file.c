/* tools/conformance_file.c - the bpf_conformance `.data` parser.
 *
 * Follows ../shared/bpf_conformance/README.md ("File format"), i.e. the
 * upstream runner's parse_test_file():
 *   1. strip one trailing '\r';
 *   2. drop everything from the first '#';
 *   3. a line still containing "--" is a section header, chosen by substring
 *      in this order: asm, result, mem, raw, "no register offset", " c",
 *      error; any other header makes the runner skip the whole file;
 *   4. blank lines are ignored.
 * `-- raw` (when it has tokens) replaces `-- asm`; the last `-- result` line
 * counts (0x... hex, else decimal, unsigned 64-bit as strtoull reads it); a
 * file with neither result nor error is skipped, and so is one without
 * instructions.
 *
 * Deliberate differences from upstream, for robust input handling: a line of
 * only whitespace counts as blank (upstream would take it as the result and
 * throw), and malformed numbers / bytes are reported as errors ("line N:
 * ...") instead of being silently truncated.
 */
#include "tools/tools.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum section { SEC_IGNORE, SEC_ASM, SEC_RESULT, SEC_MEM, SEC_RAW, SEC_ERROR };

static bool contains(const char *s, size_t len, const char *needle)
{
    return memmem(s, len, needle, strlen(needle)) != NULL;
}

static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isspace((unsigned char)s[i]))
            return false;
    return true;
}

/* A printable, bounded copy of some bytes for messages. */
static void shown(char *dst, size_t dstlen, const char *s, size_t len)
{
    size_t k = 0, max = dstlen - 4;
    for (size_t i = 0; i < len && k < max; i++)
        dst[k++] = isprint((unsigned char)s[i]) ? s[i] : '?';
    if (len > max) {
        dst[k++] = '.';
        dst[k++] = '.';
        dst[k++] = '.';
    }
    dst[k] = 0;
}

/* Parse one unsigned 64-bit number the way std::stoull does: leading
 * whitespace and a sign accepted (a '-' negates modulo 2^64), base 16 with
 * optional 0x when `hex`, else base 10. Trailing whitespace is allowed,
 * anything else is an error. */
static bool parse_u64(const char *s, size_t len, bool hex, uint64_t *out)
{
    char tmp[128];
    if (len >= sizeof(tmp))
        return false;
    memcpy(tmp, s, len);
    tmp[len] = 0;
    if (strlen(tmp) != len) /* a NUL byte inside */
        return false;
    const char *p = tmp;
    while (isspace((unsigned char)*p))
        p++;
    const char *q = p;
    if (*q == '+' || *q == '-')
        q++;
    if (hex && q[0] == '0' && (q[1] == 'x' || q[1] == 'X'))
        q += 2;
    if (!(hex ? isxdigit((unsigned char)*q) : isdigit((unsigned char)*q)))
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, hex ? 16 : 10);
    if (errno == ERANGE)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return false;
    *out = v;
    return true;
}

static int append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 2 > *cap) {
        size_t nc = *cap ? *cap : 1024;
        while (*len + n + 2 > nc)
            nc *= 2;
        char *nb = realloc(*buf, nc);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = nc;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = 0;
    return 0;
}

void conf_test_free(struct conf_test *t)
{
    free(t->error);
    free(t->mem);
    free(t->raw);
    free(t->asm_text);
    memset(t, 0, sizeof(*t));
}

int conf_test_parse(const uint8_t *buf, size_t len, struct conf_test *t, char *err,
                    size_t errlen)
{
    memset(t, 0, sizeof(*t));
    t->asm_empty = true;
    enum section sec = SEC_IGNORE;
    const char *text = (const char *)buf;
    size_t asm_cap = 0;
    const char *result_line = NULL, *error_line = NULL;
    size_t result_len = 0, error_len = 0;
    unsigned result_lineno = 0;
    size_t raw_cap = 0;
    unsigned lineno = 0;

    size_t pos = 0;
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - line) : len - pos;
        pos += ll + (nl ? 1 : 0);
        lineno++;

        if (ll > 0 && line[ll - 1] == '\r')
            ll--;
        const char *hash = memchr(line, '#', ll);
        if (hash)
            ll = (size_t)(hash - line);

        bool asm_line = false;
        if (contains(line, ll, "--")) {
            if (contains(line, ll, "asm"))
                sec = SEC_ASM;
            else if (contains(line, ll, "result"))
                sec = SEC_RESULT;
            else if (contains(line, ll, "mem"))
                sec = SEC_MEM;
            else if (contains(line, ll, "raw"))
                sec = SEC_RAW;
            else if (contains(line, ll, "no register offset"))
                sec = SEC_IGNORE;
            else if (contains(line, ll, " c"))
                sec = SEC_IGNORE;
            else if (contains(line, ll, "error"))
                sec = SEC_ERROR;
            else {
                char s[64];
                shown(s, sizeof(s), line, ll);
                t->skip = true;
                snprintf(t->skip_reason, sizeof(t->skip_reason),
                         "line %u: unknown section header '%s'", lineno, s);
                return 0;
            }
        } else if (!blank(line, ll)) {
            switch (sec) {
            case SEC_ASM:
                asm_line = true;
                t->asm_empty = false;
                break;
            case SEC_RESULT:
                result_line = line, result_len = ll, result_lineno = lineno;
                break;
            case SEC_ERROR:
                error_line = line, error_len = ll;
                break;
            case SEC_MEM: {
                char e[128];
                if (cli_parse_hex_bytes(line, ll, &t->mem, &t->mem_len, e, sizeof(e)) != 0) {
                    snprintf(err, errlen, "line %u: mem: %s", lineno, e);
                    return -1;
                }
                break;
            }
            case SEC_RAW: {
                size_t i = 0;
                while (i < ll) {
                    while (i < ll && isspace((unsigned char)line[i]))
                        i++;
                    if (i >= ll)
                        break;
                    size_t st = i;
                    while (i < ll && !isspace((unsigned char)line[i]))
                        i++;
                    const char *tok = line + st;
                    size_t tl = i - st;
                    bool hex = tl >= 2 && tok[0] == '0' && tok[1] == 'x';
                    uint64_t v;
                    if (!parse_u64(tok, tl, hex, &v)) {
                        char s[64];
                        shown(s, sizeof(s), tok, tl);
                        snprintf(err, errlen, "line %u: raw: bad instruction slot '%s'",
                                 lineno, s);
                        return -1;
                    }
                    if (t->raw_len == raw_cap) {
                        size_t nc = raw_cap ? raw_cap * 2 : 64;
                        struct bpf_insn *nr = realloc(t->raw, nc * sizeof(*nr));
                        if (!nr) {
                            snprintf(err, errlen, "%s", strerror(ENOMEM));
                            return -1;
                        }
                        t->raw = nr;
                        raw_cap = nc;
                    }
                    uint8_t b[8];
                    for (int k = 0; k < 8; k++)
                        b[k] = (uint8_t)(v >> (8 * k));
                    memcpy(&t->raw[t->raw_len++], b, 8);
                }
                break;
            }
            case SEC_IGNORE:
                break;
            }
        }
        /* One asm_text line per file line keeps the assembler's line numbers
         * equal to the file's. */
        if (append(&t->asm_text, &t->asm_len, &asm_cap, line, asm_line ? ll : 0) != 0 ||
            append(&t->asm_text, &t->asm_len, &asm_cap, "\n", 1) != 0) {
            snprintf(err, errlen, "%s", strerror(ENOMEM));
            return -1;
        }
    }
    t->has_raw = t->raw_len > 0;

    if (!result_line && !error_line) {
        t->skip = true;
        snprintf(t->skip_reason, sizeof(t->skip_reason), "no result or error section");
        return 0;
    }
    if (result_line) {
        bool hex = contains(result_line, result_len, "0x");
        if (!parse_u64(result_line, result_len, hex, &t->result)) {
            char s[64];
            shown(s, sizeof(s), result_line, result_len);
            snprintf(err, errlen, "line %u: result: '%s' is not a %s 64-bit number",
                     result_lineno, s, hex ? "hex" : "decimal");
            return -1;
        }
        t->has_result = true;
    }
    if (error_line) {
        while (error_len > 0 && isspace((unsigned char)error_line[error_len - 1]))
            error_len--;
        t->error = malloc(error_len + 1);
        if (!t->error) {
            snprintf(err, errlen, "%s", strerror(ENOMEM));
            return -1;
        }
        memcpy(t->error, error_line, error_len);
        t->error[error_len] = 0;
        t->has_error = true;
    }
    if (!t->has_raw && t->asm_empty) {
        t->skip = true;
        snprintf(t->skip_reason, sizeof(t->skip_reason), "no instructions");
        return 0;
    }
    return 0;
}
