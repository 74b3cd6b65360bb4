// SPDX-License-Identifier: GPL-2.0
/* ELF loader fixture: libbpf's legacy struct bpf_map_def in SEC("maps"). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") counts = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 16,
};

struct bpf_map_def SEC("maps") flows = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = 8,
	.value_size = 16,
	.max_entries = 1024,
	.map_flags = BPF_F_NO_PREALLOC,
};

SEC("socket")
int sock_prog(struct __sk_buff *skb)
{
	__u32 k = skb->protocol & 15;
	__u64 fk = skb->hash;
	__u64 *c = bpf_map_lookup_elem(&counts, &k);

	if (c)
		__sync_fetch_and_add(c, 1);
	return bpf_map_lookup_elem(&flows, &fk) ? 0 : skb->len;
}

char _license[] SEC("license") = "GPL";
