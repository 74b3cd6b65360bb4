// SPDX-License-Identifier: GPL-2.0
/* ELF loader fixture: a kfunc call (refused). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int bpf_kfunc_demo(int x) __ksym;

SEC("tc")
int call_kfunc(struct __sk_buff *skb)
{
	return bpf_kfunc_demo(skb->len);
}

char _license[] SEC("license") = "GPL";
