// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_ratelimit - per-source token bucket, the DDoS-mitigation building block
 * of many XDP deployments.
 *
 * Every IPv4 source (and every IPv6 /64) gets a bucket in an LRU_HASH, so
 * that a flood of spoofed sources evicts old buckets instead of failing.
 * Credit is kept in nanoseconds of "allowance" (one packet costs
 * NSEC_PER_SEC / rate_pps) and refilled from bpf_ktime_get_ns(), capped at
 * burst packets: no division at run time, no floating point.
 *
 *   rate_pps, burst   .rodata configuration (const volatile)
 *   buckets           LRU_HASH source -> {last_ns, credit_ns, passed, dropped}
 *   rl_stats          PERCPU_ARRAY {passed, dropped, new_buckets, non_ip}
 *
 * Non-IP traffic is passed untouched.  Because of ktime, results depend on
 * when packets run: kernel-run -p replays them at their pcap spacing.
 */
#include "common.h"

#define NSEC_PER_SEC 1000000000ULL

const volatile __u64 rate_pps = 4;	/* sustained packets per second per source */
const volatile __u64 burst = 5;		/* bucket depth, packets */

struct bucket {
	__u64 last_ns;
	__u64 credit_ns;
	__u64 passed;
	__u64 dropped;
};

struct src_key {
	__u32 family;		/* 4 or 6 */
	__u32 addr[4];		/* IPv4 in addr[0]; IPv6: the /64 prefix in addr[0..1] */
};

enum { RL_PASSED, RL_DROPPED, RL_NEW, RL_NON_IP, RL_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct src_key);
	__type(value, struct bucket);
	__uint(max_entries, 4096);
} buckets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, RL_MAX);
} rl_stats SEC(".maps");

static __always_inline void rl_count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&rl_stats, &idx);

	if (v)
		*v += 1;
}

/* Returns 1 if the packet conforms (and consumes one token). */
static __always_inline int take_token(struct src_key *key)
{
	__u64 cost = NSEC_PER_SEC / rate_pps;
	__u64 depth = cost * burst;
	__u64 now = bpf_ktime_get_ns();
	struct bucket *b, nb = {};
	__u64 credit;

	b = bpf_map_lookup_elem(&buckets, key);
	if (!b) {
		/* A new source starts with a full bucket minus this packet. */
		nb.last_ns = now;
		nb.credit_ns = depth - cost;
		nb.passed = 1;
		bpf_map_update_elem(&buckets, key, &nb, BPF_ANY);
		rl_count(RL_NEW);
		return 1;
	}

	credit = b->credit_ns;
	if (now > b->last_ns)
		credit += now - b->last_ns;
	if (credit > depth)
		credit = depth;
	b->last_ns = now;

	if (credit < cost) {
		b->credit_ns = credit;
		__sync_fetch_and_add(&b->dropped, 1);
		return 0;
	}
	b->credit_ns = credit - cost;
	__sync_fetch_and_add(&b->passed, 1);
	return 1;
}

SEC("xdp")
int xdp_ratelimit(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_cursor nh = { .pos = data };
	struct src_key key = {};
	struct ipv6hdr *ip6h;
	struct ethhdr *eth;
	struct iphdr *iph;
	int eth_type;
	__u16 vid;

	eth_type = parse_ethhdr_vlan(&nh, data_end, &eth, &vid);
	if (eth_type == bpf_htons(ETH_P_IP)) {
		if (parse_iphdr(&nh, data_end, &iph) < 0)
			return XDP_DROP;
		key.family = 4;
		key.addr[0] = iph->saddr;
	} else if (eth_type == bpf_htons(ETH_P_IPV6)) {
		if (parse_ip6hdr(&nh, data_end, &ip6h) < 0)
			return XDP_DROP;
		key.family = 6;
		key.addr[0] = ip6h->saddr.in6_u.u6_addr32[0];
		key.addr[1] = ip6h->saddr.in6_u.u6_addr32[1];
	} else {
		rl_count(RL_NON_IP);
		return XDP_PASS;
	}

	if (take_token(&key)) {
		rl_count(RL_PASSED);
		return XDP_PASS;
	}
	rl_count(RL_DROPPED);
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
