// SPDX-License-Identifier: GPL-2.0
/*
 * trace_kill - "log every kill(2)": a tracepoint on syscalls/sys_enter_kill
 * that streams one record per signal sent into a ring buffer (who sent it:
 * tgid, tid, uid and comm; the target pid; the signal; when) and counts
 * signals per number in a hash map, as killsnoop-style tools do.
 *
 * Loader configuration in .rodata: only_sig (0: every signal) and
 * target_pid (0: every target). Filtered signals are not counted.
 *
 * The record layout is the tracepoint's format file
 * (corpus/tracepoints/syscalls/sys_enter_kill.format): the 8-byte common
 * header, __syscall_nr, then each syscall argument as 8 bytes.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sys_enter_kill_args {
	__u16 common_type;
	__u8 common_flags;
	__u8 common_preempt_count;
	__s32 common_pid;
	__s32 syscall_nr;
	__u32 pad;
	__u64 pid;
	__u64 sig;
};

struct kill_event {
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__s32 target_pid;
	__u32 sig;
	__u32 pad;
	__u64 ts_ns;
	char comm[16];
};

/* the record type in BTF, for the user-space reader (and typed test records) */
struct kill_event *unused_kill_event __attribute__((unused));

const volatile __u32 only_sig = 0;
const volatile __s32 target_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} kill_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} sig_counts SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_kill")
int trace_kill(struct sys_enter_kill_args *ctx)
{
	__s32 pid = (__s32)ctx->pid;
	__u32 sig = (__u32)ctx->sig;

	if (only_sig && sig != only_sig)
		return 0;
	if (target_pid && pid != target_pid)
		return 0;

	__u64 one = 1, *count = bpf_map_lookup_elem(&sig_counts, &sig);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&sig_counts, &sig, &one, BPF_NOEXIST);

	struct kill_event *e = bpf_ringbuf_reserve(&kill_events, sizeof(*e), 0);
	if (!e)
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->target_pid = pid;
	e->sig = sig;
	e->pad = 0;
	e->ts_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
