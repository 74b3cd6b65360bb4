// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_lb - an L4 load balancer in the style of Katran's balancer_kern.c.
 *
 * For IPv4 TCP/UDP packets addressed to a VIP:
 *
 *   1. vip_map (HASH) maps {vip, port, proto} to the VIP's number and flags;
 *      a VIP may also be port-agnostic (key with port 0).
 *   2. conn_table (LRU_HASH) keeps the backend of known flows, so existing
 *      connections stay where they are when the ring changes.
 *   3. New flows hash their 5-tuple (jhash, in the global, separately verified
 *      function flow_hash()) into the VIP's slice of ch_rings (ARRAY), whose
 *      entry indexes reals (ARRAY of backends).
 *   4. The packet is encapsulated IP-in-IP towards the backend: the head is
 *      grown by 20 bytes with bpf_xdp_adjust_head, a new outer IPv4 header is
 *      written (source derived from the flow hash so that the backend's RSS
 *      spreads flows, checksum computed), the Ethernet header is rewritten
 *      towards the default gateway, and the packet is bounced with XDP_TX.
 *
 * Everything else is passed to the stack; IP fragments are dropped (their
 * ports cannot be read).  Static configuration lives in .rodata
 * (const volatile, set by the loader before load).
 */
#include "common.h"

#define MAX_VIPS	64
#define MAX_REALS	256
#define CH_RING_SIZE	16
#define MAX_CONNS	1024

#define F_HASH_NO_SRC_PORT	(1 << 0)	/* UDP VIPs: hash without the source port */

/* Statistics slots after the per-VIP ones */
#define STATS_LRU_HIT		(MAX_VIPS + 0)
#define STATS_LRU_MISS		(MAX_VIPS + 1)
#define STATS_NO_REAL		(MAX_VIPS + 2)
#define STATS_FRAGS		(MAX_VIPS + 3)
#define STATS_MAX		(MAX_VIPS + 4)

struct vip_definition {
	__be32 vip;
	__be16 port;
	__u8 proto;
	__u8 pad;
};

struct vip_meta {
	__u32 flags;
	__u32 vip_num;
};

struct real_definition {
	__be32 dst;
	__u32 flags;
};

struct flow_key {
	__be32 src;
	__be32 dst;
	__be16 port16[2];
	__u8 proto;
	__u8 pad[3];
};

struct real_pos_lru {
	__u32 pos;
	__u32 pad;
};

struct lb_stats {
	__u64 v1;	/* packets */
	__u64 v2;	/* bytes */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct vip_definition);
	__type(value, struct vip_meta);
	__uint(max_entries, MAX_VIPS);
} vip_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct flow_key);
	__type(value, struct real_pos_lru);
	__uint(max_entries, MAX_CONNS);
} conn_table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, MAX_VIPS * CH_RING_SIZE);
} ch_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct real_definition);
	__uint(max_entries, MAX_REALS);
} reals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct lb_stats);
	__uint(max_entries, STATS_MAX);
} stats SEC(".maps");

/* Loader-provided configuration (.rodata). */
const volatile __u32 ring_size = CH_RING_SIZE;
const volatile __be32 ipip_src_net = 0x0000fe0a;	/* 10.254.0.0/16, network order */
const volatile __u8 gw_mac[ETH_ALEN] = { 0x02, 0x00, 0x5e, 0x00, 0x01, 0x01 };
const volatile __u8 ipip_ttl = 64;
const volatile __u32 jhash_initval = 0x5eed1b0b;

#define __jhash_final(a, b, c)			\
	do {					\
		c ^= b; c -= rol32(b, 14);	\
		a ^= c; a -= rol32(c, 11);	\
		b ^= a; b -= rol32(a, 25);	\
		c ^= b; c -= rol32(b, 16);	\
		a ^= c; a -= rol32(c, 4);	\
		b ^= a; b -= rol32(a, 14);	\
		c ^= b; c -= rol32(b, 24);	\
	} while (0)

#define JHASH_INITVAL 0xdeadbeef

static __always_inline __u32 rol32(__u32 word, unsigned int shift)
{
	return (word << shift) | (word >> ((-shift) & 31));
}

/*
 * jhash_3words() of the kernel's jhash.h.  A global function: the verifier
 * checks it once, on its own, from its BTF prototype (scalars in, scalar out).
 */
__attribute__((noinline)) __u32 flow_hash(__u32 a, __u32 b, __u32 c)
{
	__u32 initval = jhash_initval;

	a += JHASH_INITVAL + (3 << 2) + initval;
	b += JHASH_INITVAL + (3 << 2) + initval;
	c += JHASH_INITVAL + (3 << 2) + initval;
	__jhash_final(a, b, c);
	return c;
}

static __always_inline void bump(__u32 idx, __u64 bytes)
{
	struct lb_stats *st = bpf_map_lookup_elem(&stats, &idx);

	if (st) {
		st->v1 += 1;
		st->v2 += bytes;
	}
}

/*
 * Pick the backend for a flow: connection table first, then the VIP's hash
 * ring.  A static subprogram (bpf-to-bpf call, verified in caller context).
 */
static __noinline struct real_definition *get_real(struct flow_key *flow, struct vip_meta *meta)
{
	struct real_pos_lru *lru, new_lru = {};
	__u32 hash, ring_pos, *real_idx;

	lru = bpf_map_lookup_elem(&conn_table, flow);
	if (lru) {
		bump(STATS_LRU_HIT, 0);
		return bpf_map_lookup_elem(&reals, &lru->pos);
	}
	bump(STATS_LRU_MISS, 0);

	if (meta->flags & F_HASH_NO_SRC_PORT)
		hash = flow_hash(flow->src, flow->dst, flow->port16[1]);
	else
		hash = flow_hash(flow->src, flow->dst,
				 ((__u32)flow->port16[0] << 16) | flow->port16[1]);

	ring_pos = meta->vip_num * CH_RING_SIZE + hash % ring_size;
	real_idx = bpf_map_lookup_elem(&ch_rings, &ring_pos);
	if (!real_idx || *real_idx == 0)	/* slot 0 of reals is "no backend" */
		return NULL;

	new_lru.pos = *real_idx;
	bpf_map_update_elem(&conn_table, flow, &new_lru, BPF_ANY);
	return bpf_map_lookup_elem(&reals, real_idx);
}

/* Prepend an outer IPv4 header (IPPROTO_IPIP) and re-address the frame. */
static __noinline int encap_ipip(struct xdp_md *ctx, __be32 real_dst, __u32 hash, __be16 inner_len, __u8 tos)
{
	struct ethhdr *new_eth, *old_eth;
	struct iphdr *iph;
	void *data, *data_end;

	if (bpf_xdp_adjust_head(ctx, 0 - (int)sizeof(struct iphdr)))
		return XDP_DROP;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	new_eth = data;
	iph = data + sizeof(struct ethhdr);
	old_eth = data + sizeof(struct iphdr);
	if ((void *)(new_eth + 1) > data_end || (void *)(old_eth + 1) > data_end ||
	    (void *)(iph + 1) > data_end)
		return XDP_DROP;

	/* Source MAC: our interface, i.e. the address the client frame was sent to. */
	__builtin_memcpy(new_eth->h_source, old_eth->h_dest, ETH_ALEN);
	new_eth->h_dest[0] = gw_mac[0];
	new_eth->h_dest[1] = gw_mac[1];
	new_eth->h_dest[2] = gw_mac[2];
	new_eth->h_dest[3] = gw_mac[3];
	new_eth->h_dest[4] = gw_mac[4];
	new_eth->h_dest[5] = gw_mac[5];
	new_eth->h_proto = bpf_htons(ETH_P_IP);

	iph->version = 4;
	iph->ihl = 5;
	iph->tos = tos;
	iph->tot_len = bpf_htons(bpf_ntohs(inner_len) + sizeof(struct iphdr));
	iph->id = 0;
	iph->frag_off = 0;
	iph->ttl = ipip_ttl;
	iph->protocol = IPPROTO_IPIP;
	iph->check = 0;
	iph->saddr = ipip_src_net | bpf_htonl(hash & 0xffff);
	iph->daddr = real_dst;
	iph->check = ipv4_csum_20(iph);
	return XDP_TX;
}

SEC("xdp")
int balancer_ingress(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_cursor nh = { .pos = data };
	struct vip_definition vip = {};
	struct flow_key flow = {};
	struct real_definition *real;
	struct vip_meta *meta;
	struct ethhdr *eth;
	struct iphdr *iph;
	__u64 pkt_bytes = data_end - data;
	__be16 inner_len;
	__u32 hash;
	__u8 tos;
	__u16 vid;
	int proto;

	if (parse_ethhdr_vlan(&nh, data_end, &eth, &vid) != bpf_htons(ETH_P_IP) || vid)
		return XDP_PASS;	/* IPv6 and tagged frames: not load-balanced here */
	proto = parse_iphdr(&nh, data_end, &iph);
	if (proto < 0)
		return XDP_DROP;
	if (iph->ihl != 5)
		return XDP_PASS;	/* IP options: slow path */
	if (iph->frag_off & bpf_htons(0x3fff)) {	/* MF or offset */
		bump(STATS_FRAGS, pkt_bytes);
		return XDP_DROP;
	}
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return XDP_PASS;
	/* TCP and UDP both start with the two ports */
	if (nh.pos + 4 > data_end)
		return XDP_DROP;

	flow.src = iph->saddr;
	flow.dst = iph->daddr;
	flow.proto = proto;
	__builtin_memcpy(flow.port16, nh.pos, 4);
	inner_len = iph->tot_len;
	tos = iph->tos;

	vip.vip = iph->daddr;
	vip.port = flow.port16[1];
	vip.proto = proto;
	meta = bpf_map_lookup_elem(&vip_map, &vip);
	if (!meta) {
		vip.port = 0;	/* port-agnostic VIP? */
		meta = bpf_map_lookup_elem(&vip_map, &vip);
		if (!meta)
			return XDP_PASS;
	}
	if (meta->vip_num >= MAX_VIPS)
		return XDP_DROP;
	if (meta->flags & F_HASH_NO_SRC_PORT)
		flow.port16[0] = 0;

	real = get_real(&flow, meta);
	if (!real) {
		bump(STATS_NO_REAL, pkt_bytes);
		return XDP_DROP;
	}
	bump(meta->vip_num, pkt_bytes);

	hash = flow_hash(flow.src, flow.dst, ((__u32)flow.port16[0] << 16) | flow.port16[1]);
	return encap_ipip(ctx, real->dst, hash, inner_len, tos);
}

char _license[] SEC("license") = "GPL";
