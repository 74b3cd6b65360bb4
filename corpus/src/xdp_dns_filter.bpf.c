// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_dns_filter - a DNS "sinkhole" in front of a resolver.
 *
 * UDP datagrams to port 53 (IPv4 or IPv6, optionally VLAN-tagged) that carry
 * a standard query have their first QNAME decoded from wire format
 * (length-prefixed labels) into a lower-case dotted name in a zero-padded,
 * fixed-size stack buffer - a bounded loop over at most MAX_NAME bytes that
 * walks the labels.  The name and then each parent domain (a second bounded
 * loop over the label starts, at most MAX_LABELS lookups) are looked up in
 * domain_rules, a HASH keyed by the 64-byte name; the most specific rule wins:
 *
 *   RULE_BLOCK  drop the query (the client times out / retries elsewhere)
 *   RULE_ALLOW  pass it even if a parent domain is blocked
 *
 * Rules count their hits.  Responses, non-standard opcodes, names with
 * compression pointers or longer than MAX_NAME, and truncated queries are
 * passed to the resolver, which has a real parser; counters in dns_stats.
 */
#include "common.h"

#define MAX_NAME	64
#define MAX_LABELS	8
#define DNS_PORT	53

#define RULE_BLOCK	0
#define RULE_ALLOW	1

#define DNS_QR		0x8000
#define DNS_OPCODE	0x7800

struct dns_name {
	char name[MAX_NAME];
};

struct domain_rule {
	__u64 hits;
	__u32 rule_id;
	__u32 action;
};

enum { DS_QUERIES, DS_BLOCKED, DS_ALLOWED, DS_NO_RULE, DS_UNPARSED, DS_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct dns_name);
	__type(value, struct domain_rule);
	__uint(max_entries, 1024);
} domain_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, DS_MAX);
} dns_stats SEC(".maps");

static __always_inline void ds_count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&dns_stats, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("xdp")
int xdp_dns_filter(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_cursor nh = { .pos = data };
	/* name + MAX_NAME bytes of zero padding: every suffix is a full key */
	char buf[2 * MAX_NAME] = {};
	__u8 wire[MAX_NAME + 8] = {};
	struct domain_rule *rule;
	struct ipv6hdr *ip6h;
	struct ethhdr *eth;
	struct iphdr *iph;
	struct udphdr *udp;
	struct dnshdr *dns;
	__u8 *qname;
	int eth_type, proto, i, pos, end = -1;
	__u16 vid;

	eth_type = parse_ethhdr_vlan(&nh, data_end, &eth, &vid);
	if (eth_type == bpf_htons(ETH_P_IP))
		proto = parse_iphdr(&nh, data_end, &iph);
	else if (eth_type == bpf_htons(ETH_P_IPV6))
		proto = parse_ip6hdr(&nh, data_end, &ip6h);
	else
		return XDP_PASS;
	if (proto != IPPROTO_UDP)
		return XDP_PASS;
	if (parse_udphdr(&nh, data_end, &udp) < 0 || udp->dest != bpf_htons(DNS_PORT))
		return XDP_PASS;

	dns = nh.pos;
	if ((void *)(dns + 1) > data_end) {
		ds_count(DS_UNPARSED);
		return XDP_PASS;
	}
	if ((dns->flags & bpf_htons(DNS_QR | DNS_OPCODE)) || dns->qdcount == 0)
		return XDP_PASS;	/* response or not a QUERY */
	ds_count(DS_QUERIES);

	/*
	 * 1. Copy the raw QNAME (at most MAX_NAME bytes) to the stack; the
	 *    zero padding after a short packet acts as a terminator, which the
	 *    truncation check below catches.
	 */
	qname = (void *)(dns + 1);
	for (i = 0; i < MAX_NAME; i++) {
		if ((void *)(qname + i + 1) > data_end)
			break;
		wire[i] = qname[i];
	}

	/*
	 * 2. Walk the labels (bounded by MAX_LABELS): find the terminating
	 *    zero length byte and reject compression pointers and overlong
	 *    names.
	 */
	pos = 0;
	for (i = 0; i < MAX_LABELS + 1; i++) {
		__u8 len = wire[pos & (MAX_NAME - 1)];

		if (len == 0) {
			end = pos;
			break;
		}
		if (len & 0xc0)
			break;
		pos += len + 1;
		if (pos >= MAX_NAME)
			break;
	}
	if (end <= 0 || (void *)(qname + (end & (MAX_NAME - 1)) + 1) > data_end) {
		ds_count(DS_UNPARSED);	/* root, pointer, too long / deep, truncated */
		return XDP_PASS;
	}

	/*
	 * 3. Dotted, lower-case form: buf[i] is wire[i + 1], with the length
	 *    bytes turned into dots and everything from the terminator on zero.
	 */
	for (i = 0; i < MAX_NAME - 1; i++) {
		__u8 c = wire[i + 1];

		if (i + 1 >= end)
			break;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		buf[i] = c;
	}
	pos = 0;
	for (i = 0; i < MAX_LABELS; i++) {
		pos += wire[pos & (MAX_NAME - 1)] + 1;
		if (pos >= end)
			break;
		buf[(pos - 1) & (MAX_NAME - 1)] = '.';
	}

	/* 4. Most specific first: the whole name, then each parent domain. */
	pos = 0;
	for (i = 0; i < MAX_LABELS; i++) {
		rule = bpf_map_lookup_elem(&domain_rules, &buf[pos & (MAX_NAME - 1)]);
		if (rule) {
			__sync_fetch_and_add(&rule->hits, 1);
			if (rule->action == RULE_ALLOW) {
				ds_count(DS_ALLOWED);
				return XDP_PASS;
			}
			ds_count(DS_BLOCKED);
			return XDP_DROP;
		}
		pos += wire[pos & (MAX_NAME - 1)] + 1;
		if (pos >= end)
			break;
	}
	ds_count(DS_NO_RULE);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
