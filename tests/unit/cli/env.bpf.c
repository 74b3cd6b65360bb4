// SPDX-License-Identifier: GPL-2.0
/* Fixture for the CLI's runtime options: prints the task identity, the
 * clock, a random number and a FIB lookup result with bpf_printk. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define AF_INET 2

SEC("xdp")
int env_probe(struct xdp_md *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();
	char comm[16];
	struct bpf_fib_lookup fib = {};
	long rc;

	bpf_get_current_comm(comm, sizeof(comm));
	bpf_printk("task %u %u %s", (__u32)pid_tgid, (__u32)(pid_tgid >> 32), comm);
	bpf_printk("ids %u %u", (__u32)uid_gid, (__u32)(uid_gid >> 32));
	bpf_printk("clock %llu cpu %u", bpf_ktime_get_ns(), bpf_get_smp_processor_id());
	fib.family = AF_INET;
	fib.ipv4_dst = bpf_htonl(0x0a000105); /* 10.0.1.5 */
	fib.ipv4_src = bpf_htonl(0xc0000201);
	fib.ifindex = 1;
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	bpf_printk("fib %ld ifindex %u dmac %x", rc, fib.ifindex, fib.dmac[5]);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
