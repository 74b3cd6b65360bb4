// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe_open - an opensnoop-style kprobe on do_sys_openat2(dfd, filename,
 * how): the file name is a user pointer (PT_REGS_PARM2) read with
 * bpf_probe_read_user_str, and each open is sent to user space with
 * bpf_perf_event_output on the current CPU: the opener's tgid and comm,
 * the dfd, the name's length as the helper returned it (with the NUL, or
 * a negative errno when the pointer was bad) and the name.
 *
 * Opens whose name starts with "/proc/" are skipped when .rodata's
 * skip_proc is set. A per-CPU array counts opens seen and read failures.
 */
#define __TARGET_ARCH_x86
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define NAME_MAX_LEN 64

struct open_event {
	__u32 tgid;
	__s32 dfd;
	__s32 name_len;
	__u32 pad;
	char comm[16];
	char name[NAME_MAX_LEN];
};

/* the record type in BTF, for the user-space reader (and typed test records) */
struct open_event *unused_open_event __attribute__((unused));

const volatile __u8 skip_proc = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} open_events SEC(".maps");

enum { ST_OPENS, ST_READ_FAILED, ST_SKIPPED, ST_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ST_MAX);
	__type(key, __u32);
	__type(value, __u64);
} open_stats SEC(".maps");

static __always_inline void bump(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&open_stats, &k);
	if (v)
		*v += 1;
}

SEC("kprobe/do_sys_openat2")
int kprobe_open(struct pt_regs *ctx)
{
	struct open_event e = {};
	const char *filename = (const char *)PT_REGS_PARM2(ctx);

	bump(ST_OPENS);
	e.tgid = bpf_get_current_pid_tgid() >> 32;
	e.dfd = (__s32)PT_REGS_PARM1(ctx);
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	e.name_len = bpf_probe_read_user_str(e.name, sizeof(e.name), filename);
	if (e.name_len < 0) {
		bump(ST_READ_FAILED);
	} else if (skip_proc && e.name[0] == '/' && e.name[1] == 'p' && e.name[2] == 'r' &&
		   e.name[3] == 'o' && e.name[4] == 'c' && e.name[5] == '/') {
		bump(ST_SKIPPED);
		return 0;
	}
	bpf_perf_event_output(ctx, &open_events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
