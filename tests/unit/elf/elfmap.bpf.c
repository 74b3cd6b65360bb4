// SPDX-License-Identifier: GPL-2.0
/* ELF loader fixture: iproute2's struct bpf_elf_map in SEC("maps"): a prog
 * array filled from a "<id>/<key>" tail-call section, and a map-in-map whose
 * inner map is found by id and placed at its inner_idx. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

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

struct bpf_elf_map SEC("maps") jmp = {
	.type = BPF_MAP_TYPE_PROG_ARRAY,
	.size_key = 4,
	.size_value = 4,
	.max_elem = 8,
	.id = 5,
	.pinning = 2,
};

struct bpf_elf_map SEC("maps") inner = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = 4,
	.size_value = 4,
	.max_elem = 1,
	.id = 7,
	.inner_idx = 2,
};

struct bpf_elf_map SEC("maps") outer = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
	.size_key = 4,
	.size_value = 4,
	.max_elem = 4,
	.inner_id = 7,
};

SEC("5/3")
int tail(struct __sk_buff *skb)
{
	return 1;
}

SEC("classifier")
int entry(struct __sk_buff *skb)
{
	__u32 k = 2;

	bpf_tail_call(skb, &jmp, 3);
	return bpf_map_lookup_elem(&outer, &k) ? 0 : 2;
}

char __license[] SEC("license") = "GPL";
