// SPDX-License-Identifier: GPL-2.0
/*
 * tp_exec - execsnoop-style: a tracepoint on sched/sched_process_exec
 * whose file name is a __data_loc string inside the record (the low 16
 * bits of the field are its offset from the record's start, the high 16
 * its length), read with bpf_probe_read_kernel_str at ctx + offset. Each
 * exec goes to a ring buffer with bpf_ringbuf_output (built on the
 * stack), is logged with bpf_printk, and counted per uid; execs of
 * .rodata's ignore_uid are skipped. Record layout: the format file
 * corpus/tracepoints/sched/sched_process_exec.format.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sched_process_exec_args {
	__u16 common_type;
	__u8 common_flags;
	__u8 common_preempt_count;
	__s32 common_pid;
	__u32 filename_loc;
	__s32 pid;
	__s32 old_pid;
};

struct exec_event {
	__s32 pid;
	__s32 old_pid;
	__u32 uid;
	__s32 name_len;
	char comm[16];
	char filename[48];
};

struct exec_event *unused_exec_event __attribute__((unused));

const volatile __s64 ignore_uid = -1;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024);
} exec_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __u32);
	__type(value, __u64);
} execs_per_uid SEC(".maps");

SEC("tp/sched/sched_process_exec")
int tp_exec(struct sched_process_exec_args *ctx)
{
	struct exec_event e = {};
	__u32 uid = (__u32)bpf_get_current_uid_gid();

	if (ignore_uid >= 0 && uid == (__u32)ignore_uid)
		return 0;
	e.pid = ctx->pid;
	e.old_pid = ctx->old_pid;
	e.uid = uid;
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	e.name_len = bpf_probe_read_kernel_str(e.filename, sizeof(e.filename),
					       (void *)ctx + (ctx->filename_loc & 0xFFFF));
	bpf_printk("exec %s by uid %u", e.filename, uid);

	__u64 one = 1, *n = bpf_map_lookup_elem(&execs_per_uid, &uid);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&execs_per_uid, &uid, &one, BPF_ANY);
	bpf_ringbuf_output(&exec_events, &e, sizeof(e), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
