// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_global_data - a DiffServ edge classifier configured entirely through
 * global variables, as BPF skeleton users write them.
 *
 * IPv4 TCP/UDP packets are classified by destination port against a table
 * of port ranges kept in .data (the control plane edits it in place through
 * the mmap-ed data map); the table is scanned with bpf_loop() and a callback
 * instead of an unrolled loop.  Packets of a class with a DSCP get their TOS
 * rewritten (IPv4 checksum updated incrementally) when remarking is enabled.
 *
 * Where each kind of global ends up:
 *
 *   .rodata          const volatile enable_remark, default_class (loader config)
 *   .rodata.tables   const class_dscp[] (a custom read-only section)
 *   .data            port_classes[] table and nr_port_classes (initialised)
 *   .data.custom     remark_count (a custom writable section, initialised)
 *   .bss             class_packets[], class_bytes[], last_sport, and a
 *                    file-static sequence counter (local symbol)
 *
 * Every packet passes; this program only marks.
 */
#include "common.h"

#define NR_CLASSES	4
#define MAX_PORT_CLASSES 16

enum { CLASS_BEST_EFFORT, CLASS_BULK, CLASS_INTERACTIVE, CLASS_REALTIME };

struct port_class {
	__u16 lo;	/* host order, inclusive */
	__u16 hi;
	__u8 proto;	/* 0 = TCP and UDP */
	__u8 class;
	__u16 pad;
};

/* .rodata: fixed at load time */
const volatile __u8 enable_remark = 1;
const volatile __u8 default_class = CLASS_BEST_EFFORT;

/* .rodata.tables: DSCP per class (0 = leave the TOS alone) */
const __u8 class_dscp[NR_CLASSES] SEC(".rodata.tables") = { 0, 10 /* AF11 */, 34 /* AF41 */, 46 /* EF */ };

/* .data: mutable table with defaults */
struct port_class port_classes[MAX_PORT_CLASSES] = {
	{ .lo = 22, .hi = 22, .proto = IPPROTO_TCP, .class = CLASS_INTERACTIVE },
	{ .lo = 53, .hi = 53, .proto = 0, .class = CLASS_INTERACTIVE },
	{ .lo = 873, .hi = 873, .proto = IPPROTO_TCP, .class = CLASS_BULK },
	{ .lo = 5060, .hi = 5061, .proto = IPPROTO_UDP, .class = CLASS_REALTIME },
	{ .lo = 16384, .hi = 32767, .proto = IPPROTO_UDP, .class = CLASS_REALTIME },
	{ .lo = 20, .hi = 21, .proto = IPPROTO_TCP, .class = CLASS_BULK },
};
__u32 nr_port_classes = 6;

/* .data.custom: its own internal map */
__u64 remark_count SEC(".data.custom") = 0;

/* .bss */
__u64 class_packets[NR_CLASSES];
__u64 class_bytes[NR_CLASSES];
__u16 last_sport;
static __u64 seq;	/* local symbol: relocated through the section symbol */

struct lookup_ctx {
	__u16 port;
	__u8 proto;
	__u8 class;
	__u32 matched_idx;
};

/* bpf_loop() callback: 0 = continue, 1 = stop. */
static long match_port_class(__u32 idx, struct lookup_ctx *lc)
{
	struct port_class *pc;

	if (idx >= MAX_PORT_CLASSES)
		return 1;
	pc = &port_classes[idx];
	if (pc->proto && pc->proto != lc->proto)
		return 0;
	if (lc->port < pc->lo || lc->port > pc->hi)
		return 0;
	lc->class = pc->class;
	lc->matched_idx = idx;
	return 1;
}

static __always_inline void set_dscp(struct iphdr *iph, __u8 dscp)
{
	__u16 old = *(__u16 *)iph;	/* version/ihl + tos word */
	__u16 new;
	__u32 csum;

	iph->tos = (dscp << 2) | (iph->tos & 3);	/* keep ECN */
	new = *(__u16 *)iph;
	csum = (__u16)~iph->check;
	csum += (__u16)~old;
	csum += new;
	iph->check = csum_fold_helper(csum);
}

SEC("xdp")
int xdp_classify(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_cursor nh = { .pos = data };
	struct lookup_ctx lc = { .matched_idx = ~0u };
	struct ethhdr *eth;
	struct iphdr *iph;
	__be16 *ports;
	__u32 n, cls;
	__u16 vid;
	__u8 dscp;
	int proto;

	seq++;
	if (parse_ethhdr_vlan(&nh, data_end, &eth, &vid) != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	proto = parse_iphdr(&nh, data_end, &iph);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return XDP_PASS;
	ports = nh.pos;
	if ((void *)(ports + 2) > data_end)
		return XDP_PASS;

	lc.port = bpf_ntohs(ports[1]);
	lc.proto = proto;
	lc.class = default_class;
	last_sport = bpf_ntohs(ports[0]);

	n = nr_port_classes;
	if (n > MAX_PORT_CLASSES)
		n = MAX_PORT_CLASSES;
	bpf_loop(n, match_port_class, &lc, 0);

	cls = lc.class & (NR_CLASSES - 1);
	class_packets[cls]++;
	class_bytes[cls] += data_end - data;

	dscp = class_dscp[cls];
	if (enable_remark && dscp && (iph->tos >> 2) != dscp) {
		set_dscp(iph, dscp);
		remark_count++;
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
