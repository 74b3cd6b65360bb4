// SPDX-License-Identifier: GPL-2.0
/*
 * sock_filter - a socket filter for a DNS server's UDP socket.
 *
 * Attached with setsockopt(SO_ATTACH_BPF) to the server's socket, it sees
 * every datagram the socket would queue, from the network header on (a
 * socket filter has no direct packet access: it reads with
 * bpf_skb_load_bytes), and returns how many bytes to keep (0 drops):
 *
 *   - only UDP datagrams to the socket's own port (skb->sk->src_port; a
 *     socket not yet bound, port 0, takes any port) are DNS traffic;
 *   - responses (QR set), empty questions and non-QUERY opcodes drop;
 *   - a query larger than 512 bytes of DNS payload is cut to 512 (the
 *     server answers with TC set, as RFC 1035 servers do);
 *   - everything is counted per verdict (sf_stats, with the socket's
 *     cookie and uid as last seen) and accepted queries per owning uid
 *     (queries_by_uid, bpf_get_socket_uid).
 *
 * skb->sk is read through struct bpf_sock (family, src_port, state), so
 * the verifier's sock_common rules apply: a NULL check first, no
 * arithmetic, reads only.
 */
#include "common.h"

#define DNS_PORT_ANY	0
#define DNS_MAX_UDP	512

enum sf_verdict {
	SF_ACCEPT,
	SF_TRUNCATED,
	SF_NOT_UDP,
	SF_WRONG_PORT,
	SF_NOT_QUERY,
	SF_SHORT,
	SF_NO_SOCKET,
	SF_MAX,
};

struct sf_stat {
	__u64 packets;
	__u64 bytes;
	__u64 last_cookie;	/* bpf_get_socket_cookie of the last packet */
	__u32 last_uid;
	__u32 last_family;	/* skb->sk->family */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct sf_stat);
	__uint(max_entries, SF_MAX);
} sf_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);	/* uid */
	__type(value, __u64);	/* accepted queries */
	__uint(max_entries, 64);
} queries_by_uid SEC(".maps");

static __always_inline int count(struct __sk_buff *skb, __u32 verdict, int keep)
{
	struct sf_stat *st = bpf_map_lookup_elem(&sf_stats, &verdict);
	struct bpf_sock *sk = skb->sk;

	if (st) {
		__sync_fetch_and_add(&st->packets, 1);
		__sync_fetch_and_add(&st->bytes, skb->len);
		st->last_cookie = bpf_get_socket_cookie(skb);
		st->last_uid = bpf_get_socket_uid(skb);
		st->last_family = sk ? sk->family : 0;
	}
	return keep;
}

SEC("socket")
int dns_sock_filter(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct udphdr udp;
	struct dnshdr dns;
	__u32 l4, port, uid;
	__u8 proto;

	if (!sk)
		return count(skb, SF_NO_SOCKET, 0);
	/* the socket's bound port, host byte order; 0 while unbound */
	port = sk->src_port;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		__u8 vihl;

		if (bpf_skb_load_bytes(skb, 0, &vihl, 1) ||
		    bpf_skb_load_bytes(skb, offsetof(struct iphdr, protocol), &proto, 1))
			return count(skb, SF_SHORT, 0);
		l4 = (vihl & 0x0f) * 4;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		if (bpf_skb_load_bytes(skb, offsetof(struct ipv6hdr, nexthdr), &proto, 1))
			return count(skb, SF_SHORT, 0);
		l4 = sizeof(struct ipv6hdr);
	} else {
		return count(skb, SF_NOT_UDP, 0);
	}
	if (proto != IPPROTO_UDP)
		return count(skb, SF_NOT_UDP, 0);
	if (bpf_skb_load_bytes(skb, l4, &udp, sizeof(udp)))
		return count(skb, SF_SHORT, 0);
	if (port != DNS_PORT_ANY && bpf_ntohs(udp.dest) != port)
		return count(skb, SF_WRONG_PORT, 0);
	if (bpf_skb_load_bytes(skb, l4 + sizeof(udp), &dns, sizeof(dns)))
		return count(skb, SF_SHORT, 0);
	/* QR clear, opcode QUERY (0), at least one question */
	if ((dns.flags & bpf_htons(0xf800)) || !dns.qdcount)
		return count(skb, SF_NOT_QUERY, 0);

	uid = bpf_get_socket_uid(skb);
	__u64 one = 1, *n = bpf_map_lookup_elem(&queries_by_uid, &uid);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&queries_by_uid, &uid, &one, BPF_NOEXIST);

	if (skb->len > l4 + sizeof(udp) + DNS_MAX_UDP)
		return count(skb, SF_TRUNCATED, l4 + sizeof(udp) + DNS_MAX_UDP);
	return count(skb, SF_ACCEPT, skb->len);
}

char _license[] SEC("license") = "GPL";
