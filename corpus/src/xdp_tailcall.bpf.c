// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_tailcall - a protocol dispatcher built on tail calls, the structure of
 * Cilium's and Polycube's XDP datapaths.
 *
 * xdp_dispatcher parses L2/L3 once, stores what it learnt in the XDP
 * metadata area in front of the packet (bpf_xdp_adjust_meta), and
 * tail-calls the handler for the L4 protocol through jmp_table, a PROG_ARRAY
 * that the object initialises itself (__array(values, ...) + .values = {...};
 * libbpf fills it at load time).  Handlers read the metadata back, strip it
 * (adjust_meta with a positive delta) and decide:
 *
 *   JMP_TCP  xdp_tcp        drop telnet (23) and SYNs to closed port 4444
 *   JMP_UDP  xdp_udp        drop chargen (19) / QOTD (17) reflection sources
 *   JMP_ICMP xdp_icmp       pass, but chain to JMP_ECHO for echo requests
 *   JMP_ECHO xdp_icmp_echo  answer echo requests in place: swap MACs and IPs,
 *                           type 8 -> 0, incremental checksum fix, XDP_TX
 *   slot 4 (IPv6) is left empty on purpose: the tail call fails and the
 *   dispatcher falls through, counting a miss and passing the packet.
 *
 * xdp_tcp and xdp_udp share SEC("xdp") (several programs in one section);
 * xdp_icmp_echo lives in SEC("xdp/icmp_echo"), a sub-section name older
 * loaders accepted as XDP and libbpf 1.x leaves untyped.
 * Each handler counts its verdicts in tc_stats (PERCPU_ARRAY).
 */
#include "common.h"

enum { JMP_TCP, JMP_UDP, JMP_ICMP, JMP_ECHO, JMP_IPV6, JMP_MAX };

/* Stats slots: [handler * 4 + action-ish] */
enum { ST_DISPATCH, ST_MISS, ST_TCP_DROP, ST_UDP_DROP, ST_ICMP, ST_ECHO_TX, ST_META_ERR, ST_MAX };

struct pkt_meta {
	__u16 l3_off;
	__u16 l4_off;
	__u8 l4_proto;
	__u8 ip_version;
	__u16 vid;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, ST_MAX);
} tc_stats SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&tc_stats, &idx);

	if (v)
		*v += 1;
}

int xdp_tcp(struct xdp_md *ctx);
int xdp_udp(struct xdp_md *ctx);
int xdp_icmp(struct xdp_md *ctx);
int xdp_icmp_echo(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, JMP_MAX);
	__uint(key_size, sizeof(__u32));
	__array(values, int (struct xdp_md *));
} jmp_table SEC(".maps") = {
	.values = {
		[JMP_TCP] = (void *)&xdp_tcp,
		[JMP_UDP] = (void *)&xdp_udp,
		[JMP_ICMP] = (void *)&xdp_icmp,
		[JMP_ECHO] = (void *)&xdp_icmp_echo,
	},
};

/*
 * Read the metadata the dispatcher left and remove it.  Copies it to *out;
 * returns -1 when it is missing.
 */
static __always_inline int pop_meta(struct xdp_md *ctx, struct pkt_meta *out)
{
	void *data = (void *)(long)ctx->data;
	struct pkt_meta *meta = (void *)(long)ctx->data_meta;

	if ((void *)(meta + 1) > data)
		return -1;
	*out = *meta;
	if (bpf_xdp_adjust_meta(ctx, (int)sizeof(*meta)))
		return -1;
	return 0;
}

SEC("xdp")
int xdp_dispatcher(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_cursor nh = { .pos = data };
	struct pkt_meta *meta;
	struct ipv6hdr *ip6h;
	struct ethhdr *eth;
	struct iphdr *iph;
	__u16 l3_off, l4_off, vid;
	int eth_type, proto;
	__u8 version;
	__u32 slot;

	count(ST_DISPATCH);
	eth_type = parse_ethhdr_vlan(&nh, data_end, &eth, &vid);
	l3_off = nh.pos - data;
	if (eth_type == bpf_htons(ETH_P_IP)) {
		proto = parse_iphdr(&nh, data_end, &iph);
		version = 4;
	} else if (eth_type == bpf_htons(ETH_P_IPV6)) {
		proto = parse_ip6hdr(&nh, data_end, &ip6h);
		version = 6;
	} else {
		return XDP_PASS;
	}
	if (proto < 0)
		return XDP_DROP;
	l4_off = nh.pos - data;

	if (version == 6)
		slot = JMP_IPV6;
	else if (proto == IPPROTO_TCP)
		slot = JMP_TCP;
	else if (proto == IPPROTO_UDP)
		slot = JMP_UDP;
	else if (proto == IPPROTO_ICMP)
		slot = JMP_ICMP;
	else
		return XDP_PASS;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*meta))) {
		count(ST_META_ERR);
		return XDP_PASS;
	}
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if ((void *)(meta + 1) > data)
		return XDP_ABORTED;
	meta->l3_off = l3_off;
	meta->l4_off = l4_off;
	meta->l4_proto = proto;
	meta->ip_version = version;
	meta->vid = vid;

	bpf_tail_call(ctx, &jmp_table, slot);

	/* Empty slot: undo the metadata and let the stack have it. */
	count(ST_MISS);
	bpf_xdp_adjust_meta(ctx, (int)sizeof(*meta));
	return XDP_PASS;
}

SEC("xdp")
int xdp_tcp(struct xdp_md *ctx)
{
	struct pkt_meta m;
	struct tcphdr *tcp;
	void *data, *data_end;

	if (pop_meta(ctx, &m))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	tcp = data + (m.l4_off & 0x1ff);
	if ((void *)(tcp + 1) > data_end)
		return XDP_DROP;
	if (tcp->dest == bpf_htons(23) || (tcp->syn && !tcp->ack && tcp->dest == bpf_htons(4444))) {
		count(ST_TCP_DROP);
		return XDP_DROP;
	}
	return XDP_PASS;
}

SEC("xdp")
int xdp_udp(struct xdp_md *ctx)
{
	struct pkt_meta m;
	struct udphdr *udp;
	void *data, *data_end;

	if (pop_meta(ctx, &m))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	udp = data + (m.l4_off & 0x1ff);
	if ((void *)(udp + 1) > data_end)
		return XDP_DROP;
	if (udp->source == bpf_htons(19) || udp->source == bpf_htons(17)) {
		count(ST_UDP_DROP);
		return XDP_DROP;
	}
	return XDP_PASS;
}

SEC("xdp/icmp")
int xdp_icmp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct pkt_meta *meta = (void *)(long)ctx->data_meta;
	struct icmphdr *icmp;

	count(ST_ICMP);
	/* Peek only: the echo handler still needs the metadata. */
	if ((void *)(meta + 1) > data)
		return XDP_ABORTED;
	icmp = data + (meta->l4_off & 0x1ff);
	if ((void *)(icmp + 1) > data_end)
		return XDP_DROP;
	if (icmp->type == ICMP_ECHO && icmp->code == 0)
		bpf_tail_call(ctx, &jmp_table, JMP_ECHO);

	bpf_xdp_adjust_meta(ctx, (int)sizeof(*meta));
	return XDP_PASS;
}

SEC("xdp/icmp_echo")
int xdp_icmp_echo(struct xdp_md *ctx)
{
	struct pkt_meta m;
	struct ethhdr *eth;
	struct iphdr *iph;
	struct icmphdr *icmp;
	void *data, *data_end;
	__u8 mac[ETH_ALEN];
	__be32 addr;
	__u32 csum;

	if (pop_meta(ctx, &m))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	iph = data + (m.l3_off & 0x1ff);
	icmp = data + (m.l4_off & 0x1ff);
	if ((void *)(eth + 1) > data_end || (void *)(iph + 1) > data_end || (void *)(icmp + 1) > data_end)
		return XDP_DROP;

	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);

	/* Swapping addresses leaves the IP checksum unchanged; TTL is reset. */
	addr = iph->saddr;
	iph->saddr = iph->daddr;
	iph->daddr = addr;
	csum = (__u16)~iph->check;
	csum += (__u16)~bpf_htons((__u16)iph->ttl << 8) + bpf_htons(64 << 8);
	iph->ttl = 64;
	iph->check = csum_fold_helper(csum);

	/* RFC 1624 incremental update for type 8 -> 0 */
	icmp->type = ICMP_ECHOREPLY;
	csum = (__u16)~icmp->checksum;
	csum += (__u16)~bpf_htons(ICMP_ECHO << 8);
	icmp->checksum = csum_fold_helper(csum);

	count(ST_ECHO_TX);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
