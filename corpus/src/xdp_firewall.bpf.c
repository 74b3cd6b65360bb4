// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_firewall - source-prefix blocklist at the driver level.
 *
 * Modelled on xdp-tools' xdp-filter and Cloudflare-style L3 drop lists:
 *
 *   - IPv4 and IPv6 source addresses are matched against longest-prefix
 *     tries (BPF_MAP_TYPE_LPM_TRIE, which the kernel requires to be created
 *     with BPF_F_NO_PREALLOC).  A hit drops the packet and bumps the rule's
 *     hit counter in the trie value with an atomic add.
 *   - Up to two VLAN tags (802.1Q / 802.1ad) are skipped.
 *   - Malformed IP headers (truncated, bad version or IHL) are dropped;
 *     non-IP traffic (ARP, LLDP, ...) is passed.
 *   - Every verdict is accounted per action in a PERCPU_ARRAY of
 *     {packets, bytes}, indexed by the XDP action code, like xdp_stats_map.
 *
 * The tries are filled by the control plane (see corpus/src/xdp_firewall.maps).
 */
#include "common.h"

#define MAX_RULES 1024

struct lpm_v4_key {
	__u32 prefixlen;	/* host order, bits */
	__be32 addr;
};

struct lpm_v6_key {
	__u32 prefixlen;
	struct in6_addr addr;
};

struct rule_value {
	__u32 rule_id;
	__u32 flags;		/* RULE_F_* */
	__u64 hits;
};

#define RULE_F_LOG	1	/* reserved for the control plane */

struct datarec {
	__u64 rx_packets;
	__u64 rx_bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct lpm_v4_key);
	__type(value, struct rule_value);
	__uint(max_entries, MAX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} blocklist_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct lpm_v6_key);
	__type(value, struct rule_value);
	__uint(max_entries, MAX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} blocklist_v6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct datarec);
	__uint(max_entries, XDP_REDIRECT + 1);
} xdp_stats_map SEC(".maps");

static __always_inline __u32 xdp_stats_record_action(struct xdp_md *ctx, __u32 action)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct datarec *rec;

	if (action > XDP_REDIRECT)
		return XDP_ABORTED;

	rec = bpf_map_lookup_elem(&xdp_stats_map, &action);
	if (!rec)
		return XDP_ABORTED;

	/* Per-CPU value: no atomics needed. */
	rec->rx_packets++;
	rec->rx_bytes += data_end - data;
	return action;
}

static __always_inline int match_v4(struct iphdr *iph)
{
	struct lpm_v4_key key = {
		.prefixlen = 32,
		.addr = iph->saddr,
	};
	struct rule_value *rule;

	rule = bpf_map_lookup_elem(&blocklist_v4, &key);
	if (!rule)
		return 0;
	__sync_fetch_and_add(&rule->hits, 1);
	return 1;
}

static __always_inline int match_v6(struct ipv6hdr *ip6h)
{
	struct lpm_v6_key key = {
		.prefixlen = 128,
	};
	struct rule_value *rule;

	__builtin_memcpy(&key.addr, &ip6h->saddr, sizeof(key.addr));
	rule = bpf_map_lookup_elem(&blocklist_v6, &key);
	if (!rule)
		return 0;
	__sync_fetch_and_add(&rule->hits, 1);
	return 1;
}

SEC("xdp")
int xdp_firewall_prog(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_cursor nh = { .pos = data };
	struct ethhdr *eth;
	struct iphdr *iph;
	struct ipv6hdr *ip6h;
	__u32 action = XDP_PASS;
	__u16 vid;
	int eth_type;

	eth_type = parse_ethhdr_vlan(&nh, data_end, &eth, &vid);
	if (eth_type < 0) {
		/* runt frame or truncated VLAN tag */
		action = XDP_DROP;
		goto out;
	}

	if (eth_type == bpf_htons(ETH_P_IP)) {
		if (parse_iphdr(&nh, data_end, &iph) < 0) {
			action = XDP_DROP;
			goto out;
		}
		if (match_v4(iph))
			action = XDP_DROP;
	} else if (eth_type == bpf_htons(ETH_P_IPV6)) {
		if (parse_ip6hdr(&nh, data_end, &ip6h) < 0) {
			action = XDP_DROP;
			goto out;
		}
		if (match_v6(ip6h))
			action = XDP_DROP;
	}
out:
	return xdp_stats_record_action(ctx, action);
}

char _license[] SEC("license") = "GPL";
