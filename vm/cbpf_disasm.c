/* vm/cbpf_disasm.c - classic BPF listings in the style of `tcpdump -d`
 * (libpcap's bpf_image): "(003) jeq      #0x6             jt 4	jf 19".
 * The format is the interface people compare by eye and by diff, so it is
 * reproduced exactly for every instruction libpcap knows; tests compare
 * with libpcap's own bpf_image. Instructions libpcap does not list but the
 * kernel accepts (ldx with BPF_LEN) get a readable name instead of its
 * "unimp". */
#include "vm/vm.h"

#include <linux/filter.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The names libpcap gives the ancillary loads (SKF_AD_OFF + n). */
static const char *anc_name(uint32_t k)
{
    switch ((int32_t)k - SKF_AD_OFF) {
    case SKF_AD_PROTOCOL: return "proto";
    case SKF_AD_PKTTYPE: return "type";
    case SKF_AD_IFINDEX: return "ifidx";
    case SKF_AD_NLATTR: return "nla";
    case SKF_AD_NLATTR_NEST: return "nlan";
    case SKF_AD_MARK: return "mark";
    case SKF_AD_QUEUE: return "queue";
    case SKF_AD_HATYPE: return "hatype";
    case SKF_AD_RXHASH: return "rxhash";
    case SKF_AD_CPU: return "cpu";
    case SKF_AD_ALU_XOR_X: return "xor_x";
    case SKF_AD_VLAN_TAG: return "vlan_tci";
    case SKF_AD_VLAN_TAG_PRESENT: return "vlanp";
    case SKF_AD_PAY_OFFSET: return "poff";
    case SKF_AD_RANDOM: return "random";
    case SKF_AD_VLAN_TPID: return "vlan_tpid";
    }
    return NULL;
}

/* Mnemonic and operand of one instruction; *jump set for conditional
 * jumps (their targets are printed apart). */
static void parts(const struct sock_filter *f, uint32_t idx, const char **op, char *opnd,
                  size_t n, bool *jump)
{
    const struct sock_filter *in = &f[idx];
    int32_t sk = (int32_t)in->k;
    *jump = false;
    opnd[0] = 0;
    switch (in->code) {
    case BPF_RET | BPF_K: *op = "ret"; snprintf(opnd, n, "#%d", sk); return;
    case BPF_RET | BPF_A: *op = "ret"; return;
    case BPF_LD | BPF_W | BPF_ABS:
    case BPF_LD | BPF_H | BPF_ABS:
    case BPF_LD | BPF_B | BPF_ABS: {
        *op = BPF_SIZE(in->code) == BPF_W ? "ld" : BPF_SIZE(in->code) == BPF_H ? "ldh" : "ldb";
        const char *a = in->k >= (uint32_t)SKF_AD_OFF ? anc_name(in->k) : NULL;
        if (a)
            snprintf(opnd, n, "[%s]", a);
        else
            snprintf(opnd, n, "[%d]", sk);
        return;
    }
    case BPF_LD | BPF_W | BPF_LEN: *op = "ld"; snprintf(opnd, n, "#pktlen"); return;
    case BPF_LDX | BPF_W | BPF_LEN: *op = "ldx"; snprintf(opnd, n, "#pktlen"); return;
    case BPF_LD | BPF_W | BPF_IND: *op = "ld"; snprintf(opnd, n, "[x + %d]", sk); return;
    case BPF_LD | BPF_H | BPF_IND: *op = "ldh"; snprintf(opnd, n, "[x + %d]", sk); return;
    case BPF_LD | BPF_B | BPF_IND: *op = "ldb"; snprintf(opnd, n, "[x + %d]", sk); return;
    case BPF_LD | BPF_IMM: *op = "ld"; snprintf(opnd, n, "#0x%x", in->k); return;
    case BPF_LDX | BPF_IMM: *op = "ldx"; snprintf(opnd, n, "#0x%x", in->k); return;
    case BPF_LDX | BPF_MSH | BPF_B: *op = "ldxb"; snprintf(opnd, n, "4*([%d]&0xf)", sk); return;
    case BPF_LD | BPF_MEM: *op = "ld"; snprintf(opnd, n, "M[%d]", sk); return;
    case BPF_LDX | BPF_MEM: *op = "ldx"; snprintf(opnd, n, "M[%d]", sk); return;
    case BPF_ST: *op = "st"; snprintf(opnd, n, "M[%d]", sk); return;
    case BPF_STX: *op = "stx"; snprintf(opnd, n, "M[%d]", sk); return;
    case BPF_JMP | BPF_JA: *op = "ja"; snprintf(opnd, n, "%u", idx + 1 + in->k); return;
    case BPF_MISC | BPF_TAX: *op = "tax"; return;
    case BPF_MISC | BPF_TXA: *op = "txa"; return;
    case BPF_ALU | BPF_NEG: *op = "neg"; return;
    }
    if (BPF_CLASS(in->code) == BPF_JMP) {
        switch (in->code & ~BPF_X) {
        case BPF_JMP | BPF_JEQ: *op = "jeq"; break;
        case BPF_JMP | BPF_JGT: *op = "jgt"; break;
        case BPF_JMP | BPF_JGE: *op = "jge"; break;
        case BPF_JMP | BPF_JSET: *op = "jset"; break;
        default: goto unimp;
        }
        *jump = true;
        if (BPF_SRC(in->code) == BPF_X)
            snprintf(opnd, n, "x");
        else
            snprintf(opnd, n, "#0x%x", in->k);
        return;
    }
    if (BPF_CLASS(in->code) == BPF_ALU) {
        bool hex = false;
        switch (in->code & ~BPF_X) {
        case BPF_ALU | BPF_ADD: *op = "add"; break;
        case BPF_ALU | BPF_SUB: *op = "sub"; break;
        case BPF_ALU | BPF_MUL: *op = "mul"; break;
        case BPF_ALU | BPF_DIV: *op = "div"; break;
        case BPF_ALU | BPF_MOD: *op = "mod"; break;
        case BPF_ALU | BPF_LSH: *op = "lsh"; break;
        case BPF_ALU | BPF_RSH: *op = "rsh"; break;
        case BPF_ALU | BPF_AND: *op = "and"; hex = true; break;
        case BPF_ALU | BPF_OR: *op = "or"; hex = true; break;
        case BPF_ALU | BPF_XOR: *op = "xor"; hex = true; break;
        default: goto unimp;
        }
        if (BPF_SRC(in->code) == BPF_X)
            snprintf(opnd, n, "x");
        else if (hex)
            snprintf(opnd, n, "#0x%x", in->k);
        else
            snprintf(opnd, n, "#%d", sk);
        return;
    }
unimp:
    *op = "unimp";
    snprintf(opnd, n, "0x%x", in->code);
}

unsigned vm_cbpf_disasm_insn(const struct sock_filter *insns, uint32_t idx, bool compact,
                             char *buf, size_t buflen)
{
    const char *op;
    char opnd[64];
    bool jump;
    parts(insns, idx, &op, opnd, sizeof opnd, &jump);
    const struct sock_filter *in = &insns[idx];
    int n;
    if (compact) {
        n = jump ? snprintf(buf, buflen, "%s %s jt %u jf %u", op, opnd, idx + 1 + in->jt,
                            idx + 1 + in->jf)
                 : snprintf(buf, buflen, "%s%s%s", op, opnd[0] ? " " : "", opnd);
    } else {
        n = jump ? snprintf(buf, buflen, "(%03u) %-8s %-16s jt %u\tjf %u", idx, op, opnd,
                            idx + 1 + in->jt, idx + 1 + in->jf)
                 : snprintf(buf, buflen, "(%03u) %-8s %s", idx, op, opnd);
    }
    return n < 0 ? 0 : (unsigned)n;
}

char *vm_cbpf_disasm(const struct sock_filter *insns, uint32_t len)
{
    size_t cap = (size_t)len * 64 + 1, used = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    out[0] = 0;
    for (uint32_t i = 0; i < len; i++) {
        char line[128];
        unsigned n = vm_cbpf_disasm_insn(insns, i, false, line, sizeof line);
        if (used + n + 2 > cap) {
            cap = cap * 2 + n + 2;
            char *g = realloc(out, cap);
            if (!g) {
                free(out);
                return NULL;
            }
            out = g;
        }
        memcpy(out + used, line, n);
        used += n;
        out[used++] = '\n';
        out[used] = 0;
    }
    return out;
}
