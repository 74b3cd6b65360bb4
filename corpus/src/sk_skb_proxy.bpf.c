// SPDX-License-Identifier: GPL-2.0
/*
 * sk_skb_proxy - a stream splicer in the style of the kernel's
 * test_sockmap: bytes arriving at the socket in slot 0 of a sockmap are
 * cut into length-prefixed records by the stream parser (one length byte,
 * then that many bytes), and the verdict sends each record out of the
 * socket in slot 1 (an egress redirect: slot 1's peer receives it),
 * without a trip through user space. Records whose first payload byte is
 * 'X' are dropped. User space fills the sockmap (bpf_map_update_elem with
 * the sockets' fds). The bytes are read with bpf_skb_load_bytes: the
 * kernel's TCP receive skbs keep their payload in page fragments, so
 * direct access (skb->data .. data_end) sees nothing there without
 * bpf_skb_pull_data.
 *
 *   proxy_map  SOCKMAP[2]: 0 the client-facing socket, 1 the backend one
 *   stats      ARRAY[2] of u64: records forwarded, records dropped
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} proxy_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

SEC("sk_skb/stream_parser")
int proxy_parser(struct __sk_buff *skb)
{
	__u8 n;

	if (bpf_skb_load_bytes(skb, 0, &n, 1))
		return 0;    /* not even the length byte: wait */
	return 1 + n;        /* more than has come: the parser waits */
}

static __always_inline void count(__u32 i)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &i);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("sk_skb/stream_verdict")
int proxy_verdict(struct __sk_buff *skb)
{
	__u8 first;

	if (!bpf_skb_load_bytes(skb, 1, &first, 1) && first == 'X') {
		count(1);
		return SK_DROP;
	}
	count(0);
	return bpf_sk_redirect_map(skb, &proxy_map, 1, 0);
}

char _license[] SEC("license") = "GPL";
