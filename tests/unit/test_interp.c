/* Interpreter semantics (RFC 9669 / kernel) and checked-mode faults, in
 * both modes. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "insn.h"
#include "vm/vm.h"

struct outcome {
    int rc;
    uint64_t r0;
    uint64_t insns;
    char msg[VM_ERR_LEN];
};

static struct outcome run_mode(const struct bpf_insn *insns, size_t n, void *mem, size_t len,
                               enum vm_mode mode, uint64_t budget)
{
    struct outcome o = {0};
    char err[VM_ERR_LEN];
    struct vm_prog *p;
    struct vm *vm;
    cr_assert_eq(vm_prog_from_bytes(insns, n * 8, "t", &p, err, sizeof err), 0, "%s", err);
    int rc = vm_create(p, &vm, err, sizeof err);
    vm_prog_free(p);
    cr_assert_eq(rc, 0, "%s", err);
    vm_set_mode(vm, mode);
    if (budget)
        vm_set_budget(vm, budget);
    struct vm_run *run = malloc(sizeof(*run));
    vm_run_init(run, vm);
    run->args[0] = (uintptr_t)mem;
    run->args[1] = len;
    if (mem)
        vm_run_add_region(run, mem, len, VM_REGION_RW, 0, "mem");
    o.rc = vm_run_exec(run);
    o.r0 = run->r0;
    o.insns = run->insns_executed;
    strcpy(o.msg, run->errmsg);
    free(run);
    vm_destroy(vm);
    return o;
}

/* Run in both modes; they must agree. */
static uint64_t run_both(const struct bpf_insn *insns, size_t n)
{
    struct outcome c = run_mode(insns, n, NULL, 0, VM_MODE_CHECKED, 0);
    struct outcome t = run_mode(insns, n, NULL, 0, VM_MODE_TRUSTED, 0);
    cr_assert_eq(c.rc, 0, "checked: %s", c.msg);
    cr_assert_eq(t.rc, 0, "trusted: %s", t.msg);
    cr_assert_eq(c.r0, t.r0);
    cr_assert_eq(c.insns, t.insns);
    return c.r0;
}
#define RUN(...) ({ struct bpf_insn p_[] = {__VA_ARGS__}; run_both(p_, N(p_)); })

Test(interp, div_mod_by_zero)
{
    cr_assert_eq(RUN(MOV64_IMM(0, 7), MOV64_IMM(1, 0), ALU64_REG(BPF_DIV, 0, 1), EXIT()), 0);
    cr_assert_eq(RUN(MOV64_IMM(0, 7), MOV64_IMM(1, 0), ALU64_REG(BPF_MOD, 0, 1), EXIT()), 7);
    /* 32-bit modulo by zero keeps dst but zero-extends it */
    cr_assert_eq(RUN(LDDW(0, 0x1234567800000009ull), MOV64_IMM(1, 0), ALU32_REG(BPF_MOD, 0, 1), EXIT()), 9);
    cr_assert_eq(RUN(LDDW(0, 0x1234567800000009ull), MOV64_IMM(1, 0), ALU32_REG(BPF_DIV, 0, 1), EXIT()), 0);
    /* div32 with a register uses only the divisor's low 32 bits */
    cr_assert_eq(RUN(MOV64_IMM(0, 10), LDDW(1, 0x100000002ull), ALU32_REG(BPF_DIV, 0, 1), EXIT()), 5);
}

Test(interp, signed_div_mod)
{
    struct bpf_insn sdiv_min[] = {LDDW(0, 0x8000000000000000ull), MOV64_IMM(1, -1),
                                  I(BPF_ALU64 | BPF_DIV | BPF_X, 0, 1, 1, 0), EXIT()};
    cr_assert_eq(run_both(sdiv_min, N(sdiv_min)), 0x8000000000000000ull);
    struct bpf_insn smod_min[] = {LDDW(0, 0x8000000000000000ull), MOV64_IMM(1, -1),
                                  I(BPF_ALU64 | BPF_MOD | BPF_X, 0, 1, 1, 0), EXIT()};
    cr_assert_eq(run_both(smod_min, N(smod_min)), 0);
    struct bpf_insn sdiv32[] = {MOV32_IMM(0, -7), I(BPF_ALU | BPF_DIV | BPF_K, 0, 0, 1, 2), EXIT()};
    cr_assert_eq(run_both(sdiv32, N(sdiv32)), (uint32_t)-3);
    struct bpf_insn smod64[] = {MOV64_IMM(0, -7), I(BPF_ALU64 | BPF_MOD | BPF_K, 0, 0, 1, 2), EXIT()};
    cr_assert_eq(run_both(smod64, N(smod64)), (uint64_t)-1);
    struct bpf_insn smod_zero[] = {MOV64_IMM(0, -7), MOV64_IMM(1, 0),
                                   I(BPF_ALU64 | BPF_MOD | BPF_X, 0, 1, 1, 0), EXIT()};
    cr_assert_eq(run_both(smod_zero, N(smod_zero)), (uint64_t)-7);
    struct bpf_insn sdiv32_min[] = {MOV32_IMM(0, INT32_MIN), I(BPF_ALU | BPF_DIV | BPF_K, 0, 0, 1, -1), EXIT()};
    cr_assert_eq(run_both(sdiv32_min, N(sdiv32_min)), 0x80000000u);
}

Test(interp, shifts_are_masked)
{
    cr_assert_eq(RUN(MOV64_IMM(0, 1), ALU32_IMM(BPF_LSH, 0, 60), EXIT()), 1u << 28);
    cr_assert_eq(RUN(MOV64_IMM(0, 1), MOV64_IMM(1, 65), ALU64_REG(BPF_LSH, 0, 1), EXIT()), 2);
    cr_assert_eq(RUN(MOV64_IMM(0, -16), ALU64_IMM(BPF_ARSH, 0, 2), EXIT()), (uint64_t)-4);
    cr_assert_eq(RUN(MOV32_IMM(0, -16), ALU32_IMM(BPF_ARSH, 0, 2), EXIT()), (uint32_t)-4);
}

Test(interp, alu32_zero_extends_and_imm_sign_extends)
{
    cr_assert_eq(RUN(MOV64_IMM(0, -1), ALU32_IMM(BPF_ADD, 0, 1), EXIT()), 0);
    cr_assert_eq(RUN(MOV64_IMM(0, -1), EXIT()), UINT64_MAX);
    cr_assert_eq(RUN(MOV32_IMM(0, -1), EXIT()), 0xffffffffull);
    cr_assert_eq(RUN(MOV64_IMM(0, 0), ALU64_IMM(BPF_OR, 0, -2), EXIT()), (uint64_t)-2);
    cr_assert_eq(RUN(MOV64_IMM(0, 5), I(BPF_ALU64 | BPF_NEG, 0, 0, 0, 0), EXIT()), (uint64_t)-5);
    cr_assert_eq(RUN(MOV64_IMM(0, 5), I(BPF_ALU | BPF_NEG, 0, 0, 0, 0), EXIT()), (uint32_t)-5);
}

Test(interp, movsx_and_byteswap)
{
    cr_assert_eq(RUN(MOV64_IMM(1, 0x80), I(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 8, 0), EXIT()), (uint64_t)-128);
    cr_assert_eq(RUN(MOV64_IMM(1, 0x8000), I(BPF_ALU | BPF_MOV | BPF_X, 0, 1, 16, 0), EXIT()), 0xffff8000ull);
    cr_assert_eq(RUN(MOV32_IMM(1, INT32_MIN), I(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 32, 0), EXIT()),
                 0xffffffff80000000ull);
    cr_assert_eq(RUN(LDDW(0, 0x1122334455667788ull), I(BPF_ALU | BPF_END | BPF_X, 0, 0, 0, 16), EXIT()), 0x8877);
    cr_assert_eq(RUN(LDDW(0, 0x1122334455667788ull), I(BPF_ALU | BPF_END | BPF_X, 0, 0, 0, 64), EXIT()),
                 0x8877665544332211ull);
    cr_assert_eq(RUN(LDDW(0, 0x1122334455667788ull), I(BPF_ALU | BPF_END | BPF_K, 0, 0, 0, 32), EXIT()),
                 0x55667788);
    cr_assert_eq(RUN(LDDW(0, 0x1122334455667788ull), I(BPF_ALU64 | BPF_END | BPF_K, 0, 0, 0, 32), EXIT()),
                 0x88776655);
}

Test(interp, stack_loads_stores_and_sign_extension)
{
    cr_assert_eq(RUN(ST(BPF_DW, 10, -8, -2), LDX(BPF_W, 0, 10, -8), EXIT()), 0xfffffffe);
    cr_assert_eq(RUN(ST(BPF_DW, 10, -8, -2), LDXSX(BPF_H, 0, 10, -8), EXIT()), (uint64_t)-2);
    cr_assert_eq(RUN(MOV64_IMM(1, 0x1ff), STX(BPF_B, 10, 1, -1), LDX(BPF_B, 0, 10, -1), EXIT()), 0xff);
    cr_assert_eq(RUN(MOV64_IMM(1, 0x1ff), STX(BPF_B, 10, 1, -1), LDXSX(BPF_B, 0, 10, -1), EXIT()),
                 (uint64_t)-1);
}

Test(interp, atomics)
{
    cr_assert_eq(RUN(ST(BPF_DW, 10, -8, 40), MOV64_IMM(1, 2), ATOMIC(BPF_DW, 10, 1, -8, BPF_ADD | BPF_FETCH),
                     LDX(BPF_DW, 0, 10, -8), ALU64_REG(BPF_ADD, 0, 1), EXIT()), 82);
    /* cmpxchg: r0 gets the old value; the store happens only on a match */
    cr_assert_eq(RUN(ST(BPF_DW, 10, -8, 5), MOV64_IMM(0, 5), MOV64_IMM(1, 9),
                     ATOMIC(BPF_DW, 10, 1, -8, BPF_CMPXCHG), LDX(BPF_DW, 2, 10, -8),
                     ALU64_IMM(BPF_LSH, 0, 8), ALU64_REG(BPF_OR, 0, 2), EXIT()), (5 << 8) | 9);
    cr_assert_eq(RUN(ST(BPF_W, 10, -4, 7), MOV64_IMM(0, 1), MOV64_IMM(1, 9),
                     ATOMIC(BPF_W, 10, 1, -4, BPF_CMPXCHG), LDX(BPF_W, 2, 10, -4),
                     ALU64_IMM(BPF_LSH, 0, 8), ALU64_REG(BPF_OR, 0, 2), EXIT()), (7 << 8) | 7);
    cr_assert_eq(RUN(ST(BPF_W, 10, -4, 3), MOV64_IMM(1, -1), ATOMIC(BPF_W, 10, 1, -4, BPF_XCHG),
                     MOV64_REG(0, 1), EXIT()), 3);
}

Test(interp, jumps_signed_and_32bit)
{
    /* -1 s< 1 in 64 bits; 0xffffffff > 1 unsigned in 32 bits */
    cr_assert_eq(RUN(MOV64_IMM(1, -1), MOV64_IMM(0, 0), I(BPF_JMP | BPF_JSLT | BPF_K, 1, 0, 1, 1),
                     EXIT(), MOV64_IMM(0, 1), EXIT()), 1);
    cr_assert_eq(RUN(LDDW(1, 0x1ffffffffull), MOV64_IMM(0, 0), JMP32_IMM(BPF_JEQ, 1, -1, 1),
                     EXIT(), MOV64_IMM(0, 1), EXIT()), 1);
    cr_assert_eq(RUN(MOV64_IMM(1, 5), MOV64_IMM(0, 0), I(BPF_JMP32 | BPF_JSGT | BPF_K, 1, 0, 1, -3),
                     EXIT(), MOV64_IMM(0, 1), EXIT()), 1);
    /* a bounded loop: sum 1..10 */
    cr_assert_eq(RUN(MOV64_IMM(0, 0), MOV64_IMM(1, 10), ALU64_REG(BPF_ADD, 0, 1),
                     ALU64_IMM(BPF_SUB, 1, 1), JMP_IMM(BPF_JNE, 1, 0, -3), EXIT()), 55);
    /* gotol */
    cr_assert_eq(RUN(MOV64_IMM(0, 1), I(BPF_JMP32 | BPF_JA, 0, 0, 0, 1), MOV64_IMM(0, 2), EXIT()), 1);
}

Test(interp, local_calls_have_frames_and_preserve_r6_r9)
{
    cr_assert_eq(RUN(MOV64_IMM(6, 6), ST(BPF_DW, 10, -8, 100), MOV64_IMM(1, 3), CALL_LOCAL(4),
                     LDX(BPF_DW, 1, 10, -8), ALU64_REG(BPF_ADD, 0, 1), ALU64_REG(BPF_ADD, 0, 6),
                     EXIT(),
                     /* callee: own stack frame, clobbers r6 */
                     ST(BPF_DW, 10, -8, 1000), MOV64_IMM(6, 0), LDX(BPF_DW, 0, 10, -8),
                     ALU64_REG(BPF_ADD, 0, 1), EXIT()),
                 1003 + 100 + 6);
}

Test(interp, call_depth_limit)
{
    struct bpf_insn p[] = {CALL_LOCAL(-1), EXIT()};
    struct outcome o = run_mode(p, N(p), NULL, 0, VM_MODE_CHECKED, 0);
    cr_assert_eq(o.rc, -EOVERFLOW);
    cr_assert_str_eq(o.msg, "insn 0 (call pc-1): call depth exceeds 8 frames");
}

static uint64_t helper_add(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, struct vm_run *run)
{
    return a + b + c + d + e;
}

static uint64_t helper_fault(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, struct vm_run *run)
{
    vm_run_fault(run, -EINVAL, "helper says no");
    return 0;
}

Test(interp, helpers_and_faults)
{
    struct bpf_insn p[] = {MOV64_IMM(1, 1), MOV64_IMM(2, 2), MOV64_IMM(3, 3), MOV64_IMM(4, 4),
                           MOV64_IMM(5, 5), CALL(900), EXIT()};
    char err[VM_ERR_LEN];
    struct vm_prog *prog;
    struct vm *vm;
    cr_assert_eq(vm_prog_from_bytes(p, sizeof p, "t", &prog, err, sizeof err), 0);
    cr_assert_eq(vm_create(prog, &vm, err, sizeof err), 0);
    vm_prog_free(prog);
    static struct vm_run run;
    vm_run_init(&run, vm);
    cr_assert_eq(vm_run_exec(&run), -ENOENT);
    cr_assert_str_eq(run.errmsg, "insn 5 (call unknown#900): call to unknown helper #900");
    vm_register_helper(vm, 900, "add", helper_add);
    cr_assert_eq(vm_run_exec(&run), 0);
    cr_assert_eq(run.r0, 15);
    vm_register_helper(vm, 900, "fault", helper_fault);
    cr_assert_eq(vm_run_exec(&run), -EINVAL);
    cr_assert_str_eq(run.errmsg, "insn 5 (call unknown#900): helper says no");
    vm_destroy(vm);
}

Test(interp, checked_out_of_bounds_read)
{
    uint8_t mem[8] = {0};
    struct bpf_insn p[] = {LDX(BPF_W, 0, 1, 6), EXIT()};
    struct outcome o = run_mode(p, N(p), mem, sizeof mem, VM_MODE_CHECKED, 0);
    cr_assert_eq(o.rc, -EFAULT);
    char want[VM_ERR_LEN];
    snprintf(want, sizeof want,
             "insn 0 (r0 = *(u32 *)(r1 +6)): invalid read of 4 bytes at 0x%llx (r1 +6): runs past the end of the region",
             (unsigned long long)(uintptr_t)(mem + 6));
    cr_assert_str_eq(o.msg, want);
    struct bpf_insn q[] = {ST(BPF_DW, 1, -4096, 1), EXIT()};
    o = run_mode(q, N(q), mem, sizeof mem, VM_MODE_CHECKED, 0);
    cr_assert_eq(o.rc, -EFAULT);
    cr_assert(strstr(o.msg, "insn 0 (*(u64 *)(r1 -4096) = 1): invalid write of 8 bytes at 0x") == o.msg, "%s", o.msg);
    cr_assert(strstr(o.msg, "(r1 -4096): not inside any memory the program may access"), "%s", o.msg);
    /* a NULL dereference is caught too */
    struct bpf_insn z[] = {MOV64_IMM(1, 0), LDX(BPF_DW, 0, 1, 0), EXIT()};
    o = run_mode(z, N(z), NULL, 0, VM_MODE_CHECKED, 0);
    cr_assert_str_eq(o.msg, "insn 1 (r0 = *(u64 *)(r1 +0)): invalid read of 8 bytes at 0x0 (r1 +0): "
                            "not inside any memory the program may access");
    /* just below the stack */
    struct bpf_insn s[] = {LDX(BPF_DW, 0, 10, -4097), EXIT()};
    o = run_mode(s, N(s), NULL, 0, VM_MODE_CHECKED, 0);
    cr_assert_eq(o.rc, -EFAULT);
}

Test(interp, budget_exhaustion)
{
    struct bpf_insn p[] = {MOV64_IMM(0, 0), ALU64_IMM(BPF_ADD, 0, 1), JA(-2), EXIT()};
    struct outcome o = run_mode(p, N(p), NULL, 0, VM_MODE_CHECKED, 1000);
    cr_assert_eq(o.rc, -E2BIG);
    cr_assert_str_eq(o.msg, "insn 2 (goto pc-2): instruction budget of 1000 exhausted");
    cr_assert_geq(o.insns, 1000);
    cr_assert_lt(o.insns, 1010);
}

Test(interp, misaligned_atomic_is_caught)
{
    struct bpf_insn p[] = {MOV64_IMM(1, 1), ATOMIC(BPF_DW, 10, 1, -12, BPF_ADD), EXIT()};
    struct outcome o = run_mode(p, N(p), NULL, 0, VM_MODE_CHECKED, 0);
    cr_assert_eq(o.rc, -EFAULT);
    cr_assert(strstr(o.msg, "misaligned atomic access"), "%s", o.msg);
}

Test(interp, fall_off_end)
{
    struct bpf_insn p[] = {MOV64_IMM(0, 0)};
    struct outcome o = run_mode(p, N(p), NULL, 0, VM_MODE_CHECKED, 0);
    cr_assert_eq(o.rc, -EFAULT);
    cr_assert_str_eq(o.msg, "insn 0 (r0 = 0): fell off the end of the program (last insn is not exit or a jump)");
}

Test(interp, readonly_region)
{
    uint8_t ro[16] = {1};
    struct bpf_insn p[] = {LDX(BPF_B, 0, 1, 0), ST(BPF_B, 1, 0, 5), EXIT()};
    char err[VM_ERR_LEN];
    struct vm_prog *prog;
    struct vm *vm;
    cr_assert_eq(vm_prog_from_bytes(p, sizeof p, "t", &prog, err, sizeof err), 0);
    cr_assert_eq(vm_create(prog, &vm, err, sizeof err), 0);
    vm_prog_free(prog);
    static struct vm_run run;
    vm_run_init(&run, vm);
    run.args[0] = (uintptr_t)ro;
    vm_run_add_region(&run, ro, sizeof ro, VM_REGION_READ, 0, "ctx");
    cr_assert_eq(vm_run_exec(&run), -EFAULT);
    cr_assert(strstr(run.errmsg, "insn 1 (*(u8 *)(r1 +0) = 5): invalid write of 1 byte"), "%s", run.errmsg);
    cr_assert(strstr(run.errmsg, "region is read-only"), "%s", run.errmsg);
    vm_destroy(vm);
}

/* --- structural checks at load -------------------------------------- */

static const char *load_error(const void *bytes, size_t len)
{
    static char err[VM_ERR_LEN];
    struct vm_prog *p;
    struct vm *vm;
    int rc = vm_prog_from_bytes(bytes, len, "t", &p, err, sizeof err);
    if (rc)
        return err;
    rc = vm_create(p, &vm, err, sizeof err);
    vm_prog_free(p);
    if (!rc) {
        vm_destroy(vm);
        return "";
    }
    return err;
}

Test(prog_check, bad_programs)
{
    struct bpf_insn ok[] = {MOV64_IMM(0, 0), EXIT()};
    cr_assert_str_eq(load_error(ok, sizeof ok), "");
    cr_assert_str_eq(load_error(ok, 12), "12 bytes is not a multiple of 8 (truncated bytecode: 4 trailing bytes)");
    cr_assert_str_eq(load_error(ok, 0), "program is empty");
    struct bpf_insn unk[] = {MOV64_IMM(0, 0), I(0xff, 0, 0, 0, 0), EXIT()};
    cr_assert_str_eq(load_error(unk, sizeof unk), "insn 1: unknown opcode 0xff");
    struct bpf_insn jmp[] = {MOV64_IMM(0, 0), JA(5), EXIT()};
    cr_assert_str_eq(load_error(jmp, sizeof jmp), "insn 1: jump out of range from insn 1 to 7");
    struct bpf_insn back[] = {JA(-2), EXIT()};
    cr_assert_str_eq(load_error(back, sizeof back), "insn 0: jump out of range from insn 0 to -1");
    struct bpf_insn half[] = {MOV64_IMM(0, 0), LDDW_LO(1, 5)};
    cr_assert_str_eq(load_error(half, sizeof half), "insn 1: lddw missing its second half");
    struct bpf_insn half2[] = {LDDW_LO(1, 5), EXIT()};
    cr_assert_str_eq(load_error(half2, sizeof half2), "insn 0: lddw missing its second half");
    struct bpf_insn mid[] = {JA(1), LDDW(1, 5), EXIT()};
    cr_assert_str_eq(load_error(mid, sizeof mid), "insn 0: jump into the middle of lddw at insn 1");
    struct bpf_insn reg[] = {MOV64_IMM(11, 0), EXIT()};
    cr_assert_str_eq(load_error(reg, sizeof reg), "insn 0: invalid register r11");
    struct bpf_insn sx[] = {I(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 7, 0), EXIT()};
    cr_assert_str_eq(load_error(sx, sizeof sx), "insn 0: movsx off must be 8, 16 (or 32 for 64-bit) (opcode 0xbf)");
    struct bpf_insn call[] = {CALL_LOCAL(5), EXIT()};
    cr_assert_str_eq(load_error(call, sizeof call), "insn 0: jump out of range from insn 0 to 6");
}

/* A ctx region answers field loads the way the kernel's rewrite would: a
 * 32-bit load of field 0 yields a full 64-bit pointer; field 8 is writable. */
static uint64_t ctx_field8;
static int ctx_cb(struct vm_run *run, const struct vm_region *r, uint32_t off, unsigned size,
                  bool write, uint64_t *value, const char **why)
{
    if (off == 0 && size == 4 && !write) {
        *value = 0x123456789abcull;
        return 0;
    }
    if (off == 8 && size == 4) {
        if (write)
            ctx_field8 = (uint32_t)*value;
        else
            *value = ctx_field8;
        return 0;
    }
    *why = "no such field";
    return -EACCES;
}

static struct outcome run_ctx(const struct bpf_insn *insns, size_t n)
{
    struct outcome o = {0};
    char err[VM_ERR_LEN];
    struct vm_prog *p;
    struct vm *vm;
    cr_assert_eq(vm_prog_from_bytes(insns, n * 8, "t", &p, err, sizeof err), 0);
    cr_assert_eq(vm_create(p, &vm, err, sizeof err), 0, "%s", err);
    vm_prog_free(p);
    static struct vm_run run;
    static uint8_t fake[24];
    vm_run_init(&run, vm);
    run.args[0] = (uintptr_t)fake;
    struct vm_region r = {.start = (uintptr_t)fake, .end = (uintptr_t)fake + sizeof fake,
                          .flags = VM_REGION_RW | VM_REGION_CTX, .name = "ctx",
                          .ctx_access = ctx_cb};
    cr_assert_eq(vm_run_add_region_desc(&run, &r), 0);
    o.rc = vm_run_exec(&run);
    o.r0 = run.r0;
    strcpy(o.msg, run.errmsg);
    vm_destroy(vm);
    return o;
}

Test(interp, ctx_accesses_go_through_the_accessor)
{
    struct bpf_insn load[] = {LDX(BPF_W, 0, 1, 0), EXIT()};
    struct outcome o = run_ctx(load, N(load));
    cr_assert_eq(o.rc, 0, "%s", o.msg);
    cr_assert_eq(o.r0, 0x123456789abcull);
    struct bpf_insn store[] = {MOV64_IMM(2, 77), STX(BPF_W, 1, 2, 8), LDX(BPF_W, 0, 1, 8), EXIT()};
    o = run_ctx(store, N(store));
    cr_assert_eq(o.rc, 0, "%s", o.msg);
    cr_assert_eq(o.r0, 77);
    cr_assert_eq(ctx_field8, 77);
    struct bpf_insn bad[] = {LDX(BPF_H, 0, 1, 2), EXIT()};
    o = run_ctx(bad, N(bad));
    cr_assert_eq(o.rc, -EACCES);
    cr_assert_str_eq(o.msg, "insn 0 (r0 = *(u16 *)(r1 +2)): invalid read from ctx access off=2 size=2: no such field");
    /* immediate stores into ctx are allowed since Linux 6.3 */
    struct bpf_insn st[] = {ST(BPF_W, 1, 8, 9), LDX(BPF_W, 0, 1, 8), EXIT()};
    o = run_ctx(st, N(st));
    cr_assert_eq(o.rc, 0, "%s", o.msg);
    cr_assert_eq(o.r0, 9);
    struct bpf_insn past[] = {LDX(BPF_DW, 0, 1, 20), EXIT()};
    o = run_ctx(past, N(past));
    cr_assert_str_eq(o.msg, "insn 0 (r0 = *(u64 *)(r1 +20)): invalid ctx access at off 20 size 8: runs past the end of the context");
}

/* A helper that calls back into the program, as bpf_loop does: the callback
 * runs in its own frame and its stack does not clobber the caller's. */
static uint64_t helper_loop(uint64_t n, uint64_t fn, uint64_t c, uint64_t d, uint64_t e,
                            struct vm_run *run)
{
    cr_assert_eq(fn >> 32, VM_FUNC_TAG);
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t args[5] = {i, 0, 0, 0, 0}, ret;
        if (vm_run_callback(run, (uint32_t)fn, args, &ret))
            return 0;
        sum += ret;
    }
    return sum;
}

Test(interp, callbacks_run_in_their_own_frame)
{
    struct bpf_insn p[] = {
        ST(BPF_DW, 10, -8, 1000),                               /* 0 */
        I(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 6), /* 1: r2 = &cb (insn 8) */
        I(0, 0, 0, 0, 0),                                       /* 2 */
        MOV64_IMM(1, 4),                                        /* 3 */
        CALL(900),                                              /* 4 */
        LDX(BPF_DW, 1, 10, -8),                                 /* 5 */
        ALU64_REG(BPF_ADD, 0, 1),                               /* 6 */
        EXIT(),                                                 /* 7 */
        /* cb(i): writes its own stack, returns i * 10 */
        ST(BPF_DW, 10, -8, 7),                                  /* 8 */
        MOV64_REG(0, 1),                                        /* 9 */
        ALU64_IMM(BPF_MUL, 0, 10),                              /* 10 */
        EXIT(),                                                 /* 11 */
    };
    char err[VM_ERR_LEN];
    struct vm_prog *prog;
    struct vm *vm;
    cr_assert_eq(vm_prog_from_bytes(p, sizeof p, "t", &prog, err, sizeof err), 0);
    cr_assert_eq(vm_create(prog, &vm, err, sizeof err), 0, "%s", err);
    vm_prog_free(prog);
    vm_register_helper(vm, 900, "loop", helper_loop);
    static struct vm_run run;
    for (int mode = 0; mode < 2; mode++) {
        vm_set_mode(vm, mode ? VM_MODE_TRUSTED : VM_MODE_CHECKED);
        vm_run_init(&run, vm);
        cr_assert_eq(vm_run_exec(&run), 0, "%s", run.errmsg);
        cr_assert_eq(run.r0, (0 + 10 + 20 + 30) + 1000);
        cr_assert_eq(run.insns_executed, 7 + 4 * 4); /* lddw counts once */
    }
    vm_destroy(vm);
}

Test(interp, coverage_counts_slots_and_taken_jumps)
{
    /* r0 = sum 1..3 with a loop; then a never-taken branch */
    struct bpf_insn p[] = {MOV64_IMM(0, 0), MOV64_IMM(1, 3), ALU64_REG(BPF_ADD, 0, 1),
                           ALU64_IMM(BPF_SUB, 1, 1), JMP_IMM(BPF_JNE, 1, 0, -3),
                           JMP_IMM(BPF_JEQ, 0, 99, 1), EXIT(), MOV64_IMM(0, 1), EXIT()};
    char err[VM_ERR_LEN];
    struct vm_prog *prog;
    struct vm *vm;
    cr_assert_eq(vm_prog_from_bytes(p, sizeof p, "t", &prog, err, sizeof err), 0);
    cr_assert_eq(vm_create(prog, &vm, err, sizeof err), 0, "%s", err);
    vm_prog_free(prog);
    cr_assert_null(vm_coverage_hits(vm));
    cr_assert_eq(vm_coverage_enable(vm), 0);
    static struct vm_run run;
    vm_run_init(&run, vm);
    for (int i = 0; i < 2; i++)
        cr_assert_eq(vm_run_exec(&run), 0, "%s", run.errmsg);
    cr_assert_eq(run.r0, 6);
    const uint64_t *hits = vm_coverage_hits(vm), *taken = vm_coverage_taken(vm);
    uint64_t want_hits[] = {2, 2, 6, 6, 6, 2, 2, 0, 0};
    uint64_t want_taken[] = {0, 0, 0, 0, 4, 0, 0, 0, 0};
    for (unsigned i = 0; i < N(p); i++) {
        cr_assert_eq(hits[i], want_hits[i], "slot %u: %llu hits", i, (unsigned long long)hits[i]);
        cr_assert_eq(taken[i], want_taken[i], "slot %u: %llu taken", i, (unsigned long long)taken[i]);
    }
    vm_destroy(vm);
}
