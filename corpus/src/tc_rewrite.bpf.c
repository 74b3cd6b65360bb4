// SPDX-License-Identifier: GPL-2.0
/*
 * tc_rewrite - destination NAT on the tc ingress hook (cls_bpf, direct-action).
 *
 * A service-IP translator of the kind Cilium's bpf_lxc / kube-proxy
 * replacements implement: IPv4 TCP/UDP packets whose {daddr, dport, proto}
 * is in nat_map get their destination address and port rewritten to the
 * backend's, with checksums fixed incrementally by the kernel helpers:
 *
 *   - bpf_skb_store_bytes() writes the new address and port,
 *   - bpf_l3_csum_replace() patches the IPv4 header checksum,
 *   - bpf_l4_csum_replace() patches the TCP/UDP checksum, with
 *     BPF_F_PSEUDO_HDR for the address (it is part of the pseudo header)
 *     and BPF_F_MARK_MANGLED_0 for UDP (a zero UDP checksum means "none").
 *
 * skb->mark is set from the NAT entry so that routing/iptables can see the
 * translation, and skb->priority from the original TOS.  Counters go to an
 * ARRAY indexed by outcome.  Frames with VLAN tags are left alone.
 */
#include "common.h"

#define IP_CSUM_OFF	(ETH_HLEN + offsetof(struct iphdr, check))
#define IP_DST_OFF	(ETH_HLEN + offsetof(struct iphdr, daddr))

enum {
	STAT_SEEN,
	STAT_NAT_TCP,
	STAT_NAT_UDP,
	STAT_NO_ENTRY,
	STAT_MALFORMED,
	STAT_HELPER_ERR,
	STAT_MAX,
};

struct nat_key {
	__be32 addr;
	__be16 port;
	__u8 proto;
	__u8 pad;
};

struct nat_value {
	__be32 new_addr;
	__be16 new_port;
	__u16 pad;
	__u32 mark;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct nat_key);
	__type(value, struct nat_value);
	__uint(max_entries, 256);
} nat_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, STAT_MAX);
} nat_stats SEC(".maps");

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&nat_stats, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tc")
int tc_dnat(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);
	struct nat_value *nat;
	struct nat_key key = {};
	__u32 l4_off, csum_off, port_off, csum_flags;
	__be32 old_addr, new_addr;
	__be16 old_port, new_port;
	__be16 *ports;
	__u8 proto;

	stat_inc(STAT_SEEN);

	if ((void *)(iph + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (iph->version != 4 || iph->ihl < 5) {
		stat_inc(STAT_MALFORMED);
		return TC_ACT_SHOT;
	}
	if (iph->frag_off & bpf_htons(0x1fff))	/* non-first fragment: no ports */
		return TC_ACT_OK;

	proto = iph->protocol;
	if (proto == IPPROTO_TCP) {
		csum_off = offsetof(struct tcphdr, check);
		csum_flags = 0;
	} else if (proto == IPPROTO_UDP) {
		csum_off = offsetof(struct udphdr, check);
		csum_flags = BPF_F_MARK_MANGLED_0;
	} else {
		return TC_ACT_OK;
	}

	l4_off = ETH_HLEN + iph->ihl * 4;
	ports = data + l4_off;
	if ((void *)(ports + 2) > data_end) {
		stat_inc(STAT_MALFORMED);
		return TC_ACT_SHOT;
	}

	key.addr = iph->daddr;
	key.port = ports[1];
	key.proto = proto;
	nat = bpf_map_lookup_elem(&nat_map, &key);
	if (!nat) {
		stat_inc(STAT_NO_ENTRY);
		return TC_ACT_OK;
	}

	old_addr = iph->daddr;
	old_port = ports[1];
	new_addr = nat->new_addr;
	new_port = nat->new_port;
	skb->priority = iph->tos >> 2;	/* DSCP */
	csum_off += l4_off;
	port_off = l4_off + offsetof(struct tcphdr, dest);	/* same offset in UDP */

	/* L4 checksum first: the pseudo header covers the address. */
	if (bpf_l4_csum_replace(skb, csum_off, old_addr, new_addr,
				csum_flags | BPF_F_PSEUDO_HDR | sizeof(new_addr)))
		goto err;
	if (bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_addr, new_addr, sizeof(new_addr)))
		goto err;
	if (bpf_skb_store_bytes(skb, IP_DST_OFF, &new_addr, sizeof(new_addr), 0))
		goto err;

	if (old_port != new_port) {
		if (bpf_l4_csum_replace(skb, csum_off, old_port, new_port,
					csum_flags | sizeof(new_port)))
			goto err;
		if (bpf_skb_store_bytes(skb, port_off, &new_port, sizeof(new_port), 0))
			goto err;
	}

	/* Packet pointers are invalid after the helpers above; skb fields are not. */
	skb->mark = nat->mark;
	stat_inc(proto == IPPROTO_TCP ? STAT_NAT_TCP : STAT_NAT_UDP);
	return TC_ACT_OK;
err:
	stat_inc(STAT_HELPER_ERR);
	return TC_ACT_SHOT;
}

char _license[] SEC("license") = "GPL";
