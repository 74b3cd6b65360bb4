/* tests/unit/test_asm.c - vm_asm: the bpf_conformance syntax, the
 * kernel/LLVM syntax, listings, labels, the whole bpf_conformance suite,
 * and exact error messages. */
#include <criterion/criterion.h>

#include "vm/vm.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A slot as bpf_conformance's raw format writes it (see its README). */
static uint64_t u64_of(const struct bpf_insn *in)
{
    return (uint64_t)in->code | (uint64_t)in->dst_reg << 8 | (uint64_t)in->src_reg << 12 |
           (uint64_t)(uint16_t)in->off << 16 | (uint64_t)(uint32_t)in->imm << 32;
}

/* Assemble `text`; the slots must equal `want` (n of them). */
static void check_asm(const char *text, const uint64_t *want, size_t n)
{
    struct vm_prog *p = NULL;
    char err[VM_ERR_LEN] = "";
    int rc = vm_asm(text, strlen(text), "t", &p, err, sizeof(err));
    cr_assert_eq(rc, 0, "'%s': %s", text, err);
    cr_assert_eq(p->len, n, "'%s': %u slots, %zu expected", text, p->len, n);
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(u64_of(&p->insns[i]), want[i], "'%s' slot %zu: 0x%016llx, want 0x%016llx",
                     text, i, (unsigned long long)u64_of(&p->insns[i]),
                     (unsigned long long)want[i]);
    vm_prog_free(p);
}

struct one {
    const char *text;
    uint64_t slot;
};

static void check_table(const struct one *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check_asm(t[i].text, &t[i].slot, 1);
}

/* -------------------------------------------------- conformance syntax ---- */

static const struct one conf[] = {
    {"mov %r0, 1", 0x00000001000000b7},
    {"mov64 %r0, 1", 0x00000001000000b7},
    {"mov32 %r0, 1", 0x00000001000000b4},
    {"mov %r0, %r1", 0x00000000000010bf},
    {"mov32 %r0, %r1", 0x00000000000010bc},
    {"mov %r0, -1", 0xffffffff000000b7},
    {"mov %r0, 0xffffffff", 0xffffffff000000b7},
    {"mov %r0, 0x80000000", 0x80000000000000b7},
    {"mov %r0, -2147483648", 0x80000000000000b7},
    {"add %r1, 2", 0x0000000200000107},
    {"add32 %r1, %r2", 0x000000000000210c},
    {"sub %r1, %r2", 0x000000000000211f},
    {"mul32 %r3, 7", 0x0000000700000324},
    {"div %r1, %r2", 0x000000000000213f},
    {"or %r1, 4", 0x0000000400000147},
    {"and32 %r1, 4", 0x0000000400000154},
    {"lsh %r1, 4", 0x0000000400000167},
    {"rsh32 %r1, %r2", 0x000000000000217c},
    {"mod %r1, 4", 0x0000000400000197},
    {"xor %r1, %r10", 0x000000000000a1af},
    {"arsh32 %r1, 4", 0x00000004000001c4},
    {"neg %r2", 0x0000000000000287},
    {"neg32 %r2", 0x0000000000000284},
    {"sdiv %r1, %r2", 0x000000000001213f},
    {"sdiv32 %r1, 3", 0x0000000300010134},
    {"smod %r1, -3", 0xfffffffd00010197},
    {"smod32 %r1, %r2", 0x000000000001219c},
    {"movsx864 %r1, %r2", 0x00000000000821bf},
    {"movsx1664 %r1, %r2", 0x00000000001021bf},
    {"movsx3264 %r1, %r2", 0x00000000002021bf},
    {"movsx832 %r1, %r2", 0x00000000000821bc},
    {"movsx1632 %r1, %r2", 0x00000000001021bc},
    {"le16 %r3", 0x00000010000003d4},
    {"le64 %r3", 0x00000040000003d4},
    {"be32 %r3", 0x00000020000003dc},
    {"bswap16 %r3", 0x00000010000003d7},
    {"swap64 %r3", 0x00000040000003d7},
    {"ldxb %r0, [%r1]", 0x0000000000001071},
    {"ldxh %r0, [%r1+2]", 0x0000000000021069},
    {"ldxw %r0, [%r1-4]", 0x00000000fffc1061},
    {"ldxdw %r0, [%r1+0x10]", 0x0000000000101079},
    {"ldxdw %r0, [%r1+0xffff]", 0x00000000ffff1079},
    {"ldxw %r0, [%r10-32768]", 0x000000008000a061},
    {"ldxsb %r0, [%r1+1]", 0x0000000000011091},
    {"ldxsh %r0, [%r1+1]", 0x0000000000011089},
    {"ldxsw %r0, [%r1+1]", 0x0000000000011081},
    {"stb [%r1+2], 3", 0x0000000300020172},
    {"sth [%r1+2], -3", 0xfffffffd0002016a},
    {"stw [%r1], 0x7fffffff", 0x7fffffff00000162},
    {"stdw [%r1-8], 1", 0x00000001fff8017a},
    {"stxb [%r1+2], %r3", 0x0000000000023173},
    {"stxh [%r1+2], %r3", 0x000000000002316b},
    {"stxw [%r1+2], %r3", 0x0000000000023163},
    {"stxdw [%r10-8], %r3", 0x00000000fff83a7b},
    {"lock add [%r1+0], %r2", 0x00000000000021db},
    {"lock add32 [%r1+0], %r2", 0x00000000000021c3},
    {"lock fetch add [%r1+0], %r2", 0x00000001000021db},
    {"lock fetch add32 [%r1+4], %r2", 0x00000001000421c3},
    {"lock or [%r1], %r2", 0x00000040000021db},
    {"lock fetch or32 [%r1], %r2", 0x00000041000021c3},
    {"lock and [%r1], %r2", 0x00000050000021db},
    {"lock fetch and [%r1], %r2", 0x00000051000021db},
    {"lock xor32 [%r1], %r2", 0x000000a0000021c3},
    {"lock fetch xor [%r1], %r2", 0x000000a1000021db},
    {"lock xchg [%r1], %r2", 0x000000e1000021db},
    {"lock xchg32 [%r1], %r2", 0x000000e1000021c3},
    {"lock cmpxchg [%r1], %r2", 0x000000f1000021db},
    {"lock cmpxchg32 [%r1], %r2", 0x000000f1000021c3},
    {"ja +5", 0x0000000000050005},
    {"ja -1", 0x00000000ffff0005},
    {"ja32 +5", 0x0000000500000006},
    {"ja32 -100000", 0xfffe796000000006},
    {"jeq %r1, 5, +2", 0x0000000500020115},
    {"jeq %r1, %r2, +2", 0x000000000002211d},
    {"jgt %r1, 0xffffffff, -2", 0xfffffffffffe0125},
    {"jge %r1, %r2, +2", 0x000000000002213d},
    {"jset %r1, 1, +2", 0x0000000100020145},
    {"jne %r1, %r2, +2", 0x000000000002215d},
    {"jsgt %r1, -1, +2", 0xffffffff00020165},
    {"jsge %r1, %r2, +2", 0x000000000002217d},
    {"jlt %r1, 1, +2", 0x00000001000201a5},
    {"jle %r1, %r2, +2", 0x00000000000221bd},
    {"jslt %r1, 1, +2", 0x00000001000201c5},
    {"jsle %r1, %r2, +2", 0x00000000000221dd},
    {"jeq32 %r1, 5, +2", 0x0000000500020116},
    {"jne32 %r1, %r2, +2", 0x000000000002215e},
    {"jsle32 %r1, %r2, +2", 0x00000000000221de},
    {"call 5", 0x0000000500000085},
    {"call helper 5", 0x0000000500000085},
    {"call helper bpf_ktime_get_ns", 0x0000000500000085},
    {"call %r2", 0x000000000000028d},
    {"call local +3", 0x0000000300001085},
    {"exit", 0x0000000000000095},
    {"ldabsw 5", 0x0000000500000020},
    {"ldindh %r1, 5", 0x0000000500001048},
    /* lenient forms */
    {"mov r0, r1", 0x00000000000010bf},
    {"mov %r0,%r1", 0x00000000000010bf},
    {"mov %r0 %r1", 0x00000000000010bf},
    {"ldxw %r0, [ %r1 + 4 ]", 0x0000000000041061},
    {"  mov %r0, 1   # comment", 0x00000001000000b7},
};

Test(asm, conformance_syntax)
{
    check_table(conf, N(conf));
}

Test(asm, conformance_lddw)
{
    static const uint64_t a[] = {0x5566778800000018, 0x1122334400000000};
    check_asm("lddw %r0, 0x1122334455667788", a, 2);
    static const uint64_t b[] = {0xffffffff00000318, 0xffffffff00000000};
    check_asm("lddw %r3, -1", b, 2);
    check_asm("lddw %r3, 0xffffffffffffffff", b, 2);
    check_asm("lddw %r3, 18446744073709551615", b, 2);
    static const uint64_t c[] = {0x0000000000000018, 0x8000000000000000};
    check_asm("lddw %r0, -9223372036854775808", c, 2);
}

Test(asm, labels)
{
    /* Backward and forward references, a label on an lddw (2 slots), the
     * implicit `exit`, `ja32` and `call local` by label. */
    const char *text = "start:\n"
                       "mov %r0, 0\n"
                       "lddw %r1, 1\n"
                       "jeq %r0, 0, fwd\n"
                       "ja start\n"
                       "fwd:\n"
                       "jne %r0, %r1, exit\n"
                       "ja32 fwd\n"
                       "call local fn\n"
                       "exit\n"
                       "fn:\n"
                       "exit\n";
    static const uint64_t want[] = {
        0x00000000000000b7, /* 0 mov */
        0x0000000100000118, /* 1 lddw */
        0x0000000000000000, /* 2 */
        0x0000000000010015, /* 3 jeq -> 5: off 1 */
        0x00000000fffb0005, /* 4 ja -> 0: off -5 */
        0x000000000002105d, /* 5 fwd: jne -> exit (8): off 2 */
        0xfffffffe00000006, /* 6 ja32 -> 5: imm -2 */
        0x0000000100001085, /* 7 call local -> 9: imm 1 */
        0x0000000000000095, /* 8 */
        0x0000000000000095, /* 9 fn */
    };
    check_asm(text, want, N(want));
}

Test(asm, explicit_exit_label_wins)
{
    static const uint64_t want[] = {0x0000000000010005, 0x0000000000000095,
                                    0x0000000000000095};
    check_asm("ja exit\nexit\nexit:\nexit\n", want, 3);
}

/* ------------------------------------------------------- kernel syntax ---- */

static const struct one kern[] = {
    {"r0 = r1", 0x00000000000010bf},
    {"w0 = w1", 0x00000000000010bc},
    {"r0 += 5", 0x0000000500000007},
    {"r0 += -1", 0xffffffff00000007},
    {"r0 += 0xffffffff", 0xffffffff00000007},
    {"r0 += -0x1", 0xffffffff00000007},
    {"w0 -= w1", 0x000000000000101c},
    {"r0 *= r1", 0x000000000000102f},
    {"r0 /= 3", 0x0000000300000037},
    {"r0 |= r1", 0x000000000000104f},
    {"r0 &= 1", 0x0000000100000057},
    {"r0 <<= 1", 0x0000000100000067},
    {"r0 >>= r1", 0x000000000000107f},
    {"r0 %= 3", 0x0000000300000097},
    {"r0 ^= r1", 0x00000000000010af},
    {"r0 s>>= 3", 0x00000003000000c7},
    {"r0 = -r0", 0x0000000000000087},
    {"w0 = -w0", 0x0000000000000084},
    {"r0 s/= r1", 0x000000000001103f},
    {"r0 s%= r1", 0x000000000001109f},
    {"w0 s/= 2", 0x0000000200010034},
    {"r0 = (s8)r1", 0x00000000000810bf},
    {"r0 = (s16)r1", 0x00000000001010bf},
    {"r0 = (s32)r1", 0x00000000002010bf},
    {"w0 = (s8)w1", 0x00000000000810bc},
    {"w0 = (s16)w1", 0x00000000001010bc},
    {"r0 = be16 r0", 0x00000010000000dc},
    {"r0 = le32 r0", 0x00000020000000d4},
    {"r0 = bswap64 r0", 0x00000040000000d7},
    {"r0 = 5", 0x00000005000000b7},
    {"r0 = -2147483648", 0x80000000000000b7},
    {"w0 = 0xffffffff", 0xffffffff000000b4},
    {"r0 = *(u32 *)(r1 +4)", 0x0000000000041061},
    {"r0 = *(u32 *)(r1 + 4)", 0x0000000000041061},
    {"r0 = *(u32 *)(r1 + 0x4)", 0x0000000000041061},
    {"r0 = *(u64 *)(r10 - 0x8)", 0x00000000fff8a079},
    {"w0 = *(u8 *)(r1 + 0)", 0x0000000000001071},
    {"r0 = *(s16 *)(r1 -2)", 0x00000000fffe1089},
    {"r0 = *(s8 *)(r1 +0)", 0x0000000000001091},
    {"r0 = *(s32 *)(r1 +0)", 0x0000000000001081},
    {"*(u8 *)(r10 -8) = r1", 0x00000000fff81a73},
    {"*(u32 *)(r10 - 4) = w1", 0x00000000fffc1a63},
    {"*(u32 *)(r1 +0) = 5", 0x0000000500000162},
    {"*(u64 *)(r1 +0) = -1", 0xffffffff0000017a},
    {"*(u16 *)(r1 +2) = 0x10", 0x000000100002016a},
    {"lock *(u64 *)(r1 +0) += r2", 0x00000000000021db},
    {"lock *(u32 *)(r1 + 0) += w2", 0x00000000000021c3},
    {"lock *(u64 *)(r1 +0) |= r2", 0x00000040000021db},
    {"lock *(u64 *)(r1 +0) &= r2", 0x00000050000021db},
    {"lock *(u32 *)(r1 +0) ^= r2", 0x000000a0000021c3},
    {"r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)", 0x00000001000021db},
    {"r2 = atomic_fetch_add((u32 *)(r1 +0), r2)", 0x00000001000021c3},
    {"r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)", 0x00000001000021db},
    {"w2 = atomic_fetch_and((u32 *)(r1 + 0), w2)", 0x00000051000021c3},
    {"r2 = atomic64_fetch_or((u64 *)(r1 +0), r2)", 0x00000041000021db},
    {"r2 = atomic64_fetch_xor((u64 *)(r1 +0), r2)", 0x000000a1000021db},
    {"r2 = atomic64_xchg((u64 *)(r1 +0), r2)", 0x000000e1000021db},
    {"r2 = atomic_xchg((u32 *)(r1 +0), r2)", 0x000000e1000021c3},
    {"r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)", 0x000000f1000021db},
    {"r0 = atomic_cmpxchg((u32 *)(r1 +0), r0, r2)", 0x000000f1000021c3},
    {"r2 = xchg_64(r1 + 0, r2)", 0x000000e1000021db},
    {"w2 = xchg32_32(r1 + 8, w2)", 0x000000e1000821c3},
    {"r0 = cmpxchg_64(r1 + 0, r0, r2)", 0x000000f1000021db},
    {"w0 = cmpxchg32_32(r1 + 0, w0, w2)", 0x000000f1000021c3},
    {"goto pc+5", 0x0000000000050005},
    {"goto +5", 0x0000000000050005},
    {"goto -0x3", 0x00000000fffd0005},
    {"goto +5 <LBB0_2>", 0x0000000000050005},
    {"goto -3 <.text+0x30>", 0x00000000fffd0005},
    {"gotol pc+5", 0x0000000500000006},
    {"gotol -70000", 0xfffeee9000000006},
    {"if r1 > r2 goto pc+3", 0x000000000003212d},
    {"if r1 > r2 goto -3", 0x00000000fffd212d},
    {"if r1 s> 0x5 goto pc-3", 0x00000005fffd0165},
    {"if r1 == 0xffffffff goto pc+1", 0xffffffff00010115},
    {"if r1 == -1 goto +1", 0xffffffff00010115},
    {"if w1 & w2 goto pc+1", 0x000000000001214e},
    {"if w1 s<= 0x0 goto pc+1", 0x00000000000101d6},
    {"if r1 s>= r2 goto pc+1", 0x000000000001217d},
    {"if r1 != r2 goto pc+1", 0x000000000001215d},
    {"if r1 < 3 goto pc+1", 0x00000003000101a5},
    {"call bpf_map_lookup_elem#1", 0x0000000100000085},
    {"call map_lookup_elem#1", 0x0000000100000085},
    {"call bpf_map_lookup_elem", 0x0000000100000085},
    {"call 1", 0x0000000100000085},
    {"call unknown#1234", 0x000004d200000085},
    {"call bpf_some_future_helper#300", 0x0000012c00000085},
    {"call bpf_obj_new_impl#75864", 0x0001285800002085}, /* bpftool's kfunc */
    {"foo: call bpf_map_lookup_elem#1 # c", 0x0000000100000085},
    {"call pc+5", 0x0000000500001085},
    {"call pc-5", 0xfffffffb00001085},
    {"call kernel-function#4242", 0x0000109200002085},
    {"call kernel-function#4242 btf_fd_idx:2", 0x0000109200022085},
    {"callx r2", 0x000000000000028d},
    {"exit", 0x0000000000000095},
    {"r0 = *(u8 *)skb[5]", 0x0000000500000030},
    {"r0 = *(u16 *)skb[r1 + 5]", 0x0000000500001048},
    {"r0 = *(u16 *)skb[r1]", 0x0000000000001048},
    {"r0 = *(u32 *)skb[r1 + -5]", 0xfffffffb00001040},
    {"r0 = *(u32 *)skb[r1 - 5]", 0xfffffffb00001040},
    {".insn 0x00000000000000ff", 0x00000000000000ff},
    {".insn 0xfffffffffffe2107", 0xfffffffffffe2107},
    /* listing prefixes and comments */
    {"   0: (b7) r0 = 0", 0x00000000000000b7},
    {"12: (bf) r0 = r1 ; R0_w=scalar()", 0x00000000000010bf},
    {"(b7) r0 = 0", 0x00000000000000b7},
    {"   3: (b7) r0 = 0x80000000", 0x80000000000000b7}, /* the opcode says mov */
    {"       0:\tb7 00 00 00 02 00 00 00\tr0 = 0x2", 0x00000002000000b7},
    {"       0:\t85 10 00 00 40 00 00 00\tcall 64", 0x0000004000001085},
    {"r0 = 1 # comment", 0x00000001000000b7},
    {"r0 = 1 ; comment", 0x00000001000000b7},
};

Test(asm, kernel_syntax)
{
    check_table(kern, N(kern));
}

Test(asm, kernel_lddw)
{
    static const uint64_t a[] = {0x5566778800000118, 0x1122334400000000};
    check_asm("r1 = 0x1122334455667788 ll", a, 2);
    check_asm("r1 = 0x1122334455667788", a, 2); /* as the kernel prints it */
    check_asm("r1 = 1234605616436508552 ll", a, 2);
    static const uint64_t b[] = {0x0000000500000118, 0x0000000000000000};
    check_asm("r1 = 5 ll", b, 2);
    check_asm("r1 = 0x5 ll", b, 2);
    check_asm("   4: (18) r1 = 0x5", b, 2); /* the opcode says lddw */
    static const uint64_t c[] = {0xffffffff00000118, 0x0000000000000000};
    check_asm("r1 = 0xffffffff", c, 2); /* does not fit a mov's s32 */
    static const uint64_t d[] = {0xffffffff00000118, 0xffffffff00000000};
    check_asm("r1 = -1 ll", d, 2);
    static const uint64_t m1[] = {0x0000000300001118, 0};
    check_asm("r1 = map[fd:3]", m1, 2);
    static const uint64_t m2[] = {0x0000000300002118, 0x0000001000000000};
    check_asm("r1 = map[fd:3][0]+16", m2, 2);
    static const uint64_t m5[] = {0x0000000300005118, 0};
    check_asm("r1 = map[idx:3]", m5, 2);
    static const uint64_t m6[] = {0x0000000300006118, 0x0000001000000000};
    check_asm("r1 = map[idx:3][0]+16", m6, 2);
    static const uint64_t bt[] = {0x000004d200003218, 0x0000000500000000};
    check_asm("r2 = btf_id[1234][fd:5]", bt, 2);
    static const uint64_t fn[] = {0x0000000700004218, 0};
    check_asm("r2 = subprog[+7]", fn, 2);
}

Test(asm, kernel_labels)
{
    const char *text = "r0 = 0\n"
                       "loop:\n"
                       "r0 += 1\n"
                       "if r0 < 10 goto loop\n"
                       "if w0 == 3 goto done\n"
                       "gotol loop\n"
                       "call sub\n"
                       "r1 = subprog[sub]\n"
                       "done: exit\n"
                       "sub:\n"
                       "r0 = 1\n"
                       "exit\n";
    static const uint64_t want[] = {
        0x00000000000000b7, /* 0 */
        0x0000000100000007, /* 1 loop */
        0x0000000afffe00a5, /* 2 -> 1: off -2 */
        0x0000000300040016, /* 3 -> 8: off 4 */
        0xfffffffc00000006, /* 4 -> 1: imm -4 */
        0x0000000300001085, /* 5 -> 9: imm 3 */
        0x0000000200004118, /* 6 lddw -> 9: imm 2 */
        0x0000000000000000, /* 7 */
        0x0000000000000095, /* 8 done */
        0x00000001000000b7, /* 9 sub */
        0x0000000000000095,
    };
    check_asm(text, want, N(want));
}

Test(asm, objdump_listing)
{
    const char *text = "\n"
                       "prog.o:\tfile format elf64-bpf\n"
                       "\n"
                       "Disassembly of section .text:\n"
                       "\n"
                       "0000000000000000 <prog>:\n"
                       "       0:\tb7 00 00 00 00 00 00 00\tr0 = 0\n"
                       "       1:\t05 00 01 00 00 00 00 00\tgoto +1 <LBB0_2>\n"
                       "       2:\t18 01 00 00 05 00 00 00 00 00 00 00 00 00 00 00\tr1 = 5 ll\n"
                       "\n"
                       "0000000000000020 <LBB0_2>:\n"
                       "       4:\t95 00 00 00 00 00 00 00\texit\n";
    static const uint64_t want[] = {0x00000000000000b7, 0x0000000000010005, 0x0000000500000118,
                                    0, 0x0000000000000095};
    check_asm(text, want, N(want));
}

Test(asm, bpftool_listing_with_opcodes_and_source)
{
    const char *text = "; int x = 0;\n"
                       "   0: (b7) r0 = 0\n"
                       "       b7 00 00 00 00 00 00 00\n"
                       "   1: (95) exit\n"
                       "       95 00 00 00 00 00 00 00\n";
    static const uint64_t want[] = {0x00000000000000b7, 0x0000000000000095};
    check_asm(text, want, N(want));
}

Test(asm, mixed_syntaxes_and_crlf)
{
    const char *text = "mov %r0, 1\r\nr0 += 2\r\n  exit\r\n";
    static const uint64_t want[] = {0x00000001000000b7, 0x0000000200000007, 0x95};
    check_asm(text, want, N(want));
}

Test(asm, trailing_nul_is_ignored)
{
    static const char text[] = "exit\n";
    struct vm_prog *p = NULL;
    char err[VM_ERR_LEN];
    cr_assert_eq(vm_asm(text, sizeof(text), "t", &p, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(p->len, 1);
    vm_prog_free(p);
}

/* ---------------------------------------------- the bpf_conformance suite ---- */

static const char *suite_dir(char *buf, size_t len)
{
    const char *shared = getenv("SHARED");
    snprintf(buf, len, "%s/bpf_conformance/tests", shared && *shared ? shared : "../../shared");
    return buf;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    if (buf)
        buf[n < cap ? n : cap - 1] = '\0';
    *len = n;
    return buf;
}

/* The text of section `name` ("asm", "raw") of a .data file, '#' comments
 * kept (the assembler strips them). */
static char *section(const char *data, const char *name)
{
    size_t cap = strlen(data) + 1, n = 0;
    char *out = malloc(cap);
    cr_assert_not_null(out);
    bool in = false;
    for (const char *l = data; *l;) {
        size_t len = strcspn(l, "\n");
        if (strncmp(l, "--", 2) == 0) {
            in = strstr(l, name) && (size_t)(strstr(l, name) - l) < len;
        } else if (in) {
            memcpy(out + n, l, len);
            n += len;
            out[n++] = '\n';
        }
        l += len + (l[len] == '\n');
    }
    out[n] = '\0';
    return out;
}

Test(asm, every_conformance_file_assembles)
{
    char dir[512];
    suite_dir(dir, sizeof(dir));
    DIR *d = opendir(dir);
    if (!d) {
        cr_skip_test("bpf_conformance suite not found at %s (%s)", dir, strerror(errno));
        return;
    }
    unsigned files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t nl = strlen(e->d_name);
        if (nl < 5 || strcmp(e->d_name + nl - 5, ".data") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        size_t len;
        char *data = read_all(path, &len);
        cr_assert_not_null(data, "%s", path);
        char *text = section(data, "asm");
        struct vm_prog *p = NULL;
        char err[VM_ERR_LEN] = "";
        int rc = vm_asm(text, strlen(text), e->d_name, &p, err, sizeof(err));
        cr_expect_eq(rc, 0, "%s: %s", e->d_name, err);
        /* Every program must also survive disasm | asm. */
        if (rc == 0) {
            char *listing = vm_disasm_prog(p);
            struct vm_prog *q = NULL;
            rc = vm_asm(listing, strlen(listing), e->d_name, &q, err, sizeof(err));
            cr_expect_eq(rc, 0, "%s relisted: %s", e->d_name, err);
            if (rc == 0)
                cr_expect(q->len == p->len && !memcmp(q->insns, p->insns, p->len * 8ull),
                          "%s: disasm | asm changed the bytes", e->d_name);
            vm_prog_free(q);
            free(listing);
        }
        vm_prog_free(p);
        free(text);
        free(data);
        files++;
    }
    closedir(d);
    cr_log_info("%u conformance files assembled", files);
    cr_assert_gt(files, 300, "only %u .data files in %s", files, dir);
}

Test(asm, lddw_data_raw_section)
{
    char dir[512], path[600];
    snprintf(path, sizeof(path), "%s/lddw.data", suite_dir(dir, sizeof(dir)));
    size_t len;
    char *data = read_all(path, &len);
    if (!data) {
        cr_skip_test("%s not found (%s)", path, strerror(errno));
        return;
    }
    char *text = section(data, "asm");
    char *raw = section(data, "raw");
    uint64_t want[16];
    size_t n = 0;
    for (char *tok = strtok(raw, " \t\n"); tok && n < N(want); tok = strtok(NULL, " \t\n"))
        want[n++] = strtoull(tok, NULL, 0);
    cr_assert_eq(n, 3, "lddw.data raw has %zu slots", n);
    check_asm(text, want, n);
    free(raw);
    free(text);
    free(data);
}

/* ------------------------------------------------------------ errors ---- */

struct bad {
    const char *text;
    const char *err;
};

static const struct bad bads[] = {
    {"exit\nexit\nfoo %r0, 1", "line 3: unknown mnemonic 'foo'"},
    {"mov %r0, 1\nexit\nmov %r1, 2\nmov %r11, 1", "line 4: register '%r11' out of range"},
    {"r11 = 1", "line 1: register 'r11' out of range"},
    {"exit\nmov32 %r0, 0x100000000", "line 2: immediate '0x100000000' does not fit in 32 bits"},
    {"mov %r0, 2147483648", "line 1: immediate '2147483648' does not fit in 32 bits"},
    {"mov %r0, -2147483649", "line 1: immediate '-2147483649' does not fit in 32 bits"},
    {"r0 += 0x1ffffffff", "line 1: immediate '0x1ffffffff' does not fit in 32 bits"},
    {"a:\nb:\nc:\nd:\nexit\nexit\nja fail", "line 7: undefined label 'fail'"},
    {"if r0 > r1 goto nowhere\nexit", "line 1: undefined label 'nowhere'"},
    {"exit\nexit\nexit\nexit\nldxw %r0, [%r1+4", "line 5: expected ']' in memory operand "
                                                 "'[%r1+4'"},
    {"ldxw %r0, [%r1+40000]", "line 1: offset '+40000' does not fit in 16 bits"},
    {"ldxw %r0, %r1", "line 1: expected memory operand '[%rN+OFF]', got '%r1'"},
    {"mov %r0", "line 1: 'mov' expects 2 operands, got 1"},
    {"exit %r0", "line 1: 'exit' expects 0 operands, got 1"},
    {"jeq %r0, 1", "line 1: 'jeq' expects 3 operands, got 2"},
    {"lddw %r0, 0x10000000000000000",
     "line 1: immediate '0x10000000000000000' does not fit in 64 bits"},
    {"mov %r0, 12abc", "line 1: invalid number '12abc'"},
    {"x:\nx:\nexit", "line 2: duplicate label 'x' (first defined on line 1)"},
    {"lock foo [%r1], %r2", "line 1: unknown atomic operation 'foo'"},
    {"r0 = *(u128 *)(r1 +0)", "line 1: invalid size 'u128'"},
    {"r0 = *(u32 *)(r1 +0", "line 1: expected ')', got end of line"},
    {"r0 ?= 1", "line 1: expected an assignment operator, got '?'"},
    {"if r0 > r1 goto", "line 1: expected jump target, got end of line"},
    {"if r0 > w1 goto +1", "line 1: register 'w1' mixes 32-bit and 64-bit registers"},
    {"r0 = 1 2", "line 1: unexpected '2'"},
    {"call bpf_map_lookup_elem#2", "line 1: helper 'bpf_map_lookup_elem' is #1, not #2"},
    {"call no_such_helper\nexit", "line 1: unknown helper or label 'no_such_helper'"},
    {"goto +40000", "line 1: offset '+40000' does not fit in 16 bits"},
    {"w1 = 5 ll", "line 1: lddw ('ll') needs a 64-bit register, got 'w1'"},
    {"r1 = -r2", "line 1: neg must use one register ('r1 = -r1')"},
    {"r2 = atomic64_fetch_add((u64 *)(r1 +0), r3)",
     "line 1: the result register must be r3, got r2"},
    {"exit\n\x01\x02", "line 2: unknown mnemonic '\x01\x02'"},
    {"", "no instructions"},
    {"# only a comment\n\n", "no instructions"},
};

Test(asm, error_messages)
{
    for (size_t i = 0; i < N(bads); i++) {
        struct vm_prog *p = (struct vm_prog *)1;
        char err[VM_ERR_LEN] = "";
        int rc = vm_asm(bads[i].text, strlen(bads[i].text), "t", &p, err, sizeof(err));
        cr_expect_lt(rc, 0, "case %zu accepted: %s", i, bads[i].text);
        cr_expect_null(p, "case %zu", i);
        cr_expect_str_eq(err, bads[i].err, "case %zu", i);
    }
}

Test(asm, nul_inside_text)
{
    static const char text[] = "exit\nmov %r0,\0 1\nexit\n";
    struct vm_prog *p = NULL;
    char err[VM_ERR_LEN] = "";
    cr_assert_lt(vm_asm(text, sizeof(text) - 1, "t", &p, err, sizeof(err)), 0);
    cr_assert_str_eq(err, "line 2: NUL byte in line");
}

Test(asm, long_line_and_tiny_error_buffer)
{
    size_t n = 100000;
    char *text = malloc(n + 1);
    cr_assert_not_null(text);
    memset(text, 'a', n);
    text[n] = '\0';
    struct vm_prog *p = NULL;
    char err[8];
    cr_assert_lt(vm_asm(text, n, "t", &p, err, sizeof(err)), 0);
    cr_assert_str_eq(err, "line 1:");
    cr_assert_lt(vm_asm(text, n, "t", &p, NULL, 0), 0);
    free(text);
}

/* Truncations of valid lines must fail cleanly or assemble, never crash. */
Test(asm, truncated_lines_never_crash)
{
    static const char *const lines[] = {
        "r2 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)",
        "r1 = map[idx:3][0]+16",
        "r1 = btf_id[1234][fd:5]",
        "r0 = *(u16 *)skb[r1 + 5]",
        "call kernel-function#4242 btf_fd_idx:2",
        "lock fetch add32 [%r1+4], %r2",
        "if w1 s>= 0x5 goto pc-3 <LBB0_3>",
        "   12: (18) r1 = 0x1122334455667788 ll",
        "       0:\t85 10 00 00 40 00 00 00\tcall 64",
        "w0 = cmpxchg32_32(r1 + 0, w0, w2)",
    };
    for (size_t i = 0; i < N(lines); i++) {
        size_t len = strlen(lines[i]);
        for (size_t k = 0; k <= len; k++) {
            struct vm_prog *p = NULL;
            char err[VM_ERR_LEN];
            if (vm_asm(lines[i], k, "t", &p, err, sizeof(err)) == 0)
                vm_prog_free(p);
        }
    }
}
