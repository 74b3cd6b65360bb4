// SPDX-License-Identifier: GPL-2.0
/* ELF loader fixture: several programs per section, bpf-to-bpf calls to
 * .text (global and static functions, transitively), a static function in
 * the program's own section (a call without relocation), a bpf_loop
 * callback (ld_imm64 of a function address), a map, global data, license
 * and version. tests/unit/test_elf.c checks the layout clang gives it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} counters SEC(".maps");

__u64 hits;			/* .bss */
const volatile __u32 limit = 7;	/* .rodata */

/* static: called through a relocation against the .text section symbol */
static __attribute__((noinline)) int bump(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v) {
		*v += 1;
		return 1;
	}
	return 0;
}

/* global: called through a relocation against its own symbol; calls bump */
__attribute__((noinline)) int global_sub(int x)
{
	return bump(x & 3) + x;
}

/* static, in the programs' section: the call needs no relocation */
static __attribute__((noinline, section("xdp"))) int in_section(int x)
{
	return x * 3 + (int)hits;
}

static long loop_cb(__u32 i, void *ctx)
{
	*(int *)ctx += i;
	return 0;
}

SEC("xdp")
int prog_a(struct xdp_md *ctx)
{
	hits++;
	return global_sub(ctx->ingress_ifindex) + in_section(limit) > 100 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int prog_b(struct xdp_md *ctx)
{
	int sum = 0;

	bpf_loop(4, loop_cb, &sum, 0);
	return bump(1) + sum ? XDP_PASS : XDP_ABORTED;
}

SEC("tc")
int prog_c(struct __sk_buff *skb)
{
	return global_sub(skb->len);
}

char _license[] SEC("license") = "Dual BSD/GPL";
__u32 _version SEC("version") = 0x060c00;
