/* vm/cbpf_text.c - classic BPF programs as text, in the forms the tools
 * that make them print: `tcpdump -ddd` (a count, then "code jt jf k" per
 * line, decimal), the same on one line with commas (bpf_asm, iptables -m
 * bpf --bytecode: "4,40 0 0 12,21 0 1 2048,6 0 0 65535,6 0 0 0") and
 * `tcpdump -dd` (C initialisers "{ 0x28, 0, 0, 0x0000000c },"). Numbers are
 * decimal or 0x hex. */
#include "vm/vm.h"
#include "vm/vm_internal.h"

#include <linux/filter.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct num {
    uint64_t v;
    uint32_t line;
};

/* Every number of the text, with its line; separators are whitespace,
 * commas and braces. */
static int tokens(const char *s, size_t len, struct num **out, size_t *n, char *err, size_t errlen)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    uint32_t line = 1;
    for (size_t i = 0; i < len;) {
        char ch = s[i];
        if (ch == '\n') {
            line++;
            i++;
            continue;
        }
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == ',' || ch == '{' || ch == '}') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && s[j] != '\n' && s[j] != ' ' && s[j] != '\t' && s[j] != '\r' &&
               s[j] != ',' && s[j] != '{' && s[j] != '}')
            j++;
        char word[32];
        size_t wl = j - i;
        bool hex = wl > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X');
        bool ok = wl > 0 && wl < sizeof word;
        for (size_t k = hex ? 2 : 0; ok && k < wl; k++) {
            char d = s[i + k];
            ok = (d >= '0' && d <= '9') ||
                 (hex && ((d >= 'a' && d <= 'f') || (d >= 'A' && d <= 'F')));
        }
        if (!ok) {
            free(*out);
            *out = NULL;
            return vm_fail(err, errlen, -EINVAL, "line %u: '%.*s' is not a number", line,
                        (int)(wl > 24 ? 24 : wl), s + i);
        }
        memcpy(word, s + i, wl);
        word[wl] = 0;
        uint64_t v = strtoull(word, NULL, hex ? 16 : 10);
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            struct num *g = realloc(*out, cap * sizeof(*g));
            if (!g) {
                free(*out);
                *out = NULL;
                return vm_fail(err, errlen, -ENOMEM, "out of memory");
            }
            *out = g;
        }
        (*out)[(*n)++] = (struct num){v, line};
        i = j;
    }
    return 0;
}

int vm_cbpf_parse(const char *text, size_t len, struct sock_filter **out, uint32_t *count,
                  char *err, size_t errlen)
{
    *out = NULL;
    *count = 0;
    struct num *t;
    size_t n;
    int rc = tokens(text, len, &t, &n, err, errlen);
    if (rc)
        return rc;
    /* -dd has braces and no count; the others start with the count */
    bool braces = memchr(text, '{', len) != NULL;
    size_t first = braces ? 0 : 1;
    if (n == 0) {
        free(t);
        return vm_fail(err, errlen, -EINVAL, "no instructions");
    }
    uint64_t insns = braces ? n / 4 : t[0].v;
    if (!braces && (insns == 0 || insns > BPF_MAXINSNS)) {
        rc = vm_fail(err, errlen, -EINVAL, "line %u: instruction count %llu (expected 1 to %u)",
                  t[0].line, (unsigned long long)insns, BPF_MAXINSNS);
        goto out;
    }
    if (n - first != insns * 4) {
        uint32_t line = t[n - 1].line;
        if (braces)
            rc = vm_fail(err, errlen, -EINVAL, "line %u: %zu numbers, not a whole number of "
                      "{code, jt, jf, k} instructions", line, n);
        else
            rc = vm_fail(err, errlen, -EINVAL, "line %u: the count says %llu instructions, the "
                      "text has %zu numbers after it (%llu expected)", line,
                      (unsigned long long)insns, n - 1, (unsigned long long)insns * 4);
        goto out;
    }
    if (insns > BPF_MAXINSNS) {
        rc = vm_fail(err, errlen, -EINVAL, "%llu instructions, more than the kernel's %u",
                  (unsigned long long)insns, BPF_MAXINSNS);
        goto out;
    }
    struct sock_filter *f = calloc(insns, sizeof(*f));
    if (!f) {
        rc = vm_fail(err, errlen, -ENOMEM, "out of memory");
        goto out;
    }
    static const uint64_t max[4] = {0xffff, 0xff, 0xff, 0xffffffff};
    static const char *const field[4] = {"code", "jt", "jf", "k"};
    for (size_t i = 0; i < insns * 4; i++) {
        const struct num *x = &t[first + i];
        if (x->v > max[i % 4]) {
            free(f);
            rc = vm_fail(err, errlen, -EINVAL, "line %u: insn %zu: %s %llu is out of range (at most "
                      "%llu)", x->line, i / 4, field[i % 4], (unsigned long long)x->v,
                      (unsigned long long)max[i % 4]);
            goto out;
        }
    }
    for (size_t i = 0; i < insns; i++) {
        const struct num *x = &t[first + i * 4];
        f[i] = (struct sock_filter){.code = (uint16_t)x[0].v, .jt = (uint8_t)x[1].v,
                                    .jf = (uint8_t)x[2].v, .k = (uint32_t)x[3].v};
    }
    *out = f;
    *count = (uint32_t)insns;
out:
    free(t);
    return rc;
}
