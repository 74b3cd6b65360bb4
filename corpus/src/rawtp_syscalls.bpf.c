// SPDX-License-Identifier: GPL-2.0
/*
 * rawtp_syscalls - syscall accounting from raw_tp/sys_enter: the raw
 * tracepoint's arguments are (struct pt_regs *regs, long id). Counts every
 * syscall per id in a hash map, per tgid in an LRU hash, and remembers the
 * largest id seen in .bss. Ids above max_id (.rodata) are not counted and
 * make the program return 1 (a raw tracepoint's return value is ignored by
 * the kernel, but BPF_PROG_TEST_RUN reports it).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u64 max_id = 512;
__u64 largest_id = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} syscall_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} tgid_counts SEC(".maps");

static __always_inline void inc(void *map, __u32 key)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(map, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(map, &key, &one, BPF_ANY);
}

SEC("raw_tp/sys_enter")
int rawtp_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = ctx->args[1];

	if (id > max_id)
		return 1;
	inc(&syscall_counts, (__u32)id);
	inc(&tgid_counts, bpf_get_current_pid_tgid() >> 32);
	if (id > largest_id)
		largest_id = id;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
