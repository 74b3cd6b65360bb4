// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_tenant - per-tenant ingress policy on a shared uplink, where each
 * tenant (selected by 802.1Q VLAN) owns its own policy table.
 *
 *   vlan_tenant       HASH vid -> tenant id (untagged traffic is tenant 0)
 *   tenant_policies   ARRAY_OF_MAPS; slot N is tenant N's HASH dport -> verdict.
 *                     The object initialises slots 0 and 1 with its own inner
 *                     maps (__array(values, ...) + .values); a tenant without a
 *                     table drops everything.
 *   tenant_usage      ARRAY tenant -> bytes admitted.  bpf_for_each_map_elem()
 *                     sums it; a tenant above max_share_pct of the total (once
 *                     the total passes min_total_bytes) is throttled: new
 *                     packets are dropped until others catch up.
 *   drop_log          QUEUE of the last 16 drops (BPF_EXIST on push: the oldest
 *                     entry is evicted when full), read by the control plane.
 *   recent_allows     STACK of admitted flows; consecutive packets of the same
 *                     flow are not pushed twice (bpf_map_peek_elem on the top).
 *
 * IPv4 TCP/UDP only; everything else passes.
 */
#include "common.h"

struct bpf_map;

#define MAX_TENANTS	4

#define VERDICT_DROP	0
#define VERDICT_ALLOW	1

const volatile __u32 max_share_pct = 60;
const volatile __u64 min_total_bytes = 1000;

struct inner_policy {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u16);	/* dport, host order */
	__type(value, __u32);	/* VERDICT_* */
	__uint(max_entries, 64);
} tenant0_policy SEC(".maps"), tenant1_policy SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, MAX_TENANTS);
	__type(key, __u32);
	__array(values, struct inner_policy);
} tenant_policies SEC(".maps") = {
	.values = {
		[0] = &tenant0_policy,
		[1] = &tenant1_policy,
	},
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u16);
	__type(value, __u32);
	__uint(max_entries, 4096);
} vlan_tenant SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, MAX_TENANTS);
} tenant_usage SEC(".maps");

struct drop_rec {
	__be32 saddr;
	__u16 dport;
	__u8 tenant;
	__u8 reason;
};

enum { DR_POLICY, DR_NO_TABLE, DR_QUOTA };

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 16);
	__type(value, struct drop_rec);
} drop_log SEC(".maps");

struct flow_rec {
	__be32 saddr;
	__be32 daddr;
	__u16 sport;
	__u16 dport;
	__u32 tenant;
};

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 8);
	__type(value, struct flow_rec);
} recent_allows SEC(".maps");

struct sum_ctx {
	__u64 total;
	__u32 nonzero;
};

static long sum_usage(struct bpf_map *map, __u32 *key, __u64 *val, struct sum_ctx *sc)
{
	sc->total += *val;
	if (*val)
		sc->nonzero++;
	return 0;
}

static __always_inline int log_drop(__be32 saddr, __u16 dport, __u32 tenant, __u8 reason)
{
	struct drop_rec r = { .saddr = saddr, .dport = dport, .tenant = tenant, .reason = reason };

	bpf_map_push_elem(&drop_log, &r, BPF_EXIST);
	return XDP_DROP;
}

SEC("xdp")
int xdp_tenant_policy(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_cursor nh = { .pos = data };
	struct sum_ctx sc = {};
	struct flow_rec fr = {}, top;
	__u32 tenant = 0, *t, *verdict;
	__u64 *usage, bytes = data_end - data;
	struct ethhdr *eth;
	struct iphdr *iph;
	__be16 *ports;
	void *policy;
	__u16 vid, dport;
	int proto;

	if (parse_ethhdr_vlan(&nh, data_end, &eth, &vid) != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	proto = parse_iphdr(&nh, data_end, &iph);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return XDP_PASS;
	ports = nh.pos;
	if ((void *)(ports + 2) > data_end)
		return XDP_PASS;
	dport = bpf_ntohs(ports[1]);

	if (vid) {
		t = bpf_map_lookup_elem(&vlan_tenant, &vid);
		if (!t)
			return XDP_DROP;	/* unknown VLAN */
		tenant = *t;
	}
	if (tenant >= MAX_TENANTS)
		return XDP_DROP;

	policy = bpf_map_lookup_elem(&tenant_policies, &tenant);
	if (!policy)
		return log_drop(iph->saddr, dport, tenant, DR_NO_TABLE);
	verdict = bpf_map_lookup_elem(policy, &dport);
	if (!verdict || *verdict != VERDICT_ALLOW)
		return log_drop(iph->saddr, dport, tenant, DR_POLICY);

	/* Fair share across tenants. */
	usage = bpf_map_lookup_elem(&tenant_usage, &tenant);
	if (!usage)
		return XDP_ABORTED;
	bpf_for_each_map_elem(&tenant_usage, sum_usage, &sc, 0);
	if (sc.total >= min_total_bytes && sc.nonzero > 1 &&
	    *usage * 100 > sc.total * max_share_pct)
		return log_drop(iph->saddr, dport, tenant, DR_QUOTA);
	__sync_fetch_and_add(usage, bytes);

	fr.saddr = iph->saddr;
	fr.daddr = iph->daddr;
	fr.sport = bpf_ntohs(ports[0]);
	fr.dport = dport;
	fr.tenant = tenant;
	if (bpf_map_peek_elem(&recent_allows, &top) || top.saddr != fr.saddr || top.daddr != fr.daddr ||
	    top.sport != fr.sport || top.dport != fr.dport || top.tenant != fr.tenant)
		bpf_map_push_elem(&recent_allows, &fr, BPF_EXIST);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
