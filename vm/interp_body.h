/* vm/interp_body.h - the threaded dispatch loop. Included twice by
 * vm/interp.c: VM_CHECKED=1 gives the checked interpreter (every memory
 * access checked against the run's regions, an instruction budget),
 * VM_CHECKED=0 the trusted one for verified programs. Each handler ends by
 * jumping straight to the next handler's label (computed goto), so there is
 * no central switch and no per-instruction decoding.
 *
 * Semantics follow RFC 9669 and the kernel: division by zero gives 0, modulo
 * by zero leaves dst, shift counts are masked, 32-bit results zero-extend,
 * INT_MIN / -1 is INT_MIN and INT_MIN % -1 is 0. */

int VM_INTERP_NAME(struct vm_run *run, const void *const **labels)
{
#define VM_LABEL(name) [VM_OP_##name] = &&op_##name,
    static const void *const table[VM_OP_COUNT] = {VM_OPS(VM_LABEL)};
#undef VM_LABEL
    if (!run) {
        *labels = table;
        return 0;
    }

    const struct vm *vm = run->vm;
    const struct vm_dinsn *const code =
        vm->code[VM_COVERAGE ? VM_CODE_COVERAGE : VM_CHECKED ? VM_MODE_CHECKED : VM_MODE_TRUSTED];
    const struct vm_dinsn *pc = code + run->entry_pc;
    const uintptr_t stack_lo = (uintptr_t)run->stack;
    const uint64_t stack_span = sizeof(run->stack);
    const uint64_t budget = vm->budget;
    uint64_t count = 0;
    uint64_t reg[11];
    struct {
        const struct vm_dinsn *ret;
        uint64_t r6, r7, r8, r9, r10;
    } frames[VM_MAX_CALL_DEPTH];
    const unsigned base_depth = run->entry_depth;
    unsigned depth = base_depth;
    uint64_t bad_addr = 0;
    unsigned bad_size = 0;
    bool bad_write = false;
    int rc;
    (void)stack_lo; (void)stack_span; (void)budget;

    reg[0] = 0;
    for (int i = 0; i < 5; i++)
        reg[i + 1] = run->args[i];
    reg[6] = reg[7] = reg[8] = reg[9] = 0;
    reg[10] = run->entry_fp ? run->entry_fp : stack_lo + stack_span;

#define DST reg[pc->dst]
#define SRC reg[pc->src]
#define IMM ((uint64_t)(int64_t)pc->imm) /* sign-extended, as 64-bit ops use it */
#define IMM32 ((uint32_t)pc->imm)
#if VM_COVERAGE
#define DISPATCH() do { count++; vm->cov_hits[pc - code]++; goto *pc->op; } while (0)
#else
#define DISPATCH() do { count++; goto *pc->op; } while (0)
#endif
#define NEXT() do { pc++; DISPATCH(); } while (0)
#if VM_CHECKED
#define BUDGET() do { if (__builtin_expect(count >= budget, 0)) goto budget_out; } while (0)
#define CHECK(a, sz, fl, wr)                                                   \
    do {                                                                       \
        if (__builtin_expect((a) - stack_lo > stack_span - (sz), 0) &&         \
            !vm_region_ok(run, (a), (sz), (fl))) {                             \
            bad_addr = (a); bad_size = (sz); bad_write = (wr);                 \
            goto bad_access;                                                   \
        }                                                                      \
    } while (0)
#define CHECK_ATOMIC(a, sz)                                                    \
    do {                                                                       \
        if ((a) & ((sz) - 1)) {                                                \
            bad_addr = (a); bad_size = (sz); bad_write = true;                 \
            goto bad_align;                                                    \
        }                                                                      \
        CHECK(a, sz, VM_REGION_RW, true);                                      \
    } while (0)
#else
#define BUDGET() do { } while (0)
#define CHECK(a, sz, fl, wr) do { } while (0)
#define CHECK_ATOMIC(a, sz) do { } while (0)
#endif
/* the budget is checked before a taken jump moves pc, so a fault names the jump */
#if VM_COVERAGE
#define TAKEN() vm->cov_taken[pc - code]++
#else
#define TAKEN() do { } while (0)
#endif
#define TAKE(o) do { BUDGET(); TAKEN(); pc += 1 + (int64_t)(o); DISPATCH(); } while (0)

    DISPATCH();

    /* ------------------------------------------------------------ ALU */
#define ALU2(name, W, ...)                                                     \
    op_##name##W##_K: { const uint64_t s = IMM; (void)s; __VA_ARGS__; NEXT(); } \
    op_##name##W##_X: { const uint64_t s = SRC; (void)s; __VA_ARGS__; NEXT(); }

    ALU2(ADD, 64, DST += s)
    ALU2(SUB, 64, DST -= s)
    ALU2(MUL, 64, DST *= s)
    ALU2(DIV, 64, DST = s ? DST / s : 0)
    ALU2(MOD, 64, DST = s ? DST % s : DST)
    ALU2(SDIV, 64, {
        int64_t d = (int64_t)s;
        DST = d == 0 ? 0 : d == -1 ? 0 - DST : (uint64_t)((int64_t)DST / d);
    })
    ALU2(SMOD, 64, {
        int64_t d = (int64_t)s;
        DST = d == 0 ? DST : d == -1 ? 0 : (uint64_t)((int64_t)DST % d);
    })
    ALU2(OR, 64, DST |= s)
    ALU2(AND, 64, DST &= s)
    ALU2(XOR, 64, DST ^= s)
    ALU2(LSH, 64, DST <<= (s & 63))
    ALU2(RSH, 64, DST >>= (s & 63))
    ALU2(ARSH, 64, DST = (uint64_t)((int64_t)DST >> (s & 63)))
    ALU2(MOV, 64, DST = s)
    op_NEG64: DST = 0 - DST; NEXT();
    op_MOVSX8_64: DST = (uint64_t)(int64_t)(int8_t)SRC; NEXT();
    op_MOVSX16_64: DST = (uint64_t)(int64_t)(int16_t)SRC; NEXT();
    op_MOVSX32_64: DST = (uint64_t)(int64_t)(int32_t)SRC; NEXT();

#define A32 const uint32_t d32 = (uint32_t)DST, s32 = (uint32_t)s; (void)d32; (void)s32
    ALU2(ADD, 32, A32; DST = (uint32_t)(d32 + s32))
    ALU2(SUB, 32, A32; DST = (uint32_t)(d32 - s32))
    ALU2(MUL, 32, A32; DST = (uint32_t)(d32 * s32))
    ALU2(DIV, 32, A32; DST = s32 ? d32 / s32 : 0)
    ALU2(MOD, 32, A32; DST = s32 ? d32 % s32 : d32)
    ALU2(SDIV, 32, {
        A32;
        int32_t d = (int32_t)s32;
        DST = d == 0 ? 0 : d == -1 ? (uint32_t)(0u - d32) : (uint32_t)((int32_t)d32 / d);
    })
    ALU2(SMOD, 32, {
        A32;
        int32_t d = (int32_t)s32;
        DST = d == 0 ? d32 : d == -1 ? 0 : (uint32_t)((int32_t)d32 % d);
    })
    ALU2(OR, 32, A32; DST = d32 | s32)
    ALU2(AND, 32, A32; DST = d32 & s32)
    ALU2(XOR, 32, A32; DST = d32 ^ s32)
    ALU2(LSH, 32, A32; DST = (uint32_t)(d32 << (s32 & 31)))
    ALU2(RSH, 32, A32; DST = d32 >> (s32 & 31))
    ALU2(ARSH, 32, A32; DST = (uint32_t)((int32_t)d32 >> (s32 & 31)))
    ALU2(MOV, 32, DST = (uint32_t)s)
    op_NEG32: DST = (uint32_t)(0u - (uint32_t)DST); NEXT();
    op_MOVSX8_32: DST = (uint32_t)(int32_t)(int8_t)SRC; NEXT();
    op_MOVSX16_32: DST = (uint32_t)(int32_t)(int16_t)SRC; NEXT();
#undef A32

    /* Byte order: the host is little-endian (checked in interp.c). */
    op_LE16: DST = (uint16_t)DST; NEXT();
    op_LE32: DST = (uint32_t)DST; NEXT();
    op_LE64: NEXT();
    op_BE16: op_BSWAP16: DST = __builtin_bswap16((uint16_t)DST); NEXT();
    op_BE32: op_BSWAP32: DST = __builtin_bswap32((uint32_t)DST); NEXT();
    op_BE64: op_BSWAP64: DST = __builtin_bswap64(DST); NEXT();

    /* ------------------------------------------------------ loads/stores */
    op_LDDW:
        DST = (uint64_t)(uint32_t)pc->imm | ((uint64_t)(uint32_t)pc[1].imm << 32);
        pc += 2;
        DISPATCH();

#define LDX(name, type, ext)                                                   \
    op_##name: {                                                               \
        const uint64_t a = SRC + (uint64_t)(int64_t)pc->off;                   \
        type v;                                                                \
        CHECK(a, sizeof(type), VM_REGION_READ, false);                         \
        memcpy(&v, (const void *)(uintptr_t)a, sizeof(type));                  \
        DST = (uint64_t)(ext)v;                                                \
        NEXT();                                                                \
    }
    LDX(LDXB, uint8_t, uint64_t)
    LDX(LDXH, uint16_t, uint64_t)
    LDX(LDXW, uint32_t, uint64_t)
    LDX(LDXDW, uint64_t, uint64_t)
    LDX(LDXSB, int8_t, int64_t)
    LDX(LDXSH, int16_t, int64_t)
    LDX(LDXSW, int32_t, int64_t)

#define STORE(name, type, val)                                                 \
    op_##name: {                                                               \
        const uint64_t a = DST + (uint64_t)(int64_t)pc->off;                   \
        const type v = (type)(val);                                            \
        CHECK(a, sizeof(type), VM_REGION_WRITE, true);                         \
        memcpy((void *)(uintptr_t)a, &v, sizeof(type));                        \
        NEXT();                                                                \
    }
    STORE(STB, uint8_t, IMM)
    STORE(STH, uint16_t, IMM)
    STORE(STW, uint32_t, IMM)
    STORE(STDW, uint64_t, IMM)
    STORE(STXB, uint8_t, SRC)
    STORE(STXH, uint16_t, SRC)
    STORE(STXW, uint32_t, SRC)
    STORE(STXDW, uint64_t, SRC)

    /* ---------------------------------------------------------- atomics */
#define ATOMIC(name, type, body)                                               \
    op_##name: {                                                               \
        const uint64_t a = DST + (uint64_t)(int64_t)pc->off;                   \
        type *p = (type *)(uintptr_t)a;                                        \
        CHECK_ATOMIC(a, sizeof(type));                                         \
        body;                                                                  \
        NEXT();                                                                \
    }
#define ATOMICS(W, type)                                                       \
    ATOMIC(AADD##W, type, __atomic_fetch_add(p, (type)SRC, __ATOMIC_SEQ_CST))  \
    ATOMIC(AOR##W, type, __atomic_fetch_or(p, (type)SRC, __ATOMIC_SEQ_CST))    \
    ATOMIC(AAND##W, type, __atomic_fetch_and(p, (type)SRC, __ATOMIC_SEQ_CST))  \
    ATOMIC(AXOR##W, type, __atomic_fetch_xor(p, (type)SRC, __ATOMIC_SEQ_CST))  \
    ATOMIC(AFADD##W, type, SRC = __atomic_fetch_add(p, (type)SRC, __ATOMIC_SEQ_CST)) \
    ATOMIC(AFOR##W, type, SRC = __atomic_fetch_or(p, (type)SRC, __ATOMIC_SEQ_CST))   \
    ATOMIC(AFAND##W, type, SRC = __atomic_fetch_and(p, (type)SRC, __ATOMIC_SEQ_CST)) \
    ATOMIC(AFXOR##W, type, SRC = __atomic_fetch_xor(p, (type)SRC, __ATOMIC_SEQ_CST)) \
    ATOMIC(AXCHG##W, type, SRC = __atomic_exchange_n(p, (type)SRC, __ATOMIC_SEQ_CST)) \
    ATOMIC(ACMPXCHG##W, type, {                                                \
        type expected = (type)reg[0];                                          \
        __atomic_compare_exchange_n(p, &expected, (type)SRC, false,            \
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);       \
        reg[0] = expected;                                                     \
    })
    ATOMICS(32, uint32_t)
    ATOMICS(64, uint64_t)

    /* ------------------------------------------------------------ jumps */
    op_JA: TAKE(pc->off);
    op_GOTOL: TAKE(pc->imm);
#define JMP(name, cond_k, cond_x)                                              \
    op_##name##64_K: { const uint64_t d = DST, s = IMM; (void)d; (void)s;      \
        if (cond_k) TAKE(pc->off); else NEXT(); }                                   \
    op_##name##64_X: { const uint64_t d = DST, s = SRC; (void)d; (void)s;      \
        if (cond_x) TAKE(pc->off); else NEXT(); }                                   \
    op_##name##32_K: { const uint32_t d = (uint32_t)DST, s = IMM32;            \
        if (cond_k) TAKE(pc->off); else NEXT(); }                                   \
    op_##name##32_X: { const uint32_t d = (uint32_t)DST, s = (uint32_t)SRC;    \
        if (cond_x) TAKE(pc->off); else NEXT(); }
#define JMPS(name, c) JMP(name, c, c)
    /* signed compares convert through the width's signed type */
    JMPS(JEQ, d == s)
    JMPS(JNE, d != s)
    JMPS(JGT, d > s)
    JMPS(JGE, d >= s)
    JMPS(JLT, d < s)
    JMPS(JLE, d <= s)
    JMPS(JSET, (d & s) != 0)
#define SGN(v) (sizeof(d) == 8 ? (int64_t)(v) : (int64_t)(int32_t)(v))
    JMPS(JSGT, SGN(d) > SGN(s))
    JMPS(JSGE, SGN(d) >= SGN(s))
    JMPS(JSLT, SGN(d) < SGN(s))
    JMPS(JSLE, SGN(d) <= SGN(s))
#undef SGN

    /* Legacy packet loads, as the kernel rewrites them: r2 = offset,
     * r1 = r6, a helper call (so a budget check), and when the bytes are
     * outside the packet the function returns 0. Rare: the size comes
     * from the instruction itself. */
    op_LD_ABS: reg[2] = IMM; goto ld_pkt;
    op_LD_IND: reg[2] = SRC + IMM;
    ld_pkt:
        reg[1] = reg[6];
        run->cur_fp = reg[10];
        run->cur_depth = depth;
        reg[0] = vm_ld_pkt_call(run, reg[1], reg[2], vm_size_bytes(vm->prog->insns[pc - code].code));
        if (__builtin_expect(run->stop, 0))
            goto stopped;
        BUDGET();
        if ((int64_t)reg[0] < 0) {
            reg[0] = 0;
            goto op_EXIT;
        }
        NEXT();

    /* ------------------------------------------------------------ calls */
    {
        uint64_t helper_id;
    op_CALL:
        helper_id = (uint32_t)pc->imm;
        goto call_helper;
    op_CALLX:
        helper_id = DST;
    call_helper: {
        vm_helper_fn fn = helper_id < VM_MAX_HELPER_ID ? vm->helpers[helper_id].fn : NULL;
        if (__builtin_expect(!fn, 0)) {
            rc = vm_interp_stop(run, (uint32_t)(pc - code), -ENOENT,
                                "call to unknown helper #%llu", (unsigned long long)helper_id);
            goto out;
        }
        run->cur_fp = reg[10]; /* where a callback's frame goes */
        run->cur_depth = depth;
        reg[0] = fn(reg[1], reg[2], reg[3], reg[4], reg[5], run);
        if (__builtin_expect(run->on_call != NULL, 0))
            run->on_call(run, (uint32_t)helper_id, &reg[1], reg[0]);
        if (__builtin_expect(run->stop, 0))
            goto stopped;
        BUDGET();
        NEXT();
    }
    }
    op_CALL_LOCAL:
        if (__builtin_expect(depth + 1 >= VM_MAX_CALL_DEPTH, 0)) {
            rc = vm_interp_stop(run, (uint32_t)(pc - code), -EOVERFLOW,
                                "call depth exceeds %u frames", VM_MAX_CALL_DEPTH);
            goto out;
        }
        frames[depth].ret = pc + 1;
        frames[depth].r6 = reg[6];
        frames[depth].r7 = reg[7];
        frames[depth].r8 = reg[8];
        frames[depth].r9 = reg[9];
        frames[depth].r10 = reg[10];
        depth++;
        reg[10] -= VM_STACK_SIZE;
        TAKE(pc->imm);
    op_EXIT:
        if (depth == base_depth) {
            run->r0 = reg[0];
            rc = 0;
            goto out;
        }
        depth--;
        pc = frames[depth].ret;
        reg[6] = frames[depth].r6;
        reg[7] = frames[depth].r7;
        reg[8] = frames[depth].r8;
        reg[9] = frames[depth].r9;
        reg[10] = frames[depth].r10;
        DISPATCH();

    /* A load or store the verifier found to access the context: the
     * kernel rewrites these at load time, here the ctx region's accessor
     * answers (trusted code only; checked code finds ctx by address). */
    op_CTX_ACCESS: {
        const struct bpf_insn *in = &vm->prog->insns[pc - code];
        const bool w = BPF_CLASS(in->code) != BPF_LDX;
        uint64_t v = BPF_CLASS(in->code) == BPF_ST ? IMM : SRC;
        rc = vm_interp_slow_access(run, (uint32_t)(pc - code),
                                   (w ? DST : SRC) + (uint64_t)(int64_t)pc->off,
                                   vm_size_bytes(in->code), w, &v);
        if (rc)
            goto out;
        if (!w)
            DST = v;
        NEXT();
    }

    /* ------------------------------------------------------ cold paths */
    op_CALL_KFUNC:
        rc = vm_interp_stop(run, (uint32_t)(pc - code), -ENOTSUP, "kfunc calls are not supported");
        goto out;
    op_FELL_OFF:
        rc = vm_interp_stop(run, (uint32_t)(pc - code) - 1, -EFAULT,
                            "fell off the end of the program (last insn is not exit or a jump)");
        goto out;
    op_INVALID:
        rc = vm_interp_stop(run, (uint32_t)(pc - code), -EFAULT, "executed the second half of a lddw");
        goto out;
    stopped:
        if (run->tail_call && !run->error) {
            rc = 1; /* vm_run_exec starts the next program */
            goto out;
        }
        rc = vm_interp_stop(run, (uint32_t)(pc - code), run->error ? run->error : -EFAULT, "%s",
                            run->errmsg);
        goto out;
#if VM_CHECKED
    budget_out:
        rc = vm_interp_stop(run, (uint32_t)(pc - code), -E2BIG,
                            "instruction budget of %llu exhausted", (unsigned long long)budget);
        goto out;
    bad_access: {
        /* a ctx field, or a fault; the store value is the insn's source */
        const struct bpf_insn *in = &vm->prog->insns[pc - code];
        uint64_t v = BPF_CLASS(in->code) == BPF_ST ? IMM : SRC;
        rc = vm_interp_slow_access(run, (uint32_t)(pc - code), bad_addr, bad_size, bad_write, &v);
        if (rc)
            goto out;
        if (!bad_write)
            DST = v;
        NEXT();
    }
    bad_align:
        rc = vm_interp_bad_access(run, (uint32_t)(pc - code), bad_addr, bad_size, bad_write,
                                  "misaligned atomic access");
        goto out;
#else
    (void)bad_addr; (void)bad_size; (void)bad_write;
#endif
out:
    run->insns_executed = count;
    return rc;

#undef DST
#undef SRC
#undef IMM
#undef IMM32
#undef DISPATCH
#undef NEXT
#undef BUDGET
#undef CHECK
#undef CHECK_ATOMIC
#undef TAKE
#undef TAKEN
#undef ALU2
#undef LDX
#undef STORE
#undef ATOMIC
#undef ATOMICS
#undef JMP
#undef JMPS
}
