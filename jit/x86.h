/* jit/x86.h - a small x86-64 instruction encoder for the JIT (private to
 * jit/). Every function appends one instruction to an xbuf; register
 * operands are the hardware numbers below, memory operands [base + disp]
 * or [base + index*scale + disp]. Jumps to labels are emitted by the
 * compiler (jit/jit_compile.c), which owns labels and fixups. */
#ifndef BPFEMU_JIT_X86_H
#define BPFEMU_JIT_X86_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum x86_reg {
    RAX = 0, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
    R8, R9, R10, R11, R12, R13, R14, R15,
};

/* condition codes (the low nibble of jcc / setcc) */
enum x86_cc {
    CC_O = 0, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A,
    CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G,
};

struct xbuf {
    uint8_t *p;
    size_t len, cap;
    bool oom;
};

static inline void x_byte(struct xbuf *b, uint8_t v)
{
    if (b->len == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 4096;
        uint8_t *np = realloc(b->p, nc);
        if (!np) {
            b->oom = true;
            b->len = 0; /* keep writing somewhere harmless */
            return;
        }
        b->p = np;
        b->cap = nc;
    }
    b->p[b->len++] = v;
}

static inline void x_u16(struct xbuf *b, uint16_t v)
{
    x_byte(b, (uint8_t)v);
    x_byte(b, (uint8_t)(v >> 8));
}

static inline void x_u32(struct xbuf *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        x_byte(b, (uint8_t)(v >> (8 * i)));
}

static inline void x_u64(struct xbuf *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        x_byte(b, (uint8_t)(v >> (8 * i)));
}

static inline bool x_fits8(int64_t v) { return v >= -128 && v <= 127; }
static inline bool x_fits32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/* An r/m operand: a register, or memory [base + index*scale + disp]. */
struct xm {
    int8_t base;   /* register number */
    int8_t index;  /* -1: none */
    uint8_t scale; /* 1, 2, 4, 8 */
    bool is_reg;
    int32_t disp;
};

static inline struct xm XR(int r) { return (struct xm){.base = (int8_t)r, .index = -1, .scale = 1, .is_reg = true}; }
static inline struct xm XM(int base, int32_t disp)
{
    return (struct xm){.base = (int8_t)base, .index = -1, .scale = 1, .disp = disp};
}
static inline struct xm XMI(int base, int index, unsigned scale, int32_t disp)
{
    return (struct xm){.base = (int8_t)base, .index = (int8_t)index, .scale = (uint8_t)scale, .disp = disp};
}

/* flags of x_op */
#define XF_W 0x01      /* REX.W: 64-bit operand */
#define XF_66 0x02     /* operand-size prefix: 16-bit operand */
#define XF_BREG 0x04   /* the reg field is a byte register (spl..dil need a REX) */
#define XF_BRM 0x08    /* the r/m register is a byte register */
#define XF_LOCK 0x10   /* lock prefix */

/* prefixes, REX, opcode (1-3 bytes), ModRM, SIB, displacement. `reg` is a
 * register number or an opcode extension (/0../7). */
static inline void x_op(struct xbuf *b, unsigned flags, uint32_t opcode, unsigned oplen, int reg,
                        struct xm rm)
{
    if (flags & XF_LOCK)
        x_byte(b, 0xf0);
    if (flags & XF_66)
        x_byte(b, 0x66);
    uint8_t rex = 0x40;
    if (flags & XF_W)
        rex |= 8;
    if (reg & 8)
        rex |= 4;
    if (!rm.is_reg && rm.index >= 0 && (rm.index & 8))
        rex |= 2;
    if (rm.base & 8)
        rex |= 1;
    bool need = rex != 0x40 || ((flags & XF_BREG) && reg >= 4 && reg <= 7) ||
                ((flags & XF_BRM) && rm.is_reg && rm.base >= 4 && rm.base <= 7);
    if (need)
        x_byte(b, rex);
    for (int i = (int)oplen - 1; i >= 0; i--)
        x_byte(b, (uint8_t)(opcode >> (8 * i)));
    uint8_t r3 = (uint8_t)((reg & 7) << 3);
    if (rm.is_reg) {
        x_byte(b, (uint8_t)(0xc0 | r3 | (rm.base & 7)));
        return;
    }
    int base = rm.base & 7;
    bool sib = base == 4 || rm.index >= 0;
    unsigned mod = (rm.disp == 0 && base != 5) ? 0 : x_fits8(rm.disp) ? 1 : 2;
    x_byte(b, (uint8_t)((mod << 6) | r3 | (sib ? 4 : base)));
    if (sib) {
        unsigned ss = rm.scale == 8 ? 3 : rm.scale == 4 ? 2 : rm.scale == 2 ? 1 : 0;
        unsigned idx = rm.index >= 0 ? (unsigned)(rm.index & 7) : 4;
        x_byte(b, (uint8_t)((ss << 6) | (idx << 3) | (unsigned)base));
    }
    if (mod == 1)
        x_byte(b, (uint8_t)(int8_t)rm.disp);
    else if (mod == 2)
        x_u32(b, (uint32_t)rm.disp);
}

/* ------------------------------------------------------------- moves ---- */

/* mov dst, src (64 or 32 bits; the 32-bit form zero-extends) */
static inline void x_mov_rr(struct xbuf *b, bool w, int dst, int src)
{
    x_op(b, w ? XF_W : 0, 0x89, 1, src, XR(dst));
}

/* dst = imm (64-bit value), shortest encoding */
static inline void x_mov_imm64(struct xbuf *b, int dst, uint64_t v)
{
    if (v == 0) { /* xor r32, r32 (flags are never live across it here) */
        if (dst & 8)
            x_byte(b, 0x45);
        x_byte(b, 0x31);
        x_byte(b, (uint8_t)(0xc0 | ((dst & 7) << 3) | (dst & 7)));
    } else if (v <= UINT32_MAX) { /* mov r32, imm32 zero-extends */
        if (dst & 8)
            x_byte(b, 0x41);
        x_byte(b, (uint8_t)(0xb8 + (dst & 7)));
        x_u32(b, (uint32_t)v);
    } else if (x_fits32((int64_t)v)) {
        x_op(b, XF_W, 0xc7, 1, 0, XR(dst));
        x_u32(b, (uint32_t)v);
    } else {
        x_byte(b, (uint8_t)(0x48 | ((dst & 8) ? 1 : 0)));
        x_byte(b, (uint8_t)(0xb8 + (dst & 7)));
        x_u64(b, v);
    }
}

/* movabs dst, imm64 (always 10 bytes: addresses patched or shown as is) */
static inline void x_movabs(struct xbuf *b, int dst, uint64_t v)
{
    x_byte(b, (uint8_t)(0x48 | ((dst & 8) ? 1 : 0)));
    x_byte(b, (uint8_t)(0xb8 + (dst & 7)));
    x_u64(b, v);
}

/* load/store of `size` bytes: dst = zero-extended [m] */
static inline void x_load(struct xbuf *b, unsigned size, int dst, struct xm m)
{
    switch (size) {
    case 1: x_op(b, 0, 0x0fb6, 2, dst, m); break;      /* movzx r32, byte */
    case 2: x_op(b, 0, 0x0fb7, 2, dst, m); break;      /* movzx r32, word */
    case 4: x_op(b, 0, 0x8b, 1, dst, m); break;        /* mov r32, dword */
    default: x_op(b, XF_W, 0x8b, 1, dst, m); break;    /* mov r64, qword */
    }
}

/* dst = sign-extended [m] (to 64 bits) */
static inline void x_load_sx(struct xbuf *b, unsigned size, int dst, struct xm m)
{
    switch (size) {
    case 1: x_op(b, XF_W, 0x0fbe, 2, dst, m); break;   /* movsx r64, byte */
    case 2: x_op(b, XF_W, 0x0fbf, 2, dst, m); break;   /* movsx r64, word */
    case 4: x_op(b, XF_W, 0x63, 1, dst, m); break;     /* movsxd r64, dword */
    default: x_op(b, XF_W, 0x8b, 1, dst, m); break;
    }
}

static inline void x_store(struct xbuf *b, unsigned size, struct xm m, int src)
{
    switch (size) {
    case 1: x_op(b, XF_BREG, 0x88, 1, src, m); break;
    case 2: x_op(b, XF_66, 0x89, 1, src, m); break;
    case 4: x_op(b, 0, 0x89, 1, src, m); break;
    default: x_op(b, XF_W, 0x89, 1, src, m); break;
    }
}

/* [m] = imm (the 8-byte form stores the sign-extended imm32) */
static inline void x_store_imm(struct xbuf *b, unsigned size, struct xm m, int32_t imm)
{
    switch (size) {
    case 1: x_op(b, 0, 0xc6, 1, 0, m); x_byte(b, (uint8_t)imm); break;
    case 2: x_op(b, XF_66, 0xc7, 1, 0, m); x_u16(b, (uint16_t)imm); break;
    case 4: x_op(b, 0, 0xc7, 1, 0, m); x_u32(b, (uint32_t)imm); break;
    default: x_op(b, XF_W, 0xc7, 1, 0, m); x_u32(b, (uint32_t)imm); break;
    }
}

static inline void x_lea(struct xbuf *b, int dst, struct xm m) { x_op(b, XF_W, 0x8d, 1, dst, m); }

/* --------------------------------------------------------------- ALU ---- */

/* the classic ALU group: opcode (reg form "op r/m, reg") and /ext */
enum x86_alu { XA_ADD = 0, XA_OR = 1, XA_AND = 4, XA_SUB = 5, XA_XOR = 6, XA_CMP = 7 };

static inline void x_alu_rr(struct xbuf *b, bool w, enum x86_alu op, int dst, int src)
{
    x_op(b, w ? XF_W : 0, (uint32_t)(op << 3) | 1, 1, src, XR(dst));
}

/* op r/m, imm (sign-extended imm8/imm32) */
static inline void x_alu_mi(struct xbuf *b, bool w, enum x86_alu op, struct xm m, int32_t imm)
{
    if (x_fits8(imm)) {
        x_op(b, w ? XF_W : 0, 0x83, 1, op, m);
        x_byte(b, (uint8_t)imm);
    } else {
        x_op(b, w ? XF_W : 0, 0x81, 1, op, m);
        x_u32(b, (uint32_t)imm);
    }
}

static inline void x_alu_ri(struct xbuf *b, bool w, enum x86_alu op, int dst, int32_t imm)
{
    x_alu_mi(b, w, op, XR(dst), imm);
}

/* op reg, [m] (the "reg, r/m" direction) */
static inline void x_alu_rm(struct xbuf *b, bool w, enum x86_alu op, int reg, struct xm m)
{
    x_op(b, w ? XF_W : 0, (uint32_t)(op << 3) | 3, 1, reg, m);
}

static inline void x_test_rr(struct xbuf *b, bool w, int a, int c) { x_op(b, w ? XF_W : 0, 0x85, 1, c, XR(a)); }

static inline void x_test_ri(struct xbuf *b, bool w, int r, int32_t imm)
{
    x_op(b, w ? XF_W : 0, 0xf7, 1, 0, XR(r));
    x_u32(b, (uint32_t)imm);
}

static inline void x_imul_rr(struct xbuf *b, bool w, int dst, int src)
{
    x_op(b, w ? XF_W : 0, 0x0faf, 2, dst, XR(src));
}

static inline void x_imul_ri(struct xbuf *b, bool w, int dst, int32_t imm)
{
    if (x_fits8(imm)) {
        x_op(b, w ? XF_W : 0, 0x6b, 1, dst, XR(dst));
        x_byte(b, (uint8_t)imm);
    } else {
        x_op(b, w ? XF_W : 0, 0x69, 1, dst, XR(dst));
        x_u32(b, (uint32_t)imm);
    }
}

/* F7 group: /2 not, /3 neg, /4 mul, /6 div, /7 idiv */
static inline void x_f7(struct xbuf *b, bool w, int ext, int r) { x_op(b, w ? XF_W : 0, 0xf7, 1, ext, XR(r)); }

/* shifts: /4 shl, /5 shr, /7 sar, /0 rol, /1 ror */
static inline void x_shift_ri(struct xbuf *b, unsigned flags, int ext, int r, uint8_t n)
{
    if (n == 1) {
        x_op(b, flags, 0xd1, 1, ext, XR(r));
    } else {
        x_op(b, flags, 0xc1, 1, ext, XR(r));
        x_byte(b, n);
    }
}

static inline void x_shift_cl(struct xbuf *b, bool w, int ext, int r) { x_op(b, w ? XF_W : 0, 0xd3, 1, ext, XR(r)); }

/* BMI2 shlx/shrx/sarx dst, src, cnt: pp 1 = shlx (66), 2 = sarx (F3), 3 = shrx (F2) */
static inline void x_shiftx(struct xbuf *b, bool w, unsigned pp, int dst, int src, int cnt)
{
    x_byte(b, 0xc4);
    x_byte(b, (uint8_t)(((dst & 8) ? 0 : 0x80) | 0x40 | ((src & 8) ? 0 : 0x20) | 0x02));
    x_byte(b, (uint8_t)((w ? 0x80 : 0) | ((~cnt & 15) << 3) | pp));
    x_byte(b, 0xf7);
    x_byte(b, (uint8_t)(0xc0 | ((dst & 7) << 3) | (src & 7)));
}

static inline void x_bswap(struct xbuf *b, bool w, int r)
{
    uint8_t rex = (uint8_t)(0x40 | (w ? 8 : 0) | ((r & 8) ? 1 : 0));
    if (rex != 0x40)
        x_byte(b, rex);
    x_byte(b, 0x0f);
    x_byte(b, (uint8_t)(0xc8 + (r & 7)));
}

/* ------------------------------------------------------- stack, misc ---- */

static inline void x_push(struct xbuf *b, int r)
{
    if (r & 8)
        x_byte(b, 0x41);
    x_byte(b, (uint8_t)(0x50 + (r & 7)));
}

static inline void x_pop(struct xbuf *b, int r)
{
    if (r & 8)
        x_byte(b, 0x41);
    x_byte(b, (uint8_t)(0x58 + (r & 7)));
}

static inline void x_ret(struct xbuf *b) { x_byte(b, 0xc3); }

static inline void x_call_r(struct xbuf *b, int r) { x_op(b, 0, 0xff, 1, 2, XR(r)); }
static inline void x_jmp_r(struct xbuf *b, int r) { x_op(b, 0, 0xff, 1, 4, XR(r)); }
static inline void x_jmp_m(struct xbuf *b, struct xm m) { x_op(b, 0, 0xff, 1, 4, m); }
static inline void x_call_m(struct xbuf *b, struct xm m) { x_op(b, 0, 0xff, 1, 2, m); }

static inline void x_int3(struct xbuf *b) { x_byte(b, 0xcc); }

#endif
