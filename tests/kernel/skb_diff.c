// SPDX-License-Identifier: GPL-2.0
/*
 * skb_diff: a differential check of bpfemu's skb program types against the
 * running kernel.  Hand-written programs (kernel assembly syntax, assembled
 * with bpfemu's vm_asm) that read and write every __sk_buff offset and call
 * every skb helper bpfemu implements are loaded into the kernel with a raw
 * bpf(BPF_PROG_LOAD) and run with BPF_PROG_TEST_RUN on a set of packets;
 * the same programs run in bpfemu through helper_test_run.  Compared, per
 * packet: whether the kernel's verifier accepted the program (bpfemu must
 * then run it without a fault, and fault when it did not), the test run's
 * errno, retval, data_out and the __sk_buff ctx_out.
 *
 *   make BUILD=build-skb build-skb/libbpfemu.a
 *   gcc -std=gnu11 -O1 -g -I. -Iinclude tests/kernel/skb_diff.c \
 *       build-skb/libbpfemu.a -lelf -lcapstone -lpcap -lpthread -lm -o build-skb/skb_diff
 *   build-skb/skb_diff [-v] [-k] [FILTER]     (as root)
 *
 * FILTER keeps the cases whose name contains it; -v prints every case, -k
 * keeps going after a case's first mismatch.  Exit status: 0 all equal,
 * 1 differences (listed), 2 bpf() unavailable (skip).
 *
 * Known, documented differences are not tested here: the flow hash value
 * (the kernel keys it with a boot-time secret; only its properties are
 * compared), skb->sk (NULL in bpfemu), ifindexes of real devices.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helpers/helpers_internal.h"
#include "vm/vm.h"

#define MAX_PKT 4096
#define OUT_MAX (64 * 1024)

static int verbose, keep_going;
static const char *filter;
static long n_cases, n_runs, n_diff, n_cases_diff, n_known;

/* ------------------------------------------------------------- packets -- */

struct pkt {
	char name[48];
	uint8_t data[MAX_PKT];
	uint32_t len;
};

static struct pkt pkts[128];
static int n_pkts;

static uint16_t csum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = (uint8_t)v; }

static const uint8_t mac_host[6] = {0, 0, 0, 0, 0, 0};
static const uint8_t mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mac_mcast[6] = {0x01, 0x00, 0x5e, 0x01, 0x02, 0x03};
static const uint8_t mac_other[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t mac_src[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};

static uint32_t eth(uint8_t *p, const uint8_t *dst, const uint16_t *types, int ntypes)
{
	uint32_t off = 12;

	memcpy(p, dst, 6);
	memcpy(p + 6, mac_src, 6);
	for (int i = 0; i < ntypes; i++) {
		put16(p + off, types[i]);
		off += 2;
		if (i + 1 < ntypes) { /* a VLAN tag's TCI */
			put16(p + off, (uint16_t)(100 + i));
			off += 2;
		}
	}
	return off;
}

/* L4 header + payload at p, n payload bytes; returns its length. */
static uint32_t l4(uint8_t *p, uint8_t proto, uint32_t n)
{
	uint32_t h = proto == 6 ? 20 : proto == 17 ? 8 : proto == 1 ? 8 : 0;

	memset(p, 0, h);
	if (proto == 6 || proto == 17) {
		put16(p, 40000 + n);
		put16(p + 2, proto == 6 ? 80 : 53);
	}
	if (proto == 6) {
		p[12] = 5 << 4;
		p[13] = 0x18;
		put16(p + 14, 512);
	} else if (proto == 17) {
		put16(p + 4, (uint16_t)(8 + n));
	} else if (proto == 1) {
		p[0] = 8;
	}
	for (uint32_t i = 0; i < n; i++)
		p[h + i] = (uint8_t)(i * 7 + proto);
	/* a checksum over the header and payload alone: only its bytes matter */
	if (proto == 6)
		put16(p + 16, csum16(p, h + n, 0));
	else if (proto == 17)
		put16(p + 6, csum16(p, h + n, 0) ?: 0xffff);
	else if (proto == 1)
		put16(p + 2, csum16(p, h + n, 0));
	return h + n;
}

static struct pkt *new_pkt(const char *name)
{
	struct pkt *k = &pkts[n_pkts++];

	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", name);
	return k;
}

static void ipv4_pkt(const char *name, const uint8_t *dst, const uint16_t *types, int nt,
		     uint8_t proto, uint32_t n, uint16_t frag)
{
	struct pkt *k = new_pkt(name);
	uint32_t o = eth(k->data, dst, types, nt);
	uint8_t *ip = k->data + o;
	uint32_t l = l4(ip + 20, proto, n);

	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l));
	put16(ip + 4, 0x1234);
	put16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, (uint8_t[]){10, 0, 0, 1}, 4);
	memcpy(ip + 16, (uint8_t[]){10, 0, 0, 2}, 4);
	put16(ip + 10, csum16(ip, 20, 0));
	k->len = o + 20 + l;
}

static void ipv6_pkt(const char *name, const uint16_t *types, int nt, uint8_t proto, uint32_t n,
		     uint32_t label)
{
	struct pkt *k = new_pkt(name);
	uint32_t o = eth(k->data, mac_host, types, nt);
	uint8_t *ip = k->data + o;
	uint32_t l = l4(ip + 40, proto, n);

	ip[0] = 0x60 | (uint8_t)(label >> 16 & 15);
	ip[1] = (uint8_t)(label >> 8);
	ip[2] = (uint8_t)label;
	put16(ip + 4, (uint16_t)l);
	ip[6] = proto;
	ip[7] = 64;
	ip[8] = 0x20;
	ip[9] = 0x01;
	ip[23] = 1;
	ip[24] = 0x20;
	ip[25] = 0x01;
	ip[39] = 2;
	k->len = o + 40 + l;
}

static void raw_pkt(const char *name, const uint8_t *bytes, uint32_t len)
{
	struct pkt *k = new_pkt(name);

	memcpy(k->data, bytes, len);
	k->len = len;
}

static void make_packets(void)
{
	static const uint16_t v4[] = {0x0800}, v6[] = {0x86dd}, vlan4[] = {0x8100, 0x0800},
			      qinq4[] = {0x88a8, 0x8100, 0x0800}, vlan6[] = {0x8100, 0x86dd},
			      arp[] = {0x0806};
	uint8_t b[MAX_PKT];

	ipv4_pkt("v4-tcp", mac_host, v4, 1, 6, 32, 0);
	ipv4_pkt("v4-udp-bcast", mac_bcast, v4, 1, 17, 20, 0);
	ipv4_pkt("v4-icmp-mcast", mac_mcast, v4, 1, 1, 16, 0);
	ipv4_pkt("v4-tcp-other", mac_other, v4, 1, 6, 0, 0);
	ipv4_pkt("v4-udp-frag", mac_host, v4, 1, 17, 40, 0x2000);
	ipv4_pkt("v4-udp-zero-csum", mac_host, v4, 1, 17, 3, 0);
	pkts[n_pkts - 1].data[14 + 20 + 6] = 0;
	pkts[n_pkts - 1].data[14 + 20 + 7] = 0;
	ipv4_pkt("v4-gre", mac_host, v4, 1, 47, 24, 0);
	ipv4_pkt("v4-big", mac_host, v4, 1, 17, 1400, 0);
	ipv4_pkt("v4-max", mac_host, v4, 1, 17, 3712 - 14 - 20 - 8, 0);
	ipv6_pkt("v6-tcp", v6, 1, 6, 40, 0);
	ipv6_pkt("v6-udp", v6, 1, 17, 9, 0);
	ipv6_pkt("v6-label", v6, 1, 17, 9, 0x12345);
	ipv6_pkt("v6-icmp", v6, 1, 58, 8, 0);
	ipv4_pkt("vlan-v4", mac_host, vlan4, 2, 17, 30, 0);
	ipv4_pkt("qinq-v4", mac_host, qinq4, 3, 6, 12, 0);
	ipv6_pkt("vlan-v6", vlan6, 2, 6, 10, 0);
	memset(b, 0, sizeof(b));
	eth(b, mac_bcast, arp, 1);
	raw_pkt("arp", b, 42);
	eth(b, mac_host, (uint16_t[]){0x0040}, 1);
	b[14] = 0xff;
	b[15] = 0xff;
	raw_pkt("8023-raw", b, 60);
	b[14] = 0xaa;
	raw_pkt("8022-llc", b, 60);
	raw_pkt("8023-15", b, 15);
	eth(b, mac_host, v4, 1);
	raw_pkt("eth-only-ip", b, 14);
	raw_pkt("v4-33", b, 33);
	eth(b, mac_host, arp, 1);
	raw_pkt("eth-only-arp", b, 14);
	raw_pkt("arp-16", b, 16);
	ipv4_pkt("v4-34", mac_host, v4, 1, 0, 0, 0);
	eth(b, mac_host, v6, 1);
	raw_pkt("v6-53", b, 53);
	ipv6_pkt("v6-54", v6, 1, 59, 0, 0);
	eth(b, mac_host, vlan4, 1);
	raw_pkt("vlan-17", b, 17);
	raw_pkt("13-bytes", b, 13);
	eth(b, mac_host, v4, 1);
	raw_pkt("too-big", b, 3713);
	unsigned seed = 7;
	for (int i = 0; i < 6; i++) {
		uint32_t len = 14 + (uint32_t)(rand_r(&seed) % 200);

		for (uint32_t k = 0; k < len; k++)
			b[k] = (uint8_t)rand_r(&seed);
		if (i & 1)
			put16(b + 12, i & 2 ? 0x86dd : 0x0800);
		char name[32];

		snprintf(name, sizeof(name), "random-%d", i);
		raw_pkt(name, b, len);
	}
}

/* The host's devices (for __sk_buff.ifindex in ctx_in), as bpfemu's
 * emulated netns: with a table, an unknown ifindex is -ENODEV. */
static struct helper_net_dev host_devs[64];
static struct helper_net host_net;

static void read_host_devices(void)
{
	struct if_nameindex *ni = if_nameindex();
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	for (struct if_nameindex *i = ni; i && i->if_index && host_net.n_devs < 64; i++) {
		struct helper_net_dev *d = &host_devs[host_net.n_devs++];
		struct ifreq ifr;

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", i->if_name);
		d->ifindex = i->if_index;
		if (fd >= 0 && !ioctl(fd, SIOCGIFHWADDR, &ifr))
			memcpy(d->mac, ifr.ifr_hwaddr.sa_data, 6);
	}
	if (fd >= 0)
		close(fd);
	if (ni)
		if_freenameindex(ni);
	host_net.devs = host_devs;
}

/* ---------------------------------------------------------- the kernel -- */

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static char vlog[1 << 16];

/* fd, or -errno */
static int kernel_load(uint32_t type, const struct vm_prog *p)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.insns = (uintptr_t)p->insns;
	a.insn_cnt = p->len;
	a.license = (uintptr_t)"GPL";
	a.log_buf = (uintptr_t)vlog;
	a.log_size = sizeof(vlog);
	a.log_level = 1;
	vlog[0] = 0;
	int fd = (int)sys_bpf(BPF_PROG_LOAD, &a);

	return fd < 0 ? -errno : fd;
}

struct result {
	int err;		/* 0, or a negative errno (load or run) */
	bool load_failed;
	uint32_t retval;
	uint8_t *out;
	uint32_t out_len;
	struct __sk_buff ctx;
	char msg[VM_ERR_LEN];
};

static void kernel_run(int fd, const struct pkt *k, const struct __sk_buff *ctx_in,
		       struct result *r)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = fd;
	a.test.data_in = (uintptr_t)k->data;
	a.test.data_size_in = k->len;
	a.test.data_out = (uintptr_t)r->out;
	a.test.data_size_out = OUT_MAX;
	a.test.repeat = 1;
	if (ctx_in) {
		a.test.ctx_in = (uintptr_t)ctx_in;
		a.test.ctx_size_in = sizeof(*ctx_in);
	}
	a.test.ctx_out = (uintptr_t)&r->ctx;
	a.test.ctx_size_out = sizeof(r->ctx);
	if (sys_bpf(BPF_PROG_TEST_RUN, &a)) {
		r->err = -errno;
		return;
	}
	r->retval = a.test.retval;
	r->out_len = a.test.data_size_out;
}

/* -------------------------------------------------------------- bpfemu -- */

struct emu {
	struct vm_object obj;
	struct vm_obj_prog prog;
	struct helper_env *env;
	struct helper_prog *hp;
};

static int emu_create(struct emu *e, uint32_t type, struct vm_prog *p, char *err, size_t errlen)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->obj.name, sizeof(e->obj.name), "skb_diff");
	snprintf(e->obj.license, sizeof(e->obj.license), "GPL");
	snprintf(e->prog.name, sizeof(e->prog.name), "t");
	snprintf(e->prog.section, sizeof(e->prog.section), "t");
	e->prog.prog_type = type;
	e->prog.prog = p;
	e->obj.progs = &e->prog;
	e->obj.n_progs = 1;
	int rc = helper_env_create(&e->obj, NULL, &e->env, err, errlen);

	if (!rc) {
		e->hp = helper_env_prog(e->env, "t");
		helper_env_set_net(e->env, &host_net);
	}
	return rc;
}

static void emu_run(struct emu *e, const struct pkt *k, const struct __sk_buff *ctx_in,
		    struct result *r)
{
	struct helper_test_run tr = {
		.data_in = k->data,
		.data_size_in = k->len,
		.ctx_in = ctx_in,
		.ctx_size_in = ctx_in ? sizeof(*ctx_in) : 0,
	};
	int rc = helper_test_run(e->hp, &tr, r->msg, sizeof(r->msg));

	if (rc) {
		r->err = rc;
		helper_test_run_free(&tr);
		return;
	}
	r->retval = tr.retval;
	r->out_len = (uint32_t)tr.data_size_out;
	memcpy(r->out, tr.data_out, tr.data_size_out < OUT_MAX ? tr.data_size_out : OUT_MAX);
	if (tr.ctx_out && tr.ctx_size_out == sizeof(r->ctx))
		memcpy(&r->ctx, tr.ctx_out, sizeof(r->ctx));
	helper_test_run_free(&tr);
}

/* --------------------------------------------------------------- cases -- */

enum {
	CMP_RETVAL = 1,
	CMP_DATA = 2,
	CMP_CTX = 4,
	CMP_ALL = 7,
	KNOWN = 8,	/* a known difference outside the skb code (listed, not failed) */
};

static const char *type_name(uint32_t t)
{
	switch (t) {
	case BPF_PROG_TYPE_SCHED_CLS: return "tc";
	case BPF_PROG_TYPE_SCHED_ACT: return "act";
	case BPF_PROG_TYPE_SOCKET_FILTER: return "socket";
	case BPF_PROG_TYPE_CGROUP_SKB: return "cgroup_skb";
	case BPF_PROG_TYPE_LWT_IN: return "lwt_in";
	case BPF_PROG_TYPE_LWT_OUT: return "lwt_out";
	case BPF_PROG_TYPE_LWT_XMIT: return "lwt_xmit";
	}
	return "?";
}

static void hexdump(const char *what, const uint8_t *p, uint32_t n)
{
	fprintf(stderr, "      %s (%u):", what, n);
	for (uint32_t i = 0; i < n && i < 96; i++)
		fprintf(stderr, "%s%02x", i % 16 ? "" : " ", p[i]);
	fprintf(stderr, n > 96 ? " ...\n" : "\n");
}

/* Run case `name` (program text `text`, type `type`) on every packet
 * (or only those whose name contains `only`) with ctx_in (or none). */
static void run_case(const char *name, uint32_t type, const char *text, unsigned cmp,
		     const struct __sk_buff *ctx_in, const char *only)
{
	char full[160], err[VM_ERR_LEN];

	snprintf(full, sizeof(full), "%s/%s", type_name(type), name);
	if (filter && !strstr(full, filter))
		return;
	n_cases++;
	struct vm_prog *p = NULL;
	char *cg = NULL;

	if (type == BPF_PROG_TYPE_CGROUP_SKB) {
		/* cgroup_skb programs return 0 or 1: r0 goes to priority instead */
		size_t n = strlen(text);

		static char cgbuf[65536];

		(void)n;
		cg = cgbuf;
		char *o = cg + sprintf(cg, "*(u64 *)(r10 -72) = r1\n");
		for (const char *q = text; *q;) {
			if (!strncmp(q, "exit\n", 5)) {
				o += sprintf(o, "goto cgexit\n");
				q += 5;
			} else {
				*o++ = *q++;
			}
		}
		sprintf(o, "cgexit: r1 = *(u64 *)(r10 -72)\n*(u32 *)(r1 +32) = r0\nr0 = 1\nexit\n");
		text = cg;
	}

	if (vm_asm(text, strlen(text), name, &p, err, sizeof(err))) {
		fprintf(stderr, "%s: assembler: %s\n%s\n", full, err, text);
		n_diff++;
		n_cases_diff++;
		return;
	}
	int fd = kernel_load(type, p);

	if (fd == -EPERM) {
		fprintf(stderr, "skb_diff: bpf() not permitted here: skipping\n");
		exit(2);
	}
	struct emu e;

	if (emu_create(&e, type, p, err, sizeof(err))) {
		if (fd >= 0) {
			fprintf(stderr, "%s: bpfemu refused a program the kernel loaded: %s\n", full, err);
			n_diff++;
			n_cases_diff++;
			close(fd);
		} else if (verbose) {
			printf("%s: both refuse to load (%s)\n", full, err);
		}
		vm_prog_free(p);
		return;
	}
	static uint8_t kout[OUT_MAX], eout[OUT_MAX];
	long diffs = 0;

	for (int i = 0; i < n_pkts; i++) {
		const struct pkt *k = &pkts[i];

		if (only && !strstr(k->name, only))
			continue;
		struct result kr = {.out = kout}, er = {.out = eout};

		if (fd < 0) {
			kr.err = fd;
			kr.load_failed = true;
		} else {
			kernel_run(fd, k, ctx_in, &kr);
		}
		emu_run(&e, k, ctx_in, &er);
		n_runs++;
		const char *why = NULL;

		if (kr.load_failed) {
			/* a size check that fails before the run is still a fair answer */
			if (!er.err)
				why = "the kernel's verifier rejects the program, bpfemu runs it";
		} else if (kr.err || er.err) {
			if (kr.err != er.err)
				why = "errno";
		} else if ((cmp & CMP_RETVAL) && kr.retval != er.retval) {
			why = "retval";
		} else if ((cmp & CMP_DATA) &&
			   (kr.out_len != er.out_len || memcmp(kout, eout, kr.out_len))) {
			why = "data_out";
		} else if ((cmp & CMP_CTX) && memcmp(&kr.ctx, &er.ctx, sizeof(kr.ctx))) {
			why = "ctx_out";
		}
		if (!why)
			continue;
		if (cmp & KNOWN) {
			if (!diffs++)
				printf("KNOWN %s on %s: %s\n", full, k->name, why);
			n_known++;
			continue;
		}
		n_diff++;
		if (diffs++ && !keep_going)
			continue;
		fprintf(stderr, "DIFF %s on %s (%u bytes): %s\n", full, k->name, k->len, why);
		fprintf(stderr, "      kernel: err %d retval %u (0x%x) len %u%s%.300s\n", kr.err,
			kr.retval, kr.retval, kr.out_len, kr.load_failed ? "\n      verifier: " : "",
			kr.load_failed ? vlog : "");
		fprintf(stderr, "      bpfemu: err %d retval %u (0x%x) len %u %s\n", er.err, er.retval,
			er.retval, er.out_len, er.msg);
		if (!strcmp(why, "data_out")) {
			hexdump("kernel", kout, kr.out_len);
			hexdump("bpfemu", eout, er.out_len);
		}
		if (!strcmp(why, "ctx_out")) {
			hexdump("kernel ctx", (uint8_t *)&kr.ctx, sizeof(kr.ctx));
			hexdump("bpfemu ctx", (uint8_t *)&er.ctx, sizeof(er.ctx));
		}
	}
	if (diffs && (cmp & KNOWN)) {
		/* listed above */
	} else if (diffs) {
		n_cases_diff++;
		if (!keep_going && diffs > 1)
			fprintf(stderr, "      (%ld more differences in this case)\n", diffs - 1);
		fprintf(stderr, "      program:\n%s\n", text);
	} else if (verbose) {
		printf("ok %s%s\n", full, fd < 0 ? " (rejected by both)" : "");
	}
	if (fd >= 0)
		close(fd);
	helper_env_destroy(e.env);
	vm_prog_free(p);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	static char buf[16][8192];
	static int n;
	char *b = buf[n++ % 16];
	va_list ap;

	va_start(ap, f);
	vsnprintf(b, sizeof(buf[0]), f, ap);
	va_end(ap);
	return b;
}

static const uint32_t all_types[] = {BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_SOCKET_FILTER,
				     BPF_PROG_TYPE_CGROUP_SKB, BPF_PROG_TYPE_LWT_XMIT,
				     BPF_PROG_TYPE_LWT_IN, BPF_PROG_TYPE_SCHED_ACT};
#define N_TYPES (sizeof(all_types) / sizeof(all_types[0]))

/* Programs end by returning r0; results go to cb[] (compared via ctx_out). */

static void ctx_reads(void)
{
	static const char *sz[] = {[1] = "u8", [2] = "u16", [4] = "u32", [8] = "u64"};
	struct __sk_buff rich = {.mark = 0x11223344, .priority = 0x55667788,
				 .ingress_ifindex = 0x99aabbcc, .cb = {0x01020304, 0x05060708,
				 0x090a0b0c, 0x0d0e0f10, 0xf1f2f3f4}, .tstamp = 0x8877665544332211ull,
				 .wire_len = 0x1234, .gso_segs = 0xfedc, .gso_size = 0xba98,
				 .hwtstamp = 0x0123456789abcdefull};

	for (size_t t = 0; t < N_TYPES; t++) {
		for (unsigned size = 1; size <= 8; size *= 2) {
			for (unsigned off = 0; off < 200; off += size) {
				char name[64];
				const char *text;

				snprintf(name, sizeof(name), "read-%u-%u", off, size);
				if (off == 76 || off == 80 || off == 140) /* pointers: use data_end - data */
					text = fmt("r2 = *(u32 *)(r1 +76)\nr3 = *(u32 *)(r1 +%u)\n"
						   "r0 = 0xdead\nif r3 == 0 goto out\nr0 = r3\n"
						   "r0 -= r2\nr0 += %u\nout: exit\n", off, size);
				if (off == 76 || off == 80 || off == 140)
					text = size == 4 ? text
							 : fmt("r0 = *(%s *)(r1 +%u)\nexit\n", sz[size], off);
				else if (off == 168 && size == 8) /* sk: only whether it loads */
					text = "r0 = *(u64 *)(r1 +168)\nr0 = 0\nexit\n";
				else
					text = fmt("r0 = *(%s *)(r1 +%u)\nr1 = r0\nr1 >>= 32\n"
						   "r0 ^= r1\nexit\n", sz[size], off);
				run_case(name, all_types[t], text, CMP_ALL, &rich, "v4-tcp");
			}
		}
	}
	/* the hw-accel VLAN fields after a push, narrow */
	for (unsigned size = 1; size <= 4; size *= 2)
		for (unsigned off = 16; off < 32; off += size) {
			char name[64];

			snprintf(name, sizeof(name), "read-vlan-%u-%u", off, size);
			run_case(name, BPF_PROG_TYPE_SCHED_CLS,
				 fmt("r6 = r1\nr2 = 0xa888\nr3 = 0xf123\ncall bpf_skb_vlan_push\n"
				     "r0 = *(%s *)(r6 +%u)\nexit\n", sz[size], off),
				 CMP_ALL, NULL, "v4-tcp");
		}
}

static void ctx_writes(void)
{
	static const char *sz[] = {[1] = "u8", [2] = "u16", [4] = "u32", [8] = "u64"};
	static const char *vals[] = {"0x11223344", "0xfffe", "0xffff", "0x100000005 ll", "-1"};

	for (size_t t = 0; t < N_TYPES; t++) {
		for (unsigned size = 1; size <= 8; size *= 2) {
			for (unsigned off = 0; off < 192; off += size) {
				for (size_t v = 0; v < 5; v++) {
					if (v && !(off == 12 || off == 44 || off == 72 || off == 8))
						continue;
					char name[64];

					snprintf(name, sizeof(name), "write-%u-%u-v%zu", off, size, v);
					run_case(name, all_types[t],
						 fmt("r2 = %s\n*(%s *)(r1 +%u) = r2\n"
						     "r0 = *(%s *)(r1 +%u)\nexit\n",
						     vals[v], sz[size], off, sz[size], off),
						 CMP_ALL, NULL, "v4-tcp");
				}
			}
		}
	}
}

/* stores of immediates and atomics: the kernel's verifier refuses both on ctx */
static void ctx_odd_stores(void)
{
	for (size_t t = 0; t < N_TYPES; t++) {
		/* Linux >= 6.3 accepts BPF_ST into ctx; vm/interp.c still faults */
		run_case("st-imm-cb", all_types[t], "*(u32 *)(r1 +48) = 5\nr0 = 0\nexit\n",
			 CMP_ALL | KNOWN, NULL, "v4-tcp");
		run_case("atomic-cb", all_types[t],
			 "r2 = 1\nlock *(u32 *)(r1 +48) += r2\nr0 = 0\nexit\n", CMP_ALL, NULL, "v4-tcp");
		run_case("sx-load-protocol", all_types[t], "r0 = *(s16 *)(r1 +16)\nexit\n", CMP_ALL,
			 NULL, "v4-tcp");
		run_case("sx-load-cb", all_types[t],
			 "r2 = 0xff80\n*(u32 *)(r1 +48) = r2\nr0 = *(s8 *)(r1 +48)\nexit\n", CMP_ALL,
			 NULL, "v4-tcp");
	}
}

/* the whole ctx of a plain run: every readable field of every packet */
static void ctx_dump(void)
{
	static const unsigned offs[] = {0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 68, 72, 84,
					88, 92, 96, 100, 104, 108, 112, 116, 120, 124, 128, 132,
					136, 160, 164, 176};

	for (size_t t = 0; t < N_TYPES; t++)
		for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
			char name[32];

			snprintf(name, sizeof(name), "field-%u", offs[i]);
			run_case(name, all_types[t], fmt("r0 = *(u32 *)(r1 +%u)\nexit\n", offs[i]),
				 CMP_ALL, NULL, NULL);
		}
	for (size_t t = 0; t < N_TYPES; t++)
		run_case("data_end-data", all_types[t],
			 "r2 = *(u32 *)(r1 +76)\nr3 = *(u32 *)(r1 +80)\nr0 = 0xdead\n"
			 "if r3 == 0 goto out\nr0 = r3\nr0 -= r2\nout: exit\n", CMP_ALL, NULL, NULL);
}

static const char *const ctx_sets[] = {
	"zero", "mark-prio-cb", "ingress-ifindex", "tstamp", "wire_len-ok", "wire_len-short",
	"wire_len-big", "wire_len-max", "gso", "gso-size-wide", "gso_segs-big", "len",
	"queue_mapping", "tc_index", "hash", "napi", "data_end", "tstamp_type", "pad",
};

static void ctx_set(struct __sk_buff *s, size_t which)
{
	memset(s, 0, sizeof(*s));
	switch (which) {
	case 1: s->mark = 7; s->priority = 3; s->cb[0] = 1; s->cb[4] = 0xffffffff; break;
	case 2: s->ingress_ifindex = 5; s->ifindex = 1; break;
	case 3: s->tstamp = 0x123456789ull; s->hwtstamp = 99; break;
	case 4: s->wire_len = 2000; break;
	case 5: s->wire_len = 20; break;
	case 6: s->wire_len = 65537; break;
	case 7: s->wire_len = 65536; break;
	case 8: s->gso_segs = 3; s->gso_size = 1400; break;
	case 9: s->gso_size = 0x12345; break;
	case 10: s->gso_segs = 65536; break;
	case 11: s->len = 1; break;
	case 12: s->queue_mapping = 1; break;
	case 13: s->tc_index = 1; break;
	case 14: s->hash = 1; break;
	case 15: s->napi_id = 1; break;
	case 16: s->data_end = 20; break;
	case 17: s->tstamp_type = 1; break;
	case 18: ((uint8_t *)s)[181] = 1; break;
	}
}

static void ctx_in_cases(void)
{
	static const unsigned offs[] = {0, 8, 32, 36, 40, 48, 64, 152, 156, 160, 164, 176, 184};
	struct __sk_buff c;

	for (size_t i = 0; i < sizeof(ctx_sets) / sizeof(ctx_sets[0]); i++)
		for (size_t t = 0; t < N_TYPES; t++) {
			ctx_set(&c, i);
			for (size_t o = 0; o < sizeof(offs) / sizeof(offs[0]); o++) {
				char name[64];

				snprintf(name, sizeof(name), "ctx-%s-read-%u", ctx_sets[i], offs[o]);
				run_case(name, all_types[t],
					 fmt("r0 = *(u32 *)(r1 +%u)\nexit\n", offs[o]), CMP_ALL, &c,
					 "v4-tcp");
			}
		}
}

static const char *stack_zero =
	"r9 = 0\n*(u64 *)(r10 -64) = r9\n*(u64 *)(r10 -56) = r9\n*(u64 *)(r10 -48) = r9\n"
	"*(u64 *)(r10 -40) = r9\n*(u64 *)(r10 -32) = r9\n*(u64 *)(r10 -24) = r9\n"
	"*(u64 *)(r10 -16) = r9\n*(u64 *)(r10 -8) = r9\n";
/* r0 = hash of the 64 stack bytes + r6 */
static const char *stack_fold =
	"r0 = r6\nr7 = *(u64 *)(r10 -64)\nr0 *= 31\nr0 += r7\nr7 = *(u64 *)(r10 -56)\n"
	"r0 *= 31\nr0 += r7\nr7 = *(u64 *)(r10 -48)\nr0 *= 31\nr0 += r7\n"
	"r7 = *(u64 *)(r10 -40)\nr0 *= 31\nr0 += r7\nr7 = *(u64 *)(r10 -32)\nr0 *= 31\n"
	"r0 += r7\nr7 = *(u64 *)(r10 -24)\nr0 *= 31\nr0 += r7\nr7 = *(u64 *)(r10 -16)\n"
	"r0 *= 31\nr0 += r7\nr7 = *(u64 *)(r10 -8)\nr0 *= 31\nr0 += r7\nr1 = r0\n"
	"r1 >>= 32\nr0 ^= r1\nexit\n";

static void load_bytes(void)
{
	static const uint32_t offs[] = {0, 1, 13, 14, 30, 50, 54, 58, 60, 73, 74, 1400,
					0x7fffffff, 0x80000000, 0xffffffff};
	static const uint32_t lens[] = {1, 4, 8, 16, 64};

	for (size_t t = 0; t < 4; t++)
		for (size_t o = 0; o < sizeof(offs) / sizeof(offs[0]); o++)
			for (size_t l = 0; l < 5; l++) {
				char name[64];

				snprintf(name, sizeof(name), "load_bytes-%u-%u", offs[o], lens[l]);
				run_case(name, all_types[t],
					 fmt("%sr2 = %u ll\nr3 = r10\nr3 += -64\nr4 = %u\n"
					     "call bpf_skb_load_bytes\nr6 = r0\n%s",
					     stack_zero, offs[o], lens[l], stack_fold),
					 CMP_ALL, NULL, NULL);
			}
	static const uint32_t roffs[] = {0, 2, 12, 14, 20, 40, 0xffff, 0x10000};

	for (size_t t = 0; t < 3; t++)
		for (uint32_t hdr = 0; hdr < 3; hdr++)
			for (size_t o = 0; o < sizeof(roffs) / sizeof(roffs[0]); o++)
				for (size_t l = 0; l < 5; l += 2) {
					char name[64];

					snprintf(name, sizeof(name), "load_rel-%u-%u-%u", hdr, roffs[o],
						 lens[l]);
					run_case(name, all_types[t],
						 fmt("%sr2 = %u ll\nr3 = r10\nr3 += -64\nr4 = %u\n"
						     "r5 = %u\ncall bpf_skb_load_bytes_relative\n"
						     "r6 = r0\n%s",
						     stack_zero, roffs[o], lens[l], hdr, stack_fold),
						 CMP_ALL, NULL, NULL);
				}
}

static void store_bytes(void)
{
	static const uint32_t offs[] = {0, 1, 12, 14, 26, 50, 60, 70, 0x7fffffff, 0x80000000};
	static const uint32_t lens[] = {1, 2, 8, 16};
	static const uint32_t flags[] = {0, 1, 2, 3, 4, 0x80};

	for (size_t o = 0; o < sizeof(offs) / sizeof(offs[0]); o++)
		for (size_t l = 0; l < 4; l++)
			for (size_t f = 0; f < 6; f++) {
				char name[64];

				snprintf(name, sizeof(name), "store_bytes-%u-%u-%u", offs[o], lens[l],
					 flags[f]);
				run_case(name, BPF_PROG_TYPE_SCHED_CLS,
					 fmt("r6 = r1\nr9 = 0x0102030405060708 ll\n"
					     "*(u64 *)(r10 -16) = r9\nr9 = 0x1112131415161718 ll\n"
					     "*(u64 *)(r10 -8) = r9\nr2 = %u ll\nr3 = r10\nr3 += -16\n"
					     "r4 = %u\nr5 = %u\ncall bpf_skb_store_bytes\nr7 = r0\n"
					     "r0 = *(u32 *)(r6 +68)\n*(u32 *)(r6 +48) = r0\nr0 = r7\nexit\n",
					     offs[o], lens[l], flags[f]),
					 CMP_ALL, NULL, NULL);
			}
	/* hash invalidation */
	run_case("store_bytes-invalidate-hash", BPF_PROG_TYPE_SCHED_CLS,
		 "r6 = r1\nr2 = 0x1234\ncall bpf_set_hash\nr0 = *(u32 *)(r6 +68)\n"
		 "*(u32 *)(r6 +48) = r0\n*(u32 *)(r10 -8) = r0\nr1 = r6\nr2 = 0\nr3 = r10\n"
		 "r3 += -8\nr4 = 1\nr5 = 2\ncall bpf_skb_store_bytes\nr0 = *(u32 *)(r6 +68)\n"
		 "*(u32 *)(r6 +52) = r0\nr0 = 0\nexit\n", CMP_ALL, NULL, NULL);
	run_case("store_bytes-lwt", BPF_PROG_TYPE_LWT_XMIT,
		 "r9 = 0x0102030405060708 ll\n*(u64 *)(r10 -8) = r9\nr2 = 0\nr3 = r10\n"
		 "r3 += -8\nr4 = 8\nr5 = 0\ncall bpf_skb_store_bytes\nexit\n", CMP_ALL, NULL, NULL);
}

static void pull_data(void)
{
	static const char *lens[] = {"0", "1", "14", "60", "74", "75", "3712", "0xffffffff ll"};

	for (size_t t = 0; t < N_TYPES; t++)
		for (size_t l = 0; l < 8; l++) {
			if (all_types[t] == BPF_PROG_TYPE_SOCKET_FILTER ||
			    all_types[t] == BPF_PROG_TYPE_CGROUP_SKB)
				continue;
			char name[64];

			snprintf(name, sizeof(name), "pull_data-%s", lens[l]);
			run_case(name, all_types[t],
				 fmt("r6 = r1\nr2 = %s\ncall bpf_skb_pull_data\n"
				     "r2 = *(u32 *)(r6 +76)\nr3 = *(u32 *)(r6 +80)\nr3 -= r2\n"
				     "*(u32 *)(r6 +48) = r3\nexit\n", lens[l]),
				 CMP_ALL, NULL, NULL);
		}
}

static void csum_replace(void)
{
	static const uint32_t offs[] = {0, 24, 25, 40, 50, 52, 54, 56, 58, 70, 72, 73, 0xffff,
					0x10000};
	static const uint64_t flags3[] = {0, 1, 2, 3, 4, 5, 8, 0x10};
	static const char *fromto[][2] = {
		{"0", "0"}, {"0x1234", "0xabcd"}, {"0xffff", "0"}, {"0x0a000001", "0xc0a80001"},
		{"0x123456789 ll", "0xfedcba987 ll"}, {"0", "0x1234"}, {"0", "0xffffffff ll"},
	};

	for (size_t o = 0; o < sizeof(offs) / sizeof(offs[0]); o++)
		for (size_t f = 0; f < sizeof(flags3) / sizeof(flags3[0]); f++)
			for (size_t v = 0; v < sizeof(fromto) / sizeof(fromto[0]); v++) {
				char name[64];

				snprintf(name, sizeof(name), "l3_csum-%u-%llu-%zu", offs[o],
					 (unsigned long long)flags3[f], v);
				run_case(name, BPF_PROG_TYPE_SCHED_CLS,
					 fmt("r2 = %u ll\nr3 = %s\nr4 = %s\nr5 = %llu\n"
					     "call bpf_l3_csum_replace\nexit\n",
					     offs[o], fromto[v][0], fromto[v][1],
					     (unsigned long long)flags3[f]),
					 CMP_ALL, NULL, NULL);
			}
	static const uint64_t flags4[] = {
		0, 2, 4, 3, 0x10, 0x12, 0x14, 0x20, 0x22, 0x24, 0x60, 0x62, 0x64, 0x34, 0x80, 0x84,
		0x94, 0x100, 0x40,
	};
	static const uint32_t offs4[] = {24, 50, 54, 40, 41, 56, 60, 74};

	for (size_t o = 0; o < sizeof(offs4) / sizeof(offs4[0]); o++)
		for (size_t f = 0; f < sizeof(flags4) / sizeof(flags4[0]); f++)
			for (size_t v = 0; v < sizeof(fromto) / sizeof(fromto[0]); v++) {
				char name[64];

				snprintf(name, sizeof(name), "l4_csum-%u-%llu-%zu", offs4[o],
					 (unsigned long long)flags4[f], v);
				run_case(name, BPF_PROG_TYPE_SCHED_CLS,
					 fmt("r2 = %u ll\nr3 = %s\nr4 = %s\nr5 = %llu\n"
					     "call bpf_l4_csum_replace\nexit\n",
					     offs4[o], fromto[v][0], fromto[v][1],
					     (unsigned long long)flags4[f]),
					 CMP_ALL, NULL, NULL);
			}
}

static void csum_level(void)
{
	static const char *seqs[] = {"0", "1 0", "1 1 0", "1 1 1 1 1 0", "1 2 0", "1 2 2 0",
				     "1 1 3 0", "2 0", "3 0", "4", "1 4 0", "0xffffffff"};

	for (size_t s = 0; s < sizeof(seqs) / sizeof(seqs[0]); s++) {
		char text[4096] = "r6 = r1\nr8 = 48\n", *p = text + strlen(text);
		const char *q = seqs[s];
		int n = 0;

		while (*q && n < 5) {
			char *end;
			unsigned long v = strtoul(q, &end, 0);

			p += sprintf(p, "r1 = r6\nr2 = %lu ll\ncall bpf_csum_level\n"
				     "*(u32 *)(r6 +%d) = r0\n", v, 48 + 4 * n);
			n++;
			q = *end ? end + 1 : end;
		}
		sprintf(p, "r1 = r6\nr2 = 5\ncall bpf_csum_update\nexit\n");
		char name[64];

		snprintf(name, sizeof(name), "csum_level-%s", seqs[s]);
		run_case(name, BPF_PROG_TYPE_SCHED_CLS, text, CMP_ALL, NULL, "v4-tcp");
	}
	/* adjust_room resets CHECKSUM_UNNECESSARY unless told not to */
	for (int f = 0; f < 2; f++)
		run_case(f ? "csum_level-adjust-nocsumreset" : "csum_level-adjust",
			 BPF_PROG_TYPE_SCHED_CLS,
			 fmt("r6 = r1\nr2 = 1\ncall bpf_csum_level\nr1 = r6\nr2 = 8\nr3 = 0\n"
			     "r4 = %d\ncall bpf_skb_adjust_room\n*(u32 *)(r6 +48) = r0\nr1 = r6\n"
			     "r2 = 0\ncall bpf_csum_level\nexit\n", f ? 32 : 0),
			 CMP_ALL, NULL, NULL);
}

static void change_tail_head(void)
{
	static const char *lens[] = {"0", "13", "14", "15", "33", "34", "60", "73", "74", "75",
				     "200", "16064", "16065", "0xffffffff ll"};

	for (size_t t = 0; t < 4; t += 3)
		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
			for (int f = 0; f < 2; f++) {
				char name[64];

				snprintf(name, sizeof(name), "change_tail-%s-%d", lens[l], f);
				run_case(name, all_types[t],
					 fmt("r6 = r1\nr2 = %s\nr3 = %d\ncall bpf_skb_change_tail\n"
					     "r2 = *(u32 *)(r6 +0)\n*(u32 *)(r6 +48) = r2\nexit\n",
					     lens[l], f),
					 CMP_ALL, NULL, NULL);
			}
	static const char *rooms[] = {"0", "1", "14", "100", "1000", "15990", "16000", "16050",
				      "0xffffffff ll"};

	for (size_t t = 0; t < 4; t += 3)
		for (size_t l = 0; l < sizeof(rooms) / sizeof(rooms[0]); l++)
			for (int f = 0; f < 2; f++) {
				char name[64];

				snprintf(name, sizeof(name), "change_head-%s-%d", rooms[l], f);
				run_case(name, all_types[t],
					 fmt("r6 = r1\nr2 = %s\nr3 = %d\ncall bpf_skb_change_head\n"
					     "r2 = *(u32 *)(r6 +0)\n*(u32 *)(r6 +48) = r2\nexit\n",
					     rooms[l], f),
					 CMP_ALL, NULL, NULL);
			}
	/* a gso skb has no length limit on change_head; change_tail resets gso */
	struct __sk_buff gso = {.gso_size = 1000, .gso_segs = 4};

	run_case("change_head-gso", BPF_PROG_TYPE_SCHED_CLS,
		 "r6 = r1\nr2 = 16000\nr3 = 0\ncall bpf_skb_change_head\nexit\n", CMP_ALL, &gso,
		 "v4-tcp");
	run_case("change_tail-gso", BPF_PROG_TYPE_SCHED_CLS,
		 "r6 = r1\nr2 = 100\nr3 = 0\ncall bpf_skb_change_tail\nr2 = *(u32 *)(r6 +176)\n"
		 "*(u32 *)(r6 +48) = r2\nr2 = *(u32 *)(r6 +164)\n*(u32 *)(r6 +52) = r2\nexit\n",
		 CMP_ALL, &gso, "v4-tcp");
	/* after change_head, the MAC header is the new front: relative loads see it */
	run_case("change_head-then-load-rel", BPF_PROG_TYPE_SCHED_CLS,
		 fmt("r6 = r1\nr2 = 6\nr3 = 0\ncall bpf_skb_change_head\n%sr1 = r6\nr2 = 0\n"
		     "r3 = r10\nr3 += -64\nr4 = 32\nr5 = 0\ncall bpf_skb_load_bytes_relative\n"
		     "r6 = r0\n%s", stack_zero, stack_fold),
		 CMP_ALL, NULL, NULL);
}

static void change_proto(void)
{
	static const char *protos[] = {"0x0008", "0xdd86", "0x0081", "0", "0x10008 ll"};

	for (size_t p = 0; p < 5; p++)
		for (int f = 0; f < 2; f++) {
			char name[64];

			snprintf(name, sizeof(name), "change_proto-%s-%d", protos[p], f);
			run_case(name, BPF_PROG_TYPE_SCHED_CLS,
				 fmt("r6 = r1\nr2 = 1\ncall bpf_set_hash\nr1 = r6\nr2 = %s\nr3 = %d\n"
				     "call bpf_skb_change_proto\nr2 = *(u32 *)(r6 +16)\n"
				     "*(u32 *)(r6 +48) = r2\nr2 = *(u32 *)(r6 +68)\n"
				     "*(u32 *)(r6 +52) = r2\nr2 = *(u32 *)(r6 +0)\n"
				     "*(u32 *)(r6 +56) = r2\nexit\n", protos[p], f),
				 CMP_ALL, NULL, NULL);
		}
	/* 4 -> 6 -> 4 and adjust_room after the change */
	run_case("change_proto-roundtrip", BPF_PROG_TYPE_SCHED_CLS,
		 "r6 = r1\nr2 = 0xdd86\nr3 = 0\ncall bpf_skb_change_proto\n*(u32 *)(r6 +48) = r0\n"
		 "r1 = r6\nr2 = 0x0008\nr3 = 0\ncall bpf_skb_change_proto\n"
		 "*(u32 *)(r6 +52) = r0\nr1 = r6\nr2 = 8\nr3 = 0\nr4 = 0\n"
		 "call bpf_skb_adjust_room\nexit\n", CMP_ALL, NULL, NULL);
}

static void change_type(void)
{
	for (int ty = 0; ty < 6; ty++) {
		char name[64];

		snprintf(name, sizeof(name), "change_type-%d", ty);
		run_case(name, BPF_PROG_TYPE_SCHED_CLS,
			 fmt("r6 = r1\nr2 = %d\ncall bpf_skb_change_type\nr2 = *(u32 *)(r6 +4)\n"
			     "*(u32 *)(r6 +48) = r2\nexit\n", ty),
			 CMP_ALL, NULL, NULL);
	}
}

static void adjust_room(void)
{
	static const int diffs[] = {-100, -40, -21, -20, -8, -1, 0, 1, 8, 20, 40, 4095, 4096};
	static const uint64_t flags[] = {
		0,
		BPF_F_ADJ_ROOM_FIXED_GSO,
		BPF_F_ADJ_ROOM_ENCAP_L3_IPV4,
		BPF_F_ADJ_ROOM_ENCAP_L3_IPV6,
		BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L4_GRE,
		BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 | BPF_F_ADJ_ROOM_ENCAP_L4_UDP,
		BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L4_GRE |
			BPF_F_ADJ_ROOM_ENCAP_L4_UDP,
		BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L3_IPV6,
		BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L2_ETH |
			BPF_F_ADJ_ROOM_ENCAP_L2(14),
		BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L2_ETH |
			BPF_F_ADJ_ROOM_ENCAP_L2(12),
		BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 | BPF_F_ADJ_ROOM_ENCAP_L2(30),
		BPF_F_ADJ_ROOM_ENCAP_L4_GRE,
		BPF_F_ADJ_ROOM_NO_CSUM_RESET,
		1ull << 7,
		1ull << 8,
		3ull << 7,
		1ull << 9,
	};

	for (size_t d = 0; d < sizeof(diffs) / sizeof(diffs[0]); d++)
		for (uint32_t mode = 0; mode < 3; mode++)
			for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
				if (mode == 2 && f)
					continue;
				char name[64];

				snprintf(name, sizeof(name), "adjust_room-%d-%u-%llx", diffs[d], mode,
					 (unsigned long long)flags[f]);
				run_case(name, BPF_PROG_TYPE_SCHED_CLS,
					 fmt("r6 = r1\nr2 = %d\nr3 = %u\nr4 = 0x%llx ll\n"
					     "call bpf_skb_adjust_room\nr2 = *(u32 *)(r6 +16)\n"
					     "*(u32 *)(r6 +48) = r2\nr2 = *(u32 *)(r6 +0)\n"
					     "*(u32 *)(r6 +52) = r2\nexit\n",
					     diffs[d], mode, (unsigned long long)flags[f]),
					 CMP_ALL, NULL, NULL);
			}
	/* what an encapsulation changes for later helpers */
	run_case("adjust_room-encap-twice", BPF_PROG_TYPE_SCHED_CLS,
		 "r6 = r1\nr2 = 20\nr3 = 1\nr4 = 2\ncall bpf_skb_adjust_room\n*(u32 *)(r6 +48) = r0\n"
		 "r1 = r6\nr2 = 20\nr3 = 1\nr4 = 2\ncall bpf_skb_adjust_room\n"
		 "*(u32 *)(r6 +52) = r0\nr1 = r6\nr2 = 100\nr3 = 0\ncall bpf_skb_change_tail\n"
		 "exit\n", CMP_ALL, NULL, NULL);
	run_case("adjust_room-encap-udp-then-shrink", BPF_PROG_TYPE_SCHED_CLS,
		 "r6 = r1\nr2 = 28\nr3 = 1\nr4 = 0x12\ncall bpf_skb_adjust_room\n"
		 "*(u32 *)(r6 +48) = r0\nr1 = r6\nr2 = 10\nr3 = 0\ncall bpf_skb_change_tail\n"
		 "*(u32 *)(r6 +52) = r0\nr1 = r6\nr2 = -28\nr3 = 1\nr4 = 0\n"
		 "call bpf_skb_adjust_room\nexit\n", CMP_ALL, NULL, NULL);
	/* trimmed below the header the room goes after: stale tail bytes move */
	for (int mode = 0; mode < 2; mode++)
		run_case(mode ? "adjust_room-after-trim-mac" : "adjust_room-after-trim-net",
			 BPF_PROG_TYPE_SCHED_CLS,
			 fmt("r6 = r1\nr2 = 20\nr3 = 0\ncall bpf_skb_change_tail\n"
			     "*(u32 *)(r6 +48) = r0\nr1 = r6\nr2 = 8\nr3 = %d\nr4 = 0\n"
			     "call bpf_skb_adjust_room\nexit\n", mode),
			 CMP_ALL, NULL, NULL);
	struct __sk_buff gso = {.gso_size = 1000, .gso_segs = 4};

	run_case("adjust_room-gso", BPF_PROG_TYPE_SCHED_CLS,
		 "r6 = r1\nr2 = 8\nr3 = 0\nr4 = 0\ncall bpf_skb_adjust_room\nexit\n", CMP_ALL, &gso,
		 "v4-tcp");
}

static void vlan(void)
{
	static const char *protos[] = {"0x0081", "0xa888", "0x0008", "0", "0x10081 ll"};
	static const char *tcis[] = {"0", "5", "0xffff", "0x12345"};
	const char *dump = "r2 = *(u32 *)(r6 +20)\n*(u32 *)(r6 +52) = r2\nr2 = *(u32 *)(r6 +24)\n"
			   "*(u32 *)(r6 +56) = r2\nr2 = *(u32 *)(r6 +28)\n*(u32 *)(r6 +60) = r2\n"
			   "r2 = *(u32 *)(r6 +16)\n*(u32 *)(r6 +64) = r2\nexit\n";

	for (size_t p = 0; p < 5; p++)
		for (size_t t = 0; t < 4; t++) {
			char name[64];

			snprintf(name, sizeof(name), "vlan_push-%s-%s", protos[p], tcis[t]);
			run_case(name, BPF_PROG_TYPE_SCHED_CLS,
				 fmt("r6 = r1\nr2 = %s\nr3 = %s\ncall bpf_skb_vlan_push\n"
				     "*(u32 *)(r6 +48) = r0\n%s", protos[p], tcis[t], dump),
				 CMP_ALL, NULL, NULL);
			snprintf(name, sizeof(name), "vlan_push2-%s-%s", protos[p], tcis[t]);
			run_case(name, BPF_PROG_TYPE_SCHED_CLS,
				 fmt("r6 = r1\nr2 = 0xa888\nr3 = 7\ncall bpf_skb_vlan_push\n"
				     "r1 = r6\nr2 = %s\nr3 = %s\ncall bpf_skb_vlan_push\n"
				     "*(u32 *)(r6 +48) = r0\n%s", protos[p], tcis[t], dump),
				 CMP_ALL, NULL, NULL);
		}
	static const char *seqs[] = {"o", "oo", "ooo", "uo", "uuo", "uuuoo", "ouo", "ou", "uuuu"};

	for (size_t s = 0; s < sizeof(seqs) / sizeof(seqs[0]); s++) {
		char text[4096] = "r6 = r1\nr7 = 0\n", *p = text + strlen(text);

		for (const char *q = seqs[s]; *q; q++) {
			if (*q == 'u')
				p += sprintf(p, "r1 = r6\nr2 = 0x0081\nr3 = %d\ncall bpf_skb_vlan_push\n",
					     (int)(q - seqs[s]) + 10);
			else
				p += sprintf(p, "r1 = r6\ncall bpf_skb_vlan_pop\n");
			p += sprintf(p, "r7 <<= 8\nr0 &= 0xff\nr7 |= r0\n");
		}
		sprintf(p, "*(u32 *)(r6 +48) = r7\n%s", dump);
		char name[64];

		snprintf(name, sizeof(name), "vlan-seq-%s", seqs[s]);
		run_case(name, BPF_PROG_TYPE_SCHED_CLS, text, CMP_ALL, NULL, NULL);
	}
	/* after a pop the network header moves: NET-relative loads and adjust_room */
	run_case("vlan-pop-then-load-rel", BPF_PROG_TYPE_SCHED_CLS,
		 fmt("r6 = r1\ncall bpf_skb_vlan_pop\n%sr1 = r6\nr2 = 0\nr3 = r10\nr3 += -64\n"
		     "r4 = 20\nr5 = 1\ncall bpf_skb_load_bytes_relative\nr6 = r0\n%s",
		     stack_zero, stack_fold), CMP_ALL, NULL, "vlan");
	run_case("vlan-pop-then-adjust", BPF_PROG_TYPE_SCHED_CLS,
		 "r6 = r1\ncall bpf_skb_vlan_pop\n*(u32 *)(r6 +48) = r0\nr1 = r6\nr2 = 8\nr3 = 0\n"
		 "r4 = 0\ncall bpf_skb_adjust_room\nexit\n", CMP_ALL, NULL, NULL);
}

static void hashes(void)
{
	/* the value is the kernel's secret; compare its properties */
	run_case("hash-props", BPF_PROG_TYPE_SCHED_CLS,
		 "r6 = r1\nr0 = *(u32 *)(r6 +68)\n*(u32 *)(r6 +48) = r0\nr1 = r6\n"
		 "call bpf_get_hash_recalc\nr7 = r0\nr2 = 0\nif r0 == 0 goto z\nr2 = 1\n"
		 "z: *(u32 *)(r6 +52) = r2\nr2 = *(u32 *)(r6 +68)\nr3 = 0\n"
		 "if r2 != r7 goto n\nr3 = 1\nn: *(u32 *)(r6 +56) = r3\nr1 = r6\n"
		 "call bpf_get_hash_recalc\nr3 = 0\nif r0 != r7 goto m\nr3 = 1\n"
		 "m: *(u32 *)(r6 +60) = r3\nr1 = r6\ncall bpf_set_hash_invalid\n"
		 "r0 = *(u32 *)(r6 +68)\n*(u32 *)(r6 +64) = r0\nr0 = 0\nexit\n",
		 CMP_ALL, NULL, NULL);
	run_case("hash-set", BPF_PROG_TYPE_SCHED_CLS,
		 "r6 = r1\nr2 = 0xabcdef\ncall bpf_set_hash\n*(u32 *)(r6 +48) = r0\nr1 = r6\n"
		 "call bpf_get_hash_recalc\n*(u32 *)(r6 +52) = r0\nr0 = *(u32 *)(r6 +68)\n"
		 "*(u32 *)(r6 +56) = r0\nr1 = r6\nr2 = 0\ncall bpf_set_hash\nr1 = r6\n"
		 "call bpf_get_hash_recalc\nr2 = 0\nif r0 == 0 goto z\nr2 = 1\n"
		 "z: *(u32 *)(r6 +60) = r2\nr0 = 0\nexit\n", CMP_ALL, NULL, NULL);
	/* symmetric: a reply hashes like the request (the kernel's consistentify) */
	for (size_t t = 4; t < 5; t++)
		run_case("hash-lwt", all_types[t],
			 "r6 = r1\ncall bpf_get_hash_recalc\nr2 = 0\nif r0 == 0 goto z\nr2 = 1\n"
			 "z: *(u32 *)(r6 +48) = r2\nr0 = 0\nexit\n", CMP_ALL, NULL, NULL);
}

static void misc(void)
{
	run_case("cgroup_classid", BPF_PROG_TYPE_SCHED_CLS, "call bpf_get_cgroup_classid\nexit\n",
		 CMP_ALL, NULL, "v4-tcp");
	run_case("route_realm", BPF_PROG_TYPE_SCHED_CLS, "call bpf_get_route_realm\nexit\n",
		 CMP_ALL, NULL, "v4-tcp");
	for (size_t t = 0; t < 3; t++)
		run_case("socket_uid", all_types[t], "call bpf_get_socket_uid\nexit\n", CMP_ALL,
			 NULL, "v4-tcp");
	static const int sizes[] = {16, 28, 44, 64};
	static const unsigned flags[] = {0, 1, 16, 2};

	for (size_t s = 0; s < 4; s++)
		for (size_t f = 0; f < 4; f++) {
			char name[64];

			snprintf(name, sizeof(name), "tunnel_key-%d-%u", sizes[s], flags[f]);
			run_case(name, BPF_PROG_TYPE_SCHED_CLS,
				 fmt("%sr6 = 0x55\n*(u64 *)(r10 -64) = r6\nr2 = r10\nr2 += -64\n"
				     "r3 = %d\nr4 = %u\ncall bpf_skb_get_tunnel_key\nr6 = r0\n%s",
				     stack_zero, sizes[s], flags[f], stack_fold),
				 CMP_ALL, NULL, "v4-tcp");
		}
	/* fib_lookup: the argument checks (answers depend on the host's routes) */
	static const struct {
		int plen;
		unsigned flags;
		int family;
	} fib[] = {{64, 0, 0}, {63, 0, 2}, {64, 64, 2}, {64, 1, 0}, {64, 2, 0}, {64, 4, 0},
		   {64, 8, 0}, {64, 16, 0}, {64, 32, 0}, {64, 63, 7}, {64, 128, 10}};

	for (size_t i = 0; i < sizeof(fib) / sizeof(fib[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "fib-%d-%u-%d", fib[i].plen, fib[i].flags,
			 fib[i].family);
		run_case(name, BPF_PROG_TYPE_SCHED_CLS,
			 fmt("%sr2 = %d\n*(u8 *)(r10 -64) = r2\nr2 = r10\nr2 += -64\nr3 = %d\n"
			     "r4 = %u\ncall bpf_fib_lookup\nexit\n",
			     stack_zero, fib[i].family, fib[i].plen, fib[i].flags),
			 CMP_ALL, NULL, "v4-tcp");
	}
	/* the redirect in helper_xdp.c, as tc sees it */
	static const char *rflags[] = {"0", "1", "2", "0x100000000 ll"};

	for (size_t f = 0; f < 4; f++) {
		char name[64];

		snprintf(name, sizeof(name), "redirect-%zu", f);
		run_case(name, BPF_PROG_TYPE_SCHED_CLS,
			 fmt("r1 = 3\nr2 = %s\ncall bpf_redirect\nexit\n", rflags[f]), CMP_ALL, NULL,
			 "v4-tcp");
	}
	/* repeat-free sanity: the packet as seen by each type */
	for (size_t t = 0; t < N_TYPES; t++)
		run_case("pass", all_types[t], "r0 = -1\nexit\n", CMP_ALL, NULL, NULL);
}

/* which program types may call which helper (bpfemu refuses to load a
 * program calling one its type may not use, the kernel's verifier too) */
static void availability(void)
{
	static const struct {
		const char *name, *args;
	} h[] = {
		{"bpf_skb_load_bytes", "r2 = 0\nr3 = r10\nr3 += -16\nr4 = 8\n"},
		{"bpf_skb_load_bytes_relative", "r2 = 0\nr3 = r10\nr3 += -16\nr4 = 8\nr5 = 1\n"},
		{"bpf_skb_store_bytes", "r2 = 0\nr3 = r10\nr3 += -16\nr4 = 8\nr5 = 0\n"},
		{"bpf_skb_pull_data", "r2 = 0\n"},
		{"bpf_l3_csum_replace", "r2 = 0\nr3 = 0\nr4 = 0\nr5 = 0\n"},
		{"bpf_l4_csum_replace", "r2 = 0\nr3 = 0\nr4 = 0\nr5 = 0\n"},
		{"bpf_csum_update", "r2 = 0\n"},
		{"bpf_csum_level", "r2 = 0\n"},
		{"bpf_skb_change_tail", "r2 = 64\nr3 = 0\n"},
		{"bpf_skb_change_head", "r2 = 0\nr3 = 0\n"},
		{"bpf_skb_change_proto", "r2 = 0\nr3 = 0\n"},
		{"bpf_skb_change_type", "r2 = 0\n"},
		{"bpf_skb_adjust_room", "r2 = 0\nr3 = 0\nr4 = 0\n"},
		{"bpf_skb_vlan_push", "r2 = 0\nr3 = 0\n"},
		{"bpf_skb_vlan_pop", ""},
		{"bpf_get_hash_recalc", ""},
		{"bpf_set_hash", "r2 = 0\n"},
		{"bpf_set_hash_invalid", ""},
		{"bpf_get_cgroup_classid", ""},
		{"bpf_get_route_realm", ""},
		{"bpf_get_socket_uid", ""},
		{"bpf_skb_get_tunnel_key", "r2 = r10\nr2 += -64\nr3 = 44\nr4 = 0\n"},
		{"bpf_fib_lookup", "r2 = r10\nr2 += -64\nr3 = 64\nr4 = 0\n"},
		{"bpf_csum_diff", "r1 = 0\nr2 = 0\nr3 = 0\nr4 = 0\nr5 = 0\n"}, /* helper_table.c */
		{"bpf_redirect", "r1 = 1\nr2 = 0\n"},
	};

	for (size_t t = 0; t < N_TYPES; t++)
		for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
			char name[64];

			snprintf(name, sizeof(name), "avail-%s", h[i].name);
			/* csum_diff's types are helper_table.c's: socket filters and
			 * cgroup_skb may not call it in the kernel */
			bool known = !strcmp(h[i].name, "bpf_csum_diff");
			run_case(name, all_types[t],
				 fmt("%s%scall %s\nr0 = 0\nexit\n", stack_zero, h[i].args, h[i].name),
				 CMP_ALL | (known ? KNOWN : 0), NULL, "v4-tcp");
		}
}

/* ctx_in.ifindex: the device eth_type_trans runs on (its MAC decides pkt_type) */
static void devices(void)
{
	for (uint32_t i = 0; i < host_net.n_devs + 1; i++) {
		uint32_t ifindex = i < host_net.n_devs ? host_devs[i].ifindex : 4242;
		struct __sk_buff c = {.ifindex = ifindex};
		char name[64];

		/* a packet to the device's own address */
		if (i < host_net.n_devs) {
			struct pkt *k = &pkts[n_pkts];

			*k = pkts[0];
			memcpy(k->data, host_devs[i].mac, 6);
			snprintf(k->name, sizeof(k->name), "to-dev-%u", ifindex);
			n_pkts++;
		}
		for (size_t t = 0; t < N_TYPES; t++) {
			snprintf(name, sizeof(name), "ifindex-%u-pkt_type", ifindex);
			run_case(name, all_types[t], "r0 = *(u32 *)(r1 +4)\nexit\n", CMP_ALL, &c, NULL);
			snprintf(name, sizeof(name), "ifindex-%u-ifindex", ifindex);
			run_case(name, all_types[t], "r0 = *(u32 *)(r1 +40)\nexit\n", CMP_ALL, &c,
				 "v4-tcp");
		}
		if (i < host_net.n_devs)
			n_pkts--;
	}
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (!strcmp(argv[i], "-k"))
			keep_going = 1;
		else
			filter = argv[i];
	}
	make_packets();
	read_host_devices();
	devices();
	ctx_dump();
	ctx_odd_stores();
	ctx_reads();
	ctx_writes();
	ctx_in_cases();
	load_bytes();
	store_bytes();
	pull_data();
	csum_replace();
	csum_level();
	change_tail_head();
	change_proto();
	change_type();
	adjust_room();
	vlan();
	hashes();
	misc();
	availability();
	printf("skb_diff: %ld cases, %ld runs, %ld differences in %ld cases (%ld known)\n", n_cases,
	       n_runs, n_diff, n_cases_diff, n_known);
	return n_diff ? 1 : 0;
}
