/* vm/cbpf.c - classic BPF (struct sock_filter, <linux/filter.h>): the
 * kernel's load-time check and its conversion to eBPF for socket filters.
 *
 * vm_cbpf_check follows bpf_check_classic (net/core/filter.c): a length of
 * 1..BPF_MAXINSNS, only the opcodes the kernel whitelists, no division or
 * modulo by a constant 0, constant shifts below 32, scratch memory M[0..15],
 * jumps that land inside the program, only the ancillary loads the kernel
 * knows, a RET last, and no M[k] read before a store on every path
 * (check_load_and_stores' forward pass). Each failure names the
 * instruction; the kernel only says -EINVAL.
 *
 * vm_cbpf_convert does what bpf_convert_filter does, with the register
 * mapping of the kernel: A in r0, X in r7, the context (the skb) in r6,
 * r2 as scratch, M[k] the 32-bit word at r10 - (16 - k) * 4. A and X start
 * at 0 ("w0 = 0; w7 = 0; r6 = r1"). Arithmetic is 32-bit (BPF_ALU:
 * the classic codes are the eBPF ones), so the upper halves of r0 and r7
 * are always zero and the 64-bit conditional jumps compare 32-bit values;
 * a constant with the top bit set is moved into r2 first (eBPF immediates
 * are sign-extended). Division or modulo by X tests X first and returns 0
 * when it is 0, as classic BPF does. Packet loads become the legacy eBPF
 * LD_ABS / LD_IND instructions (a failed load returns 0 from the program,
 * as in classic BPF) rather than the kernel's inlined skb->data accesses,
 * which use sk_buff internals no program may name. The ancillary loads
 * become reads of the __sk_buff fields the kernel reads them from, or the
 * helper it calls. The output is a plain eBPF socket filter: it passes
 * vm_prog_check and bpfemu's verifier. */
#include "vm/vm.h"
#include "vm/vm_internal.h"

#include <linux/filter.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { REG_A = BPF_REG_0, REG_TMP = BPF_REG_2, REG_CTX = BPF_REG_6, REG_X = BPF_REG_7 };

/* "insn N (ldh [12])": the start of every message about an instruction. */
static const char *where(const struct sock_filter *f, uint32_t pc, char *buf, size_t len)
{
    char text[96];
    vm_cbpf_disasm_insn(f, pc, true, text, sizeof text);
    snprintf(buf, len, "insn %u (%s)", pc, text);
    return buf;
}

/* The codes bpf_check_classic accepts (its whitelist). */
static bool code_allowed(uint16_t code)
{
    switch (code) {
    case BPF_ALU | BPF_ADD | BPF_K: case BPF_ALU | BPF_ADD | BPF_X:
    case BPF_ALU | BPF_SUB | BPF_K: case BPF_ALU | BPF_SUB | BPF_X:
    case BPF_ALU | BPF_MUL | BPF_K: case BPF_ALU | BPF_MUL | BPF_X:
    case BPF_ALU | BPF_DIV | BPF_K: case BPF_ALU | BPF_DIV | BPF_X:
    case BPF_ALU | BPF_MOD | BPF_K: case BPF_ALU | BPF_MOD | BPF_X:
    case BPF_ALU | BPF_AND | BPF_K: case BPF_ALU | BPF_AND | BPF_X:
    case BPF_ALU | BPF_OR | BPF_K: case BPF_ALU | BPF_OR | BPF_X:
    case BPF_ALU | BPF_XOR | BPF_K: case BPF_ALU | BPF_XOR | BPF_X:
    case BPF_ALU | BPF_LSH | BPF_K: case BPF_ALU | BPF_LSH | BPF_X:
    case BPF_ALU | BPF_RSH | BPF_K: case BPF_ALU | BPF_RSH | BPF_X:
    case BPF_ALU | BPF_NEG:
    case BPF_LD | BPF_W | BPF_ABS: case BPF_LD | BPF_H | BPF_ABS: case BPF_LD | BPF_B | BPF_ABS:
    case BPF_LD | BPF_W | BPF_IND: case BPF_LD | BPF_H | BPF_IND: case BPF_LD | BPF_B | BPF_IND:
    case BPF_LD | BPF_W | BPF_LEN: case BPF_LDX | BPF_W | BPF_LEN:
    case BPF_LD | BPF_IMM: case BPF_LDX | BPF_IMM:
    case BPF_LD | BPF_MEM: case BPF_LDX | BPF_MEM:
    case BPF_LDX | BPF_B | BPF_MSH:
    case BPF_ST: case BPF_STX:
    case BPF_MISC | BPF_TAX: case BPF_MISC | BPF_TXA:
    case BPF_RET | BPF_K: case BPF_RET | BPF_A:
    case BPF_JMP | BPF_JA:
    case BPF_JMP | BPF_JEQ | BPF_K: case BPF_JMP | BPF_JEQ | BPF_X:
    case BPF_JMP | BPF_JGE | BPF_K: case BPF_JMP | BPF_JGE | BPF_X:
    case BPF_JMP | BPF_JGT | BPF_K: case BPF_JMP | BPF_JGT | BPF_X:
    case BPF_JMP | BPF_JSET | BPF_K: case BPF_JMP | BPF_JSET | BPF_X:
        return true;
    }
    return false;
}

static bool is_cond_jump(uint16_t code)
{
    return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
}

static bool is_ld_abs(uint16_t code)
{
    return BPF_CLASS(code) == BPF_LD && BPF_MODE(code) == BPF_ABS;
}

/* An ancillary load: k in the SKF_AD_OFF page, compared unsigned as the
 * kernel compares it (so SKF_NET_OFF and SKF_LL_OFF are plain loads). */
static bool is_ancillary(const struct sock_filter *in)
{
    return is_ld_abs(in->code) && in->k >= (uint32_t)SKF_AD_OFF;
}

static bool known_ancillary(uint32_t k)
{
    uint32_t n = k - (uint32_t)SKF_AD_OFF;
    return n < SKF_AD_MAX && n % 4 == 0;
}

/* check_load_and_stores: one forward pass; masks[pc] is the set of M[]
 * words stored on every jump into pc, `valid` what falls through. */
static int check_mem_init(const struct sock_filter *f, uint32_t len, char *err, size_t errlen)
{
    uint16_t *masks = malloc(len * sizeof(*masks));
    if (!masks)
        return vm_fail(err, errlen, -ENOMEM, "out of memory");
    memset(masks, 0xff, len * sizeof(*masks));
    uint16_t valid = 0;
    int rc = 0;
    for (uint32_t pc = 0; pc < len && !rc; pc++) {
        const struct sock_filter *in = &f[pc];
        char at[128];
        valid &= masks[pc];
        switch (in->code) {
        case BPF_ST:
        case BPF_STX:
            valid |= (uint16_t)(1u << in->k);
            break;
        case BPF_LD | BPF_MEM:
        case BPF_LDX | BPF_MEM:
            if (!(valid & (1u << in->k)))
                rc = vm_fail(err, errlen, -EINVAL,
                          "%s: reads M[%u], which is not stored on every path to it",
                          where(f, pc, at, sizeof at), in->k);
            break;
        case BPF_JMP | BPF_JA:
            masks[pc + 1 + in->k] &= valid;
            valid = 0xffff;
            break;
        default:
            if (is_cond_jump(in->code)) {
                masks[pc + 1 + in->jt] &= valid;
                masks[pc + 1 + in->jf] &= valid;
                valid = 0xffff;
            }
            break;
        }
    }
    free(masks);
    return rc;
}

int vm_cbpf_check(const struct sock_filter *f, uint32_t len, char *err, size_t errlen)
{
    if (len == 0)
        return vm_fail(err, errlen, -EINVAL, "the classic program is empty");
    if (len > BPF_MAXINSNS)
        return vm_fail(err, errlen, -EINVAL,
                    "the classic program has %u insns, more than the kernel's %u (BPF_MAXINSNS)",
                    len, BPF_MAXINSNS);
    for (uint32_t pc = 0; pc < len; pc++) {
        const struct sock_filter *in = &f[pc];
        char at[128];
        if (!code_allowed(in->code))
            return vm_fail(err, errlen, -EINVAL, "%s: opcode 0x%02x is not a classic BPF instruction "
                        "the kernel accepts", where(f, pc, at, sizeof at), in->code);
        switch (in->code) {
        case BPF_ALU | BPF_DIV | BPF_K:
        case BPF_ALU | BPF_MOD | BPF_K:
            if (in->k == 0)
                return vm_fail(err, errlen, -EINVAL, "%s: %s by constant zero",
                            where(f, pc, at, sizeof at),
                            BPF_OP(in->code) == BPF_DIV ? "division" : "modulo");
            break;
        case BPF_ALU | BPF_LSH | BPF_K:
        case BPF_ALU | BPF_RSH | BPF_K:
            if (in->k >= 32)
                return vm_fail(err, errlen, -EINVAL, "%s: shift by %u (at most 31)",
                            where(f, pc, at, sizeof at), in->k);
            break;
        case BPF_LD | BPF_MEM:
        case BPF_LDX | BPF_MEM:
        case BPF_ST:
        case BPF_STX:
            if (in->k >= BPF_MEMWORDS)
                return vm_fail(err, errlen, -EINVAL, "%s: scratch memory has M[0] to M[%u]",
                            where(f, pc, at, sizeof at), BPF_MEMWORDS - 1);
            break;
        case BPF_JMP | BPF_JA:
            if (in->k >= len - 1 - pc)
                return vm_fail(err, errlen, -EINVAL,
                            "%s: jump target %llu is past the last insn (%u)",
                            where(f, pc, at, sizeof at), (unsigned long long)pc + 1 + in->k,
                            len - 1);
            break;
        default:
            if (is_cond_jump(in->code) && (pc + in->jt + 1 >= len || pc + in->jf + 1 >= len))
                return vm_fail(err, errlen, -EINVAL,
                            "%s: jump target %u is past the last insn (%u)",
                            where(f, pc, at, sizeof at),
                            pc + 1 + (in->jt > in->jf ? in->jt : in->jf), len - 1);
            if (is_ancillary(in) && !known_ancillary(in->k))
                return vm_fail(err, errlen, -EINVAL,
                            "%s: offset %d is in the ancillary area (SKF_AD_OFF) but no "
                            "ancillary load the kernel knows", where(f, pc, at, sizeof at),
                            (int32_t)in->k);
            break;
        }
    }
    uint16_t last = f[len - 1].code;
    if (last != (BPF_RET | BPF_K) && last != (BPF_RET | BPF_A)) {
        char at[128];
        return vm_fail(err, errlen, -EINVAL, "%s: the last insn must be a ret",
                    where(f, len - 1, at, sizeof at));
    }
    return check_mem_init(f, len, err, errlen);
}

/* --------------------------------------------------------- conversion ---- */

struct conv {
    struct bpf_insn *out;
    uint32_t n, cap;
    uint32_t *start;           /* classic pc -> first eBPF slot */
    struct fixup { uint32_t slot, target; } *fix; /* jumps to classic pcs */
    uint32_t n_fix, cap_fix;
    bool oom;
};

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
    return (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

static void emit(struct conv *c, struct bpf_insn in)
{
    if (c->n == c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 64;
        struct bpf_insn *g = realloc(c->out, cap * sizeof(*g));
        if (!g) {
            c->oom = true;
            return;
        }
        c->out = g;
        c->cap = cap;
    }
    c->out[c->n++] = in;
}

/* A jump to classic insn `target`; the offset is filled in at the end. */
static void emit_jump(struct conv *c, struct bpf_insn in, uint32_t target)
{
    if (c->n_fix == c->cap_fix) {
        uint32_t cap = c->cap_fix ? c->cap_fix * 2 : 32;
        struct fixup *g = realloc(c->fix, cap * sizeof(*g));
        if (!g) {
            c->oom = true;
            return;
        }
        c->fix = g;
        c->cap_fix = cap;
    }
    c->fix[c->n_fix++] = (struct fixup){c->n, target};
    emit(c, in);
}

static void ldx_ctx(struct conv *c, uint8_t dst, size_t field)
{
    emit(c, insn(BPF_LDX | BPF_MEM | BPF_W, dst, REG_CTX, (int16_t)field, 0));
}

/* The scratch word M[k] on the stack. */
static int16_t mem_off(uint32_t k) { return (int16_t)(-(int32_t)(BPF_MEMWORDS - k) * 4); }

/* An ancillary load into A (convert_bpf_extensions), as __sk_buff reads. */
static int convert_ancillary(struct conv *c, const struct sock_filter *f, uint32_t pc,
                             char *err, size_t errlen)
{
    const char *what = NULL;
    switch ((int32_t)f[pc].k - SKF_AD_OFF) {
    case SKF_AD_PROTOCOL:
        /* the EtherType as the skb stores it (network order): ntohs */
        ldx_ctx(c, REG_A, offsetof(struct __sk_buff, protocol));
        emit(c, insn(BPF_ALU | BPF_END | BPF_TO_BE, REG_A, 0, 0, 16));
        return 0;
    case SKF_AD_PKTTYPE: ldx_ctx(c, REG_A, offsetof(struct __sk_buff, pkt_type)); return 0;
    case SKF_AD_IFINDEX: ldx_ctx(c, REG_A, offsetof(struct __sk_buff, ifindex)); return 0;
    case SKF_AD_MARK: ldx_ctx(c, REG_A, offsetof(struct __sk_buff, mark)); return 0;
    case SKF_AD_QUEUE: ldx_ctx(c, REG_A, offsetof(struct __sk_buff, queue_mapping)); return 0;
    case SKF_AD_RXHASH: ldx_ctx(c, REG_A, offsetof(struct __sk_buff, hash)); return 0;
    case SKF_AD_VLAN_TAG: ldx_ctx(c, REG_A, offsetof(struct __sk_buff, vlan_tci)); return 0;
    case SKF_AD_VLAN_TAG_PRESENT:
        ldx_ctx(c, REG_A, offsetof(struct __sk_buff, vlan_present));
        return 0;
    case SKF_AD_VLAN_TPID:
        ldx_ctx(c, REG_A, offsetof(struct __sk_buff, vlan_proto));
        emit(c, insn(BPF_ALU | BPF_END | BPF_TO_BE, REG_A, 0, 0, 16));
        return 0;
    case SKF_AD_CPU:
        emit(c, insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_smp_processor_id));
        return 0;
    case SKF_AD_RANDOM:
        emit(c, insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_prandom_u32));
        return 0;
    case SKF_AD_ALU_XOR_X:
        emit(c, insn(BPF_ALU | BPF_XOR | BPF_X, REG_A, REG_X, 0, 0));
        return 0;
    case SKF_AD_HATYPE: what = "SKF_AD_HATYPE (the device type)"; break;
    case SKF_AD_NLATTR: what = "SKF_AD_NLATTR (a netlink attribute)"; break;
    case SKF_AD_NLATTR_NEST: what = "SKF_AD_NLATTR_NEST (a nested netlink attribute)"; break;
    case SKF_AD_PAY_OFFSET: what = "SKF_AD_PAY_OFFSET (the payload offset)"; break;
    }
    char at[128];
    return vm_fail(err, errlen, -ENOTSUP,
                "%s: the ancillary load %s has no __sk_buff field or helper an eBPF program "
                "can use: not supported", where(f, pc, at, sizeof at), what ? what : "?");
}

/* A conditional jump (the kernel's three shapes: a Jcc to jt when jf is
 * the next insn, the inverse Jcc to jf when jt is, else Jcc + JA). */
static void convert_cond(struct conv *c, const struct sock_filter *in, uint32_t pc)
{
    uint8_t src = BPF_SRC(in->code), sreg = src == BPF_X ? REG_X : 0;
    int32_t imm = src == BPF_K ? (int32_t)in->k : 0;
    if (src == BPF_K && (int32_t)in->k < 0) {
        /* a sign-extended immediate would compare against 0xffffffff_xxxxxxxx */
        emit(c, insn(BPF_ALU | BPF_MOV | BPF_K, REG_TMP, 0, 0, (int32_t)in->k));
        src = BPF_X;
        sreg = REG_TMP;
        imm = 0;
    }
    uint8_t op = BPF_OP(in->code);
    if (in->jf == 0) {
        emit_jump(c, insn(BPF_JMP | op | src, REG_A, sreg, 0, imm), pc + 1 + in->jt);
        return;
    }
    uint8_t inv = op == BPF_JEQ ? BPF_JNE : op == BPF_JGT ? BPF_JLE : op == BPF_JGE ? BPF_JLT : 0;
    if (in->jt == 0 && inv) {
        emit_jump(c, insn(BPF_JMP | inv | src, REG_A, sreg, 0, imm), pc + 1 + in->jf);
        return;
    }
    emit_jump(c, insn(BPF_JMP | op | src, REG_A, sreg, 0, imm), pc + 1 + in->jt);
    emit_jump(c, insn(BPF_JMP | BPF_JA, 0, 0, 0, 0), pc + 1 + in->jf);
}

static int convert_one(struct conv *c, const struct sock_filter *f, uint32_t pc, char *err,
                       size_t errlen)
{
    const struct sock_filter *in = &f[pc];
    uint16_t code = in->code;
    switch (BPF_CLASS(code)) {
    case BPF_ALU:
        if (code == (BPF_ALU | BPF_NEG)) {
            emit(c, insn(BPF_ALU | BPF_NEG, REG_A, 0, 0, 0));
            return 0;
        }
        if (code == (BPF_ALU | BPF_DIV | BPF_X) || code == (BPF_ALU | BPF_MOD | BPF_X)) {
            /* classic BPF returns 0 on a division by zero (eBPF would go on) */
            emit(c, insn(BPF_ALU | BPF_MOV | BPF_X, REG_X, REG_X, 0, 0));
            emit(c, insn(BPF_JMP | BPF_JNE | BPF_K, REG_X, 0, 2, 0));
            emit(c, insn(BPF_ALU | BPF_XOR | BPF_X, REG_A, REG_A, 0, 0));
            emit(c, insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
        }
        if (BPF_SRC(code) == BPF_X)
            emit(c, insn((uint8_t)code, REG_A, REG_X, 0, 0));
        else
            emit(c, insn((uint8_t)code, REG_A, 0, 0, (int32_t)in->k));
        return 0;
    case BPF_LD:
        switch (BPF_MODE(code)) {
        case BPF_ABS:
            if (is_ancillary(in))
                return convert_ancillary(c, f, pc, err, errlen);
            emit(c, insn((uint8_t)code, 0, 0, 0, (int32_t)in->k));
            return 0;
        case BPF_IND:
            emit(c, insn((uint8_t)code, 0, REG_X, 0, (int32_t)in->k));
            return 0;
        case BPF_LEN:
            ldx_ctx(c, REG_A, offsetof(struct __sk_buff, len));
            return 0;
        case BPF_IMM:
            emit(c, insn(BPF_ALU | BPF_MOV | BPF_K, REG_A, 0, 0, (int32_t)in->k));
            return 0;
        case BPF_MEM:
            emit(c, insn(BPF_LDX | BPF_MEM | BPF_W, REG_A, BPF_REG_10, mem_off(in->k), 0));
            return 0;
        }
        break;
    case BPF_LDX:
        switch (BPF_MODE(code)) {
        case BPF_LEN:
            ldx_ctx(c, REG_X, offsetof(struct __sk_buff, len));
            return 0;
        case BPF_IMM:
            emit(c, insn(BPF_ALU | BPF_MOV | BPF_K, REG_X, 0, 0, (int32_t)in->k));
            return 0;
        case BPF_MEM:
            emit(c, insn(BPF_LDX | BPF_MEM | BPF_W, REG_X, BPF_REG_10, mem_off(in->k), 0));
            return 0;
        case BPF_MSH:
            /* X = 4 * (pkt[k] & 0xf): the load goes through A (r0), which is
             * kept in X meanwhile (X is overwritten anyway; the load
             * clobbers r1-r5) */
            emit(c, insn(BPF_ALU64 | BPF_MOV | BPF_X, REG_X, REG_A, 0, 0));
            emit(c, insn(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, (int32_t)in->k));
            emit(c, insn(BPF_ALU | BPF_AND | BPF_K, REG_A, 0, 0, 0xf));
            emit(c, insn(BPF_ALU | BPF_LSH | BPF_K, REG_A, 0, 0, 2));
            emit(c, insn(BPF_ALU64 | BPF_MOV | BPF_X, REG_TMP, REG_X, 0, 0));
            emit(c, insn(BPF_ALU64 | BPF_MOV | BPF_X, REG_X, REG_A, 0, 0));
            emit(c, insn(BPF_ALU64 | BPF_MOV | BPF_X, REG_A, REG_TMP, 0, 0));
            return 0;
        }
        break;
    case BPF_ST:
    case BPF_STX:
        emit(c, insn(BPF_STX | BPF_MEM | BPF_W, BPF_REG_10,
                     BPF_CLASS(code) == BPF_ST ? REG_A : REG_X, mem_off(in->k), 0));
        return 0;
    case BPF_MISC:
        if (BPF_MISCOP(code) == BPF_TAX)
            emit(c, insn(BPF_ALU64 | BPF_MOV | BPF_X, REG_X, REG_A, 0, 0));
        else
            emit(c, insn(BPF_ALU64 | BPF_MOV | BPF_X, REG_A, REG_X, 0, 0));
        return 0;
    case BPF_RET:
        if (BPF_RVAL(code) == BPF_K)
            emit(c, insn(BPF_ALU | BPF_MOV | BPF_K, REG_A, 0, 0, (int32_t)in->k));
        emit(c, insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
        return 0;
    case BPF_JMP:
        if (BPF_OP(code) == BPF_JA)
            emit_jump(c, insn(BPF_JMP | BPF_JA, 0, 0, 0, 0), pc + 1 + in->k);
        else
            convert_cond(c, in, pc);
        return 0;
    }
    /* vm_cbpf_check let only whitelisted codes through */
    char at[128];
    return vm_fail(err, errlen, -EINVAL, "%s: not convertible", where(f, pc, at, sizeof at));
}

int vm_cbpf_convert(const struct sock_filter *f, uint32_t len, const char *name,
                    struct vm_prog **out, char *err, size_t errlen)
{
    *out = NULL;
    int rc = vm_cbpf_check(f, len, err, errlen);
    if (rc)
        return rc;
    struct conv c = {0};
    c.start = calloc(len, sizeof(*c.start));
    if (!c.start)
        return vm_fail(err, errlen, -ENOMEM, "out of memory");
    /* A = X = 0 (the kernel xors them, which an eBPF verifier refuses as a
     * read of an uninitialised register: moves do the same); the context
     * stays in r6, where LD_ABS/LD_IND read it */
    emit(&c, insn(BPF_ALU | BPF_MOV | BPF_K, REG_A, 0, 0, 0));
    emit(&c, insn(BPF_ALU | BPF_MOV | BPF_K, REG_X, 0, 0, 0));
    emit(&c, insn(BPF_ALU64 | BPF_MOV | BPF_X, REG_CTX, BPF_REG_1, 0, 0));
    for (uint32_t pc = 0; pc < len && !rc && !c.oom; pc++) {
        c.start[pc] = c.n;
        rc = convert_one(&c, f, pc, err, errlen);
    }
    for (uint32_t i = 0; i < c.n_fix && !rc && !c.oom; i++) {
        int64_t off = (int64_t)c.start[c.fix[i].target] - ((int64_t)c.fix[i].slot + 1);
        if (off < INT16_MIN || off > INT16_MAX) {
            char at[128];
            rc = vm_fail(err, errlen, -E2BIG, "%s: the converted jump spans %lld insns, more than "
                      "an eBPF jump reaches", where(f, c.fix[i].target, at, sizeof at),
                      (long long)off);
            break;
        }
        c.out[c.fix[i].slot].off = (int16_t)off;
    }
    if (!rc && c.oom)
        rc = vm_fail(err, errlen, -ENOMEM, "out of memory");
    if (!rc)
        rc = vm_prog_from_bytes(c.out, (size_t)c.n * sizeof(*c.out), name, out, err, errlen);
    free(c.out);
    free(c.start);
    free(c.fix);
    return rc;
}
