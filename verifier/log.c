/* verifier/log.c - the verifier log in the kernel's format (kernel/bpf/log.c
 * and the printing parts of verifier.c, 6.18):
 *
 *   0: R1=ctx() R10=fp0
 *   0: (b7) r0 = 2                        ; R0=2
 *   1: (95) exit
 *
 * Instruction lines come from vm_disasm_insn (the kernel's syntax); the
 * state of the registers and slots an instruction touched ("scratched") is
 * appended after ';' at the kernel's alignment. The log is one growing
 * buffer; vlog_reset truncates it to an earlier position without clearing
 * the bytes, exactly as the kernel's bpf_vlog_reset does (the level-1 log of
 * a popped branch relies on the byte left at the cut). */
#include "verifier/verifier_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vlog_init(struct vlog *l, int level)
{
    memset(l, 0, sizeof(*l));
    l->level = level;
}

void vlog_free(struct vlog *l)
{
    free(l->buf);
    l->buf = NULL;
    l->len = l->cap = 0;
}

static void vlog_vappend(struct vlog *l, const char *fmt, va_list ap)
{
    if (l->oom)
        return;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n <= 0)
        return;
    if (l->len + (size_t)n + 1 > l->cap) {
        size_t cap = l->cap ? l->cap : 4096;
        while (l->len + (size_t)n + 1 > cap)
            cap *= 2;
        char *nb = realloc(l->buf, cap);
        if (!nb) {
            l->oom = true;
            return;
        }
        /* keep bytes past len defined: vlog_reset may move len forward */
        memset(nb + l->cap, 0, cap - l->cap);
        l->buf = nb;
        l->cap = cap;
    }
    vsnprintf(l->buf + l->len, (size_t)n + 1, fmt, ap);
    l->len += (size_t)n;
}

void verbose(struct venv *env, const char *fmt, ...)
{
    if (!env->log.level)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog_vappend(&env->log, fmt, ap);
    va_end(ap);
}

void vlog_reset(struct vlog *l, size_t pos)
{
    if (pos <= l->cap)
        l->len = pos;
}

int v_err(struct venv *env, int code, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (!env->res->error[0]) {
        size_t n = strcspn(line, "\n");
        snprintf(env->res->error, sizeof(env->res->error), "%.*s", (int)n, line);
        env->error_pc = (int)env->insn_idx;
    }
    verbose(env, "%s", line);
    return code;
}

/* ------------------------------------------------------ scratch marks */

void v_mark_reg_scratched(struct venv *env, uint32_t regno)
{
    env->scratched_regs |= 1u << regno;
}

void v_mark_slot_scratched(struct venv *env, uint32_t spi)
{
    env->scratched_slots |= 1ull << spi;
}

void v_mark_all_scratched(struct venv *env)
{
    env->scratched_regs = ~0u;
    env->scratched_slots = ~0ull;
}

void v_clear_scratched(struct venv *env)
{
    env->scratched_regs = 0;
    env->scratched_slots = 0;
}

bool v_state_scratched(const struct venv *env)
{
    return env->scratched_regs || env->scratched_slots;
}

/* ------------------------------------------------------------ values */

static bool snum_decimal(int64_t v)
{
    return v >= -32768 && v <= 32767;
}

static int snum(char *b, size_t n, int64_t v)
{
    if (snum_decimal(v))
        return snprintf(b, n, "%lld", (long long)v);
    return snprintf(b, n, "0x%llx", (unsigned long long)v);
}

static int unum(char *b, size_t n, uint64_t v)
{
    if (v <= 65535)
        return snprintf(b, n, "%llu", (unsigned long long)v);
    return snprintf(b, n, "0x%llx", (unsigned long long)v);
}

void v_r0_bounds_str(const struct vreg *r, char *what, size_t n)
{
    size_t p = 0;
    if (r->smin > INT64_MIN)
        p += (size_t)snprintf(what + p, n - p, " smin=%lld", (long long)r->smin);
    if (r->smax < INT64_MAX && p < n)
        p += (size_t)snprintf(what + p, n - p, " smax=%lld", (long long)r->smax);
    if (!p)
        snprintf(what, n, " unknown scalar value");
}

const char *v_type_str(uint32_t type)
{
    /* every combination the verifier produces, spelled as reg_type_str */
    static const char *const base[V_TYPE_COUNT] = {
        [NOT_INIT] = "?",           [SCALAR_VALUE] = "scalar",
        [PTR_TO_CTX] = "ctx",       [CONST_PTR_TO_MAP] = "map_ptr",
        [PTR_TO_MAP_VALUE] = "map_value", [PTR_TO_MAP_KEY] = "map_key",
        [PTR_TO_STACK] = "fp",      [PTR_TO_PACKET_META] = "pkt_meta",
        [PTR_TO_PACKET] = "pkt",    [PTR_TO_PACKET_END] = "pkt_end",
        [PTR_TO_MEM] = "mem",       [PTR_TO_FUNC] = "func",
        [PTR_TO_SOCK_COMMON] = "sock_common", [PTR_TO_SOCKET] = "sock",
        [PTR_TO_TCP_SOCK] = "tcp_sock",
    };
    static const char *const with_null[V_TYPE_COUNT] = {
        [PTR_TO_MAP_VALUE] = "map_value_or_null", [PTR_TO_MEM] = "mem_or_null",
        [PTR_TO_STACK] = "fp_or_null",            [PTR_TO_MAP_KEY] = "map_key_or_null",
        [PTR_TO_CTX] = "ctx_or_null",             [CONST_PTR_TO_MAP] = "map_ptr_or_null",
        [PTR_TO_SOCK_COMMON] = "sock_common_or_null", [PTR_TO_SOCKET] = "sock_or_null",
        [PTR_TO_TCP_SOCK] = "tcp_sock_or_null",
    };
    uint32_t b = base_type(type);
    if (b >= V_TYPE_COUNT)
        return "?";
    if (b == PTR_TO_MEM && (type & MEM_RINGBUF))
        return type & PTR_MAYBE_NULL ? "ringbuf_mem_or_null" : "ringbuf_mem";
    if (b == PTR_TO_MEM && (type & MEM_RDONLY))
        return type & PTR_MAYBE_NULL ? "rdonly_mem_or_null" : "rdonly_mem";
    if ((type & PTR_MAYBE_NULL) && with_null[b])
        return with_null[b];
    return base[b];
}

static bool type_is_map_ptr(uint32_t t)
{
    t = base_type(t);
    return t == CONST_PTR_TO_MAP || t == PTR_TO_MAP_VALUE || t == PTR_TO_MAP_KEY;
}

static bool type_is_pkt(uint32_t t)
{
    t = base_type(t);
    return t == PTR_TO_PACKET || t == PTR_TO_PACKET_META;
}

#define APPEND(...)                                                                  \
    do {                                                                             \
        if (p < n)                                                                   \
            p += (size_t)snprintf(b + p, n - p, __VA_ARGS__);                        \
    } while (0)
#define SEP()                \
    do {                     \
        APPEND("%s", sep);   \
        sep = ",";           \
    } while (0)

static size_t scalar_ranges(const struct vreg *r, char *b, size_t n, const char **sepp)
{
    struct {
        const char *name;
        uint64_t val;
        bool omit;
    } m[8] = {
        {"smin", (uint64_t)r->smin, r->smin == INT64_MIN},
        {"smax", (uint64_t)r->smax, r->smax == INT64_MAX},
        {"umin", r->umin, r->umin == 0},
        {"umax", r->umax, r->umax == UINT64_MAX},
        {"smin32",
         snum_decimal(r->s32_min) ? (uint64_t)(int64_t)r->s32_min : (uint64_t)(uint32_t)r->s32_min,
         r->s32_min == INT32_MIN},
        {"smax32",
         snum_decimal(r->s32_max) ? (uint64_t)(int64_t)r->s32_max : (uint64_t)(uint32_t)r->s32_max,
         r->s32_max == INT32_MAX},
        {"umin32", r->u32_min, r->u32_min == 0},
        {"umax32", r->u32_max, r->u32_max == UINT32_MAX},
    };
    size_t p = 0;
    for (int i = 0; i < 8; i++) {
        if (m[i].omit)
            continue;
        bool neg1 = m[i].name[0] == 's' && (int64_t)m[i].val < 0;
        APPEND("%s%s=", *sepp, m[i].name);
        *sepp = ",";
        for (int j = i + 2; j < 8; j += 2) {
            if (m[j].omit || m[j].val != m[i].val)
                continue;
            bool neg2 = m[j].name[0] == 's' && (int64_t)m[j].val < 0;
            if (neg1 != neg2)
                continue;
            m[j].omit = true;
            APPEND("%s=", m[j].name);
        }
        if (p < n)
            p += (size_t)(m[i].name[0] == 's' ? snum(b + p, n - p, (int64_t)m[i].val)
                                              : unum(b + p, n - p, m[i].val));
    }
    return p;
}

/* print_reg_state. `frameno`: the frame the register belongs to. */
static void reg_str(const struct venv *env, const struct vreg *r, uint32_t frameno, char *b,
                    size_t n)
{
    size_t p = 0;
    const char *sep = "";
    uint32_t t = r->type;
    b[0] = '\0';
    if (t == SCALAR_VALUE && r->precise)
        APPEND("P");
    if (t == SCALAR_VALUE && tnum_is_const(r->var_off)) {
        if (p < n)
            snum(b + p, n - p, (int64_t)r->var_off.value);
        return;
    }
    APPEND("%s", v_type_str(t));
    if (t == PTR_TO_STACK) {
        if (frameno != r->frameno)
            APPEND("[%u]", r->frameno);
        if (tnum_is_const(r->var_off)) {
            if (p < n)
                snum(b + p, n - p, (int64_t)(r->var_off.value + (uint64_t)(int64_t)r->off));
            return;
        }
    }
    APPEND("(");
    if (r->id) {
        SEP();
        APPEND("id=%u", r->id & ~V_ADD_CONST);
    }
    if (r->id & V_ADD_CONST)
        APPEND("%+d", r->off);
    if (r->ref_obj_id) {
        SEP();
        APPEND("ref_obj_id=%u", r->ref_obj_id);
    }
    if (type_is_map_ptr(t)) {
        const struct verifier_map *m = v_map(env, r->map_idx);
        SEP();
        APPEND("ks=%u,vs=%u", m ? m->key_size : 0, m ? m->value_size : 0);
    }
    if (t != SCALAR_VALUE && r->off) {
        SEP();
        APPEND("off=");
        if (p < n)
            p += (size_t)snum(b + p, n - p, r->off);
    }
    if (type_is_pkt(t)) {
        SEP();
        APPEND("r=");
        if (p < n)
            p += (size_t)unum(b + p, n - p, (uint64_t)(int64_t)r->range);
    }
    if (base_type(t) == PTR_TO_MEM) {
        SEP();
        APPEND("sz=");
        if (p < n)
            p += (size_t)unum(b + p, n - p, r->mem_size);
    }
    if (tnum_is_const(r->var_off)) {
        if (r->var_off.value) {
            SEP();
            APPEND("imm=");
            if (p < n)
                p += (size_t)snum(b + p, n - p, (int64_t)r->var_off.value);
        }
    } else {
        if (p < n)
            p += scalar_ranges(r, b + p, n - p, &sep);
        if (!tnum_is_unknown(r->var_off)) {
            char tn[48];
            tnum_strn(tn, sizeof(tn), r->var_off);
            SEP();
            APPEND("var_off=%s", tn);
        }
    }
    APPEND(")");
}

void v_reg_str(const struct venv *env, const struct vreg *r, char *buf, size_t n)
{
    reg_str(env, r, r->frameno, buf, n);
}

static const char slot_char[] = {[STACK_INVALID] = '?', [STACK_SPILL] = 'r',
                                 [STACK_MISC] = 'm', [STACK_ZERO] = '0'};

void v_print_state(struct venv *env, const struct vstate *st, uint32_t frameno, bool print_all)
{
    const struct vframe *f = st->frame[frameno];
    char buf[512];
    if (f->frameno)
        verbose(env, " frame%u:", f->frameno);
    for (uint32_t i = 0; i < V_MAX_REG; i++) {
        const struct vreg *r = &f->regs[i];
        if (r->type == NOT_INIT)
            continue;
        if (!print_all && !(env->scratched_regs & (1u << i)))
            continue;
        reg_str(env, r, f->frameno, buf, sizeof(buf));
        verbose(env, " R%u=%s", i, buf);
    }
    for (uint32_t i = 0; i < f->allocated / 8; i++) {
        if (!print_all && !(env->scratched_slots & (1ull << i)))
            continue;
        const struct vslot *s = &f->stack[i];
        char types[9];
        bool valid = false;
        for (int j = 0; j < 8; j++) {
            if (s->type[j] != STACK_INVALID)
                valid = true;
            types[j] = slot_char[s->type[j]];
        }
        types[8] = '\0';
        if (!valid)
            continue;
        int off = -(int)(i + 1) * 8;
        if (s->type[7] == STACK_SPILL) {
            int j = 0;
            while (j < 8 && s->type[j] != STACK_SPILL)
                j++;
            types[j] = '\0';
            reg_str(env, &s->spilled, f->frameno, buf, sizeof(buf));
            verbose(env, " fp%d=%s%s", off, types, buf);
        } else {
            verbose(env, " fp%d=%s", off, types);
        }
    }
    if (st->n_refs && st->refs[0].id) {
        verbose(env, " refs=%u", st->refs[0].id);
        for (uint32_t i = 1; i < st->n_refs; i++)
            if (st->refs[i].id)
                verbose(env, ",%u", st->refs[i].id);
    }
    if (f->in_callback_fn)
        verbose(env, " cb");
    verbose(env, "\n");
    if (!print_all)
        v_clear_scratched(env);
}

/* round_up(max(pos + 4, 40), 8) - pos - 1: where the ';' goes. */
static size_t vlog_alignment(size_t pos)
{
    size_t m = pos + 4 > 40 ? pos + 4 : 40;
    return (m + 7) / 8 * 8 - pos - 1;
}

void v_print_insn_state(struct venv *env, const struct vstate *st, uint32_t frameno)
{
    if (!env->log.level)
        return;
    if (env->prev_log_pos && env->prev_log_pos == env->log.len) {
        vlog_reset(&env->log, env->prev_log_pos - 1); /* drop the newline */
        verbose(env, "%*c;", (int)vlog_alignment(env->prev_insn_print_pos), ' ');
    } else {
        verbose(env, "%u:", env->insn_idx);
    }
    v_print_state(env, st, frameno, false);
}

/* The instruction with the fields the kernel's printer ignores cleared, so
 * that an instruction rejected for a reserved field prints as the kernel
 * prints it ("r0 += 1"), not as our disassembler's ".insn" directive. */
static struct bpf_insn printable(const struct bpf_insn *in)
{
    struct bpf_insn c = *in;
    uint8_t cls = BPF_CLASS(c.code), op = BPF_OP(c.code);
    bool x = BPF_SRC(c.code) == BPF_X;
    switch (cls) {
    case BPF_ALU:
    case BPF_ALU64:
        if (op == BPF_NEG) {
            c.src_reg = 0;
            c.off = 0;
            c.imm = 0;
        } else if (op == BPF_END) {
            c.src_reg = 0;
            c.off = 0;
        } else if (!x) {
            c.src_reg = 0;
            if (!((op == BPF_DIV || op == BPF_MOD) && c.off == 1))
                c.off = 0;
        } else {
            c.imm = 0;
            bool sx = op == BPF_MOV && (c.off == 8 || c.off == 16 || (cls == BPF_ALU64 && c.off == 32));
            if (!sx && !((op == BPF_DIV || op == BPF_MOD) && c.off == 1))
                c.off = 0;
        }
        break;
    case BPF_JMP:
    case BPF_JMP32:
        if (op == BPF_EXIT) {
            c.src_reg = c.dst_reg = 0;
            c.off = 0;
            c.imm = 0;
        } else if (op == BPF_CALL) {
            c.dst_reg = 0;
            if (c.src_reg != BPF_PSEUDO_KFUNC_CALL)
                c.off = 0;
        } else if (op == BPF_JA) {
            c.src_reg = c.dst_reg = 0;
            if (cls == BPF_JMP)
                c.imm = 0;
            else
                c.off = 0;
        } else if (x) {
            c.imm = 0;
        } else {
            c.src_reg = 0;
        }
        break;
    case BPF_ST:
        c.src_reg = 0;
        break;
    case BPF_STX:
        if (BPF_MODE(c.code) == BPF_MEM)
            c.imm = 0;
        break;
    case BPF_LDX:
        c.imm = 0;
        break;
    case BPF_LD:
        if (BPF_MODE(c.code) == BPF_ABS || BPF_MODE(c.code) == BPF_IND) {
            c.dst_reg = 0;
            c.off = 0;
            if (BPF_MODE(c.code) == BPF_ABS)
                c.src_reg = 0;
        }
        break;
    }
    return c;
}

void v_print_insn(struct venv *env, uint32_t idx)
{
    char text[160];
    vm_disasm_insn(env->insns, env->len, idx, text, sizeof(text));
    const struct bpf_insn *in = &env->insns[idx];
    if (!strncmp(text, ".insn", 5)) {
        struct bpf_insn c = printable(in);
        char alt[160];
        vm_disasm_insn(&c, 1, 0, alt, sizeof(alt));
        if (strncmp(alt, ".insn", 5))
            memcpy(text, alt, sizeof(text));
    }
    if (vm_insn_is_lddw(in)) {
        /* the kernel prints the 64-bit value; map references show the map's
         * address, which user space does not have: 0x0 as for !allow_ptr_leaks */
        uint64_t imm = (uint64_t)(uint32_t)in->imm;
        if (idx + 1 < env->len)
            imm |= (uint64_t)(uint32_t)env->insns[idx + 1].imm << 32;
        /* a function pointer prints its relative offset, as given */
        if (in->src_reg != 0 && in->src_reg != BPF_PSEUDO_FUNC)
            imm = 0;
        snprintf(text, sizeof(text), "r%u = 0x%llx", in->dst_reg, (unsigned long long)imm);
    }
    verbose(env, "(%02x) %s\n", in->code, text);
}
