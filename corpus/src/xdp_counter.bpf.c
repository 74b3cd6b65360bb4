// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_counter - per-protocol packet and byte accounting.
 *
 * A descendant of the kernel's samples/bpf/xdp1_kern.c, which counted
 * packets per IP protocol in a legacy "maps" section.  That map is kept in
 * its original form (struct bpf_map_def in SEC("maps"), as declared by the
 * old bpf_helpers.h; libbpf 1.x no longer accepts it, iproute2 and older
 * loaders still do), next to newer BTF-defined maps and .bss globals:
 *
 *   rxcnt        legacy PERCPU_ARRAY[256] of packet counts, by IP protocol
 *   proto_stats  BTF HASH protocol -> {packets, bytes}, created on first sight
 *                (BPF_NOEXIST insert, then atomic adds)
 *   .bss         global totals: packets, bytes, non-IP frames, parse errors
 *
 * IPv6 packets are counted under their next-header value.  Every packet is
 * passed: this is a monitoring program.
 */
#include "common.h"

/* The 20-byte definition of libbpf < 1.0's bpf_helpers.h / samples/bpf. */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") rxcnt = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 256,
};

struct proto_val {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct proto_val);
	__uint(max_entries, 64);
} proto_stats SEC(".maps");

/* Global counters in .bss, read by the control plane through the skeleton. */
__u64 total_packets;
__u64 total_bytes;
__u64 non_ip_packets;
__u64 parse_errors;

static __always_inline void count_proto(__u32 proto, __u64 bytes)
{
	struct proto_val *pv, init = {};
	__u64 *cnt;

	cnt = bpf_map_lookup_elem(&rxcnt, &proto);
	if (cnt)
		*cnt += 1;

	pv = bpf_map_lookup_elem(&proto_stats, &proto);
	if (!pv) {
		/* First packet of this protocol: racing CPUs may both get here,
		 * BPF_NOEXIST makes exactly one insert win. */
		bpf_map_update_elem(&proto_stats, &proto, &init, BPF_NOEXIST);
		pv = bpf_map_lookup_elem(&proto_stats, &proto);
		if (!pv)
			return;
	}
	__sync_fetch_and_add(&pv->packets, 1);
	__sync_fetch_and_add(&pv->bytes, bytes);
}

SEC("xdp")
int xdp_prog1(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_cursor nh = { .pos = data };
	__u64 bytes = data_end - data;
	struct ipv6hdr *ip6h;
	struct ethhdr *eth;
	struct iphdr *iph;
	int eth_type, proto;
	__u16 vid;

	__sync_fetch_and_add(&total_packets, 1);
	__sync_fetch_and_add(&total_bytes, bytes);

	eth_type = parse_ethhdr_vlan(&nh, data_end, &eth, &vid);
	if (eth_type < 0) {
		parse_errors++;
		return XDP_PASS;
	}

	if (eth_type == bpf_htons(ETH_P_IP))
		proto = parse_iphdr(&nh, data_end, &iph);
	else if (eth_type == bpf_htons(ETH_P_IPV6))
		proto = parse_ip6hdr(&nh, data_end, &ip6h);
	else {
		non_ip_packets++;
		return XDP_PASS;
	}

	if (proto < 0) {
		parse_errors++;
		return XDP_PASS;
	}
	count_proto(proto, bytes);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
