/* skb program types (helpers/ctx_skb.c, helper_skb.c, test_run_skb.c):
 * BPF_PROG_TEST_RUN's rules for tc, socket-filter, cgroup_skb and LWT
 * programs, struct __sk_buff access (narrow loads, per-type write rules),
 * and every skb helper. The expected values are the kernel's (checked with
 * tests/kernel/skb_diff.c against Linux 6.18). */
#include <criterion/criterion.h>

#include <errno.h>
#include <linux/if_ether.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "helpers/helpers_internal.h"
#include "jit/jit.h"

#define ENOTSUPP 524

/* ------------------------------------------------------------ fixtures */

struct tenv {
    struct vm_object obj;
    struct vm_obj_prog prog;
    struct vm_prog *code;
    struct helper_env *env;
    struct helper_prog *hp;
};

static int topen(struct tenv *t, uint32_t type, const char *text, char *err, size_t errlen)
{
    memset(t, 0, sizeof(*t));
    int rc = vm_asm(text, strlen(text), "t", &t->code, err, errlen);
    cr_assert_eq(rc, 0, "asm: %s\n%s", err, text);
    snprintf(t->obj.name, sizeof t->obj.name, "test_skb");
    snprintf(t->obj.license, sizeof t->obj.license, "GPL");
    snprintf(t->prog.name, sizeof t->prog.name, "t");
    snprintf(t->prog.section, sizeof t->prog.section, "tc");
    t->prog.prog_type = type;
    t->prog.prog = t->code;
    t->obj.progs = &t->prog;
    t->obj.n_progs = 1;
    rc = helper_env_create(&t->obj, NULL, &t->env, err, errlen);
    if (!rc)
        t->hp = helper_env_prog(t->env, "t");
    return rc;
}

static void tclose(struct tenv *t)
{
    helper_env_destroy(t->env);
    vm_prog_free(t->code);
}

/* One test run; tr is filled (the caller frees it with helper_test_run_free). */
static int trun(struct tenv *t, const void *pkt, size_t len, const struct __sk_buff *ctx,
                uint32_t repeat, struct helper_test_run *tr, char *err, size_t errlen)
{
    memset(tr, 0, sizeof(*tr));
    tr->data_in = pkt;
    tr->data_size_in = len;
    tr->ctx_in = ctx;
    tr->ctx_size_in = ctx ? sizeof(*ctx) : 0;
    tr->repeat = repeat;
    return helper_test_run(t->hp, tr, err, errlen);
}

struct out {
    int rc;
    uint32_t retval;
    uint8_t data[16384];
    size_t len;
    struct __sk_buff ctx;
    char err[VM_ERR_LEN];
};

/* Assemble, run once on pkt, return what came out. */
static struct out run_prog(uint32_t type, const char *text, const void *pkt, size_t len,
                           const struct __sk_buff *ctx, uint32_t repeat)
{
    struct out o;
    memset(&o, 0, sizeof(o));
    struct tenv t;
    cr_assert_eq(topen(&t, type, text, o.err, sizeof o.err), 0, "%s", o.err);
    struct helper_test_run tr;
    o.rc = trun(&t, pkt, len, ctx, repeat, &tr, o.err, sizeof o.err);
    if (!o.rc) {
        o.retval = tr.retval;
        o.len = tr.data_size_out;
        cr_assert_leq(o.len, sizeof o.data);
        memcpy(o.data, tr.data_out, o.len);
        cr_assert_eq(tr.ctx_size_out, sizeof(struct __sk_buff));
        memcpy(&o.ctx, tr.ctx_out, sizeof(o.ctx));
    }
    helper_test_run_free(&tr);
    tclose(&t);
    return o;
}

#define TC BPF_PROG_TYPE_SCHED_CLS
#define SOCK BPF_PROG_TYPE_SOCKET_FILTER
#define CGROUP BPF_PROG_TYPE_CGROUP_SKB
#define LWT BPF_PROG_TYPE_LWT_XMIT

static struct out run_ok(uint32_t type, const char *text, const void *pkt, size_t len)
{
    struct out o = run_prog(type, text, pkt, len, NULL, 1);
    cr_assert_eq(o.rc, 0, "run: %d %s", o.rc, o.err);
    return o;
}

/* ------------------------------------------------------------- packets */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint16_t csum(const uint8_t *p, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* The TCP/UDP checksum check: 0 when the checksum in the packet is right. */
static uint16_t l4_check_v4(const uint8_t *ip, uint8_t proto)
{
    size_t ihl = (ip[0] & 15) * 4u, l = get16(ip + 2) - ihl;
    uint32_t sum = get16(ip + 12) + get16(ip + 14) + get16(ip + 16) + get16(ip + 18) + proto +
                   (uint32_t)l;
    return csum(ip + ihl, l, sum);
}

static const uint8_t dst_host[6] = {0, 0, 0, 0, 0, 0};

/* Ethernet + IPv4 + TCP (20) or UDP (8) + n payload bytes, checksums right. */
static size_t v4_pkt(uint8_t *p, const uint8_t *dst, uint8_t proto, size_t n)
{
    size_t h = proto == 6 ? 20 : 8;
    memset(p, 0, 14 + 20 + h + n);
    memcpy(p, dst, 6);
    memcpy(p + 6, (uint8_t[]){2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee}, 6);
    put16(p + 12, ETH_P_IP);
    uint8_t *ip = p + 14, *l4 = ip + 20;
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + h + n));
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, (uint8_t[]){10, 0, 0, 1}, 4);
    memcpy(ip + 16, (uint8_t[]){10, 0, 0, 2}, 4);
    put16(ip + 10, csum(ip, 20, 0));
    put16(l4, 1234);
    put16(l4 + 2, 80);
    if (proto == 6)
        l4[12] = 0x50;
    else
        put16(l4 + 4, (uint16_t)(8 + n));
    for (size_t i = 0; i < n; i++)
        l4[h + i] = (uint8_t)(i * 13 + 1);
    put16(l4 + (proto == 6 ? 16 : 6), l4_check_v4(ip, proto));
    return 14 + 20 + h + n;
}

static size_t v6_pkt(uint8_t *p, uint8_t proto, size_t n)
{
    memset(p, 0, 14 + 40 + 8 + n);
    put16(p + 12, ETH_P_IPV6);
    uint8_t *ip = p + 14;
    ip[0] = 0x60;
    put16(ip + 4, (uint16_t)(8 + n));
    ip[6] = proto;
    ip[7] = 64;
    ip[8] = 0x20;
    ip[23] = 1;
    ip[24] = 0x20;
    ip[39] = 2;
    put16(ip + 40, 999);
    put16(ip + 42, 53);
    put16(ip + 44, (uint16_t)(8 + n));
    return 14 + 40 + 8 + n;
}

/* ------------------------------------------------------------ test run */

Test(skb_test_run, tc_sees_the_ethernet_header)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 6, 10);
    struct out o = run_ok(TC, "r0 = *(u32 *)(r1 +0)\nexit\n", p, len);
    cr_assert_eq(o.retval, len);
    cr_assert_eq(o.len, len);
    cr_assert_arr_eq(o.data, p, len);
    cr_assert_eq(o.ctx.ifindex, 1, "loopback");
    cr_assert_eq(o.ctx.wire_len, len, "wire_len defaults to the skb length");
    o = run_ok(TC, "r2 = *(u32 *)(r1 +76)\nr3 = *(u32 *)(r1 +80)\nr0 = r3\nr0 -= r2\nexit\n",
               p, len);
    cr_assert_eq(o.retval, len, "data_end - data");
}

Test(skb_test_run, other_types_see_l3_and_get_zero_mac_back)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 17, 10);
    uint32_t types[] = {SOCK, LWT, BPF_PROG_TYPE_LWT_IN};
    for (size_t i = 0; i < 3; i++) {
        struct out o = run_ok(types[i], "r0 = *(u32 *)(r1 +0)\nexit\n", p, len);
        cr_assert_eq(o.retval, len - 14);
        cr_assert_eq(o.len, len);
        static const uint8_t zero[14];
        cr_assert_arr_eq(o.data, zero, 14, "14 zero bytes replace the MAC header");
        cr_assert_arr_eq(o.data + 14, p + 14, len - 14);
        cr_assert_eq(o.ctx.wire_len, len - 14);
    }
    /* the MAC header is still in front of data for relative loads */
    struct out o = run_ok(SOCK,
                          "r6 = r1\nr2 = 12\nr3 = r10\nr3 += -8\nr4 = 2\nr5 = 0\n"
                          "call bpf_skb_load_bytes_relative\nr0 = *(u16 *)(r10 -8)\nexit\n",
                          p, len);
    cr_assert_eq(o.retval, 0x0008, "ethertype, network order");
    /* cgroup_skb programs return 0/1: answer through priority */
    o = run_ok(CGROUP, "r2 = *(u32 *)(r1 +88)\n*(u32 *)(r1 +32) = r2\nr0 = 1\nexit\n", p, len);
    cr_assert_eq(o.ctx.priority, AF_INET, "the dummy socket's family");
    o = run_ok(CGROUP, "r2 = *(u32 *)(r1 +92)\n*(u32 *)(r1 +32) = r2\nr0 = 1\nexit\n", p, len);
    cr_assert_eq(o.ctx.priority, 0x0200000a, "remote_ip4 is the destination");
}

Test(skb_test_run, eth_type_trans)
{
    static const struct {
        uint8_t dst0;
        bool all;
        uint32_t pkt_type;
    } macs[] = {{0, false, 0}, {0xff, true, 2 /* lo's broadcast is 00:..:00 */},
                {0x01, false, 2}, {0x02, false, 3}};
    uint8_t p[128];
    for (size_t i = 0; i < 4; i++) {
        size_t len = v4_pkt(p, dst_host, 6, 0);
        memset(p, macs[i].all ? macs[i].dst0 : 0, 6);
        p[0] = macs[i].dst0;
        struct out o = run_ok(TC, "r0 = *(u32 *)(r1 +4)\nexit\n", p, len);
        cr_assert_eq(o.retval, macs[i].pkt_type, "dst %02x: %u", macs[i].dst0, o.retval);
    }
    static const struct {
        uint16_t type;
        uint8_t b0, b1;
        uint32_t proto;
    } types[] = {
        {0x0800, 0, 0, 0x0008}, {0x86dd, 0, 0, 0xdd86}, {0x8100, 0, 0, 0x0081},
        {0x0806, 0, 0, 0x0608}, {0x0040, 0xff, 0xff, 0x0100 /* ETH_P_802_3 */},
        {0x0040, 0xaa, 0xaa, 0x0400 /* ETH_P_802_2 */},
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        memset(p, 0, 80);
        put16(p + 12, types[i].type);
        p[14] = types[i].b0;
        p[15] = types[i].b1;
        struct out o = run_ok(TC, "r0 = *(u32 *)(r1 +16)\nexit\n", p, 80);
        cr_assert_eq(o.retval, types[i].proto, "type %04x: %x", types[i].type, o.retval);
    }
}

Test(skb_test_run, packet_size_rules)
{
    static uint8_t p[4096];
    static const struct {
        uint16_t type;
        size_t len;
        int rc;
    } cases[] = {
        {0x0806, 13, -EINVAL}, {0x0806, 14, 0},       {0x0806, 3712, 0}, {0x0806, 3713, -EINVAL},
        {0x0800, 14, -EINVAL}, {0x0800, 33, -EINVAL}, {0x0800, 34, 0},   {0x86dd, 53, -EINVAL},
        {0x86dd, 54, 0},       {0x8100, 17, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(p, 0, sizeof p);
        put16(p + 12, cases[i].type);
        struct out o = run_prog(TC, "r0 = 0\nexit\n", p, cases[i].len, NULL, 1);
        cr_assert_eq(o.rc, cases[i].rc, "%04x/%zu: %d (%s)", cases[i].type, cases[i].len, o.rc,
                     o.err);
    }
}

Test(skb_test_run, ctx_in_rules)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 6, 0);
    struct __sk_buff c = {0};
    c.mark = 1;
    c.priority = 2;
    c.ingress_ifindex = 3;
    c.cb[2] = 4;
    c.tstamp = 5;
    c.gso_segs = 6;
    c.gso_size = 0x12345;
    c.hwtstamp = 7;
    c.wire_len = 1000;
    struct out o = run_prog(TC, "r0 = *(u32 *)(r1 +176)\nexit\n", p, len, &c, 1);
    cr_assert_eq(o.rc, 0, "%s", o.err);
    cr_assert_eq(o.retval, 0x2345, "gso_size is 16 bits in the skb");
    cr_assert_eq(o.ctx.gso_size, 0x12345, "gso_size is not copied back");
    cr_assert_eq(o.ctx.mark, 1);
    cr_assert_eq(o.ctx.priority, 2);
    cr_assert_eq(o.ctx.ingress_ifindex, 3);
    cr_assert_eq(o.ctx.ifindex, 1);
    cr_assert_eq(o.ctx.cb[2], 4);
    cr_assert_eq(o.ctx.tstamp, 5);
    cr_assert_eq(o.ctx.gso_segs, 6);
    cr_assert_eq(o.ctx.hwtstamp, 7);
    cr_assert_eq(o.ctx.wire_len, 1000);

    static const struct {
        size_t off;
        uint32_t v;
    } bad[] = {{0, 1}, {4, 1}, {12, 1}, {16, 1}, {44, 1}, {68, 1}, {80, 1}, {140, 1}, {172, 1},
               {180, 1}, {181, 1}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct __sk_buff b = {0};
        memcpy((uint8_t *)&b + bad[i].off, &bad[i].v, bad[i].off == 181 || bad[i].off == 180 ? 1 : 4);
        o = run_prog(TC, "r0 = 0\nexit\n", p, len, &b, 1);
        cr_assert_eq(o.rc, -EINVAL, "offset %zu: %d", bad[i].off, o.rc);
    }
    struct __sk_buff w = {.wire_len = (uint32_t)len - 1};
    cr_assert_eq(run_prog(TC, "r0 = 0\nexit\n", p, len, &w, 1).rc, -EINVAL);
    w.wire_len = 65537;
    cr_assert_eq(run_prog(TC, "r0 = 0\nexit\n", p, len, &w, 1).rc, -EINVAL);
    w.wire_len = 65536;
    cr_assert_eq(run_prog(TC, "r0 = 0\nexit\n", p, len, &w, 1).rc, 0);
    struct __sk_buff g = {.gso_segs = 65536};
    cr_assert_eq(run_prog(TC, "r0 = 0\nexit\n", p, len, &g, 1).rc, -EINVAL);

    /* nonzero bytes past the struct: E2BIG (bpf_check_uarg_tail_zero) */
    uint8_t big[sizeof(struct __sk_buff) + 8] = {0};
    struct tenv t;
    char err[VM_ERR_LEN];
    cr_assert_eq(topen(&t, TC, "r0 = 0\nexit\n", err, sizeof err), 0);
    struct helper_test_run tr = {.data_in = p, .data_size_in = len, .ctx_in = big,
                                 .ctx_size_in = sizeof big};
    cr_assert_eq(helper_test_run(t.hp, &tr, err, sizeof err), 0, "zero tail is fine");
    helper_test_run_free(&tr);
    big[sizeof big - 1] = 1;
    cr_assert_eq(helper_test_run(t.hp, &tr, err, sizeof err), -E2BIG);
    helper_test_run_free(&tr);
    tclose(&t);
}

Test(skb_test_run, repeat_runs_on_the_same_skb)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 17, 0);
    struct out o = run_prog(TC, "r2 = 0x0081\nr3 = 9\ncall bpf_skb_vlan_push\nexit\n", p, len,
                            NULL, 3);
    cr_assert_eq(o.rc, 0, "%s", o.err);
    cr_assert_eq(o.len, len + 8, "two runs pushed the previous tag into the packet");
    cr_assert_eq(get16(o.data + 12), 0x8100);
    cr_assert_eq(get16(o.data + 14), 9);
    cr_assert_eq(get16(o.data + 16), 0x8100);
}

/* ------------------------------------------------------------- context */

Test(skb_ctx, narrow_loads_follow_the_kernel_rewrite)
{
    uint8_t p[128];
    size_t len = v6_pkt(p, 17, 4);
    static const struct {
        const char *text;
        uint32_t want;
    } cases[] = {
        {"r0 = *(u32 *)(r1 +16)\nexit\n", 0xdd86},
        {"r0 = *(u16 *)(r1 +16)\nexit\n", 0xdd86},
        {"r0 = *(u8 *)(r1 +16)\nexit\n", 0x86},
        {"r0 = *(u8 *)(r1 +17)\nexit\n", 0xdd},
        {"r0 = *(u8 *)(r1 +18)\nexit\n", 0},
        /* as wide as the 2-byte member: no shift, the member again */
        {"r0 = *(u16 *)(r1 +18)\nexit\n", 0xdd86},
        {"r0 = *(u16 *)(r1 +2)\nexit\n", 0},
        {"r0 = *(u8 *)(r1 +1)\nexit\n", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct out o = run_ok(TC, cases[i].text, p, len);
        cr_assert_eq(o.retval, cases[i].want, "%s: %x", cases[i].text, o.retval);
    }
    /* len (4 bytes): the upper half of a narrow load */
    static uint8_t big[600];
    put16(big + 12, 0x0806);
    struct out o = run_ok(TC, "r0 = *(u16 *)(r1 +2)\nexit\n", big, 0x203);
    cr_assert_eq(o.retval, 0);
    o = run_ok(TC, "r0 = *(u8 *)(r1 +1)\nexit\n", big, 0x203);
    cr_assert_eq(o.retval, 2);
}

static void expect_fault(uint32_t type, const char *text, const char *what)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 6, 0);
    struct out o = run_prog(type, text, p, len, NULL, 1);
    cr_assert_neq(o.rc, 0, "%s: expected a fault", what);
    cr_assert(strstr(o.err, "ctx") != NULL, "%s: %s", what, o.err);
}

Test(skb_ctx, rejected_accesses)
{
    expect_fault(SOCK, "r2 = 1\n*(u32 *)(r1 +8) = r2\nr0 = 0\nexit\n", "socket filter writes mark");
    expect_fault(SOCK, "r0 = *(u32 *)(r1 +76)\nexit\n", "socket filter reads data");
    expect_fault(TC, "r0 = *(u32 *)(r1 +88)\nexit\n", "tc reads family");
    expect_fault(TC, "r0 = *(u64 *)(r1 +8)\nexit\n", "8-byte load of mark");
    expect_fault(TC, "r0 = *(u16 *)(r1 +76)\nexit\n", "2-byte load of data");
    expect_fault(TC, "r0 = *(u32 *)(r1 +152)\nexit\n", "4-byte load of tstamp");
    expect_fault(TC, "r2 = 1\n*(u64 *)(r1 +184) = r2\nr0 = 0\nexit\n", "write hwtstamp");
    expect_fault(TC, "r2 = 1\n*(u16 *)(r1 +8) = r2\nr0 = 0\nexit\n", "2-byte store to mark");
    expect_fault(TC, "r2 = 1\n*(u32 *)(r1 +0) = r2\nr0 = 0\nexit\n", "tc writes len");
    expect_fault(TC, "r0 = *(u32 *)(r1 +172)\nexit\n", "upper half of sk");
    expect_fault(TC, "r0 = *(u8 *)(r1 +182)\nexit\n", "padding");
    expect_fault(TC, "r0 = *(u64 *)(r1 +144)\nexit\n", "flow_keys");
    expect_fault(TC, "r0 = *(u16 *)(r1 +64)\nr0 = *(u64 *)(r1 +64)\nexit\n", "past cb[4]");
    expect_fault(SOCK, "r0 = *(u8 *)(r1 +180)\nexit\n", "socket filter reads tstamp_type");
    expect_fault(LWT, "r2 = 1\n*(u32 *)(r1 +44) = r2\nr0 = 0\nexit\n", "lwt writes tc_index");
    expect_fault(CGROUP, "r0 = *(u32 *)(r1 +72)\nr0 = 1\nexit\n", "cgroup reads tc_classid");
}

Test(skb_ctx, reads_and_writes)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 6, 0);
    static const struct {
        uint32_t type;
        const char *text;
        uint32_t want;
    } cases[] = {
        {TC, "r2 = 0x12345\n*(u32 *)(r1 +44) = r2\nr0 = *(u32 *)(r1 +44)\nexit\n", 0x2345},
        {TC, "r2 = 0x12345\n*(u32 *)(r1 +72) = r2\nr0 = *(u32 *)(r1 +72)\nexit\n", 0x2345},
        {TC, "r2 = 7\n*(u32 *)(r1 +12) = r2\nr0 = *(u32 *)(r1 +12)\nexit\n", 7},
        {TC, "r2 = 0xffff\n*(u32 *)(r1 +12) = r2\nr0 = *(u32 *)(r1 +12)\nexit\n", 0},
        {TC, "r2 = 0x100000005 ll\n*(u32 *)(r1 +12) = r2\nr0 = *(u32 *)(r1 +12)\nexit\n", 0},
        {TC, "r2 = 0x1122334455667788 ll\n*(u64 *)(r1 +56) = r2\nr0 = *(u32 *)(r1 +60)\nexit\n",
         0x11223344},
        {TC, "r2 = 0x1234\n*(u16 *)(r1 +66) = r2\nr0 = *(u32 *)(r1 +64)\nexit\n", 0x12340000},
        {TC, "r2 = 0x100000001 ll\n*(u64 *)(r1 +152) = r2\nr0 = *(u64 *)(r1 +152)\n"
             "r0 >>= 32\nexit\n", 1},
        /* skb->sk: the test run's socket, family AF_INET from the packet */
        {TC, "r1 = *(u64 *)(r1 +168)\nr0 = *(u32 *)(r1 +4)\nexit\n", 2},
        {TC, "r0 = *(u8 *)(r1 +180)\nexit\n", 0},
        {SOCK, "r2 = 9\n*(u32 *)(r1 +48) = r2\nr0 = *(u32 *)(r1 +48)\nexit\n", 9},
        {LWT, "r2 = 9\n*(u32 *)(r1 +8) = r2\nr0 = *(u32 *)(r1 +8)\nexit\n", 9},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct out o = run_ok(cases[i].type, cases[i].text, p, len);
        cr_assert_eq(o.retval, cases[i].want, "%s: 0x%x", cases[i].text, o.retval);
    }
    struct out o = run_ok(TC, "r2 = 77\n*(u32 *)(r1 +8) = r2\n*(u32 *)(r1 +32) = r2\nr0 = 0\nexit\n",
                          p, len);
    cr_assert_eq(o.ctx.mark, 77);
    cr_assert_eq(o.ctx.priority, 77);
}

/* ------------------------------------------------------------- helpers */

static const char *fold64 = /* r0 = r6 + a fold of the 16 bytes at r10-16 */
    "r0 = *(u64 *)(r10 -16)\nr1 = *(u64 *)(r10 -8)\nr0 *= 31\nr0 += r1\nr1 = r0\nr1 >>= 32\n"
    "r0 ^= r1\nr0 += r6\nexit\n";

Test(skb_helpers, load_bytes)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 6, 0);
    char text[1024];
    /* in bounds: the bytes; out of bounds: -EFAULT and a zeroed buffer */
    snprintf(text, sizeof text,
             "r9 = -1\n*(u64 *)(r10 -16) = r9\n*(u64 *)(r10 -8) = r9\nr2 = %zu\nr3 = r10\n"
             "r3 += -16\nr4 = 16\ncall bpf_skb_load_bytes\nr6 = r0\nr0 = *(u64 *)(r10 -16)\n"
             "r1 = *(u64 *)(r10 -8)\nr0 |= r1\nr0 += r6\nexit\n", len - 15);
    struct out o = run_ok(TC, text, p, len);
    cr_assert_eq(o.retval, (uint32_t)-EFAULT, "one byte short");
    snprintf(text, sizeof text,
             "r2 = %zu\nr3 = r10\nr3 += -16\nr4 = 16\ncall bpf_skb_load_bytes\nr6 = r0\n%s",
             len - 16, fold64);
    o = run_ok(TC, text, p, len);
    uint64_t a, b;
    memcpy(&a, p + len - 16, 8);
    memcpy(&b, p + len - 8, 8);
    uint64_t h = a * 31 + b;
    cr_assert_eq(o.retval, (uint32_t)(h ^ (h >> 32)));
    /* relative to the network header, on a socket filter (data at L3) */
    o = run_ok(SOCK,
               "r2 = 9\nr3 = r10\nr3 += -8\nr4 = 1\nr5 = 1\ncall bpf_skb_load_bytes_relative\n"
               "r0 = *(u8 *)(r10 -8)\nexit\n", p, len);
    cr_assert_eq(o.retval, 6, "the IPv4 protocol byte");
    o = run_ok(SOCK,
               "r2 = 0\nr3 = r10\nr3 += -8\nr4 = 1\nr5 = 2\ncall bpf_skb_load_bytes_relative\n"
               "exit\n", p, len);
    cr_assert_eq(o.retval, (uint32_t)-EFAULT, "unknown start header");
}

Test(skb_helpers, store_bytes_and_hash_invalidation)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 6, 0);
    const char *text =
        "r6 = r1\nr2 = 0x99\ncall bpf_set_hash\nr9 = 0x0403020155667788 ll\n"
        "*(u64 *)(r10 -8) = r9\nr1 = r6\nr2 = 2\nr3 = r10\nr3 += -8\nr4 = 8\nr5 = 2\n"
        "call bpf_skb_store_bytes\nr7 = r0\nr0 = *(u32 *)(r6 +68)\nr0 += r7\nexit\n";
    struct out o = run_ok(TC, text, p, len);
    cr_assert_eq(o.retval, 0, "stored, hash invalidated");
    static const uint8_t want[] = {0x88, 0x77, 0x66, 0x55, 1, 2, 3, 4};
    cr_assert_arr_eq(o.data + 2, want, 8);
    o = run_ok(TC,
               "*(u64 *)(r10 -8) = r1\nr2 = 0x7fffffff\nr3 = r10\nr3 += -8\nr4 = 1\nr5 = 0\n"
               "call bpf_skb_store_bytes\nexit\n", p, len);
    cr_assert_eq(o.retval, (uint32_t)-EFAULT);
    o = run_ok(TC,
               "*(u64 *)(r10 -8) = r1\nr2 = 0\nr3 = r10\nr3 += -8\nr4 = 1\nr5 = 4\n"
               "call bpf_skb_store_bytes\nexit\n", p, len);
    cr_assert_eq(o.retval, (uint32_t)-EINVAL, "unknown flag");
}

Test(skb_helpers, l3_and_l4_checksums)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 6, 7);
    /* NAT the source 10.0.0.1 -> 192.168.1.9: header and pseudo-header sums */
    const char *text =
        "r6 = r1\nr9 = 0x0901a8c0\n*(u32 *)(r10 -4) = r9\nr1 = r6\nr2 = 26\nr3 = r10\n"
        "r3 += -4\nr4 = 4\nr5 = 0\ncall bpf_skb_store_bytes\nr1 = r6\nr2 = 24\n"
        "r3 = 0x0100000a\nr4 = 0x0901a8c0\nr5 = 4\ncall bpf_l3_csum_replace\nr7 = r0\nr1 = r6\n"
        "r2 = 50\nr3 = 0x0100000a\nr4 = 0x0901a8c0\nr5 = 0x14\ncall bpf_l4_csum_replace\n"
        "r0 += r7\nexit\n";
    struct out o = run_ok(TC, text, p, len);
    cr_assert_eq(o.retval, 0);
    cr_assert_eq(csum(o.data + 14, 20, 0), 0, "IPv4 header checksum");
    cr_assert_eq(l4_check_v4(o.data + 14, 6), 0, "TCP checksum");
    /* the port, a 2-byte field */
    o = run_ok(TC,
               "r6 = r1\nr9 = 0x5000\n*(u16 *)(r10 -2) = r9\nr1 = r6\nr2 = 34\nr3 = r10\n"
               "r3 += -2\nr4 = 2\nr5 = 0\ncall bpf_skb_store_bytes\nr1 = r6\nr2 = 50\n"
               "r3 = 0xd204\nr4 = 0x5000\nr5 = 2\ncall bpf_l4_csum_replace\nexit\n",
               p, len);
    cr_assert_eq(o.retval, 0);
    cr_assert_eq(get16(o.data + 34), 0x0050);
    cr_assert_eq(l4_check_v4(o.data + 14, 6), 0);
    /* checks: odd offset, beyond the packet, bad size, from with a diff */
    static const struct {
        const char *args;
        int want;
    } bad[] = {{"r2 = 25\nr3 = 0\nr4 = 0\nr5 = 0\n", -EFAULT},
               {"r2 = 0x10000\nr3 = 0\nr4 = 0\nr5 = 0\n", -EFAULT},
               {"r2 = 100\nr3 = 0\nr4 = 0\nr5 = 0\n", -EFAULT},
               {"r2 = 24\nr3 = 0\nr4 = 0\nr5 = 3\n", -EINVAL},
               {"r2 = 24\nr3 = 1\nr4 = 0\nr5 = 0\n", -EINVAL},
               {"r2 = 24\nr3 = 0\nr4 = 0\nr5 = 0x10\n", -EINVAL}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char t[256];
        snprintf(t, sizeof t, "%scall bpf_l3_csum_replace\nexit\n", bad[i].args);
        o = run_ok(TC, t, p, len);
        cr_assert_eq(o.retval, (uint32_t)bad[i].want, "%s", bad[i].args);
    }
    /* BPF_F_MARK_MANGLED_0: a zero UDP checksum stays zero ... */
    len = v4_pkt(p, dst_host, 17, 3);
    p[40] = p[41] = 0;
    o = run_ok(TC, "r2 = 40\nr3 = 1\nr4 = 2\nr5 = 0x32\ncall bpf_l4_csum_replace\nexit\n", p, len);
    cr_assert_eq(o.retval, 0);
    cr_assert_eq(get16(o.data + 40), 0);
    /* ... unless enforced, and a result of 0 becomes 0xffff */
    o = run_ok(TC, "r2 = 40\nr3 = 0\nr4 = 0xffff\nr5 = 0x60\ncall bpf_l4_csum_replace\nexit\n",
               p, len);
    cr_assert_eq(get16(o.data + 40), 0xffff, "CSUM_MANGLED_0");
}

Test(skb_helpers, csum_level_and_update)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 6, 0);
    const char *text =
        "r6 = r1\nr2 = 0\ncall bpf_csum_level\n*(u32 *)(r6 +48) = r0\nr1 = r6\nr2 = 1\n"
        "call bpf_csum_level\nr1 = r6\nr2 = 0\ncall bpf_csum_level\n*(u32 *)(r6 +52) = r0\n"
        "r1 = r6\nr2 = 1\ncall bpf_csum_level\nr1 = r6\nr2 = 1\ncall bpf_csum_level\n"
        "r1 = r6\nr2 = 1\ncall bpf_csum_level\nr1 = r6\nr2 = 1\ncall bpf_csum_level\n"
        "r1 = r6\nr2 = 0\ncall bpf_csum_level\n*(u32 *)(r6 +56) = r0\nr1 = r6\nr2 = 3\n"
        "call bpf_csum_level\nr1 = r6\nr2 = 0\ncall bpf_csum_level\n*(u32 *)(r6 +60) = r0\n"
        "r1 = r6\nr2 = 9\ncall bpf_csum_level\n*(u32 *)(r6 +64) = r0\nr1 = r6\nr2 = 1\n"
        "call bpf_csum_update\nexit\n";
    struct out o = run_ok(TC, text, p, len);
    cr_assert_eq(o.ctx.cb[0], (uint32_t)-EACCES, "CHECKSUM_NONE");
    cr_assert_eq(o.ctx.cb[1], 0);
    cr_assert_eq(o.ctx.cb[2], 3, "SKB_MAX_CSUM_LEVEL");
    cr_assert_eq(o.ctx.cb[3], (uint32_t)-EACCES, "reset");
    cr_assert_eq(o.ctx.cb[4], (uint32_t)-EINVAL);
    cr_assert_eq(o.retval, (uint32_t)-ENOTSUPP, "csum_update needs CHECKSUM_COMPLETE");
}

Test(skb_helpers, change_tail_and_head)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 17, 4);
    char text[256];
    snprintf(text, sizeof text, "r2 = %zu\nr3 = 0\ncall bpf_skb_change_tail\nexit\n", len + 10);
    struct out o = run_ok(TC, text, p, len);
    cr_assert_eq(o.retval, 0);
    cr_assert_eq(o.len, len + 10);
    cr_assert_arr_eq(o.data, p, len);
    static const uint8_t zero[16];
    cr_assert_arr_eq(o.data + len, zero, 10);
    o = run_ok(TC, "r2 = 20\nr3 = 0\ncall bpf_skb_change_tail\nexit\n", p, len);
    cr_assert_eq(o.len, 20);
    o = run_ok(TC, "r2 = 13\nr3 = 0\ncall bpf_skb_change_tail\nexit\n", p, len);
    cr_assert_eq(o.retval, (uint32_t)-EINVAL, "below the network header");
    o = run_ok(LWT, "r2 = 0\nr3 = 0\ncall bpf_skb_change_tail\nexit\n", p, len);
    cr_assert_eq(o.retval, 0, "LWT data starts at the network header");
    cr_assert_eq(o.len, 14);
    o = run_ok(TC, "r2 = 16065\nr3 = 0\ncall bpf_skb_change_tail\nexit\n", p, len);
    cr_assert_eq(o.retval, (uint32_t)-EINVAL);
    o = run_ok(TC, "r2 = 16064\nr3 = 0\ncall bpf_skb_change_tail\nexit\n", p, len);
    cr_assert_eq(o.retval, 0);
    cr_assert_eq(o.len, 16064, "grows past the test run's page");
    o = run_ok(TC, "r2 = 100\nr3 = 1\ncall bpf_skb_change_tail\nexit\n", p, len);
    cr_assert_eq(o.retval, (uint32_t)-EINVAL);

    o = run_ok(TC, "r6 = r1\nr2 = 6\nr3 = 0\ncall bpf_skb_change_head\nr0 = *(u32 *)(r6 +0)\n"
                   "exit\n", p, len);
    cr_assert_eq(o.retval, len + 6);
    cr_assert_arr_eq(o.data, zero, 6);
    cr_assert_arr_eq(o.data + 6, p, len);
    o = run_ok(TC, "r2 = 16050\nr3 = 0\ncall bpf_skb_change_head\nexit\n", p, len);
    cr_assert_eq(o.retval, (uint32_t)-EINVAL, "over BPF_SKB_MAX_LEN");
    o = run_ok(TC, "r2 = 3000\nr3 = 0\ncall bpf_skb_change_head\nexit\n", p, len);
    cr_assert_eq(o.retval, 0, "more than the buffer's headroom");
    cr_assert_eq(o.len, len + 3000);
}

Test(skb_helpers, change_proto)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 17, 4);
    struct out o = run_ok(TC, "r6 = r1\nr2 = 0xdd86\nr3 = 0\ncall bpf_skb_change_proto\n"
                              "r2 = *(u32 *)(r6 +16)\n*(u32 *)(r6 +48) = r2\nexit\n", p, len);
    cr_assert_eq(o.retval, 0);
    cr_assert_eq(o.ctx.cb[0], 0xdd86);
    cr_assert_eq(o.len, len + 20);
    cr_assert_arr_eq(o.data, p, 14, "the MAC header moves to the front, unchanged");
    static const uint8_t zero[20];
    cr_assert_arr_eq(o.data + 14, zero, 20, "room for the larger header");
    cr_assert_arr_eq(o.data + 34, p + 14, len - 14);
    o = run_ok(TC, "r2 = 0x0008\nr3 = 0\ncall bpf_skb_change_proto\nexit\n", p, len);
    cr_assert_eq(o.retval, (uint32_t)-ENOTSUPP, "already IPv4");
    o = run_ok(TC, "r2 = 0xdd86\nr3 = 1\ncall bpf_skb_change_proto\nexit\n", p, len);
    cr_assert_eq(o.retval, (uint32_t)-EINVAL);
    len = v6_pkt(p, 17, 0);
    o = run_ok(TC, "r2 = 0x0008\nr3 = 0\ncall bpf_skb_change_proto\nexit\n", p, len);
    cr_assert_eq(o.retval, 0);
    cr_assert_eq(o.len, len - 20);
    cr_assert_arr_eq(o.data, p, 14);
    cr_assert_arr_eq(o.data + 14, p + 34, len - 34);
}

Test(skb_helpers, adjust_room)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 17, 4);
    static const uint8_t zero[32];
    /* BPF_ADJ_ROOM_MAC: room after the MAC header */
    struct out o = run_ok(TC, "r2 = 8\nr3 = 1\nr4 = 0\ncall bpf_skb_adjust_room\nexit\n", p, len);
    cr_assert_eq(o.retval, 0);
    cr_assert_eq(o.len, len + 8);
    cr_assert_arr_eq(o.data, p, 14);
    cr_assert_arr_eq(o.data + 14, zero, 8);
    cr_assert_arr_eq(o.data + 22, p + 14, len - 14);
    /* BPF_ADJ_ROOM_NET: after the IPv4 header; and back */
    o = run_ok(TC, "r2 = 8\nr3 = 0\nr4 = 0\ncall bpf_skb_adjust_room\nexit\n", p, len);
    cr_assert_arr_eq(o.data, p, 34);
    cr_assert_arr_eq(o.data + 34, zero, 8);
    o = run_ok(TC, "r2 = -8\nr3 = 0\nr4 = 0\ncall bpf_skb_adjust_room\nexit\n", p, len);
    cr_assert_eq(o.retval, 0);
    cr_assert_arr_eq(o.data, p, 34);
    cr_assert_arr_eq(o.data + 34, p + 42, len - 42);
    /* checks */
    static const struct {
        const char *args;
        int want;
    } cases[] = {
        {"r2 = 8\nr3 = 2\nr4 = 0\n", -ENOTSUPP},             /* mode */
        {"r2 = 4096\nr3 = 0\nr4 = 0\n", -EFAULT},             /* more than 0xfff */
        {"r2 = -15\nr3 = 0\nr4 = 0\n", -ENOTSUPP},            /* below the IPv4 header */
        {"r2 = 8\nr3 = 0\nr4 = 0x200\n", -EINVAL},            /* unknown flag */
        {"r2 = 20\nr3 = 1\nr4 = 6\n", -EINVAL},               /* two L3 encaps */
        {"r2 = 20\nr3 = 1\nr4 = 0x80\n", -EINVAL},            /* decap while growing */
        {"r2 = -8\nr3 = 0\nr4 = 2\n", -EINVAL},               /* encap flag on shrink */
        {"r2 = 20\nr3 = 1\nr4 = 0x1e00000000000042 ll\n", -EINVAL}, /* inner MAC > room */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char t[256];
        snprintf(t, sizeof t, "%scall bpf_skb_adjust_room\nexit\n", cases[i].args);
        o = run_ok(TC, t, p, len);
        cr_assert_eq(o.retval, (uint32_t)cases[i].want, "%s: %d", cases[i].args, (int)o.retval);
    }
    /* an encapsulation can not be repeated, and blocks change_tail */
    o = run_ok(TC, "r6 = r1\nr2 = 20\nr3 = 1\nr4 = 2\ncall bpf_skb_adjust_room\n"
                   "*(u32 *)(r6 +48) = r0\nr1 = r6\nr2 = 20\nr3 = 1\nr4 = 2\n"
                   "call bpf_skb_adjust_room\n*(u32 *)(r6 +52) = r0\nr1 = r6\nr2 = 100\nr3 = 0\n"
                   "call bpf_skb_change_tail\nexit\n", p, len);
    cr_assert_eq(o.ctx.cb[0], 0);
    cr_assert_eq(o.ctx.cb[1], (uint32_t)-EALREADY);
    cr_assert_eq(o.retval, (uint32_t)-ENOTSUPP);
    /* IPv6 outer header on IPv4: the protocol follows */
    o = run_ok(TC, "r6 = r1\nr2 = 40\nr3 = 1\nr4 = 4\ncall bpf_skb_adjust_room\n"
                   "r0 = *(u32 *)(r6 +16)\nexit\n", p, len);
    cr_assert_eq(o.retval, 0xdd86);
    /* room past the end of a trimmed packet: -ENOMEM in 6.18 (NET mode puts
     * it after the IPv4 header, 34 bytes in; MAC mode after 14) */
    static const struct {
        int tail, mode, want;
    } trims[] = {{20, 0, -ENOMEM}, {33, 0, -ENOMEM}, {34, 0, 0}, {14, 1, 0}, {20, 1, 0}};
    for (size_t i = 0; i < sizeof(trims) / sizeof(trims[0]); i++) {
        char t[256];
        snprintf(t, sizeof t,
                 "r6 = r1\nr2 = %d\nr3 = 0\ncall bpf_skb_change_tail\nr1 = r6\nr2 = 8\n"
                 "r3 = %d\nr4 = 0\ncall bpf_skb_adjust_room\nexit\n",
                 trims[i].tail, trims[i].mode);
        o = run_ok(TC, t, p, len);
        cr_assert_eq(o.retval, (uint32_t)trims[i].want, "tail %d mode %d: %d", trims[i].tail,
                     trims[i].mode, (int)o.retval);
    }
    /* not IP */
    uint8_t arp[60] = {0};
    put16(arp + 12, ETH_P_ARP);
    o = run_ok(TC, "r2 = 8\nr3 = 1\nr4 = 0\ncall bpf_skb_adjust_room\nexit\n", arp, sizeof arp);
    cr_assert_eq(o.retval, (uint32_t)-ENOTSUPP);
}

/* bpf_csum_diff (Linux 6.13+): any sizes, no 512-byte limit, the result
 * folded to 16 bits. Values: the kernel's (bpfemu kdiff of the same
 * programs on Linux 6.18). The stack's 304 bytes are set first. */
Test(skb_helpers, csum_diff_any_size)
{
    static const struct {
        int fs, ts;
        uint32_t seed;
        int fo, to;
        uint32_t want;
    } cases[] = {
        {6, 3, 0x12345678, -304, -200, 0x4f55},
        {0, 5, 0, -304, -199, 0x2f},
        {7, 0, 0xffff, -301, -304, 0x79b9},
        {4, 4, 0, -304, -100, 0xb786},
        {9, 13, 0x7fffffff, -33, -150, 0x6e76},
        {300, 300, 1, -304, -304, 0x1},   /* 600 bytes: no limit */
        {1, 1, 0, -1, -2, 0xffff},
        {0, 0, 0x1234, -304, -304, 0x1234},
        {0, 0, 0x8ae29138, -304, -304, 0x1c1b}, /* no bytes: the seed folded */
        {2, 0, 0, -302, -304, 0},
    };
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 17, 4);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char t[4096];
        size_t n = 0;
        for (int k = 0; k < 38; k++)
            n += (size_t)snprintf(t + n, sizeof t - n, "*(u64 *)(r10 %d) = %d\n", -8 * (k + 1),
                                  (k * 0x1f3 + 0x5a) & 0x7fffffff);
        snprintf(t + n, sizeof t - n,
                 "r1 = r10\nr1 += %d\nr2 = %d\nr3 = r10\nr3 += %d\nr4 = %d\nr5 = %d\n"
                 "call bpf_csum_diff\nexit\n",
                 cases[i].fo, cases[i].fs, cases[i].to, cases[i].ts, (int32_t)cases[i].seed);
        struct out o = run_ok(TC, t, p, len);
        cr_expect_eq(o.retval, cases[i].want, "case %zu: 0x%x", i, o.retval);
    }
}

/* ------------------------------------------------ ld_abs / ld_ind */

/* One run of `text` on pkt in the interpreter (jit 0) or JIT-compiled. */
static uint32_t run_engine(uint32_t type, const char *text, const void *pkt, size_t len,
                           unsigned jit)
{
    char err[VM_ERR_LEN] = "";
    struct tenv t;
    cr_assert_eq(topen(&t, type, text, err, sizeof err), 0, "%s", err);
    if (jit)
        cr_assert_eq(helper_env_set_jit(t.env, jit, err, sizeof err), 0, "%s", err);
    struct helper_test_run tr;
    int rc = trun(&t, pkt, len, NULL, 1, &tr, err, sizeof err);
    cr_assert_eq(rc, 0, "%s: %s", text, err);
    uint32_t ret = tr.retval;
    helper_test_run_free(&tr);
    tclose(&t);
    return ret;
}

/* bpf_xdp_load_bytes / bpf_xdp_store_bytes errors (bpf_xdp_pointer): an
 * offset or length past 0xffff is -EFAULT, bytes past the packet -EINVAL.
 * Checked against Linux 6.18 with bpfemu kdiff on a 64-byte packet. */
Test(xdp_helpers, load_and_store_bytes_errors)
{
    static const struct {
        const char *off;
        int len;
        int want;
    } cases[] = {
        {"0", 8, 0},           {"56", 8, 0},         {"57", 8, -EINVAL},
        {"64", 1, -EINVAL},    {"63", 1, 0},         {"0xffff", 1, -EINVAL},
        {"0x10000", 1, -EFAULT}, {"-1", 4, -EFAULT}, {"0x100000002 ll", 4, 0}, /* u32 offset */
        {"0x7fffffff", 2, -EFAULT}, {"0", 64, 0},    {"1", 64, -EINVAL},
    };
    uint8_t p[64];
    for (size_t i = 0; i < sizeof p; i++)
        p[i] = (uint8_t)i;
    static const char *const helpers[] = {"bpf_xdp_load_bytes", "bpf_xdp_store_bytes"};
    for (size_t h = 0; h < 2; h++)
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            char t[512];
            size_t n = 0;
            for (int k = 0; k < 8; k++)
                n += (size_t)snprintf(t + n, sizeof t - n, "*(u64 *)(r10 %d) = %d\n", -8 * (k + 1),
                                      k * 0x1111 + 7);
            snprintf(t + n, sizeof t - n, "r2 = %s\nr3 = r10\nr3 += -64\nr4 = %d\ncall %s\nexit\n",
                     cases[i].off, cases[i].len, helpers[h]);
            uint32_t got = run_engine(BPF_PROG_TYPE_XDP, t, p, sizeof p, 0);
            cr_expect_eq(got, (uint32_t)cases[i].want, "%s(%s, %d): %d", helpers[h],
                         cases[i].off, cases[i].len, (int)got);
        }
}

/* The kernel's retvals (Linux 6.18, bpfemu kdiff on this packet) of
 * "r6 = r1; r0 = LOAD; r0 += 1; exit": value + 1 when the bytes are in the
 * packet, else 0 (the load ended the program with r0 = 0). tc sees the
 * packet from the Ethernet header, socket filters from the IPv4 header;
 * SKF_NET_OFF (-0x100000) and SKF_LL_OFF (-0x200000) reach the network
 * and MAC headers for both. */
Test(skb_ld_abs, loads_as_the_kernel)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 17, 4); /* 46 bytes; payload 01 0e 1b 28 */
    static const struct {
        uint32_t type;
        const char *load;
        uint32_t want;
    } cases[] = {
        {TC, "r0 = *(u16 *)skb[12]", 0x801},
        {TC, "r0 = *(u32 *)skb[26]", 0x0a000002},
        {TC, "r0 = *(u8 *)skb[45]", 0x29},
        {TC, "r0 = *(u8 *)skb[46]", 0},
        {TC, "r0 = *(u16 *)skb[45]", 0},
        {TC, "r0 = *(u32 *)skb[42]", 0x010e1b29},
        {TC, "r0 = *(u32 *)skb[43]", 0},
        {TC, "r0 = *(u32 *)skb[-1]", 0},
        {TC, "r0 = *(u8 *)skb[-1048567]", 0x12},        /* SKF_NET_OFF + 9: protocol */
        {TC, "r0 = *(u32 *)skb[-1048548]", 0x010e1b29}, /* SKF_NET_OFF + 28 */
        {TC, "r0 = *(u32 *)skb[-1048547]", 0},
        {TC, "r0 = *(u16 *)skb[-2097140]", 0x801},      /* SKF_LL_OFF + 12 */
        {TC, "r0 = *(u8 *)skb[-2097153]", 0},           /* below SKF_LL_OFF */
        {SOCK, "r0 = *(u8 *)skb[9]", 0x12},
        {SOCK, "r0 = *(u16 *)skb[0]", 0x4501},
        {SOCK, "r0 = *(u32 *)skb[28]", 0x010e1b29},
        {SOCK, "r0 = *(u32 *)skb[29]", 0},
        {SOCK, "r0 = *(u16 *)skb[-2097140]", 0x801},    /* the MAC header before data */
        {SOCK, "r0 = *(u8 *)skb[-1048567]", 0x12},
        {SOCK, "r0 = *(u32 *)skb[-2097110]", 0x010e1b29},
        {SOCK, "r0 = *(u32 *)skb[-2097109]", 0},
        /* ld_ind: src + imm as a 64-bit sum, then the helper's int */
        {TC, "r7 = 0x10000000a ll\nr0 = *(u16 *)skb[r7 + 2]", 0x801},
        {TC, "r7 = -1\nr0 = *(u16 *)skb[r7 + 13]", 0x801},
        {SOCK, "r7 = 0xffffffff00000009 ll\nr0 = *(u8 *)skb[r7 + 0]", 0x12},
        {TC, "r7 = -1048576\nr0 = *(u32 *)skb[r7 + 24]", 0x000cca7c},
    };
    static const unsigned engines[] = {0, JIT_CHECKED, JIT_CHECKED | JIT_HARDEN};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char t[256];
        snprintf(t, sizeof t, "r6 = r1\nr0 = 7\n%s\nr0 += 1\nexit\n", cases[i].load);
        for (size_t e = 0; e < sizeof(engines) / sizeof(engines[0]); e++)
            cr_assert_eq(run_engine(cases[i].type, t, p, len, engines[e]), cases[i].want,
                         "%s (engine %u): got 0x%x", cases[i].load, engines[e],
                         run_engine(cases[i].type, t, p, len, engines[e]));
    }
}

/* The kernel's rewrite ends the *function* on a failed load: in a
 * subprogram that is a return of 0 to the caller (the kernel needs BTF
 * for ld_abs in subprograms, so kdiff cannot load this one); r1..r5 are
 * clobbered as by a call, r6..r9 kept. */
Test(skb_ld_abs, a_failed_load_returns_from_the_function)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 17, 4);
    const char *prog = "r6 = r1\nr7 = 40\ncall pc+3\nr0 += r7\nr0 += 100\nexit\n"
                       "r0 = *(u8 *)skb[1000]\nr0 = 5\nexit\n";
    static const unsigned engines[] = {0, JIT_CHECKED, JIT_CHECKED | JIT_HARDEN};
    for (size_t e = 0; e < sizeof(engines) / sizeof(engines[0]); e++)
        cr_assert_eq(run_engine(TC, prog, p, len, engines[e]), 140);
}

Test(skb_ld_abs, only_with_an_skb_context)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 17, 4);
    /* r6 not the ctx: the kernel's verifier rejects it, a checked run faults */
    struct out o = run_prog(TC, "r6 = r10\nr0 = *(u8 *)skb[0]\nexit\n", p, len, NULL, 1);
    cr_assert_eq(o.rc, -EFAULT, "%d %s", o.rc, o.err);
    cr_assert(strstr(o.err, "is not the context"), "%s", o.err);
    /* program types without ld_abs (cgroup_skb) */
    o = run_prog(CGROUP, "r6 = r1\nr0 = *(u8 *)skb[0]\nexit\n", p, len, NULL, 1);
    cr_assert_eq(o.rc, -ENOTSUP, "%d %s", o.rc, o.err);
}

Test(skb_helpers, vlan_push_and_pop)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 17, 4);
    const char *dump = "r2 = *(u32 *)(r6 +20)\n*(u32 *)(r6 +52) = r2\nr2 = *(u32 *)(r6 +24)\n"
                       "*(u32 *)(r6 +56) = r2\nr2 = *(u32 *)(r6 +28)\n*(u32 *)(r6 +60) = r2\n"
                       "r2 = *(u32 *)(r6 +16)\n*(u32 *)(r6 +64) = r2\nexit\n";
    char text[1024];
    /* the first tag goes to the hw-accel slot; the packet is unchanged */
    snprintf(text, sizeof text, "r6 = r1\nr2 = 0x0081\nr3 = 5\ncall bpf_skb_vlan_push\n%s", dump);
    struct out o = run_ok(TC, text, p, len);
    cr_assert_eq(o.retval, 0);
    cr_assert_eq(o.len, len);
    cr_assert_arr_eq(o.data, p, len);
    cr_assert_eq(o.ctx.cb[1], 1);
    cr_assert_eq(o.ctx.cb[2], 5);
    cr_assert_eq(o.ctx.cb[3], 0x0081);
    cr_assert_eq(o.ctx.cb[4], 0x0008);
    /* a second push moves the first tag into the packet */
    snprintf(text, sizeof text,
             "r6 = r1\nr2 = 0xa888\nr3 = 5\ncall bpf_skb_vlan_push\nr1 = r6\nr2 = 0x1234\n"
             "r3 = 6\ncall bpf_skb_vlan_push\n%s", dump);
    o = run_ok(TC, text, p, len);
    cr_assert_eq(o.len, len + 4);
    cr_assert_arr_eq(o.data, p, 12);
    cr_assert_eq(get16(o.data + 12), 0x88a8);
    cr_assert_eq(get16(o.data + 14), 5);
    cr_assert_arr_eq(o.data + 16, p + 12, len - 12);
    cr_assert_eq(o.ctx.cb[2], 6);
    cr_assert_eq(o.ctx.cb[3], 0x0081, "an unknown proto becomes 802.1Q");
    cr_assert_eq(o.ctx.cb[4], 0xa888, "skb->protocol is the pushed tag's");
    /* push, push, pop: back to one hw-accel tag and the original packet */
    snprintf(text, sizeof text,
             "r6 = r1\nr2 = 0x0081\nr3 = 5\ncall bpf_skb_vlan_push\nr1 = r6\nr2 = 0x0081\n"
             "r3 = 6\ncall bpf_skb_vlan_push\nr1 = r6\ncall bpf_skb_vlan_pop\n%s", dump);
    o = run_ok(TC, text, p, len);
    cr_assert_eq(o.len, len);
    cr_assert_arr_eq(o.data, p, len);
    cr_assert_eq(o.ctx.cb[1], 1);
    cr_assert_eq(o.ctx.cb[2], 5);
    cr_assert_eq(o.ctx.cb[4], 0x0008);
    /* a tagged packet: pop takes the tag out of the packet */
    uint8_t q[132];
    memcpy(q, p, 12);
    put16(q + 12, 0x8100);
    put16(q + 14, 42);
    memcpy(q + 16, p + 12, len - 12);
    snprintf(text, sizeof text, "r6 = r1\ncall bpf_skb_vlan_pop\n*(u32 *)(r6 +48) = r0\n%s", dump);
    o = run_ok(TC, text, q, len + 4);
    cr_assert_eq(o.ctx.cb[0], 0);
    cr_assert_eq(o.len, len);
    cr_assert_arr_eq(o.data, p, len);
    cr_assert_eq(o.ctx.cb[1], 0, "no tag left");
    cr_assert_eq(o.ctx.cb[4], 0x0008);
    o = run_ok(TC, "call bpf_skb_vlan_pop\nexit\n", q, 17);
    cr_assert_eq(o.retval, (uint32_t)-ENOMEM, "a tag needs 18 bytes");
}

Test(skb_helpers, flow_hash)
{
    uint8_t p[128], r[128];
    size_t len = v4_pkt(p, dst_host, 6, 3);
    const char *text = "r6 = r1\ncall bpf_get_hash_recalc\nr7 = r0\nr0 = *(u32 *)(r6 +68)\n"
                       "r1 = 0\nif r0 != r7 goto out\nr0 = r7\nexit\nout: r0 = 0\nexit\n";
    struct out a = run_ok(TC, text, p, len), b = run_ok(TC, text, p, len);
    cr_assert_neq(a.retval, 0, "cached in skb->hash, never 0");
    cr_assert_eq(a.retval, b.retval, "deterministic");
    /* the reply (addresses and ports swapped) hashes the same */
    memcpy(r, p, len);
    memcpy(r + 26, p + 30, 4);
    memcpy(r + 30, p + 26, 4);
    memcpy(r + 34, p + 36, 2);
    memcpy(r + 36, p + 34, 2);
    cr_assert_eq(run_ok(TC, text, r, len).retval, a.retval, "symmetric");
    r[37] ^= 1;
    cr_assert_neq(run_ok(TC, text, r, len).retval, a.retval, "the port counts");
    /* a socket filter can not call it; LWT can */
    cr_assert_eq(run_ok(LWT, "call bpf_get_hash_recalc\nexit\n", p, len).retval, a.retval);
    /* set_hash sticks; set_hash_invalid and change_proto clear it */
    struct out o = run_ok(TC, "r6 = r1\nr2 = 0x1234\ncall bpf_set_hash\nr1 = r6\n"
                              "call bpf_get_hash_recalc\nexit\n", p, len);
    cr_assert_eq(o.retval, 0x1234);
    o = run_ok(TC, "r6 = r1\nr2 = 0x1234\ncall bpf_set_hash\nr1 = r6\ncall bpf_set_hash_invalid\n"
                   "r0 = *(u32 *)(r6 +68)\nexit\n", p, len);
    cr_assert_eq(o.retval, 0);
    o = run_ok(TC, "r6 = r1\nr2 = 0x1234\ncall bpf_set_hash\nr1 = r6\nr2 = 0xdd86\nr3 = 0\n"
                   "call bpf_skb_change_proto\nr0 = *(u32 *)(r6 +68)\nexit\n", p, len);
    cr_assert_eq(o.retval, 0);
}

Test(skb_helpers, small_ones)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 6, 0);
    cr_assert_eq(run_ok(TC, "call bpf_get_cgroup_classid\nexit\n", p, len).retval, 0);
    cr_assert_eq(run_ok(TC, "call bpf_get_route_realm\nexit\n", p, len).retval, 0);
    cr_assert_eq(run_ok(SOCK, "call bpf_get_socket_uid\nexit\n", p, len).retval, 0);
    struct out o = run_ok(TC, "r9 = -1\n*(u64 *)(r10 -16) = r9\n*(u64 *)(r10 -8) = r9\n"
                              "r2 = r10\nr2 += -16\nr3 = 16\nr4 = 0\n"
                              "call bpf_skb_get_tunnel_key\nr6 = r0\n"
                              "r0 = *(u64 *)(r10 -16)\nr1 = *(u64 *)(r10 -8)\nr0 |= r1\n"
                              "r0 += r6\nexit\n", p, len);
    cr_assert_eq(o.retval, (uint32_t)-EINVAL, "no tunnel metadata, the key zeroed");
    o = run_ok(TC, "r6 = r1\nr2 = 3\ncall bpf_skb_change_type\nr0 = *(u32 *)(r6 +4)\nexit\n", p,
               len);
    cr_assert_eq(o.retval, 3);
    o = run_ok(TC, "r2 = 4\ncall bpf_skb_change_type\nexit\n", p, len);
    cr_assert_eq(o.retval, (uint32_t)-EINVAL);
    o = run_ok(TC, "r2 = 0\ncall bpf_skb_pull_data\nr6 = r0\nr1 = 0\nr2 = 0\nexit\n", p, len);
    cr_assert_eq(o.retval, 0);
    char t[128];
    snprintf(t, sizeof t, "r2 = %zu\ncall bpf_skb_pull_data\nexit\n", len + 1);
    cr_assert_eq(run_ok(TC, t, p, len).retval, (uint32_t)-ENOMEM);
}

Test(skb_helpers, helpers_of_other_types_do_not_load)
{
    struct tenv t;
    char err[VM_ERR_LEN];
    const char *text = "r2 = 0\nr3 = r10\nr3 += -8\nr4 = 1\nr5 = 0\n"
                       "call bpf_skb_store_bytes\nexit\n";
    cr_assert_neq(topen(&t, SOCK, text, err, sizeof err), 0);
    cr_assert(strstr(err, "not available") != NULL, "%s", err);
    vm_prog_free(t.code);
    cr_assert_neq(topen(&t, LWT, "call bpf_skb_vlan_pop\nexit\n", err, sizeof err), 0);
    vm_prog_free(t.code);
}

Test(skb_helpers, stale_packet_pointer_faults)
{
    /* change_head may move the packet: a pointer kept across it is stale
     * (the kernel's verifier rejects this program; checked mode faults) */
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 6, 0);
    struct out o = run_prog(TC,
                            "r6 = r1\nr7 = *(u32 *)(r1 +76)\nr2 = 3000\nr3 = 0\n"
                            "call bpf_skb_change_head\nr0 = *(u8 *)(r7 +0)\nexit\n",
                            p, len, NULL, 1);
    cr_assert_eq(o.rc, -EFAULT, "%d %s", o.rc, o.err);
}

/* ------------------------------------------------------------- routing */

static const struct helper_net_dev devs[] = {
    {.ifindex = 1, .forwarding = false},
    {.ifindex = 2, .mac = {2, 0, 0, 0, 0, 2}, .mtu = 1500, .forwarding = true},
    {.ifindex = 3, .mac = {2, 0, 0, 0, 0, 3}, .mtu = 9000, .forwarding = true},
};
static const struct helper_net_route routes[] = {
    {.family = AF_INET, .prefix_len = 0, .type = RTN_UNICAST, .gw = {192, 168, 0, 1},
     .ifindex = 2, .metric = 100},
    {.family = AF_INET, .prefix_len = 24, .type = RTN_UNICAST, .dst = {10, 1, 2, 0},
     .ifindex = 3, .metric = 5},
    {.family = AF_INET, .prefix_len = 24, .type = RTN_UNICAST, .dst = {10, 9, 9, 0},
     .ifindex = 3, .metric = 5, .mtu = 1400},
    {.family = AF_INET, .prefix_len = 16, .type = RTN_BLACKHOLE, .dst = {10, 66, 0, 0}},
    {.family = AF_INET6, .prefix_len = 0, .type = RTN_UNREACHABLE},
};
static const struct helper_net_neigh neighs[] = {
    {.family = AF_INET, .addr = {192, 168, 0, 1}, .ifindex = 2, .mac = {0xaa, 1, 1, 1, 1, 1}},
    {.family = AF_INET, .addr = {10, 1, 2, 3}, .ifindex = 3, .mac = {0xaa, 3, 3, 3, 3, 3}},
};
static const struct helper_net net = {devs, 3, routes, 5, neighs, 2};

/* fib_lookup with family/dst/ifindex/tot_len; returns rc, *out the params
 * after the call (the program stores them over the packet's first bytes) */
static int fib(uint8_t family, const uint8_t *dst, uint32_t ifindex, uint16_t tot_len,
               uint32_t flags, struct bpf_fib_lookup *out)
{
    static uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 6, 20);
    struct bpf_fib_lookup in = {.family = family, .ifindex = ifindex, .tot_len = tot_len};
    memcpy(family == AF_INET ? (void *)&in.ipv4_dst : (void *)in.ipv6_dst, dst,
           family == AF_INET ? 4 : 16);
    char text[2048], *q = text;
    uint64_t w[8];
    memcpy(w, &in, 64);
    q += sprintf(q, "r6 = r1\n");
    for (int i = 0; i < 8; i++)
        q += sprintf(q, "r9 = 0x%llx ll\n*(u64 *)(r10 %d) = r9\n", (unsigned long long)w[i],
                     -64 + 8 * i);
    sprintf(q, "r1 = r6\nr2 = r10\nr2 += -64\nr3 = 64\nr4 = %u\ncall bpf_fib_lookup\n"
               "r7 = r0\nr1 = r6\nr2 = 0\nr3 = r10\nr3 += -64\nr4 = 64\nr5 = 0\n"
               "call bpf_skb_store_bytes\nr0 = r7\nexit\n", flags);
    struct tenv t;
    char err[VM_ERR_LEN];
    cr_assert_eq(topen(&t, TC, text, err, sizeof err), 0, "%s", err);
    helper_env_set_net(t.env, &net);
    struct helper_test_run tr;
    cr_assert_eq(trun(&t, p, len, NULL, 1, &tr, err, sizeof err), 0, "%s", err);
    int rc = (int)tr.retval;
    memcpy(out, tr.data_out, sizeof(*out));
    helper_test_run_free(&tr);
    tclose(&t);
    return rc;
}

Test(skb_fib, answers_from_the_table)
{
    struct bpf_fib_lookup o;
    cr_assert_eq(fib(AF_INET, (uint8_t[]){10, 1, 2, 3}, 2, 0, 0, &o), BPF_FIB_LKUP_RET_SUCCESS);
    cr_assert_eq(o.ifindex, 3);
    cr_assert_eq(o.rt_metric, 5);
    cr_assert_arr_eq(o.dmac, ((uint8_t[]){0xaa, 3, 3, 3, 3, 3}), 6);
    cr_assert_arr_eq(o.smac, devs[2].mac, 6);
    cr_assert_eq(o.mtu_result, 9000, "the egress device's MTU");
    cr_assert_eq(fib(AF_INET, (uint8_t[]){10, 1, 2, 4}, 2, 0, 0, &o), BPF_FIB_LKUP_RET_NO_NEIGH);
    cr_assert_eq(fib(AF_INET, (uint8_t[]){10, 1, 2, 4}, 2, 0, BPF_FIB_LOOKUP_SKIP_NEIGH, &o),
                 BPF_FIB_LKUP_RET_SUCCESS);
    cr_assert_eq(fib(AF_INET, (uint8_t[]){8, 8, 8, 8}, 2, 0, 0, &o), BPF_FIB_LKUP_RET_SUCCESS,
                 "the default route's gateway has a neighbour");
    cr_assert_arr_eq(&o.ipv4_dst, ((uint8_t[]){192, 168, 0, 1}), 4, "dst becomes the gateway");
    cr_assert_eq(o.ifindex, 2);
    cr_assert_eq(fib(AF_INET, (uint8_t[]){10, 9, 9, 9}, 2, 1401, 0, &o),
                 BPF_FIB_LKUP_RET_FRAG_NEEDED);
    cr_assert_eq(o.mtu_result, 1400, "the route's MTU");
    cr_assert_eq(fib(AF_INET, (uint8_t[]){10, 66, 1, 1}, 2, 0, 0, &o), BPF_FIB_LKUP_RET_BLACKHOLE);
    cr_assert_eq(fib(AF_INET, (uint8_t[]){10, 1, 2, 3}, 1, 0, 0, &o),
                 BPF_FIB_LKUP_RET_FWD_DISABLED);
    cr_assert_eq(fib(AF_INET, (uint8_t[]){10, 1, 2, 3}, 7, 0, 0, &o), -ENODEV);
    cr_assert_eq(fib(AF_INET6, (uint8_t[16]){0x20, 1}, 2, 0, 0, &o), BPF_FIB_LKUP_RET_UNREACHABLE);
    cr_assert_eq(fib(AF_INET6, (uint8_t[16]){0xfe, 0x80}, 2, 0, 0, &o), BPF_FIB_LKUP_RET_NOT_FWDED,
                 "link-local");
    cr_assert_eq(fib(AF_INET, (uint8_t[]){10, 1, 2, 3}, 2, 0, 0x40, &o), -EINVAL);
}

Test(skb_fib, without_a_table)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 6, 0);
    const char *text = "r9 = 0\n*(u64 *)(r10 -64) = r9\n*(u64 *)(r10 -56) = r9\n"
                       "*(u64 *)(r10 -48) = r9\n*(u64 *)(r10 -40) = r9\n*(u64 *)(r10 -32) = r9\n"
                       "*(u64 *)(r10 -24) = r9\n*(u64 *)(r10 -16) = r9\n*(u64 *)(r10 -8) = r9\n"
                       "r9 = %d\n*(u8 *)(r10 -64) = r9\nr2 = r10\nr2 += -64\nr3 = %d\nr4 = 0\n"
                       "call bpf_fib_lookup\nexit\n";
    char t[1024];
    snprintf(t, sizeof t, text, AF_INET, 64);
    cr_assert_eq(run_ok(TC, t, p, len).retval, BPF_FIB_LKUP_RET_NOT_FWDED);
    snprintf(t, sizeof t, text, AF_INET, 63);
    cr_assert_eq(run_ok(TC, t, p, len).retval, (uint32_t)-EINVAL);
    snprintf(t, sizeof t, text, 0, 64);
    cr_assert_eq(run_ok(TC, t, p, len).retval, (uint32_t)-EAFNOSUPPORT);
}

Test(skb_fib, ctx_ifindex_names_a_device)
{
    uint8_t p[128];
    size_t len = v4_pkt(p, dst_host, 6, 0);
    memcpy(p, devs[1].mac, 6);
    struct tenv t;
    char err[VM_ERR_LEN];
    cr_assert_eq(topen(&t, TC, "r0 = *(u32 *)(r1 +4)\nexit\n", err, sizeof err), 0);
    helper_env_set_net(t.env, &net);
    struct __sk_buff c = {.ifindex = 2};
    struct helper_test_run tr;
    cr_assert_eq(trun(&t, p, len, &c, 1, &tr, err, sizeof err), 0, "%s", err);
    cr_assert_eq(tr.retval, 0, "PACKET_HOST: the device's own address");
    helper_test_run_free(&tr);
    c.ifindex = 9;
    cr_assert_eq(trun(&t, p, len, &c, 1, &tr, err, sizeof err), -ENODEV);
    helper_test_run_free(&tr);
    tclose(&t);
}
