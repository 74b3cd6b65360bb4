/* tests/unit/test_cbpf.c - classic BPF (vm/cbpf*.c, tools/cbpf*.c): the
 * kernel's check, the conversion to an eBPF socket filter and its runs.
 *
 *  - over every shipped capture (../corpus/build/pcaps, make -C corpus)
 *    and a set of filter expressions, the converted filter's return value
 *    on every packet equals libpcap's own pcap_offline_filter (interpreter
 *    and JIT, verified; per-packet sessions and single test runs);
 *  - the classic listing equals libpcap's bpf_image line for line;
 *  - hand-written classic programs: ALU ops, division by zero, scratch
 *    memory, jumps, RET A/K, LDX MSH, lengths, ancillary loads;
 *  - the check's and the parser's errors name the instruction or line. */
#include <criterion/criterion.h>

#include "helpers/helpers.h"
#include "jit/jit.h"
#include "tests/unit/cbpf_oracle.h"
#include "tools/cbpf_cli.h"

#include <errno.h>
#include <glob.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(cbpf, .timeout = 120);

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define S(code, k) ((struct sock_filter){(code), 0, 0, (k)})
#define J(code, k, jt, jf) ((struct sock_filter){(code), (jt), (jf), (k)})

/* The expressions compared with libpcap (tcpdump's syntax). */
static const char *const exprs[] = {
    "tcp port 80", "udp", "icmp", "ip6", "vlan", "arp", "tcp[tcpflags] & tcp-syn != 0",
    "ip[2:2] > 100", "ether host 02:00:00:00:00:01", "ether dst 02:00:00:00:00:02",
    "net 10.0.0.0/8", "greater 100", "less 60", "ip and not udp", "port 53 or port 80",
    "icmp6", "vlan and ip", "vlan 100 and tcp", "ether broadcast", "ether multicast",
    "ip multicast", "udp port 53 and ip[8] != 0", "ip[2:2] / ip[3] = 1", "ip[2:2] % 7 = 1",
    "ip[2:2] >> ip[9] > 9", "ip[1] ^ 3 = 3", "udp[0:2] - 5 < 50", "tcp[20] * 2 = 0",
    "len >= 60 and len <= 100", "ip6 and tcp", "host 198.51.100.7", "src net 192.0.2.0/24",
    "tcp dst portrange 20-30", "ip[6:2] & 0x1fff != 0", "ip proto 47", "ip[0] & 0xf != 5",
    "tcp[13] = 0x12", "(tcp or udp) and not port 443", "ether proto 0x88cc", "ip[8] - ip[9] > 32",
};

static const uint8_t pkt_tcp[60] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, /* eth */
    0x45, 0x00, 0x00, 0x2e, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00,             /* ip */
    10, 0, 0, 1, 10, 0, 0, 2,
    0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0x00, 0, 0, 0, 0, /* tcp */
    0xde, 0xad, 0xbe, 0xef, 0x00, 0x00,
};

/* --------------------------------------------------------------- harness */

static struct vm_prog *convert(const struct sock_filter *f, uint32_t n)
{
    char err[VM_ERR_LEN + 128];
    struct vm_prog *p;
    int rc = vm_cbpf_convert(f, n, "cbpf", &p, err, sizeof err);
    cr_assert_eq(rc, 0, "convert: %s", err);
    cr_assert_eq(vm_prog_check(p, err, sizeof err), 0, "converted program: %s", err);
    return p;
}

/* An environment of the converted filter; verified (must be accepted). */
static void env_of(const struct vm_prog *p, unsigned jit, bool verify, struct raw_env *re)
{
    char err[VM_ERR_LEN + 128];
    struct helper_env_opts eo = {.jit = jit};
    cr_assert_eq(raw_env_create(p, BPF_PROG_TYPE_SOCKET_FILTER, "cbpf", "socket", &eo, re, err,
                                sizeof err), 0, "env: %s", err);
    if (!verify)
        return;
    cr_assert_eq(helper_env_verify(re->env, 0, err, sizeof err), 0, "%s", err);
    const struct helper_verdict *v = helper_prog_verdict(re->prog);
    cr_assert(v->accepted, "the verifier rejects the converted filter at insn %d: %s",
              v->error_pc, v->error);
}

/* One test run of a classic program on a packet, as a packet socket; the
 * verified and the checked (unverified) runs must agree. Classic programs
 * may hold unreachable insns (the kernel's classic check allows them, an
 * eBPF verifier does not): those run checked. */
static uint32_t run_prog(const struct sock_filter *f, uint32_t n, const void *pkt, size_t len)
{
    struct vm_prog *p = convert(f, n);
    uint32_t ret[2];
    for (int verify = 0; verify < 2; verify++) {
        struct raw_env re;
        env_of(p, 0, false, &re);
        char verr[VM_ERR_LEN + 128];
        if (verify) {
            cr_assert_eq(helper_env_verify(re.env, 0, verr, sizeof verr), 0, "%s", verr);
            const struct helper_verdict *v = helper_prog_verdict(re.prog);
            cr_assert(v->accepted || strstr(v->error, "unreachable insn"),
                      "the verifier rejects the converted filter at insn %d: %s", v->error_pc,
                      v->error);
        }
        struct helper_test_run tr = {.data_in = pkt, .data_size_in = len, .packet_socket = true};
        char err[VM_ERR_LEN + 128];
        cr_assert_eq(helper_test_run(re.prog, &tr, err, sizeof err), 0, "run: %s", err);
        ret[verify] = tr.retval;
        helper_test_run_free(&tr);
        raw_env_destroy(&re);
    }
    vm_prog_free(p);
    cr_assert_eq(ret[0], ret[1], "checked run %u, verified run %u", ret[0], ret[1]);
    return ret[1];
}

#define RUN(...)                                                                     \
    ({                                                                               \
        const struct sock_filter prog_[] = {__VA_ARGS__};                            \
        run_prog(prog_, (uint32_t)N(prog_), pkt_tcp, sizeof pkt_tcp);                \
    })

static void compile(const char *expr, struct sock_filter **f, uint32_t *n)
{
    struct cbpf_insn *ci;
    char err[256];
    cr_assert_eq(cbpf_pcap_compile(expr, &ci, n, err, sizeof err), 0, "%s: %s", expr, err);
    *f = calloc(*n, sizeof(**f));
    for (uint32_t i = 0; i < *n; i++)
        (*f)[i] = (struct sock_filter){ci[i].code, ci[i].jt, ci[i].jf, ci[i].k};
    free(ci);
}

/* ------------------------------------------------- libpcap as the oracle */

Test(cbpf, verdicts_equal_libpcap_on_shipped_captures)
{
    glob_t g;
    int grc = glob("../corpus/build/pcaps/*.pcap", 0, NULL, &g);
    cr_assert(grc == 0 && g.gl_pathc >= 10, "the corpus captures are missing: make -C corpus");
    uint64_t compared = 0, accepted = 0;
    for (size_t e = 0; e < N(exprs); e++) {
        struct sock_filter *f;
        uint32_t n;
        compile(exprs[e], &f, &n);
        struct cbpf_insn *ci = calloc(n, sizeof(*ci));
        for (uint32_t i = 0; i < n; i++)
            ci[i] = (struct cbpf_insn){f[i].code, f[i].jt, f[i].jf, f[i].k};
        struct vm_prog *p = convert(f, n);
        struct raw_env re[2];
        struct helper_session *s[2];
        char err[VM_ERR_LEN + 128];
        for (int j = 0; j < 2; j++) {
            env_of(p, j ? JIT_CHECKED : 0, true, &re[j]);
            struct helper_session_opts so = {.packet_socket = true};
            cr_assert_eq(helper_session_create(re[j].prog, &so, &s[j], err, sizeof err), 0, "%s",
                         err);
        }
        uint64_t matched = 0;
        for (size_t c = 0; c < g.gl_pathc; c++) {
            struct oracle_pkt *pk;
            size_t np;
            cr_assert_eq(oracle_read(g.gl_pathv[c], &pk, &np, err, sizeof err), 0, "%s", err);
            for (size_t i = 0; i < np; i++) {
                uint32_t want = oracle_filter(ci, n, &pk[i]);
                for (int j = 0; j < 2; j++) {
                    struct helper_pkt_meta meta = {0};
                    struct helper_pkt_result res;
                    int rc = helper_session_run(s[j], pk[i].data, pk[i].caplen, &meta, &res);
                    cr_assert_eq(rc, 0, "'%s' on %s packet %zu (%s): %s", exprs[e],
                                 g.gl_pathv[c], i + 1, j ? "jit" : "interpreter", res.errmsg);
                    cr_assert_eq(res.retval, want, "'%s' on %s packet %zu (%s): bpfemu %u, "
                                 "libpcap %u", exprs[e], g.gl_pathv[c], i + 1,
                                 j ? "jit" : "interpreter", res.retval, want);
                }
                /* and a single test run, on the first capture */
                if (c == 0) {
                    struct helper_test_run tr = {.data_in = pk[i].data,
                                                 .data_size_in = pk[i].caplen,
                                                 .packet_socket = true};
                    cr_assert_eq(helper_test_run(re[0].prog, &tr, err, sizeof err), 0, "%s", err);
                    cr_assert_eq(tr.retval, want, "'%s' test run on packet %zu", exprs[e], i + 1);
                    helper_test_run_free(&tr);
                }
                matched += want != 0;
                accepted += want != 0;
                compared++;
            }
            oracle_free(pk, np);
        }
        /* no vacuous expressions: each one matches something shipped */
        cr_expect_gt(matched, 0, "'%s' matches no packet of the captures", exprs[e]);
        for (int j = 0; j < 2; j++) {
            helper_session_destroy(s[j]);
            raw_env_destroy(&re[j]);
        }
        vm_prog_free(p);
        free(ci);
        free(f);
    }
    globfree(&g);
    cr_assert_gt(accepted, 0);
    cr_assert_lt(accepted, compared);
    printf("cbpf: %llu verdicts equal libpcap's (%llu accepted), %zu expressions\n",
           (unsigned long long)compared, (unsigned long long)accepted, N(exprs));
}

Test(cbpf, listing_equals_libpcap_bpf_image)
{
    for (size_t e = 0; e < N(exprs); e++) {
        struct sock_filter *f;
        uint32_t n;
        compile(exprs[e], &f, &n);
        for (uint32_t i = 0; i < n; i++) {
            /* one insn at a time at index 0: bpf_image prints jump targets
             * from the index it is given */
            char ours[160], theirs[160];
            struct cbpf_insn ci = {f[i].code, f[i].jt, f[i].jf, f[i].k};
            vm_cbpf_disasm_insn(&f[i], 0, false, ours, sizeof ours);
            oracle_image(&ci, 0, theirs, sizeof theirs);
            cr_expect_str_eq(ours, theirs, "'%s' insn %u", exprs[e], i);
        }
        free(f);
    }
    /* every opcode the kernel accepts (ldx #pktlen aside: libpcap calls it unimp),
     * the ancillary names, extreme constants */
    const struct sock_filter all[] = {
        S(0x87, 0), S(0x07, 0), S(0x16, 0), S(0x06, 0xffffffff), S(0x00, 0xfffff000),
        S(0x20, 0xfffff030), S(0x28, 0xfffff004), S(0x30, 0xfffff03c), S(0x20, 0xfff00000),
        S(0x01, 7), S(0x61, 3), S(0x60, 15), S(0x02, 3), S(0x03, 4), S(0x80, 0), S(0x04, 5),
        S(0x0c, 0), S(0x84, 0), S(0x54, 0xff), S(0x05, 3), J(0x15, 0x10, 1, 2), J(0x1d, 0, 1, 2),
        S(0x94, 3), S(0x9c, 0), S(0xa4, 0x80000000), S(0xac, 0), S(0x3c, 0), S(0x40, 2),
        S(0x48, 2), S(0x50, 0xffffffff), S(0xb1, 14), S(0x44, 1), S(0x4c, 0), S(0x64, 1),
        S(0x74, 31), S(0x7c, 0), J(0x25, 1, 3, 4), J(0x2d, 0, 1, 0), J(0x35, 0x7fffffff, 0, 9),
        J(0x3d, 0, 2, 2), J(0x45, 0x80000000, 1, 1), J(0x4d, 0, 0, 0), S(0x14, 9), S(0x1c, 0),
        S(0x24, 2), S(0x2c, 0), S(0x34, 3), S(0xff, 0),
    };
    for (uint32_t i = 0; i < N(all); i++) {
        char ours[160], theirs[160];
        struct cbpf_insn ci = {all[i].code, all[i].jt, all[i].jf, all[i].k};
        vm_cbpf_disasm_insn(&all[i], 0, false, ours, sizeof ours);
        oracle_image(&ci, 0, theirs, sizeof theirs);
        cr_expect_str_eq(ours, theirs, "opcode 0x%02x k 0x%x", all[i].code, all[i].k);
    }
    char buf[64];
    const struct sock_filter ldxlen = S(0x81, 0);
    vm_cbpf_disasm_insn(&ldxlen, 0, true, buf, sizeof buf);
    cr_expect_str_eq(buf, "ldx #pktlen");
    const struct sock_filter jeq[] = {J(0x15, 0x800, 0, 3)};
    vm_cbpf_disasm_insn(jeq, 0, true, buf, sizeof buf);
    cr_expect_str_eq(buf, "jeq #0x800 jt 1 jf 4");
}

/* 'inbound' is an ancillary load (pkt_type) libpcap cannot answer offline
 * (its interpreter sees an out-of-range offset: no match); converted, it
 * reads skb->pkt_type as the kernel does: not PACKET_OUTGOING, so it matches */
Test(cbpf, inbound_reads_pkt_type)
{
    struct sock_filter *f;
    uint32_t n;
    compile("inbound", &f, &n);
    cr_assert_eq(f[0].code, BPF_LD | BPF_H | BPF_ABS);
    cr_assert_eq(f[0].k, (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE));
    cr_expect_eq(run_prog(f, n, pkt_tcp, sizeof pkt_tcp), 262144);
    free(f);
}

/* ------------------------------------------------------ the conversion */

Test(cbpf, ret_k_and_ret_a)
{
    cr_expect_eq(RUN(S(BPF_RET | BPF_K, 1234)), 1234);
    cr_expect_eq(RUN(S(BPF_RET | BPF_K, 0xffffffff)), 0xffffffff);
    cr_expect_eq(RUN(S(BPF_RET | BPF_A, 0)), 0); /* A starts at 0 */
    cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, 77), S(BPF_RET | BPF_A, 0)), 77);
    cr_expect_eq(RUN(S(BPF_LDX | BPF_IMM, 5), S(BPF_MISC | BPF_TXA, 0), S(BPF_RET | BPF_A, 0)), 5);
    /* X starts at 0 too */
    cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, 9), S(BPF_MISC | BPF_TXA, 0), S(BPF_RET | BPF_A, 0)), 0);
}

Test(cbpf, alu_ops_are_32_bit)
{
    static const struct { uint16_t op; uint32_t a, k, want; } t[] = {
        {BPF_ADD, 0xfffffff0, 0x20, 0x10},   {BPF_SUB, 3, 5, 0xfffffffe},
        {BPF_MUL, 0x10000, 0x10001, 0x10000}, {BPF_DIV, 100, 7, 14},
        {BPF_DIV, 0xffffffff, 2, 0x7fffffff}, {BPF_MOD, 100, 7, 2},
        {BPF_AND, 0xf0f0, 0xff00, 0xf000},   {BPF_OR, 0xf0, 0x0f, 0xff},
        {BPF_XOR, 0xff, 0x0f, 0xf0},         {BPF_LSH, 0x80000001, 1, 2},
        {BPF_RSH, 0x80000000, 31, 1},
    };
    for (size_t i = 0; i < N(t); i++) {
        /* A op= K, then A op= X with X = K */
        uint32_t k = RUN(S(BPF_LD | BPF_IMM, t[i].a), S(BPF_ALU | t[i].op | BPF_K, t[i].k),
                         S(BPF_RET | BPF_A, 0));
        uint32_t x = RUN(S(BPF_LD | BPF_IMM, t[i].a), S(BPF_LDX | BPF_IMM, t[i].k),
                         S(BPF_ALU | t[i].op | BPF_X, 0), S(BPF_RET | BPF_A, 0));
        cr_expect_eq(k, t[i].want, "op 0x%x K: 0x%x", t[i].op, k);
        cr_expect_eq(x, t[i].want, "op 0x%x X: 0x%x", t[i].op, x);
    }
    cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, 5), S(BPF_ALU | BPF_NEG, 0), S(BPF_RET | BPF_A, 0)),
                 (uint32_t)-5);
}

Test(cbpf, division_by_zero_returns_zero)
{
    /* by X = 0: the filter returns 0 at once, whatever follows */
    cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, 10), S(BPF_ALU | BPF_DIV | BPF_X, 0),
                     S(BPF_RET | BPF_K, 99)), 0);
    cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, 10), S(BPF_ALU | BPF_MOD | BPF_X, 0),
                     S(BPF_RET | BPF_K, 99)), 0);
    cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, 10), S(BPF_LDX | BPF_IMM, 3),
                     S(BPF_ALU | BPF_DIV | BPF_X, 0), S(BPF_RET | BPF_K, 99)), 99);
    /* by a constant 0: refused at load (below) */
    char err[256];
    const struct sock_filter f[] = {S(BPF_ALU | BPF_DIV | BPF_K, 0), S(BPF_RET | BPF_A, 0)};
    cr_expect_eq(vm_cbpf_check(f, 2, err, sizeof err), -EINVAL);
    cr_expect_str_eq(err, "insn 0 (div #0): division by constant zero");
}

Test(cbpf, scratch_memory)
{
    cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, 5), S(BPF_ST, 0), S(BPF_LDX | BPF_IMM, 40), S(BPF_STX, 15),
                     S(BPF_LD | BPF_IMM, 1), S(BPF_LDX | BPF_IMM, 1), S(BPF_LD | BPF_MEM, 15),
                     S(BPF_LDX | BPF_MEM, 0), S(BPF_ALU | BPF_ADD | BPF_X, 0),
                     S(BPF_RET | BPF_A, 0)), 45);
    /* the 16 words are distinct */
    struct sock_filter f[40];
    uint32_t n = 0;
    for (uint32_t k = 0; k < 16; k++) {
        f[n++] = S(BPF_LD | BPF_IMM, 1u << k);
        f[n++] = S(BPF_ST, k);
    }
    f[n++] = S(BPF_LD | BPF_MEM, 3);
    f[n++] = S(BPF_LDX | BPF_MEM, 12);
    f[n++] = S(BPF_ALU | BPF_OR | BPF_X, 0);
    f[n++] = S(BPF_RET | BPF_A, 0);
    cr_expect_eq(run_prog(f, n, pkt_tcp, sizeof pkt_tcp), (1u << 3) | (1u << 12));
}

Test(cbpf, jumps)
{
    /* the three shapes: jf next, jt next (inverted), both elsewhere */
    for (uint32_t a = 0; a < 3; a++) {
        uint32_t want_eq = a == 1 ? 10 : 20, want_gt = a > 1 ? 10 : 20, want_ge = a >= 1 ? 10 : 20;
        cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, a), J(BPF_JMP | BPF_JEQ | BPF_K, 1, 1, 0),
                         S(BPF_RET | BPF_K, 20), S(BPF_RET | BPF_K, 10)), want_eq);
        cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, a), J(BPF_JMP | BPF_JGT | BPF_K, 1, 0, 1),
                         S(BPF_RET | BPF_K, 10), S(BPF_RET | BPF_K, 20)), want_gt);
        cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, a), J(BPF_JMP | BPF_JGE | BPF_K, 1, 1, 2),
                         S(BPF_RET | BPF_K, 30), S(BPF_RET | BPF_K, 10), S(BPF_RET | BPF_K, 20)),
                     want_ge);
        cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, a), S(BPF_LDX | BPF_IMM, 2),
                         J(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1), S(BPF_RET | BPF_K, 10),
                         S(BPF_RET | BPF_K, 20)), a & 2 ? 10 : 20);
    }
    /* constants with the top bit set compare unsigned, as 32-bit values */
    cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, 0xffffffff), J(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff, 0, 1),
                     S(BPF_RET | BPF_K, 10), S(BPF_RET | BPF_K, 20)), 10);
    cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, 0x90000000), J(BPF_JMP | BPF_JGT | BPF_K, 0x80000000, 0, 1),
                     S(BPF_RET | BPF_K, 10), S(BPF_RET | BPF_K, 20)), 10);
    cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, 5), J(BPF_JMP | BPF_JGE | BPF_K, 0x80000000, 0, 1),
                     S(BPF_RET | BPF_K, 10), S(BPF_RET | BPF_K, 20)), 20);
    cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, 0x80000000), J(BPF_JMP | BPF_JSET | BPF_K, 0x80000000, 0, 1),
                     S(BPF_RET | BPF_K, 10), S(BPF_RET | BPF_K, 20)), 10);
    /* unreachable classic code is allowed (the kernel's check does not look) */
    cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, 1), J(BPF_JMP | BPF_JGE | BPF_K, 1, 1, 2),
                     S(BPF_RET | BPF_K, 30), S(BPF_RET | BPF_K, 10), S(BPF_RET | BPF_K, 20)), 10);
    /* ja */
    cr_expect_eq(RUN(S(BPF_JMP | BPF_JA, 1), S(BPF_RET | BPF_K, 10), S(BPF_RET | BPF_K, 20)), 20);
}

Test(cbpf, packet_loads)
{
    /* from the Ethernet header (a packet socket's view) */
    cr_expect_eq(RUN(S(BPF_LD | BPF_H | BPF_ABS, 12), S(BPF_RET | BPF_A, 0)), 0x0800);
    cr_expect_eq(RUN(S(BPF_LD | BPF_W | BPF_ABS, 26), S(BPF_RET | BPF_A, 0)), 0x0a000001);
    cr_expect_eq(RUN(S(BPF_LD | BPF_B | BPF_ABS, 23), S(BPF_RET | BPF_A, 0)), 6);
    cr_expect_eq(RUN(S(BPF_LDX | BPF_IMM, 20), S(BPF_LD | BPF_H | BPF_IND, 16),
                     S(BPF_RET | BPF_A, 0)), 0x0050);
    /* past the end: the filter returns 0 */
    cr_expect_eq(RUN(S(BPF_LD | BPF_W | BPF_ABS, 58), S(BPF_RET | BPF_K, 1)), 0);
    cr_expect_eq(RUN(S(BPF_LDX | BPF_IMM, 0xfffffff0), S(BPF_LD | BPF_B | BPF_IND, 0x20),
                     S(BPF_RET | BPF_K, 1)), 1); /* X + k wraps to 0x10 */
    cr_expect_eq(RUN(S(BPF_LD | BPF_W | BPF_LEN, 0), S(BPF_RET | BPF_A, 0)), 60);
    cr_expect_eq(RUN(S(BPF_LDX | BPF_W | BPF_LEN, 0), S(BPF_MISC | BPF_TXA, 0),
                     S(BPF_RET | BPF_A, 0)), 60);
    /* SKF_NET_OFF: from the network header */
    cr_expect_eq(RUN(S(BPF_LD | BPF_B | BPF_ABS, (uint32_t)SKF_NET_OFF + 9), S(BPF_RET | BPF_A, 0)),
                 6);
}

Test(cbpf, ldx_msh)
{
    /* X = 4 * (pkt[14] & 0xf) = 20; A is kept */
    cr_expect_eq(RUN(S(BPF_LDX | BPF_B | BPF_MSH, 14), S(BPF_MISC | BPF_TXA, 0),
                     S(BPF_RET | BPF_A, 0)), 20);
    cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, 123), S(BPF_LDX | BPF_B | BPF_MSH, 14),
                     S(BPF_RET | BPF_A, 0)), 123);
    cr_expect_eq(RUN(S(BPF_LDX | BPF_B | BPF_MSH, 14), S(BPF_LD | BPF_H | BPF_IND, 16),
                     S(BPF_RET | BPF_A, 0)), 80);
    cr_expect_eq(RUN(S(BPF_LDX | BPF_B | BPF_MSH, 600), S(BPF_RET | BPF_K, 7)), 0);
}

#define ANC(n) S(BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF + (n)))

Test(cbpf, ancillary_loads)
{
    cr_expect_eq(RUN(ANC(SKF_AD_PROTOCOL), S(BPF_RET | BPF_A, 0)), 0x0800);
    /* the destination is not the device's (lo, 00:..:00) address */
    cr_expect_eq(RUN(ANC(SKF_AD_PKTTYPE), S(BPF_RET | BPF_A, 0)), PACKET_OTHERHOST);
    cr_expect_eq(RUN(ANC(SKF_AD_IFINDEX), S(BPF_RET | BPF_A, 0)), 1);
    cr_expect_eq(RUN(ANC(SKF_AD_MARK), S(BPF_RET | BPF_A, 0)), 0);
    cr_expect_eq(RUN(ANC(SKF_AD_QUEUE), S(BPF_RET | BPF_A, 0)), 0);
    cr_expect_eq(RUN(ANC(SKF_AD_VLAN_TAG), S(BPF_RET | BPF_A, 0)), 0);
    cr_expect_eq(RUN(ANC(SKF_AD_VLAN_TAG_PRESENT), S(BPF_RET | BPF_A, 0)), 0);
    cr_expect_eq(RUN(ANC(SKF_AD_CPU), S(BPF_RET | BPF_A, 0)), 0);
    cr_expect_eq(RUN(S(BPF_LD | BPF_IMM, 0xf0), S(BPF_LDX | BPF_IMM, 0xff), ANC(SKF_AD_ALU_XOR_X),
                     S(BPF_RET | BPF_A, 0)), 0x0f);
    /* any size: the kernel looks at k only */
    cr_expect_eq(RUN(S(BPF_LD | BPF_B | BPF_ABS, (uint32_t)(SKF_AD_OFF + SKF_AD_PROTOCOL)),
                     S(BPF_RET | BPF_A, 0)), 0x0800);
    /* random and rxhash run (values are the runtime's) */
    RUN(ANC(SKF_AD_RANDOM), S(BPF_RET | BPF_A, 0));
    RUN(ANC(SKF_AD_RXHASH), S(BPF_RET | BPF_A, 0));
    /* what eBPF cannot express is refused with the name */
    char err[VM_ERR_LEN + 128];
    struct vm_prog *p;
    const struct sock_filter hat[] = {ANC(SKF_AD_HATYPE), S(BPF_RET | BPF_A, 0)};
    cr_expect_eq(vm_cbpf_convert(hat, 2, "x", &p, err, sizeof err), -ENOTSUP);
    cr_expect(strstr(err, "insn 0 (ld [hatype]): the ancillary load SKF_AD_HATYPE") == err, "%s",
              err);
    const struct sock_filter poff[] = {ANC(SKF_AD_PAY_OFFSET), S(BPF_RET | BPF_A, 0)};
    cr_expect_eq(vm_cbpf_convert(poff, 2, "x", &p, err, sizeof err), -ENOTSUP);
}

/* ----------------------------------------------------------- the check */

Test(cbpf, check_errors_name_the_insn)
{
    static const struct {
        struct sock_filter f[3];
        uint32_t n;
        const char *err;
    } t[] = {
        {{S(0xff, 0), S(BPF_RET | BPF_K, 0)}, 2,
         "insn 0 (unimp 0xff): opcode 0xff is not a classic BPF instruction the kernel accepts"},
        {{S(BPF_LD | BPF_H | BPF_IMM, 0), S(BPF_RET | BPF_K, 0)}, 2,
         "insn 0 (unimp 0x8): opcode 0x08 is not a classic BPF instruction the kernel accepts"},
        {{S(BPF_ALU | BPF_MOD | BPF_K, 0), S(BPF_RET | BPF_K, 0)}, 2,
         "insn 0 (mod #0): modulo by constant zero"},
        {{S(BPF_ALU | BPF_LSH | BPF_K, 32), S(BPF_RET | BPF_K, 0)}, 2,
         "insn 0 (lsh #32): shift by 32 (at most 31)"},
        {{S(BPF_ST, 16), S(BPF_RET | BPF_K, 0)}, 2,
         "insn 0 (st M[16]): scratch memory has M[0] to M[15]"},
        {{S(BPF_JMP | BPF_JA, 1), S(BPF_RET | BPF_K, 0)}, 2,
         "insn 0 (ja 2): jump target 2 is past the last insn (1)"},
        {{J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 5), S(BPF_RET | BPF_K, 0)}, 2,
         "insn 0 (jeq #0x0 jt 1 jf 6): jump target 6 is past the last insn (1)"},
        {{S(BPF_LD | BPF_IMM, 0)}, 1, "insn 0 (ld #0x0): the last insn must be a ret"},
        {{S(BPF_LDX | BPF_MEM, 2), S(BPF_RET | BPF_K, 0)}, 2,
         "insn 0 (ldx M[2]): reads M[2], which is not stored on every path to it"},
        {{J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), S(BPF_ST, 2), S(BPF_LD | BPF_MEM, 2)}, 3,
         "insn 2 (ld M[2]): the last insn must be a ret"},
        {{S(BPF_LD | BPF_W | BPF_ABS, (uint32_t)SKF_AD_OFF + 2), S(BPF_RET | BPF_K, 0)}, 2,
         "insn 0 (ld [-4094]): offset -4094 is in the ancillary area (SKF_AD_OFF) but no "
         "ancillary load the kernel knows"},
    };
    for (size_t i = 0; i < N(t); i++) {
        char err[256] = "";
        cr_expect_eq(vm_cbpf_check(t[i].f, t[i].n, err, sizeof err), -EINVAL, "case %zu", i);
        cr_expect_str_eq(err, t[i].err, "case %zu", i);
    }
    /* a store on one path only */
    const struct sock_filter f[] = {J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), S(BPF_ST, 2),
                                    S(BPF_LD | BPF_MEM, 2), S(BPF_RET | BPF_A, 0)};
    char err[256];
    cr_expect_eq(vm_cbpf_check(f, 4, err, sizeof err), -EINVAL);
    cr_expect_str_eq(err, "insn 2 (ld M[2]): reads M[2], which is not stored on every path to it");
    cr_expect_eq(vm_cbpf_check(f, 0, err, sizeof err), -EINVAL);
    cr_expect_str_eq(err, "the classic program is empty");
    cr_expect_eq(vm_cbpf_check(f, BPF_MAXINSNS + 1, err, sizeof err), -EINVAL);
    cr_expect_str_eq(err, "the classic program has 4097 insns, more than the kernel's 4096 "
                          "(BPF_MAXINSNS)");
}

Test(cbpf, parse_text_forms)
{
    struct sock_filter *f;
    uint32_t n;
    char err[256];
    const char *ddd = "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n";
    cr_assert_eq(vm_cbpf_parse(ddd, strlen(ddd), &f, &n, err, sizeof err), 0, "%s", err);
    cr_expect_eq(n, 4);
    cr_expect(f[1].code == 21 && f[1].jt == 0 && f[1].jf == 1 && f[1].k == 2048);
    free(f);
    const char *comma = "4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0";
    cr_assert_eq(vm_cbpf_parse(comma, strlen(comma), &f, &n, err, sizeof err), 0, "%s", err);
    cr_expect_eq(n, 4);
    cr_expect_eq(f[2].k, 262144);
    free(f);
    const char *dd = "{ 0x28, 0, 0, 0x0000000c },\n{ 0x15, 0, 1, 0x00000800 },\n"
                     "{ 0x6, 0, 0, 0x00040000 },\n{ 0x6, 0, 0, 0x00000000 },\n";
    cr_assert_eq(vm_cbpf_parse(dd, strlen(dd), &f, &n, err, sizeof err), 0, "%s", err);
    cr_expect_eq(n, 4);
    cr_expect(f[0].code == 0x28 && f[0].k == 12 && f[2].k == 0x40000);
    cr_expect_eq(run_prog(f, n, pkt_tcp, sizeof pkt_tcp), 0x40000);
    free(f);

    static const struct { const char *text, *err; } bad[] = {
        {"", "no instructions"},
        {"2\n6 0 0 1\n", "line 2: the count says 2 instructions, the text has 4 numbers after "
                         "it (8 expected)"},
        {"1\n6 0 x 1\n", "line 2: 'x' is not a number"},
        {"1\n6 0 256 1\n", "line 2: insn 0: jf 256 is out of range (at most 255)"},
        {"1\n70000 0 0 1\n", "line 2: insn 0: code 70000 is out of range (at most 65535)"},
        {"0\n", "line 1: instruction count 0 (expected 1 to 4096)"},
        {"{ 0x6, 0, 0 },", "line 1: 3 numbers, not a whole number of {code, jt, jf, k} "
                           "instructions"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        f = NULL;
        cr_expect_eq(vm_cbpf_parse(bad[i].text, strlen(bad[i].text), &f, &n, err, sizeof err),
                     -EINVAL, "case %zu", i);
        cr_expect_str_eq(err, bad[i].err, "case %zu", i);
        cr_expect_null(f);
    }
}

Test(cbpf, packet_socket_is_for_socket_filters)
{
    const struct sock_filter f[] = {S(BPF_RET | BPF_K, 1)};
    struct vm_prog *p = convert(f, 1);
    char err[VM_ERR_LEN + 128];
    struct raw_env re;
    struct helper_env_opts eo = {0};
    cr_assert_eq(raw_env_create(p, BPF_PROG_TYPE_SCHED_CLS, "t", "tc", &eo, &re, err, sizeof err),
                 0, "%s", err);
    struct helper_test_run tr = {.data_in = pkt_tcp, .data_size_in = sizeof pkt_tcp,
                                 .packet_socket = true};
    cr_expect_eq(helper_test_run(re.prog, &tr, err, sizeof err), -EINVAL);
    cr_expect_str_eq(err, "packet-socket delivery is for socket filters");
    helper_test_run_free(&tr);
    raw_env_destroy(&re);
    vm_prog_free(p);
    /* a packet socket takes what a test run refuses: an IPv4 frame cut in its header */
    const struct sock_filter g[] = {S(BPF_LD | BPF_W | BPF_LEN, 0), S(BPF_RET | BPF_A, 0)};
    cr_expect_eq(run_prog(g, 2, pkt_tcp, 20), 20);
}
