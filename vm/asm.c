/* vm/asm.c - the assembler's driver: lines, prefixes, comments, labels.
 *
 * Pass 1 walks the lines. Each line loses its listing prefix (bpftool's
 * "N: (xx)", llvm-objdump's "N: <hex bytes>") and its comment, may define a
 * label, and is then parsed by the syntax it is written in: the
 * bpf_conformance syntax (asm_conformance.c) when its first word is one of
 * that syntax's mnemonics, else the kernel/LLVM syntax (asm_kernel.c).
 * Pass 2 resolves label references, which may point forwards.
 */
#include "vm/asm_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct asm_label {
    const char *name; /* into the text copy, not NUL-terminated */
    size_t len;
    uint32_t slot;
    unsigned line;
};

struct asm_fixup {
    uint32_t slot;
    enum vm_asm_ref kind;
    const char *name;
    size_t len;
    unsigned line;
};

struct asm_state {
    struct bpf_insn *insns;
    uint32_t n, cap;
    struct asm_label *labels;
    size_t nlabels, lcap;
    struct asm_fixup *fixups;
    size_t nfix, fcap;
    bool have_exit;       /* for the implicit label `exit` */
    uint32_t exit_slot;
    char *err;
    size_t errlen;
};

/* Grow *arr (of elem-sized items, *cap of them) to hold `need`. */
static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    void *p = realloc(*arr, ncap * elem);
    if (!p)
        return -ENOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}

static int oom(const struct vm_asm_line *ln)
{
    vm_asm_err(ln, "out of memory");
    return -ENOMEM;
}

/* ----------------------------------------------------------- prefixes ---- */

static bool is_hex2(const char *p)
{
    return ((p[0] >= '0' && p[0] <= '9') || (p[0] >= 'a' && p[0] <= 'f') ||
            (p[0] >= 'A' && p[0] <= 'F')) &&
           ((p[1] >= '0' && p[1] <= '9') || (p[1] >= 'a' && p[1] <= 'f') ||
            (p[1] >= 'A' && p[1] <= 'F'));
}

static int hex2(const char *p)
{
    int v = 0;
    for (int i = 0; i < 2; i++) {
        char c = p[i];
        v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

/* Count the whitespace-separated two-hex-digit tokens at p ("b7 00 00 ..."),
 * llvm-objdump's and bpftool's byte dumps. *end is set past the last one. */
static unsigned hex_bytes(const char *p, const char **end)
{
    unsigned k = 0;
    *end = p;
    while (is_hex2(p) && (p[2] == '\0' || vm_asm_is_space(p[2]))) {
        k++;
        p = vm_asm_skip_ws(p + 2);
        *end = p;
    }
    return k;
}

/* Strip "N:" then "(xx)" or 8/16 hex bytes. Sets ln->opcode_hint from the
 * opcode they show, which tells `r1 = 5` (mov) from lddw when no `ll` says. */
static char *strip_prefix(char *p, struct vm_asm_line *ln)
{
    char *q = p;
    if (vm_asm_is_digit(*q)) {
        while (vm_asm_is_digit(*q))
            q++;
        if (*q != ':')
            return p;
        p = (char *)vm_asm_skip_ws(q + 1);
        const char *end;
        unsigned k = hex_bytes(p, &end);
        if (k == 8 || k == 16) {
            ln->opcode_hint = hex2(p);
            ln->src_hint = hex2(vm_asm_skip_ws(p + 2)) >> 4;
            return (char *)end;
        }
    }
    if (p[0] == '(' && is_hex2(p + 1) && p[3] == ')') {
        ln->opcode_hint = hex2(p + 1);
        p = (char *)vm_asm_skip_ws(p + 4);
    }
    return p;
}

/* Lines of a listing that carry no instruction: llvm-objdump's headers and
 * bpftool's `opcodes` byte lines. */
static bool is_listing_noise(const char *p)
{
    const char *end;
    unsigned k = hex_bytes(p, &end);
    if ((k == 8 || k == 16) && *end == '\0')
        return true;
    if (strncmp(p, "Disassembly of section ", 23) == 0)
        return true;
    /* "prog.o:\tfile format elf64-bpf" */
    size_t n = strcspn(p, " \t");
    return n > 1 && p[n - 1] == ':' && strncmp(vm_asm_skip_ws(p + n), "file format ", 12) == 0;
}

/* llvm-objdump's symbol line "0000000000000000 <name>:" defines label name. */
static bool objdump_symbol(const char *p, const char **name, size_t *len)
{
    const char *q = p;
    while ((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f'))
        q++;
    if (q == p || !vm_asm_is_space(*q))
        return false;
    q = vm_asm_skip_ws(q);
    if (*q != '<')
        return false;
    size_t n = vm_asm_ident_len(q + 1);
    if (n == 0 || strcmp(q + 1 + n, ">:") != 0)
        return false;
    *name = q + 1;
    *len = n;
    return true;
}

/* Is there a word "call" in [p, end)? */
static bool has_call_word(const char *p, const char *end)
{
    for (const char *q = p; q + 4 < end; q++)
        if ((q == p || vm_asm_is_space(q[-1])) && strncmp(q, "call", 4) == 0 &&
            vm_asm_is_space(q[4]))
            return true;
    return false;
}

/* Cut the comment: ';' (bpftool's source lines, the verifier's state) and
 * '#' anywhere, except the '#' of the kernel's `call name#id`: one glued to
 * a word and followed by a number, after the word "call". */
static void strip_comment(char *p)
{
    for (char *q = p; *q; q++) {
        if (*q == ';') {
            *q = '\0';
            return;
        }
        if (*q == '#') {
            bool call_id = q > p && !vm_asm_is_space(q[-1]) &&
                           (vm_asm_is_digit(q[1]) || q[1] == '-') && has_call_word(p, q);
            if (!call_id) {
                *q = '\0';
                return;
            }
        }
    }
}

static void trim_end(char *p)
{
    size_t n = strlen(p);
    while (n > 0 && vm_asm_is_space(p[n - 1]))
        p[--n] = '\0';
}

/* ------------------------------------------------------------- labels ---- */

static int add_label(struct asm_state *st, const struct vm_asm_line *ln, const char *name,
                     size_t len)
{
    if (grow((void **)&st->labels, &st->lcap, st->nlabels + 1, sizeof(*st->labels)))
        return oom(ln);
    st->labels[st->nlabels++] = (struct asm_label){name, len, st->n, ln->lineno};
    return 0;
}

static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c)
        return c;
    return alen < blen ? -1 : alen > blen;
}

static int label_cmp(const void *va, const void *vb)
{
    const struct asm_label *a = va, *b = vb;
    int c = name_cmp(a->name, a->len, b->name, b->len);
    if (c)
        return c;
    return a->line < b->line ? -1 : a->line > b->line;
}

static const struct asm_label *find_label(const struct asm_state *st, const char *name,
                                          size_t len)
{
    size_t lo = 0, hi = st->nlabels;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = name_cmp(st->labels[mid].name, st->labels[mid].len, name, len);
        if (c == 0)
            return &st->labels[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Sort the labels for lookup; report the earliest-lined redefinition. */
static int check_labels(struct asm_state *st)
{
    if (st->nlabels > 1)
        qsort(st->labels, st->nlabels, sizeof(*st->labels), label_cmp);
    const struct asm_label *dup = NULL, *first = NULL;
    for (size_t i = 1; i < st->nlabels; i++) {
        const struct asm_label *a = &st->labels[i - 1], *b = &st->labels[i];
        if (name_cmp(a->name, a->len, b->name, b->len) == 0 && (!dup || b->line < dup->line)) {
            dup = b;
            first = a;
            while (first > st->labels && name_cmp(first[-1].name, first[-1].len, a->name,
                                                  a->len) == 0)
                first--;
        }
    }
    if (!dup)
        return 0;
    struct vm_asm_line ln = {dup->line, -1, -1, st->err, st->errlen};
    vm_asm_err(&ln, "duplicate label '%.*s' (first defined on line %u)", (int)dup->len,
               dup->name, first->line);
    return -EINVAL;
}

static int resolve(struct asm_state *st, const struct asm_fixup *f)
{
    struct vm_asm_line ln = {f->line, -1, -1, st->err, st->errlen};
    const struct asm_label *l = find_label(st, f->name, f->len);
    int64_t target;
    if (l) {
        target = l->slot;
    } else if (f->len == 4 && memcmp(f->name, "exit", 4) == 0 && st->have_exit) {
        target = st->exit_slot; /* the conformance syntax's implicit label */
    } else {
        vm_asm_err(&ln, "%s '%.*s'",
                   f->kind == VM_ASM_REF_CALL_NAME ? "unknown helper or label" : "undefined label",
                   (int)f->len, f->name);
        return -EINVAL;
    }
    int64_t delta = target - ((int64_t)f->slot + 1);
    struct bpf_insn *in = &st->insns[f->slot];
    if (f->kind == VM_ASM_REF_OFF) {
        if (delta < INT16_MIN || delta > INT16_MAX) {
            vm_asm_err(&ln, "jump to '%.*s' is out of range (%lld slots)", (int)f->len, f->name,
                       (long long)delta);
            return -EINVAL;
        }
        in->off = (int16_t)delta;
    } else {
        in->imm = (int32_t)delta; /* programs have < 2^20 slots */
    }
    return 0;
}

/* -------------------------------------------------------------- lines ---- */

static int emit(struct asm_state *st, const struct vm_asm_line *ln, const struct vm_asm_out *o)
{
    if (o->n == 0)
        return 0;
    if ((uint64_t)st->n + o->n > VM_MAX_INSNS) {
        vm_asm_err(ln, "program too large (more than %u slots)", VM_MAX_INSNS);
        return -E2BIG;
    }
    size_t cap = st->cap;
    if (grow((void **)&st->insns, &cap, (size_t)st->n + o->n, sizeof(*st->insns)))
        return oom(ln);
    st->cap = (uint32_t)cap;
    if (o->ref != VM_ASM_REF_NONE) {
        if (grow((void **)&st->fixups, &st->fcap, st->nfix + 1, sizeof(*st->fixups)))
            return oom(ln);
        st->fixups[st->nfix++] =
            (struct asm_fixup){st->n, o->ref, o->ref_name, o->ref_len, ln->lineno};
    }
    if (!st->have_exit && o->insn[0].code == (BPF_JMP | BPF_EXIT)) {
        st->have_exit = true;
        st->exit_slot = st->n;
    }
    for (unsigned i = 0; i < o->n; i++)
        st->insns[st->n++] = o->insn[i];
    return 0;
}

/* `.insn VALUE`: one raw slot, as the disassembler prints what it cannot
 * name. The value is the slot read as a little-endian u64. */
static int parse_insn_directive(const struct vm_asm_line *ln, const char *p,
                                struct vm_asm_out *o)
{
    uint64_t v;
    if (vm_asm_parse_num(ln, &p, 'q', &v))
        return -1;
    p = vm_asm_skip_ws(p);
    if (*p)
        return vm_asm_err_at(ln, "unexpected", p);
    o->insn[0] = vm_asm_insn((uint8_t)v, (unsigned)(v >> 8) & 0xf, (unsigned)(v >> 12) & 0xf,
                             0, 0);
    /* Copy the bit patterns of off and imm without signed conversions. */
    uint16_t off = (uint16_t)(v >> 16);
    uint32_t imm = (uint32_t)(v >> 32);
    memcpy(&o->insn[0].off, &off, sizeof(off));
    memcpy(&o->insn[0].imm, &imm, sizeof(imm));
    o->n = 1;
    return 0;
}

static bool word_is(const char *p, size_t n, const char *w)
{
    return strlen(w) == n && memcmp(p, w, n) == 0;
}

/* Pick the syntax from the first word and parse the instruction. */
static int parse_insn(const struct vm_asm_line *ln, char *p, struct vm_asm_out *o)
{
    size_t n = strcspn(p, " \t\r\v\f");
    if (word_is(p, n, ".insn"))
        return parse_insn_directive(ln, p + n, o);
    if (!vm_asm_conf_is_mnemonic(p, n))
        return vm_asm_kern_line(ln, p, o);
    const char *rest = vm_asm_skip_ws(p + n);
    /* `lock` and `call` exist in both syntaxes; the operand tells which. */
    if (word_is(p, n, "lock") && *rest == '*')
        return vm_asm_kern_line(ln, p, o);
    if (word_is(p, n, "call")) {
        size_t m = vm_asm_ident_len(rest);
        bool conf = rest[0] == '%' || word_is(rest, m, "local") || word_is(rest, m, "helper");
        if (!conf)
            return vm_asm_kern_line(ln, p, o);
    }
    return vm_asm_conf_line(ln, p, o);
}

static int do_line(struct asm_state *st, char *line, unsigned lineno)
{
    struct vm_asm_line ln = {lineno, -1, -1, st->err, st->errlen};
    struct vm_asm_out o;
    memset(&o, 0, sizeof(o));
    char *p = (char *)vm_asm_skip_ws(line);
    trim_end(p);
    if (is_listing_noise(p))
        return 0;
    const char *sym;
    size_t symlen;
    if (objdump_symbol(p, &sym, &symlen))
        return add_label(st, &ln, sym, symlen);
    p = strip_prefix(p, &ln);
    strip_comment(p);
    trim_end(p);
    size_t id = vm_asm_ident_len(p);
    if (id > 0 && p[id] == ':') {
        if (add_label(st, &ln, p, id))
            return -ENOMEM;
        p = (char *)vm_asm_skip_ws(p + id + 1);
    }
    if (*p == '\0')
        return 0;
    if (parse_insn(&ln, p, &o))
        return -EINVAL;
    return emit(st, &ln, &o);
}

static void state_free(struct asm_state *st)
{
    free(st->insns);
    free(st->labels);
    free(st->fixups);
}

int vm_asm_slots(const char *text, size_t textlen, struct bpf_insn **insns, uint32_t *n,
                 char *err, size_t errlen)
{
    struct asm_state st;
    memset(&st, 0, sizeof(st));
    st.err = err;
    st.errlen = errlen;
    *insns = NULL;
    *n = 0;
    if (err && errlen)
        err[0] = '\0';
    if (!text)
        textlen = 0;
    /* A caller may count a C string's terminator: ignore trailing NULs. */
    while (textlen > 0 && text[textlen - 1] == '\0')
        textlen--;
    /* Work on a copy: lines are cut in place and labels point into it. */
    char *buf = malloc(textlen + 1);
    if (!buf) {
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    if (textlen)
        memcpy(buf, text, textlen);
    buf[textlen] = '\0';

    int rc = 0;
    unsigned lineno = 0;
    for (char *line = buf; rc == 0 && line <= buf + textlen;) {
        char *nl = memchr(line, '\n', (size_t)(buf + textlen - line));
        char *end = nl ? nl : buf + textlen;
        *end = '\0';
        lineno++;
        if (memchr(line, '\0', (size_t)(end - line))) {
            struct vm_asm_line ln = {lineno, -1, -1, err, errlen};
            vm_asm_err(&ln, "NUL byte in line");
            rc = -EINVAL;
            break;
        }
        rc = do_line(&st, line, lineno);
        if (!nl)
            break;
        line = nl + 1;
    }
    if (rc == 0)
        rc = check_labels(&st);
    for (size_t i = 0; rc == 0 && i < st.nfix; i++)
        rc = resolve(&st, &st.fixups[i]);
    if (rc == 0) {
        *insns = st.insns;
        *n = st.n;
        st.insns = NULL;
    }
    state_free(&st);
    free(buf);
    return rc;
}

int vm_asm(const char *text, size_t textlen, const char *name, struct vm_prog **out, char *err,
           size_t errlen)
{
    struct bpf_insn *insns;
    uint32_t n;
    if (!out)
        return -EINVAL;
    *out = NULL;
    int rc = vm_asm_slots(text, textlen, &insns, &n, err, errlen);
    if (rc)
        return rc;
    if (n == 0) {
        free(insns);
        if (err && errlen)
            snprintf(err, errlen, "no instructions");
        return -EINVAL;
    }
    rc = vm_prog_from_bytes(insns, (size_t)n * sizeof(*insns), name, out, err, errlen);
    free(insns);
    return rc;
}
