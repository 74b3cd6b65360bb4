// SPDX-License-Identifier: GPL-2.0
/* Fixture of the test API's tests (tests/unit/test_testkit.c,
 * tests/yaml/fib_fwd.yaml): an XDP IPv4 forwarder in the style of the
 * kernel's samples/bpf/xdp_fwd_kern.c. bpf_fib_lookup picks the egress
 * device and MAC addresses (mocked in the tests), the TTL is decremented
 * with an incremental checksum update, the frame is redirected; the time of
 * the last forward is kept per device. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define AF_INET 2

struct fwd_stat {
	__u64 packets;
	__u64 last_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);		/* egress ifindex */
	__type(value, struct fwd_stat);
	__uint(max_entries, 64);
} fwd_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);		/* BPF_FIB_LKUP_RET_* */
	__type(value, __u64);
	__uint(max_entries, 16);
} fib_results SEC(".maps");

static __always_inline void ttl_decrement(struct iphdr *iph)
{
	__u32 check = iph->check;

	check += bpf_htons(0x0100);
	iph->check = (__u16)(check + (check >= 0xFFFF));
	iph->ttl--;
}

SEC("xdp")
int xdp_fwd(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);
	struct bpf_fib_lookup p = {};
	struct fwd_stat *st, init = {};
	__u64 *res;
	__u32 rc;

	if ((void *)(iph + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (iph->ttl <= 1)
		return XDP_PASS;

	p.family = AF_INET;
	p.tos = iph->tos;
	p.l4_protocol = iph->protocol;
	p.tot_len = bpf_ntohs(iph->tot_len);
	p.ipv4_src = iph->saddr;
	p.ipv4_dst = iph->daddr;
	p.ifindex = ctx->ingress_ifindex;

	rc = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	res = bpf_map_lookup_elem(&fib_results, &rc);
	if (res)
		__sync_fetch_and_add(res, 1);

	if (rc == BPF_FIB_LKUP_RET_BLACKHOLE || rc == BPF_FIB_LKUP_RET_UNREACHABLE ||
	    rc == BPF_FIB_LKUP_RET_PROHIBIT) {
		bpf_printk("fib: drop %x (%d)", bpf_ntohl(iph->daddr), rc);
		return XDP_DROP;
	}
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;

	ttl_decrement(iph);
	__builtin_memcpy(eth->h_dest, p.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, p.smac, ETH_ALEN);

	st = bpf_map_lookup_elem(&fwd_stats, &p.ifindex);
	if (!st) {
		bpf_map_update_elem(&fwd_stats, &p.ifindex, &init, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&fwd_stats, &p.ifindex);
	}
	if (st) {
		st->packets++;
		st->last_ns = bpf_ktime_get_ns();
	}
	return bpf_redirect(p.ifindex, 0);
}

char _license[] SEC("license") = "GPL";
