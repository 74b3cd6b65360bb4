// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_events - connection-attempt telemetry: every TCP SYN (no ACK) seen on
 * the interface is exported to user space through a BPF ring buffer, the
 * way tools such as tcpconnect/Tetragon stream events.
 *
 *   - IPv4 SYNs: bpf_ringbuf_reserve() a struct syn_event_v4 in place, fill it,
 *     bpf_ringbuf_submit() it - or bpf_ringbuf_discard() it when the source
 *     port is in the ignore list (health checkers), after it was reserved.
 *   - IPv6 SYNs: build a struct syn_event_v6 on the stack and copy it with
 *     bpf_ringbuf_output().
 *   - SYNs with the ECE+CWR flags (ECN setup) are also reported with
 *     bpf_trace_printk(), whose format string is a plain literal and so lands
 *     in .rodata.str1.1 (bpf_printk() would put it in .rodata instead).
 *
 * Events carry no timestamp so that replays are reproducible.  Counters in
 * an ARRAY: SYNs v4, SYNs v6, ring buffer full, ignored, ECN.  The program
 * only observes: it always returns XDP_PASS.
 */
#include "common.h"

#define EVENT_SYN_V4 1
#define EVENT_SYN_V6 2

struct syn_event_v4 {
	__u32 kind;
	__u32 ifindex;
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u32 seq;
	__u16 window;
	__u8 ttl;
	__u8 tcp_hdr_len;
	__u32 pkt_len;
};

struct syn_event_v6 {
	__u32 kind;
	__u32 ifindex;
	struct in6_addr saddr;
	struct in6_addr daddr;
	__be16 sport;
	__be16 dport;
	__u32 seq;
	__u16 window;
	__u8 hop_limit;
	__u8 tcp_hdr_len;
	__u32 pkt_len;
};

enum { EV_SYN4, EV_SYN6, EV_RB_FULL, EV_IGNORED, EV_ECN, EV_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, EV_MAX);
} ev_stats SEC(".maps");

/* Health checkers connect from these source ports; not worth an event. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __be16);
	__type(value, __u8);
	__uint(max_entries, 16);
} ignore_sport SEC(".maps");

static __always_inline void ev_count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&ev_stats, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline int is_syn(struct tcphdr *tcp)
{
	return tcp->syn && !tcp->ack && !tcp->rst;
}

SEC("xdp")
int xdp_syn_events(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_cursor nh = { .pos = data };
	struct syn_event_v4 *e4;
	struct syn_event_v6 e6;
	struct ipv6hdr *ip6h;
	struct ethhdr *eth;
	struct iphdr *iph;
	struct tcphdr *tcp;
	int eth_type, tcp_len;
	__u16 vid;

	eth_type = parse_ethhdr_vlan(&nh, data_end, &eth, &vid);
	if (eth_type == bpf_htons(ETH_P_IP)) {
		if (parse_iphdr(&nh, data_end, &iph) != IPPROTO_TCP)
			return XDP_PASS;
		tcp_len = parse_tcphdr(&nh, data_end, &tcp);
		if (tcp_len < 0 || !is_syn(tcp))
			return XDP_PASS;
		ev_count(EV_SYN4);

		e4 = bpf_ringbuf_reserve(&events, sizeof(*e4), 0);
		if (!e4) {
			ev_count(EV_RB_FULL);
			return XDP_PASS;
		}
		e4->kind = EVENT_SYN_V4;
		e4->ifindex = ctx->ingress_ifindex;
		e4->saddr = iph->saddr;
		e4->daddr = iph->daddr;
		e4->sport = tcp->source;
		e4->dport = tcp->dest;
		e4->seq = bpf_ntohl(tcp->seq);
		e4->window = bpf_ntohs(tcp->window);
		e4->ttl = iph->ttl;
		e4->tcp_hdr_len = tcp_len;
		e4->pkt_len = data_end - data;
		if (bpf_map_lookup_elem(&ignore_sport, &tcp->source)) {
			ev_count(EV_IGNORED);
			bpf_ringbuf_discard(e4, 0);
			return XDP_PASS;
		}
		bpf_ringbuf_submit(e4, 0);

		if (tcp->ece && tcp->cwr) {
			ev_count(EV_ECN);
			bpf_trace_printk("xdp_events: ECN SYN from %x port %d\n",
					 sizeof("xdp_events: ECN SYN from %x port %d\n"),
					 bpf_ntohl(iph->saddr), bpf_ntohs(tcp->source));
		}
	} else if (eth_type == bpf_htons(ETH_P_IPV6)) {
		if (parse_ip6hdr(&nh, data_end, &ip6h) != IPPROTO_TCP)
			return XDP_PASS;
		tcp_len = parse_tcphdr(&nh, data_end, &tcp);
		if (tcp_len < 0 || !is_syn(tcp))
			return XDP_PASS;
		ev_count(EV_SYN6);
		if (bpf_map_lookup_elem(&ignore_sport, &tcp->source)) {
			ev_count(EV_IGNORED);
			return XDP_PASS;
		}

		__builtin_memset(&e6, 0, sizeof(e6));
		e6.kind = EVENT_SYN_V6;
		e6.ifindex = ctx->ingress_ifindex;
		__builtin_memcpy(&e6.saddr, &ip6h->saddr, sizeof(e6.saddr));
		__builtin_memcpy(&e6.daddr, &ip6h->daddr, sizeof(e6.daddr));
		e6.sport = tcp->source;
		e6.dport = tcp->dest;
		e6.seq = bpf_ntohl(tcp->seq);
		e6.window = bpf_ntohs(tcp->window);
		e6.hop_limit = ip6h->hop_limit;
		e6.tcp_hdr_len = tcp_len;
		e6.pkt_len = data_end - data;
		if (bpf_ringbuf_output(&events, &e6, sizeof(e6), 0))
			ev_count(EV_RB_FULL);
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
