/* tests/unit/test_disasm.c - vm_disasm_insn / vm_disasm_prog: exact kernel
 * strings, and disasm | asm round trips over every form of the ISA and over
 * invalid and random slots. */
#include <criterion/criterion.h>

#include "vm/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct bpf_insn mk(uint8_t code, unsigned dst, unsigned src, int16_t off, int32_t imm)
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

/* A growable instruction list. */
struct list {
    struct bpf_insn *v;
    uint32_t n, cap;
};

static void push(struct list *l, struct bpf_insn in)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = realloc(l->v, l->cap * sizeof(*l->v));
        cr_assert_not_null(l->v);
    }
    l->v[l->n++] = in;
}

static void push_lddw(struct list *l, unsigned dst, unsigned src, int32_t lo, int32_t hi)
{
    push(l, mk(BPF_LD | BPF_IMM | BPF_DW, dst, src, 0, lo));
    push(l, mk(0, 0, 0, 0, hi));
}

/* bytes -> vm_disasm_prog -> vm_asm -> the same bytes. */
static void roundtrip(const struct bpf_insn *insns, uint32_t n, const char *what)
{
    struct vm_prog *p = NULL, *q = NULL;
    char err[VM_ERR_LEN] = "";
    cr_assert_eq(vm_prog_from_bytes(insns, (size_t)n * 8, what, &p, err, sizeof(err)), 0, "%s",
                 err);
    char *text = vm_disasm_prog(p);
    cr_assert_not_null(text);
    int rc = vm_asm(text, strlen(text), what, &q, err, sizeof(err));
    if (rc != 0) {
        /* Show the offending line. */
        unsigned line = 0;
        sscanf(err, "line %u", &line);
        const char *s = text;
        for (unsigned i = 1; i < line && strchr(s, '\n'); i++)
            s = strchr(s, '\n') + 1;
        cr_assert_fail("%s: %s\n  %.*s", what, err, (int)strcspn(s, "\n"), s);
    }
    cr_assert_eq(q->len, n, "%s: %u slots back, %u expected", what, q->len, n);
    for (uint32_t i = 0; i < n; i++) {
        if (memcmp(&q->insns[i], &insns[i], 8) != 0) {
            char line[128];
            vm_disasm_insn(insns, n, i, line, sizeof(line));
            cr_assert_fail("%s: slot %u differs after the round trip: '%s'", what, i, line);
        }
    }
    free(text);
    vm_prog_free(p);
    vm_prog_free(q);
}

static const int32_t imms[] = {0, 1, -1, 5, INT32_MIN, INT32_MAX, 0x12345678, -4096};
static const int16_t offs[] = {0, 4, -2, -1, 0x7fff, INT16_MIN, 1};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static void gen_alu(struct list *l)
{
    static const uint8_t ops[] = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR,  BPF_AND,
                                  BPF_LSH, BPF_RSH, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH};
    static const uint8_t classes[] = {BPF_ALU, BPF_ALU64};
    unsigned k = 0;
    for (size_t c = 0; c < N(classes); c++) {
        for (size_t o = 0; o < N(ops); o++) {
            for (size_t i = 0; i < N(imms); i++, k++)
                push(l, mk(classes[c] | ops[o] | BPF_K, k % 11, 0, 0, imms[i]));
            for (unsigned r = 0; r <= 10; r++, k++)
                push(l, mk(classes[c] | ops[o] | BPF_X, r, (r * 3 + k) % 11, 0, 0));
        }
        /* signed div/mod: off 1 */
        for (size_t i = 0; i < N(imms); i++) {
            push(l, mk(classes[c] | BPF_DIV | BPF_K, i % 11, 0, 1, imms[i]));
            push(l, mk(classes[c] | BPF_MOD | BPF_K, (i + 5) % 11, 0, 1, imms[i]));
        }
        for (unsigned r = 0; r <= 10; r++) {
            push(l, mk(classes[c] | BPF_DIV | BPF_X, r, 10 - r, 1, 0));
            push(l, mk(classes[c] | BPF_MOD | BPF_X, 10 - r, r, 1, 0));
            push(l, mk(classes[c] | BPF_NEG, r, 0, 0, 0));
        }
    }
    /* movsx */
    for (unsigned r = 0; r <= 10; r++) {
        push(l, mk(BPF_ALU64 | BPF_MOV | BPF_X, r, (r + 1) % 11, 8, 0));
        push(l, mk(BPF_ALU64 | BPF_MOV | BPF_X, r, (r + 2) % 11, 16, 0));
        push(l, mk(BPF_ALU64 | BPF_MOV | BPF_X, r, (r + 3) % 11, 32, 0));
        push(l, mk(BPF_ALU | BPF_MOV | BPF_X, r, (r + 4) % 11, 8, 0));
        push(l, mk(BPF_ALU | BPF_MOV | BPF_X, r, (r + 5) % 11, 16, 0));
    }
    /* byte swaps */
    for (int w = 16; w <= 64; w *= 2) {
        push(l, mk(BPF_ALU | BPF_END | BPF_TO_LE, w % 11, 0, 0, w));
        push(l, mk(BPF_ALU | BPF_END | BPF_TO_BE, w % 7, 0, 0, w));
        push(l, mk(BPF_ALU64 | BPF_END, w % 5, 0, 0, w));
    }
}

static void gen_mem(struct list *l)
{
    static const uint8_t sizes[] = {BPF_B, BPF_H, BPF_W, BPF_DW};
    unsigned k = 0;
    for (size_t s = 0; s < N(sizes); s++) {
        for (size_t o = 0; o < N(offs); o++, k++) {
            push(l, mk(BPF_LDX | BPF_MEM | sizes[s], k % 11, (k + 4) % 11, offs[o], 0));
            if (sizes[s] != BPF_DW)
                push(l, mk(BPF_LDX | BPF_MEMSX | sizes[s], (k + 1) % 11, k % 11, offs[o], 0));
            push(l, mk(BPF_ST | BPF_MEM | sizes[s], (k + 2) % 11, 0, offs[o], imms[k % N(imms)]));
            push(l, mk(BPF_STX | BPF_MEM | sizes[s], (k + 3) % 11, (k + 7) % 11, offs[o], 0));
        }
    }
    /* atomics: 32/64, each op with and without fetch, xchg, cmpxchg */
    static const int32_t aops[] = {BPF_ADD, BPF_OR,  BPF_AND,  BPF_XOR, BPF_ADD | BPF_FETCH,
                                   BPF_OR | BPF_FETCH, BPF_AND | BPF_FETCH,
                                   BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG};
    for (int sz = 0; sz < 2; sz++) {
        uint8_t size = sz ? BPF_DW : BPF_W;
        for (size_t a = 0; a < N(aops); a++, k++)
            push(l, mk(BPF_STX | BPF_ATOMIC | size, k % 11, (k + 5) % 11, offs[k % N(offs)],
                       aops[a]));
    }
    /* legacy packet loads */
    for (size_t s = 0; s < 3; s++) {
        for (size_t i = 0; i < 4; i++) {
            push(l, mk(BPF_LD | BPF_ABS | sizes[s], 0, 0, 0, imms[i]));
            push(l, mk(BPF_LD | BPF_IND | sizes[s], 0, (unsigned)(i * 3) % 11, 0, imms[i + 2]));
        }
    }
}

static void gen_lddw(struct list *l)
{
    push_lddw(l, 0, 0, 0, 0);
    push_lddw(l, 1, 0, 0x55667788, 0x11223344);
    push_lddw(l, 2, 0, -1, -1);
    push_lddw(l, 3, 0, INT32_MIN, 0);
    push_lddw(l, 4, 0, 0, INT32_MIN);
    push_lddw(l, 10, 0, 5, 0);
    push_lddw(l, 1, BPF_PSEUDO_MAP_FD, 3, 0);
    push_lddw(l, 2, BPF_PSEUDO_MAP_FD, -1, 0);
    push_lddw(l, 1, BPF_PSEUDO_MAP_VALUE, 3, 16);
    push_lddw(l, 9, BPF_PSEUDO_MAP_VALUE, 0, -1);
    push_lddw(l, 1, BPF_PSEUDO_BTF_ID, 1234, 0);
    push_lddw(l, 1, BPF_PSEUDO_BTF_ID, 1234, 7);
    push_lddw(l, 6, BPF_PSEUDO_FUNC, 5, 0);
    push_lddw(l, 6, BPF_PSEUDO_FUNC, -9, 0);
    push_lddw(l, 1, BPF_PSEUDO_MAP_IDX, 0, 0);
    push_lddw(l, 1, BPF_PSEUDO_MAP_IDX, 4, 0);
    push_lddw(l, 7, BPF_PSEUDO_MAP_IDX_VALUE, 2, 8);
}

static void gen_jmp(struct list *l)
{
    static const uint8_t conds[] = {BPF_JEQ, BPF_JGT,  BPF_JGE,  BPF_JSET, BPF_JNE, BPF_JSGT,
                                    BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE};
    static const int16_t joffs[] = {-3, 3, 0, 0x7fff, INT16_MIN, -1};
    unsigned k = 0;
    for (int c32 = 0; c32 < 2; c32++) {
        uint8_t cls = c32 ? BPF_JMP32 : BPF_JMP;
        for (size_t c = 0; c < N(conds); c++) {
            for (size_t o = 0; o < N(joffs); o++, k++) {
                push(l, mk(cls | conds[c] | BPF_K, k % 11, 0, joffs[o], imms[k % N(imms)]));
                push(l, mk(cls | conds[c] | BPF_X, k % 11, (k + 3) % 11, joffs[o], 0));
            }
        }
    }
    for (size_t o = 0; o < N(joffs); o++)
        push(l, mk(BPF_JMP | BPF_JA, 0, 0, joffs[o], 0));
    for (size_t i = 0; i < N(imms); i++)
        push(l, mk(BPF_JMP32 | BPF_JA, 0, 0, 0, imms[i]));
    static const int32_t helpers[] = {0, 1, 5, 12, 211, 9999, -1};
    for (size_t i = 0; i < N(helpers); i++)
        push(l, mk(BPF_JMP | BPF_CALL, 0, 0, 0, helpers[i]));
    for (size_t i = 0; i < N(imms); i++) {
        push(l, mk(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, imms[i]));
        push(l, mk(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, imms[i]));
    }
    push(l, mk(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 3, 70000));
    push(l, mk(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, -1, 1));
    for (unsigned r = 0; r <= 10; r++)
        push(l, mk(BPF_JMP | BPF_CALL | BPF_X, r, 0, 0, 0));
    push(l, mk(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
}

Test(disasm, roundtrip_every_form)
{
    struct list l = {0};
    gen_alu(&l);
    gen_mem(&l);
    gen_lddw(&l);
    gen_jmp(&l);
    cr_log_info("round trip of %u slots", l.n);
    roundtrip(l.v, l.n, "every form");
    /* And none of them may have fallen back to .insn. */
    for (uint32_t i = 0; i < l.n;) {
        char text[128];
        unsigned s = vm_disasm_insn(l.v, l.n, i, text, sizeof(text));
        cr_assert(strncmp(text, ".insn", 5) != 0, "slot %u (%02x) printed as %s", i, l.v[i].code,
                  text);
        i += s;
    }
    free(l.v);
}

/* Slots that are not instructions as encoded. */
static const struct bpf_insn invalid[] = {
    {0xff, 0, 0, 0, 0},
    {0x00, 1, 2, 3, 4},                                   /* lone second half */
    {BPF_ALU64 | BPF_ADD | BPF_K, 1, 2, 0, 5},            /* K with a src */
    {BPF_ALU64 | BPF_ADD | BPF_X, 1, 2, 0, 5},            /* X with an imm */
    {BPF_ALU64 | BPF_ADD | BPF_X, 1, 2, 7, 0},            /* off set */
    {BPF_ALU64 | BPF_MOV | BPF_K, 11, 0, 0, 5},           /* r11 */
    {BPF_ALU64 | BPF_MOV | BPF_X, 1, 15, 0, 0},           /* r15 */
    {BPF_ALU | BPF_MOV | BPF_X, 1, 2, 32, 0},             /* movsx32 to w */
    {BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, -1, 0},           /* percpu mov */
    {BPF_ALU64 | BPF_DIV | BPF_X, 1, 2, 2, 0},            /* div off 2 */
    {BPF_ALU64 | BPF_NEG | BPF_X, 1, 0, 0, 0},            /* neg X */
    {BPF_ALU64 | BPF_NEG, 1, 0, 0, 1},                    /* neg with imm */
    {BPF_ALU64 | 0xe0, 1, 0, 0, 0},                       /* unknown alu op */
    {BPF_ALU64 | BPF_END | BPF_X, 1, 0, 0, 16},           /* 0xdf */
    {BPF_ALU | BPF_END | BPF_TO_LE, 1, 0, 0, 48},         /* width 48 */
    {BPF_ALU | BPF_END | BPF_TO_BE, 1, 2, 0, 16},         /* src set */
    {BPF_LDX | BPF_MEMSX | BPF_DW, 1, 2, 0, 0},           /* ldsx u64 */
    {BPF_LDX | BPF_MEM | BPF_W, 1, 2, 0, 9},              /* ldx imm */
    {BPF_LDX | BPF_IMM | BPF_W, 1, 2, 0, 0},
    {BPF_ST | BPF_MEM | BPF_W, 1, 2, 0, 9},               /* st src */
    {BPF_STX | BPF_MEM | BPF_W, 1, 2, 0, 9},              /* stx imm */
    {BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 0, 0x02},        /* bad atomic op */
    {BPF_STX | BPF_ATOMIC | BPF_B, 1, 2, 0, BPF_ADD},     /* atomic u8 */
    {BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_SUB},
    {BPF_LD | BPF_ABS | BPF_DW, 0, 0, 0, 1},
    {BPF_LD | BPF_ABS | BPF_W, 1, 0, 0, 1},               /* dst set */
    {BPF_LD | BPF_IND | BPF_W, 0, 1, 3, 1},               /* off set */
    {BPF_LD | BPF_IMM | BPF_W, 0, 0, 0, 1},
    {BPF_JMP | BPF_JA, 1, 0, 3, 0},                       /* dst set */
    {BPF_JMP | BPF_JA, 0, 0, 3, 4},                       /* imm set */
    {BPF_JMP | BPF_JA | BPF_X, 1, 0, 0, 0},               /* gotox */
    {BPF_JMP32 | BPF_JA, 0, 0, 1, 4},                     /* gotol with off */
    {BPF_JMP | BPF_EXIT, 0, 0, 0, 1},
    {BPF_JMP32 | BPF_EXIT, 0, 0, 0, 0},
    {BPF_JMP32 | BPF_CALL, 0, 0, 0, 1},
    {BPF_JMP | BPF_CALL, 0, 3, 0, 1},                     /* call src 3 */
    {BPF_JMP | BPF_CALL, 1, 0, 0, 1},                     /* call dst set */
    {BPF_JMP | BPF_CALL, 0, 0, 2, 1},                     /* helper call off */
    {BPF_JMP | BPF_CALL | BPF_X, 1, 2, 0, 0},             /* callx src set */
    {BPF_JMP | BPF_CALL | BPF_X, 1, 0, 0, 2},             /* callx imm set */
    {BPF_JMP | BPF_JEQ | BPF_K, 1, 2, 0, 0},              /* jeq K with src */
    {BPF_JMP | BPF_JEQ | BPF_X, 1, 2, 0, 5},              /* jeq X with imm */
    {BPF_JMP | 0xe0, 1, 0, 0, 0},                         /* may_goto / unknown */
    {BPF_JMP32 | 0xf0 | BPF_X, 1, 2, 0, 0},
};

Test(disasm, invalid_slots_print_as_insn)
{
    for (size_t i = 0; i < N(invalid); i++) {
        char text[128];
        unsigned s = vm_disasm_insn(invalid, N(invalid), (uint32_t)i, text, sizeof(text));
        cr_assert_eq(s, 1);
        cr_assert(strncmp(text, ".insn 0x", 8) == 0, "invalid[%zu] (%02x) printed as '%s'", i,
                  invalid[i].code, text);
    }
    roundtrip(invalid, N(invalid), "invalid slots");
}

Test(disasm, invalid_lddw)
{
    struct bpf_insn p[2];
    char text[128];
    /* missing second half */
    p[0] = mk(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 5);
    cr_assert_eq(vm_disasm_insn(p, 1, 0, text, sizeof(text)), 1);
    cr_assert_str_eq(text, ".insn 0x0000000500000118");
    roundtrip(p, 1, "lddw alone");
    /* second half with a code, regs or off */
    static const struct bpf_insn seconds[] = {
        {0x18, 0, 0, 0, 0}, {0, 1, 0, 0, 0}, {0, 0, 1, 0, 0}, {0, 0, 0, 1, 0}};
    for (size_t i = 0; i < N(seconds); i++) {
        p[1] = seconds[i];
        cr_assert_eq(vm_disasm_insn(p, 2, 0, text, sizeof(text)), 1, "second %zu", i);
        cr_assert(strncmp(text, ".insn", 5) == 0);
        roundtrip(p, 2, "bad lddw second half");
    }
    /* pseudo forms that cannot carry a second imm, bad src */
    static const unsigned srcs[] = {BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_IDX, BPF_PSEUDO_FUNC, 7, 15};
    for (size_t i = 0; i < N(srcs); i++) {
        p[0] = mk(BPF_LD | BPF_IMM | BPF_DW, 1, srcs[i], 0, 3);
        p[1] = mk(0, 0, 0, 0, srcs[i] >= 7 ? 0 : 9);
        cr_assert_eq(vm_disasm_insn(p, 2, 0, text, sizeof(text)), 1, "src %u", srcs[i]);
        roundtrip(p, 2, "bad pseudo lddw");
    }
    /* off set in the first slot */
    p[0] = mk(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 1, 3);
    p[1] = mk(0, 0, 0, 0, 0);
    cr_assert_eq(vm_disasm_insn(p, 2, 0, text, sizeof(text)), 1);
    roundtrip(p, 2, "lddw off");
}

/* A deterministic generator: xorshift64. */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

Test(disasm, roundtrip_random_slots)
{
    enum { SLOTS = 20000 };
    struct bpf_insn *v = malloc(SLOTS * sizeof(*v));
    cr_assert_not_null(v);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < SLOTS; i++) {
        uint64_t r = rnd(&seed);
        /* Half the slots keep only valid-looking fields so that real
         * instructions are common; the rest are raw noise. */
        if (i % 2) {
            r &= 0xffffffff00aa0000ull | 0xffull | ((rnd(&seed) % 11) << 8) |
                 ((rnd(&seed) % 11) << 12);
        }
        memcpy(&v[i], &r, 8);
    }
    roundtrip(v, SLOTS, "random slots");
    free(v);
}

/* ------------------------------------------------------- exact strings ---- */

struct expect {
    struct bpf_insn in[2];
    const char *text;
};

static const struct expect texts[] = {
    {{{BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 0, 0}}, "r0 = r1"},
    {{{BPF_ALU | BPF_MOV | BPF_X, 0, 1, 0, 0}}, "w0 = w1"},
    {{{BPF_ALU64 | BPF_ADD | BPF_K, 0, 0, 0, 5}}, "r0 += 5"},
    {{{BPF_ALU64 | BPF_ADD | BPF_K, 0, 0, 0, -5}}, "r0 += -5"},
    {{{BPF_ALU | BPF_SUB | BPF_K, 3, 0, 0, INT32_MIN}}, "w3 -= -2147483648"},
    {{{BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0}}, "r0 = 0"},
    {{{BPF_ALU | BPF_MOV | BPF_K, 9, 0, 0, -1}}, "w9 = -1"},
    {{{BPF_ALU64 | BPF_NEG, 0, 0, 0, 0}}, "r0 = -r0"},
    {{{BPF_ALU | BPF_NEG, 4, 0, 0, 0}}, "w4 = -w4"},
    {{{BPF_ALU64 | BPF_DIV | BPF_X, 0, 1, 1, 0}}, "r0 s/= r1"},
    {{{BPF_ALU64 | BPF_MOD | BPF_X, 0, 1, 1, 0}}, "r0 s%= r1"},
    {{{BPF_ALU | BPF_DIV | BPF_K, 0, 0, 1, 7}}, "w0 s/= 7"},
    {{{BPF_ALU64 | BPF_ARSH | BPF_X, 0, 1, 0, 0}}, "r0 s>>= r1"},
    {{{BPF_ALU64 | BPF_LSH | BPF_K, 0, 0, 0, 3}}, "r0 <<= 3"},
    {{{BPF_ALU | BPF_RSH | BPF_X, 2, 10, 0, 0}}, "w2 >>= w10"},
    {{{BPF_ALU64 | BPF_XOR | BPF_X, 1, 2, 0, 0}}, "r1 ^= r2"},
    {{{BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 8, 0}}, "r0 = (s8)r1"},
    {{{BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 32, 0}}, "r0 = (s32)r1"},
    {{{BPF_ALU | BPF_MOV | BPF_X, 0, 1, 16, 0}}, "w0 = (s16)w1"},
    {{{BPF_ALU | BPF_END | BPF_TO_BE, 0, 0, 0, 16}}, "r0 = be16 r0"},
    {{{BPF_ALU | BPF_END | BPF_TO_LE, 0, 0, 0, 32}}, "r0 = le32 r0"},
    {{{BPF_ALU64 | BPF_END, 0, 0, 0, 64}}, "r0 = bswap64 r0"},
    {{{BPF_LDX | BPF_MEM | BPF_W, 0, 1, 4, 0}}, "r0 = *(u32 *)(r1 +4)"},
    {{{BPF_LDX | BPF_MEM | BPF_DW, 0, 10, -8, 0}}, "r0 = *(u64 *)(r10 -8)"},
    {{{BPF_LDX | BPF_MEMSX | BPF_H, 0, 1, -2, 0}}, "r0 = *(s16 *)(r1 -2)"},
    {{{BPF_LDX | BPF_MEMSX | BPF_B, 3, 4, 0, 0}}, "r3 = *(s8 *)(r4 +0)"},
    {{{BPF_STX | BPF_MEM | BPF_B, 10, 1, -8, 0}}, "*(u8 *)(r10 -8) = r1"},
    {{{BPF_ST | BPF_MEM | BPF_W, 1, 0, 0, 5}}, "*(u32 *)(r1 +0) = 5"},
    {{{BPF_ST | BPF_MEM | BPF_H, 1, 0, 2, -3}}, "*(u16 *)(r1 +2) = -3"},
    {{{BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_ADD}}, "lock *(u64 *)(r1 +0) += r2"},
    {{{BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 8, BPF_OR}}, "lock *(u32 *)(r1 +8) |= r2"},
    {{{BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_AND}}, "lock *(u64 *)(r1 +0) &= r2"},
    {{{BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, -4, BPF_XOR}}, "lock *(u32 *)(r1 -4) ^= r2"},
    {{{BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_ADD | BPF_FETCH}},
     "r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)"},
    {{{BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 0, BPF_ADD | BPF_FETCH}},
     "r2 = atomic_fetch_add((u32 *)(r1 +0), r2)"},
    {{{BPF_STX | BPF_ATOMIC | BPF_DW, 1, 3, 0, BPF_AND | BPF_FETCH}},
     "r3 = atomic64_fetch_and((u64 *)(r1 +0), r3)"},
    {{{BPF_STX | BPF_ATOMIC | BPF_W, 1, 3, 0, BPF_OR | BPF_FETCH}},
     "r3 = atomic_fetch_or((u32 *)(r1 +0), r3)"},
    {{{BPF_STX | BPF_ATOMIC | BPF_DW, 1, 3, 0, BPF_XOR | BPF_FETCH}},
     "r3 = atomic64_fetch_xor((u64 *)(r1 +0), r3)"},
    {{{BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_XCHG}},
     "r2 = atomic64_xchg((u64 *)(r1 +0), r2)"},
    {{{BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 0, BPF_XCHG}}, "r2 = atomic_xchg((u32 *)(r1 +0), r2)"},
    {{{BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_CMPXCHG}},
     "r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)"},
    {{{BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 0, BPF_CMPXCHG}},
     "r0 = atomic_cmpxchg((u32 *)(r1 +0), r0, r2)"},
    {{{BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 0x55667788}, {0, 0, 0, 0, 0x11223344}},
     "r1 = 0x1122334455667788 ll"},
    {{{BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 5}, {0, 0, 0, 0, 0}}, "r1 = 0x5 ll"},
    {{{BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 3}, {0, 0, 0, 0, 0}},
     "r1 = map[fd:3]"},
    {{{BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_VALUE, 0, 3}, {0, 0, 0, 0, 16}},
     "r1 = map[fd:3][0]+16"},
    {{{BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX, 0, 3}, {0, 0, 0, 0, 0}},
     "r1 = map[idx:3]"},
    {{{BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX_VALUE, 0, 3}, {0, 0, 0, 0, 16}},
     "r1 = map[idx:3][0]+16"},
    {{{BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_BTF_ID, 0, 1234}, {0, 0, 0, 0, 0}},
     "r2 = btf_id[1234]"},
    {{{BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_BTF_ID, 0, 1234}, {0, 0, 0, 0, 5}},
     "r2 = btf_id[1234][fd:5]"},
    {{{BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 7}, {0, 0, 0, 0, 0}},
     "r2 = subprog[+7]"},
    {{{BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, -7}, {0, 0, 0, 0, 0}},
     "r2 = subprog[-7]"},
    {{{BPF_JMP | BPF_JA, 0, 0, 5, 0}}, "goto pc+5"},
    {{{BPF_JMP | BPF_JA, 0, 0, -1, 0}}, "goto pc-1"},
    {{{BPF_JMP | BPF_JA, 0, 0, 0, 0}}, "goto pc+0"},
    {{{BPF_JMP32 | BPF_JA, 0, 0, 0, 5}}, "gotol pc+5"},
    {{{BPF_JMP | BPF_JGT | BPF_X, 1, 2, 3, 0}}, "if r1 > r2 goto pc+3"},
    {{{BPF_JMP | BPF_JSGT | BPF_K, 1, 0, -3, 5}}, "if r1 s> 0x5 goto pc-3"},
    {{{BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1, -1}}, "if r1 == 0xffffffff goto pc+1"},
    {{{BPF_JMP32 | BPF_JSET | BPF_X, 1, 2, 1, 0}}, "if w1 & w2 goto pc+1"},
    {{{BPF_JMP32 | BPF_JNE | BPF_K, 1, 0, 1, 0}}, "if w1 != 0x0 goto pc+1"},
    {{{BPF_JMP | BPF_JSLE | BPF_X, 1, 2, 1, 0}}, "if r1 s<= r2 goto pc+1"},
    {{{BPF_JMP | BPF_JSGE | BPF_X, 1, 2, 1, 0}}, "if r1 s>= r2 goto pc+1"},
    {{{BPF_JMP | BPF_JSLT | BPF_X, 1, 2, 1, 0}}, "if r1 s< r2 goto pc+1"},
    {{{BPF_JMP | BPF_JLE | BPF_X, 1, 2, 1, 0}}, "if r1 <= r2 goto pc+1"},
    {{{BPF_JMP | BPF_JLT | BPF_X, 1, 2, 1, 0}}, "if r1 < r2 goto pc+1"},
    {{{BPF_JMP | BPF_JGE | BPF_X, 1, 2, 1, 0}}, "if r1 >= r2 goto pc+1"},
    {{{BPF_JMP | BPF_CALL, 0, 0, 0, 1}}, "call bpf_map_lookup_elem#1"},
    {{{BPF_JMP | BPF_CALL, 0, 0, 0, 5}}, "call bpf_ktime_get_ns#5"},
    {{{BPF_JMP | BPF_CALL, 0, 0, 0, 1234}}, "call unknown#1234"},
    {{{BPF_JMP | BPF_CALL, 0, 0, 0, -1}}, "call unknown#-1"},
    {{{BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 5}}, "call pc+5"},
    {{{BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, -5}}, "call pc-5"},
    {{{BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 4242}}, "call kernel-function#4242"},
    {{{BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 2, 4242}},
     "call kernel-function#4242 btf_fd_idx:2"},
    {{{BPF_JMP | BPF_CALL | BPF_X, 2, 0, 0, 0}}, "callx r2"},
    {{{BPF_JMP | BPF_EXIT, 0, 0, 0, 0}}, "exit"},
    {{{BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 5}}, "r0 = *(u8 *)skb[5]"},
    {{{BPF_LD | BPF_IND | BPF_H, 0, 1, 0, 5}}, "r0 = *(u16 *)skb[r1 + 5]"},
    {{{BPF_LD | BPF_IND | BPF_W, 0, 1, 0, -5}}, "r0 = *(u32 *)skb[r1 + -5]"},
    {{{0xff, 0, 0, 0, 0}}, ".insn 0x00000000000000ff"},
    {{{BPF_ALU64 | BPF_MOV | BPF_K, 11, 0, 0, 5}}, ".insn 0x0000000500000bb7"},
    {{{BPF_ALU64 | BPF_ADD | BPF_K, 1, 2, -2, -1}}, ".insn 0xfffffffffffe2107"},
};

Test(disasm, kernel_strings)
{
    for (size_t i = 0; i < N(texts); i++) {
        char text[128];
        unsigned want = vm_insn_is_lddw(&texts[i].in[0]) && strncmp(texts[i].text, ".insn", 5)
                            ? 2
                            : 1;
        unsigned got = vm_disasm_insn(texts[i].in, want, 0, text, sizeof(text));
        cr_expect(strcmp(text, texts[i].text) == 0, "entry %zu: '%s', want '%s'", i, text,
                  texts[i].text);
        cr_expect_eq(got, want, "entry %zu (%s): %u slots", i, texts[i].text, got);
    }
}

Test(disasm, prog_listing)
{
    static const struct bpf_insn p[] = {
        {BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0},
        {BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 1},
        {0, 0, 0, 0, 0},
        {0xff, 0, 0, 0, 0},
        {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
    };
    struct vm_prog prog = {(struct bpf_insn *)p, 5, "t"};
    char *text = vm_disasm_prog(&prog);
    cr_assert_not_null(text);
    cr_assert_str_eq(text, "   0: (b7) r0 = 0\n"
                           "   1: (18) r1 = 0x1 ll\n"
                           "   3: (ff) .insn 0x00000000000000ff\n"
                           "   4: (95) exit\n");
    free(text);
}

Test(disasm, small_and_bad_buffers)
{
    static const struct bpf_insn p[] = {{BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0}};
    char text[4];
    cr_assert_eq(vm_disasm_insn(p, 1, 0, text, sizeof(text)), 1);
    cr_assert_str_eq(text, "r0 ");
    cr_assert_eq(vm_disasm_insn(p, 1, 0, NULL, 0), 1);
    cr_assert_eq(vm_disasm_insn(p, 1, 1, text, sizeof(text)), 0);
    cr_assert_str_eq(text, "");
    cr_assert_eq(vm_disasm_insn(NULL, 0, 0, text, sizeof(text)), 0);
    cr_assert_null(vm_disasm_prog(NULL));
}

Test(disasm, helper_names)
{
    cr_assert_str_eq(vm_helper_name(1), "bpf_map_lookup_elem");
    cr_assert_str_eq(vm_helper_name(5), "bpf_ktime_get_ns");
    cr_assert_str_eq(vm_helper_name(0), "bpf_unspec");
    cr_assert_null(vm_helper_name(-1));
    cr_assert_null(vm_helper_name(__BPF_FUNC_MAX_ID));
    cr_assert_eq(vm_helper_id("bpf_map_lookup_elem"), BPF_FUNC_map_lookup_elem);
    cr_assert_eq(vm_helper_id("map_lookup_elem"), BPF_FUNC_map_lookup_elem);
    cr_assert_eq(vm_helper_id("bpf_tail_call"), BPF_FUNC_tail_call);
    cr_assert_eq(vm_helper_id("nope"), -1);
    cr_assert_eq(vm_helper_id(NULL), -1);
    cr_assert_eq(vm_helper_id("bpf_"), -1);
    /* Every name maps back to its id. */
    for (int32_t id = 0; id < __BPF_FUNC_MAX_ID; id++) {
        const char *n = vm_helper_name(id);
        cr_assert_not_null(n, "helper %d has no name", id);
        cr_assert_eq(vm_helper_id(n), id, "%s", n);
    }
}
