// SPDX-License-Identifier: GPL-2.0
/*
 * tc_cilium_style - an ingress policy datapath written the way Cilium's
 * bpf/ tree was before BTF maps: iproute2 `struct bpf_elf_map` definitions
 * in SEC("maps"), the entry program in SEC("classifier") (tc's historical
 * default section), and tail calls through a PROG_ARRAY whose slots are
 * filled by the loader from section names "<map id>/<slot>" (iproute2's
 * __section_tail(ID, KEY) convention; the map's .id is the <map id>).
 *
 *   from_netdev         (classifier)  validates L2/L3, stores the packet's
 *                                     L3 offset and a "source identity" in
 *                                     skb->cb[] (ctx_store_meta) and tail-calls
 *                                     the per-family handler
 *   tail_handle_ipv4    (1/7)         policy lookup {dport, proto} in
 *                                     cilium_policy; allow -> TC_ACT_OK with
 *                                     skb->mark = MARK_MAGIC_IDENTITY | id,
 *                                     deny -> TC_ACT_SHOT
 *   tail_handle_ipv6    (1/8)         ICMPv6 always allowed (ND), the rest via
 *                                     the same policy table
 *
 * A missing tail call drops with DROP_MISSED_TAIL_CALL.  Verdicts are
 * accounted in cilium_metrics (PERCPU_HASH keyed by {reason, direction}),
 * like Cilium's metricsmap.
 */
#include "common.h"

/* iproute2's include/bpf_elf.h */
#define PIN_NONE	0
#define PIN_OBJECT_NS	1
#define PIN_GLOBAL_NS	2

struct bpf_elf_map {
	__u32 type;
	__u32 size_key;
	__u32 size_value;
	__u32 max_elem;
	__u32 flags;
	__u32 id;
	__u32 pinning;
	__u32 inner_id;
	__u32 inner_idx;
};

#define __section(X)		__attribute__((section(X), used))
#define __stringify(X)		#X
#define __section_tail(ID, KEY)	__section(__stringify(ID) "/" __stringify(KEY))

#define CILIUM_MAP_CALLS	1
#define CILIUM_CALL_IPV4	7
#define CILIUM_CALL_IPV6	8

/* Drop reasons, as in Cilium's bpf/lib/common.h (negated) */
#define REASON_FORWARDED	0
#define DROP_POLICY		133
#define DROP_INVALID		134
#define DROP_UNKNOWN_L3		139
#define DROP_MISSED_TAIL_CALL	169

#define METRIC_INGRESS		1

#define MARK_MAGIC_IDENTITY	0x0F00

/* skb->cb[] slots (ctx_store_meta) */
#define CB_SRC_IDENTITY		0
#define CB_L3_OFF		1

#define WORLD_ID		2
#define POLICY_ALLOW		1
#define POLICY_DENY		0

struct policy_key {
	__u32 sec_label;	/* source identity, 0 = any */
	__u16 dport;		/* network order */
	__u8 protocol;
	__u8 egress;
};

struct policy_entry {
	__u32 action;
	__u32 proxy_port;
	__u64 packets;
	__u64 bytes;
};

struct metrics_key {
	__u8 reason;
	__u8 dir;
	__u16 pad;
};

struct metrics_value {
	__u64 count;
	__u64 bytes;
};

struct bpf_elf_map __section("maps") cilium_calls = {
	.type = BPF_MAP_TYPE_PROG_ARRAY,
	.id = CILIUM_MAP_CALLS,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.pinning = PIN_GLOBAL_NS,
	.max_elem = 16,
};

struct bpf_elf_map __section("maps") cilium_policy = {
	.type = BPF_MAP_TYPE_HASH,
	.size_key = sizeof(struct policy_key),
	.size_value = sizeof(struct policy_entry),
	.pinning = PIN_GLOBAL_NS,
	.max_elem = 1024,
	.flags = BPF_F_NO_PREALLOC,
};

struct bpf_elf_map __section("maps") cilium_metrics = {
	.type = BPF_MAP_TYPE_PERCPU_HASH,
	.size_key = sizeof(struct metrics_key),
	.size_value = sizeof(struct metrics_value),
	.pinning = PIN_GLOBAL_NS,
	.max_elem = 64,
};

static __always_inline void update_metrics(__u32 bytes, __u8 reason)
{
	struct metrics_key key = { .reason = reason, .dir = METRIC_INGRESS };
	struct metrics_value *v, init = {};

	v = bpf_map_lookup_elem(&cilium_metrics, &key);
	if (!v) {
		init.count = 1;
		init.bytes = bytes;
		bpf_map_update_elem(&cilium_metrics, &key, &init, BPF_ANY);
		return;
	}
	v->count += 1;
	v->bytes += bytes;
}

static __always_inline int send_drop(struct __sk_buff *skb, __u8 reason)
{
	update_metrics(skb->len, reason);
	return TC_ACT_SHOT;
}

static __always_inline void ctx_store_meta(struct __sk_buff *skb, int off, __u32 v)
{
	skb->cb[off] = v;
}

static __always_inline __u32 ctx_load_meta(struct __sk_buff *skb, int off)
{
	return skb->cb[off];
}

/* Policy verdict for {identity, dport, proto}: exact identity, then any. */
static __always_inline int policy_can_access(struct __sk_buff *skb, __u32 identity, __u16 dport, __u8 proto)
{
	struct policy_key key = { .sec_label = identity, .dport = dport, .protocol = proto };
	struct policy_entry *e;

	e = bpf_map_lookup_elem(&cilium_policy, &key);
	if (!e) {
		key.sec_label = 0;
		e = bpf_map_lookup_elem(&cilium_policy, &key);
	}
	if (!e)
		return -DROP_POLICY;
	__sync_fetch_and_add(&e->packets, 1);
	__sync_fetch_and_add(&e->bytes, skb->len);
	return e->action == POLICY_ALLOW ? 0 : -DROP_POLICY;
}

__section_tail(CILIUM_MAP_CALLS, CILIUM_CALL_IPV4)
int tail_handle_ipv4(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	__u32 l3_off = ctx_load_meta(skb, CB_L3_OFF);
	__u32 identity = ctx_load_meta(skb, CB_SRC_IDENTITY);
	struct iphdr *iph;
	__u16 dport = 0;
	__u8 proto;
	int ret;

	if (l3_off != ETH_HLEN)
		return send_drop(skb, DROP_INVALID);
	iph = data + ETH_HLEN;
	if ((void *)(iph + 1) > data_end)
		return send_drop(skb, DROP_INVALID);
	proto = iph->protocol;
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		__be16 *ports = (void *)iph + iph->ihl * 4;

		if ((void *)(ports + 2) > data_end)
			return send_drop(skb, DROP_INVALID);
		dport = ports[1];
	}

	ret = policy_can_access(skb, identity, dport, proto);
	if (ret < 0)
		return send_drop(skb, -ret);
	skb->mark = MARK_MAGIC_IDENTITY | (identity & 0xff) << 16;
	update_metrics(skb->len, REASON_FORWARDED);
	return TC_ACT_OK;
}

__section_tail(CILIUM_MAP_CALLS, CILIUM_CALL_IPV6)
int tail_handle_ipv6(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	__u32 identity = ctx_load_meta(skb, CB_SRC_IDENTITY);
	struct ipv6hdr *ip6h = data + ETH_HLEN;
	__u16 dport = 0;
	__u8 nexthdr;
	int ret;

	if ((void *)(ip6h + 1) > data_end)
		return send_drop(skb, DROP_INVALID);
	nexthdr = ip6h->nexthdr;
	if (nexthdr == IPPROTO_ICMPV6) {
		/* Neighbour discovery must always work. */
		update_metrics(skb->len, REASON_FORWARDED);
		return TC_ACT_OK;
	}
	if (nexthdr == IPPROTO_TCP || nexthdr == IPPROTO_UDP) {
		__be16 *ports = (void *)(ip6h + 1);

		if ((void *)(ports + 2) > data_end)
			return send_drop(skb, DROP_INVALID);
		dport = ports[1];
	}
	ret = policy_can_access(skb, identity, dport, nexthdr);
	if (ret < 0)
		return send_drop(skb, -ret);
	skb->mark = MARK_MAGIC_IDENTITY | (identity & 0xff) << 16;
	update_metrics(skb->len, REASON_FORWARDED);
	return TC_ACT_OK;
}

__section("classifier")
int from_netdev(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct ethhdr *eth = data;
	__u32 identity = WORLD_ID;

	if ((void *)(eth + 1) > data_end)
		return send_drop(skb, DROP_INVALID);

	/* A tunnel/identity key would come from the packet mark; world otherwise. */
	if ((skb->mark & 0xff00) == MARK_MAGIC_IDENTITY)
		identity = skb->mark >> 16;
	ctx_store_meta(skb, CB_SRC_IDENTITY, identity);
	ctx_store_meta(skb, CB_L3_OFF, ETH_HLEN);

	switch (skb->protocol) {
	case bpf_htons(ETH_P_IP):
		bpf_tail_call(skb, &cilium_calls, CILIUM_CALL_IPV4);
		break;
	case bpf_htons(ETH_P_IPV6):
		bpf_tail_call(skb, &cilium_calls, CILIUM_CALL_IPV6);
		break;
	case bpf_htons(ETH_P_ARP):
		return TC_ACT_OK;
	default:
		return send_drop(skb, DROP_UNKNOWN_L3);
	}
	return send_drop(skb, DROP_MISSED_TAIL_CALL);
}

char __license[] __section("license") = "GPL";
