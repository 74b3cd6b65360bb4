// SPDX-License-Identifier: GPL-2.0
/*
 * tc_vlan - VLAN access/trunk port logic on tc, as done by software switches
 * (OVS-less hypervisor bridges, xdp-tools' xdp-bridge prototypes).
 *
 * Configuration is a mutable .data global (the control plane rewrites it
 * through the skeleton's data map at run time):
 *
 *   - frames tagged with cfg.strip_vid are untagged (bpf_skb_vlan_pop):
 *     this port is the access port of that VLAN;
 *   - untagged IPv4 frames from cfg.tag_net/cfg.tag_plen are tagged with
 *     cfg.push_vid (bpf_skb_vlan_push, 802.1Q); with cfg.qinq set, voice
 *     traffic (DSCP EF) also gets an 802.1ad service tag cfg.svid on top,
 *     towards the provider bridge (the first tag then moves into the data);
 *   - other tagged frames pass if their VID is in allowed_vids, else dropped;
 *   - other untagged frames pass.
 *
 * A pushed tag lives in the skb's out-of-band vlan_tci (hardware
 * acceleration) until a second push moves it into the frame: last_tag
 * records skb->vlan_present / vlan_proto / vlan_tci after each packet so
 * that the result is observable.  Counters per action go to vlan_stats.
 */
#include "common.h"

struct vlan_cfg {
	__u16 strip_vid;
	__u16 push_vid;
	__be32 tag_net;
	__u32 tag_plen;
	__u16 svid;
	__u8 qinq;
	__u8 pad;
};

/* Mutable configuration with defaults: goes to .data */
struct vlan_cfg cfg = {
	.strip_vid = 100,
	.push_vid = 200,
	.tag_net = 0x0014a8c0,	/* 192.168.20.0, network order */
	.tag_plen = 24,
	.svid = 3000,
	.qinq = 1,
};

enum { VS_POPPED, VS_PUSHED, VS_QINQ, VS_ALLOWED, VS_DENIED, VS_UNTAGGED, VS_ERR, VS_MAX };

struct tag_state {
	__u32 vlan_present;
	__u32 vlan_proto;	/* host order */
	__u32 vlan_tci;
	__u32 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, VS_MAX);
} vlan_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u16);
	__type(value, __u8);
	__uint(max_entries, 4096);
} allowed_vids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct tag_state);
	__uint(max_entries, 1);
} last_tag SEC(".maps");

static __always_inline void vs_count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&vlan_stats, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline void record_tag(struct __sk_buff *skb)
{
	__u32 zero = 0;
	struct tag_state *st = bpf_map_lookup_elem(&last_tag, &zero);

	if (!st)
		return;
	st->vlan_present = skb->vlan_present;
	st->vlan_proto = bpf_ntohs(skb->vlan_proto);
	st->vlan_tci = skb->vlan_tci;
	st->len = skb->len;
}

static __always_inline int in_tag_net(__be32 saddr)
{
	__u32 plen = cfg.tag_plen;
	__u32 mask;

	if (plen == 0)
		return 1;
	if (plen > 32)
		return 0;
	mask = 0xffffffffu << (32 - plen);
	return (bpf_ntohl(saddr) & mask) == (bpf_ntohl(cfg.tag_net) & mask);
}

SEC("tc")
int tc_vlan_port(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct ethhdr *eth = data;
	struct vlan_hdr *vh;
	struct iphdr *iph;
	__u16 vid;
	__u8 dscp;
	int ret = TC_ACT_OK;

	if ((void *)(eth + 1) > data_end)
		return TC_ACT_SHOT;

	if (proto_is_vlan(eth->h_proto)) {
		vh = (void *)(eth + 1);
		if ((void *)(vh + 1) > data_end) {
			vs_count(VS_ERR);
			return TC_ACT_SHOT;
		}
		vid = bpf_ntohs(vh->h_vlan_TCI) & VLAN_VID_MASK;
		if (vid == cfg.strip_vid && eth->h_proto == bpf_htons(ETH_P_8021Q)) {
			if (bpf_skb_vlan_pop(skb)) {
				vs_count(VS_ERR);
				return TC_ACT_SHOT;
			}
			vs_count(VS_POPPED);
		} else if (bpf_map_lookup_elem(&allowed_vids, &vid)) {
			vs_count(VS_ALLOWED);
		} else {
			vs_count(VS_DENIED);
			ret = TC_ACT_SHOT;
		}
		goto out;
	}

	vs_count(VS_UNTAGGED);
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		goto out;
	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end)
		goto out;
	if (!in_tag_net(iph->saddr))
		goto out;
	dscp = iph->tos >> 2;	/* read now: the push invalidates packet pointers */

	if (bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), cfg.push_vid)) {
		vs_count(VS_ERR);
		return TC_ACT_SHOT;
	}
	vs_count(VS_PUSHED);
	if (cfg.qinq && dscp == 46) {
		/* The C-tag moves into the frame, the S-tag is out-of-band. */
		if (bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021AD), cfg.svid)) {
			vs_count(VS_ERR);
			return TC_ACT_SHOT;
		}
		vs_count(VS_QINQ);
	}
out:
	record_tag(skb);
	return ret;
}

char _license[] SEC("license") = "GPL";
