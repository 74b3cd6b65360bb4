// SPDX-License-Identifier: GPL-2.0
/* ELF loader fixture: a CO-RE field access (refused). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

SEC("kprobe/do_exit")
int probe(struct task_struct *t)
{
	return t->tgid;
}

char _license[] SEC("license") = "GPL";
